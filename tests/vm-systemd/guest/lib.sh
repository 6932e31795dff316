# lib.sh - helpers for the systemd-VM guest tests (sourced; bash). Each test runs once per
# runtime: RUNTIME=hull (the payload's static hull) or RUNTIME=runc (Debian's runc 1.1.5, whose
# systemd driver is the reference the assertions are written against).
#
# The TAP helpers (ok, notok, check, expect_eq, expect_fail_match, wait_until) come from the
# pure-v2 VM's tests/vm/guest/lib.sh, copied to /payload/tap.sh; ok/notok/skip are redefined here
# to tag each line with the runtime.
P=${HULL_VM_PAYLOAD:-/payload}
# shellcheck source=../../vm/guest/lib.sh
. "$P/tap.sh"
export PATH=$P/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUNTIME=${RUNTIME:-hull}
case $RUNTIME in
hull) RT_BIN=$P/bin/hull ;;
runc) RT_BIN=/usr/sbin/runc ;;
*) RT_BIN=$(command -v "$RUNTIME") ;;
esac
export RUNTIME RT_BIN

ok() { echo "ok $(_next) - [$RUNTIME] $*"; }
notok() { d=$1; shift; echo "not ok $(_next) - [$RUNTIME] $d"; for l in "$@"; do echo "$l" | sed 's/^/#   /'; done; }
skip() { echo "ok $(_next) - [$RUNTIME] $1 # skip $2"; }

# expect_match DESC PATTERN GOT: GOT matches the grep -E PATTERN.
expect_match() {
	if printf '%s\n' "$3" | grep -qE -- "$2"; then ok "$1"; else notok "$1" "want match: $2" "got: $3"; fi
}
# expect_nomatch DESC PATTERN GOT
expect_nomatch() {
	if printf '%s\n' "$3" | grep -qE -- "$2"; then notok "$1" "want no match: $2" "got: $3"; else ok "$1"; fi
}

# wait_until COND: up to 20 s for the shell condition to hold (by the clock: a probe costs a
# lot under TCG, so tap.sh's count of 100 tries can take minutes when the condition never holds).
wait_until() {
	local end=$((SECONDS + 20))
	while [ $SECONDS -lt $end ]; do eval "$1" && return 0; sleep 0.2; done
	eval "$1"
}

# The runtime under test, with its own state root so runc's and hull's containers never meet.
RTROOT=/run/hull-vm-sd/$RUNTIME
rt() { "$RT_BIN" --root "$RTROOT" "$@"; }
rts() { "$RT_BIN" --root "$RTROOT" --systemd-cgroup "$@"; }

# A busybox rootfs (busybox-static is in the image), made once per boot.
ROOTFS=/var/lib/hull-vm/rootfs
mkrootfs() {
	[ -x $ROOTFS/bin/busybox ] && return 0
	mkdir -p $ROOTFS/bin $ROOTFS/proc $ROOTFS/sys $ROOTFS/dev $ROOTFS/tmp $ROOTFS/etc $ROOTFS/root
	cp /bin/busybox $ROOTFS/bin/busybox
	chroot $ROOTFS /bin/busybox --install -s /bin # one process: forks are dear under TCG
	echo "root:x:0:0:root:/root:/bin/sh" >$ROOTFS/etc/passwd
	echo "root:x:0:" >$ROOTFS/etc/group
}

# mkbundle DIR CGROUPSPATH ARGS_JSON [RESOURCES_JSON] [ANNOTATIONS_JSON]: `runc spec`'s default
# config (the same for both runtimes) over the busybox rootfs, without a terminal.
mkbundle() {
	mkrootfs
	rm -rf "$1"; mkdir -p "$1"
	(cd "$1" && /usr/sbin/runc spec) || return 1
	jq --arg root $ROOTFS --arg cg "$2" --argjson args "$3" --argjson res "${4:-{\}}" --argjson ann "${5:-{\}}" '
		.root.path = $root | .process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg
		| .linux.resources += $res | .annotations = $ann' "$1/config.json" >"$1/config.json.new" &&
		mv "$1/config.json.new" "$1/config.json"
}

# Detached containers keep the stdio they get: give them a file, never a pipe.
run_d() { "$@" </dev/null >"/run/hull-vm-b/out-$RUNTIME" 2>&1 || { cat "/run/hull-vm-b/out-$RUNTIME"; return 1; }; }
# The cgroup of a pid as seen from the host (containers get a cgroup namespace on v2).
cg_path_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
state_of() { rt state "$1" 2>/dev/null | jq -r .status; }
pid_of() { rt state "$1" 2>/dev/null | jq -r .pid; }
# unit_prop UNIT PROP: systemctl show's value.
unit_prop() { systemctl show -p "$2" --value "$1" 2>&1; }
unit_state() { systemctl show -p ActiveState --value "$1" 2>&1; }
# unit_listed PATTERN: the units systemctl knows by that glob, loaded or not (empty when none).
unit_listed() { systemctl list-units --all --plain --no-legend "$1" 2>&1; }

# rm_ct ID: best-effort cleanup after a failed assertion, so one failure does not cascade.
rm_ct() { rt kill "$1" KILL >/dev/null 2>&1; rt delete -f "$1" >/dev/null 2>&1; true; }

# A name unique to the runtime, so runc's and hull's units never meet.
ct() { echo "${RUNTIME}-$1"; }
