/* mountinfo.c - what the rootfs steps learn from /proc/self/mountinfo (common/mountinfo.c
 * parses it): the rootfs's parent mount and the --no-pivot clean-up of mounts outside
 * the rootfs. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>

bool hull_path_is(const char *path, const char *want)
{
	for (;;) {
		while (*path == '/' && (path[1] == '/' || path[1] == '\0'))
			path++;
		while (*want == '/' && (want[1] == '/' || want[1] == '\0'))
			want++;
		if (*path != *want)
			return false;
		if (!*path)
			return true;
		path++;
		want++;
	}
}

/* Is `p` equal to `dir` or below it? */
static bool path_within(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

void hull_detach_outside(const char *rootfs)
{
	struct hull_mountinfo *mi = NULL;
	ssize_t n = hull_mountinfo_read(&mi);
	if (n < 0)
		return;
	/* Last first: children were mounted after their parents. */
	for (ssize_t i = n - 1; i >= 0; i--) {
		const char *mp = mi[i].mountpoint;
		if (path_within(mp, rootfs) || path_within(rootfs, mp))
			continue;
		/* Our namespace only, and slave first so nothing propagates back to the host. */
		(void)mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL);
		if (umount2(mp, MNT_DETACH) < 0 && errno == EPERM) /* locked in a user namespace */
			(void)mount("tmpfs", mp, "tmpfs", MS_RDONLY, "size=0");
	}
	hull_mountinfo_free(mi, (size_t)n);
}

int hull_private_if_shared_parent(const char *path, struct hull_error *err)
{
	struct hull_mountinfo *mi = NULL;
	ssize_t n = hull_mountinfo_read(&mi);
	if (n < 0)
		return hull_fail(err, errno, "read /proc/self/mountinfo");
	/* The deepest mount point above path; of mounts stacked there, the top one (listed last). */
	ssize_t best = -1;
	for (ssize_t i = 0; i < n; i++)
		if (path_within(path, mi[i].mountpoint) &&
		    (best < 0 || strlen(mi[i].mountpoint) >= strlen(mi[best].mountpoint)))
			best = i;
	int r = 0;
	if (best >= 0 && mi[best].shared && mount(NULL, mi[best].mountpoint, NULL, MS_PRIVATE, NULL) < 0)
		r = hull_fail(err, errno, "make the mount %s of the rootfs private", mi[best].mountpoint);
	hull_mountinfo_free(mi, (size_t)n);
	return r;
}
