/* exec.c - `exec`: the process to run (config.json's or --process), the checks
 * runc makes, then spawn (exec/child.c), hand-offs (pid file, pidfd, console socket) and
 * the foreground wait. */
#define _GNU_SOURCE
#include "libhull/security/caps.h"
#include "libhull/cgroup/subcgroup.h"
#include "exec.h"
#include "libhull/process/attrs.h"
#include "libhull/security/seccomp.h"
#include "libhull/process/terminal.h"
#include "common/signals.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct exec_ctx {
	const struct hull_exec_opts *o;
	struct hull_container *c;
	struct hull_process proc; /* owned */
	struct hull_seccomp_filter *seccomp;
	char *seccomp_state;
	struct hull_cgroup *cg;
	struct exec_spawn_result res;
};

/* ---- the process --------------------------------------------------------------------- */

static char **strv_append(char **v, char *const *add)
{
	size_t n = hull_strv_len(v), m = hull_strv_len(add);
	if (!m)
		return v;
	v = xrealloc(v, (n + m + 1) * sizeof(char *));
	for (size_t i = 0; i < m; i++)
		v[n + i] = xstrdup(add[i]);
	v[n + m] = NULL;
	return v;
}

static void apply_caps(struct hull_process *p, char *const *caps)
{
	if (!caps || !caps[0])
		return;
	struct hull_capabilities *c = &p->capabilities;
	c->bounding = strv_append(c->bounding, caps);
	c->effective = strv_append(c->effective, caps);
	c->permitted = strv_append(c->permitted, caps);
	/* Ambient needs the inheritable bit, which --cap does not set (runc's rule). */
	if (c->inheritable && c->inheritable[0])
		c->ambient = strv_append(c->ambient, caps);
	p->has_capabilities = true;
}

/* config.json's process (moved out of the loaded spec) with the command-line overrides. */
static int process_from_config(struct exec_ctx *x, struct hull_error *err)
{
	const struct hull_exec_opts *o = x->o;
	struct hull_process *p = &x->proc;
	*p = x->c->spec->process;
	memset(&x->c->spec->process, 0, sizeof(x->c->spec->process));
	hull_free_strv(p->args);
	p->args = strv_append(NULL, o->args);
	if (o->cwd && *o->cwd) {
		if (o->cwd[0] != '/')
			return hull_fail_plain(err, EINVAL, "cwd must be an absolute path");
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (o->apparmor && *o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	if (o->process_label && *o->process_label) {
		free(p->selinux_label);
		p->selinux_label = xstrdup(o->process_label);
	}
	apply_caps(p, o->caps);
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (!strchr(o->env[i], '=') || o->env[i][0] == '=')
			return hull_fail_plain(err, EINVAL, "--env: invalid environment variable \"%s\": want NAME=value",
					       o->env[i]);
	p->env = strv_append(p->env, o->env);
	p->terminal = o->tty;
	if (o->no_new_privs >= 0)
		p->no_new_privileges = o->no_new_privs != 0;
	if (o->has_user) {
		p->uid = o->uid;
		if (o->has_gid)
			p->gid = o->gid;
	}
	if (o->n_additional_gids) {
		p->additional_gids = xrealloc(p->additional_gids, (p->n_additional_gids + o->n_additional_gids) * sizeof(uint32_t));
		memcpy(p->additional_gids + p->n_additional_gids, o->additional_gids, o->n_additional_gids * sizeof(uint32_t));
		p->n_additional_gids += o->n_additional_gids;
	}
	return 0;
}

static int process_from_file(struct exec_ctx *x, struct hull_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = hull_read_file_at(AT_FDCWD, x->o->process_path, 16 << 20, &text, &len);
	if (r < 0)
		return hull_fail(err, -r, "open %s", x->o->process_path);
	return hull_spec_parse_process(text, len, &x->proc, err);
}

static int build_process(struct exec_ctx *x, struct hull_error *err)
{
	const struct hull_exec_opts *o = x->o;
	if (o->process_path && *o->process_path) {
		if (process_from_file(x, err) < 0)
			return -1;
	} else if (!o->args || !o->args[0]) {
		return hull_fail_plain(err, EINVAL, "process args cannot be empty");
	} else if (process_from_config(x, err) < 0) {
		return -1;
	}
	/* (uid_t)-1 means "leave unchanged" to setresuid: the process would stay root. */
	if (x->proc.uid == UINT32_MAX || x->proc.gid == UINT32_MAX)
		return hull_fail_plain(err, EINVAL, "process.user: %" PRIu32 ":%" PRIu32 " is not a valid uid:gid",
				       x->proc.uid, x->proc.gid);
	hull_caps_warn_unusable(&x->proc);
	/* The LSM checks look at spec->process: lend them ours for the call. */
	struct hull_spec *spec = x->c->spec;
	struct hull_process saved = spec->process;
	spec->process = x->proc;
	int r = hull_attrs_validate(spec, err);
	spec->process = saved;
	return r;
}

/* ---- checks and preparation ---------------------------------------------------------- */

static int check_state(struct exec_ctx *x, struct hull_error *err)
{
	switch (hull_container_status(x->c)) {
	case HULL_STATUS_STOPPED:
		return hull_fail_plain(err, EINVAL, "cannot exec in a stopped container");
	case HULL_STATUS_PAUSED:
		if (!x->o->ignore_paused)
			return hull_fail_plain(err, EINVAL,
					       "cannot exec in a paused container (use --ignore-paused to override)");
		break;
	default:
		break;
	}
	return 0;
}

static int check_terminal(struct exec_ctx *x, struct hull_error *err)
{
	const struct hull_exec_opts *o = x->o;
	bool tty = x->proc.terminal;
	if (o->detach && tty && !o->console_socket)
		return hull_fail_plain(err, EINVAL, "cannot allocate tty if runc will detach without setting console socket");
	if ((!o->detach || !tty) && o->console_socket)
		return hull_fail_plain(err, EINVAL, "cannot use console socket if runc will not detach or allocate tty");
	return 0;
}

static int prepare(struct exec_ctx *x, struct hull_error *err)
{
	const struct hull_seccomp *sc = &x->c->spec->linux_.seccomp;
	if (check_state(x, err) < 0 || build_process(x, err) < 0 || check_terminal(x, err) < 0 ||
	    hull_cgroup_validate_sub(x->o->cgroups, err) < 0)
		return -1;
	for (int fd = 3; fd < 3 + x->o->preserve_fds; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return hull_fail(err, errno, "unable to stat preserved-fd %d (of %d)", fd - 3, x->o->preserve_fds);
	if (sc->present && hull_seccomp_prepare(sc, &x->seccomp, err) < 0)
		return -1;
	if (x->seccomp && hull_seccomp_wants_notify(x->seccomp))
		x->seccomp_state = hull_container_state_json(x->c, "running", false);
	return hull_container_cgroup(x->c, &x->cg, err);
}

static unsigned ns_mask(const struct hull_spec *spec)
{
	unsigned mask = 0;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type < HULL_NS_COUNT)
			mask |= 1u << spec->linux_.namespaces[i].type;
	return mask;
}

static int enter_cgroup(void *userdata, pid_t pid, struct hull_error *err)
{
	struct exec_ctx *x = userdata;
	return hull_cgroup_enter_sub(x->cg, x->o->cgroups, pid, err);
}

/* ---- after the process runs ----------------------------------------------------------- */

static int write_pid_file(const char *path, pid_t pid, struct hull_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: runc's format */
	int r = hull_write_file_atomic(path, buf, (size_t)n, 0644);
	return r < 0 ? hull_fail(err, -r, "write pid file %s", path) : 0;
}

static int hand_off(struct exec_ctx *x, struct hull_error *err)
{
	const struct hull_exec_opts *o = x->o;
	if (o->pidfd_socket) {
		_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, x->res.pid, 0);
		if (pidfd < 0)
			return hull_fail(err, errno, "pidfd_open %d", (int)x->res.pid);
		if (hull_send_fd_to_socket(o->pidfd_socket, pidfd, "pidfd", "pidfd socket", err) < 0)
			return -1;
	}
	if (o->console_socket && x->res.pty_master >= 0) {
		int r = hull_console_socket_send(o->console_socket, x->res.pty_master, err);
		close(x->res.pty_master);
		x->res.pty_master = -1;
		if (r < 0)
			return -1;
	}
	if (o->pid_file && write_pid_file(o->pid_file, x->res.pid, err) < 0)
		return -1;
	return 0;
}

static int shell_status(int ws)
{
	return WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

/* Forward every signal but SIGCHLD to the process until it exits. */
static int forward_until_exit(int sfd, pid_t pid, int *ws, struct hull_error *err)
{
	for (;;) {
		if (waitpid(pid, ws, WNOHANG) == pid)
			return 0;
		struct pollfd p = { sfd, POLLIN, 0 };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return hull_fail(err, errno, "poll");
		struct signalfd_siginfo si;
		if (!(p.revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
	}
}

static int wait_foreground(struct exec_ctx *x, int sfd, int *exit_status, struct hull_error *err)
{
	int ws = 0, r;
	if (x->res.pty_master >= 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		r = hull_terminal_relay(x->res.pty_master, x->res.pid, &ws, err);
	} else {
		r = forward_until_exit(sfd, x->res.pid, &ws, err);
	}
	if (r == 0)
		*exit_status = shell_status(ws);
	return r;
}

static int exec_run(struct exec_ctx *x, int sfd, int *exit_status, struct hull_error *err)
{
	if (prepare(x, err) < 0)
		return -1;
	hull_trace("exec: process prepared");
	struct exec_spawn_cfg sc = {
		.c = x->c, .p = &x->proc, .ns_mask = ns_mask(x->c->spec), .seccomp = x->seccomp,
		.seccomp_state = x->seccomp_state, .preserve_fds = x->o->preserve_fds,
		.enter_cgroup = enter_cgroup, .userdata = x,
	};
	if (exec_spawn(&sc, &x->res, err) < 0)
		return -1;
	hull_trace("exec: process exec'd, pid %d", (int)x->res.pid);
	if (hand_off(x, err) < 0) {
		kill(x->res.pid, SIGKILL);
		waitpid(x->res.pid, NULL, 0);
		return -1;
	}
	if (x->o->detach)
		return 0;
	return wait_foreground(x, sfd, exit_status, err);
}

int hull_exec(const struct hull_global_opts *g, const char *id, const struct hull_exec_opts *o, int *exit_status,
	      struct hull_error *err)
{
	*exit_status = 0;
	struct exec_ctx x = { .o = o, .res = { .pid = 0, .pty_master = -1 } };
	if (hull_container_load(g, id, &x.c, err) < 0)
		return -1;
	/* Blocked before the process exists so none is lost; the child unblocks its own. */
	sigset_t set, old;
	hull_forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	int sfd = o->detach ? -1 : signalfd(-1, &set, SFD_CLOEXEC);
	int r = exec_run(&x, sfd, exit_status, err);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (x.res.pty_master >= 0)
		close(x.res.pty_master);
	hull_process_clear(&x.proc);
	hull_seccomp_filter_free(x.seccomp);
	free(x.seccomp_state);
	hull_cgroup_free(x.cg);
	hull_container_free(x.c);
	return r;
}
