# bench/pair.sh - sourced by the rows that time one command against another (docker-run.sh,
# image-run.sh): ROUNDS hyperfine calls over the pair, the order swapped every round so that
# neither always runs first, then each command's median over all rounds.
#
# bench_pair DIR ROUNDS NAME_A CMD_A NAME_B CMD_B
#   prints hyperfine's output; sets BENCH_MED_A and BENCH_MED_B (milliseconds), BENCH_N
#   (samples of each) and BENCH_RATIO (A/B). DIR holds the per-round JSON files.
bench_pair() {
	local dir=$1 rounds=$2 na=$3 ca=$4 nb=$5 cb=$6 r
	for ((r = 0; r < rounds; r++)); do
		if ((r % 2 == 0)); then
			set -- -n "$na" "$ca" -n "$nb" "$cb"
		else
			set -- -n "$nb" "$cb" -n "$na" "$ca"
		fi
		hyperfine -N --style basic $([ "$r" = 0 ] && echo --warmup 2) --runs 4 --export-json "$dir/r$r.json" "$@"
	done
	read -r BENCH_MED_A BENCH_MED_B BENCH_N BENCH_RATIO < <(python3 - "$na" "$nb" "$dir"/r*.json <<'PY'
import json, statistics, sys
a, b, files = sys.argv[1], sys.argv[2], sys.argv[3:]
t = {}
for f in files:
    for x in json.load(open(f))["results"]:
        t.setdefault(x["command"], []).extend(x["times"])
ma, mb = statistics.median(t[a]), statistics.median(t[b])
print("%.1f %.1f %d %.2f" % (ma * 1e3, mb * 1e3, len(t[a]), ma / mb))
PY
	)
}

# bench_remove_cgroup_parent NAME: remove the cgroup parent a row gave its daemon, in every
# hierarchy (the containers below it are gone by then; what stays is empty directories).
bench_remove_cgroup_parent() {
	local d
	for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	return 0
}
