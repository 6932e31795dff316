/* json.c - yajl helpers: parsing with path-naming typed getters, and a generator. */
#define _GNU_SOURCE
#include "json.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <yajl/yajl_parse.h>

void hull_json_init(struct hull_json *j, const char *doc, struct hull_error *err)
{
	j->doc = doc;
	j->err = err;
	j->len = 0;
	j->path[0] = '\0';
}

/* ---- parsing --------------------------------------------------------------- */

/* Walk the raw text once before yajl does: refuse NUL bytes (raw or \u0000, since
 * yajl_tree hands strings out NUL-terminated and would silently cut them) and nesting
 * deeper than HULL_JSON_MAX_DEPTH (yajl_tree_free recurses). */
static int prescan(const char *text, size_t len, const char *doc, struct hull_error *err)
{
	size_t depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\0')
			return hull_fail(err, 0, "%s: invalid JSON: NUL byte at offset %zu", doc, i);
		if (in_str) {
			if (c == '"') {
				in_str = false;
			} else if (c == '\\' && i + 1 < len) {
				i++;
				if (text[i] == 'u' && i + 4 < len && strncmp(text + i + 1, "0000", 4) == 0)
					return hull_fail(err, 0, "%s: invalid JSON: string with a NUL character (\\u0000) at offset %zu",
							 doc, i - 1);
			}
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > HULL_JSON_MAX_DEPTH)
				return hull_fail(err, 0, "%s: invalid JSON: nested deeper than %d levels", doc,
						 HULL_JSON_MAX_DEPTH);
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* yajl_tree only gives a multi-line message; re-run the stream parser for a one-line
 * message and the position. */
static int syntax_error(const char *text, size_t len, const char *doc, struct hull_error *err)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	yajl_config(h, yajl_allow_comments, 1);
	yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
	/* Position of the offending character: the last one yajl consumed, or the end. */
	size_t off = len;
	if (st != yajl_status_ok) {
		size_t used = yajl_get_bytes_consumed(h);
		off = used ? used - 1 : 0;
	} else {
		st = yajl_complete_parse(h);
	}
	unsigned char *ymsg = yajl_get_error(h, 0, (const unsigned char *)text, len);
	_cleanup_free_ char *msg = xstrdup((const char *)ymsg);
	yajl_free_error(h, ymsg);
	yajl_free(h);
	msg[strcspn(msg, "\n")] = '\0';
	const char *m = msg;
	if (hull_str_has_prefix(m, "parse error: "))
		m += strlen("parse error: ");
	size_t line = 1, col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return hull_fail(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", doc, line, col, m);
}

int hull_json_parse(const char *text, size_t len, const char *doc, yajl_val *out, struct hull_error *err)
{
	*out = NULL;
	if (!text)
		return hull_fail(err, 0, "%s: no data", doc);
	if (prescan(text, len, doc, err) < 0)
		return -1;
	_cleanup_free_ char *copy = xstrndup(text, len);
	char ebuf[256] = "";
	yajl_val v = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	if (!v)
		return syntax_error(text, len, doc, err);
	*out = v;
	return 0;
}

/* ---- path ------------------------------------------------------------------ */

static void path_append(struct hull_json *j, const char *fmt, ...) HULL_JSON_PRINTF(2, 3);
static void path_append(struct hull_json *j, const char *fmt, ...)
{
	size_t room = sizeof(j->path) - j->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(j->path + j->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	j->len = (size_t)n >= room ? sizeof(j->path) - 1 : j->len + (size_t)n;
}

static bool is_ident(const char *s)
{
	if (!*s || !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

size_t hull_json_push_key(struct hull_json *j, const char *key)
{
	size_t mark = j->len;
	if (is_ident(key))
		path_append(j, "%s%s", j->len ? "." : "", key);
	else
		path_append(j, "[\"%.200s\"]", key);
	return mark;
}

size_t hull_json_push_index(struct hull_json *j, size_t index)
{
	size_t mark = j->len;
	path_append(j, "[%zu]", index);
	return mark;
}

void hull_json_pop(struct hull_json *j, size_t mark)
{
	if (mark < sizeof(j->path)) {
		j->len = mark;
		j->path[mark] = '\0';
	}
}

static int vfail(struct hull_json *j, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	if (j->len)
		return hull_fail(j->err, 0, "%s: %s: %s", j->doc, j->path, msg);
	return hull_fail(j->err, 0, "%s: %s", j->doc, msg);
}

int hull_json_fail(struct hull_json *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(j, fmt, ap);
	va_end(ap);
	return -1;
}

int hull_json_fail_at(struct hull_json *j, const char *key, const char *fmt, ...)
{
	size_t mark = hull_json_push_key(j, key);
	va_list ap;
	va_start(ap, fmt);
	vfail(j, fmt, ap);
	va_end(ap);
	hull_json_pop(j, mark);
	return -1;
}

/* ---- typed values ------------------------------------------------------------ */

/* A short rendering of what was found, for "expected X, got Y". */
static char *describe(yajl_val v)
{
	if (!v || YAJL_IS_NULL(v))
		return xstrdup("null");
	if (YAJL_IS_TRUE(v))
		return xstrdup("true");
	if (YAJL_IS_FALSE(v))
		return xstrdup("false");
	if (YAJL_IS_OBJECT(v))
		return xstrdup("an object");
	if (YAJL_IS_ARRAY(v))
		return xstrdup("an array");
	const char *s = YAJL_IS_STRING(v) ? v->u.string : v->u.number.r;
	size_t n = strlen(s);
	_cleanup_free_ char *shown = xstrndup(s, n > 40 ? 40 : n);
	for (char *p = shown; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"')
			*p = '?';
	if (YAJL_IS_STRING(v))
		return xasprintf("\"%s%s\"", shown, n > 40 ? "..." : "");
	return xasprintf("%s%s", shown, n > 40 ? "..." : "");
}

static int want(struct hull_json *j, yajl_val v, const char *what)
{
	_cleanup_free_ char *got = describe(v);
	return hull_json_fail(j, "expected %s, got %s", what, got);
}

yajl_val hull_json_member(yajl_val obj, const char *key)
{
	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	/* The last duplicate wins, as with Go's encoding/json. */
	yajl_val found = NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			found = obj->u.object.values[i];
	if (found && YAJL_IS_NULL(found))
		return NULL;
	return found;
}

int hull_json_want_object(struct hull_json *j, yajl_val v)
{
	return v && YAJL_IS_OBJECT(v) ? 0 : want(j, v, "an object");
}

int hull_json_want_array(struct hull_json *j, yajl_val v)
{
	return v && YAJL_IS_ARRAY(v) ? 0 : want(j, v, "an array");
}

int hull_json_string(struct hull_json *j, yajl_val v, char **out)
{
	if (!v || !YAJL_IS_STRING(v))
		return want(j, v, "a string");
	free(*out);
	*out = xstrdup(v->u.string);
	return 0;
}

int hull_json_bool(struct hull_json *j, yajl_val v, bool *out)
{
	if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
		return want(j, v, "a boolean");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* Digits only, optionally after a minus sign: JSON numbers with a fraction or an
 * exponent are not integers even when their value is whole (as with Go). */
static bool integer_text(const char *r, bool allow_minus)
{
	if (allow_minus && *r == '-')
		r++;
	if (!*r)
		return false;
	for (; *r; r++)
		if (*r < '0' || *r > '9')
			return false;
	return true;
}

int hull_json_u64(struct hull_json *j, yajl_val v, uint64_t max, uint64_t *out)
{
	if (!v || !YAJL_IS_NUMBER(v) || !integer_text(v->u.number.r, false))
		return want(j, v, "an unsigned integer");
	errno = 0;
	unsigned long long x = strtoull(v->u.number.r, NULL, 10);
	if (errno == ERANGE || x > max)
		return hull_json_fail(j, "%.40s is out of range (maximum %" PRIu64 ")", v->u.number.r, max);
	*out = x;
	return 0;
}

int hull_json_i64(struct hull_json *j, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	if (!v || !YAJL_IS_NUMBER(v) || !integer_text(v->u.number.r, true))
		return want(j, v, "an integer");
	errno = 0;
	long long x = strtoll(v->u.number.r, NULL, 10);
	if (errno == ERANGE || x < min || x > max)
		return hull_json_fail(j, "%.40s is out of range (%" PRId64 "..%" PRId64 ")", v->u.number.r, min, max);
	*out = x;
	return 0;
}

int hull_json_strv(struct hull_json *j, yajl_val v, char ***out)
{
	if (hull_json_want_array(j, v) < 0)
		return -1;
	size_t n = v->u.array.len;
	_cleanup_strv_ char **r = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		yajl_val e = v->u.array.values[i];
		if (!e || !YAJL_IS_STRING(e)) {
			size_t mark = hull_json_push_index(j, i);
			want(j, e, "a string");
			hull_json_pop(j, mark);
			return -1;
		}
		r[i] = xstrdup(e->u.string);
	}
	hull_free_strv(*out);
	*out = steal_pointer(&r);
	return 0;
}

/* ---- field getters ------------------------------------------------------------ */

/* Look up key; push it on the path when present. Returns 1 present, 0 absent, -1 error. */
static int field(struct hull_json *j, yajl_val obj, const char *key, bool required, yajl_val *v, size_t *mark)
{
	*v = hull_json_member(obj, key);
	if (!*v) {
		if (required)
			return hull_json_fail_at(j, key, "missing required field");
		return 0;
	}
	*mark = hull_json_push_key(j, key);
	return 1;
}

#define FIELD_BODY(call)                                               \
	yajl_val v;                                                    \
	size_t mark = 0;                                               \
	int present = field(j, obj, key, required, &v, &mark);         \
	if (present <= 0)                                              \
		return present;                                        \
	int r = (call);                                                \
	if (r < 0)                                                     \
		return -1; /* keep the path: callers never resume */   \
	hull_json_pop(j, mark);                                        \
	return 1

int hull_json_get_object(struct hull_json *j, yajl_val obj, const char *key, bool required, yajl_val *out)
{
	FIELD_BODY((hull_json_want_object(j, v) < 0 ? -1 : (*out = v, 0)));
}

int hull_json_get_array(struct hull_json *j, yajl_val obj, const char *key, bool required, yajl_val *out)
{
	FIELD_BODY((hull_json_want_array(j, v) < 0 ? -1 : (*out = v, 0)));
}

int hull_json_get_string(struct hull_json *j, yajl_val obj, const char *key, bool required, char **out)
{
	FIELD_BODY(hull_json_string(j, v, out));
}

int hull_json_get_bool(struct hull_json *j, yajl_val obj, const char *key, bool *out)
{
	const bool required = false;
	FIELD_BODY(hull_json_bool(j, v, out));
}

int hull_json_get_u64(struct hull_json *j, yajl_val obj, const char *key, bool required, uint64_t max,
		      uint64_t *out)
{
	FIELD_BODY(hull_json_u64(j, v, max, out));
}

int hull_json_get_u32(struct hull_json *j, yajl_val obj, const char *key, bool required, uint32_t *out)
{
	uint64_t x = 0;
	int r = hull_json_get_u64(j, obj, key, required, UINT32_MAX, &x);
	if (r > 0)
		*out = (uint32_t)x;
	return r;
}

int hull_json_get_u16(struct hull_json *j, yajl_val obj, const char *key, bool required, uint16_t *out)
{
	uint64_t x = 0;
	int r = hull_json_get_u64(j, obj, key, required, UINT16_MAX, &x);
	if (r > 0)
		*out = (uint16_t)x;
	return r;
}

int hull_json_get_i64(struct hull_json *j, yajl_val obj, const char *key, bool required, int64_t min,
		      int64_t max, int64_t *out)
{
	FIELD_BODY(hull_json_i64(j, v, min, max, out));
}

int hull_json_get_i32(struct hull_json *j, yajl_val obj, const char *key, bool required, int32_t min,
		      int32_t max, int32_t *out)
{
	int64_t x = 0;
	int r = hull_json_get_i64(j, obj, key, required, min, max, &x);
	if (r > 0)
		*out = (int32_t)x;
	return r;
}

int hull_json_get_strv(struct hull_json *j, yajl_val obj, const char *key, bool required, char ***out)
{
	FIELD_BODY(hull_json_strv(j, v, out));
}

/* ---- generator ------------------------------------------------------------------ */

yajl_gen hull_jgen_new(const char *indent)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		abort();
	if (indent) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, indent);
	}
	return g;
}

char *hull_jgen_finish(yajl_gen g)
{
	const unsigned char *buf = NULL;
	size_t len = 0;
	yajl_gen_get_buf(g, &buf, &len);
	char *s = xstrndup((const char *)buf, len);
	yajl_gen_free(g);
	return s;
}

void hull_jgen_str(yajl_gen g, const char *s)
{
	if (!s)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void hull_jgen_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void hull_jgen_kstr(yajl_gen g, const char *key, const char *s)
{
	hull_jgen_key(g, key);
	hull_jgen_str(g, s);
}

void hull_jgen_kint(yajl_gen g, const char *key, long long v)
{
	hull_jgen_key(g, key);
	yajl_gen_integer(g, v);
}

void hull_jgen_uint(yajl_gen g, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	yajl_gen_number(g, buf, (size_t)n);
}

void hull_jgen_kuint(yajl_gen g, const char *key, uint64_t v)
{
	hull_jgen_key(g, key);
	hull_jgen_uint(g, v);
}

void hull_jgen_kbool(yajl_gen g, const char *key, bool v)
{
	hull_jgen_key(g, key);
	yajl_gen_bool(g, v);
}

void hull_jgen_kstrv(yajl_gen g, const char *key, const char *const *v)
{
	hull_jgen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; v && v[i]; i++)
		hull_jgen_str(g, v[i]);
	yajl_gen_array_close(g);
}
