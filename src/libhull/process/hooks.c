/* hooks.c - running OCI hooks: state JSON on stdin, the hook's env, a timeout, and
 * errors that name the hook and say what runc 1.1.5 says ("error running createRuntime
 * hook #0: error running hook: exit status 1, stdout: ..., stderr: ..."). */
#define _GNU_SOURCE
#include "hooks.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define OUTPUT_MAX 4096 /* bytes of a hook's stdout/stderr kept for the error message */

struct captured {
	char buf[OUTPUT_MAX + 1];
	size_t len;
};

static void __attribute__((noreturn)) exec_hook(const struct hull_hook *h, char *const *inherited_env, int in, int out,
						 int errfd)
{
	/* The caller may block or handle signals; the hook starts from the defaults. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(127);
	char *argv0[] = { h->path, NULL };
	/* A hook without "env" inherits, as runc's do (Go's exec with a nil Env). */
	execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : inherited_env);
	dprintf(2, "exec %s: %s", h->path, strerror(errno));
	_exit(127);
}

static void drain(int *fd, struct captured *c)
{
	char tmp[1024];
	ssize_t n = read(*fd, tmp, sizeof(tmp));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	size_t keep = (size_t)n < OUTPUT_MAX - c->len ? (size_t)n : OUTPUT_MAX - c->len;
	memcpy(c->buf + c->len, tmp, keep);
	c->len += keep;
	c->buf[c->len] = '\0';
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

struct hook_io {
	int in, out, err, pidfd;
	const char *state;
	size_t state_len, written;
	struct captured so, se;
};

/* Feed stdin, collect stdout/stderr until the hook exits or the deadline passes.
 * Returns 0 when it exited, 1 on timeout. */
static int supervise(struct hook_io *io, long deadline)
{
	for (;;) {
		struct pollfd p[4] = {
			{ io->pidfd, POLLIN, 0 }, { io->out, POLLIN, 0 }, { io->err, POLLIN, 0 }, { io->in, POLLOUT, 0 }
		};
		long left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return 1;
		if (poll(p, 4, left > INT32_MAX ? INT32_MAX : (int)left) < 0 && errno != EINTR)
			return 0;
		if (p[1].revents)
			drain(&io->out, &io->so);
		if (p[2].revents)
			drain(&io->err, &io->se);
		if (p[3].revents) {
			ssize_t n = (p[3].revents & POLLOUT) ? write(io->in, io->state + io->written,
								     io->state_len - io->written)
							     : -1;
			if (n > 0)
				io->written += (size_t)n;
			/* All written, or the hook closed its stdin (EPIPE): it gets EOF. */
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n < 0 || io->written == io->state_len) {
				close(io->in);
				io->in = -1;
			}
		}
		/* Done when the hook exited and its output pipes hit EOF (or it left a child
		 * holding them: then stop at exit, we do not wait for grandchildren). */
		if (p[0].revents && io->out < 0 && io->err < 0)
			return 0;
		if (p[0].revents && !(p[1].revents || p[2].revents))
			return 0;
	}
}

static void trim(struct captured *c)
{
	while (c->len && (c->buf[c->len - 1] == '\n' || c->buf[c->len - 1] == ' '))
		c->buf[--c->len] = '\0';
}

/* Go's words for a signal, as runc prints them: glibc's with a lower-case first
 * letter ("bad system call"), except where an abbreviation starts it ("CPU time ..."). */
static char *signal_words(int sig)
{
	char *s = xstrdup(strsignal(sig));
	if (s[0] && s[1] >= 'a' && s[1] <= 'z')
		s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

/* runc 1.1.5's text for a failed hook: "error running hook: <why>, stdout: ..., stderr: ...". */
static char *describe_status(int status, struct hook_io *io)
{
	trim(&io->so);
	trim(&io->se);
	_cleanup_free_ char *sig = WIFSIGNALED(status) ? signal_words(WTERMSIG(status)) : NULL;
	_cleanup_free_ char *what = sig ? xasprintf("signal: %s", sig) : xasprintf("exit status %d", WEXITSTATUS(status));
	return xasprintf("error running hook: %s, stdout: %s, stderr: %s", what, io->so.buf, io->se.buf);
}

static void close_io(struct hook_io *io)
{
	int *fds[] = { &io->in, &io->out, &io->err, &io->pidfd };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int spawn(const struct hull_hook *h, char *const *inherited_env, struct hook_io *io, pid_t *pid,
		 struct hull_error *err)
{
	int in[2], out[2], er[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return hull_fail(err, errno, "pipe");
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		return hull_fail(err, e, "pipe");
	}
	*pid = fork();
	if (*pid == 0)
		exec_hook(h, inherited_env, in[0], out[1], er[1]);
	int e = errno;
	close(in[0]);
	close(out[1]);
	close(er[1]);
	io->in = in[1];
	io->out = out[0];
	io->err = er[0];
	if (*pid < 0) {
		close_io(io);
		return hull_fail(err, e, "fork");
	}
	fcntl(io->in, F_SETFL, O_NONBLOCK);
	io->pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (io->pidfd < 0) {
		e = errno;
		kill(*pid, SIGKILL);
		close_io(io);
		return hull_fail(err, e, "pidfd_open");
	}
	return 0;
}

/* Run one hook; *why is set to the reason on failure. */
static int run_hook(const struct hull_hook *h, const char *state, char *const *inherited_env, char **why)
{
	struct hook_io io = { .in = -1, .out = -1, .err = -1, .pidfd = -1, .state = state, .state_len = strlen(state) };
	struct hull_error e = { 0 };
	pid_t pid = -1;
	/* A hook that does not read its stdin must not kill us with SIGPIPE. */
	sighandler_t old_pipe = signal(SIGPIPE, SIG_IGN);
	if (spawn(h, inherited_env ? inherited_env : environ, &io, &pid, &e) < 0) {
		signal(SIGPIPE, old_pipe);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		*why = steal_pointer(&e.msg);
		return -1;
	}
	long deadline = h->has_timeout ? now_ms() + h->timeout * 1000L : -1;
	int timed_out = supervise(&io, deadline);
	if (timed_out)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close_io(&io);
	signal(SIGPIPE, old_pipe);
	if (timed_out) {
		*why = xasprintf("timeout after %ds", h->timeout);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	*why = describe_status(status, &io);
	return -1;
}

int hull_hooks_run(const struct hull_hook_list *list, const char *kind, const char *state_json,
		   char *const *inherited_env, struct hull_error *err)
{
	for (size_t i = 0; list && i < list->n; i++) {
		_cleanup_free_ char *why = NULL;
		if (run_hook(&list->hooks[i], state_json ? state_json : "", inherited_env, &why) < 0)
			/* Index from 0, like runc's "error running <kind> hook #<i>". */
			return hull_fail(err, 0, "error running %s hook #%zu: %s", kind, i, why);
	}
	return 0;
}

void hull_hooks_run_warn(const struct hull_hook_list *list, const char *kind, const char *state_json)
{
	for (size_t i = 0; list && i < list->n; i++) {
		_cleanup_free_ char *why = NULL;
		if (run_hook(&list->hooks[i], state_json ? state_json : "", NULL, &why) < 0)
			hull_warn("error running %s hook #%zu: %s", kind, i, why);
	}
}
