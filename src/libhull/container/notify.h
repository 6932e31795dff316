/* notify.h - the NOTIFY_SOCKET proxy (systemd's sd_notify across the container boundary).
 *
 * As runc does: when hull create/run find NOTIFY_SOCKET in their environment, the
 * state dir gets notify/ (0755), bind-mounted read-only at /run/notify in the
 * container, whose process gets NOTIFY_SOCKET=/run/notify/notify.sock. `start` (or
 * run) binds that datagram socket before releasing the init and then waits until
 * the workload sends READY=... (or exits); the READY line, MAINPID=<pid> and a
 * BARRIER=1 go on to the host's socket. */
#ifndef HULL_NOTIFY_H
#define HULL_NOTIFY_H

#include "libhull/hull.h"
#include "libhull/spec/spec.h"

#include <sys/types.h>

#define HULL_NOTIFY_DIR "notify"
#define HULL_NOTIFY_SOCK "notify.sock"
#define HULL_NOTIFY_IN_CONTAINER "/run/notify/notify.sock"

/* The host socket from the environment, or NULL when unset/empty. */
const char *hull_notify_host(void);

/* create: make <state_dir>/notify and add its bind mount and NOTIFY_SOCKET to spec. */
int hull_notify_prepare(struct hull_spec *spec, const char *state_dir, int state_dirfd, struct hull_error *err);

/* start/run: bind <state dir>/notify/notify.sock (mode 0777). *sock = -1 and no error
 * when create did not prepare the directory. */
int hull_notify_bind(int state_dirfd, int *sock, struct hull_error *err);

/* Wait on sock until a READY= datagram arrives or watch_pid is gone; then tell host
 * the READY line, MAINPID=mainpid and BARRIER=1 (waits up to 30 s for systemd's
 * acknowledgement, like runc). A container that exits without READY is not an error. */
int hull_notify_wait(int sock, const char *host, pid_t watch_pid, uint64_t watch_start_time, pid_t mainpid,
		     struct hull_error *err);

#endif
