/* seccomp.c - STUB (owner: seccomp work). Replace entirely. */
#include "seccomp.h"
int hull_seccomp_prepare(const struct hull_seccomp *s, struct hull_seccomp_filter **out, struct hull_error *err) { (void)s; (void)err; *out = NULL; return 0; }
int hull_seccomp_load(struct hull_seccomp_filter *f, int *notify_fd, struct hull_error *err) { (void)f; (void)err; *notify_fd = -1; return 0; }
bool hull_seccomp_wants_notify(const struct hull_seccomp_filter *f) { (void)f; return false; }
int hull_seccomp_send_listener(const struct hull_seccomp *s, int notify_fd, const char *state_json, struct hull_error *err) { (void)s; (void)notify_fd; (void)state_json; (void)err; return 0; }
void hull_seccomp_filter_free(struct hull_seccomp_filter *f) { (void)f; }
