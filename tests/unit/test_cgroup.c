/* test_cgroup.c - unit tests of the cgroup manager's pure parts (conversions, paths, device program)
 * and, as root on a host with cgroups, one create/destroy round trip under a private path. */
#include "libhull/cgroup/internal.h"

#include "runner.h"

#include <check.h>
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(test_shares_to_weight)
{
	ck_assert_uint_eq(cg_shares_to_weight(2), 1);
	ck_assert_uint_eq(cg_shares_to_weight(1024), 39);
	ck_assert_uint_eq(cg_shares_to_weight(262144), 10000);
	ck_assert_uint_eq(cg_blkio_to_io_weight(10), 1);
	ck_assert_uint_eq(cg_blkio_to_io_weight(1000), 10000);
	ck_assert_uint_eq(cg_blkio_to_io_weight(500), 4950);
	ck_assert_uint_eq(cg_blkio_to_io_weight(300), 2930);
	ck_assert_uint_eq(cg_shares_to_weight(512), 20);
	ck_assert_uint_eq(cg_shares_to_weight(2048), 79);
}
END_TEST

START_TEST(test_swap_conversion)
{
	int64_t out;
	const char *why = NULL;
	ck_assert_int_eq(cg_swap_v1_to_v2(200, 100, &out, &why), 0);
	ck_assert_int_eq(out, 100);
	ck_assert_int_eq(cg_swap_v1_to_v2(-1, 100, &out, &why), 0);
	ck_assert_int_eq(out, -1);
	ck_assert_int_eq(cg_swap_v1_to_v2(0, -1, &out, &why), 0); /* unlimited memory -> unlimited swap */
	ck_assert_int_eq(out, -1);
	ck_assert_int_eq(cg_swap_v1_to_v2(0, 100, &out, &why), 0);
	ck_assert_int_eq(out, 0);
	ck_assert_int_lt(cg_swap_v1_to_v2(50, 100, &out, &why), 0);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_lt(cg_swap_v1_to_v2(50, 0, &out, &why), 0);
}
END_TEST

START_TEST(test_clean_path)
{
	const char *cases[][2] = { { "/a/b", "/a/b" },	 { "a//b/", "/a/b" }, { "/../../x", "/x" },
				   { "/a/./b/../c", "/a/c" }, { "", "/" },	      { "..", "/" } };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = cg_clean_path(cases[i][0]);
		ck_assert_str_eq(p, cases[i][1]);
		free(p);
	}
	/* relative paths stay relative, as Go's filepath.Clean keeps them */
	const char *rel[][2] = { { "img/./a/", "img/a" }, { "img/../../x", "../x" }, { "", "." },
				 { "a/..", "." }, { "./img//x/..//a", "img/a" } };
	for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
		char *p = hull_path_clean(rel[i][0]);
		ck_assert_str_eq(p, rel[i][1]);
		free(p);
	}
}
END_TEST

START_TEST(test_systemd_path)
{
	struct hull_error err = { 0 };
	char *p = NULL;
	ck_assert_int_eq(cg_systemd_path("system.slice:docker:abc", "abc", false, &p, &err), 0);
	ck_assert_str_eq(p, "/system.slice/docker-abc.scope");
	free(p);
	ck_assert_int_eq(cg_systemd_path("machine-a-b.slice:pfx:c1", "x", false, &p, &err), 0);
	ck_assert_str_eq(p, "/machine.slice/machine-a.slice/machine-a-b.slice/pfx-c1.scope");
	free(p);
	ck_assert_int_eq(cg_systemd_path("", "id1", false, &p, &err), 0);
	ck_assert_str_eq(p, "/system.slice/hull-id1.scope");
	free(p);
	ck_assert_int_eq(cg_systemd_path(":p:n", "x", true, &p, &err), 0);
	ck_assert_str_eq(p, "/user.slice/p-n.scope");
	free(p);
	ck_assert_int_eq(cg_systemd_path("-.slice:p:inner.slice", "x", false, &p, &err), 0);
	ck_assert_str_eq(p, "/inner.slice");
	free(p);
	ck_assert_int_lt(cg_systemd_path("/abs/path", "x", false, &p, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.cgroupsPath"));
	ck_assert_int_lt(cg_systemd_path("bad-.slice:a:b", "x", false, &p, &err), 0);
	ck_assert_int_lt(cg_systemd_path("noslice:a:b", "x", false, &p, &err), 0);
	ck_assert_int_lt(cg_systemd_path(".slice:a:b", "x", false, &p, &err), 0);
	/* runc keeps the "-" with an empty prefix */
	ck_assert_int_eq(cg_systemd_path("system.slice::n", "x", false, &p, &err), 0);
	ck_assert_str_eq(p, "/system.slice/-n.scope");
	free(p);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_validate)
{
	struct hull_error err = { 0 };
	struct hull_resources r = { .present = true, .has_cpu = true };
	r.cpu.has_shares = true;
	r.cpu.shares = 1;
	ck_assert_int_lt(cg_validate_resources(&r, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.cpu.shares"));
	hull_error_clear(&err);
	/* zero is "unset" everywhere (Docker sends shares, quota, period, weight as 0) */
	r.cpu.shares = 0;
	r.cpu.has_period = r.cpu.has_quota = true;
	r.has_blkio = r.blkio.has_weight = true;
	r.has_memory = r.memory.has_swappiness = true;
	r.memory.swappiness = UINT64_MAX; /* -1 as a uint64: unset */
	ck_assert_int_eq(cg_validate_resources(&r, &err), 0);
	r.cpu.shares = 1024;
	ck_assert_int_eq(cg_validate_resources(&r, &err), 0);
	struct hull_kv kv = { "memorymax", "1" };
	r.unified = &kv;
	r.n_unified = 1;
	ck_assert_int_lt(cg_validate_resources(&r, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.unified[\"memorymax\"]"));
	hull_error_clear(&err);
}
END_TEST

static bool has_rule(const struct cg_dev_rule *r, size_t n, bool allow, char type, int64_t ma, int64_t mi,
		     unsigned access)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].allow == allow && r[i].type == type && r[i].major == ma && r[i].minor == mi &&
		    r[i].access == access)
			return true;
	return false;
}

START_TEST(test_device_rules)
{
	struct hull_error err = { 0 };
	struct hull_device kmsg = { .type = 'c', .path = "/dev/kmsg", .major = 1, .minor = 11 };
	struct hull_cgroup cg = { .spec_devices = &kmsg, .n_spec_devices = 1 };
	struct hull_device_rule dr[] = { { .allow = false, .type = 'a', .access = "rwm" },
					 { .allow = false, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
					   .minor = 11, .access = "rwa" },
					 { .allow = true, .type = 'z', .access = "rwm" } };
	struct hull_resources r = { .present = true, .devices = dr, .n_devices = 2 };
	struct cg_dev_rule *rules = NULL;
	size_t n = 0;
	/* deny-all, then runc's default list: "rwa" is accepted (the a means nothing) */
	ck_assert_int_eq(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert_uint_eq(n, 12);
	ck_assert(!rules[0].allow && rules[0].type == 'a' && rules[0].access == 7);
	ck_assert(has_rule(rules, n, true, 'c', 1, 3, 7));
	ck_assert(has_rule(rules, n, true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD));
	/* a linux.devices entry opens nothing by itself (dev.bats "device cgroup deny") */
	for (size_t i = 1; i < n; i++)
		ck_assert(!(rules[i].major == 1 && rules[i].minor == 11));
	void *prog = NULL;
	size_t cnt = cg_devices_bpf_program(rules, n, &prog);
	ck_assert_uint_gt(cnt, 6 + 2 * (n - 1));
	struct bpf_insn *in = prog;
	ck_assert_uint_eq(in[cnt - 1].code, BPF_JMP | BPF_EXIT);
	free(prog);
	free(rules);
	/* a linux.devices path drops runc's default rule for it; allowing it again works */
	kmsg.path = "/dev/tty";
	struct hull_device_rule tty[] = { { .allow = true, .type = 'c', .has_major = true, .major = 5, .has_minor = true,
					    .minor = 0, .access = "rw" } };
	r.devices = tty;
	r.n_devices = 0;
	ck_assert_int_eq(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert(!has_rule(rules, n, true, 'c', 5, 0, 7));
	free(rules);
	r.n_devices = 1;
	ck_assert_int_eq(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert(has_rule(rules, n, true, 'c', 5, 0, BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE));
	free(rules);
	/* allow-all then a deny: the default flips, the deny is the only exception the user gave */
	struct hull_device_rule bl[] = { { .allow = true, .type = 'a', .access = "rwm" },
					 { .allow = false, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
					   .minor = 11, .access = "w" } };
	r.devices = bl;
	r.n_devices = 2;
	ck_assert_int_eq(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert(rules[0].allow && rules[0].type == 'a');
	ck_assert(has_rule(rules, n, false, 'c', 1, 11, BPF_DEVCG_ACC_WRITE));
	free(rules);
	/* punching a hole into a wildcard exception is refused (v1 cannot do it) */
	struct hull_device_rule hole[] = { { .allow = false, .type = 'a', .access = "rwm" },
					   { .allow = true, .type = 'c', .access = "rwm" },
					   { .allow = false, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
					     .minor = 3, .access = "r" } };
	r.devices = hole;
	r.n_devices = 3;
	ck_assert_int_lt(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.devices[2]"));
	hull_error_clear(&err);
	/* an empty access and a bad type are refused with the JSON path */
	struct hull_device_rule bad[] = { { .allow = true, .type = 'c', .access = "" }, dr[2] };
	r.devices = bad;
	r.n_devices = 1;
	ck_assert_int_lt(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.devices[0].access"));
	hull_error_clear(&err);
	r.devices = dr;
	r.n_devices = 3;
	ck_assert_int_lt(cg_devices_rules(&cg, &r, &rules, &n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.devices[2].type"));
	hull_error_clear(&err);
	/* an allow-all rule ends the program right there (no unreachable code) */
	struct cg_dev_rule all = { true, 'a', -1, -1, 7 };
	cnt = cg_devices_bpf_program(&all, 1, &prog);
	ck_assert_uint_eq(cnt, 8);
	free(prog);
}
END_TEST

/* Live: only as root with a writable hierarchy; everything under a private path. */
START_TEST(test_live_roundtrip)
{
	if (geteuid() != 0 || strcmp(hull_cgroup_host_mode(), "none") == 0)
		return;
	char path[64];
	snprintf(path, sizeof(path), "/hull-unit-%d/c", (int)getpid());
	struct hull_cgroup_config cfg = { .id = "unit", .cgroups_path = path };
	struct hull_resources r = { .present = true, .has_pids = true, .pids_limit = 33 };
	struct hull_error err = { 0 };
	struct hull_cgroup *cg = NULL;
	ck_assert_msg(hull_cgroup_create(&cfg, &r, &cg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(hull_cgroup_path(cg), path);
	pid_t *pids = NULL;
	size_t n = 99;
	ck_assert_int_eq(hull_cgroup_pids(cg, &pids, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(pids);
	ck_assert_msg(hull_cgroup_destroy(cg, &err) == 0, "%s", err.msg);
	hull_cgroup_free(cg);
	/* reopen after destroy: nothing there, destroy again is fine */
	ck_assert_int_eq(hull_cgroup_open(&cfg, &cg, &err), 0);
	ck_assert_int_eq(hull_cgroup_destroy(cg, &err), 0);
	hull_cgroup_free(cg);
	/* a failing resource leaves nothing behind */
	r.has_memory = true;
	r.memory.has_limit = r.memory.has_swap = true;
	r.memory.limit = 100 << 20;
	r.memory.swap = 1 << 20;
	ck_assert_int_lt(hull_cgroup_create(&cfg, &r, &cg, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.memory"));
	char probe[128];
	snprintf(probe, sizeof(probe), "/sys/fs/cgroup/pids/hull-unit-%d", (int)getpid());
	struct stat st;
	ck_assert_int_ne(stat(probe, &st), 0);
	hull_error_clear(&err);
}
END_TEST

/* A parent removed under a create (another container's delete took the empty /hull
 * it made) is made again: the walk starts over instead of failing with ENOENT. */
static int vanish_calls;
static int vanish_parent_once(const char *dir, struct hull_error *err)
{
	(void)err;
	size_t n = strlen(dir);
	if (n > 2 && strcmp(dir + n - 2, "/a") == 0 && vanish_calls++ == 0)
		ck_assert_int_eq(rmdir(dir), 0);
	return 0;
}

START_TEST(test_mkdir_parent_vanishes)
{
	char root[] = "/tmp/hull-unit-cg.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(root));
	struct hull_error err = { 0 };
	vanish_calls = 0;
	ck_assert_int_eq(cg_mkdir_path(root, "/a/b", vanish_parent_once, &err), 0);
	ck_assert_int_eq(vanish_calls, 2);
	char leaf[64];
	snprintf(leaf, sizeof(leaf), "%s/a/b", root);
	struct stat st;
	ck_assert_int_eq(stat(leaf, &st), 0);
	rmdir(leaf);
	snprintf(leaf, sizeof(leaf), "%s/a", root);
	rmdir(leaf);
	rmdir(root);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_keyed)
{
	uint64_t v = 0;
	const char *ev = "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n";
	ck_assert_int_eq(cg_keyed_u64(ev, "oom_kill", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(cg_keyed_u64(ev, "oom", &v), 0); /* not confused with oom_kill */
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(cg_keyed_u64(ev, "nosuch", &v), -ENOENT);
}
END_TEST

/* Live: SIGKILL to all of a frozen cgroup must leave it thawed and empty (on v1 a frozen
 * task only dies once thawed; runc thaws too). */
START_TEST(test_live_kill_frozen)
{
	if (geteuid() != 0 || strcmp(hull_cgroup_host_mode(), "none") == 0)
		return;
	char path[64];
	snprintf(path, sizeof(path), "/hull-unit-%d/k", (int)getpid());
	struct hull_cgroup_config cfg = { .id = "unitk", .cgroups_path = path };
	struct hull_error err = { 0 };
	struct hull_cgroup *cg = NULL;
	ck_assert_msg(hull_cgroup_create(&cfg, NULL, &cg, &err) == 0, "%s", err.msg);
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_msg(hull_cgroup_enter(cg, child, &err) == 0, "%s", err.msg);
	ck_assert_msg(hull_cgroup_freeze(cg, true, &err) == 0, "%s", err.msg);
	ck_assert_msg(hull_cgroup_kill_all(cg, SIGKILL, &err) == 0, "%s", err.msg);
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < 200 && w == 0; i++) {
		w = waitpid(child, &st, WNOHANG);
		if (w == 0)
			usleep(10000);
	}
	if (w == 0) {
		hull_cgroup_freeze(cg, false, &err);
		waitpid(child, &st, 0);
	}
	ck_assert_int_eq(w, child);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	bool frozen = true;
	ck_assert_int_eq(hull_cgroup_is_frozen(cg, &frozen), 0);
	ck_assert(!frozen);
	ck_assert_msg(hull_cgroup_destroy(cg, &err) == 0, "%s", err.msg);
	hull_cgroup_free(cg);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_shares_to_weight);
	tcase_add_test(tc, test_swap_conversion);
	tcase_add_test(tc, test_clean_path);
	tcase_add_test(tc, test_systemd_path);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_device_rules);
	tcase_add_test(tc, test_live_roundtrip);
	tcase_add_test(tc, test_mkdir_parent_vanishes);
	tcase_add_test(tc, test_keyed);
	tcase_add_test(tc, test_live_kill_frozen);
	suite_add_tcase(s, tc);
	return s;
}
