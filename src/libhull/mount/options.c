/* options.c - the mount option table: names in config.json -> mount_setattr
 * attributes, propagation, superblock flags and hull's own switches. */
#define _GNU_SOURCE
#include "internal.h"
#include "common/util.h"

#include <sys/mount.h>

enum opt_kind {
	OPT_ATTR,        /* a mount attribute on the top mount (what a bind remount changes) */
	OPT_RATTR,       /* the same on every mount of the tree (runc's r* forms) */
	OPT_PROPAGATION, /* propagation; `rec` says whether the whole tree */
	OPT_SB,          /* a superblock flag: passed to fsconfig, meaningless for binds */
	OPT_BIND,
	OPT_RBIND,
	OPT_REMOUNT,
	OPT_TMPCOPYUP,
	OPT_NOTMPCOPYUP,
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_NOOP, /* accepted and ignored ("defaults", silent/loud which only affect kernel logging) */
};

struct opt {
	const char *name;
	enum opt_kind kind;
	uint64_t set; /* MOUNT_ATTR_* to set, or MS_* propagation */
	uint64_t clr; /* MOUNT_ATTR_* to clear */
	bool rec;
};

/* Access-time options replace the whole atime field, so they clear MOUNT_ATTR__ATIME. */
#define ATIME(kind, n, v) { n, kind, v, MOUNT_ATTR__ATIME, false }

static const struct opt opts[] = {
	{ "ro", OPT_ATTR, MOUNT_ATTR_RDONLY, 0, false },
	{ "rw", OPT_ATTR, 0, MOUNT_ATTR_RDONLY, false },
	{ "nosuid", OPT_ATTR, MOUNT_ATTR_NOSUID, 0, false },
	{ "suid", OPT_ATTR, 0, MOUNT_ATTR_NOSUID, false },
	{ "nodev", OPT_ATTR, MOUNT_ATTR_NODEV, 0, false },
	{ "dev", OPT_ATTR, 0, MOUNT_ATTR_NODEV, false },
	{ "noexec", OPT_ATTR, MOUNT_ATTR_NOEXEC, 0, false },
	{ "exec", OPT_ATTR, 0, MOUNT_ATTR_NOEXEC, false },
	{ "nodiratime", OPT_ATTR, MOUNT_ATTR_NODIRATIME, 0, false },
	{ "diratime", OPT_ATTR, 0, MOUNT_ATTR_NODIRATIME, false },
	{ "nosymfollow", OPT_ATTR, MOUNT_ATTR_NOSYMFOLLOW, 0, false },
	{ "symfollow", OPT_ATTR, 0, MOUNT_ATTR_NOSYMFOLLOW, false },
	ATIME(OPT_ATTR, "noatime", MOUNT_ATTR_NOATIME),
	ATIME(OPT_ATTR, "atime", MOUNT_ATTR_RELATIME),
	ATIME(OPT_ATTR, "relatime", MOUNT_ATTR_RELATIME),
	ATIME(OPT_ATTR, "norelatime", MOUNT_ATTR_STRICTATIME),
	ATIME(OPT_ATTR, "strictatime", MOUNT_ATTR_STRICTATIME),
	ATIME(OPT_ATTR, "nostrictatime", MOUNT_ATTR_RELATIME),

	{ "rro", OPT_RATTR, MOUNT_ATTR_RDONLY, 0, true },
	{ "rrw", OPT_RATTR, 0, MOUNT_ATTR_RDONLY, true },
	{ "rnosuid", OPT_RATTR, MOUNT_ATTR_NOSUID, 0, true },
	{ "rsuid", OPT_RATTR, 0, MOUNT_ATTR_NOSUID, true },
	{ "rnodev", OPT_RATTR, MOUNT_ATTR_NODEV, 0, true },
	{ "rdev", OPT_RATTR, 0, MOUNT_ATTR_NODEV, true },
	{ "rnoexec", OPT_RATTR, MOUNT_ATTR_NOEXEC, 0, true },
	{ "rexec", OPT_RATTR, 0, MOUNT_ATTR_NOEXEC, true },
	{ "rnodiratime", OPT_RATTR, MOUNT_ATTR_NODIRATIME, 0, true },
	{ "rdiratime", OPT_RATTR, 0, MOUNT_ATTR_NODIRATIME, true },
	{ "rnosymfollow", OPT_RATTR, MOUNT_ATTR_NOSYMFOLLOW, 0, true },
	{ "rsymfollow", OPT_RATTR, 0, MOUNT_ATTR_NOSYMFOLLOW, true },
	ATIME(OPT_RATTR, "rnoatime", MOUNT_ATTR_NOATIME),
	ATIME(OPT_RATTR, "ratime", MOUNT_ATTR_RELATIME),
	ATIME(OPT_RATTR, "rrelatime", MOUNT_ATTR_RELATIME),
	ATIME(OPT_RATTR, "rnorelatime", MOUNT_ATTR_STRICTATIME),
	ATIME(OPT_RATTR, "rstrictatime", MOUNT_ATTR_STRICTATIME),
	ATIME(OPT_RATTR, "rnostrictatime", MOUNT_ATTR_RELATIME),

	{ "private", OPT_PROPAGATION, MS_PRIVATE, 0, false },
	{ "rprivate", OPT_PROPAGATION, MS_PRIVATE, 0, true },
	{ "shared", OPT_PROPAGATION, MS_SHARED, 0, false },
	{ "rshared", OPT_PROPAGATION, MS_SHARED, 0, true },
	{ "slave", OPT_PROPAGATION, MS_SLAVE, 0, false },
	{ "rslave", OPT_PROPAGATION, MS_SLAVE, 0, true },
	{ "unbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0, false },
	{ "runbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0, true },

	{ "sync", OPT_SB, 0, 0, false },
	{ "async", OPT_SB, 0, 0, false },
	{ "dirsync", OPT_SB, 0, 0, false },
	{ "mand", OPT_SB, 0, 0, false },
	{ "nomand", OPT_SB, 0, 0, false },
	{ "lazytime", OPT_SB, 0, 0, false },
	{ "nolazytime", OPT_SB, 0, 0, false },
	{ "iversion", OPT_SB, 0, 0, false },
	{ "noiversion", OPT_SB, 0, 0, false },

	{ "bind", OPT_BIND, 0, 0, false },
	{ "rbind", OPT_RBIND, 0, 0, true },
	{ "remount", OPT_REMOUNT, 0, 0, false },
	{ "tmpcopyup", OPT_TMPCOPYUP, 0, 0, false },
	{ "notmpcopyup", OPT_NOTMPCOPYUP, 0, 0, false },
	{ "idmap", OPT_IDMAP, 0, 0, false },
	{ "ridmap", OPT_RIDMAP, 0, 0, true },
	{ "defaults", OPT_NOOP, 0, 0, false },
	{ "silent", OPT_NOOP, 0, 0, false },
	{ "loud", OPT_NOOP, 0, 0, false },
};

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

const char *hull_mount_option_name(size_t i)
{
	return i < ARRAY_SIZE(opts) ? opts[i].name : NULL;
}

unsigned long hull_mount_propagation_flags(const char *name)
{
	const struct opt *o = name ? find_opt(name) : NULL;
	if (!o || o->kind != OPT_PROPAGATION)
		return 0;
	return (unsigned long)o->set | (o->rec ? MS_REC : 0);
}

bool hull_mount_is_bind(const struct hull_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; m->options && m->options[i]; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

static void strv_push(char ***v, const char *s)
{
	size_t n = hull_strv_len(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

/* Later options win over earlier ones for the same attribute, as with mount(8). The
 * access-time values share one field, so they replace it (and must clear all of it). */
static void apply_attr(uint64_t *set, uint64_t *clr, const struct opt *o)
{
	if (o->clr == MOUNT_ATTR__ATIME) {
		*set = (*set & ~MOUNT_ATTR__ATIME) | o->set;
		*clr |= MOUNT_ATTR__ATIME;
		return;
	}
	*set = (*set & ~o->clr) | o->set;
	*clr = (*clr & ~o->set) | o->clr;
}

static void apply_one(const struct opt *o, struct hull_mount_opts *out)
{
	switch (o->kind) {
	case OPT_ATTR:
		apply_attr(&out->attr_set, &out->attr_clr, o);
		out->has_attr = true;
		break;
	case OPT_RATTR:
		apply_attr(&out->rattr_set, &out->rattr_clr, o);
		out->has_rattr = true;
		break;
	case OPT_PROPAGATION:
		/* runc applies each in turn: the last one decides */
		out->propagation = o->set;
		out->propagation_rec = o->rec;
		break;
	case OPT_SB:
		strv_push(&out->sb_flags, o->name);
		break;
	case OPT_BIND:
		out->bind = true;
		break;
	case OPT_RBIND:
		out->bind = out->rbind = true;
		break;
	case OPT_REMOUNT:
		out->remount = true;
		break;
	case OPT_TMPCOPYUP:
		out->tmpcopyup = true;
		break;
	case OPT_NOTMPCOPYUP:
		out->tmpcopyup = false;
		break;
	case OPT_IDMAP:
		out->idmap = true;
		break;
	case OPT_RIDMAP:
		out->idmap = out->ridmap = true;
		break;
	case OPT_NOOP:
		break;
	}
}

void hull_mount_opts_parse(char *const *options, bool bind, struct hull_mount_opts *out)
{
	memset(out, 0, sizeof(*out));
	out->bind = bind;
	for (size_t i = 0; options && options[i]; i++) {
		const char *name = options[i];
		const struct opt *o = find_opt(name);
		if (o)
			apply_one(o, out);
		else if ((name[0] == 'x' || name[0] == 'X') && name[1] == '-')
			out->n_ignored++;
		else
			strv_push(&out->data, name);
	}
	/* On a bind mount, data options ("mode=755", "size=1k") have no filesystem to go to:
	 * runc hands them to mount(2), which ignores them for MS_BIND; hull keeps them in
	 * out->data and make_tree ignores them the same way. */
}

void hull_mount_opts_clear(struct hull_mount_opts *o)
{
	hull_free_strv(o->sb_flags);
	hull_free_strv(o->data);
	memset(o, 0, sizeof(*o));
}
