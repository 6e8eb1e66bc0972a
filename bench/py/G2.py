# G2 add_large (see bench/lua/G2.lua): c = a + b, 2^26 float32 on CUDA, GB/s (3 * 256 MiB).
# G2_ref: a device-to-device copy of 256 MiB (copy_), GB/s counting read + write.
import torch
import bench

bench.need_cuda()
N = 2 ** 26
a = torch.ones(N, device='cuda')
b = torch.ones(N, device='cuda')
bench.report(3 * N * 4 / bench.cuda_median(20, lambda: a + b, 3) / 1e9)
bench.report(2 * N * 4 / bench.cuda_median(20, lambda: b.copy_(a), 3) / 1e9, 'G2_ref')
