/* namespaces.h - the eight namespace types: clone flags, setns by path or by pid, id maps, time offsets. */
#ifndef HULL_NAMESPACES_H
#define HULL_NAMESPACES_H

#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <sys/types.h>

/* CLONE_NEW* for one type, and the /proc/<pid>/ns/<name> entry name. */
int hull_ns_clone_flag(enum hull_ns_type t);
const char *hull_ns_proc_name(enum hull_ns_type t);

/* What the spec asks for: CLONE_NEW* flags of namespaces to create, and which types
 * are joined by path (bit (1 << type)). */
void hull_ns_plan(const struct hull_spec *spec, int *new_flags, unsigned *joined_mask);

/* Parent-side checks before anything is created: join paths exist and are namespace
 * files of the right type, user namespace mappings present when one is created. */
int hull_ns_validate(const struct hull_spec *spec, struct hull_error *err);

/* Child: setns() into every namespace the spec joins by path. runc's order: all
 * non-user namespaces first, then the user namespace (joining a foreign userns first
 * would drop the privileges needed for the others), then the rest that failed with
 * EPERM the first time (owned by that userns). */
int hull_ns_join_paths(const struct hull_spec *spec, struct hull_error *err);

/* Child (exec): join the namespaces of a running pid, types in `mask` (bit (1 << type)),
 * in the same order as above. A type whose namespace equals ours is skipped. */
int hull_ns_join_pid(pid_t pid, unsigned mask, struct hull_error *err);

/* Parent: write uid_map/gid_map of pid from the spec. setgroups is written "deny"
 * only when required (an unprivileged writer); falls back to newuidmap/newgidmap when
 * the kernel refuses (EPERM). *setgroups_denied tells the child not to call setgroups. */
int hull_ns_write_id_maps(pid_t pid, const struct hull_spec *spec, bool *setgroups_denied,
			  struct hull_error *err);

/* Child, after unshare(CLONE_NEWTIME): write linux.timeOffsets to
 * /proc/self/timens_offsets (applies to children created afterwards). */
int hull_ns_write_time_offsets(const struct hull_spec *spec, struct hull_error *err);

#endif
