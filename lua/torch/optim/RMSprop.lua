-- optim.RMSprop, as PyTorch 1.13's (its single-tensor loop, op for op):
--
--   grad = maximize and -grad or grad
--   if weight_decay ~= 0: grad = grad + weight_decay * p
--   square_avg = alpha * square_avg + (1 - alpha) * grad * grad
--   centered: grad_avg = alpha * grad_avg + (1 - alpha) * grad
--             avg = sqrt(square_avg - grad_avg * grad_avg) + eps
--   else:     avg = sqrt(square_avg) + eps
--   momentum > 0: buf = momentum * buf + grad / avg;  p = p - lr * buf
--   else:         p = p - lr * grad / avg
--
-- State per parameter: step, square_avg, and momentum_buffer / grad_avg when used.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail, fmt = util.fail, util.fmt

local RMSprop = torch.class('optim.RMSprop', 'optim.Optimizer', optim)

local names = { 'lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'maximize' }

-- optim.RMSprop(params [, lr, alpha, eps, weight_decay, momentum, centered] [, opts]), opts:
-- {lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0, centered = false, maximize = false}
function RMSprop:__init(params, ...)
  local o = util.options('RMSprop', names, 6, {
    lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0, centered = false, maximize = false,
  }, ...)
  if not (o.lr >= 0) then fail('RMSprop', 'Invalid learning rate: ' .. fmt(o.lr)) end
  if not (o.eps >= 0) then fail('RMSprop', 'Invalid epsilon value: ' .. fmt(o.eps)) end
  if not (o.momentum >= 0) then fail('RMSprop', 'Invalid momentum value: ' .. fmt(o.momentum)) end
  if not (o.weight_decay >= 0) then fail('RMSprop', 'Invalid weight_decay value: ' .. fmt(o.weight_decay)) end
  if not (o.alpha >= 0) then fail('RMSprop', 'Invalid alpha value: ' .. fmt(o.alpha)) end
  Optimizer.__init(self, params, o)
end

local function update(self)
  local state = self.state
  for _, group in ipairs(self.param_groups) do
    local lr, alpha, eps, wd = group.lr, group.alpha, group.eps, group.weight_decay
    local momentum, centered, maximize = group.momentum, group.centered, group.maximize
    local sq_opts, avg_opts = { value = 1 - alpha }, { alpha = 1 - alpha }
    local lr_opts, div_opts = { alpha = -lr }, { value = -lr }
    for _, p in ipairs(group.params) do
      local grad = p.grad
      if grad ~= nil then
        local st = state[p]
        if st.step == nil then
          st.step = 0
          st.square_avg = torch.zeros_like(p)
          if momentum > 0 then st.momentum_buffer = torch.zeros_like(p) end
          if centered then st.grad_avg = torch.zeros_like(p) end
        end
        st.step = st.step + 1
        if maximize then grad = -grad end
        if wd ~= 0 then grad = grad:add(p, { alpha = wd }) end
        local square_avg = st.square_avg
        square_avg:mul_(alpha):addcmul_(grad, grad, sq_opts)
        local avg
        if centered then
          local grad_avg = st.grad_avg
          grad_avg:mul_(alpha):add_(grad, avg_opts)
          avg = square_avg:addcmul(grad_avg, grad_avg, { value = -1 }):sqrt_()
        else
          avg = square_avg:sqrt()
        end
        avg:add_(eps)
        if momentum > 0 then
          local buf = st.momentum_buffer
          buf:mul_(momentum):addcdiv_(grad, avg)
          p:add_(buf, lr_opts)
        else
          p:addcdiv_(grad, avg, div_opts)
        end
      end
    end
  end
end

-- step([closure]): one RMSprop update of every parameter that has a gradient.
function RMSprop:step(closure) return util.run_step(self, closure, update) end

return RMSprop
