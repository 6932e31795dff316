/* v1.c - the legacy (v1) backend, also used on hybrid hosts (v1 controllers + a cgroup2 mount). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

static bool hybrid_unified(struct hull_cgroup *cg)
{
	return cg->mode == CG_MODE_HYBRID && cg->v2_dir;
}

/* A v1 resource whose controller is not mounted cannot be honoured: say which. */
static int need(struct hull_cgroup *cg, const char *ctrl, const char *jpath, const char **dir, struct hull_error *err)
{
	*dir = cg_v1_dir(cg, ctrl);
	if (!*dir)
		return hull_fail(err, ENOENT, "%s: the %s cgroup controller is not mounted on this host", jpath, ctrl);
	return 0;
}

static int wr(const char *dir, const char *file, const char *val, const char *jpath, struct hull_error *err)
{
	if (cg_write(dir, file, val, err) < 0)
		return hull_error_prefix(err, "%s", jpath);
	return 0;
}

static int wr_u64(const char *dir, const char *file, uint64_t v, const char *jpath, struct hull_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return wr(dir, file, buf, jpath, err);
}

static int wr_i64(const char *dir, const char *file, int64_t v, const char *jpath, struct hull_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return wr(dir, file, buf, jpath, err);
}

/* ---- cpu and cpuset ---------------------------------------------------------- */

static int v1_cpu(struct hull_cgroup *cg, const struct hull_cpu_resources *c, struct hull_error *err)
{
	/* 0 (and "" for the cpuset lists) leaves a value alone, as runc's v1 setters do. */
	uint64_t shares = c->has_shares ? c->shares : 0, period = c->has_period ? c->period : 0;
	int64_t quota = c->has_quota ? c->quota : 0;
	uint64_t rt_period = c->has_rt_period ? c->rt_period : 0;
	int64_t rt_runtime = c->has_rt_runtime ? c->rt_runtime : 0;
	const char *d = NULL;
	bool any = shares || quota || period || c->has_burst || c->has_idle || rt_period || rt_runtime;
	if (any && need(cg, "cpu", "linux.resources.cpu", &d, err) < 0)
		return -1;
	/* rt period before runtime: the runtime must fit in the period */
	if (rt_period && wr_u64(d, "cpu.rt_period_us", rt_period, "linux.resources.cpu.realtimePeriod", err) < 0)
		return -1;
	if (rt_runtime && wr_i64(d, "cpu.rt_runtime_us", rt_runtime, "linux.resources.cpu.realtimeRuntime", err) < 0)
		return -1;
	if (shares && wr_u64(d, "cpu.shares", shares, "linux.resources.cpu.shares", err) < 0)
		return -1;
	if (period) {
		/* A shorter period can be refused while the old quota exceeds it: quota first then. */
		char pbuf[32];
		snprintf(pbuf, sizeof(pbuf), "%" PRIu64, period);
		if (cg_write_quiet(d, "cpu.cfs_period_us", pbuf) < 0) {
			if (quota && wr_i64(d, "cpu.cfs_quota_us", quota > 0 ? quota : -1, "linux.resources.cpu.quota",
					    err) < 0)
				return -1;
			if (wr_u64(d, "cpu.cfs_period_us", period, "linux.resources.cpu.period", err) < 0)
				return -1;
		}
	}
	if (quota && wr_i64(d, "cpu.cfs_quota_us", quota > 0 ? quota : -1, "linux.resources.cpu.quota", err) < 0)
		return -1;
	if (c->has_burst && wr_u64(d, "cpu.cfs_burst_us", c->burst, "linux.resources.cpu.burst", err) < 0)
		return -1;
	if (c->has_idle && wr_i64(d, "cpu.idle", c->idle, "linux.resources.cpu.idle", err) < 0)
		return -1;
	if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
		if (need(cg, "cpuset", "linux.resources.cpu", &d, err) < 0)
			return -1;
		if (c->cpus && *c->cpus && wr(d, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
			return -1;
		if (c->mems && *c->mems && wr(d, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
			return -1;
	}
	return 0;
}

/* A new cpuset cgroup starts with no cpus and no mems (no task may join): copy the parent's.
 * Run on every directory of the path, top down: ancestors someone else made (a pod cgroup,
 * say) may be empty too, and then nothing below them can take a task (runc fills them). */
static int cpuset_init(const char *dir, struct hull_error *err)
{
	_cleanup_free_ char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;
		if (cg_read(dir, files[i], &mine) == 0 && mine[0] != '\n' && mine[0])
			continue;
		int r = cg_read(parent, files[i], &theirs);
		if (r < 0)
			return hull_fail(err, -r, "read %s/%s", parent, files[i]);
		if (cg_write(dir, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- memory --------------------------------------------------------------------- */

static int mem_write(const char *d, const char *file, int64_t v, const char *jpath, struct hull_error *err)
{
	return wr_i64(d, file, v < 0 ? -1 : v, jpath, err);
}

static int v1_memory(struct hull_cgroup *cg, const struct hull_memory_resources *m, bool update, struct hull_error *err)
{
	cg_warn_kernel_memory(m, update);
	int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
	int64_t reservation = m->has_reservation ? m->reservation : 0;
	bool swappiness = m->has_swappiness && m->swappiness != UINT64_MAX;
	bool no_oom_kill = m->has_disable_oom_killer && m->disable_oom_killer;
	if (!limit && !swap && !reservation && !swappiness && !no_oom_kill)
		return 0; /* all unset (Docker sends zeros) */
	const char *d = NULL;
	if (need(cg, "memory", "linux.resources.memory", &d, err) < 0)
		return -1;
	bool has_memsw = cg_file_exists(d, "memory.memsw.limit_in_bytes");
	if (limit == -1 && swap == 0 && has_memsw)
		swap = -1; /* "unlimited memory" means unlimited memory+swap too (runc) */
	if (swap != 0 && !has_memsw)
		return hull_fail(err, ENOENT, "linux.resources.memory.swap: swap accounting is not enabled in this kernel");
	if (limit != 0 && swap != 0) {
		/* memsw must stay >= limit after every single write: pick the order that does. */
		if (mem_write(d, "memory.limit_in_bytes", limit, "linux.resources.memory.limit", err) == 0) {
			if (mem_write(d, "memory.memsw.limit_in_bytes", swap, "linux.resources.memory.swap", err) < 0)
				return -1;
		} else {
			hull_error_clear(err);
			if (mem_write(d, "memory.memsw.limit_in_bytes", swap, "linux.resources.memory.swap", err) < 0 ||
			    mem_write(d, "memory.limit_in_bytes", limit, "linux.resources.memory.limit", err) < 0)
				return -1;
		}
	} else if (limit != 0) {
		if (mem_write(d, "memory.limit_in_bytes", limit, "linux.resources.memory.limit", err) < 0)
			return -1;
	} else if (swap != 0) {
		if (mem_write(d, "memory.memsw.limit_in_bytes", swap, "linux.resources.memory.swap", err) < 0)
			return -1;
	}
	if (reservation &&
	    mem_write(d, "memory.soft_limit_in_bytes", reservation, "linux.resources.memory.reservation", err) < 0)
		return -1;
	if (swappiness && wr_u64(d, "memory.swappiness", m->swappiness, "linux.resources.memory.swappiness", err) < 0)
		return -1;
	if (no_oom_kill && wr(d, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller", err) < 0)
		return -1;
	return 0;
}

/* ---- blkio --------------------------------------------------------------------- */

static int throttle(const char *d, const char *file, const struct hull_throttle_device *t, size_t n,
		    const char *jname, struct hull_error *err)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *v = xasprintf("%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor, t[i].rate);
		_cleanup_free_ char *jp = xasprintf("linux.resources.blockIO.%s[%zu]", jname, i);
		if (wr(d, file, v, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_blkio(struct hull_cgroup *cg, const struct hull_blkio_resources *b, struct hull_error *err)
{
	bool any = (b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) || b->n_weight_devices ||
		   b->n_throttle_read_bps || b->n_throttle_write_bps || b->n_throttle_read_iops || b->n_throttle_write_iops;
	const char *d = NULL;
	if (!any)
		return 0; /* weight 0 is unset (Docker sends it) */
	if (need(cg, "blkio", "linux.resources.blockIO", &d, err) < 0)
		return -1;
	/* Without CFQ (gone since 5.0) the weights live in BFQ's files. */
	bool bfq = !cg_file_exists(d, "blkio.weight") && cg_file_exists(d, "blkio.bfq.weight");
	if (b->has_weight && b->weight &&
	    wr_u64(d, bfq ? "blkio.bfq.weight" : "blkio.weight", b->weight, "linux.resources.blockIO.weight", err) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight) {
		if (!cg_file_exists(d, "blkio.leaf_weight"))
			return hull_fail(err, ENOENT, "linux.resources.blockIO.leafWeight: not supported by this kernel "
						      "(no blkio.leaf_weight)");
		if (wr_u64(d, "blkio.leaf_weight", b->leaf_weight, "linux.resources.blockIO.leafWeight", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct hull_weight_device *w = &b->weight_devices[i];
		_cleanup_free_ char *jp = xasprintf("linux.resources.blockIO.weightDevice[%zu]", i);
		if (w->has_weight && w->weight) { /* 0: unset (runc) */
			_cleanup_free_ char *v = xasprintf("%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight);
			if (wr(d, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", v, jp, err) < 0)
				return -1;
		}
		if (w->has_leaf_weight && w->leaf_weight) {
			_cleanup_free_ char *v = xasprintf("%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->leaf_weight);
			if (wr(d, "blkio.leaf_weight_device", v, jp, err) < 0)
				return -1;
		}
	}
	if (throttle(d, "blkio.throttle.read_bps_device", b->throttle_read_bps, b->n_throttle_read_bps,
		     "throttleReadBpsDevice", err) < 0 ||
	    throttle(d, "blkio.throttle.write_bps_device", b->throttle_write_bps, b->n_throttle_write_bps,
		     "throttleWriteBpsDevice", err) < 0 ||
	    throttle(d, "blkio.throttle.read_iops_device", b->throttle_read_iops, b->n_throttle_read_iops,
		     "throttleReadIOPSDevice", err) < 0 ||
	    throttle(d, "blkio.throttle.write_iops_device", b->throttle_write_iops, b->n_throttle_write_iops,
		     "throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

/* ---- the rest ------------------------------------------------------------------------ */

static int v1_hugetlb(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	if (res->n_hugepage_limits == 0)
		return 0;
	const char *d = cg_v1_dir(cg, "hugetlb");
	if (!d && hybrid_unified(cg)) /* hybrid hosts often have hugetlb only on cgroup2 */
		return cg_v2_hugetlb(cg->v2_dir, res, err);
	if (!d)
		return hull_fail(err, ENOENT, "linux.resources.hugepageLimits: the hugetlb cgroup controller is not mounted");
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct hull_hugepage_limit *h = &res->hugepage_limits[i];
		_cleanup_free_ char *file = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
		_cleanup_free_ char *jp = xasprintf("linux.resources.hugepageLimits[%zu]", i);
		if (!cg_file_exists(d, file))
			return hull_fail(err, ENOENT, "%s.pageSize: hugepage size \"%s\" is not supported", jp, h->page_size);
		if (wr_u64(d, file, h->limit, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_network(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	const char *d = NULL;
	if (res->has_class_id && res->class_id) { /* 0: unset (runc) */
		if (need(cg, "net_cls", "linux.resources.network.classID", &d, err) < 0 ||
		    wr_u64(d, "net_cls.classid", res->class_id, "linux.resources.network.classID", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < res->n_net_priorities; i++) {
		_cleanup_free_ char *v = xasprintf("%s %u", res->net_priorities[i].name, res->net_priorities[i].priority);
		_cleanup_free_ char *jp = xasprintf("linux.resources.network.priorities[%zu]", i);
		if (need(cg, "net_prio", jp, &d, err) < 0 || wr(d, "net_prio.ifpriomap", v, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_rdma(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	const char *d = NULL;
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct hull_rdma_limit *l = &res->rdma[i];
		_cleanup_free_ char *jp = xasprintf("linux.resources.rdma[\"%s\"]", l->device);
		_cleanup_free_ char *h = l->has_hca_handles ? xasprintf(" hca_handle=%u", l->hca_handles) : xstrdup("");
		_cleanup_free_ char *o = l->has_hca_objects ? xasprintf(" hca_object=%u", l->hca_objects) : xstrdup("");
		_cleanup_free_ char *v = xasprintf("%s%s%s", l->device, h, o);
		if (need(cg, "rdma", jp, &d, err) < 0 || wr(d, "rdma.max", v, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_error *err)
{
	const char *dev = cg_v1_dir(cg, "devices");
	if (!update && !cg->rootless && dev) { /* devices are never updated (runc's SkipDevices) */
		_cleanup_free_ struct cg_dev_rule *rules = NULL;
		size_t n = 0;
		if (cg_devices_rules(cg, res, &rules, &n, err) < 0 || cg_devices_v1_apply(dev, rules, n, err) < 0)
			return -1;
	}
	if (!res || !res->present)
		return 0;
	if ((res->has_cpu && v1_cpu(cg, &res->cpu, err) < 0) || (res->has_memory && v1_memory(cg, &res->memory, update, err) < 0))
		return -1;
	if (res->has_pids && res->pids_limit != 0) { /* 0 leaves the limit alone (runc) */
		const char *d = NULL;
		_cleanup_free_ char *v = res->pids_limit > 0 ? xasprintf("%" PRId64, res->pids_limit) : xstrdup("max");
		if (need(cg, "pids", "linux.resources.pids", &d, err) < 0 || wr(d, "pids.max", v, "linux.resources.pids.limit", err) < 0)
			return -1;
	}
	if ((res->has_blkio && v1_blkio(cg, &res->blkio, err) < 0) || v1_hugetlb(cg, res, err) < 0 ||
	    (res->has_network && v1_network(cg, res, err) < 0) || v1_rdma(cg, res, err) < 0)
		return -1;
	return 0; /* linux.resources.unified is refused on v1 and hybrid hosts (cgroup.c) */
}

/* ---- lifecycle ------------------------------------------------------------------------- */

/* Controllers the unified hierarchy of a hybrid host must enable for this config. */
static size_t hybrid_needs(struct hull_cgroup *cg, const struct hull_resources *res, const char **ctrls)
{
	size_t n = 0;
	if (res && res->present && res->n_hugepage_limits && !cg_v1_dir(cg, "hugetlb"))
		ctrls[n++] = "hugetlb";
	return n;
}

static int v1_create(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	for (size_t i = 0; i < cg->n_v1; i++) {
		bool cpuset = strstr(cg->v1[i].controllers, "cpuset") != NULL;
		if (cg_mkdir_path(cg->v1[i].mountpoint, cg->path, cpuset ? cpuset_init : NULL, err) < 0)
			return -1;
	}
	if (hybrid_unified(cg)) {
		const char *ctrls[1];
		size_t n = hybrid_needs(cg, res, ctrls);
		if (cg_mkdir_path(cg->v2_root, cg->path, NULL, err) < 0) {
			/* The unified tree is a courtesy on hybrid hosts unless the config needs it. */
			if (n)
				return -1;
			hull_debug("hybrid host: not joining the unified hierarchy: %s", err->msg);
			hull_error_clear(err);
			free(cg->v2_dir);
			cg->v2_dir = NULL;
		} else if (n && cg_v2_enable_controllers(cg->v2_root, cg->path, ctrls, n, false, err) < 0) {
			return -1;
		}
	}
	return v1_apply(cg, res, false, err);
}

static int v1_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n_v1; i++)
		if (cg_write(cg->v1[i].dir, "cgroup.procs", buf, err) < 0)
			return -1;
	/* Hybrid: the unified hierarchy too, so systemd-style tooling and cgroup.kill see it. */
	if (hybrid_unified(cg) && cg_write(cg->v2_dir, "cgroup.procs", buf, err) < 0)
		return -1;
	return 0;
}

static int v1_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err)
{
	const char *d = cg_v1_dir(cg, "freezer");
	if (!d && hybrid_unified(cg))
		return cg_v2_freeze(cg->v2_dir, frozen, err);
	if (need(cg, "freezer", frozen ? "pause" : "resume", &d, err) < 0)
		return -1;
	const char *want = frozen ? "FROZEN" : "THAWED";
	for (int i = 0; i < 2000; i++) {
		/* Re-writing FROZEN nudges tasks that were busy in the kernel (runc does the same). */
		if (i % 50 == 0 && cg_write(d, "freezer.state", want, err) < 0)
			return -1;
		_cleanup_free_ char *st = NULL;
		if (cg_read(d, "freezer.state", &st) < 0)
			return hull_fail(err, errno, "read %s/freezer.state", d);
		if (strncmp(st, want, strlen(want)) == 0)
			return 0;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return hull_fail(err, ETIMEDOUT, "cgroup %s did not reach %s", d, want);
}

/* Frozen as runc sees it: FROZEN (or on its way) by this cgroup's own freezer.state, not
 * merely because an ancestor is frozen (freezer.self_freezing; absent on old kernels). */
static int v1_is_frozen(struct hull_cgroup *cg, bool *frozen)
{
	const char *d = cg_v1_dir(cg, "freezer");
	_cleanup_free_ char *st = NULL, *self = NULL;
	*frozen = false;
	if (!d && hybrid_unified(cg) && cg_read(cg->v2_dir, "cgroup.freeze", &st) == 0) {
		*frozen = st[0] == '1';
		return 0;
	}
	if (!d || cg_read(d, "freezer.state", &st) < 0 || strncmp(st, "THAWED", 6) == 0)
		return 0;
	*frozen = cg_read(d, "freezer.self_freezing", &self) < 0 || self[0] != '0';
	return 0;
}

static const char *v1_procs_dir(struct hull_cgroup *cg)
{
	const char *d = cg_v1_dir(cg, "freezer");
	if (!d)
		d = cg_v1_dir(cg, "pids");
	if (!d && cg->n_v1)
		d = cg->v1[0].dir;
	return d;
}

static int v1_oom_count(struct hull_cgroup *cg, uint64_t *count)
{
	const char *d = cg_v1_dir(cg, "memory");
	_cleanup_free_ char *oc = NULL;
	*count = 0;
	if (!d || cg_read(d, "memory.oom_control", &oc) < 0)
		return -1;
	cg_keyed_u64(oc, "oom_kill", count);
	return 0;
}

static int v1_destroy(struct hull_cgroup *cg, struct hull_error *err)
{
	/* Try every hierarchy even after a failure; report the first error. */
	int r = 0;
	struct hull_error later = { 0 };
	uint64_t deadline = cg_remove_deadline();
	for (size_t i = 0; i < cg->n_v1; i++)
		if (cg_remove(cg->v1[i].mountpoint, cg->v1[i].dir, deadline, r < 0 ? &later : err) < 0)
			r = -1;
	if (hybrid_unified(cg) && cg_remove(cg->v2_root, cg->v2_dir, deadline, r < 0 ? &later : err) < 0)
		r = -1;
	hull_error_clear(&later);
	return r;
}

const struct cg_ops hull_cg_v1_ops = {
	.name = "cgroup1",
	.create = v1_create,
	.apply = v1_apply,
	.enter = v1_enter,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.procs_dir = v1_procs_dir,
	.stats = cg_v1_stats,
	.oom_count = v1_oom_count,
	.destroy = v1_destroy,
};
