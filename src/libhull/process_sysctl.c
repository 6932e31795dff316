/* process_sysctl.c - linux.sysctl: which keys a container may set (only those its own
 * namespaces isolate, as runc) and writing them under /proc/sys. */
#define _GNU_SOURCE
#include "process_attrs_internal.h"
#include "util.h"

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

static int check_key(const struct hull_spec *spec, const char *k, struct hull_error *err)
{
	if (!valid_key(k))
		return hull_fail(err, 0, "linux.sysctl[\"%.100s\"]: invalid sysctl name", k);
	enum hull_ns_type need;
	if (hull_str_has_prefix(k, "net."))
		need = HULL_NS_NET;
	else if (in_list(ipc_keys, k) || hull_str_has_prefix(k, "fs.mqueue."))
		need = HULL_NS_IPC;
	else if (in_list(uts_keys, k))
		need = HULL_NS_UTS;
	else
		return hull_fail(err, 0,
				 "linux.sysctl[\"%.100s\"]: not allowed: this key is not isolated by a namespace and "
				 "would change the host (only net.*, the ipc keys and kernel.hostname/domainname are)",
				 k);
	/* Two sources for one value would depend on the order hull applies them in. */
	if ((strcmp(k, "kernel.hostname") == 0 && spec->hostname && *spec->hostname) ||
	    (strcmp(k, "kernel.domainname") == 0 && spec->domainname && *spec->domainname))
		return hull_fail(err, 0, "linux.sysctl[\"%.100s\"]: conflicts with the %s field; set only one", k,
				 k[7] == 'h' ? "hostname" : "domainname");
	const struct hull_namespace *ns = hull_spec_namespace(spec, need);
	if (!ns)
		return hull_fail(err, 0, "linux.sysctl[\"%.100s\"]: needs a %s namespace of its own in linux.namespaces", k,
				 hull_ns_type_name(need));
	if (need == HULL_NS_NET && is_host_netns(ns->path))
		return hull_fail(err, 0, "linux.sysctl[\"%.100s\"]: the container joins the host's network namespace", k);
	return 0;
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
