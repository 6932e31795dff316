/* test_caps.c - unit tests of caps.c: unknown capability names (warned, as runc) and the known list. */
#define _GNU_SOURCE
#include "libhull/security/caps.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <fcntl.h>

START_TEST(test_known)
{
	const char *const *k = hull_caps_known();
	ck_assert_str_eq(k[0], "CAP_CHOWN");
	ck_assert_str_eq(k[12], "CAP_NET_ADMIN");
	ck_assert_str_eq(k[21], "CAP_SYS_ADMIN");
	size_t n = hull_strv_len((char *const *)k);
	ck_assert_uint_eq(n, 41);
	ck_assert_str_eq(k[40], "CAP_CHECKPOINT_RESTORE");
}
END_TEST

/* What hull_caps_warn_unusable logged (text format), or "" when nothing. */
static char *validate_log(struct hull_process *p)
{
	char dir[] = "/tmp/hull-test-caps-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	_cleanup_free_ char *path = xasprintf("%s/log", dir);
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_TEXT, false, &err), 0);
	hull_caps_warn_unusable(p);
	hull_log_close();
	char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 16, &text, &len), 0);
	unlink(path);
	rmdir(dir);
	return text;
}

/* runc 1.1.5 takes any name: unknown ones (and lower case, numbers) are skipped with one
 * warning listing them sorted, each once. */
START_TEST(test_validate)
{
	char *bnd[] = { (char *)"CAP_KILL", (char *)"CAP_SYS_ADMIN", NULL };
	char *bad[] = { (char *)"CAP_KILL", (char *)"CAP_FOO", NULL };
	char *lower[] = { (char *)"cap_kill", (char *)"12", (char *)"CAP_FOO", NULL };
	struct hull_process p = { .has_capabilities = true };
	p.capabilities.bounding = bnd;
	p.capabilities.ambient = bnd;
	_cleanup_free_ char *quiet = validate_log(&p);
	ck_assert_str_eq(quiet, "");
	p.capabilities.permitted = bad;
	p.capabilities.effective = lower;
	_cleanup_free_ char *warned = validate_log(&p);
	ck_assert_ptr_nonnull(strstr(warned, "level=warning msg=\"ignoring unknown or unavailable capabilities: "
					     "[12 CAP_FOO cap_kill]\"\n"));
	/* one line only */
	ck_assert_str_eq(strchr(warned, '\n'), "\n");
	/* no capabilities object: nothing to check */
	p.has_capabilities = false;
	_cleanup_free_ char *none = validate_log(&p);
	ck_assert_str_eq(none, "");
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_known);
	tcase_add_test(tc, test_validate);
	suite_add_tcase(s, tc);
	return s;
}
