-- Random numbers on CUDA tensors: every RANDOM row of THOps.def (uniform, normal,
-- exponential, cauchy, log_normal, geometric, random, bernoulli, randperm, multinomial).
--
-- CUDA streams differ from the CPU's (each element draws from Philox at its own counter), so
-- the samples are checked by their statistics on 10^6 draws (moved to the host, summarised in
-- float64), by determinism under torch.cuda.manual_seed and by their independence of the
-- tensor's size and layout; bad arguments must fail with the CPU's message.  Without a GPU
-- the whole file is one pending test that says why.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err

local available, reason = torch.cuda.is_available()
if not available then
  describe('random numbers on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local N = 1000000
local FLOATS = { torch.float32, torch.float64, torch.float16, torch.bfloat16 }

-- mean, standard deviation, min and max of a CUDA tensor, computed on the host in float64
local function stats(t)
  local c = t:cpu():double()
  return c:mean():item(), c:std():item(), c:min():item(), c:max():item()
end

local function near(got, want, tol, what)
  if math.abs(got - want) > tol then
    error(string.format('%s: got %.6g, expected %.6g within %.3g', what, got, want, tol), 2)
  end
end

-- a tolerance: 6 standard errors plus the rounding of a 16-bit dtype
local function tol(se, dtype, scale)
  local rounding = (dtype == torch.float16 and 2 ^ -10 or dtype == torch.bfloat16 and 2 ^ -7 or 0) * (scale or 1)
  return 6 * se + rounding
end

local function cuda(sizes, dtype) return torch.zeros(sizes, { dtype = dtype or torch.float32, device = 'cuda' }) end

local function same(a, b) return torch.equal(a:cpu(), b:cpu()) end

-- the counts of the values 1..k in a 1-based index tensor, as frequencies
local function frequencies(idx, k)
  local counts = {}
  for i = 1, k do counts[i] = 0 end
  local v = idx:cpu():reshape(-1):tolist()
  for i = 1, #v do counts[v[i]] = counts[v[i]] + 1 end
  for i = 1, k do counts[i] = counts[i] / #v end
  return counts
end

describe('continuous distributions on CUDA', function()
  it('uniform_ and rand: [from, to), mean and spread, every floating dtype', function()
    for _, dt in ipairs(FLOATS) do
      local x = torch.rand(N, { dtype = dt, device = 'cuda' })
      assert.is_true(x.is_cuda)
      assert.are.equal(dt, x.dtype)
      assert.are.same({ N }, x:size():totable())
      local m, s, lo, hi = stats(x)
      assert.is_true(lo >= 0 and hi < 1, tostring(dt))
      near(m, 0.5, tol(0.29 / 1000, dt), 'rand mean ' .. tostring(dt))
      near(s, math.sqrt(1 / 12), tol(0.29 / 1000, dt), 'rand std ' .. tostring(dt))
      x:uniform_(-2, 3)
      m, s, lo, hi = stats(x)
      assert.is_true(lo >= -2 and hi < 3, tostring(dt))
      near(m, 0.5, tol(1.45 / 1000, dt, 8), 'uniform_ mean ' .. tostring(dt))
      near(s, 5 / math.sqrt(12), tol(1.45 / 1000, dt, 8), 'uniform_ std ' .. tostring(dt))
    end
  end)

  it('normal_ and randn: mean and standard deviation, every floating dtype', function()
    for _, dt in ipairs(FLOATS) do
      local x = torch.randn(N, { dtype = dt, device = 'cuda' })
      local m, s = stats(x)
      near(m, 0, tol(1e-3, dt), 'randn mean ' .. tostring(dt))
      near(s, 1, tol(1e-3, dt), 'randn std ' .. tostring(dt))
      x:normal_(3, 2)
      m, s = stats(x)
      near(m, 3, tol(2e-3, dt, 4), 'normal_ mean ' .. tostring(dt))
      near(s, 2, tol(2e-3, dt, 4), 'normal_ std ' .. tostring(dt))
    end
    -- the fraction within one standard deviation: the shape, not only two moments
    local x = torch.randn(N, { device = 'cuda' }):cpu()
    near(x:abs():lt(1):double():mean():item(), 0.682689, 0.003, 'P(|z| < 1)')
    local m, s = stats(torch.normal(torch.full({ N }, 5.0, { device = 'cuda' }), 0.5))
    near(m, 5, 0.003, 'normal(mean tensor) mean')
    near(s, 0.5, 0.003, 'normal(mean tensor) std')
  end)

  it('exponential_, cauchy_ and log_normal_', function()
    for _, dt in ipairs(FLOATS) do
      local x = cuda(N, dt):exponential_(2)
      local m, s, lo = stats(x)
      assert.is_true(lo >= 0, tostring(dt))
      near(m, 0.5, tol(0.5e-3, dt, 2), 'exponential_ mean ' .. tostring(dt))
      near(s, 0.5, tol(1e-3, dt, 2), 'exponential_ std ' .. tostring(dt))

      local c = cuda(N, dt):cauchy_(1, 2):cpu():double()
      near(c:median():item(), 1, 0.02, 'cauchy_ median ' .. tostring(dt))
      near((c - 1):abs():lt(2):double():mean():item(), 0.5, 0.005, 'cauchy_ P(|x - median| < sigma) ' .. tostring(dt))

      local l = cuda(N, dt):log_normal_(0.5, 0.4)
      local _, _, llo = stats(l)
      assert.is_true(llo > 0, tostring(dt))
      m, s = stats(l:cpu():double():log())
      near(m, 0.5, tol(0.4e-3, dt, 4), 'log_normal_ log-mean ' .. tostring(dt))
      near(s, 0.4, tol(0.4e-3, dt, 4), 'log_normal_ log-std ' .. tostring(dt))
    end
  end)
end)

describe('discrete distributions on CUDA', function()
  it('geometric_: integers >= 1 with mean 1/p', function()
    for _, dt in ipairs({ torch.float32, torch.float64, torch.int64, torch.int32, torch.int16 }) do
      local x = cuda(N, dt):geometric_(0.25)
      local c = x:cpu():double()
      local m, s, lo = stats(x)
      assert.is_true(lo >= 1, tostring(dt))
      assert.is_true(torch.equal(c, c:floor()), tostring(dt))
      near(m, 4, 6 * math.sqrt(12) / 1000, 'geometric_ mean ' .. tostring(dt))
      near(s, math.sqrt(12), 0.03, 'geometric_ std ' .. tostring(dt))
    end
  end)

  it('random_ and randint: bounded ranges in every dtype', function()
    for _, dt in ipairs({ torch.int8, torch.int16, torch.int32, torch.int64, torch.float32, torch.float64,
                          torch.float16, torch.bfloat16 }) do
      local x = torch.randint(-5, 7, { N }, { dtype = dt, device = 'cuda' })
      assert.are.equal(dt, x.dtype)
      local c = x:cpu():double()
      local m, s, lo, hi = stats(x)
      assert.are.equal(-5, lo)
      assert.are.equal(6, hi)
      assert.is_true(torch.equal(c, c:floor()), tostring(dt))
      near(m, 0.5, 6 * 3.45 / 1000, 'randint mean ' .. tostring(dt))
      near(s, math.sqrt(143 / 12), 0.02, 'randint std ' .. tostring(dt))
    end
    local u = torch.randint(0, 256, { N }, { dtype = torch.uint8, device = 'cuda' })
    local _, _, lo, hi = stats(u)
    assert.are.same({ 0, 255 }, { lo, hi })
  end)

  it('random_ with its default ranges, a range above 2^32 and the full int64 range', function()
    local cases = { { torch.int8, 127 }, { torch.uint8, 255 }, { torch.int16, 32767 }, { torch.int32, 2 ^ 31 - 1 },
                    { torch.float16, 2048 }, { torch.bfloat16, 256 }, { torch.float32, 2 ^ 24 } }
    for _, case in ipairs(cases) do
      local dt, top = case[1], case[2]
      local m, _, lo, hi = stats(cuda(N, dt):random_())
      assert.is_true(lo >= 0 and hi <= top, tostring(dt))
      near(m / top, 0.5, 0.01, 'random_() mean ' .. tostring(dt))
    end
    local b = cuda(N, torch.bool):random_()
    near(b:cpu():double():mean():item(), 0.5, 0.003, 'random_() on bool')

    local w = torch.randint(0, 2 ^ 40, { N }, { device = 'cuda' })
    local m, _, lo, hi = stats(w)
    assert.is_true(lo >= 0 and hi < 2 ^ 40 and hi > 2 ^ 39)
    near(m / 2 ^ 40, 0.5, 0.002, 'randint(0, 2^40) mean')

    local full = cuda(N, torch.int64):random_(-2 ^ 63, nil)
    m, _, lo, hi = stats(full)
    assert.is_true(lo < -2 ^ 62 and hi > 2 ^ 62)
    near(m / 2 ^ 63, 0, 0.01, 'full int64 range mean')
  end)

  it('bernoulli_ with a number, bernoulli with a tensor of probabilities', function()
    for _, dt in ipairs({ torch.bool, torch.float32, torch.float16, torch.int64, torch.uint8 }) do
      local x = cuda(N, dt):bernoulli_(0.3)
      local c = x:cpu():double()
      assert.is_true(torch.equal(c, c:gt(0.5):double()), tostring(dt))
      near(c:mean():item(), 0.3, 0.003, 'bernoulli_(0.3) ' .. tostring(dt))
    end
    assert.are.equal(0, cuda(1000):bernoulli_(0):cpu():sum():item())
    assert.are.equal(1000, cuda(1000):bernoulli_(1):cpu():sum():item())

    for _, pdt in ipairs(FLOATS) do
      local p = torch.tensor({ 0.1, 0.5, 0.9, 0, 1 }, { dtype = pdt }):cuda()
      local x = cuda({ N / 5, 5 }):bernoulli_(p) -- p broadcast along the rows
      local col = x:cpu():double():mean(1)
      local want = p:cpu():double():tolist() -- 0.9 is 0.8984375 in bfloat16
      for j = 1, 5 do near(col[j], want[j], 0.007, 'bernoulli_(p) column ' .. j .. ' ' .. tostring(pdt)) end
      local y = torch.bernoulli(p:expand(N / 5, 5):contiguous())
      assert.are.equal(pdt, y.dtype)
      assert.is_true(y.is_cuda)
      col = y:cpu():double():mean(1)
      for j = 1, 5 do near(col[j], want[j], 0.007, 'bernoulli(p) column ' .. j .. ' ' .. tostring(pdt)) end
    end
    local self = torch.full({ N }, 0.25, { device = 'cuda' })
    self:bernoulli_(self) -- the probabilities are the tensor being written
    near(self:cpu():double():mean():item(), 0.25, 0.003, 'x:bernoulli_(x)')
  end)
end)

describe('randperm and multinomial on CUDA', function()
  it('randperm gives a permutation of 1..n in the dtype asked for', function()
    for _, case in ipairs({ { N, torch.int64 }, { 5000, torch.int32 }, { 2000, torch.float32 }, { 300, torch.int16 },
                            { 1, torch.int64 }, { 0, torch.int64 } }) do
      local n, dt = case[1], case[2]
      local p = torch.randperm(n, { dtype = dt, device = 'cuda' })
      assert.is_true(p.is_cuda)
      assert.are.equal(dt, p.dtype)
      assert.are.same({ n }, p:size():totable())
      if n > 0 then
        local sorted = torch.sort(p:cpu():double())
        assert.is_true(torch.equal(sorted, torch.arange(1, n + 1, { dtype = torch.float64 })), tostring(dt))
      end
      if n > 100 then
        assert.is_false(torch.equal(p:cpu():double(), torch.arange(1, n + 1, { dtype = torch.float64 })))
      end
    end
    -- every position is uniform over 1..n: the mean of the first element over many draws
    local firsts = 0
    for _ = 1, 400 do firsts = firsts + torch.randperm(10, { device = 'cuda' })[1] end
    near(firsts / 400, 5.5, 0.9, 'mean of randperm(10)[1]')
  end)

  it('multinomial with replacement: frequencies follow the weights, zero weights never drawn', function()
    local n = 200000
    for _, dt in ipairs(FLOATS) do
      local w = torch.tensor({ 1, 2, 0, 3, 4 }, { dtype = dt }):cuda()
      local idx = torch.multinomial(w, n, true)
      assert.is_true(idx.is_cuda)
      assert.are.equal(torch.int64, idx.dtype)
      assert.are.same({ n }, idx:size():totable())
      local f = frequencies(idx, 5)
      local want = { 0.1, 0.2, 0, 0.3, 0.4 }
      for j = 1, 5 do near(f[j], want[j], 0.007, 'frequency of ' .. j .. ' ' .. tostring(dt)) end
    end
    -- the rows of a transposed (non-contiguous) 2-D distribution: {1, 0, 0}, {0, 0, 1}, {1, 2, 1}
    local w = torch.tensor({ { 1, 0, 1 }, { 0, 0, 2 }, { 0, 1, 1 } }, { dtype = torch.float32 }):cuda():t()
    assert.is_false(w:is_contiguous())
    local idx = torch.multinomial(w, 40000, true)
    assert.are.same({ 3, 40000 }, idx:size():totable())
    assert.are.same({ 1, 0, 0 }, frequencies(idx[1], 3))
    assert.are.same({ 0, 0, 1 }, frequencies(idx[2], 3))
    local f3 = frequencies(idx[3], 3)
    near(f3[1], 0.25, 0.015, 'row 3, column 1')
    near(f3[2], 0.5, 0.015, 'row 3, column 2')
  end)

  it('multinomial without replacement: distinct indices, first draws follow the weights', function()
    local w = torch.tensor({ 1, 2, 0, 3, 4 }, { dtype = torch.float32 })
    -- one sample (argmax of the exponential trick) from many identical rows
    local rows = 100000
    local idx = torch.multinomial(w:cuda():expand(rows, 5), 1)
    assert.are.same({ rows, 1 }, idx:size():totable())
    local f = frequencies(idx, 5)
    local want = { 0.1, 0.2, 0, 0.3, 0.4 }
    for j = 1, 5 do near(f[j], want[j], 0.01, 'first draw ' .. j) end
    -- every draw of a row is distinct; zero weights come last; the first column still follows w
    for _, dt in ipairs(FLOATS) do
      local all = torch.multinomial(w:to(dt):cuda():expand(20000, 5):contiguous(), 5):cpu()
      assert.are.same({ 20000, 5 }, all:size():totable())
      local sorted = torch.sort(all, 2)
      assert.is_true(torch.equal(sorted, torch.arange(1, 6):expand(20000, 5)), tostring(dt))
      assert.is_true(torch.equal(all:select(2, 5), torch.full({ 20000 }, 3, { dtype = torch.int64 })), tostring(dt))
      f = frequencies(all:select(2, 1), 5)
      for j = 1, 5 do near(f[j], want[j], 0.02, 'first of 5 draws ' .. j .. ' ' .. tostring(dt)) end
    end
    -- many categories
    local big = torch.rand(200000, { device = 'cuda' })
    local some = torch.multinomial(big, 1000):cpu()
    assert.are.equal(1000, torch.unique(some):numel())
    local _, _, lo, hi = stats(some)
    assert.is_true(lo >= 1 and hi <= 200000)
  end)
end)

describe('seeds and layouts on CUDA', function()
  it('torch.cuda.manual_seed makes every sampler repeat; successive calls differ', function()
    local samplers = {
      function() return torch.rand(1000, { device = 'cuda' }) end,
      function() return torch.randn(1001, { device = 'cuda', dtype = torch.float64 }) end,
      function() return cuda(999, torch.float16):exponential_() end,
      function() return cuda(1000, torch.float64):cauchy_() end,
      function() return cuda(1000):log_normal_() end,
      function() return cuda(1000, torch.int32):geometric_(0.3) end,
      function() return torch.randint(0, 1000, { 1000 }, { device = 'cuda' }) end,
      function() return cuda(1000, torch.bool):bernoulli_(0.5) end,
      function() return torch.bernoulli(torch.full({ 1000 }, 0.5, { device = 'cuda' })) end,
      function() return torch.randperm(1000, { device = 'cuda' }) end,
      function() return torch.multinomial(torch.ones(1000, { device = 'cuda' }), 10) end,
      function() return torch.multinomial(torch.ones(100, 1000, { device = 'cuda' }), 1) end,
      function() return torch.multinomial(torch.ones(1000, { device = 'cuda' }), 10, true) end,
    }
    for i, f in ipairs(samplers) do
      torch.cuda.manual_seed(1234)
      local a, b = f(), f()
      torch.cuda.manual_seed(1234)
      local c = f()
      assert.is_true(same(a, c), 'sampler ' .. i .. ' repeats after manual_seed')
      assert.is_false(same(a, b), 'sampler ' .. i .. ' differs on the next call')
      torch.cuda.manual_seed(4321)
      assert.is_false(same(a, f()), 'sampler ' .. i .. ' depends on the seed')
    end
    torch.cuda.manual_seed_all(7)
    assert.are.equal(7, torch.cuda.initial_seed())
  end)

  it('torch.manual_seed seeds the GPUs too', function()
    torch.manual_seed(99)
    local a = torch.rand(100, { device = 'cuda' })
    torch.manual_seed(99)
    assert.is_true(same(a, torch.rand(100, { device = 'cuda' })))
    assert.are.equal(99, torch.cuda.initial_seed())
  end)

  it('an element depends on its position, not on the size or layout of the tensor', function()
    torch.cuda.manual_seed(5)
    local long = torch.rand(3000000, { device = 'cuda' })
    torch.cuda.manual_seed(5)
    local short = torch.rand(1000, { device = 'cuda' })
    assert.is_true(same(short, long:narrow(1, 1, 1000)))
    -- a transposed tensor is filled in memory order: its storage matches a contiguous fill
    torch.cuda.manual_seed(6)
    local t = cuda({ 300, 200 }):t():normal_()
    torch.cuda.manual_seed(6)
    assert.is_true(same(t:t(), cuda({ 300, 200 }):normal_()))
  end)

  it('writes only the elements of a strided view; empty and 0-dim tensors', function()
    local x = cuda({ 100, 10 })
    x:narrow(2, 3, 4):uniform_(1, 2)
    local c = x:cpu()
    local inside = c:narrow(2, 3, 4)
    assert.is_true(inside:ge(1):all():item() and inside:lt(2):all():item())
    assert.are.equal(0, c:narrow(2, 1, 2):abs():sum():item())
    assert.are.equal(0, c:narrow(2, 7, 4):abs():sum():item())
    local y = cuda({ 50, 4 }, torch.int64)
    y:select(2, 2):random_(10, 20)
    local yc = y:cpu()
    assert.is_true(yc:select(2, 2):ge(10):all():item() and yc:select(2, 2):lt(20):all():item())
    assert.are.equal(0, yc:select(2, 1):abs():sum():item() + yc:select(2, 3):abs():sum():item())

    assert.are.equal(0, cuda(0):uniform_():numel())
    assert.are.equal(0, torch.randn(0, 3, { device = 'cuda' }):numel())
    local s = torch.tensor(0.0):cuda():uniform_(2, 3)
    assert.are.equal(0, s:dim())
    assert.is_true(s:item() >= 2 and s:item() < 3)
  end)
end)

describe('bad arguments on CUDA', function()
  -- f(device) must fail on the CPU and on CUDA with the same message
  local function same_error(f)
    local cpu_msg = err(f, 'cpu')
    local cuda_msg = err(f, 'cuda')
    assert.are.equal(cpu_msg, cuda_msg)
    return cuda_msg
  end

  it('fail as on the CPU and leave the tensor unchanged', function()
    local function on(dev, values, dt) return torch.tensor(values, { dtype = dt or torch.float32 }):to(dev) end
    local calls = {
      function(d) local x = on(d, { 1, 2 }, torch.int64); return x:uniform_() end,
      function(d) local x = on(d, { 1, 2 }); return x:uniform_(2, 1) end,
      function(d) local x = on(d, { 1, 2 }); return x:normal_(0, -1) end,
      function(d) local x = on(d, { 1, 2 }); return x:exponential_(-1) end,
      function(d) local x = on(d, { 1, 2 }); return x:log_normal_(1, 0) end,
      function(d) local x = on(d, { 1, 2 }); return x:geometric_(1) end,
      function(d) local x = on(d, { 1, 2 }); return x:random_(5, 2) end,
      function(d) return torch.randint(0, 200, { 2 }, { dtype = torch.int8, device = d }) end,
      function(d) local x = on(d, { 1, 2 }); return x:bernoulli_(1.5) end,
      function(d) local x = on(d, { 1, 2 }); return x:bernoulli_(on(d, { 0.5, 1.5 })) end,
      function(d) local x = on(d, { 1, 2 }); return x:bernoulli_(on(d, { 0.5, 0 / 0 })) end,
      function(d) local x = on(d, { 1, 2, 3 }); return x:bernoulli_(on(d, { 0.5, 0.5 })) end,
      function(d) return torch.bernoulli(on(d, { 1, 0 }, torch.int64)) end,
      function(d) return torch.normal(0, on(d, { 1, -1 })) end,
      function(d) return torch.randperm(-1, { device = d }) end,
      function(d) return torch.randperm(3, { dtype = torch.bool, device = d }) end,
      function(d) return torch.multinomial(on(d, { 1, 2, 3 }), 0) end,
      function(d) return torch.multinomial(on(d, { 1, 2, 3 }), 4) end,
      function(d) return torch.multinomial(on(d, { 1, -2, 3 }), 2) end,
      function(d) return torch.multinomial(on(d, { 1, 0 / 0, 3 }), 2) end,
      function(d) return torch.multinomial(on(d, { 1, math.huge }), 1) end,
      function(d) return torch.multinomial(on(d, { 0, 0 }), 1) end,
      function(d) return torch.multinomial(on(d, { 1, -2, math.huge }), 2, true) end,
      function(d) return torch.multinomial(on(d, { 1, math.huge, -2 }), 2, true) end,
      function(d) return torch.multinomial(on(d, { 1, 0 / 0 }), 2, true) end,
      function(d) return torch.multinomial(on(d, { { 1, 1 }, { 0, 0 }, { 1, -1 } }), 2, true) end,
      function(d) return torch.multinomial(on(d, { { 1, 1 }, { 1, -1 }, { 0, 0 } }), 1) end,
      function(d) return torch.multinomial(on(d, { 1e-30, 1e-30 }, torch.float64):to(torch.float16), 1, true) end,
      function(d) return torch.multinomial(on(d, { 1, 2 }, torch.int64), 1) end,
    }
    for i, f in ipairs(calls) do
      local ok, msg = pcall(same_error, f)
      assert.is_true(ok, 'call ' .. i .. ': ' .. tostring(msg))
    end
    local x = torch.tensor({ 1, 2 }, { dtype = torch.float32 }):cuda()
    err(x.normal_, x, 0, -1)
    err(x.bernoulli_, x, torch.tensor({ 0.5, 2 }):cuda())
    assert.are.same({ 1, 2 }, x:cpu():tolist())
    local o = torch.zeros(3, { dtype = torch.int64, device = 'cuda' })
    err(torch.multinomial, torch.zeros(2, { device = 'cuda' }), 1, { out = o })
    assert.are.same({ 0, 0, 0 }, o:cpu():tolist()) -- out= untouched by a failed call
  end)

  it('a CPU generator for a CUDA tensor, and tensors on two devices', function()
    local g = torch.Generator()
    assert.truthy(err(torch.rand, 3, { device = 'cuda', generator = g }):find('expected a CUDA generator', 1, true))
    local x = cuda(3)
    assert.truthy(err(x.normal_, x, 0, 1, { generator = torch.default_generator }):find('expected a CUDA generator', 1, true))
    assert.truthy(err(torch.randperm, 4, { device = 'cuda', generator = g }):find('expected a CUDA generator', 1, true))
    assert.truthy(err(torch.multinomial, torch.ones(3, { device = 'cuda' }), 1, { generator = g })
      :find('expected a CUDA generator', 1, true))
    assert.are.equal('[bernoulli_] expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu',
      err(x.bernoulli_, x, torch.full({ 3 }, 0.5)))
    local h = torch.zeros(3)
    assert.are.equal('[bernoulli_] expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0',
      err(h.bernoulli_, h, torch.full({ 3 }, 0.5, { device = 'cuda' })))
  end)
end)
