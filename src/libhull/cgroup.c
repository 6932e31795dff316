/* cgroup.c - the cgroup manager: host detection, cgroupsPath resolution, backend dispatch, shared helpers. */
#include "cgroup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#define CG_ROOT "/sys/fs/cgroup"
/* Marks the cgroup directories hull made, so destroy removes parents it created
 * (and only those). trusted.* needs CAP_SYS_ADMIN: rootless simply leaves parents. */
#define CG_MARK_XATTR "trusted.hull.created"

static const char *const v1_known[] = { "cpuset", "cpu",   "cpuacct",   "blkio",   "memory", "devices", "freezer",
					"net_cls", "perf_event", "net_prio", "hugetlb", "pids",   "rdma",    "misc" };

/* ---- file helpers ------------------------------------------------------- */

int cg_write_quiet(const char *dir, const char *file, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One write(): cgroup files take the whole value in one call. */
	ssize_t w = write(fd, val, strlen(val));
	if (w < 0)
		return -errno;
	return 0;
}

int cg_write(const char *dir, const char *file, const char *val, struct hull_error *err)
{
	int r = cg_write_quiet(dir, file, val);
	if (r < 0)
		return hull_fail(err, -r, "write \"%s\" to %s/%s", val, dir, file);
	return 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	size_t len;
	return hull_read_file_at(AT_FDCWD, p, 1 << 20, out, &len);
}

bool cg_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && (l[kl] == ' ' || l[kl] == '\t')) {
			*out = strtoull(l + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

int cg_mkdir_path(const char *root, const char *path, int (*prepare)(const char *dir, struct hull_error *err),
		  struct hull_error *err)
{
	_cleanup_free_ char *cur = xstrdup(root);
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next = xasprintf("%s/%s", cur, c);
		free(cur);
		cur = next;
		bool made = mkdir(cur, 0755) == 0;
		if (!made && errno != EEXIST)
			return hull_fail(err, errno, "create cgroup %s", cur);
		if (made && setxattr(cur, CG_MARK_XATTR, "1", 1, 0) < 0)
			hull_debug("cgroup %s: cannot mark as hull-created: %s", cur, strerror(errno));
		if (prepare && prepare(cur, err) < 0) {
			if (made)
				rmdir(cur);
			return -1;
		}
	}
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t cg_remove_deadline(void)
{
	/* Tasks killed a moment ago leave within milliseconds; what is still there after a
	 * few seconds (a frozen or D-state task, a process that moved in) stays: say so then
	 * instead of retrying for a minute. One budget for all hierarchies of a container. */
	return now_ms() + 3000;
}

/* rmdir a cgroup and its children, depth first. Busy (exiting tasks) is retried until
 * the deadline. */
static int remove_tree(const char *dir, uint64_t deadline)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
		int rr = remove_tree(sub, deadline);
		if (rr < 0 && r == 0)
			r = rr;
	}
	closedir(d);
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != EAGAIN)
			return -errno;
		if (now_ms() >= deadline)
			return r < 0 ? r : -EBUSY;
		sleep_ms(i < 10 ? 5 : 50);
	}
}

static int read_pids_into(const char *dir, pid_t **pids, size_t *n, size_t *cap);

int cg_remove(const char *root, const char *dir, uint64_t deadline, struct hull_error *err)
{
	int r = remove_tree(dir, deadline);
	if (r == -EBUSY) {
		/* Say what holds it: usually processes that did not die (frozen, stuck in D state). */
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0, cap = 0;
		read_pids_into(dir, &pids, &n, &cap);
		char list[128] = "";
		for (size_t i = 0, len = 0; i < n && i < 8 && len < sizeof(list) - 16; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d", i ? " " : "", (int)pids[i]);
		if (n)
			return hull_fail_plain(err, EBUSY, "remove cgroup %s: %s: %zu process(es) still in it (pids %s%s)",
					       dir, strerror(EBUSY), n, list, n > 8 ? " ..." : "");
	}
	if (r < 0)
		return hull_fail(err, -r, "remove cgroup %s", dir);
	/* Parents: only those carrying hull's mark, and only while empty. */
	_cleanup_free_ char *p = xstrdup(dir);
	size_t rl = strlen(root);
	for (char *s = strrchr(p, '/'); s && (size_t)(s - p) > rl; s = strrchr(p, '/')) {
		*s = '\0';
		char v[4];
		if (getxattr(p, CG_MARK_XATTR, v, sizeof(v)) < 0 || rmdir(p) < 0)
			break;
	}
	return 0;
}

static int read_pids_into(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
	_cleanup_free_ char *procs = NULL;
	int r = cg_read(dir, "cgroup.procs", &procs);
	if (r < 0)
		return r;
	for (char *l = procs; *l;) {
		char *end;
		long v = strtol(l, &end, 10);
		if (end == l)
			break;
		*pids = xgrow(*pids, cap, *n, sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)v;
		l = end + (*end == '\n');
	}
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
		read_pids_into(sub, pids, n, cap);
	}
	closedir(d);
	return 0;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n, struct hull_error *err)
{
	size_t cap = 0;
	*pids = NULL;
	*n = 0;
	int r = read_pids_into(dir, pids, n, &cap);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		return hull_fail(err, -r, "read %s/cgroup.procs", dir);
	}
	return 0;
}

/* ---- conversions and validation ------------------------------------------- */

uint64_t cg_shares_to_weight(uint64_t shares)
{
	/* runc/crun mapping of [2, 262144] onto cpu.weight's [1, 10000]. */
	if (shares == 0)
		return 0;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	/* blkio [10, 1000] onto io.weight [1, 10000], as runc. */
	if (w == 0)
		return 0;
	return 1 + (w - 10) * 9999 / 990;
}

int cg_swap_v1_to_v2(int64_t swap, int64_t limit, int64_t *out, const char **why)
{
	/* v1's memsw is memory+swap; v2's memory.swap.max is swap alone. */
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit == 0 || limit == -1)
		return *why = "a swap limit needs a memory limit", -2;
	if (swap < limit)
		return *why = "memory+swap limit must be >= the memory limit", -2;
	*out = swap - limit;
	return 0;
}

char *cg_clean_path(const char *p)
{
	_cleanup_free_ char *abs = xasprintf("/%s", p ? p : "");
	return hull_path_clean(abs);
}

int cg_validate_resources(const struct hull_resources *res, struct hull_error *err)
{
	if (!res)
		return 0;
	/* Zero is "unset" throughout, as in runc (Docker always sends shares, quota, period 0). */
	if (res->has_cpu && res->cpu.has_shares && res->cpu.shares != 0 &&
	    (res->cpu.shares < 2 || res->cpu.shares > 262144))
		return hull_fail(err, EINVAL, "linux.resources.cpu.shares: %" PRIu64 " is out of range (2-262144)",
				 res->cpu.shares);
	if (res->has_cpu && res->cpu.has_period && res->cpu.period != 0 &&
	    (res->cpu.period < 1000 || res->cpu.period > 1000000))
		return hull_fail(err, EINVAL, "linux.resources.cpu.period: %" PRIu64 " is out of range (1000-1000000)",
				 res->cpu.period);
	if (res->has_blkio && res->blkio.has_weight && res->blkio.weight != 0 &&
	    (res->blkio.weight < 10 || res->blkio.weight > 1000))
		return hull_fail(err, EINVAL, "linux.resources.blockIO.weight: %u is out of range (10-1000)",
				 res->blkio.weight);
	if (res->has_memory && res->memory.has_swappiness && res->memory.swappiness > 100 &&
	    res->memory.swappiness != UINT64_MAX)
		return hull_fail(err, EINVAL, "linux.resources.memory.swappiness: %" PRIu64 " is out of range (0-100)",
				 res->memory.swappiness);
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		if (!strchr(k, '.') || strchr(k, '/') || k[0] == '.')
			return hull_fail(err, EINVAL, "linux.resources.unified[\"%s\"]: must be of the form CONTROLLER.FILE",
					 k);
	}
	return 0;
}

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

/* mountinfo escapes spaces etc. as \040; cgroup mount points never need it in practice. */
static int host_detect(struct cg_host *h)
{
	memset(h, 0, sizeof(*h));
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	_cleanup_free_ char *line = NULL;
	size_t lcap = 0, cap = 0;
	while (getline(&line, &lcap, f) > 0) {
		char mnt[4096], fstype[64], opts[1024];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup") == 0 || strcmp(fstype, "cgroup2") == 0)
			host_add_mount(h, mnt, fstype, opts, &cap);
	}
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
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL, *best = NULL;
	size_t cap = 0;
	int best_rank = 0;
	while (f && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		int rank = 1;
		if (c1[1] == ':' && mode == CG_MODE_V2)
			rank = 3;
		else if (strncmp(c1 + 1, "name=systemd:", 13) == 0)
			rank = 2;
		else if (c1[1] == ':')
			rank = 0; /* hybrid: the unified hierarchy often sits at "/" */
		if (rank > best_rank || !best) {
			free(best);
			best = xstrdup(c2 + 1);
			best_rank = rank;
		}
	}
	return best ? steal_pointer(&best) : xstrdup("/");
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
	/* not with systemd: its scope exists only once the init does (cgroup_systemd.c) */
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
