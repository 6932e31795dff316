/* child.c - the steps shared by the container init (process.c) and an exec'd process
 * (exec/child.c): signal reset, sync waits, identity and session keyring, the pty
 * hand-off, the fork into a pid namespace; and on hull's side, killing and reporting a
 * child that failed during setup. */
#define _GNU_SOURCE
#include "child.h"
#include "terminal.h"
#include "common/util.h"

#include <errno.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

void hull_child_reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int hull_child_expect(int sock, enum hull_sync_type type, struct hull_sync_msg *m, struct hull_error *err)
{
	struct hull_sync_msg own;
	if (!m)
		m = &own;
	int r = hull_sync_recv(sock, m, NULL);
	if (r <= 0)
		return hull_fail(err, r < 0 ? errno : EPIPE, "sync with hull");
	if (m->type != (uint32_t)type)
		return hull_fail(err, EPROTO, "sync with hull: unexpected message %u", m->type);
	return 0;
}

/* Let the keyring's owner search it (KEY_USR_SEARCH), as runc does: exec'd processes
 * join it by name, which needs that permission. */
static int keyring_searchable(long key, struct hull_error *err)
{
	char desc[512];
	long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof(desc) - 1, 0);
	if (n <= 0)
		return 0;
	desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
	/* "type;uid;gid;perm;description" */
	char *p = desc;
	for (int field = 0; field < 3 && p; field++) {
		p = strchr(p, ';');
		if (p)
			p++;
	}
	if (!p)
		return 0;
	unsigned long perm = strtoul(p, NULL, 16) | 0x080000UL; /* KEY_USR_SEARCH */
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm, 0, 0) < 0)
		return hull_fail(err, errno, "set the permissions of the session keyring");
	return 0;
}

/* A session keyring "_ses.<id>" so the container cannot see the host's keys. */
static int session_keyring(const char *id, bool creator, struct hull_error *err)
{
	_cleanup_free_ char *name = xasprintf("_ses.%s", id);
	long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
	if (key < 0) {
		/* No keyring support, or a kernel/LSM that refuses: carry on (runc does for
		 * ENOSYS). The same set for the init and exec: a host that let create go on
		 * without a keyring must not make every exec fail. */
		if (errno == ENOSYS || errno == EACCES || errno == EDQUOT || errno == EPERM)
			return 0;
		return hull_fail(err, errno, "join a new session keyring");
	}
	return creator ? keyring_searchable(key, err) : 0;
}

int hull_child_identity(bool userns, bool setgroups_denied, const char *keyring_id, bool creator,
			struct hull_error *err)
{
	if (userns) {
		if (setresgid(0, 0, 0) < 0)
			return hull_fail(err, errno, "setresgid 0 in the user namespace");
		if (setresuid(0, 0, 0) < 0)
			return hull_fail(err, errno, "setresuid 0 in the user namespace");
	}
	if (!setgroups_denied && setgroups(0, NULL) < 0 && errno != EPERM)
		return hull_fail(err, errno, "setgroups");
	/* The init and (as runc's nsexec stage 2 makes them) exec'd processes lead a session. */
	if (setsid() < 0)
		return hull_fail(err, errno, "setsid");
	return keyring_id ? session_keyring(keyring_id, creator, err) : 0;
}

int hull_child_send_pty(int sock, const struct hull_process *p, bool bind_console, struct hull_error *err)
{
	if (!p->terminal)
		return 0;
	int master = -1;
	if (hull_terminal_setup_child(p, bind_console, &master, err) < 0)
		return -1;
	int r = hull_sync_send(sock, HULL_SYNC_FD, 0, 0, "pty", master);
	int e = errno;
	close(master);
	return r < 0 ? hull_fail(err, e, "send the pty master to hull") : 0;
}

int hull_child_fork_into_pidns(int sock, const char *what, struct hull_error *err)
{
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return hull_fail(err, errno, "fork %s", what);
	if (pid > 0) {
		hull_sync_send(sock, HULL_SYNC_PID, 0, pid, NULL, -1);
		_exit(0);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return 0;
}

void hull_child_kill_and_reap(struct hull_child_pids *p)
{
	if (p->proc > 0) {
		kill(p->proc, SIGKILL);
		waitpid(p->proc, NULL, 0);
	}
	if (p->first > 0 && p->first != p->proc) {
		kill(p->first, SIGKILL);
		waitpid(p->first, NULL, 0);
	}
}

int hull_child_gone(struct hull_child_pids *p, const char *what, struct hull_error *err)
{
	int st = 0;
	pid_t who = p->proc > 0 ? p->proc : p->first;
	if (waitpid(who, &st, WNOHANG) == who) {
		if (p->proc == who)
			p->proc = 0;
		if (p->first == who)
			p->first = 0;
		if (WIFSIGNALED(st))
			return hull_fail(err, EPIPE, "%s was killed by signal %d during setup", what, WTERMSIG(st));
		return hull_fail(err, EPIPE, "%s exited with status %d during setup", what, WEXITSTATUS(st));
	}
	return hull_fail(err, EPIPE, "%s closed the sync socket during setup", what);
}
