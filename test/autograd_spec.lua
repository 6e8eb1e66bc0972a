-- Autograd as users see it (lua/torch/autograd.lua, lib/luabind/lb_autograd.c, the engine in
-- lib/TH/autograd): graph attributes, backward and grad, higher derivatives, grad mode,
-- hooks, Functions written in Lua, gradcheck, in-place rules, errors, deep graphs, memory.
--
-- Expected values are PyTorch 1.13's for the same program (its repr, which tostring
-- reproduces), computed once and written down here.  Positions that PyTorch counts from 0
-- (output_nr, the input number in next_functions, "element N" in errors) count from 1 here.
-- The per-op formulas are tested in the autograd_<family>_spec.lua files.
local torch = require 'torch'

local function same(t, expected) assert.are.equal(expected, tostring(t)) end
-- f() must raise an error whose message contains msg (plain text); returns the message.
local function fails(f, msg)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error containing: ' .. msg)
  assert.is_truthy(tostring(e):find(msg, 1, true), 'error was: ' .. tostring(e))
  return e
end
local function f32(data, rg) return torch.tensor(data, { dtype = torch.float32, requires_grad = rg }) end
local function f64(data, rg) return torch.tensor(data, { dtype = torch.float64, requires_grad = rg }) end
local function node_name(t) return t.grad_fn and t.grad_fn:name() end

-- the seed's graph: y = (x + w) * (w + 1)
local function seed_graph(retain)
  local w = torch.tensor({ 1. }, { requires_grad = true })
  local x = torch.tensor({ 2. }, { requires_grad = true })
  local a = torch.add(w, x)
  if retain then a:retain_grad() end
  local b = torch.add(w, 1)
  if retain then b:retain_grad() end
  local y = torch.mul(a, b)
  return w, x, a, b, y
end

describe('the computational graph (the seed)', function()
  it('y = (x + w) * (w + 1): w.grad is 5', function()
    local w, x, _, _, y = seed_graph()
    y:backward()
    same(w.grad, 'tensor([5.])')
    same(x.grad, 'tensor([2.])')
  end)

  it('is_leaf: true true false false false', function()
    local w, x, a, b, y = seed_graph()
    y:backward()
    assert.are.same({ true, true, false, false, false }, { w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf })
  end)

  it('retain_grad keeps the gradients of a and b; y.grad stays nil', function()
    local w, x, a, b, y = seed_graph(true)
    y:backward()
    same(w.grad, 'tensor([5.])')
    same(x.grad, 'tensor([2.])')
    same(a.grad, 'tensor([2.])')
    same(b.grad, 'tensor([3.])')
    assert.is_nil(y.grad)
  end)

  it('without retain_grad the gradients of non-leaves are not kept', function()
    local _, _, a, b, y = seed_graph()
    y:backward()
    assert.is_nil(a.grad)
    assert.is_nil(b.grad)
  end)

  it('grad_fn: nil nil AddBackward0 AddBackward0 MulBackward0', function()
    local w, x, a, b, y = seed_graph()
    y:backward()
    assert.is_nil(w.grad_fn)
    assert.is_nil(x.grad_fn)
    assert.are.equal('AddBackward0', a.grad_fn:name())
    assert.are.equal('AddBackward0', b.grad_fn:name())
    assert.are.equal('MulBackward0', y.grad_fn:name())
    assert.is_truthy(tostring(a.grad_fn):find('^<AddBackward0 object at '))
    assert.is_truthy(tostring(y.grad_fn):find('^<MulBackward0 object at '))
    same(y, 'tensor([6.], grad_fn=<MulBackward0>)')
  end)

  it('next_functions walk from y to the AccumulateGrad nodes of the leaves', function()
    local w, x, a, b, y = seed_graph()
    local nf = y.grad_fn.next_functions
    assert.are.equal(2, #nf)
    assert.is_true(nf[1][1] == a.grad_fn)
    assert.is_true(nf[2][1] == b.grad_fn)
    assert.are.same({ 1, 1 }, { nf[1][2], nf[2][2] })
    -- a = w + x: AccumulateGrad of w, then of x
    local acc_w, acc_x = a.grad_fn.next_functions[1][1], a.grad_fn.next_functions[2][1]
    assert.are.equal('AccumulateGrad', acc_w:name())
    assert.are.equal('AccumulateGrad', acc_x:name())
    assert.is_truthy(tostring(acc_w):find('^<AccumulateGrad object at '))
    assert.are.equal(w:data_ptr(), acc_w.variable:data_ptr())
    assert.are.equal(x:data_ptr(), acc_x.variable:data_ptr())
    assert.is_true(acc_w.variable.requires_grad)
    assert.are.same({}, acc_w.next_functions)
    -- b = w + 1: the same AccumulateGrad for w; nothing for the number
    local bnf = b.grad_fn.next_functions
    assert.are.equal(2, #bnf)
    assert.is_true(bnf[1][1] == acc_w)
    assert.is_nil(bnf[2][1])
    -- nodes that are not AccumulateGrad have no variable
    assert.is_nil(y.grad_fn.variable)
  end)

  it('output_nr counts outputs from 1; retains_grad reports retain_grad', function()
    local w, _, a, b, y = seed_graph(true)
    assert.are.equal(1, y.output_nr)
    assert.are.equal(1, w.output_nr)
    assert.is_true(a.retains_grad)
    assert.is_false(y.retains_grad)
    w:retain_grad() -- a leaf keeps its gradient anyway
    assert.is_false(w.retains_grad)
    a:retain_grad() -- again: no change
    assert.is_true(a.retains_grad)
    y:retain_grad()
    assert.is_true(y.retains_grad)
    fails(function() torch.ones(2):retain_grad() end, "can't retain_grad on Tensor that has requires_grad=False")
  end)

  it('tensors made without grad are leaves with no grad_fn', function()
    local t = torch.ones(2)
    assert.is_true(t.is_leaf)
    assert.is_nil(t.grad_fn)
    assert.is_nil(t.grad)
    assert.is_true((t * 2).is_leaf)
  end)
end)

describe('backward and grad', function()
  it('grad_tensors weight several outputs (the seed: y0 = a*b, y1 = a+b)', function()
    local w, x, a, b = seed_graph()
    local y0, y1 = torch.mul(a, b), torch.add(a, b)
    torch.autograd.backward({ y0, y1 }, { f32({ 1 }), f32({ 2 }) })
    same(w.grad, 'tensor([9.])')
    same(x.grad, 'tensor([4.])')
  end)

  it('grad_tensors weight the elements of a concatenation (the seed: loss = cat)', function()
    local w, x, a, b = seed_graph()
    local loss = torch.cat({ torch.mul(a, b), torch.add(a, b) }, 1)
    loss:backward(f32({ 1, 2 }))
    same(w.grad, 'tensor([9.])')
    same(x.grad, 'tensor([4.])')
  end)

  it('torch.autograd.backward takes one tensor, grad_tensors in the options, retain_graph', function()
    local x = f32({ 3 }, true)
    local y = x * x
    torch.autograd.backward(y, { retain_graph = true })
    torch.autograd.backward({ y }, { grad_tensors = { f32({ 2 }) } })
    same(x.grad, 'tensor([18.])')
  end)

  it('x:backward(gradient) converts a gradient of another dtype, integers too', function()
    local x = f32({ 1, 2 }, true)
    local y = x * x
    y:backward(f64({ 1, 1 }))
    same(x.grad, 'tensor([2., 4.])')
    assert.are.equal(torch.float32, x.grad.dtype)
    -- torch.tensor({1., 2.}) is int64 in Lua
    local z = x * x
    z:backward(torch.tensor({ 1., 2. }))
    same(x.grad, 'tensor([ 4., 12.])')
    local g = torch.autograd.grad(x * x, x, { grad_outputs = torch.tensor({ true, false }) })
    same(g[1], 'tensor([2., 0.])')
  end)

  it('gradients accumulate across backward calls', function()
    local x = f32({ 3 }, true)
    local y = x * x
    y:backward({ retain_graph = true })
    y:backward()
    same(x.grad, 'tensor([12.])')
    local z = x * 4
    z:backward()
    same(x.grad, 'tensor([16.])')
    x.grad = nil
    local z2 = x * 4
    z2:backward()
    same(x.grad, 'tensor([4.])')
  end)

  it('x.grad is accumulated in place', function()
    local x = f32({ 1, 2 }, true)
    local y = (x * 3):sum()
    y:backward({ retain_graph = true })
    local g = x.grad
    y:backward()
    same(g, 'tensor([6., 6.])')
    assert.are.equal(g:data_ptr(), x.grad:data_ptr())
  end)

  it('a graph with saved tensors cannot be run twice without retain_graph', function()
    local x = f32({ 3 }, true)
    local y = x * x
    y:backward()
    fails(function() y:backward() end, 'Trying to backward through the graph a second time')
    same(x.grad, 'tensor([6.])')
    -- a graph that saved nothing can (as in PyTorch)
    local z = x + 1
    z:backward()
    z:backward()
    same(x.grad, 'tensor([8.])')
  end)

  it('errors: no grad, non-scalar without gradient, shape mismatch', function()
    local x = f32({ 3 }, true)
    fails(function() f32({ 1 }):backward() end,
      'element 1 of tensors does not require grad and does not have a grad_fn')
    fails(function() (x * torch.ones(3)):backward() end,
      'grad can be implicitly created only for scalar outputs (the output has shape (3,))')
    fails(function() (x * torch.ones(3)):backward(torch.ones(2)) end,
      'Mismatch in shape: grad_output[1] has a shape of (2,) and output[1] has a shape of (3,)')
    fails(function() torch.autograd.grad(x * torch.ones(3), x, { grad_outputs = torch.ones(2, 2) }) end,
      'Mismatch in shape: grad_output[1] has a shape of (2, 2) and output[1] has a shape of (3,)')
    assert.is_nil(x.grad)
  end)

  it('errors: unknown options, bad arguments', function()
    local x = f32({ 3 }, true)
    fails(function() (x * 2):backward({ foo = 1 }) end, "[backward] unknown option 'foo'")
    fails(function() torch.autograd.grad(x * 2, x, { foo = 1 }) end, "[grad] unknown option 'foo'")
    fails(function() torch.autograd.backward(5) end, '[backward] tensors must be a tensor or a table of tensors, got number')
    fails(function() torch.autograd.grad(x * 2, {}) end, '[grad] inputs cannot be empty')
    fails(function() (x * 2):backward({ inputs = {} }) end, "'inputs' argument to backward() cannot be empty")
  end)

  it('torch.autograd.grad returns gradients without touching .grad', function()
    local x = f32({ 1, 2 }, true)
    local y = x * x
    local g = torch.autograd.grad(y, x, { grad_outputs = f32({ 1, 10 }) })
    same(g[1], 'tensor([ 2., 40.])')
    local g2 = torch.autograd.grad({ x * x }, { x }, { grad_outputs = { f32({ 1, 10 }) } })
    same(g2[1], 'tensor([ 2., 40.])')
    assert.is_nil(x.grad)
    assert.is_nil(g[1].grad_fn)
  end)

  it('grad with create_graph: d/dx and d2/dx2 of x^3 at 3 are 27 and 18', function()
    local x = torch.tensor({ 3. }, { requires_grad = true })
    local y = torch.pow(x, 3)
    local g = torch.autograd.grad(y, x, { create_graph = true })
    same(g[1], 'tensor([27.], grad_fn=<MulBackward0>)')
    local g2 = torch.autograd.grad(g[1], x)
    same(g2[1], 'tensor([18.])')
  end)

  it('backward with create_graph leaves a differentiable x.grad', function()
    local x = f32({ 2 }, true)
    local y = x * x * x
    y:backward({ create_graph = true })
    same(x.grad, 'tensor([12.], grad_fn=<AddBackward0>)')
    local gx = x.grad
    x.grad = nil
    gx:backward()
    same(x.grad, 'tensor([12.])')
  end)

  it('Hessian-vector products', function()
    local x = f64({ 1, 2 }, true)
    local v = f64({ 1, 0.5 })
    local y = (x * x * x):sum()
    local g = torch.autograd.grad(y, x, { create_graph = true })[1]
    same(g, 'tensor([ 3., 12.], dtype=torch.float64, grad_fn=<AddBackward0>)')
    local hv = torch.autograd.grad((g * v):sum(), x)[1]
    same(hv, 'tensor([6., 6.], dtype=torch.float64)')

    local x2 = f64({ 1, 2, 3 }, true)
    local y2 = (x2 * x2):sum() * x2:sum()
    local g2 = torch.autograd.grad(y2, x2, { create_graph = true })[1]
    same(g2:detach(), 'tensor([26., 38., 50.], dtype=torch.float64)')
    local hv2 = torch.autograd.grad((g2 * f64({ 1, -1, 2 })):sum(), x2)[1]
    same(hv2, 'tensor([26.,  6., 46.], dtype=torch.float64)')
  end)

  it('a gradient penalty: backward through a gradient', function()
    local w = torch.tensor({ 0.5, -1.0 }, { requires_grad = true })
    local x = torch.tensor({ 1., 2. }, { requires_grad = true })
    local out = (w * x * x):sum()
    local g = torch.autograd.grad(out, x, { create_graph = true })[1]
    same(g:detach(), 'tensor([ 1., -4.])')
    local gp = ((g * g):sum() - 1) ^ 2
    same(gp:detach(), 'tensor(256.)')
    gp:backward()
    same(w.grad, 'tensor([  128., -1024.])')
    same(x.grad, 'tensor([ 64., 512.])')
  end)

  it('inputs= limits which leaves accumulate, and may name a non-leaf', function()
    local a, b = f32({ 1 }, true), f32({ 2 }, true)
    local c = a * b
    c:backward({ inputs = { a } })
    same(a.grad, 'tensor([2.])')
    assert.is_nil(b.grad)

    local a2, b2 = f32({ 1 }, true), f32({ 2 }, true)
    local m = a2 * b2
    local c2 = m * m
    torch.autograd.backward(c2, nil, { inputs = m })
    same(m.grad, 'tensor([4.])')
    assert.is_nil(a2.grad)
  end)

  it('allow_unused', function()
    local a, b = f32({ 1 }, true), f32({ 2 }, true)
    fails(function() torch.autograd.grad(a * 2, { a, b }) end,
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True')
    local g = torch.autograd.grad(a * 2, { a, b }, { allow_unused = true })
    same(g[1], 'tensor([2.])')
    assert.is_nil(g[2])
    fails(function() torch.autograd.grad(a * 2, { a, f32({ 1 }) }) end,
      'One of the differentiated Tensors does not require grad (input 2)')
  end)

  it('broadcast gradients are summed back to each input: (3, 1) and (1, 4)', function()
    local a = torch.ones(3, 1, { requires_grad = true })
    local b = torch.ones(1, 4, { requires_grad = true })
    local c = a * 2 + b * f32({ 1, 2, 3, 4 })
    c:sum():backward()
    same(a.grad, 'tensor([[8.],\n        [8.],\n        [8.]])')
    same(b.grad, 'tensor([[ 3.,  6.,  9., 12.]])')
  end)

  it('mixed dtypes: each gradient has its input\'s dtype', function()
    local a = f32({ 1, 2 }, true)
    local b = f64({ 3, 4 }, true)
    local c = a * b
    assert.are.equal(torch.float64, c.dtype)
    c:sum():backward()
    same(a.grad, 'tensor([3., 4.])')
    same(b.grad, 'tensor([1., 2.], dtype=torch.float64)')
  end)

  it('float16 and bfloat16 leaves get gradients of their dtype', function()
    for _, dt in ipairs({ torch.float16, torch.bfloat16 }) do
      local h = torch.ones(2, { dtype = dt, requires_grad = true })
      local y = (h * 2):sum()
      y:backward()
      assert.are.equal(dt, h.grad.dtype)
      assert.are.same({ 2, 2 }, h.grad:tolist())
    end
  end)

  it('0-dim and empty tensors', function()
    local s = torch.tensor(3., { requires_grad = true })
    local y = s * s
    y:backward()
    same(s.grad, 'tensor(6.)')
    local e = torch.zeros(0, { requires_grad = true })
    local z = (e * 2):sum()
    z:backward()
    assert.are.equal(0, e.grad:size(1))
    assert.are.equal(torch.float32, e.grad.dtype)
  end)

  it('a deep graph (100000 chained ops) runs backward and frees without overflowing the stack', function()
    local x = f32({ 1 }, true)
    local y = x
    for _ = 1, 100000 do y = y + 1 end
    y:backward()
    same(x.grad, 'tensor([1.])')
    y = nil
    collectgarbage()
    local z = x
    for _ = 1, 100000 do z = z * 1 end
    x.grad = nil
    z:backward()
    same(x.grad, 'tensor([1.])')
    z = nil
    collectgarbage()
    -- a graph freed without ever running backward
    local u = x
    for _ = 1, 100000 do u = u * 1 end
    u = nil
    collectgarbage()
  end)

  it('memory: the seed\'s linear regression stays bounded over 20000 iterations', function()
    torch.manual_seed(10)
    local lr = 0.05
    local xs = torch.rand(20, 1) * 10
    local ys = 2 * xs + (5 + torch.randn(20, 1))
    local w = torch.randn(1, { requires_grad = true })
    local b = torch.zeros(1, { requires_grad = true })
    collectgarbage()
    local base = torch.memory_stats().allocated
    local peak, lua_peak = 0, 0
    for it = 1, 20000 do
      local wx = torch.mul(w, xs)
      local y_pred = torch.add(wx, b)
      local loss = (0.5 * (ys - y_pred) ^ 2):mean()
      loss:backward()
      b.data:sub_(lr * b.grad)
      w.data:sub_(lr * w.grad)
      w.grad:zero_()
      b.grad:zero_()
      if it % 100 == 0 then
        peak = math.max(peak, torch.memory_stats().allocated - base)
        lua_peak = math.max(lua_peak, collectgarbage('count'))
      end
    end
    assert.is_true(peak < 2 ^ 20, 'tensor memory grew by ' .. peak .. ' bytes')
    assert.is_true(lua_peak < 64 * 1024, 'Lua heap reached ' .. lua_peak .. ' KiB')
    -- the fit converges to y = 2x + 5 (plus the noise's mean)
    assert.is_true(math.abs(w:item() - 2) < 0.2)
    assert.is_true(math.abs(b:item() - 5) < 1)
  end)
end)

describe('in-place operations', function()
  it('an in-place op on a non-leaf is recorded: y = x * 2; y:mul_(3) gives 6', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 2
    y:mul_(3)
    assert.are.equal('MulBackward0', node_name(y))
    y:sum():backward()
    same(x.grad, 'tensor([6., 6.])')
    local z = x * 2
    z:add_(1)
    assert.are.equal('AddBackward0', node_name(z))
  end)

  it('modifying a saved tensor is reported by backward (version counter)', function()
    local x = f32({ 1, 2 }, true)
    local y = x:exp()
    y:add_(1)
    local e = fails(function() y:sum():backward() end,
      'one of the variables needed for gradient computation has been modified by an inplace operation')
    assert.is_truthy(e:find('is at version 1; expected version 0 instead', 1, true))

    local a = x * 1
    local z = a * a
    a:add_(1)
    fails(function() z:sum():backward() end, 'which is input 1 of MulBackward0, is at version 1; expected version 0 instead.')
  end)

  it('.data shares the version counter: a write through it is reported too', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 2
    local z = y * y
    y.data:add_(1)
    fails(function() z:sum():backward() end, 'modified by an inplace operation')
  end)

  it('an in-place op on a leaf that requires grad is an error and changes nothing', function()
    local x = f32({ 1, 2 }, true)
    fails(function() x:add_(1) end, '[add] a leaf Variable that requires grad is being used in an in-place operation.')
    fails(function() x:mul_(x) end, '[mul] a leaf Variable that requires grad is being used in an in-place operation.')
    same(x, 'tensor([1., 2.], requires_grad=True)')
    -- allowed under no_grad (the optimizer's update)
    torch.no_grad(function() x:sub_(1) end)
    same(x, 'tensor([0., 1.], requires_grad=True)')
  end)

  it('out= with an input that requires grad is an error and leaves out unchanged', function()
    local x = f32({ 1, 2 }, true)
    local out = torch.zeros(2)
    fails(function() torch.add(x, 1, { out = out }) end,
      "[add] functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    same(out, 'tensor([0., 0.])')
    torch.no_grad(function() torch.add(x, 1, { out = out }) end)
    same(out, 'tensor([2., 3.])')
  end)

  it('fill_ and zero_ are recorded: the overwritten values get no gradient', function()
    local x = f32({ 1, 2, 3 }, true)
    local y = x * 2
    y:zero_()
    same(y, 'tensor([0., 0., 0.], grad_fn=<ZeroBackward0>)')
    local z = y + x
    z:sum():backward()
    same(x.grad, 'tensor([1., 1., 1.])')
    local w = x * 2
    w:fill_(5)
    assert.are.equal('FillBackward0', w.grad_fn:name())
    fails(function() x:fill_(2) end, '[fill_] a leaf Variable that requires grad is being used in an in-place operation.')
    fails(function() x:zero_() end, 'a leaf Variable that requires grad is being used in an in-place operation.')
    same(x, 'tensor([1., 2., 3.], requires_grad=True)')
    x.grad:zero_() -- gradients do not require grad
    same(x.grad, 'tensor([0., 0., 0.])')
  end)

  it('copy_ into a non-leaf is recorded', function()
    local x = f32({ 1, 2 }, true)
    local s = f32({ 5, 7 }, true)
    local y = x * 2
    y:copy_(s * 3)
    y:sum():backward()
    same(x.grad, 'tensor([0., 0.])')
    same(s.grad, 'tensor([3., 3.])')
  end)
end)

-- In-place ops through a view of a non-leaf update the base's history (PyTorch's
-- CopySlices): without it the base would keep its old history and get wrong gradients.
describe('in-place on a view of a tensor that requires grad', function()
  it('y = x * 1; y[1]:mul_(2)', function()
    local x = f32({ { 1, 2 }, { 3, 4 } }, true)
    local y = x * 1
    y[1]:mul_(2)
    same(y:detach(), 'tensor([[2., 4.],\n        [3., 4.]])')
    assert.are.equal('CopySlices', y.grad_fn:name())
    y:sum():backward()
    same(x.grad, 'tensor([[2., 2.],\n        [1., 1.]])')
  end)

  it('assignment y[2] = 7 writes through a view', function()
    local x = f32({ 1, 2, 3 }, true)
    local y = x * 2
    y[2] = 7
    same(y, 'tensor([2., 7., 6.], grad_fn=<CopySlices>)')
    y:sum():backward()
    same(x.grad, 'tensor([2., 0., 2.])')
  end)

  it('a view of a leaf that requires grad cannot be changed in place', function()
    local x = f32({ 1, 2, 3 }, true)
    fails(function() x:narrow(1, 1, 2):mul_(2) end,
      '[mul] a view of a leaf Variable that requires grad is being used in an in-place operation.')
    same(x, 'tensor([1., 2., 3.], requires_grad=True)')
  end)

  it('v = y:narrow(1, 1, 2); v:mul_(3)', function()
    local x = f32({ 1, 2, 3 }, true)
    local y = x * 1
    local v = y:narrow(1, 1, 2)
    v:mul_(3)
    y:sum():backward()
    same(x.grad, 'tensor([3., 3., 1.])')
  end)

  it('v = y:narrow(1, 2, 2); v:mul_(2); then a product reads y', function()
    local x = f32({ 1, 2, 3 }, true)
    local y = x * 1
    local v = y:narrow(1, 2, 2)
    v:mul_(2)
    local w = (y * y):sum()
    w:backward()
    same(x.grad, 'tensor([ 2., 16., 24.])')
  end)
end)

describe('grad mode', function()
  it('no_grad runs a function without recording and returns its results', function()
    local x = f32({ 1, 2 }, true)
    assert.is_true(torch.is_grad_enabled())
    local y, n = torch.no_grad(function(a, k)
      assert.is_false(torch.is_grad_enabled())
      return a * k, 7
    end, x, 2)
    assert.is_false(y.requires_grad)
    assert.is_nil(y.grad_fn)
    assert.are.equal(7, n)
    assert.is_true(torch.is_grad_enabled())
  end)

  it('enable_grad inside no_grad, and back', function()
    local x = f32({ 1 }, true)
    local seen = {}
    torch.no_grad(function()
      seen[1] = torch.is_grad_enabled()
      torch.enable_grad(function()
        seen[2] = torch.is_grad_enabled()
        seen[3] = (x * 2).requires_grad
      end)
      seen[4] = torch.is_grad_enabled()
      seen[5] = (x * 2).requires_grad
    end)
    assert.are.same({ false, true, true, false, false }, seen)
  end)

  it('an error inside restores the mode', function()
    fails(function() torch.no_grad(function() error('boom') end) end, 'boom')
    assert.is_true(torch.is_grad_enabled())
    local inner
    torch.no_grad(function()
      pcall(torch.enable_grad, function() error('inner') end)
      inner = torch.is_grad_enabled()
    end)
    assert.is_false(inner)
    assert.is_true(torch.is_grad_enabled())
  end)

  it('set_grad_enabled switches the mode, or runs a function in it', function()
    local x = f32({ 1 }, true)
    local ok, err = pcall(function()
      torch.set_grad_enabled(false)
      assert.is_false(torch.is_grad_enabled())
      assert.is_nil((x * 2).grad_fn)
      assert.is_true(torch.set_grad_enabled(true, function() return torch.is_grad_enabled() end))
      assert.is_false(torch.is_grad_enabled())
    end)
    torch.set_grad_enabled(true)
    assert(ok, err)
    assert.is_false(torch.set_grad_enabled(false, torch.is_grad_enabled))
    assert.is_true(torch.is_grad_enabled())
    fails(function() torch.set_grad_enabled(1) end, '[set_grad_enabled] expected a boolean, got number')
    fails(function() torch.no_grad(5) end, 'expected a function to run, got number')
  end)

  it('inference_mode behaves as no_grad', function()
    local x = f32({ 1 }, true)
    assert.is_false(torch.inference_mode(function() return (x * 2).requires_grad end))
    assert.is_true(torch.is_grad_enabled())
  end)

  it('torch.autograd has the same switches', function()
    assert.are.equal(torch.no_grad, torch.autograd.no_grad)
    assert.are.equal(torch.enable_grad, torch.autograd.enable_grad)
    assert.are.equal(torch.set_grad_enabled, torch.autograd.set_grad_enabled)
  end)
end)

describe('hooks', function()
  it('modify the gradient; order: the non-leaf\'s, then the leaf\'s in registration order', function()
    local x = f32({ 1, 2 }, true)
    local order = {}
    local h1 = x:register_hook(function(g) order[#order + 1] = 'x1'; return g * 2 end)
    x:register_hook(function(g) order[#order + 1] = 'x2:' .. tostring(g) end)
    local y = x * 3
    local hy = y:register_hook(function(g) order[#order + 1] = 'y'; return g + 1 end)
    y:sum():backward()
    same(x.grad, 'tensor([12., 12.])')
    assert.are.same({ 'y', 'x1', 'x2:tensor([12., 12.])' }, order)

    -- removed by their handles
    h1:remove()
    hy:remove()
    h1:remove() -- twice is harmless
    x.grad = nil
    order = {}
    local y2 = x * 3
    y2:sum():backward()
    same(x.grad, 'tensor([3., 3.])')
    assert.are.same({ 'x2:tensor([3., 3.])' }, order)
  end)

  it('a leaf\'s hook runs once, on the summed gradient', function()
    local x = f32({ 1, 2 }, true)
    local calls, got = 0, nil
    x:register_hook(function(g) calls = calls + 1; got = tostring(g) end)
    local y = x * 2 + x * 3
    y:sum():backward()
    assert.are.equal(1, calls)
    assert.are.equal('tensor([5., 5.])', got)
  end)

  it('a hook registered before retain_grad changes what is retained', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 3
    y:register_hook(function(g) return g * 10 end)
    y:retain_grad()
    local z = (y * y):sum()
    z:backward()
    same(y.grad, 'tensor([ 60., 120.])')
    same(x.grad, 'tensor([180., 360.])')
  end)

  it('errors: raised by the hook, a wrong size, a wrong value, no grad', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 3
    y:register_hook(function() error('hook failed') end)
    local e = fails(function() y:sum():backward() end, 'hook failed')
    assert.is_truthy(e:find('autograd_spec.lua:%d+: hook failed$'))

    local y2 = x * 3
    y2:register_hook(function() return torch.ones(3) end)
    fails(function() y2:sum():backward() end,
      'a gradient hook changed the size of the gradient: float32 (3,) returned for float32 (2,)')
    local y3 = x * 3
    y3:register_hook(function() return 5 end)
    fails(function() y3:sum():backward() end, 'a gradient hook must return tensors or nil, got number')
    fails(function() torch.ones(2):register_hook(function() end) end,
      "cannot register a hook on a tensor that doesn't require gradient")
    fails(function() x:register_hook(5) end, '[register_hook] expected a function, got number')
    assert.is_nil(x.grad)
  end)

  it('backward from inside a hook is refused', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 3
    y:register_hook(function()
      local z = f32({ 1 }, true)
      local w = z * 2
      w:backward()
    end)
    fails(function() y:sum():backward() end, 'backward called while another backward pass runs on this thread')
  end)
end)

describe('torch.autograd.Function', function()
  local Function = torch.autograd.Function

  local Exp = Function:extend('Exp')
  function Exp.forward(ctx, x)
    local y = x:exp()
    ctx:save_for_backward(y)
    return y
  end
  function Exp.backward(ctx, g)
    local y = ctx.saved_tensors[1]
    return g * y
  end

  it('a custom exp', function()
    local x = f32({ 0, 1 }, true)
    local y = Exp.apply(x)
    same(y, 'tensor([1.0000, 2.7183], grad_fn=<ExpBackward>)')
    assert.are.equal('ExpBackward', y.grad_fn:name())
    assert.is_truthy(tostring(y.grad_fn):find('^<ExpBackward object at '))
    y:sum():backward()
    same(x.grad, 'tensor([1.0000, 2.7183])')
    assert.is_true(torch.autograd.gradcheck(Exp.apply, { f64({ 0.5, -1, 2 }, true) }))
  end)

  it('forward runs without recording; no input requiring grad means no node', function()
    local Probe = Function:extend('Probe')
    local mode
    function Probe.forward(ctx, x) mode = torch.is_grad_enabled(); return x * 2 end
    function Probe.backward(ctx, g) return g * 2 end
    local y = Probe.apply(f32({ 1 }))
    assert.is_false(mode)
    assert.is_nil(y.grad_fn)
    local z = torch.no_grad(Probe.apply, f32({ 1 }, true))
    assert.is_nil(z.grad_fn)
  end)

  it('needs_input_grad', function()
    local N = Function:extend('N')
    local seen
    function N.forward(ctx, x, y) seen = ctx.needs_input_grad; return x * y end
    function N.backward(ctx, g) return g, g end
    local x = torch.ones(2, { requires_grad = true })
    N.apply(x, torch.ones(2))
    assert.are.same({ true, false }, seen)
    N.apply(torch.ones(2), x)
    assert.are.same({ false, true }, seen)
    N.apply(x, 5)
    assert.are.same({ true, false }, seen)
  end)

  it('two outputs and a non-tensor argument', function()
    local Two = Function:extend('Two')
    function Two.forward(ctx, x, k)
      ctx.k = k
      ctx:save_for_backward(x)
      return x * k, x * x
    end
    function Two.backward(ctx, g1, g2)
      local x = ctx.saved_tensors[1]
      return g1 * ctx.k + g2 * 2 * x, nil
    end
    local x = f32({ 1, 2 }, true)
    local a, b = Two.apply(x, 3)
    same(a, 'tensor([3., 6.], grad_fn=<TwoBackward>)')
    same(b, 'tensor([1., 4.], grad_fn=<TwoBackward>)')
    assert.is_true(a.grad_fn == b.grad_fn)
    assert.are.same({ 1, 2 }, { a.output_nr, b.output_nr })
    local s = a:sum() + b:sum()
    s:backward()
    same(x.grad, 'tensor([5., 7.])')
    -- an output that gets no gradient receives zeros
    x.grad = nil
    local _, b2 = Two.apply(x, 3)
    b2:sum():backward()
    same(x.grad, 'tensor([2., 4.])')
    assert.is_true(torch.autograd.gradcheck(function(t) return Two.apply(t, 3) end, { f64({ 0.5, -2 }, true) }))
  end)

  it('an input returned as is gets a new history on an alias', function()
    local Id = Function:extend('Id')
    function Id.forward(ctx, x) return x end
    function Id.backward(ctx, g) return g * 10 end
    local x = f32({ 1, 2 }, true)
    local y = Id.apply(x)
    assert.is_false(rawequal(x, y))
    assert.are.equal('IdBackward', y.grad_fn:name())
    assert.is_true(x.is_leaf)
    y:sum():backward()
    same(x.grad, 'tensor([10., 10.])')
  end)

  it('mark_non_differentiable', function()
    local M = Function:extend('MaxIdx')
    function M.forward(ctx, x)
      local i = f32({ 1, 0 })
      ctx:mark_non_differentiable(i)
      return x * 2, i
    end
    function M.backward(ctx, g, gi) return g * 2 end
    local x = f32({ 1, 2 }, true)
    local v, i = M.apply(x)
    assert.are.equal('MaxIdxBackward', v.grad_fn:name())
    assert.is_nil(i.grad_fn)
    assert.is_false(i.requires_grad)
    v:sum():backward()
    same(x.grad, 'tensor([2., 2.])')
  end)

  it('errors: wrong number of gradients, wrong value, wrong shape, modified saved tensor', function()
    local x = f32({ 1, 2 }, true)
    local W = Function:extend('W')
    function W.forward(ctx, a, b) return a * b end
    function W.backward(ctx, g) return g end
    fails(function() W.apply(x, torch.ones(2)):sum():backward() end,
      'function WBackward returned an incorrect number of gradients (expected 2, got 1)')
    local S = Function:extend('Str')
    function S.forward(ctx, a) return a * 2 end
    function S.backward(ctx, g) return 'a' end
    fails(function() S.apply(x):sum():backward() end,
      'function StrBackward returned a string as gradient 1; expected a tensor or nil')
    local Sh = Function:extend('Shape')
    function Sh.forward(ctx, a) return a * 2 end
    function Sh.backward(ctx, g) return torch.ones(3) end
    fails(function() Sh.apply(x):sum():backward() end,
      'Function ShapeBackward returned an invalid gradient at index 0 - got (3,) but expected shape compatible with (2,)')
    local y = Exp.apply(x)
    torch.no_grad(function() y:add_(1) end)
    fails(function() y:sum():backward() end,
      'saved tensor 1 of ExpBackward is at version 1; expected version 0 instead.')
    assert.is_nil(x.grad)
  end)

  it('errors: forward or backward not written, bad saved values, bad name', function()
    local Empty = Function:extend('Empty')
    fails(function() Empty.apply(f32({ 1 }, true)) end, '[autograd.Function] forward is not implemented')
    local Bad = Function:extend('BadSave')
    function Bad.forward(ctx, a) ctx:save_for_backward(a, 5); return a * 2 end
    fails(function() Bad.apply(f32({ 1 }, true)) end, '[save_for_backward] argument 2 must be a tensor or nil, got number')
    fails(function() Function:extend(5) end, '[Function:extend] expected a class name, got number')
  end)
end)

describe('gradcheck and gradgradcheck', function()
  local gradcheck, gradgradcheck = torch.autograd.gradcheck, torch.autograd.gradgradcheck

  it('pass on correct gradients: shapes, broadcasting, non-contiguous, 0-dim', function()
    torch.manual_seed(1)
    local a = torch.randn(2, 3, { dtype = torch.float64, requires_grad = true })
    local b = torch.rand(2, 3, { dtype = torch.float64 }) + 0.5
    b:requires_grad_()
    assert.is_true(gradcheck(function(p, q) return p * q / (q + 1) - p ^ 2 end, { a, b }))
    local c = torch.randn(3, 1, { dtype = torch.float64, requires_grad = true })
    local d = torch.randn(1, 4, { dtype = torch.float64, requires_grad = true })
    assert.is_true(gradcheck(function(p, q) return p * q + p end, { c, d }))
    local t = torch.randn(3, 2, { dtype = torch.float64 }):t()
    t:requires_grad_()
    assert.is_false(t:is_contiguous())
    assert.is_true(gradcheck(function(p) return (p * p):sum(1) end, { t }))
    assert.is_true(gradcheck(function(p) return p * p * p end, { f64(1.5, true) }))
    -- numbers and tensors without grad among the inputs
    assert.is_true(gradcheck(function(p, k, q) return p * k + q end, { a, 3, torch.ones(2, 3, { dtype = torch.float64 }) }))
    -- a single tensor as inputs, and options
    assert.is_true(gradcheck(function(p) return p:mean() end, a, { eps = 1e-6, atol = 1e-5, rtol = 1e-3 }))
  end)

  it('fail on a Function with a wrong backward', function()
    local BadExp = torch.autograd.Function:extend('BadExp')
    function BadExp.forward(ctx, x)
      local y = x:exp()
      ctx:save_for_backward(y)
      return y
    end
    function BadExp.backward(ctx, g) return g * ctx.saved_tensors[1] * 2 end
    local x = f64({ 0.5, -1 }, true)
    assert.is_false(gradcheck(BadExp.apply, { x }, { raise_exception = false }))
    fails(function() gradcheck(BadExp.apply, { x }) end,
      '[gradcheck] Jacobian mismatch for output 1 with respect to input 1, element 1')
  end)

  it('refuse inputs that are not float64, none requiring grad, unknown options', function()
    fails(function() gradcheck(function(p) return p * 2 end, { f32({ 1 }, true) }) end,
      '[gradcheck] input 1 is torch.float32; gradcheck needs float64 inputs')
    fails(function() gradcheck(function(p) return p * 2 end, { f64({ 1 }) }) end, '[gradcheck] no input requires grad')
    assert.is_false(gradcheck(function(p) return p * 2 end, { f64({ 1 }) }, { raise_exception = false }))
    fails(function() gradcheck(function(p) return p * 2 end, { f64({ 1 }, true) }, { foo = 1 }) end,
      "[gradcheck] unknown option 'foo'")
  end)

  it('gradgradcheck checks second derivatives', function()
    torch.manual_seed(2)
    local x = torch.randn(3, { dtype = torch.float64, requires_grad = true })
    local y = torch.randn(3, { dtype = torch.float64, requires_grad = true })
    assert.is_true(gradgradcheck(function(p) return p * p * p end, { x }))
    assert.is_true(gradgradcheck(function(p, q) return p * q * q / (q * q + 1) end, { x, y }))
    local go = torch.randn(3, { dtype = torch.float64, requires_grad = true })
    assert.is_true(gradgradcheck(function(p) return p ^ 3 end, { x }, { go }))
  end)
end)

describe('detach, requires_grad and .data', function()
  it('detach: shares storage, no history', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 2
    local d = y:detach()
    assert.is_false(d.requires_grad)
    assert.is_nil(d.grad_fn)
    assert.is_true(d.is_leaf)
    d[1] = 10
    same(y, 'tensor([10.,  4.], grad_fn=<MulBackward0>)')
  end)

  it('detach_: cuts the tensor\'s own history', function()
    local x = f32({ 1, 2 }, true)
    local y = x * 2
    assert.are.equal(y, y:detach_())
    assert.is_false(y.requires_grad)
    assert.is_nil(y.grad_fn)
    assert.is_true(y.is_leaf)
    local z = y * 3
    assert.is_nil(z.grad_fn)
  end)

  it('requires_grad_ and the requires_grad field', function()
    local x = torch.ones(2)
    assert.are.equal(x, x:requires_grad_())
    assert.is_true(x.requires_grad)
    x:requires_grad_(false)
    assert.is_false(x.requires_grad)
    x.requires_grad = true
    assert.is_true(x.requires_grad)
    local y = x * 2
    y:requires_grad_(true) -- already true: fine
    fails(function() y.requires_grad = false end, 'you can only change requires_grad flags of leaf variables')
    fails(function() y:requires_grad_(false) end, 'you can only change requires_grad flags of leaf variables')
    assert.is_true(y.requires_grad)
  end)

  it('integer tensors cannot require grad', function()
    fails(function() torch.tensor({ 1, 2 }, { dtype = torch.int64 }):requires_grad_() end,
      'only Tensors of floating point dtype can require gradients, got int64')
    fails(function() local t = torch.zeros(2, { dtype = torch.int32 }); t.requires_grad = true end,
      'only Tensors of floating point dtype can require gradients, got int32')
    fails(function() torch.tensor({ 1, 2 }, { dtype = torch.int64, requires_grad = true }) end,
      'floating point dtype can require gradients')
    fails(function() torch.zeros(2, { dtype = torch.bool, requires_grad = true }) end,
      'floating point dtype can require gradients')
    -- integral values with requires_grad take the default float dtype
    local t = torch.tensor({ 1, 2 }, { requires_grad = true })
    assert.are.equal(torch.float32, t.dtype)
    same(t, 'tensor([1., 2.], requires_grad=True)')
  end)

  it('.data shares storage but has no history', function()
    local x = f32({ 1, 2 }, true)
    local d = x.data
    d[1] = 5
    same(x, 'tensor([5., 2.], requires_grad=True)')
    assert.is_false(d.requires_grad)
    assert.is_nil(d.grad_fn)
    local y = x * 2
    assert.is_nil(y.data.grad_fn)
    assert.is_false(y.data.requires_grad)
    assert.are.equal(y:data_ptr(), y.data:data_ptr())
  end)

  it('the grad field: assign, clear, checked', function()
    local x = f32({ 1, 2 }, true)
    x.grad = torch.ones(2)
    same(x.grad, 'tensor([1., 1.])')
    x.grad = nil
    assert.is_nil(x.grad)
    fails(function() x.grad = torch.zeros(3) end,
      'assigned grad has data of a different size: the tensor has shape (2,), the gradient (3,)')
    fails(function() x.grad = torch.zeros(2, { dtype = torch.float64 }) end,
      'assigned grad has data of a different type: the tensor is float32, the gradient float64')
    fails(function() x.grad = 5 end, 'assigned grad expected to be a Tensor or nil, got number')
    assert.is_nil(x.grad)
  end)
end)
