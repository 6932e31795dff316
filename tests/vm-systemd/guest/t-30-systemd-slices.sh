#!/bin/bash
# t-30-systemd-slices: a nested slice that does not exist yet (NAME-a-b.slice:pfx:ID), an
# org.systemd.property.* annotation, and systemd re-executing itself while a container runs.
. "$(dirname "$0")/lib.sh"

# Slices named per runtime, so the runc run cannot leave the slice the hull run expects to make.
top=vm$RUNTIME
slice=$top-a-b.slice
id=$(ct nest)
unit=pfx-$id.scope
cgp=/$top.slice/$top-a.slice/$slice/$unit
b=/run/hull-vm-b/$id
mkbundle "$b" "$slice:pfx:$id" '["sleep","1000"]' '{"pids":{"limit":64}}'
expect_eq "the slice $slice is not active before" inactive "$(unit_state "$slice")"
check "run -d in $slice:pfx:NAME" run_d rts run -d --bundle "$b" "$id"
pid=$(pid_of "$id")
expect_eq "the scope $unit is active" active "$(unit_state "$unit")"
expect_eq "the scope is in $slice" "$slice" "$(unit_prop "$unit" Slice)"
expect_eq "the slice is active now" active "$(unit_state "$slice")"
expect_eq "the container is in /$top.slice/$top-a.slice/$slice/$unit" "$cgp" "$(cg_path_of "$pid")"
expect_eq "pids.max in the nested scope" 64 "$(cat "/sys/fs/cgroup$cgp/pids.max" 2>&1)"
check "kill" rts kill "$id" KILL
wait_until "[ \"\$(state_of $id)\" = stopped ]"
check "delete" rts delete "$id"
expect_eq "nested: no unit left" "" "$(unit_listed "$unit")"
expect_eq "nested: no cgroup left" no "$([ -d "/sys/fs/cgroup$cgp" ] && echo yes || echo no)"
rm_ct "$id"

# org.systemd.property.NAME annotations become unit properties (values in GVariant text form).
id=$(ct annot)
unit=hull-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hull:$id" '["sleep","1000"]' '{}' \
	'{"org.systemd.property.TimeoutStopUSec":"uint64 123456789","org.systemd.property.CollectMode":"'"'"'inactive-or-failed'"'"'"}'
check "run -d with org.systemd.property annotations" run_d rts run -d --bundle "$b" "$id"
expect_eq "TimeoutStopUSec from the annotation" "2min 3.456789s" "$(unit_prop "$unit" TimeoutStopUSec)"
expect_eq "CollectMode from the annotation" inactive-or-failed "$(unit_prop "$unit" CollectMode)"
check "delete -f" rts delete -f "$id"
expect_eq "annotations: no unit left" "" "$(unit_listed "$unit")"
rm_ct "$id"

# systemd re-executes itself (an upgrade does this) while a container runs.
id=$(ct reexec)
unit=hull-$id.scope
cg=/sys/fs/cgroup/system.slice/$unit
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hull:$id" '["sleep","1000"]' '{"pids":{"limit":100}}'
check "run -d before daemon-reexec" run_d rts run -d --bundle "$b" "$id"
pid=$(pid_of "$id")
check "systemctl daemon-reexec" systemctl daemon-reexec
wait_until "busctl --system status >/dev/null 2>&1"
expect_eq "after daemon-reexec: still running" running "$(state_of "$id")"
expect_eq "after daemon-reexec: the same pid is alive" yes "$(kill -0 "$pid" 2>/dev/null && echo yes || echo no)"
expect_eq "after daemon-reexec: the scope is active" active "$(unit_state "$unit")"
expect_eq "after daemon-reexec: still in the scope's cgroup" "/system.slice/$unit" "$(cg_path_of "$pid")"
check "after daemon-reexec: update" rts update --pids-limit 300 "$id"
expect_eq "after daemon-reexec: TasksMax updated" 300 "$(unit_prop "$unit" TasksMax)"
expect_eq "after daemon-reexec: pids.max updated" 300 "$(cat "$cg/pids.max" 2>&1)"
check "after daemon-reexec: kill" rts kill "$id" KILL
wait_until "[ \"\$(state_of $id)\" = stopped ]"
check "after daemon-reexec: delete" rts delete "$id"
expect_eq "after daemon-reexec: no unit left" "" "$(unit_listed "$unit")"
expect_eq "after daemon-reexec: no cgroup left" no "$([ -d "$cg" ] && echo yes || echo no)"
rm_ct "$id"
