/* unpack.h - from stored layers to a root filesystem and a bundle: the decompressing,
 * hashing layer stream (layer_stream.c), the safe tar applier (layer.c), the per-layer
 * snapshot cache and overlay rootfs (snapshot.c) and the config.json conversion (bundle.c). */
#ifndef HULL_HL_UNPACK_H
#define HULL_HL_UNPACK_H

#include "hl.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- layer_stream.c: blob -> decompressed tar bytes, both digests on the way ---- */
struct hl_layer_stream;

/* fd is a stored blob (not closed by the stream); the compression follows the media type
 * (sniffed from the magic bytes when the type says nothing). */
int hl_layer_stream_open(int fd, const char *media_type, struct hl_layer_stream **out, struct hull_error *err);
/* Next chunk of the uncompressed tar: >0 bytes in *buf, 0 at the end, -1 on error. */
ssize_t hl_layer_stream_read(struct hl_layer_stream *s, const void **buf, struct hull_error *err);
/* Read to the end (tar padding after the end-of-archive blocks is part of both digests)
 * and compare the digests (either may be NULL: not checked). */
int hl_layer_stream_finish(struct hl_layer_stream *s, const char *blob_digest, const char *diff_id,
			   struct hull_error *err);
bool hl_layer_stream_at_eof(const struct hl_layer_stream *s);
uint64_t hl_layer_stream_bytes(const struct hl_layer_stream *s);
void hl_layer_stream_free(struct hl_layer_stream *s);

/* ---- layer.c: apply one layer's changeset below rootfd ------------------------- */
struct hl_layer_opts {
	const char *media_type;
	const char *blob_digest; /* NULL: not re-verified */
	const char *diff_id;     /* NULL: not verified (import of a bare tar) */
};

/* Every entry is written with *at() calls below rootfd (parents resolved with openat2
 * RESOLVE_IN_ROOT), whiteouts remove what lower layers put there. On error the tree
 * is left half-written: callers apply into a scratch directory. */
int hl_layer_apply(int rootfd, int blobfd, const struct hl_layer_opts *o, struct hull_error *err);

/* Remove whatever is at dfd/name, a whole tree for a directory, without following symlinks
 * or crossing into mounts (EBUSY then); absent is fine. 0 or -1 with errno. */
int hl_remove_at(int dfd, const char *name);

/* inroot.c: openat2(rootfd, path, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV), or the
 * same resolution in userspace without openat2 (HULL_IMAGE_NO_OPENAT2=1 forces it); "" is the root. */
int hl_open_in_root(int rootfd, const char *path, int flags);

/* ---- snapshot.c: layer cache and rootfs construction ------------------------------ */
/* The chain ids of an image's layers (image-spec config.md), n = img->cfg.n_diff_ids. */
char **hl_chain_ids(const struct hl_image *img);
/* Make sure every layer of img has its snapshot <store>/snapshots/<chain hex>/fs; *unpacked
 * gets the number of layers that had to be unpacked now. */
int hl_snapshots_ensure(const struct hl_store *s, const struct hl_image *img, int *unpacked, struct hull_error *err);
/* Mount an overlayfs of img's snapshots at rootfs, upper and work in state_dir/{upper,work};
 * is_volatile for a throw-away upper layer (overlayfs "volatile": never synced). */
int hl_overlay_mount(const struct hl_store *s, const struct hl_image *img, const char *state_dir,
		     const char *rootfs, bool is_volatile, struct hull_error *err);
/* `prune`: remove snapshots no named image and no container of `run` uses (and debris). */
int hl_snapshots_prune(const struct hl_store *s, size_t *removed, struct hull_error *err);
/* Record in bundle/chain which snapshots a container's overlay uses (prune keeps them). */
int hl_snapshots_note_use(const struct hl_image *img, const char *bundle, struct hull_error *err);
/* Copy mode: apply every layer in turn into the (empty) directory rootfs. */
int hl_unpack_copy(const struct hl_store *s, const struct hl_image *img, const char *rootfs, struct hull_error *err);
/* Remove a directory tree without following symlinks or crossing mounts. */
int hl_rm_rf(const char *path, struct hull_error *err);

/* ---- bundle.c: config.json from the image config ------------------------------------ */
struct hl_mount_arg {
	const char *src, *dst;
	bool ro;
};

struct hl_bundle_opts {
	char **args;      /* replaces Cmd (Entrypoint stays) when non-NULL */
	const char **env; /* K=V, override the image's */
	size_t n_env;
	const char *cwd;
	const char *user;
	bool terminal;
	bool host_net;          /* no network namespace entry: the host's */
	const char *netns_path; /* join this network namespace instead of making one */
	struct hl_mount_arg *mounts;
	size_t n_mounts;
	bool keep_default_args; /* no Entrypoint/Cmd: keep the default args instead of failing */
};

/* Write bundle/config.json for img; bundle/rootfs must already hold the tree (the user
 * is looked up in its /etc/passwd and /etc/group). */
int hl_bundle_write_config(const struct hl_image *img, const char *bundle, const struct hl_bundle_opts *o,
			   struct hull_error *err);

/* netns.c: move the calling process into a new network namespace with lo up. */
int hl_netns_new_with_lo(struct hull_error *err);

#endif
