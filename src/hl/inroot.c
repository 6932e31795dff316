/* inroot.c - open a path inside a directory tree as if it were the root: openat2 with
 * RESOLVE_IN_ROOT where the kernel has it (common/inroot.c), the same resolution done
 * by hand elsewhere.
 * Used for every parent directory the layer applier writes into. */
#include "unpack.h"
#include "common/inroot.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* Without openat2 (kernels before 5.6, seccomp profiles that answer ENOSYS, valgrind): the
 * same resolution in userspace, one component at a time with O_NOFOLLOW, symlinks expanded
 * by hand ("/" and ".." at the root meaning the root). Safe because nothing else writes
 * below the root while a layer is applied. */
static bool same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int resolve_slow(int rootfd, const char *path, int flags)
{
	int cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC), links = 0;
	size_t cap = strlen(path) + 1;
	char *rest = xstrdup(path), *last = NULL;
	char *p = rest;
	while (cur >= 0) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *comp = p;
		p += strcspn(p, "/");
		bool final = true;
		if (*p) {
			*p++ = '\0';
			final = p[strspn(p, "/")] == '\0';
		}
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (same_inode(cur, rootfd))
				continue;
			int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			close(cur);
			cur = up;
			continue;
		}
		int next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (next < 0 || fstat(next, &st) < 0) {
			int e = errno;
			if (next >= 0)
				close(next);
			close(cur);
			cur = -1;
			errno = e;
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
			close(next);
			if (n < 0 || ++links > 40) {
				close(cur);
				cur = -1;
				errno = n < 0 ? errno : ELOOP;
				break;
			}
			target[n] = '\0';
			if (target[0] == '/') {
				close(cur);
				cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
			}
			/* Continue with target + "/" + what was left. */
			size_t need = (size_t)n + strlen(p) + 2;
			char *nrest = xmalloc(need > cap ? need : cap);
			snprintf(nrest, need, "%s/%s", target, p);
			free(rest);
			rest = p = nrest;
			continue;
		}
		if (!final && !S_ISDIR(st.st_mode)) {
			close(next);
			close(cur);
			cur = -1;
			errno = ENOTDIR;
			break;
		}
		if (final) {
			/* Reopen the last component with the caller's flags from its parent. */
			free(last);
			last = xstrdup(comp);
			close(next);
			break;
		}
		close(cur);
		cur = next;
	}
	int fd = -1;
	if (cur >= 0) {
		fd = openat(cur, last ? last : ".", flags | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(cur);
		errno = e;
	}
	free(rest);
	free(last);
	return fd;
}

int hl_open_in_root(int rootfd, const char *path, int flags)
{
	/* HULL_IMAGE_NO_OPENAT2=1 forces the fallback (tests run the hostile layers through both). */
	static int no_openat2 = -1;
	if (no_openat2 < 0)
		no_openat2 = getenv("HULL_IMAGE_NO_OPENAT2") != NULL;
	if (path == NULL || *path == '\0')
		path = ".";
	if (!no_openat2) {
		int fd = hull_openat_in_root_ex(rootfd, path, flags, RESOLVE_NO_XDEV);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		no_openat2 = 1;
	}
	return resolve_slow(rootfd, path, flags);
}
