/* lifecycle.c - the lifecycle after create: run (foreground), kill, delete, state, list. */
#define _GNU_SOURCE
#include "libhull/cgroup/cgroup.h"
#include "create.h"
#include "libhull/process/hooks.h"
#include "notify.h"
#include "libhull/process/terminal.h"
#include "common/proc.h"
#include "common/signals.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* ---- signals ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	int signo;
} signals[] = {
	{ "HUP", SIGHUP },	 { "INT", SIGINT },	  { "QUIT", SIGQUIT },	   { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },	 { "ABRT", SIGABRT },	  { "IOT", SIGIOT },	   { "BUS", SIGBUS },
	{ "FPE", SIGFPE },	 { "KILL", SIGKILL },	  { "USR1", SIGUSR1 },	   { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },	 { "PIPE", SIGPIPE },	  { "ALRM", SIGALRM },	   { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },	  { "CONT", SIGCONT },	   { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },	 { "TTIN", SIGTTIN },	  { "TTOU", SIGTTOU },	   { "URG", SIGURG },
	{ "XCPU", SIGXCPU },	 { "XFSZ", SIGXFSZ },	  { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH },	 { "IO", SIGIO },	  { "POLL", SIGPOLL },	   { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int hull_signal_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long n = strtol(s, &end, 10);
	/* Any number goes to the kernel as runc does: 0 only checks the processes exist,
	 * one the kernel does not know fails there (EINVAL). */
	if (*end == '\0')
		return n >= 0 && n <= INT_MAX ? (int)n : -1;
	char up[32];
	size_t i = 0;
	for (; s[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	const char *name = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
	for (size_t k = 0; k < ARRAY_SIZE(signals); k++)
		if (strcmp(signals[k].name, name) == 0)
			return signals[k].signo;
	/* RTMIN+n / RTMAX-n */
	if (strncmp(name, "RTMIN+", 6) == 0 || strncmp(name, "RTMAX-", 6) == 0) {
		long k = strtol(name + 6, &end, 10);
		int v = name[3] == 'I' ? SIGRTMIN + (int)k : SIGRTMAX - (int)k;
		return *end == '\0' && v >= SIGRTMIN && v <= SIGRTMAX ? v : -1;
	}
	return -1;
}

/* ---- kill / destroy ---------------------------------------------------------------- */

int hull_container_signal(struct hull_container *c, int signo, bool all, struct hull_error *err)
{
	/* Without its own pid namespace, killing the init leaves the rest running: signal
	 * the whole cgroup for --all and for SIGKILL (runc HEAD does the same). */
	if (all || (signo == SIGKILL && !c->own_pidns)) {
		struct hull_cgroup *cg = NULL;
		int r = hull_container_cgroup(c, &cg, err);
		if (r == 0 && !hull_cgroup_is_noop(cg))
			r = hull_cgroup_kill_all(cg, signo, err);
		hull_cgroup_free(cg);
		if (r < 0)
			return -1;
		if (!all && hull_pid_alive(c->pid, c->start_time))
			kill(c->pid, signo);
		return 0;
	}
	if (!hull_pid_alive(c->pid, c->start_time))
		return hull_fail_plain(err, ESRCH, "container not running");
	if (kill(c->pid, signo) < 0)
		return errno == ESRCH ? hull_fail_plain(err, ESRCH, "container not running")
				      : hull_fail(err, errno, "send signal %d to container init %d", signo, (int)c->pid);
	return 0;
}

static void wait_gone(const struct hull_container *c, int timeout_ms)
{
	for (int waited = 0; waited < timeout_ms && hull_pid_alive(c->pid, c->start_time); waited += 10) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int hull_container_destroy(struct hull_container *c, struct hull_error *err)
{
	int ret = 0;
	struct hull_error e = { 0 };
	struct hull_cgroup *cg = NULL;
	if (hull_container_cgroup(c, &cg, &e) < 0) {
		hull_debug("container %s: %s", c->id, e.msg);
		hull_error_clear(&e);
	}
	if (hull_pid_alive(c->pid, c->start_time))
		kill(c->pid, SIGKILL);
	if (cg && !hull_cgroup_is_noop(cg)) {
		/* A frozen cgroup would keep SIGKILLed tasks around: thaw after killing. */
		hull_cgroup_kill_all(cg, SIGKILL, &e);
		hull_error_clear(&e);
		hull_cgroup_freeze(cg, false, &e);
		hull_error_clear(&e);
	}
	wait_gone(c, 10000);
	if (c->spec && c->spec->hooks.poststop.n) {
		_cleanup_free_ char *state = hull_container_state_json(c, "stopped", false);
		hull_hooks_run_warn(&c->spec->hooks.poststop, "poststop", state);
	}
	if (cg && hull_cgroup_destroy(cg, &e) < 0) {
		ret = hull_fail_plain(err, e.errnum, "%s", e.msg); /* e.msg already ends in the strerror */
		hull_error_clear(&e);
	}
	hull_cgroup_free(cg);
	_cleanup_free_ char *root = xstrndup(c->dir, (size_t)(strrchr(c->dir, '/') - c->dir));
	if (hull_state_remove_dir(root, c->id, &e) < 0) {
		if (ret == 0)
			ret = hull_fail(err, e.errnum, "%s", e.msg);
		hull_error_clear(&e);
	}
	return ret;
}

int hull_kill(const struct hull_global_opts *g, const char *id, int signo, bool all, struct hull_error *err)
{
	struct hull_container *c;
	if (hull_container_load(g, id, &c, err) < 0)
		return -1;
	int r;
	if (!all && c->status == HULL_STATUS_STOPPED)
		r = hull_fail_plain(err, ESRCH, "container not running");
	else
		r = hull_container_signal(c, signo, all, err);
	hull_container_free(c);
	return r;
}

/* delete -f of a container whose state.json cannot be read (corrupt, truncated):
 * say so, then remove what can still be found: the cgroup the config copy names (with
 * this invocation's cgroup options, as create's are unknown) and its processes, and
 * the state dir. */
static int force_remove_unreadable(const struct hull_global_opts *g, const char *id, struct hull_error *err)
{
	hull_warn("%s; removing what its config.json names", err->msg);
	hull_error_clear(err);
	_cleanup_free_ char *cfg = xasprintf("%s/%s/%s", g->root, id, HULL_STATE_CONFIG);
	struct hull_spec *spec = NULL;
	struct hull_error e = { 0 };
	if (hull_spec_load(cfg, &spec, &e) == 0) {
		struct hull_cgroup_config cc;
		hull_cgroup_config_init(&cc, id, spec, g, g->rootless == 1);
		struct hull_cgroup *cg = NULL;
		if (hull_cgroup_open(&cc, &cg, &e) == 0 && !hull_cgroup_is_noop(cg)) {
			hull_cgroup_kill_all(cg, SIGKILL, &e);
			hull_error_clear(&e);
			hull_cgroup_freeze(cg, false, &e);
			hull_error_clear(&e);
			if (hull_cgroup_destroy(cg, &e) < 0)
				hull_warn("%s", e.msg);
		}
		hull_cgroup_free(cg);
	}
	hull_error_clear(&e);
	hull_spec_free(spec);
	return hull_state_remove_dir(g->root, id, err);
}

int hull_delete(const struct hull_global_opts *g, const char *id, bool force, struct hull_error *err)
{
	struct hull_container *c;
	if (hull_container_load(g, id, &c, err) < 0) {
		if (!force || hull_state_validate_id(id, NULL) < 0)
			return -1;
		if (err->errnum != ENOENT)
			return force_remove_unreadable(g, id, err);
		hull_error_clear(err);
		return 0;
	}
	int r = hull_container_lock(c, err);
	if (r == 0) {
		enum hull_status s = hull_container_status(c);
		if (s == HULL_STATUS_RUNNING || s == HULL_STATUS_PAUSED) {
			if (!force)
				r = hull_fail_plain(err, EBUSY, "cannot delete container %s that is not stopped: %s", id,
					      hull_status_name(s));
		}
	}
	if (r == 0)
		r = hull_container_destroy(c, err);
	hull_container_free(c);
	return r;
}

/* ---- state / list ------------------------------------------------------------------------- */

int hull_status(const struct hull_global_opts *g, const char *id, const char **status, struct hull_error *err)
{
	struct hull_container *c;
	if (hull_container_load(g, id, &c, err) < 0)
		return -1;
	*status = hull_status_name(c->status);
	hull_container_free(c);
	return 0;
}

int hull_state_json(const struct hull_global_opts *g, const char *id, char **json, struct hull_error *err)
{
	struct hull_container *c;
	*json = NULL;
	if (hull_container_load(g, id, &c, err) < 0)
		return -1;
	*json = hull_container_state_json(c, NULL, false);
	hull_container_free(c);
	return 0;
}

int hull_list(const struct hull_global_opts *g, struct hull_list_entry **entries, size_t *n, struct hull_error *err)
{
	_cleanup_strv_ char **ids = NULL;
	size_t nids = 0;
	*entries = NULL;
	*n = 0;
	if (hull_state_list_ids(g->root, &ids, &nids, err) < 0)
		return -1;
	struct hull_list_entry *v = xcalloc(nids + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < nids; i++) {
		struct hull_container *c;
		struct hull_error e = { 0 };
		if (hull_container_load(g, ids[i], &c, &e) < 0) {
			/* Gone meanwhile (deleted): not listed; unreadable: say which and go on. */
			if (e.errnum != ENOENT)
				hull_warn("%s", e.msg);
			hull_error_clear(&e);
			continue;
		}
		struct hull_list_entry *le = &v[k++];
		le->id = xstrdup(c->id);
		le->pid = c->status == HULL_STATUS_STOPPED ? 0 : c->pid;
		le->status = xstrdup(hull_status_name(c->status));
		le->bundle = xstrdup(c->bundle);
		le->created = xstrdup(c->created);
		le->state_json = hull_container_state_json(c, NULL, true);
		/* the owner is inside state_json already; keep a plain copy for tables */
		const char *o = strstr(le->state_json, "\"owner\":\"");
		le->owner = o ? xstrndup(o + 9, strcspn(o + 9, "\"")) : xstrdup("");
		hull_container_free(c);
	}
	*entries = v;
	*n = k;
	return 0;
}

void hull_list_free(struct hull_list_entry *entries, size_t n)
{
	for (size_t i = 0; entries && i < n; i++) {
		free(entries[i].id);
		free(entries[i].status);
		free(entries[i].bundle);
		free(entries[i].created);
		free(entries[i].owner);
		free(entries[i].state_json);
	}
	free(entries);
}

/* ---- run ------------------------------------------------------------------------------------- */

static int shell_status(int ws)
{
	return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

/* Reap every exited child (we may be a subreaper); returns true once pid is among them. */
static bool reap(pid_t pid, int *ws)
{
	bool done = false;
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == pid) {
			*ws = st;
			done = true;
		}
	return done;
}

/* Forward signals to the init until it exits; an error the init reports after start
 * (e.g. a failing execve) is returned instead of its status. */
static int forward_until_exit(int sfd, struct create_ctx *cx, int *ws, struct hull_error *err)
{
	pid_t pid = cx->c->pid;
	int sync_fd = cx->init.sync_fd;
	bool failed = false;
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { sync_fd, POLLIN, 0 } };
		if (poll(p, sync_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return hull_fail(err, errno, "poll");
		if (sync_fd >= 0 && p[1].revents) {
			struct hull_sync_msg *m = xmalloc(sizeof(*m));
			int r = hull_sync_recv(sync_fd, m, NULL);
			if (r > 0 && m->type == HULL_SYNC_ERROR) {
				hull_fail_plain(err, m->errnum, "%s", m->text);
				failed = true;
			}
			free(m);
			if (r <= 0)
				sync_fd = -1; /* exec'd: the socket closed on exec */
		}
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (reap(pid, ws))
				return failed ? -1 : 0;
		} else {
			kill(pid, (int)si.ssi_signo);
		}
	}
}

static int run_foreground(struct create_ctx *cx, int sfd, int *exit_status, struct hull_error *err)
{
	int ws = 0, r;
	if (cx->pty_master >= 0) {
		/* The relay waits for the init itself and forwards signals (the ones
		 * pending since create reach it through its own signalfd). */
		r = hull_terminal_relay(cx->pty_master, cx->c->pid, &ws, err);
	} else {
		r = forward_until_exit(sfd, cx, &ws, err);
	}
	if (r == 0)
		*exit_status = shell_status(ws);
	return r;
}

int hull_run(const struct hull_global_opts *g, const char *id, const struct hull_create_opts *o, int *exit_status,
	     struct hull_error *err)
{
	*exit_status = 0;
	if (!o->detach && !o->no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Block the signals we forward before the init exists, so none is lost; the
	 * init unblocks them for itself. */
	sigset_t set, old;
	hull_forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct create_ctx cx;
	create_ctx_init(&cx, o);
	const char *notify_host = hull_notify_host();
	_cleanup_close_ int notify = -1;
	int r = container_create(g, id, &cx, o->detach, err);
	bool made = r == 0;
	if (r == 0 && notify_host)
		r = hull_notify_bind(cx.c->dirfd, &notify, err);
	if (r == 0)
		r = container_start(cx.c, cx.init.sync_fd, err);
	if (r < 0 && made) {
		struct hull_error e = { 0 };
		hull_container_destroy(cx.c, &e);
		hull_error_clear(&e);
	}
	if (r == 0) /* let others (kill, state) work on the container from here */
		flock(cx.c->dirfd, LOCK_UN);
	if (r == 0 && notify >= 0) {
		/* runc: detached, the container's init is the main pid; in the foreground hull
		 * itself stays and is what systemd should watch. */
		pid_t mainpid = o->detach ? cx.c->pid : getpid();
		struct hull_error e = { 0 };
		if (hull_notify_wait(notify, notify_host, cx.c->pid, cx.c->start_time, mainpid, &e) < 0)
			hull_warn("%s", e.msg);
		hull_error_clear(&e);
	}
	if (r == 0 && !o->detach) {
		r = run_foreground(&cx, sfd, exit_status, err);
		if (!o->keep) {
			struct hull_error e = { 0 };
			if (hull_container_destroy(cx.c, r < 0 ? &e : err) < 0 && r == 0)
				r = -1;
			hull_error_clear(&e);
		}
	}
	create_ctx_clear(&cx);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
