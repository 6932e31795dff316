/* main.c - hull-image: global options and the command table (also run as `hull image ...`). */
#include "hl.h"
#include "common/util.h"


static const struct {
	const char *name;
	int (*run)(const struct cli_command *cmd, int argc, char **argv, struct hl_globals *g);
	const char *usage, *summary;
} commands[] = {
	{ "pull", hl_cmd_pull, "[options] REF", "pull an image from a registry into the store" },
	{ "ls", hl_cmd_ls, "[--format table|json]", "list images in the store" },
	{ "rm", hl_cmd_rm, "REF...", "remove image references" },
	{ "inspect", hl_cmd_inspect, "REF", "print an image's manifest and config" },
	{ "import", hl_cmd_import, "PATH [NAME]", "import an OCI layout, oci-archive or docker-archive" },
	{ "unpack", hl_cmd_unpack, "[--overlay] REF DIR", "write an OCI bundle for an image" },
	{ "run", hl_cmd_run, "[options] REF [CMD...]", "run a container from an image" },
	{ "prune", hl_cmd_prune, "", "remove blobs no image references" },
};

static void usage(void)
{
	printf("USAGE:\n   hull image [--store DIR] [--root DIR] [--debug] COMMAND [ARGS...]\n\nCOMMANDS:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("   %-8s %-28s %s\n", commands[i].name, commands[i].usage, commands[i].summary);
}

int main(int argc, char **argv)
{
	struct hl_globals g = { 0 };
	const struct cli_opt opts[] = {
		{ "store", 0, CLI_STRING, &g.store, "content store directory", NULL, false },
		{ "root", 0, CLI_STRING, &g.root, "runtime state root", NULL, false },
		{ "debug", 0, CLI_BOOL, &g.debug, "debug logging", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	static const struct cli_command top = { "image", NULL, "COMMAND", "hull's image layer", NULL };
	/* Global options stop at the first positional: the command name. */
	struct cli_args a;
	int r = cli_parse(&top, argc, argv, opts, 1, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (a.n == 0) {
		free(a.pos);
		usage();
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
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, argv[cmd_index]) == 0) {
			struct cli_command c = { commands[i].name, NULL, commands[i].usage, commands[i].summary, NULL };
			return commands[i].run(&c, argc - cmd_index, argv + cmd_index, &g);
		}
	}
	return cli_failf("image: unknown command \"%s\" (try hull image --help)", argv[cmd_index]);
}
