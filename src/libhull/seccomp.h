/* seccomp.h - OCI seccomp profiles compiled with libseccomp. */
#ifndef HULL_SECCOMP_H
#define HULL_SECCOMP_H

#include "spec.h"

struct hull_seccomp_filter;

/* Compile the profile in the parent, before clone, so a bad profile fails with no
 * debris. *out is NULL when the spec has no seccomp section. JSON paths in errors. */
int hull_seccomp_prepare(const struct hull_seccomp *s, struct hull_seccomp_filter **out, struct hull_error *err);
/* In the child, as late as possible. With SCMP_ACT_NOTIFY actions *notify_fd gets
 * the listener fd (else -1). */
int hull_seccomp_load(struct hull_seccomp_filter *f, int *notify_fd, struct hull_error *err);
/* True when a profile uses SCMP_ACT_NOTIFY (the caller must hand the fd to listenerPath). */
bool hull_seccomp_wants_notify(const struct hull_seccomp_filter *f);
/* Hand the notify fd and the state to the agent on listenerPath (OCI seccomp state). */
int hull_seccomp_send_listener(const struct hull_seccomp *s, int notify_fd, const char *state_json,
			       struct hull_error *err);
void hull_seccomp_filter_free(struct hull_seccomp_filter *f);
/* True when this kernel accepts the named SECCOMP_FILTER_FLAG_* (for `hull features`). */
bool hull_seccomp_flag_supported(const char *name);
/* The message sent to listenerPath: {"ociVersion","fds":["seccompFd"],"pid","metadata",
 * "state"} built around state_json (the OCI state object; its pid is used). Caller frees. */
int hull_seccomp_process_state_json(const struct hull_seccomp *s, const char *state_json, char **out,
				    struct hull_error *err);

#endif
