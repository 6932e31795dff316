#!/usr/bin/env bats
# docker.bats - hull as a runtime of Debian's Docker (docker.io 20.10: dockerd -> containerd
# -> runc v2 shim -> runtime), side by side with runc: every scenario is one function run
# once with `--runtime hull` and once with `--runtime runc` (dockerd's built-in runc, found
# in its PATH), so a difference between the two is a hull bug, not a test artefact.
#
# Everything is private to the file: tests/lib/private-docker.sh starts, inside `unshare -m
# --propagation private` with a /run of its own, a containerd with its own root, state,
# socket and config and a dockerd with its own --data-root, --exec-root, --pidfile, -H
# socket, --config-file and trust key, no bridge and no iptables, a --cgroup-parent of the
# file's own and the runtime hull=$HULL in its config file. The image is `docker import`ed offline from
# tests/lib/make-rootfs.sh (Debian's static busybox). teardown_file stops both daemons by
# PID and fails the file if a process, cgroup or mount of theirs is left.
# The client is /usr/bin/docker (docker.io's), always with -H: a docker client elsewhere in
# PATH may be another version. HULL=/usr/sbin/runc must pass as well.

load lib
bats_require_minimum_version 1.5.0

IMAGE=hulltest/busybox:latest
DOCKER=/usr/bin/docker

setup_file() {
	daemons_setup_hull
	[ "$(id -u)" = 0 ] || return 0
	command -v dockerd >/dev/null && [ -x "$DOCKER" ] && command -v containerd >/dev/null || return 0
	[ -x "$HULL" ] || return 0
	# Short path: unix socket paths are limited to 108 bytes.
	DK=$(mktemp -d /tmp/hull-dk.XXXXXX)
	DK_CGROUP=hulltest-docker-$$
	export DK DK_CGROUP DOCKER_CONFIG=$DK/cli
	mkdir -p "$DK/cli" "$DK/vol"
	sh "$DAEMONS_LIB/private-docker.sh" start "$DK" "$DK_CGROUP" "$HULL" 2>&3 || return 1
	sh "$DAEMONS_LIB/make-rootfs.sh" "$DK/rootfs" >/dev/null
	echo 'app:x:1000:1000:app:/tmp:/bin/sh' >>"$DK/rootfs/etc/passwd"
	echo 'app:x:1000:' >>"$DK/rootfs/etc/group"
	tar --numeric-owner -C "$DK/rootfs" -cf - . | dk import -c 'CMD ["sh"]' - "$IMAGE" >/dev/null
	rm -rf "$DK/rootfs"
}

teardown_file() {
	[ -n "${DK:-}" ] || return 0
	[ -S "$DK/d.sock" ] && dk rm -f $(dk ps -aq) >/dev/null 2>&1
	sh "$DAEMONS_LIB/private-docker.sh" stop "$DK"
	wait_until 5 eval '[ -z "$(pids_with_arg "$DK/")" ]'
	remove_cgroup_parent "$DK_CGROUP"
	local left
	left=$(pids_with_arg "$DK/"; cgroups_named "$DK_CGROUP"; grep -F " $DK/" /proc/mounts)
	rm -rf "$DK"
	# a leak fails the file
	[ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

setup() {
	need_hull
	command -v dockerd >/dev/null || skip "needs dockerd (apt-get install docker.io)"
	[ -x "$DOCKER" ] || skip "needs $DOCKER (apt-get install docker.io)"
	command -v containerd >/dev/null || skip "needs containerd (apt-get install containerd)"
	[ -S "${DK:-/nonexistent}/d.sock" ] || skip "dockerd did not start"
	N=$BATS_TEST_NUMBER
}

teardown() {
	[ -S "${DK:-/nonexistent}/d.sock" ] || return 0
	local ids
	ids=$(dk ps -aq)
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1
	true
}

# docker.io's client against the test's dockerd.
dk() {
	"$DOCKER" -H "unix://$DK/d.sock" "$@"
}

# drun RUNTIME ARGS...: docker run with that runtime.
drun() {
	local rt=$1
	shift
	dk run --runtime "$rt" "$@"
}

# rt_cmd RUNTIME ID: the runtime's binary with the state root dockerd gave it for container
# ID (ExecRoot/runtime-NAME/moby; dockerd 20.10 may use runtime-runc for every runtime).
rt_cmd() {
	local bin root d
	case $1 in
	hull) bin=$HULL ;;
	runc) bin=runc ;;
	esac
	root=$DK/exec/runtime-$1/moby
	for d in "$DK"/exec/runtime-*/moby; do
		[ -d "$d/$2" ] && root=$d
	done
	echo "$bin --root $root"
}

d_status() { dk inspect -f '{{.State.Status}}' "$1"; }
d_exit_code() { dk inspect -f '{{.State.ExitCode}}' "$1"; }
d_pid() { dk inspect -f '{{.State.Pid}}' "$1"; }

# a cgroup file of the container, v1 or v2 (read from the host)
cg_file() { # container v1-controller v1-file v2-file
	local id
	id=$(dk inspect -f '{{.Id}}' "$1")
	if [ -d "/sys/fs/cgroup/$2/$DK_CGROUP/$id" ]; then
		cat "/sys/fs/cgroup/$2/$DK_CGROUP/$id/$3"
	else
		cat "/sys/fs/cgroup/$DK_CGROUP/$id/$4"
	fi
}

# ---- scenarios: t_NAME RUNTIME ------------------------------------------------------

t_run() {
	run drun "$1" --rm "$IMAGE" sh -c 'echo hello; id -u; exit 42'
	[ "$status" -eq 42 ]
	[ "$output" = $'hello\n0' ]
	run drun "$1" --rm "$IMAGE" true
	[ "$status" -eq 0 ]
	run drun "$1" --rm "$IMAGE" sh -c 'exit 255'
	[ "$status" -eq 255 ]
	# dockerd maps the runtime's exec failures to 127 and 126
	run -127 drun "$1" --rm "$IMAGE" no-such-command
	[[ "$output" == *'executable file not found in $PATH'* ]]
	run -126 drun "$1" --rm "$IMAGE" /etc/passwd
	[[ "$output" == *'permission denied'* ]]
	# --rm removed them all
	[ -z "$(dk ps -aq)" ]
}

t_stdin() {
	run bash -c "echo piped-in | $DOCKER -H unix://$DK/d.sock run --runtime $1 -i --rm $IMAGE sh -c 'cat; exit 3'"
	[ "$status" -eq 3 ]
	[ "$output" = piped-in ]
}

t_tty() {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	run script -qec "$DOCKER -H unix://$DK/d.sock run --runtime $1 --rm -t $IMAGE sh -c 'tty; stty size; exit 5'" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/0"* ]]
}

t_exec() {
	drun "$1" -d --name "d$N" "$IMAGE" sleep 1000
	[ "$(d_status "d$N")" = running ]
	[ "$(dk inspect -f '{{.HostConfig.Runtime}}' "d$N")" = "$1" ]
	# the runtime named holds the container's state
	local id
	id=$(dk inspect -f '{{.Id}}' "d$N")
	run $(rt_cmd "$1" "$id") state "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = running ]
	run dk exec "d$N" sh -c 'echo in-exec; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = in-exec ]
	run dk exec "d$N" cat /proc/1/cmdline
	[[ "$output" == sleep* ]]
	run dk exec -e FOO=bar -w /tmp "d$N" sh -c 'echo $FOO $(pwd)'
	[ "$output" = "bar /tmp" ]
	run dk exec --user 1000:1000 "d$N" sh -c 'id -u; id -g'
	[ "$output" = $'1000\n1000' ]
	run dk exec --user app "d$N" id -un
	[ "$output" = app ]
	# dockerd 20.10 answers 126 for an exec the runtime could not start (with runc too)
	run -126 dk exec "d$N" no-such-command
	[[ "$output" == *'no-such-command'* ]]
	command -v script >/dev/null || return 0
	run script -qec "$DOCKER -H unix://$DK/d.sock exec -t d$N sh -c 'tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[ "$(d_status "d$N")" = running ]
}

t_top() {
	drun "$1" -d --name "d$N" "$IMAGE" sleep 1000
	run dk top "d$N"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	dk exec -d "d$N" sleep 999
	wait_until 5 eval 'dk top d'"$N"' | grep -q "sleep 999"'
}

t_pause() {
	drun "$1" -d --name "d$N" "$IMAGE" sh -c 'while :; do date +%s%N >/tmp/tick; sleep 0.05; done'
	sleep 0.3
	dk pause "d$N"
	[ "$(d_status "d$N")" = paused ]
	local t1 t2 pid
	pid=$(d_pid "d$N")
	t1=$(cat "/proc/$pid/root/tmp/tick")
	sleep 0.3
	t2=$(cat "/proc/$pid/root/tmp/tick")
	[ "$t1" = "$t2" ]
	run dk exec "d$N" true
	[ "$status" -ne 0 ]
	dk unpause "d$N"
	[ "$(d_status "d$N")" = running ]
	run dk exec "d$N" echo alive
	[ "$output" = alive ]
	wait_until 5 eval '[ "$(cat /proc/'"$pid"'/root/tmp/tick)" != "'"$t2"'" ]'
}

t_stats() {
	drun "$1" -d --name "d$N" "$IMAGE" sh -c 'sleep 1000 & sleep 1000 & wait'
	wait_until 5 eval '[ "$(dk stats --no-stream --format "{{.PIDs}}" d'"$N"')" = 3 ]'
	run dk stats --no-stream --format '{{.MemUsage}}' "d$N"
	[ "$status" -eq 0 ]
	[[ "$output" != 0B* ]]
}

t_update() {
	drun "$1" -d --name "d$N" "$IMAGE" sleep 1000
	dk update --memory 64m --memory-swap 128m --pids-limit 77 --cpus 0.5 "d$N"
	[ "$(cg_file "d$N" memory memory.limit_in_bytes memory.max)" = 67108864 ]
	[ "$(cg_file "d$N" pids pids.max pids.max)" = 77 ]
	if [ -d "/sys/fs/cgroup/cpu/$DK_CGROUP" ]; then
		[ "$(cg_file "d$N" cpu cpu.cfs_quota_us cpu.max)" = 50000 ]
		[ "$(cg_file "d$N" cpu cpu.cfs_period_us cpu.max)" = 100000 ]
	else
		[ "$(cg_file "d$N" cpu cpu.cfs_quota_us cpu.max)" = "50000 100000" ]
	fi
	if [ -f "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes" ]; then
		[ "$(cg_file "d$N" memory memory.memsw.limit_in_bytes x)" = 134217728 ]
	elif [ -f "/sys/fs/cgroup/$DK_CGROUP/memory.swap.max" ]; then
		[ "$(cg_file "d$N" memory x memory.swap.max)" = 67108864 ]
	fi
	# docker itself reads back what it set
	[ "$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}' "d$N")" = "67108864 77 500000000" ]
	[ "$(d_status "d$N")" = running ]
	# a second update of one field keeps the others
	dk update --pids-limit 88 "d$N"
	[ "$(cg_file "d$N" pids pids.max pids.max)" = 88 ]
	[ "$(cg_file "d$N" memory memory.limit_in_bytes memory.max)" = 67108864 ]
}

t_stop() {
	# SIGTERM first: the container's handler runs
	drun "$1" -d --name "d$N" "$IMAGE" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	dk stop -t 10 "d$N"
	[ "$(d_status "d$N")" = exited ]
	[ "$(d_exit_code "d$N")" -eq 7 ]
	# SIGKILL after the timeout: sleep as pid 1 has no handler, the kernel drops SIGTERM
	drun "$1" -d --name "d$N-k" "$IMAGE" sleep 1000
	local t0=$SECONDS
	dk stop -t 1 "d$N-k"
	[ "$(d_exit_code "d$N-k")" -eq 137 ]
	[ $((SECONDS - t0)) -lt 10 ]
	# a stopped container starts again
	dk start "d$N-k"
	[ "$(d_status "d$N-k")" = running ]
}

t_kill() {
	drun "$1" -d --name "d$N" "$IMAGE" sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP; while :; do sleep 0.1; done'
	dk kill -s USR1 "d$N" >/dev/null
	dk kill -s SIGHUP "d$N" >/dev/null
	wait_until 5 eval 'dk logs d'"$N"' 2>&1 | grep -q got-hup'
	dk logs "d$N" | grep -q got-usr1
	[ "$(d_status "d$N")" = running ]
	dk kill "d$N" >/dev/null
	wait_until 5 eval '[ "$(d_status d'"$N"')" = exited ]'
	[ "$(d_exit_code "d$N")" -eq 137 ]
}

t_restart() {
	drun "$1" -d --name "d$N" "$IMAGE" sh -c 'echo started; sleep 1000'
	local pid1
	pid1=$(d_pid "d$N")
	dk restart -t 0 "d$N"
	[ "$(d_status "d$N")" = running ]
	[ "$(d_pid "d$N")" != "$pid1" ]
	run dk logs "d$N"
	[ "$output" = $'started\nstarted' ]
	# --restart on-failure: dockerd starts it again after a failing exit
	drun "$1" -d --name "d$N-r" --restart on-failure:2 "$IMAGE" sh -c 'echo again; exit 3'
	wait_until 20 eval '[ "$(dk inspect -f "{{.RestartCount}}" d'"$N"'-r)" = 2 ] && [ "$(d_status d'"$N"'-r)" = exited ]'
	[ "$(dk logs "d$N-r" | grep -c again)" -eq 3 ]
}

t_rm() {
	drun "$1" -d --name "d$N" "$IMAGE" sleep 1000
	local id rt
	id=$(dk inspect -f '{{.Id}}' "d$N")
	rt=$(rt_cmd "$1" "$id")
	$rt state "$id" >/dev/null
	[ -n "$(cgroups_named "$id")" ]
	dk rm -f "d$N"
	run $rt state "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	[ -z "$(cgroups_named "$id")" ]
	# rm of an exited container
	drun "$1" --name "d$N-x" "$IMAGE" true
	dk rm "d$N-x"
	[ -z "$(dk ps -aq)" ]
}

t_readonly_tmpfs() {
	run drun "$1" --rm --read-only --tmpfs /run --tmpfs /scratch:size=1m,mode=1777 "$IMAGE" sh -c \
		'touch /run/x && echo tmpfs-rw; touch /y 2>/dev/null || echo rootfs-ro; grep " /scratch " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ "$output" == *tmpfs-rw*rootfs-ro* ]]
	[[ "$output" == *" /scratch tmpfs rw,"*"size=1024k"* ]]
}

t_caps_user() {
	run drun "$1" --rm --cap-drop ALL "$IMAGE" sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status; chown 1 /tmp 2>/dev/null || echo no-chown'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000'* ]]
	[[ "$output" == *no-chown ]]
	run drun "$1" --rm --user 1000:1000 "$IMAGE" sh -c 'id -u; id -g; grep ^CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$output" = $'1000\n1000\nCapEff:\t0000000000000000' ]
	run drun "$1" --rm --user app --cap-add NET_ADMIN "$IMAGE" id -un
	[ "$output" = app ]
	run drun "$1" --rm --security-opt no-new-privileges "$IMAGE" grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t1' ]
	run drun "$1" --rm "$IMAGE" grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0' ]
}

t_memory_pids() {
	drun "$1" -d --name "d$N" --memory 32m --pids-limit 20 "$IMAGE" sleep 1000
	[ "$(cg_file "d$N" memory memory.limit_in_bytes memory.max)" = 33554432 ]
	[ "$(cg_file "d$N" pids pids.max pids.max)" = 20 ]
	# the pids limit holds inside
	# (busybox sh gives up at the first fork that fails)
	run dk exec "d$N" sh -c 'for i in $(seq 30); do sleep 100 & done'
	[ "$(cg_file "d$N" pids pids.current pids.current)" -le 20 ]
	[ "$(cg_file "d$N" pids pids.current pids.current)" -ge 15 ]
	# the OOM killer: dd's 64 MiB buffer does not fit in 16 MiB (no swap: --memory-swap too)
	run drun "$1" --name "d$N-oom" --memory 16m --memory-swap 16m "$IMAGE" dd if=/dev/zero of=/dev/null bs=64M count=1
	[ "$status" -eq 137 ]
	[ "$(dk inspect -f '{{.State.OOMKilled}}' "d$N-oom")" = true ]
}

t_ulimit() {
	local hard
	hard=$(ulimit -Hn)
	run drun "$1" --rm --ulimit nofile=512:1024 "$IMAGE" sh -c 'ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "$output" = $'512\n1024' ]
	[ "$hard" != unlimited ] || return 0
	run drun "$1" --rm --ulimit "nofile=$hard:$hard" "$IMAGE" sh -c 'ulimit -Hn'
	[ "$output" = "$hard" ]
}

t_volumes_env() {
	local v=$DK/vol/$1
	mkdir -p "$v"
	echo from-host >"$v/in"
	run drun "$1" --rm -v "$v:/data" -v "$v:/ro:ro" -e FOO=bar -e EMPTY= -w /data --hostname "h-$1" "$IMAGE" sh -c \
		'cat in; echo written >/data/out; (echo x >/ro/y) 2>/dev/null || echo ro-refused; echo "$FOO[$EMPTY]" $(pwd) $(hostname)'
	[ "$status" -eq 0 ]
	[ "$output" = $'from-host\nro-refused\nbar[] /data h-'"$1" ]
	[ "$(cat "$v/out")" = written ]
	[ ! -e "$v/y" ]
}

t_init() {
	local init
	init=$(PATH=$PATH:/usr/libexec/docker command -v docker-init) || skip "docker.io ships no docker-init here"
	[ -n "$init" ]
	run drun "$1" --rm --init "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo $$; exit 6'
	[ "$status" -eq 6 ]
	[[ "${lines[0]}" == */docker-init\ --\ sh* ]]
	[ "${lines[1]}" != 1 ]
}

t_namespaces() {
	# the devices of a new network namespace (lo, and tunl0/sit0... where those modules are loaded)
	run drun "$1" --rm --network none "$IMAGE" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | sort'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "$(echo $(unshare -n sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | sort'))" ]
	run drun "$1" --rm --pid host --ipc host "$IMAGE" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/ipc; [ -d /proc/'"$$"' ] && echo sees-host'
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/self/ns/pid /proc/self/ns/ipc)"$'\nsees-host' ]
	# and without them: their own
	run drun "$1" --rm "$IMAGE" readlink /proc/self/ns/pid
	[ "$output" != "$(readlink /proc/self/ns/pid)" ]
}

t_privileged() {
	local bnd full
	bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
	full=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
	# docker asks for every capability; runc fails where the host's bounding set lacks some
	[ "$bnd" = "$full" ] || skip "this host's bounding set ($bnd) lacks capabilities --privileged asks for (runc fails here)"
	run drun "$1" --rm --privileged "$IMAGE" sh -c \
		'grep -E "^Cap(Eff|Bnd)" /proc/self/status; grep " /sys " /proc/mounts; [ -e /dev/loop-control ] || [ -e /dev/mem ] && echo host-devices'
	[ "$status" -eq 0 ]
	# every capability docker knows: the effective set is the bounding set, SYS_ADMIN in it
	local eff cbnd
	eff=$(echo "$output" | awk '/^CapEff/ { print $2 }')
	cbnd=$(echo "$output" | awk '/^CapBnd/ { print $2 }')
	[ "$eff" = "$cbnd" ]
	(((0x$eff >> 21) & 1))
	[[ "$output" == *"sysfs /sys sysfs rw,"* ]]
	[[ "$output" == *host-devices ]]
}

# dockerd's default runtime is set in its config file and reloaded with SIGHUP, as README says
t_build() {
	jq --arg rt "$1" '. + {"default-runtime": $rt}' "$DK/daemon.json" >"$DK/daemon.json.new"
	mv "$DK/daemon.json.new" "$DK/daemon.json"
	kill -HUP "$(cat "$DK/dockerd.pid")"
	wait_until 10 eval '[ "$(dk info -f "{{.DefaultRuntime}}")" = '"$1"' ]'
	dk run --name "d$N" "$IMAGE" true
	[ "$(dk inspect -f '{{.HostConfig.Runtime}}' "d$N")" = "$1" ]
	mkdir -p "$DK/ctx-$1"
	echo from-context >"$DK/ctx-$1/file"
	printf 'FROM %s\nCOPY file /file\nRUN echo built >/built && cat /file >>/built\nUSER app\nRUN id -un >/tmp/who\nCMD ["cat", "/built", "/tmp/who"]\n' "$IMAGE" >"$DK/ctx-$1/Dockerfile"
	DOCKER_BUILDKIT=0 dk build -q -t "hulltest/built-$1" "$DK/ctx-$1" >/dev/null
	run dk run --rm "hulltest/built-$1"
	[ "$status" -eq 0 ]
	[ "$output" = $'built\nfrom-context\napp' ]
	# a failing RUN fails the build with its exit code
	printf 'FROM %s\nRUN exit 9\n' "$IMAGE" >"$DK/ctx-$1/Dockerfile"
	run env DOCKER_BUILDKIT=0 "$DOCKER" -H "unix://$DK/d.sock" build "$DK/ctx-$1"
	[ "$status" -ne 0 ]
	[[ "$output" == *"returned a non-zero code: 9"* ]]
	dk rmi -f "hulltest/built-$1" >/dev/null
	jq 'del(."default-runtime")' "$DK/daemon.json" >"$DK/daemon.json.new"
	mv "$DK/daemon.json.new" "$DK/daemon.json"
	kill -HUP "$(cat "$DK/dockerd.pid")"
}

# ---- the tests: each scenario with hull, then with runc ---------------------------------

@test "hull: docker run: output, exit codes, missing command" { t_run hull; }
@test "runc: docker run: output, exit codes, missing command" { t_run runc; }
@test "hull: docker run -i: stdin pipe" { t_stdin hull; }
@test "runc: docker run -i: stdin pipe" { t_stdin runc; }
@test "hull: docker run -t: a tty" { t_tty hull; }
@test "runc: docker run -t: a tty" { t_tty runc; }
@test "hull: docker run -d + exec (-e -w --user -t, exit codes)" { t_exec hull; }
@test "runc: docker run -d + exec (-e -w --user -t, exit codes)" { t_exec runc; }
@test "hull: docker top" { t_top hull; }
@test "runc: docker top" { t_top runc; }
@test "hull: docker pause / unpause" { t_pause hull; }
@test "runc: docker pause / unpause" { t_pause runc; }
@test "hull: docker stats --no-stream" { t_stats hull; }
@test "runc: docker stats --no-stream" { t_stats runc; }
@test "hull: docker update --memory --memory-swap --pids-limit --cpus" { t_update hull; }
@test "runc: docker update --memory --memory-swap --pids-limit --cpus" { t_update runc; }
@test "hull: docker stop: SIGTERM, then SIGKILL; start again" { t_stop hull; }
@test "runc: docker stop: SIGTERM, then SIGKILL; start again" { t_stop runc; }
@test "hull: docker kill: signals" { t_kill hull; }
@test "runc: docker kill: signals" { t_kill runc; }
@test "hull: docker restart, --restart on-failure" { t_restart hull; }
@test "runc: docker restart, --restart on-failure" { t_restart runc; }
@test "hull: docker rm: the runtime's state and cgroup are gone" { t_rm hull; }
@test "runc: docker rm: the runtime's state and cgroup are gone" { t_rm runc; }
@test "hull: --read-only --tmpfs" { t_readonly_tmpfs hull; }
@test "runc: --read-only --tmpfs" { t_readonly_tmpfs runc; }
@test "hull: --cap-drop ALL, --user, --security-opt no-new-privileges" { t_caps_user hull; }
@test "runc: --cap-drop ALL, --user, --security-opt no-new-privileges" { t_caps_user runc; }
@test "hull: --memory (and the OOM kill), --pids-limit" { t_memory_pids hull; }
@test "runc: --memory (and the OOM kill), --pids-limit" { t_memory_pids runc; }
@test "hull: --ulimit" { t_ulimit hull; }
@test "runc: --ulimit" { t_ulimit runc; }
@test "hull: -v rw and ro, -e, -w, --hostname" { t_volumes_env hull; }
@test "runc: -v rw and ro, -e, -w, --hostname" { t_volumes_env runc; }
@test "hull: --init (docker-init)" { t_init hull; }
@test "runc: --init (docker-init)" { t_init runc; }
@test "hull: --network none, --pid host, --ipc host" { t_namespaces hull; }
@test "runc: --network none, --pid host, --ipc host" { t_namespaces runc; }
@test "hull: --privileged" { t_privileged hull; }
@test "runc: --privileged" { t_privileged runc; }
@test "hull: legacy docker build with default-runtime hull" { t_build hull; }
@test "runc: legacy docker build with default-runtime runc" { t_build runc; }
