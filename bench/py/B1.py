# B1 op_small_outofplace: 1e6 times c = a + b on 1-element float32 tensors. ns/op.
import torch
import bench

N, REPEATS = 1000000, 5
a = torch.ones(1, dtype=torch.float32)
b = torch.ones(1, dtype=torch.float32)


def loop():
    c = None
    for _ in range(N):
        c = a + b
    return c


bench.report(bench.median(REPEATS, loop) / N * 1e9)
