-- The losses of torch.nn.functional (installed into it by functional.lua): mse_loss, l1_loss,
-- smooth_l1_loss, huber_loss, the binary cross entropies, nll_loss, cross_entropy, kl_div and
-- cosine_embedding_loss, each with PyTorch's reduction argument.  nll_loss and the binary
-- cross entropies are C kernels (torch._nn); cross_entropy is log_softmax + nll_loss (or its
-- label-smoothing and class-probability forms); the others are compositions of tensor ops.
local torch = require 'torch'
local nnk = torch._nn
local A = require 'torch.nn.functional_args'
local is_tensor, fail, shape_str, spec = A.is_tensor, A.fail, A.shape_str, A.spec
local args_fast, check_type, check_tensor = A.args_fast, A.check_type, A.check_tensor
local reduction_of, reduce, check_broadcast, renamed = A.reduction_of, A.reduce, A.check_broadcast, A.renamed

return function(F)
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
end
