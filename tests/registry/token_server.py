#!/usr/bin/env python3
"""A loopback registry token server (docker token auth) for tests; signs RS256 JWTs with the openssl CLI.

usage: token_server.py PORT USER PASS KEY.pem CERT.pem
GET /token?service=..&scope=..  with Basic USER:PASS -> a token granting the scopes asked for;
anonymous -> a token granting nothing; wrong password -> 401.  GET /ping -> 200.
POST /token (distribution oauth.md, a urlencoded form): grant_type=password with username and
password, or grant_type=refresh_token with refresh_token=REFRESH_TOKEN; needs client_id.
POST /token-get-only -> 405 (a server without the OAuth2 endpoint); GET there works as /token.
Every request is logged to stderr with auth=yes/no, POSTs also with grant=TYPE."""
import base64
import http.server
import json
import subprocess
import sys
import time
import urllib.parse

REFRESH_TOKEN = "hull-refresh-token"

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
    grant = None

    def log_message(self, fmt, *args):
        extra = " grant=%s" % self.grant if self.grant else ""
        sys.stderr.write("%s auth=%s%s code=%s\n" % (self.requestline, "yes" if self.headers.get("Authorization") else "no",
                                                      extra, args[1] if len(args) > 1 else "-"))
        sys.stderr.flush()

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def issue(self, user, scopes, service, oauth):
        access = []
        for scope in " ".join(scopes).split():
            typ, name, actions = scope.split(":")
            access.append({"type": typ, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        tok = sign({"iss": "hull-test-issuer", "sub": user, "aud": service,
                    "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(now), "access": access})
        if oauth:
            return self.reply(200, {"access_token": tok, "expires_in": 300, "scope": " ".join(scopes)})
        # alternate the field name so both `token` and `access_token` get exercised
        key = "access_token" if now % 2 else "token"
        self.reply(200, {key: tok, "expires_in": 300})

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path == "/ping":
            return self.reply(200, {})
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        if auth:
            user, _, pw = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
            if (user, pw) != (USER, PASS):
                return self.reply(401, {"details": "wrong credentials"})
        self.issue(USER if auth else "", q.get("scope", []) if auth else [], q.get("service", [""])[0], False)

    def do_POST(self):
        u = urllib.parse.urlparse(self.path)
        n = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode(), keep_blank_values=True)
        f = {k: v[0] for k, v in form.items()}
        self.grant = f.get("grant_type", "?")
        if u.path == "/token-get-only":
            return self.reply(405, {"error": "method not allowed"})
        if self.headers.get("Content-Type", "") != "application/x-www-form-urlencoded" or not f.get("client_id"):
            return self.reply(400, {"error": "invalid_request"})
        if self.grant == "password":
            if (f.get("username"), f.get("password")) != (USER, PASS):
                return self.reply(401, {"error": "invalid_grant"})
        elif self.grant == "refresh_token":
            if f.get("refresh_token") != REFRESH_TOKEN:
                return self.reply(401, {"error": "invalid_grant"})
        else:
            return self.reply(400, {"error": "unsupported_grant_type"})
        self.issue(USER, [f.get("scope", "")], f.get("service", ""), True)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
