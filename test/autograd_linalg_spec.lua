-- Autograd of the linear-algebra family (lib/TH/autograd/THDerivLinalg.c; recording in
-- THMatmul.c, THLinalg.c, THEinsum.c): gradients against literals computed with PyTorch 1.13
-- (/usr/bin/python3), node names, gradcheck and gradgradcheck in float64 on small inputs
-- (batched, broadcast, non-contiguous, 0-dim, empty), float32 gradients, the in-place forms on
-- non-leaves, the errors (out=, in-place on a leaf, qr modes without a derivative), and the
-- composites built on these ops (matmul, einsum, tensordot, trace, outer, multi_dot,
-- matrix_power, matrix_norm, torch.svd).
local torch = require 'torch'
local ag = torch.autograd
local L = torch.linalg
local f64 = torch.float64

-- ---------------------------------------------------------------------------- helpers

local H = dofile('test/spec_helpers.lua')
local flat, node_name = H.flat, H.node_name
-- values of t equal the (nested) table e within 1e-9 (relative above 1)
local close = H.close_to(1e-9)
local gc, ggc, both = H.gc, H.ggc, H.both

local function rnd(...) return torch.randn({ ... }, { dtype = f64, requires_grad = true }) end
local function t64(v) return torch.tensor(v, { dtype = f64 }) end
local function leaf(v) return torch.tensor(v, { dtype = f64, requires_grad = true }) end
local function eye(n) return torch.eye(n, { dtype = f64 }) end
-- a random matrix far from singular
local function wellcond(...)
  local s = { ... }
  local n = s[#s]
  return (torch.randn(s, { dtype = f64 }) + eye(n) * 4):requires_grad_()
end
-- gradients of fn(inputs) (a number-valued loss)
local function grads(fn, inputs)
  local ins = {}
  for i, v in ipairs(inputs) do ins[i] = leaf(v) end
  return ag.grad({ fn(unpack(ins)) }, ins)
end
local function check_grads(fn, inputs, expected)
  local g = grads(fn, inputs)
  for i, e in ipairs(expected) do close(g[i], e) end
end

torch.manual_seed(2024)

-- the inputs of the reference cases (the Python script used the same literals)
local A0 = { { 1, 2, 0.5 }, { 0.3, -1, 2 }, { 1.5, 0.2, 1 } }
local B0 = { { 0.5, -1 }, { 2, 0.1 }, { -0.3, 1.2 } }
local v0 = { 1, -2, 0.5 }
local W0 = t64({ { 1, -1 }, { 0.5, 2 }, { 3, 0.25 } })
local S0 = t64(A0):matmul(t64(A0):t()) + eye(3) -- symmetric positive definite

describe('autograd of linear algebra', function()
  -- -------------------------------------------------------------------------- products
  describe('products', function()
    it('mm: node, PyTorch values, first and second derivatives', function()
      local a, b = rnd(2, 3), rnd(3, 4)
      assert.are.equal('MmBackward0', node_name(a:mm(b)))
      check_grads(function(x, y) return (x:mm(y) * W0):sum() end, { A0, B0 }, {
        { { 1.5, 1.9, -1.5 }, { -1.75, 1.2, 2.25 }, { 1.25, 6.025, -0.5999999999999999 } },
        { { 5.65, -0.025000000000000022 }, { 2.1, -3.95 }, { 4.5, 3.75 } } })
      both(torch.mm, { a, b })
      both(function(x, y) return x:t():mm(y:t()) end, { rnd(3, 2), rnd(4, 3) }) -- non-contiguous
      local e, f = rnd(0, 3), rnd(3, 2) -- empty: zero gradients of the right shapes
      e:mm(f):sum():backward()
      assert.are.same({ 0, 3 }, e.grad:size():totable())
      close(f.grad, { { 0, 0 }, { 0, 0 }, { 0, 0 } })
    end)

    it('bmm, mv, dot, vdot', function()
      local a, b = rnd(2, 2, 3), rnd(2, 3, 4)
      assert.are.equal('BmmBackward0', node_name(a:bmm(b)))
      both(torch.bmm, { a, b })
      both(function(x, y) return x:transpose(2, 3):bmm(y) end, { rnd(2, 3, 2), rnd(2, 3, 2) })
      assert.are.equal('MvBackward0', node_name(torch.mv(rnd(2, 3), rnd(3))))
      check_grads(function(x, y) return (torch.mv(x, y) * t64(v0)):sum() end,
        { A0, { 0.2, 0.4, -1 } },
        { { { 0.2, 0.4, -1.0 }, { -0.4, -0.8, 2.0 }, { 0.1, 0.2, -0.5 } }, { 1.15, 4.1, -3.0 } })
      both(torch.mv, { rnd(2, 3), rnd(3) })
      both(function(x, y) return torch.mv(x:t(), y) end, { rnd(3, 2), rnd(3) })
      assert.are.equal('DotBackward0', node_name(torch.dot(rnd(3), rnd(3))))
      assert.are.equal('VdotBackward0', node_name(torch.vdot(rnd(3), rnd(3))))
      both(torch.dot, { rnd(3), rnd(3) })
      both(torch.vdot, { rnd(3), rnd(3) })
      check_grads(function(x, y) return torch.dot(x, y) end, { { 1, 2 }, { 3, -4 } }, { { 3, -4 }, { 1, 2 } })
    end)

    it('addmm, addmv, baddbmm, addbmm with beta and alpha, self broadcast', function()
      local s, a, b = rnd(3), rnd(2, 3), rnd(3, 3)
      local o = { beta = 0.5, alpha = 2 }
      assert.are.equal('AddmmBackward0', node_name(torch.addmm(s, a, b, o)))
      check_grads(function(x, y, z) return (torch.addmm(x, y, z, o) * W0):sum() end, { { 1, 2 }, A0, B0 }, {
        { 2.25, 0.625 },
        { { 3.0, 3.8, -3.0 }, { -3.5, 2.4, 4.5 }, { 2.5, 12.05, -1.1999999999999997 } },
        { { 11.3, -0.050000000000000044 }, { 4.2, -7.9 }, { 9.0, 7.5 } } })
      both(function(x, y, z) return torch.addmm(x, y, z, o) end, { s, a, b })
      both(function(x, y, z) return torch.addmm(x, y, z) end, { rnd(2, 3), rnd(2, 3), rnd(3, 3) })
      both(function(x, y, z) return torch.addmv(x, y, z, o) end, { rnd(1), rnd(2, 3), rnd(3) })
      both(function(x, y, z) return torch.baddbmm(x, y, z, o) end, { rnd(1, 2, 4), rnd(2, 2, 3), rnd(2, 3, 4) })
      both(function(x, y, z) return torch.addbmm(x, y, z, o) end, { rnd(2, 4), rnd(2, 2, 3), rnd(2, 3, 4) })
      assert.are.equal('AddmvBackward0', node_name(torch.addmv(rnd(2), rnd(2, 3), rnd(3))))
      assert.are.equal('BaddbmmBackward0', node_name(torch.baddbmm(rnd(2, 2, 4), rnd(2, 2, 3), rnd(2, 3, 4))))
      assert.are.equal('AddbmmBackward0', node_name(torch.addbmm(rnd(2, 4), rnd(2, 2, 3), rnd(2, 3, 4))))
      -- beta = 0: self gets a zero gradient
      local x = rnd(2, 2)
      torch.addmm(x, rnd(2, 2), rnd(2, 2), { beta = 0 }):sum():backward()
      close(x.grad, { { 0, 0 }, { 0, 0 } })
    end)

    it('in place on a non-leaf: addmm_, addmv_, baddbmm_, addbmm_', function()
      local o = { beta = 0.5, alpha = 2 }
      local y = rnd(2, 3):clone():addmm_(rnd(2, 3), rnd(3, 3), o)
      assert.are.equal('AddmmBackward0', node_name(y))
      both(function(s, a, b) return s:clone():addmm_(a, b, o) end, { rnd(2, 3), rnd(2, 3), rnd(3, 3) })
      both(function(s, a, b) return s:clone():addmv_(a, b, o) end, { rnd(2), rnd(2, 3), rnd(3) })
      both(function(s, a, b) return s:clone():baddbmm_(a, b, o) end, { rnd(2, 2, 4), rnd(2, 2, 3), rnd(2, 3, 4) })
      both(function(s, a, b) return s:clone():addbmm_(a, b, o) end, { rnd(2, 4), rnd(2, 2, 3), rnd(2, 3, 4) })
      -- a tensor without history written in place with inputs that require grad gets a node
      local t = torch.zeros(2, 2, { dtype = f64 })
      local a = rnd(2, 2)
      t:addmm_(a, eye(2))
      assert.are.equal('AddmmBackward0', node_name(t))
      t:sum():backward()
      close(a.grad, { { 1, 1 }, { 1, 1 } })
    end)

    it('float32 inputs give float32 gradients', function()
      local a = torch.randn(2, 3, { requires_grad = true })
      local b = torch.randn(3, 2, { requires_grad = true })
      torch.matmul(a, b):sum():backward()
      assert.are.equal(torch.float32, a.grad.dtype)
      assert.are.equal(torch.float32, b.grad.dtype)
      local m = torch.randn(3, 3, { requires_grad = true })
      L.inv(m + torch.eye(3) * 4):sum():backward()
      assert.are.equal(torch.float32, m.grad.dtype)
    end)

    it('refuses out= and in place on a leaf when grad is needed; no node without grad', function()
      local a, b = rnd(2, 2), rnd(2, 2)
      local out = torch.zeros(2, 2, { dtype = f64 })
      local msg = "functions with out=... arguments don't support automatic differentiation, but one "
        .. 'of the arguments requires grad.'
      for _, f in ipairs({ 'mm', 'matmul' }) do
        local ok, err = pcall(torch[f], a, b, { out = out })
        assert.is_false(ok)
        assert.are.equal('[' .. f .. '] ' .. msg, err:match('%[' .. f .. '%].*'))
      end
      local ok, err = pcall(L.inv, wellcond(2), { out = out })
      assert.is_false(ok)
      assert.is_truthy(err:find('[linalg.inv] ' .. msg, 1, true))
      ok, err = pcall(L.qr, a, { out = { torch.zeros(2, 2, { dtype = f64 }), torch.zeros(2, 2, { dtype = f64 }) } })
      assert.is_false(ok)
      assert.is_truthy(err:find('[linalg.qr] ' .. msg, 1, true))
      for _, f in ipairs({ function(o) return L.vector_norm(a, 2, nil, nil, { out = o }) end,
                           function(o) return L.matrix_norm(a, 'fro', nil, nil, { out = o }) end }) do
        local o = torch.zeros({}, { dtype = f64 })
        ok, err = pcall(f, o)
        assert.is_false(ok)
        assert.is_truthy(err:find(msg, 1, true))
        assert.are.equal(0, o:item())
      end
      close(out, { { 0, 0 }, { 0, 0 } })
      local before = flat(a)
      ok, err = pcall(function() a:addmm_(b, b) end)
      assert.is_false(ok)
      assert.is_truthy(err:find('[addmm_] a leaf Variable that requires grad is being used in an in-place operation.', 1, true))
      close(a, before)
      -- out= is fine when nothing requires grad, or under no_grad
      torch.mm(a:detach(), b:detach(), { out = out })
      torch.no_grad(function() torch.mm(a, b, { out = out }) end)
      assert.is_nil(out.grad_fn)
      local y = torch.no_grad(function() return a:mm(b) end)
      assert.is_nil(y.grad_fn)
      assert.is_false(y.requires_grad)
      assert.is_nil(torch.mm(a:detach(), b:detach()).grad_fn)
    end)
  end)

  -- -------------------------------------------------------------------------- matmul
  describe('matmul', function()
    it('is composed of dot, mv, mm and bmm with views, for every shape case', function()
      local cases = {
        { { 3 }, { 3 }, 'DotBackward0' },
        { { 2, 3 }, { 3 }, 'MvBackward0' },
        { { 3 }, { 3, 4 }, 'SqueezeBackward1' },
        { { 2, 3 }, { 3, 4 }, 'MmBackward0' },
        { { 2, 2, 3 }, { 3, 4 }, 'ViewBackward0' },
        { { 2, 2, 3 }, { 3 }, 'ViewBackward0' },
        { { 3 }, { 2, 3, 4 }, 'ViewBackward0' },
        { { 2, 3 }, { 2, 3, 4 }, 'ViewBackward0' },
        { { 1, 2, 3 }, { 2, 3, 2 }, 'ViewBackward0' },
        { { 2, 1, 2, 3 }, { 2, 3, 2 }, 'ViewBackward0' },
      }
      for _, c in ipairs(cases) do
        local a, b = rnd(unpack(c[1])), rnd(unpack(c[2]))
        assert.are.equal(c[3], node_name(torch.matmul(a, b)))
        both(torch.matmul, { a, b })
      end
    end)

    it('sums the gradient of a broadcast batch (PyTorch values)', function()
      local a = torch.arange(6, { dtype = f64 }):reshape(2, 1, 3) / 5
      check_grads(function(x, y) return (torch.matmul(x, y) ^ 2):sum() end, { a:tolist(), A0 }, {
        { { { 1.6400000000000001, 3.8360000000000003, 3.532 } }, { { 9.98, 11.804000000000002, 13.06 } } },
        { { 2.808, 0.7199999999999999, 3.4800000000000004 }, { 4.008, 0.9119999999999998, 4.960000000000001 },
          { 5.208, 1.1039999999999996, 6.440000000000001 } } })
    end)
  end)

  -- -------------------------------------------------------------------------- decompositions
  describe('decompositions', function()
    it('inv', function()
      local a = wellcond(3)
      assert.are.equal('LinalgInvExBackward0', node_name(L.inv(a)))
      check_grads(function(x) return (L.inv(x) * t64(A0)):sum() end, { A0 }, { {
        { -1.5570980900194324, 0.356830237565869, 0.9546576565536318 },
        { -0.6075261287442446, -0.05219183837817964, 0.43009576162882307 },
        { 1.5710071602387914, -0.5447427390977049, -1.609486878731115 } } })
      both(L.inv, { a })
      both(L.inv, { wellcond(2, 3, 3) })
      both(function(x) return L.inv(x:t()) end, { wellcond(3) })
      both(torch.inverse, { wellcond(2) })
    end)

    it('det, at invertible and at singular matrices', function()
      local a = wellcond(3)
      assert.are.equal('LinalgDetBackward0', node_name(L.det(a)))
      check_grads(L.det, { A0 }, { {
        { -1.4, 2.6999999999999997, 1.5599999999999996 }, { -1.8999999999999997, 0.25, 2.7999999999999994 },
        { 4.5, -1.8499999999999999, -1.6 } } })
      both(L.det, { a })
      both(L.det, { wellcond(2, 2, 2) })
      -- singular: the adjugate, and its derivative (PyTorch's create_graph values)
      local s = leaf({ { 1, 2 }, { 2, 4 } })
      local g = ag.grad({ L.det(s) }, { s }, { create_graph = true })[1]
      close(g, { { 4.000000000000001, -2.0000000000000004 }, { -2.000000000000001, 1.0000000000000007 } })
      local g2 = ag.grad({ (g * t64({ { 1, 2 }, { 3, 4 } })):sum() }, { s })[1]
      close(g2, { { 4.0, -3.0 }, { -2.0000000000000004, 1.0000000000000002 } })
      gc(L.det, { leaf({ { 1, 2, 3 }, { 2, 4, 6 }, { 0, 1, 5 } }) })
      -- a batch with one singular matrix
      local b = leaf({ { { 1, 2 }, { 2, 4 } }, { { 2, 1 }, { 0, 3 } } })
      L.det(b):sum():backward()
      close(b.grad, { { { 4, -2 }, { -2, 1 } }, { { 3, 0 }, { -1, 2 } } })
    end)

    it('slogdet: the sign carries no gradient', function()
      local a = wellcond(3)
      local sign, logabs = L.slogdet(a)
      assert.are.equal('LinalgSlogdetBackward0', node_name(logabs))
      assert.are.equal('LinalgSlogdetBackward0', node_name(sign))
      check_grads(function(x) local _, l = L.slogdet(x); return l end, { A0 }, { {
        { -0.2928870292887029, 0.5648535564853557, 0.3263598326359832 },
        { -0.39748953974895396, 0.05230125523012553, 0.5857740585774058 },
        { 0.9414225941422595, -0.3870292887029289, -0.3347280334728034 } } })
      both(function(x) local _, l = L.slogdet(x); return l end, { a })
      both(function(x) local _, l = L.slogdet(x); return l end, { wellcond(2, 2, 2) })
      local s = L.slogdet(a)
      local gs = ag.grad({ s:sum() }, { a }, { allow_unused = true })[1]
      assert.is_true(gs == nil or gs:abs():max():item() == 0)
    end)

    it('solve: matrix and vector right sides, broadcast batches, left = false', function()
      assert.are.equal('LinalgSolveExBackward0', node_name(L.solve(wellcond(3), rnd(3, 2))))
      check_grads(function(x, y) return (L.solve(x, y) * W0):sum() end, { A0, B0 }, {
        { { -0.8946096882057386, 1.0530234064529684, -0.3831252954255004 },
          { 0.7994104620017161, -0.033202543722974015, -1.5549228830027486 },
          { 2.17432074018312, -1.7135061973704944, -0.836666900089284 } },
        { { 0.9686192468619248, 1.50418410041841 }, { 1.3859832635983265, 0.6485355648535563 },
          { -0.2562761506276152, -1.799163179916318 } } })
      check_grads(function(x, y) return (L.solve(x, y) * t64(v0)):sum() end, { A0, { 1, 0, 2 } }, {
        { { 2.0024159240909647, -0.2634757794856532, -0.43210027835647147 },
          { 0.3326272299154426, -0.043766740778347704, -0.07177745487649026 },
          { -2.4614415013742756, 0.3238738817597731, 0.531153166086028 } },
        { -1.2594142259414225, -0.20920502092050203, 1.5481171548117154 } })
      both(L.solve, { wellcond(3), rnd(3, 2) })
      both(L.solve, { wellcond(3), rnd(3) })
      both(L.solve, { wellcond(2, 3, 3), rnd(3) })
      both(L.solve, { wellcond(3), rnd(2, 3, 2) })
      both(function(x, y) return L.solve(x, y, { left = false }) end, { wellcond(3), rnd(2, 3) })
    end)

    it('cholesky, lower and upper', function()
      local function spd(x) return x:matmul(x:t()) + eye(3) end
      assert.are.equal('LinalgCholeskyExBackward0', node_name(L.cholesky(spd(rnd(3, 3)))))
      check_grads(function(s) return (L.cholesky(s) * t64(A0)):sum() end, { S0:tolist() }, { {
        { 0.14628926131717743, 0.07894339456171572, 0.16289687206701756 },
        { 0.07894339456171573, -0.1633012993967235, -0.09696130232851238 },
        { 0.16289687206701758, -0.09696130232851238, 0.32875901581299233 } } })
      check_grads(function(s) return (L.cholesky(s, { upper = true }) * t64(A0)):sum() end, { S0:tolist() }, { {
        { 0.22766622759679966, 0.26076358395484395, 0.004008577620163704 },
        { 0.2607635839548439, -0.31709943839238036, 0.27010749725314975 },
        { 0.004008577620163714, 0.2701074972531497, 0.32875901581299233 } } })
      both(function(x) return L.cholesky(spd(x)) end, { rnd(3, 3) })
      both(function(x) return L.cholesky(spd(x), { upper = true }) end, { rnd(3, 3) })
    end)

    it('qr: reduced (tall and wide), complete when not tall; errors for r and tall complete', function()
      local function loss(x)
        local q, r = L.qr(x)
        return (q * torch.ones_like(q):cumsum(1)):sum() + (r * torch.ones_like(r):cumsum(2)):sum()
      end
      local x = rnd(3, 2)
      assert.are.equal('LinalgQrBackward0', node_name((L.qr(x))))
      check_grads(loss, { { { 1, 2 }, { 0.3, -1 }, { 1.5, 0.2 } } }, { {
        { -3.8776443281858253, 0.4816423028405048 }, { 1.9947460689759975, -1.2692197715571734 },
        { 0.9677692128288788, -2.504006498581844 } } })
      check_grads(loss, { { { 1, 2, 0.5 }, { 0.3, -1, 2 } } }, { {
        { 2.2979043448195515, -2.4903483415749936, -3.7355225123624907 },
        { -11.139783319035354, 1.340956799309612, 2.011435198964418 } } })
      both(L.qr, { rnd(3, 2) })
      both(L.qr, { rnd(2, 3) })
      both(L.qr, { rnd(2, 3, 3) })
      both(function(a) return L.qr(a, 'complete') end, { rnd(2, 3) })
      local _, r = L.qr(rnd(3, 2), 'r')
      local ok, err = pcall(function() r:sum():backward() end)
      assert.is_false(ok)
      assert.is_truthy(err:find("The derivative of linalg.qr depends on Q, which is not computed when "
        .. "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
        .. 'through linalg.qr.', 1, true))
      local q = L.qr(rnd(3, 2), 'complete')
      ok, err = pcall(function() q:sum():backward() end)
      assert.is_false(ok)
      assert.is_truthy(err:find("The QR decomposition is not differentiable when mode='complete' and "
        .. 'nrows > ncols.', 1, true))
    end)

    it('svd, svdvals and torch.svd (gauge-invariant losses)', function()
      local function loss(x)
        local u, s, vh = L.svd(x, false)
        local w = t64({ 1, 2 }):narrow(1, 1, s:size(1))
        return (s ^ 2 * w):sum() + (u:matmul(vh) * torch.ones_like(x):cumsum(1)):sum()
      end
      local u = L.svd(rnd(3, 2))
      assert.are.equal('LinalgSvdBackward0', node_name(u))
      assert.are.equal('LinalgSvdBackward0', node_name(L.svdvals(rnd(3, 2))))
      check_grads(loss, { { { 1, 2 }, { 0.3, -1 }, { 1.5, 0.2 } } }, { {
        { 0.7898169329671684, 4.746700562261087 }, { 2.7475939557599687, -2.3588738887115572 },
        { 4.88678373648722, -0.014042500399321237 } } })
      check_grads(loss, { { { 1, 2, 0.5 }, { 0.3, -1, 2 } } }, { {
        { 3.185260967206997, 4.9524758177610275, 2.9043112670443816 },
        { 2.337876572354459, -0.7329207212986205, 6.8171174372195615 } } })
      check_grads(function(x) return L.svdvals(x):sum() end, { A0 }, { {
        { 0.1281025976555676, 0.9400840806677575, 0.31596146244273815 },
        { -0.1474627881467104, -0.2969901558398307, 0.9434254466815232 },
        { 0.9807366876924173, -0.16744780861298547, 0.10058220918639037 } } })
      local function usv(x)
        local a, s, vh = L.svd(x, false)
        return a:matmul(vh), s, a:abs(), vh:abs()
      end
      both(usv, { rnd(4, 3) })
      both(usv, { rnd(3, 4) })
      both(usv, { rnd(2, 3, 3) })
      both(L.svdvals, { rnd(3, 2) })
      -- full_matrices: the extra columns of U carry no gradient (as in PyTorch)
      gc(function(x) local _, s, vh = L.svd(x); return s, vh:narrow(1, 1, 2):abs() end, { rnd(2, 4) })
      gc(function(x) local _, s = torch.svd(x); return s end, { rnd(3, 2) })
    end)

    it('eigh and eigvalsh (symmetric inputs)', function()
      local function loss(s)
        local w, v = L.eigh(s)
        return (w * t64({ 1, 2, 3 })):sum() + (v ^ 2 * t64(A0)):sum()
      end
      local function sym(x) return x + x:transpose(-2, -1) end
      local w, v = L.eigh(sym(rnd(3, 3)))
      assert.are.equal('LinalgEighBackward0', node_name(w))
      assert.are.equal('LinalgEighBackward0', node_name(v))
      assert.are.equal('LinalgEighBackward0', node_name(L.eigvalsh(sym(rnd(3, 3)))))
      check_grads(loss, { S0:tolist() }, { {
        { 1.3014386398744955, 0.2959494337446036, 0.1890166068878711 },
        { 0.2959494337446034, 2.8471199876437803, 1.3433324898250862 },
        { 0.18901660688787106, 1.3433324898250862, 1.8514413724817218 } } })
      both(function(x) local e, vec = L.eigh(sym(x)); return e, vec ^ 2 end, { rnd(3, 3) })
      both(function(x) return L.eigvalsh(sym(x)) end, { rnd(2, 3, 3) })
    end)

    it('lstsq: the solution is differentiable, the other results are not', function()
      local a4 = torch.cat({ t64(A0), t64({ { 0.1, 0.2, 0.3 } }) }, 1)
      local b4 = torch.cat({ t64(B0), t64({ { 1, -1 } }) }, 1)
      local x = L.lstsq(rnd(4, 3), rnd(4, 2))
      assert.are.equal('LinalgLstsqBackward0', node_name(x))
      check_grads(function(a, b) return (L.lstsq(a, b) * W0):sum() end, { a4:tolist(), b4:tolist() }, {
        { { -1.1327837208326939, 1.1864681487541502, -0.20407009608958848 },
          { 0.7455058203211244, -0.029204669798955196, -1.5362576590590233 },
          { 2.4493938283239176, -1.8989766587231307, -1.069615915637014 },
          { 0.7892992284957983, -0.34317633610424625, -0.5107506287713315 } },
        { { 0.900134356904454, 1.4154481741249643 }, { 1.330753513632624, 0.5769743339717455 },
          { -0.22471629350435657, -1.758271047983854 }, { 0.3771402926229386, 0.48866097659293584 } } })
      gc(function(a, b) return (L.lstsq(a, b)) end, { rnd(4, 3), rnd(4, 2) })
      gc(function(a, b) return (L.lstsq(a, b)) end, { rnd(4, 3), rnd(4) })
      gc(function(a, b) return (L.lstsq(a, b)) end, { rnd(2, 3), rnd(2, 2) })
      local _, res, rank, sv = L.lstsq(rnd(4, 2), rnd(4, 1), { driver = 'gelsd' })
      assert.is_nil(res.grad_fn)
      assert.is_nil(rank.grad_fn)
      assert.is_nil(sv.grad_fn)
    end)
  end)

  -- -------------------------------------------------------------------------- norms
  describe('norms', function()
    local x0 = { { 0, 1, -2 }, { 3, -0.5, 0 } }
    local REF = {
      { 2, { { 0.0, 0.26490647141300877, -0.5298129428260175 }, { 0.7947194142390263, -0.13245323570650439, 0.0 } },
        { { 0.0, 0.4472135954999579, -0.8944271909999159 }, { 1.9727878476642875, -0.3287979746107146, 0.0 } } },
      { 1, { { 0.0, 1.0, -1.0 }, { 1.0, -1.0, 0.0 } }, { { 0.0, 1.0, -1.0 }, { 2.0, -2.0, 0.0 } } },
      { 3, { { 0.0, 0.09150849852536949, -0.36603399410147797 }, { 0.8235764867283254, -0.022877124631342373, 0.0 } },
        { { 0.0, 0.2311204247835449, -0.9244816991341795 }, { 1.9938508778712003, -0.05538474660753334, 0.0 } } },
      { 1.5, { { 0.0, 0.4741996237957116, -0.6706195392441149 }, { 0.82133784134422, -0.33530976962205744, 0.0 } },
        { { 0.0, 0.6392340078652324, -0.9040134034531215 }, { 1.9565936318106103, -0.7987760053191628, 0.0 } } },
      { 0.5, { { 0.0, 4.8533711511285205, -3.431851652578137 }, { 2.8020951405812156, -6.863703305156274, 0.0 } },
        { { 0.0, 2.414213562373095, -1.7071067811865472 }, { 2.8164965809277263, -6.898979485566355, 0.0 } } },
      { math.huge, { { 0.0, 0.0, 0 }, { 1.0, 0, 0.0 } }, { { 0.0, 0.0, -1.0 }, { 2.0, 0, 0.0 } } },
    }

    it('vector_norm: every kind of ord against PyTorch (zeros in the input)', function()
      for _, r in ipairs(REF) do
        assert.are.equal('LinalgVectorNormBackward0', node_name(L.vector_norm(rnd(2, 3), r[1])))
        check_grads(function(x) return L.vector_norm(x, r[1]) end, { x0 }, { r[2] })
        check_grads(function(x) return (L.vector_norm(x, r[1], -1) * t64({ 1, 2 })):sum() end, { x0 }, { r[3] })
      end
      -- ord 0 has no gradient, as in PyTorch
      local x = leaf(x0)
      L.vector_norm(x, 0):backward()
      assert.is_nil(x.grad)
    end)

    it('vector_norm: gradcheck and gradgradcheck over dims, keepdim, 0-dim, dtype', function()
      for _, p in ipairs({ 2, 1, 3, 1.5, 0.5, -1, math.huge, -math.huge }) do
        both(function(x) return L.vector_norm(x, p) end, { rnd(2, 3) })
        both(function(x) return L.vector_norm(x, p, { 1, -1 }, true) end, { rnd(2, 2, 3) })
      end
      both(function(x) return L.vector_norm(x, 2, 2) end, { rnd(3, 2):t() })
      both(function(x) return L.vector_norm(x, 3) end, { rnd() })
      local x = torch.randn(3, { requires_grad = true })
      local y = L.vector_norm(x, 2, nil, nil, { dtype = f64 })
      assert.are.equal(f64, y.dtype)
      y:backward()
      assert.are.equal(torch.float32, x.grad.dtype)
    end)

    it('matrix_norm and norm are built from recorded ops', function()
      check_grads(function(x) return L.matrix_norm(x, 'nuc') end, { A0 }, { {
        { 0.1281025976555676, 0.9400840806677575, 0.31596146244273815 },
        { -0.1474627881467104, -0.2969901558398307, 0.9434254466815232 },
        { 0.9807366876924173, -0.16744780861298547, 0.10058220918639037 } } })
      both(L.matrix_norm, { rnd(2, 3) })
      for _, ord in ipairs({ 'nuc', 2, -2, 1, -1, math.huge }) do
        gc(function(x) return L.matrix_norm(x, ord) end, { rnd(2, 3) })
      end
      gc(function(x) return L.matrix_norm(x, 1, { 1, 2 }, true) end, { rnd(2, 3, 2) })
      both(L.norm, { rnd(2, 3) })
    end)
  end)

  -- -------------------------------------------------------------------------- composites
  describe('composites', function()
    it('einsum: contractions, diagonals, sums, ellipsis, three operands', function()
      check_grads(function(a, b) return (torch.einsum('ij,jk->ik', a, b) * W0):sum() end, { A0, B0 }, {
        { { 1.5, 1.9, -1.5 }, { -1.75, 1.2, 2.25 }, { 1.25, 6.025, -0.5999999999999999 } },
        { { 5.65, -0.025000000000000022 }, { 2.1, -3.95 }, { 4.5, 3.75 } } })
      check_grads(function(a) return torch.einsum('ii', a) end, { A0 }, { { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } } })
      assert.are.equal('DiagonalBackward0', node_name(torch.einsum('ii->i', rnd(3, 3))))
      both(function(a, b) return torch.einsum('ij,jk->ik', a, b) end, { rnd(2, 3), rnd(3, 4) })
      both(function(a) return torch.einsum('ii->i', a) end, { rnd(3, 3) })
      both(function(a) return torch.einsum('ii', a) end, { rnd(3, 3) })
      both(function(a) return torch.einsum('ij->', a) end, { rnd(2, 3) })
      both(function(a, b) return torch.einsum('bij,bjk->bik', a, b) end, { rnd(2, 2, 3), rnd(2, 3, 2) })
      both(function(a, b, c) return torch.einsum('ij,jk,k->i', a, b, c) end, { rnd(2, 3), rnd(3, 2), rnd(2) })
      both(function(a) return torch.einsum('...ij->...ji', a) end, { rnd(2, 2, 3) })
      both(function(a, b) return torch.einsum('i,j->ij', a, b) end, { rnd(3), rnd(1) }) -- broadcast label
    end)

    it('tensordot, trace, outer, multi_dot, matrix_power, float32', function()
      both(function(a, b) return torch.tensordot(a, b) end, { rnd(2, 3, 2), rnd(3, 2, 2) })
      both(function(a, b) return torch.tensordot(a, b, { { 1 }, { 2 } }) end, { rnd(2, 3), rnd(3, 2) })
      both(torch.trace, { rnd(3, 4) })
      local x = rnd(3, 3)
      torch.trace(x):backward()
      close(x.grad, { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })
      assert.are.equal('MulBackward0', node_name(torch.outer(rnd(2), rnd(3))))
      both(torch.outer, { rnd(2), rnd(3) })
      both(function(a, b, c) return L.multi_dot({ a, b, c }) end, { rnd(3), rnd(3, 2), rnd(2, 2) })
      both(function(a) return L.matrix_power(a, 3) end, { rnd(2, 2) })
      both(function(a) return L.matrix_power(a, -2) end, { wellcond(2) })
      local a = torch.randn(2, 3, { requires_grad = true })
      torch.einsum('ij,kj->ik', a, a):sum():backward()
      assert.are.equal(torch.float32, a.grad.dtype)
    end)
  end)
end)
