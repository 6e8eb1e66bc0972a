-- Reductions and scans on CUDA (lib/THC/THCReduce.c, THCReduce.cu, THCReduceSelect.cu,
-- THCScan.cu): every REDUCE and SCAN op run on the CPU and on the GPU on the same inputs and
-- compared.  float32 within 1e-4 (relative, plus 1e-4 absolute), the 16-bit floats within a
-- few of their ulps (both sides accumulate in float, in different orders), integer, bool and
-- index results exactly (first occurrence on ties, NaN winning, as the CPU).  Dims and
-- keepdim, negative dims, non-contiguous views made on the GPU, empty and 0-dim tensors,
-- sizes that take the multi-block paths, and autograd through the ops on CUDA.
-- Without a GPU the whole file is one pending test saying why.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')

local ok, reason = torch.cuda.is_available()
if not ok then
  describe('reductions and scans on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local nan, inf = 0 / 0, math.huge
local TOL = { float32 = 1e-4, float64 = 1e-10, float16 = 4e-3, bfloat16 = 3e-2 }
local ALL = { 'float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'bool' }
local INTS = { 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool' }

-- ---------------------------------------------------------------------------- helpers

local function pack(...) return { n = select('#', ...), ... } end

-- want (from the CPU) and got (from the GPU) agree: dtype, shape, and every value (floats
-- within tol * (|want| + 1), NaN matching NaN; the rest exactly).
local function check(want, got, what, tol)
  what = what or 'result'
  assert.is_true(torch.is_tensor(got), what .. ': expected a tensor, got ' .. type(got))
  assert.is_true(got.is_cuda, what .. ' should be on the GPU')
  assert.are.equal(want.dtype, got.dtype, what .. ': dtype')
  assert.are.same(want:size():totable(), got:size():totable(), what .. ': shape')
  local g = got:cpu()
  if not want:is_floating_point() then
    assert.is_true(torch.equal(want, g), what .. ': differs from the CPU')
    return
  end
  tol = tol or TOL[want.dtype.name]
  if want:numel() > 4096 then -- compared in C: no NaN expected in large results
    local excess = ((want:double() - g:double()):abs() - (want:double():abs() + 1) * tol):max()
    assert.is_true(excess:item() <= 0, what .. ': differs from the CPU beyond ' .. tol)
    return
  end
  local w, c = want:double():reshape(-1):tolist(), g:double():reshape(-1):tolist()
  for i = 1, #w do
    local a, b = w[i], c[i]
    if not ((a ~= a and b ~= b) or a == b or math.abs(a - b) <= tol * (math.abs(a) + 1)) then
      error(string.format('%s, element %d: expected %.9g, got %.9g', what, i, a, b), 2)
    end
  end
end

-- f(view(x)) on the CPU and f(view(x on the GPU)) give the same results (view makes the
-- non-contiguous operand on each device; nil: x itself).
local function both(x, f, what, view, tol)
  view = view or function(t) return t end
  local want, got = pack(f(view(x))), pack(f(view(x:cuda())))
  assert.are.equal(want.n, got.n, (what or '') .. ': number of results')
  for k = 1, want.n do check(want[k], got[k], (what or 'result') .. ' #' .. k, tol) end
end

-- the same error message on both devices
local function same_error(x, f)
  local want = H.err(f, x)
  assert.are.equal(want, H.err(f, x:cuda()))
end

-- views of a 3-D tensor that a reduction walks differently
local VIEWS = {
  contiguous = nil,
  transposed = function(t) return t:transpose(1, 3) end,
  narrowed = function(t) return t:narrow(2, 2, t:size(2) - 2) end,
  permuted = function(t) return t:permute({ 2, 3, 1 }) end,
}
local VIEW_NAMES = { 'contiguous', 'transposed', 'narrowed', 'permuted' }

-- a tensor of dtype with small integer values (non-negative for uint8; bool: a mix)
local function small_ints(dtype, ...)
  local x = torch.randint(-4, 5, { ... })
  if dtype == 'bool' then return x:gt(0) end
  if dtype == 'uint8' then x = x:abs() end
  return x:to(torch[dtype])
end

-- factors in -2..2 (0..2 for uint8; bool: a mix): products of a dozen stay exact
local function factors(dtype, ...)
  local x = torch.randint(-2, 3, { ... })
  if dtype == 'bool' then return x:ne(0) end
  if dtype == 'uint8' then x = x:abs() end
  return x:to(torch[dtype])
end

-- a tensor of dtype with values worth reducing (floats: normal; integers: small)
local function data(dtype, ...)
  if dtype:find('float') then return torch.randn({ ... }):to(torch[dtype]) end
  return small_ints(dtype, ...)
end

torch.manual_seed(20240611)

-- ---------------------------------------------------------------------------- sums

describe('sum, nansum, mean, prod on CUDA', function()
  it('float32: everything, one dim, negative dims, several dims, keepdim, on views', function()
    local x = torch.randn(6, 17, 33)
    for _, name in ipairs(VIEW_NAMES) do
      local v = VIEWS[name]
      both(x, function(t) return t:sum() end, name .. ' sum()', v)
      both(x, function(t) return t:sum(1) end, name .. ' sum(1)', v)
      both(x, function(t) return t:sum(-1) end, name .. ' sum(-1)', v)
      both(x, function(t) return t:sum({ 1, 3 }, true) end, name .. ' sum({1, 3}, true)', v)
      both(x, function(t) return t:sum({ dim = -2, keepdim = true }) end, name .. ' sum(-2)', v)
      both(x, function(t) return t:mean({ 2, 3 }) end, name .. ' mean({2, 3})', v)
      both(x, function(t) return t:nansum(2) end, name .. ' nansum(2)', v)
    end
  end)

  it('prod: everything and along each dim, float and integer', function()
    local x = torch.rand(5, 7, 9) * 0.5 + 0.75
    both(x, function(t) return t:prod() end, 'prod()')
    for d = 1, 3 do both(x, function(t) return t:prod(d) end, 'prod(' .. d .. ')') end
    both(x, function(t) return t:prod(-1, true) end, 'prod(-1, true)', VIEWS.transposed)
    for _, dt in ipairs(INTS) do
      local i = factors(dt, 4, 6)
      both(i, function(t) return t:prod(2) end, dt .. ' prod(2)')
      both(i, function(t) return t:prod() end, dt .. ' prod()')
    end
  end)

  it('every dtype: integer and bool sums give int64, 16-bit floats keep their dtype', function()
    for _, dt in ipairs(ALL) do
      local x = data(dt, 9, 40)
      both(x, function(t) return t:sum() end, dt .. ' sum()')
      both(x, function(t) return t:sum(1) end, dt .. ' sum(1)')
      both(x, function(t) return t:sum(2, true) end, dt .. ' sum(2, true)')
      both(x, function(t) return t:nansum(2) end, dt .. ' nansum(2)')
      if dt:find('float') then both(x, function(t) return t:mean(1) end, dt .. ' mean(1)') end
    end
  end)

  it('the dtype option and out=', function()
    local x = small_ints('int8', 5, 6)
    both(x, function(t) return t:sum(2, { dtype = torch.float64 }) end, 'sum dtype=float64')
    both(x, function(t) return t:sum({ dtype = torch.int32 }) end, 'sum dtype=int32')
    local f = torch.randn(4, 5)
    both(f, function(t) return t:mean(1, { dtype = torch.float64 }) end, 'mean dtype=float64')
    both(f, function(t)
      local out = torch.zeros(5, { device = t.device })
      local r = t:sum(1, { out = out })
      assert.are.equal(out, r)
      return r
    end, 'sum out=')
  end)

  it('NaN propagates through sum and mean; nansum skips it', function()
    local x = torch.randn(4, 6)
    x[2][3] = nan
    x[4][1] = nan
    both(x, function(t) return t:sum(2) end, 'sum(2)')
    both(x, function(t) return t:sum() end, 'sum()')
    both(x, function(t) return t:mean(1) end, 'mean(1)')
    both(x, function(t) return t:nansum(2) end, 'nansum(2)')
    both(x, function(t) return t:nansum() end, 'nansum()')
  end)

  it('large sums: the whole-tensor and multi-block paths', function()
    local x = torch.rand(2 ^ 22)
    both(x, function(t) return t:sum() end, 'sum of 2^22')
    both(x, function(t) return t:mean() end, 'mean of 2^22')
    both(x, function(t) return t:sum() end, 'unaligned sum',
      function(t) return t:narrow(1, 2, 2 ^ 22 - 5) end)
    local m = torch.rand(1024, 1024)
    both(m, function(t) return t:sum(-1) end, 'sum(-1) of 1024x1024')
    both(m, function(t) return t:sum(1) end, 'sum(1) of 1024x1024')
    both(m, function(t) return t:sum(1) end, 'sum(1) of the transpose',
      function(t) return t:t() end)
    local tall = torch.rand(300000, 3)
    both(tall, function(t) return t:sum(1) end, 'sum(1) of 300000x3')
    both(tall, function(t) return t:sum(2) end, 'sum(2) of 300000x3')
    local i = torch.randint(-1000, 1000, { 2 ^ 21 }, { dtype = torch.int32 })
    both(i, function(t) return t:sum() end, 'int32 sum of 2^21')
    local h = torch.rand(2 ^ 20):half()
    both(h, function(t) return t:mean() end, 'float16 mean of 2^20')
  end)
end)

-- ---------------------------------------------------------------------------- max / min

describe('amax, amin, max, min, argmax, argmin on CUDA', function()
  it('every dtype, everything and along dims', function()
    for _, dt in ipairs(ALL) do
      local x = data(dt, 7, 30)
      both(x, function(t) return t:amax() end, dt .. ' amax()')
      both(x, function(t) return t:amin(1) end, dt .. ' amin(1)')
      both(x, function(t) return t:amax({ 1, 2 }, true) end, dt .. ' amax({1, 2}, true)')
      both(x, function(t) return t:max() end, dt .. ' max()')
      both(x, function(t) return t:min() end, dt .. ' min()')
      both(x, function(t) return t:max(2) end, dt .. ' max(2)')
      both(x, function(t) return t:min(1, true) end, dt .. ' min(1, true)')
      both(x, function(t) return t:argmax() end, dt .. ' argmax()')
      both(x, function(t) return t:argmin(2) end, dt .. ' argmin(2)')
      both(x, function(t) return t:argmax(1, true) end, dt .. ' argmax(1, true)')
    end
  end)

  it('ties give the first index; views', function()
    local x = torch.randint(0, 3, { 6, 9, 11 }):float()
    for _, name in ipairs(VIEW_NAMES) do
      local v = VIEWS[name]
      both(x, function(t) return t:max(2) end, name .. ' max(2)', v)
      both(x, function(t) return t:min(-1) end, name .. ' min(-1)', v)
      both(x, function(t) return t:argmax() end, name .. ' argmax()', v)
      both(x, function(t) return t:argmin(3, true) end, name .. ' argmin(3, true)', v)
      both(x, function(t) return t:amax({ 1, 3 }) end, name .. ' amax({1, 3})', v)
    end
  end)

  it('NaN wins, and its first index', function()
    local x = torch.randn(5, 8)
    x[2][4], x[2][7], x[5][1] = nan, nan, nan
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16' }) do
      local y = x:to(torch[dt])
      both(y, function(t) return t:amax(2) end, dt .. ' amax(2)')
      both(y, function(t) return t:amin() end, dt .. ' amin()')
      both(y, function(t) return t:max(2) end, dt .. ' max(2)')
      both(y, function(t) return t:min(1) end, dt .. ' min(1)')
      both(y, function(t) return t:argmax() end, dt .. ' argmax()')
      both(y, function(t) return t:argmin(2) end, dt .. ' argmin(2)')
    end
  end)

  it('large inputs', function()
    local x = torch.randn(2 ^ 21)
    both(x, function(t) return t:amax() end, 'amax of 2^21')
    both(x, function(t) return t:argmin() end, 'argmin of 2^21')
    both(x, function(t) return t:max(1) end, 'max(1) of 2^21')
    local m = torch.randn(2048, 700)
    both(m, function(t) return t:argmax(1) end, 'argmax(1) of 2048x700')
    both(m, function(t) return t:max(2) end, 'max(2) of 2048x700')
  end)
end)

-- ---------------------------------------------------------------------------- var, std, norm

describe('var, std, var_mean, std_mean, norm, logsumexp on CUDA', function()
  it('var and std with corrections, dims and keepdim, on views', function()
    local x = torch.randn(6, 17, 33) + 3
    for _, name in ipairs(VIEW_NAMES) do
      local v = VIEWS[name]
      both(x, function(t) return t:var() end, name .. ' var()', v)
      both(x, function(t) return t:std(2) end, name .. ' std(2)', v)
      both(x, function(t) return t:var({ 1, 3 }, { correction = 0 }) end, name .. ' var c=0', v)
      both(x, function(t) return t:std(-1, { correction = 2, keepdim = true }) end,
        name .. ' std c=2', v)
      both(x, function(t) return torch.var_mean(t, 1) end, name .. ' var_mean(1)', v)
      both(x, function(t) return torch.std_mean(t, { 2, 3 }, { correction = 0 }) end,
        name .. ' std_mean', v)
    end
    for _, dt in ipairs({ 'float64', 'float16', 'bfloat16' }) do
      local y = x:to(torch[dt])
      both(y, function(t) return t:var(2) end, dt .. ' var(2)')
      both(y, function(t) return torch.std_mean(t) end, dt .. ' std_mean()')
    end
    local big = torch.randn(2 ^ 21) * 2 + 5
    both(big, function(t) return t:var() end, 'var of 2^21')
    both(big, function(t) return torch.std_mean(t) end, 'std_mean of 2^21')
    both(torch.randn(3, 1), function(t) return t:var(2) end, 'var of one element (NaN)')
  end)

  it('norm for every p, dims and dtypes', function()
    local x = torch.randn(5, 9, 13)
    x[1][1][1] = 0
    for _, p in ipairs({ 2, 1, 0, 3, 0.5, -1, inf, -inf }) do
      both(x, function(t) return t:norm(p) end, 'norm(' .. p .. ')')
      both(x, function(t) return t:norm(p, 2) end, 'norm(' .. p .. ', 2)')
      both(x, function(t) return t:norm(p, { 1, 3 }, true) end, 'norm(' .. p .. ', {1, 3})',
        VIEWS.transposed)
    end
    for _, dt in ipairs({ 'float64', 'float16', 'bfloat16' }) do
      both(x:to(torch[dt]), function(t) return t:norm(2, 3) end, dt .. ' norm(2, 3)')
    end
    both(torch.rand(2 ^ 21), function(t) return t:norm() end, 'norm of 2^21')
  end)

  it('logsumexp: dims, infinities and NaN', function()
    local x = torch.randn(6, 50) * 10
    both(x, function(t) return t:logsumexp(2) end, 'logsumexp(2)')
    both(x, function(t) return t:logsumexp({ 1, 2 }) end, 'logsumexp({1, 2})')
    both(x, function(t) return t:logsumexp(1, true) end, 'logsumexp(1, true)',
      function(t) return t:t() end)
    local s = torch.randn(5, 4)
    s[1]:fill_(-inf)
    s[2][3] = inf
    s[3][2] = nan
    s[4][1] = -inf
    both(s, function(t) return t:logsumexp(2) end, 'logsumexp with infinities')
    both(small_ints('int32', 3, 4), function(t) return t:logsumexp(2) end, 'int32 logsumexp')
    both(torch.randn(2 ^ 20), function(t) return t:logsumexp(1) end, 'logsumexp of 2^20')
    for _, dt in ipairs({ 'float64', 'float16', 'bfloat16' }) do
      both(x:to(torch[dt]), function(t) return t:logsumexp(2) end, dt .. ' logsumexp(2)')
    end
  end)
end)

-- ---------------------------------------------------------------------------- all / any / count

describe('all, any, count_nonzero on CUDA', function()
  it('every dtype, dims, keepdim', function()
    for _, dt in ipairs(ALL) do
      local x = small_ints(dt, 6, 20)
      both(x, function(t) return t:all() end, dt .. ' all()')
      both(x, function(t) return t:any(2) end, dt .. ' any(2)')
      both(x, function(t) return t:all(1, true) end, dt .. ' all(1, true)')
      both(x, function(t) return t:count_nonzero() end, dt .. ' count_nonzero()')
      both(x, function(t) return t:count_nonzero({ 1, 2 }) end, dt .. ' count_nonzero({1, 2})')
      both(x, function(t) return t:count_nonzero(2) end, dt .. ' count_nonzero(2)')
    end
    local f = torch.tensor({ { 0, nan, 1 }, { 0, 0, 0 } })
    both(f, function(t) return t:any(2) end, 'NaN counts as true')
    both(f, function(t) return t:count_nonzero(2) end, 'NaN counts as nonzero')
    local big = torch.rand(2 ^ 21):gt(0.999)
    both(big, function(t) return t:count_nonzero() end, 'count_nonzero of 2^21')
    both(big, function(t) return t:any() end, 'any of 2^21')
    both(big, function(t) return t:all() end, 'all of 2^21')
  end)
end)

-- ---------------------------------------------------------------------------- median / mode

describe('median, nanmedian, mode on CUDA', function()
  it('every dtype, with ties, everything and along dims', function()
    for _, dt in ipairs(ALL) do
      local x = small_ints(dt, 7, 12)
      if dt ~= 'bool' then
        both(x, function(t) return t:median() end, dt .. ' median()')
        both(x, function(t) return t:median(2) end, dt .. ' median(2)')
        both(x, function(t) return t:nanmedian(1, true) end, dt .. ' nanmedian(1, true)')
      end
      both(x, function(t) return t:mode() end, dt .. ' mode()')
      both(x, function(t) return t:mode(1) end, dt .. ' mode(1)')
      both(x, function(t) return t:mode(2, true) end, dt .. ' mode(2, true)')
    end
  end)

  it('NaN: median takes the first NaN, nanmedian skips them, mode counts each alone', function()
    local x = torch.tensor({ { 1, nan, 3, 2 }, { nan, nan, nan, nan }, { 5, 5, nan, 1 },
      { 0, -0.0, 0, 7 } })
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16' }) do
      local y = x:to(torch[dt])
      both(y, function(t) return t:median(2) end, dt .. ' median(2)')
      both(y, function(t) return t:nanmedian(2) end, dt .. ' nanmedian(2)')
      both(y, function(t) return t:median() end, dt .. ' median()')
      both(y, function(t) return t:nanmedian() end, dt .. ' nanmedian()')
      both(y, function(t) return t:mode(2) end, dt .. ' mode(2)')
    end
  end)

  it('views, long rows and many rows', function()
    local x = torch.randint(0, 20, { 6, 9, 11 }):float()
    for _, name in ipairs(VIEW_NAMES) do
      local v = VIEWS[name]
      both(x, function(t) return t:median(2) end, name .. ' median(2)', v)
      both(x, function(t) return t:mode(3) end, name .. ' mode(3)', v)
      both(x, function(t) return t:median() end, name .. ' median()', v)
    end
    local long = torch.randint(0, 1000, { 200000 }):double()
    both(long, function(t) return t:median() end, 'median of 200000')
    both(long, function(t) return t:mode(1) end, 'mode of 200000')
    local many = torch.randint(0, 5, { 5000, 7 }, { dtype = torch.int32 })
    both(many, function(t) return t:mode(2) end, 'mode of 5000 rows')
    both(many, function(t) return t:median(2) end, 'median of 5000 rows')
  end)
end)

-- ---------------------------------------------------------------------------- scans

describe('cumsum, cumprod, cummax, cummin, logcumsumexp on CUDA', function()
  it('every dim of a 3-D tensor, every dtype', function()
    for _, dt in ipairs(ALL) do
      local x = small_ints(dt, 4, 5, 70)
      for _, d in ipairs({ 1, 2, 3, -1 }) do
        both(x, function(t) return t:cumsum(d) end, dt .. ' cumsum(' .. d .. ')')
        both(x, function(t) return t:cummax(d) end, dt .. ' cummax(' .. d .. ')')
        both(x, function(t) return t:cummin(d) end, dt .. ' cummin(' .. d .. ')')
      end
      both(factors(dt, 3, 12), function(t) return t:cumprod(2) end, dt .. ' cumprod(2)')
    end
    local x = torch.randn(4, 5, 70)
    for _, d in ipairs({ 1, 2, 3 }) do
      both(x, function(t) return t:logcumsumexp(d) end, 'logcumsumexp(' .. d .. ')')
    end
    both(x, function(t) return t:cumsum(2, { dtype = torch.float64 }) end, 'cumsum dtype=float64')
  end)

  it('ties take the later index; NaN wins and stays', function()
    local x = torch.tensor({ { 1, 3, 3, 2, 3, nan, 5, nan, 1 }, { 2, 2, 1, 1, 2, 0, 0, 4, 4 } })
    for _, dt in ipairs({ 'float32', 'float64', 'float16', 'bfloat16' }) do
      local y = x:to(torch[dt])
      both(y, function(t) return t:cummax(2) end, dt .. ' cummax(2)')
      both(y, function(t) return t:cummin(2) end, dt .. ' cummin(2)')
      both(y, function(t) return t:cumsum(2) end, dt .. ' cumsum(2)')
      both(y, function(t) return t:logcumsumexp(2) end, dt .. ' logcumsumexp(2)')
    end
    local inf_row = torch.tensor({ -inf, -inf, 1, inf, 2, -inf })
    both(inf_row, function(t) return t:logcumsumexp(1) end, 'logcumsumexp with infinities')
  end)

  it('long rows (the chunked path), many short rows, views', function()
    local long = torch.rand(3, 300000)
    both(long, function(t) return t:cumsum(2) end, 'cumsum of 3 rows of 300000')
    both(long, function(t) return t:cummax(-1) end, 'cummax of 3 rows of 300000')
    both(long, function(t) return t:logcumsumexp(2) end, 'logcumsumexp of 3 rows of 300000')
    local one = torch.randint(-3, 4, { 2 ^ 20 }, { dtype = torch.int32 })
    both(one, function(t) return t:cumsum(1) end, 'int32 cumsum of 2^20')
    both(one, function(t) return t:cummin(1) end, 'int32 cummin of 2^20')
    local rows = torch.rand(20000, 100)
    both(rows, function(t) return t:cumsum(2) end, 'cumsum of 20000 rows of 100')
    both(rows, function(t) return t:cumprod(1) end, 'cumprod down 20000 rows', nil, 1e-3)
    local x = torch.randn(6, 9, 300)
    both(x, function(t) return t:cumsum(1) end, 'cumsum(1) of a transpose', VIEWS.transposed)
    both(x, function(t) return t:cummax(2) end, 'cummax(2) of a narrowed view', VIEWS.narrowed)
  end)
end)

-- ---------------------------------------------------------------------------- edges

describe('empty and 0-dim tensors, errors, devices on CUDA', function()
  it('empty tensors give the identities, or the CPU error', function()
    local e = torch.zeros(0, 3)
    both(e, function(t) return t:sum() end, 'sum of empty')
    both(e, function(t) return t:sum(1) end, 'sum(1) over an empty dim')
    both(e, function(t) return t:sum(2) end, 'sum(2) of no rows')
    both(e, function(t) return t:prod(1) end, 'prod(1) over an empty dim')
    both(e, function(t) return t:mean(1) end, 'mean(1) over an empty dim')
    both(e, function(t) return t:var(1) end, 'var(1) over an empty dim')
    both(e, function(t) return t:norm(inf, 1) end, 'inf-norm over an empty dim')
    both(e, function(t) return t:norm(3, 1) end, '3-norm over an empty dim')
    both(e, function(t) return t:logsumexp(1) end, 'logsumexp over an empty dim')
    both(e, function(t) return t:all(1) end, 'all over an empty dim')
    both(e, function(t) return t:any(1) end, 'any over an empty dim')
    both(e, function(t) return t:count_nonzero(1) end, 'count_nonzero over an empty dim')
    both(e, function(t) return t:median() end, 'median of empty')
    both(e, function(t) return t:cumsum(1) end, 'cumsum of empty')
    both(e, function(t) return t:amax(2) end, 'amax of no rows')
    same_error(e, function(t) return t:amax(1) end)
    same_error(e, function(t) return t:max() end)
    same_error(e, function(t) return t:argmax(1) end)
    same_error(e, function(t) return t:mode(1) end)
  end)

  it('0-dim tensors reduce to themselves', function()
    local s = torch.tensor(2.5)
    both(s, function(t) return t:sum() end, 'sum')
    both(s, function(t) return t:sum(1) end, 'sum(1)')
    both(s, function(t) return t:max(1) end, 'max(1)')
    both(s, function(t) return t:argmax() end, 'argmax()')
    both(s, function(t) return t:median() end, 'median()')
    both(s, function(t) return t:mode() end, 'mode()')
    both(s, function(t) return t:var() end, 'var()')
    both(s, function(t) return t:cumsum(1) end, 'cumsum(1)')
    both(s, function(t) return t:cummax(1) end, 'cummax(1)')
    both(s, function(t) return t:logcumsumexp(1) end, 'logcumsumexp(1)')
  end)

  it('bad input gives the CPU error', function()
    local x = torch.randn(3, 4)
    same_error(x, function(t) return t:sum(3) end)
    same_error(x, function(t) return t:sum({ 1, 1 }) end)
    same_error(x, function(t) return t:prod({ 1, 2 }) end)
    same_error(x, function(t) return t:cumsum(5) end)
    same_error(small_ints('int32', 3, 4), function(t) return t:var() end)
    same_error(small_ints('int32', 3, 4), function(t) return t:mean() end)
    same_error(torch.ones(3, { dtype = torch.bool }), function(t) return t:median() end)
  end)

  it('out= on another device is an error naming both devices', function()
    local x = torch.randn(3, 4):cuda()
    local msg = H.err(function() return x:sum(1, { out = torch.zeros(4) }) end)
    assert.is_truthy(msg:find('cuda:0', 1, true), msg)
    assert.is_truthy(msg:find('cpu', 1, true), msg)
    msg = H.err(function() return x:cumsum(1, { out = torch.zeros(3, 4) }) end)
    assert.is_truthy(msg:find('cuda:0', 1, true) and msg:find('cpu', 1, true), msg)
    local values, indices = torch.zeros(4), torch.zeros(4, { dtype = torch.int64 })
    msg = H.err(function() return x:max(1, { out = { values, indices } }) end)
    assert.is_truthy(msg:find('cuda:0', 1, true) and msg:find('cpu', 1, true), msg)
  end)
end)

-- ---------------------------------------------------------------------------- autograd

describe('autograd through reductions on CUDA', function()
  -- the gradient of f at x on the CPU and on the GPU
  local function grads(x, f, what)
    local a = x:clone():requires_grad_(true)
    local b = x:cuda():requires_grad_(true)
    local ya, yb = f(a), f(b)
    assert.is_true(yb.is_cuda, what .. ': result on the GPU')
    local g = torch.randn(ya:size())
    ya:backward(g)
    yb:backward(g:cuda())
    check(a.grad, b.grad, what .. ' gradient', 1e-4)
  end

  it('sum, mean, max, var, and friends', function()
    local x = torch.randn(5, 7, 6)
    grads(x, function(t) return t:sum() end, 'sum()')
    grads(x, function(t) return t:sum({ 1, 3 }, true) end, 'sum({1, 3}, true)')
    grads(x, function(t) return t:mean(2) end, 'mean(2)')
    grads(x, function(t) return (t:max(3)) end, 'max(3) values')
    grads(x, function(t) return t:max() end, 'max()')
    grads(x, function(t) return t:amax(1) end, 'amax(1)')
    grads(x, function(t) return t:var(2) end, 'var(2)')
    grads(x, function(t) return t:std({ 1, 2 }, { correction = 0 }) end, 'std({1, 2})')
    grads(x, function(t) return t:norm(2, 3) end, 'norm(2, 3)')
    grads(x, function(t) return t:logsumexp(1) end, 'logsumexp(1)')
    grads(x, function(t) return t:prod(2) end, 'prod(2)')
    grads(x, function(t) return t:cumsum(3) end, 'cumsum(3)')
  end)
end)
