-- CUDA kernels of the joining and indexing ops (lib/THC/THCIndex.cu, THCIndex.c): every INDEX
-- row of THOps.def run on the GPU against the same op on the CPU, in every dtype, along every
-- dim (negative ones too), on non-contiguous inputs and with empty and repeated indices; the
-- errors for out-of-range indices (the CPU's messages, nothing written); the Lua-level
-- indexing x[i], x[{...}], x[mask], x[index] on CUDA tensors; autograd through the ops.
--
-- The data are small integers in every dtype, so that sums and products stay exact whatever
-- order the GPU's atomic updates take: copies and integer-valued arithmetic are compared
-- exactly, random floats within a tolerance.  Without a GPU the whole file is one pending test.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err

local ok, reason = torch.cuda.is_available()

if not ok then
  describe('CUDA indexing kernels', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local ALL = { torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.int16,
  torch.int32, torch.int64, torch.uint8, torch.bool }
local LOW_PRECISION = { [torch.float16] = true, [torch.bfloat16] = true }

-- a tensor of dtype dt and the given sizes holding small integers (bool: a mix)
local function data(dt, ...)
  local x = torch.randint(-3, 8, { ... })
  if dt == torch.bool then return x:gt(2) end
  if dt == torch.uint8 then x = x:abs() end
  return x:to(dt)
end

-- factors in -2..2 (products of up to nine stay exact in every dtype)
local function factors(dt, ...)
  local x = torch.randint(-2, 3, { ... })
  if dt == torch.bool then return x:ne(0) end
  if dt == torch.uint8 then x = x:abs() end
  return x:to(dt)
end

local function I(t) return torch.tensor(t) end
local EMPTY = torch.zeros(0, { dtype = torch.int64 })

-- the positive form of dim for a tensor with nd dims
local function pos(dim, nd) return dim < 0 and nd + 1 + dim or dim end

-- the CUDA result equals the CPU one: dtype, shape and every value
local function same(c, g, what)
  what = what or ''
  assert.is_true(torch.is_tensor(g) and g.is_cuda, 'expected a CUDA tensor: ' .. what)
  assert.are.equal(c.dtype, g.dtype, what)
  assert.are.same(c:size():totable(), g:size():totable(), what)
  assert.is_true(torch.equal(c, g:cpu()), 'values differ: ' .. what)
end

-- the CUDA result agrees with the CPU one within tol * (1 + max |cpu|)
local function close(c, g, tol, what)
  what = what or ''
  assert.is_true(g.is_cuda, 'expected a CUDA tensor: ' .. what)
  assert.are.equal(c.dtype, g.dtype, what)
  assert.are.same(c:size():totable(), g:size():totable(), what)
  if c:numel() == 0 then return end
  local a, b = c:double(), g:cpu():double()
  local d, m = (a - b):abs():max():item(), a:abs():max():item()
  assert(d <= tol * (1 + m), string.format('%s: the largest difference is %g (allowed %g)', what, d, tol * (1 + m)))
end

-- exact, or within a few rounding steps of the 16-bit floats (their updates may be ordered
-- differently on the GPU)
local function agree(c, g, what)
  if LOW_PRECISION[c.dtype] then close(c, g, 1e-2, what) else same(c, g, what) end
end

-- x and its CUDA copy, as they are and through non-contiguous views of each
local function layouts(x)
  local g = x:cuda()
  local out = { { 'contiguous', x, g } }
  local nd = x:dim()
  if nd >= 2 then out[#out + 1] = { 'transposed', x:transpose(1, nd), g:transpose(1, nd) } end
  if nd >= 1 and x:size(1) > 2 then
    out[#out + 1] = { 'narrowed', x:narrow(1, 2, x:size(1) - 1), g:narrow(1, 2, x:size(1) - 1) }
  end
  return out
end

-- a fresh pair (a CPU tensor, its CUDA copy) seen through the named layout, for in-place ops
local function fresh(x, name)
  local c, g = x:clone(), x:cuda()
  if name == 'transposed' then return c:transpose(1, c:dim()), g:transpose(1, g:dim()) end
  if name == 'narrowed' then return c:narrow(1, 2, c:size(1) - 1), g:narrow(1, 2, g:size(1) - 1) end
  return c, g
end

-- the error message of f on the CPU equals the one on CUDA
local function same_error(cpu_fn, cuda_fn)
  local a, b = err(cpu_fn), err(cuda_fn)
  assert.are.equal(a, b)
  return a
end

describe('CUDA indexing kernels', function()
  before_each(function() torch.manual_seed(11) end)

  -- ------------------------------------------------------------------------ selecting

  it('index_select: every dtype and dim, non-contiguous inputs, int32, repeated and empty indices', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -1, -3 }) do
          local n = cx:size(pos(dim, 3))
          local ix = I { n, 1, n, 2 }
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          same(cx:index_select(dim, ix), gx:index_select(dim, ix:cuda()), what)
          same(cx:index_select(dim, ix:int()), gx:index_select(dim, ix:int():cuda()), what .. ' int32')
          same(cx:index_select(dim, EMPTY), gx:index_select(dim, EMPTY:cuda()), what .. ' empty')
        end
      end
    end
    local s = torch.tensor(2.5)
    same(s:index_select(1, I { 1 }), s:cuda():index_select(1, I { 1 }:cuda()), '0-dim')
    local big, ix = torch.randn(3000, 1000), torch.randint(1, 3001, { 2500 })
    same(big:index_select(1, ix), big:cuda():index_select(1, ix:cuda()), 'large')
  end)

  it('gather: every dtype and dim, non-contiguous inputs, indices smaller than the input', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -1 }) do
          local d = pos(dim, 3)
          local shape = cx:size():totable()
          shape[d] = 7
          local ix = torch.randint(1, cx:size(d) + 1, shape)
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          same(cx:gather(dim, ix), gx:gather(dim, ix:cuda()), what)
          local small = torch.randint(1, cx:size(d) + 1, { 2, 3, 2 })
          same(cx:gather(dim, small), gx:gather(dim, small:cuda()), what .. ' smaller index')
          local tix = ix:transpose(1, 3):contiguous():transpose(1, 3) -- a non-contiguous index
          local gtix = ix:cuda():transpose(1, 3):contiguous():transpose(1, 3)
          same(cx:gather(dim, tix), gx:gather(dim, gtix), what .. ' non-contiguous index')
        end
      end
    end
    local big = torch.randn(2000, 1500)
    local ix = torch.randint(1, 1501, { 2000, 1500 })
    same(big:gather(2, ix), big:cuda():gather(2, ix:cuda()), 'large')
  end)

  it('take: flat positions, negative ones, non-contiguous input, any index shape', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local n = l[2]:numel()
        local ix = I { { 1, n, -1 }, { -n, 7, 7 } }
        same(l[2]:take(ix), l[3]:take(ix:cuda()), tostring(dt) .. ' ' .. l[1])
        same(l[2]:take(EMPTY), l[3]:take(EMPTY:cuda()), tostring(dt) .. ' empty')
      end
    end
  end)

  it('masked_select: broadcast masks both ways, uint8 masks, empty and large selections', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local cx, gx = l[2], l[3]
        local s = cx:size():totable()
        local what = tostring(dt) .. ' ' .. l[1]
        local m = torch.rand(s[2], s[3]):gt(0.4)
        same(cx:masked_select(m), gx:masked_select(m:cuda()), what)
        same(cx:masked_select(m:to(torch.uint8)), gx:masked_select(m:to(torch.uint8):cuda()), what .. ' uint8')
        local none = torch.zeros(s[1], s[2], s[3], { dtype = torch.bool })
        same(cx:masked_select(none), gx:masked_select(none:cuda()), what .. ' nothing selected')
        local col = cx:narrow(2, 1, 1) -- (n, 1, k) broadcast against a (n, m, k) mask
        local wide = torch.rand(s[1], s[2], s[3]):gt(0.5)
        same(col:masked_select(wide), gx:narrow(2, 1, 1):masked_select(wide:cuda()), what .. ' input broadcast')
      end
    end
    local big = torch.randn(3000000)
    local m = big:gt(0.3)
    same(big:masked_select(m), big:cuda():masked_select(m:cuda()), 'large')
  end)

  it('nonzero: every dtype, NaN and -0.0, 0-dim, empty, large, as_tuple', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        same(l[2]:nonzero(), l[3]:nonzero(), tostring(dt) .. ' ' .. l[1])
      end
    end
    local f = torch.tensor({ 0, -0.0, 0 / 0, 1, 0, -2 }, { dtype = torch.float32 })
    same(f:nonzero(), f:cuda():nonzero(), 'NaN counts, -0.0 does not')
    same(f:half():nonzero(), f:half():cuda():nonzero(), 'float16 NaN and -0.0')
    same(torch.tensor(3):nonzero(), torch.tensor(3):cuda():nonzero(), '0-dim')
    same(torch.tensor(0):nonzero(), torch.tensor(0):cuda():nonzero(), '0-dim zero')
    same(torch.zeros(0, 3):nonzero(), torch.zeros(0, 3):cuda():nonzero(), 'empty')
    local big = torch.rand(2000, 1600):gt(0.7)
    same(big:nonzero(), big:cuda():nonzero(), 'large')
    local x = data(torch.float32, 3, 4)
    local ct, gt = x:nonzero({ as_tuple = true }), x:cuda():nonzero({ as_tuple = true })
    assert.are.equal(#ct, #gt)
    for i = 1, #ct do same(ct[i], gt[i], 'as_tuple ' .. i) end
  end)

  -- ------------------------------------------------------------------------ writing

  it('scatter: src and value, every dtype and dim, in place on non-contiguous tensors', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -1 }) do
          local d = pos(dim, 3)
          local shape = cx:size():totable()
          local ix = torch.rand(shape[1], shape[2], shape[3]):argsort(d) -- no repeats along dim
          local src = data(dt, shape[1], shape[2], shape[3])
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          same(cx:scatter(dim, ix, src), gx:scatter(dim, ix:cuda(), src:cuda()), what)
          same(cx:scatter(dim, ix, 3), gx:scatter(dim, ix:cuda(), 3), what .. ' value')
          local sub = ix:narrow(d, 1, 2) -- fewer positions than the dim has
          same(cx:scatter(dim, sub, src), gx:scatter(dim, sub:cuda(), src:cuda()), what .. ' partial')
          local c, g = fresh(base, name)
          c:scatter_(dim, ix, src)
          g:scatter_(dim, ix:cuda(), src:cuda())
          same(c, g, what .. ' in place')
        end
      end
    end
    local one = torch.zeros(6)
    local ix, src = I { 2, 5, 2, 1 }, torch.tensor({ 1.5, 2.5, 3.5, 4.5 })
    same(one:scatter(1, ix, src), one:cuda():scatter(1, ix:cuda(), src:cuda()), '1-D repeats: the last one wins')
  end)

  it('scatter with reduce: add and multiply over repeated positions, src and value', function()
    for _, dt in ipairs(ALL) do
      local cx = factors(dt, 4, 5, 6)
      local gx = cx:cuda()
      for _, dim in ipairs({ 1, 2, 3, -1 }) do
        local d = pos(dim, 3)
        local shape = cx:size():totable()
        shape[d] = 9 -- more updates than positions: repeats
        local ix = torch.randint(1, cx:size(d) + 1, shape)
        local src = factors(dt, shape[1], shape[2], shape[3])
        local what = string.format('%s dim %d', tostring(dt), dim)
        for _, reduce in ipairs({ 'add', 'multiply' }) do
          agree(cx:scatter(dim, ix, src, { reduce = reduce }),
            gx:scatter(dim, ix:cuda(), src:cuda(), { reduce = reduce }), what .. ' src ' .. reduce)
          agree(cx:scatter(dim, ix, 2, { reduce = reduce }),
            gx:scatter(dim, ix:cuda(), 2, { reduce = reduce }), what .. ' value ' .. reduce)
        end
      end
    end
  end)

  it('scatter_add: repeated positions in every dtype, random floats within tolerance, large', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 3, -2 }) do
          local d = pos(dim, 3)
          local shape = cx:size():totable()
          shape[d] = 11
          local ix = torch.randint(1, cx:size(d) + 1, shape)
          local src = data(dt, shape[1], shape[2], shape[3])
          agree(cx:scatter_add(dim, ix, src), gx:scatter_add(dim, ix:cuda(), src:cuda()),
            string.format('%s %s dim %d', tostring(dt), name, dim))
        end
      end
    end
    for _, dt in ipairs({ torch.float32, torch.float64 }) do
      local x = torch.randn(50, 40, { dtype = dt })
      local ix = torch.randint(1, 51, { 300, 40 })
      local src = torch.randn(300, 40, { dtype = dt })
      close(x:scatter_add(1, ix, src), x:cuda():scatter_add(1, ix:cuda(), src:cuda()),
        dt == torch.float32 and 1e-5 or 1e-12, tostring(dt) .. ' random')
    end
    local z = torch.zeros(1000)
    local ix = torch.randint(1, 1001, { 3000000 })
    local ones = torch.ones(3000000)
    same(z:scatter_add(1, ix, ones), z:cuda():scatter_add(1, ix:cuda(), ones:cuda()), 'large counts')
  end)

  it('index_add: alpha, repeated indices, every dtype and dim, in place on views', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      local alpha = (dt == torch.float32 or dt == torch.float64 or LOW_PRECISION[dt]) and 2.5 or 2
      if dt == torch.bool then alpha = 1 end
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -1 }) do
          local d = pos(dim, 3)
          local n = cx:size(d)
          local ix = I { n, 1, n, 2, n }
          local shape = cx:size():totable()
          shape[d] = 5
          local src = data(dt, shape[1], shape[2], shape[3])
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          agree(cx:index_add(dim, ix, src, { alpha = alpha }),
            gx:index_add(dim, ix:cuda(), src:cuda(), { alpha = alpha }), what)
          local c, g = fresh(base, name)
          c:index_add_(dim, ix, src)
          g:index_add_(dim, ix:cuda(), src:cuda())
          agree(c, g, what .. ' in place')
        end
      end
    end
    local x, src = torch.randn(100, 64), torch.randn(5000, 64)
    local ix = torch.randint(1, 101, { 5000 })
    close(x:index_add(1, ix, src), x:cuda():index_add(1, ix:cuda(), src:cuda()), 1e-5, 'random float32')
  end)

  it('index_copy: every dtype and dim, repeated indices keep the last, in place on views', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -2 }) do
          local d = pos(dim, 3)
          local n = cx:size(d)
          local shape = cx:size():totable()
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          local ix = I { n, 1, 2 }
          shape[d] = 3
          local src = data(dt, shape[1], shape[2], shape[3])
          same(cx:index_copy(dim, ix, src), gx:index_copy(dim, ix:cuda(), src:cuda()), what)
          local rep = I { 2, n, 2, 2 }
          shape[d] = 4
          local src4 = data(dt, shape[1], shape[2], shape[3])
          same(cx:index_copy(dim, rep, src4), gx:index_copy(dim, rep:cuda(), src4:cuda()), what .. ' repeats')
          local c, g = fresh(base, name)
          c:index_copy_(dim, ix, src)
          g:index_copy_(dim, ix:cuda(), src:cuda())
          same(c, g, what .. ' in place')
        end
      end
    end
  end)

  it('index_fill: negative indices, every dtype and dim, in place on views', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, dim in ipairs({ 1, 2, 3, -1 }) do
          local n = cx:size(pos(dim, 3))
          local ix = I { -1, 1, -n, 2 }
          local what = string.format('%s %s dim %d', tostring(dt), name, dim)
          same(cx:index_fill(dim, ix, 5), gx:index_fill(dim, ix:cuda(), 5), what)
          same(cx:index_fill(dim, EMPTY, 5), gx:index_fill(dim, EMPTY:cuda(), 5), what .. ' empty')
          local c, g = fresh(base, name)
          c:index_fill_(dim, ix, true)
          g:index_fill_(dim, ix:cuda(), true)
          same(c, g, what .. ' in place')
        end
      end
    end
  end)

  it('masked_fill: broadcast and uint8 masks, numbers and 0-dim tensors as values, in place on views', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        local s = cx:size():totable()
        local what = tostring(dt) .. ' ' .. name
        for _, m in ipairs({ torch.rand(s[2], s[3]):gt(0.5), torch.rand(s[1], 1, s[3]):gt(0.5),
          torch.rand(s[1], s[2], s[3]):gt(0.5):to(torch.uint8) }) do
          same(cx:masked_fill(m, 7), gx:masked_fill(m:cuda(), 7), what)
          same(cx:masked_fill(m, torch.tensor(6)), gx:masked_fill(m:cuda(), torch.tensor(6):cuda()), what .. ' tensor value')
          local c, g = fresh(base, name)
          c:masked_fill_(m, 0)
          g:masked_fill_(m:cuda(), 0)
          same(c, g, what .. ' in place')
        end
      end
    end
  end)

  it('masked_scatter: sources longer than needed, in place on views, too short a source', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 4, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        local s = cx:size():totable()
        local m = torch.rand(s[1], s[2], s[3]):gt(0.5)
        local src = data(dt, 130)
        local what = tostring(dt) .. ' ' .. name
        same(cx:masked_scatter(m, src), gx:masked_scatter(m:cuda(), src:cuda()), what)
        local row = torch.rand(s[3]):gt(0.3) -- broadcast along the other dims
        same(cx:masked_scatter(row, src), gx:masked_scatter(row:cuda(), src:cuda()), what .. ' broadcast mask')
        local c, g = fresh(base, name)
        c:masked_scatter_(m, src)
        g:masked_scatter_(m:cuda(), src:cuda())
        same(c, g, what .. ' in place')
      end
    end
    local x, m = torch.zeros(3, 4), torch.ones(3, 4, { dtype = torch.bool })
    local gx = x:cuda()
    same_error(function() return x:masked_scatter_(m, torch.ones(5)) end,
      function() return gx:masked_scatter_(m:cuda(), torch.ones(5):cuda()) end)
    same(x, gx, 'left unchanged')
  end)

  -- ------------------------------------------------------------------------ rearranging

  it('flip, roll and repeat: every dtype, negative dims, non-contiguous inputs', function()
    for _, dt in ipairs(ALL) do
      for _, l in ipairs(layouts(data(dt, 4, 5, 6))) do
        local cx, gx = l[2], l[3]
        local what = tostring(dt) .. ' ' .. l[1]
        for _, dims in ipairs({ { 1 }, { -1 }, { 1, 3 }, { 2, -1, 1 } }) do
          same(cx:flip(dims), gx:flip(dims), what .. ' flip')
        end
        same(cx:roll(2), gx:roll(2), what .. ' roll flat')
        same(cx:roll(-7, 1), gx:roll(-7, 1), what .. ' roll')
        same(cx:roll({ 1, -2, 13 }, { 1, -1, 2 }), gx:roll({ 1, -2, 13 }, { 1, -1, 2 }), what .. ' roll dims')
        same(cx['repeat'](cx, 2, 1, 3), gx['repeat'](gx, 2, 1, 3), what .. ' repeat')
        same(cx['repeat'](cx, 2, 1, 1, 2), gx['repeat'](gx, 2, 1, 1, 2), what .. ' repeat with a new dim')
        same(cx:tile({ 2 }), gx:tile({ 2 }), what .. ' tile')
      end
    end
    local s = torch.tensor(4)
    same(s:flip({}), s:cuda():flip({}), '0-dim flip')
    same(s:roll(3), s:cuda():roll(3), '0-dim roll')
    same(s['repeat'](s, 3, 2), s:cuda()['repeat'](s:cuda(), 3, 2), '0-dim repeat')
  end)

  it('tril and triu: diagonals above and below, batches, in place on views', function()
    for _, dt in ipairs(ALL) do
      local base = data(dt, 3, 5, 6)
      for _, l in ipairs(layouts(base)) do
        local name, cx, gx = l[1], l[2], l[3]
        for _, k in ipairs({ 0, 1, -2, 7, -9 }) do
          local what = string.format('%s %s k %d', tostring(dt), name, k)
          same(cx:tril(k), gx:tril(k), what .. ' tril')
          same(cx:triu(k), gx:triu(k), what .. ' triu')
          local c, g = fresh(base, name)
          c:triu_(k)
          g:triu_(k)
          same(c, g, what .. ' triu_')
        end
      end
    end
  end)

  it('cat: every dtype and dim, many inputs, mixed dtypes, non-contiguous and empty inputs', function()
    for _, dt in ipairs(ALL) do
      local a, b = data(dt, 4, 5, 6), data(dt, 4, 2, 6)
      for _, dim in ipairs({ 2, -2 }) do
        same(torch.cat({ a, b, a }, dim), torch.cat({ a:cuda(), b:cuda(), a:cuda() }, dim), tostring(dt))
      end
      for _, dim in ipairs({ 1, 3, -1 }) do
        same(torch.cat({ a, a }, dim), torch.cat({ a:cuda(), a:cuda() }, dim), tostring(dt) .. ' dim ' .. dim)
      end
      local t = a:transpose(1, 3)
      same(torch.cat({ t, t }, 2), torch.cat({ a:cuda():transpose(1, 3), a:cuda():transpose(1, 3) }, 2),
        tostring(dt) .. ' non-contiguous')
    end
    local list, glist = {}, {}
    for i = 1, 70 do
      list[i] = torch.randn(3, i % 4, 2)
      glist[i] = list[i]:cuda()
    end
    same(torch.cat(list, 2), torch.cat(glist, 2), 'more inputs than one batch, some empty')
    local i, f, e = data(torch.int32, 2, 3), data(torch.float64, 2, 3), torch.zeros(0)
    same(torch.cat({ i, e, f }, 1), torch.cat({ i:cuda(), e:cuda(), f:cuda() }, 1), 'promoted dtypes, legacy empty')
    local big = torch.randn(2000, 1000)
    same(torch.cat({ big, big }, 2), torch.cat({ big:cuda(), big:cuda() }, 2), 'large')
  end)

  it('repeat_interleave with a repeats tensor on the device', function()
    local x = data(torch.float32, 3, 4)
    local r = I { 2, 0, 3 }
    same(x:repeat_interleave(r, 1), x:cuda():repeat_interleave(r:cuda(), 1), 'along dim 1')
    same(torch.repeat_interleave(r), torch.repeat_interleave(r:cuda()), 'positions')
  end)

  -- ------------------------------------------------------------------------ Lua indexing

  it('x[i], x[{i, {a, b}}], x[mask] and x[index] read and write CUDA tensors', function()
    local x = data(torch.float32, 4, 5)
    local g = x:cuda()
    same(x[2], g[2], 'x[i]')
    same(x[{ 2, { 2, 3 } }], g[{ 2, { 2, 3 } }], 'x[{i, {a, b}}]')
    assert.are.equal(x[{ 3, 4 }]:item(), g[{ 3, 4 }]:item())
    assert.are.equal(x[1]:tolist()[2], g[1][2])
    local m = x:gt(2)
    same(x[m], g[m:cuda()], 'x[mask]')
    local rows = torch.tensor({ true, false, true, true })
    same(x[rows], g[rows:cuda()], 'x[row mask]')
    local ix = I { 4, -1, 1 }
    same(x[ix], g[ix:cuda()], 'x[index]')
    same(x[I { { 1, 2 }, { 3, 3 } }], g[I { { 1, 2 }, { 3, 3 } }:cuda()], 'x[2-D index]')

    x[2] = 9; g[2] = 9
    x[{ 3, { 1, 2 } }] = -1; g[{ 3, { 1, 2 } }] = -1
    x[m] = 0.5; g[m:cuda()] = 0.5
    x[rows] = torch.arange(15, { dtype = torch.float32 }):view(3, 5)
    g[rows:cuda()] = torch.arange(15, { dtype = torch.float32 }):view(3, 5):cuda()
    x[ix] = 4; g[ix:cuda()] = 4
    x[I { 2 }] = torch.ones(1, 5); g[I { 2 }:cuda()] = torch.ones(1, 5):cuda()
    x[m] = torch.tensor(3); g[m:cuda()] = torch.tensor(3):cuda()
    same(x, g, 'after the writes')
  end)

  -- ------------------------------------------------------------------------ errors

  it('out-of-range indices fail with the CPU message and write nothing', function()
    local x = data(torch.float32, 3, 4)
    local g = x:cuda()
    local function pair(ix) return ix, ix:cuda() end
    local cases = {
      { 'index_select', function(t, ix) return t:index_select(2, ix) end, I { 1, 7 } },
      { 'index_select 0', function(t, ix) return t:index_select(1, ix) end, I { 0 } },
      { 'index_select negative', function(t, ix) return t:index_select(-2, ix) end, I { -1 } },
      { 'gather', function(t, ix) return t:gather(2, ix) end, I { { 1, 5 } } },
      { 'take', function(t, ix) return t:take(ix) end, I { 13 } },
      { 'take negative', function(t, ix) return t:take(ix) end, I { -13 } },
      { 'scatter', function(t, ix) return t:scatter(1, ix, 1) end, I { { 4 } } },
      { 'index_fill', function(t, ix) return t:index_fill(1, ix, 1) end, I { -4 } },
      { 'x[index]', function(t, ix) return t[ix] end, I { 4 } },
    }
    for _, c in ipairs(cases) do
      local cix, gix = pair(c[3])
      local msg = same_error(function() return c[2](x, cix) end, function() return c[2](g, gix) end)
      assert.is_truthy(msg:find('out of bounds', 1, true), c[1] .. ': ' .. msg)
    end
    local writes = {
      { 'index_add_', function(t, ix, s) return t:index_add_(1, ix, s) end, I { 1, 4 }, torch.ones(2, 4) },
      { 'index_copy_', function(t, ix, s) return t:index_copy_(2, ix, s) end, I { 1, 9 }, torch.ones(3, 2) },
      { 'index_fill_', function(t, ix) return t:index_fill_(2, ix, 0) end, I { 1, 2, 5 } },
      { 'scatter_', function(t, ix) return t:scatter_(1, ix, -1) end, I { { 1, 2, 3, 4 } } },
      { 'scatter_add_', function(t, ix, s) return t:scatter_add_(2, ix, s) end, I { { 1, 5 } }, torch.ones(3, 4) },
      { 'x[index] =', function(t, ix) t[ix] = 0 end, I { 1, 5 } },
      { 'x[0] =', function(t, ix) t[ix] = 1 end, I { 0 } },
    }
    for _, c in ipairs(writes) do
      local cix, gix = pair(c[3])
      local src = c[4]
      same_error(function() return c[2](x, cix, src) end,
        function() return c[2](g, gix, src and src:cuda()) end)
      same(x, g, c[1] .. ' wrote nothing')
    end
    assert.are.equal('[index_select] index 7 is out of bounds for dimension 2 with size 4',
      err(function() return g:index_select(2, I { 1, 7 }:cuda()) end))
  end)

  it('mixing CPU and CUDA tensors is an error naming both devices', function()
    local g = data(torch.float32, 3, 4):cuda()
    assert.are.equal('[index_select] expected all tensors to be on the same device, but found at '
      .. 'least two devices, cuda:0 and cpu', err(function() return g:index_select(1, I { 1 }) end))
    assert.is_truthy(err(function() return g:masked_fill(torch.rand(3, 4):gt(0.5), 0) end)
      :find('same device', 1, true))
    assert.is_truthy(err(function() return torch.cat({ g, g:cpu() }) end):find('same device', 1, true))
    assert.is_truthy(err(function() return g:index_add(1, I { 1 }:cuda(), torch.ones(1, 4)) end)
      :find('same device', 1, true))
  end)

  -- ------------------------------------------------------------------------ autograd

  it('autograd: gradients through index_select, gather, masked_fill, take and index_add on CUDA', function()
    local x = torch.randn(4, 5, { dtype = torch.float64 })
    local function grads(f, go)
      local c = x:clone():requires_grad_()
      local g = x:cuda():requires_grad_()
      f(c):backward(go)
      local gy = f(g)
      assert.is_true(gy.is_cuda)
      gy:backward(go:cuda())
      assert.is_true(g.grad.is_cuda)
      close(c.grad, g.grad, 1e-12)
    end
    local ix = I { 2, 2, 4, 1 }
    grads(function(t) return t:index_select(1, ix:to(t.device)) end, torch.randn(4, 5, { dtype = torch.float64 }))
    grads(function(t) return t:index_select(-1, ix:to(t.device)) end, torch.randn(4, 4, { dtype = torch.float64 }))
    local gix = torch.randint(1, 6, { 4, 7 })
    grads(function(t) return t:gather(2, gix:to(t.device)) end, torch.randn(4, 7, { dtype = torch.float64 }))
    local m = torch.rand(4, 5):gt(0.5)
    grads(function(t) return t:masked_fill(m:to(t.device), 2) end, torch.randn(4, 5, { dtype = torch.float64 }))
    local tix = I { { 1, -1 }, { 7, 7 } }
    grads(function(t) return t:take(tix:to(t.device)) end, torch.randn(2, 2, { dtype = torch.float64 }))
    local src = torch.randn(3, 5, { dtype = torch.float64 })
    grads(function(t) return t:index_add(1, I { 1, 1, 3 }:to(t.device), src:to(t.device)) end,
      torch.randn(4, 5, { dtype = torch.float64 }))
    grads(function(t) return t:masked_select(m:to(t.device)) end,
      torch.randn(m:sum():item(), { dtype = torch.float64 }))
  end)
end)
