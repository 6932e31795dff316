#!/usr/bin/env bash
# valgrind.sh - memcheck over hull's main CLI paths; prints TAP, exits non-zero on any
# memcheck error or leak.
#
#   HULL=/path/to/dynamic/hull tests/valgrind.sh     (make check-valgrind builds one)
#
# Paths: spec (+ --rootless), features, --version, state / list (empty root, a created
# container, json and quiet formats), create failures (no bundle, broken config.json
# fixtures, bad rootfs, duplicate id, bad seccomp profile, mount inside /proc, a missing
# network device with a libmnl hull), kill and
# delete (also of a missing container). The containers themselves are made without
# memcheck (valgrind 3.19 lacks openat2, which the rootfs setup needs). The binary must be dynamically linked:
# valgrind cannot replace malloc in a static one and would miss every leak.
#
# valgrind's own exit code for "memcheck found something" is 99, so hull's expected
# failures (exit 1) stay distinguishable. Forked children (the container init until
# its execve) are silent: they end in _exit/execve without freeing by design.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HULL=${HULL:-$top/hull}
command -v valgrind >/dev/null || { echo "1..0 # skip valgrind not installed"; exit 0; }
if ! ldd "$HULL" >/dev/null 2>&1; then
	echo "valgrind.sh: $HULL is not dynamically linked (make check-valgrind builds one)" >&2
	exit 1
fi
work=$(mktemp -d /tmp/hull-vg.XXXXXX)
root=$work/root
trap 'for id in $(ls -A "$root" 2>/dev/null); do "$HULL" --root "$root" delete -f "$id" >/dev/null 2>&1; done; rm -rf "$work"' EXIT
mkdir -p "$root"

VG=(valgrind --quiet --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --child-silent-after-fork=yes
	--track-fds=no --num-callers=30)

n=0 failed=0
VG_IN=() # a prefix, e.g. nsenter into a test network namespace
# vg NAME WANT-STATUS ARGS... : run hull under memcheck in $work/cwd
vg() {
	local name=$1 want=$2 log=$work/vg.log
	shift 2
	n=$((n + 1))
	(cd "$work/cwd" && "${VG_IN[@]}" "${VG[@]}" --log-file="$log" "$HULL" --root "$root" "$@") </dev/null >"$work/out" 2>&1
	local st=$?
	# valgrind's "--PID-- WARNING: unhandled syscall" lines (seccomp, which libseccomp
	# probes) are not memcheck findings; "==PID==" lines are.
	if [ "$st" = 99 ] || grep -q '^==[0-9]*==' "$log" 2>/dev/null; then
		echo "not ok $n - $name: memcheck reported errors"
		sed 's/^/# /' "$log" | head -n 80
		failed=$((failed + 1))
	elif [ "$want" != any ] && [ "$st" != "$want" ]; then
		echo "not ok $n - $name: exit status $st, wanted $want"
		sed 's/^/# /' "$work/out" | head -n 20
		failed=$((failed + 1))
	else
		echo "ok $n - $name"
	fi
	rm -f "$log"
}

# A bundle with a busybox rootfs and the default config (args: sleep).
bundle=$work/cwd
mkdir -p "$bundle"
"$top/tests/lib/make-rootfs.sh" "$bundle/rootfs" >/dev/null || { echo "1..0 # skip no busybox rootfs"; exit 0; }

echo "# hull: $HULL"
vg "spec" 0 spec
mv "$bundle/config.json" "$work/config.default.json"
vg "spec --rootless" 0 spec --rootless
rm -f "$bundle/config.json"
vg "features" 0 features
vg "--version" 0 --version
vg "list (empty root)" 0 list
vg "list -f json (empty root)" 0 list -f json
vg "state (no such container)" 1 state nosuch
vg "delete (no such container)" 1 delete nosuch
vg "kill (no such container)" 1 kill nosuch KILL

# create failures
vg "create: no bundle" 1 create --bundle "$work/nope" c1
vg "create: no config.json" 1 create c1
for f in "$top"/tests/fixtures/configs/broken/*.json; do
	cp "$f" "$bundle/config.json"
	vg "create: broken config $(basename "$f" .json)" 1 create c1
done
jq '.process.args = ["sleep","30"] | .process.terminal = false' "$work/config.default.json" >"$bundle/config.json"
jq '.root.path = "nope"' "$bundle/config.json" >"$work/c.json" && cp "$work/c.json" "$bundle/config.json.norootfs"
cp "$bundle/config.json" "$work/config.good.json"
cp "$bundle/config.json.norootfs" "$bundle/config.json"
vg "create: rootfs missing" 1 create c1
jq '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_NOTIFY"}]}' \
	"$work/config.good.json" >"$bundle/config.json"
vg "create: seccomp notify without listener" 1 create c1
jq '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/nonexistent/hull.sock",
	"syscalls":[{"names":["getppid"],"action":"SCMP_ACT_NOTIFY"}]}' "$work/config.good.json" >"$bundle/config.json"
vg "create: seccomp listener unreachable" 1 create c1
jq '.mounts += [{"destination":"/proc/sys/kernel","type":"proc","source":"proc"}]' "$work/config.good.json" >"$bundle/config.json"
vg "create: mount inside /proc" 1 create c1
# linux.netDevices (a libmnl hull): a veth moved in, then a missing device: the create
# fails and moves the veth back (netlink requests go out zeroed: no heap bytes in their
# padding). In a throwaway network namespace, never the host's.
if "$HULL" features | jq -e '.linux.netDevices.enabled' >/dev/null && command -v ip >/dev/null; then
	(cd / && exec unshare -n sleep 600 </dev/null >/dev/null 2>&1) &
	holder=$!
	for _ in $(seq 50); do
		[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	nsenter -t "$holder" -n ip link add vg0 type veth peer name vg0-p
	nsenter -t "$holder" -n ip addr add 10.99.0.1/24 dev vg0
	jq '.linux.netDevices = {"vg0": {"name": "x0"}, "nosuch0": {}}' "$work/config.good.json" >"$bundle/config.json"
	VG_IN=(nsenter -t "$holder" -n)
	vg "create: netDevices with a missing device (the moved one goes back)" 1 create c1
	VG_IN=()
	kill "$holder"
	wait "$holder" 2>/dev/null
fi
jq --slurpfile p "$top/tests/fixtures/seccomp/default.json" '.linux.seccomp = $p[0]' "$work/config.good.json" >"$bundle/config.json"

# A real container, made without memcheck: valgrind 3.19 has no openat2 (the rootfs
# resolver needs it), so a successful create cannot run under it.
(cd "$bundle" && "$HULL" --root "$root" create c1) </dev/null >/dev/null 2>&1 || echo "# warning: create c1 failed"
vg "create: duplicate id" 1 create c1
vg "state (created)" 0 state c1
vg "list (one container)" 0 list
vg "list -q" 0 list -q
vg "list -f json" 0 list -f json
vg "delete: created container without -f" any delete c1
"$HULL" --root "$root" delete -f c1 >/dev/null 2>&1
(cd "$bundle" && "$HULL" --root "$root" create c2) </dev/null >/dev/null 2>&1
"$HULL" --root "$root" start c2 </dev/null >/dev/null 2>&1
vg "state (running)" 0 state c2
vg "kill" 0 kill c2 KILL
for _ in $(seq 50); do
	[ "$("$HULL" --root "$root" state c2 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
vg "delete (stopped)" 0 delete c2
vg "state (deleted)" 1 state c2

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
