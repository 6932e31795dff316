#!/usr/bin/env bash
# run.sh - runc v1.1.5's own integration suite against hull, checked against an expected list.
#
#   tests/peers/run.sh [HULL] [OUTDIR]
#
# Runs ../shared/peers/runc-suite.sh (runc's tests/integration at v1.1.5, unchanged) against
# HULL (default: ./hull) and compares its TAP with tests/peers/runc-v1.1.5.expected, which
# lists, one per line, the tests hull may fail and why ("NAME<TAB>reason"). The run fails on
# any failure not listed AND on any listed test that passes, so the list can only shrink.
# The suite is found at $PEERS_DIR (default: ../shared/peers beside the checkout, as on the
# project's machines and in CI); where it is absent the run is skipped with that reason.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(readlink -f "${1:-$top/hull}")
out=${2:-/tmp/hull-peers}
expected=$top/tests/peers/runc-v1.1.5.expected
: "${PEERS_DIR:=$top/../shared/peers}"
suite=$PEERS_DIR/runc-suite.sh
if [ ! -x "$suite" ]; then
	echo "peers: skipped: $suite not found (set PEERS_DIR)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
# The suite names the runtime after its file: run a copy called hull from a private dir, so
# its watchdog only ever sees this run's processes.
stage=$(mktemp -d /tmp/hull-peers-bin.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/hull"
"$suite" "$stage/hull" "$out" >/dev/null 2>&1
tap=$out/tap.txt
[ -s "$tap" ] || { echo "peers: the suite produced no TAP (see $out)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# Test names without the number and the "# in N ms" timing bats -T adds.
names() { sed -E 's/^(not )?ok [0-9]+ //; s/ # in [0-9]+ ms$//; s/ # skip.*$//'; }
failed_names=$(grep -E '^not ok [0-9]+ ' "$tap" | names | sort -u)
allowed=$(grep -vE '^\s*(#|$)' "$expected" | cut -f1 | sort -u)
passed=$(grep -E '^ok [0-9]+ ' "$tap" | grep -vc '# skip' || true)
skipped=$(grep -E '^ok [0-9]+ .*# skip' "$tap" | wc -l)
nfailed=$(printf '%s\n' "$failed_names" | grep -c . || true)

unexpected_fail=$(comm -23 <(printf '%s\n' "$failed_names") <(printf '%s\n' "$allowed") | grep . || true)
# A listed test that is skipped here (e.g. no criu) is neither: only a real pass counts.
passed_names=$(grep -E '^ok [0-9]+ ' "$tap" | grep -v '# skip' | names | sort -u)
unexpected_pass=$(comm -12 <(printf '%s\n' "$passed_names") <(printf '%s\n' "$allowed") | grep . || true)
bad=0
while IFS= read -r t; do
	[ -n "$t" ] || continue
	echo "peers: UNEXPECTED FAILURE: $t"
	f=$(ls "$out/outputs/" 2>/dev/null | grep -F -- "-$t.log" | head -1)
	[ -n "$f" ] && sed 's/^/    /' "$out/outputs/$f" | tail -30
	bad=$((bad + 1))
done <<<"$unexpected_fail"
while IFS= read -r t; do
	[ -n "$t" ] || continue
	echo "peers: UNEXPECTED PASS (remove it from $expected): $t"
	bad=$((bad + 1))
done <<<"$unexpected_pass"
[ -s "$out/leftovers.txt" ] && { echo "peers: the run left debris behind:"; sed 's/^/    /' "$out/leftovers.txt"; }
echo "peers: runc v1.1.5 suite: $passed passed, $nfailed failed ($((nfailed - $(printf '%s\n' "$unexpected_fail" | grep -c . || true))) expected), $skipped skipped"
echo "$((passed + nfailed - $(printf '%s\n' "$unexpected_fail" | grep -c . || true))) passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ]
