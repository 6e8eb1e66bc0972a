-- Elementwise math (docs/pointwise.md): the unary functions (exp, log, sin, sigmoid, erfinv,
-- floor, isnan, ...), the binary ones (maximum, fmod, remainder, atan2, comparisons, bitwise
-- and logical ops), clamp, where, lerp, addcmul/addcdiv, isclose/allclose/equal and `%`.
--
-- Expected values are literals computed with PyTorch 1.13 (/usr/bin/python3): float32 within
-- 1e-6 relative, float64 within 1e-12; float16/bfloat16 are computed in float and rounded once
-- (PyTorch's float32 result rounded, where PyTorch 1.13 has no 16-bit CPU kernel).  float32
-- digamma and erfinv are compared with PyTorch's float64 values: they are computed in double
-- here, where PyTorch's float32 kernels lose digits (near digamma's root, in erfinv's tails).
local torch = require 'torch'
local T = torch.tensor
local nan, inf = 0 / 0, math.huge

-- ---------------------------------------------------------------------------- helpers

-- All elements as Lua values (numbers, or booleans for bool tensors), row-major.
local function flat(t)
  if t:dim() == 0 then return { t:item() } end
  return t:reshape(-1):tolist()
end

local function same(a, e, rel)
  if type(e) == 'boolean' then return a == e end
  if e ~= e then return a ~= a end
  if e == 0 then return a == 0 and 1 / a == 1 / e end -- the sign of zero counts
  if e == inf or e == -inf then return a == e end
  return math.abs(a - e) <= (rel or 0) * math.abs(e)
end

-- check(t, expected values, {dtype =, shape =, rel =})
local function check(t, expected, o)
  o = o or {}
  assert(torch.is_tensor(t), 'expected a tensor, got ' .. type(t))
  if o.dtype then assert.are.equal(o.dtype, t.dtype) end
  if o.shape then assert.are.same(o.shape, t:size():totable()) end
  local got = flat(t)
  assert.are.equal(#expected, #got, 'number of elements')
  for i = 1, #expected do
    if not same(got[i], expected[i], o.rel) then
      local function show(v) return type(v) == 'number' and string.format('%.17g', v) or tostring(v) end
      error(string.format('element %d: expected %s, got %s%s', i, show(expected[i]), show(got[i]),
        o.what and (' (' .. o.what .. ')') or ''), 2)
    end
  end
end

local function f32(v) return T(v, { dtype = torch.float32 }) end
local function f64(v) return T(v, { dtype = torch.float64 }) end
local function typed(v, dt) return T(v, { dtype = dt }) end

local function err(fn, pattern)
  local ok, msg = pcall(fn)
  assert.is_false(ok, 'expected an error matching ' .. pattern)
  msg = tostring(msg)
  assert(msg:find(pattern, 1, true), 'error "' .. msg .. '" does not contain "' .. pattern .. '"')
end

local INT_DTYPES = { torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8 }

-- ---------------------------------------------------------------------------- data (PyTorch 1.13)

local UNARY = {
  exp = { x = {-3.5, -1, 0, 0.5, 1, 2.25, 10, 88},
    f32 = {0.03019738383591175, 0.3678794503211975, 1, 1.6487212181091309, 2.7182817459106445, 9.487735748291016, 22026.46484375, 1.6516362661361307e+38},
    f64 = {0.0301973834223185, 0.36787944117144233, 1, 1.6487212707001282, 2.718281828459045, 9.487735836358526, 22026.465794806718, 1.6516362549940018e+38} },
  exp2 = { x = {-3.5, -1, 0, 0.5, 1, 2.25, 10, 100},
    f32 = {0.0883883461356163, 0.5, 1, 1.4142135381698608, 2, 4.756828308105469, 1024, 1.2676506002282294e+30},
    f64 = {0.08838834764831845, 0.5, 1, 1.4142135623730951, 2, 4.756828460010884, 1024, 1.2676506002282294e+30} },
  expm1 = { x = {-3.5, -1e-05, 0, 1e-07, 0.5, 1, 2.25, 10},
    f32 = {-0.9698026180267334, -9.999949725170154e-06, 0, 1.000000082740371e-07, 0.6487212777137756, 1.718281865119934, 8.487735748291016, 22025.46484375},
    f64 = {-0.9698026165776815, -9.999950000166666e-06, 0, 1.0000000500000016e-07, 0.6487212707001282, 1.7182818284590453, 8.487735836358526, 22025.465794806718} },
  log = { x = {0.001, 0.25, 0.5, 1, 2, 10, 1234.5, 1e+30},
    f32 = {-6.907755374908447, -1.3862943649291992, -0.6931471824645996, 0, 0.6931471824645996, 2.3025851249694824, 7.1184210777282715, 69.07755279541016},
    f64 = {-6.907755278982137, -1.3862943611198906, -0.6931471805599453, 0, 0.6931471805599453, 2.302585092994046, 7.118421308785234, 69.07755278982137} },
  log2 = { x = {0.001, 0.25, 0.5, 1, 3, 10, 1234.5, 1e+30},
    f32 = {-9.965784072875977, -2, -1, 0, 1.5849624872207642, 3.321928024291992, 10.2697114944458, 99.65784454345703},
    f64 = {-9.965784284662087, -2, -1, 0, 1.584962500721156, 3.321928094887362, 10.269711121142782, 99.65784284662087} },
  log10 = { x = {0.001, 0.25, 0.5, 1, 3, 10, 1234.5, 1e+30},
    f32 = {-3, -0.6020600199699402, -0.3010300099849701, 0, 0.4771212637424469, 1, 3.0914909839630127, 30},
    f64 = {-3, -0.6020599913279624, -0.3010299956639812, 0, 0.47712125471966244, 1, 3.091491094267951, 30} },
  log1p = { x = {-0.5, -1e-06, 0, 1e-07, 0.5, 1, 10, 1e+30},
    f32 = {-0.6931471824645996, -1.0000004522225936e-06, 0, 9.999999406318238e-08, 0.40546509623527527, 0.6931471824645996, 2.397895336151123, 69.07755279541016},
    f64 = {-0.6931471805599453, -1.0000005000003334e-06, 0, 9.999999500000033e-08, 0.4054651081081644, 0.6931471805599453, 2.3978952727983707, 69.07755278982137} },
  sqrt = { x = {0, 0.001, 0.25, 2, 3, 10, 1234.5, 1e+30},
    f32 = {0, 0.03162277862429619, 0.5, 1.4142135381698608, 1.7320507764816284, 3.1622776985168457, 35.13545227050781, 999999986991104},
    f64 = {0, 0.03162277660168379, 0.5, 1.4142135623730951, 1.7320508075688772, 3.1622776601683795, 35.13545218152173, 1000000000000000} },
  rsqrt = { x = {0.001, 0.25, 1, 2, 3, 10, 1234.5, 1e+30},
    f32 = {31.622774124145508, 2, 1, 0.7071067690849304, 0.5773502588272095, 0.3162277638912201, 0.028461281210184097, 1.0000000036274937e-15},
    f64 = {31.622776601683796, 2, 1, 0.7071067811865475, 0.5773502691896258, 0.31622776601683794, 0.028461281637522665, 1e-15} },
  reciprocal = { x = {-3, -0.5, 0.25, 1, 3, 7, 1234.5, 0.001},
    f32 = {-0.3333333432674408, -2, 4, 1, 0.3333333432674408, 0.1428571492433548, 0.0008100445265881717, 999.9999389648438},
    f64 = {-0.3333333333333333, -2, 4, 1, 0.3333333333333333, 0.14285714285714285, 0.0008100445524503848, 1000} },
  sin = { x = {-10, -1.5, -0.5, 0, 0.5, 1, 3, 100},
    f32 = {0.5440211296081543, -0.9974949955940247, -0.4794255495071411, 0, 0.4794255495071411, 0.8414709568023682, 0.14112000167369843, -0.5063656568527222},
    f64 = {0.5440211108893698, -0.9974949866040544, -0.479425538604203, 0, 0.479425538604203, 0.8414709848078965, 0.1411200080598672, -0.5063656411097588} },
  cos = { x = {-10, -1.5, -0.5, 0, 0.5, 1, 3, 100},
    f32 = {-0.83907151222229, 0.07073719799518585, 0.8775825500488281, 1, 0.8775825500488281, 0.5403023362159729, -0.9899924993515015, 0.8623188734054565},
    f64 = {-0.8390715290764524, 0.0707372016677029, 0.8775825618903728, 1, 0.8775825618903728, 0.5403023058681398, -0.9899924966004454, 0.8623188722876839} },
  tan = { x = {-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 3},
    f32 = {-14.101420402526855, -1.5574077367782593, -0.5463024973869324, 0, 0.5463024973869324, 1.5574077367782593, 14.101420402526855, -0.14254654943943024},
    f64 = {-14.101419947171719, -1.5574077246549023, -0.5463024898437905, 0, 0.5463024898437905, 1.5574077246549023, 14.101419947171719, -0.1425465430742778} },
  asin = { x = {-1, -0.75, -0.5, 0, 0.1, 0.5, 0.9, 1},
    f32 = {-1.5707963705062866, -0.8480620980262756, -0.5235987901687622, 0, 0.1001674234867096, 0.5235987901687622, 1.1197694540023804, 1.5707963705062866},
    f64 = {-1.5707963267948966, -0.848062078981481, -0.5235987755982989, 0, 0.1001674211615598, 0.5235987755982989, 1.1197695149986342, 1.5707963267948966} },
  acos = { x = {-1, -0.75, -0.5, 0, 0.1, 0.5, 0.9, 1},
    f32 = {3.1415927410125732, 2.418858289718628, 2.094395160675049, 1.5707963705062866, 1.4706288576126099, 1.0471975803375244, 0.4510268568992615, 0},
    f64 = {3.141592653589793, 2.4188584057763776, 2.0943951023931957, 1.5707963267948966, 1.4706289056333368, 1.0471975511965976, 0.45102681179626236, 0} },
  atan = { x = {-100, -2, -0.5, 0, 0.1, 0.5, 1, 10000000000},
    f32 = {-1.5607966184616089, -1.1071487665176392, -0.46364760398864746, 0, 0.09966865181922913, 0.46364760398864746, 0.7853981256484985, 1.5707963705062866},
    f64 = {-1.5607966601082315, -1.1071487177940904, -0.4636476090008061, 0, 0.09966865249116204, 0.4636476090008061, 0.7853981633974483, 1.5707963266948965} },
  sinh = { x = {-5, -1, -0.5, 0, 0.0001, 0.5, 1, 10},
    f32 = {-74.20320892333984, -1.175201177597046, -0.5210952758789062, 0, 9.999999747378752e-05, 0.5210952758789062, 1.175201177597046, 11013.232421875},
    f64 = {-74.20321057778875, -1.1752011936438014, -0.5210953054937474, 0, 0.00010000000016666667, 0.5210953054937474, 1.1752011936438014, 11013.232874703393} },
  cosh = { x = {-5, -1, -0.5, 0, 0.0001, 0.5, 1, 10},
    f32 = {74.20995330810547, 1.5430805683135986, 1.1276259422302246, 1, 1, 1.1276259422302246, 1.5430805683135986, 11013.232421875},
    f64 = {74.20994852478785, 1.5430806348152437, 1.1276259652063807, 1, 1.000000005, 1.1276259652063807, 1.5430806348152437, 11013.232920103323} },
  tanh = { x = {-20, -2, -0.5, 0, 0.0001, 0.5, 1, 5},
    f32 = {-1, -0.9640275835990906, -0.46211716532707214, 0, 9.999999747378752e-05, 0.46211716532707214, 0.7615941762924194, 0.9999092221260071},
    f64 = {-1, -0.9640275800758169, -0.46211715726000974, 0, 9.999999966666667e-05, 0.46211715726000974, 0.7615941559557649, 0.9999092042625951} },
  asinh = { x = {-1e+25, -100, -0.5, 0, 0.0001, 0.5, 3, 1e+25},
    f32 = {-58.257774353027344, -5.298342227935791, -0.4812118411064148, 0, 9.999999747378752e-05, 0.4812118411064148, 1.8184465169906616, 58.257774353027344},
    f64 = {-58.25777450541109, -5.298342365610589, -0.48121182505960347, 0, 9.999999983333334e-05, 0.48121182505960347, 1.8184464592320668, 58.25777450541109} },
  acosh = { x = {1, 1.0001, 1.5, 2, 3, 10, 100000, 1e+25},
    f32 = {0, 0.014143191277980804, 0.9624236822128296, 1.316957950592041, 1.7627471685409546, 2.993222951889038, 12.206072807312012, 58.257774353027344},
    f64 = {0, 0.014142017775251547, 0.9624236501192069, 1.3169578969248166, 1.762747174039086, 2.993222846126381, 12.206072645505174, 58.25777450541109} },
  atanh = { x = {-0.99, -0.5, -0.0001, 0, 0.1, 0.5, 0.9, 0.999},
    f32 = {-2.646652936935425, -0.5493061542510986, -0.00010000000474974513, 0, 0.10033534467220306, 0.5493061542510986, 1.4722193479537964, 3.8002076148986816},
    f64 = {-2.6466524123622457, -0.5493061443340548, -0.00010000000033333334, 0, 0.10033534773107558, 0.5493061443340548, 1.4722194895832204, 3.8002011672501994} },
  sigmoid = { x = {-100, -10, -1, -0.25, 0, 0.5, 3, 20},
    f32 = {0, 4.539787187241018e-05, 0.2689414322376251, 0.43782350420951843, 0.5, 0.622459352016449, 0.9525741338729858, 1},
    f64 = {3.7200759760208356e-44, 4.5397868702434395e-05, 0.2689414213699951, 0.43782349911420193, 0.5, 0.6224593312018546, 0.9525741268224334, 0.9999999979388463} },
  erf = { x = {-3, -1, -0.5, 0, 0.0001, 0.5, 1, 2.5},
    f32 = {-0.9999778866767883, -0.8427007794380188, -0.5204998850822449, 0, 0.00011283791536698118, 0.5204998850822449, 0.8427007794380188, 0.9995930194854736},
    f64 = {-0.9999779095030014, -0.8427007929497149, -0.5204998778130465, 0, 0.00011283791633342487, 0.5204998778130465, 0.8427007929497149, 0.999593047982555} },
  erfc = { x = {-3, -1, -0.5, 0, 0.5, 1, 3, 9},
    f32 = {1.999977946281433, 1.8427008390426636, 1.5204999446868896, 1, 0.4795001149177551, 0.15729920566082, 2.2090496713644825e-05, 4.137031708073991e-37},
    f64 = {1.9999779095030015, 1.8427007929497148, 1.5204998778130465, 1, 0.4795001221869535, 0.15729920705028513, 2.209049699858544e-05, 4.13703174651381e-37} },
  erfinv = { x = {-0.999, -0.5, -0.0001, 0, 0.1, 0.5, 0.9, 0.99999},
    f32 = {-2.326756238937378, -0.4769362807273865, -8.86226916918531e-05, 0, 0.08885598927736282, 0.4769362807273865, 1.1630871295928955, 3.1232056617736816},
    f64 = {-2.3267537655135153, -0.4769362762044699, -8.862269277728947e-05, 0, 0.08885599049425769, 0.4769362762044699, 1.1630871536766743, 3.123413274341075} },
  lgamma = { x = {0.01, 0.5, 1, 1.5, 2.5, 3, 10, 100},
    f32 = {4.599479675292969, 0.5723649263381958, 0, -0.12078223377466202, 0.28468286991119385, 0.6931471824645996, 12.801827430725098, 359.13421630859375},
    f64 = {4.599479878042022, 0.5723649429247001, 0, -0.12078223763524522, 0.2846828704729192, 0.6931471805599453, 12.801827480081469, 359.1342053695754} },
  digamma = { x = {0.01, 0.5, 1.5, 2.5, 3, 10, 100, -2.5},
    f32 = {-100.5608901977539, -1.9635100364685059, 0.036489974707365036, 0.7031566500663757, 0.9227843284606934, 2.2517526149749756, 4.600162029266357, 1.1031566858291626},
    f64 = {-100.56088545786866, -1.9635100260214229, 0.036489973978576194, 0.7031566406452431, 0.922784335098467, 2.251752589066721, 4.600161852738088, 1.1031566406452433} },
  floor = { x = {-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.7, 10000000000},
    f32 = {-3, -2, -1, 0, 0, 1, 2, 10000000000},
    f64 = {-3, -2, -1, 0, 0, 1, 2, 10000000000} },
  ceil = { x = {-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.7, 10000000000},
    f32 = {-2, -1, -0.0, 1, 1, 2, 3, 10000000000},
    f64 = {-2, -1, -0.0, 1, 1, 2, 3, 10000000000} },
  round = { x = {-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.5, 2.7},
    f32 = {-2, -2, -0.0, 0, 0, 2, 2, 3},
    f64 = {-2, -2, -0.0, 0, 0, 2, 2, 3} },
  trunc = { x = {-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.7, 10000000000},
    f32 = {-2, -1, -0.0, 0, 0, 1, 2, 10000000000},
    f64 = {-2, -1, -0.0, 0, 0, 1, 2, 10000000000} },
  frac = { x = {-2.5, -1.25, -0.5, 0.2, 0.5, 1.5, 2.75, 100.125},
    f32 = {-0.5, -0.25, -0.5, 0.20000000298023224, 0.5, 0.5, 0.75, 0.125},
    f64 = {-0.5, -0.25, -0.5, 0.2, 0.5, 0.5, 0.75, 0.125} },
  abs = { x = {-2.5, -1, -0.5, 0, 0.5, 1, 3, -10000000000},
    f32 = {2.5, 1, 0.5, 0, 0.5, 1, 3, 10000000000},
    f64 = {2.5, 1, 0.5, 0, 0.5, 1, 3, 10000000000} },
  sign = { x = {-2.5, -1, -0.5, 0, 0.5, 1, 3, -10000000000},
    f32 = {-1, -1, -1, 0, 1, 1, 1, -1},
    f64 = {-1, -1, -1, 0, 1, 1, 1, -1} },
  relu = { x = {-2.5, -1, -0.5, 0, 0.5, 1, 3, -10000000000},
    f32 = {0, 0, 0, 0, 0.5, 1, 3, 0},
    f64 = {0, 0, 0, 0, 0.5, 1, 3, 0} },
  square = { x = {-2.5, -1, -0.5, 0, 0.5, 1, 3, 10000000000},
    f32 = {6.25, 1, 0.25, 0, 0.25, 1, 9, 1.0000000200408773e+20},
    f64 = {6.25, 1, 0.25, 0, 0.25, 1, 9, 1e+20} },
  logit = { x = {0.001, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.999},
    f32 = {-6.906754970550537, -2.1972246170043945, -1.0986123085021973, 0, 0.40546518564224243, 1.0986123085021973, 2.1972243785858154, 6.906767845153809},
    f64 = {-6.906754778648554, -2.197224577336219, -1.0986122886681098, 0, 0.4054651081081642, 1.0986122886681098, 2.1972245773362196, 6.906754778648553} },
}
local HALF = {
  exp = { x = {-3.5, -1, 0, 0.5, 1, 2.25, 5, 8}, f16 = {0.0301971435546875, 0.367919921875, 1, 1.6484375, 2.71875, 9.484375, 148.375, 2980}, bf16 = {0.0301513671875, 0.3671875, 1, 1.6484375, 2.71875, 9.5, 148, 2976} },
  log = { x = {0.001, 0.25, 0.5, 1, 2, 10, 1234.5, 1e+30}, f16 = {-6.90625, -1.38671875, -0.693359375, 0, 0.693359375, 2.302734375, 7.1171875, inf}, bf16 = {-6.90625, -1.3828125, -0.69140625, 0, 0.69140625, 2.296875, 7.125, 69} },
  sin = { x = {-10, -1.5, -0.5, 0, 0.5, 1, 3, 100}, f16 = {0.5439453125, -0.99755859375, -0.4794921875, 0, 0.4794921875, 0.84130859375, 0.14111328125, -0.50634765625}, bf16 = {0.54296875, -0.99609375, -0.478515625, 0, 0.478515625, 0.83984375, 0.1416015625, -0.5078125} },
  tanh = { x = {-20, -2, -0.5, 0, 0.0001, 0.5, 1, 5}, f16 = {-1, -0.9638671875, -0.462158203125, 0, 0.00010001659393310547, 0.462158203125, 0.76171875, 1}, bf16 = {-1, -0.96484375, -0.462890625, 0, 0.00010013580322265625, 0.462890625, 0.76171875, 1} },
  sigmoid = { x = {-100, -10, -1, -0.25, 0, 0.5, 3, 20}, f16 = {0, 4.5418739318847656e-05, 0.26904296875, 0.437744140625, 0.5, 0.62255859375, 0.95263671875, 1}, bf16 = {0, 4.5299530029296875e-05, 0.26953125, 0.4375, 0.5, 0.62109375, 0.953125, 1} },
  sqrt = { x = {0, 0.001, 0.25, 2, 3, 10, 1234.5, 1e+30}, f16 = {0, 0.0316162109375, 0.5, 1.4140625, 1.732421875, 3.162109375, 35.125, inf}, bf16 = {0, 0.031494140625, 0.5, 1.4140625, 1.734375, 3.15625, 35, 998356558020608} },
  erf = { x = {-3, -1, -0.5, 0, 0.0001, 0.5, 1, 2.5}, f16 = {-1, -0.8427734375, -0.5205078125, 0, 0.00011283159255981445, 0.5205078125, 0.8427734375, 0.99951171875}, bf16 = {-1, -0.84375, -0.51953125, 0, 0.00011301040649414062, 0.51953125, 0.84375, 1} },
  floor = { x = {-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.7, 10000000000}, f16 = {-3, -2, -1, 0, 0, 1, 2, inf}, bf16 = {-3, -2, -1, 0, 0, 1, 2, 9999220736} },
  abs = { x = {-2.5, -1, -0.5, 0, 0.5, 1, 3, -10000000000}, f16 = {2.5, 1, 0.5, 0, 0.5, 1, 3, inf}, bf16 = {2.5, 1, 0.5, 0, 0.5, 1, 3, 9999220736} },
}
local E = {
  fmod_f32 = {-1.5, -0.0, -0.5, 0, 2, 1.25, 0, 2}, -- float32 [8]
  fmod_f64 = {-1.5, -0.0, -0.5, 0, 2, 1.25, 0, 2}, -- float64 [8]
  remainder_f32 = {0.5, -0.0, 0.25, 0, 2, -0.75, 0, 2}, -- float32 [8]
  remainder_f64 = {0.5, -0.0, 0.25, 0, 2, -0.75, 0, 2}, -- float64 [8]
  floor_divide_f32 = {-4, 1, -1, -0.0, 0, -3, 14, 14}, -- float32 [8]
  floor_divide_f64 = {-4, 1, -1, -0.0, 0, -3, 14, 14}, -- float64 [8]
  atan2_f32 = {-1.3101938962936401, -2.356194496154785, -0.588002622127533, 3.1415927410125732, 0.588002622127533, 1.9347752332687378, 1.4994888305664062, 1.5009102821350098}, -- float32 [8]
  atan2_f64 = {-1.3101939350475555, -2.356194490192345, -0.5880026035475675, 3.141592653589793, 0.5880026035475675, 1.9347752833045406, 1.4994888620096063, 1.500910325160254}, -- float64 [8]
  hypot_f32 = {7.762087345123291, 4.242640495300293, 0.9013878107070923, 2.5, 3.605551242828369, 5.618051052093506, 7.017834186553955, 100.24469757080078}, -- float32 [8]
  hypot_f64 = {7.762087348130012, 4.242640687119285, 0.9013878188659973, 2.5, 3.605551275463989, 5.618051263561058, 7.0178344238090995, 100.24470060806208}, -- float64 [8]
  maximum_f32 = {2, -3, 0.75, 0, 3, 5.25, 7, 100}, -- float32 [8]
  maximum_f64 = {2, -3, 0.75, 0, 3, 5.25, 7, 100}, -- float64 [8]
  minimum_f32 = {-7.5, -3, -0.5, -2.5, 2, -2, 0.5, 7}, -- float32 [8]
  minimum_f64 = {-7.5, -3, -0.5, -2.5, 2, -2, 0.5, 7}, -- float64 [8]
  pow_f32 = {56.25, 0.03703703731298447, 0.5946035385131836, inf, 8, 0.03628117963671684, 2.6457512378692627, 100000000376832}, -- float32 [8]
  pow_f64 = {56.25, 0.037037037037037035, 0.5946035575013605, inf, 8, 0.036281179138321996, 2.6457513110645907, 100000000000000}, -- float64 [8]
  fmod_i64 = {-1, 0, -1, 0, 2, 1, 2, 2}, -- int64 [8]
  remainder_i64 = {1, 0, 3, 0, 2, -1, 2, 2}, -- int64 [8]
  floor_divide_i64 = {-4, 1, -1, 0, 0, -3, 1, 14}, -- int64 [8]
  maximum_i64 = {2, -3, 4, 0, 3, 5, 7, 100}, -- int64 [8]
  minimum_i64 = {-7, -3, -1, -2, 2, -2, 5, 7}, -- int64 [8]
  bitwise_and_i64 = {0, -3, 4, 0, 2, 4, 5, 4}, -- int64 [8]
  bitwise_or_i64 = {-5, -3, -1, -2, 3, -1, 7, 103}, -- int64 [8]
  bitwise_xor_i64 = {-5, 0, -5, -2, 1, -5, 2, 99}, -- int64 [8]
  lshift_i32 = {-7, -6, -4, 0, 0, 5, -2147483648, 1600}, -- int32 [8]
  rshift_i32 = {-7, -2, -1, 0, 0, 2, 3, 6}, -- int32 [8]
  lshift_u8 = {2, 128, 254, 0}, -- uint8 [4]
  rshift_i8 = {-64, -1, 0, 31}, -- int8 [4]
  bnot_i16 = {-1, 0, -6, -32768}, -- int16 [4]
  bnot_u8 = {255, 254, 1, 0}, -- uint8 [4]
  sp_exp = {nan, inf, 0, 1, 1, 2.7182817459106445, 0.3678794503211975, 1.6487212181091309}, -- float32 [8]
  sp_log = {nan, inf, nan, -inf, -inf, 0, nan, -0.6931471824645996}, -- float32 [8]
  sp_sqrt = {nan, inf, nan, 0, -0.0, 1, nan, 0.7071067690849304}, -- float32 [8]
  sp_rsqrt = {nan, 0, nan, inf, -inf, 1, nan, 1.4142135381698608}, -- float32 [8]
  sp_sigmoid = {nan, 1, 0, 0.5, 0.5, 0.7310585975646973, 0.2689414322376251, 0.622459352016449}, -- float32 [8]
  sp_tanh = {nan, 1, -1, 0, -0.0, 0.7615941762924194, -0.7615941762924194, 0.46211716532707214}, -- float32 [8]
  sp_sign = {0, 1, -1, 0, 0, 1, -1, 1}, -- float32 [8]
  sp_abs = {nan, inf, inf, 0, 0, 1, 1, 0.5}, -- float32 [8]
  sp_relu = {nan, inf, 0, 0, -0.0, 1, 0, 0.5}, -- float32 [8]
  sp_floor = {nan, inf, -inf, 0, -0.0, 1, -1, 0}, -- float32 [8]
  sp_round = {nan, inf, -inf, 0, -0.0, 1, -1, 0}, -- float32 [8]
  sp_frac = {nan, nan, nan, 0, 0, 0, 0, 0.5}, -- float32 [8]
  sp_erfinv = {nan, nan, nan, 0, -0.0, inf, -inf, 0.4769362807273865}, -- float32 [8]
  sp_lgamma = {nan, inf, inf, inf, inf, 0, inf, 0.5723649263381958}, -- float32 [8]
  sp_digamma = {nan, inf, nan, -inf, inf, -0.5772159099578857, nan, -1.9635108709335327}, -- float32 [8]
  sp_reciprocal = {nan, 0, -0.0, inf, -inf, 1, -1, 2}, -- float32 [8]
  sp_atanh = {nan, nan, nan, 0, -0.0, inf, -inf, 0.5493061542510986}, -- float32 [8]
  sp_log1p = {nan, inf, nan, 0, -0.0, 0.6931471824645996, -inf, 0.40546509623527527}, -- float32 [8]
  sp_expm1 = {nan, inf, -1, 0, -0.0, 1.718281865119934, -0.6321205496788025, 0.6487212777137756}, -- float32 [8]
  sp_isnan = {true, false, false, false, false, false, false, false}, -- bool [8]
  sp_isinf = {false, true, true, false, false, false, false, false}, -- bool [8]
  sp_isfinite = {false, false, false, true, true, true, true, true}, -- bool [8]
  sp_nan_to_num = {0, 3.4028234663852886e+38, -3.4028234663852886e+38, 0, -0.0, 1, -1, 0.5}, -- float32 [8]
  sp_nan_to_num_opts = {9, 1000000, -7, 0, -0.0, 1, -1, 0.5}, -- float32 [8]
  sp_nan_to_num_f16 = {0, 65504, -65504, 0, -0.0, 1, -1, 0.5}, -- float16 [8]
  sp_nan_to_num_f64 = {0, 1.7976931348623157e+308, -1.7976931348623157e+308, 0, -0.0, 1, -1, 0.5}, -- float64 [8]
  sp_max = {nan, inf, 0.25, 0.25, 0.25, 1, 0.25, 0.5}, -- float32 [8]
  sp_min = {nan, 0.25, -inf, 0, -0.0, 0.25, -1, 0.25}, -- float32 [8]
  sp_fmod = {nan, nan, nan, 0, -0.0, 0.25, -0.25, 0.5}, -- float32 [8]
  sp_rem = {nan, nan, nan, 0, -0.0, 0.25, 0.5, 0.5}, -- float32 [8]
  sp_rem_neg = {nan, nan, nan, 0, -0.0, -0.5, -0.25, -0.25}, -- float32 [8]
  sp_fdiv = {nan, nan, nan, 0, -0.0, 1, -2, 0}, -- float32 [8]
  sp_rem_by0 = {nan, nan, nan}, -- float32 [3]
  sp_fdiv_by0 = {inf, -inf, nan}, -- float32 [3]
  sp_atan2 = {nan, 1.5707963705062866, -1.5707963705062866, 3.1415927410125732, -3.1415927410125732, 2.356194496154785, -2.356194496154785, 2.677945137023926}, -- float32 [8]
  round_dec1 = {1.2000000476837158, 2.5, -0.5, 0.20000000298023224, 2.700000047683716, -1.399999976158142}, -- float32 [6]
  round_dec2_f64 = {1, 2.68, -1.12, 0.12}, -- float64 [4]
  round_decm1 = {1230, -20, 20, 40, -0.0}, -- float32 [5]
  round_decm2 = {1200, -200, 0}, -- float32 [3]
  logit_eps = {-2.1972246170043945, -2.1972246170043945, -1.0986123085021973, 0, 2.1972243785858154, 2.1972243785858154}, -- float32 [6]
  logit_noeps = {-inf, -1.0986123085021973, 0, inf, nan}, -- float32 [5]
  lerp_num = {1.600000023841858, 0.19999992847442627, -0.5999999046325684, 10}, -- float32 [4]
  lerp_tensor = {1, -1, 5, 10}, -- float32 [4]
  lerp_f64 = {2.4, -2.1999999999999997, 2.5999999999999996, 10.7}, -- float64 [4]
  addcmul = {2, 0.5, 2.75}, -- float32 [3]
  addcdiv = {0.75, 2.6666667461395264, 19}, -- float32 [3]
  addcmul_i32 = {61, -7, -39}, -- int32 [3]
  addcmul_promo = {3.5, -1, -11}, -- float64 [3]
  clamp_f = {-1, -0.5, 0, 0.5, 0.75, nan}, -- float32 [6]
  clamp_t = {-1, -0.5, 1, 0, 0, 0.25}, -- float32 [2, 3]
  clamp_min_t = {0, nan, nan}, -- float32 [3]
  clamp_int = {1, 1, 5, 6}, -- int64 [4]
  clamp_int_float = {0.5, 0.5, 5, 10}, -- float32 [4]
  clamp_u8 = {50, 100, 200, 210}, -- uint8 [4]
  clamp_inverted = {2, 2}, -- float32 [2]
  where_num = {1.5, 0, 3.5}, -- float32 [3]
  where_int = {1, 0, 1}, -- int64 [3]
  where_bcast = {1, 2, 3, 20, 20, 20}, -- int64 [2, 3]
  where_promo = {1, 0.25}, -- float64 [2]
  isclose_def = {true, false, false, true, false, true}, -- bool [6]
  isclose_eqnan = {true, true, false}, -- bool [3]
  isclose_tol = {true, false, true}, -- bool [3]
  isclose_int = {false, true, true}, -- bool [3]
  cmp_eq = {true, false, false, true}, -- bool [4]
  cmp_lt_num = {true, true, false}, -- bool [3]
  cmp_ge_num = {false, true, true}, -- bool [3]
  cmp_gt_mixed = {false, true, false}, -- bool [3]
  logical_and = {false, true, true, false}, -- bool [4]
  logical_or = {false, true, true, true}, -- bool [4]
  logical_xor = {false, true, true, false}, -- bool [4]
  logical_not = {true, false, false, false}, -- bool [4]
  square_bool = {1, 0}, -- int64 [2]
  abs_i8 = {-128, 5, 0, 127}, -- int8 [4]
  sign_i32 = {-1, 0, 1}, -- int32 [3]
  exp_i64 = {1, 2.7182817459106445, 7.389056205749512}, -- float32 [3]
  sqrt_u8 = {0, 2, 15.968719482421875}, -- float32 [3]
  exp_bool = {2.7182817459106445, 1}, -- float32 [2]
  sigmoid_i32 = {0.2689414322376251, 0.5, 0.7310585975646973}, -- float32 [3]
  atan2_int = {2.356194496154785, -2.356194496154785}, -- float32 [2]
  mod_op = {2, 1, 1, 2}, -- int64 [4]
  mod_op_f = {-0.5, -1.5}, -- float32 [2]
  mod_num_lhs = {2, -1, 1}, -- int64 [3]
  fdiv_num_lhs = {3, -4}, -- int64 [2]
  fmod_i8 = {0, 7, -1}, -- int8 [3]
  rem_i8 = {0, 7, 2}, -- int8 [3]
  fdiv_i8 = {-128, 12, -3}, -- int8 [3]
  rem_u8 = {2, 5, 7}, -- uint8 [3]
  transposed_exp = {1, 20.08553695678711, 2.7182817459106445, 0.3678794503211975, 7.389056205749512, 0.1353352814912796}, -- float32 [3, 2]
  bcast_max = {1, 2, 7, 5, 5, 7}, -- float32 [2, 3]
  hypot_f = {5, 13, 0, 1.4142135130433894e+30}, -- float32 [4]
}

-- ---------------------------------------------------------------------------- unary

describe('unary floating functions', function()
  it('match PyTorch for float32 and float64', function()
    for op, c in pairs(UNARY) do
      check(torch[op](f32(c.x)), c.f32, { dtype = torch.float32, rel = 1e-6, what = op .. ' float32' })
      check(torch[op](f64(c.x)), c.f64, { dtype = torch.float64, rel = 1e-12, what = op .. ' float64' })
      -- as a method too
      check(f64(c.x)[op](f64(c.x)), c.f64, { rel = 1e-12, what = 'x:' .. op })
    end
  end)

  it('compute float16 and bfloat16 in float, rounded once', function()
    for op, c in pairs(HALF) do
      check(torch[op](typed(c.x, torch.float16)), c.f16, { dtype = torch.float16, rel = 2 ^ -10, what = op })
      check(torch[op](typed(c.x, torch.bfloat16)), c.bf16, { dtype = torch.bfloat16, rel = 2 ^ -7, what = op })
    end
  end)

  it('handle NaN, infinities and signed zeros like PyTorch', function()
    local sp = f32({ nan, inf, -inf, 0, -0.0, 1, -1, 0.5 })
    for _, op in ipairs { 'exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'sign', 'abs', 'relu', 'floor',
      'round', 'frac', 'erfinv', 'lgamma', 'digamma', 'reciprocal', 'atanh', 'log1p', 'expm1', 'isnan',
      'isinf', 'isfinite' } do
      check(torch[op](sp), E['sp_' .. op], { rel = 1e-6, what = op })
    end
    check(torch.isnan(sp), E.sp_isnan, { dtype = torch.bool })
    check(torch.atan2(sp, -1), E.sp_atan2, { rel = 1e-6 })
  end)

  it('give the default float dtype for integer and bool inputs', function()
    check(torch.exp(T({ 0, 1, 2 })), E.exp_i64, { dtype = torch.float32, rel = 1e-6 })
    check(torch.sqrt(typed({ 0, 4, 255 }, torch.uint8)), E.sqrt_u8, { dtype = torch.float32, rel = 1e-6 })
    check(torch.exp(T({ true, false })), E.exp_bool, { dtype = torch.float32, rel = 1e-6 })
    check(torch.sigmoid(typed({ -1, 0, 1 }, torch.int32)), E.sigmoid_i32, { dtype = torch.float32, rel = 1e-6 })
    check(torch.atan2(T({ 1, -1 }), T({ -1, -1 })), E.atan2_int, { dtype = torch.float32, rel = 1e-6 })
    for _, dt in ipairs(INT_DTYPES) do
      assert.are.equal(torch.float32, torch.log(typed({ 1, 2 }, dt)).dtype)
    end
    torch.set_default_dtype(torch.float64)
    local ok, r = pcall(torch.exp, T({ 0, 1, 2 }))
    torch.set_default_dtype(torch.float32)
    assert(ok, r)
    check(r, { 1, 2.718281828459045, 7.38905609893065 }, { dtype = torch.float64, rel = 1e-12 })
  end)

  it('round with decimals', function()
    check(torch.round(f32({ 1.25, 2.5, -0.5, 0.15, 2.675, -1.35 }), { decimals = 1 }), E.round_dec1, { rel = 1e-6 })
    check(f64({ 1.005, 2.675, -1.115, 0.125 }):round(2), E.round_dec2_f64, { rel = 1e-12 })
    check(torch.round(f32({ 1234.5, -15, 25, 35, -0.4 }), { decimals = -1 }), E.round_decm1)
    check(torch.round(f32({ 1250, -150, 49.9 }), { decimals = -2 }), E.round_decm2)
    check(torch.round(f32({ 0.5, 1.5, 2.5, -2.5 })), { 0, 2, 2, -2 }) -- half to even
    err(function() torch.round(T({ 1, 2 }), { decimals = 1 }) end,
      '[round] decimals are only supported for floating point tensors, got int64')
    err(function() torch.round(f32({ 1 }), { decimals = 0.5 }) end, '[round] decimals must be an integer, got 0.5')
  end)

  it('logit with and without eps', function()
    check(torch.logit(f32({ 0, 0.05, 0.25, 0.5, 0.97, 1 }), { eps = 0.1 }), E.logit_eps, { rel = 1e-6 })
    check(f32({ 0, 0.05, 0.25, 0.5, 0.97, 1 }):logit(0.1), E.logit_eps, { rel = 1e-6 })
    check(torch.logit(f32({ 0, 0.25, 0.5, 1, 1.5 })), E.logit_noeps, { rel = 1e-6 })
    local x = f32({ 0, 0.25 })
    assert.are.equal(x, x:logit_({ eps = 0.1 }))
    check(x, { -2.1972246170043945, -1.0986123085021973 }, { rel = 1e-6 })
  end)

  it('nan_to_num with its defaults per dtype and with values', function()
    local sp = { nan, inf, -inf, 0, -0.0, 1, -1, 0.5 }
    check(torch.nan_to_num(f32(sp)), E.sp_nan_to_num)
    check(torch.nan_to_num(f64(sp)), E.sp_nan_to_num_f64)
    check(torch.nan_to_num(typed(sp, torch.float16)), E.sp_nan_to_num_f16)
    check(torch.nan_to_num(typed(sp, torch.bfloat16)), { 0, 3.3895313892515355e38, -3.3895313892515355e38, 0, -0.0, 1, -1, 0.5 })
    check(torch.nan_to_num(f32(sp), { nan = 9, posinf = 1e6, neginf = -7 }), E.sp_nan_to_num_opts)
    check(torch.nan_to_num(f32(sp), 9, 1e6, -7), E.sp_nan_to_num_opts)
    check(torch.nan_to_num(f32({ inf }), { posinf = 1e300 }), { inf }) -- rounds to float32
    check(torch.nan_to_num(T({ -3, 0, 5 }), { nan = 1.5 }), { -3, 0, 5 }, { dtype = torch.int64 })
    local x = f32({ nan, 2 })
    x:nan_to_num_({ nan = -1 })
    check(x, { -1, 2 })
  end)
end)

describe('integer-valued unary ops', function()
  it('keep integer dtypes: abs, neg, sign, square, floor, ceil, round, trunc', function()
    for _, dt in ipairs(INT_DTYPES) do
      local x = typed(dt == torch.uint8 and { 0, 3, 200 } or { -7, 0, 5 }, dt)
      for _, op in ipairs { 'abs', 'neg', 'sign', 'square', 'floor', 'ceil', 'round', 'trunc' } do
        assert.are.equal(dt, torch[op](x).dtype, op .. ' ' .. tostring(dt))
      end
      check(torch.floor(x), flat(x))
      check(torch.round(x), flat(x))
    end
    check(torch.abs(typed({ -128, -5, 0, 127 }, torch.int8)), E.abs_i8, { dtype = torch.int8 })
    check(torch.sign(typed({ -7, 0, 3 }, torch.int32)), E.sign_i32, { dtype = torch.int32 })
    check(torch.square(typed({ -128, 5 }, torch.int8)), { 0, 25 }, { dtype = torch.int8 }) -- wraps
    check(torch.square(T({ true, false })), E.square_bool, { dtype = torch.int64 })
    check(torch.sign(T({ true, false })), { true, false }, { dtype = torch.bool })
    check(torch.relu(T({ -3, 0, 5 })), { 0, 0, 5 }, { dtype = torch.int64 })
  end)

  it('reject dtypes PyTorch rejects', function()
    err(function() torch.abs(T({ true })) end, '[abs] not implemented for dtype bool')
    err(function() torch.relu(T({ true })) end, '[relu] not implemented for dtype bool')
    err(function() torch.floor(T({ true })) end, '[floor] not implemented for dtype bool')
    err(function() torch.frac(T({ 1 })) end, '[frac] not implemented for dtype int64')
    err(function() T({ true }):square_() end, '[square_] result type int64 can\'t be cast to the desired output type bool')
    err(function() T({ 1, 2 }):exp_() end, '[exp] result type float32 can\'t be cast to the desired output type int64')
  end)

  it('bool results: isnan, isinf, isfinite, logical_not', function()
    check(torch.isnan(T({ -3, 0 })), { false, false }, { dtype = torch.bool })
    check(torch.isinf(T({ true })), { false })
    check(torch.isfinite(typed({ 1, 2 }, torch.uint8)), { true, true })
    check(torch.isfinite(typed({ inf, -inf, nan, 1 }, torch.bfloat16)), { false, false, false, true })
    check(torch.isinf(typed({ inf, -inf, nan, 1 }, torch.float16)), { true, true, false, false })
    check(torch.logical_not(f32({ 0, 1, nan, -2 })), E.logical_not, { dtype = torch.bool })
    check(torch.logical_not(T({ 0, 3 })), { true, false })
    local x = f32({ 0, 2 })
    assert.are.equal(x, x:logical_not_())
    check(x, { 1, 0 }, { dtype = torch.float32 })
  end)

  it('bitwise_not of integers and bools', function()
    check(torch.bitwise_not(typed({ 0, -1, 5, 32767 }, torch.int16)), E.bnot_i16, { dtype = torch.int16 })
    check(torch.bitwise_not(typed({ 0, 1, 254, 255 }, torch.uint8)), E.bnot_u8, { dtype = torch.uint8 })
    check(torch.bitwise_not(T({ true, false })), { false, true }, { dtype = torch.bool })
    err(function() torch.bitwise_not(f32({ 1 })) end, '[bitwise_not] not implemented for dtype float32')
  end)
end)

-- ---------------------------------------------------------------------------- binary

describe('binary functions', function()
  local a = { -7.5, -3, -0.5, 0, 2, 5.25, 7, 100 }
  local b = { 2, -3, 0.75, -2.5, 3, -2, 0.5, 7 }

  it('match PyTorch for float32 and float64', function()
    for _, op in ipairs { 'fmod', 'remainder', 'floor_divide', 'atan2', 'hypot', 'maximum', 'minimum', 'pow' } do
      local x = a
      if op == 'pow' then x = flat(f64(a):abs()) end
      check(torch[op](f32(x), f32(b)), E[op .. '_f32'], { dtype = torch.float32, rel = 1e-6, what = op })
      check(torch[op](f64(x), f64(b)), E[op .. '_f64'], { dtype = torch.float64, rel = 1e-12, what = op })
    end
    check(torch.hypot(f32({ 3, 5, 0, 1e30 }), f32({ 4, 12, 0, 1e30 })), E.hypot_f, { rel = 1e-6 })
  end)

  it('integer division: fmod, remainder and floor_divide round like PyTorch', function()
    local ia, ib = T({ -7, -3, -1, 0, 2, 5, 7, 100 }), T({ 2, -3, 4, -2, 3, -2, 5, 7 })
    for _, op in ipairs { 'fmod', 'remainder', 'floor_divide', 'maximum', 'minimum', 'bitwise_and', 'bitwise_or', 'bitwise_xor' } do
      check(torch[op](ia, ib), E[op .. '_i64'], { dtype = torch.int64, what = op })
    end
    local x, y = typed({ -128, 127, -7 }, torch.int8), typed({ -1, 10, 3 }, torch.int8)
    check(torch.fmod(x, y), E.fmod_i8, { dtype = torch.int8 })
    check(torch.remainder(x, y), E.rem_i8, { dtype = torch.int8 })
    check(torch.floor_divide(x, y), E.fdiv_i8, { dtype = torch.int8 }) -- -128 // -1 wraps
    check(torch.remainder(typed({ 5, 250, 7 }, torch.uint8), typed({ 3, 7, 255 }, torch.uint8)), E.rem_u8, { dtype = torch.uint8 })
  end)

  it('integer division by zero is an error; float division by zero follows IEEE', function()
    local i = T({ -3, 0, 5 })
    err(function() torch.fmod(i, T({ 0, 1, 1 })) end, '[fmod] ZeroDivisionError: integer division by zero')
    err(function() torch.remainder(i, 0) end, '[remainder] ZeroDivisionError: integer division by zero')
    err(function() return i % 0 end, '[remainder] ZeroDivisionError: integer division by zero')
    err(function() torch.floor_divide(i, T({ false })) end, '[floor_divide] ZeroDivisionError')
    err(function() i:floor_divide_(0) end, '[floor_divide] ZeroDivisionError')
    check(i, { -3, 0, 5 }) -- unchanged
    check(torch.remainder(f32({ 1.5, -1.5, 0 }), 0), E.sp_rem_by0)
    check(torch.floor_divide(f32({ 1.5, -1.5, 0 }), 0), E.sp_fdiv_by0)
    check(torch.fmod(f32({ 1.5 }), 0), { nan })
  end)

  it('fmod, remainder and floor_divide on special values', function()
    local sp = f32({ nan, inf, -inf, 0, -0.0, 1, -1, 0.5 })
    check(torch.fmod(sp, 0.75), E.sp_fmod)
    check(torch.remainder(sp, 0.75), E.sp_rem)
    check(torch.remainder(sp, -0.75), E.sp_rem_neg)
    check(torch.floor_divide(sp, 0.75), E.sp_fdiv)
    check(torch.maximum(sp, T(0.25)), E.sp_max)
    check(torch.minimum(sp, T(0.25)), E.sp_min)
  end)

  it('% is Python\'s remainder, with a number on either side', function()
    check(T({ 5, -5, 7, -7 }) % 3, E.mod_op, { dtype = torch.int64 })
    check(f32({ 5.5, -5.5 }) % -2, E.mod_op_f, { dtype = torch.float32 })
    check(torch.remainder(5, T({ 3, -3, 4 })), E.mod_num_lhs)
    check(5 % T({ 3, -3, 4 }), E.mod_num_lhs)
    check(torch.floor_divide(7, T({ 2, -2 })), E.fdiv_num_lhs)
    check(T({ 7, -7 }):fmod(-2), { 1, -1 })
  end)

  it('maximum and minimum propagate NaN, broadcast and promote', function()
    check(torch.maximum(f32({ { 1 }, { 5 } }), f32({ 0, 2, 7 })), E.bcast_max, { shape = { 2, 3 } })
    check(torch.maximum(T({ 1, 2 }), f64({ 1.5 })), { 1.5, 2 }, { dtype = torch.float64 })
    check(torch.minimum(T({ true }), T({ 2 })), { 1 }, { dtype = torch.int64 })
    check(torch.maximum(T({ true, false }), T({ false, false })), { true, false }, { dtype = torch.bool })
    check(f32({ 1, nan }):minimum(f32({ nan, 0 })), { nan, nan })
  end)

  it('bitwise ops and shifts on integers and bools', function()
    local x = typed({ -7, -3, -1, 0, 2, 5, 7, 100 }, torch.int32)
    check(torch.bitwise_left_shift(x, typed({ 0, 1, 2, 3, 31, 32, -1, 4 }, torch.int32)),
      { -7, -6, -4, 0, 0, 0, 0, 1600 }, { dtype = torch.int32 }) -- counts outside [0, 32) give 0
    check(torch.bitwise_right_shift(x, typed({ 0, 1, 2, 3, 31, 1, 1, 4 }, torch.int32)), E.rshift_i32, { dtype = torch.int32 })
    check(torch.bitwise_left_shift(typed({ 1, 3, 255, 128 }, torch.uint8), typed({ 1, 7, 1, 1 }, torch.uint8)), E.lshift_u8)
    check(torch.bitwise_right_shift(typed({ -128, -1, 64, 127 }, torch.int8), typed({ 1, 3, 7, 2 }, torch.int8)), E.rshift_i8)
    check(torch.bitwise_right_shift(T({ -3, 5 }), T({ 64, 70 })), { -1, 0 })
    check(torch.bitwise_and(T({ 12 }), 3), { 0 })
    check(torch.bitwise_xor(T({ true }), T({ true, false })), { false, true }, { dtype = torch.bool })
    check(torch.bitwise_or(T({ true, false }), T({ false, false })), { true, false })
    err(function() torch.bitwise_and(f32({ 1 }), f32({ 1 })) end, '[bitwise_and] not implemented for dtype float32')
    err(function() torch.bitwise_left_shift(f32({ 1 }), 1) end, '[bitwise_left_shift] not implemented for dtype float32')
    err(function() torch.bitwise_left_shift(T({ true }), T({ true })) end, '[bitwise_left_shift] not implemented for dtype bool')
  end)

  it('comparisons give bool tensors, with numbers on either side and as methods', function()
    check(torch.eq(f32({ 1, nan, 2, -0.0 }), f32({ 1, nan, 3, 0 })), E.cmp_eq, { dtype = torch.bool })
    check(T({ 1, 2, 3 }):lt(2.5), E.cmp_lt_num)
    check(torch.ge(T({ 1, 2, 3 }), 2), E.cmp_ge_num)
    check(torch.gt(typed({ 1, 2, 3 }, torch.int8), f32({ 1.5, 1.5, 3.5 })), E.cmp_gt_mixed)
    check(torch.le(2, T({ 1, 2, 3 })), { false, true, true })
    check(torch.ne(f32({ nan }), f32({ nan })), { true })
    check(T({ 1, 2 }):ne(T({ { 1 }, { 2 } })), { false, true, true, false }, { shape = { 2, 2 } })
    check(torch.greater(T({ 1, 2 }), 1), { false, true })
    check(torch.less_equal(T({ 1, 2 }), 1), { true, false })
    check(torch.not_equal(T({ 1, 2 }), 1), { false, true })
    check(torch.greater_equal(T({ 1, 2 }), 2), { false, true })
    check(torch.less(T({ 1, 2 }), 2), { true, false })
    -- in place: the result is written in the tensor's own dtype
    local x = T({ 0, 1, 2 })
    assert.are.equal(x, x:eq_(f32({ 1.5, 1, 0 })))
    check(x, { 0, 1, 0 }, { dtype = torch.int64 })
    -- Lua's own == compares identity, never elementwise
    local y = T({ 1 })
    assert.is_true(y == y)
    assert.is_false(T({ 1 }) == T({ 1 }))
  end)

  it('logical ops on any dtypes', function()
    check(torch.logical_and(f32({ 0, 1, nan, -2 }), T({ 1, 1, 1, 0 })), E.logical_and, { dtype = torch.bool })
    check(torch.logical_or(f32({ 0, 1, 0, -2 }), T({ 0, 0, 1, 0 })), E.logical_or)
    check(torch.logical_xor(f32({ 0, 1, 0, -2 }), T({ 0, 0, 1, 1 })), E.logical_xor)
    local x = f32({ 1, 0 })
    x:logical_and_(T(1))
    check(x, { 1, 0 }, { dtype = torch.float32 })
  end)
end)

-- ---------------------------------------------------------------------------- three operands

describe('clamp', function()
  it('clamps to numbers, tensors, or one side', function()
    check(torch.clamp(f32({ -2, -0.5, 0, 0.5, 2, nan }), -1, 0.75), E.clamp_f)
    check(f32({ -2, -0.5, 0, 0.5, 2, nan }):clamp({ min = -1, max = 0.75 }), E.clamp_f)
    check(torch.clamp(f32({ { -2, -0.5, 3 } }), f32({ { -1 }, { 0 } }), f32({ { 1 }, { 0.25 } })), E.clamp_t, { shape = { 2, 3 } })
    check(torch.clamp(T({ -5, 0, 5, 10 }), 1, 6), E.clamp_int, { dtype = torch.int64 })
    check(torch.clamp(T({ -5, 0, 5, 10 }), 0.5), E.clamp_int_float, { dtype = torch.float32 }) -- the bound promotes
    check(torch.clamp(typed({ 0, 100, 200, 255 }, torch.uint8), 50, 210), E.clamp_u8, { dtype = torch.uint8 })
    check(torch.clamp(f32({ 1, 5 }), { min = 4, max = 2 }), E.clamp_inverted) -- min > max gives max
    check(torch.clamp(f32({ 1, 5 }), nil, 2), { 1, 2 })
    check(torch.clamp(f32({ 1, 5 }), { max = 2 }), { 1, 2 })
    check(torch.clamp(T({ true, false }), 0, 1), { 1, 0 }, { dtype = torch.int64 })
    check(torch.clip(f32({ -2, 2 }), -1, 1), { -1, 1 })
  end)

  it('propagates NaN from the input and from the bounds', function()
    check(torch.clamp_min(f32({ -2, nan, 3 }), f32({ 0, 0, nan })), E.clamp_min_t)
    check(torch.clamp_max(f32({ -2, 3 }), 0), { -2, 0 })
    check(torch.clamp(f32({ 1, 2 }), f32({ nan, 0 }), 1.5), { nan, 1.5 })
    check(torch.clamp(f32({ 1, 2 }), { max = nan }), { nan, nan })
  end)

  it('in place, with out=, and its errors', function()
    local x = f32({ -2, 0.5, 3 })
    assert.are.equal(x, x:clamp_(0, 1))
    check(x, { 0, 0.5, 1 })
    local y = f32({ -2, 5 })
    y:clip_({ min = 0 })
    check(y, { 0, 5 })
    local z = f32({ -2, 5 })
    z:clamp_min_(0):clamp_max_(4)
    check(z, { 0, 4 })
    local out = torch.empty(0)
    assert.are.equal(out, torch.clamp(f32({ -2, 2 }), -1, 1, { out = out }))
    check(out, { -1, 1 }, { shape = { 2 } })
    err(function() torch.clamp(f32({ 1 })) end, "[clamp] at least one of 'min' or 'max' must be given")
    local i = T({ 1, 2 })
    err(function() i:clamp_(0.5) end, "result type float32 can't be cast to the desired output type int64")
    check(i, { 1, 2 }, { dtype = torch.int64 })
    err(function() torch.clamp(f32({ 1 }), { lo = 1 }) end, "unknown option 'lo' for clamp")
    err(function() torch.clamp(f32({ 1 }), 0, { min = 1 }) end, "'min' given twice")
  end)
end)

describe('where', function()
  it('chooses elementwise, broadcasting and promoting x and y', function()
    check(torch.where(T({ true, false, true }), f32({ 1.5, 2.5, 3.5 }), 0), E.where_num, { dtype = torch.float32 })
    check(torch.where(T({ true, false, true }), 1, 0), E.where_int, { dtype = torch.int64 })
    check(torch.where(T({ true, false }), 1.5, 0), { 1.5, 0 }, { dtype = torch.float32 })
    check(torch.where(T({ { true }, { false } }), T({ 1, 2, 3 }), T({ { 10 }, { 20 } })), E.where_bcast, { shape = { 2, 3 } })
    check(torch.where(T({ true, false }), typed({ 1, 2 }, torch.int8), f64({ 0.5, 0.25 })), E.where_promo, { dtype = torch.float64 })
    check(torch.where(T({ true, false }), true, false), { true, false }, { dtype = torch.bool })
    check(torch.where(typed({ 2, 0 }, torch.uint8), 1.5, 0), { 1.5, 0 }) -- PyTorch's deprecated uint8 condition
  end)

  it('takes strided conditions and values of every dtype', function()
    local c = T({ { true, false }, { false, true } }):t() -- not contiguous
    for _, dt in ipairs { torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.int16,
      torch.int32, torch.int64, torch.uint8 } do
      local x, y = typed({ { 1, 2 }, { 3, 4 } }, dt), typed({ { 5, 6 }, { 7, 8 } }, dt)
      check(torch.where(c, x, y), { 1, 6, 7, 4 }, { dtype = dt, what = tostring(dt) })
      check(torch.where(c, x:t(), y), { 1, 6, 7, 4 }, { dtype = dt, what = tostring(dt) .. ' transposed x' })
    end
    check(torch.where(c, T({ true }), T({ false })), { true, false, false, true }, { dtype = torch.bool })
  end)

  it('as a method the tensor is x: x:where(cond, y)', function()
    check(f32({ 1, 2, 3 }):where(T({ true, false, true }), -1), { 1, -1, 3 })
  end)

  it('writes into out= and rejects a non-bool condition', function()
    local out = f64({ 0, 0 })
    torch.where(T({ false, true }), f32({ 1, 2 }), f32({ 3, 4 }), { out = out })
    check(out, { 3, 2 }, { dtype = torch.float64 })
    local same = f32({ 9, 9 })
    assert.are.equal(same, torch.where(T({ false, true }), f32({ 1, 2 }), f32({ 3, 4 }), { out = same }))
    check(same, { 3, 2 })
    local grown = torch.empty(0, { dtype = torch.int16 })
    torch.where(T({ { true }, { false } }), typed({ 1, 2 }, torch.int16), typed({ 7 }, torch.int16), { out = grown })
    check(grown, { 1, 2, 7, 7 }, { shape = { 2, 2 }, dtype = torch.int16 })
    err(function() torch.where(T({ 1, 0 }), 1.5, 0) end,
      '[where] expected condition to be a boolean tensor, but got a tensor with dtype int64')
    err(function() torch.where(T({ true }), f32({ 1, 2 }), f32({ 1, 2, 3 })) end,
      '[where] shapes (2,) and (3,) cannot be broadcast together')
  end)
end)

describe('lerp, addcmul, addcdiv', function()
  it('lerp with a number or a tensor weight', function()
    check(torch.lerp(f32({ 1, 2, -3, 10 }), f32({ 3, -4, 5, 10 }), 0.3), E.lerp_num, { rel = 1e-6 })
    check(torch.lerp(f32({ 1, 2, -3, 10 }), f32({ 3, -4, 5, 10 }), f32({ 0, 0.5, 1, 2 })), E.lerp_tensor)
    check(f64({ 1, 2, -3, 10 }):lerp(f64({ 3, -4, 5, 11 }), 0.7), E.lerp_f64, { rel = 1e-12 })
    local x = f32({ 0, 10 })
    assert.are.equal(x, x:lerp_(f32({ 10, 0 }), 0.5))
    check(x, { 5, 5 })
    err(function() torch.lerp(f32({ 1 }), f64({ 2 }), 0.5) end, '[lerp] expected dtype float32 for `end` but got dtype float64')
    err(function() torch.lerp(f32({ 1 }), f32({ 2 }), f64({ 0.5 })) end, '[lerp] expected dtype float32 for `weight` but got dtype float64')
    err(function() torch.lerp(T({ 1 }), T({ 2 }), 0.5) end, '[lerp] not implemented for dtype int64')
  end)

  it('addcmul and addcdiv with value', function()
    check(torch.addcmul(f32({ 1, 2, 3 }), f32({ 0.5, -1, 2 }), f32({ 4, 3, -0.25 }), { value = 0.5 }), E.addcmul, { rel = 1e-6 })
    check(torch.addcdiv(f32({ 1, 2, 3 }), f32({ 0.5, -1, 2 }), f32({ 4, 3, -0.25 }), { value = -2 }), E.addcdiv, { rel = 1e-6 })
    check(torch.addcmul(typed({ 1, 2, 3 }, torch.int32), typed({ 5, -1, 2 }, torch.int32), typed({ 4, 3, -7 }, torch.int32), { value = 3 }),
      E.addcmul_i32, { dtype = torch.int32 })
    check(torch.addcmul(T({ 1, 2, 3 }), T({ 5, -1, 2 }), f64({ 0.5, 3, -7 })), E.addcmul_promo, { dtype = torch.float64 })
    check(f32({ 1 }):addcmul(2, f32({ 3 }), f32({ 4 })), { 25 }) -- Torch7's (value, t1, t2) order
    local x = f32({ 1, 1 })
    assert.are.equal(x, x:addcdiv_(f32({ 1, 2 }), f32({ 4, 4 }), { value = 2 }))
    check(x, { 1.5, 2 })
    err(function() torch.addcdiv(f32({ 1 }), T({ 1 }), T({ 2 })) end, '[addcdiv] integer division with addcdiv is not supported')
  end)
end)

describe('isclose, allclose, equal', function()
  it('isclose follows PyTorch\'s rule', function()
    check(torch.isclose(f32({ 1, 1, nan, inf, -inf, 1e-9 }), f32({ 1 + 1e-6, 1.001, nan, inf, inf, 0 })), E.isclose_def, { dtype = torch.bool })
    check(torch.isclose(f32({ 1, nan, nan }), f32({ 1, nan, 1 }), { equal_nan = true }), E.isclose_eqnan)
    check(torch.isclose(f32({ 1, 2, 3 }), f32({ 1.05, 2.3, 3 }), { rtol = 0.1, atol = 0.01 }), E.isclose_tol)
    check(torch.isclose(f32({ 1, 2, 3 }), f32({ 1.05, 2.3, 3 }), 0.1, 0.01), E.isclose_tol)
    check(torch.isclose(T({ 1, 5, 100 }), T({ 2, 5, 105 }), { rtol = 0.05, atol = 0 }), E.isclose_int)
    check(torch.isclose(T({ true }), T({ false }), { atol = 1 }), { true })
    err(function() torch.isclose(T({ 1 }), f64({ 1 })) end, '[isclose] expected both tensors to have the same dtype, but got int64 and float64')
    err(function() torch.isclose(T({ 1 }), T({ 1 }), { rtol = -1 }) end, '[isclose] rtol must be greater than or equal to zero, but got -1')
    err(function() torch.isclose(T({ 1 }), T({ 1 }), { atol = -1 }) end, '[isclose] atol must be greater than or equal to zero, but got -1')
  end)

  it('allclose broadcasts and returns a boolean', function()
    assert.is_true(torch.allclose(f32({ 1 }), f32({ 1, 1 + 1e-7 })))
    assert.is_false(torch.allclose(f32({ 1, 2 }), f32({ 1, 2.1 })))
    assert.is_true(f32({ 1, 2 }):allclose(f32({ 1, 2.1 }), { atol = 0.2 }))
    assert.is_true(torch.allclose(f32({ nan }), f32({ nan }), { equal_nan = true }))
    assert.is_true(torch.allclose(torch.empty(0), torch.empty(0)))
  end)

  it('equal compares shapes and values across dtypes', function()
    assert.is_true(torch.equal(T({ -3, 0, 5 }), f64({ -3, 0, 5 })))
    assert.is_false(torch.equal(T({ 1, 2 }), T({ { 1, 2 } })))
    assert.is_false(torch.equal(f32({ nan }), f32({ nan })))
    assert.is_true(torch.equal(f32({ 1 }), typed({ 1 }, torch.float16)))
    assert.is_true(torch.equal(torch.empty(0), torch.empty(0)))
    assert.is_true(T({ { 1, 2 } }):t():equal(T({ { 1 }, { 2 } })))
  end)
end)

-- ---------------------------------------------------------------------------- layouts

describe('layouts', function()
  it('non-contiguous inputs: transposed, narrowed, strided, expanded', function()
    check(torch.exp(f32({ { 0, 1, 2 }, { 3, -1, -2 } }):t()), E.transposed_exp, { shape = { 3, 2 }, rel = 1e-6 })
    local big = torch.arange(1, 601, { dtype = torch.float32 }):reshape(20, 30):mul(0.01)
    local cols = big:narrow(2, 3, 17):mul(0.1) -- (20, 17) in (0, 0.6], row stride 30
    for _, op in ipairs { 'exp', 'sin', 'sqrt', 'sigmoid', 'floor', 'isnan', 'relu', 'logit' } do
      assert.is_true(torch.equal(torch[op](cols), torch[op](cols:contiguous())), op)
    end
    local t = big:t()
    assert.is_true(torch.equal(torch.atan2(t, t), torch.atan2(t:contiguous(), t:contiguous())))
    assert.is_true(torch.equal(torch.remainder(t, 0.7), torch.remainder(t:contiguous(), 0.7)))
    assert.is_true(torch.equal(torch.fmod(cols, cols:add(1)), torch.fmod(cols:contiguous(), cols:add(1):contiguous())))
    local e = f64({ 0.25 }):expand(5)
    check(torch.tanh(e), { 0.24491866240370913, 0.24491866240370913, 0.24491866240370913, 0.24491866240370913, 0.24491866240370913 }, { rel = 1e-12 })
    -- 16-bit dtypes through the gathered path, strided
    local h = big:to(torch.float16):t()
    assert.is_true(torch.equal(torch.exp(h), torch.exp(h:contiguous())))
  end)

  it('in place on a non-contiguous view writes through to the base', function()
    local base = f32({ { 1, 2 }, { 3, 4 } })
    base:t():sqrt_()
    check(base, { 1, math.sqrt(2), math.sqrt(3), 2 }, { rel = 1e-6 })
    local col = base:select(2, 1)
    col:neg_():abs_()
    check(base, { 1, math.sqrt(2), math.sqrt(3), 2 }, { rel = 1e-6 })
  end)

  it('0-dim and empty tensors', function()
    local s = torch.exp(f32(0.5))
    assert.are.equal(0, s:dim())
    check(s, { 1.6487212181091309 }, { rel = 1e-6 })
    check(torch.maximum(T(3), T({ 1, 5 })), { 3, 5 }, { shape = { 2 } })
    check(torch.where(T(true), f32({ 1, 2 }), 0), { 1, 2 })
    local e = torch.empty(0, 3)
    assert.are.same({ 0, 3 }, torch.sin(e):size():totable())
    assert.are.same({ 0, 3 }, torch.eq(e, 1):size():totable())
    assert.are.same({ 0, 3 }, torch.clamp(e, 0, 1):size():totable())
    assert.are.same({ 0, 3 }, torch.where(e:gt(0), e, 1):size():totable())
    assert.are.same({ 0 }, torch.isclose(torch.empty(0), torch.empty(0)):size():totable())
  end)

  it('large tensors run in parallel and agree with the small-tensor path', function()
    local n = 200003
    local x = torch.arange(n, { dtype = torch.float32 }):mul(1e-4):sub(10)
    local y = torch.exp(x)
    local probe = { 1, 12345, 100000, n }
    for _, i in ipairs(probe) do
      local xi = x[i]
      check(torch.exp(f32({ xi })), { y[i] }, { what = 'element ' .. i })
    end
  end)
end)

-- ---------------------------------------------------------------------------- out= and errors

describe('out= and in-place forms', function()
  it('out= for generated and hand-bound ops, resized as PyTorch does', function()
    local out = torch.empty(0)
    assert.are.equal(out, torch.exp(f32({ 0, 1 }), { out = out }))
    check(out, { 1, 2.7182817459106445 }, { shape = { 2 }, rel = 1e-6 })
    local b = torch.empty(1, { dtype = torch.bool })
    torch.lt(T({ 1, 2, 3 }), 2, { out = b })
    check(b, { true, false, false }, { shape = { 3 } })
    local d = f64({ 0 })
    torch.round(f32({ 1.26 }), { decimals = 1, out = d })
    check(d, { 1.2999999523162842 }, { dtype = torch.float64 })
    local r = torch.empty(0, { dtype = torch.int64 })
    torch.remainder(T({ 7 }), 3, { out = r })
    check(r, { 1 })
    local ic = torch.empty(0, { dtype = torch.bool })
    torch.isclose(f32({ 1 }), f32({ 1 }), { out = ic })
    check(ic, { true })
    err(function() torch.exp(f32({ 1 }), { out = T({ 0 }) }) end, "[exp] result type float32 can't be cast to the desired output type int64")
  end)

  it('in-place forms return their tensor and check its shape', function()
    local x = f32({ 1, 4 })
    assert.are.equal(x, x:sqrt_())
    assert.are.equal(x, x:square_())
    check(x, { 1, 4 })
    err(function() f32({ 1, 2 }):maximum(f32({ 1, 2, 3 })) end, '[maximum] shapes (2,) and (3,) cannot be broadcast together')
    local y = f32({ 1, 2 })
    err(function() y:atan2_(f32({ { 1, 2 }, { 3, 4 } })) end, "[atan2] output with shape (2,) doesn't match the broadcast shape (2, 2)")
    check(y, { 1, 2 })
    for _, name in ipairs { 'abs_', 'sign_', 'exp_', 'cos_', 'tanh_', 'sigmoid_', 'erfinv_', 'floor_', 'trunc_', 'frac_',
      'reciprocal_', 'rsqrt_', 'log1p_', 'expm1_', 'relu_' } do
      local z = f32({ 0.25 })
      assert.are.equal(z, z[name](z), name)
    end
  end)

  it('options are checked', function()
    err(function() torch.exp(f32({ 1 }), { foo = 1 }) end, "unknown option 'foo' for exp")
    err(function() torch.logit(f32({ 1 }), { epsilon = 1 }) end, "unknown option 'epsilon' for logit")
    err(function() torch.round(f32({ 1 }), { decimals = 'a' }) end, "option 'decimals' must be a number")
    err(function() torch.isclose(f32({ 1 }), f32({ 1 }), { equal_nan = 1 }) end, "option 'equal_nan' must be a boolean")
    err(function() f32({ 1 }):fmod_(2, { out = f32({ 1 }) }) end, "unknown option 'out' for fmod")
    err(function() torch.lerp(f32({ 1 }), f32({ 1 }), 'a') end, 'number or Tensor expected, got string')
    err(function() torch.exp('a') end, 'Tensor expected, got string')
  end)
end)

describe('names', function()
  it('every function and method of this area exists', function()
    local names = {
      'abs', 'absolute', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt',
      'square', 'reciprocal', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'arcsin', 'arccos', 'arctan',
      'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'arcsinh', 'arccosh', 'arctanh', 'sigmoid',
      'logit', 'relu', 'erf', 'erfc', 'erfinv', 'lgamma', 'digamma', 'floor', 'ceil', 'round', 'trunc',
      'fix', 'frac', 'nan_to_num', 'bitwise_not', 'logical_not', 'fmod', 'remainder', 'floor_divide',
      'atan2', 'arctan2', 'hypot', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift',
      'bitwise_right_shift', 'logical_and', 'logical_or', 'logical_xor', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
      'greater', 'greater_equal', 'less', 'less_equal', 'not_equal', 'clamp', 'clip', 'clamp_min',
      'clamp_max', 'lerp', 'addcmul', 'addcdiv',
    }
    for _, n in ipairs(names) do
      assert.is_function(torch[n], 'torch.' .. n)
      assert.is_function(torch.Tensor[n], 'x:' .. n)
      assert.is_function(torch.Tensor[n .. '_'], 'x:' .. n .. '_')
    end
    for _, n in ipairs { 'isnan', 'isinf', 'isfinite', 'maximum', 'minimum', 'where', 'isclose', 'allclose', 'equal' } do
      assert.is_function(torch[n], 'torch.' .. n)
      assert.is_function(torch.Tensor[n], 'x:' .. n)
    end
  end)
end)
