"""Helpers shared by the PyTorch side of the benchmark suite (bench/py/<id>.py).

Protocol (read by bench/run): stdout carries only result lines, "<row> <number>".
"""
import os
import statistics
import sys
import time

now = time.perf_counter

ID = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def median(repeats, fn, warmup=1):
    """Call fn() `warmup` times untimed, then `repeats` times timed; median seconds."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = now()
        fn()
        ts.append(now() - t0)
    return statistics.median(ts)


def report(value, row=None):
    sys.stdout.write("%s %.6g\n" % (row or ID, value))
    sys.stdout.flush()
