-- Torch7's tensor methods, installed on torch.Tensor by torch7.lua (which passes `method`, the
-- installer that leaves names other parts of the library define alone).
--
-- In Torch7 these mutate x and return it: x:zero(), x:fill(v), x:copy(y), x:resize(...),
-- x:resizeAs(y), x:set(...), x:apply(fn), x:map(y, fn), x:map2(y, z, fn), x:cmul(y),
-- x:cdiv(y), x:csub(y), x:cpow(y), x:cmax(y), x:cmin(y) and the samplers x:uniform(a, b),
-- x:normal(m, s), x:random(a, b), x:exponential(l), x:cauchy(m, s), x:logNormal(m, s),
-- x:geometric(p).  The rest are queries and aliases: x:nElement(), x:isContiguous(),
-- x:storageOffset() (1-based), x:storage(), x:isSameSizeAs(y), x:isSize(s), x:isSetTo(y),
-- x:expandAs(y), x:viewAs(y), x:typeAs(y), x:totable().
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor
local Size = torch._Size
local storage = require 'torch.torch7_storage'

-- sizes from varargs numbers, one table, a torch.Size or a LongStorage
local function sizes_of(fname, ...)
  local first = ...
  if type(first) == 'table' and not is_tensor(first) then return first end
  local sizes = { ... }
  for i = 1, select('#', ...) do
    if type(sizes[i]) ~= 'number' then
      torch._error(string.format('[%s] sizes must be numbers, a table, a torch.Size or a LongStorage; argument %d is a %s',
        fname, i, torch.type(sizes[i])))
    end
  end
  return sizes
end

local function shape_str(t)
  local s = core.size(t)
  for i = 1, #s do s[i] = string.format('%d', s[i]) end
  return '(' .. table.concat(s, ', ') .. (#s == 1 and ',)' or ')')
end

local function check_tensor(fname, x, what)
  if not is_tensor(x) then
    torch._error(string.format('[%s] %s must be a Tensor, got %s', fname, what, torch.type(x)))
  end
end

-- Whether src broadcasts to dst's shape.
local function broadcasts_to(src, dst)
  local a, b = core.size(src), core.size(dst)
  if #a > #b then return false end
  for i = 0, #a - 1 do
    local sa, sb = a[#a - i], b[#b - i]
    if sa ~= sb and sa ~= 1 then return false end
  end
  return true
end

-- Torch7 paired elements by position when only the numbers of elements agree; PyTorch
-- broadcasts.  y as x needs it: y itself when it broadcasts, else y reshaped to x's shape.
local function conform(fname, x, y)
  if not is_tensor(y) or broadcasts_to(y, x) then return y end
  if core.numel(y) == core.numel(x) then return core.reshape(y, core.size(x)) end
  torch._error(string.format('[%s] shapes %s and %s neither broadcast nor have the same number of elements',
    fname, shape_str(x), shape_str(y)))
end

return function(method)
  -- ---------------------------------------------------------------------------- queries
  method('nElement', core.numel)
  method('isContiguous', core.is_contiguous)
  method('storageOffset', function(x) return core.storage_offset(x) + 1 end)
  method('storage', function(x) return storage.storage_of(x) end)
  method('totable', function(x) return x:tolist() end)
  method('isSameSizeAs', function(x, y)
    check_tensor('isSameSizeAs', y, 'the argument')
    return Size.__eq(core.size(x), core.size(y))
  end)
  method('isSize', function(x, sizes)
    if type(sizes) ~= 'table' or is_tensor(sizes) then
      torch._error('[isSize] expected a torch.Size, a torch.LongStorage or a table, got ' .. torch.type(sizes))
    end
    return Size.__eq(core.size(x), sizes)
  end)
  method('isSetTo', function(x, y)
    check_tensor('isSetTo', y, 'the argument')
    return x:is_set_to(y)
  end)
  method('expandAs', function(x, y) return x:expand_as(y) end)
  method('viewAs', function(x, y) return x:view_as(y) end)
  method('typeAs', function(x, y)
    check_tensor('typeAs', y, 'the argument')
    return x:type(y:type())
  end)

  -- ---------------------------------------------------------------------------- in place
  method('zero', core.zero_)
  method('fill', core.fill_)

  -- x:copy(y): y's values into x, converted; y broadcasts, or has x's number of elements
  method('copy', function(x, y)
    check_tensor('copy', y, 'the source')
    return core.copy_(x, conform('copy', x, y))
  end)

  method('resize', function(x, ...) return core.resize_(x, sizes_of('resize', ...)) end)
  method('resizeAs', function(x, y)
    check_tensor('resizeAs', y, 'the argument')
    return core.resize_(x, y)
  end)

  -- x:set(y) / x:set(storage [, offset [, sizes [, strides]]]): x views that memory
  method('set', function(x, src, ...)
    if is_tensor(src) then return core.set_(x, src) end
    if storage.proxies[src] then return core.set_(x, storage.tensor_on('set', src, ...)) end
    torch._error('[set] expected a Tensor or a storage, got ' .. torch.type(src))
  end)

  -- x:apply(fn), x:map(y, fn), x:map2(y, z, fn): per-element Lua callbacks (see lb_torch7.c)
  local function check_fn(fname, fn)
    if type(fn) ~= 'function' then
      torch._error(string.format('[%s] expected a function, got %s', fname, torch.type(fn)))
    end
  end
  method('apply', function(x, fn)
    check_fn('apply', fn)
    return core.torch7_apply(x, fn, nil, nil, 'apply')
  end)
  -- y paired with x's elements: expanded when it broadcasts, else by position (same count)
  local function paired(fname, x, y)
    local c = conform(fname, x, y)
    if rawequal(c, y) then return core.expand(y, x) end
    return c
  end
  local function map(x, y, fn)
    check_tensor('map', y, 'the second tensor')
    check_fn('map', fn)
    return core.torch7_apply(x, fn, paired('map', x, y), nil, 'map')
  end
  method('map', map)
  method('map2', function(x, y, z, fn)
    check_tensor('map2', y, 'the second tensor')
    check_tensor('map2', z, 'the third tensor')
    check_fn('map2', fn)
    return core.torch7_apply(x, fn, paired('map2', x, y), paired('map2', x, z), 'map2')
  end)
  -- PyTorch's names for apply and map (CPU, in place, as here)
  method('apply_', Tensor.apply)
  method('map_', map)

  -- x:cmul(y) multiplies x by y in place; x:cmul(a, b) puts a * b into x (resized)
  local function elementwise(name, inplace, outofplace)
    return function(x, a, b)
      if b == nil then
        if a == nil then torch._error(string.format('[%s] expected a tensor or a number', name)) end
        return inplace(x, conform(name, x, a))
      end
      check_tensor(name, a, 'the first operand')
      local r = outofplace(a, conform(name, a, b))
      core.resize_(x, core.size(r))
      return core.copy_(x, r)
    end
  end
  local cmul = elementwise('cmul', function(x, y) return x:mul_(y) end, torch.mul)
  local cdiv = elementwise('cdiv', function(x, y) return x:div_(y) end, torch.div)
  method('cmul', cmul)
  method('cdiv', cdiv)
  method('csub', elementwise('csub', function(x, y) return x:sub_(y) end, torch.sub))
  method('cpow', elementwise('cpow', function(x, y) return x:pow_(y) end, torch.pow))
  method('cmax', elementwise('cmax', function(x, y)
    if type(y) == 'number' then return x:clamp_min_(y) end
    return core.copy_(x, torch.maximum(x, y))
  end, torch.maximum))
  method('cmin', elementwise('cmin', function(x, y)
    if type(y) == 'number' then return x:clamp_max_(y) end
    return core.copy_(x, torch.minimum(x, y))
  end, torch.minimum))

  -- torch.cmul([res,] a, b), torch.cdiv([res,] a, b): a new tensor, or into res
  local function functional(name, f)
    return function(r, a, b)
      if b == nil then
        check_tensor(name, r, 'the first operand')
        return f(r:clone(), a)
      end
      check_tensor(name, r, 'the result')
      return f(r, a, b)
    end
  end
  torch.cmul = functional('cmul', cmul)
  torch.cdiv = functional('cdiv', cdiv)

  -- ---------------------------------------------------------------------------- samplers
  method('uniform', function(x, a, b) return x:uniform_(a or 0, b or 1) end)
  method('normal', function(x, mean, std) return x:normal_(mean or 0, std or 1) end)
  method('exponential', function(x, lambd) return x:exponential_(lambd or 1) end)
  method('cauchy', function(x, median, sigma) return x:cauchy_(median or 0, sigma or 1) end)
  method('logNormal', function(x, mean, std) return x:log_normal_(mean or 1, std or 2) end)
  method('geometric', function(x, p) return x:geometric_(p) end)
  -- x:random() / x:random(b) -> 1..b / x:random(a, b) -> a..b, both ends included
  method('random', function(x, a, b)
    if a == nil then return x:random_() end
    if b == nil then a, b = 1, a end
    if type(a) ~= 'number' or type(b) ~= 'number' then
      torch._error('[random] bounds must be numbers')
    end
    if b < a then torch._error(string.format('[random] expected a <= b, got a = %s, b = %s', tostring(a), tostring(b))) end
    return x:random_(a, b + 1)
  end)
end
