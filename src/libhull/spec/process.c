/* process.c - the "process" object of config.json (also `exec --process` files). */
#define _GNU_SOURCE
#include "sections.h"
#include "common/util.h"

#include <inttypes.h>
#include <sys/resource.h>

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },		{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },		{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static const char *const sched_policies[] = { "SCHED_OTHER", "SCHED_FIFO",  "SCHED_RR",	   "SCHED_BATCH",
					      "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL };
static const char *const sched_flags[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
					   "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
					   "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN",
					   "SCHED_FLAG_UTIL_CLAMP_MAX", NULL };
static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };

static int parse_console_size(struct hull_json *j, yajl_val proc, struct hull_process *p)
{
	yajl_val cs = NULL;
	int r = hull_json_get_object(j, proc, "consoleSize", false, &cs);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "consoleSize");
	uint16_t h = 0, w = 0; /* struct winsize holds unsigned shorts */
	if (hull_json_get_u16(j, cs, "height", true, &h) < 0 || hull_json_get_u16(j, cs, "width", true, &w) < 0)
		return -1;
	hull_json_pop(j, mark);
	p->has_console_size = true;
	p->console_height = h;
	p->console_width = w;
	return 0;
}

static int parse_user(struct hull_json *j, yajl_val proc, struct hull_process *p)
{
	yajl_val u = NULL, gids = NULL;
	int r = hull_json_get_object(j, proc, "user", false, &u);
	if (r <= 0)
		return r; /* absent: uid 0, gid 0, as runc */
	size_t mark = hull_json_push_key(j, "user");
	if (hull_json_get_u32(j, u, "uid", true, &p->uid) < 0 || hull_json_get_u32(j, u, "gid", true, &p->gid) < 0 ||
	    (r = hull_json_get_u32(j, u, "umask", false, &p->umask)) < 0)
		return -1;
	p->has_umask = r > 0;
	if ((r = hull_json_get_array(j, u, "additionalGids", false, &gids)) < 0)
		return -1;
	if (r > 0) {
		size_t n = gids->u.array.len, gmark = hull_json_push_key(j, "additionalGids");
		p->additional_gids = xcalloc(n ? n : 1, sizeof(uint32_t));
		p->n_additional_gids = n;
		for (size_t i = 0; i < n; i++) {
			uint64_t g = 0;
			size_t imark = hull_json_push_index(j, i);
			if (hull_json_u64(j, gids->u.array.values[i], UINT32_MAX, &g) < 0)
				return -1;
			p->additional_gids[i] = (uint32_t)g;
			hull_json_pop(j, imark);
		}
		hull_json_pop(j, gmark);
	}
	hull_json_pop(j, mark);
	return 0;
}

/* Environment entries must be NAME=value with a non-empty NAME (runc refuses the rest). */
static int check_env(struct hull_json *j, char **env)
{
	size_t mark = hull_json_push_key(j, "env");
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		size_t imark = hull_json_push_index(j, i);
		if (!eq)
			return hull_json_fail(j, "invalid environment variable \"%.100s\": missing '='", env[i]);
		if (eq == env[i])
			return hull_json_fail(j, "invalid environment variable \"%.100s\": empty name", env[i]);
		hull_json_pop(j, imark);
	}
	hull_json_pop(j, mark);
	return 0;
}

static int parse_capabilities(struct hull_json *j, yajl_val proc, struct hull_process *p)
{
	yajl_val c = NULL;
	int r = hull_json_get_object(j, proc, "capabilities", false, &c);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "capabilities");
	struct hull_capabilities *caps = &p->capabilities;
	if (hull_json_get_strv(j, c, "bounding", false, &caps->bounding) < 0 ||
	    hull_json_get_strv(j, c, "effective", false, &caps->effective) < 0 ||
	    hull_json_get_strv(j, c, "inheritable", false, &caps->inheritable) < 0 ||
	    hull_json_get_strv(j, c, "permitted", false, &caps->permitted) < 0 ||
	    hull_json_get_strv(j, c, "ambient", false, &caps->ambient) < 0)
		return -1;
	hull_json_pop(j, mark);
	p->has_capabilities = true;
	return 0;
}

static int parse_rlimit(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_rlimit *rl = elem;
	if (hull_json_get_string(j, v, "type", true, &rl->type) < 0)
		return -1;
	rl->resource = -1;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, rl->type) == 0)
			rl->resource = rlimit_names[i].resource;
	if (rl->resource < 0)
		return hull_json_fail_at(j, "type", "unknown rlimit \"%.100s\"", rl->type);
	if (hull_json_get_u64(j, v, "hard", true, UINT64_MAX, &rl->hard) < 0 ||
	    hull_json_get_u64(j, v, "soft", true, UINT64_MAX, &rl->soft) < 0)
		return -1;
	if (rl->soft > rl->hard)
		return hull_json_fail(j, "soft limit %" PRIu64 " is greater than hard limit %" PRIu64, rl->soft, rl->hard);
	return 0;
}

static int parse_rlimits(struct hull_json *j, yajl_val proc, struct hull_process *p)
{
	int r = spec_object_array(j, proc, "rlimits", false, sizeof(struct hull_rlimit), (void **)&p->rlimits,
				  &p->n_rlimits, parse_rlimit);
	if (r <= 0)
		return r;
	/* The spec requires an error for a type given twice. */
	for (size_t i = 1; i < p->n_rlimits; i++)
		for (size_t k = 0; k < i; k++)
			if (p->rlimits[i].resource == p->rlimits[k].resource) {
				hull_json_push_key(j, "rlimits");
				hull_json_push_index(j, i);
				return hull_json_fail_at(j, "type", "duplicate rlimit \"%s\"", p->rlimits[i].type);
			}
	return 0;
}

static int parse_scheduler(struct hull_json *j, yajl_val proc, struct hull_scheduler *s)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, proc, "scheduler", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "scheduler");
	s->present = true;
	if (spec_enum(j, v, "policy", true, sched_policies, "scheduler policy", &s->policy) < 0 ||
	    hull_json_get_i32(j, v, "nice", false, -20, 19, &s->nice) < 0 ||
	    hull_json_get_i32(j, v, "priority", false, INT32_MIN, INT32_MAX, &s->priority) < 0 ||
	    spec_enum_list(j, v, "flags", sched_flags, "scheduler flag", &s->flags) < 0 ||
	    hull_json_get_u64(j, v, "runtime", false, UINT64_MAX, &s->runtime) < 0 ||
	    hull_json_get_u64(j, v, "deadline", false, UINT64_MAX, &s->deadline) < 0 ||
	    hull_json_get_u64(j, v, "period", false, UINT64_MAX, &s->period) < 0)
		return -1;
	/* Real-time policies need a priority in 1..99; the others take none (sched_setattr rules). */
	bool rt = strcmp(s->policy, "SCHED_FIFO") == 0 || strcmp(s->policy, "SCHED_RR") == 0;
	if (rt && (s->priority < 1 || s->priority > 99))
		return hull_json_fail_at(j, "priority", "must be 1..99 for %s, got %" PRId32, s->policy, s->priority);
	if (!rt && s->priority != 0)
		return hull_json_fail_at(j, "priority", "must be 0 for %s, got %" PRId32, s->policy, s->priority);
	hull_json_pop(j, mark);
	return 0;
}

static int parse_io_priority(struct hull_json *j, yajl_val proc, struct hull_io_priority *io)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, proc, "ioPriority", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "ioPriority");
	io->present = true;
	if (spec_enum(j, v, "class", true, ioprio_classes, "io priority class", &io->class_name) < 0 ||
	    hull_json_get_i32(j, v, "priority", false, 0, 7, &io->priority) < 0)
		return -1;
	hull_json_pop(j, mark);
	return 0;
}

static int parse_cpu_affinity(struct hull_json *j, yajl_val proc, struct hull_process *p)
{
	yajl_val v = NULL;
	int r = hull_json_get_object(j, proc, "execCPUAffinity", false, &v);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "execCPUAffinity");
	if (hull_json_get_string(j, v, "initial", false, &p->exec_cpu_affinity_initial) < 0 ||
	    hull_json_get_string(j, v, "final", false, &p->exec_cpu_affinity_final) < 0)
		return -1;
	if (p->exec_cpu_affinity_initial && !spec_valid_cpu_list(p->exec_cpu_affinity_initial))
		return hull_json_fail_at(j, "initial", "invalid cpu list \"%.100s\"", p->exec_cpu_affinity_initial);
	if (p->exec_cpu_affinity_final && !spec_valid_cpu_list(p->exec_cpu_affinity_final))
		return hull_json_fail_at(j, "final", "invalid cpu list \"%.100s\"", p->exec_cpu_affinity_final);
	hull_json_pop(j, mark);
	return 0;
}

int spec_parse_process_obj(struct hull_json *j, yajl_val v, struct hull_process *p)
{
	p->present = true;
	int r;
	if (hull_json_get_bool(j, v, "terminal", &p->terminal) < 0 || parse_console_size(j, v, p) < 0 ||
	    parse_user(j, v, p) < 0 || hull_json_get_strv(j, v, "args", true, &p->args) < 0)
		return -1;
	if (!p->args[0])
		return hull_json_fail_at(j, "args", "must not be empty");
	if (hull_json_get_strv(j, v, "env", false, &p->env) < 0 || check_env(j, p->env) < 0 ||
	    spec_abs_path(j, v, "cwd", true, &p->cwd) < 0 || parse_capabilities(j, v, p) < 0 ||
	    parse_rlimits(j, v, p) < 0 || hull_json_get_bool(j, v, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	    hull_json_get_string(j, v, "apparmorProfile", false, &p->apparmor_profile) < 0 ||
	    (r = hull_json_get_i32(j, v, "oomScoreAdj", false, -1000, 1000, &p->oom_score_adj)) < 0)
		return -1;
	p->has_oom_score_adj = r > 0;
	if (parse_scheduler(j, v, &p->scheduler) < 0 || parse_io_priority(j, v, &p->io_priority) < 0 ||
	    hull_json_get_string(j, v, "selinuxLabel", false, &p->selinux_label) < 0 || parse_cpu_affinity(j, v, p) < 0)
		return -1;
	return 0;
}

void hull_process_clear(struct hull_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	hull_free_strv(p->args);
	hull_free_strv(p->env);
	free(p->cwd);
	hull_free_strv(p->capabilities.bounding);
	hull_free_strv(p->capabilities.effective);
	hull_free_strv(p->capabilities.inheritable);
	hull_free_strv(p->capabilities.permitted);
	hull_free_strv(p->capabilities.ambient);
	for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->scheduler.policy);
	hull_free_strv(p->scheduler.flags);
	free(p->io_priority.class_name);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}
