/* cgroupfs.c - the container's view of /sys/fs/cgroup: cgroup2 on a unified host,
 * and on a v1 or hybrid host what runc builds: a tmpfs holding one mount per hierarchy
 * (the container's own cgroup bound from the host, or a fresh mount in a new cgroup
 * namespace), plus the cpu -> cpu,cpuacct style symlinks. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/proc.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

static bool host_is_unified(void)
{
	struct statfs s;
	return statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

static bool has_token(const char *list, const char *tok, size_t len)
{
	for (const char *p = list; p && *p;) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == len && strncmp(p, tok, len) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* The host mount of a hierarchy: cgroup2 for "", else the v1 mount whose superblock
 * options name every controller of the line. */
static const struct hull_mountinfo *find_hierarchy(const struct hull_mountinfo *mi, size_t n, const char *ctrls)
{
	for (size_t i = 0; i < n; i++) {
		if (!*ctrls) {
			if (strcmp(mi[i].fstype, "cgroup2") == 0)
				return &mi[i];
			continue;
		}
		if (strcmp(mi[i].fstype, "cgroup") != 0)
			continue;
		bool all = true;
		for (const char *p = ctrls; *p && all;) {
			const char *end = strchrnul(p, ',');
			all = has_token(mi[i].super_opts, p, (size_t)(end - p));
			p = *end ? end + 1 : end;
		}
		if (all)
			return &mi[i];
	}
	return NULL;
}

/* Without a cgroup namespace the container sees only its own cgroup: bind it. With one,
 * a fresh mount shows the namespace root, which is that same cgroup. */
static int hierarchy_tree(const struct hull_rootfs_ctx *ctx, const struct hull_mountinfo *host,
			  const struct hull_cgroup_line *line, const char *what, struct hull_error *err)
{
	if (ctx->new_cgroupns) {
		if (!*line->controllers)
			return hull_fs_detached("cgroup2", "cgroup2", NULL, NULL, what, err);
		_cleanup_strv_ char **data = NULL;
		size_t n = 0;
		for (const char *p = line->controllers; *p;) {
			const char *end = strchrnul(p, ',');
			data = xrealloc(data, (n + 3) * sizeof(char *));
			data[n++] = xstrndup(p, (size_t)(end - p));
			p = *end ? end + 1 : end;
		}
		if (hull_str_has_prefix(line->controllers, "name=") && !strchr(line->controllers, ','))
			data[n++] = xstrdup("none");
		data[n] = NULL;
		return hull_fs_detached("cgroup", "cgroup", NULL, data, what, err);
	}
	const char *rel = line->path;
	size_t rl = strlen(host->root);
	if (rl > 1 && strncmp(rel, host->root, rl) == 0)
		rel += rl;
	_cleanup_free_ char *src = xasprintf("%s%s", host->mountpoint, rel);
	int fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "%s: bind %s", what, src);
	return fd;
}

static int link_controllers(int dir_fd, const char *name, struct hull_error *err)
{
	if (!strchr(name, ','))
		return 0;
	for (const char *p = name; *p;) {
		const char *end = strchrnul(p, ',');
		_cleanup_free_ char *one = xstrndup(p, (size_t)(end - p));
		if (symlinkat(name, dir_fd, one) < 0 && errno != EEXIST)
			return hull_fail(err, errno, "symlink cgroup %s -> %s", one, name);
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int mount_hierarchy(const struct hull_rootfs_ctx *ctx, int dir_fd, const struct hull_mountinfo *host,
			   const struct hull_cgroup_line *line, const struct hull_mount_opts *o, const char *what,
			   struct hull_error *err)
{
	const char *name = strrchr(host->mountpoint, '/');
	name = name ? name + 1 : host->mountpoint;
	_cleanup_free_ char *sub = xasprintf("%s: %s", what, name);
	if (mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "%s: mkdir", sub);
	_cleanup_close_ int tree = hierarchy_tree(ctx, host, line, sub, err);
	if (tree < 0)
		return -1;
	if ((o->attr_set || o->attr_clr) && hull_setattr(tree, false, o->attr_set, o->attr_clr, 0, sub, err) < 0)
		return -1;
	_cleanup_close_ int target = openat(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return hull_fail(err, errno, "%s: open", sub);
	if (hull_move_onto(tree, target, sub, err) < 0)
		return -1;
	return link_controllers(dir_fd, name, err);
}

static int mount_v1(const struct hull_rootfs_ctx *ctx, int dest, const struct hull_mount_opts *o, const char *what,
		    struct hull_error *err)
{
	static char *const tmpfs_data[] = { (char *)"mode=755", NULL };
	_cleanup_close_ int tmpfs = hull_fs_detached("tmpfs", "tmpfs", NULL, tmpfs_data, what, err);
	if (tmpfs < 0)
		return -1;
	/* Read-only only once the hierarchies are in: we still mkdir in it. */
	uint64_t set = o->attr_set & ~(uint64_t)MOUNT_ATTR_RDONLY;
	if ((set || o->attr_clr) && hull_setattr(tmpfs, false, set, o->attr_clr, 0, what, err) < 0)
		return -1;
	if (hull_move_onto(tmpfs, dest, what, err) < 0)
		return -1;
	struct hull_cgroup_line *lines = NULL;
	struct hull_mountinfo *mi = NULL;
	ssize_t nl = hull_proc_cgroup_read(&lines), nm = nl < 0 ? -1 : hull_mountinfo_read(&mi);
	int r = 0;
	if (nl < 0 || nm < 0)
		r = hull_fail(err, errno, "%s: read /proc/self/cgroup and mountinfo", what);
	for (ssize_t i = 0; r == 0 && i < nl; i++) {
		const struct hull_mountinfo *host = find_hierarchy(mi, (size_t)nm, lines[i].controllers);
		if (host)
			r = mount_hierarchy(ctx, tmpfs, host, &lines[i], o, what, err);
	}
	hull_proc_cgroup_free(lines, nl > 0 ? (size_t)nl : 0);
	hull_mountinfo_free(mi, nm > 0 ? (size_t)nm : 0);
	if (r < 0)
		return -1;
	if ((o->attr_set & MOUNT_ATTR_RDONLY) && hull_setattr(tmpfs, false, MOUNT_ATTR_RDONLY, 0, 0, what, err) < 0)
		return -1;
	return o->propagation ? hull_setattr(tmpfs, o->propagation_rec, 0, 0, o->propagation, what, err) : 0;
}

/* cgroup2: fresh in a new cgroup namespace, else a bind of the container's cgroup. */
static int mount_v2(const struct hull_rootfs_ctx *ctx, int dest, const struct hull_mount_opts *o, const char *what,
		    struct hull_error *err)
{
	_cleanup_close_ int tree = -1;
	if (ctx->new_cgroupns) {
		tree = hull_fs_detached("cgroup2", "cgroup2", NULL, o->data, what, err);
	} else {
		struct hull_cgroup_line *lines = NULL;
		struct hull_mountinfo *mi = NULL;
		ssize_t nl = hull_proc_cgroup_read(&lines), nm = nl < 0 ? -1 : hull_mountinfo_read(&mi);
		const struct hull_mountinfo *host = nm < 0 ? NULL : find_hierarchy(mi, (size_t)nm, "");
		const struct hull_cgroup_line *line = NULL;
		for (ssize_t i = 0; i < nl; i++)
			if (!*lines[i].controllers)
				line = &lines[i];
		tree = host && line ? hierarchy_tree(ctx, host, line, what, err)
				    : hull_fail(err, ENOENT, "%s: no cgroup2 hierarchy on the host", what);
		hull_proc_cgroup_free(lines, nl > 0 ? (size_t)nl : 0);
		hull_mountinfo_free(mi, nm > 0 ? (size_t)nm : 0);
	}
	if (tree < 0)
		return -1;
	if (((o->attr_set || o->attr_clr) && hull_setattr(tree, false, o->attr_set, o->attr_clr, 0, what, err) < 0) ||
	    hull_move_onto(tree, dest, what, err) < 0)
		return -1;
	return o->propagation ? hull_setattr(tree, o->propagation_rec, 0, 0, o->propagation, what, err) : 0;
}

int hull_mount_cgroup(const struct hull_rootfs_ctx *ctx, int root_fd, const struct hull_mount *m,
		      const struct hull_mount_opts *o, const char *what, struct hull_error *err)
{
	_cleanup_close_ int dest = hull_resolve_in_root(root_fd, m->destination, HULL_CREATE_DIR);
	if (dest < 0)
		return hull_fail(err, errno, "%s: create %s in the rootfs", what, m->destination);
	if (strcmp(m->type, "cgroup2") == 0 || host_is_unified())
		return mount_v2(ctx, dest, o, what, err);
	return mount_v1(ctx, dest, o, what, err);
}
