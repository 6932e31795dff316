/* ref.c - image reference parsing and normalisation (`alpine` -> `docker.io/library/alpine:latest`). */
#include "ref.h"
#include "hl.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool component_ok(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (is_lower_alnum(s[i]))
			continue;
		if (s[i] == '.' || s[i] == '_') {
			size_t run = 1;
			while (i + run < n && s[i + run] == s[i])
				run++;
			if ((s[i] == '.' && run > 1) || run > 2)
				return false;
			i += run - 1;
			continue;
		}
		if (s[i] == '-')
			continue;
		return false;
	}
	return true;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
			return false;
	return true;
}

/* The first component is a registry host if it has a dot or a port, or is localhost (docker's rule). */
static bool looks_like_domain(const char *s, size_t n)
{
	if (n == 9 && strncmp(s, "localhost", 9) == 0)
		return true;
	return memchr(s, '.', n) != NULL || memchr(s, ':', n) != NULL || memchr(s, '[', n) != NULL;
}

static bool domain_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr(".-:[]", *p)))
			return false;
	return *s != '\0' && *s != '-' && *s != '.';
}

static int parse_name(const char *name, struct hl_ref *out, const char *orig, struct hull_error *err)
{
	const char *slash = strchr(name, '/');
	if (slash && looks_like_domain(name, slash - name)) {
		out->domain = xstrndup(name, slash - name);
		name = slash + 1;
		if (!domain_ok(out->domain))
			return hull_fail(err, EINVAL, "invalid reference \"%s\": bad registry host \"%s\"", orig, out->domain);
	} else {
		out->domain = xstrdup("docker.io");
	}
	if (strcmp(out->domain, "index.docker.io") == 0) {
		free(out->domain);
		out->domain = xstrdup("docker.io");
	}
	if (strcmp(out->domain, "docker.io") == 0 && strchr(name, '/') == NULL)
		out->path = xasprintf("library/%s", name);
	else
		out->path = xstrdup(name);
	if (strlen(out->path) > 255)
		return hull_fail(err, EINVAL, "invalid reference \"%s\": repository name longer than 255 characters", orig);
	for (const char *c = out->path;;) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (!component_ok(c, n)) {
			for (const char *u = c; u < c + n; u++)
				if (isupper((unsigned char)*u))
					return hull_fail(err, EINVAL, "invalid reference \"%s\": repository name must be lowercase", orig);
			return hull_fail(err, EINVAL, "invalid reference \"%s\": bad repository name component \"%.*s\"",
					 orig, (int)n, c);
		}
		if (!e)
			break;
		c = e + 1;
	}
	return 0;
}

int hl_ref_parse(const char *s, struct hl_ref *out, struct hull_error *err)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return hull_fail(err, EINVAL, "invalid reference: empty");
	_cleanup_free_ char *buf = xstrdup(s);
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (!hl_digest_valid(at + 1)) {
			if (strncmp(at + 1, "sha256:", 7) != 0)
				return hull_fail(err, EINVAL, "invalid reference \"%s\": unsupported digest \"%s\" (only sha256)", s, at + 1);
			return hull_fail(err, EINVAL, "invalid reference \"%s\": digest must be sha256: and 64 lowercase hex digits", s);
		}
		out->digest = xstrdup(at + 1);
	}
	/* A tag is after the last ':' that comes after the last '/' (a ':' before it is a port). */
	char *lastslash = strrchr(buf, '/');
	char *colon = strrchr(lastslash ? lastslash : buf, ':');
	if (colon) {
		*colon = '\0';
		if (!tag_ok(colon + 1)) {
			int r = hull_fail(err, EINVAL, "invalid reference \"%s\": bad tag \"%s\"", s, colon + 1);
			hl_ref_free(out);
			return r;
		}
		out->tag = xstrdup(colon + 1);
	}
	if (*buf == '\0' || parse_name(buf, out, s, err) < 0) {
		if (*buf == '\0')
			hull_fail(err, EINVAL, "invalid reference \"%s\": missing repository name", s);
		hl_ref_free(out);
		return -1;
	}
	if (out->tag == NULL && out->digest == NULL)
		out->tag = xstrdup("latest");
	return 0;
}

void hl_ref_free(struct hl_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *hl_ref_string(const struct hl_ref *r)
{
	return xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

const char *hl_ref_api_host(const struct hl_ref *r)
{
	return strcmp(r->domain, "docker.io") == 0 ? "registry-1.docker.io" : r->domain;
}
