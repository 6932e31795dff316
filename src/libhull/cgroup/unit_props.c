/* unit_props.c - unit properties for the systemd cgroup driver: the property list,
 * unit names, runc's resource conversions and the org.systemd.property.* annotations
 * (GVariant text values). Pure code: no D-Bus here (see dbus.c). */
#include "unit_props.h"
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>

/* ---- the property list ------------------------------------------------------- */

void sd_value_clear(struct sd_value *v)
{
	for (size_t i = 0; i < v->n; i++)
		sd_value_clear(&v->items[i]);
	free(v->items);
	free(v->s);
	free(v->sig);
	memset(v, 0, sizeof(*v));
}

void sd_props_clear(struct sd_props *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->p[i].name);
		sd_value_clear(&ps->p[i].v);
	}
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

char *sd_value_signature(const struct sd_value *v)
{
	if (v->type == 'a')
		return xasprintf("a%s", v->sig ? v->sig : "v");
	if (v->type == 'r') {
		size_t cap = 3, len = 1;
		char *out = xzalloc(cap);
		out[0] = '(';
		for (size_t i = 0; i < v->n; i++) {
			_cleanup_free_ char *s = sd_value_signature(&v->items[i]);
			cap += strlen(s);
			out = xrealloc(out, cap);
			memcpy(out + len, s, strlen(s));
			len += strlen(s);
		}
		out[len++] = ')';
		out[len] = '\0';
		return out;
	}
	return xasprintf("%c", v->type);
}

void sd_props_add(struct sd_props *ps, const char *name, struct sd_value v)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->p = xrealloc(ps->p, ps->cap * sizeof(*ps->p));
	}
	ps->p[ps->n++] = (struct sd_prop){ .name = xstrdup(name), .v = v };
}

void sd_props_add_bool(struct sd_props *ps, const char *name, bool b)
{
	sd_props_add(ps, name, (struct sd_value){ .type = 'b', .b = b });
}

void sd_props_add_u64(struct sd_props *ps, const char *name, uint64_t u)
{
	sd_props_add(ps, name, (struct sd_value){ .type = 't', .u = u });
}

void sd_props_add_str(struct sd_props *ps, const char *name, const char *s)
{
	sd_props_add(ps, name, (struct sd_value){ .type = 's', .s = xstrdup(s) });
}

const struct sd_prop *sd_props_find(const struct sd_props *ps, const char *name)
{
	for (size_t i = ps->n; i > 0; i--)
		if (strcmp(ps->p[i - 1].name, name) == 0)
			return &ps->p[i - 1];
	return NULL;
}

static void describe_value(const struct sd_value *v, FILE *f)
{
	switch (v->type) {
	case 'b':
		fputs(v->b ? "true" : "false", f);
		break;
	case 'y': case 'q': case 'u': case 't':
		if (v->u == UINT64_MAX)
			fputs("infinity", f);
		else
			fprintf(f, "%" PRIu64, v->u);
		break;
	case 'n': case 'i': case 'x':
		fprintf(f, "%" PRId64, v->i);
		break;
	case 'd':
		fprintf(f, "%g", v->d);
		break;
	case 'a': case 'r':
		fputc(v->type == 'a' ? '[' : '(', f);
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				fputc(' ', f);
			describe_value(&v->items[i], f);
		}
		fputc(v->type == 'a' ? ']' : ')', f);
		break;
	default:
		fprintf(f, "\"%s\"", v->s ? v->s : "");
	}
}

char *sd_props_describe(const struct sd_props *ps)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return xstrdup("?");
	for (size_t i = 0; i < ps->n; i++) {
		fprintf(f, "%s%s=", i ? " " : "", ps->p[i].name);
		describe_value(&ps->p[i].v, f);
	}
	fclose(f);
	return buf;
}

/* ---- names ----------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);
	return l >= sl && strcmp(s + l - sl, suffix) == 0;
}

char *sd_unit_name(const char *prefix, const char *name)
{
	/* runc: a scope unless the name asks for a slice; the "-" is there even when the
	 * prefix is empty. */
	if (ends_with(name, ".slice"))
		return xstrdup(name);
	return xasprintf("%s-%s.scope", prefix, name);
}

int sd_parse_cgroups_path(const char *cgroups_path, const char *id, char **slice, char **prefix, char **name,
			  struct hull_error *err)
{
	*slice = *prefix = *name = NULL;
	if (!cgroups_path || !*cgroups_path) {
		/* runc's default is "runc-<id>.scope" in the default slice; hull's is "hull-<id>.scope". */
		*prefix = xstrdup("hull");
		*name = xstrdup(id);
		return 0;
	}
	const char *c1 = strchr(cgroups_path, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return hull_fail(err, EINVAL,
				 "linux.cgroupsPath: expected cgroupsPath to be of format \"slice:prefix:name\" for "
				 "systemd cgroups, got \"%s\" instead",
				 cgroups_path);
	const char *nm = c2 + 1;
	if (!*nm || strchr(nm, '/') || memchr(c1 + 1, '/', (size_t)(c2 - c1 - 1)))
		return hull_fail(err, EINVAL, "linux.cgroupsPath: invalid systemd unit name in \"%s\"", cgroups_path);
	if (c1 != cgroups_path)
		*slice = xstrndup(cgroups_path, (size_t)(c1 - cgroups_path));
	*prefix = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	*name = xstrdup(nm);
	return 0;
}

/* ---- resource conversions ----------------------------------------------------------- */

#define DEFAULT_CPU_PERIOD 100000ULL /* the kernel's, v1 and v2 */

uint64_t sd_cpu_quota_per_sec(int64_t quota, uint64_t period)
{
	if (quota <= 0)
		return UINT64_MAX; /* USEC_INFINITY */
	if (period == 0)
		period = DEFAULT_CPU_PERIOD;
	/* systemd turns CPUQuotaPerSecUSec into a whole percent of a CPU: round up to 10ms
	 * per second so the cgroup's own cpu.max still fits what the container asked. */
	uint64_t v = (uint64_t)quota * 1000000ULL / period;
	if (v % 10000)
		v = (v / 10000 + 1) * 10000;
	return v;
}

int sd_cpuset_bits(const char *list, const char *what, uint8_t **bits, size_t *n, struct hull_error *err)
{
	*bits = NULL;
	*n = 0;
	uint8_t *out = NULL;
	size_t len = 0;
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *end;
		errno = 0;
		if (!isdigit((unsigned char)*p))
			goto bad;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (errno || end == p)
			goto bad;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			hi = strtoul(p, &end, 10);
			if (errno || end == p || hi < lo)
				goto bad;
			p = end;
		}
		if (hi >= 1UL << 20) /* far beyond any real CPU or node count */
			goto bad;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
		if (hi / 8 + 1 > len) {
			out = xrealloc(out, hi / 8 + 1);
			memset(out + len, 0, hi / 8 + 1 - len);
			len = hi / 8 + 1;
		}
		for (unsigned long b = lo; b <= hi; b++)
			out[b / 8] |= (uint8_t)(1u << (b % 8));
	}
	*bits = out;
	*n = len;
	return 0;
bad:
	free(out);
	return hull_fail(err, EINVAL, "%s: \"%s\" is not a CPU or memory node list (as \"0-3,7\")", what, list);
}

static void add_bits(struct sd_props *ps, const char *name, uint8_t *bits, size_t n)
{
	struct sd_value v = { .type = 'a', .sig = xstrdup("y"), .n = n };
	v.items = xcalloc(n ? n : 1, sizeof(*v.items));
	for (size_t i = 0; i < n; i++)
		v.items[i] = (struct sd_value){ .type = 'y', .u = bits[i] };
	sd_props_add(ps, name, v);
}

static void add_cpu_quota(struct sd_props *ps, const struct sd_caps *caps, int64_t quota, uint64_t period)
{
	if (period && caps->version >= 242) /* CPUQuotaPeriodUSec: systemd 242 */
		sd_props_add_u64(ps, "CPUQuotaPeriodUSec", period);
	else if (period)
		hull_debug("systemd %d cannot take CPUQuotaPeriodUSec: the period goes to the cgroup only", caps->version);
	if (quota || period)
		sd_props_add_u64(ps, "CPUQuotaPerSecUSec", sd_cpu_quota_per_sec(quota, period));
}

static int add_cpuset(struct sd_props *ps, const struct sd_caps *caps, const char *list, const char *prop,
		      const char *what, struct hull_error *err)
{
	if (!list || !*list)
		return 0;
	if (caps->version < 244) { /* AllowedCPUs/AllowedMemoryNodes: systemd 244 */
		hull_debug("systemd %d cannot take %s: %s goes to the cgroup only", caps->version, prop, what);
		return 0;
	}
	_cleanup_free_ uint8_t *bits = NULL;
	size_t n = 0;
	if (sd_cpuset_bits(list, what, &bits, &n, err) < 0)
		return -1;
	add_bits(ps, prop, bits, n);
	return 0;
}

static int parse_u64_or_max(const char *v, uint64_t *out)
{
	if (strcmp(v, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*v))
		return -1;
	*out = strtoull(v, &end, 10);
	return errno || *end ? -1 : 0;
}

/* linux.resources.unified keys systemd has a property for (runc's unifiedResToSystemdProps);
 * the rest is written to the cgroup only. */
static int unified_props(const struct hull_kv *kv, size_t n, const struct sd_caps *caps, struct sd_props *ps,
			 struct hull_error *err)
{
	static const struct {
		const char *key, *prop;
	} mem[] = { { "memory.high", "MemoryHigh" }, { "memory.low", "MemoryLow" }, { "memory.min", "MemoryMin" },
		    { "memory.max", "MemoryMax" },   { "memory.swap.max", "MemorySwapMax" }, { "pids.max", "TasksMax" } };
	for (size_t i = 0; i < n; i++) {
		const char *k = kv[i].key;
		_cleanup_free_ char *jp = xasprintf("linux.resources.unified[\"%s\"]", k);
		if (strchr(k, '/'))
			return hull_fail(err, EINVAL, "%s: must be a file name (no slashes)", jp);
		if (!strchr(k, '.'))
			return hull_fail(err, EINVAL, "%s: must be in the form CONTROLLER.PARAMETER", jp);
		/* the kernel takes whitespace around a value, so does runc */
		_cleanup_free_ char *v = xstrdup(kv[i].value);
		char *s = v;
		while (isspace((unsigned char)*s))
			s++;
		for (size_t l = strlen(s); l && isspace((unsigned char)s[l - 1]); l--)
			s[l - 1] = '\0';
		bool done = false;
		for (size_t m = 0; m < sizeof(mem) / sizeof(mem[0]) && !done; m++) {
			if (strcmp(k, mem[m].key) != 0)
				continue;
			uint64_t u;
			if (parse_u64_or_max(s, &u) < 0)
				return hull_fail(err, EINVAL, "%s: value \"%s\" is not a number or \"max\"", jp, s);
			sd_props_add_u64(ps, mem[m].prop, u);
			done = true;
		}
		if (done)
			continue;
		if (strcmp(k, "cpu.weight") == 0) {
			uint64_t u;
			if (parse_u64_or_max(s, &u) < 0 || u == UINT64_MAX)
				return hull_fail(err, EINVAL, "%s: value \"%s\" is not a number", jp, s);
			sd_props_add_u64(ps, "CPUWeight", u);
		} else if (strcmp(k, "cpu.max") == 0) {
			char q[32] = "", p[32] = "", extra[2] = "";
			int got = sscanf(s, "%31s %31s %1s", q, p, extra);
			int64_t quota = 0;
			uint64_t period = DEFAULT_CPU_PERIOD;
			char *end;
			if (got < 1 || got > 2)
				return hull_fail(err, EINVAL, "%s: value \"%s\" is not \"QUOTA [PERIOD]\"", jp, s);
			errno = 0;
			if (strcmp(q, "max") != 0 && ((quota = strtoll(q, &end, 10)), errno || *end))
				return hull_fail(err, EINVAL, "%s: quota \"%s\" is not a number or \"max\"", jp, q);
			if (got == 2 && ((period = strtoull(p, &end, 10)), errno || *end || p[0] == '-'))
				return hull_fail(err, EINVAL, "%s: period \"%s\" is not a number", jp, p);
			add_cpu_quota(ps, caps, quota, period);
		} else if (strcmp(k, "cpuset.cpus") == 0 || strcmp(k, "cpuset.mems") == 0) {
			if (add_cpuset(ps, caps, s, k[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes", jp, err) < 0)
				return -1;
		} else {
			hull_debug("%s: no systemd property for it; written to the cgroup only", jp);
		}
	}
	return 0;
}

int sd_resources_props(const struct hull_resources *res, const struct sd_caps *caps, struct sd_props *out,
		       struct hull_error *err)
{
	if (!res || !res->present)
		return 0;
	const struct hull_memory_resources *m = &res->memory;
	const struct hull_cpu_resources *c = &res->cpu;
	int64_t limit = res->has_memory && m->has_limit ? m->limit : 0;
	if (limit)
		sd_props_add_u64(out, caps->v2 ? "MemoryMax" : "MemoryLimit", (uint64_t)limit);
	if (caps->v2 && res->has_memory && m->has_reservation && m->reservation)
		sd_props_add_u64(out, "MemoryLow", (uint64_t)m->reservation);
	if (caps->v2 && res->has_memory) {
		int64_t swap = 0;
		const char *why = NULL;
		if (cg_swap_v1_to_v2(m->has_swap ? m->swap : 0, limit, &swap, &why) < 0)
			return hull_fail(err, EINVAL, "linux.resources.memory.swap: %s", why);
		if (swap)
			sd_props_add_u64(out, "MemorySwapMax", (uint64_t)swap);
	}
	if (res->has_cpu && c->has_shares && c->shares) {
		if (caps->v2)
			sd_props_add_u64(out, "CPUWeight", cg_shares_to_weight(c->shares));
		else
			sd_props_add_u64(out, "CPUShares", c->shares);
	}
	if (res->has_cpu)
		add_cpu_quota(out, caps, c->has_quota ? c->quota : 0, c->has_period ? c->period : 0);
	if (!caps->v2 && res->has_blkio && res->blkio.has_weight && res->blkio.weight)
		sd_props_add_u64(out, "BlockIOWeight", res->blkio.weight);
	if (res->has_pids && (res->pids_limit > 0 || res->pids_limit == -1))
		sd_props_add_u64(out, "TasksMax", (uint64_t)res->pids_limit);
	if (res->has_cpu && (add_cpuset(out, caps, c->cpus, "AllowedCPUs", "linux.resources.cpu.cpus", err) < 0 ||
			     add_cpuset(out, caps, c->mems, "AllowedMemoryNodes", "linux.resources.cpu.mems", err) < 0))
		return -1;
	if (caps->v2 && unified_props(res->unified, res->n_unified, caps, out, err) < 0)
		return -1;
	return 0;
}

/* ---- devices ---------------------------------------------------------------------------- */

static void add_device_allow(struct sd_value *list, const char *path, unsigned access)
{
	char perms[4];
	size_t k = 0;
	if (access & 2)
		perms[k++] = 'r';
	if (access & 4)
		perms[k++] = 'w';
	if (access & 1)
		perms[k++] = 'm';
	perms[k] = '\0';
	list->items = xrealloc(list->items, (list->n + 1) * sizeof(*list->items));
	struct sd_value e = { .type = 'r', .n = 2, .items = xcalloc(2, sizeof(struct sd_value)) };
	e.items[0] = (struct sd_value){ .type = 's', .s = xstrdup(path) };
	e.items[1] = (struct sd_value){ .type = 's', .s = xstrdup(perms) };
	list->items[list->n++] = e;
}

/* The name /proc/devices gives a major ("char-pts"), or NULL. */
static char *device_group(const char *proc_devices, char type, int64_t major)
{
	const char *section = type == 'b' ? "Block devices:" : "Character devices:";
	const char *p = proc_devices ? strstr(proc_devices, section) : NULL;
	if (!p)
		return NULL;
	p = strchr(p, '\n');
	while (p && *++p && *p != '\n') {
		char name[256];
		long long maj;
		if (sscanf(p, " %lld %255s", &maj, name) == 2 && maj == major)
			return xasprintf("%s-%s", type == 'b' ? "block" : "char", name);
		p = strchr(p, '\n');
	}
	return NULL;
}

int sd_device_props(const struct cg_dev_rule *rules, size_t n, const char *proc_devices,
		    bool (*device_exists)(const char *sys_path), struct sd_props *out, struct hull_error *err)
{
	(void)err;
	if (n == 0)
		return 0;
	struct sd_value empty = { .type = 'a', .sig = xstrdup("(ss)") };
	if (rules[0].allow) {
		/* systemd has no deny list: allow-all is "auto" with no entries; anything else
		 * gets a deny-all unit policy, and hull's own filter on the cgroup does the rest. */
		if (n == 1) {
			sd_props_add_str(out, "DevicePolicy", "auto");
			sd_props_add(out, "DeviceAllow", empty);
			return 0;
		}
		hull_warn("systemd doesn't support blacklist device rules -- applying temporary deny-all rule");
		sd_props_add_str(out, "DevicePolicy", "strict");
		sd_props_add(out, "DeviceAllow", empty);
		return 0;
	}
	sd_props_add_str(out, "DevicePolicy", "strict");
	/* An empty list first: it resets what the unit had, then the list replaces it. */
	sd_props_add(out, "DeviceAllow", empty);
	struct sd_value list = { .type = 'a', .sig = xstrdup("(ss)") };
	for (size_t i = 1; i < n; i++) {
		const struct cg_dev_rule *r = &rules[i];
		if (!r->allow || !r->access)
			continue;
		if (r->type != 'c' && r->type != 'b') {
			hull_warn("systemd doesn't support device type '%c' in DeviceAllow -- temporarily ignoring rule",
				  r->type);
			continue;
		}
		_cleanup_free_ char *path = NULL;
		if (r->major < 0 && r->minor >= 0) {
			hull_warn("systemd doesn't support '*:n' device rules -- temporarily ignoring rule %c *:%" PRId64,
				  r->type, r->minor);
			continue;
		} else if (r->major < 0) {
			path = xstrdup(r->type == 'b' ? "block-*" : "char-*");
		} else if (r->minor < 0) {
			path = device_group(proc_devices, r->type, r->major);
			if (!path) {
				hull_debug("no device group for '%c/%" PRId64 "' in /proc/devices -- temporarily "
					   "ignoring rule for systemd",
					   r->type, r->major);
				continue;
			}
		} else {
			path = xasprintf("/dev/%s/%" PRId64 ":%" PRId64, r->type == 'b' ? "block" : "char", r->major,
					 r->minor);
			/* systemd resolves the path; one for a device this host lacks is left out,
			 * with runc's warning (hull's own filter still has the rule) */
			_cleanup_free_ char *sys = xasprintf("/sys%s", path);
			if (device_exists && !device_exists(sys)) {
				hull_warn("skipping device %s for systemd: stat %s: no such file or directory", path, sys);
				continue;
			}
		}
		add_device_allow(&list, path, r->access);
	}
	sd_props_add(out, "DeviceAllow", list);
	return 0;
}

/* ---- GVariant text (the annotations' values) ----------------------------------------------- */

struct vparser {
	const char *p;
	const char *why;
};

static void skip_ws(struct vparser *vp)
{
	while (isspace((unsigned char)*vp->p))
		vp->p++;
}

/* One complete type from a signature ("t", "as", "a(ss)" is not supported: no structs). */
static bool read_type(const char **s, char *out, size_t cap)
{
	size_t k = 0;
	while (**s == 'a' && k + 1 < cap)
		out[k++] = *(*s)++;
	if (!**s || !strchr("bynqiuxtdsog", **s) || k + 1 >= cap)
		return false;
	out[k++] = *(*s)++;
	out[k] = '\0';
	return true;
}

static const struct {
	const char *word;
	const char *sig;
} type_words[] = { { "boolean", "b" }, { "byte", "y" },   { "int16", "n" },  { "uint16", "q" },
		   { "int32", "i" },   { "uint32", "u" }, { "int64", "x" },  { "uint64", "t" },
		   { "double", "d" },  { "string", "s" }, { "objectpath", "o" }, { "signature", "g" } };

static int parse_value(struct vparser *vp, const char *hint, struct sd_value *out);

static int parse_number(struct vparser *vp, const char *hint, struct sd_value *out)
{
	const char *start = vp->p;
	while (*vp->p && (isalnum((unsigned char)*vp->p) || strchr("+-.", *vp->p)))
		vp->p++;
	_cleanup_free_ char *tok = xstrndup(start, (size_t)(vp->p - start));
	bool hex = strncmp(tok + (tok[0] == '-' || tok[0] == '+'), "0x", 2) == 0;
	char t = hint ? hint[0] : (!hex && strpbrk(tok, ".eE") ? 'd' : 'i');
	char *end;
	errno = 0;
	*out = (struct sd_value){ .type = t };
	switch (t) {
	case 'd':
		out->d = strtod(tok, &end);
		break;
	case 'y': case 'q': case 'u': case 't': {
		if (tok[0] == '-') {
			vp->why = "negative value for an unsigned type";
			return -1;
		}
		out->u = strtoull(tok, &end, 0);
		uint64_t max = t == 'y' ? UINT8_MAX : t == 'q' ? UINT16_MAX : t == 'u' ? UINT32_MAX : UINT64_MAX;
		if (out->u > max)
			errno = ERANGE;
		break;
	}
	case 'n': case 'i': case 'x': {
		out->i = strtoll(tok, &end, 0);
		int64_t lim = t == 'n' ? INT16_MAX : t == 'i' ? INT32_MAX : INT64_MAX;
		if (out->i > lim || out->i < -lim - 1)
			errno = ERANGE;
		break;
	}
	default:
		vp->why = "a number where the type wants something else";
		return -1;
	}
	if (errno == ERANGE) {
		vp->why = "number out of range for its type";
		return -1;
	}
	if (errno || *end || end == tok) {
		vp->why = "invalid number";
		return -1;
	}
	return 0;
}

static int parse_string(struct vparser *vp, const char *hint, struct sd_value *out)
{
	char q = *vp->p++;
	char *buf = xzalloc(strlen(vp->p) + 1);
	size_t k = 0;
	for (; *vp->p && *vp->p != q; vp->p++) {
		char ch = *vp->p;
		if (ch == '\\') {
			ch = *++vp->p;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case '\0':
				free(buf);
				vp->why = "unterminated string";
				return -1;
			default: break; /* \\ \' \" and any other char as itself */
			}
		}
		buf[k++] = ch;
	}
	if (*vp->p != q) {
		free(buf);
		vp->why = "unterminated string";
		return -1;
	}
	vp->p++;
	char t = hint ? hint[0] : 's';
	if (t != 's' && t != 'o' && t != 'g') {
		free(buf);
		vp->why = "a string where the type wants something else";
		return -1;
	}
	*out = (struct sd_value){ .type = t, .s = buf };
	return 0;
}

static int parse_array(struct vparser *vp, const char *hint, struct sd_value *out)
{
	if (hint && hint[0] != 'a') {
		vp->why = "an array where the type wants something else";
		return -1;
	}
	vp->p++; /* [ */
	_cleanup_free_ char *elem = hint ? xstrdup(hint + 1) : NULL;
	struct sd_value arr = { .type = 'a' };
	skip_ws(vp);
	while (*vp->p != ']') {
		struct sd_value v = { 0 };
		if (parse_value(vp, elem, &v) < 0) {
			sd_value_clear(&arr);
			return -1;
		}
		_cleanup_free_ char *sig = sd_value_signature(&v);
		if (!elem)
			elem = xstrdup(sig);
		else if (strcmp(elem, sig) != 0) {
			sd_value_clear(&v);
			sd_value_clear(&arr);
			vp->why = "array elements of different types";
			return -1;
		}
		arr.items = xrealloc(arr.items, (arr.n + 1) * sizeof(*arr.items));
		arr.items[arr.n++] = v;
		skip_ws(vp);
		if (*vp->p == ',') {
			vp->p++;
			skip_ws(vp);
		} else if (*vp->p != ']') {
			sd_value_clear(&arr);
			vp->why = "expected ',' or ']' in an array";
			return -1;
		}
	}
	vp->p++;
	if (!elem) {
		vp->why = "can't infer type of an empty array (write it as \"@as []\")";
		return -1;
	}
	arr.sig = steal_pointer(&elem);
	*out = arr;
	return 0;
}

static int parse_value(struct vparser *vp, const char *hint, struct sd_value *out)
{
	skip_ws(vp);
	char c = *vp->p;
	if (c == '@') {
		vp->p++;
		char sig[16];
		if (!read_type(&vp->p, sig, sizeof(sig))) {
			vp->why = "unsupported type after '@' (basic types and arrays of them only)";
			return -1;
		}
		if (hint && strcmp(hint, sig) != 0) {
			vp->why = "type annotation does not match the array's element type";
			return -1;
		}
		return parse_value(vp, sig, out);
	}
	if (c == '[')
		return parse_array(vp, hint, out);
	if (c == '\'' || c == '"')
		return parse_string(vp, hint, out);
	if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.')
		return parse_number(vp, hint, out);
	if (isalpha((unsigned char)c)) {
		const char *start = vp->p;
		while (isalnum((unsigned char)*vp->p))
			vp->p++;
		size_t len = (size_t)(vp->p - start);
		if ((len == 4 && strncmp(start, "true", 4) == 0) || (len == 5 && strncmp(start, "false", 5) == 0)) {
			if (hint && hint[0] != 'b') {
				vp->why = "a boolean where the type wants something else";
				return -1;
			}
			*out = (struct sd_value){ .type = 'b', .b = len == 4 };
			return 0;
		}
		for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++) {
			if (strlen(type_words[i].word) != len || strncmp(start, type_words[i].word, len) != 0)
				continue;
			if (hint && strcmp(hint, type_words[i].sig) != 0) {
				vp->why = "type word does not match the array's element type";
				return -1;
			}
			return parse_value(vp, type_words[i].sig, out);
		}
		vp->why = "unrecognized type or keyword";
		return -1;
	}
	vp->why = c ? "unsupported value (dictionaries, tuples and variants are not taken)" : "empty value";
	return -1;
}

int sd_parse_variant(const char *text, struct sd_value *out, const char **why)
{
	struct vparser vp = { .p = text };
	memset(out, 0, sizeof(*out));
	if (parse_value(&vp, NULL, out) < 0) {
		*why = vp.why;
		return -1;
	}
	skip_ws(&vp);
	if (*vp.p) {
		sd_value_clear(out);
		*why = "trailing text after the value";
		return -1;
	}
	return 0;
}

/* runc's "Sec" to "USec": a numeric value in seconds becomes µs as uint64. */
static int sec_to_usec(struct sd_value *v)
{
	uint64_t u;
	switch (v->type) {
	case 'y': case 'q': case 'u': case 't':
		if (v->u > UINT64_MAX / 1000000)
			return -1;
		u = v->u * 1000000;
		break;
	case 'n': case 'i': case 'x':
		if (v->i < 0 || (uint64_t)v->i > UINT64_MAX / 1000000)
			return -1;
		u = (uint64_t)v->i * 1000000;
		break;
	case 'd':
		if (!(v->d >= 0) || v->d * 1e6 >= 18446744073709551615.0)
			return -1;
		u = (uint64_t)(v->d * 1e6);
		break;
	default:
		return -1;
	}
	sd_value_clear(v);
	*v = (struct sd_value){ .type = 't', .u = u };
	return 0;
}

int sd_annotation_props(const struct hull_kv *ann, size_t n, struct sd_props *out, struct hull_error *err)
{
	const size_t pl = strlen(SD_ANNOTATION_PREFIX);
	for (size_t i = 0; i < n; i++) {
		const char *k = ann[i].key, *val = ann[i].value ? ann[i].value : "";
		if (strncmp(k, SD_ANNOTATION_PREFIX, pl) != 0)
			continue;
		const char *name = k + pl;
		if (strlen(name) < 3)
			return hull_fail(err, EINVAL, "annotations[\"%s\"]: annotation %s name incorrect: too short", k, k);
		for (const char *c = name; *c; c++)
			if (!isascii((unsigned char)*c) || !isalpha((unsigned char)*c))
				return hull_fail(err, EINVAL,
						 "annotations[\"%s\"]: annotation %s name incorrect: contains "
						 "non-alphabetic character",
						 k, k);
		struct sd_value v;
		const char *why = NULL;
		if (sd_parse_variant(val, &v, &why) < 0)
			return hull_fail(err, EINVAL, "annotations[\"%s\"]: annotation %s=%s value parse error: %s", k, k,
					 val, why);
		size_t nl = strlen(name);
		_cleanup_free_ char *pname = xstrdup(name);
		if (nl > 3 && ends_with(name, "Sec") && islower((unsigned char)name[nl - 4])) {
			free(pname);
			pname = xasprintf("%.*sUSec", (int)(nl - 3), name);
			if (sec_to_usec(&v) < 0) {
				sd_value_clear(&v);
				return hull_fail(err, EINVAL,
						 "annotations[\"%s\"]: annotation %s=%s value parse error: not a "
						 "non-negative number of seconds",
						 k, k, val);
			}
		}
		sd_props_add(out, pname, v);
	}
	return 0;
}
