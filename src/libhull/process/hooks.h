/* hooks.h - running OCI hooks with the container state on stdin. */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include "libhull/spec/spec.h"

/* Run each hook of `list` in order, state_json on its stdin, honouring env and
 * timeout. A hook without "env" gets inherited_env, or the caller's environment when
 * that is NULL (runc: hooks run by the runtime get its environment, hooks run by the
 * container's init get the process's). `kind` names the list in errors: "error running
 * createRuntime hook #1: error running hook: exit status 1, stdout: ..., stderr: ...".
 * Stops at the first failure. */
int hull_hooks_run(const struct hull_hook_list *list, const char *kind, const char *state_json,
		   char *const *inherited_env, struct hull_error *err);
/* Like hull_hooks_run with the caller's environment, but failures are logged as
 * warnings and every hook runs (poststart, poststop). */
void hull_hooks_run_warn(const struct hull_hook_list *list, const char *kind, const char *state_json);

#endif
