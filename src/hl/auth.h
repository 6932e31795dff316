/* auth.h - registry credentials and WWW-Authenticate challenges. */
#ifndef HULL_HL_AUTH_H
#define HULL_HL_AUTH_H

#include "../libhull/hull.h"

#include <stdbool.h>
#include <stddef.h>

struct hl_challenge {
	char *scheme; /* "basic" or "bearer", lower case */
	char *realm, *service, *scope, *error;
};

/* Parse one WWW-Authenticate value: a scheme, then comma-separated key="value" pairs
 * (values may contain commas inside quotes). */
int hl_auth_parse_challenge(const char *header, struct hl_challenge *c, struct hull_error *err);
void hl_challenge_clear(struct hl_challenge *c);

/* Look up credentials for host (and repository path, most specific key wins) in one
 * auth.json / config.json document. Returns 1 if found, 0 if not, <0 on a malformed file. */
int hl_auth_from_json(const char *json, const char *host, const char *repo, char **user, char **pass,
		      struct hull_error *err);
/* Search $REGISTRY_AUTH_FILE (or authfile when given), ${XDG_RUNTIME_DIR}/containers/auth.json,
 * ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json, ~/.docker/config.json in that order. */
int hl_auth_lookup(const char *authfile, const char *host, const char *repo, char **user, char **pass,
		   struct hull_error *err);
/* A token endpoint's answer: `token` or `access_token`, `expires_in` (default 60 s). */
int hl_auth_parse_token(const char *json, char **token, long *expires_in, struct hull_error *err);

#endif
