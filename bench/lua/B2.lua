-- B2 op_small_inplace: 1e6 times a:add_(b) on 1-element float32 tensors. ns/op.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

local N, REPEATS = 1000000, 5
local a = torch.ones(1, { dtype = torch.float32 })
local b = torch.ones(1, { dtype = torch.float32 })

local t = bench.median(REPEATS, function()
  for _ = 1, N do a:add_(b) end
end)
bench.report(t / N * 1e9)
bench.done()
