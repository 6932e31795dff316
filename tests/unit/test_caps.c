/* test_caps.c - unit tests of caps.c: capability name validation and the known list. */
#define _GNU_SOURCE
#include "libhull/caps.h"
#include "libhull/util.h"

#include <check.h>

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

START_TEST(test_validate)
{
	char *bnd[] = { (char *)"CAP_KILL", (char *)"CAP_SYS_ADMIN", NULL };
	char *bad[] = { (char *)"CAP_KILL", (char *)"CAP_FOO", NULL };
	char *lower[] = { (char *)"cap_kill", NULL };
	char *num[] = { (char *)"12", NULL };
	struct hull_process p = { .has_capabilities = true };
	struct hull_error err = { 0 };
	p.capabilities.bounding = bnd;
	p.capabilities.ambient = bnd;
	ck_assert_int_eq(hull_caps_validate(&p, "process.capabilities", &err), 0);
	p.capabilities.permitted = bad;
	ck_assert_int_eq(hull_caps_validate(&p, "process.capabilities", &err), -1);
	ck_assert_str_eq(err.msg, "process.capabilities.permitted[1]: unknown capability \"CAP_FOO\"");
	p.capabilities.permitted = NULL;
	p.capabilities.effective = lower;
	ck_assert_int_eq(hull_caps_validate(&p, "exec.capabilities", &err), -1);
	ck_assert_str_eq(err.msg, "exec.capabilities.effective[0]: unknown capability \"cap_kill\"");
	p.capabilities.effective = num;
	ck_assert_int_eq(hull_caps_validate(&p, "process.capabilities", &err), -1);
	hull_error_clear(&err);
	/* no capabilities object: nothing to check */
	p.has_capabilities = false;
	ck_assert_int_eq(hull_caps_validate(&p, "process.capabilities", &err), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_known);
	tcase_add_test(tc, test_validate);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
