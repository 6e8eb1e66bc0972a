-- NN kernels on CUDA (lib/THC/THCNN.c, THCNN.cu): softmax and log_softmax, layer_norm,
-- group_norm, embedding, nll_loss, cross_entropy, binary_cross_entropy (plain and with
-- logits) through torch.nn.functional, and nn.LSTM / nn.GRU built on them.  Each case runs on
-- the CPU and on the GPU on the same inputs and compares the results and the gradients
-- (float32 within 1e-4 relative, float64 within 1e-10); bad inputs give the CPU's message.
-- Without a GPU the whole file is one pending test saying why.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err
local F = torch.nn.functional
local nn = torch.nn

local ok, reason = torch.cuda.is_available()
if not ok then
  describe('NN kernels on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

-- ---------------------------------------------------------------------------- helpers

local TOL = { float32 = 1e-4, float64 = 1e-10, float16 = 2e-3, bfloat16 = 1.6e-2 }

-- got (a CUDA tensor) equals want (a CPU tensor) in dtype and shape, and in value within tol
-- relative to 1 + |want| (exactly for integer dtypes); NaN where the CPU has NaN
local function close(want, got, tol, what)
  what = what or 'result'
  assert.is_true(torch.is_tensor(got), what .. ': expected a tensor, got ' .. type(got))
  assert.is_true(got.is_cuda, what .. ' should be on the GPU')
  assert.are.equal(want.dtype, got.dtype, what .. ': dtype')
  assert.are.same(want:size():totable(), got:size():totable(), what .. ': shape')
  if want:numel() == 0 then return end
  if not want:is_floating_point() then
    assert.is_true(torch.equal(want, got:cpu()), what .. ' differs from the CPU')
    return
  end
  local w, g = want:detach():double(), got:detach():cpu():double()
  local wn, gn = w:isnan(), g:isnan()
  assert.is_true(torch.equal(wn, gn), what .. ': NaN where the CPU has none, or the reverse')
  w, g = w:masked_fill(wn, 0), g:masked_fill(gn, 0)
  local excess = ((g - w):abs() - (w:abs() + 1) * tol):max():item()
  if not (excess <= 0) then
    error(string.format('%s differs from the CPU by more than %g (relative): excess %g', what,
      tol, excess), 2)
  end
end

-- a CPU tensor of the given sizes from a fixed seed: standard normal values times scale
local function randn(seed, sizes, scale, dtype)
  if #sizes == 0 then return torch.tensor(0.75 * (scale or 1), { dtype = dtype or torch.float32 }) end
  torch.manual_seed(seed)
  local x = torch.randn(sizes, { dtype = torch.float64 }) * (scale or 1)
  return x:to(dtype or torch.float32)
end

-- n 1-based class indices in 1..C from a fixed seed, as an int64 tensor of the given sizes
local function classes(seed, sizes, C)
  torch.manual_seed(seed)
  return torch.randint(1, C + 1, sizes)
end

local function to_cuda(x) return x:to('cuda') end

-- Runs f(inputs...) on leaf copies of the CPU tensors `inputs` on the CPU and on the GPU;
-- those marked in `grads` require grad.  Compares the outputs (one tensor or a list) and,
-- after backward of each output against the same fixed grad_output, every gradient.
local function compare(what, f, inputs, grads, tol)
  grads = grads or {}
  local function run(move)
    local xs = {}
    for i, x in ipairs(inputs) do
      xs[i] = move(x):detach()
      if grads[i] then xs[i]:requires_grad_(true) end
    end
    local ys = f(unpack(xs))
    if torch.is_tensor(ys) then ys = { ys } end
    return xs, ys
  end
  local xc, yc = run(function(x) return x end)
  local xg, yg = run(to_cuda)
  for k = 1, #yc do
    local t = tol or TOL[yc[k].dtype.name] or 1e-4
    close(yc[k], yg[k], t, what .. ': output ' .. k)
  end
  local any = false
  for i = 1, #inputs do any = any or grads[i] ~= nil end
  if not any then return end
  for k = 1, #yc do
    if yc[k].requires_grad then
      local gy = randn(100 + k, yc[k]:size():totable(), 1, yc[k].dtype)
      yc[k]:backward(gy)
      yg[k]:backward(to_cuda(gy))
    end
  end
  for i = 1, #inputs do
    if grads[i] then
      local t = tol or TOL[inputs[i].dtype.name] or 1e-4
      assert.is_not_nil(xc[i].grad, what .. ': the CPU computed no gradient for input ' .. i)
      close(xc[i].grad, xg[i].grad, t, what .. ': gradient of input ' .. i)
    end
  end
end

-- f raises the same message with CPU and with CUDA arguments (make(move) builds them)
local function same_error(make, f)
  local cpu_args = { make(function(x) return x end) }
  local gpu_args = { make(to_cuda) }
  local want = err(f, unpack(cpu_args))
  assert.are.equal(want, err(f, unpack(gpu_args)))
  return want
end

-- ---------------------------------------------------------------------------- softmax

describe('softmax and log_softmax on CUDA', function()
  local fns = { softmax = F.softmax, log_softmax = F.log_softmax }

  it('agree with the CPU along every dim, forward and backward', function()
    for name, fn in pairs(fns) do
      local x = randn(1, { 4, 5, 6 }, 2)
      for _, dim in ipairs({ 1, 2, 3, -1, -2 }) do
        compare(name .. ' dim ' .. dim, function(a) return fn(a, dim) end, { x }, { true })
      end
    end
  end)

  it('agree on float64, float16 and bfloat16', function()
    for name, fn in pairs(fns) do
      compare(name .. ' float64', function(a) return fn(a, -1) end,
        { randn(2, { 3, 7 }, 3, torch.float64) }, { true })
      compare(name .. ' float64 strided', function(a) return fn(a, 1) end,
        { randn(3, { 9, 4 }, 3, torch.float64) }, { true })
      for _, dt in ipairs({ torch.float16, torch.bfloat16 }) do
        compare(name .. ' ' .. dt.name, function(a) return fn(a, 2) end,
          { randn(4, { 5, 33 }, 2, dt) })
        compare(name .. ' ' .. dt.name .. ' strided', function(a) return fn(a, 1) end,
          { randn(5, { 33, 5 }, 2, dt) })
      end
    end
  end)

  it('agree on long rows, long strided columns, one-element rows and large values', function()
    for name, fn in pairs(fns) do
      compare(name .. ' rows of 3000', function(a) return fn(a, 2) end,
        { randn(6, { 3, 3000 }, 4) }, { true })
      compare(name .. ' 1000 strided by 3', function(a) return fn(a, 2) end,
        { randn(7, { 2, 1000, 3 }, 4) }, { true })
      compare(name .. ' 5 strided by 4000', function(a) return fn(a, 2) end,
        { randn(8, { 2, 5, 4000 }) }, { true })
      compare(name .. ' rows of 1', function(a) return fn(a, 2) end, { randn(9, { 6, 1 }) }, { true })
      compare(name .. ' values near 1e4', function(a) return fn(a, -1) end,
        { randn(10, { 4, 50 }, 1e4) }, { true })
    end
  end)

  it('agree on non-contiguous inputs', function()
    for name, fn in pairs(fns) do
      compare(name .. ' of a transpose', function(a) return fn(a:transpose(1, 2), 2) end,
        { randn(11, { 40, 30 }) }, { true })
      compare(name .. ' of a narrow', function(a) return fn(a:narrow(2, 3, 20), 1) end,
        { randn(12, { 16, 30 }) }, { true })
    end
  end)

  it('handle 0-dim and empty inputs', function()
    for name, fn in pairs(fns) do
      compare(name .. ' 0-dim', function(a) return fn(a, 1) end, { torch.tensor(2.5) }, { true })
      compare(name .. ' (0, 5)', function(a) return fn(a, 2) end, { torch.zeros(0, 5) })
      compare(name .. ' (3, 0)', function(a) return fn(a, 2) end, { torch.zeros(3, 0) })
    end
  end)

  it('agree on a large input (4M elements)', function()
    compare('softmax 4096 x 1024', function(a) return F.softmax(a, 2) end,
      { randn(13, { 4096, 1024 }) })
    compare('log_softmax 1024 x 4096 along dim 1', function(a) return F.log_softmax(a, 1) end,
      { randn(14, { 1024, 4096 }) })
  end)

  it('give the CPU errors', function()
    local msg = same_error(function(m) return m(torch.zeros(2, 3)) end,
      function(x) return F.softmax(x, 3) end)
    assert.is_truthy(msg:find('out of range', 1, true), msg)
    same_error(function(m) return m(torch.tensor({ 1, 2, 3 })) end,
      function(x) return F.log_softmax(x, 1) end)
  end)
end)

-- ---------------------------------------------------------------------------- norms

describe('layer_norm and group_norm on CUDA', function()
  it('layer_norm agrees with the CPU, with and without affine parameters', function()
    local x = randn(20, { 4, 6, 10 }, 3) + 1
    local w, b = randn(21, { 10 }) + 1, randn(22, { 10 })
    compare('layer_norm affine', function(a, ww, bb) return F.layer_norm(a, { 10 }, ww, bb) end,
      { x, w, b }, { true, true, true })
    compare('layer_norm plain', function(a) return F.layer_norm(a, { 10 }) end, { x }, { true })
    compare('layer_norm weight only', function(a, ww) return F.layer_norm(a, { 10 }, ww) end,
      { x, w }, { true, true })
    local w2, b2 = randn(23, { 6, 10 }), randn(24, { 6, 10 })
    compare('layer_norm over 2 dims', function(a, ww, bb)
      return F.layer_norm(a, { 6, 10 }, ww, bb, 1e-3)
    end, { x, w2, b2 }, { true, true, true })
  end)

  it('layer_norm agrees on float64, float16, wide rows, many rows, empty and strided inputs', function()
    compare('layer_norm float64', function(a, ww, bb) return F.layer_norm(a, { 8 }, ww, bb) end,
      { randn(25, { 5, 8 }, 2, torch.float64), randn(26, { 8 }, 1, torch.float64),
        randn(27, { 8 }, 1, torch.float64) }, { true, true, true })
    compare('layer_norm float16', function(a) return F.layer_norm(a, { 16 }) end,
      { randn(28, { 4, 16 }, 2, torch.float16) })
    compare('layer_norm rows of 5000', function(a, ww) return F.layer_norm(a, { 5000 }, ww) end,
      { randn(29, { 3, 5000 }, 2), randn(30, { 5000 }) }, { true, true })
    compare('layer_norm 20000 rows', function(a, ww, bb) return F.layer_norm(a, { 7 }, ww, bb) end,
      { randn(31, { 20000, 7 }), randn(32, { 7 }), randn(33, { 7 }) }, { true, true, true })
    compare('layer_norm (0, 10)', function(a) return F.layer_norm(a, { 10 }) end,
      { torch.zeros(0, 10) })
    compare('layer_norm of a transpose', function(a) return F.layer_norm(a:transpose(1, 2), { 9 }) end,
      { randn(34, { 9, 12 }) }, { true })
  end)

  it('group_norm agrees with the CPU for several group counts', function()
    local x = randn(40, { 4, 6, 5, 3 }, 2) - 1
    local w, b = randn(41, { 6 }) + 1, randn(42, { 6 })
    for _, G in ipairs({ 1, 2, 3, 6 }) do
      compare('group_norm G=' .. G, function(a, ww, bb) return F.group_norm(a, G, ww, bb) end,
        { x, w, b }, { true, true, true })
    end
    compare('group_norm plain', function(a) return F.group_norm(a, 3) end, { x }, { true })
    compare('group_norm (N, C)', function(a, ww) return F.group_norm(a, 2, ww) end,
      { randn(43, { 5, 4 }), randn(44, { 4 }) }, { true, true })
  end)

  it('group_norm agrees on float64, float16, large planes and strided inputs', function()
    compare('group_norm float64', function(a, ww, bb) return F.group_norm(a, 2, ww, bb, 1e-3) end,
      { randn(45, { 3, 4, 7 }, 2, torch.float64), randn(46, { 4 }, 1, torch.float64),
        randn(47, { 4 }, 1, torch.float64) }, { true, true, true })
    compare('group_norm bfloat16', function(a) return F.group_norm(a, 2) end,
      { randn(48, { 2, 4, 9 }, 2, torch.bfloat16) })
    compare('group_norm 100 x 100 planes', function(a, ww, bb) return F.group_norm(a, 2, ww, bb) end,
      { randn(49, { 2, 4, 100, 100 }), randn(50, { 4 }), randn(51, { 4 }) }, { true, true, true })
    compare('group_norm of a transpose', function(a) return F.group_norm(a:transpose(2, 3), 2) end,
      { randn(52, { 3, 5, 4 }) }, { true })
  end)

  it('give the CPU errors', function()
    same_error(function(m) return m(torch.zeros(2, 5, 3)) end,
      function(x) return F.group_norm(x, 2) end)
    same_error(function(m) return m(torch.zeros(2, 5)) end,
      function(x) return F.layer_norm(x, { 4 }) end)
    same_error(function(m) return m(torch.zeros(2, 5)), m(torch.zeros(4)) end,
      function(x, w) return F.layer_norm(x, { 5 }, w) end)
  end)

  it('refuse parameters on another device', function()
    local x = to_cuda(randn(53, { 2, 5 }))
    local msg = err(function() return F.layer_norm(x, { 5 }, torch.ones(5)) end)
    assert.is_truthy(msg:find('cuda:0', 1, true) and msg:find('cpu', 1, true), msg)
  end)
end)

-- ---------------------------------------------------------------------------- embedding

describe('embedding on CUDA', function()
  local ix = torch.tensor({ { 1, 3, 3, 10 }, { 2, 2, 7, 3 }, { 10, 1, 5, 5 } })

  it('gathers rows and scatters gradients like the CPU', function()
    local w = randn(60, { 10, 4 })
    compare('embedding', function(i, ww) return F.embedding(i, ww) end, { ix, w }, { nil, true })
    compare('embedding padding_idx', function(i, ww) return F.embedding(i, ww, 3) end,
      { ix, w }, { nil, true })
    compare('embedding padding_idx -1', function(i, ww) return F.embedding(i, ww, -1) end,
      { ix, w }, { nil, true })
    compare('embedding scale_grad_by_freq', function(i, ww)
      return F.embedding(i, ww, { scale_grad_by_freq = true })
    end, { ix, w }, { nil, true })
    compare('embedding int32 indices', function(i, ww) return F.embedding(i, ww) end,
      { ix:to(torch.int32), w }, { nil, true })
    compare('embedding 1-D and 0-dim indices', function(ww)
      return { F.embedding(torch.tensor({ 4, 1, 4 }):to(ww.device), ww),
               F.embedding(torch.tensor(9):to(ww.device), ww) }
    end, { w }, { true })
  end)

  it('copies rows of every dtype', function()
    local w = randn(61, { 10, 3 }, 5)
    for _, dt in ipairs({ torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32,
                          torch.int16, torch.int8, torch.uint8, torch.bool }) do
      local wd = dt == torch.uint8 and w:abs():to(dt) or w:to(dt)
      compare('embedding ' .. dt.name, function(i, ww) return F.embedding(i, ww) end, { ix, wd },
        nil, 0)
    end
    compare('embedding float64 grad', function(i, ww) return F.embedding(i, ww) end,
      { ix, w:double() }, { nil, true })
  end)

  it('handles a large table, many indices, empty indices and a strided weight', function()
    local w = randn(62, { 1000, 64 })
    compare('embedding 20000 lookups', function(i, ww) return F.embedding(i, ww, 7) end,
      { classes(63, { 200, 100 }, 1000), w }, { nil, true })
    compare('embedding no indices', function(i, ww) return F.embedding(i, ww) end,
      { torch.zeros(0, 3, { dtype = torch.int64 }), w }, { nil, true })
    compare('embedding of a transposed weight', function(i, ww) return F.embedding(i, ww:t()) end,
      { ix, randn(64, { 6, 10 }) }, { nil, true })
  end)

  it('gives the CPU errors for bad indices and refuses indices on another device', function()
    local w = randn(65, { 10, 4 })
    for _, bad in ipairs({ 11, 0, -1 }) do
      local msg = same_error(function(m) return m(torch.tensor({ 1, bad, 2 })), m(w) end,
        function(i, ww) return F.embedding(i, ww) end)
      assert.is_truthy(msg:find('out of range', 1, true), msg)
    end
    local msg = err(function() return F.embedding(torch.tensor({ 1, 2 }), to_cuda(w)) end)
    assert.is_truthy(msg:find('cuda:0', 1, true) and msg:find('cpu', 1, true), msg)
  end)
end)

-- ---------------------------------------------------------------------------- losses

describe('nll_loss and cross_entropy on CUDA', function()
  local x = randn(70, { 6, 5 }, 2)
  local t = torch.tensor({ 1, 5, 3, 3, 2, 4 })
  local w = randn(71, { 5 }):abs() + 0.5

  it('nll_loss agrees with the CPU for every reduction, weight and ignore_index', function()
    for _, r in ipairs({ 'none', 'mean', 'sum' }) do
      compare('nll_loss ' .. r, function(a, tt) return F.nll_loss(F.log_softmax(a, 2), tt, nil,
        { reduction = r }) end, { x, t }, { true })
      compare('nll_loss weighted ' .. r, function(a, tt, ww)
        return F.nll_loss(F.log_softmax(a, 2), tt, ww, { reduction = r })
      end, { x, t, w }, { true })
      compare('nll_loss ignore_index ' .. r, function(a, tt, ww)
        return F.nll_loss(a, tt, ww, { reduction = r, ignore_index = 3 })
      end, { x, t, w }, { true })
    end
  end)

  it('nll_loss agrees on spatial targets, a single sample, float64 and many targets', function()
    compare('nll_loss (N, C, d1, d2)', function(a, tt, ww) return F.nll_loss(a, tt, ww) end,
      { randn(72, { 2, 3, 4, 5 }), classes(73, { 2, 4, 5 }, 3), torch.tensor({ 1, 2, 0.5 }) },
      { true })
    compare('nll_loss (C) and ()', function(a, tt) return F.nll_loss(a, tt) end,
      { randn(74, { 7 }), torch.tensor(4) }, { true })
    compare('nll_loss float64', function(a, tt) return F.nll_loss(a, tt, nil, { reduction = 'sum' }) end,
      { randn(75, { 5, 3 }, 1, torch.float64), classes(76, { 5 }, 3) }, { true })
    compare('nll_loss 1M targets', function(a, tt) return F.nll_loss(a, tt) end,
      { randn(77, { 100000, 10 }), classes(78, { 100000 }, 10) }, { true })
    compare('nll_loss no targets', function(a, tt) return F.nll_loss(a, tt, nil, { reduction = 'sum' }) end,
      { torch.zeros(0, 4), torch.zeros(0, { dtype = torch.int64 }) }, { true })
  end)

  it('nll_loss returns the total weight and is NaN when every target is ignored', function()
    for _, r in ipairs({ 'none', 'mean', 'sum' }) do
      compare('torch._nn.nll_loss ' .. r, function(a, tt, ww)
        local loss, tw = torch._nn.nll_loss(a, tt, ww, { reduction = r, ignore_index = 5 })
        return { loss, tw }
      end, { x, t, w })
    end
    local all = torch.tensor({ 2, 2, 2, 2, 2, 2 })
    local l = F.nll_loss(to_cuda(x), to_cuda(all), nil, { ignore_index = 2 })
    assert.is_true(l.is_cuda)
    assert.is_true(l:item() ~= l:item(), 'expected NaN, got ' .. tostring(l:item()))
  end)

  it('cross_entropy agrees with the CPU (class indices and class probabilities)', function()
    compare('cross_entropy', function(a, tt) return F.cross_entropy(a, tt) end, { x, t }, { true })
    compare('cross_entropy weighted', function(a, tt, ww)
      return F.cross_entropy(a, tt, ww, { reduction = 'sum', ignore_index = 1 })
    end, { x, t, w }, { true })
    compare('cross_entropy (N, C, d)', function(a, tt) return F.cross_entropy(a, tt) end,
      { randn(79, { 3, 4, 6 }), classes(80, { 3, 6 }, 4) }, { true })
    compare('cross_entropy probabilities', function(a, p) return F.cross_entropy(a, p) end,
      { x, F.softmax(randn(81, { 6, 5 }), 2) }, { true, true })
  end)

  it('cross_entropy with label smoothing agrees with the CPU', function()
    compare('cross_entropy label_smoothing', function(a, tt, ww)
      return F.cross_entropy(a, tt, ww, { label_smoothing = 0.1 })
    end, { x, t, w }, { true })
  end)

  it('give the CPU errors for targets out of range', function()
    for _, bad in ipairs({ 0, 6, -3 }) do
      local msg = same_error(function(m) return m(x), m(torch.tensor({ 1, bad, 2, 3, 4, 5 })) end,
        function(a, tt) return F.nll_loss(a, tt) end)
      assert.is_truthy(msg:find('out of range', 1, true), msg)
      same_error(function(m) return m(x), m(torch.tensor({ 1, 2, bad, 3, 4, 5 })) end,
        function(a, tt) return F.cross_entropy(a, tt) end)
    end
    same_error(function(m) return m(x), m(torch.tensor({ 1, 2 })) end,
      function(a, tt) return F.nll_loss(a, tt) end)
  end)
end)

describe('binary cross entropies on CUDA', function()
  local p = F.sigmoid(randn(90, { 6, 5 }, 2))
  local t = F.sigmoid(randn(91, { 6, 5 }, 3))
  local w = randn(92, { 5 }):abs() + 0.5
  local logits = randn(93, { 6, 5 }, 3)

  it('binary_cross_entropy agrees with the CPU for every reduction and weight', function()
    for _, r in ipairs({ 'none', 'mean', 'sum' }) do
      compare('bce ' .. r, function(a, tt) return F.binary_cross_entropy(a, tt, nil, { reduction = r }) end,
        { p, t }, { true, true })
      compare('bce weighted ' .. r, function(a, tt, ww)
        return F.binary_cross_entropy(a, tt, ww, { reduction = r })
      end, { p, t, w }, { true, true })
    end
    compare('bce float64', function(a, tt) return F.binary_cross_entropy(a, tt) end,
      { p:double(), t:double() }, { true, true })
    compare('bce float16', function(a, tt) return F.binary_cross_entropy(a, tt) end,
      { p:half(), t:half() })
  end)

  it('binary_cross_entropy clamps its logs at -100 as the CPU does', function()
    compare('bce at 0 and 1', function(a, tt) return F.binary_cross_entropy(a, tt, nil,
      { reduction = 'none' }) end,
      { torch.tensor({ 0, 1, 0.5, 0, 1 }), torch.tensor({ 0.3, 0.7, 1, 0, 1 }) }, { true })
  end)

  it('binary_cross_entropy_with_logits agrees with the CPU (weight, pos_weight, reductions)', function()
    local pw = randn(94, { 5 }):abs() + 0.25
    for _, r in ipairs({ 'none', 'mean', 'sum' }) do
      compare('bce logits ' .. r, function(a, tt)
        return F.binary_cross_entropy_with_logits(a, tt, nil, { reduction = r })
      end, { logits, t }, { true, true })
      compare('bce logits weighted ' .. r, function(a, tt, ww, pp)
        return F.binary_cross_entropy_with_logits(a, tt, ww, { reduction = r, pos_weight = pp })
      end, { logits, t, w, pw }, { true, true })
    end
    compare('bce logits large values', function(a, tt)
      return F.binary_cross_entropy_with_logits(a, tt, nil, { reduction = 'none' })
    end, { torch.tensor({ -200, -30, 0, 30, 200 }, { dtype = torch.float32 }),
      torch.tensor({ 0, 1, 0.5, 0, 1 }) }, { true, true })
    compare('bce logits float64', function(a, tt) return F.binary_cross_entropy_with_logits(a, tt) end,
      { logits:double(), t:double() }, { true, true })
  end)

  it('agree on large inputs (3M elements) and empty ones', function()
    local big = F.sigmoid(randn(95, { 3000, 1000 }))
    local bt = F.sigmoid(randn(96, { 3000, 1000 }, 2))
    compare('bce 3M mean', function(a, tt) return F.binary_cross_entropy(a, tt) end, { big, bt },
      { true })
    compare('bce logits 3M sum', function(a, tt)
      return F.binary_cross_entropy_with_logits(a, tt, nil, { reduction = 'sum' })
    end, { big, bt }, { true })
    compare('bce empty', function(a, tt) return F.binary_cross_entropy(a, tt) end,
      { torch.zeros(0, 3), torch.zeros(0, 3) }, { true })
  end)

  it('give the CPU errors', function()
    local msg = same_error(function(m) return m(torch.tensor({ 0.5, 1.5, 0.2 })), m(torch.ones(3)) end,
      function(a, tt) return F.binary_cross_entropy(a, tt) end)
    assert.is_truthy(msg:find('between 0 and 1', 1, true), msg)
    same_error(function(m) return m(torch.tensor({ 0.5, 0.2 })), m(torch.ones(3)) end,
      function(a, tt) return F.binary_cross_entropy(a, tt) end)
    local e2 = err(function() return F.binary_cross_entropy(to_cuda(p), t) end)
    assert.is_truthy(e2:find('cuda:0', 1, true) and e2:find('cpu', 1, true), e2)
  end)
end)

-- ---------------------------------------------------------------------------- recurrent layers

describe('nn.LSTM and nn.GRU on CUDA', function()
  -- a CPU module, a CUDA copy of it, and their parameters in the same order
  local function pair(make)
    torch.manual_seed(120)
    local m = make()
    local g = m:clone():cuda()
    return m, g
  end

  local function compare_module(what, make, x, state)
    local m, g = pair(make)
    local xc = x:clone():requires_grad_(true)
    local xg = to_cuda(x):requires_grad_(true)
    local sc, sg = {}, {}
    for i, s in ipairs(state or {}) do
      sc[i], sg[i] = s, to_cuda(s)
    end
    local yc = { m(xc, unpack(sc)) }
    local yg = { g(xg, unpack(sg)) }
    local loss_c, loss_g = 0, 0
    for k = 1, #yc do
      close(yc[k], yg[k], 1e-4, what .. ': result ' .. k)
      local gy = randn(130 + k, yc[k]:size():totable())
      loss_c = loss_c + (yc[k] * gy):sum()
      loss_g = loss_g + (yg[k] * to_cuda(gy)):sum()
    end
    loss_c:backward()
    loss_g:backward()
    close(xc.grad, xg.grad, 1e-4, what .. ': input gradient')
    local pc, pg = m:parameters(), g:parameters()
    assert.are.equal(#pc, #pg)
    for i = 1, #pc do close(pc[i].grad, pg[i].grad, 1e-4, what .. ': parameter ' .. i .. ' gradient') end
  end

  it('LSTM forward and backward agree with the CPU (given h0 and c0)', function()
    local x = randn(121, { 5, 3, 4 })
    compare_module('LSTM', function() return nn.LSTM(4, 6, { num_layers = 2 }) end, x,
      { randn(122, { 2, 3, 6 }), randn(123, { 2, 3, 6 }) })
    compare_module('bidirectional LSTM, batch_first', function()
      return nn.LSTM(4, 6, { bidirectional = true, batch_first = true })
    end, randn(124, { 3, 5, 4 }), { randn(125, { 2, 3, 6 }), randn(126, { 2, 3, 6 }) })
  end)

  it('GRU forward and backward agree with the CPU (given h0)', function()
    compare_module('GRU', function() return nn.GRU(4, 5, { num_layers = 2 }) end,
      randn(127, { 6, 2, 4 }), { randn(128, { 2, 2, 5 }) })
  end)

  it('LSTM and GRU start from zero states on the input\'s device', function()
    compare_module('LSTM without h0', function() return nn.LSTM(4, 6) end, randn(129, { 5, 3, 4 }))
    compare_module('GRU without h0', function() return nn.GRU(4, 6) end, randn(130, { 5, 3, 4 }))
  end)
end)
