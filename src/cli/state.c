/* state.c - the `hull state` command: the OCI state JSON, exactly as runc prints it. */
#include "cli.h"

int cmd_state(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_error err = { 0 };
	char *json = NULL;
	r = hull_state_json(g, a.pos[0], &json, &err);
	free(a.pos);
	if (r < 0)
		return cli_fail(&err);
	fputs(json, stdout); /* no trailing newline, like runc */
	free(json);
	return fflush(stdout) == 0 ? 0 : 1;
}
