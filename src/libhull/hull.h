/* hull.h - the public API of libhull, the core of the hull OCI runtime.
 *
 * Everything a front end (the hull CLI, hull-image, or another program) needs to
 * drive containers. Nothing in here exposes parser or kernel-facing internals. */
#ifndef HULL_H
#define HULL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HULL_OCI_VERSION "1.2.0"

/* ---- errors ------------------------------------------------------------ */

/* An error travels up the call chain; each level may prefix context. */
struct hull_error {
	int errnum; /* errno of the root cause, 0 if none */
	char *msg;  /* full message, already including strerror(errnum) */
};

/* Record an error (replacing any previous one). Always returns -1. */
int hull_fail(struct hull_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like hull_fail, but the message is kept verbatim (no ": strerror" appended): for the
 * messages daemons match on, which must read exactly as runc's. */
int hull_fail_plain(struct hull_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix "context: " to an existing error message. Always returns -1. */
int hull_error_prefix(struct hull_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hull_error_clear(struct hull_error *err);

/* ---- logging (the only global state in libhull) ------------------------- */

enum hull_log_level { HULL_LOG_DEBUG, HULL_LOG_INFO, HULL_LOG_WARN, HULL_LOG_ERROR };
enum hull_log_format { HULL_LOG_TEXT, HULL_LOG_JSON };

/* path NULL or "" means stderr. Returns 0 or -1 with err set. */
int hull_log_open(const char *path, enum hull_log_format format, bool debug, struct hull_error *err);
void hull_log_close(void);
bool hull_log_debug_enabled(void);
void hull_log(enum hull_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fatal error of a command: logged at error level and, when the log goes to a
 * file, also printed bare to stderr (runc does the same). */
void hull_log_fatal(const char *msg);

/* Read by hull_debug/hull_trace so that without --debug each costs one branch. */
extern bool hull_log_debugging;

#define hull_debug(...)                                          \
	do {                                                     \
		if (__builtin_expect(hull_log_debugging, 0))     \
			hull_log(HULL_LOG_DEBUG, __VA_ARGS__);   \
	} while (0)
/* The --debug start trace: a debug line at a phase boundary of create/start/exec,
 * with the time since hull started ("<msg> [+12.345ms]"). Child processes relay it
 * to the parent, so it is stamped where the phase ends, not where it is written. */
#define hull_trace(...)                                          \
	do {                                                     \
		if (__builtin_expect(hull_log_debugging, 0))     \
			hull_log_trace(__VA_ARGS__);             \
	} while (0)
void hull_log_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<msg> [+<ms>ms]": elapsed_ns as milliseconds with microsecond digits (pure). */
char *hull_trace_message(const char *msg, int64_t elapsed_ns);
/* A child of hull (container init, exec'd process) has no log of its own: while fn is
 * set every log line is handed to it (to send to the parent, which logs it) instead. */
typedef void (*hull_log_relay_fn)(void *arg, enum hull_log_level level, const char *msg);
void hull_log_set_relay(hull_log_relay_fn fn, void *arg);
#define hull_info(...) hull_log(HULL_LOG_INFO, __VA_ARGS__)
#define hull_warn(...) hull_log(HULL_LOG_WARN, __VA_ARGS__)

/* ---- global options (runc's global flags) -------------------------------- */

enum hull_cgroup_manager {
	HULL_CGROUP_MANAGER_CGROUPFS,
	HULL_CGROUP_MANAGER_SYSTEMD,
	HULL_CGROUP_MANAGER_DISABLED,
};

struct hull_global_opts {
	const char *root; /* state directory root, absolute */
	enum hull_cgroup_manager cgroup_manager;
	int rootless; /* -1 auto, 0 false, 1 true */
	bool debug;
};

/* Default state root: /run/hull for root, $XDG_RUNTIME_DIR/hull otherwise. Caller frees. */
char *hull_default_root(void);

/* ---- spec ------------------------------------------------------------------ */

/* The default config.json `hull spec` writes (runc's defaults). Caller frees. */
char *hull_spec_default_json(bool rootless);
/* Parse and validate a config.json file; 0 on success. Used by `hull spec --validate`
 * style callers and tests; container creation parses internally. */
int hull_spec_validate_file(const char *path, struct hull_error *err);
/* The OCI features JSON (indented), reflecting what this build implements. Caller frees. */
char *hull_features_json(void);

/* ---- container lifecycle (container/create.c, lifecycle.c) ---------------------------------- */

struct hull_create_opts {
	const char *bundle;         /* absolute; NULL = current directory */
	const char *config_path;    /* NULL = <bundle>/config.json (crun's run --config) */
	const char *pid_file;       /* NULL or a path (made absolute against the caller's cwd) */
	const char *console_socket; /* AF_UNIX SOCK_STREAM path the pty master is sent to */
	const char *pidfd_socket;   /* AF_UNIX path the init's pidfd is sent to (runc 1.2) */
	int listen_fds;             /* socket activation: fds 3..3+listen_fds-1 (LISTEN_FDS) */
	int preserve_fds;           /* further fds after the LISTEN_FDS ones passed through */
	bool no_pivot;
	bool no_new_keyring;
	/* run only */
	bool detach;       /* run -d: return once started */
	bool keep;         /* run: do not delete the container after it exits */
	bool no_subreaper; /* run: do not become PR_SET_CHILD_SUBREAPER */
};

/* Create a container: the init is set up completely and then waits for start.
 * Errors name what failed, e.g. `exec: "nosuch": executable file not found in $PATH`;
 * on failure nothing is left behind. Prints nothing. */
int hull_create(const struct hull_global_opts *g, const char *id, const struct hull_create_opts *o,
		struct hull_error *err);
/* Start a created container (runs poststart hooks); does not wait for the workload. */
int hull_start(const struct hull_global_opts *g, const char *id, struct hull_error *err);
/* create + start. Foreground (o->detach false): forwards signals to the init, relays
 * the tty when process.terminal is set without a console socket, waits, deletes the
 * container unless o->keep, and stores the workload's status in *exit_status as a
 * shell would (128+N when killed by signal N). Detached: returns once started
 * (*exit_status 0). */
int hull_run(const struct hull_global_opts *g, const char *id, const struct hull_create_opts *o,
	     int *exit_status, struct hull_error *err);
/* Send signo to the init (all = every process in the container's cgroup). Errors
 * "container not running" when stopped. */
int hull_kill(const struct hull_global_opts *g, const char *id, int signo, bool all, struct hull_error *err);
/* runc's delete: stopped -> destroy; created -> kill+destroy; else refuse unless force.
 * Missing container: "container does not exist" (errnum ENOENT) unless force. */
int hull_delete(const struct hull_global_opts *g, const char *id, bool force, struct hull_error *err);
/* The container's status name ("created", "running", "paused", "stopped"; a static
 * string) in *status. */
int hull_status(const struct hull_global_opts *g, const char *id, const char **status, struct hull_error *err);
/* The OCI state JSON as runc prints it (2-space indent, no trailing newline). Caller frees. */
int hull_state_json(const struct hull_global_opts *g, const char *id, char **json, struct hull_error *err);

/* One container of `list`. */
struct hull_list_entry {
	char *id;
	pid_t pid; /* 0 when stopped */
	char *status;
	char *bundle;
	char *created;
	char *owner; /* user name of the state dir owner, or "#uid" */
	char *state_json; /* the object `list --format json` prints (compact, owner filled) */
};
/* Every container under g->root (sorted by id). A missing root is an empty list. */
int hull_list(const struct hull_global_opts *g, struct hull_list_entry **entries, size_t *n,
	      struct hull_error *err);
void hull_list_free(struct hull_list_entry *entries, size_t n);
/* Signal name or number ("9", "KILL", "SIGKILL", any case) -> number; -1 if unknown. */
int hull_signal_parse(const char *s);

/* ---- cgroup-backed operations: pause, resume, update, events, ps (container/cgroup_ops.c) ---- */

/* Freeze / thaw every process of a running (resp. paused) container. Errors in runc's
 * words: "container not running", "container not paused". */
int hull_pause(const struct hull_global_opts *g, const char *id, struct hull_error *err);
int hull_resume(const struct hull_global_opts *g, const char *id, struct hull_error *err);
/* Apply an OCI LinuxResources JSON object to a container's cgroup (devices are never
 * updated, as in runc). */
int hull_update(const struct hull_global_opts *g, const char *id, const char *resources_json, size_t len,
		struct hull_error *err);
/* `events`: emit one JSON line per event ({"type":"stats"|"oom","id":..,"data":..}),
 * without the newline. stats_only: one stats event, then return. Otherwise a stats
 * event every interval_ms plus oom events, until the container stops or emit
 * returns < 0. */
typedef int (*hull_event_fn)(const char *json_line, void *userdata);
int hull_events(const struct hull_global_opts *g, const char *id, bool stats_only, long interval_ms,
		hull_event_fn emit, void *userdata, struct hull_error *err);
/* Host pids of every process in the container's cgroup. Caller frees *pids. */
int hull_ps_pids(const struct hull_global_opts *g, const char *id, pid_t **pids, size_t *n,
		 struct hull_error *err);

/* ---- exec: a new process in a running container (exec/exec.c) ---------- */

struct hull_exec_opts {
	/* --process: an OCI Process JSON file used as-is; the overrides below (args .. caps)
	 * are then ignored, as in runc. */
	const char *process_path;
	/* Without process_path: config.json's process with these overrides. */
	char *const *args;           /* the command, NULL-terminated (required) */
	const char *cwd;             /* NULL: keep */
	char *const *env;            /* appended to process.env (NULL-terminated or NULL) */
	bool tty;                    /* process.terminal (forced, like runc) */
	bool has_user;               /* --user UID[:GID] */
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
	const uint32_t *additional_gids; /* appended to process.user.additionalGids */
	size_t n_additional_gids;
	const char *process_label;   /* selinuxLabel, NULL: keep */
	const char *apparmor;        /* apparmorProfile, NULL: keep */
	int no_new_privs;            /* -1 keep, 0 false, 1 true */
	char *const *caps;           /* added to bounding/effective/permitted (+ambient with inheritable) */
	/* Always applied. */
	const char *console_socket;  /* detached tty: the pty master goes there */
	const char *pidfd_socket;    /* a pidfd of the new process goes there */
	const char *pid_file;        /* host pid, no newline */
	bool detach;
	int preserve_fds;            /* fds 3..3+N-1 are passed through */
	char *const *cgroups;        /* --cgroup [CTRL[,CTRL]:]PATH: existing sub-cgroup(s) */
	bool ignore_paused;
};

/* Start a process inside the container's namespaces, cgroup, root and security
 * settings. Refuses stopped ("cannot exec in a stopped container") and, without
 * ignore_paused, paused containers (runc's words). Foreground (!detach): inherits
 * the caller's fds 0-2 (or relays the tty), forwards signals, waits and stores the
 * status in *exit_status as a shell would (128+N when killed by signal N). Detached:
 * returns once the process runs (*exit_status 0). A process that cannot be started
 * (missing binary, bad cwd, bad user) fails with the child's own message. Front ends
 * should call hull_reexec_sealed() first (the hull CLI does). */
int hull_exec(const struct hull_global_opts *g, const char *id, const struct hull_exec_opts *o, int *exit_status,
	      struct hull_error *err);

/* CVE-2019-5736: re-execute the running program from a sealed view of its binary (a
 * detached read-only overlay of its directory, else a sealed memfd copy), so that no
 * process hull puts into a container ever maps (or exposes through /proc/PID/exe) a
 * writable binary of the host. argv/environ are those of the process (read from
 * /proc/self/cmdline). Returns 0 without doing anything when already running sealed;
 * returns -1 (err set) only when no view could be made, in which case the caller may
 * go on (the children are also non-dumpable). */
int hull_reexec_sealed(struct hull_error *err);

#ifdef __cplusplus
}
#endif

#endif
