#!/usr/bin/env bash
# run.sh - run the OCI runtime conformance suite (opencontainers/runtime-tools
# "validation" programs + runtimetest) against hull, or any runtime in $RUNTIME.
#
#   tests/conformance/run.sh [PROGRAM...]      default: every validation program found
#
# Environment:
#   RUNTIME / HULL       runtime binary to test (default $HULL, else ./hull)
#   CONFORMANCE_CACHE    build + results cache (default /var/tmp/hull-conformance)
#   CONFORMANCE_SRC      a GOPATH tree holding src/github.com/opencontainers/runtime-tools
#                        with validation/ and cmd/runtimetest (see README text)
#   CONFORMANCE_TIMEOUT  seconds per program (default 120)
#   CONFORMANCE_KNOWN    list of known failures (default for hull: tests/conformance/known-failures;
#                        for other runtimes none); their failures print as XFAIL, count as skipped
#
# Each program prints TAP; we keep it in $CACHE/results/<runtime>/<program>.tap, print one
# line per program and close with "conformance: N passed, N failed, N skipped" (counts of
# TAP test points; programs that cannot run on this host are listed as skipped with the
# reason and never count as passes). Exit status: 1 if anything failed, else 0.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${CONFORMANCE_CACHE:-/var/tmp/hull-conformance}
timeout_s=${CONFORMANCE_TIMEOUT:-120}
runtime_bin=${RUNTIME:-${HULL:-$top/hull}}
[ -x "$runtime_bin" ] || runtime_bin=$(command -v "$runtime_bin" 2>/dev/null || echo "$runtime_bin")
case $runtime_bin in /*) ;; *) runtime_bin=$PWD/$runtime_bin ;; esac
rt_pkg=github.com/opencontainers/runtime-tools
bindir=$cache/bin
tag=$(basename "$runtime_bin")
resdir=$cache/results/$tag
start=$(date +%s)

say() { printf '%s\n' "$*"; }

# The suite's Go sources: Debian's golang-github-opencontainers-runtime-tools-dev ships only
# the library packages, so the validation programs come from a GOPATH tree given here.
find_src() {
	local d
	for d in "${CONFORMANCE_SRC:-}" "$top/tests/conformance/gopath" "$cache/gopath" /usr/share/gocode; do
		[ -n "$d" ] && [ -d "$d/src/$rt_pkg/validation" ] && [ -d "$d/src/$rt_pkg/cmd/runtimetest" ] && { echo "$d"; return 0; }
	done
	return 1
}

# skip_all REASON: list every known program as skipped and exit 0 (nothing ran, nothing failed).
skip_all() {
	say "conformance: SKIPPED ($1)"
	say "conformance: 0 passed, 0 failed, 1 skipped"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v go >/dev/null || skip_all "go not installed (apt-get install golang-go)"
[ -d /usr/share/gocode/src/$rt_pkg/generate ] || skip_all "golang-github-opencontainers-runtime-tools-dev not installed"
src=$(find_src) || skip_all "runtime-tools validation sources not found (set CONFORMANCE_SRC)"
[ -x "$runtime_bin" ] || skip_all "runtime $runtime_bin not found"

# --- build (cached: a binary is rebuilt only when a source in its tree is newer) ----------
export GO111MODULE=off GOFLAGS= GOPATH=$src:/usr/share/gocode GOCACHE=$cache/gocache
mkdir -p "$bindir" "$resdir"
build() { # output, package dir (relative to runtime-tools)
	local out=$1 pkg=$2
	if [ -x "$out" ] && [ -z "$(find "$src/src/$rt_pkg/$pkg" "$src/src/$rt_pkg/validation/util" -newer "$out" -name '*.go' 2>/dev/null | head -1)" ]; then
		return 0
	fi
	go build -o "$out" "$rt_pkg/$pkg" 2>"$out.build-log" || { cat "$out.build-log" >&2; return 1; }
}
build "$bindir/runtimetest" cmd/runtimetest || skip_all "runtimetest does not build"
if [ ! -f "$bindir/rootfs-amd64.tar.gz" ]; then
	rootfs=$(mktemp -d)
	chmod 0755 "$rootfs"  # tar stores "." too: user-namespaced tests need to traverse it
	sh "$top/tests/lib/make-rootfs.sh" "$rootfs" >/dev/null || { rm -rf "$rootfs"; skip_all "cannot build the busybox rootfs (apt-get install busybox-static)"; }
	tar -C "$rootfs" -czf "$bindir/rootfs-amd64.tar.gz" . && rm -rf "$rootfs"
fi

programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
	for d in "$src/src/$rt_pkg/validation"/*/; do
		d=${d%/}; d=${d##*/}
		[ "$d" = util ] || programs+=("$d")
	done
fi

# host_skip PROGRAM: print why PROGRAM cannot work on this machine (nothing if it can).
host_skip() {
	case $1 in
	linux_ns_nopath|linux_uid_mappings|linux_gid_mappings)
		[ -e /proc/self/ns/user ] && [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
			echo "kernel without user namespaces" ;;
	process_capabilities)
		# asks for every capability; a runtime cannot grant what its own bounding set lacks
		local last bnd
		last=$(cat /proc/sys/kernel/cap_last_cap 2>/dev/null || echo 40)
		bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
		[ $(( 0x$bnd )) -eq $(( (1 << (last + 1)) - 1 )) ] || echo "host bounding set lacks capabilities (CapBnd $bnd)" ;;
	linux_cgroups_*|delete_resources|delete_only_create_resources)
		[ -d /sys/fs/cgroup/pids ] || echo "needs cgroup v1 controllers mounted at /sys/fs/cgroup/<controller>" ;;
	esac
}

# sweep: remove what a program left behind (it exits early on a fatal error): containers
# whose bundle is in our TMPDIR, the bundles, and the empty cgroups of the relative-path tests.
sweep() {
	local id bundle
	for id in $("$runtime_bin" list -q 2>/dev/null); do
		bundle=$("$runtime_bin" state "$id" 2>/dev/null | sed -n 's/^ *"bundle": *"\(.*\)",*$/\1/p')
		case $bundle in "$cache/tmp"/*)
			"$runtime_bin" kill "$id" KILL >/dev/null 2>&1
			"$runtime_bin" delete -f "$id" >/dev/null 2>&1 ;;
		esac
	done
	rm -rf --one-file-system "$cache/tmp"
	rmdir /sys/fs/cgroup/*/testdir/cgrouptest /sys/fs/cgroup/*/testdir 2>/dev/null
}

# Known failures apply to hull only (CONFORMANCE_KNOWN=FILE to use another list, =/dev/null for none).
known_file=${CONFORMANCE_KNOWN:-}
[ -n "$known_file" ] || case $tag in hull*) known_file=$top/tests/conformance/known-failures ;; *) known_file=/dev/null ;; esac
known_reason() { awk -v p="$1" '$1 == p { $1 = ""; sub(/^ +/, ""); print; exit }' "$known_file" 2>/dev/null; }

passed=0 failed=0 skipped=0
prog_pass=0 prog_fail=0 prog_skip=0 prog_xfail=0
failures=() skips=() xfails=() xpasses=()
for p in "${programs[@]}"; do
	reason=$(host_skip "$p")
	if [ -n "$reason" ]; then
		say "SKIP  $p ($reason)"; skips+=("$p: $reason"); prog_skip=$((prog_skip + 1)); skipped=$((skipped + 1)); continue
	fi
	if ! build "$bindir/$p" "validation/$p"; then
		say "FAIL  $p (does not build)"; failures+=("$p: does not build"); prog_fail=$((prog_fail + 1)); failed=$((failed + 1)); continue
	fi
	tap=$resdir/$p.tap
	t0=$(date +%s)
	# Bundles go to a per-program TMPDIR we can sweep; the program runs in a private mount
	# namespace because a runtime told to share the host's mount namespace (linux_ns_itype)
	# would otherwise leave its /proc, /sys and /dev mounts on the host.
	rm -rf --one-file-system "$cache/tmp" && mkdir -p "$cache/tmp"
	(cd "$bindir" && RUNTIME=$runtime_bin TMPDIR=$cache/tmp timeout -k 5 "$timeout_s" \
		unshare -m --propagation private "./$p") >"$tap" 2>"$resdir/$p.stderr"
	rc=$?
	sweep
	secs=$(( $(date +%s) - t0 ))
	ok=$(grep -E '^ok [0-9]+' "$tap" | grep -vciE '# (skip|todo)' | tr -d ' ')
	sk=$(grep -ciE '^ok [0-9]+ # skip' "$tap" | tr -d ' ')
	no=$(grep -E '^not ok [0-9]+' "$tap" | grep -vciE '# todo' | tr -d ' ')
	status=PASS note=""
	if [ "$rc" -ne 0 ] || ! grep -qE '^1\.\.[0-9]+' "$tap"; then
		status=FAIL note="exit $rc: $(tail -n 3 "$resdir/$p.stderr" | tr '\n' ' ' | cut -c1-200)"
		[ "$no" -gt 0 ] || no=1
	elif [ "$no" -gt 0 ]; then
		status=FAIL note="$(grep -E '^not ok' "$tap" | grep -viE '# todo' | head -n 3 | tr '\n' ';' | cut -c1-300)"
	elif [ "$ok" -eq 0 ]; then
		status=SKIP note="no test ran"
	fi
	known=$(known_reason "$p")
	if [ -n "$known" ] && [ $status = FAIL ]; then
		status=XFAIL note="known: $known"
	elif [ -n "$known" ] && [ $status = PASS ]; then
		xpasses+=("$p (listed in $known_file)")
	fi
	passed=$((passed + ok))
	case $status in
	PASS) prog_pass=$((prog_pass + 1)); skipped=$((skipped + sk)) ;;
	FAIL) prog_fail=$((prog_fail + 1)); skipped=$((skipped + sk)); failed=$((failed + no)); failures+=("$p: $note") ;;
	SKIP) prog_skip=$((prog_skip + 1)); skipped=$((skipped + sk)); skips+=("$p: $note") ;;
	XFAIL) prog_xfail=$((prog_xfail + 1)); skipped=$((skipped + sk + no)); xfails+=("$p: $known") ;;
	esac
	printf '%-5s %-32s %3d ok %3d not-ok %3d skip  %3ds %s\n' "$status" "$p" "$ok" "$no" "$sk" "$secs" "$note"
done

say ""
say "runtime: $runtime_bin   results: $resdir   time: $(( $(date +%s) - start ))s"
say "programs: $prog_pass passed, $prog_fail failed, $prog_xfail known failures, $prog_skip skipped"
for f in "${failures[@]+"${failures[@]}"}"; do say "  failed: $f"; done
for f in "${xfails[@]+"${xfails[@]}"}"; do say "  known failure (not counted as failed): $f"; done
for f in "${xpasses[@]+"${xpasses[@]}"}"; do say "  XPASS: $f"; done
for s in "${skips[@]+"${skips[@]}"}"; do say "  skipped: $s"; done
say "conformance: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
