#!/bin/sh
# install-deps.sh - install the Debian 12 packages hull needs to build, test and demo.
# Usage: scripts/install-deps.sh [build|test|peers|ci|all]   (default: all)
set -e
what=${1:-all}
build="autoconf automake pkg-config gcc make libc6-dev libyajl-dev libseccomp-dev libcap-dev libdbus-1-dev libmnl-dev
 check libcurl4-openssl-dev libarchive-dev libssl-dev zlib1g-dev libzstd-dev busybox-static jq"
test="bats iproute2 util-linux bsdutils procps python3 runc crun valgrind clang libclang-rt-14-dev hyperfine time strace zstd"
vm="qemu-system-x86 linux-image-amd64 cpio mmdebstrap e2fsprogs"
peers="bats jq gawk bsdutils criu golang-go libseccomp2"
daemons="containerd docker.io buildah podman skopeo umoci docker-registry apache2-utils curl openssl python3-grpcio containernetworking-plugins iproute2"
case "$what" in
build) pkgs=$build ;;
test) pkgs="$build $test" ;;
all) pkgs="$build $test $vm $daemons $peers" ;;
peers) pkgs="$build $peers" ;;
ci) pkgs="$build $test $daemons $peers" ;;
*) echo "usage: $0 [build|test|peers|ci|all]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
