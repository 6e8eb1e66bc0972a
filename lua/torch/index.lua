-- Joining, splitting and indexing: cat/concat, stack, hstack/vstack/dstack/column_stack,
-- chunk, split, unbind, index_select, gather, take, the masked ops, scatter, the index_*
-- family, nonzero/where(cond), flip, roll, repeat, tile, repeat_interleave, tril/triu,
-- diag, diagonal, narrow_copy, and indexing with tensors (x[mask], x[index]).
--
-- Positions are 1-based like everything in this API: dims count from 1 (negative from the
-- end) and index tensors hold 1-based positions, in and out (nonzero, where).  The C binding
-- (lib/luabind/lb_index.c) converts them; this file reads the positional arguments PyTorch
-- (and Torch7, for cat) allows and the trailing options table.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor

-- errors point at the user's line (torch._error skips this package's frames)
local fail = torch._error

local function is_options(t)
  return type(t) == 'table' and not is_tensor(t) and getmetatable(t) ~= torch._Size
    and t[1] == nil
end

-- Splits the arguments after the fixed ones into positional values (named by spec[1..n])
-- and a trailing options table; checks every key is known, nothing is given twice, and the
-- types: 'number', 'boolean', 'string', 'tensor', 'value' (number, boolean or tensor),
-- 'ints' (a number or a table of numbers), 'any'.
local function args(fname, spec, n, ...)
  local r, count = {}, select('#', ...)
  local opts
  if count > 0 and is_options((select(count, ...))) then
    opts = select(count, ...)
    count = count - 1
  end
  if count > n then
    fail(string.format('[%s] expected at most %d positional argument%s after the tensor, got %d',
      fname, n, n == 1 and '' or 's', count))
  end
  local function check(name, v)
    local want = spec[name]
    if v == nil then return end
    local ok
    if want == 'tensor' then ok = is_tensor(v)
    elseif want == 'value' then ok = type(v) == 'number' or type(v) == 'boolean' or is_tensor(v)
    elseif want == 'ints' then ok = type(v) == 'number' or (type(v) == 'table' and not is_tensor(v))
    elseif want == 'any' then ok = true
    else ok = type(v) == want end
    if not ok then
      local what = ({ tensor = 'a Tensor', value = 'a number, a boolean or a Tensor',
        ints = 'a number or a table of numbers' })[want] or ('a ' .. want)
      fail(string.format('[%s] %s must be %s, got %s', fname, name, what,
        is_tensor(v) and 'a Tensor' or type(v)))
    end
  end
  for i = 1, count do
    local name = spec[i]
    local v = select(i, ...)
    check(name, v)
    r[name] = v
  end
  if opts then
    for k, v in pairs(opts) do
      if type(k) ~= 'string' or spec[k] == nil then
        fail(string.format('[%s] unknown option %s', fname,
          type(k) == 'string' and ('"' .. k .. '"') or tostring(k)))
      end
      if r[k] ~= nil then
        fail(string.format('[%s] %s given both as an argument and as an option', fname, k))
      end
      check(k, v)
      r[k] = v
    end
  end
  return r
end

local function check_tensor(fname, x, what)
  if not is_tensor(x) then
    fail(string.format('[%s] %s must be a Tensor, got %s', fname, what or 'input',
      type(x)))
  end
end

-- A list of numbers from a number, a table, a torch.Size or varargs.
local function int_list(fname, what, first, ...)
  if type(first) == 'table' and not is_tensor(first) then
    if select('#', ...) > 0 then fail(string.format('[%s] unexpected argument after the %s table', fname, what)) end
    local t = {}
    for i = 1, #first do t[i] = first[i] end
    return t
  end
  local t = { first, ... }
  for i = 1, select('#', first, ...) do
    if type(t[i]) ~= 'number' then
      fail(string.format('[%s] %s must be numbers or a table of numbers, got %s', fname, what,
        is_tensor(t[i]) and 'a Tensor' or type(t[i])))
    end
  end
  return t
end

local function install(name, fn)
  torch[name] = fn
  Tensor[name] = fn
end

-- ---------------------------------------------------------------------------- joining

local function tensor_list(fname, list)
  if type(list) ~= 'table' or is_tensor(list) then
    fail(string.format('[%s] expected a table of tensors, got %s', fname,
      is_tensor(list) and 'a Tensor' or type(list)))
  end
  return list
end

local cat_spec = { 'dim', dim = 'number', out = 'tensor' }

-- torch.cat({a, b, ...}, [dim = 1], [{dim =, out =}]); Torch7 forms: torch.cat(a, b, ..., [dim])
-- and torch.cat(res, {a, b, ...}, [dim]) (writing into res).
function torch.cat(first, ...)
  if is_tensor(first) then
    local n = select('#', ...)
    local second = ...
    if type(second) == 'table' and not is_tensor(second) then -- cat(res, {a, b}, [dim])
      local dim = select(2, ...)
      if dim ~= nil and type(dim) ~= 'number' then fail('[cat] dim must be a number, got ' .. type(dim)) end
      return core.idx_cat(second, dim, first)
    end
    local list, dim = { first }, nil
    for i = 1, n do
      local v = select(i, ...)
      if is_tensor(v) then list[#list + 1] = v
      elseif type(v) == 'number' and i == n then dim = v
      else fail(string.format('[cat] expected tensors and an optional dim, argument %d is a %s', i + 1, type(v))) end
    end
    return core.idx_cat(list, dim)
  end
  local a = args('cat', cat_spec, 1, ...)
  return core.idx_cat(tensor_list('cat', first), a.dim, a.out)
end
torch.concat = torch.cat
torch.concatenate = torch.cat

-- torch.stack({a, b, ...}, [dim = 1], [{dim =, out =}]): along a new dim
function torch.stack(list, ...)
  local a = args('stack', cat_spec, 1, ...)
  return core.idx_stack(tensor_list('stack', list), a.dim, a.out)
end

local out_spec = { out = 'tensor' }
for _, name in ipairs({ 'hstack', 'vstack', 'dstack' }) do
  local f = core['idx_' .. name]
  torch[name] = function(list, ...)
    local a = args(name, out_spec, 0, ...)
    return f(tensor_list(name, list), a.out)
  end
end
torch.row_stack = torch.vstack

-- torch.column_stack({a, b, ...}): 0-D and 1-D tensors become columns, then hstack
function torch.column_stack(list, ...)
  local a = args('column_stack', out_spec, 0, ...)
  tensor_list('column_stack', list)
  local cols = {}
  for i, t in ipairs(list) do
    check_tensor('column_stack', t, 'entry ' .. i)
    local nd = core.dim(t)
    cols[i] = nd <= 1 and core.reshape(t, { core.numel(t), 1 }) or t
  end
  return core.idx_hstack(cols, a.out)
end

-- ---------------------------------------------------------------------------- splitting

local dim_spec = { 'dim', dim = 'number' }

-- x:chunk(chunks, [dim = 1]) -> table of views
install('chunk', function(x, chunks, ...)
  check_tensor('chunk', x)
  if type(chunks) ~= 'number' then fail('[chunk] chunks must be a number, got ' .. type(chunks)) end
  local a = args('chunk', dim_spec, 1, ...)
  return core.idx_chunk(x, chunks, a.dim)
end)

-- x:split(size | {sizes}, [dim = 1]) -> table of views
install('split', function(x, size, ...)
  check_tensor('split', x)
  if type(size) ~= 'number' and not (type(size) == 'table' and not is_tensor(size)) then
    fail('[split] split_size_or_sections must be a number or a table of numbers, got ' ..
      (is_tensor(size) and 'a Tensor' or type(size)))
  end
  local a = args('split', dim_spec, 1, ...)
  return core.idx_split(x, size, a.dim)
end)

-- x:unbind([dim = 1]) -> table of views, dim removed
install('unbind', function(x, ...)
  check_tensor('unbind', x)
  local a = args('unbind', dim_spec, 1, ...)
  return core.idx_unbind(x, a.dim)
end)

-- ---------------------------------------------------------------------------- selecting

-- A method/function whose leading arguments after the tensor are fixed ({name, type} pairs:
-- 'number', 'tensor', 'any'), followed by npos optional positional ones and an options table
-- (spec as for args); body(x, fixed values, options) does the work.
local function op(fname, fixed, spec, npos, body)
  local nf = #fixed
  return function(x, ...)
    check_tensor(fname, x)
    local v = { ... }
    for i = 1, nf do
      local name, want = fixed[i][1], fixed[i][2]
      local ok = want == 'any' or (want == 'tensor' and is_tensor(v[i])) or
        (want ~= 'tensor' and type(v[i]) == want)
      if not ok then
        fail(string.format('[%s] %s must be %s, got %s', fname, name,
          want == 'tensor' and 'a Tensor' or 'a ' .. want, is_tensor(v[i]) and 'a Tensor' or type(v[i])))
      end
    end
    return body(x, v, args(fname, spec, npos, select(nf + 1, ...)))
  end
end

local OUT = { out = 'tensor' }
local NONE = {}
local DIM_INDEX = { { 'dim', 'number' }, { 'index', 'tensor' } }
local DIM_INDEX_SRC = { { 'dim', 'number' }, { 'index', 'tensor' }, { 'source', 'tensor' } }
local DIM_INDEX_VALUE = { { 'dim', 'number' }, { 'index', 'tensor' }, { 'value', 'any' } }

-- x:index_select(dim, index, [{out =}])
install('index_select', op('index_select', DIM_INDEX, OUT, 0,
  function(x, v, a) return core.idx_index_select(x, v[1], v[2], a.out) end))

-- x:gather(dim, index, [{out =, sparse_grad =}])
install('gather', op('gather', DIM_INDEX, { out = 'tensor', sparse_grad = 'boolean' }, 0,
  function(x, v, a) return core.idx_gather(x, v[1], v[2], a.out) end))

-- x:take(index, [{out =}]): x as if flat
install('take', op('take', { { 'index', 'tensor' } }, OUT, 0,
  function(x, v, a) return core.idx_take(x, v[1], a.out) end))

-- x:masked_select(mask, [{out =}]) -> 1-D
install('masked_select', op('masked_select', { { 'mask', 'tensor' } }, OUT, 0,
  function(x, v, a) return core.idx_masked_select(x, v[1], a.out) end))

-- x:nonzero([{as_tuple =, out =}]) -> (N, ndim) 1-based int64, or a table of ndim 1-D tensors
install('nonzero', op('nonzero', NONE, { out = 'tensor', as_tuple = 'boolean' }, 0, function(x, _, a)
  if a.as_tuple then
    if a.out then fail('[nonzero] out= cannot be combined with as_tuple') end
    return core.idx_nonzero_tuple(x)
  end
  return core.idx_nonzero(x, a.out)
end))

-- torch.where(cond) -> table of 1-based index tensors, one per dim (nonzero as a tuple);
-- torch.where(cond, x, y) is the elementwise choice (from the pointwise ops).
do
  local where3 = torch.where or core.where
  function torch.where(cond, x, y, ...)
    if x == nil and y == nil and select('#', ...) == 0 then
      check_tensor('where', cond, 'condition')
      return core.idx_nonzero_tuple(cond)
    end
    if not where3 then fail('[where] the 3-argument form is not available in this build') end
    return where3(cond, x, y, ...)
  end
end

-- ---------------------------------------------------------------------------- writing
-- Each has an out-of-place form (torch.name and x:name) and an in-place one (x:name_).

local function pair(name, fixed, spec, spec_, body)
  install(name, op(name, fixed, spec, spec[1] and 1 or 0, function(x, v, a) return body(x, v, a, false) end))
  Tensor[name .. '_'] = op(name .. '_', fixed, spec_, spec_[1] and 1 or 0,
    function(x, v, a) return body(x, v, a, true) end)
end

-- x:masked_fill(mask, value) / x:masked_fill_
pair('masked_fill', { { 'mask', 'tensor' }, { 'value', 'any' } }, NONE, NONE,
  function(x, v, _, inplace) return core.idx_masked_fill(x, v[1], v[2], inplace) end)

-- x:masked_scatter(mask, source) / x:masked_scatter_
pair('masked_scatter', { { 'mask', 'tensor' }, { 'source', 'tensor' } }, NONE, NONE,
  function(x, v, _, inplace) return core.idx_masked_scatter(x, v[1], v[2], inplace) end)

-- x:scatter(dim, index, src | value, [{reduce =, out =}]) / x:scatter_
pair('scatter', DIM_INDEX, { 'src', src = 'value', value = 'value', reduce = 'string', out = 'tensor' },
  { 'src', src = 'value', value = 'value', reduce = 'string' }, function(x, v, a, inplace)
    local fname = inplace and 'scatter_' or 'scatter'
    if a.src ~= nil and a.value ~= nil then fail(string.format('[%s] give either src or value, not both', fname)) end
    local src = a.src
    if src == nil then src = a.value end
    if src == nil then fail(string.format('[%s] expected a src tensor or a value', fname)) end
    if a.reduce ~= nil and a.reduce ~= 'add' and a.reduce ~= 'multiply' then
      fail(string.format("[%s] reduce must be 'add' or 'multiply', got %s", fname, a.reduce))
    end
    return core.idx_scatter(x, v[1], v[2], src, a.reduce, inplace, a.out)
  end)

-- x:scatter_add(dim, index, src, [{out =}]) / x:scatter_add_
pair('scatter_add', DIM_INDEX_SRC, OUT, NONE,
  function(x, v, a, inplace) return core.idx_scatter_add(x, v[1], v[2], v[3], inplace, a.out) end)

-- x:index_add(dim, index, source, [{alpha =, out =}]) / x:index_add_
pair('index_add', DIM_INDEX_SRC, { alpha = 'value', out = 'tensor' }, { alpha = 'value' },
  function(x, v, a, inplace) return core.idx_index_add(x, v[1], v[2], v[3], a.alpha, inplace, a.out) end)

-- x:index_copy(dim, index, source, [{out =}]) / x:index_copy_
pair('index_copy', DIM_INDEX_SRC, OUT, NONE,
  function(x, v, a, inplace) return core.idx_index_copy(x, v[1], v[2], v[3], inplace, a.out) end)

-- x:index_fill(dim, index, value) / x:index_fill_ (negative indices count from the end)
pair('index_fill', DIM_INDEX_VALUE, NONE, NONE,
  function(x, v, _, inplace) return core.idx_index_fill(x, v[1], v[2], v[3], inplace) end)

-- Torch7's names: x:index(dim, index) selects; indexCopy/indexAdd/indexFill, maskedFill and
-- maskedCopy write in place; maskedSelect selects.
Tensor.index = Tensor.index_select
Tensor.indexCopy = Tensor.index_copy_
Tensor.indexAdd = Tensor.index_add_
Tensor.indexFill = Tensor.index_fill_
Tensor.maskedSelect = Tensor.masked_select
Tensor.maskedFill = Tensor.masked_fill_
Tensor.maskedCopy = Tensor.masked_scatter_

-- ---------------------------------------------------------------------------- rearranging

-- x:flip(dims) with dims a table or numbers
install('flip', function(x, ...)
  check_tensor('flip', x)
  if select('#', ...) == 0 then fail('[flip] expected dims (numbers or a table)') end
  return core.idx_flip(x, int_list('flip', 'dims', ...))
end)
install('fliplr', function(x)
  check_tensor('fliplr', x)
  if core.dim(x) < 2 then fail('[fliplr] expected a tensor with at least 2 dimensions') end
  return core.idx_flip(x, { 2 })
end)
install('flipud', function(x)
  check_tensor('flipud', x)
  if core.dim(x) < 1 then fail('[flipud] expected a tensor with at least 1 dimension') end
  return core.idx_flip(x, { 1 })
end)

local roll_spec = { 'dims', dims = 'ints' }

-- x:roll(shifts, [dims]): shifts and dims numbers or tables; no dims rolls the flat tensor
install('roll', function(x, shifts, ...)
  check_tensor('roll', x)
  if shifts == nil then fail('[roll] expected shifts (a number or a table of numbers)') end
  local a = args('roll', roll_spec, 1, ...)
  local s = int_list('roll', 'shifts', shifts)
  local d = a.dims ~= nil and int_list('roll', 'dims', a.dims) or nil
  return core.idx_roll(x, s, d)
end)

-- x:repeat(sizes...) (Lua reserves `repeat`: call it as x['repeat'](x, ...) or x:repeatTensor)
local function repeat_(x, ...)
  check_tensor('repeat', x)
  if select('#', ...) == 0 then fail('[repeat] expected the number of repeats for each dim') end
  return core.idx_repeat(x, int_list('repeat', 'repeats', ...))
end
Tensor['repeat'] = repeat_
Tensor.repeatTensor = repeat_

-- x:tile(dims): like repeat, with leading 1s when there are fewer dims than x has
install('tile', function(x, ...)
  check_tensor('tile', x)
  if select('#', ...) == 0 then fail('[tile] expected the number of repeats for each dim') end
  return core.idx_tile(x, int_list('tile', 'dims', ...))
end)

local ri_spec = { 'dim', dim = 'number', output_size = 'number' }

-- x:repeat_interleave(repeats, [dim], [{dim =, output_size =}]); repeats a number or a 1-D
-- tensor; without dim x is flattened.  torch.repeat_interleave(repeats) gives 1..n repeated.
local function repeat_interleave(x, repeats, ...)
  check_tensor('repeat_interleave', x)
  if repeats == nil then
    local a = args('repeat_interleave', ri_spec, 0, ...)
    if a.dim ~= nil then fail('[repeat_interleave] dim needs repeats') end
    return core.idx_repeat_interleave_index(x, a.output_size)
  end
  if type(repeats) ~= 'number' and not is_tensor(repeats) then
    fail('[repeat_interleave] repeats must be a number or a Tensor, got ' .. type(repeats))
  end
  local a = args('repeat_interleave', ri_spec, 1, ...)
  return core.idx_repeat_interleave(x, repeats, a.dim, a.output_size)
end
install('repeat_interleave', function(x, repeats, ...)
  if is_options(repeats) then return repeat_interleave(x, nil, repeats, ...) end
  return repeat_interleave(x, repeats, ...)
end)

-- ---------------------------------------------------------------------------- triangles

local tri_spec = { 'diagonal', diagonal = 'number', out = 'tensor' }
local tri_spec_ = { 'diagonal', diagonal = 'number' }

for _, name in ipairs({ 'tril', 'triu' }) do
  local upper = name == 'triu'
  install(name, function(x, ...)
    check_tensor(name, x)
    local a = args(name, tri_spec, 1, ...)
    return core.idx_tri(x, a.diagonal, upper, false, a.out)
  end)
  Tensor[name .. '_'] = function(x, ...)
    check_tensor(name .. '_', x)
    local a = args(name .. '_', tri_spec_, 1, ...)
    return core.idx_tri(x, a.diagonal, upper, true)
  end
end

-- x:diag([diagonal = 0], [{out =}]): 1-D -> square matrix, 2-D -> 1-D copy of a diagonal
install('diag', function(x, ...)
  check_tensor('diag', x)
  local a = args('diag', tri_spec, 1, ...)
  return core.idx_diag(x, a.diagonal, a.out)
end)

local diagonal_spec = { 'offset', 'dim1', 'dim2', offset = 'number', dim1 = 'number', dim2 = 'number' }

-- x:diagonal([offset = 0], [dim1 = 1], [dim2 = 2]): a view, the diagonal as the last dim
install('diagonal', function(x, ...)
  check_tensor('diagonal', x)
  local a = args('diagonal', diagonal_spec, 3, ...)
  return core.idx_diagonal(x, a.offset, a.dim1, a.dim2)
end)

-- x:narrow_copy(dim, start, length, [{out =}]): a contiguous copy of x:narrow(...)
install('narrow_copy', op('narrow_copy', { { 'dim', 'number' }, { 'start', 'number' }, { 'length', 'number' } },
  OUT, 0, function(x, v, a) return core.idx_narrow_copy(x, v[1], v[2], v[3], a.out) end))

-- ---------------------------------------------------------------------------- x[tensor]
-- x[mask]: a bool (or uint8) mask over x's leading dims selects those elements (rows):
-- shape (count, rest of x's dims...).  x[index]: an int64/int32 tensor of 1-based positions
-- (negative from the end) along dim 1: shape index's shape .. rest of x's dims.  Both copy.
-- Assignment writes in place: x[mask] = value | tensor, x[index] = value | tensor.

local mask_dtypes = { bool = true, uint8 = true }
local index_dtypes = { int64 = true, int32 = true }

-- mask viewed with x's ndim (trailing 1s) and expanded to x's shape
local function expand_mask(x, mask)
  local xs, ms = core.size(x), core.size(mask)
  if #ms > #xs then
    fail(string.format('[index] too many dimensions in the mask: mask has %d, the tensor has %d', #ms, #xs))
  end
  for i = 1, #ms do
    if ms[i] ~= xs[i] then
      fail(string.format('[index] the shape of the mask %s does not match the shape of the indexed tensor %s at dimension %d',
        tostring(torch.Size(ms)), tostring(torch.Size(xs)), i))
    end
  end
  local vs = {}
  for i = 1, #xs do vs[i] = i <= #ms and ms[i] or 1 end
  return core.expand(core.reshape(mask, vs), xs), ms, xs
end

local function rest_shape(first, xs, from)
  local s = first
  for i = from, #xs do s[#s + 1] = xs[i] end
  return s
end

-- the 1-based index as a flat tensor of positive positions, checked against dim 1 of x
local function flat_index(x, index)
  if core.dim(x) == 0 then fail('[index] a 0-dim tensor cannot be indexed with a tensor') end
  local r = core.idx_wrap_index(core.reshape(index, { core.numel(index) }), core.size(x, 1))
  return r
end

-- v (converted to x's dtype) expanded to shape, with the error in indexing terms
local function values_as(x, v, shape)
  local ok, r = pcall(core.expand, core.to_dtype(v, core.dtype_id(x)), shape)
  if not ok then
    fail(string.format('[index] shape mismatch: value tensor of shape %s cannot be broadcast to indexing result of shape %s',
      tostring(torch.Size(core.size(v))), tostring(torch.Size(shape))))
  end
  return core.contiguous(r)
end

function torch._index_get(x, key)
  local dt = key.dtype.name
  if mask_dtypes[dt] then
    local m, ms, xs = expand_mask(x, key)
    local sel = core.idx_masked_select(x, m)
    local inner = 1
    for i = #ms + 1, #xs do inner = inner * xs[i] end
    local count = inner > 0 and core.numel(sel) / inner or core.size(core.idx_nonzero(key), 1)
    return core.reshape(sel, rest_shape({ count }, xs, #ms + 1))
  elseif index_dtypes[dt] then
    local flat = flat_index(x, key)
    local r = core.idx_index_select(x, 1, flat)
    return core.reshape(r, rest_shape(core.size(key), core.size(x), 2))
  end
  fail(string.format('[index] tensors used as indices must be bool, uint8, int64 or int32, got %s', dt))
end

function torch._index_set(x, key, v)
  local dt = key.dtype.name
  local tv = is_tensor(v)
  if not tv and type(v) ~= 'number' and type(v) ~= 'boolean' then
    fail('[index] can only assign a number, a boolean or a Tensor, got ' .. type(v))
  end
  if mask_dtypes[dt] then
    local m, ms, xs = expand_mask(x, key)
    if not tv or core.dim(v) == 0 then
      core.idx_masked_fill(x, m, v, true)
      return
    end
    local count = core.size(core.idx_nonzero(key), 1)
    core.idx_masked_scatter(x, m, values_as(x, v, rest_shape({ count }, xs, #ms + 1)), true)
    return
  elseif index_dtypes[dt] then
    local flat = flat_index(x, key)
    if not tv or core.dim(v) == 0 then
      core.idx_index_fill(x, 1, flat, v, true)
      return
    end
    local vals = values_as(x, v, rest_shape({ core.numel(flat) }, core.size(x), 2))
    core.idx_index_copy(x, 1, flat, vals, true)
    return
  end
  fail(string.format('[index] tensors used as indices must be bool, uint8, int64 or int32, got %s', dt))
end

return torch
