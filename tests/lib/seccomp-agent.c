/* seccomp-agent.c - a minimal seccomp notify agent for the integration tests.
 *
 *   seccomp-agent SOCKET OUT REPLY
 *
 * Listens on the AF_UNIX stream socket SOCKET (the profile's listenerPath), accepts
 * one connection, receives the container process state (JSON) with the seccomp notify
 * fd (SCM_RIGHTS), writes the JSON to OUT, then answers every notification with REPLY:
 *   errno:N    the syscall fails with errno N
 *   value:N    the syscall "succeeds" returning N without running
 *   continue   the kernel runs the syscall as if allowed
 * and appends "nr=<syscall number> pid=<pid>" per notification to OUT.log. Exits when
 * every process using the filter is gone, or after 60 s. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Read the state text (which may arrive in pieces) and the fd sent with it. */
static int receive_state(int conn, char *buf, size_t size)
{
	union {
		char c[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c, .msg_controllen = sizeof(u.c) };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		die("recvmsg");
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "seccomp-agent: no fd with the state\n");
		exit(1);
	}
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	size_t len = (size_t)n;
	ssize_t more;
	while (len < size - 1 && (more = read(conn, buf + len, size - 1 - len)) > 0)
		len += (size_t)more;
	buf[len] = '\0';
	return fd;
}

static void write_file(const char *path, const char *text)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) < 0)
		die(path);
}

static void serve(int nfd, const char *reply, const char *log_path)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	if (seccomp_notify_alloc(&req, &resp) != 0)
		die("seccomp_notify_alloc");
	for (;;) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (!(p.revents & POLLIN))
			break; /* POLLHUP: no task uses the filter any more */
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(nfd, req) != 0)
			continue; /* the task went away meanwhile */
		FILE *log = fopen(log_path, "a");
		if (log) {
			fprintf(log, "nr=%d pid=%u\n", req->data.nr, req->pid);
			fclose(log);
		}
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		if (strncmp(reply, "errno:", 6) == 0)
			resp->error = -atoi(reply + 6);
		else if (strncmp(reply, "value:", 6) == 0)
			resp->val = atoll(reply + 6);
		else
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		seccomp_notify_respond(nfd, resp); /* fails only if the task died */
	}
	seccomp_notify_free(req, resp);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: seccomp-agent SOCKET OUT errno:N|value:N|continue\n");
		return 2;
	}
	alarm(60);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (ls < 0 || strlen(argv[1]) >= sizeof(addr.sun_path))
		die("socket");
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 4) < 0)
		die("bind/listen");
	int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	static char state[65536];
	int nfd = receive_state(conn, state, sizeof(state));
	close(conn);
	char log_path[4096];
	snprintf(log_path, sizeof(log_path), "%s.log", argv[2]);
	write_file(argv[2], state);
	serve(nfd, argv[3], log_path);
	return 0;
}
