/* dbus.h - hull's client of systemd's D-Bus API (org.freedesktop.systemd1),
 * through libdbus-1: transient units for the systemd cgroup driver. */
#ifndef HULL_SYSTEMD_DBUS_H
#define HULL_SYSTEMD_DBUS_H

#include "unit_props.h"

struct hull_sd;

/* "libdbus-1 1.14.10": the library doing the D-Bus work (for hull features). Caller frees. */
char *hull_sd_library_version(void);
/* True if systemd is the init of this host (as sd_booted(3) and runc: /run/systemd/system). */
bool hull_sd_booted(void);
/* Connect to the system instance (root: systemd's private socket, else the system bus)
 * or, rootless, to the user's instance on the session bus (DBUS_SESSION_BUS_ADDRESS,
 * else $XDG_RUNTIME_DIR/bus), else its private socket ($XDG_RUNTIME_DIR/systemd/private).
 * The error names every address tried. */
int hull_sd_connect(bool user, struct hull_sd **out, struct hull_error *err);
void hull_sd_close(struct hull_sd *sd);
/* StartTransientUnit(unit, "replace", props) and wait (30 s) for its job. A unit of that
 * name left over (failed) is reset and the start retried once, as runc does; a slice
 * that exists already is fine. */
int hull_sd_start_unit(struct hull_sd *sd, const char *unit, const struct sd_props *props, struct hull_error *err);
/* StopUnit(unit, "replace") and wait for the job, then ResetFailedUnit. A unit systemd
 * does not know (gone with its last process) is not an error. */
int hull_sd_stop_unit(struct hull_sd *sd, const char *unit, struct hull_error *err);
/* SetUnitProperties(unit, runtime=true, props). */
int hull_sd_set_properties(struct hull_sd *sd, const char *unit, const struct sd_props *props,
			   struct hull_error *err);
/* A string property of the manager (e.g. "ControlGroup", "Version"). Caller frees. */
int hull_sd_manager_string(struct hull_sd *sd, const char *name, char **out, struct hull_error *err);
/* systemd's version number (from "Version"), -1 if unknown; cached per connection. */
int hull_sd_version(struct hull_sd *sd);

#endif
