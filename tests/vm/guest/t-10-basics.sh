# t-10-basics.sh - the VM is what the tests assume: pure cgroup v2 with the controllers on.
. /tests/lib.sh
expect_eq "cgroup2 is mounted at /sys/fs/cgroup" cgroup2 "$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts)"
for c in cpu memory pids io hugetlb; do
	if grep -qw $c $CG/cgroup.subtree_control; then ok "controller $c enabled at the root"; else notok "controller $c enabled at the root" "$(cat $CG/cgroup.subtree_control)"; fi
done
check "hull runs (static binary)" hull --version
if have_cgtool; then expect_eq "libhull detects cgroup v2" v2 "$(cgtool mode)"; else skip "libhull detects cgroup v2" "no cgtool"; fi
