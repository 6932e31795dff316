/* bundle.c - config.json for an image (image-spec conversion.md): hull spec's defaults
 * (mounts, capabilities, masks, namespaces) with the image config's Env, Entrypoint+Cmd,
 * WorkingDir, User and annotations, then the user's overrides from `image run`. */
#include "bundle_user.h"
#include "unpack.h"
#include "common/json.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>

/* ---- editing a yajl tree (nodes are malloc'd exactly as yajl_tree_free frees them) ---- */

static yajl_val jnew(yajl_type t)
{
	yajl_val v = xzalloc(sizeof(*v));
	v->type = t;
	return v;
}

static yajl_val jstr(const char *s)
{
	yajl_val v = jnew(yajl_t_string);
	v->u.string = xstrdup(s);
	return v;
}

static yajl_val juint(unsigned long long n)
{
	yajl_val v = jnew(yajl_t_number);
	v->u.number.i = (long long)n;
	v->u.number.r = xasprintf("%llu", n);
	v->u.number.flags = YAJL_NUMBER_INT_VALID;
	return v;
}

static void jpush(yajl_val arr, yajl_val v)
{
	arr->u.array.values = xrealloc(arr->u.array.values, (arr->u.array.len + 1) * sizeof(yajl_val));
	arr->u.array.values[arr->u.array.len++] = v;
}

static yajl_val jstrv(char *const *v)
{
	yajl_val a = jnew(yajl_t_array);
	for (size_t i = 0; v && v[i]; i++)
		jpush(a, jstr(v[i]));
	return a;
}

static void jset(yajl_val obj, const char *key, yajl_val v)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			yajl_tree_free(obj->u.object.values[i]);
			obj->u.object.values[i] = v;
			return;
		}
	size_t n = obj->u.object.len + 1;
	obj->u.object.keys = xrealloc(obj->u.object.keys, n * sizeof(char *));
	obj->u.object.values = xrealloc(obj->u.object.values, n * sizeof(yajl_val));
	obj->u.object.keys[n - 1] = xstrdup(key);
	obj->u.object.values[n - 1] = v;
	obj->u.object.len = n;
}

/* The object at key, created when missing. */
static yajl_val jobj(yajl_val obj, const char *key)
{
	yajl_val v = hull_json_member(obj, key);
	if (v && YAJL_IS_OBJECT(v))
		return v;
	v = jnew(yajl_t_object);
	jset(obj, key, v);
	return v;
}

static void jemit(yajl_gen g, yajl_val v)
{
	switch (v->type) {
	case yajl_t_string:
		hull_jgen_str(g, v->u.string);
		break;
	case yajl_t_number:
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			hull_jgen_key(g, v->u.object.keys[i]);
			jemit(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			jemit(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
		break;
	case yajl_t_true:
		yajl_gen_bool(g, 1);
		break;
	case yajl_t_false:
		yajl_gen_bool(g, 0);
		break;
	default:
		yajl_gen_null(g);
	}
}

/* ---- the conversion ---- */

static size_t env_name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* Set (replace by name or append) one K=V in a NULL-terminated list. */
static char **env_set(char **env, size_t *n, const char *kv)
{
	size_t len = env_name_len(kv);
	for (size_t i = 0; i < *n; i++)
		if (env_name_len(env[i]) == len && strncmp(env[i], kv, len) == 0) {
			free(env[i]);
			env[i] = xstrdup(kv);
			return env;
		}
	env = xrealloc(env, (*n + 2) * sizeof(char *));
	env[(*n)++] = xstrdup(kv);
	env[*n] = NULL;
	return env;
}

static bool env_has(char *const *env, const char *name)
{
	for (size_t i = 0; env && env[i]; i++)
		if (env_name_len(env[i]) == strlen(name) && strncmp(env[i], name, strlen(name)) == 0)
			return true;
	return false;
}

/* Defaults first (PATH, TERM), the image's Env over them, the user's -e over both; HOME from passwd. */
static void set_env(yajl_val proc, const struct hl_image *img, const struct hl_bundle_opts *o, int rootfd,
		    unsigned uid)
{
	char **env = xcalloc(1, sizeof(char *));
	size_t n = 0;
	yajl_val def = hull_json_member(proc, "env");
	for (size_t i = 0; def && YAJL_IS_ARRAY(def) && i < def->u.array.len; i++)
		if (YAJL_IS_STRING(def->u.array.values[i]))
			env = env_set(env, &n, def->u.array.values[i]->u.string);
	for (size_t i = 0; img->cfg.env && img->cfg.env[i]; i++)
		env = env_set(env, &n, img->cfg.env[i]);
	for (size_t i = 0; i < o->n_env; i++)
		env = env_set(env, &n, o->env[i]);
	if (!env_has(env, "HOME")) {
		_cleanup_free_ char *home = hl_user_home(rootfd, uid);
		_cleanup_free_ char *kv = xasprintf("HOME=%s", home ? home : "/");
		env = env_set(env, &n, kv);
	}
	jset(proc, "env", jstrv(env));
	hull_free_strv(env);
}

static int set_args(yajl_val proc, const struct hl_image *img, const struct hl_bundle_opts *o, struct hull_error *err)
{
	yajl_val args = jstrv(img->cfg.entrypoint);
	char **cmd = o->args ? o->args : img->cfg.cmd;
	for (size_t i = 0; cmd && cmd[i]; i++)
		jpush(args, jstr(cmd[i]));
	if (args->u.array.len == 0) {
		yajl_tree_free(args);
		if (o->keep_default_args)
			return 0; /* unpack: hull spec's "sh" stands in */
		return hull_fail(err, EINVAL, "image has no Entrypoint or Cmd: give a command");
	}
	jset(proc, "args", args);
	return 0;
}

static int set_user(yajl_val proc, const struct hl_image *img, const struct hl_bundle_opts *o, int rootfd,
		    unsigned *uid, struct hull_error *err)
{
	struct hl_user u;
	if (hl_user_resolve(rootfd, o->user ? o->user : img->cfg.user, &u, err) < 0)
		return -1;
	yajl_val user = jnew(yajl_t_object);
	jset(user, "uid", juint(u.uid));
	jset(user, "gid", juint(u.gid));
	if (u.n_groups) {
		yajl_val g = jnew(yajl_t_array);
		for (size_t i = 0; i < u.n_groups; i++)
			jpush(g, juint(u.groups[i]));
		jset(user, "additionalGids", g);
	}
	jset(proc, "user", user);
	*uid = u.uid;
	free(u.name);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_annotations(yajl_val root, const struct hl_image *img)
{
	yajl_val an = jobj(root, "annotations");
	const struct {
		const char *key, *val;
	} implicit[] = {
		{ "org.opencontainers.image.os", img->cfg.os },
		{ "org.opencontainers.image.architecture", img->cfg.architecture },
		{ "org.opencontainers.image.variant", img->cfg.variant },
		{ "org.opencontainers.image.stopSignal", img->cfg.stop_signal },
	};
	for (size_t i = 0; i < ARRAY_SIZE(implicit); i++)
		if (implicit[i].val && *implicit[i].val)
			jset(an, implicit[i].key, jstr(implicit[i].val));
	if (img->cfg.exposed_ports && img->cfg.exposed_ports[0]) {
		/* Sorted, as umoci writes them. */
		qsort(img->cfg.exposed_ports, hull_strv_len(img->cfg.exposed_ports), sizeof(char *), cmp_str);
		size_t len = 1;
		for (size_t i = 0; img->cfg.exposed_ports[i]; i++)
			len += strlen(img->cfg.exposed_ports[i]) + 1;
		_cleanup_free_ char *s = xzalloc(len);
		for (size_t i = 0; img->cfg.exposed_ports[i]; i++) {
			if (i)
				strcat(s, ",");
			strcat(s, img->cfg.exposed_ports[i]);
		}
		jset(an, "org.opencontainers.image.exposedPorts", jstr(s));
	}
	/* Labels last: they win over the implicit values (conversion.md). */
	for (size_t i = 0; i < img->cfg.n_labels; i++)
		jset(an, img->cfg.labels[i].key, jstr(img->cfg.labels[i].value));
}

static int add_mounts(yajl_val root, const struct hl_bundle_opts *o, struct hull_error *err)
{
	yajl_val mounts = hull_json_member(root, "mounts");
	if (mounts == NULL || !YAJL_IS_ARRAY(mounts)) {
		mounts = jnew(yajl_t_array);
		jset(root, "mounts", mounts);
	}
	for (size_t i = 0; i < o->n_mounts; i++) {
		const struct hl_mount_arg *m = &o->mounts[i];
		if (m->dst[0] != '/')
			return hull_fail(err, EINVAL, "volume %s:%s: the destination must be absolute", m->src, m->dst);
		_cleanup_free_ char *src = realpath(m->src, NULL);
		if (src == NULL)
			return hull_fail(err, errno, "volume source %s", m->src);
		yajl_val mnt = jnew(yajl_t_object);
		jset(mnt, "destination", jstr(m->dst));
		jset(mnt, "type", jstr("bind"));
		jset(mnt, "source", jstr(src));
		char *opts[] = { "rbind", m->ro ? "ro" : "rw", NULL };
		jset(mnt, "options", jstrv(opts));
		jpush(mounts, mnt);
	}
	return 0;
}

/* --net host drops the network namespace of the defaults; a path makes the container join one. */
static void set_netns(yajl_val root, bool host, const char *path)
{
	yajl_val ns = hull_json_member(hull_json_member(root, "linux"), "namespaces");
	if (ns == NULL || !YAJL_IS_ARRAY(ns) || (!host && path == NULL))
		return;
	for (size_t i = 0; i < ns->u.array.len; i++) {
		yajl_val t = hull_json_member(ns->u.array.values[i], "type");
		if (t == NULL || !YAJL_IS_STRING(t) || strcmp(t->u.string, "network") != 0)
			continue;
		if (!host) {
			jset(ns->u.array.values[i], "path", jstr(path));
			return;
		}
		yajl_tree_free(ns->u.array.values[i]);
		memmove(&ns->u.array.values[i], &ns->u.array.values[i + 1], (ns->u.array.len - i - 1) * sizeof(yajl_val));
		ns->u.array.len--;
		return;
	}
}

static int convert(yajl_val root, const struct hl_image *img, const struct hl_bundle_opts *o, int rootfd,
		   struct hull_error *err)
{
	yajl_val proc = jobj(root, "process");
	unsigned uid = 0;
	if (set_args(proc, img, o, err) < 0 || set_user(proc, img, o, rootfd, &uid, err) < 0)
		return -1;
	set_env(proc, img, o, rootfd, uid);
	const char *cwd = o->cwd ? o->cwd : (img->cfg.working_dir && *img->cfg.working_dir ? img->cfg.working_dir : "/");
	if (cwd[0] != '/')
		return hull_fail(err, EINVAL, "working directory %s: must be absolute", cwd);
	jset(proc, "cwd", jstr(cwd));
	jset(proc, "terminal", jnew(o->terminal ? yajl_t_true : yajl_t_false));
	yajl_val rootobj = jobj(root, "root");
	jset(rootobj, "path", jstr("rootfs"));
	jset(rootobj, "readonly", jnew(yajl_t_false));
	set_annotations(root, img);
	set_netns(root, o->host_net, o->netns_path);
	return add_mounts(root, o, err);
}

int hl_bundle_write_config(const struct hl_image *img, const char *bundle, const struct hl_bundle_opts *o,
			   struct hull_error *err)
{
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", bundle);
	_cleanup_close_ int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return hull_fail(err, errno, "open %s", rootfs);
	_cleanup_free_ char *def = hull_spec_default_json(geteuid() != 0);
	yajl_val root;
	if (hull_json_parse(def, strlen(def), "default spec", &root, err) < 0)
		return -1;
	int r = convert(root, img, o, rootfd, err);
	if (r == 0) {
		yajl_gen g = hull_jgen_new("\t");
		jemit(g, root);
		_cleanup_free_ char *text = hull_jgen_finish(g);
		_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
		/* No fsync: a bundle is rebuilt from the image at will (and fsync costs ms per run). */
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		int e = fd < 0 ? -errno : hull_write_all(fd, text, strlen(text));
		if (e < 0)
			r = hull_fail(err, -e, "write %s", path);
	}
	yajl_tree_free(root);
	return r;
}
