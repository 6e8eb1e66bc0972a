-- nn.MultiheadAttention (PyTorch's torch/nn/modules/activation.py) over
-- F.multi_head_attention_forward (functional_layers.lua), and nn.NonDynamicallyQuantizableLinear
-- (its out_proj: a Linear under PyTorch's class name, so the printed tree matches).
--
-- MultiheadAttention(embed_dim, num_heads [, dropout = 0, bias = true, add_bias_kv = false,
--   add_zero_attn = false, kdim = embed_dim, vdim = embed_dim, batch_first = false]
--   [, {..., dtype =, device =}])
-- Parameters in_proj_weight (3 E, E) packing the q, k, v projections (q_proj_weight,
-- k_proj_weight, v_proj_weight when kdim or vdim differ from embed_dim), in_proj_bias (3 E),
-- out_proj.weight/bias, bias_k/bias_v (with add_bias_kv).  Initialised as PyTorch, in its
-- order: out_proj as a Linear, then xavier_uniform_ on the input projection, zero biases,
-- xavier_normal_ on bias_k and bias_v.
--
-- forward(query, key, value [, key_padding_mask, need_weights = true, attn_mask,
--   average_attn_weights = true]) (or those in an options table) -> attn_output,
--   attn_weights (nil without need_weights).  query (L, N, E), key/value (S, N, kdim/vdim),
--   (N, L, E) with batch_first, or unbatched (L, E).  Masks: true = not attended.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init

local fail = A.fail

-- ---------------------------------------------------------------------------- out_proj class
torch.class('nn.NonDynamicallyQuantizableLinear', 'nn.Linear', nn)

-- ---------------------------------------------------------------------------- MultiheadAttention
local MHA = torch.class('nn.MultiheadAttention', 'nn.Module', nn)

local NAMES = { 'embed_dim', 'num_heads', 'dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim',
  'batch_first' }

function MHA:__init(...)
  Module.__init(self)
  local name = 'MultiheadAttention'
  local a = A.args(name, NAMES, { 'dtype', 'device' }, ...)
  local E = A.int(name, 'embed_dim', a.embed_dim, 1)
  local H = A.int(name, 'num_heads', a.num_heads, 1)
  local f = A.factory(name, a)
  local kdim = a.kdim == nil and E or A.int(name, 'kdim', a.kdim, 1)
  local vdim = a.vdim == nil and E or A.int(name, 'vdim', a.vdim, 1)
  self.embed_dim, self.kdim, self.vdim = E, kdim, vdim
  self._qkv_same_embed_dim = kdim == E and vdim == E
  self.num_heads = H
  local p = a.dropout or 0
  if type(p) ~= 'number' or p < 0 or p > 1 then
    fail('[%s] dropout probability has to be between 0 and 1, but got %s', name, tostring(p))
  end
  self.dropout = p
  self.batch_first = a.batch_first == true
  if a.batch_first ~= nil then A.bool(name, 'batch_first', a.batch_first) end
  self.head_dim = math.floor(E / H)
  if self.head_dim * H ~= E then fail('[%s] embed_dim (%d) must be divisible by num_heads (%d)', name, E, H) end
  local bias = a.bias ~= false
  if a.bias ~= nil then A.bool(name, 'bias', a.bias) end
  if not self._qkv_same_embed_dim then
    self.q_proj_weight = nn.Parameter(torch.empty(E, E, f))
    self.k_proj_weight = nn.Parameter(torch.empty(E, kdim, f))
    self.v_proj_weight = nn.Parameter(torch.empty(E, vdim, f))
    self:register_parameter('in_proj_weight', nil)
  else
    self.in_proj_weight = nn.Parameter(torch.empty(3 * E, E, f))
    self:register_parameter('q_proj_weight', nil)
    self:register_parameter('k_proj_weight', nil)
    self:register_parameter('v_proj_weight', nil)
  end
  if bias then
    self.in_proj_bias = nn.Parameter(torch.empty(3 * E, f))
  else
    self:register_parameter('in_proj_bias', nil)
  end
  self.out_proj = nn.NonDynamicallyQuantizableLinear(E, E, bias, f)
  if a.add_bias_kv then
    self.bias_k = nn.Parameter(torch.empty(1, 1, E, f))
    self.bias_v = nn.Parameter(torch.empty(1, 1, E, f))
  end
  self.add_zero_attn = a.add_zero_attn == true
  self:_reset_parameters()
end

function MHA:_reset_parameters()
  if self._qkv_same_embed_dim then
    init.xavier_uniform_(self.in_proj_weight)
  else
    init.xavier_uniform_(self.q_proj_weight)
    init.xavier_uniform_(self.k_proj_weight)
    init.xavier_uniform_(self.v_proj_weight)
  end
  local b = rawget(self, 'in_proj_bias')
  if b ~= nil then
    init.constant_(b, 0)
    init.constant_(self.out_proj.bias, 0)
  end
  if rawget(self, 'bias_k') ~= nil then init.xavier_normal_(self.bias_k) end
  if rawget(self, 'bias_v') ~= nil then init.xavier_normal_(self.bias_v) end
end
MHA.reset_parameters = MHA._reset_parameters

local FWD = { 'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights' }

function MHA:updateOutput(query, key, value, ...)
  local name = 'MultiheadAttention'
  local a = A.args(name, FWD, nil, ...)
  A.check_input(name, query)
  if not A.is_tensor(key) then fail('[%s] expected a Tensor as key, got %s', name, type(key)) end
  if not A.is_tensor(value) then fail('[%s] expected a Tensor as value, got %s', name, type(value)) end
  local kpm, mask = a.key_padding_mask, a.attn_mask
  if kpm ~= nil and not A.is_tensor(kpm) then fail('[%s] key_padding_mask must be a Tensor, got %s', name, type(kpm)) end
  if mask ~= nil and not A.is_tensor(mask) then fail('[%s] attn_mask must be a Tensor, got %s', name, type(mask)) end
  local E = self.embed_dim
  local qd = query:dim()
  if (qd ~= 2 and qd ~= 3) or query:size(qd) ~= E then
    fail('[%s] expected query of shape (L, N, %d), (N, L, %d) with batch_first or (L, %d), got %s', name, E, E, E,
      nn._shape(query))
  end
  if key:dim() ~= qd or value:dim() ~= qd or key:size(qd) ~= self.kdim or value:size(qd) ~= self.vdim then
    fail('[%s] expected key (..., %d) and value (..., %d) with the dims of query %s, got key %s and value %s', name,
      self.kdim, self.vdim, nn._shape(query), nn._shape(key), nn._shape(value))
  end
  A.check_dtype(name, query, rawget(self, 'in_proj_weight') or rawget(self, 'q_proj_weight'))
  local batched = qd == 3
  if self.batch_first and batched then
    if rawequal(key, value) then
      if rawequal(query, key) then
        query = query:transpose(1, 2); key = query; value = query
      else
        query, key = query:transpose(1, 2), key:transpose(1, 2)
        value = key
      end
    else
      query, key, value = query:transpose(1, 2), key:transpose(1, 2), value:transpose(1, 2)
    end
  end
  local F = nn.functional
  local opts = { training = self.training, key_padding_mask = kpm, need_weights = a.need_weights ~= false,
    attn_mask = mask, average_attn_weights = a.average_attn_weights ~= false }
  if not self._qkv_same_embed_dim then
    opts.use_separate_proj_weight = true
    opts.q_proj_weight, opts.k_proj_weight, opts.v_proj_weight = self.q_proj_weight, self.k_proj_weight,
      self.v_proj_weight
  end
  local out, w = A.call(name, F.multi_head_attention_forward, query, key, value, E, self.num_heads,
    rawget(self, 'in_proj_weight'), rawget(self, 'in_proj_bias'), rawget(self, 'bias_k'), rawget(self, 'bias_v'),
    self.add_zero_attn, self.dropout, self.out_proj.weight, rawget(self.out_proj, 'bias'), opts)
  if self.batch_first and batched then out = out:transpose(1, 2) end
  return out, w
end

return nn
