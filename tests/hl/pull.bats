#!/usr/bin/env bats
# pull.bats - `hull image pull` against Debian's docker-registry on loopback: formats, platforms, auth,
# tampered and cut blobs, concurrency, interruption; plus ls/inspect/rm/prune on the result.

HL=${HULL_IMAGE:-hull-image}

setup_file() {
	load ../registry/lib.sh
	[ "$REG_TOOLS_OK" = 1 ] || return 0
	export REG_WORK=$(mktemp -d /tmp/hl-pull.XXXXXX)
	reg_layout "$REG_WORK/L"
	reg_start A anon "$REG_WORK"
	reg_start B basic "$REG_WORK"
	reg_start T token "$REG_WORK"
	reg_start G token "$REG_WORK" /token-get-only
	local L=$REG_WORK/L
	reg_push "$L" single "$REG_A_PORT" test/single
	reg_push "$L" multi "$REG_A_PORT" test/multi
	reg_push "$L" single "$REG_A_PORT" test/v2s2 --format v2s2
	reg_push "$L" zstdsrc "$REG_A_PORT" test/zstd --dest-compress-format zstd
	reg_push "$L" single "$REG_A_PORT" test/idx:amd
	reg_push "$L" arm "$REG_A_PORT" test/idx:arm
	reg_push_index "$REG_A_PORT" test/idx latest
	reg_push "$L" multi "$REG_B_PORT" test/multi --dest-creds hulluser:hullpass
	reg_push "$L" multi "$REG_T_PORT" test/multi --dest-creds hulluser:hullpass
	reg_push "$L" single "$REG_G_PORT" test/single --dest-creds hulluser:hullpass
	reg_push_raw "$L" multi "$REG_A_PORT" test/raw
	reg_push_raw "$L" single "$REG_A_PORT" test/rawdocker docker
	reg_proxy CUT "$REG_A_PORT" cut
	reg_proxy BAD "$REG_A_PORT" tamper
	# registry B (basic auth) whose blobs redirect to a "cdn" serving registry A's copy
	reg_proxy DCD "$REG_A_PORT" baddcd
	reg_proxy FLAKY "$REG_A_PORT" flaky
	reg_proxy CDN "$REG_A_PORT" cdn
	reg_proxy RED "$REG_B_PORT" redirect "$REG_CDN_PORT"
	export REG_A_PORT REG_B_PORT REG_T_PORT REG_G_PORT REG_CUT_PORT REG_BAD_PORT REG_CDN_PORT REG_RED_PORT REG_DCD_PORT REG_FLAKY_PORT
}

teardown_file() {
	load ../registry/lib.sh
	[ -n "$REG_WORK" ] || return 0
	reg_stop_all
	rm -rf "$REG_WORK"
}

setup() {
	load ../registry/lib.sh
	[ "$REG_TOOLS_OK" = 1 ] || skip "needs docker-registry skopeo umoci apache2-utils busybox-static"
	STORE=$(mktemp -d /tmp/hl-store.XXXXXX)
	A=127.0.0.1:$REG_A_PORT
}

teardown() {
	[ -z "$STORE" ] || rm -rf "$STORE"
}

hl() { "$HL" --store "$STORE" "$@"; }

# A fake credential helper docker-credential-hulltest in $STORE/bin; HULLTEST_MODE picks its answer:
# ok (hulluser/hullpass), token (an identity token), badtoken, notfound, fail. Servers asked go to $STORE/asked.
fake_helper() {
	mkdir -p "$STORE/bin" "$STORE/home/.docker"
	cat >"$STORE/bin/docker-credential-hulltest" <<'SH'
#!/bin/sh
[ "$1" = get ] || exit 2
server=$(cat)
echo "$server" >>"$(dirname "$0")/../asked"
case ${HULLTEST_MODE:-ok} in
ok) printf '{"ServerURL":"%s","Username":"hulluser","Secret":"hullpass"}\n' "$server" ;;
token) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hull-refresh-token"}\n' "$server" ;;
badtoken) printf '{"ServerURL":"%s","Username":"<token>","Secret":"stale"}\n' "$server" ;;
notfound) echo "credentials not found in native keychain"; exit 1 ;;
*) echo "boom: keychain locked" >&2; exit 3 ;;
esac
SH
	chmod +x "$STORE/bin/docker-credential-hulltest"
}

# hl with HOME=$STORE/home (config.json there) and the fake helper on PATH
hl_home() { HOME=$STORE/home XDG_RUNTIME_DIR= XDG_CONFIG_HOME= REGISTRY_AUTH_FILE= PATH=$STORE/bin:$PATH hl "$@"; }

# media type of layer i of a stored image
layer_type() {
	hl inspect "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['manifest']['layers'][$2]['mediaType'])"
}

no_partial_blobs() {
	# every visible blob matches its name
	for f in "$STORE"/blobs/sha256/*; do
		[ -e "$f" ] || continue
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || { echo "bad blob $f"; return 1; }
	done
}

@test "pull: single-layer OCI image into an OCI layout skopeo can read" {
	run hl pull "$A/test/single"
	[ "$status" -eq 0 ]
	grep -q '"imageLayoutVersion"' "$STORE/oci-layout"
	grep -q "org.opencontainers.image.ref.name" "$STORE/index.json"
	run hl ls
	[[ "$output" == *"$A/test/single:latest"* ]]
	no_partial_blobs
	skopeo inspect "oci:$STORE:$A/test/single:latest" >/dev/null
}

@test "pull: multi-layer image, --quiet prints only the id" {
	run hl pull --quiet "$A/test/multi"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	run hl inspect "$A/test/multi"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["manifest"]["layers"]))')" = 3 ]
}

@test "pull: Docker schema 2 manifest is stored verbatim" {
	run hl pull "$A/test/v2s2"
	[ "$status" -eq 0 ]
	want=$(curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$A/v2/test/v2s2/manifests/latest" | sha256sum | cut -d' ' -f1)
	[ "$(echo "$output" | tail -1)" = "sha256:$want" ]
	[ -f "$STORE/blobs/sha256/$want" ]
}

@test "pull: zstd and gzip layers" {
	run hl pull "$A/test/zstd"
	[ "$status" -eq 0 ]
	[ "$(layer_type "$A/test/zstd" 1)" = application/vnd.oci.image.layer.v1.tar+zstd ]
	[ "$(layer_type "$A/test/zstd" 0)" = application/vnd.oci.image.layer.v1.tar+gzip ]
}

@test "pull: index with arm64 first picks amd64, --platform linux/arm64 picks arm64, attestation skipped" {
	[ "$(uname -m)" = x86_64 ] || skip "expects an amd64 host"
	run hl pull "$A/test/idx"
	[ "$status" -eq 0 ]
	run hl inspect "$A/test/idx"
	[[ "$output" == *'"architecture":"amd64"'* ]]
	run hl pull --platform linux/arm64 "$A/test/idx"
	[ "$status" -eq 0 ]
	run hl inspect "$A/test/idx"
	[[ "$output" == *'"architecture":"arm64"'* ]]
	run hl pull --platform linux/s390x "$A/test/idx"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no image for platform linux/s390x"* ]]
}

@test "pull: basic auth with credentials from auth.json, wrong password gives a clear 401" {
	B=127.0.0.1:$REG_B_PORT
	run hl pull "$B/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"401"* ]]
	echo '{"auths":{"'"$B"'":{"auth":"'"$(printf hulluser:wrong | base64)"'"}}}' >"$STORE/auth.json"
	REGISTRY_AUTH_FILE=$STORE/auth.json run hl pull "$B/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"401 unauthorized (wrong username or password?)"* ]]
	echo '{"auths":{"'"$B"'":{"auth":"'"$(printf hulluser:hullpass | base64)"'"}}}' >"$STORE/auth.json"
	REGISTRY_AUTH_FILE=$STORE/auth.json run hl pull "$B/test/multi"
	[ "$status" -eq 0 ]
}

@test "pull: bearer token auth from ~/.docker/config.json" {
	T=127.0.0.1:$REG_T_PORT
	mkdir -p "$STORE/home/.docker"
	echo '{"auths":{"'"$T"'":{"auth":"'"$(printf hulluser:hullpass | base64)"'"}}}' >"$STORE/home/.docker/config.json"
	HOME=$STORE/home XDG_RUNTIME_DIR= XDG_CONFIG_HOME= run hl pull "$T/test/multi"
	[ "$status" -eq 0 ]
	run hl pull --creds hulluser:nope "$T/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"401"* ]]
}

@test "pull: credHelpers per registry, credsStore as the default, auths when a registry has no helper" {
	fake_helper
	B=127.0.0.1:$REG_B_PORT T=127.0.0.1:$REG_T_PORT
	echo '{"credHelpers":{"'"$B"'":"hulltest"},"auths":{"'"$B"'":{"auth":"'"$(printf hulluser:wrong | base64)"'"}}}' >"$STORE/home/.docker/config.json"
	run hl_home pull -q "$B/test/multi"
	[ "$status" -eq 0 ]
	[ "$(cat "$STORE/asked")" = "$B" ]
	# credsStore answers for a registry without its own entry
	rm -f "$STORE/asked"
	echo '{"credsStore":"hulltest","auths":{"'"$T"'":{}}}' >"$STORE/home/.docker/config.json"
	run hl_home pull -q "$T/test/multi"
	[ "$status" -eq 0 ]
	[ "$(cat "$STORE/asked")" = "$T" ]
	# a helper for another registry only: the auths entry is used and no helper runs
	rm -f "$STORE/asked"
	echo '{"credHelpers":{"quay.io":"hulltest"},"auths":{"'"$B"'":{"auth":"'"$(printf hulluser:hullpass | base64)"'"}}}' >"$STORE/home/.docker/config.json"
	run hl_home pull -q "$B/test/multi"
	[ "$status" -eq 0 ]
	[ ! -e "$STORE/asked" ]
	# auth.json (REGISTRY_AUTH_FILE) takes credHelpers too
	echo '{"credHelpers":{"'"$B"'":"hulltest"}}' >"$STORE/auth.json"
	REGISTRY_AUTH_FILE=$STORE/auth.json PATH=$STORE/bin:$PATH run hl pull -q "$B/test/multi"
	[ "$status" -eq 0 ]
	[ "$(cat "$STORE/asked")" = "$B" ]
}

@test "pull: credential helper missing, failing or without credentials gives a clear message" {
	fake_helper
	B=127.0.0.1:$REG_B_PORT
	echo '{"credHelpers":{"'"$B"'":"nosuchhelper"}}' >"$STORE/home/.docker/config.json"
	run hl_home pull -q "$B/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *'docker-credential-nosuchhelper not found in $PATH'* ]]
	echo '{"credHelpers":{"'"$B"'":"hulltest"}}' >"$STORE/home/.docker/config.json"
	HULLTEST_MODE=fail run hl_home pull -q "$B/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"docker-credential-hulltest get (for $B): exit status 3: boom: keychain locked"* ]]
	HULLTEST_MODE=notfound run hl_home pull -q "$B/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"401 unauthorized: the registry wants a login (no credentials found; docker-credential-hulltest has no credentials for $B)"* ]]
	# "not found" is not an error: an anonymous registry still pulls
	A=127.0.0.1:$REG_A_PORT
	echo '{"credsStore":"hulltest"}' >"$STORE/home/.docker/config.json"
	HULLTEST_MODE=notfound run hl_home pull -q "$A/test/single"
	[ "$status" -eq 0 ]
	grep -qx "$A" "$STORE/asked"
	run hl inspect "$A/test/single"
	[ "$status" -eq 0 ]
}

@test "pull: OAuth2 POST for tokens (password and identity token), GET fallback on 405" {
	fake_helper
	T=127.0.0.1:$REG_T_PORT G=127.0.0.1:$REG_G_PORT
	log=$REG_WORK/T/token.log glog=$REG_WORK/G/token.log
	: >"$log"
	run hl pull -q --creds hulluser:hullpass "$T/test/multi"
	[ "$status" -eq 0 ]
	grep -q "POST /token HTTP/1.1.* grant=password code=200" "$log"
	[ "$(grep -c "GET /token" "$log")" = 0 ]
	# an identity token from a helper is a refresh_token grant
	: >"$log"
	echo '{"credHelpers":{"'"$T"'":"hulltest"}}' >"$STORE/home/.docker/config.json"
	rm -rf "$STORE/blobs" "$STORE/index.json"
	HULLTEST_MODE=token run hl_home pull -q "$T/test/multi"
	[ "$status" -eq 0 ]
	grep -q "POST /token HTTP/1.1.* grant=refresh_token code=200" "$log"
	[ "$(grep -c "GET /token" "$log")" = 0 ]
	HULLTEST_MODE=badtoken run hl_home pull -q "$T/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"401 unauthorized (wrong username or password?)"* ]]
	# a token server without the POST endpoint: 405, then the GET flow with basic credentials
	: >"$glog"
	run hl pull -q --creds hulluser:hullpass "$G/test/single"
	[ "$status" -eq 0 ]
	grep -q "POST /token-get-only HTTP/1.1.* grant=password code=405" "$glog"
	grep -q "GET /token-get-only?.* auth=yes code=200" "$glog"
	[ "$(grep -c "POST /token-get-only" "$glog")" = 1 ] # remembered for the blobs
	echo '{"credHelpers":{"'"$G"'":"hulltest"}}' >"$STORE/home/.docker/config.json"
	rm -rf "$STORE/blobs" "$STORE/index.json"
	HULLTEST_MODE=token run hl_home pull -q "$G/test/single"
	[ "$status" -ne 0 ]
	[[ "$output" == *"HTTP 405 to the OAuth2 POST, and an identity token cannot be used with GET"* ]]
}

@test "pull: uncompressed layers (OCI and Docker types): stored as is, digest == diff_id, unpack matches gzip" {
	run hl pull -q "$A/test/raw"
	[ "$status" -eq 0 ]
	run hl pull -q "$A/test/rawdocker"
	[ "$status" -eq 0 ]
	run hl pull -q "$A/test/multi"
	[ "$status" -eq 0 ]
	for i in 0 1 2; do
		[ "$(layer_type "$A/test/raw" $i)" = application/vnd.oci.image.layer.v1.tar ]
	done
	[ "$(layer_type "$A/test/rawdocker" 0)" = application/vnd.docker.image.rootfs.diff.tar ]
	no_partial_blobs
	# every layer digest is its config diff_id, and the blob is a plain tar
	hl inspect "$A/test/raw" >"$STORE/raw.json"
	python3 - "$STORE/raw.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
layers = [l["digest"] for l in d["manifest"]["layers"]]
assert layers == d["config"]["rootfs"]["diff_ids"], (layers, d["config"]["rootfs"]["diff_ids"])
PY
	for dg in $(python3 -c 'import json,sys; print(" ".join(l["digest"][7:] for l in json.load(open(sys.argv[1]))["manifest"]["layers"]))' "$STORE/raw.json"); do
		tar -tf "$STORE/blobs/sha256/$dg" >/dev/null
	done
	# unpacked, the plain image has the same files as the gzip one
	hl unpack "$A/test/raw" "$STORE/u-raw"
	hl unpack "$A/test/multi" "$STORE/u-gz"
	hl unpack "$A/test/rawdocker" "$STORE/u-doc"
	(cd "$STORE/u-raw/rootfs" && find . | sort) >"$STORE/l-raw"
	(cd "$STORE/u-gz/rootfs" && find . | sort) >"$STORE/l-gz"
	diff "$STORE/l-raw" "$STORE/l-gz"
	grep -qx ./etc/two "$STORE/l-raw"
	cmp "$STORE/u-raw/rootfs/bin/busybox" /bin/busybox
	cmp "$STORE/u-doc/rootfs/bin/busybox" /bin/busybox
	[ ! -e "$STORE/u-doc/rootfs/one" ]
}

@test "pull: one fsync per blob, the blobs directory synced once" {
	command -v strace >/dev/null || skip "needs strace"
	hl pull -q "$A/test/single" >/dev/null # the store exists, so its creation is not counted
	strace -f -e trace=fsync,fdatasync -o "$STORE/strace" "$HL" --store "$STORE" pull -q "$A/test/multi"
	# 3 blobs to fetch (config + 2 layers; the busybox layer came with test/single), one directory
	# sync for them, then the manifest, its directory entry and index.json: 7 (it was 10 before)
	n=$(grep -c "fsync(" "$STORE/strace")
	[ "$n" -le 7 ]
	[ "$n" -ge 3 ]
}

@test "pull: blob redirects are followed without sending Authorization to the other host" {
	run hl pull --creds hulluser:hullpass "127.0.0.1:$REG_RED_PORT/test/multi"
	[ "$status" -eq 0 ]
	grep -q "GET /v2/test/multi/blobs/sha256:.* auth=no" "$REG_WORK/proxy-CDN.log"
	[ "$(grep -c "auth=yes" "$REG_WORK/proxy-CDN.log")" = 0 ]
	grep -q "GET /v2/test/multi/manifests/latest .* auth=yes" "$REG_WORK/proxy-RED.log"
}

@test "pull: a blob with the wrong digest is refused and the store is unchanged" {
	run hl pull "127.0.0.1:$REG_BAD_PORT/test/single"
	[ "$status" -ne 0 ]
	[[ "$output" == *"digest mismatch"* ]]
	[ "$(grep -c "test/single" "$STORE/index.json")" = 0 ]
	no_partial_blobs
	[ -z "$(ls "$STORE/ingest")" ]
}

@test "pull: a manifest whose Docker-Content-Digest disagrees with its content is refused" {
	run hl pull "127.0.0.1:$REG_DCD_PORT/test/single"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Docker-Content-Digest sha256:0000"* ]]
	[ "$(grep -c "test/single" "$STORE/index.json")" = 0 ]
}

@test "pull: 503 with Retry-After is retried; Warning 299 is shown once" {
	run hl pull "127.0.0.1:$REG_FLAKY_PORT/test/multi"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "hull test warning")" = 1 ]
	[ "$(grep -c "GET /v2/test/multi/manifests/latest" "$REG_WORK/proxy-FLAKY.log")" = 2 ]
}

@test "pull: a connection cut in mid-blob is resumed with Range" {
	run hl pull "127.0.0.1:$REG_CUT_PORT/test/single"
	[ "$status" -eq 0 ]
	grep -q "range=bytes=" "$REG_WORK/proxy-CUT.log"
	no_partial_blobs
}

@test "pull: two concurrent pulls of one image" {
	hl pull -q "$A/test/multi" >"$STORE/o1" 2>&1 &
	p1=$!
	hl pull -q "$A/test/multi" >"$STORE/o2" 2>&1 &
	p2=$!
	wait $p1
	wait $p2
	[ "$(cat "$STORE/o1")" = "$(cat "$STORE/o2")" ]
	[ "$(grep -c "test/multi:latest" "$STORE/index.json")" = 1 ]
	no_partial_blobs
}

@test "pull: killed with SIGKILL, then a clean pull" {
	# The cut proxy slows the first transfer of each blob; kill while it is in flight.
	hl pull "127.0.0.1:$REG_CUT_PORT/test/multi" >/dev/null 2>&1 &
	pid=$!
	sleep 0.05
	kill -9 $pid 2>/dev/null || true
	wait $pid || true
	no_partial_blobs
	run hl pull "$A/test/multi"
	[ "$status" -eq 0 ]
	no_partial_blobs
	run hl prune
	[ "$status" -eq 0 ]
	[ -z "$(ls "$STORE/ingest")" ]
}

@test "pull: SIGKILL at 15 random points: never a partial blob or a torn index.json; the next pull completes" {
	local i pid
	for ((i = 0; i < 15; i++)); do
		hl pull "127.0.0.1:$REG_CUT_PORT/test/multi" >/dev/null 2>&1 &
		pid=$!
		sleep "0.$(printf '%03d' $((RANDOM % 400)))"
		kill -9 $pid 2>/dev/null || true
		wait $pid || true
		no_partial_blobs
		[ ! -e "$STORE/index.json" ] || jq -e . "$STORE/index.json" >/dev/null
	done
	run hl pull "$A/test/multi"
	[ "$status" -eq 0 ]
	no_partial_blobs
	skopeo inspect "oci:$STORE:$A/test/multi:latest" >/dev/null
	run hl prune
	[ "$status" -eq 0 ]
	[ -z "$(ls "$STORE/ingest")" ]
}

@test "ls --format json, rm and prune" {
	hl pull -q "$A/test/single"
	hl pull -q "$A/test/multi"
	run hl ls --format json
	[ "$(echo "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ]
	run hl rm "$A/test/multi"
	[ "$status" -eq 0 ]
	run hl prune
	[ "$status" -eq 0 ]
	[[ "$output" == "removed 4 blobs"* ]]
	run hl inspect "$A/test/single"
	[ "$status" -eq 0 ]
	run hl rm "$A/test/multi"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not in the store"* ]]
}

@test "pull: malformed references are refused with a clear error" {
	run hl pull "UPPER/Case"
	[ "$status" -ne 0 ]
	[[ "$output" == *"must be lowercase"* ]]
	run hl pull "busybox@sha256:abc"
	[ "$status" -ne 0 ]
	[[ "$output" == *"64 lowercase hex"* ]]
}

@test "import: OCI layout dir, oci-archive and docker-archive" {
	L=$REG_WORK/L
	run hl import "$L"
	[ "$status" -eq 0 ]
	[[ "$output" == *"localhost/l:single sha256:"* ]]
	skopeo copy -q "oci:$L:single" "oci-archive:$STORE/oa.tar:single"
	run hl import "$STORE/oa.tar" imported/oa:1
	[ "$status" -eq 0 ]
	[[ "$output" == "docker.io/imported/oa:1 sha256:"* ]]
	skopeo copy -q "oci:$L:multi" "docker-archive:$STORE/da.tar:test/multi:v1"
	run hl import "$STORE/da.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == "docker.io/test/multi:v1 sha256:"* ]]
	run hl inspect docker.io/test/multi:v1
	[ "$status" -eq 0 ]
	[[ "$output" == *'"rootfs"'* ]]
	no_partial_blobs
	[ -z "$(ls "$STORE/ingest")" ]
	# the result reads back with skopeo
	skopeo inspect "oci:$STORE:docker.io/test/multi:v1" >/dev/null
	# a tampered layout blob is refused
	cp -r "$L" "$STORE/bad"
	f=$(ls "$STORE/bad/blobs/sha256" | head -1)
	chmod u+w "$STORE/bad/blobs/sha256/$f"
	echo x >>"$STORE/bad/blobs/sha256/$f"
	run hl import "$STORE/bad"
	[ "$status" -ne 0 ]
	[[ "$output" == *"content hashes to"* ]]
}
