-- The original Torch7 workflow: module:forward/backward, zeroGradParameters,
-- updateParameters, getParameters with a feval loop, the criterions, Torch7-style classes
-- with hand-written gradients.  Values from PyTorch 1.13 (same seed, same initialisation:
-- the snippets are quoted next to them).
local torch = require 'torch'
require 'nn' -- Torch7 scripts use the global it sets
local nn = nn

local H = dofile('test/spec_helpers.lua')
local close = H.close_within({ tol = 1e-5, digits = 10 })
local err, T = H.err, H.T

local X = T({ { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } })
local Y = T({ { 0 }, { 1 }, { 1 }, { 0 } })

local function xor_net(seed)
  torch.manual_seed(seed)
  return nn.Sequential():add(nn.Linear(2, 8)):add(nn.Tanh()):add(nn.Linear(8, 1))
end

-- PyTorch 1.13:
--   torch.manual_seed(1); net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
--   out = net(x); loss = nn.MSELoss()(out, y); loss.backward()
local P = {
  loss0 = 0.3308269679546356,
  out0 = { 0.2690311670303345, 0.40576714277267456, 0.09169106185436249, 0.2698005437850952 },
  g1w = { 0.026765279471874237, 0.017301831394433975, -0.005338164046406746, -0.0023206353653222322,
    -0.07074856758117676, 0.00010993517935276031, -0.06520205736160278, -0.01991964504122734,
    0.10897242277860641, 0.04728236049413681, -0.06595493108034134, -0.027589920908212662,
    -0.030911006033420563, -0.012140877544879913, -0.0963679850101471, -0.04913225769996643 },
  g1b = { 0.04390949383378029, -0.007583180442452431, -0.07561252266168594, -0.0820731446146965,
    0.15663674473762512, -0.09730618447065353, -0.043031957000494, -0.14244426786899567 },
  g3w = { -0.1020180806517601, -0.006056070327758789, -0.08731532096862793, -0.1047571450471878,
    0.1063266396522522, 0.13364683091640472, 0.014250618405640125, 0.16685925424098969 },
  g3b = { -0.48185503482818604 },
  gin = { -0.02072063833475113, 0.02110317535698414, 0.0307487603276968, -0.034278012812137604,
    0.08449538797140121, -0.08307154476642609, -0.02266792580485344, 0.02240576408803463 },
  -- 200 steps of p -= 0.2 * grad: the losses at steps 50 and 200
  l50 = 0.24565759301185608, l200 = 0.001572605688124895,
}

describe('Torch7 training script', function()
  it('forward / criterion / backward / updateParameters give PyTorch\'s gradients and trajectory', function()
    local model = xor_net(1)
    local criterion = nn.MSECriterion()
    local out = model:forward(X)
    close(out, P.out0)
    assert.are.equal(out, model.output)
    local loss = criterion:forward(out, Y)
    assert.are.equal('number', type(loss))
    close(loss, P.loss0)
    model:zeroGradParameters()
    local gradOutput = criterion:backward(out, Y)
    close(gradOutput, { 2 * (P.out0[1] - 0) / 4, 2 * (P.out0[2] - 1) / 4, 2 * (P.out0[3] - 1) / 4, 2 * (P.out0[4] - 0) / 4 })
    local gradInput = model:backward(X, gradOutput)
    close(gradInput, P.gin)
    assert.are.equal(gradInput, model.gradInput)
    close(model.modules[1].gradWeight, P.g1w)
    close(model.modules[1].gradBias, P.g1b)
    close(model.modules[3].gradWeight, P.g3w)
    close(model.modules[3].gradBias, P.g3b)
    -- gradWeight is weight.grad
    assert.are.equal(model.modules[1].gradWeight:data_ptr(), model.modules[1].weight.grad:data_ptr())
    -- the rest of the trajectory
    model:updateParameters(0.2)
    local losses = { loss }
    for i = 2, 200 do
      out = model:forward(X)
      losses[i] = criterion:forward(out, Y)
      model:zeroGradParameters()
      model:backward(X, criterion:backward(out, Y))
      model:updateParameters(0.2)
    end
    close(losses[50], P.l50, 1e-4)
    close(losses[200], P.l200, 1e-3)
  end)

  it('the classic script, unchanged, converges on XOR', function()
    local script = [[
      require 'nn'
      torch.manualSeed(3)
      local model = nn.Sequential()
      model:add(nn.Linear(2, 8))
      model:add(nn.Tanh())
      model:add(nn.Linear(8, 1))
      local criterion = nn.MSECriterion()
      local inputs = torch.Tensor(4, 2)
      local targets = torch.Tensor(4, 1)
      inputs[1][1] = 0; inputs[1][2] = 0; targets[1][1] = 0
      inputs[2][1] = 0; inputs[2][2] = 1; targets[2][1] = 1
      inputs[3][1] = 1; inputs[3][2] = 0; targets[3][1] = 1
      inputs[4][1] = 1; inputs[4][2] = 1; targets[4][1] = 0
      local loss
      for i = 1, 1000 do
        local output = model:forward(inputs)
        loss = criterion:forward(output, targets)
        model:zeroGradParameters()
        local gradOutput = criterion:backward(output, targets)
        model:backward(inputs, gradOutput)
        model:updateParameters(0.1)
      end
      return loss, model
    ]]
    local f = assert(loadstring(script))
    setfenv(f, setmetatable({ torch = torch }, { __index = _G }))
    local loss, model = f()
    assert.is_true(loss < 0.01, 'final loss ' .. loss)
    local out = model:forward(X)
    for i = 1, 4 do assert.is_true(math.abs(out[i][1] - Y[i][1]) < 0.2) end
  end)

  it('getParameters with a hand-written feval loop', function()
    local model = xor_net(1)
    local criterion = nn.MSECriterion()
    local params, gradParams = model:getParameters()
    assert.are.same({ 33 }, params:size():totable())
    assert.are.same({ 33 }, gradParams:size():totable())
    -- every parameter and gradient is a view of the flat tensors
    local w1 = model[1].weight
    assert.are.equal(params:data_ptr(), w1:data_ptr())
    assert.are.equal(gradParams:data_ptr(), w1.grad:data_ptr())
    assert.are.equal(gradParams:data_ptr(), model[1].gradWeight:data_ptr())
    assert.is_true(w1.is_leaf and w1.requires_grad)
    local function feval(x)
      if x ~= params then params:copy_(x) end
      gradParams:zero_()
      local out = model:forward(X)
      local loss = criterion:forward(out, Y)
      model:backward(X, criterion:backward(out, Y))
      return loss, gradParams
    end
    local losses = {}
    for i = 1, 200 do
      local loss, g = feval(params)
      losses[i] = loss
      if i == 1 then
        -- the flat gradient holds PyTorch's gradients, in parameter order
        close(g:narrow(1, 1, 16), P.g1w)
        close(g:narrow(1, 17, 8), P.g1b)
        close(g:narrow(1, 33, 1), P.g3b)
      end
      params:add_(g, { alpha = -0.2 })
    end
    close(losses[1], P.loss0)
    close(losses[50], P.l50, 1e-4)
    close(losses[200], P.l200, 1e-3)
    -- still the same tensors after training, zero_grad and a second call
    model:zero_grad()
    model:zero_grad(true) -- set_to_none is ignored for flattened parameters
    assert.are.equal(gradParams:data_ptr(), w1.grad:data_ptr())
    assert.are.equal(0, gradParams:abs():sum():item())
    local p2, g2 = model:getParameters()
    assert.are.equal(params, p2)
    assert.are.equal(gradParams, g2)
    -- a PyTorch-style step on the parameters updates the flat vector
    torch.no_grad(function() model[3].bias:fill_(5) end)
    assert.are.equal(5, params[33])
  end)

  it('getParameters refuses mixed dtypes', function()
    local net = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1):double())
    assert.are.equal('[getParameters] the parameters of Sequential have different dtypes (float32 and float64)',
      err(function() net:getParameters() end))
  end)
end)

describe('module:forward / backward', function()
  it('stores outputs of containers and children; net(x) stores nothing', function()
    local model = xor_net(1)
    model(X)
    assert.is_nil(model.output)
    assert.is_nil(model[1].output)
    model:forward(X)
    assert.is_truthy(model.output)
    assert.are.same({ 4, 8 }, model[1].output:size():totable())
    assert.are.same({ 4, 8 }, model[2].output:size():totable())
    assert.are.equal(model.output, model[3].output)
    -- a child can be differentiated on its own, from its recorded input
    local g = model[3]:backward(model[2].output, torch.ones(4, 1))
    close(g, model[3].weight:detach():expand(4, 8):contiguous())
    model:clearState()
    assert.is_nil(model.output)
    assert.is_nil(model[1].output)
  end)
  it('backward with scale, updateGradInput and accGradParameters', function()
    local lin = nn.Linear(2, 1)
    nn.init.ones_(lin.weight)
    local x = T({ { 1, 2 }, { 3, 4 } })
    lin:forward(x)
    lin:zeroGradParameters()
    local gi = lin:backward(x, T({ { 1 }, { 1 } }), 0.5)
    close(gi, { 1, 1, 1, 1 })            -- gradInput is not scaled
    close(lin.gradWeight, { 2, 3 })      -- 0.5 * (1 + 3, 2 + 4)
    close(lin.gradBias, { 1 })
    lin:backward(x, T({ { 1 }, { 1 } })) -- again on the same forward: accumulates
    close(lin.gradWeight, { 6, 9 })
    close(lin:updateGradInput(x, T({ { 2 }, { 0 } })), { 2, 2, 0, 0 })
    lin:accGradParameters(x, T({ { 1 }, { 0 } }), 2)
    close(lin.gradWeight, { 8, 13 })
    close(lin.gradBias, { 5 })
  end)
  it('gradInput of an input that requires grad, and chained modules', function()
    local a, b = nn.Linear(2, 3), nn.Linear(3, 1)
    local x = torch.randn(4, 2)
    local h = a:forward(x)
    local y = b:forward(h)
    a:zeroGradParameters()
    b:zeroGradParameters()
    local gh = b:backward(h, torch.ones(4, 1))
    close(gh, b.weight:detach():expand(4, 3):contiguous())
    assert.are.equal(0, a.gradWeight:abs():sum():item()) -- b's backward stops at its input
    a:backward(x, gh)
    local want = torch.ones(4, 1):mm(b.weight:detach()):t():mm(x)
    close(a.gradWeight, want)
    -- an input that already requires grad is used as it is
    local xr = torch.randn(2, 2, { requires_grad = true })
    a:forward(xr)
    close(a:backward(xr, torch.ones(2, 3)), torch.ones(2, 3):mm(a.weight:detach()))
    assert.is_nil(xr.grad) -- backward does not fill input.grad
  end)
  it('errors', function()
    local lin = nn.Linear(2, 1)
    assert.are.equal('[Linear] backward: no forward to differentiate: call module:forward(input) first',
      err(function() lin:backward(torch.ones(1, 2), torch.ones(1, 1)) end))
    lin:forward(torch.ones(3, 2))
    assert.are.equal('[Linear] backward: gradOutput has shape (2, 1) but the output has shape (3, 1)',
      err(function() lin:backward(torch.ones(3, 2), torch.ones(2, 1)) end))
    assert.are.equal('[Linear] backward: gradOutput must be a Tensor, got nil',
      err(function() lin:backward(torch.ones(3, 2)) end))
    assert.are.equal('[updateParameters] expected a learning rate (number), got nil', err(function() lin:updateParameters() end))
  end)
  it('forward under no_grad records nothing to differentiate', function()
    local lin = nn.Linear(2, 1)
    torch.no_grad(function() lin:forward(torch.ones(1, 2)) end)
    assert.is_false(lin.output.requires_grad)
    local gi = lin:backward(torch.ones(1, 2), torch.ones(1, 1))
    close(gi, { 0, 0 })
  end)
  it('Torch7 classes with hand-written gradients get them called', function()
    local Scale, parent = torch.class('nn.SpecTorch7Scale', 'nn.Module')
    function Scale:__init(n)
      parent.__init(self)
      self.weight = nn.Parameter(torch.full({ n }, 2, { dtype = torch.float32 }))
      self.gradWeight = torch.zeros(n)
    end
    function Scale:updateOutput(input)
      self.output = input * self.weight:detach()
      return self.output
    end
    function Scale:updateGradInput(input, gradOutput)
      self.gradInput = gradOutput * self.weight:detach()
      return self.gradInput
    end
    function Scale:accGradParameters(input, gradOutput, scale)
      self.gradWeight:add_(input * gradOutput * (scale or 1))
    end
    local s = nn.SpecTorch7Scale(2)
    local out = s:forward(T({ 1, 3 }))
    close(out, { 2, 6 })
    close(s:backward(T({ 1, 3 }), T({ 1, 1 })), { 2, 2 })
    close(s.gradWeight, { 1, 3 })
    assert.are.equal('SpecTorch7Scale()', tostring(s))
    -- inside a container, run by autograd around it
    local seq = nn.Sequential(nn.Identity(), s)
    close(seq:forward(T({ 1, 1 })), { 2, 2 })
  end)
  it('evaluate, reset, listModules, findModules', function()
    local model = xor_net(1)
    assert.is_false(model:evaluate()[1].training)
    local w = model[1].weight:detach():clone()
    model:reset()
    assert.is_false(torch.equal(w, model[1].weight:detach()))
    assert.are.equal(4, #model:listModules())
    assert.are.equal(2, #model:findModules('nn.Linear'))
    assert.are.equal(1, #model:findModules('nn.Tanh'))
  end)
end)

-- PyTorch 1.13 references: F.<loss>(x, t, ...) and torch.autograd.grad of it w.r.t. x
local XC = T({ { 0.2, -0.5, 1.0 }, { 1.5, 0.3, -0.7 } })
local TC = T({ { 0.0, 0.5, 1.0 }, { 1.0, -1.0, 0.0 } })
local PB = T({ { 0.2, 0.6, 0.9 }, { 0.7, 0.1, 0.5 } })
local TB = T({ { 0, 1, 1 }, { 1, 0, 0 } })
local W = T({ 1, 2, 0.5 })
local SC = T({ { 1, 2, 0.5 }, { 0.3, -1, 2 }, { 0, 0, 0 } })
local CLS = torch.tensor({ 3, 1, 2 }) -- PyTorch's [2, 0, 1]

describe('criterions', function()
  it('MSECriterion and AbsCriterion', function()
    local c = nn.MSECriterion()
    close(c:forward(XC, TC), 0.57833331823349)
    close(c.output, 0.57833331823349)
    close(c:backward(XC, TC), { 0.06666667014360428, -0.3333333432674408, 0.0, 0.1666666716337204, 0.4333333373069763, -0.23333333432674408 })
    local g0 = c:backward(XC, TC)
    assert.are.equal(g0, c.gradInput)
    c.sizeAverage = false
    close(c:forward(XC, TC), 3.4699997901916504)
    close(c:backward(XC, TC), { 0.4, -2.0, 0.0, 1.0, 2.6, -1.4 })
    close(nn.MSECriterion(false):forward(XC, TC), 3.4699997901916504)
    local a = nn.AbsCriterion()
    close(a:forward(XC, TC), 0.6166666746139526)
    local s = 0.1666666716337204
    close(a:backward(XC, TC), { s, -s, 0, s, s, -s })
    -- crit(input, target): forward and backward at once
    local loss, g = nn.MSECriterion()(XC, TC)
    close(loss, 0.57833331823349)
    assert.are.same({ 2, 3 }, g:size():totable())
  end)
  it('BCECriterion, with weights', function()
    local c = nn.BCECriterion()
    close(c:forward(PB, TB), 0.3324187099933624)
    close(c:backward(PB, TB), { 0.2083333134651184, -0.277777761220932, -0.18518519401550293, -0.2380952388048172, 0.18518519401550293, 0.3333333432674408 })
    local cw = nn.BCECriterion(W, false)
    close(cw:forward(PB, TB), 2.211444616317749)
    close(cw:backward(PB, TB), { 1.2499998807907104, -3.3333332538604736, -0.5555555820465088, -1.4285714626312256, 2.222222328186035, 1.0 })
    assert.are.equal('nn.BCECriterion', tostring(c))
  end)
  it('ClassNLLCriterion: 1-based targets, weights, ignoreIndex, float targets', function()
    local lp = nn.functional.log_softmax(SC, 2)
    local c = nn.ClassNLLCriterion()
    close(c:forward(lp, CLS), 1.6573339700698853)
    local t = -1 / 3
    close(c:backward(lp, CLS), { 0, 0, t, t, 0, 0, 0, t, 0 })
    close(c:forward(lp, CLS:float()), 1.6573339700698853) -- Torch7 scripts often pass float targets
    local cw = nn.ClassNLLCriterion(W)
    close(cw:forward(lp, CLS), 1.4538371562957764)
    close(cw:backward(lp, CLS), { 0, 0, -0.1428571492433548, -0.2857142984867096, 0, 0, 0, -0.5714285969734192, 0 })
    local ci = nn.ClassNLLCriterion(nil, false, 1) -- PyTorch's ignore_index=0
    close(ci:forward(lp, CLS), 3.062981128692627)
    close(ci:backward(lp, CLS), { 0, 0, -1, 0, 0, 0, 0, -1, 0 })
    -- a single sample with a number target
    close(c:forward(lp[1], 3), -lp[1][3])
  end)
  it('CrossEntropyCriterion', function()
    local c = nn.CrossEntropyCriterion()
    close(c:forward(SC, CLS), 1.6573339700698853)
    close(c:backward(SC, CLS), { 0.07707463204860687, 0.20951056480407715, -0.2865852117538452, -0.2839248478412628,
      0.013465385884046555, 0.27045947313308716, 0.1111111044883728, -0.222222238779068, 0.1111111044883728 })
    local cw = nn.CrossEntropyCriterion(W, false)
    close(cw:forward(SC, CLS), 5.088429927825928)
    close(cw:backward(SC, CLS), { 0.11561194062232971, 0.3142658472061157, -0.4298778176307678, -0.8517745733261108,
      0.040396157652139664, 0.8113784193992615, 0.6666666269302368, -1.3333333730697632, 0.6666666269302368 })
    close(c:forward(T({ 1, 2, 0.5 }), 2), 0.4643687903881073)
    close(c:backward(T({ 1, 2, 0.5 }), 2), { 0.23122388124465942, -0.37146830558776855, 0.14024437963962555 })
  end)
  it('errors name the criterion; inputs are unchanged', function()
    local c = nn.MSECriterion()
    local x = XC:clone()
    assert.has_error(function() c:forward(x, T({ 1, 2 })) end)
    local e = err(function() c:forward(x, T({ 1, 2 })) end)
    assert.is_truthy(e:match('^%[MSECriterion%] '), e)
    assert.are.equal('[MSECriterion] expected a Tensor as input, got nil', err(function() c:forward(nil, x) end))
    assert.are.equal('[ClassNLLCriterion] class target must be an integer, got 1.5',
      err(function() nn.ClassNLLCriterion():forward(nn.functional.log_softmax(SC, 2)[1], 1.5) end))
    local ce = err(function() nn.ClassNLLCriterion():forward(nn.functional.log_softmax(SC, 2), torch.tensor({ 1, 2, 4 })) end)
    assert.is_truthy(ce:match('^%[ClassNLLCriterion%] '), ce)
    assert.is_true(torch.equal(x, XC))
    assert.are.equal('[BCECriterion] weights must be a Tensor, got number', err(function() nn.BCECriterion(3) end))
  end)
  it('a user criterion', function()
    local Half = torch.class('nn.SpecHalfCriterion', 'nn.Criterion')
    function Half:updateOutput(input, target)
      self.output = (input - target):pow(2):sum():item() / 2
      return self.output
    end
    function Half:updateGradInput(input, target)
      self.gradInput = input - target
      return self.gradInput
    end
    local c = nn.SpecHalfCriterion()
    close(c:forward(T({ 1, 2 }), T({ 0, 0 })), 2.5)
    close(c:backward(T({ 1, 2 }), T({ 0, 0 })), { 1, 2 })
    assert.is_true(c.sizeAverage)
  end)
end)
