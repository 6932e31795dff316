/* cgroup.h - the cgroup manager interface: host detection and one backend per hierarchy kind. */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include "libhull/spec/spec.h"

struct hull_cgroup;

struct hull_cgroup_config {
	const char *id;
	const char *cgroups_path; /* linux.cgroupsPath, may be NULL */
	enum hull_cgroup_manager manager;
	bool rootless;
	/* linux.devices: a default rule for a path listed here is dropped (runc does the same). */
	const struct hull_device *devices;
	size_t n_devices;
	/* annotations: the systemd driver takes org.systemd.property.* from them */
	const struct hull_kv *annotations;
	size_t n_annotations;
};

/* Fill cfg from the spec (linux.cgroupsPath, linux.devices) and the global options. The
 * pointers borrow from spec. */
void hull_cgroup_config_init(struct hull_cgroup_config *cfg, const char *id, const struct hull_spec *spec,
			     const struct hull_global_opts *g, bool rootless);

/* Create the container's cgroup(s) and apply `res` (may be NULL). The process is
 * not in it yet. With manager DISABLED returns a handle that does nothing. */
int hull_cgroup_create(const struct hull_cgroup_config *cfg, const struct hull_resources *res,
		       struct hull_cgroup **out, struct hull_error *err);
/* The two halves of hull_cgroup_create, for create's crash record: plan resolves the
 * host and the cgroupsPath (hull_cgroup_path() is then known) without touching any
 * hierarchy; make creates the cgroup(s) and applies res. A failed make leaves nothing
 * behind; the handle is still the caller's to free. */
int hull_cgroup_plan(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err);
int hull_cgroup_make(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err);
/* Re-open the cgroup of an existing container (from state) without creating it.
 * Pass the path hull_cgroup_path() returned at create time as cfg->cgroups_path:
 * an absolute path always resolves to itself (also with the systemd manager). */
int hull_cgroup_open(const struct hull_cgroup_config *cfg, struct hull_cgroup **out, struct hull_error *err);
/* v2: an O_PATH|O_DIRECTORY fd of the cgroup for clone3(CLONE_INTO_CGROUP); -1 otherwise. */
int hull_cgroup_v2_dirfd(const struct hull_cgroup *cg);
/* Put pid (and on hybrid hosts also the unified hierarchy) in the cgroup. */
int hull_cgroup_enter(struct hull_cgroup *cg, pid_t pid, struct hull_error *err);
/* v1/hybrid, for a single-threaded child about to be cloned: *fds gets an open fd of
 * each v1 hierarchy's "tasks" file (*n of them, malloc'd), to which the child writes "0"
 * itself, and *unified_fd the unified dir on hybrid hosts (else -1) for clone3's
 * CLONE_INTO_CGROUP. A thread moving itself skips the global cgroup_threadgroup_rwsem,
 * whose first writer waits out an RCU grace period (10-20 ms on a busy host). Returns
 * -1 (nothing open) where that does not apply: use hull_cgroup_enter. */
int hull_cgroup_self_enter_fds(struct hull_cgroup *cg, int **fds, size_t *n, int *unified_fd);
int hull_cgroup_update(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err);
int hull_cgroup_freeze(struct hull_cgroup *cg, bool frozen, struct hull_error *err);
int hull_cgroup_is_frozen(struct hull_cgroup *cg, bool *frozen);
/* Signal every process in the cgroup (runc 1.1 `kill --all`): freeze, signal each pid,
 * thaw; SIGKILL uses cgroup.kill where the kernel has it. No processes is not an error. */
int hull_cgroup_kill_all(struct hull_cgroup *cg, int signo, struct hull_error *err);
/* Pids of every process in the cgroup. Caller frees *pids. */
int hull_cgroup_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, struct hull_error *err);
/* runc's events "data" object for --stats (a JSON object text). Caller frees. */
int hull_cgroup_stats_json(struct hull_cgroup *cg, char **json, struct hull_error *err);
/* True once the cgroup saw an OOM kill since *last (counter kept by the caller). */
int hull_cgroup_oom_count(struct hull_cgroup *cg, uint64_t *count);
/* Remove the cgroup(s), retrying while busy. Missing is not an error. */
int hull_cgroup_destroy(struct hull_cgroup *cg, struct hull_error *err);
/* The resolved cgroup path (relative to the hierarchy root) for the state file. */
const char *hull_cgroup_path(const struct hull_cgroup *cg);
void hull_cgroup_free(struct hull_cgroup *cg);
/* For features: "v1", "v2", "hybrid" or "none". */
const char *hull_cgroup_host_mode(void);
/* True if the handle does nothing (manager disabled, or rootless without access). */
bool hull_cgroup_is_noop(const struct hull_cgroup *cg);
/* Write the stats "data" object into an open yajl generator (for callers building
 * the whole events line). */
struct yajl_gen_t;
int hull_cgroup_stats_gen(struct hull_cgroup *cg, struct yajl_gen_t *g, struct hull_error *err);

#endif
