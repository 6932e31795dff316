/* mountapi.c - small wrappers over the new mount API (fsopen/fsconfig/fsmount, move_mount,
 * mount_setattr) that every rootfs step builds on: mount.c, cgroupfs.c, dev.c,
 * masked_paths.c and sources.c call down to these, never back into mount.c. */
#define _GNU_SOURCE
#include "mountapi.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The filesystem context keeps human-readable reasons ("tmpfs: Bad value for 'size'"). */
static char *fs_log(int fs_fd)
{
	char buf[512];
	ssize_t n = read(fs_fd, buf, sizeof(buf) - 1);
	if (n <= 2)
		return xstrdup("");
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return xasprintf(" (%s)", buf + 2); /* skip the "e " severity prefix */
}

static int fs_option(int fs_fd, const char *opt)
{
	const char *eq = strchr(opt, '=');
	if (!eq)
		return fsconfig(fs_fd, FSCONFIG_SET_FLAG, opt, NULL, 0);
	_cleanup_free_ char *key = xstrndup(opt, (size_t)(eq - opt));
	return fsconfig(fs_fd, FSCONFIG_SET_STRING, key, eq + 1, 0);
}

int hull_fs_detached(const char *type, const char *source, char *const *sb_flags, char *const *data,
		     const char *what, struct hull_error *err)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return hull_fail(err, errno, "%s: fsopen %s", what, type);
	if (source && *source && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0) {
		int e = errno;
		_cleanup_free_ char *log = fs_log(fs);
		return hull_fail(err, e, "%s: source \"%s\"%s", what, source, log);
	}
	char *const *lists[] = { sb_flags, data };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; lists[l] && lists[l][i]; i++) {
			if (fs_option(fs, lists[l][i]) < 0) {
				int e = errno;
				_cleanup_free_ char *log = fs_log(fs);
				return hull_fail(err, e, "%s: option \"%s\"%s", what, lists[l][i], log);
			}
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		_cleanup_free_ char *log = fs_log(fs);
		return hull_fail(err, e, "%s: create %s%s", what, type, log);
	}
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return hull_fail(err, errno, "%s: fsmount", what);
	return mnt;
}

int hull_move_onto(int tree_fd, int target_fd, const char *what, struct hull_error *err)
{
	if (move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return hull_fail(err, errno, "%s: move_mount", what);
	return 0;
}

int hull_setattr(int fd, bool rec, uint64_t set, uint64_t clr, uint64_t propagation, const char *what,
		 struct hull_error *err)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return hull_fail(err, errno, "%s: mount_setattr%s", what, rec ? " (recursive)" : "");
	return 0;
}
