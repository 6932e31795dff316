#!/bin/sh
# private-docker.sh start DIR CGROUP_PARENT HULL | stop DIR
#   A dockerd (Debian's docker.io 20.10) with everything private, for tests/daemons/docker.bats
#   and bench/docker-run.sh.
#
# start: inside `unshare -m --propagation private`, with a tmpfs of its own on /run
# (containerd 1.6 hard-wires /run/containerd/{s,fifo} and dockerd /run/docker/plugins), a
# containerd with its own root, state, socket and config (CRI off) and a dockerd handed that
# containerd (--containerd), with its own --data-root, --exec-root, --pidfile, -H socket
# (DIR/d.sock), --config-file (DIR/daemon.json, reloaded on SIGHUP), trust key (named in
# that file), no bridge and no iptables, --cgroup-parent /CGROUP_PARENT, and the runtime
# "hull" = HULL declared in that config file (runc is dockerd's built-in), as README says,
# rather than with --add-runtime, so that a reload can make it the default runtime.
# Waits until dockerd answers; on failure prints both logs.
# The runtimes keep their state below DIR/exec (runtime-NAME/moby).
# stop: SIGTERM dockerd, then containerd (by the pids in DIR), SIGKILL after 20 s, then
# anything still carrying DIR in its command line (shims). Removing DIR and the cgroup
# parent is the caller's job.
set -u
cmd=${1:?usage: private-docker.sh start DIR CGROUP_PARENT HULL | stop DIR}
dir=${2:?usage: private-docker.sh start DIR CGROUP_PARENT HULL | stop DIR}

# wait_gone PID SECONDS
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	! kill -0 "$1" 2>/dev/null
}

case $cmd in
start)
	cgroup=${3:?usage: private-docker.sh start DIR CGROUP_PARENT HULL}
	hull=${4:?usage: private-docker.sh start DIR CGROUP_PARENT HULL}
	mkdir -p "$dir"
	cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/ctrd-root"
state = "$dir/ctrd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$dir/ctrd.sock"

[ttrpc]
  address = "$dir/ctrd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
EOF
	# dockerd 20.10 writes its trust key to /etc/docker/key.json unless told where
	# (only in its config file: the command line flag is gone). hull is declared there too,
	# as README says, so a reload (SIGHUP) may make it the default runtime.
	jq -n --arg key "$dir/key.json" --arg hull "$hull" \
		'{"deprecated-key-path": $key, runtimes: {hull: {path: $hull}}}' >"$dir/daemon.json"
	# The namespace's first process: a private /run, containerd in the background, then
	# dockerd in its place (so the unshare's pid is dockerd's).
	cat >"$dir/daemons.sh" <<EOF
mount -t tmpfs -o mode=0755 hulltest-run /run || exit 1
containerd --config "$dir/containerd.toml" >"$dir/containerd.log" 2>&1 &
echo \$! >"$dir/containerd.pid"
i=0
while [ ! -S "$dir/ctrd.sock" ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
exec dockerd --containerd "$dir/ctrd.sock" --data-root "$dir/data" --exec-root "$dir/exec" \\
	--pidfile "$dir/dockerd.pid" -H "unix://$dir/d.sock" --config-file "$dir/daemon.json" \\
	--bridge=none --iptables=false --ip6tables=false \\
	--cgroup-parent "/$cgroup" >"$dir/dockerd.log" 2>&1
EOF
	unshare -m --propagation private sh "$dir/daemons.sh" </dev/null >/dev/null 2>&1 &
	echo $! >"$dir/ns.pid"
	i=0
	until /usr/bin/docker -H "unix://$dir/d.sock" version >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$(cat "$dir/ns.pid")" 2>/dev/null; then
			echo "private-docker.sh: dockerd did not start" >&2
			cat "$dir/containerd.log" "$dir/dockerd.log" >&2 2>/dev/null
			exit 1
		fi
		sleep 0.1
	done
	;;
stop)
	for f in ns containerd; do
		pid=$(cat "$dir/$f.pid" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null || continue
		wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null
	done
	# shims (and what they run) that outlived containerd carry DIR in their argv
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$dir/" && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	true
	;;
*)
	echo "usage: private-docker.sh start DIR CGROUP_PARENT HULL | stop DIR" >&2
	exit 2
	;;
esac
