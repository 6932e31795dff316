#!/usr/bin/env bats
# spec.bats - `hull spec`, `hull features`, and how a broken config.json looks to the person at the shell.

setup_file() {
	export HULL=${HULL:-$HULL_TOP/hull}
	export FIXTURES=${HULL_TOP:-$BATS_TEST_DIRNAME/../..}/tests/fixtures/configs
}

setup() {
	TMP=$(mktemp -d /tmp/hull-spec-bats.XXXXXX)
	ROOT=$TMP/state
}

teardown() {
	# create may have got far enough to leave a container behind (it must not, but clean anyway).
	if [ -d "$ROOT" ]; then
		local id
		for id in $(ls "$ROOT" 2>/dev/null); do "$HULL" --root "$ROOT" delete -f "$id" >/dev/null 2>&1; done
	fi
	rm -rf "$TMP"
}

# Skip when `hull create` is still the placeholder.
need_create() {
	run "$HULL" create --help
	[[ "$output" == *"--bundle"* ]] || skip "hull create is not implemented yet"
	mkdir -p "$TMP/probe/rootfs"
	echo '{}' >"$TMP/probe/config.json"
	run "$HULL" --root "$ROOT" create --bundle "$TMP/probe" spec-probe-$$
	[[ "$output" != *"not implemented"* ]] || skip "hull create is not implemented yet"
	rm -rf "$TMP/probe"
}

@test "spec: writes config.json in the current directory that jq accepts" {
	cd "$TMP"
	run "$HULL" spec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	jq -e . config.json >/dev/null
	jq -e '.ociVersion == "1.2.0" and .process.terminal == true and .process.args == ["sh"]
		and .process.cwd == "/" and .root.path == "rootfs" and .hostname == "hull"
		and (.process.capabilities.bounding | index("CAP_KILL")) and .process.noNewPrivileges
		and .process.capabilities.ambient == ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]
		and ([.mounts[].destination] == ["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"])
		and ([.linux.namespaces[].type] == ["pid","network","ipc","uts","mount"])
		and (.linux.maskedPaths | index("/proc/kcore")) and (.linux.readonlyPaths | index("/proc/sys"))' config.json
}

# runc 1.1.5's default spec, but for what hull means to differ in: hostname, ociVersion (the
# spec version hull implements) and the masked powercap directory (CVE-2020-8694).
spec_minus_hull_choices() {
	jq -S '.hostname = "X" | .ociVersion = "X" | .linux.maskedPaths -= ["/sys/devices/virtual/powercap"]' "$1"
}

@test "spec: runc 1.1.5's default spec, plain and --rootless (issue 17)" {
	local runc=${RUNC:-/usr/sbin/runc}
	[ -x "$runc" ] && "$runc" --version | grep -q '^runc version 1\.1\.' || skip "needs runc 1.1.x ($runc) to compare with"
	local flag
	for flag in "" --rootless; do
		rm -rf "$TMP/h" "$TMP/r"
		mkdir "$TMP/h" "$TMP/r"
		(cd "$TMP/h" && "$HULL" spec $flag)
		(cd "$TMP/r" && "$runc" spec $flag)
		diff -u <(spec_minus_hull_choices "$TMP/r/config.json") <(spec_minus_hull_choices "$TMP/h/config.json")
	done
}

@test "spec: --bundle and -b choose the directory" {
	mkdir "$TMP/b1" "$TMP/b2"
	"$HULL" spec --bundle "$TMP/b1"
	"$HULL" spec -b "$TMP/b2"
	cmp "$TMP/b1/config.json" "$TMP/b2/config.json"
}

@test "spec: refuses to overwrite an existing config.json" {
	echo '{"mine": true}' >"$TMP/config.json"
	run "$HULL" spec -b "$TMP"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat "$TMP/config.json")" = '{"mine": true}' ]
}

@test "spec: --rootless maps the caller and drops the network namespace" {
	"$HULL" spec --rootless -b "$TMP"
	jq -e --argjson uid "$(id -u)" --argjson gid "$(id -g)" '
		([.linux.namespaces[].type] | index("network") | not) and ([.linux.namespaces[].type] | index("user"))
		and .linux.uidMappings == [{"containerID":0,"hostID":$uid,"size":1}]
		and .linux.gidMappings == [{"containerID":0,"hostID":$gid,"size":1}]
		and (.mounts[] | select(.destination == "/sys") | .type == "none" and (.options | index("rbind")))
		and ([.mounts[].options // [] | .[] | select(startswith("gid="))] == [])
		and (.linux.resources == null)' "$TMP/config.json"
}

@test "spec: takes no arguments" {
	cd "$TMP"
	run "$HULL" spec extra
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "Incorrect Usage." ]]
	[ ! -e config.json ]
}

@test "features: valid JSON describing this build" {
	run "$HULL" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.2.0"
		and (.hooks | length == 6) and (.linux.namespaces | index("pid"))
		and (.linux.capabilities | index("CAP_SYS_ADMIN"))
		and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64"))
		and (.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+$"))' >/dev/null
	# indented by four spaces, like runc
	[[ "${lines[1]}" == '    "ociVersionMin": "1.0.0",' ]]
}

@test "features: netDevices only when built with libmnl" {
	run "$HULL" features
	if ldd "$HULL" 2>&1 | grep -q 'not a dynamic executable'; then
		echo "$output" | jq -e '.linux.netDevices.enabled == false' >/dev/null
	else
		echo "$output" | jq -e '.linux.netDevices.enabled | type == "boolean"' >/dev/null
	fi
}

@test "broken configs: create fails with one line naming the JSON path" {
	need_create
	local f name want n=0
	for f in "$FIXTURES"/broken/*.json; do
		name=$(basename "$f" .json)
		want=$(cat "$FIXTURES/broken/$name.expect")
		mkdir -p "$TMP/$name/rootfs"
		cp "$f" "$TMP/$name/config.json"
		# With --log, the fatal error also goes bare to stderr: exactly the parser's message.
		run "$HULL" --root "$ROOT" --log "$TMP/$name.log" --log-format json create --bundle "$TMP/$name" spec-broken-$$
		echo "$name: status $status, output: $output"
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		# (a caller may add context in front, never after)
		[[ "$output" == *"$want" ]]
		jq -e --arg want "$want" 'select(.level == "error") | .msg | endswith($want)' "$TMP/$name.log" >/dev/null
		n=$((n + 1))
	done
	[ "$n" -ge 12 ]
	# nothing was left behind
	[ -z "$(ls "$ROOT" 2>/dev/null)" ]
}

@test "spec output parses back: create gets past config.json" {
	need_create
	mkdir -p "$TMP/b"
	"$HULL" spec -b "$TMP/b"
	# no rootfs: create must fail, but not because of config.json
	run "$HULL" --root "$ROOT" create --bundle "$TMP/b" spec-back-$$
	[[ "$output" != *"config.json:"* ]]
}

@test "ociVersion: none or any text is taken, as runc 1.1.5 never reads it; not 1.x is warned (issue 17)" {
	need_create
	mkdir -p "$TMP/b"
	"$HULL" spec -b "$TMP/b"
	local v
	for v in del 2.0.0 abc; do
		if [ "$v" = del ]; then
			jq 'del(.ociVersion)' "$TMP/b/config.json" >"$TMP/c.json"
		else
			jq --arg v "$v" '.ociVersion = $v' "$TMP/b/config.json" >"$TMP/c.json"
		fi
		# no rootfs: create fails, but not because of config.json
		run "$HULL" --root "$ROOT" create --bundle "$TMP/b" --config "$TMP/c.json" spec-ver-$$
		echo "$v: $output"
		[[ "$output" != *"config.json: ociVersion:"* ]]
		[[ "$output" == *"rootfs"* ]]
		if [ "$v" != del ]; then
			[[ "$output" == *"ociVersion \\\"$v\\\" is not a 1.x version: read as 1.x"* ]]
		fi
	done
}
