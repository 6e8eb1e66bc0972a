# B11 cnn_train (see bench/lua/B11.lua): a two-conv CNN on a batch of 64 3x32x32 inputs,
# cross-entropy, SGD. ms/step; B11_rss: peak resident memory (VmHWM) of the process, MiB.
import torch
import bench

torch.manual_seed(0)
model = bench.cnn()
x = torch.randn(64, 3, 32, 32)
y = torch.randint(0, 10, (64,))
step = bench.sgd_step(model, x, y)

bench.report(bench.median(20, step, 3) * 1e3)
bench.report_rss('B11_rss')
