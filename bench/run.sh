#!/bin/bash
# bench/run.sh - hull side by side with crun and runc on one busybox bundle (issue 11).
#
#   [BENCH_QUICK=1] [HULL=path/to/hull] [HULL_IMAGE=path/to/hull-image] [BENCH_OUT=dir] bench/run.sh
#
# Table A: cgroups off (hull --cgroup-manager disabled, crun --cgroup-manager=disabled; runc has
#          no way to run without cgroups, so it is not in A).
# Table B: cgroups on (cgroupfs): hull, runc, crun.
# Rows: 1 run of /bin/true; 2 N containers create+start+delete in a row; 3 the same with 8 in
# parallel; 4 exec of /bin/true into a running container; 5 peak RSS and binary sizes; 6 the
# floor (unshare of the same namespaces + chroot + exec, nsenter for exec); 7 image rows
# (and docker run --rm with hull vs runc).
# Commands are interleaved: each row is R rounds of one hyperfine call over all runtimes, the
# order rotated every round; medians are over all rounds. See BENCHMARKS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

# Everything runs in a private mount namespace. crun 1.8 refuses any hybrid-cgroup host whose
# /sys/fs/cgroup/unified has a controller (here: hugetlb), whatever --cgroup-manager says; an
# empty file bind-mounted over unified/cgroup.controllers (in this namespace only) lets it run.
# hull and runc do not read that file. The mount disappears with the namespace.
if [ -z "${BENCH_IN_NS:-}" ]; then
	export BENCH_IN_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

HULL=${HULL:-$top/hull}
HULL=$(readlink -f "$HULL")
HULL_IMAGE=${HULL_IMAGE:-$(dirname "$HULL")/hull-image}
RUNC=${RUNC:-/usr/sbin/runc}
CRUN=${CRUN:-/usr/bin/crun}
QUICK=${BENCH_QUICK:-0}
for t in hyperfine /usr/bin/time python3 unshare nsenter chroot "$HULL" "$RUNC" "$CRUN"; do
	command -v "$t" >/dev/null || { echo "bench: $t not found (scripts/install-deps.sh test)" >&2; exit 1; }
done

# rounds x runs-per-round for each row; N containers for row 2, P x N3 for row 3.
if [ "$QUICK" = 1 ]; then
	R1=5 K1=5 N2=20 R2=3 K2=1 P3=8 N3=1 R3=4 K3=2 R4=5 K4=5 RSS_N=5
else
	R1=10 K1=10 N2=100 R2=5 K2=1 P3=8 N3=1 R3=10 K3=3 R4=10 K4=10 RSS_N=20
fi

W=$(mktemp -d /tmp/hull-bench.XXXXXX)
OUT=${BENCH_OUT:-$W/out}
mkdir -p "$OUT" "$W/root"
# Rows 1-6 run a stripped copy of hull, as `make install` installs it (Debian's runc and crun
# are stripped too): `hull exec` copies its own binary into a sealed memfd, so size matters.
HULL_BUILT=$HULL
if [ "${BENCH_NO_STRIP:-0}" != 1 ]; then
	cp "$HULL" "$W/hull"
	strip "$W/hull"
	HULL=$W/hull
fi
ID=hb$$
LOG=$OUT/bench.log
: >"$LOG"
: >"$OUT/rows.tsv"
: >"$OUT/rss.tsv"
: >"$OUT/notes.txt"
note() { echo "$*" | tee -a "$OUT/notes.txt" >&2; }

declare -A RT=()       # name -> runtime command prefix (global options included)
declare -a SLEEPERS=() # "runtime-cmd|id" of running containers for row 4
cleanup() {
	set +e
	for s in "${SLEEPERS[@]}"; do
		${s%%|*} delete -f "${s##*|}" >/dev/null 2>&1
	done
	[ -n "${FLOOR_PID:-}" ] && kill -KILL "$FLOOR_PID" 2>/dev/null
	for r in "$W"/root/*; do
		[ -d "$r" ] || continue
		case $r in */hull*) cmd=$HULL ;; */runc*) cmd=$RUNC ;; *) cmd=$CRUN ;; esac
		for c in $("$cmd" --root "$r" list -q 2>/dev/null); do
			"$cmd" --root "$r" delete -f "$c" >/dev/null 2>&1
		done
	done
	umount "$W/root" 2>/dev/null
	if [ -n "${BENCH_OUT:-}" ]; then
		rm -rf "$W"
	else
		find "$W" -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} +
		echo "bench: results in $OUT" >&2
	fi
}
trap cleanup EXIT

# --- the bundle: tests/lib/make-rootfs.sh + `hull spec`, terminal off, args ["/bin/true"] ---
B=$W/b
mkdir -p "$B"
sh "$top/tests/lib/make-rootfs.sh" "$B/rootfs"
(cd "$B" && "$HULL" spec)
# crun 1.8 only accepts ociVersion 1.0.x; the rest of hull spec's config is used as is.
python3 - "$B/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["ociVersion"] = "1.0.2"
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(p, "w"), indent=1)
PY
# Row 4's long-running containers: same rootfs, args sleep.
BS=$W/bs
mkdir -p "$BS"
python3 - "$B/config.json" "$BS/config.json" "$B/rootfs" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/sleep", "1000000"]
c["root"]["path"] = sys.argv[3]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

# State roots (--root of all three runtimes) on a tmpfs, as /run is on a usual host (on this
# machine /run is on the ext4 root disk). BENCH_STATE_DISK=1 keeps them on $W's filesystem.
if [ "${BENCH_STATE_DISK:-0}" != 1 ]; then
	mount -t tmpfs -o mode=0700 bench-state "$W/root"
	note "state roots: tmpfs"
else
	note "state roots: $(stat -fc %T "$W/root") (BENCH_STATE_DISK=1)"
fi

mask=/sys/fs/cgroup/unified/cgroup.controllers
if [ -n "$(cat "$mask" 2>/dev/null)" ]; then # cgroupfs files have st_size 0: read it
	: >"$W/empty"
	note "crun: masked $mask ($(cat "$mask")) with an empty file in the bench's private mount namespace"
	mount --bind "$W/empty" "$mask"
fi

# --- machine -------------------------------------------------------------------
{
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "kernel: $(uname -r)"
	echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "cgroups: $(stat -fc %T /sys/fs/cgroup)$([ -d /sys/fs/cgroup/unified ] && echo ' + unified (hybrid)')"
	echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "hull: $("$HULL" --version | head -1) ($HULL_BUILT$([ "$HULL" != "$HULL_BUILT" ] && echo ', run stripped'))"
	echo "crun: $("$CRUN" --version | head -1)"
	echo "runc: $("$RUNC" --version | head -1)"
	echo "hyperfine: $(hyperfine --version)"
	echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo full)"
} >"$OUT/machine.txt"

# row TABLE ROW LABEL: register a row for the report.
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/rows.tsv"; }

# interleave FILE ROUNDS RUNS NAME CMD [NAME CMD]...: ROUNDS hyperfine calls, the command order
# rotated each round; results in $OUT/FILE.rN.json.
interleave() {
	local file=$1 rounds=$2 runs=$3 r i k n
	shift 3
	local -a names=() cmds=() args
	while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
	n=${#names[@]}
	for ((r = 0; r < rounds; r++)); do
		args=()
		for ((i = 0; i < n; i++)); do
			k=$(((i + r) % n))
			args+=(-n "${names[k]}" "${cmds[k]}")
		done
		if ! timeout 900 hyperfine -N --style basic $([ $r = 0 ] && echo --warmup 1) --runs "$runs" \
			--export-json "$OUT/$file.r$r.json" "${args[@]}" >>"$LOG" 2>&1; then
			note "$file: hyperfine failed in round $r (see $LOG)"
			rm -f "$OUT/$file.r$r.json"
			return 0
		fi
	done
}

# works NAME CMD...: one try, so a broken runtime is left out of a row instead of failing it.
works() {
	local name=$1
	shift
	if ! "$@" >>"$LOG" 2>&1 </dev/null; then
		note "$name: left out ($* failed, see $LOG)"
		return 1
	fi
}

# ---- the tables ---------------------------------------------------------------
table() {
	local t=$1 title=$2
	shift 2
	local -a names=("$@") a1 a2 a3 a4
	local n rt
	echo "== table $t: $title" >&2
	a1=() a2=() a3=()
	for n in "${names[@]}"; do
		rt=${RT[$t-$n]}
		works "$t/$n run" $rt run --bundle "$B" "$ID-$t-$n-try" || continue
		a1+=("$n" "$rt run --bundle $B $ID-$t-$n")
		a2+=("$n" "sh $here/cycle.sh $N2 $ID-$t-$n-c $B $rt")
		a3+=("$n" "sh $here/parallel.sh $P3 $N3 $ID-$t-$n-p $B $rt")
	done
	a1+=(floor "unshare -p -n -i -u -m -C -f chroot $B/rootfs /bin/true")
	a2+=(floor "sh $here/cycle.sh $N2 x $B/rootfs floor")
	a3+=(floor "sh $here/parallel.sh $P3 $N3 x $B/rootfs floor")
	row "$t" 1 "run /bin/true"
	interleave "$t-1" "$R1" "$K1" "${a1[@]}"
	row "$t" 2 "$N2 x create+start+delete"
	interleave "$t-2" "$R2" "$K2" "${a2[@]}"
	row "$t" 3 "$P3 parallel x $N3 create+start+delete"
	interleave "$t-3" "$R3" "$K3" "${a3[@]}"

	# Row 4: one sleeping container per runtime, exec /bin/true into it.
	a4=()
	for n in "${names[@]}"; do
		rt=${RT[$t-$n]}
		local cid=$ID-$t-$n-s
		works "$t/$n create" $rt create --bundle "$BS" "$cid" || continue
		SLEEPERS+=("$rt|$cid")
		works "$t/$n start" $rt start "$cid" || continue
		works "$t/$n exec" $rt exec "$cid" /bin/true || continue
		a4+=("$n" "$rt exec $cid /bin/true")
	done
	a4+=(floor "nsenter -t $FLOOR_PID -m -u -i -n -p -C -r -w /bin/true")
	row "$t" 4 "exec /bin/true"
	interleave "$t-4" "$R4" "$K4" "${a4[@]}"
	for s in "${SLEEPERS[@]}"; do
		${s%%|*} delete -f "${s##*|}" >/dev/null 2>&1 || true
	done
	SLEEPERS=()

	# Row 5: peak RSS of `run` (max over the runtime's process tree, from wait4), interleaved.
	local i
	for ((i = 0; i < RSS_N; i++)); do
		for n in "${names[@]}"; do
			rt=${RT[$t-$n]}
			/usr/bin/time -v -o "$W/time.txt" $rt run --bundle "$B" "$ID-$t-$n-m" >/dev/null 2>&1 </dev/null || continue
			printf '%s\t%s\t%s\n' "$t" "$n" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.txt")" >>"$OUT/rss.tsv"
		done
		/usr/bin/time -v -o "$W/time.txt" unshare -p -n -i -u -m -C -f chroot "$B/rootfs" /bin/true || continue
		printf '%s\t%s\t%s\n' "$t" floor "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.txt")" >>"$OUT/rss.tsv"
	done
}

# The exec floor's target: the same namespaces around a sleeping process (pid 1 of its pid
# namespace, so it only dies of SIGKILL).
unshare -p -n -i -u -m -C -f chroot "$B/rootfs" /bin/sleep 1000000 2>>"$LOG" &
FLOOR_UNSHARE=$!
FLOOR_PID=
for _ in $(seq 50); do
	FLOOR_PID=$(pgrep -P "$FLOOR_UNSHARE" || true)
	[ -n "$FLOOR_PID" ] && [ "$(readlink "/proc/$FLOOR_PID/exe")" = "$(readlink -f "$B/rootfs/bin/busybox")" ] && break
	sleep 0.1
done

RT[A-hull]="$HULL --root $W/root/hull-off --cgroup-manager disabled"
RT[A-crun]="$CRUN --root $W/root/crun-off --cgroup-manager=disabled"
RT[B-hull]="$HULL --root $W/root/hull-on"
RT[B-runc]="$RUNC --root $W/root/runc"
RT[B-crun]="$CRUN --root $W/root/crun-on"
table A "cgroups off" hull crun
table B "cgroups on (cgroupfs)" hull runc crun
kill -KILL "$FLOOR_PID" 2>/dev/null || true
wait "$FLOOR_UNSHARE" 2>/dev/null || true
FLOOR_PID=

# Row 5b: binary sizes (stripped copies).
for b in hull:"$HULL_BUILT" crun:"$CRUN" runc:"$RUNC"; do
	n=${b%%:*} p=${b#*:}
	cp "$p" "$W/$n.strip" && strip "$W/$n.strip" 2>/dev/null || true
	libs=0
	if ldd "$p" >/dev/null 2>&1; then
		kind=dynamic
		for l in $(ldd "$p" | awk '/=> \// {print $3}'); do
			libs=$((libs + $(stat -Lc %s "$l")))
		done
	else
		kind=static
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$(stat -c %s "$p")" "$(stat -c %s "$W/$n.strip")" "$kind" "$libs" >>"$OUT/sizes.tsv"
	rm -f "$W/$n.strip"
done

# Row 7: image rows, when their scripts and commands exist (unpack.sh: about a minute).
if [ -x "$HULL_IMAGE" ]; then
	ir=$([ "$QUICK" = 1 ] && echo 2 || echo 5)
	pr=$([ "$QUICK" = 1 ] && echo 5 || echo 15)
	for s in pull unpack image-run; do
		[ -f "$here/$s.sh" ] || continue
		echo "== image $s" >&2
		HULL_IMAGE=$HULL_IMAGE HULL=$HULL_BUILT timeout 1200 bash "$here/$s.sh" "$(case $s in image-run) echo "$ir" ;; pull) echo "$pr" ;; *) echo "$ir" ;; esac)" \
			>"$OUT/image-$s.txt" 2>>"$LOG" || note "image $s: bench/$s.sh failed (see $LOG)"
	done
fi

# Row 7d: docker run --rm with hull vs runc under one private dockerd (skipped without docker.io).
if [ -f "$here/docker-run.sh" ]; then
	echo "== image docker-run" >&2
	HULL=$HULL_BUILT timeout 1200 bash "$here/docker-run.sh" "$([ "$QUICK" = 1 ] && echo 2 || echo 5)" \
		>"$OUT/image-docker-run.txt" 2>>"$LOG" || note "image docker-run: bench/docker-run.sh failed (see $LOG)"
fi

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
python3 "$here/report.py" "$OUT" | tee "$OUT/table.md"
