#!/usr/bin/env bats
# buildah.bats - hull as buildah's OCI runtime (`buildah --runtime PATH`, `--isolation oci`),
# side by side with runc: every scenario is one function run once with $HULL and once with
# Debian's runc.
#
# Everything is private: CONTAINERS_CONF / CONTAINERS_STORAGE_CONF / CONTAINERS_REGISTRIES_CONF
# name files written here (vfs storage under a temp dir, no registries), every buildah
# command runs inside one long-lived `unshare -m` mount namespace, RUN steps get
# `--network none`, and working containers go below a cgroup parent of the file's own.
# The image is a busybox OCI archive from tests/lib/oci-image.sh (no network).
# HULL=/usr/sbin/runc must pass as well.

load lib
bats_require_minimum_version 1.5.0

IMAGE=localhost/hulltest/busybox:latest

setup_file() {
	daemons_setup_hull
	[ "$(id -u)" = 0 ] || return 0
	command -v buildah >/dev/null || return 0
	[ -x "$HULL" ] || return 0
	BH=$(mktemp -d /tmp/hull-buildah.XXXXXX)
	BH_CGROUP=hulltest-buildah-$$
	export BH BH_CGROUP
	export CONTAINERS_CONF=$BH/containers.conf CONTAINERS_STORAGE_CONF=$BH/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$BH/registries.conf
	write_containers_conf "$CONTAINERS_CONF"
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$BH/root" "$BH/runroot" >"$CONTAINERS_STORAGE_CONF"
	printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
	unshare -m --propagation private sleep infinity &
	echo $! >"$BH/ns.pid"
	wait_until 5 eval '[ "$(readlink /proc/$(cat "$BH/ns.pid")/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]'
	"$DAEMONS_LIB/oci-image.sh" "$BH/busybox.tar" "$IMAGE"
	local id
	id=$(bh pull -q "oci-archive:$BH/busybox.tar")
	bh tag "$id" "$IMAGE"
}

# buildah (as root) would ask for nofile/nproc limits above the hard ones where there is
# no CAP_SYS_RESOURCE: keep its defaults within them (as podman.bats does).
write_containers_conf() {
	cat >"$1" <<EOF
[containers]
netns = "none"
default_ulimits = $(containers_default_ulimits)

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$BH/tmp"
EOF
}

teardown_file() {
	[ -n "${BH:-}" ] || return 0
	local ns
	ns=$(cat "$BH/ns.pid" 2>/dev/null)
	if [ -n "$ns" ] && kill -0 "$ns" 2>/dev/null; then
		bh rm -a >/dev/null 2>&1
		bh rmi -a -f >/dev/null 2>&1
	fi
	release_private "$BH" "$BH_CGROUP" "$ns"
}

setup() {
	need_hull
	command -v buildah >/dev/null || skip "needs buildah (apt-get install buildah)"
	[ -d "${BH:-/nonexistent}" ] || skip "buildah setup failed"
	N=$BATS_TEST_NUMBER
}

teardown() {
	[ -d "${BH:-/nonexistent}" ] || return 0
	bh rm -a >/dev/null 2>&1
	true
}

# buildah inside the test's mount namespace.
bh() {
	nsenter -t "$(cat "$BH/ns.pid")" -m -- buildah "$@"
}

rt_path() {
	case $1 in
	hull) echo "$HULL" ;;
	runc) echo /usr/sbin/runc ;;
	esac
}

# a working container of the image, below the file's cgroup parent
from() {
	bh from -q --pull=never --cgroup-parent "/$BH_CGROUP" --name "$1" "$IMAGE" >/dev/null
}

# brun RUNTIME [OPTIONS] CONTAINER -- ARGS...: buildah run with that runtime, OCI isolation,
# no network
brun() {
	local rt
	rt=$(rt_path "$1")
	shift
	bh run --runtime "$rt" --isolation oci --network none "$@"
}

t_from_run() {
	from "w$N"
	run brun "$1" "w$N" -- sh -c 'echo hello; id -u; hostname >/dev/null && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = $'hello\n0\nok' ]
	run brun "$1" "w$N" -- sh -c 'exit 3'
	[ "$status" -ne 0 ]
	# the run's changes stay in the working container
	brun "$1" "w$N" -- sh -c 'echo kept >/kept'
	run brun "$1" "w$N" -- cat /kept
	[ "$output" = kept ]
	# --user, and stdin
	run brun "$1" --user 1000:1000 "w$N" -- sh -c 'id -u; id -g'
	[ "$output" = $'1000\n1000' ]
	run bash -c "echo piped-in | nsenter -t $(cat "$BH/ns.pid") -m -- buildah run --runtime $(rt_path "$1") --isolation oci --network none w$N -- cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped-in ]
	run brun "$1" "w$N" -- no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *'no-such-command'* ]]
	# no network: only lo
	run brun "$1" "w$N" -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | sort'
	[ "$(echo $output)" = "$(echo $(unshare -n sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | sort'))" ]
}

t_tty() {
	command -v script >/dev/null || skip "needs script (bsdutils)"
	from "w$N"
	run script -qec "nsenter -t $(cat "$BH/ns.pid") -m -- buildah run -t --runtime $(rt_path "$1") --isolation oci --network none w$N -- sh -c 'tty'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

t_bud() {
	local ctx=$BH/ctx-$1
	mkdir -p "$ctx"
	echo from-context >"$ctx/file"
	printf 'FROM %s\nCOPY file /file\nRUN echo built >/built && cat /file >>/built\nUSER app\nRUN id -un >/tmp/who\nCMD ["cat", "/built", "/tmp/who"]\n' "$IMAGE" >"$ctx/Containerfile"
	bh bud -q --runtime "$(rt_path "$1")" --isolation oci --network none --cgroup-parent "/$BH_CGROUP" \
		--pull=never -t "localhost/hulltest/built-$1" "$ctx" >/dev/null
	bh from -q --pull=never --cgroup-parent "/$BH_CGROUP" --name "w$N" "localhost/hulltest/built-$1" >/dev/null
	run brun "$1" "w$N" -- cat /built /tmp/who
	[ "$status" -eq 0 ]
	[ "$output" = $'built\nfrom-context\napp' ]
	# a failing RUN fails the build
	printf 'FROM %s\nRUN exit 9\n' "$IMAGE" >"$ctx/Containerfile"
	run bh bud --runtime "$(rt_path "$1")" --isolation oci --network none --cgroup-parent "/$BH_CGROUP" --pull=never "$ctx"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exit status 9"* ]]
	bh rmi -f "localhost/hulltest/built-$1" >/dev/null
}

@test "hull: buildah from + run (output, exit code, --user, stdin, no network)" { t_from_run hull; }
@test "runc: buildah from + run (output, exit code, --user, stdin, no network)" { t_from_run runc; }
@test "hull: buildah run -t" { t_tty hull; }
@test "runc: buildah run -t" { t_tty runc; }
@test "hull: buildah bud (COPY, RUN, USER) and a failing RUN" { t_bud hull; }
@test "runc: buildah bud (COPY, RUN, USER) and a failing RUN" { t_bud runc; }
