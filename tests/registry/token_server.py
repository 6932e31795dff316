#!/usr/bin/env python3
"""A loopback registry token server (docker token auth) for tests; signs RS256 JWTs with the openssl CLI.

usage: token_server.py PORT USER PASS KEY.pem CERT.pem
GET /token?service=..&scope=..  with Basic USER:PASS -> a token granting the scopes asked for;
anonymous -> a token granting nothing; wrong password -> 401.  GET /ping -> 200."""
import base64
import http.server
import json
import subprocess
import sys
import time
import urllib.parse

PORT, USER, PASS, KEY, CERT = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
der = subprocess.run(["openssl", "x509", "-in", CERT, "-outform", "DER"], capture_output=True, check=True).stdout


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(claims):
    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    msg = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=msg.encode(),
                         capture_output=True, check=True).stdout
    return msg + "." + b64(sig)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("%s auth=%s\n" % (self.requestline, "yes" if self.headers.get("Authorization") else "no"))

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path == "/ping":
            return self.reply(200, {})
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        access = []
        if auth:
            user, _, pw = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
            if (user, pw) != (USER, PASS):
                return self.reply(401, {"details": "wrong credentials"})
            for scope in " ".join(q.get("scope", [])).split():
                typ, name, actions = scope.split(":")
                access.append({"type": typ, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        tok = sign({"iss": "hull-test-issuer", "sub": USER if auth else "", "aud": q.get("service", [""])[0],
                    "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(now), "access": access})
        # alternate the field name so both `token` and `access_token` get exercised
        key = "access_token" if now % 2 else "token"
        self.reply(200, {key: tok, "expires_in": 300})


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
