#!/usr/bin/env bash
# build-image.sh - make (or find in the cache) the systemd VM: a Debian 12 root filesystem with
# systemd as init, dbus, containerd, podman, runc and crun, and its own kernel and initrd.
#
#   tests/vm-systemd/build-image.sh      prints the image directory (rootfs.img, vmlinuz, initrd.img)
#
# Built with mmdebstrap from this machine's Debian apt sources, then written into an ext4 file
# with `mke2fs -d`. The cache key is a hash of this script (which holds the package list and the
# guest's unit), so editing it makes a new image; images unused for 3 days are removed.
# Env: HULL_VM_SD_CACHE (default /var/cache/hull-vm-systemd).
set -euo pipefail
cache=${HULL_VM_SD_CACHE:-/var/cache/hull-vm-systemd}

# The image content. containerd/podman/runc/crun are the managers and runtimes the tests drive;
# busybox-static becomes the containers' rootfs; linux-image-amd64 + initramfs-tools give the
# guest its own kernel and an initrd with the virtio/ext4 modules (Debian builds them as modules).
packages="systemd systemd-sysv udev dbus kmod containerd podman conmon crun runc
 golang-github-containers-common iproute2 procps jq util-linux busybox-static e2fsprogs
 linux-image-amd64 initramfs-tools"

key=$( (cat "$0"; uname -m) | sha256sum | cut -c1-16)
dir=$cache/$key
if [ -s "$dir/rootfs.img" ] && [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ]; then
	touch "$dir" # in use: see the pruning below
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another run may be building the same key
if [ -s "$dir/rootfs.img" ]; then echo "$dir"; exit 0; fi

# This machine's Debian sources (deb822 .sources or one-line lists), bookworm suites only.
sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN{RS=""; FS="\n"} {
			uris=""; suites=""; comps="main"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
				if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
				if ($i ~ /^Components:/) { comps = $i; sub(/^Components:[ \t]*/, "", comps) }
				if ($i ~ /^Types:/ && $i !~ /deb( |$)/) { uris = "" }
			}
			n = split(suites, s, /[ \t]+/); m = split(uris, u, /[ \t]+/)
			for (j = 1; j <= m; j++) for (k = 1; k <= n; k++)
				if (s[k] ~ /^bookworm/) print "deb " u[j] " " s[k] " " comps
		}' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 !~ /\[/ && $3 ~ /^bookworm/ {print}'
}
mapfile -t mirrors < <(sources | sort -u)
if [ ${#mirrors[@]} -eq 0 ]; then
	mirrors=("deb http://deb.debian.org/debian bookworm main"
		"deb http://deb.debian.org/debian bookworm-updates main"
		"deb http://deb.debian.org/debian-security bookworm-security main")
fi

tmp=$(mktemp -d "$cache/.build-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
t0=$(date +%s)
echo "build-image: mmdebstrap into $root (${#mirrors[@]} sources)" >&2

# The guest's side of the harness, baked into the image: the payload disk (label hullpayload)
# carries the hull binary and tests; hull-vm-tests.service runs its guest-run once the system is
# up and powers off either way. Keep this in the script: the cache key hashes it.
unit='[Unit]
Description=hull systemd-VM tests
Wants=dbus.service
After=dbus.service basic.target systemd-user-sessions.service
RequiresMountsFor=/payload
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/payload/guest-run
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target'

# shellcheck disable=SC2016 # the hooks are run by mmdebstrap with $1 = the root
# In a private mount namespace: mmdebstrap mounts /proc, /sys and /dev into the root it builds.
unshare -m --propagation private mmdebstrap --variant=apt --mode=root --format=directory \
	--aptopt='APT::Install-Recommends "false"' \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--include="$(echo $packages | tr ' ' ',')" \
	--setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"' \
	--setup-hook='printf "MODULES=list\nCOMPRESS=zstd\n" >"$1/etc/initramfs-tools/conf.d/hull-vm.conf"' \
	--setup-hook='printf "#!/bin/sh\n[ \"\$1\" = prereqs ] && exit 0\n. /usr/share/initramfs-tools/hook-functions\nmanual_add_modules virtio_pci virtio_blk ext4 crc32c_generic\n" >"$1/etc/initramfs-tools/hooks/hull-vm"; chmod +x "$1/etc/initramfs-tools/hooks/hull-vm"' \
	--customize-hook="printf '%s\n' '$unit' >\"\$1/etc/systemd/system/hull-vm-tests.service\"" \
	--customize-hook='chroot "$1" systemctl enable hull-vm-tests.service' \
	--customize-hook='chroot "$1" systemctl disable containerd.service || true' \
	--customize-hook='for u in serial-getty@ttyS0.service getty@tty1.service getty.target apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer systemd-timesyncd.service podman-auto-update.timer podman-restart.service podman-clean-transient.service; do chroot "$1" systemctl mask "$u" >/dev/null 2>&1 || true; done' \
	--customize-hook='echo hull-sd-vm >"$1/etc/hostname"; echo "127.0.0.1 localhost hull-sd-vm" >"$1/etc/hosts"' \
	--customize-hook='printf "/dev/vda / ext4 rw,noatime 0 1\nLABEL=hullpayload /payload ext4 ro,nofail,x-systemd.device-timeout=30s 0 0\n" >"$1/etc/fstab"; mkdir -p "$1/payload"' \
	--customize-hook='chroot "$1" passwd --delete root' \
	--customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*_Packages* "$1"/usr/lib/modules/*/kernel/sound; for d in gpu media infiniband staging net/wireless bluetooth; do rm -rf "$1"/usr/lib/modules/*/kernel/drivers/$d; done' \
	bookworm "$root" "${mirrors[@]}" >&2

cp -L "$root"/boot/vmlinuz-* "$tmp/vmlinuz"
cp -L "$root"/boot/initrd.img-* "$tmp/initrd.img"
size_mb=$(( $(du -sm "$root" | cut -f1) * 13 / 10 + 512 ))
mke2fs -q -t ext4 -L hullroot -d "$root" "$tmp/rootfs.img" "${size_mb}M" >&2
rm -rf "$root"
# Images of other keys (older versions of this script, another worktree's) unused for 3 days.
find "$cache" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' -mtime +2 -exec rm -rf {} +
mv "$tmp" "$dir"
trap - EXIT
echo "build-image: $dir in $(($(date +%s) - t0)) s ($(du -sh "$dir" | cut -f1) sparse)" >&2
echo "$dir"
