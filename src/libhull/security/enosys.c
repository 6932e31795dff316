/* enosys.c - the -ENOSYS stub in front of a compiled seccomp profile.
 *
 * A profile lists the syscalls that existed when it was written. A syscall added to the
 * kernel later gets the profile's default action, typically EPERM, and programs only
 * fall back to an older syscall on ENOSYS (glibc's clone3 -> clone, faccessat2 ->
 * faccessat, ...). runc therefore puts a stub in front of libseccomp's program: per
 * architecture, a syscall numbered above the highest one the profile names fails with
 * ENOSYS. libseccomp has no such action, so hull builds the same stub itself.
 *
 * The stub only jumps forward, to its own ENOSYS returns or to the first instruction of
 * libseccomp's program (which reloads what it needs), so that program is kept as is.
 * Every architecture the filter covers gets a section, the native one too when the
 * profile does not list it (libseccomp always includes it; runc 1.1.5 forgot it, later
 * runc releases add it as well). Layout:
 *
 *   ld arch; { jeq AUDIT_ARCH, 0, 1; ja section }...; ja filter
 *   section: ld nr; [s390: jeq 0 -> enosys]; jgt max -> enosys; ja filter; enosys: ret
 *
 * x86_64 and x32 share AUDIT_ARCH_X86_64 (x32 numbers have bit 30 set): their section
 * tests that bit first and compares with the maximum of the ABI in use. */
#define _GNU_SOURCE
#include "enosys.h"

#include "libhull/hull.h"
#include "common/util.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>

#define X32_SYSCALL_BIT 0x40000000u

/* libseccomp's pseudo numbers for the socket and ipc calls it multiplexes (socketcall,
 * ipc) on x86, s390 and ppc lie above this; names an arch lacks get -10000 and below. */
#define MUXED_PNR_MIN (-10000)

/* Direct socket and ipc syscall numbers are within this distance above any other
 * syscall number of the same architecture (their tables are < 500 entries long). */
#define MUXED_SCAN_SPAN 1024

struct limit {
	uint32_t audit;   /* the AUDIT_ARCH_* the kernel reports */
	bool x32;         /* the x32 ABI of AUDIT_ARCH_X86_64 */
	bool known;       /* the profile names a syscall of this architecture */
	uint32_t max;     /* the highest number it names */
	const char *name; /* as listed in the profile, or NULL */
};

static bool is_muxed(int nr)
{
	return nr > MUXED_PNR_MIN && nr < __NR_SCMP_UNDEF;
}

static bool names_muxed(const struct hull_seccomp *s, uint32_t token, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **n = s->syscalls[i].names; n && *n; n++)
			if (strcmp(*n, name) == 0 && is_muxed(seccomp_syscall_resolve_name_arch(token, *n)))
				return true;
	return false;
}

/* Where libseccomp multiplexes a named socket/ipc call, it also allows the call's own
 * (direct) syscall, whose number libseccomp does not tell: look it up by number. */
static void raise_for_direct_calls(const struct hull_seccomp *s, uint32_t token, struct limit *l)
{
	uint32_t from = l->known ? l->max + 1 : 0;
	for (uint32_t nr = from; nr < from + MUXED_SCAN_SPAN; nr++) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(token, (int)nr);
		if (name && names_muxed(s, token, name)) {
			l->max = nr;
			l->known = true;
		}
	}
}

static void find_limit(const struct hull_seccomp *s, uint32_t token, struct limit *l)
{
	bool muxed = false;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		for (char **n = s->syscalls[i].names; n && *n; n++) {
			int nr = seccomp_syscall_resolve_name_arch(token, *n);
			if (nr >= 0 && (!l->known || (uint32_t)nr > l->max)) {
				l->max = (uint32_t)nr;
				l->known = true;
			}
			muxed |= is_muxed(nr);
		}
	}
	if (muxed)
		raise_for_direct_calls(s, token, l);
}

/* ---- emitting ------------------------------------------------------------------------------ */

enum label { L_FILTER = -1, L_ENOSYS = -2 }; /* >= 0: the section of that group */

struct fixup {
	size_t at;
	int label;
	bool cond; /* patch jt (8 bits), else k (ja) */
};

struct prog {
	struct sock_filter *v;
	size_t n, cap;
	struct fixup *fix;
	size_t n_fix, cap_fix;
};

static size_t emit(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
	return p->n++;
}

/* A jump whose target is only known later. */
static void emit_to(struct prog *p, uint16_t code, uint32_t k, int label)
{
	bool cond = BPF_OP(code) != BPF_JA;
	size_t at = emit(p, code, k, 0, 0);
	if (p->n_fix == p->cap_fix) {
		p->cap_fix = p->cap_fix ? 2 * p->cap_fix : 32;
		p->fix = xrealloc(p->fix, p->cap_fix * sizeof(*p->fix));
	}
	p->fix[p->n_fix++] = (struct fixup){ .at = at, .label = label, .cond = cond };
}

/* Resolve the fixups from first_fix on whose label is `label` to instruction `to`. */
static void place(struct prog *p, size_t first_fix, int label, size_t to)
{
	for (size_t i = first_fix; i < p->n_fix; i++) {
		struct fixup *f = &p->fix[i];
		if (f->label != label)
			continue;
		size_t off = to - (f->at + 1);
		if (f->cond)
			p->v[f->at].jt = (uint8_t)off; /* within one section: a few instructions */
		else
			p->v[f->at].k = (uint32_t)off;
	}
}

/* Compare the syscall number (in A) with one ABI's limit: above it -> ENOSYS, else
 * on to the filter. An ABI the profile names nothing of goes to the filter. */
static void emit_compare(struct prog *p, const struct limit *l)
{
	if (l && l->known)
		emit_to(p, BPF_JMP | BPF_JGT | BPF_K, l->max, L_ENOSYS);
	emit_to(p, BPF_JMP | BPF_JA, 0, L_FILTER);
}

/* One architecture's section; `x32` is the x32 limit sharing x86_64's audit arch. */
static void emit_section(struct prog *p, const struct limit *l, const struct limit *x32)
{
	size_t first_fix = p->n_fix;
	emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	if (l->audit == AUDIT_ARCH_S390 || l->audit == AUDIT_ARCH_S390X)
		/* s390 leaves a syscall number the kernel does not know as 0 (the long
		 * gone setup(2)), which the filter would give the default action. */
		emit_to(p, BPF_JMP | BPF_JEQ | BPF_K, 0, L_ENOSYS);
	if (l->audit == AUDIT_ARCH_X86_64) {
		const struct limit *native = l->x32 ? NULL : l, *x = l->x32 ? l : x32;
		size_t test = emit(p, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 0);
		emit_compare(p, native);
		p->v[test].jt = (uint8_t)(p->n - (test + 1));
		emit_compare(p, x);
	} else {
		emit_compare(p, l);
	}
	place(p, first_fix, L_ENOSYS, emit(p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0));
}

static bool lets_syscalls_run(uint32_t act)
{
	return act == SCMP_ACT_ALLOW || act == SCMP_ACT_LOG || (act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE ||
	       act == SCMP_ACT_ERRNO(ENOSYS);
}

void hull_seccomp_enosys_stub(const struct hull_seccomp *s, uint32_t default_action,
			      const struct hull_seccomp_arch *arches, size_t n_arches, struct sock_filter **out,
			      size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	if (lets_syscalls_run(default_action)) {
		hull_debug("seccomp: default action lets syscalls run, no -ENOSYS stub");
		return;
	}
	_cleanup_free_ struct limit *lim = xcalloc(n_arches ? n_arches : 1, sizeof(*lim));
	size_t n = 0;
	for (size_t i = 0; i < n_arches; i++) {
		struct limit *l = &lim[n];
		l->x32 = arches[i].token == SCMP_ARCH_X32;
		l->audit = l->x32 ? AUDIT_ARCH_X86_64 : arches[i].token;
		l->name = arches[i].spec_name;
		find_limit(s, arches[i].token, l);
		if (l->known)
			n++;
		else if (l->name)
			hull_warn("could not find any syscalls for arch %s", l->name);
	}
	if (n == 0)
		return;

	struct prog p = { 0 };
	/* Dispatch on the architecture; x86_64 and x32 share one section (group). */
	emit(&p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	_cleanup_free_ int *group = xcalloc(n, sizeof(*group));
	int n_groups = 0;
	for (size_t i = 0; i < n; i++) {
		group[i] = -1;
		for (size_t j = 0; j < i; j++)
			if (lim[j].audit == lim[i].audit)
				group[i] = group[j];
		if (group[i] >= 0)
			continue;
		group[i] = n_groups++;
		emit(&p, BPF_JMP | BPF_JEQ | BPF_K, lim[i].audit, 0, 1);
		emit_to(&p, BPF_JMP | BPF_JA, 0, group[i]);
	}
	emit_to(&p, BPF_JMP | BPF_JA, 0, L_FILTER);
	for (int g = 0; g < n_groups; g++) {
		/* The caller passes each token once: a group is one limit or x86_64 + x32. */
		const struct limit *first = NULL, *other = NULL;
		for (size_t i = 0; i < n; i++)
			if (group[i] == g)
				*(first ? &other : &first) = &lim[i];
		place(&p, 0, g, p.n);
		/* emit_section wants the x86_64 limit first when both ABIs are there. */
		if (other && first->x32)
			emit_section(&p, other, first);
		else
			emit_section(&p, first, other);
	}
	place(&p, 0, L_FILTER, p.n);
	free(p.fix);
	*out = p.v;
	*n_out = p.n;
}
