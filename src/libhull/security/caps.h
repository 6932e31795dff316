/* caps.h - the five capability sets and no_new_privs (libcap). */
#ifndef HULL_CAPS_H
#define HULL_CAPS_H

#include "libhull/spec/spec.h"

/* Parent-side, as runc 1.1.5: names that are no capability, or that this kernel lacks,
 * are not refused but warned of, in one line runc's words
 * (`ignoring unknown or unavailable capabilities: [CAP_BAR CAP_FOO]`); apply skips them. */
void hull_caps_warn_unusable(const struct hull_process *p);
/* Drop the bounding set, then set effective/permitted/inheritable, then ambient.
 * Called after the uid switch (with PR_SET_KEEPCAPS held). */
int hull_caps_apply(const struct hull_process *p, struct hull_error *err);
/* The list of capability names this kernel supports (for features). NULL-terminated, static. */
const char *const *hull_caps_known(void);

#endif
