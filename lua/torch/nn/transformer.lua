-- nn.TransformerEncoderLayer and nn.TransformerEncoder (PyTorch's
-- torch/nn/modules/transformer.py).
--
-- TransformerEncoderLayer(d_model, nhead [, dim_feedforward = 2048, dropout = 0.1,
--   activation = 'relu', layer_norm_eps = 1e-5, batch_first = false, norm_first = false]
--   [, {..., dtype =, device =}]): self-attention then a feed-forward block, each with a
--   residual connection and a LayerNorm (after it, or before with norm_first).  activation is
--   'relu', 'gelu', a function or a module.  Submodules in PyTorch's order (self_attn,
--   linear1, dropout, linear2, norm1, norm2, dropout1, dropout2), so a seeded layer has
--   PyTorch's weights and state_dict keys.
--   forward(src [, src_mask, src_key_padding_mask]) (or {src_mask =, src_key_padding_mask =}).
-- TransformerEncoder(encoder_layer, num_layers [, norm]): num_layers deep copies of the layer
--   (children layers.1 .. layers.n), then norm.  forward(src [, mask, src_key_padding_mask]).
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module

local fail = A.fail

-- ---------------------------------------------------------------------------- encoder layer
local Layer = torch.class('nn.TransformerEncoderLayer', 'nn.Module', nn)

local NAMES = { 'd_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first',
  'norm_first' }

local function activation_of(name, act)
  local F = nn.functional
  if act == nil or act == 'relu' then return F.relu, 1 end
  if act == 'gelu' then return F.gelu, 2 end
  if type(act) == 'string' then fail('[%s] activation should be relu/gelu, not %s', name, act) end
  if nn.is_module(act) or type(act) == 'function' then return act, 0 end
  fail('[%s] activation must be \'relu\', \'gelu\', a function or a module, got %s', name, type(act))
end

function Layer:__init(...)
  Module.__init(self)
  local name = 'TransformerEncoderLayer'
  local a = A.args(name, NAMES, { 'dtype', 'device' }, ...)
  local d = A.int(name, 'd_model', a.d_model, 1)
  local h = A.int(name, 'nhead', a.nhead, 1)
  local ff = A.int(name, 'dim_feedforward', a.dim_feedforward or 2048, 1)
  local p = a.dropout == nil and 0.1 or a.dropout
  local eps = a.layer_norm_eps == nil and 1e-5 or A.number(name, 'layer_norm_eps', a.layer_norm_eps)
  local bf = a.batch_first == true
  if a.batch_first ~= nil then A.bool(name, 'batch_first', a.batch_first) end
  local f = { dtype = a.dtype, device = a.device }
  self.self_attn = A.call(name, nn.MultiheadAttention, d, h, { dropout = p, batch_first = bf, dtype = f.dtype,
    device = f.device })
  self.linear1 = nn.Linear(d, ff, true, f)
  self.dropout = nn.Dropout(p)
  self.linear2 = nn.Linear(ff, d, true, f)
  self.norm_first = a.norm_first == true
  if a.norm_first ~= nil then A.bool(name, 'norm_first', a.norm_first) end
  self.norm1 = nn.LayerNorm(d, { eps = eps, dtype = f.dtype, device = f.device })
  self.norm2 = nn.LayerNorm(d, { eps = eps, dtype = f.dtype, device = f.device })
  self.dropout1 = nn.Dropout(p)
  self.dropout2 = nn.Dropout(p)
  local act, code = activation_of(name, a.activation)
  if code == 0 and nn.is_module(act) then
    local tn = act:_get_name()
    code = tn == 'ReLU' and 1 or tn == 'GELU' and 2 or 0
  end
  self.activation_relu_or_gelu = code
  self.activation = act
end

local FWD = { 'src_mask', 'src_key_padding_mask' }

function Layer:_sa_block(x, attn_mask, kpm)
  local y = self.self_attn(x, x, x, { attn_mask = attn_mask, key_padding_mask = kpm, need_weights = false })
  return self.dropout1(y)
end

function Layer:_ff_block(x)
  local act = self.activation
  local y = self.linear2(self.dropout(act(self.linear1(x))))
  return self.dropout2(y)
end

function Layer:updateOutput(src, ...)
  local name = 'TransformerEncoderLayer'
  local a = A.args(name, FWD, nil, ...)
  A.check_input(name, src)
  local d = self.linear1.in_features
  if (src:dim() ~= 2 and src:dim() ~= 3) or src:size(src:dim()) ~= d then
    fail('[%s] expected src of shape (S, N, %d), (N, S, %d) with batch_first or (S, %d), got %s', name, d, d, d,
      nn._shape(src))
  end
  local kpm = a.src_key_padding_mask
  if kpm ~= nil and (not A.is_tensor(kpm) or (kpm.dtype ~= torch.bool and not kpm:is_floating_point())) then
    fail('[%s] only bool and floating types of key_padding_mask are supported', name)
  end
  local x = src
  if self.norm_first then
    x = x + self:_sa_block(self.norm1(x), a.src_mask, kpm)
    x = x + self:_ff_block(self.norm2(x))
  else
    x = self.norm1(x + self:_sa_block(x, a.src_mask, kpm))
    x = self.norm2(x + self:_ff_block(x))
  end
  return x
end

-- ---------------------------------------------------------------------------- encoder
local Encoder = torch.class('nn.TransformerEncoder', 'nn.Module', nn)

function Encoder:__init(...)
  Module.__init(self)
  local name = 'TransformerEncoder'
  local a = A.args(name, { 'encoder_layer', 'num_layers', 'norm', 'enable_nested_tensor' }, nil, ...)
  if not nn.is_module(a.encoder_layer) then
    fail('[%s] encoder_layer must be a module, got %s', name, type(a.encoder_layer))
  end
  local n = A.int(name, 'num_layers', a.num_layers, 1)
  local layers = {}
  for i = 1, n do layers[i] = a.encoder_layer:clone() end
  self.layers = nn.ModuleList(layers)
  self.num_layers = n
  if a.norm ~= nil then
    if not nn.is_module(a.norm) then fail('[%s] norm must be a module, got %s', name, type(a.norm)) end
    self.norm = a.norm
  end
end

function Encoder:updateOutput(src, ...)
  local a = A.args('TransformerEncoder', { 'mask', 'src_key_padding_mask' }, nil, ...)
  A.check_input('TransformerEncoder', src)
  local out = src
  for i = 1, self.num_layers do
    out = self.layers[i](out, { src_mask = a.mask, src_key_padding_mask = a.src_key_padding_mask })
  end
  local norm = rawget(self, 'norm')
  if norm ~= nil then out = norm(out) end
  return out
end

return nn
