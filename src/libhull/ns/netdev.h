/* netdev.h - linux.netDevices: moving host network interfaces into the container's
 * network namespace at create, and back into the runtime's at delete (rtnetlink via
 * libmnl; a build without libmnl refuses configs that ask for it).
 *
 *   create: hull_netdev_validate (no side effects), then, in the parent once the
 *           container's netns exists and before the init goes on, hull_netdev_move_in
 *           and hull_netdev_pin (a bind mount of the netns on <state dir>/netns keeps
 *           it, and the virtual devices in it, alive after the container's processes
 *           are gone, until delete moves them back).
 *   delete: hull_netdev_release (move back what state.json records, then unpin).
 */
#ifndef HULL_NETDEV_H
#define HULL_NETDEV_H

#include "libhull/hull.h"
#include "libhull/spec/spec.h"

#include <stdbool.h>
#include <stddef.h>

/* One device hull moved into a container (recorded in state.json). */
struct hull_netdev_moved {
	char *host;  /* its name in the runtime's netns (the linux.netDevices key) */
	int index;   /* its ifindex in the container's netns */
	bool was_up; /* IFF_UP before the move: restored when it comes back */
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

/* Move the recorded devices from netns_fd back into the calling thread's netns under
 * their host names, with their addresses and up state. Best effort: every device is
 * tried; problems are logged as warnings (delete must go on). */
void hull_netdev_move_out(int netns_fd, const struct hull_netdev_moved *moved, size_t n);

/* "DEV:INO" of the calling thread's netns (NULL if unreadable): create records it,
 * delete moves devices back only into that same netns. */
char *hull_netdev_current_netns(void);

/* Keep the netns alive with a bind mount on <dir>/netns; undone by hull_netdev_unpin. */
int hull_netdev_pin(const char *dir, int netns_fd, struct hull_error *err);
void hull_netdev_unpin(const char *dir);

/* Delete: move the recorded devices back from the pinned netns (or, unpinned, the
 * live init's), then unpin. Devices whose netns is gone already were handled by the
 * kernel (physical ones went to the initial netns, virtual ones were destroyed): a
 * warning says so. Run from another netns than create's (origin), they are not moved
 * back into it (it may be the host's while they came from elsewhere): a warning too. */
void hull_netdev_release(const char *dir, const char *origin, pid_t init_pid, uint64_t init_start_time,
			 const struct hull_netdev_moved *moved, size_t n);

void hull_netdev_moved_free(struct hull_netdev_moved *moved, size_t n);

#endif
