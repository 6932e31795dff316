/* start.c - the `hull start` command: release a created container's process. */
#include "cli.h"

int cmd_start(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	return cli_id_command(cmd, argc, argv, g, hull_start);
}
