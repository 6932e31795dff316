#!/usr/bin/env python3
"""mkimage.py LAYOUT TAG CASE [key=value...] - write test images into an OCI image layout.

Layers are generated here with tarfile (no binary fixtures): a rich benign tree whose
unpacked form is compared with umoci's, and hostile layers (traversal, absolute names,
symlink and hardlink escapes, whiteouts leaving the rootfs, device nodes, a decompression
bomb). Options: compress=gzip|gzip-multi|zstd|none (all layers), escape=DIR (a host path
the hostile cases aim at), bb=/bin/busybox (for the "busybox" case)."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

MT = 1600000000


def ent(name, kind="file", data=b"", mode=0o644, uid=0, gid=0, target="", mtime=MT, xattrs=None,
        major=0, minor=0):
    ti = tarfile.TarInfo(name)
    ti.mode, ti.uid, ti.gid, ti.mtime = mode, uid, gid, mtime
    ti.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
               "link": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE,
               "blk": tarfile.BLKTYPE}[kind]
    if kind == "file":
        ti.size = len(data)
    ti.linkname = target
    ti.devmajor, ti.devminor = major, minor
    if xattrs:
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
    return (ti, data if kind == "file" else None)


def d(name, mode=0o755, **kw):
    return ent(name, "dir", mode=mode, **kw)


CAP = "\x01\x00\x00\x02\x00\x20\x00\x00" + "\x00" * 12  # v2, effective, cap_net_raw


def case_base(o):
    l1 = [d("bin"), d("etc"), d("usr"), d("usr/bin"), d("usr/lib"), d("srv", mtime=1000000000),
          d("tmp", 0o1777), d("opt"), d("opt/app", 0o750, uid=1000, gid=1000), d("dev"),
          ent("usr/bin/su", data=b"suid\n", mode=0o4755), ent("usr/bin/sg", data=b"sgid\n", mode=0o2755, gid=42),
          ent("usr/bin/su2", "link", target="usr/bin/su"),
          ent("srv/data", data=b"data\n", mode=0o640, uid=1234, gid=5678, mtime=1234567890,
              xattrs={"user.note": "hello"}),
          ent("bin/ping", data=b"ping\n", mode=0o755, xattrs={"security.capability": CAP}),
          ent("bin/busybox", data=b"#!/bin/false\n", mode=0o755), ent("bin/sh", "sym", target="busybox"),
          ent("lib", "sym", target="usr/lib"), ent("etc/localtime", "sym", target="/usr/share/zoneinfo/UTC"),
          ent("srv/fifo", "fifo", mode=0o620), ent("dev/null2", "chr", mode=0o666, major=1, minor=3),
          ent("dev/loop200", "blk", mode=0o660, gid=6, major=7, minor=200),
          d("old"), ent("old/a", data=b"a"), d("old/sub"), ent("old/sub/b", data=b"b"),
          d("gone"), ent("gone/f", data=b"f"), ent("f2d", data=b"file"), d("d2f"), ent("d2f/child", data=b"c"),
          ent("keep", data=b"v1\n"), ent("del", data=b"x"),
          d("deep"), d("deep/" + "n" * 90), ent("deep/" + "n" * 90 + "/" + "long" * 30, data=b"long name\n"),
          ent("empty", data=b"", mode=0o600, uid=65534, gid=65534)]
    l2 = [ent(".wh.gone", data=b""), ent(".wh.del", data=b""), d("f2d"), ent("f2d/x", data=b"x"),
          ent("d2f", data=b"now a file"), ent("keep", data=b"v2\n", mode=0o600),
          ent("lib/libfoo.so", data=b"ELF?"), ent("usr/bin/su3", "link", target="usr/bin/su"),
          d("srv", 0o700, uid=7, gid=7, mtime=1100000000), ent("old/new", data=b"new"),
          ent("old/.wh..wh..opq", data=b"")]
    l3 = [ent("bin/.wh.sh", data=b""), ent("etc/hosts", data=b"127.0.0.1 localhost\n"),
          ent("etc/localtime", "sym", target="/usr/share/zoneinfo/Europe/Paris")]
    return [l1, l2, l3]


def case_usrmerge(o):
    l1 = [d("usr"), d("usr/lib"), ent("lib", "sym", target="usr/lib"), ent("abslib", "sym", target="/usr/lib")]
    l2 = [ent("lib/libfoo.so", data=b"foo"), ent("abslib/libbar.so", data=b"bar")]
    return [l1, l2]


def case_samelayer(o):
    """A whiteout after a file of the same layer does not remove it; an opaque marker keeps the layer's own files."""
    l1 = [d("a"), ent("a/lower", data=b"l"), ent("x", data=b"lower x")]
    l2 = [ent("x", data=b"upper x"), ent(".wh.x", data=b""), ent("a/.wh..wh..opq", data=b""),
          ent("a/mine", data=b"m")]
    return [l1, l2]


def esc(o):
    return o.get("escape", "/tmp/hull-escape").lstrip("/")


def case_traversal(o):
    up = "../" * 12
    return [[ent(up + esc(o) + "/dotdot", data=b"pwned"), ent("a/" + up + esc(o) + "/dotdot2", data=b"pwned"),
             ent(up + esc(o) + "/dotdir", "dir")]]


def case_absolute(o):
    return [[ent("/" + esc(o) + "/abs", data=b"pwned"), ent("/" + esc(o) + "/abslink", "sym", target="/etc/passwd")]]


def case_symlink_root(o):
    return [[ent("evil", "sym", target="/"), ent("evil/" + esc(o) + "/through", data=b"pwned"),
             ent("up", "sym", target="../../../../../../.."), ent("up/" + esc(o) + "/through2", data=b"pwned")],
            [ent("evil/" + esc(o) + "/nextlayer", data=b"pwned")]]


def case_hardlink_shadow(o):
    return [[ent("shadow", "link", target="/etc/shadow")]]


def case_hardlink_inside(o):
    return [[d("etc"), ent("etc/shadow", data=b"inside", mode=0o640),
             ent("sh1", "link", target="/etc/shadow"), ent("sh2", "link", target="../../../etc/shadow")]]


def case_whiteout_escape(o):
    return [[ent("x", data=b"inside x"), d("a")],
            [ent("../.wh.x", data=b""), ent("a/../../.wh." + "victim", data=b"")]]


def case_whiteout_invalid(o):
    return [[d("usr"), ent("usr/f", data=b"f")], [ent("usr/.wh..", data=b"")]]


def case_device(o):
    return [[d("dev"), ent("dev/sda", "blk", mode=0o660, major=8, minor=0),
             ent("dev/mem", "chr", mode=0o640, major=1, minor=1), ent("ok", data=b"ok")]]


def case_zeros(o):
    return [[ent("zeros", data=b"\0" * (50 << 20))]]


def case_busybox(o):
    bb = open(o.get("bb", "/bin/busybox"), "rb").read()
    l1 = [d("bin"), d("etc"), d("tmp", 0o1777), d("root", 0o700), d("home"), d("home/app", uid=1000, gid=1000),
          d("work"), ent("bin/busybox", data=bb, mode=0o755),
          ent("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"),
          ent("etc/group", data=b"root:x:0:\nwheel:x:10:app\naudio:x:29:app\napp:x:1000:\n")]
    l1 += [ent("bin/" + a, "sym", target="busybox") for a in ("sh", "echo", "cat", "id", "ls", "pwd", "env",
                                                              "sleep", "ip", "mount", "touch", "true", "kill",
                                                              "grep", "head", "wc")]
    return [l1]


def case_dirs(o):
    """One layer per host directory (dirs=/a:/b:...), for benchmarks."""
    return [[("tree", p)] for p in o["dirs"].split(":")]


def case_truncated(o):
    """umoci <= 0.4.7 insert: a layer without the end-of-archive blocks (cut=trailer) or also
    without the last file's padding (cut=padding)."""
    return [[d("etc"), ent("etc/a", data=b"a" * 700), ent("etc/last", data=b"last\n")]]


def tar_bytes(entries, cut=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            if ti == "tree":
                t.add(data, arcname=data.lstrip("/"), filter=lambda i: i if i.isreg() or i.isdir() or i.issym() or i.islnk() else None)
                continue
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
        end = t.offset  # after the last member and its padding
        last = len(data or b"")
    raw = buf.getvalue()
    if cut == "trailer":
        return raw[:end]
    if cut == "padding":
        return raw[:end - (512 - last % 512) % 512]
    if cut == "data":
        return raw[:end - (512 - last % 512) % 512 - 2]
    return raw


def compress(raw, how):
    if how == "none":
        return raw, "application/vnd.oci.image.layer.v1.tar"
    if how == "zstd":
        z = subprocess.run(["zstd", "-q", "-c"], input=raw, stdout=subprocess.PIPE, check=True).stdout
        return z, "application/vnd.oci.image.layer.v1.tar+zstd"
    if how == "gzip-multi":
        h = len(raw) // 2
        return gzip.compress(raw[:h], mtime=0) + gzip.compress(raw[h:], mtime=0), \
            "application/vnd.oci.image.layer.v1.tar+gzip"
    return gzip.compress(raw, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"


def put(layout, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(layout + "/blobs/sha256", exist_ok=True)
    with open(layout + "/blobs/sha256/" + h, "wb") as f:
        f.write(data)
    return "sha256:" + h, len(data)


def listing(root):
    """One line per path: type, mode, owner, size, content hash, link target, rdev, xattrs, mtime, links."""
    import stat
    out = []
    for dirpath, dirs, files in os.walk(root):
        for name in sorted(dirs + files) + ([] if dirpath != root else ["."]):
            p = os.path.join(dirpath, name) if name != "." else root
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            kind = stat.S_IFMT(st.st_mode)
            extra = ""
            if stat.S_ISREG(kind):
                extra = hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
            elif stat.S_ISLNK(kind):
                extra = "-> " + os.readlink(p)
            elif stat.S_ISCHR(kind) or stat.S_ISBLK(kind):
                extra = "%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
            try:
                xa = sorted((k, os.getxattr(p, k, follow_symlinks=False).hex())
                            for k in os.listxattr(p, follow_symlinks=False))
            except OSError:
                xa = []
            mtime = st.st_mtime_ns if not stat.S_ISLNK(kind) else 0
            out.append("%s %o %d:%d %d %s %s mtime=%d nlink=%d" % (
                rel, st.st_mode, st.st_uid, st.st_gid, st.st_size if not stat.S_ISDIR(kind) else 0,
                extra, xa, mtime, st.st_nlink if not stat.S_ISDIR(kind) else 0))
    print("\n".join(sorted(set(out))))


def main():
    if sys.argv[1] == "--list":
        return listing(sys.argv[2])
    layout, tag, case = sys.argv[1:4]
    o = dict(a.split("=", 1) for a in sys.argv[4:])
    layers = globals()["case_" + case.replace("-", "_")](o)
    diff_ids, descs = [], []
    for i, entries in enumerate(layers):
        raw = tar_bytes(entries, o.get("cut"))
        # the middle layer of multi-layer images is a two-member gzip unless told otherwise
        how = o.get("compress", "gzip-multi" if i == 1 else "gzip")
        blob, mt = compress(raw, how)
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        dg, sz = put(layout, blob)
        descs.append({"mediaType": mt, "digest": dg, "size": sz})
    cfg = {"architecture": "amd64", "os": "linux", "config": json.loads(o.get("config", "{}")),
           "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    if o.get("bad_diff_id"):
        cfg["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64
    cd, cs = put(layout, json.dumps(cfg).encode())
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
           "layers": descs}
    md, ms = put(layout, json.dumps(man).encode())
    idx_path = layout + "/index.json"
    idx = json.load(open(idx_path)) if os.path.exists(idx_path) else {"schemaVersion": 2, "manifests": []}
    idx["manifests"] = [m for m in idx["manifests"]
                        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    idx["manifests"].append({"mediaType": man["mediaType"], "digest": md, "size": ms,
                             "annotations": {"org.opencontainers.image.ref.name": tag}})
    json.dump(idx, open(idx_path, "w"))
    with open(layout + "/oci-layout", "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')


if __name__ == "__main__":
    main()
