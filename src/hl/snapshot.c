/* snapshot.c - the layer cache: every layer is unpacked once, into
 * <store>/snapshots/<chain id hex>/fs, as an overlayfs upper layer on top of its parents;
 * a container's rootfs is then an overlay mount of those snapshots (no copying).
 *
 * A layer is applied through an overlay mount of its parents (in a private mount
 * namespace of a child process) so symlinked parents from lower layers resolve as in the
 * final image and deletions become the kernel's own whiteouts and opaque directories. */
#include "unpack.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <openssl/evp.h>

char **hl_chain_ids(const struct hl_image *img)
{
	char **out = xcalloc(img->cfg.n_diff_ids + 1, sizeof(char *));
	for (size_t i = 0; i < img->cfg.n_diff_ids; i++) {
		if (i == 0) {
			out[i] = xstrdup(img->cfg.diff_ids[0]);
			continue;
		}
		_cleanup_free_ char *s = xasprintf("%s %s", out[i - 1], img->cfg.diff_ids[i]);
		out[i] = hl_sha256_digest(s, strlen(s));
	}
	return out;
}

static int check_layers(const struct hl_image *img, struct hull_error *err)
{
	if (img->n_layers != img->cfg.n_diff_ids)
		return hull_fail(err, EINVAL, "image has %zu layers but its config lists %zu diff_ids", img->n_layers,
				 img->cfg.n_diff_ids);
	for (size_t i = 0; i < img->n_layers; i++)
		if (!hl_digest_valid(img->cfg.diff_ids[i]))
			return hull_fail(err, EINVAL, "config rootfs.diff_ids[%zu]: not a sha256 digest", i);
	return 0;
}

static int apply_blob(const struct hl_store *s, const struct hl_image *img, size_t i, int rootfd,
		      struct hull_error *err)
{
	_cleanup_free_ char *path = hl_store_blob_path(s, img->layers[i].digest);
	if (path == NULL)
		return hull_fail(err, EINVAL, "layer %zu: bad digest", i);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "layer %s: blob missing from the store (pull the image again)",
				 img->layers[i].digest);
	struct hl_layer_opts o = { img->layers[i].media_type, img->layers[i].digest, img->cfg.diff_ids[i] };
	if (hl_layer_apply(rootfd, fd, &o, err) < 0)
		return hull_error_prefix(err, "layer %zu", i);
	return 0;
}

int hl_unpack_copy(const struct hl_store *s, const struct hl_image *img, const char *rootfs, struct hull_error *err)
{
	if (check_layers(img, err) < 0)
		return -1;
	if (mkdir(rootfs, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s", rootfs);
	_cleanup_close_ int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return hull_fail(err, errno, "open %s", rootfs);
	for (size_t i = 0; i < img->n_layers; i++)
		if (apply_blob(s, img, i, rootfd, err) < 0)
			return -1;
	return 0;
}

int hl_rm_rf(const char *path, struct hull_error *err)
{
	if (hl_remove_at(AT_FDCWD, path) < 0)
		return hull_fail(err, errno, "remove %s", path);
	return 0;
}

/* "lowerdir=<hex n-1>/fs:...:<hex 0>/fs" relative to the snapshots dir (keeps the option short). */
static char *lowerdirs(char **chain, size_t n)
{
	size_t cap = n * 72 + 16, o = 0;
	char *s = xmalloc(cap);
	o += (size_t)snprintf(s, cap, "lowerdir=");
	for (size_t i = n; i-- > 0;)
		o += (size_t)snprintf(s + o, cap - o, "%s%s/fs", i + 1 == n ? "" : ":", chain[i] + 7);
	return s;
}

/* Mount with lowerdirs relative to the snapshot directory. It is opened here, by path: an
 * fd from before an unshare(CLONE_NEWNS) would name the old namespace's mount, which
 * overlayfs refuses as a lower layer. */
static int mount_overlay_in(const char *snapdir, const char *opts, const char *target, struct hull_error *err)
{
	_cleanup_close_ int snapfd = open(snapdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (snapfd < 0)
		return hull_fail(err, errno, "open %s", snapdir);
	/* The target is resolved before moving into the snapshot directory. */
	_cleanup_free_ char *abs = realpath(target, NULL);
	if (abs == NULL)
		return hull_fail(err, errno, "%s", target);
	_cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || fchdir(snapfd) < 0)
		return hull_fail(err, errno, "enter the snapshot directory");
	int r = mount("overlay", abs, "overlay", 0, opts);
	int e = errno;
	if (fchdir(cwd) < 0)
		return hull_fail(err, errno, "return to the working directory");
	if (r < 0) {
		if (strlen(opts) >= 4000)
			return hull_fail(err, e, "mount overlay on %s: too many layers for one mount", target);
		return hull_fail(err, e, "mount overlay on %s", target);
	}
	return 0;
}

/* In a child with its own mount namespace: overlay(parents) + upper tmp/fs at tmp/merged, apply. */
static int build_child(const struct hl_store *s, const struct hl_image *img, size_t i, char **chain,
		       const char *snapdir, const char *tmp, struct hull_error *err)
{
	_cleanup_free_ char *fs = xasprintf("%s/fs", tmp);
	if (i == 0) {
		_cleanup_close_ int rootfd = open(fs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return hull_fail(err, errno, "open %s", fs);
		return apply_blob(s, img, i, rootfd, err);
	}
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return hull_fail(err, errno, "private mount namespace for unpacking");
	_cleanup_free_ char *merged = xasprintf("%s/merged", tmp);
	_cleanup_free_ char *lower = lowerdirs(chain, i);
	if (strpbrk(tmp, ",:\\"))
		return hull_fail(err, EINVAL, "%s: overlay options cannot hold a path with ',' ':' or '\\'", tmp);
	_cleanup_free_ char *opts = xasprintf("%s,upperdir=%s/fs,workdir=%s/work", lower, tmp, tmp);
	if (mount_overlay_in(snapdir, opts, merged, err) < 0)
		return -1;
	_cleanup_close_ int rootfd = open(merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return hull_fail(err, errno, "open %s", merged);
	return apply_blob(s, img, i, rootfd, err);
}

static int build_snapshot(const struct hl_store *s, const struct hl_image *img, size_t i, char **chain,
			  int snapfd, const char *snapdir, struct hull_error *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s/tmp-XXXXXX", snapdir);
	if (mkdtemp(tmp) == NULL)
		return hull_fail(err, errno, "create a snapshot in %s", snapdir);
	_cleanup_free_ char *fs = xasprintf("%s/fs", tmp), *work = xasprintf("%s/work", tmp),
			    *merged = xasprintf("%s/merged", tmp);
	if (mkdir(fs, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(merged, 0700) < 0) {
		hull_fail(err, errno, "create %s", tmp);
		goto fail;
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		hull_fail(err, errno, "pipe");
		goto fail;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		struct hull_error e = { 0 };
		if (build_child(s, img, i, chain, snapdir, tmp, &e) < 0) {
			hull_write_all(pfd[1], e.msg, strlen(e.msg));
			_exit(1);
		}
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		hull_fail(err, errno, "fork");
		goto fail;
	}
	char msg[4096];
	ssize_t n, got = 0;
	while ((n = read(pfd[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
		got += n;
	close(pfd[0]);
	msg[got] = '\0';
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		hull_fail(err, EIO, "%s", got ? msg : "unpacking a layer failed");
		goto fail;
	}
	hl_remove_at(AT_FDCWD, work);
	rmdir(merged);
	if (renameat(AT_FDCWD, tmp, snapfd, chain[i] + 7) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
		hull_fail(err, errno, "store snapshot %s", chain[i]);
		goto fail;
	}
	hl_remove_at(AT_FDCWD, tmp); /* lost a race with another unpacker: theirs is as good */
	return 0;
fail:
	hl_remove_at(AT_FDCWD, tmp);
	return -1;
}

static char *snapshot_dir(const struct hl_store *s)
{
	return xasprintf("%s/snapshots", hl_store_dir(s));
}

int hl_snapshots_ensure(const struct hl_store *s, const struct hl_image *img, int *unpacked, struct hull_error *err)
{
	*unpacked = 0;
	if (check_layers(img, err) < 0)
		return -1;
	_cleanup_free_ char *rel = snapshot_dir(s);
	if (mkdir(rel, 0700) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s", rel);
	/* Absolute: overlay options are resolved from inside the snapshot directory. */
	_cleanup_free_ char *dir = realpath(rel, NULL);
	if (dir == NULL)
		return hull_fail(err, errno, "%s", rel);
	_cleanup_close_ int snapfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (snapfd < 0)
		return hull_fail(err, errno, "open %s", dir);
	_cleanup_strv_ char **chain = hl_chain_ids(img);
	bool locked = false;
	for (size_t i = 0; i < img->n_layers; i++) {
		struct stat st;
		_cleanup_free_ char *fs = xasprintf("%s/fs", chain[i] + 7);
		if (fstatat(snapfd, fs, &st, 0) == 0)
			continue;
		if (!locked) {
			/* One unpacker at a time; whoever waited rechecks what is there now. */
			if (flock(snapfd, LOCK_EX) < 0)
				return hull_fail(err, errno, "lock %s", dir);
			locked = true;
			if (fstatat(snapfd, fs, &st, 0) == 0)
				continue;
		}
		hull_debug("unpacking layer %zu (%s)", i, img->layers[i].digest);
		if (build_snapshot(s, img, i, chain, snapfd, dir, err) < 0)
			return -1;
		(*unpacked)++;
	}
	return 0;
}

int hl_overlay_mount(const struct hl_store *s, const struct hl_image *img, const char *state_dir,
		     const char *rootfs, bool is_volatile, struct hull_error *err)
{
	_cleanup_free_ char *dir = snapshot_dir(s);
	if (img->n_layers == 0)
		return hull_fail(err, EINVAL, "image has no layers: an overlay needs one (use the copy mode)");
	_cleanup_free_ char *sd = realpath(state_dir, NULL);
	if (sd == NULL)
		return hull_fail(err, errno, "%s", state_dir);
	_cleanup_free_ char *upper = xasprintf("%s/upper", sd), *work = xasprintf("%s/work", sd);
	if ((mkdir(upper, 0755) < 0 && errno != EEXIST) || (mkdir(work, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(rootfs, 0755) < 0 && errno != EEXIST))
		return hull_fail(err, errno, "create the overlay directories in %s", state_dir);
	_cleanup_strv_ char **chain = hl_chain_ids(img);
	_cleanup_free_ char *lower = lowerdirs(chain, img->n_layers);
	if (strpbrk(sd, ",:\\"))
		return hull_fail(err, EINVAL, "%s: overlay options cannot hold a path with ',' ':' or '\\'", sd);
	/* volatile: no sync of the whole upper filesystem at unmount (tens of ms) for a
	 * container whose writable layer is thrown away anyway (kernels before 5.10 lack it). */
	_cleanup_free_ char *opts = xasprintf("%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (is_volatile) {
		_cleanup_free_ char *vopts = xasprintf("%s,volatile", opts);
		struct hull_error e = { 0 };
		if (mount_overlay_in(dir, vopts, rootfs, &e) == 0)
			return 0;
		hull_error_clear(&e);
	}
	return mount_overlay_in(dir, opts, rootfs, err);
}

/* ---- garbage collection ---- */

struct keep {
	char **ids;
	size_t n, cap;
};

static void keep_add(struct keep *k, const char *hex)
{
	k->ids = xgrow(k->ids, &k->cap, k->n, sizeof(char *));
	k->ids[k->n++] = xstrdup(hex);
}

static bool keep_has(const struct keep *k, const char *hex)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->ids[i], hex) == 0)
			return true;
	return false;
}

/* Chain ids of every named image, and those listed by run's containers (their overlay's lowers). */
static void collect_keep(const struct hl_store *s, struct keep *k)
{
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	struct hull_error e = { 0 };
	if (hl_store_list(s, &refs, &n, &e) == 0)
		for (size_t i = 0; i < n; i++) {
			struct hl_image *img = NULL;
			if (hl_image_load(s, refs[i].desc.digest, &img, &e) == 0) {
				_cleanup_strv_ char **chain = hl_chain_ids(img);
				for (size_t j = 0; chain[j]; j++)
					keep_add(k, chain[j] + 7);
			}
			hl_image_free(img);
			hull_error_clear(&e);
		}
	hl_store_refs_free(refs, n);
	hull_error_clear(&e);
	_cleanup_free_ char *cdir = xasprintf("%s/containers", hl_store_dir(s));
	DIR *d = opendir(cdir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		_cleanup_free_ char *p = xasprintf("%s/%s/chain", cdir, de->d_name);
		_cleanup_fclose_ FILE *f = de->d_name[0] == '.' ? NULL : fopen(p, "re");
		char line[128];
		while (f && fgets(line, sizeof(line), f))
			if (strlen(line) >= 71 && strncmp(line, "sha256:", 7) == 0) {
				line[71] = '\0';
				keep_add(k, line + 7);
			}
	}
	if (d)
		closedir(d);
}

int hl_snapshots_prune(const struct hl_store *s, size_t *removed, struct hull_error *err)
{
	*removed = 0;
	_cleanup_free_ char *dir = snapshot_dir(s);
	_cleanup_close_ int snapfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (snapfd < 0)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "open %s", dir);
	/* Under the unpackers' lock: no snapshot is being built, every tmp-* is debris. */
	if (flock(snapfd, LOCK_EX) < 0)
		return hull_fail(err, errno, "lock %s", dir);
	struct keep k = { 0 };
	collect_keep(s, &k);
	int dfd = dup(snapfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	int r = 0;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || keep_has(&k, de->d_name))
			continue;
		if (hl_remove_at(snapfd, de->d_name) < 0)
			r = hull_fail(err, errno, "remove snapshot %s", de->d_name);
		else
			(*removed)++;
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < k.n; i++)
		free(k.ids[i]);
	free(k.ids);
	return r;
}

int hl_snapshots_note_use(const struct hl_image *img, const char *bundle, struct hull_error *err)
{
	_cleanup_strv_ char **chain = hl_chain_ids(img);
	_cleanup_free_ char *path = xasprintf("%s/chain", bundle);
	_cleanup_fclose_ FILE *f = fopen(path, "we");
	if (f == NULL)
		return hull_fail(err, errno, "write %s", path);
	for (size_t i = 0; chain[i]; i++)
		fprintf(f, "%s\n", chain[i]);
	return 0;
}
