#!/bin/bash
# t-40-systemd-driver: the systemd cgroup driver's unit properties against runc 1.1.5 (the same
# config under both runtimes): resources as properties (MemoryMax, TasksMax, CPUWeight,
# CPUQuotaPerSecUSec/PeriodUSec, AllowedCPUs, DevicePolicy), org.systemd.property.* annotations
# (a "...Sec" name sent as "...USec"), the files written after systemd, update through
# SetUnitProperties + files, pause, ps, events, exec joining the scope, update after systemd's
# daemon-reexec, kill --all and delete leaving no unit; a nested slice that does not exist yet;
# delete -f of a created container; the default cgroupsPath.
. "$(dirname "$0")/lib.sh"
mkdir -p /run/hull-vm-b
id=$(ct drv)
u=hullt-$id.scope
cgd=/sys/fs/cgroup/system.slice/$u
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullt:$id" '["sleep","300"]' '{"memory":{"limit":67108864},"pids":{"limit":20},"cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0"}}' '{"org.systemd.property.TimeoutStopSec":"uint64 7","org.systemd.property.CollectMode":"'"'"'inactive-or-failed'"'"'"}'
t0=$(date +%s%N)
check "run -d" run_d rts run -d --bundle "$b" "$id"

pid=$(pid_of "$id")
expect_eq "in the scope" "/system.slice/$u" "$(cg_path_of "$pid")"
expect_eq "unit active" active "$(unit_state $u)"
expect_eq "MemoryMax" 67108864 "$(unit_prop $u MemoryMax)"
expect_eq "TasksMax" 20 "$(unit_prop $u TasksMax)"
expect_eq "CPUWeight" 39 "$(unit_prop $u CPUWeight)"
expect_eq "CPUQuotaPerSecUSec" 500ms "$(unit_prop $u CPUQuotaPerSecUSec)"
expect_eq "CPUQuotaPeriodUSec" 100ms "$(unit_prop $u CPUQuotaPeriodUSec)"
expect_eq "AllowedCPUs" 0 "$(unit_prop $u AllowedCPUs)"
expect_eq "Delegate" yes "$(unit_prop $u Delegate)"
expect_eq "Slice" system.slice "$(unit_prop $u Slice)"
expect_eq "DevicePolicy" strict "$(unit_prop $u DevicePolicy)"
echo "# DeviceAllow: $(unit_prop $u DeviceAllow)"
expect_eq "TimeoutStopUSec (annotation)" 7s "$(unit_prop $u TimeoutStopUSec)"
expect_eq "CollectMode (annotation)" inactive-or-failed "$(unit_prop $u CollectMode)"
expect_eq "DefaultDependencies" no "$(unit_prop $u DefaultDependencies)"
echo "# Description: $(unit_prop $u Description)"
expect_eq "memory.max" 67108864 "$(cat $cgd/memory.max)"
expect_eq "pids.max" 20 "$(cat $cgd/pids.max)"
expect_eq "cpu.max" "50000 100000" "$(cat $cgd/cpu.max)"
expect_eq "cpu.weight" 39 "$(cat $cgd/cpu.weight)"
expect_eq "cpuset.cpus" 0 "$(cat $cgd/cpuset.cpus 2>&1)"
check "update" rt update --memory 134217728 --pids-limit 30 --cpu-quota 20000 "$id"
expect_eq "update: MemoryMax" 134217728 "$(unit_prop $u MemoryMax)"
expect_eq "update: TasksMax" 30 "$(unit_prop $u TasksMax)"
expect_eq "update: CPUQuotaPerSecUSec" 200ms "$(unit_prop $u CPUQuotaPerSecUSec)"
expect_eq "update: memory.max" 134217728 "$(cat $cgd/memory.max)"
expect_eq "update: pids.max" 30 "$(cat $cgd/pids.max)"
expect_eq "update: cpu.max" "20000 100000" "$(cat $cgd/cpu.max)"
check "pause" rt pause "$id"
expect_eq "paused" paused "$(state_of $id)"
expect_eq "cgroup.freeze" 1 "$(cat $cgd/cgroup.freeze)"
check "resume" rt resume "$id"
expect_eq "running" running "$(state_of $id)"
expect_match "ps lists the init" "(^| )$pid( |$)" "$(rt ps "$id" 2>&1 | tr '\n' ' ')"
expect_match "events --stats" '"pids":\{"current":1' "$(rt events --stats "$id" 2>&1)"
rt exec -d "$id" sleep 200 </dev/null >/dev/null 2>&1
expect_eq "exec joins the scope" 2 "$(wc -l <$cgd/cgroup.procs)"
check "daemon-reexec" systemctl daemon-reexec
check "update after reexec" rt update --pids-limit 40 "$id"
expect_eq "update after reexec: TasksMax" 40 "$(unit_prop $u TasksMax)"
check "kill --all" rt kill --all "$id" KILL
wait_until "[ \"\$(state_of $id)\" = stopped ]"
check "delete" rt delete "$id"
expect_eq "unit gone" "" "$(unit_listed $u)"
expect_eq "cgroup gone" no "$([ -d $cgd ] && echo yes || echo no)"
rm_ct "$id"

# nested slice that does not exist yet
id=$(ct nest)
u=p-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "hullvm-a-b.slice:p:$id" '["sleep","300"]'
check "nested slice: run -d" run_d rts run -d --bundle "$b" "$id"
pid=$(pid_of "$id")
expect_eq "nested slice: path" "/hullvm.slice/hullvm-a.slice/hullvm-a-b.slice/$u" "$(cg_path_of "$pid")"
check "nested: delete -f" rt delete -f "$id"
expect_eq "nested: unit gone" "" "$(unit_listed $u)"
systemctl stop hullvm.slice
rm_ct "$id"

# delete -f of a created container; create then SIGKILL the init's creator leftovers
id=$(ct crt)
u=hullt-$id.scope
b=/run/hull-vm-b/$id
mkbundle "$b" "system.slice:hullt:$id" '["sleep","300"]'
check "create" run_d rts create --bundle "$b" "$id"
expect_eq "created: unit active" active "$(unit_state $u)"
check "delete -f created" rt delete -f "$id"
expect_eq "created: unit gone" "" "$(unit_listed $u)"

# default cgroupsPath
id=$(ct def)
b=/run/hull-vm-b/$id
mkbundle "$b" "" '["true"]'
# (the VM has no /dev/net/tun: both runtimes warn that systemd skips it)
out=$(rts run --bundle "$b" "$id" </dev/null 2>&1 | grep -v level=warning)
expect_eq "default path: run" "" "$out"
expect_eq "default path: no unit left" "" "$(unit_listed "*-$id.scope")"
expect_eq "no failed units" "" "$(systemctl --failed --plain --no-legend 2>&1)"
