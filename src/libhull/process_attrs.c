/* process_attrs.c - STUB (owner: rootfs work). Replace entirely. */
#include "process_attrs.h"
int hull_attrs_validate(const struct hull_spec *spec, struct hull_error *err) { (void)spec; (void)err; return 0; }
int hull_attrs_apply_container(const struct hull_spec *spec, struct hull_error *err) { (void)spec; (void)err; return 0; }
int hull_attrs_apply_process(const struct hull_spec *spec, const struct hull_process *p, struct hull_error *err) { (void)spec; (void)p; (void)err; return 0; }
int hull_attrs_chdir(const struct hull_process *p, struct hull_error *err) { (void)p; (void)err; return 0; }
int hull_attrs_switch_user(const struct hull_process *p, bool setgroups_allowed, struct hull_error *err) { (void)p; (void)setgroups_allowed; (void)err; return 0; }
int hull_attrs_final_affinity(const struct hull_process *p, struct hull_error *err) { (void)p; (void)err; return 0; }
