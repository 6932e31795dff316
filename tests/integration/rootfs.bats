#!/usr/bin/env bats
# rootfs.bats - pivot_root and --no-pivot, root.readonly, rootfsPropagation, maskedPaths,
# readonlyPaths and the creation of a missing cwd.

load rootfs-common

@test "pivot_root: / is the rootfs and the host's old root is gone" {
	set_args sh -c 'ls /; cat /etc/hostname; awk "\$5 == \"/\" {print \$4}" /proc/self/mountinfo; cut -d" " -f5 /proc/self/mountinfo | grep -c "^/oldroot\|^/.pivot" || true'
	run hrun "$(hull_id pivot)"
	[ "$status" -eq 0 ]
	[[ "$output" == *hull-test* ]]
	[[ "$output" == *"$BUNDLE/rootfs"* ]]
	# every mount the container sees lies inside its tree (none of the host's others)
	[ "${lines[-1]}" = 0 ]
}

@test "pivot_root: the container cannot see host mounts" {
	set_args sh -c 'wc -l </proc/self/mountinfo'
	run hrun "$(hull_id fewmounts)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -lt "$(wc -l </proc/self/mountinfo)" ] || [ "${lines[0]}" -lt 40 ]
}

@test "--no-pivot: MS_MOVE + chroot gives the same root" {
	set_args sh -c 'cat /etc/hostname; ls /bin/busybox; awk "\$5 == \"/\" {print \$4}" /proc/self/mountinfo'
	run hrun "$(hull_id nopivot)" --no-pivot
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hull-test ]
	[ "${lines[1]}" = /bin/busybox ]
}

@test "root.readonly: true makes / read-only, false leaves it writable" {
	update_config '.root.readonly = true'
	set_args sh -c 'touch /newfile 2>&1 || echo refused; touch /tmp/x 2>/dev/null; echo done'
	run hrun "$(hull_id rootro)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *refused* ]]
	[ ! -e "$BUNDLE/rootfs/newfile" ]

	update_config '.root.readonly = false'
	set_args sh -c 'touch /newfile && echo wrote'
	run hrun "$(hull_id rootrw)"
	[ "$status" -eq 0 ]
	[ "$output" = wrote ]
	[ -e "$BUNDLE/rootfs/newfile" ]
}

# Propagation tags of the container's "/" when the host side is shared (a private
# mount namespace with shared propagation stands in for a systemd host).
root_propagation() {
	update_config ".linux.rootfsPropagation = \"$1\""
	set_args sh -c 'awk "\$5 == \"/\" {print \$7}" /proc/self/mountinfo'
	run unshare -m --propagation shared sh -c "cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$(hull_id "prop$1")'"
	[ "$status" -eq 0 ]
}

@test "rootfsPropagation: rslave makes / a slave of the host" {
	root_propagation rslave
	[[ "$output" == master:* ]]
}

@test "rootfsPropagation: rshared and shared apply before the mounts; / itself is private like runc's" {
	# The host's tree is shared in the container's namespace (see mounts.bats for a
	# shared volume), but the rootfs's own shared mount is made private first so that
	# binding the rootfs and pivot_root stay in the container: runc 1.1.5 shows "/"
	# without propagation tags too.
	root_propagation rshared
	[[ "$output" != *shared* && "$output" != *master* ]]
	root_propagation shared
	[[ "$output" != *shared* && "$output" != *master* ]]
}

@test "rootfsPropagation: private and unbindable" {
	root_propagation rprivate
	[[ "$output" != *shared* && "$output" != *master* ]]
	root_propagation unbindable
	[[ "$output" == *unbindable* ]]
}

@test "maskedPaths: files read as /dev/null, directories as an empty read-only tmpfs, missing ones skipped" {
	mkdir -p "$BUNDLE/rootfs/secret/dir"
	echo s3cret >"$BUNDLE/rootfs/secret/file"
	touch "$BUNDLE/rootfs/secret/dir/inside"
	update_config '.linux.maskedPaths = ["/secret/file", "/secret/dir", "/secret/missing", "/proc/kcore"]'
	set_args sh -c 'echo "[$(cat /secret/file)]"; ls -A /secret/dir | wc -l; touch /secret/dir/x 2>/dev/null || echo dir-ro; test -e /secret/missing || echo missing-ok'
	run hrun "$(hull_id mask)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[]" ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = dir-ro ]
	[ "${lines[3]}" = missing-ok ]
	# a masked path that does not exist is never created in the image
	[ ! -e "$BUNDLE/rootfs/secret/missing" ]
}

@test "readonlyPaths: bound read-only (recursively); missing ones skipped" {
	update_config '.root.readonly = false | .linux.readonlyPaths = ["/var", "/proc/sys", "/nothere"]'
	mkdir -p "$BUNDLE/rootfs/var/lib"
	set_args sh -c 'touch /var/lib/x 2>/dev/null || echo var-ro; (echo 1 >/proc/sys/kernel/ns_last_pid) 2>/dev/null || echo sys-ro; touch /tmp/ok && echo rest-rw; test -e /nothere || echo skipped'
	run hrun "$(hull_id ro)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = var-ro ]
	[ "${lines[1]}" = sys-ro ]
	[ "${lines[2]}" = rest-rw ]
	[ "${lines[3]}" = skipped ]
	[ ! -e "$BUNDLE/rootfs/nothere" ]
}

@test "a missing process.cwd is created (also with a read-only root)" {
	update_config '.root.readonly = true | .process.cwd = "/work/deep/dir"'
	set_args pwd
	run hrun "$(hull_id cwd)"
	[ "$status" -eq 0 ]
	[ "$output" = /work/deep/dir ]
	[ -d "$BUNDLE/rootfs/work/deep/dir" ]
}

# The runtime-spec: a namespace not listed is inherited from the runtime. runc 1.1.5 runs
# such a config; hull does too, in its own mount namespace, with a chroot only.
no_mount_ns() {
	update_config '.linux.namespaces |= map(select(.type != "mount")) | .mounts = [] |
		.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false'
}

@test "no mount namespace: runs chrooted in the runtime's mount namespace, mounting nothing" {
	no_mount_ns
	set_args sh -c 'cat /etc/hostname; test -e /proc/self || echo no-proc; sleep 30'
	debris_snapshot
	local id
	id=$(hull_id nomntns)
	hrun_d "$id"
	local pid
	pid=$(state_field "$id" pid)
	# the same mount namespace as ours, and root is the bundle's rootfs
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]
	[ "$(readlink "/proc/$pid/root")" = "$BUNDLE/rootfs" ]
	[ "$(wc -l </proc/self/mountinfo)" = "$DEBRIS_MOUNTS" ]
	# exec lands in the container's root too (runc's lands in the runtime's)
	run hull exec "$id" cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = hull-test ]
	hull kill "$id" KILL
	wait_for_status "$id" stopped
	hull delete "$id"
	check_no_debris
	set_args sh -c 'cat /etc/hostname; test -e /proc/self || echo no-proc'
	run hrun "$(hull_id nomntns2)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hull-test ]
	[ "${lines[1]}" = no-proc ]
	check_no_debris
}

@test "no mount namespace: what would need a mount is refused, naming the field, and leaves nothing" {
	debris_snapshot
	local f want
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/orig.json"
	for f in '.mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}]|mounts: needs a mount namespace' \
		'.linux.maskedPaths = ["/proc/kcore"]|linux.maskedPaths: unable to restrict sys entries without a private MNT namespace' \
		'.linux.readonlyPaths = ["/proc/sys"]|linux.readonlyPaths: unable to restrict sys entries without a private MNT namespace' \
		'.root.readonly = true|root.readonly: needs a mount namespace' \
		'.linux.rootfsPropagation = "rshared"|linux.rootfsPropagation: needs a mount namespace'; do
		cp "$BATS_TEST_TMPDIR/orig.json" "$BUNDLE/config.json"
		no_mount_ns
		update_config "${f%%|*}"
		want=${f#*|}
		run hrun "$(hull_id nomnt-bad)"
		expect_clean_failure
		[[ "$output" == *"$want"* ]] || { echo "want: $want"; echo "got: $output"; return 1; }
	done
}
