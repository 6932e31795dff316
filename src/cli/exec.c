/* exec.c - the `hull exec` command: run a new process inside a running container. */
#define _GNU_SOURCE
#include "cli.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>

struct exec_flags {
	const char *console_socket, *pidfd_socket, *cwd, *user, *process, *pid_file, *process_label, *apparmor;
	struct cli_list env, gids, caps, cgroups;
	bool tty, detach, no_new_privs, no_new_privs_seen, ignore_paused;
	int preserve_fds;
};

/* runc exits 255 for every failure once the arguments are accepted (exec.go). */
static int exec_fail(struct hull_error *err)
{
	_cleanup_free_ char *msg = xasprintf("exec failed: %s", err->msg ? err->msg : "unknown error");
	hull_log_fatal(msg);
	hull_error_clear(err);
	return 255;
}

static int parse_id(const char *s, const char *what, uint32_t *out, struct hull_error *err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < INT_MIN || v > INT_MAX)
		return hull_fail_plain(err, EINVAL, "parsing %s as int for %s failed: invalid syntax", s, what);
	*out = (uint32_t)v; /* runc: uint32(Atoi) */
	return 0;
}

static int parse_user(const char *user, struct hull_exec_opts *o, struct hull_error *err)
{
	if (!user || !*user)
		return 0;
	_cleanup_free_ char *copy = xstrdup(user);
	char *colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		if (parse_id(colon + 1, "gid", &o->gid, err) < 0)
			return -1;
		o->has_gid = true;
	}
	if (parse_id(copy, "uid", &o->uid, err) < 0)
		return -1;
	o->has_user = true;
	return 0;
}

static int parse_gids(const struct cli_list *l, uint32_t **out, struct hull_error *err)
{
	*out = xcalloc(l->n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < l->n; i++) {
		char *end;
		errno = 0;
		long long v = strtoll(l->items[i], &end, 10);
		if (!*l->items[i] || *end || errno)
			return hull_fail_plain(err, EINVAL, "invalid value \"%s\" for flag --additional-gids", l->items[i]);
		if (v < 0 || v > UINT32_MAX)
			return hull_fail_plain(err, EINVAL, "additional-gids must be a positive number %lld", v);
		(*out)[i] = (uint32_t)v;
	}
	return 0;
}

/* A cli_list as a NULL-terminated vector (borrowed strings). */
static char **list_strv(const struct cli_list *l)
{
	char **v = xcalloc(l->n + 1, sizeof(char *));
	for (size_t i = 0; i < l->n; i++)
		v[i] = (char *)l->items[i];
	return v;
}

static int run_exec(struct hull_global_opts *g, struct exec_flags *f, struct cli_args *a)
{
	struct hull_error err = { 0 };
	_cleanup_free_ uint32_t *gids = NULL;
	_cleanup_free_ char **env = list_strv(&f->env), **caps = list_strv(&f->caps), **cgroups = list_strv(&f->cgroups);
	_cleanup_free_ char *pid_file = f->pid_file && *f->pid_file ? cli_abspath(f->pid_file) : NULL;
	_cleanup_free_ char *process = f->process && *f->process ? cli_abspath(f->process) : NULL;
	struct hull_exec_opts o = {
		.process_path = process,
		.args = a->pos + 1,
		.cwd = f->cwd,
		.env = env,
		.tty = f->tty,
		.process_label = f->process_label,
		.apparmor = f->apparmor,
		.no_new_privs = f->no_new_privs_seen ? f->no_new_privs : -1,
		.caps = caps,
		.console_socket = f->console_socket && *f->console_socket ? f->console_socket : NULL,
		.pidfd_socket = f->pidfd_socket && *f->pidfd_socket ? f->pidfd_socket : NULL,
		.pid_file = pid_file,
		.detach = f->detach,
		.preserve_fds = f->preserve_fds,
		.cgroups = cgroups,
		.ignore_paused = f->ignore_paused,
	};
	if (f->preserve_fds < 0) {
		hull_fail_plain(&err, EINVAL, "--preserve-fds must not be negative");
		return exec_fail(&err);
	}
	if (parse_user(f->user, &o, &err) < 0 || parse_gids(&f->gids, &gids, &err) < 0)
		return exec_fail(&err);
	o.additional_gids = gids;
	o.n_additional_gids = f->gids.n;
	int status = 0;
	if (hull_exec(g, a->pos[0], &o, &status, &err) < 0)
		return exec_fail(&err);
	return status;
}

int cmd_exec(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	cli_reexec_sealed("exec");
	struct exec_flags f = { 0 };
	const struct cli_opt opts[] = {
		{ "console-socket", 0, CLI_STRING, &f.console_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", NULL, false },
		{ "pidfd-socket", 0, CLI_STRING, &f.pidfd_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the exec process", NULL, false },
		{ "cwd", 0, CLI_STRING, &f.cwd, "current working directory in the container", NULL, false },
		{ "env", 'e', CLI_LIST, &f.env, "set environment variables", NULL, false },
		{ "tty", 't', CLI_BOOL, &f.tty, "allocate a pseudo-TTY", NULL, false },
		{ "user", 'u', CLI_STRING, &f.user, "UID (format: <uid>[:<gid>])", NULL, false },
		{ "additional-gids", 'g', CLI_LIST, &f.gids, "additional gids", NULL, false },
		{ "process", 'p', CLI_STRING, &f.process, "path to the process.json", NULL, false },
		{ "detach", 'd', CLI_BOOL, &f.detach, "detach from the container's process", NULL, false },
		{ "pid-file", 0, CLI_STRING, &f.pid_file, "specify the file to write the process id to", NULL, false },
		{ "process-label", 0, CLI_STRING, &f.process_label, "set the asm process label for the process commonly used with selinux", NULL, false },
		{ "apparmor", 0, CLI_STRING, &f.apparmor, "set the apparmor profile for the process", NULL, false },
		{ "no-new-privs", 0, CLI_BOOL, &f.no_new_privs, "set the no new privileges value for the process", &f.no_new_privs_seen, false },
		{ "cap", 'c', CLI_LIST, &f.caps, "add a capability to the bounding set for the process", NULL, false },
		{ "preserve-fds", 0, CLI_INT, &f.preserve_fds, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", NULL, false },
		{ "cgroup", 0, CLI_LIST, &f.cgroups, "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>.", NULL, false },
		{ "ignore-paused", 0, CLI_BOOL, &f.ignore_paused, "allow exec in a paused container", NULL, false },
		{ 0 },
	};
	struct cli_args a;
	int r = cli_parse(cmd, argc, argv, opts, 1, &a);
	if (r != CLI_OK)
		return r == CLI_HELP ? 0 : 1;
	if (cli_check_args(cmd, opts, &a, 1, -1) != CLI_OK)
		r = 1;
	else
		r = run_exec(g, &f, &a);
	free(a.pos);
	free(f.env.items);
	free(f.gids.items);
	free(f.caps.items);
	free(f.cgroups.items);
	return r;
}
