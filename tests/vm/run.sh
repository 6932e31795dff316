#!/usr/bin/env bash
# run.sh - boot Debian's kernel under qemu (TCG) with pure cgroup v2 and run the guest cgroup tests; prints TAP.
#
# The initramfs holds busybox, the static hull and cgtool, a busybox rootfs for containers and
# tests/vm/guest/*.sh. The guest prints "VMTAP: <tap line>" on the serial console; this script
# keeps those lines and adds a failure if the guest never finished.
#
# Env: HULL (static hull binary), HULL_CGTOOL (static cgtool), HULL_VM_KERNEL (a vmlinuz),
#      HULL_VM_TIMEOUT (seconds, default 270), HULL_VM_KEEP=1 keeps the work dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HULL:=$top/hull}"
: "${HULL_CGTOOL:=$(dirname "$HULL")/obj/tests/vm/cgtool}"
: "${HULL_VM_TIMEOUT:=270}"

skip_all() { echo "1..0 # skip $*"; exit 0; }

# The newest /boot/vmlinuz-* (Debian's linux-image-amd64 installs one per ABI).
find_kernel() {
	if [ -n "${HULL_VM_KERNEL:-}" ]; then echo "$HULL_VM_KERNEL"; return; fi
	local k
	k=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)
	[ -n "$k" ] && [ -r "$k" ] && echo "$k"
}

# Static: no program interpreter (readelf comes with binutils, which gcc pulls in).
is_static() { [ -f "$1" ] && ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

qemu=$(command -v qemu-system-x86_64) || skip_all "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
kernel=$(find_kernel) || skip_all "no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
[ -n "$kernel" ] || skip_all "no /boot/vmlinuz-* (apt-get install linux-image-amd64)"
command -v cpio >/dev/null || skip_all "cpio not installed"
busybox=$(command -v busybox) || skip_all "busybox not installed (busybox-static)"
is_static "$busybox" || skip_all "$busybox is not static (install busybox-static)"
[ -x "$HULL" ] || skip_all "no hull binary at $HULL"
is_static "$HULL" || skip_all "$HULL is not statically linked (configure with the static runtime)"
[ -r /dev/kvm ] && : # TCG on purpose: KVM is not usable on the test machines

work=$(mktemp -d /tmp/hull-vm.XXXXXX)
cleanup() { [ "${HULL_VM_KEEP:-0}" = 1 ] && echo "# kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

# --- initramfs ---------------------------------------------------------------
root=$work/initramfs
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,mnt,newroot,tests,lib/modules}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
cp "$HULL" "$root/bin/hull"
if [ -x "$HULL_CGTOOL" ] && is_static "$HULL_CGTOOL"; then cp "$HULL_CGTOOL" "$root/bin/cgtool"; fi
cp "$here"/guest/init "$root/init"
cp "$here"/guest/*.sh "$root/tests/"
chmod +x "$root/init" "$root"/tests/*.sh
# brd gives the io tests a real block device (/dev/ram0); Debian ships it as a module.
kver=$(basename "$kernel" | sed 's/^vmlinuz-//')
for m in /lib/modules/"$kver"/kernel/drivers/block/brd.ko; do
	[ -r "$m" ] && cp "$m" "$root/lib/modules/"
done
# A busybox rootfs for containers started by hull inside the VM.
rfs=$root/rootfs
mkdir -p "$rfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$busybox" "$rfs/bin/busybox"
for a in sh ls cat echo sleep true false id head dd mkdir grep seq; do ln -sf busybox "$rfs/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$rfs/etc/passwd"
echo "root:x:0:" >"$rfs/etc/group"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

# --- boot -----------------------------------------------------------------------
log=$work/console.log
timeout --foreground -k 5 "$HULL_VM_TIMEOUT" "$qemu" -accel tcg -m 1024 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=1" </dev/null >"$log" 2>&1
rc=$?

tr -d '\r' <"$log" | sed -n 's/^.*VMTAP: //p' >"$work/tap"
cat "$work/tap"
if ! grep -qE '^1\.\.[0-9]+' "$work/tap"; then
	n=$(grep -cE '^(not )?ok ' "$work/tap")
	echo "not ok $((n + 1)) - the VM did not finish its tests (qemu exit $rc; console tail below)"
	tail -n 30 "$log" | tr -d '\r' | sed 's/^/# /'
	echo "1..$((n + 1))"
	exit 1
fi
grep -q '^not ok' "$work/tap" && exit 1
exit 0
