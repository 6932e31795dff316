/* resume.c - the `hull resume` command: thaw a paused container. */
#include "cli.h"

int cmd_resume(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	return cli_id_command(cmd, argc, argv, g, hull_resume);
}
