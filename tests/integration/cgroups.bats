#!/usr/bin/env bats
# cgroups.bats - cgroup resources, enforcement, pause/resume, update, events, ps on this host (hybrid v1).
#
# Part 1 drives libhull's cgroup manager through cgtool (tests/vm/cgtool.c) and reads the v1
# files back. Part 2 runs real containers through hull (busybox rootfs).
# Everything lives under /hull-test-<pid>-* in each hierarchy and is removed in teardown.

setup_file() {
	export HULL=${HULL:-$HULL_TOP/hull}
	export CGTOOL=${HULL_CGTOOL:-$(dirname "$HULL")/obj/tests/vm/cgtool}
	export PFX=/hull-test-$$
	export CGR=/sys/fs/cgroup
}

# The host's cgroup layout, as libhull names it (cgtool mode), without needing cgtool.
host_mode() {
	local v1 v2
	v1=$(awk '$3 == "cgroup"' /proc/self/mounts | wc -l)
	v2=$(awk '$3 == "cgroup2"' /proc/self/mounts | wc -l)
	if [ "$v1" -gt 0 ] && [ "$v2" -gt 0 ]; then echo hybrid
	elif [ "$v1" -gt 0 ]; then echo v1
	elif [ "$v2" -gt 0 ]; then echo v2
	else echo none; fi
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	MODE=$(host_mode)
	[ "$MODE" != none ] || skip "no cgroups on this host"
	P=$PFX-$BATS_TEST_NUMBER/c
}

# Remove what a test made: kill its processes, then rmdir bottom-up in every hierarchy.
teardown() {
	local d
	for d in "$CGR"/*/"${PFX#/}"-* "$CGR/${PFX#/}"-*; do
		[ -d "$d" ] || continue
		find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null
		[ -e "$d/freezer.state" ] && echo THAWED >"$d/freezer.state"
		sleep 0.1
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	[ -n "${CID:-}" ] && "$HULL" --root "$ROOT" delete -f "$CID" >/dev/null 2>&1
	[ -n "${ROOT:-}" ] && rm -rf "$ROOT"
	true
}

v1() { cat "$CGR/$1/$P/$2"; }
need_cgtool() { [ -x "$CGTOOL" ] || skip "cgtool not built (make cgtool; make check and unit-tests build it)"; }
# part 2 (containers through hull) needs only a v1 host
need_v1_host() { [ "$MODE" = v1 ] || [ "$MODE" = hybrid ] || skip "host is $MODE, these read v1 files"; }
# part 1 drives the manager through cgtool
need_v1() { need_v1_host; need_cgtool; [ "$($CGTOOL mode)" = "$MODE" ]; }
no_leftover() {
	local d
	for d in "$CGR"/*/"${PFX#/}-$BATS_TEST_NUMBER" "$CGR/${PFX#/}-$BATS_TEST_NUMBER"; do
		if [ -e "$d" ]; then echo "leftover cgroup $d"; return 1; fi
	done
}

# ---- part 1: the manager on v1 files ----------------------------------------------

@test "cgroups: every resource is written to the v1 files" {
	need_v1
	# blkio.weight (or blkio.bfq.weight) exists only where a disk uses the BFQ scheduler.
	local weight=
	if [ -e "$CGR/blkio/blkio.weight" ] || [ -e "$CGR/blkio/blkio.bfq.weight" ]; then
		weight=blkio_weight=300
	else
		echo "# no blkio.weight on this host (no BFQ scheduler): weight not checked" >&3
	fi
	run "$CGTOOL" create "$P" shares=512 quota=25000 period=50000 burst=1000 cpus=0 mems=0 \
		memory=67108864 reservation=33554432 swap=134217728 swappiness=10 pids=64 $weight \
		io_rbps=254:0:1048576 io_wbps=254:0:2097152 io_riops=254:0:100 io_wiops=254:0:200
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = "$P" ]
	[ "$(v1 cpu cpu.shares)" = 512 ]
	[ "$(v1 cpu cpu.cfs_quota_us)" = 25000 ]
	[ "$(v1 cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(v1 cpu cpu.cfs_burst_us)" = 1000 ]
	[ "$(v1 cpuset cpuset.cpus)" = 0 ]
	[ "$(v1 cpuset cpuset.mems)" = 0 ]
	[ "$(v1 memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(v1 memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(v1 memory memory.memsw.limit_in_bytes)" = 134217728 ]
	[ "$(v1 memory memory.swappiness)" = 10 ]
	[ "$(v1 pids pids.max)" = 64 ]
	if [ -n "$weight" ]; then
		w=$(cat "$CGR/blkio/$P/blkio.weight" 2>/dev/null || cat "$CGR/blkio/$P/blkio.bfq.weight")
		[ "$w" = 300 ] || [ "$w" = "default 300" ]
	fi
	[ "$(v1 blkio blkio.throttle.read_bps_device)" = "254:0 1048576" ]
	[ "$(v1 blkio blkio.throttle.write_bps_device)" = "254:0 2097152" ]
	[ "$(v1 blkio blkio.throttle.read_iops_device)" = "254:0 100" ]
	[ "$(v1 blkio blkio.throttle.write_iops_device)" = "254:0 200" ]
	# devices: deny-all, then runc's default allow list
	v1 devices devices.list | grep -qx 'c 1:3 rwm'
	v1 devices devices.list | grep -qx 'c 136:\* rwm'
	if v1 devices devices.list | grep -qx 'a \*:\* rwm'; then
		echo "devices.list still allows everything"
		false
	fi
	run "$CGTOOL" destroy "$P"
	[ "$status" -eq 0 ]
	no_leftover
}

@test "cgroups: a new v1 cpuset cgroup inherits the parent's cpus and mems" {
	need_v1
	"$CGTOOL" create "$P" pids=10
	[ "$(v1 cpuset cpuset.cpus)" = "$(cat $CGR/cpuset/cpuset.cpus)" ]
	[ "$(v1 cpuset cpuset.mems)" = "$(cat $CGR/cpuset/cpuset.mems)" ]
	"$CGTOOL" destroy "$P"
}

@test "cgroups: the process joins every v1 hierarchy and, on hybrid hosts, the unified one" {
	need_v1
	"$CGTOOL" create "$P"
	run "$CGTOOL" run "$P" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	for c in memory pids cpu freezer devices; do
		echo "$output" | grep -qE "^[0-9]+:([a-z,]*,)?$c(,[a-z,]*)?:$P\$"
	done
	if [ "$MODE" = hybrid ]; then echo "$output" | grep -qx "0::$P"; fi
	"$CGTOOL" destroy "$P"
}

@test "cgroups: update changes limits and keeps the others" {
	need_v1
	"$CGTOOL" create "$P" memory=67108864 pids=20 shares=256
	"$CGTOOL" update "$P" memory=134217728 swap=-1 pids=30
	[ "$(v1 memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(v1 pids pids.max)" = 30 ]
	[ "$(v1 cpu cpu.shares)" = 256 ]
	"$CGTOOL" update "$P" memory=-1
	[ "$(v1 memory memory.limit_in_bytes)" = 9223372036854771712 ]
	"$CGTOOL" destroy "$P"
}

@test "cgroups: pids.max stops a fork bomb" {
	need_v1
	"$CGTOOL" create "$P" pids=8
	run "$CGTOOL" run "$P" sh -c 'for i in $(seq 1 30); do sleep 5 & done; wait'
	echo "$output" | grep -qiE 'fork|resource temporarily unavailable'
	[ "$(v1 pids pids.events | awk '{print $2}')" -gt 0 ]
	"$CGTOOL" kill "$P" 9
}

@test "cgroups: a memory hog is OOM-killed and counted" {
	need_v1
	"$CGTOOL" create "$P" memory=16777216 swap=16777216
	run "$CGTOOL" run "$P" sh -c 'x=a; while :; do x="$x$x"; done'
	[ "$status" -eq 137 ]
	[ "$("$CGTOOL" oom "$P")" = 1 ]
	"$CGTOOL" destroy "$P"
}

@test "cgroups: freeze, thaw, pids and kill through the freezer" {
	need_v1
	"$CGTOOL" create "$P"
	"$CGTOOL" run "$P" sh -c 'sleep 60 & sleep 60 & wait' 3>&- &
	sleep 0.5
	[ "$("$CGTOOL" pids "$P" | wc -l)" -eq 3 ]
	"$CGTOOL" freeze "$P"
	[ "$(v1 freezer freezer.state)" = FROZEN ]
	[ "$("$CGTOOL" frozen "$P")" = frozen ]
	"$CGTOOL" thaw "$P"
	[ "$(v1 freezer freezer.state)" = THAWED ]
	"$CGTOOL" kill "$P" 15
	sleep 0.3
	[ "$("$CGTOOL" pids "$P" | wc -l)" -eq 0 ]
	wait
	"$CGTOOL" destroy "$P"
	no_leftover
}

@test "cgroups: SIGKILL to all goes through cgroup.kill of the unified hierarchy on hybrid hosts" {
	[ "$MODE" = hybrid ] || skip "host is $MODE"
	need_cgtool
	"$CGTOOL" create "$P"
	[ -e "$CGR/unified$P/cgroup.kill" ] || skip "kernel without cgroup.kill (before 5.14)"
	"$CGTOOL" run "$P" sh -c 'sleep 60 & sleep 60 & wait' &
	sleep 0.5
	[ "$(wc -l <"$CGR/unified$P/cgroup.procs")" -eq 3 ]
	"$CGTOOL" kill "$P" 9
	sleep 0.3
	[ "$("$CGTOOL" pids "$P" | wc -l)" -eq 0 ]
	wait || true
	"$CGTOOL" destroy "$P"
	no_leftover
}

@test "cgroups: a relative cgroupsPath lives under the caller's cgroup" {
	need_v1
	own=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
	[ -n "$own" ] || skip "no name=systemd hierarchy to resolve against"
	rel=${PFX#/}-$BATS_TEST_NUMBER/rel
	run "$CGTOOL" create "$rel"
	[ "$status" -eq 0 ]
	want=$(echo "$own/$rel" | sed 's|//*|/|g')
	[ "$output" = "$want" ]
	[ -d "$CGR/pids$want" ]
	"$CGTOOL" destroy "$want"
	[ ! -e "$CGR/pids$want" ]
}

@test "cgroups: stats in runc's events layout" {
	need_v1
	"$CGTOOL" create "$P" memory=67108864 pids=50
	run "$CGTOOL" stats "$P"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt", "network_interfaces"):
    assert k in d, k
assert d["memory"]["usage"]["limit"] == 67108864, d["memory"]
assert d["pids"]["limit"] == 50
assert "kernel" in d["cpu"]["usage"] and "user" in d["cpu"]["usage"]
'
	"$CGTOOL" destroy "$P"
}

@test "cgroups: bad resources fail with the JSON path and leave no cgroup" {
	need_v1
	run "$CGTOOL" create "$P" shares=1
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.cpu.shares"* ]]
	no_leftover
	run "$CGTOOL" create "$P" dev=allow:x:1:3:rwm
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.devices[0].type"* ]]
	no_leftover
	run "$CGTOOL" create "$P" unified=memory.max:100
	[ "$status" -ne 0 ]
	# v1 and hybrid hosts: runc's "invalid configuration" (cgroups.bats of runc's suite)
	[[ "$output" == *"linux.resources.unified: invalid configuration: cannot use unified on cgroup v1"* ]]
	no_leftover
	run "$CGTOOL" create "$P" memory=104857600 swap=1048576
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.memory"* ]]
	no_leftover
	run "$CGTOOL" create "$P" hugetlb=3MB:1
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.hugepageLimits"* ]]
	no_leftover
}

@test "cgroups: the systemd manager without systemd is refused and makes nothing" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here (the driver is tested in make check-vm-systemd)"
	run env CGTOOL_MANAGER=systemd "$CGTOOL" create "hull-test-$$.slice:pfx:c$BATS_TEST_NUMBER" pids=5
	[ "$status" -ne 0 ]
	[[ "$output" == *"systemd not running on this host"* ]]
	[ ! -e "$CGR/pids/hull.slice" ]
	[ ! -e "$CGR/unified/hull.slice" ]
}

# ---- part 2: containers through hull ----------------------------------------------

# A busybox bundle whose container lives in $CGP, with the given linux.resources JSON and
# (optionally) a shell command instead of `sleep 300`.
make_bundle() { # resources-json [sh-command]
	command -v busybox >/dev/null || skip "busybox not installed"
	B=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp"
	cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
	for a in sh sleep cat echo true head seq; do ln -sf busybox "$B/rootfs/bin/$a"; done
	ROOT=$BATS_TEST_TMPDIR/root
	CID=cg-$$-$BATS_TEST_NUMBER
	CGP=$PFX-$BATS_TEST_NUMBER/$CID
	local args='"sleep","300"'
	[ -z "${2:-}" ] || args="\"sh\",\"-c\",\"$2\""
	cat >"$B/config.json" <<-EOF
	{"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":[$args],
	 "env":["PATH=/bin"],"cwd":"/"},"root":{"path":"rootfs"},"hostname":"cg",
	 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
	  {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755"]}],
	 "linux":{"cgroupsPath":"$CGP","namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"}],
	  "resources":$1}}
	EOF
}

# Detached: the container keeps the stdio it is given, so give it a file, not bats' pipe.
start_container() {
	"$HULL" --root "$ROOT" run -d --bundle "$B" "$CID" </dev/null >"$BATS_TEST_TMPDIR/ct.out" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/ct.out"; false; }
}

h() { "$HULL" --root "$ROOT" "$@"; }
status_of() { h state "$CID" | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
init_pid() { h state "$CID" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# Wait up to 5 s for a shell condition (evaluated afresh each time) to hold.
wait_for() { local i; for i in $(seq 50); do eval "$1" && return 0; sleep 0.1; done; eval "$1"; }
cg_gone() { local d; for d in "$CGR"/*"$CGP"; do [ ! -e "$d" ] || return 1; done; }

@test "cgroups: a container's resources are written to the v1 files and the unified hierarchy holds it" {
	need_v1_host
	make_bundle '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728},"pids":{"limit":40},
	 "cpu":{"shares":512,"quota":20000,"period":100000,"cpus":"0","mems":"0"},"devices":[{"allow":false,"access":"rwm"}]}'
	start_container
	[ "$(cat $CGR/memory$CGP/memory.limit_in_bytes)" = 67108864 ]
	[ "$(cat $CGR/memory$CGP/memory.soft_limit_in_bytes)" = 33554432 ]
	if [ -e $CGR/memory$CGP/memory.memsw.limit_in_bytes ]; then
		[ "$(cat $CGR/memory$CGP/memory.memsw.limit_in_bytes)" = 134217728 ]
	fi
	[ "$(cat $CGR/pids$CGP/pids.max)" = 40 ]
	[ "$(cat $CGR/cpu$CGP/cpu.shares)" = 512 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_period_us)" = 100000 ]
	[ "$(cat $CGR/cpuset$CGP/cpuset.cpus)" = 0 ]
	grep -qx 'c 1:3 rwm' $CGR/devices$CGP/devices.list
	pid=$(init_pid)
	grep -qx "$pid" $CGR/pids$CGP/cgroup.procs
	if [ "$MODE" = hybrid ]; then grep -qx "0::$CGP" /proc/$pid/cgroup; fi
	h delete -f "$CID"
	CID=
	cg_gone
}

@test "cgroups: create puts the init in the cgroup before start; a paused container can be updated" {
	need_v1_host
	make_bundle '{"pids":{"limit":20}}'
	h create --bundle "$B" "$CID" </dev/null >"$BATS_TEST_TMPDIR/ct.out" 2>&1
	[ "$(status_of)" = created ]
	pid=$(init_pid)
	grep -qx "$pid" $CGR/pids$CGP/cgroup.procs
	grep -qx "$pid" $CGR/memory$CGP/cgroup.procs
	h pause "$CID"
	[ "$(status_of)" = paused ]
	h update --pids-limit 25 "$CID"
	[ "$(cat $CGR/pids$CGP/pids.max)" = 25 ]
	h resume "$CID"
	[ "$(status_of)" = created ]
	h start "$CID"
	[ "$(status_of)" = running ]
	run h ps --format json "$CID"
	[ "$output" = "[$pid]" ]
	h delete -f "$CID"
	CID=
	cg_gone
}

@test "cgroups: ps lists the container's processes (table through host ps, json pids)" {
	need_v1_host
	make_bundle '{}'
	start_container
	pid=$(init_pid)
	run h ps --format json "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "[$pid]" ]
	run h ps "$CID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[[ "${lines[1]}" == *"sleep 300"* ]]
	[ "${#lines[@]}" -eq 2 ]
	run h ps "$CID" -o pid,comm
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | awk '{print $1}')" = PID ]
	[ "$(echo "${lines[1]}" | awk '{print $1, $2}')" = "$pid sleep" ]
	run h ps -f xml "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid format option"* ]]
}

@test "cgroups: pause freezes, state says paused, resume thaws; runc's errors for the wrong state" {
	need_v1_host
	make_bundle '{}'
	start_container
	h pause "$CID"
	[ "$(cat $CGR/freezer$CGP/freezer.state)" = FROZEN ]
	[ "$(status_of)" = paused ]
	run h pause "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	h resume "$CID"
	[ "$(cat $CGR/freezer$CGP/freezer.state)" = THAWED ]
	[ "$(status_of)" = running ]
	run h resume "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not paused"* ]]
	# delete -f of a paused container kills it and removes every cgroup
	h pause "$CID"
	h delete -f "$CID"
	CID=
	cg_gone
}

@test "cgroups: update changes a running container's limits (flags and --resources)" {
	need_v1_host
	make_bundle '{"memory":{"limit":67108864},"pids":{"limit":40},"cpu":{"shares":512}}'
	start_container
	h update --memory 128m --memory-reservation 64m --pids-limit 50 --cpu-share 1024 \
		--cpu-period 50000 --cpu-quota 10000 --cpuset-cpus 0 --cpuset-mems 0 "$CID"
	[ "$(cat $CGR/memory$CGP/memory.limit_in_bytes)" = 134217728 ]
	[ "$(cat $CGR/memory$CGP/memory.soft_limit_in_bytes)" = 67108864 ]
	[ "$(cat $CGR/pids$CGP/pids.max)" = 50 ]
	[ "$(cat $CGR/cpu$CGP/cpu.shares)" = 1024 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_period_us)" = 50000 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_quota_us)" = 10000 ]
	[ "$(cat $CGR/cpuset$CGP/cpuset.cpus)" = 0 ]
	if [ -e $CGR/memory$CGP/memory.memsw.limit_in_bytes ]; then
		h update --memory-swap 256m "$CID"
		[ "$(cat $CGR/memory$CGP/memory.memsw.limit_in_bytes)" = 268435456 ]
	fi
	if [ -e $CGR/blkio$CGP/blkio.weight ]; then
		h update --blkio-weight 300 "$CID"
		[ "$(cat $CGR/blkio$CGP/blkio.weight)" = 300 ]
	fi
	echo '{"pids":{"limit":60},"memory":{"limit":-1}}' | h update --resources - "$CID"
	[ "$(cat $CGR/pids$CGP/pids.max)" = 60 ]
	[ "$(cat $CGR/memory$CGP/memory.limit_in_bytes)" = 9223372036854771712 ]
	echo '{"cpu":{"shares":256}}' >"$BATS_TEST_TMPDIR/res.json"
	h update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	[ "$(cat $CGR/cpu$CGP/cpu.shares)" = 256 ]
	[ "$(cat $CGR/pids$CGP/pids.max)" = 60 ] # untouched
	run h update --cpu-share 1 "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cpu.shares"* ]]
	run h update --memory 12x "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid value for memory"* ]]
	h kill "$CID" KILL
	wait_for '[ "$(status_of)" = stopped ]'
	run h update --pids-limit 10 "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
}

@test "cgroups: events --stats gives runc's layout; events streams at --interval" {
	need_v1_host
	make_bundle '{"memory":{"limit":67108864},"pids":{"limit":60}}'
	start_container
	run h events --stats "$CID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read())
assert e["type"] == "stats" and e["id"] == "'$CID'", e
d = e["data"]
for k in ("cpu", "memory", "pids", "blkio", "hugetlb"):
    assert k in d, k
assert d["pids"]["limit"] == 60 and d["pids"]["current"] == 1, d["pids"]
assert d["memory"]["usage"]["limit"] == 67108864, d["memory"]
'
	run timeout 2 "$HULL" --root "$ROOT" events --interval 300ms "$CID"
	[ "$status" -eq 124 ]
	[ "${#lines[@]}" -ge 3 ]
	for l in "${lines[@]}"; do [[ "$l" == '{"type":"stats","id":"'$CID'","data":{'* ]]; done
	run h events --interval 0s "$CID"
	[ "$status" -ne 0 ]
	h kill "$CID" KILL
	wait_for '[ "$(status_of)" = stopped ]'
	run h events --stats "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container with id $CID is not running"* ]]
}

@test "cgroups: pids.max stops a fork bomb in a container" {
	need_v1_host
	# the bomb runs in a subshell: sh exits when a fork fails, and the init must survive that
	make_bundle '{"pids":{"limit":8}}' '(for i in $(seq 1 30); do sleep 300 & done); sleep 300'
	start_container
	wait_for '[ "$(cut -d" " -f2 $CGR/pids$CGP/pids.events)" -gt 0 ]'
	[ "$(cat $CGR/pids$CGP/pids.current)" -le 8 ]
	run h ps --format json "$CID"
	n=$(echo "$output" | tr ',' '\n' | wc -l)
	[ "$n" -le 8 ] && [ "$n" -ge 2 ]
}

@test "cgroups: a memory hog is OOM-killed, counted, and events reports oom" {
	need_v1_host
	make_bundle '{"memory":{"limit":16777216,"swap":16777216}}' 'sleep 1; x=a; while :; do x=$x$x; done'
	start_container
	run timeout 30 "$HULL" --root "$ROOT" events --interval 10s "$CID"
	echo "$output" | grep -qx "{\"type\":\"oom\",\"id\":\"$CID\"}"
	[ "$(sed -n 's/^oom_kill //p' $CGR/memory$CGP/memory.oom_control)" -ge 1 ]
	[ "$(status_of)" = stopped ]
	h delete "$CID"
	CID=
	cg_gone
}

@test "cgroups: kill --all signals every process through the cgroup" {
	need_v1_host
	make_bundle '{}' 'sleep 300 & sleep 300 & wait; sleep 300'
	start_container
	wait_for '[ "$(wc -l <$CGR/pids$CGP/cgroup.procs)" -eq 3 ]'
	pid=$(init_pid)
	# pid 1 of a namespace ignores TERM without a handler: only the two sleeps go
	h kill --all "$CID" TERM
	wait_for '[ "$(wc -l <$CGR/pids$CGP/cgroup.procs)" -le 2 ]'
	h pause "$CID"
	h kill --all "$CID" KILL
	wait_for '[ "$(status_of)" = stopped ]'
	[ "$(cat $CGR/freezer$CGP/freezer.state)" = THAWED ]
	[ ! -s $CGR/pids$CGP/cgroup.procs ]
	h delete "$CID"
	CID=
	cg_gone
}

@test "cgroups: a bad resource in config.json fails create with the JSON path and no cgroup" {
	need_v1_host
	make_bundle '{"cpu":{"shares":1}}'
	run h create --bundle "$B" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.cpu.shares"* ]]
	no_leftover
	make_bundle '{"devices":[{"allow":true,"type":"x","major":1,"minor":3,"access":"rwm"}]}'
	run h create --bundle "$B" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.devices[0].type"* ]]
	no_leftover
	make_bundle '{"unified":{"memory.max":"100"}}'
	run h create --bundle "$B" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.unified: invalid configuration: cannot use unified on cgroup v1"* ]]
	no_leftover
	run h state "$CID"
	[ "$status" -ne 0 ]
	CID=
}

@test "cgroups: pause, resume, update, events and ps of a missing container fail like runc" {
	ROOT=$BATS_TEST_TMPDIR/root
	for c in pause resume "update --pids-limit 5" "events --stats" ps; do
		run "$HULL" --root "$ROOT" $c nosuch
		[ "$status" -ne 0 ]
		[[ "$output" == *"container does not exist"* ]]
	done
}

# ---- runc 1.1.5 compatibility (its own integration suite and Docker) ----------------

# What Docker sends: every field, most of them 0 (= unset in runc), swappiness -1 as a uint64.
DOCKER_ZEROS='{"memory":{"limit":0,"reservation":0,"swap":0,"kernel":0,"kernelTCP":0,
 "swappiness":18446744073709551615,"disableOOMKiller":false},
 "cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"cpus":"","mems":""},
 "blockIO":{"weight":0},"pids":{"limit":0},"network":{"classID":0}}'

@test "cgroups: Docker's zero resources mean unset, on create and on update (runc)" {
	need_v1_host
	make_bundle "$DOCKER_ZEROS"
	start_container
	grep -q "Kernel memory settings are ignored and will be removed" "$BATS_TEST_TMPDIR/ct.out"
	[ "$(cat $CGR/cpu$CGP/cpu.shares)" = 1024 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_quota_us)" = -1 ]
	[ "$(cat $CGR/pids$CGP/pids.max)" = max ]
	[ -n "$(cat $CGR/cpuset$CGP/cpuset.cpus)" ]
	h update --cpu-share 512 --cpu-quota 20000 --cpu-period 100000 --pids-limit 30 --memory 64m "$CID"
	echo "$DOCKER_ZEROS" | h update -r - "$CID"
	[ "$(cat $CGR/cpu$CGP/cpu.shares)" = 512 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_period_us)" = 100000 ]
	[ "$(cat $CGR/pids$CGP/pids.max)" = 30 ]
	[ "$(cat $CGR/memory$CGP/memory.limit_in_bytes)" = 67108864 ]
	# only the period: the quota stays (runc's update semantics)
	h update --cpu-period 50000 "$CID"
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_quota_us)" = 20000 ]
	[ "$(cat $CGR/cpu$CGP/cpu.cfs_period_us)" = 50000 ]
}

@test "cgroups: a non-empty cgroup gets runc's warning; a frozen one is refused and never joined" {
	need_v1_host
	make_bundle '{}'
	start_container
	# detached: its stdio must not be bats' pipe (a failing test would hang on it)
	h run -d --bundle "$B" "$CID-2" </dev/null >"$BATS_TEST_TMPDIR/ct2.out" 2>&1
	run h delete -f "$CID-2"
	grep -q "container's cgroup is not empty: 1 process(es) found" "$BATS_TEST_TMPDIR/ct2.out"
	h delete -f "$CID"
	local ct3=$CID-3
	CID=
	# someone froze the cgroup before the container: refused, nothing made, nothing joined
	local frozen=$CGR/freezer$CGP
	mkdir -p "$frozen"
	echo FROZEN >"$frozen/freezer.state"
	run timeout 20 "$HULL" --root "$ROOT" run -d --bundle "$B" "$ct3" </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"container's cgroup unexpectedly frozen"* ]]
	[ -z "$(cat "$frozen/cgroup.procs")" ]
	[ ! -e "$CGR/pids$CGP" ]
	run h state "$ct3"
	[ "$status" -ne 0 ]
	echo THAWED >"$frozen/freezer.state"
	rmdir "$frozen"
}

@test "cgroups: a pre-made parent (pod) cgroup with empty cpus/mems is filled from above (runc)" {
	need_v1_host
	make_bundle '{"cpu":{"period":100000}}'
	local pod=$PFX-$BATS_TEST_NUMBER/pod
	mkdir -p "$CGR/cpuset$pod" "$CGR/cpu$pod"
	[ -z "$(cat "$CGR/cpuset$pod/cpuset.cpus")" ]
	CGP=$pod/$CID
	sed -i "s|\"cgroupsPath\":\"[^\"]*\"|\"cgroupsPath\":\"$CGP\"|" "$B/config.json"
	start_container
	[ "$(cat "$CGR/cpuset$pod/cpuset.cpus")" = "$(cat $CGR/cpuset/cpuset.cpus)" ]
	[ -n "$(cat "$CGR/cpuset$pod/cpuset.mems")" ]
	grep -qx "$(init_pid)" "$CGR/cpuset$CGP/cgroup.procs"
}

@test "cgroups: exec --cgroup stays inside the container's cgroup, with runc's errors" {
	need_v1_host
	make_bundle '{}'
	start_container
	run h exec --cgroup .. "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *" .. is not a sub cgroup path"* ]]
	run h exec --cgroup nonexistent "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *" adding pid "*"/nonexistent/cgroup.procs: no such file "* ]]
	mkdir "$CGR/memory$CGP/sub"
	run h exec --cgroup memory:sub "$CID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ "$output" == *":memory:$CGP/sub"* ]]
}

@test "cgroups: linux.devices opens nothing the device rules deny; access beyond rwm is ignored (runc)" {
	need_v1_host
	make_bundle '{"devices":[{"allow":false,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":11,"access":"rwa"}]}'
	sed -i 's|"linux":{|"linux":{"devices":[{"path":"/dev/kmsg","type":"c","major":1,"minor":11},{"path":"/dev/tty","type":"c","major":5,"minor":0}],|' "$B/config.json"
	start_container
	run cat "$CGR/devices$CGP/devices.list"
	[[ "$output" == *"c 1:3 rwm"* ]]   # runc's default list
	[[ "$output" == *"c 10:200 rwm"* ]]
	[[ "$output" != *"c 1:11"* ]]      # /dev/kmsg: only its node, no access
	[[ "$output" != *"c 5:0 "* ]]      # a linux.devices path drops runc's default rule for it
}

@test "cgroups: delete -f of a cgroup that stays busy gives up within seconds and names what holds it" {
	need_v1_host
	make_bundle '{}'
	start_container
	# a host process in the container's memory cgroup only: no kill of the container reaches it
	sleep 300 &
	local holder=$!
	echo "$holder" >"$CGR/memory$CGP/cgroup.procs"
	local t0=$SECONDS
	run h delete -f "$CID"
	local took=$((SECONDS - t0))
	kill -9 "$holder"
	[ "$status" -ne 0 ]
	[ "$took" -lt 10 ]
	[[ "$output" == *"remove cgroup $CGR/memory$CGP: Device or resource busy: 1 process(es) still in it (pids $holder)"* ]]
	[[ "$output" != *"busy: Device or resource busy"* ]]
	[ "$(grep -c 'level=error' <<<"$output")" -eq 1 ]
	CID=
}
