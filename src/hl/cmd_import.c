/* cmd_import.c - `hull image import`. */
#include "hl.h"

int hl_cmd_import(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g)
{
	(void)g;
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	free(a.pos);
	return cli_failf("image import: not implemented yet");
}
