/* fields.h - typed readers of config.json fields shared by the section parsers (fields.c). spec/ only. */
#ifndef HULL_SPEC_FIELDS_H
#define HULL_SPEC_FIELDS_H

#include "common/json.h"
#include "spec.h"

/* Parse one element of an array of objects into *elem (zeroed beforehand). The
 * path already names the element ("mounts[3]"). */
typedef int (*spec_elem_fn)(struct hull_json *j, yajl_val v, void *elem);

/* obj[key] is an array of objects: allocate *out with one zeroed element per entry
 * (setting *n first, so a partial result is still freeable), then fill each with fn. */
int spec_object_array(struct hull_json *j, yajl_val obj, const char *key, bool required, size_t elem_size,
		      void **out, size_t *n, spec_elem_fn fn);
/* obj[key] is an object of string values. */
int spec_string_map(struct hull_json *j, yajl_val obj, const char *key, struct hull_kv **out, size_t *n);
int spec_id_mappings(struct hull_json *j, yajl_val obj, const char *key, struct hull_id_mapping **out,
		     size_t *n);
/* obj[key] is a string naming one entry of a NULL-terminated table. */
int spec_enum(struct hull_json *j, yajl_val obj, const char *key, bool required, const char *const *table,
	      const char *what, char **out);
/* obj[key] is an array of strings, each from table. */
int spec_enum_list(struct hull_json *j, yajl_val obj, const char *key, const char *const *table,
		   const char *what, char ***out);
/* obj[key] is a string holding an absolute path. */
int spec_abs_path(struct hull_json *j, yajl_val obj, const char *key, bool required, char **out);
/* A Linux cpu or node list such as "0-3,7" (empty allowed). */
bool spec_valid_cpu_list(const char *s);
int spec_table_index(const char *const *table, const char *name);

void spec_kv_free(struct hull_kv *kv, size_t n);

#endif
