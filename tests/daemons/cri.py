#!/usr/bin/env python3
"""cri.py - the few CRI (runtime.v1) calls containerd.bats needs, like a tiny crictl.

Debian 12 has no crictl, so this speaks the CRI gRPC API with python3-grpcio and a
hand-written protobuf encoding of just the fields used (field numbers from
k8s.io/cri-api runtime/v1/api.proto). It is what a kubelet does with a RuntimeClass:
RunPodSandbox with runtime_handler=<handler> makes containerd use the runc v2 shim with
that handler's options from config.toml (BinaryName, Root).

  cri.py SOCK version
  cri.py SOCK runp NAME HANDLER LOGDIR CGROUP_PARENT         -> pod sandbox id
  cri.py SOCK create POD NAME IMAGE LOGPATH CGROUP_PARENT HANDLER LOGDIR CMD...  -> container id
  cri.py SOCK start ID | status ID | stop ID | rm ID | stopp POD | rmp POD
  cri.py SOCK exec ID CMD...      (ExecSync: prints stdout, exits with the exit code)
  cri.py SOCK update ID MEMORY_BYTES CPU_SHARES   (UpdateContainerResources)
"""
import sys

import grpc

SERVICE = "/runtime.v1.RuntimeService/"


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def f_int(num, value):
    return varint(num << 3) + varint(value)


def decode(buf):
    """protobuf bytes -> {field number: [values]} (ints for varints, bytes otherwise)."""
    out, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, i = read_varint(buf, i)
        elif wt == 2:
            n, i = read_varint(buf, i)
            val, i = buf[i:i + n], i + n
        elif wt == 1:
            val, i = buf[i:i + 8], i + 8
        elif wt == 5:
            val, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wt)
        out.setdefault(num, []).append(val)
    return out


def read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def first(msg, num, default=b""):
    return msg.get(num, [default])[0]


def sandbox_config(name, logdir, cgroup_parent):
    metadata = f_bytes(1, name) + f_bytes(2, name + "-uid") + f_bytes(3, "hulltest")
    # NamespaceOption: network = NODE (2): no CNI needed
    ns_options = f_int(1, 2)
    security = f_bytes(1, ns_options)
    linux = f_bytes(1, cgroup_parent) + f_bytes(2, security)
    # no hostname: like the kubelet for host-network pods (no uts namespace to set it in)
    return f_bytes(1, metadata) + f_bytes(3, logdir) + f_bytes(8, linux)


def call(channel, method, request):
    rpc = channel.unary_unary(SERVICE + method)
    return decode(rpc(request, timeout=60))


def main(argv):
    sock, cmd, args = argv[1], argv[2], argv[3:]
    channel = grpc.insecure_channel("unix://" + sock)
    if cmd == "version":
        r = call(channel, "Version", f_bytes(1, "v1"))
        print(first(r, 2).decode(), first(r, 3).decode(), first(r, 4).decode())
    elif cmd == "runp":
        name, handler, logdir, cgparent = args
        req = f_bytes(1, sandbox_config(name, logdir, cgparent)) + f_bytes(2, handler)
        print(first(call(channel, "RunPodSandbox", req), 1).decode())
    elif cmd == "create":
        pod, name, image, logpath, cgparent, handler, logdir = args[:7]
        ccfg = f_bytes(1, f_bytes(1, name)) + f_bytes(2, f_bytes(1, image))
        ccfg += b"".join(f_bytes(3, a) for a in args[7:]) + f_bytes(11, logpath)
        req = f_bytes(1, pod) + f_bytes(2, ccfg) + f_bytes(3, sandbox_config(pod, logdir, cgparent))
        print(first(call(channel, "CreateContainer", req), 1).decode())
    elif cmd in ("start", "rm"):
        call(channel, {"start": "StartContainer", "rm": "RemoveContainer"}[cmd], f_bytes(1, args[0]))
    elif cmd == "stop":
        call(channel, "StopContainer", f_bytes(1, args[0]) + f_int(2, 10))
    elif cmd in ("stopp", "rmp"):
        call(channel, {"stopp": "StopPodSandbox", "rmp": "RemovePodSandbox"}[cmd], f_bytes(1, args[0]))
    elif cmd == "status":
        st = decode(first(call(channel, "ContainerStatus", f_bytes(1, args[0])), 1))
        states = {0: "CREATED", 1: "RUNNING", 2: "EXITED", 3: "UNKNOWN"}
        code = first(st, 7, 0)
        code = code - (1 << 64) if code >= 1 << 63 else code
        print(states.get(first(st, 3, 0), "?"), code, first(st, 10).decode(), first(st, 11).decode())
    elif cmd == "exec":
        req = f_bytes(1, args[0]) + b"".join(f_bytes(2, a) for a in args[1:]) + f_int(3, 30)
        r = call(channel, "ExecSync", req)
        sys.stdout.write(first(r, 1).decode())
        sys.stderr.write(first(r, 2).decode())
        return first(r, 3, 0)
    elif cmd == "update":
        # LinuxContainerResources: cpu_shares = 3, memory_limit_in_bytes = 4
        res = f_int(3, int(args[2])) + f_int(4, int(args[1]))
        call(channel, "UpdateContainerResources", f_bytes(1, args[0]) + f_bytes(2, res))
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except grpc.RpcError as e:
        print("cri.py: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        sys.exit(1)
