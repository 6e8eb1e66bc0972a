-- Activation and loss modules: constructor options (positional and tables), values and
-- gradients against PyTorch 1.13 (float64; the reference snippet is quoted per block),
-- in-place variants, reductions, weights as buffers, errors naming the module.
local torch = require 'torch'
local nn = require 'nn'

local f64 = torch.float64

local H = dofile('test/spec_helpers.lua')
local close = H.close_within({ tol = 1e-10, digits = 15 })
local err, D = H.err, H.D

-- output of m(inputs...) and the gradient of the input at position gi (default 1) for the
-- output gradient 1, 2, 3, ... (or 1 for a 0-dim output)
local function run(m, inputs, gi)
  gi = gi or 1
  local ins = {}
  for i, x in ipairs(inputs) do
    ins[i] = (i == gi) and x:clone():requires_grad_(true) or x
  end
  local y = m(unpack(ins))
  local go = y:dim() == 0 and torch.ones_like(y) or torch.arange(1, y:numel() + 1, { dtype = f64 }):view(y:size())
  local g = torch.autograd.grad(y, ins[gi], { grad_outputs = go })[1]
  return y, g
end

-- x = torch.tensor([-2.5, -1., -0.2, 0., 0.3, 1., 2.5, 25.], dtype=torch.float64)
-- y = m(x); torch.autograd.grad(y, x, torch.arange(1., 9.))
local X = D({ -2.5, -1, -0.2, 0, 0.3, 1, 2.5, 25 })
local ACT = {
  { 'ReLU', nn.ReLU(), { 0.0, 0.0, 0.0, 0.0, 0.3, 1.0, 2.5, 25.0 }, { 0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0 } },
  { 'LeakyReLU(0.2)', nn.LeakyReLU(0.2), { -0.5, -0.2, -0.04000000000000001, 0.0, 0.3, 1.0, 2.5, 25.0 },
    { 0.2, 0.4, 0.6000000000000001, 0.8, 5.0, 6.0, 7.0, 8.0 } },
  { 'ELU(0.5)', nn.ELU(0.5), { -0.4589575006880506, -0.31606027941427883, -0.09063462346100909, 0.0, 0.3, 1.0, 2.5, 25.0 },
    { 0.0410424993119494, 0.36787944117144233, 1.2280961296169728, 2.0, 5.0, 6.0, 7.0, 8.0 } },
  { 'GELU', nn.GELU(), { -0.015524163314440398, -0.15865525393145702, -0.0841480581121794, 0.0, 0.1853734266566858,
    0.841344746068543, 2.4844758366855597, 25.0 }, { -0.03761108590814519, -0.1666309411753727, 1.0275952552974175, 2.0,
    3.6616388341355495, 6.499892823526118, 7.263277601357016, 8.0 } },
  { "GELU('tanh')", nn.GELU({ approximate = 'tanh' }), { -0.015084266089998577, -0.1588080093917233, -0.08414857021789374,
    0.0, 0.18537092354275922, 0.8411919906082768, 2.484915733910001, 25.0 }, { -0.03795157621266618, -0.16592816769156515,
    1.0276255524129014, 2.0, 3.661477258194009, 6.497784503074696, 7.265661033488662, 8.0 } },
  { 'SiLU', nn.SiLU(), { -0.18964545005310887, -0.2689414213699951, -0.09003320053750444, 0.0, 0.1723327550434977,
    0.7310585786300049, 2.3103545499468914, 24.9999999996528 }, { -0.09940111134152683, 0.1446589762570265,
    1.2019880644354506, 2.0, 3.238900051594414, 5.566023071228921, 7.695807779390687, 8.000000002666496 } },
  { 'Mish', nn.Mish(), { -0.19681620390653332, -0.30340146137410895, -0.1071447808683571, 0.0, 0.20800137234811503,
    0.8650983882673103, 2.471392304557881, 25.0 }, { -0.10974357275018568, 0.11843351175479003, 1.4145907245402283, 2.4,
    3.914136497755652, 6.2942173205987535, 7.287906710919471, 8.0 } },
  { 'Sigmoid', nn.Sigmoid(), { 0.07585818002124355, 0.2689414213699951, 0.45016600268752216, 0.5, 0.574442516811659,
    0.7310585786300049, 0.9241418199787566, 0.999999999986112 }, { 0.07010371654510815, 0.3932238664829637,
    0.7425497181355798, 1.0, 1.2222915584537293, 1.179671599448891, 0.4907260158157565, 1.1110401487558505e-10 } },
  { 'Tanh', nn.Tanh(), { -0.9866142981514303, -0.7615941559557649, -0.197375320224904, 0.0, 0.2913126124515909,
    0.7615941559557649, 0.9866142981514303, 1.0 }, { 0.02659222668316057, 0.8399486832280523, 2.88312894889835, 4.0,
    4.575684809133146, 2.5198460496841566, 0.18614558678212398, 0.0 } },
  { 'Softplus(2, 10)', nn.Softplus(2, 10), { 0.003357674244559034, 0.06346400552148625, 0.2565076261999763,
    0.34657359027997264, 0.5187439752429428, 1.0634640055214863, 2.503357674244559, 25.0 }, { 0.006692850924284856,
    0.2384058440442351, 1.203937019662644, 2.0, 3.2282815311289768, 5.284782467867294, 6.953150043530006, 8.0 } },
  { 'Hardtanh(-0.5, 2)', nn.Hardtanh({ min_val = -0.5, max_val = 2 }), { -0.5, -0.5, -0.2, 0.0, 0.3, 1.0, 2.0, 2.0 },
    { 0.0, 0.0, 3.0, 4.0, 5.0, 6.0, 0.0, 0.0 } },
}

describe('activation modules', function()
  it('give PyTorch\'s values and gradients', function()
    for _, c in ipairs(ACT) do
      local y, g = run(c[2], { X })
      local ok, e = pcall(close, y, c[3], 1e-9)
      if ok then ok, e = pcall(close, g, c[4], 1e-8) end
      assert(ok, c[1] .. ': ' .. tostring(e))
    end
  end)
  it('keep the dtype, shape and non-contiguous inputs; float32 too', function()
    local x = torch.randn(3, 4):t()
    for _, c in ipairs(ACT) do
      local y = c[2](x)
      assert.are.same({ 4, 3 }, y:size():totable())
      assert.are.equal(torch.float32, y.dtype)
      close(y, c[2](x:contiguous()), 0)
    end
    assert.are.same({}, nn.ReLU()(torch.tensor(2.5)):size():totable())
    assert.are.same({ 0, 3 }, nn.GELU()(torch.zeros(0, 3)):size():totable())
  end)
  it('inplace = true writes into the input', function()
    local pairs_ = {
      { nn.ReLU(true), nn.ReLU() }, { nn.LeakyReLU(0.1, true), nn.LeakyReLU(0.1) },
      { nn.ELU({ inplace = true }), nn.ELU() }, { nn.SiLU(true), nn.SiLU() }, { nn.Mish(true), nn.Mish() },
      { nn.Hardtanh(-1, 1, true), nn.Hardtanh() },
    }
    for _, p in ipairs(pairs_) do
      local x = D({ -2, 0.5, 3 })
      local want = p[2](x)
      local y = p[1](x)
      close(x, want, 1e-12)
      assert.are.equal(x:data_ptr(), y:data_ptr())
    end
  end)
  it('Softmax and LogSoftmax along 1-based dims, and the legacy default', function()
    -- s = torch.tensor([[1., 2., 0.5], [0.3, -1., 2.]]); nn.Softmax(dim=1), nn.Softmax(dim=0), nn.LogSoftmax(dim=1)
    local s = D({ { 1, 2, 0.5 }, { 0.3, -1, 2 } })
    local y, g = run(nn.Softmax(2), { s })
    close(y, { 0.23122389762214907, 0.6285317192117624, 0.14024438316608848, 0.14822546288422211, 0.040396151173133533, 0.8113783859426444 })
    close(g, { -0.21018725968584803, 0.05718351063411928, 0.15300374905172895, -0.24652161186758176, -0.026788825730773437, 0.2733104375983547 })
    y, g = run(nn.Softmax({ dim = 1 }), { s })
    close(y, { 0.6681877721681662, 0.9525741268224334, 0.18242552380635632, 0.33181222783183395, 0.04742587317756679, 0.8175744761936437 })
    close(g, { -0.6651386198793274, -0.13552997919273674, -0.44743935621099845, 0.6651386198793272, 0.1355299791927364, 0.44743935621099895 })
    y, g = run(nn.LogSoftmax(-1), { s })
    close(y, { -1.464368784107945, -0.4643687841079449, -1.964368784107945, -1.9090207665450603, -3.20902076654506, -0.20902076654506024 })
    close(g, { -0.38734338573289423, -1.7711903152705746, 2.1585337010034693, 1.7766180567366683, 4.394057732402997, -6.170675789139667 })
    close(nn.Softmax()(s), nn.Softmax(2)(s), 0)          -- 2-D: dim 2
    close(nn.Softmax()(s[1]), nn.Softmax(1)(s[1]), 0)    -- 1-D: dim 1
    close(nn.LogSoftmax()(s:view(1, 2, 3)), nn.LogSoftmax(1)(s:view(1, 2, 3)), 0) -- 3-D: dim 1
  end)
  it('check their options and inputs', function()
    assert.are.equal('[ReLU] inplace must be a boolean, got number', err(function() nn.ReLU(1) end))
    assert.are.equal('[LeakyReLU] negative_slope must be a number, got string', err(function() nn.LeakyReLU('x') end))
    assert.are.equal("[GELU] approximate must be 'none' or 'tanh', got fast", err(function() nn.GELU('fast') end))
    assert.are.equal('[Hardtanh] max_val (-2.0) must be greater than min_val (-1.0)', err(function() nn.Hardtanh(-1, -2) end))
    assert.are.equal("[ELU] unknown option 'beta'", err(function() nn.ELU({ beta = 1 }) end))
    assert.are.equal('[Softmax] dim must be a nonzero integer (1-based) or nil, got 0', err(function() nn.Softmax(0) end))
    assert.are.equal('[Tanh] expected a Tensor as input, got number', err(function() nn.Tanh()(3) end))
    assert.are.equal('[Sigmoid] expected a Tensor as input, got nil', err(function() nn.Sigmoid()() end))
  end)
end)

-- x, t as below; l = m(x, t); torch.autograd.grad(l, x, ones or arange(1, n + 1))
local XL = D({ { 0.2, -0.5, 1.0 }, { 1.5, 0.3, -0.7 } })
local TL = D({ { 0.0, 0.5, 1.0 }, { 1.0, -1.0, 0.0 } })
local PB = D({ { 0.2, 0.6, 0.9 }, { 0.7, 0.1, 0.5 } })
local TB = D({ { 0, 1, 1 }, { 1, 0, 0 } })
local W = D({ 1, 2, 0.5 })
local SC = D({ { 1, 2, 0.5 }, { 0.3, -1, 2 }, { 0, 0, 0 } })
local CLS = torch.tensor({ 3, 1, 2 }) -- PyTorch's tensor([2, 0, 1])

describe('loss modules', function()
  it('regression losses with every reduction', function()
    local y, g = run(nn.MSELoss(), { XL, TL })
    close(y, 0.5783333333333334)
    close(g, { 0.06666666666666667, -0.3333333333333333, 0.0, 0.16666666666666666, 0.43333333333333335, -0.2333333333333333 })
    y, g = run(nn.MSELoss({ reduction = 'none' }), { XL, TL })
    close(y, { 0.04000000000000001, 1.0, 0.0, 0.25, 1.6900000000000002, 0.48999999999999994 })
    close(g, { 0.4, -4.0, 0.0, 4.0, 13.0, -8.399999999999999 })
    y, g = run(nn.L1Loss('sum'), { XL, TL })
    close(y, 3.7)
    close(g, { 1.0, -1.0, 0.0, 1.0, 1.0, -1.0 })
    y, g = run(nn.SmoothL1Loss({ beta = 0.5 }), { XL, TL })
    close(y, 0.42333333333333334)
    close(g, { 0.06666666666666667, -0.16666666666666666, 0.0, 0.16666666666666666, 0.16666666666666666, -0.16666666666666666 })
    y, g = run(nn.HuberLoss({ delta = 0.8, reduction = 'sum' }), { XL, TL })
    close(y, 1.59)
    close(g, { 0.2, -0.8, 0.0, 0.5, 0.8, -0.7 })
    -- PyTorch's legacy size_average / reduce
    close(nn.MSELoss({ size_average = false })(XL, TL), 3.47)
    assert.are.equal('none', nn.L1Loss({ reduce = false }).reduction)
  end)
  it('binary cross entropy, with weight and pos_weight buffers', function()
    local m = nn.BCELoss({ weight = W })
    local y, g = run(m, { PB, TB })
    close(y, 0.368574103701577)
    close(g, { 0.2083333333333333, -0.5555555555555556, -0.0925925925925926, -0.2380952380952381, 0.3703703703703703, 0.16666666666666666 })
    assert.are.equal(W, m.weight)
    assert.are.same({ 'weight' }, m:state_dict():keys())
    local ml = nn.BCEWithLogitsLoss({ pos_weight = D({ 2, 1, 0.5 }) })
    y, g = run(ml, { XL, TB })
    close(y, 0.5982024244400499)
    close(g, { 0.09163899955207966, -0.10374322186697577, -0.02241178511416626, -0.060808507935452116, 0.09574041946860984, 0.05530203797197231 })
    assert.are.same({ 'pos_weight' }, ml:state_dict():keys()) -- weight is nil: not saved
    ml:float()
    assert.are.equal(torch.float32, ml.pos_weight.dtype)
  end)
  it('cross entropy and NLL: weights, ignore_index, label smoothing, probabilities, 1-based targets', function()
    local y, g = run(nn.CrossEntropyLoss({ weight = W, label_smoothing = 0.1 }), { SC, CLS })
    close(y, 1.4575200886464357)
    close(g, { 0.027912440567395568, 0.08271465930095204, -0.1106270998683476, -0.2236106988764879, -0.007313498944946921,
      0.23092419782143483, 0.173015873015873, -0.3507936507936509, 0.17777777777777778 })
    y, g = run(nn.CrossEntropyLoss({ ignore_index = 1 }), { SC, CLS }) -- PyTorch's ignore_index=0
    close(y, 1.5314905363880273)
    close(g, { 0.11561194881107452, 0.3142658596058812, -0.4298778084169558, 0, 0, 0, 0.16666666666666666, -0.33333333333333337, 0.16666666666666666 })
    -- probabilities as targets: torch.softmax(sc.flip(0), 1)
    y, g = run(nn.CrossEntropyLoss(), { SC, nn.Softmax(2)(SC:flip(1)) })
    close(y, 0.9928356376923421)
    close(g, { -0.03403647857039476, 0.09839946195947635, -0.06436298338908161, 0, 0, 0, 0.034036478570394726, -0.09839946195947638, 0.06436298338908159 }, 1e-9)
    local lp = nn.LogSoftmax(2)(SC)
    y, g = run(nn.NLLLoss({ reduction = 'none' }), { lp, CLS })
    close(y, { 1.964368784107945, 1.9090207665450603, 1.0986122886681098 })
    close(g, { 0, 0, -1, -2, 0, 0, 0, -3, 0 })
    local ce = nn.CrossEntropyLoss(W) -- a weight tensor as the first argument (PyTorch's position)
    assert.are.equal(W, ce.weight)
    assert.are.equal(-100, ce.ignore_index)
    assert.are.equal(0, ce.label_smoothing)
  end)
  it('KL divergence and cosine embedding', function()
    local lp = nn.LogSoftmax(2)(SC)
    local tp = nn.Softmax(2)(SC:flip(2))
    local y, g = run(nn.KLDivLoss({ reduction = 'batchmean' }), { lp, tp })
    close(y, 0.3909499088091161)
    close(g, { -0.04674812772202949, -0.20951057307058746, -0.07707463254071635, -0.27045946198088144, -0.013465383724377843,
      -0.04940848762807404, -0.1111111111111111, -0.1111111111111111, -0.1111111111111111 })
    y, g = run(nn.KLDivLoss({ reduction = 'sum', log_target = true }), { lp, tp:log() })
    close(y, 1.172849726427348)
    close(g, { -0.14024438316608848, -0.6285317192117624, -0.23122389762214904, -0.8113783859426444, -0.04039615117313354,
      -0.14822546288422214, -0.3333333333333333, -0.3333333333333333, -0.3333333333333333 })
    local a = D({ { 1, 2, 0 }, { 0.5, -1, 1 }, { 1, 1, 1 } })
    local b = D({ { 1, 0, 1 }, { -0.5, 1, 0.2 }, { 2, 2, 2.1 } })
    y, g = run(nn.CosineEmbeddingLoss({ margin = 0.1 }), { a, b, torch.tensor({ 1, -1, -1 }) })
    close(y, 0.5278345324364377)
    close(g, { -0.08432740427113147, 0.042163702135555196, -0.10540925533890907, 0, 0, 0, -0.001821004304746271,
      -0.001821004304746271, 0.0036420086096036752 }, 1e-9)
  end)
  it('float32 inputs give float32 losses; gradients reach a model through the loss', function()
    local l = nn.MSELoss()(XL:float(), TL:float())
    assert.are.equal(torch.float32, l.dtype)
    local lin = nn.Linear(3, 1)
    local loss = nn.BCEWithLogitsLoss()(lin(XL:float()):view(-1), torch.tensor({ 0, 1 }, { dtype = torch.float32 }))
    loss:backward()
    assert.is_truthy(lin.weight.grad)
  end)
  it('errors name the loss module; inputs are unchanged', function()
    assert.are.equal("[MSELoss] reduction must be 'none', 'mean' or 'sum', got avg", err(function() nn.MSELoss('avg') end))
    assert.are.equal("[MSELoss] reduction must be 'none', 'mean' or 'sum', got batchmean",
      err(function() nn.MSELoss('batchmean') end))
    assert.are.equal("[L1Loss] unknown option 'weight'", err(function() nn.L1Loss({ weight = W }) end))
    assert.are.equal('[CrossEntropyLoss] weight must be a Tensor, got number', err(function() nn.CrossEntropyLoss({ weight = 3 }) end))
    assert.are.equal('[MSELoss] expected a Tensor as target, got nil', err(function() nn.MSELoss()(XL) end))
    assert.are.equal('[CosineEmbeddingLoss] expected a Tensor as input2, got number',
      err(function() nn.CosineEmbeddingLoss()(XL, 3, XL) end))
    local x = XL:clone()
    for _, c in ipairs({
      { 'MSELoss', function() return nn.MSELoss()(x, D({ 1, 2 })) end },
      { 'CrossEntropyLoss', function() return nn.CrossEntropyLoss()(SC, torch.tensor({ 1, 2, 4 })) end },
      { 'NLLLoss', function() return nn.NLLLoss()(SC, torch.tensor({ 0, 1, 2 })) end },
      { 'BCELoss', function() return nn.BCELoss()(PB, D({ 1, 0 })) end },
    }) do
      local e = err(c[2])
      assert.is_truthy(e:find('[' .. c[1] .. '] ', 1, true) == 1, e)
    end
    assert.is_true(torch.equal(x, XL))
  end)
end)
