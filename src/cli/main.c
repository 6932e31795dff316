/* main.c - hull's global flags, the command table and dispatch (runc's command line). */
#define _GNU_SOURCE
#include "cli.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <seccomp.h>

#ifndef HULL_VERSION
#define HULL_VERSION "0.0.0"
#endif
#ifndef HULL_COMMIT
#define HULL_COMMIT "unknown"
#endif

static const struct cli_entry commands[] = {
	{ { "checkpoint", "[command options] <container-id>", "checkpoint a running container", NULL, NULL, NULL }, cmd_checkpoint },
	{ { "create", "[command options] <container-id>", "create a container", NULL, NULL, NULL }, cmd_create },
	{ { "delete", "[command options] <container-id>", "delete any resources held by the container", NULL, NULL, NULL }, cmd_delete },
	{ { "events", "[command options] <container-id>", "display container events such as OOM notifications, cpu, memory, and IO usage statistics", NULL, NULL, NULL }, cmd_events },
	{ { "exec", "[command options] <container-id> <command> [command options]", "execute new process inside the container", NULL, NULL, NULL }, cmd_exec },
	{ { "features", "", "show the enabled features", NULL, NULL, NULL }, cmd_features },
	{ { "kill", "[command options] <container-id> [signal]", "kill sends the specified signal (default: SIGTERM) to the container's init process", NULL, NULL, NULL }, cmd_kill },
	{ { "list", "[command options]", "lists containers started by hull with the given root", NULL, NULL, NULL }, cmd_list },
	{ { "pause", "<container-id>", "pause suspends all processes inside the container", NULL, NULL, NULL }, cmd_pause },
	{ { "ps", "[command options] <container-id> [ps options]", "ps displays the processes running inside a container", NULL, NULL, NULL }, cmd_ps },
	{ { "restore", "[command options] <container-id>", "restore a container from a previous checkpoint", NULL, NULL, NULL }, cmd_restore },
	{ { "resume", "<container-id>", "resumes all processes that have been previously paused", NULL, NULL, NULL }, cmd_resume },
	{ { "run", "[command options] <container-id>", "create and run a container", NULL, NULL, NULL }, cmd_run },
	{ { "spec", "[command options]", "create a new specification file", NULL, NULL, NULL }, cmd_spec },
	{ { "start", "<container-id>", "executes the user defined process in a created container", NULL, NULL, NULL }, cmd_start },
	{ { "state", "<container-id>", "output the state of a container", NULL, NULL, NULL }, cmd_state },
	{ { "update", "[command options] <container-id>", "update container resource constraints", NULL, NULL, NULL }, cmd_update },
};

static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("hull version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", HULL_VERSION, HULL_COMMIT,
	       HULL_OCI_VERSION, v->major, v->minor, v->micro);
}

static void print_main_help(void)
{
	printf("NAME:\n   hull - an OCI container runtime (a drop-in for runc)\n\n"
	       "USAGE:\n   hull [global options] command [command options] [arguments...]\n\n"
	       "VERSION:\n   %s\n\nCOMMANDS:\n",
	       HULL_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("   %-12s %s\n", commands[i].cmd.name, commands[i].cmd.summary);
	printf("   %-12s %s\n", "image", "pull, unpack and run OCI images (hull-image)");
	printf("   %-12s %s\n", "help, h", "shows a list of commands or help for one command");
	printf("\nGLOBAL OPTIONS:\n"
	       "   --debug                          enable debug logging\n"
	       "   --log value                      set the log file to write hull logs to (default is stderr)\n"
	       "   --log-format value               set the log format ('text' (default), or 'json') (default: \"text\")\n"
	       "   --root value                     root directory for storage of container state (default: \"/run/hull\")\n"
	       "   --systemd-cgroup                 enable systemd cgroup support\n"
	       "   --cgroup-manager value           cgroup manager: cgroupfs (default), systemd or disabled\n"
	       "   --rootless value                 ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")\n"
	       "   --criu value                     accepted for compatibility, ignored\n"
	       "   --help, -h                       show help\n"
	       "   --version, -v                    print the version\n");
}

static const struct cli_entry *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].cmd.name, name) == 0)
			return &commands[i];
	return NULL;
}

/* `hull image ...` runs hull-image from hull's own directory, else from PATH (as git finds helpers). */
static int exec_image_helper(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			_cleanup_free_ char *path = xasprintf("%.*s/hull-image", (int)(slash - self), self);
			argv[0] = path;
			execv(path, argv);
		}
	}
	argv[0] = (char *)"hull-image";
	execvp("hull-image", argv);
	(void)argc;
	return cli_failf("image: cannot run hull-image: %s", strerror(errno));
}

struct global_flags {
	const char *root, *log, *log_format, *rootless, *criu, *cgroup_manager;
	bool debug, systemd_cgroup, version;
};

static int apply_globals(const struct global_flags *f, struct hull_global_opts *g, char **root_owned)
{
	struct hull_error err = { 0 };
	enum hull_log_format fmt = HULL_LOG_TEXT;
	if (f->log_format && strcmp(f->log_format, "json") == 0)
		fmt = HULL_LOG_JSON;
	else if (f->log_format && strcmp(f->log_format, "text") != 0)
		return cli_failf("invalid log-format: %s", f->log_format);
	if (hull_log_open(f->log, fmt, f->debug, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		hull_error_clear(&err);
		return 1;
	}
	g->debug = f->debug;
	g->cgroup_manager = f->systemd_cgroup ? HULL_CGROUP_MANAGER_SYSTEMD : HULL_CGROUP_MANAGER_CGROUPFS;
	if (f->cgroup_manager) {
		if (strcmp(f->cgroup_manager, "cgroupfs") == 0)
			g->cgroup_manager = HULL_CGROUP_MANAGER_CGROUPFS;
		else if (strcmp(f->cgroup_manager, "systemd") == 0)
			g->cgroup_manager = HULL_CGROUP_MANAGER_SYSTEMD;
		else if (strcmp(f->cgroup_manager, "disabled") == 0)
			g->cgroup_manager = HULL_CGROUP_MANAGER_DISABLED;
		else
			return cli_failf("unknown cgroup manager %s", f->cgroup_manager);
	}
	g->rootless = -1;
	if (f->rootless && strcmp(f->rootless, "auto") != 0) {
		bool b;
		if (cli_parse_bool(f->rootless, &b) < 0)
			return cli_failf("invalid value for --rootless: %s", f->rootless);
		g->rootless = b;
	}
	if (f->root) {
		if (!*f->root)
			return cli_failf("root directory must not be empty");
		*root_owned = cli_abspath(f->root);
		if (strcmp(*root_owned, "/") == 0)
			return cli_failf("option --root argument should not be set to /");
	} else {
		*root_owned = hull_default_root();
	}
	g->root = *root_owned;
	return 0;
}

int main(int argc, char **argv)
{
	struct global_flags f = { 0 };
	const struct cli_opt globals[] = {
		{ "root", 0, CLI_STRING, &f.root, "root directory for storage of container state", NULL, false },
		{ "log", 0, CLI_STRING, &f.log, "log file", NULL, false },
		{ "log-format", 0, CLI_STRING, &f.log_format, "log format", NULL, false },
		{ "debug", 0, CLI_BOOL, &f.debug, "debug logging", NULL, false },
		{ "systemd-cgroup", 0, CLI_BOOL, &f.systemd_cgroup, "systemd cgroups", NULL, false },
		{ "cgroup-manager", 0, CLI_STRING, &f.cgroup_manager, "cgroup manager", NULL, false },
		{ "rootless", 0, CLI_STRING, &f.rootless, "rootless", NULL, false },
		{ "criu", 0, CLI_STRING, &f.criu, "ignored", NULL, true },
		{ "version", 'v', CLI_BOOL, &f.version, "print the version", NULL, false },
		{ NULL, 0, 0, NULL, NULL, NULL, false },
	};
	static const struct cli_command main_cmd = { "", "", "", NULL, NULL, NULL };
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		const char *name = argv[i] + 1 + (argv[i][1] == '-');
		if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0) {
			print_main_help();
			return 0;
		}
		/* Reuse the command parser for one flag (and its value) at a time. */
		int end = i + 1;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		for (const struct cli_opt *o = globals; o->name; o++)
			if (!eq && o->kind != CLI_BOOL && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				end = i + 2;
		if (end > argc)
			end = argc;
		char *sub[3] = { argv[0], argv[i], end == i + 2 ? argv[i + 1] : NULL };
		struct cli_args a = { 0 };
		int r = cli_parse(&main_cmd, end - i + 1, sub, globals, 0, &a);
		free(a.pos);
		if (r != CLI_OK)
			return r == CLI_HELP ? 0 : 1;
		i = end - 1;
	}
	if (f.version) {
		print_version();
		return 0;
	}
	if (i >= argc) {
		print_main_help();
		return 0;
	}
	const char *name = argv[i];
	if (strcmp(name, "image") == 0)
		return exec_image_helper(argc - i, argv + i);
	if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0) {
		const struct cli_entry *c = i + 1 < argc ? find_command(argv[i + 1]) : NULL;
		if (!c) {
			print_main_help();
			return 0;
		}
		char *help_argv[] = { (char *)c->cmd.name, (char *)"--help", NULL };
		struct hull_global_opts g = { 0 };
		return c->run(&c->cmd, 2, help_argv, &g) == 0 ? 0 : 1;
	}
	const struct cli_entry *cmd = find_command(name);
	_cleanup_free_ char *root = NULL;
	struct hull_global_opts g = { 0 };
	if (apply_globals(&f, &g, &root) != 0)
		return 1;
	if (!cmd) {
		int r = cli_failf("command %s does not exist", name);
		hull_log_close();
		return r;
	}
	hull_trace("%s: hull %s started, pid %d", name, HULL_VERSION, (int)getpid());
	int r = cmd->run(&cmd->cmd, argc - i, argv + i, &g);
	hull_log_close();
	return r;
}
