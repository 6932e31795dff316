/* inroot.h - opening a path inside a directory tree as if it were the root (openat2). */
#ifndef HULL_COMMON_INROOT_H
#define HULL_COMMON_INROOT_H

#include <stdint.h>

/* openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (and extra_resolve, e.g.
 * RESOLVE_NO_XDEV): ".." and absolute symlinks stop at root_fd, magic links are never
 * followed. A leading "/" is the root; NULL or "" mean root_fd itself. Retries the
 * kernel's EAGAIN (a concurrent rename). Returns an fd (O_CLOEXEC added) or -1 with
 * errno (ENOSYS: no openat2 here). */
int hull_openat_in_root_ex(int root_fd, const char *path, int flags, uint64_t extra_resolve);
/* The same without extra resolve flags. */
int hull_openat_in_root(int root_fd, const char *path, int flags);

#endif
