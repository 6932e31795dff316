#!/usr/bin/env bats
# exec.bats - `hull exec`: every flag, stdio and tty (script, console socket), exit codes
# (status passthrough, 128+N, 255), paused/stopped containers, seccomp, non-root users
# with additional gids, sub-cgroups, user namespaces, and the CVE-2019-5736 /
# CVE-2024-21626 regressions (no host binary or host fd reachable from inside).

load ../lib/helpers

setup_file() {
	export HULL_TEST_AREA=exe
	hull_setup_file
	if command -v gcc >/dev/null; then
		export RECVTTY="$BATS_FILE_TMPDIR/recvtty"
		gcc -O2 -o "$RECVTTY" "$BATS_TEST_DIRNAME/../lib/recvtty.c" || RECVTTY=
	fi
	# unix socket paths are short (108 bytes): keep them away from deep temp dirs
	export SOCKDIR
	SOCKDIR=$(mktemp -d /tmp/hull-exec.XXXXXX)
}

teardown_file() {
	hull_teardown_file
	[ -n "${SOCKDIR:-}" ] && rm -rf "$SOCKDIR"
}

setup() {
	hull_setup
	debris_snapshot
}

teardown() {
	[ -n "${RECV_PID:-}" ] && kill "$RECV_PID" 2>/dev/null
	hull_teardown
}

# start ID: a detached container sleeping in $BUNDLE (config changes go before it).
start() {
	set_args sleep 1000
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run -d "$1") </dev/null >/dev/null
}

# execd ARGS...: `hull exec -d ARGS` with stdio away from bats' pipes (a detached
# process holding them would make `run` wait for it)
execd() {
	"$HULL" --root "$HULL_ROOT" exec -d "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/execd.err"
	local rc=$?
	cat "$BATS_TEST_TMPDIR/execd.err"
	return $rc
}

# recv ARGS...: start tests/lib/recvtty -d ARGS; sets $RECV_PID (its output goes to a
# file: the daemon keeps stdout open until it is done)
recv() {
	"$RECVTTY" -d "$@" >"$BATS_TEST_TMPDIR/recv.pid" 2>/dev/null
	RECV_PID=$(cat "$BATS_TEST_TMPDIR/recv.pid")
}

# ct: a unique id, started; sets $CT
ct() {
	CT=$(hull_id "$1")
	start "$CT"
}

init_pid() {
	state_field "$1" pid
}

@test "exec runs a command in the container and relays its stdout and stderr" {
	ct basic
	run hull exec "$CT" sh -c 'echo out; echo err >&2'
	[ "$status" -eq 0 ]
	[[ "$output" == *out* ]]
	[[ "$output" == *err* ]]
	# stdin is inherited too
	run bash -c "echo piped | \"$HULL\" --root \"$HULL_ROOT\" exec $CT cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped ]
}

@test "the exit status passes through; a signal gives 128+N" {
	ct status
	run hull exec "$CT" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run hull exec "$CT" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run hull exec "$CT" false
	[ "$status" -eq 1 ]
}

@test "a process that cannot be started exits 255 with a clear message" {
	ct fail
	run hull exec "$CT" /no/such/binary
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: exec: "*"/no/such/binary"*"no such file or directory"* ]]
	run hull exec "$CT" nosuchcommand
	[ "$status" -eq 255 ]
	[[ "$output" == *'nosuchcommand'*'executable file not found in $PATH'* ]]
	run hull exec "$CT" /etc/passwd
	[ "$status" -eq 255 ]
	[[ "$output" == *"permission denied"* ]]
	run hull exec --cwd /etc/passwd "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"process.cwd: chdir to /etc/passwd"* ]]
	run hull exec --cwd relative "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cwd must be an absolute path"* ]]
	run hull exec --user nobody "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"parsing nobody as int for uid failed"* ]]
	# (uid_t)-1 would mean "unchanged" to setresuid: refused rather than running as root
	run hull exec --user -1 "$CT" id -u
	[ "$status" -eq 255 ]
	[[ "$output" == *"is not a valid uid:gid"* ]]
	run hull exec "$CT"
	[ "$status" -eq 255 ]
	[[ "$output" == *"process args cannot be empty"* ]]
	run hull exec nosuch-container true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container does not exist"* ]]
	# the container is untouched
	[ "$(state_field "$CT" status)" = running ]
}

@test "exec without a container id is a usage error (exit 1)" {
	run hull exec
	[ "$status" -eq 1 ]
	[[ "$output" == *"Incorrect Usage."* ]]
	[[ "$output" == *'requires a minimum of 1 argument(s)'* ]]
}

@test "--env/-e (repeatable) appends to config.json's env; --cwd sets the directory" {
	update_config '.process.env += ["FROMCFG=cfg"] | .root.readonly = false'
	ct env
	run hull exec -e A=1 --env B=two "$CT" sh -c 'echo $FROMCFG $A $B; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cfg 1 two" ]
	[ "${lines[1]}" = / ]
	run hull exec --cwd /etc "$CT" pwd
	[ "$status" -eq 0 ]
	[ "$output" = /etc ]
	# HOME as runc sets it: from the container's /etc/passwd unless the env has one
	run hull exec "$CT" sh -c 'echo $HOME'
	[ "$output" = /root ]
	run hull exec -u 4242 "$CT" sh -c 'echo $HOME'
	[ "$output" = / ]
	run hull exec -e HOME=/given "$CT" sh -c 'echo $HOME'
	[ "$output" = /given ]
	# a key the config has: the last one wins, in the first one's place (runc's setenv, issue 17)
	run hull exec -e FROMCFG=x1 -e FROMCFG=x2 "$CT" env
	[ "$status" -eq 0 ]
	[ "$(grep -c '^FROMCFG=' <<<"$output")" -eq 1 ]
	[[ "$output" == *FROMCFG=x2* ]]
	run hull exec -e NOEQUALS "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"invalid environment variable"*NOEQUALS* ]]
	# a missing cwd is created (as for the init)
	run hull exec --cwd /newdir/sub "$CT" pwd
	[ "$status" -eq 0 ]
	[ "$output" = /newdir/sub ]
}

@test "--user UID:GID and --additional-gids/-g: a non-root user with extra groups" {
	ct user
	run hull exec --user 1000:1001 -g 10 --additional-gids 20 "$CT" id
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1000 gid=1001 groups=10,20"* ]] || [[ "$output" == "uid=1000 gid=1001 groups=10(wheel),20"* ]] || {
		echo "$output"
		false
	}
	run hull exec -u 1000 "$CT" id -u
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	# a non-root user has no capabilities left
	run hull exec -u 1000:1000 "$CT" grep CapEff /proc/self/status
	[[ "$output" == *0000000000000000 ]]
	run hull exec -g notanumber "$CT" true
	[ "$status" -eq 255 ]
	run hull exec -g -5 "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"additional-gids must be a positive number -5"* ]]
}

@test "--cap/-c (repeatable) adds to bounding, effective and permitted" {
	ct cap
	run hull exec --cap CAP_SYS_ADMIN -c CAP_NET_ADMIN "$CT" grep -E '^Cap(Bnd|Eff|Prm|Amb)' /proc/self/status
	[ "$status" -eq 0 ]
	# default AUDIT_WRITE KILL NET_BIND_SERVICE (0x20000420) + NET_ADMIN (12) + SYS_ADMIN (21)
	[[ "$output" == *"CapBnd:	0000000020201420"* ]]
	[[ "$output" == *"CapEff:	0000000020201420"* ]]
	[[ "$output" == *"CapPrm:	0000000020201420"* ]]
	[[ "$output" == *"CapAmb:	0000000000000000"* ]]
	# an unknown name is skipped with runc 1.1.5's warning, the process runs (issue 17)
	run hull exec --cap CAP_NO_SUCH -c CAP_NET_ADMIN "$CT" grep -E '^CapBnd' /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *'level=warning msg="ignoring unknown or unavailable capabilities: [CAP_NO_SUCH]"'* ]]
	[[ "$output" == *"CapBnd:	0000000020001420"* ]]
}

@test "--no-new-privs sets no_new_privs; --no-new-privs=false clears the config's" {
	update_config '.process.noNewPrivileges = false'
	ct nnp
	run hull exec "$CT" grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:	0" ]]
	run hull exec --no-new-privs "$CT" grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:	1" ]]
	hull delete -f "$CT"
	update_config '.process.noNewPrivileges = true'
	ct nnp2
	run hull exec --no-new-privs=false "$CT" grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:	0" ]]
}

@test "--process/-p runs an OCI Process JSON as-is (flags and args ignored)" {
	ct process
	cat >"$BATS_TEST_TMPDIR/p.json" <<-'EOF'
	{"args":["sh","-c","echo $A; id -u; pwd; cat /proc/self/oom_score_adj"],"cwd":"/etc",
	 "env":["A=fromjson","PATH=/bin:/usr/bin"],"user":{"uid":42,"gid":43},"oomScoreAdj":300}
	EOF
	run hull exec -p "$BATS_TEST_TMPDIR/p.json" -e A=ignored --cwd /tmp "$CT" echo ignored
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = fromjson ]
	[ "${lines[1]}" = 42 ]
	[ "${lines[2]}" = /etc ]
	[ "${lines[3]}" = 300 ]
	echo '{"args":[],"cwd":"/"}' >"$BATS_TEST_TMPDIR/bad.json"
	run hull exec --process "$BATS_TEST_TMPDIR/bad.json" "$CT"
	[ "$status" -eq 255 ]
	[[ "$output" == *"process.json"*"args"* ]]
	run hull exec -p "$BATS_TEST_TMPDIR/missing.json" "$CT"
	[ "$status" -eq 255 ]
}

@test "--detach/-d --pid-file: returns 0 at once, pid file without newline" {
	ct detach
	run execd --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sleep 100
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/pid" ]
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/pid" | od -An -c | tr -d ' ')" != '\n' ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	[ "$(tr '\0' ' ' </proc/"$pid"/cmdline)" = "sleep 100 " ]
	# it lives in the container's pid namespace
	[ "$(readlink /proc/"$pid"/ns/pid)" = "$(readlink /proc/"$(init_pid "$CT")"/ns/pid)" ]
	# a relative pid file is relative to the caller's cwd; foreground exec writes one too
	(cd "$BATS_TEST_TMPDIR" && "$HULL" --root "$HULL_ROOT" exec --pid-file rel.pid "$CT" true)
	[[ "$(cat "$BATS_TEST_TMPDIR/rel.pid")" =~ ^[0-9]+$ ]]
}

@test "--preserve-fds N passes fds 3..3+N-1; no other host fd reaches the container" {
	ct fds
	echo secret >"$BATS_TEST_TMPDIR/host-file"
	run bash -c "exec 3<'$BATS_TEST_TMPDIR/host-file' 4<'$BATS_TEST_TMPDIR/host-file'; \"$HULL\" --root \"$HULL_ROOT\" exec --preserve-fds 1 $CT sh -c 'cat <&3; cat <&4 || echo no-fd-4'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = secret ]
	# the preserved 3, but not 4
	[ "${lines[-1]}" = no-fd-4 ]
	# without --preserve-fds nothing but stdio (3 is ls's own directory), whatever hull had open
	run bash -c "exec 5<'$BATS_TEST_TMPDIR/host-file' 7<'$BATS_TEST_TMPDIR'; \"$HULL\" --root \"$HULL_ROOT\" exec $CT ls -l /proc/self/fd"
	[ "$status" -eq 0 ]
	echo "$output"
	[ "$(awk '$9 ~ /^[0-9]+$/ {printf "%s ", $9}' <<<"$output")" = "0 1 2 3 " ]
	[[ "$output" != *"$BATS_TEST_TMPDIR"* ]]
	run hull exec --preserve-fds 3 "$CT" true 3<&- 4<&- 5<&-
	[ "$status" -eq 255 ]
	[[ "$output" == *"unable to stat preserved-fd"* ]]
}

@test "the cwd and root are the container's (CVE-2024-21626), whatever hull's cwd was" {
	ct cwd
	run bash -c "cd /sys/fs/cgroup && \"$HULL\" --root \"$HULL_ROOT\" exec $CT sh -c 'pwd; readlink /proc/self/cwd; readlink /proc/self/root; ls /proc/self/cwd/ | grep -c -x -e memory -e cpu -e unified'"
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	[ "${lines[0]}" = / ]
	[ "${lines[1]}" = / ]
	[ "${lines[2]}" = / ]
	[ "${lines[3]}" = 0 ]
}

@test "--tty/-t in the foreground under script(1): a pty, status passes through" {
	need_cmd script
	ct tty
	run script -qec "\"$HULL\" --root \"$HULL_ROOT\" exec -t $CT sh -c 'tty; test -t 0 && echo stdin-tty; exit 3'" /dev/null </dev/null
	[ "$status" -eq 3 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *stdin-tty* ]]
	# without -t: no pty of the container's own
	run script -qec "\"$HULL\" --root \"$HULL_ROOT\" exec $CT sh -c 'ls /dev/pts'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *[0-9]* ]]
}

@test "--tty --detach --console-socket: the pty master goes to the receiver" {
	[ -n "${RECVTTY:-}" ] || skip "needs gcc for tests/lib/recvtty.c"
	ct console
	local sock="$SOCKDIR/c-$BATS_TEST_NUMBER.sock" out="$BATS_TEST_TMPDIR/tty.out"
	recv -o "$out" "$sock"
	run execd -t --console-socket "$sock" --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sh -c 'tty; echo via-console'
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do grep -q via-console "$out" 2>/dev/null && break; sleep 0.1; done
	grep -q '^/dev/pts/' "$out"
	grep -q via-console "$out"
	grep -q 'name /dev/ptmx' "$out.name"
}

@test "tty flags are checked with runc's messages" {
	ct ttyerr
	run hull exec -t -d "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	run hull exec --console-socket "$SOCKDIR/none.sock" "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	run hull exec -d --console-socket "$SOCKDIR/none.sock" "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot use console socket"* ]]
}

@test "--pidfd-socket: a pidfd of the exec'd process goes to the receiver" {
	[ -n "${RECVTTY:-}" ] || skip "needs gcc for tests/lib/recvtty.c"
	ct pidfd
	local sock="$SOCKDIR/p-$BATS_TEST_NUMBER.sock" out="$BATS_TEST_TMPDIR/pidfd.out"
	recv -m pidfd -o "$out" "$sock"
	run execd --pidfd-socket "$sock" --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sleep 100
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
	[ "$(cat "$out")" = "pid $(cat "$BATS_TEST_TMPDIR/pid")" ]
}

@test "exec joins every namespace of the container" {
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type":"cgroup"}])'
	ct ns
	local init
	init=$(init_pid "$CT")
	run execd --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sleep 100
	[ "$status" -eq 0 ]
	local pid ns
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	for ns in pid mnt net ipc uts cgroup user; do
		[ "$(readlink /proc/"$pid"/ns/$ns)" = "$(readlink /proc/"$init"/ns/$ns)" ] || { echo "ns $ns differs"; false; }
	done
	# and the same cgroup as the init
	[ "$(cat /proc/"$pid"/cgroup)" = "$(cat /proc/"$init"/cgroup)" ]
	# seen from inside: pid 1 is the init, the exec'd process is a sibling
	run hull exec "$CT" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$output" = "sleep 1000 " ]
}

@test "exec into a container with a user namespace joins it first" {
	update_config '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]'
	chmod -R a+rX "$BUNDLE"
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; d=$(dirname "$d"); done
	ct userns
	run hull exec "$CT" sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" == *"0"*"200000"*"65536"* ]]
	run hull exec -u 1000:1000 -g 7 "$CT" id
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1000 gid=1000 groups=7"* ]]
	# a uid without a mapping cannot be used: 255 and the reason
	run hull exec -u 70000 "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"setresuid 70000"* ]]
	# the exec'd process runs as the mapped host uid
	run execd --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sleep 100
	[ "$(awk '/^Uid:/ {print $2}' /proc/"$(cat "$BATS_TEST_TMPDIR/pid")"/status)" = 200000 ]
}

@test "a paused container is refused, then allowed with --ignore-paused" {
	ct paused
	run hull pause "$CT"
	[ "$status" -eq 0 ] || skip "pause not available here: $output"
	run hull exec "$CT" echo ok
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
	# the process joins the frozen cgroup: it runs once the container is resumed
	(sleep 1; "$HULL" --root "$HULL_ROOT" resume "$CT") &
	run hull exec --ignore-paused "$CT" echo ok
	wait
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ "$(state_field "$CT" status)" = running ]
}

@test "a stopped container is refused with runc's message" {
	CT=$(hull_id stopped)
	set_args true
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run -d "$CT") </dev/null >/dev/null
	for _ in $(seq 50); do [ "$(state_field "$CT" status)" = stopped ] && break; sleep 0.1; done
	run hull exec "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"exec failed: cannot exec in a stopped container"* ]]
}

@test "exec into a created (not yet started) container works" {
	CT=$(hull_id created)
	set_args sleep 1000
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" create "$CT") </dev/null >/dev/null
	run hull exec "$CT" echo in-created
	[ "$status" -eq 0 ]
	[ "$output" = in-created ]
	[ "$(state_field "$CT" status)" = created ]
	# release it; should start hang (not exec's doing), kill the init so teardown can delete
	timeout 10 "$HULL" --root "$HULL_ROOT" start "$CT" || kill -9 "$(init_pid "$CT")"
}

@test "the container's seccomp filter applies to exec'd processes" {
	update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	ct seccomp
	run hull exec "$CT" mkdir /tmp/blocked
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	run hull exec "$CT" grep Seccomp: /proc/self/status
	[[ "$output" == *"Seccomp:	2"* ]]
	# other syscalls still work
	run hull exec "$CT" touch /dev/shm/allowed
	[ "$status" -eq 0 ]
}

@test "exec'd processes get the container's rlimits" {
	update_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","hard":777,"soft":555}]'
	ct rlimit
	run hull exec "$CT" sh -c 'ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 555 ]
	[ "${lines[1]}" = 777 ]
}

@test "--apparmor and --process-label: applied, or refused when the LSM is absent" {
	ct lsm
	if [ -d /sys/kernel/security/apparmor ]; then
		run hull exec --apparmor unconfined "$CT" cat /proc/self/attr/current
		[ "$status" -eq 0 ]
	else
		run hull exec --apparmor some-profile "$CT" true
		[ "$status" -eq 255 ]
		[[ "$output" == *"process.apparmorProfile: AppArmor is not enabled"* ]]
	fi
	if [ -e /sys/fs/selinux/enforce ]; then
		skip "SELinux host: label test not written"
	fi
	run hull exec --process-label system_u:system_r:container_t:s0 "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"process.selinuxLabel: SELinux is not enabled"* ]]
}

# The container's own cgroup dir in each hierarchy (from the init's /proc/PID/cgroup).
cgroup_dirs() {
	local line ctrl path
	while IFS= read -r line; do
		ctrl=${line#*:}
		path=${ctrl#*:}
		ctrl=${ctrl%%:*}
		ctrl=${ctrl#name=}
		if [ -z "$ctrl" ]; then
			[ -d /sys/fs/cgroup/unified ] && echo "/sys/fs/cgroup/unified$path" || echo "/sys/fs/cgroup$path"
		else
			echo "/sys/fs/cgroup/$ctrl$path"
		fi
	done </proc/"$1"/cgroup | sort -u
}

@test "--cgroup runs the process in an existing sub-cgroup (all hierarchies or per controller)" {
	# keep the container's cgroup namespace out of it: host paths are compared
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	ct cgroup
	local init d
	init=$(init_pid "$CT")
	for d in $(cgroup_dirs "$init"); do
		[ -d "$d" ] || continue
		[[ "$d" == *"$CT"* ]] || skip "container cgroup not named after its id: $d"
		mkdir "$d/sub"
		if [ -e "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
		fi
	done
	run execd --cgroup sub --pid-file "$BATS_TEST_TMPDIR/pid" "$CT" sleep 100
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	cat /proc/"$pid"/cgroup
	# every hierarchy: the init's path + /sub
	diff <(sed 's|$|/sub|' /proc/"$init"/cgroup) /proc/"$pid"/cgroup
	# per controller: only those move
	if grep -q ':memory:' /proc/"$init"/cgroup; then
		run execd --cgroup memory,pids:sub --pid-file "$BATS_TEST_TMPDIR/pid2" "$CT" sleep 100
		[ "$status" -eq 0 ]
		pid=$(cat "$BATS_TEST_TMPDIR/pid2")
		grep -q ':memory:.*/sub$' /proc/"$pid"/cgroup
		grep -q ':pids:.*/sub$' /proc/"$pid"/cgroup
		refute grep -q ':cpu,*[a-z]*:.*/sub$' /proc/"$pid"/cgroup
	fi
	run hull exec --cgroup nosuchctl:sub "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"unknown controller nosuchctl"* ]]
	run hull exec --cgroup a:b:c "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"invalid --cgroup argument: a:b:c"* ]]
	run hull exec --cgroup one --cgroup two "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"missing <controller>: prefix"* ]]
	run hull exec --cgroup missing-sub "$CT" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"missing-sub"* ]]
}

@test "signals to a foreground hull exec reach the process" {
	ct signal
	"$HULL" --root "$HULL_ROOT" exec "$CT" sleep 100 &
	local hp=$!
	sleep 0.5
	kill -TERM "$hp"
	local rc=0
	wait "$hp" || rc=$?
	[ "$rc" -eq 143 ]
}

@test "hull exec runs from a sealed view of its binary, never the binary on the host (CVE-2019-5736)" {
	ct sealed
	"$HULL" --root "$HULL_ROOT" exec "$CT" sleep 2 &
	local hp=$!
	sleep 0.5
	local exe fstype host_id view_id wrote=no
	exe=$(readlink /proc/"$hp"/exe)
	fstype=$(stat -f -L -c %T /proc/"$hp"/exe)
	view_id=$(stat -L -c %d:%i /proc/"$hp"/exe)
	host_id=$(stat -L -c %d:%i "$HULL")
	(printf x >>/proc/"$hp"/exe) 2>/dev/null && wrote=yes
	wait "$hp"
	echo "exe: $exe on $fstype ($view_id; host binary $host_id); write: $wrote"
	[ "$wrote" = no ]
	[ "$view_id" != "$host_id" ]
	# Where overlayfs exists the view is a read-only overlay (no copy); else a sealed memfd.
	if grep -qw overlay /proc/filesystems; then
		[ "$fstype" = overlayfs ]
	else
		[[ "$exe" == "/memfd:"* ]]
	fi
}

@test "hull exec falls back to a sealed memfd copy where no overlay can be made" {
	# A binary right in /dev cannot be overlaid (its directory would be the overlay's
	# second layer, /dev, too): hull must then copy itself into a sealed memfd instead.
	findmnt -no OPTIONS /dev | grep -qw noexec && skip "/dev is mounted noexec"
	ct sealedmemfd
	local bin
	bin=$(mktemp /dev/hull-exec-test.XXXXXX)
	cp "$HULL" "$bin"
	chmod 0755 "$bin"
	"$bin" --root "$HULL_ROOT" exec "$CT" sleep 2 &
	local hp=$!
	sleep 0.5
	local exe rc=0
	exe=$(readlink /proc/"$hp"/exe) || true
	wait "$hp" || rc=$?
	rm -f "$bin" # before any assertion: nothing may stay in /dev
	[ "$rc" -eq 0 ]
	echo "exe: $exe"
	[[ "$exe" == "/memfd:"* ]]
}

@test "regression: a process in the container cannot open the runtime binary through /proc/*/exe" {
	# CAP_SYS_PTRACE and no user namespace: the strongest container that could still
	# reach hull's /proc/PID/exe while a `hull exec` child is inside its pid namespace.
	update_config '.process.capabilities.bounding += ["CAP_SYS_PTRACE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE"]
		| .process.capabilities.permitted += ["CAP_SYS_PTRACE"] | .root.readonly = false'
	ct cve
	local sum
	sum=$(sha256sum <"$HULL")
	# The watcher opens every /proc/*/exe for writing (append: never truncates) and
	# records any link that is not a plain container binary.
	hull exec -d "$CT" sh -c '
		end=$(( $(date +%s) + 8 ))
		while [ $(date +%s) -lt $end ]; do
			for p in /proc/[0-9]*; do
				l=$(readlink $p/exe 2>/dev/null) || continue
				case "$l" in /bin/*|/usr/bin/*|/sbin/*) continue ;; esac
				echo "seen $p $l" >>/watch.log
				( : >>"$p/exe" ) 2>/dev/null && echo "opened $p $l" >>/watch.log
			done
		done
		echo done >>/watch.log' </dev/null >/dev/null 2>&1
	local i
	for i in $(seq 40); do
		"$HULL" --root "$HULL_ROOT" exec "$CT" true
	done
	for _ in $(seq 100); do grep -q '^done' "$BUNDLE/rootfs/watch.log" 2>/dev/null && break; sleep 0.1; done
	cat "$BUNDLE/rootfs/watch.log"
	grep -q '^done' "$BUNDLE/rootfs/watch.log"
	# the runtime binary is intact, and nothing opened resolved to it
	[ "$(sha256sum <"$HULL")" = "$sum" ]
	refute grep -q "^opened.*$(basename "$HULL")\$" "$BUNDLE/rootfs/watch.log"
	refute grep -q "$HULL" "$BUNDLE/rootfs/watch.log"
	# whatever the watcher caught of hull (the sealed copy, if anything) it could not open
	refute grep -q '^opened' "$BUNDLE/rootfs/watch.log"
}

@test "exec leaves nothing behind and the container keeps running" {
	ct debris
	local i
	for i in 1 2 3; do
		run hull exec "$CT" true
		[ "$status" -eq 0 ]
	done
	run hull exec "$CT" /no/such
	[ "$status" -eq 255 ]
	[ "$(state_field "$CT" status)" = running ]
	# only the init is left in the container
	run hull exec "$CT" sh -c 'set -- /proc/[0-9]*; echo $#'
	[ "$output" = 2 ]
	hull delete -f "$CT"
	check_no_debris
}
