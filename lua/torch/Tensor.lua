-- torch.Tensor: the tensor metatable's Lua half.
--
-- The C core gives the metatable and the primitive functions (all taking tensors as their
-- first argument); this file installs them as methods, adds the fields PyTorch users read
-- (x.shape, x.dtype, x.device, x.requires_grad, ...), Torch7-style indexing (x[i],
-- x[{i, {a, b}}]) and the operators.  Method lookup goes through one Lua __index function so
-- that fields and numeric indices work on the same userdata.
local torch = require 'torch'
local core = torch._core
local mt = core.Tensor

-- The class table: methods live here, and users may add their own (function torch.Tensor:f()).
local Tensor = {}
torch.Tensor = Tensor
torch._tensor_mt = mt

local function is_tensor(x) return getmetatable(x) == mt end
torch.is_tensor = is_tensor

-- ---------------------------------------------------------------------------- torch.Size
local Size = {}
Size.__index = Size
Size.__tostring = function(s)
  local parts = {}
  for i = 1, #s do parts[i] = tostring(s[i]) end
  return 'torch.Size([' .. table.concat(parts, ', ') .. '])'
end
Size.__eq = function(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end
function Size:numel()
  local n = 1
  for i = 1, #self do n = n * self[i] end
  return n
end
function Size:totable()
  local t = {}
  for i = 1, #self do t[i] = self[i] end
  return t
end
torch._Size = Size
function torch.Size(t) return setmetatable(t or {}, Size) end

-- ---------------------------------------------------------------------------- C methods
local c_methods = {
  'stride', 'dim', 'numel', 'is_contiguous', 'storage_offset', 'data_ptr', 'item', 'view',
  'reshape', 'transpose', 't', 'permute', 'narrow', 'select', 'squeeze', 'unsqueeze', 'expand',
  'flatten', 'unfold', 'as_strided', 'contiguous', 'clone', 'copy_', 'resize_', 'set_',
  'fill_', 'zero_',
}
for _, name in ipairs(c_methods) do
  Tensor[name] = assert(core[name], name)
end
-- Every POINTWISE row of the op table: x:name(...), x:name_(...) and torch.name(...).
for name, has_inplace in pairs(core.pointwise_ops) do
  Tensor[name] = core[name]
  torch[name] = core[name]
  if has_inplace then Tensor[name .. '_'] = core[name .. '_'] end
end

local c_size = core.size
function Tensor.size(x, d)
  if d ~= nil then return c_size(x, d) end
  return setmetatable(c_size(x), Size)
end
Tensor.nelement = Tensor.numel
Tensor.nDimension = Tensor.dim
Tensor.ndimension = Tensor.dim
Tensor.swapaxes = Tensor.transpose
Tensor.swapdims = Tensor.transpose
Tensor.negative = Tensor.neg
Tensor.subtract = Tensor.sub
Tensor.multiply = Tensor.mul
Tensor.divide = Tensor.div
Tensor.true_divide = Tensor.div

function Tensor.view_as(x, other) return core.view(x, c_size(other)) end
function Tensor.reshape_as(x, other) return core.reshape(x, c_size(other)) end
function Tensor.expand_as(x, other) return core.expand(x, other) end
function Tensor.resize_as_(x, other) return core.resize_(x, other) end
function Tensor.is_same(x, other) return core.is_same(x, other) end
function Tensor.is_set_to(x, other)
  return core.shares_storage(x, other) and x:storage_offset() == other:storage_offset()
    and x:size() == other:size() and Size.__eq(x:stride(), other:stride())
end
function Tensor.is_floating_point(x) return x.dtype.is_floating_point end
function Tensor.element_size(x) return x.dtype.itemsize end
function Tensor.dtype_name(x) return x.dtype.name end

-- tolist(): nested Lua tables (a number for a 0-dim tensor)
function Tensor.tolist(x)
  local vals = core.values(x)
  local sizes = c_size(x)
  if #sizes == 0 then return vals[1] end
  local pos = 0
  local function build(d)
    local t = {}
    for i = 1, sizes[d] do
      if d == #sizes then
        pos = pos + 1
        t[i] = vals[pos]
      else
        t[i] = build(d + 1)
      end
    end
    return t
  end
  return build(1)
end

-- ---------------------------------------------------------------------------- conversions
local function to_dtype(x, d) return core.to_dtype(x, torch._todtype(d, 'to').id) end
local conversions = {
  float = 'float32', double = 'float64', half = 'float16', bfloat16 = 'bfloat16',
  long = 'int64', int = 'int32', short = 'int16', char = 'int8', byte = 'uint8', bool = 'bool',
}
for method, name in pairs(conversions) do
  Tensor[method] = function(x) return core.to_dtype(x, torch[name].id) end
end

-- x:type() -> 'torch.FloatTensor'-style name; x:type(dtype or name) -> converted tensor
local legacy_names = {
  float32 = 'torch.FloatTensor', float64 = 'torch.DoubleTensor', float16 = 'torch.HalfTensor',
  bfloat16 = 'torch.BFloat16Tensor', int64 = 'torch.LongTensor', int32 = 'torch.IntTensor',
  int16 = 'torch.ShortTensor', int8 = 'torch.CharTensor', uint8 = 'torch.ByteTensor',
  bool = 'torch.BoolTensor',
}
-- CUDA tensors have Torch7's cutorch names: torch.CudaTensor (float32), torch.CudaDoubleTensor, ...
local cuda_legacy_names = {}
for name, legacy in pairs(legacy_names) do
  cuda_legacy_names[name] = name == 'float32' and 'torch.CudaTensor' or legacy:gsub('^torch%.', 'torch.Cuda')
end
torch._cuda_legacy_names = cuda_legacy_names
local legacy_dtypes, cuda_legacy_dtypes = {}, {}
for name, legacy in pairs(legacy_names) do legacy_dtypes[legacy] = name end
for name, legacy in pairs(cuda_legacy_names) do cuda_legacy_dtypes[legacy] = name end
function Tensor.type(x, d)
  if d == nil then return (core.device(x) == 0 and legacy_names or cuda_legacy_names)[x.dtype.name] end
  if type(d) == 'string' and legacy_dtypes[d] then
    return to_dtype(core.device(x) == 0 and x or x:cpu(), legacy_dtypes[d])
  end
  if type(d) == 'string' and cuda_legacy_dtypes[d] then return to_dtype(x:cuda(), cuda_legacy_dtypes[d]) end
  return to_dtype(x, d)
end

-- x:to(dtype), x:to('cpu'), x:to(other_tensor), x:to({dtype =, device =, copy =})
function Tensor.to(x, a, b)
  local opts = {}
  local known = { dtype = true, device = true, copy = true, non_blocking = true, memory_format = true }
  if is_tensor(a) then
    opts.dtype, opts.device = a.dtype, a.device
  elseif type(a) == 'table' and getmetatable(a) == nil then
    opts = a
  elseif a ~= nil then
    local ok, d = pcall(torch._todtype, a)
    if ok then opts.dtype = d else opts.device = a end
    if type(b) == 'table' then for k, v in pairs(b) do opts[k] = v end end
  end
  for k in pairs(opts) do
    if not known[k] then torch._error(string.format('[to] unknown option "%s"', tostring(k))) end
  end
  local r = x
  if opts.device ~= nil then
    local dev = torch.device(opts.device)
    if dev ~= x.device then
      if dev.type == 'cuda' then
        local ok, why = torch.cuda.is_available()
        if not ok then
          torch._error(string.format('[to] cannot move a tensor from %s to %s: CUDA is not available: %s',
            tostring(x.device), tostring(dev), why))
        end
        torch.cuda._check_device('to', dev)
      end
      local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, 'to') or x.dtype
      r = core.to_device(x, dtype.id, dev._type, dev._index, opts.non_blocking)
    end
  end
  if opts.dtype ~= nil then r = to_dtype(r, opts.dtype) end
  if opts.copy and rawequal(r, x) then r = x:clone() end
  return r
end

-- x:cuda([device], [{non_blocking =}]): x on a CUDA device (the current one by default)
function Tensor.cuda(x, device, opts)
  if type(device) == 'table' and getmetatable(device) == nil then device, opts = nil, device end
  if device == nil then
    local ok, why = torch.cuda.is_available()
    if not ok then
      torch._error(string.format('[cuda] cannot move a tensor to CUDA: CUDA is not available: %s', why))
    end
    device = torch.cuda.current_device()
  end
  if type(device) == 'number' then device = torch.device('cuda', device) end
  return Tensor.to(x, { device = device, non_blocking = opts and opts.non_blocking })
end

-- x:cpu(): x itself on the CPU, otherwise a copy there
function Tensor.cpu(x)
  if core.device(x) == 0 then return x end
  return core.to_device(x, core.dtype_id(x), 0, 0, false)
end

-- x:pin_memory(): a CPU tensor in page-locked memory, for non_blocking copies to a GPU
function Tensor.pin_memory(x)
  if core.device(x) == 0 and not core.is_pinned(x) then torch.cuda._need('pin_memory') end
  return core.pin_memory(x)
end
function Tensor.is_pinned(x) return core.is_pinned(x) end

-- ---------------------------------------------------------------------------- fields
local getters = {}
function getters.shape(x) return setmetatable(c_size(x), Size) end
function getters.dtype(x) return torch._dtypes[core.dtype_id(x)] end
function getters.device(x) return torch._device_of(core.device(x)) end
function getters.is_cuda(x) return (core.device(x)) == 1 end
function getters.ndim(x) return core.dim(x) end
function getters.requires_grad(x) return core.requires_grad(x) end
function getters.is_leaf(x) return true end
function getters.grad_fn(x) return nil end
function getters.grad(x) return nil end
function getters.layout(x) return torch.strided end
function getters.data(x) return core.as_strided(x, c_size(x), core.stride(x)) end
function getters.T(x)
  local n = core.dim(x)
  local dims = {}
  for i = 1, n do dims[i] = n - i + 1 end
  return core.permute(x, dims)
end
Tensor._getters = getters

local setters = {}
function setters.requires_grad(x, v)
  if type(v) ~= 'boolean' then torch._error('requires_grad must be a boolean, got ' .. type(v)) end
  core.requires_grad(x, v)
end
function setters.data(x, v)
  if not is_tensor(v) then torch._error('data must be set to a Tensor, got ' .. type(v)) end
  core.set_(x, v)
end
Tensor._setters = setters

function Tensor.requires_grad_(x, flag)
  if flag == nil then flag = true end
  return core.requires_grad(x, flag)
end

-- ---------------------------------------------------------------------------- indexing
-- x[i]: select along dim 1 (a number for a 1-D tensor);
-- x[{i, {a, b}, {}}]: per dim, a number selects, {a, b} narrows to a..b (inclusive, negatives
-- count from the end), {a} keeps just a, {} keeps the whole dim.
local function index_view(x, key)
  if type(key) == 'number' then
    return core.select(x, 1, key)
  end
  local r, dim = x, 1 -- dim: position in r; user_dim: the dimension of x the entry refers to
  for user_dim = 1, #key do
    local spec = key[user_dim]
    if type(spec) == 'number' then
      if core.dim(r) < dim then
        torch._error(string.format('[index] too many indices: the tensor has %d dimensions', core.dim(x)))
      end
      local n = c_size(r, dim)
      if spec == 0 or spec > n or spec < -n then
        torch._error(string.format('[index] index %d is out of range for dimension %d of size %d',
          spec, user_dim, n))
      end
      r = core.select(r, dim, spec)
    elseif type(spec) == 'table' then
      if core.dim(r) < dim then
        torch._error(string.format('[index] too many indices: the tensor has %d dimensions', core.dim(x)))
      end
      local n = c_size(r, dim)
      local a, b = spec[1] or 1, spec[2] or spec[1] or n
      if spec[1] == nil then a, b = 1, n end
      if a < 0 then a = n + a + 1 end
      if b < 0 then b = n + b + 1 end
      if a < 1 or b > n or b < a - 1 then
        torch._error(string.format('[index] range {%d, %d} is out of bounds for dimension %d of size %d',
          spec[1] or 1, spec[2] or n, user_dim, n))
      end
      r = core.narrow(r, dim, a, b - a + 1)
      dim = dim + 1
    else
      torch._error('[index] index entries must be numbers or {first, last} tables, got ' .. type(spec))
    end
  end
  return r
end

local methods_get = Tensor
mt.__index = function(x, k)
  local m = methods_get[k]
  if m ~= nil then return m end
  local g = getters[k]
  if g ~= nil then return g(x) end
  local tk = type(k)
  if tk == 'number' then
    if core.dim(x) == 1 then return core.item(core.select(x, 1, k)) end
    return core.select(x, 1, k)
  elseif tk == 'table' and not is_tensor(k) then
    local v = index_view(x, k)
    return v
  elseif is_tensor(k) and torch._index_get then -- x[mask], x[index_tensor]
    return torch._index_get(x, k)
  end
  return nil
end

mt.__newindex = function(x, k, v)
  local s = setters[k]
  if s ~= nil then return s(x, v) end
  local tk = type(k)
  if tk == 'number' or (tk == 'table' and not is_tensor(k)) then
    local dst = index_view(x, k)
    if is_tensor(v) then
      -- as in PyTorch, leading size-1 dims of the value are dropped to fit the target
      while core.dim(v) > core.dim(dst) and c_size(v, 1) == 1 do v = core.select(v, 1, 1) end
      core.copy_(dst, v)
    elseif type(v) == 'number' or type(v) == 'boolean' then core.fill_(dst, v)
    else torch._error('[index] can only assign a number or a Tensor, got ' .. type(v)) end
    return
  end
  if is_tensor(k) and torch._index_set then return torch._index_set(x, k, v) end
  torch._error(string.format('cannot set field "%s" of a Tensor', tostring(k)))
end

-- ---------------------------------------------------------------------------- operators
mt.__add = core.__add
mt.__sub = core.__sub
mt.__mul = core.__mul
mt.__div = core.__div
mt.__pow = core.__pow
mt.__unm = core.__neg
mt.__len = function(x)
  if core.dim(x) == 0 then torch._error('len() of a 0-d tensor') end
  return c_size(x, 1)
end
mt.__tostring = function(x) return require('torch.print').format(x) end
mt.__gc = core.__gc

-- ---------------------------------------------------------------------------- functions
-- torch.add(a, b, opts), torch.reshape(x, ...), ...: the methods as plain functions.
local functional = {
  'reshape', 'transpose', 't', 'permute', 'narrow',
  'select', 'squeeze', 'unsqueeze', 'flatten', 'unfold', 'as_strided', 'clone', 'numel',
  'is_floating_point', 'swapaxes', 'swapdims', 'negative', 'subtract', 'multiply', 'divide',
  'true_divide',
}
for _, name in ipairs(functional) do torch[name] = Tensor[name] end

-- torch.Tensor(...) makes an uninitialised default-dtype tensor, as in PyTorch and Torch7.
setmetatable(Tensor, {
  __call = function(_, ...) return torch.empty(...) end,
})

return Tensor
