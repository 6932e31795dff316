/* sysctl.c - linux.sysctl: which keys a container may set (only those its own
 * namespaces isolate, as runc) and writing them under /proc/sys. */
#define _GNU_SOURCE
#include "sysctl.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* IPC namespace keys (fs.mqueue.* too), from ipc/ipc_sysctl.c. */
static const char *const ipc_keys[] = { "kernel.msgmax", "kernel.msgmnb",  "kernel.msgmni",	   "kernel.sem",
					"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
					NULL };
static const char *const uts_keys[] = { "kernel.hostname", "kernel.domainname", NULL };

static bool in_list(const char *const *l, const char *k)
{
	for (size_t i = 0; l[i]; i++)
		if (strcmp(l[i], k) == 0)
			return true;
	return false;
}

/* Is the network namespace the container joins by path the one hull runs in? Then a
 * net.* sysctl would change the host. */
static bool is_host_netns(const char *path)
{
	struct stat a, b;
	return path && stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static bool valid_key(const char *k)
{
	if (!*k || *k == '.' || strstr(k, "..") || strstr(k, "/") || k[strlen(k) - 1] == '.')
		return false;
	return true;
}

/* Which keys a container may set, as runc 1.1.5 decides it (its messages, which
 * clients may match on, after the JSON path): only what the container's own
 * namespaces isolate. kernel.hostname has the hostname field instead; kernel.domainname
 * is taken whatever the domainname field says (the sysctl is written last and wins). */
static int check_key(const struct hull_spec *spec, const char *k, struct hull_error *err)
{
	/* Stricter than runc, for safety: the key becomes a path under /proc/sys. */
	if (!valid_key(k))
		return hull_fail(err, 0, "linux.sysctl[\"%.100s\"]: invalid sysctl name", k);
	if (in_list(ipc_keys, k) || hull_str_has_prefix(k, "fs.mqueue.")) {
		if (!hull_spec_namespace(spec, HULL_NS_IPC))
			return hull_fail_plain(err, 0, "linux.sysctl: sysctl \"%.100s\" is not allowed in the hosts ipc namespace",
					       k);
		return 0;
	}
	if (hull_str_has_prefix(k, "net.")) {
		const struct hull_namespace *ns = hull_spec_namespace(spec, HULL_NS_NET);
		if (!ns || is_host_netns(ns->path))
			return hull_fail_plain(err, 0, "linux.sysctl: sysctl \"%.100s\" not allowed in host network namespace",
					       k);
		return 0;
	}
	if (in_list(uts_keys, k) && hull_spec_namespace(spec, HULL_NS_UTS)) {
		if (strcmp(k, "kernel.domainname") == 0)
			return 0;
		return hull_fail_plain(err, 0,
				       "linux.sysctl: sysctl \"%.100s\" is not allowed as it conflicts with the OCI \"hostname\" field",
				       k);
	}
	return hull_fail_plain(err, 0, "linux.sysctl: sysctl \"%.100s\" is not in a separate kernel namespace", k);
}

int hull_sysctl_validate(const struct hull_spec *spec, struct hull_error *err)
{
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++)
		if (check_key(spec, spec->linux_.sysctl[i].key, err) < 0)
			return -1;
	return 0;
}

int hull_sysctl_apply(const struct hull_spec *spec, struct hull_error *err)
{
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++) {
		const struct hull_kv *kv = &spec->linux_.sysctl[i];
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", kv->key);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		/* This /proc is the container's own: the values land in its namespaces. */
		_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return hull_fail(err, errno, "linux.sysctl[\"%s\"]: open %s", kv->key, path);
		int r = hull_write_all(fd, kv->value, strlen(kv->value));
		if (r < 0)
			return hull_fail(err, -r, "linux.sysctl[\"%s\"]: write \"%s\"", kv->key, kv->value);
	}
	return 0;
}
