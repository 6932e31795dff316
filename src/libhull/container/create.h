/* create.h - what create.c (create/start) shares with lifecycle.c (run, kill, delete, ...). */
#ifndef HULL_CONTAINER_INTERNAL_H
#define HULL_CONTAINER_INTERNAL_H

#include "container.h"
#include "libhull/ns/netdev.h"
#include "libhull/process/process.h"

struct hull_seccomp_filter;

/* One create in progress (also the first half of run). */
struct create_ctx {
	const struct hull_create_opts *opts;
	char *bundle, *rootfs;
	char *config_text;
	size_t config_len;
	struct hull_spec *spec;            /* owned here; c->spec borrows it */
	struct hull_seccomp_filter *seccomp;
	struct hull_cgroup *cg;
	struct hull_container *c;          /* filled as create goes; c->dirfd holds the lock */
	struct hull_init_result init;
	int pty_master;                    /* received and kept when there is no console socket */
	int netns_fd;                      /* linux.netDevices: the container's netns, for undoing */
	struct hull_netdev_moved *net_devices; /* what a failed create moves back */
	size_t n_net_devices;
	bool dir_made;
	bool cg_made;                      /* cg exists in the hierarchy (cleanup removes it) */
};

void create_ctx_init(struct create_ctx *cx, const struct hull_create_opts *o);
void create_ctx_clear(struct create_ctx *cx);
/* Everything of create; on failure cleans up (no debris) and returns -1. detach: the
 * caller will not stay around to relay a terminal (create, run -d). */
int container_create(const struct hull_global_opts *g, const char *id, struct create_ctx *cx, bool detach,
		     struct hull_error *err);
/* Release a created container's init and run poststart hooks. sync_fd: the create's end
 * of the init's sync socket when the caller created it too (run), else -1: an init that
 * dies before it is released (a startContainer hook failed) has sent its error there. */
int container_start(struct hull_container *c, int sync_fd, struct hull_error *err);

#endif
