# B3 op_small_chain (see bench/lua/B3.lua): the same rows for PyTorch.
import torch
import bench

torch.manual_seed(0)
N, REPEATS = 100000, 5
x = torch.rand(20, 1)
w = torch.randn(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def chain():
    y = None
    for _ in range(N):
        y = ((w * x + b - x) ** 2).mean()
    return y


def chain_nograd():
    with torch.no_grad():
        return chain()


bench.report(bench.median(REPEATS, chain) / N * 1e6)
bench.report(bench.median(REPEATS, chain_nograd) / N * 1e6, 'B3_nograd')

M = 1000000
a1 = torch.ones(1, requires_grad=True)
b1 = torch.ones(1)


def add_loop():
    c = None
    for _ in range(M):
        c = a1 + b1
    return c


bench.report(bench.median(REPEATS, add_loop) / M * 1e9, 'B3_add')
