#!/bin/bash
# t-45-systemd-driver-faults: what is left when things go wrong with the systemd driver.
# A create SIGKILLed while its scope exists: delete -f finds the scope in hull's crash record
# and stops it (runc 1.1.5 keeps no record: its delete -f leaves the scope running, so that
# assertion is hull's only). No systemd private socket: the system bus is used. No way to
# reach systemd at all: refused, nothing left.
. "$(dirname "$0")/lib.sh"
mkdir -p /run/hull-vm-b
# (a) create SIGKILLed while its createRuntime hook runs (the scope exists then); delete -f
id=$(ct crash)
u=hullt-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullt:$id" '["sleep","300"]'
jq '.hooks.createRuntime = [{"path":"/bin/sleep","args":["sleep","30"]}]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
rts create --bundle "$b" "$id" </dev/null >/dev/null 2>&1 &
cpid=$!
wait_until "[ \"\$(unit_state $u)\" = active ]"
expect_eq "crash: scope active while create runs" active "$(unit_state $u)"
kill -9 $cpid; wait $cpid 2>/dev/null
echo "# after SIGKILL: unit $(unit_state $u), state $(state_of $id)"
check "crash: delete -f" rt delete -f "$id"
if [ "$RUNTIME" = runc ]; then
	skip "crash: no unit" "runc 1.1.5 keeps no crash record"
	skip "crash: no cgroup" "runc 1.1.5 keeps no crash record"
	systemctl stop "$u" >/dev/null 2>&1
else
	expect_eq "crash: no unit" "" "$(unit_listed $u)"
	expect_eq "crash: no cgroup" no "$([ -d /sys/fs/cgroup/system.slice/$u ] && echo yes || echo no)"
fi
expect_eq "crash: no state" no "$([ -d $RTROOT/$id ] && echo yes || echo no)"
pkill -x -f "sleep 30" 2>/dev/null # the hook, orphaned by the SIGKILL

# (b) no private socket: the system bus
id=$(ct sysbus)
u=hullt-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullt:$id" '["true"]'
out=$(unshare -m sh -c "mount --bind /dev/null /run/systemd/private && $RT_BIN --root $RTROOT --debug --systemd-cgroup run --bundle $b $id" </dev/null 2>&1)
rc=$?
expect_eq "system bus: run" 0 "$rc"
[ "$RUNTIME" = hull ] && expect_match "system bus: hull says which bus" "connected to unix:path=/run/dbus/system_bus_socket" "$out"
expect_eq "system bus: no unit left" "" "$(unit_listed $u)"

# (c) no way to systemd: error names the unit and addresses; nothing left
id=$(ct nobus)
u=hullt-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullt:$id" '["true"]'
out=$(unshare -m sh -c "mount --bind /dev/null /run/systemd/private && mount --bind /dev/null /run/dbus/system_bus_socket && $RT_BIN --root $RTROOT --systemd-cgroup run --bundle $b $id" </dev/null 2>&1)
rc=$?
expect_eq "no bus: refused" 1 "$rc"
expect_match "no bus: the error names the unit" "hullt-$id.scope" "$out"
expect_eq "no bus: no unit" "" "$(unit_listed $u)"
expect_eq "no bus: no state" no "$([ -d $RTROOT/$id ] && echo yes || echo no)"

