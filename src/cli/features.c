/* features.c - the `hull features` command: print the OCI features document. */
#define _GNU_SOURCE
#include "cli.h"
#include "common/util.h"

int cmd_features(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 0, 0, &a, &r))
		return r;
	free(a.pos);
	_cleanup_free_ char *json = hull_features_json();
	fputs(json, stdout);
	return fflush(stdout) == 0 ? 0 : cli_failf("features: write to stdout failed");
}
