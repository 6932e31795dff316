/* cgroup_devices.c - the device cgroup: rule list, v1 devices.allow/deny, v2 eBPF device filter. */
#include "cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

/* runc's default allow list (specconv.AllowedDevices), appended after the spec's rules
 * so a container always has its standard /dev nodes and may mknod anything. */
static const struct cg_dev_rule default_rules[] = {
	{ true, 'c', -1, -1, 1 },   /* mknod any char device */
	{ true, 'b', -1, -1, 1 },   /* mknod any block device */
	{ true, 'c', 1, 3, 7 },     /* /dev/null */
	{ true, 'c', 1, 8, 7 },     /* /dev/random */
	{ true, 'c', 1, 7, 7 },     /* /dev/full */
	{ true, 'c', 5, 0, 7 },     /* /dev/tty */
	{ true, 'c', 1, 5, 7 },     /* /dev/zero */
	{ true, 'c', 1, 9, 7 },     /* /dev/urandom */
	{ true, 'c', 5, 1, 7 },     /* /dev/console */
	{ true, 'c', 136, -1, 7 },  /* /dev/pts/N */
	{ true, 'c', 5, 2, 7 },     /* /dev/ptmx */
	{ true, 'c', 10, 200, 7 },  /* /dev/net/tun */
};

static int parse_access(const char *s, unsigned *out)
{
	*out = 0;
	if (!s) {
		*out = 7;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'm': *out |= BPF_DEVCG_ACC_MKNOD; break;
		case 'r': *out |= BPF_DEVCG_ACC_READ; break;
		case 'w': *out |= BPF_DEVCG_ACC_WRITE; break;
		default: return -1;
		}
	}
	return 0;
}

int cg_devices_rules(const struct hull_cgroup *cg, const struct hull_resources *res, struct cg_dev_rule **out,
		     size_t *n, struct hull_error *err)
{
	size_t nres = res && res->present ? res->n_devices : 0;
	struct cg_dev_rule *r = xcalloc(nres + cg->n_spec_devices + ARRAY_SIZE(default_rules) + 1, sizeof(*r));
	size_t k = 0;
	for (size_t i = 0; i < nres; i++) {
		const struct hull_device_rule *d = &res->devices[i];
		char t = d->type ? d->type : 'a';
		if (t != 'a' && t != 'c' && t != 'b') {
			free(r);
			return hull_fail(err, EINVAL, "linux.resources.devices[%zu].type: unknown device type \"%c\" "
						      "(want a, c or b)", i, t);
		}
		struct cg_dev_rule x = { d->allow, t, d->has_major ? d->major : -1, d->has_minor ? d->minor : -1, 0 };
		if (parse_access(d->access, &x.access) < 0) {
			free(r);
			return hull_fail(err, EINVAL, "linux.resources.devices[%zu].access: \"%s\" is not a subset of \"rwm\"",
					 i, d->access);
		}
		r[k++] = x;
	}
	for (size_t i = 0; i < cg->n_spec_devices; i++) {
		const struct hull_device *d = &cg->spec_devices[i];
		if (d->type == 'p')
			continue; /* fifos are not device-cgroup controlled */
		r[k++] = (struct cg_dev_rule){ true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, 7 };
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
		r[k++] = default_rules[i];
	*out = r;
	*n = k;
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
	/* Start from deny-all (runc's default), then replay the rules in order: in v1 a
	 * later write overrides the earlier state the same way OCI's "last rule wins" does. */
	if (cg_write(dir, "devices.deny", "a", err) < 0)
		return -1;
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
