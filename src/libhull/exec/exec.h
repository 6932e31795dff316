/* exec.h - what the exec files share: exec.c (the command) and child.c
 * (spawning the process inside the container). */
#ifndef HULL_EXEC_EXEC_H
#define HULL_EXEC_EXEC_H

#include "libhull/container/state.h"

#include <stdbool.h>
#include <sys/types.h>

struct hull_seccomp_filter;

/* Everything the exec'd process needs (borrowed). */
struct exec_spawn_cfg {
	const struct hull_container *c;
	const struct hull_process *p;
	unsigned ns_mask;         /* namespace types to join from the init (bit 1 << type) */
	struct hull_seccomp_filter *seccomp;
	const char *seccomp_state; /* OCI state for a seccomp listener agent, or NULL */
	int preserve_fds;
	/* Puts the first child into the container's cgroup (or a sub-cgroup) before it
	 * joins anything. */
	int (*enter_cgroup)(void *userdata, pid_t pid, struct hull_error *err);
	void *userdata;
};

struct exec_spawn_result {
	pid_t pid;        /* host pid of the exec'd process (hull's own child) */
	int pty_master;   /* with process.terminal, else -1 */
};

/* Clone, join, set up and execve the process; returns once it runs (its sync socket
 * closed on execve) or failed (then nothing is left: the child is killed and reaped,
 * err has the child's own message). Signals should be blocked by the caller. */
int exec_spawn(const struct exec_spawn_cfg *cfg, struct exec_spawn_result *res, struct hull_error *err);

#endif
