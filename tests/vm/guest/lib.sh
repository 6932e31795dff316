# lib.sh - TAP helpers for the guest tests (sourced). Numbers continue across scripts via /tmp/.tapn.
export PATH=/bin:/sbin
_next() { n=$(($(cat /tmp/.tapn) + 1)); echo $n >/tmp/.tapn; echo $n; }
ok() { echo "ok $(_next) - $*"; }
notok() { echo "not ok $(_next) - $1"; shift; for l in "$@"; do echo "$l" | sed 's/^/#   /'; done; }
skip() { echo "ok $(_next) - $1 # skip $2"; }
# check DESC CMD...: ok when CMD succeeds; its output becomes the diagnostic otherwise.
check() {
	d=$1; shift
	if out=$("$@" 2>&1); then ok "$d"; else notok "$d" "command: $*" "$out"; fi
}
# expect_eq DESC WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "want: $2" "got:  $3"; fi
}
# expect_fail_match DESC PATTERN CMD...: CMD must fail and print PATTERN (grep -E).
expect_fail_match() {
	d=$1 pat=$2; shift 2
	if out=$("$@" 2>&1); then notok "$d" "command unexpectedly succeeded: $*" "$out"
	elif echo "$out" | grep -qE -- "$pat"; then ok "$d"
	else notok "$d" "want error matching: $pat" "got: $out"; fi
}
CG=/sys/fs/cgroup
have_cgtool() { command -v cgtool >/dev/null; }
