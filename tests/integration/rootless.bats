#!/usr/bin/env bats
# rootless.bats - hull run by an unprivileged user (nobody) with `hull spec --rootless`'s
# config: a user namespace mapping the caller, binds made inside it.

load rootfs-common

NOBODY=65534

# as_nobody CMD...: run CMD as nobody:nogroup, with XDG_RUNTIME_DIR in the test's dir.
as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups env HOME=/ XDG_RUNTIME_DIR="$RL_RUN" "$@"
}

setup() {
	hull_setup
	need_cmd setpriv
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups unshare -U true 2>/dev/null ||
		skip "unprivileged user namespaces are disabled on this host"
	make_bundle_traversable
	chmod a+rx "$HULL"
	RL_RUN=$BATS_TEST_TMPDIR/run
	mkdir -p "$RL_RUN"
	chown -R $NOBODY:$NOBODY "$BUNDLE" "$RL_RUN"
	rm "$BUNDLE/config.json"
	(cd "$BUNDLE" && as_nobody "$HULL" spec --rootless)
	update_config '.process.terminal = false'
}

# rl_run: `hull run rl` of $BUNDLE as nobody (update_config leaves a root-owned 0600 file).
rl_run() {
	chown $NOBODY:$NOBODY "$BUNDLE/config.json"
	as_nobody sh -c "cd '$BUNDLE' && '$HULL' --root '$RL_RUN/root' run rl"
}

teardown() {
	as_nobody "$HULL" --root "$RL_RUN/root" delete -f rl >/dev/null 2>&1 || true
}

@test "rootless: runc's rootless spec runs, /sys bound from the host inside the user namespace" {
	set_args sh -c 'id -u; test -d /sys/kernel && echo sys-bound; cat /etc/hostname'
	run rl_run
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = sys-bound ]
	[ "${lines[2]}" = hull-test ]
	# nothing of the container is left in its state root
	[ -z "$(ls -A "$RL_RUN/root" 2>/dev/null)" ]
}

@test "rootless: a bind of a directory the caller owns" {
	mkdir -p "$BATS_TEST_TMPDIR/data" && echo hello >"$BATS_TEST_TMPDIR/data/f"
	chown -R $NOBODY:$NOBODY "$BATS_TEST_TMPDIR/data"
	chmod a+x "$BATS_TEST_TMPDIR"
	add_mount "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/data\",\"options\":[\"rbind\",\"ro\"]}"
	set_args sh -c 'cat /data/f; touch /data/g 2>/dev/null && echo writable || echo read-only'
	run rl_run
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = read-only ] || { echo "$output"; return 1; }
}
