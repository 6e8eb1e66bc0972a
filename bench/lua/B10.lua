-- B10 mlp_train: an MLP 784-512-512-10 with ReLU, batch 128 of random inputs, cross-entropy
-- loss, SGD (lr 0.01): forward + backward + step. ms/step, median of 50 after 5 warm-up.
-- B10_rss: the process's peak resident memory (VmHWM) after those steps, MiB.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

torch.manual_seed(0)
local model = bench.mlp()
local x = torch.randn(128, 784)
local y = torch.randint(1, 11, { 128 })
local step = bench.sgd_step(model, x, y)

bench.report(bench.median(50, step, 5) * 1e3)
bench.report_rss('B10_rss')
bench.done()
