/* dbus.c - talk to systemd (org.freedesktop.systemd1.Manager) through libdbus-1.
 *
 * One private connection per hull command: systemd's private socket as root (no bus
 * daemon in between; it is what runc and systemctl use too), else the system bus; the
 * user's session bus for rootless, else the user manager's private socket. Calls block with a timeout; job completion is the
 * JobRemoved signal, read off the same connection (libdbus queues the signals that
 * arrive while a reply is awaited, so one that comes early is not lost). */
#include "dbus.h"

#include <dbus/dbus.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_PRIVATE_SOCKET "unix:path=/run/systemd/private"
#define CALL_TIMEOUT_MS 30000
#define JOB_TIMEOUT_MS 30000 /* runc waits 30 s for a job too */

struct hull_sd {
	DBusConnection *conn;
	char *address; /* for errors */
	int version;   /* 0: not asked yet */
};

char *hull_sd_library_version(void)
{
	int maj = 0, min = 0, mic = 0;
	dbus_get_version(&maj, &min, &mic);
	return xasprintf("libdbus-1 %d.%d.%d", maj, min, mic);
}

bool hull_sd_booted(void)
{
	struct stat st;
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- connection ------------------------------------------------------------------ */

static const char *job_match =
	"type='signal',sender='" SD_DEST "',interface='" SD_MANAGER "',member='JobRemoved',path='" SD_PATH "'";

static DBusConnection *open_direct(const char *address, DBusError *e)
{
	DBusConnection *c = dbus_connection_open_private(address, e);
	if (c)
		dbus_connection_set_exit_on_disconnect(c, FALSE);
	return c;
}

/* A bus (not a peer socket): say Hello and ask for the JobRemoved signals. */
static bool bus_setup(DBusConnection *c, DBusError *e)
{
	if (!dbus_bus_register(c, e))
		return false;
	dbus_bus_add_match(c, job_match, e);
	return !dbus_error_is_set(e);
}

static void conn_drop(DBusConnection *c)
{
	if (!c)
		return;
	dbus_connection_close(c);
	dbus_connection_unref(c);
}

static char *user_bus_address(void)
{
	const char *env = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (env && *env)
		return xstrdup(env);
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg) {
		_cleanup_free_ char *p = xasprintf("%s/bus", xdg);
		if (access(p, F_OK) == 0)
			return xasprintf("unix:path=%s", p);
	}
	return NULL;
}

int hull_sd_connect(bool user, struct hull_sd **out, struct hull_error *err)
{
	*out = NULL;
	DBusError e;
	dbus_error_init(&e);
	DBusConnection *c = NULL;
	_cleanup_free_ char *addr = NULL, *tried = NULL;
	if (user) {
		addr = user_bus_address();
		if (addr) {
			c = open_direct(addr, &e);
			if (c && !bus_setup(c, &e)) {
				conn_drop(c);
				c = NULL;
			}
			if (!c)
				tried = xasprintf("%s: %s", addr, e.message);
			dbus_error_free(&e);
		}
		/* No session bus (no dbus-user-session): the user manager's own private socket,
		 * as `systemctl --user` uses it then. runc needs the bus here. */
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (!c && xdg && *xdg) {
			free(addr);
			addr = xasprintf("unix:path=%s/systemd/private", xdg);
			c = open_direct(addr, &e);
			if (!c) {
				char *t = xasprintf("%s%s%s: %s", tried ? tried : "", tried ? "; " : "", addr, e.message);
				free(tried);
				tried = t;
			}
		}
		if (!c && !tried)
			return hull_fail_plain(err, ENOENT,
					       "systemd cgroup driver (rootless): no way to reach systemd --user: "
					       "DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are not set");
	} else {
		c = open_direct(SD_PRIVATE_SOCKET, &e);
		if (c) {
			addr = xstrdup(SD_PRIVATE_SOCKET);
		} else {
			tried = xasprintf("%s: %s", SD_PRIVATE_SOCKET, e.message);
			dbus_error_free(&e);
			/* honours DBUS_SYSTEM_BUS_ADDRESS; else unix:path=/run/dbus/system_bus_socket */
			c = dbus_bus_get_private(DBUS_BUS_SYSTEM, &e);
			if (c) {
				dbus_connection_set_exit_on_disconnect(c, FALSE);
				/* dbus_bus_get_private has said Hello already */
				dbus_bus_add_match(c, job_match, &e);
				if (dbus_error_is_set(&e)) {
					conn_drop(c);
					c = NULL;
				}
			}
			const char *sys = getenv("DBUS_SYSTEM_BUS_ADDRESS");
			addr = xstrdup(sys && *sys ? sys : "unix:path=/run/dbus/system_bus_socket");
			if (!c) {
				char *t = xasprintf("%s; %s: %s", tried, addr, e.message);
				free(tried);
				tried = t;
			}
		}
	}
	dbus_error_free(&e);
	if (!c)
		return hull_fail_plain(err, ECONNREFUSED, "systemd cgroup driver: cannot connect to systemd over D-Bus (%s)",
				       tried);
	struct hull_sd *sd = xzalloc(sizeof(*sd));
	sd->conn = c;
	sd->address = steal_pointer(&addr);
	*out = sd;
	hull_debug("systemd: connected to %s", sd->address);
	return 0;
}

void hull_sd_close(struct hull_sd *sd)
{
	if (!sd)
		return;
	conn_drop(sd->conn);
	free(sd->address);
	free(sd);
}

/* ---- marshalling -------------------------------------------------------------------- */

static bool append_value(DBusMessageIter *it, const struct sd_value *v, const char **why)
{
	switch (v->type) {
	case 'b': {
		dbus_bool_t b = v->b;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_BOOLEAN, &b);
	}
	case 'y': {
		unsigned char y = (unsigned char)v->u;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_BYTE, &y);
	}
	case 'q': {
		dbus_uint16_t q = (dbus_uint16_t)v->u;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT16, &q);
	}
	case 'u': {
		dbus_uint32_t u = (dbus_uint32_t)v->u;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &u);
	}
	case 't': {
		dbus_uint64_t t = v->u;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &t);
	}
	case 'n': {
		dbus_int16_t n = (dbus_int16_t)v->i;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_INT16, &n);
	}
	case 'i': {
		dbus_int32_t i = (dbus_int32_t)v->i;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_INT32, &i);
	}
	case 'x': {
		dbus_int64_t x = v->i;
		return dbus_message_iter_append_basic(it, DBUS_TYPE_INT64, &x);
	}
	case 'd':
		return dbus_message_iter_append_basic(it, DBUS_TYPE_DOUBLE, &v->d);
	case 's': case 'o': case 'g': {
		/* libdbus aborts on invalid input here, so check first (values come from
		 * config.json and annotations). */
		const char *s = v->s ? v->s : "";
		if (!dbus_validate_utf8(s, NULL)) {
			*why = "a string that is not valid UTF-8";
			return false;
		}
		if (v->type == 'o' && !dbus_validate_path(s, NULL)) {
			*why = "an invalid D-Bus object path";
			return false;
		}
		if (v->type == 'g' && !dbus_signature_validate(s, NULL)) {
			*why = "an invalid D-Bus signature";
			return false;
		}
		return dbus_message_iter_append_basic(it, v->type == 's' ? DBUS_TYPE_STRING
							 : v->type == 'o' ? DBUS_TYPE_OBJECT_PATH
									  : DBUS_TYPE_SIGNATURE,
						      &s);
	}
	case 'a': case 'r': {
		DBusMessageIter sub;
		if (!dbus_message_iter_open_container(it, v->type == 'a' ? DBUS_TYPE_ARRAY : DBUS_TYPE_STRUCT,
						      v->type == 'a' ? v->sig : NULL, &sub))
			return false;
		for (size_t i = 0; i < v->n; i++) {
			if (!append_value(&sub, &v->items[i], why)) {
				dbus_message_iter_abandon_container(it, &sub);
				return false;
			}
		}
		return dbus_message_iter_close_container(it, &sub);
	}
	}
	*why = "an unknown value type";
	return false;
}

/* props as a(sv) */
static int append_props(DBusMessageIter *it, const struct sd_props *ps, const char *unit, struct hull_error *err)
{
	DBusMessageIter arr = DBUS_MESSAGE_ITER_INIT_CLOSED;
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sv)", &arr))
		return hull_fail_plain(err, ENOMEM, "systemd unit %s: out of memory", unit);
	for (size_t i = 0; i < ps->n; i++) {
		DBusMessageIter st = DBUS_MESSAGE_ITER_INIT_CLOSED, var = DBUS_MESSAGE_ITER_INIT_CLOSED;
		const char *name = ps->p[i].name, *why = "out of memory";
		_cleanup_free_ char *sig = sd_value_signature(&ps->p[i].v);
		bool ok = dbus_signature_validate_single(sig, NULL);
		if (!ok)
			why = "an invalid value type";
		ok = ok && dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st) &&
		     dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &name) &&
		     dbus_message_iter_open_container(&st, DBUS_TYPE_VARIANT, sig, &var) &&
		     append_value(&var, &ps->p[i].v, &why) && dbus_message_iter_close_container(&st, &var) &&
		     dbus_message_iter_close_container(&arr, &st);
		if (!ok) {
			dbus_message_iter_abandon_container_if_open(&st, &var);
			dbus_message_iter_abandon_container_if_open(&arr, &st);
			dbus_message_iter_abandon_container_if_open(it, &arr);
			return hull_fail_plain(err, EINVAL, "systemd unit %s: property %s: %s", unit, name, why);
		}
	}
	dbus_message_iter_close_container(it, &arr);
	return 0;
}

static void error_move(struct hull_error *dst, struct hull_error *src)
{
	if (dst) {
		hull_error_clear(dst);
		*dst = *src;
	} else {
		hull_error_clear(src);
	}
	memset(src, 0, sizeof(*src));
}

/* ---- calls ------------------------------------------------------------------------------ */

static DBusMessage *manager_call(const char *method)
{
	return dbus_message_new_method_call(SD_DEST, SD_PATH, SD_MANAGER, method);
}

/* Send and wait for the reply. On a D-Bus error, *ename (if given) gets its name. */
static DBusMessage *call(struct hull_sd *sd, DBusMessage *m, char **ename, const char *what, struct hull_error *err)
{
	DBusError e;
	dbus_error_init(&e);
	DBusMessage *r = dbus_connection_send_with_reply_and_block(sd->conn, m, CALL_TIMEOUT_MS, &e);
	dbus_message_unref(m);
	if (r)
		return r;
	if (ename)
		*ename = xstrdup(e.name ? e.name : "");
	hull_fail_plain(err, EIO, "systemd: %s: %s", what, e.message ? e.message : e.name);
	dbus_error_free(&e);
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait for JobRemoved of job; *result gets its result ("done", "failed", ...). Returns 0,
 * -ETIMEDOUT, or -EPIPE if the connection went away. */
static int wait_job(struct hull_sd *sd, const char *job, char **result)
{
	uint64_t deadline = now_ms() + JOB_TIMEOUT_MS;
	for (;;) {
		DBusMessage *m;
		while ((m = dbus_connection_pop_message(sd->conn))) {
			dbus_uint32_t id;
			const char *path, *unit, *res;
			if (dbus_message_is_signal(m, SD_MANAGER, "JobRemoved") &&
			    dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &id, DBUS_TYPE_OBJECT_PATH, &path,
						  DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING, &res, DBUS_TYPE_INVALID) &&
			    strcmp(path, job) == 0) {
				*result = xstrdup(res);
				dbus_message_unref(m);
				return 0;
			}
			dbus_message_unref(m);
		}
		uint64_t now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		if (!dbus_connection_read_write(sd->conn, (int)(deadline - now)))
			return -EPIPE;
	}
}

static char *reply_job(DBusMessage *r)
{
	const char *job = NULL;
	if (!dbus_message_get_args(r, NULL, DBUS_TYPE_OBJECT_PATH, &job, DBUS_TYPE_INVALID))
		return NULL;
	return xstrdup(job);
}

static int reset_failed(struct hull_sd *sd, const char *unit, struct hull_error *err)
{
	DBusMessage *m = manager_call("ResetFailedUnit");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &unit, DBUS_TYPE_INVALID);
	_cleanup_free_ char *what = xasprintf("reset failed unit %s", unit);
	DBusMessage *r = call(sd, m, NULL, what, err);
	if (!r)
		return -1;
	dbus_message_unref(r);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);
	return l >= sl && strcmp(s + l - sl, suffix) == 0;
}

int hull_sd_start_unit(struct hull_sd *sd, const char *unit, const struct sd_props *props, struct hull_error *err)
{
	if (!dbus_validate_utf8(unit, NULL))
		return hull_fail_plain(err, EINVAL, "systemd: unit name \"%s\" is not valid UTF-8", unit);
	_cleanup_free_ char *what = xasprintf("start unit %s", unit);
	for (int attempt = 0;; attempt++) {
		DBusMessage *m = manager_call("StartTransientUnit");
		const char *mode = "replace";
		DBusMessageIter it, aux;
		dbus_message_iter_init_append(m, &it);
		dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &unit);
		dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &mode);
		if (append_props(&it, props, unit, err) < 0) {
			dbus_message_unref(m);
			return -1;
		}
		dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(sa(sv))", &aux);
		dbus_message_iter_close_container(&it, &aux);
		_cleanup_free_ char *ename = NULL;
		struct hull_error cerr = { 0 };
		DBusMessage *r = call(sd, m, &ename, what, &cerr);
		if (!r) {
			bool exists = ename && strcmp(ename, "org.freedesktop.systemd1.UnitExists") == 0;
			if (exists && ends_with(unit, ".slice")) {
				hull_error_clear(&cerr);
				return 0; /* a slice that is there already is what was asked for */
			}
			if (exists && attempt == 0) {
				/* maybe a failed leftover: reset it, so systemd drops it, and retry once */
				struct hull_error rerr = { 0 };
				if (reset_failed(sd, unit, &rerr) < 0)
					hull_warn("unable to reset failed unit: %s", rerr.msg);
				hull_error_clear(&rerr);
				hull_error_clear(&cerr);
				continue;
			}
			error_move(err, &cerr);
			return -1;
		}
		_cleanup_free_ char *job = reply_job(r), *result = NULL;
		dbus_message_unref(r);
		if (!job)
			return hull_fail_plain(err, EPROTO, "systemd: %s: no job in the reply", what);
		int w = wait_job(sd, job, &result);
		if (w == 0 && strcmp(result, "done") == 0)
			return 0;
		struct hull_error rerr = { 0 };
		reset_failed(sd, unit, &rerr);
		hull_error_clear(&rerr);
		if (w == -ETIMEDOUT)
			return hull_fail_plain(err, ETIMEDOUT, "systemd: timeout waiting for systemd to create %s", unit);
		if (w < 0)
			return hull_fail_plain(err, EPIPE, "systemd: connection lost while waiting for %s to start", unit);
		return hull_fail_plain(err, EIO, "systemd: error creating systemd unit %s: got \"%s\"", unit, result);
	}
}

int hull_sd_stop_unit(struct hull_sd *sd, const char *unit, struct hull_error *err)
{
	DBusMessage *m = manager_call("StopUnit");
	const char *mode = "replace";
	dbus_message_append_args(m, DBUS_TYPE_STRING, &unit, DBUS_TYPE_STRING, &mode, DBUS_TYPE_INVALID);
	_cleanup_free_ char *what = xasprintf("stop unit %s", unit), *ename = NULL;
	struct hull_error cerr = { 0 };
	DBusMessage *r = call(sd, m, &ename, what, &cerr);
	if (!r) {
		/* gone already (a scope goes with its last process) */
		bool gone = ename && strcmp(ename, "org.freedesktop.systemd1.NoSuchUnit") == 0;
		if (!gone) {
			error_move(err, &cerr);
			return -1;
		}
		hull_error_clear(&cerr);
	} else {
		_cleanup_free_ char *job = reply_job(r), *result = NULL;
		dbus_message_unref(r);
		int w = job ? wait_job(sd, job, &result) : -EPROTO;
		if (w == -ETIMEDOUT)
			return hull_fail_plain(err, ETIMEDOUT, "systemd: timed out while waiting for systemd to remove %s",
					       unit);
		if (w < 0)
			return hull_fail_plain(err, -w, "systemd: %s: no answer for the stop job", what);
		if (strcmp(result, "done") != 0)
			hull_warn("error removing unit `%s`: got `%s`. Continuing...", unit, result);
	}
	/* a failed unit stays loaded until reset */
	struct hull_error rerr = { 0 };
	reset_failed(sd, unit, &rerr);
	hull_error_clear(&rerr);
	return 0;
}

int hull_sd_set_properties(struct hull_sd *sd, const char *unit, const struct sd_props *props,
			   struct hull_error *err)
{
	if (props->n == 0)
		return 0;
	DBusMessage *m = manager_call("SetUnitProperties");
	dbus_bool_t runtime = TRUE;
	DBusMessageIter it;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &unit);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &runtime);
	if (append_props(&it, props, unit, err) < 0) {
		dbus_message_unref(m);
		return -1;
	}
	_cleanup_free_ char *what = xasprintf("set properties of unit %s", unit);
	DBusMessage *r = call(sd, m, NULL, what, err);
	if (!r)
		return -1;
	dbus_message_unref(r);
	return 0;
}

int hull_sd_manager_string(struct hull_sd *sd, const char *name, char **out, struct hull_error *err)
{
	*out = NULL;
	DBusMessage *m = dbus_message_new_method_call(SD_DEST, SD_PATH, "org.freedesktop.DBus.Properties", "Get");
	const char *iface = SD_MANAGER;
	dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	_cleanup_free_ char *what = xasprintf("get the manager's %s", name);
	DBusMessage *r = call(sd, m, NULL, what, err);
	if (!r)
		return -1;
	DBusMessageIter it, var;
	const char *s = NULL;
	if (dbus_message_iter_init(r, &it) && dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_VARIANT) {
		dbus_message_iter_recurse(&it, &var);
		if (dbus_message_iter_get_arg_type(&var) == DBUS_TYPE_STRING)
			dbus_message_iter_get_basic(&var, &s);
	}
	if (s)
		*out = xstrdup(s);
	dbus_message_unref(r);
	if (!*out)
		return hull_fail_plain(err, EPROTO, "systemd: %s: not a string", what);
	return 0;
}

int hull_sd_version(struct hull_sd *sd)
{
	if (sd->version)
		return sd->version;
	sd->version = -1;
	_cleanup_free_ char *v = NULL;
	struct hull_error e = { 0 };
	if (hull_sd_manager_string(sd, "Version", &v, &e) == 0) {
		/* "252.33-1~deb12u1", "v245.4-1.fc32", "245" */
		const char *p = v;
		while (*p == 'v' || *p == '"')
			p++;
		int n = atoi(p);
		sd->version = n > 0 ? n : -1;
	} else {
		hull_debug("unable to get systemd version: %s", e.msg);
	}
	hull_error_clear(&e);
	return sd->version;
}
