-- G5 cnn_train: B11's CNN on a GPU, batch 256 of 3x32x32, cross-entropy, SGD:
-- forward + backward + step, ms/step, median of 20 after 3 warm-up.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
bench.need_cuda()

torch.manual_seed(0)
local model = bench.cnn():cuda()
local x = torch.randn(256, 3, 32, 32, { device = 'cuda' })
local y = torch.randint(1, 11, { 256 }):cuda()
bench.report(bench.cuda_median(20, bench.sgd_step(model, x, y), 3) * 1e3)
bench.done()
