# G5 cnn_train (see bench/lua/G5.lua): B11's CNN on CUDA, batch 256, ms/step.
import torch
import bench

bench.need_cuda()
torch.manual_seed(0)
model = bench.cnn().cuda()
x = torch.randn(256, 3, 32, 32, device='cuda')
y = torch.randint(0, 10, (256,), device='cuda')
bench.report(bench.cuda_median(20, bench.sgd_step(model, x, y), 3) * 1e3)
