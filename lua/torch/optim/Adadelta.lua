-- optim.Adadelta, as PyTorch 1.13's (its single-tensor loop, op for op):
--
--   grad = maximize and -grad or grad
--   if weight_decay ~= 0: grad = grad + weight_decay * p
--   square_avg = rho * square_avg + (1 - rho) * grad * grad
--   std = sqrt(square_avg + eps)
--   delta = sqrt(acc_delta + eps) / std * grad
--   acc_delta = rho * acc_delta + (1 - rho) * delta * delta
--   p = p - lr * delta
--
-- State per parameter: step, square_avg, acc_delta.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail, fmt = util.fail, util.fmt

local Adadelta = torch.class('optim.Adadelta', 'optim.Optimizer', optim)

local names = { 'lr', 'rho', 'eps', 'weight_decay', 'maximize' }

-- optim.Adadelta(params [, lr, rho, eps, weight_decay] [, opts]), opts:
-- {lr = 1.0, rho = 0.9, eps = 1e-6, weight_decay = 0, maximize = false}
function Adadelta:__init(params, ...)
  local o = util.options('Adadelta', names, 4, {
    lr = 1.0, rho = 0.9, eps = 1e-6, weight_decay = 0, maximize = false,
  }, ...)
  if not (o.lr >= 0) then fail('Adadelta', 'Invalid learning rate: ' .. fmt(o.lr)) end
  if not (o.rho >= 0 and o.rho <= 1) then fail('Adadelta', 'Invalid rho value: ' .. fmt(o.rho)) end
  if not (o.eps >= 0) then fail('Adadelta', 'Invalid epsilon value: ' .. fmt(o.eps)) end
  if not (o.weight_decay >= 0) then fail('Adadelta', 'Invalid weight_decay value: ' .. fmt(o.weight_decay)) end
  Optimizer.__init(self, params, o)
end

local function update(self)
  local state = self.state
  for _, group in ipairs(self.param_groups) do
    local lr, rho, eps, wd, maximize = group.lr, group.rho, group.eps, group.weight_decay, group.maximize
    local rho_opts, lr_opts = { value = 1 - rho }, { alpha = -lr }
    for _, p in ipairs(group.params) do
      local grad = p.grad
      if grad ~= nil then
        local st = state[p]
        if st.step == nil then
          st.step = 0
          st.square_avg = torch.zeros_like(p)
          st.acc_delta = torch.zeros_like(p)
        end
        st.step = st.step + 1
        if maximize then grad = -grad end
        if wd ~= 0 then grad = grad:add(p, { alpha = wd }) end
        local square_avg, acc_delta = st.square_avg, st.acc_delta
        square_avg:mul_(rho):addcmul_(grad, grad, rho_opts)
        local std = square_avg:add(eps):sqrt_()
        local delta = acc_delta:add(eps):sqrt_():div_(std):mul_(grad)
        acc_delta:mul_(rho):addcmul_(delta, delta, rho_opts)
        p:add_(delta, lr_opts)
      end
    end
  end
end

-- step([closure]): one Adadelta update of every parameter that has a gradient.
function Adadelta:step(closure) return util.run_step(self, closure, update) end

return Adadelta
