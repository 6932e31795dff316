/* checkpoint.c - the `hull checkpoint` command: runc's flags are parsed and checked as
 * runc checks them, then it fails: checkpointing (CRIU) is not implemented. */
#define _GNU_SOURCE
#include "cli.h"
#include "criu_opts.h"
#include "common/util.h"

#include <errno.h>
#include <sys/stat.h>

/* runc's --parent-path rules: relative, and naming a directory below the image path. */
static int check_parent_path(const char *image_path, const char *parent_path)
{
	if (parent_path[0] == '/')
		return cli_failf("--parent-path must be relative");
	_cleanup_free_ char *cwd = get_current_dir_name();
	_cleanup_free_ char *images = image_path[0] ? xstrdup(image_path) : xasprintf("%s/checkpoint", cwd ? cwd : ".");
	_cleanup_free_ char *joined = xasprintf("%s/%s", images, parent_path);
	_cleanup_free_ char *real = hull_path_clean(joined); /* runc's message shows it so */
	struct stat st;
	if (stat(real, &st) < 0)
		return cli_failf("invalid --parent-path: stat %s: %s", real, cli_errno_text(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_failf("invalid --parent-path:  %s: %s", real, cli_errno_text(ENOTDIR));
	return 0;
}

/* runc's net.SplitHostPort and port check for --page-server ADDRESS:PORT. */
static int check_page_server(const char *s)
{
	const char *colon = strrchr(s, ':');
	bool bracketed = s[0] == '[';
	bool ok = colon && colon != s && colon[1];
	if (ok && bracketed)
		ok = colon[-1] == ']' && colon - s > 2;
	else if (ok)
		ok = memchr(s, ':', (size_t)(colon - s)) == NULL && !strchr(s, '[') && !strchr(s, ']');
	if (!ok)
		return cli_failf("Use --page-server ADDRESS:PORT to specify page server");
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (*end || errno || port < INT32_MIN || port > INT32_MAX)
		return cli_failf("Invalid port number");
	return 0;
}

int cmd_checkpoint(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	const char *image_path = "", *work_path = "", *parent_path = "", *page_server = "", *cg_mode = "";
	bool leave_running = false, tcp = false, ext_unix = false, shell_job = false, lazy = false, locks = false,
	     pre_dump = false, dedup = false;
	int status_fd = -1;
	struct cli_list empty_ns = { 0 };
	const struct cli_opt opts[] = {
		{ "image-path", 0, CLI_STRING, &image_path, "path for saving criu image files", NULL, false },
		{ "work-path", 0, CLI_STRING, &work_path, "path for saving work files and logs", NULL, false },
		{ "parent-path", 0, CLI_STRING, &parent_path, "path for previous criu image files in pre-dump", NULL, false },
		{ "leave-running", 0, CLI_BOOL, &leave_running, "leave the process running after checkpointing", NULL, false },
		{ "tcp-established", 0, CLI_BOOL, &tcp, "allow open tcp connections", NULL, false },
		{ "ext-unix-sk", 0, CLI_BOOL, &ext_unix, "allow external unix sockets", NULL, false },
		{ "shell-job", 0, CLI_BOOL, &shell_job, "allow shell jobs", NULL, false },
		{ "lazy-pages", 0, CLI_BOOL, &lazy, "use userfaultfd to lazily restore memory pages", NULL, false },
		{ "status-fd", 0, CLI_INT, &status_fd, "criu writes \\0 to this FD once lazy-pages is ready (default: -1)", NULL, false },
		{ "page-server", 0, CLI_STRING, &page_server, "ADDRESS:PORT of the page server", NULL, false },
		{ "file-locks", 0, CLI_BOOL, &locks, "handle file locks, for safety", NULL, false },
		{ "pre-dump", 0, CLI_BOOL, &pre_dump, "dump container's memory information only, leave the container running after this", NULL, false },
		{ "manage-cgroups-mode", 0, CLI_STRING, &cg_mode, "cgroups mode: 'soft' (default), 'full' and 'strict'", NULL, false },
		{ "empty-ns", 0, CLI_LIST, &empty_ns, "create a namespace, but don't restore its properties", NULL, false },
		{ "auto-dedup", 0, CLI_BOOL, &dedup, "enable auto deduplication of memory images", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r)) {
		free(empty_ns.items);
		return r;
	}
	/* runc's order: the container and its status, then the options one by one. */
	struct hull_error err = { 0 };
	const char *status = NULL;
	if (hull_status(g, a.pos[0], &status, &err) < 0)
		r = cli_fail(&err);
	else if (strcmp(status, "created") == 0 || strcmp(status, "stopped") == 0)
		r = cli_failf("Container cannot be checkpointed in %s state", status);
	else if (parent_path[0] && check_parent_path(image_path, parent_path))
		r = 1;
	else if (page_server[0] && check_page_server(page_server))
		r = 1;
	else if (cli_check_criu_cgroups_mode(cg_mode) || cli_check_criu_empty_ns(&empty_ns))
		r = 1;
	else
		r = cli_failf("checkpoint: not implemented yet");
	free(empty_ns.items);
	free(a.pos);
	return r;
}
