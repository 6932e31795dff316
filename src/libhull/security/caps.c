/* caps.c - the five capability sets of the container process (libcap). */
#define _GNU_SOURCE
#include "caps.h"
#include "common/util.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* Every capability this build knows by name, in kernel number order (features lists
 * them; names the running kernel lacks are skipped with a warning at apply time). */
static const char *const cap_names[] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",		"CAP_KILL",		  "CAP_SETGID",		 "CAP_SETUID",
	"CAP_SETPCAP",		"CAP_LINUX_IMMUTABLE",	  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		  "CAP_IPC_LOCK",	 "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",	  "CAP_SYS_CHROOT",	 "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",	"CAP_SYS_ADMIN",	  "CAP_SYS_BOOT",	 "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		  "CAP_SYS_TTY_CONFIG",	 "CAP_MKNOD",
	"CAP_LEASE",		"CAP_AUDIT_WRITE",	  "CAP_AUDIT_CONTROL",	 "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",	"CAP_MAC_ADMIN",	  "CAP_SYSLOG",		 "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	  "CAP_PERFMON",	 "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", NULL,
};

#define N_CAPS ((int)ARRAY_SIZE(cap_names) - 1)

const char *const *hull_caps_known(void)
{
	return cap_names;
}

/* "CAP_NET_ADMIN" -> 12; -1 if not a capability name. Numbers and lower case, which
 * libcap would take, are refused: the spec spells names exactly. */
static int cap_number(const char *name)
{
	for (int i = 0; i < N_CAPS; i++)
		if (strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

static const struct {
	const char *json;
	size_t offset;
} sets[] = {
	{ "bounding", offsetof(struct hull_capabilities, bounding) },
	{ "effective", offsetof(struct hull_capabilities, effective) },
	{ "inheritable", offsetof(struct hull_capabilities, inheritable) },
	{ "permitted", offsetof(struct hull_capabilities, permitted) },
	{ "ambient", offsetof(struct hull_capabilities, ambient) },
};

static char **set_list(const struct hull_capabilities *c, size_t i)
{
	return *(char **const *)((const char *)c + sets[i].offset);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The highest capability number both this build and the running kernel know. */
static int last_known_cap(void)
{
	int last = (int)cap_max_bits() - 1;
	return last >= N_CAPS ? N_CAPS - 1 : last;
}

static bool cap_usable(const char *name, int last_cap)
{
	int c = cap_number(name);
	return c >= 0 && c <= last_cap;
}

/* runc accepts any name and skips, with one warning daemons may grep for, the names it
 * does not know or the kernel lacks: hull does the same (warned here, in the runtime's
 * own process where the warning reaches the caller; hull_caps_apply skips them quietly). */
void hull_caps_warn_unusable(const struct hull_process *p)
{
	if (!p->has_capabilities)
		return;
	int last = last_known_cap();
	size_t n = 0;
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
		for (char **l = set_list(&p->capabilities, s); l && *l; l++)
			n += !cap_usable(*l, last);
	if (n == 0)
		return;
	const char **bad = xcalloc(n, sizeof(*bad));
	n = 0;
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
		for (char **l = set_list(&p->capabilities, s); l && *l; l++)
			if (!cap_usable(*l, last))
				bad[n++] = *l;
	qsort(bad, n, sizeof(*bad), cmp_str);
	/* Sorted, each name once, in Go's list format: as runc prints it. */
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(bad[i]) + 1;
	_cleanup_free_ char *joined = xzalloc(len);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(bad[i], bad[i - 1]) != 0) {
			if (i > 0)
				strcat(joined, " ");
			strcat(joined, bad[i]);
		}
	free(bad);
	hull_warn("ignoring unknown or unavailable capabilities: [%s]", joined);
}

/* One set as a bit mask of the capabilities this kernel and our bounding set allow;
 * others are dropped (runc skips what the kernel lacks; a cap we do not hold ourselves
 * could never be granted: warned here). hull_caps_warn_unusable warned of the rest. */
static uint64_t set_mask(char **list, const char *json, int last_cap)
{
	uint64_t mask = 0;
	for (size_t i = 0; list && list[i]; i++) {
		int c = cap_number(list[i]);
		if (c < 0 || c > last_cap)
			continue;
		if (prctl(PR_CAPBSET_READ, c) != 1) {
			hull_warn("capability %s (process.capabilities.%s) is not in hull's own bounding set, skipped",
				  list[i], json);
			continue;
		}
		mask |= 1ULL << c;
	}
	return mask;
}

static int set_flags(cap_t caps, cap_flag_t flag, uint64_t mask, int last_cap)
{
	for (int c = 0; c <= last_cap; c++) {
		cap_value_t v = c;
		if (cap_set_flag(caps, flag, 1, &v, (mask >> c) & 1 ? CAP_SET : CAP_CLEAR) < 0)
			return -1;
	}
	return 0;
}

/* After a switch to a non-zero uid only the permitted set survives (PR_SET_KEEPCAPS):
 * make it effective again so we may still drop bounding caps (CAP_SETPCAP). */
static int raise_effective(struct hull_error *err)
{
	cap_t cur = cap_get_proc();
	if (!cur)
		return hull_fail(err, errno, "read capabilities");
	cap_flag_value_t v;
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		cap_value_t cv = c;
		if (cap_get_flag(cur, cv, CAP_PERMITTED, &v) == 0)
			cap_set_flag(cur, CAP_EFFECTIVE, 1, &cv, v);
	}
	int r = cap_set_proc(cur);
	int e = errno;
	cap_free(cur);
	return r < 0 ? hull_fail(err, e, "raise effective capabilities") : 0;
}

/* The kernel raises an ambient capability only if it is also permitted and inheritable.
 * runc 1.1.5 carries on without it, silently (its own default spec asks for ambient caps
 * that are not inheritable): so does hull, with a note at debug level. */
static int apply_ambient(uint64_t mask, int last_cap, struct hull_error *err)
{
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return hull_fail(err, errno, "clear ambient capabilities");
	for (int c = 0; c <= last_cap; c++)
		if ((mask >> c) & 1 && cap_set_ambient(c, CAP_SET) < 0)
			hull_debug("can't raise ambient capability %s: %s", cap_names[c], strerror(errno));
	return 0;
}

int hull_caps_apply(const struct hull_process *p, struct hull_error *err)
{
	if (!p->has_capabilities)
		return 0;
	const struct hull_capabilities *c = &p->capabilities;
	int last = last_known_cap();
	uint64_t m[ARRAY_SIZE(sets)];
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
		m[s] = set_mask(set_list(c, s), sets[s].json, last);
	if (raise_effective(err) < 0)
		return -1;
	/* The bounding set limits what any later execve can gain: drop before the rest. */
	for (int cap = 0; cap <= last; cap++)
		if (!((m[0] >> cap) & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return hull_fail(err, errno, "process.capabilities.bounding: drop %s", cap_names[cap]);
	cap_t caps = cap_init();
	if (!caps)
		return hull_fail(err, errno, "cap_init");
	int r = 0;
	if (set_flags(caps, CAP_EFFECTIVE, m[1], last) < 0 || set_flags(caps, CAP_INHERITABLE, m[2], last) < 0 ||
	    set_flags(caps, CAP_PERMITTED, m[3], last) < 0)
		r = hull_fail(err, errno, "build capability sets");
	else if (cap_set_proc(caps) < 0)
		r = hull_fail(err, errno, "process.capabilities: set effective/permitted/inheritable");
	cap_free(caps);
	if (r < 0)
		return -1;
	return apply_ambient(m[4], last, err);
}
