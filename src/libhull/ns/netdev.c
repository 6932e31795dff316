/* netdev.c - linux.netDevices: move host interfaces into the container's netns (and back
 * only when create fails). */
#define _GNU_SOURCE
#include "netdev.h"
#include "common/json.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

int hull_netdev_validate(const struct hull_spec *spec, struct hull_error *err)
{
	if (!spec->linux_.n_net_devices)
		return 0;
	if (!hull_netdev_supported())
		return hull_fail_plain(err, ENOTSUP,
				       "config.json: linux.netDevices: this hull was built without libmnl (static build); "
				       "build with ./configure --disable-static-runtime");
	if (!hull_spec_namespace(spec, HULL_NS_NET))
		return hull_fail_plain(err, EINVAL,
				       "config.json: linux.netDevices: needs a network namespace (linux.namespaces has no "
				       "\"network\" entry): the devices would stay in the runtime's");
	return 0;
}

void hull_netdev_moved_free(struct hull_netdev_moved *moved, size_t n)
{
	for (size_t i = 0; moved && i < n; i++)
		free(moved[i].host);
	free(moved);
}

#ifdef HULL_HAVE_MNL
/* ---- rtnetlink through libmnl -------------------------------------------------------- */
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#define NL_BUF_SIZE 32768 /* a dump message never crosses it (libmnl's MNL_SOCKET_DUMP_SIZE) */
#define NL_REQ_SIZE 1024  /* a request is far smaller: a link or address and a few attributes */

/* "config.json: linux.netDevices.<host>" (["..."] for names that are not identifiers),
 * the same rendering the parser uses. */
static char *device_path(const char *host)
{
	struct hull_json j;
	hull_json_init(&j, "config.json", NULL);
	hull_json_push_key(&j, "linux");
	hull_json_push_key(&j, "netDevices");
	hull_json_push_key(&j, host);
	return xasprintf("config.json: %s", j.path);
}

bool hull_netdev_supported(void)
{
	return true;
}

/* A route netlink socket bound in one network namespace. */
struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
	char *buf;
};

static void nl_close(struct nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	free(n->buf);
	n->sock = NULL;
	n->buf = NULL;
}

/* A socket lives in the netns it was made in: enter netns_fd for the socket() only
 * (this thread, no fork), then come back. netns_fd < 0: the current one. */
static int nl_open(struct nl *n, int netns_fd, struct hull_error *err)
{
	memset(n, 0, sizeof(*n));
	_cleanup_close_ int self = -1;
	if (netns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return hull_fail(err, errno, "open /proc/thread-self/ns/net");
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			return hull_fail(err, errno, "enter the container's network namespace");
	}
	n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int e = errno;
	if (self >= 0 && setns(self, CLONE_NEWNET) < 0) {
		/* Never seen: going on in the container's netns would be wrong everywhere after. */
		hull_log(HULL_LOG_ERROR, "return to the runtime's network namespace: %s", strerror(errno));
		abort();
	}
	if (!n->sock)
		return hull_fail(err, e, "open a netlink socket");
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		nl_close(n);
		return hull_fail(err, e, "bind a netlink socket");
	}
	n->portid = mnl_socket_get_portid(n->sock);
	n->buf = xmalloc(NL_BUF_SIZE);
	return 0;
}

/* Every request but a dump asks for an ack (nl_talk reads up to it). In flags the
 * dump bits (NLM_F_ROOT | NLM_F_MATCH) overlap NLM_F_REPLACE and NLM_F_EXCL of the new
 * requests, hence the explicit dump argument. */
static struct nlmsghdr *nl_request(struct nl *n, uint16_t type, uint16_t flags, bool dump)
{
	flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
	/* The buffer also takes the replies: without this, attribute padding would carry
	 * bytes of an earlier answer (or of the heap) to the kernel. */
	memset(n->buf, 0, NL_REQ_SIZE);
	struct nlmsghdr *h = mnl_nlmsg_put_header(n->buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++n->seq;
	return h;
}

/* Send h and read replies until the ack (or the end of a dump); cb sees each data
 * message. Returns 0, or -errno (the kernel's answer). */
static int nl_talk(struct nl *n, struct nlmsghdr *h, mnl_cb_t cb, void *data)
{
	unsigned seq = h->nlmsg_seq;
	if (mnl_socket_sendto(n->sock, h, h->nlmsg_len) < 0)
		return -errno;
	int r;
	do {
		ssize_t len = mnl_socket_recvfrom(n->sock, n->buf, NL_BUF_SIZE);
		if (len < 0)
			return -errno;
		r = mnl_cb_run(n->buf, (size_t)len, seq, n->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

struct link_info {
	int index;
	unsigned flags;
	char name[IF_NAMESIZE];
};

static int link_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	struct link_info *li = data;
	li->index = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	const struct nlattr *a;
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(a));
	}
	return MNL_CB_OK;
}

/* RTM_GETLINK by name (index 0) or index. -ENODEV when there is none. */
static int link_get(struct nl *n, const char *name, int index, struct link_info *out)
{
	struct nlmsghdr *h = nl_request(n, RTM_GETLINK, 0, false);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (name)
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
	out->index = 0;
	int r = nl_talk(n, h, link_cb, out);
	if (r == 0 && out->index == 0)
		r = -ENODEV;
	return r;
}

static int link_set_up(struct nl *n, int index)
{
	struct nlmsghdr *h = nl_request(n, RTM_NEWLINK, 0, false);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_talk(n, h, NULL, NULL);
}

/* Move index into netns_fd, named name there (a "%d" template lets the kernel pick). */
static int link_move(struct nl *n, int index, int netns_fd, const char *name)
{
	struct nlmsghdr *h = nl_request(n, RTM_NEWLINK, 0, false);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	return nl_talk(n, h, NULL, NULL);
}

/* The addresses a move must carry: permanent, global scope (what the runtime spec asks
 * to preserve; the kernel drops all of them when the device changes namespace). Each is
 * kept as the ifaddrmsg plus the attributes that make it (not its label, which names the
 * old device, nor its cache info). */
struct addr_list {
	int index;
	size_t n;
	struct saved_addr {
		struct ifaddrmsg ifa;
		size_t len;
		char attrs[128];
	} *v;
};

static int addr_cb(const struct nlmsghdr *h, void *data)
{
	struct addr_list *al = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	if ((int)ifa->ifa_index != al->index || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	uint32_t flags = ifa->ifa_flags;
	const struct nlattr *a;
	mnl_attr_for_each(a, h, sizeof(*ifa))
	{
		if (mnl_attr_get_type(a) == IFA_FLAGS && mnl_attr_get_payload_len(a) >= 4)
			flags = mnl_attr_get_u32(a);
	}
	if (!(flags & IFA_F_PERMANENT))
		return MNL_CB_OK;
	al->v = xrealloc(al->v, (al->n + 1) * sizeof(*al->v));
	struct saved_addr *s = &al->v[al->n++];
	memset(s, 0, sizeof(*s));
	s->ifa = *ifa;
	mnl_attr_for_each(a, h, sizeof(*ifa))
	{
		uint16_t t = mnl_attr_get_type(a);
		if (t != IFA_ADDRESS && t != IFA_LOCAL && t != IFA_BROADCAST && t != IFA_FLAGS)
			continue;
		size_t l = MNL_ALIGN(a->nla_len);
		if (s->len + l > sizeof(s->attrs))
			continue;
		memcpy(s->attrs + s->len, a, a->nla_len);
		s->len += l;
	}
	return MNL_CB_OK;
}

static int addr_dump(struct nl *n, int index, struct addr_list *al)
{
	memset(al, 0, sizeof(*al));
	al->index = index;
	struct nlmsghdr *h = nl_request(n, RTM_GETADDR, 0, true);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return nl_talk(n, h, addr_cb, al);
}

/* Add them to index; -errno and *which (the failing one) on error. */
static int addr_restore(struct nl *n, int index, const struct addr_list *al, size_t *which)
{
	for (size_t i = 0; i < al->n; i++) {
		struct nlmsghdr *h = nl_request(n, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, false);
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
		*ifa = al->v[i].ifa;
		ifa->ifa_index = (unsigned)index;
		memcpy((char *)h + h->nlmsg_len, al->v[i].attrs, al->v[i].len);
		h->nlmsg_len += (unsigned)al->v[i].len;
		int r = nl_talk(n, h, NULL, NULL);
		if (r < 0) {
			*which = i;
			return r;
		}
	}
	return 0;
}

static char *addr_text(const struct saved_addr *s)
{
	char buf[64] = "?";
	const struct nlattr *a = (const void *)s->attrs;
	for (size_t off = 0; off + sizeof(*a) <= s->len; off += MNL_ALIGN(a->nla_len)) {
		a = (const void *)(s->attrs + off);
		if (mnl_attr_get_type(a) == IFA_ADDRESS || mnl_attr_get_type(a) == IFA_LOCAL) {
			inet_ntop(s->ifa.ifa_family, mnl_attr_get_payload(a), buf, sizeof(buf));
			break;
		}
	}
	return xasprintf("%s/%u", buf, s->ifa.ifa_prefixlen);
}

/* Where a device went and under which index: by name, or, for a "%d" template (the
 * kernel picks the name), by the index it kept (checked free in the target before). */
static int find_moved(struct nl *dst, const char *name, int old_index, struct link_info *li)
{
	if (strchr(name, '%'))
		return link_get(dst, NULL, old_index, li);
	return link_get(dst, name, 0, li);
}

/* One device from src (socket there) to dst (socket there, netns dst_fd), named name,
 * carrying its addresses; up when bring_up. *new_index: its index in dst. A message
 * (after "path: ") goes to err. When it got as far as dst but failed after, it is sent
 * back to src_fd under back_name. */
static int move_one(struct nl *src, struct nl *dst, int dst_fd, int src_fd, const char *path, const char *host_name,
		    const char *name, const char *back_name, bool bring_up, struct link_info *before,
		    int *new_index, struct hull_error *err)
{
	int r = link_get(src, host_name, 0, before);
	if (r == -ENODEV)
		return hull_fail_plain(err, ENODEV, "%s: no such device", path);
	if (r < 0)
		return hull_fail(err, -r, "%s: look up the device", path);
	struct link_info clash;
	bool template = strchr(name, '%') != NULL;
	/* Checked here so that a refused name cannot leave the device renamed half-way. */
	r = template ? link_get(dst, NULL, before->index, &clash) : link_get(dst, name, 0, &clash);
	if (r == 0)
		return template ? hull_fail_plain(err, EEXIST, "%s: its index %d is taken in the target network namespace",
						  path, before->index)
				: hull_fail_plain(err, EEXIST, "%s: a device named \"%s\" exists in the target network namespace",
						  path, name);
	if (r != -ENODEV)
		return hull_fail(err, -r, "%s: look up \"%s\" in the target network namespace", path, name);
	struct addr_list al;
	r = addr_dump(src, before->index, &al);
	if (r < 0) {
		free(al.v);
		return hull_fail(err, -r, "%s: read its addresses", path);
	}
	r = link_move(src, before->index, dst_fd, name);
	if (r < 0) {
		free(al.v);
		if (r == -EINVAL || r == -EOPNOTSUPP)
			return hull_fail(err, -r, "%s: the device cannot change network namespace", path);
		return hull_fail(err, -r, "%s: move the device", path);
	}
	struct link_info now;
	size_t which = 0;
	r = find_moved(dst, name, before->index, &now);
	if (r < 0)
		hull_fail(err, -r, "%s: find the device after the move", path);
	else if ((r = addr_restore(dst, now.index, &al, &which)) < 0) {
		_cleanup_free_ char *a = addr_text(&al.v[which]);
		hull_fail(err, -r, "%s: add its address %s", path, a);
	} else if (bring_up && (r = link_set_up(dst, now.index)) < 0)
		hull_fail(err, -r, "%s: set the device up", path);
	free(al.v);
	if (r < 0) {
		if (now.index > 0 && link_move(dst, now.index, src_fd, back_name) < 0)
			hull_warn("%s: could not move the device back after a failure", path);
		return -1;
	}
	*new_index = now.index;
	return 0;
}

int hull_netdev_move_in(const struct hull_spec *spec, int netns_fd, struct hull_netdev_moved **moved, size_t *n,
			struct hull_error *err)
{
	*moved = NULL;
	*n = 0;
	size_t want = spec->linux_.n_net_devices;
	if (!want)
		return 0;
	struct nl host, ctr;
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return hull_fail(err, errno, "open /proc/thread-self/ns/net");
	if (nl_open(&host, -1, err) < 0)
		return -1;
	if (nl_open(&ctr, netns_fd, err) < 0) {
		nl_close(&host);
		return -1;
	}
	struct hull_netdev_moved *v = xcalloc(want, sizeof(*v));
	size_t done = 0;
	int r = 0;
	for (size_t i = 0; i < want && r == 0; i++) {
		const struct hull_kv *d = &spec->linux_.net_devices[i];
		_cleanup_free_ char *path = device_path(d->key);
		const char *name = d->value && *d->value ? d->value : d->key;
		struct link_info before;
		int index = 0;
		r = move_one(&host, &ctr, netns_fd, self, path, d->key, name, d->key, true, &before, &index, err);
		if (r == 0) {
			v[done].host = xstrdup(d->key);
			v[done].index = index;
			v[done].was_up = (before.flags & IFF_UP) != 0;
			done++;
		}
	}
	nl_close(&host);
	nl_close(&ctr);
	if (r < 0) {
		hull_netdev_move_out(netns_fd, v, done);
		hull_netdev_moved_free(v, done);
		return -1;
	}
	*moved = v;
	*n = done;
	return 0;
}

void hull_netdev_move_out(int netns_fd, const struct hull_netdev_moved *moved, size_t n)
{
	if (!n)
		return;
	struct hull_error e = { 0 };
	struct nl host, ctr;
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || nl_open(&host, -1, &e) < 0) {
		hull_warn("linux.netDevices: cannot move the devices back: %s", e.msg ? e.msg : strerror(errno));
		hull_error_clear(&e);
		return;
	}
	if (nl_open(&ctr, netns_fd, &e) < 0) {
		hull_warn("linux.netDevices: cannot move the devices back: %s", e.msg);
		hull_error_clear(&e);
		nl_close(&host);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = device_path(moved[i].host);
		struct link_info li;
		int r = link_get(&ctr, NULL, moved[i].index, &li);
		if (r < 0) {
			hull_warn("%s: not in the container's network namespace any more (index %d): not moved back", path,
				  moved[i].index);
			continue;
		}
		/* By its current name there (the container may have renamed it). */
		struct link_info before;
		int index;
		r = move_one(&ctr, &host, self, netns_fd, path, li.name, moved[i].host, li.name, moved[i].was_up,
			     &before, &index, &e);
		/* Its name was taken meanwhile: a kernel-picked one, as the kernel does itself
		 * for devices coming back from a dying netns. */
		if (r < 0 && e.errnum == EEXIST) {
			hull_warn("%s", e.msg);
			hull_error_clear(&e);
			r = move_one(&ctr, &host, self, netns_fd, path, li.name, "dev%d", li.name, moved[i].was_up,
				     &before, &index, &e);
		}
		if (r < 0) {
			hull_warn("moving it back: %s", e.msg);
			hull_error_clear(&e);
		}
	}
	nl_close(&host);
	nl_close(&ctr);
}

#else /* !HULL_HAVE_MNL */

bool hull_netdev_supported(void)
{
	return false;
}

int hull_netdev_move_in(const struct hull_spec *spec, int netns_fd, struct hull_netdev_moved **moved, size_t *n,
			struct hull_error *err)
{
	*moved = NULL;
	*n = 0;
	return hull_netdev_validate(spec, err); /* refuses any device */
}

void hull_netdev_move_out(int netns_fd, const struct hull_netdev_moved *moved, size_t n)
{
	(void)netns_fd;
	(void)moved;
	(void)n;
}

#endif
