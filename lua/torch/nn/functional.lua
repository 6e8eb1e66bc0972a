-- torch.nn.functional (also `require 'torch.nn.functional'`): the neural-network functions
-- the nn modules are built on, with PyTorch's names, arguments and checks.
--
-- Convolutions, poolings, softmax, the norms, embedding and the native losses are single C
-- kernels (torch._nn, lib/TH/THNN.h) that record their own autograd nodes; the activations
-- and the other losses are short compositions of recorded tensor ops, so every function here
-- is differentiable (docs/nn_functional.md).  Conventions as everywhere: dims and class
-- indices are 1-based, PyTorch's further arguments come by position and/or in a trailing
-- options table ({stride = 2, reduction = 'sum'}); unknown options are errors.
local torch = require 'torch'
local nnk = torch._nn
local core = torch._core

local F = {}

-- ---------------------------------------------------------------------------- helpers
local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end

local function fail(msg) torch._error(msg) end

local function shape_str(t)
  local n = t:dim()
  if n == 0 then return '()' end
  local s = {}
  for i = 1, n do s[i] = tostring(t:size(i)) end
  return '(' .. table.concat(s, ', ') .. (n == 1 and ',)' or ')')
end

-- An options table: a plain table that is not a tensor and has no element [1] (a size table
-- such as {2, 2} is a positional argument).
local function is_opts(v)
  return type(v) == 'table' and not is_tensor(v) and rawget(v, 1) == nil
end

-- Argument specs: the names of the positional arguments after the fixed ones, and the names
-- allowed only as options.
local function spec(pos, extra)
  local s = { pos = pos, set = {} }
  for _, k in ipairs(pos) do s.set[k] = true end
  for _, k in ipairs(extra or {}) do s.set[k] = true end
  return s
end

-- The arguments after the fixed ones as a table by name: positional values, then the keys
-- of a trailing options table.
local function args_of(fname, sp, ...)
  local n = select('#', ...)
  while n > 0 and select(n, ...) == nil do n = n - 1 end -- trailing nils are absent arguments
  local a = {}
  if n == 0 then return a end
  local last = select(n, ...)
  local npos = n
  if is_opts(last) then npos = n - 1 end
  if npos > #sp.pos then
    fail(string.format('[%s] expected at most %d further positional arguments, got %d', fname,
      #sp.pos, npos))
  end
  for i = 1, npos do
    local v = select(i, ...)
    if v ~= nil then a[sp.pos[i]] = v end
  end
  if npos < n then
    for k, v in pairs(last) do
      if not sp.set[k] then fail(string.format("[%s] unknown option '%s'", fname, tostring(k))) end
      if a[k] ~= nil then
        fail(string.format('[%s] %s given both as an argument and as an option', fname, k))
      end
      a[k] = v
    end
  end
  return a
end

-- args_of for the common call forms, nothing further or just an options table, which is
-- validated and used as is (no table is made per call).
local NOARGS = {}
local function args_fast(fname, sp, a1, ...)
  if select('#', ...) == 0 then
    if a1 == nil then return NOARGS end
    if is_opts(a1) then
      for k in pairs(a1) do
        if not sp.set[k] then fail(string.format("[%s] unknown option '%s'", fname, tostring(k))) end
      end
      return a1
    end
  end
  return args_of(fname, sp, a1, ...)
end

local function check_type(fname, name, v, want)
  if v ~= nil and type(v) ~= want then
    fail(string.format('[%s] %s must be a %s, got %s', fname, name, want,
      is_tensor(v) and 'Tensor' or type(v)))
  end
  return v
end

local function check_tensor(fname, name, v, optional)
  if v == nil and optional then return nil end
  if not is_tensor(v) then
    fail(string.format('[%s] %s must be a Tensor, got %s', fname, name, type(v)))
  end
  return v
end

-- PyTorch's reduction argument, with the legacy size_average/reduce flags.
local REDUCTIONS = { none = true, mean = true, sum = true }
local function reduction_of(fname, a, allowed)
  local r = a.reduction
  if a.size_average ~= nil or a.reduce ~= nil then
    local size_average = a.size_average ~= false
    local reduce = a.reduce ~= false
    r = not reduce and 'none' or size_average and 'mean' or 'sum'
  end
  if r == nil then return 'mean' end
  if not (allowed or REDUCTIONS)[r] then
    fail(string.format('[%s] %s is not a valid value for reduction (expected %s)', fname,
      type(r) == 'string' and ("'" .. r .. "'") or tostring(r),
      allowed and "'none', 'batchmean', 'mean' or 'sum'" or "'none', 'mean' or 'sum'"))
  end
  return r
end

local function reduce(l, r)
  if r == 'mean' then return l:mean() end
  if r == 'sum' then return l:sum() end
  return l
end

-- input and target must broadcast together (PyTorch warns when their sizes differ and
-- broadcasts them; so do these losses, without the warning).
local function check_broadcast(fname, input, target, what)
  local ni, nt = input:dim(), target:dim()
  for k = 0, math.min(ni, nt) - 1 do
    local a, b = input:size(ni - k), target:size(nt - k)
    if a ~= b and a ~= 1 and b ~= 1 then
      fail(string.format('[%s] %s of shape %s does not broadcast with input of shape %s', fname,
        what or 'target', shape_str(target), shape_str(input)))
    end
  end
end

-- Runs f(...), raising its error with `[from]` renamed `[to]`.
local function renamed(to, from, f, ...)
  local ok, a, b = pcall(f, ...)
  if ok then return a, b end
  if type(a) == 'string' then
    for _, name in ipairs(from) do a = a:gsub('%[' .. name .. '%]', '[' .. to .. ']') end
  end
  error(a, 0)
end

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
    mask = torch.zeros({}, { dtype = input.dtype })
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

-- ---------------------------------------------------------------------------- losses
local LOSS = spec({ 'size_average', 'reduce', 'reduction' })

local function loss_inputs(fname, input, target)
  check_tensor(fname, 'input', input)
  check_tensor(fname, 'target', target)
  check_broadcast(fname, input, target)
end

-- mse_loss(input, target [, {reduction = 'mean'}]): (input - target)^2
function F.mse_loss(input, target, ...)
  local r = reduction_of('mse_loss', args_fast('mse_loss', LOSS, ...))
  loss_inputs('mse_loss', input, target)
  local d = input - target
  return reduce(d * d, r)
end

-- l1_loss(input, target [, {reduction =}]): |input - target|
function F.l1_loss(input, target, ...)
  local r = reduction_of('l1_loss', args_fast('l1_loss', LOSS, ...))
  loss_inputs('l1_loss', input, target)
  return reduce((input - target):abs(), r)
end

local SMOOTH_L1 = spec({ 'size_average', 'reduce', 'reduction', 'beta' })
-- smooth_l1_loss(input, target [, {reduction =, beta = 1}]): 0.5 d^2 / beta where |d| < beta,
-- else |d| - 0.5 beta
function F.smooth_l1_loss(input, target, ...)
  local a = args_fast('smooth_l1_loss', SMOOTH_L1, ...)
  local r = reduction_of('smooth_l1_loss', a)
  loss_inputs('smooth_l1_loss', input, target)
  local beta = check_type('smooth_l1_loss', 'beta', a.beta, 'number') or 1
  if beta < 0 then fail('[smooth_l1_loss] smooth_l1_loss does not support negative values for beta') end
  local d = input - target
  local ad = d:abs()
  if beta == 0 then return reduce(ad, r) end
  return reduce(torch.where(ad:lt(beta), d * d * (0.5 / beta), ad - 0.5 * beta), r)
end

local HUBER = spec({ 'reduction', 'delta' })
-- huber_loss(input, target [, {reduction =, delta = 1}]): 0.5 d^2 where |d| < delta, else
-- delta (|d| - 0.5 delta)
function F.huber_loss(input, target, ...)
  local a = args_fast('huber_loss', HUBER, ...)
  local r = reduction_of('huber_loss', a)
  loss_inputs('huber_loss', input, target)
  local delta = check_type('huber_loss', 'delta', a.delta, 'number') or 1
  if delta <= 0 then fail('[huber_loss] huber_loss does not support non-positive values for delta') end
  local d = input - target
  local ad = d:abs()
  return reduce(torch.where(ad:lt(delta), d * d * 0.5, (ad - 0.5 * delta) * delta), r)
end

local BCE = spec({ 'weight', 'size_average', 'reduce', 'reduction' })
-- binary_cross_entropy(input, target [, weight, {reduction =}]): input probabilities in [0, 1]
function F.binary_cross_entropy(input, target, ...)
  local a = args_fast('binary_cross_entropy', BCE, ...)
  local r = reduction_of('binary_cross_entropy', a)
  if r == 'mean' then return nnk.binary_cross_entropy(input, target, a.weight) end
  return nnk.binary_cross_entropy(input, target, a.weight, { reduction = r })
end

local BCEL = spec({ 'weight', 'size_average', 'reduce', 'reduction', 'pos_weight' })
-- binary_cross_entropy_with_logits(input, target [, weight, {reduction =, pos_weight =}])
function F.binary_cross_entropy_with_logits(input, target, ...)
  local a = args_fast('binary_cross_entropy_with_logits', BCEL, ...)
  local r = reduction_of('binary_cross_entropy_with_logits', a)
  return nnk.binary_cross_entropy_with_logits(input, target, a.weight,
    { reduction = r, pos_weight = a.pos_weight })
end

local NLL = spec({ 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction' })
-- nll_loss(input, target [, weight, {ignore_index = -100, reduction =}]): input
-- log-probabilities (N, C, ...) or (C), target 1-based classes (N, ...) or ()
function F.nll_loss(input, target, ...)
  if select('#', ...) == 0 then return (nnk.nll_loss(input, target)) end
  local a = args_fast('nll_loss', NLL, ...)
  local r = reduction_of('nll_loss', a)
  check_type('nll_loss', 'ignore_index', a.ignore_index, 'number')
  return (nnk.nll_loss(input, target, a.weight, { ignore_index = a.ignore_index, reduction = r }))
end

local CE = spec({ 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction',
  'label_smoothing' })
local CE_NAMES = { 'nll_loss', 'log_softmax' }

-- the class indices form with label smoothing eps: (1 - eps) nll + eps / C * smooth, smooth
-- the weighted sum of -log-probabilities over the classes (PyTorch's formula)
local function ce_smoothed(logp, target, weight, ignore, r, eps, cdim)
  local nll = renamed('cross_entropy', CE_NAMES, nnk.nll_loss, logp, target, weight,
    { ignore_index = ignore, reduction = r })
  local C = logp:size(cdim)
  local smooth
  if weight then
    local shape = {}
    for d = 1, logp:dim() do shape[d] = d == cdim and C or 1 end
    smooth = -(logp * weight:view(shape)):sum(cdim)
  else
    smooth = -logp:sum(cdim)
  end
  local keep = target:ne(ignore)
  smooth = smooth:masked_fill(keep:logical_not(), 0)
  local ret
  if r == 'mean' then
    if weight then
      local sel = target:masked_select(keep)
      ret = smooth:sum() / weight:index_select(1, sel:reshape(-1)):sum()
    else
      ret = smooth:sum() / keep:sum()
    end
  elseif r == 'sum' then
    ret = smooth:sum()
  else
    ret = smooth
  end
  return nll * (1 - eps) + ret * (eps / C)
end

-- the class probabilities form: -sum(target' * weight * log_softmax(input)), target' smoothed
local function ce_probs(logp, target, weight, r, eps, cdim)
  local C = logp:size(cdim)
  if eps > 0 then target = target * (1 - eps) + eps / C end
  local prod = logp * target
  if weight then
    local shape = {}
    for d = 1, logp:dim() do shape[d] = d == cdim and C or 1 end
    prod = prod * weight:view(shape)
  end
  if r == 'sum' then return -prod:sum() end
  if r == 'none' then return -prod:sum(cdim) end
  return -prod:sum() / (logp:numel() / C)
end

-- cross_entropy(input, target [, weight, {ignore_index = -100, reduction =,
-- label_smoothing = 0}]): log_softmax over the class dim, then the negative log likelihood
-- of 1-based class indices (integer target), or against class probabilities (floating target
-- of the input's shape).
function F.cross_entropy(input, target, ...)
  local fname = 'cross_entropy'
  if select('#', ...) == 0 and is_tensor(input) and is_tensor(target)
      and not target:is_floating_point() then
    local cdim = input:dim() == 1 and 1 or 2
    return (renamed(fname, CE_NAMES, nnk.nll_loss, nnk.log_softmax(input, cdim), target))
  end
  local a = args_fast(fname, CE, ...)
  local r = reduction_of(fname, a)
  check_tensor(fname, 'input', input)
  check_tensor(fname, 'target', target)
  local weight = check_tensor(fname, 'weight', a.weight, true)
  local eps = check_type(fname, 'label_smoothing', a.label_smoothing, 'number') or 0
  if eps < 0 or eps > 1 then
    fail(string.format('[cross_entropy] label_smoothing must be between 0.0 and 1.0, got %s', eps))
  end
  local ignore = check_type(fname, 'ignore_index', a.ignore_index, 'number') or -100
  if input:dim() == 0 then
    fail('[cross_entropy] expected input of shape (C), (N, C) or (N, C, d1, ...), got shape ()')
  end
  local cdim = input:dim() == 1 and 1 or 2
  local C = input:size(cdim)
  if weight and (weight:dim() ~= 1 or weight:numel() ~= C) then
    fail(string.format('[cross_entropy] expected weight of shape (%d,), got %s', C,
      shape_str(weight)))
  end
  if target:is_floating_point() then
    local same = target:dim() == input:dim()
    for d = 1, input:dim() do same = same and target:size(d) == input:size(d) end
    if not same then
      fail(string.format('[cross_entropy] expected class probabilities of the input\'s shape %s '
        .. 'or 1-based class indices of an integer dtype, got a %s target of shape %s',
        shape_str(input), target.dtype.name, shape_str(target)))
    end
    local logp = renamed(fname, CE_NAMES, nnk.log_softmax, input, cdim)
    return ce_probs(logp, target, weight, r, eps, cdim)
  end
  local logp = renamed(fname, CE_NAMES, nnk.log_softmax, input, cdim)
  if eps > 0 then return ce_smoothed(logp, target, weight, ignore, r, eps, cdim) end
  return (renamed(fname, CE_NAMES, nnk.nll_loss, logp, target, weight,
    { ignore_index = ignore, reduction = r }))
end

local KL = spec({ 'size_average', 'reduce', 'reduction', 'log_target' })
local KL_REDUCTIONS = { none = true, batchmean = true, mean = true, sum = true }
-- kl_div(input, target [, {reduction = 'mean', log_target = false}]): input log-probabilities;
-- target probabilities (log-probabilities with log_target): target (log target - input)
function F.kl_div(input, target, ...)
  local a = args_fast('kl_div', KL, ...)
  local r = reduction_of('kl_div', a, KL_REDUCTIONS)
  loss_inputs('kl_div', input, target)
  check_type('kl_div', 'log_target', a.log_target, 'boolean')
  local l
  if a.log_target then
    l = target:exp() * (target - input)
  else
    -- xlogy(t, t) - t * input: 0 where t is 0
    local safe = torch.where(target:eq(0), 1, target)
    l = target * safe:log() - target * input
  end
  if r == 'batchmean' then
    if input:dim() == 0 then return l:sum() end
    return l:sum() / input:size(1)
  end
  return reduce(l, r)
end

local COSINE = spec({ 'margin', 'size_average', 'reduce', 'reduction' })
-- cosine_embedding_loss(input1, input2, target [, margin = 0, {reduction =}]): 1 - cos(x1, x2)
-- where target is 1, max(0, cos(x1, x2) - margin) where it is -1
function F.cosine_embedding_loss(input1, input2, target, ...)
  local fname = 'cosine_embedding_loss'
  local a = args_fast(fname, COSINE, ...)
  local r = reduction_of(fname, a)
  check_tensor(fname, 'input1', input1)
  check_tensor(fname, 'input2', input2)
  check_tensor(fname, 'target', target)
  local margin = check_type(fname, 'margin', a.margin, 'number') or 0
  local td = target:dim()
  if td > 1 then
    fail(string.format('[%s] 0-D or 1-D target expected, multi-target not supported (got target '
      .. 'of shape %s)', fname, shape_str(target)))
  end
  local want = td == 1 and 2 or 1
  if input1:dim() ~= want or input2:dim() ~= want then
    fail(string.format('[%s] %d-D target expects %d-D inputs, got inputs of shapes %s and %s',
      fname, td, want, shape_str(input1), shape_str(input2)))
  end
  local sd = td + 1
  local prod = (input1 * input2):sum(sd)
  local m1 = (input1 * input1):sum(sd) + 1e-12
  local m2 = (input2 * input2):sum(sd) + 1e-12
  local cos = prod / (m1 * m2):sqrt()
  local zeros = torch.zeros_like(cos)
  local pos = torch.where(target:eq(1), 1 - cos, zeros)
  local neg = torch.where(target:eq(-1), (cos - margin):clamp_min(0), zeros)
  return reduce(pos + neg, r)
end

-- pad, scaled_dot_product_attention, multi_head_attention_forward (functional_layers.lua)
require('torch.nn.functional_layers')(F)

return F
