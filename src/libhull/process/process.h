/* process.h - launching a container process: clone, the parent<->child sync socket, the init steps.
 *
 * The parent (hull create, or exec) clones the child straight from hull (no re-exec).
 * The two talk over a SOCK_SEQPACKET socketpair; each message is one struct hull_sync_msg
 * (plus an optional fd via SCM_RIGHTS). The child reports failures as HULL_SYNC_ERROR
 * (errno + text) and the parent returns that text verbatim.
 *
 * Reuse by exec: hull_ns_join_pid() (namespaces.h) + hull_process_prepare() +
 * hull_process_exec() are the per-process steps; hull_sync_* (sync.h) is the protocol,
 * child.h the steps both children share. */
#ifndef HULL_PROCESS_H
#define HULL_PROCESS_H

#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hull_seccomp_filter;
struct hull_cgroup;

#include "sync.h"

/* Everything the container init needs (borrowed pointers). */
struct hull_init_config {
	const char *id;
	const struct hull_spec *spec;
	const char *rootfs;    /* absolute host path */
	int state_dirfd;       /* O_DIRECTORY fd of the state dir (holds exec.fifo); inherited */
	bool no_pivot;
	bool no_new_keyring;
	int listen_fds;   /* fds 3..3+listen_fds-1, then preserve_fds more, are passed through */
	int preserve_fds;
	struct hull_seccomp_filter *seccomp; /* may be NULL */
	struct hull_cgroup *cgroup;          /* fast path: entered by clone3 (v2) or by the child
					      * itself (v1/hybrid), else by the parent (slow path:
					      * before GO, fast path: right after it) */
};

/* Parent-side callbacks while the init sets up. */
struct hull_init_callbacks {
	/* Run prestart + createRuntime hooks; pid = the init's host pid. *state_json gets
	 * the state (malloc'd) the child hands to createContainer/startContainer hooks. */
	int (*hooks)(void *userdata, pid_t pid, char **state_json, struct hull_error *err);
	/* A pty master from the child (ownership passes to the callee). */
	int (*pty)(void *userdata, int master_fd, struct hull_error *err);
	/* Only with linux.netDevices: the container's network namespace exists (fd, still
	 * owned by the caller) and the init waits until this returns. */
	int (*netns)(void *userdata, int netns_fd, struct hull_error *err);
	void *userdata;
};

/* The result of a successful hull_process_spawn_init. */
struct hull_init_result {
	pid_t pid;       /* host pid of the container init (hull's direct child) */
	int pidfd;       /* pidfd of it, or -1 */
	int sync_fd;     /* parent end of the sync socket (EOF once the init execs) */
	bool userns;
	bool own_pidns;
	bool setgroups_denied;
};

/* Clone the init and drive it until it is READY (blocked on exec.fifo). On failure
 * the child is killed and reaped; err holds the child's own message when it sent one. */
int hull_process_spawn_init(const struct hull_init_config *cfg, const struct hull_init_callbacks *cb,
			    struct hull_init_result *res, struct hull_error *err);

/* After READY, once state.json records the init: let it outlive hull. Until then the
 * init dies with hull (PDEATHSIG), so a create killed at any point leaves no process
 * that no record names. Waits for the init's answer (hull exiting before the init has
 * dropped PDEATHSIG would kill it). */
int hull_process_commit_init(const struct hull_init_result *res, struct hull_error *err);

/* Per-process steps before exec, still privileged, in the container's namespaces and
 * root (used by init and by exec): rlimits & co (hull_attrs_apply_process), cwd, and
 * resolving args[0] on PATH from process.env. *path gets the executable's path. */
int hull_process_prepare(const struct hull_spec *spec, const struct hull_process *p, char **path,
			 struct hull_error *err);
/* Last steps and execve (returns only on failure): hull_process_env(),
 * hull_process_lockdown(), hull_process_seal_fds(keep_fds), hull_process_execve(). */
int hull_process_exec(const struct hull_process *p, const char *path, struct hull_seccomp_filter *seccomp,
		      bool setgroups_allowed, int keep_fds, char *const *extra_env, struct hull_error *err);
/* Switch user + caps and load seccomp (before the user switch when no_new_privileges
 * is off, else after it; a notifying filter's fd goes to its agent). */
int hull_process_lockdown(const struct hull_process *p, struct hull_seccomp_filter *seccomp, bool setgroups_allowed,
			  struct hull_error *err);
/* Clear CLOEXEC on fds 3 .. 3 + keep_fds - 1 (passed to the process), set it on all above. */
void hull_process_seal_fds(int keep_fds);
/* Final CPU affinity, execve(path, args, env + extra_env); returns only on failure. */
/* The env execve gets, as runc's init makes it: process.env then extra_env, a repeated
 * key in its first place with its last value, HOME from the container's /etc/passwd
 * (else "/") when there is none. Strings are borrowed; *home owns the one it adds.
 * Call it while the container's root can still read /etc/passwd (before lockdown). */
char **hull_process_env(const struct hull_process *p, char *const *extra_env, char **home);
int hull_process_execve(const struct hull_process *p, const char *path, char *const *env,
			struct hull_error *err);

/* Resolve a command like Go's exec.LookPath with PATH from env (default PATH when
 * unset). Errors in runc's words: `exec: "X": executable file not found in $PATH`. */
int hull_process_lookpath(const char *cmd, char *const *env, char **out, struct hull_error *err);

#endif
