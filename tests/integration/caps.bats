#!/usr/bin/env bats
# caps.bats - the five capability sets read back from /proc/self/status, ambient caps for
# a non-root user, unknown capability names and ambient ones the kernel refuses (warned or
# skipped as runc 1.1.5 does).

load rootfs-common

caps_of() { # print the Cap* lines of the container process as "Name value"
	set_args sh -c 'grep ^Cap /proc/self/status'
	run hrun "$(hull_id "$1")"
	[ "$status" -eq 0 ]
}

cap_line() { # NAME: the hex value from $output
	awk -v n="$1:" '$1 == n {print $2}' <<<"$output"
}

@test "the default spec's capabilities: AUDIT_WRITE KILL NET_BIND_SERVICE" {
	caps_of default
	[ "$(cap_line CapBnd)" = 0000000020000420 ]
	[ "$(cap_line CapEff)" = 0000000020000420 ]
	[ "$(cap_line CapPrm)" = 0000000020000420 ]
	[ "$(cap_line CapInh)" = 0000000000000000 ]
	[ "$(cap_line CapAmb)" = 0000000000000000 ]
}

@test "each set is applied on its own" {
	update_config '.process.capabilities = {
		"bounding":["CAP_KILL","CAP_NET_ADMIN","CAP_SYS_ADMIN","CAP_CHOWN"],
		"permitted":["CAP_KILL","CAP_NET_ADMIN","CAP_SYS_ADMIN"],
		"effective":["CAP_KILL","CAP_SYS_ADMIN"],
		"inheritable":["CAP_NET_ADMIN"]}'
	caps_of sets
	# CAP_CHOWN=0 CAP_KILL=5 CAP_NET_ADMIN=12 CAP_SYS_ADMIN=21
	[ "$(cap_line CapBnd)" = 0000000000201021 ]
	[ "$(cap_line CapPrm)" = 0000000000201020 ]
	# uid 0 without SECBIT_NOROOT: execve makes effective = permitted (as with runc)
	[ "$(cap_line CapEff)" = 0000000000201020 ]
	[ "$(cap_line CapInh)" = 0000000000001000 ]
	[ "$(cap_line CapAmb)" = 0000000000000000 ]
}

@test "a non-root user keeps ambient capabilities across exec" {
	update_config '.process.user = {"uid":1000,"gid":1000} | .process.capabilities = {
		"bounding":["CAP_NET_BIND_SERVICE","CAP_KILL"],"permitted":["CAP_NET_BIND_SERVICE"],
		"effective":["CAP_NET_BIND_SERVICE"],"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
	caps_of ambient
	[ "$(cap_line CapAmb)" = 0000000000000400 ]
	[ "$(cap_line CapEff)" = 0000000000000400 ]
	[ "$(cap_line CapPrm)" = 0000000000000400 ]
	[ "$(cap_line CapBnd)" = 0000000000000420 ]
}

@test "a non-root user without ambient capabilities ends with none" {
	update_config '.process.user = {"uid":1000,"gid":1000}'
	caps_of nonroot
	[ "$(cap_line CapEff)" = 0000000000000000 ]
	[ "$(cap_line CapPrm)" = 0000000000000000 ]
	[ "$(cap_line CapBnd)" = 0000000020000420 ]
}

@test "unknown capability names are skipped with runc's warning (issue 17)" {
	update_config '.process.capabilities.permitted += ["CAP_FOO"] | .process.capabilities.bounding += ["cap_kill", "CAP_FOO"]
		| .process.capabilities.effective += ["12"]'
	caps_of capfoo
	# one line, sorted, each name once: exactly runc 1.1.5's wording
	[ "$(grep -c 'ignoring unknown or unavailable capabilities' <<<"$output")" -eq 1 ]
	[[ "$output" == *'ignoring unknown or unavailable capabilities: [12 CAP_FOO cap_kill]'* ]]
	[ "$(cap_line CapBnd)" = 0000000020000420 ]
	[ "$(cap_line CapPrm)" = 0000000020000420 ]
}

@test "ambient capabilities that are not inheritable: runs without them, no warning (runc's default spec, buildah)" {
	# runc spec's own default: ambient AUDIT_WRITE KILL NET_BIND_SERVICE, inheritable empty
	update_config '.process.capabilities.ambient = ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]
		| del(.process.capabilities.inheritable)'
	caps_of ambient-noinh
	[[ "$output" != *level=* ]]
	[ "$(cap_line CapAmb)" = 0000000000000000 ]
	[ "$(cap_line CapEff)" = 0000000020000420 ]
	# one inheritable, one not: the inheritable one is raised, the rest skipped
	update_config '.process.user = {"uid":1000,"gid":1000} | .process.capabilities.inheritable = ["CAP_KILL"]'
	caps_of ambient-some
	[ "$(cap_line CapAmb)" = 0000000000000020 ]
}

@test "a capability hull itself lacks is skipped with a warning" {
	grep -q '^CapBnd:' /proc/self/status
	local bnd
	bnd=$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)
	# CAP_SYS_RESOURCE is bit 24
	[ $((0x$bnd >> 24 & 1)) -eq 0 ] || skip "hull holds CAP_SYS_RESOURCE here"
	update_config '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"] | .process.capabilities.effective += ["CAP_SYS_RESOURCE"] | .process.capabilities.permitted += ["CAP_SYS_RESOURCE"]'
	caps_of lacking
	[[ "$output" == *"CAP_SYS_RESOURCE"*"skipped"* ]]
	[ "$(cap_line CapEff)" = 0000000020000420 ]
}
