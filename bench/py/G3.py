# G3 sum_large (see bench/lua/G3.lua): a.sum() over 2^26 float32 on CUDA, GB/s (256 MiB read).
# G3_ref: as G2_ref.
import torch
import bench

bench.need_cuda()
N = 2 ** 26
a = torch.ones(N, device='cuda')
b = torch.empty(N, device='cuda')
bench.report(N * 4 / bench.cuda_median(20, lambda: a.sum(), 3) / 1e9)
bench.report(2 * N * 4 / bench.cuda_median(20, lambda: b.copy_(a), 3) / 1e9, 'G3_ref')
