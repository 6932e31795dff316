#!/usr/bin/env bats
# lifecycle.bats - create, start, run, kill, delete, state, list: every flag, runc's error
# messages, exit codes, the state JSON, namespaces, environment hand-offs, and the
# no-debris guarantee after failed creates. (Terminals: terminal.bats.)

load lifecycle-common

setup_file() {
	lc_setup_file lc
}

# ---- create / start / state ----------------------------------------------------------

@test "create blocks the init until start; statuses created -> running -> stopped" {
	local id
	id=$(hull_id basic)
	set_args sh -c 'echo started; sleep 100'
	hrunf hc create "$id"
	[ "$status" -eq 0 ]
	[ -z "$output" ] # nothing on stdout (or stderr) on success
	[ "$(state_field "$id" status)" = created ]
	local pid
	pid=$(state_field "$id" pid)
	[ "$pid" -gt 0 ]
	kill -0 "$pid"
	# still blocked: the workload has not run
	refute grep -q started "/proc/$pid/cmdline"
	run hc start "$id"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	wait_for_status "$id" running
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	[ "$(state_field "$id" pid)" = 0 ]
	hc delete "$id"
	check_no_debris
}

@test "create inherits hull's stdio; --bundle/-b from another directory" {
	local id out=$BATS_TEST_TMPDIR/out
	id=$(hull_id stdio)
	set_args sh -c 'echo to-stdout; echo to-stderr >&2'
	(cd / && "$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" "$id") >"$out" 2>&1 </dev/null
	[ ! -s "$out" ]
	(cd / && "$HULL" --root "$HULL_ROOT" start "$id")
	wait_for_status "$id" stopped
	grep -qx to-stdout "$out"
	grep -qx to-stderr "$out"
	[ "$(state_field "$id" bundle)" = "$BUNDLE" ]
	(cd / && "$HULL" --root "$HULL_ROOT" create --bundle "$BUNDLE" "$id-2") </dev/null >/dev/null 2>&1
	[ "$(state_field "$id-2" bundle)" = "$BUNDLE" ]
}

@test "state JSON: runc's layout, no trailing newline, pid 0 when stopped, owner empty" {
	local id
	id=$(hull_id state)
	set_args sleep 100
	hc create "$id"
	hc state "$id" >"$BATS_TEST_TMPDIR/s.json"
	# no trailing newline
	[ "$(tail -c1 "$BATS_TEST_TMPDIR/s.json" | od -An -c | tr -d ' ')" = "}" ]
	run jq -c 'keys_unsorted' "$BATS_TEST_TMPDIR/s.json"
	[ "$output" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/s.json")" = "  \"ociVersion\": \"$(jq -r .ociVersion "$BATS_TEST_TMPDIR/s.json")\"," ]
	[ "$(jq -r .owner "$BATS_TEST_TMPDIR/s.json")" = "" ]
	[ "$(jq -r .rootfs "$BATS_TEST_TMPDIR/s.json")" = "$BUNDLE/rootfs" ]
	[[ "$(jq -r .created "$BATS_TEST_TMPDIR/s.json")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	[ "$(state_field "$id" pid)" = 0 ]
}

@test "state JSON: annotations only when present, same structure as runc's" {
	local id
	id=$(hull_id annot)
	update_config '.annotations = {"org.example.a":"1","b":"two"}'
	set_args sleep 100
	hc create "$id"
	run hc state "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c 'keys_unsorted')" = '["ociVersion","id","pid","status","bundle","rootfs","created","annotations","owner"]' ]
	[ "$(echo "$output" | jq -c .annotations)" = '{"b":"two","org.example.a":"1"}' ] # sorted, as Go encodes maps
	local hull_state=$output
	[ -x /usr/sbin/runc ] || command -v runc >/dev/null || return 0
	# runc on the same bundle: the same keys in the same order, the same layout
	local rroot=$BATS_TEST_TMPDIR/runc-root rid
	rid=$(hull_id runcref)
	(cd "$BUNDLE" && runc --root "$rroot" create "$rid") </dev/null >/dev/null 2>&1 || return 0
	local runc_state
	runc_state=$(runc --root "$rroot" state "$rid")
	runc --root "$rroot" delete -f "$rid"
	[ "$(echo "$runc_state" | jq -c 'keys_unsorted')" = "$(echo "$hull_state" | jq -c 'keys_unsorted')" ]
	# line by line, with the values blanked, the two are identical
	diff <(echo "$runc_state" | sed 's/: .*/:/') <(echo "$hull_state" | sed 's/: .*/:/')
}

@test "pid file: decimal, no trailing newline, relative path against the caller's cwd" {
	local id
	id=$(hull_id pidfile)
	set_args sleep 100
	mkdir "$BATS_TEST_TMPDIR/wd"
	(cd "$BATS_TEST_TMPDIR/wd" && "$HULL" --root "$HULL_ROOT" create -b "$BUNDLE" --pid-file rel.pid "$id")
	local f=$BATS_TEST_TMPDIR/wd/rel.pid
	[ -f "$f" ]
	[ "$(cat "$f")" = "$(state_field "$id" pid)" ]
	[ "$(wc -l <"$f")" = 0 ] # no newline at all
	grep -Eq '^[0-9]+$' "$f"
	# run -d writes it too
	hc run -d --pid-file "$BATS_TEST_TMPDIR/abs.pid" "$id-run" </dev/null >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/abs.pid")" = "$(state_field "$id-run" pid)" ]
}

@test "start: runc's errors for a running and a stopped container" {
	local id
	id=$(hull_id start2)
	set_args sleep 100
	hc create "$id"
	hc start "$id"
	run hc start "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start an already running container"* ]]
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	run hc start "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
}

@test "invalid container ID format, nothing created" {
	local bad
	for bad in 'a/b' '..' '.' 'a b' 'x:y' "a$(printf '\001')"; do
		hrunf hc create "$bad"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid container ID format"* ]]
	done
	# the characters runc allows
	set_args true
	hrunf hc create "ok_+.-A9-$$"
	[ "$status" -eq 0 ]
	hc delete "ok_+.-A9-$$"
	check_no_debris
}

@test "a duplicate id: container with given ID already exists, the first one untouched" {
	local id
	id=$(hull_id dup)
	set_args sleep 100
	hc create "$id"
	local pid
	pid=$(state_field "$id" pid)
	debris_snapshot
	hrunf hc create "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with given ID already exists"* ]]
	run hc run "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with given ID already exists"* ]]
	[ "$(state_field "$id" status)" = created ]
	[ "$(state_field "$id" pid)" = "$pid" ]
	check_no_debris
}

@test "two creates of one id at the same time: exactly one wins" {
	local id
	id=$(hull_id race)
	set_args sleep 100
	hc create "$id" 2>"$BATS_TEST_TMPDIR/e1" &
	local p1=$!
	hc create "$id" 2>"$BATS_TEST_TMPDIR/e2" &
	local p2=$!
	local r1=0 r2=0
	wait $p1 || r1=$?
	wait $p2 || r2=$?
	[ $((r1 == 0 ? 1 : 0)) -ne $((r2 == 0 ? 1 : 0)) ]
	cat "$BATS_TEST_TMPDIR/e1" "$BATS_TEST_TMPDIR/e2" | grep -q "container with given ID already exists"
	[ "$(state_field "$id" status)" = created ]
}

@test "container does not exist: state, start, kill, delete (delete -f succeeds)" {
	local id
	id=$(hull_id missing)
	local cmd
	for cmd in state start kill delete; do
		run hc "$cmd" "$id"
		[ "$status" -eq 1 ]
		[[ "$output" == *"container does not exist"* ]]
	done
	run hc delete -f "$id"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run hc delete --force "$id"
	[ "$status" -eq 0 ]
}

@test "a missing executable: exec: \"nosuch\": executable file not found in \$PATH, exit 1, no debris" {
	set_args nosuch
	hrunf hc create "$(hull_id nosuch)"
	[ "$status" -eq 1 ]
	# (the log line quotes it as msg="exec: \"nosuch\": ...", like runc's)
	[[ "$output" == *'exec: \"nosuch\": executable file not found in $PATH'* ]]
	# said once, by hull (the init does not repeat it)
	[ "$(grep -c 'executable file not found' <<<"$output")" = 1 ]
	check_no_debris
	run hc run "$(hull_id nosuch2)"
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: \"nosuch\": executable file not found in $PATH'* ]]
	# with --log-format json the message is the plain text
	run hc --log-format json run "$(hull_id nosuch3)"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | jq -r .msg)" = 'exec: "nosuch": executable file not found in $PATH' ]
	check_no_debris
}

# ---- run -------------------------------------------------------------------------------

@test "run: foreground returns the workload's exit status and deletes the container" {
	local id
	id=$(hull_id status)
	set_args sh -c 'echo out; exit 7'
	run hc run "$id"
	[ "$status" -eq 7 ]
	[ "$output" = out ]
	run hc state "$id"
	[ "$status" -eq 1 ]
	check_no_debris
}

@test "run --keep: the stopped container stays until delete" {
	local id
	id=$(hull_id keep)
	set_args sh -c 'exit 3'
	run hc run --keep "$id"
	[ "$status" -eq 3 ]
	[ "$(state_field "$id" status)" = stopped ]
	hc delete "$id"
	check_no_debris
}

@test "run: a workload killed by signal N gives 128+N" {
	local id
	id=$(hull_id sig)
	set_args sleep 100
	(cd "$BUNDLE" && exec "$HULL" --root "$HULL_ROOT" run "$id") >/dev/null 2>&1 3>&- &
	local hpid=$!
	wait_for_status "$id" running
	hc kill "$id" KILL
	local rc=0
	wait "$hpid" || rc=$?
	[ "$rc" -eq 137 ]
	check_no_debris
}

@test "run: signals sent to hull are forwarded to the container" {
	local id
	id=$(hull_id fwd)
	# pid 1 of a pid namespace only gets signals it handles: trap them
	set_args sh -c 'trap "echo got-term; exit 42" TERM; echo ready; sleep 100 & wait'
	(cd "$BUNDLE" && exec "$HULL" --root "$HULL_ROOT" run "$id") >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local hpid=$!
	wait_for_status "$id" running
	for _ in $(seq 50); do grep -q ready "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	kill -TERM "$hpid"
	local rc=0
	wait "$hpid" || rc=$?
	[ "$rc" -eq 42 ]
	grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "run -d returns at once with the container running; --no-subreaper, --no-pivot run" {
	local id
	id=$(hull_id detach)
	set_args sleep 100
	hrunf hc run -d "$id"
	[ "$status" -eq 0 ]
	[ "$(state_field "$id" status)" = running ]
	hc delete -f "$id"
	set_args sh -c 'echo pivot-less'
	run hc run --no-pivot --no-subreaper "$id-np"
	[ "$status" -eq 0 ]
	[ "$output" = pivot-less ]
	check_no_debris
}

@test "run --config FILE (crun's flag) uses that config instead of the bundle's" {
	local id
	id=$(hull_id cfg)
	set_args sh -c 'echo from-bundle'
	jq '.process.args = ["sh","-c","echo from-file"]' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/other.json"
	run hc run --config "$BATS_TEST_TMPDIR/other.json" "$id"
	[ "$status" -eq 0 ]
	[ "$output" = from-file ]
	run hc run -f "$BATS_TEST_TMPDIR/other.json" "$id-f"
	[ "$output" = from-file ]
	# create takes it too, as crun's does (issue 17)
	# (the created init keeps its stdio until start: not bats's pipe)
	jq '.annotations.from = "file"' "$BATS_TEST_TMPDIR/other.json" >"$BATS_TEST_TMPDIR/other2.json"
	hc create --config "$BATS_TEST_TMPDIR/other2.json" "$id-c" </dev/null >/dev/null 2>&1
	[ "$(hc state "$id-c" | jq -r .annotations.from)" = file ]
	hc delete -f "$id-c"
	hc create -f "$BATS_TEST_TMPDIR/other2.json" "$id-cf" </dev/null >/dev/null 2>&1
	[ "$(hc state "$id-cf" | jq -r .annotations.from)" = file ]
	hc delete -f "$id-cf"
}

# ---- kill / delete -------------------------------------------------------------------

@test "kill: signal as 9, KILL, SIGKILL, kill, sigkill; default SIGTERM; unknown refused" {
	local id form
	set_args sleep 100
	for form in 9 KILL SIGKILL kill sigkill; do
		id=$(hull_id "k$form")
		hc run -d "$id"
		run hc kill "$id" "$form"
		[ "$status" -eq 0 ]
		wait_for_status "$id" stopped
		hc delete "$id"
	done
	# default SIGTERM, trapped by the workload
	id=$(hull_id kterm)
	set_args sh -c 'trap "exit 0" TERM; echo trap-set; sleep 100 & wait'
	hc run -d "$id" >"$BATS_TEST_TMPDIR/kterm.out" 2>&1 </dev/null
	wait_file "$BATS_TEST_TMPDIR/kterm.out"
	hc kill "$id"
	wait_for_status "$id" stopped
	run hc kill "$id" NOSUCHSIG
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown signal"* ]]
}

@test "kill: container not running" {
	local id
	id=$(hull_id knr)
	set_args true
	hc run -d "$id"
	wait_for_status "$id" stopped
	run hc kill "$id" KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
}

@test "kill --all / -a signals every process of the container" {
	local id
	id=$(hull_id kall)
	# no pid namespace: killing the init alone would leave the others running
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 101 & sleep 102 & wait'
	hc run -d "$id"
	local pids i
	for ((i = 0; i < 100; i++)); do
		# ours only (others may run this suite at the same time): by cgroup
		pids=$(for p in $(pgrep -f "^sleep 10[12]$"); do grep -qF "/$id" "/proc/$p/cgroup" 2>/dev/null && echo "$p"; done; true)
		[ "$(echo "$pids" | wc -w)" -ge 2 ] && break
		sleep 0.05
	done
	[ "$(echo "$pids" | wc -w)" -ge 2 ]
	hc kill --all "$id" KILL
	wait_for_status "$id" stopped
	local p
	for p in $pids; do wait_gone "$p" 5; done
	hc delete "$id"
	id=$(hull_id kall2)
	hc run -d "$id"
	hc kill -a "$id" 9
	wait_for_status "$id" stopped
	# signal 0 (runc's kill.bats): only checks; after the stop it still succeeds with -a
	hc kill -a "$id" 0
	hc delete "$id"
	id=$(hull_id kzero)
	hc run -d "$id"
	hc kill "$id" 0
	[ "$(hc state "$id" | jq -r .status)" = running ]
	hc kill "$id" KILL
	wait_for_status "$id" stopped
	hc delete "$id"
}

@test "delete: created is killed and removed; running refused unless --force" {
	local id
	id=$(hull_id del)
	set_args sleep 100
	hc create "$id"
	local pid
	pid=$(state_field "$id" pid)
	run hc delete "$id"
	[ "$status" -eq 0 ]
	wait_gone "$pid" 5
	run hc state "$id"
	[ "$status" -eq 1 ]
	hc run -d "$id"
	run hc delete "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container $id that is not stopped: running"* ]]
	[ "$(state_field "$id" status)" = running ]
	run hc delete --force "$id"
	[ "$status" -eq 0 ]
	run hc state "$id"
	[ "$status" -eq 1 ]
	check_no_debris
}

# ---- list ------------------------------------------------------------------------------

@test "list: table, json, quiet; json null when empty" {
	local empty=$BATS_TEST_TMPDIR/empty-root
	run "$HULL" --root "$empty" list --format json
	[ "$status" -eq 0 ]
	[ "$output" = null ]
	run "$HULL" --root "$empty" list
	[ "$output" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
	run "$HULL" --root "$empty" list -q
	[ -z "$output" ]
	local r=$BATS_TEST_TMPDIR/list-root
	set_args sleep 100
	(cd "$BUNDLE" && "$HULL" --root "$r" create a1 && "$HULL" --root "$r" run -d b2)
	run "$HULL" --root "$r" list -q
	[ "$output" = "$(printf 'a1\nb2')" ]
	run "$HULL" --root "$r" list -f json
	[ "$(echo "$output" | jq -r '.[].id' | tr '\n' ' ')" = "a1 b2 " ]
	[ "$(echo "$output" | jq -r '.[1].status')" = running ]
	[ "$(echo "$output" | jq -r '.[0].owner')" = root ]
	[ "$(echo "$output" | jq -c '.[0] | keys_unsorted')" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
	run "$HULL" --root "$r" list
	[[ "${lines[0]}" == "ID          PID         STATUS      BUNDLE"* ]]
	[[ "${lines[1]}" == "a1 "*" created "*" $BUNDLE "*" root" ]]
	[[ "${lines[2]}" == "b2 "*" running "* ]]
	# columns line up (tabwriter)
	[ "$(echo "${lines[0]}" | grep -bo STATUS | cut -d: -f1)" = "$(echo "${lines[1]}" | grep -bo created | cut -d: -f1)" ]
	run "$HULL" --root "$r" list --format yaml
	[ "$status" -ne 0 ]
	"$HULL" --root "$r" delete -f a1
	"$HULL" --root "$r" delete -f b2
	rmdir "$r"
}

# ---- environment hand-offs -------------------------------------------------------------

@test "LISTEN_FDS/LISTEN_PID: socket activation fds reach the container as 3.. with LISTEN_FDS" {
	echo listened >"$BATS_TEST_TMPDIR/f3"
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; test -e /proc/self/fd/4 && echo fd4-leaked || echo no-fd4'
	run sh -c 'cd "$1" && LISTEN_PID=$$ LISTEN_FDS=1 exec "$2" --root "$3" run "$4" 3<"$5" 4</dev/null' sh \
		"$BUNDLE" "$HULL" "$HULL_ROOT" "$(hull_id listen)" "$BATS_TEST_TMPDIR/f3"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1 1" ]
	[ "${lines[1]}" = listened ]
	[ "${lines[2]}" = no-fd4 ]
	# LISTEN_PID naming another process: ignored
	run sh -c 'cd "$1" && LISTEN_PID=1 LISTEN_FDS=1 exec "$2" --root "$3" run "$4" 3<"$5"' sh \
		"$BUNDLE" "$HULL" "$HULL_ROOT" "$(hull_id listen2)" "$BATS_TEST_TMPDIR/f3"
	[ "${lines[0]}" = " " ]
}

@test "--preserve-fds N passes fds 3..3+N-1, nothing else" {
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	set_args sh -c 'cat <&3; cat <&4; test -e /proc/self/fd/5 && echo fd5-leaked || echo no-fd5'
	run hc run --preserve-fds 2 "$(hull_id pfds)" 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5</dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'three\nfour\nno-fd5')" ]
	set_args sh -c 'test -e /proc/self/fd/3 && echo fd3-leaked || echo no-fd3'
	run hc run "$(hull_id nopfds)" 3<"$BATS_TEST_TMPDIR/f3"
	[ "$output" = no-fd3 ]
	run hc run --preserve-fds 5 "$(hull_id badpfds)" 3<"$BATS_TEST_TMPDIR/f3"
	[ "$status" -ne 0 ]
	[[ "$output" == *"preserved-fd"* ]]
	check_no_debris
}

@test "a new session keyring _ses.<id>, or the caller's with --no-new-keyring" {
	install_helper
	set_args hullhelper -k
	local id
	id=$(hull_id keys)
	run hc run "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == "keyring;"*";_ses.$id" ]]
	run hc run --no-new-keyring "$id-nk"
	[ "$status" -eq 0 ]
	[[ "$output" == "keyring;"* ]]
	[[ "$output" != *"_ses.$id-nk" ]]
}

# A host whose kernel or LSM refuses session keyrings with EPERM: hull (like a container
# manager under such a policy) runs under a seccomp filter answering keyctl with EPERM.
# The init carried on without a keyring; exec must carry on the same way (it used to fail
# with "join a new session keyring: Operation not permitted": process/child.c).
@test "a host refusing session keyrings (EPERM): create, start and exec carry on" {
	command -v gcc >/dev/null || skip "needs gcc"
	[ -e /usr/include/seccomp.h ] || skip "needs libseccomp-dev"
	cat >"$BATS_TEST_TMPDIR/nokeyring.c" <<'C'
#include <errno.h>
#include <seccomp.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(keyctl), 0) < 0 || seccomp_load(ctx) < 0)
		return 125;
	execv(argv[1], argv + 1);
	return 126;
}
C
	gcc -o "$BATS_TEST_TMPDIR/nokeyring" "$BATS_TEST_TMPDIR/nokeyring.c" -lseccomp
	local id nk=$BATS_TEST_TMPDIR/nokeyring
	id=$(hull_id nokeys)
	set_args sleep 100
	(cd "$BUNDLE" && "$nk" "$HULL" --root "$HULL_ROOT" create "$id" </dev/null)
	"$nk" "$HULL" --root "$HULL_ROOT" start "$id"
	run "$nk" "$HULL" --root "$HULL_ROOT" exec "$id" echo exec-ran
	[ "$status" -eq 0 ]
	[ "$output" = exec-ran ]
	hc delete -f "$id"
	check_no_debris
}

# sd_notify receiver: prints each datagram on its own line until BARRIER=1
notify_receiver() {
	python3 - "$1" "$2" <<'PY' &
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(4))
            for _, _, data in anc:
                fds = array.array("i")
                fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
                for fd in fds:
                    os.close(fd)  # the barrier pipe: closing it acknowledges
            out.write(msg.decode().rstrip("\n") + "\n")
            out.flush()
            if msg.startswith(b"BARRIER=1"):
                break
    except socket.timeout:
        out.write("timeout\n")
PY
	local i
	for ((i = 0; i < 100; i++)); do [ -S "$1" ] && return 0; sleep 0.05; done
	return 1
}

@test "NOTIFY_SOCKET: READY=1 from the workload reaches the host socket (run -d)" {
	need_cmd python3
	install_helper
	local sock=$BATS_TEST_TMPDIR/notify.sock out=$BATS_TEST_TMPDIR/notify.out id
	id=$(hull_id notify)
	notify_receiver "$sock" "$out"
	set_args sh -c 'echo "$NOTIFY_SOCKET"; test -S "$NOTIFY_SOCKET" && echo is-socket; sleep 0.2; hullhelper -n READY=1; sleep 100'
	NOTIFY_SOCKET=$sock hc run -d "$id" >"$BATS_TEST_TMPDIR/stdout" </dev/null
	# run -d waited for READY: the message is there already
	wait_file "$out" 5
	[ "$(sed -n 1p "$out")" = READY=1 ]
	[ "$(sed -n 2p "$out")" = "MAINPID=$(state_field "$id" pid)" ]
	[ "$(sed -n 3p "$out")" = BARRIER=1 ]
	grep -qx /run/notify/notify.sock "$BATS_TEST_TMPDIR/stdout"
	grep -qx is-socket "$BATS_TEST_TMPDIR/stdout"
	[ -S "$HULL_ROOT/$id/notify/notify.sock" ]
	hc delete -f "$id"
	wait
}

@test "NOTIFY_SOCKET: create + start; start waits for READY" {
	need_cmd python3
	install_helper
	local sock=$BATS_TEST_TMPDIR/notify2.sock out=$BATS_TEST_TMPDIR/notify2.out id
	id=$(hull_id notify2)
	notify_receiver "$sock" "$out"
	update_config '.process.args = ["sh", "-c", "sleep 0.5; hullhelper -n \"READY=1\nSTATUS=fine\"; sleep 100"]'
	NOTIFY_SOCKET=$sock hc create "$id"
	[ -d "$HULL_ROOT/$id/notify" ]
	local t0 t1
	t0=$(date +%s%N)
	NOTIFY_SOCKET=$sock hc start "$id"
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -ge 400 ]
	[ "$(sed -n 1p "$out")" = READY=1 ]
	[ "$(sed -n 2p "$out")" = "MAINPID=$(state_field "$id" pid)" ]
	wait
	# a workload that exits without READY does not hang start
	local id2
	id2=$(hull_id notify3)
	set_args true
	NOTIFY_SOCKET=$sock hc create "$id2"
	timeout 10 env NOTIFY_SOCKET="$sock" "$HULL" --root "$HULL_ROOT" start "$id2"
}

@test "--pidfd-socket: a pidfd of the init is sent, and it works" {
	need_recvtty
	local sock=$BATS_TEST_TMPDIR/pidfd.sock out=$BATS_TEST_TMPDIR/pidfd.out id
	id=$(hull_id pidfd)
	set_args sleep 100
	"$RECVTTY" -d -m pidfd -o "$out" "$sock" >/dev/null
	hc run -d --pidfd-socket "$sock" "$id"
	wait_file "$out.name" 5
	[ "$(cat "$out")" = "pid $(state_field "$id" pid)" ]
	[ "$(cat "$out.name")" = "name pidfd" ]
	# the receiver signals through the pidfd: SIGKILL stops the created container
	"$RECVTTY" -d -m pidfd -s 9 -o "$out" "$sock" >/dev/null
	hc create --pidfd-socket "$sock" "$id-kill"
	wait_for_status "$id-kill" stopped
	hc delete -f "$id"
	hc delete -f "$id-kill"
	# nobody listening: create fails cleanly
	debris_snapshot
	hrunf hc create --pidfd-socket "$BATS_TEST_TMPDIR/nobody.sock" "$id-none"
	[ "$status" -eq 1 ]
	[[ "$output" == *"pidfd socket"* ]]
	check_no_debris
}

# ---- namespaces ------------------------------------------------------------------------

@test "user namespace with uid/gid mappings" {
	update_config '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":300000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":300000,"size":65536}]'
	make_bundle_traversable
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; sleep 100'
	local id
	id=$(hull_id userns)
	hrunf hc run -d "$id"
	[ "$status" -eq 0 ] || skip "user namespace containers do not run here: $output"
	local pid
	pid=$(state_field "$id" pid)
	# seen from the host: the init runs as the mapped uid
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 300000 ]
	[ "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")" = "0 300000 65536" ]
	[ "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")" = "0 300000 65536" ]
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	hc delete -f "$id"
	set_args id -u
	run hc run "$id-fg"
	[ "$output" = 0 ]
}

@test "joining an existing network namespace by path" {
	need_cmd unshare
	local d=$BATS_TEST_TMPDIR/ns id
	mkdir -p "$d"
	id=$(hull_id netns)
	set_args sh -c 'readlink /proc/self/ns/net'
	# a private mount namespace holds the netns bind mount: it goes away with it
	run unshare -m --propagation private sh -c '
		set -e
		mount -t tmpfs tmpfs "$1"
		touch "$1/net"
		unshare --net="$1/net" true
		ino=$(stat -L -c %i "$1/net")
		jq ".linux.namespaces |= map(if .type == \"network\" then .path = \"$1/net\" else . end)" \
			"$2/config.json" >"$2/config.json.new" && mv "$2/config.json.new" "$2/config.json"
		inside=$(cd "$2" && "$3" --root "$4" run "$5")
		echo "want net:[$ino] got $inside"
		[ "$inside" = "net:[$ino]" ]
		umount "$1/net"
		umount "$1"
	' sh "$d" "$BUNDLE" "$HULL" "$HULL_ROOT" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	check_no_debris
}

@test "a namespace joined by path and the host pid namespace (hostPID pod): create knows the init" {
	# containerd's hostPID pod sandbox: the pod's netns by path, no pid namespace entry.
	local id out=$BATS_TEST_TMPDIR/hook.pid
	id=$(hull_id hostpid)
	set_args sleep 100
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)
		| .hooks.createRuntime = [{"path":"/bin/sh","args":["sh","-c","jq -r .pid >\"$1\"","sh",$out]}]' \
		--arg out "$out"
	hc create --pid-file "$BATS_TEST_TMPDIR/pid" "$id" </dev/null >/dev/null
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	echo "pid file: $pid, state: $(hull state "$id")"
	[ "$pid" -gt 0 ]
	[ "$(state_field "$id" pid)" = "$pid" ]
	[ "$(state_field "$id" status)" = created ]
	[ "$(cat "$out")" = "$pid" ] # the hooks' state names it too
	hc start "$id"
	wait_for_status "$id" running
	# the workload is that pid, in the host's pid namespace
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink /proc/self/ns/pid)" ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
	hc delete -f "$id"
	# killed: gone, or a zombie until whoever inherited it reaps it
	local st
	st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || st=gone
	[[ "$st" == gone || "$st" == Z ]]
}

@test "a join path that is not a namespace of that type fails cleanly" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
	set_args true
	run hc run "$(hull_id badjoin)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"network"* ]]
	check_no_debris
}

# ---- no debris after failures ----------------------------------------------------------

@test "no debris: bad arguments" {
	hrunf hc create
	[ "$status" -ne 0 ]
	hrunf hc create --no-such-flag "$(hull_id args)"
	[ "$status" -ne 0 ]
	hrunf hc create a b
	[ "$status" -ne 0 ]
	hrunf hc create -b "$BATS_TEST_TMPDIR/no-bundle" "$(hull_id args2)"
	[ "$status" -ne 0 ]
	hrunf hc run -d --console-socket "$BATS_TEST_TMPDIR/x.sock" "$(hull_id args3)"
	[ "$status" -ne 0 ]
	check_no_debris
}

@test "no debris: a bad mount" {
	update_config '.mounts += [{"destination":"/mnt/x","type":"bind","source":"/nonexistent/src","options":["bind"]}]'
	hrunf hc create "$(hull_id badmount)"
	[ "$status" -eq 1 ]
	check_no_debris
	update_config '.mounts[-1] = {"destination":"/mnt/y","type":"nosuchfs","source":"none"}'
	run hc run "$(hull_id badmount2)"
	[ "$status" -eq 1 ]
	check_no_debris
}

@test "no debris: a bad uid map" {
	update_config '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":300000,"size":1000},{"containerID":500,"hostID":400000,"size":1000}]
		| .linux.gidMappings = [{"containerID":0,"hostID":300000,"size":65536}]'
	hrunf hc create "$(hull_id badmap)"
	[ "$status" -eq 1 ]
	[[ "$output" == *uid_map* ]]
	check_no_debris
}

@test "no debris: a failing hook and a failing cgroup limit" {
	update_config '.hooks.createRuntime = [{"path":"/bin/false"}]'
	hrunf hc create "$(hull_id badhook)"
	[ "$status" -eq 1 ]
	check_no_debris
	update_config 'del(.hooks) | .linux.resources.memory.limit = 1'
	run hc run "$(hull_id badmem)"
	[ "$status" -ne 0 ]
	check_no_debris
}
