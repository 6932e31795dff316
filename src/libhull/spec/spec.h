/* spec.h - config.json parsed into typed structs (OCI runtime-spec 1.2, Linux).
 *
 * spec.c parses and validates once; everything after works on these structs and
 * never re-reads JSON. Optional scalars carry a has_ flag; absent arrays are NULL
 * with count 0; absent strings are NULL. */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include "libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>

struct hull_kv {
	char *key;
	char *value;
};

struct hull_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct hull_mount {
	char *destination; /* required, absolute after validation */
	bool relative_destination; /* it was written without the leading "/" (runc warns) */
	char *type;        /* may be NULL (bind inferred from options) */
	char *source;
	char **options; /* NULL-terminated, may be NULL */
	struct hull_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct hull_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct hull_rlimit {
	int resource; /* RLIMIT_* value, resolved from the name */
	char *type;   /* the name as written, e.g. "RLIMIT_NOFILE" */
	uint64_t hard;
	uint64_t soft;
};

struct hull_capabilities {
	/* Each set is a NULL-terminated list of names (as written, "CAP_..."), or NULL if absent. */
	char **bounding;
	char **effective;
	char **inheritable;
	char **permitted;
	char **ambient;
};

struct hull_scheduler {
	bool present;
	char *policy; /* SCHED_OTHER, SCHED_FIFO, ... (required if present) */
	int32_t nice;
	int32_t priority;
	char **flags; /* SCHED_FLAG_* names */
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct hull_io_priority {
	bool present;
	char *class_name; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
	int32_t priority;
};

struct hull_process {
	bool present;
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	/* user */
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char **args; /* NULL-terminated; required non-empty for create */
	char **env;  /* NULL-terminated, may be NULL */
	char *cwd;   /* required, absolute */
	bool has_capabilities;
	struct hull_capabilities capabilities;
	struct hull_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	struct hull_scheduler scheduler;
	struct hull_io_priority io_priority;
	char *selinux_label;
	char *exec_cpu_affinity_initial; /* cpu list string, e.g. "0-3,7" */
	char *exec_cpu_affinity_final;
};

struct hull_hook {
	char *path; /* required, absolute */
	char **args;
	char **env;
	bool has_timeout;
	int32_t timeout; /* seconds, > 0 */
};

struct hull_hook_list {
	struct hull_hook *hooks;
	size_t n;
};

struct hull_hooks {
	struct hull_hook_list prestart;
	struct hull_hook_list create_runtime;
	struct hull_hook_list create_container;
	struct hull_hook_list start_container;
	struct hull_hook_list poststart;
	struct hull_hook_list poststop;
};

enum hull_ns_type {
	HULL_NS_PID,
	HULL_NS_NET,
	HULL_NS_MNT,
	HULL_NS_IPC,
	HULL_NS_UTS,
	HULL_NS_USER,
	HULL_NS_CGROUP,
	HULL_NS_TIME,
	HULL_NS_COUNT
};

struct hull_namespace {
	enum hull_ns_type type;
	char *path; /* NULL: create a new one; else join this one */
};

struct hull_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct hull_device {
	char type; /* 'c', 'b', 'u' or 'p' */
	char *path;
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

/* linux.resources.devices[]: device cgroup rule. */
struct hull_device_rule {
	bool allow;
	char type; /* 'a', 'c', 'b'; 'a' when absent */
	bool has_major;
	int64_t major; /* absent = wildcard */
	bool has_minor;
	int64_t minor;
	char *access; /* "rwm" letters (others are ignored); NULL or "" is refused when applied */
};

struct hull_memory_resources {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
	uint64_t swappiness;
	bool has_disable_oom_killer;
	bool disable_oom_killer;
	bool has_use_hierarchy;
	bool use_hierarchy;
	bool check_before_update;
};

struct hull_cpu_resources {
	bool has_shares, has_quota, has_burst, has_period, has_rt_runtime, has_rt_period, has_idle;
	uint64_t shares;
	int64_t quota;
	uint64_t burst;
	uint64_t period;
	int64_t rt_runtime;
	uint64_t rt_period;
	int64_t idle;
	char *cpus;
	char *mems;
};

struct hull_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct hull_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct hull_blkio_resources {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct hull_weight_device *weight_devices;
	size_t n_weight_devices;
	struct hull_throttle_device *throttle_read_bps, *throttle_write_bps;
	struct hull_throttle_device *throttle_read_iops, *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops, n_throttle_write_iops;
};

struct hull_hugepage_limit {
	char *page_size; /* e.g. "2MB" */
	uint64_t limit;
};

struct hull_net_priority {
	char *name;
	uint32_t priority;
};

struct hull_rdma_limit {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct hull_resources {
	bool present;
	struct hull_device_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct hull_memory_resources memory;
	bool has_cpu;
	struct hull_cpu_resources cpu;
	bool has_pids;
	int64_t pids_limit; /* <= 0: unlimited */
	bool has_blkio;
	struct hull_blkio_resources blkio;
	struct hull_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	bool has_network;
	bool has_class_id;
	uint32_t class_id;
	struct hull_net_priority *net_priorities;
	size_t n_net_priorities;
	struct hull_rdma_limit *rdma;
	size_t n_rdma;
	struct hull_kv *unified; /* cgroup v2 file -> value */
	size_t n_unified;
};

struct hull_intel_rdt {
	bool present;
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	bool enable_cmt;
	bool enable_mbm;
};

struct hull_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	char *op; /* SCMP_CMP_NE, SCMP_CMP_LT, ..., SCMP_CMP_MASKED_EQ */
};

struct hull_seccomp_syscall {
	char **names;
	char *action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct hull_seccomp_arg *args;
	size_t n_args;
};

struct hull_seccomp {
	bool present;
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures;
	char **flags;
	char *listener_path;
	char *listener_metadata;
	struct hull_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct hull_personality {
	bool present;
	char *domain; /* LINUX or LINUX32 */
	char **flags;
};

struct hull_memory_policy {
	bool present;
	char *mode; /* MPOL_* */
	char *nodes;
	char **flags;
};

struct hull_linux {
	bool present;
	struct hull_namespace *namespaces;
	size_t n_namespaces;
	struct hull_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct hull_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct hull_time_offset time_monotonic;
	struct hull_time_offset time_boottime;
	struct hull_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct hull_resources resources;
	struct hull_intel_rdt intel_rdt;
	struct hull_kv *sysctl;
	size_t n_sysctl;
	struct hull_seccomp seccomp;
	char *rootfs_propagation; /* private, rprivate, shared, ... or NULL */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	struct hull_personality personality;
	struct hull_kv *net_devices; /* host name -> name in container ("" = same) */
	size_t n_net_devices;
	struct hull_memory_policy memory_policy;
};

struct hull_spec {
	char *oci_version;
	char *root_path; /* as written (may be relative to the bundle) */
	bool root_readonly;
	struct hull_mount *mounts;
	size_t n_mounts;
	struct hull_process process;
	char *hostname;
	char *domainname;
	struct hull_hooks hooks;
	struct hull_kv *annotations;
	size_t n_annotations;
	struct hull_linux linux_;
};

/* Parse config.json text. No side effects: no filesystem access, no globals, so
 * a fuzzer can drive it. Errors read "config.json: <json path>: <problem>". */
int hull_spec_parse(const char *json, size_t len, struct hull_spec **out, struct hull_error *err);
/* Read and parse a file (the message is prefixed with the path's basename). */
int hull_spec_load(const char *path, struct hull_spec **out, struct hull_error *err);
/* Parse an OCI Process object (for `exec --process`). Errors say "process.json: <path>". */
int hull_spec_parse_process(const char *json, size_t len, struct hull_process *out, struct hull_error *err);
/* Parse a LinuxResources object (for `update --resources`). */
int hull_spec_parse_resources(const char *json, size_t len, struct hull_resources *out, struct hull_error *err);
void hull_spec_free(struct hull_spec *spec);
void hull_process_clear(struct hull_process *p);
void hull_resources_clear(struct hull_resources *r);

/* Lookups used by several modules. */
const struct hull_namespace *hull_spec_namespace(const struct hull_spec *spec, enum hull_ns_type type);
const char *hull_ns_type_name(enum hull_ns_type type); /* "pid", "network", ... (spec names) */
/* ociVersion is not required and never refused (runc 1.1.5 does not read it); one that
 * is not 1.x gets a warning. For create (not every command that reads the config). */
void hull_spec_check_version(const char *oci_version);
const char *hull_kv_get(const struct hull_kv *kv, size_t n, const char *key);

/* linux.seccomp's closed lists (NULL-terminated), for the parser and `hull features`.
 * hull_seccomp_flags: the filter flags security/seccomp.c can apply. */
extern const char *const hull_seccomp_actions[], *const hull_seccomp_ops[], *const hull_seccomp_archs[],
	*const hull_seccomp_flags[];

#endif
