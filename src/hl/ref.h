/* ref.h - image references: parse and normalise docker-style names. */
#ifndef HULL_HL_REF_H
#define HULL_HL_REF_H

#include "libhull/hull.h"

struct hl_ref {
	char *domain; /* "docker.io", "localhost:5000" */
	char *path;   /* "library/alpine" */
	char *tag;    /* NULL when only a digest was given */
	char *digest; /* "sha256:..." or NULL */
};

/* `alpine` -> docker.io/library/alpine:latest; malformed input fails with a message naming the part. */
int hl_ref_parse(const char *s, struct hl_ref *out, struct hull_error *err);
void hl_ref_free(struct hl_ref *r);
/* "domain/path[:tag][@digest]". Caller frees. */
char *hl_ref_string(const struct hl_ref *r);
/* The host to talk to: docker.io -> registry-1.docker.io. */
const char *hl_ref_api_host(const struct hl_ref *r);

#endif
