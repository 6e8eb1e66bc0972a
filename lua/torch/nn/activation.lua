-- Activation modules: ReLU, LeakyReLU, ELU, GELU, SiLU, Mish, Sigmoid, Tanh, Softplus,
-- Hardtanh, Softmax, LogSoftmax.  Each is a thin module over torch.nn.functional (or the
-- tensor op) with PyTorch's constructor arguments (positional, or an options table) and repr.
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module

local core = torch._core
local tensor_mt = torch._tensor_mt
local pyfloat, pybool = nn._pyfloat, nn._pybool

local function F() return nn.functional end

local function check_input(name, x)
  if getmetatable(x) ~= tensor_mt then
    torch._error(string.format('[%s] expected a Tensor as input, got %s', name, type(x)))
  end
end

local function number_opt(name, what, v)
  if type(v) ~= 'number' then
    torch._error(string.format('[%s] %s must be a number, got %s', name, what, type(v)))
  end
  return v
end

-- Defines nn.<name>: fields = {{field, default, check}, ...} filled from positional
-- arguments or an options table; forward(self, x) computes; repr(self) gives extra_repr.
local function activation(name, fields, forward, repr)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  local names = {}
  for i, f in ipairs(fields) do names[i] = f[1] end
  function cls:__init(...)
    Module.__init(self)
    local o = nn._options(name, { ... }, names)
    for _, f in ipairs(fields) do
      local v = o[f[1]]
      if v == nil then v = f[2] end
      if f[3] then v = f[3](name, f[1], v) end
      rawset(self, f[1], v)
    end
  end
  function cls:updateOutput(x)
    check_input(name, x)
    return forward(self, x)
  end
  if repr then cls.extra_repr = repr end
  return cls
end

local function bool_opt(name, what, v)
  if type(v) ~= 'boolean' then
    torch._error(string.format('[%s] %s must be a boolean, got %s', name, what, type(v)))
  end
  return v
end

local function inplace_repr(self) return self.inplace and 'inplace=True' or '' end

activation('ReLU', { { 'inplace', false, bool_opt } }, function(self, x)
  if self.inplace then return x:relu_() end
  return core.relu(x)
end, inplace_repr)

activation('LeakyReLU', { { 'negative_slope', 0.01, number_opt }, { 'inplace', false, bool_opt } }, function(self, x)
  return F().leaky_relu(x, { negative_slope = self.negative_slope, inplace = self.inplace })
end, function(self)
  return 'negative_slope=' .. pyfloat(self.negative_slope) .. (self.inplace and ', inplace=True' or '')
end)

activation('ELU', { { 'alpha', 1.0, number_opt }, { 'inplace', false, bool_opt } }, function(self, x)
  return F().elu(x, { alpha = self.alpha, inplace = self.inplace })
end, function(self)
  return 'alpha=' .. pyfloat(self.alpha) .. (self.inplace and ', inplace=True' or '')
end)

activation('GELU', { { 'approximate', 'none', function(name, what, v)
  if v ~= 'none' and v ~= 'tanh' then
    torch._error(string.format("[%s] approximate must be 'none' or 'tanh', got %s", name, tostring(v)))
  end
  return v
end } }, function(self, x)
  return F().gelu(x, { approximate = self.approximate })
end, function(self) return "approximate='" .. self.approximate .. "'" end)

activation('SiLU', { { 'inplace', false, bool_opt } }, function(self, x)
  return F().silu(x, { inplace = self.inplace })
end, inplace_repr)

activation('Mish', { { 'inplace', false, bool_opt } }, function(self, x)
  return F().mish(x, { inplace = self.inplace })
end, inplace_repr)

activation('Sigmoid', {}, function(_, x) return core.sigmoid(x) end)

activation('Tanh', {}, function(_, x) return core.tanh(x) end)

-- Softplus(beta = 1, threshold = 20): PyTorch prints these as given (ints by default)
local function pynum(v) return v == math.floor(v) and string.format('%d', v) or pyfloat(v) end
activation('Softplus', { { 'beta', 1, number_opt }, { 'threshold', 20, number_opt } }, function(self, x)
  return F().softplus(x, { beta = self.beta, threshold = self.threshold })
end, function(self) return 'beta=' .. pynum(self.beta) .. ', threshold=' .. pynum(self.threshold) end)

local Hardtanh = activation('Hardtanh', { { 'min_val', -1.0, number_opt }, { 'max_val', 1.0, number_opt },
  { 'inplace', false, bool_opt } }, function(self, x)
  return F().hardtanh(x, { min_val = self.min_val, max_val = self.max_val, inplace = self.inplace })
end, function(self)
  return 'min_val=' .. pyfloat(self.min_val) .. ', max_val=' .. pyfloat(self.max_val)
    .. (self.inplace and ', inplace=True' or '')
end)
local hardtanh_init = Hardtanh.__init
function Hardtanh:__init(...)
  hardtanh_init(self, ...)
  if self.max_val <= self.min_val then
    torch._error(string.format('[Hardtanh] max_val (%s) must be greater than min_val (%s)',
      pyfloat(self.max_val), pyfloat(self.min_val)))
  end
end

-- Softmax(dim) / LogSoftmax(dim): dim 1-based; without one, PyTorch's legacy choice (dim 1
-- for 0-, 1- and 3-dim inputs, else dim 2).
local function softmax_dim(self, x)
  local d = self.dim
  if d ~= nil then return d end
  local nd = core.dim(x)
  if nd == 0 or nd == 1 or nd == 3 then return 1 end
  return 2
end

local function dim_opt(name, what, v)
  if v ~= nil and (type(v) ~= 'number' or v ~= math.floor(v) or v == 0) then
    torch._error(string.format('[%s] dim must be a nonzero integer (1-based) or nil, got %s', name, tostring(v)))
  end
  return v
end

local function dim_repr(self) return 'dim=' .. (self.dim == nil and 'None' or string.format('%d', self.dim)) end

activation('Softmax', { { 'dim', nil, dim_opt } }, function(self, x)
  return F().softmax(x, softmax_dim(self, x))
end, dim_repr)

activation('LogSoftmax', { { 'dim', nil, dim_opt } }, function(self, x)
  return F().log_softmax(x, softmax_dim(self, x))
end, dim_repr)

return nn
