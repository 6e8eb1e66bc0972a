-- The argument handling of torch.nn.functional (functional.lua, functional_loss.lua): PyTorch's
-- further arguments by position and/or in a trailing options table, type checks, the loss
-- reduction argument, shapes in messages.  Internal; the functions take the user-facing name
-- of the function for their messages.
local torch = require 'torch'

local A = {}

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end

local function fail(msg) torch._error(msg) end

local function shape_str(t)
  local n = t:dim()
  if n == 0 then return '()' end
  local s = {}
  for i = 1, n do s[i] = tostring(t:size(i)) end
  return '(' .. table.concat(s, ', ') .. (n == 1 and ',)' or ')')
end

-- An options table: a plain table that is not a tensor and has no element [1] (a size table
-- such as {2, 2} is a positional argument).
local function is_opts(v)
  return type(v) == 'table' and not is_tensor(v) and rawget(v, 1) == nil
end

-- Argument specs: the names of the positional arguments after the fixed ones, and the names
-- allowed only as options.
local function spec(pos, extra)
  local s = { pos = pos, set = {} }
  for _, k in ipairs(pos) do s.set[k] = true end
  for _, k in ipairs(extra or {}) do s.set[k] = true end
  return s
end

-- The arguments after the fixed ones as a table by name: positional values, then the keys
-- of a trailing options table.
local function args_of(fname, sp, ...)
  local n = select('#', ...)
  while n > 0 and select(n, ...) == nil do n = n - 1 end -- trailing nils are absent arguments
  local a = {}
  if n == 0 then return a end
  local last = select(n, ...)
  local npos = n
  if is_opts(last) then npos = n - 1 end
  if npos > #sp.pos then
    fail(string.format('[%s] expected at most %d further positional arguments, got %d', fname,
      #sp.pos, npos))
  end
  for i = 1, npos do
    local v = select(i, ...)
    if v ~= nil then a[sp.pos[i]] = v end
  end
  if npos < n then
    for k, v in pairs(last) do
      if not sp.set[k] then fail(string.format("[%s] unknown option '%s'", fname, tostring(k))) end
      if a[k] ~= nil then
        fail(string.format('[%s] %s given both as an argument and as an option', fname, k))
      end
      a[k] = v
    end
  end
  return a
end

-- args_of for the common call forms, nothing further or just an options table, which is
-- validated and used as is (no table is made per call).
local NOARGS = {}
local function args_fast(fname, sp, a1, ...)
  if select('#', ...) == 0 then
    if a1 == nil then return NOARGS end
    if is_opts(a1) then
      for k in pairs(a1) do
        if not sp.set[k] then fail(string.format("[%s] unknown option '%s'", fname, tostring(k))) end
      end
      return a1
    end
  end
  return args_of(fname, sp, a1, ...)
end

local function check_type(fname, name, v, want)
  if v ~= nil and type(v) ~= want then
    fail(string.format('[%s] %s must be a %s, got %s', fname, name, want,
      is_tensor(v) and 'Tensor' or type(v)))
  end
  return v
end

local function check_tensor(fname, name, v, optional)
  if v == nil and optional then return nil end
  if not is_tensor(v) then
    fail(string.format('[%s] %s must be a Tensor, got %s', fname, name, type(v)))
  end
  return v
end

-- PyTorch's reduction argument, with the legacy size_average/reduce flags.
local REDUCTIONS = { none = true, mean = true, sum = true }
local function reduction_of(fname, a, allowed)
  local r = a.reduction
  if a.size_average ~= nil or a.reduce ~= nil then
    local size_average = a.size_average ~= false
    local reduce = a.reduce ~= false
    r = not reduce and 'none' or size_average and 'mean' or 'sum'
  end
  if r == nil then return 'mean' end
  if not (allowed or REDUCTIONS)[r] then
    fail(string.format('[%s] %s is not a valid value for reduction (expected %s)', fname,
      type(r) == 'string' and ("'" .. r .. "'") or tostring(r),
      allowed and "'none', 'batchmean', 'mean' or 'sum'" or "'none', 'mean' or 'sum'"))
  end
  return r
end

local function reduce(l, r)
  if r == 'mean' then return l:mean() end
  if r == 'sum' then return l:sum() end
  return l
end

-- input and target must broadcast together (PyTorch warns when their sizes differ and
-- broadcasts them; so do these losses, without the warning).
local function check_broadcast(fname, input, target, what)
  local ni, nt = input:dim(), target:dim()
  for k = 0, math.min(ni, nt) - 1 do
    local a, b = input:size(ni - k), target:size(nt - k)
    if a ~= b and a ~= 1 and b ~= 1 then
      fail(string.format('[%s] %s of shape %s does not broadcast with input of shape %s', fname,
        what or 'target', shape_str(target), shape_str(input)))
    end
  end
end

-- Runs f(...), raising its error with `[from]` renamed `[to]`.
local function renamed(to, from, f, ...)
  local ok, a, b = pcall(f, ...)
  if ok then return a, b end
  if type(a) == 'string' then
    for _, name in ipairs(from) do a = a:gsub('%[' .. name .. '%]', '[' .. to .. ']') end
  end
  error(a, 0)
end

A.is_tensor, A.fail, A.shape_str, A.is_opts, A.spec = is_tensor, fail, shape_str, is_opts, spec
A.args_of, A.args_fast, A.check_type, A.check_tensor = args_of, args_fast, check_type, check_tensor
A.reduction_of, A.reduce, A.check_broadcast, A.renamed = reduction_of, reduce, check_broadcast, renamed

return A
