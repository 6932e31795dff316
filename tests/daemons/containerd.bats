#!/usr/bin/env bats
# containerd.bats - hull as the runtime of Debian's containerd (runc v2 shim), driven by ctr
# and by the CRI API (what the kubelet uses).
#
# setup_file starts a private containerd (own socket, root, state; CRI's TCP service off,
# its stream server on 127.0.0.1 only) inside `unshare -m -n`, so the shims, every rootfs
# mount, the CNI bridge and the pods' network namespaces live in namespaces that die with
# them, and imports busybox OCI archives made by tests/lib/oci-image.sh (the CRI sandbox
# image runs tests/daemons/pause.c, built static). Two ways to make hull the runtime are exercised:
#   - `ctr run --runc-binary $HULL` (the shim's BinaryName option, per container);
#   - config.toml's CRI runtime "hull" (runtime_type io.containerd.runc.v2, options
#     BinaryName = $HULL): a pod sandbox with runtime_handler "hull", which is what a
#     Kubernetes RuntimeClass with handler: hull does (driven by cri.py; no crictl in Debian).
# HULL=/usr/sbin/runc must pass as well.

load lib

IMAGE=docker.io/hulltest/busybox:latest
PAUSE_IMAGE=docker.io/hulltest/pause:latest

setup_file() {
	daemons_setup_hull
	[ "$(id -u)" = 0 ] || return 0
	command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
	[ -x "$HULL" ] || return 0
	# Short path: unix socket paths are limited to 108 bytes.
	CTRD=$(mktemp -d /tmp/hull-ctrd.XXXXXX)
	CTRD_NS=hulltest-$$
	export CTRD CTRD_NS
	[ -d /run/containerd ] && CTRD_HAD_RUN=1 || CTRD_HAD_RUN=0
	# the CRI plugin keeps pod network namespaces in /var/run/netns (mounted in its own
	# mount namespace, but the directory is the host's)
	[ -d /run/netns ] && CTRD_HAD_NETNS=1 || CTRD_HAD_NETNS=0
	export CTRD_HAD_RUN CTRD_HAD_NETNS
	write_containerd_config "$CTRD/config.toml"
	mkdir -p "$CTRD/cni/conf"
	write_cni_config "$CTRD/cni/conf/10-hulltest.conflist"
	# the shell execs containerd: $! is containerd's pid (nsenter -n reaches its stream server)
	unshare -m -n --propagation private sh -c 'ip link set lo up && exec containerd --config "$1"' sh \
		"$CTRD/config.toml" >"$CTRD/containerd.log" 2>&1 &
	echo $! >"$CTRD/containerd.pid"
	CTRD_PID=$!
	export CTRD_PID
	wait_until 20 ctr -a "$CTRD/c.sock" version >/dev/null 2>&1 || {
		cat "$CTRD/containerd.log" >&3
		return 1
	}
	"$DAEMONS_LIB/oci-image.sh" "$CTRD/busybox.tar" "$IMAGE"
	ctrd image import "$CTRD/busybox.tar" >/dev/null
	# the CRI plugin's namespace: the sandbox ("pause") image and the busybox image
	local pause_cmd='["sleep","2147483647"]'
	if ${CC:-cc} -static -O2 -o "$CTRD/pause" "$BATS_TEST_DIRNAME/pause.c" 2>/dev/null; then
		export OCI_IMAGE_ADD="$CTRD/pause:pause"
		pause_cmd='["/pause"]'
	fi
	"$DAEMONS_LIB/oci-image.sh" "$CTRD/pause.tar" "$PAUSE_IMAGE" "" "$pause_cmd"
	unset OCI_IMAGE_ADD
	ctr -a "$CTRD/c.sock" -n k8s.io image import "$CTRD/pause.tar" >/dev/null
	ctr -a "$CTRD/c.sock" -n k8s.io image import "$CTRD/busybox.tar" >/dev/null
}

# The containerd config the suite runs: private paths, no TCP, no metrics/debug listeners.
# The CRI part (runtimes.hull with BinaryName) is docs/kubernetes.md's snippet; runtimes.runc
# is Debian's runc under its own Root, for the side-by-side CRI tests; the rest of its CRI
# settings only fit this machine (CNI plugins from Debian's containernetworking-plugins;
# no CAP_SYS_RESOURCE: restrict_oom_score_adj).
write_containerd_config() {
	cat >"$1" <<EOF
version = 2
root = "$CTRD/root"
state = "$CTRD/state"

[grpc]
  address = "$CTRD/c.sock"

[ttrpc]
  address = "$CTRD/c.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$CTRD/opt"

[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  sandbox_image = "$PAUSE_IMAGE"
  disable_apparmor = true
  restrict_oom_score_adj = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "$CTRD/cni/conf"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "$(command -v runc || echo /usr/sbin/runc)"
  Root = "$CTRD/runc-cri-runc"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull.options]
  BinaryName = "$HULL"
  Root = "$CTRD/runc-cri"
EOF
}

# A bridge network for pods with their own network namespace; the bridge lives in
# containerd's private network namespace, the address book in $CTRD.
write_cni_config() {
	cat >"$1" <<EOF
{"cniVersion": "1.0.0", "name": "hulltest", "plugins": [
  {"type": "bridge", "bridge": "hulltest0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$CTRD/cni/ipam",
            "ranges": [[{"subnet": "10.88.77.0/24"}]]}}]}
EOF
}

teardown_file() {
	[ -n "${CTRD:-}" ] || return 0
	local pid ns id
	if [ -S "$CTRD/c.sock" ]; then
		for ns in "$CTRD_NS" k8s.io; do
			for id in $(ctr -a "$CTRD/c.sock" -n "$ns" task ls -q 2>/dev/null); do
				ctr -a "$CTRD/c.sock" -n "$ns" task kill -a -s SIGKILL "$id" >/dev/null 2>&1
			done
			sleep 0.2
			for id in $(ctr -a "$CTRD/c.sock" -n "$ns" container ls -q 2>/dev/null); do
				ctr -a "$CTRD/c.sock" -n "$ns" task rm -f "$id" >/dev/null 2>&1
				ctr -a "$CTRD/c.sock" -n "$ns" container rm "$id" >/dev/null 2>&1
			done
		done
	fi
	pid=$(cat "$CTRD/containerd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait_until 10 eval "! kill -0 $pid 2>/dev/null"
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	# Shims that outlived containerd (they carry our socket path in their argv).
	kill_pids_with_arg "$CTRD/c.sock"
	kill_pids_with_arg "$CTRD/"
	wait_until 5 eval '[ -z "$(pids_with_arg "$CTRD/")" ]'
	remove_cgroup_parent "$CTRD_NS"
	remove_cgroup_parent "$CTRD_NS-cri"
	local left
	left=$(pids_with_arg "$CTRD/"; cgroups_named "$CTRD_NS"; cgroups_named "$CTRD_NS-cri")
	rm -rf "$CTRD"
	# /run/containerd/{s,fifo,runc} are hard-wired in containerd 1.6: drop them if we made them.
	if [ "$CTRD_HAD_RUN" = 0 ]; then
		rmdir /run/containerd/s /run/containerd/fifo /run/containerd/runc /run/containerd 2>/dev/null
	fi
	[ "${CTRD_HAD_NETNS:-1}" = 1 ] || rmdir /run/netns 2>/dev/null
	# a leak fails the file
	[ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

setup() {
	need_hull
	command -v containerd >/dev/null || skip "needs containerd (apt-get install containerd)"
	[ -S "${CTRD:-/nonexistent}/c.sock" ] || skip "containerd did not start"
	N=$BATS_TEST_NUMBER
}

teardown() {
	[ -S "${CTRD:-/nonexistent}/c.sock" ] || return 0
	local id
	for id in $(ctrd container ls -q 2>/dev/null); do
		ctrd task kill -a -s SIGKILL "$id" >/dev/null 2>&1
		wait_until 5 task_gone "$id"
		ctrd task rm -f "$id" >/dev/null 2>&1
		ctrd container rm "$id" >/dev/null 2>&1
	done
	true
}

ctrd() {
	ctr -a "$CTRD/c.sock" -n "$CTRD_NS" "$@"
}

# ctr run with hull: FLAGS... ID [ARGS...] (the image is inserted before the ID; flags
# that take a value must be written --flag=value).
ctr_run() {
	local flags=()
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		flags+=("$1")
		shift
	done
	ctrd run --fifo-dir "$CTRD/fifo" --runc-root "$CTRD/runc" --runc-binary "$HULL" \
		"${flags[@]}" "$IMAGE" "$@"
}

ctr_exec() {
	ctrd task exec --fifo-dir "$CTRD/fifo" "$@"
}

task_status() {
	ctrd task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

task_pid() {
	ctrd task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'
}

# the command line of each process of the task, one a line
task_cmdlines() {
	local p
	for p in $(ctrd task ps "$1" 2>/dev/null | awk '/^[0-9]/ { print $1 }'); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null && echo
	done
}

task_gone() {
	local s
	s=$(task_status "$1")
	[ -z "$s" ] || [ "$s" = STOPPED ]
}

# a detached container running ARGS, waited for until RUNNING
run_detached() {
	local id=$1
	shift
	ctr_run -d "$id" "$@"
	wait_until 10 eval '[ "$(task_status '"$id"')" = RUNNING ]'
}

@test "ctr run: output and exit code come through" {
	run ctr_run --rm "c$N" sh -c 'echo hello; id -u; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = $'hello\n0' ]
}

@test "ctr run -t: a tty, and the exit code" {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	run script -qec "ctr -a $CTRD/c.sock -n $CTRD_NS run -t --rm --fifo-dir $CTRD/fifo --runc-root $CTRD/runc --runc-binary $HULL $IMAGE c$N sh -c 'tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "ctr run -d, then ctr task exec: output and exit code" {
	run_detached "c$N" sleep 1000
	run ctr_exec --exec-id e1 "c$N" sh -c 'echo in-exec; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = in-exec ]
	# the exec shares the container's pid namespace: sleep is pid 1
	run ctr_exec --exec-id e3 "c$N" cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == sleep* ]]
}

@test "ctr task exec -t: a tty inside a detached container" {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	run_detached "c$N" sleep 1000
	run script -qec "ctr -a $CTRD/c.sock -n $CTRD_NS task exec -t --fifo-dir $CTRD/fifo --exec-id et c$N sh -c 'tty; exit 6'" /dev/null </dev/null
	[ "$status" -eq 6 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "ctr task exec of a missing command fails with the runtime's message" {
	run_detached "c$N" sleep 1000
	run ctr_exec --exec-id e1 "c$N" no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	# the container is unharmed
	[ "$(task_status "c$N")" = RUNNING ]
}

@test "ctr task kill: SIGTERM reaches the container's handler" {
	ctr_run --rm "c$N" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	local bg=$!
	wait_until 10 grep -q ready "$BATS_TEST_TMPDIR/out"
	ctrd task kill "c$N"
	local rc=0
	wait "$bg" || rc=$?
	[ "$rc" -eq 7 ]
	grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "ctr task kill -s SIGKILL: exit status 137" {
	ctr_run --rm "c$N" sleep 1000 >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local bg=$!
	wait_until 10 eval '[ "$(task_status c'"$N"')" = RUNNING ]'
	ctrd task kill -s SIGKILL "c$N"
	local rc=0
	wait "$bg" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "ctr task kill --all: every process gets the signal" {
	# init survives SIGTERM (a handler; an ignored signal would be inherited); its children don't.
	run_detached "c$N" sh -c 'trap "echo term" TERM; sleep 1001 & sleep 1002 & while :; do sleep 0.1; done'
	wait_until 10 eval '[ "$(task_cmdlines c'"$N"' | grep -c "^sleep 100")" -eq 2 ]'
	local pids
	pids=$(ctrd task ps "c$N" | awk '/^[0-9]/ { print $1 }')
	ctrd task kill --all -s SIGTERM "c$N"
	wait_until 10 eval '[ "$(task_cmdlines c'"$N"' | grep -c "^sleep 100")" -eq 0 ]'
	[ "$(task_status "c$N")" = RUNNING ]
	ctrd task kill --all -s SIGKILL "c$N"
	wait_until 10 task_gone "c$N"
	# nothing of the container is left on the host
	local p
	for p in $pids; do
		refute kill -0 "$p" 2>/dev/null
	done
}

@test "ctr task kill of an exec'd process by --exec-id" {
	run_detached "c$N" sleep 1000
	ctr_exec -d --exec-id ex "c$N" sleep 999
	wait_until 10 eval '[ "$(ctrd task ps c'"$N"' | grep -c "^[0-9]")" -ge 2 ]'
	ctrd task kill -s SIGKILL --exec-id ex "c$N"
	wait_until 10 eval '[ "$(ctrd task ps c'"$N"' | grep -c "^[0-9]")" -eq 1 ]'
	[ "$(task_status "c$N")" = RUNNING ]
}

@test "ctr task pause / resume" {
	run_detached "c$N" sh -c 'while :; do date +%s%N >/tmp/tick; sleep 0.05; done'
	ctrd task pause "c$N"
	[ "$(task_status "c$N")" = PAUSED ]
	# frozen: the ticker does not move
	local pid t1 t2
	pid=$(task_pid "c$N")
	t1=$(cat "/proc/$pid/root/tmp/tick")
	sleep 0.3
	t2=$(cat "/proc/$pid/root/tmp/tick")
	[ "$t1" = "$t2" ]
	ctrd task resume "c$N"
	[ "$(task_status "c$N")" = RUNNING ]
	wait_until 5 eval '[ "$(cat /proc/'"$pid"'/root/tmp/tick)" != "'"$t2"'" ]'
}

@test "ctr task ps: the container's processes" {
	run_detached "c$N" sleep 1000
	ctr_exec -d --exec-id ex "c$N" sleep 999
	local init
	init=$(task_pid "c$N")
	wait_until 10 eval '[ "$(ctrd task ps c'"$N"' | grep -c "^[0-9]")" -eq 2 ]'
	run ctrd task ps "c$N"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$init"* ]]
	local p
	for p in $(echo "$output" | awk '/^[0-9]/ { print $1 }'); do
		grep -q "^sleep" "/proc/$p/cmdline"
	done
}

@test "ctr task metrics: cgroup statistics of the container (memory limit from ctr run)" {
	ctr_run -d --memory-limit=67108864 "c$N" sleep 1000
	wait_until 10 eval '[ "$(task_status c'"$N"')" = RUNNING ]'
	run ctrd task metrics --format json "c$N"
	[ "$status" -eq 0 ]
	[[ "$output" == *67108864* ]]
	# the shim found the container's cgroup: at least one process counted
	echo "$output" | jq -e '.. | objects | select(has("current")) | select(.current >= 1)' >/dev/null
}

@test "ctr task update: resources of a running container" {
	ctr task --help 2>&1 | grep -q '^ *update' || skip "this ctr ($(ctr --version)) has no task update"
	run_detached "c$N" sleep 1000
	run ctrd task update --memory-limit 33554432 "c$N"
	[ "$status" -eq 0 ]
	[[ "$(ctrd task metrics --format json "c$N")" == *33554432* ]]
}

@test "ctr run --rm: container, task, runtime state and cgroup are gone" {
	run ctr_run --rm "c$N" true
	[ "$status" -eq 0 ]
	refute grep -qx "c$N" < <(ctrd container ls -q)
	[ ! -e "$CTRD/runc/$CTRD_NS/c$N" ]
	[ -z "$(cgroups_named "c$N")" ]
	[ ! -e "$CTRD/state/io.containerd.runtime.v2.task/$CTRD_NS/c$N" ]
}

@test "a command that cannot start: containerd reports the runtime's error from log.json" {
	run ctr_run --rm "c$N" /no/such/binary
	[ "$status" -ne 0 ]
	[[ "$output" == *'OCI runtime create failed'* ]]
	[[ "$output" == *'exec: "/no/such/binary": stat /no/such/binary: no such file or directory'* ]]
	run ctr_run --rm "c$N-b" no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	# nothing left behind
	[ ! -e "$CTRD/runc/$CTRD_NS/c$N" ]
	[ -z "$(cgroups_named "c$N")" ]
	[ -z "$(pids_with_arg "$CTRD/runc/$CTRD_NS/c$N ")" ]
}

@test "20 containers started in parallel" {
	local i pids=()
	for i in $(seq 1 20); do
		ctr_run -d "c$N-$i" sh -c "echo \$\$ >/tmp/me; sleep 1000" &
		pids+=($!)
	done
	local p rc=0
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	[ "$rc" -eq 0 ]
	for i in $(seq 1 20); do
		wait_until 10 eval '[ "$(task_status c'"$N-$i"')" = RUNNING ]'
	done
	# distinct init pids, each in its own pid namespace (pid 1 inside)
	[ "$(ctrd task ls | awk -v p="c$N-" 'index($1, p) == 1 { print $2 }' | sort -u | wc -l)" -eq 20 ]
	run ctr_exec --exec-id e "c$N-7" cat /tmp/me
	[ "$output" = 1 ]
	for i in $(seq 1 20); do
		ctrd task kill -s SIGKILL "c$N-$i" &
	done
	wait
	for i in $(seq 1 20); do
		wait_until 10 task_gone "c$N-$i"
		ctrd task rm "c$N-$i" >/dev/null
		ctrd container rm "c$N-$i"
	done
	[ -z "$(ls -A "$CTRD/runc/$CTRD_NS" 2>/dev/null)" ]
}

# ---- CRI: the runtime from config.toml (runtimes.hull.options.BinaryName) ----------

# cri.py needs Debian's python3 with python3-grpcio (not a pyenv shim without it). It
# runs in containerd's network namespace: the streaming URLs are on its 127.0.0.1.
cri() {
	nsenter -t "$CTRD_PID" -n /usr/bin/python3 "$BATS_TEST_DIRNAME/cri.py" "$CTRD/c.sock" "$@"
}

need_cri() {
	/usr/bin/python3 -c 'import grpc' 2>/dev/null || skip "needs python3-grpcio for the CRI client"
	cri version >/dev/null || skip "the CRI plugin did not start"
	mkdir -p "$CTRD/logs"
}

cri_status() {
	cri status "$1" | awk '{ print $1 }'
}

# The runtimes the side-by-side CRI tests run on: containerd's handlers "hull" ($HULL)
# and "runc" (Debian's runc), each under its own Root.
CRI_HANDLERS="hull runc"

cri_root() {
	case $1 in
	hull) echo "$CTRD/runc-cri/k8s.io" ;;
	*) echo "$CTRD/runc-cri-runc/k8s.io" ;;
	esac
}

# in_ctrd CMD...: CMD in containerd's mount and network namespaces (where the pods'
# host paths and the CNI bridge are).
in_ctrd() {
	nsenter -t "$CTRD_PID" -m -n "$@"
}

# pod HANDLER NAME [POD_JSON] -> sandbox id
pod() {
	cri runp "$2" "$1" "$CTRD/logs" "/$CTRD_NS-cri" "${3:-"{}"}"
}

# ctr_in HANDLER POD NAME POD_JSON [CTR_JSON] CMD... -> a started container's id. The pod's
# JSON goes with every container (the kubelet sends the pod's config with each create).
ctr_in() {
	local handler=$1 pod=$2 name=$3 podjson=$4 ctrjson='{}' cid
	shift 4
	if [ "${1#\{}" != "$1" ]; then
		ctrjson=$1
		shift
	fi
	ctrjson=$(jq -c --argjson p "$podjson" '. + {pod: $p}' <<<"$ctrjson")
	cid=$(cri create "$pod" "$name" "$IMAGE" "$name.log" "/$CTRD_NS-cri" "$handler" "$CTRD/logs" "$ctrjson" "$@") || return 1
	cri start "$cid" >/dev/null || return 1
	echo "$cid"
}

# remove_pod HANDLER POD: stop and remove it with its containers; its state must be gone
# from the runtime's root, no cgroup left under the CRI cgroup parent.
remove_pod() {
	local handler=$1 pod=$2 root
	root=$(cri_root "$handler")
	cri stopp "$pod"
	cri rmp "$pod"
	[ ! -e "$root/$pod" ] || { echo "$handler left the state of $pod"; return 1; }
	local cgs
	cgs=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*/$CTRD_NS-cri/*" 2>/dev/null)
	[ -z "$cgs" ] || { echo "$handler left cgroups: $cgs"; return 1; }
}

@test "CRI: a pod with runtime handler \"hull\" runs on BinaryName from config.toml" {
	need_cri
	local pod cid
	pod=$(cri runp "p$N" hull "$CTRD/logs" "/$CTRD_NS-cri")
	[ -n "$pod" ]
	# the sandbox was made by the configured binary, under the configured Root
	run "$HULL" --root "$CTRD/runc-cri/k8s.io" state "$pod"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = running ]
	cid=$(cri create "$pod" "c$N" "$IMAGE" "c$N.log" "/$CTRD_NS-cri" hull "$CTRD/logs" sh -c 'echo hello-cri; exit 3')
	cri start "$cid"
	wait_until 10 eval '[ "$(cri_status '"$cid"')" = EXITED ]'
	run cri status "$cid"
	[[ "$output" == "EXITED 3 "* ]]
	grep -q 'stdout F hello-cri$' "$CTRD/logs/c$N.log"
	cri rm "$cid"
	cri stopp "$pod"
	cri rmp "$pod"
	[ ! -e "$CTRD/runc-cri/k8s.io/$pod" ]
	[ ! -e "$CTRD/runc-cri/k8s.io/$cid" ]
}

@test "CRI: exec in a running container, then stop (SIGTERM) and remove" {
	need_cri
	local pod cid
	pod=$(cri runp "p$N" hull "$CTRD/logs" "/$CTRD_NS-cri")
	cid=$(cri create "$pod" "c$N" "$IMAGE" "c$N.log" "/$CTRD_NS-cri" hull "$CTRD/logs" sleep 1000)
	cri start "$cid"
	[ "$(cri_status "$cid")" = RUNNING ]
	run cri exec "$cid" sh -c 'echo in-exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = in-exec ]
	# the pod's containers share the sandbox's pid namespace: sleep is not pid 1, so
	# SIGTERM kills it (143) without waiting for the SIGKILL
	cri stop "$cid"
	run cri status "$cid"
	[[ "$output" == "EXITED 143 "* ]]
	cri rm "$cid"
	cri stopp "$pod"
	cri rmp "$pod"
	[ -z "$(ls -A "$CTRD/runc-cri/k8s.io" 2>/dev/null)" ]
}

@test "CRI: update a running container's resources (runtime update --resources -)" {
	need_cri
	local pod cid pid cg
	pod=$(cri runp "p$N" hull "$CTRD/logs" "/$CTRD_NS-cri")
	cid=$(cri create "$pod" "c$N" "$IMAGE" "c$N.log" "/$CTRD_NS-cri" hull "$CTRD/logs" sleep 1000)
	cri start "$cid"
	pid=$("$HULL" --root "$CTRD/runc-cri/k8s.io" state "$cid" | jq -r .pid)
	cri update "$cid" 67108864 512
	# read the limits back from the container's own cgroups (v1 or v2)
	cg=$(awk -F: '$2 == "memory" { print $3 }' "/proc/$pid/cgroup")
	if [ -n "$cg" ] && [ -f "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes" ]; then
		[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" = 67108864 ]
		cg=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$pid/cgroup")
		[ "$(cat /sys/fs/cgroup/cpu*/"$cg"/cpu.shares | head -1)" = 512 ]
	else
		cg=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
		[ "$(cat "/sys/fs/cgroup$cg/memory.max")" = 67108864 ]
	fi
	cri stop "$cid"
	cri rm "$cid"
	cri stopp "$pod"
	cri rmp "$pod"
}

@test "ctr task exec --user --cwd, and ctr run --env" {
	run_detached "c$N" sleep 1000
	run ctr_exec --exec-id e1 --user 1000 --cwd /tmp "c$N" sh -c 'id -u; pwd'
	[ "$status" -eq 0 ]
	[ "$output" = $'1000\n/tmp' ]
	run ctr_run --rm --env=FOO=bar --cwd=/etc "c$N-b" sh -c 'echo $FOO $(pwd)'
	[ "$output" = "bar /etc" ]
}

@test "ctr run --read-only, --mount (bind, ro), --privileged" {
	mkdir -p "$BATS_TEST_TMPDIR/share"
	echo shared >"$BATS_TEST_TMPDIR/share/f"
	run ctr_run --rm --read-only --mount="type=bind,src=$BATS_TEST_TMPDIR/share,dst=/mnt,options=rbind:ro" \
		"c$N" sh -c 'cat /mnt/f; touch /x || echo rootfs-ro; touch /mnt/y || echo mount-ro'
	[ "$status" -eq 0 ]
	[[ "$output" == *shared*rootfs-ro*mount-ro* ]]
	[ ! -e "$BATS_TEST_TMPDIR/share/y" ]
	run ctr_run --rm --privileged "c$N-b" sh -c 'grep CapEff /proc/self/status; ls /dev | wc -l'
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:"*"$(awk '/^CapBnd/ { print $2 }' /proc/self/status)"* ]]
}

@test "ctr run --with-ns: a container joins another's pid namespace" {
	run_detached "c$N" sleep 1000
	local pid
	pid=$(task_pid "c$N")
	run ctr_run --rm --with-ns="pid:/proc/$pid/ns/pid" "c$N-b" cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == sleep* ]]
}

@test "ctr run --memory-limit: the OOM killer ends the container (137)" {
	run ctr_run --rm --memory-limit=16777216 "c$N" sh -c 'x=$(head -c 64000000 /dev/zero | tr "\0" a); echo survived'
	[ "$status" -eq 137 ]
	[[ "$output" != *survived* ]]
}

@test "a killed shim: containerd cleans up through the runtime's delete --force" {
	run_detached "c$N" sleep 1000
	local init shim
	init=$(task_pid "c$N")
	shim=$(pids_with_arg "-id c$N -address $CTRD/c.sock")
	[ -n "$shim" ]
	# containerd 1.6 names the shim's socket sha256(<address>/<namespace>/<id>) in a fixed
	# dir; a SIGKILLed shim can't remove it, so the test does
	local sock
	sock=/run/containerd/s/$(printf '%s' "$CTRD/c.sock/$CTRD_NS/c$N" | sha256sum | cut -d' ' -f1)
	[ -S "$sock" ]
	kill -KILL $shim
	# containerd notices, runs `containerd-shim-runc-v2 delete`, which runs
	# `$HULL --root ... delete --force c$N`: the init dies and the state goes
	wait_until 10 task_gone "c$N"
	wait_until 10 eval '! kill -0 '"$init"' 2>/dev/null'
	wait_until 10 eval '[ ! -e "$CTRD/runc/$CTRD_NS/c$N" ]'
	rm -f "$sock"
}

# ---- CRI: what the kubelet asks of a runtime, hull and runc side by side -------------
# Each scenario runs once per handler in CRI_HANDLERS; a failure names the handler.

cri_namespaces() {
	local h=$1 pod cid out pj
	# own network namespace (CNI bridge) with the host's pid namespace: the sandbox joins
	# its netns by path and keeps no pid namespace (hostPID pods)
	pj='{"net":"pod","pid":"node"}'
	pod=$(pod "$h" "p$N-$h" "$pj")
	local ip
	ip=$(cri podip "$pod")
	[[ "$ip" == 10.88.77.* ]]
	cid=$(ctr_in "$h" "$pod" "c$N-$h" "$pj" sleep 1000)
	out=$(cri exec "$cid" sh -c 'ip addr show dev eth0; readlink /proc/self/ns/pid')
	[[ "$out" == *"inet $ip/"* ]]
	[[ "$out" == *"$(readlink /proc/self/ns/pid)"* ]]
	remove_pod "$h" "$pod"
	# hostNetwork, hostPID, hostIPC: containerd's own namespaces
	pj='{"net":"node","pid":"node","ipc":"node"}'
	pod=$(pod "$h" "q$N-$h" "$pj")
	cid=$(ctr_in "$h" "$pod" "d$N-$h" "$pj" sleep 1000)
	out=$(cri exec "$cid" sh -c 'for n in net pid ipc; do readlink /proc/self/ns/$n; done')
	[ "$out" = "$(for n in net pid ipc; do readlink "/proc/$CTRD_PID/ns/$n"; done)" ]
	remove_pod "$h" "$pod"
}

@test "CRI (hull, runc): pod network via CNI, hostNetwork, hostPID, hostIPC" {
	need_cri
	local h
	for h in $CRI_HANDLERS; do
		echo "== $h"
		cri_namespaces "$h"
	done
}

cri_security() {
	local h=$1 pod cid out pj
	pj='{"net":"pod","sysctls":{"net.ipv4.ip_unprivileged_port_start":"80","kernel.shm_rmid_forced":"1"}}'
	pod=$(pod "$h" "p$N-$h" "$pj")
	cid=$(ctr_in "$h" "$pod" "c$N-$h" "$pj" '{"user":1000,"group":1001,"groups":[2000],"readonly_rootfs":true,
		"drop":["ALL"],"add":["NET_BIND_SERVICE"],"no_new_privs":true,"seccomp":"runtime",
		"masked":["/proc/keys","/proc/timer_list"],"readonly":["/proc/sys"]}' sleep 1000)
	out=$(cri exec "$cid" sh -c 'id -u; id -g; echo " $(id -G) "; touch /x 2>/dev/null || echo rootfs-ro
		grep -E "^(CapBnd|NoNewPrivs|Seccomp):" /proc/self/status | tr -d "\t"
		wc -c </proc/keys; (echo 0 >/proc/sys/kernel/shm_rmid_forced) 2>/dev/null || echo sys-ro
		cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced')
	echo "$out"
	mapfile -t l <<<"$out"
	[ "${l[0]}" = 1000 ]
	[ "${l[1]}" = 1001 ]
	[[ "${l[2]}" == *" 2000 "* ]]
	[ "${l[3]}" = rootfs-ro ]
	[ "${l[4]}" = CapBnd:0000000000000400 ]
	[ "${l[5]}" = NoNewPrivs:1 ]
	[ "${l[6]}" = Seccomp:2 ]
	[ "${l[7]}" = 0 ]
	[ "${l[8]}" = sys-ro ]
	[ "${l[9]}" = 80 ]
	[ "${l[10]}" = 1 ]
	# seccomp Unconfined; a privileged container in a privileged pod: every capability,
	# no filter, nothing masked
	cid=$(ctr_in "$h" "$pod" "u$N-$h" "$pj" '{"seccomp":"unconfined"}' sleep 1000)
	[ "$(cri exec "$cid" sh -c 'grep ^Seccomp: /proc/self/status | tr -d "\t"')" = Seccomp:0 ]
	remove_pod "$h" "$pod"
	pj='{"privileged":true}'
	pod=$(pod "$h" "q$N-$h" "$pj")
	cid=$(ctr_in "$h" "$pod" "v$N-$h" "$pj" '{"privileged":true}' sleep 1000)
	out=$(cri exec "$cid" sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status | tr -d "\t"
		awk "\$5 == \"/proc/keys\"" /proc/self/mountinfo | wc -l')
	mapfile -t l <<<"$out"
	[ "${l[0]}" = "CapEff:$(awk '/^CapBnd/ { print $2 }' /proc/self/status)" ]
	[ "${l[1]}" = Seccomp:0 ]
	[ "${l[2]}" = 0 ]
	remove_pod "$h" "$pod"
}

@test "CRI (hull, runc): securityContext: users, groups, read-only rootfs, capabilities, no_new_privs, seccomp, masks, sysctls, privileged" {
	need_cri
	local h
	for h in $CRI_HANDLERS; do
		echo "== $h"
		cri_security "$h"
	done
}

cri_io() {
	local h=$1 pod cid out pj='{"pid":"container"}'
	pod=$(pod "$h" "p$N-$h" "$pj")
	# pid 1 of its own pid namespace ignores SIGTERM: stop must wait out the grace
	# period, then SIGKILL
	cid=$(ctr_in "$h" "$pod" "c$N-$h" "$pj" sh -c 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done')
	run cri exec "$cid" sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == *out* ]]
	# streaming exec through containerd's URL (WebSocket, v4.channel.k8s.io)
	run cri execs "$cid" sh -c 'echo streamed; exit 4'
	[ "$status" -eq 4 ]
	[[ "$output" == *streamed* ]]
	run cri attach "$cid" 1.5
	[[ "$output" == *tick* ]]
	grep -q 'stdout F tick' "$CTRD/logs/c$N-$h.log"
	local cpu mem
	read -r cpu mem < <(cri stats "$cid")
	[ "$cpu" -gt 0 ]
	[ "$mem" -gt 0 ]
	local t0=$SECONDS
	cri stop "$cid" 2
	[ $((SECONDS - t0)) -ge 2 ]
	[[ "$(cri status "$cid")" == "EXITED 137 "* ]]
	cri rm "$cid"
	remove_pod "$h" "$pod"
}

@test "CRI (hull, runc): exec sync, streaming exec, attach, logs, stats, stop with a grace period" {
	need_cri
	local h
	for h in $CRI_HANDLERS; do
		echo "== $h"
		cri_io "$h"
	done
}

cri_propagation() {
	local h=$1 pod cid out d=$CTRD/prop-$h x
	for x in priv slave shared; do
		mkdir -p "$d/$x/later" "$d/$x/inner"
		# containerd accepts HostToContainer/Bidirectional only from shared mounts
		in_ctrd sh -c "mount --bind '$d/$x' '$d/$x' && mount --make-shared '$d/$x'"
	done
	pod=$(pod "$h" "p$N-$h")
	cid=$(ctr_in "$h" "$pod" "c$N-$h" '{}' "$(jq -nc --arg d "$d" '{add: ["SYS_ADMIN"], mounts: [
		{container: "/priv", host: "\($d)/priv", propagation: "private"},
		{container: "/slave", host: "\($d)/slave", propagation: "rslave"},
		{container: "/shared", host: "\($d)/shared", propagation: "rshared"}]}')" \
		sh -c 'mount -t tmpfs inner /shared/inner && mount -t tmpfs inner /priv/inner && sleep 1000')
	for x in priv slave shared; do
		in_ctrd mount -t tmpfs later "$d/$x/later"
	done
	out=$(cri exec "$cid" sh -c 'for x in priv slave shared; do echo "$x $(awk -v m=/$x/later "\$5 == m" /proc/self/mountinfo | wc -l)"; done')
	echo "$out"
	[ "$out" = $'priv 0\nslave 1\nshared 1' ]
	# only the Bidirectional volume's mount reached the host side
	wait_until 5 in_ctrd grep -q " $d/shared/inner " /proc/self/mountinfo
	refute in_ctrd grep -q " $d/priv/inner " /proc/self/mountinfo
	remove_pod "$h" "$pod"
	for x in priv slave shared; do
		in_ctrd umount -R "$d/$x"
	done
}

@test "CRI (hull, runc): volume mount propagation None, HostToContainer, Bidirectional" {
	need_cri
	local h
	for h in $CRI_HANDLERS; do
		echo "== $h"
		cri_propagation "$h"
	done
}
