/* devices.c - the device cgroup: rule list, v1 devices.allow/deny, v2 eBPF device filter. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

/* runc's default allow list (specconv.AllowedDevices), applied after the spec's rules so
 * a container always has its standard /dev nodes and may mknod anything. An entry with a
 * path is dropped when linux.devices lists that path (runc: the spec's device wins, and
 * then only linux.resources.devices grants access to it). */
static const struct {
	const char *path;
	struct cg_dev_rule rule;
} default_rules[] = {
	{ NULL, { true, 'c', -1, -1, 1 } },              /* mknod any char device */
	{ NULL, { true, 'b', -1, -1, 1 } },              /* mknod any block device */
	{ "/dev/null", { true, 'c', 1, 3, 7 } },
	{ "/dev/random", { true, 'c', 1, 8, 7 } },
	{ "/dev/full", { true, 'c', 1, 7, 7 } },
	{ "/dev/tty", { true, 'c', 5, 0, 7 } },
	{ "/dev/zero", { true, 'c', 1, 5, 7 } },
	{ "/dev/urandom", { true, 'c', 1, 9, 7 } },
	{ NULL, { true, 'c', 136, -1, 7 } },             /* /dev/pts/N */
	{ NULL, { true, 'c', 5, 2, 7 } },                /* /dev/ptmx */
	{ NULL, { true, 'c', 10, 200, 7 } },             /* /dev/net/tun */
};

/* Access letters as kernel bits. Like runc, letters other than r, w and m mean nothing. */
static unsigned access_bits(const char *s)
{
	unsigned out = 0;
	for (; *s; s++)
		out |= *s == 'm' ? BPF_DEVCG_ACC_MKNOD : *s == 'r' ? BPF_DEVCG_ACC_READ : *s == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
	return out;
}

/* The device cgroup as the kernel's v1 model sees it: a default (allow or deny all) and
 * exceptions to it, one per (type, major, minor). Rules are folded into it in order, the
 * way runc's devices emulator does, so v1 and v2 end up with the same effective policy. */
struct dev_state {
	bool default_allow;
	struct cg_dev_rule *ex; /* .allow is meaningless here; .access the excepted bits */
	size_t n, cap;
};

static struct cg_dev_rule *dev_find(struct dev_state *s, char type, int64_t major, int64_t minor)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ex[i].type == type && s->ex[i].major == major && s->ex[i].minor == minor)
			return &s->ex[i];
	return NULL;
}

static void dev_add(struct dev_state *s, const struct cg_dev_rule *r)
{
	if (!r->access)
		return;
	struct cg_dev_rule *e = dev_find(s, r->type, r->major, r->minor);
	if (e) {
		e->access |= r->access;
		return;
	}
	s->ex = xgrow(s->ex, &s->cap, s->n, sizeof(*s->ex));
	s->ex[s->n++] = *r;
}

static char *rule_text(const struct cg_dev_rule *r);

/* idx: the rule's index in linux.resources.devices, SIZE_MAX for runc's default list. */
static int dev_remove(struct dev_state *s, const struct cg_dev_rule *r, size_t idx, struct hull_error *err)
{
	/* v1 silently ignores removing part of a wildcard exception: refuse instead of
	 * pretending (runc does the same). */
	const int64_t wild[3][2] = { { -1, r->minor }, { r->major, -1 }, { -1, -1 } };
	for (size_t i = 0; i < 3; i++) {
		if (wild[i][0] == r->major && wild[i][1] == r->minor)
			continue;
		struct cg_dev_rule *w = dev_find(s, r->type, wild[i][0], wild[i][1]);
		if (w && (w->access & r->access)) {
			_cleanup_free_ char *mine = rule_text(r), *theirs = rule_text(w);
			_cleanup_free_ char *who = idx == SIZE_MAX ? xstrdup("runc's default device rules")
								  : xasprintf("linux.resources.devices[%zu]", idx);
			return hull_fail(err, EINVAL, "%s: rule \"%s\" cannot be applied: it would punch a hole in the "
						      "wildcard rule \"%s\", which the device cgroup cannot do",
					 who, mine, theirs);
		}
	}
	struct cg_dev_rule *e = dev_find(s, r->type, r->major, r->minor);
	if (e && !(e->access &= ~r->access))
		*e = s->ex[--s->n];
	return 0;
}

static int dev_apply(struct dev_state *s, const struct cg_dev_rule *r, size_t idx, struct hull_error *err)
{
	if (r->type == 'a') { /* a wildcard-type rule resets everything */
		s->default_allow = r->allow;
		s->n = 0;
		return 0;
	}
	/* an exception to the default: allow in deny-all mode, deny in allow-all mode */
	if (r->allow != s->default_allow) {
		dev_add(s, r);
		return 0;
	}
	return dev_remove(s, r, idx, err);
}

static int rule_cmp(const void *a, const void *b)
{
	const struct cg_dev_rule *x = a, *y = b;
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

static bool spec_has_path(const struct hull_cgroup *cg, const char *path)
{
	for (size_t i = 0; i < cg->n_spec_devices; i++)
		if (cg->spec_devices[i].path && strcmp(cg->spec_devices[i].path, path) == 0)
			return true;
	return false;
}

int cg_devices_rules(const struct hull_cgroup *cg, const struct hull_resources *res, struct cg_dev_rule **out,
		     size_t *n, struct hull_error *err)
{
	size_t nres = res && res->present ? res->n_devices : 0;
	struct dev_state s = { .default_allow = false }; /* a new container starts from deny-all */
	for (size_t i = 0; i < nres; i++) {
		const struct hull_device_rule *d = &res->devices[i];
		char t = d->type ? d->type : 'a';
		if (t != 'a' && t != 'c' && t != 'b') {
			free(s.ex);
			return hull_fail(err, EINVAL, "linux.resources.devices[%zu].type: unknown device type \"%c\" "
						      "(want a, c or b)", i, t);
		}
		if (!d->access || !*d->access) {
			free(s.ex);
			return hull_fail(err, EINVAL, "linux.resources.devices[%zu].access: cannot be empty", i);
		}
		struct cg_dev_rule x = { d->allow, t, d->has_major ? d->major : -1, d->has_minor ? d->minor : -1,
					 access_bits(d->access) };
		if (dev_apply(&s, &x, i, err) < 0) {
			free(s.ex);
			return -1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
		if (!default_rules[i].path || !spec_has_path(cg, default_rules[i].path))
			if (dev_apply(&s, &default_rules[i].rule, SIZE_MAX, err) < 0) {
				free(s.ex);
				return -1;
			}
	/* The result as an ordered list: the default first, then the exceptions (sorted, so
	 * the same config always writes the same rules). */
	qsort(s.ex, s.n, sizeof(*s.ex), rule_cmp);
	struct cg_dev_rule *r = xcalloc(s.n + 1, sizeof(*r));
	r[0] = (struct cg_dev_rule){ s.default_allow, 'a', -1, -1, 7 };
	for (size_t i = 0; i < s.n; i++) {
		r[i + 1] = s.ex[i];
		r[i + 1].allow = !s.default_allow;
	}
	free(s.ex);
	*out = r;
	*n = s.n + 1;
	return 0;
}

/* ---- v1 -------------------------------------------------------------------- */

static char *rule_text(const struct cg_dev_rule *r)
{
	if (r->type == 'a')
		return xstrdup("a"); /* v1 only knows "a" as everything */
	char maj[24] = "*", min[24] = "*", acc[4] = "";
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, r->minor);
	size_t a = 0;
	if (r->access & BPF_DEVCG_ACC_READ)
		acc[a++] = 'r';
	if (r->access & BPF_DEVCG_ACC_WRITE)
		acc[a++] = 'w';
	if (r->access & BPF_DEVCG_ACC_MKNOD)
		acc[a++] = 'm';
	return xasprintf("%c %s:%s %s", r->type, maj, min, acc);
}

int cg_devices_v1_apply(const char *dir, const struct cg_dev_rule *rules, size_t n, struct hull_error *err)
{
	/* rules[0] is the default ("a" allowed or denied: it resets the cgroup), the rest the
	 * exceptions to it (cg_devices_rules' layout). */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *t = rule_text(&rules[i]);
		if (cg_write(dir, rules[i].allow ? "devices.allow" : "devices.deny", t, err) < 0)
			return hull_error_prefix(err, "linux.resources.devices");
	}
	return 0;
}

/* ---- v2: eBPF -------------------------------------------------------------------- */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

#define JUMP_TO_END INT16_MIN /* placeholder, patched once the block length is known */

/* One rule as a block that falls through to the next block when it does not match. The
 * registers hold: r2 device type, r3 requested access, r4 major, r5 minor. */
static size_t rule_block(const struct cg_dev_rule *r, struct bpf_insn *b)
{
	size_t k = 0;
	if (r->type != 'a')
		b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, JUMP_TO_END,
			      r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if ((r->access & 7) != 7) {
		if (r->allow) /* an allow rule must cover every requested bit */
			b[k++] = insn(BPF_JMP | BPF_JSET | BPF_K, 3, 0, JUMP_TO_END, (int32_t)(~r->access & 7));
		else { /* a deny rule matches when any requested bit is denied */
			b[k++] = insn(BPF_JMP | BPF_JSET | BPF_K, 3, 0, 1, (int32_t)r->access);
			b[k++] = insn(BPF_JMP | BPF_JA, 0, 0, JUMP_TO_END, 0);
		}
	}
	if (r->major >= 0)
		b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, JUMP_TO_END, (int32_t)r->major);
	if (r->minor >= 0)
		b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, JUMP_TO_END, (int32_t)r->minor);
	b[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
	b[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < k; i++)
		if (b[i].off == JUMP_TO_END)
			b[i].off = (int16_t)(k - i - 1);
	return k;
}

size_t cg_devices_bpf_program(const struct cg_dev_rule *rules, size_t n, void **out)
{
	struct bpf_insn *p = xcalloc(8 + n * 8, sizeof(*p));
	size_t k = 0;
	/* struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; } */
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
	p[k++] = insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0);
	p[k++] = insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
	/* Last rule first: the first block that matches decides, so the last matching rule wins.
	 * A block without conditions ends the program: the verifier rejects unreachable code. */
	for (size_t i = n; i-- > 0;) {
		size_t len = rule_block(&rules[i], p + k);
		k += len;
		if (len == 2) {
			*out = p;
			return k;
		}
	}
	p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0); /* nothing matched: deny */
	p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*out = p;
	return k;
}

int cg_devices_v2_apply(int dirfd, const struct cg_dev_rule *rules, size_t n, struct hull_error *err)
{
	void *prog = NULL;
	size_t cnt = cg_devices_bpf_program(rules, n, &prog);
	char log[4096] = "";
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = (uint32_t)cnt;
	a.license = (uint64_t)(uintptr_t) "GPL";
	_cleanup_close_ int pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (pfd < 0 && errno == EINVAL) { /* once more with the verifier's log, for the message */
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		log[strcspn(log, "\n")] = '\0';
		errno = EINVAL;
	}
	free(prog);
	if (pfd < 0)
		return hull_fail(err, errno, "load the device cgroup eBPF program%s%s", *log ? ": " : "", log);
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* ALLOW_MULTI: programs of parent cgroups (systemd's) keep running as well. */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		return hull_fail(err, errno, "attach the device cgroup eBPF program");
	return 0;
}
