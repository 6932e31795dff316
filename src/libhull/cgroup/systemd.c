/* systemd.c - the systemd cgroup driver (--systemd-cgroup), as runc 1.1's.
 *
 * systemd owns the container's cgroup: hull asks it over D-Bus (dbus.c) for a
 * transient scope "PREFIX-NAME.scope" in the slice of the cgroupsPath
 * ("slice:prefix:name"), with Delegate=yes, the container's init in PIDs and the
 * resources as unit properties (unit_props.c); then it writes the cgroup files itself
 * too (the cgroupfs backend on the scope's directory), for what systemd has no property
 * for (hugetlb, io throttles, unified keys, the device filter...), exactly as runc does.
 * Reading (ps, events, stats), pause/resume and kill --all work on the scope's directory
 * through the cgroupfs backend; update is SetUnitProperties plus the files; delete stops
 * the unit (and resets it if it failed).
 *
 * The scope needs a pid, so it is started in enter(), when the init exists: the init
 * waits at its cgroup point meanwhile (see init_cgroup_point), so the D-Bus round trip
 * overlaps its own setup. Nothing is made before that; the planned path is in the crash
 * record, from which `delete -f` finds the unit (its last path component). */
#include "internal.h"
#include "dbus.h"

#include <errno.h>
#include <fcntl.h>

struct cg_systemd {
	const struct cg_ops *fs; /* the cgroupfs backend for the scope's directories */
	char *unit;              /* "hull-<id>.scope" */
	char *slice;             /* the slice it goes in (NULL when opened from state) */
	struct sd_props annotations;
	const struct hull_resources *res; /* create's, for enter */
	struct hull_sd *bus;
	bool start_pending; /* create() ran, enter() starts the unit */
	bool may_exist;     /* started, or opened from state: destroy stops the unit */
};

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd's slice nesting); "-.slice" -> "". */
char *cg_systemd_expand_slice(const char *slice, struct hull_error *err)
{
	size_t len = strlen(slice);
	if (len < 6 || strcmp(slice + len - 6, ".slice") != 0 || strchr(slice, '/')) {
		hull_fail(err, EINVAL, "linux.cgroupsPath: invalid slice name: %s", slice);
		return NULL;
	}
	if (strcmp(slice, "-.slice") == 0)
		return xstrdup("");
	_cleanup_free_ char *base = xstrndup(slice, len - 6);
	if (!*base || base[0] == '-' || base[strlen(base) - 1] == '-' || strstr(base, "--")) {
		hull_fail(err, EINVAL, "linux.cgroupsPath: invalid slice name: %s", slice);
		return NULL;
	}
	size_t cap = 2 * len * (len / 2 + 2);
	char *out = xzalloc(cap);
	size_t o = 0;
	for (char *p = base;; p++) {
		if (*p == '-' || *p == '\0') {
			o += (size_t)snprintf(out + o, cap - o, "/%.*s.slice", (int)(p - base), base);
			if (!*p)
				break;
		}
	}
	return out;
}

int cg_systemd_path(const char *cgroups_path, const char *id, bool rootless, char **out, struct hull_error *err)
{
	_cleanup_free_ char *slice = NULL, *prefix = NULL, *name = NULL;
	if (sd_parse_cgroups_path(cgroups_path, id, &slice, &prefix, &name, err) < 0)
		return -1;
	_cleanup_free_ char *parent = cg_systemd_expand_slice(slice ? slice : rootless ? "user.slice" : "system.slice", err);
	if (!parent)
		return -1;
	_cleanup_free_ char *unit = sd_unit_name(prefix, name);
	*out = xasprintf("%s/%s", parent, unit);
	return 0;
}

static void sd_free(struct cg_systemd *sd)
{
	if (!sd)
		return;
	free(sd->unit);
	free(sd->slice);
	sd_props_clear(&sd->annotations);
	hull_sd_close(sd->bus);
	free(sd);
}

void cg_systemd_free(struct hull_cgroup *cg)
{
	sd_free(cg->sd);
	cg->sd = NULL;
}

void cg_systemd_opened(struct hull_cgroup *cg)
{
	cg->sd->may_exist = true;
}

static int bus(struct hull_cgroup *cg, struct hull_error *err)
{
	if (cg->sd->bus)
		return 0;
	if (hull_sd_connect(cg->rootless, &cg->sd->bus, err) < 0)
		return hull_error_prefix(err, "systemd unit %s", cg->sd->unit);
	return 0;
}

int cg_systemd_plan(struct hull_cgroup *cg, const struct hull_cgroup_config *cfg, struct hull_error *err)
{
	struct cg_systemd *sd = xzalloc(sizeof(*sd));
	sd->fs = cg->ops;
	cg->sd = sd;
	cg->ops = &hull_cg_systemd_ops;
	const char *p = cfg->cgroups_path;
	if (p && *p == '/') { /* an existing container's (state): the unit is the last component */
		cg->path = cg_clean_path(p);
		const char *slash = strrchr(cg->path, '/');
		sd->unit = xstrdup(slash ? slash + 1 : cg->path);
		sd->may_exist = true;
		return 0;
	}
	/* runc's order: the cgroupsPath and the annotations (in its spec conversion), then
	 * whether systemd runs at all. */
	_cleanup_free_ char *prefix = NULL, *name = NULL;
	if (sd_parse_cgroups_path(p, cfg->id, &sd->slice, &prefix, &name, err) < 0 ||
	    sd_annotation_props(cfg->annotations, cfg->n_annotations, &sd->annotations, err) < 0)
		return -1;
	if (!sd->slice)
		sd->slice = xstrdup(cg->rootless ? "user.slice" : "system.slice");
	sd->unit = sd_unit_name(prefix, name);
	_cleanup_free_ char *parent = cg_systemd_expand_slice(sd->slice, err);
	if (!parent)
		return -1;
	if (!hull_sd_booted())
		return hull_fail_plain(err, ENOTSUP, "systemd not running on this host, cannot use systemd cgroups "
						      "manager (no /run/systemd/system)");
	if (cg->rootless && cg->mode != CG_MODE_V2)
		return hull_fail_plain(err, ENOTSUP, "cannot use rootless systemd cgroups manager on cgroup v1");
	_cleanup_free_ char *base = NULL;
	if (cg->rootless) {
		/* The user's manager puts its units under its own cgroup, e.g.
		 * /user.slice/user-1000.slice/user@1000.service. */
		if (bus(cg, err) < 0 || hull_sd_manager_string(sd->bus, "ControlGroup", &base, err) < 0)
			return -1;
	}
	cg->path = xasprintf("%s%s/%s", base ? base : "", parent, sd->unit);
	return 0;
}

/* ---- the properties a new unit gets (runc's Apply) ---------------------------------------- */

static void start_props(struct hull_cgroup *cg, struct sd_props *ps, pid_t pid)
{
	struct cg_systemd *sd = cg->sd;
	bool slice_unit = strlen(sd->unit) > 6 && strcmp(sd->unit + strlen(sd->unit) - 6, ".slice") == 0;
	_cleanup_free_ char *desc = xasprintf("hull container %s", cg->id);
	sd_props_add_str(ps, "Description", desc);
	if (slice_unit) {
		/* a slice's parent comes from its name; runc adds Wants= on the given one */
		struct sd_value w = { .type = 'a', .sig = xstrdup("s"), .n = 1, .items = xcalloc(1, sizeof(struct sd_value)) };
		w.items[0] = (struct sd_value){ .type = 's', .s = xstrdup(sd->slice) };
		sd_props_add(ps, "Wants", w);
	} else {
		sd_props_add_str(ps, "Slice", sd->slice);
		sd_props_add_bool(ps, "Delegate", true);
	}
	struct sd_value pids = { .type = 'a', .sig = xstrdup("u"), .n = 1, .items = xcalloc(1, sizeof(struct sd_value)) };
	pids.items[0] = (struct sd_value){ .type = 'u', .u = (uint64_t)pid };
	sd_props_add(ps, "PIDs", pids);
	/* Accounting on, as runc: the controllers are then enabled down to the unit. */
	bool v2 = cg->mode == CG_MODE_V2;
	sd_props_add_bool(ps, "MemoryAccounting", true);
	sd_props_add_bool(ps, "CPUAccounting", true);
	sd_props_add_bool(ps, v2 ? "IOAccounting" : "BlockIOAccounting", true);
	sd_props_add_bool(ps, "TasksAccounting", true);
	sd_props_add_bool(ps, "DefaultDependencies", false);
	/* The annotations (moved: a unit starts once), then the resources: runc sets those
	 * after the start, so theirs win. */
	for (size_t i = 0; i < sd->annotations.n; i++) {
		sd_props_add(ps, sd->annotations.p[i].name, sd->annotations.p[i].v);
		memset(&sd->annotations.p[i].v, 0, sizeof(struct sd_value));
	}
}

static bool sys_path_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static int resource_props(struct hull_cgroup *cg, const struct hull_resources *res, bool devices, struct sd_props *ps,
			  struct hull_error *err)
{
	struct sd_caps caps = { .v2 = cg->mode == CG_MODE_V2, .version = -1 };
	const struct hull_cpu_resources *c = res && res->present && res->has_cpu ? &res->cpu : NULL;
	/* only ask for the version when a property depends on it (one round trip) */
	bool unified_cpu = false;
	for (size_t i = 0; res && res->present && i < res->n_unified; i++)
		unified_cpu |= strncmp(res->unified[i].key, "cpu", 3) == 0;
	if ((c && ((c->has_period && c->period) || (c->cpus && *c->cpus) || (c->mems && *c->mems))) || unified_cpu)
		caps.version = hull_sd_version(cg->sd->bus);
	if (devices && !cg->rootless) {
		_cleanup_free_ struct cg_dev_rule *rules = NULL;
		_cleanup_free_ char *proc_devices = NULL;
		size_t n = 0, len = 0;
		if (cg_devices_rules(cg, res, &rules, &n, err) < 0)
			return -1;
		hull_read_file_at(AT_FDCWD, "/proc/devices", 1 << 16, &proc_devices, &len);
		if (sd_device_props(rules, n, proc_devices, sys_path_exists, ps, err) < 0)
			return -1;
	}
	return sd_resources_props(res, &caps, ps, err);
}

/* ---- the backend ---------------------------------------------------------------------------- */

static int sd_create(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err)
{
	(void)err;
	cg->sd->res = res;
	cg->sd->start_pending = true;
	return 0;
}

static int start_unit(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	struct cg_systemd *sd = cg->sd;
	struct sd_props ps = { 0 };
	int r = bus(cg, err);
	if (r == 0) {
		start_props(cg, &ps, pid);
		r = resource_props(cg, sd->res, true, &ps, err);
	}
	if (r == 0 && hull_log_debugging) {
		_cleanup_free_ char *d = sd_props_describe(&ps);
		hull_debug("systemd: starting unit %s with %s", sd->unit, d);
	}
	if (r == 0) {
		sd->may_exist = true; /* from here a failure may leave a unit to stop */
		r = hull_sd_start_unit(sd->bus, sd->unit, &ps, err);
	}
	sd_props_clear(&ps);
	return r;
}

static int sd_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err)
{
	struct cg_systemd *sd = cg->sd;
	if (!sd->start_pending) /* exec: a process joining the running container */
		return sd->fs->enter(cg, pid, err);
	sd->start_pending = false;
	if (start_unit(cg, pid, err) < 0)
		return -1;
	hull_trace("create: systemd unit %s started", sd->unit);
	/* Then the files, as runc: systemd made the scope and put the init in it. */
	if (cg->mode == CG_MODE_V2) {
		/* the controllers systemd did not enable (cpuset, hugetlb, ...), as runc's
		 * fs2.CreateCgroupPath does on the way down */
		if (cg_v2_enable_controllers(cg->v2_root, cg->path, NULL, 0, true, err) < 0)
			return -1;
		cg->v2_fd = open(cg->v2_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cg->v2_fd < 0)
			return hull_fail(err, errno, "systemd unit %s: open its cgroup %s", sd->unit, cg->v2_dir);
		return sd->fs->apply(cg, sd->res, false, err);
	}
	/* v1/hybrid: systemd made the unit's directory in the hierarchies it manages; the
	 * others (freezer, cpuset, net_cls, ...) are hull's to make and join, as runc's
	 * legacy driver does. */
	if (sd->fs->create(cg, sd->res, err) < 0)
		return -1;
	return sd->fs->enter(cg, pid, err);
}

static int sd_apply(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_error *err)
{
	struct cg_systemd *sd = cg->sd;
	if (update && res && res->present) {
		/* runc's Set: the unit's properties first, then the files. The device policy is
		 * not sent again (it does not change on update; systemd would re-apply it
		 * disruptively). */
		struct sd_props ps = { 0 };
		int r = bus(cg, err);
		if (r == 0)
			r = resource_props(cg, res, false, &ps, err);
		if (r == 0)
			r = hull_sd_set_properties(sd->bus, sd->unit, &ps, err);
		sd_props_clear(&ps);
		if (r < 0)
			return -1;
	}
	return sd->fs->apply(cg, res, update, err);
}

static int sd_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err)
{
	return cg->sd->fs->freeze(cg, frozen, err);
}

static int sd_is_frozen(struct hull_cgroup *cg, bool *frozen)
{
	return cg->sd->fs->is_frozen(cg, frozen);
}

static const char *sd_procs_dir(struct hull_cgroup *cg)
{
	return cg->sd->fs->procs_dir(cg);
}

static int sd_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err)
{
	return cg->sd->fs->stats(cg, g, err);
}

static int sd_oom_count(struct hull_cgroup *cg, uint64_t *count)
{
	return cg->sd->fs->oom_count(cg, count);
}

static int sd_destroy(struct hull_cgroup *cg, struct hull_error *err)
{
	struct cg_systemd *sd = cg->sd;
	struct hull_error serr = { 0 };
	int stopped = 0;
	if (sd->may_exist && hull_sd_booted()) {
		stopped = bus(cg, &serr);
		if (stopped == 0)
			stopped = hull_sd_stop_unit(sd->bus, sd->unit, &serr);
	}
	/* What systemd does not remove: hull's own directories in the v1 hierarchies
	 * systemd does not manage, or a scope directory left by a stop that failed. */
	int r = sd->fs->destroy(cg, err);
	if (stopped < 0 && r == 0) {
		/* the cgroup is gone all the same: say why the unit may linger, go on */
		hull_warn("%s", serr.msg);
	} else if (stopped < 0) {
		hull_error_prefix(err, "%s; then", serr.msg);
	}
	hull_error_clear(&serr);
	return r;
}

const struct cg_ops hull_cg_systemd_ops = {
	.name = "systemd",
	.create = sd_create,
	.apply = sd_apply,
	.enter = sd_enter,
	.freeze = sd_freeze,
	.is_frozen = sd_is_frozen,
	.procs_dir = sd_procs_dir,
	.stats = sd_stats,
	.oom_count = sd_oom_count,
	.destroy = sd_destroy,
};
