/* masked_paths.c - linux.maskedPaths and linux.readonlyPaths, applied after pivot_root. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* Missing paths are skipped, never created: masking must not add files to the image. */
static int open_existing(int root_fd, const char *path, const char *list, size_t i, struct hull_error *err)
{
	int fd = hull_resolve_in_root(root_fd, path, HULL_CREATE_NONE);
	if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
		return hull_fail(err, errno, "linux.%s[%zu]: open %s", list, i, path);
	return fd < 0 ? -2 : fd;
}

int hull_readonly_paths(int root_fd, char *const *paths, struct hull_error *err)
{
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_free_ char *what = xasprintf("linux.readonlyPaths[%zu]: %s", i, paths[i]);
		_cleanup_close_ int fd = open_existing(root_fd, paths[i], "readonlyPaths", i, err);
		if (fd == -1)
			return -1;
		if (fd < 0) {
			fd = -1;
			continue;
		}
		/* A read-only bind of the path onto itself; recursive, so nothing mounted below
		 * (binfmt_misc under /proc/sys) stays writable. */
		_cleanup_close_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
		if (tree < 0)
			return hull_fail(err, errno, "%s: bind", what);
		if (hull_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, 0, what, err) < 0 ||
		    hull_move_onto(tree, fd, what, err) < 0)
			return -1;
	}
	return 0;
}

/* A detached bind of an empty file on a private read-only tmpfs. */
static int empty_file_tree(const char *what, struct hull_error *err)
{
	static char *const data[] = { (char *)"size=4k", (char *)"mode=0555", NULL };
	_cleanup_close_ int fs = hull_fs_detached("tmpfs", "tmpfs", NULL, data, what, err);
	if (fs < 0)
		return -1;
	int fd = openat(fs, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (fd < 0)
		return hull_fail(err, errno, "%s: create an empty file", what);
	close(fd);
	int tree = open_tree(fs, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return hull_fail(err, errno, "%s: bind an empty file", what);
	if (hull_setattr(tree, false, MOUNT_ATTR_RDONLY, 0, 0, what, err) < 0) {
		close(tree);
		return -1;
	}
	return tree;
}

static int mask_one(int root_fd, int fd, const char *what, struct hull_error *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return hull_fail(err, errno, "%s: stat", what);
	_cleanup_close_ int tree = -1;
	if (S_ISDIR(st.st_mode)) {
		/* An empty read-only tmpfs hides a directory. */
		static char *const data[] = { (char *)"size=0", (char *)"mode=0555", NULL };
		tree = hull_fs_detached("tmpfs", "tmpfs", NULL, data, what, err);
		if (tree < 0 || hull_setattr(tree, false, MOUNT_ATTR_RDONLY, 0, 0, what, err) < 0)
			return -1;
	} else {
		/* Anything else reads as the container's /dev/null (or, in a container without
		 * one, as an empty read-only file). */
		_cleanup_close_ int null_fd = hull_openat_in_root(root_fd, "/dev/null", O_PATH);
		tree = null_fd >= 0 ? open_tree(null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)
				    : empty_file_tree(what, err);
		if (tree < 0)
			return null_fd >= 0 ? hull_fail(err, errno, "%s: bind /dev/null", what) : -1;
	}
	return hull_move_onto(tree, fd, what, err);
}

int hull_mask_paths(int root_fd, char *const *paths, struct hull_error *err)
{
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_free_ char *what = xasprintf("linux.maskedPaths[%zu]: %s", i, paths[i]);
		int fd = open_existing(root_fd, paths[i], "maskedPaths", i, err);
		if (fd == -1)
			return -1;
		if (fd < 0)
			continue;
		int r = mask_one(root_fd, fd, what, err);
		close(fd);
		if (r < 0)
			return -1;
	}
	return 0;
}
