-- A classic Torch7 training script, unchanged: an MLP learns XOR-like data with
-- nn.Sequential, nn.MSECriterion, module:forward/backward and updateParameters; then the same
-- model trains again from a flat parameter vector (getParameters) with a hand-written feval
-- loop, the way Torch7's optim package drives a model.
--
--   ./th examples/torch7_xor.lua
require 'nn'

torch.manualSeed(123)

-- the data: points around the four corners of the square, labelled as XOR of the quadrant
local n = 200
local inputs = torch.Tensor(n, 2)
local targets = torch.Tensor(n, 1)
for i = 1, n do
  local a, b = (i % 2), (math.floor(i / 2) % 2)
  inputs[i][1] = a + torch.normal(0, 0.1, {1})[1]
  inputs[i][2] = b + torch.normal(0, 0.1, {1})[1]
  targets[i][1] = (a ~= b) and 1 or 0
end

local function accuracy(model)
  local out = model:forward(inputs)
  local correct = 0
  for i = 1, n do
    if (out[i][1] > 0.5) == (targets[i][1] > 0.5) then correct = correct + 1 end
  end
  return correct / n
end

-- the model
local model = nn.Sequential()
model:add(nn.Linear(2, 8))
model:add(nn.Tanh())
model:add(nn.Linear(8, 1))
local criterion = nn.MSECriterion()
print(model)

-- 1. forward / backward / updateParameters
local timer = torch.Timer()
local loss
for epoch = 1, 400 do
  local output = model:forward(inputs)
  loss = criterion:forward(output, targets)
  model:zeroGradParameters()
  model:backward(inputs, criterion:backward(output, targets))
  model:updateParameters(0.3)
  if epoch % 100 == 0 then
    print(string.format('epoch %3d  loss %.4f  accuracy %.1f%%', epoch, loss, 100 * accuracy(model)))
  end
end
local acc1 = accuracy(model)

-- 2. the same with a flat parameter vector and feval, from a fresh start
model:reset()
local params, gradParams = model:getParameters()
print(string.format('%d parameters in one flat tensor', params:nElement()))
local function feval(x)
  if x ~= params then params:copy(x) end
  gradParams:zero()
  local output = model:forward(inputs)
  local f = criterion:forward(output, targets)
  model:backward(inputs, criterion:backward(output, targets))
  return f, gradParams
end
local velocity = torch.zeros(params:nElement())
for epoch = 1, 400 do
  local f, df = feval(params)
  velocity:mul_(0.9):add_(df)               -- SGD with momentum, by hand
  params:add_(velocity, {alpha = -0.1})
  if epoch % 100 == 0 then
    print(string.format('feval epoch %3d  loss %.4f  accuracy %.1f%%', epoch, f, 100 * accuracy(model)))
  end
end
local acc2 = accuracy(model)
print(string.format('done in %.2f s', timer:time().real))

assert(acc1 > 0.95 and acc2 > 0.95, 'the model did not learn XOR')
