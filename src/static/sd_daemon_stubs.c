/* sd_daemon_stubs.c - the two libsystemd functions Debian's static libdbus-1.a refers to.
 *
 * libdbus-1.a is built with systemd support: its server side (a dbus-daemon taking
 * sockets from systemd's socket activation) calls sd_listen_fds() and sd_is_socket().
 * hull is only ever a D-Bus client (it talks to systemd for the systemd cgroup driver)
 * and never reaches that code, but a static link still needs the symbols, and Debian
 * ships no libsystemd.a. These stubs say "no sockets passed", which is the truth for
 * hull. Linked into the static hull only: a dynamic build takes libsystemd through
 * libdbus-1.so. */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd, (void)family, (void)type, (void)listening;
	return 0;
}
