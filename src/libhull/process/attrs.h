/* attrs.h - per-process attributes applied by the container init before exec. */
#ifndef HULL_PROCESS_ATTRS_H
#define HULL_PROCESS_ATTRS_H

#include "libhull/spec/spec.h"

/* Parent-side validation (no side effects): sysctl keys namespaced and allowed by
 * the namespaces in use, rlimit names, scheduler policy, ioprio class, personality,
 * LSM availability for apparmorProfile/selinuxLabel. Errors name the JSON path. */
int hull_attrs_validate(const struct hull_spec *spec, struct hull_error *err);
/* In the container, after pivot_root: hostname, domainname. (linux.sysctl is written
 * by hull_rootfs_finalize, before readonlyPaths make /proc/sys read-only.) */
int hull_attrs_apply_container(const struct hull_spec *spec, struct hull_error *err);
/* For init and exec'd processes, still privileged: rlimits, oomScoreAdj, scheduler,
 * ioPriority, personality, execCPUAffinity.initial, umask. */
int hull_attrs_apply_process(const struct hull_spec *spec, const struct hull_process *p,
			     struct hull_error *err);
/* chdir to process.cwd inside the container, creating it if missing (like runc). */
int hull_attrs_chdir(const struct hull_process *p, struct hull_error *err);
/* setgroups/setresgid/setresuid to process.user keeping capabilities, then apply
 * the five capability sets and no_new_privs. `setgroups_allowed` is false in a user
 * namespace whose setgroups was denied. */
int hull_attrs_switch_user(const struct hull_process *p, bool setgroups_allowed, struct hull_error *err);
/* execCPUAffinity.final: applied right before execve. */
int hull_attrs_final_affinity(const struct hull_process *p, struct hull_error *err);

#endif
