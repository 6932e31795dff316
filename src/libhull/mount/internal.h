/* internal.h - pieces shared by the rootfs steps (mount/ only). */
#ifndef HULL_MOUNT_INTERNAL_H
#define HULL_MOUNT_INTERNAL_H

#include "mount.h"

#include <stdint.h>

/* A spec mount's "options" split into what each kernel interface needs. */
struct hull_mount_opts {
	bool bind, rbind;
	bool remount;
	/* mount_setattr attributes: the top mount only, then the whole tree */
	uint64_t attr_set, attr_clr;
	uint64_t rattr_set, rattr_clr;
	bool has_attr, has_rattr;
	/* MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE, 0 when not asked */
	uint64_t propagation;
	bool propagation_rec;
	bool tmpcopyup;
	bool idmap, ridmap;
	/* superblock flags for fsconfig ("sync", "dirsync", "lazytime", ...) */
	char **sb_flags;
	/* filesystem-specific options ("size=64m", "mode=755"), handed to fsconfig */
	char **data;
	/* options starting with x- or X-: for userspace tools, ignored */
	size_t n_ignored;
};

/* Split `options` (NULL-terminated, may be NULL). `bind` says whether the mount is a
 * bind mount already by its type; the options may make it one too. Any option is
 * taken, as runc takes it: what is no mount flag is filesystem data. */
void hull_mount_opts_parse(char *const *options, bool bind, struct hull_mount_opts *out);
void hull_mount_opts_clear(struct hull_mount_opts *o);
/* Propagation option name ("rshared", "private", ...) -> MS_* flags incl. MS_REC; 0 if unknown. */
unsigned long hull_mount_propagation_flags(const char *name);
/* The i-th option name the table knows (for features and tests); NULL past the end. */
const char *hull_mount_option_name(size_t i);
/* Is this mount a bind mount (type "bind", or a "bind"/"rbind" option)? */
bool hull_mount_is_bind(const struct hull_mount *m);
/* True for the few files below /proc that may be mount destinations (lxcfs's). */
bool hull_mount_proc_entry_ok(const char *dest);

#include "mountapi.h"
#include "resolve.h"
#include "common/mountinfo.h"

/* ---- mount/copyup.c ---- */

/* Copy the contents of directory src_fd (readable) into dst_fd (tmpcopyup). */
int hull_copy_tree(int src_fd, int dst_fd, struct hull_error *err);

/* ---- mount/mountinfo.c ---- */

/* --no-pivot: lazily unmount every mount that is neither the rootfs (or below it)
 * nor one of its ancestors; best effort, mounts that cannot go are covered. */
void hull_detach_outside(const char *rootfs);
/* The mount `path` lies on (the deepest mount point at or above it), when it is shared,
 * becomes private (this namespace only): the bind of the rootfs onto itself then
 * stays in this namespace and pivot_root accepts it (runc's rootfsParentMountPrivate). */
int hull_private_if_shared_parent(const char *path, struct hull_error *err);
/* Compare absolute paths ignoring repeated and trailing slashes. */
bool hull_path_is(const char *path, const char *want);

/* ---- mount/dev.c ---- */

/* Does the spec mount a fresh filesystem on /dev (then hull fills it, as runc)? */
bool hull_dev_needs_setup(const struct hull_spec *spec);
/* Default devices + linux.devices, /dev symlinks, ptmx, /dev/console target. */
int hull_dev_setup(const struct hull_rootfs_ctx *ctx, int root_fd, struct hull_error *err);

/* ---- mount/cgroupfs.c ---- */

/* A spec mount of type "cgroup"/"cgroup2" onto target_fd. */
int hull_mount_cgroup(const struct hull_rootfs_ctx *ctx, int root_fd, const struct hull_mount *m,
		      const struct hull_mount_opts *o, const char *what, struct hull_error *err);

/* ---- mount/masked_paths.c ---- */

int hull_mask_paths(int root_fd, char *const *paths, struct hull_error *err);
int hull_readonly_paths(int root_fd, char *const *paths, struct hull_error *err);

/* ---- mount/idmap.c ---- */

/* A user namespace fd with the given mappings (for MOUNT_ATTR_IDMAP). */
/* Set MOUNT_ATTR_IDMAP on the detached tree: the mount's uidMappings/gidMappings, or
 * (plain "idmap") the container's own maps. */
int hull_mount_idmap(const struct hull_spec *spec, const struct hull_mount *m, const struct hull_mount_opts *o,
		     int tree, const char *what, struct hull_error *err);
int hull_userns_fd(const struct hull_id_mapping *uids, size_t n_uids, const struct hull_id_mapping *gids,
		   size_t n_gids, struct hull_error *err);

#endif
