/* sysctl.h - linux.sysctl (sysctl.c): checked by the init with the other process
 * attributes, written by the rootfs step while /proc/sys is still writable. */
#ifndef HULL_PROCESS_SYSCTL_H
#define HULL_PROCESS_SYSCTL_H

#include "libhull/spec/spec.h"

/* linux.sysctl: every key namespaced by a namespace the container has of its own. */
int hull_sysctl_validate(const struct hull_spec *spec, struct hull_error *err);
/* Write linux.sysctl through the container's /proc/sys. */
int hull_sysctl_apply(const struct hull_spec *spec, struct hull_error *err);

#endif
