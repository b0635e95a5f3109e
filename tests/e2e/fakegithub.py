#!/usr/bin/env python3
"""fakegithub.py - a fake GitHub REST API on loopback for the runners end-to-end tests.

Serves what ARC's controller and `kubectl arc runners … --github` call, under / and under
/api/v3 (GitHub Enterprise Server layout):

  GET    /{repos/O/R | orgs/O | enterprises/E}/actions/runners       paginated (per_page, page;
                                                                      Link rel="next"/"last")
  GET    …/actions/runners/{id}          DELETE …/actions/runners/{id}
  POST   …/actions/runners/registration-token | remove-token          201 {token, expires_at}
  GET    /repos/O/R/actions/runs[?status=…]  /repos/O/R/actions/runs/{id}/jobs   (empty)
  POST   /app/installations/{id}/access_tokens                        201 (App JWT checked)
  GET    /rate_limit, GET /user

Every answer carries x-ratelimit-limit/-remaining/-used/-reset/-resource and, for a
classic token, X-OAuth-Scopes.  Errors as GitHub gives them: 401 Bad credentials (unknown
token), 403 Resource not accessible (token "forbidden-…"), 403/429 rate limit exceeded
(remaining 0), 404 Not Found (owner "nosuch", or an unknown runner id).

Test controls (no authentication, loopback only):
  POST /_fake/runners   {"scope": "repos/o/r", "runners": [{"name", "status", "busy", "labels"}]}
                        replaces the scope's runners;  {"scope", "add": {...}} adds one
  POST /_fake/ensure    {"runners": [{"scope", "name", "labels"}]}: registers the missing ones
                        (what the runner process in a real pod does; the tests' kwok pods run none)
  POST /_fake/rate      {"remaining": N}      POST /_fake/reset
  GET  /_fake/log       the requests seen: [{"method", "path", "auth", "ua"}]
                        (auth: "token", "app-jwt", "installation", "none" or "bad")

Usage: fakegithub.py --port-file FILE [--token T]... [--app-id ID --app-key PEM_PUBLIC_KEY]
Prints nothing; writes the port to FILE once listening; stops on SIGTERM.
"""
import argparse
import base64
import json
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
STATE = {
    "runners": {},  # scope -> list of runner dicts
    "next_id": 1000,
    "remaining": 5000,
    "log": [],
}
ARGS = None


def now():
    return int(time.time())


def b64url_decode(s):
    s += "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s.encode())


def check_app_jwt(token):
    """A GitHub App JWT: RS256, iss = the app id, exp - iat <= 10 min; signature checked
    with openssl when a public key was given."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except Exception:
        return False
    if header.get("alg") != "RS256" or str(claims.get("iss")) != str(ARGS.app_id):
        return False
    iat, exp = claims.get("iat", 0), claims.get("exp", 0)
    if not (iat <= now() + 5 and exp > now() and exp - iat <= 660):
        return False
    if ARGS.app_key:
        import os
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            data, sig = os.path.join(d, "data"), os.path.join(d, "sig")
            with open(data, "wb") as f:
                f.write((parts[0] + "." + parts[1]).encode())
            with open(sig, "wb") as f:
                f.write(b64url_decode(parts[2]))
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", ARGS.app_key, "-signature", sig, data],
                               capture_output=True)
            return r.returncode == 0
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakegithub/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # --- plumbing -------------------------------------------------------------------------
    def body_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except Exception:
            return None

    def send(self, code, obj=None, headers=None, rate=True):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if rate:
            with LOCK:
                rem = STATE["remaining"]
            self.send_header("x-ratelimit-limit", "5000")
            self.send_header("x-ratelimit-remaining", str(rem))
            self.send_header("x-ratelimit-used", str(5000 - rem))
            self.send_header("x-ratelimit-reset", str(now() + 3600))
            self.send_header("x-ratelimit-resource", "core")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code, message, headers=None):
        self.send(code, {"message": message, "documentation_url": "https://docs.github.com/rest"}, headers)

    def auth(self):
        h = self.headers.get("Authorization", "")
        m = re.match(r"(?i)^(bearer|token)\s+(\S+)$", h)
        if not m:
            return "none", None
        tok = m.group(2)
        if tok in ARGS.token:
            return "token", tok
        if tok.startswith("ghs_fake_installation_"):
            return "installation", tok
        if tok.startswith("forbidden-"):
            return "forbidden", tok
        if tok.count(".") == 2 and ARGS.app_id and check_app_jwt(tok):
            return "app-jwt", tok
        return "bad", tok

    # --- dispatch -------------------------------------------------------------------------
    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        u = urlparse(self.path)
        path = u.path
        if path.startswith("/api/v3"):
            path = path[len("/api/v3"):] or "/"
        q = parse_qs(u.query)
        if path.startswith("/_fake/"):
            return self.control(method, path)
        kind, _tok = self.auth()
        with LOCK:
            STATE["log"].append({"method": method, "path": path + ("?" + u.query if u.query else ""), "auth": kind,
                                 "ua": self.headers.get("User-Agent", "")})
            if len(STATE["log"]) > 5000:
                del STATE["log"][:1000]
        if kind in ("none", "bad"):
            return self.error(401, "Requires authentication" if kind == "none" else "Bad credentials")
        with LOCK:
            if STATE["remaining"] <= 0:
                limited = True
            else:
                limited = False
                STATE["remaining"] -= 1
        if limited:
            return self.error(403, "API rate limit exceeded for user ID 1.")
        if kind == "forbidden":
            return self.error(403, "Resource not accessible by integration")
        scopes = {"X-OAuth-Scopes": "repo, admin:org, manage_runners:enterprise"} if kind == "token" else {}

        m = re.match(r"^/app/installations/(\d+)/access_tokens$", path)
        if m:
            if method != "POST":
                return self.error(404, "Not Found")
            if kind != "app-jwt":
                return self.error(401, "A JSON web token could not be decoded")
            if ARGS.installation_id and m.group(1) != str(ARGS.installation_id):
                return self.error(404, "Not Found")
            return self.send(201, {"token": "ghs_fake_installation_" + m.group(1),
                                   "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now() + 3600))})
        if kind == "app-jwt":  # a JWT only mints installation tokens
            return self.error(401, "'Authorization' header is using a JWT; use an installation token")
        if path in ("/rate_limit", "/user", "/"):
            with LOCK:
                rem = STATE["remaining"]
            return self.send(200, {"resources": {"core": {"limit": 5000, "remaining": rem}}}
                             if path == "/rate_limit" else {"login": "fake"}, scopes)

        m = re.match(r"^/(repos/([^/]+)/[^/]+|orgs/([^/]+)|enterprises/([^/]+))/actions/(.*)$", path)
        if not m:
            return self.error(404, "Not Found")
        scope, owner, rest = m.group(1), m.group(2) or m.group(3) or m.group(4), m.group(5)
        if owner == "nosuch":
            return self.error(404, "Not Found")
        if rest == "runners" and method == "GET":
            return self.list_runners(scope, q, scopes)
        if rest in ("runners/registration-token", "runners/remove-token") and method == "POST":
            return self.send(201, {"token": "AFAKE" + ("REG" if "registration" in rest else "RM") + "TOKEN",
                                   "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now() + 3600))},
                             scopes)
        m2 = re.match(r"^runners/(\d+)$", rest)
        if m2:
            rid = int(m2.group(1))
            with LOCK:
                lst = STATE["runners"].get(scope, [])
                hit = [r for r in lst if r["id"] == rid]
                if hit and method == "DELETE":
                    lst.remove(hit[0])
            if not hit:
                return self.error(404, "Not Found")
            return self.send(204, None, scopes) if method == "DELETE" else self.send(200, hit[0], scopes)
        if rest == "runs" and scope.startswith("repos/"):
            return self.send(200, {"total_count": 0, "workflow_runs": []}, scopes)
        if re.match(r"^runs/\d+/jobs$", rest):
            return self.send(200, {"total_count": 0, "jobs": []}, scopes)
        return self.error(404, "Not Found")

    def list_runners(self, scope, q, extra):
        try:
            per_page = max(1, min(100, int(q.get("per_page", ["30"])[0])))
            page = max(1, int(q.get("page", ["1"])[0]))
        except ValueError:
            return self.error(422, "Invalid page")
        with LOCK:
            allr = list(STATE["runners"].get(scope, []))
        name = q.get("name", [None])[0]
        if name:
            allr = [r for r in allr if r["name"] == name]
        last = max(1, (len(allr) + per_page - 1) // per_page)
        items = allr[(page - 1) * per_page: page * per_page]
        headers = dict(extra)
        base = "http://%s:%d%s" % (self.server.server_address[0], self.server.server_address[1],
                                  urlparse(self.path).path)
        links = []
        if page < last:
            links.append('<%s?per_page=%d&page=%d>; rel="next"' % (base, per_page, page + 1))
            links.append('<%s?per_page=%d&page=%d>; rel="last"' % (base, per_page, last))
        if page > 1:
            links.append('<%s?per_page=%d&page=%d>; rel="prev"' % (base, per_page, page - 1))
            links.append('<%s?per_page=%d&page=1>; rel="first"' % (base, per_page))
        if links:
            headers["Link"] = ", ".join(links)
        return self.send(200, {"total_count": len(allr), "runners": items}, headers)

    def control(self, method, path):
        if method == "GET" and path == "/_fake/log":
            with LOCK:
                return self.send(200, STATE["log"], rate=False)
        if method != "POST":
            return self.send(404, {"message": "Not Found"}, rate=False)
        body = self.body_json()
        if body is None:
            return self.send(400, {"message": "bad JSON"}, rate=False)
        with LOCK:
            if path == "/_fake/reset":
                STATE["runners"].clear()
                STATE["remaining"] = 5000
                STATE["log"].clear()
            elif path == "/_fake/rate":
                STATE["remaining"] = int(body.get("remaining", 5000))
            elif path == "/_fake/ensure":
                # the runners' own registration (kwok pods run no runner): add the missing ones
                for r in body.get("runners", []):
                    lst = STATE["runners"].setdefault(r["scope"], [])
                    if not any(x["name"] == r["name"] for x in lst):
                        STATE["next_id"] += 1
                        lst.append({"id": STATE["next_id"], "name": r["name"], "os": "Linux", "status": "online",
                                    "busy": False, "ephemeral": True,
                                    "labels": [{"id": i + 1, "name": n, "type": "read-only" if i < 3 else "custom"}
                                               for i, n in enumerate(["self-hosted", "Linux", "X64"] +
                                                                     r.get("labels", []))]})
            elif path == "/_fake/runners":
                scope = body.get("scope", "")

                def mk(r):
                    STATE["next_id"] += 1
                    return {"id": STATE["next_id"], "name": r["name"], "os": "Linux",
                            "status": r.get("status", "online"), "busy": bool(r.get("busy", False)),
                            "ephemeral": bool(r.get("ephemeral", True)),
                            "labels": [{"id": i + 1, "name": n, "type": "read-only" if i < 3 else "custom"}
                                       for i, n in enumerate(["self-hosted", "Linux", "X64"] + r.get("labels", []))]}
                if "runners" in body:
                    STATE["runners"][scope] = [mk(r) for r in body["runners"]]
                if "add" in body:
                    STATE["runners"].setdefault(scope, []).append(mk(body["add"]))
            else:
                return self.send(404, {"message": "Not Found"}, rate=False)
        return self.send(200, {"ok": True}, rate=False)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--token", action="append", default=[])
    p.add_argument("--app-id")
    p.add_argument("--installation-id")
    p.add_argument("--app-key", help="PEM public key of the App, to verify JWT signatures")
    ARGS = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
