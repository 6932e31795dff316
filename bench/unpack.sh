#!/bin/bash
# bench/unpack.sh - (1) `hull image unpack` of a multi-layer image vs `umoci unpack` of the same
# OCI layout (both copy mode, into a new directory each run; plus hull's --overlay with a cold
# layer cache), (2) `hull image run --rm` of a cached image vs `hull run` of the same bundle.
#
# The image: 5 gzip layers of real trees (perl and python modules, C++ and kernel headers,
# zoneinfo), about 8k entries and 90 MB uncompressed: the size of a Debian base image. Part (1)
# runs RUNS interleaved rounds (one hyperfine run of each command per round, the order reversed
# every other round) and reports medians.
#
# Where: everything happens on a fresh ext4 on a loop device in a private mount namespace
# (BENCH_UNPACK_FS=host: in /tmp instead). On an ext4 without a journal, like this host's
# root, the inode allocator skips, one by one, inodes freed in the last 30 s: after anyone
# removes a big tree (another engineer's test run, or the benchmark's own cleanup) every file
# creation in those block groups costs a scan, which then dominates both unpackers' times
# (seen: umoci 48 s vs hull 35 s for a tree either unpacks in under 10 s). So before each run
# the previous targets are moved aside, not deleted, and `sync` empties the dirty page cache
# so no run pays for an earlier one's writeback. Full mode (RUNS=5) takes about 1-2 minutes.
# usage: HULL=/path/hull HULL_IMAGE=/path/hull-image bench/unpack.sh [RUNS]   (root)
set -euo pipefail
HL=${HULL_IMAGE:-hull-image}
HULL=${HULL:-hull}
RUNS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
for t in hyperfine umoci python3 jq; do
	command -v "$t" >/dev/null || { echo "bench/unpack.sh: needs $t" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench/unpack.sh: run as root" >&2; exit 1; }
if [ "${BENCH_UNPACK_FS:-loop}" = loop ] && [ -z "${HL_BENCH_NS:-}" ]; then
	HL_BENCH_NS=1 exec unshare -m "$BASH" "$0" "$@"
fi
W=$(mktemp -d /tmp/hl-bench-unpack.XXXXXX)
trap 'umount "$W" 2>/dev/null; rm -rf "$W" "$W.img"' EXIT
where="$W (host filesystem)"
if [ -n "${HL_BENCH_NS:-}" ]; then
	mount --make-rprivate /
	truncate -s 8G "$W.img"
	if mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "$W.img" && mount -o loop "$W.img" "$W"; then
		where="a fresh ext4 on a loop device"
	else
		echo "bench/unpack.sh: no loop device: measuring in $W on the host filesystem" >&2
	fi
fi

dirs=""
for d in /usr/share/perl /usr/lib/python3 /usr/include/c++ /usr/include/linux /usr/share/zoneinfo; do
	[ -d "$d" ] && dirs="$dirs${dirs:+:}$d"
done
python3 "$here/../tests/hl/mkimage.py" "$W/L" bench dirs dirs="$dirs" compress=gzip
"$HL" --store "$W/S" import "$W/L" >/dev/null
ref=localhost/l:bench
manifest=$(jq -r '.manifests[0].digest' "$W/L/index.json")
layers=$(jq '.layers | length' "$W/L/blobs/sha256/${manifest#sha256:}")
size=$(du -sh --apparent-size "$W/L/blobs" | cut -f1)
"$HL" --store "$W/S" unpack "$ref" "$W/probe" >/dev/null
entries=$(find "$W/probe/rootfs" | wc -l)
usize=$(du -sh --apparent-size "$W/probe/rootfs" | cut -f1)
echo "image: $layers layers ($dirs), $size compressed, $usize and $entries entries unpacked; on $where"

mkdir "$W/trash"
cat >"$W/aside" <<EOF
#!/bin/sh
for d in "\$@"; do
	[ ! -e "\$d" ] || mv "\$d" "$W/trash/\$(basename "\$d").\$(date +%s%N)"
done
sync
EOF
chmod +x "$W/aside"
"$W/aside" "$W/probe"

names=(umoci hull hull-overlay-cold)
cmds=("umoci unpack --image $W/L:bench $W/u"
	"$HL --store $W/S unpack $ref $W/h"
	"unshare -m $HL --store $W/S unpack --overlay $ref $W/o")
for ((r = 0; r < RUNS; r++)); do
	args=()
	for i in 0 1 2; do
		j=$((r % 2 ? 2 - i : i))
		args+=(-n "${names[j]}" "${cmds[j]}")
	done
	hyperfine -N --runs 1 --style none --export-json "$W/unpack-$r.json" \
		--prepare "$W/aside $W/u $W/h $W/o $W/S/snapshots" "${args[@]}" >/dev/null
done

# run: the busybox demo image; the same bundle for `hull run`, unpacked (copy) once.
"$here/../mk/busybox-oci.sh" "$W/demo"
"$HL" --store "$W/S" import "$W/demo" busybox >/dev/null
"$HL" --store "$W/S" unpack busybox "$W/B"
jq '.process.args = ["true"] | .process.terminal = false | .root.readonly = false' "$W/B/config.json" >"$W/B/c.json"
mv "$W/B/c.json" "$W/B/config.json"
mkdir -p "$W/root"
unshare -m "$HL" --store "$W/S" --root "$W/root" run --rm busybox true # fill the layer cache
hyperfine -N --warmup 3 --runs $((RUNS * 6)) --export-json "$W/run.json" \
	-n "hull run" "unshare -m $HULL --root $W/root run --bundle $W/B bench-run" \
	-n "hull image run --rm" "unshare -m $HL --store $W/S --root $W/root run --rm --name bench-irun busybox true" \
	-n "hull-image startup" "unshare -m $HL --help"

python3 - "$W/run.json" "$W"/unpack-*.json <<'PY'
import json, statistics, sys
u = {}
for f in sys.argv[2:]:
    for x in json.load(open(f))["results"]:
        u.setdefault(x["command"], []).extend(x["times"])
m = {k: statistics.median(v) for k, v in u.items()}
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print("unpack (median of %d interleaved rounds): umoci %.0f ms, hull %.0f ms (hull/umoci = %.2f, umoci/hull = %.2fx), "
      "hull --overlay cold %.0f ms"
      % (len(u["umoci"]), m["umoci"] * 1e3, m["hull"] * 1e3, m["hull"] / m["umoci"], m["umoci"] / m["hull"],
         m["hull-overlay-cold"] * 1e3))
print("run: hull run %.1f ms, hull image run --rm %.1f ms, overhead %.1f ms (of which hull-image's own start, "
      "dynamic libraries, %.1f ms: unshare -m hull-image --help)"
      % (r["hull run"] * 1e3, r["hull image run --rm"] * 1e3, (r["hull image run --rm"] - r["hull run"]) * 1e3,
         r["hull-image startup"] * 1e3))
PY
