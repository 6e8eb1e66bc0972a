-- Sorting and searching: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
-- searchsorted, bucketize (lua/torch/sort.lua, lib/luabind/lb_sort.c, lib/TH/THSort.c,
-- lib/TH/THCpuSort.c).
--
-- Expected values are PyTorch 1.13's results for the same inputs, written down as literals,
-- with every index (and every searchsorted/bucketize position) plus one: positions are 1-based
-- here.  Tie orders of the non-stable sort, topk and kthvalue are PyTorch's too.
local torch = require 'torch'
local nan = 0 / 0

-- ---------------------------------------------------------------------------- helpers

local function flat(t)
  if t.dtype == torch.bool then return t:reshape(-1):tolist() end
  return t:double():reshape(-1):tolist()
end

-- equal numbers, NaN equal to NaN, and -0.0 different from 0.0
local function same_number(a, b)
  if a ~= a then return b ~= b end
  if a == 0 and b == 0 then return 1 / a == 1 / b end
  return a == b
end

local function check(t, expected, shape, dtype)
  assert.is_true(torch.is_tensor(t), 'expected a tensor, got ' .. type(t))
  if shape then assert.are.same(shape, t:size():totable()) end
  if dtype then assert.are.equal(dtype, t.dtype) end
  local got = flat(t)
  assert.are.equal(#expected, #got, 'number of elements')
  for i = 1, #expected do
    if not same_number(got[i], expected[i]) then
      error(string.format('element %d: expected %s, got %s\n  expected %s\n  got      %s', i,
        tostring(expected[i]), tostring(got[i]), table.concat(expected, ', ', 1, math.min(#expected, 40)),
        table.concat(got, ', ', 1, math.min(#got, 40))), 2)
    end
  end
end

local function snapshot(t)
  return { dtype = t.dtype.name, size = t:size():totable(), stride = t:stride(),
    offset = t:storage_offset(), values = flat(t) }
end

local function same_snapshot(a, b)
  assert.are.same(a.dtype, b.dtype)
  assert.are.same(a.size, b.size)
  assert.are.same(a.stride, b.stride)
  assert.are.same(a.offset, b.offset)
  assert.are.equal(#a.values, #b.values)
  for i = 1, #a.values do assert.is_true(same_number(a.values[i], b.values[i])) end
end

-- fn must fail with a message containing every string of words; inputs stay unchanged.
local function check_error(fn, inputs, words)
  local before = {}
  for i, t in ipairs(inputs) do before[i] = snapshot(t) end
  local ok, err = pcall(fn)
  assert.is_false(ok, 'expected an error')
  err = tostring(err)
  for _, w in ipairs(words) do
    assert.is_truthy(err:find(w, 1, true), string.format('error %q should contain %q', err, w))
  end
  for i, t in ipairs(inputs) do same_snapshot(before[i], snapshot(t)) end
  return err
end

local ties = { 4, 4, 1, 4, 9, 9, 0, 4, 2, 9 }
local function rep(t, n)
  local r = {}
  for _ = 1, n do for _, v in ipairs(t) do r[#r + 1] = v end end
  return r
end

local function arange(n, dtype) return torch.arange(n, { dtype = dtype or 'int64' }) end

-- ---------------------------------------------------------------------------- sort
describe('sort', function()
  it('returns values and 1-based indices along the last dim', function()
    local v, i = torch.tensor({ { 3, 1, 2 }, { 9, 7, 8 } }):sort()
    check(v, { 1, 2, 3, 7, 8, 9 }, { 2, 3 }, torch.int64)
    check(i, { 2, 3, 1, 2, 3, 1 }, { 2, 3 }, torch.int64)
  end)

  it('takes dim and descending positionally, as a function and a method', function()
    local x = torch.tensor({ { 3, 1, 2 }, { 9, 7, 8 } })
    local v, i = torch.sort(x, 1, true)
    check(v, { 9, 7, 8, 3, 1, 2 })
    check(i, { 2, 2, 2, 1, 1, 1 })
    v, i = x:sort(-2, true)
    check(i, { 2, 2, 2, 1, 1, 1 })
    v, i = x:sort({ dim = 1, descending = true })
    check(i, { 2, 2, 2, 1, 1, 1 })
  end)

  it('sorts transposed input along either dim', function()
    local xt = torch.tensor({ { 3, 1, 2 }, { 9, 7, 8 } }):t()
    local v, i = xt:sort()
    check(v, { 3, 9, 1, 7, 2, 8 }, { 3, 2 })
    check(i, { 1, 2, 1, 2, 1, 2 })
    v, i = xt:sort(1)
    check(v, { 1, 7, 2, 8, 3, 9 })
    check(i, { 2, 2, 3, 3, 1, 1 })
  end)

  it('sorts a transposed and narrowed 3-D view along every dim', function()
    local x = arange(24):view(2, 3, 4):transpose(1, 3):narrow(2, 2, 2)
    local v, i = x:sort(3, true)
    check(v, { 16, 4, 20, 8, 17, 5, 21, 9, 18, 6, 22, 10, 19, 7, 23, 11 }, { 4, 2, 2 })
    check(i, { 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1 })
    v, i = x:sort(-3, true)
    check(v, { 7, 19, 11, 23, 6, 18, 10, 22, 5, 17, 9, 21, 4, 16, 8, 20 })
    check(i, { 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1 })
  end)

  it('orders ties like PyTorch when not stable', function()
    local x = torch.tensor({ 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1 },
      { dtype = 'int8' })
    local _, i = x:sort()
    check(i, { 10, 18, 16, 15, 21, 12, 22, 9, 24, 6, 4, 3, 23, 14, 25, 20, 19, 26, 17, 1, 13, 11, 8, 7, 5, 2 })
    _, i = x:sort(1, true)
    check(i, { 14, 26, 25, 23, 20, 19, 17, 1, 13, 11, 8, 7, 5, 2, 10, 12, 9, 15, 16, 18, 6, 21, 22, 4, 24, 3 })
    local v
    v, i = torch.tensor(rep(ties, 4)):sort()
    check(v, { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
      9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 })
    check(i, { 37, 7, 17, 27, 3, 33, 23, 13, 39, 19, 9, 29, 22, 2, 24, 28, 31, 32, 34, 38, 21, 18,
      1, 4, 14, 12, 11, 8, 40, 5, 36, 35, 6, 10, 30, 15, 26, 25, 16, 20 })
  end)

  it('keeps the input order of ties when stable', function()
    local x = torch.tensor({ 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1 },
      { dtype = 'int8' })
    local _, i = x:sort({ stable = true, descending = true })
    check(i, { 1, 2, 5, 7, 8, 11, 13, 14, 17, 19, 20, 23, 25, 26, 3, 4, 6, 9, 10, 12, 15, 16, 18, 21, 22, 24 })
    _, i = x:sort({ stable = true })
    check(i, { 3, 4, 6, 9, 10, 12, 15, 16, 18, 21, 22, 24, 1, 2, 5, 7, 8, 11, 13, 14, 17, 19, 20, 23, 25, 26 })
  end)

  it('sorts NaN as the largest value and keeps -0.0 and 0.0 as ties', function()
    local x = torch.tensor({ 2.5, nan, -0.0, 0.0, -1.0, nan, 2.5 }, { dtype = 'float32' })
    local v, i = x:sort()
    check(v, { -1.0, -0.0, 0.0, 2.5, 2.5, nan, nan }, nil, torch.float32)
    check(i, { 5, 3, 4, 1, 7, 2, 6 })
    v, i = x:sort({ descending = true })
    check(v, { nan, nan, 2.5, 2.5, -0.0, 0.0, -1.0 })
    check(i, { 2, 6, 1, 7, 3, 4, 5 })
  end)

  it('works for every dtype', function()
    local cases = {
      { 'bool', { true, false, true, false }, false, { false, false, true, true }, { 2, 4, 1, 3 } },
      { 'uint8', { 200, 3, 255, 0 }, false, { 0, 3, 200, 255 }, { 4, 2, 1, 3 } },
      { 'int8', { 100, -128, 127, 0 }, true, { 127, 100, 0, -128 }, { 3, 1, 4, 2 } },
      { 'int16', { 300, -300, 7 }, false, { -300, 7, 300 }, { 2, 3, 1 } },
      { 'int32', { 70000, -5, 3 }, false, { -5, 3, 70000 }, { 2, 3, 1 } },
      { 'int64', { 2 ^ 40, -2 ^ 40, 7 }, false, { -2 ^ 40, 7, 2 ^ 40 }, { 2, 3, 1 } },
      { 'float16', { 0.5, -2.25, 1e4, -0.125 }, false, { -2.25, -0.125, 0.5, 10000 }, { 2, 4, 1, 3 } },
      { 'bfloat16', { 0.5, -2.25, 1e4, -0.125 }, true, { 9984, 0.5, -0.125, -2.25 }, { 3, 1, 4, 2 } },
      { 'float32', { 0.5, -2.25, 1e4, -0.125 }, false, { -2.25, -0.125, 0.5, 10000 }, { 2, 4, 1, 3 } },
      { 'float64', { 0.1, -0.2, 0.3 }, false, { -0.2, 0.1, 0.3 }, { 2, 1, 3 } },
    }
    for _, c in ipairs(cases) do
      local x = torch.tensor(c[2], { dtype = c[1] })
      local v, i = x:sort({ descending = c[3] })
      check(v, c[4], nil, torch[c[1]])
      check(i, c[5], nil, torch.int64)
    end
  end)

  it('handles 0-dim and empty tensors', function()
    local v, i = torch.tensor(5.5):sort()
    check(v, { 5.5 }, {})
    check(i, { 1 }, {}, torch.int64)
    v, i = torch.zeros(0, 3):sort(1)
    check(v, {}, { 0, 3 })
    check(i, {}, { 0, 3 }, torch.int64)
  end)

  it('sorts large tensors (parallel slices, radix and introsort paths) consistently', function()
    local n, rows = 3000, 40
    local data, s = {}, 7
    for k = 1, n * rows do
      s = (s * 69069 + 1) % 4294967296
      data[k] = s % 97 - 48
    end
    local x = torch.tensor(data, { dtype = 'float32' }):view(rows, n)
    for _, stable in ipairs({ false, true }) do
      local v, i = x:sort({ stable = stable, descending = true })
      local vt, it = v:tolist(), i:tolist()
      for r = 1, rows, 13 do
        local seen = {}
        for k = 1, n do
          assert.are.equal(data[(r - 1) * n + it[r][k]], vt[r][k])
          assert.is_nil(seen[it[r][k]])
          seen[it[r][k]] = true
          if k > 1 then
            assert.is_true(vt[r][k - 1] >= vt[r][k])
            if stable and vt[r][k - 1] == vt[r][k] then assert.is_true(it[r][k - 1] < it[r][k]) end
          end
        end
      end
    end
    -- along dim 1 (strided slices) the same as sorting the transposed copy
    local _, i1 = x:sort(1, false, { stable = true })
    local _, i2 = x:t():contiguous():sort(2, false, { stable = true })
    assert.are.same(i1:t():contiguous():view(-1):tolist(), i2:view(-1):tolist())
  end)

  it('writes into out = {values, indices}, resizing them', function()
    local x = torch.tensor({ 2.5, 0.5, 1.5 })
    local ov, oi = torch.zeros(1), torch.zeros(5, { dtype = 'int64' })
    local v, i = torch.sort(x, { out = { ov, oi } })
    assert.are.equal(ov, v)
    assert.are.equal(oi, i)
    check(ov, { 0.5, 1.5, 2.5 }, { 3 })
    check(oi, { 2, 3, 1 }, { 3 })
    -- into non-contiguous outs of the right shape
    local bv, bi = torch.zeros(3, 2), torch.zeros(3, 2, { dtype = 'int64' })
    torch.sort(x, 1, true, { out = { bv:select(2, 2), bi:select(2, 1) } })
    check(bv, { 0, 2.5, 0, 1.5, 0, 0.5 })
    check(bi, { 1, 0, 3, 0, 2, 0 })
    -- x itself as the values output
    local y = torch.tensor({ 3.0, 1.0, 2.0 })
    torch.sort(y, { out = { y, torch.empty(0, { dtype = 'int64' }) } })
    check(y, { 1, 2, 3 })
  end)

  it('rejects bad arguments, leaving inputs unchanged', function()
    local x = torch.tensor({ { 3, 1, 2 }, { 9, 7, 8 } })
    check_error(function() x:sort(3) end, { x },
      { '[sort] dimension 3 is out of range for a tensor with 2 dimensions' })
    check_error(function() x:sort(-3) end, { x }, { '[sort]', 'dimension -3' })
    check_error(function() x:sort(0) end, { x }, { 'dimension 0 is invalid' })
    check_error(function() x:sort({ dims = 1 }) end, { x }, { '[sort] unknown option "dims"' })
    check_error(function() x:sort(1, { dim = 2 }) end, { x }, { '[sort] dim given both' })
    check_error(function() x:sort({ descending = 1 }) end, { x }, { '[sort] descending must be a boolean' })
    local ov, oi = torch.zeros(2, { dtype = 'float32' }), torch.zeros(2, { dtype = 'int64' })
    check_error(function() x:sort({ out = { ov, oi } }) end, { x, ov, oi },
      { '[sort] expected the values output to have dtype int64, but got float32' })
    local ov2, oi2 = torch.zeros(2, { dtype = 'int64' }), torch.zeros(2, { dtype = 'int32' })
    check_error(function() x:sort({ out = { ov2, oi2 } }) end, { x, ov2, oi2 },
      { '[sort] expected the indices output to have dtype int64, but got int32' })
    check_error(function() x:sort({ out = ov }) end, { x, ov }, { '{values, indices}' })
    check_error(function() torch.sort({ 1, 2 }) end, {}, { '[sort] input must be a Tensor' })
  end)
end)

-- ---------------------------------------------------------------------------- argsort, msort
describe('argsort', function()
  it('gives the 1-based indices of sort', function()
    local x = torch.tensor({ { 0.5, 0.1, 0.3 }, { 0.2, 0.9, 0.2 } })
    check(x:argsort(), { 2, 3, 1, 1, 3, 2 }, { 2, 3 }, torch.int64)
    check(torch.argsort(x, 1, true), { 1, 2, 1, 2, 1, 2 })
    check(x:argsort({ dim = 1, descending = true }), { 1, 2, 1, 2, 1, 2 })
    check(torch.tensor({ 2, 1, 2, 1 }):argsort({ stable = true }), { 2, 4, 1, 3 })
    check(x:t():argsort(), { 2, 1, 1, 2, 2, 1 })
  end)

  it('rejects bad arguments', function()
    local x = torch.tensor({ 1, 2 })
    check_error(function() x:argsort(2) end, { x }, { '[sort] dimension 2 is out of range' })
    check_error(function() x:argsort({ out = x }) end, { x }, { '[argsort] unknown option "out"' })
  end)
end)

describe('msort', function()
  it('sorts along the first dim', function()
    local x = torch.tensor({ { 3, 1 }, { 1, 2 }, { 0, 5 } }, { dtype = 'float32' })
    check(x:msort(), { 0, 1, 1, 2, 3, 5 }, { 3, 2 })
    check(torch.msort(x:t()), { 1, 1, 0, 3, 2, 5 }, { 2, 3 })
    check(torch.msort(torch.tensor(3)), { 3 }, {})
    local out = torch.zeros(1, { dtype = 'float32' })
    assert.are.equal(out, torch.msort(x, { out = out }))
    check(out, { 0, 1, 1, 2, 3, 5 }, { 3, 2 })
  end)
end)

-- ---------------------------------------------------------------------------- topk
describe('topk', function()
  it('returns the k largest and their indices, ties as in PyTorch', function()
    local x = torch.tensor(ties)
    local v, i = x:topk(4)
    check(v, { 9, 9, 9, 4 }, { 4 })
    check(i, { 6, 10, 5, 4 }, { 4 }, torch.int64)
    v, i = torch.topk(x, 4, { largest = false })
    check(v, { 0, 1, 2, 4 })
    check(i, { 7, 3, 9, 8 })
    v, i = x:topk(4, { sorted = false })
    check(i, { 6, 10, 5, 4 })
    -- long slices take PyTorch's partial-sort path (k * 64 <= n)
    local long = torch.tensor(rep(ties, 20))
    v, i = long:topk(3)
    check(v, { 9, 9, 9 })
    check(i, { 10, 6, 5 })
    v, i = long:topk(2, -1, false)
    check(v, { 0, 0 })
    check(i, { 17, 7 })
    v, i = torch.tensor(rep(ties, 4)):topk(7)
    check(i, { 15, 10, 30, 26, 25, 20, 40 })
  end)

  it('takes NaN as the largest value', function()
    local x = torch.tensor({ 1.0, nan, 3.0, nan, -1.0 })
    local v, i = x:topk(3)
    check(v, { nan, nan, 3.0 })
    check(i, { 2, 4, 3 })
    v, i = x:topk(3, { largest = false })
    check(v, { -1.0, 1.0, 3.0 })
    check(i, { 5, 1, 3 })
  end)

  it('works along any dim, on transposed input and for other dtypes', function()
    local x = torch.tensor({ { 1, 9, 3 }, { 8, 2, 7 } })
    local v, i = x:topk(2, 1)
    check(v, { 8, 9, 7, 1, 2, 3 }, { 2, 3 })
    check(i, { 2, 1, 2, 1, 2, 1 })
    v, i = x:t():topk(1)
    check(v, { 8, 9, 7 }, { 3, 1 })
    check(i, { 2, 1, 2 })
    v, i = torch.tensor({ 0.5, 0.25, 0.75 }, { dtype = 'bfloat16' }):topk(2)
    check(v, { 0.75, 0.5 }, nil, torch.bfloat16)
    check(i, { 3, 1 })
    v, i = torch.tensor({ 5, 1, 3 }, { dtype = 'uint8' }):topk(2, 1, false)
    check(v, { 1, 3 }, nil, torch.uint8)
    check(i, { 2, 3 })
    v, i = torch.tensor({ true, false, true }):topk(1)
    check(v, { true }, nil, torch.bool)
  end)

  it('handles k = 0, 0-dim and empty tensors', function()
    local v, i = torch.tensor({ 5, 1, 3 }):topk(0)
    check(v, {}, { 0 })
    check(i, {}, { 0 }, torch.int64)
    v, i = torch.tensor(3.5):topk(1)
    check(v, { 3.5 }, {})
    check(i, { 1 }, {})
    v, i = torch.zeros(2, 0):topk(0)
    check(v, {}, { 2, 0 })
    v, i = torch.zeros(0, 4):topk(2)
    check(v, {}, { 0, 2 })
  end)

  it('writes into out =', function()
    local ov, oi = torch.zeros(0), torch.zeros(0, { dtype = 'int64' })
    local v, i = torch.topk(torch.tensor({ 1.5, 3.5, 2.5 }), 2, { out = { ov, oi } })
    assert.are.equal(ov, v)
    assert.are.equal(oi, i)
    check(ov, { 3.5, 2.5 })
    check(oi, { 2, 3 })
  end)

  it('rejects bad k and dims', function()
    local x = torch.tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    check_error(function() x:topk(5) end, { x }, { '[topk] k (5) is too big for dimension 2 of size 3' })
    check_error(function() x:topk(3, 1) end, { x }, { '[topk] k (3) is too big for dimension 1 of size 2' })
    check_error(function() x:topk(-1) end, { x }, { '[topk] k (-1) must be non-negative' })
    check_error(function() x:topk(1, 3) end, { x }, { '[topk] dimension 3 is out of range' })
    check_error(function() x:topk(1.5) end, { x }, { 'integer expected' })
    check_error(function() x:topk() end, { x }, { '[topk] k must be a number' })
    check_error(function() x:topk(1, { largest = 'yes' }) end, { x }, { '[topk] largest must be a boolean' })
    local ov, oi = torch.zeros(0), torch.zeros(0, { dtype = 'int32' })
    check_error(function() x:topk(1, { out = { ov, oi } }) end, { x, ov, oi },
      { '[topk] expected the values output to have dtype int64' })
  end)
end)

-- ---------------------------------------------------------------------------- kthvalue
describe('kthvalue', function()
  it('returns the k-th smallest (k from 1) and its index, ties as in PyTorch', function()
    local x = torch.tensor(ties)
    local v, i = x:kthvalue(5)
    check(v, { 4 }, {})
    check(i, { 2 }, {}, torch.int64)
    v, i = x:kthvalue(1)
    check(v, { 0 })
    check(i, { 7 })
    v, i = torch.kthvalue(x, 10)
    check(v, { 9 })
    check(i, { 10 })
    v, i = torch.tensor(rep(ties, 4)):kthvalue(17)
    check(v, { 4 })
    check(i, { 34 })
  end)

  it('puts NaN above every number', function()
    local x = torch.tensor({ 1.0, nan, 3.0, nan, -1.0 })
    local v, i = x:kthvalue(4)
    check(v, { nan })
    check(i, { 2 })
    v, i = x:kthvalue(3)
    check(v, { 3.0 })
    check(i, { 3 })
  end)

  it('works along any dim, with keepdim, on transposed input', function()
    local x = torch.tensor({ { 4, 1, 3 }, { 2, 6, 5 } })
    local v, i = x:kthvalue(2, 1)
    check(v, { 4, 6, 5 }, { 3 })
    check(i, { 1, 2, 2 })
    v, i = x:kthvalue(2, 2, true)
    check(v, { 3, 5 }, { 2, 1 })
    check(i, { 3, 3 }, { 2, 1 })
    v, i = x:kthvalue(2, { dim = -1, keepdim = true })
    check(i, { 3, 3 }, { 2, 1 })
    v, i = x:t():kthvalue(1)
    check(v, { 2, 1, 3 }, { 3 })
    check(i, { 2, 1, 1 })
    v, i = torch.tensor({ 3, -1, 2 }, { dtype = 'int8' }):kthvalue(2)
    check(v, { 2 }, {}, torch.int8)
    check(i, { 3 })
    v, i = torch.tensor({ 0.5, -1.5, 2 }, { dtype = 'float16' }):kthvalue(1)
    check(v, { -1.5 }, {}, torch.float16)
    v, i = torch.tensor(7.5):kthvalue(1)
    check(v, { 7.5 }, {})
    check(i, { 1 }, {})
  end)

  it('writes into out =', function()
    local ov, oi = torch.zeros(7), torch.zeros(7, { dtype = 'int64' })
    torch.kthvalue(torch.tensor({ { 4, 1, 3 }, { 2, 6, 5 } }, { dtype = 'float32' }), 1, { out = { ov, oi } })
    check(ov, { 1, 2 }, { 2 })
    check(oi, { 2, 1 }, { 2 })
  end)

  it('rejects k out of range, leaving inputs unchanged', function()
    local x = torch.tensor({ 1, 2, 3 })
    check_error(function() x:kthvalue(0) end, { x },
      { '[kthvalue] k (0) is out of range for dimension 1 of size 3' })
    check_error(function() x:kthvalue(4) end, { x }, { '[kthvalue] k (4) is out of range' })
    check_error(function() torch.zeros(0):kthvalue(1) end, {}, { 'dimension 1 of size 0' })
    check_error(function() x:kthvalue(1, 2) end, { x }, { '[kthvalue] dimension 2 is out of range' })
  end)
end)

-- ---------------------------------------------------------------------------- unique
describe('unique', function()
  it('returns sorted distinct values, 1-based inverse and counts', function()
    local x = torch.tensor({ { 3, 1, 3 }, { 2, 1, 7 } })
    local u, inv, cnt = x:unique({ return_inverse = true, return_counts = true })
    check(u, { 1, 2, 3, 7 }, { 4 }, torch.int64)
    check(inv, { 3, 1, 3, 2, 1, 4 }, { 2, 3 }, torch.int64)
    check(cnt, { 2, 1, 2, 1 }, { 4 }, torch.int64)
    u, inv, cnt = torch.unique(x:t(), true, true, true)
    check(u, { 1, 2, 3, 7 })
    check(inv, { 3, 2, 1, 1, 3, 4 }, { 3, 2 })
    check(cnt, { 2, 1, 2, 1 })
  end)

  it('returns only what is asked for', function()
    local x = torch.tensor({ 3, 1, 3 })
    assert.are.equal(1, select('#', x:unique()))
    local u, cnt = x:unique({ return_counts = true })
    check(u, { 1, 3 })
    check(cnt, { 1, 2 })
    local u2, inv = x:unique({ return_inverse = true })
    check(u2, { 1, 3 })
    check(inv, { 2, 1, 2 })
  end)

  it('lists values in order of first appearance when sorted is false', function()
    local x = torch.tensor({ 5, 3, 5, 1, 3, 0, 7, 1 })
    local u, inv, cnt = x:unique({ sorted = false, return_inverse = true, return_counts = true })
    check(u, { 5, 3, 1, 0, 7 })
    check(inv, { 1, 2, 1, 3, 2, 4, 5, 3 })
    check(cnt, { 2, 2, 2, 1, 1 })
    u, inv = torch.tensor({ 1e10, -3, 1e10, 7.25 }, { dtype = 'float64' }):unique(false, true)
    check(u, { 1e10, -3, 7.25 })
    check(inv, { 1, 2, 1, 3 })
  end)

  it('treats -0.0 and 0.0 as one value (the first one seen) and every NaN as distinct', function()
    local u, inv, cnt = torch.tensor({ 0.5, -0.0, 0.0, 0.5, 2.0 }, { dtype = 'float32' })
      :unique({ return_inverse = true, return_counts = true })
    check(u, { -0.0, 0.5, 2.0 })
    check(inv, { 2, 1, 1, 2, 3 })
    check(cnt, { 2, 2, 1 })
    u, inv, cnt = torch.tensor({ 3, nan, 1, nan, 3, 2 }, { dtype = 'float32' })
      :unique({ return_inverse = true, return_counts = true })
    check(u, { 1, 2, 3, nan, nan })
    check(inv, { 3, 4, 1, 5, 3, 2 })
    check(cnt, { 1, 1, 2, 1, 1 })
  end)

  it('works for wide ranges, other dtypes, 0-dim and empty tensors', function()
    local u, inv, cnt = torch.tensor({ 1000, -1000000, 1000, 5 }):unique(true, true, true)
    check(u, { -1000000, 5, 1000 })
    check(inv, { 3, 1, 3, 2 })
    check(cnt, { 1, 1, 2 })
    u, inv, cnt = torch.tensor({ true, false, true }):unique(true, true, true)
    check(u, { false, true }, nil, torch.bool)
    check(inv, { 2, 1, 2 })
    check(cnt, { 1, 2 })
    u = torch.tensor({ 2, 1, 2 }, { dtype = 'float16' }):unique()
    check(u, { 1, 2 }, nil, torch.float16)
    u = torch.tensor({ 2, -1, 2 }, { dtype = 'int8' }):unique()
    check(u, { -1, 2 }, nil, torch.int8)
    u, inv, cnt = torch.tensor(4):unique(true, true, true)
    check(u, { 4 }, { 1 })
    check(inv, { 1 }, {})
    check(cnt, { 1 }, { 1 })
    u, inv, cnt = torch.zeros(0, 2):unique(true, true, true)
    check(u, {}, { 0 })
    check(inv, {}, { 0, 2 })
    check(cnt, {}, { 0 })
  end)

  it('rejects dim and unknown options', function()
    local x = torch.tensor({ 1, 2 })
    check_error(function() x:unique({ dim = 1 }) end, { x }, { '[unique] dim is not supported' })
    check_error(function() x:unique({ return_index = true }) end, { x }, { '[unique] unknown option "return_index"' })
    check_error(function() x:unique('yes') end, { x }, { '[unique] sorted must be a boolean' })
  end)
end)

describe('unique_consecutive', function()
  it('collapses runs of equal elements', function()
    local u, inv, cnt = torch.tensor({ { 1, 1, 2 }, { 2, 2, 1 } })
      :unique_consecutive({ return_inverse = true, return_counts = true })
    check(u, { 1, 2, 1 }, { 3 })
    check(inv, { 1, 1, 2, 2, 2, 3 }, { 2, 3 })
    check(cnt, { 2, 3, 1 })
    u, cnt = torch.unique_consecutive(torch.tensor({ -0.0, 0.0, 1.0 }, { dtype = 'float64' }), false, true)
    check(u, { -0.0, 1.0 })
    check(cnt, { 2, 1 })
    u, inv, cnt = torch.tensor({ 1, nan, nan, 1, 1 }):unique_consecutive(true, true)
    check(u, { 1, nan, nan, 1 })
    check(inv, { 1, 2, 3, 4, 4 })
    check(cnt, { 1, 1, 1, 2 })
    u = torch.tensor({ 1, 1, 2 }):t():unique_consecutive()
    check(u, { 1, 2 })
    u, inv = torch.zeros(0):unique_consecutive(true)
    check(u, {}, { 0 })
    check(inv, {}, { 0 })
  end)

  it('rejects dim', function()
    local x = torch.tensor({ 1, 2 })
    check_error(function() x:unique_consecutive({ dim = 1 }) end, { x }, { '[unique_consecutive] dim is not supported' })
  end)
end)

-- ---------------------------------------------------------------------------- searchsorted
describe('searchsorted', function()
  local seq = torch.tensor({ 1, 3, 5, 7, 9 })

  it('returns 1-based insertion points in 1..n+1', function()
    local r = torch.searchsorted(seq, torch.tensor({ { 3, 6 }, { 9, 0 } }))
    check(r, { 2, 4, 5, 1 }, { 2, 2 }, torch.int64)
    check(torch.searchsorted(seq, torch.tensor({ { 3, 6 }, { 9, 0 } }), { right = true }), { 3, 4, 6, 1 })
    check(torch.searchsorted(seq, torch.tensor({ 10, 9 }), { side = 'right' }), { 6, 6 })
    check(torch.searchsorted(seq, torch.tensor({ 10, 9 }), { side = 'left', right = false }), { 6, 5 })
  end)

  it('searches NaN to the end and works across dtypes', function()
    local s = torch.tensor({ 1, 2, 2, 3 }, { dtype = 'float32' })
    check(torch.searchsorted(s, torch.tensor({ 2, nan, -5 }, { dtype = 'float32' })), { 2, 5, 1 })
    check(torch.searchsorted(s, torch.tensor({ 2, nan, -5 }, { dtype = 'float32' }), { right = true }), { 4, 5, 1 })
    check(torch.searchsorted(torch.tensor({ 1, 2, 3 }), torch.tensor({ 1.5, 2.5 })), { 2, 3 })
    check(torch.searchsorted(torch.tensor({ 1, 2 }, { dtype = 'float16' }),
      torch.tensor({ 1.5 }, { dtype = 'bfloat16' })), { 2 })
    check(torch.searchsorted(torch.tensor({ false, true }), torch.tensor({ true, false })), { 2, 1 })
    check(torch.searchsorted(torch.tensor({ -3, 5 }, { dtype = 'int8' }), torch.tensor({ 0 }, { dtype = 'int16' })), { 2 })
  end)

  it('takes a number as values (a 0-dim result)', function()
    check(torch.searchsorted(seq, 4), { 3 }, {}, torch.int64)
    check(torch.searchsorted(seq, 2.5), { 2 }, {})
    check(torch.searchsorted(torch.tensor({ 0.1 }, { dtype = 'float32' }), 0.1, { right = true }), { 2 })
    -- the number is converted to the sequence's integer dtype, wrapping as in PyTorch
    check(torch.searchsorted(torch.tensor({ 0, 1, 2, 250 }, { dtype = 'uint8' }), -7), { 4 })
    check(torch.searchsorted(seq, torch.tensor(6)), { 4 }, {})
  end)

  it('searches each row of an N-D sequence', function()
    local rows = torch.tensor({ { 1, 3, 5 }, { 2, 4, 6 } })
    local vals = torch.tensor({ { 0, 3, 6, 7 }, { 2, 3, 6, 1 } })
    check(torch.searchsorted(rows, vals), { 1, 2, 4, 4, 1, 2, 3, 1 }, { 2, 4 })
    -- non-contiguous sequence and values
    local rt = rows:t():contiguous():t()
    local vt = vals:t():contiguous():t()
    assert.is_false(rt:is_contiguous())
    check(torch.searchsorted(rt, vt, { right = true }), { 1, 3, 4, 4, 2, 2, 4, 1 })
  end)

  it('uses a 1-based sorter for an unsorted sequence', function()
    local s = torch.tensor({ 5, 1, 3 })
    local v = torch.tensor({ 0, 2, 4, 6 })
    check(torch.searchsorted(s, v, { sorter = torch.tensor({ 2, 3, 1 }) }), { 1, 2, 3, 4 })
    local r = torch.searchsorted(s, v, { sorter = s:argsort(), right = true, out_int32 = true })
    check(r, { 1, 2, 3, 4 }, nil, torch.int32)
  end)

  it('gives int32 with out_int32, and writes into out =', function()
    check(torch.searchsorted(seq, torch.tensor({ 3 }), { out_int32 = true }), { 2 }, { 1 }, torch.int32)
    local out = torch.zeros(5, { dtype = 'int64' })
    local r = torch.searchsorted(seq, torch.tensor({ 3, 8 }), { out = out })
    assert.are.equal(out, r)
    check(out, { 2, 5 }, { 2 })
    local o32 = torch.zeros(2, 2, { dtype = 'int32' })
    torch.searchsorted(seq, torch.tensor({ 3, 8 }), { out = o32:select(2, 1), out_int32 = true })
    check(o32, { 2, 0, 5, 0 })
  end)

  it('handles an empty sequence and empty values', function()
    check(torch.searchsorted(torch.zeros(0), torch.tensor({ 2.0 })), { 1 })
    check(torch.searchsorted(seq, torch.zeros(0, 3, { dtype = 'int64' })), {}, { 0, 3 })
  end)

  it('rejects bad arguments, leaving inputs unchanged', function()
    local rows = torch.tensor({ { 1, 2, 3 }, { 2, 3, 4 } })
    local v = torch.tensor({ { 1, 2 } })
    check_error(function() torch.searchsorted(rows, v) end, { rows, v },
      { '[searchsorted] sorted_sequence of shape (2, 3) and values of shape (1, 2) must have the same leading dimensions' })
    check_error(function() torch.searchsorted(rows, 2) end, { rows },
      { '[searchsorted] values can be a number only when sorted_sequence is 1-D', '(2, 3)' })
    local s0 = torch.tensor(3)
    check_error(function() torch.searchsorted(s0, v) end, { s0, v }, { 'sorted_sequence must have at least one dimension' })
    check_error(function() torch.searchsorted(seq, v, { side = 'middle' }) end, { seq, v },
      { '[searchsorted] side must be "left" or "right", got "middle"' })
    check_error(function() torch.searchsorted(seq, v, { side = 'left', right = true }) end, { seq, v },
      { '[searchsorted] side "left" contradicts right = true' })
    local bad = torch.tensor({ 1, 2, 6, 3, 4 })
    check_error(function() torch.searchsorted(seq, v, { sorter = bad }) end, { seq, v, bad },
      { '[searchsorted] sorter index 6 is out of range 1..5' })
    local zero = torch.tensor({ 1, 2, 0, 3, 4 })
    check_error(function() torch.searchsorted(seq, v, { sorter = zero }) end, { zero }, { 'sorter index 0' })
    local short = torch.tensor({ 1, 2 })
    check_error(function() torch.searchsorted(seq, v, { sorter = short }) end, { short },
      { '[searchsorted] sorter of shape (2,) must have the shape of sorted_sequence (5,)' })
    local fs = torch.tensor({ 1, 2, 3, 4, 5 }, { dtype = 'float32' })
    check_error(function() torch.searchsorted(seq, v, { sorter = fs }) end, { fs }, { 'sorter must be an int64 tensor' })
    local o = torch.zeros(2, { dtype = 'int32' })
    check_error(function() torch.searchsorted(seq, v, { out = o }) end, { o },
      { '[searchsorted] expected the output to have dtype int64' })
    check_error(function() torch.searchsorted(seq, 'x') end, {}, { '[searchsorted] values must be a Tensor or a number' })
    check_error(function() torch.searchsorted(seq, v, { rigth = true }) end, {}, { '[searchsorted] unknown option "rigth"' })
  end)
end)

describe('bucketize', function()
  local b = torch.tensor({ 1, 3, 5 })

  it('returns 1-based buckets in 1..n+1', function()
    check(torch.bucketize(torch.tensor({ { 0, 1 }, { 2, 5 } }), b), { 1, 1, 2, 3 }, { 2, 2 }, torch.int64)
    check(torch.bucketize(torch.tensor({ { 0, 1 }, { 2, 5 } }), b, { right = true, out_int32 = true }),
      { 1, 2, 2, 4 }, { 2, 2 }, torch.int32)
    check(torch.bucketize(4, b), { 3 }, {})
    check(torch.bucketize(torch.tensor({ 0.5, 3.0 }, { dtype = 'float64' }), torch.tensor({ 1, 3, 5 }, { dtype = 'int8' })),
      { 1, 2 })
    check(torch.bucketize(torch.tensor({ 6, 2 }):t(), b), { 4, 2 })
    local out = torch.zeros(0, { dtype = 'int64' })
    assert.are.equal(out, torch.bucketize(torch.tensor({ 9 }), b, { out = out }))
    check(out, { 4 })
  end)

  it('needs 1-D boundaries', function()
    local v = torch.tensor({ 1, 2 })
    local b2 = torch.tensor({ { 1, 2, 3 } })
    check_error(function() torch.bucketize(v, b2) end, { v, b2 }, { '[bucketize] boundaries must be 1-D, but got shape (1, 3)' })
    check_error(function() torch.bucketize(v, torch.tensor(3)) end, { v }, { '[bucketize] boundaries must be 1-D, but got shape ()' })
    check_error(function() torch.bucketize(v, b, { side = 'left' }) end, { v }, { '[bucketize] unknown option "side"' })
  end)
end)
