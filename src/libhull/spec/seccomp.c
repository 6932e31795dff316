/* seccomp.c - linux.seccomp: names checked against the spec's closed lists. */
#define _GNU_SOURCE
#include "sections.h"
#include "common/util.h"

/* The closed lists (in the order `hull features` prints them, as runc does). */
const char *const hull_seccomp_actions[] = { "SCMP_ACT_ALLOW",	      "SCMP_ACT_ERRNO",	    "SCMP_ACT_KILL",
					       "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
					       "SCMP_ACT_NOTIFY",	      "SCMP_ACT_TRACE",	    "SCMP_ACT_TRAP",
					       NULL };
const char *const hull_seccomp_ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",	"SCMP_CMP_LE",
					   "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
const char *const hull_seccomp_archs[] = {
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",	   "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",	 "SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",	    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC",	    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",	   "SCMP_ARCH_S390X",	    "SCMP_ARCH_SH",	 "SCMP_ARCH_SHEB",
	"SCMP_ARCH_X32",     "SCMP_ARCH_X86",	   "SCMP_ARCH_X86_64",	    NULL
};
const char *const hull_seccomp_flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
						   "SECCOMP_FILTER_FLAG_LOG",
						   "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

static int parse_arg(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_seccomp_arg *a = elem;
	/* Syscalls take at most six arguments. */
	if (hull_json_get_u32(j, v, "index", true, &a->index) < 0)
		return -1;
	if (a->index > 5)
		return hull_json_fail_at(j, "index", "%u is out of range (maximum 5)", a->index);
	if (hull_json_get_u64(j, v, "value", true, UINT64_MAX, &a->value) < 0 ||
	    hull_json_get_u64(j, v, "valueTwo", false, UINT64_MAX, &a->value_two) < 0 ||
	    spec_enum(j, v, "op", true, hull_seccomp_ops, "seccomp operator", &a->op) < 0)
		return -1;
	return 0;
}

static int parse_syscall(struct hull_json *j, yajl_val v, void *elem)
{
	struct hull_seccomp_syscall *s = elem;
	if (hull_json_get_strv(j, v, "names", true, &s->names) < 0)
		return -1;
	if (!s->names[0])
		return hull_json_fail_at(j, "names", "must not be empty");
	int r;
	if (spec_enum(j, v, "action", true, hull_seccomp_actions, "seccomp action", &s->action) < 0 ||
	    (r = hull_json_get_u32(j, v, "errnoRet", false, &s->errno_ret)) < 0)
		return -1;
	s->has_errno_ret = r > 0;
	return spec_object_array(j, v, "args", false, sizeof(struct hull_seccomp_arg), (void **)&s->args, &s->n_args,
				 parse_arg) < 0
		       ? -1
		       : 0;
}

/* SCMP_ACT_NOTIFY hands syscalls to a listener, so one must be named; as a default
 * action it would also catch the syscalls needed to hand the listener over. */
static int check_notify(struct hull_json *j, const struct hull_seccomp *s)
{
	if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
		return hull_json_fail_at(j, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
	for (size_t i = 0; i < s->n_syscalls; i++) {
		if (strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") != 0)
			continue;
		if (!s->listener_path || !*s->listener_path) {
			hull_json_push_key(j, "syscalls");
			hull_json_push_index(j, i);
			return hull_json_fail_at(j, "action", "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
		}
	}
	return 0;
}

int spec_parse_seccomp_obj(struct hull_json *j, yajl_val v, struct hull_seccomp *s)
{
	s->present = true;
	int r;
	if (spec_enum(j, v, "defaultAction", true, hull_seccomp_actions, "seccomp action", &s->default_action) < 0 ||
	    (r = hull_json_get_u32(j, v, "defaultErrnoRet", false, &s->default_errno_ret)) < 0)
		return -1;
	s->has_default_errno_ret = r > 0;
	if (spec_enum_list(j, v, "architectures", hull_seccomp_archs, "seccomp architecture", &s->architectures) < 0 ||
	    spec_enum_list(j, v, "flags", hull_seccomp_flags, "seccomp flag", &s->flags) < 0 ||
	    hull_json_get_string(j, v, "listenerPath", false, &s->listener_path) < 0 ||
	    hull_json_get_string(j, v, "listenerMetadata", false, &s->listener_metadata) < 0 ||
	    spec_object_array(j, v, "syscalls", false, sizeof(struct hull_seccomp_syscall), (void **)&s->syscalls,
			      &s->n_syscalls, parse_syscall) < 0)
		return -1;
	return check_notify(j, s);
}

void spec_seccomp_clear(struct hull_seccomp *s)
{
	free(s->default_action);
	hull_free_strv(s->architectures);
	hull_free_strv(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
		struct hull_seccomp_syscall *c = &s->syscalls[i];
		hull_free_strv(c->names);
		free(c->action);
		for (size_t k = 0; c->args && k < c->n_args; k++)
			free(c->args[k].op);
		free(c->args);
	}
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}
