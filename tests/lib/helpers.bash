# helpers.bash - shared setup for hull's bats suites (real containers, as root, on a busybox rootfs).
#
# Load with `load ../lib/helpers` and call the hooks from your own setup_file/setup/teardown:
#
#   setup_file()    { hull_setup_file; }      # per-file temp --root ($HULL_ROOT) + cached rootfs
#   setup()         { hull_setup; }           # per-test bundle in $BUNDLE (config.json + rootfs)
#   teardown()      { hull_teardown; }        # delete -f every container, remove temp dirs
#   teardown_file() { hull_teardown_file; }
#
# Functions:
#   hull ARGS...             run $HULL with --root $HULL_ROOT (use as `run hull state ID`)
#   hull_setup_bundle DIR    make a bundle in DIR: rootfs (copy of the cached busybox
#                            rootfs) + config.json from `$HULL spec`, terminal false,
#                            args ["true"]
#   update_config FILTER [ARGS...]  jq FILTER (with jq ARGS, e.g. --arg k v) applied to $BUNDLE/config.json
#   set_args ARG...          process.args = the arguments
#   hull_id NAME             a unique container id: <area>-<NAME>-<pid> (area = $HULL_TEST_AREA)
#   wait_for_status ID STATUS [SECONDS]   poll `hull state` until status matches (default 5 s)
#   state_field ID FIELD     one field of `hull state ID` (jq -r .FIELD)
#   debris_snapshot          remember mount count, hull-related processes, state dirs, cgroups
#   check_no_debris          fail (printing what is left) unless all are back to the snapshot
#   need_root / need_cmd CMD skip helpers
#   refute CMD               fail if CMD succeeds (use it for `! CMD`, which bats ignores)
#
# Environment: HULL (binary, default $HULL_TOP/hull), HULL_TEST_AREA (id prefix, default
# "t"), BUSYBOX (default /bin/busybox). Everything lives under $BATS_FILE_TMPDIR or
# $BATS_TEST_TMPDIR and is removed by bats.

hull() {
	"$HULL" --root "$HULL_ROOT" "$@"
}

# `! CMD` does not fail a bats test (errexit ignores a negated command): `refute CMD` does.
refute() {
	if "$@"; then
		echo "refute: this succeeded: $*" >&2
		return 1
	fi
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "needs $1"
}

hull_setup_file() {
	export HULL=${HULL:-${HULL_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}/hull}
	export HULL_ROOT="$BATS_FILE_TMPDIR/root"
	export HULL_TEST_ROOTFS="$BATS_FILE_TMPDIR/rootfs"
	mkdir -p "$HULL_ROOT"
	"$BATS_TEST_DIRNAME/../lib/make-rootfs.sh" "$HULL_TEST_ROOTFS" >/dev/null
}

hull_setup_bundle() {
	local dir=$1
	mkdir -p "$dir"
	cp -a "$HULL_TEST_ROOTFS" "$dir/rootfs"
	(cd "$dir" && "$HULL" spec) || return 1
	local tmp
	tmp=$(mktemp "$dir/config.XXXXXX")
	jq '.process.terminal = false | .process.args = ["true"]' "$dir/config.json" >"$tmp" && mv "$tmp" "$dir/config.json"
}

hull_setup() {
	need_root
	[ -x "$HULL" ] || skip "hull binary $HULL not built"
	export BUNDLE="$BATS_TEST_TMPDIR/bundle"
	hull_setup_bundle "$BUNDLE"
}

update_config() {
	local filter=$1
	shift
	local tmp
	tmp=$(mktemp "$BUNDLE/config.XXXXXX")
	jq "$@" "$filter" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

set_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	update_config ".process.args = $json"
}

hull_id() {
	echo "${HULL_TEST_AREA:-t}-$1-$$"
}

state_field() {
	hull state "$1" 2>/dev/null | jq -r ".$2"
}

wait_for_status() {
	local id=$1 want=$2 secs=${3:-5} i
	for ((i = 0; i < secs * 20; i++)); do
		[ "$(state_field "$id" status)" = "$want" ] && return 0
		sleep 0.05
	done
	echo "container $id: status $(state_field "$id" status), wanted $want" >&2
	return 1
}

# Processes whose root or cwd lies in this test's temp dir, or that name our --root.
_hull_procs() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		case "$(readlink "$p/root" 2>/dev/null) $(readlink "$p/cwd" 2>/dev/null)" in
		*"$BATS_TEST_TMPDIR"*) echo "${p#/proc/}" ;;
		*) tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$HULL_ROOT " && echo "${p#/proc/}" ;;
		esac
	done 2>/dev/null | sort
}

_hull_cgroups() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "*${HULL_TEST_AREA:-t}-*-$$*" 2>/dev/null | sort
}

debris_snapshot() {
	DEBRIS_MOUNTS=$(wc -l </proc/self/mountinfo)
	DEBRIS_PROCS=$(_hull_procs | wc -l)
	DEBRIS_STATE=$(ls -A "$HULL_ROOT" | wc -l)
	DEBRIS_CGROUPS=$(_hull_cgroups | wc -l)
}

check_no_debris() {
	local ok=0
	[ "$(wc -l </proc/self/mountinfo)" = "$DEBRIS_MOUNTS" ] || { echo "mounts left:"; tail -n 3 /proc/self/mountinfo; ok=1; }
	[ "$(_hull_procs | wc -l)" = "$DEBRIS_PROCS" ] || { echo "processes left:"; _hull_procs | xargs -r ps -o pid,args -p; ok=1; }
	[ "$(ls -A "$HULL_ROOT" | wc -l)" = "$DEBRIS_STATE" ] || { echo "state dirs left:"; ls -A "$HULL_ROOT"; ok=1; }
	[ "$(_hull_cgroups | wc -l)" = "$DEBRIS_CGROUPS" ] || { echo "cgroups left:"; _hull_cgroups; ok=1; }
	return $ok
}

hull_teardown() {
	local id
	if [ -d "${HULL_ROOT:-}" ]; then
		for id in $(ls -A "$HULL_ROOT" 2>/dev/null); do
			hull delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	true
}

hull_teardown_file() {
	local id
	for id in $(ls -A "${HULL_ROOT:-/nonexistent}" 2>/dev/null); do
		hull delete -f "$id" >/dev/null 2>&1 || true
	done
	rm -rf "${HULL_ROOT:-/nonexistent}"
}
