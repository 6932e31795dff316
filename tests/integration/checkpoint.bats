#!/usr/bin/env bats
# checkpoint.bats - checkpoint/restore are not implemented (no CRIU support), but every
# flag of runc 1.1.5 is accepted and checked as runc checks it before hull says so.

load lifecycle-common

setup_file() {
	lc_setup_file ckpt
}

@test "checkpoint: runc's flags, runc's errors in runc's order, then not implemented" {
	local id
	id=$(hull_id ck)
	set_args sleep 100
	hc run -d "$id"
	# runc's checkpoint.bats "bad --parent-path": absolute, then missing
	run hc checkpoint --parent-path "$BUNDLE/parent-dir" --work-path ./work-dir --image-path ./image-dir "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--parent-path must be relative"* ]]
	run hc checkpoint --parent-path ./parent-dir --work-path ./work-dir --image-path ./image-dir "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid --parent-path: stat image-dir/parent-dir: no such file or directory"* ]]
	mkdir "$BUNDLE/image-dir"
	run hc checkpoint --image-path ./image-dir --parent-path ../config.json "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid --parent-path:  config.json: not a directory"* ]]
	# the page server comes before the cgroups mode and the namespaces
	run hc checkpoint --page-server nocolon --manage-cgroups-mode bad --empty-ns pid "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Use --page-server ADDRESS:PORT to specify page server"* ]]
	run hc checkpoint --page-server host:port "$id"
	[[ "$output" == *"Invalid port number"* ]]
	run hc checkpoint --manage-cgroups-mode ignore "$id"
	[[ "$output" == *"Invalid manage cgroups mode"* ]]
	run hc checkpoint --empty-ns pid "$id"
	[[ "$output" == *'namespace \"pid\" is not supported'* ]]
	run hc checkpoint --status-fd x "$id"
	[[ "$output" == *'invalid value \"x\" for flag -status-fd'* ]]
	# every valid flag: accepted, then not implemented; the container is untouched
	mkdir "$BUNDLE/parent"
	run hc checkpoint --image-path . --work-path . --parent-path parent --leave-running --tcp-established \
		--ext-unix-sk --shell-job --lazy-pages --status-fd 3 --page-server 127.0.0.1:1 --file-locks --pre-dump \
		--manage-cgroups-mode soft --empty-ns network --auto-dedup "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint: not implemented yet"* ]]
	[ "$(hc state "$id" | jq -r .status)" = running ]
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	run hc checkpoint "$id"
	[[ "$output" == *"Container cannot be checkpointed in stopped state"* ]]
	hc delete "$id"
	run hc checkpoint "$id"
	[[ "$output" == *"container does not exist"* ]]
}

@test "restore: runc's flags accepted, --empty-ns checked first, then not implemented" {
	run hc restore --empty-ns ipc x
	[ "$status" -eq 1 ]
	[[ "$output" == *'namespace \"ipc\" is not supported'* ]]
	run hc restore --console-socket /s --image-path . --work-path . --tcp-established --ext-unix-sk --shell-job \
		--file-locks --manage-cgroups-mode full --bundle "$BUNDLE" --detach --pid-file p --no-subreaper --no-pivot \
		--empty-ns network --auto-dedup --lazy-pages --lsm-profile apparmor:x --lsm-mount-context c x
	[ "$status" -eq 1 ]
	[[ "$output" == *"restore: not implemented yet"* ]]
	[ ! -e "$HULL_ROOT/x" ]
}
