#!/usr/bin/env python3
"""faultproxy.py - a fault-injecting proxy of the end-to-end suite's own, on loopback, between
kubectl-arc and the real kube-apiserver of tests/e2e/cluster.

Why it terminates TLS (and how): the API server speaks HTTPS with client certificates, and the
faults worth testing are HTTP-shaped: "the 3rd PATCH of a Deployment gets 429 Retry-After: 1",
"the watch of Deployments is cut after its first event".  A blind TCP relay cannot see which
request it is cutting, nor answer one.  So the proxy is an HTTPS server that looks exactly like
the API server to its client: it serves the cluster's own serving certificate
(STATE/pki/apiserver.crt, SANs 127.0.0.1/localhost) signed by the cluster CA, and verifies client
certificates against the cluster CA, so kubectl-arc runs unchanged with an ordinary kubeconfig
(its CA data, client certificate and key untouched; only `server:` differs) and its whole TLS and
client-certificate path is exercised.  Each request is re-originated over a TLS connection of
its own to the API server, verified against the cluster CA, authenticated with the admin client
certificate; a client that presented a different certificate is forwarded with Impersonate-User/
Impersonate-Group headers for its subject (CN, O) so that the API server still sees who it is;
a client without a certificate (bearer token) is forwarded without one, its Authorization header
untouched.  The client side speaks HTTP/1.1 (ALPN offers only http/1.1): the API server offers
h2 too, and kubectl-arc's libcurl takes either, so this is the path it takes behind any
HTTP/1.1 load balancer.  The other choice, an http:// server in the kubeconfig forwarding to
https upstream, would have taken TLS and the client certificate out of kubectl-arc's path and
made it send credentials in clear text: not the real thing.

Faults, chosen per request by rules ("the Nth request matching METHOD PATH-REGEX gets FAULT"):
  reset-request      read the request, never forward it, reset the connection (TCP RST)
  reset-response     forward it (the server acts on it), reset before any byte of the answer
  reset-body         forward, send the headers and part of the body, reset (mid-stream for a watch)
  truncate           forward, send the headers and part of the body, then close cleanly (FIN)
  status             answer CODE (429, 503, ...) with a Status body and Retry-After, never forward
  delay              forward, hold the answer SECONDS (past the client's request timeout), send it
  stall              read the request, answer nothing, close after SECONDS (default 300)
  apiserver-restart  stop the real kube-apiserver (SIGTERM) as this request arrives ("when":
                     "before": it never reaches the server; "after": forwarded first, the answer
                     lost), refuse connections while it is down (the listener is closed, as the
                     API server's own port is), start it again after DOWN seconds with the
                     command line, environment and working directory it had (read from /proc
                     before it was stopped), record the new pid in STATE/pids and STATE/env (so
                     that down.sh stops it), wait for /readyz
  apiserver-freeze   SIGSTOP the kube-apiserver for SECONDS (SIGCONT after), forward the request

Usage:
  faultproxy.py serve --state STATE_DIR --dir DIR
      Writes DIR/port (the proxy), DIR/control (the control URL), DIR/kubeconfig (the admin
      kubeconfig with the proxy as server), DIR/proxy.log.  Stops on SIGTERM/SIGINT; an API
      server it stopped or froze is restarted or thawed first.
  faultproxy.py ctl URL rules JSON      replace the rules; JSON a list of rules (see below)
  faultproxy.py ctl URL rules|log|state  print them (JSON)
  faultproxy.py ctl URL reset|wait-up

Control API (plain HTTP on 127.0.0.1, DIR/control):
  POST /rules   [{"method": "PATCH", "path": "/deployments/", "nth": 1, "times": 1,
                  "fault": "status", "code": 429, "retry_after": 1}, ...]
                method: "*" or a verb; path: a regular expression searched in path?query;
                nth: the first matching request that gets the fault (1-based, default 1);
                times: how many matching requests from the nth on get it (default 1; 0 = all);
                fault parameters: code, retry_after, seconds, down, when, bytes, after_s
  GET  /rules   the rules with "matched" and "fired" counters
  GET  /log     every request: {"n", "method", "path", "status", "fault", "ms"}
  POST /reset   no rules, empty log
  GET  /state   {"apiserver": "up"|"down"|"frozen", "pid": N, "restarts": N}
  POST /wait-up blocks until the API server is up and ready (after a restart)
"""
import argparse
import json
import os
import re
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_HEADER = 64 << 10


def now_ms():
    return int(time.monotonic() * 1000)


class Reset(Exception):
    """the connection is to be dropped (with RST when .rst)"""

    def __init__(self, rst=True):
        super().__init__("reset")
        self.rst = rst


class Reader:
    """buffered reads from a socket"""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError()
        self.buf += d

    def until(self, sep, limit=MAX_HEADER):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out, self.buf = self.buf[: i + len(sep)], self.buf[i + len(sep):]
                return out
            if len(self.buf) > limit:
                raise ValueError("header too long")
            self.fill()

    def exact(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def some(self, n):
        if not self.buf:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def parse_head(raw):
    lines = raw.decode("latin-1").split("\r\n")
    first = lines[0]
    headers = []
    for ln in lines[1:]:
        if not ln:
            continue
        k, _, v = ln.partition(":")
        headers.append((k.strip(), v.strip()))
    return first, headers


def hget(headers, name):
    name = name.lower()
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def read_chunked_raw(rd):
    """the raw bytes of a chunked body (framing kept), read to its end"""
    out = b""
    while True:
        line = rd.until(b"\r\n")
        out += line
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers
                t = rd.until(b"\r\n")
                out += t
                if t == b"\r\n":
                    return out
        out += rd.exact(size + 2)


def rst_close(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def fin_close(sock):
    try:
        sock.shutdown(socket.SHUT_WR)  # a FIN, without TLS close_notify: the peer just went away
    except OSError:
        pass
    time.sleep(0.05)
    try:
        sock.close()
    except OSError:
        pass


class ApiServer:
    """the cluster's kube-apiserver process: stop, start again, freeze"""

    def __init__(self, state):
        self.state = state
        self.lock = threading.Lock()
        self.status = "up"
        self.restarts = 0
        self.saved = None
        self.child = None
        self.up_event = threading.Event()
        self.up_event.set()
        self.env = read_env(state)

    def pid_line(self):
        with open(os.path.join(self.state, "pids")) as f:
            for ln in f:
                p = ln.split()
                if len(p) >= 3 and p[0] == "kube-apiserver":
                    return int(p[1]), p[2]
        raise RuntimeError("no kube-apiserver in %s/pids" % self.state)

    def stop(self):
        with self.lock:
            if self.status != "up":
                return
            pid, exe = self.pid_line()
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                argv = [a.decode() for a in f.read().split(b"\0") if a]
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = dict(e.decode().split("=", 1) for e in f.read().split(b"\0") if b"=" in e)
            cwd = os.readlink("/proc/%d/cwd" % pid)
            self.saved = (argv, env, cwd, exe)
            self.up_event.clear()
            self.status = "down"
            os.kill(pid, signal.SIGTERM)
            end = time.time() + 20
            while time.time() < end and alive(pid):
                if self.child and self.child.pid == pid:
                    self.child.poll()
                time.sleep(0.05)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
                time.sleep(0.2)
            if self.child and self.child.pid == pid:
                self.child.wait()
            log("kube-apiserver %d stopped" % pid)

    def start(self):
        with self.lock:
            if self.status != "down":
                return
            argv, env, cwd, exe = self.saved
            logf = open(os.path.join(self.state, "logs", "kube-apiserver.log"), "ab")
            self.child = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=logf,
                                          stderr=subprocess.STDOUT, start_new_session=True)
            logf.close()
            rewrite_pid(self.state, "kube-apiserver", self.child.pid, exe)
            self.restarts += 1
            log("kube-apiserver started again as %d" % self.child.pid)
        self.wait_ready(120)
        with self.lock:
            self.status = "up"
            self.up_event.set()

    def wait_ready(self, seconds):
        ctx = ssl.create_default_context(cafile=self.env["ARC_CLUSTER_CA"])
        ctx.load_cert_chain(self.env["ARC_CLUSTER_ADMIN_CERT"], self.env["ARC_CLUSTER_ADMIN_KEY"])
        end = time.time() + seconds
        while time.time() < end:
            try:
                with urllib.request.urlopen(self.env["ARC_CLUSTER_SERVER"] + "/readyz", context=ctx,
                                            timeout=3) as r:
                    if r.read().strip() == b"ok":
                        log("kube-apiserver ready")
                        return True
            except Exception:
                pass
            time.sleep(0.3)
        log("kube-apiserver NOT ready after %ds" % seconds)
        return False

    def freeze(self, seconds):
        with self.lock:
            if self.status != "up":
                return
            pid, _ = self.pid_line()
            os.kill(pid, signal.SIGSTOP)
            # the signal is delivered asynchronously: wait until every thread has stopped, or a
            # request forwarded right after may still be served
            end = time.time() + 5
            while time.time() < end and not all_stopped(pid):
                time.sleep(0.01)
            self.status = "frozen"
            log("kube-apiserver %d frozen for %ss" % (pid, seconds))

        def thaw():
            time.sleep(seconds)
            self.thaw()

        threading.Thread(target=thaw, daemon=True).start()

    def thaw(self):
        with self.lock:
            if self.status != "frozen":
                return
            pid, _ = self.pid_line()
            os.kill(pid, signal.SIGCONT)
            self.status = "up"
            log("kube-apiserver %d thawed" % pid)

    def describe(self):
        with self.lock:
            try:
                pid = self.pid_line()[0]
            except Exception:
                pid = 0
            return {"apiserver": self.status, "pid": pid, "restarts": self.restarts}


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][:1] not in ("Z", "X")
    except OSError:
        return False


def all_stopped(pid):
    """every thread of pid is in the stopped state"""
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/stat" % (pid, t)) as f:
                if f.read().split(") ")[-1][:1] not in ("T", "t"):
                    return False
    except OSError:
        return False
    return True


def rewrite_pid(state, name, pid, exe):
    path = os.path.join(state, "pids")
    with open(path) as f:
        lines = f.readlines()
    out = [("%s %d %s\n" % (name, pid, exe)) if ln.split()[:1] == [name] else ln for ln in lines]
    with open(path + ".new", "w") as f:
        f.writelines(out)
    os.replace(path + ".new", path)
    envp = os.path.join(state, "env")
    if os.path.exists(envp):
        with open(envp) as f:
            text = f.read()
        text = re.sub(r"(?m)^export ARC_CLUSTER_APISERVER_PID=\d+$", "export ARC_CLUSTER_APISERVER_PID=%d" % pid, text)
        with open(envp + ".new", "w") as f:
            f.write(text)
        os.replace(envp + ".new", envp)


def read_env(state):
    env = {}
    with open(os.path.join(state, "env")) as f:
        for ln in f:
            m = re.match(r"^export (\w+)=(.*)$", ln.strip())
            if m:
                v = m.group(2)
                if v.startswith("'") and v.endswith("'"):
                    v = v[1:-1].replace("'\\''", "'")
                env[m.group(1)] = v
    return env


LOGFILE = None


def log(msg):
    if LOGFILE:
        LOGFILE.write("%s %s\n" % (time.strftime("%H:%M:%S"), msg))
        LOGFILE.flush()


class Proxy:
    def __init__(self, state, outdir):
        self.state = state
        self.env = read_env(state)
        self.api = ApiServer(state)
        up = self.env["ARC_CLUSTER_SERVER"]
        m = re.match(r"^https://([^:/]+):(\d+)", up)
        self.up_host, self.up_port = m.group(1), int(m.group(2))
        self.lock = threading.Lock()
        self.rules = []
        self.log = []
        self.seq = 0
        self.conns = set()
        # the client side: the cluster's serving certificate, client certificates checked
        pki = os.path.join(state, "pki")
        self.sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.sctx.load_cert_chain(os.path.join(pki, "apiserver.crt"), os.path.join(pki, "apiserver.key"))
        self.sctx.load_verify_locations(self.env["ARC_CLUSTER_CA"])
        self.sctx.verify_mode = ssl.CERT_OPTIONAL
        self.sctx.set_alpn_protocols(["http/1.1"])
        # the server side
        self.cctx_admin = ssl.create_default_context(cafile=self.env["ARC_CLUSTER_CA"])
        self.cctx_admin.load_cert_chain(self.env["ARC_CLUSTER_ADMIN_CERT"], self.env["ARC_CLUSTER_ADMIN_KEY"])
        self.cctx_admin.set_alpn_protocols(["http/1.1"])
        self.cctx_anon = ssl.create_default_context(cafile=self.env["ARC_CLUSTER_CA"])
        self.cctx_anon.set_alpn_protocols(["http/1.1"])
        with open(self.env["ARC_CLUSTER_ADMIN_CERT"]) as f:
            self.admin_der = ssl.PEM_cert_to_DER_cert(f.read())
        self.port = 0
        self.listener = None
        self.open_listener()
        with open(os.path.join(outdir, "port.new"), "w") as f:
            f.write("%d\n" % self.port)
        os.replace(os.path.join(outdir, "port.new"), os.path.join(outdir, "port"))
        # the kubeconfig: the admin one, the proxy as server
        with open(os.path.join(state, "admin.kubeconfig")) as f:
            kc = f.read()
        kc = kc.replace("server: " + up, "server: https://127.0.0.1:%d" % self.port)
        fd = os.open(os.path.join(outdir, "kubeconfig"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(kc)

    # --- the listener mirrors the API server: closed while it is down
    def open_listener(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(128)
        self.port = s.getsockname()[1]
        self.listener = s

    def close_listener(self):
        s, self.listener = self.listener, None
        if s:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            rst_close(c)

    def restart_apiserver(self, down):
        """connections refused from now on (as by the API server's own closed port), the API
        server stopped, started again after `down` seconds, connections accepted once ready"""
        self.api.up_event.clear()
        self.close_listener()
        self.api.stop()
        time.sleep(down)
        self.api.start()

    def serve(self):
        while True:
            s = self.listener
            if s is None:
                self.api.up_event.wait(1)
                if self.listener is None and self.api.up_event.is_set():
                    try:
                        self.open_listener()
                        log("listening again on %d" % self.port)
                    except OSError as e:
                        log("cannot listen again: %s" % e)
                        time.sleep(0.2)
                continue
            try:
                c, _ = s.accept()
            except OSError:
                continue
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    # --- rules
    def set_rules(self, rules):
        with self.lock:
            self.rules = []
            for r in rules:
                r = dict(r)
                r.setdefault("method", "*")
                r.setdefault("path", "")
                r.setdefault("nth", 1)
                r.setdefault("times", 1)
                r["matched"] = 0
                r["fired"] = 0
                r["_re"] = re.compile(r["path"])
                self.rules.append(r)

    def pick(self, method, target):
        with self.lock:
            self.seq += 1
            n = self.seq
            chosen = None
            for r in self.rules:
                if r["method"] not in ("*", method) or not r["_re"].search(target):
                    continue
                r["matched"] += 1
                k = r["matched"] - r["nth"]
                if chosen is None and k >= 0 and (r["times"] == 0 or k < r["times"]):
                    r["fired"] += 1
                    chosen = r
            entry = {"n": n, "method": method, "path": target, "status": None,
                     "fault": chosen["fault"] if chosen else None, "ms": 0}
            self.log.append(entry)
            return entry, chosen

    # --- one client connection
    def handle(self, raw):
        raw.settimeout(600)
        try:
            c = self.sctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        with self.lock:
            self.conns.add(c)
        up = None
        try:
            peer = c.getpeercert(binary_form=True)
            subj = c.getpeercert() if peer else None
            extra = []
            if peer and peer != self.admin_der:
                for rdn in subj.get("subject", ()):
                    for k, v in rdn:
                        if k == "commonName":
                            extra.append(("Impersonate-User", v))
                        elif k == "organizationName":
                            extra.append(("Impersonate-Group", v))
            rd = Reader(c)
            while True:
                try:
                    head = rd.until(b"\r\n\r\n")
                except (EOFError, OSError, ssl.SSLError):
                    return
                first, headers = parse_head(head)
                method, target, _ = (first.split(" ", 2) + ["", ""])[:3]
                body = b""
                te = (hget(headers, "Transfer-Encoding") or "").lower()
                if "chunked" in te:
                    body = read_chunked_raw(rd)
                elif hget(headers, "Content-Length"):
                    body = rd.exact(int(hget(headers, "Content-Length")))
                entry, rule = self.pick(method, target)
                t0 = now_ms()
                try:
                    up = self.exchange(c, up, peer, extra, method, target, headers, body, entry, rule)
                finally:
                    entry["ms"] = now_ms() - t0
                    log("%d %s %s -> %s%s (%d ms)" % (entry["n"], method, target[:150], entry["status"],
                                                      " [" + entry["fault"] + "]" if entry["fault"] else "",
                                                      entry["ms"]))
                if (hget(headers, "Connection") or "").lower() == "close":
                    break
        except Reset as r:
            with self.lock:
                self.conns.discard(c)
            if r.rst:
                rst_close(c)
            else:
                fin_close(c)
            c = None
        except (EOFError, OSError, ssl.SSLError, ValueError):
            pass
        finally:
            if c is not None:
                with self.lock:
                    self.conns.discard(c)
                try:
                    c.close()
                except OSError:
                    pass
            if up is not None:
                try:
                    up.close()
                except OSError:
                    pass

    def connect_up(self, peer):
        s = socket.create_connection((self.up_host, self.up_port), timeout=600)
        ctx = self.cctx_admin if peer else self.cctx_anon
        return ctx.wrap_socket(s, server_hostname=self.up_host)

    def exchange(self, c, up, peer, extra, method, target, headers, body, entry, rule):
        fault = rule["fault"] if rule else None
        if fault == "status":
            code = int(rule.get("code", 429))
            reason = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
                      504: "Gateway Timeout"}.get(code, "Error")
            sreason = {429: "TooManyRequests", 503: "ServiceUnavailable", 504: "Timeout"}.get(code, "InternalError")
            msg = rule.get("message", "the server has received too many requests and has asked us to try again "
                           "later" if code == 429 else "the server is currently unable to handle the request")
            st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": msg,
                  "reason": sreason, "code": code}
            hdrs = []
            if rule.get("retry_after") is not None:
                st["details"] = {"retryAfterSeconds": int(rule["retry_after"])}
                hdrs.append("Retry-After: %s\r\n" % rule["retry_after"])
            b = json.dumps(st).encode()
            c.sendall(("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n"
                       % (code, reason, "".join(hdrs), len(b))).encode() + b)
            entry["status"] = code
            return up
        if fault == "reset-request":
            entry["status"] = "RST"
            raise Reset(True)
        if fault == "stall":
            entry["status"] = "stalled"
            end = time.time() + float(rule.get("seconds", 300))
            c.settimeout(0.5)
            while time.time() < end:
                try:
                    if not c.recv(1):
                        break
                except socket.timeout:
                    continue
                except (OSError, ssl.SSLError):
                    break
            raise Reset(False)
        if fault == "apiserver-restart":
            when = rule.get("when", "before")
            down = float(rule.get("down", 5))

            if when == "before":
                entry["status"] = "RST (API server stopped)"
                threading.Thread(target=self.restart_apiserver, args=(down,), daemon=True).start()
                time.sleep(0.5)
                raise Reset(True)
        if fault == "apiserver-freeze":
            self.api.freeze(float(rule.get("seconds", 10)))

        # forward the request
        out = [head_line("%s %s HTTP/1.1" % (method, target))]
        for k, v in headers:
            if k.lower() in ("impersonate-user", "impersonate-group") and extra:
                continue
            out.append(head_line("%s: %s" % (k, v)))
        for k, v in extra:
            out.append(head_line("%s: %s" % (k, v)))
        req = b"".join(out) + b"\r\n" + body
        for attempt in (0, 1):
            try:
                if up is None:
                    up = self.connect_up(peer)
                up.sendall(req)
                urd = Reader(up)
                rhead = urd.until(b"\r\n\r\n")
                break
            except (EOFError, OSError, ssl.SSLError):
                try:
                    if up is not None:
                        up.close()
                except OSError:
                    pass
                up = None
                if attempt == 1:
                    entry["status"] = "upstream unreachable"
                    raise Reset(True)
        if fault == "apiserver-restart":  # "after": the server acted on it; the answer is lost
            entry["status"] = "RST (API server stopped after the request)"
            threading.Thread(target=self.restart_apiserver, args=(float(rule.get("down", 5)),),
                             daemon=True).start()
            time.sleep(0.5)
            raise Reset(True)
        rfirst, rheaders = parse_head(rhead)
        code = int(rfirst.split(" ")[1])
        entry["status"] = code
        if fault == "reset-response":
            entry["status"] = "%d, RST before the answer" % code
            raise Reset(True)
        nobody = method == "HEAD" or code in (204, 304) or 100 <= code < 200
        te = (hget(rheaders, "Transfer-Encoding") or "").lower()
        cl = hget(rheaders, "Content-Length")
        if fault == "delay":
            time.sleep(float(rule.get("seconds", 10)))
        cut = fault in ("reset-body", "truncate")
        if nobody:
            c.sendall(rhead)
            if cut:
                raise Reset(fault == "reset-body")
            return up
        if "chunked" in te:
            return self.relay_chunked(c, up, urd, rhead, entry, rule if cut else None)
        if cl is not None:
            n = int(cl)
            if cut:
                keep = int(rule.get("bytes", n // 2))
                c.sendall(rhead + urd.exact(min(keep, n)))
                entry["status"] = "%d, cut after %d of %d bytes" % (code, min(keep, n), n)
                up.close()
                raise Reset(fault == "reset-body")
            data = urd.exact(n)
            c.sendall(rhead + data)
            if (hget(rheaders, "Connection") or "").lower() == "close":
                up.close()
                return None
            return up
        # until the server closes
        c.sendall(rhead)
        sent = 0
        while True:
            try:
                d = urd.some(65536)
            except EOFError:
                break
            if cut and sent + len(d) > int(rule.get("bytes", 1)):
                raise Reset(fault == "reset-body")
            c.sendall(d)
            sent += len(d)
        raise Reset(False)

    def relay_chunked(self, c, up, urd, rhead, entry, rule):
        """relay a chunked body as it comes (a watch); with a cutting rule, stop after `bytes`
        bytes of chunks or `after_s` seconds, whichever is first.  A client that goes away
        ends the relay (and the upstream request) at once."""
        c.sendall(rhead)
        sent = 0
        limit = int(rule.get("bytes", 1)) if rule else None
        deadline = time.time() + float(rule.get("after_s", 1.0)) if rule else None
        code = entry["status"]

        def cut():
            entry["status"] = "%s, stream cut after %d bytes" % (code, sent)
            up.close()
            raise Reset(rule["fault"] == "reset-body")

        while True:
            # wait for the server's next bytes, watching the client and the cut deadline
            while not urd.buf and not (isinstance(up, ssl.SSLSocket) and up.pending()):
                r, _, _ = select.select([up, c], [], [], 0.2)
                if c in r:
                    try:
                        gone = not c.recv(1)
                    except ssl.SSLWantReadError:
                        gone = False
                    except (OSError, ssl.SSLError):
                        gone = True
                    if gone:
                        entry["status"] = "%s, client closed the stream after %d bytes" % (code, sent)
                        up.close()
                        raise Reset(False)
                if rule and time.time() >= deadline:
                    cut()
                if up in r:
                    break
            try:
                line = urd.until(b"\r\n")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                data = urd.exact(size + 2) if size else b""
                if size == 0:
                    while True:
                        t = urd.until(b"\r\n")
                        data += t
                        if t == b"\r\n":
                            break
            except (EOFError, OSError, ssl.SSLError):
                up.close()
                raise Reset(True)
            if rule and (sent >= limit or time.time() >= deadline):
                cut()
            c.sendall(line + data)
            sent += len(line) + len(data)
            if size == 0:
                return up


def head_line(s):
    return (s + "\r\n").encode("latin-1")


def control_server(proxy, outdir):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, obj, code=200):
            b = json.dumps(obj, indent=1).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)

        def do_GET(self):
            if self.path == "/log":
                with proxy.lock:
                    self.reply(list(proxy.log))
            elif self.path == "/rules":
                with proxy.lock:
                    self.reply([{k: v for k, v in r.items() if not k.startswith("_")} for r in proxy.rules])
            elif self.path == "/state":
                self.reply(proxy.api.describe())
            else:
                self.reply({"error": "not found"}, 404)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else b""
            if self.path == "/rules":
                try:
                    rules = json.loads(data or b"[]")
                    proxy.set_rules(rules)
                except Exception as e:
                    return self.reply({"error": str(e)}, 400)
                self.reply({"rules": len(rules)})
            elif self.path == "/reset":
                proxy.set_rules([])
                with proxy.lock:
                    proxy.log = []
                self.reply({"ok": True})
            elif self.path == "/wait-up":
                ok = proxy.api.up_event.wait(180)
                while ok and proxy.listener is None:
                    time.sleep(0.1)
                self.reply({"up": ok}, 200 if ok else 504)
            else:
                self.reply({"error": "not found"}, 404)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    with open(os.path.join(outdir, "control.new"), "w") as f:
        f.write(url + "\n")
    os.replace(os.path.join(outdir, "control.new"), os.path.join(outdir, "control"))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def cmd_serve(a):
    global LOGFILE
    os.makedirs(a.dir, exist_ok=True)
    LOGFILE = open(os.path.join(a.dir, "proxy.log"), "a")
    proxy = Proxy(os.path.abspath(a.state), a.dir)
    log("proxy on 127.0.0.1:%d for %s" % (proxy.port, proxy.env["ARC_CLUSTER_SERVER"]))

    def stop(*_):
        # never leave the cluster without its API server
        st = proxy.api.describe()["apiserver"]
        if st == "frozen":
            proxy.api.thaw()
        elif st == "down":
            proxy.api.up_event.wait(60)
            if proxy.api.status == "down":
                proxy.api.start()
        log("proxy stopped")
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    control_server(proxy, a.dir)
    threading.Thread(target=proxy.serve, daemon=True).start()
    while True:
        time.sleep(3600)


def cmd_ctl(a):
    base = a.url.rstrip("/")
    if a.what == "rules" and a.arg is not None:
        req = urllib.request.Request(base + "/rules", data=a.arg.encode(), method="POST")
    elif a.what in ("reset", "wait-up"):
        req = urllib.request.Request(base + "/" + a.what, data=b"", method="POST")
    else:
        req = urllib.request.Request(base + "/" + a.what)
    try:
        with urllib.request.urlopen(req, timeout=200) as r:
            sys.stdout.write(r.read().decode() + "\n")
    except urllib.error.HTTPError as e:
        sys.stderr.write("faultproxy ctl: %s: %s\n" % (e, e.read().decode()))
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description="fault-injecting proxy in front of the e2e kube-apiserver")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--state", required=True, help="the cluster state directory (up.sh)")
    s.add_argument("--dir", required=True, help="where port, control, kubeconfig and proxy.log go")
    c = sub.add_parser("ctl")
    c.add_argument("url")
    c.add_argument("what", choices=["rules", "log", "state", "reset", "wait-up"])
    c.add_argument("arg", nargs="?")
    a = p.parse_args()
    if a.cmd == "serve":
        return cmd_serve(a)
    return cmd_ctl(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
