/* attrs.c - per-process attributes of container processes: rlimits, OOM score,
 * scheduler, io priority, personality, cpu affinity, umask, cwd, user and groups, LSM
 * labels; plus hostname and domainname of the container. */
#define _GNU_SOURCE
#include "attrs.h"
#include "libhull/ns/sysctl.h"
#include "libhull/security/caps.h"
#include "libhull/mount/resolve.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* linux/sched/types.h cannot be included next to <sched.h>: the ABI struct of sched_setattr. */
struct hull_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

/* ---- name tables ------------------------------------------------------------------- */

static const struct {
	const char *name;
	int value;
} sched_policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH }, { "SCHED_IDLE", SCHED_IDLE }, { "SCHED_DEADLINE", 6 },
};

static const struct {
	const char *name;
	uint64_t value;
} sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 },	 { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },	 { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },	 { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static const struct {
	const char *name;
	unsigned long value;
} personality_flags[] = {
	{ "ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT }, { "ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT },
	{ "ADDR_LIMIT_3GB", ADDR_LIMIT_3GB },	      { "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE },
	{ "FDPIC_FUNCPTRS", FDPIC_FUNCPTRS },	      { "MMAP_PAGE_ZERO", MMAP_PAGE_ZERO },
	{ "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC },   { "SHORT_INODE", SHORT_INODE },
	{ "STICKY_TIMEOUTS", STICKY_TIMEOUTS },	      { "UNAME26", UNAME26 },
	{ "WHOLE_SECONDS", WHOLE_SECONDS },
};

/* Scheduler policy name -> kernel value; -1 for an unknown name. */
static int hull_sched_policy(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(sched_policies); i++)
		if (strcmp(sched_policies[i].name, name) == 0)
			return sched_policies[i].value;
	return -1;
}

/* Personality flag names -> kernel flags; *bad: the index of an unknown name. */
static int hull_personality_flags(char *const *flags, unsigned long *out, size_t *bad)
{
	*out = 0;
	for (size_t i = 0; flags && flags[i]; i++) {
		size_t k = 0;
		while (k < ARRAY_SIZE(personality_flags) && strcmp(personality_flags[k].name, flags[i]) != 0)
			k++;
		if (k == ARRAY_SIZE(personality_flags)) {
			*bad = i;
			return -1;
		}
		*out |= personality_flags[k].value;
	}
	return 0;
}

static int ioprio_class(const char *name)
{
	if (strcmp(name, "IOPRIO_CLASS_RT") == 0)
		return IOPRIO_CLASS_RT;
	if (strcmp(name, "IOPRIO_CLASS_BE") == 0)
		return IOPRIO_CLASS_BE;
	return IOPRIO_CLASS_IDLE;
}

/* ---- validation (parent side, no side effects) ------------------------------------- */

static bool have_cap(cap_value_t cap)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	if (c) {
		cap_get_flag(c, cap, CAP_EFFECTIVE, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

static char *limit_str(uint64_t v)
{
	return v == (uint64_t)RLIM_INFINITY ? xstrdup("unlimited") : xasprintf("%" PRIu64, v);
}

static int check_rlimit(const struct hull_spec *spec, size_t i, struct hull_error *err)
{
	const struct hull_rlimit *rl = &spec->process.rlimits[i];
	_cleanup_free_ char *soft = limit_str(rl->soft), *hard = limit_str(rl->hard);
	if (rl->soft > rl->hard)
		return hull_fail(err, 0, "process.rlimits[%zu]: %s soft limit %s is greater than its hard limit %s", i,
				 rl->type, soft, hard);
	struct rlimit cur;
	if (getrlimit(rl->resource, &cur) < 0)
		return hull_fail(err, errno, "process.rlimits[%zu]: getrlimit %s", i, rl->type);
	/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial user namespace: a
	 * container in its own user namespace never has it. */
	bool may_raise = !hull_spec_namespace(spec, HULL_NS_USER) && have_cap(CAP_SYS_RESOURCE);
	if (rl->hard > (uint64_t)cur.rlim_max && !may_raise) {
		_cleanup_free_ char *own = limit_str(cur.rlim_max);
		hull_fail(err, 0,
			  "process.rlimits[%zu]: %s hard limit %s is above hull's own (%s); raising it needs "
			  "CAP_SYS_RESOURCE",
			  i, rl->type, hard, own);
		err->errnum = EPERM;
		return -1;
	}
	return 0;
}

static int check_scheduler(const struct hull_scheduler *s, struct hull_error *err)
{
	if (!s->present)
		return 0;
	if (hull_sched_policy(s->policy) < 0)
		return hull_fail(err, 0, "process.scheduler.policy: %s is not supported by Linux", s->policy);
	if (strcmp(s->policy, "SCHED_DEADLINE") == 0 &&
	    (!s->runtime || s->runtime > s->deadline || (s->period && s->deadline > s->period)))
		return hull_fail(err, 0,
				 "process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period (period 0 "
				 "means deadline)");
	return 0;
}

static bool path_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static int check_lsm(const struct hull_process *p, struct hull_error *err)
{
	if (p->apparmor_profile && *p->apparmor_profile && !path_exists("/sys/kernel/security/apparmor"))
		return hull_fail(err, 0,
				 "process.apparmorProfile: AppArmor is not enabled on this host "
				 "(/sys/kernel/security/apparmor is missing); remove the profile");
	if (p->selinux_label && *p->selinux_label && !path_exists("/sys/fs/selinux/enforce"))
		return hull_fail(err, 0,
				 "process.selinuxLabel: SELinux is not enabled on this host (/sys/fs/selinux is "
				 "missing); remove the label");
	return 0;
}

int hull_attrs_validate(const struct hull_spec *spec, struct hull_error *err)
{
	if (hull_sysctl_validate(spec, err) < 0)
		return -1;
	const struct hull_process *p = &spec->process;
	for (size_t i = 0; i < p->n_rlimits; i++)
		if (check_rlimit(spec, i, err) < 0)
			return -1;
	if (check_scheduler(&p->scheduler, err) < 0 || check_lsm(p, err) < 0)
		return -1;
	unsigned long pflags;
	size_t bad = 0;
	if (spec->linux_.personality.present && hull_personality_flags(spec->linux_.personality.flags, &pflags, &bad) < 0)
		return hull_fail(err, 0, "linux.personality.flags[%zu]: unknown personality flag \"%.100s\"", bad,
				 spec->linux_.personality.flags[bad]);
	return 0;
}

/* ---- in the container --------------------------------------------------------------- */

int hull_attrs_apply_container(const struct hull_spec *spec, struct hull_error *err)
{
	/* Only with a uts namespace of its own (spec.c checked): this is the container's name. */
	if (spec->hostname && *spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return hull_fail(err, errno, "hostname: sethostname \"%s\"", spec->hostname);
	/* linux.sysctl was written by hull_rootfs_finalize, before /proc/sys became read-only.
	 * runc writes it after the domainname field: a kernel.domainname there wins. */
	bool sysctl_domain = hull_kv_get(spec->linux_.sysctl, spec->linux_.n_sysctl, "kernel.domainname") != NULL;
	if (spec->domainname && *spec->domainname && !sysctl_domain &&
	    setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return hull_fail(err, errno, "domainname: setdomainname \"%s\"", spec->domainname);
	return 0;
}

static int apply_rlimits(const struct hull_process *p, struct hull_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct hull_rlimit *rl = &p->rlimits[i];
		struct rlimit r = { .rlim_cur = rl->soft, .rlim_max = rl->hard };
		if (setrlimit(rl->resource, &r) < 0) {
			int e = errno;
			_cleanup_free_ char *soft = limit_str(rl->soft), *hard = limit_str(rl->hard);
			return hull_fail(err, e, "process.rlimits[%zu]: set %s to soft %s, hard %s%s", i, rl->type, soft, hard,
					 e == EPERM ? " (raising a hard limit needs CAP_SYS_RESOURCE)" : "");
		}
	}
	return 0;
}

static int apply_oom_score(const struct hull_process *p, struct hull_error *err)
{
	if (!p->has_oom_score_adj)
		return 0;
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%" PRId32, p->oom_score_adj);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		return hull_fail(err, errno, "process.oomScoreAdj: set %" PRId32 "%s", p->oom_score_adj,
				 errno == EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : "");
	return 0;
}

static int apply_scheduler(const struct hull_scheduler *s, struct hull_error *err)
{
	if (!s->present)
		return 0;
	struct hull_sched_attr a = {
		.size = sizeof(a),
		.sched_policy = (uint32_t)hull_sched_policy(s->policy),
		.sched_nice = s->nice,
		.sched_priority = (uint32_t)s->priority,
		.sched_runtime = s->runtime,
		.sched_deadline = s->deadline,
		.sched_period = s->period,
	};
	for (size_t i = 0; s->flags && s->flags[i]; i++)
		for (size_t k = 0; k < ARRAY_SIZE(sched_flags); k++)
			if (strcmp(sched_flags[k].name, s->flags[i]) == 0)
				a.sched_flags |= sched_flags[k].value;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return hull_fail(err, errno, "process.scheduler: sched_setattr %s", s->policy);
	return 0;
}

static int apply_ioprio(const struct hull_io_priority *io, struct hull_error *err)
{
	if (!io->present)
		return 0;
	int v = IOPRIO_PRIO_VALUE(ioprio_class(io->class_name), io->priority);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v) < 0)
		return hull_fail(err, errno, "process.ioPriority: ioprio_set %s %" PRId32, io->class_name, io->priority);
	return 0;
}

static int apply_personality(const struct hull_personality *pers, struct hull_error *err)
{
	if (!pers->present)
		return 0;
	unsigned long flags = 0;
	size_t bad;
	if (hull_personality_flags(pers->flags, &flags, &bad) < 0)
		return hull_fail(err, EINVAL, "linux.personality.flags[%zu]: unknown flag", bad);
	unsigned long domain = strcmp(pers->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
	if (personality(domain | flags) < 0)
		return hull_fail(err, errno, "linux.personality: set %s", pers->domain);
	return 0;
}

/* "0-3,7" -> a cpu set; the list syntax was checked by spec.c. */
static int set_affinity(const char *list, const char *json, struct hull_error *err)
{
	if (!list || !*list)
		return 0;
	size_t max = 0;
	for (const char *p = list; *p; p++)
		if (*p >= '0' && *p <= '9') {
			size_t v = strtoul(p, (char **)&p, 10);
			max = v > max ? v : max;
			p--;
		}
	cpu_set_t *set = CPU_ALLOC(max + 1);
	size_t size = CPU_ALLOC_SIZE(max + 1);
	CPU_ZERO_S(size, set);
	for (const char *p = list; *p;) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b; c++)
			CPU_SET_S(c, size, set);
		p = *end == ',' ? end + 1 : end + strlen(end);
	}
	int r = sched_setaffinity(0, size, set);
	int e = errno;
	CPU_FREE(set);
	return r < 0 ? hull_fail(err, e, "%s: sched_setaffinity \"%s\"", json, list) : 0;
}

int hull_attrs_apply_process(const struct hull_spec *spec, const struct hull_process *p, struct hull_error *err)
{
	if (apply_rlimits(p, err) < 0 || apply_oom_score(p, err) < 0 || apply_scheduler(&p->scheduler, err) < 0 ||
	    apply_ioprio(&p->io_priority, err) < 0 || apply_personality(&spec->linux_.personality, err) < 0 ||
	    set_affinity(p->exec_cpu_affinity_initial, "process.execCPUAffinity.initial", err) < 0)
		return -1;
	/* runc's default umask when the spec has none. */
	umask(p->has_umask ? (mode_t)(p->umask & 0777) : 0022);
	return 0;
}

int hull_attrs_chdir(const struct hull_process *p, struct hull_error *err)
{
	if (!p->cwd || chdir(p->cwd) == 0)
		return 0;
	if (errno != ENOENT)
		return hull_fail(err, errno, "process.cwd: chdir to %s", p->cwd);
	/* Missing: create it (like runc), resolved inside the container's root. */
	_cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = root_fd < 0 ? -1 : hull_resolve_in_root(root_fd, p->cwd, HULL_CREATE_DIR);
	if (fd < 0)
		return hull_fail(err, errno, "process.cwd: create %s", p->cwd);
	if (fchdir(fd) < 0)
		return hull_fail(err, errno, "process.cwd: chdir to %s", p->cwd);
	return 0;
}

/* The LSM label the process gets at execve (validate refused it when the LSM is absent). */
static int apply_lsm(const struct hull_process *p, struct hull_error *err)
{
	const char *file = NULL;
	_cleanup_free_ char *text = NULL;
	if (p->apparmor_profile && *p->apparmor_profile) {
		file = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
									   : "/proc/self/attr/exec";
		text = xasprintf("exec %s", p->apparmor_profile);
		_cleanup_close_ int fd = open(file, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, text, strlen(text)) < 0)
			return hull_fail(err, errno, "process.apparmorProfile: apply \"%s\"", p->apparmor_profile);
	}
	if (p->selinux_label && *p->selinux_label) {
		_cleanup_close_ int fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, p->selinux_label, strlen(p->selinux_label)) < 0)
			return hull_fail(err, errno, "process.selinuxLabel: apply \"%s\"", p->selinux_label);
	}
	return 0;
}

int hull_attrs_switch_user(const struct hull_process *p, bool setgroups_allowed, struct hull_error *err)
{
	/* Keep the permitted set across the uid change: hull_caps_apply decides what stays. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return hull_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	if (setgroups_allowed) {
		if (setgroups(p->n_additional_gids, (const gid_t *)p->additional_gids) < 0)
			return hull_fail(err, errno, "process.user.additionalGids: setgroups");
	} else if (p->n_additional_gids) {
		return hull_fail(err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
	}
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return hull_fail(err, errno, "process.user.gid: setresgid %" PRIu32, p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return hull_fail(err, errno, "process.user.uid: setresuid %" PRIu32, p->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return hull_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	if (hull_caps_apply(p, err) < 0 || apply_lsm(p, err) < 0)
		return -1;
	/* Last: from here on execve can never grant privileges (setuid bits, file caps). */
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hull_fail(err, errno, "process.noNewPrivileges: prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

int hull_attrs_final_affinity(const struct hull_process *p, struct hull_error *err)
{
	return set_affinity(p->exec_cpu_affinity_final, "process.execCPUAffinity.final", err);
}
