/* pause.c - the `hull pause` command: freeze every process of a container. */
#include "cli.h"

int cmd_pause(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	return cli_id_command(cmd, argc, argv, g, hull_pause);
}
