/* auth.c - credentials from auth.json / docker config.json, WWW-Authenticate parsing, token answers. */
#include "auth.h"
#include "hl.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>

#include <openssl/evp.h>
#include <yajl/yajl_tree.h>

void hl_challenge_clear(struct hl_challenge *c)
{
	free(c->scheme);
	free(c->realm);
	free(c->service);
	free(c->scope);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

/* Read one auth-param value, quoted (with backslash escapes) or a token; advance *p. */
static char *param_value(const char **p)
{
	const char *s = *p;
	char *out = xmalloc(strlen(s) + 1), *o = out;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			*o++ = *s;
		}
		if (*s == '"')
			s++;
	} else {
		while (*s && *s != ',' && !isspace((unsigned char)*s))
			*o++ = *s++;
	}
	*o = '\0';
	*p = s;
	return out;
}

int hl_auth_parse_challenge(const char *header, struct hl_challenge *c, struct hull_error *err)
{
	memset(c, 0, sizeof(*c));
	const char *p = header;
	while (isspace((unsigned char)*p))
		p++;
	size_t n = strcspn(p, " \t");
	if (n == 0)
		return hull_fail(err, EINVAL, "empty WWW-Authenticate challenge");
	c->scheme = xstrndup(p, n);
	for (char *q = c->scheme; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	p += n;
	while (*p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		size_t k = strcspn(p, "= \t,");
		if (k == 0 || p[k] != '=') {
			if (*p == '\0')
				break;
			hl_challenge_clear(c);
			return hull_fail(err, EINVAL, "malformed WWW-Authenticate challenge \"%s\"", header);
		}
		_cleanup_free_ char *key = xstrndup(p, k);
		p += k + 1;
		char *val = param_value(&p);
		char **slot = strcasecmp(key, "realm") == 0 ? &c->realm : strcasecmp(key, "service") == 0 ? &c->service
			      : strcasecmp(key, "scope") == 0 ? &c->scope : strcasecmp(key, "error") == 0 ? &c->error : NULL;
		if (slot) {
			free(*slot);
			*slot = val;
		} else {
			free(val);
		}
	}
	if (strcmp(c->scheme, "bearer") == 0 && (c->realm == NULL || *c->realm == '\0')) {
		hl_challenge_clear(c);
		return hull_fail(err, EINVAL, "bearer challenge without realm: \"%s\"", header);
	}
	return 0;
}

static int decode_auth(const char *b64, char **user, char **pass, struct hull_error *err)
{
	size_t n = strlen(b64);
	_cleanup_free_ unsigned char *out = xmalloc(n + 4);
	int len = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (len < 0)
		return hull_fail(err, EINVAL, "credentials: \"auth\" is not base64");
	/* EVP_DecodeBlock counts the '=' padding as zero bytes. */
	while (n > 0 && b64[n - 1] == '=' && len > 0) {
		n--;
		len--;
	}
	out[len] = '\0';
	char *colon = strchr((char *)out, ':');
	if (colon == NULL)
		return hull_fail(err, EINVAL, "credentials: \"auth\" does not decode to user:password");
	*user = xstrndup((char *)out, colon - (char *)out);
	*pass = xstrdup(colon + 1);
	return 0;
}

/* How well a key of "auths" matches host/repo: -1 no match, else the matched length. */
static int key_match(const char *key, const char *host, const char *repo)
{
	const char *k = key;
	if (hull_str_has_prefix(k, "https://"))
		k += 8;
	else if (hull_str_has_prefix(k, "http://"))
		k += 7;
	/* Docker's legacy key for Docker Hub. */
	if (strcmp(host, "docker.io") == 0 || strcmp(host, "registry-1.docker.io") == 0) {
		if (hull_str_has_prefix(k, "index.docker.io") || hull_str_has_prefix(k, "registry-1.docker.io"))
			return 1;
	}
	size_t hl = strlen(host);
	if (strncmp(k, host, hl) != 0)
		return -1;
	k += hl;
	if (*k == '\0' || strcmp(k, "/") == 0 || strcmp(k, "/v1/") == 0 || strcmp(k, "/v2/") == 0)
		return (int)hl;
	if (*k != '/' || repo == NULL)
		return -1;
	size_t kl = strlen(k + 1);
	if (strncmp(repo, k + 1, kl) == 0 && (repo[kl] == '\0' || repo[kl] == '/'))
		return (int)(hl + 1 + kl);
	return -1;
}

/* The best "auths" entry for host/repo: base64 "auth" and/or "identitytoken". 1 found, 0 not. */
static int from_auths(yajl_val root, const char *host, const char *repo, struct hl_creds *c, struct hull_error *err)
{
	const char *ap[] = { "auths", NULL };
	yajl_val auths = yajl_tree_get(root, ap, yajl_t_object);
	int best = -1;
	yajl_val best_auth = NULL, best_tok = NULL;
	for (size_t i = 0; auths && i < YAJL_GET_OBJECT(auths)->len; i++) {
		const char *kp[] = { "auth", NULL }, *tp[] = { "identitytoken", NULL };
		yajl_val e = YAJL_GET_OBJECT(auths)->values[i];
		yajl_val a = yajl_tree_get(e, kp, yajl_t_string), t = yajl_tree_get(e, tp, yajl_t_string);
		if (a && YAJL_GET_STRING(a)[0] == '\0')
			a = NULL; /* docker writes {} or "" placeholders when a credsStore holds the secret */
		if (t && YAJL_GET_STRING(t)[0] == '\0')
			t = NULL;
		int m = key_match(YAJL_GET_OBJECT(auths)->keys[i], host, repo);
		if ((a || t) && m > best) {
			best = m;
			best_auth = a;
			best_tok = t;
		}
	}
	if (best < 0)
		return 0;
	if (best_tok) {
		c->identity_token = xstrdup(YAJL_GET_STRING(best_tok));
		return 1;
	}
	return decode_auth(YAJL_GET_STRING(best_auth), &c->user, &c->pass, err) < 0 ? -1 : 1;
}

/* "credHelpers" names a helper per registry host (no repository paths). */
static const char *helper_for(yajl_val root, const char *host)
{
	const char *hp[] = { "credHelpers", NULL };
	yajl_val helpers = yajl_tree_get(root, hp, yajl_t_object);
	for (size_t i = 0; helpers && i < YAJL_GET_OBJECT(helpers)->len; i++) {
		yajl_val v = YAJL_GET_OBJECT(helpers)->values[i];
		if (YAJL_IS_STRING(v) && key_match(YAJL_GET_OBJECT(helpers)->keys[i], host, NULL) >= 0)
			return YAJL_GET_STRING(v);
	}
	return NULL;
}

int hl_auth_creds_from_json(const char *json, const char *host, const char *repo, struct hl_creds *c,
			    struct hull_error *err)
{
	char ebuf[128] = "";
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	if (root == NULL)
		return hull_fail(err, EINVAL, "credentials file: %s", ebuf);
	if (!YAJL_IS_OBJECT(root)) {
		yajl_tree_free(root);
		return hull_fail(err, EINVAL, "credentials file: not a JSON object");
	}
	const char *sp[] = { "credsStore", NULL };
	yajl_val store = yajl_tree_get(root, sp, yajl_t_string);
	const char *helper = helper_for(root, host);
	int r;
	/* As podman: a registry's own helper first; without one, the plain "auths" entries;
	 * the default store last, as docker does for registries it has no entry for. */
	if (helper)
		r = hl_auth_cred_helper(helper, hl_auth_helper_server(host), c, err);
	else if ((r = from_auths(root, host, repo, c, err)) == 0 && store && YAJL_GET_STRING(store)[0])
		r = hl_auth_cred_helper(YAJL_GET_STRING(store), hl_auth_helper_server(host), c, err);
	yajl_tree_free(root);
	return r;
}

int hl_auth_from_json(const char *json, const char *host, const char *repo, char **user, char **pass,
		      struct hull_error *err)
{
	struct hl_creds c = { 0 };
	int r = hl_auth_creds_from_json(json, host, repo, &c, err);
	if (r == 1 && c.user == NULL)
		r = 0; /* an identity token only: no user/password */
	if (r == 1) {
		*user = steal_pointer(&c.user);
		*pass = steal_pointer(&c.pass);
	}
	hl_creds_clear(&c);
	return r;
}

int hl_auth_lookup(const char *authfile, const char *host, const char *repo, struct hl_creds *c, struct hull_error *err)
{
	const char *home = getenv("HOME"), *rt = getenv("XDG_RUNTIME_DIR"), *cfg = getenv("XDG_CONFIG_HOME");
	const char *env = getenv("REGISTRY_AUTH_FILE");
	char *paths[5] = { 0 };
	size_t n = 0;
	if (authfile || (env && *env)) {
		paths[n++] = xstrdup(authfile ? authfile : env);
	} else {
		if (rt && *rt)
			paths[n++] = xasprintf("%s/containers/auth.json", rt);
		if (cfg && *cfg)
			paths[n++] = xasprintf("%s/containers/auth.json", cfg);
		else if (home)
			paths[n++] = xasprintf("%s/.config/containers/auth.json", home);
		if (home)
			paths[n++] = xasprintf("%s/.docker/config.json", home);
	}
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		if (hull_read_file_at(AT_FDCWD, paths[i], 1u << 20, &buf, &len) < 0)
			continue;
		/* A helper's "not found" moves on to the next file, keeping its note. */
		r = hl_auth_creds_from_json(buf, host, repo, c, err);
		if (r < 0)
			hull_error_prefix(err, "%s", paths[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return r;
}

int hl_auth_parse_token(const char *json, char **token, long *expires_in, struct hull_error *err)
{
	yajl_val root = yajl_tree_parse(json, NULL, 0);
	if (root == NULL)
		return hull_fail(err, EINVAL, "token server answer is not JSON");
	const char *tp[] = { "token", NULL }, *ap[] = { "access_token", NULL }, *ep[] = { "expires_in", NULL };
	yajl_val t = yajl_tree_get(root, tp, yajl_t_string);
	if (t == NULL || YAJL_GET_STRING(t)[0] == '\0')
		t = yajl_tree_get(root, ap, yajl_t_string);
	yajl_val e = yajl_tree_get(root, ep, yajl_t_number);
	int r = 0;
	if (t == NULL || YAJL_GET_STRING(t) == NULL || YAJL_GET_STRING(t)[0] == '\0') {
		r = hull_fail(err, EINVAL, "token server answer has neither token nor access_token");
	} else {
		*token = xstrdup(YAJL_GET_STRING(t));
		*expires_in = e && YAJL_IS_INTEGER(e) && YAJL_GET_INTEGER(e) > 0 ? (long)YAJL_GET_INTEGER(e) : 60;
	}
	yajl_tree_free(root);
	return r;
}
