/* commands.c - the whole of the simplest hull commands: one container ID and no option
 * (start, pause, resume), or accepted but not implemented (daemons probe for them). */
#include "cli.h"
#include "common/util.h"

int cli_id_command(const struct cli_command *cmd, int argc, char **argv, const struct hull_global_opts *g,
		   int (*op)(const struct hull_global_opts *g, const char *id, struct hull_error *err))
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	r = op(g, a.pos[0], &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}

int cli_not_implemented(const struct cli_command *cmd, int argc, char **argv)
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	free(a.pos);
	return cli_failf("%s: not implemented yet", cmd->name);
}
