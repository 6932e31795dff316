/* process_attrs_internal.h - pieces of the process attribute code shared between files. */
#ifndef HULL_PROCESS_ATTRS_INTERNAL_H
#define HULL_PROCESS_ATTRS_INTERNAL_H

#include "attrs.h"

/* linux.sysctl: every key namespaced by a namespace the container has of its own. */
int hull_sysctl_validate(const struct hull_spec *spec, struct hull_error *err);
/* Write linux.sysctl through the container's /proc/sys. */
int hull_sysctl_apply(const struct hull_spec *spec, struct hull_error *err);

/* Scheduler, io priority and personality name tables -> kernel values. */
int hull_sched_policy(const char *name);
int hull_personality_flags(char *const *flags, unsigned long *out, size_t *bad);

#endif
