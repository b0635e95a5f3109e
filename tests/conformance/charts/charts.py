#!/usr/bin/env python3
"""Whole-chart conformance: `kubectl-arc template` against `helm template`.

usage: charts.py run   ARC [ID...]        compare with the committed expectations (TAP)
       charts.py live  ARC HELM [ID...]   compare with helm run now (TAP), report stale expectations
       charts.py regen HELM [--missing-only] [ID...]   write expected/ID.out and expected/ID.err

Cases are lines of the file `cases` (next to this script):
    ID  CHART  ARGS...
CHART is a directory or archive under this directory, or @bundled (kubectl-arc gets
no CHART argument, helm gets the repository's chart/ directory).  ARGS are shell
words given to both programs; {chart} is replaced by the chart path (dropped for
kubectl-arc with @bundled) and {out} by a fresh temporary directory, whose files
are then listed after stdout.  A line `@expect-error ID REGEX` marks a case where kubectl-arc deliberately
differs from helm (unsafe archives helm accepts): it must exit 1 with an error
matching REGEX.  A line `@arc-values ID-PREFIX ARGS...` expands to
one @bundled case per arc-values/*.yaml ({values} = the file).
Every command runs in this directory with no kubeconfig and empty helm homes.

expected/ID.out is helm's stdout; expected/ID.err is "exit N" and helm's stderr.
Output of random functions is masked before comparing: PEM blocks (plain or
base64-encoded) become <PEM TYPE> after checking that they decode, and
RAND<...> markers written by the test charts become RAND<n> (n = length).
"""
import base64, difflib, os, re, shlex, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EXPECTED = os.path.join(HERE, "expected")


def load_cases():
    cases, expect = [], {}
    with open(os.path.join(HERE, "cases"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line)
            if words[0] == "@expect-error":
                # kubectl-arc deliberately differs from helm here: it must fail with this error
                expect[words[1]] = words[2]
                continue
            if words[0] == "@arc-values":
                d = os.path.join(HERE, "arc-values")
                files = sorted(x for x in os.listdir(d) if x.endswith(".yaml")) if os.path.isdir(d) else []
                for fn in files:
                    cid = words[1] + "-" + fn[:-5]
                    args = [w.replace("{values}", "arc-values/" + fn) for w in words[2:]]
                    cases.append({"id": cid, "chart": "@bundled", "args": args, "line": n})
                continue
            if len(words) < 2:
                raise SystemExit(f"cases:{n}: want ID CHART ARGS...")
            cases.append({"id": words[0], "chart": words[1], "args": words[2:], "line": n})
    for c in cases:
        if c["id"] in expect:
            c["expect_error"] = expect.pop(c["id"])
    if expect:
        raise SystemExit(f"cases: @expect-error for unknown ids {sorted(expect)}")
    ids = [c["id"] for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SystemExit(f"cases: duplicate ids {sorted(dup)}")
    return cases


def command(prog, case, is_helm, out):
    chart = case["chart"]
    if chart == "@bundled":
        chart_arg = os.path.relpath(os.path.join(ROOT, "chart"), HERE) if is_helm else None
    else:
        chart_arg = chart
    argv = [prog]
    if is_helm:
        argv.append("template")
    else:
        argv.append("template")
    for a in case["args"]:
        if a == "{chart}":
            if chart_arg is not None:
                argv.append(chart_arg)
            continue
        argv.append(a.replace("{chart}", chart_arg or "").replace("{out}", out))
    return argv


def list_tree(d):
    parts = []
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for fn in sorted(files):
            p = os.path.join(root, fn)
            with open(p, encoding="utf-8", errors="replace") as f:
                parts.append(f"=== file {os.path.relpath(p, d)}\n{f.read()}")
    return "".join(parts)


def run(prog, case, is_helm):
    tmp = tempfile.mkdtemp(prefix="arc-charts-")
    try:
        out = os.path.join(tmp, "out")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HELM_", "KUBE", "XDG_"))}
        env.update(HOME=tmp, KUBECONFIG=os.path.join(tmp, "no-kubeconfig"), HELM_CACHE_HOME=tmp + "/cache",
                   HELM_CONFIG_HOME=tmp + "/config", HELM_DATA_HOME=tmp + "/data",
                   XDG_CONFIG_HOME=tmp + "/xdg-config", XDG_CACHE_HOME=tmp + "/xdg-cache", NO_COLOR="1")
        argv = command(prog, case, is_helm, out)
        p = subprocess.run(argv, cwd=HERE, capture_output=True, env=env, timeout=300)
        stdout = p.stdout.decode("utf-8", "replace").replace(out, "{out}")
        stderr = p.stderr.decode("utf-8", "replace").replace(out, "{out}")
        if "{out}" in " ".join(case["args"]) and os.path.isdir(out):
            stdout += list_tree(out)
        return p.returncode, stdout, stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


PEM_RE = re.compile(r"-----BEGIN ([A-Z ]+)-----\n((?:[ \t]*[A-Za-z0-9+/=]+\n)+)[ \t]*-----END \1-----")
B64_RE = re.compile(r"[A-Za-z0-9+/]{60,}={0,2}")
RAND_RE = re.compile(r"RAND<([^<>\n]*)>")


class MaskError(Exception):
    pass


def mask_pem(m):
    body = "".join(line.strip() for line in m.group(2).splitlines())
    try:
        der = base64.b64decode(body, validate=True)
    except Exception as e:
        raise MaskError(f"PEM {m.group(1)} block is not valid base64: {e}")
    if len(der) < 32 or der[0] != 0x30:
        raise MaskError(f"PEM {m.group(1)} block does not hold DER")
    return f"<PEM {m.group(1)}>"


def mask_b64(m):
    s = m.group(0)
    try:
        raw = base64.b64decode(s, validate=True).decode("ascii")
    except Exception:
        return s
    if not raw.startswith("-----BEGIN "):
        return s
    inner = PEM_RE.sub(mask_pem, raw)
    if "-----BEGIN" in inner:
        raise MaskError("base64 text holds a malformed PEM block")
    return "<B64 " + inner.strip().replace("\n", " ") + ">"


def mask(text):
    text = PEM_RE.sub(mask_pem, text)
    text = B64_RE.sub(mask_b64, text)
    return RAND_RE.sub(lambda m: f"RAND<{len(m.group(1))}>", text)


def expected(case):
    base = os.path.join(EXPECTED, case["id"])
    if not os.path.exists(base + ".out") or not os.path.exists(base + ".err"):
        return None
    with open(base + ".out", encoding="utf-8", newline="") as f:
        out = f.read()
    with open(base + ".err", encoding="utf-8", newline="") as f:
        err = f.read()
    first, _, err = err.partition("\n")
    return int(first.split()[1]), out, err


def write_expected(case, res):
    os.makedirs(EXPECTED, exist_ok=True)
    base = os.path.join(EXPECTED, case["id"])
    with open(base + ".out", "w", encoding="utf-8", newline="") as f:
        f.write(res[1])
    with open(base + ".err", "w", encoding="utf-8", newline="") as f:
        f.write(f"exit {res[0]}\n{res[2]}")


def diff(want, got, label):
    lines = list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "helm " + label,
                                      "kubectl-arc " + label, n=1))
    out = ["#   " + l.rstrip("\n") for l in lines[:30]]
    if len(lines) > 30:
        out.append(f"#   ... {len(lines) - 30} more diff lines")
    return "\n".join(out)


def compare(want, got):
    """None when equal after masking, else a diagnostic."""
    try:
        wo, go = mask(want[1]), mask(got[1])
        we, ge = mask(want[2]), mask(got[2])
    except MaskError as e:
        return f"#   masking failed: {e}"
    msgs = []
    if want[0] != got[0]:
        msgs.append(f"#   exit status: helm {want[0]}, kubectl-arc {got[0]}")
    if wo != go:
        msgs.append(diff(wo, go, "stdout"))
    if we != ge:
        msgs.append(diff(we, ge, "stderr"))
    return "\n".join(msgs) if msgs else None


def select(cases, ids):
    if not ids:
        return cases
    return [c for c in cases if c["id"] in ids or any(c["id"].startswith(i.rstrip("*")) for i in ids
                                                      if i.endswith("*"))]


# ---- chart repositories served from loopback ----

def retar(src, version):
    """the chart archive src with its Chart.yaml version replaced"""
    import gzip, io, tarfile
    out = io.BytesIO()
    with tarfile.open(src, "r:gz") as tin, tarfile.open(fileobj=out, mode="w") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read() if m.isfile() else None
            if m.name.endswith("/Chart.yaml") and m.name.count("/") == 1:
                data = re.sub(rb"(?m)^version: .*$", b"version: " + version.encode(), data)
                m.size = len(data)
            tout.addfile(m, io.BytesIO(data) if data is not None else None)
    return gzip.compress(out.getvalue(), mtime=0)


def make_repo(d, versions, bad_digest=()):
    import hashlib
    entries = []
    for v in versions:
        data = retar(os.path.join(HERE, "archives", "basic-1.2.3.tgz"), v)
        fn = f"basic-{v}.tgz"
        with open(os.path.join(d, fn), "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        if v in bad_digest:
            digest = hashlib.sha256(b"tampered").hexdigest()
        entries.append(f"  - apiVersion: v2\n    appVersion: 4.5.6\n    created: \"2024-01-01T00:00:00Z\"\n"
                       f"    digest: {digest}\n    name: basic\n    type: application\n"
                       f"    urls:\n    - {fn}\n    version: {v}\n")
    with open(os.path.join(d, "index.yaml"), "w") as f:
        f.write("apiVersion: v1\nentries:\n  basic:\n" + "".join(entries) +
                "generated: \"2024-01-01T00:00:00Z\"\n")


def repo_tests(arc, helm):
    """(ok, what, detail) for each check against a repository served on 127.0.0.1"""
    import functools, http.server, threading
    tmp = tempfile.mkdtemp(prefix="arc-repo-")
    good, bad = os.path.join(tmp, "good"), os.path.join(tmp, "bad")
    os.makedirs(good)
    os.makedirs(bad)
    make_repo(good, ["1.2.3", "1.2.9", "1.3.0-rc.1", "2.0.0", "not-semver"])
    make_repo(bad, ["1.2.3"], bad_digest=("1.2.3",))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=tmp))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELM_", "KUBE", "XDG_"))}
    env.update(HOME=tmp, KUBECONFIG=tmp + "/none", XDG_CONFIG_HOME=tmp + "/cfg", XDG_CACHE_HOME=tmp + "/cache",
               HELM_CACHE_HOME=tmp + "/hc", HELM_CONFIG_HOME=tmp + "/hcfg", HELM_DATA_HOME=tmp + "/hd")

    def sh(*argv):
        p = subprocess.run(list(argv), capture_output=True, env=env, cwd=HERE, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def chart_version(out):
        m = re.search(r"helm.sh/chart: basic-(\S+)", out)
        return m.group(1) if m else None

    results = []
    try:
        with open(os.path.join(EXPECTED, "basic-packaged.out"), encoding="utf-8") as f:
            packaged = f.read()
        r = sh(arc, "template", "web", "basic", "--repo", url + "/good", "--version", "1.2.3",
               "--set", "replicaCount=3")
        results.append((r[0] == 0 and r[1] == packaged, "--repo --version 1.2.3 renders as the local archive",
                        r[2] or r[1][:500]))
        for cons, want in (("", "2.0.0"), ("~1.2.0", "1.2.9"), ("^1.3.0-0", "1.3.0-rc.1"), (">=1.2.4 <2", "1.2.9"),
                           ("1.2.x", "1.2.9")):
            args = [arc, "template", "web", "basic", "--repo", url + "/good/"] + (["--version", cons] if cons else [])
            r = sh(*args)
            got = chart_version(r[1])
            detail = f"got {got} (exit {r[0]}): {r[2]}"
            if helm:
                h = sh(helm, "template", "web", "basic", "--repo", url + "/good/", *(["--version", cons] if cons else []))
                detail += f"; helm picked {chart_version(h[1])}"
                ok = r[0] == 0 and got == want and r[1] == h[1]
            else:
                ok = r[0] == 0 and got == want
            results.append((ok, f"--version {cons or '(none)'} picks {want}", detail))
        r = sh(arc, "template", "web", "basic", "--repo", url + "/good", "--version", "9.9.9")
        want = f'Error: chart "basic" version "9.9.9" not found in {url}/good repository\n'
        if helm:
            # helm also logs the index entries it skips; the error is its last line
            want = sh(helm, "template", "web", "basic", "--repo", url + "/good", "--version", "9.9.9")[2]
            want = want.splitlines(True)[-1]
        results.append((r[0] == 1 and r[2] == want, "a missing version is helm's error", f"{r[2]!r} vs {want!r}"))
        r = sh(arc, "template", "web", "nochart", "--repo", url + "/good")
        results.append((r[0] == 1 and f'chart "nochart" not found in {url}/good repository' in r[2],
                        "a missing chart is an error", r[2]))
        r = sh(arc, "template", "web", "basic", "--repo", url + "/bad")
        results.append((r[0] == 1 and "digest mismatch" in r[2] and "basic-1.2.3.tgz" in r[2],
                        "a digest mismatch is refused", r[2]))
        r = sh(arc, "template", "web", "basic", "--repo", url + "/nothing-here")
        results.append((r[0] == 1 and "404 File not found" in r[2] and "index.yaml" in r[2],
                        "a missing index is an error naming the URL", r[2]))
        r = sh(arc, "repo", "add", "local", url + "/good")
        results.append((r[0] == 0 and '"local" has been added' in r[1], "repo add", r[1] + r[2]))
        r = sh(arc, "repo", "add", "local", url + "/bad")
        results.append((r[0] == 1 and "already exists" in r[2], "repo add refuses a second URL for a name", r[2]))
        r = sh(arc, "repo", "list")
        results.append((r[0] == 0 and f"local\t{url}/good" in r[1], "repo list", r[1] + r[2]))
        r = sh(arc, "template", "web", "local/basic", "--version", "1.2.3", "--set", "replicaCount=3")
        results.append((r[0] == 0 and r[1] == packaged, "REPO/CHART after repo add", r[2] or r[1][:300]))
        r = sh(arc, "repo", "update")
        results.append((r[0] == 0 and "Successfully got an update" in r[1], "repo update", r[1] + r[2]))
        r = sh(arc, "template", "web", "nope/basic")
        results.append((r[0] == 1 and "repo nope not found" in r[2], "an unknown REPO/CHART", r[2]))
        r = sh(arc, "repo", "remove", "local")
        r2 = sh(arc, "repo", "list")
        results.append((r[0] == 0 and r2[0] == 1 and "no repositories" in r2[2], "repo remove", r[1] + r[2] + r2[2]))
    finally:
        srv.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    mode = sys.argv[1]
    cases = load_cases()
    if mode == "regen":
        helm, rest = sys.argv[2], sys.argv[3:]
        missing_only = "--missing-only" in rest
        rest = [r for r in rest if r != "--missing-only"]
        n = 0
        for c in select(cases, rest):
            if missing_only and expected(c) is not None:
                continue
            write_expected(c, run(helm, c, True))
            n += 1
        if not rest and not missing_only and os.path.isdir(EXPECTED):
            ids = {c["id"] for c in cases}
            for fn in os.listdir(EXPECTED):
                if fn.rsplit(".", 1)[0] not in ids:
                    os.remove(os.path.join(EXPECTED, fn))
        print(f"charts: {n} expectations written by {helm}", file=sys.stderr)
        return 0
    arc = os.path.abspath(sys.argv[2])
    helm = sys.argv[3] if mode == "live" else None
    rest = sys.argv[4:] if mode == "live" else sys.argv[3:]
    failed = stale = 0
    todo = select(cases, rest)
    for i, c in enumerate(todo, 1):
        if mode == "live":
            want = run(helm, c, True)
            old = expected(c)
            if old is not None and compare(old, want) is not None:
                stale += 1
                print(f"# stale expectation: {c['id']} (helm's output differs from expected/{c['id']}.*)")
        else:
            want = expected(c)
        if want is None:
            print(f"not ok {i} - charts: {c['id']} (no expectation: run tests/conformance/charts/regen.sh)")
            failed += 1
            continue
        got = run(arc, c, False)
        if "expect_error" in c:
            ok = got[0] == 1 and re.search(c["expect_error"], got[2])
            d = None if ok else (f"#   want exit 1 and an error matching {c['expect_error']!r}\n"
                                 f"#   got exit {got[0]}, stderr: {got[2].strip()[:300]!r}")
        else:
            d = compare(want, got)
        if d is None:
            print(f"ok {i} - charts: {c['id']}")
        else:
            failed += 1
            print(f"not ok {i} - charts: {c['id']} (cases:{c['line']})")
            print(d)
    n = len(todo)
    if not rest:
        for ok, what, detail in repo_tests(arc, helm):
            n += 1
            print(f"{'' if ok else 'not '}ok {n} - repo: {what}")
            if not ok:
                failed += 1
                print("\n".join("#   " + l for l in detail.splitlines()[:20]))
    print(f"1..{n}")
    if stale:
        print(f"# {stale} stale expectation(s)")
    return 1 if failed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
