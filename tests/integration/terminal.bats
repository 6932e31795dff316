#!/usr/bin/env bats
# terminal.bats - process.terminal: the pty from the container's own devpts, sent over
# --console-socket (tests/lib/recvtty.c receives it), hull's own relay in the foreground
# (raw mode, resize, signals, exit status; driven under script(1)), runc's errors.

load lifecycle-common

setup_file() {
	lc_setup_file tty
}

# start_recvtty SOCK OUT [recvtty options]: a daemonized receiver, listening on return.
start_recvtty() {
	need_recvtty
	local sock=$1 out=$2
	shift 2
	"$RECVTTY" -d "$@" -o "$out" "$sock" >/dev/null
}

@test "console socket: the pty master arrives; the workload has a tty from its devpts and /dev/console" {
	local sock=$BATS_TEST_TMPDIR/tty.sock out=$BATS_TEST_TMPDIR/tty.out id
	id=$(hull_id cs)
	start_recvtty "$sock" "$out"
	update_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
	set_args sh -c 'tty; stty size; stat -c "%F %t" /dev/console; test -t 0 && test -t 1 && test -t 2 && echo all-tty; echo done'
	hc create --console-socket "$sock" "$id" </dev/null >/dev/null
	hc start "$id"
	wait_for_status "$id" stopped
	for _ in $(seq 50); do grep -q done "$out" && break; sleep 0.1; done
	tr -d '\r\000' <"$out" >"$out.txt"
	[ "$(sed -n 1p "$out.txt")" = /dev/pts/0 ] # the container's own devpts: its first pty
	[ "$(sed -n 2p "$out.txt")" = "30 100" ]
	[ "$(sed -n 3p "$out.txt")" = "character special file 88" ] # 136 = 0x88: a pty slave
	[ "$(sed -n 4p "$out.txt")" = all-tty ]
	grep -q $'\r' "$out" # the line discipline at work
	[ "$(cat "$out.name")" = "name /dev/ptmx" ]
}

@test "console socket with run -d: input reaches the workload" {
	local sock=$BATS_TEST_TMPDIR/tty2.sock out=$BATS_TEST_TMPDIR/tty2.out id
	id=$(hull_id csin)
	start_recvtty "$sock" "$out" -i hello-input
	update_config '.process.terminal = true'
	set_args sh -c 'read x; echo "got=$x"'
	hc run -d --console-socket "$sock" "$id" </dev/null >/dev/null
	wait_for_status "$id" stopped
	for _ in $(seq 50); do grep -q got= "$out" && break; sleep 0.1; done
	grep -q "got=hello-input" "$out"
}

@test "a non-root workload owns its pty" {
	local sock=$BATS_TEST_TMPDIR/tty3.sock out=$BATS_TEST_TMPDIR/tty3.out id
	id=$(hull_id csuser)
	start_recvtty "$sock" "$out"
	update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'stat -c "%u:%g" "$(tty)"; echo reopened >"$(tty)"'
	hc run -d --console-socket "$sock" "$id" </dev/null >/dev/null
	wait_for_status "$id" stopped
	for _ in $(seq 50); do grep -q reopened "$out" && break; sleep 0.1; done
	# the group is devpts' gid= (tty, 5), not the process's group: runc does the same
	[ "$(head -n1 "$out" | tr -d '\r')" = 1000:5 ]
	grep -q reopened "$out"
}

@test "an exec'd process's pty: its uid, the devpts gid= group (runc's tty owner)" {
	local sock=$BATS_TEST_TMPDIR/tty4.sock out=$BATS_TEST_TMPDIR/tty4.out id
	id=$(hull_id csexec)
	start_recvtty "$sock" "$out"
	update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 100}'
	set_args sleep 100
	hc run -d --console-socket "$sock" "$id" </dev/null >/dev/null
	run hc exec -t "$id" sh -c 'stat -c "%u:%g" "$(tty)"'
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	hc delete "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d '\r')" = 1000:5 ]
}

@test "runc's errors for terminal/console-socket/detach combinations, no debris" {
	update_config '.process.terminal = true'
	hrunf hc run -d "$(hull_id e1)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	hrunf hc create "$(hull_id e2)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	# a socket, but run stays in the foreground
	hrunf hc run --console-socket "$BATS_TEST_TMPDIR/x.sock" "$(hull_id e3)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	update_config '.process.terminal = false'
	hrunf hc create --console-socket "$BATS_TEST_TMPDIR/x.sock" "$(hull_id e4)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	check_no_debris
}

@test "console socket nobody listens on: create fails cleanly" {
	update_config '.process.terminal = true'
	hrunf hc create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$(hull_id nosock)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"console socket"* ]]
	check_no_debris
}

@test "foreground run relays the tty itself (under script): input, output, size, exit status" {
	need_cmd script
	local id
	id=$(hull_id relay)
	update_config '.process.terminal = true'
	set_args sh -c 'tty; stty size; read x; echo "got=$x"; exit 5'
	local rc=0
	(sleep 1; echo typed-line) | timeout 30 script -qec \
		"stty cols 120 rows 40; cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$id'" /dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	tr -d '\r\000' <"$BATS_TEST_TMPDIR/out" | sed 's/\^@//g' >"$BATS_TEST_TMPDIR/out.txt"
	cat "$BATS_TEST_TMPDIR/out.txt"
	[ "$rc" -eq 5 ]
	grep -qx /dev/pts/0 "$BATS_TEST_TMPDIR/out.txt"
	grep -qx "40 120" "$BATS_TEST_TMPDIR/out.txt"
	grep -qx "got=typed-line" "$BATS_TEST_TMPDIR/out.txt"
	check_no_debris
}

@test "foreground tty relay: a resize reaches the container (SIGWINCH)" {
	need_cmd script
	local id
	id=$(hull_id winch)
	update_config '.process.terminal = true'
	set_args sh -c 'stty size; sleep 2; stty size'
	local rc=0
	timeout 30 script -qec "stty cols 120 rows 40; (sleep 1; stty cols 90 rows 20 </dev/tty) & cd '$BUNDLE' && exec '$HULL' --root '$HULL_ROOT' run '$id'" \
		/dev/null </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	tr -d '\r\000' <"$BATS_TEST_TMPDIR/out" | sed 's/\^@//g' >"$BATS_TEST_TMPDIR/out.txt"
	cat "$BATS_TEST_TMPDIR/out.txt"
	[ "$rc" -eq 0 ]
	[ "$(grep -E '^[0-9]+ [0-9]+$' "$BATS_TEST_TMPDIR/out.txt" | tr '\n' ' ')" = "40 120 20 90 " ]
}

@test "foreground tty relay: killed by signal gives 128+N, and the terminal is restored" {
	need_cmd script
	local id
	id=$(hull_id ttykill)
	update_config '.process.terminal = true'
	set_args sleep 100
	local rc=0
	(
		for _ in $(seq 100); do [ "$(state_field "$id" status)" = running ] && break; sleep 0.05; done
		"$HULL" --root "$HULL_ROOT" kill "$id" KILL
	) 3>&- &
	timeout 30 script -qec "cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$id'; echo rc=\$?; stty -a | grep -o -- '-\\?icanon' | head -n1" \
		/dev/null </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	wait
	tr -d '\r\000' <"$BATS_TEST_TMPDIR/out" | sed 's/\^@//g' >"$BATS_TEST_TMPDIR/out.txt"
	cat "$BATS_TEST_TMPDIR/out.txt"
	grep -qx rc=137 "$BATS_TEST_TMPDIR/out.txt"
	grep -qx icanon "$BATS_TEST_TMPDIR/out.txt" # raw mode undone
	check_no_debris
}
