#!/usr/bin/env bash
# run.sh - boot Debian's kernel under qemu (TCG) with pure cgroup v2 and run the guest cgroup tests; prints TAP.
#
# The initramfs holds busybox, the static hull and cgtool, a busybox rootfs for containers and
# tests/vm/guest/*.sh; for linux.netDevices (t-80-netdev.sh) also the libmnl hull, which is
# dynamic, with its shared libraries and loader, and the kernel's veth and dummy modules. The
# guest prints "VMTAP: <tap line>" on the serial console; this script keeps those lines and
# adds a failure if the guest never finished.
#
# Env: HULL (static hull binary), HULL_CGTOOL (static cgtool), HULL_NETDEV (the libmnl hull,
#      default build-netdev/hull next to HULL: make check-vm builds it), HULL_VM_KERNEL (a
#      vmlinuz), HULL_VM_TIMEOUT (seconds, default 270), HULL_VM_KEEP=1 keeps the work dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HULL:=$top/hull}"
: "${HULL_CGTOOL:=$(dirname "$HULL")/obj/tests/vm/cgtool}"
: "${HULL_NETDEV:=$(dirname "$HULL")/build-netdev/hull}"
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
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,mnt,newroot,tests,lib/modules,lib64}
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
# linux.netDevices: the libmnl hull as /bin/hull-netdev (stripped: a third of the size)
# with what ld.so loads for it, and veth/dummy (modules in Debian's kernel; the test probes
# them). Without it t-80-netdev.sh skips, giving the reason written here.
add_netdev_hull() {
	if [ ! -x "$HULL_NETDEV" ]; then
		echo "no libmnl hull at $HULL_NETDEV (make check-vm builds it; it needs libmnl-dev)"; return
	fi
	if is_static "$HULL_NETDEV"; then echo "$HULL_NETDEV is static (no libmnl)"; return; fi
	strip -o "$root/bin/hull-netdev" "$HULL_NETDEV" 2>/dev/null || cp "$HULL_NETDEV" "$root/bin/hull-netdev"
	local interp lib
	interp=$(readelf -l "$HULL_NETDEV" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	for lib in $interp $(ldd "$HULL_NETDEV" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
netdev_skip=$(add_netdev_hull)
[ -n "$netdev_skip" ] && echo "$netdev_skip" >"$root/tests/netdev.skip"
for m in veth dummy; do
	f=/lib/modules/$kver/kernel/drivers/net/$m.ko
	if [ -r "$f" ]; then cp "$f" "$root/lib/modules/"
	elif [ -r "$f.xz" ] && command -v xz >/dev/null; then xz -dc "$f.xz" >"$root/lib/modules/$m.ko"
	elif [ -r "$f.zst" ] && command -v zstd >/dev/null; then zstd -qdc "$f.zst" >"$root/lib/modules/$m.ko"
	fi
done
# A busybox rootfs for containers started by hull inside the VM.
rfs=$root/rootfs
mkdir -p "$rfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$busybox" "$rfs/bin/busybox"
for a in sh ls cat echo sleep true false id head dd mkdir grep seq ip; do ln -sf busybox "$rfs/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$rfs/etc/passwd"
echo "root:x:0:" >"$rfs/etc/group"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
echo "# initramfs: $(($(stat -c %s "$work/initramfs.gz") / 1024)) KiB"

# --- boot -----------------------------------------------------------------------
log=$work/console.log
t0=$(date +%s)
timeout --foreground -k 5 "$HULL_VM_TIMEOUT" "$qemu" -accel tcg -m 1024 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=1" </dev/null >"$log" 2>&1
rc=$?
echo "# qemu ran $(($(date +%s) - t0)) s"

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
