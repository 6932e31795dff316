/* layer.c - apply one layer (an image-spec changeset) below a root directory fd.
 *
 * libarchive only parses the tar; every write is ours: the parent of each entry is
 * opened with openat2(RESOLVE_IN_ROOT) so "..", absolute names and symlinks (planted by
 * this or an earlier layer) all resolve inside the root, and the last component is
 * handled with *at() calls that never follow it. */
#include "unpack.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <archive.h>
#include <archive_entry.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

/* ---- a set of paths this layer created (whiteouts must not remove them) ---- */
struct pathset {
	char **slot;
	size_t cap, n;
};

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool set_has(const struct pathset *ps, const char *p)
{
	if (ps->cap == 0)
		return false;
	for (size_t i = hash_str(p) & (ps->cap - 1);; i = (i + 1) & (ps->cap - 1)) {
		if (ps->slot[i] == NULL)
			return false;
		if (strcmp(ps->slot[i], p) == 0)
			return true;
	}
}

static void set_put_one(struct pathset *ps, char *p)
{
	for (size_t i = hash_str(p) & (ps->cap - 1);; i = (i + 1) & (ps->cap - 1))
		if (ps->slot[i] == NULL) {
			ps->slot[i] = p;
			ps->n++;
			return;
		}
}

static void set_add(struct pathset *ps, const char *p)
{
	if (set_has(ps, p))
		return;
	if ((ps->n + 1) * 2 > ps->cap) {
		struct pathset old = *ps;
		ps->cap = old.cap ? old.cap * 2 : 1024;
		ps->slot = xcalloc(ps->cap, sizeof(char *));
		ps->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i])
				set_put_one(ps, old.slot[i]);
		free(old.slot);
	}
	set_put_one(ps, xstrdup(p));
}

/* A created path and all its ancestors: an opaque directory keeps what this layer put below it. */
static void set_add_with_parents(struct pathset *ps, const char *p)
{
	_cleanup_free_ char *c = xstrdup(p);
	for (;;) {
		set_add(ps, c);
		char *slash = strrchr(c, '/');
		if (slash == NULL)
			break;
		*slash = '\0';
	}
}

static void set_free(struct pathset *ps)
{
	for (size_t i = 0; i < ps->cap; i++)
		free(ps->slot[i]);
	free(ps->slot);
}

/* ---- the applier state ---- */
struct dir_time {
	char *path;
	struct timespec ts[2];
	int depth;
	size_t seq; /* later records of a path win */
};

struct applier {
	int rootfd;
	struct archive *ar;
	struct archive_entry *e;
	struct pathset created;
	struct pathset touched; /* directories whose times were noted before changing their children */
	char **opaque; /* directories with an opaque whiteout, applied at the end */
	size_t n_opaque, cap_opaque;
	struct dir_time *dirs;
	size_t n_dirs, cap_dirs;
	char *cached_parent; /* parent fd cache: most entries share their parent */
	int cached_fd;
	bool cached_setgid; /* new entries there take the directory's group, not ours */
	uid_t euid;
	gid_t egid;
	bool warned_owner;
	struct hl_layer_stream *stream;
	bool cut_short; /* the stream ended inside the last entry's padding: stop there */
};

static void cache_drop(struct applier *a)
{
	free(a->cached_parent);
	a->cached_parent = NULL;
	if (a->cached_fd >= 0)
		close(a->cached_fd);
	a->cached_fd = -1;
}

/* Lexically clean a tar name relative to the root: no "", ".", ".." (at the root ".."
 * stays at the root, as with chroot). "" means the root itself. */
static char *clean_path(const char *name)
{
	size_t len = strlen(name);
	char *out = xmalloc(len + 1);
	size_t o = 0;
	const char *p = name;
	while (*p) {
		while (*p == '/')
			p++;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = q;
	}
	out[o] = '\0';
	return out;
}

static void split_path(char *path, const char **parent, const char **base)
{
	char *slash = strrchr(path, '/');
	if (slash == NULL) {
		*parent = "";
		*base = path;
	} else {
		*slash = '\0';
		*parent = path;
		*base = slash + 1;
	}
}

/* Open (creating missing directories, 0755 root-owned as other unpackers do) a directory inside the root. */
static int mkdir_in_root(int rootfd, const char *path, struct hull_error *err)
{
	int fd = hl_open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT || *path == '\0')
		return fd >= 0 ? fd : hull_fail(err, errno, "open %s in the rootfs", *path ? path : "/");
	_cleanup_free_ char *copy = xstrdup(path);
	const char *parent, *base;
	split_path(copy, &parent, &base);
	_cleanup_close_ int pfd = mkdir_in_root(rootfd, parent, err);
	if (pfd < 0)
		return -1;
	if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s in the rootfs", path);
	fd = hl_open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return hull_fail(err, errno, "open %s in the rootfs", path);
	return fd;
}

static void push_dir_time(struct applier *a, const char *path, const struct timespec ts[2])
{
	a->dirs = xgrow(a->dirs, &a->cap_dirs, a->n_dirs, sizeof(*a->dirs));
	int depth = 0;
	for (const char *p = path; *p; p++)
		depth += *p == '/';
	a->dirs[a->n_dirs] = (struct dir_time){ xstrdup(path), { ts[0], ts[1] }, *path ? depth + 1 : 0, a->n_dirs };
	a->n_dirs++;
}

/* A lower directory this layer changes without an entry of its own keeps its times (as
 * umoci does): note them before the first change, restore them at the end. */
static void note_parent(struct applier *a, const char *parent, int pfd, const struct stat *known)
{
	if (*parent == '\0' || set_has(&a->touched, parent))
		return;
	set_add(&a->touched, parent);
	struct stat st;
	if (set_has(&a->created, parent))
		return;
	if (known)
		st = *known;
	else if (fstatat(pfd, "", &st, AT_EMPTY_PATH) < 0)
		return;
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	push_dir_time(a, parent, ts);
}

static int parent_fd(struct applier *a, const char *parent, struct hull_error *err)
{
	if (a->cached_parent && strcmp(a->cached_parent, parent) == 0)
		return a->cached_fd;
	cache_drop(a);
	int fd = mkdir_in_root(a->rootfd, parent, err);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return hull_fail(err, errno, "stat %s in the rootfs", *parent ? parent : "/");
	}
	note_parent(a, parent, fd, &st);
	a->cached_parent = xstrdup(parent);
	a->cached_fd = fd;
	a->cached_setgid = (st.st_mode & S_ISGID) != 0;
	return fd;
}

/* Remove the children of dfd/name without following symlinks or crossing into mounts (EBUSY);
 * with keep (an opaque whiteout), what this layer made stays. The one recursive remover:
 * hl_remove_at below serves whiteouts, replaced entries and hl_rm_rf alike. */
static int rm_children(int dfd, const char *name, const struct pathset *keep, const char *path)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -1;
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *child = keep ? xasprintf("%s%s%s", path, *path ? "/" : "", de->d_name) : NULL;
		if (keep && set_has(keep, child)) {
			/* Made by this layer: keep it, but what lower layers put inside is hidden. */
			struct stat st;
			if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
			    rm_children(fd, de->d_name, keep, child) < 0)
				r = -1;
			continue;
		}
		if (unlinkat(fd, de->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = -1;
			continue;
		}
		if (rm_children(fd, de->d_name, NULL, NULL) < 0 || unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
			r = -1;
	}
	closedir(d);
	return r;
}

int hl_remove_at(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (rm_children(dfd, name, NULL, NULL) < 0)
		return -1;
	return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

/* ---- metadata ---- */

static bool xattr_masked(const char *name)
{
	/* Overlay's own bookkeeping must never come from an image (umoci masks it too). */
	return hull_str_has_prefix(name, "trusted.overlay.");
}

static int set_xattrs(struct applier *a, int fd, int pfd, const char *base, bool is_link, const char *path,
		      struct hull_error *err)
{
	const char *name;
	const void *val;
	size_t size;
	if (archive_entry_xattr_reset(a->e) == 0)
		return 0;
	_cleanup_free_ char *proc = NULL;
	while (archive_entry_xattr_next(a->e, &name, &val, &size) == ARCHIVE_OK) {
		if (xattr_masked(name))
			continue;
		int r;
		if (fd >= 0) {
			r = fsetxattr(fd, name, val, size, 0);
		} else {
			if (proc == NULL)
				proc = xasprintf("/proc/self/fd/%d/%s", pfd, base);
			r = lsetxattr(proc, name, val, size, 0);
		}
		if (r == 0 || errno == ENOTSUP || (errno == EPERM && (is_link || hull_str_has_prefix(name, "user."))))
			continue;
		return hull_fail(err, errno, "%s: set xattr %s", path, name);
	}
	return 0;
}

/* chown before chmod (chown clears setuid), xattrs after chown (it drops security.capability).
 * fresh: just created by us in the cached parent, so already ours (or the parent's group
 * when it is setgid): the common root-owned entry needs no chown. */
static int set_meta(struct applier *a, int fd, int pfd, const char *base, mode_t type, bool fresh,
		    const char *path, struct hull_error *err)
{
	uid_t uid = (uid_t)archive_entry_uid(a->e);
	gid_t gid = (gid_t)archive_entry_gid(a->e);
	mode_t mode = archive_entry_perm(a->e) & 07777;
	bool link = type == S_IFLNK;
	int r = 0;
	if (!fresh || a->cached_setgid || uid != a->euid || gid != a->egid)
		r = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0 && geteuid() != 0 && (errno == EPERM || errno == EINVAL)) {
		/* Unprivileged (or an unmapped id in a user namespace): files stay ours, as umoci --rootless. */
		if (!a->warned_owner)
			hull_warn("%s: cannot chown to %u:%u here: keeping the unpacking user as owner", path, uid, gid);
		a->warned_owner = true;
	} else if (r < 0) {
		return hull_fail(err, errno, "%s: chown %u:%u", path, uid, gid);
	}
	if (!link) {
		r = fd >= 0 ? fchmod(fd, mode) : fchmodat(pfd, base, mode, 0);
		if (r < 0)
			return hull_fail(err, errno, "%s: chmod %o", path, mode);
	}
	if (set_xattrs(a, fd, pfd, base, link, path, err) < 0)
		return -1;
	struct timespec ts[2];
	ts[1].tv_sec = archive_entry_mtime(a->e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(a->e);
	if (archive_entry_atime_is_set(a->e)) {
		ts[0].tv_sec = archive_entry_atime(a->e);
		ts[0].tv_nsec = archive_entry_atime_nsec(a->e);
	} else {
		ts[0] = ts[1];
	}
	if (type == S_IFDIR) {
		/* Directories last: creating children would change their mtime again. */
		push_dir_time(a, path, ts);
		return 0;
	}
	r = fd >= 0 ? futimens(fd, ts) : utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		return hull_fail(err, errno, "%s: set times", path);
	return 0;
}

/* ---- entry types ---- */

/* make_*: 0 done, -1 error, IN_THE_WAY: the name exists (nothing changed, err not set). */
#define IN_THE_WAY 1

static int write_data(struct applier *a, int fd, const char *path, struct hull_error *err)
{
	const void *buf;
	size_t size;
	la_int64_t off, end = 0;
	int r;
	while ((r = archive_read_data_block(a->ar, &buf, &size, &off)) == ARCHIVE_OK) {
		const char *p = buf;
		if (off + (la_int64_t)size > end)
			end = off + (la_int64_t)size;
		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return hull_fail(err, errno, "%s: write", path);
			p += n;
			off += n;
			size -= (size_t)n;
		}
	}
	if (r != ARCHIVE_EOF && end == archive_entry_size(a->e) && hl_layer_stream_at_eof(a->stream) &&
	    strstr(archive_error_string(a->ar) ?: "", "Truncated")) {
		/* umoci <= 0.4.7 cut layers after the last file's data (the digests still decide). */
		hull_warn("layer: tar stream ends inside the padding of %s", path);
		a->cut_short = true;
	} else if (r != ARCHIVE_EOF) {
		return hull_fail(err, EIO, "%s: read layer data: %s", path, archive_error_string(a->ar));
	}
	/* Sparse files end in a hole the data blocks do not cover. */
	if (end != archive_entry_size(a->e) && ftruncate(fd, archive_entry_size(a->e)) < 0)
		return hull_fail(err, errno, "%s: truncate", path);
	return 0;
}

static int make_file(struct applier *a, int pfd, const char *base, const char *path, struct hull_error *err)
{
	_cleanup_close_ int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? IN_THE_WAY : hull_fail(err, errno, "%s: create", path);
	if (write_data(a, fd, path, err) < 0)
		return -1;
	return set_meta(a, fd, pfd, base, S_IFREG, true, path, err);
}

/* exists: a directory is already there (only its metadata changes). */
static int make_dir(struct applier *a, int pfd, const char *base, bool exists, const char *path,
		    struct hull_error *err)
{
	if (!exists && mkdirat(pfd, base, 0700) < 0)
		return errno == EEXIST ? IN_THE_WAY : hull_fail(err, errno, "%s: mkdir", path);
	_cleanup_close_ int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "%s: open directory", path);
	return set_meta(a, fd, pfd, base, S_IFDIR, !exists, path, err);
}

static int make_link(struct applier *a, int pfd, const char *base, const char *path, struct hull_error *err)
{
	const char *target = archive_entry_hardlink(a->e);
	_cleanup_free_ char *t = clean_path(target);
	if (strcmp(t, path) == 0)
		return 0; /* GNU tar's self-link duplicate: the file is already there */
	const char *tparent, *tbase;
	_cleanup_free_ char *tcopy = xstrdup(t);
	split_path(tcopy, &tparent, &tbase);
	if (*tbase == '\0')
		return hull_fail(err, EINVAL, "%s: hard link to the root", path);
	/* The target is looked up inside the root too: a link to /etc/shadow means ROOT/etc/shadow. */
	_cleanup_close_ int tfd = hl_open_in_root(a->rootfd, tparent, O_PATH | O_DIRECTORY);
	if (tfd < 0)
		return hull_fail(err, errno, "%s: hard link to %s", path, target);
	if (linkat(tfd, tbase, pfd, base, 0) < 0)
		return errno == EEXIST ? IN_THE_WAY : hull_fail(err, errno, "%s: hard link to %s", path, target);
	return 0;
}

static int make_node(struct applier *a, int pfd, const char *base, mode_t type, const char *path,
		     struct hull_error *err)
{
	if (type == S_IFLNK) {
		if (symlinkat(archive_entry_symlink(a->e), pfd, base) < 0)
			return errno == EEXIST ? IN_THE_WAY : hull_fail(err, errno, "%s: symlink", path);
	} else if (mknodat(pfd, base, type | 0600, type == S_IFIFO ? 0 : archive_entry_rdev(a->e)) < 0) {
		if (errno == EEXIST)
			return IN_THE_WAY;
		if (type != S_IFIFO && (errno == EPERM || errno == EACCES)) {
			hull_warn("%s: device node not created (%s): not permitted here", path,
				  type == S_IFCHR ? "char" : "block");
			return 0;
		}
		return hull_fail(err, errno, "%s: mknod", path);
	}
	return set_meta(a, -1, pfd, base, type, true, path, err);
}

/* ---- whiteouts ---- */

static int whiteout(struct applier *a, const char *parent, const char *base, const char *path, struct hull_error *err)
{
	if (strcmp(base, WH_OPAQUE) == 0) {
		/* Applies wherever it sits in the tar: remember it, act at the end of the layer. */
		a->opaque = xgrow(a->opaque, &a->cap_opaque, a->n_opaque, sizeof(char *));
		a->opaque[a->n_opaque++] = xstrdup(parent);
		return 0;
	}
	const char *name = base + strlen(WH_PREFIX);
	if (hull_str_has_prefix(name, WH_PREFIX))
		return 0; /* other aufs metadata (.wh..wh.plnk, ...): nothing to apply */
	if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return hull_fail(err, EINVAL, "%s: invalid whiteout", path);
	_cleanup_free_ char *target = xasprintf("%s%s%s", parent, *parent ? "/" : "", name);
	if (set_has(&a->created, target))
		return 0; /* only lower layers' content is whited out */
	_cleanup_close_ int pfd = hl_open_in_root(a->rootfd, parent, O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : hull_fail(err, errno, "%s: open parent", path);
	note_parent(a, parent, pfd, NULL);
	cache_drop(a);
	if (hl_remove_at(pfd, name) < 0)
		return hull_fail(err, errno, "%s: remove %s", path, target);
	return 0;
}

static int apply_opaques(struct applier *a, struct hull_error *err)
{
	for (size_t i = 0; i < a->n_opaque; i++) {
		const char *dir = a->opaque[i];
		_cleanup_close_ int fd = hl_open_in_root(a->rootfd, dir, O_PATH | O_DIRECTORY);
		if (fd < 0)
			continue;
		note_parent(a, dir, fd, NULL);
		if (rm_children(fd, ".", &a->created, dir) < 0)
			return hull_fail(err, errno, "%s: opaque whiteout", *dir ? dir : "/");
	}
	return 0;
}

static int cmp_depth(const void *x, const void *y)
{
	const struct dir_time *a = x, *b = y;
	if (a->depth != b->depth)
		return b->depth - a->depth;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int apply_dir_times(struct applier *a, struct hull_error *err)
{
	qsort(a->dirs, a->n_dirs, sizeof(*a->dirs), cmp_depth);
	for (size_t i = 0; i < a->n_dirs; i++) {
		struct dir_time *d = &a->dirs[i];
		_cleanup_close_ int fd = hl_open_in_root(a->rootfd, d->path, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			continue; /* replaced or whited out later in the layer */
		if (futimens(fd, d->ts) < 0)
			return hull_fail(err, errno, "%s: set times", d->path);
	}
	return 0;
}

/* ---- one entry ---- */

static bool is_self_link(struct applier *a, const char *path)
{
	_cleanup_free_ char *t = clean_path(archive_entry_hardlink(a->e));
	return strcmp(t, path) == 0;
}

static int make_entry(struct applier *a, int pfd, const char *base, mode_t type, bool hardlink, bool dir_exists,
		      const char *path, struct hull_error *err)
{
	if (hardlink)
		return make_link(a, pfd, base, path, err);
	switch (type) {
	case S_IFREG:
		return make_file(a, pfd, base, path, err);
	case S_IFDIR:
		return make_dir(a, pfd, base, dir_exists, path, err);
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		return make_node(a, pfd, base, type, path, err);
	default:
		hull_warn("%s: unsupported tar entry type %o: skipped", path, type);
		return 0;
	}
}

static int apply_root_entry(struct applier *a, mode_t type, struct hull_error *err)
{
	if (type != S_IFDIR) {
		hull_warn("layer entry for / is not a directory: ignored");
		return 0;
	}
	/* The root may only have its metadata updated. */
	return set_meta(a, a->rootfd, -1, ".", S_IFDIR, false, "", err);
}

static int apply_entry(struct applier *a, struct hull_error *err)
{
	const char *name = archive_entry_pathname(a->e);
	mode_t type = archive_entry_filetype(a->e);
	if (name == NULL)
		return hull_fail(err, EINVAL, "layer entry without a name");
	if (type == S_IFLNK && archive_entry_symlink(a->e) == NULL)
		return hull_fail(err, EINVAL, "%s: symlink without a target", name);
	_cleanup_free_ char *path = clean_path(name);
	if (*path == '\0')
		return apply_root_entry(a, type, err);
	_cleanup_free_ char *copy = xstrdup(path);
	const char *parent, *base;
	split_path(copy, &parent, &base);
	if (hull_str_has_prefix(base, WH_PREFIX))
		return whiteout(a, parent, base, path, err);
	bool hardlink = archive_entry_hardlink(a->e) != NULL;
	int pfd = parent_fd(a, parent, err);
	if (pfd < 0)
		return -1;
	struct stat st;
	if (hardlink && is_self_link(a, path) && fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0; /* GNU tar's duplicate of a file already there */
	/* Create first: the name is usually free, and only then is it worth a stat. */
	int r = make_entry(a, pfd, base, type, hardlink, false, path, err);
	if (r != IN_THE_WAY)
		goto done;
	/* Replace semantics: what is there goes first, unless dir over dir (metadata only). */
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return hull_fail(err, errno, "%s: stat the existing entry", path);
	bool keep = S_ISDIR(st.st_mode) && type == S_IFDIR && !hardlink;
	if (!keep) {
		if (hl_remove_at(pfd, base) < 0)
			return hull_fail(err, errno, "%s: remove the existing entry", path);
		/* The removed entry (a directory, or a symlink to one) may have been on the
		 * path of the cached parent: resolve afresh. */
		if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)) {
			cache_drop(a);
			if ((pfd = parent_fd(a, parent, err)) < 0)
				return -1;
		}
	}
	r = make_entry(a, pfd, base, type, hardlink, keep, path, err);
	if (r == IN_THE_WAY)
		return hull_fail(err, EEXIST, "%s: create", path);
done:
	if (r == 0)
		set_add_with_parents(&a->created, path);
	return r;
}

/* ---- the layer ---- */

static la_ssize_t ar_read(struct archive *ar, void *data, const void **buf)
{
	struct hl_layer_stream *s = data;
	struct hull_error e = { 0 };
	ssize_t n = hl_layer_stream_read(s, buf, &e);
	if (n < 0) {
		archive_set_error(ar, e.errnum ? e.errnum : EIO, "%s", e.msg ? e.msg : "read error");
		hull_error_clear(&e);
	}
	return n;
}

static int apply_entries(struct applier *a, struct hl_layer_stream *s, struct hull_error *err)
{
	int r;
	while ((r = archive_read_next_header(a->ar, &a->e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (r == ARCHIVE_WARN)
			hull_warn("layer: %s", archive_error_string(a->ar));
		if (apply_entry(a, err) < 0)
			return -1;
		if (a->cut_short)
			return 0;
	}
	if (r == ARCHIVE_EOF)
		return 0;
	/* umoci <= 0.4.7 wrote layers without the end-of-archive blocks: tolerated when the
	 * stream really ended there and the digests (checked by the caller) match. */
	if (hl_layer_stream_at_eof(s) && strstr(archive_error_string(a->ar) ?: "", "Truncated")) {
		hull_warn("layer: tar stream ends without its trailer (%s)", archive_error_string(a->ar));
		return 0;
	}
	return hull_fail(err, archive_errno(a->ar) > 0 ? archive_errno(a->ar) : EIO, "layer: %s",
			 archive_error_string(a->ar) ?: "tar error");
}

int hl_layer_apply(int rootfd, int blobfd, const struct hl_layer_opts *o, struct hull_error *err)
{
	struct hl_layer_stream *s = NULL;
	if (hl_layer_stream_open(blobfd, o->media_type, &s, err) < 0)
		return -1;
	struct applier a = { .rootfd = rootfd, .cached_fd = -1, .stream = s, .euid = geteuid(), .egid = getegid() };
	a.ar = archive_read_new();
	archive_read_support_format_tar(a.ar);
	int r = -1;
	if (archive_read_open(a.ar, s, NULL, ar_read, NULL) != ARCHIVE_OK) {
		hull_fail(err, EIO, "layer: %s", archive_error_string(a.ar) ?: "cannot read");
		goto out;
	}
	if (apply_entries(&a, s, err) < 0 || apply_opaques(&a, err) < 0 || apply_dir_times(&a, err) < 0 ||
	    hl_layer_stream_finish(s, o->blob_digest, o->diff_id, err) < 0)
		goto out;
	r = 0;
out:
	archive_read_free(a.ar);
	cache_drop(&a);
	set_free(&a.created);
	set_free(&a.touched);
	for (size_t i = 0; i < a.n_opaque; i++)
		free(a.opaque[i]);
	free(a.opaque);
	for (size_t i = 0; i < a.n_dirs; i++)
		free(a.dirs[i].path);
	free(a.dirs);
	hl_layer_stream_free(s);
	return r;
}
