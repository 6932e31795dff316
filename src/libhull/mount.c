/* mount.c - STUB (owner: rootfs work). Replace entirely. */
#include "mount.h"
int hull_rootfs_prepare(const struct hull_rootfs_ctx *ctx, struct hull_error *err) { (void)ctx; (void)err; return 0; }
int hull_rootfs_pivot(const struct hull_rootfs_ctx *ctx, struct hull_error *err) { (void)ctx; (void)err; return 0; }
int hull_rootfs_finalize(const struct hull_rootfs_ctx *ctx, struct hull_error *err) { (void)ctx; (void)err; return 0; }
int hull_rootfs_validate(const struct hull_spec *spec, struct hull_error *err) { (void)spec; (void)err; return 0; }
