/* mountinfo.c - reading /proc/self/mountinfo: host cgroup mount points, the
 * rootfs's parent mount and the --no-pivot clean-up of mounts outside the rootfs. */
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

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* "id parent maj:min root mountpoint opts [optional...] - fstype source superopts" */
static bool parse_line(char *line, struct hull_mountinfo *mi)
{
	char *fields[6] = { 0 }, *save = NULL, *tok;
	int n = 0;
	for (tok = strtok_r(line, " \n", &save); tok && n < 6; tok = strtok_r(NULL, " \n", &save))
		fields[n++] = tok;
	if (n < 6)
		return false;
	mi->shared = false;
	while (tok && strcmp(tok, "-") != 0) {
		if (strncmp(tok, "shared:", 7) == 0)
			mi->shared = true;
		tok = strtok_r(NULL, " \n", &save);
	}
	char *fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
	char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
	char *super = source ? strtok_r(NULL, " \n", &save) : NULL;
	if (!super)
		return false;
	mi->root = unescape(fields[3]);
	mi->mountpoint = unescape(fields[4]);
	mi->fstype = xstrdup(fstype);
	mi->super_opts = xstrdup(super);
	return true;
}

ssize_t hull_mountinfo_read(struct hull_mountinfo **out)
{
	_cleanup_free_ char *text = NULL;
	int r = hull_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &text, NULL);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	struct hull_mountinfo *v = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		v = xgrow(v, &cap, n, sizeof(*v));
		if (parse_line(line, &v[n]))
			n++;
	}
	*out = v;
	return (ssize_t)n;
}

void hull_mountinfo_free(struct hull_mountinfo *mi, size_t n)
{
	for (size_t i = 0; mi && i < n; i++) {
		free(mi[i].root);
		free(mi[i].mountpoint);
		free(mi[i].fstype);
		free(mi[i].super_opts);
	}
	free(mi);
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
