#!/usr/bin/env bats
# state.bats - a full state root, a corrupt state.json, and many clients on one --root.

load lib

setup_file() { hull_setup_file; }
setup() { fault_setup; }
teardown() { fault_teardown; }
teardown_file() { hull_teardown_file; }

@test "faults: a full state root: create fails cleanly at every size, nothing half-made" {
	need_cmd unshare
	fault_config full
	# In a private mount namespace: a tmpfs of N KiB as --root, one create per size.
	run unshare -m --propagation private bash -c '
		set -u
		r=$1/tiny; mkdir -p "$r"
		for kb in 4 8 12 16 24 32 64; do
			mount -t tmpfs -o size=${kb}k,nr_inodes=64 tiny "$r" || exit 90
			if "$2" --root "$r" create --bundle "$3" full </dev/null >/dev/null 2>"$1/err"; then
				echo "$kb: created"; "$2" --root "$r" delete -f full || exit 91
			else
				echo "$kb: failed: $(cat "$1/err")"
			fi
			[ -z "$(ls -A "$r")" ] || { echo "$kb: state left: $(ls -A "$r")"; exit 92; }
			umount "$r" || exit 93
		done' _ "$BATS_TEST_TMPDIR" "$HULL" "$BUNDLE"
	echo "$output"
	[ "$status" -eq 0 ]
	# The smallest root cannot hold the state: that create must have failed.
	grep -q '^4: failed: .*No space left on device' <<<"$output"
	assert_nothing_left
}

@test "faults: a corrupt state.json: list, state and delete name the file; delete -f still removes everything" {
	fault_config bad
	hull run -d --bundle "$BUNDLE" bad </dev/null >/dev/null 2>&1
	local f=$HULL_ROOT/bad/state.json
	head -c 40 "$f" >"$f.cut" && mv "$f.cut" "$f"
	run hull state bad
	[ "$status" -ne 0 ]
	[[ "$output" == *"$f"* ]]
	run hull list
	[ "$status" -eq 0 ]
	[[ "$output" == *"$f"* ]] # a warning on stderr, the rest of the list still printed
	run hull delete bad
	[ "$status" -ne 0 ]
	[[ "$output" == *"$f"* ]]
	[ -n "$(leftover_procs)" ] # the container still runs: only -f may remove blindly
	run hull delete -f bad
	[ "$status" -eq 0 ]
	[[ "$output" == *"$f"* ]]
	assert_nothing_left
}

@test "faults: an empty state.json (a crash mid-write on a non-atomic fs) is handled the same way" {
	fault_config empty
	hull run -d --bundle "$BUNDLE" empty </dev/null >/dev/null 2>&1
	: >"$HULL_ROOT/empty/state.json"
	run hull state empty
	[ "$status" -ne 0 ]
	[[ "$output" == *"$HULL_ROOT/empty/state.json"* ]]
	hull delete -f empty
	assert_nothing_left
}

@test "faults: 4 clients on 100 containers in one --root while list and state loop: no leftovers" {
	update_config '.process.args = ["sleep", "1000"]'
	client() {
		local c=$1 i id
		for ((i = 0; i < 25; i++)); do
			id=k$c-$i
			# A bundle of its own holding only config.json; all share one rootfs.
			mkdir -p "$BATS_TEST_TMPDIR/b-$id"
			jq ".linux.cgroupsPath = \"/$FAULT_CG/$id\" | .root.path = \"$BUNDLE/rootfs\"" "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/b-$id/config.json"
			"$HULL" --root "$HULL_ROOT" create --bundle "$BATS_TEST_TMPDIR/b-$id" "$id" </dev/null >/dev/null 2>>"$BATS_TEST_TMPDIR/errors" || echo "create $id failed" >>"$BATS_TEST_TMPDIR/errors"
			"$HULL" --root "$HULL_ROOT" start "$id" 2>>"$BATS_TEST_TMPDIR/errors" || echo "start $id failed" >>"$BATS_TEST_TMPDIR/errors"
			"$HULL" --root "$HULL_ROOT" exec "$id" true 2>>"$BATS_TEST_TMPDIR/errors" || echo "exec $id failed" >>"$BATS_TEST_TMPDIR/errors"
			"$HULL" --root "$HULL_ROOT" kill "$id" KILL 2>>"$BATS_TEST_TMPDIR/errors" || echo "kill $id failed" >>"$BATS_TEST_TMPDIR/errors"
			"$HULL" --root "$HULL_ROOT" delete -f "$id" 2>>"$BATS_TEST_TMPDIR/errors" || echo "delete $id failed" >>"$BATS_TEST_TMPDIR/errors"
		done
	}
	watcher() {
		local id
		while [ ! -e "$BATS_TEST_TMPDIR/done" ]; do
			"$HULL" --root "$HULL_ROOT" list >/dev/null 2>>"$BATS_TEST_TMPDIR/list-errors" || echo "list failed" >>"$BATS_TEST_TMPDIR/list-errors"
			for id in $("$HULL" --root "$HULL_ROOT" list -q 2>/dev/null); do
				# A container may be deleted between list and state: the one expected error.
				"$HULL" --root "$HULL_ROOT" state "$id" >/dev/null 2>"$BATS_TEST_TMPDIR/state-err" ||
					grep -q 'container does not exist' "$BATS_TEST_TMPDIR/state-err" ||
					cat "$BATS_TEST_TMPDIR/state-err" >>"$BATS_TEST_TMPDIR/list-errors"
			done
		done
	}
	: >"$BATS_TEST_TMPDIR/errors"
	: >"$BATS_TEST_TMPDIR/list-errors"
	watcher &
	local w=$!
	client 1 & local c1=$!
	client 2 & local c2=$!
	client 3 & local c3=$!
	client 4 & local c4=$!
	wait $c1 $c2 $c3 $c4
	touch "$BATS_TEST_TMPDIR/done"
	wait $w
	cat "$BATS_TEST_TMPDIR/errors" "$BATS_TEST_TMPDIR/list-errors"
	[ ! -s "$BATS_TEST_TMPDIR/errors" ]
	[ ! -s "$BATS_TEST_TMPDIR/list-errors" ]
	assert_nothing_left
}
