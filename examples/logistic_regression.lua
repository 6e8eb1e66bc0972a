-- Logistic regression, line for line as the tutorial's PyTorch program: two Gaussian blobs,
-- a model class LR (nn.Linear(2, 1) + nn.Sigmoid) subclassing nn.Module, BCELoss, SGD with
-- momentum. Every 20 iterations it prints the loss, the weights and the accuracy, redraws the
-- plot (a PNG written by gnuplot instead of matplotlib's window), and stops once the accuracy
-- passes 99%. With PyTorch's seed 10 it prints PyTorch's numbers: 99.50% at iteration 380.
--
--   ./th examples/logistic_regression.lua        (or `make demo`)
--
-- The plot goes to logistic_regression.png in $TORCH_PLOT_DIR (default: the current directory).
local torch = require 'torch'
local nn = require 'nn'
local plot = dofile((arg[0]:match('^(.*)/') or '.') .. '/lib/plot.lua')
local fig = plot.figure('logistic_regression.png')
torch.manual_seed(10)

-- ============================ step 1/5 the data ============================
local sample_nums = 100
local mean_value = 1.7
local bias = 1
local n_data = torch.ones(sample_nums, 2)
local x0 = torch.normal(mean_value * n_data, 1) + bias   -- class 0 data, shape (100, 2)
local y0 = torch.zeros(sample_nums)                      -- class 0 labels, shape (100)
local x1 = torch.normal(-mean_value * n_data, 1) + bias  -- class 1 data, shape (100, 2)
local y1 = torch.ones(sample_nums)                       -- class 1 labels, shape (100)
local train_x = torch.cat({ x0, x1 }, 1)                 -- concatenated along dim 1
local train_y = torch.cat({ y0, y1 }, 1)

-- ============================ step 2/5 the model ============================
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

local lr_net = LR()   -- the logistic regression model

-- ============================ step 3/5 the loss ============================
local loss_fn = nn.BCELoss()   -- binary cross entropy

-- ============================ step 4/5 the optimizer ============================
local lr = 0.01   -- learning rate
local optimizer = torch.optim.SGD(lr_net:parameters(), { lr = lr, momentum = 0.9 })

-- ============================ step 5/5 training ============================
for iteration = 0, 999 do
  -- forward
  local y_pred = lr_net(train_x)
  -- the loss
  local loss = loss_fn(y_pred:squeeze(), train_y)
  -- backward
  loss:backward()
  -- update the parameters
  optimizer:step()
  -- clear the gradients
  optimizer:zero_grad()

  -- report and plot
  if iteration % 20 == 0 then
    local mask = y_pred:ge(0.5):float():squeeze()   -- classify with threshold 0.5
    local correct = mask:eq(train_y):sum()          -- how many are right
    local acc = correct:item() / train_y:size(1)    -- accuracy
    local w = lr_net.features.weight[1]
    local w0, w1 = w[1], w[2]
    local plot_b = lr_net.features.bias[1]
    print(string.format('Loss=%.4f', loss:item()))
    print(string.format('Iteration: %d\nw0:%.2f w1:%.2f b: %.2f accuracy:%.2f%%',
      iteration, w0, w1, plot_b, 100 * acc))
    if fig then
      local plot_x = torch.arange(-6, 6, 0.1)
      local plot_y = (-w0 * plot_x - plot_b) / w1
      fig:draw {
        title = string.format('Iteration: %d\nw0:%.2f w1:%.2f b: %.2f accuracy:%.2f%%',
          iteration, w0, w1, plot_b, 100 * acc),
        xrange = { -5, 7 }, yrange = { -7, 7 },
        label = { -5, 5, string.format('Loss=%.4f', loss:item()) },
        { x = x0[{ {}, 1 }], y = x0[{ {}, 2 }], color = 'red', title = 'class 0' },
        { x = x1[{ {}, 1 }], y = x1[{ {}, 2 }], color = 'blue', title = 'class 1' },
        { x = plot_x, y = plot_y, with = 'lines', color = 'dark-green' },
      }
    end
    if acc > 0.99 then
      break
    end
  end
end
if fig then print('plot: ' .. fig:close()) end
