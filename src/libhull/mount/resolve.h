/* resolve.h - resolving (and creating) paths inside the container's rootfs (resolve.c).
 * Used by the rootfs steps and by the init's chdir to process.cwd (process/attrs.c). */
#ifndef HULL_MOUNT_RESOLVE_H
#define HULL_MOUNT_RESOLVE_H

#include "common/inroot.h" /* hull_openat_in_root: the same without creating */

enum hull_create_kind { HULL_CREATE_NONE, HULL_CREATE_DIR, HULL_CREATE_FILE };

/* Resolve `path` (absolute in the container) under root_fd with openat2
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, creating missing directories (and, with
 * HULL_CREATE_FILE, an empty last component) under root_fd. Returns an O_PATH fd,
 * or -1 with errno set (ENOENT with HULL_CREATE_NONE when missing). */
int hull_resolve_in_root(int root_fd, const char *path, enum hull_create_kind create);

#endif
