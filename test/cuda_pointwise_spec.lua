-- Elementwise ops on CUDA (lib/THC/THCPointwise.cu, THCPointwiseMath.cu,
-- THCPointwiseCompare.cu): every POINTWISE row of lib/TH/THOps.def run on the CPU and on the
-- GPU on the same inputs and compared.  Integer and bool results must be equal; floating
-- results agree within float rounding (relative 1e-5 for float32, 1e-10 for float64, two units
-- of the last place for float16 and bfloat16), NaN where the CPU has NaN.  Every dtype is tried
-- for every op: where the CPU has no kernel both devices must give the same error.  Also:
-- broadcasting, non-contiguous, 0-dim and empty operands, numbers on either side, in-place
-- and out= forms, the vectorised path on millions of elements (aligned, misaligned, with a
-- tail), integer division by zero, mixing devices, and autograd through a few ops.
-- Without a GPU the whole file is one pending test saying why.
local torch = require 'torch'
local nan, inf = 0 / 0, math.huge

local ok, reason = torch.cuda.is_available()
if not ok then
  describe('elementwise ops on CUDA', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

-- ---------------------------------------------------------------------------- helpers

local FLOAT = { 'float32', 'float64', 'float16', 'bfloat16' }
local INT = { 'uint8', 'int8', 'int16', 'int32', 'int64' }
local ALL = { 'bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32',
  'float64' }
local TOL = { float32 = 1e-5, float64 = 1e-10, float16 = 2 ^ -9, bfloat16 = 2 ^ -6 }

local function pack(...) return { n = select('#', ...), ... } end

-- the message of an error value, without a "file:line: " position
local function message(e) return (tostring(e):gsub('^[^\n]-:%d+: ', '')) end

-- the first index where the bool tensor good (CPU) is false, or nil
local function first_false(good)
  local v = good:reshape(-1):tolist()
  for i = 1, #v do if not v[i] then return i end end
end

local function element(t, i)
  return string.format('%.17g', t:reshape(-1):narrow(1, i, 1):double():item())
end

-- got (a CUDA tensor) holds want's (a CPU tensor's) values: dtype, shape, and every element
-- equal (integers, bool) or within the dtype's float rounding (floats; NaN where want is NaN).
local function check(want, got, what, tol)
  what = what or 'result'
  assert.is_true(torch.is_tensor(got), what .. ': expected a tensor, got ' .. type(got))
  assert.is_true(got.is_cuda, what .. ': the result should be on the GPU')
  assert.are.equal(want.dtype, got.dtype, what .. ': dtype')
  assert.are.same(want:size():totable(), got:size():totable(), what .. ': shape')
  got = got:cpu()
  if want:numel() == 0 then return end
  local good
  if want.dtype.is_floating_point then
    tol = tol or TOL[want.dtype.name]
    local w, g = want:double(), got:double()
    local within = (w - g):abs():le(w:abs():add(1):mul(tol)):logical_and(w:isfinite())
    good = w:eq(g):logical_or(w:isnan():logical_and(g:isnan())):logical_or(within)
  else
    good = want:eq(got)
  end
  if good:all():item() then return end
  local i = first_false(good)
  error(string.format('%s, element %d: expected %s, got %s', what, i, element(want, i),
    element(got, i)), 2)
end

local function to_cuda(v) return torch.is_tensor(v) and v:cuda() or v end

-- Runs fn on the arguments and on their CUDA copies (tensors moved, numbers and tables as
-- they are) and checks the results agree, or that both raise the same error.  Returns the
-- CPU result (nil when it raised).
local function both(what, fn, ...)
  local cargs, gargs = pack(...), pack(...)
  for i = 1, gargs.n do gargs[i] = to_cuda(gargs[i]) end
  local okc, want = pcall(fn, unpack(cargs, 1, cargs.n))
  local okg, got = pcall(fn, unpack(gargs, 1, gargs.n))
  if not okc then
    assert(not okg, what .. ': the CPU raised "' .. message(want) .. '" but CUDA did not')
    assert.are.equal(message(want), message(got), what .. ': the error')
    return nil
  end
  assert(okg, what .. ': CUDA raised ' .. message(got))
  check(want, got, what)
  return want
end

-- n numbers in [0, 1) from a fixed LCG (the same data on every run)
local function uniform(n, seed)
  local r, s = {}, seed
  for k = 1, n do
    s = (s * 69069 + 12345) % 4294967296
    r[k] = s / 4294967296
  end
  return r
end

local EXTREMES = {
  uint8 = { 0, 255 }, int8 = { -128, 127 }, int16 = { -32768, 32767 },
  int32 = { -2147483648, 2147483647 }, int64 = { -2 ^ 63, 2 ^ 62 },
}

-- A test vector of dtype: special values, then numbers spread over [-4, 4] and over [-1, 1]
-- (floats), or over [-20, 20] with the dtype's extremes (integers; [0, 40] for uint8), or
-- alternating bools.  nonzero: no zeros (divisors).
local function sample(dtype, seed, nonzero)
  local v = {}
  if dtype == 'bool' then
    for k = 1, 24 do v[k] = nonzero or (k * 7 + seed) % 3 ~= 0 end
    return torch.tensor(v, { dtype = torch.bool })
  end
  if dtype:find('float') then
    for _, x in ipairs { nan, inf, -inf, 0, -0.0, 1, -1, 0.5, -0.5, 2, -2, 3, 0.25, 1e-3, -7.75, 10, 100, -100 } do
      v[#v + 1] = x
    end
    for _, u in ipairs(uniform(40, seed)) do v[#v + 1] = u * 8 - 4 end
    for _, u in ipairs(uniform(22, seed + 1)) do v[#v + 1] = u * 2 - 1 end
    if nonzero then
      for k = 1, #v do if v[k] == 0 then v[k] = 0.75 end end
    end
  else
    local lo = dtype == 'uint8' and 0 or -20
    for _, x in ipairs(EXTREMES[dtype]) do v[#v + 1] = x end
    for _, u in ipairs(uniform(78, seed)) do v[#v + 1] = lo + math.floor(u * 41) end
    if nonzero then
      for k = 1, #v do if v[k] == 0 then v[k] = 3 end end
    end
  end
  return torch.tensor(v, { dtype = torch[dtype] })
end

-- ---------------------------------------------------------------------------- one operand

local UNARY = { 'neg', 'abs', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt',
  'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh',
  'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'logit', 'relu', 'erf', 'erfc', 'erfinv', 'lgamma',
  'digamma', 'floor', 'ceil', 'round', 'trunc', 'frac', 'isnan', 'isinf', 'isfinite', 'nan_to_num',
  'bitwise_not', 'logical_not' }

describe('one-operand ops on CUDA', function()
  it('match the CPU for every dtype (or fail with the same error)', function()
    for _, op in ipairs(UNARY) do
      for _, dt in ipairs(ALL) do
        both(op .. ' ' .. dt, torch[op], sample(dt, 11))
      end
    end
  end)

  it('match the CPU in place', function()
    for _, op in ipairs(UNARY) do
      if torch.Tensor[op .. '_'] then
        for _, dt in ipairs(ALL) do
          both(op .. '_ ' .. dt, function(x)
            local r = x:clone()
            assert.are.equal(r, r[op .. '_'](r))
            return r
          end, sample(dt, 12))
        end
      end
    end
  end)

  it('take their parameters: logit eps, round decimals, nan_to_num values', function()
    for _, dt in ipairs(FLOAT) do
      local x = sample(dt, 13)
      both('logit eps ' .. dt, function(t) return torch.logit(t, { eps = 0.1 }) end, x)
      both('logit_ eps ' .. dt, function(t) return t:clone():logit_(0.25) end, x)
      for _, d in ipairs { 1, 2, -1, -2 } do
        both('round decimals ' .. d .. ' ' .. dt, function(t) return torch.round(t * 37.3, { decimals = d }) end, x)
      end
      both('nan_to_num ' .. dt, function(t) return torch.nan_to_num(t, { nan = 9, posinf = 1e6, neginf = -7 }) end, x)
      both('nan_to_num_ ' .. dt, function(t) return t:clone():nan_to_num_({ nan = -1 }) end, x)
    end
    both('round decimals int64', function(t) return torch.round(t, { decimals = 1 }) end, sample('int64', 1))
  end)

  it('keep the sign of zero and NaN as the CPU does', function()
    local sp = torch.tensor({ nan, inf, -inf, 0, -0.0, 1, -1, 0.5 })
    for _, op in ipairs { 'neg', 'abs', 'relu', 'floor', 'ceil', 'round', 'trunc', 'sqrt', 'sign', 'tanh',
      'expm1', 'log1p', 'atanh', 'erfinv', 'digamma', 'reciprocal', 'frac' } do
      local want, got = torch[op](sp), torch[op](sp:cuda()):cpu()
      for i, w in ipairs(want:tolist()) do
        local g = got:tolist()[i]
        local same = (w ~= w and g ~= g) or (w == g and (w ~= 0 or 1 / w == 1 / g))
        assert(same, string.format('%s(%s): expected %s, got %s', op, tostring(sp:tolist()[i]), tostring(w), tostring(g)))
      end
    end
  end)
end)

-- ---------------------------------------------------------------------------- two operands

local BINARY = { 'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'clamp_min', 'clamp_max',
  'fmod', 'remainder', 'floor_divide', 'atan2', 'hypot', 'bitwise_and', 'bitwise_or', 'bitwise_xor',
  'bitwise_left_shift', 'bitwise_right_shift', 'logical_and', 'logical_or', 'logical_xor', 'eq', 'ne',
  'lt', 'le', 'gt', 'ge' }
local DIVISION = { fmod = true, remainder = true, floor_divide = true }

describe('two-operand ops on CUDA', function()
  it('match the CPU for every dtype (or fail with the same error)', function()
    for _, op in ipairs(BINARY) do
      for _, dt in ipairs(ALL) do
        local x, y = sample(dt, 21), sample(dt, 22, DIVISION[op])
        both(op .. ' ' .. dt, torch[op], x, y)
        both(op .. ' ' .. dt .. ' with a number', torch[op], x, dt == 'bool' and true or 3)
        both(op .. ' number with ' .. dt, torch[op], 2, y)
      end
    end
  end)

  it('match the CPU in place', function()
    for _, op in ipairs(BINARY) do
      if torch.Tensor[op .. '_'] then
        for _, dt in ipairs(ALL) do
          both(op .. '_ ' .. dt, function(a, b)
            local r = a:clone()
            assert.are.equal(r, r[op .. '_'](r, b))
            return r
          end, sample(dt, 23), sample(dt, 24, DIVISION[op]))
        end
      end
    end
  end)

  it('pow: the CPU\'s formulas for scalar exponents, tensor exponents and broadcast ones', function()
    local x = torch.tensor({ -inf, -4, -1, -0.0, 0, 0.25, 1, 2.5, inf, nan })
    for _, dt in ipairs(FLOAT) do
      local xd = x:to(torch[dt])
      for _, e in ipairs { 2, 3, 0.5, -0.5, -1, -2, 1.5, 0, -3 } do
        both('pow ' .. dt .. ' ^ ' .. e, torch.pow, xd, e)
        both('pow ' .. dt .. ' ^ tensor ' .. e, torch.pow, xd, torch.full({ 10 }, e, { dtype = torch[dt] }))
      end
      -- the exponent constant along the inner dim, varying along the outer
      both('pow ' .. dt .. ' broadcast exponent', torch.pow, xd:view(1, 10):expand(3, 10),
        torch.tensor({ { 0.5 }, { 2 }, { -1 } }, { dtype = torch[dt] }))
    end
    both('pow int64 negative exponents', torch.pow, torch.tensor({ -2, -1, 0, 1, 2, 3 }), torch.tensor({ -1, -3, -2, -1, 62, 40 }))
    both('pow int64 ^ -1 (number)', torch.pow, torch.tensor({ 2 }), -1) -- an error on both
  end)

  it('add and sub with alpha; integer overflow wraps', function()
    for _, dt in ipairs(ALL) do
      both('add alpha ' .. dt, function(a, b) return torch.add(a, b, { alpha = 3 }) end, sample(dt, 25), sample(dt, 26))
      both('sub alpha ' .. dt, function(a, b) return torch.sub(a, b, { alpha = -2 }) end, sample(dt, 27), sample(dt, 28))
    end
    for _, dt in ipairs(FLOAT) do
      both('add alpha 0.3 ' .. dt, function(a, b) return torch.add(a, b, { alpha = 0.3 }) end, sample(dt, 29), sample(dt, 30))
    end
  end)

  it('isclose with its tolerances', function()
    for _, dt in ipairs(ALL) do
      local x, y = sample(dt, 31), sample(dt, 32)
      both('isclose ' .. dt, torch.isclose, x, y)
      both('isclose self ' .. dt, torch.isclose, x, x, { equal_nan = true })
      both('isclose tol ' .. dt, torch.isclose, x, y, { rtol = 0.5, atol = 2 })
    end
    local a = torch.tensor({ 1, nan, 1e10, 1, inf, -inf })
    local b = torch.tensor({ 1 + 1e-6, nan, 1.00001e10, 1.1, inf, inf })
    both('isclose special', torch.isclose, a, b, { equal_nan = true })
    both('isclose special, no equal_nan', torch.isclose, a, b)
    assert.is_true(torch.allclose(a:cuda(), a:cuda(), { equal_nan = true }))
    assert.is_false(torch.allclose(a:cuda(), b:cuda()))
    assert.is_true(torch.equal(b:cuda(), b:cuda():clone()))
    assert.is_false(torch.equal(a:cuda(), b:cuda()))
  end)

  it('integer division by a zero element of a CUDA tensor gives 0 (no error, as PyTorch\'s CUDA kernels)', function()
    local a = torch.tensor({ 7, -7, 0, 5 }, { device = 'cuda' })
    local z = torch.tensor({ 0, 0, 0, 2 }, { device = 'cuda' })
    assert.are.same({ 0, 0, 0, 1 }, torch.fmod(a, z):cpu():tolist())
    assert.are.same({ 0, 0, 0, 1 }, torch.remainder(a, z):cpu():tolist())
    assert.are.same({ 0, 0, 0, 2 }, torch.floor_divide(a, z):cpu():tolist())
    -- a number divisor of 0 is still an error, found on the host
    local ok1, e = pcall(torch.remainder, a, 0)
    assert.is_false(ok1)
    assert.are.equal('[remainder] ZeroDivisionError: integer division by zero', message(e))
    -- INT_MIN // -1 and % -1 wrap as on the CPU
    both('int8 -128 // -1', torch.floor_divide, torch.tensor({ -128, 127 }, { dtype = torch.int8 }),
      torch.tensor({ -1, -1 }, { dtype = torch.int8 }))
    both('int64 min % -1', torch.fmod, torch.tensor({ -2 ^ 63 }), torch.tensor({ -1 }))
  end)
end)

-- ---------------------------------------------------------------------------- three operands

describe('three-operand ops on CUDA', function()
  it('clamp with numbers, tensors and one side', function()
    for _, dt in ipairs(ALL) do
      local x, lo, hi = sample(dt, 41), sample(dt, 42), sample(dt, 43)
      both('clamp tensors ' .. dt, torch.clamp, x, lo, hi)
      both('clamp numbers ' .. dt, torch.clamp, x, 0, 1)
      both('clamp min ' .. dt, function(t) return torch.clamp(t, { min = 1 }) end, x)
      both('clamp max ' .. dt, function(t) return torch.clamp(t, { max = 2 }) end, x)
      both('clamp_ ' .. dt, function(t) return t:clone():clamp_(-1, 2) end, x)
    end
    both('clamp NaN bound', torch.clamp, torch.tensor({ 1, 2, nan }), torch.tensor({ nan, 0, 0 }), 1.5)
    both('clamp lo > hi', torch.clamp, torch.tensor({ 1, 5 }), 4, 2)
  end)

  it('where with a bool condition, a uint8 one, numbers and broadcasting', function()
    for _, dt in ipairs(ALL) do
      local c = sample('bool', 44)
      both('where ' .. dt, torch.where, c, sample(dt, 45):narrow(1, 1, 24), sample(dt, 46):narrow(1, 1, 24))
      both('where uint8 condition ' .. dt, torch.where, c:to(torch.uint8), sample(dt, 47):narrow(1, 1, 24), 0)
      both('where broadcast ' .. dt, torch.where, c:view(4, 6, 1), sample(dt, 48):narrow(1, 1, 5),
        sample(dt, 49):narrow(1, 1, 6):view(6, 1))
    end
    local c = torch.tensor({ true, false, true })
    both('where promotes', torch.where, c, torch.tensor({ 1, 2, 3 }), torch.tensor({ 0.5, 0.25, 0.125 }, { dtype = torch.float64 }))
    both('where numbers', torch.where, c, 1.5, torch.tensor({ 0, 0, 0 }, { dtype = torch.float32 }))
    both('where out=', function(cc, x, y, o) return torch.where(cc, x, y, { out = o }) end, c,
      torch.tensor({ 1, 2, 3 }), torch.tensor({ 4, 5, 6 }), torch.zeros(3, { dtype = torch.int64 }))
    both('where float condition', torch.where, torch.tensor({ 1.5, 0 }), 1, 2) -- an error on both
  end)

  it('addcmul, addcdiv and lerp', function()
    for _, dt in ipairs(ALL) do
      local a, b, c = sample(dt, 51), sample(dt, 52), sample(dt, 53, true)
      both('addcmul ' .. dt, torch.addcmul, a, b, c, { value = 2 })
      both('addcdiv ' .. dt, torch.addcdiv, a, b, c, { value = 0.5 })
      both('lerp ' .. dt, torch.lerp, a, b, c)
      both('lerp number weight ' .. dt, torch.lerp, a, b, 0.3)
      both('lerp weight 0.75 ' .. dt, torch.lerp, a, b, 0.75)
      both('addcmul_ ' .. dt, function(x, y, z) return x:clone():addcmul_(y, z, { value = -1 }) end, a, b, c)
    end
  end)
end)

-- ---------------------------------------------------------------------------- layouts

describe('layouts on CUDA', function()
  local function grid(rows, cols, seed)
    local v = uniform(rows * cols, seed)
    for k = 1, #v do v[k] = v[k] * 8 - 4 end
    return torch.tensor(v):view(rows, cols)
  end

  it('broadcast, non-contiguous, expanded and 0-dim operands', function()
    local a, b = grid(6, 5, 61), grid(5, 6, 62)
    for _, op in ipairs { 'add', 'mul', 'maximum', 'atan2', 'lt', 'pow', 'fmod', 'logical_xor' } do
      both(op .. ' transposed', torch[op], a, b:t())
      both(op .. ' broadcast', torch[op], a:view(6, 1, 5), b:narrow(2, 1, 5):narrow(1, 1, 4))
      both(op .. ' strided', torch[op], a:narrow(2, 2, 3), b:t():narrow(2, 1, 3))
      both(op .. ' expanded', torch[op], a:narrow(1, 1, 1):expand(4, 5), b:t():narrow(1, 2, 4))
      both(op .. ' 0-dim', torch[op], a, torch.tensor(1.25))
      both(op .. ' two 0-dim', torch[op], torch.tensor(-0.5), torch.tensor(1.25))
      both(op .. ' empty', torch[op], torch.zeros(0, 5), b:narrow(1, 1, 1):narrow(2, 1, 5))
    end
    for _, op in ipairs { 'exp', 'sigmoid', 'isnan', 'neg', 'floor', 'erfinv', 'digamma' } do
      both(op .. ' transposed', torch[op], a:t())
      both(op .. ' a column', torch[op], a:t():select(1, 2))
      both(op .. ' 0-dim', torch[op], torch.tensor(0.3))
    end
    both('clamp broadcast', torch.clamp, a, b:t():narrow(1, 1, 1), torch.tensor(2.5))
    both('where strided', torch.where, a:t():gt(0), b, b:t():t():neg())
    both('lerp strided', torch.lerp, a:t(), b, a:t():abs():div(8))
    both('negative dims', function(x) return x:transpose(-1, -2):add(1) end, a)
  end)

  it('integer dtypes through strided and broadcast iterations', function()
    for _, dt in ipairs(INT) do
      local x = grid(6, 5, 63):mul(10):to(torch[dt])
      local y = grid(5, 6, 64):mul(10):to(torch[dt])
      both('bitwise_xor strided ' .. dt, torch.bitwise_xor, x, y:t())
      both('floor_divide broadcast ' .. dt, torch.floor_divide, x, torch.tensor({ 3, -3, 7, 2, 5 }, { dtype = torch[dt] }):clamp(1))
      both('eq broadcast ' .. dt, torch.eq, x:view(6, 1, 5), y:t():narrow(1, 1, 1))
    end
  end)

  it('out= of the result dtype, of another dtype and of another shape', function()
    local a, b = grid(4, 5, 65), grid(4, 5, 66)
    both('add out=', function(x, y, o) torch.add(x, y, { out = o }); return o end, a, b, torch.zeros(4, 5))
    both('add out= float64', function(x, y, o) torch.add(x, y, { out = o }); return o end, a, b,
      torch.zeros(4, 5, { dtype = torch.float64 }))
    both('mul out= resized', function(x, y, o) torch.mul(x, y, { out = o }); return o end, a, b, torch.zeros(3))
    both('exp out= transposed', function(x, o) torch.exp(x, { out = o }); return o end, a, torch.zeros(5, 4):t())
    both('eq out= float32', function(x, y, o) torch.eq(x, y, { out = o }); return o end, a, a:t():t(), torch.zeros(4, 5))
    both('int out= from a float result', function(x, o) return torch.exp(x, { out = o }) end, a, torch.zeros(4, 5, { dtype = torch.int64 }))
    both('in place into a strided view', function(x, y) local r = x:clone(); r:t():narrow(1, 2, 3):add_(y:t():narrow(1, 2, 3)); return r end, a, b)
    both('in place comparison keeps the dtype', function(x, y) return x:clone():eq_(y) end, a, a:clone():mul(a:gt(0)))
  end)

  it('numbers on either side and operators', function()
    local a = grid(3, 4, 67)
    both('2 - x', function(x) return 2 - x end, a)
    both('x / 3', function(x) return x / 3 end, a)
    both('x ^ 2', function(x) return x ^ 2 end, a)
    both('x % -1.5', function(x) return x % -1.5 end, a)
    both('-x', function(x) return -x end, a)
    both('int64 % 3', function(x) return x % 3 end, torch.tensor({ 5, -5, 7, -7 }))
    both('bool + bool', function(x) return x + x end, torch.tensor({ true, false }))
    both('float16 * 1.5', function(x) return x * 1.5 end, a:half())
  end)

  it('mixing a CPU and a CUDA tensor is an error naming both devices (a CPU number tensor aside)', function()
    local g, c = torch.ones(3, { device = 'cuda' }), torch.ones(3)
    for _, f in ipairs { function() return g + c end, function() return torch.maximum(c, g) end,
      function() return torch.where(torch.tensor({ true, false, true }), g, c) end,
      function() return g:add_(c) end, function() return torch.clamp(g, c, 2) end } do
      local okm, e = pcall(f)
      assert.is_false(okm)
      e = message(e)
      assert(e:find('cpu', 1, true) and e:find('cuda:0', 1, true), 'error naming both devices: ' .. e)
    end
    -- a 0-dim CPU tensor takes part as a number does (PyTorch's rule), but is no in-place target
    check(torch.ones(3) * 2.5, g + torch.tensor(1.5), 'a CUDA tensor + a 0-dim CPU tensor')
    check(torch.maximum(torch.ones(3), torch.tensor(2, { dtype = torch.float64 })),
      torch.maximum(g, torch.tensor(2, { dtype = torch.float64 })), 'maximum with a 0-dim CPU float64')
    check(torch.tensor({ 1, 0, 1 }), torch.floor_divide(torch.tensor({ 3, 1, 5 }, { device = 'cuda' }), torch.tensor(3)),
      'floor_divide by a 0-dim CPU tensor')
    local okm, e = pcall(function() return torch.tensor(1.0):add_(torch.tensor(2.0, { device = 'cuda' })) end)
    assert.is_false(okm)
    e = message(e)
    assert(e:find('cpu', 1, true) and e:find('cuda:0', 1, true), 'error naming both devices: ' .. e)
  end)
end)

-- ---------------------------------------------------------------------------- large tensors

describe('large tensors on CUDA (the vectorised path)', function()
  local N = 3 * 2 ^ 20 + 5 -- not a multiple of any vector width: every kernel has a tail

  -- a long deterministic float32 vector with values in about [-4, 4]
  local function long(n, phase)
    return torch.arange(n, { dtype = torch.float64 }):mul(0.0007):add(phase):sin():mul(4):float()
  end

  it('add, sub and mul equal the CPU bit for bit, aligned and misaligned', function()
    local a, b = long(N, 0), long(N, 1)
    local ga, gb = a:cuda(), b:cuda()
    local function exact(want, got, what)
      assert.is_true(got.is_cuda)
      assert.is_true(torch.equal(want, got:cpu()), what .. ' differs from the CPU')
    end
    exact(a + b, ga + gb, 'add')
    exact(torch.add(a, b, { alpha = 2.5 }), torch.add(ga, gb, { alpha = 2.5 }), 'add alpha')
    exact(a - b, ga - gb, 'sub')
    exact(a * b, ga * gb, 'mul')
    exact(a + 0.5, ga + 0.5, 'add a number')
    exact(a + b:narrow(1, 7, 1), ga + gb:narrow(1, 7, 1), 'add a one-element tensor')
    -- views starting one element in: no longer aligned to 16 bytes
    local n1 = N - 1
    exact(a:narrow(1, 2, n1) + b:narrow(1, 1, n1), ga:narrow(1, 2, n1) + gb:narrow(1, 1, n1), 'add misaligned')
    exact(a:narrow(1, 2, n1) + b:narrow(1, 2, n1), ga:narrow(1, 2, n1) + gb:narrow(1, 2, n1), 'add both misaligned')
    -- in place, into a misaligned view too
    local ca, cg = a:clone(), ga:clone()
    ca:add_(b)
    cg:add_(gb)
    exact(ca, cg, 'add_')
    ca:narrow(1, 4, n1 - 2):mul_(b:narrow(1, 1, n1 - 2))
    cg:narrow(1, 4, n1 - 2):mul_(gb:narrow(1, 1, n1 - 2))
    exact(ca, cg, 'mul_ misaligned')
  end)

  it('every dtype and a few families on millions of elements', function()
    local a, b = long(N, 0.3), long(N, 2)
    for _, dt in ipairs { 'float64', 'float16', 'bfloat16', 'int8', 'uint8', 'int32', 'int64', 'bool' } do
      local x, y = (a * 20):to(torch[dt]), (b * 20):to(torch[dt])
      both('add ' .. dt, torch.add, x, y)
      both('maximum ' .. dt, torch.maximum, x, y)
      both('clamp ' .. dt, torch.clamp, x, y, 5)
      both('mul misaligned ' .. dt, torch.mul, x:narrow(1, 2, N - 1), y:narrow(1, 1, N - 1))
    end
    both('exp', torch.exp, a)
    both('sigmoid misaligned', torch.sigmoid, a:narrow(1, 3, N - 2))
    both('atan2', torch.atan2, a, b)
    both('lt', torch.lt, a, b)
    both('where', torch.where, a:gt(0), a, b)
    both('addcmul', torch.addcmul, a, b, a, { value = 0.5 })
    both('erfinv', torch.erfinv, a:div(4.5))
    both('remainder int32', torch.remainder, (a * 1000):int(), 7)
  end)
end)

-- ---------------------------------------------------------------------------- autograd

describe('autograd through elementwise ops on CUDA', function()
  local function leaf(values, device)
    return torch.tensor(values, { dtype = torch.float64, device = device, requires_grad = true })
  end

  -- the gradient of sum(f(x, y)) with respect to x and y, on a device
  local function grads(f, xs, ys, device)
    local x, y = leaf(xs, device), leaf(ys, device)
    local r = f(x, y)
    r:backward(torch.ones_like(r))
    return x.grad, y.grad
  end

  it('gives the CPU\'s gradients', function()
    local xs, ys = { 0.5, -1.25, 2, 0.75, -0.3 }, { 1.5, 0.25, -2, 3, 0.9 }
    local fns = {
      mul_add = function(x, y) return x * y + x:exp() end,
      div_pow = function(x, y) return x / y + x:abs():pow(1.5) end,
      sigmoid_tanh = function(x, y) return x:sigmoid() * y:tanh() end,
      relu = function(x, y) return (x * y):relu() end, -- threshold_backward
      maximum_clamp = function(x, y) return torch.maximum(x, y) + x:clamp(-1, 1) end,
      where_lerp = function(x, y) return torch.where(x:gt(0), x, y) + torch.lerp(x, y, 0.3) end,
      atan2_hypot = function(x, y) return torch.atan2(x, y) + torch.hypot(x, y) end,
      digamma = function(x, y) return (x:abs() + 0.5):digamma() * y end, -- polygamma(1)
    }
    for name, f in pairs(fns) do
      local cx, cy = grads(f, xs, ys)
      local gx, gy = grads(f, xs, ys, 'cuda')
      check(cx, gx, name .. ': grad of x')
      check(cy, gy, name .. ': grad of y')
    end
  end)

  it('differentiates twice (digamma through polygamma)', function()
    local function second(device)
      local x = leaf({ 0.5, 1, 1.5, 3.25, -0.4 }, device)
      local y = x:digamma()
      local g = torch.autograd.grad({ y }, { x }, { grad_outputs = { torch.ones_like(y) }, create_graph = true })[1]
      local g2 = torch.autograd.grad({ g }, { x }, { grad_outputs = { torch.ones_like(g) } })[1]
      return g, g2
    end
    local cg, cg2 = second()
    local gg, gg2 = second('cuda')
    check(cg:detach(), gg:detach(), 'trigamma')
    check(cg2, gg2, 'polygamma(2)')
  end)
end)
