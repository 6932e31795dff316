#!/bin/bash
# t-50-containerd: a private containerd (own root, state and socket) runs containers through
# the runc v2 shim with the options SystemdCgroup = true and BinaryName = the runtime under test
# (ctr's --runc-systemd-cgroup and --runc-binary set exactly those shim options): run, exec,
# ps, pause/resume, metrics, kill, rm; no unit or cgroup left. ctr 1.6 has no `update`.
. "$(dirname "$0")/lib.sh"
mkrootfs

D=/run/hull-vm-ctd-$RUNTIME
mkdir -p "$D"
cat >"$D/config.toml" <<TOML
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/containerd.sock"
[ttrpc]
  address = "$D/containerd.sock.ttrpc"
TOML
containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
cpid=$!
c() { ctr --address "$D/containerd.sock" --namespace hullvm "$@"; }
wait_until "c version >/dev/null 2>&1"
check "private containerd answers" c version

id=$(ct ctd)
unit=ctd-$id.scope
cg=/sys/fs/cgroup/system.slice/$unit
check "ctr run -d with SystemdCgroup and BinaryName=$RUNTIME" \
	c run -d --rootfs --runc-binary "$RT_BIN" --runc-systemd-cgroup --runc-root "$D/runc" \
	--cgroup "system.slice:ctd:$id" --memory-limit 67108864 --env PATH=/bin "$ROOTFS" "$id" /bin/sleep 1000
wait_until "[ \"\$(c t ls 2>/dev/null | awk -v id=$id '\$1 == id {print \$3}')\" = RUNNING ]"
expect_eq "the task is running" RUNNING "$(c t ls 2>&1 | awk -v id="$id" '$1 == id {print $3}')"
pid=$(c t ls 2>/dev/null | awk -v id="$id" '$1 == id {print $2}')
expect_eq "the scope $unit is active" active "$(unit_state "$unit")"
expect_eq "the task is in the scope's cgroup" "/system.slice/$unit" "$(cg_path_of "$pid")"
expect_eq "MemoryMax from --memory-limit" 67108864 "$(unit_prop "$unit" MemoryMax)"
expect_eq "memory.max" 67108864 "$(cat "$cg/memory.max" 2>&1)"
expect_eq "exec" hello "$(c t exec --exec-id e1 "$id" /bin/echo hello 2>&1)"
expect_eq "ps lists the task" "$pid" "$(c t ps "$id" 2>&1 | awk -v p="$pid" '$1 == p {print $1}')"
check "pause" c t pause "$id"
expect_eq "paused: the scope's cgroup is frozen" 1 "$(sed -n 's/^frozen //p' "$cg/cgroup.events" 2>&1)"
check "resume" c t resume "$id"
expect_eq "resumed: thawed" 0 "$(sed -n 's/^frozen //p' "$cg/cgroup.events" 2>&1)"
expect_match "metrics read the scope's cgroup" 'memory\.(usage_in_bytes|max|current)|pids' "$(c t metrics "$id" 2>&1)"
check "kill" c t kill -s KILL "$id"
wait_until "[ \"\$(c t ls 2>/dev/null | awk -v id=$id '\$1 == id {print \$3}')\" = STOPPED ]"
check "task rm" c t rm "$id"
check "container rm" c c rm "$id"
expect_eq "no unit left" "" "$(unit_listed "$unit")"
expect_eq "no cgroup left" no "$([ -d "$cg" ] && echo yes || echo no)"
expect_eq "no runtime state left" "" "$(ls "$D/runc/hullvm" 2>/dev/null)"

c t kill -s KILL "$id" >/dev/null 2>&1; c t rm -f "$id" >/dev/null 2>&1; c c rm "$id" >/dev/null 2>&1
kill "$cpid"; wait "$cpid" 2>/dev/null
grep -iE 'level=(error|fatal)' "$D/containerd.log" | tail -n 5 | sed 's/^/# containerd: /'
