/* netdev.h - linux.netDevices: moving host network interfaces into the container's
 * network namespace at create (rtnetlink via libmnl; a build without libmnl refuses
 * configs that ask for it).
 *
 *   create: hull_netdev_validate (no side effects), then, in the parent once the
 *           container's netns exists and before the init goes on, hull_netdev_move_in.
 *           A create that fails after that moves them back (hull_netdev_move_out): a
 *           failed operation leaves the environment as it found it.
 *   delete: nothing. The runtime spec (config-linux.md, "Namespace Lifecycle and
 *           Container Termination") says the runtime MUST NOT move them out before the
 *           namespace's deletion: whoever owns the netns owns its devices. When the netns
 *           dies the kernel moves physical devices to the initial netns and destroys
 *           virtual ones (veth, dummy, macvlan...); a netns given by path keeps them.
 */
#ifndef HULL_NETDEV_H
#define HULL_NETDEV_H

#include "libhull/hull.h"
#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <stddef.h>

/* One device hull moved into a container (what a failed create moves back). */
struct hull_netdev_moved {
	char *host;  /* its name in the runtime's netns (the linux.netDevices key) */
	int index;   /* its ifindex in the container's netns */
	bool was_up; /* IFF_UP before the move: restored when it goes back */
};

/* True when this hull can move network devices (built with libmnl). */
bool hull_netdev_supported(void);

/* linux.netDevices is usable: this build has libmnl, the container gets a network
 * namespace. Errors name the JSON path. */
int hull_netdev_validate(const struct hull_spec *spec, struct hull_error *err);

/* Move every linux.netDevices entry from the calling thread's netns into netns_fd,
 * renamed to its "name", with its permanent global addresses, and up. On failure the
 * devices moved so far are moved back; *moved is NULL. */
int hull_netdev_move_in(const struct hull_spec *spec, int netns_fd, struct hull_netdev_moved **moved, size_t *n,
			struct hull_error *err);

/* Move the devices back from netns_fd into the calling thread's netns under their host
 * names, with their addresses and up state: the undo of a create that failed after
 * hull_netdev_move_in. Best effort: every device is tried; problems are warnings. */
void hull_netdev_move_out(int netns_fd, const struct hull_netdev_moved *moved, size_t n);

void hull_netdev_moved_free(struct hull_netdev_moved *moved, size_t n);

#endif
