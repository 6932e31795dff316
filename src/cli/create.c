/* create.c - the `hull create` command (and the create flags `run` shares). */
#define _GNU_SOURCE
#include "lifecycle.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Socket activation (sd_listen_fds): only when LISTEN_PID names us. */
static int listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds || atol(pid) != (long)getpid())
		return 0;
	int n = atoi(fds);
	return n > 0 ? n : 0;
}

int cli_create_opts(struct cli_create_flags *f, struct hull_create_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (f->preserve_fds < 0)
		return cli_failf("--preserve-fds must not be negative");
	if (f->bundle && *f->bundle)
		o->bundle = f->bundle_abs = cli_abspath(f->bundle);
	if (f->pid_file && *f->pid_file)
		o->pid_file = f->pid_file_abs = cli_abspath(f->pid_file);
	if (f->config && *f->config)
		o->config_path = f->config_abs = cli_abspath(f->config);
	o->console_socket = f->console_socket && *f->console_socket ? f->console_socket : NULL;
	o->pidfd_socket = f->pidfd_socket && *f->pidfd_socket ? f->pidfd_socket : NULL;
	o->listen_fds = listen_fds();
	o->preserve_fds = f->preserve_fds;
	for (int fd = 3 + o->listen_fds; fd < 3 + o->listen_fds + o->preserve_fds; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return cli_failf("unable to stat preserved-fd %d (of %d): %s", fd - 3 - o->listen_fds,
					 o->preserve_fds, strerror(errno));
	o->no_pivot = f->no_pivot;
	o->no_new_keyring = f->no_new_keyring;
	o->detach = f->detach;
	o->keep = f->keep;
	o->no_subreaper = f->no_subreaper;
	return 0;
}

void cli_create_flags_clear(struct cli_create_flags *f)
{
	free(f->bundle_abs);
	free(f->pid_file_abs);
	free(f->config_abs);
}

int cmd_create(const struct cli_command *cmd, int argc, char **argv, struct hull_global_opts *g)
{
	cli_reexec_sealed("create");
	struct cli_create_flags f = { 0 };
	const struct cli_opt opts[] = { CLI_CREATE_OPTS(f), { 0 } };
	struct cli_args a;
	int r;
	if (!cli_parse_n(cmd, argc, argv, opts, 0, 1, 1, &a, &r))
		return r;
	struct hull_create_opts o;
	r = cli_create_opts(&f, &o);
	if (r == 0) {
		struct hull_error err = { 0 };
		if (hull_create(g, a.pos[0], &o, &err) < 0)
			r = cli_fail(&err);
	}
	cli_create_flags_clear(&f);
	free(a.pos);
	return r;
}
