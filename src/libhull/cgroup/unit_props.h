/* unit_props.h - systemd unit properties as the systemd cgroup driver sends them.
 *
 * A property list is built without any D-Bus library (so it is unit tested as plain
 * data): each value carries its D-Bus type code, and dbus.c marshals it into a
 * message. What goes in follows runc 1.1's libcontainer/cgroups/systemd. */
#ifndef HULL_SYSTEMD_PROPS_H
#define HULL_SYSTEMD_PROPS_H

#include "libhull/spec/spec.h"
#include "common/util.h"

/* One D-Bus value. type is the D-Bus type code: 'b' bool, 'y' 'q' 'u' 't' unsigned (u),
 * 'n' 'i' 'x' signed (i), 'd' double, 's' 'o' 'g' text (s), 'a' array of items whose
 * element signature is sig, 'r' struct of items (sent as "(...)"). */
struct sd_value {
	char type;
	bool b;
	uint64_t u;
	int64_t i;
	double d;
	char *s;
	char *sig; /* arrays: the element signature ("u", "(ss)") */
	struct sd_value *items;
	size_t n;
};

struct sd_prop {
	char *name;
	struct sd_value v;
};

struct sd_props {
	struct sd_prop *p;
	size_t n, cap;
};

void sd_value_clear(struct sd_value *v);
void sd_props_clear(struct sd_props *ps);
/* The D-Bus signature of v ("t", "as", "a(ss)"). Caller frees. */
char *sd_value_signature(const struct sd_value *v);
/* Append a property; the value is moved into the list. */
void sd_props_add(struct sd_props *ps, const char *name, struct sd_value v);
void sd_props_add_bool(struct sd_props *ps, const char *name, bool b);
void sd_props_add_u64(struct sd_props *ps, const char *name, uint64_t u);
void sd_props_add_str(struct sd_props *ps, const char *name, const char *s);
/* The last property called name, or NULL. */
const struct sd_prop *sd_props_find(const struct sd_props *ps, const char *name);
/* Render a property list as "Name=value ..." for debug output and errors. Caller frees. */
char *sd_props_describe(const struct sd_props *ps);

/* ---- names ---- */
/* runc's unit name: "PREFIX-NAME.scope", or NAME itself when it is a slice. */
char *sd_unit_name(const char *prefix, const char *name);
/* Split "slice:prefix:name" (or the default for an empty cgroupsPath). *slice is the
 * given slice or NULL (the default is the caller's choice). Caller frees all three. */
int sd_parse_cgroups_path(const char *cgroups_path, const char *id, char **slice, char **prefix, char **name,
			  struct hull_error *err);

/* ---- resource conversions (runc's) ---- */
/* CPUQuotaPerSecUSec for a quota/period pair: µs per CPU-second, rounded up to whole
 * percents (systemd keeps CPUQuota in percent); UINT64_MAX (no limit) for quota <= 0. */
uint64_t sd_cpu_quota_per_sec(int64_t quota, uint64_t period);
/* "0-3,8" -> the little-endian bitmask bytes systemd's AllowedCPUs/AllowedMemoryNodes
 * take. Returns 0, or -1 with err naming what (the caller's JSON path in what). */
int sd_cpuset_bits(const char *list, const char *what, uint8_t **bits, size_t *n, struct hull_error *err);

/* What the host's systemd can take (runc checks its version the same way). */
struct sd_caps {
	bool v2;             /* unified hierarchy: MemoryMax etc., else MemoryLimit etc. */
	int version;         /* systemd's version, -1 unknown */
};

/* linux.resources -> unit properties (runc's genV2ResourcesProperties/genV1...), the
 * device rules excluded. Returns 0 or -1 with err naming the JSON path. */
int sd_resources_props(const struct hull_resources *res, const struct sd_caps *caps, struct sd_props *out,
		       struct hull_error *err);

/* The device policy as DevicePolicy + DeviceAllow (runc's generateDeviceProperties).
 * rules[0] is the default (see cg_devices_rules), the rest the exceptions. proc_devices
 * is the text of /proc/devices (major -> group name for "n:*" rules), may be NULL;
 * device_exists (may be NULL: no check) says whether /sys/dev/{char,block}/M:m exists:
 * a device the host lacks is left out, as runc does. */
struct cg_dev_rule;
int sd_device_props(const struct cg_dev_rule *rules, size_t n, const char *proc_devices,
		    bool (*device_exists)(const char *sys_path), struct sd_props *out, struct hull_error *err);

/* ---- org.systemd.property.* annotations ---- */
#define SD_ANNOTATION_PREFIX "org.systemd.property."
/* Parse a GVariant-text value (runc's subset: booleans, numbers with or without a type
 * word, strings, object paths, signatures, arrays, "@T" type annotations). On error
 * *why is a static message. */
int sd_parse_variant(const char *text, struct sd_value *out, const char **why);
/* Every org.systemd.property.NAME annotation as a property (NAMEs ending in a
 * lowercase letter + "Sec" become ...USec with the value in µs, as runc does). */
int sd_annotation_props(const struct hull_kv *ann, size_t n, struct sd_props *out, struct hull_error *err);

#endif
