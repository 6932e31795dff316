/* dev.c - filling the container's /dev: the default devices, linux.devices,
 * the standard symlinks, ptmx and the /dev/console mount target. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* What every container gets (runc's AllowedDevices that are device nodes). */
static const struct hull_device default_devices[] = {
	{ .type = 'c', .path = (char *)"/dev/null", .major = 1, .minor = 3 },
	{ .type = 'c', .path = (char *)"/dev/zero", .major = 1, .minor = 5 },
	{ .type = 'c', .path = (char *)"/dev/full", .major = 1, .minor = 7 },
	{ .type = 'c', .path = (char *)"/dev/random", .major = 1, .minor = 8 },
	{ .type = 'c', .path = (char *)"/dev/urandom", .major = 1, .minor = 9 },
	{ .type = 'c', .path = (char *)"/dev/tty", .major = 5, .minor = 0 },
};

static const struct {
	const char *target, *name;
} dev_links[] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
};

bool hull_dev_needs_setup(const struct hull_spec *spec)
{
	/* Only a /dev hull mounted itself is filled: mknod into an image's own /dev
	 * would leave device nodes behind in the rootfs. */
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (hull_path_is(spec->mounts[i].destination, "/dev") && !hull_mount_is_bind(&spec->mounts[i]))
			return true;
	return false;
}

static mode_t node_type(char t)
{
	switch (t) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' (unbuffered character device) */
		return S_IFCHR;
	}
}

/* In a user namespace mknod is refused: bind the host's node at the same path instead. */
static int bind_device(int root_fd, const struct hull_device *d, struct hull_error *err)
{
	_cleanup_close_ int target = hull_resolve_in_root(root_fd, d->path, HULL_CREATE_FILE);
	if (target < 0)
		return hull_fail(err, errno, "create %s", d->path);
	_cleanup_close_ int tree = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return hull_fail(err, errno, "bind host device %s", d->path);
	return hull_move_onto(tree, target, d->path, err);
}

static int create_device(const struct hull_rootfs_ctx *ctx, int root_fd, const struct hull_device *d,
			 struct hull_error *err)
{
	if (ctx->userns && d->type != 'p')
		return bind_device(root_fd, d, err);
	_cleanup_free_ char *dir = xstrdup(d->path);
	char *slash = strrchr(dir, '/');
	const char *base = d->path + (slash - dir) + 1;
	*slash = '\0';
	_cleanup_close_ int dir_fd = hull_resolve_in_root(root_fd, *dir ? dir : "/", HULL_CREATE_DIR);
	if (dir_fd < 0)
		return hull_fail(err, errno, "create the directory of %s", d->path);
	mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
	if (mknodat(dir_fd, base, node_type(d->type) | perm, makedev(d->major, d->minor)) < 0) {
		if (errno == EEXIST) /* something is mounted or already there: leave it, as runc */
			return 0;
		if (errno == EPERM && d->type != 'p') /* no CAP_MKNOD (nested container) */
			return bind_device(root_fd, d, err);
		return hull_fail(err, errno, "mknod %s", d->path);
	}
	/* mknod applied our umask; owner and mode must be exactly what the spec says. */
	if (fchmodat(dir_fd, base, perm, 0) < 0)
		return hull_fail(err, errno, "chmod %s", d->path);
	if (fchownat(dir_fd, base, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
		return hull_fail(err, errno, "chown %s", d->path);
	return 0;
}

static bool overridden(const struct hull_linux *l, const char *path)
{
	for (size_t i = 0; i < l->n_devices; i++)
		if (hull_path_is(l->devices[i].path, path))
			return true;
	return false;
}

static int dev_links_and_ptmx(int dev_fd, struct hull_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i].target, dev_fd, dev_links[i].name) < 0 && errno != EEXIST)
			return hull_fail(err, errno, "symlink /dev/%s", dev_links[i].name);
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev_fd, "core") < 0 && errno != EEXIST)
		return hull_fail(err, errno, "symlink /dev/core");
	/* The container's ptys come from its own devpts instance: /dev/ptmx must point there. */
	if (unlinkat(dev_fd, "ptmx", 0) < 0 && errno != ENOENT)
		return hull_fail(err, errno, "remove /dev/ptmx");
	if (symlinkat("pts/ptmx", dev_fd, "ptmx") < 0)
		return hull_fail(err, errno, "symlink /dev/ptmx");
	return 0;
}

int hull_dev_setup(const struct hull_rootfs_ctx *ctx, int root_fd, struct hull_error *err)
{
	const struct hull_linux *l = &ctx->spec->linux_;
	if (!hull_dev_needs_setup(ctx->spec))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (!overridden(l, default_devices[i].path) && create_device(ctx, root_fd, &default_devices[i], err) < 0)
			return hull_error_prefix(err, "default devices");
	for (size_t i = 0; i < l->n_devices; i++)
		if (create_device(ctx, root_fd, &l->devices[i], err) < 0)
			return hull_error_prefix(err, "linux.devices[%zu]", i);
	_cleanup_close_ int dev_fd = hull_openat_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
	if (dev_fd < 0)
		return hull_fail(err, errno, "open /dev in the rootfs");
	if (dev_links_and_ptmx(dev_fd, err) < 0)
		return -1;
	if (ctx->console) {
		/* An empty file the terminal code binds the pty onto after pivot_root. */
		int fd = openat(dev_fd, "console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return hull_fail(err, errno, "create /dev/console");
		close(fd);
	}
	return 0;
}
