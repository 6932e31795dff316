# lib.bash - shared bits of the daemon suites (containerd.bats, podman.bats).
#
# These suites drive hull through a real daemon (containerd + its runc v2 shim, podman +
# conmon), so they don't use tests/lib/helpers' bundles. HULL is the runtime under test:
# `HULL=/usr/sbin/runc bats tests/daemons` must pass too, which shows the tests exercise
# the daemon path and not hull's quirks.

# `! CMD` does not fail a bats test (errexit ignores a negated command): `refute CMD` does.
refute() {
	if "$@"; then
		echo "refute: this succeeded: $*" >&2
		return 1
	fi
}

daemons_setup_hull() {
	local top
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	HULL=${HULL:-${HULL_TOP:-$top}/hull}
	HULL=$(readlink -f "$HULL")
	export HULL
	DAEMONS_LIB=$top/tests/lib
}

# The daemons need the runtime as an absolute path; skip (don't fail) when it isn't built.
need_hull() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$HULL" ] || skip "runtime $HULL not built"
}

# pids (one a line) whose command line contains STRING; never our own shell.
pids_with_arg() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1" && echo "${p#/proc/}"
	done
	true
}

# kill -KILL each pid that still has STRING in its command line (by pid, not by name).
kill_pids_with_arg() {
	local pid
	for pid in $(pids_with_arg "$1"); do
		kill -KILL "$pid" 2>/dev/null || true
	done
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# rmdir cgroup directories named NAME directly under each v1 hierarchy and the unified
# one (the per-namespace parents the daemons leave; the runtime removes the leaves).
remove_cgroup_parent() {
	local name=$1 d
	[ -n "$name" ] || return 0
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}

# cgroup directories named NAME left anywhere under /sys/fs/cgroup (for leak checks).
cgroups_named() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null
}
