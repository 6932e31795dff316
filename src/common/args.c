/* args.c - runc-compatible option parsing (Go flag package conventions) and help text. */
#define _GNU_SOURCE
#include "args.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len)
{
	for (const struct cli_opt *o = opts; o && o->name; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
		if (len == 1 && o->short_name && o->short_name == name[0])
			return o;
	}
	return NULL;
}

static int set_value(const struct cli_opt *o, const char *flag, const char *val)
{
	char *end;
	errno = 0;
	switch (o->kind) {
	case CLI_BOOL:
		if (cli_parse_bool(val, (bool *)o->dest) < 0)
			return cli_failf("invalid boolean value \"%s\" for flag -%s", val, flag), -1;
		break;
	case CLI_STRING:
		*(const char **)o->dest = val;
		break;
	case CLI_INT: {
		long v = strtol(val, &end, 0);
		if (errno || *end || end == val || v < INT_MIN || v > INT_MAX)
			return cli_failf("invalid value \"%s\" for flag -%s: parse error", val, flag), -1;
		*(int *)o->dest = (int)v;
		break;
	}
	case CLI_UINT64: {
		if (val[0] == '-')
			return cli_failf("invalid value \"%s\" for flag -%s: parse error", val, flag), -1;
		uint64_t v = strtoull(val, &end, 0);
		if (errno || *end || end == val)
			return cli_failf("invalid value \"%s\" for flag -%s: parse error", val, flag), -1;
		*(uint64_t *)o->dest = v;
		break;
	}
	case CLI_LIST: {
		struct cli_list *l = o->dest;
		l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
		l->items[l->n++] = val;
		break;
	}
	}
	if (o->seen)
		*o->seen = true;
	return 0;
}

/* One option at argv[*i]; advances *i past a separate value. */
static int parse_one(const struct cli_command *cmd, const struct cli_opt *opts, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *name = arg + 1 + (arg[1] == '-');
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if ((len == 1 && name[0] == 'h') || (len == 4 && strncmp(name, "help", 4) == 0)) {
		cli_print_help(cmd, opts);
		return CLI_HELP;
	}
	const struct cli_opt *o = find_opt(opts, name, len);
	if (!o)
		return cli_failf("flag provided but not defined: -%.*s", (int)len, name), CLI_ERROR;
	_cleanup_free_ char *flag = xstrndup(name, len);
	if (eq)
		return set_value(o, flag, eq + 1);
	if (o->kind == CLI_BOOL)
		return set_value(o, flag, "true");
	if (*i + 1 >= argc)
		return cli_failf("flag needs an argument: -%s", flag), CLI_ERROR;
	(*i)++;
	return set_value(o, flag, argv[*i]);
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts, int stop_after,
	      struct cli_args *out)
{
	out->pos = xcalloc((size_t)argc + 1, sizeof(char *));
	out->n = 0;
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_pos && stop_after > 0 && out->n >= stop_after)
			only_pos = true;
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			out->pos[out->n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		int r = parse_one(cmd, opts, argc, argv, &i);
		if (r != CLI_OK) {
			free(out->pos);
			out->pos = NULL;
			return r;
		}
	}
	return CLI_OK;
}

static void print_opt_line(FILE *f, const struct cli_opt *o)
{
	char names[96];
	if (o->short_name)
		snprintf(names, sizeof(names), "--%s value, -%c value", o->name, o->short_name);
	else
		snprintf(names, sizeof(names), "--%s value", o->name);
	if (o->kind == CLI_BOOL) {
		if (o->short_name)
			snprintf(names, sizeof(names), "--%s, -%c", o->name, o->short_name);
		else
			snprintf(names, sizeof(names), "--%s", o->name);
	}
	fprintf(f, "   %-32s %s\n", names, o->help ? o->help : "");
}

void cli_print_help(const struct cli_command *cmd, const struct cli_opt *opts)
{
	FILE *f = stdout;
	const char *prog = cmd->program ? cmd->program : "hull";
	fprintf(f, "NAME:\n   %s %s - %s\n\nUSAGE:\n   %s %s %s\n", prog, cmd->name, cmd->summary, prog, cmd->name,
		cmd->args_usage ? cmd->args_usage : "");
	if (cmd->description)
		fprintf(f, "\nDESCRIPTION:\n%s\n", cmd->description);
	if (cmd->subcommands) {
		fprintf(f, "\nCOMMANDS:\n");
		for (const struct cli_command *const *c = cmd->subcommands; *c; c++)
			fprintf(f, "   %-8s %-28s %s\n", (*c)->name, (*c)->args_usage ? (*c)->args_usage : "", (*c)->summary);
	}
	bool any = false;
	for (const struct cli_opt *o = opts; o && o->name; o++) {
		if (o->hidden)
			continue;
		if (!any)
			fprintf(f, "\nOPTIONS:\n");
		any = true;
		print_opt_line(f, o);
	}
	fprintf(f, "   %-32s %s\n", "--help, -h", "show help");
	fflush(f);
}

int cli_check_args(const struct cli_command *cmd, const struct cli_opt *opts, const struct cli_args *a, int min,
		   int max)
{
	const char *what = NULL;
	int want = 0;
	if (min == max && a->n != min) {
		what = "exactly";
		want = min;
	} else if (a->n < min) {
		what = "a minimum of";
		want = min;
	} else if (max >= 0 && a->n > max) {
		what = "a maximum of";
		want = max;
	}
	if (!what)
		return CLI_OK;
	printf("Incorrect Usage.\n\n");
	cli_print_help(cmd, opts);
	/* runc's wording (utils.go: checkArgs), argv[0] being "hull". */
	return cli_failf("hull: \"%s\" requires %s %d argument(s)", cmd->name, what, want), CLI_ERROR;
}

bool cli_parse_n(const struct cli_command *cmd, int argc, char **argv, const struct cli_opt *opts,
		 int stop_after, int min, int max, struct cli_args *out, int *status)
{
	int r = cli_parse(cmd, argc, argv, opts, stop_after, out);
	if (r != CLI_OK) {
		*status = r == CLI_HELP ? 0 : 1;
		return false;
	}
	if (cli_check_args(cmd, opts, out, min, max) != CLI_OK) {
		free(out->pos);
		out->pos = NULL;
		*status = 1;
		return false;
	}
	return true;
}

int cli_fail(struct hull_error *err)
{
	hull_log_fatal(err->msg ? err->msg : "unknown error");
	hull_error_clear(err);
	return 1;
}

int cli_failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	hull_log_fatal(msg);
	return 1;
}

char *cli_abspath(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}
