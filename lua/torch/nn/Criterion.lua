-- Torch7 criterions: nn.Criterion (the base) and nn.MSECriterion, nn.AbsCriterion,
-- nn.BCECriterion, nn.ClassNLLCriterion, nn.CrossEntropyCriterion.
--
--   local crit = nn.MSECriterion()
--   local loss = crit:forward(output, target)          -- a Lua number (crit.output)
--   local gradOutput = crit:backward(output, target)   -- d loss / d output (crit.gradInput)
--
-- crit.sizeAverage (true by default) averages over the elements (or the batch); set it to
-- false to sum.  Class targets are 1-based (as in Torch7); float targets are accepted and
-- converted.  The gradient comes from autograd on the functional loss.  A user criterion
-- (torch.class('MyCriterion', 'nn.Criterion')) writes updateOutput / updateGradInput.
local torch = require 'torch'
local nn = require 'torch.nn'

local tensor_mt = torch._tensor_mt
local core = torch._core
local function is_tensor(x) return getmetatable(x) == tensor_mt end
local named_call = nn._named_call

local function F() return nn.functional end

local Criterion = torch.class('nn.Criterion', nn)

function Criterion:__init()
  self.gradInput = torch.Tensor()
  self.output = 0
  self.sizeAverage = true
end

function Criterion:_get_name()
  local name = (require 'torch.torch7_class').typename(self) or 'Criterion'
  return (name:match('([^.]+)$'))
end

function Criterion:forward(input, target) return self:updateOutput(input, target) end
function Criterion:backward(input, target) return self:updateGradInput(input, target) end

-- crit(input, target) -> loss, gradInput (Torch7's shortcut for forward then backward)
function Criterion:__call__(input, target)
  self.output = self:forward(input, target)
  self.gradInput = self:backward(input, target)
  return self.output, self.gradInput
end

function Criterion:__tostring__() return 'nn.' .. self:_get_name() end

function Criterion:_reduction() return self.sizeAverage == false and 'sum' or 'mean' end

local function check(self, input, target)
  local name = self:_get_name()
  if not is_tensor(input) then
    torch._error(string.format('[%s] expected a Tensor as input, got %s', name, type(input)))
  end
  if not is_tensor(target) and type(target) ~= 'number' then
    torch._error(string.format('[%s] expected a Tensor (or a number) as target, got %s', name, type(target)))
  end
end

-- The loss as a 0-dim tensor, differentiable in input (each subclass defines _loss).
function Criterion:_loss(input, target)
  torch._error(string.format('[%s] updateOutput is not implemented', self:_get_name()))
end

function Criterion:updateOutput(input, target)
  check(self, input, target)
  local l = torch.no_grad(function() return named_call(self:_get_name(), self._loss, self, input, target) end)
  self.output = core.item(l)
  return self.output
end

function Criterion:updateGradInput(input, target)
  check(self, input, target)
  local x = core.detach(input):requires_grad_(true)
  local g = torch.enable_grad(function()
    local l = named_call(self:_get_name(), self._loss, self, x, target)
    return torch.autograd.grad(l, x)[1]
  end)
  self.gradInput = g
  return g
end

-- float()/double()/type(t): converts the criterion's weights (Torch7's Criterion:type)
function Criterion:type(t)
  if t == nil then return (require 'torch.torch7_class').typename(self) end
  for _, k in ipairs({ 'weights', 'gradInput' }) do
    local v = rawget(self, k)
    if is_tensor(v) then self[k] = v:type(t) end
  end
  return self
end
function Criterion:float() return self:type('torch.FloatTensor') end
function Criterion:double() return self:type('torch.DoubleTensor') end

-- ---------------------------------------------------------------------------- criterions
local function targets_like(input, target)
  if type(target) == 'number' then return torch.tensor(target, { dtype = input.dtype, device = input.device }) end
  if target.dtype ~= input.dtype and target:is_floating_point() ~= input:is_floating_point() then
    return target:to(input.dtype)
  end
  return target
end

local function class_targets(name, target, device)
  if type(target) == 'number' then
    if target ~= math.floor(target) then
      torch._error(string.format('[%s] class target must be an integer, got %s', name, tostring(target)))
    end
    return torch.tensor(target, { dtype = torch.int64 }):to(device)
  end
  if target.dtype ~= torch.int64 then return target:long() end
  return target
end

-- nn.MSECriterion([sizeAverage = true])
local MSE = torch.class('nn.MSECriterion', 'nn.Criterion', nn)
function MSE:__init(sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage end
end
function MSE:_loss(x, t) return F().mse_loss(x, targets_like(x, t), { reduction = self:_reduction() }) end

-- nn.AbsCriterion([sizeAverage = true])
local Abs = torch.class('nn.AbsCriterion', 'nn.Criterion', nn)
function Abs:__init(sizeAverage)
  Criterion.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage end
end
function Abs:_loss(x, t) return F().l1_loss(x, targets_like(x, t), { reduction = self:_reduction() }) end

-- nn.BCECriterion([weights [, sizeAverage = true]]): weights rescale each element's loss
local BCE = torch.class('nn.BCECriterion', 'nn.Criterion', nn)
function BCE:__init(weights, sizeAverage)
  Criterion.__init(self)
  if weights ~= nil and not is_tensor(weights) then
    torch._error('[BCECriterion] weights must be a Tensor, got ' .. type(weights))
  end
  self.weights = weights
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage end
end
function BCE:_loss(x, t)
  return F().binary_cross_entropy(x, targets_like(x, t), { weight = self.weights, reduction = self:_reduction() })
end

-- nn.ClassNLLCriterion([weights [, sizeAverage = true [, ignoreIndex]]]): input holds
-- log-probabilities (n x C or C), target 1-based classes
local NLL = torch.class('nn.ClassNLLCriterion', 'nn.Criterion', nn)
function NLL:__init(weights, sizeAverage, ignoreIndex)
  Criterion.__init(self)
  if weights ~= nil and not is_tensor(weights) then
    torch._error('[ClassNLLCriterion] weights must be a Tensor, got ' .. type(weights))
  end
  self.weights = weights
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage end
  self.ignoreIndex = ignoreIndex or -100
end
function NLL:_loss(x, t)
  return F().nll_loss(x, class_targets('ClassNLLCriterion', t, x.device), { weight = self.weights,
    ignore_index = self.ignoreIndex, reduction = self:_reduction() })
end

-- nn.CrossEntropyCriterion([weights [, sizeAverage = true]]): LogSoftMax then ClassNLL
local CE = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion', nn)
function CE:__init(weights, sizeAverage)
  Criterion.__init(self)
  if weights ~= nil and not is_tensor(weights) then
    torch._error('[CrossEntropyCriterion] weights must be a Tensor, got ' .. type(weights))
  end
  self.weights = weights
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage end
end
function CE:_loss(x, t)
  return F().cross_entropy(x, class_targets('CrossEntropyCriterion', t, x.device), { weight = self.weights,
    reduction = self:_reduction() })
end

return Criterion
