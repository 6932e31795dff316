/* state.h - the state directory: <root>/<id>/ with state.json, config.json and exec.fifo.
 *
 * Private API shared by every command that works on an existing container
 * (lifecycle, exec, pause/resume/update/events/ps).
 *
 *   <root>/            0700, created on demand
 *   <root>/<id>/       0711, created by `create`; flock()ed while a command works on it
 *     state.json       0600, hull's private record (written atomically)
 *     config.json      0600, a copy of the bundle's config.json (later commands never read the bundle)
 *     exec.fifo        0622, exists from create until start; init blocks writing to it
 *
 * Typical use:
 *   struct hull_container *c;
 *   if (hull_container_load(g, id, &c, err) < 0) return -1;   // "container does not exist"
 *   if (hull_container_lock(c, err) < 0) ...                   // optional: exclusive until free
 *   switch (hull_container_status(c)) { ... }                  // live status (re-checks the kernel)
 *   hull_container_cgroup(c, &cg, err);                        // the container's cgroup handle
 *   hull_container_free(c);                                    // also drops the lock
 */
#ifndef HULL_STATE_H
#define HULL_STATE_H

#include "libhull/hull.h"
#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hull_cgroup;

enum hull_status {
	HULL_STATUS_CREATING, /* a create still at work on it ("creating") */
	HULL_STATUS_CREATED,
	HULL_STATUS_RUNNING,
	HULL_STATUS_PAUSED,
	HULL_STATUS_STOPPED,
};

struct hull_container {
	char *id;
	char *dir;    /* <root>/<id> */
	char *bundle; /* absolute */
	char *rootfs; /* absolute host path */
	pid_t pid;    /* host pid of the container init (0 before it exists) */
	uint64_t start_time; /* field 22 of /proc/<pid>/stat: tells a recycled pid apart */
	char *created;       /* RFC 3339 with nanoseconds, UTC */
	uid_t owner;         /* owner of the state dir */
	struct hull_spec *spec; /* parsed from <dir>/config.json */
	/* cgroup */
	char *cgroup_path; /* hull_cgroup_path() at create time (absolute in the hierarchy) */
	enum hull_cgroup_manager cgroup_manager;
	bool rootless;
	/* namespaces the init got: lets delete/kill decide between signalling init and the cgroup */
	bool own_pidns;
	bool userns;
	bool setgroups_denied; /* the userns had setgroups "deny" written (exec needs it) */
	bool no_new_keyring;
	/* Crash record: create writes state.json with creating set (and the cgroup path it is
	 * about to make) before its first side effect, and clears it once the init is ready.
	 * A record still "creating" whose creator (pid + start time) is gone is a create that
	 * was killed: it reads as stopped, so `delete` removes what it names. A state dir
	 * without state.json (killed right after mkdir) loads as such a record too. */
	bool creating;
	pid_t creator_pid;
	uint64_t creator_start;
	int dirfd;  /* O_DIRECTORY fd of dir */
	int lockfd; /* >= 0 while hull_container_lock() holds the lock */
	enum hull_status status; /* as of the last hull_container_status() (load computes it) */
};

/* runc's rules: non-empty, [A-Za-z0-9_+.-], not "." or "..". Error: "invalid container ID format". */
int hull_state_validate_id(const char *id, struct hull_error *err);

/* Make <root> (0700) and <root>/<id> (0711) and flock it. Fails with
 * "container with given ID already exists" if the dir exists. *dirfd is the locked
 * O_DIRECTORY fd; the lock lasts until it is closed. */
int hull_state_create_dir(const char *root, const char *id, int *dirfd, struct hull_error *err);
/* Remove <root>/<id> and everything in it. Missing is not an error. */
int hull_state_remove_dir(const char *root, const char *id, struct hull_error *err);

/* Load <root>/<id>: state.json and config.json, then compute the status.
 * Missing container: errnum ENOENT, message "container does not exist". */
int hull_container_load(const struct hull_global_opts *g, const char *id, struct hull_container **out,
			struct hull_error *err);
/* Take the per-container flock (exclusive, waits). Released by hull_container_free. */
int hull_container_lock(struct hull_container *c, struct hull_error *err);
/* Write state.json atomically (0600) from c. */
int hull_container_save(const struct hull_container *c, struct hull_error *err);
/* Re-derive and return the live status: a crash record -> creating while its creator
 * lives, else stopped; init gone (or pid recycled, or zombie) -> stopped; cgroup frozen
 * -> paused; exec.fifo present -> created; else running. */
enum hull_status hull_container_status(struct hull_container *c);
/* "creating", "created", "running", "paused", "stopped". */
const char *hull_status_name(enum hull_status s);
/* Open the container's cgroup (hull_cgroup_open with the saved path). */
int hull_container_cgroup(const struct hull_container *c, struct hull_cgroup **out, struct hull_error *err);
/* The OCI state JSON (runc's layout: 2-space indent, no trailing newline; pid 0 when
 * stopped). status_override NULL: use c->status. with_owner: fill "owner" (list). */
char *hull_container_state_json(const struct hull_container *c, const char *status_override, bool with_owner);
void hull_container_free(struct hull_container *c);

/* Ids of every container under root, sorted. Missing root: an empty list. */
int hull_state_list_ids(const char *root, char ***ids, size_t *n, struct hull_error *err);


/* Paths inside the state dir. */
#define HULL_STATE_FILE "state.json"
#define HULL_STATE_CONFIG "config.json"
#define HULL_STATE_FIFO "exec.fifo"

#endif
