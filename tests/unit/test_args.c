/* test_args.c - unit tests of the argv parser (common/args.c). */
#define _GNU_SOURCE
#include "common/args.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

/* ---- a command with one option of each kind ------------------------------------------- */

static const struct cli_command test_cmd = { "test", "[command options] <container-id>", "a test command", NULL,
					     NULL, NULL };

struct vals {
	bool force, detach;
	const char *bundle, *pid_file;
	int n;
	uint64_t big;
	struct cli_list env;
	bool bundle_seen;
};

static int run(struct vals *v, int stop_after, struct cli_args *a, char **args)
{
	memset(v, 0, sizeof(*v));
	const struct cli_opt opts[] = {
		{ "force", 'f', CLI_BOOL, &v->force, "force", NULL, false },
		{ "detach", 'd', CLI_BOOL, &v->detach, "detach", NULL, false },
		{ "bundle", 'b', CLI_STRING, &v->bundle, "bundle dir", &v->bundle_seen, false },
		{ "pid-file", 0, CLI_STRING, &v->pid_file, "pid file", NULL, false },
		{ "n", 0, CLI_INT, &v->n, "a number", NULL, false },
		{ "big", 0, CLI_UINT64, &v->big, "a big number", NULL, false },
		{ "env", 'e', CLI_LIST, &v->env, "env", NULL, false },
		{ "secret", 0, CLI_BOOL, &v->detach, "hidden", NULL, true },
		{ 0 },
	};
	int argc = 0;
	while (args[argc])
		argc++;
	return cli_parse(&test_cmd, argc, args, opts, stop_after, a);
}

#define ARGV(...) ((char *[]){ "test", __VA_ARGS__, NULL })

START_TEST(test_value_forms)
{
	struct vals v;
	struct cli_args a;
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--bundle", "/b1", "id")), CLI_OK);
	ck_assert_str_eq(v.bundle, "/b1");
	ck_assert(v.bundle_seen);
	ck_assert_int_eq(a.n, 1);
	ck_assert_str_eq(a.pos[0], "id");
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--bundle=/b2", "id")), CLI_OK);
	ck_assert_str_eq(v.bundle, "/b2");
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-bundle", "/b3", "id")), CLI_OK); /* Go-style single dash */
	ck_assert_str_eq(v.bundle, "/b3");
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-b", "/b4", "id")), CLI_OK);
	ck_assert_str_eq(v.bundle, "/b4");
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-b=/b5", "--pid-file", "p", "id")), CLI_OK);
	ck_assert_str_eq(v.bundle, "/b5");
	ck_assert_str_eq(v.pid_file, "p");
	free(a.pos);
	/* last one wins; an empty value is a value */
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-b", "/x", "--bundle=", "id")), CLI_OK);
	ck_assert_str_eq(v.bundle, "");
	free(a.pos);
	/* a value may start with a dash */
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--pid-file", "-weird", "id")), CLI_OK);
	ck_assert_str_eq(v.pid_file, "-weird");
	free(a.pos);
}
END_TEST

START_TEST(test_bool_forms)
{
	struct vals v;
	struct cli_args a;
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--force", "id")), CLI_OK);
	ck_assert(v.force);
	ck_assert_int_eq(a.n, 1); /* a bool never takes the next word */
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-f", "-d", "id")), CLI_OK);
	ck_assert(v.force && v.detach);
	free(a.pos);
	static const char *const yes[] = { "--force=true", "--force=1", "--force=t", "--force=T", "--force=TRUE",
					   "--force=True", "-force=true", "-f=true" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		ck_assert_int_eq(run(&v, 0, &a, ARGV((char *)yes[i], "id")), CLI_OK);
		ck_assert_msg(v.force, "%s", yes[i]);
		free(a.pos);
	}
	static const char *const no[] = { "--force=false", "--force=0", "--force=f", "--force=F", "--force=FALSE",
					  "--force=False" };
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		ck_assert_int_eq(run(&v, 0, &a, ARGV("--force", (char *)no[i], "id")), CLI_OK);
		ck_assert_msg(!v.force, "%s", no[i]);
		free(a.pos);
	}
	struct capture c;
	cap_start(&c, STDERR_FILENO);
	int r = run(&v, 0, &a, ARGV("--force=maybe", "id"));
	_cleanup_free_ char *err = cap_end(&c);
	ck_assert_int_ne(r, CLI_OK);
	ck_assert_msg(strstr(err, "msg=\"invalid boolean value \\\"maybe\\\" for flag -force\""), "%s", err);
}
END_TEST

START_TEST(test_lists_and_numbers)
{
	struct vals v;
	struct cli_args a;
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--env", "A=1,B=2", "-e", "C=3", "--env=D=4", "--n", "-7", "--big",
					     "18446744073709551615", "id")),
			 CLI_OK);
	ck_assert_uint_eq(v.env.n, 3);
	ck_assert_str_eq(v.env.items[0], "A=1,B=2"); /* no comma splitting */
	ck_assert_str_eq(v.env.items[1], "C=3");
	ck_assert_str_eq(v.env.items[2], "D=4");
	ck_assert_int_eq(v.n, -7);
	ck_assert(v.big == UINT64_MAX);
	free(v.env.items);
	free(a.pos);
	ck_assert_int_eq(run(&v, 0, &a, ARGV("--n=0x10", "id")), CLI_OK);
	ck_assert_int_eq(v.n, 16);
	free(a.pos);
	struct capture c;
	cap_start(&c, STDERR_FILENO);
	int r1 = run(&v, 0, &a, ARGV("--n", "seven", "id"));
	int r2 = run(&v, 0, &a, ARGV("--big", "-1", "id"));
	int r3 = run(&v, 0, &a, ARGV("--n", "99999999999", "id"));
	_cleanup_free_ char *err = cap_end(&c);
	ck_assert(r1 != CLI_OK && r2 != CLI_OK && r3 != CLI_OK);
	ck_assert_msg(strstr(err, "invalid value \\\"seven\\\" for flag -n: parse error"), "%s", err);
	ck_assert_msg(strstr(err, "invalid value \\\"-1\\\" for flag -big: parse error"), "%s", err);
	ck_assert_msg(strstr(err, "invalid value \\\"99999999999\\\" for flag -n: parse error"), "%s", err);
}
END_TEST

START_TEST(test_flags_after_positionals)
{
	struct vals v;
	struct cli_args a;
	/* runc 1.1 reorders: `delete ID -f` works */
	ck_assert_int_eq(run(&v, 0, &a, ARGV("id", "-f", "--bundle", "/b")), CLI_OK);
	ck_assert(v.force);
	ck_assert_str_eq(v.bundle, "/b");
	ck_assert_int_eq(a.n, 1);
	free(a.pos);
	/* a lone dash is a positional */
	ck_assert_int_eq(run(&v, 0, &a, ARGV("id", "-")), CLI_OK);
	ck_assert_int_eq(a.n, 2);
	ck_assert_str_eq(a.pos[1], "-");
	free(a.pos);
}
END_TEST

START_TEST(test_stop_after)
{
	struct vals v;
	struct cli_args a;
	/* exec/ps: everything after the container id belongs to the command */
	ck_assert_int_eq(run(&v, 1, &a, ARGV("-d", "id", "sh", "-c", "--force", "-e", "X")), CLI_OK);
	ck_assert(v.detach);
	ck_assert(!v.force);
	ck_assert_uint_eq(v.env.n, 0);
	ck_assert_int_eq(a.n, 6);
	ck_assert_str_eq(a.pos[0], "id");
	ck_assert_str_eq(a.pos[3], "--force");
	ck_assert_ptr_null(a.pos[6]);
	free(a.pos);
	/* flags before the id still count */
	ck_assert_int_eq(run(&v, 1, &a, ARGV("--force", "-e", "A=1", "id", "ps", "-ef")), CLI_OK);
	ck_assert(v.force);
	ck_assert_uint_eq(v.env.n, 1);
	ck_assert_int_eq(a.n, 3);
	free(v.env.items);
	free(a.pos);
}
END_TEST

START_TEST(test_double_dash)
{
	struct vals v;
	struct cli_args a;
	ck_assert_int_eq(run(&v, 0, &a, ARGV("-f", "--", "--bundle", "-d")), CLI_OK);
	ck_assert(v.force);
	ck_assert_ptr_null(v.bundle);
	ck_assert(!v.detach);
	ck_assert_int_eq(a.n, 2);
	ck_assert_str_eq(a.pos[0], "--bundle");
	ck_assert_str_eq(a.pos[1], "-d");
	free(a.pos);
}
END_TEST

START_TEST(test_errors)
{
	struct vals v;
	struct cli_args a;
	struct capture c;
	cap_start(&c, STDERR_FILENO);
	int r1 = run(&v, 0, &a, ARGV("--nope", "id"));
	ck_assert_ptr_null(a.pos);
	int r2 = run(&v, 0, &a, ARGV("id", "--bundle"));
	int r3 = run(&v, 0, &a, ARGV("-x=1", "id"));
	_cleanup_free_ char *err = cap_end(&c);
	ck_assert_int_eq(r1, CLI_ERROR);
	ck_assert_int_eq(r2, CLI_ERROR);
	ck_assert_int_eq(r3, CLI_ERROR);
	ck_assert_msg(strstr(err, "level=error msg=\"flag provided but not defined: -nope\"\n"), "%s", err);
	ck_assert_msg(strstr(err, "level=error msg=\"flag needs an argument: -bundle\"\n"), "%s", err);
	ck_assert_msg(strstr(err, "msg=\"flag provided but not defined: -x\"\n"), "%s", err);
}
END_TEST

START_TEST(test_help)
{
	struct vals v;
	struct cli_args a;
	struct capture c;
	cap_start(&c, STDOUT_FILENO);
	int r = run(&v, 0, &a, ARGV("id", "--help"));
	_cleanup_free_ char *out = cap_end(&c);
	ck_assert_int_eq(r, CLI_HELP);
	ck_assert(hull_str_has_prefix(out, "NAME:\n   hull test - a test command\n\nUSAGE:\n   hull test [command options] "
					   "<container-id>\n"));
	ck_assert_msg(strstr(out, "--bundle value, -b value"), "%s", out);
	ck_assert_msg(strstr(out, "--force, -f"), "%s", out);
	ck_assert_msg(strstr(out, "--help, -h"), "%s", out);
	ck_assert_msg(!strstr(out, "secret"), "hidden flag listed: %s", out);
	cap_start(&c, STDOUT_FILENO);
	r = run(&v, 0, &a, ARGV("-h"));
	_cleanup_free_ char *out2 = cap_end(&c);
	ck_assert_int_eq(r, CLI_HELP);
	ck_assert_str_eq(out, out2);
}
END_TEST

START_TEST(test_check_args)
{
	struct cli_args a = { (char *[]){ "x", "y", NULL }, 2 };
	const struct cli_opt opts[] = { { 0 } };
	ck_assert_int_eq(cli_check_args(&test_cmd, opts, &a, 2, 2), CLI_OK);
	ck_assert_int_eq(cli_check_args(&test_cmd, opts, &a, 1, 3), CLI_OK);
	ck_assert_int_eq(cli_check_args(&test_cmd, opts, &a, 0, -1), CLI_OK);
	struct capture out, err;
	cap_start(&out, STDOUT_FILENO);
	cap_start(&err, STDERR_FILENO);
	int r1 = cli_check_args(&test_cmd, opts, &a, 1, 1);
	int r2 = cli_check_args(&test_cmd, opts, &a, 3, -1);
	int r3 = cli_check_args(&test_cmd, opts, &a, 0, 1);
	_cleanup_free_ char *e = cap_end(&err);
	_cleanup_free_ char *o = cap_end(&out);
	ck_assert(r1 == CLI_ERROR && r2 == CLI_ERROR && r3 == CLI_ERROR);
	ck_assert_msg(hull_str_has_prefix(o, "Incorrect Usage.\n\nNAME:\n   hull test"), "%s", o);
	ck_assert_msg(strstr(e, "msg=\"hull: \\\"test\\\" requires exactly 1 argument(s)\""), "%s", e);
	ck_assert_msg(strstr(e, "msg=\"hull: \\\"test\\\" requires a minimum of 3 argument(s)\""), "%s", e);
	ck_assert_msg(strstr(e, "msg=\"hull: \\\"test\\\" requires a maximum of 1 argument(s)\""), "%s", e);
}
END_TEST

/* cli_parse_n: the status to exit with after --help (0) or a usage error (1), else the args. */
START_TEST(test_parse_n)
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int status = -1;
	ck_assert(cli_parse_n(&test_cmd, 2, ARGV("id"), opts, 0, 1, 1, &a, &status));
	ck_assert_int_eq(a.n, 1);
	ck_assert_str_eq(a.pos[0], "id");
	free(a.pos);
	struct capture out, err;
	cap_start(&out, STDOUT_FILENO);
	cap_start(&err, STDERR_FILENO);
	bool help = cli_parse_n(&test_cmd, 2, ARGV("--help"), opts, 0, 1, 1, &a, &status);
	int help_status = status;
	bool few = cli_parse_n(&test_cmd, 1, ARGV(NULL), opts, 0, 1, 1, &a, &status);
	int few_status = status;
	char *few_pos = (char *)a.pos;
	bool bad = cli_parse_n(&test_cmd, 3, ARGV("--nope", "id"), opts, 0, 1, 1, &a, &status);
	_cleanup_free_ char *e = cap_end(&err);
	_cleanup_free_ char *o = cap_end(&out);
	ck_assert(!help && help_status == 0);
	ck_assert(!few && few_status == 1 && few_pos == NULL);
	ck_assert(!bad && status == 1);
	ck_assert_msg(strstr(e, "requires exactly 1 argument(s)"), "%s", e);
	ck_assert_msg(strstr(e, "flag provided but not defined: -nope"), "%s", e);
}
END_TEST

START_TEST(test_parse_bool_and_abspath)
{
	bool b = true;
	ck_assert_int_eq(cli_parse_bool("false", &b), 0);
	ck_assert(!b);
	ck_assert_int_lt(cli_parse_bool("yes", &b), 0);
	ck_assert_int_lt(cli_parse_bool("", &b), 0);
	_cleanup_free_ char *abs = cli_abspath("/a/b");
	ck_assert_str_eq(abs, "/a/b");
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	_cleanup_free_ char *rel = cli_abspath("x");
	_cleanup_free_ char *want = xasprintf("%s/x", cwd);
	ck_assert_str_eq(rel, want);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_value_forms);
	tcase_add_test(tc, test_bool_forms);
	tcase_add_test(tc, test_lists_and_numbers);
	tcase_add_test(tc, test_flags_after_positionals);
	tcase_add_test(tc, test_stop_after);
	tcase_add_test(tc, test_double_dash);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_check_args);
	tcase_add_test(tc, test_parse_n);
	tcase_add_test(tc, test_parse_bool_and_abspath);
	suite_add_tcase(s, tc);
	return s;
}
