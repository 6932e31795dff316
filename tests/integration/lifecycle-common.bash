# lifecycle-common.bash - shared setup of lifecycle.bats and terminal.bats.

load ../lib/helpers
load ../lib/suite-hooks

lc_setup_file() {
	export HULL_TEST_AREA=${1:-lc}
	hull_setup_file
	export RECVTTY
	RECVTTY=$(find_recvtty)
}

# The test helper tests/lib/recvtty.c: built by `make` (mk/testtools.mk) next to the
# hull binary, else compiled here (static: it also runs inside busybox containers).
find_recvtty() {
	local c
	for c in "${HULL_RECVTTY:-}" "$(dirname "$HULL")/obj/tests/lib/recvtty" "${HULL_TOP:-/nonexistent}/obj/tests/lib/recvtty"; do
		[ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
	done
	local src=$BATS_TEST_DIRNAME/../lib/recvtty.c out=$BATS_FILE_TMPDIR/recvtty
	${CC:-cc} -std=gnu11 -O2 -static -o "$out" "$src" 2>/dev/null || ${CC:-cc} -std=gnu11 -O2 -o "$out" "$src" || return 1
	echo "$out"
}

need_recvtty() {
	[ -n "${RECVTTY:-}" ] && [ -x "$RECVTTY" ] || skip "tests/lib/recvtty could not be built"
}

# hc ARGS...: hull with --root, run from the bundle (the default bundle is the cwd).
hc() {
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" "$@")
}

# Put the recvtty binary in the rootfs as /bin/hullhelper (sd_notify sender, keyring probe).
install_helper() {
	need_recvtty
	if ldd "$RECVTTY" >/dev/null 2>&1; then
		skip "recvtty is not static, it cannot run in the busybox rootfs"
	fi
	cp "$RECVTTY" "$BUNDLE/rootfs/bin/hullhelper"
}

# Every directory from the bundle up is searchable (a mapped root is "other" there).
make_bundle_traversable() {
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+x "$d"
		d=$(dirname "$d")
	done
}

# wait_gone PID [SECONDS]: until the process has exited.
wait_gone() {
	local pid=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# wait_file FILE [SECONDS]: until FILE exists and is not empty.
wait_file() {
	local f=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -s "$f" ] && return 0
		sleep 0.05
	done
	return 1
}

# hrunf CMD...: like bats' `run`, but with stdio on a file. A created or detached
# container keeps hull's stdout until it execs (or for good), and `run`, reading a
# pipe, would wait for it forever. Sets status, output and lines.
hrunf() {
	local f=$BATS_TEST_TMPDIR/hrunf.out
	status=0
	"$@" </dev/null >"$f" 2>&1 3>&- || status=$?
	output=$(cat "$f")
	mapfile -t lines <"$f"
}

