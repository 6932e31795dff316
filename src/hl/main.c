/* main.c - hull-image: global options and the command table (also run as `hull image ...`). */
#include "hl.h"
#include "common/util.h"

#define HL_PROG "hull image"

static const struct {
	struct cli_command cmd;
	int (*run)(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g);
} commands[] = {
	{ { "pull", "[options] REF", "pull an image from a registry into the store", NULL, HL_PROG, NULL }, hl_cmd_pull },
	{ { "ls", "[--format table|json]", "list images in the store", NULL, HL_PROG, NULL }, hl_cmd_ls },
	{ { "rm", "REF...", "remove image references", NULL, HL_PROG, NULL }, hl_cmd_rm },
	{ { "inspect", "REF", "print an image's manifest and config", NULL, HL_PROG, NULL }, hl_cmd_inspect },
	{ { "import", "PATH [NAME]", "import an OCI layout, oci-archive or docker-archive", NULL, HL_PROG, NULL },
	  hl_cmd_import },
	{ { "unpack", "[--overlay] REF DIR", "write an OCI bundle for an image", NULL, HL_PROG, NULL }, hl_cmd_unpack },
	{ { "run", "[options] REF [CMD...]", "run a container from an image", NULL, HL_PROG, NULL }, hl_cmd_run },
	{ { "prune", "", "remove blobs no image references", NULL, HL_PROG, NULL }, hl_cmd_prune },
};

int main(int argc, char **argv)
{
	struct hl_globals g = { 0 };
	const struct cli_opt opts[] = {
		{ "store", 0, CLI_STRING, &g.store, "content store directory", NULL, false },
		{ "root", 0, CLI_STRING, &g.root, "runtime state root", NULL, false },
		{ "debug", 0, CLI_BOOL, &g.debug, "debug logging", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	const struct cli_command *subs[ARRAY_SIZE(commands) + 1];
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		subs[i] = &commands[i].cmd;
	subs[ARRAY_SIZE(commands)] = NULL;
	const struct cli_command top = { "image", "[global options] COMMAND [command options] [ARGS...]",
					 "pull, unpack and run OCI images", NULL, "hull", subs };
	/* Global options stop at the first positional: the command name. */
	struct cli_args a;
	int r = cli_parse(&top, argc, argv, opts, 1, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (a.n == 0) {
		free(a.pos);
		cli_print_help(&top, opts);
		return 0;
	}
	struct hull_error err = { 0 };
	hull_log_open(NULL, HULL_LOG_TEXT, g.debug, &err);
	int cmd_index = 0;
	for (int i = 1; i < argc; i++)
		if (argv[i] == a.pos[0]) {
			cmd_index = i;
			break;
		}
	free(a.pos);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].cmd.name, argv[cmd_index]) == 0)
			return commands[i].run(&commands[i].cmd, argc - cmd_index, argv + cmd_index, &g);
	return cli_failf("image: unknown command \"%s\" (try hull image --help)", argv[cmd_index]);
}
