#!/usr/bin/env bash
# run.sh - boot the systemd VM (Debian 12, systemd as PID 1, pure cgroup v2) under qemu (TCG) and
# run the guest tests inside it as a systemd unit; prints TAP, fails on any `not ok`.
#
# The image (build-image.sh) is cached and booted read-only (qemu snapshot=on, so runs can share
# it). A small ext4 payload disk made with `mke2fs -d` carries the static hull, guest-run, the
# TAP helpers and the tests; hull-vm-tests.service in the image runs /payload/guest-run after
# boot, which writes TAP to the second serial port (a file here) and powers the guest off.
#
# Env: HULL            static hull binary (default: the build's ./hull)
#      GUEST_TESTS     directory of t-NN-name.sh guest tests (default tests/vm-systemd/guest)
#      HULL_VM_RUNTIMES runtimes the tests run under, in order (default "hull"; "runc hull" checks
#                      the tests themselves against runc first)
#      HULL_VM_ONLY    a grep -E pattern: run only the test files whose name matches
#      HULL_VM_TIMEOUT seconds for the whole VM (default 900)
#      HULL_VM_SD_CACHE image cache (default /var/cache/hull-vm-systemd)
#      HULL_VM_KEEP=1  keep the work dir (console.log, tap.raw)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HULL:=$top/hull}"
: "${GUEST_TESTS:=$here/guest}"
: "${HULL_VM_RUNTIMES:=hull}"
: "${HULL_VM_ONLY:=}"
: "${HULL_VM_TIMEOUT:=900}"
export HULL_VM_SD_CACHE=${HULL_VM_SD_CACHE:-/var/cache/hull-vm-systemd}

skip_all() { echo "1..0 # skip $*"; exit 0; }
is_static() { [ -f "$1" ] && ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

qemu=$(command -v qemu-system-x86_64) || skip_all "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
command -v mmdebstrap >/dev/null || skip_all "mmdebstrap not installed (scripts/install-deps.sh vm)"
command -v mke2fs >/dev/null || skip_all "mke2fs not installed (e2fsprogs)"
[ "$(id -u)" = 0 ] || skip_all "building the image needs root"
[ -x "$HULL" ] || skip_all "no hull binary at $HULL"
is_static "$HULL" || skip_all "$HULL is not statically linked (configure with the static runtime)"
[ -d "$GUEST_TESTS" ] || { echo "Bail out! no guest tests directory $GUEST_TESTS"; exit 1; }

t_start=$(date +%s)
blog=$(mktemp /tmp/hull-vm-systemd-build.XXXXXX)
img=$("$here"/build-image.sh 2>"$blog") || {
	tail -n 40 "$blog" | sed 's/^/# /'
	echo "Bail out! building the systemd VM image failed (log: $blog)"
	exit 1
}
grep '^build-image:' "$blog" | sed 's/^/# /'
rm -f "$blog"
t_image=$(date +%s)

work=$(mktemp -d /tmp/hull-vm-systemd.XXXXXX)
cleanup() { [ "${HULL_VM_KEEP:-0}" = 1 ] && echo "# kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

# --- payload disk -----------------------------------------------------------------
p=$work/payload
mkdir -p "$p/bin" "$p/tests"
cp "$HULL" "$p/bin/hull"
cp "$here/guest-run" "$p/guest-run"
cp "$top/tests/vm/guest/lib.sh" "$p/tap.sh" # the TAP helpers, shared with the pure-v2 VM
for t in "$GUEST_TESTS"/*; do
	case $(basename "$t") in
	t-*.sh) echo "$(basename "$t")" | grep -qE -- "${HULL_VM_ONLY:-.}" && cp "$t" "$p/tests/" ;;
	*) [ -f "$t" ] && cp "$t" "$p/tests/" ;; # helpers the tests source
	esac
done
echo "$HULL_VM_RUNTIMES" >"$p/runtimes"
chmod +x "$p/guest-run" "$p/bin/hull"
mke2fs -q -t ext4 -L hullpayload -d "$p" "$work/payload.img" $(($(du -sm "$p" | cut -f1) + 16))M >/dev/null ||
	{ echo "Bail out! mke2fs of the payload failed"; exit 1; }

# --- boot ------------------------------------------------------------------------------
# Two serial ports: ttyS0 is the console (systemd and kernel messages), ttyS1 carries only TAP.
: >"$work/tap.raw"
timeout --foreground -k 5 "$HULL_VM_TIMEOUT" "$qemu" -accel tcg -m 2048 -smp 2 \
	-display none -monitor none -no-reboot -nic none \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 panic=-1 quiet systemd.unified_cgroup_hierarchy=1 systemd.show_status=error" \
	-drive "file=$img/rootfs.img,format=raw,if=virtio,snapshot=on" \
	-drive "file=$work/payload.img,format=raw,if=virtio,readonly=on" \
	-serial "file:$work/console.log" -serial "file:$work/tap.raw" </dev/null >"$work/qemu.log" 2>&1
rc=$?
t_end=$(date +%s)

tr -d '\r' <"$work/tap.raw" | grep -vE '^1\.\.[0-9]+' >"$work/tap"
cat "$work/tap"
n=$(grep -cE '^(not )?ok ' "$work/tap")
echo "# host: image $((t_image - t_start)) s, VM $((t_end - t_image)) s, total $((t_end - t_start)) s"
if ! tr -d '\r' <"$work/tap.raw" | grep -qE '^1\.\.[0-9]+'; then
	echo "not ok $((n + 1)) - the VM did not finish its tests (qemu exit $rc; console tail below)"
	sed 's/^/# qemu: /' "$work/qemu.log" | tail -n 5
	tr -d '\r' <"$work/console.log" | tail -n 40 | sed 's/^/# /'
	echo "1..$((n + 1))"
	exit 1
fi
echo "1..$n"
grep -q '^not ok' "$work/tap" && exit 1
exit 0
