#!/usr/bin/env bats
# hardening.bats - regression tests for container breakouts that hit other runtimes.
# Each test checks the attack *can* be attempted (the target is reachable, a control
# without the protection succeeds, ...) so that it fails once the protection is gone.
#
#   CVE-2019-5736   /proc/PID/exe of the hull binary (the init before exec) from a container
#   CVE-2024-21626  leaked host fds, process.cwd = /proc/self/fd/N
#   CVE-2021-30465  symlinks (swapped during setup) as mount destinations
#   masking         procfs/sysfs mounted inside the container to undo maskedPaths
#   state dir       0711, files 0600, unreachable from the container
# (exec-time CVE-2019-5736, through `hull exec`, is in exec.bats.)

load ../lib/helpers

setup_file() {
	export HULL_TEST_AREA=hard
	hull_setup_file
}

setup() {
	hull_setup
	debris_snapshot
}

teardown() {
	[ -n "${SWAPPER:-}" ] && kill "$SWAPPER" 2>/dev/null && wait "$SWAPPER" 2>/dev/null
	hull_teardown
}

teardown_file() {
	hull_teardown_file
}

hrun() { # ID [BUNDLE]: foreground run, exit status of the container
	(cd "${2:-$BUNDLE}" && "$HULL" --root "$HULL_ROOT" run "$1") </dev/null
}

hrun_d() { # ID [BUNDLE]: detached
	(cd "${2:-$BUNDLE}" && "$HULL" --root "$HULL_ROOT" run -d "$1") </dev/null >/dev/null 2>&1
}

# ---- CVE-2019-5736 ---------------------------------------------------------------------------

@test "CVE-2019-5736: a container cannot open /proc/PID/exe of an init still running hull" {
	# Container A runs an attacker that scans its pid namespace for processes running
	# the hull binary and tries to open their exe (read: an fd to the host binary that
	# can be reopened for writing later; append: writing right away).
	mkdir "$BATS_TEST_TMPDIR/out"
	update_config '.mounts += [{"destination":"/out","type":"bind","source":$o,"options":["rbind","rw"]}]' \
		--arg o "$BATS_TEST_TMPDIR/out"
	# hull runs from a sealed view of itself (a detached read-only overlay or a memfd copy),
	# so its comm need not be "hull": find the victim by its command line. Reading the view
	# is harmless; the host binary (its dev:ino) must never be reachable, and nothing may be
	# writable.
	set_args sh -c 'i=0; while [ $i -lt 200 ]; do for p in /proc/[0-9]*; do case "$(tr "\0" " " <$p/cmdline 2>/dev/null)" in *" create "*) ;; *) continue ;; esac; grep -q "seen $p" /out/log 2>/dev/null || echo "seen $p" >>/out/log; (: <$p/exe) 2>/dev/null && echo "read $p $(stat -L -c %d:%i $p/exe)" >>/out/log; (: >>$p/exe) 2>/dev/null && echo "write $p" >>/out/log; done; i=$((i+1)); sleep 0.02; done'
	local a b
	a=$(hull_id attacker)
	b=$(hull_id victim)
	hrun_d "$a"
	local apid
	apid=$(state_field "$a" pid)
	# Container B joins A's pid namespace: its init (hull, waiting for start) is visible there.
	local b2="$BATS_TEST_TMPDIR/b2"
	hull_setup_bundle "$b2"
	# In its own user namespace B's init is no more privileged than A's root from the
	# capability check's point of view: only its non-dumpable state keeps A out.
	BUNDLE=$b2 update_config '.linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $p else . end]
		| .linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":0,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":0,"size":65536}]
		| .mounts |= map(select(.destination != "/proc"))' --arg p "/proc/$apid/ns/pid"
	(cd "$b2" && "$HULL" --root "$HULL_ROOT" create "$b") </dev/null >/dev/null
	local i
	for ((i = 0; i < 60; i++)); do
		grep -q seen "$BATS_TEST_TMPDIR/out/log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.5 # a few more rounds of attempts
	hull delete -f "$b"
	hull delete -f "$a"
	cat "$BATS_TEST_TMPDIR/out/log"
	grep -q "^seen " "$BATS_TEST_TMPDIR/out/log"
	refute grep -q "^write " "$BATS_TEST_TMPDIR/out/log"
	refute grep -q " $(stat -L -c %d:%i "$HULL")\$" "$BATS_TEST_TMPDIR/out/log"
}

# ---- CVE-2024-21626 --------------------------------------------------------------------------

@test "CVE-2024-21626: the container init has only stdio open" {
	set_args sleep 30
	local id
	id=$(hull_id fds)
	hrun_d "$id"
	local pid
	pid=$(state_field "$id" pid)
	run ls "/proc/$pid/fd"
	hull delete -f "$id"
	echo "$output"
	[ "$(echo $output)" = "0 1 2" ]
}

@test "CVE-2024-21626: host fds (files, directories, cwd) hull inherits do not reach the container" {
	set_args sh -c 'ls -l /proc/1/fd; readlink /proc/1/cwd; true'
	# hull itself gets extra fds: a directory on the host and a file; neither may leak
	local id
	id=$(hull_id fds2)
	run bash -c 'cd "$1" && exec "$2" --root "$3" run "$4" </dev/null 7<"$5" 8<"$6"' _ "$BUNDLE" "$HULL" "$HULL_ROOT" "$id" \
		"$BATS_TEST_TMPDIR" "$BUNDLE/config.json"
	echo "$output"
	[ "$status" -eq 0 ]
	# sh is pid 1: stdio only, and its cwd is the container's /
	refute grep -E ' [3-9] -> | [1-9][0-9]+ -> ' <<<"$output"
	[ "${lines[-1]}" = / ]
}

@test "CVE-2024-21626: process.cwd = /proc/self/fd/N cannot reach the host" {
	local n
	for n in 3 4 5 6 7 8 9 10 11 12; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		set_args sh -c 'pwd -P; ls -a'
		run hrun "$(hull_id cwd)"
		[ "$status" -ne 0 ] && continue
		echo "fd $n: $output"
		# getcwd names a directory outside the root "(unreachable)/..."
		[[ "$output" != *unreachable* ]]
		refute grep -qx -e state.json -e config.json -e rootfs <<<"$output"
	done
	check_no_debris
}

# ---- CVE-2021-30465 --------------------------------------------------------------------------

# A host directory marked "outside"; a symlink in the rootfs pointing at its host path.
# Resolved the host's way the mount lands on the host directory; resolved inside the
# rootfs it lands on rootfs/$outside.
@test "CVE-2021-30465: an absolute symlink as mount destination resolves inside the rootfs" {
	local outside="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$outside"
	echo host >"$outside/marker"
	ln -s "$outside" "$BUNDLE/rootfs/dst"
	update_config '.mounts += [{"destination":"/dst","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]'
	set_args sh -c "ls $outside; echo --; cat /proc/self/mountinfo | cut -d' ' -f5"
	run hrun "$(hull_id abs)"
	echo "$output"
	[ "$status" -eq 0 ]
	# the host directory is untouched and the tmpfs sits at rootfs/$outside
	[ "$(cat "$outside/marker")" = host ]
	grep -qx "$outside" <<<"$output"
	[ -d "$BUNDLE/rootfs$outside" ]
	[ ! -e "$BUNDLE/rootfs$outside/marker" ]
}

@test "CVE-2021-30465: a relative ../ symlink as mount destination stays inside the rootfs" {
	local name="hull-rel-$$-$BATS_TEST_NUMBER"
	ln -s ../../../../../../../../../../../tmp "$BUNDLE/rootfs/dst"
	update_config '.mounts += [{"destination":("/dst/" + $n),"type":"tmpfs","source":"tmpfs","options":["size=1m"]}]' \
		--arg n "$name"
	set_args sh -c "cut -d' ' -f5 /proc/self/mountinfo"
	run hrun "$(hull_id rel)"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "/tmp/$name" <<<"$output"
	[ -d "$BUNDLE/rootfs/tmp/$name" ]
	[ ! -e "/tmp/$name" ]
}

@test "CVE-2021-30465: destinations swapped to symlinks during setup never land outside" {
	local outside="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$outside"
	echo host >"$outside/marker"
	update_config '.mounts += [{"destination":"/dst/m","type":"bind","source":$s,"options":["rbind","ro"]}]' \
		--arg s "$BATS_TEST_TMPDIR/src"
	mkdir "$BATS_TEST_TMPDIR/src"
	echo volume >"$BATS_TEST_TMPDIR/src/vol"
	set_args sh -c "cat /dst/m/vol 2>/dev/null; cat $outside/m/vol 2>/dev/null; true"
	# swap rootfs/dst between a directory and a symlink to the host directory
	local r=$BUNDLE/rootfs
	( set +e; while :; do
		rm -rf "$r/dst"; ln -s "$outside" "$r/dst"
		rm -f "$r/dst"; mkdir "$r/dst"
	done ) </dev/null >/dev/null 2>&1 3>&- &
	SWAPPER=$!
	local i ok=0
	for ((i = 0; i < 15; i++)); do
		run hrun "$(hull_id swap)"
		[ "$status" -eq 0 ] && ok=$((ok + 1))
		# never on the host directory
		[ ! -e "$outside/m" ] || { echo "mount point created on the host: $(ls -la "$outside")"; return 1; }
		[ "$(cat "$outside/marker")" = host ]
	done
	kill "$SWAPPER" || true
	wait "$SWAPPER" 2>/dev/null || true
	SWAPPER=
	echo "$ok of 15 runs started"
	check_no_debris
}

# ---- masked /proc and /sys --------------------------------------------------------------------

# maskedPaths entries that exist on this host (a mask over a missing file is a no-op)
masked_file() {
	local f
	for f in /proc/keys /proc/timer_list /proc/kcore /proc/sched_debug; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
	skip "no masked /proc file exists on this host"
}

@test "masking: masked files read as empty and /proc/sys is read-only" {
	local f
	f=$(masked_file)
	set_args sh -c "wc -c <$f; echo x >/proc/sys/kernel/domainname 2>/dev/null && echo wrote; true"
	run hrun "$(hull_id mask-ro)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	refute grep -q wrote <<<"$output"
}

@test "masking: a procfs mounted below /proc (showing masked entries again) is refused" {
	local f
	f=$(masked_file)
	# a procfs on /proc/sys/kernel would show /proc/keys as /proc/sys/kernel/keys
	for d in /proc/sys/kernel /proc/acpi /proc/x/../sys//kernel/. /proc/self; do
		update_config '.mounts += [{"destination":$d,"type":"proc","source":"proc"}]' --arg d "$d"
		set_args sh -c "wc -c </proc/sys/kernel/${f#/proc/}"
		run hrun "$(hull_id mask-mnt)"
		echo "$d: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"inside /proc"* ]]
		update_config 'del(.mounts[-1])'
	done
	# and a bind of the host's /proc (unmasked) onto /proc/sys
	update_config '.mounts += [{"destination":"/proc/sys","type":"bind","source":"/proc","options":["rbind"]}]'
	run hrun "$(hull_id mask-bind)"
	[ "$status" -ne 0 ]
	[[ "$output" == *"inside /proc"* ]]
	check_no_debris
}

@test "masking: a symlink in the rootfs cannot lead a mount below /proc" {
	local f
	f=$(masked_file)
	ln -s /proc "$BUNDLE/rootfs/p"
	update_config '.mounts += [{"destination":"/p/sys/kernel","type":"proc","source":"proc"}]'
	set_args sh -c "wc -c </proc/sys/kernel/${f#/proc/}"
	run hrun "$(hull_id mask-link)"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"inside /proc"* ]]
	check_no_debris
}

@test "masking: /proc itself must be a procfs" {
	mkdir "$BATS_TEST_TMPDIR/fakeproc"
	update_config '.mounts = [.mounts[] | select(.destination != "/proc")]
		| .mounts += [{"destination":"/proc","type":"tmpfs","source":"tmpfs"}]'
	run hrun "$(hull_id fakeproc)"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not of type proc"* ]]
	# a bind of a directory of fake proc files neither
	echo 0 >"$BATS_TEST_TMPDIR/fakeproc/keys"
	update_config '.mounts = [.mounts[] | select(.destination != "/proc")]
		| .mounts += [{"destination":"/proc","type":"bind","source":$s,"options":["rbind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/fakeproc"
	run hrun "$(hull_id fakeproc2)"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not of type proc"* ]]
	check_no_debris
}

@test "masking: the lxcfs files may still be mounted inside /proc" {
	update_config '.mounts += [{"destination":"/proc/uptime","type":"bind","source":$s,"options":["bind","ro"]}]' \
		--arg s "$BATS_TEST_TMPDIR/uptime"
	echo "12345.00 1.00" >"$BATS_TEST_TMPDIR/uptime"
	set_args cat /proc/uptime
	run hrun "$(hull_id lxcfs)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "12345.00 1.00" ]
}

# ---- the state directory ----------------------------------------------------------------------

@test "state directory is 0711, its files 0600, and the container cannot reach it" {
	set_args sleep 30
	local id
	id=$(hull_id state)
	hrun_d "$id"
	local dir="$HULL_ROOT/$id"
	[ "$(stat -c %a "$dir")" = 711 ]
	local f bad=0
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		[ "$(stat -c %a "$f")" = 600 ] || { echo "$f: $(stat -c %a "$f")"; bad=1; }
	done
	[ "$bad" = 0 ]
	[ -e "$dir/state.json" ]
	local pid
	pid=$(state_field "$id" pid)
	# nothing of the container points into the state dir (fds, cwd, root)
	refute grep -F "$HULL_ROOT" < <(ls -l "/proc/$pid/fd" "/proc/$pid/cwd" "/proc/$pid/root" 2>/dev/null)
	# a root container process (even one with CAP_DAC_OVERRIDE) finds no state.json
	hull delete -f "$id"
	update_config '.process.capabilities.bounding += ["CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH"]
		| .process.capabilities.effective += ["CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH"]
		| .process.capabilities.permitted += ["CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH"]'
	set_args sh -c "find / -xdev -name state.json 2>/dev/null; ls $HULL_ROOT 2>&1; true"
	run hrun "$(hull_id state2)"
	echo "$output"
	[ "$status" -eq 0 ]
	refute grep -q state.json <<<"$output"
	grep -q "No such file" <<<"$output"
}
