/* test_cli.c - unit tests of hull commands that need no container (src/cli/spec.c,
 * src/cli/features.c): what they write and how they fail. */
#define _GNU_SOURCE
#include "cli/cli.h"
#include "common/json.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

/* ---- the spec and features commands ------------------------------------------------------ */

static const struct cli_command spec_cmd = { "spec", "[command options]", "create a new specification file", NULL,
					     NULL, NULL };
static const struct cli_command features_cmd = { "features", "", "show the enabled features", NULL, NULL, NULL };

START_TEST(test_cmd_spec)
{
	char dir[] = "/tmp/hull-test-spec-cmd-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct hull_global_opts g = { 0 };
	ck_assert_int_eq(cmd_spec(&spec_cmd, 3, (char *[]){ "spec", "-b", dir, NULL }, &g), 0);
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	_cleanup_free_ char *text = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &text, NULL), 0);
	ck_assert(hull_str_has_prefix(text, "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"process\": {\n\t\t\"terminal\": true,"));
	/* refuses to overwrite, in runc's words */
	struct capture c;
	cap_start(&c, STDERR_FILENO);
	int r = cmd_spec(&spec_cmd, 4, (char *[]){ "spec", "--rootless", "--bundle", dir, NULL }, &g);
	_cleanup_free_ char *err = cap_end(&c);
	ck_assert_int_eq(r, 1);
	ck_assert_msg(strstr(err, "msg=\"File config.json exists. Remove it first\""), "%s", err);
	_cleanup_free_ char *again = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &again, NULL), 0);
	ck_assert_str_eq(text, again);
	unlink(path);
	/* --rootless */
	ck_assert_int_eq(cmd_spec(&spec_cmd, 4, (char *[]){ "spec", "--rootless", "--bundle", dir, NULL }, &g), 0);
	_cleanup_free_ char *rl = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &rl, NULL), 0);
	ck_assert_msg(strstr(rl, "\"uidMappings\""), "%s", rl);
	unlink(path);
	/* a missing bundle directory is an error naming the file */
	_cleanup_free_ char *missing = xasprintf("%s/nope", dir);
	cap_start(&c, STDERR_FILENO);
	r = cmd_spec(&spec_cmd, 3, (char *[]){ "spec", "-b", missing, NULL }, &g);
	_cleanup_free_ char *err2 = cap_end(&c);
	ck_assert_int_eq(r, 1);
	ck_assert_msg(strstr(err2, "/nope/config.json: No such file or directory"), "%s", err2);
	/* no positional arguments */
	struct capture o;
	cap_start(&o, STDOUT_FILENO);
	cap_start(&c, STDERR_FILENO);
	r = cmd_spec(&spec_cmd, 2, (char *[]){ "spec", "extra", NULL }, &g);
	_cleanup_free_ char *err3 = cap_end(&c);
	_cleanup_free_ char *out3 = cap_end(&o);
	ck_assert_int_eq(r, 1);
	ck_assert(hull_str_has_prefix(out3, "Incorrect Usage."));
	ck_assert_msg(strstr(err3, "requires exactly 0 argument(s)"), "%s", err3);
	rmdir(dir);
}
END_TEST

START_TEST(test_cmd_features)
{
	struct hull_global_opts g = { 0 };
	struct capture c;
	cap_start(&c, STDOUT_FILENO);
	int r = cmd_features(&features_cmd, 1, (char *[]){ "features", NULL }, &g);
	_cleanup_free_ char *out = cap_end(&c);
	ck_assert_int_eq(r, 0);
	struct hull_error err = { 0 };
	yajl_val v = NULL;
	ck_assert_msg(hull_json_parse(out, strlen(out), "features", &v, &err) == 0, "%s", err.msg);
	const char *p[] = { "ociVersionMax", NULL };
	ck_assert_str_eq(yajl_tree_get(v, p, yajl_t_string)->u.string, HULL_OCI_VERSION);
	yajl_tree_free(v);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *cmds = tcase_create("commands");
	tcase_add_test(cmds, test_cmd_spec);
	tcase_add_test(cmds, test_cmd_features);
	suite_add_tcase(s, cmds);
	return s;
}
