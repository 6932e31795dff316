#!/bin/bash
# t-10-baseline: the VM is fit for the systemd tests — systemd is PID 1 with dbus up, cgroup v2
# is pure, the runtime under test runs a container with the cgroupfs driver, and runc's own
# systemd driver works here.
. "$(dirname "$0")/lib.sh"

expect_eq "systemd is PID 1" systemd "$(cat /proc/1/comm)"
expect_eq "the system bus answers" "" "$(busctl --system status >/dev/null 2>&1 || echo no answer)"
expect_eq "cgroup2 at /sys/fs/cgroup" cgroup2fs "$(stat -f -c %T /sys/fs/cgroup)"
expect_eq "no cgroup v1 hierarchy mounted" "" "$(awk '$3 == "cgroup"' /proc/mounts)"
expect_match "memory, cpu and pids controllers available" '(^| )cpu( |$).*(^| )memory( |$).*(^| )pids( |$)' \
	"$(cat /sys/fs/cgroup/cgroup.controllers)"
# The boot is still "starting": this test's unit is part of it.
expect_eq "no failed units" "" "$(systemctl --failed --plain --no-legend 2>&1)"

# cgroupfs driver: the runtime makes /sys/fs/cgroup/hull-vm-fs/NAME itself.
id=$(ct fs)
b=/run/hull-vm-b/$id
mkbundle "$b" "/hull-vm-fs/$id" '["sleep","60"]' '{"pids":{"limit":50}}'
check "run -d with the cgroupfs driver" run_d rt run -d --bundle "$b" "$id"
pid=$(pid_of "$id")
expect_eq "cgroupfs driver: the container is in its cgroup" "/hull-vm-fs/$id" "$(cg_path_of "$pid")"
expect_eq "cgroupfs driver: pids.max written" 50 "$(cat "/sys/fs/cgroup/hull-vm-fs/$id/pids.max" 2>&1)"
check "cgroupfs driver: kill" rt kill "$id" KILL
wait_until "[ \"\$(state_of $id)\" = stopped ]"
check "cgroupfs driver: delete" rt delete "$id"
expect_eq "cgroupfs driver: its cgroup is removed" no "$([ -d "/sys/fs/cgroup/hull-vm-fs/$id" ] && echo yes || echo no)"
rm_ct "$id"
rmdir /sys/fs/cgroup/hull-vm-fs 2>/dev/null

# runc's systemd driver, whatever runtime is under test: the reference the other tests rely on.
id=runc-ref-$RUNTIME
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullref:$id" '["sh","-c","sleep 1"]'
out=$(/usr/sbin/runc --root /run/hull-vm-sd/ref --systemd-cgroup run --bundle "$b" "$id" 2>&1 >/dev/null | grep -v level=warning)
expect_eq "runc --systemd-cgroup run works here" "" "$out"
expect_eq "runc's scope is gone after the run" "" "$(unit_listed "hullref-$id.scope")"
