/* seccomp-probe.c - a tiny static program the seccomp tests run inside containers.
 *
 *   seccomp-probe SYSCALL [ARG...]   make one raw syscall (by name, from the table
 *                                    below) with up to three integer arguments and
 *                                    print "ret N" or "errno N"; exit 0.
 * A SIGSYS (SCMP_ACT_TRAP) is caught and printed as "sigsys N" (N = the syscall).
 * Syscalls are chosen to be harmless with any arguments. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
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
};

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
	long nr = -1, a[3] = { 0, 0, 0 };
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, argv[1]) == 0)
			nr = table[i].nr;
	if (nr < 0) {
		fprintf(stderr, "seccomp-probe: unknown syscall %s\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc && i < 5; i++)
		a[i - 2] = (long)strtoull(argv[i], NULL, 0);
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	sigaction(SIGSYS, &sa, NULL);
	long r = syscall(nr, a[0], a[1], a[2], 0L, 0L, 0L);
	if (r < 0)
		printf("errno %d\n", errno);
	else
		printf("ret %ld\n", r);
	return 0;
}
