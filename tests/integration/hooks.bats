#!/usr/bin/env bats
# hooks.bats - every hook kind in order with the state on stdin, env and args, timeouts,
# and what a failing hook does (abort before start, warning after).

load rootfs-common

# A log directory bound into the container at the same path, so hooks running on the
# host and inside the container append to the same file.
hook_setup() {
	LOG=$BATS_TEST_TMPDIR/hooklog
	mkdir -p "$LOG"
	add_mount "{\"destination\":\"$LOG\",\"type\":\"bind\",\"source\":\"$LOG\",\"options\":[\"rbind\"]}"
}

# hook NAME: a hook that logs its name, $FOO and its mount namespace, and saves its stdin.
hook() {
	echo "{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo $1 \$FOO \$(readlink /proc/self/ns/mnt) >>$LOG/log; cat >$LOG/$1.json\"],\"env\":[\"FOO=$1-env\"]}"
}

@test "all six hook kinds run in order, each with the state on stdin and its env" {
	hook_setup
	update_config ".hooks = {
		\"prestart\":[$(hook prestart)], \"createRuntime\":[$(hook createRuntime)],
		\"createContainer\":[$(hook createContainer)], \"startContainer\":[$(hook startContainer)],
		\"poststart\":[$(hook poststart)], \"poststop\":[$(hook poststop)]}"
	local id host
	id=$(hull_id order)
	host=$(readlink /proc/self/ns/mnt)
	set_args true
	run hrun "$id"
	[ "$status" -eq 0 ]
	run cat "$LOG/log"
	[ "${lines[0]}" = "prestart prestart-env $host" ]
	[ "${lines[1]}" = "createRuntime createRuntime-env $host" ]
	# createContainer and startContainer run in the container's (mount) namespace
	local ctr=${lines[2]##* }
	[ "$ctr" != "$host" ]
	[ "${lines[2]}" = "createContainer createContainer-env $ctr" ]
	[ "${lines[3]}" = "startContainer startContainer-env $ctr" ]
	[ "${lines[4]}" = "poststart poststart-env $host" ]
	[ "${lines[5]}" = "poststop poststop-env $host" ]
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		[ "$(jq -r .id "$LOG/$k.json")" = "$id" ] || { echo "$k: bad state"; cat "$LOG/$k.json"; return 1; }
		[ "$(jq -r .bundle "$LOG/$k.json")" = "$BUNDLE" ]
	done
	[ "$(jq -r .status "$LOG/createRuntime.json")" = creating ]
	[ "$(jq -r .status "$LOG/poststart.json")" = running ]
	[ "$(jq -r .status "$LOG/poststop.json")" = stopped ]
	[ "$(jq -r .pid "$LOG/createRuntime.json")" -gt 0 ]
}

@test "poststart runs once the container's process is executed (after a slow startContainer hook)" {
	hook_setup
	# startContainer runs in the init just before its execve; poststart must not run
	# before that execve has happened, however long startContainer takes.
	update_config '.hooks = {"startContainer":[{"path":"/bin/sh","args":["sh","-c","sleep 0.5"]}],
		"poststart":[{"path":"/bin/sh","args":["sh","-c",$ps]}]}' \
		--arg ps "pid=\$(jq -r .pid); readlink /proc/\$pid/exe >$LOG/exe"
	local id
	id=$(hull_id poststart)
	set_args sleep 5
	hrun_d "$id"
	cat "$LOG/exe"
	[[ "$(cat "$LOG/exe")" == */busybox ]]
	hull delete -f "$id"
}

@test "hook args and env: args[0] is argv[0]; without env a hook inherits as runc's do" {
	hook_setup
	update_config ".process.env = [\"PATH=/bin\", \"CTRVAR=1\"] | .hooks = {
		createRuntime: [
			{\"path\":\"/bin/sh\",\"args\":[\"myname\",\"-c\",\"echo \$(cut -d \\\"\\\" -f1 /proc/\$\$/cmdline) \$0 \$1 >>$LOG/args\",\"zero\",\"first\"]},
			{\"path\":\"/usr/bin/env\"},
			{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"env >$LOG/createRuntime\"]}],
		createContainer: [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"env >$LOG/createContainer\"]}],
		startContainer: [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"env >$LOG/startContainer\"]}],
		poststop: [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"env >$LOG/poststop\"]}]}"
	set_args true
	HOOKVAR=from-hull run hrun "$(hull_id args)"
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG/args")" = "myname zero first" ]
	# run by hull: hull's own environment (Go's exec with a nil Env, in runc)
	grep -qx HOOKVAR=from-hull "$LOG/createRuntime"
	grep -qx HOOKVAR=from-hull "$LOG/poststop"
	# run by the container's init: the process's env, HOME added by the time of startContainer
	grep -qx CTRVAR=1 "$LOG/createContainer"
	refute grep -q '^HOOKVAR=' "$LOG/createContainer"
	refute grep -q '^HOME=' "$LOG/createContainer"
	grep -qx CTRVAR=1 "$LOG/startContainer"
	grep -qx HOME=/root "$LOG/startContainer"
	refute grep -q '^HOOKVAR=' "$LOG/startContainer"
}

@test "createContainer hooks start in the rootfs directory (runc's hooks library test)" {
	hook_setup
	update_config ".root.readonly = false | .hooks.createContainer = [
		{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"pwd >$LOG/cwd && touch ./bin/made-by-hook\"]}]"
	set_args ls /bin/made-by-hook
	run hrun "$(hull_id hookcwd)"
	[ "$status" -eq 0 ]
	[ "$output" = /bin/made-by-hook ]
	[ "$(cat "$LOG/cwd")" = "$BUNDLE/rootfs" ]
}

@test "multiple hooks of one kind run in array order" {
	hook_setup
	update_config ".hooks.prestart = [
		{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo one >>$LOG/log\"]},
		{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo two >>$LOG/log\"]},
		{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"echo three >>$LOG/log\"]}]"
	set_args true
	run hrun "$(hull_id multi)"
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG/log" | tr '\n' ' ')" = "one two three " ]
}

@test "a failing createRuntime hook aborts create with its index, status and output; no debris" {
	update_config '.hooks.createRuntime = [{"path":"/bin/true"},{"path":"/bin/sh","args":["sh","-c","echo out; echo err >&2; exit 3"]}]'
	run hrun "$(hull_id crfail)"
	expect_clean_failure
	[[ "$output" == *"error running createRuntime hook #1: error running hook: exit status 3, stdout: out, stderr: err"* ]]
}

@test "a hook past its timeout is killed and create fails; no debris" {
	update_config '.hooks.createRuntime = [{"path":"/bin/sleep","args":["sleep","30"],"timeout":1}]'
	SECONDS=0
	run hrun "$(hull_id timeout)"
	expect_clean_failure
	[ "$SECONDS" -lt 10 ]
	[[ "$output" == *"error running createRuntime hook #0: timeout after 1s"* ]]
	refute pgrep -f "sleep 30" -P 1 >/dev/null
}

@test "failing prestart and createContainer hooks abort too; a missing hook binary is an error" {
	update_config '.hooks.prestart = [{"path":"/bin/false"}]'
	run hrun "$(hull_id prefail)"
	expect_clean_failure
	[[ "$output" == *"error running prestart hook #0: error running hook: exit status 1"* ]]

	update_config 'del(.hooks.prestart) | .hooks.createContainer = [{"path":"/bin/sh","args":["sh","-c","exit 4"]}]'
	run hrun "$(hull_id ccfail)"
	expect_clean_failure
	[[ "$output" == *"error running createContainer hook #0: error running hook: exit status 4"* ]]

	update_config 'del(.hooks.createContainer) | .hooks.createRuntime = [{"path":"/nonexistent/hook"}]'
	run hrun "$(hull_id nohook)"
	expect_clean_failure
	[[ "$output" == *"error running createRuntime hook #0"* ]]
}

@test "failing poststart and poststop hooks are warnings: the container runs and is deleted" {
	hook_setup
	update_config ".hooks.poststart = [{\"path\":\"/bin/false\"}] | .hooks.poststop = [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"exit 5\"]}, $(hook poststop)]"
	set_args sh -c 'echo ran'
	run hrun "$(hull_id postfail)"
	[ "$status" -eq 0 ]
	[[ "$output" == *ran* ]]
	[[ "$output" == *"error running poststart hook #0: error running hook: exit status 1"* ]]
	[[ "$output" == *"error running poststop hook #0: error running hook: exit status 5"* ]]
	# the hooks after a failing poststop hook still run
	grep -q '^poststop ' "$LOG/log"
	check_no_debris
}
