# G1 sgemm_4096 (see bench/lua/G1.lua): torch.mm on 4096x4096 float32 CUDA tensors, TF32 off.
# G1_ref: PyTorch's mm is itself a plain cuBLAS call, so its own figure is reported again.
import torch
import bench

bench.need_cuda()
torch.backends.cuda.matmul.allow_tf32 = False
N = 4096
a = torch.randn(N, N, device='cuda')
b = torch.randn(N, N, device='cuda')
flops = 2 * N ** 3 / bench.cuda_median(10, lambda: torch.mm(a, b), 2) / 1e12
bench.report(flops)
bench.report(flops, 'G1_ref')
