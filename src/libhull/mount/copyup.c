/* copyup.c - tmpcopyup: copy what an image has at a mount point into the tmpfs
 * mounted over it, so the directory keeps its content but becomes writable. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int copy_data(int src_dir, int dst_dir, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	_cleanup_close_ int out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	for (off_t left = st->st_size; left > 0;) {
		ssize_t n = sendfile(out, in, NULL, left > (1 << 30) ? (1 << 30) : (size_t)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0; /* file shrank meanwhile: keep what we have */
		left -= n;
	}
	return 0;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, int depth, struct hull_error *err);

static int copy_dir(int src_dir, int dst_dir, int depth, struct hull_error *err)
{
	if (depth > 64)
		return hull_fail(err, ELOOP, "directory tree too deep");
	int fd = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "open directory");
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return hull_fail(err, errno, "read directory");
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = copy_entry(src_dir, dst_dir, de->d_name, depth, err);
	}
	closedir(d);
	return r;
}

/* Create the entry in dst with the right type; metadata follows in copy_entry. */
static int create_entry(int src_dir, int dst_dir, const char *name, const struct stat *st, int depth,
			struct hull_error *err)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR: {
		if (mkdirat(dst_dir, name, 0700) < 0)
			return hull_fail(err, errno, "mkdir %s", name);
		_cleanup_close_ int s = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return hull_fail(err, errno, "open %s", name);
		return copy_dir(s, d, depth + 1, err) < 0 ? hull_error_prefix(err, "%s", name) : 0;
	}
	case S_IFREG:
		return copy_data(src_dir, dst_dir, name, st) < 0 ? hull_fail(err, errno, "copy %s", name) : 0;
	case S_IFLNK: {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);
		if (n < 0)
			return hull_fail(err, errno, "readlink %s", name);
		target[n] = '\0';
		return symlinkat(target, dst_dir, name) < 0 ? hull_fail(err, errno, "symlink %s", name) : 0;
	}
	default: /* devices, fifos, sockets */
		if (mknodat(dst_dir, name, st->st_mode, st->st_rdev) < 0)
			return hull_fail(err, errno, "mknod %s", name);
		return 0;
	}
}

static int copy_entry(int src_dir, int dst_dir, const char *name, int depth, struct hull_error *err)
{
	struct stat st;
	if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "stat %s", name);
	if (create_entry(src_dir, dst_dir, name, &st, depth, err) < 0)
		return -1;
	if (fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return hull_fail(err, errno, "chown %s", name);
	if (!S_ISLNK(st.st_mode) && fchmodat(dst_dir, name, st.st_mode & 07777, 0) < 0)
		return hull_fail(err, errno, "chmod %s", name);
	struct timespec times[2] = { st.st_atim, st.st_mtim };
	(void)utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW);
	return 0;
}

int hull_copy_tree(int src_fd, int dst_fd, struct hull_error *err)
{
	/* The tmpfs root itself keeps its mount options (mode= defaults to the directory's
	 * mode, see make_tree in mount.c): only the contents are copied. */
	return copy_dir(src_fd, dst_fd, 0, err);
}
