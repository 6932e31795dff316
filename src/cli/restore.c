/* restore.c - the `hull restore` command: runc's flags are parsed and checked as runc
 * checks them before it needs the image, then it fails: restoring (CRIU) is not
 * implemented. */
#include "cli.h"
#include "criu_opts.h"

int cmd_restore(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	(void)g;
	const char *console_socket = "", *image_path = "", *work_path = "", *cg_mode = "", *bundle = "",
		   *pid_file = "", *lsm_profile = "", *lsm_mount_context = "";
	bool tcp = false, ext_unix = false, shell_job = false, locks = false, detach = false, no_subreaper = false,
	     no_pivot = false, dedup = false, lazy = false;
	struct cli_list empty_ns = { 0 };
	const struct cli_opt opts[] = {
		{ "console-socket", 0, CLI_STRING, &console_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", NULL, false },
		{ "image-path", 0, CLI_STRING, &image_path, "path to criu image files for restoring", NULL, false },
		{ "work-path", 0, CLI_STRING, &work_path, "path for saving work files and logs", NULL, false },
		{ "tcp-established", 0, CLI_BOOL, &tcp, "allow open tcp connections", NULL, false },
		{ "ext-unix-sk", 0, CLI_BOOL, &ext_unix, "allow external unix sockets", NULL, false },
		{ "shell-job", 0, CLI_BOOL, &shell_job, "allow shell jobs", NULL, false },
		{ "file-locks", 0, CLI_BOOL, &locks, "handle file locks, for safety", NULL, false },
		{ "manage-cgroups-mode", 0, CLI_STRING, &cg_mode, "cgroups mode: 'soft' (default), 'full' and 'strict'", NULL, false },
		{ "bundle", 'b', CLI_STRING, &bundle, "path to the root of the bundle directory", NULL, false },
		{ "detach", 'd', CLI_BOOL, &detach, "detach from the container's process", NULL, false },
		{ "pid-file", 0, CLI_STRING, &pid_file, "specify the file to write the process id to", NULL, false },
		{ "no-subreaper", 0, CLI_BOOL, &no_subreaper, "disable the use of the subreaper used to reap reparented processes", NULL, false },
		{ "no-pivot", 0, CLI_BOOL, &no_pivot, "do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk", NULL, false },
		{ "empty-ns", 0, CLI_LIST, &empty_ns, "create a namespace, but don't restore its properties", NULL, false },
		{ "auto-dedup", 0, CLI_BOOL, &dedup, "enable auto deduplication of memory images", NULL, false },
		{ "lazy-pages", 0, CLI_BOOL, &lazy, "use userfaultfd to lazily restore memory pages", NULL, false },
		{ "lsm-profile", 0, CLI_STRING, &lsm_profile, "Specify an LSM profile to be used during restore in the form of TYPE:NAME.", NULL, false },
		{ "lsm-mount-context", 0, CLI_STRING, &lsm_mount_context, "Specify an LSM mount context to be used during restore.", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r)) {
		free(empty_ns.items);
		return r;
	}
	/* runc checks --empty-ns first; the rest needs the checkpoint image. */
	if (cli_check_criu_empty_ns(&empty_ns) || cli_check_criu_cgroups_mode(cg_mode))
		r = 1;
	else
		r = cli_failf("restore: not implemented yet");
	free(empty_ns.items);
	free(a.pos);
	return r;
}
