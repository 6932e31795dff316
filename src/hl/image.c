/* image.c - parsed images: manifest and config documents, platform matching in indexes. */
#include "hl.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <sys/utsname.h>

#include <yajl/yajl_tree.h>

#define MAX_JSON_DEPTH 64
#define MAX_CONFIG (16u << 20)

bool hl_json_depth_ok(const char *buf, size_t len, int max)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

bool hl_media_is_index(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0);
}

bool hl_media_is_manifest(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.manifest.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json") == 0);
}

static bool config_media_ok(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.config.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.container.image.v1+json") == 0);
}

void hl_descriptor_clear(struct hl_descriptor *d)
{
	free(d->media_type);
	free(d->digest);
	memset(d, 0, sizeof(*d));
}

/* YAJL_GET_STRING may be NULL as far as the compiler knows. */
static const char *ystr(yajl_val v)
{
	const char *s = YAJL_GET_STRING(v);
	return s ? s : "";
}

static yajl_val get(yajl_val v, const char *a, const char *b, yajl_type t)
{
	const char *p[] = { a, b, NULL };
	return yajl_tree_get(v, p, t);
}

static char *get_str(yajl_val v, const char *a, const char *b)
{
	yajl_val x = get(v, a, b, yajl_t_string);
	return x ? xstrdup(YAJL_GET_STRING(x)) : NULL;
}

static int parse_descriptor(yajl_val v, const char *what, struct hl_descriptor *d, struct hull_error *err)
{
	yajl_val sz = get(v, "size", NULL, yajl_t_number);
	d->media_type = get_str(v, "mediaType", NULL);
	d->digest = get_str(v, "digest", NULL);
	if (!hl_digest_valid(d->digest))
		return hull_fail(err, EINVAL, "%s.digest: missing or not a sha256 digest", what);
	if (sz == NULL || !YAJL_IS_INTEGER(sz) || YAJL_GET_INTEGER(sz) < 0)
		return hull_fail(err, EINVAL, "%s.size: missing or invalid", what);
	d->size = YAJL_GET_INTEGER(sz);
	return 0;
}

/* Strings of a JSON array (NULL if absent), or the keys of an object. */
static char **strv_of(yajl_val v, bool keys)
{
	if (v == NULL)
		return NULL;
	size_t n = keys ? (YAJL_IS_OBJECT(v) ? YAJL_GET_OBJECT(v)->len : 0) : (YAJL_IS_ARRAY(v) ? YAJL_GET_ARRAY(v)->len : 0);
	if (!YAJL_IS_OBJECT(v) && !YAJL_IS_ARRAY(v))
		return NULL;
	char **out = xcalloc(n + 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (keys)
			out[k++] = xstrdup(YAJL_GET_OBJECT(v)->keys[i]);
		else if (YAJL_IS_STRING(YAJL_GET_ARRAY(v)->values[i]))
			out[k++] = xstrdup(YAJL_GET_STRING(YAJL_GET_ARRAY(v)->values[i]));
	}
	return out;
}

static int parse_config(yajl_val root, struct hl_image_config *c, struct hull_error *err)
{
	c->os = get_str(root, "os", NULL);
	c->architecture = get_str(root, "architecture", NULL);
	c->variant = get_str(root, "variant", NULL);
	yajl_val cfg = get(root, "config", NULL, yajl_t_object);
	if (cfg) {
		c->user = get_str(cfg, "User", NULL);
		c->env = strv_of(get(cfg, "Env", NULL, yajl_t_array), false);
		c->entrypoint = strv_of(get(cfg, "Entrypoint", NULL, yajl_t_array), false);
		c->cmd = strv_of(get(cfg, "Cmd", NULL, yajl_t_array), false);
		c->working_dir = get_str(cfg, "WorkingDir", NULL);
		c->exposed_ports = strv_of(get(cfg, "ExposedPorts", NULL, yajl_t_object), true);
		c->volumes = strv_of(get(cfg, "Volumes", NULL, yajl_t_object), true);
		c->stop_signal = get_str(cfg, "StopSignal", NULL);
		yajl_val labels = get(cfg, "Labels", NULL, yajl_t_object);
		size_t n = labels ? YAJL_GET_OBJECT(labels)->len : 0;
		c->labels = xcalloc(n + 1, sizeof(*c->labels));
		for (size_t i = 0; i < n; i++) {
			yajl_val val = YAJL_GET_OBJECT(labels)->values[i];
			c->labels[c->n_labels].key = xstrdup(YAJL_GET_OBJECT(labels)->keys[i]);
			c->labels[c->n_labels++].value = xstrdup(YAJL_IS_STRING(val) ? YAJL_GET_STRING(val) : "");
		}
	}
	yajl_val rt = get(root, "rootfs", "type", yajl_t_string);
	if (rt == NULL || strcmp(ystr(rt), "layers") != 0)
		return hull_fail(err, EINVAL, "config rootfs.type: must be \"layers\"");
	c->diff_ids = strv_of(get(root, "rootfs", "diff_ids", yajl_t_array), false);
	c->n_diff_ids = hull_strv_len(c->diff_ids);
	for (size_t i = 0; i < c->n_diff_ids; i++)
		if (!hl_digest_valid(c->diff_ids[i]))
			return hull_fail(err, EINVAL, "config rootfs.diff_ids[%zu]: not a sha256 digest", i);
	return 0;
}

static yajl_val parse_json(const char *buf, size_t len, const char *what, struct hull_error *err)
{
	if (!hl_json_depth_ok(buf, len, MAX_JSON_DEPTH)) {
		hull_fail(err, EINVAL, "%s: JSON nested deeper than %d levels", what, MAX_JSON_DEPTH);
		return NULL;
	}
	/* yajl wants a NUL-terminated string; the blob reader provides one, copy to be safe. */
	_cleanup_free_ char *z = xstrndup(buf, len);
	char ebuf[256] = "";
	yajl_val v = yajl_tree_parse(z, ebuf, sizeof(ebuf));
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		hull_fail(err, EINVAL, "%s: invalid JSON: %s", what, ebuf[0] ? ebuf : "not an object");
		return NULL;
	}
	return v;
}

static int parse_manifest(yajl_val m, struct hl_image *img, struct hull_error *err)
{
	yajl_val sv = get(m, "schemaVersion", NULL, yajl_t_number);
	if (sv && YAJL_IS_INTEGER(sv) && YAJL_GET_INTEGER(sv) == 1)
		return hull_fail(err, ENOTSUP, "manifest: Docker schema 1 images are not supported (deprecated); "
					       "rebuild or re-push the image");
	yajl_val cfg = get(m, "config", NULL, yajl_t_object);
	if (cfg == NULL)
		return hull_fail(err, EINVAL, "manifest: no config descriptor");
	if (parse_descriptor(cfg, "manifest config", &img->config, err) < 0)
		return -1;
	if (!config_media_ok(img->config.media_type))
		return hull_fail(err, EINVAL, "not a container image: config media type is \"%s\"",
				 img->config.media_type ? img->config.media_type : "");
	yajl_val layers = get(m, "layers", NULL, yajl_t_array);
	if (layers == NULL)
		return hull_fail(err, EINVAL, "manifest: no layers array");
	size_t n = YAJL_GET_ARRAY(layers)->len;
	img->layers = xcalloc(n + 1, sizeof(*img->layers));
	for (size_t i = 0; i < n; i++) {
		char what[48];
		snprintf(what, sizeof(what), "manifest layers[%zu]", i);
		img->n_layers = i + 1;
		if (parse_descriptor(YAJL_GET_ARRAY(layers)->values[i], what, &img->layers[i], err) < 0)
			return -1;
	}
	return 0;
}

int hl_image_parse(const char *manifest, size_t mlen, const char *config, size_t clen, struct hl_image **out,
		   struct hull_error *err)
{
	struct hl_image *img = xzalloc(sizeof(*img));
	yajl_val m = parse_json(manifest, mlen, "manifest", err);
	int r = m ? parse_manifest(m, img, err) : -1;
	yajl_tree_free(m);
	if (r == 0 && config) {
		yajl_val c = parse_json(config, clen, "image config", err);
		r = c ? parse_config(c, &img->cfg, err) : -1;
		yajl_tree_free(c);
		if (r == 0 && img->cfg.n_diff_ids != img->n_layers)
			r = hull_fail(err, EINVAL, "image has %zu layers but %zu rootfs.diff_ids", img->n_layers,
				      img->cfg.n_diff_ids);
	}
	if (r < 0) {
		hl_image_free(img);
		return -1;
	}
	img->manifest_digest = hl_sha256_digest(manifest, mlen);
	*out = img;
	return 0;
}

/* The stored ref may name an index (an imported layout): descend to the host's manifest. */
static int descend_index(const struct hl_store *s, char **digest, char **buf, size_t *len, struct hull_error *err)
{
	for (int depth = 0; depth < 4; depth++) {
		yajl_val v = parse_json(*buf, *len, "manifest", err);
		if (v == NULL)
			return -1;
		bool is_index = get(v, "manifests", NULL, yajl_t_array) != NULL && get(v, "layers", NULL, yajl_t_array) == NULL;
		yajl_tree_free(v);
		if (!is_index)
			return 0;
		struct hl_platform p;
		struct hl_descriptor d = { 0 };
		hl_platform_host(&p);
		if (hl_index_select(*buf, *len, &p, &d, err) < 0)
			return -1;
		free(*buf);
		*buf = NULL;
		free(*digest);
		*digest = steal_pointer(&d.digest);
		hl_descriptor_clear(&d);
		if (hl_store_read_blob(s, *digest, HL_MAX_MANIFEST, buf, len, err) < 0)
			return -1;
	}
	return hull_fail(err, ELOOP, "image index nested too deeply");
}

int hl_image_load(const struct hl_store *s, const char *ref, struct hl_image **out, struct hull_error *err)
{
	_cleanup_free_ char *digest = NULL, *mbuf = NULL, *cbuf = NULL;
	size_t mlen = 0, clen = 0;
	if (hl_store_resolve(s, ref, &digest, err) < 0)
		return -1;
	if (hl_store_read_blob(s, digest, HL_MAX_MANIFEST, &mbuf, &mlen, err) < 0 ||
	    descend_index(s, &digest, &mbuf, &mlen, err) < 0)
		return hull_error_prefix(err, "image %s", ref);
	struct hl_image *img = NULL;
	if (hl_image_parse(mbuf, mlen, NULL, 0, &img, err) < 0)
		return hull_error_prefix(err, "image %s", ref);
	if (hl_store_read_blob(s, img->config.digest, MAX_CONFIG, &cbuf, &clen, err) < 0) {
		hl_image_free(img);
		return hull_error_prefix(err, "image %s", ref);
	}
	hl_image_free(img);
	img = NULL;
	if (hl_image_parse(mbuf, mlen, cbuf, clen, &img, err) < 0)
		return hull_error_prefix(err, "image %s", ref);
	*out = img;
	return 0;
}

void hl_image_free(struct hl_image *img)
{
	if (img == NULL)
		return;
	free(img->manifest_digest);
	hl_descriptor_clear(&img->config);
	for (size_t i = 0; i < img->n_layers; i++)
		hl_descriptor_clear(&img->layers[i]);
	free(img->layers);
	struct hl_image_config *c = &img->cfg;
	free(c->os);
	free(c->architecture);
	free(c->variant);
	free(c->user);
	free(c->working_dir);
	free(c->stop_signal);
	hull_free_strv(c->env);
	hull_free_strv(c->entrypoint);
	hull_free_strv(c->cmd);
	hull_free_strv(c->exposed_ports);
	hull_free_strv(c->volumes);
	hull_free_strv(c->diff_ids);
	for (size_t i = 0; i < c->n_labels; i++) {
		free(c->labels[i].key);
		free(c->labels[i].value);
	}
	free(c->labels);
	free(img);
}

/* ---- platforms ---------------------------------------------------------------- */

static void set_platform(struct hl_platform *p, const char *os, const char *arch, const char *variant)
{
	static const struct { const char *from, *arch, *variant; } norm[] = {
		{ "x86_64", "amd64", "" }, { "x86-64", "amd64", "" }, { "aarch64", "arm64", "" },
		{ "armhf", "arm", "v7" },  { "armel", "arm", "v6" },  { "i686", "386", "" },
		{ "i386", "386", "" },
	};
	snprintf(p->os, sizeof(p->os), "%s", os);
	snprintf(p->arch, sizeof(p->arch), "%s", arch);
	snprintf(p->variant, sizeof(p->variant), "%s", variant ? variant : "");
	for (size_t i = 0; i < ARRAY_SIZE(norm); i++)
		if (strcmp(arch, norm[i].from) == 0) {
			snprintf(p->arch, sizeof(p->arch), "%s", norm[i].arch);
			if (!p->variant[0])
				snprintf(p->variant, sizeof(p->variant), "%s", norm[i].variant);
		}
	for (char *c = p->os; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

void hl_platform_host(struct hl_platform *p)
{
	struct utsname u;
	uname(&u);
	set_platform(p, "linux", u.machine, NULL);
	if (strcmp(p->arch, "arm64") == 0)
		snprintf(p->variant, sizeof(p->variant), "v8");
}

int hl_platform_parse(const char *s, struct hl_platform *p, struct hull_error *err)
{
	_cleanup_free_ char *b = xstrdup(s);
	char *arch = strchr(b, '/');
	if (arch == NULL || arch == b || arch[1] == '\0')
		return hull_fail(err, EINVAL, "invalid platform \"%s\": want os/arch[/variant]", s);
	*arch++ = '\0';
	char *variant = strchr(arch, '/');
	if (variant)
		*variant++ = '\0';
	if (strlen(b) >= sizeof(p->os) || strlen(arch) >= sizeof(p->arch) || (variant && strlen(variant) >= sizeof(p->variant)))
		return hull_fail(err, EINVAL, "invalid platform \"%s\": too long", s);
	set_platform(p, b, arch, variant);
	return 0;
}

/* Variant as a comparable number: v8 -> 80, v8.2 -> 82; the default per architecture when empty. */
static int variant_num(const char *arch, const char *v)
{
	if (v == NULL || *v == '\0')
		return strcmp(arch, "arm64") == 0 ? 80 : strcmp(arch, "arm") == 0 ? 70 : 10;
	if (v[0] != 'v')
		return -1;
	char *end;
	long major = strtol(v + 1, &end, 10);
	long minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
	return (int)(major * 10 + minor);
}

/* Higher is better; -1 when the entry cannot run on p. A lower variant runs on a higher one. */
static int platform_score(const struct hl_platform *want, const struct hl_platform *have)
{
	if (strcmp(want->os, have->os) != 0 || strcmp(want->arch, have->arch) != 0)
		return -1;
	int w = variant_num(want->arch, want->variant), h = variant_num(have->arch, have->variant);
	if (w < 0 || h < 0)
		return strcmp(want->variant, have->variant) == 0 ? 1000 : -1;
	if (h > w)
		return -1;
	return 1000 - (w - h);
}

int hl_index_select(const char *buf, size_t len, const struct hl_platform *p, struct hl_descriptor *out,
		    struct hull_error *err)
{
	yajl_val v = parse_json(buf, len, "image index", err);
	if (v == NULL)
		return -1;
	yajl_val arr = get(v, "manifests", NULL, yajl_t_array);
	size_t n = arr ? YAJL_GET_ARRAY(arr)->len : 0;
	int best = -1, best_score = -1;
	for (size_t i = 0; i < n; i++) {
		yajl_val e = YAJL_GET_ARRAY(arr)->values[i];
		yajl_val mt = get(e, "mediaType", NULL, yajl_t_string);
		/* Unknown media types in an index are skipped, not errors (image-index.md). */
		if (mt && !hl_media_is_index(ystr(mt)) && !hl_media_is_manifest(ystr(mt)))
			continue;
		yajl_val os = get(e, "platform", "os", yajl_t_string), arch = get(e, "platform", "architecture", yajl_t_string);
		if (os == NULL || arch == NULL)
			continue;
		if (strcmp(ystr(os), "unknown") == 0 && strcmp(ystr(arch), "unknown") == 0)
			continue; /* buildkit attestation manifests */
		yajl_val var = get(e, "platform", "variant", yajl_t_string);
		struct hl_platform have;
		set_platform(&have, ystr(os), ystr(arch), var ? ystr(var) : NULL);
		int sc = platform_score(p, &have);
		/* Strictly greater: the first of equally good entries wins, as the spec asks. */
		if (sc > best_score) {
			best_score = sc;
			best = (int)i;
		}
	}
	int r;
	if (best < 0)
		r = hull_fail(err, ENOENT, "no image for platform %s/%s%s%s in the index", p->os, p->arch,
			      p->variant[0] ? "/" : "", p->variant);
	else
		r = parse_descriptor(YAJL_GET_ARRAY(arr)->values[best], "index manifests[]", out, err);
	yajl_tree_free(v);
	return r;
}
