/* caps.c - STUB (owner: rootfs work). Replace entirely. */
#include "caps.h"
int hull_caps_validate(const struct hull_process *p, const char *json_prefix, struct hull_error *err) { (void)p; (void)json_prefix; (void)err; return 0; }
int hull_caps_apply(const struct hull_process *p, struct hull_error *err) { (void)p; (void)err; return 0; }
const char *const *hull_caps_known(void) { static const char *const none[] = { NULL }; return none; }
