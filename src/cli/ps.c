/* ps.c - the `hull ps` command: the container's processes, as host `ps` rows or a JSON pid list. */
#include "cli.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

/* Run `ps ARGS...` and return its combined stdout+stderr (runc uses CombinedOutput). */
static int run_ps(char **args, int nargs, char **out, int *status)
{
	const char **argv = xcalloc((size_t)nargs + 3, sizeof(char *));
	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(argv);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	pid_t pid;
	int r = posix_spawnp(&pid, "ps", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		errno = r;
		return -1;
	}
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	ssize_t n;
	while ((n = read(p[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	close(p[0]);
	waitpid(pid, status, 0);
	*out = buf;
	return 0;
}

/* Index of the PID column in ps's header line, -1 if none. */
static int pid_column(const char *header)
{
	_cleanup_free_ char *h = xstrdup(header);
	char *save = NULL;
	int i = 0;
	for (char *f = strtok_r(h, " \t", &save); f; f = strtok_r(NULL, " \t", &save), i++)
		if (strcmp(f, "PID") == 0)
			return i;
	return -1;
}

static bool row_matches(const char *line, int col, const pid_t *pids, size_t n)
{
	_cleanup_free_ char *l = xstrdup(line);
	char *save = NULL, *f = strtok_r(l, " \t", &save);
	for (int i = 0; f && i < col; i++)
		f = strtok_r(NULL, " \t", &save);
	if (!f)
		return false;
	long p = strtol(f, NULL, 10);
	for (size_t i = 0; i < n; i++)
		if (pids[i] == p)
			return true;
	return false;
}

static int print_table(char **args, int nargs, const pid_t *pids, size_t n)
{
	_cleanup_free_ char *out = NULL;
	int st = 0;
	if (run_ps(args, nargs, &out, &st) < 0)
		return cli_failf("exec: \"ps\": %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cli_failf("exit status %d: %s", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out);
	char *save = NULL;
	char *header = strtok_r(out, "\n", &save);
	int col = header ? pid_column(header) : -1;
	if (col < 0)
		return cli_failf("couldn't find PID field in ps output");
	printf("%s\n", header);
	for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (row_matches(l, col, pids, n))
			printf("%s\n", l);
	return 0;
}

int cmd_ps(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const char *format = "table";
	const struct cli_opt opts[] = {
		{ "format", 'f', CLI_STRING, &format, "select one of: table or json (default: \"table\")", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	/* everything after the id belongs to ps (runc: SkipArgReorder) */
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 1, 1, -1, &a, &r))
		return r;
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		free(a.pos);
		return cli_failf("invalid format option");
	}
	struct hull_error err = { 0 };
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (hull_ps_pids(g, a.pos[0], &pids, &n, &err) < 0) {
		free(a.pos);
		return cli_fail(&err);
	}
	if (strcmp(format, "json") == 0) {
		/* runc encodes a Go []int: no pids is a nil slice, "null" */
		if (n == 0)
			printf("null");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "[", (int)pids[i]);
		printf("%s\n", n ? "]" : "");
		free(a.pos);
		return 0;
	}
	r = print_table(a.pos + 1, a.n - 1, pids, n);
	free(a.pos);
	return r;
}
