/* cmd_import.c - `hull image import`: an OCI layout dir, an oci-archive tar or a `docker save` tar into the store. */
#include "hl.h"
#include "ref.h"
#include "common/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <yajl/yajl_tree.h>

/* Every file of the input, copied into the store's ingest dir and hashed on the way. */
struct staged {
	char *path;   /* path inside the archive / layout, "./" stripped */
	char *tmp;    /* ingest temp file, NULL once committed or dropped */
	char *digest;
	int64_t size;
	unsigned char magic[4];
};

struct import {
	const struct hl_store *s;
	struct staged *v;
	size_t n, cap;
};

static void import_free(struct import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		if (im->v[i].tmp)
			unlink(im->v[i].tmp);
		free(im->v[i].tmp);
		free(im->v[i].path);
		free(im->v[i].digest);
	}
	free(im->v);
}

/* Copy a stream into ingest with sha256; read_fn returns bytes read, 0 at EOF, <0 on error. */
static int stage(struct import *im, const char *path, ssize_t (*read_fn)(void *, char *, size_t), void *ctx,
		 struct hull_error *err)
{
	static const char zero[] = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	if (hl_store_ingest_open(im->s, zero, &tmp, &fd, err) < 0)
		return -1;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	struct staged st = { 0 };
	char buf[65536];
	ssize_t k;
	while ((k = read_fn(ctx, buf, sizeof(buf))) > 0) {
		if (st.size < 4)
			memcpy(st.magic + st.size, buf, (size_t)(k < 4 - st.size ? k : 4 - st.size));
		if (hull_write_all(fd, buf, (size_t)k) < 0)
			k = -1;
		if (k < 0)
			break;
		EVP_DigestUpdate(md, buf, (size_t)k);
		st.size += k;
	}
	unsigned char h[32];
	EVP_DigestFinal_ex(md, h, NULL);
	EVP_MD_CTX_free(md);
	if (k < 0) {
		unlink(tmp);
		return hull_fail(err, EIO, "read %s", path);
	}
	st.digest = xmalloc(72);
	strcpy(st.digest, "sha256:");
	for (int i = 0; i < 32; i++)
		sprintf(st.digest + 7 + 2 * i, "%02x", h[i]);
	st.path = xstrdup(hull_str_has_prefix(path, "./") ? path + 2 : path);
	st.tmp = steal_pointer(&tmp);
	im->v = xgrow(im->v, &im->cap, im->n, sizeof(*im->v));
	im->v[im->n++] = st;
	return 0;
}

static struct staged *find(struct import *im, const char *path)
{
	if (hull_str_has_prefix(path, "./"))
		path += 2;
	for (size_t i = 0; i < im->n; i++)
		if (strcmp(im->v[i].path, path) == 0)
			return &im->v[i];
	return NULL;
}

static int commit(struct import *im, struct staged *st, struct hull_error *err)
{
	if (st->tmp == NULL)
		return 0;
	int r = hl_store_ingest_commit(im->s, st->tmp, st->digest, err);
	if (r == 0) {
		free(st->tmp);
		st->tmp = NULL;
	}
	return r;
}

static char *staged_text(struct staged *st, struct hull_error *err)
{
	char *buf = NULL;
	size_t len;
	int r = hull_read_file_at(AT_FDCWD, st->tmp ? st->tmp : "", 16u << 20, &buf, &len);
	if (r < 0) {
		hull_fail(err, -r, "read %s", st->path);
		return NULL;
	}
	return buf;
}

/* ---- readers ------------------------------------------------------------------ */

static ssize_t read_archive(void *ctx, char *buf, size_t n)
{
	return archive_read_data(ctx, buf, n);
}

static ssize_t read_fd(void *ctx, char *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

static int stage_tar(struct import *im, const char *path, struct hull_error *err)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	int r = 0;
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		r = hull_fail(err, EINVAL, "%s: %s", path, archive_error_string(a));
	struct archive_entry *e;
	while (r == 0 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		r = stage(im, archive_entry_pathname(e), read_archive, a, err);
	}
	archive_read_free(a);
	return r;
}

static int stage_dir(struct import *im, const char *dir, struct hull_error *err)
{
	static const char *const top[] = { "oci-layout", "index.json" };
	for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, top[i]);
		_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return hull_fail(err, errno, "open %s", p);
		if (stage(im, top[i], read_fd, &fd, err) < 0)
			return -1;
	}
	_cleanup_free_ char *bdir = xasprintf("%s/blobs/sha256", dir);
	DIR *d = opendir(bdir);
	if (d == NULL)
		return hull_fail(err, errno, "open %s", bdir);
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		_cleanup_free_ char *rel = xasprintf("blobs/sha256/%s", de->d_name);
		r = fd < 0 ? hull_fail(err, errno, "open %s/%s", bdir, de->d_name) : stage(im, rel, read_fd, &fd, err);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return r;
}

/* ---- formats ------------------------------------------------------------------- */

static char *import_name(const char *given, const char *annotation, const char *path, struct hull_error *err)
{
	const char *want = given ? given : annotation;
	struct hl_ref r;
	_cleanup_free_ char *fallback = NULL;
	if (!given && (annotation == NULL || strpbrk(annotation, "/@") == NULL)) {
		/* A bare tag in the layout: name it after the file. */
		_cleanup_free_ char *base = xstrdup(strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		for (char *c = base; *c; c++)
			*c = (char)(isalnum((unsigned char)*c) ? tolower((unsigned char)*c) : '-');
		fallback = xasprintf("localhost/%s:%s", base, annotation ? annotation : "latest");
		want = fallback;
	}
	if (hl_ref_parse(want, &r, err) < 0)
		return NULL;
	char *s = hl_ref_string(&r);
	hl_ref_free(&r);
	return s;
}

static int import_oci(struct import *im, const char *path, const char *given, struct hull_error *err)
{
	/* Blobs are committed only when their content hashes to their file name. */
	for (size_t i = 0; i < im->n; i++) {
		struct staged *st = &im->v[i];
		if (!hull_str_has_prefix(st->path, "blobs/sha256/"))
			continue;
		_cleanup_free_ char *want = xasprintf("sha256:%s", st->path + 13);
		if (strcmp(want, st->digest) != 0)
			return hull_fail(err, EINVAL, "%s: content hashes to %s", st->path, st->digest);
		if (commit(im, st, err) < 0)
			return -1;
	}
	struct staged *ix = find(im, "index.json");
	_cleanup_free_ char *text = ix ? staged_text(ix, err) : NULL;
	if (text == NULL)
		return ix ? -1 : hull_fail(err, EINVAL, "%s: no index.json", path);
	yajl_val root = yajl_tree_parse(text, NULL, 0);
	const char *mp[] = { "manifests", NULL };
	yajl_val arr = root ? yajl_tree_get(root, mp, yajl_t_array) : NULL;
	int r = arr && YAJL_GET_ARRAY(arr)->len > 0 ? 0 : hull_fail(err, EINVAL, "%s: index.json lists no images", path);
	for (size_t i = 0; r == 0 && i < YAJL_GET_ARRAY(arr)->len; i++) {
		yajl_val e = YAJL_GET_ARRAY(arr)->values[i];
		const char *dp[] = { "digest", NULL }, *tp[] = { "mediaType", NULL }, *sp[] = { "size", NULL };
		const char *np[] = { "annotations", HL_REF_ANNOTATION, NULL };
		yajl_val d = yajl_tree_get(e, dp, yajl_t_string), t = yajl_tree_get(e, tp, yajl_t_string);
		yajl_val sz = yajl_tree_get(e, sp, yajl_t_number), nm = yajl_tree_get(e, np, yajl_t_string);
		if (d == NULL || !hl_store_has_blob(im->s, YAJL_GET_STRING(d))) {
			r = hull_fail(err, EINVAL, "%s: index.json manifests[%zu]: blob missing", path, i);
			break;
		}
		_cleanup_free_ char *name = import_name(i == 0 ? given : NULL, nm ? YAJL_GET_STRING(nm) : NULL, path, err);
		if (name == NULL) {
			r = -1;
			break;
		}
		struct hl_store_ref ref = { name, { t ? YAJL_GET_STRING(t) : NULL, YAJL_GET_STRING(d), sz ? YAJL_GET_INTEGER(sz) : 0 }, NULL };
		r = hl_store_set_ref(im->s, &ref, err);
		if (r == 0)
			printf("%s %s\n", name, YAJL_GET_STRING(d));
	}
	yajl_tree_free(root);
	return r;
}

static const char *layer_media_type(const struct staged *st)
{
	if (st->magic[0] == 0x1f && st->magic[1] == 0x8b)
		return "application/vnd.oci.image.layer.v1.tar+gzip";
	if (st->magic[0] == 0x28 && st->magic[1] == 0xb5 && st->magic[2] == 0x2f && st->magic[3] == 0xfd)
		return "application/vnd.oci.image.layer.v1.tar+zstd";
	return "application/vnd.oci.image.layer.v1.tar";
}

/* `docker save`: manifest.json names the config and layer files; write an OCI manifest around them. */
static int import_docker(struct import *im, const char *path, const char *given, struct hull_error *err)
{
	_cleanup_free_ char *text = staged_text(find(im, "manifest.json"), err);
	if (text == NULL)
		return -1;
	yajl_val root = yajl_tree_parse(text, NULL, 0);
	if (root == NULL || !YAJL_IS_ARRAY(root) || YAJL_GET_ARRAY(root)->len == 0) {
		yajl_tree_free(root);
		return hull_fail(err, EINVAL, "%s: manifest.json is not a non-empty array", path);
	}
	yajl_val m = YAJL_GET_ARRAY(root)->values[0];
	const char *cp[] = { "Config", NULL }, *lp[] = { "Layers", NULL }, *tp[] = { "RepoTags", NULL };
	yajl_val cfg = yajl_tree_get(m, cp, yajl_t_string), layers = yajl_tree_get(m, lp, yajl_t_array);
	yajl_val tags = yajl_tree_get(m, tp, yajl_t_array);
	struct staged *c = cfg ? find(im, YAJL_GET_STRING(cfg)) : NULL;
	int r = c && layers ? commit(im, c, err) : hull_fail(err, EINVAL, "%s: manifest.json lacks Config or Layers", path);
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	fprintf(f, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
		   "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%lld},\"layers\":[",
		r == 0 ? c->digest : "", r == 0 ? (long long)c->size : 0LL);
	for (size_t i = 0; r == 0 && i < YAJL_GET_ARRAY(layers)->len; i++) {
		yajl_val l = YAJL_GET_ARRAY(layers)->values[i];
		struct staged *st = YAJL_IS_STRING(l) ? find(im, YAJL_GET_STRING(l)) : NULL;
		if (st == NULL) {
			r = hull_fail(err, EINVAL, "%s: layer %zu is missing from the archive", path, i);
			break;
		}
		fprintf(f, "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%lld}", i ? "," : "", layer_media_type(st),
			st->digest, (long long)st->size);
		r = commit(im, st, err);
	}
	fputs("]}", f);
	fclose(f);
	const char *tag = tags && YAJL_GET_ARRAY(tags)->len > 0 && YAJL_IS_STRING(YAJL_GET_ARRAY(tags)->values[0])
				  ? YAJL_GET_STRING(YAJL_GET_ARRAY(tags)->values[0]) : NULL;
	_cleanup_free_ char *mdigest = hl_sha256_digest(out, olen);
	struct hl_image *img = NULL;
	_cleanup_free_ char *cbuf = NULL;
	size_t clen;
	if (r == 0 && (r = hl_store_read_blob(im->s, c->digest, 16u << 20, &cbuf, &clen, err)) == 0 &&
	    (r = hl_image_parse(out, olen, cbuf, clen, &img, err)) == 0)
		r = hl_store_put_blob(im->s, mdigest, out, olen, err);
	hl_image_free(img);
	_cleanup_free_ char *name = r == 0 ? import_name(given ? given : tag, given ? NULL : tag ? NULL : "latest", path, err) : NULL;
	if (r == 0 && name == NULL)
		r = -1;
	if (r == 0) {
		struct hl_store_ref ref = { name, { "application/vnd.oci.image.manifest.v1+json", mdigest, (int64_t)olen }, NULL };
		r = hl_store_set_ref(im->s, &ref, err);
	}
	if (r == 0)
		printf("%s %s\n", name, mdigest);
	free(out);
	yajl_tree_free(root);
	return r;
}

int hl_cmd_import(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	const struct cli_opt opts[] = { { NULL, 0, 0, NULL, NULL, NULL, false } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 2, &a, &r))
		return r;
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	struct import im = { 0 };
	struct stat st;
	const char *path = a.pos[0], *name = a.n > 1 ? a.pos[1] : NULL;
	r = hl_store_open(g->store, true, &s, &err);
	im.s = s;
	if (r == 0 && stat(path, &st) < 0)
		r = hull_fail(&err, errno, "import %s", path);
	if (r == 0)
		r = S_ISDIR(st.st_mode) ? stage_dir(&im, path, &err) : stage_tar(&im, path, &err);
	if (r == 0) {
		if (find(&im, "oci-layout") && find(&im, "index.json"))
			r = import_oci(&im, path, name, &err);
		else if (find(&im, "manifest.json"))
			r = import_docker(&im, path, name, &err);
		else
			r = hull_fail(&err, EINVAL, "%s: neither an OCI layout nor a docker-archive", path);
	}
	import_free(&im);
	hl_store_close(s);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
