/* test_error.c - unit tests of common/error.c: struct hull_error messages and the runc-format log sink. */
#define _GNU_SOURCE
#include "libhull/hull.h"
#include "common/json.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>

static char log_dir[64];

static char *temp_log(void)
{
	strcpy(log_dir, "/tmp/hull-test-log-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(log_dir));
	return xasprintf("%s/log", log_dir);
}

static char *slurp_and_remove(const char *path)
{
	char *out = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, path, 1 << 20, &out, NULL), 0);
	unlink(path);
	rmdir(log_dir);
	return out;
}

static void assert_match(const char *text, const char *pattern)
{
	regex_t re;
	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	int r = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	ck_assert_msg(r == 0, "\"%s\" does not match /%s/", text, pattern);
}

#define TIME_RE "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"

/* ---- struct hull_error ------------------------------------------------------------------ */

START_TEST(test_fail_messages)
{
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_fail(&err, ENOENT, "open %s", "/x"), -1);
	ck_assert_str_eq(err.msg, "open /x: No such file or directory");
	ck_assert_int_eq(err.errnum, ENOENT);
	/* a new failure replaces the old one */
	ck_assert_int_eq(hull_fail(&err, 0, "container %s does not exist", "c1"), -1);
	ck_assert_str_eq(err.msg, "container c1 does not exist");
	ck_assert_int_eq(err.errnum, 0);
	hull_error_clear(&err);
	ck_assert_ptr_null(err.msg);
	ck_assert_int_eq(err.errnum, 0);
	/* a NULL error sink is allowed and still reports failure */
	ck_assert_int_eq(hull_fail(NULL, EPERM, "x"), -1);
	ck_assert_int_eq(hull_error_prefix(NULL, "y"), -1);
	hull_error_clear(NULL);
}
END_TEST

START_TEST(test_prefix)
{
	struct hull_error err = { 0 };
	hull_fail(&err, EACCES, "mkdir %s", "/run/hull/c1");
	ck_assert_int_eq(hull_error_prefix(&err, "create %s", "c1"), -1);
	ck_assert_int_eq(hull_error_prefix(&err, "run"), -1);
	ck_assert_str_eq(err.msg, "run: create c1: mkdir /run/hull/c1: Permission denied");
	ck_assert_int_eq(err.errnum, EACCES); /* the root cause survives */
	hull_error_clear(&err);
	hull_error_prefix(&err, "context");
	ck_assert_str_eq(err.msg, "context: unknown error");
	hull_error_clear(&err);
}
END_TEST

/* ---- log formats --------------------------------------------------------------------------- */

START_TEST(test_text_format)
{
	_cleanup_free_ char *path = temp_log();
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_TEXT, false, &err), 0);
	hull_log(HULL_LOG_ERROR, "container does not exist");
	hull_log(HULL_LOG_WARN, "simple");
	hull_log(HULL_LOG_INFO, "%s", "");
	hull_debug("not shown without --debug");
	hull_log(HULL_LOG_ERROR, "quote\" back\\slash\nnewline\ttab\rcr\x01" "ctl");
	hull_log_close();
	_cleanup_free_ char *text = slurp_and_remove(path);
	assert_match(text, "^time=\"" TIME_RE "\" level=error msg=\"container does not exist\"\n"
			   "time=\"" TIME_RE "\" level=warning msg=simple\n"
			   "time=\"" TIME_RE "\" level=info msg=\n"
			   "time=\"" TIME_RE "\" level=error msg=\"quote\\\\\" back\\\\\\\\slash\\\\nnewline\\\\ttab\\\\rcr\\\\x01ctl\"\n$");
}
END_TEST

START_TEST(test_json_format)
{
	_cleanup_free_ char *path = temp_log();
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_JSON, true, &err), 0);
	ck_assert(hull_log_debug_enabled());
	hull_log(HULL_LOG_ERROR, "container does not exist");
	hull_debug("step %d", 2);
	hull_log(HULL_LOG_WARN, "a \"b\"\nc");
	hull_log_close();
	_cleanup_free_ char *text = slurp_and_remove(path);
	assert_match(text, "^\\{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"" TIME_RE "\"\\}\n"
			   "\\{\"level\":\"debug\",\"msg\":\"step 2\",\"time\":\"" TIME_RE "\"\\}\n"
			   "\\{\"level\":\"warning\",\"msg\":\"a \\\\\"b\\\\\"\\\\nc\",\"time\":\"" TIME_RE "\"\\}\n$");
	/* each line is one JSON object */
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		yajl_val v = NULL;
		ck_assert_int_eq(hull_json_parse(line, strlen(line), "log", &v, &err), 0);
		ck_assert(YAJL_IS_OBJECT(v));
		yajl_tree_free(v);
	}
}
END_TEST

START_TEST(test_append_and_open_error)
{
	_cleanup_free_ char *path = temp_log();
	struct hull_error err = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(write(fd, "old\n", 4), 4);
	close(fd);
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_JSON, false, &err), 0);
	ck_assert(!hull_log_debug_enabled());
	hull_log(HULL_LOG_INFO, "new");
	hull_log_close();
	_cleanup_free_ char *text = slurp_and_remove(path);
	assert_match(text, "^old\n\\{\"level\":\"info\",\"msg\":\"new\",\"time\":\"" TIME_RE "\"\\}\n$");
	ck_assert_int_eq(hull_log_open("/nonexistent-dir/log", HULL_LOG_TEXT, false, &err), -1);
	ck_assert_str_eq(err.msg, "open log file /nonexistent-dir/log: No such file or directory");
	hull_error_clear(&err);
}
END_TEST

/* A fatal error goes to the log and, when the log is a file, also bare to stderr. */
START_TEST(test_fatal)
{
	_cleanup_free_ char *path = temp_log();
	_cleanup_free_ char *errpath = xasprintf("%s/stderr", log_dir);
	int efd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int saved = dup(STDERR_FILENO);
	dup2(efd, STDERR_FILENO);
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_JSON, false, &err), 0);
	hull_log_fatal("container \"c1\" does not exist");
	hull_log_close();
	/* back to stderr as the sink: one formatted line, no bare copy */
	ck_assert_int_eq(hull_log_open(NULL, HULL_LOG_TEXT, false, &err), 0);
	hull_log_fatal("second");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(efd);
	_cleanup_free_ char *errtext = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, errpath, 1 << 20, &errtext, NULL), 0);
	unlink(errpath);
	_cleanup_free_ char *logtext = slurp_and_remove(path);
	assert_match(logtext, "^\\{\"level\":\"error\",\"msg\":\"container \\\\\"c1\\\\\" does not exist\",\"time\":\"" TIME_RE
			      "\"\\}\n$");
	assert_match(errtext, "^container \"c1\" does not exist\ntime=\"" TIME_RE "\" level=error msg=second\n$");
}
END_TEST

/* ---- the --debug trace and the child relay ------------------------------------------------ */

START_TEST(test_trace_message)
{
	_cleanup_free_ char *a = hull_trace_message("create: config parsed", 1234567);
	ck_assert_str_eq(a, "create: config parsed [+1.234ms]");
	_cleanup_free_ char *b = hull_trace_message("x", 0);
	ck_assert_str_eq(b, "x [+0.000ms]");
	_cleanup_free_ char *c = hull_trace_message("x", 12005999999LL);
	ck_assert_str_eq(c, "x [+12005.999ms]");
	_cleanup_free_ char *d = hull_trace_message("clock went back", -5);
	ck_assert_str_eq(d, "clock went back [+0.000ms]");
}
END_TEST

/* Without --debug the trace and debug lines write nothing; with it the trace carries the
 * time since the log was opened. */
START_TEST(test_trace_lines)
{
	unsetenv("_HULL_DEBUG_T0");
	_cleanup_free_ char *path = temp_log();
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_TEXT, false, &err), 0);
	hull_trace("hidden %d", 1);
	hull_debug("hidden %d", 2);
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_TEXT, true, &err), 0);
	/* the zero is passed on to a re-executed hull */
	ck_assert_ptr_nonnull(getenv("_HULL_DEBUG_T0"));
	hull_trace("phase %s", "one");
	hull_log_close();
	unsetenv("_HULL_DEBUG_T0");
	_cleanup_free_ char *text = slurp_and_remove(path);
	assert_match(text, "^time=\"" TIME_RE "\" level=debug msg=\"phase one \\[\\+[0-9]+\\.[0-9]{3}ms\\]\"\n$");
}
END_TEST

struct relayed {
	int n;
	enum hull_log_level level[4];
	char *msg[4];
};

static void collect(void *arg, enum hull_log_level level, const char *msg)
{
	struct relayed *r = arg;
	if (r->n < 4) {
		r->level[r->n] = level;
		r->msg[r->n++] = xstrdup(msg);
	}
}

/* While a relay is set, every line goes to it (formatted message, no time/level text)
 * and none to the log; unset, the log gets them again. */
START_TEST(test_relay)
{
	_cleanup_free_ char *path = temp_log();
	struct hull_error err = { 0 };
	ck_assert_int_eq(hull_log_open(path, HULL_LOG_JSON, true, &err), 0);
	struct relayed r = { 0 };
	hull_log_set_relay(collect, &r);
	hull_debug("step %d", 1);
	hull_warn("careful");
	hull_trace("traced");
	hull_log_set_relay(NULL, NULL);
	hull_debug("direct");
	hull_log_close();
	unsetenv("_HULL_DEBUG_T0");
	ck_assert_int_eq(r.n, 3);
	ck_assert_int_eq(r.level[0], HULL_LOG_DEBUG);
	ck_assert_str_eq(r.msg[0], "step 1");
	ck_assert_int_eq(r.level[1], HULL_LOG_WARN);
	ck_assert_str_eq(r.msg[1], "careful");
	ck_assert_int_eq(r.level[2], HULL_LOG_DEBUG);
	assert_match(r.msg[2], "^traced \\[\\+[0-9]+\\.[0-9]{3}ms\\]$");
	for (int i = 0; i < r.n; i++)
		free(r.msg[i]);
	_cleanup_free_ char *text = slurp_and_remove(path);
	assert_match(text, "^\\{\"level\":\"debug\",\"msg\":\"direct\",\"time\":\"" TIME_RE "\"\\}\n$");
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("error");
	tcase_add_test(tc, test_fail_messages);
	tcase_add_test(tc, test_prefix);
	suite_add_tcase(s, tc);
	TCase *lg = tcase_create("log");
	tcase_add_test(lg, test_text_format);
	tcase_add_test(lg, test_json_format);
	tcase_add_test(lg, test_append_and_open_error);
	tcase_add_test(lg, test_fatal);
	tcase_add_test(lg, test_trace_message);
	tcase_add_test(lg, test_trace_lines);
	tcase_add_test(lg, test_relay);
	suite_add_tcase(s, lg);
	return s;
}
