/* runner.h - the one Check runner of the unit suites (runner.c): each tests/unit/test_X.c
 * builds its Suite in unit_suite(); runner.c's main runs it and sets the exit status. */
#ifndef HULL_TESTS_UNIT_RUNNER_H
#define HULL_TESTS_UNIT_RUNNER_H

#include <check.h>

/* The suite of one test file, named after the module it tests. */
Suite *unit_suite(void);

/* Capture what a file descriptor (STDOUT_FILENO, STDERR_FILENO) gets between
 * cap_start and cap_end; cap_end returns it (free it). */
struct capture {
	int target, saved, fd;
	char path[64];
};
void cap_start(struct capture *c, int target);
char *cap_end(struct capture *c);

#endif
