#!/bin/sh
# bench/cycle.sh N ID BUNDLE RUNTIME [GLOBAL-OPTS...]
#   N containers created, started and deleted one after another (rows 2 and 3).
# bench/cycle.sh N ID ROOTFS floor
#   the floor for the same loop: N times unshare of the bundle's namespaces + chroot + /bin/true.
# Deletes with -f: /bin/true may not have exited yet when `start` returns, and a plain
# `delete` of a running container is an error in all three runtimes.
n=$1 id=$2 b=$3
shift 3
i=0
if [ "$1" = floor ]; then
	while [ $i -lt "$n" ]; do
		unshare -p -n -i -u -m -C -f chroot "$b" /bin/true || exit 1
		i=$((i + 1))
	done
	exit 0
fi
while [ $i -lt "$n" ]; do
	"$@" create --bundle "$b" "$id-$i" </dev/null >/dev/null || exit 1
	"$@" start "$id-$i" || exit 1
	"$@" delete -f "$id-$i" || exit 1
	i=$((i + 1))
done
