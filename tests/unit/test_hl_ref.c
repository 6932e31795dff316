/* test_hl_ref.c - unit tests of image reference parsing and normalisation (src/hl/ref.c). */
#include "hl/ref.h"
#include "hl/hl.h"

#include "runner.h"

#include <check.h>
#include <stdlib.h>

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D64_63 "123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect(const char *in, const char *want)
{
	struct hl_ref r;
	struct hull_error err = { 0 };
	ck_assert_msg(hl_ref_parse(in, &r, &err) == 0, "%s: %s", in, err.msg ? err.msg : "");
	char *s = hl_ref_string(&r);
	ck_assert_str_eq(s, want);
	free(s);
	hl_ref_free(&r);
}

static void refuse(const char *in, const char *needle)
{
	struct hl_ref r;
	struct hull_error err = { 0 };
	ck_assert_msg(hl_ref_parse(in, &r, &err) < 0, "%s was accepted", in);
	ck_assert_msg(err.msg && strstr(err.msg, needle), "%s: message \"%s\" lacks \"%s\"", in, err.msg, needle);
	hull_error_clear(&err);
}

START_TEST(test_normalise)
{
	expect("alpine", "docker.io/library/alpine:latest");
	expect("alpine:3.19", "docker.io/library/alpine:3.19");
	expect("library/alpine", "docker.io/library/alpine:latest");
	expect("docker.io/alpine", "docker.io/library/alpine:latest");
	expect("index.docker.io/foo/bar:1", "docker.io/foo/bar:1");
	expect("user/app", "docker.io/user/app:latest");
	expect("quay.io/a/b/c:v1.2-rc_3", "quay.io/a/b/c:v1.2-rc_3");
	expect("localhost/x", "localhost/x:latest");
	expect("localhost:5000/x@sha256:" D64, "localhost:5000/x@sha256:" D64);
	expect("127.0.0.1:5000/a/b:t@sha256:" D64, "127.0.0.1:5000/a/b:t@sha256:" D64);
	expect("a__b/c-d--e/f.g", "docker.io/a__b/c-d--e/f.g:latest");
}
END_TEST

START_TEST(test_api_host)
{
	struct hl_ref r;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_ref_parse("busybox", &r, &err), 0);
	ck_assert_str_eq(hl_ref_api_host(&r), "registry-1.docker.io");
	hl_ref_free(&r);
	ck_assert_int_eq(hl_ref_parse("localhost:5000/x", &r, &err), 0);
	ck_assert_str_eq(hl_ref_api_host(&r), "localhost:5000");
	ck_assert_str_eq(r.path, "x");
	ck_assert_str_eq(r.tag, "latest");
	ck_assert_ptr_null(r.digest);
	hl_ref_free(&r);
}
END_TEST

START_TEST(test_malformed)
{
	refuse("", "empty");
	refuse("Alpine", "lowercase");
	refuse("alpine:", "bad tag");
	refuse("alpine:-x", "bad tag");
	refuse("alpine@sha256:abc", "64 lowercase hex");
	refuse("alpine@md5:" D64, "only sha256");
	refuse("a//b", "bad repository name component");
	refuse("a/b_", "bad repository name component");
	refuse("a/b...c", "bad repository name component");
	refuse(":tag", "missing repository name");
}
END_TEST

START_TEST(test_digest_valid)
{
	ck_assert(hl_digest_valid("sha256:" D64));
	ck_assert(!hl_digest_valid("sha256:" "../../../../etc/passwd000000000000000000000000000000000000000000"));
	ck_assert(!hl_digest_valid("sha512:" D64));
	ck_assert(!hl_digest_valid(NULL));
}
END_TEST

START_TEST(test_platform)
{
	struct hl_platform p;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_platform_parse("linux/x86_64", &p, &err), 0);
	ck_assert_str_eq(p.arch, "amd64");
	ck_assert_int_eq(hl_platform_parse("linux/armhf", &p, &err), 0);
	ck_assert_str_eq(p.arch, "arm");
	ck_assert_str_eq(p.variant, "v7");
	ck_assert_int_lt(hl_platform_parse("linux", &p, &err), 0);
	hull_error_clear(&err);
	/* Attestation first, then arm/v6, an unknown media type for arm/v7, arm64 and amd64. */
#define E(mt, dg, plat) "{\"mediaType\":\"" mt "\",\"digest\":\"sha256:" dg "\",\"size\":1,\"platform\":{" plat "}}"
#define M "application/vnd.oci.image.manifest.v1+json"
	const char *idx = "{\"manifests\":[" E(M, "a" D64_63, "\"os\":\"unknown\",\"architecture\":\"unknown\"") ","
			  E(M, "b" D64_63, "\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"") ","
			  E("application/x-unknown", "c" D64_63, "\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"") ","
			  E(M, "d" D64_63, "\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"") ","
			  E(M, "e" D64_63, "\"os\":\"linux\",\"architecture\":\"amd64\"") "]}";
	struct hl_descriptor d = { 0 };
	static const struct { const char *plat; char want; } cases[] = {
		{ "linux/arm/v7", 'b' },  /* v7 runs v6; the v7 entry has an unknown media type */
		{ "linux/aarch64", 'd' }, /* alias, empty variant means v8 */
		{ "linux/x86_64", 'e' },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(hl_platform_parse(cases[i].plat, &p, &err), 0);
		ck_assert_int_eq(hl_index_select(idx, strlen(idx), &p, &d, &err), 0);
		ck_assert_int_eq(d.digest[7], cases[i].want);
		hl_descriptor_clear(&d);
	}
	ck_assert_int_eq(hl_platform_parse("linux/arm/v5", &p, &err), 0);
	ck_assert_int_lt(hl_index_select(idx, strlen(idx), &p, &d, &err), 0); /* v5 cannot run v6 */
	hull_error_clear(&err);
	ck_assert_int_eq(hl_platform_parse("unknown/unknown", &p, &err), 0);
	ck_assert_int_lt(hl_index_select(idx, strlen(idx), &p, &d, &err), 0); /* attestations never match */
	hull_error_clear(&err);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("hl_ref");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_normalise);
	tcase_add_test(tc, test_api_host);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_digest_valid);
	tcase_add_test(tc, test_platform);
	suite_add_tcase(s, tc);
	return s;
}
