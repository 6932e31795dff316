/* start.c - the `hull start` command: release a created container's process. */
#include "cli.h"

int cmd_start(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 1, 1) != CLI_OK) {
		free(a.pos);
		return 1;
	}
	struct hull_error err = { 0 };
	r = hull_start(g, a.pos[0], &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
