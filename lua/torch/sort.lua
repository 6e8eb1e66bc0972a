-- Sorting and searching: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
-- searchsorted and bucketize, as functions on torch and (except searchsorted and bucketize,
-- as in PyTorch) methods on tensors.
--
-- Positions are 1-based like everything in this API: dims count from 1 (negative from the
-- end, default the last), the indices that sort/topk/kthvalue return and unique's inverse
-- are 1-based, and searchsorted/bucketize return 1-based insertion points in 1..n+1 (PyTorch's
-- 0..n plus one).  The C binding (lib/luabind/lb_sort.c) does the conversion; this file
-- reads the positional arguments PyTorch allows and the trailing options table.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor

-- errors point at the user's line (torch._error skips this package's frames)
local fail = torch._error

local function is_options(t)
  return type(t) == 'table' and not is_tensor(t) and getmetatable(t) ~= torch._Size
end

local function check_arg(fname, spec, name, v)
  local want = spec[name]
  if v == nil then return end
  local ok
  if want == 'tensor' then ok = is_tensor(v)
  elseif want == 'out2' then ok = type(v) == 'table' and is_tensor(v[1]) and is_tensor(v[2])
  else ok = type(v) == want end
  if not ok then
    local what = want == 'out2' and 'a table {values, indices} of two tensors'
      or (want == 'tensor' and 'a Tensor' or 'a ' .. want)
    fail(string.format('[%s] %s must be %s, got %s', fname, name, what,
      is_tensor(v) and 'a Tensor' or type(v)))
  end
end

local NO_ARGS = setmetatable({}, { __newindex = function() error('read-only', 2) end })

-- Splits the arguments after the fixed ones into positional values (by name, spec[1..n]) and
-- an options table; checks that every key is known, that nothing is given twice, and the
-- value types (spec[name]: 'boolean', 'number', 'string', 'tensor', or 'out2' for a
-- {values, indices} pair of tensors).
local function args(fname, spec, n, ...)
  local count = select('#', ...)
  if count == 0 then return NO_ARGS end
  local r, opts = {}, nil
  if is_options((select(count, ...))) then
    opts = select(count, ...)
    count = count - 1
  end
  if count > n then
    fail(string.format('[%s] expected at most %d positional arguments after the tensor%s, got %d',
      fname, n, n == 1 and '' or 's', count))
  end
  for i = 1, count do
    local name, v = spec[i], select(i, ...)
    check_arg(fname, spec, name, v)
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
      check_arg(fname, spec, k, v)
      r[k] = v
    end
  end
  return r
end

local function check_tensor(fname, x, what)
  if not is_tensor(x) then
    fail(string.format('[%s] %s must be a Tensor, got %s', fname, what or 'input', type(x)))
  end
end

local function out_pair(o)
  if o then return o[1], o[2] end
  return nil, nil
end

-- ---------------------------------------------------------------------------- sort

local sort_spec = { 'dim', 'descending', dim = 'number', descending = 'boolean',
  stable = 'boolean', out = 'out2' }

-- torch.sort(x, [dim], [descending], [{dim =, descending =, stable =, out = {values, indices}}])
-- -> values, indices (1-based)
function torch.sort(x, ...)
  check_tensor('sort', x)
  local a = args('sort', sort_spec, 2, ...)
  local ov, oi = out_pair(a.out)
  return core.sort(x, a.dim, a.descending, a.stable, ov, oi)
end

local argsort_spec = { 'dim', 'descending', dim = 'number', descending = 'boolean',
  stable = 'boolean' }

-- torch.argsort(x, [dim], [descending], [{dim =, descending =, stable =}]) -> indices (1-based)
function torch.argsort(x, ...)
  check_tensor('argsort', x)
  local a = args('argsort', argsort_spec, 2, ...)
  return core.argsort(x, a.dim, a.descending, a.stable)
end

local msort_spec = { out = 'tensor' }

-- torch.msort(x, [{out =}]): x sorted along its first dim (values only)
function torch.msort(x, ...)
  check_tensor('msort', x)
  local a = args('msort', msort_spec, 0, ...)
  if a.out then
    -- the indices go to a scratch tensor; out receives the values
    core.sort(x, 1, false, false, a.out, nil)
    return a.out
  end
  return (core.sort(x, 1, false, false))
end

-- ---------------------------------------------------------------------------- topk, kthvalue

local topk_spec = { 'dim', 'largest', 'sorted', dim = 'number', largest = 'boolean',
  sorted = 'boolean', out = 'out2' }

-- torch.topk(x, k, [dim], [largest], [sorted], [{dim =, largest =, sorted =, out =}])
-- -> values, indices (1-based)
function torch.topk(x, k, ...)
  check_tensor('topk', x)
  if type(k) ~= 'number' then fail('[topk] k must be a number, got ' .. type(k)) end
  local a = args('topk', topk_spec, 3, ...)
  local ov, oi = out_pair(a.out)
  return core.topk(x, k, a.dim, a.largest, a.sorted, ov, oi)
end

local kth_spec = { 'dim', 'keepdim', dim = 'number', keepdim = 'boolean', out = 'out2' }

-- torch.kthvalue(x, k, [dim], [keepdim], [{dim =, keepdim =, out =}]) -> values, indices
-- (k counts from 1: kthvalue(x, 1) is the smallest)
function torch.kthvalue(x, k, ...)
  check_tensor('kthvalue', x)
  if type(k) ~= 'number' then fail('[kthvalue] k must be a number, got ' .. type(k)) end
  local a = args('kthvalue', kth_spec, 2, ...)
  local ov, oi = out_pair(a.out)
  return core.kthvalue(x, k, a.dim, a.keepdim, ov, oi)
end

-- ---------------------------------------------------------------------------- unique

local unique_spec = { 'sorted', 'return_inverse', 'return_counts', 'dim', sorted = 'boolean',
  return_inverse = 'boolean', return_counts = 'boolean', dim = 'number' }

-- torch.unique(x, [sorted], [return_inverse], [return_counts], [dim],
--              [{sorted =, return_inverse =, return_counts =, dim =}])
-- -> values [, inverse (1-based)] [, counts]
function torch.unique(x, ...)
  check_tensor('unique', x)
  local a = args('unique', unique_spec, 4, ...)
  if a.dim ~= nil then
    fail('[unique] dim is not supported yet: only dim = nil (the flattened tensor)')
  end
  local sorted = a.sorted
  if sorted == nil then sorted = true end
  return core.unique(x, sorted, a.return_inverse, a.return_counts)
end

local unique_consecutive_spec = { 'return_inverse', 'return_counts', 'dim',
  return_inverse = 'boolean', return_counts = 'boolean', dim = 'number' }

-- torch.unique_consecutive(x, [return_inverse], [return_counts], [dim],
--                          [{return_inverse =, return_counts =, dim =}])
function torch.unique_consecutive(x, ...)
  check_tensor('unique_consecutive', x)
  local a = args('unique_consecutive', unique_consecutive_spec, 3, ...)
  if a.dim ~= nil then
    fail('[unique_consecutive] dim is not supported yet: only dim = nil (the flattened tensor)')
  end
  return core.unique_consecutive(x, a.return_inverse, a.return_counts)
end

-- ---------------------------------------------------------------------------- searching

local function check_value(fname, v, what)
  if not (is_tensor(v) or type(v) == 'number' or type(v) == 'boolean') then
    fail(string.format('[%s] %s must be a Tensor or a number, got %s', fname, what, type(v)))
  end
end

local search_spec = { right = 'boolean', side = 'string', out_int32 = 'boolean',
  sorter = 'tensor', out = 'tensor' }

-- torch.searchsorted(sorted_sequence, values, [{right =, side =, out_int32 =, sorter =, out =}])
-- -> 1-based insertion points in 1..n+1
function torch.searchsorted(seq, values, ...)
  check_tensor('searchsorted', seq, 'sorted_sequence')
  check_value('searchsorted', values, 'values')
  local a = args('searchsorted', search_spec, 0, ...)
  local right = a.right
  if a.side ~= nil then
    if a.side ~= 'left' and a.side ~= 'right' then
      fail(string.format('[searchsorted] side must be "left" or "right", got "%s"', a.side))
    end
    if right ~= nil and right ~= (a.side == 'right') then
      fail(string.format('[searchsorted] side "%s" contradicts right = %s', a.side, tostring(right)))
    end
    right = a.side == 'right'
  end
  return core.searchsorted(seq, values, right, a.out_int32, a.sorter, a.out)
end

local bucketize_spec = { right = 'boolean', out_int32 = 'boolean', out = 'tensor' }

-- torch.bucketize(input, boundaries, [{right =, out_int32 =, out =}]) -> 1-based buckets in 1..n+1
function torch.bucketize(input, boundaries, ...)
  check_value('bucketize', input, 'input')
  check_tensor('bucketize', boundaries, 'boundaries')
  local a = args('bucketize', bucketize_spec, 0, ...)
  return core.bucketize(input, boundaries, a.right, a.out_int32, a.out)
end

-- ---------------------------------------------------------------------------- methods
for _, name in ipairs({ 'sort', 'argsort', 'msort', 'topk', 'kthvalue', 'unique',
  'unique_consecutive' }) do
  Tensor[name] = torch[name]
end

return torch
