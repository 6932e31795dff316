#!/usr/bin/env bats
# netdev.bats - linux.netDevices: host interfaces moved into the container's network
# namespace (renamed, with their addresses, up) and left there at delete, as the runtime
# spec requires (the netns' owner, or the kernel when it dies, decides: see netdev.h);
# bad entries fail with the JSON path and leave nothing behind; a hull built without
# libmnl refuses them.
#
# Never on the host's network: every test makes its own network namespace (a holder
# process `unshare -n sleep`), creates its veth pairs (and a dummy where the kernel has
# the module) there and runs hull inside it with `nsenter -n` (only the netns, as in
# real use). A container that must keep its netns past delete gets one by path from a
# second holder (ctns). teardown deletes the containers from the test netns too.
#
# The moving tests need the dynamic build (./configure --disable-static-runtime, or
# `make check-netdev`, which builds one and runs this file with it); with the static
# build they skip and the refusal test runs instead.

load ../lib/helpers
load ../lib/suite-hooks

setup_file() {
	export HULL_TEST_AREA=nd
	hull_setup_file
}

# netns_holder: a process holding a new network namespace, its pid in HOLDER_PID once
# the namespace is there. cwd / and no bats fds, so neither bats nor check_no_debris
# wait on it.
netns_holder() {
	(cd / && exec unshare -n sleep 600 </dev/null >/dev/null 2>&1 3>&- 4>&-) &
	HOLDER_PID=$!
	local i
	for i in $(seq 50); do
		[ "$(readlink /proc/$HOLDER_PID/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
}

setup() {
	hull_setup
	need_cmd unshare
	need_cmd nsenter
	need_cmd ip
	netns_holder
	TESTNS_PID=$HOLDER_PID
	debris_snapshot
}

teardown() {
	local id
	for id in $(ls -A "$HULL_ROOT" 2>/dev/null); do
		nhull delete -f "$id" >/dev/null 2>&1 || true
	done
	kill "$TESTNS_PID" ${CTNS_PID:-} 2>/dev/null || true
	wait "$TESTNS_PID" ${CTNS_PID:-} 2>/dev/null || true
	hull_teardown
}

# Run in the test's network namespace.
tns() {
	nsenter -t "$TESTNS_PID" -n "$@"
}

# ctns_config: a second holder's netns becomes the container's (linux.namespaces path),
# so that it outlives the container; cns runs in it.
ctns_config() {
	netns_holder
	CTNS_PID=$HOLDER_PID
	update_config "(.linux.namespaces[] | select(.type == \"network\")).path = \"/proc/$CTNS_PID/ns/net\""
}
cns() {
	nsenter -t "$CTNS_PID" -n "$@"
}

# hull (with this file's --root) in the test's network namespace.
nhull() {
	tns "$HULL" --root "$HULL_ROOT" "$@"
}

has_netdevices() {
	"$HULL" features | jq -e '.linux.netDevices.enabled' >/dev/null
}

need_netdevices() {
	has_netdevices || skip "this hull is built without libmnl (static): see make check-netdev"
}

# veth pair NAME + NAME-p in the test netns; NAME gets ADDRS (CIDRs) and is set up.
make_veth() {
	local name=$1
	shift
	tns ip link add "$name" type veth peer name "$name-p"
	local a
	for a in "$@"; do
		tns ip addr add "$a" dev "$name"
	done
	tns ip link set "$name" up
}

netdevs() {
	update_config ".linux.netDevices = $1"
}

# nd_create ID: create in the test netns from $BUNDLE.
nd_create() {
	(cd "$BUNDLE" && nhull create "$1")
}

# runf CMD...: bats' `run` with stdio on a file: a created container keeps hull's
# stdout, and `run` would wait for that pipe to close.
runf() {
	local f=$BATS_TEST_TMPDIR/runf.out
	status=0
	"$@" </dev/null >"$f" 2>&1 3>&- || status=$?
	output=$(cat "$f")
}

@test "netDevices: moved in renamed, with IPv4 and IPv6 addresses and up; delete -f leaves it in the container's netns" {
	need_netdevices
	make_veth vnd0 10.77.0.1/24 fd77::1/64
	ctns_config
	netdevs '{"vnd0": {"name": "ceth0"}}'
	set_args sleep 100
	local id
	id=$(hull_id rename)
	runf nd_create "$id"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# gone from the test netns, its peer still there
	run tns ip link show vnd0
	[ "$status" -ne 0 ]
	tns ip link show vnd0-p >/dev/null
	runf nhull start "$id"
	[ "$status" -eq 0 ]
	run nhull exec "$id" ip -o addr show dev ceth0
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'inet 10.77.0.1/24 .*scope global'
	echo "$output" | grep -q 'inet6 fd77::1/64 scope global'
	run nhull exec "$id" ip -o link show ceth0
	echo "$output" | grep -q '<.*UP.*>'
	nhull delete -f "$id"
	# runtime-spec: the runtime MUST NOT move it out; the netns' owner keeps it
	run tns ip link show vnd0
	[ "$status" -ne 0 ]
	run cns ip -o addr show dev ceth0
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'inet 10.77.0.1/24'
	echo "$output" | grep -q 'inet6 fd77::1/64'
	check_no_debris
}

@test "netDevices: in a netns hull made, nothing keeps it past the container: the kernel destroys the veth (and its peer)" {
	need_netdevices
	make_veth vnd1
	netdevs '{"vnd1": {}}'
	set_args sh -c 'ip -o link show vnd1'
	local id
	id=$(hull_id keep)
	runf nd_create "$id"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	runf nhull start "$id"
	[ "$status" -eq 0 ]
	wait_for_status "$id" stopped
	nhull delete "$id"
	# no pin, no move back: the netns died with the init and took the veth pair along
	local i
	for i in $(seq 50); do
		tns ip link show vnd1-p >/dev/null 2>&1 || break
		sleep 0.1
	done
	run tns ip link show vnd1
	[ "$status" -ne 0 ]
	run tns ip link show vnd1-p
	[ "$status" -ne 0 ]
	[ ! -e "$HULL_ROOT/$id" ]
	check_no_debris
}

@test "netDevices: the container sees the device with its name template expanded (eth%d)" {
	need_netdevices
	make_veth vnd2
	netdevs '{"vnd2": {"name": "ceth%d"}}'
	set_args sh -c 'ip -o link show | grep -o "ceth[0-9]*" | head -1'
	local id
	id=$(hull_id tmpl)
	(cd "$BUNDLE" && nhull run "$id") </dev/null >"$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = ceth0 ]
	check_no_debris
}

@test "netDevices: two devices, and the slow path (a time namespace) also gets them" {
	need_netdevices
	[ -e /proc/self/ns/time ] || skip "no time namespaces"
	make_veth vnd3 10.78.0.1/24
	make_veth vnd4
	netdevs '{"vnd3": {"name": "a0"}, "vnd4": {"name": "b0"}}'
	update_config '.linux.namespaces += [{"type": "time"}]'
	set_args sh -c 'ip -o addr show dev a0; ip -o link show b0'
	local id
	id=$(hull_id slow)
	run bash -c "cd '$BUNDLE' && nsenter -t $TESTNS_PID -n '$HULL' --root '$HULL_ROOT' run '$id' </dev/null"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	echo "$output" | grep -q 'a0 .*inet 10.78.0.1/24'
	echo "$output" | grep -q 'b0'
	check_no_debris
}

@test "netDevices: a dummy device goes in and stays in a netns given by path (kernel module permitting)" {
	need_netdevices
	tns ip link add vnd5 type dummy 2>/dev/null || skip "no dummy network device support in this kernel"
	tns ip addr add 10.79.0.1/24 dev vnd5
	ctns_config
	netdevs '{"vnd5": {"name": "d0"}}'
	set_args sh -c 'ip -o addr show dev d0'
	local id
	id=$(hull_id dummy)
	run bash -c "cd '$BUNDLE' && nsenter -t $TESTNS_PID -n '$HULL' --root '$HULL_ROOT' run '$id' </dev/null"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'inet 10.79.0.1/24'
	cns ip -o addr show dev d0 | grep -q 'inet 10.79.0.1/24'
	run tns ip link show vnd5
	[ "$status" -ne 0 ]
	check_no_debris
}

@test "netDevices: a missing device fails with the JSON path and leaves nothing behind" {
	need_netdevices
	make_veth vnd6 10.80.0.1/24
	# the first one is moved, then the second is missing: the first must come back
	netdevs '{"vnd6": {"name": "x0"}, "nosuch0": {}}'
	runf nd_create "$(hull_id missing)"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices.nosuch0: no such device'* ]] || { echo "$output"; false; }
	tns ip -o addr show dev vnd6 | grep -q 'inet 10.80.0.1/24'
	check_no_debris
}

@test "netDevices: a device in use by another container, or a name taken inside, fails cleanly" {
	need_netdevices
	make_veth vnd7 10.81.0.1/24
	netdevs '{"vnd7": {}}'
	set_args sleep 100
	local a b
	a=$(hull_id first)
	b=$(hull_id second)
	runf nd_create "$a"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	debris_snapshot
	runf nd_create "$b"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices.vnd7: no such device'* ]] || { echo "$output"; false; }
	check_no_debris
	nhull delete -f "$a"
	# "lo" exists in every new network namespace (vnd7 died with a's netns: a new pair)
	make_veth vnd7b 10.81.0.1/24
	debris_snapshot
	netdevs '{"vnd7b": {"name": "lo"}}'
	runf nd_create "$b"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices.vnd7b: a device named \"lo\" exists in the target network namespace'* ]] || { echo "$output"; false; }
	tns ip -o addr show dev vnd7b | grep -q 'inet 10.81.0.1/24'
	check_no_debris
}

@test "netDevices: bad names and a missing network namespace are refused before anything is made" {
	need_netdevices
	netdevs '{"a/b": {}}'
	runf nd_create "$(hull_id badname)"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices[\"a/b\"]: invalid network device name \"a/b\"'* ]] || { echo "$output"; false; }
	netdevs '{"vnd8": {"name": "a-very-long-name0"}}'
	runf nd_create "$(hull_id longname)"
	[[ "$output" == *'config.json: linux.netDevices.vnd8.name: invalid network device name \"a-very-long-name0\"'* ]] || { echo "$output"; false; }
	make_veth vnd8
	netdevs '{"vnd8": {}}'
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	runf nd_create "$(hull_id nonetns)"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices: needs a network namespace'* ]] || { echo "$output"; false; }
	tns ip link show vnd8 >/dev/null
	check_no_debris
}

@test "netDevices: a hull without libmnl refuses them and says which build has them" {
	has_netdevices && skip "this hull is built with libmnl"
	netdevs '{"eth9": {}}'
	runf bash -c "cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' create '$(hull_id static)'"
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.netDevices: this hull was built without libmnl (static build); build with ./configure --disable-static-runtime'* ]] || { echo "$output"; false; }
	check_no_debris
}
