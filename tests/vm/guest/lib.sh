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
# expect_match DESC PATTERN CMD...: CMD must succeed and print PATTERN (grep -E).
expect_match() {
	d=$1 pat=$2; shift 2
	if ! out=$("$@" 2>&1); then notok "$d" "command failed: $*" "$out"
	elif echo "$out" | grep -qE -- "$pat"; then ok "$d"
	else notok "$d" "want output matching: $pat" "got: $out"; fi
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
# Containers: a bundle at $1 over the busybox /rootfs, with linux.resources $2, process args
# $3 (a JSON array), extra mounts $4 and extra linux.namespaces $5 (JSON objects, comma-led)
# and extra linux members $6 (comma-led). cgroupsPath /hull-vm-ct/<name>.
HROOT=/run/hull-vm
h() { hull --root $HROOT "$@"; }
mkbundle() {
	mkdir -p "$1"
	[ -e "$1/rootfs" ] || ln -s /rootfs "$1/rootfs"
	cat >"$1/config.json" <<JSON
{"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":$3,
 "env":["PATH=/bin"],"cwd":"/"},"root":{"path":"rootfs"},"hostname":"vm",
 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
  {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755"]}${4:-}],
 "linux":{"cgroupsPath":"/hull-vm-ct/$(basename "$1")",
  "namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"}${5:-}],
  "resources":$2${6:-}}}
JSON
}
# Start detached; the container keeps the stdio it gets, so give it a file, never a pipe.
start_ct() { # bundle id
	h run -d --bundle "$1" "$2" </dev/null >/tmp/ct-$2.out 2>&1
}
state_of() { h state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
pid_of() { h state "$1" 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# wait_until COND: up to ~10 s for the shell condition to hold (TCG is slow).
wait_until() { i=0; while [ $i -lt 100 ]; do eval "$1" && return 0; sleep 0.1; i=$((i + 1)); done; eval "$1"; }
