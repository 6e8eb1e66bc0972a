-- torch.optim (lua/torch/optim/): the optimizers, parameter groups, state and state_dict,
-- the learning-rate schedulers, and Torch7's functional optimizers (optim.sgd, ...).
--
-- Expected values come from PyTorch 1.13 running the same programs (the trajectories, LBFGS,
-- the schedules) or, for Torch7's functions, from Torch7's update formulas applied by hand
-- with plain doubles; they are the literals at the end of this file.  The optimizer
-- trajectories use gradients set by a formula (grad = a * p^3 - c) so that only the update
-- rules are compared.  Tolerances are a few units in the last place: the update rules are
-- PyTorch's op for op, and PyTorch's CPU kernels fuse the multiply-add of add(alpha=) and
-- addcmul into one rounding.
local torch = require 'torch'
local optim = require 'optim'
local S = optim.lr_scheduler
local f32, f64 = torch.float32, torch.float64
local E = {} -- the expected values, at the end of the file

-- ---------------------------------------------------------------------------- helpers

-- f() must raise an error whose message contains msg (plain text)
local function fails(f, msg)
  local ok, e = pcall(f)
  assert.is_false(ok, 'expected an error containing: ' .. msg)
  assert.is_truthy(tostring(e):find(msg, 1, true), 'error was: ' .. tostring(e))
end

local function values(t)
  local v = t:detach():reshape(-1)
  local r = {}
  for i = 1, v:numel() do r[i] = v[i] end
  return r
end

-- every element of got within rtol (relative) or atol of expected
local function near(got, expected, rtol, atol, what)
  assert.are.equal(#expected, #got, what)
  for i = 1, #expected do
    local e, g = expected[i], got[i]
    local ok = math.abs(e - g) <= atol + rtol * math.abs(e)
    assert(ok, string.format('%s: element %d is %.17g, expected %.17g', what or '', i, g, e))
  end
end
local function tol(dtype) if dtype == f64 then return 1e-13, 1e-15 end return 2e-6, 1e-7 end

local A = { 1.5, 0.5, 2.0, 0.3, 1.0, 1.2, 0.8, 0.05 }
local C = { 0.2, 1.0, -0.7, 0.4, 0.01, -2.0, 0.6, 1.3 }

local function params(dtype)
  local w = torch.tensor({ { 0.5, -1.0, 2.0 }, { 1.5, 0.25, -0.75 } }, { dtype = dtype, requires_grad = true })
  local b = torch.tensor({ 0.1, -0.2 }, { dtype = dtype, requires_grad = true })
  return w, b
end

-- p.grad = a * p^3 - c for the two parameters of params()
local function set_grads(w, b)
  local dtype = w.dtype
  local a, c = torch.tensor(A, { dtype = dtype }), torch.tensor(C, { dtype = dtype })
  torch.no_grad(function()
    w.grad = a:narrow(1, 1, 6):view(2, 3) * w * w * w - c:narrow(1, 1, 6):view(2, 3)
    b.grad = a:narrow(1, 7, 2) * b * b * b - c:narrow(1, 7, 2)
  end)
end

local function copy(t)
  local r = {}
  for k, v in pairs(t) do r[k] = type(v) == 'table' and copy(v) or v end
  return r
end

-- the parameters after steps 1 and 5 of optimizer `name` with options `opts`
local function trajectory(name, opts, dtype)
  local w, b = params(dtype)
  local opt = optim[name]({ w, b }, copy(opts))
  local snaps = {}
  for i = 1, 5 do
    opt:zero_grad()
    set_grads(w, b)
    opt:step()
    if i == 1 or i == 5 then
      local v = values(w)
      v[7], v[8] = b[1], b[2]
      snaps[#snaps + 1] = v
    end
  end
  return snaps
end

local function fmt_opts(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. '=' .. tostring(t[k]) end
  return '{' .. table.concat(parts, ', ') .. '}'
end

-- ---------------------------------------------------------------------------- the namespace

describe('torch.optim', function()
  it('is reachable as require "optim", require "torch.optim" and torch.optim', function()
    assert.are.equal(torch.optim, optim)
    assert.are.equal(require('torch.optim'), optim)
    assert.are.equal(optim, rawget(_G, 'optim')) -- Torch7 scripts use the global
    for _, name in ipairs({ 'Optimizer', 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'LBFGS' }) do
      assert.is_not_nil(optim[name], name)
    end
    for _, name in ipairs({ 'sgd', 'adam', 'rmsprop', 'adagrad', 'lbfgs' }) do
      assert.are.equal('function', type(optim[name]), name)
    end
    assert.are_not.equal(optim.SGD, optim.sgd)
    assert.are.equal(S, require('torch.optim').lr_scheduler)
  end)

  it('makes torch.class instances that print their groups', function()
    local w = torch.zeros(2, { requires_grad = true })
    local opt = optim.SGD({ w }, 0.1, 0.9)
    assert.are.equal('optim.SGD', torch.typename(opt))
    assert.are.equal('SGD (\nParameter Group 1\n    dampening: 0\n    lr: 0.1\n    maximize: false\n' ..
      '    momentum: 0.9\n    nesterov: false\n    weight_decay: 0\n)', tostring(opt))
    local adam = optim.Adam({ w })
    assert.is_truthy(tostring(adam):find('betas: (0.9, 0.999)', 1, true))
  end)
end)

-- ---------------------------------------------------------------------------- trajectories

describe('optimizers against PyTorch 1.13', function()
  for _, case in ipairs(E.trajectories) do
    for _, dtype in ipairs({ f64, f32 }) do
      it(string.format('%s %s %s', case[1], fmt_opts(case[2]), tostring(dtype)), function()
        local got = trajectory(case[1], case[2], dtype)
        local exp = dtype == f64 and case.f64 or case.f32
        local rtol, atol = tol(dtype)
        near(got[1], exp[1], rtol, atol, 'after step 1')
        near(got[2], exp[2], rtol * 10, atol * 10, 'after step 5')
      end)
    end
  end

  it('Adam trains a least-squares model through backward (float64 and float32)', function()
    for _, dtype in ipairs({ f64, f32 }) do
      local w, b = params(dtype)
      local X = torch.tensor({ { 1., 2., 3. }, { -1., 0.5, 2. }, { 0.3, -0.7, 1.1 }, { 2., 1., -1. } }, { dtype = dtype })
      local Y = torch.tensor({ { 1., 0. }, { 0., 1. }, { 0.5, 0.5 }, { -1., 2. } }, { dtype = dtype })
      local opt = optim.Adam({ w, b }, { lr = 0.1 })
      local losses = {}
      for i = 1, 10 do
        opt:zero_grad()
        local loss = ((X:matmul(w:t()) + b - Y) ^ 2):mean()
        loss:backward()
        opt:step()
        losses[i] = loss:item()
      end
      local e = E.autograd_adam[dtype == f64 and 'f64' or 'f32']
      local v = values(w)
      v[7], v[8] = b[1], b[2]
      local rtol = dtype == f64 and 1e-12 or 1e-5
      near(v, e.params, rtol, rtol, 'parameters')
      near(losses, e.losses, rtol, rtol, 'losses')
      assert.are.equal(dtype, opt.state[w].exp_avg.dtype)
      assert.are.equal(10, opt.state[w].step)
      assert.is_nil(opt.state[w].exp_avg.grad_fn)
      assert.is_false(opt.state[w].exp_avg_sq.requires_grad)
    end
  end)

  it('updates non-contiguous parameters in place', function()
    for _, name in ipairs({ 'SGD', 'Adam', 'RMSprop', 'Adagrad', 'Adadelta', 'AdamW' }) do
      local base = torch.tensor({ { 1., 2., 3. }, { -1., 0.5, 2. } }, { dtype = f64 })
      local p = base:t():detach():requires_grad_()      -- a transposed leaf
      local q = base:t():contiguous():requires_grad_()
      assert.is_false(p:is_contiguous())
      local o1 = optim[name]({ p }, { lr = 0.1 })
      local o2 = optim[name]({ q }, { lr = 0.1 })
      for _ = 1, 3 do
        torch.no_grad(function() p.grad = p * p - 1; q.grad = q * q - 1 end)
        o1:step(); o2:step()
      end
      assert.are.same(values(q), values(p), name)
      assert.are.same(values(base:t()), values(p), name .. ' writes through to the base')
    end
  end)

  it('skips parameters without a gradient (no state for them)', function()
    local w, b = params(f64)
    local before = values(b)
    local opt = optim.Adam({ w, b }, { lr = 0.1 })
    torch.no_grad(function() w.grad = torch.ones_like(w) end)
    opt:step()
    assert.are.same(before, values(b))
    assert.is_nil(rawget(opt.state, b))
    assert.are.equal(1, opt.state[w].step)
  end)

  it('step(closure) evaluates the closure with grad mode on and returns its value', function()
    local w = torch.tensor({ 1., 2. }, { dtype = f64, requires_grad = true })
    local opt = optim.SGD({ w }, { lr = 0.5 })
    local seen
    local loss = torch.no_grad(function()
      return opt:step(function()
        seen = torch.is_grad_enabled()
        opt:zero_grad()
        local l = (w * w):sum()
        l:backward()
        return l
      end)
    end)
    assert.is_true(seen)
    assert.are.equal(5, loss:item())
    assert.are.same({ 0, 0 }, values(w))        -- w - 0.5 * 2w
    assert.is_true(torch.is_grad_enabled())
    assert.is_false(w.grad_fn ~= nil)
    assert.is_true(w.requires_grad)
  end)

  it('restores grad mode when the update fails', function()
    local w = torch.zeros(2, { requires_grad = true })
    local opt = optim.SGD({ w }, { lr = 0.1 })
    w.grad = torch.ones(2)
    opt.param_groups[1].lr = 'fast'
    assert.has_error(function() opt:step() end)
    assert.is_true(torch.is_grad_enabled())
    fails(function() opt:step(42) end, '[SGD] step: the closure must be a function, got number')
  end)
end)

-- ---------------------------------------------------------------------------- options and groups

describe('optimizer options and parameter groups', function()
  it('takes options positionally or in a table, with PyTorch defaults', function()
    local w = torch.zeros(1, { requires_grad = true })
    local g = optim.SGD({ w }, 0.1, 0.9, 0.1, 0.01, false, { maximize = true }).param_groups[1]
    assert.are.same({ 0.1, 0.9, 0.1, 0.01, false, true }, { g.lr, g.momentum, g.dampening, g.weight_decay, g.nesterov, g.maximize })
    g = optim.Adam({ w }).param_groups[1]
    assert.are.same({ 1e-3, { 0.9, 0.999 }, 1e-8, 0, false, false }, { g.lr, g.betas, g.eps, g.weight_decay, g.amsgrad, g.maximize })
    g = optim.Adam({ w }, 0.01, { 0.5, 0.6 }).param_groups[1]
    assert.are.same({ 0.01, { 0.5, 0.6 } }, { g.lr, g.betas })
    assert.are.equal(1e-2, optim.AdamW({ w }).param_groups[1].weight_decay)
    g = optim.RMSprop({ w }).param_groups[1]
    assert.are.same({ 1e-2, 0.99, 1e-8, 0, 0, false }, { g.lr, g.alpha, g.eps, g.weight_decay, g.momentum, g.centered })
    g = optim.Adagrad({ w }).param_groups[1]
    assert.are.same({ 1e-2, 0, 0, 0, 1e-10 }, { g.lr, g.lr_decay, g.weight_decay, g.initial_accumulator_value, g.eps })
    g = optim.Adadelta({ w }).param_groups[1]
    assert.are.same({ 1.0, 0.9, 1e-6, 0 }, { g.lr, g.rho, g.eps, g.weight_decay })
    g = optim.LBFGS({ w }).param_groups[1]
    assert.are.same({ 1, 20, 25, 1e-7, 1e-9, 100 }, { g.lr, g.max_iter, g.max_eval, g.tolerance_grad, g.tolerance_change, g.history_size })
    assert.is_nil(g.line_search_fn)
    -- PyTorch's foreach is accepted and ignored
    assert.is_nil(optim.SGD({ w }, { lr = 0.1, foreach = true }).param_groups[1].foreach)
  end)

  it('refuses bad options with PyTorch messages', function()
    local w = torch.zeros(1, { requires_grad = true })
    fails(function() optim.SGD({ w }, { lr = -1 }) end, '[SGD] Invalid learning rate: -1')
    fails(function() optim.SGD({ w }, { lr = 0.1, momentum = -0.5 }) end, '[SGD] Invalid momentum value: -0.5')
    fails(function() optim.SGD({ w }, { lr = 0.1, weight_decay = -1e-3 }) end, '[SGD] Invalid weight_decay value: -0.001')
    fails(function() optim.SGD({ w }, { lr = 0.1, nesterov = true }) end, '[SGD] Nesterov momentum requires a momentum and zero dampening')
    fails(function() optim.SGD({ w }, { lr = 0.1, momentum = 0.9, dampening = 0.1, nesterov = true }) end, 'Nesterov momentum requires')
    fails(function() optim.SGD({ w }) end, "[SGD] parameter group didn't specify a value of required optimization parameter lr")
    fails(function() optim.SGD({ w }, { lr = 0.1, momentun = 0.9 }) end, "[SGD] unknown option 'momentun'")
    fails(function() optim.SGD({ w }, 0.1, { lr = 0.2 }) end, "[SGD] got multiple values for option 'lr'")
    fails(function() optim.SGD({ w }, '0.1') end, "[SGD] option 'lr' must be a number, got string")
    fails(function() optim.SGD({ w }, 1, 2, 3, 4, false, 6) end, '[SGD] takes at most 5 positional options')
    fails(function() optim.Adam({ w }, { betas = { 1.0, 0.9 } }) end, '[Adam] Invalid beta parameter at index 1: 1')
    fails(function() optim.Adam({ w }, { betas = { 0.9, -0.1 } }) end, '[Adam] Invalid beta parameter at index 2: -0.1')
    fails(function() optim.Adam({ w }, { betas = 0.9 }) end, "[Adam] option 'betas' must be a pair of numbers")
    fails(function() optim.AdamW({ w }, { eps = -1 }) end, '[AdamW] Invalid epsilon value: -1')
    fails(function() optim.RMSprop({ w }, { alpha = -1 }) end, '[RMSprop] Invalid alpha value: -1')
    fails(function() optim.Adagrad({ w }, { lr_decay = -1 }) end, '[Adagrad] Invalid lr_decay value: -1')
    fails(function() optim.Adagrad({ w }, { initial_accumulator_value = -1 }) end, '[Adagrad] Invalid initial_accumulator_value value: -1')
    fails(function() optim.Adadelta({ w }, { rho = 1.5 }) end, '[Adadelta] Invalid rho value: 1.5')
    fails(function() optim.LBFGS({ w }, { line_search_fn = 'armijo' }) end, "[LBFGS] line_search_fn must be nil or 'strong_wolfe', got armijo")
  end)

  it('refuses bad parameter lists', function()
    local w = torch.zeros(2, { requires_grad = true })
    fails(function() optim.SGD(w, { lr = 0.1 }) end,
      '[SGD] params argument given to the optimizer should be a list of Tensors or parameter groups (tables), but got a Tensor')
    fails(function() optim.SGD({}, { lr = 0.1 }) end, '[SGD] optimizer got an empty parameter list')
    fails(function() optim.SGD({ w, 3 }, { lr = 0.1 }) end,
      '[SGD] optimizer can only optimize Tensors, but parameter 2 of the group is number')
    fails(function() optim.Adam({ w * 2 }) end, "[Adam] can't optimize a non-leaf Tensor (parameter 1 of the group)")
    fails(function() optim.SGD({ { params = { w } }, { params = { w }, lr = 1 } }, { lr = 0.1 }) end,
      '[SGD] some parameters appear in more than one parameter group')
    fails(function() optim.SGD({ { lr = 1 } }, { lr = 0.1 }) end, "[SGD] a parameter group needs a 'params' entry")
    local opt = optim.SGD({ w }, { lr = 0.1 })
    fails(function() opt:add_param_group(w) end, '[SGD] param group must be a table like {params = {...}, lr = ...}, got a Tensor')
    fails(function() opt:add_param_group({ params = torch.zeros(1, { requires_grad = true }), lr = 'x' }) end,
      "[SGD] option 'lr' must be a number, got string")
    assert.are.equal(1, #opt.param_groups)
  end)

  it('keeps per-group options (SGD against PyTorch 1.13)', function()
    local w = torch.tensor({ 1.0, -2.0, 3.0 }, { dtype = f64, requires_grad = true })
    local b = torch.tensor({ 0.5, 0.25 }, { dtype = f64, requires_grad = true })
    local opt = optim.SGD({ { params = { w } }, { params = b, lr = 0.01, momentum = 0.5 } }, { lr = 0.1, momentum = 0.9 })
    assert.are.equal(0.1, opt.param_groups[1].lr)
    assert.are.equal(0.01, opt.param_groups[2].lr)
    assert.are.equal(0.9, opt.param_groups[1].momentum)
    assert.are.equal(0.5, opt.param_groups[2].momentum)
    assert.are.equal(b, opt.param_groups[2].params[1])
    for _ = 1, 3 do
      opt:zero_grad()
      torch.no_grad(function() w.grad = w * w - 1; b.grad = b * 3 + 1 end)
      opt:step()
    end
    near(values(w), E.groups_w, 1e-14, 1e-15, 'w')
    near(values(b), E.groups_b, 1e-14, 1e-15, 'b')
  end)

  it('add_param_group fills the defaults and the new group trains', function()
    local w = torch.tensor({ 1.0 }, { dtype = f64, requires_grad = true })
    local v = torch.tensor({ 2.0 }, { dtype = f64, requires_grad = true })
    local opt = optim.Adam({ w }, { lr = 0.1 })
    opt:add_param_group({ params = { v }, lr = 0.5 })
    assert.are.equal(2, #opt.param_groups)
    assert.are.same({ 0.9, 0.999 }, opt.param_groups[2].betas)
    assert.are.equal(0.5, opt.param_groups[2].lr)
    w.grad = torch.ones(1, { dtype = f64 }); v.grad = torch.ones(1, { dtype = f64 })
    opt:step()
    -- the first Adam step moves by lr (the normalised gradient is 1)
    near(values(w), { 0.9 }, 1e-7, 0, 'w')
    near(values(v), { 1.5 }, 1e-7, 0, 'v')
    -- Adagrad makes the state of a new group's parameters at once
    local ada = optim.Adagrad({ w }, { initial_accumulator_value = 0.5 })
    ada:add_param_group({ params = { v }, initial_accumulator_value = 2 })
    assert.are.same({ 2 }, values(ada.state[v].sum))
    assert.are.same({ 0.5 }, values(ada.state[w].sum))
  end)

  it('lets Lua code define an optimizer (extend or torch.class)', function()
    local Sign = optim.Optimizer:extend('SignDescent')
    function Sign:__init(params, lr)
      optim.Optimizer.__init(self, params, { lr = lr or 0.1 })
    end
    function Sign:step()
      torch.no_grad(function()
        for _, group in ipairs(self.param_groups) do
          for _, p in ipairs(group.params) do
            if p.grad then p:add_(p.grad:sign(), { alpha = -group.lr }) end
          end
        end
      end)
    end
    local w = torch.tensor({ 1.0, -1.0 }, { dtype = f64, requires_grad = true })
    local opt = Sign({ w }, 0.25)
    w.grad = torch.tensor({ 3.0, -0.5 }, { dtype = f64 })
    opt:step()
    assert.are.same({ 0.75, -0.75 }, values(w))
    assert.is_truthy(tostring(opt):find('^SignDescent %('))
    opt:zero_grad()
    assert.are.same({ 0, 0 }, values(w.grad))
    fails(function() optim.Optimizer({ w }, {}):step() end, '[Optimizer] step is not implemented')
  end)
end)

-- ---------------------------------------------------------------------------- zero_grad

describe('zero_grad', function()
  it('zeroes the gradients in place by default (PyTorch 1.13), or drops them', function()
    local w, b = params(f64)
    local opt = optim.SGD({ w, b }, { lr = 0.1 })
    set_grads(w, b)
    local g = w.grad
    opt:zero_grad()
    assert.are.same({ 0, 0, 0, 0, 0, 0 }, values(w.grad))
    assert.are.same({ 0, 0, 0, 0, 0, 0 }, values(g)) -- the same tensor
    opt:zero_grad(true)
    assert.is_nil(w.grad)
    assert.is_nil(b.grad)
    set_grads(w, b)
    opt:zero_grad({ set_to_none = true })
    assert.is_nil(w.grad)
    opt:zero_grad() -- nothing to do
    fails(function() opt:zero_grad({ to_none = true }) end, "[zero_grad] unknown option 'to_none'")
  end)

  it('detaches gradients that have a history (create_graph)', function()
    local w = torch.tensor({ 2.0 }, { dtype = f64, requires_grad = true })
    local opt = optim.SGD({ w }, { lr = 0.1 })
    local y = w ^ 3
    y:backward({ create_graph = true })
    assert.is_not_nil(w.grad.grad_fn)
    opt:zero_grad()
    assert.is_nil(w.grad.grad_fn)
    assert.is_false(w.grad.requires_grad)
    assert.are.same({ 0 }, values(w.grad))
  end)
end)

-- ---------------------------------------------------------------------------- state

describe('optimizer state and state_dict', function()
  it('keeps the state per parameter, keyed by the parameter tensor', function()
    local w, b = params(f64)
    local opt = optim.SGD({ w, b }, { lr = 0.1, momentum = 0.9 })
    set_grads(w, b)
    opt:step()
    assert.are.same(values(w.grad), values(opt.state[w].momentum_buffer))
    assert.is_false(rawequal(opt.state[w].momentum_buffer, w.grad))
    local adam = optim.Adam({ w }, { amsgrad = true })
    adam:step()
    assert.are.same({ 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step' }, (function()
      local k = {}
      for key in pairs(adam.state[w]) do k[#k + 1] = key end
      table.sort(k)
      return k
    end)())
  end)

  it("has PyTorch's layout with positions counted from 1", function()
    local w = torch.tensor({ 1.0, -2.0, 3.0 }, { dtype = f64, requires_grad = true })
    local b = torch.tensor({ 0.5, 0.25 }, { dtype = f64, requires_grad = true })
    local opt = optim.SGD({ { params = { w } }, { params = b, lr = 0.01, momentum = 0.5 } }, { lr = 0.1, momentum = 0.9 })
    torch.no_grad(function() w.grad = w * w - 1; b.grad = b * 3 + 1 end)
    opt:step()
    local sd = opt:state_dict()
    assert.are.same({ 1 }, sd.param_groups[1].params)
    assert.are.same({ 2 }, sd.param_groups[2].params)
    assert.are.same({ lr = 0.1, momentum = 0.9, dampening = 0, weight_decay = 0, nesterov = false, maximize = false, params = { 1 } },
      sd.param_groups[1])
    assert.are.same({ 0, 3, 8 }, values(sd.state[1].momentum_buffer))
    assert.are.same({ 2.5, 1.75 }, values(sd.state[2].momentum_buffer))
    -- the state tables are the optimizer's own, the group tables are copies
    assert.are.equal(opt.state[w], sd.state[1])
    sd.param_groups[1].lr = 5
    assert.are.equal(0.1, opt.param_groups[1].lr)
  end)

  for _, name in ipairs({ 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta' }) do
    it('round-trips through state_dict / load_state_dict (' .. name .. ')', function()
      local opts = { lr = 0.05 }
      if name == 'SGD' or name == 'RMSprop' then opts.momentum = 0.9 end
      local w, b = params(f64)
      local opt = optim[name]({ w, b }, copy(opts))
      for _ = 1, 3 do opt:zero_grad(); set_grads(w, b); opt:step() end
      local sd = opt:state_dict()
      local w2, b2 = w:detach():clone():requires_grad_(), b:detach():clone():requires_grad_()
      local opt2 = optim[name]({ w2, b2 }, { lr = 1 })
      opt2:load_state_dict(sd)
      assert.are.equal(0.05, opt2.param_groups[1].lr)
      assert.are.equal(w2, opt2.param_groups[1].params[1])
      -- the loaded state is a copy
      assert.is_false(rawequal(opt2.state[w2], opt.state[w]))
      for _ = 1, 3 do
        opt:zero_grad(); set_grads(w, b); opt:step()
        opt2:zero_grad(); set_grads(w2, b2); opt2:step()
      end
      assert.are.same(values(w), values(w2))
      assert.are.same(values(b), values(b2))
    end)
  end

  it('casts loaded floating state to the parameter dtype, and takes a tensor step', function()
    local w = torch.tensor({ 1.0, 2.0 }, { dtype = f64, requires_grad = true })
    local opt = optim.Adam({ w }, { lr = 0.1 })
    w.grad = torch.ones(2, { dtype = f64 })
    opt:step()
    local sd = opt:state_dict()
    sd.state[1].step = torch.tensor(1.0) -- PyTorch keeps step as a 0-dim tensor
    local v = torch.tensor({ 1.0, 2.0 }, { dtype = f32, requires_grad = true })
    local opt2 = optim.Adam({ v }, { lr = 0.1 })
    opt2:load_state_dict(sd)
    assert.are.equal(f32, opt2.state[v].exp_avg.dtype)
    v.grad = torch.ones(2, { dtype = f32 })
    opt2:step()
    assert.are.equal(2, opt2.state[v].step)
  end)

  it('refuses a state_dict of another shape and leaves the optimizer unchanged', function()
    local w, b = params(f64)
    local opt = optim.SGD({ w, b }, { lr = 0.1, momentum = 0.9 })
    set_grads(w, b)
    opt:step()
    local other = optim.SGD({ { params = { w } }, { params = { b } } }, { lr = 0.5 })
    local groups, state = opt.param_groups, opt.state
    fails(function() opt:load_state_dict(other:state_dict()) end,
      '[SGD.load_state_dict] loaded state dict has a different number of parameter groups (2, the optimizer has 1)')
    local single = optim.SGD({ w }, { lr = 0.5 })
    fails(function() opt:load_state_dict(single:state_dict()) end,
      "[SGD.load_state_dict] loaded state dict contains a parameter group that doesn't match the size of optimizer's group " ..
      "(group 1: 1 parameters, the optimizer's has 2)")
    fails(function() opt:load_state_dict({ state = {}, param_groups = { 5 } }) end,
      '[SGD.load_state_dict] param_groups[1] must be a table, got number')
    fails(function() opt:load_state_dict({ state = {} }) end,
      '[SGD.load_state_dict] expected a table with entries state and param_groups')
    assert.are.equal(groups, opt.param_groups)
    assert.are.equal(state, opt.state)
    assert.are.equal(0.1, opt.param_groups[1].lr)
  end)
end)

-- ---------------------------------------------------------------------------- LBFGS

local function rosenbrock()
  local x = torch.tensor({ -1.5, 2.0, 0.5 }, { dtype = f64, requires_grad = true })
  local function f()
    local a, b = x:narrow(1, 1, 2), x:narrow(1, 2, 2)
    return ((b - a * a) ^ 2 * 100 + (1 - a) ^ 2):sum()
  end
  return x, f
end

describe('LBFGS', function()
  for _, case in ipairs(E.lbfgs) do
    it(string.format('minimises Rosenbrock (line_search_fn %s, max_iter %d) as PyTorch 1.13',
      tostring(case.line_search_fn), case.max_iter), function()
      local x, f = rosenbrock()
      local opt = optim.LBFGS({ x }, { lr = 1, max_iter = case.max_iter, history_size = 5, line_search_fn = case.line_search_fn })
      local calls = 0
      local loss = opt:step(function()
        calls = calls + 1
        opt:zero_grad()
        local l = f()
        l:backward()
        return l
      end)
      assert.are.equal(case.loss, loss:item())
      if case.max_iter < 10 then
        near(values(x), case.x, 1e-12, 1e-14, 'x')
        assert.are.equal(case.func_evals, opt.state[x].func_evals)
        assert.are.equal(case.n_iter, opt.state[x].n_iter)
        assert.are.equal(case.func_evals, calls)
        near({ f():item() }, { case.final }, 1e-12, 0, 'final loss')
      else
        near(values(x), { 1, 1, 1 }, 0, 1e-4, 'x at the minimum')
        assert.is_true(f():item() < 1e-9)
      end
    end)
  end

  for _, dtype in ipairs({ f64, f32 }) do
    it('minimises a quadratic over two steps as PyTorch 1.13 (' .. tostring(dtype) .. ')', function()
      local x = torch.tensor({ 1.0, -1.0, 2.0, 0.5 }, { dtype = dtype, requires_grad = true })
      local a = torch.tensor({ 1.0, 3.0, 0.5, 2.0 }, { dtype = dtype })
      local b = torch.tensor({ 1.0, 2.0, -1.0, 0.0 }, { dtype = dtype })
      local opt = optim.LBFGS({ x }, { history_size = 3, max_iter = 4 })
      local losses = {}
      for s = 1, 2 do
        losses[s] = opt:step(function()
          opt:zero_grad()
          local l = (a * x * x * 0.5 - b * x):sum()
          l:backward()
          return l
        end):item()
      end
      local e = dtype == f64 and E.lbfgs_quad_float64 or E.lbfgs_quad_float32
      near(values(x), e.x, dtype == f64 and 1e-12 or 1e-6, dtype == f64 and 1e-12 or 1e-8, 'x')
      near(losses, e.loss, 1e-12, 0, 'losses')
      assert.are.equal(e.func_evals, opt.state[x].func_evals)
      assert.are.equal(dtype, opt.state[x].d.dtype)
    end)
  end

  it('stops at once when the gradient is already small', function()
    local x = torch.tensor({ 1.0 }, { dtype = f64, requires_grad = true })
    local opt = optim.LBFGS({ x })
    local n = 0
    opt:step(function() n = n + 1; opt:zero_grad(); local l = ((x - 1) ^ 2):sum(); l:backward(); return l end)
    assert.are.equal(1, n)
    assert.are.same({ 1 }, values(x))
  end)

  it('refuses groups and a missing closure', function()
    local x = torch.zeros(2, { requires_grad = true })
    local y = torch.zeros(2, { requires_grad = true })
    fails(function() optim.LBFGS({ { params = { x } }, { params = { y } } }) end,
      "[LBFGS] LBFGS doesn't support per-parameter options (parameter groups)")
    local opt = optim.LBFGS({ x })
    fails(function() opt:step() end, '[LBFGS] step needs a closure that reevaluates the model and returns the loss, got nil')
    opt:add_param_group({ params = { y } })
    fails(function() opt:step(function() return 0 end) end, "[LBFGS] LBFGS doesn't support per-parameter options")
    assert.is_true(torch.is_grad_enabled())
  end)
end)

-- ---------------------------------------------------------------------------- schedulers

local function sgd_two_groups()
  local a = torch.zeros(2, { requires_grad = true })
  local b = torch.zeros(1, { requires_grad = true })
  return optim.SGD({ { params = { a } }, { params = { b }, lr = 0.5 } }, { lr = 0.1, momentum = 0.9 })
end

describe('lr_scheduler against PyTorch 1.13', function()
  for _, case in ipairs(E.schedules) do
    local last = case[2][#case[2]]
    it(case[1] .. ' ' .. (type(last) == 'table' and fmt_opts(last) or table.concat(case[2], ', ')), function()
      local opt
      if #case.lr[1] == 1 then opt = optim.Adam({ torch.zeros(2, { requires_grad = true }) }, { lr = 0.1 })
      else opt = sgd_two_groups() end
      local sched = S[case[1]](opt, unpack(copy(case[2])))
      for i = 1, 10 do
        opt:step()
        near(sched:get_last_lr(), case.lr[i], 1e-15, 1e-17, 'lr at step ' .. i)
        local g = opt.param_groups[1]
        near({ g.betas and g.betas[1] or g.momentum }, { case.momentum[i] }, 1e-15, 0, 'momentum at step ' .. i)
        if i < 10 then sched:step() end
      end
    end)
  end

  it('LambdaLR with one function per group', function()
    local opt = sgd_two_groups()
    local sched = S.LambdaLR(opt, { function(e) return 1 / (e + 1) end, function(e) return 0.95 ^ e end })
    for i = 1, 6 do
      near(sched:get_last_lr(), E.lambda_lr[i], 1e-15, 0, 'epoch ' .. (i - 1))
      sched:step()
    end
    local one = S.LambdaLR(sgd_two_groups(), function(e) return e + 1 end)
    one:step()
    assert.are.same({ 0.2, 1.0 }, one:get_last_lr())
  end)

  it('ReduceLROnPlateau (min and max modes, cooldown, min_lr per group)', function()
    local opt = sgd_two_groups()
    local sched = S.ReduceLROnPlateau(opt, { patience = 1, factor = 0.5, cooldown = 1, threshold = 0.1, min_lr = { 0.01, 0.2 } })
    for i, m in ipairs({ 1.0, 0.95, 0.96, 0.97, 0.5, 0.49, 0.48, 0.47, 0.46, 0.45 }) do
      sched:step(m)
      near(sched:get_last_lr(), E.plateau_min[i], 1e-15, 0, 'epoch ' .. i)
      assert.are.equal(E.plateau_min_bad[i], sched.num_bad_epochs)
    end
    opt = sgd_two_groups()
    sched = S.ReduceLROnPlateau(opt, 'max', { patience = 0, factor = 0.1, threshold = 0.5, threshold_mode = 'abs' })
    for i, m in ipairs({ 1.0, 1.2, 2.0, 2.1, 2.2, 3.0 }) do
      sched:step(torch.tensor(m))
      near(sched:get_last_lr(), E.plateau_max[i], 1e-15, 0, 'epoch ' .. i)
    end
    assert.are.equal(opt.param_groups[2].lr, sched:get_last_lr()[2])
  end)

  it('step(epoch) uses the closed forms', function()
    local cases = { StepLR = { 2, 0.5 }, CosineAnnealingLR = { 10 }, MultiStepLR = { { 2, 4, 4 } }, ExponentialLR = { 0.5 } }
    for name, args in pairs(cases) do
      local sched = S[name](sgd_two_groups(), unpack(args))
      sched:step(name == 'StepLR' and 5 or name == 'CosineAnnealingLR' and 3 or name == 'MultiStepLR' and 4 or 3)
      near(sched:get_last_lr(), E.closed[name], 1e-15, 1e-18, name)
    end
  end)
end)

describe('lr_scheduler state and errors', function()
  it('state_dict holds everything but the optimizer; load_state_dict restores it', function()
    local opt = sgd_two_groups()
    local sched = S.StepLR(opt, 2, 0.5)
    for _ = 1, 3 do opt:step(); sched:step() end
    local sd = sched:state_dict()
    assert.is_nil(sd.optimizer)
    assert.are.equal(3, sd.last_epoch)
    assert.are.same({ 0.1, 0.5 }, sd.base_lrs)
    assert.are.equal(2, sd.step_size)
    local opt2 = sgd_two_groups()
    local sched2 = S.StepLR(opt2, 10, 0.9)
    opt2:load_state_dict(opt:state_dict()) -- the schedule continues from the optimizer's lr
    sched2:load_state_dict(sd)
    assert.are.equal(3, sched2.last_epoch)
    assert.are.equal(2, sched2.step_size)
    sched2:step(); sched:step()
    assert.are.same(sched:get_last_lr(), sched2:get_last_lr())
    local plateau = S.ReduceLROnPlateau(opt, { mode = 'max' })
    plateau:step(1)
    local psd = plateau:state_dict()
    assert.are.equal(1, psd.best)
    assert.are.equal('max', psd.mode)
    assert.is_nil(psd.optimizer)
  end)

  it('records initial_lr, and resuming needs it', function()
    local opt = sgd_two_groups()
    fails(function() S.StepLR(opt, 2, { last_epoch = 4 }) end,
      "[StepLR] param 'initial_lr' is not specified in param_groups[1] when resuming an optimizer")
    S.StepLR(opt, 2)
    assert.are.equal(0.1, opt.param_groups[1].initial_lr)
    local resumed = S.StepLR(opt, 2, { last_epoch = 4 })
    assert.are.equal(5, resumed.last_epoch)
  end)

  it('prints the changes when verbose', function()
    local lines = {}
    local saved = _G.print
    _G.print = function(s) lines[#lines + 1] = s end
    local ok, err = pcall(function()
      local opt = sgd_two_groups()
      local sched = S.StepLR(opt, 1, 0.5, -1, true)
      sched:step(2.5)
      local plateau = S.ReduceLROnPlateau(opt, { patience = 0, verbose = true })
      plateau:step(1); plateau:step(2)
    end)
    _G.print = saved
    assert(ok, err)
    assert.are.same({
      'Adjusting learning rate of group 1 to 1.0000e-01.', 'Adjusting learning rate of group 2 to 5.0000e-01.',
      'Epoch 2.50: adjusting learning rate of group 1 to 2.5000e-02.', 'Epoch 2.50: adjusting learning rate of group 2 to 1.2500e-01.',
      'Epoch 00002: reducing learning rate of group 1 to 2.5000e-03.', 'Epoch 00002: reducing learning rate of group 2 to 1.2500e-02.',
    }, lines)
  end)

  it('lets Lua code define a scheduler (extend)', function()
    local Halving = S.LRScheduler:extend('SpecHalving')
    function Halving:__init(optimizer) S.LRScheduler.__init(self, optimizer) end
    function Halving:get_lr()
      local r = {}
      for i, base in ipairs(self.base_lrs) do r[i] = base / 2 ^ self.last_epoch end
      return r
    end
    local opt = sgd_two_groups()
    local sched = Halving(opt)
    sched:step(); sched:step()
    assert.are.same({ 0.025, 0.125 }, sched:get_last_lr())
    assert.are.equal('SpecHalving', torch.typename(sched))
    fails(function() S.LRScheduler(opt) end, '[LRScheduler] get_lr is not implemented')
  end)

  it('refuses bad arguments', function()
    local opt = sgd_two_groups()
    fails(function() S.StepLR({}, 2) end, '[StepLR] expected an optimizer (with param_groups) as first argument, got table')
    fails(function() S.StepLR(opt, 2, { gama = 0.5 }) end, "[StepLR] unknown option 'gama'")
    fails(function() S.LambdaLR(opt, { function() return 1 end }) end, '[LambdaLR] Expected 2 lr_lambdas, but got 1')
    fails(function() S.OneCycleLR(opt, 1.0) end, '[OneCycleLR] You must define either total_steps OR (epochs AND steps_per_epoch)')
    fails(function() S.OneCycleLR(opt, 1.0, 2.5) end, '[OneCycleLR] Expected positive integer total_steps, but got 2.5')
    fails(function() S.OneCycleLR(opt, 1.0, { total_steps = 10, anneal_strategy = 'exp' }) end,
      "[OneCycleLR] anneal_strategy must by one of 'cos' or 'linear', instead got exp")
    fails(function() S.OneCycleLR(opt, { 1.0 }, 10) end, '[OneCycleLR] expected 2 values for max_lr, got 1')
    local ada = optim.Adagrad({ torch.zeros(1, { requires_grad = true }) })
    fails(function() S.OneCycleLR(ada, 1.0, 10) end, '[OneCycleLR] optimizer must support momentum with `cycle_momentum` option enabled')
    local sched = S.OneCycleLR(sgd_two_groups(), 1.0, 3)
    sched:step(); sched:step(); sched:step()
    fails(function() sched:step() end, '[OneCycleLR] Tried to step 5 times. The specified number of total steps is 3')
    fails(function() S.ReduceLROnPlateau(opt, { mode = 'avg' }) end, '[ReduceLROnPlateau] mode avg is unknown!')
    fails(function() S.ReduceLROnPlateau(opt, { threshold_mode = 'x' }) end, '[ReduceLROnPlateau] threshold mode x is unknown!')
    fails(function() S.ReduceLROnPlateau(opt, { factor = 1.5 }) end, '[ReduceLROnPlateau] Factor should be < 1.0.')
    fails(function() S.ReduceLROnPlateau(opt):step('low') end,
      '[ReduceLROnPlateau] step expects the metric (a number or a one-element tensor), got string')
  end)
end)

-- ---------------------------------------------------------------------------- Torch7

describe("Torch7's functional optimizers", function()
  local a = torch.tensor({ 1.0, 2.0, 0.5 }, { dtype = f64 })
  local b = torch.tensor({ 1.0, -1.0, 0.25 }, { dtype = f64 })
  -- f(x) = sum(a x^2 / 2 - b x), df/dx = a x - b
  local function feval(x)
    return (a * x * x * 0.5 - b * x):sum():item(), a * x - b
  end

  for _, case in ipairs(E.torch7) do
    it(string.format('optim.%s %s follows the hand-derived trajectory', case[1], fmt_opts(case[2])), function()
      local x = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
      local config = copy(case[2])
      local fs = {}
      for i = 1, 6 do
        local x2, fx = optim[case[1]](feval, x, config)
        assert.are.equal(x, x2)
        fs[i] = fx[1]
      end
      near(values(x), case.x, 1e-13, 1e-15, 'x')
      near(fs, case.f, 1e-13, 1e-15, 'f(x)')
    end)
  end

  it('keeps the state in config, or in state when given', function()
    local x = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
    local config = { learningRate = 0.1, momentum = 0.9 }
    optim.sgd(feval, x, config)
    assert.are.equal(1, config.evalCounter)
    assert.is_not_nil(config.dfdx)
    local state = {}
    local config2 = { learningRate = 0.1 }
    optim.adam(feval, x, config2, state)
    assert.are.equal(1, state.t)
    assert.is_nil(config2.t)
    assert.are.same({ 'denom', 'm', 't', 'v' }, (function()
      local k = {}
      for key in pairs(state) do k[#k + 1] = key end
      table.sort(k)
      return k
    end)())
    local rs, ag = {}, {}
    optim.rmsprop(feval, x, {}, rs)
    optim.adagrad(feval, x, {}, ag)
    assert.is_not_nil(rs.m)
    assert.are.equal(1, ag.evalCounter)
    assert.is_not_nil(ag.paramVariance)
  end)

  it('sgd: learningRates and weightDecays per element; the default dampening is the momentum', function()
    local x = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
    local lrs = torch.tensor({ 1.0, 0.5, 0.0 }, { dtype = f64 })
    local wds = torch.tensor({ 0.1, 0.0, 0.2 }, { dtype = f64 })
    optim.sgd(feval, x, { learningRate = 0.1, learningRates = lrs, weightDecays = wds })
    -- g = a x - b + wds x = {-0.45, 2, -0.95}; x - 0.1 * lrs * g
    near(values(x), { 0.5 + 0.045, 0.5 - 0.1, -1.0 }, 1e-15, 1e-15, 'x')
    local y = torch.tensor({ 1.0, 0.0, 0.0 }, { dtype = f64 })
    local cfg = { learningRate = 1, momentum = 0.5 }
    local g1 = function() return 0, torch.tensor({ 1.0, 0.0, 0.0 }, { dtype = f64 }) end
    optim.sgd(g1, y, cfg)       -- buf = g = 1: y = 0
    optim.sgd(g1, y, cfg)       -- buf = 0.5 * 1 + (1 - 0.5) * 1 = 1: y = -1
    assert.are.same({ -1, 0, 0 }, values(y))
    fails(function() optim.sgd(feval, x, { momentum = 0.9, nesterov = true }) end,
      '[sgd] Nesterov momentum requires a momentum and zero dampening')
  end)

  it('updates parameters that require grad (getParameters-style flat tensors)', function()
    local x = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64, requires_grad = true })
    local function fev(p)
      local g = torch.autograd.grad({ (a * p * p * 0.5 - b * p):sum() }, { p })[1]
      return 0, g
    end
    optim.adam(fev, x, { learningRate = 0.1 })
    assert.is_true(x.is_leaf)
    assert.is_true(x.requires_grad)
    near(values(x), { 0.6, 0.4, -0.9 }, 1e-6, 0, 'x') -- the first Adam step moves by about lr
  end)

  it('refuses bad arguments', function()
    local x = torch.zeros(3, { dtype = f64 })
    fails(function() optim.sgd(x, x) end, '[sgd] expected a function feval(x) returning f(x) and df/dx as first argument, got userdata')
    fails(function() optim.adam(feval, 3) end, '[adam] expected the parameter tensor x as second argument, got number')
    fails(function() optim.rmsprop(function() return 0 end, x) end, '[rmsprop] feval must return f(x) and df/dx (a tensor), got nil for df/dx')
    fails(function() optim.adagrad(function() return 0, torch.zeros(2) end, x) end, '[adagrad] df/dx has 2 elements, x has 3')
    fails(function() optim.sgd(feval, x, 'fast') end, '[sgd] config must be a table, got string')
  end)

  it('optim.lbfgs reaches the minimum of the quadratic and reports f at each iteration', function()
    local x = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
    local state = {}
    local x2, fhist, nevals = optim.lbfgs(feval, x, { maxIter = 20 }, state)
    assert.are.equal(x, x2)
    near(values(x), { 1, -0.5, 0.5 }, 0, 1e-4, 'x at the minimum')
    assert.are.equal(0.875, fhist[1])
    for i = 2, #fhist do assert.is_true(fhist[i] <= fhist[i - 1] + 1e-12) end
    near({ fhist[#fhist] }, { -0.8125 }, 0, 1e-9, 'f at the minimum')
    assert.are.equal(nevals, state.funcEval)
    assert.is_true(state.nIter >= 2)
    -- a fixed number of iterations without re-evaluation at the last one
    local y = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
    local calls = 0
    local _, h = optim.lbfgs(function(p) calls = calls + 1; return feval(p) end, y, { maxIter = 3 })
    assert.are.equal(3, calls)
    assert.are.equal(3, #h)
    -- a user line search
    local z = torch.tensor({ 0.5, 0.5, -1.0 }, { dtype = f64 })
    local ls_calls = 0
    local function ls(opfunc, xx, t, d, f, g, gtd)
      ls_calls = ls_calls + 1
      xx:add_(d, { alpha = t })
      local f2, g2 = opfunc(xx)
      return f2, g2, xx, t, 1
    end
    optim.lbfgs(feval, z, { maxIter = 5, lineSearch = ls })
    assert.is_true(ls_calls >= 1)
  end)
end)

-- ---------------------------------------------------------------------------- expected values
-- Generated with PyTorch 1.13 (/usr/bin/python3) for the programs above; Torch7 trajectories
-- by Torch7's formulas on plain doubles.

E.trajectories = {
  { 'SGD', {lr = 0.1},
    f64 = { {0.50124999999999997, -0.84999999999999998, 0.32999999999999996, 1.43875, 0.24943750000000001, -0.89937500000000004, 0.15992000000000001, -0.069960000000000008},
            {0.50498577846158388, -0.38397209859549819, 0.038167752122555569, 1.2870365202941629, 0.24729033835499184, -1.1586120332829142, 0.39395085256389745, 0.44984246310526116} },
    f32 = { {0.50125002861022949, -0.85000002384185791, 0.3299998939037323, 1.4387500286102295, 0.24943749606609344, -0.89937502145767212, 0.15992000699043274, -0.069960013031959534},
            {0.50498580932617188, -0.38397213816642761, 0.038167651742696762, 1.2870365381240845, 0.24729031324386597, -1.1586120128631592, 0.39395084977149963, 0.4498424232006073} } },
  { 'SGD', {lr = 0.1, momentum = 0.9, dampening = 0.1, weight_decay = 0.01},
    f64 = { {0.50075000000000003, -0.84899999999999998, 0.32800000000000001, 1.4372499999999999, 0.24918750000000001, -0.89862500000000001, 0.15982000000000002, -0.069760000000000003},
            {0.50708580591709751, 0.55909008632541102, 0.30588926175128739, 0.98121827327941324, 0.24047074245542557, -1.4100632891633316, 0.80115452546287114, 1.3858554258127922} },
    f32 = { {0.50075000524520874, -0.84899997711181641, 0.32799986004829407, 1.437250018119812, 0.24918749928474426, -0.89862501621246338, 0.15982000529766083, -0.069760017096996307},
            {0.50708580017089844, 0.55909007787704468, 0.3058893084526062, 0.98121827840805054, 0.24047075212001801, -1.4100632667541504, 0.80115455389022827, 1.3858551979064941} } },
  { 'SGD', {lr = 0.05, momentum = 0.9, nesterov = true, weight_decay = 0.01},
    f64 = { {0.5007125, -0.85655000000000003, 0.41160000000000008, 1.4403874999999999, 0.24922812499999999, -0.89119375000000001, 0.156829, -0.076272000000000006},
            {0.50497993242639005, 0.061488543608243879, -1.402660261988677, 1.1355941979525004, 0.24343011131662767, -1.3386153667746292, 0.58882772582662268, 0.89227171341628608} },
    f32 = { {0.50071251392364502, -0.85654997825622559, 0.41159990429878235, 1.440387487411499, 0.24922811985015869, -0.89119374752044678, 0.15682899951934814, -0.076272010803222656},
            {0.50497996807098389, 0.061488520354032516, -1.4026602506637573, 1.1355941295623779, 0.24343009293079376, -1.3386152982711792, 0.58882772922515869, 0.89227157831192017} } },
  { 'SGD', {lr = 0.1, momentum = 0.5, maximize = true},
    f64 = { {0.49874999999999997, -1.1499999999999999, 3.6699999999999999, 1.56125, 0.25056250000000002, -0.60062499999999996, 0.040080000000000005, -0.33004},
            {0.48703263835313315, -3.3224898551253745, 2.3206317465648423e+22, 2.3525217640379479, 0.25473834270481516, 0.71068680911809368, -0.3855823180482274, -1.2580147944170297} },
    f32 = { {0.4987500011920929, -1.1499999761581421, 3.6700000762939453, 1.5612499713897705, 0.25056248903274536, -0.60062497854232788, 0.040079999715089798, -0.33004000782966614},
            {0.48703265190124512, -3.3224902153015137, 2.3206357577297365e+22, 2.3525218963623047, 0.25473833084106445, 0.71068686246871948, -0.38558235764503479, -1.2580147981643677} } },
  { 'Adam', {lr = 0.05},
    f64 = { {0.54999996000003204, -0.95000000033333332, 1.9500000000299402, 1.4500000008163265, 0.20000008888873086, -0.79999999966527202, 0.14999999916555409, -0.1500000003844971},
            {0.48630777979771878, -0.75119848059679128, 1.7521621496884912, 1.2578357058686298, 0.22293536302527217, -0.99699068611430997, 0.34983883312023839, 0.049997913516942161} },
    f32 = { {0.54999995231628418, -0.94999998807907104, 1.9500000476837158, 1.4500000476837158, 0.2000000923871994, -0.80000001192092896, 0.15000000596046448, -0.15000000596046448},
            {0.48630779981613159, -0.75119847059249878, 1.7521622180938721, 1.2578357458114624, 0.22293536365032196, -0.99699068069458008, 0.34983885288238525, 0.049997918307781219} } },
  { 'Adam', {lr = 0.05, betas = {0.8, 0.9}, eps = 1e-6, amsgrad = true, weight_decay = 0.1, maximize = true},
    f64 = { {0.45000079998720022, -1.0499999642857398, 2.0499999969696971, 1.5499998918921256, 0.20000258051197359, -0.7000000318724896, 0.050000082074717546, -0.24999996094973373},
            {0.2520233268793885, -1.2509895187346665, 2.2511599766001882, 1.7511070420991197, 0.0013665925938856974, -0.49914988482541656, -0.14980858210476747, -0.44991646112299077} },
    f32 = { {0.45000079274177551, -1.0499999523162842, 2.0499999523162842, 1.5499999523162842, 0.20000258088111877, -0.70000004768371582, 0.050000086426734924, -0.24999997019767761},
            {0.25202327966690063, -1.250989556312561, 2.2511599063873291, 1.7511070966720581, 0.0013665966689586639, -0.4991498589515686, -0.14980858564376831, -0.44991648197174072} } },
  { 'AdamW', {lr = 0.05},
    f64 = { {0.54974996000003207, -0.94950000033333337, 1.9490000000299403, 1.4492500008163265, 0.19987508888873087, -0.79962499966527201, 0.1499499991655541, -0.14990000038449711},
            {0.48650593699574046, -0.74896231323380613, 1.7474706644412552, 1.2545266563083275, 0.22283146589148647, -0.99491212289715869, 0.34933979006031174, 0.050247539371988635} },
    f32 = { {0.54974997043609619, -0.94949996471405029, 1.9490000009536743, 1.4492499828338623, 0.19987508654594421, -0.7996249794960022, 0.14994999766349792, -0.14990000426769257},
            {0.48650592565536499, -0.7489621639251709, 1.747470498085022, 1.2545264959335327, 0.22283145785331726, -0.99491196870803833, 0.34933978319168091, 0.050247546285390854} } },
  { 'AdamW', {lr = 0.05, weight_decay = 0.1, amsgrad = true},
    f64 = { {0.54749996000003198, -0.94500000033333331, 1.9400000000299402, 1.4425000008163265, 0.19875008888873086, -0.79624999966527188, 0.14949999916555409, -0.14900000038449709},
            {0.48840605266891013, -0.72904842389991675, 1.7057007081084561, 1.2251715587537055, 0.22185703589306163, -0.9763607120798965, 0.34488190734085283, 0.052460638247812393} },
    f32 = { {0.54749995470046997, -0.94499999284744263, 1.940000057220459, 1.442500114440918, 0.1987500935792923, -0.79625004529953003, 0.14949999749660492, -0.14900000393390656},
            {0.48840609192848206, -0.72904849052429199, 1.7057008743286133, 1.225171685218811, 0.22185702621936798, -0.9763607382774353, 0.34488192200660706, 0.052460640668869019} } },
  { 'RMSprop', {lr = 0.01},
    f64 = { {0.59999920000639995, -0.90000000666666624, 1.9000000005988025, 1.400000016326528, 0.15000177774617346, -0.84999999330543974, 0.19999998331108421, -0.10000000768994102},
            {0.5108709183417387, -0.69152183029214442, 1.7030196986777262, 1.2464561751851675, 0.21304014004490854, -1.0336337274334209, 0.42014928639774635, 0.12443634661456851} },
    f32 = { {0.59999918937683105, -0.89999997615814209, 1.8999999761581421, 1.3999999761581421, 0.15000177919864655, -0.85000002384185791, 0.19999998807907104, -0.10000001639127731},
            {0.51087093353271484, -0.69152182340621948, 1.7030196189880371, 1.2464561462402344, 0.21304014325141907, -1.033633828163147, 0.4201492965221405, 0.12443634122610092} } },
  { 'RMSprop', {lr = 0.01, alpha = 0.9, momentum = 0.5, centered = true, weight_decay = 0.1},
    f64 = { {0.46666669629626994, -0.96666666736111106, 1.9666666667324129, 1.4666666681238616, 0.21666670294780629, -0.78333333255017135, 0.13333333144753726, -0.1666666675081625},
            {0.47370289604467491, -0.80151933989617941, 1.8044193351152067, 1.3132272979781268, 0.10596625605305252, -0.94274361917504113, 0.302040381621697, 0.0032318520660910071} },
    f32 = { {0.46666669845581055, -0.96666663885116577, 1.9666666984558105, 1.4666666984558105, 0.21666669845581055, -0.78333336114883423, 0.13333332538604736, -0.1666666716337204},
            {0.47370287775993347, -0.80151933431625366, 1.8044193983078003, 1.3132274150848389, 0.10596625506877899, -0.94274359941482544, 0.30204036831855774, 0.0032318378798663616} } },
  { 'Adagrad', {lr = 0.1},
    f64 = { {0.59999999920000002, -0.90000000000666669, 1.9000000000005988, 1.4000000000163264, 0.15000000177777773, -0.84999999999330544, 0.19999999998331108, -0.10000000000768994},
            {0.51086965345298618, -0.69280672967331736, 1.7042592794220564, 1.2474401170846123, 0.21328059261695664, -1.0325364787165257, 0.41888225475898549, 0.123142789696154} },
    f32 = { {0.60000002384185791, -0.89999997615814209, 1.8999999761581421, 1.3999999761581421, 0.15000000596046448, -0.85000002384185791, 0.20000000298023224, -0.10000000149011612},
            {0.51086962223052979, -0.69280672073364258, 1.7042592763900757, 1.2474400997161865, 0.21328058838844299, -1.032536506652832, 0.41888225078582764, 0.12314280122518539} } },
  { 'Adagrad', {lr = 0.1, lr_decay = 0.01, weight_decay = 0.1, initial_accumulator_value = 0.1, eps = 1e-8, maximize = true},
    f64 = { {0.48061083224326673, -1.0975426213212147, 2.0999816395243163, 1.5825489869534648, 0.24388455487860114, -0.65197182122117103, 0.011245173567076869, -0.2970829385297673},
            {0.35873197860433359, -1.3344790762312604, 2.3435228210972885, 1.8436155453565735, 0.21874276064458412, -0.42134641457346994, -0.1949862016195118, -0.51181449329296524} },
    f32 = { {0.48061084747314453, -1.0975426435470581, 2.0999815464019775, 1.582548975944519, 0.24388454854488373, -0.65197181701660156, 0.011245176196098328, -0.29708296060562134},
            {0.35873201489448547, -1.3344790935516357, 2.3435227870941162, 1.8436155319213867, 0.21874275803565979, -0.42134639620780945, -0.19498619437217712, -0.51181453466415405} } },
  { 'Adadelta', {},
    f64 = { {0.50306569669742485, -0.99683772936709192, 1.9968377223965257, 1.4968377644851303, 0.24724346248675741, -0.75316227057397978, 0.10316223362320916, -0.19683773168988644},
            {0.50971883713889943, -0.98363063710456056, 1.983658985243667, 1.4837793864891651, 0.23750855944030674, -0.76634444534386792, 0.11642985054665349, -0.18356738297554673} },
    f32 = { {0.50306570529937744, -0.99683773517608643, 1.9968377351760864, 1.4968377351760864, 0.24724346399307251, -0.75316226482391357, 0.10316223651170731, -0.19683773815631866},
            {0.50971883535385132, -0.98363059759140015, 1.9836589097976685, 1.4837794303894043, 0.23750856518745422, -0.76634442806243896, 0.11642985790967941, -0.18356738984584808} } },
  { 'Adadelta', {lr = 0.5, rho = 0.8, eps = 1e-5, weight_decay = 0.1},
    f64 = { {0.49652569209040942, -0.99646450062025982, 1.9964644664035394, 1.4964646181093699, 0.24655509958502161, -0.75353548999474596, 0.10353527932690165, -0.19646451679017801},
            {0.48398963010108426, -0.98092373366692875, 1.9809584805426319, 1.481069847511427, 0.23210483762107842, -0.76903268366826827, 0.11913762465865606, -0.18085019724624438} },
    f32 = { {0.49652570486068726, -0.99646449089050293, 1.9964644908905029, 1.4964646100997925, 0.24655510485172272, -0.75353550910949707, 0.10353527963161469, -0.19646452367305756},
            {0.4839896559715271, -0.98092371225357056, 1.9809585809707642, 1.4810699224472046, 0.2321048378944397, -0.76903271675109863, 0.11913762241601944, -0.18085020780563354} } },
}

E.groups_w = {1, -4.4275000999999996, 0.082278399999999807}
E.groups_b = {0.39672749999999996, 0.17770925000000001}

E.autograd_adam = {
  f64 = { params = {1.2473008356725674, -1.7477988672857381, 1.1164878115776355, 0.56581006553366797, -0.38323601594597423, 0.092357672509349162, -0.80293895808543991, 0.66987777701511275},
          losses = {6.5016406250000003, 5.1321031278962206, 3.9551628003997807, 2.9704203126873301, 2.1777795370393354, 1.5715023976863371, 1.1398845886533708, 0.86463449556647376, 0.72092186924383173, 0.67882148691108979} },
  f32 = { params = {1.2473007440567017, -1.7477989196777344, 1.1164878606796265, 0.56581008434295654, -0.38323596119880676, 0.092357620596885681, -0.80293887853622437, 0.66987776756286621},
          losses = {6.5016403198242188, 5.1321029663085938, 3.9551622867584229, 2.9704201221466064, 2.1777794361114502, 1.5715025663375854, 1.1398847103118896, 0.86463451385498047, 0.72092199325561523, 0.6788216233253479} },
}

E.lbfgs = {
  { line_search_fn = nil, max_iter = 6, x = {-0.97026704071216463, 0.94965884148996238, 0.90668626200638114}, loss = 1238.5, func_evals = 6, n_iter = 6, final = 3.8936144669461061 },
  { line_search_fn = 'strong_wolfe', max_iter = 6, x = {-0.97026704071216463, 0.94965884148996238, 0.90668626200638114}, loss = 1238.5, func_evals = 7, n_iter = 6, final = 3.8936144669461061 },
  { line_search_fn = nil, max_iter = 100, x = {0.99999982485608296, 0.99999962975766798, 0.99999929803219245}, loss = 1238.5, func_evals = 96, n_iter = 96, final = 3.5592686429475906e-13 },
  { line_search_fn = 'strong_wolfe', max_iter = 100, x = {1.0000020367403335, 1.0000044227903286, 1.0000084183218838}, loss = 1238.5, func_evals = 60, n_iter = 52, final = 5.4167497159178781e-11 },
}
E.lbfgs_quad_float64 = { x = {1, 0.66666730607759106, -1.9999940162978964, -8.4079986975999768e-07}, loss = {6.25, -2.1443065400629209}, func_evals = 8 }
E.lbfgs_quad_float32 = { x = {1, 0.66666734218597412, -1.9999940395355225, -8.358911145478487e-07}, loss = {6.25, -2.1443064212799072}, func_evals = 8 }

E.schedules = {
  { 'StepLR', {3, 0.5},
    lr = {{0.10000000000000001, 0.5}, {0.10000000000000001, 0.5}, {0.10000000000000001, 0.5}, {0.050000000000000003, 0.25}, {0.050000000000000003, 0.25}, {0.050000000000000003, 0.25}, {0.025000000000000001, 0.125}, {0.025000000000000001, 0.125}, {0.025000000000000001, 0.125}, {0.012500000000000001, 0.0625}},
    momentum = {0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002} },
  { 'MultiStepLR', {{2, 5, 5}, {gamma = 0.3}},
    lr = {{0.10000000000000001, 0.5}, {0.10000000000000001, 0.5}, {0.029999999999999999, 0.14999999999999999}, {0.029999999999999999, 0.14999999999999999}, {0.029999999999999999, 0.14999999999999999}, {0.0026999999999999997, 0.0135}, {0.0026999999999999997, 0.0135}, {0.0026999999999999997, 0.0135}, {0.0026999999999999997, 0.0135}, {0.0026999999999999997, 0.0135}},
    momentum = {0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002} },
  { 'ExponentialLR', {0.9},
    lr = {{0.10000000000000001, 0.5}, {0.090000000000000011, 0.45000000000000001}, {0.081000000000000016, 0.40500000000000003}, {0.07290000000000002, 0.36450000000000005}, {0.065610000000000016, 0.32805000000000006}, {0.059049000000000018, 0.29524500000000009}, {0.05314410000000002, 0.26572050000000008}, {0.047829690000000022, 0.23914845000000007}, {0.043046721000000024, 0.21523360500000008}, {0.03874204890000002, 0.19371024450000007}},
    momentum = {0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002} },
  { 'CosineAnnealingLR', {4, 0.01},
    lr = {{0.10000000000000001, 0.5}, {0.086819805153394644, 0.42824116139070412}, {0.055000000000000007, 0.255}, {0.023180194846605363, 0.081758838609295864}, {0.01, 0.01}, {0.023180194846605363, 0.081758838609295836}, {0.055000000000000021, 0.255}, {0.086819805153394686, 0.42824116139070423}, {0.10000000000000006, 0.50000000000000011}, {0.0868198051533947, 0.42824116139070428}},
    momentum = {0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002} },
  { 'CosineAnnealingLR', {{T_max = 3}},
    lr = {{0.10000000000000001, 0.5}, {0.075000000000000011, 0.375}, {0.025000000000000015, 0.12500000000000006}, {0, 0}, {0.024999999999999994, 0.12499999999999997}, {0.075000000000000053, 0.37500000000000022}, {0.10000000000000006, 0.50000000000000022}, {0.075000000000000067, 0.37500000000000028}, {0.025000000000000053, 0.12500000000000025}, {0, 0}},
    momentum = {0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002, 0.90000000000000002} },
  { 'OneCycleLR', {{max_lr = {1.0, 2.0}, total_steps = 10}},
    lr = {{0.040000000000000036, 0.080000000000000071}, {0.52000000000000002, 1.04}, {1, 2}, {0.95048463201347366, 1.9009692640269473}, {0.81174565394976306, 1.6234913078995261}, {0.61126202193628931, 1.2225240438725786}, {0.38874197806371075, 0.77748395612742149}, {0.18825834605023697, 0.37651669210047395}, {0.049519367986526286, 0.099038735973052572}, {3.9999999999999998e-06, 7.9999999999999996e-06}},
    momentum = {0.94999999999999996, 0.89999999999999991, 0.84999999999999998, 0.85495155660487898, 0.86882550990706331, 0.88887395330218422, 0.91112604669781572, 0.93117449009293662, 0.94504844339512095, 0.94999999999999996} },
  { 'OneCycleLR', {{max_lr = 1.0, total_steps = 10, three_phase = true, anneal_strategy = 'linear', div_factor = 10, final_div_factor = 100}},
    lr = {{0.10000000000000001, 0.10000000000000001}, {0.55000000000000004, 0.55000000000000004}, {1, 1}, {0.55000000000000004, 0.55000000000000004}, {0.099999999999999978, 0.099999999999999978}, {0.080200000000000007, 0.080200000000000007}, {0.060400000000000002, 0.060400000000000002}, {0.040600000000000004, 0.040600000000000004}, {0.020799999999999999, 0.020799999999999999}, {0.0010000000000000009, 0.0010000000000000009}},
    momentum = {0.94999999999999996, 0.89999999999999991, 0.84999999999999998, 0.89999999999999991, 0.94999999999999996, 0.94999999999999996, 0.94999999999999996, 0.94999999999999996, 0.94999999999999996, 0.94999999999999996} },
  { 'OneCycleLR', {{max_lr = 0.5, epochs = 2, steps_per_epoch = 5, pct_start = 0.4, base_momentum = 0.8, max_momentum = 0.9}},
    lr = {{0.020000000000000018}, {0.14000000000000001}, {0.37999999999999995}, {0.5}, {0.4665064849207059}, {0.37500050000000001}, {0.25000099999999997}, {0.12500150000000004}, {0.033495515079294109}, {1.9999999999999999e-06}},
    momentum = {0.90000000000000002, 0.875, 0.82500000000000007, 0.80000000000000004, 0.80669872981077806, 0.82500000000000007, 0.85000000000000009, 0.875, 0.89330127018922201, 0.90000000000000002} },
}
E.lambda_lr = {{0.10000000000000001, 0.5}, {0.050000000000000003, 0.47499999999999998}, {0.033333333333333333, 0.45124999999999998}, {0.025000000000000001, 0.42868749999999994}, {0.020000000000000004, 0.40725312499999994}, {0.016666666666666666, 0.38689046874999988}}
E.plateau_min = {{0.10000000000000001, 0.5}, {0.10000000000000001, 0.5}, {0.050000000000000003, 0.25}, {0.050000000000000003, 0.25}, {0.050000000000000003, 0.25}, {0.050000000000000003, 0.25}, {0.025000000000000001, 0.20000000000000001}, {0.025000000000000001, 0.20000000000000001}, {0.025000000000000001, 0.20000000000000001}, {0.012500000000000001, 0.20000000000000001}}
E.plateau_min_bad = {0, 1, 0, 0, 0, 1, 0, 0, 1, 0}
E.plateau_max = {{0.10000000000000001, 0.5}, {0.010000000000000002, 0.050000000000000003}, {0.010000000000000002, 0.050000000000000003}, {0.0010000000000000002, 0.005000000000000001}, {0.00010000000000000003, 0.00050000000000000012}, {0.00010000000000000003, 0.00050000000000000012}}
E.closed = { StepLR = {0.025000000000000001, 0.125}, CosineAnnealingLR = {0.07938926261462366, 0.39694631307311828}, MultiStepLR = {0.00010000000000000003, 0.00050000000000000012}, ExponentialLR = {0.012500000000000001, 0.0625} }

E.torch7 = {
  { 'sgd', {learningRate = 0.1},
    x = {0.73427949999999997, -0.23785600000000001, -0.60263783593749998},
    f = {0.875, 0.43640625, 0.13727226562499989, -0.070436686523437542, -0.21774544614990243, -0.32475148426591183} },
  { 'sgd', {learningRate = 0.1, momentum = 0.9},
    x = {0.78439996679500013, -0.57718541056000006, -0.56179403230023428},
    f = {0.875, 0.43640625, 0.088394285156249919, -0.17057255629365231, -0.34749151038942533, -0.45331798111609783} },
  { 'sgd', {learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true, weightDecay = 0.01, learningRateDecay = 0.1},
    x = {1.0374132644027829, -0.85764800707295852, 0.039222751316061732},
    f = {0.875, 0.11253344375000007, -0.3524089184447442, -0.54525478736872024, -0.59498365214505755, -0.60711221039990448} },
  { 'adam', {learningRate = 0.1},
    x = {1.047431321951374, -0.085763487275903411, -0.40763638729777041},
    f = {0.875, 0.5675000832732815, 0.29617219400684519, 0.061251478047506386, -0.13767190521079475, -0.30190213905071761} },
  { 'adam', {learningRate = 0.1, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-6, weightDecay = 0.1, learningRateDecay = 0.05},
    x = {0.95834986245173381, -0.018332026876709262, -0.47445052542401522},
    f = {0.875, 0.56750259043640994, 0.30927457856618756, 0.094730888115439726, -0.081682396238837773, -0.22553086869171202} },
  { 'rmsprop', {learningRate = 0.05},
    x = {1, -0.47241542692930349, 0.27281727016813473},
    f = {0.875, -0.31249994166666534, -0.60639610825585788, -0.71710152324806753, -0.76482068654661362, -0.78739487839640521} },
  { 'rmsprop', {learningRate = 0.05, alpha = 0.9, epsilon = 1e-6, weightDecay = 0.1, initialMean = 0.5},
    x = {0.67339004998287755, 0.059108218496784437, -0.68594252373676745},
    f = {0.875, 0.60821159888683929, 0.40883415003834656, 0.24881898152057691, 0.1156780179613211, 0.0025251352485294865} },
  { 'adagrad', {learningRate = 0.5},
    x = {1, -0.47091705679456908, 0.26818261928078402},
    f = {0.875, -0.31249999994166666, -0.60555107753053306, -0.71605107824546055, -0.76386371316489277, -0.78660929270745783} },
  { 'adagrad', {learningRate = 0.5, learningRateDecay = 0.1, weightDecay = 0.1},
    x = {0.90909079577735441, -0.42025766018011079, 0.138717499864632},
    f = {0.875, -0.31249999994619793, -0.57543041643469961, -0.67943975701090864, -0.72804693240524831, -0.75407687770791243} },
}
