/* inroot.c - opening a path inside a directory tree as if it were the root: the one
 * openat2 call behind libhull's rootfs resolution (mount/resolve.c) and hull-image's
 * layer applier (hl/inroot.c). */
#define _GNU_SOURCE
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

int hull_openat_in_root_ex(int root_fd, const char *path, int flags, uint64_t extra_resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		/* Magic links (/proc/self/fd/...) would jump out of the root: never follow them. */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
	};
	while (path && *path == '/')
		path++;
	if (!path || !*path)
		path = ".";
	/* EAGAIN: a concurrent rename made the kernel unsure the walk stayed inside; retry. */
	for (int tries = 0;; tries++) {
		long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN || tries >= 16)
			return (int)fd;
	}
}

int hull_openat_in_root(int root_fd, const char *path, int flags)
{
	return hull_openat_in_root_ex(root_fd, path, flags, 0);
}
