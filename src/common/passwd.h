/* passwd.h - /etc/passwd-format text (name:password:uid:gid:gecos:home:shell) and the
 * colon-separated fields /etc/group shares with it. No NSS: the runtime is static and
 * the files read are the container's (or the image's) own. */
#ifndef HULL_COMMON_PASSWD_H
#define HULL_COMMON_PASSWD_H

#include <stdbool.h>

struct hull_passwd {
	char *name;
	unsigned uid, gid;
	char *home; /* "" when the entry has none */
};

/* The first well-formed entry of db (the file's text) named name, or, when name is
 * NULL, with that uid. Fills *out (free with hull_passwd_clear). */
bool hull_passwd_find(const char *db, const char *name, unsigned uid, struct hull_passwd *out);
void hull_passwd_clear(struct hull_passwd *pw);
/* A passwd or group file read whole (at most 4 MiB); NULL when missing or unreadable. */
char *hull_passwd_read_at(int dirfd, const char *path);

/* Split one line into at most n colon-separated fields, in place; returns how many. */
int hull_db_fields(char *line, char **f, int n);
/* A decimal id below UINT_MAX (the kernel's "no id"); false for anything else. */
bool hull_db_id(const char *s, unsigned *out);

#endif
