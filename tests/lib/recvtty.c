/* recvtty.c - the receiving end of --console-socket / --pidfd-socket for the tests.
 *
 *   recvtty [-d] [-m pty|pidfd|null] [-o OUT] [-i TEXT] [-s SIGNO] SOCKET
 *
 * Listens on the AF_UNIX stream socket SOCKET, accepts one connection and takes the
 * one fd it carries (SCM_RIGHTS), then by mode:
 *   pty    (default) write TEXT (if any) to the pty master, then copy the master to
 *          OUT (default stdout) until every slave is closed (EIO)
 *   pidfd  write "pid N" (from the fd's fdinfo) to OUT; with -s send SIGNO through
 *          pidfd_send_signal
 *   null   close the fd at once
 * Also writes "name <payload>" (what the sender put in the message) to OUT.name.
 * -d: daemonize once the socket listens (the parent prints the child's pid and exits),
 * so `recvtty -d ...` returning means hull can connect.
 *
 *   recvtty -n MESSAGE
 *
 * The other direction, for the NOTIFY_SOCKET tests: send MESSAGE as one datagram to
 * $NOTIFY_SOCKET (sd_notify). Built static so it runs inside a busybox container.
 *
 *   recvtty -k
 *
 * Print the description of the calling process's session keyring
 * ("keyring;UID;GID;PERM;NAME"), for the --no-new-keyring tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_on(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (s < 0)
		die("socket");
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	if (listen(s, 1) < 0)
		die("listen");
	return s;
}

/* One message: payload into name, the fd it carries returned. */
static int recv_fd(int conn, char *name, size_t name_len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { name, name_len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg");
	name[n] = '\0';
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "recvtty: no fd in the message\n");
		exit(1);
	}
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

static void copy_pty(int master, int out, const char *text)
{
	if (text) {
		write_all(master, text, strlen(text));
		write_all(master, "\n", 1);
	}
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EIO: the container closed its terminal */
		write_all(out, buf, (size_t)n);
	}
}

static void pidfd_mode(int pidfd, int out, int signo)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	FILE *f = fopen(path, "re");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Pid:", 4) == 0) {
			char msg[64];
			int n = snprintf(msg, sizeof(msg), "pid %ld\n", strtol(line + 4, NULL, 10));
			write_all(out, msg, (size_t)n);
		}
	fclose(f);
	if (signo > 0 && syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0)
		die("pidfd_send_signal");
}

static int sd_notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "recvtty: NOTIFY_SOCKET unset or too long\n");
		return 1;
	}
	strcpy(sa.sun_path, path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	socklen_t len = path[0] == '@' ? (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path))
				       : (socklen_t)sizeof(sa);
	if (sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&sa, len) < 0)
		die("sendto");
	return 0;
}

static int describe_session_keyring(void)
{
	char desc[512];
	/* KEYCTL_DESCRIBE = 6, KEY_SPEC_SESSION_KEYRING = -3 */
	long n = syscall(SYS_keyctl, 6, -3, desc, sizeof(desc) - 1, 0);
	if (n < 0)
		die("keyctl describe");
	desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
	printf("%s\n", desc);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = "pty", *outpath = NULL, *text = NULL;
	int daemonize = 0, signo = 0, opt;
	while ((opt = getopt(argc, argv, "dm:o:i:s:n:k")) != -1) {
		switch (opt) {
		case 'k': return describe_session_keyring();
		case 'n': return sd_notify_send(optarg);
		case 'd': daemonize = 1; break;
		case 'm': mode = optarg; break;
		case 'o': outpath = optarg; break;
		case 'i': text = optarg; break;
		case 's': signo = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: recvtty [-d] [-m pty|pidfd|null] [-o OUT] [-i TEXT] [-s SIGNO] SOCKET\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "recvtty: one SOCKET argument expected\n");
		return 2;
	}
	int out = outpath ? open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : STDOUT_FILENO;
	if (out < 0)
		die(outpath);
	int s = listen_on(argv[optind]);
	if (daemonize) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid > 0) {
			printf("%d\n", (int)pid);
			return 0;
		}
		setsid();
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		if (!outpath)
			dup2(null, 1);
	}
	int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	char name[256];
	int fd = recv_fd(conn, name, sizeof(name));
	close(conn);
	close(s);
	unlink(argv[optind]);
	if (outpath) {
		char npath[4096];
		snprintf(npath, sizeof(npath), "%s.name", outpath);
		FILE *nf = fopen(npath, "we");
		if (nf) {
			fprintf(nf, "name %s\n", name);
			fclose(nf);
		}
	}
	if (strcmp(mode, "pty") == 0)
		copy_pty(fd, out, text);
	else if (strcmp(mode, "pidfd") == 0)
		pidfd_mode(fd, out, signo);
	else if (strcmp(mode, "null") != 0) {
		fprintf(stderr, "recvtty: unknown mode %s\n", mode);
		return 2;
	}
	close(fd);
	return 0;
}
