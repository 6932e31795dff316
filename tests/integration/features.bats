#!/usr/bin/env bats
# features.bats - `hull features` claims nothing this binary cannot do.
#
# The audit (issue 20) of src/libhull/features.c against the code, and where each claim
# is exercised:
#
# | features field                          | claim            | exercised by                                   |
# |-----------------------------------------|------------------|------------------------------------------------|
# | ociVersionMin/Max                       | 1.0.0 .. 1.2.0   | spec.bats (version checks), test_spec.c        |
# | hooks (6)                               | all six          | hooks.bats (each hook runs, failures abort)    |
# | mountOptions                            | each listed one  | here: every listed option on a real mount      |
# | linux.namespaces (8)                    | all              | here (each in turn); netdev.bats (time)        |
# | linux.capabilities                      | caps.c's table   | caps.bats                                      |
# | linux.cgroup.v1                         | true             | unit tests only (this host is v2): NOT verified |
# |                                         |                  | on a v1 host here                              |
# | linux.cgroup.v2                         | true             | cgroups.bats, tests/vm                         |
# | linux.cgroup.systemd                    | true             | tests/vm-systemd (the D-Bus driver against     |
# |                                         |                  | systemd), test_systemd.c, systemd.bats         |
# | linux.cgroup.systemdUser                | true             | tests/vm-systemd/guest/t-47 (rootless through  |
# |                                         |                  | the user's manager)                            |
# | linux.cgroup.rdma                       | true             | tests/vm (cgtool rdma), test_cgroup.c          |
# | linux.seccomp (actions filtered by the  | true             | seccomp.bats                                   |
# | kernel, archs by libseccomp)            |                  |                                                |
# | apparmor / selinux / intelRdt           | false            | -                                              |
# | linux.mountExtensions.idmap             | true (was false: | mounts.bats (idmapped bind mount), here        |
# |                                         | an under-claim)  |                                                |
# | linux.netDevices                        | only with libmnl | netdev.bats (make check-netdev for the dynamic |
# |                                         | (dynamic build)  | build; the static one refuses such configs)    |
# | potentiallyUnsafeConfigAnnotations      | org.systemd.     | the systemd driver makes them unit properties  |
# |                                         | property.        | (systemd.bats, tests/vm-systemd)               |
# | mountOptions rro, r*, tmpcopyup, idmap, | listed now (were | mounts.bats, here                              |
# | ridmap, notmpcopyup                     | missing)         |                                                |
# | mountOptions iversion, noiversion       | dropped (were    | this test: fsconfig refuses them on tmpfs      |
# |                                         | listed: false)   | (runc sets MS_I_VERSION; a compat gap left for |
# |                                         |                  | mount/options.c)                               |

load ../lib/helpers
load ../lib/suite-hooks

setup_file() {
	export HULL_TEST_AREA=feat
	hull_setup_file
}

# Foreground run of $BUNDLE.
frun() {
	(cd "$BUNDLE" && "$HULL" --root "$HULL_ROOT" run "$1") </dev/null
}

@test "features: every listed mount option works on a real mount" {
	local src=$BATS_TEST_TMPDIR/src o i=0 failed=() base mount
	mkdir -p "$src" "$BUNDLE/rootfs/copyup"
	echo x >"$BUNDLE/rootfs/copyup/f"
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
	for o in $("$HULL" features | jq -r '.mountOptions[]'); do
		i=$((i + 1))
		cp "$BATS_TEST_TMPDIR/base.json" "$BUNDLE/config.json"
		case $o in
		bind | rbind)
			mount="{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"$o\"]}" ;;
		idmap | ridmap)
			mount="{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"$o\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}" ;;
		remount)
			update_config '.mounts += [{"destination":"/m","type":"tmpfs","source":"tmpfs"}]'
			mount='{"destination":"/m","options":["remount","ro"]}' ;;
		tmpcopyup | notmpcopyup)
			mount="{\"destination\":\"/copyup\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"$o\"]}" ;;
		*)
			mount="{\"destination\":\"/m\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"$o\"]}" ;;
		esac
		update_config ".mounts += [$mount]"
		frun "$(hull_id "opt$i")" >"$BATS_TEST_TMPDIR/out" 2>&1 || failed+=("$o: $(cat "$BATS_TEST_TMPDIR/out")")
	done
	[ "${#failed[@]}" -eq 0 ] || { printf '%s\n' "${failed[@]}"; false; }
	check_no_debris
}

@test "features: every listed namespace can be created" {
	local ns failed=()
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
	for ns in $("$HULL" features | jq -r '.linux.namespaces[]'); do
		cp "$BATS_TEST_TMPDIR/base.json" "$BUNDLE/config.json"
		update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{"type": $t}])' --arg t "$ns"
		[ "$ns" = user ] && update_config '.linux.uidMappings = [{"containerID":0,"hostID":0,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":0,"size":65536}]'
		set_args sh -c "readlink /proc/self/ns/$( [ "$ns" = mount ] && echo mnt || { [ "$ns" = network ] && echo net || echo "$ns"; })"
		frun "$(hull_id "ns-$ns")" >"$BATS_TEST_TMPDIR/out" 2>&1 || failed+=("$ns: $(cat "$BATS_TEST_TMPDIR/out")")
	done
	[ "${#failed[@]}" -eq 0 ] || { printf '%s\n' "${failed[@]}"; false; }
	check_no_debris
}

@test "features: the systemd driver and its annotations are claimed; idmap is claimed" {
	run "$HULL" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true' >/dev/null
	echo "$output" | jq -e '.potentiallyUnsafeConfigAnnotations == ["org.systemd.property."]' >/dev/null
	echo "$output" | jq -e '.annotations["org.hull.systemd.dbus"] | startswith("libdbus-1 ")' >/dev/null
	echo "$output" | jq -e '.linux.mountExtensions.idmap.enabled == true' >/dev/null
	echo "$output" | jq -e '.mountOptions | index("rro") and index("tmpcopyup") and index("idmap")' >/dev/null
}

@test "features: netDevices is claimed exactly when a config with it is accepted" {
	update_config '.linux.netDevices = {"hullnosuch0": {}}'
	# in a throwaway netns: never near the host's devices
	run unshare -n bash -c "cd '$BUNDLE' && '$HULL' --root '$HULL_ROOT' run '$(hull_id netdev)' </dev/null"
	[ "$status" -ne 0 ]
	if "$HULL" features | jq -e '.linux.netDevices.enabled' >/dev/null; then
		# gets as far as looking the device up (a name no host has)
		[[ "$output" == *'config.json: linux.netDevices.hullnosuch0: no such device'* ]] || { echo "$output"; false; }
	else
		[[ "$output" == *'this hull was built without libmnl (static build)'* ]] || { echo "$output"; false; }
	fi
	check_no_debris
}
