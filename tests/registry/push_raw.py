#!/usr/bin/env python3
"""Push an image of an OCI layout to a registry with its layers UNCOMPRESSED (skopeo always
compresses on push), using only the distribution API: POST /v2/NAME/blobs/uploads/, then
PUT <location>?digest=..., then PUT /v2/NAME/manifests/TAG.

usage: push_raw.py LAYOUT TAG http://HOST:PORT REPO[:TAG] [oci|docker]
  oci    -> application/vnd.oci.image.layer.v1.tar layers in an OCI manifest (default)
  docker -> application/vnd.docker.image.rootfs.diff.tar layers in a Docker schema 2 manifest
The plain tar's digest must equal the config's diff_id; the script checks it before pushing.
Prints the manifest digest."""
import gzip
import hashlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
TYPES = {
    "oci": (OCI_MANIFEST, "application/vnd.oci.image.config.v1+json", "application/vnd.oci.image.layer.v1.tar"),
    "docker": (DOCKER_MANIFEST, "application/vnd.docker.container.image.v1+json",
               "application/vnd.docker.image.rootfs.diff.tar"),
}


def blob(layout, digest):
    with open(os.path.join(layout, "blobs", *digest.split(":", 1)), "rb") as f:
        return f.read()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def upload(base, repo, data):
    digest = sha(data)
    head = urllib.request.Request("%s/v2/%s/blobs/%s" % (base, repo, digest), method="HEAD")
    try:
        urllib.request.urlopen(head)
        return digest
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
    post = urllib.request.Request("%s/v2/%s/blobs/uploads/" % (base, repo), data=b"", method="POST")
    with urllib.request.urlopen(post) as r:
        if r.status != 202:
            sys.exit("POST upload: HTTP %d" % r.status)
        loc = urllib.parse.urljoin(base + "/", r.headers["Location"])
    sep = "&" if "?" in loc else "?"
    put = urllib.request.Request(loc + sep + "digest=" + urllib.parse.quote(digest), data=data, method="PUT",
                                 headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(put) as r:
        if r.status != 201:
            sys.exit("PUT blob: HTTP %d" % r.status)
    return digest


def main():
    layout, tag, base, repo_tag = sys.argv[1:5]
    kind = sys.argv[5] if len(sys.argv) > 5 else "oci"
    mtype, ctype, ltype = TYPES[kind]
    repo, _, rtag = repo_tag.partition(":")
    rtag = rtag or "latest"
    index = json.load(open(os.path.join(layout, "index.json")))
    desc = next(m for m in index["manifests"]
                if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    man = json.loads(blob(layout, desc["digest"]))
    config = blob(layout, man["config"]["digest"])
    diff_ids = json.loads(config)["rootfs"]["diff_ids"]
    layers = []
    for i, l in enumerate(man["layers"]):
        data = blob(layout, l["digest"])
        if l["mediaType"].endswith("+gzip"):
            data = gzip.decompress(data)
        elif not l["mediaType"].endswith(".tar"):
            sys.exit("layer %d: cannot decompress %s" % (i, l["mediaType"]))
        if sha(data) != diff_ids[i]:
            sys.exit("layer %d: plain tar %s is not diff_id %s" % (i, sha(data), diff_ids[i]))
        layers.append({"mediaType": ltype, "digest": upload(base, repo, data), "size": len(data)})
    new = {"schemaVersion": 2, "mediaType": mtype,
           "config": {"mediaType": ctype, "digest": upload(base, repo, config), "size": len(config)},
           "layers": layers}
    body = json.dumps(new, separators=(",", ":")).encode()
    put = urllib.request.Request("%s/v2/%s/manifests/%s" % (base, repo, rtag), data=body, method="PUT",
                                 headers={"Content-Type": mtype})
    with urllib.request.urlopen(put) as r:
        if r.status != 201:
            sys.exit("PUT manifest: HTTP %d" % r.status)
    print(sha(body))


main()
