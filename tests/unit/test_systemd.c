/* test_systemd.c - unit tests of the systemd cgroup driver's pure parts: unit names,
 * runc's resource conversions (quota rounding, cpuset bitmasks, shares -> weight), the
 * device policy, and the org.systemd.property.* annotation values (GVariant text). */
#include "libhull/cgroup/internal.h"
#include "libhull/cgroup/unit_props.h"

#include "runner.h"

#include <check.h>

static const struct sd_prop *find(const struct sd_props *ps, const char *name)
{
	const struct sd_prop *p = sd_props_find(ps, name);
	ck_assert_msg(p != NULL, "property %s missing", name);
	return p;
}

static uint64_t find_u64(const struct sd_props *ps, const char *name)
{
	const struct sd_prop *p = find(ps, name);
	ck_assert_int_eq(p->v.type, 't');
	return p->v.u;
}

START_TEST(test_unit_name)
{
	char *u = sd_unit_name("docker", "abc");
	ck_assert_str_eq(u, "docker-abc.scope");
	free(u);
	u = sd_unit_name("", "x");
	ck_assert_str_eq(u, "-x.scope");
	free(u);
	u = sd_unit_name("p", "kubepods-pod1.slice");
	ck_assert_str_eq(u, "kubepods-pod1.slice");
	free(u);
	struct hull_error err = { 0 };
	char *slice, *prefix, *name;
	ck_assert_int_eq(sd_parse_cgroups_path("machine.slice:libpod:c1", "id", &slice, &prefix, &name, &err), 0);
	ck_assert_str_eq(slice, "machine.slice");
	ck_assert_str_eq(prefix, "libpod");
	ck_assert_str_eq(name, "c1");
	free(slice), free(prefix), free(name);
	ck_assert_int_eq(sd_parse_cgroups_path(NULL, "id", &slice, &prefix, &name, &err), 0);
	ck_assert_ptr_null(slice);
	ck_assert_str_eq(prefix, "hull");
	ck_assert_str_eq(name, "id");
	free(prefix), free(name);
	ck_assert_int_lt(sd_parse_cgroups_path("a:b", "id", &slice, &prefix, &name, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "slice:prefix:name"));
	hull_error_clear(&err);
	ck_assert_int_lt(sd_parse_cgroups_path("a:b:c:d", "id", &slice, &prefix, &name, &err), 0);
	ck_assert_int_lt(sd_parse_cgroups_path("a:b:", "id", &slice, &prefix, &name, &err), 0);
	ck_assert_int_lt(sd_parse_cgroups_path("a:b:c/d", "id", &slice, &prefix, &name, &err), 0);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_quota_rounding)
{
	ck_assert_uint_eq(sd_cpu_quota_per_sec(50000, 100000), 500000);
	ck_assert_uint_eq(sd_cpu_quota_per_sec(50000, 0), 500000); /* default period */
	/* 33.333% -> 34%: systemd keeps whole percents, runc rounds up */
	ck_assert_uint_eq(sd_cpu_quota_per_sec(33333, 100000), 340000);
	ck_assert_uint_eq(sd_cpu_quota_per_sec(1000, 1000000), 10000);
	ck_assert_uint_eq(sd_cpu_quota_per_sec(150000, 100000), 1500000);
	ck_assert_uint_eq(sd_cpu_quota_per_sec(0, 100000), UINT64_MAX);
	ck_assert_uint_eq(sd_cpu_quota_per_sec(-1, 100000), UINT64_MAX);
}
END_TEST

START_TEST(test_cpuset_bits)
{
	struct hull_error err = { 0 };
	uint8_t *b;
	size_t n;
	ck_assert_int_eq(sd_cpuset_bits("0-3,8", "x", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(b[0], 0x0f);
	ck_assert_uint_eq(b[1], 0x01);
	free(b);
	ck_assert_int_eq(sd_cpuset_bits("1", "x", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(b[0], 0x02);
	free(b);
	ck_assert_int_eq(sd_cpuset_bits(" 0-1, 17\n", "x", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(b[0], 0x03);
	ck_assert_uint_eq(b[1], 0x00);
	ck_assert_uint_eq(b[2], 0x02);
	free(b);
	ck_assert_int_eq(sd_cpuset_bits("", "x", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(b);
	ck_assert_int_lt(sd_cpuset_bits("3-1", "linux.resources.cpu.cpus", &b, &n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.cpu.cpus"));
	hull_error_clear(&err);
	ck_assert_int_lt(sd_cpuset_bits("a", "x", &b, &n, &err), 0);
	ck_assert_int_lt(sd_cpuset_bits("1-", "x", &b, &n, &err), 0);
	ck_assert_int_lt(sd_cpuset_bits("1;2", "x", &b, &n, &err), 0);
	hull_error_clear(&err);
}
END_TEST

START_TEST(test_resources_v2)
{
	struct hull_error err = { 0 };
	struct hull_kv unified[] = { { "memory.high", "max" }, { "pids.max", " 7\n" }, { "io.max", "8:0 rbps=1" } };
	struct hull_resources r = {
		.present = true,
		.has_memory = true,
		.memory = { .has_limit = true, .limit = 1 << 30, .has_reservation = true, .reservation = 1 << 20,
			    .has_swap = true, .swap = 2LL << 30 },
		.has_cpu = true,
		.cpu = { .has_shares = true, .shares = 1024, .has_quota = true, .quota = 50000, .has_period = true,
			 .period = 100000, .cpus = "0-1", .mems = "0" },
		.has_pids = true,
		.pids_limit = -1,
		.unified = unified,
		.n_unified = 3,
	};
	struct sd_caps caps = { .v2 = true, .version = 252 };
	struct sd_props ps = { 0 };
	ck_assert_msg(sd_resources_props(&r, &caps, &ps, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(find_u64(&ps, "MemoryMax"), 1 << 30);
	ck_assert_uint_eq(find_u64(&ps, "MemoryLow"), 1 << 20);
	ck_assert_uint_eq(find_u64(&ps, "MemorySwapMax"), 1 << 30); /* v1 swap is memory+swap */
	ck_assert_uint_eq(find_u64(&ps, "CPUWeight"), 39);
	ck_assert_uint_eq(find_u64(&ps, "CPUQuotaPeriodUSec"), 100000);
	ck_assert_uint_eq(find_u64(&ps, "CPUQuotaPerSecUSec"), 500000);
	ck_assert_uint_eq(find_u64(&ps, "MemoryHigh"), UINT64_MAX);
	/* the unified pids.max comes after linux.resources.pids: it wins */
	ck_assert_uint_eq(find_u64(&ps, "TasksMax"), 7);
	const struct sd_prop *cpus = find(&ps, "AllowedCPUs");
	char *sig = sd_value_signature(&cpus->v);
	ck_assert_str_eq(sig, "ay");
	free(sig);
	ck_assert_uint_eq(cpus->v.n, 1);
	ck_assert_uint_eq(cpus->v.items[0].u, 3);
	ck_assert_ptr_nonnull(sd_props_find(&ps, "AllowedMemoryNodes"));
	ck_assert_ptr_null(sd_props_find(&ps, "MemoryLimit"));
	sd_props_clear(&ps);

	/* an older systemd: no period, no AllowedCPUs (they go to the files only) */
	caps.version = 240;
	ck_assert_int_eq(sd_resources_props(&r, &caps, &ps, &err), 0);
	ck_assert_ptr_null(sd_props_find(&ps, "CPUQuotaPeriodUSec"));
	ck_assert_ptr_null(sd_props_find(&ps, "AllowedCPUs"));
	ck_assert_uint_eq(find_u64(&ps, "CPUQuotaPerSecUSec"), 500000);
	sd_props_clear(&ps);

	/* v1: runc's legacy names */
	caps = (struct sd_caps){ .v2 = false, .version = 252 };
	r.n_unified = 0;
	r.has_blkio = true;
	r.blkio.has_weight = true;
	r.blkio.weight = 500;
	r.pids_limit = 10;
	ck_assert_int_eq(sd_resources_props(&r, &caps, &ps, &err), 0);
	ck_assert_uint_eq(find_u64(&ps, "MemoryLimit"), 1 << 30);
	ck_assert_uint_eq(find_u64(&ps, "CPUShares"), 1024);
	ck_assert_uint_eq(find_u64(&ps, "BlockIOWeight"), 500);
	ck_assert_uint_eq(find_u64(&ps, "TasksMax"), 10);
	ck_assert_ptr_null(sd_props_find(&ps, "MemoryMax"));
	ck_assert_ptr_null(sd_props_find(&ps, "CPUWeight"));
	sd_props_clear(&ps);

	/* errors name the JSON path */
	struct hull_kv bad[] = { { "cpu.max", "1 2 3" } };
	struct hull_resources rb = { .present = true, .unified = bad, .n_unified = 1 };
	caps.v2 = true;
	ck_assert_int_lt(sd_resources_props(&rb, &caps, &ps, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.unified[\"cpu.max\"]"));
	hull_error_clear(&err);
	sd_props_clear(&ps);
	struct hull_resources rs = { .present = true, .has_memory = true,
				     .memory = { .has_limit = true, .limit = 100, .has_swap = true, .swap = 50 } };
	ck_assert_int_lt(sd_resources_props(&rs, &caps, &ps, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.memory.swap"));
	hull_error_clear(&err);
	sd_props_clear(&ps);
}
END_TEST

static bool no_tun(const char *sys_path)
{
	return strcmp(sys_path, "/sys/dev/char/10:200") != 0;
}

START_TEST(test_device_props)
{
	struct hull_error err = { 0 };
	const char *procdev = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  8 sd\n";
	struct cg_dev_rule rules[] = {
		{ false, 'a', -1, -1, 7 }, /* default deny */
		{ true, 'c', 1, 3, 7 },    { true, 'c', 136, -1, 6 }, { true, 'b', 8, -1, 2 },
		{ true, 'c', -1, -1, 1 },  { true, 'c', -1, 5, 7 } /* *:n: systemd cannot */,
		{ true, 'c', 99, -1, 7 } /* no group: skipped */,
	};
	struct sd_props ps = { 0 };
	ck_assert_int_eq(sd_device_props(rules, sizeof(rules) / sizeof(rules[0]), procdev, NULL, &ps, &err), 0);
	ck_assert_uint_eq(ps.n, 3);
	ck_assert_str_eq(ps.p[0].name, "DevicePolicy");
	ck_assert_str_eq(ps.p[0].v.s, "strict");
	ck_assert_str_eq(ps.p[1].name, "DeviceAllow");
	ck_assert_uint_eq(ps.p[1].v.n, 0); /* reset first */
	const struct sd_value *l = &ps.p[2].v;
	char *sig = sd_value_signature(l);
	ck_assert_str_eq(sig, "a(ss)");
	free(sig);
	ck_assert_uint_eq(l->n, 4);
	ck_assert_str_eq(l->items[0].items[0].s, "/dev/char/1:3");
	ck_assert_str_eq(l->items[0].items[1].s, "rwm");
	ck_assert_str_eq(l->items[1].items[0].s, "char-pts");
	ck_assert_str_eq(l->items[1].items[1].s, "rw");
	ck_assert_str_eq(l->items[2].items[0].s, "block-sd");
	ck_assert_str_eq(l->items[2].items[1].s, "r");
	ck_assert_str_eq(l->items[3].items[0].s, "char-*");
	ck_assert_str_eq(l->items[3].items[1].s, "m");
	sd_props_clear(&ps);

	struct cg_dev_rule allow_all[] = { { true, 'a', -1, -1, 7 } };
	ck_assert_int_eq(sd_device_props(allow_all, 1, procdev, NULL, &ps, &err), 0);
	ck_assert_str_eq(find(&ps, "DevicePolicy")->v.s, "auto");
	ck_assert_uint_eq(find(&ps, "DeviceAllow")->v.n, 0);
	sd_props_clear(&ps);

	/* a device the host lacks is left out (runc) */
	struct cg_dev_rule two[] = { { false, 'a', -1, -1, 7 }, { true, 'c', 1, 3, 7 }, { true, 'c', 10, 200, 7 } };
	ck_assert_int_eq(sd_device_props(two, 3, procdev, no_tun, &ps, &err), 0);
	ck_assert_uint_eq(ps.p[2].v.n, 1);
	ck_assert_str_eq(ps.p[2].v.items[0].items[0].s, "/dev/char/1:3");
	sd_props_clear(&ps);
}
END_TEST

static struct sd_props annotate(const char *key, const char *value, int want_rc, const char *want_msg)
{
	struct hull_kv kv[] = { { "other", "x" }, { (char *)key, (char *)value } };
	struct sd_props ps = { 0 };
	struct hull_error err = { 0 };
	int rc = sd_annotation_props(kv, 2, &ps, &err);
	ck_assert_msg(rc == want_rc, "%s=%s: rc %d (%s)", key, value, rc, err.msg ? err.msg : "");
	if (want_msg)
		ck_assert_msg(err.msg && strstr(err.msg, want_msg), "%s=%s: %s", key, value, err.msg);
	hull_error_clear(&err);
	return ps;
}

START_TEST(test_annotations)
{
	struct sd_props ps = annotate("org.systemd.property.TimeoutStopSec", "uint64 5", 0, NULL);
	ck_assert_uint_eq(ps.n, 1);
	ck_assert_uint_eq(find_u64(&ps, "TimeoutStopUSec"), 5000000);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.TimeoutStopSec", "7", 0, NULL); /* int32 -> µs */
	ck_assert_uint_eq(find_u64(&ps, "TimeoutStopUSec"), 7000000);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.RuntimeMaxSec", "1.5", 0, NULL);
	ck_assert_uint_eq(find_u64(&ps, "RuntimeMaxUSec"), 1500000);
	sd_props_clear(&ps);
	/* "USec" names are not converted: the letter before Sec is upper case */
	ps = annotate("org.systemd.property.CPUQuotaPeriodUSec", "@t 100000", 0, NULL);
	ck_assert_uint_eq(find_u64(&ps, "CPUQuotaPeriodUSec"), 100000);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.CollectMode", "'inactive-or-failed'", 0, NULL);
	ck_assert_int_eq(find(&ps, "CollectMode")->v.type, 's');
	ck_assert_str_eq(find(&ps, "CollectMode")->v.s, "inactive-or-failed");
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.Delegate", "true", 0, NULL);
	ck_assert_int_eq(find(&ps, "Delegate")->v.type, 'b');
	ck_assert(find(&ps, "Delegate")->v.b);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.After", "['a.service', \"b.service\"]", 0, NULL);
	char *sig = sd_value_signature(&find(&ps, "After")->v);
	ck_assert_str_eq(sig, "as");
	free(sig);
	ck_assert_uint_eq(find(&ps, "After")->v.n, 2);
	ck_assert_str_eq(find(&ps, "After")->v.items[1].s, "b.service");
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.Wants", "@as []", 0, NULL);
	sig = sd_value_signature(&find(&ps, "Wants")->v);
	ck_assert_str_eq(sig, "as");
	free(sig);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.Nice", "int32 -5", 0, NULL);
	ck_assert_int_eq(find(&ps, "Nice")->v.type, 'i');
	ck_assert_int_eq(find(&ps, "Nice")->v.i, -5);
	sd_props_clear(&ps);
	ps = annotate("org.systemd.property.IOWeight", "uint64 0x10", 0, NULL);
	ck_assert_uint_eq(find_u64(&ps, "IOWeight"), 16);
	sd_props_clear(&ps);

	/* runc's errors: the annotation is named */
	ps = annotate("org.systemd.property.A1", "true", -1, "annotation org.systemd.property.A1 name incorrect: too short");
	ps = annotate("org.systemd.property.Ab1", "true", -1, "non-alphabetic");
	ps = annotate("org.systemd.property.Abc", "[]", -1, "org.systemd.property.Abc=[] value parse error");
	ps = annotate("org.systemd.property.Abc", "xx", -1, "value parse error");
	ps = annotate("org.systemd.property.Abc", "byte 300", -1, "out of range");
	ps = annotate("org.systemd.property.Abc", "uint32 -1", -1, "negative");
	ps = annotate("org.systemd.property.Abc", "'open", -1, "unterminated");
	ps = annotate("org.systemd.property.Abc", "[1, 'a']", -1, "something else");
	ps = annotate("org.systemd.property.Abc", "{'a': 1}", -1, "value parse error");
	ps = annotate("org.systemd.property.Abc", "true false", -1, "trailing");
	ps = annotate("org.systemd.property.TimeoutStopSec", "'x'", -1, "seconds");
	ps = annotate("org.systemd.property.TimeoutStopSec", "-3", -1, "seconds");
	(void)ps;
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("systemd");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_unit_name);
	tcase_add_test(tc, test_quota_rounding);
	tcase_add_test(tc, test_cpuset_bits);
	tcase_add_test(tc, test_resources_v2);
	tcase_add_test(tc, test_device_props);
	tcase_add_test(tc, test_annotations);
	suite_add_tcase(s, tc);
	return s;
}
