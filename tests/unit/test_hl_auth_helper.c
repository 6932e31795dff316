/* test_hl_auth_helper.c - unit tests of credential helpers and identity tokens (src/hl/auth_helper.c, auth.c). */
#include "hl/auth.h"

#include "runner.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(test_helper_output)
{
	struct hl_creds c = { 0 };
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_parse_helper_output("{\"ServerURL\":\"r.io\",\"Username\":\"u\",\"Secret\":\"p\"}", &c, &err), 0);
	ck_assert_str_eq(c.user, "u");
	ck_assert_str_eq(c.pass, "p");
	ck_assert_ptr_null(c.identity_token);
	hl_creds_clear(&c);
	ck_assert_int_eq(hl_auth_parse_helper_output("{\"Username\":\"<token>\",\"Secret\":\"rt\"}", &c, &err), 0);
	ck_assert_ptr_null(c.user);
	ck_assert_str_eq(c.identity_token, "rt");
	hl_creds_clear(&c);
	ck_assert_int_lt(hl_auth_parse_helper_output("{\"Username\":\"u\"}", &c, &err), 0);
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_parse_helper_output("credentials not found", &c, &err), 0);
	hull_error_clear(&err);
	ck_assert_str_eq(hl_auth_helper_server("docker.io"), "https://index.docker.io/v1/");
	ck_assert_str_eq(hl_auth_helper_server("127.0.0.1:5000"), "127.0.0.1:5000");
}
END_TEST

START_TEST(test_identitytoken_in_auths)
{
	const char *j = "{\"auths\":{\"r.io\":{\"identitytoken\":\"idt\"},\"q.io\":{},\"s.io\":{\"auth\":\"\"}}}";
	struct hl_creds c = { 0 };
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_creds_from_json(j, "r.io", "a/b", &c, &err), 1);
	ck_assert_str_eq(c.identity_token, "idt");
	hl_creds_clear(&c);
	/* placeholders are no credentials */
	ck_assert_int_eq(hl_auth_creds_from_json(j, "q.io", "a/b", &c, &err), 0);
	ck_assert_int_eq(hl_auth_creds_from_json(j, "s.io", "a/b", &c, &err), 0);
}
END_TEST

/* A helper script in a temp dir put first on PATH. */
static char dir[] = "/tmp/hl-credhelper.XXXXXX";

static void write_helper(const char *name, const char *body)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/docker-credential-%s", dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(p, 0755);
}

START_TEST(test_run_helper)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[4096];
	snprintf(path, sizeof(path), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	write_helper("ok", "read -r s; printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"p\"}' \"$s\" \"$s\"");
	write_helper("miss", "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1");
	write_helper("fail", "echo 'locked' >&2; exit 4");
	write_helper("noread", "exit 0");
	struct hl_creds c = { 0 };
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_auth_cred_helper("ok", "r.io", &c, &err), 1);
	ck_assert_str_eq(c.user, "u-r.io");
	hl_creds_clear(&c);
	ck_assert_int_eq(hl_auth_cred_helper("miss", "r.io", &c, &err), 0);
	ck_assert_ptr_nonnull(strstr(c.note, "docker-credential-miss has no credentials for r.io"));
	hl_creds_clear(&c);
	ck_assert_int_lt(hl_auth_cred_helper("fail", "r.io", &c, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "exit status 4: locked"));
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_cred_helper("noread", "r.io", &c, &err), 0); /* empty answer */
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_cred_helper("absent", "r.io", &c, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "docker-credential-absent not found in $PATH"));
	hull_error_clear(&err);
	ck_assert_int_lt(hl_auth_cred_helper("../x", "r.io", &c, &err), 0);
	hull_error_clear(&err);
	/* credHelpers beats auths; credsStore answers for registries with no entry */
	const char *j = "{\"credHelpers\":{\"r.io\":\"ok\"},\"credsStore\":\"miss\","
			"\"auths\":{\"r.io\":{\"auth\":\"YTpi\"},\"q.io\":{\"auth\":\"YTpi\"}}}";
	ck_assert_int_eq(hl_auth_creds_from_json(j, "r.io", "x", &c, &err), 1);
	ck_assert_str_eq(c.user, "u-r.io");
	hl_creds_clear(&c);
	ck_assert_int_eq(hl_auth_creds_from_json(j, "q.io", "x", &c, &err), 1);
	ck_assert_str_eq(c.user, "a");
	hl_creds_clear(&c);
	ck_assert_int_eq(hl_auth_creds_from_json(j, "z.io", "x", &c, &err), 0);
	ck_assert_ptr_nonnull(c.note);
	hl_creds_clear(&c);
}
END_TEST

/* A checked fixture: runs even when an assertion ended the test early. */
static void remove_dir(void)
{
	if (strcmp(dir + strlen(dir) - 6, "XXXXXX") == 0)
		return; /* never created */
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

Suite *unit_suite(void)
{
	Suite *s = suite_create("hl_auth_helper");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_helper_output);
	tcase_add_test(tc, test_identitytoken_in_auths);
	tcase_add_checked_fixture(tc, NULL, remove_dir);
	tcase_add_test(tc, test_run_helper);
	suite_add_tcase(s, tc);
	return s;
}
