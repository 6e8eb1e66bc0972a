-- Argument helpers shared by the layer files (conv, pooling, normalisation, dropout,
-- embedding, recurrent, attention, transformer).
--
-- A layer takes PyTorch's constructor arguments by position and/or in a trailing options
-- table: nn.Conv2d(3, 8, 3, {stride = 2, padding = 'same'}) is nn.Conv2d(3, 8, 3, 2, 'same').
-- Sizes (kernel_size, stride, ...) are a number or a table with one entry per spatial dim.
local torch = require 'torch'
local nn = require 'torch.nn'

local A = {}
nn._layer = A

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end
A.is_tensor = is_tensor

local function fail(fmt, ...) torch._error(string.format(fmt, ...)) end
A.fail = fail

-- a plain table without element [1]: an options table (a size such as {3, 3} is not one)
local function is_opts(v)
  return type(v) == 'table' and getmetatable(v) == nil and rawget(v, 1) == nil
end
A.is_opts = is_opts

-- args(where, names, extra, ...) -> table by name: the positional values in the order of
-- names, then the keys of a trailing options table (names or extra; anything else is an
-- error, as is a name given both ways).
function A.args(where, names, extra, ...)
  local n = select('#', ...)
  while n > 0 and select(n, ...) == nil do n = n - 1 end
  local a = {}
  if n == 0 then return a end
  local last = select(n, ...)
  local npos = is_opts(last) and n - 1 or n
  if npos > #names then
    fail('[%s] expected at most %d positional arguments, got %d', where, #names, npos)
  end
  for i = 1, npos do
    local v = select(i, ...)
    if v ~= nil then a[names[i]] = v end
  end
  if npos < n then
    local allowed = {}
    for _, k in ipairs(names) do allowed[k] = true end
    for _, k in ipairs(extra or {}) do allowed[k] = true end
    for k, v in pairs(last) do
      if not allowed[k] then fail("[%s] unknown option '%s'", where, tostring(k)) end
      if a[k] ~= nil then fail('[%s] %s given both as an argument and as an option', where, k) end
      a[k] = v
    end
  end
  return a
end

local function typeof(v) return is_tensor(v) and 'Tensor' or type(v) end

function A.int(where, what, v, min)
  if type(v) ~= 'number' or v ~= math.floor(v) or (min and v < min) then
    if min == 1 then fail('[%s] %s must be a positive integer, got %s', where, what, tostring(v)) end
    if min == 0 then fail('[%s] %s must be a non-negative integer, got %s', where, what, tostring(v)) end
    fail('[%s] %s must be an integer, got %s', where, what, tostring(v))
  end
  return v
end

function A.number(where, what, v)
  if type(v) ~= 'number' then fail('[%s] %s must be a number, got %s', where, what, typeof(v)) end
  return v
end

function A.bool(where, what, v)
  if type(v) ~= 'boolean' then fail('[%s] %s must be a boolean, got %s', where, what, typeof(v)) end
  return v
end

function A.prob(where, what, v)
  if type(v) ~= 'number' or v < 0 or v > 1 then
    fail('[%s] %s probability has to be between 0 and 1, but got %s', where, what, tostring(v))
  end
  return v
end

-- ntuple(where, what, v, n, min): a number repeated n times, or a table of n integers
function A.ntuple(where, what, v, n, min)
  local t = {}
  if type(v) == 'number' then
    for i = 1, n do t[i] = v end
  elseif type(v) == 'table' and not is_tensor(v) then
    local m = #v
    if getmetatable(v) ~= nil and v.totable then v = v:totable(); m = #v end
    if m ~= n then
      fail('[%s] %s must be an integer or a table of %d integers, got %d values', where, what, n, m)
    end
    for i = 1, n do t[i] = v[i] end
  else
    fail('[%s] %s must be an integer or a table of %d integers, got %s', where, what, n, typeof(v))
  end
  for i = 1, n do
    local x = t[i]
    if type(x) ~= 'number' or x ~= math.floor(x) or (min and x < min) then
      fail('[%s] %s must hold %s integers, got %s', where, what,
        min == 1 and 'positive' or min == 0 and 'non-negative' or 'whole', tostring(x))
    end
  end
  return t
end

-- Python's repr of a tuple of ints: (3,) or (3, 3)
A.tuple = nn._pytuple

function A.check_input(where, x)
  if not is_tensor(x) then fail('[%s] expected a Tensor as input, got %s', where, typeof(x)) end
  return x
end

-- input of d or d + 1 dims (unbatched / batched), with a message naming both
function A.check_dims(where, x, d, what)
  local nd = x:dim()
  if nd ~= d and nd ~= d + 1 then
    fail('[%s] expected %d-D (unbatched) or %d-D (batched) input%s, got shape %s', where, d, d + 1,
      what or '', nn._shape(x))
  end
  return nd == d + 1
end

-- the dtype of x must be the parameter's (what: 'the weight' unless given)
function A.check_dtype(where, x, p, what)
  if p ~= nil and x.dtype ~= p.dtype then
    fail('[%s] expected input of dtype %s (the dtype of %s), got %s', where, p.dtype.name,
      what or 'the weight', x.dtype.name)
  end
end

-- Calls f(...) and re-raises its error with `[where]` in place of the function's name;
-- returns every result.
function A.call(where, f, ...)
  local r = { pcall(f, ...) }
  if r[1] then return unpack(r, 2, table.maxn(r)) end
  local e = r[2]
  if type(e) == 'string' then
    local pre, rest = e:match('^(.-)%[[%w_.]+%] (.*)$')
    if pre then e = pre .. '[' .. where .. '] ' .. rest end
  end
  error(e, 0)
end

-- The device of factory options {device =}: a torch.device, after checking that CUDA can be
-- used when it names a GPU.
function A.factory_device(where, device)
  local dev = torch.device(device)
  if dev.type == 'cuda' then
    local ok, why = torch.cuda.is_available()
    if not ok then fail('[%s] cannot create parameters on %s: CUDA is not available: %s', where, tostring(dev), why) end
  end
  return dev
end

-- factory options {dtype =, device =}
function A.factory(where, a)
  local o = {}
  if a.dtype ~= nil then o.dtype = torch._todtype(a.dtype, where) end
  if a.device ~= nil then o.device = A.factory_device(where, a.device) end
  return o
end

return A
