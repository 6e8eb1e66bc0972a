-- Autograd of joining and indexing (lib/TH/autograd/THDerivIndex.c) and of the views
-- as_strided and unfold (THDerivViews.c): gradients against literals computed with PyTorch
-- 1.13 (/usr/bin/python3), node names, gradcheck and gradgradcheck in float64 on small inputs
-- (0-dim, broadcast, non-contiguous, negative dims, empty), float32 gradients, the in-place
-- forms on non-leaves, indexing with tensors, and the Lua composites built on these ops.
local torch = require 'torch'
local ag = torch.autograd
local f64 = torch.float64

-- ---------------------------------------------------------------------------- helpers

local H = dofile('test/spec_helpers.lua')
local flat, node_name = H.flat, H.node_name
-- values of t equal the (nested) table or number e within 1e-12
local close = H.close_to(1e-12)
local gc, ggc, both = H.gc, H.ggc, H.both

local function rnd(...) return torch.randn({ ... }, { dtype = f64, requires_grad = true }) end
local function scalar(v) return torch.tensor(v, { dtype = f64, requires_grad = true }) end
local function long(t) return torch.tensor(t, { dtype = torch.int64 }) end

-- the inputs of the reference cases, as in the Python script that made the literals:
-- X = arange(12).reshape(3, 4) / 10 - 0.3, S(shape) = arange(n).reshape(shape) / 4 + 1
local function X() return (torch.arange(12, { dtype = f64 }):reshape(3, 4) / 10 - 0.3):requires_grad_() end
local function S(...)
  local n = 1
  for _, s in ipairs({ ... }) do n = n * s end
  return (torch.arange(n, { dtype = f64 }):reshape(...) / 4 + 1):requires_grad_()
end
local MASK = torch.tensor({ true, false, true, true })

-- gradients of sum(f(inputs) * w), w = 1, 2, 3, ... over f's output
local function weighted_grads(f, inputs)
  local y = f(table.unpack(inputs))
  local w = torch.arange(1, y:numel() + 1, { dtype = f64 }):reshape(y.shape)
  return ag.grad({ (y * w):sum() }, inputs), y
end

torch.manual_seed(4321)

-- ---------------------------------------------------------------------------- references
-- name = {fn, inputs, node, grads (one per input)}; Lua positions are 1-based where the
-- Python calls were 0-based.
local REF = {
  { 'index_select', function(a) return a:index_select(1, long({ 3, 1, 3 })) end, { X }, 'IndexSelectBackward0',
    { { { 5, 6, 7, 8 }, { 0, 0, 0, 0 }, { 10, 12, 14, 16 } } } },
  { 'gather', function(a) return a:gather(2, long({ { 1, 2 }, { 4, 4 }, { 3, 1 } })) end, { X }, 'GatherBackward0',
    { { { 1, 2, 0, 0 }, { 0, 0, 0, 7 }, { 6, 0, 5, 0 } } } },
  { 'scatter', function(a, b) return a:scatter(1, long({ { 1, 2, 3, 1 } }), b) end,
    { X, function() return S(1, 4) end }, 'ScatterBackward0',
    { { { 0, 2, 3, 0 }, { 5, 0, 7, 8 }, { 9, 10, 0, 12 } }, { { 1, 6, 11, 4 } } } },
  { 'scatter (value)', function(a) return a:scatter(1, long({ { 1, 2, 3, 1 } }), 2.5) end, { X }, 'ScatterBackward1',
    { { { 0, 2, 3, 0 }, { 5, 0, 7, 8 }, { 9, 10, 0, 12 } } } },
  { 'scatter_add', function(a, b) return a:scatter_add(1, long({ { 1, 2, 3, 1 } }), b) end,
    { X, function() return S(1, 4) end }, 'ScatterAddBackward0',
    { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }, { { 1, 6, 11, 4 } } } },
  { 'index_add', function(a, b) return a:index_add(1, long({ 1, 1 }), b, { alpha = 2 }) end,
    { X, function() return S(2, 4) end }, 'IndexAddBackward0',
    { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }, { { 2, 4, 6, 8 }, { 2, 4, 6, 8 } } } },
  { 'index_copy', function(a, b) return a:index_copy(1, long({ 3, 1 }), b) end,
    { X, function() return S(2, 4) end }, 'IndexCopyBackward0',
    { { { 0, 0, 0, 0 }, { 5, 6, 7, 8 }, { 0, 0, 0, 0 } }, { { 9, 10, 11, 12 }, { 1, 2, 3, 4 } } } },
  { 'index_fill (number)', function(a) return a:index_fill(2, long({ 1, -1, 1 }), 2) end, { X }, 'IndexFillBackward0',
    { { { 0, 2, 3, 0 }, { 0, 6, 7, 0 }, { 0, 10, 11, 0 } } } },
  { 'index_fill (tensor)', function(a, v) return a:index_fill(2, long({ 1, -1, 1 }), v) end,
    { X, function() return scalar(2) end }, 'IndexFillBackward1',
    { { { 0, 2, 3, 0 }, { 0, 6, 7, 0 }, { 0, 10, 11, 0 } }, 39 } },
  { 'masked_fill (number)', function(a) return a:masked_fill(MASK, 2) end, { X }, 'MaskedFillBackward0',
    { { { 0, 2, 0, 0 }, { 0, 6, 0, 0 }, { 0, 10, 0, 0 } } } },
  { 'masked_fill (tensor)', function(a, v) return a:masked_fill(MASK, v) end,
    { X, function() return scalar(2) end }, 'MaskedFillBackward1',
    { { { 0, 2, 0, 0 }, { 0, 6, 0, 0 }, { 0, 10, 0, 0 } }, 60 } },
  { 'masked_select', function(a) return a:masked_select(MASK) end, { X }, 'MaskedSelectBackward0',
    { { { 1, 0, 2, 3 }, { 4, 0, 5, 6 }, { 7, 0, 8, 9 } } } },
  { 'masked_scatter', function(a, b) return a:masked_scatter(MASK, b) end,
    { X, function() return S(10) end }, 'MaskedScatterBackward0',
    { { { 0, 2, 0, 0 }, { 0, 6, 0, 0 }, { 0, 10, 0, 0 } }, { 1, 3, 4, 5, 7, 8, 9, 11, 12, 0 } } },
  { 'take', function(a) return a:take(long({ { 1, 12 }, { -1, 5 }, { 5, 5 } })) end, { X }, 'TakeBackward0',
    { { { 1, 0, 0, 0 }, { 15, 0, 0, 0 }, { 0, 0, 0, 5 } } } },
  { 'flip', function(a) return a:flip(1, 2) end, { X }, 'FlipBackward0',
    { { { 12, 11, 10, 9 }, { 8, 7, 6, 5 }, { 4, 3, 2, 1 } } } },
  { 'roll', function(a) return a:roll({ 1, -1 }, { 1, 2 }) end, { X }, 'RollBackward0',
    { { { 8, 5, 6, 7 }, { 12, 9, 10, 11 }, { 4, 1, 2, 3 } } } },
  { 'roll (flat)', function(a) return a:roll(2) end, { X }, 'RollBackward0',
    { { { 3, 4, 5, 6 }, { 7, 8, 9, 10 }, { 11, 12, 1, 2 } } } },
  { 'repeat', function(a) return a['repeat'](a, 2, 1, 3) end, { X }, 'RepeatBackward0',
    { { { 138, 144, 150, 156 }, { 210, 216, 222, 228 }, { 282, 288, 294, 300 } } } },
  { 'tril', function(a) return a:tril(1) end, { X }, 'TrilBackward0',
    { { { 1, 2, 0, 0 }, { 5, 6, 7, 0 }, { 9, 10, 11, 12 } } } },
  { 'triu', function(a) return a:triu(-1) end, { X }, 'TriuBackward0',
    { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 0, 10, 11, 12 } } } },
  { 'cat', function(a, b) return torch.cat({ a, b }, 1) end, { X, function() return S(2, 4) end }, 'CatBackward0',
    { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } }, { { 13, 14, 15, 16 }, { 17, 18, 19, 20 } } } },
  { 'stack', function(a, b) return torch.stack({ a, b }, 2) end, { X, function() return S(3, 4) end }, 'StackBackward0',
    { { { 1, 2, 3, 4 }, { 9, 10, 11, 12 }, { 17, 18, 19, 20 } }, { { 5, 6, 7, 8 }, { 13, 14, 15, 16 }, { 21, 22, 23, 24 } } } },
  { 'split', function(a) return a:split(3, 2)[2] end, { X }, 'SplitBackward0',
    { { { 0, 0, 0, 1 }, { 0, 0, 0, 2 }, { 0, 0, 0, 3 } } } },
  { 'unbind', function(a) return a:unbind(2)[3] end, { X }, 'UnbindBackward0',
    { { { 0, 0, 1, 0 }, { 0, 0, 2, 0 }, { 0, 0, 3, 0 } } } },
  { 'hstack', function(a) return torch.hstack({ a[1], a[3] }) end, { X }, 'CatBackward0',
    { { { 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 5, 6, 7, 8 } } } },
  { 'vstack', function(a) return torch.vstack({ a[1], a }) end, { X }, 'CatBackward0',
    { { { 6, 8, 10, 12 }, { 9, 10, 11, 12 }, { 13, 14, 15, 16 } } } },
  { 'dstack', function(a) return torch.dstack({ a[{ { 1, 1 } }], a[2] }) end, { X }, 'CatBackward0',
    { { { 1, 3, 5, 7 }, { 2, 4, 6, 8 }, { 0, 0, 0, 0 } } } },
  { 'diagonal', function(a) return a:diagonal(1) end, { X }, 'DiagonalBackward0',
    { { { 0, 1, 0, 0 }, { 0, 0, 2, 0 }, { 0, 0, 0, 3 } } } },
  { 'diag', function(a) return a:diag(-1) end, { X }, 'DiagBackward0',
    { { { 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 2, 0, 0 } } } },
  { 'repeat_interleave', function(a) return a:repeat_interleave(long({ 1, 0, 2 }), 1) end, { X }, 'IndexSelectBackward0',
    { { { 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 14, 16, 18, 20 } } } },
  { 'as_strided', function(a) return a:as_strided({ 2, 3 }, { 1, 2 }, 1) end, { X }, 'AsStridedBackward0',
    { { { 0, 1, 4, 2 }, { 5, 3, 6, 0 }, { 0, 0, 0, 0 } } } },
  { 'as_strided (transposed input)', function(a) return a:t():as_strided({ 3, 2 }, { 2, 3 }, 1) end, { X },
    'AsStridedBackward0', { { { 0, 1, 0, 3 }, { 2, 5, 4, 0 }, { 6, 0, 0, 0 } } } },
  { 'as_strided (expanded input)', function(a) return a[2]:expand(3, 4):as_strided({ 2, 3 }, { 1, 1 }, 5) end, { X },
    'AsStridedBackward0', { { { 0, 0, 0, 0 }, { 0, 1, 6, 8 }, { 0, 0, 0, 0 } } } },
  { 'unfold', function(a) return a:unfold(2, 2, 1) end, { X }, 'UnfoldBackward0',
    { { { 1, 5, 9, 6 }, { 7, 17, 21, 12 }, { 13, 29, 33, 18 } } } },
  { 'unfold (step > size)', function(a) return a:unfold(1, 1, 2) end, { X }, 'UnfoldBackward0',
    { { { 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 5, 6, 7, 8 } } } },
  { 'x[mask]', function(a) return a[torch.tensor({ true, false, true })] end, { X }, nil,
    { { { 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 5, 6, 7, 8 } } } },
  { 'x[index]', function(a) return a[long({ { 3 }, { 1 } })] end, { X }, nil,
    { { { 5, 6, 7, 8 }, { 0, 0, 0, 0 }, { 1, 2, 3, 4 } } } },
  { 'x[{range, i}]', function(a) return a[{ { 2, 3 }, 1 }] end, { X }, 'SelectBackward0',
    { { { 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 2, 0, 0, 0 } } } },
  { 'x.T', function(a) return a.T:unsqueeze(1).T end, { X }, 'PermuteBackward0',
    { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } } } },
}

describe('autograd of joining and indexing', function()
  describe('gradients match PyTorch', function()
    for _, case in ipairs(REF) do
      local name, fn, makers, node, want = case[1], case[2], case[3], case[4], case[5]
      it(name, function()
        local inputs = {}
        for i, mk in ipairs(makers) do inputs[i] = mk() end
        local gs, y = weighted_grads(fn, inputs)
        if node then assert.are.equal(node, node_name(y)) end
        for i = 1, #inputs do close(gs[i], want[i]) end
      end)
    end
  end)

  -- ------------------------------------------------------------------------ gradcheck
  describe('gradcheck and gradgradcheck', function()
    local x = rnd(3, 4)
    local s0 = scalar(1.5)
    local rows = torch.tensor({ true, false, true })
    local m2 = torch.tensor({ { true, false, true, false }, { false, false, true, true } })

    it('index_select: dims, negative dim, transposed, 0-dim, repeated indices', function()
      both(function(a) return a:index_select(1, long({ 3, 1, 3 })) end, { x })
      both(function(a) return a:index_select(-1, long({ 4, 4 })) end, { x })
      both(function(a) return a:t():index_select(2, long({ 2 })) end, { x })
      both(function(a) return a:index_select(1, long(1)) end, { s0 })
    end)

    it('gather: both dims, transposed, 0-dim', function()
      both(function(a) return a:gather(1, long({ { 1, 3, 2, 1 }, { 3, 3, 3, 3 } })) end, { x })
      both(function(a) return a:gather(-1, long({ { 1, 2 }, { 4, 4 }, { 3, 1 } })) end, { x })
      both(function(a) return a:t():gather(-2, long({ { 1, 2, 3 }, { 4, 1, 2 } })) end, { x })
      both(function(a) return a:gather(1, long(1)) end, { s0 })
    end)

    it('scatter and scatter_add: src, value, src larger than index, 0-dim', function()
      local src = rnd(2, 4)
      both(function(a, b) return a:scatter(1, long({ { 1, 2, 3, 1 } }), b) end, { x, src })
      both(function(a, b) return a:scatter(-1, long({ { 2 }, { 4 }, { 1 } }), b) end, { x, rnd(3, 2) })
      both(function(a) return a:scatter(2, long({ { 2 }, { 4 }, { 1 } }), -1) end, { x })
      both(function(a, b) return a:scatter_add(1, long({ { 1, 2, 3, 1 }, { 1, 1, 1, 1 } }), b) end, { x, src })
      both(function(a, b) return a:t():scatter_add(2, long({ { 1 }, { 3 }, { 2 }, { 1 } }), b) end, { x, rnd(4, 2) })
      both(function(a, b) return a:scatter(1, long(1), b) end, { s0, scalar(2) })
    end)

    it('index_add, index_copy, index_fill: alpha, negative dim, transposed, 0-dim source', function()
      local src = rnd(3, 2)
      both(function(a, b) return a:index_add(-1, long({ 4, 4 }), b, { alpha = -1.5 }) end, { x, src })
      both(function(a, b) return a:t():index_add(1, long({ 1, 3 }), b:t()) end, { x, src })
      both(function(a, b) return a:index_add(1, long({ 2 }), b) end, { rnd(3), scalar(2) })
      both(function(a, b) return a:index_copy(2, long({ 3, 1 }), b) end, { x, src })
      both(function(a, b) return a:index_fill(-1, long({ 2, -1 }), b) end, { x, scalar(2) })
      both(function(a) return a:index_fill(1, long({ 1 }), 0.5) end, { s0 })
    end)

    it('masked ops: broadcast mask, 0-dim, transposed, a mask selecting nothing', function()
      both(function(a, v) return a:masked_fill(m2, v) end, { rnd(4), scalar(0.5) })
      both(function(a) return a:masked_fill(torch.tensor(true), 2) end, { s0 })
      both(function(a) return a:masked_select(m2) end, { rnd(4) })
      both(function(a) return a:t():masked_select(rows) end, { x })
      both(function(a, b) return a:masked_scatter(m2, b) end, { rnd(4), rnd(2, 3) })
      both(function(a, b) return a:masked_scatter(torch.zeros({ 3, 4 }, { dtype = torch.bool }), b) end, { x, rnd(3) })
    end)

    it('take: negative positions, transposed, 0-dim', function()
      both(function(a) return a:take(long({ { 1, 12 }, { -1, 5 } })) end, { x })
      both(function(a) return a:t():take(long({ 2, 5, 2 })) end, { x })
      both(function(a) return a:take(long({ 1, 1 })) end, { s0 })
    end)

    it('flip, roll, repeat, tile: several dims, negative dims, 0-dim, zero repeats', function()
      both(function(a) return a:flip(-1) end, { x })
      both(function(a) return a:t():flip(1, 2) end, { x })
      both(function(a) return a:flip(1) end, { s0 })
      both(function(a) return a:roll({ 5, -2 }, { -1, 1 }) end, { x })
      both(function(a) return a:t():roll(3) end, { x })
      both(function(a) return a:roll(1) end, { s0 })
      both(function(a) return a['repeat'](a, 1, 2) end, { x })
      both(function(a) return a:t()['repeat'](a:t(), 2, 1, 1) end, { x })
      both(function(a) return a['repeat'](a, 2, 3) end, { s0 })
      both(function(a) return a:tile(2) end, { x })
      local y = x['repeat'](x, 2, 0)
      assert.are.equal('RepeatBackward0', node_name(y))
      close(ag.grad({ y:sum() }, { x })[1], torch.zeros(3, 4):tolist())
    end)

    it('tril and triu: diagonals, transposed, batched', function()
      both(function(a) return a:tril() end, { x })
      both(function(a) return a:t():triu(1) end, { x })
      both(function(a) return a:tril(-1) end, { rnd(2, 2, 3) })
    end)

    it('cat and stack: negative dims, transposed, empty 1-D inputs, mixed dtypes, 0-dim', function()
      both(function(a, b) return torch.cat({ a, b, a }, -1) end, { x, rnd(3, 2) })
      both(function(a) return torch.cat({ a:t(), a:t() }, 2) end, { x })
      both(function(a) return torch.cat({ torch.empty(0), a, torch.empty(0, { dtype = f64 }) }, 2) end, { x })
      both(function(a, b) return torch.cat({ a, torch.ones(1, 4), b }) end, { x, rnd(2, 4) })
      both(function(a, b) return torch.stack({ a, b }, -1) end, { x, rnd(3, 4) })
      both(function(a, b) return torch.stack({ a, b }) end, { s0, scalar(2) })
    end)

    it('split, chunk, unbind: used outputs and unused ones', function()
      both(function(a) local p = a:split(2, 2); return p[2] * 2 + p[1] end, { x })
      both(function(a) local p = a:split({ 1, 2 }, 1); return p[2] end, { x })
      both(function(a) local p = a:chunk(3); return p[3] end, { x })
      both(function(a) local p = a:t():chunk(2, -1); return p[1] * p[2] end, { x })
      both(function(a) local p = a:unbind(2); return p[1] * p[4] end, { x })
      both(function(a) return torch.stack(a:unbind(), 2) end, { x })
    end)

    it('hstack, vstack, dstack, column_stack', function()
      both(function(a, b) return torch.hstack({ a, b }) end, { x, rnd(3, 1) })
      both(function(a, b) return torch.hstack({ a, b }) end, { rnd(2), s0 })
      both(function(a, b) return torch.vstack({ a[1], b }) end, { x, rnd(2, 4) })
      both(function(a) return torch.dstack({ a, a }) end, { x })
      both(function(a, b) return torch.column_stack({ a, b }) end, { rnd(3), x })
    end)

    it('diagonal and diag: offsets, negative dims, 1-D and 2-D diag', function()
      both(function(a) return a:diagonal(1) end, { x })
      both(function(a) return a:diagonal(-1, -1, -2) end, { x })
      both(function(a) return a:diagonal(0, 1, 3) end, { rnd(2, 2, 3) })
      both(function(a) return a:diag(2) end, { x })
      both(function(a) return a:diag(-1) end, { rnd(3) })
    end)

    it('repeat_interleave: flat, along a dim, per-slice counts, 0-dim', function()
      both(function(a) return a:repeat_interleave(2) end, { x })
      both(function(a) return a:repeat_interleave(2, -1) end, { x })
      both(function(a) return a:repeat_interleave(long({ 2, 0, 1 }), 1) end, { x })
      both(function(a) return a:repeat_interleave(3) end, { s0 })
    end)

    it('narrow_copy', function()
      both(function(a) return a:narrow_copy(2, 2, 2) end, { x })
    end)

    it('as_strided: overlapping windows, transposed input, 0-dim, expanded input', function()
      both(function(a) return a:as_strided({ 3, 3 }, { 1, 1 }) end, { x })
      both(function(a) return a:t():as_strided({ 2, 2 }, { 4, 1 }, 2) end, { x })
      both(function(a) return a:as_strided({}, {}) end, { s0 })
      both(function(a) return a[{ { 1, 1 } }]:expand(3, 4):as_strided({ 2, 2 }, { 1, 1 }, 1) end, { x })
    end)

    it('unfold: each dim, step larger than size, 0-dim', function()
      both(function(a) return a:unfold(2, 2, 1) end, { x })
      both(function(a) return a:unfold(-2, 2, 1) end, { x })
      both(function(a) return a:unfold(1, 2, 3) end, { rnd(7) })
      both(function(a) return a:t():unfold(1, 3, 2) end, { x })
      both(function(a) return a:unfold(1, 1, 1) end, { s0 })
    end)

    it('indexing with tensors, reading and writing', function()
      local m = torch.tensor({ { true, false, true, true }, { false, false, false, false }, { true, true, false, false } })
      both(function(a) return a[m] end, { x })
      both(function(a) return a[rows] end, { x })
      both(function(a) return a[long({ { 3 }, { -3 } })] end, { x })
      both(function(a, b) local y = a * 1; y[long({ 1, 3 })] = b; return y end, { x, rnd(4) })
      both(function(a, b) local y = a * 1; y[long({ 1, -1 })] = b; return y end, { x, scalar(0.5) })
      both(function(a, b) local y = a * 1; y[m] = b; return y end, { x, rnd(5) })
      both(function(a, b) local y = a * 1; y[m] = b; return y end, { x, scalar(0.5) })
      both(function(a, b) local y = a * 1; y[rows] = b; return y end, { x, rnd(4) })
    end)

    it('views through x[{...}], t() and T', function()
      both(function(a) return a[{ { 2, 3 }, { 2, -1 } }] end, { x })
      both(function(a) return a[{ 2, { 1, 2 } }] end, { x })
      both(function(a) return a:t() end, { x })
      both(function(a) return a.T end, { rnd(2, 3, 2) })
    end)
  end)

  -- ------------------------------------------------------------------------ in-place
  describe('in-place forms on non-leaves', function()
    local function same_as_out_of_place(name, inplace, outofplace, makers)
      local a1, a2 = {}, {}
      for i, mk in ipairs(makers) do
        a1[i] = mk()
        a2[i] = a1[i]:detach():clone():requires_grad_()
      end
      local g1, y = weighted_grads(inplace, a1)
      assert.are.equal(name, node_name(y))
      local g2 = weighted_grads(outofplace, a2)
      for i = 1, #a1 do close(g1[i], flat(g2[i])) end
      both(inplace, a2)
    end
    local idx = long({ 3, 1 })
    local sidx = long({ { 1, 2, 3, 1 } })
    local A = function() return rnd(3, 4) end
    local B = function() return rnd(2, 4) end
    local B1 = function() return rnd(1, 4) end

    it('index_add_, index_copy_, index_fill_', function()
      same_as_out_of_place('IndexAddBackward0',
        function(a, b) local y = a:clone(); y:index_add_(1, idx, b, { alpha = 3 }); return y end,
        function(a, b) return a:index_add(1, idx, b, { alpha = 3 }) end, { A, B })
      same_as_out_of_place('IndexCopyBackward0',
        function(a, b) local y = a:clone(); y:index_copy_(1, idx, b); return y end,
        function(a, b) return a:index_copy(1, idx, b) end, { A, B })
      same_as_out_of_place('IndexFillBackward0',
        function(a) local y = a:clone(); y:index_fill_(2, idx, 4); return y end,
        function(a) return a:index_fill(2, idx, 4) end, { A })
      same_as_out_of_place('IndexFillBackward1',
        function(a, v) local y = a:clone(); y:index_fill_(2, idx, v); return y end,
        function(a, v) return a:index_fill(2, idx, v) end, { A, function() return scalar(1) end })
    end)

    it('scatter_, scatter_add_', function()
      same_as_out_of_place('ScatterBackward0',
        function(a, b) local y = a:clone(); y:scatter_(1, sidx, b); return y end,
        function(a, b) return a:scatter(1, sidx, b) end, { A, B1 })
      same_as_out_of_place('ScatterBackward1',
        function(a) local y = a:clone(); y:scatter_(1, sidx, 7); return y end,
        function(a) return a:scatter(1, sidx, 7) end, { A })
      same_as_out_of_place('ScatterAddBackward0',
        function(a, b) local y = a:clone(); y:scatter_add_(1, sidx, b); return y end,
        function(a, b) return a:scatter_add(1, sidx, b) end, { A, B1 })
    end)

    it('masked_fill_, masked_scatter_', function()
      same_as_out_of_place('MaskedFillBackward0',
        function(a) local y = a:clone(); y:masked_fill_(MASK, -1); return y end,
        function(a) return a:masked_fill(MASK, -1) end, { A })
      same_as_out_of_place('MaskedFillBackward1',
        function(a, v) local y = a:clone(); y:masked_fill_(MASK, v); return y end,
        function(a, v) return a:masked_fill(MASK, v) end, { A, function() return scalar(1) end })
      same_as_out_of_place('MaskedScatterBackward0',
        function(a, b) local y = a:t():clone(); y:masked_scatter_(torch.tensor({ true, false, true }), b); return y end,
        function(a, b) return a:t():masked_scatter(torch.tensor({ true, false, true }), b) end,
        { A, function() return rnd(9) end })
    end)

    it('tril_, triu_', function()
      same_as_out_of_place('TrilBackward0',
        function(a) local y = a:clone(); y:tril_(1); return y end,
        function(a) return a:tril(1) end, { A })
      same_as_out_of_place('TriuBackward0',
        function(a) local y = a:t():clone(); y:triu_(); return y end,
        function(a) return a:t():triu() end, { A })
    end)

    it('in-place writes into diagonal, split, chunk and unbind views reach the base', function()
      local x = rnd(3, 4)
      gc(function(a) local y = a:clone(); y:diagonal(1):mul_(2); return y end, { x })
      gc(function(a) local y = a:clone(); y:split(3, 2)[2]:mul_(3); return y end, { x })
      gc(function(a) local y = a:clone(); y:chunk(2, 2)[1]:zero_(); return y end, { x })
      gc(function(a) local y = a:clone(); y:unbind()[2]:mul_(a[1]); return y end, { x })
      local ok, err = pcall(function() x:diagonal():mul_(2) end)
      assert.is_false(ok)
      assert.are.equal('[mul] a view of a leaf Variable that requires grad is being used in an in-place operation.',
        tostring(err):match('%[.*$'))
    end)

    it('a tensor without history gets one from the source it is written with', function()
      local src = rnd(2, 4)
      local z = torch.zeros(3, 4, { dtype = f64 })
      z:index_add_(1, idx, src)
      assert.is_true(z.requires_grad)
      assert.are.equal('IndexAddBackward0', node_name(z))
      z:sum():backward()
      close(src.grad, torch.ones(2, 4):tolist())
    end)

    it('refuses in-place writes into leaves that require grad, leaving them unchanged', function()
      local leaf = rnd(3, 4)
      local before = leaf:detach():clone()
      local src = torch.ones(2, 4, { dtype = f64 })
      local calls = {
        { 'index_add_', function() leaf:index_add_(1, idx, src) end },
        { 'index_copy_', function() leaf:index_copy_(1, idx, src) end },
        { 'index_fill_', function() leaf:index_fill_(1, idx, 0) end },
        { 'scatter_', function() leaf:scatter_(1, sidx, 0) end },
        { 'scatter_add_', function() leaf:scatter_add_(1, sidx, src) end },
        { 'masked_fill_', function() leaf:masked_fill_(MASK, 0) end },
        { 'masked_scatter_', function() leaf:masked_scatter_(MASK, torch.ones(9, { dtype = f64 })) end },
        { 'tril_', function() leaf:tril_() end },
        { 'triu_', function() leaf:triu_() end },
      }
      for _, c in ipairs(calls) do
        local ok, err = pcall(c[2])
        assert.is_false(ok)
        assert.are.equal('[' .. c[1] .. '] a leaf Variable that requires grad is being used in an in-place operation.',
          tostring(err):match('%[.*$'))
      end
      assert.are.same(before:tolist(), leaf:detach():tolist())
    end)
  end)

  -- ------------------------------------------------------------------------ dtypes, errors
  describe('dtypes and errors', function()
    it('float32 inputs get float32 gradients', function()
      local x = torch.randn({ 3, 4 }, { requires_grad = true })
      local v = torch.tensor(1.0, { requires_grad = true })
      local y = x:index_select(1, long({ 1 })):sum() + x:gather(2, long({ { 1 }, { 2 }, { 3 } })):sum()
        + x:masked_fill(MASK, v):sum() + torch.cat({ x, x }):sum() + x:take(long({ 3 })):sum()
        + x:flip(1):sum() + x['repeat'](x, 2, 1):sum() + x:tril():sum() + x:unfold(1, 2, 1):sum()
        + x:as_strided({ 2 }, { 3 }):sum() + x:diagonal():sum() + x:split(1)[1]:sum()
      y:backward()
      assert.are.equal(torch.float32, x.grad.dtype)
      assert.are.equal(torch.float32, v.grad.dtype)
      close(v.grad, 9)
    end)

    it('cat of mixed dtypes gives each input the gradient in its own dtype', function()
      local a = torch.ones(2, { requires_grad = true })
      local b = torch.ones(3, { dtype = f64, requires_grad = true })
      local y = torch.cat({ a, b })
      assert.are.equal(f64, y.dtype)
      local w = torch.arange(1, 6, { dtype = f64 })
      ;(y * w):sum():backward()
      assert.are.equal(torch.float32, a.grad.dtype)
      close(a.grad, { 1, 2 })
      close(b.grad, { 3, 4, 5 })
    end)

    it('integer outputs (nonzero, index tensors) have no history', function()
      local x = rnd(3, 4)
      assert.is_nil(x:nonzero().grad_fn)
      assert.is_false(x:nonzero().requires_grad)
      local i = torch.where(x:gt(0))
      assert.is_false(i[1].requires_grad)
    end)

    it('empty results give zero gradients', function()
      local x = rnd(3, 4)
      local y = x:index_select(2, torch.tensor({}, { dtype = torch.int64 }))
      assert.are.equal('IndexSelectBackward0', node_name(y))
      local g = ag.grad({ y:sum() }, { x })[1]
      close(g, torch.zeros(3, 4):tolist())
      y = x:masked_select(torch.zeros(4, { dtype = torch.bool }))
      close(ag.grad({ y:sum() }, { x })[1], torch.zeros(3, 4):tolist())
    end)

    it('out= with inputs that require grad is refused', function()
      local x = rnd(3, 4)
      local out = torch.empty(0, { dtype = f64 })
      for name, f in pairs({
        index_select = function() x:index_select(1, long({ 1 }), { out = out }) end,
        gather = function() x:gather(1, long({ { 1 } }), { out = out }) end,
        take = function() x:take(long({ 1 }), { out = out }) end,
        masked_select = function() x:masked_select(MASK, { out = out }) end,
        cat = function() torch.cat({ x, x }, { out = out }) end,
        stack = function() torch.stack({ x, x }, { out = out }) end,
        tril = function() x:tril(0, { out = out }) end,
        index_add = function() x:index_add(1, long({ 1 }), x[{ { 1, 1 } }], { out = out }) end,
        scatter = function() x:scatter(1, long({ { 1 } }), 0, { out = out }) end,
      }) do
        local ok, err = pcall(f)
        assert.is_false(ok, name)
        assert.are.equal('[' .. name .. "] functions with out=... arguments don't support automatic "
          .. 'differentiation, but one of the arguments requires grad.', tostring(err):match('%[.*$'))
        assert.are.same({ 0 }, out.shape:totable())
      end
    end)

    it('scatter with reduce records a node whose backward is not implemented', function()
      local x = rnd(3, 4)
      local y = x:scatter(1, long({ { 1, 2, 3, 1 } }), 2, { reduce = 'multiply' })
      assert.are.equal('ScatterBackward1', node_name(y))
      local ok, err = pcall(function() y:sum():backward() end)
      assert.is_false(ok)
      assert.truthy(tostring(err):find("[scatter] the derivative of scatter with reduce='multiply' is not implemented", 1, true))
    end)

    it('double backward goes through the same ops as in PyTorch', function()
      local x = rnd(3, 4)
      local function second(y)
        local go = torch.ones(y.shape, { dtype = f64, requires_grad = true })
        return node_name(ag.grad({ y }, { x }, { grad_outputs = { go }, create_graph = true })[1])
      end
      assert.are.equal('IndexAddBackward0', second(x:index_select(2, long({ 1, 1 }))))
      assert.are.equal('ScatterAddBackward0', second(x:gather(1, long({ { 1, 2, 3, 1 } }))))
      assert.are.equal('MaskedScatterBackward0', second(x:masked_select(MASK)))
      assert.are.equal('DiagonalBackwardBackward0', second(x:diagonal()))
      assert.are.equal('DiagonalBackwardBackward0', second(x:diag()))
      assert.are.equal('FlipBackward0', second(x:flip(1)))
    end)

    it('a graph through saved indices can be run twice with retain_graph', function()
      local x = rnd(3, 4)
      local y = x:gather(2, long({ { 1 }, { 4 }, { 2 } })):sum()
      y:backward(nil, { retain_graph = true })
      y:backward()
      close(x.grad, { { 2, 0, 0, 0 }, { 0, 0, 0, 2 }, { 0, 2, 0, 0 } })
    end)
  end)
end)
