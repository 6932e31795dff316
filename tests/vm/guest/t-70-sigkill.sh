# t-70-sigkill.sh - hull create SIGKILLed at random points on pure v2, then delete -f: no
# process, mount, cgroup or state entry may be left (issue 18). TCG is slow: the delays
# span what create takes here.
. /tests/lib.sh
B=/tmp/b/kill
mkbundle $B '{"pids":{"limit":20}}' '["sleep","300"]'
n=30
for i in $(seq 1 $n); do
	sed -i "s|\"cgroupsPath\":\"[^\"]*\"|\"cgroupsPath\":\"/hull-vm-kill/k$i\"|" $B/config.json
	# hull itself in the background (not the h function: that would fork a subshell to kill)
	hull --root $HROOT create --bundle $B k$i </dev/null >/dev/null 2>&1 &
	p=$!
	usleep $(( (RANDOM % 400) * 1000 ))
	kill -9 $p 2>/dev/null
	wait $p 2>/dev/null
	h delete -f k$i >/tmp/kill-del.out 2>&1 || { notok "delete -f after a killed create (k$i)" "$(cat /tmp/kill-del.out)"; }
done
usleep 200000
procs=""
for p in /proc/[0-9]*; do
	st=$(sed 's/.*) \(.\).*/\1/' $p/stat 2>/dev/null)
	[ "$st" = Z ] && continue
	grep -q '/hull-vm-kill/' $p/cgroup 2>/dev/null && procs="$procs ${p#/proc/}"
	case "$(readlink $p/root 2>/dev/null)" in /tmp/b/kill*|/rootfs*) procs="$procs ${p#/proc/}" ;; esac
done
expect_eq "SIGKILLed creates: no container process left" "" "$procs"
mounts=""
for p in /proc/[0-9]*; do
	m=$(grep -c '/tmp/b/kill\|/rootfs ' $p/mountinfo 2>/dev/null)
	[ "${m:-0}" -gt 0 ] && [ "$(readlink $p/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] && mounts="$mounts ${p#/proc/}"
done
expect_eq "SIGKILLed creates: no mount namespace holds the rootfs" "" "$mounts"
expect_eq "SIGKILLed creates: no cgroup left" "" "$(find $CG/hull-vm-kill -mindepth 1 -type d 2>/dev/null)"
expect_eq "SIGKILLed creates: no state entry left" "" "$(ls -A $HROOT 2>/dev/null | grep '^k')"
rmdir $CG/hull-vm-kill 2>/dev/null
