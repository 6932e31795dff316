/* update.c - the `hull update` command: change a running container's resource limits. */
#include "cli.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <yajl/yajl_gen.h>

/* docker/go-units RAMInBytes: "512", "64k", "1.5g", "2GiB"; binary multiples. "-1" stays -1. */
static int parse_ram(const char *s, int64_t *out)
{
	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	while (*end == ' ')
		end++;
	double mul = 1;
	const char *units = "kmgtp";
	if (*end && strchr(units, tolower((unsigned char)*end))) {
		for (const char *u = units; *u; u++) {
			mul *= 1024;
			if (*u == tolower((unsigned char)*end))
				break;
		}
		end++;
		if (tolower((unsigned char)*end) == 'i')
			end++;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end)
		return -1;
	*out = (int64_t)(v * mul);
	return 0;
}

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void num(yajl_gen g, const char *k, const char *v)
{
	key(g, k);
	yajl_gen_number(g, v, strlen(v));
}

struct flags {
	const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_burst, *cpu_share, *cpu_rt_period, *cpu_rt_runtime;
	const char *cpuset_cpus, *cpuset_mems, *cpu_idle, *memory, *memory_reservation, *memory_swap, *pids_limit;
	const char *kernel_memory, *kernel_memory_tcp, *l3_cache_schema, *mem_bw_schema;
};

/* A decimal integer flag. runc declares blkio-weight and pids-limit as int flags (the
 * flag parser complains) and parses the rest itself with strconv: keep both wordings. */
static int check_int(const char *flag, const char *v, bool is_unsigned)
{
	char *end;
	errno = 0;
	bool bad = (is_unsigned && v[0] == '-');
	if (!bad) {
		(void)strtoll(v, &end, 10);
		bad = errno || !*v || *end;
	}
	if (!bad)
		return 0;
	if (strcmp(flag, "blkio-weight") == 0 || strcmp(flag, "pids-limit") == 0)
		return cli_failf("invalid value \"%s\" for flag -%s: parse error", v, flag), -1;
	return cli_failf("invalid value for %s: strconv.Parse%s: parsing \"%s\": %s", flag, is_unsigned ? "Uint" : "Int",
			 v, errno == ERANGE ? "value out of range" : "invalid syntax"),
	       -1;
}

static int mem(yajl_gen g, const char *k, const char *flag, const char *v)
{
	int64_t b;
	if (parse_ram(v, &b) < 0)
		return cli_failf("invalid value for %s: invalid size: '%s'", flag, v), -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, b);
	num(g, k, buf);
	return 0;
}

/* The flags as an OCI LinuxResources object (only what was given). */
static int flags_json(const struct flags *f, char **out)
{
	const struct { const char *flag, *v; bool u; } ints[] = {
		{ "blkio-weight", f->blkio_weight, true }, { "cpu-period", f->cpu_period, true },
		{ "cpu-quota", f->cpu_quota, false },      { "cpu-burst", f->cpu_burst, true },
		{ "cpu-share", f->cpu_share, true },       { "cpu-rt-period", f->cpu_rt_period, true },
		{ "cpu-rt-runtime", f->cpu_rt_runtime, false }, { "cpu-idle", f->cpu_idle, false },
		{ "pids-limit", f->pids_limit, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (ints[i].v && check_int(ints[i].flag, ints[i].v, ints[i].u) < 0)
			return -1;
	/* hull has no Intel RDT support: to it, RDT is never enabled (runc's words for that). */
	if (f->l3_cache_schema)
		return cli_failf("Intel RDT/CAT: l3 cache schema is not enabled"), -1;
	if (f->mem_bw_schema)
		return cli_failf("Intel RDT/MBA: memory bandwidth schema is not enabled"), -1;
	if (f->kernel_memory)
		hull_warn("Setting --kernel-memory is ignored and will be removed");
	if (f->kernel_memory_tcp)
		hull_warn("Setting --kernel-memory-tcp is ignored and will be removed");
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	int r = 0;
	if (f->memory || f->memory_reservation || f->memory_swap) {
		key(g, "memory");
		yajl_gen_map_open(g);
		if ((f->memory && mem(g, "limit", "memory", f->memory) < 0) ||
		    (f->memory_reservation && mem(g, "reservation", "memory-reservation", f->memory_reservation) < 0) ||
		    (f->memory_swap && mem(g, "swap", "memory-swap", f->memory_swap) < 0))
			r = -1;
		yajl_gen_map_close(g);
	}
	if (f->cpu_period || f->cpu_quota || f->cpu_burst || f->cpu_share || f->cpu_rt_period || f->cpu_rt_runtime ||
	    f->cpuset_cpus || f->cpuset_mems || f->cpu_idle) {
		key(g, "cpu");
		yajl_gen_map_open(g);
		const struct { const char *k, *v; } n[] = { { "shares", f->cpu_share }, { "quota", f->cpu_quota },
			{ "burst", f->cpu_burst }, { "period", f->cpu_period }, { "realtimeRuntime", f->cpu_rt_runtime },
			{ "realtimePeriod", f->cpu_rt_period }, { "idle", f->cpu_idle } };
		for (size_t i = 0; i < ARRAY_SIZE(n); i++)
			if (n[i].v)
				num(g, n[i].k, n[i].v);
		if (f->cpuset_cpus) {
			key(g, "cpus");
			key(g, f->cpuset_cpus);
		}
		if (f->cpuset_mems) {
			key(g, "mems");
			key(g, f->cpuset_mems);
		}
		yajl_gen_map_close(g);
	}
	if (f->blkio_weight) {
		key(g, "blockIO");
		yajl_gen_map_open(g);
		num(g, "weight", f->blkio_weight);
		yajl_gen_map_close(g);
	}
	if (f->pids_limit) {
		key(g, "pids");
		yajl_gen_map_open(g);
		num(g, "limit", f->pids_limit);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	*out = r < 0 ? NULL : xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return r;
}

/* --resources FILE or "-" (stdin). */
static int read_resources(const char *path, char **out, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_failf("open %s: %s", path, strerror(errno)), -1;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	ssize_t k;
	while ((k = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)k;
		if (cap - n < 1024)
			buf = xrealloc(buf, cap *= 2);
	}
	int e = errno;
	if (fd != 0)
		close(fd);
	if (k < 0) {
		free(buf);
		return cli_failf("read %s: %s", path, strerror(e)), -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int cmd_update(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const char *resources = NULL;
	struct flags f = { 0 };
	const struct cli_opt opts[] = {
		{ "resources", 'r', CLI_STRING, &resources, "path to a file with the OCI LinuxResources JSON, or - for stdin; other flags are ignored when given", NULL, false },
		{ "blkio-weight", 0, CLI_STRING, &f.blkio_weight, "block IO weight (10-1000)", NULL, false },
		{ "cpu-period", 0, CLI_STRING, &f.cpu_period, "CPU CFS period in microseconds", NULL, false },
		{ "cpu-quota", 0, CLI_STRING, &f.cpu_quota, "CPU CFS quota in microseconds", NULL, false },
		{ "cpu-burst", 0, CLI_STRING, &f.cpu_burst, "CPU CFS burst in microseconds", NULL, false },
		{ "cpu-share", 0, CLI_STRING, &f.cpu_share, "CPU shares (relative weight)", NULL, false },
		{ "cpu-rt-period", 0, CLI_STRING, &f.cpu_rt_period, "CPU realtime period in microseconds", NULL, false },
		{ "cpu-rt-runtime", 0, CLI_STRING, &f.cpu_rt_runtime, "CPU realtime runtime in microseconds", NULL, false },
		{ "cpuset-cpus", 0, CLI_STRING, &f.cpuset_cpus, "CPUs to use (0-3, 0,1)", NULL, false },
		{ "cpuset-mems", 0, CLI_STRING, &f.cpuset_mems, "memory nodes to use (0-3, 0,1)", NULL, false },
		{ "cpu-idle", 0, CLI_STRING, &f.cpu_idle, "set cgroup SCHED_IDLE (0 or 1)", NULL, false },
		{ "memory", 0, CLI_STRING, &f.memory, "memory limit (in bytes, k/m/g suffixes; -1 unlimited)", NULL, false },
		{ "memory-reservation", 0, CLI_STRING, &f.memory_reservation, "memory reservation or soft limit", NULL, false },
		{ "memory-swap", 0, CLI_STRING, &f.memory_swap, "total memory usage (memory + swap); -1 unlimited", NULL, false },
		{ "pids-limit", 0, CLI_STRING, &f.pids_limit, "maximum number of pids allowed in the container", NULL, false },
		{ "l3-cache-schema", 0, CLI_STRING, &f.l3_cache_schema, "intel RDT L3 cache schema (unsupported)", NULL, false },
		{ "mem-bw-schema", 0, CLI_STRING, &f.mem_bw_schema, "intel RDT memory bandwidth schema (unsupported)", NULL, false },
		{ "kernel-memory", 0, CLI_STRING, &f.kernel_memory, "deprecated, ignored", NULL, true },
		{ "kernel-memory-tcp", 0, CLI_STRING, &f.kernel_memory_tcp, "deprecated, ignored", NULL, true },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	if (resources ? read_resources(resources, &json, &len) < 0 : flags_json(&f, &json) < 0) {
		free(a.pos);
		return 1;
	}
	if (!resources)
		len = strlen(json);
	struct hull_error err = { 0 };
	r = hull_update(g, a.pos[0], json, len, &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
