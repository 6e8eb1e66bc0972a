-- nn.Dropout (PyTorch's torch/nn/modules/dropout.py).
--
-- Dropout([p = 0.5, inplace = false]): in training mode zeroes each element with
-- probability p and scales the others by 1 / (1 - p), drawing the mask as PyTorch does
-- (bernoulli_ on an empty tensor of the input's shape), so that seeded masks agree; in eval
-- mode returns its input.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module

local Dropout = torch.class('nn.Dropout', 'nn.Module', nn)

function Dropout:__init(...)
  Module.__init(self)
  local a = A.args('Dropout', { 'p', 'inplace' }, nil, ...)
  local p = a.p == nil and 0.5 or a.p
  if type(p) ~= 'number' or p < 0 or p > 1 then
    A.fail('[Dropout] dropout probability has to be between 0 and 1, but got %s', tostring(p))
  end
  self.p = p
  self.inplace = a.inplace == true
  if a.inplace ~= nil then A.bool('Dropout', 'inplace', a.inplace) end
end

function Dropout:updateOutput(x)
  A.check_input('Dropout', x)
  return A.call('Dropout', nn.functional.dropout, x, self.p, self.training, self.inplace)
end

function Dropout:extra_repr()
  return string.format('p=%s, inplace=%s', nn._pyfloat(self.p), nn._pybool(self.inplace))
end

return nn
