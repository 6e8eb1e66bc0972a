# B10 mlp_train (see bench/lua/B10.lua): MLP 784-512-512-10, batch 128, cross-entropy, SGD.
# ms/step; B10_rss: peak resident memory (VmHWM) of the process, MiB.
import torch
import bench

torch.manual_seed(0)
model = bench.mlp()
x = torch.randn(128, 784)
y = torch.randint(0, 10, (128,))
step = bench.sgd_step(model, x, y)

bench.report(bench.median(50, step, 5) * 1e3)
bench.report_rss('B10_rss')
