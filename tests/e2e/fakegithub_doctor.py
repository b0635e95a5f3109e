#!/usr/bin/env python3
"""fakegithub_doctor.py - fakegithub.py (unchanged) with what the doctor tests need on top.

  --scopes TOKEN=SCOPES   (repeatable) the X-OAuth-Scopes answered for this classic token
                          instead of fakegithub's "repo, admin:org, manage_runners:enterprise"
                          (the token must also be given with --token)
  --fine-grained TOKEN    (repeatable) a token answered without X-OAuth-Scopes, as GitHub does
                          for fine-grained personal access tokens
  GET /installation/repositories   (also under /api/v3) what GitHub answers an installation
                          token: {"total_count", "repositories"}; 403 for other tokens

Every other argument is fakegithub.py's (--port-file, --token, --app-id, --installation-id,
--app-key).  Loopback only, like fakegithub.py.
"""
import os
import sys
from urllib.parse import urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
import fakegithub  # noqa: E402

SCOPES = {}
FINE = set()


class Handler(fakegithub.Handler):
    def do_GET(self):
        path = urlparse(self.path).path
        if path.startswith("/api/v3"):
            path = path[len("/api/v3"):]
        if path != "/installation/repositories":
            return super().do_GET()
        kind, _tok = self.auth()
        with fakegithub.LOCK:
            fakegithub.STATE["log"].append({"method": "GET", "path": path, "auth": kind,
                                            "ua": self.headers.get("User-Agent", "")})
        if kind in ("none", "bad"):
            return self.error(401, "Requires authentication" if kind == "none" else "Bad credentials")
        if kind != "installation":
            return self.error(403, "You must authenticate with an installation access token in order to list "
                                   "repositories for an installation.")
        return self.send(200, {"total_count": 1, "repositories": [{"full_name": "octo-org/ml"}]})

    def send(self, code, obj=None, headers=None, rate=True):
        if headers and "X-OAuth-Scopes" in headers:
            _kind, tok = self.auth()
            if tok in SCOPES or tok in FINE:
                headers = dict(headers)
                if tok in FINE:
                    del headers["X-OAuth-Scopes"]
                else:
                    headers["X-OAuth-Scopes"] = SCOPES[tok]
        return super().send(code, obj, headers, rate)


def main():
    rest = [sys.argv[0]]
    args = iter(sys.argv[1:])
    for a in args:
        if a == "--scopes":
            tok, _, sc = next(args).partition("=")
            SCOPES[tok] = sc
        elif a == "--fine-grained":
            FINE.add(next(args))
        else:
            rest.append(a)
    sys.argv = rest
    fakegithub.Handler = Handler  # fakegithub.main() serves the module's Handler
    return fakegithub.main()


if __name__ == "__main__":
    sys.exit(main())
