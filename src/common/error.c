/* error.c - struct hull_error and the log sink (runc's text and json line formats). */
#define _GNU_SOURCE
#include "libhull/hull.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <yajl/yajl_gen.h>

static int fail_va(struct hull_error *err, int errnum, bool with_strerror, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	free(err->msg);
	err->errnum = errnum;
	err->msg = errnum && with_strerror ? xasprintf("%s: %s", msg, strerror(errnum)) : steal_pointer(&msg);
	return -1;
}

int hull_fail(struct hull_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_va(err, errnum, true, fmt, ap);
	va_end(ap);
	return -1;
}

int hull_fail_plain(struct hull_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_va(err, errnum, false, fmt, ap);
	va_end(ap);
	return -1;
}

int hull_error_prefix(struct hull_error *err, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *ctx = xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = xasprintf("%s: %s", ctx, err->msg ? err->msg : "unknown error");
	free(err->msg);
	err->msg = msg;
	return -1;
}

void hull_error_clear(struct hull_error *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->errnum = 0;
}

/* ---- log sink ------------------------------------------------------------ */

static struct {
	int fd; /* -1: stderr */
	enum hull_log_format format;
	struct timespec t0; /* --debug: when hull started (CLOCK_MONOTONIC) */
	hull_log_relay_fn relay;
	void *relay_arg;
} log_sink = { -1, HULL_LOG_TEXT, { 0, 0 }, NULL, NULL };

bool hull_log_debugging;

/* The trace's zero: set by the first hull process and passed on in the environment
 * when hull re-executes itself (sealed copy, security/sealed_binary.c), which reopens the log. */
#define TRACE_T0_ENV "_HULL_DEBUG_T0"

static void trace_start(void)
{
	const char *env = getenv(TRACE_T0_ENV);
	long long sec, nsec;
	if (env && sscanf(env, "%lld.%lld", &sec, &nsec) == 2) {
		log_sink.t0.tv_sec = (time_t)sec;
		log_sink.t0.tv_nsec = (long)nsec;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &log_sink.t0);
	char buf[64];
	snprintf(buf, sizeof(buf), "%lld.%09ld", (long long)log_sink.t0.tv_sec, log_sink.t0.tv_nsec);
	setenv(TRACE_T0_ENV, buf, 1);
}

static const char *const level_names[] = { "debug", "info", "warning", "error" };

int hull_log_open(const char *path, enum hull_log_format format, bool debug, struct hull_error *err)
{
	hull_log_close();
	log_sink.format = format;
	hull_log_debugging = debug;
	if (debug)
		trace_start();
	if (!path || !*path)
		return 0;
	/* O_SYNC like runc: daemons read the file right after we exit. */
	int fd = open(path, O_CREAT | O_WRONLY | O_APPEND | O_SYNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return hull_fail(err, errno, "open log file %s", path);
	log_sink.fd = fd;
	return 0;
}

void hull_log_close(void)
{
	if (log_sink.fd >= 0)
		close(log_sink.fd);
	log_sink.fd = -1;
}

bool hull_log_debug_enabled(void)
{
	return hull_log_debugging;
}

void hull_log_set_relay(hull_log_relay_fn fn, void *arg)
{
	log_sink.relay = fn;
	log_sink.relay_arg = arg;
}

static void format_time(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* One JSON object per line, keys in logrus' alphabetical order. */
static char *format_json_line(const char *level, const char *msg, const char *when)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	gen_str(g, "level");
	gen_str(g, level);
	gen_str(g, "msg");
	gen_str(g, msg);
	gen_str(g, "time");
	gen_str(g, when);
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	char *line = xasprintf("%.*s\n", (int)len, (const char *)buf);
	yajl_gen_free(g);
	return line;
}

/* logrus leaves a value bare when every byte is one of [A-Za-z0-9-._/@^+]. */
static bool needs_quoting(const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._/@^+", c)))
			return true;
	}
	return false;
}

/* logrus text format: quote the value when needed, escaping like Go's %q. */
static char *format_text_line(const char *level, const char *msg, const char *when)
{
	if (!needs_quoting(msg))
		return xasprintf("time=\"%s\" level=%s msg=%s\n", when, level, msg);
	size_t n = strlen(msg);
	_cleanup_free_ char *q = xmalloc(n * 4 + 3);
	char *p = q;
	*p++ = '"';
	for (const unsigned char *s = (const unsigned char *)msg; *s; s++) {
		const char *esc = NULL;
		switch (*s) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\t': esc = "\\t"; break;
		case '\r': esc = "\\r"; break;
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\v': esc = "\\v"; break;
		}
		if (esc) {
			p = stpcpy(p, esc);
		} else if (*s < 0x20 || *s == 0x7f) {
			p += sprintf(p, "\\x%02x", *s);
		} else {
			*p++ = (char)*s;
		}
	}
	*p++ = '"';
	*p = '\0';
	return xasprintf("time=\"%s\" level=%s msg=%s\n", when, level, q);
}

static void log_write(enum hull_log_level level, const char *msg)
{
	if (log_sink.relay) {
		int saved = errno;
		log_sink.relay(log_sink.relay_arg, level, msg);
		errno = saved;
		return;
	}
	char when[64];
	format_time(when, sizeof(when));
	const char *lname = level_names[level];
	_cleanup_free_ char *line = log_sink.format == HULL_LOG_JSON ? format_json_line(lname, msg, when)
								       : format_text_line(lname, msg, when);
	int saved = errno;
	(void)hull_write_all(log_sink.fd >= 0 ? log_sink.fd : STDERR_FILENO, line, strlen(line));
	errno = saved;
}

void hull_log(enum hull_log_level level, const char *fmt, ...)
{
	if (level == HULL_LOG_DEBUG && !hull_log_debugging)
		return;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_write(level, msg);
}

char *hull_trace_message(const char *msg, int64_t elapsed_ns)
{
	if (elapsed_ns < 0)
		elapsed_ns = 0;
	return xasprintf("%s [+%" PRId64 ".%03" PRId64 "ms]", msg, elapsed_ns / 1000000, elapsed_ns / 1000 % 1000);
}

void hull_log_trace(const char *fmt, ...)
{
	if (!hull_log_debugging)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ns = (int64_t)(now.tv_sec - log_sink.t0.tv_sec) * 1000000000 + (now.tv_nsec - log_sink.t0.tv_nsec);
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	_cleanup_free_ char *line = hull_trace_message(msg, ns);
	log_write(HULL_LOG_DEBUG, line);
}

void hull_log_fatal(const char *msg)
{
	log_write(HULL_LOG_ERROR, msg);
	if (log_sink.fd >= 0) {
		_cleanup_free_ char *bare = xasprintf("%s\n", msg);
		(void)hull_write_all(STDERR_FILENO, bare, strlen(bare));
	}
}
