/* spec.c - config.json -> struct hull_spec: the top level (version, root, mounts, hooks,
 * annotations), loading from a file and freeing.
 *
 * The process, linux, resources and seccomp sections live in process.c, linux.c,
 * resources.c and seccomp.c; the field readers they all use in fields.c. Parsing has
 * no side effects. */
#define _GNU_SOURCE
#include "sections.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>

/* config.json files are small; anything this big is a mistake or an attack. */
#define SPEC_MAX_FILE_SIZE (16u << 20)

/* ---- top-level sections ----------------------------------------------------------------- */

/* ociVersion: runc 1.1.5 never reads it, so a config without one, or with any text
 * there, runs. Not 1.x: other majors may mean other things: say so, and read it as 1.x. */
void hull_spec_check_version(const char *v)
{
	if (!v)
		return;
	const char *p = v;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p - v != 1 || v[0] != '1' || (*p && *p != '.' && *p != '-' && *p != '+'))
		hull_warn("config.json: ociVersion \"%.100s\" is not a 1.x version: read as 1.x", v);
}

static int parse_root(struct hull_json *j, yajl_val top, struct hull_spec *s)
{
	yajl_val root = NULL;
	int r = hull_json_get_object(j, top, "root", false, &root);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "root");
	if (hull_json_get_string(j, root, "path", true, &s->root_path) < 0 ||
	    hull_json_get_bool(j, root, "readonly", &s->root_readonly) < 0)
		return -1;
	if (!*s->root_path)
		return hull_json_fail_at(j, "path", "must not be empty");
	hull_json_pop(j, mark);
	return 0;
}

static int parse_mount(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_mount *m = elem;
	if (hull_json_get_string(j, v, "destination", true, &m->destination) < 0)
		return -1;
	if (!*m->destination)
		return hull_json_fail_at(j, "destination", "must not be empty");
	/* Relative destinations are deprecated but allowed: they are relative to "/". */
	if (m->destination[0] != '/') {
		char *abs = xasprintf("/%s", m->destination);
		free(m->destination);
		m->destination = abs;
		m->relative_destination = true;
	}
	if (hull_json_get_string(j, v, "type", false, &m->type) < 0 ||
	    hull_json_get_string(j, v, "source", false, &m->source) < 0 ||
	    hull_json_get_strv(j, v, "options", false, &m->options) < 0 ||
	    spec_id_mappings(j, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
	    spec_id_mappings(j, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
		return -1;
	return 0;
}

static int parse_hook(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_hook *h = elem;
	int64_t timeout = 0;
	int r;
	if (spec_abs_path(j, v, "path", true, &h->path) < 0 || hull_json_get_strv(j, v, "args", false, &h->args) < 0 ||
	    hull_json_get_strv(j, v, "env", false, &h->env) < 0 ||
	    (r = hull_json_get_i64(j, v, "timeout", false, INT64_MIN, INT64_MAX, &timeout)) < 0)
		return -1;
	if (r > 0) {
		if (timeout <= 0)
			return hull_json_fail_at(j, "timeout", "must be greater than zero, got %" PRId64, timeout);
		if (timeout > INT32_MAX)
			return hull_json_fail_at(j, "timeout", "%" PRId64 " is out of range (maximum %d)", timeout,
						 INT32_MAX);
		h->has_timeout = true;
		h->timeout = (int32_t)timeout;
	}
	return 0;
}

static int parse_hooks(struct hull_json *j, yajl_val top, struct hull_hooks *h)
{
	static const struct {
		const char *name;
		size_t offset;
	} lists[] = {
		{ "prestart", offsetof(struct hull_hooks, prestart) },
		{ "createRuntime", offsetof(struct hull_hooks, create_runtime) },
		{ "createContainer", offsetof(struct hull_hooks, create_container) },
		{ "startContainer", offsetof(struct hull_hooks, start_container) },
		{ "poststart", offsetof(struct hull_hooks, poststart) },
		{ "poststop", offsetof(struct hull_hooks, poststop) },
	};
	yajl_val hooks = NULL;
	int r = hull_json_get_object(j, top, "hooks", false, &hooks);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, "hooks");
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		struct hull_hook_list *l = (struct hull_hook_list *)((char *)h + lists[i].offset);
		if (spec_object_array(j, hooks, lists[i].name, false, sizeof(struct hull_hook), (void **)&l->hooks,
				      &l->n, parse_hook) < 0)
			return -1;
	}
	hull_json_pop(j, mark);
	return 0;
}

/* Checks that span sections, done once everything is parsed. */
static int check_cross(struct hull_json *j, const struct hull_spec *s)
{
	if (s->hostname && *s->hostname && !hull_spec_namespace(s, HULL_NS_UTS))
		return hull_json_fail_at(j, "hostname", "setting the hostname needs a uts namespace in linux.namespaces");
	if (s->domainname && *s->domainname && !hull_spec_namespace(s, HULL_NS_UTS))
		return hull_json_fail_at(j, "domainname",
					 "setting the domainname needs a uts namespace in linux.namespaces");
	return 0;
}

static int parse_spec(struct hull_json *j, yajl_val top, struct hull_spec *s)
{
	if (hull_json_want_object(j, top) < 0)
		return -1;
	if (hull_json_get_string(j, top, "ociVersion", false, &s->oci_version) < 0)
		return -1;
	if (parse_root(j, top, s) < 0 ||
	    spec_object_array(j, top, "mounts", false, sizeof(struct hull_mount), (void **)&s->mounts, &s->n_mounts,
			      parse_mount) < 0)
		return -1;
	yajl_val v = NULL;
	int r = hull_json_get_object(j, top, "process", false, &v);
	if (r < 0)
		return -1;
	if (r > 0) {
		size_t mark = hull_json_push_key(j, "process");
		if (spec_parse_process_obj(j, v, &s->process) < 0)
			return -1;
		hull_json_pop(j, mark);
	}
	if (hull_json_get_string(j, top, "hostname", false, &s->hostname) < 0 ||
	    hull_json_get_string(j, top, "domainname", false, &s->domainname) < 0 || parse_hooks(j, top, &s->hooks) < 0 ||
	    spec_string_map(j, top, "annotations", &s->annotations, &s->n_annotations) < 0)
		return -1;
	v = NULL;
	if ((r = hull_json_get_object(j, top, "linux", false, &v)) < 0)
		return -1;
	if (r > 0) {
		size_t mark = hull_json_push_key(j, "linux");
		if (spec_parse_linux_obj(j, v, &s->linux_) < 0)
			return -1;
		hull_json_pop(j, mark);
	}
	return check_cross(j, s);
}

static int parse_doc(const char *json, size_t len, const char *doc, struct hull_spec **out, struct hull_error *err)
{
	*out = NULL;
	yajl_val top = NULL;
	if (hull_json_parse(json, len, doc, &top, err) < 0)
		return -1;
	struct hull_json j;
	hull_json_init(&j, doc, err);
	struct hull_spec *s = xzalloc(sizeof(*s));
	int r = parse_spec(&j, top, s);
	yajl_tree_free(top);
	if (r < 0) {
		hull_spec_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int hull_spec_parse(const char *json, size_t len, struct hull_spec **out, struct hull_error *err)
{
	return parse_doc(json, len, "config.json", out, err);
}

int hull_spec_load(const char *path, struct hull_spec **out, struct hull_error *err)
{
	*out = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = hull_read_file_at(AT_FDCWD, path, SPEC_MAX_FILE_SIZE, &text, &len);
	if (r == -EFBIG)
		return hull_fail(err, 0, "%s: file too large (limit %u MiB)", path, SPEC_MAX_FILE_SIZE >> 20);
	if (r < 0)
		return hull_fail(err, -r, "read %s", path);
	_cleanup_free_ char *copy = xstrdup(path);
	return parse_doc(text, len, basename(copy), out, err);
}

int hull_spec_validate_file(const char *path, struct hull_error *err)
{
	struct hull_spec *s = NULL;
	if (hull_spec_load(path, &s, err) < 0)
		return -1;
	hull_spec_free(s);
	return 0;
}

int hull_spec_parse_process(const char *json, size_t len, struct hull_process *out, struct hull_error *err)
{
	memset(out, 0, sizeof(*out));
	yajl_val top = NULL;
	if (hull_json_parse(json, len, "process.json", &top, err) < 0)
		return -1;
	struct hull_json j;
	hull_json_init(&j, "process.json", err);
	int r = hull_json_want_object(&j, top) < 0 ? -1 : spec_parse_process_obj(&j, top, out);
	yajl_tree_free(top);
	if (r < 0)
		hull_process_clear(out);
	return r < 0 ? -1 : 0;
}

int hull_spec_parse_resources(const char *json, size_t len, struct hull_resources *out, struct hull_error *err)
{
	memset(out, 0, sizeof(*out));
	yajl_val top = NULL;
	if (hull_json_parse(json, len, "resources.json", &top, err) < 0)
		return -1;
	struct hull_json j;
	hull_json_init(&j, "resources.json", err);
	int r = hull_json_want_object(&j, top) < 0 ? -1 : spec_parse_resources_obj(&j, top, out);
	yajl_tree_free(top);
	if (r < 0)
		hull_resources_clear(out);
	return r < 0 ? -1 : 0;
}

/* ---- lookups and freeing ---------------------------------------------------------------------- */

const struct hull_namespace *hull_spec_namespace(const struct hull_spec *spec, enum hull_ns_type type)
{
	for (size_t i = 0; spec && i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type == type)
			return &spec->linux_.namespaces[i];
	return NULL;
}

const char *hull_kv_get(const struct hull_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; kv && i < n; i++)
		if (kv[i].key && strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

static void hook_list_free(struct hull_hook_list *l)
{
	for (size_t i = 0; l->hooks && i < l->n; i++) {
		free(l->hooks[i].path);
		hull_free_strv(l->hooks[i].args);
		hull_free_strv(l->hooks[i].env);
	}
	free(l->hooks);
}

void hull_spec_free(struct hull_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; s->mounts && i < s->n_mounts; i++) {
		struct hull_mount *m = &s->mounts[i];
		free(m->destination);
		free(m->type);
		free(m->source);
		hull_free_strv(m->options);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(s->mounts);
	hull_process_clear(&s->process);
	free(s->hostname);
	free(s->domainname);
	hook_list_free(&s->hooks.prestart);
	hook_list_free(&s->hooks.create_runtime);
	hook_list_free(&s->hooks.create_container);
	hook_list_free(&s->hooks.start_container);
	hook_list_free(&s->hooks.poststart);
	hook_list_free(&s->hooks.poststop);
	spec_kv_free(s->annotations, s->n_annotations);
	spec_linux_clear(&s->linux_);
	free(s);
}
