/* spec.c - the `hull spec` command: write a default config.json into a bundle. */
#define _GNU_SOURCE
#include "cli.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>

int cmd_spec(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	const char *bundle = NULL;
	bool rootless = false;
	const struct cli_opt opts[] = {
		{ "bundle", 'b', CLI_STRING, &bundle, "path to the root of the bundle directory", NULL, false },
		{ "rootless", 0, CLI_BOOL, &rootless, "generate a configuration for a rootless container", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 0, 0, &a, &r))
		return r;
	free(a.pos);
	_cleanup_free_ char *path = bundle && *bundle ? xasprintf("%s/config.json", bundle) : xstrdup("config.json");
	_cleanup_free_ char *json = hull_spec_default_json(rootless);
	/* O_EXCL: never clobber a config someone wrote, even one that appears meanwhile. */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST)
		return cli_failf("File config.json exists. Remove it first");
	if (fd < 0)
		return cli_failf("open %s: %s", path, strerror(errno));
	int w = hull_write_all(fd, json, strlen(json));
	if (w < 0)
		return cli_failf("write %s: %s", path, strerror(-w));
	return 0;
}
