# t-20-resources.sh - every resource written by libhull's v2 backend, read back from the files.
. /tests/lib.sh
have_cgtool || { skip "v2 resources" "cgtool not built"; exit 0; }
P=/hull-vm/res
D=$CG$P
ram=$(cat /sys/block/ram0/dev 2>/dev/null)
args="shares=1024 quota=50000 period=100000 burst=1000 idle=0 cpus=0 mems=0 memory=67108864 reservation=33554432 swap=100663296 pids=42 blkio_weight=500 hugetlb=2MB:4194304 unified=memory.high:50331648"
[ -n "$ram" ] && args="$args io_rbps=$ram:1048576 io_wiops=$ram:100"
check "create a cgroup with every resource" cgtool create $P $args
expect_eq "cpu.shares 1024 -> cpu.weight 39" 39 "$(cat $D/cpu.weight)"
expect_eq "cpu quota/period -> cpu.max" "50000 100000" "$(cat $D/cpu.max)"
expect_eq "cpu burst -> cpu.max.burst" 1000 "$(cat $D/cpu.max.burst)"
expect_eq "cpu cpus -> cpuset.cpus" 0 "$(cat $D/cpuset.cpus)"
expect_eq "cpu mems -> cpuset.mems" 0 "$(cat $D/cpuset.mems)"
expect_eq "memory limit -> memory.max" 67108864 "$(cat $D/memory.max)"
expect_eq "memory reservation -> memory.low" 33554432 "$(cat $D/memory.low)"
expect_eq "memory swap (mem+swap) -> memory.swap.max = swap - limit" 33554432 "$(cat $D/memory.swap.max)"
expect_eq "pids limit -> pids.max" 42 "$(cat $D/pids.max)"
w=$(cat $D/io.bfq.weight 2>/dev/null || cat $D/io.weight 2>/dev/null)
case "$w" in "default 4950"|"default 500") ok "blockIO weight -> io.weight";; *) notok "blockIO weight -> io.weight" "got: $w";; esac
if [ -n "$ram" ]; then
	expect_eq "blockIO throttle -> io.max" "$ram rbps=1048576 wbps=max riops=max wiops=100" "$(cat $D/io.max)"
else skip "blockIO throttle -> io.max" "no /dev/ram0 (brd module)"; fi
expect_eq "hugepageLimits -> hugetlb.2MB.max" 4194304 "$(cat $D/hugetlb.2MB.max)"
expect_eq "unified memory.high written verbatim" 50331648 "$(cat $D/memory.high)"
check "update changes a limit" cgtool update $P pids=7 memory=134217728 swap=-1
expect_eq "update: pids.max" 7 "$(cat $D/pids.max)"
expect_eq "update: memory.max" 134217728 "$(cat $D/memory.max)"
expect_eq "update: swap -1 -> memory.swap.max max" max "$(cat $D/memory.swap.max)"
check "update cpu period only keeps the quota" cgtool update $P period=200000
expect_eq "update: cpu.max" "50000 200000" "$(cat $D/cpu.max)"
check "destroy" cgtool destroy $P
if [ -e $D ] || [ -e $CG/hull-vm ]; then notok "destroy removes the cgroup and the parent hull made" "$(ls -d $CG/hull-vm* 2>&1)"; else ok "destroy removes the cgroup and the parent hull made"; fi
cgtool create /hull-vm/s shares=2 >/dev/null && expect_eq "shares 2 -> weight 1" 1 "$(cat $CG/hull-vm/s/cpu.weight)"
cgtool update /hull-vm/s shares=262144 >/dev/null && expect_eq "shares 262144 -> weight 10000" 10000 "$(cat $CG/hull-vm/s/cpu.weight)"
cgtool destroy /hull-vm/s
# the systemd driver asks systemd for a scope: this VM has none, so runc's error and nothing made
if CGTOOL_MANAGER=systemd cgtool create machine-test.slice:hullpfx:c1 pids=5 >/tmp/sd.out 2>&1; then
	notok "systemd driver without systemd is refused" "$(cat /tmp/sd.out)"
elif grep -q "systemd not running on this host" /tmp/sd.out; then
	ok "systemd driver without systemd is refused"
else
	notok "systemd driver without systemd is refused" "$(cat /tmp/sd.out)"
fi
[ -e $CG/machine.slice ] && notok "systemd driver without systemd makes no cgroup" || ok "systemd driver without systemd makes no cgroup"
# empty cgroupsPath: /hull/<id>, and /hull goes away with the last container
expect_eq "empty cgroupsPath -> /hull/<id>" /hull/vmid "$(CGTOOL_ID=vmid cgtool create "")"
[ -d $CG/hull/vmid ] && ok "default path created" || notok "default path created"
CGTOOL_ID=vmid cgtool destroy ""
[ -e $CG/hull ] && notok "destroy removes /hull made by hull" || ok "destroy removes /hull made by hull"
# relative cgroupsPath: under the parent of the caller's cgroup (runc's v2 rule); the VM runs in /
expect_eq "relative cgroupsPath on v2" /hull-vm-rel/x "$(cgtool create hull-vm-rel/x)"
cgtool destroy /hull-vm-rel/x
