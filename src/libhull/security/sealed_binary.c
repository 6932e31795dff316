/* sealed_binary.c - run from a sealed in-memory copy of our own binary (CVE-2019-5736).
 *
 * A process hull clones into a container runs hull's code until its execve. Were
 * /proc/PID/exe the binary on the host, a process of the container able to open it
 * (CAP_SYS_PTRACE in a container without a user namespace defeats the non-dumpable
 * guard) could keep an O_PATH fd and, once hull is gone, reopen it for writing and
 * replace the runtime on the host. Running from a memfd with every seal set makes
 * that link name a private, unwritable copy instead.
 *
 * The copy costs a ~1 ms sendfile of the whole binary into fresh memory per container.
 * Where overlayfs and the new mount API exist, a read-only overlay over the binary's own
 * directory, mounted nowhere, serves as well without copying: the file opened through it
 * shares the real one's page cache, and no one can write through it (an overlay without
 * an upper layer is read-only, its mount is read-only too, and a detached mount is in no
 * namespace where anyone could remount it). The memfd copy is the fallback. */
#define _GNU_SOURCE
#include "libhull/hull.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

extern char **environ;

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Running from a sealed memfd, or (only right after our own re-exec, `via_overlay`) from
 * a read-only overlay: an overlay that was there before hull ran proves nothing. */
static bool running_sealed(int fd, bool via_overlay)
{
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return true;
	struct statfs fs;
	struct statvfs vfs;
	return via_overlay && fstatfs(fd, &fs) == 0 && fs.f_type == OVERLAYFS_SUPER_MAGIC && fstatvfs(fd, &vfs) == 0 &&
	       (vfs.f_flag & ST_RDONLY);
}

/* lowerdir syntax: ':' separates layers and '\\' escapes. */
static char *overlay_escape(const char *path)
{
	char *out = xmalloc(2 * strlen(path) + 1), *o = out;
	for (const char *p = path; *p; p++) {
		if (*p == ':' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* Our binary opened through a detached read-only overlay of its directory, or -1.
 * Overlayfs wants two lower layers when it has no upper one; the second, /dev, is
 * never looked at: the binary's name is found in the first. The open file is checked
 * to be the very binary (inode, size, mtime), in case it was replaced meanwhile. */
static int overlay_view(const struct stat *want)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 1 || exe[0] != '/')
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	const char *name = slash + 1;
	_cleanup_free_ char *dir = overlay_escape(exe[0] ? exe : "/");
	_cleanup_free_ char *lower = xasprintf("%s:/dev", dir);
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return -1;
	int fd = openat(mnt, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != want->st_ino ||
			st.st_size != want->st_size || st.st_mtim.tv_sec != want->st_mtim.tv_sec ||
			st.st_mtim.tv_nsec != want->st_mtim.tv_nsec)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A sealed memfd holding a copy of the binary open at `src`. */
static int sealed_copy(int src, const struct stat *st, struct hull_error *err)
{
	/* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it non-executable. */
	int fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return hull_fail(err, errno, "memfd_create");
	off_t done = 0;
	while (done < st->st_size) {
		ssize_t n = sendfile(fd, src, NULL, (size_t)(st->st_size - done));
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return hull_fail(err, e, "copy /proc/self/exe to a memfd");
		}
		done += n;
	}
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0) {
		int e = errno;
		close(fd);
		return hull_fail(err, e, "seal the memfd copy of hull");
	}
	return fd;
}

/* The binary to re-execute from: the overlay view, else a sealed copy. */
static int sealed_binary(int src, bool *via_overlay, struct hull_error *err)
{
	struct stat st;
	if (fstat(src, &st) < 0)
		return hull_fail(err, errno, "stat /proc/self/exe");
	int fd = overlay_view(&st);
	*via_overlay = fd >= 0;
	return fd >= 0 ? fd : sealed_copy(src, &st, err);
}

/* argv of this process, from /proc/self/cmdline (NUL-separated). */
static char **own_argv(char **buf)
{
	size_t len = 0;
	if (hull_read_file_at(AT_FDCWD, "/proc/self/cmdline", 1 << 20, buf, &len) < 0 || len == 0)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += (*buf)[i] == '\0';
	char **argv = xcalloc(n + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < len && k < n; i += strlen(*buf + i) + 1)
		argv[k++] = *buf + i;
	return argv;
}

int hull_reexec_sealed(struct hull_error *err)
{
	/* The marker says which kind of view we re-executed from, and guards against a
	 * loop should the check not see it. */
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return hull_fail(err, errno, "open /proc/self/exe");
	const char *marker = getenv("_HULL_SEALED");
	if (marker) {
		bool overlay = strcmp(marker, "overlay") == 0;
		unsetenv("_HULL_SEALED");
		return running_sealed(self, overlay) ? 0
						     : hull_fail(err, EIO, "not running from the sealed copy after re-exec");
	}
	if (running_sealed(self, false))
		return 0;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **argv = own_argv(&buf);
	if (!argv)
		return hull_fail(err, EIO, "read /proc/self/cmdline");
	bool overlay = false;
	int fd = sealed_binary(self, &overlay, err);
	if (fd < 0)
		return -1;
	setenv("_HULL_SEALED", overlay ? "overlay" : "memfd", 1);
	hull_trace("re-executing hull from a sealed %s copy", overlay ? "overlay" : "memfd");
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	int e = errno;
	unsetenv("_HULL_SEALED");
	close(fd);
	return hull_fail(err, e, "re-execute hull from a sealed copy");
}
