/* container.h - helpers the lifecycle files (create.c, lifecycle.c, cgroup_ops.c) and exec share. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include "state.h"

/* Tear a container down: SIGKILL what is left (the cgroup when the init has no pid
 * namespace of its own), run poststop hooks, destroy the cgroup, remove the state dir.
 * Best effort: every step runs; the first failure is reported. */
int hull_container_destroy(struct hull_container *c, struct hull_error *err);

/* Send a signal to the init (all: every process of the cgroup). */
int hull_container_signal(struct hull_container *c, int signo, bool all, struct hull_error *err);

/* RFC 3339 UTC timestamp with nanoseconds, as Go's time.RFC3339Nano (trailing zeros trimmed). */
char *hull_rfc3339_now(void);

#endif
