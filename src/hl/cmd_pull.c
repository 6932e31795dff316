/* cmd_pull.c - `hull image pull`: resolve a reference, choose a platform, fetch verified blobs, name the image. */
#include "registry.h"
#include "common/util.h"

#include <errno.h>

#define MAX_INDEX_DEPTH 4

struct pulled {
	char *manifest, *media_type, *digest, *index_digest;
	size_t len;
};

static void pulled_clear(struct pulled *p)
{
	free(p->manifest);
	free(p->media_type);
	free(p->digest);
	free(p->index_digest);
}

/* Fetch the manifest for ref, descending through (nested) indexes by platform. */
static int resolve_manifest(struct hl_registry *reg, const struct hl_store *s, const struct hl_ref *ref,
			    const struct hl_platform *plat, struct pulled *out, struct hull_error *err)
{
	_cleanup_free_ char *want = xstrdup(ref->digest ? ref->digest : ref->tag);
	for (int depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
		if (hl_registry_get_manifest(reg, want, &out->manifest, &out->len, &out->media_type, &out->digest, err) < 0)
			return -1;
		if (!hl_media_is_index(out->media_type))
			return 0;
		/* Keep the index as pulled so the reference stays pinned to what the registry served. */
		if (hl_store_put_blob(s, out->digest, out->manifest, out->len, err) < 0)
			return -1;
		if (out->index_digest == NULL)
			out->index_digest = xstrdup(out->digest);
		struct hl_descriptor d = { 0 };
		if (hl_index_select(out->manifest, out->len, plat, &d, err) < 0)
			return -1;
		free(want);
		want = steal_pointer(&d.digest);
		hl_descriptor_clear(&d);
		free(out->manifest);
		free(out->media_type);
		free(out->digest);
		out->manifest = out->media_type = out->digest = NULL;
	}
	return hull_fail(err, ELOOP, "image index nested deeper than %d levels", MAX_INDEX_DEPTH);
}

/* The chosen config must agree with the platform the index promised. */
static int check_platform(const struct hl_image *img, const struct hl_platform *plat, bool from_index, struct hull_error *err)
{
	struct hl_platform have;
	struct hull_error e = { 0 };
	if (img->cfg.os == NULL || img->cfg.architecture == NULL)
		return 0;
	_cleanup_free_ char *ps = xasprintf("%s/%s", img->cfg.os, img->cfg.architecture);
	if (hl_platform_parse(ps, &have, &e) < 0) {
		hull_error_clear(&e);
		return 0;
	}
	if (strcmp(have.os, plat->os) == 0 && strcmp(have.arch, plat->arch) == 0)
		return 0;
	if (from_index)
		return hull_fail(err, EINVAL, "image config is for %s/%s but the index entry said %s/%s", have.os, have.arch,
				 plat->os, plat->arch);
	hull_warn("image is for %s/%s, not %s/%s", have.os, have.arch, plat->os, plat->arch);
	return 0;
}

static int fetch_image(struct hl_registry *reg, const struct hl_store *s, const struct pulled *p,
		       const struct hl_platform *plat, struct hl_progress *pg, struct hull_error *err)
{
	struct hl_image *img = NULL;
	if (hl_image_parse(p->manifest, p->len, NULL, 0, &img, err) < 0)
		return -1;
	/* Config first in the list so it is among the first transfers; layers follow in order. */
	struct hl_descriptor *all = xcalloc(img->n_layers + 1, sizeof(*all));
	all[0] = img->config;
	for (size_t i = 0; i < img->n_layers; i++)
		all[i + 1] = img->layers[i];
	int r = hl_registry_fetch_blobs(reg, s, all, img->n_layers + 1, pg, err);
	free(all);
	_cleanup_free_ char *cbuf = NULL;
	size_t clen = 0;
	struct hl_image *full = NULL;
	if (r == 0 && (r = hl_store_read_blob(s, img->config.digest, 16u << 20, &cbuf, &clen, err)) == 0 &&
	    (r = hl_image_parse(p->manifest, p->len, cbuf, clen, &full, err)) == 0)
		r = check_platform(full, plat, p->index_digest != NULL, err);
	hl_image_free(full);
	hl_image_free(img);
	if (r < 0)
		return -1;
	/* The manifest goes in last: a visible manifest means all its blobs are there. */
	return hl_store_put_blob(s, p->digest, p->manifest, p->len, err);
}

int hl_pull(const char *store_dir, const char *refs, const struct hl_registry_opts *o, const char *platform, bool quiet,
	    char **digest, struct hull_error *err)
{
	struct hl_ref ref;
	struct hl_platform plat;
	if (hl_ref_parse(refs, &ref, err) < 0)
		return -1;
	if (platform ? hl_platform_parse(platform, &plat, err) < 0 : (hl_platform_host(&plat), 0)) {
		hl_ref_free(&ref);
		return -1;
	}
	struct hl_store *s = NULL;
	struct hl_registry *reg = NULL;
	struct pulled p = { 0 };
	struct hl_progress *pg = hl_progress_new(quiet);
	_cleanup_free_ char *name = hl_ref_string(&ref);
	int r = hl_store_open(store_dir, true, &s, err);
	int lock = r < 0 ? -1 : hl_store_lock(s, false, err); /* keeps prune out while blobs are unnamed */
	if (lock >= 0 && (r = hl_registry_open(&ref, o, &reg, err)) == 0) {
		hl_progress_line(pg, "pulling %s", name);
		r = resolve_manifest(reg, s, &ref, &plat, &p, err);
		if (r == 0)
			r = fetch_image(reg, s, &p, &plat, pg, err);
	}
	if (lock >= 0)
		close(lock);
	else
		r = -1;
	if (r == 0) {
		struct hl_store_ref sr = { name, { p.media_type, p.digest, (int64_t)p.len }, p.index_digest };
		r = hl_store_set_ref(s, &sr, err);
	}
	if (r == 0) {
		hl_progress_line(pg, "stored %s", name);
		if (digest)
			*digest = xstrdup(p.digest);
	}
	pulled_clear(&p);
	hl_progress_free(pg);
	hl_registry_close(reg);
	hl_store_close(s);
	hl_ref_free(&ref);
	return r < 0 ? -1 : 0;
}

int hl_cmd_pull(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	struct hl_registry_opts o = { .tls_verify = true, .parallel = 3 };
	const char *platform = NULL;
	bool quiet = false;
	const struct cli_opt opts[] = {
		{ "platform", 0, CLI_STRING, &platform, "os/arch[/variant] to pull (default: this host)", NULL, false },
		{ "tls-verify", 0, CLI_BOOL, &o.tls_verify, "require https and verify certificates (default true)", NULL, false },
		{ "authfile", 0, CLI_STRING, &o.authfile, "credentials file (containers auth.json format)", NULL, false },
		{ "creds", 0, CLI_STRING, &o.creds, "user:password for the registry", NULL, false },
		{ "parallel", 0, CLI_INT, &o.parallel, "concurrent layer downloads (default 3)", NULL, false },
		{ "quiet", 'q', CLI_BOOL, &quiet, "print only the image id", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 1, 1) < 0) {
		free(a.pos);
		return 1;
	}
	struct hull_error err = { 0 };
	_cleanup_free_ char *digest = NULL;
	r = hl_pull(g->store, a.pos[0], &o, platform, quiet, &digest, &err);
	free(a.pos);
	if (r < 0)
		return cli_fail(&err);
	printf("%s\n", digest);
	return 0;
}
