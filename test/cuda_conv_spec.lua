-- Convolution, pooling and batch norm on CUDA (lib/THC/THCCudnn.c, THCConv.cu, THCPool.cu,
-- THCBatchNorm.cu): every op runs on the CPU and on the GPU on the same inputs, and the results
-- and the gradients autograd computes through them are compared (float32 within 1e-4 of the
-- largest value, float64 within 1e-10; max-pool indices exactly).  Convolutions are checked
-- twice: through cuDNN (when the build has it) and through THC's own im2col + cuBLAS path,
-- which THC_CUDNN=0 in the environment selects (set here through the FFI).  A small CNN's
-- training steps on the GPU must follow the CPU's.
-- Without a GPU the whole file is one pending test saying why.
local torch = require 'torch'
local nn = require 'torch.nn'
local F = require 'torch.nn.functional'
local nnk = torch._nn
local H = dofile('test/spec_helpers.lua')
local err = H.err

local ok, reason = torch.cuda.is_available()
if not ok then
  describe('convolution, pooling and batch norm on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local f32, f64 = torch.float32, torch.float64
local TOL = { [f32] = 1e-4, [f64] = 1e-10, [torch.float16] = 1e-2, [torch.bfloat16] = 5e-2 }

-- ---------------------------------------------------------------------------- helpers

-- got (on the GPU) equals want (on the CPU): dtype, shape, NaN and infinities at the same
-- places, and every other value within tol times the largest finite |want| (at least 1);
-- integer tensors exactly.
local function close(want, got, tol, what)
  assert.is_true(torch.is_tensor(got), what .. ': expected a tensor, got ' .. type(got))
  assert.is_true(got.is_cuda, what .. ' should be on the GPU')
  assert.are.equal(want.dtype, got.dtype, what .. ': dtype')
  assert.are.same(want:size():totable(), got:size():totable(), what .. ': shape')
  if want:numel() == 0 then return end
  if not want:is_floating_point() then
    assert.is_true(torch.equal(want, got:cpu()), what .. ': differs from the CPU')
    return
  end
  local w, g = want:detach():double(), got:detach():cpu():double()
  local wn, gn = w:isnan(), g:isnan()
  assert.is_true(torch.equal(wn, gn), what .. ': NaN at other places than on the CPU')
  w, g = w:masked_fill(wn, 0), g:masked_fill(gn, 0)
  local wi, gi = w:isinf(), g:isinf()
  assert.is_true(torch.equal(wi, gi), what .. ': infinities at other places than on the CPU')
  local finite = wi:logical_not()
  assert.is_true(torch.equal(w:masked_fill(finite, 0), g:masked_fill(finite, 0)),
    what .. ': infinities of another sign than on the CPU')
  w, g = w:masked_fill(wi, 0), g:masked_fill(gi, 0)
  local scale = math.max(1, w:abs():max():item())
  local diff = (w - g):abs():max():item()
  if not (diff <= tol * scale) then
    error(string.format('%s: the GPU differs from the CPU by %.3g (tolerance %.3g x %.3g)', what,
      diff, tol, scale), 2)
  end
end

-- Runs f on CPU copies and on GPU copies of inputs (tensors; those that require grad stay
-- leaves that do), compares every result, then backpropagates the same random gradient
-- through the first result on both devices and compares the inputs' gradients.
local function check(what, f, inputs, tol)
  local cpu_in, gpu_in = {}, {}
  for i, t in ipairs(inputs) do
    cpu_in[i], gpu_in[i] = t:detach():clone(), t:detach():cuda()
    if t.requires_grad then
      cpu_in[i]:requires_grad_()
      gpu_in[i]:requires_grad_()
    end
  end
  tol = tol or TOL[inputs[1].dtype]
  local want = { f(unpack(cpu_in)) }
  local got = { f(unpack(gpu_in)) }
  assert.are.equal(#want, #got, what .. ': number of results')
  for i = 1, #want do close(want[i], got[i], tol, string.format('%s result %d', what, i)) end
  if not want[1].requires_grad then return end
  local gy = torch.randn(want[1]:size(), { dtype = f64 }):to(want[1].dtype)
  want[1]:backward(gy)
  got[1]:backward(gy:cuda())
  for i = 1, #inputs do
    if inputs[i].requires_grad then
      close(cpu_in[i].grad, gpu_in[i].grad, tol, string.format('%s: gradient of input %d', what, i))
    end
  end
end

local function randn(dtype, ...) return torch.randn({ ... }, { dtype = f64 }):to(dtype) end
local function leaf(dtype, ...) return randn(dtype, ...):requires_grad_() end

-- Runs body with THC_CUDNN set to value (nil: unset), restoring the previous setting.
local ffi = require 'ffi'
pcall(ffi.cdef, 'int setenv(const char *name, const char *value, int overwrite);' ..
  'int unsetenv(const char *name);')
local function with_cudnn(value, body)
  local previous = os.getenv('THC_CUDNN')
  local function set(v)
    if v == nil then ffi.C.unsetenv('THC_CUDNN') else ffi.C.setenv('THC_CUDNN', v, 1) end
  end
  set(value)
  local okb, e = pcall(body)
  set(previous)
  if not okb then error(e, 0) end
end

-- The convolution paths: cuDNN (or the default choice of the build) and THC's own kernels.
local PATHS = { { 'default path', nil }, { 'im2col path (THC_CUDNN=0)', '0' } }

-- ---------------------------------------------------------------------------- convolution

local CONV2D = {
  -- { name, input shape, weight shape, options }
  { 'plain', { 2, 3, 7, 6 }, { 4, 3, 3, 3 }, {} },
  { 'stride and padding', { 2, 3, 9, 8 }, { 5, 3, 3, 2 }, { stride = { 2, 1 }, padding = { 1, 2 } } },
  { 'dilation', { 2, 2, 10, 9 }, { 3, 2, 3, 3 }, { dilation = { 2, 3 }, padding = 1 } },
  { 'groups', { 3, 6, 8, 8 }, { 9, 2, 3, 3 }, { groups = 3, padding = 1, stride = 2 } },
  { 'depthwise', { 2, 4, 6, 6 }, { 4, 1, 3, 3 }, { groups = 4, padding = 1 } },
  { '1x1', { 2, 5, 4, 3 }, { 6, 5, 1, 1 }, {} },
  { 'unbatched', { 3, 6, 5 }, { 2, 3, 2, 2 }, { stride = 2 } },
  { 'larger', { 8, 32, 32, 32 }, { 48, 32, 3, 3 }, { padding = 1 } },
}

local CONV1D = {
  { 'plain', { 2, 3, 11 }, { 4, 3, 3 }, {} },
  { 'stride, padding, dilation', { 3, 4, 17 }, { 6, 4, 3 }, { stride = 2, padding = 2, dilation = 3 } },
  { 'groups', { 2, 6, 9 }, { 4, 3, 2 }, { groups = 2 } },
  { 'unbatched', { 3, 10 }, { 2, 3, 4 }, { padding = 1 } },
}

local CONVT2D = {
  { 'plain', { 2, 3, 5, 4 }, { 3, 4, 3, 3 }, {} },
  { 'stride, padding, output_padding', { 2, 4, 5, 6 }, { 4, 3, 3, 2 },
    { stride = { 2, 3 }, padding = 1, output_padding = { 1, 2 } } },
  { 'groups and dilation', { 2, 6, 4, 5 }, { 6, 2, 3, 3 }, { groups = 3, dilation = 2, padding = 1 } },
  -- output_padding >= stride (allowed since it is below dilation): cuDNN cannot, THC's own path does
  { 'output_padding beyond stride', { 1, 2, 4, 4 }, { 2, 3, 3, 3 }, { dilation = 3, output_padding = 2 } },
  { 'unbatched', { 3, 4, 4 }, { 3, 2, 2, 2 }, { stride = 2 } },
}

local CONVT1D = {
  { 'plain', { 2, 3, 6 }, { 3, 5, 3 }, { stride = 2, padding = 1, output_padding = 1 } },
  { 'groups', { 2, 4, 7 }, { 4, 3, 2 }, { groups = 2, dilation = 2 } },
}

-- forward, grad_input, grad_weight and grad_bias of one convolution case, on both paths
local function conv_case(fname, case, dtype, with_bias, transposed)
  local name, xs, ws, opts = case[1], case[2], case[3], case[4]
  local cout = transposed and ws[2] * (opts.groups or 1) or ws[1]
  local inputs = { leaf(dtype, unpack(xs)), leaf(dtype, unpack(ws)) }
  if with_bias then inputs[3] = leaf(dtype, cout) end
  local f = function(x, w, b) return F[fname](x, w, b, opts) end
  for _, path in ipairs(PATHS) do
    with_cudnn(path[2], function()
      check(string.format('%s %s (%s, %s%s)', fname, name, tostring(dtype), path[1],
        with_bias and ', bias' or ''), f, inputs)
    end)
  end
end

describe('convolution on CUDA', function()
  for _, case in ipairs(CONV2D) do
    it('conv2d: ' .. case[1], function()
      conv_case('conv2d', case, f32, true, false)
      conv_case('conv2d', case, f32, false, false)
      conv_case('conv2d', case, f64, true, false)
    end)
  end

  for _, case in ipairs(CONV1D) do
    it('conv1d: ' .. case[1], function()
      conv_case('conv1d', case, f32, true, false)
      conv_case('conv1d', case, f64, false, false)
    end)
  end

  for _, case in ipairs(CONVT2D) do
    it('conv_transpose2d: ' .. case[1], function()
      conv_case('conv_transpose2d', case, f32, true, true)
      conv_case('conv_transpose2d', case, f64, true, true)
    end)
  end

  for _, case in ipairs(CONVT1D) do
    it('conv_transpose1d: ' .. case[1], function()
      conv_case('conv_transpose1d', case, f32, true, true)
      conv_case('conv_transpose1d', case, f64, false, true)
    end)
  end

  it('takes non-contiguous inputs and weights', function()
    for _, path in ipairs(PATHS) do
      with_cudnn(path[2], function()
        check('conv2d, transposed views (' .. path[1] .. ')', function(x, w, b)
          return F.conv2d(x:transpose(3, 4), w:transpose(1, 2), b, { padding = 1 })
        end, { leaf(f32, 2, 3, 6, 7), leaf(f32, 3, 4, 3, 3), leaf(f32, 4) })
      end)
    end
  end)

  it('computes only the gradients asked for (output_mask)', function()
    local x, w = randn(f32, 2, 3, 6, 6), randn(f32, 4, 3, 3, 3)
    local gy = randn(f32, 2, 4, 4, 4)
    for _, path in ipairs(PATHS) do
      with_cudnn(path[2], function()
        for _, mask in ipairs({ { true, false, false }, { false, true, false }, { false, false, true },
                                { true, true, true } }) do
          local want = { nnk.convolution_backward(gy, x, w, { output_mask = mask }) }
          local got = { nnk.convolution_backward(gy:cuda(), x:cuda(), w:cuda(), { output_mask = mask }) }
          for i = 1, 3 do
            if mask[i] then
              close(want[i], got[i], 1e-4, string.format('convolution_backward result %d (%s)', i, path[1]))
            else
              assert.is_nil(got[i])
            end
          end
        end
      end)
    end
  end)

  it('handles empty batches and empty channels', function()
    for _, path in ipairs(PATHS) do
      with_cudnn(path[2], function()
        check('conv2d, empty batch (' .. path[1] .. ')', function(x, w, b) return F.conv2d(x, w, b) end,
          { leaf(f32, 0, 3, 5, 5), leaf(f32, 2, 3, 3, 3), leaf(f32, 2) })
        check('conv_transpose2d, empty batch (' .. path[1] .. ')',
          function(x, w, b) return F.conv_transpose2d(x, w, b, { stride = 2 }) end,
          { leaf(f32, 0, 3, 4, 4), leaf(f32, 3, 2, 3, 3), leaf(f32, 2) })
      end)
    end
  end)

  it('computes float16 and bfloat16 in float32, as the CPU', function()
    for _, dtype in ipairs({ torch.float16, torch.bfloat16 }) do
      check('conv2d ' .. tostring(dtype), function(x, w, b) return F.conv2d(x, w, b, { padding = 1 }) end,
        { randn(dtype, 2, 3, 6, 6), randn(dtype, 4, 3, 3, 3), randn(dtype, 4) })
    end
  end)

  it('runs nn.Conv2d, nn.Conv1d and nn.ConvTranspose2d modules moved to the GPU', function()
    torch.manual_seed(3)
    local mods = {
      { nn.Conv2d(4, 6, 3, { stride = 2, padding = 1, groups = 2 }), { 2, 4, 9, 9 } },
      { nn.Conv1d(3, 5, 3, { dilation = 2, padding = 2 }), { 2, 3, 12 } },
      { nn.ConvTranspose2d(4, 2, 3, { stride = 2, padding = 1, output_padding = 1 }), { 2, 4, 5, 5 } },
    }
    for _, m in ipairs(mods) do
      local cpu_m, gpu_m = m[1], m[1]:clone():cuda()
      local x = randn(f32, unpack(m[2]))
      local y, yg = cpu_m(x), gpu_m(x:cuda())
      close(y, yg, 1e-4, tostring(cpu_m))
      y:sum():backward()
      yg:sum():backward()
      close(cpu_m.weight.grad, gpu_m.weight.grad, 1e-4, tostring(cpu_m) .. ' weight.grad')
      close(cpu_m.bias.grad, gpu_m.bias.grad, 1e-4, tostring(cpu_m) .. ' bias.grad')
    end
  end)

  it('refuses tensors on two devices, naming both', function()
    local x, w = randn(f32, 1, 2, 4, 4):cuda(), randn(f32, 3, 2, 3, 3)
    local msg = err(F.conv2d, x, w)
    assert.is_truthy(msg:find('cpu', 1, true), msg)
    assert.is_truthy(msg:find('cuda:0', 1, true), msg)
  end)

  it('gives the CPU errors for bad arguments', function()
    local x, w = randn(f32, 1, 2, 4, 4), randn(f32, 3, 2, 5, 5)
    assert.are.equal(err(F.conv2d, x, w), err(F.conv2d, x:cuda(), w:cuda()))
    local w2 = randn(f32, 3, 3, 3, 3)
    assert.are.equal(err(F.conv2d, x, w2), err(F.conv2d, x:cuda(), w2:cuda()))
  end)
end)

-- ---------------------------------------------------------------------------- pooling

describe('pooling on CUDA', function()
  local MAXPOOL = {
    { 'kernel 2', { 2, 3, 8, 7 }, { 2 } },
    { 'stride, padding', { 2, 2, 9, 9 }, { 3, 2, 1 } },
    { 'dilation, ceil_mode', { 1, 3, 11, 10 }, { { 3, 2 }, { 2, 3 }, { 1, 1 }, { 2, 3 }, true } },
    { 'overlapping windows', { 2, 2, 6, 6 }, { 3, 1, 1 } },
    { 'unbatched', { 3, 7, 5 }, { 2, { 1, 2 } } },
  }
  for _, case in ipairs(MAXPOOL) do
    it('max_pool2d: ' .. case[1] .. ' (values, indices, gradients)', function()
      for _, dtype in ipairs({ f32, f64 }) do
        check('max_pool2d ' .. case[1] .. ' ' .. tostring(dtype), function(x)
          return F.max_pool2d(x, unpack(case[3]))
        end, { leaf(dtype, unpack(case[2])) })
        check('max_pool2d with indices ' .. case[1], function(x)
          local args = { unpack(case[3]) }
          args[#args + 1] = { return_indices = true }
          return F.max_pool2d(x, unpack(args))
        end, { leaf(dtype, unpack(case[2])) })
      end
    end)
  end

  it('max_pool2d: ties, NaN and -inf pick the CPU\'s positions', function()
    local x = torch.tensor({ { { { 1, 1, 2, 2 }, { 1, 1, 2, 0 / 0 }, { -1 / 0, -1 / 0, 3, 3 },
      { -1 / 0, -1 / 0, 3, 3 } } } }, { dtype = f32 })
    check('max_pool2d ties', function(t) return F.max_pool2d(t, 2, { return_indices = true }) end, { x })
    check('max_pool2d ties, stride 1', function(t) return F.max_pool2d(t, 2, 1, { return_indices = true }) end, { x })
  end)

  it('max_pool1d and the indices the binding returns (1-based)', function()
    check('max_pool1d', function(x) return F.max_pool1d(x, 3, 2, 1, { return_indices = true }) end,
      { leaf(f32, 2, 3, 13) })
    local x = torch.arange(16, { dtype = f32 }):view(1, 1, 4, 4)
    local v, i = nnk.max_pool2d(x:cuda(), 2)
    close(torch.tensor({ { { { 5, 7 }, { 13, 15 } } } }, { dtype = f32 }), v, 0, 'max_pool2d values')
    close(torch.tensor({ { { { 6, 8 }, { 14, 16 } } } }, { dtype = torch.int64 }), i, 0, 'max_pool2d indices')
    close(torch.tensor({ { { { 0, 0, 0, 0 }, { 0, 1, 0, 1 }, { 0, 0, 0, 0 }, { 0, 1, 0, 1 } } } }, { dtype = f32 }),
      nnk.max_pool2d_backward(torch.ones(1, 1, 2, 2):cuda(), x:cuda(), i), 0, 'max_pool2d_backward')
  end)

  it('max_pool2d_backward: repeated indices add up, bad indices give the CPU error', function()
    local x = randn(f32, 1, 2, 3, 3)
    local go = randn(f32, 1, 2, 2, 2)
    local idx = torch.tensor({ { { { 1, 1 }, { 9, 5 } }, { { 2, 2 }, { 2, 3 } } } }, { dtype = torch.int64 })
    close(nnk.max_pool2d_backward(go, x, idx), nnk.max_pool2d_backward(go:cuda(), x:cuda(), idx:cuda()),
      1e-6, 'max_pool2d_backward with repeated indices')
    local bad = idx:clone()
    bad[1][1][1][1] = 10
    assert.are.equal(err(nnk.max_pool2d_backward, go, x, bad),
      err(nnk.max_pool2d_backward, go:cuda(), x:cuda(), bad:cuda()))
    assert.is_truthy(err(nnk.max_pool2d_backward, go:cuda(), x:cuda(), idx):find('cpu', 1, true))
  end)

  local AVGPOOL = {
    { 'kernel 2', { 2, 3, 8, 7 }, { 2 } },
    { 'padding, count_include_pad', { 2, 2, 9, 8 }, { 3, 2, 1 } },
    { 'padding, no count_include_pad', { 2, 2, 9, 8 }, { 3, 2, 1, false, false } },
    { 'ceil_mode', { 1, 3, 10, 11 }, { { 3, 2 }, { 2, 3 }, { 1, 1 }, true, true } },
    { 'ceil_mode without count_include_pad', { 1, 2, 7, 7 }, { 3, 2, 1, true, false } },
    { 'divisor_override', { 2, 2, 6, 7 }, { 3, 2, 1, false, true, 5 } },
    { 'unbatched', { 3, 7, 5 }, { 2, 1 } },
  }
  for _, case in ipairs(AVGPOOL) do
    it('avg_pool2d: ' .. case[1], function()
      for _, dtype in ipairs({ f32, f64 }) do
        check('avg_pool2d ' .. case[1] .. ' ' .. tostring(dtype), function(x)
          return F.avg_pool2d(x, unpack(case[3]))
        end, { leaf(dtype, unpack(case[2])) })
      end
    end)
  end

  it('avg_pool1d', function()
    check('avg_pool1d', function(x) return F.avg_pool1d(x, 4, 3, 2, true, false) end, { leaf(f32, 2, 3, 14) })
  end)

  local ADAPTIVE = {
    { 'divisible', { 2, 3, 8, 6 }, { 4, 3 } },
    { 'not divisible', { 2, 3, 7, 10 }, { 3, 4 } },
    { 'larger than the input', { 1, 2, 3, 5 }, { 5, 7 } },
    { 'global', { 4, 8, 7, 7 }, { 1, 1 } },
    { 'unbatched', { 3, 9, 5 }, { 4, 2 } },
  }
  for _, case in ipairs(ADAPTIVE) do
    it('adaptive_avg_pool2d: ' .. case[1], function()
      for _, dtype in ipairs({ f32, f64 }) do
        check('adaptive_avg_pool2d ' .. case[1], function(x)
          return F.adaptive_avg_pool2d(x, case[3])
        end, { leaf(dtype, unpack(case[2])) })
      end
    end)
  end

  it('adaptive_avg_pool1d, and an output size of 0', function()
    check('adaptive_avg_pool1d', function(x) return F.adaptive_avg_pool1d(x, 5) end, { leaf(f32, 2, 3, 13) })
    check('adaptive_avg_pool2d to 0 x 3', function(x) return F.adaptive_avg_pool2d(x, { 0, 3 }) end,
      { leaf(f32, 1, 2, 4, 4) })
  end)

  it('pools non-contiguous inputs, empty batches and float16', function()
    check('max_pool2d of a transposed view', function(x)
      return F.max_pool2d(x:transpose(3, 4), 2, { return_indices = true })
    end, { leaf(f32, 2, 3, 6, 8) })
    check('avg_pool2d of a transposed view', function(x) return F.avg_pool2d(x:transpose(2, 4), 3, 2, 1) end,
      { leaf(f32, 2, 7, 6, 3) })
    check('avg_pool2d, empty batch', function(x) return F.avg_pool2d(x, 2) end, { leaf(f32, 0, 3, 4, 4) })
    check('max_pool2d, empty batch', function(x) return F.max_pool2d(x, 2) end, { leaf(f32, 0, 3, 4, 4) })
    check('max_pool2d float16', function(x) return F.max_pool2d(x, 2, { return_indices = true }) end,
      { randn(torch.float16, 2, 3, 6, 6) })
    check('adaptive_avg_pool2d bfloat16', function(x) return F.adaptive_avg_pool2d(x, 3) end,
      { randn(torch.bfloat16, 2, 3, 7, 7) })
  end)

  it('pools a tensor of several million elements', function()
    local x = randn(f32, 16, 32, 96, 96) -- 4.7 million elements
    check('max_pool2d, large', function(t) return F.max_pool2d(t, 3, 2, 1, { return_indices = true }) end, { x })
    check('avg_pool2d, large', function(t) return F.avg_pool2d(t, 2) end, { x })
    check('adaptive_avg_pool2d, large', function(t) return F.adaptive_avg_pool2d(t, 7) end, { x })
  end)

  it('gives the CPU errors for bad arguments', function()
    local x = randn(f32, 1, 2, 4, 4)
    assert.are.equal(err(F.max_pool2d, x, 2, 2, 2), err(F.max_pool2d, x:cuda(), 2, 2, 2))
    assert.are.equal(err(F.avg_pool2d, x, 5), err(F.avg_pool2d, x:cuda(), 5))
    assert.are.equal(err(F.adaptive_avg_pool2d, x:view(2, 16), 2), err(F.adaptive_avg_pool2d, x:view(2, 16):cuda(), 2))
  end)
end)

-- ---------------------------------------------------------------------------- batch norm

describe('batch norm on CUDA', function()
  -- one training call of the raw kernel: output, save_mean, save_invstd and the running stats
  local function train_step(dtype, shape, with_affine, momentum)
    local C = shape[2]
    local x = randn(dtype, unpack(shape)) * 3 + 1
    local w, b = with_affine and randn(dtype, C) or nil, with_affine and randn(dtype, C) or nil
    local rm, rv = randn(dtype, C), torch.rand(C, { dtype = dtype }) + 0.5
    local rmg, rvg = rm:cuda(), rv:cuda()
    local want = { nnk.batch_norm(x, rm, rv, w, b, true, momentum, 1e-5) }
    local got = { nnk.batch_norm(x:cuda(), rmg, rvg, w and w:cuda(), b and b:cuda(), true, momentum, 1e-5) }
    local tol = TOL[dtype]
    for i, name in ipairs({ 'output', 'save_mean', 'save_invstd' }) do
      close(want[i], got[i], tol, 'batch_norm ' .. name)
    end
    close(rm, rmg, tol, 'running_mean')
    close(rv, rvg, tol, 'running_var')
    return x, w, want[2], want[3]
  end

  it('training: output, saved statistics and running stats (float32, float64)', function()
    for _, dtype in ipairs({ f32, f64 }) do
      train_step(dtype, { 4, 3, 5, 6 }, true, 0.1)
      train_step(dtype, { 7, 5 }, false, 0.3)
      train_step(dtype, { 2, 4, 9 }, true, 1)
    end
  end)

  it('evaluation: normalises with the running stats', function()
    for _, dtype in ipairs({ f32, f64 }) do
      local x, w, b = randn(dtype, 3, 4, 5, 2), randn(dtype, 4), randn(dtype, 4)
      local rm, rv = randn(dtype, 4), torch.rand(4, { dtype = dtype }) + 0.5
      check('batch_norm evaluation', function(xx, ww, bb, m, v)
        return nnk.batch_norm(xx, m, v, ww, bb, false, 0.1, 1e-3)
      end, { x:requires_grad_(), w:requires_grad_(), b:requires_grad_(), rm, rv })
    end
  end)

  it('training gradients through the batch statistics', function()
    for _, dtype in ipairs({ f32, f64 }) do
      check('batch_norm training gradients', function(x, w, b)
        return (nnk.batch_norm(x, nil, nil, w, b, true, 0.1, 1e-5))
      end, { leaf(dtype, 6, 3, 4, 5), leaf(dtype, 3), leaf(dtype, 3) })
      check('batch_norm training gradients without weight', function(x)
        return (nnk.batch_norm(x, nil, nil, nil, nil, true, 0.1, 1e-5))
      end, { leaf(dtype, 5, 4) })
    end
  end)

  it('the raw backward, every output_mask', function()
    local x, w = randn(f32, 4, 3, 6), randn(f32, 3)
    local _, mean, invstd = nnk.batch_norm(x, nil, nil, w, nil, true)
    local gy = randn(f32, 4, 3, 6)
    local rm, rv = randn(f32, 3), torch.rand(3) + 0.5
    for _, training in ipairs({ true, false }) do
      for _, mask in ipairs({ { true, true, true }, { true, false, false }, { false, true, true } }) do
        local o = { weight = w, save_mean = mean, save_invstd = invstd, running_mean = rm,
          running_var = rv, training = training, eps = 1e-4, output_mask = mask }
        local og = {}
        for k, v in pairs(o) do og[k] = torch.is_tensor(v) and v:cuda() or v end
        local want = { nnk.batch_norm_backward(gy, x, o) }
        local got = { nnk.batch_norm_backward(gy:cuda(), x:cuda(), og) }
        for i = 1, 3 do
          if mask[i] then
            close(want[i], got[i], 1e-4, string.format('batch_norm_backward %d (training %s)', i, tostring(training)))
          else
            assert.is_nil(got[i])
          end
        end
      end
    end
  end)

  it('nn.BatchNorm2d: train steps, running stats, eval, and float16 input', function()
    torch.manual_seed(7)
    local m = nn.BatchNorm2d(3, { momentum = 0.2 })
    m.weight.data:copy_(torch.rand(3) + 0.5)
    m.bias.data:copy_(torch.randn(3))
    local mg = m:clone():cuda()
    for step = 1, 3 do
      local x = torch.randn(4, 3, 5, 5) * step
      local y, yg = m(x), mg(x:cuda())
      close(y, yg, 1e-4, 'BatchNorm2d output, step ' .. step)
      y:pow(2):sum():backward()
      yg:pow(2):sum():backward()
    end
    close(m.running_mean, mg.running_mean, 1e-4, 'running_mean')
    close(m.running_var, mg.running_var, 1e-4, 'running_var')
    close(m.weight.grad, mg.weight.grad, 1e-4, 'weight.grad')
    close(m.bias.grad, mg.bias.grad, 1e-4, 'bias.grad')
    assert.are.equal(m.num_batches_tracked:item(), mg.num_batches_tracked:item())
    m:eval()
    mg:eval()
    local x = torch.randn(2, 3, 4, 4)
    close(m(x), mg(x:cuda()), 1e-4, 'BatchNorm2d eval output')
    local xh = torch.randn(2, 3, 4, 4):half()
    close(F.batch_norm(xh, m.running_mean, m.running_var, m.weight, m.bias, true),
      F.batch_norm(xh:cuda(), mg.running_mean, mg.running_var, mg.weight, mg.bias, true), 1e-2,
      'batch_norm float16 input')
  end)

  it('nn.BatchNorm1d with momentum = false (cumulative average)', function()
    torch.manual_seed(8)
    local m = nn.BatchNorm1d(4, { momentum = false })
    local mg = m:clone():cuda()
    for _ = 1, 3 do
      local x = torch.randn(6, 4)
      close(m(x), mg(x:cuda()), 1e-4, 'BatchNorm1d output')
    end
    close(m.running_mean, mg.running_mean, 1e-4, 'running_mean')
    close(m.running_var, mg.running_var, 1e-4, 'running_var')
  end)

  it('a large batch (one block per channel walks every element)', function()
    check('batch_norm large', function(x, w, b)
      return (nnk.batch_norm(x, nil, nil, w, b, true, 0.1, 1e-5))
    end, { leaf(f32, 64, 4, 64, 64), leaf(f32, 4), leaf(f32, 4) })
  end)

  it('refuses running stats on another device and gives the CPU errors', function()
    local x = randn(f32, 4, 3, 2):cuda()
    local msg = err(nnk.batch_norm, x, torch.zeros(3), torch.ones(3), nil, nil, true)
    assert.is_truthy(msg:find('cpu', 1, true), msg)
    assert.is_truthy(msg:find('cuda:0', 1, true), msg)
    local one = randn(f32, 1, 3)
    assert.are.equal(err(nnk.batch_norm, one, nil, nil, nil, nil, true),
      err(nnk.batch_norm, one:cuda(), nil, nil, nil, nil, true))
  end)
end)

-- ---------------------------------------------------------------------------- training

describe('a small CNN on CUDA', function()
  -- Tanh rather than ReLU: a value within rounding of 0 could take ReLU's kink differently on
  -- the two devices and route a gradient elsewhere (max pooling keeps that risk for near-ties)
  local function model()
    return nn.Sequential(
      nn.Conv2d(3, 8, 3, { padding = 1 }), nn.BatchNorm2d(8), nn.Tanh(), nn.MaxPool2d(2),
      nn.Conv2d(8, 12, 3, { stride = 2, padding = 1, groups = 2 }), nn.Tanh(),
      nn.AvgPool2d(2, { ceil_mode = true }), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(48, 5))
  end

  for _, path in ipairs(PATHS) do
    it('trains for a few SGD steps as on the CPU (' .. path[1] .. ')', function()
      with_cudnn(path[2], function()
        torch.manual_seed(11)
        local m = model()
        local mg = m:clone():cuda()
        local opt = torch.optim.SGD(m:parameters(), 0.05, 0.9)
        local optg = torch.optim.SGD(mg:parameters(), 0.05, 0.9)
        local loss_fn = nn.MSELoss()
        for step = 1, 3 do
          local x, target = torch.randn(6, 3, 16, 16), torch.randn(6, 5)
          opt:zero_grad()
          optg:zero_grad()
          local loss = loss_fn(m(x), target)
          local lossg = loss_fn(mg(x:cuda()), target:cuda())
          close(loss, lossg, 1e-4, 'loss at step ' .. step)
          loss:backward()
          lossg:backward()
          opt:step()
          optg:step()
        end
        local p, pg = m:parameters(), mg:parameters()
        assert.are.equal(#p, #pg)
        for i = 1, #p do close(p[i], pg[i], 1e-4, 'parameter ' .. i .. ' after 3 steps') end
      end)
    end)
  end
end)
