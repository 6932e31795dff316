/* kill.c - the `hull kill` command: send a signal (default SIGTERM) to the container. */
#include "cli.h"

#include <signal.h>

int cmd_kill(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	bool all = false;
	const struct cli_opt opts[] = {
		{ "all", 'a', CLI_BOOL, &all, "send the specified signal to all processes inside the container", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 2, &a, &r))
		return r;
	int signo = a.n > 1 ? hull_signal_parse(a.pos[1]) : SIGTERM;
	if (signo < 0) {
		r = cli_failf("unknown signal \"%s\"", a.pos[1]);
		free(a.pos);
		return r;
	}
	struct hull_error err = { 0 };
	r = hull_kill(g, a.pos[0], signo, all, &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
