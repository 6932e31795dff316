/* args.h - the argv parser both programs use (hull and hull-image): runc's (urfave/cli's)
 * conventions for flags, positionals, help text and usage errors. */
#ifndef HULL_COMMON_ARGS_H
#define HULL_COMMON_ARGS_H

#include "libhull/hull.h"

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

/* What --help and usage errors say about a command. */
struct cli_command {
	const char *name;
	const char *args_usage; /* e.g. "[command options] <container-id>" */
	const char *summary;
	const char *description;
	const char *program;    /* "hull image" for hull-image's commands; NULL: "hull" */
	/* NULL-terminated: listed under COMMANDS in --help (a command of commands). */
	const struct cli_command *const *subcommands;
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
void cli_print_help(const struct cli_command *cmd, const struct cli_opt *opts);
/* Report a failed command: log (and stderr when logging to a file). Returns 1. */
int cli_fail(struct hull_error *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a bool value as Go's strconv.ParseBool. */
int cli_parse_bool(const char *s, bool *out);
/* Make a path absolute against the current directory (caller frees). */
char *cli_abspath(const char *path);

#endif
