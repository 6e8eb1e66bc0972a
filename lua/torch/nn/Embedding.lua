-- nn.Embedding (PyTorch's torch/nn/modules/sparse.py): a lookup table of num_embeddings rows.
--
-- Embedding(num_embeddings, embedding_dim [, padding_idx, max_norm, norm_type = 2,
--   scale_grad_by_freq = false, sparse = false, _weight] [, {dtype =, device =}])
-- Indices are 1-based (1 .. num_embeddings), and so is padding_idx (negative counts from the
-- end: -1 is the last row); the padding row starts at zero and gets no gradient.  weight is
-- drawn from N(0, 1) as PyTorch does.  max_norm renormalises the looked-up rows in place.
-- Embedding.from_pretrained(embeddings [, freeze = true, padding_idx, ...]).
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init

local fail = A.fail

local NAMES = { 'num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type',
  'scale_grad_by_freq', 'sparse', '_weight' }

local Embedding = torch.class('nn.Embedding', 'nn.Module', nn)

function Embedding:__init(...)
  Module.__init(self)
  local a = A.args('Embedding', NAMES, { 'dtype', 'device' }, ...)
  local n = A.int('Embedding', 'num_embeddings', a.num_embeddings, 0)
  local d = A.int('Embedding', 'embedding_dim', a.embedding_dim, 0)
  local pad = a.padding_idx
  if pad ~= nil then
    A.int('Embedding', 'padding_idx', pad)
    if pad == 0 or pad > n or pad < -n then
      fail('[Embedding] padding_idx must be within num_embeddings (1 .. %d, or -%d .. -1), got %d', n, n, pad)
    end
    if pad < 0 then pad = n + pad + 1 end
  end
  if a.max_norm ~= nil then A.number('Embedding', 'max_norm', a.max_norm) end
  local f = A.factory('Embedding', a)
  self.num_embeddings, self.embedding_dim = n, d
  rawset(self, 'padding_idx', pad)
  rawset(self, 'max_norm', a.max_norm)
  self.norm_type = a.norm_type == nil and 2 or A.number('Embedding', 'norm_type', a.norm_type)
  self.scale_grad_by_freq = a.scale_grad_by_freq == true
  if a.scale_grad_by_freq ~= nil then A.bool('Embedding', 'scale_grad_by_freq', a.scale_grad_by_freq) end
  if a.sparse then fail('[Embedding] sparse gradients are not supported') end
  self.sparse = false
  local w = a._weight
  if w == nil then
    self.weight = nn.Parameter(torch.empty(n, d, f))
    self:reset_parameters()
  else
    if not A.is_tensor(w) or w:dim() ~= 2 or w:size(1) ~= n or w:size(2) ~= d then
      fail('[Embedding] shape of weight does not match num_embeddings and embedding_dim: expected (%d, %d), got %s',
        n, d, nn._shape(w))
    end
    self.weight = nn.Parameter(w)
  end
end

function Embedding:reset_parameters()
  init.normal_(self.weight)
  self:_fill_padding_idx_with_zero()
end

function Embedding:_fill_padding_idx_with_zero()
  local pad = rawget(self, 'padding_idx')
  if pad ~= nil then
    torch.no_grad(function() self.weight[pad]:fill_(0) end)
  end
end

function Embedding:updateOutput(x)
  A.check_input('Embedding', x)
  if x:is_floating_point() or x.dtype == torch.bool then
    fail('[Embedding] expected indices of an integer dtype (int64 or int32), got %s', x.dtype.name)
  end
  return A.call('Embedding', nn.functional.embedding, x, self.weight, rawget(self, 'padding_idx'),
    rawget(self, 'max_norm'), self.norm_type, self.scale_grad_by_freq, false)
end

function Embedding:extra_repr()
  local s = string.format('%d, %d', self.num_embeddings, self.embedding_dim)
  local pad, mn = rawget(self, 'padding_idx'), rawget(self, 'max_norm')
  if pad ~= nil then s = s .. ', padding_idx=' .. pad end
  if mn ~= nil then s = s .. ', max_norm=' .. nn._pyfloat(mn) end
  if self.norm_type ~= 2 then s = s .. ', norm_type=' .. nn._pyfloat(self.norm_type) end
  if self.scale_grad_by_freq then s = s .. ', scale_grad_by_freq=True' end
  return s
end

-- from_pretrained(embeddings [, freeze = true, padding_idx, max_norm, norm_type,
-- scale_grad_by_freq, sparse]): an Embedding whose weight is embeddings (shared, as
-- PyTorch's Parameter(embeddings)); frozen (no gradient) unless freeze = false.
function Embedding.from_pretrained(embeddings, ...)
  if rawequal(embeddings, Embedding) or rawequal(embeddings, nn.Embedding) then
    return Embedding.from_pretrained(...)
  end
  local a = A.args('Embedding.from_pretrained', { 'freeze', 'padding_idx', 'max_norm', 'norm_type',
    'scale_grad_by_freq', 'sparse' }, nil, ...)
  if not A.is_tensor(embeddings) or embeddings:dim() ~= 2 then
    fail('[Embedding.from_pretrained] embeddings parameter is expected to be 2-dimensional, got %s',
      A.is_tensor(embeddings) and nn._shape(embeddings) or type(embeddings))
  end
  local e = nn.Embedding(embeddings:size(1), embeddings:size(2), {
    _weight = embeddings, padding_idx = a.padding_idx, max_norm = a.max_norm, norm_type = a.norm_type,
    scale_grad_by_freq = a.scale_grad_by_freq, sparse = a.sparse })
  e.weight:requires_grad_(a.freeze == false)
  return e
end

return nn
