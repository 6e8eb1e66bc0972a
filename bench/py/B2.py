# B2 op_small_inplace: 1e6 times a.add_(b) on 1-element float32 tensors. ns/op.
import torch
import bench

N, REPEATS = 1000000, 5
a = torch.ones(1, dtype=torch.float32)
b = torch.ones(1, dtype=torch.float32)


def loop():
    for _ in range(N):
        a.add_(b)


bench.report(bench.median(REPEATS, loop) / N * 1e9)
