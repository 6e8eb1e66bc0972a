-- torch.pointwise: elementwise math beyond + - * / ^ (docs/pointwise.md).
--
-- Most elementwise ops (exp, sin, sigmoid, isnan, eq, bitwise_and, maximum, ...) are rows of
-- lib/TH/THOps.def whose bindings are generated and installed as methods by Tensor.lua.  This
-- file installs the ones bound by hand in lib/luabind/lb_pointwise.c (those with parameters
-- or checks of their own), PyTorch's alias names, and the `%` operator.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local mt = torch._tensor_mt

-- x:name(...), x:name_(...) and torch.name(...)
local with_inplace = {
  'square', 'logit', 'round', 'nan_to_num', 'fmod', 'remainder', 'floor_divide', 'clamp',
  'lerp', 'addcmul', 'addcdiv',
}
for _, name in ipairs(with_inplace) do
  Tensor[name] = assert(core[name], name)
  Tensor[name .. '_'] = assert(core[name .. '_'], name)
  torch[name] = core[name]
end
for _, name in ipairs { 'isclose', 'allclose', 'equal' } do
  Tensor[name] = assert(core[name], name)
  torch[name] = core[name]
end

-- torch.where(cond, x, y); as a method the tensor is x: x:where(cond, y)
torch.where = core.where
function Tensor.where(x, cond, y, opts) return core.where(cond, x, y, opts) end

-- PyTorch's other names for the same ops (with their in-place forms)
local aliases = {
  absolute = 'abs', arccos = 'acos', arcsin = 'asin', arctan = 'atan', arccosh = 'acosh',
  arcsinh = 'asinh', arctanh = 'atanh', arctan2 = 'atan2', clip = 'clamp', fix = 'trunc',
  greater = 'gt', greater_equal = 'ge', less = 'lt', less_equal = 'le', not_equal = 'ne',
}
for alias, name in pairs(aliases) do
  Tensor[alias] = assert(Tensor[name], name)
  torch[alias] = Tensor[name]
  if Tensor[name .. '_'] then Tensor[alias .. '_'] = Tensor[name .. '_'] end
end

-- a % b is Python's remainder (the result takes the divisor's sign), as in PyTorch
mt.__mod = core.__remainder

-- The instruction set of the vectorised math kernels: 'avx512', 'avx2' or 'default'.
torch._cpu_capability = core.cpu_capability
