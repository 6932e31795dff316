#!/bin/bash
# bench/docker-run.sh - row 7d: `docker run --rm IMAGE true` with `--runtime hull` vs
# `--runtime runc`, the same dockerd (Debian's docker.io 20.10 + containerd's runc v2 shim),
# the same imported busybox image (tests/lib/make-rootfs.sh), --network none, interleaved by
# rounds. The daemons are private to the run (tests/lib/private-docker.sh: own containerd,
# data/exec roots, socket, config, cgroup parent, all in a private mount namespace) and are
# stopped and removed at the end. Without docker.io it prints why and exits 0 (row skipped).
# usage: HULL=/path/hull bench/docker-run.sh [ROUNDS]   (root)
# Prints hyperfine's output, then a last line with both medians and the ratio.
set -euo pipefail
HULL=$(readlink -f "${HULL:-hull}")
ROUNDS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
lib=$here/../tests/lib
. "$here/pair.sh"
DOCKER=/usr/bin/docker
for t in dockerd containerd "$DOCKER"; do
	command -v "$t" >/dev/null || { echo "docker run --rm: skipped ($t missing: apt-get install docker.io)"; exit 0; }
done
for t in hyperfine python3; do
	command -v "$t" >/dev/null || { echo "bench/docker-run.sh: needs $t" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench/docker-run.sh: run as root" >&2; exit 1; }
W=$(mktemp -d /tmp/hl-bench-drun.XXXXXX)
CGP=hull-bench-drun-$$
export DOCKER_CONFIG=$W/cli
DK="$DOCKER -H unix://$W/d.sock"
cleanup() {
	$DK rm -f $($DK ps -aq 2>/dev/null) >/dev/null 2>&1 || true
	sh "$lib/private-docker.sh" stop "$W"
	rm -rf "$W"
	bench_remove_cgroup_parent "$CGP"
}
trap cleanup EXIT

sh "$lib/private-docker.sh" start "$W" "$CGP" "$HULL"
sh "$lib/make-rootfs.sh" "$W/rootfs" >/dev/null
tar --numeric-owner -C "$W/rootfs" -cf - . | $DK import -c 'CMD ["sh"]' - hulltest/busybox:latest >/dev/null
# One run each checks that both work at all.
$DK run --rm --network none --runtime hull hulltest/busybox true
$DK run --rm --network none --runtime runc hulltest/busybox true

hull_cmd="$DK run --rm --network none --runtime hull hulltest/busybox true"
runc_cmd="$DK run --rm --network none --runtime runc hulltest/busybox true"
bench_pair "$W" "$ROUNDS" hull "$hull_cmd" runc "$runc_cmd"
echo "docker run --rm: hull $BENCH_MED_A ms, runc $BENCH_MED_B ms (median of $BENCH_N, same dockerd), hull/runc = $BENCH_RATIO"
