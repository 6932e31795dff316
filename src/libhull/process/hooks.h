/* hooks.h - running OCI hooks with the container state on stdin. */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include "libhull/spec/spec.h"

/* Run each hook of `list` in order, state_json on its stdin, honouring env and
 * timeout. `kind` names the list in errors: "error running createRuntime hook #1: error
 * running hook: exit status 1, stdout: ..., stderr: ...".
 * Stops at the first failure. */
int hull_hooks_run(const struct hull_hook_list *list, const char *kind, const char *state_json,
		   struct hull_error *err);
/* Like hull_hooks_run but failures are logged as warnings and every hook runs
 * (poststart, poststop). */
void hull_hooks_run_warn(const struct hull_hook_list *list, const char *kind, const char *state_json);

#endif
