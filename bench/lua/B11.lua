-- B11 cnn_train: conv(3->32, 3x3, pad 1)-ReLU-maxpool 2-conv(32->64, 3x3, pad 1)-ReLU-maxpool 2-
-- flatten-Linear(4096->10), batch 64 of random 3x32x32 inputs, cross-entropy loss, SGD
-- (lr 0.01): forward + backward + step. ms/step, median of 20 after 3 warm-up.
-- B11_rss: the process's peak resident memory (VmHWM) after those steps, MiB.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

torch.manual_seed(0)
local model = bench.cnn()
local x = torch.randn(64, 3, 32, 32)
local y = torch.randint(1, 11, { 64 })
local step = bench.sgd_step(model, x, y)

bench.report(bench.median(20, step, 3) * 1e3)
bench.report_rss('B11_rss')
bench.done()
