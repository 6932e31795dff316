# rootfs-common.bash - shared setup of the rootfs/mount/device/attribute/capability/hook
# suites (loaded by mounts.bats, rootfs.bats, devices.bats, attrs.bats, caps.bats, hooks.bats).

load ../lib/helpers
load ../lib/suite-hooks

setup_file() {
	export HULL_TEST_AREA=rfs
	hull_setup_file
}

# hrun ID [run options]: `hull run` of $BUNDLE in the foreground (exit status of the container).
hrun() {
	local id=$1
	shift
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run "$@" "$id")
}

# hrun_d ID: run detached; prints nothing, leaves the container running.
hrun_d() {
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run -d "$1") </dev/null >/dev/null
}

# add_mount JSON: append one object to .mounts
add_mount() {
	update_config ".mounts += [$1]"
}

# mountinfo_line MOUNTPOINT: the container's /proc/self/mountinfo line for it (awk on field 5).
mi_cmd() {
	echo "awk '\$5 == \"$1\"' /proc/self/mountinfo"
}

# Fail unless a bad config left nothing behind.
expect_clean_failure() {
	[ "$status" -ne 0 ] || { echo "expected a failure, got status 0: $output"; return 1; }
	check_no_debris
}

# A container root in a user namespace must be able to walk down to the bundle:
# open up the (0700) bats temp directories on the way.
make_bundle_traversable() {
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+x "$d"
		d=$(dirname "$d")
	done
}
