/* test_hl_auth.c - unit tests of WWW-Authenticate parsing and credential files (src/hl/auth.c). */
#include "hl/auth.h"

#include "runner.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_bearer_challenge)
{
	struct hl_challenge c;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_parse_challenge("Bearer realm=\"http://127.0.0.1:5003/token\",service=\"test-registry\","
						 "scope=\"repository:test/busybox:pull,push\",error=\"insufficient_scope\"",
						 &c, &err), 0);
	ck_assert_str_eq(c.scheme, "bearer");
	ck_assert_str_eq(c.realm, "http://127.0.0.1:5003/token");
	ck_assert_str_eq(c.service, "test-registry");
	ck_assert_str_eq(c.scope, "repository:test/busybox:pull,push"); /* comma inside quotes */
	ck_assert_str_eq(c.error, "insufficient_scope");
	hl_challenge_clear(&c);
	ck_assert_int_eq(hl_auth_parse_challenge("  Basic realm=\"a \\\"quoted\\\" realm\" , charset=UTF-8", &c, &err), 0);
	ck_assert_str_eq(c.scheme, "basic");
	ck_assert_str_eq(c.realm, "a \"quoted\" realm");
	hl_challenge_clear(&c);
	ck_assert_int_lt(hl_auth_parse_challenge("Bearer service=\"x\"", &c, &err), 0);
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_parse_challenge("", &c, &err), 0);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_auth_json)
{
	/* bGFidXNlcjpsYWJwYXNz = labuser:labpass, what `skopeo login` wrote in a test */
	const char *j = "{\"auths\":{\"127.0.0.1:5002\":{\"auth\":\"bGFidXNlcjpsYWJwYXNz\"},"
			"\"quay.io\":{\"auth\":\"YTpi\"},\"quay.io/team/app\":{\"auth\":\"Yzpk\"},"
			"\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnB3\"}}}";
	char *u = NULL, *p = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_from_json(j, "127.0.0.1:5002", "x", &u, &p, &err), 1);
	ck_assert_str_eq(u, "labuser");
	ck_assert_str_eq(p, "labpass");
	free(u);
	free(p);
	ck_assert_int_eq(hl_auth_from_json(j, "quay.io", "team/app", &u, &p, &err), 1); /* most specific wins */
	ck_assert_str_eq(u, "c");
	free(u);
	free(p);
	ck_assert_int_eq(hl_auth_from_json(j, "quay.io", "other/app", &u, &p, &err), 1);
	ck_assert_str_eq(u, "a");
	free(u);
	free(p);
	ck_assert_int_eq(hl_auth_from_json(j, "docker.io", "library/alpine", &u, &p, &err), 1);
	ck_assert_str_eq(u, "hub");
	ck_assert_str_eq(p, "pw");
	free(u);
	free(p);
	ck_assert_int_eq(hl_auth_from_json(j, "127.0.0.1:5003", "x", &u, &p, &err), 0);
	ck_assert_int_lt(hl_auth_from_json("{\"auths\":{\"h\":{\"auth\":\"bm9jb2xvbg==\"}}}", "h", NULL, &u, &p, &err), 0);
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_from_json("{not json", "h", NULL, &u, &p, &err), 0);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_token_answer)
{
	char *t = NULL;
	long e = 0;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_parse_token("{\"token\":\"abc\",\"expires_in\":300}", &t, &e, &err), 0);
	ck_assert_str_eq(t, "abc");
	ck_assert_int_eq(e, 300);
	free(t);
	ck_assert_int_eq(hl_auth_parse_token("{\"access_token\":\"xyz\"}", &t, &e, &err), 0);
	ck_assert_str_eq(t, "xyz");
	ck_assert_int_eq(e, 60); /* the default */
	free(t);
	ck_assert_int_lt(hl_auth_parse_token("{\"expires_in\":5}", &t, &e, &err), 0);
	hull_error_clear(&err);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("hl_auth");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_bearer_challenge);
	tcase_add_test(tc, test_auth_json);
	tcase_add_test(tc, test_token_answer);
	suite_add_tcase(s, tc);
	return s;
}
