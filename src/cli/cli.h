/* cli.h - the hull program's argv conventions (runc's) and the command table. */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include "libhull/hull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdbool.h>
#include <stdint.h>

enum cli_opt_kind {
	CLI_BOOL,   /* bool *: --x, --x=true, --x=false */
	CLI_STRING, /* const char **: last one wins */
	CLI_INT,    /* int * */
	CLI_UINT64, /* uint64_t * */
	CLI_LIST,   /* struct cli_list *: repeatable, no comma splitting */
};

struct cli_list {
	const char **items;
	size_t n;
};

struct cli_opt {
	const char *name;  /* long name, no dashes */
	char short_name;   /* 0 if none */
	enum cli_opt_kind kind;
	void *dest;
	const char *help;
	bool *seen;        /* optional: set when the flag was given */
	bool hidden;       /* accepted but not listed in --help */
};

struct cli_command {
	const char *name;
	int (*run)(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g);
	const char *args_usage; /* e.g. "[command options] <container-id>" */
	const char *summary;
	const char *description;
};

/* Positional arguments: at most CLI_MAX_POS... no, any number; pos[] is argv-owned. */
struct cli_args {
	char **pos;
	int n;
};

enum {
	CLI_OK = 0,
	CLI_HELP = 1,  /* -h/--help was given; help printed; exit 0 */
	CLI_ERROR = -1 /* message already reported; exit 1 */
};

/* Parse argv (argv[0] is the command name). runc semantics: `--f v`, `--f=v`, `-f v`,
 * single-dash long names, `--` ends options. Flags after positionals are still flags
 * unless `stop_after` > 0: once that many positionals were seen, everything else is
 * positional (exec, ps). `out->pos` must be freed with free(). */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts,
	      int stop_after, struct cli_args *out);
/* Argument count checks in runc's words; on mismatch print "Incorrect Usage." and the
 * command's help on stdout, log the error, return CLI_ERROR. */
int cli_check_args(const struct cli_command *cmd, const struct cli_opt *opts, const struct cli_args *a,
		   int min, int max);
/* cli_parse then cli_check_args, the prologue of every command: true with `out->pos` to
 * free, or false with nothing to free and `*status` the exit status (0 after --help). */
bool cli_parse_n(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts,
		 int stop_after, int min, int max, struct cli_args *out, int *status);
/* The whole of a command that takes one container ID and no option (start, pause, resume). */
int cli_id_command(const struct cli_command *cmd, int argc, char **argv, const struct hull_global_opts *g,
		   int (*op)(const struct hull_global_opts *g, const char *id, struct hull_error *err));
/* The whole of a command that is accepted (daemons probe for it) but not implemented. */
int cli_not_implemented(const struct cli_command *cmd, int argc, char **argv);
void cli_print_help(const struct cli_command *cmd, const struct cli_opt *opts);
/* Report a failed command: log (and stderr when logging to a file). Returns 1. */
int cli_fail(struct hull_error *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Re-execute from a sealed copy of hull (CVE-2019-5736) before a process enters a container. */
void cli_reexec_sealed(const char *command);
/* Parse a bool value as Go's strconv.ParseBool. */
int cli_parse_bool(const char *s, bool *out);
/* Make a path absolute against the current directory (caller frees). */
char *cli_abspath(const char *path);

/* Every command's entry point; each lives in its own file. */
#define CLI_COMMANDS(X)                                                                                    \
	X(checkpoint) X(create) X(delete) X(events) X(exec) X(features) X(kill) X(list) X(pause) X(ps)        \
	X(restore) X(resume) X(run) X(spec) X(start) X(state) X(update)
#define CLI_DECLARE(name) int cmd_##name(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g);
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

#endif
