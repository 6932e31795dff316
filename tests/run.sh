#!/usr/bin/env bash
# run.sh - run hull's test suites and print one closing "N passed, N failed, N skipped" line.
#
#   tests/run.sh [SUITE...]    suites: unit integration faults hl vm daemons (default: all present)
#
# Each suite reports through its own runner (Check, bats TAP); this script only counts.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${HULL:=$top/hull}" "${HULL_IMAGE:=$top/hull-image}" "${HULL_UNIT_DIR:=$top/obj/tests/unit}"
export HULL HULL_IMAGE HULL_UNIT_DIR HULL_TOP=$top
passed=0 failed=0 skipped=0
failures=()

count_tap() { # file, suite name
	local f=$1 name=$2 p f_ s
	p=$(grep -cE '^ok [0-9]+' "$f" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+ .*# skip' "$f" | tr -d ' ')
	f_=$(grep -cE '^not ok [0-9]+' "$f" | tr -d ' ')
	passed=$((passed + p - s)); skipped=$((skipped + s)); failed=$((failed + f_))
	while IFS= read -r line; do failures+=("$name: ${line#not ok }"); done < <(grep -E '^not ok [0-9]+' "$f")
	# A runner that died before printing its plan counts as a failure.
	if ! grep -qE '^1\.\.[0-9]+' "$f"; then failed=$((failed + 1)); failures+=("$name: runner produced no plan"); fi
}

run_unit() {
	local t out
	for t in "$HULL_UNIT_DIR"/test_*; do
		[ -x "$t" ] || continue
		out=$(mktemp)
		CK_TAP_LOG_FILE_NAME=- CK_VERBOSITY=silent "$t" >"$out" 2>&1
		local rc=$?
		cat "$out"
		count_tap "$out" "unit/$(basename "$t")"
		[ $rc -eq 0 ] || [ "$(grep -c '^not ok' "$out")" -gt 0 ] || { failed=$((failed + 1)); failures+=("unit/$(basename "$t"): exit $rc"); }
		rm -f "$out"
	done
}

run_bats_dir() { # dir
	local d=$1 f out
	compgen -G "$d/*.bats" >/dev/null || return 0
	for f in "$d"/*.bats; do
		out=$(mktemp)
		echo "# bats $f"
		bats --tap "$f" 2>&1 | tee "$out"
		count_tap "$out" "$f"
		rm -f "$out"
	done
}

run_vm() {
	[ -x tests/vm/run.sh ] || return 0
	out=$(mktemp)
	tests/vm/run.sh 2>&1 | tee "$out"
	count_tap "$out" "vm"
	rm -f "$out"
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit integration faults hl vm daemons)
for s in "${suites[@]}"; do
	echo "### suite: $s"
	case $s in
	unit) run_unit ;;
	integration) run_bats_dir tests/integration ;;
	faults) run_bats_dir tests/faults ;;
	hl) run_bats_dir tests/hl ;;
	vm) run_vm ;;
	daemons) run_bats_dir tests/daemons ;;
	*) echo "unknown suite $s" >&2; failed=$((failed + 1)) ;;
	esac
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "### failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
