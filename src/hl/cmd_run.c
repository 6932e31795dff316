/* cmd_run.c - `hull image run`: image -> bundle in <store>/containers/<id> (an overlay of the
 * cached layer snapshots by default) -> libhull's hull_run(). Exit status as runc's (the
 * workload's, 128+N when killed by signal N); --rm removes container, bundle and overlay. */
#include "registry.h"
#include "unpack.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>

struct run_flags {
	bool rm, detach, terminal, copy;
	const char *name, *cwd, *user, *net;
	struct cli_list env, vols;
};

static char *random_id(void)
{
	unsigned char b[6] = { 0 };
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(rand() ^ getpid());
	return xasprintf("%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static int parse_volumes(const struct cli_list *v, struct hl_mount_arg **out, struct hull_error *err)
{
	struct hl_mount_arg *m = xcalloc(v->n + 1, sizeof(*m));
	*out = m;
	for (size_t i = 0; i < v->n; i++) {
		char *s = xstrdup(v->items[i]); /* src owns it, dst points into it */
		m[i].src = s;
		char *dst = strchr(s, ':');
		if (dst == NULL || dst == s)
			return hull_fail(err, EINVAL, "volume \"%s\": want SRC:DST[:ro|rw]", v->items[i]);
		*dst++ = '\0';
		char *mode = strchr(dst, ':');
		if (mode) {
			*mode++ = '\0';
			if (strcmp(mode, "ro") && strcmp(mode, "rw"))
				return hull_fail(err, EINVAL, "volume \"%s\": mode must be ro or rw", v->items[i]);
			m[i].ro = strcmp(mode, "ro") == 0;
		}
		m[i].dst = dst;
	}
	return 0;
}

static void free_mounts(struct hl_mount_arg **m)
{
	for (size_t i = 0; *m && (*m)[i].src; i++)
		free((char *)(*m)[i].src);
	free(*m);
}

/* -e K=V, or -e K to pass the caller's value (as docker does). */
static const char **env_args(const struct cli_list *l)
{
	const char **e = xcalloc(l->n + 1, sizeof(char *));
	for (size_t i = 0; i < l->n; i++) {
		const char *v = strchr(l->items[i], '=') ? NULL : getenv(l->items[i]);
		e[i] = v ? xasprintf("%s=%s", l->items[i], v) : l->items[i];
	}
	return e;
}

static int load_or_pull(struct hl_globals *g, const struct hl_store *s, const char *ref, struct hl_image **img,
			struct hull_error *err)
{
	if (hl_image_load(s, ref, img, err) == 0)
		return 0;
	if (err->errnum != ENOENT)
		return -1;
	hull_error_clear(err);
	/* Pull progress goes to stderr (as docker run's): stdout belongs to the workload. */
	struct hl_registry_opts o = { .tls_verify = true, .parallel = 3 };
	struct hull_error pe = { 0 };
	if (hl_pull(g->store, ref, &o, NULL, false, NULL, &pe) < 0) {
		cli_fail(&pe);
		return hull_fail(err, ENOENT, "image %s: not in the store and the pull failed", ref);
	}
	return hl_image_load(s, ref, img, err);
}

struct ctr {
	char *dir, *rootfs;
	bool made, mounted; /* made: the bundle directory is ours to remove */
};

static void ctr_cleanup(struct ctr *c, bool remove)
{
	struct hull_error e = { 0 };
	if (c->mounted && umount2(c->rootfs, MNT_DETACH) < 0)
		hull_warn("unmount %s: %s", c->rootfs, strerror(errno));
	c->mounted = false;
	if (remove && c->made && hl_rm_rf(c->dir, &e) < 0)
		hull_warn("%s", e.msg);
	hull_error_clear(&e);
}

/* The bundle: <store>/containers/<id>/{rootfs,upper,work,config.json}. */
static int make_bundle(const struct hl_store *s, const struct hl_image *img, const char *id, const struct run_flags *f,
		       struct hl_bundle_opts *bo, struct ctr *c, struct hull_error *err)
{
	_cleanup_free_ char *base = xasprintf("%s/containers", hl_store_dir(s));
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return hull_fail(err, errno, "mkdir %s", base);
	c->dir = xasprintf("%s/%s", base, id);
	c->rootfs = xasprintf("%s/rootfs", c->dir);
	if (mkdir(c->dir, 0700) < 0)
		return hull_fail(err, errno, errno == EEXIST ? "container name \"%s\" is already in use" : "mkdir %s",
				 errno == EEXIST ? id : c->dir);
	c->made = true;
	/* Mounting an overlay takes CAP_SYS_ADMIN here: unprivileged callers get a copy. */
	if (f->copy || geteuid() != 0) {
		if (hl_unpack_copy(s, img, c->rootfs, err) < 0)
			return -1;
	} else {
		int unpacked = 0;
		if (hl_snapshots_note_use(img, c->dir, err) < 0 || hl_snapshots_ensure(s, img, &unpacked, err) < 0)
			return -1;
		hull_debug("%d layer(s) unpacked", unpacked);
		if (hl_overlay_mount(s, img, c->dir, c->rootfs, f->rm, err) < 0)
			return -1;
		c->mounted = true;
	}
	return hl_bundle_write_config(img, c->dir, bo, err);
}

/* The id names a directory under the store: no "/", no "." or ".." (libhull checks it again). */
static bool id_ok(const char *id)
{
	if (*id == '\0' || strlen(id) > 128 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.' || *p == '+'))
			return false;
	return true;
}

static int run(struct hl_globals *g, const struct run_flags *f, char **pos, int npos, struct hull_error *err)
{
	if (f->name && !id_ok(f->name))
		return hull_fail(err, EINVAL, "--name \"%s\": use letters, digits and _ - . +", f->name);
	if (f->rm && f->detach)
		return hull_fail(err, EINVAL, "--rm and -d together: nothing would remain to clean up after a detached container");
	if (f->net && strcmp(f->net, "none") && strcmp(f->net, "host"))
		return hull_fail(err, EINVAL, "--net %s: want none or host", f->net);
	_cleanup_(free_mounts) struct hl_mount_arg *mounts = NULL;
	if (parse_volumes(&f->vols, &mounts, err) < 0)
		return -1;
	_cleanup_free_ const char **env = env_args(&f->env);
	bool host = f->net && strcmp(f->net, "host") == 0;
	struct hl_bundle_opts bo = { .args = npos > 1 ? pos + 1 : NULL, .env = env, .n_env = f->env.n,
				     .cwd = f->cwd, .user = f->user, .terminal = f->terminal,
				     .host_net = host, .mounts = mounts, .n_mounts = f->vols.n };
	_cleanup_free_ char *netns = xasprintf("/proc/%d/ns/net", (int)getpid());
	struct hl_store *s = NULL;
	struct hl_image *img = NULL;
	struct ctr c = { 0 };
	_cleanup_free_ char *id = f->name ? xstrdup(f->name) : random_id();
	_cleanup_free_ char *root = g->root ? xstrdup(g->root) : hull_default_root();
	struct hull_global_opts go = { .root = root, .cgroup_manager = HULL_CGROUP_MANAGER_CGROUPFS, .rootless = -1,
				       .debug = g->debug };
	int status = 1, r = hl_store_open(g->store, true, &s, err);
	if (r == 0)
		r = load_or_pull(g, s, pos[0], &img, err);
	/* --net none as root: the container joins a fresh netns of ours with lo up (after any pull). */
	if (r == 0 && !host && geteuid() == 0) {
		r = hl_netns_new_with_lo(err);
		bo.netns_path = netns;
	}
	bool loaded = false;
	if (r == 0) {
		loaded = true;
		r = make_bundle(s, img, id, f, &bo, &c, err);
	}
	if (r == 0) {
		struct hull_create_opts o = { .bundle = c.dir, .detach = f->detach, .keep = !f->rm };
		r = hull_run(&go, id, &o, &status, err);
	}
	/* Detached: the rootfs stays mounted for the running container. */
	if (!(r == 0 && f->detach) && loaded)
		ctr_cleanup(&c, f->rm || r < 0);
	free(c.dir);
	free(c.rootfs);
	hl_image_free(img);
	hl_store_close(s);
	return r < 0 ? -1 : status;
}

int hl_cmd_run(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	struct run_flags f = { 0 };
	const struct cli_opt opts[] = {
		{ "rm", 0, CLI_BOOL, &f.rm, "remove the container, its bundle and overlay when it exits", NULL, false },
		{ "detach", 'd', CLI_BOOL, &f.detach, "return once the container started", NULL, false },
		{ "name", 0, CLI_STRING, &f.name, "container id (default: random)", NULL, false },
		{ "env", 'e', CLI_LIST, &f.env, "set an environment variable K=V (K alone: the caller's value)", NULL, false },
		{ "volume", 'v', CLI_LIST, &f.vols, "bind mount SRC:DST[:ro]", NULL, false },
		{ "workdir", 'w', CLI_STRING, &f.cwd, "working directory inside the container", NULL, false },
		{ "user", 'u', CLI_STRING, &f.user, "user[:group] (names from the image's /etc/passwd, /etc/group)", NULL, false },
		{ "tty", 't', CLI_BOOL, &f.terminal, "allocate a pseudoterminal", NULL, false },
		{ "net", 0, CLI_STRING, &f.net, "none (own netns with loopback up, the default) or host", NULL, false },
		{ "copy", 0, CLI_BOOL, &f.copy, "unpack a private copy instead of mounting an overlay", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 1, 1, -1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	r = run(g, &f, a.pos, a.n, &err);
	free(f.env.items);
	free(f.vols.items);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : r;
}
