-- nn.BatchNorm1d and nn.BatchNorm2d (PyTorch's torch/nn/modules/batchnorm.py) over the
-- native batch_norm kernel.
--
-- BatchNorm2d(num_features [, eps = 1e-5, momentum = 0.1, affine = true,
--   track_running_stats = true] [, {dtype =, device =}])
-- Parameters weight (ones) and bias (zeros) when affine; buffers running_mean (zeros),
-- running_var (ones) and num_batches_tracked (an int64 0-dim count) when tracking.  In
-- training mode the batch statistics normalise and the running stats move towards them
-- (momentum = nil: a cumulative average, 1 / num_batches_tracked); in eval mode the running
-- stats normalise (the batch's when the module tracks none).
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init
local nnk = torch._nn

local fail, pyfloat, pybool = A.fail, nn._pyfloat, nn._pybool

local NAMES = { 'num_features', 'eps', 'momentum', 'affine', 'track_running_stats' }

local function bn_init(self, name, ...)
  Module.__init(self)
  local a = A.args(name, NAMES, { 'dtype', 'device' }, ...)
  local nf = A.int(name, 'num_features', a.num_features, 0)
  local f = A.factory(name, a)
  self.num_features = nf
  self.eps = a.eps == nil and 1e-5 or A.number(name, 'eps', a.eps)
  -- momentum: a number, or false/'None' for the cumulative moving average (PyTorch's None)
  local m = a.momentum
  if m == nil then m = 0.1 elseif m == false or m == 'None' then m = false else A.number(name, 'momentum', m) end
  self.momentum = m
  self.affine = a.affine ~= false
  if a.affine ~= nil then A.bool(name, 'affine', a.affine) end
  self.track_running_stats = a.track_running_stats ~= false
  if a.track_running_stats ~= nil then A.bool(name, 'track_running_stats', a.track_running_stats) end
  if self.affine then
    self.weight = nn.Parameter(torch.empty(nf, f))
    self.bias = nn.Parameter(torch.empty(nf, f))
  else
    self:register_parameter('weight', nil)
    self:register_parameter('bias', nil)
  end
  if self.track_running_stats then
    self:register_buffer('running_mean', torch.zeros(nf, f))
    self:register_buffer('running_var', torch.ones(nf, f))
    self:register_buffer('num_batches_tracked', torch.tensor(0, { dtype = torch.int64, device = f.device }))
  else
    self:register_buffer('running_mean', nil)
    self:register_buffer('running_var', nil)
    self:register_buffer('num_batches_tracked', nil)
  end
  self:reset_parameters()
end

local function reset_running_stats(self)
  if self.track_running_stats then
    torch.no_grad(function()
      rawget(self, 'running_mean'):zero_()
      rawget(self, 'running_var'):fill_(1)
      rawget(self, 'num_batches_tracked'):zero_()
    end)
  end
end

local function reset_parameters(self)
  reset_running_stats(self)
  if self.affine then
    init.ones_(rawget(self, 'weight'))
    init.zeros_(rawget(self, 'bias'))
  end
end

local function extra_repr(self)
  return string.format('%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s', self.num_features,
    pyfloat(self.eps), self.momentum == false and 'None' or pyfloat(self.momentum), pybool(self.affine),
    pybool(self.track_running_stats))
end

local function forward(self, name, x)
  local rm, rv = rawget(self, 'running_mean'), rawget(self, 'running_var')
  if x:size(2) ~= self.num_features then
    fail('[%s] expected input with %d features (dim 2), got shape %s', name, self.num_features, nn._shape(x))
  end
  local training = self.training
  local factor = self.momentum == false and 0 or self.momentum
  if training then
    local per_channel = x:numel() / math.max(x:size(2), 1)
    if per_channel <= 1 and x:numel() > 0 then
      fail('[%s] expected more than 1 value per channel when training, got input of shape %s', name, nn._shape(x))
    end
  end
  local w, b = rawget(self, 'weight'), rawget(self, 'bias')
  A.check_dtype(name, x, w or rm, w and 'the weight' or 'the running stats')
  -- the counter moves after a successful call only (a failed call changes nothing)
  local nbt = training and self.track_running_stats and rawget(self, 'num_batches_tracked') or nil
  if nbt ~= nil and self.momentum == false then factor = 1 / (nbt:item() + 1) end
  local bn_training = training or (rm == nil and rv == nil)
  if training and not self.track_running_stats then rm, rv = nil, nil end
  local y = A.call(name, nnk.batch_norm, x, rm, rv, w, b, bn_training, factor, self.eps)
  if nbt ~= nil then torch.no_grad(function() nbt:add_(1) end) end
  return y
end

local function define(name, dims, what)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...) bn_init(self, name, ...) end
  cls.reset_parameters = reset_parameters
  cls.reset_running_stats = reset_running_stats
  cls.extra_repr = extra_repr
  function cls:updateOutput(x)
    A.check_input(name, x)
    if not dims[x:dim()] then fail('[%s] expected %s input, got shape %s', name, what, nn._shape(x)) end
    return forward(self, name, x)
  end
  return cls
end

define('BatchNorm1d', { [2] = true, [3] = true }, '2-D or 3-D')
define('BatchNorm2d', { [4] = true }, '4-D')

return nn
