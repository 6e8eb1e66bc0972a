-- optim.Adagrad, as PyTorch 1.13's (its single-tensor loop, op for op):
--
--   step = step + 1;  grad = maximize and -grad or grad
--   if weight_decay ~= 0: grad = grad + weight_decay * p
--   clr = lr / (1 + (step - 1) * lr_decay)
--   sum = sum + grad * grad
--   p = p - clr * grad / (sqrt(sum) + eps)
--
-- As in PyTorch the state (step = 0, sum = initial_accumulator_value) is made for every
-- parameter when the optimizer is built (and for the parameters of groups added later).
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail, fmt = util.fail, util.fmt

local Adagrad = torch.class('optim.Adagrad', 'optim.Optimizer', optim)

local names = { 'lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'maximize' }

-- optim.Adagrad(params [, lr, lr_decay, weight_decay, initial_accumulator_value, eps] [, opts]),
-- opts: {lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10, maximize = false}
function Adagrad:__init(params, ...)
  local o = util.options('Adagrad', names, 5, {
    lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10, maximize = false,
  }, ...)
  if not (o.lr >= 0) then fail('Adagrad', 'Invalid learning rate: ' .. fmt(o.lr)) end
  if not (o.lr_decay >= 0) then fail('Adagrad', 'Invalid lr_decay value: ' .. fmt(o.lr_decay)) end
  if not (o.weight_decay >= 0) then fail('Adagrad', 'Invalid weight_decay value: ' .. fmt(o.weight_decay)) end
  if not (o.initial_accumulator_value >= 0) then
    fail('Adagrad', 'Invalid initial_accumulator_value value: ' .. fmt(o.initial_accumulator_value))
  end
  if not (o.eps >= 0) then fail('Adagrad', 'Invalid epsilon value: ' .. fmt(o.eps)) end
  Optimizer.__init(self, params, o)
end

-- The state is made with the group (PyTorch makes it in __init__ for the first groups).
function Adagrad:add_param_group(group)
  Optimizer.add_param_group(self, group)
  local init = group.initial_accumulator_value
  for _, p in ipairs(group.params) do
    local st = self.state[p]
    if st.step == nil then
      st.step = 0
      st.sum = torch.full_like(p, init)
    end
  end
end

local function update(self)
  local state = self.state
  for _, group in ipairs(self.param_groups) do
    local lr, lr_decay, wd, eps, maximize = group.lr, group.lr_decay, group.weight_decay, group.eps, group.maximize
    for _, p in ipairs(group.params) do
      local grad = p.grad
      if grad ~= nil then
        local st = state[p]
        local step = st.step
        if type(step) ~= 'number' then step = step:item() end -- a 0-dim tensor from PyTorch's layout
        step = step + 1
        st.step = step
        if maximize then grad = -grad end
        if wd ~= 0 then grad = grad:add(p, { alpha = wd }) end
        local clr = lr / (1 + (step - 1) * lr_decay)
        local sum = st.sum
        sum:addcmul_(grad, grad, { value = 1 })
        local std = sum:sqrt():add_(eps)
        p:addcdiv_(grad, std, { value = -clr })
      end
    end
  end
end

-- step([closure]): one Adagrad update of every parameter that has a gradient.
function Adagrad:step(closure) return util.run_step(self, closure, update) end

return Adagrad
