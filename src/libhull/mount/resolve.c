/* resolve.c - resolving (and creating) paths inside the container's rootfs.
 *
 * Every lookup goes through openat2(RESOLVE_IN_ROOT): ".." and absolute symlinks stop
 * at the rootfs, so a hostile image cannot make hull create or mount anything outside
 * it (the CVE-2021-30465 class). Creation happens with *at() calls relative to the
 * already resolved parent, never by path from the host's point of view. */
#define _GNU_SOURCE
#include "resolve.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

/* Split "/a/b/c/" into a freshly allocated "/a/b" and a pointer to "c" inside it.
 * Returns false when there is no last component to create ("/", "x/..", "."). */
static bool split_last(const char *path, char **dir, char **base)
{
	char *copy = xstrdup(path);
	size_t len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	char *slash = strrchr(copy, '/');
	char *b = slash ? slash + 1 : copy;
	if (!*b || strcmp(b, ".") == 0 || strcmp(b, "..") == 0) {
		free(copy);
		return false;
	}
	/* dir keeps everything before the last component ("" means the root). */
	*dir = xstrndup(copy, (size_t)(b - copy));
	*base = xstrdup(b);
	free(copy);
	return true;
}

static int create_last(int dir_fd, const char *base, enum hull_create_kind kind)
{
	if (kind == HULL_CREATE_DIR)
		return mkdirat(dir_fd, base, 0755);
	int fd = openat(dir_fd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int resolve_depth(int root_fd, const char *path, enum hull_create_kind create, int depth)
{
	if (depth > 40) {
		errno = ELOOP;
		return -1;
	}
	int fd = hull_openat_in_root(root_fd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT || create == HULL_CREATE_NONE)
		return fd;

	_cleanup_free_ char *dir = NULL, *base = NULL;
	if (!split_last(path, &dir, &base)) {
		errno = ENOENT;
		return -1;
	}
	/* Parents are always directories, created the same safe way. */
	_cleanup_close_ int dir_fd = resolve_depth(root_fd, *dir ? dir : "/", HULL_CREATE_DIR, depth + 1);
	if (dir_fd < 0)
		return -1;
	if (create_last(dir_fd, base, create) == 0)
		return openat(dir_fd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (errno != EEXIST)
		return -1;
	/* Exists but did not resolve: a dangling symlink. Create its target, still
	 * interpreted inside the root (absolute targets start at the rootfs). */
	char target[PATH_MAX];
	ssize_t n = readlinkat(dir_fd, base, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == EINVAL) /* not a symlink: it appeared meanwhile, look again */
			return resolve_depth(root_fd, path, create, depth + 1);
		return -1;
	}
	target[n] = '\0';
	_cleanup_free_ char *next = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", dir, target);
	return resolve_depth(root_fd, next, create, depth + 1);
}

int hull_resolve_in_root(int root_fd, const char *path, enum hull_create_kind create)
{
	return resolve_depth(root_fd, path, create, 0);
}
