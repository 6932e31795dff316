/* caps.h - the five capability sets and no_new_privs (libcap). */
#ifndef HULL_CAPS_H
#define HULL_CAPS_H

#include "spec.h"

/* Parent-side: every name is a capability this kernel knows; JSON path on error
 * (e.g. `process.capabilities.bounding[3]: unknown capability "CAP_FOO"`). */
int hull_caps_validate(const struct hull_process *p, const char *json_prefix, struct hull_error *err);
/* Drop the bounding set, then set effective/permitted/inheritable, then ambient.
 * Called after the uid switch (with PR_SET_KEEPCAPS held). */
int hull_caps_apply(const struct hull_process *p, struct hull_error *err);
/* The list of capability names this kernel supports (for features). NULL-terminated, static. */
const char *const *hull_caps_known(void);

#endif
