/* mount.c - the container's root filesystem: spec mounts in order, pivot_root, and the
 * final read-only/propagation touches.
 *
 * Mounts are built detached with the new mount API (open_tree for binds, fsopen/
 * fsconfig/fsmount for filesystems), get their attributes with mount_setattr while
 * nobody can see them, and are attached with move_mount onto an O_PATH fd that was
 * resolved inside the rootfs (mount/resolve.c). No mount ever takes a path string
 * that a symlink in the image could redirect. */
#define _GNU_SOURCE
#include "internal.h"
#include "libhull/ns/sysctl.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>

/* ---- one spec mount --------------------------------------------------------------- */

static bool is_type(const struct hull_mount *m, const char *type)
{
	return m->type && strcmp(m->type, type) == 0;
}

static int prepared_tree(const struct hull_rootfs_ctx *ctx, const struct hull_mount *m)
{
	return ctx->source_trees ? ctx->source_trees[m - ctx->spec->mounts] : -1;
}

/* The detached tree a mount entry attaches: a bind of the host source, the host's /sys
 * when there is no network namespace (a fresh sysfs would show the host's devices
 * anyway and cannot be mounted from a user namespace), or a fresh filesystem. */
static int make_tree(const struct hull_rootfs_ctx *ctx, const struct hull_mount *m, struct hull_mount_opts *o,
		     const char *mode_opt, const char *what, struct hull_error *err)
{
	/* Only without any network namespace of its own (new or joined): a joined one gets
	 * a fresh sysfs that shows its devices. */
	bool host_net = !ctx->new_netns && !hull_spec_namespace(ctx->spec, HULL_NS_NET);
	if (o->bind || (is_type(m, "sysfs") && host_net)) {
		bool sys = !o->bind;
		int prepared = sys ? -1 : prepared_tree(ctx, m);
		if (prepared >= 0)
			return prepared; /* ours: the child's copy of hull's fd */
		const char *src = sys ? "/sys" : m->source;
		int fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->rbind || sys ? AT_RECURSIVE : 0));
		if (fd < 0)
			return hull_fail(err, errno, "%s: open_tree %s", what, src);
		if (sys) {
			o->rattr_set |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
			o->has_rattr = true;
		}
		return fd;
	}
	if (!mode_opt)
		return hull_fs_detached(m->type, m->source, o->sb_flags, o->data, what, err);
	/* tmpfs over an existing directory keeps that directory's mode unless told otherwise
	 * (runc does the same): prepend mode=, a later mode= in the options still wins. */
	size_t n = hull_strv_len(o->data);
	_cleanup_free_ char **data = xcalloc(n + 2, sizeof(char *));
	data[0] = (char *)mode_opt;
	for (size_t i = 0; i < n; i++)
		data[i + 1] = o->data[i];
	return hull_fs_detached(m->type, m->source, o->sb_flags, data, what, err);
}

/* Set attributes on the detached tree: top mount first, then the r* forms over the
 * whole tree (so "rw,rro" ends read-only everywhere, as in runc). */
static int apply_attrs(int tree, const struct hull_mount_opts *o, const char *what, struct hull_error *err)
{
	if (o->has_attr && (o->attr_set || o->attr_clr) &&
	    hull_setattr(tree, false, o->attr_set, o->attr_clr, 0, what, err) < 0)
		return -1;
	if (o->has_rattr && (o->rattr_set || o->rattr_clr) &&
	    hull_setattr(tree, true, o->rattr_set, o->rattr_clr, 0, what, err) < 0)
		return -1;
	return 0;
}

static int propagate(int fd, const struct hull_mount_opts *o, const char *what, struct hull_error *err)
{
	if (!o->propagation)
		return 0;
	return hull_setattr(fd, o->propagation_rec, 0, 0, o->propagation, what, err);
}

/* "remount": change the attributes of what is already mounted at the destination. */
static int remount_entry(int root_fd, const struct hull_mount *m, const struct hull_mount_opts *o, const char *what,
			 struct hull_error *err)
{
	_cleanup_close_ int fd = hull_resolve_in_root(root_fd, m->destination, HULL_CREATE_NONE);
	if (fd < 0)
		return hull_fail(err, errno, "%s: resolve %s", what, m->destination);
	if (apply_attrs(fd, o, what, err) < 0)
		return -1;
	return propagate(fd, o, what, err);
}

static enum hull_create_kind dest_kind(const struct hull_rootfs_ctx *ctx, const struct hull_mount *m,
				       const struct hull_mount_opts *o)
{
	struct stat st;
	int tree = prepared_tree(ctx, m);
	/* A prepared source may be out of our reach by path: ask its tree. */
	if (o->bind && tree >= 0 && fstat(tree, &st) == 0)
		return S_ISDIR(st.st_mode) ? HULL_CREATE_DIR : HULL_CREATE_FILE;
	if (o->bind && m->source && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode))
		return HULL_CREATE_FILE;
	return HULL_CREATE_DIR;
}

static int mount_fresh_or_bind(const struct hull_rootfs_ctx *ctx, int root_fd, const struct hull_mount *m,
			       struct hull_mount_opts *o, const char *what, struct hull_error *err)
{
	/* proc and sysfs go on a real directory, never through a symlink or onto a file
	 * the rootfs put there (runc's rule, against mount redirection attacks). */
	if (!o->bind && (is_type(m, "proc") || is_type(m, "sysfs"))) {
		_cleanup_close_ int last = hull_openat_in_root(root_fd, m->destination, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat lst;
		if (last >= 0 && fstat(last, &lst) == 0 && !S_ISDIR(lst.st_mode))
			return hull_fail(err, 0, "%s: filesystem \"%s\" must be mounted on ordinary directory", what,
					 m->type);
	}
	/* Look before creating: a tmpfs keeps the mode of an existing directory and
	 * tmpcopyup copies what is there. */
	_cleanup_close_ int dest = hull_resolve_in_root(root_fd, m->destination, HULL_CREATE_NONE);
	bool existed = dest >= 0;
	if (!existed) {
		if (errno != ENOENT)
			return hull_fail(err, errno, "%s: resolve %s", what, m->destination);
		dest = hull_resolve_in_root(root_fd, m->destination, dest_kind(ctx, m, o));
		if (dest < 0)
			return hull_fail(err, errno, "%s: create %s in the rootfs", what, m->destination);
	}
	/* The written destination was checked (mount/validate.c); a symlink in the rootfs
	 * may still lead into /proc, where a mount could uncover masked entries. */
	struct statfs sfs;
	if (fstatfs(dest, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && !hull_mount_proc_entry_ok(m->destination))
		return hull_fail(err, 0, "%s: %s cannot be mounted because it is inside /proc", what, m->destination);
	_cleanup_free_ char *mode_opt = NULL;
	struct stat st;
	if (existed && !o->bind && is_type(m, "tmpfs") && fstat(dest, &st) == 0 && S_ISDIR(st.st_mode))
		mode_opt = xasprintf("mode=%04o", (unsigned)(st.st_mode & 07777));
	/* A read-only /dev is made read-only only after hull created the devices in it. */
	if (!o->bind && hull_path_is(m->destination, "/dev"))
		o->attr_set &= ~(uint64_t)MOUNT_ATTR_RDONLY;

	_cleanup_close_ int tree = make_tree(ctx, m, o, mode_opt, what, err);
	if (tree < 0)
		return -1;
	/* A bind on /proc must bring a procfs, not a directory of fake files (runc's rule). */
	if (o->bind && hull_path_is(m->destination, "/proc") &&
	    (fstatfs(tree, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC))
		return hull_fail(err, 0, "%s: /proc cannot be mounted because it is not of type proc", what);
	if (apply_attrs(tree, o, what, err) < 0)
		return -1;
	if (prepared_tree(ctx, m) < 0 && (o->idmap || m->n_uid_mappings || m->n_gid_mappings) &&
	    hull_mount_idmap(ctx->spec, m, o, tree, what, err) < 0)
		return -1;
	if (o->tmpcopyup && existed) {
		_cleanup_close_ int src = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (src < 0)
			return hull_fail(err, errno, "%s: tmpcopyup: open %s", what, m->destination);
		if (hull_copy_tree(src, tree, err) < 0)
			return hull_error_prefix(err, "%s: tmpcopyup", what);
	}
	if (hull_move_onto(tree, dest, what, err) < 0)
		return -1;
	/* Propagation is set once attached: it describes the relation to other mounts. */
	return propagate(tree, o, what, err);
}

/* ctx->cgroup_point, at most once (*done tracks it). */
static int cgroup_point(const struct hull_rootfs_ctx *ctx, bool *done, struct hull_error *err)
{
	if (*done)
		return 0;
	*done = true;
	return ctx->cgroup_point ? ctx->cgroup_point(ctx->cgroup_point_arg, err) : 0;
}

static int mount_entry(const struct hull_rootfs_ctx *ctx, int root_fd, size_t idx, bool *cg_done,
		       struct hull_error *err)
{
	const struct hull_mount *m = &ctx->spec->mounts[idx];
	_cleanup_free_ char *what = xasprintf("mounts[%zu]: mount %s on %s", idx,
					      m->source ? m->source : (m->type ? m->type : "none"), m->destination);
	struct hull_mount_opts o;
	hull_mount_opts_parse(m->options, hull_mount_is_bind(m), &o);
	bool cgroup = !o.remount && !o.bind && (is_type(m, "cgroup") || is_type(m, "cgroup2"));
	/* A cgroup mount shows the cgroups we are in (and needs our cgroup namespace); a
	 * tmpcopyup copy may be big and its pages stay charged to the memory cgroup that
	 * made them: both wait until we are in the container's cgroups. */
	int r = -1;
	if ((cgroup || o.tmpcopyup) && cgroup_point(ctx, cg_done, err) < 0)
		r = -1;
	else if (o.remount)
		r = remount_entry(root_fd, m, &o, what, err);
	else if (cgroup)
		r = hull_mount_cgroup(ctx, root_fd, m, &o, what, err);
	else
		r = mount_fresh_or_bind(ctx, root_fd, m, &o, what, err);
	hull_mount_opts_clear(&o);
	return r;
}

/* ---- the phases the container init calls -------------------------------------------- */

/* Before the spec mounts, our copy of the host's tree gets linux.rootfsPropagation as
 * asked (rslave by default), as with runc: with rshared, a bind of a shared host
 * directory joins its peer group, so mounts made in the container reach the host
 * (Kubernetes' Bidirectional mount propagation). An unbindable kind is the exception:
 * the rootfs could not be bound onto itself (runc fails there), so "/" is rprivate
 * until the container's "/" gets the unbindable flag in finalize. */
static unsigned long initial_propagation(const char *requested)
{
	unsigned long f = hull_mount_propagation_flags(requested);
	if (!f)
		return MS_SLAVE | MS_REC;
	if (f & MS_UNBINDABLE)
		return MS_PRIVATE | MS_REC;
	return f;
}

int hull_rootfs_prepare(const struct hull_rootfs_ctx *ctx, struct hull_error *err)
{
	const struct hull_spec *spec = ctx->spec;
	bool cg_done = false;
	/* No mount namespace: only a chroot in hull_rootfs_pivot (nothing to overlap). */
	if (!hull_rootfs_own_mount_ns(spec))
		return cgroup_point(ctx, &cg_done, err);
	/* We are in our own mount namespace: this changes only our copy of the host mounts. */
	unsigned long prop = initial_propagation(spec->linux_.rootfs_propagation);
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return hull_fail(err, errno, "set propagation of /");
	/* Shared mounts may be left (rshared, or a kind for "/" alone): the rootfs's own
	 * mount must not be one of them (see hull_private_if_shared_parent). */
	if (((prop & MS_SHARED) || !(prop & MS_REC)) && hull_private_if_shared_parent(ctx->rootfs, err) < 0)
		return -1;
	/* pivot_root needs the new root to be a mount point: bind the rootfs onto itself. */
	if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return hull_fail(err, errno, "bind rootfs %s onto itself", ctx->rootfs);
	_cleanup_close_ int root_fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return hull_fail(err, errno, "open rootfs %s", ctx->rootfs);
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mount_entry(ctx, root_fd, i, &cg_done, err) < 0)
			return -1;
	/* The device nodes are made inside the devices cgroup (its "m" rules apply to
	 * mknod, as with runc). */
	if (cgroup_point(ctx, &cg_done, err) < 0)
		return -1;
	/* A missing process.cwd is created now, while the root may still be written
	 * (root.readonly comes in finalize), like runc. */
	if (spec->process.cwd) {
		int fd = hull_resolve_in_root(root_fd, spec->process.cwd, HULL_CREATE_DIR);
		if (fd < 0)
			return hull_fail(err, errno, "process.cwd: create %s in the rootfs", spec->process.cwd);
		close(fd);
	}
	return hull_dev_setup(ctx, root_fd, err);
}

/* --no-pivot: detach every host mount the container could still reach, then move the
 * rootfs over "/" and chroot (a ramfs root cannot be pivoted away from). */
static int move_root(const char *rootfs, struct hull_error *err)
{
	hull_detach_outside(rootfs);
	/* Moved onto a shared "/" the rootfs would appear on the host's "/" as well. */
	if (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
		return hull_fail(err, errno, "make / private");
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return hull_fail(err, errno, "move rootfs %s to /", rootfs);
	if (chroot(".") < 0)
		return hull_fail(err, errno, "chroot into %s", rootfs);
	return 0;
}

int hull_rootfs_pivot(const struct hull_rootfs_ctx *ctx, struct hull_error *err)
{
	_cleanup_close_ int fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fchdir(fd) < 0)
		return hull_fail(err, errno, "enter rootfs %s", ctx->rootfs);
	if (!hull_rootfs_own_mount_ns(ctx->spec)) {
		if (chroot(".") < 0)
			return hull_fail(err, errno, "chroot into %s", ctx->rootfs);
	} else if (ctx->no_pivot) {
		if (move_root(ctx->rootfs, err) < 0)
			return -1;
	} else {
		/* pivot_root(".", ".") stacks the old root on top of the new one; making it
		 * rslave first keeps the lazy unmount from propagating to the host. By fd:
		 * "." still names the new root (our cwd), whose mounts keep their propagation
		 * (an rshared volume stays a peer of the host's mount). */
		_cleanup_close_ int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (old_root < 0)
			return hull_fail(err, errno, "open the old root");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return hull_fail(err, errno, "pivot_root into %s", ctx->rootfs);
		if (hull_setattr(old_root, true, 0, 0, MS_SLAVE, "make the old root rslave", err) < 0)
			return -1;
		if (umount2(".", MNT_DETACH) < 0)
			return hull_fail(err, errno, "detach old root");
	}
	if (chdir("/") < 0)
		return hull_fail(err, errno, "chdir /");
	return 0;
}

/* Was /dev a fresh filesystem with "ro"? It was mounted writable so hull could create
 * the devices; now it gets its read-only flag. */
static int finalize_dev(const struct hull_spec *spec, int root_fd, struct hull_error *err)
{
	bool ro = false;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct hull_mount *m = &spec->mounts[i];
		struct hull_mount_opts o;
		if (!hull_path_is(m->destination, "/dev") || hull_mount_is_bind(m))
			continue;
		hull_mount_opts_parse(m->options, false, &o);
		ro = (o.attr_set & MOUNT_ATTR_RDONLY) != 0;
		hull_mount_opts_clear(&o);
	}
	if (!ro)
		return 0;
	_cleanup_close_ int fd = hull_openat_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
	if (fd < 0)
		return hull_fail(err, errno, "open /dev");
	return hull_setattr(fd, false, MOUNT_ATTR_RDONLY, 0, 0, "make /dev read-only", err);
}

int hull_rootfs_finalize(const struct hull_rootfs_ctx *ctx, struct hull_error *err)
{
	const struct hull_spec *spec = ctx->spec;
	/* sysctl first: the default readonlyPaths make /proc/sys read-only (runc's order). */
	if (hull_sysctl_apply(spec, err) < 0)
		return -1;
	if (!hull_rootfs_own_mount_ns(spec))
		return 0;
	_cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return hull_fail(err, errno, "open /");
	/* Read-only first, then masks: a mask inside a read-only path still applies. */
	if (hull_readonly_paths(root_fd, spec->linux_.readonly_paths, err) < 0 ||
	    hull_mask_paths(root_fd, spec->linux_.masked_paths, err) < 0 || finalize_dev(spec, root_fd, err) < 0)
		return -1;
	if (spec->root_readonly && hull_setattr(root_fd, false, MOUNT_ATTR_RDONLY, 0, 0, "make / read-only", err) < 0)
		return -1;
	/* The other kinds were set before the mounts (initial_propagation). */
	unsigned long prop = hull_mount_propagation_flags(spec->linux_.rootfs_propagation);
	if ((prop & MS_UNBINDABLE) && mount(NULL, "/", NULL, prop, NULL) < 0)
		return hull_fail(err, errno, "linux.rootfsPropagation: set %s on /", spec->linux_.rootfs_propagation);
	return 0;
}

int hull_rootfs_mount_console(int pty_fd, struct hull_error *err)
{
	_cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return hull_fail(err, errno, "open /");
	_cleanup_close_ int target = hull_resolve_in_root(root_fd, "/dev/console", HULL_CREATE_FILE);
	if (target < 0)
		return hull_fail(err, errno, "create /dev/console");
	/* A bind of the pty itself, like `mount --bind /dev/pts/N /dev/console`. */
	_cleanup_close_ int tree = open_tree(pty_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return hull_fail(err, errno, "bind the console pty");
	return hull_move_onto(tree, target, "mount the console pty on /dev/console", err);
}
