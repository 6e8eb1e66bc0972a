-- Torch7's functional optimizers: optim.sgd, optim.adam, optim.rmsprop, optim.adagrad.
--
--   x, {fx} = optim.sgd(feval, x, config, state)
--
-- feval(x) returns f(x) and df/dx (a tensor shaped like x); the optimizer updates x in place
-- and returns it with {f(x)} (f before the update).  config holds the settings under Torch7's
-- names (learningRate, momentum, ...); state (config itself when nil) keeps what the method
-- carries from call to call (state.evalCounter, momentum buffers, moments).  The formulas are
-- those of the last torch/optim release, including its quirks: sgd's dampening defaults to
-- the momentum (PyTorch's to 0), and weight decay is added into the gradient tensor feval
-- returned.  The updates run with grad mode off, so x may be a tensor that requires grad.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local core = torch._core
local pow = util.pow

local function check(where, opfunc, x, config, state)
  if type(opfunc) ~= 'function' then
    util.fail(where, 'expected a function feval(x) returning f(x) and df/dx as first argument, got ' .. type(opfunc))
  end
  if not util.is_tensor(x) then util.fail(where, 'expected the parameter tensor x as second argument, got ' .. type(x)) end
  if config ~= nil and type(config) ~= 'table' then util.fail(where, 'config must be a table, got ' .. type(config)) end
  if state ~= nil and type(state) ~= 'table' then util.fail(where, 'state must be a table, got ' .. type(state)) end
end

local function check_grad(where, x, dfdx)
  if not util.is_tensor(dfdx) then
    util.fail(where, 'feval must return f(x) and df/dx (a tensor), got ' .. type(dfdx) .. ' for df/dx')
  end
  if dfdx:numel() ~= x:numel() then
    util.fail(where, string.format('df/dx has %d elements, x has %d', dfdx:numel(), x:numel()))
  end
end

-- runs update(...) with grad mode off
local function no_grad(update, ...)
  local prev = core.set_grad_enabled(false)
  local ok, err = pcall(update, ...)
  core.set_grad_enabled(prev)
  if not ok then error(err, 0) end
end

local function zeros_as(x, dfdx) return torch.zeros(dfdx.shape, { dtype = x.dtype, device = x.device }) end

-- ---------------------------------------------------------------------------- sgd
-- config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), weightDecays (a
-- tensor, one per element), momentum (0), dampening (= momentum), nesterov (false),
-- learningRates (a tensor, one per element).  state: evalCounter, dfdx (momentum buffer).
local function sgd_update(x, dfdx, config, state)
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs, wds = config.learningRates, config.weightDecays
  local nevals = state.evalCounter
  if wd ~= 0 then
    dfdx:add_(x, { alpha = wd })
  elseif wds then
    if not state.decayParameters then state.decayParameters = torch.empty(dfdx.shape, { dtype = x.dtype, device = x.device }) end
    state.decayParameters:copy_(wds):mul_(x)
    dfdx:add_(state.decayParameters)
  end
  if mom ~= 0 then
    if not state.dfdx then
      state.dfdx = dfdx:clone()
    else
      state.dfdx:mul_(mom):add_(dfdx, { alpha = 1 - damp })
    end
    if nesterov then dfdx:add_(state.dfdx, { alpha = mom }) else dfdx = state.dfdx end
  end
  local clr = lr / (1 + nevals * lrd)
  if lrs then
    if not state.deltaParameters then state.deltaParameters = torch.empty(dfdx.shape, { dtype = x.dtype, device = x.device }) end
    state.deltaParameters:copy_(lrs):mul_(dfdx)
    x:add_(state.deltaParameters:reshape(x.shape), { alpha = -clr })
  else
    x:add_(dfdx:reshape(x.shape), { alpha = -clr })
  end
end

function optim.sgd(opfunc, x, config, state)
  check('sgd', opfunc, x, config, state)
  config = config or {}
  state = state or config
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  if config.nesterov and not (mom > 0 and damp == 0) then
    util.fail('sgd', 'Nesterov momentum requires a momentum and zero dampening')
  end
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = opfunc(x)
  check_grad('sgd', x, dfdx)
  no_grad(sgd_update, x, dfdx, config, state)
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

-- ---------------------------------------------------------------------------- adam
-- config: learningRate (1e-3), learningRateDecay (0), beta1 (0.9), beta2 (0.999), epsilon
-- (1e-8), weightDecay (0).  state: t, m, v, denom.
local function adam_update(x, dfdx, config, state)
  local lr = config.learningRate or 0.001
  local lrd = config.learningRateDecay or 0
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  if wd ~= 0 then dfdx:add_(x, { alpha = wd }) end
  state.t = state.t or 0
  state.m = state.m or zeros_as(x, dfdx)
  state.v = state.v or zeros_as(x, dfdx)
  state.denom = state.denom or zeros_as(x, dfdx)
  local clr = lr / (1 + state.t * lrd)
  state.t = state.t + 1
  state.m:mul_(beta1):add_(dfdx, { alpha = 1 - beta1 })
  state.v:mul_(beta2):addcmul_(dfdx, dfdx, { value = 1 - beta2 })
  state.denom:copy_(state.v):sqrt_():add_(epsilon)
  local biasCorrection1 = 1 - pow(beta1, state.t)
  local biasCorrection2 = 1 - pow(beta2, state.t)
  local stepSize = clr * math.sqrt(biasCorrection2) / biasCorrection1
  x:addcdiv_(state.m:reshape(x.shape), state.denom:reshape(x.shape), { value = -stepSize })
end

function optim.adam(opfunc, x, config, state)
  check('adam', opfunc, x, config, state)
  config = config or {}
  state = state or config
  local fx, dfdx = opfunc(x)
  check_grad('adam', x, dfdx)
  no_grad(adam_update, x, dfdx, config, state)
  return x, { fx }
end

-- ---------------------------------------------------------------------------- rmsprop
-- config: learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay (0), initialMean
-- (0).  state: m, tmp.
local function rmsprop_update(x, dfdx, config, state)
  local lr = config.learningRate or 1e-2
  local alpha = config.alpha or 0.99
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local mfill = config.initialMean or 0
  if wd ~= 0 then dfdx:add_(x, { alpha = wd }) end
  if not state.m then
    state.m = torch.full(dfdx.shape, mfill, { dtype = x.dtype, device = x.device })
    state.tmp = torch.empty(dfdx.shape, { dtype = x.dtype, device = x.device })
  end
  state.m:mul_(alpha)
  state.m:addcmul_(dfdx, dfdx, { value = 1.0 - alpha })
  torch.sqrt(state.m, { out = state.tmp }):add_(epsilon)
  x:addcdiv_(dfdx:reshape(x.shape), state.tmp:reshape(x.shape), { value = -lr })
end

function optim.rmsprop(opfunc, x, config, state)
  check('rmsprop', opfunc, x, config, state)
  config = config or {}
  state = state or config
  local fx, dfdx = opfunc(x)
  check_grad('rmsprop', x, dfdx)
  no_grad(rmsprop_update, x, dfdx, config, state)
  return x, { fx }
end

-- ---------------------------------------------------------------------------- adagrad
-- config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).  state:
-- evalCounter, paramVariance, paramStd.
local function adagrad_update(x, dfdx, config, state)
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local nevals = state.evalCounter
  if wd ~= 0 then dfdx:add_(x, { alpha = wd }) end
  local clr = lr / (1 + nevals * lrd)
  if not state.paramVariance then
    state.paramVariance = zeros_as(x, dfdx)
    state.paramStd = torch.empty(dfdx.shape, { dtype = x.dtype, device = x.device })
  end
  state.paramVariance:addcmul_(dfdx, dfdx, { value = 1 })
  state.paramStd:copy_(state.paramVariance):sqrt_()
  x:addcdiv_(dfdx:reshape(x.shape), state.paramStd:add_(1e-10):reshape(x.shape), { value = -clr })
end

function optim.adagrad(opfunc, x, config, state)
  check('adagrad', opfunc, x, config, state)
  config = config or {}
  state = state or config
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = opfunc(x)
  check_grad('adagrad', x, dfdx)
  no_grad(adagrad_update, x, dfdx, config, state)
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

return optim
