-- Sorting and searching on CUDA (lib/THC/THCSort.c, THCSort.cu): sort, argsort, topk,
-- kthvalue, unique, unique_consecutive, searchsorted and bucketize, each run on the CPU and
-- on the GPU on the same inputs and compared.
--
-- The CUDA sort is stable, so it must equal the CPU's stable sort bit for bit (values and
-- indices).  topk and kthvalue are compared exactly where the answer is determined (distinct
-- values); with ties the values must agree and the indices must point at those values.
-- Without a GPU the whole file is one pending test saying why.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err
local nan = 0 / 0

local ok, reason = torch.cuda.is_available()
if not ok then
  describe('sorting and searching on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

-- ---------------------------------------------------------------------------- helpers

local function flat(t)
  t = t:cpu():reshape(-1)
  if t.dtype == torch.bool or t.dtype == torch.int64 then return t:tolist() end
  return t:double():tolist()
end

-- equal numbers, NaN equal to NaN, and -0.0 different from 0.0
local function same_number(a, b)
  if a ~= a then return b ~= b end
  if a == 0 and b == 0 then return 1 / a == 1 / b end
  return a == b
end

-- want (a CPU tensor) and got (a CUDA tensor) hold the same elements: dtype, shape and every
-- value (NaN payloads aside: NaN equals NaN, and the sign of zero counts).
local function same(want, got, what)
  what = what or 'result'
  assert.is_true(torch.is_tensor(got), what .. ': expected a tensor, got ' .. type(got))
  assert.is_true(got.is_cuda, what .. ' should be on the GPU')
  assert.are.equal(want.dtype, got.dtype, what .. ': dtype')
  assert.are.same(want:size():totable(), got:size():totable(), what .. ': shape')
  local w, g = flat(want), flat(got)
  for i = 1, #w do
    if not same_number(w[i], g[i]) then
      error(string.format('%s, element %d: expected %s, got %s', what, i, tostring(w[i]),
        tostring(g[i])), 2)
    end
  end
end

-- the same for large tensors without NaN (one comparison in C)
local function same_big(want, got, what)
  assert.is_true(got.is_cuda, (what or 'result') .. ' should be on the GPU')
  assert.are.same(want:size():totable(), got:size():totable())
  assert.is_true(torch.equal(want, got:cpu()), (what or 'result') .. ' differs from the CPU')
end

-- n pseudo-random integers in [lo, hi] (a fixed LCG: the same data on every run)
local function ints(n, lo, hi, seed)
  local r, s = {}, seed or 7
  for k = 1, n do
    s = (s * 69069 + 1) % 4294967296
    r[k] = lo + s % (hi - lo + 1)
  end
  return r
end

local ALL_DTYPES = { 'bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16',
  'float32', 'float64' }

-- a 3 x 4 x 5 tensor of dtype with many ties (non-negative for uint8 and bool)
local function tied(dtype, seed)
  local lo = (dtype == 'uint8' or dtype == 'bool') and 0 or -6
  local x = torch.tensor(ints(60, lo, lo + 12, seed), { dtype = 'float64' })
  if dtype:find('float') then x = x * 0.25 end
  return x:to(torch[dtype]):view(3, 4, 5)
end

-- ---------------------------------------------------------------------------- sort
describe('sort on CUDA', function()
  it('equals the CPU stable sort for every dtype, both directions, along every dim', function()
    for _, dt in ipairs(ALL_DTYPES) do
      local x = tied(dt)
      local xc = x:cuda()
      for _, d in ipairs({ 1, 2, 3, -1 }) do
        for _, desc in ipairs({ false, true }) do
          local what = string.format('%s dim %d descending %s', dt, d, tostring(desc))
          local v, i = x:sort({ dim = d, descending = desc, stable = true })
          local vc, ic = xc:sort({ dim = d, descending = desc, stable = true })
          same(v, vc, what .. ' values')
          same(i, ic, what .. ' indices')
          -- the non-stable sort: the same values, and indices that point at them
          vc, ic = xc:sort(d, desc)
          same(v, vc, what .. ' values (not stable)')
          same(v, x:gather(d, ic:cpu()):cuda(), what .. ' gathered values (not stable)')
          same(i, xc:argsort({ dim = d, descending = desc, stable = true }), what .. ' argsort')
        end
      end
    end
  end)

  it('orders NaN last (first when descending) and keeps the bits of -0.0', function()
    local data = { 2.5, nan, -0.0, 0.0, -1.0, nan, 2.5, math.huge, -math.huge, 0.0, -0.0, 1e-3 }
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16' }) do
      local x = torch.tensor(data, { dtype = dt })
      for _, desc in ipairs({ false, true }) do
        local v, i = x:sort({ descending = desc, stable = true })
        local vc, ic = x:cuda():sort({ descending = desc, stable = true })
        same(v, vc, dt .. ' values')
        same(i, ic, dt .. ' indices')
      end
    end
    local v = torch.tensor({ nan, 1, -0.0, 0.0 }):cuda():sort({ descending = true, stable = true })
    local got = flat(v)
    assert.is_true(got[1] ~= got[1])
    assert.are.equal(1, got[2])
    assert.are.equal(-math.huge, 1 / got[3]) -- -0.0 came first in the input: it stays first
    assert.are.equal(math.huge, 1 / got[4])
  end)

  it('sorts non-contiguous views into non-contiguous out= tensors', function()
    local x = torch.tensor(ints(60, -9, 9, 3), { dtype = 'float32' }):view(3, 4, 5)
    local y = x:transpose(1, 3):narrow(2, 2, 2) -- 5 x 2 x 3, no unit stride
    local yc = x:cuda():transpose(1, 3):narrow(2, 2, 2)
    for _, d in ipairs({ 1, 2, 3 }) do
      local v, i = y:sort({ dim = d, stable = true })
      local ov = torch.zeros(3, 2, 5):cuda():transpose(1, 3)
      local oi = torch.zeros(3, 2, 5, { dtype = 'int64' }):cuda():transpose(1, 3)
      local vc, ic = torch.sort(yc, { dim = d, stable = true, out = { ov, oi } })
      same(v, vc, 'values along dim ' .. d)
      same(i, ic, 'indices along dim ' .. d)
      same(v, ov, 'out values along dim ' .. d)
      same(i, oi, 'out indices along dim ' .. d)
    end
  end)

  it('sorts many short slices, few long ones and one very long one', function()
    torch.manual_seed(11)
    local short = torch.randint(-1000, 1000, { 100000, 7 }):float() -- 100000 slices of 7
    local shortc = short:cuda()
    for _, d in ipairs({ 2, 1 }) do -- then 7 slices of 100000
      for _, desc in ipairs({ false, true }) do
        local v, i = short:sort({ dim = d, descending = desc, stable = true })
        local vc, ic = shortc:sort({ dim = d, descending = desc, stable = true })
        same_big(v, vc, 'values')
        same_big(i, ic, 'indices')
      end
    end
    local bytes = torch.randint(0, 4, { 300000, 3 }, { dtype = 'int8' }) -- ties everywhere
    local v, i = bytes:sort({ stable = true, descending = true })
    local vc, ic = bytes:cuda():sort({ stable = true, descending = true })
    same_big(v, vc)
    same_big(i, ic)
    for _, dt in ipairs({ 'int32', 'float64', 'int64' }) do
      local long = torch.randint(-100000, 100000, { 2097152 }):to(torch[dt])
      v, i = long:sort({ stable = true })
      vc, ic = long:cuda():sort({ stable = true })
      same_big(v, vc, dt .. ' values')
      same_big(i, ic, dt .. ' indices')
    end
    local wide = torch.randint(-2 ^ 62, 2 ^ 62, { 100000 }) -- all 64 key bits in play
    v, i = wide:sort({ descending = true, stable = true })
    vc, ic = wide:cuda():sort({ descending = true, stable = true })
    same_big(v, vc)
    same_big(i, ic)
  end)

  it('handles 0-dim and empty tensors and slices of one element', function()
    local v, i = torch.tensor(5.5):cuda():sort()
    same(torch.tensor(5.5), v)
    same(torch.tensor(1), i)
    v, i = torch.zeros(0, 3):cuda():sort(1)
    same(torch.zeros(0, 3), v)
    same(torch.zeros(0, 3, { dtype = 'int64' }), i)
    v, i = torch.zeros(4, 0):cuda():sort(1, true)
    same(torch.zeros(4, 0), v)
    local x = torch.tensor({ { 3 }, { -1 }, { 2 } })
    v, i = x:cuda():sort(2)
    same(x, v)
    same(torch.ones(3, 1, { dtype = 'int64' }), i)
  end)
end)

-- ---------------------------------------------------------------------------- topk, kthvalue
describe('topk and kthvalue on CUDA', function()
  -- 60 distinct values in a 3 x 4 x 5 tensor (exact in every dtype listed)
  local function distinct(dt)
    return (torch.randperm(60) - 30):to(torch[dt]):view(3, 4, 5)
  end

  it('topk equals the CPU on distinct values: largest and smallest, along any dim', function()
    torch.manual_seed(3)
    for _, dt in ipairs({ 'float32', 'float64', 'int32', 'int64', 'int8', 'float16', 'bfloat16' }) do
      local x = distinct(dt)
      local xc = x:cuda()
      for _, d in ipairs({ 1, 2, 3, -1 }) do
        local n = x:size(d)
        for _, k in ipairs({ 1, 2, n }) do
          for _, largest in ipairs({ true, false }) do
            local what = string.format('%s dim %d k %d largest %s', dt, d, k, tostring(largest))
            local v, i = x:topk(k, d, largest)
            local vc, ic = xc:topk(k, d, largest)
            same(v, vc, what .. ' values')
            same(i, ic, what .. ' indices')
          end
        end
      end
    end
  end)

  it('topk with ties and NaN takes the same values as the CPU', function()
    local x = tied('float32', 5)
    x[{ 2, 3, 4 }] = nan
    x[{ 1, 1, 1 }] = nan
    local xc = x:cuda()
    for _, d in ipairs({ 1, 3 }) do
      for _, largest in ipairs({ true, false }) do
        local v = x:topk(3, d, largest)
        local vc, ic = xc:topk(3, d, largest)
        same(v, vc, 'values')
        same(v, x:gather(d, ic:cpu()):cuda(), 'gathered values')
        -- sorted = false: the same values in some order
        local vu = xc:topk(3, d, largest, false)
        same(v:sort(d, largest), vu:sort(d, largest), 'unsorted values')
      end
    end
  end)

  it('topk of k = 0, of an empty tensor and of a 0-dim tensor', function()
    local x = torch.tensor({ { 1, 2 }, { 3, 4 } }):cuda()
    local v, i = x:topk(0)
    same(torch.zeros(2, 0, { dtype = 'int64' }), v)
    same(torch.zeros(2, 0, { dtype = 'int64' }), i)
    v, i = torch.zeros(0, 5):cuda():topk(2)
    same(torch.zeros(0, 2), v)
    v, i = torch.tensor(7.0):cuda():topk(1)
    same(torch.tensor(7.0), v)
    same(torch.tensor(1), i)
  end)

  it('topk on a long row and on many rows', function()
    torch.manual_seed(5)
    local x = torch.randperm(1000000):float()
    local v, i = x:topk(100)
    local vc, ic = x:cuda():topk(100)
    same_big(v, vc)
    same_big(i, ic)
    local rows = torch.randperm(200000):double():view(20000, 10)
    v, i = rows:topk(3, 2, false)
    vc, ic = rows:cuda():topk(3, 2, false)
    same_big(v, vc)
    same_big(i, ic)
  end)

  it('kthvalue equals the CPU on distinct values, with and without keepdim', function()
    torch.manual_seed(4)
    for _, dt in ipairs({ 'float32', 'float64', 'int16', 'uint8', 'float16' }) do
      local x = dt == 'uint8' and torch.randperm(60):to(torch.uint8):view(3, 4, 5) or distinct(dt)
      local xc = x:cuda()
      for _, d in ipairs({ 1, 2, -1 }) do
        for _, k in ipairs({ 1, 2, x:size(d) }) do
          for _, keepdim in ipairs({ false, true }) do
            local what = string.format('%s dim %d k %d keepdim %s', dt, d, k, tostring(keepdim))
            local v, i = x:kthvalue(k, d, keepdim)
            local vc, ic = xc:kthvalue(k, d, keepdim)
            same(v, vc, what .. ' values')
            same(i, ic, what .. ' indices')
          end
        end
      end
    end
  end)

  it('kthvalue with ties and NaN takes the CPU value and an index holding it', function()
    local x = tied('float64', 9)
    x[{ 3, 2, 1 }] = nan
    local xc = x:cuda()
    for k = 1, 4 do
      local v = x:kthvalue(k, 2, true)
      local vc, ic = xc:kthvalue(k, 2, true)
      same(v, vc, 'values')
      same(v, x:gather(2, ic:cpu()):cuda(), 'gathered values')
    end
    local v = torch.tensor({ 1, nan, 3 }):cuda():kthvalue(3)
    assert.is_true(v:item() ~= v:item())
    v = torch.tensor(2.5):cuda():kthvalue(1)
    same(torch.tensor(2.5), v)
  end)
end)

-- ---------------------------------------------------------------------------- unique
describe('unique on CUDA', function()
  local function check_unique(x, what)
    local xc = x:cuda()
    for _, sorted in ipairs({ true, false }) do
      local v, inv, c = torch.unique(x, sorted, true, true)
      local vc, invc, cc = torch.unique(xc, sorted, true, true)
      local w = string.format('%s sorted %s', what, tostring(sorted))
      same(v, vc, w .. ' values')
      same(inv, invc, w .. ' inverse')
      same(c, cc, w .. ' counts')
      same(v, torch.unique(xc, sorted), w .. ' values alone')
    end
    local v, inv, c = torch.unique_consecutive(x, true, true)
    local vc, invc, cc = torch.unique_consecutive(xc, true, true)
    same(v, vc, what .. ' consecutive values')
    same(inv, invc, what .. ' consecutive inverse')
    same(c, cc, what .. ' consecutive counts')
    vc, cc = torch.unique_consecutive(xc, { return_counts = true })
    same(v, vc, what .. ' consecutive values (counts only)')
    same(c, cc, what .. ' consecutive counts (counts only)')
  end

  it('equals the CPU for every dtype, on a non-contiguous input', function()
    for _, dt in ipairs(ALL_DTYPES) do
      check_unique(tied(dt, 13):transpose(1, 3), dt)
    end
  end)

  it('keeps every NaN apart and takes -0.0 and 0.0 as one value', function()
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16' }) do
      check_unique(torch.tensor({ 0.0, nan, -0.0, 1, nan, 1, -0.0, 0.0, nan }, { dtype = dt }), dt)
      check_unique(torch.tensor({ -0.0, 2, 0.0 }, { dtype = dt }), dt .. ' (-0.0 first)')
    end
  end)

  it('handles empty, one-element and large inputs', function()
    check_unique(torch.zeros(0, 4), 'empty')
    check_unique(torch.tensor({ 3 }), 'one element')
    check_unique(torch.tensor(3.5), '0-dim')
    torch.manual_seed(8)
    local labels = torch.randint(0, 100, { 1000000 }) -- a narrow range (the CPU counts)
    local wide = torch.randint(-1000000000, 1000000000, { 1000000 }) -- the CPU sorts
    for _, x in ipairs({ labels, wide, wide:float() }) do
      local xc = x:cuda()
      for _, sorted in ipairs({ true, false }) do
        local v, inv, c = torch.unique(x, sorted, true, true)
        local vc, invc, cc = torch.unique(xc, sorted, true, true)
        same_big(v, vc, 'values')
        same_big(inv, invc, 'inverse')
        same_big(c, cc, 'counts')
      end
    end
  end)
end)

-- ---------------------------------------------------------------------------- searching
describe('searchsorted and bucketize on CUDA', function()
  it('equals the CPU for 1-D and batched sequences, left and right, int64 and int32', function()
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16',
      'int8', 'uint8' }) do
      local seq = torch.tensor({ 1, 3, 3, 5, 7, 7, 7, 10 }, { dtype = dt })
      local values = torch.tensor({ { 0, 1, 3, 4 }, { 7, 10, 11, 6 } }, { dtype = dt })
      local bseq = torch.tensor({ { 1, 2, 2, 4 }, { 0, 5, 9, 9 } }, { dtype = dt })
      for _, right in ipairs({ false, true }) do
        for _, i32 in ipairs({ false, true }) do
          local o = { right = right, out_int32 = i32 }
          local w = string.format('%s right %s int32 %s', dt, tostring(right), tostring(i32))
          same(torch.searchsorted(seq, values, o), torch.searchsorted(seq:cuda(), values:cuda(), o), w)
          same(torch.searchsorted(bseq, values, o), torch.searchsorted(bseq:cuda(), values:cuda(), o),
            w .. ' batched')
          same(torch.searchsorted(seq, values:t(), o),
            torch.searchsorted(seq:cuda(), values:cuda():t(), o), w .. ' non-contiguous values')
          same(torch.searchsorted(seq, 3, o), torch.searchsorted(seq:cuda(), 3, o), w .. ' number')
          same(torch.bucketize(values, seq, o), torch.bucketize(values:cuda(), seq:cuda(), o),
            w .. ' bucketize')
          same(torch.bucketize(5, seq, o), torch.bucketize(5, seq:cuda(), o), w .. ' bucketize number')
        end
      end
    end
  end)

  it('puts NaN at the end and compares mixed dtypes as the CPU does', function()
    local seq = torch.tensor({ -1.5, 0.0, 2.0, nan })
    local values = torch.tensor({ nan, -0.0, 2.0, 3.0, -math.huge })
    for _, right in ipairs({ false, true }) do
      same(torch.searchsorted(seq, values, { right = right }),
        torch.searchsorted(seq:cuda(), values:cuda(), { right = right }))
    end
    local iseq = torch.tensor({ 1, 2, 3 })
    same(torch.searchsorted(iseq, torch.tensor({ 1.5, 2.5 })),
      torch.searchsorted(iseq:cuda(), torch.tensor({ 1.5, 2.5 }):cuda()))
  end)

  it('reads an unsorted sequence through a sorter on the GPU', function()
    local seq = torch.tensor({ { 5, 1, 3, 9, 7 }, { 2, 8, 4, 6, 0 } })
    local sorter = seq:argsort()
    local values = torch.tensor({ { 3, 10, 0 }, { 4, 5, -1 } })
    for _, side in ipairs({ 'left', 'right' }) do
      same(torch.searchsorted(seq, values, { side = side, sorter = sorter }),
        torch.searchsorted(seq:cuda(), values:cuda(), { side = side, sorter = sorter:cuda() }))
    end
    local bad = sorter:clone()
    bad[{ 1, 1 }] = 6
    assert.are.equal(err(function() return torch.searchsorted(seq, values, { sorter = bad }) end),
      err(function() return torch.searchsorted(seq:cuda(), values:cuda(), { sorter = bad:cuda() }) end))
  end)

  it('searches many values', function()
    torch.manual_seed(2)
    local seq = torch.randint(-1000, 1000, { 5000 }):float():sort()
    local values = torch.randint(-1100, 1100, { 1000000 }):float()
    same_big(torch.searchsorted(seq, values), torch.searchsorted(seq:cuda(), values:cuda()))
    same_big(torch.bucketize(values, seq, { right = true }),
      torch.bucketize(values:cuda(), seq:cuda(), { right = true }))
  end)

  it('empty values and an empty sequence', function()
    local seq = torch.tensor({ 1.0, 2.0 })
    same(torch.searchsorted(seq, torch.zeros(0)), torch.searchsorted(seq:cuda(), torch.zeros(0):cuda()))
    same(torch.searchsorted(torch.zeros(0), torch.tensor({ 1.0 })),
      torch.searchsorted(torch.zeros(0):cuda(), torch.tensor({ 1.0 }):cuda()))
  end)
end)

-- ---------------------------------------------------------------------------- errors
describe('sorting errors on CUDA', function()
  it('mixing a CPU and a CUDA tensor is an error naming both devices', function()
    local xc = torch.tensor({ 3.0, 1.0, 2.0 }, { dtype = 'float32' }):cuda()
    assert.are.equal('[sort] expected the values output on device cuda:0, but got cpu',
      err(function() return torch.sort(xc, { out = { torch.zeros(3), torch.zeros(3, { dtype = 'int64' }) } }) end))
    assert.are.equal('[searchsorted] expected all tensors on one device, got cuda:0 and cpu',
      err(function() return torch.searchsorted(xc, torch.tensor({ 1.0 })) end))
    assert.are.equal('[searchsorted] expected all tensors on one device, got cpu and cuda:0',
      err(function() return torch.searchsorted(torch.tensor({ 1.0 }), xc) end))
    assert.are.equal('[searchsorted] sorter is on device cpu, but sorted_sequence on cuda:0',
      err(function() return torch.searchsorted(xc, xc, { sorter = torch.tensor({ 2, 3, 1 }) }) end))
  end)

  it('bad arguments give the CPU error', function()
    local x = torch.tensor({ { 3.0, 1.0, 2.0 } })
    local xc = x:cuda()
    local cases = {
      function(t) return t:topk(4) end,
      function(t) return t:topk(-1) end,
      function(t) return t:kthvalue(0) end,
      function(t) return t:kthvalue(4, 2) end,
      function(t) return t:sort(3) end,
      function(t) return t:topk(1, -3) end,
      function(t) return torch.searchsorted(t[1], t, { sorter = torch.tensor({ 1, 2 }) }) end,
    }
    for k, f in ipairs(cases) do
      assert.are.equal(err(f, x), err(f, xc), 'case ' .. k)
    end
  end)
end)

-- ---------------------------------------------------------------------------- autograd
describe('autograd through sort, topk and kthvalue on CUDA', function()
  it('gives the CPU gradients', function()
    torch.manual_seed(6)
    local x = torch.randperm(24):double():view(4, 6) -- distinct: the picked positions are fixed
    local ops = {
      { 'sort', function(t) return (t:sort(2, true)) end },
      { 'sort dim 1', function(t) return (t:sort({ dim = 1, stable = true })) end },
      { 'topk', function(t) return (t:topk(3, 2)) end },
      { 'topk smallest dim 1', function(t) return (t:topk(2, 1, false)) end },
      { 'kthvalue', function(t) return (t:kthvalue(2, 2)) end },
      { 'kthvalue keepdim', function(t) return (t:kthvalue(3, 1, true)) end },
    }
    for _, op in ipairs(ops) do
      local a = x:clone():requires_grad_()
      local b = x:cuda():requires_grad_()
      local va, vb = op[2](a), op[2](b)
      assert.is_true(vb.is_cuda)
      assert.are.equal(tostring(va.grad_fn):match('<(%w+)'), tostring(vb.grad_fn):match('<(%w+)'))
      local g = torch.arange(va:numel(), { dtype = 'float64' }):view(va:size()) + 1
      va:backward(g)
      vb:backward(g:cuda())
      same(a.grad, b.grad, op[1] .. ' gradient')
    end
  end)
end)
