/* cmd_unpack.c - `hull image unpack [--overlay] REF DIR`: an OCI bundle (DIR/rootfs +
 * DIR/config.json). Copy mode applies every layer into DIR/rootfs; --overlay mounts the
 * cached layer snapshots there instead (DIR/upper and DIR/work hold the writable layer;
 * `umount DIR/rootfs` before removing DIR). */
#include "unpack.h"
#include "common/util.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int unpack(const struct hl_store *s, const struct hl_image *img, const char *dir, bool overlay,
		  struct hull_error *err)
{
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s", dir);
	if (mkdir(rootfs, 0755) < 0)
		return hull_fail(err, errno, errno == EEXIST ? "%s already exists: unpack into a new directory" : "mkdir %s",
				 rootfs);
	int r;
	if (overlay) {
		int unpacked = 0;
		r = hl_snapshots_ensure(s, img, &unpacked, err);
		if (r == 0)
			r = hl_overlay_mount(s, img, dir, rootfs, false, err);
	} else {
		r = hl_unpack_copy(s, img, rootfs, err);
	}
	struct hl_bundle_opts o = { .keep_default_args = true };
	if (r == 0 && (r = hl_bundle_write_config(img, dir, &o, err)) < 0 && overlay)
		umount2(rootfs, MNT_DETACH);
	if (r < 0) {
		struct hull_error e = { 0 };
		hl_rm_rf(rootfs, &e);
		hull_error_clear(&e);
	}
	return r;
}

int hl_cmd_unpack(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	bool overlay = false;
	const struct cli_opt opts[] = {
		{ "overlay", 0, CLI_BOOL, &overlay, "mount the cached layers as an overlayfs instead of copying", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 2, 2) < 0) {
		free(a.pos);
		return 1;
	}
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	struct hl_image *img = NULL;
	_cleanup_free_ char *dir = cli_abspath(a.pos[1]);
	r = hl_store_open(g->store, false, &s, &err);
	if (r == 0)
		r = hl_image_load(s, a.pos[0], &img, &err);
	if (r == 0)
		r = unpack(s, img, dir, overlay, &err);
	hl_image_free(img);
	hl_store_close(s);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
