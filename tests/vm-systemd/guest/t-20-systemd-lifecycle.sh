#!/bin/bash
# t-20-systemd-lifecycle: --systemd-cgroup with the default slice (system.slice:hull:NAME): the
# transient scope hull-NAME.scope, resources as unit properties and cgroup files, update,
# pause/resume, exec, ps, events, kill --all, delete leaving no unit and no cgroup; then a
# foreground run passing its exit status on. Each value is what runc 1.1.5 shows.
. "$(dirname "$0")/lib.sh"

id=$(ct life)
unit=hull-$id.scope
cg=/sys/fs/cgroup/system.slice/$unit
b=/run/hull-vm-b/$id
res='{"memory":{"limit":67108864},"cpu":{"shares":512,"quota":50000,"period":100000},"pids":{"limit":100}}'
mkbundle "$b" "system.slice:hull:$id" '["sleep","1000"]' "$res"

check "create with cgroupsPath system.slice:hull:NAME" run_d rts create --bundle "$b" "$id"
expect_eq "state after create" created "$(state_of "$id")"
expect_eq "the scope $unit is active after create" active "$(unit_state "$unit")"
pid=$(pid_of "$id")
expect_eq "the container's init is in the scope's cgroup" "/system.slice/$unit" "$(cg_path_of "$pid")"
expect_eq "the scope is in system.slice" system.slice "$(unit_prop "$unit" Slice)"
expect_eq "the scope is delegated" yes "$(unit_prop "$unit" Delegate)"
expect_eq "MemoryMax from memory.limit" 67108864 "$(unit_prop "$unit" MemoryMax)"
expect_eq "CPUWeight from cpu.shares 512" 20 "$(unit_prop "$unit" CPUWeight)"
expect_eq "CPUQuotaPerSecUSec from quota/period" 500ms "$(unit_prop "$unit" CPUQuotaPerSecUSec)"
expect_eq "TasksMax from pids.limit" 100 "$(unit_prop "$unit" TasksMax)"
expect_eq "memory.max" 67108864 "$(cat "$cg/memory.max" 2>&1)"
expect_eq "cpu.weight" 20 "$(cat "$cg/cpu.weight" 2>&1)"
expect_eq "cpu.max" "50000 100000" "$(cat "$cg/cpu.max" 2>&1)"
expect_eq "pids.max" 100 "$(cat "$cg/pids.max" 2>&1)"

check "start" rts start "$id"
expect_eq "state after start" running "$(state_of "$id")"

check "update memory, pids, cpu" rts update --memory 134217728 --pids-limit 200 --cpu-quota 25000 \
	--cpu-period 100000 --cpu-share 1024 "$id"
expect_eq "update: MemoryMax" 134217728 "$(unit_prop "$unit" MemoryMax)"
expect_eq "update: TasksMax" 200 "$(unit_prop "$unit" TasksMax)"
expect_eq "update: CPUQuotaPerSecUSec" 250ms "$(unit_prop "$unit" CPUQuotaPerSecUSec)"
expect_eq "update: CPUWeight from cpu.shares 1024" 39 "$(unit_prop "$unit" CPUWeight)"
expect_eq "update: memory.max" 134217728 "$(cat "$cg/memory.max" 2>&1)"
expect_eq "update: pids.max" 200 "$(cat "$cg/pids.max" 2>&1)"
expect_eq "update: cpu.max" "25000 100000" "$(cat "$cg/cpu.max" 2>&1)"
expect_eq "update: cpu.weight" 39 "$(cat "$cg/cpu.weight" 2>&1)"

check "pause" rts pause "$id"
expect_eq "state after pause" paused "$(state_of "$id")"
expect_eq "the scope's cgroup is frozen" 1 "$(sed -n 's/^frozen //p' "$cg/cgroup.events" 2>&1)"
check "resume" rts resume "$id"
expect_eq "state after resume" running "$(state_of "$id")"
expect_eq "the scope's cgroup is thawed" 0 "$(sed -n 's/^frozen //p' "$cg/cgroup.events" 2>&1)"

check "exec -d a second process" run_d rts exec -d "$id" sleep 999
ps_out=$(rts ps --format json "$id" 2>&1)
expect_eq "ps lists two processes" 2 "$(echo "$ps_out" | jq length 2>&1)"
expect_match "ps lists the init pid" "(\\[|,)$pid(,|\\])" "$(echo "$ps_out" | jq -c . 2>&1)"
expect_eq "the exec'd process is in the scope too" 2 "$(wc -l <"$cg/cgroup.procs" 2>&1)"
expect_eq "events --stats: pids.current" 2 "$(rts events --stats "$id" 2>&1 | jq .data.pids.current 2>&1)"

check "kill --all KILL" rts kill --all "$id" KILL
wait_until "[ \"\$(state_of $id)\" = stopped ]"
expect_eq "state after kill --all" stopped "$(state_of "$id")"
expect_eq "no process left in the scope" "" "$(cat "$cg/cgroup.procs" 2>/dev/null)"
check "delete" rts delete "$id"
expect_fail_match "no state after delete" "does not exist|$id" rt state "$id"
expect_eq "no unit left after delete" "" "$(unit_listed "$unit")"
expect_eq "no cgroup left after delete" no "$([ -d "$cg" ] && echo yes || echo no)"
rm_ct "$id"

# run in the foreground: the exit status is passed on, the scope goes with the container.
id=$(ct fg)
unit=hull-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hull:$id" '["sh","-c","grep -q . /sys/fs/cgroup/pids.max && exit 3"]' '{"pids":{"limit":10}}'
rts run --bundle "$b" "$id" </dev/null >/dev/null 2>&1
expect_eq "run in the foreground: exit status passed on" 3 "$?"
expect_eq "run in the foreground: no unit left" "" "$(unit_listed "$unit")"
expect_eq "run in the foreground: no cgroup left" no "$([ -d "/sys/fs/cgroup/system.slice/$unit" ] && echo yes || echo no)"
rm_ct "$id"

# delete -f of a running container stops its scope.
id=$(ct force)
unit=hull-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hull:$id" '["sleep","1000"]'
check "run -d" run_d rts run -d --bundle "$b" "$id"
expect_eq "run -d: the scope is active" active "$(unit_state "$unit")"
check "delete -f of a running container" rts delete -f "$id"
expect_eq "delete -f: no unit left" "" "$(unit_listed "$unit")"
expect_eq "delete -f: no cgroup left" no "$([ -d "/sys/fs/cgroup/system.slice/$unit" ] && echo yes || echo no)"
rm_ct "$id"
