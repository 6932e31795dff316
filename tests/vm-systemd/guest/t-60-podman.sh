#!/bin/bash
# t-60-podman: podman --cgroup-manager systemd --runtime RUNTIME (conmon, private storage and
# run dirs, --network none, an image imported from the busybox rootfs): run, exec, update
# (podman 4.3's update has no --pids-limit),
# stop, rm; no libpod scope or cgroup left.
. "$(dirname "$0")/lib.sh"
mkrootfs

D=/var/tmp/hull-vm-podman-$RUNTIME
mkdir -p "$D"
pm() {
	podman --root "$D/storage" --runroot "$D/run" --storage-driver vfs --events-backend file \
		--cgroup-manager systemd --runtime "$RT_BIN" "$@"
}
check "podman import of the busybox rootfs" sh -c "tar -C $ROOTFS -c . | podman --root $D/storage --runroot $D/run --storage-driver vfs import - localhost/hullvm-busybox"

name=$(ct pod)
cid=$(pm run -d --name "$name" --network none --memory 64m --pids-limit 100 localhost/hullvm-busybox sleep 1000 2>"$D/run.err")
expect_match "podman run -d with --runtime $RUNTIME" '^[0-9a-f]{64}$' "$cid$(cat "$D/run.err")"
unit=libpod-$cid.scope
cg=/sys/fs/cgroup/machine.slice/$unit
expect_eq "podman sees it running" running "$(pm inspect -f '{{.State.Status}}' "$name" 2>&1)"
pid=$(pm inspect -f '{{.State.Pid}}' "$name" 2>/dev/null)
expect_eq "the libpod scope is active" active "$(unit_state "$unit")"
expect_eq "the container is in machine.slice/$unit" "/machine.slice/$unit" "$(cg_path_of "$pid")"
expect_eq "MemoryMax from --memory" 67108864 "$(unit_prop "$unit" MemoryMax)"
expect_eq "TasksMax from --pids-limit" 100 "$(unit_prop "$unit" TasksMax)"
expect_eq "memory.max" 67108864 "$(cat "$cg/memory.max" 2>&1)"
expect_eq "exec" hello "$(pm exec "$name" echo hello 2>&1)"
check "update --memory 128m --cpu-quota 25000 --cpu-period 100000" \
	pm update --memory 128m --cpu-quota 25000 --cpu-period 100000 "$name"
expect_eq "update: MemoryMax" 134217728 "$(unit_prop "$unit" MemoryMax)"
expect_eq "update: memory.max" 134217728 "$(cat "$cg/memory.max" 2>&1)"
expect_eq "update: CPUQuotaPerSecUSec" 250ms "$(unit_prop "$unit" CPUQuotaPerSecUSec)"
expect_eq "update: cpu.max" "25000 100000" "$(cat "$cg/cpu.max" 2>&1)"
check "stop" pm stop -t 1 "$name"
expect_eq "stopped" exited "$(pm inspect -f '{{.State.Status}}' "$name" 2>&1)"
check "rm" pm rm "$name"
expect_eq "no libpod scope left" "" "$(unit_listed "libpod-*$cid*")"
expect_eq "no cgroup left" no "$([ -d "$cg" ] && echo yes || echo no)"

pm rm -f "$name" >/dev/null 2>&1
pm rmi -f localhost/hullvm-busybox >/dev/null 2>&1
