-- nn.LayerNorm and nn.GroupNorm (PyTorch's torch/nn/modules/normalization.py) over the
-- native kernels.
--
-- LayerNorm(normalized_shape [, eps = 1e-5, elementwise_affine = true] [, {dtype =}]):
--   normalises over the trailing dims normalized_shape (a number, table or torch.Size);
--   weight (ones) and bias (zeros) of that shape.
-- GroupNorm(num_groups, num_channels [, eps = 1e-5, affine = true]): normalises each group
--   of num_channels / num_groups channels of (N, C, ...); per-channel weight and bias.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init
local nnk = torch._nn

local fail, pyfloat, pybool = A.fail, nn._pyfloat, nn._pybool
local FACTORY = { 'dtype', 'device' }

-- ---------------------------------------------------------------------------- LayerNorm
local LayerNorm = torch.class('nn.LayerNorm', 'nn.Module', nn)

function LayerNorm:__init(...)
  Module.__init(self)
  local a = A.args('LayerNorm', { 'normalized_shape', 'eps', 'elementwise_affine' }, FACTORY, ...)
  local s = a.normalized_shape
  if s == nil then fail('[LayerNorm] normalized_shape is required') end
  if type(s) == 'number' then s = { s }
  elseif type(s) == 'table' and getmetatable(s) ~= nil and s.totable then s = s:totable()
  elseif type(s) ~= 'table' then fail('[LayerNorm] normalized_shape must be an integer or a table of integers, got %s', type(s)) end
  local shape = {}
  for i = 1, #s do shape[i] = A.int('LayerNorm', 'normalized_shape', s[i], 0) end
  local f = A.factory('LayerNorm', a)
  self.normalized_shape = shape
  self.eps = a.eps == nil and 1e-5 or A.number('LayerNorm', 'eps', a.eps)
  self.elementwise_affine = a.elementwise_affine ~= false
  if a.elementwise_affine ~= nil then A.bool('LayerNorm', 'elementwise_affine', a.elementwise_affine) end
  if self.elementwise_affine then
    self.weight = nn.Parameter(torch.empty(shape, f))
    self.bias = nn.Parameter(torch.empty(shape, f))
  else
    self:register_parameter('weight', nil)
    self:register_parameter('bias', nil)
  end
  self:reset_parameters()
end

function LayerNorm:reset_parameters()
  if self.elementwise_affine then
    init.ones_(rawget(self, 'weight'))
    init.zeros_(rawget(self, 'bias'))
  end
end

function LayerNorm:updateOutput(x)
  A.check_input('LayerNorm', x)
  local s = self.normalized_shape
  local nd, ns = x:dim(), #s
  local ok = nd >= ns
  for i = 1, ns do ok = ok and x:size(nd - ns + i) == s[i] end
  if not ok then
    fail('[LayerNorm] expected input with trailing dimensions %s, got shape %s', A.tuple(s), nn._shape(x))
  end
  A.check_dtype('LayerNorm', x, rawget(self, 'weight'))
  return (A.call('LayerNorm', nnk.layer_norm, x, s, rawget(self, 'weight'), rawget(self, 'bias'), self.eps))
end

function LayerNorm:extra_repr()
  return string.format('%s, eps=%s, elementwise_affine=%s', A.tuple(self.normalized_shape), pyfloat(self.eps),
    pybool(self.elementwise_affine))
end

-- ---------------------------------------------------------------------------- GroupNorm
local GroupNorm = torch.class('nn.GroupNorm', 'nn.Module', nn)

function GroupNorm:__init(...)
  Module.__init(self)
  local a = A.args('GroupNorm', { 'num_groups', 'num_channels', 'eps', 'affine' }, FACTORY, ...)
  local g = A.int('GroupNorm', 'num_groups', a.num_groups, 1)
  local c = A.int('GroupNorm', 'num_channels', a.num_channels, 0)
  if c % g ~= 0 then
    fail('[GroupNorm] num_channels (%d) must be divisible by num_groups (%d)', c, g)
  end
  local f = A.factory('GroupNorm', a)
  self.num_groups, self.num_channels = g, c
  self.eps = a.eps == nil and 1e-5 or A.number('GroupNorm', 'eps', a.eps)
  self.affine = a.affine ~= false
  if a.affine ~= nil then A.bool('GroupNorm', 'affine', a.affine) end
  if self.affine then
    self.weight = nn.Parameter(torch.empty(c, f))
    self.bias = nn.Parameter(torch.empty(c, f))
  else
    self:register_parameter('weight', nil)
    self:register_parameter('bias', nil)
  end
  self:reset_parameters()
end

function GroupNorm:reset_parameters()
  if self.affine then
    init.ones_(rawget(self, 'weight'))
    init.zeros_(rawget(self, 'bias'))
  end
end

function GroupNorm:updateOutput(x)
  A.check_input('GroupNorm', x)
  if x:dim() < 2 or x:size(2) ~= self.num_channels then
    fail('[GroupNorm] expected input of shape (N, %d, ...), got shape %s', self.num_channels, nn._shape(x))
  end
  A.check_dtype('GroupNorm', x, rawget(self, 'weight'))
  return (A.call('GroupNorm', nnk.group_norm, x, self.num_groups, rawget(self, 'weight'), rawget(self, 'bias'),
    self.eps))
end

function GroupNorm:extra_repr()
  return string.format('%d, %d, eps=%s, affine=%s', self.num_groups, self.num_channels, pyfloat(self.eps),
    pybool(self.affine))
end

return nn
