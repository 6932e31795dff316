/* cgroup.c - the cgroup manager: host detection, cgroupsPath resolution, backend dispatch. */
#include "internal.h"
#include "common/mountinfo.h"
#include "common/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#define CG_ROOT "/sys/fs/cgroup"

static const char *const v1_known[] = { "cpuset", "cpu",   "cpuacct",   "blkio",   "memory", "devices", "freezer",
					"net_cls", "perf_event", "net_prio", "hugetlb", "pids",   "rdma",    "misc" };

/* ---- host detection ------------------------------------------------------- */

struct cg_host {
	enum cg_mode mode;
	char *v2_root;
	struct cg_v1_hier *v1;
	size_t n_v1;
};

static void host_clear(struct cg_host *h)
{
	free(h->v2_root);
	for (size_t i = 0; i < h->n_v1; i++) {
		free(h->v1[i].mountpoint);
		free(h->v1[i].controllers);
		free(h->v1[i].dir);
	}
	free(h->v1);
	memset(h, 0, sizeof(*h));
}

/* The controller list from a v1 mount's super options ("rw,cpu,cpuacct" -> "cpu,cpuacct"). */
static char *v1_controllers(const char *opts)
{
	_cleanup_free_ char *copy = xstrdup(opts);
	char *out = xzalloc(strlen(opts) + 1);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		bool keep = hull_str_has_prefix(o, "name=");
		for (size_t i = 0; i < ARRAY_SIZE(v1_known) && !keep; i++)
			keep = strcmp(o, v1_known[i]) == 0;
		if (!keep)
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, o);
	}
	return out;
}

static void host_add_mount(struct cg_host *h, const char *mnt, const char *fstype, const char *opts, size_t *cap)
{
	if (strcmp(fstype, "cgroup2") == 0) {
		/* The main one wins over odd extra mounts (/sys/fs/cgroup, then .../unified). */
		if (!h->v2_root || strcmp(mnt, CG_ROOT) == 0 ||
		    (strcmp(h->v2_root, CG_ROOT) != 0 && strcmp(mnt, CG_ROOT "/unified") == 0)) {
			free(h->v2_root);
			h->v2_root = xstrdup(mnt);
		}
		return;
	}
	_cleanup_free_ char *ctrls = v1_controllers(opts);
	if (!*ctrls)
		return;
	for (size_t i = 0; i < h->n_v1; i++)
		if (strcmp(h->v1[i].controllers, ctrls) == 0)
			return; /* the same hierarchy mounted twice */
	h->v1 = xgrow(h->v1, cap, h->n_v1, sizeof(*h->v1));
	h->v1[h->n_v1++] = (struct cg_v1_hier){ .mountpoint = xstrdup(mnt), .controllers = steal_pointer(&ctrls) };
}

static int host_detect(struct cg_host *h)
{
	memset(h, 0, sizeof(*h));
	struct hull_mountinfo *mi = NULL;
	ssize_t n = hull_mountinfo_read(&mi);
	if (n < 0)
		return -errno;
	size_t cap = 0;
	for (ssize_t i = 0; i < n; i++)
		if (strcmp(mi[i].fstype, "cgroup") == 0 || strcmp(mi[i].fstype, "cgroup2") == 0)
			host_add_mount(h, mi[i].mountpoint, mi[i].fstype, mi[i].super_opts, &cap);
	hull_mountinfo_free(mi, (size_t)n);
	if (h->v2_root && h->n_v1 == 0)
		h->mode = CG_MODE_V2;
	else if (h->v2_root)
		h->mode = CG_MODE_HYBRID;
	else if (h->n_v1 > 0)
		h->mode = CG_MODE_V1;
	return 0;
}

const char *hull_cgroup_host_mode(void)
{
	struct cg_host h;
	if (host_detect(&h) < 0)
		return "none";
	static const char *const names[] = { "none", "v1", "hybrid", "v2" };
	const char *m = names[h.mode];
	host_clear(&h);
	return m;
}

/* ---- cgroupsPath resolution ------------------------------------------------ */

/* The caller's own cgroup in the reference hierarchy: the unified one ("0::"), else
 * name=systemd, else the first listed. Relative cgroupsPaths live under it. */
static char *own_cgroup(enum cg_mode mode)
{
	struct hull_cgroup_line *l = NULL;
	ssize_t n = hull_proc_cgroup_read(&l);
	const char *best = NULL;
	int best_rank = 0;
	for (ssize_t i = 0; i < n; i++) {
		const char *ctrls = l[i].controllers;
		int rank = 1;
		if (!*ctrls && mode == CG_MODE_V2)
			rank = 3;
		else if (strcmp(ctrls, "name=systemd") == 0)
			rank = 2;
		else if (!*ctrls)
			rank = 0; /* hybrid: the unified hierarchy often sits at "/" */
		if (rank > best_rank || !best) {
			best = l[i].path;
			best_rank = rank;
		}
	}
	char *own = xstrdup(best ? best : "/");
	hull_proc_cgroup_free(l, n > 0 ? (size_t)n : 0);
	return own;
}

static int resolve_path(const struct hull_cgroup_config *cfg, enum cg_mode mode, char **out, struct hull_error *err)
{
	const char *p = cfg->cgroups_path;
	if (p && *p == '/') { /* absolute: also what open gets back from state */
		*out = cg_clean_path(p);
		return 0;
	}
	if (!p || !*p) {
		*out = xasprintf("/hull/%s", cfg->id);
		return 0;
	}
	/* Relative: under the caller's cgroup (runc; on v2 its parent, since a cgroup with
	 * processes in it cannot enable controllers for children). */
	_cleanup_free_ char *own = own_cgroup(mode);
	if (mode == CG_MODE_V2) {
		char *s = strrchr(own, '/');
		if (s)
			*(s == own ? s + 1 : s) = '\0';
	}
	_cleanup_free_ char *joined = xasprintf("%s/%s", own, p);
	*out = cg_clean_path(joined);
	return 0;
}

/* ---- the no-op backend ------------------------------------------------------ */

static int noop_create(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	(void)cg, (void)res, (void)err;
	return 0;
}
static int noop_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_error *err)
{
	(void)cg, (void)update;
	if (res && res->present && update)
		return hull_fail(err, ENOTSUP, "cgroups are disabled for this container: cannot update resources");
	return 0;
}
static int noop_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	(void)cg, (void)pid, (void)err;
	return 0;
}
static int noop_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err)
{
	(void)cg, (void)frozen;
	return hull_fail(err, ENOTSUP, "cgroups are disabled for this container: cannot %s it",
			 frozen ? "pause" : "resume");
}
static int noop_is_frozen(struct hull_cgroup *cg, bool *frozen)
{
	(void)cg;
	*frozen = false;
	return 0;
}
static const char *noop_procs_dir(struct hull_cgroup *cg)
{
	(void)cg;
	return NULL;
}
static int noop_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err)
{
	(void)cg, (void)err;
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	return 0;
}
static int noop_oom(struct hull_cgroup *cg, uint64_t *count)
{
	(void)cg;
	*count = 0;
	return 0;
}
static int noop_destroy(struct hull_cgroup *cg, struct hull_error *err)
{
	(void)cg, (void)err;
	return 0;
}

static const struct cg_ops noop_ops = {
	.name = "disabled", .create = noop_create,       .apply = noop_apply,         .enter = noop_enter,
	.freeze = noop_freeze, .is_frozen = noop_is_frozen, .procs_dir = noop_procs_dir, .stats = noop_stats,
	.oom_count = noop_oom, .destroy = noop_destroy,
};

/* ---- public API ------------------------------------------------------------------ */

void hull_cgroup_config_init(struct hull_cgroup_config *cfg, const char *id, const struct hull_spec *spec,
			     const struct hull_global_opts *g, bool rootless)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = id;
	cfg->manager = g ? g->cgroup_manager : HULL_CGROUP_MANAGER_CGROUPFS;
	cfg->rootless = rootless;
	if (spec) {
		cfg->cgroups_path = spec->linux_.cgroups_path;
		cfg->devices = spec->linux_.devices;
		cfg->n_devices = spec->linux_.n_devices;
		cfg->annotations = spec->annotations;
		cfg->n_annotations = spec->n_annotations;
	}
}

static int handle_new(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err)
{
	struct hull_cgroup *cg = xzalloc(sizeof(*cg));
	cg->v2_fd = -1;
	cg->id = xstrdup(cfg->id ? cfg->id : "");
	cg->rootless = cfg->rootless;
	cg->spec_devices = cfg->devices;
	cg->n_spec_devices = cfg->n_devices;
	*out = cg;
	struct cg_host h;
	if (cfg->manager == HULL_CGROUP_MANAGER_DISABLED || host_detect(&h) < 0 || h.mode == CG_MODE_NONE) {
		if (cfg->manager != HULL_CGROUP_MANAGER_DISABLED)
			hull_debug("no cgroup hierarchy mounted: container %s runs without cgroups", cg->id);
		cg->ops = &noop_ops;
		cg->path = xstrdup("");
		return 0;
	}
	cg->mode = h.mode;
	cg->v2_root = steal_pointer(&h.v2_root);
	cg->v1 = steal_pointer(&h.v1);
	cg->n_v1 = h.n_v1;
	h.n_v1 = 0;
	cg->ops = cg->mode == CG_MODE_V2 ? &hull_cg_v2_ops : &hull_cg_v1_ops;
	if (cfg->manager == HULL_CGROUP_MANAGER_SYSTEMD ? cg_systemd_plan(cg, cfg, err) < 0
							: resolve_path(cfg, cg->mode, &cg->path, err) < 0)
		return -1;
	if (strcmp(cg->path, "/") == 0)
		return hull_fail(err, EINVAL, "linux.cgroupsPath: the root cgroup cannot be a container's cgroup");
	if (cg->v2_root)
		cg->v2_dir = xasprintf("%s%s", cg->v2_root, cg->path);
	for (size_t i = 0; i < cg->n_v1; i++)
		cg->v1[i].dir = xasprintf("%s%s", cg->v1[i].mountpoint, cg->path);
	return 0;
}

/* Rootless without write access to the hierarchy: go on without cgroups, as runc does,
 * unless the config asks for limits that would then silently not apply. */
static bool rootless_fallback(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	if (!cg->rootless || (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS))
		return false;
	if (res && res->present && (res->has_cpu || res->has_memory || res->has_pids || res->has_blkio ||
				    res->n_hugepage_limits || res->n_unified || res->n_rdma))
		return false;
	hull_debug("rootless: no access to cgroups (%s); container %s runs without its own cgroup", err->msg, cg->id);
	hull_error_clear(err);
	cg->ops = &noop_ops;
	return true;
}

/* runc 1.1: linux.resources.unified needs a pure cgroup v2 host (hybrid ones included). */
static int check_unified(const struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	if (res && res->present && res->n_unified && (cg->mode == CG_MODE_V1 || cg->mode == CG_MODE_HYBRID))
		return hull_fail_plain(err, EINVAL,
				       "linux.resources.unified: invalid configuration: cannot use unified on cgroup v1");
	return 0;
}

/* A cgroup that already exists: processes in it get runc's warning (the container shares
 * it), a frozen one is refused before anything joins it (the init would hang there). */
static int check_existing(struct hull_cgroup *cg, struct hull_error *err)
{
	const char *dir = cg->ops->procs_dir(cg);
	if (dir && access(dir, F_OK) == 0) {
		pid_t *pids = NULL;
		size_t n = 0;
		if (cg_read_pids(dir, &pids, &n, NULL) == 0 && n)
			hull_warn("container's cgroup is not empty: %zu process(es) found", n);
		free(pids);
	}
	bool frozen = false;
	cg->ops->is_frozen(cg, &frozen);
	if (frozen)
		return hull_fail_plain(err, EBUSY, "container's cgroup unexpectedly frozen");
	return 0;
}

int hull_cgroup_plan(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err)
{
	*out = NULL;
	struct hull_cgroup *cg = NULL;
	if (handle_new(cfg, &cg, err) < 0) {
		hull_cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

int hull_cgroup_make(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	/* Refusals first: nothing is made yet, a pre-existing cgroup stays as it was. */
	if (cg_validate_resources(res, err) < 0 || check_unified(cg, res, err) < 0 ||
	    (cg->ops != &noop_ops && check_existing(cg, err) < 0))
		return -1;
	if (cg->ops->create(cg, res, err) < 0) {
		struct hull_error e2 = { 0 };
		cg->ops->destroy(cg, &e2); /* never leave a half-made cgroup behind */
		hull_error_clear(&e2);
		if (!rootless_fallback(cg, res, err))
			return -1;
	}
	cg->exists = true;
	return 0;
}

int hull_cgroup_create(const struct hull_cgroup_config *cfg, const struct hull_resources *res,
		       struct hull_cgroup **out, struct hull_error *err)
{
	*out = NULL;
	struct hull_cgroup *cg = NULL;
	if (cg_validate_resources(res, err) < 0 || hull_cgroup_plan(cfg, &cg, err) < 0)
		return -1;
	if (hull_cgroup_make(cg, res, err) < 0) {
		hull_cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

int hull_cgroup_open(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err)
{
	*out = NULL;
	struct hull_cgroup *cg = NULL;
	if (handle_new(cfg, &cg, err) < 0) {
		hull_cgroup_free(cg);
		return -1;
	}
	if (cg->sd)
		cg_systemd_opened(cg);
	if (cg->v2_dir && cg->mode == CG_MODE_V2) {
		cg->v2_fd = open(cg->v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		cg->exists = cg->v2_fd >= 0;
	} else if (cg->n_v1 > 0) {
		cg->exists = access(cg->v1[0].dir, F_OK) == 0;
	}
	*out = cg;
	return 0;
}

int hull_cgroup_v2_dirfd(const struct hull_cgroup *cg)
{
	return cg && cg->mode == CG_MODE_V2 ? cg->v2_fd : -1;
}

int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	return cg->ops->enter(cg, pid, err);
}

int hull_cgroup_self_enter_fds(struct hull_cgroup *cg, int **fds, size_t *n, int *unified_fd)
{
	*fds = NULL;
	*n = 0;
	*unified_fd = -1;
	/* not with systemd: its scope exists only once the init does (systemd.c) */
	if (!cg || (cg->mode != CG_MODE_V1 && cg->mode != CG_MODE_HYBRID) || cg->rootless || !cg->n_v1 || cg->sd)
		return -1;
	int *v = xcalloc(cg->n_v1, sizeof(int));
	size_t k = 0;
	for (; k < cg->n_v1; k++) {
		_cleanup_free_ char *tasks = xasprintf("%s/tasks", cg->v1[k].dir);
		v[k] = open(tasks, O_WRONLY | O_CLOEXEC);
		if (v[k] < 0)
			break;
	}
	bool ok = k == cg->n_v1;
	if (ok && cg->mode == CG_MODE_HYBRID && cg->v2_dir) {
		*unified_fd = open(cg->v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		ok = *unified_fd >= 0;
	}
	if (!ok) {
		for (size_t j = 0; j < k; j++)
			close(v[j]);
		free(v);
		return -1;
	}
	*fds = v;
	*n = k;
	return 0;
}

int hull_cgroup_update(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	if (cg_validate_resources(res, err) < 0 || check_unified(cg, res, err) < 0)
		return -1;
	return cg->ops->apply(cg, res, true, err);
}

int hull_cgroup_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err)
{
	return cg->ops->freeze(cg, frozen, err);
}

int hull_cgroup_is_frozen(struct hull_cgroup *cg, bool *frozen)
{
	return cg->ops->is_frozen(cg, frozen);
}

int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_error *err)
{
	const char *dir = cg->ops->procs_dir(cg);
	*pids = NULL;
	*n = 0;
	if (!dir)
		return 0;
	if (access(dir, F_OK) < 0 && errno == ENOENT)
		return 0;
	return cg_read_pids(dir, pids, n, err);
}

static bool cg_kill_supported(struct hull_cgroup *cg)
{
	return cg->v2_dir && cg_file_exists(cg->v2_dir, "cgroup.kill");
}

int hull_cgroup_kill_all(struct hull_cgroup *cg, int signo, struct hull_error *err)
{
	/* cgroup.kill is atomic against forks; on hybrid hosts the unified cgroup holds the
	 * same processes, so it works there too. */
	bool was_frozen = false;
	cg->ops->is_frozen(cg, &was_frozen);
	if (signo == SIGKILL && cg_kill_supported(cg)) {
		if (cg_write(cg->v2_dir, "cgroup.kill", "1", err) < 0)
			return -1;
		/* v1 freezer: a frozen task only dies once thawed (runc thaws for SIGKILL too). */
		return was_frozen ? cg->ops->freeze(cg, false, err) : 0;
	}
	/* Freeze first so nothing forks between reading the list and signalling it. */
	struct hull_error ferr = { 0 };
	bool froze = !was_frozen && cg->ops->freeze(cg, true, &ferr) == 0;
	hull_error_clear(&ferr);
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = hull_cgroup_pids(cg, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], signo) < 0 && errno != ESRCH)
			r = hull_fail(err, errno, "kill %d", (int)pids[i]);
	if (froze || (was_frozen && signo == SIGKILL)) {
		struct hull_error terr = { 0 };
		if (cg->ops->freeze(cg, false, r < 0 ? &terr : err) < 0 && r == 0)
			r = -1;
		hull_error_clear(&terr);
	}
	return r;
}

int hull_cgroup_stats_gen(struct hull_cgroup *cg, struct yajl_gen_t *g, struct hull_error *err)
{
	return cg->ops->stats(cg, g, err);
}

int hull_cgroup_stats_json(struct hull_cgroup *cg, char **json, struct hull_error *err)
{
	*json = NULL;
	yajl_gen g = yajl_gen_alloc(NULL);
	if (cg->ops->stats(cg, g, err) < 0) {
		yajl_gen_free(g);
		return -1;
	}
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	*json = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return 0;
}

int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count)
{
	return cg->ops->oom_count(cg, count);
}

int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_error *err)
{
	if (!cg)
		return 0;
	return cg->ops->destroy(cg, err);
}

const char *hull_cgroup_path(const struct hull_cgroup *cg)
{
	return cg->path;
}

bool hull_cgroup_is_noop(const struct hull_cgroup *cg)
{
	return !cg || cg->ops == &noop_ops;
}

void hull_cgroup_free(struct hull_cgroup *cg)
{
	if (!cg)
		return;
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	cg_systemd_free(cg);
	free(cg->id);
	free(cg->path);
	free(cg->v2_root);
	free(cg->v2_dir);
	for (size_t i = 0; i < cg->n_v1; i++) {
		free(cg->v1[i].mountpoint);
		free(cg->v1[i].controllers);
		free(cg->v1[i].dir);
	}
	free(cg->v1);
	free(cg);
}
