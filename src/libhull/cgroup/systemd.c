/* systemd.c - map runc's systemd cgroupsPath ("slice:prefix:name") to a cgroupfs path.
 *
 * There is no D-Bus driver yet: hull creates the directory systemd would have made for
 * the scope and manages it through cgroupfs. systemd does not know the unit, so
 * `systemctl` will not show it; the path layout matches what runc's driver produces. */
#include "internal.h"

#include <errno.h>

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd's slice nesting); "-.slice" -> "". */
char *cg_systemd_expand_slice(const char *slice, struct hull_error *err)
{
	size_t len = strlen(slice);
	if (len < 6 || strcmp(slice + len - 6, ".slice") != 0 || strchr(slice, '/')) {
		hull_fail(err, EINVAL, "linux.cgroupsPath: invalid systemd slice \"%s\"", slice);
		return NULL;
	}
	if (strcmp(slice, "-.slice") == 0)
		return xstrdup("");
	_cleanup_free_ char *base = xstrndup(slice, len - 6);
	if (base[0] == '-' || base[strlen(base) - 1] == '-' || strstr(base, "--")) {
		hull_fail(err, EINVAL, "linux.cgroupsPath: invalid systemd slice \"%s\"", slice);
		return NULL;
	}
	size_t cap = 2 * len * (len / 2 + 2);
	char *out = xzalloc(cap);
	size_t o = 0;
	for (char *p = base;; p++) {
		if (*p == '-' || *p == '\0') {
			o += (size_t)snprintf(out + o, cap - o, "/%.*s.slice", (int)(p - base), base);
			if (!*p)
				break;
		}
	}
	return out;
}

int cg_systemd_path(const char *cgroups_path, const char *id, bool rootless, char **out, struct hull_error *err)
{
	_cleanup_free_ char *spec = NULL;
	if (!cgroups_path || !*cgroups_path)
		spec = xasprintf(":hull:%s", id); /* runc's default is "system.slice:runc:<id>" */
	else
		spec = xstrdup(cgroups_path);
	char *c1 = strchr(spec, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return hull_fail(err, EINVAL,
				 "linux.cgroupsPath: expected \"slice:prefix:name\" for systemd cgroups, got \"%s\"",
				 cgroups_path);
	*c1 = *c2 = '\0';
	const char *slice = *spec ? spec : (rootless ? "user.slice" : "system.slice");
	const char *prefix = c1 + 1, *name = c2 + 1;
	if (!*name || strchr(name, '/') || strchr(prefix, '/'))
		return hull_fail(err, EINVAL, "linux.cgroupsPath: invalid systemd unit name in \"%s\"", cgroups_path);
	_cleanup_free_ char *parent = cg_systemd_expand_slice(slice, err);
	if (!parent)
		return -1;
	size_t nl = strlen(name);
	if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0) {
		/* the container is itself a slice under the parent one */
		*out = xasprintf("%s/%s", parent, name);
		return 0;
	}
	*out = *prefix ? xasprintf("%s/%s-%s.scope", parent, prefix, name) : xasprintf("%s/%s.scope", parent, name);
	return 0;
}
