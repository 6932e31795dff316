/* idmap.c - a user namespace holding a mount's uidMappings/gidMappings, the
 * handle MOUNT_ATTR_IDMAP takes. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/wait.h>

static char *map_text(const struct hull_id_mapping *m, size_t n)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%u %u %u\n", s, m[i].container_id, m[i].host_id, m[i].size);
		free(s);
		s = next;
	}
	return s;
}

/* The helper: report its pid as the mounted /proc sees it (we may be in a new pid
 * namespace while /proc is still the host's), enter a new user namespace, then wait
 * until the parent closes the pipe. */
static void __attribute__((noreturn)) helper(int report_fd, int wait_fd)
{
	char pid[32] = "";
	ssize_t n = readlink("/proc/self", pid, sizeof(pid) - 1);
	if (n <= 0 || unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	if (write(report_fd, pid, (size_t)n) != n)
		_exit(1);
	char c;
	while (read(wait_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int write_map(const char *pid, const char *file, const char *text, struct hull_error *err)
{
	_cleanup_free_ char *path = xasprintf("/proc/%s/%s", pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return hull_fail(err, errno, "idmapped mount: write %s", file);
	return 0;
}

static int map_and_open(const char *pid, const struct hull_id_mapping *uids, size_t n_uids,
			const struct hull_id_mapping *gids, size_t n_gids, struct hull_error *err)
{
	_cleanup_free_ char *u = map_text(uids, n_uids), *g = map_text(gids, n_gids);
	if (write_map(pid, "uid_map", u, err) < 0 || write_map(pid, "gid_map", g, err) < 0)
		return -1;
	_cleanup_free_ char *ns = xasprintf("/proc/%s/ns/user", pid);
	int fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "idmapped mount: open %s", ns);
	return fd;
}

int hull_userns_fd(const struct hull_id_mapping *uids, size_t n_uids, const struct hull_id_mapping *gids,
		   size_t n_gids, struct hull_error *err)
{
	int report[2], hold[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return hull_fail(err, errno, "idmapped mount: pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(report[0]);
		close(report[1]);
		return hull_fail(err, errno, "idmapped mount: pipe");
	}
	pid_t child = fork();
	if (child == 0) {
		close(report[0]);
		close(hold[1]);
		helper(report[1], hold[0]);
	}
	close(report[1]);
	close(hold[0]);
	int ret;
	char pid[32] = "";
	ssize_t n = child < 0 ? -1 : read(report[0], pid, sizeof(pid) - 1);
	if (child < 0)
		ret = hull_fail(err, errno, "idmapped mount: fork");
	else if (n <= 0)
		ret = hull_fail(err, EPERM, "idmapped mount: create a user namespace");
	else
		ret = map_and_open(pid, uids, n_uids, gids, n_gids, err);
	close(report[0]);
	close(hold[1]); /* lets the helper exit; its namespace lives on through our fd */
	if (child > 0)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	return ret;
}

int hull_mount_idmap(const struct hull_spec *spec, const struct hull_mount *m, const struct hull_mount_opts *o,
		     int tree, const char *what, struct hull_error *err)
{
	const struct hull_id_mapping *u = m->uid_mappings, *g = m->gid_mappings;
	size_t nu = m->n_uid_mappings, ng = m->n_gid_mappings;
	if (!nu && !ng) {
		/* "idmap" alone maps like the container's user namespace (runc 1.2). */
		u = spec->linux_.uid_mappings;
		nu = spec->linux_.n_uid_mappings;
		g = spec->linux_.gid_mappings;
		ng = spec->linux_.n_gid_mappings;
	}
	_cleanup_close_ int userns = hull_userns_fd(u, nu, g, ng, err);
	if (userns < 0)
		return hull_error_prefix(err, "%s", what);
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return hull_fail(err, errno, "%s: idmap", what);
	return 0;
}
