-- B3 op_small_chain: x (20,1), w (1), b (1) with w and b requiring grad; 1e5 times
-- y = ((w*x + b - x)^2):mean() (5 recorded ops, forward only). us/iteration.
-- B3_nograd: the same chain under torch.no_grad.  B3_add: B1 (c = a + b, 1 element) with a
-- requiring grad, so each add records a node.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

torch.manual_seed(0)
local N, REPEATS = 100000, 5
local x = torch.rand(20, 1)
local w = torch.randn({1}, { requires_grad = true })
local b = torch.zeros({1}, { requires_grad = true })

local function chain()
  local y
  for _ = 1, N do y = ((w * x + b - x) ^ 2):mean() end
  return y
end
bench.report(bench.median(REPEATS, chain) / N * 1e6)
bench.report(bench.median(REPEATS, function() return torch.no_grad(chain) end) / N * 1e6, 'B3_nograd')

local M = 1000000
local a1 = torch.ones(1, { requires_grad = true })
local b1 = torch.ones(1)
bench.report(bench.median(REPEATS, function()
  local c
  for _ = 1, M do c = a1 + b1 end
  return c
end) / M * 1e9, 'B3_add')
bench.done()
