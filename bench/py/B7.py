# B7 add_large: c = a + b with 2^24 float32 elements (a fresh c each time, so the allocator's
# caching counts). GB/s counting 3 * 64 MiB moved; median of 20 ops after 3 warm-up ops.
import torch
import bench

N, REPEATS, WARMUP = 2 ** 24, 20, 3
a = torch.ones(N, dtype=torch.float32)
b = torch.ones(N, dtype=torch.float32)
c = None


def op():
    global c
    c = a + b


bench.report(3 * N * 4 / bench.median(REPEATS, op, WARMUP) / 1e9)
