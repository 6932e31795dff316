/* seccomp.c - OCI linux.seccomp -> a BPF program (via libseccomp), its loading, and the notify hand-off.
 *
 * The profile is compiled in the parent, before clone, with libseccomp, and exported
 * as raw BPF. The child then installs that program with the seccomp(2) syscall itself
 * (crun does the same): no allocation and no library state after fork, and every
 * filter flag the kernel knows can be passed, even ones libseccomp 2.5 has no
 * attribute for (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV).
 *
 * Behaviour follows runc where the spec leaves room: syscall names this architecture
 * does not have are skipped (debug log); a rule whose action equals the default action
 * is dropped (libseccomp refuses it); conditions that test the same argument twice are
 * split into one rule per condition (OR), all others in a rule are ANDed. */
#define _GNU_SOURCE
#include "seccomp.h"

#include "common/json.h"
#include "enosys.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The kernel refuses longer programs (BPF_MAXINSNS). */
#define HULL_BPF_MAX_INSNS 4096

struct hull_seccomp_filter {
	struct sock_filter *insns;
	unsigned short n_insns;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* asked for by the profile */
	bool notify;        /* some rule that was added uses SCMP_ACT_NOTIFY */
	int listener_sock;  /* connected to listenerPath by the init, or -1 */
	char *listener_msg; /* the container process state to send with the fd */
};

/* ---- name tables ---------------------------------------------------------------------- */

enum act_kind { ACT_PLAIN, ACT_ERRNO, ACT_TRACE };

static const struct {
	const char *name;
	uint32_t action;
	enum act_kind kind;
} actions[] = {
	/* runc maps the plain KILL to killing the thread, as libseccomp does. */
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, ACT_PLAIN },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, ACT_PLAIN },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, ACT_PLAIN },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, ACT_PLAIN },
	{ "SCMP_ACT_ERRNO", 0, ACT_ERRNO },
	{ "SCMP_ACT_TRACE", 0, ACT_TRACE },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, ACT_PLAIN },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, ACT_PLAIN },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, ACT_PLAIN },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
	const char *name;
	unsigned long flag;
} filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static long sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* A flag the kernel accepts makes it fail copying the NULL program (EFAULT); an
 * unknown one fails the flag check first (EINVAL). WAIT_KILLABLE_RECV is only valid
 * together with NEW_LISTENER, which the probe adds (no listener is made on EFAULT). */
static bool kernel_has_flag(unsigned long flag)
{
	unsigned int f = (unsigned int)flag;
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT;
}

bool hull_seccomp_flag_supported(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(filter_flags); i++)
		if (strcmp(filter_flags[i].name, name) == 0)
			return kernel_has_flag(filter_flags[i].flag);
	return false;
}

/* SECCOMP_GET_ACTION_AVAIL (4.14) asks the kernel about the action's base value;
 * KILL_PROCESS, LOG and USER_NOTIF (5.0) are younger than seccomp filters. */
bool hull_seccomp_action_supported(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		uint32_t a = actions[i].kind == ACT_ERRNO ? SCMP_ACT_ERRNO(0)
			     : actions[i].kind == ACT_TRACE ? SCMP_ACT_TRACE(0)
							    : actions[i].action;
		return sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0;
	}
	return false;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, or 0 when this libseccomp lacks it. */
static uint32_t arch_token(const char *spec_name)
{
	if (!hull_str_has_prefix(spec_name, "SCMP_ARCH_"))
		return 0;
	char lower[32];
	size_t n = 0;
	for (const char *s = spec_name + strlen("SCMP_ARCH_"); *s; s++) {
		if (n + 1 >= sizeof(lower))
			return 0;
		lower[n++] = (char)tolower((unsigned char)*s);
	}
	lower[n] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* ---- compiling ------------------------------------------------------------------------- */

/* path is the JSON path of the object holding the action ("linux.seccomp" or
 * "linux.seccomp.syscalls[3]"); key names the action field in it. */
static int resolve_action(const char *name, bool has_errno, uint32_t errno_ret, const char *path, const char *key,
			  const char *errno_key, uint32_t *out, struct hull_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		if (actions[i].kind == ACT_PLAIN) {
			if (has_errno)
				return hull_fail(err, 0, "%s.%s: %s does not take an errno (only SCMP_ACT_ERRNO and "
							 "SCMP_ACT_TRACE do)", path, errno_key, name);
			*out = actions[i].action;
			return 0;
		}
		/* Both encode the value in 16 bits of the return code; unset means EPERM. */
		if (has_errno && errno_ret > 0xffff)
			return hull_fail(err, 0, "%s.%s: %u is out of range (maximum 65535)", path, errno_key,
					 errno_ret);
		uint32_t e = has_errno ? errno_ret : EPERM;
		*out = actions[i].kind == ACT_ERRNO ? SCMP_ACT_ERRNO(e) : SCMP_ACT_TRACE(e);
		return 0;
	}
	return hull_fail(err, 0, "%s.%s: unknown action \"%.64s\"", path, key, name ? name : "");
}

/* Adds the listed architectures to ctx and notes every one the filter covers (the
 * native one first, each token once) in arches, for the -ENOSYS stub. */
static int add_arches(scmp_filter_ctx ctx, char *const *spec_arches, struct hull_seccomp_arch *arches, size_t *n,
		      struct hull_error *err)
{
	arches[0] = (struct hull_seccomp_arch){ .token = seccomp_arch_native() };
	*n = 1;
	for (size_t i = 0; spec_arches && spec_arches[i]; i++) {
		uint32_t token = arch_token(spec_arches[i]);
		if (token == 0) {
			/* Syscalls of an architecture left out hit the bad-arch action (kill):
			 * stricter, never looser, and this libseccomp cannot build rules for it. */
			hull_warn("linux.seccomp.architectures[%zu]: \"%.64s\" is not supported by libseccomp %u.%u.%u, "
				  "skipped",
				  i, spec_arches[i], SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
			continue;
		}
		int r = seccomp_arch_add(ctx, token);
		if (r < 0 && r != -EEXIST)
			return hull_fail(err, -r, "linux.seccomp.architectures[%zu]: add %s", i, spec_arches[i]);
		size_t k = 0;
		while (k < *n && arches[k].token != token)
			k++;
		if (k == *n)
			(*n)++;
		arches[k] = (struct hull_seccomp_arch){ .token = token, .spec_name = spec_arches[i] };
	}
	return 0;
}

static int resolve_flags(char *const *names, unsigned int *out, struct hull_error *err)
{
	*out = 0;
	for (size_t i = 0; names && names[i]; i++) {
		size_t k = 0;
		while (k < ARRAY_SIZE(filter_flags) && strcmp(filter_flags[k].name, names[i]) != 0)
			k++;
		if (k == ARRAY_SIZE(filter_flags))
			return hull_fail(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%.64s\"", i, names[i]);
		if (!kernel_has_flag(filter_flags[k].flag))
			return hull_fail(err, EINVAL, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
					 names[i]);
		*out |= (unsigned int)filter_flags[k].flag;
	}
	return 0;
}

static int make_conditions(const struct hull_seccomp_syscall *sc, const char *path, struct scmp_arg_cmp *conds,
			   bool *same_arg, struct hull_error *err)
{
	unsigned int seen = 0;
	*same_arg = false;
	for (size_t k = 0; k < sc->n_args; k++) {
		const struct hull_seccomp_arg *a = &sc->args[k];
		if (a->index > 5)
			return hull_fail(err, 0, "%s.args[%zu].index: %u is out of range (maximum 5)", path, k, a->index);
		size_t o = 0;
		while (o < ARRAY_SIZE(operators) && !(a->op && strcmp(operators[o].name, a->op) == 0))
			o++;
		if (o == ARRAY_SIZE(operators))
			return hull_fail(err, 0, "%s.args[%zu].op: unknown operator \"%.64s\"", path, k,
					 a->op ? a->op : "");
		if (seen & (1u << a->index))
			*same_arg = true;
		seen |= 1u << a->index;
		/* For MASKED_EQ the spec's value is the mask and valueTwo the datum,
		 * exactly libseccomp's (datum_a, datum_b). */
		conds[k] = (struct scmp_arg_cmp){ .arg = a->index, .op = operators[o].op, .datum_a = a->value,
						  .datum_b = a->value_two };
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct hull_seccomp_syscall *sc,
		    const char *path, size_t name_idx, struct hull_error *err)
{
	struct scmp_arg_cmp conds[64];
	if (sc->n_args > ARRAY_SIZE(conds))
		return hull_fail(err, 0, "%s.args: too many conditions (%zu, at most %zu)", path, sc->n_args,
				 ARRAY_SIZE(conds));
	bool split;
	if (make_conditions(sc, path, conds, &split, err) < 0)
		return -1;
	int r;
	if (!split) {
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned int)sc->n_args, conds);
	} else {
		/* libseccomp cannot test one argument twice in a rule; runc and crun turn
		 * such a rule into one rule per condition, so any of them matching applies. */
		r = 0;
		for (size_t k = 0; k < sc->n_args && r == 0; k++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &conds[k]);
	}
	if (r < 0)
		return hull_fail(err, -r, "%s.names[%zu]: add rule for \"%s\"", path, name_idx, sc->names[name_idx]);
	return 0;
}

/* The init hands the listener fd to the agent with sendmsg (and write, should the
 * socket take the message in pieces) once the filter is loaded: a notifying rule on
 * them would wait for an agent that has no fd yet. runc refuses write for the same
 * reason (it writes the fd number to its parent); sendmsg is hull's own addition. */
static bool notify_would_deadlock(const char *name)
{
	return strcmp(name, "write") == 0 || strcmp(name, "sendmsg") == 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct hull_seccomp *s, uint32_t default_act, bool *notify,
			struct hull_error *err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct hull_seccomp_syscall *sc = &s->syscalls[i];
		char path[64];
		snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
		uint32_t act;
		if (resolve_action(sc->action, sc->has_errno_ret, sc->errno_ret, path, "action", "errnoRet", &act,
				   err) < 0)
			return -1;
		if (act == default_act) {
			hull_debug("%s: action %s is the default action, rule skipped", path, sc->action);
			continue;
		}
		for (size_t n = 0; sc->names && sc->names[n]; n++) {
			if (act == SCMP_ACT_NOTIFY && notify_would_deadlock(sc->names[n]))
				return hull_fail(err, 0, "%s.names[%zu]: SCMP_ACT_NOTIFY cannot be used for the %s syscall",
						 path, n, sc->names[n]);
			int nr = seccomp_syscall_resolve_name(sc->names[n]);
			if (nr == __NR_SCMP_ERROR) {
				hull_debug("%s.names[%zu]: unknown syscall \"%.64s\" on this architecture, skipped",
					   path, n, sc->names[n]);
				continue;
			}
			if (add_rule(ctx, act, nr, sc, path, n, err) < 0)
				return -1;
			if (act == SCMP_ACT_NOTIFY)
				*notify = true;
		}
	}
	return 0;
}

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* libseccomp 2.5 exports only to an fd: go through a memfd and read it back, after
 * the n_stub instructions of stub. */
static int export_bpf(scmp_filter_ctx ctx, const struct sock_filter *stub, size_t n_stub,
		      struct hull_seccomp_filter *f, struct hull_error *err)
{
	_cleanup_close_ int fd = memfd_create("hull-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return hull_fail(err, errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return hull_fail(err, -r, "seccomp: generate the BPF program");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return hull_fail(err, errno, "seccomp: stat the BPF program");
	size_t len = (size_t)st.st_size;
	if (len == 0 || len % sizeof(struct sock_filter) != 0)
		return hull_fail(err, EINVAL, "seccomp: libseccomp produced a BPF program of %zu bytes", len);
	size_t n = n_stub + len / sizeof(struct sock_filter);
	if (n > HULL_BPF_MAX_INSNS)
		return hull_fail(err, E2BIG, "linux.seccomp: the filter needs %zu BPF instructions, the kernel allows %d",
				 n, HULL_BPF_MAX_INSNS);
	f->insns = xmalloc(n * sizeof(struct sock_filter));
	if (n_stub)
		memcpy(f->insns, stub, n_stub * sizeof(struct sock_filter));
	ssize_t got = pread(fd, f->insns + n_stub, len, 0);
	if (got != (ssize_t)len)
		return hull_fail(err, got < 0 ? errno : EIO, "seccomp: read the BPF program back");
	f->n_insns = (unsigned short)n;
	return 0;
}

int hull_seccomp_prepare(const struct hull_seccomp *s, struct hull_seccomp_filter **out, struct hull_error *err)
{
	*out = NULL;
	if (!s || !s->present)
		return 0;
	uint32_t def;
	if (!s->default_action)
		return hull_fail(err, 0, "linux.seccomp.defaultAction: missing");
	if (resolve_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret, "linux.seccomp",
			   "defaultAction", "defaultErrnoRet", &def, err) < 0)
		return -1;
	if (def == SCMP_ACT_NOTIFY)
		return hull_fail(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	__attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return hull_fail(err, EINVAL, "linux.seccomp.defaultAction: libseccomp refused %s", s->default_action);
	struct hull_seccomp_filter *f = xzalloc(sizeof(*f));
	f->listener_sock = -1;
	_cleanup_free_ struct hull_seccomp_arch *arches =
		xcalloc(hull_strv_len(s->architectures) + 1, sizeof(*arches));
	size_t n_arches = 0;
	_cleanup_free_ struct sock_filter *stub = NULL;
	size_t n_stub = 0;
	int r = add_arches(ctx, s->architectures, arches, &n_arches, err);
	if (r == 0)
		r = resolve_flags(s->flags, &f->flags, err);
	if (r == 0)
		r = add_syscalls(ctx, s, def, &f->notify, err);
	if (r == 0) {
		hull_seccomp_enosys_stub(s, def, arches, n_arches, &stub, &n_stub);
		r = export_bpf(ctx, stub, n_stub, f, err);
	}
	if (r < 0) {
		hull_seccomp_filter_free(f);
		return -1;
	}
	if (f->notify && (!s->listener_path || !*s->listener_path)) {
		hull_seccomp_filter_free(f);
		return hull_fail(err, 0, "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener");
	}
	if ((f->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !f->notify) {
		/* The flag only changes how notified syscalls wait; the kernel refuses it
		 * without a listener, and without SCMP_ACT_NOTIFY rules it means nothing. */
		hull_debug("linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored, no SCMP_ACT_NOTIFY rule");
		f->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	*out = f;
	return 0;
}

/* ---- loading (in the child: no allocation) ---------------------------------------------- */

static int send_with_fd(int sock, const char *msg, size_t len, int fd);

/* The filter is in place: give its listener fd to the agent over the connection the
 * init made before pivot_root, then close both (the container must not inherit them).
 * The send itself already passes through the filter (as with runc), so a profile must
 * not deny or notify sendmsg. */
static int hand_over_listener(struct hull_seccomp_filter *f, int nfd, struct hull_error *err)
{
	int r = send_with_fd(f->listener_sock, f->listener_msg, strlen(f->listener_msg), nfd);
	close(nfd);
	close(f->listener_sock);
	f->listener_sock = -1;
	if (r < 0)
		return hull_fail(err, -r, "cannot send seccomp fd to linux.seccomp.listenerPath");
	return 0;
}

int hull_seccomp_load(struct hull_seccomp_filter *f, int *notify_fd, struct hull_error *err)
{
	*notify_fd = -1;
	if (!f)
		return 0;
	unsigned int flags = f->flags;
	if (f->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC reports a failing thread id in the return value, which collides
		 * with the listener fd; TSYNC_ESRCH makes that case an error instead. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	struct sock_fprog prog = { .len = f->n_insns, .filter = f->insns };
	long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0) {
		int e = errno;
		if (e == EACCES)
			return hull_fail(err, e, "load seccomp filter: needs no_new_privileges or CAP_SYS_ADMIN");
		return hull_fail(err, e, "load seccomp filter");
	}
	if (r > 0 && !f->notify)
		return hull_fail(err, ESRCH, "load seccomp filter: thread %ld could not be synchronised", r);
	if (!f->notify)
		return 0;
	if (f->listener_sock >= 0)
		return hand_over_listener(f, (int)r, err);
	*notify_fd = (int)r;
	return 0;
}

bool hull_seccomp_wants_notify(const struct hull_seccomp_filter *f)
{
	return f && f->notify;
}

void hull_seccomp_filter_free(struct hull_seccomp_filter *f)
{
	if (!f)
		return;
	if (f->listener_sock >= 0)
		close(f->listener_sock);
	free(f->listener_msg);
	free(f->insns);
	free(f);
}

/* ---- the listener hand-off (runtime-spec "The container process state") ------------------- */

/* Re-emit a parsed JSON value (the state object) into g. */
static void gen_value(yajl_gen g, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			hull_jgen_key(g, v->u.object.keys[i]);
			gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		hull_jgen_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

static void free_tree(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

int hull_seccomp_process_state_json(const struct hull_seccomp *s, const char *state_json, char **out,
				    struct hull_error *err)
{
	__attribute__((cleanup(free_tree))) yajl_val state = NULL;
	if (hull_json_parse(state_json, strlen(state_json), "container state", &state, err) < 0)
		return -1;
	if (!YAJL_IS_OBJECT(state))
		return hull_fail(err, 0, "container state: not a JSON object");
	yajl_val pid = hull_json_member(state, "pid");
	if (!pid || !YAJL_IS_INTEGER(pid) || YAJL_GET_INTEGER(pid) <= 0)
		return hull_fail(err, 0, "container state: no pid");
	yajl_gen g = hull_jgen_new(NULL);
	yajl_gen_map_open(g);
	hull_jgen_kstr(g, "ociVersion", HULL_OCI_VERSION);
	hull_jgen_key(g, "fds");
	yajl_gen_array_open(g);
	hull_jgen_str(g, "seccompFd");
	yajl_gen_array_close(g);
	hull_jgen_kint(g, "pid", YAJL_GET_INTEGER(pid));
	if (s->listener_metadata && *s->listener_metadata)
		hull_jgen_kstr(g, "metadata", s->listener_metadata);
	hull_jgen_key(g, "state");
	gen_value(g, state);
	yajl_gen_map_close(g);
	*out = hull_jgen_finish(g);
	return 0;
}

static int send_with_fd(int sock, const char *msg, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	ssize_t n = hull_sendmsg_fd(sock, &iov, 1, fd);
	if (n < 0)
		return -errno;
	/* A stream socket may take the text in pieces; the fd went with the first. */
	if ((size_t)n < len) {
		int r = hull_write_all(sock, msg + n, len - (size_t)n);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A SOCK_STREAM connection to listenerPath (CLOEXEC), or -1 with err set. */
static int connect_listener(const struct hull_seccomp *s, struct hull_error *err)
{
	if (!s->listener_path || !*s->listener_path)
		return hull_fail(err, EINVAL, "linux.seccomp.listenerPath: not set");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(s->listener_path) >= sizeof(addr.sun_path))
		return hull_fail(err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s is too long for a unix socket",
				 s->listener_path);
	strcpy(addr.sun_path, s->listener_path);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return hull_fail(err, errno, "seccomp listener: socket");
	int r;
	do
		r = connect(sock, (struct sockaddr *)&addr, sizeof(addr));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int e = errno;
		close(sock);
		/* runc's words first: tools and people search for them. */
		return hull_fail(err, e, "failed to connect with seccomp agent specified in the seccomp profile: "
					 "linux.seccomp.listenerPath: dial unix %s", s->listener_path);
	}
	return sock;
}

int hull_seccomp_connect_listener(struct hull_seccomp_filter *f, const struct hull_seccomp *s,
				  const char *state_json, struct hull_error *err)
{
	if (!f || !f->notify)
		return 0;
	_cleanup_free_ char *msg = NULL;
	if (hull_seccomp_process_state_json(s, state_json, &msg, err) < 0)
		return -1;
	int sock = connect_listener(s, err);
	if (sock < 0)
		return -1;
	if (f->listener_sock >= 0)
		close(f->listener_sock);
	free(f->listener_msg);
	f->listener_sock = sock;
	f->listener_msg = steal_pointer(&msg);
	return 0;
}

int hull_seccomp_send_listener(const struct hull_seccomp *s, int notify_fd, const char *state_json,
			       struct hull_error *err)
{
	_cleanup_free_ char *msg = NULL;
	if (hull_seccomp_process_state_json(s, state_json, &msg, err) < 0)
		return -1;
	_cleanup_close_ int sock = connect_listener(s, err);
	if (sock < 0)
		return -1;
	int r = send_with_fd(sock, msg, strlen(msg), notify_fd);
	if (r < 0)
		return hull_fail(err, -r, "cannot send seccomp fd to %s", s->listener_path);
	return 0;
}
