-- nn.Module and the simple layers: registration by assignment, iteration order, hooks, modes,
-- conversions, state_dict/load_state_dict, printing, containers, Linear/Bilinear/Identity/
-- Flatten/Unflatten, nn.init.  Expected values come from PyTorch 1.13 (the generating
-- snippets are quoted next to them); names of Sequential/ModuleList children are 1-based here.
local torch = require 'torch'
local nn = require 'nn'

-- ---------------------------------------------------------------------------- helpers
local H = dofile('test/spec_helpers.lua')
local close = H.close_within({ tol = 1e-6, digits = 10 })
-- the message of the error f raises, without its "file:line: " position
local err, T = H.err, H.T

local function names(iter)
  local r = {}
  for n in iter do r[#r + 1] = n end
  return r
end

-- PyTorch's M of the tests: own parameters registered around children and buffers
local function make_M()
  local M = nn.Module:extend('SpecM')
  function M:__init()
    nn.Module.__init(self)
    self.a = nn.Linear(1, 1)
    self.w = nn.Parameter(torch.ones(2))
    self:register_buffer('rb', torch.zeros(1))
    self:register_buffer('np', torch.zeros(1), false)
    self.b = nn.Sequential(nn.Linear(1, 2), nn.Tanh())
    self.v = nn.Parameter(torch.ones(1))
  end
  return M
end
local M = make_M()

local LR = nn.Module:extend('LR')
function LR:__init()
  nn.Module.__init(self)
  self.features = nn.Linear(2, 1)
  self.sigmoid = nn.Sigmoid()
end
function LR:forward(x) return self.sigmoid(self.features(x)) end

-- ---------------------------------------------------------------------------- tests
describe('nn.Parameter', function()
  it('is a leaf sharing storage that requires grad, marked as a parameter', function()
    local t = torch.ones(3)
    local p = nn.Parameter(t)
    assert.is_true(p.requires_grad)
    assert.is_true(p.is_leaf)
    assert.is_true(nn.is_parameter(p))
    assert.is_false(nn.is_parameter(t))
    assert.are.equal(t:data_ptr(), p:data_ptr())
    assert.is_false(nn.Parameter(t, false).requires_grad)
    assert.are.same({ 0 }, nn.Parameter():size():totable())
  end)
  it('rejects non-tensors and integer tensors that would require grad', function()
    assert.are.equal('[Parameter] expected a Tensor, got number', err(nn.Parameter, 3))
    assert.has_error(function() nn.Parameter(torch.tensor({ 1, 2 })) end)
    assert.is_false(nn.Parameter(torch.tensor({ 1, 2 }), false).requires_grad)
  end)
end)

describe('registration and iteration', function()
  it('orders parameters, buffers, children and modules as PyTorch', function()
    local m = M()
    -- PyTorch: [n for n, _ in M().named_parameters()]
    assert.are.same({ 'w', 'v', 'a.weight', 'a.bias', 'b.1.weight', 'b.1.bias' }, names(m:named_parameters()))
    assert.are.same({ 'rb', 'np' }, names(m:named_buffers()))
    assert.are.same({ 'a', 'b' }, names(m:named_children()))
    assert.are.same({ '', 'a', 'b', 'b.1', 'b.2' }, names(m:named_modules()))
    assert.are.equal(6, #m:parameters())
    assert.are.equal(m.w, m:parameters()[1])
    assert.are.equal(2, #m:buffers())
    assert.are.equal(2, #m:children())
    assert.are.equal(5, #m:modules())
    assert.are.equal(m, m:modules()[1])
  end)
  it('recurse = false, prefixes and option tables', function()
    local m = M()
    assert.are.same({ 'w', 'v' }, names(m:named_parameters('', false)))
    assert.are.same({ 'w', 'v' }, names(m:named_parameters({ recurse = false })))
    assert.are.equal(2, #m:parameters(false))
    assert.are.equal(2, #m:parameters({ recurse = false }))
    assert.are.same({ 'net.w', 'net.v', 'net.a.weight', 'net.a.bias', 'net.b.1.weight', 'net.b.1.bias' },
      names(m:named_parameters({ prefix = 'net' })))
    assert.are.same({ 'rb', 'np' }, names(m:named_buffers({ recurse = false })))
    assert.are.equal(0, #m.a:buffers())
    assert.are.equal('[named_parameters] unknown option \'recursive\'',
      err(function() m:named_parameters({ recursive = false }) end))
  end)
  it('shared parameters and modules are listed once', function()
    local lin = nn.Linear(2, 2)
    local seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert.are.equal(2, #seq:parameters())
    assert.are.same({ '1.weight', '1.bias' }, names(seq:named_parameters()))
    assert.are.same({ '', '1', '2' }, names(seq:named_modules()))
    assert.are.same({ '', '1', '2', '3' }, names(seq:named_modules({ remove_duplicate = false })))
    assert.are.equal(4, #names(seq:named_parameters({ remove_duplicate = false })))
    -- state_dict keeps every path, as PyTorch
    assert.are.same({ '1.weight', '1.bias', '3.weight', '3.bias' }, seq:state_dict():keys())
  end)
  it('re-assignment keeps the position, plain values are not registered', function()
    local m = M()
    m.a = nn.Linear(1, 1)
    m.count = 3
    m.t = torch.zeros(2) -- a plain tensor: neither parameter nor buffer
    assert.are.same({ 'w', 'v', 'a.weight', 'a.bias', 'b.1.weight', 'b.1.bias' }, names(m:named_parameters()))
    m.z = nn.Parameter(torch.zeros(1))
    assert.are.equal('z', names(m:named_parameters())[3])
    m.a = nil
    assert.are.same({ 'b' }, names(m:named_children()))
  end)
  it('register_parameter, register_buffer, add_module and their errors', function()
    local m = nn.Module()
    m:register_parameter('p', nn.Parameter(torch.ones(1)))
    m:register_parameter('q', nil)
    m:register_buffer('buf', torch.zeros(2))
    m:register_buffer('tmp', torch.zeros(1), { persistent = false })
    m:add_module('child', nn.ReLU())
    m:register_module('child2', nn.Tanh())
    assert.are.same({ 'p' }, names(m:named_parameters()))
    assert.are.same({ 'buf', 'tmp' }, names(m:named_buffers()))
    assert.are.same({ 'child', 'child2' }, names(m:named_children()))
    assert.are.same({ 'p', 'buf' }, m:state_dict():keys())
    m:register_buffer('buf', torch.ones(2)) -- replacing a buffer is allowed
    m:register_parameter('p', nil)
    assert.are.same({}, names(m:named_parameters()))
    -- PyTorch's messages (KeyError / TypeError there)
    assert.are.equal('[register_parameter] parameter name can\'t contain ".", got: a.b',
      err(function() m:register_parameter('a.b', nil) end))
    assert.are.equal('[register_parameter] attribute \'buf\' already exists in Module',
      err(function() m:register_parameter('buf', nil) end))
    assert.are.equal("[register_parameter] cannot assign 'torch.FloatTensor' object to parameter 'z' (nn.Parameter or nil required)",
      err(function() m:register_parameter('z', torch.ones(1)) end))
    assert.are.equal('[register_parameter] parameter name should be a string, got number',
      err(function() m:register_parameter(1, nil) end))
    assert.are.equal("[register_buffer] attribute 'child' already exists in Module",
      err(function() m:register_buffer('child', torch.ones(1)) end))
    assert.are.equal("[register_buffer] cannot assign 'number' object to buffer 'z' (Tensor or nil required)",
      err(function() m:register_buffer('z', 3) end))
    assert.are.equal("[add_module] attribute 'buf' already exists in Module",
      err(function() m:add_module('buf', nn.ReLU()) end))
    assert.are.equal("[add_module] attribute 'forward' already exists in Module",
      err(function() m:add_module('forward', nn.ReLU()) end))
    assert.are.equal('[add_module] number is not a Module subclass', err(function() m:add_module('z', 3) end))
    assert.are.equal('[add_module] module name can\'t be empty string ""', err(function() m:add_module('', nn.ReLU()) end))
  end)
  it('get_submodule, get_parameter, get_buffer', function()
    local m = M()
    assert.are.equal(m.b[1], m:get_submodule('b.1'))
    assert.are.equal(m, m:get_submodule(''))
    assert.are.equal(m.b[1].weight, m:get_parameter('b.1.weight'))
    assert.are.equal(m.rb, m:get_buffer('rb'))
    assert.are.equal('[get_submodule] Sequential has no submodule `7`', err(function() m:get_submodule('b.7') end))
    assert.are.equal('[get_parameter] Linear has no parameter `nope`', err(function() m:get_parameter('a.nope') end))
    assert.are.equal('[get_buffer] SpecM has no buffer `w`', err(function() m:get_buffer('w') end))
  end)
end)

describe('calling a module', function()
  it('net(x) runs forward; a class without forward errors', function()
    torch.manual_seed(0)
    local net = LR()
    local y = net(T({ { 1, 2 } }))
    assert.are.same({ 1, 1 }, y:size():totable())
    assert.is_truthy(tostring(y.grad_fn):match('^<SigmoidBackward0'))
    assert.are.equal('[Module] forward is not implemented: define Module:forward(input) (or updateOutput)',
      err(function() nn.Module()(torch.ones(1)) end))
    assert.are.equal('[ModuleList] forward is not implemented: define ModuleList:forward(input) (or updateOutput)',
      err(function() nn.ModuleList()(torch.ones(1)) end))
  end)
  it('forward hooks and pre-hooks, and removing them', function()
    local lin = nn.Linear(2, 2)
    local seen = {}
    local h1 = lin:register_forward_pre_hook(function(m, input)
      seen[#seen + 1] = 'pre'
      assert.are.equal(lin, m)
      return input[1] * 0
    end)
    local h2 = lin:register_forward_hook(function(m, input, output)
      seen[#seen + 1] = 'post'
      assert.are.equal(0, input[1]:abs():sum():item())
      return output + 100
    end)
    local y = lin(torch.ones(1, 2))
    assert.are.same({ 'pre', 'post' }, seen)
    close(y, (lin.bias + 100):detach():view(1, 2):tolist())
    h1:remove()
    h2:remove()
    h2:remove() -- twice is harmless
    close(lin(torch.zeros(1, 2)), lin.bias:detach():view(1, 2):tolist())
    local h3 = lin:register_forward_hook(function() end) -- returning nothing keeps the output
    close(lin(torch.zeros(1, 2)), lin.bias:detach():view(1, 2):tolist())
    h3:remove()
    assert.are.equal('[register_forward_hook] expected a function, got number',
      err(function() lin:register_forward_hook(3) end))
  end)
end)

describe('modes, gradients, apply, conversions', function()
  it('train / eval reach every module', function()
    local m = M()
    assert.is_true(m.training)
    assert.are.equal(m, m:eval())
    for _, x in ipairs(m:modules()) do assert.is_false(x.training) end
    m:train()
    for _, x in ipairs(m:modules()) do assert.is_true(x.training) end
    m.b:train(false)
    assert.is_true(m.training)
    assert.is_false(m.b[1].training)
    assert.are.equal('[train] training mode is expected to be boolean, got string',
      err(function() m:train('yes') end))
  end)
  it('zero_grad zeroes in place by default (PyTorch 1.13) or sets nil', function()
    local net = LR()
    net(torch.ones(3, 2)):sum():backward()
    local g = net.features.weight.grad
    assert.is_truthy(g)
    net:zero_grad()
    assert.are.equal(g:data_ptr(), net.features.weight.grad:data_ptr())
    assert.are.equal(0, net.features.weight.grad:abs():sum():item())
    net:zero_grad(true)
    assert.is_nil(net.features.weight.grad)
    net:zero_grad({ set_to_none = true })
  end)
  it('requires_grad_ and apply', function()
    local m = M()
    m:requires_grad_(false)
    for _, p in ipairs(m:parameters()) do assert.is_false(p.requires_grad) end
    m:requires_grad_()
    for _, p in ipairs(m:parameters()) do assert.is_true(p.requires_grad) end
    local order = {}
    m:apply(function(x) order[#order + 1] = x:_get_name() end) -- children first
    assert.are.same({ 'Linear', 'Linear', 'Tanh', 'Sequential', 'SpecM' }, order)
    m:apply(function(x) if torch.typename(x) == 'nn.Linear' then nn.init.zeros_(x.weight) end end)
    assert.are.equal(0, m.a.weight:abs():sum():item())
  end)
  it('double()/float()/to() convert in place, keeping leaves, grads and buffers', function()
    local m = M()
    m:register_buffer('steps', torch.tensor({ 3 })) -- an integer buffer stays integer
    local w = m.a.weight
    m.a(torch.ones(1, 1)):sum():backward()
    assert.are.equal(m, m:double())
    assert.are.equal(w, m.a.weight)
    assert.are.equal(torch.float64, w.dtype)
    assert.is_true(w.requires_grad and w.is_leaf)
    assert.are.equal(torch.float64, w.grad.dtype)
    assert.are.equal(torch.float64, m.rb.dtype)
    assert.are.equal(torch.int64, m.steps.dtype)
    m.a(torch.ones(1, 1, { dtype = torch.float64 })):sum():backward() -- still trains
    close(w.grad, { 2 })
    m:float()
    assert.are.equal(torch.float32, w.dtype)
    m:to(torch.float64)
    assert.are.equal(torch.float64, m.v.dtype)
    m:to({ dtype = torch.float32 })
    assert.are.equal(torch.float32, m.v.dtype)
    m:to(torch.zeros(1, { dtype = torch.float64 }))
    assert.are.equal(torch.float64, m.v.dtype)
    m:to('cpu')
    m:cpu()
    m:half()
    assert.are.equal(torch.float16, m.v.dtype)
    m:type('torch.FloatTensor')
    assert.are.equal(torch.float32, m.v.dtype)
    assert.are.equal(torch.float32, m.steps.dtype) -- type() casts every tensor, as PyTorch's
    assert.are.equal('nn.Linear', m.a:type())
    assert.are.equal('[to] nn.Module.to only accepts floating point dtypes, but got desired dtype=torch.int64',
      err(function() m:to(torch.int64) end))
    assert.are.equal("[to] unknown option 'dtyp'", err(function() m:to({ dtyp = torch.float64 }) end))
    if not torch.cuda.is_available() then
      local why = select(2, torch.cuda.is_available())
      assert.are.equal('[cuda] cannot move SpecM to cuda:0: CUDA is not available: ' .. why, err(function() m:cuda() end))
      assert.are.equal('[to] cannot move SpecM to cuda:1: CUDA is not available: ' .. why, err(function() m:to('cuda:1') end))
    end
    assert.are.equal(torch.float32, m.v.dtype) -- unchanged by the failed calls
  end)
end)

describe('state_dict / load_state_dict', function()
  it('orders parameters, persistent buffers, then children (PyTorch)', function()
    local m = M()
    local sd = m:state_dict()
    -- list(M().state_dict().keys()) in PyTorch (b.1 there is b.2 here: 1-based children)
    assert.are.same({ 'w', 'v', 'rb', 'a.weight', 'a.bias', 'b.1.weight', 'b.1.bias' }, sd:keys())
    local got = {}
    for k, t in sd:items() do got[#got + 1] = k; assert.is_true(torch.is_tensor(t)) end
    assert.are.same(sd:keys(), got)
    local n = 0
    for _ in pairs(sd) do n = n + 1 end
    assert.are.equal(7, n)
    assert.are.equal(7, #sd:values())
    -- detached, sharing storage
    assert.is_false(sd.w.requires_grad)
    assert.are.equal(m.w:data_ptr(), sd.w:data_ptr())
    local kv = m:state_dict({ keep_vars = true })
    assert.are.equal(m.w, kv.w)
    local pk = m:state_dict({ prefix = 'p.' }):keys()
    assert.are.same({ 'p.w', 'p.v', 'p.rb' }, { pk[1], pk[2], pk[3] })
    assert.is_truthy(tostring(nn.Linear(1, 1, false):state_dict()):match("^OrderedDict%(%[%('weight', tensor%(%[%[[-0-9.]+%]%]%)%)%]%)$"))
  end)
  it('loads a state dict (copying values and dtypes) into another model', function()
    torch.manual_seed(1)
    local a, b = LR(), LR()
    b:double()
    local r = b:load_state_dict(a:state_dict())
    assert.are.same({ missing_keys = {}, unexpected_keys = {} }, r)
    close(b.features.weight, a.features.weight:detach():tolist(), 1e-7)
    assert.are.equal(torch.float64, b.features.weight.dtype)
    assert.are.equal(b.features.weight, b:parameters()[1]) -- the same leaf, values copied in
    -- a plain table works too
    b:load_state_dict({ ['features.weight'] = torch.zeros(1, 2), ['features.bias'] = torch.ones(1) })
    close(b.features.bias, { 1 })
  end)
  it('strict mode names missing, unexpected and mismatched keys; nothing changes on error', function()
    local net = LR()
    local before = net.features.weight:detach():clone()
    local sd = { ['features.weight'] = torch.zeros(1, 3), extra = torch.zeros(1) }
    -- PyTorch 1.13's text (shapes printed as (1, 3) here)
    assert.are.equal('[load_state_dict] Error(s) in loading state_dict for LR:\n' ..
      '\tMissing key(s) in state_dict: "features.bias". \n' ..
      '\tUnexpected key(s) in state_dict: "extra". \n' ..
      '\tsize mismatch for features.weight: copying a param with shape (1, 3) from checkpoint, the shape in current model is (1, 2).',
      err(function() net:load_state_dict(sd) end))
    assert.are.equal('[load_state_dict] Error(s) in loading state_dict for LR:\n' ..
      '\tsize mismatch for features.weight: copying a param with shape (1, 3) from checkpoint, the shape in current model is (1, 2).',
      err(function() net:load_state_dict(sd, false) end))
    -- a good key before the bad one was not copied either
    local sd2 = { ['features.bias'] = torch.full({ 1 }, 7.0), ['features.weight'] = torch.zeros(2, 2) }
    assert.has_error(function() net:load_state_dict(sd2) end)
    assert.are.equal(before:tolist()[1][1], net.features.weight:detach():tolist()[1][1])
    assert.are_not.equal(7, net.features.bias:item())
    assert.are.equal('[load_state_dict] Error(s) in loading state_dict for LR:\n' ..
      '\tWhile copying the parameter named "features.bias", expected a Tensor from checkpoint but received number',
      err(function() net:load_state_dict({ ['features.bias'] = 3 }, false) end))
    assert.are.equal('[load_state_dict] expected a table of name -> Tensor, got nil', err(function() net:load_state_dict() end))
  end)
  it('non-strict mode returns the missing and unexpected keys', function()
    local net = LR()
    local sd = net:state_dict()
    sd['features.bias'] = nil
    sd.extra = torch.zeros(1)
    -- PyTorch: _IncompatibleKeys(missing_keys=['features.bias'], unexpected_keys=['extra'])
    assert.are.same({ missing_keys = { 'features.bias' }, unexpected_keys = { 'extra' } },
      net:load_state_dict(sd, { strict = false }))
  end)
  it('round-trips buffers, skips non-persistent ones, loses (when strict) nothing', function()
    local a, b = M(), M()
    a.rb:fill_(5)
    a.np:fill_(6)
    b:load_state_dict(a:state_dict())
    close(b.rb, { 5 })
    close(b.np, { 0 })
    local ce = nn.CrossEntropyLoss({ weight = torch.ones(3) })
    assert.are.same({ 'weight' }, ce:state_dict():keys())
    assert.are.same({ 'weight', 'pos_weight' },
      nn.BCEWithLogitsLoss({ pos_weight = torch.ones(2), weight = torch.ones(2) }):state_dict():keys())
  end)
  it('nn.OrderedDict keeps insertion order and prints like Python', function()
    local d = nn.OrderedDict({ { 'b', torch.zeros(1) }, { 'a', torch.ones(1) } })
    assert.are.same({ 'b', 'a' }, d:keys())
    d.c = torch.ones(1) -- added later: listed after the ordered ones
    assert.are.same({ 'b', 'a', 'c' }, d:keys())
    assert.are.equal("OrderedDict([('b', tensor([0.])), ('a', tensor([1.])), ('c', tensor([1.]))])", tostring(d))
  end)
end)

describe('printing', function()
  it('prints the tree like PyTorch', function()
    assert.are.equal('LR(\n  (features): Linear(in_features=2, out_features=1, bias=True)\n  (sigmoid): Sigmoid()\n)',
      tostring(LR()))
    assert.are.equal(table.concat({
      'Sequential(',
      '  (1): Linear(in_features=2, out_features=3, bias=True)',
      '  (2): ReLU()',
      '  (3): Sequential(',
      '    (1): Linear(in_features=3, out_features=3, bias=True)',
      '    (2): Tanh()',
      '  )',
      ')' }, '\n'), tostring(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 3), nn.Tanh()))))
    assert.are.equal('ModuleList(\n  (1): Linear(in_features=2, out_features=2, bias=True)\n  (2): ReLU()\n)',
      tostring(nn.ModuleList({ nn.Linear(2, 2), nn.ReLU() })))
    assert.are.equal('ModuleDict(\n  (a): Linear(in_features=1, out_features=1, bias=True)\n  (b): ReLU()\n)',
      tostring(nn.ModuleDict({ b = nn.ReLU(), a = nn.Linear(1, 1) })))
    assert.are.equal('Module()', tostring(nn.Module()))
  end)
  it('prints the layers as PyTorch', function()
    local cases = {
      { nn.ReLU(), 'ReLU()' }, { nn.ReLU(true), 'ReLU(inplace=True)' },
      { nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)' },
      { nn.LeakyReLU(0.2, true), 'LeakyReLU(negative_slope=0.2, inplace=True)' },
      { nn.ELU(), 'ELU(alpha=1.0)' }, { nn.ELU({ alpha = 0.5 }), 'ELU(alpha=0.5)' },
      { nn.GELU(), "GELU(approximate='none')" }, { nn.GELU('tanh'), "GELU(approximate='tanh')" },
      { nn.SiLU(), 'SiLU()' }, { nn.Mish(), 'Mish()' }, { nn.Sigmoid(), 'Sigmoid()' }, { nn.Tanh(), 'Tanh()' },
      { nn.Softplus(), 'Softplus(beta=1, threshold=20)' }, { nn.Softplus(2, 10), 'Softplus(beta=2, threshold=10)' },
      { nn.Softplus(0.5), 'Softplus(beta=0.5, threshold=20)' },
      { nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)' },
      { nn.Hardtanh(-0.5, 0.5), 'Hardtanh(min_val=-0.5, max_val=0.5)' },
      { nn.Softmax(), 'Softmax(dim=None)' }, { nn.Softmax(2), 'Softmax(dim=2)' },
      { nn.LogSoftmax({ dim = 1 }), 'LogSoftmax(dim=1)' },
      { nn.Flatten(), 'Flatten(start_dim=2, end_dim=-1)' },
      { nn.Unflatten(2, { 2, 5 }), 'Unflatten(dim=2, unflattened_size=(2, 5))' },
      { nn.Unflatten(2, { 5 }), 'Unflatten(dim=2, unflattened_size=(5,))' },
      { nn.Identity(), 'Identity()' },
      { nn.Linear(2, 1, false), 'Linear(in_features=2, out_features=1, bias=False)' },
      { nn.Bilinear(2, 3, 2), 'Bilinear(in1_features=2, in2_features=3, out_features=2, bias=True)' },
      { nn.MSELoss(), 'MSELoss()' }, { nn.CrossEntropyLoss(), 'CrossEntropyLoss()' },
      { nn.HuberLoss(), 'HuberLoss()' }, { nn.BCEWithLogitsLoss({ pos_weight = torch.ones(2) }), 'BCEWithLogitsLoss()' },
    }
    for _, c in ipairs(cases) do assert.are.equal(c[2], tostring(c[1])) end
  end)
end)

describe('containers', function()
  it('Sequential: construction, indexing, Torch7 and PyTorch list methods', function()
    local a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    local s = nn.Sequential(a, b)
    assert.are.equal(2, #s)
    assert.are.equal(a, s[1])
    assert.are.equal(s, s:add(c))
    assert.are.equal(3, #s)
    assert.are.equal(3, s:size())
    assert.are.equal(c, s:get(-1))
    -- Torch7's seq.modules
    assert.are.equal(b, s.modules[2])
    assert.are.equal(3, #s.modules)
    assert.are.equal(4, #s:modules()) -- PyTorch's modules(): the container and its children
    local t = nn.Tanh()
    s:insert(2, t)                   -- PyTorch order: before position 2
    assert.are.equal(t, s[2])
    assert.are.equal(b, s[3])
    assert.are.equal(t, s:remove(2)) -- Torch7's remove(index)
    assert.are.equal(b, s[2])
    s:insert(t)                      -- Torch7: insert(module) appends
    assert.are.equal(t, s[4])
    assert.are.equal(t, s:pop())
    assert.are.equal(3, #s)
    s:extend({ nn.Identity(), nn.Identity() })
    assert.are.equal(5, #s)
    assert.are.same({ '1.weight', '1.bias', '3.weight', '3.bias' }, names(s:named_parameters()))
    s[2] = nn.Tanh() -- replacing a child
    assert.are.equal('Tanh', s[2]:_get_name())
    local s2 = nn.Sequential({ nn.ReLU(), nn.Tanh() }) -- a list works too
    assert.are.equal(2, #s2)
    assert.are.equal(0, #nn.Sequential())
    local x = T({ { 1, -2 } })
    assert.are.equal(x, nn.Sequential()(x)) -- empty: the input
    local n = 0
    for i, m in ipairs(s) do n = i end
    assert.are.equal(5, n)
  end)
  it('Sequential runs its children in order and names the failing one', function()
    torch.manual_seed(0)
    local s = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    local x = T({ { 1, 2 }, { -1, 0.5 } })
    local want = s[3](s[2](s[1](x)))
    close(s(x), want:detach():tolist())
    local e = err(function() s(T({ { 1, 2, 3 } })) end)
    assert.are.equal('[Linear] expected input with last dimension 2, got shape (1, 3)\n    in module 1 (Linear) of Sequential', e)
    local outer = nn.Sequential(nn.Identity(), s)
    assert.are.equal('[Linear] expected input with last dimension 2, got shape (1, 3)\n    in module 1 (Linear) of Sequential'
      .. '\n    in module 2 (Sequential) of Sequential', err(function() outer(T({ { 1, 2, 3 } })) end))
  end)
  it('Sequential and ModuleList errors', function()
    local s = nn.Sequential(nn.ReLU())
    assert.are.equal('[Sequential.add] module must be a Module, got number', err(function() s:add(3) end))
    assert.are.equal('[Sequential] module 2 must be a Module, got string', err(function() nn.Sequential(nn.ReLU(), 'x') end))
    assert.are.equal('[Sequential.get] index 3 is out of range for Sequential of length 1', err(function() s:get(3) end))
    assert.are.equal('[Sequential.insert] index 5 is out of range for Sequential of length 1',
      err(function() s:insert(5, nn.ReLU()) end))
    assert.are.equal('[ModuleList] expected a list of modules, got nn.ReLU', err(function() nn.ModuleList(nn.ReLU()) end))
    assert.are.equal(1, #s) -- unchanged
  end)
  it('ModuleList', function()
    local l = nn.ModuleList({ nn.Linear(1, 2), nn.Linear(2, 3) })
    assert.are.equal(2, #l)
    l:append(nn.ReLU())
    l:insert(1, nn.Tanh())
    assert.are.equal('Tanh', l[1]:_get_name())
    assert.are.equal(4, l:len())
    assert.are.same({ '2.weight', '2.bias', '3.weight', '3.bias' }, names(l:named_parameters()))
    l:extend(nn.ModuleList({ nn.Identity() }))
    assert.are.equal(5, #l)
    assert.are.equal('Identity', l:pop():_get_name())
    assert.are.equal('ReLU', l:pop(-1):_get_name())
    assert.are.equal(3, #l)
  end)
  it('ModuleDict', function()
    local d = nn.ModuleDict({ { 'enc', nn.Linear(2, 3) }, { 'act', nn.ReLU() } }) -- ordered pairs
    assert.are.same({ 'enc', 'act' }, d:keys())
    assert.are.equal('Linear', d.enc:_get_name())
    assert.are.equal(d.enc, d['enc'])
    d:update({ z = nn.Tanh(), dec = nn.Linear(3, 2) }) -- a plain table: added in key order
    assert.are.same({ 'enc', 'act', 'dec', 'z' }, d:keys())
    d.out = nn.Sigmoid() -- plain assignment registers too
    assert.are.equal(5, d:len())
    assert.is_true(d:contains('out'))
    assert.is_false(d:contains('nope'))
    assert.are.same({ 'enc.weight', 'enc.bias', 'dec.weight', 'dec.bias' }, names(d:named_parameters()))
    local seen = {}
    for k, m in d:items() do seen[#seen + 1] = k .. '=' .. m:_get_name() end
    assert.are.equal('enc=Linear act=ReLU dec=Linear z=Tanh out=Sigmoid', table.concat(seen, ' '))
    assert.are.equal(5, #d:values())
    assert.are.equal('ReLU', d:pop('act'):_get_name())
    d.act = nn.ReLU() -- back at the end
    assert.are.same({ 'enc', 'dec', 'z', 'out', 'act' }, d:keys())
    d:set('z', nn.Identity())
    assert.are.equal('Identity', d.z:_get_name())
    assert.are.equal("[ModuleDict.set] key 'keys' is the name of a method or attribute of ModuleDict",
      err(function() d:set('keys', nn.ReLU()) end))
    assert.are.equal('[ModuleDict.update] keys must be non-empty strings without ".", got a.b',
      err(function() d:update({ ['a.b'] = nn.ReLU() }) end))
    assert.are.equal("[ModuleDict.pop] no module named 'nope'", err(function() d:pop('nope') end))
    d:clear()
    assert.are.equal(0, d:len())
    assert.are.same({}, names(d:named_children()))
  end)
end)

describe('Linear, Bilinear, Identity, Flatten, Unflatten', function()
  it('Linear: PyTorch initialisation and values', function()
    -- torch.manual_seed(0); l = nn.Linear(3, 2)
    torch.manual_seed(0)
    local l = nn.Linear(3, 2)
    close(l.weight, { { -0.004322517663240433, 0.3097158372402191, -0.4751853346824646 },
      { -0.4248946011066437, -0.2223689705133438, 0.15482072532176971 } }, 1e-7)
    close(l.bias, { -0.011439144611358643, 0.45777493715286255 }, 1e-7)
    local x = T({ { 1, 2, 3 }, { 4, 5, 6 } })
    local want = { { -0.8218860030174255, 0.0526045560836792 }, { -1.3312621116638184, -1.4247241020202637 } }
    close(l(x), want, 1e-6)
    close(l(T({ 1, 2, 3 })), want[1], 1e-6)                                 -- 1-D input
    close(l(x:view(1, 2, 3)), want, 1e-6)                                 -- batch dims
    close(l(x:t():contiguous():t()), want, 1e-6)                          -- non-contiguous
    assert.are.same({ 0, 2 }, l(torch.zeros(0, 3)):size():totable())     -- empty batch
    assert.is_truthy(tostring(l(x).grad_fn):match('^<AddmmBackward0'))
    local nb = nn.Linear(3, 2, false)
    assert.is_nil(nb.bias)
    assert.are.same({ 'weight' }, names(nb:named_parameters()))
    close(nb(x), torch.mm(x, nb.weight:t()):detach():tolist())
    local l64 = nn.Linear(3, 2, { dtype = torch.float64 })
    assert.are.equal(torch.float64, l64.weight.dtype)
    assert.are.equal(torch.float64, l64(x:double()).dtype)
    assert.is_nil(nn.Linear(2, 2, { bias = false }).bias)
  end)
  it('Linear: gradients through autograd', function()
    local l = nn.Linear(3, 2, { dtype = torch.float64 })
    local x = torch.randn(4, 3, { dtype = torch.float64, requires_grad = true })
    assert.is_true(torch.autograd.gradcheck(function(a, w, b) return torch.addmm(b, a, w:t()) end,
      { x, l.weight, l.bias }))
    l(x):sum():backward()
    close(l.bias.grad, { 4, 4 })
    close(l.weight.grad, { x:detach():sum(1):tolist(), x:detach():sum(1):tolist() }, 1e-12)
  end)
  it('Linear: errors name the module and the shapes', function()
    local l = nn.Linear(2, 1)
    assert.are.equal('[Linear] expected input with last dimension 2, got shape (3, 5)', err(function() l(torch.zeros(3, 5)) end))
    assert.are.equal('[Linear] expected input with last dimension 2, got shape ()', err(function() l(torch.tensor(1.5)) end))
    assert.are.equal('[Linear] expected input of dtype float32 (the dtype of the weight), got float64',
      err(function() l(torch.zeros(3, 2, { dtype = torch.float64 })) end))
    assert.are.equal('[Linear] expected a Tensor as input, got nil', err(function() l() end))
    assert.are.equal('[Linear] in_features must be a non-negative integer, got -1', err(function() nn.Linear(-1, 2) end))
    assert.are.equal('[Linear] out_features must be a non-negative integer, got 1.5', err(function() nn.Linear(1, 1.5) end))
    assert.are.equal("[Linear] unknown option 'bais'", err(function() nn.Linear(1, 1, { bais = false }) end))
    if not torch.cuda.is_available() then
      assert.are.equal('[Linear] cannot create parameters on cuda:0: CUDA is not available: '
        .. select(2, torch.cuda.is_available()), err(function() nn.Linear(1, 1, { device = 'cuda' }) end))
    end
  end)
  it('Bilinear: PyTorch initialisation, values and gradients', function()
    -- torch.manual_seed(0); b = nn.Bilinear(2, 3, 2)
    torch.manual_seed(0)
    local b = nn.Bilinear(2, 3, 2)
    close(b.weight, { { { -0.005293981172144413, 0.37932288646698, -0.5819807648658752 },
      { -0.5203874707221985, -0.27234524488449097, 0.1896158903837204 } },
      { { -0.014010033570230007, 0.5606575012207031, -0.06275151669979095 },
        { 0.1871093362569809, -0.2136969119310379, -0.13899271190166473 } } }, 1e-7)
    close(b.bias, { -0.6755334138870239, -0.4683041572570801 }, 1e-7)
    local x1, x2 = T({ { 1, 2 }, { 0.5, -1 } }), T({ { 1, 0, -1 }, { 2, 1, 0.5 } })
    local want = { { -1.5188533067703247, 0.23264139890670776 }, { 0.5816510915756226, -0.30869874358177185 } }
    close(b(x1, x2), want, 1e-6)
    close(b(x1:view(2, 1, 2), x2:view(2, 1, 3)), want, 1e-6)
    close(b(x1[1], x2[1]), want[1], 1e-6)
    local b64 = nn.Bilinear(2, 3, 2, { dtype = torch.float64 })
    local a, c = torch.randn(3, 2, { dtype = torch.float64, requires_grad = true }),
      torch.randn(3, 3, { dtype = torch.float64, requires_grad = true })
    assert.is_true(torch.autograd.gradcheck(function(p, q, w, bb) return nn._bilinear(p, q, w, bb) end,
      { a, c, b64.weight, b64.bias }))
    assert.are.equal('[Bilinear] expected inputs of shapes (..., 2) and (..., 3) with the same leading dimensions, got (2, 2) and (3, 3)',
      err(function() b(torch.zeros(2, 2), torch.zeros(3, 3)) end))
    assert.is_nil(nn.Bilinear(1, 1, 1, false).bias)
  end)
  it('Identity, Flatten, Unflatten', function()
    local x = torch.randn(2, 3, 4)
    assert.are.equal(x, nn.Identity()(x))
    assert.are.equal(x, nn.Identity(3, 'ignored')(x))
    assert.are.same({ 2, 12 }, nn.Flatten()(x):size():totable())
    assert.are.same({ 24 }, nn.Flatten(1)(x):size():totable())
    assert.are.same({ 6, 4 }, nn.Flatten(1, 2)(x):size():totable())
    assert.are.same({ 2, 3, 4 }, nn.Flatten(-1)(x):size():totable())
    assert.are.same({ 2, 12 }, nn.Flatten({ start_dim = -2 })(x):size():totable())
    assert.are.same({ 3, 4 }, nn.Flatten()(torch.zeros(3, 4)):size():totable())
    assert.are.same({ 2, 12 }, nn.Flatten()(x:transpose(2, 3)):size():totable()) -- non-contiguous
    assert.are.same({ 2, 3, 2, 2 }, nn.Unflatten(3, { 2, 2 })(x):size():totable())
    assert.are.same({ 2, 3, 2, 2 }, nn.Unflatten(-1, { 2, -1 })(x):size():totable())
    assert.are.same({ 2, 1, 3, 4 }, nn.Unflatten(2, torch.Size({ 1, 3 }))(x):size():totable())
    assert.are.equal('[Flatten] start_dim 3 comes after end_dim 2 for an input of shape (2, 3, 4)',
      err(function() nn.Flatten(3, 2)(x) end))
    assert.are.equal('[Flatten] start_dim 5 / end_dim -1 out of range for an input of shape (2, 3, 4)',
      err(function() nn.Flatten(5)(x) end))
    assert.are.equal('[Unflatten] unflattened_size (2, 3) does not multiply to the size 4 of dim 3 (input shape (2, 3, 4))',
      err(function() nn.Unflatten(3, { 2, 3 })(x) end))
    assert.are.equal('[Unflatten] cannot unflatten dim 3 of size 4 into (3, -1)', err(function() nn.Unflatten(3, { 3, -1 })(x) end))
    assert.are.equal('[Unflatten] dim 4 out of range for an input of shape (2, 3, 4)', err(function() nn.Unflatten(4, { 1 })(x) end))
    assert.are.equal('[Flatten] start_dim must be a nonzero integer (1-based, negative from the end), got 0',
      err(function() nn.Flatten(0) end))
    local g = torch.randn(2, 6, { requires_grad = true })
    assert.is_truthy(tostring(nn.Unflatten(2, { 2, 3 })(g).grad_fn):match('Backward0'))
  end)
end)

describe('nn.init', function()
  -- values: torch.manual_seed(1); nn.init.<f>(torch.empty(3, 5), ...) in PyTorch 1.13
  local function fresh() return torch.empty(3, 5) end
  it('xavier and kaiming initialisers draw PyTorch\'s numbers', function()
    local t = fresh()
    torch.manual_seed(1); assert.are.equal(t, nn.init.xavier_uniform_(t))
    close(t, { { 0.44623100757598877, -0.3822447657585144, -0.16788896918296814, 0.4064854085445404, -0.8153082728385925 },
      { 0.5193703770637512, -0.1781633496284485, 0.44058510661125183, 0.12039224058389664, -0.10603974759578705 },
      { 0.24020159244537354, 0.04272257909178734, 0.31629687547683716, -0.337490975856781, -0.06314083933830261 } })
    torch.manual_seed(1); nn.init.xavier_normal_(t, 2.0)
    close(t, { { 0.6613521575927734, 0.266924113035202, 0.06167725846171379, 0.6213173270225525, -0.4519059658050537 },
      { -0.16613022983074188, -1.522768497467041, 0.38168391585350037, -1.0276086330413818, -0.563052773475647 },
      { -0.8922905325889587, -0.05825017765164375, -0.19550958275794983, -0.9656359553337097, 0.4224153161048889 } })
    torch.manual_seed(1); nn.init.kaiming_uniform_(t, 0.1, 'fan_out', 'leaky_relu')
    close(t, { { 0.7250758409500122, -0.6211053133010864, -0.27280092239379883, 0.6604936718940735, -1.3247853517532349 },
      { 0.8439191579818726, -0.28949564695358276, 0.7159019112586975, 0.19562402367591858, -0.17230281233787537 },
      { 0.3903009295463562, 0.06941944360733032, 0.5139473080635071, -0.5483853220939636, -0.10259684920310974 } })
    torch.manual_seed(1); nn.init.kaiming_normal_(t, { mode = 'fan_in', nonlinearity = 'relu' })
    close(t, { { 0.4182758331298828, 0.16881762444972992, 0.03900812193751335, 0.39295557141304016, -0.2858104407787323 },
      { -0.10506998747587204, -0.9630833268165588, 0.24139809608459473, -0.6499167084693909, -0.35610586404800415 },
      { -0.5643340945243835, -0.03684064745903015, -0.12365111708641052, -0.6107217669487, 0.2671588957309723 } })
    local t4 = torch.empty(2, 3, 2, 2)
    torch.manual_seed(1); nn.init.kaiming_uniform_(t4)
    close(t4, { 0.36434608697891235, -0.3121015429496765, -0.13708077371120453, 0.3318939507007599, -0.665696382522583,
      0.42406412959098816, -0.1454697549343109, 0.35973623394966125, 0.09829985350370407, -0.08658108860254288,
      0.19612377882003784, 0.034882839769124985, 0.2582553029060364, -0.2755602300167084, -0.051554277539253235,
      -0.0636589378118515, 0.1024908497929573, -0.002824766095727682, 0.6181291937828064, 0.22004464268684387,
      -0.26333096623420715, -0.4270651638507843, -0.11852215975522995, -0.30500391125679016 })
    local t64 = torch.empty(4, 4, { dtype = torch.float64 })
    torch.manual_seed(2); nn.init.xavier_normal_(t64)
    close(t64, { -0.39302192247996165, -0.21944728846562184, 0.6831857835171015, -0.25472110274034576,
      -0.8072862731669421, 0.21761368687230492, -0.027255909177615636, -0.26314163121829287,
      -1.0456481564581257, 0.05303116865230739, 0.3873575123201534, -0.5689164035800522,
      -0.7554442294009603, -0.5706265401359646, -0.25180365850398123, 0.29330077014853945 }, 1e-12)
  end)
  it('uniform_, normal_, trunc_normal_, constant_, ones_, zeros_, eye_', function()
    local t = fresh()
    torch.manual_seed(1); nn.init.uniform_(t, -2, 3)
    close(t[1], { 1.7881579399108887, -0.6034455895423889, 0.015346288681030273, 1.6734223365783691, -1.8535921573638916 })
    torch.manual_seed(1); nn.init.normal_(t, { mean = 1, std = 0.5 })
    close(t[1], { 1.3306760787963867, 1.1334620714187622, 1.0308386087417603, 1.3106586933135986, 0.7740470170974731 })
    torch.manual_seed(1); nn.init.trunc_normal_(t, 0, 1, -1, 1)
    close(t[1], { 0.45621517300605774, -0.387108713388443, -0.16664065420627594, 0.41305437684059143, -0.9205394387245178 })
    close(nn.init.constant_(fresh(), 0.25), { { 0.25, 0.25, 0.25, 0.25, 0.25 }, { 0.25, 0.25, 0.25, 0.25, 0.25 }, { 0.25, 0.25, 0.25, 0.25, 0.25 } })
    assert.are.equal(15, nn.init.ones_(fresh()):sum():item())
    assert.are.equal(0, nn.init.zeros_(fresh()):abs():sum():item())
    close(nn.init.eye_(torch.empty(2, 4)), { { 1, 0, 0, 0 }, { 0, 1, 0, 0 } })
    close(nn.init.eye_(torch.empty(3, 2)), { { 1, 0 }, { 0, 1 }, { 0, 0 } })
  end)
  it('orthogonal_ matches PyTorch (QR of a normal sample)', function()
    local t = fresh()
    torch.manual_seed(1); nn.init.orthogonal_(t)
    close(t, { { 0.6298038959503174, 0.2541911005973816, 0.05873508378863335, 0.5916787981987, -0.43034884333610535 },
      { 0.20212264358997345, -0.7363055348396301, 0.24200047552585602, -0.2997775673866272, -0.5182371735572815 },
      { -0.06606793403625488, 0.5379763245582581, -0.24128350615501404, -0.55849689245224, -0.5797241926193237 } }, 1e-5)
    local t2 = torch.empty(5, 3)
    torch.manual_seed(1); nn.init.orthogonal_(t2, 0.5)
    close(t2, { { 0.17681699991226196, 0.09065531939268112, -0.09653934091329575 },
      { 0.16611343622207642, -0.15445415675640106, -0.41330859065055847 },
      { -0.40712255239486694, 0.1310114562511444, -0.20363925397396088 },
      { -0.15053600072860718, -0.3039695620536804, -0.07167677581310272 },
      { -0.05227081850171089, -0.32918697595596313, 0.15247835218906403 } }, 1e-5)
    local q = t2:t():mm(t2) / 0.25
    close(q, { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, 1e-5)
  end)
  it('calculate_gain and fans', function()
    for _, nl in ipairs({ 'linear', 'conv2d', 'sigmoid' }) do assert.are.equal(1, nn.init.calculate_gain(nl)) end
    close(nn.init.calculate_gain('tanh'), 1.6666666666666667, 1e-15)
    close(nn.init.calculate_gain('relu'), 1.4142135623730951, 1e-15)
    close(nn.init.calculate_gain('leaky_relu'), 1.4141428569978354, 1e-15)
    close(nn.init.calculate_gain('leaky_relu', 0.2), 1.3867504905630728, 1e-15)
    assert.are.equal(0.75, nn.init.calculate_gain('selu'))
    local fi, fo = nn.init._calculate_fan_in_and_fan_out(torch.empty(2, 3, 2, 2))
    assert.are.same({ 12, 8 }, { fi, fo })
    assert.are.equal('[init.calculate_gain] Unsupported nonlinearity swish', err(nn.init.calculate_gain, 'swish'))
    assert.are.equal('[init] Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape (3,)',
      err(nn.init.xavier_uniform_, torch.empty(3)))
    assert.are.equal('[init.kaiming_uniform_] Mode fan_avg not supported, please use one of fan_in, fan_out',
      err(nn.init.kaiming_uniform_, fresh(), { mode = 'fan_avg' }))
    assert.are.equal('[init.eye_] Only tensors with 2 dimensions are supported, got shape (2, 2, 2)',
      err(nn.init.eye_, torch.empty(2, 2, 2)))
    assert.are.equal('[init.orthogonal_] Only tensors with 2 or more dimensions are supported, got shape (3,)',
      err(nn.init.orthogonal_, torch.empty(3)))
    assert.are.equal('[init.uniform_] expected a Tensor, got nil', err(nn.init.uniform_))
    assert.are.equal("[init.normal_] unknown option 'sd'", err(nn.init.normal_, fresh(), { sd = 1 }))
  end)
  it('works on parameters (under no_grad) and skips empty tensors', function()
    local p = nn.Parameter(torch.empty(2, 2))
    nn.init.kaiming_uniform_(p)
    nn.init.orthogonal_(p)
    assert.is_true(p.is_leaf and p.requires_grad)
    assert.is_nil(p.grad_fn)
    assert.are.same({ 0, 3 }, nn.init.kaiming_uniform_(torch.empty(0, 3)):size():totable())
  end)
end)

describe('classes and copies', function()
  it('Torch7-style subclasses: torch.class with parent.__init and updateOutput', function()
    local Scale, parent = torch.class('SpecScale', 'nn.Module')
    function Scale:__init(n)
      parent.__init(self)
      self.weight = nn.Parameter(torch.ones(n))
    end
    function Scale:updateOutput(x)
      self.output = x * self.weight
      return self.output
    end
    local s = SpecScale(3)
    assert.are.same({ 'weight' }, names(s:named_parameters()))
    close(s(T({ 1, 2, 3 })), { 1, 2, 3 })
    assert.are.equal('SpecScale()', tostring(s))
    assert.are.equal('SpecScale', torch.typename(s))
    local s2 = Scale(2) -- the metatable constructs too
    assert.are.equal(2, s2.weight:numel())
    -- a subclass of a subclass
    local Sub = nn.Linear:extend('SpecSubLinear')
    function Sub:updateOutput(x) return nn.Linear.updateOutput(self, x) * 2 end
    local l = Sub(2, 2)
    assert.are.equal('SpecSubLinear(in_features=2, out_features=2, bias=True)', tostring(l))
    assert.are.equal(2, #l:parameters())
    assert.is_true(torch.isTypeOf(l, 'nn.Linear'))
  end)
  it('a class whose __init skips Module.__init still works', function()
    local Lazy = nn.Module:extend('SpecLazy')
    function Lazy:__init() self.fc = nn.Linear(1, 1) end
    function Lazy:forward(x) return self.fc(x) end
    local m = Lazy()
    assert.is_true(m.training)
    assert.are.same({ 'fc.weight', 'fc.bias' }, names(m:named_parameters()))
    assert.are.same({ 1, 1 }, m(torch.ones(1, 1)):size():totable())
  end)
  it('clone: a deep copy with parameters kept as parameters', function()
    local net = LR()
    net(torch.ones(2, 2)):sum():backward()
    local c = net:clone()
    assert.are_not.equal(net.features, c.features)
    assert.are_not.equal(net.features.weight:data_ptr(), c.features.weight:data_ptr())
    close(c.features.weight, net.features.weight:detach():tolist(), 0)
    assert.is_true(nn.is_parameter(c.features.weight))
    assert.is_true(c.features.weight.requires_grad)
    close(c.features.weight.grad, net.features.weight.grad:tolist(), 0)
    assert.are.equal(tostring(net), tostring(c))
    c.features.weight:detach():fill_(3)
    assert.are_not.equal(3, net.features.weight:detach()[1][1])
    local s = nn.Sequential(net.features, net.features):clone() -- sharing survives
    assert.are.equal(s[1], s[2])
  end)
  it('extend needs a module class', function()
    assert.are.equal('[extend] call it on a module class: nn.Module:extend(name)', err(function() nn.Module.extend({}, 'X') end))
  end)
end)
