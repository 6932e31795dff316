/* process.c - launching the container init: clone/clone3, the sync socket, the init steps, error relay. */
#define _GNU_SOURCE
#include "process.h"
#include "child.h"
#include "libhull/security/caps.h"
#include "libhull/cgroup/cgroup.h"
#include "hooks.h"
#include "libhull/mount/mount.h"
#include "libhull/ns/namespaces.h"
#include "attrs.h"
#include "libhull/security/seccomp.h"
#include "libhull/container/state.h"
#include "terminal.h"
#include "common/passwd.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* ---- exec helpers (shared by init and exec) ------------------------------------ */

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

static bool is_executable_file(const char *path, int *err_out)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		*err_out = errno;
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		*err_out = EISDIR;
		return false;
	}
	if (!(st.st_mode & 0111)) {
		*err_out = EACCES;
		return false;
	}
	return true;
}

int hull_process_lookpath(const char *cmd, char *const *env, char **out, struct hull_error *err)
{
	int e = 0;
	if (strchr(cmd, '/')) {
		if (is_executable_file(cmd, &e)) {
			*out = xstrdup(cmd);
			return 0;
		}
		if (e == ENOENT)
			return hull_fail_plain(err, e, "exec: \"%s\": stat %s: no such file or directory", cmd, cmd);
		return hull_fail_plain(err, e, "exec: \"%s\": permission denied", cmd);
	}
	const char *path = env_get(env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = xasprintf("%s/%s", *dir ? dir : ".", cmd);
		if (is_executable_file(cand, &e)) {
			*out = steal_pointer(&cand);
			return 0;
		}
	}
	return hull_fail_plain(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", cmd);
}

int hull_process_prepare(const struct hull_spec *spec, const struct hull_process *p, char **path,
			 struct hull_error *err)
{
	if (hull_attrs_apply_process(spec, p, err) < 0 || hull_attrs_chdir(p, err) < 0)
		return -1;
	if (!p->args || !p->args[0])
		return hull_fail(err, EINVAL, "process.args must not be empty");
	return hull_process_lookpath(p->args[0], p->env, path, err);
}

/* runc's rule: without HOME in the env, the user's home from the container's
 * /etc/passwd, else "/". NULL when the env has one. */
static char *home_env(const struct hull_process *p, char *const *env)
{
	for (size_t i = 0; env[i]; i++)
		if (hull_str_has_prefix(env[i], "HOME="))
			return NULL;
	_cleanup_free_ char *db = hull_passwd_read_at(AT_FDCWD, "/etc/passwd");
	struct hull_passwd pw = { 0 };
	char *home = hull_passwd_find(db, NULL, p->uid, &pw) && *pw.home ? xasprintf("HOME=%s", pw.home) : NULL;
	hull_passwd_clear(&pw);
	if (home)
		return home;
	return xstrdup("HOME=/");
}

/* "K=V" entries with the same K as `e`'s, or -1. */
static ssize_t env_find(char **v, size_t n, const char *e)
{
	size_t klen = strcspn(e, "=");
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i], e, klen) == 0 && v[i][klen] == '=')
			return (ssize_t)i;
	return -1;
}

/* The process's env, then extra, as runc's init sets them (one setenv each): a key
 * given twice (the config's and exec --env's) keeps its first place and its last
 * value; then HOME. */
char **hull_process_env(const struct hull_process *p, char *const *extra, char **home)
{
	size_t n = hull_strv_len(p->env), k = hull_strv_len(extra), m = 0;
	char **v = xcalloc(n + k + 2, sizeof(char *));
	for (size_t i = 0; i < n + k; i++) {
		char *e = i < n ? p->env[i] : extra[i - n];
		ssize_t at = env_find(v, m, e);
		if (at >= 0)
			v[at] = e;
		else
			v[m++] = e;
	}
	*home = home_env(p, v);
	v[m] = *home;
	return v;
}

int hull_process_lockdown(const struct hull_process *p, struct hull_seccomp_filter *seccomp, bool setgroups_allowed,
			  struct hull_error *err)
{
	int notify_fd = -1;
	/* Without no_new_privileges only a privileged task may load a filter: do it
	 * before the user switch drops the capabilities. */
	if (seccomp && !p->no_new_privileges && hull_seccomp_load(seccomp, &notify_fd, err) < 0)
		return -1;
	if (hull_attrs_switch_user(p, setgroups_allowed, err) < 0)
		return -1;
	if (seccomp && p->no_new_privileges && hull_seccomp_load(seccomp, &notify_fd, err) < 0)
		return -1;
	if (notify_fd >= 0)
		close(notify_fd);
	return 0;
}

void hull_process_seal_fds(int keep_fds)
{
	/* Everything hull opened is closed by execve; passed fds stay open. */
	for (int fd = 3; fd < 3 + keep_fds; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	if (close_range((unsigned)(3 + keep_fds), ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3 + keep_fds; fd < 65536; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int hull_process_execve(const struct hull_process *p, const char *path, char *const *env, struct hull_error *err)
{
	if (hull_attrs_final_affinity(p, err) < 0)
		return -1;
	execve(path, p->args, env);
	return hull_fail(err, errno, "exec: \"%s\": %s", p->args[0], strerror(errno));
}

int hull_process_exec(const struct hull_process *p, const char *path, struct hull_seccomp_filter *seccomp,
		      bool setgroups_allowed, int keep_fds, char *const *extra_env, struct hull_error *err)
{
	/* HOME comes from the container's /etc/passwd: read it while still root. */
	_cleanup_free_ char *home = NULL;
	_cleanup_free_ char **env = hull_process_env(p, extra_env, &home);
	if (hull_process_lockdown(p, seccomp, setgroups_allowed, err) < 0)
		return -1;
	hull_process_seal_fds(keep_fds);
	return hull_process_execve(p, path, env, err);
}

/* ---- the init (child side) ------------------------------------------------------- */

struct init_ctx {
	const struct hull_init_config *cfg;
	int sock;
	int new_flags;
	unsigned joined;
	bool slow;
	bool late_cgroupns; /* fast path: unshare CLONE_NEWCGROUP once the parent placed us */
	bool cgroup_pending; /* fast path: GO came before the parent placed us (init_cgroup_point) */
	int *cg_fds;         /* fast path, v1/hybrid: "tasks" files we write "0" to (init_self_enter) */
	size_t n_cg_fds;
	bool userns;
	bool setgroups_denied;
	int state_dirfd;  /* the child's own open of the state dir (see init_main) */
	bool ready;       /* READY sent: errors from here on also go to stderr */
	char *state_json; /* from the parent, for createContainer/startContainer hooks */
	int *source_trees; /* with a user namespace: bind sources hull opened (mount.h) */
};

/* Slow path: a new or joined pid namespace, or a new time namespace, only applies to
 * children, so the init is one more fork away; otherwise the cloned child is the init. */
static bool slow_path_forks(const struct init_ctx *x)
{
	return (x->new_flags & (CLONE_NEWPID | CLONE_NEWTIME)) || (x->joined & (1u << HULL_NS_PID));
}

/* Slow path: join by path, new userns (maps from the parent), the other new ones,
 * then fork once more when needed (slow_path_forks). */
static int init_slow_namespaces(struct init_ctx *x, struct hull_error *err)
{
	const struct hull_spec *spec = x->cfg->spec;
	if (x->joined && hull_ns_join_paths(spec, err) < 0)
		return -1;
	struct hull_sync_msg m;
	if (x->new_flags & CLONE_NEWUSER) {
		/* Alone and first: the namespaces unshared next are then owned by it. */
		if (unshare(CLONE_NEWUSER) < 0)
			return hull_fail(err, errno, "unshare user namespace");
		if (hull_sync_send(x->sock, HULL_SYNC_MAPS, 0, 0, NULL, -1) < 0 ||
		    hull_child_expect(x->sock, HULL_SYNC_MAPS_DONE, &m, err) < 0)
			return hull_fail(err, errno, "sync with parent for id maps");
		x->setgroups_denied = m.value != 0;
		/* The maps are written: now hide the hull binary (see init_main). */
		if (!(x->new_flags & CLONE_NEWPID))
			prctl(PR_SET_DUMPABLE, 0);
	}
	int rest = x->new_flags & ~CLONE_NEWUSER;
	if (rest && unshare(rest) < 0)
		return hull_fail(err, errno, "unshare namespaces (flags 0x%x)", rest);
	if ((x->new_flags & CLONE_NEWTIME) && hull_ns_write_time_offsets(spec, err) < 0)
		return -1;
	if (!slow_path_forks(x))
		return 0;
	/* The real init becomes hull's own child and this intermediate exits. */
	return hull_child_fork_into_pidns(x->sock, "the container init", err);
}

static int init_hooks(struct init_ctx *x, struct hull_error *err)
{
	const struct hull_hooks *h = &x->cfg->spec->hooks;
	/* A seccomp listener needs the state (with the init's host pid) too. */
	if (!h->prestart.n && !h->create_runtime.n && !h->create_container.n && !h->start_container.n &&
	    !hull_seccomp_wants_notify(x->cfg->seccomp))
		return 0;
	struct hull_sync_msg *m = xmalloc(sizeof(*m));
	int r = 0;
	if (hull_sync_send(x->sock, HULL_SYNC_HOOKS, 0, 0, NULL, -1) < 0)
		r = hull_fail(err, errno, "sync with parent for hooks");
	else if (hull_child_expect(x->sock, HULL_SYNC_HOOKS_DONE, m, err) < 0)
		r = -1;
	else
		x->state_json = xstrdup(m->text);
	free(m);
	/* createContainer hooks start in the rootfs, as runc's do (they may use relative
	 * paths into it); pivot_root changes the directory again afterwards. */
	if (r == 0 && h->create_container.n && chdir(x->cfg->rootfs) < 0)
		r = hull_fail(err, errno, "createContainer hooks: chdir %s", x->cfg->rootfs);
	if (r == 0 && h->create_container.n) {
		/* runc's init has the process's env (without HOME yet) when it runs them. */
		char *no_env[] = { NULL };
		char **env = x->cfg->spec->process.env;
		r = hull_hooks_run(&h->create_container, "createContainer", x->state_json, env ? env : no_env, err);
	}
	return r;
}

static bool spec_has_ns(const struct init_ctx *x, enum hull_ns_type t)
{
	return (x->new_flags & hull_ns_clone_flag(t)) || (x->joined & (1u << t));
}

/* Fast path on v1/hybrid hosts: move ourselves into each v1 hierarchy, first thing after
 * GO (the unified one, on hybrid hosts, came with clone3's CLONE_INTO_CGROUP). A single
 * thread moving itself skips the global cgroup_threadgroup_rwsem whose first writer
 * waits for an RCU grace period; the parent writing our pid to cgroup.procs would take
 * it. We are single-threaded, so the thread is the whole process. */
static int init_self_enter(struct init_ctx *x, struct hull_error *err)
{
	for (size_t i = 0; i < x->n_cg_fds; i++) {
		if (write(x->cg_fds[i], "0", 1) != 1) {
			int e = errno;
			char link[64], path[512];
			snprintf(link, sizeof(link), "/proc/self/fd/%d", x->cg_fds[i]);
			ssize_t l = readlink(link, path, sizeof(path) - 1);
			path[l > 0 ? l : 0] = '\0';
			return hull_fail(err, e, "write \"0\" to %s", l > 0 ? path : "a v1 tasks file");
		}
		close(x->cg_fds[i]);
	}
	x->n_cg_fds = 0;
	return 0;
}

/* The fast path's split point when the parent moves us into our cgroups only after GO
 * (HULL_GO_CGROUP_PENDING: v1 or hybrid host where init_self_enter cannot be used, e.g.
 * rootless or no clone3 CLONE_INTO_CGROUP). The parent's first write of our pid to a
 * cgroup.procs waits out an RCU grace period (3-20 ms here), which we
 * spend on hull_child_identity and the spec mounts that do not care which cgroups we are in;
 * hull_rootfs_prepare calls this before the first cgroup mount (or tmpcopyup), else after
 * its last mount, and init_rootfs once more as a no-op safety net.
 * Why that is safe: up to here we have not forked (pids limits, and every child would
 * start in hull's cgroups), run or asked for hooks (they may look at our cgroups), made
 * device nodes (mknod obeys the devices cgroup's "m" rules), copied files (tmpcopyup: page
 * charges stay with the memory cgroup that made them), read /proc/self/cgroup or made the
 * cgroup namespace (its root is the cgroup we are in when we unshare it). What runs before
 * is a few dozen syscalls; only their small kernel objects (mount and superblock structs)
 * are charged to hull's own cgroups, where runc would charge them to the container's. */
static int init_cgroup_point(void *arg, struct hull_error *err)
{
	struct init_ctx *x = arg;
	if (!x->cgroup_pending)
		return 0;
	_cleanup_free_ struct hull_sync_msg *m = xmalloc(sizeof(*m));
	if (hull_child_expect(x->sock, HULL_SYNC_CGROUP_DONE, m, err) < 0)
		return -1;
	x->cgroup_pending = false;
	if (x->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return hull_fail(err, errno, "unshare cgroup namespace");
	return 0;
}

static int init_rootfs(struct init_ctx *x, struct hull_error *err)
{
	const struct hull_spec *spec = x->cfg->spec;
	struct hull_rootfs_ctx rc = {
		.spec = spec,
		.rootfs = x->cfg->rootfs,
		.no_pivot = x->cfg->no_pivot,
		.userns = x->userns,
		.new_netns = (x->new_flags & CLONE_NEWNET) != 0,
		.new_cgroupns = (x->new_flags & CLONE_NEWCGROUP) != 0,
		.console = spec->process.terminal,
		.source_trees = x->source_trees,
		.cgroup_point = init_cgroup_point,
		.cgroup_point_arg = x,
	};
	if (hull_rootfs_prepare(&rc, err) < 0 || init_cgroup_point(x, err) < 0)
		return -1;
	hull_trace("init: rootfs prepared, in its cgroups");
	if (init_hooks(x, err) < 0)
		return -1;
	/* listenerPath is a host path: connect while the host is still reachable. */
	if (hull_seccomp_connect_listener(x->cfg->seccomp, &spec->linux_.seccomp, x->state_json, err) < 0)
		return -1;
	if (hull_rootfs_pivot(&rc, err) < 0 || hull_rootfs_finalize(&rc, err) < 0)
		return -1;
	hull_trace("init: %s done", rc.no_pivot ? "chroot" : "pivot_root");
	return hull_attrs_apply_container(spec, err);
}

/* After READY: block until `start` opens the fifo's read end, then, as runc does, lock
 * the process down (user, capabilities, seccomp: the agent of a notifying profile gets
 * its fd now), run the startContainer hooks, tell `start` and exec. The hooks thus run
 * under the filter, as the container's user, and inherit only the fds the process
 * keeps. The byte comes after the hooks and the fifo stays open until execve closes it
 * (O_CLOEXEC, above every fd the process keeps), so that `start` (which reads the
 * byte, then waits for EOF) runs the poststart hooks only once the container's
 * process has been executed, as the runtime spec orders them. */
static int init_wait_and_exec(struct init_ctx *x, const char *path, struct hull_error *err)
{
	const struct hull_init_config *cfg = x->cfg;
	int keep_fds = cfg->listen_fds + cfg->preserve_fds;
	/* The state dir fd was opened by the parent: after pivot_root (and as a mapped
	 * root without access to <root>) a path would no longer reach it. */
	int opened = openat(x->state_dirfd, HULL_STATE_FIFO, O_WRONLY | O_CLOEXEC);
	if (opened < 0)
		return hull_fail(err, errno, "open exec fifo");
	int fifo = fcntl(opened, F_DUPFD_CLOEXEC, 3 + keep_fds);
	close(opened);
	if (fifo < 0)
		return hull_fail(err, errno, "move the exec fifo fd");
	close(x->state_dirfd);
	char listen_fds[32], *extra[3] = { NULL, NULL, NULL };
	if (cfg->listen_fds > 0) {
		snprintf(listen_fds, sizeof(listen_fds), "LISTEN_FDS=%d", cfg->listen_fds);
		extra[0] = listen_fds;
		extra[1] = (char *)"LISTEN_PID=1";
	}
	/* HOME comes from the container's /etc/passwd: read it while still root. */
	_cleanup_free_ char *home = NULL;
	_cleanup_free_ char **env = hull_process_env(&cfg->spec->process, extra, &home);
	if (hull_process_lockdown(&cfg->spec->process, cfg->seccomp, !x->setgroups_denied, err) < 0)
		return -1;
	hull_process_seal_fds(keep_fds);
	const struct hull_hooks *h = &cfg->spec->hooks;
	if (h->start_container.n &&
	    hull_hooks_run(&h->start_container, "startContainer", x->state_json ? x->state_json : "{}", env, err) < 0)
		return -1;
	if (write(fifo, "0", 1) != 1)
		return hull_fail(err, errno, "write exec fifo");
	return hull_process_execve(&cfg->spec->process, path, env, err);
}

/* Slow path with linux.netDevices: our netns exists only now (joined or unshared after
 * GO); hand it to the parent, which moves the devices in, and wait. */
static int init_netns_ready(struct init_ctx *x, struct hull_error *err)
{
	_cleanup_close_ int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "open /proc/thread-self/ns/net");
	if (hull_sync_send(x->sock, HULL_SYNC_NETNS, 0, 0, NULL, fd) < 0)
		return hull_fail(err, errno, "sync with parent for linux.netDevices");
	struct hull_sync_msg m;
	return hull_child_expect(x->sock, HULL_SYNC_NETNS_DONE, &m, err);
}

static int init_main(struct init_ctx *x, struct hull_error *err)
{
	struct hull_sync_msg m;
	hull_child_reset_signals();
	/* The inherited dir fd shares the open file description that holds create's
	 * flock: keeping it would hold the lock for as long as the init lives and `start`
	 * would wait forever. A fresh open has no lock. */
	x->state_dirfd = openat(x->cfg->state_dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	close(x->cfg->state_dirfd);
	if (x->state_dirfd < 0)
		return hull_fail(err, errno, "reopen the state directory");
	/* Until READY, a dying hull takes the half-made init with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (hull_child_expect(x->sock, HULL_SYNC_GO, &m, err) < 0)
		return -1;
	x->setgroups_denied = (m.value & HULL_GO_SETGROUPS_DENIED) != 0;
	x->cgroup_pending = (m.value & HULL_GO_CGROUP_PENDING) != 0;
	hull_trace("nsexec container setup: init released by hull (%s path)", x->slow ? "slow" : "fast");
	if (init_self_enter(x, err) < 0)
		return -1;
	/* Once we are in our cgroups (by clone3, init_self_enter or the parent before GO;
	 * in init_cgroup_point when still pending) a new cgroup namespace gets them as its
	 * root (made at clone it would show /../..). */
	if (x->late_cgroupns && !x->cgroup_pending && unshare(CLONE_NEWCGROUP) < 0)
		return hull_fail(err, errno, "unshare cgroup namespace");
	/* CVE-2019-5736: until execve this process runs the hull binary. Where other
	 * containers' processes can see it (a joined or the host's pid namespace) it must
	 * not be dumpable, so that none can open /proc/PID/exe (the host's hull). With a
	 * new userns on the slow path the parent still has to write /proc/PID/uid_map:
	 * init_slow_namespaces does it after that. execve makes the process dumpable. */
	if (!(x->new_flags & CLONE_NEWPID) && !(x->slow && (x->new_flags & CLONE_NEWUSER)))
		prctl(PR_SET_DUMPABLE, 0);
	if (x->slow && init_slow_namespaces(x, err) < 0)
		return -1;
	if (x->slow && x->cfg->spec->linux_.n_net_devices && init_netns_ready(x, err) < 0)
		return -1;
	hull_trace("child process in init(): namespaces created");
	/* Root of the userns, no groups, own session and keyring (made searchable, for exec). */
	if (hull_child_identity(x->userns, x->setgroups_denied, x->cfg->no_new_keyring ? NULL : x->cfg->id, true, err) < 0 ||
	    init_rootfs(x, err) < 0 || hull_child_send_pty(x->sock, &x->cfg->spec->process,
						     hull_rootfs_own_mount_ns(x->cfg->spec), err) < 0)
		return -1;
	_cleanup_free_ char *path = NULL;
	if (hull_process_prepare(x->cfg->spec, &x->cfg->spec->process, &path, err) < 0)
		return -1;
	hull_trace("init: closing the pipe to signal completion");
	if (hull_sync_send(x->sock, HULL_SYNC_READY, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "report ready to hull");
	/* Keep PDEATHSIG until hull has recorded us in state.json (COMMIT): a hull killed
	 * before that takes this init along instead of leaving an unlisted container. */
	if (hull_child_expect(x->sock, HULL_SYNC_COMMIT, &m, err) < 0)
		return -1;
	prctl(PR_SET_PDEATHSIG, 0);
	if (hull_sync_send(x->sock, HULL_SYNC_COMMITTED, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "report commit to hull");
	x->ready = true;
	hull_sync_relay_logs(NULL); /* hull may be gone now (create exited) */
	return init_wait_and_exec(x, path, err);
}

static __attribute__((noreturn)) void init_child(struct init_ctx *x)
{
	struct hull_error err = { 0 };
	hull_sync_relay_logs(&x->sock);
	init_main(x, &err);
	/* After READY the parent may be gone (create exited): say it on stderr too. */
	hull_sync_send_error(x->sock, &err);
	/* Before READY the parent relays the message; after it, create may be gone. */
	if (err.msg && x->ready) {
		_cleanup_free_ char *line = xasprintf("hull init: %s\n", err.msg);
		(void)!write(STDERR_FILENO, line, strlen(line));
	}
	_exit(err.errnum == ENOENT ? 127 : err.errnum == EACCES ? 126 : 1);
}

/* ---- the parent side ---------------------------------------------------------------- */

struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
		cgroup;
};

/* Fork-like clone (no new stack): the child continues right here. */
static pid_t clone_init(uint64_t flags, int cgroup_fd, int *pidfd)
{
	struct clone_args_v2 a = { .flags = flags | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)pidfd,
				   .exit_signal = SIGCHLD };
	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	if (pid >= 0 || (errno != ENOSYS && errno != E2BIG))
		return pid;
	if (cgroup_fd >= 0) {
		errno = ENOSYS; /* caller retries without CLONE_INTO_CGROUP */
		return -1;
	}
	*pidfd = -1;
	return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
}

struct spawn_state {
	struct hull_child_pids pids; /* the cloned child, the container init (== first on the fast path) */
	int sock;
};

/* Serve the child until READY. */
static int serve_child(const struct hull_init_config *cfg, const struct hull_init_callbacks *cb,
		       struct spawn_state *s, struct hull_init_result *res, struct hull_error *err)
{
	_cleanup_free_ struct hull_sync_msg *m = xmalloc(sizeof(*m));
	for (;;) {
		int fd = -1;
		int r = hull_sync_recv(s->sock, m, &fd);
		if (r < 0)
			return hull_fail(err, errno, "read from the container init");
		if (r == 0)
			return hull_child_gone(&s->pids, "container init", err);
		switch (m->type) {
		case HULL_SYNC_LOG:
			hull_sync_log(m);
			break;
		case HULL_SYNC_ERROR: /* the text already carries its strerror */
			return hull_fail_plain(err, m->errnum, "%s", m->text);
		case HULL_SYNC_READY:
			return 0;
		case HULL_SYNC_PID:
			s->pids.proc = (pid_t)m->value;
			waitpid(s->pids.first, NULL, 0); /* the intermediate exits right after */
			s->pids.first = s->pids.proc;
			break;
		case HULL_SYNC_MAPS:
			if (hull_ns_write_id_maps(s->pids.first, cfg->spec, &res->setgroups_denied, err) < 0)
				return -1;
			hull_sync_send(s->sock, HULL_SYNC_MAPS_DONE, 0, res->setgroups_denied, NULL, -1);
			break;
		case HULL_SYNC_HOOKS: {
			_cleanup_free_ char *state = NULL;
			if (cb->hooks && cb->hooks(cb->userdata, s->pids.proc, &state, err) < 0)
				return -1;
			hull_sync_send(s->sock, HULL_SYNC_HOOKS_DONE, 0, 0, state ? state : "{}", -1);
			break;
		}
		case HULL_SYNC_NETNS: {
			_cleanup_close_ int ns = fd;
			if (ns < 0)
				return hull_fail(err, EPROTO, "container init sent no fd");
			if (cb->netns && cb->netns(cb->userdata, ns, err) < 0)
				return -1;
			hull_sync_send(s->sock, HULL_SYNC_NETNS_DONE, 0, 0, NULL, -1);
			break;
		}
		case HULL_SYNC_FD:
			if (fd < 0)
				return hull_fail(err, EPROTO, "container init sent no fd");
			if (cb->pty && cb->pty(cb->userdata, fd, err) < 0)
				return -1;
			if (!cb->pty)
				close(fd);
			break;
		default:
			if (fd >= 0)
				close(fd);
			return hull_fail(err, EPROTO, "unexpected message %u from the container init", m->type);
		}
	}
}

int hull_process_commit_init(const struct hull_init_result *res, struct hull_error *err)
{
	if (hull_sync_send(res->sync_fd, HULL_SYNC_COMMIT, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "commit the container init");
	_cleanup_free_ struct hull_sync_msg *m = xmalloc(sizeof(*m));
	int r;
	while ((r = hull_sync_recv(res->sync_fd, m, NULL)) > 0 && hull_sync_log(m))
		; /* --debug lines it sent before its answer */
	if (r <= 0)
		return hull_fail(err, r < 0 ? errno : EPIPE, "container init exited before create finished");
	if (m->type == HULL_SYNC_ERROR)
		return hull_fail_plain(err, m->errnum, "%s", m->text);
	if (m->type != HULL_SYNC_COMMITTED)
		return hull_fail(err, EPROTO, "unexpected message %u from the container init", m->type);
	return 0;
}

static void close_self_enter(struct init_ctx *x)
{
	for (size_t i = 0; i < x->n_cg_fds; i++)
		close(x->cg_fds[i]);
	free(x->cg_fds);
	x->cg_fds = NULL;
	x->n_cg_fds = 0;
}

/* Slow path: the cgroups first (the child has not unshared anything yet), then GO. */
static int release_slow_child(const struct hull_init_config *cfg, struct spawn_state *s, struct hull_error *err)
{
	if (cfg->cgroup && hull_cgroup_enter(cfg->cgroup, s->pids.first, err) < 0)
		return -1;
	if (hull_sync_send(s->sock, HULL_SYNC_GO, 0, 0, NULL, -1) < 0)
		return hull_fail(err, errno, "release the container init");
	return 0;
}

/* Fast path: the child is in its namespaces already. Write its id maps and release it;
 * when it is not in its cgroups yet and cannot move itself (see hull_process_spawn_init),
 * move it there while it sets up (see init_cgroup_point) and tell it when done. */
static int release_fast_child(const struct hull_init_config *cfg, struct spawn_state *s, bool in_cgroup,
			      bool new_user, struct hull_init_result *res, struct hull_error *err)
{
	if (new_user && hull_ns_write_id_maps(s->pids.first, cfg->spec, &res->setgroups_denied, err) < 0)
		return -1;
	bool pending = !in_cgroup && cfg->cgroup;
	int64_t go = (res->setgroups_denied ? HULL_GO_SETGROUPS_DENIED : 0) | (pending ? HULL_GO_CGROUP_PENDING : 0);
	if (hull_sync_send(s->sock, HULL_SYNC_GO, 0, go, NULL, -1) < 0)
		return hull_fail(err, errno, "release the container init");
	if (!pending)
		return 0;
	if (hull_cgroup_enter(cfg->cgroup, s->pids.first, err) < 0)
		return -1;
	/* A child that failed meanwhile has closed its end: serve_child then reads why
	 * (writing the pid of an exiting task to cgroup.procs succeeds as a no-op). */
	if (hull_sync_send(s->sock, HULL_SYNC_CGROUP_DONE, 0, 0, NULL, -1) < 0 && errno != EPIPE &&
	    errno != ECONNRESET)
		return hull_fail(err, errno, "release the container init");
	return 0;
}

/* Fast path with linux.netDevices: the child got its netns from clone and waits for GO. */
static int fast_child_netns(const struct hull_init_callbacks *cb, pid_t pid, struct hull_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "open %s", path);
	return cb->netns(cb->userdata, fd, err);
}

int hull_process_spawn_init(const struct hull_init_config *cfg, const struct hull_init_callbacks *cb,
			    struct hull_init_result *res, struct hull_error *err)
{
	memset(res, 0, sizeof(*res));
	res->pidfd = res->sync_fd = -1;
	struct init_ctx x = { .cfg = cfg };
	hull_ns_plan(cfg->spec, &x.new_flags, &x.joined);
	/* Joining by path needs setns() in the child before unshare; a time namespace's
	 * offsets must be set before its first member exists: both need the slow path. */
	x.slow = x.joined || (x.new_flags & CLONE_NEWTIME);
	x.userns = spec_has_ns(&x, HULL_NS_USER);
	/* Bind sources are opened now, as hull: inside its user namespace the init may not
	 * reach them (runc opens them before that too). Not when hull is not root: cloning a
	 * mount of this namespace needs CAP_SYS_ADMIN in it, which a rootless hull has only
	 * inside the new user namespace; the init binds them itself there, as runc's does. */
	if (x.userns && geteuid() == 0 && hull_rootfs_own_mount_ns(cfg->spec) &&
	    hull_mount_sources_open(cfg->spec, &x.source_trees, err) < 0)
		return -1;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		hull_mount_sources_close(x.source_trees, cfg->spec->n_mounts);
		return hull_fail(err, errno, "socketpair");
	}
	int cgfd = !x.slow && cfg->cgroup ? hull_cgroup_v2_dirfd(cfg->cgroup) : -1;
	/* v1/hybrid: the child moves itself (init_self_enter); the unified hierarchy is
	 * entered by clone3. Otherwise (and without clone3) the parent writes cgroup.procs. */
	int unified_fd = -1;
	if (!x.slow && cfg->cgroup && cgfd < 0 &&
	    hull_cgroup_self_enter_fds(cfg->cgroup, &x.cg_fds, &x.n_cg_fds, &unified_fd) == 0 && unified_fd >= 0)
		cgfd = unified_fd;
	int pidfd = -1;
	/* A cgroup namespace takes the cgroup its creator is in as its root, so it is
	 * made by the child after GO, once it is in its cgroups (the slow path unshares
	 * everything then anyway; clone3 with CLONE_INTO_CGROUP would root it in the
	 * parent's cgroup on some kernels). */
	uint64_t flags = x.slow ? 0 : (uint64_t)x.new_flags;
	if (flags & CLONE_NEWCGROUP) {
		flags &= ~(uint64_t)CLONE_NEWCGROUP;
		x.late_cgroupns = true;
	}
	pid_t pid = clone_init(flags, cgfd, &pidfd);
	if (pid < 0 && errno == ENOSYS && cgfd >= 0) {
		cgfd = -1;
		/* No CLONE_INTO_CGROUP: the parent enters the child everywhere after GO. */
		close_self_enter(&x);
		pid = clone_init(flags, -1, &pidfd);
	}
	if (pid == 0) {
		close(sp[0]);
		x.sock = sp[1];
		init_child(&x);
	}
	hull_mount_sources_close(x.source_trees, cfg->spec->n_mounts); /* the child has its copies */
	x.source_trees = NULL;
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		close_self_enter(&x);
		if (unified_fd >= 0)
			close(unified_fd);
		return hull_fail(err, e, "clone the container init");
	}
	close(sp[1]);
	hull_trace("create: init cloned, pid %d", (int)pid);
	bool self_enter = x.n_cg_fds > 0;
	close_self_enter(&x); /* the child has its own copies */
	if (unified_fd >= 0)
		close(unified_fd);
	/* When the slow path forks, the init's pid comes with HULL_SYNC_PID. */
	bool forks = x.slow && slow_path_forks(&x);
	struct spawn_state s = { .pids = { .first = pid, .proc = forks ? 0 : pid }, .sock = sp[0] };
	int r = 0;
	if (!x.slow && cfg->spec->linux_.n_net_devices && cb->netns)
		r = fast_child_netns(cb, pid, err);
	if (r == 0)
		r = x.slow ? release_slow_child(cfg, &s, err)
			   : release_fast_child(cfg, &s, cgfd >= 0 || self_enter, (x.new_flags & CLONE_NEWUSER) != 0,
						res, err);
	if (r == 0)
		r = serve_child(cfg, cb, &s, res, err);
	if (r < 0) {
		hull_child_kill_and_reap(&s.pids);
		if (pidfd >= 0)
			close(pidfd);
		close(s.sock);
		return -1;
	}
	if (forks) { /* clone's pidfd is the intermediate's */
		if (pidfd >= 0)
			close(pidfd);
		pidfd = (int)syscall(SYS_pidfd_open, s.pids.proc, 0);
	}
	res->pid = s.pids.proc;
	res->pidfd = pidfd;
	res->sync_fd = s.sock;
	res->userns = x.userns;
	res->own_pidns = (x.new_flags & CLONE_NEWPID) != 0;
	return 0;
}
