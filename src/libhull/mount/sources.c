/* sources.c - bind mount sources opened by hull itself before the container
 * init enters its user namespace (see hull_mount_sources_open in mount.h). */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>

static bool wants_tree(const struct hull_mount *m, const struct hull_mount_opts *o)
{
	return o->bind && !o->remount && m->source;
}

/* One source: a clone of it, made a slave so that nothing mounted inside the
 * container propagates back to the host (what the init's own clone, made in its rslave
 * copy of the mounts, would have been), then its idmap. */
static int open_source(const struct hull_spec *spec, size_t idx, const struct hull_mount_opts *o,
		       struct hull_error *err)
{
	const struct hull_mount *m = &spec->mounts[idx];
	_cleanup_free_ char *what = xasprintf("mounts[%zu]: mount %s on %s", idx, m->source, m->destination);
	_cleanup_close_ int tree =
		open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->rbind ? AT_RECURSIVE : 0));
	if (tree < 0)
		return hull_fail(err, errno, "%s: open_tree %s", what, m->source);
	if (hull_setattr(tree, true, 0, 0, MS_SLAVE, what, err) < 0)
		return -1;
	if ((o->idmap || m->n_uid_mappings || m->n_gid_mappings) && hull_mount_idmap(spec, m, o, tree, what, err) < 0)
		return -1;
	return steal_fd(&tree);
}

int hull_mount_sources_open(const struct hull_spec *spec, int **trees, struct hull_error *err)
{
	*trees = NULL;
	int *fds = NULL;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct hull_mount *m = &spec->mounts[i];
		struct hull_mount_opts o;
		hull_mount_opts_parse(m->options, hull_mount_is_bind(m), &o);
		if (!wants_tree(m, &o)) {
			hull_mount_opts_clear(&o);
			continue;
		}
		if (!fds) {
			fds = xcalloc(spec->n_mounts, sizeof(int));
			for (size_t j = 0; j < spec->n_mounts; j++)
				fds[j] = -1;
		}
		fds[i] = open_source(spec, i, &o, err);
		hull_mount_opts_clear(&o);
		if (fds[i] < 0) {
			hull_mount_sources_close(fds, spec->n_mounts);
			return -1;
		}
	}
	*trees = fds;
	return 0;
}

void hull_mount_sources_close(int *trees, size_t n)
{
	if (!trees)
		return;
	for (size_t i = 0; i < n; i++)
		if (trees[i] >= 0)
			close(trees[i]);
	free(trees);
}
