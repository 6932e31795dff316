#!/bin/sh
# make-rootfs.sh DIR - build a minimal busybox root filesystem in DIR for the integration tests.
#
# Uses Debian's static busybox (package busybox-static, /bin/busybox): copies it to
# DIR/bin/busybox and makes a symlink per applet in DIR/bin (sh, echo, cat, ls, id,
# sleep, true, false, ps, mount, hostname, ...). Adds /etc/passwd and /etc/group with
# root, daemon and nobody, and empty mount points (proc sys dev tmp run). Idempotent;
# exits non-zero when busybox is missing or dynamically linked.
set -eu
dir=${1:?usage: make-rootfs.sh DIR}
bb=${BUSYBOX:-/bin/busybox}
[ -x "$bb" ] || { echo "make-rootfs.sh: $bb not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$bb" >/dev/null 2>&1; then
	echo "make-rootfs.sh: $bb is not static (install busybox-static)" >&2; exit 1
fi
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/etc" "$dir/proc" "$dir/sys" \
	"$dir/dev" "$dir/tmp" "$dir/root" "$dir/run" "$dir/var"
chmod 1777 "$dir/tmp"
cp "$bb" "$dir/bin/busybox"
for applet in $("$bb" --list); do
	[ "$applet" = busybox ] && continue
	[ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$dir/etc/group" <<'GR'
root:x:0:
daemon:x:1:
nogroup:x:65534:
GR
echo hull-test >"$dir/etc/hostname"
