/* events.c - the `hull events` command: stats and OOM events of a container as JSON lines. */
#include "cli.h"


/* Go's time.ParseDuration ("5s", "1m30s", "250ms", "1.5h") in milliseconds; -1 if invalid. */
static long parse_duration_ms(const char *s)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 }, { "s", 1e3 }, { "m", 6e4 }, { "h", 3.6e6 } };
	double total = 0;
	if (strcmp(s, "0") == 0)
		return 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0)
			return -1;
		size_t best = 0, best_len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(end, units[i].unit, l) == 0 && l > best_len)
				best = i, best_len = l;
		}
		if (!best_len)
			return -1;
		total += v * units[best].ms;
		s = end + best_len;
	}
	long ms = (long)total;
	return (double)ms < total ? ms + 1 : ms; /* round up: 500us is 1 ms, not 0 */
}

static int print_line(const char *line, void *ud)
{
	(void)ud;
	/* A closed stdout (consumer gone) ends the stream. */
	if (printf("%s\n", line) < 0 || fflush(stdout) != 0)
		return -1;
	return 0;
}

int cmd_events(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const char *interval = "5s";
	bool stats = false;
	const struct cli_opt opts[] = {
		{ "interval", 0, CLI_STRING, &interval, "set the stats collection interval (default: 5s)", NULL, false },
		{ "stats", 0, CLI_BOOL, &stats, "display the container's stats then exit", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	long ms = parse_duration_ms(interval);
	if (ms < 0) {
		free(a.pos);
		return cli_failf("invalid value \"%s\" for flag -interval: parse error", interval);
	}
	if (ms == 0) {
		free(a.pos);
		return cli_failf("duration interval must be greater than 0");
	}
	struct hull_error err = { 0 };
	r = hull_events(g, a.pos[0], stats, ms, print_line, NULL, &err);
	free(a.pos);
	return r < 0 ? cli_fail(&err) : 0;
}
