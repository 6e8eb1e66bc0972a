-- Linear regression, line for line as the tutorial's PyTorch program: y = w*x + b fitted to
-- 20 noisy points of y = 2x + 5 with autograd and a hand-written gradient step (b.data:sub_,
-- w.grad:zero_). Every 20 iterations it prints the loss, w and b and redraws the plot (a PNG
-- written by gnuplot instead of matplotlib's window); it stops once the loss is below 1. With
-- PyTorch's seed 10 it prints PyTorch's numbers and stops at iteration 78.
--
--   ./th examples/linear_regression.lua
--
-- The plot goes to linear_regression.png in $TORCH_PLOT_DIR (default: the current directory).
local torch = require 'torch'
local ffi = require 'ffi'
local plot = dofile((arg[0]:match('^(.*)/') or '.') .. '/lib/plot.lua')
local fig = plot.figure('linear_regression.png')
torch.manual_seed(10)

-- a float32 value written as numpy writes it: the fewest digits that read back the same
local f32 = ffi.new('float[1]')
local function show(v)
  for digits = 1, 9 do
    local s = string.format('%.' .. digits .. 'g', v)
    f32[0] = tonumber(s)
    if f32[0] == v then return s end
  end
end

local lr = 0.05   -- learning rate

-- the training data
local x = torch.rand(20, 1) * 10                 -- x data (tensor), shape (20, 1)
local y = 2 * x + (5 + torch.randn(20, 1))       -- y data (tensor), shape (20, 1)

-- the parameters of the linear regression
local w = torch.randn({ 1 }, { requires_grad = true })
local b = torch.zeros({ 1 }, { requires_grad = true })

-- the plot: data, fitted line, loss and parameters (the seed's matplotlib figure)
local function draw(iteration, loss, y_pred)
  if not fig then return end
  fig:draw {
    title = string.format('Iteration: %d\nw: [%s] b: [%s]', iteration, show(w:item()), show(b:item())),
    xrange = { 1.5, 10 }, yrange = { 8, 28 },
    label = { 2, 20, string.format('Loss=%.4f', loss:item()) },
    { x = x, y = y, title = 'data' },
    { x = x, y = y_pred.data, with = 'lines', color = 'red', title = 'w*x + b' },
  }
end

for iteration = 0, 999 do
  -- forward: y = wx + b
  local wx = torch.mul(w, x)
  local y_pred = torch.add(wx, b)

  -- the MSE loss
  local loss = (0.5 * (y - y_pred) ^ 2):mean()

  -- backward: the gradients
  loss:backward()

  -- update the parameters
  b.data:sub_(lr * b.grad)   -- sub_: in-place subtraction
  w.data:sub_(lr * w.grad)

  -- clear the gradients
  w.grad:zero_()
  b.grad:zero_()

  -- report and plot
  if iteration % 20 == 0 then
    print(string.format('Loss=%.4f', loss:item()))
    print(string.format('Iteration: %d\nw: [%s] b: [%s]', iteration, show(w:item()), show(b:item())))
    draw(iteration, loss, y_pred)
  end

  -- stop once the loss is below 1
  if loss:item() < 1 then
    print(string.format('Stopped at iteration %d: loss %.4f, w %.4f, b %.4f', iteration, loss:item(), w:item(), b:item()))
    draw(iteration, loss, y_pred)
    break
  end
end
if fig then print('plot: ' .. fig:close()) end
