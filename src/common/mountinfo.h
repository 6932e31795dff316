/* mountinfo.h - /proc/self/mountinfo parsed into entries. */
#ifndef HULL_COMMON_MOUNTINFO_H
#define HULL_COMMON_MOUNTINFO_H

#include <stdbool.h>
#include <sys/types.h>

struct hull_mountinfo {
	char *root;       /* root of the mount within its filesystem */
	char *mountpoint; /* unescaped */
	char *fstype;
	char *super_opts;
	bool shared;      /* optional field "shared:N": a member of a peer group */
};
/* This process's /proc/self/mountinfo. Returns the count or -1 (errno set). */
ssize_t hull_mountinfo_read(struct hull_mountinfo **out);
void hull_mountinfo_free(struct hull_mountinfo *mi, size_t n);

#endif
