/* child.h - the steps every process hull starts in a container takes, on both sides of
 * the sync socket: the container init (process.c) and an exec'd process (exec/child.c)
 * use these, each in its own order (as runc's standard_init and setns_init share
 * init_linux.go). */
#ifndef HULL_PROCESS_CHILD_H
#define HULL_PROCESS_CHILD_H

#include "sync.h"
#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <sys/types.h>

/* ---- child side ---- */

/* Every handler back to SIG_DFL, then nothing blocked: in that order, so a signal
 * hull had blocked and that is pending never runs hull's handler in the child. */
void hull_child_reset_signals(void);
/* Wait for one message of the expected type (an early EOF means hull died). m may be NULL. */
int hull_child_expect(int sock, enum hull_sync_type type, struct hull_sync_msg *m, struct hull_error *err);
/* Root of the (new or joined) user namespace, no supplementary groups, a new session,
 * and (keyring_id not NULL) the session keyring "_ses.<id>". creator: the init, which
 * makes the keyring and lets its owner search it, so that exec'd processes can join it. */
int hull_child_identity(bool userns, bool setgroups_denied, const char *keyring_id, bool creator,
			struct hull_error *err);
/* process.terminal: set the pty up in the container's devpts and send the master to hull
 * (FD "pty"); bind_console as in hull_terminal_setup_child(). */
int hull_child_send_pty(int sock, const struct hull_process *p, bool bind_console, struct hull_error *err);
/* Joining or making a pid (or time) namespace applies to children only: fork once more
 * with CLONE_PARENT (the new process becomes hull's own child, hull can wait for it),
 * report its pid (PID) and end the intermediate. Returns in the new process; what:
 * names it in the error. */
int hull_child_fork_into_pidns(int sock, const char *what, struct hull_error *err);

/* ---- hull's side ---- */

/* The processes of one spawn: the cloned child and, after a fork into a pid
 * namespace, the process that execs (== first without one; 0 while unknown). */
struct hull_child_pids {
	pid_t first;
	pid_t proc;
};

/* SIGKILL and reap both (a failed spawn leaves nothing). */
void hull_child_kill_and_reap(struct hull_child_pids *p);
/* The child closed the sync socket during setup: say how it ended (what: "container
 * init", "exec process"). Reaps it when it is gone. Always returns -1. */
int hull_child_gone(struct hull_child_pids *p, const char *what, struct hull_error *err);

#endif
