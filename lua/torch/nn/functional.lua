-- torch.nn.functional (also `require 'torch.nn.functional'`): the neural-network functions
-- the nn modules are built on, with PyTorch's names, arguments and checks.
--
-- Convolutions, poolings, softmax, the norms, embedding and the native losses are single C
-- kernels (torch._nn, lib/TH/THNN.h) that record their own autograd nodes; the activations
-- and the other losses are short compositions of recorded tensor ops, so every function here
-- is differentiable (docs/nn_functional.md).  Conventions as everywhere: dims and class
-- indices are 1-based, PyTorch's further arguments come by position and/or in a trailing
-- options table ({stride = 2, reduction = 'sum'}); unknown options are errors.
--
-- This file: linear layers, convolution, pooling, normalisation, dropout, embedding,
-- activations, softmax.  functional_loss.lua adds the losses, functional_layers.lua pad and
-- attention; functional_args.lua is the argument handling they share.
local torch = require 'torch'
local nnk = torch._nn
local core = torch._core

local F = {}

local A = require 'torch.nn.functional_args'
local fail, shape_str, is_opts, spec = A.fail, A.shape_str, A.is_opts, A.spec
local args_fast, check_type, check_tensor = A.args_fast, A.check_type, A.check_tensor

-- ---------------------------------------------------------------------------- linear

-- linear(input, weight [, bias]): input @ weight^T + bias, input (*, in_features), weight
-- (out_features, in_features), bias (out_features).
function F.linear(input, weight, bias)
  check_tensor('linear', 'input', input)
  check_tensor('linear', 'weight', weight)
  check_tensor('linear', 'bias', bias, true)
  local nd = input:dim()
  if weight:dim() ~= 2 or nd == 0 or input:size(nd) ~= weight:size(2) then
    fail(string.format('[linear] input of shape %s does not match weight of shape %s (expected '
      .. "a 2-D weight and the input's last dimension equal to its second)",
      shape_str(input), shape_str(weight)))
  end
  if bias and (bias:dim() > 1 or bias:numel() ~= weight:size(1)) then
    fail(string.format('[linear] expected bias of shape (%d,), got %s', weight:size(1),
      shape_str(bias)))
  end
  local wt = weight:t()
  if nd == 2 then
    if bias then return torch.addmm(bias, input, wt) end
    return input:mm(wt)
  end
  if nd > 2 and bias and input:is_contiguous() then
    local n = input:numel() / input:size(nd)
    local y = torch.addmm(bias, input:view(n, input:size(nd)), wt)
    local s = input:size():totable()
    s[nd] = weight:size(1)
    return y:view(s)
  end
  local y = input:matmul(wt)
  if bias then y = y + bias end
  return y
end

-- bilinear(input1, input2, weight [, bias]): y_k = input1^T weight_k input2 + bias_k, inputs
-- (*, in1) and (*, in2), weight (out, in1, in2).
function F.bilinear(input1, input2, weight, bias)
  local fname = 'bilinear'
  check_tensor(fname, 'input1', input1)
  check_tensor(fname, 'input2', input2)
  check_tensor(fname, 'weight', weight)
  check_tensor(fname, 'bias', bias, true)
  local n1, n2 = input1:dim(), input2:dim()
  if weight:dim() ~= 3 then
    fail(string.format('[bilinear] expected a 3-D weight (out_features, in1_features, '
      .. 'in2_features), got shape %s', shape_str(weight)))
  end
  local ok = n1 == n2 and n1 >= 1
  for d = 1, n1 - 1 do ok = ok and input1:size(d) == input2:size(d) end
  if not ok then
    fail(string.format('[bilinear] input1 of shape %s and input2 of shape %s must have the same '
      .. 'leading dimensions', shape_str(input1), shape_str(input2)))
  end
  local out, i1, i2 = weight:size(1), weight:size(2), weight:size(3)
  if input1:size(n1) ~= i1 or input2:size(n2) ~= i2 then
    fail(string.format('[bilinear] inputs of shapes %s and %s do not match weight of shape %s',
      shape_str(input1), shape_str(input2), shape_str(weight)))
  end
  if bias and (bias:dim() ~= 1 or bias:size(1) ~= out) then
    fail(string.format('[bilinear] expected bias of shape (%d,), got %s', out, shape_str(bias)))
  end
  local lead = input1:size():totable()
  lead[n1] = nil
  local rows = input1:numel() / i1
  local x1 = input1:reshape(rows, i1)
  local x2 = input2:reshape(rows, i2)
  -- (rows, in1) @ (in1, out * in2) -> (rows, out, in2), times x2, summed over in2
  local w = weight:permute(2, 1, 3):reshape(i1, out * i2)
  local y = (x1:mm(w):view(rows, out, i2) * x2:unsqueeze(2)):sum(3)
  if bias then y = y + bias end
  lead[n1] = out
  return y:reshape(lead)
end

-- ---------------------------------------------------------------------------- convolution
-- conv2d(input, weight [, bias, stride, padding, dilation, groups]) and the others: the C
-- binding parses PyTorch's arguments (docs/nn_kernels.md).
F.conv1d = nnk.conv1d
F.conv2d = nnk.conv2d
F.conv_transpose1d = nnk.conv_transpose1d
F.conv_transpose2d = nnk.conv_transpose2d

-- ---------------------------------------------------------------------------- pooling

-- max pooling: return_indices (7th positional, or an option) adds the 1-based flat indices.
local function max_pool(fname, kernel, input, ...)
  local n = select('#', ...)
  local args = { ... }
  local ri = false
  local last = args[n]
  if n > 0 and is_opts(last) and last.return_indices ~= nil then
    ri = last.return_indices
    local o = {}
    for k, v in pairs(last) do if k ~= 'return_indices' then o[k] = v end end
    args[n] = o
  elseif n >= 6 and not is_opts(args[6]) then
    ri = args[6]
    args[6] = args[7]
    if n >= 7 then args[7] = nil end
    n = n == 6 and 5 or 6
  end
  check_type(fname, 'return_indices', ri, 'boolean')
  local y, ind = kernel(input, unpack(args, 1, n))
  if ri then return y, ind end
  return y
end

function F.max_pool1d(input, ...) return max_pool('max_pool1d', nnk.max_pool1d, input, ...) end
function F.max_pool2d(input, ...) return max_pool('max_pool2d', nnk.max_pool2d, input, ...) end

F.avg_pool1d = nnk.avg_pool1d
F.avg_pool2d = nnk.avg_pool2d
F.adaptive_avg_pool1d = nnk.adaptive_avg_pool1d
F.adaptive_avg_pool2d = nnk.adaptive_avg_pool2d

-- ---------------------------------------------------------------------------- normalisation
-- the C functions return the statistics too; the functional forms return the output only

-- batch_norm(input, running_mean, running_var [, weight, bias, training, momentum, eps])
function F.batch_norm(input, ...) return (nnk.batch_norm(input, ...)) end
-- layer_norm(input, normalized_shape [, weight, bias, eps])
function F.layer_norm(input, ...) return (nnk.layer_norm(input, ...)) end
-- group_norm(input, num_groups [, weight, bias, eps])
function F.group_norm(input, ...) return (nnk.group_norm(input, ...)) end

-- ---------------------------------------------------------------------------- dropout
local DROPOUT = spec({ 'p', 'training', 'inplace' })

-- dropout(input [, p = 0.5, training = true, inplace = false]): zeroes each element with
-- probability p and scales the others by 1 / (1 - p), drawing the mask as PyTorch does.
function F.dropout(input, ...)
  local a = args_fast('dropout', DROPOUT, ...)
  check_tensor('dropout', 'input', input)
  local p = check_type('dropout', 'p', a.p, 'number') or 0.5
  local training = a.training
  if training == nil then training = true end
  check_type('dropout', 'training', a.training, 'boolean')
  check_type('dropout', 'inplace', a.inplace, 'boolean')
  if p < 0 or p > 1 then
    fail(string.format('[dropout] dropout probability has to be between 0 and 1, but got %s', p))
  end
  if not training or p == 0 or input:numel() == 0 then return input end
  local mask
  if p == 1 then
    mask = torch.zeros({}, { dtype = input.dtype, device = input.device })
  else
    mask = torch.empty_like(input):bernoulli_(1 - p):div_(1 - p)
  end
  if a.inplace then return input:mul_(mask) end
  return input * mask
end

-- ---------------------------------------------------------------------------- embedding
local EMBEDDING = spec({ 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse' })

-- embedding(input, weight [, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse]):
-- the rows of weight (num_embeddings, dim) at the 1-based indices input.  padding_idx's row
-- gets no gradient; max_norm renormalises the rows looked up, in place, as PyTorch does.
function F.embedding(input, weight, ...)
  local fname = 'embedding'
  local a = args_fast(fname, EMBEDDING, ...)
  check_tensor(fname, 'input', input)
  check_tensor(fname, 'weight', weight)
  check_type(fname, 'padding_idx', a.padding_idx, 'number')
  check_type(fname, 'max_norm', a.max_norm, 'number')
  check_type(fname, 'norm_type', a.norm_type, 'number')
  check_type(fname, 'scale_grad_by_freq', a.scale_grad_by_freq, 'boolean')
  check_type(fname, 'sparse', a.sparse, 'boolean')
  if a.sparse then fail('[embedding] sparse gradients are not supported') end
  if a.max_norm and weight:dim() == 2 and input:numel() > 0 then
    torch.no_grad(function()
      local rows = torch.unique(input:reshape(-1))
      local sel = weight:index_select(1, rows)
      local norms = sel:norm(a.norm_type or 2, 2, true)
      local scale = torch.where(norms:gt(a.max_norm), a.max_norm / (norms + 1e-7), 1)
      weight:index_copy_(1, rows, sel * scale)
    end)
  end
  return core.nnf_embedding(input, weight, a.padding_idx, a.scale_grad_by_freq)
end

-- ---------------------------------------------------------------------------- activations
local INPLACE = spec({ 'inplace' })

-- f(input) out of place; in place: written into input, which is returned (computed from a
-- copy when input has a history, since the composition saves what it reads)
local function apply(fname, f, input, inplace)
  check_type(fname, 'inplace', inplace, 'boolean')
  if not inplace then return f(input) end
  if input.requires_grad then return input:copy_(f(input:clone())) end
  return input:copy_(f(input))
end

function F.relu(input, inplace)
  if is_opts(inplace) then inplace = args_fast('relu', INPLACE, inplace).inplace end
  check_type('relu', 'inplace', inplace, 'boolean')
  if inplace then return input:relu_() end
  return input:relu()
end

local LEAKY = spec({ 'negative_slope', 'inplace' })
-- leaky_relu(input [, negative_slope = 0.01, inplace]): x for x > 0, else negative_slope * x
function F.leaky_relu(input, ...)
  local a = args_fast('leaky_relu', LEAKY, ...)
  check_tensor('leaky_relu', 'input', input)
  local s = check_type('leaky_relu', 'negative_slope', a.negative_slope, 'number') or 0.01
  return apply('leaky_relu', function(x) return torch.where(x:gt(0), x, x * s) end, input,
    a.inplace)
end

local ELU = spec({ 'alpha', 'inplace' })
-- elu(input [, alpha = 1, inplace]): x for x > 0, else alpha * (exp(x) - 1)
function F.elu(input, ...)
  local a = args_fast('elu', ELU, ...)
  check_tensor('elu', 'input', input)
  local alpha = check_type('elu', 'alpha', a.alpha, 'number') or 1
  -- exp of the clamped input: the branch not taken has no inf in its gradient
  return apply('elu', function(x)
    return torch.where(x:gt(0), x, x:clamp_max(0):expm1() * alpha)
  end, input, a.inplace)
end

local GELU = spec({}, { 'approximate' })
local SQRT_HALF = math.sqrt(0.5)
local SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
-- gelu(input [, {approximate = 'none' | 'tanh'}])
function F.gelu(input, opts)
  local a = args_fast('gelu', GELU, opts)
  check_tensor('gelu', 'input', input)
  local approx = a.approximate or 'none'
  if approx == 'none' then
    return input * ((input * SQRT_HALF):erf() + 1) * 0.5
  elseif approx == 'tanh' then
    local inner = (input + input * input * input * 0.044715) * SQRT_2_OVER_PI
    return input * (inner:tanh() + 1) * 0.5
  end
  fail(string.format("[gelu] approximate argument must be either 'none' or 'tanh', got %s",
    tostring(approx)))
end

-- silu(input [, inplace]): x * sigmoid(x)
function F.silu(input, inplace)
  if is_opts(inplace) then inplace = args_fast('silu', INPLACE, inplace).inplace end
  check_tensor('silu', 'input', input)
  return apply('silu', function(x) return x * x:sigmoid() end, input, inplace)
end

local SOFTPLUS = spec({ 'beta', 'threshold' })
-- softplus(input [, beta = 1, threshold = 20]): log(1 + exp(beta x)) / beta, or x where
-- beta x > threshold
function F.softplus(input, ...)
  local a = args_fast('softplus', SOFTPLUS, ...)
  check_tensor('softplus', 'input', input)
  local beta = check_type('softplus', 'beta', a.beta, 'number') or 1
  local threshold = check_type('softplus', 'threshold', a.threshold, 'number') or 20
  local bx = beta == 1 and input or input * beta
  -- exp only below the threshold, so that the branch not taken has no inf in its gradient
  local soft = bx:clamp_max(threshold):exp():log1p()
  if beta ~= 1 then soft = soft / beta end
  return torch.where(bx:gt(threshold), input, soft)
end

-- mish(input [, inplace]): x * tanh(softplus(x))
function F.mish(input, inplace)
  if is_opts(inplace) then inplace = args_fast('mish', INPLACE, inplace).inplace end
  check_tensor('mish', 'input', input)
  return apply('mish', function(x) return x * F.softplus(x):tanh() end, input, inplace)
end

function F.sigmoid(input) return input:sigmoid() end
function F.tanh(input) return input:tanh() end

local HARDTANH = spec({ 'min_val', 'max_val', 'inplace' })
-- hardtanh(input [, min_val = -1, max_val = 1, inplace]): x clamped to [min_val, max_val];
-- the gradient is 1 strictly inside, 0 elsewhere (PyTorch's)
function F.hardtanh(input, ...)
  local a = args_fast('hardtanh', HARDTANH, ...)
  check_tensor('hardtanh', 'input', input)
  local lo = check_type('hardtanh', 'min_val', a.min_val, 'number') or -1
  local hi = check_type('hardtanh', 'max_val', a.max_val, 'number') or 1
  return apply('hardtanh', function(x)
    local clamped = x:clamp(lo, hi)
    if not x.requires_grad then return clamped end
    return torch.where(x:gt(lo):logical_and(x:lt(hi)), x, clamped:detach())
  end, input, a.inplace)
end

-- ---------------------------------------------------------------------------- softmax
-- softmax(input, dim [, {dtype =}]) / log_softmax: without dim, PyTorch's implicit choice
-- (the first dim for 0-, 1- and 3-D inputs, else the second).
local SOFTMAX = spec({ 'dim' }, { 'dtype', '_stacklevel' })

local function softmax_args(fname, input, dim, opts)
  if is_opts(dim) and opts == nil then dim, opts = nil, dim end
  local a = args_fast(fname, SOFTMAX, dim, opts)
  dim = a.dim
  if dim == nil then
    local nd = input:dim()
    dim = (nd == 0 or nd == 1 or nd == 3) and 1 or 2
  end
  if a.dtype ~= nil then return dim, { dtype = a.dtype } end
  return dim, nil
end

function F.softmax(input, dim, opts)
  if type(dim) == 'number' and opts == nil then return nnk.softmax(input, dim) end
  local d, o = softmax_args('softmax', input, dim, opts)
  if o then return nnk.softmax(input, d, o) end
  return nnk.softmax(input, d)
end

function F.log_softmax(input, dim, opts)
  if type(dim) == 'number' and opts == nil then return nnk.log_softmax(input, dim) end
  local d, o = softmax_args('log_softmax', input, dim, opts)
  if o then return nnk.log_softmax(input, d, o) end
  return nnk.log_softmax(input, d)
end

-- the losses (functional_loss.lua)
require('torch.nn.functional_loss')(F)

-- pad, scaled_dot_product_attention, multi_head_attention_forward (functional_layers.lua)
require('torch.nn.functional_layers')(F)

return F
