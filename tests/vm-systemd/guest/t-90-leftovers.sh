#!/bin/bash
# t-90-leftovers: after the runtime's tests, nothing of theirs is left: no scope (hull-*, pfx-*,
# ctd-*, libpod-*), no container state, no cgroup of the cgroupfs run.
. "$(dirname "$0")/lib.sh"

expect_eq "no container scope left" "" \
	"$(systemctl list-units --all --plain --no-legend 'hull-*.scope' 'pfx-*.scope' 'ctd-*.scope' 'libpod-*.scope' 2>&1)"
expect_eq "no container state left" "" "$(rt list -q 2>&1)"
expect_eq "no scope cgroup left" "" \
	"$(find /sys/fs/cgroup -type d \( -name 'hull-*.scope' -o -name 'pfx-*.scope' -o -name 'ctd-*.scope' -o -name 'libpod-*.scope' -o -name hull-vm-fs \) 2>&1)"
