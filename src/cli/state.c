/* state.c - the `hull state` command: the OCI state JSON, exactly as runc prints it. */
#include "cli.h"

int cmd_state(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const struct cli_opt opts[] = { { 0 } };
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 0, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 1, 1) != CLI_OK) {
		free(a.pos);
		return 1;
	}
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
