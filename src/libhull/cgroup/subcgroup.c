/* subcgroup.c - `exec --cgroup [CTRL[,CTRL]:]PATH`: run the process in an existing
 * sub-cgroup of the container's cgroup (runc's rules: a value without controllers is
 * only allowed alone and applies to every hierarchy; on cgroup v2 that is the only form). */
#define _GNU_SOURCE
#include "internal.h"
#include "subcgroup.h"

#include <ctype.h>
#include <errno.h>

struct sub_path {
	char *ctrl; /* "" = every hierarchy */
	char *path; /* cleaned, absolute ("/sub") */
};

static void sub_paths_free(struct sub_path *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].ctrl);
		free(v[i].path);
	}
	free(v);
}

/* True if the relative path leaves the directory it starts in ("..", "a/../.."): runc
 * refuses a --cgroup outside the container's own cgroup. */
static bool climbs_out(const char *p)
{
	long depth = 0;
	for (const char *c = p; *c;) {
		size_t l = strcspn(c, "/");
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (l && !(l == 1 && c[0] == '.')) {
			depth++;
		}
		c += l + (c[l] == '/');
	}
	return false;
}

static int parse_values(char *const *values, struct sub_path **out, size_t *n, struct hull_error *err)
{
	size_t count = hull_strv_len(values), len = 0, cap = 0;
	struct sub_path *v = NULL;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		const char *val = values[i], *colon = strchr(val, ':');
		if (colon && strchr(colon + 1, ':')) {
			sub_paths_free(v, len);
			return hull_fail_plain(err, EINVAL, "invalid --cgroup argument: %s", val);
		}
		if (!colon && count != 1) {
			sub_paths_free(v, len);
			return hull_fail_plain(err, EINVAL, "invalid --cgroup argument: %s (missing <controller>: prefix)",
					       val);
		}
		const char *sub = colon ? colon + 1 : val;
		if (climbs_out(sub)) {
			sub_paths_free(v, len);
			return hull_fail_plain(err, EINVAL, "%s is not a sub cgroup path", sub);
		}
		_cleanup_free_ char *abs = xasprintf("/%s", sub);
		_cleanup_free_ char *ctrls = colon ? xstrndup(val, (size_t)(colon - val)) : xstrdup("");
		char *save = NULL, *tok = colon ? strtok_r(ctrls, ",", &save) : ctrls;
		for (; tok; tok = colon ? strtok_r(NULL, ",", &save) : NULL) {
			v = xgrow(v, &cap, len, sizeof(*v));
			v[len].ctrl = xstrdup(tok);
			v[len].path = cg_clean_path(abs);
			len++;
		}
	}
	*out = v;
	*n = len;
	return 0;
}

int hull_cgroup_validate_sub(char *const *values, struct hull_error *err)
{
	struct sub_path *v;
	size_t n;
	if (parse_values(values, &v, &n, err) < 0)
		return -1;
	sub_paths_free(v, n);
	return 0;
}

static bool has_controller(const char *list, const char *name)
{
	size_t k = strlen(name);
	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, ",");
		if (l == k && strncmp(p, name, k) == 0)
			return true;
		p += l + (p[l] == ',');
	}
	return false;
}

/* The sub path for a hierarchy carrying `controllers` (NULL: the v2 one), or NULL. */
static const char *sub_for(const struct sub_path *v, size_t n, const char *controllers)
{
	for (size_t i = 0; i < n; i++)
		if (!*v[i].ctrl || (controllers && has_controller(controllers, v[i].ctrl)))
			return v[i].path;
	return NULL;
}

static int check_known(const struct hull_cgroup *cg, const struct sub_path *v, size_t n, struct hull_error *err)
{
	for (size_t i = 0; i < n; i++) {
		bool known = !*v[i].ctrl;
		for (size_t k = 0; !known && k < cg->n_v1; k++)
			known = has_controller(cg->v1[k].controllers, v[i].ctrl);
		if (!known)
			return hull_fail_plain(err, EINVAL, "unknown controller %s in SubCgroupPaths", v[i].ctrl);
	}
	return 0;
}

static int write_procs(const char *dir, const char *sub, const char *pid, struct hull_error *err)
{
	_cleanup_free_ char *d = sub && strcmp(sub, "/") != 0 ? xasprintf("%s%s", dir, sub) : xstrdup(dir);
	int r = cg_write_quiet(d, "cgroup.procs", pid);
	if (r == 0)
		return 0;
	/* runc's wording, which scripts match: "... adding pid N ...: no such file or directory" */
	_cleanup_free_ char *why = xstrdup(strerror(-r));
	why[0] = (char)tolower((unsigned char)why[0]);
	return hull_fail_plain(err, -r, "error adding pid %s to cgroups: write %s/cgroup.procs: %s", pid, d, why);
}

int hull_cgroup_enter_sub(struct hull_cgroup *cg, char *const *values, pid_t pid, struct hull_error *err)
{
	if (!cg || hull_cgroup_is_noop(cg))
		return 0;
	if (!values || !values[0])
		return hull_cgroup_enter(cg, pid, err);
	struct sub_path *v;
	size_t n;
	if (parse_values(values, &v, &n, err) < 0)
		return -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r = check_known(cg, v, n, err);
	for (size_t i = 0; r == 0 && i < cg->n_v1; i++)
		if (cg->v1[i].dir)
			r = write_procs(cg->v1[i].dir, sub_for(v, n, cg->v1[i].controllers), buf, err);
	if (r == 0 && cg->v2_dir && (cg->mode == CG_MODE_V2 || cg->mode == CG_MODE_HYBRID))
		r = write_procs(cg->v2_dir, sub_for(v, n, NULL), buf, err);
	sub_paths_free(v, n);
	return r;
}
