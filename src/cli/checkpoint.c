/* checkpoint.c - the `hull checkpoint` command: not implemented (it needs CRIU, which Debian 12 lacks). */
#include "cli.h"

int cmd_checkpoint(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	return cli_not_implemented(cmd, argc, argv);
}
