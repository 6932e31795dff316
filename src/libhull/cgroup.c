/* cgroup.c - STUB (owner: cgroup work). Replace entirely. A handle that does nothing. */
#include "cgroup.h"
#include "util.h"
struct hull_cgroup { char *path; };
int hull_cgroup_create(const struct hull_cgroup_config *cfg, const struct hull_resources *res, struct hull_cgroup **out, struct hull_error *err) { (void)cfg; (void)res; (void)err; *out = xzalloc(sizeof(**out)); (*out)->path = xstrdup(""); return 0; }
int hull_cgroup_open(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err) { return hull_cgroup_create(cfg, NULL, out, err); }
int hull_cgroup_v2_dirfd(const struct hull_cgroup *cg) { (void)cg; return -1; }
int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err) { (void)cg; (void)pid; (void)err; return 0; }
int hull_cgroup_update(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err) { (void)cg; (void)res; (void)err; return 0; }
int hull_cgroup_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err) { (void)cg; (void)frozen; return hull_fail(err, 0, "cgroups are not implemented yet"); }
int hull_cgroup_is_frozen(struct hull_cgroup *cg, bool *frozen) { (void)cg; *frozen = false; return 0; }
int hull_cgroup_kill_all(struct hull_cgroup *cg, int signo, struct hull_error *err) { (void)cg; (void)signo; (void)err; return 0; }
int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_error *err) { (void)cg; (void)err; *pids = NULL; *n = 0; return 0; }
int hull_cgroup_stats_json(struct hull_cgroup *cg, char **json, struct hull_error *err) { (void)cg; (void)err; *json = xstrdup("{}"); return 0; }
int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count) { (void)cg; *count = 0; return 0; }
int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_error *err) { (void)cg; (void)err; return 0; }
const char *hull_cgroup_path(const struct hull_cgroup *cg) { return cg->path; }
void hull_cgroup_free(struct hull_cgroup *cg) { if (cg) { free(cg->path); free(cg); } }
const char *hull_cgroup_host_mode(void) { return "none"; }
