#!/usr/bin/env python3
"""Fill in expected outputs of conformance cases by running the real helm.

usage: regen.py [--missing-only] [--into DIR] HELM FILE.test...
  --missing-only  only cases that have neither output nor error
  --into DIR      write the regenerated files into DIR instead of in place
"""
import concurrent.futures, json, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casefile  # noqa: E402

PREFIX = "Error: INSTALLATION FAILED: "


def run_helm(helm, case):
    with tempfile.TemporaryDirectory() as tmp:
        chart = casefile.make_chart(case, tmp)
        env = dict(os.environ, HELM_CACHE_HOME=tmp + "/c", HELM_CONFIG_HOME=tmp + "/cfg",
                   HELM_DATA_HOME=tmp + "/d", KUBECONFIG=tmp + "/none")
        p = subprocess.run([helm, "install", "r", chart, "--dry-run=client", "-o", "json",
                            "-n", "default"], capture_output=True, env=env, timeout=120)
        if p.returncode == 0:
            rel = json.loads(p.stdout)
            return "output", rel["info"].get("notes", "")
        err = p.stderr.decode("utf-8", "replace")
        if err.endswith("\n"):
            err = err[:-1]
        if err.startswith(PREFIX):
            err = err[len(PREFIX):]
        return "error", err


def main():
    args = sys.argv[1:]
    missing_only = "--missing-only" in args
    into = None
    if "--into" in args:
        i = args.index("--into")
        into = args[i + 1]
        del args[i:i + 2]
    args = [a for a in args if a != "--missing-only"]
    helm, files = args[0], args[1:]
    todo = []
    parsed = {}
    for f in files:
        cases = casefile.parse(f)
        parsed[f] = cases
        for c in cases:
            if missing_only and ("output" in c or "error" in c):
                continue
            todo.append(c)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for c, (kind, text) in zip(todo, ex.map(lambda c: run_helm(helm, c), todo)):
            c.pop("output", None)
            c.pop("error", None)
            c[kind] = text
    for f, cases in parsed.items():
        dest = os.path.join(into, os.path.basename(f)) if into else f
        casefile.write(dest, cases)
    print(f"regen: {len(todo)} cases rendered by {helm}", file=sys.stderr)


if __name__ == "__main__":
    main()
