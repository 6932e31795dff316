/* delete.c - the `hull delete` command: remove a container and everything it holds. */
#include "cli.h"

int cmd_delete(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	bool force = false;
	const struct cli_opt opts[] = {
		{ "force", 'f', CLI_BOOL, &force, "Forcibly deletes the container if it is still running (uses SIGKILL)", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 1, 1) != CLI_OK) {
		free(a.pos);
		return 1;
	}
	struct hull_error err = { 0 };
	r = hull_delete(g, a.pos[0], force, &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
