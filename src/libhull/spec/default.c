/* default.c - the default config.json `hull spec` writes: runc 1.1.5's example spec
 * (scripts and runc's own test suite build on it), except the hostname ("hull") and the
 * extra masked /sys/devices/virtual/powercap (RAPL energy counters leak what other
 * processes compute, CVE-2020-8694; later runc masks it too). */
#define _GNU_SOURCE
#include "common/json.h"
#include "common/util.h"

#include <unistd.h>

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
};

static const struct default_mount default_mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
	{ "/dev/pts", "devpts", "devpts", { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* Without a network namespace of its own (rootless), sysfs cannot be mounted: bind the host's. */
static const struct default_mount rootless_sys = { "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
static const char *const default_env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					   "TERM=xterm", NULL };
static const char *const masked_paths[] = { "/proc/acpi",	  "/proc/asound",	 "/proc/kcore",
					    "/proc/keys",	  "/proc/latency_stats", "/proc/timer_list",
					    "/proc/timer_stats", "/proc/sched_debug",	 "/sys/firmware",
					    "/proc/scsi",	  "/sys/devices/virtual/powercap", NULL };
static const char *const readonly_paths[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
					      NULL };
/* No cgroup namespace, as runc's: the container then sees its cgroup path as the host
 * names it, and a client that adds {"type":"cgroup"} itself must not meet a duplicate. */
static const char *const namespaces[] = { "pid", "network", "ipc", "uts", "mount", NULL };

static void gen_process(yajl_gen g)
{
	hull_jgen_key(g, "process");
	yajl_gen_map_open(g);
	hull_jgen_kbool(g, "terminal", true);
	hull_jgen_key(g, "user");
	yajl_gen_map_open(g);
	hull_jgen_kint(g, "uid", 0);
	hull_jgen_kint(g, "gid", 0);
	yajl_gen_map_close(g);
	hull_jgen_kstrv(g, "args", (const char *const[]){ "sh", NULL });
	hull_jgen_kstrv(g, "env", default_env);
	hull_jgen_kstr(g, "cwd", "/");
	hull_jgen_key(g, "capabilities");
	yajl_gen_map_open(g);
	hull_jgen_kstrv(g, "bounding", default_caps);
	hull_jgen_kstrv(g, "effective", default_caps);
	hull_jgen_kstrv(g, "permitted", default_caps);
	/* Not inheritable, so the kernel raises none of them: kept because runc writes them
	 * (and silently goes without them; hull_caps_apply does the same). */
	hull_jgen_kstrv(g, "ambient", default_caps);
	yajl_gen_map_close(g);
	hull_jgen_key(g, "rlimits");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "type", "RLIMIT_NOFILE");
	hull_jgen_kint(g, "hard", 1024);
	hull_jgen_kint(g, "soft", 1024);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	hull_jgen_kbool(g, "noNewPrivileges", true);
	yajl_gen_map_close(g);
}

static void gen_mount(yajl_gen g, const struct default_mount *m, bool rootless)
{
	if (rootless && strcmp(m->destination, "/sys") == 0)
		m = &rootless_sys;
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "destination", m->destination);
	hull_jgen_kstr(g, "type", m->type);
	hull_jgen_kstr(g, "source", m->source);
	if (m->options[0]) {
		hull_jgen_key(g, "options");
		yajl_gen_array_open(g);
		/* A user namespace maps only our own ids, so gid=5 (tty) would not exist. */
		for (size_t i = 0; m->options[i]; i++)
			if (!rootless || !(hull_str_has_prefix(m->options[i], "gid=") ||
					   hull_str_has_prefix(m->options[i], "uid=")))
				hull_jgen_str(g, m->options[i]);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_mapping(yajl_gen g, const char *key, unsigned host_id)
{
	hull_jgen_key(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	hull_jgen_kint(g, "containerID", 0);
	hull_jgen_kint(g, "hostID", host_id);
	hull_jgen_kint(g, "size", 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool rootless)
{
	hull_jgen_key(g, "linux");
	yajl_gen_map_open(g);
	if (rootless) {
		/* Map only ourselves to root in the container: all an unprivileged user can do alone. */
		gen_mapping(g, "uidMappings", geteuid());
		gen_mapping(g, "gidMappings", getegid());
	} else {
		/* Deny every device in the cgroup; /dev gets only the default ones. */
		hull_jgen_key(g, "resources");
		yajl_gen_map_open(g);
		hull_jgen_key(g, "devices");
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		hull_jgen_kbool(g, "allow", false);
		hull_jgen_kstr(g, "access", "rwm");
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	hull_jgen_key(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; namespaces[i]; i++) {
		/* Rootless: no network namespace (nothing could configure it), but a user one. */
		if (rootless && strcmp(namespaces[i], "network") == 0)
			continue;
		yajl_gen_map_open(g);
		hull_jgen_kstr(g, "type", namespaces[i]);
		yajl_gen_map_close(g);
	}
	if (rootless) {
		yajl_gen_map_open(g);
		hull_jgen_kstr(g, "type", "user");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	hull_jgen_kstrv(g, "maskedPaths", masked_paths);
	hull_jgen_kstrv(g, "readonlyPaths", readonly_paths);
	yajl_gen_map_close(g);
}

char *hull_spec_default_json(bool rootless)
{
	yajl_gen g = hull_jgen_new("\t");
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "ociVersion", HULL_OCI_VERSION);
	gen_process(g);
	hull_jgen_key(g, "root");
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "path", "rootfs");
	hull_jgen_kbool(g, "readonly", true);
	yajl_gen_map_close(g);
	hull_jgen_kstr(g, "hostname", "hull");
	hull_jgen_key(g, "mounts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++)
		gen_mount(g, &default_mounts[i], rootless);
	yajl_gen_array_close(g);
	gen_linux(g, rootless);
	yajl_gen_map_close(g);
	return hull_jgen_finish(g);
}
