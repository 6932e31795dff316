/* resources.c - linux.resources (also `update --resources` files): cgroup limits. */
#define _GNU_SOURCE
#include "sections.h"
#include "common/util.h"

#include <inttypes.h>

/* Memory sizes: -1 is "unlimited"; other negative numbers mean nothing. */
static int get_mem(struct hull_json *j, yajl_val v, const char *key, bool *has, int64_t *out)
{
	int r = hull_json_get_i64(j, v, key, false, -1, INT64_MAX, out);
	if (r > 0)
		*has = true;
	return r;
}

static int parse_device_rule(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_device_rule *d = elem;
	if (!hull_json_member(v, "allow"))
		return hull_json_fail_at(j, "allow", "missing required field");
	if (hull_json_get_bool(j, v, "allow", &d->allow) < 0)
		return -1;
	_cleanup_free_ char *type = NULL;
	int r = hull_json_get_string(j, v, "type", false, &type);
	if (r < 0)
		return -1;
	d->type = 'a';
	if (r > 0 && *type) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return hull_json_fail_at(j, "type", "unknown device type \"%.100s\" (expected a, c or b)", type);
		d->type = type[0];
	}
	/* -1 is the wildcard some callers write for "any number". */
	int r1, r2;
	if ((r1 = hull_json_get_i64(j, v, "major", false, -1, UINT32_MAX, &d->major)) < 0 ||
	    (r2 = hull_json_get_i64(j, v, "minor", false, -1, UINT32_MAX, &d->minor)) < 0 ||
	    hull_json_get_string(j, v, "access", false, &d->access) < 0)
		return -1;
	d->has_major = r1 > 0 && d->major >= 0;
	d->has_minor = r2 > 0 && d->minor >= 0;
	/* access is checked where the rule is applied: letters other than r, w and m are
	 * ignored there, as runc does ("rwa" is accepted); an empty one is refused. */
	return 0;
}

static int parse_memory(struct hull_json *j, yajl_val v, void *out)
{
	struct hull_memory_resources *m = out;
	int r;
	if (get_mem(j, v, "limit", &m->has_limit, &m->limit) < 0 ||
	    get_mem(j, v, "reservation", &m->has_reservation, &m->reservation) < 0 ||
	    get_mem(j, v, "swap", &m->has_swap, &m->swap) < 0 || get_mem(j, v, "kernel", &m->has_kernel, &m->kernel) < 0 ||
	    get_mem(j, v, "kernelTCP", &m->has_kernel_tcp, &m->kernel_tcp) < 0 ||
	    (r = hull_json_get_u64(j, v, "swappiness", false, UINT64_MAX, &m->swappiness)) < 0)
		return -1;
	/* 18446744073709551615 is -1 in a uint64: "unset", as runc reads it (older Docker sends it). */
	if (r > 0 && m->swappiness > 100 && m->swappiness != UINT64_MAX)
		return hull_json_fail_at(j, "swappiness", "%" PRIu64 " is out of range (maximum 100)", m->swappiness);
	m->has_swappiness = r > 0;
	if ((r = hull_json_get_bool(j, v, "disableOOMKiller", &m->disable_oom_killer)) < 0)
		return -1;
	m->has_disable_oom_killer = r > 0;
	if ((r = hull_json_get_bool(j, v, "useHierarchy", &m->use_hierarchy)) < 0)
		return -1;
	m->has_use_hierarchy = r > 0;
	return hull_json_get_bool(j, v, "checkBeforeUpdate", &m->check_before_update) < 0 ? -1 : 0;
}

static int parse_cpu(struct hull_json *j, yajl_val v, void *out)
{
	struct hull_cpu_resources *c = out;
	int r[7];
	if ((r[0] = hull_json_get_u64(j, v, "shares", false, UINT64_MAX, &c->shares)) < 0 ||
	    (r[1] = hull_json_get_i64(j, v, "quota", false, INT64_MIN, INT64_MAX, &c->quota)) < 0 ||
	    (r[2] = hull_json_get_u64(j, v, "burst", false, UINT64_MAX, &c->burst)) < 0 ||
	    (r[3] = hull_json_get_u64(j, v, "period", false, UINT64_MAX, &c->period)) < 0 ||
	    (r[4] = hull_json_get_i64(j, v, "realtimeRuntime", false, INT64_MIN, INT64_MAX, &c->rt_runtime)) < 0 ||
	    (r[5] = hull_json_get_u64(j, v, "realtimePeriod", false, UINT64_MAX, &c->rt_period)) < 0 ||
	    (r[6] = hull_json_get_i64(j, v, "idle", false, INT64_MIN, INT64_MAX, &c->idle)) < 0 ||
	    hull_json_get_string(j, v, "cpus", false, &c->cpus) < 0 || hull_json_get_string(j, v, "mems", false, &c->mems) < 0)
		return -1;
	c->has_shares = r[0] > 0;
	c->has_quota = r[1] > 0;
	c->has_burst = r[2] > 0;
	c->has_period = r[3] > 0;
	c->has_rt_runtime = r[4] > 0;
	c->has_rt_period = r[5] > 0;
	c->has_idle = r[6] > 0;
	if (c->cpus && !spec_valid_cpu_list(c->cpus))
		return hull_json_fail_at(j, "cpus", "invalid cpu list \"%.100s\"", c->cpus);
	if (c->mems && !spec_valid_cpu_list(c->mems))
		return hull_json_fail_at(j, "mems", "invalid node list \"%.100s\"", c->mems);
	return 0;
}

static int parse_weight_device(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_weight_device *d = elem;
	int r1, r2;
	if (hull_json_get_i64(j, v, "major", true, 0, UINT32_MAX, &d->major) < 0 ||
	    hull_json_get_i64(j, v, "minor", true, 0, UINT32_MAX, &d->minor) < 0 ||
	    (r1 = hull_json_get_u16(j, v, "weight", false, &d->weight)) < 0 ||
	    (r2 = hull_json_get_u16(j, v, "leafWeight", false, &d->leaf_weight)) < 0)
		return -1;
	d->has_weight = r1 > 0;
	d->has_leaf_weight = r2 > 0;
	return 0;
}

static int parse_throttle_device(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_throttle_device *d = elem;
	if (hull_json_get_i64(j, v, "major", true, 0, UINT32_MAX, &d->major) < 0 ||
	    hull_json_get_i64(j, v, "minor", true, 0, UINT32_MAX, &d->minor) < 0 ||
	    hull_json_get_u64(j, v, "rate", true, UINT64_MAX, &d->rate) < 0)
		return -1;
	return 0;
}

static int parse_blkio(struct hull_json *j, yajl_val v, void *out)
{
	struct hull_blkio_resources *b = out;
	int r1, r2;
	if ((r1 = hull_json_get_u16(j, v, "weight", false, &b->weight)) < 0 ||
	    (r2 = hull_json_get_u16(j, v, "leafWeight", false, &b->leaf_weight)) < 0)
		return -1;
	b->has_weight = r1 > 0;
	b->has_leaf_weight = r2 > 0;
	const size_t td = sizeof(struct hull_throttle_device);
	if (spec_object_array(j, v, "weightDevice", false, sizeof(struct hull_weight_device), (void **)&b->weight_devices,
			      &b->n_weight_devices, parse_weight_device) < 0 ||
	    spec_object_array(j, v, "throttleReadBpsDevice", false, td, (void **)&b->throttle_read_bps,
			      &b->n_throttle_read_bps, parse_throttle_device) < 0 ||
	    spec_object_array(j, v, "throttleWriteBpsDevice", false, td, (void **)&b->throttle_write_bps,
			      &b->n_throttle_write_bps, parse_throttle_device) < 0 ||
	    spec_object_array(j, v, "throttleReadIOPSDevice", false, td, (void **)&b->throttle_read_iops,
			      &b->n_throttle_read_iops, parse_throttle_device) < 0 ||
	    spec_object_array(j, v, "throttleWriteIOPSDevice", false, td, (void **)&b->throttle_write_iops,
			      &b->n_throttle_write_iops, parse_throttle_device) < 0)
		return -1;
	return 0;
}

static int parse_hugepage(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_hugepage_limit *h = elem;
	if (hull_json_get_string(j, v, "pageSize", true, &h->page_size) < 0 ||
	    hull_json_get_u64(j, v, "limit", true, UINT64_MAX, &h->limit) < 0)
		return -1;
	return 0;
}

static int parse_net_priority(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_net_priority *p = elem;
	if (hull_json_get_string(j, v, "name", true, &p->name) < 0 ||
	    hull_json_get_u32(j, v, "priority", true, &p->priority) < 0)
		return -1;
	return 0;
}

static int parse_network(struct hull_json *j, yajl_val v, struct hull_resources *res)
{
	int r = hull_json_get_u32(j, v, "classID", false, &res->class_id);
	if (r < 0)
		return -1;
	res->has_class_id = r > 0;
	return spec_object_array(j, v, "priorities", false, sizeof(struct hull_net_priority),
				 (void **)&res->net_priorities, &res->n_net_priorities, parse_net_priority) < 0
		       ? -1
		       : 0;
}

static int parse_rdma(struct hull_json *j, yajl_val res, struct hull_resources *out)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, res, "rdma", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "rdma");
	size_t n = v->u.object.len;
	out->rdma = xcalloc(n ? n : 1, sizeof(struct hull_rdma_limit));
	out->n_rdma = n;
	for (size_t i = 0; i < n; i++) {
		struct hull_rdma_limit *l = &out->rdma[i];
		l->device = xstrdup(v->u.object.keys[i]);
		yajl_val d = v->u.object.values[i];
		size_t dmark = hull_json_push_key(j, l->device);
		int r1, r2;
		if (hull_json_want_object(j, d) < 0 ||
		    (r1 = hull_json_get_u32(j, d, "hcaHandles", false, &l->hca_handles)) < 0 ||
		    (r2 = hull_json_get_u32(j, d, "hcaObjects", false, &l->hca_objects)) < 0)
			return -1;
		l->has_hca_handles = r1 > 0;
		l->has_hca_objects = r2 > 0;
		hull_json_pop(j, dmark);
	}
	hull_json_pop(j, mark);
	return 0;
}

/* unified keys name files in the container's cgroup directory, nothing else. */
static int check_unified(struct hull_json *j, const struct hull_resources *res)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		if (strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0) {
			hull_json_push_key(j, "unified");
			return hull_json_fail_at(j, k, "must be a cgroup file name");
		}
	}
	return 0;
}

static int sub(struct hull_json *j, yajl_val v, const char *key, bool *has, int (*fn)(struct hull_json *, yajl_val, void *),
	       void *out)
{
	yajl_val o = NULL;
	int r = hull_json_get_object(j, v, key, false, &o);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, key);
	if (fn(j, o, out) < 0)
		return -1;
	hull_json_pop(j, mark);
	*has = true;
	return 1;
}

/* pids.limit is required in 1.2 but optional from 1.3 on: an empty object sets nothing. */
static int parse_pids(struct hull_json *j, yajl_val res, struct hull_resources *r)
{
	yajl_val v = NULL;
	int found = hull_json_get_object(j, res, "pids", false, &v);
	if (found <= 0)
		return found;
	size_t mark = hull_json_push_key(j, "pids");
	found = hull_json_get_i64(j, v, "limit", false, INT64_MIN, INT64_MAX, &r->pids_limit);
	if (found < 0)
		return -1;
	r->has_pids = found > 0;
	hull_json_pop(j, mark);
	return 0;
}

static int network_fn(struct hull_json *j, yajl_val v, void *out)
{
	return parse_network(j, v, out);
}

int spec_parse_resources_obj(struct hull_json *j, yajl_val v, struct hull_resources *r)
{
	r->present = true;
	if (spec_object_array(j, v, "devices", false, sizeof(struct hull_device_rule), (void **)&r->devices, &r->n_devices,
			      parse_device_rule) < 0 ||
	    sub(j, v, "memory", &r->has_memory, parse_memory, &r->memory) < 0 ||
	    sub(j, v, "cpu", &r->has_cpu, parse_cpu, &r->cpu) < 0 ||
	    parse_pids(j, v, r) < 0 ||
	    sub(j, v, "blockIO", &r->has_blkio, parse_blkio, &r->blkio) < 0 ||
	    spec_object_array(j, v, "hugepageLimits", false, sizeof(struct hull_hugepage_limit),
			      (void **)&r->hugepage_limits, &r->n_hugepage_limits, parse_hugepage) < 0 ||
	    sub(j, v, "network", &r->has_network, network_fn, r) < 0 || parse_rdma(j, v, r) < 0 ||
	    spec_string_map(j, v, "unified", &r->unified, &r->n_unified) < 0 || check_unified(j, r) < 0)
		return -1;
	return 0;
}

void hull_resources_clear(struct hull_resources *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->devices && i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_devices);
	free(r->blkio.throttle_read_bps);
	free(r->blkio.throttle_write_bps);
	free(r->blkio.throttle_read_iops);
	free(r->blkio.throttle_write_iops);
	for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	spec_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}
