/* sync.h - the messages hull and a process it starts in a container exchange over a
 * SOCK_SEQPACKET socketpair (sync.c); docs/architecture.md walks through the order. */
#ifndef HULL_PROCESS_SYNC_H
#define HULL_PROCESS_SYNC_H

#include "libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>

enum hull_sync_type {
	HULL_SYNC_GO = 1,        /* parent -> child: maps written (value: HULL_GO_* bits), carry on */
	HULL_SYNC_ERROR,         /* child -> parent: errnum + text; the child exits after */
	HULL_SYNC_PID,           /* child -> parent: value = host pid of the real init (slow path) */
	HULL_SYNC_MAPS,          /* child -> parent: unshared a userns, please write the id maps */
	HULL_SYNC_MAPS_DONE,     /* parent -> child: value = 1 if setgroups was denied */
	HULL_SYNC_HOOKS,         /* child -> parent: run prestart + createRuntime hooks now */
	HULL_SYNC_HOOKS_DONE,    /* parent -> child */
	HULL_SYNC_FD,            /* child -> parent: an fd (text names it, e.g. "pty") */
	HULL_SYNC_READY,         /* child -> parent: set up, now blocking on exec.fifo */
	HULL_SYNC_CGROUP_DONE,   /* parent -> child: after GO with HULL_GO_CGROUP_PENDING, in its cgroups now */
	HULL_SYNC_COMMIT,        /* parent -> child: state.json names you now; drop PDEATHSIG */
	HULL_SYNC_COMMITTED,     /* child -> parent: dropped; create may exit */
	HULL_SYNC_NETNS,         /* child -> parent (slow path, linux.netDevices only): fd = its netns */
	HULL_SYNC_NETNS_DONE,    /* parent -> child: the devices are in */
	HULL_SYNC_LOG,           /* child -> parent: a log line (errnum: level, text: message) */
};

/* Bits of HULL_SYNC_GO's value. */
#define HULL_GO_SETGROUPS_DENIED 0x1 /* the parent could not allow setgroups in the new userns */
#define HULL_GO_CGROUP_PENDING 0x2   /* the parent is still moving the child into its cgroups:
				      * HULL_SYNC_CGROUP_DONE follows (see process.c) */

#define HULL_SYNC_TEXT_MAX 2048

struct hull_sync_msg {
	uint32_t type;
	int32_t errnum;
	int64_t value;
	char text[HULL_SYNC_TEXT_MAX];
};

/* Send one message; fd >= 0 is passed along with SCM_RIGHTS. */
int hull_sync_send(int sock, enum hull_sync_type type, int errnum, int64_t value, const char *text, int fd);
/* Receive one message; *fd gets a passed fd or -1 (fd may be NULL: passed fds are closed).
 * Returns 1 on a message, 0 on EOF (peer closed or exec'd), -1 with errno on error. */
int hull_sync_recv(int sock, struct hull_sync_msg *m, int *fd);
/* Child side: relay err to the parent as HULL_SYNC_ERROR. */
void hull_sync_send_error(int sock, const struct hull_error *err);
/* Child side: from now on log lines go to the parent as HULL_SYNC_LOG over *sock
 * (read at each line: the socket may move); NULL: back to the log itself. */
void hull_sync_relay_logs(int *sock);
/* Parent side: log a HULL_SYNC_LOG message; false if m is another type. */
bool hull_sync_log(const struct hull_sync_msg *m);

#endif
