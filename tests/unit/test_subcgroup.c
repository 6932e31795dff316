/* test_subcgroup.c - unit tests of cgroup/subcgroup.c: `exec --cgroup` parsing (runc's rules) and
 * which cgroup.procs files a pid lands in, on a fake v1 hierarchy in a temp dir. */
#define _GNU_SOURCE
#include "libhull/cgroup/internal.h"
#include "libhull/cgroup/subcgroup.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static int check_values(const char *a, const char *b, struct hull_error *err)
{
	char *v[] = { (char *)a, (char *)b, NULL };
	return hull_cgroup_validate_sub(v, err);
}

START_TEST(test_validate)
{
	struct hull_error err = { 0 };
	ck_assert_int_eq(check_values("sub", NULL, &err), 0);
	ck_assert_int_eq(check_values("memory:sub", "cpu,cpuacct:other", &err), 0);
	ck_assert_int_eq(hull_cgroup_validate_sub(NULL, &err), 0);
	ck_assert_int_eq(check_values("a:b:c", NULL, &err), -1);
	ck_assert_str_eq(err.msg, "invalid --cgroup argument: a:b:c");
	ck_assert_int_eq(check_values("memory:sub", "plain", &err), -1);
	ck_assert_str_eq(err.msg, "invalid --cgroup argument: plain (missing <controller>: prefix)");
	hull_error_clear(&err);
}
END_TEST

/* A fake v1 cgroup: hierarchies cpu,cpuacct and memory under root, container dir /ct
 * with a sub-cgroup /ct/sub in each (plain files stand in for cgroup.procs). */
static struct hull_cgroup *fake_cgroup(char *root)
{
	static struct cg_v1_hier h[2];
	static struct hull_cgroup cg;
	const char *ctrls[2] = { "cpu,cpuacct", "memory" };
	for (int i = 0; i < 2; i++) {
		h[i].mountpoint = xasprintf("%s/h%d", root, i);
		h[i].controllers = (char *)ctrls[i];
		h[i].dir = xasprintf("%s/ct", h[i].mountpoint);
		_cleanup_free_ char *sub = xasprintf("%s/sub", h[i].dir);
		ck_assert_int_eq(mkdir(h[i].mountpoint, 0755), 0);
		ck_assert_int_eq(mkdir(h[i].dir, 0755), 0);
		ck_assert_int_eq(mkdir(sub, 0755), 0);
		_cleanup_free_ char *f1 = xasprintf("%s/cgroup.procs", h[i].dir);
		_cleanup_free_ char *f2 = xasprintf("%s/cgroup.procs", sub);
		close(open(f1, O_CREAT | O_WRONLY, 0644));
		close(open(f2, O_CREAT | O_WRONLY, 0644));
	}
	memset(&cg, 0, sizeof(cg));
	cg.ops = &hull_cg_v1_ops;
	cg.mode = CG_MODE_V1;
	cg.path = (char *)"/ct";
	cg.v1 = h;
	cg.n_v1 = 2;
	cg.exists = true;
	return &cg;
}

/* The file's text in a static buffer (valid until the next call), so asserts don't leak. */
static const char *procs(const char *root, int h, const char *rel)
{
	static char buf[4096];
	_cleanup_free_ char *p = xasprintf("%s/h%d/%s/cgroup.procs", root, h, rel);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, p, sizeof(buf) - 1, &text, &len), 0);
	snprintf(buf, sizeof(buf), "%s", text);
	return buf;
}

static void truncate_all(const char *root)
{
	const char *rel[] = { "ct", "ct/sub" };
	for (int h = 0; h < 2; h++)
		for (int k = 0; k < 2; k++) {
			_cleanup_free_ char *p = xasprintf("%s/h%d/%s/cgroup.procs", root, h, rel[k]);
			close(open(p, O_WRONLY | O_TRUNC));
		}
}

START_TEST(test_enter)
{
	char root[] = "/tmp/hull-exec-unit.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(root));
	struct hull_cgroup *cg = fake_cgroup(root);
	struct hull_error err = { 0 };
	/* no --cgroup: the container's own */
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, NULL, 42, &err), 0);
	ck_assert_str_eq(procs(root, 0, "ct"), "42");
	ck_assert_str_eq(procs(root, 1, "ct"), "42");
	/* a plain path: every hierarchy */
	truncate_all(root);
	char *all[] = { (char *)"sub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, all, 43, &err), 0);
	ck_assert_str_eq(procs(root, 0, "ct/sub"), "43");
	ck_assert_str_eq(procs(root, 1, "ct/sub"), "43");
	ck_assert_str_eq(procs(root, 0, "ct"), "");
	/* one controller of a shared hierarchy moves the whole hierarchy; the rest stays */
	truncate_all(root);
	char *one[] = { (char *)"cpuacct:/sub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, one, 44, &err), 0);
	ck_assert_str_eq(procs(root, 0, "ct/sub"), "44");
	ck_assert_str_eq(procs(root, 1, "ct"), "44");
	ck_assert_str_eq(procs(root, 1, "ct/sub"), "");
	/* ".." that climbs out of the container's cgroup is refused in runc's words; one
	 * that stays inside is fine */
	truncate_all(root);
	char *up[] = { (char *)"../../../sub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, up, 45, &err), -1);
	ck_assert_str_eq(err.msg, "../../../sub is not a sub cgroup path");
	hull_error_clear(&err);
	char *dotdot[] = { (char *)"memory:..", NULL };
	ck_assert_int_eq(hull_cgroup_validate_sub(dotdot, &err), -1);
	ck_assert_str_eq(err.msg, ".. is not a sub cgroup path");
	hull_error_clear(&err);
	char *inside[] = { (char *)"x/../sub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, inside, 45, &err), 0);
	ck_assert_str_eq(procs(root, 0, "ct/sub"), "45");
	/* unknown controller, missing sub-cgroup */
	char *bad[] = { (char *)"blkio:sub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, bad, 46, &err), -1);
	ck_assert_str_eq(err.msg, "unknown controller blkio in SubCgroupPaths");
	char *missing[] = { (char *)"nosub", NULL };
	ck_assert_int_eq(hull_cgroup_enter_sub(cg, missing, 47, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert(hull_str_has_prefix(err.msg, "error adding pid 47 to cgroups: write "));
	ck_assert_ptr_nonnull(strstr(err.msg, "/nosub/cgroup.procs: no such file or directory"));
	hull_error_clear(&err);
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("subcgroup");
	TCase *tc = tcase_create("cgroup");
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_enter);
	suite_add_tcase(s, tc);
	return s;
}
