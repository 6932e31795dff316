/* notify.c - the NOTIFY_SOCKET proxy: a datagram socket in the state dir, bind-mounted
 * into the container, whose READY= message hull relays to the host's socket. */
#define _GNU_SOURCE
#include "notify.h"
#include "state.h"
#include "common/proc.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

const char *hull_notify_host(void)
{
	const char *s = getenv("NOTIFY_SOCKET");
	return s && *s ? s : NULL;
}

static void append_env(struct hull_process *p, const char *entry)
{
	size_t n = hull_strv_len(p->env);
	p->env = xrealloc(p->env, (n + 2) * sizeof(char *));
	p->env[n] = xstrdup(entry);
	p->env[n + 1] = NULL;
}

int hull_notify_prepare(struct hull_spec *spec, const char *state_dir, int state_dirfd, struct hull_error *err)
{
	if (mkdirat(state_dirfd, HULL_NOTIFY_DIR, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "NOTIFY_SOCKET: create %s/%s", state_dir, HULL_NOTIFY_DIR);
	if (fchmodat(state_dirfd, HULL_NOTIFY_DIR, 0755, 0) < 0) /* whatever the umask */
		return hull_fail(err, errno, "NOTIFY_SOCKET: chmod %s/%s", state_dir, HULL_NOTIFY_DIR);
	spec->mounts = xrealloc(spec->mounts, (spec->n_mounts + 1) * sizeof(*spec->mounts));
	struct hull_mount *m = &spec->mounts[spec->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->destination = xstrdup("/run/notify");
	_cleanup_free_ char *abs = realpath(state_dir, NULL);
	m->source = xasprintf("%s/%s", abs ? abs : state_dir, HULL_NOTIFY_DIR);
	m->options = xcalloc(6, sizeof(char *));
	const char *opts[] = { "bind", "nosuid", "noexec", "nodev", "ro" };
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		m->options[i] = xstrdup(opts[i]);
	append_env(&spec->process, "NOTIFY_SOCKET=" HULL_NOTIFY_IN_CONTAINER);
	return 0;
}

/* sun_path for a path or an abstract name ("@name", as Go's net package spells it). */
static socklen_t fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t n = strlen(path);
	if (n >= sizeof(sa->sun_path))
		return 0;
	memcpy(sa->sun_path, path, n);
	if (path[0] == '@') {
		sa->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return (socklen_t)sizeof(*sa);
}

int hull_notify_bind(int state_dirfd, int *sock, struct hull_error *err)
{
	*sock = -1;
	_cleanup_close_ int dir = openat(state_dirfd, HULL_NOTIFY_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "NOTIFY_SOCKET: open the notify directory");
	/* Through the dir fd: <root>/<id>/notify/notify.sock may not fit in sun_path. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dir, HULL_NOTIFY_SOCK);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: socket");
	struct sockaddr_un sa;
	socklen_t len = fill_addr(&sa, path);
	unlinkat(dir, HULL_NOTIFY_SOCK, 0); /* left over by an earlier start attempt */
	if (bind(s, (struct sockaddr *)&sa, len) < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: bind %s", HULL_NOTIFY_SOCK);
	/* The workload may run as any user. */
	if (fchmodat(dir, HULL_NOTIFY_SOCK, 0777, 0) < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: chmod %s", HULL_NOTIFY_SOCK);
	*sock = steal_fd(&s);
	return 0;
}

/* The first line of a datagram that starts with READY=, or NULL. */
static char *ready_line(char *buf)
{
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (hull_str_has_prefix(line, "READY="))
			return line;
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* sd_notify_barrier: send BARRIER=1 with a pipe's write end; systemd closes it once
 * it has processed everything before. No acknowledgement in 30 s is only a warning. */
static int barrier(int client, struct hull_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: pipe");
	_cleanup_close_ int rd = p[0];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { (void *)"BARRIER=1", 9 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	ssize_t n = sendmsg(client, &mh, MSG_NOSIGNAL);
	int e = errno;
	close(p[1]);
	if (n < 0)
		return hull_fail(err, e, "NOTIFY_SOCKET: send BARRIER=1");
	struct pollfd pf = { rd, POLLIN, 0 };
	int r;
	do
		r = poll(&pf, 1, 30000);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		hull_warn("NOTIFY_SOCKET: no acknowledgement of BARRIER=1 after 30s, ignored");
		return 0;
	}
	char b;
	if (read(rd, &b, 1) != 0)
		return hull_fail(err, EPROTO, "NOTIFY_SOCKET: unexpected read from the barrier pipe");
	return 0;
}

static int notify_host(const char *host, const char *ready, pid_t mainpid, struct hull_error *err)
{
	struct sockaddr_un sa;
	socklen_t len = fill_addr(&sa, host);
	if (!len)
		return hull_fail(err, ENAMETOOLONG, "NOTIFY_SOCKET: %s", host);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, len) < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: connect to %s", host);
	_cleanup_free_ char *r = xasprintf("%s\n", ready);
	_cleanup_free_ char *m = xasprintf("MAINPID=%d\n", (int)mainpid);
	if (send(s, r, strlen(r), MSG_NOSIGNAL) < 0 || send(s, m, strlen(m), MSG_NOSIGNAL) < 0)
		return hull_fail(err, errno, "NOTIFY_SOCKET: send to %s", host);
	return barrier(s, err);
}

int hull_notify_wait(int sock, const char *host, pid_t watch_pid, uint64_t watch_start_time, pid_t mainpid,
		     struct hull_error *err)
{
	if (sock < 0 || !host)
		return 0;
	char buf[4097];
	for (;;) {
		struct pollfd pf = { sock, POLLIN, 0 };
		int r = poll(&pf, 1, 100);
		if (r < 0 && errno != EINTR)
			return hull_fail(err, errno, "NOTIFY_SOCKET: poll");
		if (r <= 0) {
			if (!hull_pid_alive(watch_pid, watch_start_time))
				return 0;
			continue;
		}
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n < 0)
			continue;
		buf[n] = '\0';
		const char *ready = ready_line(buf);
		if (ready)
			return notify_host(host, ready, mainpid, err);
	}
}
