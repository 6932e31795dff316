/* terminal.c - the container's pseudoterminal: a pty from the container's own devpts,
 * the --console-socket hand-off (runc's protocol), and hull's own foreground relay. */
#define _GNU_SOURCE
#include "terminal.h"
#include "libhull/mount/mount.h"
#include "common/signals.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* ---- child side ------------------------------------------------------------------ */

/* The slave of master, opened through the master itself (no path lookup, so it is
 * certainly the peer in the same devpts instance); by number on old kernels. */
static int open_peer(int master, struct hull_error *err)
{
	int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	unsigned n;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return hull_fail(err, errno, "get the pty number");
	char path[64];
	snprintf(path, sizeof(path), "/dev/pts/%u", n);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return fd >= 0 ? fd : hull_fail(err, errno, "open %s", path);
}

/* The slave becomes the controlling terminal and fds 0-2. */
static int attach_slave(int slave, struct hull_error *err)
{
	/* init is a session leader already (setsid in the init); an exec'd process may
	 * not be: EPERM means we lead our process group and so a session already. */
	if (getsid(0) != getpid() && setsid() < 0 && errno != EPERM)
		return hull_fail(err, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return hull_fail(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (slave != fd && dup3(slave, fd, 0) < 0)
			return hull_fail(err, errno, "dup the pty to fd %d", fd);
	return 0;
}

int hull_terminal_setup_child(const struct hull_process *p, bool bind_console, int *master_fd, struct hull_error *err)
{
	*master_fd = -1;
	/* The container's devpts instance (mounted newinstance): /dev/ptmx may be a
	 * symlink to it or the host's device node, so go to the instance directly. */
	_cleanup_close_ int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return hull_fail(err, errno, "process.terminal: open /dev/pts/ptmx in the container");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return hull_fail(err, errno, "process.terminal: unlock the pty");
	_cleanup_close_ int slave = open_peer(master, err);
	if (slave < 0)
		return hull_error_prefix(err, "process.terminal");
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return hull_fail(err, errno, "process.consoleSize: set the window size");
	}
	/* The workload may run as another user: let it reopen its own terminal. The
	 * group stays the one devpts gave the pty (its gid= option, the tty group in
	 * the default spec), as with runc and a login's terminal. Best effort (an
	 * unmapped id in a user namespace cannot own it). */
	if (fchown(slave, p->uid, (gid_t)-1) < 0)
		hull_debug("chown the pty to uid %u: %s", p->uid, strerror(errno));
	if (bind_console && hull_rootfs_mount_console(slave, err) < 0)
		return hull_error_prefix(err, "process.terminal");
	if (attach_slave(slave, err) < 0)
		return hull_error_prefix(err, "process.terminal");
	if (slave <= 2)
		slave = -1; /* now one of the stdio fds: keep it */
	*master_fd = steal_fd(&master);
	return 0;
}

/* ---- console socket ---------------------------------------------------------------- */

static int send_fd(int sock, int fd, const char *name)
{
	struct iovec iov = { (void *)name, strlen(name) };
	return hull_sendmsg_fd(sock, &iov, 1, fd) < 0 ? -1 : 0;
}

/* connect() to a path of any length: sun_path holds 108 bytes, so longer paths go
 * through an O_PATH fd of the socket file (/proc/self/fd/N). */
static int connect_path(int sock, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int pfd = -1;
	if (strlen(path) < sizeof(sa.sun_path)) {
		strcpy(sa.sun_path, path);
	} else {
		pfd = open(path, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			return -1;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", pfd);
	}
	int r;
	do
		r = connect(sock, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	return r;
}

int hull_send_fd_to_socket(const char *path, int fd, const char *name, const char *what, struct hull_error *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return hull_fail(err, errno, "%s: socket", what);
	if (connect_path(sock, path) < 0)
		return hull_fail(err, errno, "%s: connect to %s", what, path);
	if (send_fd(sock, fd, name) < 0)
		return hull_fail(err, errno, "%s: send to %s", what, path);
	return 0;
}

int hull_console_socket_send(const char *path, int master_fd, struct hull_error *err)
{
	/* runc sends the master's file name as the payload; receivers ignore it. */
	return hull_send_fd_to_socket(path, master_fd, "/dev/ptmx", "console socket", err);
}

/* ---- foreground relay -------------------------------------------------------------- */

struct relay {
	int master, in, out, sfd;
	bool in_open, master_open;
	bool raw;
	struct termios saved;
};

static void copy_winsize(const struct relay *r)
{
	struct winsize ws;
	if (ioctl(r->in, TIOCGWINSZ, &ws) == 0 || ioctl(r->out, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

/* Copy what one read gives from `from` to `to`; false at EOF or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	return hull_write_all(to, buf, (size_t)n) == 0;
}

/* Output written just before the exit is still in the pty: read until it is empty. */
static void drain(const struct relay *r)
{
	if (!r->master_open)
		return;
	int fl = fcntl(r->master, F_GETFL);
	fcntl(r->master, F_SETFL, fl | O_NONBLOCK);
	char buf[8192];
	ssize_t n;
	while ((n = read(r->master, buf, sizeof(buf))) > 0)
		if (hull_write_all(r->out, buf, (size_t)n) < 0)
			break;
	fcntl(r->master, F_SETFL, fl);
}

/* Reap pid (and, as a subreaper, any orphan of the container); true once pid is done. */
static bool reap_child(pid_t pid, int *wait_status)
{
	int subreaper = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
	bool done = false;
	int st;
	pid_t p;
	while ((p = waitpid(subreaper ? -1 : pid, &st, WNOHANG)) > 0) {
		if (p == pid) {
			*wait_status = st;
			done = true;
		}
		if (!subreaper)
			break;
	}
	return done;
}

/* SIGWINCH resizes, SIGCHLD reaps, everything else goes to the container. */
static int on_signal(struct relay *r, pid_t pid, int *wait_status)
{
	struct signalfd_siginfo si;
	if (read(r->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	switch (si.ssi_signo) {
	case SIGWINCH:
		copy_winsize(r);
		return 0;
	case SIGCHLD:
		return reap_child(pid, wait_status) ? 1 : 0;
	default:
		kill(pid, (int)si.ssi_signo);
		return 0;
	}
}

static int relay_loop(struct relay *r, pid_t pid, int *wait_status, struct hull_error *err)
{
	if (reap_child(pid, wait_status))
		return 0;
	for (;;) {
		struct pollfd p[3] = { { r->sfd, POLLIN, 0 },
				       { r->master_open ? r->master : -1, POLLIN, 0 },
				       { r->in_open ? r->in : -1, POLLIN, 0 } };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return hull_fail(err, errno, "terminal relay: poll");
		}
		if (p[1].revents && !pump(r->master, r->out))
			r->master_open = false; /* EIO: every slave fd is closed */
		if (p[2].revents && !pump(r->in, r->master))
			r->in_open = false;
		if (p[0].revents & POLLIN) {
			int done = on_signal(r, pid, wait_status);
			if (done)
				return 0;
		}
	}
}

int hull_terminal_relay(int master_fd, pid_t pid, int *wait_status, struct hull_error *err)
{
	struct relay r = { .master = master_fd, .in = STDIN_FILENO, .out = STDOUT_FILENO,
			   .in_open = true, .master_open = true };
	/* Signals arrive through a signalfd; whatever was pending (blocked earlier by
	 * the caller) is read from it as well, so nothing is lost. */
	sigset_t set, old;
	hull_forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	r.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r.sfd < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return hull_fail(err, e, "terminal relay: signalfd");
	}
	if (isatty(r.in) && tcgetattr(r.in, &r.saved) == 0) {
		struct termios raw = r.saved;
		cfmakeraw(&raw); /* the container's own tty does the line editing and echo */
		r.raw = tcsetattr(r.in, TCSANOW, &raw) == 0;
	}
	if (isatty(r.in) || isatty(r.out))
		copy_winsize(&r);
	int ret = relay_loop(&r, pid, wait_status, err);
	drain(&r);
	if (r.raw)
		tcsetattr(r.in, TCSANOW, &r.saved);
	close(r.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
