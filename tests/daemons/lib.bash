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
# A controller directory under /sys/fs/cgroup that is no mount (a host where e.g. net_cls is
# not mounted but something made /sys/fs/cgroup/net_cls on the tmpfs) is a plain directory:
# daemons that list /proc/cgroups still make their cgroups there, as plain directories.
remove_cgroup_parent() {
	local name=$1 d
	[ -n "$name" ] || return 0
	for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
		[ -d "$d" ] || continue
		if mountpoint -q "$(dirname "$d")" || [ "$(dirname "$d")" = /sys/fs/cgroup ]; then
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
		else
			rm -rf "$d"
		fi
	done
}

# cgroup directories named NAME left anywhere under /sys/fs/cgroup (for leak checks).
cgroups_named() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null
}

# release_private DIR CGROUP [HOLDER_PID]: the end of a suite's private world: kill what still
# carries DIR in its command line and the namespace holder, remove the cgroup parent
# CGROUP, remove DIR; fails (naming them) if processes or cgroups were left.
release_private() {
	local dir=$1 cgroup=$2 holder=${3:-} left
	kill_pids_with_arg "$dir/"
	[ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null
	wait_until 5 eval '[ -z "$(pids_with_arg "$dir/")" ]'
	remove_cgroup_parent "$cgroup"
	left=$(pids_with_arg "$dir/"; cgroups_named "$cgroup")
	rm -rf "$dir"
	[ -z "$left" ] || { echo "left behind: $left" >&2; return 1; }
}

# containers.conf's default_ulimits value within this shell's hard limits: podman and
# buildah (as real root) ask for nofile/nproc of 1048576/4194304 otherwise, which needs
# CAP_SYS_RESOURCE (podman caps its own nproc at 32768).
containers_default_ulimits() {
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
	[ "$nofile" = unlimited ] && nofile=1048576
	echo "[\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
}
