-- G4 mlp_train: B10's MLP (784-512-512-10) on a GPU, batch 1024, cross-entropy, SGD:
-- forward + backward + step, ms/step, median of 50 after 5 warm-up.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
bench.need_cuda()

torch.manual_seed(0)
local model = bench.mlp():cuda()
local x = torch.randn(1024, 784, { device = 'cuda' })
local y = torch.randint(1, 11, { 1024 }):cuda()
bench.report(bench.cuda_median(50, bench.sgd_step(model, x, y), 5) * 1e3)
bench.done()
