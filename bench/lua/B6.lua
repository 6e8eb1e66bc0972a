-- B6 sgemm: C = A @ B for square float32 A, B of n = 256, 1024, 2048 (standard normal
-- entries). GFLOP/s = 2 n^3 / t, t the median time of one product.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

torch.manual_seed(0)
for _, spec in ipairs({ { 256, 50 }, { 1024, 15 }, { 2048, 7 } }) do
  local n, repeats = spec[1], spec[2]
  local a = torch.randn(n, n, { dtype = torch.float32 })
  local b = torch.randn(n, n, { dtype = torch.float32 })
  local t = bench.median(repeats, function() local _ = torch.mm(a, b) end, 2)
  bench.report(2 * n ^ 3 / t / 1e9, 'B6_' .. n)
end
bench.done()
