/* seccomp.h - OCI seccomp profiles compiled with libseccomp. */
#ifndef HULL_SECCOMP_H
#define HULL_SECCOMP_H

#include "libhull/spec/spec.h"

struct hull_seccomp_filter;

/* Compile the profile in the parent, before clone, so a bad profile fails with no
 * debris. *out is NULL when the spec has no seccomp section. JSON paths in errors. */
int hull_seccomp_prepare(const struct hull_seccomp *s, struct hull_seccomp_filter **out, struct hull_error *err);
/* In the child, as late as possible. With SCMP_ACT_NOTIFY actions the listener fd
 * goes to the agent when hull_seccomp_connect_listener() ran before (*notify_fd is
 * then -1 and nothing is left open), else *notify_fd gets it (else -1). */
int hull_seccomp_load(struct hull_seccomp_filter *f, int *notify_fd, struct hull_error *err);
/* True when a profile uses SCMP_ACT_NOTIFY (the caller must hand the fd to listenerPath). */
bool hull_seccomp_wants_notify(const struct hull_seccomp_filter *f);
/* In the init, before pivot_root (listenerPath is a host path) and while it may still
 * allocate: connect to the agent and render the message (state_json: the OCI state,
 * its pid is the init's host pid). hull_seccomp_load() then only has to send the fd. */
int hull_seccomp_connect_listener(struct hull_seccomp_filter *f, const struct hull_seccomp *s,
				  const char *state_json, struct hull_error *err);
/* Hand the notify fd and the state to the agent on listenerPath (OCI seccomp state). */
int hull_seccomp_send_listener(const struct hull_seccomp *s, int notify_fd, const char *state_json,
			       struct hull_error *err);
void hull_seccomp_filter_free(struct hull_seccomp_filter *f);
/* True when hull knows the named SCMP_ACT_* and this kernel has it (for `hull features`). */
bool hull_seccomp_action_supported(const char *name);
/* True when this kernel accepts the named SECCOMP_FILTER_FLAG_* (for `hull features`). */
bool hull_seccomp_flag_supported(const char *name);
/* The message sent to listenerPath: {"ociVersion","fds":["seccompFd"],"pid","metadata",
 * "state"} built around state_json (the OCI state object; its pid is used). Caller frees. */
int hull_seccomp_process_state_json(const struct hull_seccomp *s, const char *state_json, char **out,
				    struct hull_error *err);

#endif
