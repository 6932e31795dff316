/* create.c - the `hull create` command. */
#include "cli.h"

int cmd_create(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	free(a.pos);
	return cli_failf("create: not implemented yet");
}
