/* validate.c - parent-side checks of mounts, devices and masked paths, so a bad
 * config fails with its JSON path before anything is created. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>

/* "No such file or directory" -> "no such file or directory", the way errors read here. */
static char *lower_strerror(int e)
{
	char *s = xstrdup(strerror(e));
	if (s[0])
		s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

static int fail_path(struct hull_error *err, int e, const char *json, const char *path)
{
	_cleanup_free_ char *why = lower_strerror(e);
	hull_fail(err, 0, "%s: %s: %s", json, why, path);
	err->errnum = e;
	return -1;
}

static bool sane_type(const char *t)
{
	if (!*t)
		return false;
	for (const char *p = t; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p))
			return false;
	return true;
}

static int check_options(size_t i, const struct hull_mount *m, const struct hull_mount_opts *o, struct hull_error *err)
{
	bool tmpfs = m->type && strcmp(m->type, "tmpfs") == 0;
	if (o->tmpcopyup && (o->bind || !tmpfs))
		return hull_fail(err, 0, "mounts[%zu].options: tmpcopyup needs a tmpfs mount", i);
	bool mapped = m->n_uid_mappings || m->n_gid_mappings;
	if ((o->idmap || mapped) && !o->bind)
		return hull_fail(err, 0, "mounts[%zu]: idmapped mounts must be bind mounts", i);
	if (mapped && (!m->n_uid_mappings || !m->n_gid_mappings))
		return hull_fail(err, 0, "mounts[%zu]: an idmapped mount needs both uidMappings and gidMappings", i);
	return 0;
}

static int check_idmap_source(size_t i, const struct hull_spec *spec, const struct hull_mount *m,
			      const struct hull_mount_opts *o, struct hull_error *err)
{
	if (!o->idmap || m->n_uid_mappings || m->n_gid_mappings)
		return 0;
	if (!spec->linux_.n_uid_mappings || !spec->linux_.n_gid_mappings)
		return hull_fail(err, 0,
				 "mounts[%zu].options: \"%s\" without uidMappings/gidMappings needs the container's "
				 "user namespace mappings (linux.uidMappings, linux.gidMappings)",
				 i, o->ridmap ? "ridmap" : "idmap");
	return 0;
}

/* Files lxcfs emulates: the only mounts runc lets inside /proc. */
static const char *const proc_mount_ok[] = { "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
					     "/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
					     "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", NULL };

/* m->destination cleaned of "//", "." and ".." (caller frees). */
static char *clean_dest(const char *dest)
{
	char *d = xstrdup(dest), *out = d;
	for (const char *p = dest; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > d && *--out != '/')
				;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	*out = '\0';
	return d;
}

bool hull_mount_proc_entry_ok(const char *dest)
{
	_cleanup_free_ char *d = clean_dest(dest);
	for (size_t k = 0; proc_mount_ok[k]; k++)
		if (strcmp(d, proc_mount_ok[k]) == 0)
			return true;
	return false;
}

/* A procfs (or anything) mounted below /proc, e.g. on /proc/sys/kernel, would show the
 * entries maskedPaths hide (its /proc/sys/kernel/keys is /proc/keys) or let a fake
 * file take the place of one hull writes: refuse like runc. /proc itself must be procfs.
 * This looks at the destination as written; mount.c refuses a destination that turns
 * out to be on a procfs once symlinks are resolved. */
static int check_proc_destination(size_t i, const struct hull_mount *m, bool bind, struct hull_error *err)
{
	if (!m->destination)
		return 0;
	_cleanup_free_ char *d = clean_dest(m->destination);
	if (strcmp(d, "/proc") == 0) {
		/* a bind must bring a procfs: mount.c checks the opened source */
		if (bind || (m->type && strcmp(m->type, "proc") == 0))
			return 0;
		return hull_fail(err, 0, "mounts[%zu].destination: /proc cannot be mounted because it is not of type proc",
				 i);
	}
	if (!hull_str_has_prefix(d, "/proc/") || hull_mount_proc_entry_ok(d))
		return 0;
	return hull_fail(err, 0, "mounts[%zu].destination: %.200s cannot be mounted because it is inside /proc", i,
			 m->destination);
}

static int check_mount(const struct hull_spec *spec, size_t i, struct hull_error *err)
{
	const struct hull_mount *m = &spec->mounts[i];
	if (m->relative_destination)
		/* runc's warning, word for word (as written): the mount goes below / all the same */
		hull_warn("mount destination %s is not absolute. Support for non-absolute mount destinations will be "
			  "removed in a future release.",
			  m->destination + 1);
	struct hull_mount_opts o;
	hull_mount_opts_parse(m->options, hull_mount_is_bind(m), &o);
	int ret = check_options(i, m, &o, err) < 0 || check_idmap_source(i, spec, m, &o, err) < 0 ? -1 : 0;
	bool bind = o.bind, remount = o.remount;
	hull_mount_opts_clear(&o);
	if (ret < 0 || remount || check_proc_destination(i, m, bind, err) < 0)
		return ret < 0 || remount ? ret : -1;
	if (!bind) {
		if (!m->type || strcmp(m->type, "none") == 0)
			return hull_fail(err, 0, "mounts[%zu].type: required unless the mount is a bind mount", i);
		if (!sane_type(m->type))
			return hull_fail(err, 0, "mounts[%zu].type: invalid filesystem type \"%.100s\"", i, m->type);
		return 0;
	}
	if (!m->source || !*m->source)
		return hull_fail(err, 0, "mounts[%zu].source: required for a bind mount", i);
	struct stat st;
	if (stat(m->source, &st) < 0) {
		_cleanup_free_ char *json = xasprintf("mounts[%zu].source", i);
		return fail_path(err, errno, json, m->source);
	}
	return 0;
}

static int check_devices(const struct hull_linux *l, struct hull_error *err)
{
	for (size_t i = 0; i < l->n_devices; i++) {
		const char *p = l->devices[i].path;
		/* runc creates a device anywhere in the rootfs (/foo-dev too; mount/dev.c resolves
		 * the path inside it), but not in place of the root or of /dev itself. */
		_cleanup_free_ char *d = clean_dest(p);
		if (p[0] != '/' || !d[0] || strcmp(d, "/dev") == 0)
			return hull_fail(err, 0, "linux.devices[%zu].path: must be an absolute path of a device, got \"%.200s\"",
					 i, p);
	}
	return 0;
}

/* Without a mount namespace the container shares the runtime's mount table (the
 * runtime-spec: a namespace not listed is inherited). hull then only chroots into
 * root.path. Whatever would need a mount is refused: runc 1.1.5 makes such mounts in
 * the runtime's namespace and leaves them there after delete (docs/runc-compat.md). */
static int check_without_mount_ns(const struct hull_spec *spec, struct hull_error *err)
{
	const struct hull_linux *l = &spec->linux_;
	const char *why = "needs a mount namespace (hull does not mount into the runtime's; add \"mount\" to "
			  "linux.namespaces)";
	if (spec->n_mounts)
		return hull_fail(err, 0, "mounts: %s", why);
	/* runc's own refusal, in its words. */
	if (l->masked_paths && l->masked_paths[0])
		return hull_fail(err, 0, "linux.maskedPaths: unable to restrict sys entries without a private MNT namespace");
	if (l->readonly_paths && l->readonly_paths[0])
		return hull_fail(err, 0,
				 "linux.readonlyPaths: unable to restrict sys entries without a private MNT namespace");
	if (spec->root_readonly)
		return hull_fail(err, 0, "root.readonly: %s", why);
	if (l->rootfs_propagation)
		return hull_fail(err, 0, "linux.rootfsPropagation: %s", why);
	return 0;
}

int hull_rootfs_validate(const struct hull_spec *spec, struct hull_error *err)
{
	if (!hull_rootfs_own_mount_ns(spec) && check_without_mount_ns(spec, err) < 0)
		return -1;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (check_mount(spec, i, err) < 0)
			return -1;
	return check_devices(&spec->linux_, err);
}
