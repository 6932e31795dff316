/* test_hl_image.c - unit tests of manifest/config parsing (src/hl/image.c): schema 1, artifacts, limits. */
#include "hl/hl.h"

#include "runner.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define D "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void refuse(const char *m, const char *c, const char *needle)
{
	struct hl_image *img = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_lt(hl_image_parse(m, strlen(m), c, c ? strlen(c) : 0, &img, &err), 0);
	ck_assert_msg(err.msg && strstr(err.msg, needle), "message \"%s\" lacks \"%s\"", err.msg, needle);
	hull_error_clear(&err);
}

START_TEST(test_good)
{
	const char *m = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D
			"\",\"size\":5},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D
			"\",\"size\":7}]}";
	const char *c = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Env\":[\"A=1\"],\"Cmd\":[\"/bin/sh\"],"
			"\"Labels\":{\"k\":\"v\"},\"ExposedPorts\":{\"80/tcp\":{}}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D "\"]}}";
	struct hl_image *img = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_image_parse(m, strlen(m), c, strlen(c), &img, &err), 0);
	ck_assert_int_eq(img->n_layers, 1);
	ck_assert_int_eq(img->layers[0].size, 7);
	ck_assert_str_eq(img->cfg.cmd[0], "/bin/sh");
	ck_assert_ptr_null(img->cfg.entrypoint);
	ck_assert_str_eq(img->cfg.labels[0].value, "v");
	ck_assert_str_eq(img->cfg.exposed_ports[0], "80/tcp");
	ck_assert_str_eq(img->cfg.diff_ids[0], D);
	hl_image_free(img);
	/* diff_ids must match the layer count */
	const char *c2 = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	refuse(m, c2, "1 layers but 0 rootfs.diff_ids");
}
END_TEST

START_TEST(test_refused)
{
	refuse("{\"schemaVersion\":1,\"fsLayers\":[]}", NULL, "schema 1");
	refuse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.example.sbom\",\"digest\":\"" D "\",\"size\":1},"
	       "\"layers\":[]}", NULL, "not a container image");
	refuse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:../x\","
	       "\"size\":1},\"layers\":[]}", NULL, "not a sha256 digest");
	char deep[300];
	memset(deep, '[', 200);
	memset(deep + 200, ']', 99);
	deep[299] = '\0';
	refuse(deep, NULL, "nested deeper");
	ck_assert(hl_json_depth_ok("{\"a\":\"[[[[[[\"}", 12, 2)); /* brackets inside strings do not count */
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("hl_image");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
