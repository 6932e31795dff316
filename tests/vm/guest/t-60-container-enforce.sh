# t-60-container-enforce.sh - limits bite inside real containers on v2: the eBPF device filter,
# pids.max, memory.max (OOM kill seen by `hull events`), and a bad resource fails create cleanly.
. /tests/lib.sh
kmsg=',{"destination":"/dev/kmsg","type":"bind","source":"/dev/kmsg","options":["bind"]}'
# /dev/kmsg (c 1:11) is not in the default allow list; writing it needs no capability.
mkbundle /tmp/b/dev1 '{"devices":[{"allow":false,"access":"rwm"}]}' '["sh","-c","echo hull-vm-test >/dev/kmsg"]' "$kmsg"
expect_fail_match "eBPF device filter: a device not allowed cannot be opened" "Operation not permitted" h run --bundle /tmp/b/dev1 dev1
h delete -f dev1 >/dev/null 2>&1
mkbundle /tmp/b/dev2 '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"w"}]}' \
	'["sh","-c","echo hull-vm-test >/dev/kmsg && echo x >/dev/null && head -c1 /dev/zero >/dev/null"]' "$kmsg"
check "eBPF device filter: an allowed device (and the defaults) can be opened" h run --bundle /tmp/b/dev2 dev2
h delete -f dev2 >/dev/null 2>&1
mkbundle /tmp/b/dev3 '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}' \
	'["sh","-c","echo hull-vm-test >/dev/kmsg"]' "$kmsg"
expect_fail_match "eBPF device filter: access r does not allow writing" "Operation not permitted" h run --bundle /tmp/b/dev3 dev3
h delete -f dev3 >/dev/null 2>&1
# pids.max: the bomb runs in a subshell (sh exits when a fork fails; the init must survive)
mkbundle /tmp/b/pids '{"pids":{"limit":8}}' '["sh","-c","(for i in $(seq 1 30); do sleep 300 & done); sleep 300"]'
if start_ct /tmp/b/pids pids; then
	D=$CG/hull-vm-ct/pids
	wait_until '[ "$(sed -n "s/^max //p" $D/pids.events)" -gt 0 ]'
	expect_eq "pids.max: pids.events counts refused forks" yes "$([ "$(sed -n 's/^max //p' $D/pids.events)" -gt 0 ] && echo yes)"
	expect_eq "pids.max: no more than 8 processes" yes "$([ "$(cat $D/pids.current)" -le 8 ] && echo yes)"
	expect_eq "pids.max: the init survived" running "$(state_of pids)"
	check "delete -f" h delete -f pids
else notok "start the fork-bomb container" "$(cat /tmp/ct-pids.out)"; fi
# memory.max: a hog is OOM-killed and `events` reports it
mkbundle /tmp/b/oom '{"memory":{"limit":16777216,"swap":16777216}}' '["sh","-c","sleep 1; x=a; while :; do x=$x$x; done"]'
if start_ct /tmp/b/oom oom; then
	timeout 60 hull --root $HROOT events --interval 30s oom >/tmp/oom.ev 2>&1
	if grep -qx '{"type":"oom","id":"oom"}' /tmp/oom.ev; then ok "events reports the oom kill"; else notok "events reports the oom kill" "$(head -c 400 /tmp/oom.ev)"; fi
	expect_eq "memory.events oom_kill counted" yes "$([ "$(sed -n 's/^oom_kill //p' $CG/hull-vm-ct/oom/memory.events)" -ge 1 ] && echo yes)"
	expect_eq "the OOM-killed container is stopped" stopped "$(state_of oom)"
	check "delete" h delete oom
else notok "start the memory hog" "$(cat /tmp/ct-oom.out)"; fi
# bad resources: the JSON path, and nothing left behind
mkbundle /tmp/b/bad '{"cpu":{"realtimeRuntime":1000}}' '["true"]'
expect_fail_match "create: realtime refused on v2 with the JSON path" 'linux\.resources\.cpu\.realtime' h create --bundle /tmp/b/bad bad
mkbundle /tmp/b/bad '{"unified":{"nosuch.max":"1"}}' '["true"]'
expect_fail_match "create: unified key of a missing controller" 'unified\[\\?"nosuch\.max\\?"\]' h create --bundle /tmp/b/bad bad
mkbundle /tmp/b/bad '{"devices":[{"allow":true,"type":"z","access":"rwm"}]}' '["true"]'
expect_fail_match "create: unknown device type" 'linux\.resources\.devices\[0\]\.type' h create --bundle /tmp/b/bad bad
expect_fail_match "create failures leave no container" "does not exist" h state bad
if [ -e $CG/hull-vm-ct ]; then notok "create failures leave no cgroup" "$(find $CG/hull-vm-ct -type d)"; else ok "create failures leave no cgroup"; fi
