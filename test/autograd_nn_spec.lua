-- Autograd of the neural-network ops (lib/TH/autograd/THDerivNN.c; recording in lib/TH/THNN.c):
-- gradients of convolution (1-d, 2-d, transposed, groups, dilation, unbatched), max/avg/
-- adaptive pooling, softmax/log_softmax, batch norm (training and evaluation), layer norm,
-- group norm, embedding (padding_idx, scale_grad_by_freq), nll_loss and the binary cross
-- entropies against PyTorch 1.13 (the same seeded inputs: the generator is PyTorch's; the
-- literals below were computed with /usr/bin/python3), gradcheck and gradgradcheck in float64,
-- node names of the ops and of their backward ops, float32 gradients, and the arguments that
-- may not require grad.
local torch = require 'torch'
local ag = torch.autograd
local nn = torch._nn
local f64 = torch.float64

-- ---------------------------------------------------------------------------- helpers

local function flat(t)
  if t:dim() == 0 then return { t:item() } end
  return t:reshape(-1):tolist()
end

local function near(got, exp, what)
  if math.abs(got - exp) > 1e-9 * math.max(1, math.abs(exp)) then
    error(string.format('%s: got %.17g, expected %.17g', what, got, exp), 3)
  end
end

-- t against a reference: the values (small tensors) or {n, sum, sumsq, ksum}
local function matches(t, ref, what)
  local v = flat(t)
  if ref.n then
    assert.are.equal(ref.n, #v, what .. ': number of elements')
    local s, s2, ks = 0, 0, 0
    for k, x in ipairs(v) do
      s, s2, ks = s + x, s2 + x * x, ks + k * x
    end
    near(s, ref.sum, what .. ' sum')
    near(s2, ref.sumsq, what .. ' sum of squares')
    near(ks, ref.ksum, what .. ' index-weighted sum')
  else
    assert.are.equal(#ref, #v, what .. ': number of elements')
    for k = 1, #ref do near(v[k], ref[k], string.format('%s element %d', what, k)) end
  end
end

local function node_name(t)
  assert(t.grad_fn, 'expected a grad_fn')
  return tostring(t.grad_fn):match('^<(%w+) object at')
end

local function rn(...) return torch.randn({ ... }, { dtype = f64 }) end
local function ru(...) return torch.rand({ ... }, { dtype = f64 }) end
local function leaf(...) return rn(...):requires_grad_() end
local function gc(fn, inputs) assert.is_true(ag.gradcheck(fn, inputs)) end
local function ggc(fn, inputs) assert.is_true(ag.gradgradcheck(fn, inputs)) end
local function both(fn, inputs)
  gc(fn, inputs)
  ggc(fn, inputs)
end

local REF = {
  conv2d = {y = {6.0351174424575058, -0.51616404622709444, -2.6227359436087072, 2.3041906985088576, 3.6941165549882138, -5.2511140082333574, -0.51505322260284836, 5.0951524834826918, 3.7839254609850519, 2.7322935137600632, -3.9757441135838176, 2.2056444560929283, -3.8853793542668185, 3.8234919368902336, -0.13832886784781545, -8.5815068089117066, 4.2374201781419911, 1.1693032859913448, 1.9650055283895382, -3.3138743818549719, -4.2542267394240465, -2.8081019731533066, -0.0024987154690342961, -2.7820287589218164}, {n = 64, sum = 9.5277324731177302, sumsq = 332.94073909436952, ksum = 361.70720844650418}, {n = 54, sum = 12.747890048023482, sumsq = 373.11889482452148, ksum = 374.77312866494879}, {0.60353548274252578, -4.9086914586197423, 0.90533383634523479}},
  conv2d_groups = {y = {n = 100, sum = -27.389217170339229, sumsq = 666.79982290411749, ksum = -2051.3854139613636}, {n = 100, sum = -11.016916963526256, sumsq = 733.27359927709313, ksum = -1080.0670370936175}, {n = 32, sum = 20.210930847009312, sumsq = 423.2113530259636, ksum = 39.370344317861509}},
  conv1d = {y = {n = 30, sum = -11.498586376013762, sumsq = 68.536302430017329, ksum = -201.49786873730048}, {n = 28, sum = 3.9295148827650301, sumsq = 87.338767969007634, ksum = 128.15283596382108}, {-3.308587503482046, -1.3219215145712409, 0.79641004922335223, 1.4207059060257086, 2.5551408547068255, -1.1336510428709874, -0.00046970075722096993, -0.61616439659116562, 1.5294906985137049, -3.5867998168535342, -0.24143590279645233, 3.0410183311781003, 2.5158478053294235, 1.3673045723310158, -0.50667458269098553, -0.43143889518777606, -5.0433132714270084, 4.5697319170418815}, {0.83453591266740956, 0.66185774246708517, -2.0604419981363717}},
  conv_transpose2d = {y = {n = 72, sum = 20.915720751620452, sumsq = 251.42522589796468, ksum = 150.82529676266574}, {n = 36, sum = 16.395414177504293, sumsq = 327.89923944200592, ksum = 457.36032302628996}, {n = 36, sum = -4.3073932643581951, sumsq = 238.51311673977895, ksum = -78.028517635810772}, {12.133627261616963, -0.83505356311842371}},
  conv_unbatched = {y = {n = 48, sum = -8.6291315875118819, sumsq = 527.92798559631206, ksum = -100.65676840750348}, {n = 50, sum = 27.442789070285471, sumsq = 368.00218055969719, ksum = 243.9670372059627}, {-4.2225237755179021, 4.4174842729935486, 4.0052307154838642, 0.19476597373138402, 3.2530449102571737, -2.3416730313034138, 5.0137426951775232, -2.4825861887005836, 1.5653382463532723, 3.1757385972245693, -3.5702131689874013, -9.5901901526460449, 5.4520505257264977, 2.0146886102030876, -2.7540921118722306, -7.9194300353834688, -6.0037122150481039, -1.9374818828703761, -0.06624132122941534, 2.1318088101563819, -8.2301651823924313, -0.012178598525272455, -2.2984836499297838, 6.7433003304491503}},
  max_pool2d = {y = {n = 36, sum = 36.515036507607853, sumsq = 56.358147583399465, ksum = 598.66294865870179}, {n = 100, sum = 5.5312434860149731, sumsq = 31.279740128426415, ksum = 221.36469567301168}},
  max_pool2d_dil = {y = {-0.56020340128109269, -0.56020340128109269, 0.26666961474356021, 0.4509425295645223, 1.8575877565184875, 2.2701410419332224, 0.75745432254041656, 2.2701410419332224, 2.00474794803239, 2.00474794803239, 2.4623746672748403, 2.4623746672748403, 0.93819447107489196, 0.93819447107489196, 0.026301093492109271, 0.026301093492109271}, {n = 100, sum = 4.0860419461230997, sumsq = 6.021718064437465, ksum = 283.34243555287458}},
  max_pool1d = {y = {1.7512121496163593, 0.15282159664779776, 1.1552709570402522, 0.94993037108291545, 0.42401801368777153, 0.42401801368777153, 0.27162657050166678, -0.28224240513041793, 1.2497282815534811, 1.2497282815534811, -0.059346795705349252, 0.60895241611116535, 0.73669451947691345, 0.24712811617460453, -0.24657615244164716, 0.65968590362810797, 0.61935174405862825, 0.15486666554195591, 0.2932793670569569, 1.9278818524038885, 1.9084357845096991, 0.50528848642909874, -0.26238890613381383, 0.36161973567853301}, {n = 48, sum = -4.2655652827295834, sumsq = 32.408312812837082, ksum = -264.2159998352883}},
  avg_pool2d = {y = {n = 36, sum = 2.9574804910029342, sumsq = 6.6300528239693985, ksum = 66.371097456538763}, {n = 100, sum = -1.9520441922642189, sumsq = 11.04847710131838, ksum = 78.023934728761333}},
  avg_pool2d_div = {y = {0.68619360392662543, -0.23132187018318481, 0.038131699555609556, -0.16142934719737875, 0.3690109011599409, -0.72271959111025053, -0.61721562805234809, 0.57721588067866603, 0.2152555306905771, 0.63592243671441828, -1.2319474062119224, -0.35230413566291324, 0.067107139020652906, 0.32450127734652906, 1.0712285002298538, 0.59750960063663305}, {n = 100, sum = -2.3690052117238753, sumsq = 11.610752205775894, ksum = 230.93925742084016}},
  avg_pool1d = {y = {-0.14522372221251179, -0.27765692934868103, -0.67278077111243417, -0.48038217803042987, 0.56889997858145536, -0.031443839230251847, 0.31842775468581996, 0.0053322387714836994}, {-0.59966166180457392, -0.46031382697075895, 0.13934783483381494, 0.14294784225202109, 0.003600007418206166, -0.26341672964915014, -0.26701673706735629, -0.33322813207746632, -0.71926873902391886, -0.38604060694645254, -0.6823791980222419, -0.29633859107578936, -0.11104950170183164, 0.18528908937395772}},
  adaptive2d = {y = {-0.75485537466502628, -0.15676387305558501, 0.17701945828812496, -0.17683749088560285, 0.23668158956222596, 0.52870187442734695, -0.65979715856636267, -0.043688188648635135, -0.62441779612567816, 0.13119940962758664, 0.032260097343867082, -0.12226226075502382, 0.57212878774283982, -0.41244956223943263, -0.057941062904890844, 0.33114760930617465, 0.30027750797675862, 0.23550006557456063, -0.42619947334691116, 0.032323189526752803, 0.56216608808244872, -0.17482885578319493, -0.30788514688616359, 0.071501105820717364}, {n = 140, sum = -1.1318276297999228, sumsq = 3.4676886396169269, ksum = 115.83797839700978}},
  adaptive1d = {y = {-0.67874866321841676, -1.2748098816610358, -0.90765985284214368, 0.22863701235668465, -1.1847101666115416, 0.40500134505289326, 0.7730850703826434, 0.41998615748190343, -0.33486556331088591, -0.083349571840366579, 0.41220319019911617, -0.12748646395271834, -0.77880395685392856, -0.04161362856166325, -0.05817754929258967, -0.2006348685384905, -0.096474646062019012, -0.046680273105005672, -0.98487795758205277, 0.34435143070408014, 1.1782106514920287, 0.069053897928053457, 0.22796269390084167, 0.97166179822189669}, {n = 42, sum = 6.0928400786536816, sumsq = 6.7480029861621285, ksum = 124.88040418802288}},
  softmax = {y = {n = 60, sum = 15, sumsq = 6.1549888886111743, ksum = 445.2934825871734}, {n = 60, sum = 5.5511151231257827e-17, sumsq = 1.8651817165937874, ksum = 13.357685696915023}},
  log_softmax = {y = {n = 60, sum = -126.92317710722625, sumsq = 355.06958551560592, ksum = -3980.5802979219534}, {n = 60, sum = -8.8817841970012523e-16, sumsq = 64.666256885111963, ksum = 4.4230907248067552}},
  batch_norm = {y = {n = 48, sum = -12.374091188566124, sumsq = 141.62064837173145, ksum = -350.50755116889502}, {n = 48, sum = 9.9920072216264089e-16, sumsq = 16.024313093737316, ksum = -36.498514281938718}, {-3.0891234334951743, -3.7774058365543421, 0.52913839411133723}, {-2.8641437283750859, 1.1998298123851636, -6.835455360001232}},
  batch_norm_eval = {y = {n = 60, sum = 0.70434991285971904, sumsq = 409.25399687268992, ksum = 601.28066078929726}, {n = 60, sum = -10.279935680805718, sumsq = 179.91058537550347, ksum = 430.70390275702925}, {3.8531762330229204, -1.2809454129264966, 1.0244783580942745}, {-1.6146526122426597, 4.1147757134568836, -1.6203318558579065}},
  layer_norm = {y = {1.4554089921466555, 0.63199676710831276, -4.0881836213743679, 0.052440264543740366, 2.2133495997997583, 0.68510671315258065, -0.0064495967560115027, -1.0553605825678765, 1.3265768429301219, -0.13598119847791951, 0.4151836612333768, 1.5983558649515319, 1.5366539001272388, 0.56320092930860044, -3.3438002374553686, -0.33147440931150235, 1.1025146809848709, 0.83878683819583522, 0.24405843094443716, -0.70028881550814381, 2.2361065402164249, -0.2127426593018531, -0.40190534745179779, 0.75143921105066225}, {0.20693029112032196, 0.15617735675664884, 1.0861857317581152, 1.2276950095322154, -2.5878523371114293, 0.48793074380844376, -0.003589239139007494, 0.036879250646378092, 0.48517861428893749, 0.81710828140959024, -0.37019299357050933, -1.5424507094997049, -0.26306114461882552, 0.19246533026428986, -0.6038151439227557, 0.018494705059451805, -0.11399756864486671, 0.14843190150836305, 0.4291449817687189, 0.13652115037820889, 0.11369119405993505, -1.4589550104953093, 0.88806698189267019, 0.51301262275011927}, {-0.47960075245471356, -0.14348773157922631, -0.82153783796669311, 0.96056713220124168, -1.562039077925558, -0.57079129404779005, -3.315556168965101, 1.4621901317111012, -0.35110503311374269, 0.16918039827303419, -6.2782054308840012, -0.43094928113029013}, {-0.6276951614958155, 0.19766129378664488, -0.10259481344604005, 1.3534120565059482, -1.4507927244416907, -0.62007252451652661, 1.651969263031138, -1.1981409339938942, 0.17423111732641658, 0.5033891674032811, -0.10934195629615129, 1.2897792737352429}},
  group_norm = {y = {n = 36, sum = 8.0049912727166603, sumsq = 127.19692798355784, ksum = 67.113720908382035}, {n = 36, sum = 0, sumsq = 21.318941781168977, ksum = 6.1033381677677738}, {1.9663188596548489, 0.76111944658611541, -0.77759585164517209, 4.8844435903479102, 0.23691977532666147, -0.38011480142881299}, {1.6842226846278288, -1.4449294669148429, -1.6325916104430902, -1.9063148347546268, -0.21334083864270492, -1.3719088814456684}},
  embedding = {y = {-2.1114153430867524, 0.39685444094391803, 0.47345622655785158, 1.1817949836787747, -0.59694635083510705, -1.6136778002068115, 1.1817949836787747, -0.59694635083510705, -1.6136778002068115, 0.14582481851350487, -0.46029022270689379, -0.19243183019712876}, {-0.60070990529625368, 0.70470057009260256, 0.065527441363617323, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.4727399524944642, 0.26033232879859697, -0.60576430922009072}},
  embedding_scale = {y = {-2.1114153430867524, 0.39685444094391803, 0.47345622655785158, 1.1817949836787747, -0.59694635083510705, -1.6136778002068115, 1.1817949836787747, -0.59694635083510705, -1.6136778002068115, 0.14582481851350487, -0.46029022270689379, -0.19243183019712876}, {-0.60070990529625368, 0.70470057009260256, 0.065527441363617323, 0, 0, 0, -0.26545346618313514, -0.029282330599027587, 0.44569092433644841, 0, 0, 0, 0, 0, 0, -1.4727399524944642, 0.26033232879859697, -0.60576430922009072}},
  nll_loss = {y = {-0.38524821207221654}, {0, -0.45859567577888688, 0, 0, 0, 0, 0, 0, 0, -0.082808648442226157, 0, 0, 0, 0, 0, 0, -0.45859567577888688, 0, 0, 0}},
  nll_loss_none = {y = {-0.22472821819391442, 0.37655197203032881, -0.61381714078669414, -0.68332651048845072}, {0, -0.2202040908996907, 0, 0, 0, 0, 0, 0, 0, -0.6476989720504146, 0.63443700167446815, 0, 0, 0, 0, 0, -0.50928101637711076, 0, 0, 0}},
  nll_loss2d = {y = {3.9187780181023868}, {-1, 0, 0, 0, 0, -1, 0, -1, 0, 0, -1, 0, 0, 0, -1, 0, -1, -1, 0, 0, 0, 0, 0, -1}},
  bce = {y = {3.1256969266991903}, {-2.8682105089243883, 1.8270599232188089, 0.53122518958159937, 1.0516414036275905, -0.66306647646049555, -0.11781567064792295}, {0.84606261819140804, -0.63272367775619742, -0.24296935192674063, -1.3427123954779647, 1.2741862367843886, 0.015331838275858977}},
  bce_logits = {y = {0.33196913344001239}, {0.013831401250642472, 0.018207424957961873, -0.0092100321516942266, 0.065806739202236605, 0.014169344709884327, 0.01351816781207889}, {-0.065980219925924247, -0.082074112083219575, 0.10925353297067507, -0.15536242649894838, -0.041236667510886033, 0.045866566906217869}},
}

-- The reference computation, as the Python script did it: seed, build the inputs, run fn,
-- weight a non-scalar output by randn of its shape, differentiate the sum.
local function case(name, seed, build, fn)
  local ref = assert(REF[name], name)
  torch.manual_seed(seed)
  local ins = build()
  for _, t in ipairs(ins) do t:requires_grad_() end
  local y = fn(unpack(ins))
  local L = y
  if y:dim() > 0 then L = (y * torch.randn(y:size():totable(), { dtype = f64 })):sum() end
  local gs = ag.grad({ L }, ins)
  matches(y, ref.y, name .. ' output')
  for i = 1, #ins do matches(gs[i], ref[i], string.format('%s gradient %d', name, i)) end
end

describe('nn autograd: values against PyTorch 1.13', function()
  it('convolution', function()
    case('conv2d', 10, function() return { rn(2, 2, 4, 4), rn(3, 2, 3, 3), rn(3) } end,
      function(x, w, b) return nn.conv2d(x, w, b, { stride = 2, padding = 1 }) end)
    case('conv2d_groups', 11, function() return { rn(1, 4, 5, 5), rn(4, 2, 2, 2) } end,
      function(x, w) return nn.conv2d(x, w, nil, 1, 1, 2, 2) end)
    case('conv1d', 12, function() return { rn(2, 2, 7), rn(3, 2, 3), rn(3) } end,
      function(x, w, b) return nn.conv1d(x, w, b, { stride = 2, padding = 2 }) end)
    case('conv_transpose2d', 13, function() return { rn(1, 4, 3, 3), rn(4, 1, 3, 3), rn(2) } end,
      function(x, w, b)
        return nn.conv_transpose2d(x, w, b, { stride = 2, padding = 1, output_padding = 1, groups = 2 })
      end)
    case('conv_unbatched', 14, function() return { rn(2, 5, 5), rn(3, 2, 2, 2) } end,
      function(x, w) return nn.conv2d(x, w) end)
  end)

  it('pooling', function()
    case('max_pool2d', 20, function() return { rn(2, 2, 5, 5) } end,
      function(x) return (nn.max_pool2d(x, 3, { stride = 2, padding = 1 })) end)
    case('max_pool2d_dil', 20, function() return { rn(2, 2, 5, 5) } end,
      function(x) return (nn.max_pool2d(x, 2, { stride = 2, dilation = 2, ceil_mode = true })) end)
    case('max_pool1d', 21, function() return { rn(2, 3, 8) } end,
      function(x) return (nn.max_pool1d(x, 3, 2, 1)) end)
    case('avg_pool2d', 22, function() return { rn(2, 2, 5, 5) } end,
      function(x)
        return nn.avg_pool2d(x, 3, { stride = 2, padding = 1, ceil_mode = true, count_include_pad = false })
      end)
    case('avg_pool2d_div', 22, function() return { rn(2, 2, 5, 5) } end,
      function(x) return nn.avg_pool2d(x, 2, { divisor_override = 3 }) end)
    case('avg_pool1d', 23, function() return { rn(1, 2, 7) } end,
      function(x) return nn.avg_pool1d(x, 3, { stride = 2, padding = 1 }) end)
    case('adaptive2d', 24, function() return { rn(2, 2, 5, 7) } end,
      function(x) return nn.adaptive_avg_pool2d(x, { 2, 3 }) end)
    case('adaptive1d', 24, function() return { rn(2, 3, 7) } end,
      function(x) return nn.adaptive_avg_pool1d(x, 4) end)
  end)

  it('softmax and log_softmax', function()
    case('softmax', 30, function() return { rn(3, 4, 5) } end, function(x) return nn.softmax(x, 2) end)
    case('log_softmax', 30, function() return { rn(3, 4, 5) } end,
      function(x) return nn.log_softmax(x, -1) end)
  end)

  it('normalisation', function()
    case('batch_norm', 40, function() return { rn(4, 3, 2, 2), rn(3), rn(3) } end,
      function(x, w, b)
        return (nn.batch_norm(x, torch.zeros(3, { dtype = f64 }), torch.ones(3, { dtype = f64 }), w, b,
          true, 0.1, 1e-5))
      end)
    torch.manual_seed(41)
    local rm, rv = rn(3), ru(3) + 0.5
    case('batch_norm_eval', 41, function() return { rn(4, 3, 5), rn(3), rn(3) } end,
      function(x, w, b) return (nn.batch_norm(x, rm, rv, w, b, false)) end)
    case('layer_norm', 42, function() return { rn(2, 3, 4), rn(3, 4), rn(3, 4) } end,
      function(x, w, b) return (nn.layer_norm(x, { 3, 4 }, w, b)) end)
    case('group_norm', 43, function() return { rn(2, 6, 3), rn(6), rn(6) } end,
      function(x, w, b) return (nn.group_norm(x, 3, w, b)) end)
  end)

  it('embedding', function()
    local idx = torch.tensor({ { 1, 3 }, { 3, 6 } })
    case('embedding', 50, function() return { rn(6, 3) } end,
      function(w) return torch._core.nnf_embedding(idx, w, 3) end)
    case('embedding_scale', 50, function() return { rn(6, 3) } end,
      function(w) return torch._core.nnf_embedding(idx, w, nil, true) end)
  end)

  it('losses', function()
    torch.manual_seed(60)
    local nw = ru(5)
    local t = torch.tensor({ 2, 5, 1, 2 })
    case('nll_loss', 61, function() return { rn(4, 5) } end,
      function(x) return (nn.nll_loss(x, t, nw, { ignore_index = 1 })) end)
    case('nll_loss_none', 61, function() return { rn(4, 5) } end,
      function(x) return (nn.nll_loss(x, t, nil, { reduction = 'none' })) end)
    local t2 = torch.tensor({ { { 1, 2 }, { 3, 2 } }, { { 2, 2 }, { 1, 3 } } })
    case('nll_loss2d', 62, function() return { rn(2, 3, 2, 2) } end,
      function(x) return (nn.nll_loss(x, t2, nil, { reduction = 'sum' })) end)
    torch.manual_seed(70)
    local bw = ru(6)
    case('bce', 71, function() return { ru(6) * 0.8 + 0.1, ru(6) } end,
      function(p, tt) return nn.binary_cross_entropy(p, tt, bw, { reduction = 'sum' }) end)
    torch.manual_seed(72)
    local lw, pw = ru(3), ru(3)
    case('bce_logits', 73, function() return { rn(2, 3), ru(2, 3) } end,
      function(x, tt) return nn.binary_cross_entropy_with_logits(x, tt, lw, { pos_weight = pw }) end)
  end)
end)

describe('nn autograd: gradcheck and gradgradcheck (float64)', function()
  torch.manual_seed(2024)

  it('convolution: strides, padding, dilation, groups, bias, transposed, 1-d, unbatched', function()
    both(function(x, w, b) return nn.conv2d(x, w, b, { stride = 2, padding = 1 }) end,
      { leaf(2, 2, 4, 4), leaf(3, 2, 2, 2), leaf(3) })
    both(function(x, w) return nn.conv2d(x, w, nil, { padding = 1, dilation = 2, groups = 2 }) end,
      { leaf(1, 4, 4, 4), leaf(2, 2, 2, 2) })
    both(function(x, w, b) return nn.conv1d(x, w, b, { stride = 2, padding = 'valid' }) end,
      { leaf(2, 2, 5), leaf(2, 2, 2), leaf(2) })
    both(function(x, w, b) return nn.conv1d(x, w, b, { padding = 'same' }) end,
      { leaf(1, 2, 5), leaf(2, 2, 3), leaf(2) })
    both(function(x, w, b)
      return nn.conv_transpose2d(x, w, b, { stride = 2, padding = 1, output_padding = 1 })
    end, { leaf(1, 2, 2, 2), leaf(2, 3, 2, 2), leaf(3) })
    both(function(x, w) return nn.conv_transpose2d(x, w, nil, { groups = 2, dilation = 2 }) end,
      { leaf(1, 2, 2, 3), leaf(2, 1, 2, 2) })
    both(function(x, w) return nn.conv_transpose1d(x, w, nil, { stride = 3 }) end,
      { leaf(2, 2, 3), leaf(2, 1, 2) })
    both(function(x, w) return nn.conv2d(x, w) end, { leaf(2, 4, 4), leaf(2, 2, 3, 3) })
    -- a non-contiguous input and weight
    local xt = rn(2, 2, 4, 4):transpose(3, 4):requires_grad_()
    local wt = rn(2, 2, 3, 3):transpose(1, 2):requires_grad_()
    both(function(x, w) return nn.conv2d(x, w, nil, { padding = 1 }) end, { xt, wt })
    -- only the weight (or only the input) requires grad
    local x0 = rn(1, 2, 3, 3)
    gc(function(w) return nn.conv2d(x0, w) end, { leaf(1, 2, 2, 2) })
  end)

  it('max pooling: stride, padding, dilation, ceil_mode, 1-d, unbatched, non-contiguous', function()
    both(function(x) return (nn.max_pool2d(x, 2)) end, { leaf(2, 2, 4, 4) })
    both(function(x) return (nn.max_pool2d(x, 3, 2, 1)) end, { leaf(1, 2, 5, 5) })
    both(function(x) return (nn.max_pool2d(x, { 2, 3 }, { stride = { 1, 2 }, dilation = { 2, 1 },
      ceil_mode = true })) end, { leaf(1, 1, 5, 6) })
    both(function(x) return (nn.max_pool2d(x, 2)) end, { leaf(2, 4, 4) })
    both(function(x) return (nn.max_pool1d(x, 3, 2, 1)) end, { leaf(2, 2, 7) })
    both(function(x) return (nn.max_pool1d(x, 2)) end, { leaf(3, 6) })
    both(function(x) return (nn.max_pool2d(x, 2)) end, { rn(2, 1, 4, 4):transpose(3, 4):requires_grad_() })
  end)

  it('average and adaptive pooling', function()
    both(function(x) return nn.avg_pool2d(x, 3, { stride = 2, padding = 1 }) end, { leaf(1, 2, 5, 5) })
    both(function(x)
      return nn.avg_pool2d(x, 3, { stride = 2, padding = 1, ceil_mode = true, count_include_pad = false })
    end, { leaf(1, 2, 6, 6) })
    both(function(x) return nn.avg_pool2d(x, 2, { divisor_override = 3 }) end, { leaf(2, 4, 4) })
    both(function(x) return nn.avg_pool1d(x, 2, 1, 1) end, { leaf(2, 2, 5) })
    both(function(x) return nn.adaptive_avg_pool2d(x, { 2, 3 }) end, { leaf(2, 2, 5, 7) })
    both(function(x) return nn.adaptive_avg_pool2d(x, 1) end, { leaf(3, 4, 4) })
    both(function(x) return nn.adaptive_avg_pool1d(x, 4) end, { leaf(2, 3, 7) })
    both(function(x) return nn.adaptive_avg_pool2d(x, 3) end, { rn(1, 2, 5, 5):transpose(3, 4):requires_grad_() })
  end)

  it('softmax and log_softmax: dims, negative dims, 0-dim, empty, non-contiguous', function()
    for _, f in ipairs({ nn.softmax, nn.log_softmax }) do
      both(function(x) return f(x, 1) end, { leaf(3, 4) })
      both(function(x) return f(x, -1) end, { leaf(2, 3, 4) })
      both(function(x) return f(x, 2) end, { leaf(2, 3, 4) })
      both(function(x) return f(x, 1) end, { leaf() })
      both(function(x) return f(x, 1) end, { rn(3, 4):t():requires_grad_() })
      local e = leaf(0, 3)
      local y = f(e, 2)
      y:sum():backward()
      assert.are.same({ 0, 3 }, e.grad:size():totable())
    end
  end)

  it('batch norm: training and evaluation, with and without weight/bias, 2-d to 4-d', function()
    local C = 3
    local rm, rv = rn(C), ru(C) + 0.5
    both(function(x, w, b) return (nn.batch_norm(x, nil, nil, w, b, true)) end,
      { leaf(4, C), leaf(C), leaf(C) })
    both(function(x, w, b) return (nn.batch_norm(x, nil, nil, w, b, true)) end,
      { leaf(2, C, 3), leaf(C), leaf(C) })
    both(function(x) return (nn.batch_norm(x, nil, nil, nil, nil, true, 0.1, 1e-3)) end,
      { leaf(2, C, 2, 2) })
    both(function(x, w, b) return (nn.batch_norm(x, rm, rv, w, b, false)) end,
      { leaf(2, C, 2, 2), leaf(C), leaf(C) })
    both(function(x) return (nn.batch_norm(x, rm, rv)) end, { leaf(3, C) })
    both(function(x, w) return (nn.batch_norm(x, nil, nil, w, nil, true)) end,
      { rn(C, 4):t():requires_grad_(), leaf(C) })
  end)

  it('layer norm and group norm', function()
    both(function(x, w, b) return (nn.layer_norm(x, { 3, 4 }, w, b)) end,
      { leaf(2, 3, 4), leaf(3, 4), leaf(3, 4) })
    both(function(x) return (nn.layer_norm(x, 4, nil, nil, 1e-3)) end, { leaf(3, 4) })
    both(function(x, w) return (nn.layer_norm(x, { 4 }, w)) end, { leaf(4), leaf(4) })
    both(function(x, w, b) return (nn.layer_norm(x, 3, w, b)) end, { rn(3, 2):t():requires_grad_(), leaf(3), leaf(3) })
    both(function(x, w, b) return (nn.group_norm(x, 2, w, b)) end, { leaf(2, 4, 3), leaf(4), leaf(4) })
    both(function(x) return (nn.group_norm(x, 1)) end, { leaf(2, 3, 2, 2) })
    both(function(x, w) return (nn.group_norm(x, 3, w)) end, { leaf(2, 3), leaf(3) })
  end)

  it('embedding', function()
    local idx = torch.tensor({ { 1, 3, 3 }, { 5, 1, 2 } })
    both(function(w) return nn.embedding(idx, w) end, { leaf(5, 3) })
    -- padding_idx 4 is not looked up (its row's gradient is zero by design, not by derivative)
    both(function(w) return torch._core.nnf_embedding(idx, w, 4) end, { leaf(5, 3) })
    both(function(w) return torch._core.nnf_embedding(torch.tensor(2), w, -1) end, { leaf(4, 2) })
    -- second derivatives through a product, with the padding row looked up (its gradient is
    -- zero at every order; scale_grad_by_freq is not a derivative, so it is not checked here)
    ggc(function(w) return torch._core.nnf_embedding(idx, w, 1) ^ 2 end, { leaf(5, 3) })
  end)

  it('nll_loss: reductions, weight, ignore_index, 1-d and spatial inputs', function()
    local t = torch.tensor({ 2, 3, 1, 3 })
    local w = ru(3)
    for _, r in ipairs({ 'mean', 'sum', 'none' }) do
      both(function(x) return (nn.nll_loss(x, t, nil, { reduction = r })) end, { leaf(4, 3) })
      both(function(x) return (nn.nll_loss(x, t, w, { reduction = r, ignore_index = 3 })) end, { leaf(4, 3) })
    end
    both(function(x) return (nn.nll_loss(x, torch.tensor(2))) end, { leaf(3) })
    both(function(x) return (nn.nll_loss(x, torch.tensor({ { 1, 2 }, { 2, 2 } }), w)) end, { leaf(2, 3, 2) })
    both(function(x) return (nn.nll_loss(x, t)) end, { rn(3, 4):t():requires_grad_() })
  end)

  it('binary cross entropy (with logits): weights, pos_weight, target gradients', function()
    local p = (ru(2, 3) * 0.8 + 0.1):requires_grad_()
    local t = ru(2, 3):requires_grad_()
    local w, pw = ru(3), ru(3)
    for _, r in ipairs({ 'mean', 'sum', 'none' }) do
      both(function(a, b) return nn.binary_cross_entropy(a, b, w, { reduction = r }) end, { p, t })
      both(function(a, b) return nn.binary_cross_entropy_with_logits(a, b, nil, { reduction = r }) end,
        { leaf(2, 3), t })
      both(function(a, b)
        return nn.binary_cross_entropy_with_logits(a, b, w, { reduction = r, pos_weight = pw })
      end, { leaf(2, 3), t })
    end
    both(function(a) return nn.binary_cross_entropy(a, torch.tensor(0.3, { dtype = f64 })) end,
      { torch.tensor(0.6, { dtype = f64 }):requires_grad_() })
  end)
end)

describe('nn autograd: node names as in PyTorch 1.13', function()
  local x4 = leaf(2, 3, 4, 4)
  local function gname(f, x)
    local g = ag.grad({ (f(x) ^ 2):sum() }, { x }, { create_graph = true })[1]
    return node_name(g)
  end

  it('names the forward nodes', function()
    assert.are.equal('ConvolutionBackward0', node_name(nn.conv2d(x4, leaf(2, 3, 3, 3))))
    assert.are.equal('ConvolutionBackward0', node_name(nn.conv_transpose2d(x4, leaf(3, 2, 3, 3))))
    assert.are.equal('MaxPool2DWithIndicesBackward0', node_name(nn.max_pool2d(x4, 2)))
    assert.are.equal('AvgPool2DBackward0', node_name(nn.avg_pool2d(x4, 2)))
    assert.are.equal('AdaptiveAvgPool2DBackward0', node_name(nn.adaptive_avg_pool2d(x4, 2)))
    assert.are.equal('SoftmaxBackward0', node_name(nn.softmax(x4, 2)))
    assert.are.equal('LogSoftmaxBackward0', node_name(nn.log_softmax(x4, 2)))
    assert.are.equal('NativeBatchNormBackward0', node_name(nn.batch_norm(x4, nil, nil, nil, nil, true)))
    assert.are.equal('NativeBatchNormBackward0',
      node_name(nn.batch_norm(x4, torch.zeros(3, { dtype = f64 }), torch.ones(3, { dtype = f64 }))))
    assert.are.equal('NativeLayerNormBackward0', node_name(nn.layer_norm(x4, 4)))
    assert.are.equal('NativeGroupNormBackward0', node_name(nn.group_norm(x4, 3)))
    assert.are.equal('EmbeddingBackward0', node_name(nn.embedding(torch.tensor({ 1 }), leaf(2, 2))))
    local lp = leaf(4, 3)
    assert.are.equal('NllLossBackward0', node_name(nn.nll_loss(lp, torch.tensor({ 1, 2, 3, 1 }))))
    assert.are.equal('NllLoss2DBackward0', node_name(nn.nll_loss(x4, torch.ones(2, 4, 4, { dtype = torch.int64 }))))
    local p = (ru(3) * 0.5 + 0.2):requires_grad_()
    assert.are.equal('BinaryCrossEntropyBackward0', node_name(nn.binary_cross_entropy(p, ru(3))))
    assert.are.equal('BinaryCrossEntropyWithLogitsBackward0',
      node_name(nn.binary_cross_entropy_with_logits(p, ru(3))))
  end)

  it('names the nodes of the backward ops in a graph built by backward', function()
    local w = leaf(2, 3, 3, 3)
    assert.are.equal('ConvolutionBackwardBackward0', gname(function(x) return nn.conv2d(x, w) end, x4))
    assert.are.equal('MaxPool2DWithIndicesBackwardBackward0', gname(function(x) return nn.max_pool2d(x, 2) end, x4))
    assert.are.equal('AvgPool2DBackwardBackward0', gname(function(x) return nn.avg_pool2d(x, 2) end, x4))
    assert.are.equal('AdaptiveAvgPool2DBackwardBackward0',
      gname(function(x) return nn.adaptive_avg_pool2d(x, 2) end, x4))
    assert.are.equal('SoftmaxBackwardDataBackward0', gname(function(x) return nn.softmax(x, 2) end, x4))
    assert.are.equal('LogSoftmaxBackwardDataBackward0', gname(function(x) return nn.log_softmax(x, 2) end, x4))
    assert.are.equal('EmbeddingDenseBackwardBackward0',
      gname(function(e) return nn.embedding(torch.tensor({ 1, 2 }), e) end, leaf(3, 2)))
    -- the input gradient of nll_loss depends on the input only through its shape
    local lp = leaf(4, 3)
    local g = ag.grad({ nn.nll_loss(lp, torch.tensor({ 1, 2, 3, 1 })) }, { lp }, { create_graph = true })[1]
    assert.are.equal('NllLossBackwardBackward0', node_name(g))
    assert.are.same({ 0, 0, 0 }, ag.grad({ g:sum() }, { lp })[1]:sum(1):tolist())
  end)

  it('gives no history to outputs that need none', function()
    local x = rn(2, 3, 4, 4)
    local y, ind = nn.max_pool2d(x:requires_grad_(), 2)
    assert.is_nil(ind.grad_fn)
    assert.are.equal(torch.int64, ind.dtype)
    local z = nn.conv2d(rn(1, 2, 3, 3), rn(1, 2, 2, 2))
    assert.is_nil(z.grad_fn)
    assert.is_false(z.requires_grad)
    torch.no_grad(function()
      assert.is_nil(nn.softmax(leaf(3, 3), 1).grad_fn)
    end)
  end)
end)

describe('nn autograd: dtypes, saved values and errors', function()
  it('gives float32 gradients for float32 inputs', function()
    local x = torch.randn(2, 2, 4, 4, { requires_grad = true })
    local w = torch.randn(3, 2, 3, 3, { requires_grad = true })
    local y = nn.max_pool2d(nn.conv2d(x, w, nil, { padding = 1 }), 2)
    local z = nn.layer_norm(nn.log_softmax(y, 2), 2)
    z:sum():backward()
    assert.are.equal(torch.float32, x.grad.dtype)
    assert.are.equal(torch.float32, w.grad.dtype)
    assert.are.same({ 2, 2, 4, 4 }, x.grad:size():totable())
    -- the same numbers as in float64, to float32 precision
    local x64 = x:detach():double():requires_grad_()
    local w64 = w:detach():double():requires_grad_()
    local z64 = nn.layer_norm(nn.log_softmax(nn.max_pool2d(nn.conv2d(x64, w64, nil, { padding = 1 }), 2), 2), 2)
    z64:sum():backward()
    assert.is_true(torch.allclose(x.grad:double(), x64.grad, 1e-4, 1e-4))
  end)

  it('computes float16 and bfloat16 inputs in float32 and gives their gradients', function()
    for _, dt in ipairs({ torch.float16, torch.bfloat16 }) do
      local x = torch.randn(2, 3, { dtype = dt, requires_grad = true })
      nn.softmax(x, 2):select(2, 1):sum():backward()
      assert.are.equal(dt, x.grad.dtype)
    end
  end)

  it('leaves batch norm running statistics to the forward pass', function()
    local rm, rv = torch.zeros(3, { dtype = f64 }), torch.ones(3, { dtype = f64 })
    local x = leaf(4, 3)
    local y = nn.batch_norm(x, rm, rv, nil, nil, true, 0.5)
    local before = rm:clone()
    y:pow(2):sum():backward()
    assert.is_true(torch.equal(before, rm))
    assert.is_false(torch.equal(rm, torch.zeros(3, { dtype = f64 })))
  end)

  it('refuses weights that require grad where PyTorch has no derivative', function()
    local x = leaf(4, 3)
    local ok, err = pcall(nn.nll_loss, x, torch.tensor({ 1, 2, 3, 1 }), leaf(3))
    assert.is_false(ok)
    assert.matches("%[nll_loss%] the function is not differentiable with respect to argument 'weight'", err)
    local p = (ru(3) * 0.5 + 0.2):requires_grad_()
    ok, err = pcall(nn.binary_cross_entropy, p, ru(3), leaf(3))
    assert.matches("%[binary_cross_entropy%] .* argument 'weight'", err)
    ok, err = pcall(nn.binary_cross_entropy_with_logits, p, ru(3), nil, { pos_weight = leaf(3) })
    assert.matches("%[binary_cross_entropy_with_logits%] .* argument 'pos_weight'", err)
    -- without grad mode the same calls are fine
    torch.no_grad(function()
      assert.is_true(pcall(nn.nll_loss, x, torch.tensor({ 1, 2, 3, 1 }), leaf(3)))
    end)
  end)

  it('differentiates empty batches', function()
    local x = torch.randn(0, 2, 5, 5, { dtype = f64, requires_grad = true })
    local w = leaf(3, 2, 3, 3)
    local y = nn.max_pool2d(nn.conv2d(x, w, nil, { padding = 1 }), 2)
    assert.are.same({ 0, 3, 2, 2 }, y:size():totable())
    y:sum():backward()
    assert.are.same({ 0, 2, 5, 5 }, x.grad:size():totable())
    assert.are.same(torch.zeros(3, 2, 3, 3, { dtype = f64 }):tolist(), w.grad:tolist())
    local b = torch.randn(0, 3, { dtype = f64, requires_grad = true })
    nn.layer_norm(nn.log_softmax(b, 2), 3):sum():backward()
    assert.are.same({ 0, 3 }, b.grad:size():totable())
  end)

  it('reports a saved output modified in place', function()
    local x = leaf(2, 3)
    local y = nn.softmax(x, 2)
    y:mul_(2)
    local ok, err = pcall(function() y:sum():backward() end)
    assert.is_false(ok)
    assert.matches('modified by an inplace operation', err)
  end)

  it('backward through a freed graph is an error', function()
    local x = leaf(1, 1, 3, 3)
    local y = nn.conv2d(x, rn(1, 1, 2, 2)):sum()
    y:backward()
    local ok, err = pcall(function() y:backward() end)
    assert.is_false(ok)
    assert.matches('backward through the graph a second time', err)
  end)
end)
