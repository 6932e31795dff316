/* list.c - the `hull list` command: containers under --root as a table, JSON or ids. */
#include "cli.h"

#include <errno.h>
#include <sys/stat.h>

/* runc's text/tabwriter layout (minwidth 12, padding 3): each column is as wide as its
 * widest cell + 3, at least 12; the last column is not padded. */
static int col_width(size_t widest)
{
	return (int)(widest + 3 > 12 ? widest + 3 : 12);
}

static void print_table(const struct hull_list_entry *e, size_t n)
{
	size_t w[5] = { 2, 3, 6, 6, 7 }; /* the header cells */
	char pid[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)e[i].pid);
		size_t l[5] = { strlen(e[i].id), strlen(pid), strlen(e[i].status), strlen(e[i].bundle), strlen(e[i].created) };
		for (int k = 0; k < 5; k++)
			if (l[k] > w[k])
				w[k] = l[k];
	}
	printf("%-*s%-*s%-*s%-*s%-*s%s\n", col_width(w[0]), "ID", col_width(w[1]), "PID", col_width(w[2]), "STATUS",
	       col_width(w[3]), "BUNDLE", col_width(w[4]), "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)e[i].pid);
		printf("%-*s%-*s%-*s%-*s%-*s%s\n", col_width(w[0]), e[i].id, col_width(w[1]), pid, col_width(w[2]),
		       e[i].status, col_width(w[3]), e[i].bundle, col_width(w[4]), e[i].created, e[i].owner);
	}
}

int cmd_list(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const char *format = "table";
	bool quiet = false;
	const struct cli_opt opts[] = {
		{ "format", 'f', CLI_STRING, &format, "select one of: table or json (default: \"table\")", NULL, false },
		{ "quiet", 'q', CLI_BOOL, &quiet, "display only container IDs", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 0, 0, &a, &r))
		return r;
	free(a.pos);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_failf("invalid format option");
	struct hull_error err = { 0 };
	struct hull_list_entry *e = NULL;
	size_t n = 0;
	if (hull_list(g, &e, &n, &err) < 0)
		return cli_fail(&err);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", e[i].id);
	} else if (strcmp(format, "json") == 0) {
		if (n == 0) /* runc encodes a nil slice */
			fputs("null", stdout);
		else
			putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%s", i ? "," : "", e[i].state_json);
		printf(n ? "]\n" : "\n");
	} else {
		print_table(e, n);
	}
	hull_list_free(e, n);
	return fflush(stdout) == 0 ? 0 : 1;
}
