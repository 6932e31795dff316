/* features.c - the OCI features document (`hull features`): what this build implements.
 *
 * Keep it honest: the tables and switches just below are the single place to update
 * when a feature lands (or turns out not to work). Consumers act on them: containerd
 * refuses idmapped mounts unless mountExtensions.idmap.enabled, CRI looks for "rro". */
#define _GNU_SOURCE
#include "libhull/cgroup/dbus.h"
#include "libhull/security/caps.h"
#include "common/json.h"
#include "libhull/ns/netdev.h"
#include "libhull/security/seccomp.h"
#include "common/util.h"

#include <ctype.h>
#include <seccomp.h>
#include <sys/capability.h>

#ifndef HULL_VERSION
#define HULL_VERSION "unknown"
#endif
#ifndef HULL_COMMIT
#define HULL_COMMIT "unknown"
#endif

/* ---- update these as features land ------------------------------------------------ */

static const char *const feature_hooks[] = { "prestart",	"createRuntime", "createContainer",
					     "startContainer", "poststart",	"poststop",	   NULL };

/* Mount options mount_options.c understands (flags, propagation, the recursive mount_setattr
 * forms, tmpcopyup and idmap). tests/integration/features.bats mounts every one of them.
 * Not "iversion"/"noiversion": hull hands them to fsconfig, where tmpfs (and any file
 * system without the parameter) refuses them; runc sets MS_I_VERSION instead. */
static const char *const feature_mount_options[] = {
	"async",      "atime",	      "bind",	    "defaults",	 "dev",	       "diratime",    "dirsync",
	"exec",	      "idmap",	      "lazytime",	 "loud",       "mand",	      "noatime",
	"nodev",      "nodiratime",   "noexec",	    "nolazytime", "nomand",      "norelatime",
	"nostrictatime", "nosuid",    "nosymfollow", "notmpcopyup", "private",   "ratime",      "rbind",
	"rdev",	      "rdiratime",    "relatime",   "remount",	 "rexec",      "ridmap",      "rnoatime",
	"rnodev",     "rnodiratime",  "rnoexec",    "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
	"ro",	      "rprivate",     "rrelatime",  "rro",	 "rrw",	       "rshared",     "rslave",
	"rstrictatime", "rsuid",      "rsymfollow", "runbindable", "rw",       "shared",      "silent",
	"slave",      "strictatime",  "suid",	    "symfollow", "sync",       "tmpcopyup",   "unbindable",
	NULL
};

static const char *const feature_namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
						  NULL };

static const struct {
	const char *name;
	bool enabled;
} feature_switches[] = {
	{ "cgroup.v1", true },	    { "cgroup.v2", true },	  { "cgroup.systemd", true },
	/* The systemd driver (cgroup/systemd.c) talks to the user's manager when rootless. */
	{ "cgroup.systemdUser", true }, { "cgroup.rdma", true },	  { "seccomp", true },
	{ "apparmor", false },	    { "selinux", false },	  { "intelRdt", false },
	/* Idmapped mounts (mount_idmap.c; mounts.bats, features.bats). */
	{ "mountExtensions.idmap", true },
};

/* Annotations hull acts upon that can weaken isolation: with the systemd driver the
 * org.systemd.property.* ones become unit properties (DevicePolicy, Delegate, ...). */
static const char *const feature_unsafe_annotations[] = { SD_ANNOTATION_PREFIX, NULL };

/* ------------------------------------------------------------------------------------ */

static bool feature_on(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(feature_switches); i++)
		if (strcmp(feature_switches[i].name, name) == 0)
			return feature_switches[i].enabled;
	return false;
}

static void gen_enabled(yajl_gen g, const char *key, bool on)
{
	hull_jgen_key(g, key);
	yajl_gen_map_open(g);
	hull_jgen_kbool(g, "enabled", on);
	yajl_gen_map_close(g);
}

/* Capability names, from caps.c when it knows them, else every number libcap can name. */
static void gen_capabilities(yajl_gen g)
{
	hull_jgen_key(g, "capabilities");
	yajl_gen_array_open(g);
	const char *const *known = hull_caps_known();
	if (known && known[0]) {
		for (size_t i = 0; known[i]; i++)
			hull_jgen_str(g, known[i]);
	} else {
		for (int c = 0; c <= CAP_LAST_CAP; c++) {
			char *name = cap_to_name((cap_value_t)c);
			if (!name)
				continue;
			_cleanup_free_ char *up = xstrdup(name);
			cap_free(name);
			for (char *p = up; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			hull_jgen_str(g, up);
		}
	}
	yajl_gen_array_close(g);
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64"; listed only if this libseccomp knows it. */
static bool arch_known(const char *spec_name)
{
	char lower[32];
	const char *s = spec_name + strlen("SCMP_ARCH_");
	size_t n = 0;
	for (; *s && n + 1 < sizeof(lower); s++)
		lower[n++] = (char)tolower((unsigned char)*s);
	lower[n] = '\0';
	return seccomp_arch_resolve_name(lower) != 0;
}

static void gen_seccomp(yajl_gen g)
{
	hull_jgen_key(g, "seccomp");
	yajl_gen_map_open(g);
	bool on = feature_on("seccomp");
	hull_jgen_kbool(g, "enabled", on);
	if (on) {
		/* Actions this kernel can carry out; operators are all libseccomp's. */
		hull_jgen_key(g, "actions");
		yajl_gen_array_open(g);
		for (size_t i = 0; hull_seccomp_actions[i]; i++)
			if (hull_seccomp_action_supported(hull_seccomp_actions[i]))
				hull_jgen_str(g, hull_seccomp_actions[i]);
		yajl_gen_array_close(g);
		hull_jgen_kstrv(g, "operators", hull_seccomp_ops);
		hull_jgen_key(g, "archs");
		yajl_gen_array_open(g);
		for (size_t i = 0; hull_seccomp_archs[i]; i++)
			if (arch_known(hull_seccomp_archs[i]))
				hull_jgen_str(g, hull_seccomp_archs[i]);
		yajl_gen_array_close(g);
		hull_jgen_kstrv(g, "knownFlags", hull_seccomp_flags);
		/* Those this kernel has (hull loads the BPF itself, so libseccomp's own flag
		 * support does not matter). */
		hull_jgen_key(g, "supportedFlags");
		yajl_gen_array_open(g);
		for (size_t i = 0; hull_seccomp_flags[i]; i++)
			if (hull_seccomp_flag_supported(hull_seccomp_flags[i]))
				hull_jgen_str(g, hull_seccomp_flags[i]);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	hull_jgen_key(g, "linux");
	yajl_gen_map_open(g);
	hull_jgen_kstrv(g, "namespaces", feature_namespaces);
	gen_capabilities(g);
	hull_jgen_key(g, "cgroup");
	yajl_gen_map_open(g);
	hull_jgen_kbool(g, "v1", feature_on("cgroup.v1"));
	hull_jgen_kbool(g, "v2", feature_on("cgroup.v2"));
	hull_jgen_kbool(g, "systemd", feature_on("cgroup.systemd"));
	hull_jgen_kbool(g, "systemdUser", feature_on("cgroup.systemdUser"));
	hull_jgen_kbool(g, "rdma", feature_on("cgroup.rdma"));
	yajl_gen_map_close(g);
	gen_seccomp(g);
	gen_enabled(g, "apparmor", feature_on("apparmor"));
	gen_enabled(g, "selinux", feature_on("selinux"));
	gen_enabled(g, "intelRdt", feature_on("intelRdt"));
	hull_jgen_key(g, "mountExtensions");
	yajl_gen_map_open(g);
	gen_enabled(g, "idmap", feature_on("mountExtensions.idmap"));
	yajl_gen_map_close(g);
	gen_enabled(g, "netDevices", hull_netdev_supported()); /* the static build has no libmnl */
	yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g)
{
	const struct scmp_version *v = seccomp_version();
	_cleanup_free_ char *sv = v ? xasprintf("%u.%u.%u", v->major, v->minor, v->micro) : xstrdup("unknown");
	hull_jgen_key(g, "annotations");
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "io.github.seccomp.libseccomp.version", sv);
	hull_jgen_kstr(g, "org.hull.checkpoint.enabled", "false");
	hull_jgen_kstr(g, "org.hull.commit", HULL_COMMIT);
	_cleanup_free_ char *dbus = hull_sd_library_version();
	hull_jgen_kstr(g, "org.hull.systemd.dbus", dbus);
	hull_jgen_kstr(g, "org.hull.version", HULL_VERSION);
	yajl_gen_map_close(g);
}

char *hull_features_json(void)
{
	yajl_gen g = hull_jgen_new("    ");
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "ociVersionMin", "1.0.0");
	hull_jgen_kstr(g, "ociVersionMax", HULL_OCI_VERSION);
	hull_jgen_kstrv(g, "hooks", feature_hooks);
	hull_jgen_kstrv(g, "mountOptions", feature_mount_options);
	gen_linux(g);
	gen_annotations(g);
	hull_jgen_kstrv(g, "potentiallyUnsafeConfigAnnotations", feature_unsafe_annotations);
	yajl_gen_map_close(g);
	return hull_jgen_finish(g);
}
