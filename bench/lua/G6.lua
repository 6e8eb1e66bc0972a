-- G6 op_small_cuda: 1e5 times c = a + b on 1-element float32 CUDA tensors, us/op (launch-bound:
-- the host's cost per op, with one wait for the device at the end); median of 5.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
bench.need_cuda()

local N = 100000
local a = torch.ones(1, { device = 'cuda' })
local b = torch.ones(1, { device = 'cuda' })
local t = bench.cuda_median(5, function()
  local c
  for _ = 1, N do c = a + b end
  return c
end, 1)
bench.report(t / N * 1e6)
bench.done()
