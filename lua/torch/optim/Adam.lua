-- optim.Adam and optim.AdamW, as PyTorch 1.13's (their single-tensor loops, op for op):
--
--   grad = maximize and -grad or grad;  step = step + 1
--   Adam:  if weight_decay ~= 0: grad = grad + weight_decay * p       (L2 penalty)
--   AdamW: p = p * (1 - lr * weight_decay)                             (decoupled decay)
--   exp_avg = beta1 * exp_avg + (1 - beta1) * grad
--   exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
--   bias_correction1 = 1 - beta1 ^ step;  bias_correction2 = 1 - beta2 ^ step
--   amsgrad: max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq), used below instead
--   denom = sqrt(exp_avg_sq) / sqrt(bias_correction2) + eps
--   p = p - (lr / bias_correction1) * exp_avg / denom
--
-- State per parameter: step (a number: PyTorch keeps a 0-dim tensor), exp_avg, exp_avg_sq
-- and, with amsgrad, max_exp_avg_sq.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail, fmt, pow = util.fail, util.fmt, util.pow
local sqrt = math.sqrt

local names = { 'lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize' }

local function check(where, o)
  if not (o.lr >= 0) then fail(where, 'Invalid learning rate: ' .. fmt(o.lr)) end
  if not (o.eps >= 0) then fail(where, 'Invalid epsilon value: ' .. fmt(o.eps)) end
  local b = o.betas
  if type(b) ~= 'table' or type(b[1]) ~= 'number' or type(b[2]) ~= 'number' then
    fail(where, "option 'betas' must be a pair of numbers like {0.9, 0.999}")
  end
  if not (b[1] >= 0 and b[1] < 1) then fail(where, 'Invalid beta parameter at index 1: ' .. fmt(b[1])) end
  if not (b[2] >= 0 and b[2] < 1) then fail(where, 'Invalid beta parameter at index 2: ' .. fmt(b[2])) end
  if not (o.weight_decay >= 0) then fail(where, 'Invalid weight_decay value: ' .. fmt(o.weight_decay)) end
end

local function update(self, decoupled)
  local state = self.state
  local a1, a2, adiv = self._o1, self._o2, self._o3
  local groups = self.param_groups
  for gi = 1, #groups do
    local group = groups[gi]
    local lr, wd, eps, amsgrad, maximize = group.lr, group.weight_decay, group.eps, group.amsgrad, group.maximize
    local beta1, beta2 = group.betas[1], group.betas[2]
    a1.alpha = 1 - beta1
    a2.value = 1 - beta2
    local params = group.params
    for i = 1, #params do
      local p = params[i]
      local grad = p.grad
      if grad ~= nil then
        local st = state[p]
        if st.step == nil then
          st.step = 0
          st.exp_avg = torch.zeros_like(p)
          st.exp_avg_sq = torch.zeros_like(p)
          if amsgrad then st.max_exp_avg_sq = torch.zeros_like(p) end
        end
        if maximize then grad = -grad end
        local step = st.step
        if type(step) ~= 'number' then step = step:item() end -- a 0-dim tensor from PyTorch's layout
        step = step + 1
        st.step = step
        if decoupled then
          p:mul_(1 - lr * wd)
        elseif wd ~= 0 then
          grad = grad:add(p, { alpha = wd })
        end
        local exp_avg, exp_avg_sq = st.exp_avg, st.exp_avg_sq
        exp_avg:mul_(beta1):add_(grad, a1)
        exp_avg_sq:mul_(beta2):addcmul_(grad, grad, a2)
        local bias_correction1 = 1 - pow(beta1, step)
        local bias_correction2 = 1 - pow(beta2, step)
        local step_size = lr / bias_correction1
        local bias_correction2_sqrt = sqrt(bias_correction2)
        local denom
        if amsgrad then
          local m = st.max_exp_avg_sq
          torch.maximum(m, exp_avg_sq, { out = m })
          denom = m:sqrt():div_(bias_correction2_sqrt):add_(eps)
        else
          denom = exp_avg_sq:sqrt():div_(bias_correction2_sqrt):add_(eps)
        end
        adiv.value = -step_size
        p:addcdiv_(exp_avg, denom, adiv)
      end
    end
  end
end

local function adam_update(self) return update(self, false) end
local function adamw_update(self) return update(self, true) end

-- ---------------------------------------------------------------------------- Adam
local Adam = torch.class('optim.Adam', 'optim.Optimizer', optim)

-- optim.Adam(params [, lr, betas, eps, weight_decay, amsgrad] [, opts]), opts:
-- {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8, weight_decay = 0, amsgrad = false, maximize = false}
function Adam:__init(params, ...)
  local o = util.options('Adam', names, 5, {
    lr = 1e-3, betas = { 0.9, 0.999 }, eps = 1e-8, weight_decay = 0, amsgrad = false, maximize = false,
  }, ...)
  check('Adam', o)
  o.betas = { o.betas[1], o.betas[2] }
  Optimizer.__init(self, params, o)
  self._o1, self._o2, self._o3 = {}, {}, {}
end

-- step([closure]): one Adam update of every parameter that has a gradient.
function Adam:step(closure) return util.run_step(self, closure, adam_update) end

-- ---------------------------------------------------------------------------- AdamW
local AdamW = torch.class('optim.AdamW', 'optim.Optimizer', optim)

-- optim.AdamW(params [, lr, betas, eps, weight_decay, amsgrad] [, opts]): Adam with
-- decoupled weight decay (default 1e-2).
function AdamW:__init(params, ...)
  local o = util.options('AdamW', names, 5, {
    lr = 1e-3, betas = { 0.9, 0.999 }, eps = 1e-8, weight_decay = 1e-2, amsgrad = false, maximize = false,
  }, ...)
  check('AdamW', o)
  o.betas = { o.betas[1], o.betas[2] }
  Optimizer.__init(self, params, o)
  self._o1, self._o2, self._o3 = {}, {}, {}
end

-- step([closure]): one AdamW update of every parameter that has a gradient.
function AdamW:step(closure) return util.run_step(self, closure, adamw_update) end

return Adam
