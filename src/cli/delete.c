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
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	r = hull_delete(g, a.pos[0], force, &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
