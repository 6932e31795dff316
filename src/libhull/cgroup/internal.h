/* internal.h - what the cgroup backends (v1, v2, systemd paths, devices, stats) share. */
#ifndef HULL_CGROUP_INTERNAL_H
#define HULL_CGROUP_INTERNAL_H

#include "cgroup.h"
#include "common/util.h"

#include <yajl/yajl_gen.h>

enum cg_mode { CG_MODE_NONE, CG_MODE_V1, CG_MODE_HYBRID, CG_MODE_V2 };

/* One mounted v1 hierarchy (may carry several controllers, e.g. "cpu,cpuacct"). */
struct cg_v1_hier {
	char *mountpoint;  /* /sys/fs/cgroup/memory */
	char *controllers; /* "memory", "cpu,cpuacct", "name=systemd" */
	char *dir;         /* our cgroup in this hierarchy */
};

struct hull_cgroup;

/* One backend. Every function may assume cg->path is resolved. */
struct cg_ops {
	const char *name;
	int (*create)(struct hull_cgroup *cg, const struct hull_resources *res, struct hull_error *err);
	int (*apply)(struct hull_cgroup *cg, const struct hull_resources *res, bool update, struct hull_error *err);
	int (*enter)(struct hull_cgroup *cg, pid_t pid, struct hull_error *err);
	int (*freeze)(struct hull_cgroup *cg, bool frozen, struct hull_error *err);
	int (*is_frozen)(struct hull_cgroup *cg, bool *frozen);
	/* The directory whose cgroup.procs lists the container's processes; NULL if none. */
	const char *(*procs_dir)(struct hull_cgroup *cg);
	int (*stats)(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err);
	int (*oom_count)(struct hull_cgroup *cg, uint64_t *count);
	int (*destroy)(struct hull_cgroup *cg, struct hull_error *err);
};

struct hull_cgroup {
	const struct cg_ops *ops;
	enum cg_mode mode;
	char *id;
	char *path; /* absolute, relative to each hierarchy's root: "/hull/<id>" */
	bool rootless;
	bool exists; /* the cgroup directories are there (create or open succeeded) */
	/* the cgroup2 hierarchy: the whole tree (v2) or /sys/fs/cgroup/unified (hybrid) */
	char *v2_root;
	char *v2_dir;
	int v2_fd;
	/* v1 hierarchies (v1 and hybrid) */
	struct cg_v1_hier *v1;
	size_t n_v1;
	/* linux.devices of the spec: their paths drop runc's default rules (cgroup_devices.c) */
	const struct hull_device *spec_devices;
	size_t n_spec_devices;
	/* the systemd driver's state (systemd.c); NULL with cgroupfs */
	struct cg_systemd *sd;
};

extern const struct cg_ops hull_cg_v1_ops, hull_cg_v2_ops, hull_cg_systemd_ops;

/* ---- cgroup.c: shared file helpers ---- */
/* Write val to dir/file. Error names the file. */
int cg_write(const char *dir, const char *file, const char *val, struct hull_error *err);
/* Same but returns -errno without recording an error (for probing). */
int cg_write_quiet(const char *dir, const char *file, const char *val);
/* Read dir/file (NUL-terminated, trailing newline kept). Returns 0 or -errno. */
int cg_read(const char *dir, const char *file, char **out);
bool cg_file_exists(const char *dir, const char *file);
/* mkdir -p root+path; each directory hull creates is marked so destroy may remove it.
 * prepare (may be NULL) runs for every directory on the path, existing or new, parents
 * first (a new one is removed again when it fails). */
int cg_mkdir_path(const char *root, const char *path, int (*prepare)(const char *dir, struct hull_error *err),
		  struct hull_error *err);
/* Remove dir with any child cgroups (retrying while busy, until deadline: see
 * cg_remove_deadline), then the empty parents hull created, up to root. Missing is fine.
 * Still busy at the deadline: the error names the processes left in it. */
uint64_t cg_remove_deadline(void);
int cg_remove(const char *root, const char *dir, uint64_t deadline, struct hull_error *err);
/* Pids in dir/cgroup.procs and in all child cgroups. */
int cg_read_pids(const char *dir, pid_t **pids, size_t *n, struct hull_error *err);
/* Parse "key value" lines (cpu.stat, memory.stat, ...) for key. */
int cg_keyed_u64(const char *text, const char *key, uint64_t *out);
/* v2 helpers used on hybrid hosts too. */
int cg_v2_enable_controllers(const char *root, const char *path, const char *const *ctrls, size_t n,
			     bool all_available, struct hull_error *err);
int cg_v2_write_unified(const char *dir, const struct hull_kv *kv, size_t n, struct hull_error *err);
int cg_v2_hugetlb(const char *dir, const struct hull_resources *res, struct hull_error *err);
/* cgroup.freeze is a core v2 file: it works on a hybrid host's unified hierarchy too. */
int cg_v2_freeze(const char *dir, bool frozen, struct hull_error *err);

/* ---- pure conversions (unit tested) ---- */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t w);
/* runc's swap semantics: v1 swap is memory+swap; returns the v2 memory.swap.max value,
 * -1 unlimited, 0 unset; <-1 error (message in *why). */
int cg_swap_v1_to_v2(int64_t swap, int64_t limit, int64_t *out, const char **why);
/* Lexically clean a cgroup path: absolute, no "." / ".." / "//" (runc's CleanPath). */
char *cg_clean_path(const char *p);
/* runc's warning for memory.kernel/kernelTCP, which it ignores (so does hull). */
void cg_warn_kernel_memory(const struct hull_memory_resources *m, bool update);
/* Check the resources that make sense on no backend (e.g. shares 1). */
int cg_validate_resources(const struct hull_resources *res, struct hull_error *err);

/* ---- systemd.c: the systemd driver ---- */
/* "slice:prefix:name" -> "/system.slice/prefix-name.scope" (root's layout; pure). */
int cg_systemd_path(const char *cgroups_path, const char *id, bool rootless, char **out, struct hull_error *err);
char *cg_systemd_expand_slice(const char *slice, struct hull_error *err);
/* Make cg a systemd-driven cgroup: cg->ops (the cgroupfs backend for the host, set by
 * the caller) moves under hull_cg_systemd_ops; cg->path is resolved (an absolute
 * cgroupsPath is an existing container's, from its state). */
int cg_systemd_plan(struct hull_cgroup *cg, const struct hull_cgroup_config *cfg, struct hull_error *err);
void cg_systemd_free(struct hull_cgroup *cg);
/* An existing container's cgroup (open): destroy stops its unit. */
void cg_systemd_opened(struct hull_cgroup *cg);

/* ---- cgroup_devices.c ---- */
/* The device policy the container gets, folded from linux.resources.devices then runc's
 * default allow list (minus the paths linux.devices redefines): out[0] is the default
 * ('a', allow or deny all), the rest the exceptions to it. linux.devices entries get no
 * rule of their own (runc 1.1). */
struct cg_dev_rule {
	bool allow;
	char type; /* a c b */
	int64_t major, minor; /* -1 = wildcard */
	unsigned access; /* bits: 1 m, 2 r, 4 w (kernel's BPF_DEVCG_ACC_*) */
};
int cg_devices_rules(const struct hull_cgroup *cg, const struct hull_resources *res, struct cg_dev_rule **out,
		     size_t *n, struct hull_error *err);
int cg_devices_v1_apply(const char *dir, const struct cg_dev_rule *rules, size_t n, struct hull_error *err);
int cg_devices_v2_apply(int dirfd, const struct cg_dev_rule *rules, size_t n, struct hull_error *err);
/* Build the eBPF program (exposed for unit tests). Returns instruction count; *insns malloc'd. */
size_t cg_devices_bpf_program(const struct cg_dev_rule *rules, size_t n, void **insns);

/* ---- cgroup_stats.c ---- */
int cg_v1_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err);
/* v1: the directory of cg in the hierarchy carrying controller ctrl, or NULL when it is not mounted. */
const char *cg_v1_dir(struct hull_cgroup *cg, const char *ctrl);
int cg_v2_stats(struct hull_cgroup *cg, yajl_gen g, struct hull_error *err);
void cg_gen_str(yajl_gen g, const char *s);
void cg_gen_u64(yajl_gen g, const char *key, uint64_t v);

#endif
