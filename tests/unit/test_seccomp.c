/* test_seccomp.c - unit tests of seccomp.c: compiling profiles, error paths, and filters
 * loaded in a forked child (every action, every operator, the notify hand-off). */
#define _GNU_SOURCE
#include "libhull/hull.h"
#include "common/json.h"
#include "libhull/security/seccomp.h"
#include "libhull/spec/spec.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

/* Results of probe(): an errno (1..199), 0 for success, or these. */
#define R_LOAD_FAILED 200
#define R_TRAPPED 201
#define R_SIGNAL(sig) (1000 + (sig))

static struct hull_spec *parse_profile(const char *seccomp_json)
{
	_cleanup_free_ char *doc = xasprintf("{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":%s}}", seccomp_json);
	struct hull_spec *spec = NULL;
	struct hull_error err = { 0 };
	int r = hull_spec_parse(doc, strlen(doc), &spec, &err);
	ck_assert_msg(r == 0, "parse failed: %s", err.msg ? err.msg : "?");
	hull_error_clear(&err);
	return spec;
}

static struct hull_seccomp_filter *compile(const char *seccomp_json, struct hull_spec **spec_out)
{
	struct hull_spec *spec = parse_profile(seccomp_json);
	struct hull_seccomp_filter *f = NULL;
	struct hull_error err = { 0 };
	int r = hull_seccomp_prepare(&spec->linux_.seccomp, &f, &err);
	ck_assert_msg(r == 0, "prepare failed: %s", err.msg ? err.msg : "?");
	ck_assert_ptr_nonnull(f);
	hull_error_clear(&err);
	if (spec_out)
		*spec_out = spec;
	else
		hull_spec_free(spec);
	return f;
}

/* Compile a profile that must fail; returns the message (caller frees). */
static char *compile_error(const char *seccomp_json)
{
	struct hull_spec *spec = parse_profile(seccomp_json);
	struct hull_seccomp_filter *f = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_lt(hull_seccomp_prepare(&spec->linux_.seccomp, &f, &err), 0);
	ck_assert_ptr_null(f);
	hull_spec_free(spec);
	ck_assert_ptr_nonnull(err.msg);
	return err.msg;
}

/* The raw syscall: a sanitizer build's _exit runs a leak check first, and that needs
 * syscalls the restrictive test filters refuse. */
static __attribute__((noreturn)) void raw_exit(int code)
{
	for (;;)
		syscall(SYS_exit_group, code);
}

static void on_sigsys(int sig)
{
	(void)sig;
	raw_exit(R_TRAPPED);
}

/* Load f in a child (with no_new_privs, like a container with noNewPrivileges) and
 * make one raw syscall; report how it ended. */
static int probe(struct hull_seccomp_filter *f, long nr, long a0, long a1, long a2)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGSYS, on_sigsys);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		struct hull_error err = { 0 };
		int fd;
		if (hull_seccomp_load(f, &fd, &err) < 0)
			raw_exit(R_LOAD_FAILED);
		long r = syscall(nr, a0, a1, a2, 0, 0, 0);
		raw_exit(r < 0 ? (errno < 200 ? errno : 199) : 0);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		return R_SIGNAL(WTERMSIG(st));
	return WEXITSTATUS(st);
}

/* lseek(-1, ...) fails with EBADF when the filter lets it through: a harmless probe
 * whose three arguments the conditions can test. */
static int probe_lseek(struct hull_seccomp_filter *f, long a0, long a1, long a2)
{
	return probe(f, SYS_lseek, a0, a1, a2);
}

START_TEST(test_no_section)
{
	struct hull_seccomp s = { 0 };
	struct hull_seccomp_filter *f = (void *)1;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_ptr_null(f);
	int fd = 7;
	ck_assert_int_eq(hull_seccomp_load(NULL, &fd, &err), 0);
	ck_assert_int_eq(fd, -1);
	ck_assert(!hull_seccomp_wants_notify(NULL));
	hull_seccomp_filter_free(NULL);
}
END_TEST

START_TEST(test_errno_actions)
{
	struct hull_seccomp_filter *f = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
						"{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
						"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77}]}",
						NULL);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), EPERM);
	ck_assert_int_eq(probe_lseek(f, -1, 0, 0), 77);
	ck_assert_int_eq(probe(f, SYS_getppid, 0, 0, 0), 0);
	ck_assert(!hull_seccomp_wants_notify(f));
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_default_errno)
{
	/* Default deny with a chosen errno; only what the probe child needs is allowed. */
	struct hull_seccomp_filter *f =
		compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99,\"syscalls\":["
			"{\"names\":[\"exit\",\"exit_group\",\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			NULL);
	ck_assert_int_eq(probe(f, SYS_getppid, 0, 0, 0), 0);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), 99);
	hull_seccomp_filter_free(f);
	f = compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		    "{\"names\":[\"exit\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		    NULL);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), EPERM);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_kill_trap_trace_log)
{
	static const struct {
		const char *action;
		int want;
	} cases[] = {
		{ "SCMP_ACT_KILL", R_SIGNAL(SIGSYS) },	      { "SCMP_ACT_KILL_THREAD", R_SIGNAL(SIGSYS) },
		{ "SCMP_ACT_KILL_PROCESS", R_SIGNAL(SIGSYS) }, { "SCMP_ACT_TRAP", R_TRAPPED },
		/* No tracer attached: the kernel fails the syscall with ENOSYS. */
		{ "SCMP_ACT_TRACE", ENOSYS },
		/* Logged, then allowed: lseek(-1) reaches the kernel and fails EBADF. */
		{ "SCMP_ACT_LOG", EBADF },
		{ "SCMP_ACT_ALLOW", EBADF },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *p = xasprintf("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":98,"
						   "\"syscalls\":[{\"names\":[\"exit\",\"exit_group\",\"rt_sigreturn\"],"
						   "\"action\":\"SCMP_ACT_ALLOW\"},"
						   "{\"names\":[\"lseek\"],\"action\":\"%s\"}]}",
						   cases[i].action);
		struct hull_seccomp_filter *f = compile(p, NULL);
		ck_assert_msg(probe_lseek(f, -1, 0, 0) == cases[i].want, "%s: got %d, want %d", cases[i].action,
			      probe_lseek(f, -1, 0, 0), cases[i].want);
		hull_seccomp_filter_free(f);
	}
}
END_TEST

START_TEST(test_operators)
{
	static const struct {
		const char *op;
		unsigned long long value, value_two;
		long arg;
		bool denied;
	} cases[] = {
		{ "SCMP_CMP_EQ", 5, 0, 5, true },	   { "SCMP_CMP_EQ", 5, 0, 6, false },
		{ "SCMP_CMP_NE", 5, 0, 6, true },	   { "SCMP_CMP_NE", 5, 0, 5, false },
		{ "SCMP_CMP_LT", 5, 0, 4, true },	   { "SCMP_CMP_LT", 5, 0, 5, false },
		{ "SCMP_CMP_LE", 5, 0, 5, true },	   { "SCMP_CMP_LE", 5, 0, 6, false },
		{ "SCMP_CMP_GT", 5, 0, 6, true },	   { "SCMP_CMP_GT", 5, 0, 5, false },
		{ "SCMP_CMP_GE", 5, 0, 5, true },	   { "SCMP_CMP_GE", 5, 0, 4, false },
		/* value is the mask, valueTwo the datum: (arg & 0xf0) == 0x30. */
		{ "SCMP_CMP_MASKED_EQ", 0xf0, 0x30, 0x3a, true }, { "SCMP_CMP_MASKED_EQ", 0xf0, 0x30, 0x4a, false },
		/* Full 64-bit values. */
		{ "SCMP_CMP_EQ", 0x100000005ULL, 0, 0x100000005L, true }, { "SCMP_CMP_EQ", 0x100000005ULL, 0, 5, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *p = xasprintf(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"lseek\"],"
			"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77,\"args\":[{\"index\":1,\"value\":%llu,"
			"\"valueTwo\":%llu,\"op\":\"%s\"}]}]}",
			cases[i].value, cases[i].value_two, cases[i].op);
		struct hull_seccomp_filter *f = compile(p, NULL);
		int got = probe_lseek(f, -1, cases[i].arg, 0);
		ck_assert_msg(got == (cases[i].denied ? 77 : EBADF), "case %zu (%s %llu arg %ld): got %d", i, cases[i].op,
			      cases[i].value, cases[i].arg, got);
		hull_seccomp_filter_free(f);
	}
}
END_TEST

START_TEST(test_several_args_and)
{
	/* Conditions on different arguments must all hold. */
	struct hull_seccomp_filter *f = compile(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":77,\"args\":[{\"index\":1,\"value\":10,\"op\":\"SCMP_CMP_EQ\"},"
		"{\"index\":2,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		NULL);
	ck_assert_int_eq(probe_lseek(f, -1, 10, 1), 77);
	ck_assert_int_eq(probe_lseek(f, -1, 10, 2), EBADF);
	ck_assert_int_eq(probe_lseek(f, -1, 11, 1), EBADF);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_same_arg_split)
{
	/* Two conditions on the same argument become two rules (runc): either matches. */
	struct hull_seccomp_filter *f = compile(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":77,\"args\":[{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},"
		"{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		NULL);
	ck_assert_int_eq(probe_lseek(f, -1, 5, 0), 77);
	ck_assert_int_eq(probe_lseek(f, -1, 7, 0), 77);
	ck_assert_int_eq(probe_lseek(f, -1, 6, 0), EBADF);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_skips)
{
	/* Unknown names are skipped; a rule with the default action is dropped; an
	 * architecture this libseccomp cannot build for is skipped. */
	struct hull_seccomp_filter *f = compile(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
		"\"SCMP_ARCH_X32\",\"SCMP_ARCH_LOONGARCH64\"],\"syscalls\":["
		"{\"names\":[\"no_such_syscall\",\"chown32\",\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77},"
		"{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		NULL);
	ck_assert_int_eq(probe_lseek(f, -1, 0, 0), 77);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), 0);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_flags)
{
	static const char *const flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					     "SECCOMP_FILTER_FLAG_SPEC_ALLOW" };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		ck_assert_msg(hull_seccomp_flag_supported(flags[i]), "%s", flags[i]);
		_cleanup_free_ char *p = xasprintf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"%s\"],"
						   "\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\","
						   "\"errnoRet\":77}]}",
						   flags[i]);
		struct hull_seccomp_filter *f = compile(p, NULL);
		ck_assert_int_eq(probe_lseek(f, -1, 0, 0), 77);
		hull_seccomp_filter_free(f);
	}
	ck_assert(!hull_seccomp_flag_supported("SECCOMP_FILTER_FLAG_NOPE"));
	/* Without a notify rule WAIT_KILLABLE_RECV means nothing and is dropped. */
	if (hull_seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
		struct hull_seccomp_filter *f = compile(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
			"\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77}]}",
			NULL);
		ck_assert_int_eq(probe_lseek(f, -1, 0, 0), 77);
		hull_seccomp_filter_free(f);
	}
}
END_TEST

START_TEST(test_errors)
{
	_cleanup_free_ char *m1 = compile_error(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]}");
	ck_assert_str_eq(m1, "linux.seccomp.syscalls[1].errnoRet: SCMP_ACT_KILL does not take an errno (only "
			     "SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)");
	_cleanup_free_ char *m2 = compile_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":3}");
	ck_assert_str_eq(m2, "linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno (only "
			     "SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)");
	_cleanup_free_ char *m3 = compile_error(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":70000}]}");
	ck_assert_str_eq(m3, "linux.seccomp.syscalls[0].errnoRet: 70000 is out of range (maximum 65535)");
}
END_TEST

/* Structs built by hand (not through the parser, which already refuses these names). */
START_TEST(test_errors_unparsed)
{
	char *names[] = { "getpid", NULL };
	struct hull_seccomp_syscall sc[4] = {
		{ .names = names, .action = "SCMP_ACT_ALLOW" },
		{ .names = names, .action = "SCMP_ACT_ALLOW" },
		{ .names = names, .action = "SCMP_ACT_ALLOW" },
		{ .names = names, .action = "SCMP_ACT_FOO" },
	};
	struct hull_seccomp s = { .present = true, .default_action = "SCMP_ACT_ERRNO", .syscalls = sc, .n_syscalls = 4 };
	struct hull_seccomp_filter *f = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"");
	hull_error_clear(&err);

	struct hull_seccomp_arg arg = { .index = 0, .value = 1, .op = "SCMP_CMP_ABOUT" };
	sc[3].action = "SCMP_ACT_KILL";
	sc[3].args = &arg;
	sc[3].n_args = 1;
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.syscalls[3].args[0].op: unknown operator \"SCMP_CMP_ABOUT\"");
	hull_error_clear(&err);

	arg.op = "SCMP_CMP_EQ";
	arg.index = 6;
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.syscalls[3].args[0].index: 6 is out of range (maximum 5)");
	hull_error_clear(&err);

	arg.index = 0;
	sc[3].action = "SCMP_ACT_NOTIFY";
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener");
	hull_error_clear(&err);

	char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_NOPE", NULL };
	sc[3].action = "SCMP_ACT_KILL";
	s.flags = flags;
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"");
	hull_error_clear(&err);

	s.flags = NULL;
	s.default_action = "SCMP_ACT_NOTIFY";
	ck_assert_int_lt(hull_seccomp_prepare(&s, &f, &err), 0);
	ck_assert_str_eq(err.msg, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	hull_error_clear(&err);
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_too_big)
{
	/* Thousands of distinct conditions cannot fit the kernel's 4096 instructions. */
	size_t cap = 0, len = 0;
	char *p = NULL;
	const char *head = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[";
	p = xgrow(p, &cap, strlen(head) + 1, 1);
	len = (size_t)sprintf(p, "%s", head);
	for (int i = 0; i < 5000; i++) {
		char one[160];
		int n = snprintf(one, sizeof(one),
				 "%s{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,"
				 "\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}",
				 i ? "," : "", i + 1);
		p = xgrow(p, &cap, len + (size_t)n + 4, 1);
		memcpy(p + len, one, (size_t)n + 1);
		len += (size_t)n;
	}
	strcpy(p + len, "]}");
	_cleanup_free_ char *msg = compile_error(p);
	free(p);
	ck_assert_msg(strstr(msg, "the kernel allows 4096") != NULL, "%s", msg);
}
END_TEST

START_TEST(test_state_json)
{
	struct hull_spec *spec = parse_profile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\","
					       "\"listenerMetadata\":\"m \\\"q\\\"\"}");
	_cleanup_free_ char *out = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_seccomp_process_state_json(
				 &spec->linux_.seccomp,
				 "{\"ociVersion\":\"1.2.0\",\"id\":\"c\",\"status\":\"creating\",\"pid\":42,"
				 "\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"}}",
				 &out, &err),
			 0);
	ck_assert_str_eq(out, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":42,\"metadata\":\"m \\\"q\\\"\","
			      "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c\",\"status\":\"creating\",\"pid\":42,"
			      "\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"}}}");
	ck_assert_int_lt(hull_seccomp_process_state_json(&spec->linux_.seccomp, "{\"id\":\"c\"}", &out, &err), 0);
	ck_assert_str_eq(err.msg, "container state: no pid");
	hull_error_clear(&err);
	hull_spec_free(spec);
}
END_TEST

/* Receive the listener message and the fd passed along with it. */
static char *recv_listener(int conn, int *fd)
{
	char buf[8192];
	union {
		char c[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c, .msg_controllen = sizeof(u.c) };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	ck_assert_int_gt(n, 0);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
	memcpy(fd, CMSG_DATA(c), sizeof(int));
	size_t len = (size_t)n;
	ssize_t more;
	while (len < sizeof(buf) - 1 && (more = read(conn, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)more;
	buf[len] = '\0';
	return xstrdup(buf);
}

START_TEST(test_notify_listener)
{
	char dir[] = "/tmp/hull-test-seccomp-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	_cleanup_free_ char *sock_path = xasprintf("%s/agent.sock", dir);
	_cleanup_free_ char *profile = xasprintf(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\",\"listenerMetadata\":\"meta-1\","
		"\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\"],"
		"\"syscalls\":[{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		sock_path);
	struct hull_spec *spec = NULL;
	struct hull_seccomp_filter *f = compile(profile, &spec);
	ck_assert(hull_seccomp_wants_notify(f));

	int lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, sock_path);
	ck_assert_int_eq(bind(lsock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(lsock, 1), 0);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		struct hull_error err = { 0 };
		int nfd;
		if (hull_seccomp_load(f, &nfd, &err) < 0 || nfd < 0)
			_exit(R_LOAD_FAILED);
		char *state = xasprintf("{\"ociVersion\":\"1.2.0\",\"id\":\"sec\",\"status\":\"creating\",\"pid\":%d,"
					"\"bundle\":\"/b\"}",
					(int)getpid());
		if (hull_seccomp_send_listener(&spec->linux_.seccomp, nfd, state, &err) < 0)
			_exit(R_LOAD_FAILED + 1);
		close(nfd);
		long r = syscall(SYS_getpgid, 0);
		_exit(r == 4242 ? 42 : r < 0 ? (errno < 200 ? errno : 199) : 1);
	}
	int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	int nfd = -1;
	_cleanup_free_ char *msg = recv_listener(conn, &nfd);
	close(conn);
	_cleanup_free_ char *want = xasprintf("{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
					      "\"metadata\":\"meta-1\",\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"sec\","
					      "\"status\":\"creating\",\"pid\":%d,\"bundle\":\"/b\"}}",
					      (int)pid, (int)pid);
	ck_assert_str_eq(msg, want);

	/* Answer the one notification: the syscall "returns" 4242 without running. */
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	ck_assert_int_eq(seccomp_notify_alloc(&req, &resp), 0);
	ck_assert_int_eq(seccomp_notify_receive(nfd, req), 0);
	ck_assert_int_eq(req->pid, pid);
	ck_assert_int_eq(req->data.nr, SYS_getpgid);
	resp->id = req->id;
	resp->val = 4242;
	resp->error = 0;
	resp->flags = 0;
	ck_assert_int_eq(seccomp_notify_respond(nfd, resp), 0);
	seccomp_notify_free(req, resp);

	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 42);
	close(nfd);
	close(lsock);
	unlink(sock_path);
	rmdir(dir);
	hull_seccomp_filter_free(f);
	hull_spec_free(spec);
}
END_TEST

/* The init's way: connect (and render the message) before pivot_root, send at load. */
START_TEST(test_connect_then_load)
{
	char dir[] = "/tmp/hull-test-seccomp-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	_cleanup_free_ char *sock_path = xasprintf("%s/agent.sock", dir);
	_cleanup_free_ char *profile = xasprintf(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
		"\"syscalls\":[{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		sock_path);
	struct hull_spec *spec = NULL;
	struct hull_seccomp_filter *f = compile(profile, &spec);
	int lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, sock_path);
	ck_assert_int_eq(bind(lsock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(lsock, 1), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		struct hull_error err = { 0 };
		int nfd = 5;
		if (hull_seccomp_connect_listener(f, &spec->linux_.seccomp, "{\"id\":\"x\",\"pid\":7}", &err) < 0 ||
		    hull_seccomp_load(f, &nfd, &err) < 0 || nfd != -1)
			raw_exit(R_LOAD_FAILED);
		long r = syscall(SYS_getpgid, 0);
		raw_exit(r == 31 ? 42 : 1);
	}
	int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	int nfd = -1;
	_cleanup_free_ char *msg = recv_listener(conn, &nfd);
	close(conn);
	ck_assert_str_eq(msg, "{\"ociVersion\":\"" HULL_OCI_VERSION "\",\"fds\":[\"seccompFd\"],\"pid\":7,"
			      "\"state\":{\"id\":\"x\",\"pid\":7}}");
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	ck_assert_int_eq(seccomp_notify_alloc(&req, &resp), 0);
	ck_assert_int_eq(seccomp_notify_receive(nfd, req), 0);
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->val = 31;
	ck_assert_int_eq(seccomp_notify_respond(nfd, resp), 0);
	seccomp_notify_free(req, resp);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 42);
	close(nfd);
	close(lsock);
	unlink(sock_path);
	rmdir(dir);
	hull_seccomp_filter_free(f);
	hull_spec_free(spec);
	ck_assert(hull_seccomp_action_supported("SCMP_ACT_ALLOW"));
	ck_assert(hull_seccomp_action_supported("SCMP_ACT_ERRNO"));
	ck_assert(!hull_seccomp_action_supported("SCMP_ACT_NOPE"));
}
END_TEST

START_TEST(test_listener_errors)
{
	struct hull_spec *spec =
		parse_profile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/hull.sock\"}");
	struct hull_error err = { 0 };
	ck_assert_int_lt(hull_seccomp_send_listener(&spec->linux_.seccomp, 0, "{\"pid\":1}", &err), 0);
	ck_assert_str_eq(err.msg, "failed to connect with seccomp agent specified in the seccomp profile: "
				  "linux.seccomp.listenerPath: dial unix /nonexistent/hull.sock: No such file or directory");
	hull_error_clear(&err);
	hull_spec_free(spec);
}
END_TEST

/* ---- the -ENOSYS stub ---------------------------------------------------------------------- */

#define NR_UNKNOWN 1000 /* above every syscall of every architecture's table */
#define X32_BIT 0x40000000L

/* What's named (whatever the action) sets the limit: exit_group (231) on x86_64. */
#define ENOSYS_PROFILE(def, archs)                                                                          \
	"{\"defaultAction\":\"" def "\",\"architectures\":[" archs "],\"syscalls\":["                            \
	"{\"names\":[\"exit\",\"exit_group\",\"getppid\",\"rt_sigreturn\"],\"action\":\"SCMP_ACT_ALLOW\"},"       \
	"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77}]}"

START_TEST(test_enosys_stub)
{
	/* Syscalls above the highest named one fail with ENOSYS, not with the default
	 * action; below it the default action stays. */
	struct hull_seccomp_filter *f = compile(ENOSYS_PROFILE("SCMP_ACT_ERRNO", "\"SCMP_ARCH_X86_64\""), NULL);
	ck_assert_int_eq(probe(f, NR_UNKNOWN, 0, 0, 0), ENOSYS);
	ck_assert_int_eq(probe(f, SYS_clone3, 0, 0, 0), ENOSYS);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), EPERM);
	ck_assert_int_eq(probe(f, SYS_getppid, 0, 0, 0), 0);
	ck_assert_int_eq(probe_lseek(f, -1, 0, 0), 77);
	hull_seccomp_filter_free(f);
	/* The native architecture gets it too when the profile does not list it. */
	f = compile(ENOSYS_PROFILE("SCMP_ACT_KILL_PROCESS", "\"SCMP_ARCH_X86\""), NULL);
	ck_assert_int_eq(probe(f, NR_UNKNOWN, 0, 0, 0), ENOSYS);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), R_SIGNAL(SIGSYS));
	hull_seccomp_filter_free(f);
	/* An explicit defaultErrnoRet is kept below the limit. */
	f = compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99,\"syscalls\":["
		    "{\"names\":[\"exit\",\"exit_group\",\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		    NULL);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), 99);
	ck_assert_int_eq(probe(f, NR_UNKNOWN, 0, 0, 0), ENOSYS);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_enosys_x32)
{
	/* x32 shares AUDIT_ARCH_X86_64 and sets bit 30: the stub compares each ABI with
	 * its own limit (x32's exit_group is X32_BIT | 231). The filter decides before
	 * the kernel looks at the number, so this works with x32 disabled too. */
	struct hull_seccomp_filter *f =
		compile(ENOSYS_PROFILE("SCMP_ACT_ERRNO", "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\""), NULL);
	ck_assert_int_eq(probe(f, X32_BIT | NR_UNKNOWN, 0, 0, 0), ENOSYS);
	ck_assert_int_eq(probe(f, X32_BIT | SYS_getpgid, 0, 0, 0), EPERM);
	ck_assert_int_eq(probe(f, NR_UNKNOWN, 0, 0, 0), ENOSYS);
	ck_assert_int_eq(probe(f, SYS_getpgid, 0, 0, 0), EPERM);
	hull_seccomp_filter_free(f);
	/* Without x32 in the profile its syscalls are libseccomp's bad architecture (kill). */
	f = compile(ENOSYS_PROFILE("SCMP_ACT_ERRNO", "\"SCMP_ARCH_X86_64\""), NULL);
	ck_assert_int_eq(probe(f, X32_BIT | NR_UNKNOWN, 0, 0, 0), R_SIGNAL(SIGSYS));
	hull_seccomp_filter_free(f);
}
END_TEST

/* The i386 ABI from this 64-bit process: int $0x80 (seccomp sees AUDIT_ARCH_I386). */
static long int80(long nr, long a0, long a1, long a2)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a0), "c"(a1), "d"(a2) : "memory");
	return r;
}

static int probe_i386(struct hull_seccomp_filter *f, long nr, long a0, long a1, long a2)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		struct hull_error err = { 0 };
		int fd;
		if (f && hull_seccomp_load(f, &fd, &err) < 0)
			raw_exit(R_LOAD_FAILED);
		long r = int80(nr, a0, a1, a2);
		raw_exit(r < 0 ? (-r < 200 ? (int)-r : 199) : 0);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		return R_SIGNAL(WTERMSIG(st));
	return WEXITSTATUS(st);
}

#define I386_GETPID 20
#define I386_SOCKET 359 /* direct; libseccomp also matches socketcall(SYS_SOCKET) */
#define I386_SOCKETPAIR 360
#define I386_SETREUID 70

START_TEST(test_enosys_i386)
{
	if (probe_i386(NULL, I386_GETPID, 0, 0, 0) != 0)
		return; /* no IA32 emulation in this kernel */
	/* On i386 libseccomp multiplexes socket() through socketcall and gives it no
	 * number; the direct socket syscall (359) still counts for the limit, else the
	 * socket() the profile allows would fail with ENOSYS. */
	struct hull_seccomp_filter *f =
		compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\"],\"syscalls\":["
			"{\"names\":[\"exit\",\"exit_group\",\"getpid\",\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			NULL);
	ck_assert_int_eq(probe_i386(f, I386_GETPID, 0, 0, 0), 0);
	ck_assert_int_eq(probe_i386(f, I386_SOCKET, -1, 0, 0), EAFNOSUPPORT);
	ck_assert_int_eq(probe_i386(f, I386_SETREUID, -1, -1, 0), EPERM);
	ck_assert_int_eq(probe_i386(f, I386_SOCKETPAIR, -1, 0, 0), ENOSYS);
	ck_assert_int_eq(probe_i386(f, NR_UNKNOWN, 0, 0, 0), ENOSYS);
	hull_seccomp_filter_free(f);
}
END_TEST

START_TEST(test_notify_write_refused)
{
	_cleanup_free_ char *m = compile_error(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x.sock\",\"syscalls\":["
		"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
		"{\"names\":[\"getpid\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_str_eq(m, "linux.seccomp.syscalls[1].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall");
	_cleanup_free_ char *m2 = compile_error(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x.sock\",\"syscalls\":["
		"{\"names\":[\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
	ck_assert_str_eq(m2, "linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used for the sendmsg "
			     "syscall");
	/* Other actions on write are fine. */
	struct hull_seccomp_filter *f = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
						"{\"names\":[\"write\"],\"action\":\"SCMP_ACT_LOG\"}]}",
						NULL);
	hull_seccomp_filter_free(f);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("compile");
	tcase_set_timeout(tc, 60); /* test_too_big compiles 5000 rules: slow under ASan/valgrind */
	tcase_add_test(tc, test_no_section);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_errors_unparsed);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_state_json);
	tcase_add_test(tc, test_listener_errors);
	tcase_add_test(tc, test_notify_write_refused);
	suite_add_tcase(s, tc);
	TCase *ld = tcase_create("load");
	tcase_set_timeout(ld, 30);
	tcase_add_test(ld, test_errno_actions);
#ifndef __SANITIZE_ADDRESS__
	/* A probe child loads a deny-by-default filter; under ASan the sanitizer runtime then
	 * makes syscalls of its own (sigaltstack, gettid, mmap) that the filter refuses, and
	 * dies in a CHECK. These run in the plain build (make check); under ASan the same
	 * behaviours are covered by tests/integration/seccomp.bats. */
	tcase_add_test(ld, test_default_errno);
	tcase_add_test(ld, test_kill_trap_trace_log);
#else
	fputs("# skip: default-deny probes (test_default_errno, test_kill_trap_trace_log, test_enosys_*):"
	      " the ASan runtime makes syscalls such filters refuse\n", stderr);
	(void)test_default_errno;
	(void)test_kill_trap_trace_log;
	(void)test_enosys_stub;
	(void)test_enosys_x32;
	(void)test_enosys_i386;
#endif
	tcase_add_test(ld, test_operators);
	tcase_add_test(ld, test_several_args_and);
	tcase_add_test(ld, test_same_arg_split);
	tcase_add_test(ld, test_skips);
	tcase_add_test(ld, test_flags);
	tcase_add_test(ld, test_notify_listener);
	tcase_add_test(ld, test_connect_then_load);
#ifndef __SANITIZE_ADDRESS__
	tcase_add_test(ld, test_enosys_stub);
	tcase_add_test(ld, test_enosys_x32);
	tcase_add_test(ld, test_enosys_i386);
#endif
	suite_add_tcase(s, ld);
	return s;
}
