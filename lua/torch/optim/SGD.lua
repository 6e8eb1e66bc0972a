-- optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum, weight
-- decay and maximize, as PyTorch 1.13's SGD (its single-tensor loop, op for op):
--
--   d_p = maximize and -grad or grad
--   if weight_decay ~= 0: d_p = d_p + weight_decay * p
--   if momentum ~= 0: buf = clone(d_p) on the first step, else buf = momentum * buf + (1 - dampening) * d_p
--                     d_p = nesterov and d_p + momentum * buf or buf
--   p = p - lr * d_p
--
-- The common case (plain or momentum SGD) is a handful of in-place ops per parameter with no
-- table allocated per step: the option tables passed to the tensor ops are kept on the object.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail, fmt = util.fail, util.fmt

local SGD = torch.class('optim.SGD', 'optim.Optimizer', optim)

local names = { 'lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize' }
local defaults = {
  lr = util.required, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false, maximize = false,
}

-- optim.SGD(params, lr [, momentum, dampening, weight_decay, nesterov] [, opts])
-- optim.SGD(params, {lr =, momentum =, dampening =, weight_decay =, nesterov =, maximize =})
function SGD:__init(params, ...)
  local o = util.options('SGD', names, 5, defaults, ...)
  if o.lr ~= util.required and o.lr < 0 then fail('SGD', 'Invalid learning rate: ' .. fmt(o.lr)) end
  if o.momentum < 0 then fail('SGD', 'Invalid momentum value: ' .. fmt(o.momentum)) end
  if o.weight_decay < 0 then fail('SGD', 'Invalid weight_decay value: ' .. fmt(o.weight_decay)) end
  if o.nesterov and (o.momentum <= 0 or o.dampening ~= 0) then
    fail('SGD', 'Nesterov momentum requires a momentum and zero dampening')
  end
  Optimizer.__init(self, params, o)
  -- option tables for the tensor ops, refilled at each step
  self._lr_opts, self._wd_opts, self._damp_opts, self._mom_opts = {}, {}, {}, {}
end

local function update(self)
  local state = self.state
  local lr_opts, wd_opts, damp_opts, mom_opts = self._lr_opts, self._wd_opts, self._damp_opts, self._mom_opts
  local groups = self.param_groups
  for gi = 1, #groups do
    local group = groups[gi]
    local momentum, wd, nesterov, maximize = group.momentum, group.weight_decay, group.nesterov, group.maximize
    lr_opts.alpha = -group.lr
    wd_opts.alpha = wd
    damp_opts.alpha = 1 - group.dampening
    mom_opts.alpha = momentum
    local params = group.params
    for i = 1, #params do
      local p = params[i]
      local d_p = p.grad
      if d_p ~= nil then
        if maximize then d_p = -d_p end
        if wd ~= 0 then d_p = d_p:add(p, wd_opts) end
        local st = state[p]
        if momentum ~= 0 then
          local buf = st.momentum_buffer
          if buf == nil then
            buf = d_p:clone():detach()
            st.momentum_buffer = buf
          elseif damp_opts.alpha == 1 then
            buf:mul_(momentum):add_(d_p) -- the same value as with alpha = 1, without the options table
          else
            buf:mul_(momentum):add_(d_p, damp_opts)
          end
          if nesterov then d_p = d_p:add(buf, mom_opts) else d_p = buf end
        end
        p:add_(d_p, lr_opts)
      end
    end
  end
end

-- step([closure]): one update of every parameter that has a gradient; returns closure()'s
-- value when a closure is given (it is evaluated first, with grad mode on).
function SGD:step(closure)
  return util.run_step(self, closure, update)
end

return SGD
