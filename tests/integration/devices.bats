#!/usr/bin/env bats
# devices.bats - /dev: default devices, symlinks, ptmx/devpts, linux.devices, the user
# namespace fallback (bind mounts of the host's nodes) and bad device entries.

load rootfs-common

@test "default devices: null zero full random urandom tty with their numbers and mode 0666" {
	set_args sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done; echo x >/dev/null && head -c 3 /dev/zero | wc -c'
	run hrun "$(hull_id defdev)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 1:3 666 0:0" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5 666 0:0" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7 666 0:0" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8 666 0:0" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9 666 0:0" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0 666 0:0" ]
	[ "${lines[6]}" = 3 ]
}

@test "/dev symlinks: fd stdin stdout stderr, and ptmx pointing at the container's devpts" {
	set_args sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done; ls /dev/pts/ptmx'
	run hrun "$(hull_id devlinks)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd /proc/self/fd" ]
	[ "${lines[1]}" = "stdin /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx pts/ptmx" ]
	[ "${lines[5]}" = /dev/pts/ptmx ]
}

@test "linux.devices: a char device in a subdirectory with mode and owner, a fifo, a block device" {
	update_config '.linux.devices = [
		{"path":"/dev/net/tun","type":"c","major":10,"minor":200,"fileMode":384,"uid":1,"gid":2},
		{"path":"/dev/myfifo","type":"p"},
		{"path":"/dev/myloop","type":"b","major":7,"minor":0,"fileMode":432}]'
	set_args sh -c 'stat -c "%n %F %t:%T %a %u:%g" /dev/net/tun /dev/myfifo /dev/myloop'
	run hrun "$(hull_id devs)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/net/tun character special file a:c8 600 1:2" ]
	[ "${lines[1]}" = "/dev/myfifo fifo 0:0 666 0:0" ]
	[ "${lines[2]}" = "/dev/myloop block special file 7:0 660 0:0" ]
}

@test "linux.devices overrides a default device of the same path" {
	update_config '.linux.devices = [{"path":"/dev/null","type":"c","major":1,"minor":3,"fileMode":384}]'
	set_args stat -c %a /dev/null
	run hrun "$(hull_id override)"
	[ "$status" -eq 0 ]
	[ "$output" = 600 ]
}

@test "without a /dev mount hull creates no nodes in the image's /dev (and masking still works)" {
	update_config '.root.readonly = false | .mounts |= map(select(.destination | startswith("/dev") | not)) | .linux.devices = [{"path":"/dev/mine","type":"c","major":1,"minor":3}]'
	set_args sh -c 'echo "[$(cat /proc/keys)]"'
	run hrun "$(hull_id nodevmount)"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	[ -z "$(ls -A "$BUNDLE/rootfs/dev")" ]
}

@test "a read-only /dev still gets its devices" {
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	set_args sh -c 'test -c /dev/null && echo has-null; touch /dev/x 2>/dev/null || echo dev-ro'
	run hrun "$(hull_id devro)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = has-null ]
	[ "${lines[1]}" = dev-ro ]
}

@test "in a user namespace devices are bind mounts of the host's nodes" {
	update_config '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229}]'
	[ -c /dev/fuse ] || update_config '.linux.devices = []'
	make_bundle_traversable
	set_args sh -c 'awk "\$5 == \"/dev/null\" {print \"mounted\"}" /proc/self/mountinfo; stat -c "%t:%T" /dev/null; echo hi >/dev/null && echo wrote'
	run hrun "$(hull_id userns)"
	[ "$status" -eq 0 ] || skip "user namespace containers do not run here: $output"
	[ "${lines[0]}" = mounted ]
	[ "${lines[1]}" = 1:3 ]
	[ "${lines[2]}" = wrote ]
}

@test "a device path outside /dev is created there, as runc does (issue 17)" {
	update_config '.linux.devices = [{"path":"/foo-dev","type":"c","major":1,"minor":3,"fileMode":438},
		{"path":"/dev/../etc/other-dev","type":"c","major":1,"minor":5}]'
	set_args sh -c 'stat -c "%F %t:%T %a" /foo-dev /etc/other-dev; echo x >/foo-dev && echo wrote'
	run hrun "$(hull_id outdev)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3 666" ]
	[ "${lines[1]}" = "character special file 1:5 666" ]
	[ "${lines[2]}" = wrote ]
	# the nodes are in the rootfs, as with runc (nothing on the host)
	[ -c "$BUNDLE/rootfs/foo-dev" ]
	[ ! -e /foo-dev ]
}

@test "a device in place of / or /dev, or a relative path, is refused with its JSON path, no debris" {
	update_config '.linux.devices = [{"path":"/dev/ok","type":"c","major":1,"minor":3},{"path":"/dev/","type":"c","major":1,"minor":3}]'
	run hrun "$(hull_id baddev)"
	expect_clean_failure
	[[ "$output" == *"linux.devices[1].path: must be an absolute path of a device"* ]]
	update_config '.linux.devices = [{"path":"dev/x","type":"c","major":1,"minor":3}]'
	run hrun "$(hull_id baddev2)"
	expect_clean_failure
	[[ "$output" == *"linux.devices[0].path"* ]]
}
