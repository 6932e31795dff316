/* namespaces.c - the eight namespace types: clone flags, joining by path or pid, id maps, time offsets. */
#define _GNU_SOURCE
#include "namespaces.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

extern char **environ;

static const struct {
	int flag;
	const char *proc;
} ns_table[HULL_NS_COUNT] = {
	[HULL_NS_PID] = { CLONE_NEWPID, "pid" },	 [HULL_NS_NET] = { CLONE_NEWNET, "net" },
	[HULL_NS_MNT] = { CLONE_NEWNS, "mnt" },		 [HULL_NS_IPC] = { CLONE_NEWIPC, "ipc" },
	[HULL_NS_UTS] = { CLONE_NEWUTS, "uts" },	 [HULL_NS_USER] = { CLONE_NEWUSER, "user" },
	[HULL_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" }, [HULL_NS_TIME] = { CLONE_NEWTIME, "time" },
};

int hull_ns_clone_flag(enum hull_ns_type t)
{
	return t < HULL_NS_COUNT ? ns_table[t].flag : 0;
}

const char *hull_ns_proc_name(enum hull_ns_type t)
{
	return t < HULL_NS_COUNT ? ns_table[t].proc : "?";
}

void hull_ns_plan(const struct hull_spec *spec, int *new_flags, unsigned *joined_mask)
{
	*new_flags = 0;
	*joined_mask = 0;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct hull_namespace *ns = &spec->linux_.namespaces[i];
		if (ns->type >= HULL_NS_COUNT)
			continue;
		if (ns->path && *ns->path)
			*joined_mask |= 1u << ns->type;
		else
			*new_flags |= ns_table[ns->type].flag;
	}
}

int hull_ns_validate(const struct hull_spec *spec, struct hull_error *err)
{
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct hull_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path || !*ns->path)
			continue;
		/* A join path must be a namespace file of that type (setns with the type checks it). */
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return hull_fail(err, errno, "linux.namespaces[%zu]: open %s namespace %s", i,
					 hull_ns_type_name(ns->type), ns->path);
		close(fd);
	}
	bool new_user = false;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type == HULL_NS_USER && !spec->linux_.namespaces[i].path)
			new_user = true;
	if (new_user && (!spec->linux_.n_uid_mappings || !spec->linux_.n_gid_mappings))
		return hull_fail(err, EINVAL, "linux.uidMappings: a new user namespace needs uid and gid mappings");
	if (!new_user && (spec->linux_.n_uid_mappings || spec->linux_.n_gid_mappings) &&
	    !hull_spec_namespace(spec, HULL_NS_USER))
		return hull_fail(err, EINVAL, "linux.uidMappings: mappings given without a user namespace");
	return 0;
}

/* Two passes: first every non-user namespace (EPERM is deferred: the namespace may be
 * owned by the userns we join next), then the userns, then the deferred ones. */
static int join_fds(int fds[HULL_NS_COUNT], const char *const names[HULL_NS_COUNT], struct hull_error *err)
{
	bool deferred[HULL_NS_COUNT] = { false };
	for (int t = 0; t < HULL_NS_COUNT; t++) {
		if (fds[t] < 0 || t == HULL_NS_USER)
			continue;
		if (setns(fds[t], ns_table[t].flag) < 0) {
			if (errno != EPERM || fds[HULL_NS_USER] < 0)
				return hull_fail(err, errno, "setns %s namespace %s", hull_ns_type_name(t), names[t]);
			deferred[t] = true;
		}
	}
	if (fds[HULL_NS_USER] >= 0 && setns(fds[HULL_NS_USER], CLONE_NEWUSER) < 0)
		return hull_fail(err, errno, "setns user namespace %s", names[HULL_NS_USER]);
	for (int t = 0; t < HULL_NS_COUNT; t++)
		if (deferred[t] && setns(fds[t], ns_table[t].flag) < 0)
			return hull_fail(err, errno, "setns %s namespace %s", hull_ns_type_name(t), names[t]);
	return 0;
}

static void close_fds(int fds[HULL_NS_COUNT])
{
	for (int t = 0; t < HULL_NS_COUNT; t++)
		if (fds[t] >= 0)
			close(fds[t]);
}

int hull_ns_join_paths(const struct hull_spec *spec, struct hull_error *err)
{
	int fds[HULL_NS_COUNT];
	const char *names[HULL_NS_COUNT] = { 0 };
	for (int t = 0; t < HULL_NS_COUNT; t++)
		fds[t] = -1;
	int r = 0;
	for (size_t i = 0; r == 0 && i < spec->linux_.n_namespaces; i++) {
		const struct hull_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path || !*ns->path || ns->type >= HULL_NS_COUNT)
			continue;
		/* Open all first: a path may live in a mount namespace we are about to leave. */
		fds[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC);
		names[ns->type] = ns->path;
		if (fds[ns->type] < 0)
			r = hull_fail(err, errno, "open %s namespace %s", hull_ns_type_name(ns->type), ns->path);
	}
	if (r == 0)
		r = join_fds(fds, names, err);
	close_fds(fds);
	return r;
}

int hull_ns_join_pid(pid_t pid, unsigned mask, struct hull_error *err)
{
	int fds[HULL_NS_COUNT];
	char paths[HULL_NS_COUNT][64];
	const char *names[HULL_NS_COUNT] = { 0 };
	for (int t = 0; t < HULL_NS_COUNT; t++)
		fds[t] = -1;
	int r = 0;
	for (int t = 0; r == 0 && t < HULL_NS_COUNT; t++) {
		if (!(mask & (1u << t)))
			continue;
		snprintf(paths[t], sizeof(paths[t]), "/proc/%d/ns/%s", (int)pid, ns_table[t].proc);
		names[t] = paths[t];
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_table[t].proc);
		struct stat a, b;
		/* Joining the namespace we are already in fails for userns (EINVAL): skip it. */
		if (stat(paths[t], &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		fds[t] = open(paths[t], O_RDONLY | O_CLOEXEC);
		if (fds[t] < 0)
			r = hull_fail(err, errno, "open %s", paths[t]);
	}
	if (r == 0)
		r = join_fds(fds, names, err);
	close_fds(fds);
	return r;
}

/* ---- id maps ---------------------------------------------------------------------- */

static char *map_text(const struct hull_id_mapping *m, size_t n)
{
	size_t cap = n * 40 + 1, len = 0;
	char *s = xmalloc(cap);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	return s;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(text) ? 0 : -EIO;
}

/* newuidmap PID  inside outside count ... (shadow-utils helper, setuid root). */
static int run_newidmap(const char *tool, pid_t pid, const struct hull_id_mapping *m, size_t n)
{
	char **argv = xcalloc(3 * n + 3, sizeof(char *));
	argv[0] = xstrdup(tool);
	argv[1] = xasprintf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[2 + 3 * i] = xasprintf("%u", m[i].container_id);
		argv[3 + 3 * i] = xasprintf("%u", m[i].host_id);
		argv[4 + 3 * i] = xasprintf("%u", m[i].size);
	}
	pid_t child;
	int r = posix_spawnp(&child, tool, NULL, NULL, argv, environ);
	hull_free_strv(argv);
	if (r != 0)
		return -r;
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

static int write_one_map(pid_t pid, const char *file, const char *tool, const struct hull_id_mapping *m, size_t n,
			 struct hull_error *err)
{
	_cleanup_free_ char *text = map_text(m, n);
	int r = write_proc(pid, file, text);
	if (r == -EPERM && run_newidmap(tool, pid, m, n) == 0)
		return 0;
	if (r < 0)
		return hull_fail(err, -r, "write %s of the container's user namespace (%s)", file, strtok(text, "\n"));
	return 0;
}

int hull_ns_write_id_maps(pid_t pid, const struct hull_spec *spec, bool *setgroups_denied, struct hull_error *err)
{
	*setgroups_denied = false;
	/* The kernel lets only a writer with CAP_SETGID in the parent userns map gids while
	 * setgroups is allowed; an unprivileged writer must deny it first (and newgidmap
	 * would do the right thing itself). */
	if (geteuid() != 0) {
		if (write_proc(pid, "setgroups", "deny") == 0)
			*setgroups_denied = true;
	}
	if (write_one_map(pid, "uid_map", "newuidmap", spec->linux_.uid_mappings, spec->linux_.n_uid_mappings, err) <
	    0)
		return -1;
	return write_one_map(pid, "gid_map", "newgidmap", spec->linux_.gid_mappings, spec->linux_.n_gid_mappings,
			     err);
}

int hull_ns_write_time_offsets(const struct hull_spec *spec, struct hull_error *err)
{
	const struct hull_time_offset *mono = &spec->linux_.time_monotonic, *boot = &spec->linux_.time_boottime;
	if (!mono->present && !boot->present)
		return 0;
	char text[128];
	size_t len = 0;
	if (mono->present)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "monotonic %lld %u\n", (long long)mono->secs,
					mono->nanosecs);
	if (boot->present)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "boottime %lld %u\n", (long long)boot->secs,
					boot->nanosecs);
	_cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	/* One write per line: the kernel parses a single offset per write on older versions. */
	if (fd < 0)
		return hull_fail(err, errno, "open /proc/self/timens_offsets");
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (write(fd, line, (size_t)(nl - line + 1)) < 0)
			return hull_fail(err, errno, "write time offsets \"%.*s\"", (int)(nl - line), line);
	}
	return 0;
}
