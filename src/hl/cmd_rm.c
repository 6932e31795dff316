/* cmd_rm.c - `hull image rm`: drop names from index.json (blobs go with `prune`). */
#include "hl.h"
#include "ref.h"
#include "common/util.h"

/* The stored name for what the user typed: exact, normalised, or the name of an id prefix. */
static char *stored_name(const struct hl_store *s, const char *arg)
{
	struct hl_store_ref *refs = NULL;
	size_t n = 0;
	struct hull_error e = { 0 };
	if (hl_store_list(s, &refs, &n, &e) < 0) {
		hull_error_clear(&e);
		return NULL;
	}
	char *norm = NULL, *out = NULL;
	struct hl_ref r;
	if (hl_ref_parse(arg, &r, &e) == 0) {
		norm = hl_ref_string(&r);
		hl_ref_free(&r);
	}
	hull_error_clear(&e);
	for (size_t i = 0; i < n && out == NULL; i++)
		if (refs[i].name && (strcmp(refs[i].name, arg) == 0 || (norm && strcmp(refs[i].name, norm) == 0)))
			out = xstrdup(refs[i].name);
	_cleanup_free_ char *dg = NULL;
	if (out == NULL && hl_store_resolve(s, arg, &dg, &e) == 0)
		for (size_t i = 0; i < n && out == NULL; i++)
			if (refs[i].name && strcmp(refs[i].desc.digest, dg) == 0)
				out = xstrdup(refs[i].name);
	hull_error_clear(&e);
	free(norm);
	hl_store_refs_free(refs, n);
	return out;
}

int hl_cmd_rm(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	const struct cli_opt opts[] = { { NULL, 0, 0, NULL, NULL, NULL, false } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, -1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	int ret = 0;
	if (hl_store_open(g->store, false, &s, &err) < 0) {
		free(a.pos);
		return cli_fail(&err);
	}
	for (int i = 0; i < a.n; i++) {
		_cleanup_free_ char *name = stored_name(s, a.pos[i]);
		if (name == NULL) {
			ret = cli_failf("image rm: image %s: not in the store", a.pos[i]);
			continue;
		}
		if (hl_store_remove_ref(s, name, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("untagged %s\n", name);
	}
	hl_store_close(s);
	free(a.pos);
	return ret;
}
