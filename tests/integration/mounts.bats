#!/usr/bin/env bats
# mounts.bats - spec mounts: bind/rbind with their options, tmpfs, proc, sysfs, devpts,
# mqueue, cgroup, overlay, idmapped mounts, propagation, and destinations that try to
# escape the rootfs through symlinks.

load rootfs-common

@test "bind mounts: a read-only directory and a file onto a path that did not exist" {
	mkdir -p "$BATS_TEST_TMPDIR/src/d"
	echo hello >"$BATS_TEST_TMPDIR/src/d/f"
	add_mount "{\"destination\":\"/mnt/d\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/src/d\",\"options\":[\"rbind\",\"ro\"]}"
	add_mount "{\"destination\":\"/etc/extra/file\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/src/d/f\",\"options\":[\"bind\"]}"
	set_args sh -c 'cat /mnt/d/f /etc/extra/file; touch /mnt/d/x 2>&1 || echo ro-ok; test -f /etc/extra/file && echo is-file'
	run hrun "$(hull_id bind)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = hello ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *ro-ok* ]]
	[[ "$output" == *is-file* ]]
	[ ! -e "$BATS_TEST_TMPDIR/src/d/x" ]
}

@test "bind mount rw: writes reach the host directory" {
	mkdir -p "$BATS_TEST_TMPDIR/rw"
	update_config '.root.readonly = false'
	add_mount "{\"destination\":\"/data\",\"source\":\"$BATS_TEST_TMPDIR/rw\",\"options\":[\"rbind\",\"rw\"]}"
	set_args sh -c 'echo written >/data/out'
	run hrun "$(hull_id bindrw)"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/rw/out")" = written ]
}

@test "bind is not recursive, rbind is; rro makes submounts read-only, ro only the top" {
	local src=$BATS_TEST_TMPDIR/tree
	mkdir -p "$src/sub"
	add_mount "{\"destination\":\"/b\",\"source\":\"$src\",\"options\":[\"bind\"]}"
	add_mount "{\"destination\":\"/rb\",\"source\":\"$src\",\"options\":[\"rbind\",\"ro\"]}"
	add_mount "{\"destination\":\"/rro\",\"source\":\"$src\",\"options\":[\"rbind\",\"rro\"]}"
	set_args sh -c 'for m in /b/sub /rb /rb/sub /rro /rro/sub; do echo "$m $(awk -v m=$m "\$5 == m {print \$6}" /proc/self/mountinfo | cut -d, -f1)"; done'
	# The submount lives in a private mount namespace: nothing reaches the host.
	run unshare -m sh -c "mount -t tmpfs sub '$src/sub' && cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$(hull_id rro)'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/b/sub "$'\n'* || "${lines[0]}" = "/b/sub " ]]
	[[ "$output" == *"/rb ro"* ]]
	[[ "$output" == *"/rb/sub rw"* ]]
	[[ "$output" == *"/rro ro"* ]]
	[[ "$output" == *"/rro/sub ro"* ]]
}

@test "recursive flags: rnosuid, rnoexec, rnodev reach submounts" {
	local src=$BATS_TEST_TMPDIR/tree
	mkdir -p "$src/sub"
	add_mount "{\"destination\":\"/r\",\"source\":\"$src\",\"options\":[\"rbind\",\"rnosuid\",\"rnoexec\",\"rnodev\"]}"
	set_args sh -c 'awk "\$5 == \"/r/sub\" {print \$6}" /proc/self/mountinfo'
	run unshare -m sh -c "mount -t tmpfs sub '$src/sub' && cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$(hull_id rflags)'"
	[ "$status" -eq 0 ]
	[[ "$output" == *nosuid* ]]
	[[ "$output" == *nodev* ]]
	[[ "$output" == *noexec* ]]
}

@test "mount flags: nosuid nodev noexec noatime nodiratime nosymfollow on a tmpfs" {
	add_mount '{"destination":"/t1","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","noexec","noatime","nodiratime","nosymfollow"]}'
	add_mount '{"destination":"/t2","type":"tmpfs","source":"tmpfs","options":["strictatime","ro"]}'
	set_args sh -c "$(mi_cmd /t1); $(mi_cmd /t2)"
	run hrun "$(hull_id flags)"
	[ "$status" -eq 0 ]
	local t1=${lines[0]} t2=${lines[1]}
	for f in nosuid nodev noexec noatime nodiratime nosymfollow; do
		[[ "$t1" == *"$f"* ]] || { echo "missing $f in $t1"; return 1; }
	done
	[[ "$t2" == *" ro,"* || "$t2" == *" ro - "* ]]
	[[ "$t2" != *relatime* && "$t2" != *noatime* ]]
}

@test "tmpfs: size and mode options; over an existing directory it keeps that directory's mode" {
	mkdir -p "$BUNDLE/rootfs/keep"
	chmod 0711 "$BUNDLE/rootfs/keep"
	add_mount '{"destination":"/sized","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=1777"]}'
	add_mount '{"destination":"/keep","type":"tmpfs","source":"tmpfs"}'
	set_args sh -c "$(mi_cmd /sized); stat -c '%a' /sized /keep"
	run hrun "$(hull_id tmpfs)"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"size=1024k"* ]]
	[ "${lines[1]}" = 1777 ]
	[ "${lines[2]}" = 711 ]
}

@test "tmpfs tmpcopyup: the image's files are copied into the tmpfs, which is writable" {
	update_config '.root.readonly = true'
	mkdir -p "$BUNDLE/rootfs/conf/sub"
	echo original >"$BUNDLE/rootfs/conf/sub/file"
	ln -s sub/file "$BUNDLE/rootfs/conf/link"
	add_mount '{"destination":"/conf","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}'
	set_args sh -c 'cat /conf/link; echo new >/conf/sub/file && cat /conf/sub/file; awk "\$5 == \"/conf\" {print \$9}" /proc/self/mountinfo'
	run hrun "$(hull_id copyup)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = original ]
	[ "${lines[1]}" = new ]
	[ "${lines[2]}" = tmpfs ]
	# the image itself is untouched
	[ "$(cat "$BUNDLE/rootfs/conf/sub/file")" = original ]
}

@test "proc, sysfs, devpts and mqueue mounts with their options" {
	set_args sh -c "$(mi_cmd /proc); $(mi_cmd /sys); $(mi_cmd /dev/pts); $(mi_cmd /dev/mqueue); ls /proc/1/ >/dev/null && echo proc-ok"
	run hrun "$(hull_id kinds)"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" - proc proc "* ]]
	[[ "${lines[1]}" == *" ro,"*" - sysfs sysfs "* ]]
	[[ "${lines[2]}" == *" - devpts devpts "*"ptmxmode=666"* ]]
	[[ "${lines[2]}" == *"mode=620"* && "${lines[2]}" == *"gid=5"* ]]
	[[ "${lines[3]}" == *" - mqueue mqueue "* ]]
	[ "${lines[4]}" = proc-ok ]
}

@test "sysfs without a network namespace is a read-only bind of the host's /sys" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args sh -c "$(mi_cmd /sys); $(mi_cmd /sys/fs/cgroup)"
	run hrun "$(hull_id sysbind)"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" / /sys ro,"*" - sysfs "* ]]
	# the host's submounts come along (recursive bind), read-only as well
	[ -n "${lines[1]}" ]
}

@test "cgroup mount with a cgroup namespace: the hierarchies show the container's own cgroup" {
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy"
	# (hull spec, like runc's, has no cgroup namespace)
	update_config '.linux.namespaces += [{"type":"cgroup"}] | .linux.resources.memory.limit = 67108864'
	set_args sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep :memory: /proc/self/cgroup; test -L /sys/fs/cgroup/cpu || test -d /sys/fs/cgroup/cpu && echo cpu-ok; touch /sys/fs/cgroup/x 2>/dev/null || echo ro-ok'
	run hrun "$(hull_id cgns)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 67108864 ]
	[[ "${lines[1]}" == *":memory:/" ]]
	[[ "$output" == *cpu-ok* ]]
	[[ "$output" == *ro-ok* ]]
}

@test "cgroup mount without a cgroup namespace: a bind of the container's own cgroups" {
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy"
	update_config '.linux.namespaces |= map(select(.type != "cgroup")) | .linux.resources.memory.limit = 33554432'
	set_args sh -c "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; $(mi_cmd /sys/fs/cgroup/memory)"
	run hrun "$(hull_id nocgns)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33554432 ]
	# field 4 (root) is the container's cgroup path, not the hierarchy root
	[[ "$(echo "${lines[1]}" | awk '{print $4}')" != / ]]
}

@test "cgroup2 mount type on this host" {
	grep -q cgroup2 /proc/filesystems || skip "no cgroup2"
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup")) |= (.type = "cgroup2" | .source = "cgroup2")'
	set_args sh -c "$(mi_cmd /sys/fs/cgroup)"
	run hrun "$(hull_id cg2)"
	[ "$status" -eq 0 ]
	[[ "$output" == *" - cgroup2 "* ]]
}

@test "overlay mount: lower files visible, writes go to the upper directory" {
	local ov=$BATS_TEST_TMPDIR/ov
	mkdir -p "$ov/lower" "$ov/upper" "$ov/work"
	echo low >"$ov/lower/l"
	add_mount "{\"destination\":\"/ov\",\"type\":\"overlay\",\"source\":\"overlay\",\"options\":[\"lowerdir=$ov/lower\",\"upperdir=$ov/upper\",\"workdir=$ov/work\"]}"
	set_args sh -c 'cat /ov/l; echo up >/ov/u'
	run hrun "$(hull_id overlay)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = low ]
	[ "$(cat "$ov/upper/u")" = up ]
	[ ! -e "$ov/lower/u" ]
}

@test "idmapped bind mount: uidMappings/gidMappings change the owners seen through it" {
	mkdir -p "$BATS_TEST_TMPDIR/idm"
	touch "$BATS_TEST_TMPDIR/idm/f"
	chown 0:0 "$BATS_TEST_TMPDIR/idm/f"
	add_mount "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/idm\",\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":2000,\"size\":1}]}"
	set_args sh -c "stat -c '%u %g' /idm/f; $(mi_cmd /idm)"
	run hrun "$(hull_id idmap)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000 2000" ]
	[[ "${lines[1]}" == *idmapped* ]]
	[ "$(stat -c '%u %g' "$BATS_TEST_TMPDIR/idm/f")" = "0 0" ]
}

# A container user namespace (root mapped to 200000) that can run here, or skip.
need_userns_container() {
	update_config '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]'
	make_bundle_traversable
	set_args true
	run hrun "$(hull_id usernsprobe)"
	[ "$status" -eq 0 ] || skip "user namespace containers do not run here: $output"
}

@test "user namespace: bind sources its root cannot reach (0700 on the way) are opened by hull" {
	need_userns_container
	local src=$BATS_TEST_TMPDIR/private
	mkdir -p "$src/a/dir" "$src/b/dir"
	echo one >"$src/a/dir/f"
	echo two >"$src/b/dir/f"
	chmod 700 "$src/a" "$src/b"
	chmod 755 "$src"
	# the container's root may not create them in the host-owned rootfs
	mkdir "$BUNDLE/rootfs/m1"
	touch "$BUNDLE/rootfs/m2"
	add_mount "{\"destination\":\"/m1\",\"source\":\"$src/a/dir\",\"options\":[\"bind\"]}"
	add_mount "{\"destination\":\"/m2\",\"source\":\"$src/b/dir/f\",\"options\":[\"rbind\",\"ro\"]}"
	set_args sh -c "cat /m1/f /m2; test -f /m2 && echo is-file; echo x >/m2 || echo ro-ok; $(mi_cmd /m2)"
	run hrun "$(hull_id usernsbind)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = one ]
	[ "${lines[1]}" = two ]
	[ "${lines[2]}" = is-file ]
	[[ "$output" == *ro-ok* ]]
	# no propagation back to the host: the tree is not shared with the host's mounts
	[[ "$output" != *shared:* ]]
}

@test "user namespace + idmapped bind mount: the idmap is set by hull, the owners show through it" {
	need_userns_container
	mkdir -p "$BATS_TEST_TMPDIR/idm"
	touch "$BATS_TEST_TMPDIR/idm/f"
	chown 0:0 "$BATS_TEST_TMPDIR/idm/f"
	mkdir "$BUNDLE/rootfs/idm"
	add_mount "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/idm\",\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":65536}]}"
	set_args sh -c "stat -c '%u %g' /idm/f; touch /idm/new; $(mi_cmd /idm)"
	run hrun "$(hull_id usernsidmap)"
	[ "$status" -eq 0 ]
	# host root's file is the container's root's through the mount
	[ "${lines[0]}" = "0 0" ]
	[[ "${lines[1]}" == *idmapped* ]]
	[ "$(stat -c '%u %g' "$BATS_TEST_TMPDIR/idm/new")" = "0 0" ]
}

@test "idmap without mappings needs the container's user namespace mappings" {
	add_mount "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR\",\"options\":[\"rbind\",\"idmap\"]}"
	run hrun "$(hull_id idmapbad)"
	expect_clean_failure
	[[ "$output" == *'options: \"idmap\" without uidMappings/gidMappings'* ]]
}

@test "bind propagation: rslave receives host mounts made later, rprivate does not" {
	local src=$BATS_TEST_TMPDIR/prop id1 id2
	mkdir -p "$src/later"
	id1=$(hull_id slave)
	id2=$(hull_id private)
	set_args sleep 60
	run unshare -m --propagation shared sh -c "
		mount --bind '$src' '$src' && mount --make-shared '$src' &&
		cd '$BUNDLE' &&
		jq '.mounts += [{\"destination\":\"/p\",\"source\":\"$src\",\"options\":[\"rbind\",\"rslave\"]}]' config.json >c1 &&
		jq '.mounts += [{\"destination\":\"/p\",\"source\":\"$src\",\"options\":[\"rbind\",\"rprivate\"]}]' config.json >c2 &&
		cp c1 config.json && '$HULL' --root '$HULL_ROOT' run -d '$id1' </dev/null >/dev/null &&
		cp c2 config.json && '$HULL' --root '$HULL_ROOT' run -d '$id2' </dev/null >/dev/null &&
		mount -t tmpfs later '$src/later' &&
		for id in '$id1' '$id2'; do
			pid=\$('$HULL' --root '$HULL_ROOT' state \$id | jq .pid)
			echo \"\$id \$(awk '\$5 == \"/p/later\" {print \$9}' /proc/\$pid/mountinfo)\"
			awk '\$5 == \"/p\" {print \"opt\", \$7}' /proc/\$pid/mountinfo
		done"
	hull delete -f "$id1" || true
	hull delete -f "$id2" || true
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "$id1 tmpfs" ]]
	[[ "${lines[1]}" == "opt master:"* ]]
	[[ "${lines[2]}" == "$id2 " || "${lines[2]}" == "$id2" ]]
}

# Kubernetes' Bidirectional mount propagation: containerd asks for rootfsPropagation
# rshared and a volume with "rbind","rshared". The "host" is a private mount namespace
# made here (private, so nothing reaches the real host), the volume a shared tmpfs in it.
@test "rshared: mounts made in the container reach the host, host mounts reach the container" {
	local src=$BATS_TEST_TMPDIR/bidi id
	mkdir -p "$src"
	id=$(hull_id bidi)
	add_mount "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"rshared\"]}"
	update_config '.linux.rootfsPropagation = "rshared" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	set_args sh -c 'mount -t tmpfs fromct /v/fromct && sleep 60'
	run unshare -m --propagation private sh -c "
		mount -t tmpfs bidi '$src' && mount --make-shared '$src' && mkdir '$src/fromct' '$src/fromhost' &&
		cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run -d '$id' </dev/null >/dev/null || exit 1
		for i in \$(seq 100); do grep -q ' $src/fromct ' /proc/self/mountinfo && break; sleep 0.05; done
		echo \"host: \$(awk '\$5 == \"$src/fromct\" {print \$9}' /proc/self/mountinfo)\"
		mount -t tmpfs fromhost '$src/fromhost'
		pid=\$('$HULL' --root '$HULL_ROOT' state '$id' | jq .pid)
		echo \"container: \$(awk '\$5 == \"/v/fromhost\" {print \$9}' /proc/\$pid/mountinfo)\"
		echo \"volume: \$(awk '\$5 == \"/v\" {print \$7, \$8}' /proc/\$pid/mountinfo)\"
		'$HULL' --root '$HULL_ROOT' delete -f '$id'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "host: tmpfs" ]
	[ "${lines[1]}" = "container: tmpfs" ]
	# a peer of the host's mount (runc: shared:N), not a slave of it (shared:N master:M)
	[[ "${lines[2]}" =~ ^"volume: shared:"[0-9]+" -"$ ]]
}

@test "remount changes the flags of a mount made earlier" {
	add_mount '{"destination":"/data","type":"tmpfs","source":"tmpfs"}'
	add_mount '{"destination":"/data","options":["remount","ro","nosuid"]}'
	set_args sh -c "$(mi_cmd /data)"
	run hrun "$(hull_id remount)"
	[ "$status" -eq 0 ]
	[[ "$output" == *" ro,nosuid"* ]]
}

@test "symlinks in the rootfs cannot redirect a mount destination outside it" {
	local outside=$BATS_TEST_TMPDIR/outside
	mkdir -p "$outside"
	ln -s "$outside" "$BUNDLE/rootfs/abs"
	ln -s ../../../../../../../../../.."$outside" "$BUNDLE/rootfs/rel"
	ln -s "$outside/newdir" "$BUNDLE/rootfs/dangling"
	add_mount '{"destination":"/abs/x","type":"tmpfs","source":"tmpfs"}'
	add_mount '{"destination":"/rel/y","type":"tmpfs","source":"tmpfs"}'
	add_mount '{"destination":"/dangling","type":"tmpfs","source":"tmpfs"}'
	add_mount '{"destination":"/../../../../escape-up","type":"tmpfs","source":"tmpfs"}'
	set_args sh -c "awk '\$9 == \"tmpfs\" {print \$5}' /proc/self/mountinfo"
	run hrun "$(hull_id escape)"
	[ "$status" -eq 0 ]
	# nothing was created or mounted in the host directory the links point to ...
	[ -z "$(ls -A "$outside")" ]
	# ... the mounts landed inside the rootfs instead
	[ -d "$BUNDLE/rootfs/$outside/x" ]
	[ -d "$BUNDLE/rootfs/$outside/y" ]
	[ -d "$BUNDLE/rootfs/$outside/newdir" ]
	[ -d "$BUNDLE/rootfs/escape-up" ]
	[[ "$output" == *"$outside/x"* ]]
	[ ! -e "/escape-up" ]
}

@test "proc or sysfs onto a symlink or a file in the rootfs is refused (runc's ordinary directory rule)" {
	local kind
	for kind in proc sys; do
		rm -rf "${BUNDLE:?}/rootfs/$kind"
		ln -s /elsewhere "$BUNDLE/rootfs/$kind"
		run hrun "$(hull_id "sym$kind")"
		expect_clean_failure
		[[ "$output" == *"must be mounted on ordinary directory"* ]]
		[ ! -e "$BUNDLE/rootfs/elsewhere" ]
		rm "$BUNDLE/rootfs/$kind"
		touch "$BUNDLE/rootfs/$kind"
		run hrun "$(hull_id "file$kind")"
		expect_clean_failure
		[[ "$output" == *"must be mounted on ordinary directory"* ]]
		rm "$BUNDLE/rootfs/$kind"
		mkdir "$BUNDLE/rootfs/$kind"
	done
	[[ "$output" == *'filesystem \"sysfs\" must be mounted on ordinary directory'* ]]
}

@test "a missing bind source is one error naming mounts[N].source, and leaves no debris" {
	add_mount '{"destination":"/x","type":"bind","source":"/nonexistent/hull-src","options":["rbind"]}'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	run hrun "$(hull_id nosrc)"
	expect_clean_failure
	[[ "$output" == *"mounts[$n].source: no such file or directory: /nonexistent/hull-src"* ]]
	[ "$(grep -c 'mounts\[' <<<"$output")" -eq 1 ]
}

@test "bind mounts take what runc takes: data options (mode=, size=), two propagations (issue 17)" {
	# runc hands options it does not know to mount(2) as data, which a bind ignores
	add_mount '{"destination":"/x","type":"bind","source":"/etc","options":["rbind","ro","mode=755","size=1k"]}'
	set_args sh -c "$(mi_cmd /x); cat /x/hostname"
	run hrun "$(hull_id bindopt)"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" /x ro,"* ]]
	[ "${lines[1]}" = "$(cat /etc/hostname)" ]
	# two propagation kinds: runc applies both in turn, the last decides
	update_config 'del(.mounts[-1])'
	add_mount "{\"destination\":\"/x\",\"source\":\"$BATS_TEST_TMPDIR\",\"options\":[\"rbind\",\"shared\",\"rprivate\"]}"
	set_args sh -c "$(mi_cmd /x)"
	run hrun "$(hull_id twoprop)"
	[ "$status" -eq 0 ]
	[[ "$output" == *" /x "* ]]
	[[ "$output" != *shared:* ]]
}

@test "a relative mount destination goes below / with runc's warning (issue 17)" {
	add_mount '{"destination":"tmp","type":"tmpfs","source":"tmpfs"}'
	set_args sh -c "$(mi_cmd /tmp)"
	run hrun "$(hull_id reldest)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mount destination tmp is not absolute. Support for non-absolute mount destinations will be removed in a future release."* ]]
	[[ "$output" == *" /tmp "*tmpfs* ]]
}

@test "a mount without a type that is not a bind mount is refused" {
	add_mount '{"destination":"/x","source":"foo"}'
	run hrun "$(hull_id notype)"
	expect_clean_failure
	[[ "$output" == *'.type: required unless the mount is a bind mount'* ]]
}

@test "a filesystem option the kernel rejects fails the create with the mount named" {
	add_mount '{"destination":"/bad","type":"tmpfs","source":"tmpfs","options":["size=notanumber"]}'
	run hrun "$(hull_id badfs)"
	expect_clean_failure
	[[ "$output" == *"mount tmpfs on /bad"* ]]
	[[ "$output" == *"size=notanumber"* ]]
}
