# tests/registry/lib.sh - a loopback docker-registry (anonymous, htpasswd or token auth) and busybox test images.
# Source it from bats; every server binds 127.0.0.1 on a free port and is stopped by reg_stop_all.

REG_TOOLS_OK=1
for t in docker-registry skopeo umoci htpasswd python3; do
	command -v "$t" >/dev/null 2>&1 || REG_TOOLS_OK=0
done
[ -x /bin/busybox ] || REG_TOOLS_OK=0
REG_DIR_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

reg_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# reg_wait URL: wait up to 10 s for the server to answer.
reg_wait() {
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "server at $1 did not come up" >&2
	return 1
}

# reg_start NAME MODE WORKDIR [REALM_PATH]: MODE is anon, basic or token (its token server's realm
# is /token, or REALM_PATH: /token-get-only refuses the OAuth2 POST). Sets REG_<NAME>_PORT.
reg_start() {
	local name=$1 mode=$2 dir=$3/$1 realm=${4:-/token} port auth=""
	port=$(reg_free_port)
	mkdir -p "$dir/storage"
	case $mode in
	basic)
		htpasswd -Bbc "$dir/htpasswd" hulluser hullpass >/dev/null 2>&1
		auth="auth:
  htpasswd:
    realm: hull-test
    path: $dir/htpasswd"
		;;
	token)
		local tport
		tport=$(reg_free_port)
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 2 \
			-subj /CN=hull-test-token >/dev/null 2>&1 || return 1
		python3 "$REG_DIR_LIB/token_server.py" "$tport" hulluser hullpass "$dir/key.pem" "$dir/cert.pem" >"$dir/token.log" 2>&1 &
		echo $! >>"$REG_WORK/pids"
		reg_wait "http://127.0.0.1:$tport/ping" || return 1
		auth="auth:
  token:
    realm: http://127.0.0.1:$tport$realm
    service: hull-test
    issuer: hull-test-issuer
    rootcertbundle: $dir/cert.pem"
		;;
	esac
	cat >"$dir/config.yml" <<CFG
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth
CFG
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	echo $! >>"$REG_WORK/pids"
	reg_wait "http://127.0.0.1:$port/v2/" || return 1
	eval "REG_${name}_PORT=$port"
	eval "REG_${name}_STORAGE=$dir/storage"
}

reg_stop_all() {
	[ -f "$REG_WORK/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$REG_WORK/pids"
	while read -r pid; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done <"$REG_WORK/pids"
	rm -f "$REG_WORK/pids"
}

# reg_proxy NAME UPSTREAM_PORT MODE [CDN_PORT]: tests/registry/proxy.py in front of a registry. Sets REG_<NAME>_PORT.
reg_proxy() {
	local port
	port=$(reg_free_port)
	python3 "$REG_DIR_LIB/proxy.py" "$port" "$2" "$3" ${4:+"$4"} 2>"$REG_WORK/proxy-$1.log" &
	echo $! >>"$REG_WORK/pids"
	reg_wait "http://127.0.0.1:$port/v2/" || return 1
	eval "REG_${1}_PORT=$port"
}

# reg_layout DIR: an OCI layout with images built from busybox-static by umoci:
#   single (1 layer), multi (3 layers), zstdsrc (1 layer, distinct content), arm (config says arm64).
reg_layout() {
	local L=$1 b=$REG_WORK/bundle
	umoci init --layout "$L" >/dev/null
	umoci new --image "$L:single" >/dev/null
	umoci unpack --image "$L:single" "$b" >/dev/null
	mkdir -p "$b/rootfs/bin"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	ln -sf busybox "$b/rootfs/bin/sh"
	umoci repack --image "$L:single" "$b" >/dev/null
	umoci config --image "$L:single" --config.cmd /bin/sh --architecture amd64 --os linux >/dev/null
	rm -rf "$b"
	umoci unpack --image "$L:single" "$b" >/dev/null
	echo one >"$b/rootfs/one"
	umoci repack --image "$L:multi" "$b" >/dev/null
	rm -rf "$b"
	umoci unpack --image "$L:multi" "$b" >/dev/null
	mkdir -p "$b/rootfs/etc" && echo two >"$b/rootfs/etc/two"
	umoci repack --image "$L:multi" "$b" >/dev/null
	rm -rf "$b"
	umoci unpack --image "$L:single" "$b" >/dev/null
	echo zstd >"$b/rootfs/zstd-marker"
	umoci repack --image "$L:zstdsrc" "$b" >/dev/null
	rm -rf "$b"
	umoci unpack --image "$L:single" "$b" >/dev/null
	echo arm >"$b/rootfs/arm-marker"
	umoci repack --image "$L:arm" "$b" >/dev/null
	umoci config --image "$L:arm" --architecture arm64 --os linux >/dev/null
	rm -rf "$b"
}

# reg_push LAYOUT TAG PORT REPO [skopeo args...]
reg_push() {
	local L=$1 tag=$2 port=$3 repo=$4
	shift 4
	skopeo copy -q --dest-tls-verify=false "$@" "oci:$L:$tag" "docker://127.0.0.1:$port/$repo" >/dev/null
}

# reg_push_raw LAYOUT TAG PORT REPO[:TAG] [oci|docker]: push with UNCOMPRESSED layers (skopeo always compresses).
reg_push_raw() {
	python3 "$REG_DIR_LIB/push_raw.py" "$1" "$2" "http://127.0.0.1:$3" "$4" ${5:+"$5"} >/dev/null
}

# reg_push_index PORT REPO TAG: an OCI index whose FIRST entry is arm64 and second amd64.
reg_push_index() {
	local port=$1 repo=$2 tag=$3 base="http://127.0.0.1:$1/v2/$2/manifests"
	local oci=application/vnd.oci.image.manifest.v1+json
	local ad rd asz rsz
	curl -sf -H "Accept: $oci" -o "$REG_WORK/m-amd" "$base/amd" || return 1
	curl -sf -H "Accept: $oci" -o "$REG_WORK/m-arm" "$base/arm" || return 1
	ad=sha256:$(sha256sum <"$REG_WORK/m-amd" | cut -d' ' -f1)
	rd=sha256:$(sha256sum <"$REG_WORK/m-arm" | cut -d' ' -f1)
	asz=$(stat -c %s "$REG_WORK/m-amd")
	rsz=$(stat -c %s "$REG_WORK/m-arm")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"%s","digest":"%s","size":%s,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},{"mediaType":"%s","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"%s","digest":"%s","size":%s,"platform":{"architecture":"unknown","os":"unknown"}}]}' \
		"$oci" "$rd" "$rsz" "$oci" "$ad" "$asz" "$oci" "$rd" "$rsz" >"$REG_WORK/index.json"
	curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" --data-binary "@$REG_WORK/index.json" "$base/$tag" >/dev/null
}
