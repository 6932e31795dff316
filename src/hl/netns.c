/* netns.c - `image run --net none`: hull-image itself moves into a new network namespace and
 * brings its loopback up before creating the container, which then shares it (libhull, like
 * runc, leaves lo down in a netns it creates). No extra process, no hook, nothing to clean up:
 * the namespace goes away with the last process in it. */
#include "unpack.h"
#include "common/util.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int hl_netns_new_with_lo(struct hull_error *err)
{
	if (unshare(CLONE_NEWNET) < 0)
		return hull_fail(err, errno, "new network namespace");
	_cleanup_close_ int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return hull_fail(err, errno, "socket");
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		return hull_fail(err, errno, "get lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		return hull_fail(err, errno, "bring lo up");
	return 0;
}
