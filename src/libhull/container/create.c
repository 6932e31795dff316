/* create.c - the lifecycle: create (validation, state dir, cgroup, init launch, cleanup on failure) and start. */
#define _GNU_SOURCE
#include "container.h"
#include "libhull/security/caps.h"
#include "libhull/cgroup/cgroup.h"
#include "create.h"
#include "libhull/process/hooks.h"
#include "libhull/mount/mount.h"
#include "libhull/ns/namespaces.h"
#include "libhull/ns/netdev.h"
#include "notify.h"
#include "libhull/process/process.h"
#include "libhull/process/attrs.h"
#include "libhull/security/seccomp.h"
#include "libhull/process/terminal.h"
#include "common/proc.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

char *hull_rfc3339_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char base[64], frac[16] = "";
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts.tv_nsec) {
		snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
		size_t n = strlen(frac);
		while (frac[n - 1] == '0') /* Go's RFC3339Nano trims trailing zeros */
			frac[--n] = '\0';
	}
	return xasprintf("%s%sZ", base, frac);
}

/* ---- validation (no side effects) -------------------------------------------------- */

static int check_terminal_opts(const struct hull_spec *spec, const struct hull_create_opts *o, bool detach,
			       struct hull_error *err)
{
	/* runc's wording (daemons and test suites compare it). */
	if (detach && spec->process.terminal && !o->console_socket)
		return hull_fail_plain(err, EINVAL, "cannot allocate tty if runc will detach without setting console socket");
	if (o->console_socket && (!detach || !spec->process.terminal))
		return hull_fail_plain(err, EINVAL, "cannot use console socket if runc will not detach or allocate tty");
	return 0;
}

static int validate_spec(const struct hull_spec *spec, struct hull_error *err)
{
	if (!spec->process.present)
		return hull_fail(err, EINVAL, "config.json: process: required to create a container");
	if (!spec->process.args || !spec->process.args[0])
		return hull_fail(err, EINVAL, "config.json: process.args: must not be empty");
	if (hull_ns_validate(spec, err) < 0)
		return hull_error_prefix(err, "config.json");
	hull_caps_warn_unusable(&spec->process);
	if (hull_attrs_validate(spec, err) < 0 || hull_rootfs_validate(spec, err) < 0 ||
	    hull_netdev_validate(spec, err) < 0)
		return -1;
	return 0;
}

/* Read config.json once: the text is kept for the state dir copy. */
static int load_config(struct create_ctx *cx, struct hull_error *err)
{
	const struct hull_create_opts *o = cx->opts;
	if (o->bundle) {
		cx->bundle = realpath(o->bundle, NULL);
		if (!cx->bundle)
			return hull_fail(err, errno, "bundle %s", o->bundle);
	} else {
		cx->bundle = getcwd(NULL, 0);
		if (!cx->bundle)
			return hull_fail(err, errno, "getcwd");
	}
	_cleanup_free_ char *cfg = o->config_path ? xstrdup(o->config_path) : xasprintf("%s/config.json", cx->bundle);
	int r = hull_read_file_at(AT_FDCWD, cfg, 64 << 20, &cx->config_text, &cx->config_len);
	if (r < 0)
		return hull_fail(err, -r, "open %s", cfg);
	if (hull_spec_parse(cx->config_text, cx->config_len, &cx->spec, err) < 0)
		return -1;
	hull_spec_check_version(cx->spec->oci_version);
	const char *root = cx->spec->root_path;
	if (!root || !*root)
		return hull_fail(err, EINVAL, "config.json: root.path: required");
	_cleanup_free_ char *rootfs = root[0] == '/' ? xstrdup(root) : xasprintf("%s/%s", cx->bundle, root);
	cx->rootfs = realpath(rootfs, NULL);
	if (!cx->rootfs)
		return hull_fail(err, errno, "rootfs (%s) does not exist", rootfs);
	return 0;
}

/* ---- create --------------------------------------------------------------------------- */

static int hooks_cb(void *ud, pid_t pid, char **state_json, struct hull_error *err)
{
	struct create_ctx *cx = ud;
	cx->c->pid = pid;
	_cleanup_free_ char *creating = hull_container_state_json(cx->c, "creating", false);
	const struct hull_hooks *h = &cx->spec->hooks;
	if (hull_hooks_run(&h->prestart, "prestart", creating, NULL, err) < 0 ||
	    hull_hooks_run(&h->create_runtime, "createRuntime", creating, NULL, err) < 0)
		return -1;
	*state_json = hull_container_state_json(cx->c, "created", false);
	return 0;
}

static int pty_cb(void *ud, int master, struct hull_error *err)
{
	struct create_ctx *cx = ud;
	if (cx->opts->console_socket) {
		int r = hull_console_socket_send(cx->opts->console_socket, master, err);
		close(master);
		return r;
	}
	if (cx->pty_master >= 0)
		close(cx->pty_master);
	cx->pty_master = master; /* foreground run relays it */
	/* The caller's terminal size, before the workload can look (the relay only
	 * starts after start); it wins over process.consoleSize, as with runc. */
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
	return 0;
}

/* linux.netDevices: move them in. From then on the container's netns owns them (see
 * netdev.h): only a failed create moves them back, through netns_fd. */
static int netns_cb(void *ud, int netns_fd, struct hull_error *err)
{
	struct create_ctx *cx = ud;
	cx->netns_fd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
	if (cx->netns_fd < 0)
		return hull_fail(err, errno, "dup the container's netns fd");
	return hull_netdev_move_in(cx->spec, netns_fd, &cx->net_devices, &cx->n_net_devices, err);
}

/* Make the state dir: locked dir, config copy, exec.fifo. */
static int make_state_dir(const struct hull_global_opts *g, const char *id, struct create_ctx *cx,
			  struct hull_error *err)
{
	int dirfd;
	if (hull_state_create_dir(g->root, id, &dirfd, err) < 0)
		return -1;
	cx->dir_made = true;
	cx->c->dirfd = dirfd;
	cx->c->dir = xasprintf("%s/%s", g->root, id);
	_cleanup_free_ char *cfg = xasprintf("%s/%s", cx->c->dir, HULL_STATE_CONFIG);
	int r = hull_write_state_file(cfg, cx->config_text, cx->config_len, 0600);
	if (r < 0)
		return hull_fail(err, -r, "write %s", cfg);
	if (mkfifoat(dirfd, HULL_STATE_FIFO, 0622) < 0 || fchmodat(dirfd, HULL_STATE_FIFO, 0622, 0) < 0)
		return hull_fail(err, errno, "create %s/%s", cx->c->dir, HULL_STATE_FIFO);
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct hull_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: runc's format */
	int r = hull_write_file_atomic(path, buf, (size_t)n, 0644);
	return r < 0 ? hull_fail(err, -r, "write pid file %s", path) : 0;
}

/* --pidfd-socket (runc 1.2): hand a pidfd of the init to whoever listens there. */
static int send_pidfd(struct create_ctx *cx, struct hull_error *err)
{
	if (cx->init.pidfd < 0)
		cx->init.pidfd = (int)syscall(SYS_pidfd_open, cx->init.pid, 0);
	if (cx->init.pidfd < 0)
		return hull_fail(err, errno, "pidfd socket: pidfd_open %d", (int)cx->init.pid);
	return hull_send_fd_to_socket(cx->opts->pidfd_socket, cx->init.pidfd, "pidfd", "pidfd socket", err);
}

/* Undo a failed create: processes, cgroup, state dir. */
static void create_cleanup(const struct hull_global_opts *g, const char *id, struct create_ctx *cx)
{
	struct hull_error e = { 0 };
	/* Before the kill: a veth dies with the netns. */
	if (cx->netns_fd >= 0 && cx->n_net_devices) {
		hull_netdev_move_out(cx->netns_fd, cx->net_devices, cx->n_net_devices);
		hull_netdev_moved_free(cx->net_devices, cx->n_net_devices);
		cx->net_devices = NULL;
		cx->n_net_devices = 0;
	}
	if (cx->init.pid > 0) {
		kill(cx->init.pid, SIGKILL);
		waitpid(cx->init.pid, NULL, 0);
	}
	if (cx->cg && cx->cg_made) {
		hull_cgroup_kill_all(cx->cg, SIGKILL, &e);
		hull_error_clear(&e);
		hull_cgroup_destroy(cx->cg, &e);
		hull_error_clear(&e);
	}
	if (cx->dir_made) {
		hull_state_remove_dir(g->root, id, &e);
		hull_error_clear(&e);
	}
}

static int create_steps(const struct hull_global_opts *g, const char *id, struct create_ctx *cx, bool detach,
			struct hull_error *err)
{
	if (hull_state_validate_id(id, err) < 0 || load_config(cx, err) < 0 || validate_spec(cx->spec, err) < 0 ||
	    check_terminal_opts(cx->spec, cx->opts, detach, err) < 0)
		return -1;
	if (cx->spec->linux_.seccomp.present && hull_seccomp_prepare(&cx->spec->linux_.seccomp, &cx->seccomp, err) < 0)
		return -1;
	hull_trace("create: config parsed");
	struct hull_container *c = cx->c;
	c->id = xstrdup(id);
	c->bundle = xstrdup(cx->bundle);
	c->rootfs = xstrdup(cx->rootfs);
	c->created = hull_rfc3339_now();
	c->spec = cx->spec;
	c->owner = geteuid();
	c->cgroup_manager = g->cgroup_manager;
	c->rootless = g->rootless == 1 || (g->rootless < 0 && geteuid() != 0);
	c->no_new_keyring = cx->opts->no_new_keyring;
	if (make_state_dir(g, id, cx, err) < 0)
		return -1;
	/* The crash record (see state.h): from here on, whatever a SIGKILL leaves behind is
	 * named on disk, so `delete -f` finds it. The cgroup path comes first. */
	struct hull_cgroup_config cgc;
	hull_cgroup_config_init(&cgc, id, cx->spec, g, c->rootless);
	if (hull_cgroup_plan(&cgc, &cx->cg, err) < 0)
		return -1;
	const char *cgpath = hull_cgroup_path(cx->cg);
	c->cgroup_path = cgpath ? xstrdup(cgpath) : NULL;
	c->creating = true;
	c->creator_pid = getpid();
	c->creator_start = hull_pid_start_time(c->creator_pid);
	if (hull_container_save(c, err) < 0)
		return -1;
	if (hull_notify_host() && hull_notify_prepare(cx->spec, c->dir, c->dirfd, err) < 0)
		return -1;
	cx->cg_made = true;
	if (hull_cgroup_make(cx->cg, &cx->spec->linux_.resources, err) < 0) {
		cx->cg_made = false;
		return -1;
	}
	hull_trace("create: cgroup %s", cgpath ? cgpath : "none");
	struct hull_init_config ic = {
		.id = id, .spec = cx->spec, .rootfs = cx->rootfs, .state_dirfd = c->dirfd,
		.no_pivot = cx->opts->no_pivot, .no_new_keyring = cx->opts->no_new_keyring,
		.listen_fds = cx->opts->listen_fds, .preserve_fds = cx->opts->preserve_fds,
		.seccomp = cx->seccomp, .cgroup = cx->cg,
	};
	struct hull_init_callbacks cb = { .hooks = hooks_cb, .pty = pty_cb, .netns = netns_cb, .userdata = cx };
	if (hull_process_spawn_init(&ic, &cb, &cx->init, err) < 0)
		return -1;
	c->pid = cx->init.pid;
	c->start_time = hull_pid_start_time(c->pid);
	c->own_pidns = cx->init.own_pidns;
	c->userns = cx->init.userns;
	c->setgroups_denied = cx->init.setgroups_denied;
	c->status = HULL_STATUS_CREATED;
	c->creating = false;
	/* Record the init, then let it outlive us: in this order no instant leaves an init
	 * alive that state.json does not name. */
	if (hull_container_save(c, err) < 0 || hull_process_commit_init(&cx->init, err) < 0)
		return -1;
	hull_trace("create: container created, init pid %d", (int)c->pid);
	if (cx->opts->pidfd_socket && send_pidfd(cx, err) < 0)
		return -1;
	if (cx->opts->pid_file && write_pid_file(cx->opts->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

void create_ctx_init(struct create_ctx *cx, const struct hull_create_opts *o)
{
	memset(cx, 0, sizeof(*cx));
	cx->opts = o;
	cx->pty_master = cx->netns_fd = -1;
	cx->init.pidfd = cx->init.sync_fd = -1;
	cx->c = xzalloc(sizeof(*cx->c));
	cx->c->dirfd = cx->c->lockfd = -1;
}

void create_ctx_clear(struct create_ctx *cx)
{
	if (cx->c) {
		if (cx->c->spec == cx->spec)
			cx->c->spec = NULL;
		hull_container_free(cx->c);
	}
	hull_spec_free(cx->spec);
	hull_seccomp_filter_free(cx->seccomp);
	hull_cgroup_free(cx->cg);
	free(cx->bundle);
	free(cx->rootfs);
	free(cx->config_text);
	if (cx->pty_master >= 0)
		close(cx->pty_master);
	if (cx->netns_fd >= 0)
		close(cx->netns_fd);
	hull_netdev_moved_free(cx->net_devices, cx->n_net_devices);
	if (cx->init.pidfd >= 0)
		close(cx->init.pidfd);
	if (cx->init.sync_fd >= 0)
		close(cx->init.sync_fd);
	memset(cx, 0, sizeof(*cx));
}

int container_create(const struct hull_global_opts *g, const char *id, struct create_ctx *cx, bool detach,
		     struct hull_error *err)
{
	if (create_steps(g, id, cx, detach, err) < 0) {
		create_cleanup(g, id, cx);
		cx->init.pid = 0;
		return -1;
	}
	return 0;
}

int hull_create(const struct hull_global_opts *g, const char *id, const struct hull_create_opts *o,
		struct hull_error *err)
{
	struct create_ctx cx;
	create_ctx_init(&cx, o);
	int r = container_create(g, id, &cx, true, err);
	create_ctx_clear(&cx); /* closes the lock: the container is visible from now on */
	return r;
}

/* ---- start ------------------------------------------------------------------------------- */

/* Open the fifo's read end and wait until the init writes its byte (its startContainer
 * hooks ran) or dies; then until the fifo is closed: the init has executed the
 * container's process (execve closed it) or died trying. */
/* The init died before it was released: its own words when it sent them (run), else ours. */
static int init_died_before_start(struct hull_container *c, int sync_fd, struct hull_error *err)
{
	if (sync_fd >= 0) {
		_cleanup_free_ struct hull_sync_msg *m = xmalloc(sizeof(*m));
		/* The init has exited: its end is closed, so these reads never block. */
		int r;
		while ((r = hull_sync_recv(sync_fd, m, NULL)) > 0 && hull_sync_log(m))
			;
		if (r > 0 && m->type == HULL_SYNC_ERROR)
			return hull_fail_plain(err, m->errnum, "%s", m->text);
	}
	return hull_fail(err, ESRCH, "container init exited before start");
}

static int release_init(struct hull_container *c, int sync_fd, struct hull_error *err)
{
	_cleanup_close_ int fifo = openat(c->dirfd, HULL_STATE_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return hull_fail(err, errno, "open exec fifo of container %s", c->id);
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	bool released = false;
	for (;;) {
		struct pollfd p[2] = { { fifo, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		int n = poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100);
		if (n < 0 && errno != EINTR)
			return hull_fail(err, errno, "wait for container %s", c->id);
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
			char b;
			ssize_t r = read(fifo, &b, 1);
			if (r == 1)
				released = true;
			else if (r == 0 && released)
				break; /* execve (or exit) closed the init's end */
		}
		if (!released && ((n > 0 && (p[1].revents & POLLIN)) || !hull_pid_alive(c->pid, c->start_time)))
			return init_died_before_start(c, sync_fd, err);
		if (released && n > 0 && (p[1].revents & POLLIN))
			break; /* exited after its hooks: its end is closed too */
	}
	/* Gone fifo = started: status readers see "running" from here. */
	unlinkat(c->dirfd, HULL_STATE_FIFO, 0);
	return 0;
}

int container_start(struct hull_container *c, int sync_fd, struct hull_error *err)
{
	switch (hull_container_status(c)) {
	case HULL_STATUS_CREATING:
	case HULL_STATUS_CREATED:
		break;
	case HULL_STATUS_STOPPED:
		return hull_fail_plain(err, EINVAL, "cannot start a container that has stopped");
	case HULL_STATUS_RUNNING:
		return hull_fail_plain(err, EINVAL, "cannot start an already running container");
	case HULL_STATUS_PAUSED:
		return hull_fail_plain(err, EINVAL, "cannot start a container in the paused state");
	}
	if (release_init(c, sync_fd, err) < 0)
		return -1;
	hull_trace("start: container process exec'd, pid %d", (int)c->pid);
	c->status = HULL_STATUS_RUNNING;
	if (c->spec->hooks.poststart.n) {
		_cleanup_free_ char *state = hull_container_state_json(c, "running", false);
		hull_hooks_run_warn(&c->spec->hooks.poststart, "poststart", state);
	}
	return 0;
}

int hull_start(const struct hull_global_opts *g, const char *id, struct hull_error *err)
{
	struct hull_container *c;
	if (hull_container_load(g, id, &c, err) < 0)
		return -1;
	_cleanup_close_ int notify = -1;
	const char *host = hull_notify_host();
	int r = hull_container_lock(c, err);
	/* Bound before the init runs, so its first READY=1 cannot be lost. */
	if (r == 0 && host && (c->status == HULL_STATUS_CREATED || c->status == HULL_STATUS_CREATING))
		r = hull_notify_bind(c->dirfd, &notify, err);
	if (r == 0)
		r = container_start(c, -1, err);
	if (r == 0 && notify >= 0) {
		/* runc's start waits for READY (or the exit) too; others may use the container meanwhile. */
		close(c->lockfd);
		c->lockfd = -1;
		r = hull_notify_wait(notify, host, c->pid, c->start_time, c->pid, err);
	}
	hull_container_free(c);
	return r;
}
