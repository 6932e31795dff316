#!/usr/bin/env python3
"""A loopback HTTP proxy in front of a test registry that misbehaves on purpose.

usage: proxy.py PORT UPSTREAM_PORT MODE [CDN_PORT]
  cut     the first GET of each blob larger than 64 KiB is cut off half way (connection closed)
  tamper  blob bodies get one byte flipped (same length, wrong digest)
  pass    forward unchanged
  redirect  blob GETs get a 307 to the "cdn" proxy on CDN_PORT (4th argument)
  baddcd  manifests come with a wrong Docker-Content-Digest header
  flaky   the first request for each path answers 503 (Retry-After: 1), every answer carries
          `Warning: 299 - "hull test warning"`
  cdn     like pass, but answers 400 to any request carrying Authorization (as S3 does)
Every request line is appended to stderr so tests can check for Range requests."""
import http.client
import http.server
import sys

PORT, UP, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
CDN = int(sys.argv[4]) if len(sys.argv) > 4 else 0
seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s range=%s auth=%s\n" % (self.requestline, self.headers.get("Range"),
                                                   "yes" if self.headers.get("Authorization") else "no"))
        sys.stderr.flush()

    def short(self, code, headers):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def forward(self, method):
        if MODE == "flaky" and self.path not in seen and self.path != "/v2/":
            seen.add(self.path)
            return self.short(503, [("Retry-After", "1"), ("Warning", '299 - "hull test warning"')])
        if MODE == "cdn" and self.headers.get("Authorization"):
            return self.short(400, [])
        if MODE == "redirect" and "/blobs/sha256:" in self.path and method == "GET":
            return self.short(307, [("Location", "http://127.0.0.1:%d%s" % (CDN, self.path))])
        body = None
        if "Content-Length" in self.headers:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        conn = http.client.HTTPConnection("127.0.0.1", UP, timeout=30)
        headers = {}
        for k in set(self.headers.keys()):
            if k.lower() in ("host", "connection"):
                continue
            # several Accept lines must be joined into one for http.client
            headers[k] = ", ".join(self.headers.get_all(k))
        conn.request(method, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        is_blob = "/blobs/sha256:" in self.path and method == "GET" and resp.status in (200, 206)
        cut = False
        if is_blob and MODE == "tamper" and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        if is_blob and MODE == "cut" and len(data) > 65536 and self.path not in seen:
            seen.add(self.path)
            cut = True
        self.send_response(resp.status)
        if MODE == "flaky":
            self.send_header("Warning", '299 - "hull test warning"')
        for k, v in resp.getheaders():
            if k.lower() in ("connection", "transfer-encoding"):
                continue
            if MODE == "baddcd" and k.lower() == "docker-content-digest" and "/manifests/" in self.path:
                v = "sha256:" + "0" * 64
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            if cut:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    def do_GET(self):
        self.forward("GET")

    def do_HEAD(self):
        self.forward("HEAD")


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
