-- B5 logreg_seed: the seed's logistic regression (200x2 data from normal(+-1.7) + 1,
-- Linear(2, 1) + Sigmoid in an nn.Module subclass, BCELoss, SGD lr 0.01 momentum 0.9),
-- exactly 1000 iterations, no plotting, no early stop. ms total, median of 5 runs.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
local nn = require 'nn'

local LR = nn.Module:extend('LR')
function LR:__init()
  nn.Module.__init(self)
  self.features = nn.Linear(2, 1)
  self.sigmoid = nn.Sigmoid()
end
function LR:forward(x)
  x = self.features(x)
  x = self.sigmoid(x)
  return x
end

local function run()
  torch.manual_seed(10)
  local sample_nums, mean_value, bias = 100, 1.7, 1
  local n_data = torch.ones(sample_nums, 2)
  local x0 = torch.normal(mean_value * n_data, 1) + bias
  local y0 = torch.zeros(sample_nums)
  local x1 = torch.normal(-mean_value * n_data, 1) + bias
  local y1 = torch.ones(sample_nums)
  local train_x = torch.cat({ x0, x1 }, 1)
  local train_y = torch.cat({ y0, y1 }, 1)
  local lr_net = LR()
  local loss_fn = nn.BCELoss()
  local optimizer = torch.optim.SGD(lr_net:parameters(), { lr = 0.01, momentum = 0.9 })
  local loss
  for _ = 1, 1000 do
    local y_pred = lr_net(train_x)
    loss = loss_fn(y_pred:squeeze(), train_y)
    loss:backward()
    optimizer:step()
    optimizer:zero_grad()
  end
  return loss
end
bench.report(bench.median(5, run) * 1e3)
bench.done()
