#!/usr/bin/env python3
"""Run commands side by side and report wall time and peak RSS, with ratios.

usage: measure.py RUNS LABEL-A "CMD A" LABEL-B "CMD B"
Each command runs RUNS times (alternating A and B, after one warm-up each);
output goes to /dev/null.  Reports the median wall time and the maximum peak
resident set size of each, and B/A ratios (how many times A is faster/smaller).
"""
import os, resource, statistics, subprocess, sys, time


def run(cmd):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execvp("/bin/sh", ["/bin/sh", "-c", "exec " + cmd])
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: command failed ({status}): {cmd}")
    return dt, ru.ru_maxrss / 1024.0  # MiB


def main():
    runs = int(sys.argv[1])
    la, ca, lb, cb = sys.argv[2:6]
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
