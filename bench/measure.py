#!/usr/bin/env python3
"""Run commands side by side and report wall time and peak RSS, with ratios.

usage: measure.py RUNS LABEL-A "CMD A" LABEL-B "CMD B"
       measure.py --row NAME RUNS LABEL-A "CMD A" LABEL-B "CMD B"
       measure.py --header

Each command runs RUNS times (alternating A and B, after one warm-up each);
output goes to /dev/null.  Reports the median and the minimum wall time, the
median CPU time (user + system, all threads) and the maximum peak resident
set size of each, and B/A ratios (how many times A is faster/smaller).  The
machine is shared: the median says what a run usually costs, the minimum
what it costs undisturbed (the steadier figure when other jobs compete for
the CPUs), the CPU time what it costs whatever the wait; all are printed.
--row prints the same figures as one line of a table (--header: its head).

Commands are split like a shell would (shlex) and executed directly, without
a shell in between.  They are started by a small C launcher (bench/spawn.c,
built on first use): Linux carries the peak RSS of a process over exec, so a
command forked straight from Python would report at least Python's own ~10 MiB.
The launcher forks from a tiny image, times fork→exit with CLOCK_MONOTONIC and
reads ru_maxrss and the CPU times from wait4.  Without a C compiler it falls back to forking
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
        ns, kib, cpu = r.stdout.split()
        return int(ns) / 1e9, int(kib) / 1024.0, int(cpu) / 1e9  # seconds, MiB, seconds
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
    return dt, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime  # seconds, MiB, seconds


def measure(runs, ca, cb):
    """(median wall, min wall, median CPU, peak RSS) of A and of B"""
    run(ca)
    run(cb)
    res = {ca: [], cb: []}
    for _ in range(runs):
        for c in (ca, cb):
            res[c].append(run(c))
    out = []
    for c in (ca, cb):
        wall = [r[0] for r in res[c]]
        out.append((statistics.median(wall), min(wall), statistics.median(r[2] for r in res[c]),
                    max(r[1] for r in res[c])))
    return out


ROW = "{:<24} {:>8} {:>8} {:>8} {:>6}  {:>8} {:>8} {:>8} {:>6}  {:>6} {:>6} {:>6} {:>5}"


def main():
    global LAUNCHER
    args = sys.argv[1:]
    if args and args[0] == "--header":
        print(ROW.format("case", "A med ms", "A min ms", "A cpu ms", "A MiB", "B med ms", "B min ms",
                         "B cpu ms", "B MiB", "×med", "×min", "×cpu", "×mem"))
        return
    row = None
    if args and args[0] == "--row":
        row, args = args[1], args[2:]
    runs = int(args[0])
    la, ca, lb, cb = args[1:5]
    LAUNCHER = build_launcher()
    (a_t, a_min, a_c, a_m), (b_t, b_min, b_c, b_m) = measure(runs, ca, cb)
    a_c, b_c = max(a_c, 1e-6), max(b_c, 1e-6)
    if row is not None:
        print(ROW.format(row, f"{a_t * 1000:.2f}", f"{a_min * 1000:.2f}", f"{a_c * 1000:.2f}", f"{a_m:.1f}",
                         f"{b_t * 1000:.1f}", f"{b_min * 1000:.1f}", f"{b_c * 1000:.1f}", f"{b_m:.1f}",
                         f"{b_t / a_t:.1f}x", f"{b_min / a_min:.1f}x", f"{b_c / a_c:.1f}x", f"{b_m / a_m:.1f}x"),
              flush=True)
        return
    print(f"  {la:<14} median {a_t * 1000:9.2f} ms  min {a_min * 1000:9.2f} ms  cpu {a_c * 1000:9.2f} ms"
          f"  peak {a_m:8.1f} MiB")
    print(f"  {lb:<14} median {b_t * 1000:9.2f} ms  min {b_min * 1000:9.2f} ms  cpu {b_c * 1000:9.2f} ms"
          f"  peak {b_m:8.1f} MiB")
    print(f"  ratio {lb}/{la}: wall {b_t / a_t:.1f}x (median), {b_min / a_min:.1f}x (min); "
          f"cpu {b_c / a_c:.1f}x; peak memory {b_m / a_m:.1f}x")


if __name__ == "__main__":
    main()
