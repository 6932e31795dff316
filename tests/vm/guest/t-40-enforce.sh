# t-40-enforce.sh - the limits bite: device filter (eBPF), pids.max, memory OOM, freeze, kill.
. /tests/lib.sh
have_cgtool || { skip "v2 enforcement" "cgtool not built"; exit 0; }
P=/hull-vm/enf
# devices: /dev/mem (c 1:1) is not in the default allow list
cgtool create $P >/dev/null
expect_fail_match "eBPF device filter denies a device not allowed" 'not permitted' cgtool run $P head -c1 /dev/mem
check "eBPF device filter allows /dev/null" cgtool run $P sh -c 'echo x >/dev/null'
check "eBPF device filter allows /dev/zero" cgtool run $P head -c1 /dev/zero
cgtool destroy $P
cgtool create $P dev=allow:c:1:1:r >/dev/null
check "a device rule allows reading /dev/mem" cgtool run $P sh -c 'head -c1 /dev/mem >/dev/null'
expect_fail_match "... but not writing it (access subset)" 'not permitted' cgtool run $P sh -c 'echo >/dev/mem'
cgtool destroy $P
cgtool create $P dev=allow:a:*:*:rwm dev=deny:c:1:5:w >/dev/null
check "allow-all then deny: other devices readable" cgtool run $P head -c1 /dev/mem
check "allow-all then deny w: /dev/zero still readable" cgtool run $P head -c1 /dev/zero
cgtool destroy $P
# pids
cgtool create $P pids=10 >/dev/null
out=$(cgtool run $P sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 5 & done 2>&1; wait' 2>&1)
case "$out" in *"Resource temporarily unavailable"*|*"can't fork"*|*fork*) ok "pids.max stops a fork bomb";; *) notok "pids.max stops a fork bomb" "$out";; esac
expect_eq "pids.events counts the refused forks" yes "$( [ "$(sed -n 's/^max //p' $CG$P/pids.events)" -gt 0 ] && echo yes)"
cgtool kill $P 9; sleep 0.2; cgtool destroy $P
# memory OOM
cgtool create $P memory=16777216 swap=16777216 >/dev/null
cgtool run $P sh -c 'x=a; while :; do x="$x$x"; done' >/dev/null 2>&1
rc=$?
expect_eq "memory.max gets a hog OOM-killed (SIGKILL)" 137 "$rc"
expect_eq "oom count (memory.events oom_kill) is 1" 1 "$(cgtool oom $P)"
cgtool stats $P >/tmp/stats.json 2>&1
if grep -q '"memory":{.*"usage":{"limit":16777216' /tmp/stats.json && grep -q '"pids":' /tmp/stats.json; then ok "stats JSON in runc's layout"; else notok "stats JSON in runc's layout" "$(head -c 400 /tmp/stats.json)"; fi
cgtool destroy $P
# freeze / thaw / kill
cgtool create $P >/dev/null
cgtool run $P sh -c 'sleep 100 & sleep 100 & wait' &
runner=$!
sleep 0.5
n=$(cgtool pids $P | wc -l)
expect_eq "pids lists the cgroup's processes" 3 "$n"
check "freeze" cgtool freeze $P
expect_eq "cgroup.events says frozen" 1 "$(sed -n 's/^frozen //p' $CG$P/cgroup.events)"
expect_eq "is_frozen reports frozen" frozen "$(cgtool frozen $P)"
s=$(awk '{print $3}' /proc/$(cgtool pids $P | tail -n1)/stat 2>/dev/null)
check "thaw" cgtool thaw $P
expect_eq "cgroup.events says thawed" 0 "$(sed -n 's/^frozen //p' $CG$P/cgroup.events)"
check "kill all with SIGTERM (freeze, signal, thaw)" cgtool kill $P 15
sleep 0.3
expect_eq "no process left after kill" 0 "$(cgtool pids $P | wc -l)"
wait $runner 2>/dev/null
cgtool run $P sh -c 'sleep 100 & sleep 100 & wait' &
sleep 0.5
check "kill all with SIGKILL (cgroup.kill)" cgtool kill $P 9
sleep 0.3
expect_eq "no process left after cgroup.kill" 0 "$(cgtool pids $P | wc -l)"
wait
check "destroy" cgtool destroy $P
[ -e $CG/hull-vm ] && notok "nothing left under /sys/fs/cgroup/hull-vm" "$(find $CG/hull-vm)" || ok "nothing left under /sys/fs/cgroup/hull-vm"
