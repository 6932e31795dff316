#!/bin/sh
# oci-image.sh ARCHIVE NAME [USER [CMD_JSON]] - build a one-layer busybox OCI image archive for the daemon tests.
#
# ARCHIVE is written as an OCI image layout in a tar file (what `ctr image import`,
# `podman load` and `skopeo copy oci-archive:` read). NAME is the full reference the image
# should get (e.g. docker.io/hulltest/busybox:latest): it goes into the index as the
# containerd name annotation and its tag as org.opencontainers.image.ref.name. USER, when
# given (may be ""), becomes the image config's User (the rootfs has a user "app" 1000:1000
# and a group "app" 1000 for that). CMD_JSON replaces the default Cmd ["sh"] (e.g.
# '["sleep","2147483647"]' for a CRI sandbox "pause" image). The rootfs comes from make-rootfs.sh (Debian's static busybox).
# OCI_IMAGE_ADD=FILE:DEST (environment) copies FILE into the rootfs as DEST (e.g. a static pause).
# No network, no tools beyond tar, sha256sum and jq; output is deterministic for a given busybox.
set -eu
archive=${1:?usage: oci-image.sh ARCHIVE NAME [USER [CMD_JSON]]}
name=${2:?usage: oci-image.sh ARCHIVE NAME [USER [CMD_JSON]]}
user=${3:-}
cmd=${4:-'["sh"]'}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/oci-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$here/make-rootfs.sh" "$work/rootfs" >/dev/null
echo 'app:x:1000:1000:app:/tmp:/bin/sh' >>"$work/rootfs/etc/passwd"
echo 'app:x:1000:' >>"$work/rootfs/etc/group"
if [ -n "${OCI_IMAGE_ADD:-}" ]; then
	cp "${OCI_IMAGE_ADD%%:*}" "$work/rootfs/${OCI_IMAGE_ADD#*:}"
fi

blobs=$work/layout/blobs/sha256
mkdir -p "$blobs"
# put FILE into the blob store, print its digest
blob() {
	d=$(sha256sum "$1" | cut -d' ' -f1)
	mv "$1" "$blobs/$d"
	echo "$d"
}
size() { stat -c %s "$blobs/$1"; }

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" .
layer=$(blob "$work/layer.tar")

case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac
jq -n --arg diff "sha256:$layer" --arg user "$user" --arg arch "$arch" --argjson cmd "$cmd" '{
	architecture: $arch, os: "linux", created: "1970-01-01T00:00:00Z",
	config: ({
		Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		Cmd: $cmd, WorkingDir: "/"
	} + (if $user == "" then {} else {User: $user} end)),
	rootfs: {type: "layers", diff_ids: [$diff]},
	history: [{created: "1970-01-01T00:00:00Z", created_by: "tests/lib/oci-image.sh"}]
}' >"$work/config.json"
config=$(blob "$work/config.json")

jq -n --arg c "sha256:$config" --argjson cs "$(size "$config")" \
	--arg l "sha256:$layer" --argjson ls "$(size "$layer")" '{
	schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
}' >"$work/manifest.json"
manifest=$(blob "$work/manifest.json")

jq -n --arg m "sha256:$manifest" --argjson ms "$(size "$manifest")" --arg name "$name" --arg arch "$arch" '{
	schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
	manifests: [{
		mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
		platform: {architecture: $arch, os: "linux"},
		annotations: {
			"io.containerd.image.name": $name,
			"org.opencontainers.image.ref.name": ($name | sub("^.*:"; ""))
		}
	}]
}' >"$work/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/layout" -cf "$archive" .
