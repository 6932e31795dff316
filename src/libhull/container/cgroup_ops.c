/* cgroup_ops.c - the container operations that are cgroup operations: pause, resume, update, events, ps. */
#include "libhull/cgroup/cgroup.h"
#include "libhull/hull.h"
#include "libhull/spec/spec.h"
#include "state.h"
#include "common/proc.h"
#include "common/util.h"

#include <errno.h>
#include <time.h>
#include <yajl/yajl_gen.h>

/* What these commands need of a container: its state record, live status and cgroup. */
struct cc {
	struct hull_container *ct;
	enum hull_status status;
	struct hull_cgroup *cg;
};

static void cc_clear(struct cc *c)
{
	hull_cgroup_free(c->cg);
	hull_container_free(c->ct);
	memset(c, 0, sizeof(*c));
}

/* Load the container, optionally lock it (pause/resume/update change it; events and ps
 * only read and must not wait behind a long-running command), then open its cgroup. */
static int cc_open(const struct hull_global_opts *g, const char *id, bool lock, struct cc *c, struct hull_error *err)
{
	memset(c, 0, sizeof(*c));
	if (hull_container_load(g, id, &c->ct, err) < 0)
		return -1;
	if (lock && hull_container_lock(c->ct, err) < 0) {
		cc_clear(c);
		return -1;
	}
	/* Re-derive: the status load computed may predate the lock. */
	c->status = lock ? hull_container_status(c->ct) : c->ct->status;
	if (hull_container_cgroup(c->ct, &c->cg, err) < 0) {
		cc_clear(c);
		return -1;
	}
	return 0;
}

/* A zombie or recycled init pid is a stopped container (state.c's rules). */
static bool cc_alive(const struct cc *c)
{
	return hull_pid_alive(c->ct->pid, c->ct->start_time);
}

/* runc: only a running or created container can be paused; anything else, a paused one
 * included, is "container not running". */
int hull_pause(const struct hull_global_opts *g, const char *id, struct hull_error *err)
{
	struct cc c;
	if (cc_open(g, id, true, &c, err) < 0)
		return -1;
	int r;
	if (c.status == HULL_STATUS_STOPPED || c.status == HULL_STATUS_PAUSED)
		r = hull_fail(err, 0, "container not running");
	else
		r = hull_cgroup_freeze(c.cg, true, err);
	cc_clear(&c);
	return r;
}

int hull_resume(const struct hull_global_opts *g, const char *id, struct hull_error *err)
{
	struct cc c;
	if (cc_open(g, id, true, &c, err) < 0)
		return -1;
	int r = c.status != HULL_STATUS_PAUSED ? hull_fail(err, 0, "container not paused")
					       : hull_cgroup_freeze(c.cg, false, err);
	cc_clear(&c);
	return r;
}

int hull_update(const struct hull_global_opts *g, const char *id, const char *resources_json, size_t len,
		struct hull_error *err)
{
	struct cc c;
	if (cc_open(g, id, true, &c, err) < 0)
		return -1;
	struct hull_resources res;
	memset(&res, 0, sizeof(res));
	int r = 0;
	if (c.status == HULL_STATUS_STOPPED)
		r = hull_fail(err, 0, "container not running");
	else if (hull_spec_parse_resources(resources_json, len, &res, err) < 0)
		r = -1;
	if (r == 0) {
		res.present = true;
		/* runc: memory -1 without a swap value means "memory and swap unlimited". */
		if (res.has_memory && res.memory.has_limit && res.memory.limit == -1 && !res.memory.has_swap) {
			res.memory.has_swap = true;
			res.memory.swap = -1;
		}
		r = hull_cgroup_update(c.cg, &res, err);
	}
	hull_resources_clear(&res);
	cc_clear(&c);
	return r;
}

static int emit_gen(yajl_gen gen, hull_event_fn emit, void *ud)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(gen, &buf, &len);
	_cleanup_free_ char *line = xstrndup((const char *)buf, len);
	return emit(line, ud);
}

static void gen_s(yajl_gen gen, const char *s)
{
	yajl_gen_string(gen, (const unsigned char *)s, strlen(s));
}

static int emit_stats(struct cc *c, const char *id, hull_event_fn emit, void *ud, struct hull_error *err)
{
	yajl_gen gen = yajl_gen_alloc(NULL);
	yajl_gen_map_open(gen);
	gen_s(gen, "type");
	gen_s(gen, "stats");
	gen_s(gen, "id");
	gen_s(gen, id);
	gen_s(gen, "data");
	int r = hull_cgroup_stats_gen(c->cg, gen, err);
	yajl_gen_map_close(gen);
	if (r == 0 && emit_gen(gen, emit, ud) < 0)
		r = 1; /* the consumer went away: stop quietly */
	yajl_gen_free(gen);
	return r;
}

static int emit_oom(const char *id, hull_event_fn emit, void *ud)
{
	yajl_gen gen = yajl_gen_alloc(NULL);
	yajl_gen_map_open(gen);
	gen_s(gen, "type");
	gen_s(gen, "oom");
	gen_s(gen, "id");
	gen_s(gen, id);
	yajl_gen_map_close(gen);
	int r = emit_gen(gen, emit, ud);
	yajl_gen_free(gen);
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Stats every interval, OOM kills as they happen (polled every 100 ms), until the init is gone. */
static int events_loop(struct cc *c, const char *id, long interval_ms, hull_event_fn emit, void *ud,
		       struct hull_error *err)
{
	uint64_t ooms = 0, next = now_ms();
	hull_cgroup_oom_count(c->cg, &ooms);
	for (;;) {
		uint64_t o = 0;
		/* OOM before liveness: an OOM-killed init must still be reported. */
		if (hull_cgroup_oom_count(c->cg, &o) == 0 && o > ooms) {
			ooms = o;
			if (emit_oom(id, emit, ud) < 0)
				return 0;
		}
		if (!cc_alive(c))
			return 0;
		if (now_ms() >= next) {
			int r = emit_stats(c, id, emit, ud, err);
			if (r < 0 && !cc_alive(c)) { /* deleted under us: the stream simply ends */
				hull_error_clear(err);
				return 0;
			}
			if (r != 0)
				return r < 0 ? -1 : 0;
			next = now_ms() + (uint64_t)interval_ms;
		}
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int hull_events(const struct hull_global_opts *g, const char *id, bool stats_only, long interval_ms,
		hull_event_fn emit, void *userdata, struct hull_error *err)
{
	struct cc c;
	if (cc_open(g, id, false, &c, err) < 0)
		return -1;
	int r;
	if (c.status == HULL_STATUS_STOPPED)
		r = hull_fail(err, 0, "container with id %s is not running", id);
	else if (stats_only)
		r = emit_stats(&c, id, emit, userdata, err) < 0 ? -1 : 0;
	else
		r = events_loop(&c, id, interval_ms > 0 ? interval_ms : 5000, emit, userdata, err);
	cc_clear(&c);
	return r;
}

int hull_ps_pids(const struct hull_global_opts *g, const char *id, pid_t **pids, size_t *n, struct hull_error *err)
{
	struct cc c;
	*pids = NULL;
	*n = 0;
	if (cc_open(g, id, false, &c, err) < 0)
		return -1;
	int r = hull_cgroup_pids(c.cg, pids, n, err);
	cc_clear(&c);
	return r;
}
