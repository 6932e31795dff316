/* hl.h - shared declarations of hull-image: the command table, the content store and parsed images. */
#ifndef HULL_HL_H
#define HULL_HL_H

#include "../cli/cli.h"
#include "../libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>

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

#endif
