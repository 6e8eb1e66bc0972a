-- nn.Identity, nn.Linear, nn.Bilinear (PyTorch's torch/nn/modules/linear.py).
--
-- Linear(in_features, out_features [, bias = true] [, {dtype =, device =}]): y = x W^T + b
-- with W of shape (out, in), initialised as PyTorch does (kaiming_uniform_ with a = sqrt(5),
-- bias uniform in +-1/sqrt(in)), so a seeded Linear has PyTorch's numbers.
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module
local init = nn.init

local core = torch._core
local tensor_mt = torch._tensor_mt
local addmm, matmul, add = torch.addmm, torch.Tensor.matmul, core.add
local c_dim, c_size, c_t, c_dtype = core.dim, core.size, core.t, core.dtype_id

local function check_count(where, what, n)
  if type(n) ~= 'number' or n < 0 or n ~= math.floor(n) then
    torch._error(string.format('[%s] %s must be a non-negative integer, got %s', where, what, tostring(n)))
  end
end

-- trailing {bias =, dtype =, device =} options (positional bias accepted too)
local function factory_opts(where, bias, opts)
  if type(bias) == 'table' then bias, opts = nil, bias end
  opts = opts or {}
  local o = { bias = bias }
  for k, v in pairs(opts) do
    if k == 'bias' then o.bias = v
    elseif k == 'dtype' then o.dtype = torch._todtype(v, where)
    elseif k == 'device' then o.device = v
    else torch._error(string.format("[%s] unknown option '%s'", where, tostring(k))) end
  end
  if o.bias == nil then o.bias = true end
  if o.device ~= nil then o.device = require('torch.nn.layer_args').factory_device(where, o.device) end
  return o
end
nn._factory_opts = factory_opts

local function bad_input(where, x)
  torch._error(string.format('[%s] expected a Tensor as input, got %s', where, type(x)))
end

-- ---------------------------------------------------------------------------- Identity
local Identity = torch.class('nn.Identity', 'nn.Module', nn)
function Identity:__init() Module.__init(self) end
function Identity:updateOutput(x) return x end

-- ---------------------------------------------------------------------------- Linear
local Linear = torch.class('nn.Linear', 'nn.Module', nn)

function Linear:__init(in_features, out_features, bias, opts)
  Module.__init(self)
  check_count('Linear', 'in_features', in_features)
  check_count('Linear', 'out_features', out_features)
  local o = factory_opts('Linear', bias, opts)
  self.in_features = in_features
  self.out_features = out_features
  self.weight = nn.Parameter(torch.empty(out_features, in_features, { dtype = o.dtype, device = o.device }))
  if o.bias then
    self.bias = nn.Parameter(torch.empty(out_features, { dtype = o.dtype, device = o.device }))
  else
    self:register_parameter('bias', nil)
  end
  self:reset_parameters()
end

function Linear:reset_parameters()
  init.kaiming_uniform_(self.weight, { a = math.sqrt(5) })
  local b = rawget(self, 'bias')
  if b ~= nil then
    local fan_in = self.in_features
    local bound = fan_in > 0 and 1 / math.sqrt(fan_in) or 0
    init.uniform_(b, -bound, bound)
  end
end

function Linear:updateOutput(x)
  if getmetatable(x) ~= tensor_mt then bad_input('Linear', x) end
  local w, b = rawget(self, 'weight'), rawget(self, 'bias')
  local nd = c_dim(x)
  if nd == 0 or c_size(x, nd) ~= self.in_features then
    torch._error(string.format('[Linear] expected input with last dimension %d, got shape %s',
      self.in_features, nn._shape(x)))
  end
  if c_dtype(x) ~= c_dtype(w) then
    torch._error(string.format('[Linear] expected input of dtype %s (the dtype of the weight), got %s',
      w.dtype.name, x.dtype.name))
  end
  if nd == 2 and b ~= nil then return addmm(b, x, c_t(w)) end
  local y = matmul(x, c_t(w))
  if b ~= nil then y = add(y, b) end
  return y
end

function Linear:extra_repr()
  return string.format('in_features=%d, out_features=%d, bias=%s', self.in_features, self.out_features,
    nn._pybool(rawget(self, 'bias') ~= nil))
end

-- ---------------------------------------------------------------------------- Bilinear
-- Bilinear(in1_features, in2_features, out_features [, bias = true]):
-- y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]
local Bilinear = torch.class('nn.Bilinear', 'nn.Module', nn)

function Bilinear:__init(in1, in2, out, bias, opts)
  Module.__init(self)
  check_count('Bilinear', 'in1_features', in1)
  check_count('Bilinear', 'in2_features', in2)
  check_count('Bilinear', 'out_features', out)
  local o = factory_opts('Bilinear', bias, opts)
  self.in1_features, self.in2_features, self.out_features = in1, in2, out
  self.weight = nn.Parameter(torch.empty(out, in1, in2, { dtype = o.dtype, device = o.device }))
  if o.bias then
    self.bias = nn.Parameter(torch.empty(out, { dtype = o.dtype, device = o.device }))
  else
    self:register_parameter('bias', nil)
  end
  self:reset_parameters()
end

function Bilinear:reset_parameters()
  local bound = self.in1_features > 0 and 1 / math.sqrt(self.in1_features) or 0
  init.uniform_(self.weight, -bound, bound)
  local b = rawget(self, 'bias')
  if b ~= nil then init.uniform_(b, -bound, bound) end
end

-- The bilinear form from recorded ops (differentiable): (x1 @ W') . x2 summed over j.
local function bilinear(x1, x2, w, b)
  local lead = c_size(x1)
  local n1, n2, out = w:size(2), w:size(3), w:size(1)
  table.remove(lead)
  local rows = 1
  for _, s in ipairs(lead) do rows = rows * s end
  local a = x1:reshape(rows, n1)
  local c = x2:reshape(rows, n2)
  -- W' (n1, out * n2): W'[i, o * n2 + j] = W[o, i, j]
  local wp = w:permute(2, 1, 3):reshape(n1, out * n2)
  local t = matmul(a, wp):view(rows, out, n2)
  local y = (t * c:unsqueeze(2)):sum(3)
  if b ~= nil then y = add(y, b) end
  lead[#lead + 1] = out
  return y:reshape(lead)
end
nn._bilinear = bilinear

function Bilinear:updateOutput(x1, x2)
  if getmetatable(x1) ~= tensor_mt then bad_input('Bilinear', x1) end
  if getmetatable(x2) ~= tensor_mt then bad_input('Bilinear', x2) end
  local n1, n2 = c_dim(x1), c_dim(x2)
  local s1, s2 = c_size(x1), c_size(x2)
  local ok = n1 >= 1 and n1 == n2 and s1[n1] == self.in1_features and s2[n2] == self.in2_features
  for d = 1, n1 - 1 do if s1[d] ~= s2[d] then ok = false end end
  if not ok then
    torch._error(string.format('[Bilinear] expected inputs of shapes (..., %d) and (..., %d) with the same leading dimensions, got %s and %s',
      self.in1_features, self.in2_features, nn._shape(x1), nn._shape(x2)))
  end
  local w = rawget(self, 'weight')
  if c_dtype(x1) ~= c_dtype(w) or c_dtype(x2) ~= c_dtype(w) then
    torch._error(string.format('[Bilinear] expected inputs of dtype %s (the dtype of the weight), got %s and %s',
      w.dtype.name, x1.dtype.name, x2.dtype.name))
  end
  return bilinear(x1, x2, w, rawget(self, 'bias'))
end

function Bilinear:extra_repr()
  return string.format('in1_features=%d, in2_features=%d, out_features=%d, bias=%s', self.in1_features,
    self.in2_features, self.out_features, nn._pybool(rawget(self, 'bias') ~= nil))
end

return Linear
