/* stats.c - the `events` stats "data" object in runc's layout (types.Stats), from v1 or v2 files. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>

void cg_gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void cg_gen_u64(yajl_gen g, const char *key, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	cg_gen_str(g, key);
	yajl_gen_number(g, buf, (size_t)n);
}

/* Go's `json:",omitempty"` for numbers. */
static void gen_u64_omit(yajl_gen g, const char *key, uint64_t v)
{
	if (v)
		cg_gen_u64(g, key, v);
}

/* A single number file; "max" reads as max_value. Missing reads as 0. */
static uint64_t read_u64(const char *dir, const char *file, uint64_t max_value)
{
	_cleanup_free_ char *t = NULL;
	if (!dir || cg_read(dir, file, &t) < 0)
		return 0;
	if (strncmp(t, "max", 3) == 0)
		return max_value;
	return strtoull(t, NULL, 10);
}

static uint64_t keyed(const char *dir, const char *file, const char *key)
{
	_cleanup_free_ char *t = NULL;
	uint64_t v = 0;
	if (dir && cg_read(dir, file, &t) == 0)
		cg_keyed_u64(t, key, &v);
	return v;
}

/* "a b c" or "0-3,7" lists of numbers into a JSON array (cpuset lists use ranges). */
static void gen_list(yajl_gen g, const char *key, const char *text, bool ranges, double scale)
{
	cg_gen_str(g, key);
	yajl_gen_array_open(g);
	for (const char *p = text; p && *p;) {
		char *end;
		unsigned long long a = strtoull(p, &end, 10), b = a;
		if (end == p) {
			p++;
			continue;
		}
		if (ranges && *end == '-')
			b = strtoull(end + 1, &end, 10);
		for (unsigned long long i = a; i <= b && i - a < 4096; i++) {
			char buf[32];
			int n = snprintf(buf, sizeof(buf), "%llu", ranges ? i : (unsigned long long)(a * scale));
			yajl_gen_number(g, buf, (size_t)n);
		}
		p = end;
	}
	yajl_gen_array_close(g);
}

/* Every "key value" line as an object (memory.stat -> "raw"). */
static void gen_raw(yajl_gen g, const char *text)
{
	cg_gen_str(g, "raw");
	yajl_gen_map_open(g);
	for (const char *l = text; l && *l;) {
		const char *sp = strchr(l, ' '), *nl = strchr(l, '\n');
		if (!sp || (nl && sp > nl))
			break;
		_cleanup_free_ char *k = xstrndup(l, (size_t)(sp - l));
		cg_gen_u64(g, k, strtoull(sp + 1, NULL, 10));
		l = nl ? nl + 1 : "";
	}
	yajl_gen_map_close(g);
}

static void gen_mem_entry(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
	cg_gen_str(g, key);
	yajl_gen_map_open(g);
	cg_gen_u64(g, "limit", limit);
	gen_u64_omit(g, "usage", usage);
	gen_u64_omit(g, "max", max);
	cg_gen_u64(g, "failcnt", failcnt);
	yajl_gen_map_close(g);
}

static void gen_cpuset(yajl_gen g, const char *dir, bool v2)
{
	_cleanup_free_ char *cpus = NULL, *mems = NULL;
	cg_gen_str(g, "cpuset");
	yajl_gen_map_open(g);
	if (dir) {
		cg_read(dir, v2 ? "cpuset.cpus.effective" : "cpuset.cpus", &cpus);
		cg_read(dir, v2 ? "cpuset.mems.effective" : "cpuset.mems", &mems);
	}
	if (cpus && *cpus != '\n')
		gen_list(g, "cpus", cpus, true, 1);
	if (!v2)
		cg_gen_u64(g, "cpu_exclusive", read_u64(dir, "cpuset.cpu_exclusive", 0));
	if (mems && *mems != '\n')
		gen_list(g, "mems", mems, true, 1);
	if (!v2) {
		static const char *const f[][2] = {
			{ "mem_hardwall", "cpuset.mem_hardwall" },
			{ "mem_exclusive", "cpuset.mem_exclusive" },
			{ "memory_migrate", "cpuset.memory_migrate" },
			{ "memory_spread_page", "cpuset.memory_spread_page" },
			{ "memory_spread_slab", "cpuset.memory_spread_slab" },
			{ "memory_pressure", "cpuset.memory_pressure" },
			{ "sched_load_balance", "cpuset.sched_load_balance" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(f); i++)
			cg_gen_u64(g, f[i][0], read_u64(dir, f[i][1], 0));
	}
	yajl_gen_map_close(g);
}

/* blkio entries: "MAJ:MIN Op value" (v1) lines, or v2 io.stat "MAJ:MIN rbytes=.. wbytes=.." */
static void gen_blkio_v1(yajl_gen g, const char *key, const char *text)
{
	if (!text || !*text || strncmp(text, "Total", 5) == 0)
		return;
	cg_gen_str(g, key);
	yajl_gen_array_open(g);
	for (const char *l = text; *l;) {
		unsigned long long maj, min, v;
		char op[32];
		if (sscanf(l, "%llu:%llu %31s %llu", &maj, &min, op, &v) == 4) {
			yajl_gen_map_open(g);
			gen_u64_omit(g, "major", maj);
			gen_u64_omit(g, "minor", min);
			cg_gen_str(g, "op");
			cg_gen_str(g, op);
			gen_u64_omit(g, "value", v);
			yajl_gen_map_close(g);
		}
		const char *nl = strchr(l, '\n');
		l = nl ? nl + 1 : "";
	}
	yajl_gen_array_close(g);
}

static void gen_blkio_v2(yajl_gen g, const char *key, const char *text, const char *rkey, const char *wkey)
{
	cg_gen_str(g, key);
	yajl_gen_array_open(g);
	for (const char *l = text; l && *l;) {
		unsigned long long maj, min;
		const char *nl = strchr(l, '\n');
		_cleanup_free_ char *line = nl ? xstrndup(l, (size_t)(nl - l)) : xstrdup(l);
		if (sscanf(line, "%llu:%llu", &maj, &min) == 2) {
			const char *keys[2] = { rkey, wkey }, *ops[2] = { "Read", "Write" };
			for (int i = 0; i < 2; i++) {
				const char *p = strstr(line, keys[i]);
				yajl_gen_map_open(g);
				gen_u64_omit(g, "major", maj);
				gen_u64_omit(g, "minor", min);
				cg_gen_str(g, "op");
				cg_gen_str(g, ops[i]);
				gen_u64_omit(g, "value", p ? strtoull(p + strlen(keys[i]), NULL, 10) : 0);
				yajl_gen_map_close(g);
			}
		}
		l = nl ? nl + 1 : "";
	}
	yajl_gen_array_close(g);
}

/* hugetlb: one entry per page size found as hugetlb.<size>.<suffix> in dir. */
static void gen_hugetlb(yajl_gen g, const char *dir, bool v2)
{
	cg_gen_str(g, "hugetlb");
	yajl_gen_map_open(g);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	const char *suffix = v2 ? ".max" : ".limit_in_bytes";
	while (d && (e = readdir(d))) {
		size_t nl = strlen(e->d_name), sl = strlen(suffix);
		if (strncmp(e->d_name, "hugetlb.", 8) != 0 || nl <= 8 + sl || strcmp(e->d_name + nl - sl, suffix) != 0 ||
		    strstr(e->d_name, ".rsvd."))
			continue;
		_cleanup_free_ char *size = xstrndup(e->d_name + 8, nl - 8 - sl);
		_cleanup_free_ char *usage = xasprintf("hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
		_cleanup_free_ char *max = xasprintf("hugetlb.%s.%s", size, v2 ? "max" : "max_usage_in_bytes");
		_cleanup_free_ char *fail = xasprintf("hugetlb.%s.%s", size, v2 ? "events" : "failcnt");
		cg_gen_str(g, size);
		yajl_gen_map_open(g);
		gen_u64_omit(g, "usage", read_u64(dir, usage, 0));
		gen_u64_omit(g, "max", read_u64(dir, max, 0));
		cg_gen_u64(g, "failcnt", v2 ? keyed(dir, fail, "max") : read_u64(dir, fail, 0));
		yajl_gen_map_close(g);
	}
	if (d)
		closedir(d);
	yajl_gen_map_close(g);
}

static void gen_tail(yajl_gen g)
{
	cg_gen_str(g, "intel_rdt");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	cg_gen_str(g, "network_interfaces");
	yajl_gen_null(g);
}

static void gen_pids(yajl_gen g, const char *dir)
{
	cg_gen_str(g, "pids");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "current", read_u64(dir, "pids.current", 0));
	gen_u64_omit(g, "limit", read_u64(dir, "pids.max", 0));
	yajl_gen_map_close(g);
}

static void gen_throttling(yajl_gen g, const char *stat, const char *time_key, uint64_t time_scale)
{
	uint64_t p = 0, tp = 0, tt = 0;
	cg_keyed_u64(stat ? stat : "", "nr_periods", &p);
	cg_keyed_u64(stat ? stat : "", "nr_throttled", &tp);
	cg_keyed_u64(stat ? stat : "", time_key, &tt);
	cg_gen_str(g, "throttling");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "periods", p);
	gen_u64_omit(g, "throttledPeriods", tp);
	gen_u64_omit(g, "throttledTime", tt * time_scale);
	yajl_gen_map_close(g);
}

static void v1_cpu(yajl_gen g, struct hull_cgroup *cg)
{
	const char *acct = cg_v1_dir(cg, "cpuacct"), *cpu = cg_v1_dir(cg, "cpu");
	_cleanup_free_ char *percpu = NULL, *stat = NULL, *cstat = NULL, *all = NULL;
	if (acct) {
		cg_read(acct, "cpuacct.usage_percpu", &percpu);
		cg_read(acct, "cpuacct.stat", &stat);
		cg_read(acct, "cpuacct.usage_all", &all);
	}
	if (cpu)
		cg_read(cpu, "cpu.stat", &cstat);
	uint64_t user = 0, sys = 0, hz = (uint64_t)sysconf(_SC_CLK_TCK);
	cg_keyed_u64(stat ? stat : "", "user", &user);
	cg_keyed_u64(stat ? stat : "", "system", &sys);
	cg_gen_str(g, "cpu");
	yajl_gen_map_open(g);
	cg_gen_str(g, "usage");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "total", read_u64(acct, "cpuacct.usage", 0));
	if (percpu && *percpu && *percpu != '\n')
		gen_list(g, "percpu", percpu, false, 1);
	_cleanup_free_ char *psys = NULL, *puser = NULL;
	if (acct) {
		cg_read(acct, "cpuacct.usage_percpu_sys", &psys);
		cg_read(acct, "cpuacct.usage_percpu_user", &puser);
	}
	if (psys && *psys != '\n')
		gen_list(g, "percpu_kernel", psys, false, 1);
	if (puser && *puser != '\n')
		gen_list(g, "percpu_user", puser, false, 1);
	cg_gen_u64(g, "kernel", hz ? sys * (1000000000ULL / hz) : 0);
	cg_gen_u64(g, "user", hz ? user * (1000000000ULL / hz) : 0);
	yajl_gen_map_close(g);
	gen_throttling(g, cstat, "throttled_time", 1);
	yajl_gen_map_close(g);
}

static void v1_memory(yajl_gen g, struct hull_cgroup *cg)
{
	const char *m = cg_v1_dir(cg, "memory");
	_cleanup_free_ char *stat = NULL;
	if (m)
		cg_read(m, "memory.stat", &stat);
	uint64_t cache = 0;
	cg_keyed_u64(stat ? stat : "", "cache", &cache);
	cg_gen_str(g, "memory");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "cache", cache);
	static const char *const pre[][2] = { { "usage", "memory." },
					      { "swap", "memory.memsw." },
					      { "kernel", "memory.kmem." },
					      { "kernelTCP", "memory.kmem.tcp." } };
	for (size_t i = 0; i < ARRAY_SIZE(pre); i++) {
		_cleanup_free_ char *l = xasprintf("%slimit_in_bytes", pre[i][1]);
		_cleanup_free_ char *u = xasprintf("%susage_in_bytes", pre[i][1]);
		_cleanup_free_ char *x = xasprintf("%smax_usage_in_bytes", pre[i][1]);
		_cleanup_free_ char *f = xasprintf("%sfailcnt", pre[i][1]);
		gen_mem_entry(g, pre[i][0], read_u64(m, l, 0), read_u64(m, u, 0), read_u64(m, x, 0), read_u64(m, f, 0));
	}
	if (stat)
		gen_raw(g, stat);
	yajl_gen_map_close(g);
}

int cg_v1_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err)
{
	(void)err;
	yajl_gen_map_open(g);
	v1_cpu(g, cg);
	gen_cpuset(g, cg_v1_dir(cg, "cpuset"), false);
	v1_memory(g, cg);
	gen_pids(g, cg_v1_dir(cg, "pids"));
	const char *b = cg_v1_dir(cg, "blkio");
	_cleanup_free_ char *bytes = NULL, *ios = NULL;
	if (b) {
		cg_read(b, "blkio.throttle.io_service_bytes_recursive", &bytes);
		cg_read(b, "blkio.throttle.io_serviced_recursive", &ios);
	}
	cg_gen_str(g, "blkio");
	yajl_gen_map_open(g);
	gen_blkio_v1(g, "ioServiceBytesRecursive", bytes);
	gen_blkio_v1(g, "ioServicedRecursive", ios);
	yajl_gen_map_close(g);
	const char *h = cg_v1_dir(cg, "hugetlb");
	if (h)
		gen_hugetlb(g, h, false);
	else
		gen_hugetlb(g, cg->mode == CG_MODE_HYBRID ? cg->v2_dir : NULL, true);
	gen_tail(g);
	yajl_gen_map_close(g);
	return 0;
}

static void v2_memory(yajl_gen g, const char *d)
{
	_cleanup_free_ char *stat = NULL;
	cg_read(d, "memory.stat", &stat);
	uint64_t file = 0;
	cg_keyed_u64(stat ? stat : "", "file", &file);
	uint64_t cur = read_u64(d, "memory.current", 0), max = read_u64(d, "memory.max", UINT64_MAX);
	uint64_t scur = read_u64(d, "memory.swap.current", 0), smax = read_u64(d, "memory.swap.max", UINT64_MAX);
	cg_gen_str(g, "memory");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "cache", file);
	gen_mem_entry(g, "usage", max, cur, read_u64(d, "memory.peak", 0), keyed(d, "memory.events", "max"));
	/* runc reports v2 swap as memory+swap, the v1 meaning */
	uint64_t slimit = (smax == UINT64_MAX || max == UINT64_MAX) ? UINT64_MAX : smax + max;
	gen_mem_entry(g, "swap", slimit, scur + cur, 0, 0);
	gen_mem_entry(g, "kernel", 0, 0, 0, 0);
	gen_mem_entry(g, "kernelTCP", 0, 0, 0, 0);
	if (stat)
		gen_raw(g, stat);
	yajl_gen_map_close(g);
}

int cg_v2_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err)
{
	const char *d = cg->v2_dir;
	_cleanup_free_ char *stat = NULL, *io = NULL;
	if (cg_read(d, "cpu.stat", &stat) < 0)
		return hull_fail(err, errno, "read %s/cpu.stat", d);
	uint64_t usage = 0, user = 0, sys = 0;
	cg_keyed_u64(stat, "usage_usec", &usage);
	cg_keyed_u64(stat, "user_usec", &user);
	cg_keyed_u64(stat, "system_usec", &sys);
	yajl_gen_map_open(g);
	cg_gen_str(g, "cpu");
	yajl_gen_map_open(g);
	cg_gen_str(g, "usage");
	yajl_gen_map_open(g);
	gen_u64_omit(g, "total", usage * 1000);
	cg_gen_u64(g, "kernel", sys * 1000);
	cg_gen_u64(g, "user", user * 1000);
	yajl_gen_map_close(g);
	gen_throttling(g, stat, "throttled_usec", 1000);
	yajl_gen_map_close(g);
	gen_cpuset(g, d, true);
	v2_memory(g, d);
	gen_pids(g, d);
	cg_read(d, "io.stat", &io);
	cg_gen_str(g, "blkio");
	yajl_gen_map_open(g);
	if (io && *io) {
		gen_blkio_v2(g, "ioServiceBytesRecursive", io, "rbytes=", "wbytes=");
		gen_blkio_v2(g, "ioServicedRecursive", io, "rios=", "wios=");
	}
	yajl_gen_map_close(g);
	gen_hugetlb(g, d, true);
	gen_tail(g);
	yajl_gen_map_close(g);
	return 0;
}
