/* seccomp-probe.c - a tiny static program the seccomp tests run inside containers.
 *
 *   seccomp-probe SYSCALL [ARG...]   make one raw syscall (by name, from the table
 *                                    below) with up to three integer arguments and
 *                                    print "ret N" or "errno N"; exit 0. SYSCALL
 *                                    "nr=N" makes syscall number N.
 *   seccomp-probe -t SYSCALL [ARG...]  the same from a second thread; prints
 *                                    "thread gone" when that thread was killed
 *                                    (SCMP_ACT_KILL_THREAD) and the process lives on.
 * A SIGSYS (SCMP_ACT_TRAP) is caught and printed as "sigsys N" (N = the syscall).
 * Syscalls are chosen to be harmless with the arguments the tests pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} table[] = {
	{ "lseek", SYS_lseek },	    { "getpgid", SYS_getpgid }, { "getppid", SYS_getppid },
	{ "getpriority", SYS_getpriority }, { "umask", SYS_umask }, { "getcwd", SYS_getcwd },
	{ "dup", SYS_dup },	    { "getuid", SYS_getuid },	{ "uname", SYS_uname },
	{ "uselib", SYS_uselib },   { "socket", SYS_socket },	{ "unshare", SYS_unshare },
	{ "personality", SYS_personality },
};

static long nr = -1, a[3];
static volatile int done;

static void report(long r, int e)
{
	if (r < 0)
		printf("errno %d\n", e);
	else
		printf("ret %ld\n", r);
	fflush(stdout);
}

static void *in_thread(void *unused)
{
	(void)unused;
	long r = syscall(nr, a[0], a[1], a[2], 0L, 0L, 0L);
	report(r, errno);
	done = 1;
	return NULL;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "sigsys %d\n", si->si_syscall);
	if (write(1, buf, (size_t)n) < 0)
		_exit(2);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seccomp-probe SYSCALL [ARG...]\n");
		return 2;
	}
	bool thread = argc > 2 && strcmp(argv[1], "-t") == 0;
	if (thread) {
		argv++;
		argc--;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, argv[1]) == 0)
			nr = table[i].nr;
	if (strncmp(argv[1], "nr=", 3) == 0)
		nr = strtol(argv[1] + 3, NULL, 0);
	if (nr < 0) {
		fprintf(stderr, "seccomp-probe: unknown syscall %s\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc && i < 5; i++)
		a[i - 2] = (long)strtoull(argv[i], NULL, 0);
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	sigaction(SIGSYS, &sa, NULL);
	if (thread) {
		pthread_t t;
		if (pthread_create(&t, NULL, in_thread, NULL) != 0)
			return 2;
		/* A thread killed by seccomp still clears its tid: join returns. */
		pthread_join(t, NULL);
		if (!done)
			printf("thread gone\n");
		return 0;
	}
	long r = syscall(nr, a[0], a[1], a[2], 0L, 0L, 0L);
	report(r, errno);
	return 0;
}
