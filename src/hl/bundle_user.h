/* bundle_user.h - image users and groups for process.user. */
#ifndef HULL_HL_BUNDLE_USER_H
#define HULL_HL_BUNDLE_USER_H

#include "hl.h"

#define HL_USER_MAX_GROUPS 64

struct hl_user {
	unsigned uid, gid;
	unsigned groups[HL_USER_MAX_GROUPS]; /* additionalGids from /etc/group membership */
	size_t n_groups;
	char *name; /* from passwd, NULL for a bare uid */
};

/* spec as in Config.User / -u; an unknown name is an error, "" means 0:0. */
int hl_user_resolve(int rootfd, const char *spec, struct hl_user *u, struct hull_error *err);
/* passwd home directory of uid, NULL if none. Caller frees. */
char *hl_user_home(int rootfd, unsigned uid);

#endif
