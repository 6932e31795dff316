/* features.c - the `hull features` command: print the OCI features document. */
#define _GNU_SOURCE
#include "cli.h"
#include "../libhull/util.h"

int cmd_features(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	int usage = cli_check_args(cmd, opts, &a, 0, 0);
	free(a.pos);
	if (usage != CLI_OK)
		return 1;
	_cleanup_free_ char *json = hull_features_json();
	fputs(json, stdout);
	return fflush(stdout) == 0 ? 0 : cli_failf("features: write to stdout failed");
}
