-- Autograd of the elementwise math ops (lib/TH/autograd/THDerivPointwise.c): gradcheck and
-- gradgradcheck in float64 on small inputs (0-dim, broadcast, non-contiguous), node names,
-- gradients against literals computed with PyTorch 1.13 (/usr/bin/python3), float32 grads,
-- in-place forms on non-leaves, and the ops that are not differentiable.
local torch = require 'torch'
local ag = torch.autograd
local nan, inf = 0 / 0, math.huge
local f64 = torch.float64

-- ---------------------------------------------------------------------------- helpers

local H = dofile('test/spec_helpers.lua')
local flat, flatten = H.flat, H.flatten

-- values of t equal the nested table e within rel (NaN matches NaN, infinities exactly)
local function close(t, e, rel)
  rel = rel or 1e-12
  local got, exp = flat(t), flatten(e)
  assert.are.equal(#exp, #got, 'number of elements')
  for i = 1, #exp do
    local a, b = got[i], exp[i]
    local ok
    if b ~= b then ok = a ~= a
    elseif b == inf or b == -inf then ok = a == b
    else ok = math.abs(a - b) <= rel * math.max(math.abs(b), 1e-300) + 1e-15 end
    if not ok then
      error(string.format('element %d: got %.17g, expected %.17g', i, a, b), 2)
    end
  end
end

-- a float64 leaf with values uniform in [lo, hi), of the given shape (a table)
local function leaf(lo, hi, shape)
  local t = torch.rand(shape, { dtype = f64 }) * (hi - lo) + lo
  return t:requires_grad_()
end

-- the same values, transposed: a non-contiguous leaf
local function leaf_t(lo, hi, rows, cols)
  local t = (torch.rand({ cols, rows }, { dtype = f64 }) * (hi - lo) + lo):t()
  assert(not t:is_contiguous())
  return t:requires_grad_()
end

local gc, ggc, node_name = H.gc, H.ggc, H.node_name

local function grads_of(y, inputs)
  return ag.grad({ y:sum() }, inputs)
end

torch.manual_seed(1234)

-- ---------------------------------------------------------------------------- references
-- d sum(op(x)) / dx at x, and the node name, from PyTorch 1.13
local REF_UNARY = {
  abs = {x = {0.5, -1.5, 0.0, 2.0}, grad = {1.0, -1.0, 0.0, 1.0}, node = 'AbsBackward0'},
  sign = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.0, 0.0, 0.0, 0.0}, node = 'SignBackward0'},
  exp = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.2840254166877414, 0.6065306597126334, 2.117000016612675, 1.1331484530668263}, node = 'ExpBackward0'},
  exp2 = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.8242955588659627, 0.4901290717342736, 1.1657299587521543, 0.755882360275742}, node = 'Exp2Backward0'},
  expm1 = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.2840254166877414, 0.6065306597126334, 2.117000016612675, 1.1331484530668263}, node = 'Expm1Backward0'},
  log = {x = {0.5, 1.5, 2.0, 3.0}, grad = {2.0, 0.6666666666666666, 0.5, 0.3333333333333333}, node = 'LogBackward0'},
  log2 = {x = {0.5, 1.5, 2.0, 3.0}, grad = {2.8853900817779268, 0.9617966939259757, 0.7213475204444817, 0.48089834696298783}, node = 'Log2Backward0'},
  log10 = {x = {0.5, 1.5, 2.0, 3.0}, grad = {0.8685889638065037, 0.2895296546021679, 0.21714724095162594, 0.14476482730108395}, node = 'Log10Backward0'},
  log1p = {x = {0.5, -0.5, 2.0, 3.0}, grad = {0.6666666666666666, 2.0, 0.3333333333333333, 0.25}, node = 'Log1PBackward0'},
  sqrt = {x = {0.25, 1.0, 4.0, 0.0}, grad = {1.0, 0.5, 0.25, inf}, node = 'SqrtBackward0'},
  rsqrt = {x = {0.25, 1.0, 4.0, 2.0}, grad = {-4.0, -0.5, -0.0625, -0.17677669529663684}, node = 'RsqrtBackward0'},
  reciprocal = {x = {0.25, -1.0, 4.0, 2.0}, grad = {-16.0, -1.0, -0.0625, -0.25}, node = 'ReciprocalBackward0'},
  sin = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.9689124217106447, 0.8775825618903728, 0.7316888688738209, 0.992197667229329}, node = 'SinBackward0'},
  cos = {x = {0.25, -0.5, 0.75, 0.125}, grad = {-0.24740395925452294, 0.479425538604203, -0.6816387600233341, -0.12467473338522769}, node = 'CosBackward0'},
  tan = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.06519949673285, 1.2984464104095248, 1.8678719641803279, 1.0157892133477149}, node = 'TanBackward0'},
  asin = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.0327955589886444, 1.1547005383792517, 1.5118578920369088, 1.0079052613579391}, node = 'AsinBackward0'},
  acos = {x = {0.25, -0.5, 0.75, 0.125}, grad = {-1.0327955589886444, -1.1547005383792517, -1.5118578920369088, -1.0079052613579391}, node = 'AcosBackward0'},
  atan = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.9411764705882353, 0.8, 0.64, 0.9846153846153847}, node = 'AtanBackward0'},
  sinh = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.0314130998795732, 1.1276259652063807, 1.2946832846768448, 1.0078226778257109}, node = 'SinhBackward0'},
  cosh = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.2526123168081683, -0.5210953054937474, 0.82231673193583, 0.12532577524111546}, node = 'CoshBackward0'},
  tanh = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.940014848806378, 0.7864477329659274, 0.5965858082813315, 0.9845363309503934}, node = 'TanhBackward0'},
  asinh = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.9701425001453319, 0.8944271909999159, 0.8, 0.9922778767136677}, node = 'AsinhBackward0'},
  acosh = {x = {1.5, 2.0, 3.0, 1.25}, grad = {0.8944271909999159, 0.5773502691896258, 0.35355339059327373, 1.3333333333333333}, node = 'AcoshBackward0'},
  atanh = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.0666666666666667, 1.3333333333333333, 2.2857142857142856, 1.0158730158730158}, node = 'AtanhBackward0'},
  sigmoid = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.24613408273759835, 0.2350037122015945, 0.21789499376181404, 0.24902597501361748}, node = 'SigmoidBackward0'},
  logit = {x = {0.25, 0.5, 1.5, -0.5}, grad = {5.333333333333333, 4.0, nan, nan}, node = 'LogitBackward0'},
  relu = {x = {0.5, -1.0, 0.0, 2.0}, grad = {1.0, 0.0, 0.0, 1.0}, node = 'ReluBackward0'},
  erf = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.0600141293761143, 0.8787825789354448, 0.6429310691952074, 1.1108852695966625}, node = 'ErfBackward0'},
  erfc = {x = {0.25, -0.5, 0.75, 0.125}, grad = {-1.0600141293761143, -0.8787825789354448, -0.6429310691952074, -1.1108852695966625}, node = 'ErfcBackward0'},
  erfinv = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.9323782346059725, 1.1125848189719496, 1.7174997693674525, 0.8972606208698217}, node = 'ErfinvBackward0'},
  lgamma = {x = {0.5, 1.5, -0.5, 3.0}, grad = {-1.9635100260214229, 0.036489973978576194, 0.03648997397857639, 0.922784335098467}, node = 'LgammaBackward0'},
  -- PyTorch's trigamma is good to ~3e-10 here (pi^2/2 = 4.934802200544679 at 0.5)
  digamma = {x = {0.5, 1.5, -0.5, 3.0}, grad = {4.934802202073678, 0.9348022009716718, 8.934802200117687, 0.39493406693194577}, node = 'DigammaBackward0', rel = 1e-9},
  floor = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.0, 0.0, 0.0, 0.0}, node = 'FloorBackward0'},
  ceil = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.0, 0.0, 0.0, 0.0}, node = 'CeilBackward0'},
  round = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.0, 0.0, 0.0, 0.0}, node = 'RoundBackward0'},
  trunc = {x = {0.25, -0.5, 0.75, 0.125}, grad = {0.0, 0.0, 0.0, 0.0}, node = 'TruncBackward0'},
  frac = {x = {0.25, -0.5, 0.75, 0.125}, grad = {1.0, 1.0, 1.0, 1.0}, node = 'FracBackward0'},
  nan_to_num = {x = {0.5, nan, inf, -inf}, grad = {1.0, 0.0, 0.0, 0.0}, node = 'NanToNumBackward0'},
}

-- gradients of sum(fn(inputs...)) for every input, from PyTorch 1.13
local REF = {
  maximum = {inputs = {{{1.0, 2.0, 3.0}, {0.5, 3.0, -1.0}}, {1.0, 3.0, 2.0}}, grads = {{{0.5, 0.0, 1.0}, {0.0, 0.5, 0.0}}, {1.5, 1.5, 1.0}}, node = 'MaximumBackward0'},
  minimum = {inputs = {{{1.0, 2.0, 3.0}, {0.5, 3.0, -1.0}}, {1.0, 3.0, 2.0}}, grads = {{{0.5, 1.0, 0.0}, {1.0, 0.5, 1.0}}, {0.5, 0.5, 1.0}}, node = 'MinimumBackward0'},
  clamp_min = {inputs = {{0.0, 1.0, 2.0, 3.0}, {1.0, 1.0, 1.0, 4.0}}, grads = {{0.0, 1.0, 1.0, 0.0}, {1.0, 0.0, 0.0, 1.0}}, node = 'ClampMinBackward1'},
  clamp_min_number = {inputs = {{0.0, 1.0, 2.0, 3.0}}, grads = {{0.0, 1.0, 1.0, 1.0}}, node = 'ClampMinBackward0'},
  clamp_max = {inputs = {{0.0, 1.0, 2.0, 3.0}, {1.0, 1.0, 1.0, 4.0}}, grads = {{1.0, 1.0, 0.0, 1.0}, {0.0, 0.0, 1.0, 0.0}}, node = 'ClampMaxBackward1'},
  clamp_max_number = {inputs = {{0.0, 1.0, 2.0, 3.0}}, grads = {{1.0, 1.0, 0.0, 0.0}}, node = 'ClampMaxBackward0'},
  fmod = {inputs = {{-3.5, 2.5, 4.0, -1.0}, {2.0, -1.5, 1.5, 0.75}}, grads = {{1.0, 1.0, 1.0, 1.0}, {1.0, 1.0, -2.0, 1.0}}, node = 'FmodBackward1'},
  fmod_number = {inputs = {{-3.5, 2.5, 4.0, -1.0}}, grads = {{1.0, 1.0, 1.0, 1.0}}, node = 'FmodBackward0'},
  remainder = {inputs = {{-3.5, 2.5, 4.0, -1.0}, {2.0, -1.5, 1.5, 0.75}}, grads = {{1.0, 1.0, 1.0, 1.0}, {2.0, 2.0, -2.0, 2.0}}, node = 'RemainderBackward1'},
  remainder_number = {inputs = {{-3.5, 2.5, 4.0, -1.0}}, grads = {{1.0, 1.0, 1.0, 1.0}}, node = 'RemainderBackward0'},
  atan2 = {inputs = {{0.5, -1.0, 2.0, 3.0}, {1.0, 2.0, -0.5, 0.25}}, grads = {{0.8, 0.4, -0.11764705882352941, 0.027586206896551724}, {-0.4, 0.2, -0.47058823529411764, -0.3310344827586207}}, node = 'Atan2Backward0'},
  hypot = {inputs = {{0.5, -1.0, 2.0, 3.0}, {1.0, 2.0, -0.5, 0.25}}, grads = {{0.4472135954999579, -0.4472135954999579, 0.9701425001453319, 0.9965457582448796}, {0.8944271909999159, 0.8944271909999159, -0.24253562503633297, 0.08304547985373997}}, node = 'HypotBackward0'},
  clamp = {inputs = {{0.0, 1.0, 2.0, 3.0, nan, 1.5}, {1.0, 1.0, 1.0, 2.5, 0.0, 2.0}, {2.0, 2.0, 2.0, 1.0, 1.0, 1.0}}, grads = {{0.0, 1.0, 1.0, 0.0, 0.0, 0.0}, {1.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 1.0, 0.0, 1.0}}, node = 'ClampBackward0'},
  clamp_number = {inputs = {{0.0, 1.0, 1.5, 2.0, 3.0, nan}}, grads = {{0.0, 1.0, 1.0, 1.0, 0.0, 0.0}}, node = 'ClampBackward1'},
  clamp_min_only = {inputs = {{0.0, 1.0, 1.5, 2.0, 3.0}}, grads = {{0.0, 1.0, 1.0, 1.0, 1.0}}, node = 'ClampBackward1'},
  clamp_max_tensor = {inputs = {{0.0, 1.0, 1.5, 2.0, 3.0}, {1.0, 1.0, 1.0, 1.0, 4.0}}, grads = {{1.0, 1.0, 0.0, 0.0, 1.0}, {0.0, 0.0, 1.0, 1.0, 0.0}}, node = 'ClampBackward0'},
  where = {inputs = {{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {7.0, 8.0, 9.0}}, grads = {{{1.0, 0.0, 1.0}, {1.0, 0.0, 1.0}}, {0.0, 2.0, 0.0}}, node = 'WhereBackward0'},
  lerp = {inputs = {{1.0, 2.0, 3.0}, {3.0, 2.0, 1.0}}, grads = {{0.75, 0.75, 0.75}, {0.25, 0.25, 0.25}}, node = 'LerpBackward0'},
  lerp_tensor = {inputs = {{1.0, 2.0, 3.0}, {3.0, 2.0, 1.0}, {0.25, 0.5, 2.0}}, grads = {{0.75, 0.5, -1.0}, {0.25, 0.5, 2.0}, {2.0, 0.0, -2.0}}, node = 'LerpBackward1'},
  addcmul = {inputs = {{1.0, 2.0, 3.0}, {3.0, 2.0, 1.0}, {0.25, 0.5, 2.0}}, grads = {{1.0, 1.0, 1.0}, {0.125, 0.25, 1.0}, {1.5, 1.0, 0.5}}, node = 'AddcmulBackward0'},
  addcdiv = {inputs = {{1.0, 2.0, 3.0}, {3.0, 2.0, 1.0}, {0.25, 0.5, 2.0}}, grads = {{1.0, 1.0, 1.0}, {8.0, 4.0, 1.0}, {-96.0, -16.0, -0.5}}, node = 'AddcdivBackward0'},
  logit_eps = {inputs = {{0.1, 0.25, 0.5, 0.75, 0.9}}, grads = {{0.0, 5.333333333333333, 4.0, 5.333333333333333, 0.0}}, node = 'LogitBackward0'},
  round_decimals = {inputs = {{0.25, 1.26}}, grads = {{0.0, 0.0}}, node = 'RoundBackward1'},
  pow_tensor = {inputs = {{0.5, 2.0, 3.0}, {2.0, 0.5, -1.0}}, grads = {{1.0, 0.3535533905932738, -0.1111111111111111}, {-0.17328679513998632, 0.9802581434685472, 0.3662040962227032}}, node = 'PowBackward1'},
  pow_number_base = {inputs = {{2.0, 0.5, -1.0}}, grads = {{2.772588722239781, 0.9802581434685472, 0.34657359027997264}}, node = 'PowBackward2'},
}

-- second derivatives d/dx sum(d sum(op(x)) / dx), from PyTorch 1.13
local REF2 = {
  digamma = {x = {0.5, 1.5, 3.0}, grad2 = {-16.828796644234316, -0.8287966442343201, -0.15411380631918856}},
  tanh = {x = {0.25, -0.5, 0.75}, grad2 = {-0.46045435881856595, 0.7268619813835873, -0.7578417022780214}},
  sigmoid = {x = {0.25, -0.5, 0.75}, grad2 = {-0.03060751202671876, 0.05755679485232075, -0.07808428307814441}},
  sqrt = {x = {0.25, 1.0, 4.0}, grad2 = {-2.0, -0.25, -0.03125}},
  erfinv = {x = {0.25, -0.5, 0.75}, grad2 = {0.3917406846160669, -1.1807463499933994, 4.798860611815592}},
  atan = {x = {0.25, -0.5, 0.75}, grad2 = {-0.4429065743944637, 0.64, -0.6144000000000001}},
}

-- ---------------------------------------------------------------------------- unary ops
-- name -> {lo, hi}: the interval random inputs are drawn from (inside the domain, away from
-- poles); const: piecewise constant (zero gradients; no second derivative check in place)
local UNARY = {
  abs = {-1, 1}, sign = {-1, 1, const = true},
  exp = {-1, 1}, exp2 = {-1, 1}, expm1 = {-1, 1},
  log = {0.5, 2}, log2 = {0.5, 2}, log10 = {0.5, 2}, log1p = {-0.5, 1},
  sqrt = {0.5, 2}, rsqrt = {0.5, 2}, reciprocal = {0.5, 2},
  sin = {-1, 1}, cos = {-1, 1}, tan = {-1, 1},
  asin = {-0.8, 0.8}, acos = {-0.8, 0.8}, atan = {-2, 2},
  sinh = {-1, 1}, cosh = {-1, 1}, tanh = {-1, 1},
  asinh = {-2, 2}, acosh = {1.2, 3}, atanh = {-0.8, 0.8},
  sigmoid = {-2, 2}, logit = {0.2, 0.8}, relu = {-1, 1},
  erf = {-1, 1}, erfc = {-1, 1}, erfinv = {-0.8, 0.8},
  lgamma = {0.5, 3}, digamma = {0.5, 3},
  floor = {0.1, 0.9, const = true}, ceil = {0.1, 0.9, const = true},
  round = {0.1, 0.4, const = true}, trunc = {0.1, 0.9, const = true},
  frac = {0.1, 0.9}, nan_to_num = {-1, 1},
}
local UNARY_NAMES = {}
for name in pairs(UNARY) do UNARY_NAMES[#UNARY_NAMES + 1] = name end
table.sort(UNARY_NAMES)

local function draw(d, shape) return leaf(d[1], d[2], shape) end

describe('autograd of unary pointwise ops', function()
  for _, name in ipairs(UNARY_NAMES) do
    local d = UNARY[name]
    local ref = REF_UNARY[name]
    describe(name, function()
      local fn = function(a) return a[name](a) end

      it('passes gradcheck on 0-dim, 1-D, 2-D and transposed inputs', function()
        gc(fn, { draw(d, {}) })
        gc(fn, { draw(d, { 3 }) })
        gc(fn, { draw(d, { 2, 3 }) })
        gc(fn, { leaf_t(d[1], d[2], 2, 3) })
      end)

      it('passes gradgradcheck', function()
        ggc(fn, { draw(d, { 2, 2 }) })
      end)

      it('names its node and matches PyTorch', function()
        local x = torch.tensor(ref.x, { dtype = f64, requires_grad = true })
        local y = x[name](x)
        assert.are.equal(ref.node, node_name(y))
        close(grads_of(y, { x })[1], ref.grad, ref.rel)
      end)

      it('gives float32 gradients for float32 inputs', function()
        local x = torch.tensor(ref.x, { dtype = torch.float32, requires_grad = true })
        local g = grads_of(x[name](x), { x })[1]
        assert.are.equal(torch.float32, g.dtype)
        close(g, ref.grad, 1e-6)
      end)

      it('records the in-place form on a non-leaf', function()
        local x = torch.tensor(ref.x, { dtype = f64, requires_grad = true })
        local y = x:clone()
        y[name .. '_'](y)
        assert.are.equal(ref.node, node_name(y))
        close(grads_of(y, { x })[1], ref.grad, ref.rel)
        local inplace = function(a)
          local b = a * 1
          b[name .. '_'](b)
          return b
        end
        gc(inplace, { draw(d, { 3 }) })
        if not d.const then ggc(inplace, { draw(d, { 2 }) }) end
      end)
    end)
  end

  it('acosh, logit and friends also pass through their aliases', function()
    gc(function(a) return a:arccos() end, { leaf(-0.8, 0.8, { 3 }) })
    gc(function(a) return torch.arcsinh(a) end, { leaf(-1, 1, { 3 }) })
    gc(function(a) return a:arctanh() end, { leaf(-0.8, 0.8, { 3 }) })
    gc(function(a) return a:absolute() end, { leaf(0.2, 1, { 3 }) })
    local x = leaf(0.1, 0.9, { 3 })
    assert.are.equal('TruncBackward0', node_name(x:fix()))
  end)

  it('takes the edge cases PyTorch takes', function()
    -- abs at 0 and relu at 0 give 0, sqrt at 0 gives inf, logit outside [0, 1] NaN
    local x = torch.tensor({ 0.0, -0.0 }, { dtype = f64, requires_grad = true })
    close(grads_of(x:abs(), { x })[1], { 0, 0 })
    close(grads_of(x:relu(), { x })[1], { 0, 0 })
    close(grads_of(x:sqrt(), { x })[1], { inf, -inf }) -- sqrt(-0) = -0
    -- relu passes the gradient where its result is NaN
    local n = torch.tensor({ nan, -1, 2 }, { dtype = f64, requires_grad = true })
    close(grads_of(n:relu(), { n })[1], { 1, 0, 1 })
    -- logit with eps: zero outside [eps, 1 - eps]
    local r = REF.logit_eps
    local p = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
    local y = torch.logit(p, 0.25)
    assert.are.equal(r.node, node_name(y))
    close(grads_of(y, { p })[1], r.grads[1])
    gc(function(a) return torch.logit(a, { eps = 0.1 }) end, { leaf(0.2, 0.8, { 3 }) })
    local q = torch.tensor({ 0.05, 0.5 }, { dtype = f64, requires_grad = true })
    local q2 = q:clone()
    q2:logit_(0.1)
    close(grads_of(q2, { q })[1], { 0, 4 })
    -- round with decimals: RoundBackward1, zero gradient
    r = REF.round_decimals
    local z = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
    local w = z:round({ decimals = 1 })
    assert.are.equal(r.node, node_name(w))
    close(grads_of(w, { z })[1], r.grads[1])
    -- nan_to_num with replacement values
    local m = torch.tensor({ nan, 1, -inf }, { dtype = f64, requires_grad = true })
    close(grads_of(m:nan_to_num(0, 1, -1), { m })[1], { 0, 1, 0 })
  end)

  it('differentiates twice as PyTorch (digamma through polygamma)', function()
    for name, r in pairs(REF2) do
      local x = torch.tensor(r.x, { dtype = f64, requires_grad = true })
      local g = ag.grad({ x[name](x):sum() }, { x }, { create_graph = true })[1]
      assert.is_not_nil(g.grad_fn, name)
      close(ag.grad({ g:sum() }, { x })[1], r.grad2, 1e-10)
    end
    -- third derivative of digamma: polygamma(3, x) = 6 zeta(4, x); at 1 it is pi^4 / 15
    local x = torch.tensor({ 1.0 }, { dtype = f64, requires_grad = true })
    local g1 = ag.grad({ x:digamma():sum() }, { x }, { create_graph = true })[1]
    local g2 = ag.grad({ g1:sum() }, { x }, { create_graph = true })[1]
    local g3 = ag.grad({ g2:sum() }, { x })[1]
    close(g3, { math.pi ^ 4 / 15 }, 1e-13)
    -- trigamma at 1/2, 1, 3/2: pi^2/2, pi^2/6, pi^2/2 - 4
    local h = torch.tensor({ 0.5, 1, 1.5 }, { dtype = f64, requires_grad = true })
    close(grads_of(h:digamma(), { h })[1], { math.pi ^ 2 / 2, math.pi ^ 2 / 6, math.pi ^ 2 / 2 - 4 }, 1e-14)
    gc(function(a) return a:digamma() end, { leaf(-0.9, -0.1, { 3 }) })
    ggc(function(a) return a:digamma() end, { leaf(-0.9, -0.1, { 2 }) })
  end)

  it('gives float16 and bfloat16 gradients for 16-bit inputs', function()
    for _, dt in ipairs { torch.float16, torch.bfloat16 } do
      for _, name in ipairs { 'sin', 'exp', 'sigmoid', 'sqrt', 'erfinv', 'digamma', 'abs' } do
        local ref = REF_UNARY[name]
        local x = torch.tensor(ref.x, { dtype = dt, requires_grad = true })
        local g = grads_of(x[name](x), { x })[1]
        assert.are.equal(dt, g.dtype)
        close(g:double(), ref.grad, 2e-2)
      end
    end
  end)

  it('works on empty tensors', function()
    local x = torch.zeros({ 0, 3 }, { dtype = f64, requires_grad = true })
    for _, name in ipairs { 'exp', 'sin', 'sqrt', 'abs', 'sigmoid', 'floor' } do
      local g = grads_of(x[name](x), { x })[1]
      assert.are.same({ 0, 3 }, g:size():totable())
    end
  end)
end)

-- ---------------------------------------------------------------------------- binary and ternary ops

local function check_ref(key, fn)
  local r = REF[key]
  local ins = {}
  for i, v in ipairs(r.inputs) do ins[i] = torch.tensor(v, { dtype = f64, requires_grad = true }) end
  local y = fn(unpack(ins))
  assert.are.equal(r.node, node_name(y))
  local gs = grads_of(y, ins)
  for i = 1, #ins do close(gs[i], r.grads[i]) end
end

describe('autograd of binary pointwise ops', function()
  local BINARY = {
    maximum = {fn = torch.maximum, a = {-1, 1}, b = {-1, 1}},
    minimum = {fn = torch.minimum, a = {-1, 1}, b = {-1, 1}},
    clamp_min = {fn = torch.clamp_min, a = {0, 1}, b = {0, 1}, number = 0.5, inplace = true},
    clamp_max = {fn = torch.clamp_max, a = {0, 1}, b = {0, 1}, number = 0.5, inplace = true},
    fmod = {fn = torch.fmod, a = {-3, 3}, b = {0.6, 1.1}, number = 0.7, inplace = true},
    remainder = {fn = torch.remainder, a = {-3, 3}, b = {-1.1, -0.6}, number = 0.7, inplace = true},
    atan2 = {fn = torch.atan2, a = {0.2, 1}, b = {-1, -0.2}, number = 0.5, inplace = true},
    hypot = {fn = torch.hypot, a = {-1, 1}, b = {0.2, 1}, number = 0.5, inplace = true},
  }
  local names = {}
  for name in pairs(BINARY) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local d = BINARY[name]
    describe(name, function()
      it('passes gradcheck with broadcasting, 0-dim and transposed operands', function()
        gc(d.fn, { leaf(d.a[1], d.a[2], { 2, 3 }), leaf(d.b[1], d.b[2], { 3 }) })
        gc(d.fn, { leaf(d.a[1], d.a[2], { 2, 1 }), leaf(d.b[1], d.b[2], { 1, 3 }) })
        gc(d.fn, { leaf(d.a[1], d.a[2], {}), leaf(d.b[1], d.b[2], { 2 }) })
        gc(d.fn, { leaf_t(d.a[1], d.a[2], 2, 3), leaf_t(d.b[1], d.b[2], 2, 3) })
        -- only one operand requires grad
        local ca, cb = leaf(d.a[1], d.a[2], { 3 }).data, leaf(d.b[1], d.b[2], { 3 }).data
        gc(function(a) return d.fn(a, cb) end, { leaf(d.a[1], d.a[2], { 3 }) })
        gc(function(b) return d.fn(ca, b) end, { leaf(d.b[1], d.b[2], { 3 }) })
        if d.number then gc(function(a) return d.fn(a, d.number) end, { leaf(d.a[1], d.a[2], { 3 }) }) end
      end)

      it('passes gradgradcheck', function()
        ggc(d.fn, { leaf(d.a[1], d.a[2], { 2, 2 }), leaf(d.b[1], d.b[2], { 2 }) })
        if d.number then ggc(function(a) return d.fn(a, d.number) end, { leaf(d.a[1], d.a[2], { 3 }) }) end
      end)

      it('names its node and matches PyTorch', function()
        check_ref(name, d.fn)
        if REF[name .. '_number'] then
          local r = REF[name .. '_number']
          local num = ({ clamp_min = 1.0, clamp_max = 1.0, fmod = 1.5, remainder = 1.5 })[name]
          check_ref(name .. '_number', function(a) return d.fn(a, num) end)
          assert.are.equal(r.node, node_name(d.fn(torch.ones(2, { requires_grad = true }), num)))
        end
      end)

      it('gives float32 gradients for float32 inputs', function()
        local a = torch.rand({ 3 }):mul(d.a[2] - d.a[1]):add(d.a[1]):requires_grad_()
        local b = torch.rand({ 3 }):mul(d.b[2] - d.b[1]):add(d.b[1]):requires_grad_()
        local gs = grads_of(d.fn(a, b), { a, b })
        assert.are.equal(torch.float32, gs[1].dtype)
        assert.are.equal(torch.float32, gs[2].dtype)
      end)

      if d.inplace then
        it('records the in-place form on a non-leaf', function()
          local r = REF[name]
          local a = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
          local b = torch.tensor(r.inputs[2], { dtype = f64, requires_grad = true })
          local y = a:clone()
          y[name .. '_'](y, b)
          assert.are.equal(r.node, node_name(y))
          local gs = grads_of(y, { a, b })
          close(gs[1], r.grads[1])
          close(gs[2], r.grads[2])
          local fn = function(x, z)
            local c = x * 1
            c[name .. '_'](c, z)
            return c
          end
          gc(fn, { leaf(d.a[1], d.a[2], { 2, 3 }), leaf(d.b[1], d.b[2], { 3 }) })
          ggc(fn, { leaf(d.a[1], d.a[2], { 2 }), leaf(d.b[1], d.b[2], { 2 }) })
        end)
      end
    end)
  end

  it('promotes integer and other-dtype operands inside the formulas', function()
    local x = torch.tensor({ 0.5, -1.5, 2 }, { dtype = f64, requires_grad = true })
    local i = torch.tensor({ 1, -1, 2 })
    close(grads_of(torch.atan2(x, i), { x })[1], { 0.8, -1 / 3.25, 0.25 })
    close(grads_of(torch.maximum(x, i), { x })[1], { 0, 0, 0.5 })
    close(grads_of(torch.clamp(x, i, 3), { x })[1], { 0, 0, 1 })
    close(grads_of(torch.where(i:gt(0), x, i), { x })[1], { 1, 0, 1 })
    local f = torch.tensor({ 0.5, -1.5, 2 }, { requires_grad = true })
    local g = grads_of(torch.atan2(f, x.data), { f })[1] -- a float64 result, a float32 gradient
    assert.are.equal(torch.float32, g.dtype)
    close(g, { 1, -1 / 3, 0.25 }, 1e-6)
  end)

  it('splits the gradient evenly on maximum/minimum ties', function()
    local a = torch.tensor({ 1, 2 }, { dtype = f64, requires_grad = true })
    local b = torch.tensor({ 1, 3 }, { dtype = f64, requires_grad = true })
    local gs = grads_of(torch.maximum(a, b), { a, b })
    close(gs[1], { 0.5, 0 })
    close(gs[2], { 0.5, 1 })
  end)

  it('differentiates the % operator and the number-first forms', function()
    gc(function(a) return a % 0.7 end, { leaf(-2, 2, { 3 }) })
    gc(function(b) return 2.5 % b end, { leaf(0.6, 1.1, { 3 }) })
    gc(function(b) return torch.fmod(2.5, b) end, { leaf(0.6, 1.1, { 3 }) })
    gc(function(b) return torch.atan2(0.5, b) end, { leaf(0.2, 1, { 3 }) })
    gc(function(b) return 1 - b end, { leaf(0.2, 1, { 3 }) })
    assert.are.equal('RsubBackward1', node_name(1 - leaf(0, 1, { 2 })))
    local x = leaf(0.5, 1, { 2, 2 })
    assert.are.equal('SubBackward0', node_name(x - 1))
  end)

  it('names pow by its operands as PyTorch', function()
    check_ref('pow_tensor', torch.pow)
    check_ref('pow_number_base', function(b) return 2 ^ b end)
    assert.are.equal('PowBackward0', node_name(leaf(0.5, 1, { 2 }) ^ 2))
  end)
end)

describe('autograd of clamp, where, lerp, addcmul and addcdiv', function()
  it('clamp: tensor bounds, number bounds and one bound', function()
    check_ref('clamp', function(x, lo, hi) return torch.clamp(x, lo, hi) end)
    check_ref('clamp_number', function(x) return x:clamp(1, 2) end)
    check_ref('clamp_min_only', function(x) return x:clamp({ min = 1 }) end)
    check_ref('clamp_max_tensor', function(x, hi) return torch.clamp(x, { max = hi }) end)
    assert.are.equal('ClampBackward1', node_name(torch.clip(leaf(0, 1, { 2 }), 0.2, 0.5)))
    local clamp3 = function(x, lo, hi) return torch.clamp(x, lo, hi) end
    gc(clamp3, { leaf(0, 1, { 2, 3 }), leaf(0, 0.5, { 3 }), leaf(0.5, 1, { 2, 1 }) })
    ggc(clamp3, { leaf(0, 1, { 2, 2 }), leaf(0, 0.5, { 2 }), leaf(0.5, 1, { 2, 1 }) })
    gc(function(x, hi) return x:clamp(0.3, hi) end, { leaf(0, 1, { 2, 3 }), leaf(0.5, 1, { 3 }) })
    gc(function(x) return x:clamp(0.3, 0.6) end, { leaf_t(0, 1, 2, 3) })
    gc(function(x) return x:clamp({ max = 0.6 }) end, { leaf(0, 1, {}) })
    gc(function(x, lo) return x:clamp({ min = lo }) end, { leaf(0, 1, { 4 }), leaf(0, 1, { 4 }) })
    -- in place, on a non-leaf
    local r = REF.clamp
    local x = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
    local lo = torch.tensor(r.inputs[2], { dtype = f64, requires_grad = true })
    local hi = torch.tensor(r.inputs[3], { dtype = f64, requires_grad = true })
    local y = x:clone()
    y:clamp_(lo, hi)
    assert.are.equal('ClampBackward0', node_name(y))
    local gs = grads_of(y, { x, lo, hi })
    for i = 1, 3 do close(gs[i], r.grads[i]) end
    local z = x:clone()
    z:clamp_({ min = 1 })
    assert.are.equal('ClampBackward1', node_name(z))
    gc(function(a) return (a * 1):clamp_(0.3, 0.6) end, { leaf(0, 1, { 4 }) })
  end)

  it('where: the condition gets no gradient', function()
    local cond = torch.tensor({ true, false, true })
    check_ref('where', function(x, y) return torch.where(cond, x, y) end)
    check_ref('where', function(x, y) return x:where(cond, y) end)
    local fn = function(x, y) return torch.where(x:gt(0.5), x, y) end
    gc(fn, { leaf(0, 1, { 2, 3 }), leaf(0, 1, { 3 }) })
    ggc(fn, { leaf(0, 1, { 2, 2 }), leaf(0, 1, { 2 }) })
    gc(function(x) return torch.where(cond, x, 0.5) end, { leaf(0, 1, { 3 }) })
    gc(function(y) return torch.where(cond, 2, y) end, { leaf(0, 1, { 2, 3 }) })
    -- a uint8 condition, transposed operands
    gc(function(x, y) return torch.where(torch.tensor({ { 1, 0 }, { 0, 1 } }, { dtype = torch.uint8 }), x, y) end,
      { leaf_t(0, 1, 2, 2), leaf_t(0, 1, 2, 2) })
    -- float32
    local a = torch.rand({ 3 }):requires_grad_()
    assert.are.equal(torch.float32, grads_of(torch.where(cond, a, 0), { a })[1].dtype)
  end)

  it('lerp: number and tensor weights', function()
    check_ref('lerp', function(a, b) return torch.lerp(a, b, 0.25) end)
    check_ref('lerp_tensor', torch.lerp)
    local fn = function(a, b, w) return torch.lerp(a, b, w) end
    gc(fn, { leaf(0, 1, { 2, 3 }), leaf(0, 1, { 3 }), leaf(0, 1, { 2, 1 }) })
    ggc(fn, { leaf(0, 1, { 2, 2 }), leaf(0, 1, { 2 }), leaf(0, 1, { 2, 1 }) })
    gc(function(a, b) return a:lerp(b, 0.3) end, { leaf_t(0, 1, 2, 3), leaf(0, 1, {}) })
    local r = REF.lerp_tensor
    local a = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
    local b = torch.tensor(r.inputs[2], { dtype = f64, requires_grad = true })
    local w = torch.tensor(r.inputs[3], { dtype = f64, requires_grad = true })
    local y = a:clone()
    y:lerp_(b, w)
    assert.are.equal('LerpBackward1', node_name(y))
    local gs = grads_of(y, { a, b, w })
    for i = 1, 3 do close(gs[i], r.grads[i]) end
    ggc(function(p, q, s) return (p * 1):lerp_(q, s) end, { leaf(0, 1, { 2 }), leaf(0, 1, { 2 }), leaf(0, 1, { 2 }) })
    -- a number weight: start is not needed by the formula
    r = REF.lerp
    a = torch.tensor(r.inputs[1], { dtype = f64, requires_grad = true })
    b = torch.tensor(r.inputs[2], { dtype = f64, requires_grad = true })
    y = a:clone()
    y:lerp_(b, 0.25)
    assert.are.equal('LerpBackward0', node_name(y))
    gs = grads_of(y, { a, b })
    for i = 1, 2 do close(gs[i], r.grads[i]) end
  end)

  it('addcmul and addcdiv scale by value', function()
    check_ref('addcmul', function(s, a, b) return torch.addcmul(s, a, b, { value = 0.5 }) end)
    check_ref('addcdiv', function(s, a, b) return s:addcdiv(a, b, { value = 2 }) end)
    for _, op in ipairs { 'addcmul', 'addcdiv' } do
      local fn = function(s, a, b) return torch[op](s, a, b, { value = -1.5 }) end
      gc(fn, { leaf(0, 1, { 2, 3 }), leaf(0.5, 1, { 3 }), leaf(0.5, 1, { 2, 1 }) })
      ggc(fn, { leaf(0, 1, { 2 }), leaf(0.5, 1, { 2 }), leaf(0.5, 1, { 2 }) })
      local t1 = torch.rand({ 3 }, { dtype = f64 })
      gc(function(s, b) return torch[op](s, t1, b) end, { leaf_t(0, 1, 2, 3), leaf(0.5, 1, {}) })
      -- Torch7's argument order (self, value, t1, t2), in place on a non-leaf
      local s, a, b = leaf(0, 1, { 3 }), leaf(0.5, 1, { 3 }), leaf(0.5, 1, { 3 })
      local y = s:clone()
      y[op .. '_'](y, 2, a, b)
      assert.are.equal(op == 'addcmul' and 'AddcmulBackward0' or 'AddcdivBackward0', node_name(y))
      local gs = grads_of(y, { s, a, b })
      local e = op == 'addcmul' and { b.data * 2, a.data * 2 } or { b.data:reciprocal() * 2, -a.data * 2 / (b.data * b.data) }
      close(gs[1], { 1, 1, 1 })
      close(gs[2], e[1]:tolist())
      close(gs[3], e[2]:tolist())
    end
  end)
end)

-- ---------------------------------------------------------------------------- rules

describe('autograd rules of pointwise ops', function()
  it('gives no history to the results of non-differentiable ops', function()
    local x = leaf(-1, 1, { 3 })
    local y = leaf(-1, 1, { 3 })
    for _, r in ipairs {
      x:isnan(), x:isinf(), x:isfinite(), x:eq(y), x:ne(y), x:lt(y), x:le(y), x:gt(y), x:ge(0),
      x:logical_not(), x:logical_and(y), x:logical_or(y), x:logical_xor(y),
      torch.floor_divide(x, y), torch.isclose(x, y),
    } do
      assert.is_nil(r.grad_fn)
      assert.is_false(r.requires_grad)
    end
  end)

  it('refuses in-place ops on a leaf that requires grad, leaving it unchanged', function()
    local x = torch.tensor({ 0.5, 1.5 }, { dtype = f64, requires_grad = true })
    local ok, err = pcall(function() x:exp_() end)
    assert.is_false(ok)
    assert.matches('[exp] a leaf Variable that requires grad is being used in an in-place operation.', err, 1, true)
    ok, err = pcall(function() x:clamp_(0, 1) end)
    assert.is_false(ok)
    assert.matches('a leaf Variable that requires grad is being used in an in-place operation.', err, 1, true)
    assert.are.same({ 0.5, 1.5 }, x.data:tolist())
    assert.is_nil(x.grad_fn)
  end)

  it('refuses out= when an input requires grad', function()
    local x = torch.tensor({ 0.5, 1.5 }, { dtype = f64, requires_grad = true })
    local out = torch.zeros(2, { dtype = f64 })
    local ok, err = pcall(function() torch.sin(x, { out = out }) end)
    assert.is_false(ok)
    assert.matches("[sin] functions with out=... arguments don't support automatic differentiation, but one "
      .. 'of the arguments requires grad.', err, 1, true)
    ok = pcall(function() torch.clamp(x, 0, 1, { out = out }) end)
    assert.is_false(ok)
    assert.are.same({ 0, 0 }, out:tolist())
    -- without grad mode, out= works
    torch.no_grad(function() torch.sin(x, { out = out }) end)
    close(out, { math.sin(0.5), math.sin(1.5) })
  end)

  it('reports a saved input or result modified in place before backward', function()
    local x = torch.tensor({ 0.5, 1.5 }, { dtype = f64, requires_grad = true })
    local a = x * 1
    local y = a:sin()
    a:add_(1)
    local ok, err = pcall(function() y:sum():backward() end)
    assert.is_false(ok)
    assert.matches('one of the variables needed for gradient computation has been modified by an '
      .. 'inplace operation', err, 1, true)
    assert.matches('of SinBackward0', err, 1, true)
    local s = (x * 1):sigmoid()
    local t = s:sum()
    s:zero_()
    ok, err = pcall(function() t:backward() end)
    assert.is_false(ok)
    assert.matches('which is output 0 of SigmoidBackward0', err, 1, true)
    -- exp saves its result: an in-place op on it afterwards is an error too (as in PyTorch)
    local e = (x * 1):exp()
    e:mul_(2)
    ok, err = pcall(function() e:sum():backward() end)
    assert.is_false(ok)
    assert.matches('which is output 0 of ExpBackward0', err, 1, true)
    assert.is_nil(x.grad)
  end)

  it('copies the overwritten operand only when a formula reads it', function()
    -- x:mul_(2), x:div_(w), x:fmod_(0.3): the first operand's old value is not needed for x's
    -- gradient; with w requiring grad, div_ keeps a copy for w's
    local x = torch.tensor({ 0.25, 0.5 }, { dtype = f64, requires_grad = true })
    local w = torch.tensor({ 2, 4 }, { dtype = f64, requires_grad = true })
    local y = x * 1
    y:mul_(2):div_(w):fmod_(0.3)
    local gs = grads_of(y, { x, w })
    close(gs[1], { 1, 0.5 })
    close(gs[2], { -0.125, -0.0625 })
  end)

  it('chains in-place ops on one tensor', function()
    local x = torch.tensor({ 0.25, 0.5 }, { dtype = f64, requires_grad = true })
    local y = x:clone()
    y:sin_():mul_(2):clamp_(-1, 1.5):exp_()
    local g = grads_of(y, { x })[1]
    -- d/dx exp(2 sin x) = 2 cos x exp(2 sin x) (the clamp is not active here)
    local e = {}
    for i, v in ipairs { 0.25, 0.5 } do e[i] = 2 * math.cos(v) * math.exp(2 * math.sin(v)) end
    close(g, e, 1e-12)
    gc(function(a) return (a * 1):sin_():mul_(2):clamp_(-0.5, 0.5):tanh_() end, { leaf(-1, 1, { 4 }) })
    -- exp_ saves its result: a later in-place op on it breaks its backward (as in PyTorch)
    local z = x:clone()
    z:exp_():clamp_(0, 10)
    local ok, err = pcall(function() z:sum():backward() end)
    assert.is_false(ok)
    assert.matches('which is output 0 of ExpBackward0', err, 1, true)
  end)

  it('records in-place ops on a view of a non-leaf', function()
    local x = torch.tensor({ 0.25, 0.5, 0.75 }, { dtype = f64, requires_grad = true })
    local b = x * 1
    b:narrow(1, 1, 2):sin_()
    close(grads_of(b, { x })[1], { math.cos(0.25), math.cos(0.5), 1 })
    local c = x * 1
    c[{ { 1, 2 } }]:clamp_(0.3, 0.6)
    c:exp_()
    close(grads_of(c, { x })[1], { 0, math.exp(0.5), math.exp(0.75) })
    gc(function(a)
      local d = a * 1
      d:narrow(1, 2, 2):atan2_(d:narrow(1, 1, 2):clone())
      return d
    end, { leaf(0.2, 1, { 3 }) })
  end)

  it('does not record under no_grad', function()
    local x = leaf(0, 1, { 2 })
    local y = torch.no_grad(function() return x:exp() end)
    assert.is_nil(y.grad_fn)
    assert.is_false(y.requires_grad)
  end)
end)
