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


def sgd_step(model, x, y):
    """A training step of model on the batch (x, y): cross-entropy loss, SGD (lr 0.01),
    forward + zero_grad + backward + step; returns the function doing one step."""
    import torch
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step


def peak_rss_mib():
    """The process's peak resident memory (VmHWM), MiB, or None where it is unknown."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None


def report_rss(row):
    """Report the peak resident memory as the row `row`, where it is known."""
    rss = peak_rss_mib()
    if rss is not None:
        report(rss, row)


def mlp():
    """The MLP of B10 and G4: 784-512-512-10 with ReLU."""
    import torch.nn as nn
    return nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(),
        nn.Linear(512, 512), nn.ReLU(),
        nn.Linear(512, 10))


def cnn():
    """The CNN of B11 and G5 (see bench/lua/bench.lua)."""
    import torch.nn as nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4096, 10))


def need_cuda():
    """Exit quietly (no rows) when this PyTorch has no usable GPU."""
    import torch
    if not torch.cuda.is_available():
        sys.stderr.write("%s: skipped: PyTorch here has no CUDA\n" % ID)
        sys.exit(0)


def cuda_median(repeats, fn, warmup=1):
    """median() for GPU work: waits for the device after each call."""
    import torch

    def synced():
        fn()
        torch.cuda.synchronize()
    return median(repeats, synced, warmup)
