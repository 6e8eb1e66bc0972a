# G4 mlp_train (see bench/lua/G4.lua): B10's MLP on CUDA, batch 1024, ms/step.
import torch
import bench

bench.need_cuda()
torch.manual_seed(0)
model = bench.mlp().cuda()
x = torch.randn(1024, 784, device='cuda')
y = torch.randint(0, 10, (1024,), device='cuda')
bench.report(bench.cuda_median(50, bench.sgd_step(model, x, y), 5) * 1e3)
