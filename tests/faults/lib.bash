# lib.bash - fault injection helpers: kill hull at random points, then count what it left.
#
# Leftovers are counted the way a user would find them, across the whole machine:
#   processes  any whose root, cwd, cgroup or command line points at this test
#   mounts     lines naming this test's dir in the mountinfo of every mount namespace
#   cgroups    directories below this test's cgroup parent, in every hierarchy
#   state      entries in this test's --root

load ../lib/helpers

# Every container of a test lives below /$FAULT_CG/<id> in each hierarchy.
fault_setup() {
	hull_setup
	export FAULT_CG="hull-fault-$$-${BATS_TEST_NUMBER}"
	update_config '.process.args = ["sleep", "1000"]'
}

fault_teardown() {
	local id d
	for id in $("$HULL" --root "$HULL_ROOT" list -q 2>/dev/null); do
		"$HULL" --root "$HULL_ROOT" delete -f "$id" >/dev/null 2>&1 || true
	done
	find /sys/fs/cgroup -depth -type d -path "*/$FAULT_CG*" 2>/dev/null | while read -r d; do rmdir "$d" 2>/dev/null; done
	hull_teardown
}

# A bundle config whose cgroupsPath is private to container $1.
fault_config() {
	update_config ".linux.cgroupsPath = \"/$FAULT_CG/$1\""
}

# Sleep a random 0-$1 ms (default 30).
random_delay() {
	sleep "$(printf '0.%03d' $((RANDOM % (${1:-30} + 1))))"
}

# Start "$@" (a hull command line), SIGKILL it after a random delay, reap it.
kill_at_random() {
	local max=$1
	shift
	"$HULL" --root "$HULL_ROOT" "$@" </dev/null >/dev/null 2>&1 &
	local pid=$!
	random_delay "$max"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Container processes (root inside this test's dir, or in one of its cgroups) and hull
# processes working on its --root. The test's own shell and tools are neither.
leftover_procs() {
	local p
	for p in /proc/[0-9]*; do
		# A zombie holds nothing (its parent, here often pid 1, reaps it in its own time).
		[ "$(sed -E 's/.*\) (.).*/\1/' "$p/stat" 2>/dev/null)" = Z ] && continue
		if readlink "$p/root" 2>/dev/null | grep -qF "$BATS_TEST_TMPDIR" ||
			grep -qF "/$FAULT_CG/" "$p/cgroup" 2>/dev/null ||
			tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "--root $HULL_ROOT "; then
			echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
		fi
	done
}

leftover_mounts() {
	local p ns seen=" "
	for p in /proc/[0-9]*; do
		ns=$(readlink "$p/ns/mnt" 2>/dev/null) || continue
		case "$seen" in *" $ns "*) continue ;; esac
		seen="$seen$ns "
		grep -F "$BATS_TEST_TMPDIR" "$p/mountinfo" 2>/dev/null | sed "s|^|$ns |"
	done
}

leftover_cgroups() {
	find /sys/fs/cgroup -mindepth 2 -type d -path "*/$FAULT_CG/*" 2>/dev/null
}

leftover_state() {
	ls -A "$HULL_ROOT"
}

# Fails, listing them, when anything of this test is left.
assert_nothing_left() {
	local what out bad=0
	for what in procs mounts cgroups state; do
		out=$(leftover_$what)
		if [ -n "$out" ]; then
			echo "$what left behind ($(printf '%s\n' "$out" | wc -l)):"
			printf '%s\n' "$out" | head -20
			bad=1
		fi
	done
	return $bad
}
