#!/usr/bin/env bats
# podman.bats - hull as podman's OCI runtime (podman -> conmon -> hull, plus podman's own
# direct calls: start, state, kill, pause, resume, delete).
#
# Everything is private to the test: CONTAINERS_CONF / CONTAINERS_STORAGE_CONF /
# CONTAINERS_REGISTRIES_CONF point at files written here (vfs storage under a temp dir,
# no network, cgroupfs, file events), and every podman command runs inside one
# long-lived `unshare -m` mount namespace so podman's mounts never reach the host.
# The runtime is declared in containers.conf exactly as the README says ([engine.runtimes]
# hull = [path], runtime_supports_json includes "hull" so podman passes --log-format=json),
# and some tests also use `podman --runtime $HULL`. HULL=/usr/sbin/runc must pass as well.

load lib
bats_require_minimum_version 1.5.0

IMAGE=localhost/hulltest/busybox:latest
IMAGE_USER=localhost/hulltest/busybox:user

setup_file() {
	daemons_setup_hull
	[ "$(id -u)" = 0 ] || return 0
	command -v podman >/dev/null && command -v conmon >/dev/null || return 0
	[ -x "$HULL" ] || return 0
	PM=$(mktemp -d /tmp/hull-podman.XXXXXX)
	PM_CGROUP=hulltest-podman-$$
	export PM PM_CGROUP
	export CONTAINERS_CONF=$PM/containers.conf CONTAINERS_STORAGE_CONF=$PM/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$PM/registries.conf
	mkdir -p "$PM/tmp" "$PM/net"
	write_containers_conf "$CONTAINERS_CONF"
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$PM/root" "$PM/runroot" >"$CONTAINERS_STORAGE_CONF"
	printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
	# The mount namespace every podman command joins (see pm below).
	unshare -m --propagation private sleep infinity &
	echo $! >"$PM/ns.pid"
	wait_until 5 eval '[ "$(readlink /proc/$(cat "$PM/ns.pid")/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]'
	"$DAEMONS_LIB/oci-image.sh" "$PM/busybox.tar" "$IMAGE"
	"$DAEMONS_LIB/oci-image.sh" "$PM/busybox-user.tar" "$IMAGE_USER" app
	pm load -q -i "$PM/busybox.tar" >/dev/null
	pm load -q -i "$PM/busybox-user.tar" >/dev/null
}

# containers.conf as the README shows it, plus the test's private paths. podman (as
# real root) raises nofile/nproc to 1048576/4194304 unless told otherwise; this machine
# has no CAP_SYS_RESOURCE, so the defaults are the current hard limits (podman itself
# caps its own nproc at 32768).
write_containers_conf() {
	cat >"$1" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = $(containers_default_ulimits)

[engine]
runtime = "hull"
runtime_supports_json = ["hull", "crun", "runc", "kata", "runsc", "krun"]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$PM/tmp"

[engine.runtimes]
hull = ["$HULL"]

[network]
network_config_dir = "$PM/net"
EOF
}

teardown_file() {
	[ -n "${PM:-}" ] || return 0
	local ns
	ns=$(cat "$PM/ns.pid" 2>/dev/null)
	if [ -n "$ns" ] && kill -0 "$ns" 2>/dev/null; then
		pm rm -a -f -t 0 >/dev/null 2>&1
		pm rmi -a -f >/dev/null 2>&1
	fi
	# conmon and anything else still holding our paths, then the namespace holder; a leak
	# fails the file
	release_private "$PM" "$PM_CGROUP" "$ns"
}

setup() {
	need_hull
	command -v podman >/dev/null || skip "needs podman (apt-get install podman)"
	command -v conmon >/dev/null || skip "needs conmon"
	[ -d "${PM:-/nonexistent}" ] || skip "podman setup failed"
	N=$BATS_TEST_NUMBER
}

teardown() {
	[ -d "${PM:-/nonexistent}" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1
	true
}

# podman inside the test's mount namespace.
pm() {
	nsenter -t "$(cat "$PM/ns.pid")" -m -- podman "$@"
}

# podman run/create with the test's cgroup parent (conmon goes below it too).
prun() {
	pm run --cgroup-parent "/$PM_CGROUP" "$@"
}

pm_status() {
	pm inspect -f '{{.State.Status}}' "$1"
}

pm_exit_code() {
	pm inspect -f '{{.State.ExitCode}}' "$1"
}

@test "podman run: output and exit code, with hull as the configured runtime" {
	run prun --rm --name "p$N" "$IMAGE" sh -c 'echo hello; id -u; exit 42'
	[ "$status" -eq 42 ]
	[ "$output" = $'hello\n0' ]
	# the runtime podman used is the one named in containers.conf
	prun -d --name "p$N-b" "$IMAGE" sleep 100
	[ "$(pm inspect -f '{{.OCIRuntime}}' "p$N-b")" = hull ]
	local id
	id=$(pm inspect -f '{{.Id}}' "p$N-b")
	# hull (not some other runtime) holds its state: podman calls `state` without --root
	run "$HULL" state "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = running ]
}

@test "podman --runtime PATH: run with the runtime given on the command line" {
	run pm --runtime "$HULL" run --cgroup-parent "/$PM_CGROUP" --rm "$IMAGE" sh -c 'echo via-flag; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = via-flag ]
}

@test "podman passes --log-format=json to the runtime, and its errors come through" {
	# runtime_supports_json lists "hull": conmon runs `hull --log-format=json --log
	# <userdata>/oci-log create ...`, and podman reports the last error from that file.
	run -127 prun --name "p$N" "$IMAGE" no-such-command
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	local id log
	id=$(pm inspect -f '{{.Id}}' "p$N")
	log=$(echo "$PM"/runroot/*-containers/"$id"/userdata/oci-log)
	[ -f "$log" ]
	# one JSON object a line, runc's fields
	run jq -r 'select(.level == "error") | .msg' "$log"
	[ "$status" -eq 0 ]
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	jq -e 'has("time")' "$log" >/dev/null
}

@test "podman run --rm: exit codes pass through" {
	run prun --rm "$IMAGE" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run prun --rm "$IMAGE" sh -c 'exit 255'
	[ "$status" -eq 255 ]
	run prun --rm "$IMAGE" true
	[ "$status" -eq 0 ]
	# --rm removed it: nothing named after the test is left
	[ -z "$(pm ps -aq)" ]
}

@test "podman run -t: a tty" {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	run script -qec "nsenter -t $(cat "$PM/ns.pid") -m -- podman run --cgroup-parent /$PM_CGROUP --rm -t $IMAGE sh -c 'tty; exit 5'" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/0"* ]]
}

@test "podman run -d + exec: output, exit code, same pid namespace" {
	prun -d --name "p$N" "$IMAGE" sleep 1000
	[ "$(pm_status "p$N")" = running ]
	run pm exec "p$N" sh -c 'echo in-exec; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = in-exec ]
	run pm exec "p$N" cat /proc/1/cmdline
	[[ "$output" == sleep* ]]
	run pm exec -e FOO=bar -w /tmp "p$N" sh -c 'echo $FOO $(pwd)'
	[ "$output" = "bar /tmp" ]
}

@test "podman exec -t under script: a tty" {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	prun -d --name "p$N" "$IMAGE" sleep 1000
	run script -qec "nsenter -t $(cat "$PM/ns.pid") -m -- podman exec -t p$N sh -c 'tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "podman exec of a missing command: 127 and the runtime's message" {
	prun -d --name "p$N" "$IMAGE" sleep 1000
	run -127 pm exec "p$N" no-such-command
	[[ "$output" == *'executable file not found in $PATH'* ]]
	[ "$(pm_status "p$N")" = running ]
}

@test "podman stop: SIGTERM first, the container's handler runs" {
	prun -d --name "p$N" "$IMAGE" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	run pm stop -t 10 "p$N"
	[ "$status" -eq 0 ]
	[ "$(pm_status "p$N")" = exited ]
	[ "$(pm_exit_code "p$N")" -eq 7 ]
}

@test "podman stop: SIGKILL after the timeout when SIGTERM is ignored" {
	# sleep as pid 1 has no handler: the kernel drops SIGTERM for it
	prun -d --name "p$N" "$IMAGE" sleep 1000
	local t0=$SECONDS
	run pm stop -t 1 "p$N"
	[ "$status" -eq 0 ]
	[ "$(pm_status "p$N")" = exited ]
	[ "$(pm_exit_code "p$N")" -eq 137 ]
	[ $((SECONDS - t0)) -lt 10 ]
}

@test "podman kill: a chosen signal, then the default SIGKILL" {
	prun -d --name "p$N" "$IMAGE" sh -c 'trap "echo got-usr1" USR1; while :; do sleep 0.1; done'
	pm kill -s USR1 "p$N"
	wait_until 5 eval 'pm logs p'"$N"' 2>&1 | grep -q got-usr1'
	[ "$(pm_status "p$N")" = running ]
	pm kill "p$N"
	wait_until 5 eval '[ "$(pm_status p'"$N"')" = exited ]'
	[ "$(pm_exit_code "p$N")" -eq 137 ]
}

@test "podman pause / unpause" {
	prun -d --name "p$N" "$IMAGE" sh -c 'while :; do date +%s%N >/tmp/tick; sleep 0.05; done'
	pm pause "p$N"
	[ "$(pm_status "p$N")" = paused ]
	local t1 t2
	t1=$(pm inspect -f '{{.State.Pid}}' "p$N")
	t1=$(cat "/proc/$t1/root/tmp/tick")
	sleep 0.3
	t2=$(cat "/proc/$(pm inspect -f '{{.State.Pid}}' "p$N")/root/tmp/tick")
	[ "$t1" = "$t2" ]
	pm unpause "p$N"
	[ "$(pm_status "p$N")" = running ]
	run pm exec "p$N" echo alive
	[ "$output" = alive ]
}

@test "podman top: the container's processes" {
	prun -d --name "p$N" "$IMAGE" sleep 1000
	run pm top "p$N"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	run pm top "p$N" pid args
	[[ "$output" == *"1 "*"sleep 1000"* ]]
}

@test "a missing command: podman's 127 class and the runtime's message" {
	run -127 prun --rm "$IMAGE" no-such-command
	[[ "$output" == *'exec: "no-such-command": executable file not found in $PATH'* ]]
	run -127 prun --rm "$IMAGE" /no/such/binary
	[[ "$output" == *'stat /no/such/binary: no such file or directory'* ]]
	# not executable: the 126 class
	run -126 prun --rm "$IMAGE" /etc/passwd
	[[ "$output" == *'permission denied'* ]]
}

@test "an image with a non-root USER: run and exec as that user" {
	run prun --rm "$IMAGE_USER" sh -c 'id -u; id -g; id -un'
	[ "$status" -eq 0 ]
	[ "$output" = $'1000\n1000\napp' ]
	prun -d --name "p$N" "$IMAGE_USER" sleep 1000
	run pm exec "p$N" id -u
	[ "$output" = 1000 ]
	# and back to root when asked
	run pm exec -u 0 "p$N" id -u
	[ "$output" = 0 ]
}

@test "--ulimit within the hard limits, and one above them fails with the runtime's message" {
	local hard nproc
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard nofile limit here"
	# --ulimit replaces containers.conf's default_ulimits: keep nproc within limits too
	nproc=$(grep -o 'nproc=[0-9]*:[0-9]*' "$CONTAINERS_CONF")
	run prun --rm --ulimit "$nproc" --ulimit nofile=512:1024 "$IMAGE" sh -c 'ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "$output" = $'512\n1024' ]
	run prun --rm --ulimit "$nproc" --ulimit "nofile=$hard:$hard" "$IMAGE" sh -c 'ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "$output" = "$hard" ]
	# above our hard limit needs CAP_SYS_RESOURCE (bit 24), which this machine lacks
	local capeff
	capeff=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
	if (((0x$capeff >> 24) & 1)); then
		return 0
	fi
	run prun --rm --ulimit "$nproc" --ulimit "nofile=$((hard + 1)):$((hard + 1))" "$IMAGE" true
	[ "$status" -ne 0 ]
	[[ "${output,,}" == *rlimit* ]]
}

@test "podman rm: the runtime's state for the container is gone" {
	prun -d --name "p$N" "$IMAGE" sleep 1000
	local id
	id=$(pm inspect -f '{{.Id}}' "p$N")
	"$HULL" state "$id" >/dev/null
	pm rm -f -t 0 "p$N"
	run "$HULL" state "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	[ -z "$(cgroups_named "libpod-$id")" ]
}

@test "podman run -i: stdin reaches the container" {
	run bash -c "echo piped-in | nsenter -t $(cat "$PM/ns.pid") -m -- podman run --cgroup-parent /$PM_CGROUP -i --rm $IMAGE cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped-in ]
}

@test "podman run --memory --pids-limit: the container's cgroup limits" {
	run prun --rm --memory 64m --pids-limit 50 "$IMAGE" sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
	[ "$status" -eq 0 ]
	[ "$output" = $'67108864\n50' ]
}

@test "podman run --read-only --tmpfs, and --uidmap (a user namespace)" {
	run prun --rm --read-only --tmpfs /run "$IMAGE" sh -c 'touch /run/x && echo tmpfs-rw; touch /y || echo rootfs-ro'
	[ "$status" -eq 0 ]
	[[ "$output" == *tmpfs-rw*rootfs-ro* ]]
	run prun --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" sh -c 'cat /proc/self/uid_map; id -u; stat -c %u /bin/busybox'
	[ "$status" -eq 0 ]
	[[ "$output" == *"0"*"100000"*"65536"* ]]
	[[ "$output" == *$'\n0\n0' ]]
}

@test "podman restart, logs and exec -d" {
	prun -d --name "p$N" "$IMAGE" sh -c 'echo started; sleep 1000'
	pm restart -t 0 "p$N"
	[ "$(pm_status "p$N")" = running ]
	run pm logs "p$N"
	[ "$output" = $'started\nstarted' ]
	pm exec -d "p$N" sleep 999
	run pm top "p$N" args
	[[ "$output" == *"sleep 999"* ]]
}
