/* json.h - thin helpers over yajl: typed getters that name the JSON path, and a generator.
 *
 * Reading: parse a document with hull_json_parse(), then walk it with a struct hull_json
 * cursor that remembers the path ("process.rlimits[1].hard"). Every getter checks the
 * type and range and, on mismatch, fails with "<doc>: <path>: <problem>".
 *
 * Field getters return 1 when the key is present (and *out was set), 0 when it is
 * absent or JSON null (a missing required key is an error), -1 on error.
 *
 * Writing: hull_jgen_new() + the hull_jgen_* helpers + hull_jgen_finish(). */
#ifndef HULL_JSON_H
#define HULL_JSON_H

#include "libhull/hull.h"

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* Deeper documents are refused before yajl sees them (yajl_tree_free recurses). */
#define HULL_JSON_MAX_DEPTH 256

#define HULL_JSON_PRINTF(a, b) __attribute__((format(printf, a, b)))

struct hull_json {
	const char *doc; /* document name for messages, e.g. "config.json" */
	struct hull_error *err;
	size_t len; /* current length of path */
	char path[1024];
};

void hull_json_init(struct hull_json *j, const char *doc, struct hull_error *err);

/* Parse text (need not be NUL-terminated; NUL bytes and over-deep nesting are refused). */
int hull_json_parse(const char *text, size_t len, const char *doc, yajl_val *out, struct hull_error *err);

/* Path handling: push returns a mark to pass to pop. Keys that are not plain identifiers
 * are written as ["key"]. */
size_t hull_json_push_key(struct hull_json *j, const char *key);
size_t hull_json_push_index(struct hull_json *j, size_t index);
void hull_json_pop(struct hull_json *j, size_t mark);
/* Fail with "<doc>: <path>: <message>" (just "<doc>: <message>" at the top). Returns -1. */
int hull_json_fail(struct hull_json *j, const char *fmt, ...) HULL_JSON_PRINTF(2, 3);
/* Same, for a key below the current path. */
int hull_json_fail_at(struct hull_json *j, const char *key, const char *fmt, ...) HULL_JSON_PRINTF(3, 4);

/* Object member (NULL when absent or null). obj must be an object or NULL. */
yajl_val hull_json_member(yajl_val obj, const char *key);

/* Value checks at the current path. */
int hull_json_want_object(struct hull_json *j, yajl_val v);
int hull_json_want_array(struct hull_json *j, yajl_val v);
int hull_json_string(struct hull_json *j, yajl_val v, char **out);
int hull_json_bool(struct hull_json *j, yajl_val v, bool *out);
int hull_json_u64(struct hull_json *j, yajl_val v, uint64_t max, uint64_t *out);
int hull_json_i64(struct hull_json *j, yajl_val v, int64_t min, int64_t max, int64_t *out);
/* Array of strings, returned NULL-terminated. */
int hull_json_strv(struct hull_json *j, yajl_val v, char ***out);

/* Field getters (see the top comment for the return convention). */
int hull_json_get_object(struct hull_json *j, yajl_val obj, const char *key, bool required, yajl_val *out);
int hull_json_get_array(struct hull_json *j, yajl_val obj, const char *key, bool required, yajl_val *out);
int hull_json_get_string(struct hull_json *j, yajl_val obj, const char *key, bool required, char **out);
int hull_json_get_bool(struct hull_json *j, yajl_val obj, const char *key, bool *out);
int hull_json_get_u64(struct hull_json *j, yajl_val obj, const char *key, bool required, uint64_t max,
		      uint64_t *out);
int hull_json_get_u32(struct hull_json *j, yajl_val obj, const char *key, bool required, uint32_t *out);
int hull_json_get_u16(struct hull_json *j, yajl_val obj, const char *key, bool required, uint16_t *out);
int hull_json_get_i64(struct hull_json *j, yajl_val obj, const char *key, bool required, int64_t min,
		      int64_t max, int64_t *out);
int hull_json_get_i32(struct hull_json *j, yajl_val obj, const char *key, bool required, int32_t min,
		      int32_t max, int32_t *out);
int hull_json_get_strv(struct hull_json *j, yajl_val obj, const char *key, bool required, char ***out);

/* ---- generator ----------------------------------------------------------- */

/* indent: NULL for compact output, else the indent string (e.g. "    " or "\t"). */
yajl_gen hull_jgen_new(const char *indent);
/* Returns the text (malloc'd) and frees g. Beautified output ends with a newline. */
char *hull_jgen_finish(yajl_gen g);
void hull_jgen_str(yajl_gen g, const char *s); /* NULL -> null */
void hull_jgen_key(yajl_gen g, const char *key);
void hull_jgen_kstr(yajl_gen g, const char *key, const char *s);
void hull_jgen_kint(yajl_gen g, const char *key, long long v);
void hull_jgen_kuint(yajl_gen g, const char *key, uint64_t v);
void hull_jgen_uint(yajl_gen g, uint64_t v);
void hull_jgen_kbool(yajl_gen g, const char *key, bool v);
/* "key": ["a", "b"] from a NULL-terminated list (an empty array when v is NULL). */
void hull_jgen_kstrv(yajl_gen g, const char *key, const char *const *v);

#endif
