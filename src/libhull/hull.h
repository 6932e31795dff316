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

#define hull_debug(...) hull_log(HULL_LOG_DEBUG, __VA_ARGS__)
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

/* ---- container lifecycle (container.c) ------------------------------------- */

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

/* ---- cgroup-backed operations: pause, resume, update, events, ps (container_cgroup.c) ---- */

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

#ifdef __cplusplus
}
#endif

#endif
