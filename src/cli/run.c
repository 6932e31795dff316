/* run.c - the `hull run` command: create + start, foreground by default. */
#include "lifecycle.h"

int cmd_run(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	cli_reexec_sealed("run");
	struct cli_create_flags f = { 0 };
	const struct cli_opt opts[] = {
		CLI_CREATE_OPTS(f),
		{ "detach", 'd', CLI_BOOL, &f.detach, "detach from the container's process", NULL, false },
		{ "keep", 0, CLI_BOOL, &f.keep, "do not delete the container after it exits", NULL, false },
		{ "no-subreaper", 0, CLI_BOOL, &f.no_subreaper, "disable the use of the subreaper used to reap reparented processes", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_create_opts o;
	r = cli_create_opts(&f, &o);
	if (r == 0) {
		struct hull_error err = { 0 };
		int status = 0;
		r = hull_run(g, a.pos[0], &o, &status, &err) < 0 ? cli_fail(&err) : status;
	}
	cli_create_flags_clear(&f);
	free(a.pos);
	return r;
}
