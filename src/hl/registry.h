/* registry.h - OCI distribution API v2 client (libcurl). */
#ifndef HULL_HL_REGISTRY_H
#define HULL_HL_REGISTRY_H

#include "hl.h"
#include "ref.h"

struct hl_progress;

struct hl_registry_opts {
	bool tls_verify;      /* false: plain http and no certificate checks */
	const char *authfile; /* --authfile, overrides the usual places */
	const char *creds;    /* --creds user:pass */
	int parallel;         /* concurrent blob downloads (default 3) */
};

struct hl_registry;

int hl_registry_open(const struct hl_ref *ref, const struct hl_registry_opts *o, struct hl_registry **out,
		     struct hull_error *err);
void hl_registry_close(struct hl_registry *r);
/* GET a manifest or index by tag or digest: size-capped, Content-Type checked, digest verified.
 * *digest is the sha256 of the exact bytes. */
int hl_registry_get_manifest(struct hl_registry *r, const char *tag_or_digest, char **buf, size_t *len,
			     char **media_type, char **digest, struct hull_error *err);
/* Download blobs missing from the store in parallel, verifying size and digest while streaming;
 * each verified blob is renamed into the store, nothing else ever becomes visible. */
int hl_registry_fetch_blobs(struct hl_registry *r, const struct hl_store *s, const struct hl_descriptor *d, size_t n,
			    struct hl_progress *pg, struct hull_error *err);

/* committer.c: fsync + rename of verified ingest files on a worker thread. push takes tmp
 * (a malloc'd path); finish waits for all, fsyncs blobs/ once, returns the first failure. */
struct hl_committer;
struct hl_committer *hl_committer_start(const struct hl_store *s);
void hl_committer_push(struct hl_committer *c, char *tmp, const char *digest);
int hl_committer_finish(struct hl_committer *c, struct hull_error *err);

/* progress.c */
/* The whole of `hull image pull` but the output: resolve ref (for platform, NULL: this
 * host's) at its registry, fetch what the store lacks, name it; progress on stderr
 * unless quiet. *digest (if asked): the stored manifest's digest, to free. */
int hl_pull(const char *store_dir, const char *ref, const struct hl_registry_opts *o, const char *platform, bool quiet,
	    char **digest, struct hull_error *err);

struct hl_progress *hl_progress_new(bool quiet);
void hl_progress_free(struct hl_progress *p);
void hl_progress_update(struct hl_progress *p, size_t idx, const char *digest, uint64_t done, uint64_t total);
void hl_progress_done(struct hl_progress *p, size_t idx, const char *digest, uint64_t total, const char *what);
void hl_progress_line(struct hl_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
