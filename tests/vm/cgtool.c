/* cgtool.c - drive libhull's cgroup manager directly (VM and host tests, no container needed).
 *
 *   cgtool mode
 *   cgtool create|update PATH [KEY=VALUE...]    resources, see parse_res()
 *   cgtool run PATH CMD [ARGS...]               run CMD inside the cgroup, exit with its status
 *   cgtool freeze|thaw|frozen|pids|stats|oom|destroy PATH
 *   cgtool kill PATH SIGNO
 *
 * PATH is linux.cgroupsPath ("" = the default /hull/<id>). Env: CGTOOL_ID (container id,
 * default "cgtool"), CGTOOL_MANAGER=systemd, CGTOOL_DEBUG=1.
 *
 * Errors go to stderr as "cgtool: <libhull message>", exit 1. */
#include "libhull/cgroup/cgroup.h"
#include "common/util.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>

static int64_t num(const char *s)
{
	return strcmp(s, "max") == 0 ? -1 : strtoll(s, NULL, 0);
}

#define PUSH(arr, n, v)                                                      \
	do {                                                                 \
		(arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr)));         \
		(arr)[(n)++] = (v);                                          \
	} while (0)

static void throttle(struct hull_throttle_device **d, size_t *n, const char *v)
{
	struct hull_throttle_device t = { 0 };
	sscanf(v, "%" SCNd64 ":%" SCNd64 ":%" SCNu64, &t.major, &t.minor, &t.rate);
	PUSH(*d, *n, t);
}

static int parse_res(struct hull_resources *r, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return -1;
	_cleanup_free_ char *k = xstrndup(kv, (size_t)(eq - kv));
	const char *v = eq + 1;
	r->present = true;
	struct hull_cpu_resources *c = &r->cpu;
	struct hull_memory_resources *m = &r->memory;
	if (!strcmp(k, "shares")) r->has_cpu = c->has_shares = true, c->shares = (uint64_t)num(v);
	else if (!strcmp(k, "quota")) r->has_cpu = c->has_quota = true, c->quota = num(v);
	else if (!strcmp(k, "period")) r->has_cpu = c->has_period = true, c->period = (uint64_t)num(v);
	else if (!strcmp(k, "burst")) r->has_cpu = c->has_burst = true, c->burst = (uint64_t)num(v);
	else if (!strcmp(k, "idle")) r->has_cpu = c->has_idle = true, c->idle = num(v);
	else if (!strcmp(k, "rt_runtime")) r->has_cpu = c->has_rt_runtime = true, c->rt_runtime = num(v);
	else if (!strcmp(k, "rt_period")) r->has_cpu = c->has_rt_period = true, c->rt_period = (uint64_t)num(v);
	else if (!strcmp(k, "cpus")) r->has_cpu = true, c->cpus = xstrdup(v);
	else if (!strcmp(k, "mems")) r->has_cpu = true, c->mems = xstrdup(v);
	else if (!strcmp(k, "memory")) r->has_memory = m->has_limit = true, m->limit = num(v);
	else if (!strcmp(k, "reservation")) r->has_memory = m->has_reservation = true, m->reservation = num(v);
	else if (!strcmp(k, "swap")) r->has_memory = m->has_swap = true, m->swap = num(v);
	else if (!strcmp(k, "swappiness")) r->has_memory = m->has_swappiness = true, m->swappiness = (uint64_t)num(v);
	else if (!strcmp(k, "disable_oom")) r->has_memory = m->has_disable_oom_killer = true, m->disable_oom_killer = num(v);
	else if (!strcmp(k, "pids")) r->has_pids = true, r->pids_limit = num(v);
	else if (!strcmp(k, "blkio_weight")) r->has_blkio = r->blkio.has_weight = true, r->blkio.weight = (uint16_t)num(v);
	else if (!strcmp(k, "io_rbps")) r->has_blkio = true, throttle(&r->blkio.throttle_read_bps, &r->blkio.n_throttle_read_bps, v);
	else if (!strcmp(k, "io_wbps")) r->has_blkio = true, throttle(&r->blkio.throttle_write_bps, &r->blkio.n_throttle_write_bps, v);
	else if (!strcmp(k, "io_riops")) r->has_blkio = true, throttle(&r->blkio.throttle_read_iops, &r->blkio.n_throttle_read_iops, v);
	else if (!strcmp(k, "io_wiops")) r->has_blkio = true, throttle(&r->blkio.throttle_write_iops, &r->blkio.n_throttle_write_iops, v);
	else if (!strcmp(k, "hugetlb")) {
		struct hull_hugepage_limit h = { .page_size = xstrndup(v, strcspn(v, ":")) };
		h.limit = strchr(v, ':') ? strtoull(strchr(v, ':') + 1, NULL, 0) : 0;
		PUSH(r->hugepage_limits, r->n_hugepage_limits, h);
	} else if (!strcmp(k, "unified")) {
		struct hull_kv u = { xstrndup(v, strcspn(v, ":")), xstrdup(strchr(v, ':') ? strchr(v, ':') + 1 : "") };
		PUSH(r->unified, r->n_unified, u);
	} else if (!strcmp(k, "rdma")) {
		struct hull_rdma_limit l = { .device = xstrndup(v, strcspn(v, ":")), .has_hca_handles = true };
		sscanf(strchr(v, ':') ? strchr(v, ':') + 1 : "0", "%u", &l.hca_handles);
		PUSH(r->rdma, r->n_rdma, l);
	} else if (!strcmp(k, "dev")) { /* allow|deny:TYPE:MAJ:MIN:ACCESS, MAJ/MIN '*' = any */
		char allow[8] = "", maj[16] = "", min[16] = "", acc[8] = "";
		char t = 'a';
		sscanf(v, "%7[^:]:%c:%15[^:]:%15[^:]:%7s", allow, &t, maj, min, acc);
		struct hull_device_rule d = { .allow = !strcmp(allow, "allow"), .type = t, .access = xstrdup(acc) };
		d.has_major = maj[0] && maj[0] != '*', d.major = strtoll(maj, NULL, 10);
		d.has_minor = min[0] && min[0] != '*', d.minor = strtoll(min, NULL, 10);
		PUSH(r->devices, r->n_devices, d);
	} else
		return -1;
	return 0;
}

static int fail(struct hull_error *err)
{
	fprintf(stderr, "cgtool: %s\n", err->msg ? err->msg : "failed");
	return 1;
}

static int run_in(struct hull_cgroup *cg, char **cmd)
{
	struct hull_error err = { 0 };
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(126); /* parent failed to place us */
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[0]);
	if (hull_cgroup_enter(cg, pid, &err) < 0) {
		kill(pid, SIGKILL);
		return fail(&err);
	}
	if (write(p[1], "x", 1) != 1)
		return 1;
	close(p[1]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd(const char *verb, struct hull_cgroup *cg, int argc, char **argv)
{
	struct hull_error err = { 0 };
	if (!strcmp(verb, "run"))
		return argc < 1 ? 2 : run_in(cg, argv);
	if (!strcmp(verb, "freeze") || !strcmp(verb, "thaw"))
		return hull_cgroup_freeze(cg, !strcmp(verb, "freeze"), &err) < 0 ? fail(&err) : 0;
	if (!strcmp(verb, "frozen")) {
		bool f;
		hull_cgroup_is_frozen(cg, &f);
		printf("%s\n", f ? "frozen" : "thawed");
		return 0;
	}
	if (!strcmp(verb, "kill"))
		return hull_cgroup_kill_all(cg, argc ? atoi(argv[0]) : SIGKILL, &err) < 0 ? fail(&err) : 0;
	if (!strcmp(verb, "pids")) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n;
		if (hull_cgroup_pids(cg, &pids, &n, &err) < 0)
			return fail(&err);
		for (size_t i = 0; i < n; i++)
			printf("%d\n", (int)pids[i]);
		return 0;
	}
	if (!strcmp(verb, "stats")) {
		_cleanup_free_ char *j = NULL;
		if (hull_cgroup_stats_json(cg, &j, &err) < 0)
			return fail(&err);
		printf("%s\n", j);
		return 0;
	}
	if (!strcmp(verb, "oom")) {
		uint64_t c = 0;
		hull_cgroup_oom_count(cg, &c);
		printf("%" PRIu64 "\n", c);
		return 0;
	}
	if (!strcmp(verb, "destroy"))
		return hull_cgroup_destroy(cg, &err) < 0 ? fail(&err) : 0;
	fprintf(stderr, "cgtool: unknown command %s\n", verb);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "mode")) {
		printf("%s\n", hull_cgroup_host_mode());
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: cgtool VERB PATH [ARGS...]\n");
		return 2;
	}
	if (getenv("CGTOOL_DEBUG"))
		hull_log_open(NULL, HULL_LOG_TEXT, true, NULL);
	const char *verb = argv[1];
	const char *id = getenv("CGTOOL_ID");
	struct hull_cgroup_config cfg = { .id = id ? id : "cgtool", .cgroups_path = argv[2] };
	const char *mgr = getenv("CGTOOL_MANAGER");
	if (mgr && !strcmp(mgr, "systemd"))
		cfg.manager = HULL_CGROUP_MANAGER_SYSTEMD;
	struct hull_cgroup *cg = NULL;
	struct hull_error err = { 0 };
	if (!strcmp(verb, "create") || !strcmp(verb, "update")) {
		struct hull_resources r = { 0 };
		for (int i = 3; i < argc; i++)
			if (parse_res(&r, argv[i]) < 0) {
				fprintf(stderr, "cgtool: bad resource %s\n", argv[i]);
				return 2;
			}
		int rc = !strcmp(verb, "create") ? hull_cgroup_create(&cfg, &r, &cg, &err)
						 : (hull_cgroup_open(&cfg, &cg, &err) < 0 ? -1 : hull_cgroup_update(cg, &r, &err));
		if (rc < 0)
			return fail(&err);
		printf("%s\n", hull_cgroup_path(cg));
		hull_cgroup_free(cg);
		return 0;
	}
	if (hull_cgroup_open(&cfg, &cg, &err) < 0)
		return fail(&err);
	int rc = cmd(verb, cg, argc - 3, argv + 3);
	hull_cgroup_free(cg);
	return rc;
}
