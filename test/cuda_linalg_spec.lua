-- CUDA matrix products and linear algebra (lib/THC/THCBlas.c, THCLinalg.c, THCLinalg.cu):
-- every op of THOps.def's LINALG rows run on CUDA and on the CPU with the same inputs, and the
-- results compared: float32 within 1e-4 (relative to the largest value; TF32 is off by
-- default), float64 within 1e-10, float16/bfloat16 within 1e-2, integers exactly.  Operands
-- come transposed, narrowed, expanded and batch-broadcast; decompositions whose factors are
-- unique only up to signs are compared by their values and by reconstruction.  Errors must
-- read as on the CPU.
--
-- Without a GPU the whole file is one pending test that says why.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err
local unpack = table.unpack or unpack

local available, reason = torch.cuda.is_available()
if not available then
  describe('CUDA linear algebra', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local f32, f64, f16, bf16 = torch.float32, torch.float64, torch.float16, torch.bfloat16
local inf = math.huge
local TOL = { [f32] = 1e-4, [f64] = 1e-10, [f16] = 1e-2, [bf16] = 2e-2 }

-- ---------------------------------------------------------------------------- helpers

local function randn(dtype, ...)
  return torch.randn({ ... }, { dtype = f64 }):to(dtype)
end

local function largest(t)
  if t:numel() == 0 then return 0 end
  return t:double():abs():max():item()
end

-- g (from CUDA) and w (from the CPU) have one shape and dtype, and agree within tol relative
-- to the largest |w| (NaN where w has NaN)
local function agree(g, w, tol)
  assert.is_true(g.is_cuda, 'expected a CUDA result')
  assert.are.same(w:size():totable(), g:size():totable(), 'shape')
  assert.are.equal(w.dtype, g.dtype, 'dtype')
  local gc = g:cpu():double()
  local wd = w:double()
  if w:numel() == 0 then return end
  local nan_w, nan_g = wd:ne(wd), gc:ne(gc)
  assert.is_true(torch.equal(nan_w, nan_g), 'NaNs in different places')
  local diff = largest((gc - wd):masked_fill(nan_w, 0))
  local scale = math.max(1, largest(wd:masked_fill(nan_w, 0)))
  tol = tol or TOL[w.dtype]
  if diff > tol * scale then
    error(string.format('CUDA and CPU differ by %.3g (scale %.3g, tolerance %.3g)', diff, scale, tol), 2)
  end
end

-- integers and other exact results
local function same(g, w)
  assert.is_true(g.is_cuda, 'expected a CUDA result')
  assert.are.equal(w.dtype, g.dtype)
  assert.is_true(torch.equal(g:cpu(), w), 'CUDA and CPU results differ')
end

-- f(...) on CPU tensors and on their CUDA copies; every result compared
local function both(f, tol, ...)
  local cpu_args, gpu_args = { ... }, {}
  for i, a in ipairs(cpu_args) do
    gpu_args[i] = torch.is_tensor(a) and a:cuda() or a
  end
  local want = { f(unpack(cpu_args)) }
  local got = { f(unpack(gpu_args)) }
  assert.are.equal(#want, #got)
  for i = 1, #want do agree(got[i], want[i], tol) end
  return got, want
end

-- the CPU's and CUDA's error messages for f on the same inputs are the same text
local function same_error(f, ...)
  local cpu_args, gpu_args = { ... }, {}
  for i, a in ipairs(cpu_args) do
    gpu_args[i] = torch.is_tensor(a) and a:cuda() or a
  end
  local want = err(f, unpack(cpu_args))
  assert.are.equal(want, err(f, unpack(gpu_args)))
  return want
end

-- well-conditioned square matrices (B, n, n) and symmetric positive-definite ones
local function conditioned(dtype, b, n)
  return (randn(f64, b, n, n) + torch.eye(n, { dtype = f64 }) * n):to(dtype)
end
local function spd(dtype, b, n)
  local x = randn(f64, b, n, n)
  return (torch.matmul(x, x:transpose(-1, -2)) + torch.eye(n, { dtype = f64 }) * n):to(dtype)
end

torch.manual_seed(20240607)

-- ---------------------------------------------------------------------------- products

describe('CUDA matrix products', function()
  it('keeps TF32 off by default', function()
    local core = require 'torch.cuda_core'
    assert.is_false(core.allow_tf32_get())
    core.allow_tf32_set(true)
    assert.is_true(core.allow_tf32_get())
    core.allow_tf32_set(false)
    assert.is_false(core.allow_tf32_get())
    -- full float32 precision: TF32 (10-bit mantissas) would be off by about 1e-3
    local a, b = randn(f32, 256, 256), randn(f32, 256, 256)
    local ref = torch.mm(a:double(), b:double())
    local got = torch.mm(a:cuda(), b:cuda()):cpu():double()
    assert.is_true(largest(got - ref) <= 2e-5 * largest(ref))
  end)

  it('mm in every floating dtype, contiguous, transposed, narrowed', function()
    for _, dt in ipairs({ f32, f64, f16, bf16 }) do
      local a, b = randn(dt, 33, 17), randn(dt, 17, 29)
      both(torch.mm, nil, a, b)
      both(torch.mm, nil, a:t():contiguous():t(), b)
      both(torch.mm, nil, a, b:t():contiguous():t())
      both(torch.mm, nil, b:t(), a:t())
      both(function(x, y) return torch.mm(x:narrow(1, 3, 20):narrow(2, 2, 9), y:narrow(1, 4, 9)) end, nil,
        randn(dt, 40, 30), randn(dt, 20, 11))
      -- no unit stride: copied before cuBLAS sees it
      both(function(x, y) return torch.mm(x:as_strided({ 5, 4 }, { 8, 2 }), y) end, nil, randn(dt, 48), b:narrow(1, 1, 4))
    end
  end)

  it('mm of integer dtypes, wrapping like the CPU', function()
    for _, dt in ipairs({ torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64 }) do
      local a = (torch.rand(19, 23, { dtype = f64 }) * 100):floor():to(dt)
      local b = (torch.rand(23, 7, { dtype = f64 }) * 100):floor():to(dt)
      same(torch.mm(a:cuda(), b:cuda()), torch.mm(a, b))
      same(torch.mm(a:t():cuda():t(), b:cuda()), torch.mm(a:t():contiguous():t(), b))
    end
    same(torch.bmm(torch.ones(3, 2, 4, { dtype = torch.int64 }):cuda(), torch.ones(3, 4, 5, { dtype = torch.int64 }):cuda()),
      torch.bmm(torch.ones(3, 2, 4, { dtype = torch.int64 }), torch.ones(3, 4, 5, { dtype = torch.int64 })))
  end)

  it('writes into out=, in place and through non-contiguous results', function()
    local a, b = randn(f32, 6, 5), randn(f32, 5, 4)
    local out = torch.zeros(6, 4, { device = 'cuda' })
    assert.are.equal(out, torch.mm(a:cuda(), b:cuda(), { out = out }))
    agree(out, torch.mm(a, b))
    local tr = torch.zeros(4, 6, { device = 'cuda' }):t()
    torch.mm(a:cuda(), b:cuda(), { out = tr })
    agree(tr, torch.mm(a, b))
    local strided = torch.zeros(6, 8, { device = 'cuda' }):narrow(2, 2, 4)
    torch.mm(a:cuda(), b:cuda(), { out = strided })
    agree(strided, torch.mm(a, b))
  end)

  it('bmm and matmul with batches that are strided, expanded and broadcast', function()
    for _, dt in ipairs({ f32, f64, f16 }) do
      both(torch.bmm, nil, randn(dt, 4, 3, 5), randn(dt, 4, 5, 2))
      both(torch.bmm, nil, randn(dt, 4, 5, 3):transpose(2, 3), randn(dt, 2, 5, 4):permute(3, 2, 1))
      both(function(x, y) return torch.bmm(x:expand(4, 3, 5), y) end, nil, randn(dt, 1, 3, 5), randn(dt, 4, 5, 2))
      both(torch.matmul, nil, randn(dt, 2, 1, 4, 5), randn(dt, 3, 5, 6))
      both(torch.matmul, nil, randn(dt, 3, 4, 5), randn(dt, 5, 6))
      both(torch.matmul, nil, randn(dt, 5), randn(dt, 2, 5, 3))
      both(torch.matmul, nil, randn(dt, 2, 3, 5), randn(dt, 5))
      both(torch.matmul, nil, randn(dt, 5), randn(dt, 5))
      both(torch.matmul, nil, randn(dt, 4, 5), randn(dt, 5))
      both(torch.matmul, nil, randn(dt, 5), randn(dt, 5, 4))
    end
    -- a batch of many small matrices
    both(torch.bmm, nil, randn(f32, 300, 3, 3), randn(f32, 300, 3, 3))
  end)

  it('mv, dot and vdot, strided', function()
    for _, dt in ipairs({ f32, f64, bf16 }) do
      both(torch.mv, nil, randn(dt, 7, 9), randn(dt, 9))
      both(torch.mv, nil, randn(dt, 9, 7):t(), randn(dt, 18):as_strided({ 9 }, { 2 }))
      both(torch.dot, nil, randn(dt, 1000), randn(dt, 1000))
      both(torch.vdot, nil, randn(dt, 31):as_strided({ 10 }, { 3 }), randn(dt, 10))
      both(function(x) return torch.dot(x:expand(6), x:expand(6)) end, nil, randn(dt, 1))
    end
    same(torch.dot(torch.arange(5, { dtype = torch.int32 }):cuda(), torch.arange(5, { dtype = torch.int32 }):cuda()),
      torch.dot(torch.arange(5, { dtype = torch.int32 }), torch.arange(5, { dtype = torch.int32 })))
  end)

  it('addmm, addmv, baddbmm, addbmm with alpha, beta, broadcast self and in place', function()
    for _, dt in ipairs({ f32, f64, f16 }) do
      local m1, m2 = randn(dt, 4, 6), randn(dt, 6, 3)
      both(torch.addmm, nil, randn(dt, 3), m1, m2)
      both(function(s, x, y) return torch.addmm(s, x, y, { beta = 0.5, alpha = -2 }) end, nil, randn(dt, 4, 3), m1, m2)
      both(torch.addmv, nil, randn(dt, 4), m1, randn(dt, 6))
      both(function(s, x, y) return torch.addmv(s, x, y, { beta = 2, alpha = 0.25 }) end, nil, randn(dt, 1), m1, randn(dt, 6))
      both(function(s, x, y) return torch.baddbmm(s, x, y, { beta = 0.5 }) end, nil, randn(dt, 2, 4, 3),
        randn(dt, 2, 4, 6), randn(dt, 2, 6, 3))
      both(function(s, x, y) return torch.addbmm(s, x, y, { alpha = 3 }) end, nil, randn(dt, 4, 3),
        randn(dt, 5, 4, 6), randn(dt, 5, 6, 3))
      both(function(s, x, y) return s:clone():addmm_(x, y, { alpha = 2 }) end, nil, randn(dt, 4, 3), m1, m2)
      both(function(s, x, y) return s:clone():baddbmm_(x, y) end, nil, randn(dt, 2, 4, 3), randn(dt, 2, 4, 6),
        randn(dt, 2, 6, 3))
    end
    same(torch.addmm(torch.ones(2, 2, { dtype = torch.int64 }):cuda(), torch.ones(2, 3, { dtype = torch.int64 }):cuda(),
      torch.ones(3, 2, { dtype = torch.int64 }):cuda(), { beta = 3, alpha = 2 }),
      torch.addmm(torch.ones(2, 2, { dtype = torch.int64 }), torch.ones(2, 3, { dtype = torch.int64 }),
        torch.ones(3, 2, { dtype = torch.int64 }), { beta = 3, alpha = 2 }))
  end)

  it('ignores self when beta is 0 (NaN does not leak)', function()
    local nan = torch.full({ 2, 2 }, 0 / 0, { dtype = f32 })
    local got = torch.addmm(nan:cuda(), torch.ones(2, 3):cuda(), torch.ones(3, 2):cuda(), { beta = 0 })
    same(got, torch.full({ 2, 2 }, 3, { dtype = f32 }))
  end)

  it('empty products and an empty inner dimension', function()
    both(torch.mm, nil, randn(f32, 0, 3), randn(f32, 3, 2))
    both(torch.mm, nil, randn(f32, 2, 0), randn(f32, 0, 3))
    both(torch.bmm, nil, randn(f32, 0, 2, 3), randn(f32, 0, 3, 2))
    both(function(s, x, y) return torch.addmm(s, x, y, { beta = 2 }) end, nil, randn(f32, 2, 3), randn(f32, 2, 0),
      randn(f32, 0, 3))
    both(function(s, x, y) return torch.addmm(s, x, y, { beta = 2 }) end, nil, randn(f16, 2, 3), randn(f16, 2, 0),
      randn(f16, 0, 3))
    both(torch.dot, nil, randn(f64, 0), randn(f64, 0))
  end)

  it('a large sgemm agrees with the CPU', function()
    both(torch.mm, nil, randn(f32, 512, 384), randn(f32, 384, 640))
  end)

  it('rejects mixed devices, naming both', function()
    assert.are.equal('[mm] expected all tensors to be on the same device, but found at least two devices, '
      .. 'cpu and cuda:0', err(torch.mm, torch.ones(2, 2), torch.ones(2, 2):cuda()))
    assert.are.equal('[matmul] expected all tensors to be on the same device, but found at least two devices, '
      .. 'cuda:0 and cpu', err(torch.matmul, torch.ones(2, 2):cuda(), torch.ones(2, 2)))
    assert.are.equal('[addmm] expected all tensors to be on the same device, but found at least two devices, '
      .. 'cuda:0 and cpu', err(torch.addmm, torch.ones(2, 2), torch.ones(2, 2):cuda(), torch.ones(2, 2):cuda()))
  end)

  it('gives the CPU messages for bad shapes and dtypes', function()
    same_error(torch.mm, torch.ones(3, 4), torch.ones(5, 6))
    same_error(torch.bmm, torch.ones(2, 3, 4), torch.ones(3, 4, 5))
    same_error(torch.mm, torch.ones(2, 2, { dtype = torch.bool }), torch.ones(2, 2, { dtype = torch.bool }))
    same_error(torch.dot, torch.ones(3), torch.ones(4))
  end)
end)

-- ---------------------------------------------------------------------------- autograd

describe('CUDA products under autograd', function()
  -- loss = sum(f(...)^2): gradients on CUDA equal the CPU's
  local function grads_agree(f, ...)
    local inputs = { ... }
    local ci, gi = {}, {}
    for i, x in ipairs(inputs) do
      ci[i] = x:detach():clone():requires_grad_()
      gi[i] = x:detach():cuda():requires_grad_()
    end
    local yc, yg = f(unpack(ci)), f(unpack(gi))
    agree(yg, yc)
    local lc, lg = (yc * yc):sum(), (yg * yg):sum()
    lc:backward()
    lg:backward()
    for i = 1, #inputs do
      assert.is_true(gi[i].grad.is_cuda)
      agree(gi[i].grad, ci[i].grad)
    end
  end

  it('mm, bmm and matmul', function()
    for _, dt in ipairs({ f32, f64 }) do
      grads_agree(torch.mm, randn(dt, 5, 4), randn(dt, 4, 3))
      grads_agree(torch.bmm, randn(dt, 3, 5, 4), randn(dt, 3, 4, 2))
      grads_agree(torch.matmul, randn(dt, 2, 1, 5, 4), randn(dt, 3, 4, 2))
      grads_agree(torch.matmul, randn(dt, 3, 5, 4), randn(dt, 4, 2))
      grads_agree(torch.matmul, randn(dt, 4), randn(dt, 4, 2))
      grads_agree(torch.matmul, randn(dt, 4), randn(dt, 4))
      grads_agree(function(s, x, y) return torch.addmm(s, x, y, { beta = 0.5, alpha = 2 }) end, randn(dt, 3),
        randn(dt, 5, 4), randn(dt, 4, 3))
    end
  end)

  it('decompositions', function()
    grads_agree(torch.linalg.inv, conditioned(f64, 2, 4))
    grads_agree(torch.linalg.det, conditioned(f64, 2, 3))
    grads_agree(torch.linalg.solve, conditioned(f64, 1, 3), randn(f64, 3, 2))
    grads_agree(torch.linalg.cholesky, spd(f64, 1, 4))
    grads_agree(function(x) return torch.linalg.vector_norm(x, 3, 2) end, randn(f64, 4, 5))
  end)
end)

-- ---------------------------------------------------------------------------- decompositions

describe('CUDA linalg decompositions', function()
  local function max_error(x, y) return largest(x:cpu():double() - y:cpu():double()) end

  it('inv, det and slogdet, batched and transposed', function()
    for _, dt in ipairs({ f32, f64 }) do
      local a = conditioned(dt, 3, 5)
      both(torch.linalg.inv, nil, a)
      both(torch.linalg.inv, nil, a[1]:t())
      both(torch.linalg.det, nil, a)
      both(torch.linalg.slogdet, nil, a)
      both(torch.linalg.det, nil, a:transpose(2, 3))
      both(torch.linalg.det, nil, torch.zeros(0, 0, { dtype = dt }))
    end
    -- singular: det 0, slogdet (0, -inf)
    local s = torch.tensor({ { 1, 2 }, { 2, 4 } }, { dtype = f64 })
    assert.are.equal(0, torch.linalg.det(s:cuda()):item())
    local sign, logabs = torch.linalg.slogdet(s:cuda())
    assert.are.equal(0, sign:item())
    assert.are.equal(-inf, logabs:item())
    local r = torch.linalg.inv(conditioned(f64, 1, 3)[1]:cuda())
    assert.are.same({ 1, 3 }, r:stride()) -- column-major, as on the CPU
    both(torch.linalg.inv, nil, conditioned(f16, 1, 3)[1])
  end)

  it('solve: vectors, matrices, from the right, broadcast', function()
    for _, dt in ipairs({ f32, f64 }) do
      local a = conditioned(dt, 2, 4)
      both(torch.linalg.solve, nil, a, randn(dt, 4))
      both(torch.linalg.solve, nil, a, randn(dt, 2, 4, 3))
      both(torch.linalg.solve, nil, a[1], randn(dt, 3, 4, 2))
      both(function(x, y) return torch.linalg.solve(x, y, { left = false }) end, nil, a, randn(dt, 2, 3, 4))
    end
  end)

  it('cholesky, lower and upper', function()
    for _, dt in ipairs({ f32, f64 }) do
      local p = spd(dt, 3, 6)
      both(torch.linalg.cholesky, nil, p)
      both(function(x) return torch.linalg.cholesky(x, { upper = true }) end, nil, p)
    end
  end)

  it('qr: reduced, complete, r; tall and wide', function()
    for _, dt in ipairs({ f32, f64 }) do
      local tol = TOL[dt] * 10
      for _, shape in ipairs({ { 2, 6, 4 }, { 2, 4, 6 }, { 5, 5 } }) do
        local a = randn(dt, unpack(shape))
        for _, mode in ipairs({ 'reduced', 'complete' }) do
          local Q, R = torch.linalg.qr(a:cuda(), mode)
          local Qc, Rc = torch.linalg.qr(a, mode)
          assert.are.same(Qc:size():totable(), Q:size():totable())
          assert.are.same(Rc:size():totable(), R:size():totable())
          agree(R:abs(), Rc:abs(), tol)
          assert.is_true(max_error(torch.matmul(Q, R), a) <= tol * math.max(1, largest(a)))
          local I = torch.eye(Q:size(-1), { dtype = dt })
          assert.is_true(max_error(torch.matmul(Q:transpose(-1, -2), Q), I:expand(Q:size(-1), Q:size(-1))) <= tol)
        end
        local Q2, R2 = torch.linalg.qr(a:cuda(), 'r')
        assert.are.same({ 0 }, Q2:size():totable())
        agree(R2:abs(), select(2, torch.linalg.qr(a, 'r')):abs(), tol)
      end
    end
    local Q, R = torch.linalg.qr(torch.zeros(3, 0):cuda(), 'complete')
    same(Q, torch.eye(3))
    assert.are.same({ 3, 0 }, R:size():totable())
  end)

  it('svd and svdvals: tall, wide, full and reduced', function()
    for _, dt in ipairs({ f32, f64 }) do
      local tol = TOL[dt] * 10
      for _, shape in ipairs({ { 6, 4 }, { 4, 6 }, { 2, 5, 3 }, { 2, 3, 5 } }) do
        local a = randn(dt, unpack(shape))
        for _, full in ipairs({ true, false }) do
          local U, S, Vh = torch.linalg.svd(a:cuda(), full)
          local Uc, Sc, Vhc = torch.linalg.svd(a, full)
          assert.are.same(Uc:size():totable(), U:size():totable())
          assert.are.same(Vhc:size():totable(), Vh:size():totable())
          agree(S, Sc, tol)
          local k = S:size(-1)
          local Uk, Vhk = U:narrow(-1, 1, k), Vh:narrow(-2, 1, k)
          assert.is_true(max_error(torch.matmul(Uk * S:unsqueeze(-2), Vhk), a) <= tol * math.max(1, largest(a)))
          local m = U:size(-1)
          assert.is_true(max_error(torch.matmul(U:transpose(-1, -2), U), torch.eye(m, { dtype = dt }):expand(m, m)) <= tol)
        end
        agree(torch.linalg.svdvals(a:cuda()), torch.linalg.svdvals(a), tol)
      end
    end
    local U, S, Vh = torch.linalg.svd(torch.zeros(3, 0):cuda())
    same(U, torch.eye(3))
    assert.are.same({ 0 }, S:size():totable())
    assert.are.same({ 0, 0 }, Vh:size():totable())
  end)

  it('eigh and eigvalsh, lower and upper', function()
    for _, dt in ipairs({ f32, f64 }) do
      local tol = TOL[dt] * 10
      local p = spd(dt, 2, 5)
      for _, uplo in ipairs({ 'L', 'U' }) do
        local W, V = torch.linalg.eigh(p:cuda(), uplo)
        agree(W, torch.linalg.eigh(p, uplo), tol)
        local back = torch.matmul(V * W:unsqueeze(-2), V:transpose(-1, -2))
        assert.is_true(max_error(back, p) <= tol * largest(p))
        agree(torch.linalg.eigvalsh(p:cuda(), uplo), torch.linalg.eigvalsh(p, uplo), tol)
      end
    end
  end)

  it('lstsq: gels on the device (the CUDA default), the other drivers as on the CPU', function()
    for _, dt in ipairs({ f32, f64 }) do
      local tol = TOL[dt] * 10
      local a, b = randn(dt, 2, 7, 3), randn(dt, 2, 7, 2)
      local x, res, rank, sv = torch.linalg.lstsq(a:cuda(), b:cuda())
      local xc, resc = torch.linalg.lstsq(a, b, { driver = 'gels' })
      agree(x, xc, tol)
      agree(res, resc, tol)
      assert.are.same({ 0 }, rank:size():totable())
      assert.are.same({ 0 }, sv:size():totable())
      agree(torch.linalg.lstsq(a[1]:cuda(), b[1][{ {}, 1 }]:cuda()), torch.linalg.lstsq(a[1], b[1][{ {}, 1 }],
        { driver = 'gels' }), tol)
      for _, driver in ipairs({ 'gels', 'gelsy', 'gelsd', 'gelss' }) do
        local got = { torch.linalg.lstsq(a:cuda(), b:cuda(), { driver = driver }) }
        local want = { torch.linalg.lstsq(a, b, { driver = driver }) }
        for i = 1, 4 do
          if want[i].dtype == torch.int64 then same(got[i], want[i]) else agree(got[i], want[i], tol) end
        end
      end
      -- underdetermined: the minimum-norm solution
      local wide, rhs = randn(dt, 3, 6), randn(dt, 3, 2)
      agree(torch.linalg.lstsq(wide:cuda(), rhs:cuda()), torch.linalg.lstsq(wide, rhs, { driver = 'gels' }), tol)
    end
  end)

  it('vector_norm of every order, over dims, long rows and many rows', function()
    local x = randn(f32, 3, 4, 5)
    for _, ord in ipairs({ 2, 1, 0, 3, 0.5, -1, inf, -inf }) do
      both(function(t) return torch.linalg.vector_norm(t, ord) end, nil, x)
      both(function(t) return torch.linalg.vector_norm(t, ord, 2) end, nil, x)
      both(function(t) return torch.linalg.vector_norm(t, { ord = ord, dim = { 1, 3 }, keepdim = true }) end, nil,
        x:double())
    end
    both(function(t) return torch.linalg.vector_norm(t, 2, 2) end, nil, randn(f32, 3, 300000))
    both(function(t) return torch.linalg.vector_norm(t) end, nil, randn(f32, 2 ^ 22))
    both(function(t) return torch.linalg.vector_norm(t, inf) end, nil, randn(f64, 2 ^ 21))
    both(function(t) return torch.linalg.vector_norm(t, 1, 1) end, nil, randn(f32, 5000, 700))
    both(function(t) return torch.linalg.vector_norm(t, 2, -1) end, nil, randn(f32, 100000, 3))
    both(function(t) return torch.linalg.vector_norm(t) end, nil, randn(f16, 64, 64))
    both(function(t) return torch.linalg.vector_norm(t, 2, 1) end, nil, torch.zeros(0, 4))
    both(function(t) return torch.linalg.vector_norm(t, inf) end, nil,
      torch.tensor({ 1, 0 / 0, 3 }, { dtype = f32 }))
    both(torch.linalg.matrix_norm, nil, randn(f64, 2, 4, 3))
    both(function(t) return torch.linalg.matrix_norm(t, 'nuc') end, nil, randn(f64, 4, 3))
  end)

  it('gives the CPU messages for singular and indefinite matrices', function()
    same_error(torch.linalg.inv, torch.zeros(3, 3))
    same_error(torch.linalg.inv, torch.zeros(2, 3, 3))
    same_error(torch.linalg.solve, torch.zeros(3, 3), torch.ones(3))
    same_error(torch.linalg.cholesky, -torch.eye(3))
    local two = torch.eye(3):expand(2, 3, 3):clone()
    two[2]:mul_(-1)
    assert.are.equal('[linalg.cholesky] (Batch element 1): The factorization could not be completed because the '
      .. 'input is not positive-definite (the leading minor of order 1 is not positive-definite).',
      same_error(torch.linalg.cholesky, two))
    -- gels: an exactly zero diagonal of R is an error; A == 0 is not (x = 0)
    same_error(torch.linalg.lstsq, torch.tensor({ { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 } }), torch.ones(4, 1),
      { driver = 'gels' })
    both(function(a, b) return torch.linalg.lstsq(a, b, { driver = 'gels' }) end, nil, torch.zeros(4, 2),
      torch.ones(4, 1))
    same_error(torch.linalg.inv, torch.zeros(2, 3))
    same_error(torch.linalg.eigh, torch.zeros(3, 4))
    assert.are.equal('[linalg.solve] expected A and B on the same device, but A is on cuda:0 and B on cpu',
      err(torch.linalg.solve, torch.eye(3):cuda(), torch.ones(3)))
  end)
end)
