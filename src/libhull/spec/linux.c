/* linux.c - the "linux" object of config.json, except resources and seccomp. */
#define _GNU_SOURCE
#include "sections.h"
#include "common/util.h"

#include <inttypes.h>

static const char *const propagations[] = { "shared",  "slave",  "private",  "unbindable", "rshared",
					    "rslave", "rprivate", "runbindable", NULL };
static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const char *const mpol_modes[] = { "MPOL_DEFAULT",	"MPOL_BIND",	      "MPOL_INTERLEAVE",
					  "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY",
					  "MPOL_LOCAL",	NULL };
static const char *const mpol_flags[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
					  NULL };

/* linux.namespaces[].type: the names, indexed by enum hull_ns_type. */
static const char *const ns_names[HULL_NS_COUNT] = {
	[HULL_NS_PID] = "pid", [HULL_NS_NET] = "network", [HULL_NS_MNT] = "mount",   [HULL_NS_IPC] = "ipc",
	[HULL_NS_UTS] = "uts", [HULL_NS_USER] = "user",   [HULL_NS_CGROUP] = "cgroup", [HULL_NS_TIME] = "time",
};

const char *hull_ns_type_name(enum hull_ns_type type)
{
	return (unsigned)type < HULL_NS_COUNT ? ns_names[type] : "unknown";
}

static int parse_namespace(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_namespace *ns = elem;
	_cleanup_free_ char *type = NULL;
	if (hull_json_get_string(j, v, "type", true, &type) < 0)
		return -1;
	int t = -1;
	for (int i = 0; i < HULL_NS_COUNT; i++)
		if (strcmp(type, hull_ns_type_name((enum hull_ns_type)i)) == 0)
			t = i;
	if (t < 0)
		return hull_json_fail_at(j, "type",
					 "unknown namespace type \"%.100s\" (expected one of pid, network, mount, ipc, uts, "
					 "user, cgroup, time)",
					 type);
	ns->type = (enum hull_ns_type)t;
	if (hull_json_get_string(j, v, "path", false, &ns->path) < 0)
		return -1;
	if (ns->path && !*ns->path) { /* "" means "create a new one", as in runc */
		free(ns->path);
		ns->path = NULL;
	}
	if (ns->path && ns->path[0] != '/')
		return hull_json_fail_at(j, "path", "must be an absolute path, got \"%.200s\"", ns->path);
	return 0;
}

static int parse_namespaces(struct hull_json *j, yajl_val lv, struct hull_linux *l)
{
	int r = spec_object_array(j, lv, "namespaces", false, sizeof(struct hull_namespace), (void **)&l->namespaces,
				  &l->n_namespaces, parse_namespace);
	if (r <= 0)
		return r;
	/* The spec requires an error for a namespace type given twice. */
	for (size_t i = 1; i < l->n_namespaces; i++)
		for (size_t k = 0; k < i; k++)
			if (l->namespaces[i].type == l->namespaces[k].type) {
				hull_json_push_key(j, "namespaces");
				hull_json_push_index(j, i);
				return hull_json_fail_at(j, "type", "duplicate namespace \"%s\"",
							 hull_ns_type_name(l->namespaces[i].type));
			}
	return 0;
}

static bool has_ns(const struct hull_linux *l, enum hull_ns_type t)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t)
			return true;
	return false;
}

static int parse_time_offset(struct hull_json *j, yajl_val v, struct hull_time_offset *o)
{
	if (hull_json_want_object(j, v) < 0 ||
	    hull_json_get_i64(j, v, "secs", false, INT64_MIN, INT64_MAX, &o->secs) < 0 ||
	    hull_json_get_u32(j, v, "nanosecs", false, &o->nanosecs) < 0)
		return -1;
	if (o->nanosecs >= 1000000000u)
		return hull_json_fail_at(j, "nanosecs", "%" PRIu32 " is out of range (maximum 999999999)", o->nanosecs);
	o->present = true;
	return 0;
}

static int parse_time_offsets(struct hull_json *j, yajl_val lv, struct hull_linux *l)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, "timeOffsets", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "timeOffsets");
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *clock = v->u.object.keys[i];
		size_t cmark = hull_json_push_key(j, clock);
		struct hull_time_offset *o = strcmp(clock, "monotonic") == 0 ? &l->time_monotonic
					     : strcmp(clock, "boottime") == 0 ? &l->time_boottime
									      : NULL;
		if (!o)
			return hull_json_fail(j, "unknown clock (expected monotonic or boottime)");
		if (parse_time_offset(j, v->u.object.values[i], o) < 0)
			return -1;
		hull_json_pop(j, cmark);
	}
	if ((l->time_monotonic.present || l->time_boottime.present) && !has_ns(l, HULL_NS_TIME))
		return hull_json_fail(j, "time offsets need a time namespace in linux.namespaces");
	hull_json_pop(j, mark);
	return 0;
}

static int parse_device(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_device *d = elem;
	_cleanup_free_ char *type = NULL;
	if (hull_json_get_string(j, v, "type", true, &type) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return hull_json_fail_at(j, "type", "unknown device type \"%.100s\" (expected c, b, u or p)", type);
	d->type = type[0];
	if (spec_abs_path(j, v, "path", true, &d->path) < 0)
		return -1;
	/* A FIFO has no device number; the others must say which device they are. */
	bool need_numbers = d->type != 'p';
	if (hull_json_get_i64(j, v, "major", need_numbers, 0, UINT32_MAX, &d->major) < 0 ||
	    hull_json_get_i64(j, v, "minor", need_numbers, 0, UINT32_MAX, &d->minor) < 0)
		return -1;
	int r1, r2, r3;
	if ((r1 = hull_json_get_u32(j, v, "fileMode", false, &d->file_mode)) < 0 ||
	    (r2 = hull_json_get_u32(j, v, "uid", false, &d->uid)) < 0 ||
	    (r3 = hull_json_get_u32(j, v, "gid", false, &d->gid)) < 0)
		return -1;
	d->has_file_mode = r1 > 0;
	d->has_uid = r2 > 0;
	d->has_gid = r3 > 0;
	return 0;
}

static int parse_intel_rdt(struct hull_json *j, yajl_val lv, struct hull_intel_rdt *rdt)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, "intelRdt", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "intelRdt");
	rdt->present = true;
	if (hull_json_get_string(j, v, "closID", false, &rdt->clos_id) < 0 ||
	    hull_json_get_string(j, v, "l3CacheSchema", false, &rdt->l3_cache_schema) < 0 ||
	    hull_json_get_string(j, v, "memBwSchema", false, &rdt->mem_bw_schema) < 0 ||
	    hull_json_get_bool(j, v, "enableCMT", &rdt->enable_cmt) < 0 ||
	    hull_json_get_bool(j, v, "enableMBM", &rdt->enable_mbm) < 0)
		return -1;
	/* closID names a directory under /sys/fs/resctrl. */
	const char *c = rdt->clos_id;
	if (c && (strchr(c, '/') || strcmp(c, ".") == 0 || strcmp(c, "..") == 0))
		return hull_json_fail_at(j, "closID", "invalid CLOS id \"%.100s\"", c);
	hull_json_pop(j, mark);
	return 0;
}

static int parse_path_list(struct hull_json *j, yajl_val lv, const char *key, char ***out)
{
	int r = hull_json_get_strv(j, lv, key, false, out);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, key);
	for (size_t i = 0; (*out)[i]; i++) {
		if ((*out)[i][0] != '/') {
			hull_json_push_index(j, i);
			return hull_json_fail(j, "must be an absolute path, got \"%.200s\"", (*out)[i]);
		}
	}
	hull_json_pop(j, mark);
	return 0;
}

static int parse_personality(struct hull_json *j, yajl_val lv, struct hull_personality *p)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, "personality", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "personality");
	p->present = true;
	if (spec_enum(j, v, "domain", true, personality_domains, "personality domain", &p->domain) < 0 ||
	    hull_json_get_strv(j, v, "flags", false, &p->flags) < 0)
		return -1;
	hull_json_pop(j, mark);
	return 0;
}

/* A network interface name as the kernel accepts it (dev_valid_name). */
static bool valid_ifname(const char *s)
{
	if (!*s || strlen(s) >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || (unsigned char)*s < 0x21 || *s == 0x7f)
			return false;
	return true;
}

static int parse_net_devices(struct hull_json *j, yajl_val lv, struct hull_linux *l)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, "netDevices", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "netDevices");
	size_t n = v->u.object.len;
	l->net_devices = xcalloc(n ? n : 1, sizeof(struct hull_kv));
	l->n_net_devices = 0;
	for (size_t i = 0; i < n; i++) {
		const char *host = v->u.object.keys[i];
		size_t dmark = hull_json_push_key(j, host);
		if (!valid_ifname(host))
			return hull_json_fail(j, "invalid network device name \"%.100s\"", host);
		struct hull_kv *kv = &l->net_devices[l->n_net_devices++];
		kv->key = xstrdup(host);
		yajl_val dev = v->u.object.values[i];
		if (hull_json_want_object(j, dev) < 0 || hull_json_get_string(j, dev, "name", false, &kv->value) < 0)
			return -1;
		if (!kv->value)
			kv->value = xstrdup("");
		if (*kv->value && !valid_ifname(kv->value))
			return hull_json_fail_at(j, "name", "invalid network device name \"%.100s\"", kv->value);
		hull_json_pop(j, dmark);
	}
	hull_json_pop(j, mark);
	return 0;
}

static int parse_memory_policy(struct hull_json *j, yajl_val lv, struct hull_memory_policy *mp)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, "memoryPolicy", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "memoryPolicy");
	mp->present = true;
	if (spec_enum(j, v, "mode", true, mpol_modes, "memory policy mode", &mp->mode) < 0 ||
	    hull_json_get_string(j, v, "nodes", false, &mp->nodes) < 0 ||
	    spec_enum_list(j, v, "flags", mpol_flags, "memory policy flag", &mp->flags) < 0)
		return -1;
	if (mp->nodes && !spec_valid_cpu_list(mp->nodes))
		return hull_json_fail_at(j, "nodes", "invalid node list \"%.100s\"", mp->nodes);
	bool nodeless = strcmp(mp->mode, "MPOL_DEFAULT") == 0 || strcmp(mp->mode, "MPOL_LOCAL") == 0;
	if (nodeless && mp->nodes && *mp->nodes)
		return hull_json_fail_at(j, "nodes", "must be empty for %s", mp->mode);
	hull_json_pop(j, mark);
	return 0;
}

static int parse_sub(struct hull_json *j, yajl_val lv, const char *key, int (*fn)(struct hull_json *, yajl_val, void *),
		     void *out)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, lv, key, false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, key);
	if (fn(j, v, out) < 0)
		return -1;
	hull_json_pop(j, mark);
	return 0;
}

static int resources_fn(struct hull_json *j, yajl_val v, void *out)
{
	return spec_parse_resources_obj(j, v, out);
}

static int seccomp_fn(struct hull_json *j, yajl_val v, void *out)
{
	return spec_parse_seccomp_obj(j, v, out);
}

int spec_parse_linux_obj(struct hull_json *j, yajl_val v, struct hull_linux *l)
{
	l->present = true;
	if (parse_namespaces(j, v, l) < 0 || spec_id_mappings(j, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
	    spec_id_mappings(j, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0)
		return -1;
	if ((l->n_uid_mappings || l->n_gid_mappings) && !has_ns(l, HULL_NS_USER))
		return hull_json_fail_at(j, l->n_uid_mappings ? "uidMappings" : "gidMappings",
					 "id mappings need a user namespace in linux.namespaces");
	if (parse_time_offsets(j, v, l) < 0 ||
	    spec_object_array(j, v, "devices", false, sizeof(struct hull_device), (void **)&l->devices, &l->n_devices,
			      parse_device) < 0 ||
	    hull_json_get_string(j, v, "cgroupsPath", false, &l->cgroups_path) < 0 ||
	    parse_sub(j, v, "resources", resources_fn, &l->resources) < 0 || parse_intel_rdt(j, v, &l->intel_rdt) < 0 ||
	    spec_string_map(j, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
	    parse_sub(j, v, "seccomp", seccomp_fn, &l->seccomp) < 0 ||
	    spec_enum(j, v, "rootfsPropagation", false, propagations, "propagation", &l->rootfs_propagation) < 0 ||
	    parse_path_list(j, v, "maskedPaths", &l->masked_paths) < 0 ||
	    parse_path_list(j, v, "readonlyPaths", &l->readonly_paths) < 0 ||
	    hull_json_get_string(j, v, "mountLabel", false, &l->mount_label) < 0 ||
	    parse_personality(j, v, &l->personality) < 0 || parse_net_devices(j, v, l) < 0 ||
	    parse_memory_policy(j, v, &l->memory_policy) < 0)
		return -1;
	return 0;
}

void spec_linux_clear(struct hull_linux *l)
{
	for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; l->devices && i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	hull_resources_clear(&l->resources);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	spec_kv_free(l->sysctl, l->n_sysctl);
	spec_seccomp_clear(&l->seccomp);
	free(l->rootfs_propagation);
	hull_free_strv(l->masked_paths);
	hull_free_strv(l->readonly_paths);
	free(l->mount_label);
	free(l->personality.domain);
	hull_free_strv(l->personality.flags);
	spec_kv_free(l->net_devices, l->n_net_devices);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	hull_free_strv(l->memory_policy.flags);
	memset(l, 0, sizeof(*l));
}
