/* files.c - cgroupfs as files, for every backend: write/read one file, keyed values,
 * making a cgroup path (marking what hull made), removing it with its descendants, and
 * reading cgroup.procs. Nothing here knows v1 from v2. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

/* Marks the cgroup directories hull made, so destroy removes parents it created
 * (and only those). trusted.* needs CAP_SYS_ADMIN: rootless simply leaves parents. */
#define CG_MARK_XATTR "trusted.hull.created"

int cg_write_quiet(const char *dir, const char *file, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One write(): cgroup files take the whole value in one call. */
	ssize_t w = write(fd, val, strlen(val));
	if (w < 0)
		return -errno;
	return 0;
}

int cg_write(const char *dir, const char *file, const char *val, struct hull_error *err)
{
	int r = cg_write_quiet(dir, file, val);
	if (r < 0)
		return hull_fail(err, -r, "write \"%s\" to %s/%s", val, dir, file);
	return 0;
}

int cg_read(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	size_t len;
	return hull_read_file_at(AT_FDCWD, p, 1 << 20, out, &len);
}

bool cg_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && (l[kl] == ' ' || l[kl] == '\t')) {
			*out = strtoull(l + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* One walk down the path; ENOENT from mkdir comes back as 1 (a parent vanished). */
static int mkdir_walk(const char *root, const char *path, int (*prepare)(const char *dir, struct hull_error *err),
		      struct hull_error *err)
{
	_cleanup_free_ char *cur = xstrdup(root);
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next = xasprintf("%s/%s", cur, c);
		free(cur);
		cur = next;
		bool made = mkdir(cur, 0755) == 0;
		if (!made && errno == ENOENT && strcmp(cur, root) != 0)
			return 1;
		if (!made && errno != EEXIST)
			return hull_fail(err, errno, "create cgroup %s", cur);
		if (made && setxattr(cur, CG_MARK_XATTR, "1", 1, 0) < 0)
			hull_debug("cgroup %s: cannot mark as hull-created: %s", cur, strerror(errno));
		if (prepare && prepare(cur, err) < 0) {
			if (made)
				rmdir(cur);
			return -1;
		}
	}
	return 0;
}

int cg_mkdir_path(const char *root, const char *path, int (*prepare)(const char *dir, struct hull_error *err),
		  struct hull_error *err)
{
	/* A parent that existed a moment ago may be gone: `delete` of another container
	 * removes the empty parents hull made (/hull). Walk again from the top then. */
	for (int tries = 0; tries < 5; tries++) {
		int r = mkdir_walk(root, path, prepare, err);
		if (r <= 0)
			return r;
	}
	return hull_fail(err, ENOENT, "create cgroup %s%s: its parents keep vanishing", root, path);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t cg_remove_deadline(void)
{
	/* Tasks killed a moment ago leave within milliseconds; what is still there after a
	 * few seconds (a frozen or D-state task, a process that moved in) stays: say so then
	 * instead of retrying for a minute. One budget for all hierarchies of a container. */
	return now_ms() + 3000;
}

/* rmdir a cgroup and its children, depth first. Busy (exiting tasks) is retried until
 * the deadline. */
static int remove_tree(const char *dir, uint64_t deadline)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
		int rr = remove_tree(sub, deadline);
		if (rr < 0 && r == 0)
			r = rr;
	}
	closedir(d);
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != EAGAIN)
			return -errno;
		if (now_ms() >= deadline)
			return r < 0 ? r : -EBUSY;
		sleep_ms(i < 10 ? 5 : 50);
	}
}

static int read_pids_into(const char *dir, pid_t **pids, size_t *n, size_t *cap);

int cg_remove(const char *root, const char *dir, uint64_t deadline, struct hull_error *err)
{
	int r = remove_tree(dir, deadline);
	if (r == -EBUSY) {
		/* Say what holds it: usually processes that did not die (frozen, stuck in D state). */
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0, cap = 0;
		read_pids_into(dir, &pids, &n, &cap);
		char list[128] = "";
		for (size_t i = 0, len = 0; i < n && i < 8 && len < sizeof(list) - 16; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d", i ? " " : "", (int)pids[i]);
		if (n)
			return hull_fail_plain(err, EBUSY, "remove cgroup %s: %s: %zu process(es) still in it (pids %s%s)",
					       dir, strerror(EBUSY), n, list, n > 8 ? " ..." : "");
	}
	if (r < 0)
		return hull_fail(err, -r, "remove cgroup %s", dir);
	/* Parents: only those carrying hull's mark, and only while empty. */
	_cleanup_free_ char *p = xstrdup(dir);
	size_t rl = strlen(root);
	for (char *s = strrchr(p, '/'); s && (size_t)(s - p) > rl; s = strrchr(p, '/')) {
		*s = '\0';
		char v[4];
		if (getxattr(p, CG_MARK_XATTR, v, sizeof(v)) < 0 || rmdir(p) < 0)
			break;
	}
	return 0;
}

static int read_pids_into(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
	_cleanup_free_ char *procs = NULL;
	int r = cg_read(dir, "cgroup.procs", &procs);
	if (r < 0)
		return r;
	for (char *l = procs; *l;) {
		char *end;
		long v = strtol(l, &end, 10);
		if (end == l)
			break;
		*pids = xgrow(*pids, cap, *n, sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)v;
		l = end + (*end == '\n');
	}
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
		read_pids_into(sub, pids, n, cap);
	}
	closedir(d);
	return 0;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n, struct hull_error *err)
{
	size_t cap = 0;
	*pids = NULL;
	*n = 0;
	int r = read_pids_into(dir, pids, n, &cap);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		return hull_fail(err, -r, "read %s/cgroup.procs", dir);
	}
	return 0;
}

/* v1: cg's directory in the hierarchy carrying controller ctrl, or NULL when it is not
 * mounted (v1.c and stats.c). */
const char *cg_v1_dir(struct hull_cgroup *cg, const char *ctrl)
{
	size_t cl = strlen(ctrl);
	for (size_t i = 0; i < cg->n_v1; i++) {
		const char *c = cg->v1[i].controllers;
		for (const char *p = c; (p = strstr(p, ctrl)); p += cl)
			if ((p == c || p[-1] == ',') && (p[cl] == ',' || !p[cl]))
				return cg->v1[i].dir;
	}
	return NULL;
}
