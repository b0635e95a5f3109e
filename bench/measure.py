#!/usr/bin/env python3
"""Run commands side by side and report wall time and peak RSS, with ratios.

usage: measure.py RUNS LABEL-A "CMD A" LABEL-B "CMD B"
Each command runs RUNS times (alternating A and B, after one warm-up each);
output goes to /dev/null.  Reports the median wall time and the maximum peak
resident set size of each, and B/A ratios (how many times A is faster/smaller).

Commands are split like a shell would (shlex) and executed directly, without
a shell in between.  They are started by a small C launcher (bench/spawn.c,
built on first use): Linux carries the peak RSS of a process over exec, so a
command forked straight from Python would report at least Python's own ~10 MiB.
The launcher forks from a tiny image, times fork→exit with CLOCK_MONOTONIC and
reads ru_maxrss from wait4.  Without a C compiler it falls back to forking
from Python (peak memory then has a ~10 MiB floor; a note says so).
"""
import os, shlex, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = None


def build_launcher():
    src = os.path.join(HERE, "spawn.c")
    out = os.path.join(tempfile.gettempdir(), f"arc-bench-spawn-{os.getuid()}")
    try:
        if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
            cc = os.environ.get("CC", "cc")
            subprocess.run([cc, "-O2", "-o", out + ".tmp", src], check=True)
            os.replace(out + ".tmp", out)
        return out
    except (OSError, subprocess.CalledProcessError):
        print("measure: no C launcher; peak memory includes Python's (~10 MiB floor)", file=sys.stderr)
        return None


def run(cmd):
    argv = shlex.split(cmd)
    if LAUNCHER:
        r = subprocess.run([LAUNCHER] + argv, stdout=subprocess.PIPE, check=False)
        if r.returncode != 0:
            sys.exit(f"measure: command failed ({r.returncode}): {cmd}")
        ns, kib = r.stdout.split()
        return int(ns) / 1e9, int(kib) / 1024.0  # seconds, MiB
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execvp(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: command failed ({status}): {cmd}")
    return dt, ru.ru_maxrss / 1024.0  # MiB


def main():
    global LAUNCHER
    runs = int(sys.argv[1])
    la, ca, lb, cb = sys.argv[2:6]
    LAUNCHER = build_launcher()
    run(ca)
    run(cb)
    ta, tb, ma, mb = [], [], [], []
    for _ in range(runs):
        t, m = run(ca); ta.append(t); ma.append(m)
        t, m = run(cb); tb.append(t); mb.append(m)
    a_t, b_t = statistics.median(ta), statistics.median(tb)
    a_m, b_m = max(ma), max(mb)
    print(f"  {la:<14} {a_t * 1000:9.2f} ms  {a_m:8.1f} MiB")
    print(f"  {lb:<14} {b_t * 1000:9.2f} ms  {b_m:8.1f} MiB")
    print(f"  ratio {lb}/{la}: wall {b_t / a_t:.1f}x, peak memory {b_m / a_m:.1f}x")


if __name__ == "__main__":
    main()
