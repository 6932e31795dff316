/* bundle_user.c - Config.User ("name", "uid", "name:group", "uid:gid") resolved against the
 * image's own /etc/passwd and /etc/group (read inside the rootfs, never the host's). */
#include "bundle_user.h"
#include "unpack.h"
#include "common/passwd.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#define DB_MAX (4u << 20)

static char *read_db(int rootfd, const char *path)
{
	_cleanup_close_ int fd = hl_open_in_root(rootfd, path, O_RDONLY);
	if (fd < 0)
		return NULL;
	char *buf = xmalloc(DB_MAX + 1);
	ssize_t n, got = 0;
	while ((n = read(fd, buf + got, DB_MAX - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	return buf;
}

/* passwd: match by name, or by uid when name is NULL. */
static bool find_passwd(const char *db, const char *name, unsigned uid, struct hl_user *u)
{
	struct hull_passwd pw = { 0 };
	if (!hull_passwd_find(db, name, uid, &pw))
		return false;
	u->uid = pw.uid;
	u->gid = pw.gid;
	free(u->name);
	u->name = pw.name;
	free(pw.home);
	return true;
}

static bool find_group(const char *db, const char *name, unsigned *gid)
{
	if (db == NULL)
		return false;
	_cleanup_free_ char *copy = xstrdup(db);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		unsigned g;
		if (hull_db_fields(line, f, 4) >= 3 && hull_db_id(f[2], &g) && strcmp(f[0], name) == 0) {
			*gid = g;
			return true;
		}
	}
	return false;
}

/* Groups listing the user as a member (group:pw:gid:a,b,c). */
static void member_groups(const char *db, const char *name, struct hl_user *u)
{
	if (db == NULL || name == NULL)
		return;
	_cleanup_free_ char *copy = xstrdup(db);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		unsigned g;
		if (hull_db_fields(line, f, 4) < 4 || !hull_db_id(f[2], &g))
			continue;
		char *msave = NULL;
		for (char *m = strtok_r(f[3], ",", &msave); m; m = strtok_r(NULL, ",", &msave))
			if (strcmp(m, name) == 0 && g != u->gid && u->n_groups < HL_USER_MAX_GROUPS) {
				u->groups[u->n_groups++] = g;
				break;
			}
	}
}

int hl_user_resolve(int rootfd, const char *spec, struct hl_user *u, struct hull_error *err)
{
	memset(u, 0, sizeof(*u));
	if (spec == NULL || *spec == '\0')
		spec = "0";
	_cleanup_free_ char *copy = xstrdup(spec);
	char *grp = strchr(copy, ':');
	if (grp)
		*grp++ = '\0';
	_cleanup_free_ char *passwd = read_db(rootfd, "etc/passwd");
	_cleanup_free_ char *group = read_db(rootfd, "etc/group");
	unsigned id;
	if (hull_db_id(copy, &id)) {
		/* A numeric uid needs no passwd entry; with one, its gid and groups apply. */
		if (!find_passwd(passwd, NULL, id, u)) {
			u->uid = id;
			u->gid = 0;
		}
	} else if (!find_passwd(passwd, copy, 0, u)) {
		return hull_fail(err, ENOENT, "user \"%s\": no such user in the image's /etc/passwd", copy);
	}
	if (grp && *grp) {
		if (!hull_db_id(grp, &u->gid) && !find_group(group, grp, &u->gid))
			return hull_fail(err, ENOENT, "group \"%s\": no such group in the image's /etc/group", grp);
	} else {
		member_groups(group, u->name, u);
	}
	return 0;
}

char *hl_user_home(int rootfd, unsigned uid)
{
	_cleanup_free_ char *passwd = read_db(rootfd, "etc/passwd");
	struct hull_passwd pw = { 0 };
	char *home = hull_passwd_find(passwd, NULL, uid, &pw) && *pw.home ? xstrdup(pw.home) : NULL;
	hull_passwd_clear(&pw);
	return home;
}
