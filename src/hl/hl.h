/* hl.h - shared declarations of hull-image: the command table, the content store and parsed images. */
#ifndef HULL_HL_H
#define HULL_HL_H

#include "common/args.h"
#include "libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- global options of hull-image ------------------------------------------ */
struct hl_globals {
	const char *store; /* content store dir (default /var/lib/hull, ~/.local/share/hull when not root) */
	const char *root;  /* runtime state root passed to libhull (default as hull's) */
	bool debug;
};

/* Every hull-image command: `int hl_cmd_NAME(const struct cli_command *, int, char **, struct hl_globals *)`. */
#define HL_COMMANDS(X) X(pull) X(ls) X(rm) X(inspect) X(import) X(unpack) X(run) X(prune)
#define HL_DECLARE(name) int hl_cmd_##name(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g);
HL_COMMANDS(HL_DECLARE)
#undef HL_DECLARE

/* ---- content store (store.c): an OCI image layout --------------------------- */
struct hl_store;

int hl_store_open(const char *dir, bool create, struct hl_store **out, struct hull_error *err);
void hl_store_close(struct hl_store *s);
const char *hl_store_dir(const struct hl_store *s);
/* "<dir>/blobs/sha256/<hex>" for a "sha256:<hex>" digest (validated). Caller frees. */
char *hl_store_blob_path(const struct hl_store *s, const char *digest);
bool hl_store_has_blob(const struct hl_store *s, const char *digest);
/* Read a whole blob (at most max bytes) and verify its digest. */
int hl_store_read_blob(const struct hl_store *s, const char *digest, size_t max, char **data, size_t *len,
		       struct hull_error *err);
/* Find the manifest digest for a reference: a normalised name ("docker.io/library/busybox:latest"),
 * a short name the way a user types it, a full digest, or a unique image-id prefix. */
int hl_store_resolve(const struct hl_store *s, const char *ref, char **manifest_digest, struct hull_error *err);

/* ---- parsed images (image.c) ------------------------------------------------ */
struct hl_descriptor {
	char *media_type;
	char *digest;
	int64_t size;
};

struct hl_image_config {
	char *os, *architecture, *variant;
	char *user;
	char **env;         /* NULL-terminated */
	char **entrypoint;  /* NULL if absent */
	char **cmd;         /* NULL if absent */
	char *working_dir;
	char **exposed_ports; /* "80/tcp", ... */
	char **volumes;
	char *stop_signal;
	struct hl_label { char *key, *value; } *labels;
	size_t n_labels;
	char **diff_ids; /* rootfs.diff_ids, in layer order */
	size_t n_diff_ids;
};

struct hl_image {
	char *manifest_digest;
	struct hl_descriptor config;
	struct hl_descriptor *layers;
	size_t n_layers;
	struct hl_image_config cfg;
};

/* Load a stored image (manifest + config) resolved from ref. */
int hl_image_load(const struct hl_store *s, const char *ref, struct hl_image **out, struct hull_error *err);
void hl_image_free(struct hl_image *img);

/* ---- store extensions (store.c) --------------------------------------------- */
#define HL_MAX_MANIFEST (4u << 20) /* distribution and containerd refuse larger manifests */
#define HL_REF_ANNOTATION "org.opencontainers.image.ref.name"
#define HL_INDEX_ANNOTATION "io.hull.index.digest" /* the index as pulled, for multi-arch pinning */

/* One named entry of index.json. */
struct hl_store_ref {
	char *name;         /* normalised reference */
	struct hl_descriptor desc; /* the (platform-selected) manifest */
	char *index_digest; /* NULL unless pulled through an index */
};

/* Default store dir: /var/lib/hull for root, ~/.local/share/hull otherwise. Caller frees. */
char *hl_store_default_dir(void);
/* Whole-store lock (flock on <dir>/.lock): exclusive for writers of index.json and GC. Returns an fd. */
int hl_store_lock(const struct hl_store *s, bool exclusive, struct hull_error *err);
int hl_store_list(const struct hl_store *s, struct hl_store_ref **refs, size_t *n, struct hull_error *err);
void hl_store_refs_free(struct hl_store_ref *refs, size_t n);
/* Add or replace the entry called ref->name (takes the lock itself). */
int hl_store_set_ref(const struct hl_store *s, const struct hl_store_ref *ref, struct hull_error *err);
/* Remove the entry called name; -ENOENT-style failure if absent. */
int hl_store_remove_ref(const struct hl_store *s, const char *name, struct hull_error *err);
/* Write a blob from memory after checking its digest. */
int hl_store_put_blob(const struct hl_store *s, const char *digest, const void *data, size_t len, struct hull_error *err);
/* Ingest: a temp file in <dir>/ingest/ (never under blobs/), committed by rename after verification. */
int hl_store_ingest_open(const struct hl_store *s, const char *digest, char **tmp_path, int *fd, struct hull_error *err);
/* fsync + rename tmp_path to the blob path; the caller has verified the content. */
int hl_store_ingest_commit(const struct hl_store *s, const char *tmp_path, const char *digest, struct hull_error *err);
/* The same without the blobs/ directory fsync, for batches: call hl_store_sync_blobs once after. */
int hl_store_ingest_commit_nodirsync(const struct hl_store *s, const char *tmp_path, const char *digest,
				     struct hull_error *err);
void hl_store_sync_blobs(const struct hl_store *s);
/* Mark and sweep from index.json; also removes stale ingest files. */
int hl_store_gc(const struct hl_store *s, size_t *removed, uint64_t *freed, struct hull_error *err);
/* "sha256:<64 lowercase hex>" */
bool hl_digest_valid(const char *digest);
/* sha256 of a buffer as "sha256:<hex>". Caller frees. */
char *hl_sha256_digest(const void *data, size_t len);

/* Parse and free manifest/config documents without the store (image.c). */
int hl_image_parse(const char *manifest, size_t mlen, const char *config, size_t clen, struct hl_image **out,
		   struct hull_error *err);
/* Reject JSON nested deeper than max (yajl's tree parser has no limit of its own). */
bool hl_json_depth_ok(const char *buf, size_t len, int max);

/* ---- platforms and indexes (image.c) ----------------------------------------- */
struct hl_platform {
	char os[32], arch[32], variant[16];
};
/* The host's platform (linux/amd64, linux/arm64/v8, ...). */
void hl_platform_host(struct hl_platform *p);
/* "os/arch[/variant]" with containerd's normalisation (x86_64 -> amd64, aarch64 -> arm64, armhf -> arm/v7). */
int hl_platform_parse(const char *s, struct hl_platform *p, struct hull_error *err);
/* Choose the best entry of an image index for p; unknown media types and unknown/unknown
 * attestation entries are skipped. The chosen descriptor may itself be an index. */
int hl_index_select(const char *buf, size_t len, const struct hl_platform *p, struct hl_descriptor *out,
		    struct hull_error *err);
void hl_descriptor_clear(struct hl_descriptor *d);
bool hl_media_is_index(const char *mt);
bool hl_media_is_manifest(const char *mt);

#endif
