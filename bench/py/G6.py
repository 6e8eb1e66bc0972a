# G6 op_small_cuda (see bench/lua/G6.lua): 1e5 x c = a + b on 1-element CUDA tensors, us/op.
import torch
import bench

bench.need_cuda()
N = 100000
a = torch.ones(1, device='cuda')
b = torch.ones(1, device='cuda')


def loop():
    for _ in range(N):
        a + b


bench.report(bench.cuda_median(5, loop, 1) / N * 1e6)
