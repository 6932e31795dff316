# t-50-containers.sh - a real container through hull on pure v2: create/start, every resource read
# back from the v2 files, ps, pause/resume (cgroup.freeze), update, events --stats, kill --all
# (cgroup.kill), delete.
. /tests/lib.sh
B=/tmp/b/c1
D=$CG/hull-vm-ct/c1
ram=$(cat /sys/block/ram0/dev 2>/dev/null)
io='"weight":500'
[ -n "$ram" ] && io="$io,\"throttleReadBpsDevice\":[{\"major\":${ram%:*},\"minor\":${ram#*:},\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":${ram%:*},\"minor\":${ram#*:},\"rate\":100}]"
mkbundle $B '{"memory":{"limit":67108864,"reservation":33554432,"swap":100663296},"pids":{"limit":40},
 "cpu":{"shares":512,"quota":20000,"period":100000,"burst":1000,"cpus":"0","mems":"0"},
 "blockIO":{'"$io"'},"hugepageLimits":[{"pageSize":"2MB","limit":4194304}],
 "unified":{"memory.high":"50331648"},"devices":[{"allow":false,"access":"rwm"}]}' '["sleep","300"]'
if ! h create --bundle $B c1 </dev/null >/tmp/ct-c1.out 2>&1; then
	notok "hull create with every resource" "$(cat /tmp/ct-c1.out)"; exit 0
fi
ok "hull create with every resource"
expect_eq "create: state created" created "$(state_of c1)"
pid=$(pid_of c1)
expect_eq "create: the init is in the container's cgroup" "$pid" "$(cat $D/cgroup.procs 2>&1)"
check "start" h start c1
expect_eq "start: state running" running "$(state_of c1)"
expect_eq "memory.limit -> memory.max" 67108864 "$(cat $D/memory.max)"
expect_eq "memory.reservation -> memory.low" 33554432 "$(cat $D/memory.low)"
expect_eq "memory.swap -> memory.swap.max (swap - limit)" 33554432 "$(cat $D/memory.swap.max)"
expect_eq "pids.limit -> pids.max" 40 "$(cat $D/pids.max)"
expect_eq "cpu.shares 512 -> cpu.weight 20" 20 "$(cat $D/cpu.weight)"
expect_eq "cpu.quota/period -> cpu.max" "20000 100000" "$(cat $D/cpu.max)"
expect_eq "cpu.burst -> cpu.max.burst" 1000 "$(cat $D/cpu.max.burst)"
expect_eq "cpu.cpus -> cpuset.cpus" 0 "$(cat $D/cpuset.cpus)"
expect_eq "cpu.mems -> cpuset.mems" 0 "$(cat $D/cpuset.mems)"
w=$(cat $D/io.bfq.weight 2>/dev/null || cat $D/io.weight 2>/dev/null)
case "$w" in "default 4950"|"default 500") ok "blockIO.weight -> io.weight";; *) notok "blockIO.weight -> io.weight" "got: $w";; esac
if [ -n "$ram" ]; then
	expect_eq "blockIO throttles -> io.max" "$ram rbps=1048576 wbps=max riops=max wiops=100" "$(cat $D/io.max)"
else skip "blockIO throttles -> io.max" "no /dev/ram0 (brd module)"; fi
expect_eq "hugepageLimits -> hugetlb.2MB.max" 4194304 "$(cat $D/hugetlb.2MB.max)"
expect_eq "unified memory.high written verbatim" 50331648 "$(cat $D/memory.high)"
# ps
expect_eq "ps --format json lists the init" "[$pid]" "$(h ps --format json c1)"
check "ps (table through host ps) shows sleep 300" sh -c "hull --root $HROOT ps c1 | grep -q 'sleep 300'"
# pause / resume through cgroup.freeze
check "pause" h pause c1
expect_eq "pause: cgroup.freeze is 1" 1 "$(cat $D/cgroup.freeze)"
expect_eq "pause: cgroup.events frozen 1" 1 "$(sed -n 's/^frozen //p' $D/cgroup.events)"
expect_eq "pause: state paused" paused "$(state_of c1)"
expect_fail_match "pause of a paused container" "container not running" h pause c1
check "resume" h resume c1
expect_eq "resume: cgroup.freeze is 0" 0 "$(cat $D/cgroup.freeze)"
expect_eq "resume: state running" running "$(state_of c1)"
expect_fail_match "resume of a running container" "container not paused" h resume c1
# update: every runc flag that has a v2 file, then --resources
check "update with flags" h update --memory 128m --memory-reservation 64m --memory-swap 256m --pids-limit 50 \
	--cpu-share 1024 --cpu-period 50000 --cpu-quota 10000 --cpu-burst 500 --cpuset-cpus 0 --cpuset-mems 0 \
	--cpu-idle 1 --blkio-weight 300 c1
expect_eq "update: memory.max" 134217728 "$(cat $D/memory.max)"
expect_eq "update: memory.low" 67108864 "$(cat $D/memory.low)"
expect_eq "update: memory.swap.max" 134217728 "$(cat $D/memory.swap.max)"
expect_eq "update: pids.max" 50 "$(cat $D/pids.max)"
expect_eq "update: cpu.max" "10000 50000" "$(cat $D/cpu.max)"
expect_eq "update: cpu.max.burst" 500 "$(cat $D/cpu.max.burst)"
expect_eq "update: cpu.idle" 1 "$(cat $D/cpu.idle)"
w=$(cat $D/io.bfq.weight 2>/dev/null || cat $D/io.weight 2>/dev/null)
case "$w" in "default 2930"|"default 300") ok "update: io.weight";; *) notok "update: io.weight" "got: $w";; esac
check "update --resources -" sh -c "echo '{\"cpu\":{\"shares\":2048,\"idle\":0},\"unified\":{\"pids.max\":\"70\"}}' | hull --root $HROOT update -r - c1"
expect_eq "update -r: cpu.weight from shares 2048" 79 "$(cat $D/cpu.weight)"
expect_eq "update -r: unified pids.max" 70 "$(cat $D/pids.max)"
expect_eq "update -r: memory.max kept" 134217728 "$(cat $D/memory.max)"
expect_fail_match "update --cpu-rt-runtime is refused on v2" "realtime" h update --cpu-rt-runtime 1000 c1
expect_fail_match "update with a bad unified key" 'unified\[\\?"nosuch\.max\\?"\]' sh -c "echo '{\"unified\":{\"nosuch.max\":\"1\"}}' | hull --root $HROOT update -r - c1"
# events
h events --stats c1 >/tmp/ev.json 2>&1
if grep -q '^{"type":"stats","id":"c1","data":{"cpu":' /tmp/ev.json && grep -q '"pids":{"current":1,"limit":70}' /tmp/ev.json; then
	ok "events --stats in runc's layout"
else notok "events --stats in runc's layout" "$(head -c 600 /tmp/ev.json)"; fi
timeout 2 hull --root $HROOT events --interval 300ms c1 >/tmp/ev2.json 2>&1
n=$(grep -c '^{"type":"stats","id":"c1"' /tmp/ev2.json)
if [ "$n" -ge 2 ]; then ok "events --interval streams stats ($n in 2 s)"; else notok "events --interval streams stats" "$(head -c 400 /tmp/ev2.json)"; fi
# kill --all with SIGKILL goes through cgroup.kill; a paused container dies too
h pause c1
check "kill --all KILL of a paused container" h kill --all c1 KILL
wait_until '[ "$(state_of c1)" = stopped ]'
expect_eq "kill --all: stopped" stopped "$(state_of c1)"
expect_eq "kill --all: cgroup empty" "" "$(cat $D/cgroup.procs)"
expect_fail_match "update of a stopped container" "container not running" h update --pids-limit 5 c1
expect_fail_match "events of a stopped container" "container with id c1 is not running" h events --stats c1
check "delete" h delete c1
if [ -e $D ]; then notok "delete removes the cgroup" "$(ls $D)"; else ok "delete removes the cgroup"; fi
if [ -e $CG/hull-vm-ct ]; then notok "delete removes the parent hull made" "$(ls $CG/hull-vm-ct)"; else ok "delete removes the parent hull made"; fi
