#!/bin/sh
# busybox-oci.sh OUT_DIR - hull's built-in demo image: an OCI image layout holding one
# small image made from Debian's static busybox (busybox-static), with only tar, gzip,
# sha256sum and jq: no registry, no network. Reproducible (fixed mtimes and owners).
set -eu
out=$1
bb=${BUSYBOX:-/bin/busybox}
[ -x "$bb" ] || { echo "busybox-oci: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/rootfs
mkdir -p "$r/bin" "$r/etc" "$r/root" "$r/tmp" "$r/home" "$r/dev" "$r/proc" "$r/sys" "$r/var"
cp "$bb" "$r/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
chmod 0755 "$r" "$r/bin" "$r/etc" "$r/home" "$r/dev" "$r/proc" "$r/sys" "$r/var"
chmod 0700 "$r/root"
chmod 1777 "$r/tmp"
chmod 0644 "$r/etc/passwd" "$r/etc/group"
(cd "$r" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -cf "$tmp/layer.tar" .)
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
diff_id=sha256:$(sha "$tmp/layer.tar")
gzip -n -9 "$tmp/layer.tar"
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
armv7l) arch=arm ;;
i?86) arch=386 ;;
*) arch=$(uname -m) ;;
esac
jq -cn --arg arch "$arch" --arg diff "$diff_id" '{created: "1970-01-01T00:00:00Z", architecture: $arch, os: "linux",
	config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"], WorkingDir: "/"},
	rootfs: {type: "layers", diff_ids: [$diff]},
	history: [{created: "1970-01-01T00:00:00Z", created_by: "hull mk/busybox-oci.sh (busybox-static)"}]}' >"$tmp/config.json"
L=$tmp/layout
mkdir -p "$L/blobs/sha256"
put() { h=$(sha "$1"); cp "$1" "$L/blobs/sha256/$h"; echo "$h"; }
lh=$(put "$tmp/layer.tar.gz")
ch=$(put "$tmp/config.json")
jq -cn --arg c "sha256:$ch" --argjson cs "$(size "$tmp/config.json")" --arg l "sha256:$lh" \
	--argjson ls "$(size "$tmp/layer.tar.gz")" '{schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' >"$tmp/manifest.json"
mh=$(put "$tmp/manifest.json")
jq -cn --arg m "sha256:$mh" --argjson ms "$(size "$tmp/manifest.json")" '{schemaVersion: 2,
	mediaType: "application/vnd.oci.image.index.v1+json",
	manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
		annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' >"$L/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$L" "$out"
