-- B4 linreg_seed: the seed's linear regression, exactly 1000 iterations (no plotting, no early
-- stop).  ms total, median of 5 runs.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

local function run()
  torch.manual_seed(10)
  local lr = 0.05
  local x = torch.rand(20, 1) * 10
  local y = 2 * x + (5 + torch.randn(20, 1))
  local w = torch.randn({1}, { requires_grad = true })
  local b = torch.zeros({1}, { requires_grad = true })
  for _ = 1, 1000 do
    local wx = torch.mul(w, x)
    local y_pred = torch.add(wx, b)
    local loss = (0.5 * (y - y_pred) ^ 2):mean()
    loss:backward()
    b.data:sub_(lr * b.grad)
    w.data:sub_(lr * w.grad)
    w.grad:zero_()
    b.grad:zero_()
  end
  return w
end
bench.report(bench.median(5, run) * 1e3)
bench.done()
