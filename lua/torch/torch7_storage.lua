-- Torch7 storages: torch.LongStorage and the storages behind x:storage().
--
-- Two kinds of object answer to Torch7's storage API (s[i], s[i] = v, #s, s:size(), s:fill(v),
-- s:copy(src), s:totable(), tostring(s), torch.typename(s)):
--
--   * torch.LongStorage(n | table) is a size list: a plain Lua table of numbers with a
--     metatable, so it works wherever sizes are taken (torch.zeros(torch.LongStorage{2, 3}),
--     x:view(s), x:resize(s)) and compares equal to an equal torch.Size.
--   * x:storage() (and torch.FloatStorage(n | table), torch.DoubleStorage(...), ... for every
--     dtype but int64) is a view of tensor memory: a userdata proxy over a 1-D tensor that
--     spans the whole storage, so writes through it are seen by every tensor on that storage.
--     An int64 tensor's x:storage() is such a view too, named torch.LongStorage.
--
-- lua/torch/torch7.lua loads this file and uses the returned helpers.
local torch = require 'torch'
local core = torch._core
local is_tensor = torch.is_tensor
local Size = torch._Size

local M = {}

-- storage names per dtype name
local storage_names = {
  float32 = 'torch.FloatStorage', float64 = 'torch.DoubleStorage', float16 = 'torch.HalfStorage',
  bfloat16 = 'torch.BFloat16Storage', int64 = 'torch.LongStorage', int32 = 'torch.IntStorage',
  int16 = 'torch.ShortStorage', int8 = 'torch.CharStorage', uint8 = 'torch.ByteStorage',
  bool = 'torch.BoolStorage',
}
M.storage_names = storage_names

-- Torch7 printed a storage one value per line, then "[torch.FloatStorage of size 3]".
local function format_storage(name, values, floating)
  local lines = {}
  for i = 1, #values do
    local v = values[i]
    if type(v) == 'boolean' then lines[i] = v and ' true' or ' false'
    elseif floating then lines[i] = string.format(' %.4f', v)
    else lines[i] = string.format(' %d', v) end
  end
  lines[#lines + 1] = string.format('[%s of size %d]', name, #values)
  return table.concat(lines, '\n')
end

-- ---------------------------------------------------------------------------- LongStorage
local LongStorage = {}
local long_mt = {
  __index = LongStorage,
  __eq = Size.__eq, -- the same function, so a LongStorage and a torch.Size compare by value
  __typename = 'torch.LongStorage',
  __tostring = function(s) return format_storage('torch.LongStorage', s, false) end,
}
M.long_mt = long_mt

local function is_long_storage(s) return type(s) == 'table' and getmetatable(s) == long_mt end
M.is_long_storage = is_long_storage

local function to_long(v, fname, i)
  if type(v) ~= 'number' then
    torch._error(string.format('[%s] element %d is a %s, expected a number', fname, i, type(v)))
  end
  if v ~= v or v >= 2^63 or v < -2^63 then
    torch._error(string.format('[%s] element %d (%s) does not fit in int64', fname, i, tostring(v)))
  end
  return v >= 0 and math.floor(v) or math.ceil(v)
end

local proxies -- forward: the tensor-backed storages, defined below

-- torch.LongStorage(), (n), ({values}) or (another storage / torch.Size): zeros for (n)
function torch.LongStorage(arg)
  local s = setmetatable({}, long_mt)
  if arg == nil then return s end
  if type(arg) == 'number' then
    if arg < 0 or arg ~= math.floor(arg) then
      torch._error(string.format('[LongStorage] size must be a non-negative integer, got %s', tostring(arg)))
    end
    for i = 1, arg do s[i] = 0 end
    return s
  end
  local values = arg
  if proxies[arg] then values = proxies[arg]:tolist()
  elseif type(arg) ~= 'table' or is_tensor(arg) then
    torch._error('[LongStorage] expected a size, a table of numbers or a storage, got ' .. torch.type(arg))
  end
  for i = 1, #values do s[i] = to_long(values[i], 'LongStorage', i) end
  return s
end

function LongStorage.size(s) return #s end
function LongStorage.elementSize() return 8 end
function LongStorage.totable(s)
  local t = {}
  for i = 1, #s do t[i] = s[i] end
  return t
end
function LongStorage.fill(s, v)
  v = to_long(v, 'fill', 1)
  for i = 1, #s do s[i] = v end
  return s
end
function LongStorage.resize(s, n)
  if type(n) ~= 'number' or n < 0 or n ~= math.floor(n) then
    torch._error(string.format('[resize] size must be a non-negative integer, got %s', tostring(n)))
  end
  for i = #s, n + 1, -1 do s[i] = nil end
  for i = #s + 1, n do s[i] = 0 end
  return s
end
function LongStorage.copy(s, src)
  local values = proxies[src] and proxies[src]:tolist() or src
  if type(values) ~= 'table' or is_tensor(values) then
    torch._error('[copy] expected a storage or a table of numbers, got ' .. torch.type(src))
  end
  if #values ~= #s then
    torch._error(string.format('[copy] size mismatch: the storage has %d elements, the source %d', #s, #values))
  end
  local new = {}
  for i = 1, #values do new[i] = to_long(values[i], 'copy', i) end
  for i = 1, #new do s[i] = new[i] end
  return s
end

-- ---------------------------------------------------------------------------- tensor-backed
-- proxies[p] = the 1-D tensor spanning the storage.  Weak keys: the tensor lives as long as
-- its proxy does (it does not refer back to the proxy, so the pair is collectable).
proxies = setmetatable({}, { __mode = 'k' })
M.proxies = proxies

local Storage = {} -- methods shared by all tensor-backed storages
local protos = {}  -- dtype name -> prototype proxy (newproxy(proto) shares its metatable)

function Storage.size(s) return core.numel(proxies[s]) end
function Storage.elementSize(s) return proxies[s].dtype.itemsize end
function Storage.totable(s) return proxies[s]:tolist() end
function Storage.fill(s, v)
  core.fill_(proxies[s], v)
  return s
end
function Storage.copy(s, src)
  local t = proxies[s]
  local from = proxies[src]
  if from == nil then
    if is_long_storage(src) or (type(src) == 'table' and not is_tensor(src) and getmetatable(src) == nil) then
      from = torch.tensor(src, { dtype = torch.float64 })
    elseif is_tensor(src) then
      from = src
    else
      torch._error('[copy] expected a storage, a tensor or a table of numbers, got ' .. torch.type(src))
    end
  end
  if core.numel(from) ~= core.numel(t) then
    torch._error(string.format('[copy] size mismatch: the storage has %d elements, the source %d',
      core.numel(t), core.numel(from)))
  end
  core.copy_(t, core.reshape(from, { core.numel(t) }))
  return s
end
function Storage.resize()
  torch._error('[resize] a storage viewed by tensors cannot be resized here; resize the tensor (x:resize(...)) instead')
end

for dname, sname in pairs(storage_names) do
  local proto = newproxy(true)
  local mt = getmetatable(proto)
  mt.__typename = sname
  mt.__index = function(s, k)
    if type(k) == 'number' then return proxies[s][k] end
    return Storage[k]
  end
  mt.__newindex = function(s, k, v)
    if type(k) ~= 'number' then
      torch._error(string.format('cannot set field "%s" of a %s', tostring(k), sname))
    end
    proxies[s][k] = v
  end
  mt.__len = function(s) return core.numel(proxies[s]) end
  mt.__tostring = function(s)
    local t = proxies[s]
    return format_storage(sname, t:tolist(), t.dtype.is_floating_point)
  end
  protos[dname] = proto
end

-- A storage proxy over the 1-D tensor t (which must span its whole storage).
function M.wrap(t)
  local p = newproxy(protos[t.dtype.name])
  proxies[p] = t
  return p
end

-- x:storage()
function M.storage_of(x) return M.wrap(core.torch7_storage(x)) end

-- The storage's name ('torch.FloatStorage'), or nil when s is not a storage.
function M.typename(s)
  if is_long_storage(s) then return 'torch.LongStorage' end
  local t = proxies[s]
  if t then return storage_names[t.dtype.name] end
  return nil
end

-- torch.FloatStorage(n | table | storage), ...: new memory of that dtype (zeros for n).
local storage_ctor_dtypes = {}
for dname, sname in pairs(storage_names) do
  if dname ~= 'int64' then
    local short = sname:match('^torch%.(.*)$')
    local fname = short
    local dtype = torch[dname]
    local ctor = setmetatable({}, {
      __call = function(_, arg)
        local t
        if arg == nil then t = core.empty({ 0 }, dtype.id, 0, 0)
        elseif type(arg) == 'number' then
          if arg < 0 or arg ~= math.floor(arg) then
            torch._error(string.format('[%s] size must be a non-negative integer, got %s', fname, tostring(arg)))
          end
          t = core.full({ arg }, 0, dtype.id, 0, 0)
        elseif proxies[arg] or is_long_storage(arg) then
          local src = proxies[arg] or torch.tensor(arg, { dtype = torch.float64 })
          t = core.to_dtype(core.clone(src), dtype.id)
        elseif type(arg) == 'table' and not is_tensor(arg) then
          t = torch.tensor(arg, { dtype = dtype })
          if core.dim(t) ~= 1 then
            torch._error(string.format('[%s] expected a flat table of numbers', fname))
          end
        else
          torch._error(string.format('[%s] expected a size, a table of numbers or a storage, got %s',
            fname, torch.type(arg)))
        end
        return M.wrap(core.torch7_storage(t))
      end,
      __tostring = function() return sname end,
    })
    torch[short] = ctor
    storage_ctor_dtypes[ctor] = dtype
  end
end
M.storage_ctor_dtypes = storage_ctor_dtypes

-- torch.isStorage(obj)
function torch.isStorage(obj) return M.typename(obj) ~= nil end

-- A tensor over a storage, Torch7's torch.Tensor(storage [, offset [, sizes [, strides]]]):
-- offset 1-based; sizes and strides as tables / torch.Size / LongStorage, or interleaved
-- numbers (size1, stride1, size2, stride2, ...).  Without sizes: 1-D to the storage's end.
function M.tensor_on(fname, s, offset, sizes, strides, ...)
  local base = proxies[s]
  local n = core.numel(base)
  offset = offset or 1
  if type(offset) ~= 'number' or offset ~= math.floor(offset) then
    torch._error(string.format('[%s] storage offset must be an integer, got %s', fname, tostring(offset)))
  end
  if offset < 1 or offset > n + 1 then
    torch._error(string.format('[%s] storage offset %d is out of range 1..%d (offsets are 1-based)',
      fname, offset, n + 1))
  end
  if type(sizes) == 'number' then -- interleaved size, stride pairs
    local args = { sizes, strides, ... }
    sizes, strides = {}, {}
    for i = 1, select('#', sizes, strides, ...), 2 do
      sizes[#sizes + 1] = args[i]
      strides[#strides + 1] = args[i + 1] -- nil: contiguous (filled in below)
    end
    local st = 1
    for d = #sizes, 1, -1 do
      if strides[d] == nil then strides[d] = st end
      st = st * sizes[d]
    end
  elseif sizes == nil then
    sizes = { n - offset + 1 }
  end
  if type(sizes) ~= 'table' then
    torch._error(string.format('[%s] sizes must be a table, a torch.Size or a LongStorage, got %s', fname, type(sizes)))
  end
  if strides == nil then
    strides = {}
    local st = 1
    for d = #sizes, 1, -1 do
      strides[d] = st
      st = st * sizes[d]
    end
  end
  return core.as_strided(base, sizes, strides, offset - 1)
end

return M
