# B8 sum_large: s = a.sum() over 2^24 float32 elements. GB/s counting the 64 MiB read;
# median of 20 ops after 3 warm-up ops.
import torch
import bench

N, REPEATS, WARMUP = 2 ** 24, 20, 3
a = torch.ones(N, dtype=torch.float32)
s = None


def op():
    global s
    s = a.sum()


bench.report(N * 4 / bench.median(REPEATS, op, WARMUP) / 1e9)
