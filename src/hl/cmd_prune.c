/* cmd_prune.c - `hull image prune`: remove blobs no name in index.json reaches. */
#include "hl.h"
#include "unpack.h"
#include "common/util.h"

int hl_cmd_prune(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	const struct cli_opt opts[] = { { NULL, 0, 0, NULL, NULL, NULL, false } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 0, 0, &a, &r))
		return r;
	free(a.pos);
	struct hull_error err = { 0 };
	struct hl_store *s = NULL;
	size_t removed = 0, snaps = 0;
	uint64_t freed = 0;
	if (hl_store_open(g->store, false, &s, &err) < 0 || hl_store_gc(s, &removed, &freed, &err) < 0 ||
	    hl_snapshots_prune(s, &snaps, &err) < 0) {
		hl_store_close(s);
		return cli_fail(&err);
	}
	printf("removed %zu blobs, %llu bytes, %zu layer snapshots\n", removed, (unsigned long long)freed, snaps);
	hl_store_close(s);
	return 0;
}
