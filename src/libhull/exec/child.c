/* child.c - spawning an exec'd process: clone, join the init's namespaces, set up, execve.
 *
 * The per-process steps are hull_process_prepare()'s two halves: the attributes
 * (hull_attrs_apply_process) before the namespaces are joined, cwd and PATH lookup
 * inside the container's root after.
 *
 * Protocol on the SEQPACKET sync socket (process.h):
 *   parent: clone -> enter the cgroup -> GO
 *   child:  join namespaces (fork once more into a pid/time namespace, the grandchild
 *           becomes hull's own child through CLONE_PARENT and PID carries its host pid)
 *           -> READY
 *   parent: re-check that the init is the same process (a recycled pid would have sent
 *           the child into a stranger's namespaces) -> GO
 *   child:  identity, terminal (FD "pty"), rlimits & co, cwd, user, caps, seccomp ->
 *           execve; the socket is close-on-exec, so EOF tells the parent it ran.
 * Any failure is sent as ERROR before the child exits.
 *
 * Why nothing of the host is reachable from inside (CVE-2019-5736, CVE-2016-9962,
 * CVE-2024-21626):
 *  - the child closes every fd but 0-2, the --preserve-fds ones and the sync socket
 *    (close-on-exec) before it joins anything; hull's cgroup, state dir and log fds
 *    stay in the parent;
 *  - its cwd and root come from setns(mnt) (the container's root), then chdir(cwd)
 *    inside it: the host's cwd is never inherited;
 *  - it is non-dumpable from the first instruction until execve (which resets it for
 *    the new program): processes of the container cannot ptrace it or open its
 *    /proc/PID/{exe,fd,mem,environ} unless they hold CAP_SYS_PTRACE in the *host*
 *    user namespace (mm->user_ns is hull's);
 *  - for that last case the hull CLI runs exec from a sealed view of itself
 *    (hull_reexec_sealed, security/sealed_binary.c): /proc/PID/exe then names a read-only overlay
 *    view or a sealed memfd copy that cannot be written, never the binary on the host. */
#define _GNU_SOURCE
#include "exec.h"
#include "libhull/mount/mount.h"
#include "libhull/ns/namespaces.h"
#include "libhull/process/child.h"
#include "libhull/process/process.h"
#include "libhull/process/attrs.h"
#include "libhull/security/seccomp.h"
#include "libhull/process/terminal.h"
#include "common/proc.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct exec_child {
	const struct exec_spawn_cfg *cfg;
	int sock;
};

static bool needs_fork(unsigned mask)
{
	/* Joining a pid (or time) namespace only applies to children. */
	return (mask & ((1u << HULL_NS_PID) | (1u << HULL_NS_TIME))) != 0;
}

/* ---- child ------------------------------------------------------------------------ */

/* Keep 0-2, the preserved fds and the sync socket (moved right after them), close the
 * rest before anything of the container is entered. */
static int child_close_fds(struct exec_child *x, struct hull_error *err)
{
	int target = 3 + x->cfg->preserve_fds;
	if (x->sock != target) {
		if (dup3(x->sock, target, O_CLOEXEC) < 0)
			return hull_fail(err, errno, "move the sync socket to fd %d", target);
		close(x->sock);
		x->sock = target;
	}
	if (close_range((unsigned)target + 1, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = target + 1; fd < (max > 0 ? max : 65536); fd++)
			close((int)fd);
	}
	return 0;
}

/* Join, and fork into the pid namespace when needed; returns in the process that execs. */
static int child_join(struct exec_child *x, struct hull_error *err)
{
	const struct exec_spawn_cfg *cfg = x->cfg;
	/* Without a mount namespace the container's root is only the init's chroot, which
	 * joining namespaces does not give: take it from the init (runc execs at the
	 * runtime's root there; docs/runc-compat.md). Opened before the pid namespace. */
	_cleanup_close_ int root = -1;
	if (!hull_rootfs_own_mount_ns(cfg->c->spec)) {
		char proc_root[64];
		snprintf(proc_root, sizeof(proc_root), "/proc/%d/root", (int)cfg->c->pid);
		root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return hull_fail(err, errno, "open the container's root %s", proc_root);
	}
	if (hull_ns_join_pid(cfg->c->pid, cfg->ns_mask, err) < 0)
		return hull_error_prefix(err, "join the container's namespaces");
	if (root >= 0 && (fchdir(root) < 0 || chroot(".") < 0))
		return hull_fail(err, errno, "enter the container's root");
	if (!needs_fork(cfg->ns_mask))
		return 0;
	return hull_child_fork_into_pidns(x->sock, "into the container's pid namespace", err);
}

/* In the container's root: chdir to process.cwd, resolve args[0] on its PATH. */
static int child_cwd_and_path(struct exec_child *x, char **path, struct hull_error *err)
{
	const struct hull_process *p = x->cfg->p;
	if (hull_attrs_chdir(p, err) < 0)
		return -1;
	if (!p->args || !p->args[0])
		return hull_fail(err, EINVAL, "process.args must not be empty");
	return hull_process_lookpath(p->args[0], p->env, path, err);
}

static int child_main(struct exec_child *x, struct hull_error *err)
{
	const struct exec_spawn_cfg *cfg = x->cfg;
	hull_child_reset_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	if (child_close_fds(x, err) < 0)
		return -1;
	/* listenerPath is a host path: connect before leaving the host's mount namespace. */
	if (cfg->seccomp_state && hull_seccomp_connect_listener(cfg->seccomp, &cfg->c->spec->linux_.seccomp,
								  cfg->seccomp_state, err) < 0)
		return -1;
	if (hull_child_expect(x->sock, HULL_SYNC_GO, NULL, err) < 0)
		return -1;
	hull_trace("nsexec container setup: exec process released by hull, in its cgroup");
	/* hull_process_prepare()'s attribute half runs here, still in the host's user
	 * namespace and already in the cgroup: raising rlimits (runc sets them from the
	 * parent for the same reason) or lowering oom_score_adj works there, the
	 * non-dumpable /proc/self files are writable, and all of it (rlimits, oom score,
	 * scheduler, io priority, personality, affinity, umask) is inherited by the fork
	 * into the pid namespace (but a scheduler policy with SCHED_FLAG_RESET_ON_FORK). */
	if (hull_attrs_apply_process(cfg->c->spec, cfg->p, err) < 0 || child_join(x, err) < 0)
		return -1;
	hull_trace("child process in init(): joined the container's namespaces");
	if (hull_sync_send(x->sock, HULL_SYNC_READY, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "report to hull");
	if (hull_child_expect(x->sock, HULL_SYNC_GO, NULL, err) < 0)
		return -1;
	_cleanup_free_ char *path = NULL;
	const struct hull_container *c = cfg->c;
	if (hull_child_identity(c->userns, c->setgroups_denied, c->no_new_keyring ? NULL : c->id, false, err) < 0 ||
	    hull_child_send_pty(x->sock, cfg->p, false, err) < 0 || child_cwd_and_path(x, &path, err) < 0)
		return -1;
	prctl(PR_SET_PDEATHSIG, 0);
	hull_trace("setns_init: about to exec %s", path);
	return hull_process_exec(cfg->p, path, cfg->seccomp, !cfg->c->setgroups_denied, cfg->preserve_fds, NULL, err);
}

static __attribute__((noreturn)) void child_run(const struct exec_spawn_cfg *cfg, int sock)
{
	struct exec_child x = { .cfg = cfg, .sock = sock };
	struct hull_error err = { 0 };
	hull_sync_relay_logs(&x.sock); /* the log's fd is closed in here */
	child_main(&x, &err);
	hull_sync_send_error(x.sock, &err);
	_exit(255);
}

/* ---- parent ----------------------------------------------------------------------- */

struct spawn_parent {
	const struct exec_spawn_cfg *cfg;
	struct hull_child_pids pids; /* the cloned child, the process that execs */
	int sock;
	int pty;
};

/* One message; returns 1 on a message, 0 on EOF, -1 on error (err set). */
static int parent_recv(struct spawn_parent *s, struct hull_sync_msg *m, struct hull_error *err)
{
	int fd = -1;
	int r = hull_sync_recv(s->sock, m, &fd);
	if (r < 0)
		return hull_fail(err, errno, "read from the exec process");
	if (r == 0)
		return 0;
	switch (m->type) {
	case HULL_SYNC_LOG:
		hull_sync_log(m);
		break;
	case HULL_SYNC_ERROR:
		if (fd >= 0)
			close(fd);
		return hull_fail_plain(err, m->errnum, "%s", m->text);
	case HULL_SYNC_PID:
		s->pids.proc = (pid_t)m->value;
		waitpid(s->pids.first, NULL, 0); /* the intermediate exits right after */
		s->pids.first = s->pids.proc;
		break;
	case HULL_SYNC_FD:
		if (fd < 0)
			return hull_fail(err, EPROTO, "exec process sent no fd");
		if (s->pty >= 0)
			close(s->pty);
		s->pty = fd;
		fd = -1;
		break;
	case HULL_SYNC_READY:
		break;
	default:
		if (fd >= 0)
			close(fd);
		return hull_fail(err, EPROTO, "unexpected message %u from the exec process", m->type);
	}
	return 1;
}

static int parent_serve(struct spawn_parent *s, struct hull_error *err)
{
	_cleanup_free_ struct hull_sync_msg *m = xmalloc(sizeof(*m));
	bool ready = false;
	/* Phase 1: joined (and, with a pid namespace, forked). */
	while (!ready || s->pids.proc <= 0) {
		int r = parent_recv(s, m, err);
		if (r <= 0)
			return r < 0 ? -1 : hull_child_gone(&s->pids, "exec process", err);
		if (m->type == HULL_SYNC_READY)
			ready = true;
	}
	const struct hull_container *c = s->cfg->c;
	if (!hull_pid_alive(c->pid, c->start_time))
		return hull_fail_plain(err, ESRCH, "cannot exec in a stopped container");
	if (hull_sync_send(s->sock, HULL_SYNC_GO, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "release the exec process");
	/* Phase 2: until execve closes the socket. */
	for (;;) {
		int r = parent_recv(s, m, err);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
}

int exec_spawn(const struct exec_spawn_cfg *cfg, struct exec_spawn_result *res, struct hull_error *err)
{
	res->pid = 0;
	res->pty_master = -1;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return hull_fail(err, errno, "socketpair");
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return hull_fail(err, e, "fork the exec process");
	}
	if (pid == 0) {
		close(sp[0]);
		child_run(cfg, sp[1]);
	}
	close(sp[1]);
	struct spawn_parent s = { .cfg = cfg, .pids = { .first = pid, .proc = needs_fork(cfg->ns_mask) ? 0 : pid },
				  .sock = sp[0], .pty = -1 };
	int r = cfg->enter_cgroup ? cfg->enter_cgroup(cfg->userdata, pid, err) : 0;
	if (r == 0 && hull_sync_send(s.sock, HULL_SYNC_GO, 0, 0, NULL, -1) < 0)
		r = hull_fail(err, errno, "release the exec process");
	if (r == 0)
		r = parent_serve(&s, err);
	close(s.sock);
	if (r < 0) {
		hull_child_kill_and_reap(&s.pids);
		if (s.pty >= 0)
			close(s.pty);
		return -1;
	}
	res->pid = s.pids.proc;
	res->pty_master = s.pty;
	return 0;
}
