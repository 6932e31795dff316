/* test_mount_options.c - unit tests of mount/options.c (option names -> mount_setattr
 * attributes, propagation, superblock flags) and of the parent-side mount checks. */
#define _GNU_SOURCE
#include "libhull/mount/internal.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <sys/mount.h>

static struct hull_mount_opts parse_ok(const char *const *opts, bool bind)
{
	struct hull_mount_opts o;
	hull_mount_opts_parse((char *const *)opts, bind, &o);
	return o;
}

START_TEST(test_flags)
{
	const char *opts[] = { "nosuid", "nodev", "noexec", "ro", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert_uint_eq(o.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(o.attr_clr, 0);
	ck_assert(!o.has_rattr);
	ck_assert_ptr_null(o.data);
	hull_mount_opts_clear(&o);
}
END_TEST

START_TEST(test_later_wins)
{
	const char *opts[] = { "ro", "rw", "suid", "nosuid", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert_uint_eq(o.attr_set, MOUNT_ATTR_NOSUID);
	ck_assert_uint_eq(o.attr_clr, MOUNT_ATTR_RDONLY);
	hull_mount_opts_clear(&o);
}
END_TEST

START_TEST(test_atime)
{
	const char *opts[] = { "noatime", "strictatime", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert_uint_eq(o.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	ck_assert_uint_eq(o.attr_clr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME);
	hull_mount_opts_clear(&o);
	const char *rel[] = { "relatime", NULL };
	o = parse_ok(rel, false);
	ck_assert_uint_eq(o.attr_set, MOUNT_ATTR_RELATIME);
	ck_assert_uint_eq(o.attr_clr, MOUNT_ATTR__ATIME);
	hull_mount_opts_clear(&o);
}
END_TEST

START_TEST(test_recursive)
{
	const char *opts[] = { "rbind", "rro", "rnosuid", "rnoatime", "nodev", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert(o.bind && o.rbind);
	ck_assert(o.has_rattr);
	ck_assert_uint_eq(o.rattr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(o.rattr_clr, MOUNT_ATTR__ATIME);
	ck_assert_uint_eq(o.attr_set, MOUNT_ATTR_NODEV);
	hull_mount_opts_clear(&o);
}
END_TEST

START_TEST(test_propagation)
{
	const char *opts[] = { "rbind", "rslave", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert_uint_eq(o.propagation, MS_SLAVE);
	ck_assert(o.propagation_rec);
	hull_mount_opts_clear(&o);
	/* two kinds: runc applies both in turn, so the last one decides (issue 17) */
	const char *two[] = { "rshared", "private", NULL };
	o = parse_ok(two, false);
	ck_assert_uint_eq(o.propagation, MS_PRIVATE);
	ck_assert(!o.propagation_rec);
	hull_mount_opts_clear(&o);
	ck_assert_uint_eq(hull_mount_propagation_flags("rprivate"), MS_PRIVATE | MS_REC);
	ck_assert_uint_eq(hull_mount_propagation_flags("unbindable"), MS_UNBINDABLE);
	ck_assert_uint_eq(hull_mount_propagation_flags("ro"), 0);
	ck_assert_uint_eq(hull_mount_propagation_flags(NULL), 0);
}
END_TEST

START_TEST(test_data_and_specials)
{
	const char *opts[] = { "nosuid", "size=65536k", "mode=755", "sync", "tmpcopyup", "x-systemd.automount",
			       "defaults", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert_uint_eq(hull_strv_len(o.data), 2);
	ck_assert_str_eq(o.data[0], "size=65536k");
	ck_assert_str_eq(o.data[1], "mode=755");
	ck_assert_uint_eq(hull_strv_len(o.sb_flags), 1);
	ck_assert_str_eq(o.sb_flags[0], "sync");
	ck_assert(o.tmpcopyup);
	ck_assert_uint_eq(o.n_ignored, 1);
	hull_mount_opts_clear(&o);
	const char *id[] = { "rbind", "ridmap", "remount", NULL };
	o = parse_ok(id, false);
	ck_assert(o.idmap && o.ridmap && o.remount);
	hull_mount_opts_clear(&o);
}
END_TEST

/* runc passes options it does not know to mount(2) as data, which a bind ignores: a
 * bind mount with "mode=755" or "size=1k" (as some clients write) runs (issue 17). */
START_TEST(test_bind_unknown)
{
	const char *opts[] = { "rbind", "ro", "mode=755", "size=1k", NULL };
	struct hull_mount_opts o = parse_ok(opts, false);
	ck_assert(o.bind && o.rbind);
	ck_assert_uint_eq(o.attr_set, MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(hull_strv_len(o.data), 2);
	ck_assert_str_eq(o.data[1], "size=1k");
	hull_mount_opts_clear(&o);
	/* type "bind" makes it a bind mount without the option */
	const char *o2[] = { "size=1m", NULL };
	o = parse_ok(o2, true);
	ck_assert(o.bind);
	ck_assert_str_eq(o.data[0], "size=1m");
	hull_mount_opts_clear(&o);
}
END_TEST

START_TEST(test_names_and_paths)
{
	size_t n = 0;
	bool rro = false, idmap = false;
	for (const char *s; (s = hull_mount_option_name(n)); n++) {
		rro |= strcmp(s, "rro") == 0;
		idmap |= strcmp(s, "idmap") == 0;
	}
	ck_assert(n > 50 && rro && idmap);
	ck_assert(hull_path_is("/dev/", "/dev"));
	ck_assert(hull_path_is("//dev", "/dev"));
	ck_assert(!hull_path_is("/dev/pts", "/dev"));
	ck_assert(!hull_path_is("/de", "/dev"));
	struct hull_mount m = { .destination = (char *)"/x", .type = (char *)"bind" };
	ck_assert(hull_mount_is_bind(&m));
	char *opts[] = { (char *)"rbind", NULL };
	struct hull_mount m2 = { .destination = (char *)"/x", .type = (char *)"none", .options = opts };
	ck_assert(hull_mount_is_bind(&m2));
}
END_TEST

static int validate_json(const char *json, char **msg)
{
	struct hull_spec *spec = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_spec_parse(json, strlen(json), &spec, &err), 0);
	int r = hull_rootfs_validate(spec, &err);
	*msg = err.msg;
	hull_spec_free(spec);
	return r;
}

#define SPEC(mounts)                                                                                              \
	"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"}," \
	"\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},\"mounts\":[" mounts "]}"

START_TEST(test_validate)
{
	char *msg = NULL;
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/a\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"), &msg), 0);
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
					    "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/nonexistent-hull\"}"),
				       &msg),
			 -1);
	ck_assert_str_eq(msg, "mounts[1].source: no such file or directory: /nonexistent-hull");
	free(msg);
	/* as runc: data options on a bind mount are taken (and ignored by the kernel) */
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/b\",\"source\":\"/\",\"options\":[\"rbind\",\"bogus\"]}"),
				       &msg),
			 0);
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/b\",\"source\":\"x\"}"), &msg), -1);
	ck_assert_str_eq(msg, "mounts[0].type: required unless the mount is a bind mount");
	free(msg);
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/b\",\"type\":\"proc\",\"options\":[\"tmpcopyup\"]}"), &msg),
			 -1);
	ck_assert_str_eq(msg, "mounts[0].options: tmpcopyup needs a tmpfs mount");
	free(msg);
	ck_assert_int_eq(validate_json(SPEC("{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"idmap\"]}"),
				       &msg),
			 -1);
	ck_assert_ptr_nonnull(strstr(msg, "mounts[0].options: \"idmap\" without"));
	free(msg);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("mount_options");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_later_wins);
	tcase_add_test(tc, test_atime);
	tcase_add_test(tc, test_recursive);
	tcase_add_test(tc, test_propagation);
	tcase_add_test(tc, test_data_and_specials);
	tcase_add_test(tc, test_bind_unknown);
	tcase_add_test(tc, test_names_and_paths);
	tcase_add_test(tc, test_validate);
	suite_add_tcase(s, tc);
	return s;
}
