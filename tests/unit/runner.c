/* runner.c - main() of every unit test binary, and the helpers the suites share.
 * main runs the file's suite (unit_suite) with Check's defaults (a fork per test;
 * CK_TAP_LOG_FILE_NAME etc. from the environment, as tests/run.sh sets them) and
 * exits non-zero when a test failed. */
#define _GNU_SOURCE
#include "runner.h"
#include "common/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	SRunner *sr = srunner_create(unit_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- capturing stdout / stderr ---- */

void cap_start(struct capture *c, int target)
{
	fflush(stdout);
	fflush(stderr);
	strcpy(c->path, "/tmp/hull-test-args-XXXXXX");
	c->fd = mkstemp(c->path);
	ck_assert_int_ge(c->fd, 0);
	c->target = target;
	c->saved = dup(target);
	dup2(c->fd, target);
}

char *cap_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved, c->target);
	close(c->saved);
	close(c->fd);
	char *out = NULL;
	ck_assert_int_eq(hull_read_file_at(AT_FDCWD, c->path, 1 << 20, &out, NULL), 0);
	unlink(c->path);
	return out;
}
