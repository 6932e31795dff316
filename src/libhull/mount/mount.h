/* mount.h - preparing the container's root filesystem inside its mount namespace. */
#ifndef HULL_MOUNT_H
#define HULL_MOUNT_H

#include "libhull/spec/spec.h"

struct hull_rootfs_ctx {
	const struct hull_spec *spec;
	const char *rootfs;   /* absolute host path of the rootfs (bundle-relative already resolved) */
	bool no_pivot;        /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool userns;          /* running in a new user namespace (mknod not allowed: bind devices) */
	bool new_netns;       /* false: sysfs is a read-only rbind of the host's /sys */
	bool new_cgroupns;
	bool console;         /* process.terminal: create /dev/console as a mount target */
	/* Per mounts[] index: the bind tree hull_mount_sources_open made before the user
	 * namespace was entered (idmapped already), or -1; NULL when there are none. */
	const int *source_trees;
	/* Called exactly once by hull_rootfs_prepare (when set), at the first point that
	 * needs the process in its cgroups: before the first mount of type cgroup/cgroup2
	 * (it reads /proc/self/cgroup) or with tmpcopyup (the copy is charged to the
	 * current memory cgroup), else after the last spec mount; always before any
	 * device node, fork or hook. Without a mount namespace: first thing. */
	int (*cgroup_point)(void *arg, struct hull_error *err);
	void *cgroup_point_arg;
};

/* In hull, before the init enters a user namespace: the bind mount sources as detached
 * trees (open_tree clones), with their idmap applied. Opened with hull's own
 * credentials, so sources the container's root may not reach (a 0700 directory on
 * the way) still work, and an idmap is set by a process that may set it (only the
 * owner of the filesystem's user namespace may). *trees gets one fd or -1 per mount
 * (NULL when there is no bind mount); release with hull_mount_sources_close. */
int hull_mount_sources_open(const struct hull_spec *spec, int **trees, struct hull_error *err);
void hull_mount_sources_close(int *trees, size_t n);

/* Called in the child, in its new mount namespace, before createContainer hooks:
 * set propagation, make the rootfs a mount point, perform every spec mount in
 * order (destinations resolved inside the rootfs), set up /dev and linux.devices.
 * Calls ctx->cgroup_point on the way (see above). */
/* Does the container get a mount namespace of its own? Without one it shares the
 * runtime's: the rootfs is a chroot only, nothing is mounted (hull_rootfs_validate
 * refuses what would need a mount), no console is bound, and exec enters the init's root. */
static inline bool hull_rootfs_own_mount_ns(const struct hull_spec *spec)
{
	return hull_spec_namespace(spec, HULL_NS_MNT) != NULL;
}
int hull_rootfs_prepare(const struct hull_rootfs_ctx *ctx, struct hull_error *err);
/* pivot_root into the rootfs (or MS_MOVE+chroot) and detach the old root; cwd is "/" after. */
int hull_rootfs_pivot(const struct hull_rootfs_ctx *ctx, struct hull_error *err);
/* After pivot: linux.sysctl (while /proc/sys is still writable), readonlyPaths,
 * maskedPaths, a read-only /dev if asked, root.readonly, an unbindable rootfsPropagation. */
int hull_rootfs_finalize(const struct hull_rootfs_ctx *ctx, struct hull_error *err);
/* After pivot, process.terminal: bind the pty slave `pty_fd` (opened from the
 * container's devpts) over /dev/console, creating the target if needed. */
int hull_rootfs_mount_console(int pty_fd, struct hull_error *err);
/* Cheap checks that need no namespace (e.g. mount type/option names), run in the
 * parent before anything is created so bad configs fail without debris. Relative
 * bind sources are checked against the current directory (the bundle, as with runc). */
int hull_rootfs_validate(const struct hull_spec *spec, struct hull_error *err);

#endif
