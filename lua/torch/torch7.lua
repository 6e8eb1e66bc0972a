-- Torch7 compatibility: the names a Torch7 script uses, where they do not collide with PyTorch.
--
-- Typed constructors (torch.FloatTensor(2, 3), torch.LongTensor{1, 2, 3}, ...), the default
-- tensor type (torch.setdefaulttensortype), type names and checks (torch.typename, torch.type,
-- torch.isTensor, torch.isTypeOf), Torch7's tensor methods (x:nElement(), x:zero(), x:fill(v),
-- x:copy(y), x:resize(...), x:storage(), x:apply(fn), x:cmul(y), x:uniform(a, b), ...), and
-- torch.Timer.  Classes are in torch7_class.lua, storages in torch7_storage.lua.  Where Torch7
-- and PyTorch give one name two meanings (x:add(y) mutates x in Torch7, returns a new tensor in
-- PyTorch) PyTorch's meaning stays; docs/torch7.md lists every such name.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor
local Size = torch._Size
local storage = require 'torch.torch7_storage'
local class = require 'torch.torch7_class'

-- Installs a Tensor method unless the name is taken (by another part of the library).
local function method(name, f)
  if rawget(Tensor, name) == nil then Tensor[name] = f end
end

-- ---------------------------------------------------------------------------- type names
local legacy_of = {
  float32 = 'torch.FloatTensor', float64 = 'torch.DoubleTensor', float16 = 'torch.HalfTensor',
  bfloat16 = 'torch.BFloat16Tensor', int64 = 'torch.LongTensor', int32 = 'torch.IntTensor',
  int16 = 'torch.ShortTensor', int8 = 'torch.CharTensor', uint8 = 'torch.ByteTensor',
  bool = 'torch.BoolTensor',
}

-- torch.typename(obj): 'torch.FloatTensor', 'torch.LongStorage', a torch.class name, or nil
function torch.typename(obj)
  if is_tensor(obj) then return obj:type() end
  return storage.typename(obj) or class.typename(obj)
end

-- torch.type(obj): torch.typename(obj), or Lua's type(obj) for anything else
function torch.type(obj) return torch.typename(obj) or type(obj) end

torch.isTensor = is_tensor

-- ---------------------------------------------------------------------------- constructors
local ctor_dtypes = {} -- constructor table -> dtype
local size_like = { [Size] = true, [storage.long_mt] = true }

local function is_plain(t) return type(t) == 'table' and not is_tensor(t) and getmetatable(t) == nil end

-- A contiguous-strided tensor of dtype, uninitialised, with explicit strides.
local function empty_strided(fname, dtype, sizes, strides)
  if #strides ~= #sizes then
    torch._error(string.format('[%s] %d sizes but %d strides', fname, #sizes, #strides))
  end
  local span = 1
  for d = 1, #sizes do
    if sizes[d] == 0 then span = 0; break end
    span = span + (sizes[d] - 1) * strides[d]
  end
  return core.as_strided(core.empty({ span }, dtype.id, 0, 0), sizes, strides, 0)
end

-- Torch7's constructor forms, for dtype (nil: the dtype of a viewed tensor/storage is kept):
--   ()                          an empty tensor, size (0)
--   (n1, n2, ...)               uninitialised, of those sizes
--   (sizes [, strides])         sizes / strides as torch.Size or torch.LongStorage
--   ({...}), ({{...}, ...})     the values of a (nested) Lua table
--   (tensor)                    a view of tensor's memory (same dtype required)
--   (storage [, offset [, sizes [, strides]]])  a view of the storage
local function construct(fname, dtype, ...)
  local n = select('#', ...)
  local first, second = ...
  if n == 0 or (n == 1 and first == nil) then
    return core.empty({ 0 }, (dtype or torch.get_default_dtype()).id, 0, 0)
  end
  if is_tensor(first) then
    if n > 1 then torch._error(string.format('[%s] a tensor argument takes no further arguments', fname)) end
    if dtype and first.dtype ~= dtype then
      torch._error(string.format('[%s] expected a %s to view, got a %s (convert it with x:type(\'%s\'))',
        fname, legacy_of[dtype.name], legacy_of[first.dtype.name], legacy_of[dtype.name]))
    end
    return core.as_strided(first, core.size(first), core.stride(first))
  end
  if storage.proxies[first] then
    local base = storage.proxies[first]
    if dtype and base.dtype ~= dtype then
      torch._error(string.format('[%s] expected a %s, got a %s', fname,
        storage.storage_names[dtype.name], storage.storage_names[base.dtype.name]))
    end
    return storage.tensor_on(fname, first, select(2, ...))
  end
  local d = dtype or torch.get_default_dtype()
  if type(first) == 'table' and size_like[getmetatable(first)] then
    if n > 2 then torch._error(string.format('[%s] expected sizes and at most strides', fname)) end
    if second == nil then return core.empty(first, d.id, 0, 0) end
    if type(second) ~= 'table' or is_tensor(second) then
      torch._error(string.format('[%s] strides must be a torch.LongStorage or a table, got %s', fname, torch.type(second)))
    end
    return empty_strided(fname, d, first, second)
  end
  if is_plain(first) then
    if n > 1 then torch._error(string.format('[%s] a table of values takes no further arguments', fname)) end
    return torch.tensor(first, { dtype = d })
  end
  local sizes = {}
  for i = 1, n do
    local v = (select(i, ...))
    if type(v) ~= 'number' then
      torch._error(string.format('[%s] expected sizes (numbers), a torch.LongStorage, a table of values, a tensor or a storage; argument %d is a %s',
        fname, i, torch.type(v)))
    end
    sizes[i] = v
  end
  return core.empty(sizes, d.id, 0, 0)
end

local typed_names = {}
for dname, legacy in pairs(legacy_of) do
  local short = legacy:match('^torch%.(.*)$')
  local dtype = torch[dname]
  local ctor = setmetatable({}, {
    __call = function(_, ...) return construct(short, dtype, ...) end,
    __index = Tensor,
    -- methods added here are added to every tensor (all dtypes share torch.Tensor's methods)
    __newindex = function(_, k, v) Tensor[k] = v end,
    __tostring = function() return legacy end,
  })
  torch[short] = ctor
  ctor_dtypes[ctor] = dtype
  typed_names[legacy] = dtype
  class.builtin_metatables[legacy] = Tensor
  class.builtin_constructors[legacy] = ctor
end
class.builtin_metatables['torch.Tensor'] = Tensor
for dname, sname in pairs(storage.storage_names) do
  class.builtin_constructors[sname] = torch[sname:match('^torch%.(.*)$')]
end

-- torch.Tensor(...): the same forms in the default dtype; a tensor or storage argument is
-- viewed with its own dtype (as PyTorch's torch.Tensor(x) does).
do
  local mt = getmetatable(Tensor)
  local previous = mt and mt.__call
  local function call(_, ...)
    local first = ...
    if previous and (is_plain(first) or is_tensor(first)) then return previous(Tensor, ...) end
    return construct('Tensor', nil, ...)
  end
  if mt then mt.__call = call else setmetatable(Tensor, { __call = call }) end
end

-- ---------------------------------------------------------------------------- default type
local function tensor_type_dtype(fname, t)
  if ctor_dtypes[t] then return ctor_dtypes[t] end
  if type(t) == 'string' and typed_names[t] then return typed_names[t] end
  torch._error(string.format('[%s] unknown tensor type %s (expected a name like \'torch.DoubleTensor\')',
    fname, type(t) == 'string' and ("'" .. t .. "'") or torch.type(t)))
end

local function set_default(fname, t)
  local d = tensor_type_dtype(fname, t)
  if d ~= torch.float32 and d ~= torch.float64 then
    torch._error(string.format('[%s] the default tensor type must be torch.FloatTensor or torch.DoubleTensor, got %s',
      fname, legacy_of[d.name]))
  end
  torch.set_default_dtype(d)
end

function torch.setdefaulttensortype(t) set_default('setdefaulttensortype', t) end
function torch.set_default_tensor_type(t) set_default('set_default_tensor_type', t) end
function torch.getdefaulttensortype() return legacy_of[torch.get_default_dtype().name] end

-- ---------------------------------------------------------------------------- seeds
torch.initialSeed = torch.initial_seed

-- ---------------------------------------------------------------------------- type checks
-- torch.isTypeOf(obj, spec): spec a class/tensor/storage name (a Lua pattern when it has
-- magic characters) or a constructor (torch.FloatTensor, a torch.class constructor;
-- torch.Tensor matches every tensor).
function torch.isTypeOf(obj, spec)
  if rawequal(spec, Tensor) then return is_tensor(obj) end
  if type(spec) ~= 'string' then
    local name = class.ctor_names[spec] or (ctor_dtypes[spec] and legacy_of[ctor_dtypes[spec].name])
      or (type(spec) == 'table' and class.classes[rawget(spec, '__typename')] == spec and spec.__typename)
      or (storage.storage_ctor_dtypes[spec] and tostring(spec))
      or (rawequal(spec, torch.LongStorage) and 'torch.LongStorage')
    if not name then
      torch._error('[isTypeOf] the type must be a name (a string, possibly a pattern) or a constructor, got '
        .. torch.type(spec))
    end
    spec = name
  end
  local names
  if is_tensor(obj) then names = { legacy_of[obj.dtype.name] }
  elseif storage.typename(obj) then names = { storage.typename(obj) }
  else names = class.lineage(obj) end
  for _, name in ipairs(names) do
    local ok, match = pcall(string.match, name, spec)
    if ok and match and (match ~= spec or match == name) then return true end
  end
  return false
end

-- ---------------------------------------------------------------------------- x.new
-- x.new(...) / x:new(...): a tensor of x's dtype from the constructor forms above
-- (x.new() is an empty tensor, Torch7's idiom for a buffer of the same type).
Tensor._getters.new = function(x)
  local dtype = x.dtype
  return function(...)
    if rawequal((...), x) then return construct('new', dtype, select(2, ...)) end
    return construct('new', dtype, ...)
  end
end

-- ---------------------------------------------------------------------------- x:type(T)
-- x:type(torch.DoubleTensor) as PyTorch accepts it (names and dtypes already work)
do
  local base_type = Tensor.type
  Tensor.type = function(x, t, ...)
    if ctor_dtypes[t] then t = ctor_dtypes[t] elseif rawequal(t, Tensor) then t = torch.get_default_dtype() end
    return base_type(x, t, ...)
  end
end

require('torch.torch7_methods')(method, construct)

-- ---------------------------------------------------------------------------- Timer
local Timer = torch.class('torch.Timer', torch)

local clock = core.torch7_clock

function Timer:__init()
  self._running = true
  self._acc = { 0, 0, 0 }
  self._start = { clock() }
end

-- t:reset(): the accumulated time goes back to 0; a running timer counts on from now
function Timer:reset()
  self._acc = { 0, 0, 0 }
  self._start = { clock() }
  return self
end

-- t:stop(): stops counting (time() keeps returning the time counted so far)
function Timer:stop()
  if self._running then
    local now = { clock() }
    for i = 1, 3 do self._acc[i] = self._acc[i] + now[i] - self._start[i] end
    self._running = false
  end
  return self
end

-- t:resume(): counts on after a stop()
function Timer:resume()
  if not self._running then
    self._start = { clock() }
    self._running = true
  end
  return self
end

-- t:time() -> {real =, user =, sys =} in seconds
function Timer:time()
  local r = { self._acc[1], self._acc[2], self._acc[3] }
  if self._running then
    local now = { clock() }
    for i = 1, 3 do r[i] = r[i] + now[i] - self._start[i] end
  end
  return { real = r[1], user = r[2], sys = r[3] }
end

return torch
