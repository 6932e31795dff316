/* fields.c - typed readers of config.json fields that every section parser uses
 * (arrays of objects, string maps, id mappings, enums, absolute paths, cpu lists).
 * The section parsers (spec.c, linux.c, process.c, resources.c, seccomp.c) call down
 * to these; nothing here calls back up. */
#define _GNU_SOURCE
#include "fields.h"
#include "common/util.h"

#include <inttypes.h>
#include <string.h>

int spec_table_index(const char *const *table, const char *name)
{
	for (int i = 0; table[i]; i++)
		if (strcmp(table[i], name) == 0)
			return i;
	return -1;
}

int spec_object_array(struct hull_json *j, yajl_val obj, const char *key, bool required, size_t elem_size,
		      void **out, size_t *n, spec_elem_fn fn)
{
	yajl_val arr = NULL;
	int r = hull_json_get_array(j, obj, key, required, &arr);
	if (r <= 0)
		return r;
	size_t count = arr->u.array.len;
	size_t mark = hull_json_push_key(j, key);
	char *elems = xcalloc(count ? count : 1, elem_size);
	*out = elems;
	*n = count;
	for (size_t i = 0; i < count; i++) {
		yajl_val e = arr->u.array.values[i];
		size_t imark = hull_json_push_index(j, i);
		if (hull_json_want_object(j, e) < 0 || fn(j, e, elems + i * elem_size) < 0)
			return -1;
		hull_json_pop(j, imark);
	}
	hull_json_pop(j, mark);
	return 1;
}

int spec_string_map(struct hull_json *j, yajl_val obj, const char *key, struct hull_kv **out, size_t *n)
{
	yajl_val map = NULL;
	int r = hull_json_get_object(j, obj, key, false, &map);
	if (r <= 0)
		return r;
	size_t count = map->u.object.len;
	size_t mark = hull_json_push_key(j, key);
	struct hull_kv *kv = xcalloc(count ? count : 1, sizeof(*kv));
	*out = kv;
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		const char *k = map->u.object.keys[i];
		if (!*k)
			return hull_json_fail(j, "empty key");
		/* A repeated key: the last one wins, as with Go's encoding/json. */
		struct hull_kv *slot = NULL;
		for (size_t x = 0; x < *n; x++)
			if (strcmp(kv[x].key, k) == 0)
				slot = &kv[x];
		if (!slot) {
			slot = &kv[(*n)++];
			slot->key = xstrdup(k);
		}
		size_t kmark = hull_json_push_key(j, k);
		yajl_val v = map->u.object.values[i];
		if (v && YAJL_IS_NULL(v)) {
			free(slot->value);
			slot->value = xstrdup("");
		} else if (hull_json_string(j, v, &slot->value) < 0) {
			return -1;
		}
		hull_json_pop(j, kmark);
	}
	hull_json_pop(j, mark);
	return 1;
}

static int parse_id_mapping(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_id_mapping *m = elem;
	if (hull_json_get_u32(j, v, "containerID", true, &m->container_id) < 0 ||
	    hull_json_get_u32(j, v, "hostID", true, &m->host_id) < 0 ||
	    hull_json_get_u32(j, v, "size", true, &m->size) < 0)
		return -1;
	if (m->size == 0)
		return hull_json_fail_at(j, "size", "must be greater than zero");
	/* The kernel takes ids below 2^32; a range must not wrap. */
	if ((uint64_t)m->container_id + m->size > ((uint64_t)1 << 32))
		return hull_json_fail(j, "containerID %" PRIu32 " + size %" PRIu32 " exceeds the 32-bit id range",
				      m->container_id, m->size);
	if ((uint64_t)m->host_id + m->size > ((uint64_t)1 << 32))
		return hull_json_fail(j, "hostID %" PRIu32 " + size %" PRIu32 " exceeds the 32-bit id range",
				      m->host_id, m->size);
	return 0;
}

int spec_id_mappings(struct hull_json *j, yajl_val obj, const char *key, struct hull_id_mapping **out,
		     size_t *n)
{
	return spec_object_array(j, obj, key, false, sizeof(**out), (void **)out, n, parse_id_mapping);
}

static char *table_list(const char *const *table)
{
	size_t cap = 1;
	for (size_t i = 0; table[i]; i++)
		cap += strlen(table[i]) + 2;
	char *s = xzalloc(cap);
	for (size_t i = 0; table[i]; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, table[i]);
	}
	return s;
}

static int check_enum(struct hull_json *j, const char *value, const char *const *table, const char *what)
{
	if (spec_table_index(table, value) >= 0)
		return 0;
	_cleanup_free_ char *list = table_list(table);
	return hull_json_fail(j, "unknown %s \"%.100s\" (expected one of %s)", what, value, list);
}

int spec_enum(struct hull_json *j, yajl_val obj, const char *key, bool required, const char *const *table,
	      const char *what, char **out)
{
	int r = hull_json_get_string(j, obj, key, required, out);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, key);
	if (check_enum(j, *out, table, what) < 0)
		return -1;
	hull_json_pop(j, mark);
	return 1;
}

int spec_enum_list(struct hull_json *j, yajl_val obj, const char *key, const char *const *table,
		   const char *what, char ***out)
{
	int r = hull_json_get_strv(j, obj, key, false, out);
	if (r <= 0)
		return r;
	size_t mark = hull_json_push_key(j, key);
	for (size_t i = 0; (*out)[i]; i++) {
		size_t imark = hull_json_push_index(j, i);
		if (check_enum(j, (*out)[i], table, what) < 0)
			return -1;
		hull_json_pop(j, imark);
	}
	hull_json_pop(j, mark);
	return 1;
}

int spec_abs_path(struct hull_json *j, yajl_val obj, const char *key, bool required, char **out)
{
	int r = hull_json_get_string(j, obj, key, required, out);
	if (r <= 0)
		return r;
	if ((*out)[0] != '/')
		return hull_json_fail_at(j, key, "must be an absolute path, got \"%.200s\"", *out);
	return 1;
}

bool spec_valid_cpu_list(const char *s)
{
	while (*s) {
		char *end;
		if (*s < '0' || *s > '9')
			return false;
		unsigned long a = strtoul(s, &end, 10), b = a;
		s = end;
		if (*s == '-') {
			if (s[1] < '0' || s[1] > '9')
				return false;
			b = strtoul(s + 1, &end, 10);
			s = end;
		}
		if (b < a || a > 1u << 20 || b > 1u << 20)
			return false;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return true;
}

void spec_kv_free(struct hull_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}
