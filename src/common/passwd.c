/* passwd.c - /etc/passwd-format text: one parser for the init's HOME, the owner in
 * `hull list` and hull-image's users. */
#define _GNU_SOURCE
#include "passwd.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define PASSWD_MAX (4u << 20)

int hull_db_fields(char *line, char **f, int n)
{
	int k = 0;
	f[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == ':') {
			*p = '\0';
			f[k++] = p + 1;
		}
	return k;
}

bool hull_db_id(const char *s, unsigned *out)
{
	if (*s == '\0')
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT_MAX - 1)
		return false;
	*out = (unsigned)v;
	return true;
}

bool hull_passwd_find(const char *db, const char *name, unsigned uid, struct hull_passwd *out)
{
	if (db == NULL)
		return false;
	_cleanup_free_ char *copy = xstrdup(db);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		unsigned pu, pg;
		int n = hull_db_fields(line, f, 7);
		if (n < 4 || !hull_db_id(f[2], &pu) || !hull_db_id(f[3], &pg))
			continue;
		if (name ? strcmp(f[0], name) != 0 : pu != uid)
			continue;
		hull_passwd_clear(out);
		out->name = xstrdup(f[0]);
		out->uid = pu;
		out->gid = pg;
		out->home = xstrdup(n >= 6 ? f[5] : "");
		return true;
	}
	return false;
}

void hull_passwd_clear(struct hull_passwd *pw)
{
	free(pw->name);
	free(pw->home);
	pw->name = pw->home = NULL;
}

char *hull_passwd_read_at(int dirfd, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	return hull_read_file_at(dirfd, path, PASSWD_MAX, &text, &len) == 0 ? text : NULL;
}
