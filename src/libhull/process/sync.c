/* sync.c - the sync protocol between hull and a process it starts in a container (the
 * init or an exec'd process): one struct hull_sync_msg per SEQPACKET message, an fd
 * alongside with SCM_RIGHTS, errors and log lines relayed to hull. */
#define _GNU_SOURCE
#include "sync.h"
#include "common/util.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#define SYNC_HDR offsetof(struct hull_sync_msg, text)

int hull_sync_send(int sock, enum hull_sync_type type, int errnum, int64_t value, const char *text, int fd)
{
	struct hull_sync_msg hdr = { .type = type, .errnum = errnum, .value = value };
	size_t tlen = text ? strnlen(text, HULL_SYNC_TEXT_MAX - 1) : 0;
	struct iovec iov[2] = { { &hdr, SYNC_HDR }, { (void *)text, tlen } };
	return hull_sendmsg_fd(sock, iov, tlen ? 2 : 1, fd) < 0 ? -1 : 0;
}

int hull_sync_recv(int sock, struct hull_sync_msg *m, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { m, sizeof(*m) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	if (fd)
		*fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? 0 : -1;
	if (n == 0)
		return 0;
	if ((size_t)n < SYNC_HDR) {
		errno = EPROTO;
		return -1;
	}
	((char *)m)[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int got;
		memcpy(&got, CMSG_DATA(c), sizeof(int));
		if (fd && *fd < 0)
			*fd = got;
		else
			close(got);
	}
	return 1;
}

void hull_sync_send_error(int sock, const struct hull_error *err)
{
	hull_sync_send(sock, HULL_SYNC_ERROR, err->errnum, 0, err->msg ? err->msg : "unknown error", -1);
}

static void relay_log(void *arg, enum hull_log_level level, const char *msg)
{
	hull_sync_send(*(int *)arg, HULL_SYNC_LOG, (int)level, 0, msg, -1);
}

void hull_sync_relay_logs(int *sock)
{
	hull_log_set_relay(sock ? relay_log : NULL, sock);
}

bool hull_sync_log(const struct hull_sync_msg *m)
{
	if (m->type != HULL_SYNC_LOG)
		return false;
	if (m->errnum >= HULL_LOG_DEBUG && m->errnum <= HULL_LOG_ERROR)
		hull_log((enum hull_log_level)m->errnum, "%s", m->text);
	return true;
}
