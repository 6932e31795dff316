#!/bin/bash
# bench/pull.sh - `hull image pull` of a multi-layer image vs `skopeo copy docker://... oci:...` from a
# loopback docker-registry, in interleaved rounds. Each run starts from an empty destination.
# usage: HULL_IMAGE=/path/to/hull-image [HULL_IMAGE_BASELINE=/path/to/old/hull-image] bench/pull.sh [RUNS]
set -euo pipefail
HL=${HULL_IMAGE:-hull-image}
RUNS=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
export REG_WORK
REG_WORK=$(mktemp -d /tmp/hl-bench.XXXXXX)
. "$here/../tests/registry/lib.sh"
[ "$REG_TOOLS_OK" = 1 ] || { echo "needs docker-registry skopeo umoci apache2-utils busybox-static" >&2; exit 1; }
trap 'reg_stop_all; rm -rf "$REG_WORK"' EXIT

reg_layout "$REG_WORK/L"
# A bigger multi-layer image: four more layers of incompressible data (4 MiB each) on top of "multi".
b=$REG_WORK/bundle
for i in 1 2 3 4; do
	rm -rf "$b"
	umoci unpack --image "$REG_WORK/L:multi" "$b" >/dev/null
	head -c $((4 << 20)) /dev/urandom >"$b/rootfs/data$i"
	umoci repack --image "$REG_WORK/L:multi" "$b" >/dev/null
done
rm -rf "$b"
reg_start A anon "$REG_WORK"
reg_push "$REG_WORK/L" multi "$REG_A_PORT" bench/multi
ref=127.0.0.1:$REG_A_PORT/bench/multi:latest

# Interleaved rounds (each round runs every contender once, in a shuffled order) so load from
# other work on the machine hits all of them alike; hyperfine would run all of one, then the other.
# HULL_IMAGE_BASELINE=/path/to/older/hull-image adds that build as a third contender.
python3 - "$RUNS" "$REG_WORK" "$ref" "$HL" "${HULL_IMAGE_BASELINE:-}" <<'PY'
import random, shutil, statistics, subprocess, sys, time
runs, work, ref, hl, base = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
cmds = {
    "hull": [hl, "--store", work + "/s1", "pull", "-q", ref],
    "skopeo": ["skopeo", "copy", "-q", "--src-tls-verify=false", "docker://" + ref, "oci:%s/s2:latest" % work],
}
if base:
    cmds["baseline"] = [base, "--store", work + "/s3", "pull", "-q", ref]
dests = {"hull": work + "/s1", "skopeo": work + "/s2", "baseline": work + "/s3"}
times = {k: [] for k in cmds}
for i in range(runs + 2):  # two warm-up rounds
    order = list(cmds)
    random.shuffle(order)
    for k in order:
        shutil.rmtree(dests[k], ignore_errors=True)
        subprocess.run(["sync"], check=True)  # nobody pays for the previous one's dirty pages
        t = time.perf_counter()
        subprocess.run(cmds[k], check=True, stdout=subprocess.DEVNULL)
        if i >= 2:
            times[k].append(time.perf_counter() - t)
for k, v in times.items():
    print("%-8s median %6.1f ms  mean %6.1f ms  min %6.1f ms  (%d runs)" % (
        k, statistics.median(v) * 1e3, statistics.mean(v) * 1e3, min(v) * 1e3, len(v)))
paired = sorted(h / s for h, s in zip(times["hull"], times["skopeo"]))
print("hull/skopeo = %.2f (ratio of medians); per-round ratios: median %.2f, middle half %.2f-%.2f" % (
    statistics.median(times["hull"]) / statistics.median(times["skopeo"]), statistics.median(paired),
    paired[len(paired) // 4], paired[(3 * len(paired)) // 4]))
if base:
    print("hull/baseline = %.2f (ratio of medians)" % (
        statistics.median(times["hull"]) / statistics.median(times["baseline"])))
PY
