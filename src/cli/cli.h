/* cli.h - the hull program: its command table and the helpers its commands share
 * (the argv parser itself is common/args.h, shared with hull-image). */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include "common/args.h"
#include "libhull/hull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdbool.h>
#include <stdint.h>

/* One entry of the command table: the help text and the entry point. */
struct cli_entry {
	struct cli_command cmd;
	int (*run)(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g);
};

/* The whole of a command that takes one container ID and no option (start, pause, resume). */
int cli_id_command(const struct cli_command *cmd, int argc, char **argv, const struct hull_global_opts *g,
		   int (*op)(const struct hull_global_opts *g, const char *id, struct hull_error *err));
/* The whole of a command that is accepted (daemons probe for it) but not implemented. */
int cli_not_implemented(const struct cli_command *cmd, int argc, char **argv);
/* Re-execute from a sealed copy of hull (CVE-2019-5736) before a process enters a container. */
void cli_reexec_sealed(const char *command);

/* Every command's entry point; each lives in its own file. */
#define CLI_COMMANDS(X)                                                                                    \
	X(checkpoint) X(create) X(delete) X(events) X(exec) X(features) X(kill) X(list) X(pause) X(ps)        \
	X(restore) X(resume) X(run) X(spec) X(start) X(state) X(update)
#define CLI_DECLARE(name) int cmd_##name(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g);
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

#endif
