/* v2.c - the unified (cgroup v2) backend: create, resources, enter, freeze, destroy. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sys/stat.h>

/* ---- controllers ----------------------------------------------------------- */

static bool word_in(const char *list, const char *w)
{
	size_t wl = strlen(w);
	for (const char *p = list; p && (p = strstr(p, w)); p += wl)
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') && (p[wl] == ' ' || p[wl] == '\n' || !p[wl]))
			return true;
	return false;
}

/* Enable controllers in root+each ancestor of path's cgroup.subtree_control, top down.
 * all_available: everything the parent offers (pure v2, like runc/crun, so stats work);
 * otherwise only ctrls (hybrid hosts, where the unified root belongs to the host). */
int cg_v2_enable_controllers(const char *root, const char *path, const char *const *ctrls, size_t n,
			     bool all_available, struct hull_error *err)
{
	_cleanup_free_ char *cur = xstrdup(root);
	_cleanup_free_ char *copy = xstrdup(path);
	char *last = strrchr(copy, '/');
	if (last)
		*last = '\0'; /* the leaf's own subtree_control stays empty: it holds processes */
	char *save = NULL;
	char *comp = strtok_r(copy, "/", &save);
	for (;;) {
		_cleanup_free_ char *avail = NULL, *enabled = NULL;
		if (cg_read(cur, "cgroup.controllers", &avail) < 0)
			return hull_fail(err, errno, "read %s/cgroup.controllers", cur);
		cg_read(cur, "cgroup.subtree_control", &enabled);
		_cleanup_free_ char *copy2 = xstrdup(avail);
		char *s2 = NULL;
		for (char *c = strtok_r(copy2, " \n", &s2); c; c = strtok_r(NULL, " \n", &s2)) {
			bool want = all_available;
			for (size_t i = 0; i < n && !want; i++)
				want = strcmp(ctrls[i], c) == 0;
			if (!want || (enabled && word_in(enabled, c)))
				continue;
			_cleanup_free_ char *plus = xasprintf("+%s", c);
			int r = cg_write_quiet(cur, "cgroup.subtree_control", plus);
			/* A single failure (e.g. cpu with realtime tasks) must not stop the rest;
			 * a resource that needs it fails later with the controller named. */
			if (r < 0)
				hull_debug("enable %s in %s/cgroup.subtree_control: %s", c, cur, strerror(-r));
		}
		if (!comp)
			break;
		char *next = xasprintf("%s/%s", cur, comp);
		free(cur);
		cur = next;
		comp = strtok_r(NULL, "/", &save);
	}
	return 0;
}

int cg_v2_write_unified(const char *dir, const struct hull_kv *kv, size_t n, struct hull_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = cg_write_quiet(dir, kv[i].key, kv[i].value);
		if (r == 0)
			continue;
		_cleanup_free_ char *avail = NULL;
		_cleanup_free_ char *ctrl = xstrndup(kv[i].key, strcspn(kv[i].key, "."));
		cg_read(dir, "cgroup.controllers", &avail);
		if (avail)
			avail[strcspn(avail, "\n")] = '\0';
		if ((r == -ENOENT || r == -EACCES || r == -EPERM) && strcmp(ctrl, "cgroup") != 0 &&
		    !word_in(avail ? avail : "", ctrl))
			return hull_fail(err, -r,
					 "linux.resources.unified[\"%s\"]: controller \"%s\" is not available in "
					 "cgroup %s (enabled: %s)",
					 kv[i].key, ctrl, dir, avail && *avail ? avail : "none");
		return hull_fail(err, -r, "linux.resources.unified[\"%s\"]: write \"%s\" to %s/%s", kv[i].key,
				 kv[i].value, dir, kv[i].key);
	}
	return 0;
}

int cg_v2_hugetlb(const char *dir, const struct hull_resources *res, struct hull_error *err)
{
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct hull_hugepage_limit *h = &res->hugepage_limits[i];
		_cleanup_free_ char *file = xasprintf("hugetlb.%s.max", h->page_size);
		_cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
		_cleanup_free_ char *val = xasprintf("%" PRIu64, h->limit);
		int r = cg_write_quiet(dir, file, val);
		if (r == -ENOENT)
			return hull_fail(err, ENOENT,
					 "linux.resources.hugepageLimits[%zu].pageSize: hugepage size \"%s\" is not "
					 "supported (no %s in %s, or the hugetlb controller is not enabled)",
					 i, h->page_size, file, dir);
		if (r < 0)
			return hull_fail(err, -r, "linux.resources.hugepageLimits[%zu]: write %s to %s/%s", i, val, dir,
					 file);
		cg_write_quiet(dir, rsvd, val); /* optional: kernels >= 5.7 */
	}
	return 0;
}

/* ---- resources ---------------------------------------------------------------- */

static char *num_or_max(int64_t v)
{
	return v < 0 ? xstrdup("max") : xasprintf("%" PRId64, v);
}

/* Wrap a write error with the JSON path of the resource; a missing file means the
 * controller is not enabled for this cgroup (or not built into the kernel). */
static int wr(const char *dir, const char *file, const char *val, const char *jpath, struct hull_error *err)
{
	int r = cg_write_quiet(dir, file, val);
	if (r == -ENOENT)
		return hull_fail(err, ENOENT, "%s: the %.*s controller is not available in cgroup %s (no %s)", jpath,
				 (int)strcspn(file, "."), file, dir, file);
	if (r < 0)
		return hull_fail(err, -r, "%s: write \"%s\" to %s/%s", jpath, val, dir, file);
	return 0;
}

static int v2_cpu(const char *dir, const struct hull_cpu_resources *c, struct hull_error *err)
{
	if ((c->has_rt_runtime && c->rt_runtime != 0) || (c->has_rt_period && c->rt_period != 0))
		return hull_fail(err, EINVAL, "linux.resources.cpu.realtimeRuntime/realtimePeriod: realtime "
					      "cgroup scheduling is not supported on cgroup v2");
	/* idle first (as runc): while cpu.idle is 1 the kernel refuses cpu.weight, so a weight
	 * given together with idle 1 is skipped, and one given with idle 0 must come after it. */
	if (c->has_idle) {
		_cleanup_free_ char *v = xasprintf("%" PRId64, c->idle);
		if (wr(dir, "cpu.idle", v, "linux.resources.cpu.idle", err) < 0)
			return -1;
	}
	if (c->has_shares && c->shares && !(c->has_idle && c->idle == 1)) { /* 0: unset (runc) */
		_cleanup_free_ char *v = xasprintf("%" PRIu64, cg_shares_to_weight(c->shares));
		if (wr(dir, "cpu.weight", v, "linux.resources.cpu.shares", err) < 0)
			return -1;
	}
	/* 0 leaves quota or period alone (runc; Docker sends both as 0). */
	int64_t quota_v = c->has_quota ? c->quota : 0;
	uint64_t period_v = c->has_period ? c->period : 0;
	if (quota_v || period_v) {
		_cleanup_free_ char *cur = NULL, *quota = NULL, *v = NULL;
		if (quota_v)
			quota = quota_v > 0 ? xasprintf("%" PRId64, quota_v) : xstrdup("max");
		else if (cg_read(dir, "cpu.max", &cur) == 0)
			quota = xstrndup(cur, strcspn(cur, " \n")); /* keep the current quota */
		else
			quota = xstrdup("max");
		v = period_v ? xasprintf("%s %" PRIu64, quota, period_v) : xstrdup(quota);
		if (wr(dir, "cpu.max", v, "linux.resources.cpu.quota", err) < 0)
			return -1;
	}
	if (c->has_burst) {
		_cleanup_free_ char *v = xasprintf("%" PRIu64, c->burst);
		if (wr(dir, "cpu.max.burst", v, "linux.resources.cpu.burst", err) < 0)
			return -1;
	}
	if (c->cpus && *c->cpus && wr(dir, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems && wr(dir, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

static int v2_memory(const char *dir, const struct hull_memory_resources *m, bool update, struct hull_error *err)
{
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return hull_fail(err, EINVAL, "linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
	if (m->has_swappiness && m->swappiness != UINT64_MAX)
		hull_warn("linux.resources.memory.swappiness: ignored, cgroup v2 has no per-cgroup swappiness");
	cg_warn_kernel_memory(m, update);
	int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0, v2swap = 0;
	const char *why = NULL;
	if (cg_swap_v1_to_v2(swap, limit, &v2swap, &why) < 0)
		return hull_fail(err, EINVAL, "linux.resources.memory.swap: %s", why);
	/* swap first: a lower memory.max with the old swap.max is always valid. swap equal
	 * to the limit means no swap at all (0), as in runc. */
	bool no_swap = v2swap == 0 && swap > 0;
	if (v2swap != 0 || no_swap) {
		_cleanup_free_ char *v = num_or_max(v2swap);
		int r = cg_write_quiet(dir, "memory.swap.max", v);
		/* without swap accounting, "max" and "0" are what the kernel does anyway */
		if (r < 0 && !(r == -ENOENT && (v2swap == -1 || no_swap)))
			return hull_fail(err, -r, "linux.resources.memory.swap: write %s to %s/memory.swap.max", v, dir);
	}
	if (limit != 0) {
		_cleanup_free_ char *v = num_or_max(limit);
		if (wr(dir, "memory.max", v, "linux.resources.memory.limit", err) < 0)
			return -1;
	}
	if (m->has_reservation && m->reservation != 0) {
		_cleanup_free_ char *v = num_or_max(m->reservation);
		if (wr(dir, "memory.low", v, "linux.resources.memory.reservation", err) < 0)
			return -1;
	}
	return 0;
}

static int v2_io_devices(const char *dir, const char *file, const char *key,
			 const struct hull_throttle_device *d, size_t n, const char *jname, struct hull_error *err)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *v = d[i].rate ? xasprintf("%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major,
							      d[i].minor, key, d[i].rate)
						   : xasprintf("%" PRId64 ":%" PRId64 " %s=max", d[i].major, d[i].minor, key);
		_cleanup_free_ char *jp = xasprintf("linux.resources.blockIO.%s[%zu]", jname, i);
		if (wr(dir, file, v, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_io(const char *dir, const struct hull_blkio_resources *b, struct hull_error *err)
{
	/* BFQ takes blkio's own scale; io.weight (iocost) the 1-10000 one. */
	bool bfq = cg_file_exists(dir, "io.bfq.weight");
	if (b->has_weight && b->weight) {
		_cleanup_free_ char *v = xasprintf("%" PRIu64, bfq ? b->weight : cg_blkio_to_io_weight(b->weight));
		if (wr(dir, bfq ? "io.bfq.weight" : "io.weight", v, "linux.resources.blockIO.weight", err) < 0)
			return -1;
	}
	if (b->has_leaf_weight && b->leaf_weight)
		hull_warn("linux.resources.blockIO.leafWeight: ignored, cgroup v2 has no leaf weight");
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct hull_weight_device *w = &b->weight_devices[i];
		if (!w->has_weight || !w->weight) /* 0: unset (runc) */
			continue;
		_cleanup_free_ char *v = xasprintf("%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
						   bfq ? w->weight : cg_blkio_to_io_weight(w->weight));
		_cleanup_free_ char *jp = xasprintf("linux.resources.blockIO.weightDevice[%zu]", i);
		if (wr(dir, bfq ? "io.bfq.weight" : "io.weight", v, jp, err) < 0)
			return -1;
	}
	return v2_io_devices(dir, "io.max", "rbps", b->throttle_read_bps, b->n_throttle_read_bps,
			     "throttleReadBpsDevice", err) ||
			       v2_io_devices(dir, "io.max", "wbps", b->throttle_write_bps, b->n_throttle_write_bps,
					     "throttleWriteBpsDevice", err) ||
			       v2_io_devices(dir, "io.max", "riops", b->throttle_read_iops, b->n_throttle_read_iops,
					     "throttleReadIOPSDevice", err) ||
			       v2_io_devices(dir, "io.max", "wiops", b->throttle_write_iops, b->n_throttle_write_iops,
					     "throttleWriteIOPSDevice", err)
		       ? -1
		       : 0;
}

static int rdma_write(const char *dir, const struct hull_resources *res, struct hull_error *err)
{
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct hull_rdma_limit *l = &res->rdma[i];
		_cleanup_free_ char *h = l->has_hca_handles ? xasprintf(" hca_handle=%u", l->hca_handles) : xstrdup("");
		_cleanup_free_ char *o = l->has_hca_objects ? xasprintf(" hca_object=%u", l->hca_objects) : xstrdup("");
		_cleanup_free_ char *v = xasprintf("%s%s%s", l->device, h, o);
		_cleanup_free_ char *jp = xasprintf("linux.resources.rdma[\"%s\"]", l->device);
		if (wr(dir, "rdma.max", v, jp, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_error *err)
{
	const char *dir = cg->v2_dir;
	/* runc never updates devices (SkipDevices); at create the filter goes on before the
	 * container's init runs anything, also without any resources (default deny + runc's list). */
	if (!update && !cg->rootless) {
		_cleanup_free_ struct cg_dev_rule *rules = NULL;
		size_t n = 0;
		_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return hull_fail(err, errno, "open %s", dir);
		if (cg_devices_rules(cg, res, &rules, &n, err) < 0 || cg_devices_v2_apply(fd, rules, n, err) < 0)
			return -1;
	}
	if (!res || !res->present)
		return 0;
	if (res->has_cpu && v2_cpu(dir, &res->cpu, err) < 0)
		return -1;
	if (res->has_memory && v2_memory(dir, &res->memory, update, err) < 0)
		return -1;
	if (res->has_pids && res->pids_limit != 0) { /* 0 leaves the limit alone (runc) */
		_cleanup_free_ char *v = res->pids_limit > 0 ? xasprintf("%" PRId64, res->pids_limit) : xstrdup("max");
		if (wr(dir, "pids.max", v, "linux.resources.pids.limit", err) < 0)
			return -1;
	}
	if (res->has_blkio && v2_io(dir, &res->blkio, err) < 0)
		return -1;
	if (cg_v2_hugetlb(dir, res, err) < 0 || rdma_write(dir, res, err) < 0)
		return -1;
	if (res->has_network && (res->has_class_id || res->n_net_priorities))
		hull_warn("linux.resources.network: ignored, cgroup v2 has no net_cls/net_prio");
	/* Last, so the verbatim keys win over the mapped ones (runc's order). */
	return cg_v2_write_unified(dir, res->unified, res->n_unified, err);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static int v2_create(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	if (cg_mkdir_path(cg->v2_root, cg->path, NULL, err) < 0)
		return -1;
	if (cg_v2_enable_controllers(cg->v2_root, cg->path, NULL, 0, true, err) < 0)
		return -1;
	cg->v2_fd = open(cg->v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->v2_fd < 0)
		return hull_fail(err, errno, "open cgroup %s", cg->v2_dir);
	return v2_apply(cg, res, false, err);
}

static int v2_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return cg_write(cg->v2_dir, "cgroup.procs", buf, err);
}

/* Wait until cgroup.events says "frozen <want>": the freeze is asynchronous. */
static int wait_frozen(const char *dir, bool want, struct hull_error *err)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.events", dir);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "open %s", p);
	for (int i = 0; i < 100; i++) {
		char buf[512];
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return hull_fail(err, errno, "read %s", p);
		buf[n] = '\0';
		const char *f = strstr(buf, "frozen ");
		if (f && (f[7] == '1') == want)
			return 0;
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		poll(&pfd, 1, 100); /* kernfs notifies changes with POLLPRI */
	}
	return hull_fail(err, ETIMEDOUT, "cgroup %s did not %s within 10s", dir, want ? "freeze" : "thaw");
}

int cg_v2_freeze(const char *dir, bool frozen, struct hull_error *err)
{
	if (!cg_file_exists(dir, "cgroup.freeze"))
		return hull_fail(err, ENOTSUP, "cgroup %s: the kernel has no cgroup.freeze (needs Linux 5.2)", dir);
	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	return wait_frozen(dir, frozen, err);
}

static int v2_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err)
{
	return cg_v2_freeze(cg->v2_dir, frozen, err);
}

static int v2_is_frozen(struct hull_cgroup *cg, bool *frozen)
{
	_cleanup_free_ char *v = NULL;
	*frozen = false;
	if (cg_read(cg->v2_dir, "cgroup.freeze", &v) < 0)
		return 0;
	*frozen = v[0] == '1';
	return 0;
}

static const char *v2_procs_dir(struct hull_cgroup *cg)
{
	return cg->v2_dir;
}

static int v2_oom_count(struct hull_cgroup *cg, uint64_t *count)
{
	_cleanup_free_ char *ev = NULL;
	*count = 0;
	if (cg_read(cg->v2_dir, "memory.events", &ev) < 0)
		return -1;
	cg_keyed_u64(ev, "oom_kill", count);
	return 0;
}

static int v2_destroy(struct hull_cgroup *cg, struct hull_error *err)
{
	if (cg->v2_fd >= 0) {
		close(cg->v2_fd);
		cg->v2_fd = -1;
	}
	return cg_remove(cg->v2_root, cg->v2_dir, cg_remove_deadline(), err);
}

const struct cg_ops hull_cg_v2_ops = {
	.name = "cgroup2",
	.create = v2_create,
	.apply = v2_apply,
	.enter = v2_enter,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.procs_dir = v2_procs_dir,
	.stats = cg_v2_stats,
	.oom_count = v2_oom_count,
	.destroy = v2_destroy,
};
