#!/usr/bin/env bats
# attrs.bats - process attributes read back from inside the container: hostname,
# domainname, sysctl, rlimits, user/groups/umask, cwd, noNewPrivileges, oomScoreAdj,
# scheduler, ioPriority, personality, execCPUAffinity, LSM refusal; and bad values.

load rootfs-common

@test "hostname and domainname" {
	update_config '.hostname = "box1" | .domainname = "example.test"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	run hrun "$(hull_id uts)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = box1 ]
	[ "${lines[1]}" = example.test ]
}

@test "sysctl: net.*, ipc and uts keys are written in the container's namespaces" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward":"1","kernel.shmmax":"123456789","fs.mqueue.msg_max":"17","kernel.domainname":"sys.dom"} | del(.domainname)'
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname'
	run hrun "$(hull_id sysctl)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 123456789 ]
	[ "${lines[2]}" = 17 ]
	[ "${lines[3]}" = sys.dom ]
	# the host's values did not change
	[ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ]
}

@test "sysctl outside the container's namespaces is refused with runc's message, no debris" {
	update_config '.linux.sysctl = {"vm.swappiness":"10"}'
	run hrun "$(hull_id sysbad)"
	expect_clean_failure
	[[ "$output" == *'linux.sysctl: sysctl \"vm.swappiness\" is not in a separate kernel namespace'* ]]

	update_config '.linux.sysctl = {"net.ipv4.ip_forward":"1"} | .linux.namespaces |= map(select(.type != "network"))'
	run hrun "$(hull_id sysnonet)"
	expect_clean_failure
	[[ "$output" == *'sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace'* ]]

	update_config '.linux.namespaces += [{"type":"network","path":"/proc/self/ns/net"}]'
	run hrun "$(hull_id syshostnet)"
	expect_clean_failure
	[[ "$output" == *'sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace'* ]]

	update_config '.linux.sysctl = {"kernel.shmmax":"123456789"} | .linux.namespaces |= map(select(.type != "ipc"))'
	run hrun "$(hull_id sysnoipc)"
	expect_clean_failure
	[[ "$output" == *'sysctl \"kernel.shmmax\" is not allowed in the hosts ipc namespace'* ]]
}

@test "uts sysctls as runc 1.1.5: kernel.hostname refused, kernel.domainname taken and wins (issue 17)" {
	# kernel.hostname would bypass the hostname field: refused, with or without that field
	update_config '.linux.sysctl = {"kernel.hostname":"sys.host"} | del(.hostname)'
	run hrun "$(hull_id syshost)"
	expect_clean_failure
	[[ "$output" == *'sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field'* ]]
	# no uts namespace: neither key is isolated
	update_config '.linux.sysctl = {"kernel.domainname":"sys.dom"} | .linux.namespaces |= map(select(.type != "uts"))'
	run hrun "$(hull_id sysnouts)"
	expect_clean_failure
	[[ "$output" == *'sysctl \"kernel.domainname\" is not in a separate kernel namespace'* ]]
	# kernel.domainname beside the domainname field (same or not): runc writes the sysctl last
	update_config '.linux.namespaces += [{"type":"uts"}] | .domainname = "field.dom"'
	set_args sh -c 'cat /proc/sys/kernel/domainname'
	run hrun "$(hull_id sysdom)"
	[ "$status" -eq 0 ]
	[ "$output" = sys.dom ]
	update_config '.domainname = "sys.dom"'
	run hrun "$(hull_id sysdom2)"
	[ "$status" -eq 0 ]
	[ "$output" = sys.dom ]
}

@test "process.env as runc's init sets it: HOME from /etc/passwd (or /), a repeated key once with its last value (issue 17)" {
	update_config '.process.env += ["DUP=1","DUP=2"]'
	set_args env
	run hrun "$(hull_id envhome)"
	[ "$status" -eq 0 ]
	[[ "$output" == *HOME=/root* ]]
	[ "$(grep -c '^DUP=' <<<"$output")" -eq 1 ]
	[[ "$output" == *DUP=2* ]]
	# a uid /etc/passwd does not know: HOME=/
	update_config '.process.user.uid = 4242'
	run hrun "$(hull_id envhome2)"
	[ "$status" -eq 0 ]
	[[ "$output" == *HOME=/$'\n'* || "$output" == *HOME=/ ]]
	# the config's HOME stays
	update_config '.process.env += ["HOME=/given"]'
	run hrun "$(hull_id envhome3)"
	[[ "$output" == *HOME=/given* ]]
	[ "$(grep -c '^HOME=' <<<"$output")" -eq 1 ]
}

@test "rlimits: soft and hard limits read back with ulimit" {
	update_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":100,"hard":200},{"type":"RLIMIT_CORE","soft":0,"hard":0},{"type":"RLIMIT_NPROC","soft":500,"hard":600}]'
	set_args sh -c 'ulimit -n; ulimit -Hn; ulimit -c; ulimit -u'
	run hrun "$(hull_id rlimit)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 100 ]
	[ "${lines[1]}" = 200 ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 500 ]
}

@test "rlimits: a hard limit above hull's own needs CAP_SYS_RESOURCE: one clear error, no debris" {
	local own
	own=$(ulimit -Hn)
	[ "$own" != unlimited ] || skip "hard NOFILE limit is unlimited here"
	grep -q '^CapEff:.*' /proc/self/status
	update_config ".process.rlimits = [{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":$((own + 1))}]"
	run hrun "$(hull_id rlimitbad)"
	if [ "$status" -eq 0 ]; then skip "this host grants CAP_SYS_RESOURCE"; fi
	expect_clean_failure
	[[ "$output" == *"process.rlimits[0]: RLIMIT_NOFILE hard limit $((own + 1)) is above hull's own ($own); raising it needs CAP_SYS_RESOURCE"* ]]
}

@test "rlimits: unknown name and soft above hard are refused" {
	update_config '.process.rlimits = [{"type":"RLIMIT_BOGUS","soft":1,"hard":1}]'
	run hrun "$(hull_id rlimitname)"
	expect_clean_failure
	[[ "$output" == *'process.rlimits[0].type: unknown rlimit'* ]]
	update_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":300,"hard":200}]'
	run hrun "$(hull_id rlimitorder)"
	expect_clean_failure
	[[ "$output" == *'process.rlimits[0]'* ]]
}

@test "user: uid, gid, additionalGids and umask" {
	update_config '.root.readonly = false | .process.user = {"uid":1000,"gid":1001,"additionalGids":[10,20],"umask":23}'
	set_args sh -c 'id; umask; touch /tmp/f && stat -c %a /tmp/f'
	run hrun "$(hull_id user)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000 gid=1001 groups=10,20" ]
	[ "${lines[1]}" = 0027 ]
	[ "${lines[2]}" = 640 ]
}

@test "umask defaults to 0022" {
	set_args sh -c umask
	run hrun "$(hull_id umask)"
	[ "$status" -eq 0 ]
	[ "$output" = 0022 ]
}

@test "cwd: the process starts there" {
	mkdir -p "$BUNDLE/rootfs/srv/app"
	update_config '.process.cwd = "/srv/app"'
	set_args pwd
	run hrun "$(hull_id cwd)"
	[ "$status" -eq 0 ]
	[ "$output" = /srv/app ]
}

@test "noNewPrivileges shows in /proc/self/status" {
	update_config '.process.noNewPrivileges = true'
	set_args grep NoNewPrivs /proc/self/status
	run hrun "$(hull_id nnp)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"*1 ]]
	update_config '.process.noNewPrivileges = false'
	run hrun "$(hull_id nnp0)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"*0 ]]
}

@test "oomScoreAdj is set; lowering it without CAP_SYS_RESOURCE is a clear error" {
	update_config '.process.oomScoreAdj = 500'
	set_args cat /proc/self/oom_score_adj
	run hrun "$(hull_id oom)"
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]

	[ "$(cat /proc/self/oom_score_adj)" -gt -500 ] || skip "hull already runs with a low oom_score_adj"
	update_config '.process.oomScoreAdj = -500'
	run hrun "$(hull_id oomlow)"
	if [ "$status" -eq 0 ]; then skip "this host grants CAP_SYS_RESOURCE"; fi
	expect_clean_failure
	[[ "$output" == *"process.oomScoreAdj: set -500 (lowering it needs CAP_SYS_RESOURCE)"* ]]
}

@test "scheduler: SCHED_BATCH with nice, SCHED_IDLE" {
	update_config '.process.scheduler = {"policy":"SCHED_BATCH","nice":7}'
	set_args sh -c 'cut -d" " -f19,41 /proc/self/stat'
	run hrun "$(hull_id batch)"
	[ "$status" -eq 0 ]
	[ "$output" = "7 3" ]
	update_config '.process.scheduler = {"policy":"SCHED_IDLE"}'
	run hrun "$(hull_id idle)"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 5" ]]
}

@test "scheduler: SCHED_DEADLINE needs runtime <= deadline <= period" {
	update_config '.process.scheduler = {"policy":"SCHED_DEADLINE","runtime":2000000,"deadline":1000000,"period":3000000}'
	run hrun "$(hull_id deadline)"
	expect_clean_failure
	[[ "$output" == *"process.scheduler: SCHED_DEADLINE needs"* ]]
}

@test "ioPriority: idle and best-effort with a level" {
	update_config '.process.ioPriority = {"class":"IOPRIO_CLASS_IDLE"}'
	set_args ionice
	run hrun "$(hull_id ioidle)"
	[ "$status" -eq 0 ]
	[ "$output" = idle ]
	update_config '.process.ioPriority = {"class":"IOPRIO_CLASS_BE","priority":3}'
	run hrun "$(hull_id iobe)"
	[ "$status" -eq 0 ]
	[ "$output" = "best-effort: prio 3" ]
}

@test "personality: LINUX32 and a flag; unknown flags are refused" {
	update_config '.linux.personality = {"domain":"LINUX32","flags":["ADDR_NO_RANDOMIZE"]}'
	set_args sh -c 'uname -m; cat /proc/self/personality'
	run hrun "$(hull_id pers)"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = i686 ]
	[ "${lines[1]}" = 00040008 ]
	update_config '.linux.personality = {"domain":"LINUX","flags":["NO_SUCH_FLAG"]}'
	run hrun "$(hull_id persbad)"
	expect_clean_failure
	[[ "$output" == *'linux.personality.flags[0]: unknown personality flag'* ]]
}

@test "execCPUAffinity: final is what the process runs with" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 cpus"
	update_config '.process.execCPUAffinity = {"initial":"0-1","final":"1"}'
	set_args grep Cpus_allowed_list /proc/self/status
	run hrun "$(hull_id affinity)"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\t'1 ]]
	update_config '.process.execCPUAffinity = {"initial":"0"}'
	run hrun "$(hull_id affinity0)"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\t'0 ]]
}

@test "apparmorProfile and selinuxLabel are refused clearly when the LSM is absent" {
	[ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is enabled here"
	update_config '.process.apparmorProfile = "hull-test"'
	run hrun "$(hull_id apparmor)"
	expect_clean_failure
	[[ "$output" == *"process.apparmorProfile: AppArmor is not enabled on this host"* ]]
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run hrun "$(hull_id selinux)"
	expect_clean_failure
	[[ "$output" == *"process.selinuxLabel: SELinux is not enabled on this host"* ]]
}
