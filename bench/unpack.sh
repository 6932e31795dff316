#!/bin/bash
# bench/unpack.sh - (1) `hull image unpack` of a multi-layer image vs `umoci unpack` of the same
# OCI layout (both copy mode, from an empty target each run; plus hull's --overlay with a cold
# layer cache), (2) `hull image run --rm` of a cached image vs `hull run` of the same bundle.
# Both parts run through hyperfine; every command runs in its own `unshare -m`.
# usage: HULL=/path/hull HULL_IMAGE=/path/hull-image bench/unpack.sh [RUNS]   (root)
set -euo pipefail
HL=${HULL_IMAGE:-hull-image}
HULL=${HULL:-hull}
RUNS=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
for t in hyperfine umoci python3 jq; do
	command -v "$t" >/dev/null || { echo "bench/unpack.sh: needs $t" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench/unpack.sh: run as root" >&2; exit 1; }
W=$(mktemp -d /tmp/hl-bench-unpack.XXXXXX)
trap 'rm -rf "$W"' EXIT

# A multi-layer image of real trees: docs (many small files), headers, python, perl.
dirs=""
for d in /usr/share/doc /usr/include /usr/lib/python3 /usr/share/perl; do
	[ -d "$d" ] && dirs="$dirs${dirs:+:}$d"
done
python3 "$here/../tests/hl/mkimage.py" "$W/L" bench dirs dirs="$dirs" compress=gzip
"$HL" --store "$W/S" import "$W/L" >/dev/null
ref=localhost/l:bench
layers=$(jq '.manifests[0].digest' -r "$W/L/index.json" | sed 's/sha256://' | xargs -I{} jq '.layers | length' "$W/L/blobs/sha256/{}")
size=$(du -sh --apparent-size "$W/L/blobs" | cut -f1)
echo "image: $layers layers ($dirs), $size compressed"

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$W/unpack.json" \
	--prepare "rm -rf $W/u $W/h $W/o $W/S/snapshots" \
	-n umoci "umoci unpack --image $W/L:bench $W/u" \
	-n hull "$HL --store $W/S unpack $ref $W/h" \
	-n hull-overlay-cold "unshare -m $HL --store $W/S unpack --overlay $ref $W/o"

# run: the busybox demo image; the same bundle for `hull run`, unpacked (copy) once.
"$here/../mk/busybox-oci.sh" "$W/demo"
"$HL" --store "$W/S" import "$W/demo" busybox >/dev/null
"$HL" --store "$W/S" unpack busybox "$W/B"
jq '.process.args = ["true"] | .process.terminal = false | .root.readonly = false' "$W/B/config.json" >"$W/B/c.json"
mv "$W/B/c.json" "$W/B/config.json"
mkdir -p "$W/root"
unshare -m "$HL" --store "$W/S" --root "$W/root" run --rm busybox true # fill the layer cache
hyperfine -N --warmup 3 --runs $((RUNS * 3)) --export-json "$W/run.json" \
	-n "hull run" "unshare -m $HULL --root $W/root run --bundle $W/B bench-run" \
	-n "hull image run --rm" "unshare -m $HL --store $W/S --root $W/root run --rm --name bench-irun busybox true" \
	-n "hull-image startup" "unshare -m $HL --help"

python3 - "$W/unpack.json" "$W/run.json" <<'PY'
import json, sys
u = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[2]))["results"]}
print("unpack: umoci %.0f ms, hull %.0f ms (umoci/hull = %.2fx), hull --overlay cold %.0f ms"
      % (u["umoci"] * 1e3, u["hull"] * 1e3, u["umoci"] / u["hull"], u["hull-overlay-cold"] * 1e3))
print("run: hull run %.1f ms, hull image run --rm %.1f ms, overhead %.1f ms (of which hull-image's own start, "
      "dynamic libraries, %.1f ms: unshare -m hull-image --help)"
      % (r["hull run"] * 1e3, r["hull image run --rm"] * 1e3, (r["hull image run --rm"] - r["hull run"]) * 1e3,
         r["hull-image startup"] * 1e3))
PY
