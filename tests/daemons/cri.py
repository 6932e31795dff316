#!/usr/bin/env python3
"""cri.py - the few CRI (runtime.v1) calls containerd.bats needs, like a tiny crictl.

Debian 12 has no crictl, so this speaks the CRI gRPC API with python3-grpcio and a
hand-written protobuf encoding of just the fields used (field numbers from
k8s.io/cri-api runtime/v1/api.proto). It is what a kubelet does with a RuntimeClass:
RunPodSandbox with runtime_handler=<handler> makes containerd use the runc v2 shim with
that handler's options from config.toml (BinaryName, Root).

  cri.py SOCK version
  cri.py SOCK runp NAME HANDLER LOGDIR CGROUP_PARENT [POD_JSON]     -> pod sandbox id
  cri.py SOCK create POD NAME IMAGE LOGPATH CGROUP_PARENT HANDLER LOGDIR [CTR_JSON] CMD...
                                                                  -> container id
  cri.py SOCK start ID | status ID | rm ID | stopp POD | rmp POD
  cri.py SOCK stop ID [GRACE_SECONDS]       (StopContainer, default 10)
  cri.py SOCK exec ID CMD...      (ExecSync: prints stdout, exits with the exit code)
  cri.py SOCK execs ID CMD...     (Exec: streaming through the returned URL, WebSocket)
  cri.py SOCK attach ID SECONDS   (Attach: the container's stdout for SECONDS)
  cri.py SOCK update ID MEMORY_BYTES CPU_SHARES   (UpdateContainerResources)
  cri.py SOCK stats ID            (ContainerStats: "CPU_NS MEMORY_WORKING_SET_BYTES")
  cri.py SOCK podip POD           (PodSandboxStatus: the pod's IP, "" without one)

POD_JSON (a pod's security context; pass the same to create as CTR_JSON's "pod"):
  {"net": "node"|"pod", "pid": "node"|"pod"|"container", "ipc": "node"|"pod" (default node, pod, pod),
   "hostname": H, "sysctls": {K: V}, "privileged": bool}
CTR_JSON: {"pod": POD_JSON, "user": N, "group": N, "groups": [N], "readonly_rootfs": bool,
   "privileged": bool, "add": [CAP], "drop": [CAP], "no_new_privs": bool,
   "seccomp": "runtime"|"unconfined", "masked": [P], "readonly": [P], "stdin": bool,
   "mounts": [{"container": P, "host": P, "readonly": bool,
               "propagation": "private"|"rslave"|"rshared"}]}
"""
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.parse

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


NS_MODE = {"pod": 0, "container": 1, "node": 2}


def f_bool(num, value):
    return f_int(num, 1) if value else b""


def f_map(num, mapping):
    return b"".join(f_bytes(num, f_bytes(1, k) + f_bytes(2, v)) for k, v in sorted(mapping.items()))


def ns_options(o):
    # NamespaceOption: network = 1, pid = 2, ipc = 3 (default: NODE network, the pod's pid
    # and ipc namespaces)
    return (f_int(1, NS_MODE[o.get("net", "node")]) + f_int(2, NS_MODE[o.get("pid", "pod")]) +
            f_int(3, NS_MODE[o.get("ipc", "pod")]))


def sandbox_config(name, logdir, cgroup_parent, o=None):
    o = o or {}
    metadata = f_bytes(1, name) + f_bytes(2, name + "-uid") + f_bytes(3, "hulltest")
    # LinuxSandboxSecurityContext: namespace_options = 1, privileged = 6
    security = f_bytes(1, ns_options(o)) + f_bool(6, o.get("privileged"))
    linux = f_bytes(1, cgroup_parent) + f_bytes(2, security) + f_map(3, o.get("sysctls", {}))
    # no hostname: like the kubelet for host-network pods (no uts namespace to set it in)
    host = f_bytes(2, o["hostname"]) if "hostname" in o else b""
    return f_bytes(1, metadata) + host + f_bytes(3, logdir) + f_bytes(8, linux)


PROPAGATION = {"private": 0, "rslave": 1, "rshared": 2}


def container_linux(o):
    """LinuxContainerConfig.security_context (LinuxContainerSecurityContext)."""
    caps = b"".join(f_bytes(1, c) for c in o.get("add", [])) + b"".join(f_bytes(2, c) for c in o.get("drop", []))
    sc = f_bytes(1, caps) if caps else b""
    sc += f_bool(2, o.get("privileged")) + f_bytes(3, ns_options(o.get("pod", {})))
    if "user" in o:
        sc += f_bytes(5, f_int(1, o["user"]))
    sc += f_bool(7, o.get("readonly_rootfs"))
    sc += b"".join(f_int(8, g) for g in o.get("groups", []))
    sc += f_bool(11, o.get("no_new_privs"))
    if "group" in o:
        sc += f_bytes(12, f_int(1, o["group"]))
    sc += b"".join(f_bytes(13, p) for p in o.get("masked", []))
    sc += b"".join(f_bytes(14, p) for p in o.get("readonly", []))
    if "seccomp" in o:  # SecurityProfile.profile_type: RuntimeDefault = 0, Unconfined = 1
        sc += f_bytes(15, f_int(1, {"runtime": 0, "unconfined": 1}[o["seccomp"]]))
    return f_bytes(2, sc)


def container_mounts(o):
    out = b""
    for m in o.get("mounts", []):
        out += f_bytes(7, f_bytes(1, m["container"]) + f_bytes(2, m["host"]) + f_bool(3, m.get("readonly")) +
                       f_int(5, PROPAGATION[m.get("propagation", "private")]))
    return out


def call(channel, method, request):
    rpc = channel.unary_unary(SERVICE + method)
    return decode(rpc(request, timeout=60))


def ws_frame(opcode, payload):
    """A masked client frame (RFC 6455)."""
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_read(f):
    """One frame -> (opcode, payload); unmasked, as a server sends them."""
    b0, b1 = f.read(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", f.read(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", f.read(8))[0]
    return b0 & 0x0F, f.read(n)


def stream(url, seconds):
    """Kubernetes' WebSocket remote command protocol (v4.channel.k8s.io): every binary
    message starts with its channel: 1 stdout, 2 stderr, 3 the final status (JSON)."""
    u = urllib.parse.urlparse(url)
    sock = socket.create_connection((u.hostname, u.port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n" % (u.path, u.netloc, key)).encode())
    f = sock.makefile("rb")
    status = f.readline()
    if b" 101 " not in status:
        raise RuntimeError("stream upgrade refused: %s" % status.decode().strip())
    while f.readline() not in (b"\r\n", b""):
        pass
    end = time.monotonic() + seconds if seconds else None
    code = 0
    try:
        while True:
            if end:
                left = end - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
            try:
                op, data = ws_read(f)
            except (socket.timeout, ValueError):
                break
            if op == 8:  # close
                break
            if op not in (1, 2) or not data:
                continue
            ch, data = data[0], data[1:]
            if ch == 1:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            elif ch == 2:
                sys.stderr.buffer.write(data)
            elif ch == 3 and data:
                st = json.loads(data)
                if st.get("status") == "Failure":
                    causes = st.get("details", {}).get("causes", [])
                    codes = [c["message"] for c in causes if c.get("reason") == "ExitCode"]
                    code = int(codes[0]) if codes else 1
    finally:
        try:
            sock.sendall(ws_frame(8, b""))
        except OSError:
            pass
        sock.close()
    return code


def main(argv):
    sock, cmd, args = argv[1], argv[2], argv[3:]
    channel = grpc.insecure_channel("unix://" + sock)
    if cmd == "version":
        r = call(channel, "Version", f_bytes(1, "v1"))
        print(first(r, 2).decode(), first(r, 3).decode(), first(r, 4).decode())
    elif cmd == "runp":
        name, handler, logdir, cgparent = args[:4]
        o = json.loads(args[4]) if len(args) > 4 else {}
        req = f_bytes(1, sandbox_config(name, logdir, cgparent, o)) + f_bytes(2, handler)
        print(first(call(channel, "RunPodSandbox", req), 1).decode())
    elif cmd == "create":
        pod, name, image, logpath, cgparent, handler, logdir = args[:7]
        cmdline = args[7:]
        o = {}
        if cmdline and cmdline[0].startswith("{"):
            o, cmdline = json.loads(cmdline[0]), cmdline[1:]
        ccfg = f_bytes(1, f_bytes(1, name)) + f_bytes(2, f_bytes(1, image))
        ccfg += b"".join(f_bytes(3, a) for a in cmdline) + container_mounts(o) + f_bytes(11, logpath)
        ccfg += f_bool(12, o.get("stdin")) + f_bytes(15, container_linux(o))
        req = f_bytes(1, pod) + f_bytes(2, ccfg) + f_bytes(3, sandbox_config(pod, logdir, cgparent, o.get("pod")))
        print(first(call(channel, "CreateContainer", req), 1).decode())
    elif cmd in ("start", "rm"):
        call(channel, {"start": "StartContainer", "rm": "RemoveContainer"}[cmd], f_bytes(1, args[0]))
    elif cmd == "stop":
        grace = int(args[1]) if len(args) > 1 else 10
        call(channel, "StopContainer", f_bytes(1, args[0]) + f_int(2, grace))
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
    elif cmd == "execs":
        # ExecRequest: container_id = 1, cmd = 2, stdout = 5, stderr = 6
        req = f_bytes(1, args[0]) + b"".join(f_bytes(2, a) for a in args[1:]) + f_int(5, 1) + f_int(6, 1)
        url = first(call(channel, "Exec", req), 1).decode()
        return stream(url, None)
    elif cmd == "attach":
        # AttachRequest: container_id = 1, stdout = 4 (no stdin, no tty)
        url = first(call(channel, "Attach", f_bytes(1, args[0]) + f_int(4, 1)), 1).decode()
        return stream(url, float(args[1]))
    elif cmd == "stats":
        st = decode(first(call(channel, "ContainerStats", f_bytes(1, args[0])), 1))
        cpu, mem = decode(first(st, 2)), decode(first(st, 3))
        # CpuUsage.usage_core_nano_seconds = 2, MemoryUsage.working_set_bytes = 2 (UInt64Value)
        print(first(decode(first(cpu, 2)), 1, 0), first(decode(first(mem, 2)), 1, 0))
    elif cmd == "podip":
        st = decode(first(call(channel, "PodSandboxStatus", f_bytes(1, args[0])), 1))
        print(first(decode(first(st, 5)), 1).decode())
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
