/* hooks.c - STUB (owner: rootfs work). Replace entirely. */
#include "hooks.h"
int hull_hooks_run(const struct hull_hook_list *list, const char *kind, const char *state_json, struct hull_error *err) { (void)list; (void)kind; (void)state_json; (void)err; return 0; }
void hull_hooks_run_warn(const struct hull_hook_list *list, const char *kind, const char *state_json) { (void)list; (void)kind; (void)state_json; }
