#!/bin/sh
# bench/parallel.sh P N ID BUNDLE RUNTIME [GLOBAL-OPTS...]   (or ... ROOTFS floor)
#   row 3: P workers at once, each running bench/cycle.sh for N containers of its own.
#   Exits non-zero if any worker failed.
p=$1 n=$2 id=$3
shift 3
here=$(dirname "$0")
pids=""
j=0
while [ $j -lt "$p" ]; do
	sh "$here/cycle.sh" "$n" "$id-p$j" "$@" &
	pids="$pids $!"
	j=$((j + 1))
done
rc=0
for pid in $pids; do
	wait "$pid" || rc=1
done
exit $rc
