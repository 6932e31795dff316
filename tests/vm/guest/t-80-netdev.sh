# t-80-netdev.sh - linux.netDevices with the libmnl hull (dynamic, /bin/hull-netdev) on pure
# cgroup v2 (issue 20). In a network namespace the test makes, veth pairs (and a dummy where
# the module loads) go into containers, renamed or not, with their addresses, up; delete
# leaves them in the container's netns as the runtime spec requires (one given by path keeps
# them, with one hull made the kernel destroys them); bad entries fail with the JSON path and
# leave nothing behind. Skips, with the reason, when run.sh had no libmnl hull to put here.
. /tests/lib.sh
if [ -f /tests/netdev.skip ]; then
	skip "linux.netDevices in the VM" "$(cat /tests/netdev.skip)"
	exit 0
fi
if ! insmod /lib/modules/veth.ko 2>/tmp/nd-insmod.out && ! grep -q File.exists /tmp/nd-insmod.out; then
	skip "linux.netDevices in the VM" "veth module does not load: $(cat /tmp/nd-insmod.out)"
	exit 0
fi
check "netdev: the libmnl hull runs here and reports netDevices" \
	sh -c 'hull-netdev features | grep -A1 "\"netDevices\"" | grep -q "\"enabled\": true"'

# holder: a process keeping a new network namespace; its pid on stdout. cwd / and stdio
# on /dev/null so that nothing waits on it.
holder() {
	(cd / && exec unshare -n sleep 600 </dev/null >/dev/null 2>&1) &
	p=$!
	wait_until "[ \"\$(readlink /proc/$p/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
	echo $p
}
TNS=$(holder) # the test's own netns: the runtime's, as seen by hull-netdev
CNS=$(holder) # a container netns given by path: it outlives the containers
tns() { nsenter -t "$TNS" -n "$@"; }
cns() { nsenter -t "$CNS" -n "$@"; }
NH="nsenter -t $TNS -n hull-netdev --root $HROOT"
nh() { $NH "$@"; }
# veth NAME ADDR...: NAME (up, with ADDRs) and its peer NAME-p in the test netns. busybox ip
# cannot name the peer: make the pair here and rename both.
veth() {
	n=$1; shift
	tns ip link add tmpveth type veth && tns ip link set veth0 name "$n-p" && tns ip link set tmpveth name "$n" || return 1
	for a in "$@"; do tns ip addr add "$a" dev "$n" || return 1; done
	tns ip link set "$n" up
}
# ndbundle DIR ARGS NETDEVS [NETNS PATH]: a bundle with a network namespace (by path when given).
ndbundle() {
	ns='{"type":"network"}'
	[ -n "${4:-}" ] && ns="{\"type\":\"network\",\"path\":\"$4\"}"
	mkbundle "$1" '{}' "$2" "" ",$ns" ",\"netDevices\":$3"
	sed -i "s|/hull-vm-ct/|/hull-vm-nd/|" "$1/config.json"
}
# ndcreate DIR ID: create from DIR; hull's output (the container keeps its stdio: a file,
# never a pipe) is shown afterwards.
ndcreate() {
	(cd "$1" && nh create "$2") </dev/null >/tmp/nd-$2.out 2>&1
	r=$?
	cat /tmp/nd-$2.out
	return $r
}
no_debris() { # DESC ID...: no state entry, cgroup or process of these containers
	left=""
	for id in "$@"; do
		[ -e "$HROOT/$id" ] && left="$left state:$id"
		[ -e "$CG/hull-vm-nd/$id" ] && left="$left cgroup:$id"
	done
	for p in /proc/[0-9]*; do
		case "$(readlink $p/root 2>/dev/null)" in /rootfs*) left="$left pid:${p#/proc/}" ;; esac
	done
	expect_eq "$1" "" "$left"
}
# refused WHAT DIR ID PATTERN DEV CIDR: the create fails with PATTERN (naming the JSON path);
# DEV is (back) in the test netns with its address CIDR; nothing of ID is left.
refused() {
	expect_fail_match "netdev: $1 fails with the JSON path" "$4" ndcreate "$2" "$3"
	expect_match "netdev: after $1, $5 is in the test netns with its address" "inet $6" tns ip -o addr show dev "$5"
	no_debris "netdev: after $1, no state, cgroup or process" "$3"
}

# 1. renamed, IPv4 + IPv6, up; delete -f leaves it in the netns given by path
veth vnd0 10.77.0.1/24 fd77::1/64 || notok "netdev: make a veth pair in the test netns"
ndbundle /tmp/b/nd0 '["sleep","300"]' '{"vnd0":{"name":"ceth0"}}' /proc/$CNS/ns/net
check "netdev: create moves vnd0 in as ceth0" ndcreate /tmp/b/nd0 nd0
expect_fail_match "netdev: vnd0 is gone from the test netns" "" tns ip link show vnd0
check "netdev: its peer stays" tns ip link show vnd0-p
check "netdev: start" nh start nd0
expect_match "netdev: inside, ceth0 has its IPv4 address" 'inet 10\.77\.0\.1/24' nh exec nd0 ip -o addr show dev ceth0
expect_match "netdev: inside, ceth0 has its IPv6 address" 'inet6 fd77::1/64' nh exec nd0 ip -o addr show dev ceth0
expect_match "netdev: inside, ceth0 is up" '<.*UP.*>' nh exec nd0 ip -o link show ceth0
check "netdev: delete -f" nh delete -f nd0
# runtime spec: the runtime MUST NOT move it out; the netns' owner keeps it
expect_match "netdev: after delete, ceth0 stays in the container's netns (not moved out)" \
	'inet 10\.77\.0\.1/24' cns ip -o addr show dev ceth0
expect_match "netdev: after delete, ceth0 keeps its IPv6 address there" 'inet6 fd77::1/64' cns ip -o addr show dev ceth0
expect_fail_match "netdev: after delete, nothing named vnd0 came back to the test netns" "" tns ip link show vnd0
no_debris "netdev: delete left no state, cgroup or process" nd0

# 2. its own name, a netns hull made: run to completion; the kernel destroys the pair with it
veth vnd1 || notok "netdev: make a second veth pair"
ndbundle /tmp/b/nd1 '["ip","-o","link","show","vnd1"]' '{"vnd1":{}}'
expect_match "netdev: without a name it keeps its own (run)" 'vnd1' sh -c "cd /tmp/b/nd1 && $NH run nd1 </dev/null"
wait_until "! tns ip link show vnd1-p >/dev/null 2>&1"
expect_fail_match "netdev: a veth in a netns hull made dies with it (no pin, no move back)" "" tns ip link show vnd1
expect_fail_match "netdev: and so does its peer" "" tns ip link show vnd1-p
no_debris "netdev: run left no state, cgroup or process" nd1

# 3. a name template
veth vnd2 || notok "netdev: make a third veth pair"
ndbundle /tmp/b/nd2 '["sh","-c","ip -o link show | grep -o \"ceth[0-9]*\" | head -n1"]' '{"vnd2":{"name":"ceth%d"}}'
expect_eq "netdev: a ceth%d template is expanded by the kernel" "ceth0" "$(cd /tmp/b/nd2 && nh run nd2 </dev/null 2>&1)"

# 4. a dummy, when the module loads
if ! insmod /lib/modules/dummy.ko 2>/tmp/nd-insmod.out && ! grep -q File.exists /tmp/nd-insmod.out; then
	skip "netdev: a dummy device" "dummy module does not load: $(cat /tmp/nd-insmod.out 2>/dev/null || echo missing)"
elif ! tns ip link add vnd3 type dummy 2>/tmp/nd-dummy.out; then
	skip "netdev: a dummy device" "cannot make one: $(cat /tmp/nd-dummy.out)"
else
	tns ip addr add 10.79.0.1/24 dev vnd3
	ndbundle /tmp/b/nd3 '["ip","-o","addr","show","dev","d0"]' '{"vnd3":{"name":"d0"}}' /proc/$CNS/ns/net
	expect_match "netdev: a dummy device goes in renamed with its address" 'inet 10\.79\.0\.1/24' \
		sh -c "cd /tmp/b/nd3 && $NH run nd3 </dev/null"
	check "netdev: the dummy stays in the netns given by path after delete" cns ip link show d0
fi

# 5. a missing device: the one moved before it comes back with its address
veth vnd4 10.80.0.1/24 || notok "netdev: make a veth pair for the failures"
ndbundle /tmp/b/nd4 '["sleep","300"]' '{"vnd4":{"name":"x0"},"nosuch0":{}}'
refused "a missing device" /tmp/b/nd4 nd4 'config.json: linux.netDevices.nosuch0: no such device' vnd4 10.80.0.1/24

# 6. in use by another container; 7. a name taken inside; 8. a bad name
ndbundle /tmp/b/nd5 '["sleep","300"]' '{"vnd4":{}}'
check "netdev: a container takes vnd4" ndcreate /tmp/b/nd5 nd5
ndbundle /tmp/b/nd6 '["sleep","300"]' '{"vnd4":{}}'
expect_fail_match "netdev: a device in use by another container fails with the JSON path" \
	'config.json: linux.netDevices.vnd4: no such device' ndcreate /tmp/b/nd6 nd6
no_debris "netdev: that failed create left nothing" nd6
check "netdev: delete the holder of vnd4" nh delete -f nd5
veth vnd5 10.81.0.1/24 || notok "netdev: make a veth pair for the name clash"
ndbundle /tmp/b/nd7 '["sleep","300"]' '{"vnd5":{"name":"lo"}}'
refused "a name that exists inside" /tmp/b/nd7 nd7 \
	'config.json: linux.netDevices.vnd5: a device named .*lo.* exists in the target network namespace' vnd5 10.81.0.1/24
ndbundle /tmp/b/nd8 '["true"]' '{"a/b":{}}'
expect_fail_match "netdev: a bad name fails with the JSON path" \
	'config.json: linux.netDevices\[.*a/b.*\]: invalid network device name' ndcreate /tmp/b/nd8 nd8
ndbundle /tmp/b/nd9 '["true"]' '{"vnd5":{}}'
# the VM's static hull has no libmnl: it refuses, naming the build that has it
expect_fail_match "netdev: the static hull refuses netDevices and names the build with them" \
	'built without libmnl.*--disable-static-runtime' sh -c "cd /tmp/b/nd9 && hull --root $HROOT create nd9 </dev/null"
no_debris "netdev: nothing left of the refused creates" nd7 nd8 nd9 nd5

kill "$TNS" "$CNS" 2>/dev/null
rmdir $CG/hull-vm-nd 2>/dev/null
