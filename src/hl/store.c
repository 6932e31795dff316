/* store.c - the content store: an OCI image layout with atomic writes, a lock and mark-and-sweep GC. */
#include "hl.h"
#include "ref.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct hl_store {
	char *dir;
};

#define INGEST_STALE_SECONDS (24 * 3600)

bool hl_digest_valid(const char *digest)
{
	if (digest == NULL || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 71)
		return false;
	for (const char *p = digest + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

char *hl_sha256_digest(const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	char *out = xmalloc(7 + 64 + 1);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
	return out;
}

char *hl_store_default_dir(void)
{
	if (geteuid() == 0)
		return xstrdup("/var/lib/hull");
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg)
		return xasprintf("%s/hull", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/hull", home ? home : "/tmp");
}

static int mkdir_p(const char *path, struct hull_error *err)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return hull_fail(err, errno, "mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s", p);
	return 0;
}

static int write_if_missing(const char *dir, const char *name, const char *content, struct hull_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	if (access(path, F_OK) == 0)
		return 0;
	int r = hull_write_file_atomic(path, content, strlen(content), 0644);
	if (r < 0)
		return hull_fail(err, -r, "write %s", path);
	return 0;
}

int hl_store_open(const char *dir, bool create, struct hl_store **out, struct hull_error *err)
{
	_cleanup_free_ char *d = dir ? xstrdup(dir) : hl_store_default_dir();
	if (create) {
		_cleanup_free_ char *blobs = xasprintf("%s/blobs/sha256", d);
		_cleanup_free_ char *ingest = xasprintf("%s/ingest", d);
		if (mkdir_p(blobs, err) < 0 || mkdir_p(ingest, err) < 0)
			return -1;
		/* Written once, atomically, so a concurrent opener never sees a half file. */
		if (write_if_missing(d, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err) < 0 ||
		    write_if_missing(d, "index.json", "{\"schemaVersion\":2,\"manifests\":[]}", err) < 0)
			return -1;
	} else {
		_cleanup_free_ char *layout = xasprintf("%s/oci-layout", d);
		if (access(layout, F_OK) < 0)
			return hull_fail(err, errno, "store %s: not an OCI image layout", d);
	}
	struct hl_store *s = xzalloc(sizeof(*s));
	s->dir = steal_pointer(&d);
	*out = s;
	return 0;
}

void hl_store_close(struct hl_store *s)
{
	if (s == NULL)
		return;
	free(s->dir);
	free(s);
}

const char *hl_store_dir(const struct hl_store *s)
{
	return s->dir;
}

char *hl_store_blob_path(const struct hl_store *s, const char *digest)
{
	/* Validated before the hex becomes a file name: no "../" can sneak in. */
	if (!hl_digest_valid(digest))
		return NULL;
	return xasprintf("%s/blobs/sha256/%s", s->dir, digest + 7);
}

bool hl_store_has_blob(const struct hl_store *s, const char *digest)
{
	_cleanup_free_ char *p = hl_store_blob_path(s, digest);
	return p != NULL && access(p, F_OK) == 0;
}

int hl_store_read_blob(const struct hl_store *s, const char *digest, size_t max, char **data, size_t *len,
		       struct hull_error *err)
{
	_cleanup_free_ char *p = hl_store_blob_path(s, digest);
	if (p == NULL)
		return hull_fail(err, EINVAL, "invalid digest \"%s\"", digest ? digest : "");
	_cleanup_free_ char *buf = NULL;
	size_t n = 0;
	int r = hull_read_file_at(AT_FDCWD, p, max, &buf, &n);
	if (r < 0)
		return hull_fail(err, -r, "read blob %s", digest);
	_cleanup_free_ char *got = hl_sha256_digest(buf, n);
	if (strcmp(got, digest) != 0)
		return hull_fail(err, EIO, "blob %s is corrupt (content hashes to %s)", digest, got);
	*data = steal_pointer(&buf);
	*len = n;
	return 0;
}

int hl_store_lock(const struct hl_store *s, bool exclusive, struct hull_error *err)
{
	_cleanup_free_ char *p = xasprintf("%s/.lock", s->dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return hull_fail(err, errno, "open %s", p);
	if (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		int e = errno;
		close(fd);
		return hull_fail(err, e, "lock %s", p);
	}
	return fd;
}

/* ---- index.json ------------------------------------------------------------- */

static char *tree_str(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);
	return x ? xstrdup(YAJL_GET_STRING(x)) : NULL;
}

static char *tree_annotation(yajl_val v, const char *key)
{
	const char *path[] = { "annotations", key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);
	return x ? xstrdup(YAJL_GET_STRING(x)) : NULL;
}

void hl_store_refs_free(struct hl_store_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(refs[i].name);
		free(refs[i].desc.media_type);
		free(refs[i].desc.digest);
		free(refs[i].index_digest);
	}
	free(refs);
}

/* Every descriptor of index.json, named or not (unnamed ones keep their blobs alive too). */
int hl_store_list(const struct hl_store *s, struct hl_store_ref **refs, size_t *n, struct hull_error *err)
{
	_cleanup_free_ char *p = xasprintf("%s/index.json", s->dir);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = hull_read_file_at(AT_FDCWD, p, 64u << 20, &buf, &len);
	if (r < 0)
		return hull_fail(err, -r, "read %s", p);
	char ebuf[256] = "";
	yajl_val root = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (root == NULL)
		return hull_fail(err, EINVAL, "%s: %s", p, ebuf);
	const char *mpath[] = { "manifests", NULL };
	yajl_val arr = yajl_tree_get(root, mpath, yajl_t_array);
	size_t cnt = arr ? YAJL_GET_ARRAY(arr)->len : 0;
	struct hl_store_ref *out = xcalloc(cnt + 1, sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		yajl_val e = YAJL_GET_ARRAY(arr)->values[i];
		const char *sp[] = { "size", NULL };
		yajl_val sz = yajl_tree_get(e, sp, yajl_t_number);
		out[k].desc.digest = tree_str(e, "digest");
		if (!hl_digest_valid(out[k].desc.digest)) {
			free(out[k].desc.digest);
			out[k].desc.digest = NULL;
			continue;
		}
		out[k].desc.media_type = tree_str(e, "mediaType");
		out[k].desc.size = sz && YAJL_IS_INTEGER(sz) ? YAJL_GET_INTEGER(sz) : -1;
		out[k].name = tree_annotation(e, HL_REF_ANNOTATION);
		out[k].index_digest = tree_annotation(e, HL_INDEX_ANNOTATION);
		k++;
	}
	yajl_tree_free(root);
	*refs = out;
	*n = k;
	return 0;
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static int write_index(const struct hl_store *s, const struct hl_store_ref *refs, size_t n, struct hull_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	gen_str(g, "schemaVersion");
	yajl_gen_integer(g, 2);
	gen_str(g, "manifests");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		gen_str(g, "mediaType");
		gen_str(g, refs[i].desc.media_type ? refs[i].desc.media_type : "application/vnd.oci.image.manifest.v1+json");
		gen_str(g, "digest");
		gen_str(g, refs[i].desc.digest);
		gen_str(g, "size");
		yajl_gen_integer(g, refs[i].desc.size);
		if (refs[i].name || refs[i].index_digest) {
			gen_str(g, "annotations");
			yajl_gen_map_open(g);
			if (refs[i].name) {
				gen_str(g, HL_REF_ANNOTATION);
				gen_str(g, refs[i].name);
			}
			if (refs[i].index_digest) {
				gen_str(g, HL_INDEX_ANNOTATION);
				gen_str(g, refs[i].index_digest);
			}
			yajl_gen_map_close(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	_cleanup_free_ char *p = xasprintf("%s/index.json", s->dir);
	int r = hull_write_file_atomic(p, buf, len, 0644);
	yajl_gen_free(g);
	if (r < 0)
		return hull_fail(err, -r, "write %s", p);
	return 0;
}

int hl_store_set_ref(const struct hl_store *s, const struct hl_store_ref *ref, struct hull_error *err)
{
	_cleanup_close_ int lock = hl_store_lock(s, true, err);
	if (lock < 0)
		return -1;
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	if (hl_store_list(s, &refs, &n, err) < 0)
		return -1;
	size_t i;
	for (i = 0; i < n; i++)
		if (refs[i].name && strcmp(refs[i].name, ref->name) == 0)
			break;
	if (i == n) {
		refs = xrealloc(refs, (n + 1) * sizeof(*refs));
		memset(&refs[n], 0, sizeof(refs[n]));
		n++;
	}
	free(refs[i].name);
	free(refs[i].desc.media_type);
	free(refs[i].desc.digest);
	free(refs[i].index_digest);
	refs[i].name = xstrdup(ref->name);
	refs[i].desc.media_type = ref->desc.media_type ? xstrdup(ref->desc.media_type) : NULL;
	refs[i].desc.digest = xstrdup(ref->desc.digest);
	refs[i].desc.size = ref->desc.size;
	refs[i].index_digest = ref->index_digest ? xstrdup(ref->index_digest) : NULL;
	int r = write_index(s, refs, n, err);
	hl_store_refs_free(refs, n);
	return r;
}

int hl_store_remove_ref(const struct hl_store *s, const char *name, struct hull_error *err)
{
	_cleanup_close_ int lock = hl_store_lock(s, true, err);
	if (lock < 0)
		return -1;
	struct hl_store_ref *refs = NULL;
	size_t n = 0, k = 0;
	if (hl_store_list(s, &refs, &n, err) < 0)
		return -1;
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		if (!found && refs[i].name && strcmp(refs[i].name, name) == 0) {
			free(refs[i].name);
			free(refs[i].desc.media_type);
			free(refs[i].desc.digest);
			free(refs[i].index_digest);
			found = true;
			continue;
		}
		refs[k++] = refs[i];
	}
	int r = found ? write_index(s, refs, k, err) : hull_fail(err, ENOENT, "image %s: not in the store", name);
	hl_store_refs_free(refs, k);
	return r;
}

/* ---- blobs ------------------------------------------------------------------ */

int hl_store_ingest_open(const struct hl_store *s, const char *digest, char **tmp_path, int *fd, struct hull_error *err)
{
	if (!hl_digest_valid(digest))
		return hull_fail(err, EINVAL, "invalid digest \"%s\"", digest ? digest : "");
	/* Temp files live outside blobs/ so an interrupted pull never leaves a partial blob visible;
	 * the pid makes concurrent pulls of the same blob write separate files. */
	char *p = xasprintf("%s/ingest/%s.%d.XXXXXX", s->dir, digest + 7, (int)getpid());
	int f = mkostemp(p, O_CLOEXEC);
	if (f < 0) {
		int e = errno;
		free(p);
		return hull_fail(err, e, "create temp file in %s/ingest", s->dir);
	}
	*tmp_path = p;
	*fd = f;
	return 0;
}

int hl_store_ingest_commit_nodirsync(const struct hl_store *s, const char *tmp_path, const char *digest,
				     struct hull_error *err)
{
	_cleanup_free_ char *dst = hl_store_blob_path(s, digest);
	if (dst == NULL)
		return hull_fail(err, EINVAL, "invalid digest \"%s\"", digest);
	_cleanup_close_ int fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return hull_fail(err, errno, "sync %s", tmp_path);
	if (fchmod(fd, 0644) < 0)
		return hull_fail(err, errno, "chmod %s", tmp_path);
	/* Same content under the same name: a concurrent writer's rename is harmless. */
	if (rename(tmp_path, dst) < 0)
		return hull_fail(err, errno, "rename %s to %s", tmp_path, dst);
	return 0;
}

void hl_store_sync_blobs(const struct hl_store *s)
{
	/* One directory fsync makes every rename before it durable. */
	_cleanup_free_ char *bdir = xasprintf("%s/blobs/sha256", s->dir);
	_cleanup_close_ int dfd = open(bdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
}

int hl_store_ingest_commit(const struct hl_store *s, const char *tmp_path, const char *digest, struct hull_error *err)
{
	if (hl_store_ingest_commit_nodirsync(s, tmp_path, digest, err) < 0)
		return -1;
	hl_store_sync_blobs(s);
	return 0;
}

int hl_store_put_blob(const struct hl_store *s, const char *digest, const void *data, size_t len, struct hull_error *err)
{
	_cleanup_free_ char *got = hl_sha256_digest(data, len);
	if (!hl_digest_valid(digest) || strcmp(got, digest) != 0)
		return hull_fail(err, EINVAL, "digest mismatch: expected %s, got %s", digest ? digest : "", got);
	if (hl_store_has_blob(s, digest))
		return 0;
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	if (hl_store_ingest_open(s, digest, &tmp, &fd, err) < 0)
		return -1;
	int r = hull_write_all(fd, data, len);
	if (r < 0) {
		unlink(tmp);
		return hull_fail(err, -r, "write %s", tmp);
	}
	if (hl_store_ingest_commit(s, tmp, digest, err) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- resolve ---------------------------------------------------------------- */

static int resolve_in(const struct hl_store_ref *refs, size_t n, const char *ref, char **out, struct hull_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (refs[i].name && strcmp(refs[i].name, ref) == 0) {
			*out = xstrdup(refs[i].desc.digest);
			return 0;
		}
	struct hl_ref r;
	struct hull_error perr = { 0 };
	if (hl_ref_parse(ref, &r, &perr) == 0) {
		_cleanup_free_ char *norm = hl_ref_string(&r);
		hl_ref_free(&r);
		for (size_t i = 0; i < n; i++)
			if (refs[i].name && strcmp(refs[i].name, norm) == 0) {
				*out = xstrdup(refs[i].desc.digest);
				return 0;
			}
	}
	hull_error_clear(&perr);
	/* A unique hex prefix of a manifest digest (the image id `ls` prints). */
	const char *hex = hull_str_has_prefix(ref, "sha256:") ? ref + 7 : ref;
	size_t hl = strlen(hex);
	if (hl >= 4 && strspn(hex, "0123456789abcdef") == hl) {
		const char *found = NULL;
		for (size_t i = 0; i < n; i++) {
			if (strncmp(refs[i].desc.digest + 7, hex, hl) != 0)
				continue;
			if (found && strcmp(found, refs[i].desc.digest) != 0)
				return hull_fail(err, EINVAL, "image id prefix %s is ambiguous", hex);
			found = refs[i].desc.digest;
		}
		if (found) {
			*out = xstrdup(found);
			return 0;
		}
	}
	return hull_fail(err, ENOENT, "image %s: not in the store", ref);
}

int hl_store_resolve(const struct hl_store *s, const char *ref, char **manifest_digest, struct hull_error *err)
{
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	if (hl_store_list(s, &refs, &n, err) < 0)
		return -1;
	int r = resolve_in(refs, n, ref, manifest_digest, err);
	hl_store_refs_free(refs, n);
	if (r < 0 && hl_digest_valid(ref) && hl_store_has_blob(s, ref)) {
		hull_error_clear(err);
		*manifest_digest = xstrdup(ref);
		return 0;
	}
	return r;
}

/* ---- GC ------------------------------------------------------------------------ */

struct mark_set {
	char **v;
	size_t n, cap;
};

static bool marked(const struct mark_set *m, const char *d)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i], d) == 0)
			return true;
	return false;
}

static void mark_add(struct mark_set *m, const char *d)
{
	if (!hl_digest_valid(d) || marked(m, d))
		return;
	m->v = xgrow(m->v, &m->cap, m->n, sizeof(char *));
	m->v[m->n++] = xstrdup(d);
}

/* Mark a blob and, if it is a manifest or index, everything it references. */
static void mark_tree(const struct hl_store *s, struct mark_set *m, const char *digest, int depth)
{
	if (marked(m, digest) || depth > 8)
		return;
	mark_add(m, digest);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct hull_error e = { 0 };
	if (hl_store_read_blob(s, digest, HL_MAX_MANIFEST, &buf, &len, &e) < 0 || !hl_json_depth_ok(buf, len, 64)) {
		hull_error_clear(&e);
		return;
	}
	yajl_val root = yajl_tree_parse(buf, NULL, 0);
	if (root == NULL || !YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		return;
	}
	const char *cfgp[] = { "config", "digest", NULL };
	yajl_val c = yajl_tree_get(root, cfgp, yajl_t_string);
	if (c)
		mark_add(m, YAJL_GET_STRING(c));
	static const char *lists[] = { "layers", "manifests" };
	for (size_t l = 0; l < 2; l++) {
		const char *p[] = { lists[l], NULL };
		yajl_val arr = yajl_tree_get(root, p, yajl_t_array);
		for (size_t i = 0; arr && i < YAJL_GET_ARRAY(arr)->len; i++) {
			_cleanup_free_ char *d = tree_str(YAJL_GET_ARRAY(arr)->values[i], "digest");
			if (d == NULL)
				continue;
			if (l == 1)
				mark_tree(s, m, d, depth + 1);
			else
				mark_add(m, d);
		}
	}
	yajl_tree_free(root);
}

static void sweep_ingest(const struct hl_store *s)
{
	_cleanup_free_ char *dir = xasprintf("%s/ingest", s->dir);
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		/* The exclusive lock keeps pulls out, but a pull killed by SIGKILL leaves its temp file;
		 * the pid in its name tells whether the writer is still alive. */
		const char *dot = strchr(de->d_name, '.');
		int pid = dot ? atoi(dot + 1) : 0;
		bool alive = pid > 0 && kill(pid, 0) == 0;
		if (!alive || now - st.st_mtime > INGEST_STALE_SECONDS)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

int hl_store_gc(const struct hl_store *s, size_t *removed, uint64_t *freed, struct hull_error *err)
{
	_cleanup_close_ int lock = hl_store_lock(s, true, err);
	if (lock < 0)
		return -1;
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	if (hl_store_list(s, &refs, &n, err) < 0)
		return -1;
	struct mark_set m = { 0 };
	for (size_t i = 0; i < n; i++) {
		mark_tree(s, &m, refs[i].desc.digest, 0);
		if (refs[i].index_digest)
			mark_add(&m, refs[i].index_digest);
	}
	hl_store_refs_free(refs, n);
	_cleanup_free_ char *bdir = xasprintf("%s/blobs/sha256", s->dir);
	DIR *d = opendir(bdir);
	*removed = 0;
	*freed = 0;
	int r = 0;
	if (d == NULL)
		r = hull_fail(err, errno, "open %s", bdir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *dg = xasprintf("sha256:%s", de->d_name);
		struct stat st;
		if (marked(&m, dg) || fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
			(*removed)++;
			*freed += st.st_size;
		}
	}
	if (d)
		closedir(d);
	sweep_ingest(s);
	for (size_t i = 0; i < m.n; i++)
		free(m.v[i]);
	free(m.v);
	return r;
}
