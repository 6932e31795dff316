/* auth.h - registry credentials and WWW-Authenticate challenges. */
#ifndef HULL_HL_AUTH_H
#define HULL_HL_AUTH_H

#include "libhull/hull.h"

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

/* Credentials for one registry. identity_token is an OAuth2 refresh token (a credential helper's
 * Username "<token>", or config.json "identitytoken"); note says why none were found, if known. */
struct hl_creds {
	char *user, *pass, *identity_token;
	char *note;
};
void hl_creds_clear(struct hl_creds *c);

/* Look up credentials for host (and repository path, most specific key wins) in one
 * auth.json / config.json document. Returns 1 if found, 0 if not, <0 on a malformed file. */
int hl_auth_from_json(const char *json, const char *host, const char *repo, char **user, char **pass,
		      struct hull_error *err);
/* The same with credential helpers: "credHelpers"[host] first, then "auths", then the default
 * "credsStore". A helper that knows nothing about host gives 0 with c->note set. */
int hl_auth_creds_from_json(const char *json, const char *host, const char *repo, struct hl_creds *c,
			    struct hull_error *err);
/* Search $REGISTRY_AUTH_FILE (or authfile when given), ${XDG_RUNTIME_DIR}/containers/auth.json,
 * ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json, ~/.docker/config.json in that order;
 * the first file that yields credentials wins. */
int hl_auth_lookup(const char *authfile, const char *host, const char *repo, struct hl_creds *c,
		   struct hull_error *err);

/* auth_helper.c: run `docker-credential-NAME get` with server on stdin. 1 = found,
 * 0 = the helper said "credentials not found" (c->note set), <0 = missing helper or failure. */
int hl_auth_cred_helper(const char *name, const char *server, struct hl_creds *c, struct hull_error *err);
/* Parse a helper's {"ServerURL","Username","Secret"} answer; Username "<token>" makes Secret
 * an identity token. */
int hl_auth_parse_helper_output(const char *json, struct hl_creds *c, struct hull_error *err);
/* The server name a helper is asked about: Docker Hub's legacy URL for docker.io, else host. */
const char *hl_auth_helper_server(const char *host);

/* A token endpoint's answer: `token` or `access_token`, `expires_in` (default 60 s). */
int hl_auth_parse_token(const char *json, char **token, long *expires_in, struct hull_error *err);

#endif
