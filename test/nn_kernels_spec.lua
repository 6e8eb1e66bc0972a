-- Neural-network kernels: torch._nn.* (lib/luabind/lb_nn.c over lib/TH/THNN.c and the CPU
-- kernels lib/TH/THCpuNN*.c): convolutions, poolings, softmax, batch/layer/group norm,
-- embedding and losses, each forward with its backward.
--
-- Inputs are built from exact formulas (seq, prob, frac below) that the generating script ran
-- in PyTorch 1.13 as well; the expected outputs and gradients (through torch.autograd there,
-- with the grad_output that seq gives) are the float64 literals in E at the end of this file.
-- Indices and class targets are PyTorch's plus one: they are 1-based here.
local torch = require 'torch'
local nn = torch._nn
local f32, f64 = torch.float32, torch.float64
local E -- the expected values, at the end of the file

-- ---------------------------------------------------------------------------- helpers

local function numel(shape)
  local n = 1
  for _, s in ipairs(shape) do n = n * s end
  return n
end

local function build(shape, f, dtype)
  local v = {}
  for i = 0, numel(shape) - 1 do v[i + 1] = f(i) end
  local t = torch.tensor(v, { dtype = f64 })
  if #shape == 0 then t = t:reshape({}) else t = t:view(shape) end
  return dtype and t:to(dtype) or t
end

-- ((7 i + k) mod 23 - 11) / 8: exact binary fractions in [-1.375, 1.375]
local function seq(shape, k, dtype)
  return build(shape, function(i) return ((i * 7 + k) % 23 - 11) / 8 end, dtype)
end
-- probabilities in (0, 1)
local function prob(shape, k, dtype)
  return build(shape, function(i) return ((i * 7 + k) % 23 + 1) / 25 end, dtype)
end
-- targets in [0, 1]
local function frac(shape, k, dtype)
  return build(shape, function(i) return ((i * 5 + k) % 11) / 10 end, dtype)
end

local function flat(t) return t:double():reshape(-1):tolist() end

-- t has `shape` (when given) and values within tol * (1 + |expected|) of the list `want`
local function check(t, want, tol, shape)
  assert.is_true(torch.is_tensor(t), 'expected a tensor, got ' .. type(t))
  if shape then assert.are.same(shape, t:size():totable()) end
  local got = flat(t)
  assert.are.equal(#want, #got, 'number of elements')
  tol = tol or 1e-12
  for i = 1, #want do
    local g, w = got[i], want[i]
    local ok = g == w or (w ~= w and g ~= g) or math.abs(g - w) <= tol * (1 + math.abs(w))
    if not ok then
      error(string.format('element %d: expected %.17g, got %.17g', i, w, g), 2)
    end
  end
end

local function snapshot(t)
  return { size = t:size():totable(), stride = t:stride(), values = flat(t) }
end

-- fn fails with a message containing `text`; every tensor of `inputs` is unchanged after
local function check_error(fn, inputs, text)
  local before = {}
  for i, t in ipairs(inputs) do before[i] = snapshot(t) end
  local ok, err = pcall(fn)
  assert.is_false(ok, 'expected an error')
  err = tostring(err)
  assert.is_truthy(err:find(text, 1, true), string.format('error %q should contain %q', err, text))
  for i, t in ipairs(inputs) do assert.are.same(before[i], snapshot(t)) end
  return err
end

-- a non-contiguous tensor holding the values of t (a transposed copy, transposed back)
local function noncontig(t)
  local n = t:dim()
  return t:transpose(1, n):contiguous():transpose(1, n)
end

local inf = math.huge
local nan = 0 / 0

-- ---------------------------------------------------------------------------- convolution

describe('conv2d and convolution_backward', function()
  local x, w, b = seq({ 2, 4, 5, 6 }, 1), seq({ 6, 2, 3, 3 }, 2), seq({ 6 }, 3)
  local opts = { stride = { 2, 1 }, padding = { 1, 2 }, dilation = { 1, 2 }, groups = 2 }

  it('matches PyTorch in float64 (groups, stride, padding, dilation, bias)', function()
    check(nn.conv2d(x, w, b, opts), E.conv2d.out, 1e-12, E.conv2d.shape)
  end)

  it("takes PyTorch's positional arguments, and a trailing options table", function()
    check(nn.conv2d(x, w, b, { 2, 1 }, { 1, 2 }, { 1, 2 }, 2), E.conv2d.out)
    check(nn.conv2d(x, w, b, { 2, 1 }, { padding = { 1, 2 }, dilation = { 1, 2 }, groups = 2 }), E.conv2d.out)
    check(nn.conv2d(x, w, { bias = b, stride = { 2, 1 }, padding = { 1, 2 }, dilation = { 1, 2 }, groups = 2 }),
      E.conv2d.out)
  end)

  it('computes float32 from non-contiguous inputs', function()
    local y = nn.conv2d(noncontig(x:float()), noncontig(w:float()), b:float(), opts)
    assert.are.equal(f32, y.dtype)
    check(y, E.conv2d.out, 1e-5, E.conv2d.shape)
  end)

  it('computes bfloat16 and float16 through float32', function()
    for _, dt in ipairs({ torch.bfloat16, torch.float16 }) do
      local y = nn.conv2d(x:to(dt), w:to(dt), b:to(dt), opts)
      assert.are.equal(dt, y.dtype)
      check(y, E.conv2d.out, dt == torch.bfloat16 and 3e-2 or 3e-3)
    end
  end)

  it("accepts padding = 'same' and 'valid'", function()
    check(nn.conv2d(x, w, nil, { padding = 'same', groups = 2 }), E.conv2d_same.out, 1e-12, E.conv2d_same.shape)
    assert.are.same({ 2, 6, 3, 4 }, nn.conv2d(x, w, nil, { padding = 'valid', groups = 2 }):size():totable())
  end)

  it('gives the gradients of input, weight and bias', function()
    local R = seq(E.conv2d.shape, 4)
    local gi, gw, gb = nn.convolution_backward(R, x, w, opts)
    check(gi, E.conv2d.gi, 1e-12, { 2, 4, 5, 6 })
    check(gw, E.conv2d.gw, 1e-12, { 6, 2, 3, 3 })
    check(gb, E.conv2d.gb, 1e-12, { 6 })
    -- float32, non-contiguous grad_output
    gi, gw, gb = nn.convolution_backward(noncontig(R:float()), x:float(), w:float(), opts)
    check(gi, E.conv2d.gi, 1e-5)
    check(gw, E.conv2d.gw, 1e-5)
    check(gb, E.conv2d.gb, 1e-5)
  end)

  it('leaves out the gradients output_mask does not ask for', function()
    local R = seq(E.conv2d.shape, 4)
    local o = { stride = { 2, 1 }, padding = { 1, 2 }, dilation = { 1, 2 }, groups = 2,
      output_mask = { false, true, false } }
    local gi, gw, gb = nn.convolution_backward(R, x, w, o)
    assert.is_nil(gi)
    assert.is_nil(gb)
    check(gw, E.conv2d.gw)
  end)

  it('handles an empty batch and an unbatched input', function()
    local y = nn.conv2d(torch.zeros(0, 4, 5, 6, { dtype = f64 }), w, b, opts)
    assert.are.same({ 0, 6, 3, 6 }, y:size():totable())
    local gi, gw, gb = nn.convolution_backward(y, torch.zeros(0, 4, 5, 6, { dtype = f64 }), w, opts)
    assert.are.same({ 0, 4, 5, 6 }, gi:size():totable())
    check(gw, flat(torch.zeros(6, 2, 3, 3)))
    check(gb, { 0, 0, 0, 0, 0, 0 })
    local y1 = nn.conv2d(x[1], w, b, opts)
    assert.are.same({ 6, 3, 6 }, y1:size():totable())
    local part = {}
    for i = 1, 6 * 3 * 6 do part[i] = E.conv2d.out[i] end
    check(y1, part)
  end)

  it('rejects bad arguments with the shapes, leaving the inputs alone', function()
    check_error(function() nn.conv2d(x, seq({ 6, 3, 3, 3 }, 0), nil, { groups = 2 }) end, { x },
      '[conv2d] weight of shape (6, 3, 3, 3) with groups=2 expects input with 6 channels, got input of shape (2, 4, 5, 6)')
    check_error(function() nn.conv2d(x, seq({ 6, 4, 3 }, 0)) end, { x },
      '[conv2d] expected a 4-D weight, got weight of shape (6, 4, 3)')
    check_error(function() nn.conv2d(x[1][1], w) end, {},
      '[conv2d] expected a 3-D (unbatched) or 4-D (batched) input, got input of shape (5, 6)')
    check_error(function() nn.conv2d(x, w, seq({ 5 }, 0), { groups = 2 }) end, { x },
      '[conv2d] expected bias of shape (6,), got (5,)')
    check_error(function() nn.conv2d(x, w, nil, { groups = 2, stride = 0 }) end, { x },
      '[conv2d] stride must be positive, got 0')
    check_error(function() nn.conv2d(x, w, nil, { groups = 2, kernel = 3 }) end, { x },
      '[conv2d] unknown option "kernel"')
    check_error(function() nn.conv2d(x, w, nil, { groups = 2, padding = 'same', stride = 2 }) end, { x },
      "[conv2d] padding='same' is not supported for strided convolutions")
    check_error(function() nn.conv2d(x:long(), w:long(), nil, { groups = 2 }) end, {},
      '[conv2d] expected a floating point input, got int64')
    check_error(function() nn.conv2d(x, w:float(), nil, { groups = 2 }) end, { x },
      '[conv2d] expected weight to have the input\'s dtype float64, got float32')
    check_error(function() nn.conv2d(x, seq({ 6, 2, 9, 3 }, 0), nil, { groups = 2 }) end, { x },
      '[conv2d] kernel size (9, 3) (dilated) is larger than the padded input size (5, 6)')
    check_error(function() nn.convolution_backward(seq({ 2, 6, 3, 3 }, 0), x, w, opts) end, { x, w },
      '[conv2d_backward] expected grad_output of shape (2, 6, 3, 6), got (2, 6, 3, 3)')
  end)
end)

describe('conv1d', function()
  local x, w, b = seq({ 2, 3, 7 }, 5), seq({ 4, 3, 3 }, 6), seq({ 4 }, 7)
  it('matches PyTorch, forward and backward', function()
    local y = nn.conv1d(x, w, b, 2, 1)
    check(y, E.conv1d.out, 1e-12, E.conv1d.shape)
    local gi, gw, gb = nn.convolution_backward(seq(E.conv1d.shape, 8), x, w, { stride = 2, padding = 1 })
    check(gi, E.conv1d.gi, 1e-12, { 2, 3, 7 })
    check(gw, E.conv1d.gw, 1e-12, { 4, 3, 3 })
    check(gb, E.conv1d.gb)
    check(nn.conv1d(noncontig(x:float()), w:float(), b:float(), { stride = 2, padding = 1 }), E.conv1d.out, 1e-5)
  end)
  it('rejects a 2-D weight', function()
    check_error(function() nn.conv1d(x, seq({ 4, 3 }, 0)) end, { x },
      '[conv1d] expected a 3-D weight, got weight of shape (4, 3)')
  end)
end)

describe('conv_transpose2d and conv_transpose1d', function()
  it('match PyTorch, forward and backward (groups, output_padding)', function()
    local x, w, b = seq({ 2, 4, 3, 3 }, 9), seq({ 4, 3, 3, 3 }, 10), seq({ 6 }, 11)
    local y = nn.conv_transpose2d(x, w, b, { stride = 2, padding = 1, output_padding = 1, groups = 2 })
    check(y, E.conv_transpose2d.out, 1e-12, E.conv_transpose2d.shape)
    -- PyTorch's positional order: bias, stride, padding, output_padding, groups, dilation
    check(nn.conv_transpose2d(x, w, b, 2, 1, 1, 2), E.conv_transpose2d.out)
    local gi, gw, gb = nn.convolution_backward(seq(E.conv_transpose2d.shape, 12), x, w,
      { transposed = true, stride = 2, padding = 1, output_padding = 1, groups = 2 })
    check(gi, E.conv_transpose2d.gi, 1e-12, { 2, 4, 3, 3 })
    check(gw, E.conv_transpose2d.gw, 1e-12, { 4, 3, 3, 3 })
    check(gb, E.conv_transpose2d.gb)
    check(nn.conv_transpose2d(noncontig(x:float()), w:float(), b:float(),
      { stride = 2, padding = 1, output_padding = 1, groups = 2 }), E.conv_transpose2d.out, 1e-5)

    local x1, w1 = seq({ 1, 2, 4 }, 13), seq({ 2, 3, 2 }, 14)
    local y1 = nn.conv_transpose1d(x1, w1, nil, { stride = 3, dilation = 2 })
    check(y1, E.conv_transpose1d.out, 1e-12, E.conv_transpose1d.shape)
    gi, gw, gb = nn.convolution_backward(seq(E.conv_transpose1d.shape, 15), x1, w1,
      { transposed = true, stride = 3, dilation = 2, output_mask = { true, true, false } })
    check(gi, E.conv_transpose1d.gi)
    check(gw, E.conv_transpose1d.gw)
    assert.is_nil(gb)
  end)
  it('checks output_padding', function()
    local x, w = seq({ 2, 4, 3, 3 }, 9), seq({ 4, 3, 3, 3 }, 10)
    check_error(function() nn.conv_transpose2d(x, w, nil, { stride = 2, output_padding = 2 }) end, { x },
      '[conv_transpose2d] output_padding (2) must be non-negative and smaller than either stride (2) or dilation (1)')
  end)
end)

-- ---------------------------------------------------------------------------- pooling

describe('max_pool2d, max_pool1d and their backward', function()
  local x = seq({ 1, 2, 5, 5 }, 16)
  it('return the maxima and their 1-based positions in each plane', function()
    local y, ind = nn.max_pool2d(x, 3, 2, 1)
    check(y, E.max_pool2d.out, 1e-12, E.max_pool2d.shape)
    check(ind, E.max_pool2d.ind)
    assert.are.equal(torch.int64, ind.dtype)
    check(nn.max_pool2d_backward(seq(E.max_pool2d.shape, 17), x, ind), E.max_pool2d.gi, 1e-12, { 1, 2, 5, 5 })
    local yf, indf = nn.max_pool2d(noncontig(x:float()), { kernel_size = 3, stride = 2, padding = 1 })
    check(yf, E.max_pool2d.out, 1e-6)
    check(indf, E.max_pool2d.ind)
  end)
  it('take dilation and ceil_mode', function()
    local y, ind = nn.max_pool2d(x, { 2, 3 }, { stride = { 2, 2 }, dilation = { 1, 2 }, ceil_mode = true })
    check(y, E.max_pool2d_ceil.out, 1e-12, E.max_pool2d_ceil.shape)
    check(ind, E.max_pool2d_ceil.ind)
    check(nn.max_pool2d_backward(seq(E.max_pool2d_ceil.shape, 18), x, ind), E.max_pool2d_ceil.gi)
  end)
  it('pool an unbatched (C, L) input in 1-d', function()
    local x1 = seq({ 2, 6 }, 19)
    local y, ind = nn.max_pool1d(x1, 2)
    check(y, E.max_pool1d.out, 1e-12, E.max_pool1d.shape)
    check(ind, E.max_pool1d.ind)
    check(nn.max_pool1d_backward(seq(E.max_pool1d.shape, 20), x1, ind), E.max_pool1d.gi)
  end)
  it('let NaN win', function()
    local y, ind = nn.max_pool1d(torch.tensor({ { 1, nan, 3, 2 } }, { dtype = f32 }), 2)
    local v = y[1][1]
    assert.is_true(v ~= v)
    check(ind, { 2, 3 })
  end)
  it('reject bad sizes and indices', function()
    check_error(function() nn.max_pool2d(x, 2, 2, 2) end, { x },
      '[max_pool2d] padding (2, 2) must be non-negative and at most half the kernel size (2, 2)')
    check_error(function() nn.max_pool2d(x, 7) end, { x },
      '[max_pool2d] input of shape (1, 2, 5, 5) is too small for kernel_size (7, 7)')
    check_error(function() nn.max_pool2d(x) end, { x }, '[max_pool2d] kernel_size is required')
    local _, ind = nn.max_pool2d(x, 3, 2, 1)
    local bad = ind:clone()
    bad[1][1][1][1] = 26
    check_error(function() nn.max_pool2d_backward(seq(E.max_pool2d.shape, 17), x, bad) end, { x, bad },
      '[max_pool2d_backward] index 26 is out of range (expected 1..25)')
    bad[1][1][1][1] = 0
    check_error(function() nn.max_pool2d_backward(seq(E.max_pool2d.shape, 17), x, bad) end, { x, bad },
      '[max_pool2d_backward] index 0 is out of range (expected 1..25)')
    check_error(function() nn.max_pool2d(x:int(), 2) end, {}, '[max_pool2d] expected a floating point input, got int32')
  end)
end)

describe('avg_pool2d, avg_pool1d and their backward', function()
  local x = seq({ 1, 2, 5, 5 }, 16)
  it('match PyTorch with ceil_mode and count_include_pad = false', function()
    local o = { stride = 2, padding = 1, ceil_mode = true, count_include_pad = false }
    check(nn.avg_pool2d(x, 3, o), E.avg_pool2d.out, 1e-12, E.avg_pool2d.shape)
    check(nn.avg_pool2d(x, 3, 2, 1, true, false), E.avg_pool2d.out)
    check(nn.avg_pool2d_backward(seq(E.avg_pool2d.shape, 21), x, 3, o), E.avg_pool2d.gi, 1e-12, { 1, 2, 5, 5 })
    check(nn.avg_pool2d(noncontig(x:float()), 3, o), E.avg_pool2d.out, 1e-6)
  end)
  it('match PyTorch with divisor_override and the stride defaulting to the kernel', function()
    local o = { padding = 1, divisor_override = 4 }
    check(nn.avg_pool2d(x, { 2, 3 }, o), E.avg_pool2d_div.out, 1e-12, E.avg_pool2d_div.shape)
    check(nn.avg_pool2d_backward(seq(E.avg_pool2d_div.shape, 22), x, { 2, 3 }, o), E.avg_pool2d_div.gi)
    check_error(function() nn.avg_pool2d(x, 2, { divisor_override = 0 }) end, { x },
      '[avg_pool2d] divisor_override must be a positive integer, got 0')
  end)
  it('pool in 1-d', function()
    local x1 = seq({ 2, 3, 8 }, 23)
    check(nn.avg_pool1d(x1, 3, 2, 1), E.avg_pool1d.out, 1e-12, E.avg_pool1d.shape)
    check(nn.avg_pool1d_backward(seq(E.avg_pool1d.shape, 24), x1, 3, 2, 1), E.avg_pool1d.gi)
    check_error(function() nn.avg_pool1d(x1, 3, { divisor_override = 2 }) end, { x1 },
      '[avg_pool1d] unknown option "divisor_override"')
  end)
  it('check the shape of grad_output', function()
    check_error(function() nn.avg_pool2d_backward(seq({ 1, 2, 2, 2 }, 0), x, 3, 2, 1) end, { x },
      '[avg_pool2d_backward] expected grad_output of shape (1, 2, 3, 3), got (1, 2, 2, 2)')
  end)
end)

describe('adaptive_avg_pool2d, adaptive_avg_pool1d and their backward', function()
  it('match PyTorch with overlapping windows', function()
    local x = seq({ 1, 2, 5, 7 }, 25)
    check(nn.adaptive_avg_pool2d(x, { 2, 3 }), E.adaptive_avg_pool2d.out, 1e-12, E.adaptive_avg_pool2d.shape)
    check(nn.adaptive_avg_pool2d_backward(seq(E.adaptive_avg_pool2d.shape, 26), x), E.adaptive_avg_pool2d.gi)
    check(nn.adaptive_avg_pool2d(noncontig(x:float()), { 2, 3 }), E.adaptive_avg_pool2d.out, 1e-6)
    assert.are.same({ 1, 2, 1, 1 }, nn.adaptive_avg_pool2d(x, 1):size():totable())
    local x1 = seq({ 2, 3, 8 }, 23)
    check(nn.adaptive_avg_pool1d(x1, 3), E.adaptive_avg_pool1d.out, 1e-12, E.adaptive_avg_pool1d.shape)
    check(nn.adaptive_avg_pool1d_backward(seq(E.adaptive_avg_pool1d.shape, 27), x1), E.adaptive_avg_pool1d.gi)
  end)
  it('reject empty planes', function()
    check_error(function() nn.adaptive_avg_pool2d(torch.zeros(2, 0, 3), 2) end, {},
      '[adaptive_avg_pool2d] expected an input with non-zero sizes (but for the batch), got input of shape (2, 0, 3)')
  end)
end)

-- ---------------------------------------------------------------------------- softmax

describe('softmax, log_softmax and their backward', function()
  local x = seq({ 2, 3, 4 }, 28)
  local R = seq({ 2, 3, 4 }, 29)
  it('match PyTorch along any dim, 1-based or negative', function()
    for _, c in ipairs({ { 'softmax_dim2', nn.softmax, nn.softmax_backward, 2 },
      { 'log_softmax_last', nn.log_softmax, nn.log_softmax_backward, -1 },
      { 'softmax_dim1', nn.softmax, nn.softmax_backward, 1 },
      { 'log_softmax_dim2', nn.log_softmax, nn.log_softmax_backward, 2 } }) do
      local e, f, fb, d = E[c[1]], c[2], c[3], c[4]
      local y = f(x, d)
      check(y, e.out, 1e-12, { 2, 3, 4 })
      check(fb(R, y, d), e.gi, 1e-12, { 2, 3, 4 })
      check(f(noncontig(x:float()), { dim = d }), e.out, 1e-6)
      check(fb(noncontig(R:float()), y:float(), d), e.gi, 1e-5)
    end
  end)
  it('cast first with dtype', function()
    local y = nn.softmax(x:float(), 2, { dtype = f64 })
    assert.are.equal(f64, y.dtype)
    check(y, E.softmax_dim2.out, 1e-7)
    assert.are.equal(f64, nn.log_softmax(torch.tensor({ 1, 2 }), 1, { dtype = 'float64' }).dtype)
  end)
  it('stay finite for large inputs and handle 0-dim and empty tensors', function()
    local y = nn.softmax(torch.tensor({ 1000, 1001 }, { dtype = f32 }), 1)
    check(y, { 1 / (1 + math.exp(1)), 1 / (1 + math.exp(-1)) }, 1e-6)
    check(nn.log_softmax(torch.tensor({ -inf, 0 }, { dtype = f64 }), 1), { -inf, 0 })
    check(nn.softmax(torch.tensor(3.5, { dtype = f64 }), 1), { 1 }, 0, {})
    check(nn.log_softmax(torch.tensor(3.5, { dtype = f64 }), -1), { 0 }, 0, {})
    assert.are.same({ 0, 3 }, nn.softmax(torch.zeros(0, 3), 2):size():totable())
  end)
  it('reject bad dims and integer inputs', function()
    check_error(function() nn.softmax(x, 4) end, { x },
      '[softmax] dimension 4 is out of range for a tensor with 3 dimensions (expected 1..3 or -3..-1)')
    check_error(function() nn.softmax(x, 0) end, { x }, 'dimensions are 1-based')
    check_error(function() nn.softmax(x) end, { x }, '[softmax] dim is required')
    check_error(function() nn.log_softmax(torch.tensor({ 1, 2 }), 1) end, {},
      '[log_softmax] expected a floating point input, got int64')
    check_error(function() nn.softmax_backward(R, x:narrow(1, 1, 1), 1) end, { R },
      '[softmax_backward] grad_output of shape (2, 3, 4) does not match output of shape (1, 3, 4)')
  end)
end)

-- ---------------------------------------------------------------------------- normalisation

describe('batch_norm and batch_norm_backward', function()
  local x, w, b = seq({ 4, 3, 2 }, 30), seq({ 3 }, 31), seq({ 3 }, 32)
  local R = seq({ 4, 3, 2 }, 35)
  it('normalise with the batch statistics in training and update the running stats', function()
    local rm, rv = seq({ 3 }, 33), prob({ 3 }, 34)
    local y, sm, si = nn.batch_norm(x, rm, rv, w, b, true, 0.2, 1e-3)
    check(y, E.batch_norm.out, 1e-12, { 4, 3, 2 })
    check(sm, E.batch_norm.save_mean)
    check(si, E.batch_norm.save_invstd)
    check(rm, E.batch_norm.rm)
    check(rv, E.batch_norm.rv)
    local gi, gw, gb = nn.batch_norm_backward(R, x, { weight = w, save_mean = sm, save_invstd = si, eps = 1e-3 })
    check(gi, E.batch_norm.gi, 1e-11)
    check(gw, E.batch_norm.gw, 1e-11)
    check(gb, E.batch_norm.gb)
  end)
  it('updates float32 running stats, and running stats that are strided views', function()
    local rm, rv = seq({ 3 }, 33, f32), prob({ 3 }, 34, f32)
    local y = nn.batch_norm(noncontig(x:float()), rm, rv, { weight = w:float(), bias = b:float(),
      training = true, momentum = 0.2, eps = 1e-3 })
    check(y, E.batch_norm.out, 1e-5)
    check(rm, E.batch_norm.rm, 1e-6)
    check(rv, E.batch_norm.rv, 1e-6)
    local buf = torch.zeros(3, 2, { dtype = f64 })
    buf:select(2, 1):copy_(seq({ 3 }, 33))
    buf:select(2, 2):copy_(prob({ 3 }, 34))
    nn.batch_norm(x, buf:select(2, 1), buf:select(2, 2), { training = true, momentum = 0.2, eps = 1e-3 })
    check(buf:select(2, 1), E.batch_norm.rm)
    check(buf:select(2, 2), E.batch_norm.rv)
  end)
  it('normalise with the running stats in evaluation mode', function()
    -- the running stats after the training step above, as PyTorch left them
    local rm, rv = torch.tensor(E.batch_norm.rm, { dtype = f64 }), torch.tensor(E.batch_norm.rv, { dtype = f64 })
    local y, sm, si = nn.batch_norm(x, rm, rv, w, b, false, 0.2, 1e-3)
    check(y, E.batch_norm_eval.out, 1e-12)
    assert.are.same({ 0 }, sm:size():totable())
    assert.are.same({ 0 }, si:size():totable())
    local gi, gw, gb = nn.batch_norm_backward(R, x, { weight = w, running_mean = rm, running_var = rv, eps = 1e-3 })
    check(gi, E.batch_norm_eval.gi)
    check(gw, E.batch_norm_eval.gw)
    check(gb, E.batch_norm_eval.gb)
  end)
  it('reject bad arguments and leave the running stats alone', function()
    local rm, rv = seq({ 3 }, 33), prob({ 3 }, 34)
    check_error(function() nn.batch_norm(x[1]:view(1, 3, 2):narrow(3, 1, 1), rm, rv, { training = true }) end,
      { rm, rv }, '[batch_norm] expected more than 1 value per channel when training, got input of shape (1, 3, 1)')
    check_error(function() nn.batch_norm(x, rm, rv, { weight = seq({ 4 }, 0), training = true }) end,
      { rm, rv, x }, '[batch_norm] expected weight of shape (3,), got (4,)')
    check_error(function() nn.batch_norm(x, rm, nil, { training = true }) end, { x, rm },
      '[batch_norm] running_mean and running_var must be given together')
    check_error(function() nn.batch_norm(x, nil, nil) end, { x },
      '[batch_norm] running_mean and running_var are required in evaluation mode')
    check_error(function() nn.batch_norm(x, rm:float(), rv, { training = true }) end, { rm, rv },
      "[batch_norm] expected running_mean to have the input's dtype float64, got float32")
    check_error(function() nn.batch_norm_backward(R, x, { training = true }) end, { x },
      '[batch_norm_backward] save_mean and save_invstd are required in training mode')
  end)
end)

describe('layer_norm and layer_norm_backward', function()
  local x, w, b = seq({ 2, 3, 4 }, 36), seq({ 3, 4 }, 37), seq({ 3, 4 }, 38)
  it('normalise over the trailing dims, forward and backward', function()
    local y, m, s = nn.layer_norm(x, { 3, 4 }, w, b)
    check(y, E.layer_norm.out, 1e-12, { 2, 3, 4 })
    check(m, E.layer_norm.mean, 1e-12, { 2, 1, 1 })
    check(s, E.layer_norm.rstd, 1e-12, { 2, 1, 1 })
    local gi, gw, gb = nn.layer_norm_backward(seq({ 2, 3, 4 }, 39), x, { 3, 4 }, m, s, w)
    check(gi, E.layer_norm.gi, 1e-11)
    check(gw, E.layer_norm.gw, 1e-12, { 3, 4 })
    check(gb, E.layer_norm.gb, 1e-12, { 3, 4 })
    local yf = nn.layer_norm(noncontig(x:float()), x:size(), { eps = 1e-5 })
    assert.are.same({ 2, 3, 4 }, yf:size():totable())
    check(nn.layer_norm(x:float(), torch.Size({ 3, 4 }), { weight = w:float(), bias = b:float() }), E.layer_norm.out, 1e-5)
  end)
  it('checks normalized_shape', function()
    check_error(function() nn.layer_norm(x, 3) end, { x },
      '[layer_norm] normalized_shape (3,) does not match the last dims of input of shape (2, 3, 4)')
    check_error(function() nn.layer_norm(x, 4, seq({ 3 }, 0)) end, { x },
      '[layer_norm] expected weight of shape (4,) (normalized_shape), got (3,)')
  end)
end)

describe('group_norm and group_norm_backward', function()
  local x, w, b = seq({ 2, 4, 3 }, 40), seq({ 4 }, 41), seq({ 4 }, 42)
  it('normalise groups of channels, forward and backward', function()
    local y, m, s = nn.group_norm(x, 2, w, b)
    check(y, E.group_norm.out, 1e-12, { 2, 4, 3 })
    check(m, E.group_norm.mean, 1e-12, { 2, 2 })
    check(s, E.group_norm.rstd, 1e-12, { 2, 2 })
    local gi, gw, gb = nn.group_norm_backward(seq({ 2, 4, 3 }, 43), x, m, s, 2, w)
    check(gi, E.group_norm.gi, 1e-11)
    check(gw, E.group_norm.gw)
    check(gb, E.group_norm.gb)
    check(nn.group_norm(noncontig(x:float()), 2, { weight = w:float(), bias = b:float() }), E.group_norm.out, 1e-5)
    gi, gw, gb = nn.group_norm_backward(seq({ 2, 4, 3 }, 43), x, m, s, 2, w, { output_mask = { true, false, false } })
    check(gi, E.group_norm.gi, 1e-11)
    assert.is_nil(gw)
    assert.is_nil(gb)
  end)
  it('checks the group count', function()
    check_error(function() nn.group_norm(x, 3) end, { x },
      '[group_norm] expected the number of channels (4) to be divisible by num_groups (3), got input of shape (2, 4, 3)')
  end)
end)

-- ---------------------------------------------------------------------------- embedding

describe('embedding and embedding_backward', function()
  local w = seq({ 5, 3 }, 44)
  local ix = torch.tensor({ { 5, 1, 5 }, { 3, 3, 2 } }) -- PyTorch's {{4, 0, 4}, {2, 2, 1}}
  it('pick rows by 1-based index and sum gradients back into them', function()
    check(nn.embedding(ix, w), E.embedding.out, 0, { 2, 3, 3 })
    check(nn.embedding(ix:int(), w:float()), E.embedding.out, 1e-7)
    local R = seq({ 2, 3, 3 }, 45)
    check(nn.embedding_backward(R, ix, 5, 3), E.embedding.gw, 1e-12, { 5, 3 })
    check(nn.embedding_backward(R, ix, 5, { padding_idx = -3 }), E.embedding.gw)
    check(nn.embedding_backward(R, ix, 5, { scale_grad_by_freq = true }), E.embedding_freq.gw)
    check(nn.embedding_backward(noncontig(R:float()), ix, 5, nil, true), E.embedding_freq.gw, 1e-6)
  end)
  it('rejects indices out of range', function()
    check_error(function() nn.embedding(torch.tensor({ 1, 6 }), w) end, { w },
      '[embedding] index 6 is out of range (expected 1..5)')
    check_error(function() nn.embedding(torch.tensor({ 0 }), w) end, { w },
      '[embedding] index 0 is out of range (expected 1..5)')
    check_error(function() nn.embedding(torch.tensor({ 1.5 }, { dtype = f32 }), w) end, { w },
      '[embedding] expected index to have an integer dtype, got float32')
    check_error(function() nn.embedding_backward(seq({ 2, 3, 3 }, 0), ix, 5, 6) end, {},
      '[embedding_backward] padding_idx 6 is out of range (expected 1..5 or -5..-1)')
  end)
end)

-- ---------------------------------------------------------------------------- losses

describe('nll_loss and nll_loss_backward', function()
  local x = nn.log_softmax(seq({ 4, 3 }, 46), 2)
  local t = torch.tensor({ 3, 1, 2, 3 }) -- PyTorch's {2, 0, 1, 2}
  local w = prob({ 3 }, 47)
  it('match PyTorch for every reduction, with weights and an ignored class', function()
    for _, red in ipairs({ 'none', 'mean', 'sum' }) do
      local e = E['nll_' .. red]
      local y, tw = nn.nll_loss(x, t, w, { ignore_index = 2, reduction = red })
      check(y, e.out, 1e-12)
      check(tw, { e.total_weight[1] }, 1e-12, {})
      local R = red == 'none' and seq({ 4 }, 48) or torch.tensor(0.75, { dtype = f64 })
      local gi = nn.nll_loss_backward(R, x, t, { weight = w, ignore_index = 2, reduction = red, total_weight = tw })
      check(gi, e.gi, 1e-12, { 4, 3 })
      check(nn.nll_loss(x:float(), t:int(), w:float(), { ignore_index = 2, reduction = red }), e.out, 1e-6)
    end
  end)
  it('takes (N, C, d) inputs and the mean by default', function()
    local x3 = seq({ 2, 3, 2 }, 49)
    local t3 = torch.tensor({ { 1, 3 }, { 2, 2 } })
    local y, tw = nn.nll_loss(x3, t3)
    check(y, E.nll_3d.out, 1e-12, {})
    check(nn.nll_loss_backward(torch.tensor(1, { dtype = f64 }), x3, t3, { total_weight = tw }), E.nll_3d.gi)
  end)
  it('gives NaN for the mean over nothing', function()
    local y = nn.nll_loss(torch.zeros(0, 3), torch.zeros(0, { dtype = torch.int64 }))
    assert.is_true(y:item() ~= y:item())
  end)
  it('rejects bad targets', function()
    check_error(function() nn.nll_loss(x, torch.tensor({ 3, 1, 4, 3 })) end, { x },
      '[nll_loss] target 4 is out of range (expected 1..3)')
    check_error(function() nn.nll_loss(x, torch.tensor({ 3, 0, 1, 1 })) end, { x },
      '[nll_loss] target 0 is out of range (expected 1..3)')
    check_error(function() nn.nll_loss(x, torch.tensor({ 1, 2, 3 })) end, { x },
      '[nll_loss] expected target of shape (4,) for input of shape (4, 3), got (3,)')
    check_error(function() nn.nll_loss(x, t, { reduction = 'avg' }) end, { x },
      "[nll_loss] reduction must be 'none', 'mean' or 'sum', got 'avg'")
    check_error(function() nn.nll_loss(x, t:double()) end, { x },
      '[nll_loss] expected target to have an integer dtype, got float64')
  end)
end)

describe('binary_cross_entropy(_with_logits) and their backward', function()
  local x, tg, w = prob({ 3, 4 }, 50), frac({ 3, 4 }, 51), prob({ 4 }, 52)
  it('match PyTorch for every reduction, with a broadcast weight', function()
    for _, red in ipairs({ 'none', 'mean', 'sum' }) do
      local e = E['bce_' .. red]
      check(nn.binary_cross_entropy(x, tg, w, { reduction = red }), e.out, 1e-12)
      local R = red == 'none' and seq({ 3, 4 }, 53) or torch.tensor(0.5, { dtype = f64 })
      local gi, gt = nn.binary_cross_entropy_backward(R, x, tg, w, { reduction = red })
      check(gi, e.gi, 1e-12, { 3, 4 })
      check(gt, e.gt, 1e-12, { 3, 4 })
      check(nn.binary_cross_entropy(noncontig(x:float()), tg:float(), w:float(), { reduction = red }), e.out, 1e-5)
    end
  end)
  it('with logits: match PyTorch with pos_weight, and without', function()
    local z, pw = seq({ 3, 4 }, 54), prob({ 4 }, 55) * 3
    for _, red in ipairs({ 'none', 'mean', 'sum' }) do
      local e = E['bcel_' .. red]
      check(nn.binary_cross_entropy_with_logits(z, tg, w, { pos_weight = pw, reduction = red }), e.out, 1e-12)
      local R = red == 'none' and seq({ 3, 4 }, 56) or torch.tensor(0.5, { dtype = f64 })
      local gi, gt = nn.binary_cross_entropy_with_logits_backward(R, z, tg, w, { pos_weight = pw, reduction = red })
      check(gi, e.gi, 1e-12)
      check(gt, e.gt, 1e-12)
    end
    check(nn.binary_cross_entropy_with_logits(z, tg), E.bcel_plain.out, 1e-12, {})
    local gi, gt = nn.binary_cross_entropy_with_logits_backward(torch.tensor(1, { dtype = f64 }), z, tg)
    check(gi, E.bcel_plain.gi)
    check(gt, E.bcel_plain.gt)
    check(nn.binary_cross_entropy_with_logits(torch.tensor({ 200, -200 }, { dtype = f32 }),
      torch.tensor({ 0, 1 }, { dtype = f32 }), { reduction = 'none' }), { 200, 200 }, 1e-6)
  end)
  it('reject inputs outside [0, 1] and shapes that do not fit', function()
    local bad = x:clone()
    bad[1][2] = 1.25
    check_error(function() nn.binary_cross_entropy(bad, tg) end, { bad, tg },
      '[binary_cross_entropy] all elements of input should be between 0 and 1, got 1.25')
    check_error(function() nn.binary_cross_entropy(x, tg:narrow(1, 1, 2)) end, { x },
      "[binary_cross_entropy] expected target of shape (3, 4) (the input's), got (2, 4)")
    check_error(function() nn.binary_cross_entropy_with_logits(x, tg, { pos_weight = seq({ 3 }, 0) }) end, { x },
      "[binary_cross_entropy_with_logits] pos_weight of shape (3,) cannot be broadcast to the input's shape (3, 4)")
    check_error(function() nn.binary_cross_entropy_backward(seq({ 3 }, 0), x, tg, { reduction = 'none' }) end, { x },
      '[binary_cross_entropy_backward] expected grad_output of shape (3, 4), got (3,)')
  end)
end)

-- ---------------------------------------------------------------------------- docs

describe('torch._nn', function()
  it('has a heading in docs/nn_kernels.md for every function', function()
    local f = assert(io.open('docs/nn_kernels.md', 'r'))
    local text = f:read('*a')
    f:close()
    local headings = {}
    for line in (text .. '\n'):gmatch('([^\n]*)\n') do
      if line:match('^#+%s') then headings[#headings + 1] = line end
    end
    local h = table.concat(headings, '\n')
    local missing = {}
    for name, v in pairs(nn) do
      if type(v) == 'function' and not h:find('torch%._nn%.' .. name .. '%f[^%w_]') then
        missing[#missing + 1] = name
      end
    end
    table.sort(missing)
    assert.are.same({}, missing)
  end)
end)

-- ---------------------------------------------------------------------------- expected

-- Expected values: PyTorch 1.13 (float64), from the inputs that seq/prob/frac build.
E = {
  conv2d = {
    shape = {2, 6, 3, 6},
    out = {-2.390625, -0.578125, 0.140625, -0.296875, -0.40625, -2.5625, -0.796875, 2.875, -3.703125, 0.484375, 1.359375, -0.203125, -0.953125, -4.21875, 1.65625, -0.109375, -5.453125, 2.40625, 0.140625, -3.875, 3.5625, 2.828125, -2.34375, -0.625, 3.125, -0.6875, -4.09375, 2.703125, 0.375, -2.921875, -2.703125, 2.9375, 0.453125, -4.484375, 2.34375, -1.015625, -0.5625, 1.09375, -1.28125, 0.203125, 2.90625, 2.75, 0.9375, 4.375, -0.171875, -1.546875, 1.90625, 2.625, 0.9375, -2.84375, 2.125, 3.0, 0.078125, 2.75, -2.890625, -2.75, 0.796875, -1.96875, -1.953125, 1.40625, -0.765625, -3.015625, -2.328125, -0.375, -3.953125, -0.65625, 1.21875, -0.84375, -3.203125, 2.046875, -1.8125, -3.53125, -0.015625, 1.84375, -4.609375, -0.84375, 2.5625, -1.34375, -1.71875, -0.3125, 3.265625, -2.953125, 0.25, 1.8125, -1.625, -1.96875, -0.65625, 0.703125, 2.015625, 0.21875, -1.09375, -0.75, 2.5625, -0.4375, -0.46875, 3.09375, 0.5625, -0.84375, -0.484375, 1.65625, -2.015625, 1.046875, 2.71875, 0.859375, -1.703125, 4.03125, 0.09375, -1.78125, -1.234375, 0.9375, -0.96875, -1.765625, -3.640625, -2.5625, -1.84375, -2.125, -1.8125, -1.578125, -0.703125, 1.328125, 1.40625, 1.015625, -5.015625, -1.03125, 1.5, -4.65625, 1.625, 1.921875, -1.90625, -2.640625, 2.65625, -0.296875, -1.5625, -1.0625, 2.21875, -3.5625, -1.734375, 2.875, -0.015625, -3.71875, 2.71875, 3.171875, -2.59375, 0.15625, 0.890625, 2.546875, 1.46875, 3.3125, -4.34375, -0.546875, 0.15625, -0.359375, -2.015625, 0.203125, 3.703125, 0.109375, 3.234375, 2.6875, 0.390625, -1.96875, 3.375, -0.78125, -1.109375, -0.25, -2.609375, -0.34375, -0.96875, -3.71875, 1.28125, 0.109375, -4.421875, 0.765625, 1.75, -2.859375, -5.140625, 0.34375, 1.84375, -2.96875, -1.421875, 1.53125, 1.375, -4.3125, 4.515625, 1.09375, -4.03125, 2.125, 0.28125, 2.046875, -3.03125, -2.0625, 1.953125, -0.078125, 0.25, -0.8125, 0.390625, -0.40625, -1.9375, -3.015625, 0.265625, 1.328125, -0.9375, 1.453125, 1.171875, -2.09375, 3.234375, 1.46875, -2.71875, 2.296875, 3.59375, -0.890625, -3.34375, 2.34375, 3.609375, -1.4375, 0.0625, 3.21875},
    gi = {1.328125, 1.109375, -2.765625, -0.1875, 2.5625, -2.40625, 2.75, -3.4375, -3.046875, -1.125, 4.75, -1.953125, -0.34375, 1.234375, -1.671875, -3.046875, 2.9375, -0.234375, 0.484375, 3.640625, 2.734375, -4.328125, 2.984375, 2.390625, -1.65625, 1.359375, 2.296875, -2.671875, 0.078125, 2.65625, 4.125, -1.46875, -2.140625, 6.03125, -0.359375, -0.28125, -0.1875, 2.28125, -0.578125, -1.125, -2.078125, 2.03125, 1.109375, 3.421875, -2.703125, -0.640625, 0.828125, -1.609375, -1.90625, 3.796875, -3.140625, 3.859375, 1.015625, -1.34375, -3.703125, 4.359375, -2.546875, -1.921875, 4.890625, -0.0625, 2.375, 0.09375, -3.5, -1.140625, 3.890625, -2.0625, 1.453125, 0.125, -1.875, 3.203125, 3.296875, 2.890625, -0.53125, 2.9375, -2.640625, -3.875, 4.828125, 3.1875, -1.125, 2.9375, -1.234375, -2.625, -5.25, 4.046875, -2.359375, 2.1875, 5.40625, -3.375, -3.9375, 4.125, 0.265625, -1.28125, 0.1875, 2.390625, -2.5, 1.625, 0.921875, 1.0625, -2.625, 1.0625, -4.0, 1.734375, 4.28125, 0.21875, -2.046875, 0.515625, -3.625, -1.65625, 1.765625, 3.34375, -1.34375, -1.96875, -2.296875, -3.390625, -1.046875, 0.28125, -1.40625, 0.078125, 3.875, -2.78125, 1.421875, 1.203125, -2.484375, -3.140625, 2.84375, -0.328125, 2.9375, 3.578125, 2.546875, -4.515625, 2.796875, 2.203125, -1.6875, 1.328125, 2.203125, -2.765625, -0.015625, 2.5625, -2.203125, 2.75, -1.375, -3.046875, -2.203125, 4.75, -1.5625, -0.34375, 2.578125, -1.671875, -2.875, 2.9375, 4.828125, 3.1875, -1.484375, -0.859375, 0.53125, -1.90625, -5.25, 4.046875, -0.703125, 4.140625, 1.140625, -1.21875, -3.9375, 4.125, -2.765625, -2.140625, 4.59375, -0.359375, -1.578125, -0.1875, -0.75, -0.578125, -3.3125, -2.078125, -3.0, 1.109375, 2.0625, -2.703125, -1.765625, 0.828125, -0.34375, 3.125, -2.765625, -3.640625, 4.59375, 0.796875, -1.109375, 2.953125, 2.828125, -1.4375, -3.5625, 2.859375, -2.171875, 2.375, 1.6875, -3.5, -2.015625, 3.890625, -3.6875, 1.453125, 0.953125, -1.875, 1.546875, 3.296875, -2.921875, -0.53125, 5.78125, -2.640625, -3.234375, 4.828125, 4.265625, 0.203125, -1.9375, 3.140625, -3.34375, -1.375, 1.375, 2.953125, -3.640625, 1.125, 1.5, -2.46875, -1.0625, 0.265625, -2.734375, 0.1875, 0.203125, -2.5, -3.890625, 0.921875, -2.71875, -2.625, 0.328125, -4.0, -1.0, 4.28125, -1.734375, -2.046875, 3.03125, -3.625},
    gw = {3.765625, -3.484375, -4.265625, -2.15625, -5.734375, 3.484375, 4.78125, -4.21875, 2.84375, 4.796875, -0.828125, -2.59375, -2.3125, -0.890625, -2.71875, 3.78125, -5.6875, 1.40625, -4.671875, -2.71875, 3.15625, -2.953125, 8.171875, -2.8125, -2.578125, 3.734375, -0.515625, -2.578125, -2.0625, 4.8125, -2.953125, -0.046875, 0.484375, -4.671875, 8.53125, -0.890625, 3.78125, -1.234375, -0.203125, -2.3125, -6.671875, 4.1875, 4.796875, -3.765625, 0.078125, 4.78125, -4.734375, -4.671875, -2.15625, 0.796875, 0.453125, 3.765625, -4.203125, -0.3125, 0.546875, -0.6875, -1.390625, -2.484375, -5.03125, 6.90625, -0.34375, 2.90625, -0.859375, 4.765625, -3.671875, -3.0, -3.25, -1.640625, 2.96875, -0.3125, -4.203125, 3.765625, 1.421875, -4.640625, -0.46875, 0.984375, 8.625, -8.78125, -0.90625, 4.34375, -2.09375, -3.71875, 4.75, 0.0625, 0.375, 3.625, -2.5, -0.890625, 8.53125, -4.671875, 0.5, -0.6875, -1.34375, -0.578125, -6.109375, 7.15625, 0.328125, 0.390625, -0.8125, 4.6875, -3.71875, -2.984375, 0.046875, -1.890625, 2.8125, 1.40625, -5.6875, 3.78125},
    gb = {-3.375, 3.0, -2.125, 1.375, -0.875, -0.25},
  },
  conv2d_same = {
    shape = {2, 6, 5, 6},
    out = {-0.953125, 1.5625, -1.390625, 2.125, -0.828125, -1.65625, 3.328125, 0.125, -1.796875, -0.125, -2.765625, 1.703125, -1.234375, 1.53125, 3.5625, -3.03125, 3.3125, -0.125, -2.921875, 0.421875, 0.296875, 1.96875, 0.046875, -2.671875, -0.03125, -1.703125, 1.5625, -1.640625, -0.890625, 2.75, 0.921875, 1.53125, -1.71875, 1.859375, -1.03125, 1.34375, 1.296875, -0.359375, -0.03125, -0.0625, -0.09375, 1.359375, 1.78125, -0.546875, -0.21875, -0.25, 0.4375, -1.890625, 1.1875, -3.25, -0.765625, -0.796875, -0.109375, -1.90625, 1.15625, -0.609375, -0.515625, 1.375, -1.046875, -1.765625, -0.4375, -1.734375, -2.765625, 3.390625, 3.078125, -3.203125, 3.9375, 3.828125, -4.375, -0.359375, -0.296875, -1.140625, -1.3125, 3.484375, -0.40625, -4.65625, 4.390625, 3.890625, -3.328125, 0.625, 3.203125, -1.046875, -0.265625, -0.421875, -0.53125, -3.109375, 2.796875, 2.234375, -2.640625, 3.421875, -0.546875, 0.484375, -1.5625, -1.8125, 2.96875, 0.46875, -0.484375, -0.21875, 3.171875, -2.421875, 2.765625, 2.265625, -1.046875, -1.078125, 1.59375, -3.28125, -1.328125, 2.640625, 3.78125, -2.296875, -0.34375, 4.84375, -3.265625, -1.296875, -0.90625, -0.75, 1.265625, 1.484375, -0.8125, -2.15625, -0.125, -0.828125, -0.296875, 2.03125, -3.1875, 1.65625, -2.359375, -0.46875, 3.015625, -2.484375, -1.515625, -2.234375, -0.03125, 2.828125, -2.671875, 0.8125, 2.859375, -2.921875, 3.375, -2.5, -0.453125, 0.515625, 0.765625, -0.015625, -0.453125, -0.578125, 1.5, -2.53125, 3.5, 3.375, -0.421875, 0.375, -1.546875, -1.671875, 2.875, -0.03125, -0.28125, -0.359375, 3.21875, -2.1875, 2.828125, 1.890625, -0.8125, -1.171875, 1.6875, -3.0, -0.859375, 3.015625, 3.6875, -2.34375, -0.203125, 4.8125, -3.109375, -0.890625, -1.078125, -0.765625, 1.375, 1.359375, -0.8125, -1.875, -0.15625, 2.25, -0.703125, -2.21875, -0.859375, -0.578125, -0.234375, -1.578125, 1.53125, 3.5625, -3.03125, 3.234375, 0.59375, -3.765625, 0.421875, 0.296875, 1.96875, -0.390625, -0.375, 1.953125, -3.203125, 3.140625, -0.21875, -2.578125, 1.96875, -0.828125, 0.640625, -1.125, -1.09375, 0.71875, -2.625, 2.171875, -0.71875, 1.78125, -1.109375, -1.921875, -2.3125, 2.0, -0.546875, -0.21875, -0.25, -1.46875, -0.03125, 2.53125, -3.25, -0.765625, -0.796875, 1.75, 0.453125, 2.703125, -0.203125, 0.484375, -0.265625, 2.453125, -0.109375, 0.9375, -1.125, 2.203125, -0.9375, 0.84375, -0.421875, 3.171875, 2.859375, -4.640625, -1.0, 1.765625, -0.4375, -2.328125, 3.484375, -0.40625, -4.65625, 3.890625, 0.78125, -5.90625, 0.625, 3.203125, -1.046875, -1.140625, 0.203125, -1.578125, -4.75, 4.296875, 3.640625, -4.375, 2.484375, 2.703125, -2.171875, -1.296875, 1.375, -2.265625, 2.671875, -2.921875, 1.859375, 2.328125, -2.953125, 1.453125, 1.203125, -3.03125, -1.078125, 1.59375, -3.28125, -1.375, -1.15625, 3.296875, -2.296875, -0.34375, 4.84375, -2.4375, 0.078125, 1.71875, -3.15625, -1.203125, 3.984375, -1.703125, -0.4375, -1.453125, 2.0, -1.015625, 1.71875, 1.46875, 2.703125, 0.03125, -0.875, 2.171875, -0.53125, -0.625, -1.4375, 0.78125, 2.828125, -2.671875, 0.8125, 3.0625, -0.90625, 3.0, -2.5, -0.453125, 0.515625, 0.21875, -0.734375, -2.6875, 0.796875, 2.84375, -4.453125, 3.484375, -0.015625, -1.328125, 2.1875, -0.765625, -2.28125, -1.65625, 2.375, -3.125, 1.78125, 2.375, -2.78125, 1.96875, 0.59375, -3.3125, -1.171875, 1.6875, -3.0, -0.765625, -1.734375, 3.0625, -2.34375, -0.203125, 4.8125, -2.515625, -0.109375, 1.53125, -3.15625, -1.015625, 4.0, -2.109375, -0.3125, -1.5625, 2.015625, -0.875, 1.625, 0.96875},
  },
  conv1d = {
    shape = {2, 4, 4},
    out = {0.4375, -3.296875, 1.734375, -0.59375, 1.03125, 0.875, 0.5625, 1.15625, 0.546875, 2.171875, 1.546875, 1.828125, -1.375, 1.671875, -4.296875, -2.171875, -0.921875, 1.734375, -3.296875, 0.765625, -1.078125, -3.125, 0.875, -0.03125, 4.15625, 0.640625, 2.171875, 1.328125, -0.3125, -0.625, 1.671875, -0.1875},
    gi = {-2.515625, -1.8125, 0.53125, 2.125, 1.421875, 1.75, 0.15625, 0.15625, 1.578125, -2.703125, -0.546875, 0.546875, 1.28125, 1.640625, 0.3125, -2.21875, -2.703125, -2.140625, 0.390625, 1.890625, 1.328125, 0.234375, -2.421875, -2.828125, 1.515625, 1.65625, 2.21875, 0.390625, 1.484375, -0.796875, 0.78125, -2.203125, 0.078125, 1.421875, 1.171875, 1.296875, 1.90625, 0.4375, -4.84375, 0.296875, 1.703125, 1.234375},
    gw = {-0.5, 2.140625, -1.4375, -0.34375, 2.234375, 1.421875, 1.96875, -1.984375, -1.828125, 2.171875, -0.765625, -0.5625, -0.21875, -0.953125, -0.25, -0.453125, -0.78125, 2.21875, 1.96875, -4.03125, 2.46875, -1.890625, -3.421875, 1.3125, -3.59375, 2.21875, 2.3125, -1.46875, -0.109375, 1.90625, 1.46875, 0.21875, -1.796875, -1.703125, 1.984375, -3.34375},
    gb = {0.25, -0.5, 1.625, 0.875},
  },
  conv_transpose2d = {
    shape = {2, 6, 6, 6},
    out = {-1.25, 0.265625, 0.171875, 1.671875, 0.15625, -2.546875, -3.03125, 1.625, -0.1875, 1.5625, 1.9375, -4.265625, -1.65625, 0.171875, -0.234375, 0.5, 1.1875, 1.28125, 0.109375, 0.359375, -1.0, 0.296875, 1.84375, -0.5625, 1.171875, -2.4375, -0.640625, 0.40625, 0.78125, 1.15625, 1.015625, -2.46875, -0.515625, 0.21875, 0.46875, 0.84375, 0.5625, -1.171875, 0.671875, 2.28125, 1.5, 0.953125, 0.09375, 0.0625, 0.3125, 1.9375, 1.96875, 1.515625, 0.53125, -1.234375, 0.640625, -1.015625, 0.75, 2.28125, 1.828125, -3.296875, 0.25, -1.421875, 0.46875, 2.375, 1.578125, 2.296875, 0.609375, -1.078125, 0.71875, 1.8125, 1.421875, 2.265625, 0.734375, -1.265625, 0.40625, 1.5, -0.5, -0.8125, -1.703125, -3.578125, -0.03125, -0.578125, 0.34375, -1.140625, -2.0625, -0.5625, -0.875, 0.109375, -0.15625, -0.84375, -1.359375, -0.734375, -2.5625, -1.03125, 0.671875, 0.234375, -1.375, 0.8125, -3.78125, -1.15625, -0.890625, 0.5625, -1.015625, -0.765625, -2.21875, -1.125, -1.046875, -1.265625, -0.890625, -0.234375, -2.53125, -1.4375, -1.703125, -2.875, 0.109375, 1.46875, 0.125, -0.53125, -2.875, -2.0625, 0.75, 0.875, 0.78125, -0.96875, -1.296875, -2.78125, 0.515625, 1.5625, 0.53125, -0.5625, -2.0625, -2.59375, 1.5625, 0.34375, 1.59375, -1.03125, -0.890625, -2.6875, 0.921875, 1.65625, 0.9375, -0.59375, -1.015625, -0.5, 1.078125, -1.34375, 1.375, -0.15625, 1.28125, 0.1875, -1.8125, 0.46875, 1.5625, 0.90625, 2.953125, -0.375, -0.71875, 0.1875, 0.28125, 1.40625, 1.34375, 0.3125, -1.75, 0.59375, 1.625, 1.25, 2.359375, -0.125, -1.3125, 0.4375, -0.3125, 2.09375, 1.40625, 0.4375, -1.6875, 0.71875, 1.6875, 1.59375, 0.921875, 0.46875, 0.625, 1.3125, -1.46875, 2.03125, -0.765625, 0.015625, -0.5, -3.765625, -2.03125, -0.53125, -0.5625, 1.3125, -0.03125, -6.25, -3.09375, 0.1875, -1.046875, 0.171875, -0.78125, -3.609375, -2.3125, -0.53125, -1.125, 1.625, -0.59375, -5.9375, -3.65625, 0.1875, -1.328125, 0.328125, -1.0625, -3.453125, -2.59375, -0.53125, -1.453125, 0.359375, -0.90625, -2.859375, -2.15625, -0.09375, -1.453125, 0.21875, -0.03125, 0.546875, 1.390625, 1.34375, -3.4375, 1.890625, -0.59375, 0.03125, 2.25, -0.796875, -1.859375, 0.125, -0.4375, 0.453125, 0.984375, 1.21875, -0.296875, 0.625, -1.40625, 0.5625, 1.4375, -0.328125, 0.96875, -2.484375, -0.84375, 0.359375, 0.578125, 1.09375, 0.875, -2.390625, -0.65625, 0.296875, 0.328125, 0.84375, 0.546875, -1.203125, 0.65625, -0.984375, 0.765625, 2.515625, 0.0625, 0.359375, 0.28125, -1.71875, 0.5, 2.484375, 0.515625, -1.265625, 0.625, -1.046875, 0.734375, 2.046875, 1.796875, -3.0, 0.21875, -1.125, 0.4375, 2.265625, 1.5625, 2.265625, 0.59375, -1.109375, 0.703125, 1.578125, 1.46875, 2.359375, 0.78125, -1.171875, 0.453125, 1.328125, -0.328125, -0.828125, -1.53125, -0.71875, -2.734375, -0.984375, 0.6875, -1.53125, -1.71875, 1.203125, -4.125, -1.0625, 0.015625, -0.859375, -1.1875, -0.75, -2.390625, -1.078125, 1.015625, -0.15625, -1.03125, 0.421875, -3.4375, -1.25, -0.71875, 0.546875, -0.84375, -0.78125, -2.046875, -1.171875, -0.8125, -1.515625, -0.65625, -0.484375, -2.296875, -1.421875, -1.5, -2.828125, 0.3125, 1.515625, 0.328125, -0.546875, -2.46875, -2.328125, 1.15625, 0.609375, 1.1875, -1.0, -1.09375, -2.734375, 0.71875, 1.609375, 0.734375, -0.578125, -1.65625, 0.375, -0.546875, 0.078125, 2.0, -1.0625, -0.6875, -0.125, -2.109375, 0.984375, 1.140625, -0.609375, -0.75, 1.109375, -2.609375, -2.96875, 1.640625, -0.109375, 1.3125, 0.25, -1.78125, 0.53125, 1.59375, 1.078125, 2.65625, -0.25, -1.015625, 0.3125, -0.015625, 1.75, 1.375, 0.375, -1.71875, 0.65625, 1.65625, 1.421875, 2.0625, 1.078125, 1.984375, -1.59375, -0.609375, 2.4375, 1.4375, 0.859375, 1.21875, -2.09375, 1.71875, 1.765625, 0.65625, 0.296875, 2.515625, -2.09375, -1.734375, 2.265625, -0.90625, 0.09375, -0.640625, -3.6875, -2.171875, -0.53125, -0.84375, 1.46875, -0.3125, -6.09375, -3.375, 0.1875, -1.1875, 0.25, -0.921875, -3.53125, -2.453125, -0.53125, -1.40625, 0.703125, 0.5625, -1.828125, -3.9375, 0.1875, -1.46875, -1.390625, -0.484375, -0.140625, -2.734375, -0.53125, -1.53125, -1.953125, -0.984375, -0.140625, -2.234375, -0.03125},
    gi = {3.5625, -2.84375, -1.0, -2.296875, -0.640625, 1.5625, -3.15625, 1.4375, -5.34375, 0.65625, -2.140625, 1.0625, -4.671875, 3.03125, 2.0625, -0.25, 2.25, -5.90625, -0.25, 3.796875, -0.625, -0.9375, -0.90625, -0.375, -0.9375, -2.75, 2.8125, -1.296875, 3.875, -4.21875, 7.5625, -4.28125, -0.453125, -4.40625, 3.234375, -0.84375, 3.0, -4.25, 3.703125, -5.1875, 10.53125, -2.359375, 4.375, -0.6875, -0.640625, -1.21875, 3.46875, 2.71875, -0.546875, 6.578125, -5.890625, 6.03125, -7.5, 3.03125, -0.921875, 2.40625, -2.375, -1.296875, -1.03125, 3.8125, 0.140625, 1.078125, -0.90625, 4.265625, -4.875, 1.40625, -0.875, 0.546875, 4.015625, -2.0625, 7.34375, -4.28125},
    gw = {-0.578125, 2.1875, 2.359375, -0.125, -3.78125, 1.5, 0.765625, 2.75, -2.390625, 2.03125, -0.25, 2.796875, -0.890625, -4.125, 1.15625, 3.953125, 0.96875, -1.296875, 1.40625, -0.53125, 0.0, -1.65625, -1.59375, -3.140625, 3.90625, 0.625, -3.4375, 0.734375, 0.203125, -2.109375, -0.671875, 1.6875, -0.890625, -1.03125, 4.1875, 5.5625, 1.9375, 4.28125, -3.421875, -0.671875, 1.953125, -0.625, 0.765625, -1.296875, 5.109375, -0.09375, 4.40625, 0.296875, -0.671875, 2.9375, 1.796875, -0.671875, -1.03125, 1.421875, 2.875, -0.90625, -1.03125, 3.953125, -2.4375, -3.171875, -0.890625, 3.9375, -1.46875, 3.390625, -0.734375, -0.859375, 0.765625, -5.875, -1.21875, -0.125, 4.09375, -1.3125, 3.90625, -0.5625, -0.6875, 1.171875, 0.75, -3.9375, 0.640625, 4.25, -2.59375, -1.828125, 1.5625, 1.46875, -1.84375, -2.328125, -1.9375, 0.6875, 1.09375, 1.125, -1.640625, 1.78125, 1.6875, 0.40625, -1.921875, -2.25, 0.78125, 1.140625, 1.171875, -1.453125, 2.0, 1.90625, -2.015625, 0.28125, 1.03125, 0.875, 1.1875, -2.375},
    gb = {0.625, 0.25, -0.125, -0.5, -0.875, 1.625},
  },
  conv_transpose1d = {
    shape = {1, 3, 12},
    out = {-0.015625, 0.0, 0.96875, 0.5625, 0.0, 0.5625, -0.296875, 0.0, -1.28125, -0.078125, 0.0, 0.46875, -1.28125, 0.0, -0.296875, 0.5625, 0.0, 0.5625, 0.96875, 0.0, -0.015625, -0.78125, 0.0, -0.234375, 0.6875, 0.0, 0.953125, 0.5625, 0.0, -2.671875, -1.0, 0.0, 0.53125, 0.3125, 0.0, 0.859375},
    gi = {1.0625, 0.8125, 0.5625, 0.3125, 0.65625, 0.4375, 0.21875, 0.0},
    gw = {0.40625, -0.15625, -0.09375, 0.78125, 0.84375, 0.28125, 0.0, -0.140625, -0.125, 0.09375, 0.109375, -0.03125},
  },
  max_pool2d = {
    shape = {1, 2, 3, 3},
    out = {0.625, 1.0, 1.25, 0.75, 1.125, 1.375, 0.875, 1.125, 0.625, 1.0, 1.25, 0.75, 1.125, 1.375, 0.875, 1.125, 0.875, 0.875},
    ind = {1, 8, 5, 11, 18, 15, 21, 18, 24, 6, 3, 9, 16, 13, 19, 16, 19, 19},
    gi = {0.75, 0.0, 0.0, 0.0, -0.375, 0.0, 0.0, -1.25, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, -0.625, 0.0, 0.0, 2.5, 0.0, 0.0, 0.25, 0.0, 0.0, -0.875, 0.0, 0.0, 0.0, 0.875, 0.0, 0.0, 0.0, 0.0, 0.0, -1.125, 0.0, 0.0, 0.0, 0.625, 0.0, 0.0, -0.75, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
  },
  max_pool2d_ceil = {
    shape = {1, 2, 3, 1},
    out = {1.25, 1.375, 0.875, 1.25, 1.375, 0.375},
    ind = {5, 15, 21, 3, 13, 25},
    gi = {0.0, 0.0, 0.0, 0.0, 0.875, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.125, 0.0, 0.0, 0.0, 0.0, 0.0, -0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.625, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.375, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5},
  },
  max_pool1d = {
    shape = {2, 3},
    out = {1.0, 0.75, -0.375, 1.375, 0.25, 1.125},
    ind = {1, 4, 6, 2, 4, 5},
    gi = {1.125, 0.0, 0.0, -0.875, 0.0, 0.0, 0.0, 0.875, 0.0, -1.125, -0.25, 0.0},
  },
  avg_pool2d = {
    shape = {1, 2, 3, 3},
    out = {-0.34375, -0.22916666666666666, 0.125, -0.25, -0.05555555555555555, -0.020833333333333332, -0.15625, -0.041666666666666664, -0.40625, -0.03125, 0.08333333333333333, -0.28125, 0.0625, 0.09722222222222222, -0.1875, 0.15625, -0.20833333333333334, -0.09375},
    gi = {0.3125, 0.1875, -0.125, -0.09375, 0.03125, 0.47916666666666663, 0.24305555555555552, -0.2361111111111111, -0.22569444444444445, 0.010416666666666668, 0.16666666666666666, 0.05555555555555555, -0.1111111111111111, -0.13194444444444445, -0.020833333333333332, 0.35416666666666663, 0.03472222222222221, -0.3194444444444444, -0.4340277777777778, -0.11458333333333333, 0.1875, -0.020833333333333343, -0.20833333333333334, -0.30208333333333337, -0.09375, 0.125, 0.35416666666666663, 0.22916666666666666, 0.07291666666666666, -0.15625, 0.16666666666666666, 0.5208333333333333, 0.35416666666666663, 0.052083333333333315, -0.30208333333333337, 0.041666666666666664, 0.16666666666666666, 0.125, -0.020833333333333343, -0.14583333333333334, 0.041666666666666664, 0.3125, 0.27083333333333337, -0.15625, -0.42708333333333337, 0.0, 0.14583333333333334, 0.14583333333333334, -0.13541666666666666, -0.28125},
  },
  avg_pool2d_div = {
    shape = {1, 2, 3, 2},
    out = {-0.1875, 0.28125, -0.28125, 0.34375, -0.15625, -0.1875, -0.03125, 0.15625, 0.03125, 0.09375, 0.15625, -0.4375},
    gi = {0.34375, 0.34375, -0.15625, -0.15625, -0.15625, 0.0625, 0.0625, 0.28125, 0.28125, 0.28125, 0.0625, 0.0625, 0.28125, 0.28125, 0.28125, -0.21875, -0.21875, 0.0, 0.0, 0.0, -0.21875, -0.21875, 0.0, 0.0, 0.0, 0.21875, 0.21875, -0.28125, -0.28125, -0.28125, -0.0625, -0.0625, 0.15625, 0.15625, 0.15625, -0.0625, -0.0625, 0.15625, 0.15625, 0.15625, -0.34375, -0.34375, -0.125, -0.125, -0.125, -0.34375, -0.34375, -0.125, -0.125, -0.125},
  },
  avg_pool1d = {
    shape = {2, 3, 4},
    out = {-0.625, 0.375, 0.20833333333333334, 0.041666666666666664, 0.20833333333333334, -0.2916666666666667, 0.5, 0.3333333333333333, 0.08333333333333333, 0.0, -0.16666666666666666, -0.3333333333333333, -0.041666666666666664, 0.2916666666666667, 0.125, -0.041666666666666664, -0.16666666666666666, -0.375, 0.4166666666666667, 0.25, -0.2916666666666667, -0.08333333333333333, -0.25, -0.4166666666666667},
    gi = {-0.4166666666666667, -0.5416666666666667, -0.125, 0.04166666666666666, 0.16666666666666666, 0.625, 0.4583333333333333, 0.4583333333333333, -0.20833333333333334, -0.125, 0.08333333333333333, 0.4583333333333333, 0.375, 0.08333333333333331, -0.2916666666666667, -0.2916666666666667, 0.0, 0.2916666666666667, 0.2916666666666667, -0.08333333333333331, -0.375, -0.4583333333333333, -0.08333333333333333, -0.08333333333333333, 0.20833333333333334, -0.24999999999999997, -0.4583333333333333, -0.625, -0.16666666666666666, -0.04166666666666666, 0.125, 0.125, 0.4166666666666667, 0.16666666666666669, -0.25, -0.20833333333333334, 0.041666666666666664, 0.375, 0.3333333333333333, 0.3333333333333333, -0.3333333333333333, -0.375, -0.041666666666666664, 0.20833333333333334, 0.25, -0.16666666666666669, -0.4166666666666667, -0.4166666666666667},
  },
  adaptive_avg_pool2d = {
    shape = {1, 2, 2, 3},
    out = {0.125, -0.041666666666666664, 0.1111111111111111, 0.23611111111111113, 0.06944444444444445, -0.09722222222222222, -0.23611111111111113, 0.23611111111111113, 0.06944444444444445, -0.125, 0.027777777777777776, 0.18055555555555555},
    gi = {-0.1111111111111111, -0.1111111111111111, -0.125, -0.013888888888888888, 0.06944444444444445, 0.08333333333333333, 0.08333333333333333, -0.1111111111111111, -0.1111111111111111, -0.125, -0.013888888888888888, 0.06944444444444445, 0.08333333333333333, 0.08333333333333333, -0.25, -0.25, -0.3055555555555556, -0.05555555555555555, 0.08333333333333334, 0.1388888888888889, 0.1388888888888889, -0.1388888888888889, -0.1388888888888889, -0.18055555555555555, -0.041666666666666664, 0.013888888888888888, 0.05555555555555555, 0.05555555555555555, -0.1388888888888889, -0.1388888888888889, -0.18055555555555555, -0.041666666666666664, 0.013888888888888888, 0.05555555555555555, 0.05555555555555555, 0.15277777777777776, 0.15277777777777776, 0.08333333333333331, -0.06944444444444445, -0.04166666666666667, 0.027777777777777776, 0.027777777777777776, 0.15277777777777776, 0.15277777777777776, 0.08333333333333331, -0.06944444444444445, -0.04166666666666667, 0.027777777777777776, 0.027777777777777776, 0.2777777777777778, 0.2777777777777778, 0.11111111111111109, -0.16666666666666669, -0.1388888888888889, 0.027777777777777776, 0.027777777777777776, 0.125, 0.125, 0.027777777777777776, -0.09722222222222222, -0.09722222222222222, 0.0, 0.0, 0.125, 0.125, 0.027777777777777776, -0.09722222222222222, -0.09722222222222222, 0.0, 0.0},
  },
  adaptive_avg_pool1d = {
    shape = {2, 3, 3},
    out = {-0.5, 0.25, 0.041666666666666664, -0.20833333333333334, 0.0625, 0.3333333333333333, 0.08333333333333333, -0.125, -0.3333333333333333, 0.375, 0.40625, -0.041666666666666664, -0.2916666666666667, 0.21875, 0.25, 0.0, 0.03125, -0.4166666666666667},
    gi = {-0.2916666666666667, -0.2916666666666667, -0.2916666666666667, 0.0, 0.0, 0.2916666666666667, 0.2916666666666667, 0.2916666666666667, -0.375, -0.375, -0.4375, -0.0625, -0.0625, 0.14583333333333334, 0.20833333333333334, 0.20833333333333334, -0.4583333333333333, -0.4583333333333333, -0.5833333333333333, -0.125, -0.125, 0.0, 0.125, 0.125, 0.4166666666666667, 0.4166666666666667, 0.22916666666666669, -0.1875, -0.1875, -0.14583333333333334, 0.041666666666666664, 0.041666666666666664, 0.3333333333333333, 0.3333333333333333, 0.08333333333333331, -0.25, -0.25, -0.2916666666666667, -0.041666666666666664, -0.041666666666666664, 0.25, 0.25, -0.0625, -0.3125, -0.3125, -0.4375, -0.125, -0.125},
  },
  softmax_dim2 = {
    out = {0.15726759716415167, 0.15726759716415167, 0.7678657993107757, 0.15726759716415167, 0.2938145526370056, 0.2938145526370056, 0.0809324598149319, 0.2938145526370056, 0.5489178501988426, 0.5489178501988426, 0.15120174087429233, 0.5489178501988426, 0.7678657993107757, 0.15726759716415167, 0.15726759716415167, 0.7678657993107757, 0.0809324598149319, 0.2938145526370056, 0.2938145526370056, 0.0809324598149319, 0.15120174087429233, 0.5489178501988426, 0.5489178501988426, 0.15120174087429233},
    gi = {-0.13678843211728095, 0.11140166798890981, 0.32849365200058617, -0.13678843211728095, -0.07192033992847362, 0.3917598112696159, -0.14747505838924008, -0.07192033992847362, 0.20870877204575458, -0.5031614792585257, -0.1810185936113461, 0.20870877204575458, 0.32849365200058617, -0.13678843211728095, -0.13678843211728095, 0.32849365200058617, -0.14747505838924008, -0.07192033992847362, -0.0719203399284736, -0.14747505838924008, -0.1810185936113461, 0.20870877204575458, 0.2087087720457546, -0.1810185936113461},
  },
  log_softmax_last = {
    out = {-2.295789933406345, -1.4207899334063452, -0.5457899334063453, -2.545789933406345, -1.5045947172533705, -0.6295947172533705, -2.6295947172533705, -1.7545947172533705, -1.5045947172533705, -0.6295947172533705, -2.6295947172533705, -1.7545947172533705, -0.8059348863792716, -2.8059348863792715, -1.9309348863792715, -1.0559348863792715, -2.295789933406345, -1.4207899334063452, -0.5457899334063453, -2.545789933406345, -2.295789933406345, -1.4207899334063452, -0.5457899334063453, -2.545789933406345},
    gi = {-0.6124147712616617, 0.2801903942893247, 1.1974229909757863, -0.8651986140034493, 0.11105364592334115, 1.141403847510473, -1.0889461598418468, -0.1635113335919674, 0.819343880365847, -0.9087932668566722, -0.4369057797232318, 0.5263551662140571, 0.5241610136180179, -0.8482316248061814, -0.11064541783379409, 0.4347160290219575, -0.836392026401601, 0.2674751257612206, 1.6914988826852217, -1.122581982044841, -0.4630966011683687, 0.2886672399747274, 0.868039063169496, -0.6936097019758548},
  },
  softmax_dim1 = {
    out = {0.13296424019782924, 0.7310585786300049, 0.7310585786300049, 0.13296424019782924, 0.7310585786300049, 0.7310585786300049, 0.13296424019782924, 0.7310585786300049, 0.7310585786300049, 0.7310585786300049, 0.13296424019782924, 0.7310585786300049, 0.8670357598021706, 0.2689414213699951, 0.2689414213699951, 0.8670357598021706, 0.2689414213699951, 0.2689414213699951, 0.8670357598021706, 0.2689414213699951, 0.2689414213699951, 0.2689414213699951, 0.8670357598021706, 0.2689414213699951},
    gi = {-0.216158908174581, 0.19661193324148185, 0.19661193324148185, -0.216158908174581, 0.19661193324148185, 0.19661193324148185, -0.216158908174581, 0.19661193324148185, 0.19661193324148185, -0.3686473748277785, -0.216158908174581, 0.19661193324148185, 0.21615890817458105, -0.19661193324148185, -0.19661193324148185, 0.21615890817458105, -0.19661193324148185, -0.19661193324148185, 0.21615890817458105, -0.19661193324148185, -0.19661193324148185, 0.36864737482777843, 0.21615890817458105, -0.19661193324148185},
  },
  log_softmax_dim2 = {
    out = {-1.8498064840081752, -1.8498064840081752, -0.26414030158412216, -1.8498064840081752, -1.2248064840081752, -1.2248064840081752, -2.5141403015841224, -1.2248064840081752, -0.5998064840081752, -0.5998064840081752, -1.8891403015841222, -0.5998064840081752, -0.26414030158412216, -1.8498064840081752, -1.8498064840081752, -0.26414030158412216, -2.5141403015841224, -1.2248064840081752, -1.2248064840081752, -2.5141403015841224, -1.8891403015841222, -0.5998064840081752, -0.5998064840081752, -1.8891403015841222},
    gi = {-0.625, 0.28931689929103793, 1.508932899655388, -0.7570493021268863, 0.0, 0.9484536381592514, -1.0845337700925342, -0.029639085522245784, 0.625, -1.2377705374502894, -0.42439912956285386, 0.786688387649132, 1.345983224913847, -0.6910246510634431, -0.22885209361934128, 1.6718825743969288, -0.9898834425231335, -0.014819542761122892, 0.08891725656673735, -1.1791840976619345, -0.35609978239071344, 0.705844193824566, 0.13993483705260404, -0.49269847673499423},
  },
  batch_norm = {
    out = {-0.06882505472701311, -0.4590480137765233, 1.2382075070778018, 0.04895658426024682, -0.7702897271068755, 0.9228990369938728, 0.15415949330127843, -0.23606346574823178, 0.940894776373413, -0.24835614644414192, -1.7378261637358745, -0.04463739963512625, -0.9050171098331063, -0.013078917719940228, 0.6435820456690243, 1.1638793244017045, -2.7053626003648734, -1.0121738362641253, -0.6820325618048149, 0.2099056303083513, 0.34626931496463553, 0.8665665936973158, -3.6728990369938725, -1.9797102728931244},
    save_mean = {-0.09375, 0.21875, -0.1875},
    save_invstd = {1.189250922817555, 1.189250922817555, 1.4073257260058167},
    rm = {-0.11875000000000001, 0.64375, -1.0375},
    rv = {0.5453839285714286, 0.7693839285714287, 0.21117857142857144},
    gi = {-0.09582474099411432, -0.5798274571713092, -0.677423080278672, -0.14070022832165735, 1.207728839136823, -2.9211320006126766, 0.18074823967856848, -0.30325447649862647, 0.738918783873258, -0.4339065657199625, 0.38802959864125497, 1.8225032695084993, 0.14918773264600158, -0.026681495825943626, 0.4457124464749529, -0.7507246646282484, -0.4316696418543132, 1.002804029012931, 0.42576071331868437, 0.24989148484673918, 0.15250610907664777, 0.6656171995236817, -1.2513688823498814, 0.18310478851736292},
    gw = {-1.6166379732051137, 0.09291022834512148, 0.868583846519215},
    gb = {-1.5, 1.0, 0.625},
  },
  batch_norm_eval = {
    out = {-0.05658410493782784, -0.5004894378674033, 0.9703569091718703, -0.16896485304460937, 2.095123242847131, 4.707043963269703, 0.19707608530764387, -0.24682924762193162, 0.6855264686177505, -0.4537952935987293, 0.6025971168913757, 3.2145178373139474, -1.0078098183583468, 0.006830942623540087, 0.40069602806363047, 0.8991492990333404, -0.8899290090643794, 1.7219917113581922, -0.754149628112875, 0.2604911328690118, 0.11586558750951056, 0.6143188584792204, -2.3824551350201344, 0.229465585402437},
    gi = {-0.06341504756136793, -0.5073203804909434, -0.5696608811082399, -0.07120761013852998, 2.238789188933633, -3.7313153148893874, 0.19024514268410378, -0.2536601902454717, 0.7832837115238298, -0.35603805069264993, 0.7462630629778776, 3.358183783400449, 0.44390533292957546, -0.0, 0.49845327096970987, -0.6408684912467698, -0.7462630629778776, 1.8656576574446937, 0.6975655231750472, 0.2536601902454717, 0.21362283041558994, 0.7120761013852999, -2.238789188933633, 0.3731315314889388},
    gw = {-1.8897684173287639, -0.39520223626884166, 2.493197051312455},
    gb = {-1.5, 1.0, 0.625},
  },
  layer_norm = {
    out = {0.5979861788417145, 3.0081029806952415, 0.18688548183134873, 0.24533399148372786, 2.1328578395147777, 0.5061385208165472, 0.04199407664644907, 1.4069249708550216, 0.9747038323224535, -0.012033565670121926, 0.8303043747159732, 0.626717653480739, 0.14805544810978455, 1.5898018391818216, -1.5866513107986169, 0.0930294252132842, 0.9795956780923054, -1.839955954478337, 0.1966262989433598, 0.528012413629365, -1.9346377015314815, -0.9092764141042065, 0.2350520457930007, -0.9206114940384542},
    mean = {0.03125000000000003, -0.010416666666666657},
    rstd = {1.1944981801656624, 1.2689831730126078},
    gi = {0.28228720081863046, -1.3943904503584823, -0.3935849872570766, -0.12920309566498756, 1.964254134305772, -0.1331700573975094, -0.3913811196278978, 1.1794831565203845, 0.2765571449827654, -0.5042468710701001, 0.544024451255705, -1.3006295065072038, -0.22300243733780967, 0.9674349022713226, -0.9154463802594545, -0.2062258741020515, 0.4290313273140649, -1.0969484378069163, -0.030826414239717437, 0.04925064898338308, -1.1198275987278024, 1.022347120640786, -0.17190713272072278, 1.2961202759849173},
    gw = {0.5152548499597396, -1.710492543092037, 2.3042843910183635, 0.7708548483847627, 1.2234712189165484, 2.1214293394005397, 1.3343900159570696, 0.709233294473362, 2.2465094569299997, -1.8985070975359932, 0.5029305391774594, -1.6132030913636057},
    gb = {0.25, -0.875, 0.875, -0.25, 1.5, 0.375, -0.75, 1.0, -0.125, -1.25, 0.5, -0.625},
  },
  group_norm = {
    out = {1.6744317868916099, -0.28755159315671, 0.57081613561443, -1.55180782563859, -2.65542347691577, -0.13287341685364423, -0.1878938671120577, -0.45204810898270004, 0.15173301529305389, 0.7185530664439712, 1.378938671120577, -0.1305141395688077, 0.7198839178013201, 1.6248743372124397, -0.44367519287011914, -0.30740529126700045, -1.4709644019384398, -2.634523512609879, 0.13351578816155069, -0.16808596469359177, -0.46968771754873423, -0.11171929387183555, 0.6422850882660206, 1.3962894704038766},
    mean = {0.062499999999999986, 0.04166666666666666, 0.020833333333333343, 5.551115123125783e-17},
    rstd = {1.1211333600276114, 1.2075622485515078, 1.1820283029043193, 1.378750870194937},
    gi = {0.5186367337602794, -0.16626152261297056, 0.13338146455032635, -1.528958928334697, 0.43486639011958594, 0.6083358625174757, -0.4480578336331327, -0.20723271986034236, 0.3582267765615036, 0.12734788699386115, 0.42477748116750336, -0.2550615912293931, 0.19858821273001342, 0.3625364482209664, -0.012202375758354811, 0.44725293545867806, -1.4573483591329275, 0.46117313848162433, 0.2612857279094843, -0.21948197715041382, -0.7002496822103118, -0.3553564527826867, 0.21948197715041382, 0.7943204070835144},
    gw = {4.478718198940464, -2.4587508169126937, 1.2816641571089495, 4.277580525495328},
    gb = {0.375, -1.125, 0.25, 1.625},
  },
  embedding = {
    out = {0.25, 1.125, -0.875, 1.25, -0.75, 0.125, 0.25, 1.125, -0.875, 0.75, -1.25, -0.375, 0.75, -1.25, -0.375, 1.0, -1.0, -0.125},
    gw = {1.125, -0.875, 0.0, 0.125, 1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.25, -1.75, 0.0},
  },
  embedding_freq = {
    gw = {1.125, -0.875, 0.0, 0.125, 1.0, -1.0, 0.5, -0.0625, -0.625, 0.0, 0.0, 0.0, 1.125, -0.875, 0.0},
  },
  nll_none = {
    out = {0.2970457043669769, 0.03027424365452788, 0.0, 0.962193949236223},
    total_weight = {0.0},
    gi = {0.0, 0.0, 0.72, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.88},
  },
  nll_mean = {
    out = {0.9481719832777411},
    total_weight = {1.3599999999999999},
    gi = {0.0, 0.0, -0.35294117647058826, -0.04411764705882353, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.35294117647058826},
  },
  nll_sum = {
    out = {1.2895138972577278},
    total_weight = {1.3599999999999999},
    gi = {0.0, 0.0, -0.48, -0.06, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.48},
  },
  nll_3d = {
    out = {-0.21875},
    gi = {-0.25, 0.0, 0.0, 0.0, 0.0, -0.25, 0.0, 0.0, -0.25, -0.25, 0.0, 0.0},
  },
  bce_none = {
    out = {0.3341938891474773, 0.3706812133774499, 0.6178272657287761, 0.02556667430197698, 0.1997962897896204, 0.21597098925471142, 1.102116562393924, 0.21281142059014538, 0.22250233584367762, 0.2947388664908386, 0.42417710805912745, 0.135587855941745},
    gi = {0.43749999999999994, 0.31971153846153855, 0.9210526315789473, -0.17045454545454547, -0.014583333333333332, -0.8235294117647058, 7.875000000000001, 0.06663602941176472, 0.2625, -0.53030303030303, -0.069078947368421, -0.0721153846153846},
    gt = {-0.1940812105567847, 0.016808968611442664, -1.2103134854353048, -0.2988645247035309, 0.014191278783785751, -0.4221122093307731, -2.669565217492274, -0.018844295059409502, -0.08514767270271452, 1.3947011152831443, -0.3630940456305914, -0.00800427076735365},
  },
  bce_mean = {
    out = {0.3463308725766225},
    gi = {-0.03645833333333333, 0.03552350427350428, 0.030701754385964914, 0.00946969696969697, -0.00486111111111111, -0.034313725490196074, -0.32812500000000006, -0.022212009803921573, 0.014583333333333335, 0.01767676767676767, 0.007675438596491223, -0.006009615384615383},
    gt = {0.016173434213065392, 0.0018676631790491849, -0.04034378284784349, 0.01660358470575172, 0.004730426261261917, -0.017588008722115547, 0.11123188406217809, 0.006281431686469834, -0.004730426261261917, -0.04649003717610481, 0.04034378284784349, -0.0006670225639461375},
  },
  bce_sum = {
    out = {4.15597047091947},
    gi = {-0.43749999999999994, 0.4262820512820514, 0.368421052631579, 0.11363636363636363, -0.05833333333333333, -0.4117647058823529, -3.9375000000000004, -0.2665441176470589, 0.17500000000000002, 0.21212121212121204, 0.09210526315789468, -0.0721153846153846},
    gt = {0.1940812105567847, 0.02241195814859022, -0.4841253941741219, 0.19924301646902062, 0.056765115135143006, -0.21105610466538655, 1.334782608746137, 0.07537718023763801, -0.056765115135143006, -0.5578804461132577, 0.4841253941741219, -0.00800427076735365},
  },
  bcel_none = {
    out = {0.255180945913437, 0.5450933546995093, 0.5513716081070215, 0.08574013565530372, 0.21238934132268386, 0.32118591565007487, 0.22494535433267185, 0.13363877641195746, 0.27491835164230055, 1.3165975477798713, 0.4036822288633404, 0.12083941185695524},
    gi = {0.013147397338167385, 0.2029419426916759, -0.3199813670477563, -0.026148385150045934, 0.002575181136412892, -0.3849795386283296, -0.07489193352984878, -0.019100000000000006, 0.12226162079477806, 0.5796720854113326, 0.0, -0.006804537520304169},
    gt = {-0.01941186284897889, -0.002923173310129379, 1.6520312900799228, -0.043713897965170445, -0.018873696243392364, -0.6411049708923495, 0.10585639642433572, -0.0013862943611198941, -0.25367299139668154, -1.2678241094321414, -0.0, -0.11237590474793563},
  },
  bcel_mean = {
    out = {0.3704652476862605},
    gi = {-0.004382465779389128, 0.011274552371759774, 0.010666045568258543, 0.0029053761277828814, 0.00021459842803440768, -0.0116660466251009, 0.004992795568656586, -0.0031833333333333345, 0.004528208177584372, -0.02760343263863489, 0.011786829714453584, -0.00032402559620496043},
    gt = {0.006470620949659629, -0.00016239851722940995, -0.05506770966933076, 0.004857099773907827, -0.001572808020282697, -0.01942742336037423, -0.007057093094955715, -0.00023104906018664903, -0.009395295977654872, 0.06037257663962579, -0.016688934132268383, -0.005351233559425506},
  },
  bcel_sum = {
    out = {4.445582972235126},
    gi = {-0.05258958935266954, 0.13529462846111728, 0.12799254681910252, 0.03486451353339458, 0.002575181136412892, -0.13999255950121078, 0.059913546823879026, -0.03820000000000001, 0.05433849813101247, -0.33124119166361865, 0.141441956573443, -0.003888307154459525},
    gt = {0.07764745139591556, -0.0019487822067529195, -0.6608125160319691, 0.05828519728689392, -0.018873696243392364, -0.23312908032449076, -0.08468511713946858, -0.0027725887222397883, -0.11274355173185846, 0.7244709196755095, -0.20026720958722058, -0.06421480271310608},
  },
  bcel_plain = {
    out = {0.7226441426082505},
    gi = {-0.024388883329505808, 0.04353827760015455, 0.016515564811635103, 0.029053761277828813, 0.005181375073816506, -0.020423751094364312, -0.008815418986417606, -0.03333333333333333, 0.03381541898641761, -0.04624291557230236, 0.019818624926183494, -0.004053761277828814},
    gt = {0.03125, -0.041666666666666664, -0.11458333333333333, 0.052083333333333336, -0.020833333333333332, -0.09375, 0.07291666666666667, -0.0, -0.07291666666666667, 0.09375, 0.020833333333333332, -0.052083333333333336},
  },
}
