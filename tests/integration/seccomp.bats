#!/usr/bin/env bats
# seccomp.bats - linux.seccomp in real containers: every action, every operator, several
# arguments, flags, unknown names, defaultErrnoRet, the SCMP_ACT_NOTIFY listener hand-off
# (tests/lib/seccomp-agent.c answers), Docker's default profile and `hull features`.
#
# tests/lib/seccomp-probe.c (static, copied into the rootfs as /bin/seccomp-probe) makes
# one raw syscall and prints "ret N", "errno N" or "sigsys N" (TRAP).

load ../lib/helpers

setup_file() {
	export HULL_TEST_AREA=sec
	export DOCKER_PROFILE="$BATS_TEST_DIRNAME/../fixtures/seccomp/default.json"
	hull_setup_file
	command -v gcc >/dev/null || return 0
	export PROBE="$BATS_FILE_TMPDIR/seccomp-probe" AGENT="$BATS_FILE_TMPDIR/seccomp-agent"
	gcc -O2 -static -pthread -o "$PROBE" "$BATS_TEST_DIRNAME/../lib/seccomp-probe.c"
	gcc -O2 -o "$AGENT" "$BATS_TEST_DIRNAME/../lib/seccomp-agent.c" -lseccomp
	# unix socket paths are short (108 bytes): keep the agent's away from deep temp dirs
	export SOCKDIR
	SOCKDIR=$(mktemp -d /tmp/hull-sec.XXXXXX)
}

teardown_file() {
	hull_teardown_file
	[ -n "${SOCKDIR:-}" ] && rm -rf "$SOCKDIR"
}

setup() {
	[ -x "${PROBE:-}" ] && [ -x "${AGENT:-}" ] || skip "needs gcc, static glibc and libseccomp-dev"
	hull_setup
	cp "$PROBE" "$BUNDLE/rootfs/bin/seccomp-probe"
	debris_snapshot
}

teardown() {
	[ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null
	hull_teardown
}

# seccomp JSON: set .linux.seccomp
profile() {
	update_config ".linux.seccomp = $1"
}

# one rule: ACTION [EXTRA-JSON-FIELDS] on getppid, everything else allowed
rule() {
	profile "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"$1\"${2:+,$2}}]}"
}

hrun() { # ID: foreground run of $BUNDLE, exit status of the container
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run "$1") </dev/null
}

probe() { # ARGS...: run seccomp-probe ARGS in a new container
	set_args seccomp-probe "$@"
	run hrun "$(hull_id probe)"
}

start_agent() { # REPLY: the agent listens on $SOCK and writes $AGENT_OUT(.log)
	SOCK="$SOCKDIR/agent-$BATS_TEST_NUMBER.sock"
	AGENT_OUT="$BATS_TEST_TMPDIR/agent.json"
	"$AGENT" "$SOCK" "$AGENT_OUT" "$1" </dev/null >"$BATS_TEST_TMPDIR/agent.err" 2>&1 3>&- &
	AGENT_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	echo "agent did not come up: $(cat "$BATS_TEST_TMPDIR/agent.err")"
	return 1
}

wait_agent() { # the agent exits once no task uses the filter any more
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$AGENT_PID" 2>/dev/null || { wait "$AGENT_PID"; AGENT_PID=; return; }
		sleep 0.05
	done
	echo "agent still running"
	return 1
}

notify_profile() { # EXTRA-JSON-FIELDS
	profile "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",\"listenerMetadata\":\"meta data 1\",
		\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]${1:+,$1}}"
}

# ---- actions ------------------------------------------------------------------------------

@test "without a profile the probe's syscall works" {
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "ret 0" ]
}

@test "SCMP_ACT_ERRNO returns errnoRet" {
	rule SCMP_ACT_ERRNO '"errnoRet":42'
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
}

@test "SCMP_ACT_ERRNO without errnoRet returns EPERM" {
	rule SCMP_ACT_ERRNO
	probe getppid
	[ "$output" = "errno 1" ]
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet" {
	# Docker's profile with another default errno: uselib is not on its allow list.
	update_config '.linux.seccomp = ($p[0] | .defaultErrnoRet = 77)' --slurpfile p "$DOCKER_PROFILE"
	probe uselib 0
	[ "$status" -eq 0 ]
	[ "$output" = "errno 77" ]
}

@test "SCMP_ACT_KILL kills the calling thread only" {
	rule SCMP_ACT_KILL
	probe getppid
	[ "$status" -eq 159 ] # 128 + SIGSYS
	[ "$output" = "" ]
	probe -t getppid
	[ "$status" -eq 0 ]
	[ "$output" = "thread gone" ]
}

@test "SCMP_ACT_KILL_THREAD kills the calling thread only" {
	rule SCMP_ACT_KILL_THREAD
	probe -t getppid
	[ "$status" -eq 0 ]
	[ "$output" = "thread gone" ]
}

@test "SCMP_ACT_KILL_PROCESS kills the whole process" {
	rule SCMP_ACT_KILL_PROCESS
	probe -t getppid
	[ "$status" -eq 159 ]
	[ "$output" = "" ]
}

@test "SCMP_ACT_TRAP sends SIGSYS" {
	rule SCMP_ACT_TRAP
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "sigsys $(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cpp -P | tail -n1)" ]
}

@test "SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	rule SCMP_ACT_TRACE '"errnoRet":5'
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "errno 38" ]
}

@test "SCMP_ACT_LOG lets the syscall run" {
	rule SCMP_ACT_LOG
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "ret 0" ]
}

@test "SCMP_ACT_ALLOW rules punch holes in an SCMP_ACT_ERRNO default" {
	update_config '.linux.seccomp = ($p[0] | .syscalls += [{"names":["uselib"],"action":"SCMP_ACT_ALLOW"}])' \
		--slurpfile p "$DOCKER_PROFILE"
	probe uselib 0
	[ "$status" -eq 0 ]
	# the kernel's own answer (no uselib, or a bad pointer), not the profile's EPERM
	[ "$output" != "errno 1" ]
	[[ "$output" == errno* ]]
}

@test "an action that takes no errno with errnoRet is refused" {
	rule SCMP_ACT_KILL '"errnoRet":5'
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"errnoRet"* ]]
	check_no_debris
}

# ---- operators and arguments ------------------------------------------------------------------

# op_check OP VALUE [VALUETWO] -- OFFSET:EXPECT...  lseek(99, OFFSET, 0) under a rule
# "errno 42 if arg1 OP VALUE"; without a match lseek fails with EBADF (fd 99 is closed).
op_check() {
	local op=$1 value=$2 two="" cases=() script="" c
	shift 2
	[ "$1" != -- ] && { two=",\"valueTwo\":$1"; shift; }
	shift
	cases=("$@")
	profile "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",
		\"errnoRet\":42,\"args\":[{\"index\":1,\"value\":$value$two,\"op\":\"$op\"}]}]}"
	for c in "${cases[@]}"; do
		script+="echo ${c%%:*}=\$(seccomp-probe lseek 99 ${c%%:*} 0); "
	done
	set_args sh -c "$script"
	run hrun "$(hull_id "op")"
	[ "$status" -eq 0 ]
	for c in "${cases[@]}"; do
		local want="errno 9"
		[ "${c#*:}" = match ] && want="errno 42"
		grep -qx "${c%%:*}=$want" <<<"$output" || { echo "$op $value: offset ${c%%:*}: want $want"; echo "$output"; return 1; }
	done
}

@test "SCMP_CMP_EQ" {
	op_check SCMP_CMP_EQ 5 -- 5:match 4:no 6:no
}

@test "SCMP_CMP_NE" {
	op_check SCMP_CMP_NE 5 -- 5:no 4:match 6:match
}

@test "SCMP_CMP_LT" {
	op_check SCMP_CMP_LT 5 -- 4:match 5:no 6:no
}

@test "SCMP_CMP_LE" {
	op_check SCMP_CMP_LE 5 -- 4:match 5:match 6:no
}

@test "SCMP_CMP_GT" {
	op_check SCMP_CMP_GT 5 -- 4:no 5:no 6:match
}

@test "SCMP_CMP_GE" {
	op_check SCMP_CMP_GE 5 -- 4:no 5:match 6:match
}

@test "SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum" {
	# (offset & 0xf0) == 0x20
	op_check SCMP_CMP_MASKED_EQ 240 32 -- 32:match 47:match 16:no 48:no 288:match
}

@test "conditions on several arguments must all match" {
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["lseek"],"action":"SCMP_ACT_ERRNO","errnoRet":42,
		"args":[{"index":1,"value":5,"op":"SCMP_CMP_EQ"},{"index":2,"value":1,"op":"SCMP_CMP_EQ"}]}]}'
	set_args sh -c 'echo $(seccomp-probe lseek 99 5 1) $(seccomp-probe lseek 99 5 0) $(seccomp-probe lseek 99 4 1)'
	run hrun "$(hull_id args)"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42 errno 9 errno 9" ]
}

@test "two conditions on one argument match either (like runc)" {
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["lseek"],"action":"SCMP_ACT_ERRNO","errnoRet":42,
		"args":[{"index":1,"value":5,"op":"SCMP_CMP_EQ"},{"index":1,"value":7,"op":"SCMP_CMP_EQ"}]}]}'
	set_args sh -c 'echo $(seccomp-probe lseek 99 5 0) $(seccomp-probe lseek 99 7 0) $(seccomp-probe lseek 99 6 0)'
	run hrun "$(hull_id samearg)"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42 errno 42 errno 9" ]
}

@test "syscall names unknown on this architecture are skipped" {
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_syscall_hull","getppid","arm_fadvise64_64"],
		"action":"SCMP_ACT_ERRNO","errnoRet":42}]}'
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
}

@test "unknown actions, operators and flags are refused by name" {
	rule SCMP_ACT_NOPE
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].action"* ]]
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["lseek"],"action":"SCMP_ACT_ERRNO",
		"args":[{"index":1,"value":5,"op":"SCMP_CMP_ABOUT"}]}]}'
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].args[0].op"* ]]
	profile '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_NOPE"]}'
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.flags"* ]]
	check_no_debris
}

# ---- flags ----------------------------------------------------------------------------------

@test "every flag hull features lists as supported loads" {
	local f
	for f in $("$HULL" features | jq -r '.linux.seccomp.supportedFlags[]'); do
		[ "$f" = SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ] && continue # needs a listener: next test
		rule SCMP_ACT_ERRNO '"errnoRet":42'
		update_config '.linux.seccomp.flags = [$f]' --arg f "$f"
		probe getppid
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
		[ "$output" = "errno 42" ]
	done
}

@test "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV with a listener" {
	"$HULL" features | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")' >/dev/null ||
		skip "kernel without SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
	start_agent errno:55
	notify_profile '"flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV","SECCOMP_FILTER_FLAG_TSYNC"]'
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "errno 55" ]
	wait_agent
}

# ---- SCMP_ACT_NOTIFY and the listener ------------------------------------------------------------

@test "SCMP_ACT_NOTIFY: the agent answers with an errno" {
	start_agent errno:55
	notify_profile
	probe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "errno 55" ]
	wait_agent
	nr=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cpp -P | tail -n1)
	grep -q "^nr=$nr " "$AGENT_OUT.log"
}

@test "SCMP_ACT_NOTIFY: the agent answers with a value" {
	start_agent value:4242
	notify_profile
	probe getppid
	[ "$output" = "ret 4242" ]
	wait_agent
}

@test "SCMP_ACT_NOTIFY: the agent lets the syscall continue" {
	start_agent continue
	notify_profile
	probe getppid
	[ "$output" = "ret 0" ]
	wait_agent
}

@test "the listener gets the container process state with the seccomp fd" {
	start_agent errno:55
	notify_profile
	probe getppid
	[ "$output" = "errno 55" ]
	wait_agent
	cat "$AGENT_OUT"
	# the pid the kernel reports for the notification is the one in the message
	local pid
	pid=$(sed -n 's/^nr=[0-9]* pid=//p' "$AGENT_OUT.log")
	[ -n "$pid" ]
	jq -e --arg id "$(hull_id probe)" --argjson pid "$pid" --arg b "$BUNDLE" '
		(.ociVersion | test("^1\\.")) and .fds == ["seccompFd"] and .pid == $pid
		and .metadata == "meta data 1" and .state.id == $id and .state.pid == $pid
		and .state.bundle == $b and (.state.status | type == "string")' "$AGENT_OUT"
}

@test "neither the notify fd nor the listener socket leaks into the container" {
	start_agent errno:55
	notify_profile
	set_args sh -c 'seccomp-probe getppid; for f in /proc/self/fd/*; do readlink $f; done; true'
	run hrun "$(hull_id leak)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 55" ]
	refute grep -q -e socket: -e anon_inode:seccomp <<<"$output"
	wait_agent
}

@test "a listenerPath nobody listens on fails create with no debris" {
	SOCK="$SOCKDIR/nobody.sock"
	notify_profile
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"failed to connect with seccomp agent specified in the seccomp profile: linux.seccomp.listenerPath: dial unix $SOCK: No such file or directory"* ]]
	check_no_debris
}

@test "SCMP_ACT_NOTIFY without listenerPath is refused" {
	rule SCMP_ACT_NOTIFY
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"listenerPath"* ]]
	check_no_debris
}

@test "SCMP_ACT_NOTIFY on write (or sendmsg) is refused in runc's words; no debris" {
	SOCK="$SOCKDIR/unused.sock"
	profile "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",
		\"syscalls\":[{\"names\":[\"getppid\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall"* ]]
	profile "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",
		\"syscalls\":[{\"names\":[\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	probe getppid
	[ "$status" -ne 0 ]
	[[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for the sendmsg syscall"* ]]
	check_no_debris
}

# ---- startContainer hooks (like runc: after the filter, as the process's user) ----------------------

@test "startContainer hooks run under the filter; their error names the signal as runc does" {
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL"}]}'
	update_config '.hooks.startContainer = [{"path":"/bin/sh","args":["sh","-c","mkdir /tmp/hook-dir"]}]'
	run hrun "$(hull_id schook)"
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running startContainer hook #0: error running hook: signal: bad system call, stdout: , stderr: "* ]]
	check_no_debris
}

@test "a failed startContainer hook of a terminal run: run says why (not only that the init exited)" {
	need_cmd script
	profile '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL"}]}'
	update_config '.process.terminal = true | .hooks.startContainer = [{"path":"/bin/sh","args":["sh","-c","mkdir /tmp/hook-dir"]}]'
	# The init's own stderr is the container's pty here: run must relay the init's error.
	run script -qec "$HULL --root $HULL_ROOT run --bundle $BUNDLE $(hull_id schookt)" /dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running startContainer hook #0: error running hook: signal: bad system call"* ]]
	check_no_debris
}

@test "SCMP_ACT_NOTIFY: the agent has the fd when startContainer hooks run; they get no extra fd" {
	start_agent errno:55
	notify_profile
	# The hook's getppid goes to the agent (a wrong order would wait for it: timeout).
	update_config '.hooks.startContainer = [{"path":"/bin/sh","timeout":20,"args":["sh","-c",
		"out=$(seccomp-probe getppid); n=$(ls /proc/self/fd | wc -l); [ \"$out $n\" = \"errno 55 4\" ] || { echo $out; ls -l /proc/self/fd; exit 1; }"]}]'
	# an fd hull inherits and does not pass on must not reach the hook either
	run hrun "$(hull_id nhook)" 7</dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	wait_agent
}

@test "startContainer hooks run as the process's user" {
	update_config '.process.user = {"uid":1000,"gid":1000}
		| .hooks.startContainer = [{"path":"/bin/sh","args":["sh","-c","[ $(id -u):$(id -g) = 1000:1000 ] || { id; exit 1; }"]}]'
	run hrun "$(hull_id uhook)"
	echo "$output"
	[ "$status" -eq 0 ]
}

# ---- syscalls newer than the profile ----------------------------------------------------------------

@test "a syscall newer than the profile fails with ENOSYS, a known one gets the default action" {
	# Docker's profile denies with EPERM by default and names nothing near number 1000.
	update_config '.linux.seccomp = $p[0]' --slurpfile p "$DOCKER_PROFILE"
	set_args sh -c 'seccomp-probe nr=1000; seccomp-probe uselib 0'
	run hrun "$(hull_id enosys)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 38" ]
	[ "${lines[1]}" = "errno 1" ]
}

# ---- Docker's default profile ---------------------------------------------------------------------

@test "Docker's default profile loads and runs a busybox shell" {
	update_config '.linux.seccomp = $p[0]' --slurpfile p "$DOCKER_PROFILE"
	# (set_args takes one line per argument)
	local script='echo hello >/dev/shm/f && cat /dev/shm/f && ls / >/dev/null && ps >/dev/null && sleep 0.1 & wait;'
	set_args sh -c "$script"' echo $(seccomp-probe unshare 0) $(seccomp-probe socket 40 1 0) $(seccomp-probe personality 0)'
	run hrun "$(hull_id docker)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	# unshare is not allowed; AF_VSOCK sockets are not (SCMP_CMP_NE on arg 0); personality(0) is
	[ "${lines[1]}" = "errno 1 errno 1 ret 0" ]
}

@test "Docker's default profile also works with no_new_privileges off" {
	update_config '.linux.seccomp = $p[0] | .process.noNewPrivileges = false | .process.user = {"uid":1000,"gid":1000}' \
		--slurpfile p "$DOCKER_PROFILE"
	set_args sh -c 'id -u; seccomp-probe unshare 0'
	run hrun "$(hull_id docker-nnp)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = "errno 1" ]
}

# ---- features ----------------------------------------------------------------------------------

@test "hull features lists seccomp actions, operators, archs and flags" {
	run "$HULL" features
	[ "$status" -eq 0 ]
	jq -e '.linux.seccomp | .enabled and (.actions | length == 9) and (.operators | length == 7)
		and (.archs | index("SCMP_ARCH_X86_64")) and (.knownFlags | length == 4)
		and ([.supportedFlags[] as $f | .knownFlags | index($f)] | all)' <<<"$output"
}
