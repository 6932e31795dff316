#!/usr/bin/env bats
# systemd.bats - the systemd cgroup driver (--systemd-cgroup) on a host without systemd as
# PID 1, like this one: runc's refusals, in runc's order, with errors that name what is
# wrong, and nothing left behind. The driver itself (scopes, unit properties, update,
# pause, delete, containerd and podman on top) runs in a systemd-booted VM:
# make check-vm-systemd (tests/vm-systemd).

load ../lib/helpers
load ../lib/suite-hooks

setup_file() {
	export HULL_TEST_AREA=sd
	hull_setup_file
}

no_systemd() {
	[ ! -d /run/systemd/system ] || skip "systemd runs on this host (the driver is tested by make check-vm-systemd)"
}

sdrun() { # id [global options...]
	local id=$1
	shift
	run "$HULL" --root "$HULL_ROOT" --systemd-cgroup "$@" run --bundle "$BUNDLE" "$id" </dev/null
}

@test "systemd: without systemd, --systemd-cgroup is refused as runc refuses it; nothing is left" {
	no_systemd
	local id
	id=$(hull_id nosd)
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:hulltest:$id"
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"systemd not running on this host, cannot use systemd cgroups manager"* ]] || { echo "$output"; false; }
	[ ! -e "$HULL_ROOT/$id" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "hulltest-$id.scope")" ]
	check_no_debris
}

@test "systemd: a cgroupsPath that is not slice:prefix:name is named (before anything else, as runc)" {
	local id
	id=$(hull_id badpath)
	update_config '.linux.cgroupsPath = "system.slice:onlytwo"'
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.cgroupsPath: expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"system.slice:onlytwo\"'* ]] || { echo "$output"; false; }
	update_config '.linux.cgroupsPath = "bad--name.slice:p:n"'
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.cgroupsPath: invalid slice name: bad--name.slice"* ]] || { echo "$output"; false; }
	check_no_debris
}

@test "systemd: org.systemd.property.* annotations are checked as runc checks them, and named" {
	local id
	id=$(hull_id ann)
	update_config '.annotations = {"org.systemd.property.A1": "true"}'
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"annotation org.systemd.property.A1 name incorrect: too short"* ]] || { echo "$output"; false; }
	update_config '.annotations = {"org.systemd.property.Abc": "[]"}'
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"annotation org.systemd.property.Abc=[] value parse error"* ]] || { echo "$output"; false; }
	update_config '.annotations = {"org.systemd.property.TimeoutStopSec": "'"'"'ten'"'"'"}'
	sdrun "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"annotation org.systemd.property.TimeoutStopSec='ten' value parse error"* ]] || { echo "$output"; false; }
	check_no_debris
}

@test "systemd: with the cgroupfs driver, org.systemd.property.* annotations are not read (runc)" {
	local id
	id=$(hull_id fsann)
	update_config '.annotations = {"org.systemd.property.A1": "[]"}'
	run "$HULL" --root "$HULL_ROOT" run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	check_no_debris
}
