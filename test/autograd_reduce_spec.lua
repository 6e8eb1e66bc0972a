-- Backward formulas of the reductions, scans and sorting ops (lib/TH/autograd/THDerivReduce.c,
-- THDerivSort.c; recorded by THReduce_run, THScan_run and THSort.c).
--
-- Expected gradients and node names are PyTorch 1.13's for the same calls, computed once and
-- written down here: each case's loss is sum(y * w) with w = (1, 2, 3, ...) / 10 in y's shape
-- (summed over both outputs for var_mean / std_mean).  gradcheck and gradgradcheck run on
-- small random float64 inputs (fixed seeds).
local torch = require 'torch'
local ag = torch.autograd
local f64, f32 = torch.float64, torch.float32
local nan, inf = 0 / 0, math.huge

local function leaf(data, dtype) return torch.tensor(data, { dtype = dtype or f64, requires_grad = true }) end
local function rand(seed, sizes)
  torch.manual_seed(seed)
  return torch.randn(sizes, { dtype = f64, requires_grad = true })
end
local function node(y) return y.grad_fn and y.grad_fn:name() end

-- actual (a tensor) against nested tables of numbers; NaN matches NaN, infinities match
local function near(actual, expected, rtol)
  local function walk(a, e, path)
    if type(e) == 'table' then
      assert.are.equal(#e, #a, 'length at ' .. path)
      for i = 1, #e do walk(a[i], e[i], path .. '[' .. i .. ']') end
      return
    end
    if e ~= e then
      assert.is_true(a ~= a, 'expected nan at ' .. path .. ', got ' .. tostring(a))
    elseif e == inf or e == -inf then
      assert.are.equal(e, a, 'at ' .. path)
    else
      local tol = rtol * math.max(1, math.abs(e))
      assert.is_true(math.abs(a - e) <= tol, string.format('at %s: expected %.17g, got %.17g', path, e, a))
    end
  end
  walk(actual:tolist(), expected, '')
end

-- the gradient of sum(y * w) over the floating outputs of f(x)
local function grad_of(f, x)
  local ys = { f(x) }
  local loss
  for _, y in ipairs(ys) do
    if y.dtype.is_floating_point then
      local w = ((torch.arange(y:numel(), { dtype = y.dtype }) + 1) / 10):reshape(y.shape)
      local l = (y * w):sum()
      loss = loss and loss + l or l
    end
  end
  return ag.grad({ loss }, { x })[1], ys[1]
end

local function fails(f, msg)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error containing: ' .. msg)
  assert.is_truthy(tostring(e):find(msg, 1, true), 'error was: ' .. tostring(e))
end

local function check(f, x)
  assert.is_true(ag.gradcheck(f, { x }))
  assert.is_true(ag.gradgradcheck(f, { x }))
end

-- ---------------------------------------------------------------------------- fixed inputs
local X = { { 0.5, -1.2, 2.0, 0.3 }, { 1.5, 0.7, -0.4, -2.2 }, { 0.1, 0.9, -1.1, 1.3 } }
local XN = { { 0.5, nan, 2.0, 0.3 }, { 1.5, 0.7, -0.4, -2.2 }, { 0.1, 0.9, -1.1, nan } }
local XZ = { { 0.5, 0.0, 2.0, 0.3 }, { 1.5, 0.0, -0.4, 0.0 }, { 0.1, 0.9, -1.1, 1.3 } }
local XT = { { 2.0, -1.0, 2.0, 0.5 }, { 1.0, 1.0, 1.0, 1.0 }, { -3.0, 0.5, 0.25, -3.0 } }
local XM = { { 1.0, 2.0, 2.0, 3.0 }, { 0.0, 3.0, 3.0, 3.0 }, { 5.0, 4.0, 5.0, 6.0 } }

-- name, input, function, PyTorch's node name, PyTorch's gradient
local cases = {
  { 'sum', X, function(x) return x:sum() end, 'SumBackward0',
    { { 0.1, 0.1, 0.1, 0.1 }, { 0.1, 0.1, 0.1, 0.1 }, { 0.1, 0.1, 0.1, 0.1 } } },
  { 'sum(-1, keepdim)', X, function(x) return x:sum(-1, true) end, 'SumBackward1',
    { { 0.1, 0.1, 0.1, 0.1 }, { 0.2, 0.2, 0.2, 0.2 }, { 0.3, 0.3, 0.3, 0.3 } } },
  { 'mean(1)', X, function(x) return x:mean(1) end, 'MeanBackward1',
    { { 0.03333333333333333, 0.06666666666666667, 0.09999999999999999, 0.13333333333333333 },
      { 0.03333333333333333, 0.06666666666666667, 0.09999999999999999, 0.13333333333333333 },
      { 0.03333333333333333, 0.06666666666666667, 0.09999999999999999, 0.13333333333333333 } } },
  { 'nansum(2) with NaNs', XN, function(x) return x:nansum(2) end, 'NansumBackward0',
    { { 0.1, 0.0, 0.1, 0.1 }, { 0.2, 0.2, 0.2, 0.2 }, { 0.3, 0.3, 0.3, 0.0 } } },
  { 'prod()', X, function(x) return x:prod() end, 'ProdBackward0',
    { { 0.008562153600000004, -0.003567564000000002, 0.002140538400000001, 0.014270256000000007 },
      { 0.0028540512000000016, 0.006115824000000003, -0.010702692000000005, -0.0019459440000000009 },
      { 0.04281076800000002, 0.004756752000000003, -0.0038918880000000018, 0.0032931360000000016 } } },
  { 'prod(2) with zeros', XZ, function(x) return x:prod(2) end, 'ProdBackward1',
    { { 0.0, 0.03, 0.0, 0.0 }, { -0.0, -0.0, 0.0, -0.0 },
      { -0.38610000000000005, -0.0429, 0.035100000000000006, -0.029700000000000004 } } },
  { 'amax(2) with ties', XT, function(x) return x:amax(2) end, 'AmaxBackward0',
    { { 0.05, 0.0, 0.05, 0.0 }, { 0.05, 0.05, 0.05, 0.05 }, { 0.0, 0.3, 0.0, 0.0 } } },
  { 'amin({1, 2}) with ties', XT, function(x) return x:amin({ 1, 2 }) end, 'AminBackward0',
    { { 0.0, 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.0 }, { 0.05, 0.0, 0.0, 0.05 } } },
  { 'max() with ties', XT, function(x) return x:max() end, 'MaxBackward1',
    { { 0.05, 0.0, 0.05, 0.0 }, { 0.0, 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.0 } } },
  { 'max(2)', X, function(x) return (x:max(2)) end, 'MaxBackward0',
    { { 0.0, 0.0, 0.1, 0.0 }, { 0.2, 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.3 } } },
  { 'min(1, keepdim)', X, function(x) return (x:min(1, true)) end, 'MinBackward0',
    { { 0.0, 0.2, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.4 }, { 0.1, 0.0, 0.3, 0.0 } } },
  { 'var(2)', X, function(x) return x:var(2) end, 'VarBackward0',
    { { 0.006666666666666665, -0.10666666666666667, 0.10666666666666667, -0.006666666666666669 },
      { 0.21333333333333335, 0.10666666666666666, -0.04000000000000001, -0.28 },
      { -0.039999999999999994, 0.12000000000000001, -0.28, 0.19999999999999998 } } },
  { 'var{correction = 0}', X, function(x) return x:var({ correction = 0 }) end, 'VarBackward0',
    { { 0.005000000000000001, -0.02333333333333333, 0.03, 0.0016666666666666668 },
      { 0.021666666666666667, 0.008333333333333333, -0.01, -0.04000000000000001 },
      { -0.0016666666666666663, 0.011666666666666667, -0.021666666666666667, 0.018333333333333333 } } },
  { 'std(1)', X, function(x) return x:std(1) end, 'StdBackward0',
    { { -0.013867504905630733, -0.11503946170861018, 0.16914405092160048, 0.05547001962252292 },
      { 0.05547001962252291, 0.04889177122615933, -0.05228088846667651, -0.22188007849009167 },
      { -0.04160251471689219, 0.06614769048245085, -0.11686316245492398, 0.16641005886756877 } } },
  { 'var_mean(2)', X, function(x) return torch.var_mean(x, 2) end, 'VarMeanBackward0',
    { { 0.03166666666666667, -0.08166666666666667, 0.13166666666666668, 0.018333333333333333 },
      { 0.26333333333333336, 0.15666666666666668, 0.009999999999999995, -0.23000000000000004 },
      { 0.035, 0.195, -0.20500000000000002, 0.27499999999999997 } } },
  { 'std_mean(1, keepdim)', X, function(x) return torch.std_mean(x, { dim = 1, keepdim = true }) end,
    'StdMeanBackward0',
    { { 0.0194658284277026, -0.048372795041943514, 0.2691440509216005, 0.18880335295585626 },
      { 0.08880335295585624, 0.115558437892826, 0.047719111533323484, -0.08854674515675834 },
      { -0.008269181383558859, 0.13281435714911752, -0.01686316245492399, 0.29974339220090207 } } },
  { 'norm()', X, function(x) return x:norm() end, 'NormBackward1',
    { { 0.0120420762714772, -0.028900983051545277, 0.0481683050859088, 0.007225245762886319 },
      { 0.0361262288144316, 0.01685890678006808, -0.009633661017181761, -0.05298513559449968 },
      { 0.0024084152542954403, 0.02167573728865896, -0.02649256779724984, 0.03130939830584072 } } },
  { 'norm(3, 2)', X, function(x) return x:norm(3, 2) end, 'NormBackward1',
    { { 0.005429610953075828, -0.03127455908971677, 0.08687377524921325, 0.001954659943107298 },
      { 0.0759221141437258, 0.016534149302411393, -0.005398905894664946, -0.16331690331361462 },
      { 0.0011419598020639787, 0.09249874396718227, -0.13817713604974144, 0.1929912065488124 } } },
  { 'norm(1)', X, function(x) return x:norm(1) end, 'NormBackward1',
    { { 0.1, -0.1, 0.1, 0.1 }, { 0.1, 0.1, -0.1, -0.1 }, { 0.1, 0.1, -0.1, 0.1 } } },
  { 'norm(inf, 1)', X, function(x) return x:norm(inf, 1) end, 'NormBackward1',
    { { 0.0, -0.2, 0.3, 0.0 }, { 0.1, 0.0, -0.0, -0.4 }, { 0.0, 0.0, -0.0, 0.0 } } },
  { 'norm(0.5, {1, 2})', X, function(x) return x:norm(0.5, { 1, 2 }) end, 'NormBackward1',
    { { 1.611564728833214, -1.0402605593510517, 0.805782364416607, 2.0805211187021033 },
      { 0.9304373300083626, 1.3620207873437988, -1.801784141906041, -0.7682833395450935 },
      { 3.603568283812082, 1.2011894279373607, -1.086516718529965, 0.9994500170707871 } } },
  { 'logsumexp(2)', X, function(x) return x:logsumexp(2) end, 'LogsumexpBackward0',
    { { 0.015424711691360485, 0.00281784068927515, 0.06912876180028604, 0.01262868581907832 },
      { 0.12318144842510721, 0.05534899261931238, 0.018424079154787516, 0.003045479800792885 },
      { 0.043815756092496216, 0.09751375849669351, 0.013197052125616662, 0.14547343328519366 } } },
  { 'median()', X, function(x) return x:median() end, 'MedianBackward0',
    { { 0.0, 0.0, 0.0, 0.1 }, { 0.0, 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.0 } } },
  { 'median(2)', X, function(x) return (x:median(2)) end, 'MedianBackward1',
    { { 0.0, 0.0, 0.0, 0.1 }, { 0.0, 0.0, 0.2, 0.0 }, { 0.3, 0.0, 0.0, 0.0 } } },
  { 'nanmedian(1) with NaNs', XN, function(x) return (x:nanmedian(1)) end, 'NanmedianBackward1',
    { { 0.1, 0.0, 0.0, 0.0 }, { 0.0, 0.2, 0.3, 0.4 }, { 0.0, 0.0, 0.0, 0.0 } } },
  { 'mode(2)', XM, function(x) return (x:mode(2)) end, 'ModeBackward0',
    { { 0.0, 0.0, 0.1, 0.0 }, { 0.0, 0.0, 0.0, 0.2 }, { 0.0, 0.0, 0.3, 0.0 } } },
  { 'cumsum(2)', X, function(x) return x:cumsum(2) end, 'CumsumBackward0',
    { { 0.9999999999999999, 0.8999999999999999, 0.7, 0.4 }, { 2.6, 2.1, 1.5, 0.8 },
      { 4.2, 3.3, 2.3, 1.2 } } },
  { 'cumprod(2) with zeros', XZ, function(x) return x:cumprod(2) end, 'CumprodBackward0',
    { { 0.1, 0.52, 0.0, 0.0 }, { 0.5, 0.48, 0.0, 0.0 },
      { -0.8334000000000004, -0.19260000000000005, 0.23940000000000006, -0.11880000000000003 } } },
  { 'cumprod(1)', X, function(x) return x:cumprod(1) end, 'CumprodBackward0',
    { { 0.985, 1.25, 0.5040000000000001, -4.792000000000001 }, { 0.295, -1.8, -1.0200000000000005, 0.708 },
      { 0.6750000000000002, -0.84, -0.8800000000000001, -0.792 } } },
  { 'cummax(2) with ties', XT, function(x) return (x:cummax(2)) end, 'CummaxBackward0',
    { { 0.30000000000000004, 0.0, 0.7, 0.0 }, { 0.5, 0.6, 0.7, 0.8 }, { 0.9, 3.3, 0.0, 0.0 } } },
  { 'cummin(1) with ties', XT, function(x) return (x:cummin(1)) end, 'CumminBackward0',
    { { 0.1, 1.8, 0.3, 1.2000000000000002 }, { 0.5, 0.0, 0.7, 0.0 }, { 0.9, 0.0, 1.1, 1.2 } } },
  { 'logcumsumexp(2)', X, function(x) return x:logcumsumexp(2) end, 'LogcumsumexpBackward0',
    { { 0.38376841140864626, 0.05183981341097773, 0.5138770319040625, 0.05051474327631327 },
      { 1.8445121322724232, 0.6041282436370047, 0.1391777048874006, 0.01218191920317154 },
      { 1.6971917500915779, 1.774182867685346, 0.1467316490823017, 0.5818937331407747 } } },
  { 'sort(2, descending)', X, function(x) return (x:sort(2, true)) end, 'SortBackward0',
    { { 0.2, 0.4, 0.1, 0.3 }, { 0.5, 0.6, 0.7, 0.8 }, { 1.1, 1.0, 1.2, 0.9 } } },
  { 'topk(2, 1)', X, function(x) return (x:topk(2, 1)) end, 'TopkBackward0',
    { { 0.5, 0.0, 0.3, 0.8 }, { 0.1, 0.6, 0.7, 0.0 }, { 0.0, 0.2, 0.0, 0.4 } } },
  { 'topk(2, 2, smallest)', X, function(x) return (x:topk(2, 2, false)) end, 'TopkBackward0',
    { { 0.0, 0.1, 0.0, 0.2 }, { 0.0, 0.0, 0.4, 0.3 }, { 0.6, 0.0, 0.5, 0.0 } } },
  { 'kthvalue(2, 2, keepdim)', X, function(x) return (x:kthvalue(2, 2, true)) end, 'KthvalueBackward0',
    { { 0.0, 0.0, 0.0, 0.1 }, { 0.0, 0.0, 0.2, 0.0 }, { 0.3, 0.0, 0.0, 0.0 } } },
}

describe('gradients against PyTorch 1.13', function()
  for _, c in ipairs(cases) do
    it(c[1] .. ': ' .. c[4], function()
      local x = leaf(c[2])
      local g, y = grad_of(c[3], x)
      assert.are.equal(c[4], node(y))
      assert.is_truthy(tostring(y.grad_fn):find('^<' .. c[4] .. ' object at'))
      assert.are.equal(f64, g.dtype)
      near(g, c[5], 1e-12)
    end)
  end
end)

describe('float32 inputs', function()
  it('give float32 gradients of the same values', function()
    for _, c in ipairs(cases) do
      local x = leaf(c[2], f32)
      local g = grad_of(c[3], x)
      assert.are.equal(f32, g.dtype, c[1])
      near(g, c[5], 2e-5)
    end
  end)

  it('x.grad of a float32 leaf is float32 (backward)', function()
    local x = leaf(X, f32)
    x:logsumexp(2):sum():backward()
    assert.are.equal(f32, x.grad.dtype)
  end)

  it('a float32 input reduced in float64 (dtype =) gets a float32 gradient', function()
    local x = leaf({ 1, 2, 3 }, f32)
    local y = x:sum({ dtype = f64 })
    assert.are.equal(f64, y.dtype)
    y:backward()
    assert.are.equal(f32, x.grad.dtype)
    near(x.grad, { 1, 1, 1 }, 0)
  end)
end)

-- ---------------------------------------------------------------------------- gradcheck
-- name, function, input shape (random float64, fixed seed)
local random_cases = {
  { 'sum over {1, -1}, keepdim', function(x) return x:sum({ 1, -1 }, true) end, { 2, 3, 2 } },
  { 'sum of a transposed input', function(x) return x:t():sum(1) end, { 3, 4 } },
  { 'mean(-2)', function(x) return x:mean(-2) end, { 2, 3, 2 } },
  { 'nansum', function(x) return x:nansum(1) end, { 3, 2 } },
  { 'prod()', function(x) return x:prod() end, { 2, 3 } },
  { 'prod(-1, keepdim) of a narrowed input', function(x) return x:narrow(2, 2, 3):prod(-1, true) end, { 3, 4 } },
  { 'prod of a 0-dim tensor', function(x) return x:prod() end, {} },
  { 'amax({1, 3})', function(x) return x:amax({ 1, 3 }) end, { 2, 3, 2 } },
  { 'amin(-1, keepdim) of a transposed input', function(x) return x:t():amin(-1, true) end, { 3, 4 } },
  { 'max()', function(x) return x:max() end, { 3, 4 } },
  { 'max(1)', function(x) return (x:max(1)) end, { 3, 4 } },
  { 'min(-1, keepdim) of a transposed input', function(x) return (x:t():min(-1, true)) end, { 3, 4 } },
  { 'max of a 0-dim tensor along its dim', function(x) return (x:max(1)) end, {} },
  { 'var()', function(x) return x:var() end, { 3, 4 } },
  { 'var({1, 2}, keepdim)', function(x) return x:var({ 1, 2 }, true) end, { 2, 3, 2 } },
  { 'var(-1, correction = 0)', function(x) return x:var(-1, { correction = 0 }) end, { 3, 4 } },
  { 'std(2)', function(x) return x:std(2) end, { 3, 4 } },
  { 'std() of a transposed input', function(x) return x:t():std() end, { 3, 4 } },
  { 'var_mean(1)', function(x) return torch.var_mean(x, 1) end, { 3, 4 } },
  { 'std_mean()', function(x) return torch.std_mean(x) end, { 3, 4 } },
  { 'norm()', function(x) return x:norm() end, { 3, 4 } },
  { 'norm(3, -1)', function(x) return x:norm(3, -1) end, { 3, 4 } },
  { 'norm(1.5, 1, keepdim)', function(x) return x:norm(1.5, 1, true) end, { 3, 4 } },
  { 'norm(0.5)', function(x) return x:norm(0.5) end, { 3, 4 } },
  { 'norm(1, 2)', function(x) return x:norm(1, 2) end, { 3, 4 } },
  { 'norm(inf)', function(x) return x:norm(inf) end, { 3, 4 } },
  { 'norm(-inf, 2)', function(x) return x:norm(-inf, 2) end, { 3, 4 } },
  { 'norm of a 0-dim tensor', function(x) return x:norm() end, {} },
  { 'logsumexp({1, 2})', function(x) return x:logsumexp({ 1, 2 }) end, { 2, 3, 2 } },
  { 'log_softmax: x - logsumexp(-1, keepdim) (broadcast)', function(x) return x - x:logsumexp(-1, true) end, { 3, 4 } },
  { 'x - amax(2, keepdim) (broadcast)', function(x) return x - x:amax(2, true) end, { 3, 4 } },
  { 'median()', function(x) return x:median() end, { 3, 3 } },
  { 'median(-1, keepdim)', function(x) return (x:median(-1, true)) end, { 3, 4 } },
  { 'nanmedian(1)', function(x) return (x:nanmedian(1)) end, { 3, 4 } },
  { 'nanmedian()', function(x) return x:nanmedian() end, { 3, 4 } },
  { 'mode()', function(x) return (x:mode()) end, { 3, 4 } },
  { 'cumsum(2)', function(x) return x:cumsum(2) end, { 3, 4 } },
  { 'cumsum(1) of a transposed input', function(x) return x:t():cumsum(1) end, { 3, 4 } },
  { 'cumprod(-1)', function(x) return x:cumprod(-1) end, { 3, 4 } },
  { 'cumprod of a 0-dim tensor', function(x) return x:cumprod(1) end, {} },
  { 'cummax(2)', function(x) return (x:cummax(2)) end, { 3, 4 } },
  { 'cummin(-2)', function(x) return (x:cummin(-2)) end, { 3, 4 } },
  { 'logcumsumexp(1)', function(x) return x:logcumsumexp(1) end, { 3, 4 } },
  { 'logcumsumexp(-1) of a narrowed input', function(x) return x:narrow(1, 2, 2):logcumsumexp(-1) end, { 3, 4 } },
  { 'sort(2)', function(x) return (x:sort(2)) end, { 3, 4 } },
  { 'sort(1, descending) of a transposed input', function(x) return (x:t():sort(1, true)) end, { 3, 4 } },
  { 'topk(2)', function(x) return (x:topk(2)) end, { 3, 4 } },
  { 'topk(2, 1, smallest, unsorted)', function(x) return (x:topk(2, 1, false, false)) end, { 3, 4 } },
  { 'kthvalue(2, 1)', function(x) return (x:kthvalue(2, 1)) end, { 3, 4 } },
  { 'kthvalue(3, -1, keepdim)', function(x) return (x:kthvalue(3, -1, true)) end, { 3, 4 } },
  { 'sort of a 0-dim tensor', function(x) return (x:sort()) end, {} },
}

describe('gradcheck and gradgradcheck (float64, random inputs)', function()
  for i, c in ipairs(random_cases) do
    it(c[1], function() check(c[2], rand(100 + i, c[3])) end)
  end

  it('prod and cumprod with zeros (one, two and three per slice)', function()
    local x = leaf({ { 2, 0, 3, 1.5 }, { 0, 0, 1, 2 }, { 1, 2, 3, -1 }, { 0, 0.5, 0, 0 } })
    for _, f in ipairs {
      function(t) return t:prod() end, function(t) return t:prod(2) end,
      function(t) return t:prod(1, true) end, function(t) return t:cumprod(2) end,
      function(t) return t:cumprod(1) end,
    } do check(f, x) end
  end)

  it('nansum and nanmedian skip NaNs', function()
    local x = leaf({ { 0.5, nan, -1.5 }, { 2.5, 1.5, nan } })
    assert.is_true(ag.gradcheck(function(t) return t:nansum() end, { x }))
    assert.is_true(ag.gradcheck(function(t) return (t:nanmedian(2)) end, { x }))
  end)
end)

-- ---------------------------------------------------------------------------- second derivatives
describe('second derivatives against PyTorch 1.13', function()
  -- g = grad(f(x), x, grad_outputs = 1, 2, 3, ..., create_graph); then grad(sum(g * w), x)
  -- with w = -1, -0.5, 0, 0.5, ...
  local function second(f, data)
    local x = leaf(data)
    local y = f(x)
    local go = (torch.arange(y:numel(), { dtype = f64 }) + 1):reshape(y.shape)
    local g = ag.grad({ y }, { x }, { grad_outputs = { go }, create_graph = true })[1]
    local w = (torch.arange(g:numel(), { dtype = f64 }) * 0.5 - 1):reshape(g.shape)
    return ag.grad({ (g * w):sum() }, { x })[1]
  end

  it('prod with zeros', function()
    near(second(function(x) return x:prod(2) end, { { 2, 0, 3 }, { 0, 0, 1 }, { 1, 2, 3 }, { 0, 0, 0 } }),
      { { -1.5, -3.0, -1.0 }, { 2.0, 1.0, 0.0 }, { 40.5, 27.0, 19.5 }, { 0.0, 0.0, 0.0 } }, 1e-12)
    near(second(function(x) return x:prod(1, true) end, { { 2, 0, 3 }, { 0, 0, 1 }, { 1, 2, 3 }, { 0, 5, 0 } }),
      { { 0.0, 20.0, 40.5 }, { 7.0, -10.0, 121.5 }, { 0.0, 0.0, 40.5 }, { 1.0, 0.0, 67.5 } }, 1e-12)
  end)

  it('cumprod with zeros', function()
    local x = { { 2, 0, 3, 0 }, { 1, 2, 3, 4 }, { 0, 1, 0, 2 }, { 3, 3, 0, 0 } }
    near(second(function(t) return t:cumprod(2) end, x),
      { { -5.5, 1.0, -3.0, -12.0 }, { 460.5, 261.0, 176.5, 116.0 }, { 175.0, 30.0, 105.0, 0.0 },
        { 347.0, 340.0, 1408.5, 864.0 } }, 1e-12)
    near(second(function(t) return t:cumprod(1) end, x),
      { { 149.0, 605.0, 146.0, 1128.0 }, { 283.0, -29.0, 132.0, 16.0 }, { 178.0, -52.0, 876.0, 24.0 },
        { 78.0, -14.0, 540.0, 64.0 } }, 1e-12)
    near(second(function(t) return t:cumprod(1) end, { 0, 2, 0, 3, 0, 2 }), { -1.0, -2.0, -30.0, 0.0, 0.0, 0.0 }, 1e-12)
  end)

  it('the gradient of a sort is differentiable to any order (ScatterBackward0, GatherBackward0, ...)', function()
    local x = leaf({ 3, 1, 2 })
    local y = x:sort()
    local go = leaf({ 1, 2, 3 })
    local g = ag.grad({ y }, { x }, { grad_outputs = { go }, create_graph = true })[1]
    assert.are.equal('ScatterBackward0', node(g))
    near(g, { 3, 1, 2 }, 0)
    local w = leaf({ 10, 20, 30 })
    local gg = ag.grad({ (g * w):sum() }, { go }, { create_graph = true })[1]
    assert.are.equal('GatherBackward0', node(gg))
    near(gg, { 20, 30, 10 }, 0)
    local ggg = ag.grad({ (gg * leaf({ 1, 2, 3 })):sum() }, { w }, { create_graph = true })[1]
    near(ggg, { 3, 1, 2 }, 0)
  end)
end)

-- ---------------------------------------------------------------------------- edge cases
describe('edge cases (as PyTorch 1.13)', function()
  local function grad1(data, f)
    local x = leaf(data)
    f(x):sum():backward()
    return x.grad
  end

  it('ties: max() and median() split the gradient evenly, max(dim) picks the index', function()
    near(grad1({ 3, 1, 3 }, function(x) return x:max() end), { 0.5, 0, 0.5 }, 0)
    near(grad1({ 3, 1, 3, 1 }, function(x) return x:median() end), { 0, 0.5, 0, 0.5 }, 0)
    near(grad1({ 3, 1, 3 }, function(x) return (x:max(1)) end), { 1, 0, 0 }, 0)
  end)

  it('NaN: max() and median() send the gradient to the NaNs; amax gives NaN', function()
    near(grad1({ 3, nan, 3 }, function(x) return x:max() end), { 0, 1, 0 }, 0)
    near(grad1({ 3, nan, 1, 2 }, function(x) return x:median() end), { 0, 1, 0, 0 }, 0)
    near(grad1({ 3, nan, 1, 2 }, function(x) return x:nanmedian() end), { 0, 0, 0, 1 }, 0)
    near(grad1({ 3, nan, 3 }, function(x) return x:amax() end), { nan, nan, nan }, 0)
    near(grad1({ 1, nan }, function(x) return x:nansum() end), { 1, 0 }, 0)
  end)

  it('norm at zero: 0 for every p but 0 (which gives no gradient at all)', function()
    for _, p in ipairs { 0.5, 1, 1.5, 2, 3, inf, -inf, -1 } do
      near(grad1({ 0, 0, 0 }, function(x) return x:norm(p) end), { 0, 0, 0 }, 0)
    end
    near(grad1({ 0, 1, -2 }, function(x) return x:norm(3) end), { 0.0, 0.2311204247835449, -0.9244816991341795 }, 1e-12)
    near(grad1({ 2, 1, -2 }, function(x) return x:norm(inf) end), { 0.5, 0, -0.5 }, 0)
    near(grad1({ 2, 1, -2 }, function(x) return x:norm(-1) end), { 0.0625, 0.25, -0.0625 }, 1e-12)
    local x = leaf({ 0, 1, -2 })
    local y = x:norm(0)
    assert.are.equal('NormBackward1', node(y))
    y:backward()
    assert.is_nil(x.grad)
  end)

  it('var and std without degrees of freedom; std of constants', function()
    near(grad1({ 2, 3 }, function(x) return x:var(1, { correction = 3 }) end), { 1, -1 }, 0)
    near(grad1({ 2 }, function(x) return x:var(1) end), { nan }, 0)
    near(grad1({ 2, 2 }, function(x) return x:std() end), { 0, 0 }, 0)
    near(grad1({ 2, 3 }, function(x) return x:std(1, { correction = 2 }) end), { nan, nan }, 0)
  end)

  it('logsumexp of -inf and +inf', function()
    near(grad1({ -inf, -inf }, function(x) return x:logsumexp(1) end), { nan, nan }, 0)
    near(grad1({ inf, 1 }, function(x) return x:logsumexp(1) end), { nan, 0 }, 0)
    near(grad1({ 1000, 1, -1000, 3 }, function(x) return x:logcumsumexp(1) end), { 4, 0, 0, 0 }, 1e-12)
  end)

  it('0-dim inputs pass the gradient through', function()
    for _, f in ipairs {
      function(x) return x:prod() end, function(x) return x:amax() end, function(x) return x:median() end,
      function(x) return (x:mode()) end, function(x) return x:logsumexp(1) end, function(x) return x:cumsum(1) end,
      function(x) return x:cumprod(1) end, function(x) return (x:cummax(1)) end, function(x) return x:logcumsumexp(1) end,
      function(x) return (x:sort()) end, function(x) return (x:topk(1)) end, function(x) return (x:kthvalue(1)) end,
    } do
      near(grad1(3, f), 1, 0)
    end
    near(grad1(-3, function(x) return x:norm() end), -1, 0)
  end)

  it('empty inputs give empty gradients', function()
    for _, f in ipairs {
      function(x) return x:prod() end, function(x) return x:var() end, function(x) return x:norm() end,
      function(x) return x:logsumexp(1) end, function(x) return x:cumsum(1) end, function(x) return x:cumprod(1) end,
      function(x) return x:logcumsumexp(1) end, function(x) return (x:cummax(1)) end, function(x) return (x:sort()) end,
      function(x) return x:median() end,
    } do
      local g = grad1({}, f)
      assert.are.equal(1, g:dim())
      assert.are.equal(0, g:numel())
    end
  end)
end)

-- ---------------------------------------------------------------------------- indices, graphs, errors
describe('indices and saved values', function()
  it('the indices handed out stay 1-based and the saved ones 0-based (backward twice)', function()
    local x = leaf({ { 1, 5, 2 }, { 7, 0, 3 } })
    local v, i = x:max(2)
    assert.are.same({ 2, 1 }, i:tolist())
    local _, si = x:sort(2)
    assert.are.same({ { 1, 3, 2 }, { 2, 3, 1 } }, si:tolist())
    local y = v:sum()
    y:backward({ retain_graph = true })
    y:backward()
    near(x.grad, { { 0, 2, 0 }, { 2, 0, 0 } }, 0)
    assert.are.same({ 2, 1 }, i:tolist())
    assert.is_nil(i.grad_fn)
    assert.is_false(i.requires_grad)
  end)

  it('modifying a saved output in place is reported', function()
    local x = leaf({ 1, 2, 3 })
    local y = x:cumprod(1)
    y:mul_(2)
    fails(function() y:sum():backward() end, 'modified by an inplace operation')
  end)
end)

describe('ops without gradients and refused calls', function()
  it('argmax, argmin, all, any, count_nonzero, argsort, unique, searchsorted, bucketize: no grad_fn', function()
    local x = leaf({ { 1, 5, 2 }, { 7, 0, 3 } })
    for _, r in ipairs {
      x:argmax(), x:argmin(2), x:all(), x:any(1), x:count_nonzero(), torch.argsort(x, 2),
      (torch.unique(x)), torch.searchsorted(torch.tensor({ 1., 3., 5. }, { dtype = f64, requires_grad = true }), x),
      torch.bucketize(x, torch.tensor({ 1., 3. }, { dtype = f64 })),
    } do
      assert.is_nil(r.grad_fn)
      assert.is_false(r.requires_grad)
    end
  end)

  it('nothing is recorded in no_grad mode', function()
    local x = leaf({ 1, 2, 3 })
    local y = torch.no_grad(function() return x:cumsum(1) end)
    assert.is_nil(y.grad_fn)
    local v = torch.no_grad(function() return (x:sort()) end)
    assert.is_nil(v.grad_fn)
  end)

  it('out= with an input that requires grad is an error, and the out tensor is untouched', function()
    local x = leaf({ 1, 2, 3 })
    local o = torch.zeros(1, { dtype = f64 })
    fails(function() x:sum({ out = o }) end,
      "[sum] functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    fails(function() x:cumsum(1, { out = o }) end, '[cumsum] functions with out=')
    local ov, oi = torch.zeros(3, { dtype = f64 }), torch.zeros(3, { dtype = torch.int64 })
    fails(function() torch.sort(x, { out = { ov, oi } }) end, '[sort] functions with out=')
    fails(function() torch.topk(x, 2, { out = { ov, oi } }) end, '[topk] functions with out=')
    assert.are.same({ 0 }, o:tolist())
    assert.are.same({ 0, 0, 0 }, ov:tolist())
    -- non-differentiable ops take out= as usual
    local oi1 = torch.tensor(0, { dtype = torch.int64 })
    x:argmax({ out = oi1 })
    assert.are.equal(3, oi1:item())
  end)
end)
