/* lifecycle.h - the flags create and run share (runc's create.go/run.go), parsed into hull_create_opts. */
#ifndef HULL_CLI_LIFECYCLE_H
#define HULL_CLI_LIFECYCLE_H

#include "cli.h"

struct cli_create_flags {
	const char *bundle, *pid_file, *console_socket, *pidfd_socket, *config;
	int preserve_fds;
	bool no_pivot, no_new_keyring, detach, keep, no_subreaper;
	char *bundle_abs, *pid_file_abs, *config_abs; /* owned */
};

/* The option rows shared by create and run (terminated by the caller's table). */
#define CLI_CREATE_OPTS(f)                                                                                         \
	{ "bundle", 'b', CLI_STRING, &(f).bundle, "path to the root of the bundle directory, defaults to the current directory", NULL, false }, \
	{ "console-socket", 0, CLI_STRING, &(f).console_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", NULL, false }, \
	{ "pidfd-socket", 0, CLI_STRING, &(f).pidfd_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the init process", NULL, false }, \
	{ "pid-file", 0, CLI_STRING, &(f).pid_file, "specify the file to write the process id to", NULL, false }, \
	{ "no-pivot", 0, CLI_BOOL, &(f).no_pivot, "do not use pivot root to jail process inside rootfs", NULL, false }, \
	{ "no-new-keyring", 0, CLI_BOOL, &(f).no_new_keyring, "do not create a new session keyring for the container", NULL, false }, \
	{ "preserve-fds", 0, CLI_INT, &(f).preserve_fds, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", NULL, false }, \
	{ "config", 'f', CLI_STRING, &(f).config, "path to the config file (crun), defaults to <bundle>/config.json", NULL, false }

/* Validate the flags and fill o (pointers borrow from f). Returns 0 or 1 (reported). */
int cli_create_opts(struct cli_create_flags *f, struct hull_create_opts *o);
void cli_create_flags_clear(struct cli_create_flags *f);

#endif
