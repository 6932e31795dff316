/* mountinfo.c - /proc/self/mountinfo parsed into entries: one reader for the cgroup
 * host detection and the rootfs steps. */
#define _GNU_SOURCE
#include "mountinfo.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* "id parent maj:min root mountpoint opts [optional...] - fstype source superopts" */
static bool parse_line(char *line, struct hull_mountinfo *mi)
{
	char *fields[6] = { 0 }, *save = NULL, *tok;
	int n = 0;
	for (tok = strtok_r(line, " \n", &save); tok && n < 6; tok = strtok_r(NULL, " \n", &save))
		fields[n++] = tok;
	if (n < 6)
		return false;
	mi->shared = false;
	while (tok && strcmp(tok, "-") != 0) {
		if (strncmp(tok, "shared:", 7) == 0)
			mi->shared = true;
		tok = strtok_r(NULL, " \n", &save);
	}
	char *fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
	char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
	char *super = source ? strtok_r(NULL, " \n", &save) : NULL;
	if (!super)
		return false;
	mi->root = unescape(fields[3]);
	mi->mountpoint = unescape(fields[4]);
	mi->fstype = xstrdup(fstype);
	mi->super_opts = xstrdup(super);
	return true;
}

ssize_t hull_mountinfo_read(struct hull_mountinfo **out)
{
	_cleanup_free_ char *text = NULL;
	int r = hull_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &text, NULL);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	struct hull_mountinfo *v = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		v = xgrow(v, &cap, n, sizeof(*v));
		if (parse_line(line, &v[n]))
			n++;
	}
	*out = v;
	return (ssize_t)n;
}

void hull_mountinfo_free(struct hull_mountinfo *mi, size_t n)
{
	for (size_t i = 0; mi && i < n; i++) {
		free(mi[i].root);
		free(mi[i].mountpoint);
		free(mi[i].fstype);
		free(mi[i].super_opts);
	}
	free(mi);
}
