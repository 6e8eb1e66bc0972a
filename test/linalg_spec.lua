-- Matrix products and linear algebra: mm, bmm, matmul, mv, dot, vdot, outer/ger, addmm,
-- addmv, baddbmm, addbmm (and `_` forms), einsum, torch.linalg.* and the older torch.inverse,
-- torch.det, torch.slogdet, torch.svd (lua/torch/linalg.lua, lib/luabind/lb_linalg.c,
-- lib/TH/THMatmul.c, THEinsum.c, THLinalg.c, THBlas.c, THLapack.c).
--
-- Expected values are PyTorch 1.13's results for the same inputs, written down as literals.
-- Decompositions whose factors are unique only up to signs (QR, SVD, eigh) are checked by
-- their values (or absolute values) and by reconstructing the input.
local torch = require 'torch'
local nan, inf = 0 / 0, math.huge
local f32, f64 = torch.float32, torch.float64

-- ---------------------------------------------------------------------------- helpers

local function T(data, dtype) return torch.tensor(data, { dtype = dtype or f64 }) end

local function flatten(v, out)
  out = out or {}
  if type(v) == 'table' then
    for _, x in ipairs(v) do flatten(x, out) end
  else
    out[#out + 1] = v
  end
  return out
end

local function shape_of(v)
  local s = {}
  while type(v) == 'table' do
    s[#s + 1] = #v
    v = v[1]
  end
  return s
end

-- t matches the nested table (or number) `expected` in shape and values, within tol
-- (relative to 1 + |expected|); NaN matches NaN.
local function check(t, expected, tol, dtype)
  assert.is_true(torch.is_tensor(t), 'expected a tensor, got ' .. type(t))
  if dtype then assert.are.equal(dtype, t.dtype) end
  tol = tol or 1e-10
  local shape = t:size():totable()
  if type(expected) == 'table' then
    local es = shape_of(expected)
    if #flatten(expected) == 0 then es = shape end -- an empty table says nothing of the shape
    assert.are.same(es, shape, 'shape')
  else
    assert.are.same({}, shape, 'shape (0-dim expected)')
  end
  local got = flatten(t.dtype == torch.bool and t:tolist() or t:double():tolist())
  local want = flatten(expected)
  assert.are.equal(#want, #got, 'number of elements')
  for i = 1, #want do
    local g, w = got[i], want[i]
    local ok
    if type(w) == 'boolean' then ok = g == w
    elseif w ~= w then ok = g ~= g
    elseif w == inf or w == -inf then ok = g == w
    else ok = math.abs(g - w) <= tol * (1 + math.abs(w)) end
    if not ok then
      error(string.format('element %d: expected %.12g, got %.12g', i, w, g), 2)
    end
  end
end

local function message(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, 'expected an error')
  return (tostring(err):gsub('^[^%[]-:%d+: ', ''))
end

-- fn(...) fails with exactly msg and leaves its tensor arguments unchanged.
local function fails(msg, fn, ...)
  local args = { ... }
  local before = {}
  for i = 1, select('#', ...) do
    local a = args[i]
    if torch.is_tensor(a) then
      before[i] = { a:size():totable(), a:stride(), a.dtype, a:clone() }
    end
  end
  assert.are.equal(msg, message(fn, ...))
  for i, b in pairs(before) do
    local a = args[i]
    assert.are.same(b[1], a:size():totable())
    assert.are.same(b[2], a:stride())
    assert.are.equal(b[3], a.dtype)
    local x, y = flatten(a:double():tolist()), flatten(b[4]:double():tolist())
    for k = 1, #x do assert.is_true(x[k] == y[k] or (x[k] ~= x[k] and y[k] ~= y[k])) end
  end
end

local function maxabs(t) return t:double():abs():reshape(-1):tolist() end
local function maxdiff(a, b)
  local m = 0
  for _, v in ipairs(maxabs(a:double() - b:double())) do m = math.max(m, v) end
  return m
end

-- ---------------------------------------------------------------------------- mm

describe('mm', function()
  local A = T({ { 1, 2, 3 }, { 4, 5, 6 } })
  local B = T({ { 7, 8 }, { 9, 10 }, { 11, 12 } })

  it('multiplies float64 and float32 matrices', function()
    check(torch.mm(A, B), { { 58, 64 }, { 139, 154 } }, 0, f64)
    check(torch.mm(A:float(), B:float()), { { 58, 64 }, { 139, 154 } }, 0, f32)
    check(A:mm(B), { { 58, 64 }, { 139, 154 } })
  end)

  it('multiplies float16 and bfloat16 through float32', function()
    local h = T({ { 0.1, 0.2 }, { 0.3, 0.4 } }, f32)
    local h2 = T({ { 1.5, -2.25 }, { 0.7, 3.3 } }, f32)
    check(torch.mm(h:half(), h2:half()),
      { { 0.2900390625, 0.43505859375 }, { 0.72998046875, 0.64501953125 } }, 0, torch.float16)
    check(torch.mm(h:bfloat16(), h2:bfloat16()),
      { { 0.291015625, 0.435546875 }, { 0.73046875, 0.64453125 } }, 0, torch.bfloat16)
  end)

  it('multiplies integer matrices, wrapping like PyTorch', function()
    check(torch.mm(T({ { 100, 27 }, { -3, 5 } }, torch.int8), T({ { 2, 1 }, { 3, 100 } }, torch.int8)),
      { { 25, -16 }, { 9, -15 } }, 0, torch.int8)
    check(torch.mm(T({ { 200, 27 }, { 3, 5 } }, torch.uint8), T({ { 2, 1 }, { 3, 100 } }, torch.uint8)),
      { { 225, 84 }, { 21, 247 } }, 0, torch.uint8)
    check(torch.mm(T({ { 2 ^ 20, 3 } }, torch.int32), T({ { 2 ^ 12 }, { 5 } }, torch.int32)), { { 15 } }, 0,
      torch.int32)
    check(torch.mm(T({ { 1, 2 } }, torch.int16), T({ { 3 }, { 4 } }, torch.int16)), { { 11 } }, 0, torch.int16)
    check(torch.mm(A:long(), B:long()), { { 58, 64 }, { 139, 154 } }, 0, torch.int64)
  end)

  it('reads transposed, narrowed and strided operands in place', function()
    local At = A:t():contiguous():t()
    assert.is_false(At:is_contiguous())
    check(torch.mm(At, B), { { 58, 64 }, { 139, 154 } })
    local big = torch.zeros(4, 6, { dtype = f64 })
    big:narrow(1, 2, 2):narrow(2, 3, 3):copy_(A)
    check(torch.mm(big:narrow(1, 2, 2):narrow(2, 3, 3), B), { { 58, 64 }, { 139, 154 } })
    local s = torch.zeros(6, 8, { dtype = f64 }):as_strided({ 3, 2 }, { 8, 3 })
    s:copy_(B)
    check(torch.mm(A, s), { { 58, 64 }, { 139, 154 } })
    check(torch.mm(A:float():t(), A:float()), { { 17, 22, 27 }, { 22, 29, 36 }, { 27, 36, 45 } })
  end)

  it('handles empty matrices', function()
    check(torch.mm(torch.ones(0, 3), torch.ones(3, 2)), {}, 0)
    assert.are.same({ 0, 2 }, torch.mm(torch.ones(0, 3), torch.ones(3, 2)):size():totable())
    check(torch.mm(torch.ones(2, 0), torch.ones(0, 3)), { { 0, 0, 0 }, { 0, 0, 0 } })
  end)

  it('writes into out=, resizing it and returning it', function()
    local out = torch.zeros(2, 2, { dtype = f64 })
    local r = torch.mm(A, B, { out = out })
    assert.are.equal(out, r)
    check(out, { { 58, 64 }, { 139, 154 } })
    local o2 = torch.zeros(5, { dtype = f64 })
    torch.mm(A, B, { out = o2 })
    check(o2, { { 58, 64 }, { 139, 154 } })
    local tr = torch.zeros(2, 2, { dtype = f64 }):t()
    torch.mm(A, B, { out = tr })
    check(tr, { { 58, 64 }, { 139, 154 } })
  end)

  it('rejects bad input with both shapes in the message', function()
    fails('[mm] size mismatch: (3, 4) @ (5, 6)', torch.mm, torch.ones(3, 4), torch.ones(5, 6))
    fails('[mm] expected 2-D matrices, but got shapes (3,) and (3, 6)', torch.mm, torch.ones(3), torch.ones(3, 6))
    fails('[mm] expected operands of the same dtype, but got float32 and float64', torch.mm, torch.ones(3, 4),
      torch.ones(4, 2, { dtype = f64 }))
    fails('[mm] not implemented for dtype bool', torch.mm, torch.ones(2, 2, { dtype = torch.bool }),
      torch.ones(2, 2, { dtype = torch.bool }))
    local out = torch.zeros(3, 3, { dtype = f64 })
    fails('[mm] expected out to have dtype float32, but got float64', torch.mm, torch.ones(3, 3), torch.ones(3, 3),
      { out = out })
    check(out, { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } })
    fails("[mm] unknown option 'foo'", torch.mm, torch.ones(2, 2), torch.ones(2, 2), { foo = 1 })
  end)
end)

-- ---------------------------------------------------------------------------- bmm, matmul

describe('bmm', function()
  local a = torch.arange(12, { dtype = f64 }):reshape(2, 2, 3)
  local b = torch.arange(12, { dtype = f64 }):reshape(2, 3, 2)
  local want = { { { 10, 13 }, { 28, 40 } }, { { 172, 193 }, { 244, 274 } } }

  it('multiplies batches', function()
    check(torch.bmm(a, b), want)
    check(a:bmm(b), want)
    check(torch.bmm(a:float(), b:float()), want, 0, f32)
    check(torch.bmm(a:int(), b:int()), want, 0, torch.int32)
  end)

  it('takes batches with any strides, and empty batches', function()
    local bt = b:transpose(2, 3):contiguous():transpose(2, 3)
    check(torch.bmm(a, bt), want)
    local ap = a:permute(2, 1, 3):contiguous():permute(2, 1, 3)
    check(torch.bmm(ap, b), want)
    assert.are.same({ 0, 2, 2 }, torch.bmm(torch.ones(0, 2, 3), torch.ones(0, 3, 2)):size():totable())
  end)

  it('agrees with mm on many small matrices (parallel over the batch)', function()
    local x = torch.arange(64 * 9, { dtype = f32 }):reshape(64, 3, 3):remainder(7) - 3
    local y = torch.arange(64 * 9, { dtype = f32 }):reshape(64, 3, 3):remainder(5) - 2
    local c = torch.bmm(x, y)
    for i = 1, 64, 9 do assert.are.equal(0, maxdiff(c[i], torch.mm(x[i], y[i]))) end
  end)

  it('rejects mismatched batches', function()
    fails('[bmm] size mismatch: (2, 3, 4) @ (3, 4, 5)', torch.bmm, torch.ones(2, 3, 4), torch.ones(3, 4, 5))
    fails('[bmm] size mismatch: (2, 3, 4) @ (2, 5, 3)', torch.bmm, torch.ones(2, 3, 4), torch.ones(2, 5, 3))
    fails('[bmm] expected 3-D batches of matrices, but got shapes (3, 4) and (2, 4, 3)', torch.bmm,
      torch.ones(3, 4), torch.ones(2, 4, 3))
  end)
end)

describe('matmul', function()
  local v = T({ 1, 2, 3 })
  it('follows PyTorch for 1-D and 2-D operands', function()
    check(torch.matmul(v, v), 14)
    check(torch.matmul(v, T({ { 1, 0 }, { 0, 1 }, { 1, 1 } })), { 4, 5 })
    check(torch.matmul(T({ { 1, 0, 1 }, { 0, 1, 1 } }), v), { 4, 5 })
    check(v:matmul(v), 14)
    check(torch.linalg.matmul(v, v), 14)
    check(torch.matmul(T({ { 1, 2 } }), T({ { 3 }, { 4 } })), { { 11 } })
  end)

  it('broadcasts batch dims', function()
    local a = torch.arange(6, { dtype = f64 }):reshape(2, 1, 1, 3)
    local b = torch.arange(18, { dtype = f64 }):reshape(3, 3, 2)
    check(torch.matmul(a, b), { { { { 10, 13 } }, { { 28, 31 } }, { { 46, 49 } } },
      { { { 28, 40 } }, { { 100, 112 } }, { { 172, 184 } } } })
    check(torch.matmul(v, torch.arange(12, { dtype = f64 }):reshape(2, 3, 2)), { { 16, 22 }, { 52, 58 } })
    check(torch.matmul(torch.arange(12, { dtype = f64 }):reshape(2, 2, 3), v), { { 8, 26 }, { 44, 62 } })
    -- a batch times one matrix, folded into one product; also through a transposed view
    local x = torch.arange(12, { dtype = f64 }):reshape(2, 2, 3)
    local m = T({ { 1, 0 }, { 0, 1 }, { 1, 1 } })
    local want = { { { 2, 3 }, { 8, 9 } }, { { 14, 15 }, { 20, 21 } } }
    check(torch.matmul(x, m), want)
    check(torch.matmul(x:transpose(2, 3):contiguous():transpose(2, 3), m), want)
    check(torch.matmul(x:float(), m:float()), want, 0, f32)
  end)

  it('writes into out=', function()
    local out = torch.zeros(1, { dtype = f64 })
    assert.are.equal(out, torch.matmul(v, v, { out = out }))
    check(out, 14)
  end)

  it('rejects bad shapes', function()
    fails('[matmul] size mismatch: (3, 4) @ (5, 6)', torch.matmul, torch.ones(3, 4), torch.ones(5, 6))
    fails('[matmul] size mismatch: (3,) @ (4,)', torch.matmul, torch.ones(3), torch.ones(4))
    fails('[matmul] both arguments need to be at least 1-D, but they are 0-D and 2-D', torch.matmul,
      torch.tensor(1.5), torch.ones(5, 6))
    fails('[matmul] batch dimensions of (2, 3, 4) and (5, 4, 6) cannot be broadcast together', torch.matmul,
      torch.ones(2, 3, 4), torch.ones(5, 4, 6))
  end)
end)

-- ---------------------------------------------------------------------------- vectors

describe('mv, dot, vdot, outer', function()
  it('mv', function()
    check(torch.mv(T({ { 1, 2, 3 }, { 4, 5, 6 } }), T({ 1, 0, -1 })), { -2, -2 })
    check(T({ { 1, 4 }, { 2, 5 }, { 3, 6 } }):t():mv(T({ 1, 0, -1 })), { -2, -2 })
    check(torch.mv(T({ { 1, 2 } }, torch.int64), T({ 3, 4 }, torch.int64)), { 11 }, 0, torch.int64)
    fails('[mv] size mismatch: (3, 4) @ (5,)', torch.mv, torch.ones(3, 4), torch.ones(5))
    fails('[mv] expected a 2-D matrix and a 1-D vector, but got shapes (3,) and (3,)', torch.mv, torch.ones(3),
      torch.ones(3))
  end)

  it('dot and vdot', function()
    check(torch.dot(T({ 1, 2, 3 }), T({ 4, 5, 6 })), 32, 0, f64)
    check(T({ 1, 2, 3 }, f32):dot(T({ 4, 5, 6 }, f32)), 32, 0, f32)
    check(torch.dot(T({ 1, 2, 3 }, torch.int32), T({ 4, 5, 6 }, torch.int32)), 32, 0, torch.int32)
    check(torch.vdot(T({ 1, 2 }), T({ 3, 4 })), 11)
    local strided = T({ 1, 9, 2, 9, 3 }):as_strided({ 3 }, { 2 })
    check(torch.dot(strided, T({ 1, 1, 1 })), 6)
    check(torch.dot(torch.ones(0), torch.ones(0)), 0)
    fails('[dot] size mismatch: (3,) and (4,)', torch.dot, torch.ones(3), torch.ones(4))
    fails('[dot] expected 1-D tensors, but got shapes (3, 3) and (4,)', torch.dot, torch.ones(3, 3), torch.ones(4))
    fails('[dot] expected operands of the same dtype, but got int32 and float32', torch.dot,
      torch.ones(3, { dtype = torch.int32 }), torch.ones(3))
    fails('[vdot] size mismatch: (3,) and (2,)', torch.vdot, torch.ones(3), torch.ones(2))
  end)

  it('outer (and ger) with type promotion', function()
    check(torch.outer(T({ 1, 2 }, torch.int64), T({ 1.5, 2 }, f32)), { { 1.5, 2 }, { 3, 4 } }, 0, f32)
    check(T({ 1, 2 }):ger(T({ 3, 4, 5 })), { { 3, 4, 5 }, { 6, 8, 10 } })
    check(torch.outer(T({ true, false }, torch.bool), T({ true, true }, torch.bool)),
      { { true, true }, { false, false } }, 0, torch.bool)
    local out = torch.zeros(2, 2, { dtype = f64 })
    assert.are.equal(out, torch.outer(T({ 1, 2 }), T({ 3, 4 }), { out = out }))
    check(out, { { 3, 4 }, { 6, 8 } })
    fails('[outer] expected 1-D tensors, but got shapes (3, 3) and (2,)', torch.outer, torch.ones(3, 3), torch.ones(2))
  end)
end)

-- ---------------------------------------------------------------------------- add*

describe('addmm, addmv, baddbmm, addbmm', function()
  local m1 = T({ { 1, 2 }, { 3, 4 } })
  local m2 = T({ { 1, 0 }, { 1, 1 } })

  it('addmm with beta, alpha and a broadcast input', function()
    check(torch.addmm(T({ 10, 20 }), m1, m2), { { 13, 22 }, { 17, 24 } })
    check(torch.addmm(T({ 10, 20 }), m1, m2, { beta = 0.5, alpha = 2 }), { { 11, 14 }, { 19, 18 } })
    check(m1:addmm(m1, m2, { beta = -1 }), { { 2, 0 }, { 4, 0 } })
    check(torch.addmm(T({ { 1 } }, torch.int64), m1:long(), m2:long(), { alpha = 2 }), { { 7, 5 }, { 15, 9 } }, 0,
      torch.int64)
  end)

  it('ignores the input when beta is 0 (NaN does not leak)', function()
    check(torch.addmm(T({ { nan, 1 }, { 1, nan } }), m1, m2, { beta = 0 }), { { 3, 2 }, { 7, 4 } })
    check(torch.addmv(T({ nan, nan }), m1, T({ 1, 1 }), { beta = 0 }), { 3, 7 })
  end)

  it('in place', function()
    local c = T({ { 1, 1 }, { 1, 1 } })
    assert.are.equal(c, c:addmm_(m1, m2, { alpha = 2 }))
    check(c, { { 7, 5 }, { 15, 9 } })
    -- self is also an operand: computed through a temporary
    local d = m1:clone()
    d:addmm_(d, m2)
    check(d, { { 4, 4 }, { 10, 8 } })
    local v = T({ 1, 1 })
    v:addmv_(m1, T({ 1, -1 }), { beta = 2 })
    check(v, { 1, 1 })
    fails('[addmm] bad in-place call: self of shape (2,) doesn\'t match the result shape (2, 2)',
      torch.Tensor.addmm_, T({ 1, 1 }), m1, m2)
  end)

  it('addmv', function()
    check(torch.addmv(T({ 1, 1 }), m1, T({ 1, 2 }), { beta = 2, alpha = -1 }), { -3, -9 })
    check(T({ 0 }):addmv(m1:t(), T({ 1, 1 })), { 4, 6 })
    fails('[addmv] size mismatch: (3, 4) @ (5,)', torch.addmv, torch.ones(3), torch.ones(3, 4), torch.ones(5))
    fails('[addmv] self of shape (4,) cannot be broadcast to the result shape (3,)', torch.addmv, torch.ones(4),
      torch.ones(3, 4), torch.ones(4))
  end)

  it('baddbmm and addbmm', function()
    local b1 = torch.arange(8, { dtype = f64 }):reshape(2, 2, 2)
    local b2 = T({ { { 1, 0 }, { 0, 1 } }, { { 0, 1 }, { 1, 0 } } })
    check(torch.baddbmm(T({ 100, 200 }), b1, b2, { beta = 1, alpha = 1 }),
      { { { 100, 201 }, { 102, 203 } }, { { 105, 204 }, { 107, 206 } } })
    check(torch.baddbmm(torch.zeros(2, 2, 2, { dtype = f64 }), b1, b2, { alpha = 0.5 }),
      { { { 0, 0.5 }, { 1, 1.5 } }, { { 2.5, 2 }, { 3.5, 3 } } })
    check(torch.addbmm(T({ { 1, 1 }, { 1, 1 } }), b1, b2, { beta = 2, alpha = 1 }), { { 7, 7 }, { 11, 11 } })
    check(torch.addbmm(T({ 3 }), torch.ones(0, 2, 4, { dtype = f64 }), torch.ones(0, 4, 2, { dtype = f64 })),
      { { 3, 3 }, { 3, 3 } })
    local acc = T({ { 1, 1 }, { 1, 1 } })
    acc:addbmm_(b1, b2)
    check(acc, { { 6, 6 }, { 10, 10 } })
    local s = torch.ones(2, 2, 2, { dtype = f64 })
    s:baddbmm_(b1, b2, { beta = 0 })
    check(s, { { { 0, 1 }, { 2, 3 } }, { { 5, 4 }, { 7, 6 } } })
    fails('[baddbmm] size mismatch: (2, 3, 4) @ (2, 5, 3)', torch.baddbmm, torch.ones(2, 3, 3),
      torch.ones(2, 3, 4), torch.ones(2, 5, 3))
  end)

  it('out= and option checks', function()
    local out = torch.zeros(2, 2, { dtype = f64 })
    assert.are.equal(out, torch.addmm(T({ 10, 20 }), m1, m2, { out = out }))
    check(out, { { 13, 22 }, { 17, 24 } })
    fails("[addmm] unknown option 'gamma'", torch.addmm, m1, m1, m2, { gamma = 1 })
    fails("[addmm_] unknown option 'out'", torch.Tensor.addmm_, m1, m1, m2, { out = m1 })
    fails("[addmm] option 'beta' must be a number, got string", torch.addmm, m1, m1, m2, { beta = 'x' })
    fails('[addmm] expected self to have the dtype of the matrices, float64, but got float32', torch.addmm,
      torch.ones(2, 2), m1, m2)
  end)
end)

-- ---------------------------------------------------------------------------- einsum

describe('einsum', function()
  local a = torch.arange(6, { dtype = f64 }):reshape(2, 3)
  local b = torch.arange(6, { dtype = f64 }):reshape(3, 2)

  it('contracts the common patterns', function()
    check(torch.einsum('ij,jk->ik', a, b), { { 10, 13 }, { 28, 40 } })
    check(torch.einsum('ij,jk->ik', { a, b }), { { 10, 13 }, { 28, 40 } })
    check(torch.einsum('bij,bjk->bik', torch.arange(12, { dtype = f64 }):reshape(2, 2, 3),
      torch.arange(12, { dtype = f64 }):reshape(2, 3, 2)), { { { 10, 13 }, { 28, 40 } }, { { 172, 193 }, { 244, 274 } } })
    local sq = torch.arange(9, { dtype = f64 }):reshape(3, 3)
    check(torch.einsum('ii->i', sq), { 0, 4, 8 })
    check(torch.einsum('ii', sq), 12)
    check(torch.einsum('ij->ji', a), { { 0, 3 }, { 1, 4 }, { 2, 5 } })
    check(torch.einsum('i,i->', T({ 1, 2, 3 }), T({ 4, 5, 6 })), 32)
    check(torch.einsum('i,j->ij', T({ 1, 2 }), T({ 3, 4, 5 })), { { 3, 4, 5 }, { 6, 8, 10 } })
    check(torch.einsum('bi,bi->b', a, a), { 5, 50 })
    check(torch.einsum('ij->', a), 15)
  end)

  it('implicit output, ellipsis, three operands, repeated labels', function()
    check(torch.einsum('ba,ca', a, a), { { 5, 14 }, { 14, 50 } })
    check(torch.einsum('ij,jk', a, b), { { 10, 13 }, { 28, 40 } })
    check(torch.einsum('...ij->...ji', torch.arange(6, { dtype = f64 }):reshape(1, 2, 3)),
      { { { 0, 3 }, { 1, 4 }, { 2, 5 } } })
    check(torch.einsum('ij,jk,k->i', a, b, T({ 1, -1 })), { -3, -12 })
    check(torch.einsum('iji->j', torch.arange(18, { dtype = f64 }):reshape(3, 2, 3)), { 21, 30 })
    check(torch.einsum(' i j , j k -> i k ', a, b), { { 10, 13 }, { 28, 40 } })
  end)

  it('broadcasts size-1 dims, keeps views and dtypes', function()
    check(torch.einsum('ij,jk->ik', torch.ones(3, 1), torch.ones(4, 4)),
      { { 4, 4, 4, 4 }, { 4, 4, 4, 4 }, { 4, 4, 4, 4 } })
    check(torch.einsum('i,i->', torch.ones(1), torch.ones(4)), 4)
    local t = torch.einsum('ij->ji', a)
    assert.is_false(t:is_contiguous()) -- a view, as in PyTorch
    check(torch.einsum('ij->', torch.ones(2, 3, { dtype = torch.int32 })), 6, 0, torch.int64)
    check(torch.einsum('ij,jk->ik', torch.ones(2, 2, { dtype = torch.int32 }), torch.ones(2, 2, { dtype = torch.int32 })),
      { { 2, 2 }, { 2, 2 } }, 0, torch.int32)
    check(torch.einsum('ij,jk->ik', a:float(), b:float()), { { 10, 13 }, { 28, 40 } }, 0, f32)
  end)

  it('reports bad equations', function()
    fails('[einsum] subscript j has size 5 for operand 1 which does not broadcast with previously seen size 4',
      torch.einsum, 'ij,jk->ik', torch.ones(3, 4), torch.ones(5, 6))
    fails('[einsum] more operands were specified in the equation than were provided (1)', torch.einsum, 'ij,jk',
      torch.ones(3, 4))
    fails('[einsum] more operands were provided (2) than specified in the equation (1)', torch.einsum, 'ij',
      torch.ones(3, 4), torch.ones(3))
    fails('[einsum] the number of subscripts in the equation (3) does not match the number of dimensions (2) '
      .. 'for operand 0 and no ellipsis was given', torch.einsum, 'ijk', torch.ones(3, 4))
    fails("[einsum] subscript i is repeated for operand 0 but the sizes don't match, 4 != 3", torch.einsum, 'ii',
      torch.ones(3, 4))
    fails('[einsum] output subscript i appears more than once in the output', torch.einsum, 'ij->ii',
      torch.ones(3, 4))
    fails('[einsum] output subscript k does not appear in the equation for any input operand', torch.einsum,
      'ij->k', torch.ones(3, 4))
    fails("[einsum] invalid subscript '1' given in the equation string, subscripts must be in [a-zA-Z]",
      torch.einsum, 'i1', torch.ones(3, 4))
    fails('[einsum] expected operands of the same dtype, but got float32 and float64', torch.einsum, 'ij,jk',
      torch.ones(2, 2), torch.ones(2, 2, { dtype = f64 }))
  end)
end)

-- ---------------------------------------------------------------------------- linalg

local S = T({ { 4, 7, 2 }, { 3, 6, 1 }, { 2, 5, 3 } })
local N = T({ { 1, 2 }, { 3, 4 } })
local P = T({ { 4, 2, 0.4 }, { 2, 5, 1 }, { 0.4, 1, 3 } })
local M = T({ { 1, 2 }, { 3, 4 }, { 5, 6 } })
local I3 = torch.eye(3, { dtype = f64 })

describe('linalg.inv, det, slogdet', function()
  local invS = { { 1.44444444444, -1.22222222222, -0.555555555556 }, { -0.777777777778, 0.888888888889, 0.222222222222 },
    { 0.333333333333, -0.666666666667, 0.333333333333 } }

  it('inv in float64, float32 and float16, batched and transposed', function()
    check(torch.linalg.inv(S), invS, 1e-11, f64)
    check(torch.linalg.inv(S:float()), invS, 1e-6, f32)
    check(torch.linalg.inv(S:t():contiguous():t()), invS, 1e-11)
    local inv_b = torch.linalg.inv(T({ S:tolist(), I3:tolist() }))
    check(inv_b[1], invS, 1e-11)
    check(torch.inverse(S), invS, 1e-11)
    check(S:inverse(), invS, 1e-11)
    check(torch.linalg.inv(N:half()), { { -2, 1 }, { 1.5, -0.5 } }, 1e-3, torch.float16)
    local r = torch.linalg.inv(S)
    assert.are.same({ 1, 3 }, r:stride()) -- column-major, as PyTorch returns it
    assert.are.same({ 0, 0 }, torch.linalg.inv(torch.zeros(0, 0)):size():totable())
  end)

  it('inv errors', function()
    fails('[linalg.inv] The diagonal element 1 is zero, the inversion could not be completed because the input '
      .. 'matrix is singular.', torch.linalg.inv, torch.zeros(3, 3))
    fails('[linalg.inv] (Batch element 0): The diagonal element 1 is zero, the inversion could not be completed '
      .. 'because the input matrix is singular.', torch.linalg.inv, torch.zeros(2, 3, 3))
    fails('[linalg.inv] A must be batches of square matrices, but they are 2 by 3 matrices', torch.linalg.inv,
      torch.zeros(2, 3))
    fails('[linalg.inv] The input tensor A must have at least 2 dimensions.', torch.linalg.inv, torch.zeros(3))
    fails('[linalg.inv] expected a floating point tensor as input, got int64', torch.linalg.inv,
      torch.zeros(3, 3, { dtype = torch.int64 }))
    local out = torch.zeros(3, 3, { dtype = f64 })
    assert.are.equal(out, torch.linalg.inv(S, { out = out }))
    check(out, invS, 1e-11)
    fails('[linalg.inv] expected out to have dtype float32, but got float64', torch.linalg.inv, torch.eye(3),
      { out = out })
  end)

  it('det and slogdet', function()
    check(torch.linalg.det(S), 9, 1e-12)
    check(torch.det(N), -2, 1e-12)
    check(N:det(), -2, 1e-12)
    check(torch.linalg.det(T({ N:tolist(), { { 4, 7 }, { 3, 6 } }, { { 0, 0 }, { 0, 0 } } })), { -2, 3, 0 }, 1e-12)
    check(torch.linalg.det(torch.zeros(0, 0)), 1)
    check(torch.linalg.det(S:float()), 9, 1e-5, f32)
    local sign, logabs = torch.linalg.slogdet(N)
    check(sign, -1)
    check(logabs, 0.69314718056, 1e-10)
    sign, logabs = torch.slogdet(S)
    check(sign, 1)
    check(logabs, 2.19722457734, 1e-10)
    sign, logabs = N:slogdet()
    check(sign, -1)
    sign, logabs = torch.linalg.slogdet(torch.zeros(3, 3))
    check(sign, 0)
    check(logabs, -inf)
    local o1, o2 = torch.zeros(1, { dtype = f64 }), torch.zeros(1, { dtype = f64 })
    local r1, r2 = torch.linalg.slogdet(N, { out = { o1, o2 } })
    assert.are.equal(o1, r1)
    assert.are.equal(o2, r2)
    check(o1, -1)
    fails('[linalg.det] A must be batches of square matrices, but they are 2 by 3 matrices', torch.linalg.det,
      torch.zeros(2, 3))
  end)
end)

describe('linalg.solve', function()
  it('solves for a vector, a matrix, from the right, with broadcasting', function()
    check(torch.linalg.solve(S, T({ 1, 2, 3 })), { -2.66666666667, 1.66666666667, 0 }, 1e-10)
    check(torch.linalg.solve(S, T({ { 1, 0 }, { 2, 1 }, { 3, -1 } })),
      { { -2.66666666667, -0.666666666667 }, { 1.66666666667, 0.666666666667 }, { 0, -1 } }, 1e-10)
    check(torch.linalg.solve(S, T({ { 1, 2, 3 }, { 0, 1, -1 } }), { left = false }),
      { { 0.888888888889, -1.44444444444, 0.888888888889 }, { -1.11111111111, 1.55555555556, -0.111111111111 } },
      1e-10)
    -- batched A with one right side (broadcast), and B with A's batch shape as a batch of vectors
    local A2 = S:expand(2, 3, 3)
    local x = torch.linalg.solve(A2, T({ 1, 2, 3 }))
    check(x, { { -2.66666666667, 1.66666666667, 0 }, { -2.66666666667, 1.66666666667, 0 } }, 1e-10)
    local y = torch.linalg.solve(A2, T({ { 1, 2, 3 }, { 1, 2, 3 } }))
    check(y, { { -2.66666666667, 1.66666666667, 0 }, { -2.66666666667, 1.66666666667, 0 } }, 1e-10)
    assert.are.same({ 2, 3, 4 }, torch.linalg.solve(A2, torch.ones(3, 4, { dtype = f64 })):size():totable())
    check(torch.linalg.solve(S:float(), T({ 1, 2, 3 }, f32)), { -2.66666666667, 1.66666666667, 0 }, 1e-5, f32)
  end)

  it('solve errors', function()
    fails('[linalg.solve] The solver failed because the input matrix is singular.', torch.linalg.solve,
      torch.zeros(3, 3), torch.ones(3))
    fails('[linalg.solve] Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)', torch.linalg.solve,
      torch.eye(3), torch.ones(4))
    fails('[linalg.solve] Incompatible shapes of A and B for the equation XA = B (3x3 and 3x1)', torch.linalg.solve,
      torch.eye(3), torch.ones(3), { left = false })
    fails('[linalg.solve] expected A and B to have the same dtype, but found A of type float32 and B of type '
      .. 'float64 instead', torch.linalg.solve, torch.eye(3), torch.ones(3, { dtype = f64 }))
    fails("[linalg.solve] option 'left' must be a boolean, got number", torch.linalg.solve, torch.eye(3),
      torch.ones(3), { left = 1 })
  end)
end)

describe('linalg.cholesky', function()
  it('lower and upper factors', function()
    local L = { { 2, 0, 0 }, { 1, 2, 0 }, { 0.2, 0.4, 1.67332005307 } }
    check(torch.linalg.cholesky(P), L, 1e-10)
    check(torch.linalg.cholesky(P, { upper = true }), { { 2, 1, 0.2 }, { 0, 2, 0.4 }, { 0, 0, 1.67332005307 } }, 1e-10)
    check(torch.linalg.cholesky(P:float()), L, 1e-6, f32)
    check(torch.linalg.cholesky(P:expand(2, 3, 3))[2], L, 1e-10)
  end)

  it('reports matrices that are not positive-definite', function()
    fails('[linalg.cholesky] The factorization could not be completed because the input is not positive-definite '
      .. '(the leading minor of order 1 is not positive-definite).', torch.linalg.cholesky, -torch.eye(3))
    local two = torch.eye(3):expand(2, 3, 3):clone()
    two[2]:mul_(-1)
    fails('[linalg.cholesky] (Batch element 1): The factorization could not be completed because the input is '
      .. 'not positive-definite (the leading minor of order 1 is not positive-definite).', torch.linalg.cholesky, two)
  end)
end)

describe('linalg.qr', function()
  it('reduced, complete and r modes', function()
    local Q, R = torch.linalg.qr(M)
    check(Q:abs(), { { 0.169030850946, 0.897085227145 }, { 0.507092552837, 0.276026223737 },
      { 0.845154254729, 0.345032779671 } }, 1e-10)
    check(R:abs(), { { 5.9160797831, 7.43735744161 }, { 0, 0.828078671211 } }, 1e-10)
    assert.is_true(maxdiff(torch.mm(Q, R), M) < 1e-12)
    Q, R = torch.linalg.qr(M, 'complete')
    assert.are.same({ 3, 3 }, Q:size():totable())
    assert.are.same({ 3, 2 }, R:size():totable())
    assert.is_true(maxdiff(torch.mm(Q, R), M) < 1e-12)
    assert.is_true(maxdiff(torch.mm(Q:t(), Q), I3) < 1e-12)
    local Q2, R2 = torch.linalg.qr(M, { mode = 'r' })
    assert.are.same({ 0 }, Q2:size():totable())
    check(R2:abs(), { { 5.9160797831, 7.43735744161 }, { 0, 0.828078671211 } }, 1e-10)
    -- wide, batched, float32
    local W = torch.arange(10, { dtype = f32 }):reshape(2, 5) + torch.ones(2, 5)
    local Qw, Rw = torch.linalg.qr(W:expand(3, 2, 5))
    assert.are.same({ 3, 2, 2 }, Qw:size():totable())
    assert.are.same({ 3, 2, 5 }, Rw:size():totable())
    assert.is_true(maxdiff(torch.matmul(Qw, Rw), W:expand(3, 2, 5)) < 1e-4)
  end)

  it('empty inputs and bad modes', function()
    local Q, R = torch.linalg.qr(torch.zeros(3, 0), 'complete')
    check(Q, { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })
    assert.are.same({ 3, 0 }, R:size():totable())
    fails("[linalg.qr] qr received unrecognized mode 'foo' but expected one of 'reduced' (default), 'r', or "
      .. "'complete'", torch.linalg.qr, torch.zeros(3, 4), 'foo')
  end)
end)

describe('linalg.svd, svdvals', function()
  it('full and reduced', function()
    local U, S_, Vh = torch.linalg.svd(M)
    check(S_, { 9.52551809157, 0.514300580659 }, 1e-10)
    assert.are.same({ 3, 3 }, U:size():totable())
    check(U:abs(), { { 0.2298476964, 0.883461017699, 0.408248290464 }, { 0.52474481876, 0.240782492133, 0.816496580928 },
      { 0.819641941121, 0.401896033433, 0.408248290464 } }, 1e-9)
    check(Vh:abs(), { { 0.619629483829, 0.784894453267 }, { 0.784894453267, 0.619629483829 } }, 1e-9)
    local Ur, Sr, Vhr = torch.linalg.svd(M, false)
    assert.are.same({ 3, 2 }, Ur:size():totable())
    assert.is_true(maxdiff(torch.mm(Ur * Sr, Vhr), M) < 1e-12)
    Ur, Sr, Vhr = torch.linalg.svd(M, { full_matrices = false })
    assert.are.same({ 3, 2 }, Ur:size():totable())
    check(torch.linalg.svdvals(T({ N:tolist(), (N * 2):tolist() })),
      { { 5.46498570422, 0.365966190626 }, { 10.9299714084, 0.731932381253 } }, 1e-10)
    check(torch.linalg.svdvals(M:float()), { 9.52551809157, 0.514300580659 }, 1e-6, f32)
  end)

  it('torch.svd returns V and zero-filled factors without compute_uv', function()
    local U, S_, V = torch.svd(M)
    assert.are.same({ 3, 2 }, U:size():totable())
    check(V:abs(), { { 0.619629483829, 0.784894453267 }, { 0.784894453267, 0.619629483829 } }, 1e-9)
    assert.is_true(maxdiff(torch.mm(U * S_, V:t()), M) < 1e-12)
    U, S_, V = M:svd(true, false)
    check(U, { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } })
    check(V, { { 0, 0 }, { 0, 0 } })
    check(S_, { 9.52551809157, 0.514300580659 }, 1e-10)
  end)

  it('empty matrices', function()
    local U, S_, Vh = torch.linalg.svd(torch.zeros(3, 0))
    check(U, { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })
    assert.are.same({ 0 }, S_:size():totable())
    assert.are.same({ 0, 0 }, Vh:size():totable())
    fails('[linalg.svd] expected a floating point tensor as input, got int64', torch.linalg.svd,
      torch.zeros(3, 3, { dtype = torch.int64 }))
  end)
end)

describe('linalg.eigh, eigvalsh', function()
  it('eigenvalues ascending, eigenvectors as columns', function()
    local W, V = torch.linalg.eigh(P)
    check(W, { 2.25647222115, 2.9019712193, 6.84155655955 }, 1e-10)
    check(V:abs(), { { 0.592750686625, 0.558892400666, 0.579901636472 }, { 0.619636188652, 0.143493859971, 0.771660874908 },
      { 0.514487723098, 0.81673055326, 0.261253872991 } }, 1e-9)
    assert.is_true(maxdiff(torch.mm(V * W, V:t()), P) < 1e-12)
    local E = T({ { 2, 100 }, { 1, 3 } })
    check(torch.linalg.eigvalsh(E), { 1.38196601125, 3.61803398875 }, 1e-10)
    check(torch.linalg.eigvalsh(E, 'U'), { -97.5012499922, 102.501249992 }, 1e-10)
    check(torch.linalg.eigh(E, { UPLO = 'U' }), { -97.5012499922, 102.501249992 }, 1e-10)
    check(torch.linalg.eigvalsh(P:float()), { 2.25647222115, 2.9019712193, 6.84155655955 }, 1e-6, f32)
  end)

  it('eigh errors', function()
    fails('[linalg.eigh] A must be batches of square matrices, but they are 3 by 4 matrices', torch.linalg.eigh,
      torch.zeros(3, 4))
    fails("[linalg.eigh] Expected UPLO argument to be 'L' or 'U', but got X", torch.linalg.eigh, torch.zeros(3, 3), 'X')
  end)
end)

describe('linalg.lstsq', function()
  local A = T({ { 1, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 } })
  local B = T({ { 6, 1 }, { 5, 2 }, { 7, 2 }, { 10, 3 } })
  local X = { { 3.5, 0.5 }, { 1.4, 0.6 } }

  it('every driver', function()
    local x, res, rank, sv = torch.linalg.lstsq(A, B, { driver = 'gels' })
    check(x, X, 1e-10)
    check(res, { 4.2, 0.2 }, 1e-10)
    assert.are.same({ 0 }, rank:size():totable())
    assert.are.equal(torch.int64, rank.dtype)
    assert.are.same({ 0 }, sv:size():totable())
    x, res, rank, sv = torch.linalg.lstsq(A, B)
    check(x, X, 1e-10)
    assert.are.same({ 0 }, res:size():totable())
    check(rank, 2, 0, torch.int64)
    x, res, rank, sv = torch.linalg.lstsq(A, B, { driver = 'gelsd' })
    check(res, { 4.2, 0.2 }, 1e-10)
    check(sv, { 5.77937881323, 0.773809106397 }, 1e-10)
    x, res, rank, sv = torch.linalg.lstsq(A, B, nil, { driver = 'gelss' })
    check(x, X, 1e-10)
    check(sv, { 5.77937881323, 0.773809106397 }, 1e-10)
    check(torch.linalg.lstsq(A, T({ 6, 5, 7, 10 })), { 3.5, 1.4 }, 1e-10)
    check(torch.linalg.lstsq(A:float(), B:float()), X, 1e-5, f32)
  end)

  it('lstsq errors', function()
    fails('[linalg.lstsq] A and B must have the same number of rows, got shapes (5, 3) and (4, 2)',
      torch.linalg.lstsq, torch.zeros(5, 3), torch.zeros(4, 2))
    fails("[linalg.lstsq] parameter `driver` should be one of (gels, gelsy, gelsd, gelss), got 'foo'",
      torch.linalg.lstsq, torch.zeros(5, 3), torch.zeros(5, 2), { driver = 'foo' })
    fails('[linalg.lstsq] B must have as many dimensions as A, or one less (a vector right side), got shapes '
      .. '(5, 3) and (4, 5, 2)', torch.linalg.lstsq, torch.zeros(5, 3), torch.zeros(4, 5, 2))
  end)
end)

describe('linalg norms', function()
  local MN = T({ { 1, -2, 3 }, { -4, 5, -6 } })

  it('matrix_norm of every order', function()
    local want = { fro = 9.53939201417, nuc = 10.2809016364, [1] = 9, [-1] = 5, [2] = 9.5080320007,
      [-2] = 0.772869635673, [inf] = 15, [-inf] = 6 }
    for ord, v in pairs(want) do check(torch.linalg.matrix_norm(MN, ord), v, 1e-10) end
    check(torch.linalg.matrix_norm(MN), 9.53939201417, 1e-10)
    check(torch.linalg.matrix_norm(MN, 'inf'), 15)
    check(torch.linalg.matrix_norm(MN:float(), 'nuc'), 10.2809016364, 1e-6, f32)
    local T3 = torch.arange(24, { dtype = f64 }):reshape(2, 3, 4) - 11
    check(torch.linalg.matrix_norm(T3), { 22.4944437584, 25.495097568 }, 1e-10)
    check(torch.linalg.matrix_norm(T3, 2, { 1, 3 }), { 19.7126497988, 17.0314829172, 21.2990965686 }, 1e-10)
    check(torch.linalg.matrix_norm(T3, inf, { 3, 1 }, true), { { { 12 }, { 12 }, { 12 } } }, 1e-12)
    check(torch.linalg.matrix_norm(T3, { ord = inf, dim = { 3, 1 }, keepdim = true }), { { { 12 } , { 12 }, { 12 } } })
    local out = torch.zeros(1, { dtype = f64 })
    assert.are.equal(out, torch.linalg.matrix_norm(MN, 1, { out = out }))
    check(out, 9)
    check(torch.linalg.matrix_norm(MN:float(), { dtype = f64 }), 9.53939201417, 1e-6, f64)
  end)

  it('vector_norm of every order, over dims, keepdim, dtype', function()
    local want = { [2] = 9.53939201417, [1] = 21, [0] = 6, [3] = 7.61166261102, [0.5] = 117.328369794,
      [-1] = 0.408163265306, [inf] = 6, [-inf] = 1 }
    for ord, v in pairs(want) do check(torch.linalg.vector_norm(MN, ord), v, 1e-10) end
    check(torch.linalg.vector_norm(MN, 2, 2), { 3.74165738677, 8.77496438739 }, 1e-10)
    check(torch.linalg.vector_norm(MN, 1, 1, true), { { 5, 7, 9 } })
    check(torch.linalg.vector_norm(MN, 1, -2, true), { { 5, 7, 9 } })
    check(torch.linalg.vector_norm(MN, { ord = 1, dim = { 1, 2 } }), 21)
    check(torch.linalg.vector_norm(MN:float()), 9.53939201417, 1e-6, f32)
    check(torch.linalg.vector_norm(MN:float(), { dtype = f64 }), 9.53939201417, 1e-10, f64)
    check(torch.linalg.vector_norm(torch.ones(2, 3):half()), 2.4492, 1e-4, torch.float16)
    check(torch.linalg.vector_norm(torch.tensor(3.5), 2, 1), 3.5)
    check(torch.linalg.vector_norm(MN:t()), 9.53939201417, 1e-10)
    check(torch.linalg.vector_norm(torch.zeros(0)), 0)
    local big = torch.ones(1048576) * 2
    check(torch.linalg.vector_norm(big, 1), 2 * 1048576, 1e-9)
    check(torch.linalg.vector_norm(big, inf), 2)
    -- down the columns of a wide matrix (rows side by side in memory), and NaN propagation
    local wide = torch.ones(3, 600, { dtype = f64 })
    local n = torch.linalg.vector_norm(wide, 2, 1)
    assert.are.same({ 600 }, n:size():totable())
    assert.is_true(maxdiff(n, torch.ones(600, { dtype = f64 }) * math.sqrt(3)) < 1e-12)
    check(torch.linalg.vector_norm(wide, -inf, 1):narrow(1, 1, 2), { 1, 1 })
    check(torch.linalg.vector_norm(T({ 1, nan, 2 })), nan)
    check(torch.linalg.vector_norm(T({ 1, nan, 2 }), inf), nan)
    check(torch.linalg.vector_norm(T({ 1, nan, 2 }), -inf), nan)
  end)

  it('linalg.norm picks a vector or a matrix norm', function()
    local T3 = torch.arange(24, { dtype = f64 }):reshape(2, 3, 4) - 11
    check(torch.linalg.norm(T3), 34)
    check(torch.linalg.norm(MN, 'nuc'), 10.2809016364, 1e-10)
    check(torch.linalg.norm(MN, 2), 9.5080320007, 1e-10)
    check(torch.linalg.norm(T3, 1, { 2 }), { { 21, 18, 15, 12 }, { 15, 18, 21, 24 } })
    check(torch.linalg.norm(T({ 3, 4 }), 1), 7)
    assert.are.equal('[linalg.norm] If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.',
      message(torch.linalg.norm, T3, 2))
  end)

  it('norm errors', function()
    fails('[linalg.matrix_norm] Order 3 not supported.', torch.linalg.matrix_norm, torch.zeros(3, 3), 3)
    fails('[linalg.matrix_norm] Order foo not supported.', torch.linalg.matrix_norm, torch.zeros(3, 3), 'foo')
    fails('[linalg.matrix_norm] The input tensor A must have at least 2 dimensions.', torch.linalg.matrix_norm,
      torch.zeros(3))
    fails('[linalg.matrix_norm] dims must be different. Got (2, 2)', torch.linalg.matrix_norm, torch.zeros(3, 3),
      'fro', { 2, 2 })
    fails('[linalg.vector_norm] cannot compute the inf norm on an empty tensor because the operation does not '
      .. 'have an identity', torch.linalg.vector_norm, torch.zeros(0), inf)
    fails('[linalg.vector_norm] dim 1 appears multiple times in the list of dims', torch.linalg.vector_norm,
      torch.zeros(3, 4), 2, { 1, 1 })
    fails('[linalg.vector_norm] dimension out of range (expected to be in range of [-2, 2], but got 3)',
      torch.linalg.vector_norm, torch.zeros(3, 4), 2, 3)
    fails('[linalg.vector_norm] expected a floating point tensor as input, got int64', torch.linalg.vector_norm,
      torch.zeros(3, 4, { dtype = torch.int64 }))
    fails('[linalg.vector_norm] the dtype of the input (float32) should be convertible without narrowing to the '
      .. 'specified dtype (float16)', torch.linalg.vector_norm, torch.zeros(3, 4), { dtype = torch.float16 })
    fails("[linalg.vector_norm] unknown option 'foo'", torch.linalg.vector_norm, torch.zeros(3), { foo = 1 })
  end)
end)

describe('multi_dot, matrix_power', function()
  it('chains products', function()
    check(torch.linalg.multi_dot({ T({ 1, 2 }), N, N, T({ 1, -1 }) }), -17)
    check(torch.linalg.matrix_power(N, 3), { { 37, 54 }, { 81, 118 } })
    check(torch.linalg.matrix_power(N, -2), { { 5.5, -2.5 }, { -3.75, 1.75 } }, 1e-10)
    check(torch.linalg.matrix_power(N, 0), { { 1, 0 }, { 0, 1 } })
    check(N:matrix_power(1), { { 1, 2 }, { 3, 4 } })
  end)
end)

describe('tensordot, trace', function()
  it('tensordot by a count of dims or by dim lists', function()
    local a = torch.arange(24, { dtype = f32 }):reshape(2, 3, 4)
    local b = torch.arange(12, { dtype = f32 }):reshape(4, 3)
    check(torch.tensordot(a, b, { { 2, 3 }, { 2, 1 } }), { 440, 1232 }, 0, f32)
    check(torch.tensordot(a, b, { { -2, -1 }, { -1, 1 } }), { 440, 1232 }, 0, f32)
    local x = torch.arange(6, { dtype = f32 }):reshape(2, 3)
    check(torch.tensordot(x, torch.arange(6, { dtype = f32 }):reshape(3, 2), 1), { { 10, 13 }, { 28, 40 } })
    check(torch.tensordot(x, x), 55)
    check(torch.tensordot(torch.arange(2, { dtype = f32 }), torch.arange(3, { dtype = f32 }), 0),
      { { 0, 0, 0 }, { 0, 1, 2 } })
    assert.are.equal('[tensordot] contracted dims must match: dim 2 of a has size 3, dim 1 of b has size 4',
      message(torch.tensordot, a, b, { { 2 }, { 1 } }))
    assert.are.equal('[tensordot] dims must be an integer in [0, 2], got 3', message(torch.tensordot, x, x, 3))
  end)

  it('trace', function()
    check(torch.trace(torch.arange(9, { dtype = torch.int32 }):reshape(3, 3)), 12, 0, torch.int64)
    check(torch.ones(2, 3):trace(), 2, 0, f32)
    assert.are.equal('[trace] expected a matrix, but got a tensor with 1 dims', message(torch.trace, torch.ones(3)))
  end)
end)
