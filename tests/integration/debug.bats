#!/usr/bin/env bats
# debug.bats - the global --debug flag: level=debug lines (runc's wording where runc's own
# suite looks for it) from hull and from the container's init and exec'd processes,
# in text and json, to stderr or to --log; the per-phase start trace ("[+N.NNNms]");
# nothing of it without --debug, and the error line daemons parse unchanged.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export HULL_TEST_AREA=dbg
	hull_setup_file
}

teardown_file() {
	hull_teardown_file
}

setup() {
	hull_setup
	set_args echo "Hello World"
	debris_snapshot
}

teardown() {
	hull_teardown
}

# The lines every debug run/create has, from hull itself and relayed from the init.
check_run_lines() {
	local out=$1
	[[ "$out" == *"create: config parsed [+"* ]]
	[[ "$out" == *"create: cgroup "* ]]
	[[ "$out" == *"nsexec container setup"* ]]
	[[ "$out" == *"child process in init(): namespaces created [+"* ]]
	[[ "$out" == *"init: rootfs prepared"* ]]
	[[ "$out" == *"init: pivot_root done [+"* ]]
	[[ "$out" == *"init: closing the pipe to signal completion"* ]]
}

check_exec_lines() {
	local out=$1
	[[ "$out" == *"exec: process prepared [+"* ]]
	[[ "$out" == *"nsexec container setup"* ]]
	[[ "$out" == *"child process in init(): joined the container's namespaces [+"* ]]
	[[ "$out" == *"setns_init: about to exec /bin/true [+"* ]]
	[[ "$out" == *"exec: process exec'd, pid "* ]]
}

# The trace's times never go back, also across the lines relayed from children.
check_monotonic() {
	local ms
	ms=$(grep -o '\[+[0-9]*\.[0-9]*ms\]' <<<"$1" | tr -d '[+ms]')
	[ "$(wc -l <<<"$ms")" -ge 5 ]
	[ "$ms" = "$(sort -n <<<"$ms")" ]
}

@test "--debug run: text lines on stderr, from hull and the init" {
	run --separate-stderr hull --debug run --bundle "$BUNDLE" "$(hull_id run)"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello World" ]
	[[ "$stderr" == *'level=debug msg="run: hull '* ]]
	check_run_lines "$stderr"
	[[ "$stderr" == *"start: container process exec'd, pid "* ]]
	check_monotonic "$stderr"
	# every line is one logrus text line
	run grep -vc '^time="[0-9T:-]*Z" level=debug msg=".*"$' <<<"$stderr"
	[ "$output" = 0 ]
	check_no_debris
}

@test "--debug --log: text lines in the file, none on stderr" {
	run hull --debug --log "$BATS_TEST_TMPDIR/log.txt" --log-format text run --bundle "$BUNDLE" "$(hull_id runlog)"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello World" ]
	log=$(cat "$BATS_TEST_TMPDIR/log.txt")
	check_run_lines "$log"
	check_monotonic "$log"
	check_no_debris
}

@test "--debug --log --log-format json: one JSON object per line" {
	run hull --debug --log "$BATS_TEST_TMPDIR/log.json" --log-format json run --bundle "$BUNDLE" "$(hull_id runjson)"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello World" ]
	log=$(cat "$BATS_TEST_TMPDIR/log.json")
	[[ "$log" == *'"level":"debug"'* ]]
	# every line parses and is a debug line with a message and a time
	run jq -e -s 'length > 5 and all(.[]; .level == "debug" and (.msg | type) == "string" and (.time | test("Z$")))' \
		"$BATS_TEST_TMPDIR/log.json"
	[ "$status" -eq 0 ]
	msgs=$(jq -r .msg "$BATS_TEST_TMPDIR/log.json")
	check_run_lines "$msgs"
	check_monotonic "$msgs"
	check_no_debris
}

@test "--debug create and start: each traces its own part" {
	id=$(hull_id cs)
	# (not `run`: the waiting init keeps its stdio, a pipe would never end)
	hull --debug create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err"
	created=$(cat "$BATS_TEST_TMPDIR/create.err")
	check_run_lines "$created"
	[[ "$created" == *"create: container created, init pid "* ]]
	run --separate-stderr hull --debug start "$id"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"start: container process exec'd, pid "* ]]
	[[ "$stderr" != *"nsexec"* ]]
	hull delete -f "$id"
	check_no_debris
}

@test "--debug exec: lines from hull and the exec'd process, on stderr and to --log json" {
	id=$(hull_id exec)
	set_args sleep 1000
	hull run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null
	run --separate-stderr hull --debug exec "$id" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"level=debug"* ]]
	check_exec_lines "$stderr"
	check_monotonic "$stderr"
	run hull --debug --log "$BATS_TEST_TMPDIR/exec.json" --log-format json exec "$id" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run jq -e -s 'all(.[]; .level == "debug")' "$BATS_TEST_TMPDIR/exec.json"
	[ "$status" -eq 0 ]
	check_exec_lines "$(jq -r .msg "$BATS_TEST_TMPDIR/exec.json")"
	hull delete -f "$id"
	check_no_debris
}

@test "without --debug: no debug lines from run or exec, to stderr or the log" {
	run --separate-stderr hull run --bundle "$BUNDLE" "$(hull_id quiet)"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello World" ]
	[ -z "$stderr" ]
	id=$(hull_id quietexec)
	set_args sleep 1000
	hull --log "$BATS_TEST_TMPDIR/quiet.log" run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null
	run --separate-stderr hull --log "$BATS_TEST_TMPDIR/quiet.log" --log-format json exec "$id" true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ ! -s "$BATS_TEST_TMPDIR/quiet.log" ]
	hull delete -f "$id"
	check_no_debris
}

@test "--log-format json: a failure's error line is unchanged, with or without --debug" {
	for dbg in "" --debug; do
		rm -f "$BATS_TEST_TMPDIR/err.json"
		run --separate-stderr hull $dbg --log "$BATS_TEST_TMPDIR/err.json" --log-format json start "nosuch-$$"
		[ "$status" -eq 1 ]
		# the bare message on stderr, the error as the log's last line
		[ "$stderr" = "container does not exist" ]
		run jq -c 'del(.time)' "$BATS_TEST_TMPDIR/err.json"
		[ "${lines[-1]}" = '{"level":"error","msg":"container does not exist"}' ]
	done
}
