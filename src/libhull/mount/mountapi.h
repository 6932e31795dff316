/* mountapi.h - wrappers over the new mount API (mountapi.c), the layer below every rootfs step. */
#ifndef HULL_MOUNT_MOUNTAPI_H
#define HULL_MOUNT_MOUNTAPI_H

#include "libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>

/* Build a detached mount of a fresh filesystem: fsopen+fsconfig+fsmount. `data`
 * and `sb_flags` may be NULL. what: for error messages. */
int hull_fs_detached(const char *type, const char *source, char *const *sb_flags, char *const *data,
		     const char *what, struct hull_error *err);
/* Attach a detached tree onto the O_PATH fd target_fd. */
int hull_move_onto(int tree_fd, int target_fd, const char *what, struct hull_error *err);
/* mount_setattr with AT_EMPTY_PATH (and AT_RECURSIVE if rec). */
int hull_setattr(int fd, bool rec, uint64_t set, uint64_t clr, uint64_t propagation, const char *what,
		 struct hull_error *err);

#endif
