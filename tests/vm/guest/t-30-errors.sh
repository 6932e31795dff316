# t-30-errors.sh - refused resources: clear error with the JSON path, and no cgroup left behind.
. /tests/lib.sh
have_cgtool || { skip "v2 errors" "cgtool not built"; exit 0; }
leftover() { if [ -e $CG/hull-vm-bad ]; then notok "$1: no cgroup left behind" "$(find $CG/hull-vm-bad -type d)"; rm -rf $CG/hull-vm-bad 2>/dev/null; else ok "$1: no cgroup left behind"; fi; }
expect_fail_match "cpu.shares 1 is refused" 'linux\.resources\.cpu\.shares' cgtool create /hull-vm-bad/x shares=1
leftover "shares 1"
expect_fail_match "realtime is refused on v2" 'linux\.resources\.cpu\.realtime.*not supported on cgroup v2' cgtool create /hull-vm-bad/x rt_runtime=1000
leftover "realtime"
expect_fail_match "disableOOMKiller is refused on v2" 'linux\.resources\.memory\.disableOOMKiller' cgtool create /hull-vm-bad/x disable_oom=1
leftover "disableOOMKiller"
expect_fail_match "unified key of an unknown controller" 'linux\.resources\.unified\["nosuch\.max"\].*controller "nosuch" is not available' cgtool create /hull-vm-bad/x unified=nosuch.max:1
leftover "unified unknown"
expect_fail_match "unknown device type" 'linux\.resources\.devices\[0\]\.type' cgtool create /hull-vm-bad/x dev=allow:z:1:1:rwm
leftover "device type"
expect_fail_match "bad hugepage size" 'linux\.resources\.hugepageLimits\[0\]\.pageSize' cgtool create /hull-vm-bad/x hugetlb=3MB:1
leftover "hugepage size"
expect_fail_match "swap below the memory limit" 'linux\.resources\.memory\.swap' cgtool create /hull-vm-bad/x memory=100000000 swap=1000
leftover "swap"
