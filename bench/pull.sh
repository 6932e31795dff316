#!/bin/bash
# bench/pull.sh - `hull image pull` of a multi-layer image vs `skopeo copy docker://... oci:...` from a
# loopback docker-registry, interleaved by hyperfine. Both start from an empty destination each run.
# usage: HULL_IMAGE=/path/to/hull-image bench/pull.sh [RUNS]
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

hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$REG_WORK/result.json" \
	--prepare "rm -rf $REG_WORK/s1 $REG_WORK/s2" \
	-n hull "$HL --store $REG_WORK/s1 pull -q $ref" \
	-n skopeo "skopeo copy -q --src-tls-verify=false docker://$ref oci:$REG_WORK/s2:latest"
python3 - "$REG_WORK/result.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print("hull %.1f ms, skopeo %.1f ms, hull/skopeo = %.2f" % (r["hull"] * 1e3, r["skopeo"] * 1e3, r["hull"] / r["skopeo"]))
PY
