/* subcgroup.h - `exec --cgroup`: entering a process into sub-cgroups of a container's cgroup (subcgroup.c). */
#ifndef HULL_CGROUP_SUBCGROUP_H
#define HULL_CGROUP_SUBCGROUP_H

#include "cgroup.h"

#include <sys/types.h>

/* --cgroup: parse the values (runc's rules) and enter pid into the sub-cgroups of the
 * container's cgroup cg. values NULL/empty: the container's cgroup itself. */
int hull_cgroup_enter_sub(struct hull_cgroup *cg, char *const *values, pid_t pid, struct hull_error *err);
/* Syntax check only (before anything is started). */
int hull_cgroup_validate_sub(char *const *values, struct hull_error *err);

#endif
