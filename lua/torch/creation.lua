-- Creation functions: tensor, zeros, ones, full, empty, their _like forms, arange, linspace,
-- logspace, eye and from_pointer.  Sizes come as numbers, a table or a torch.Size; keyword
-- arguments as a trailing options table {dtype =, device =, requires_grad =, out =, layout =,
-- pin_memory =}, each checked here so that a typo is an error and not silently ignored.
local torch = require 'torch'
local core = torch._core
local is_tensor = torch.is_tensor

-- integral and within int64 (so not inf, nan or 1e20): such numbers infer int64
local function is_int(v)
  return v == math.floor(v) and v >= -2^63 and v < 2^63 and not (v == 0 and 1 / v < 0)
end

-- ---------------------------------------------------------------------------- options
local known_options = {
  dtype = true, device = true, requires_grad = true, out = true, layout = true,
  pin_memory = true, memory_format = true,
}

local function check_options(fname, opts, extra)
  for k in pairs(opts) do
    if not known_options[k] and not (extra and extra[k]) then
      torch._error(string.format('[%s] unknown option "%s"', fname, tostring(k)))
    end
  end
  if opts.layout ~= nil and opts.layout ~= torch.strided then
    if opts.layout == torch.sparse_coo then
      torch._error(string.format('[%s] layout torch.sparse_coo is not supported yet (only torch.strided)', fname))
    end
    torch._error(string.format('[%s] unknown layout %s', fname, tostring(opts.layout)))
  end
  if opts.pin_memory then torch.cuda._need(fname, 'pin_memory=true') end -- page-locked memory comes from CUDA
  if opts.requires_grad ~= nil and type(opts.requires_grad) ~= 'boolean' then
    torch._error(string.format('[%s] requires_grad must be a boolean', fname))
  end
  if opts.out ~= nil and not is_tensor(opts.out) then
    torch._error(string.format('[%s] out must be a Tensor', fname))
  end
end

-- Splits (sizes..., opts) into a sizes table and the trailing options table (nil when there
-- is none); every function that takes sizes uses it (here and in random.lua).  Sizes come as
-- numbers, one table or a torch.Size.  The arguments are packed into a table rather than walked
-- with select(i, ...): LuaJIT 2.1's trace compiler was seen to mis-handle that pattern here
-- (sizes came back empty).
function torch._split_sizes(fname, ...)
  local args = { ... }
  local n = select('#', ...)
  local last = args[n]
  local opts
  if n > 1 and type(last) == 'table' and not is_tensor(last) and getmetatable(last) == nil
    and last[1] == nil then
    opts = last
    n = n - 1
  end
  local first = args[1]
  if n == 1 and type(first) == 'table' and not is_tensor(first) then return first, opts end
  if n == 0 then
    torch._error(string.format('[%s] expected sizes (numbers, a table or a torch.Size)', fname))
  end
  local sizes = {}
  for i = 1, n do
    local v = args[i]
    if type(v) ~= 'number' then
      torch._error(string.format('[%s] sizes must be numbers, a table or a torch.Size; argument %d is a %s',
        fname, i, type(v)))
    end
    sizes[i] = v
  end
  return sizes, opts
end

local function sizes_and_options(fname, ...)
  local sizes, opts = torch._split_sizes(fname, ...)
  opts = opts or {}
  check_options(fname, opts)
  return sizes, opts
end

local function resolve(fname, opts, default_dtype)
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, fname) or default_dtype
    or torch.get_default_dtype()
  local dev = opts.device ~= nil and torch.device(opts.device) or nil
  if dev and dev.type == 'cuda' then torch.cuda._check_device(fname, dev) end
  if dev and not core.device_available(dev._type) then
    torch._error(string.format('[%s] device %s is not available: this build has no %s backend',
      fname, tostring(dev), dev.type:upper()))
  end
  return dtype, dev and dev._type or 0, dev and dev._index or 0
end

-- Applies requires_grad and out= to a freshly made tensor t.
local function finish(fname, t, opts)
  if opts.out ~= nil then
    local out = opts.out
    if opts.dtype ~= nil and out.dtype ~= t.dtype then
      torch._error(string.format('[%s] dtype %s does not match the dtype of out= (%s)', fname,
        tostring(t.dtype), tostring(out.dtype)))
    end
    core.resize_(out, core.size(t))
    core.copy_(out, t)
    t = out
  end
  if opts.requires_grad then
    if not t.dtype.is_floating_point then
      torch._error(string.format('[%s] only Tensors of floating point dtype can require gradients, got %s',
        fname, t.dtype.name))
    end
    core.requires_grad(t, true)
  end
  if opts.pin_memory then t = core.pin_memory(t) end
  return t
end

-- ---------------------------------------------------------------------------- sized
local function make_filled(fname, value)
  return function(...)
    local sizes, opts = sizes_and_options(fname, ...)
    local dtype, dt, di = resolve(fname, opts, opts.out and opts.out.dtype)
    local t
    if value == nil then
      t = core.empty(sizes, dtype.id, dt, di)
    else
      t = core.full(sizes, value, dtype.id, dt, di)
    end
    return finish(fname, t, opts)
  end
end
torch.empty = make_filled('empty', nil)
torch.zeros = make_filled('zeros', 0)
torch.ones = make_filled('ones', 1)

-- full(size, fill_value, opts): dtype follows the value (bool, int64 or the default float)
function torch.full(size, value, opts)
  opts = opts or {}
  if type(size) == 'number' then size = { size } end
  if type(size) ~= 'table' then torch._error('[full] size must be a table or a torch.Size') end
  if type(value) ~= 'number' and type(value) ~= 'boolean' then
    torch._error('[full] fill_value must be a number or a boolean, got ' .. type(value))
  end
  check_options('full', opts)
  local default = type(value) == 'boolean' and torch.bool
    or (is_int(value) and torch.int64) or nil
  local dtype, dt, di = resolve('full', opts, default)
  return finish('full', core.full(size, value, dtype.id, dt, di), opts)
end

-- ---------------------------------------------------------------------------- _like
local function like_args(fname, x, opts)
  if not is_tensor(x) then torch._error(string.format('[%s] expected a Tensor, got %s', fname, type(x))) end
  opts = opts or {}
  check_options(fname, opts)
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, fname) or x.dtype
  local dev = opts.device ~= nil and torch.device(opts.device) or x.device
  return core.size(x), dtype, dev._type, dev._index or 0, opts
end

function torch.empty_like(x, opts)
  local sizes, dtype, dt, di, o = like_args('empty_like', x, opts)
  return finish('empty_like', core.empty(sizes, dtype.id, dt, di), o)
end
function torch.zeros_like(x, opts)
  local sizes, dtype, dt, di, o = like_args('zeros_like', x, opts)
  return finish('zeros_like', core.full(sizes, 0, dtype.id, dt, di), o)
end
function torch.ones_like(x, opts)
  local sizes, dtype, dt, di, o = like_args('ones_like', x, opts)
  return finish('ones_like', core.full(sizes, 1, dtype.id, dt, di), o)
end
function torch.full_like(x, value, opts)
  local sizes, dtype, dt, di, o = like_args('full_like', x, opts)
  if type(value) ~= 'number' and type(value) ~= 'boolean' then
    torch._error('[full_like] fill_value must be a number or a boolean, got ' .. type(value))
  end
  return finish('full_like', core.full(sizes, value, dtype.id, dt, di), o)
end

-- ---------------------------------------------------------------------------- from data
-- torch.tensor(data, opts): numbers, booleans, nested tables or a tensor (copied).
function torch.tensor(data, opts)
  opts = opts or {}
  check_options('tensor', opts)
  if opts.out ~= nil then torch._error('[tensor] does not take out=') end
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, 'tensor') or nil
  local t
  if is_tensor(data) then
    t = core.clone(core.detach(data))
    if dtype then t = core.to_dtype(t, dtype.id) end
  else
    t = core.from_table(data, dtype and dtype.id)
    -- Lua numbers do not tell 1 from 1.0: a tensor asked to require grad from whole numbers
    -- takes the default floating dtype instead of int64
    if opts.requires_grad and not dtype and not t.dtype.is_floating_point then
      t = core.to_dtype(t, torch.get_default_dtype().id)
    end
  end
  if opts.device ~= nil and torch.device(opts.device).type ~= 'cpu' then
    t = t:to(opts.device)
  end
  return finish('tensor', t, opts)
end
torch.as_tensor = function(data, opts)
  if is_tensor(data) and (opts == nil or next(opts) == nil) then return data end
  return torch.tensor(data, opts)
end

-- torch.from_pointer(ptr, sizes, {dtype =, strides =, owner =}): a tensor over memory that
-- someone else owns (a LuaJIT FFI array, a host application's buffer), sharing it without a
-- copy.  ptr is an FFI pointer/array, a light userdata or an address.  The owner (by default the
-- FFI object itself) is kept alive for as long as any tensor views the memory.
function torch.from_pointer(ptr, sizes, opts)
  opts = opts or {}
  check_options('from_pointer', opts, { strides = true, owner = true })
  local addr, owner = ptr, opts.owner
  if type(ptr) == 'cdata' then
    local ffi = require 'ffi'
    addr = tonumber(ffi.cast('uintptr_t', ptr))
    if owner == nil then owner = ptr end
  elseif type(ptr) ~= 'number' and type(ptr) ~= 'userdata' then
    torch._error('[from_pointer] expected an FFI pointer, light userdata or address, got ' .. type(ptr))
  end
  if type(sizes) == 'number' then sizes = { sizes } end
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, 'from_pointer') or torch.get_default_dtype()
  local t = core.from_pointer(addr, sizes, dtype.id, opts.strides, owner)
  return finish('from_pointer', t, { requires_grad = opts.requires_grad })
end

-- ---------------------------------------------------------------------------- ranges

-- arange(end), arange(start, end), arange(start, end, step), each with optional opts
function torch.arange(...)
  local args, n = { ... }, select('#', ...)
  local opts = {}
  if n > 0 and type(args[n]) == 'table' then opts = args[n]; n = n - 1 end
  check_options('arange', opts)
  for i = 1, n do
    if type(args[i]) ~= 'number' then
      torch._error(string.format('[arange] argument %d must be a number, got %s', i, type(args[i])))
    end
  end
  local start, stop, step
  if n == 1 then start, stop, step = 0, args[1], 1
  elseif n == 2 then start, stop, step = args[1], args[2], 1
  elseif n == 3 then start, stop, step = args[1], args[2], args[3]
  else torch._error('[arange] expected 1 to 3 numbers (end | start, end | start, end, step)') end
  local default = (is_int(start) and is_int(stop) and is_int(step)) and torch.int64 or nil
  local dtype, dt, di = resolve('arange', opts, default)
  return finish('arange', core.arange(start, stop, step, dtype.id, dt, di), opts)
end

-- torch.range(start, end [, step] [, opts]): Torch7's range, end included (deprecated in
-- PyTorch, kept for Torch7 scripts); always the default float dtype unless opts.dtype.
function torch.range(start, stop, step, opts)
  if type(step) == 'table' then step, opts = nil, step end
  opts = opts or {}
  check_options('range', opts)
  step = step or 1
  if type(start) ~= 'number' or type(stop) ~= 'number' or type(step) ~= 'number' then
    torch._error('[range] expected numbers start, end and step')
  end
  if step == 0 then torch._error('[range] step must be nonzero') end
  local dtype, dt, di = resolve('range', opts)
  local n = math.floor((stop - start) / step) + 1
  if n < 0 then n = 0 end
  return finish('range', core.arange(start, start + (n - 0.5) * step, step, dtype.id, dt, di), opts)
end

function torch.linspace(start, stop, steps, opts)
  opts = opts or {}
  check_options('linspace', opts)
  if type(start) ~= 'number' or type(stop) ~= 'number' or type(steps) ~= 'number' then
    torch._error('[linspace] expected numbers start, end, steps')
  end
  local dtype, dt, di = resolve('linspace', opts)
  return finish('linspace', core.linspace(start, stop, steps, dtype.id, dt, di), opts)
end

-- logspace(start, end, steps [, base = 10] [, opts])
function torch.logspace(start, stop, steps, base, opts)
  if type(base) == 'table' then base, opts = nil, base end
  opts = opts or {}
  check_options('logspace', opts, { base = true })
  base = base or opts.base or 10
  if type(start) ~= 'number' or type(stop) ~= 'number' or type(steps) ~= 'number' then
    torch._error('[logspace] expected numbers start, end, steps')
  end
  local o = {}
  for k, v in pairs(opts) do if k ~= 'base' then o[k] = v end end
  local dtype, dt, di = resolve('logspace', o)
  return finish('logspace', core.logspace(start, stop, steps, base, dtype.id, dt, di), o)
end

-- eye(n [, m] [, opts])
function torch.eye(n, m, opts)
  if type(m) == 'table' then m, opts = nil, m end
  opts = opts or {}
  check_options('eye', opts)
  if type(n) ~= 'number' then torch._error('[eye] n must be a number, got ' .. type(n)) end
  local dtype, dt, di = resolve('eye', opts)
  return finish('eye', core.eye(n, m or n, dtype.id, dt, di), opts)
end

-- torch.Tensor(sizes...) is uninitialised; torch.Tensor({1, 2, 3}) copies the data (as
-- PyTorch and Torch7 both do), always in the default dtype.
setmetatable(torch.Tensor, {
  __call = function(_, first, ...)
    if type(first) == 'table' and not is_tensor(first) and getmetatable(first) == nil then
      return torch.tensor(first, { dtype = torch.get_default_dtype() })
    end
    if is_tensor(first) then return core.as_strided(first, core.size(first), core.stride(first)) end
    if first == nil then return torch.empty(0) end
    return torch.empty(first, ...)
  end,
})
