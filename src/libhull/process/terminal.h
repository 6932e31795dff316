/* terminal.h - the container's pseudoterminal: allocation inside the container's devpts,
 * the --console-socket hand-off, and hull's own relay for foreground run/exec.
 *
 * Used by the init and exec children (child.c; bind_console false for exec),
 * container/create.c (console socket) and container/lifecycle.c / exec (foreground relay). */
#ifndef HULL_TERMINAL_H
#define HULL_TERMINAL_H

#include "libhull/hull.h"
#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <sys/types.h>

/* Child side, after pivot_root (the container's /dev/pts is mounted): open a pty from
 * the container's own devpts, apply p->console_size, make the slave the controlling
 * terminal and fds 0-2. *master_fd gets the master, for the caller to send to the parent. */
/* bind_console: the init of a container with its own mount namespace binds the pty
 * onto /dev/console; exec never does, nor an init in the runtime's mount namespace
 * (the bind would stay behind there). */
int hull_terminal_setup_child(const struct hull_process *p, bool bind_console, int *master_fd, struct hull_error *err);

/* Connect to the AF_UNIX socket at path, send master_fd in one SCM_RIGHTS message,
 * close. Does not wait for the peer to read it (runc's protocol). */
int hull_console_socket_send(const char *path, int master_fd, struct hull_error *err);
/* The same hand-off for any fd (--pidfd-socket): name is the message payload, what
 * prefixes errors (e.g. "pidfd socket"). */
int hull_send_fd_to_socket(const char *path, int fd, const char *name, const char *what, struct hull_error *err);

/* Foreground: put hull's stdin in raw mode (when it is a tty), copy stdin -> master and
 * master -> stdout, forward SIGWINCH as a resize, until pid exits; restore the tty.
 * *wait_status gets pid's wait status. */
int hull_terminal_relay(int master_fd, pid_t pid, int *wait_status, struct hull_error *err);

#endif
