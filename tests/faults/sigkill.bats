#!/usr/bin/env bats
# sigkill.bats - hull SIGKILLed at random points of create, run -d, start, exec and delete;
# afterwards `delete -f` must leave nothing: no process, mount, cgroup or state entry.
# FAULT_LOOPS (default 100 for create, 30 for the others) sets how many kills.

load lib

setup_file() { hull_setup_file; }
setup() { fault_setup; }
teardown() { fault_teardown; }
teardown_file() { hull_teardown_file; }

@test "faults: SIGKILL during create, then delete -f: nothing left" {
	local i id
	for ((i = 0; i < ${FAULT_LOOPS:-100}; i++)); do
		id=c$i
		fault_config "$id"
		kill_at_random 30 create --bundle "$BUNDLE" "$id"
		run hull delete -f "$id"
		[ "$status" -eq 0 ] || { echo "delete -f $id: $output"; false; }
	done
	run hull list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	assert_nothing_left
}

@test "faults: SIGKILL during run -d, then delete -f: nothing left" {
	local i id
	for ((i = 0; i < ${FAULT_LOOPS:-30}; i++)); do
		id=r$i
		fault_config "$id"
		kill_at_random 30 run -d --bundle "$BUNDLE" "$id"
		hull delete -f "$id"
	done
	assert_nothing_left
}

@test "faults: SIGKILL during start, then delete -f: nothing left" {
	local i id
	for ((i = 0; i < ${FAULT_LOOPS:-30}; i++)); do
		id=s$i
		fault_config "$id"
		hull create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
		kill_at_random 5 start "$id"
		hull delete -f "$id"
	done
	assert_nothing_left
}

@test "faults: SIGKILL during exec, then delete -f: nothing left" {
	local i id
	for ((i = 0; i < ${FAULT_LOOPS:-30}; i++)); do
		id=e$i
		fault_config "$id"
		hull run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
		kill_at_random 20 exec "$id" sleep 100
		hull delete -f "$id"
	done
	assert_nothing_left
}

@test "faults: SIGKILL during delete, then delete -f: nothing left" {
	local i id
	for ((i = 0; i < ${FAULT_LOOPS:-30}; i++)); do
		id=d$i
		fault_config "$id"
		hull run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
		kill_at_random 10 delete -f "$id"
		hull delete -f "$id"
	done
	assert_nothing_left
}

@test "faults: a create killed before it could commit is listed, and delete -f removes it" {
	# Stop hull inside create (SIGSTOP at a random point, so it cannot finish), then look.
	local i id shown=0
	for ((i = 0; i < 20; i++)); do
		id=l$i
		fault_config "$id"
		"$HULL" --root "$HULL_ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
		local pid=$!
		random_delay 15
		kill -STOP "$pid" 2>/dev/null || true
		if [ -d "$HULL_ROOT/$id" ] && ! grep -q '"creating":true' "$HULL_ROOT/$id/state.json" 2>/dev/null; then
			kill -CONT "$pid" 2>/dev/null || true; wait "$pid" || true # it had committed already
		else
			run hull list --format json
			[ "$status" -eq 0 ]
			if [ -d "$HULL_ROOT/$id" ]; then
				[ "$(jq -r ".[] | select(.id == \"$id\") | .status" <<<"$output")" = creating ]
				shown=$((shown + 1))
			fi
			kill -9 "$pid" 2>/dev/null || true; kill -CONT "$pid" 2>/dev/null || true; wait "$pid" || true
			if [ -d "$HULL_ROOT/$id" ]; then
				run hull list --format json
				[ "$(jq -r ".[] | select(.id == \"$id\") | .status" <<<"$output")" = stopped ]
				run hull state "$id"
				[ "$status" -eq 0 ]
				[ "$(jq -r .status <<<"$output")" = stopped ]
			fi
		fi
		hull delete -f "$id"
	done
	echo "# $shown of 20 stopped while creating" >&3
	assert_nothing_left
}
