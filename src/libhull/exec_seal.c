/* exec_seal.c - run from a sealed in-memory copy of our own binary (CVE-2019-5736).
 *
 * A process hull clones into a container runs hull's code until its execve. Were
 * /proc/PID/exe the binary on the host, a process of the container able to open it
 * (CAP_SYS_PTRACE in a container without a user namespace defeats the non-dumpable
 * guard) could keep an O_PATH fd and, once hull is gone, reopen it for writing and
 * replace the runtime on the host. Running from a memfd with every seal set makes
 * that link name a private, unwritable copy instead. */
#define _GNU_SOURCE
#include "hull.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool running_sealed(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* A sealed memfd holding a copy of /proc/self/exe. */
static int sealed_copy(struct hull_error *err)
{
	_cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return hull_fail(err, errno, "open /proc/self/exe");
	struct stat st;
	if (fstat(src, &st) < 0)
		return hull_fail(err, errno, "stat /proc/self/exe");
	/* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it non-executable. */
	int fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("hull", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return hull_fail(err, errno, "memfd_create");
	off_t done = 0;
	while (done < st.st_size) {
		ssize_t n = sendfile(fd, src, NULL, (size_t)(st.st_size - done));
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
	/* The marker guards against a loop should the check not see the seals. */
	if (getenv("_HULL_SEALED")) {
		unsetenv("_HULL_SEALED");
		return running_sealed() ? 0 : hull_fail(err, EIO, "not running from the sealed copy after re-exec");
	}
	if (running_sealed())
		return 0;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **argv = own_argv(&buf);
	if (!argv)
		return hull_fail(err, EIO, "read /proc/self/cmdline");
	int fd = sealed_copy(err);
	if (fd < 0)
		return -1;
	setenv("_HULL_SEALED", "1", 1);
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	int e = errno;
	unsetenv("_HULL_SEALED");
	close(fd);
	return hull_fail(err, e, "re-execute hull from a sealed copy");
}
