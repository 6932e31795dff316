#!/bin/bash
# bench/image-run.sh - row 7c: `hull image run --rm` vs `podman run --rm` of the same cached image
# (hull's busybox demo image, mk/busybox-oci.sh), /bin/true, no network, interleaved by rounds.
# podman gets its own --root/--runroot under a temp dir (the host's podman store is not touched),
# cgroupfs, runc (crun 1.8 refuses this hybrid host), file events, and nofile/nproc ulimits of
# 1024: its defaults raise them, which needs CAP_SYS_RESOURCE that this machine lacks.
# usage: HULL=/path/hull HULL_IMAGE=/path/hull-image bench/image-run.sh [ROUNDS]   (root)
# Prints hyperfine's output, then a last line with both medians and the ratio.
set -euo pipefail
HULL=${HULL:-hull}
ROUNDS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pair.sh"
for t in hyperfine podman skopeo python3; do
	command -v "$t" >/dev/null || { echo "bench/image-run.sh: needs $t" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench/image-run.sh: run as root" >&2; exit 1; }
# Mounts podman or hull make stay in a private namespace of this script.
if [ -z "${IRUN_IN_NS:-}" ]; then
	export IRUN_IN_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi
W=$(mktemp -d /tmp/hl-bench-irun.XXXXXX)
PM="podman --root $W/pm --runroot $W/pmrun --cgroup-manager cgroupfs --events-backend file --runtime /usr/sbin/runc"
HI="$HULL image --store $W/S --root $W/root"
# podman's containers (and conmon) go below a cgroup parent of this run, removed at the end:
# its default, libpod_parent, would stay behind in every hierarchy.
CGP=hull-bench-irun-$$
cleanup() {
	$PM rm -a -f >/dev/null 2>&1 || true
	$PM rmi -a -f >/dev/null 2>&1 || true
	grep -o " $W[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$W"
	bench_remove_cgroup_parent "$CGP"
}
trap cleanup EXIT

sh "$here/../mk/busybox-oci.sh" "$W/demo"
$HI import "$W/demo" busybox >/dev/null
skopeo copy -q "oci:$W/demo:latest" "containers-storage:[overlay@$W/pm+$W/pmrun]localhost/busybox:latest"
# One run each fills hull's layer cache and checks that both work at all.
$HI run --rm busybox true
$PM run --rm --cgroup-parent /$CGP --network none --pull never --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	localhost/busybox:latest true

hull_cmd="$HI run --rm busybox true"
pm_cmd="$PM run --rm --cgroup-parent /$CGP --network none --pull never --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/busybox:latest true"
bench_pair "$W" "$ROUNDS" hull "$hull_cmd" podman "$pm_cmd"
miss=$(awk -v r="$BENCH_RATIO" 'BEGIN { if (r > 0.3) print " (target 0.3: MISS)" }')
echo "image run --rm: hull $BENCH_MED_A ms, podman $BENCH_MED_B ms (median of $BENCH_N), hull/podman = $BENCH_RATIO$miss"
