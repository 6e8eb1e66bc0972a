-- torch.autograd: the Lua face of the engine in lib/TH/autograd.
--
-- The graph, the engine and every backward formula are C; this file gives them PyTorch's
-- spelling: tensor fields (x.grad, x.grad_fn, x.is_leaf), x:backward(), torch.autograd.grad,
-- grad-mode switches that take a function (Lua has no `with`), gradient hooks, functions
-- whose forward and backward are written in Lua, and gradcheck/gradgradcheck.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor

local autograd = {}
torch.autograd = autograd

local function is_tensor(x) return getmetatable(x) == torch._tensor_mt end

local function check_options(opts, allowed, where)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then
    torch._error(string.format('[%s] options table expected, got %s', where, type(opts)))
  end
  for k in pairs(opts) do
    if not allowed[k] then torch._error(string.format("[%s] unknown option '%s'", where, tostring(k))) end
  end
  return opts
end

-- A tensor or a list of tensors as a list; n is its length.
local function as_list(x, where, what)
  if is_tensor(x) then return { x }, 1 end
  if type(x) ~= 'table' then
    torch._error(string.format('[%s] %s must be a tensor or a table of tensors, got %s', where, what, type(x)))
  end
  local n = #x
  for i = 1, n do
    if not is_tensor(x[i]) then
      torch._error(string.format('[%s] %s[%d] must be a tensor, got %s', where, what, i, type(x[i])))
    end
  end
  return x, n
end

-- A gradient list matching n outputs: a tensor, a table (with nils), or nil.
local function grad_list(g, n, where, what)
  if g == nil then return nil end
  if is_tensor(g) then g = { g } end
  if type(g) ~= 'table' then
    torch._error(string.format('[%s] %s must be a tensor or a table of tensors, got %s', where, what, type(g)))
  end
  for i = 1, n do
    if g[i] ~= nil and not is_tensor(g[i]) then
      torch._error(string.format('[%s] %s[%d] must be a tensor or nil, got %s', where, what, i, type(g[i])))
    end
  end
  return g
end

-- ---------------------------------------------------------------------------- backward / grad
local BACKWARD_OPTS = { retain_graph = true, create_graph = true, inputs = true, grad_tensors = true }

function autograd.backward(tensors, grad_tensors, opts)
  if opts == nil and type(grad_tensors) == 'table' and not is_tensor(grad_tensors) and grad_tensors[1] == nil
     and next(grad_tensors) ~= nil then
    opts, grad_tensors = grad_tensors, nil -- backward(t, {retain_graph = ...})
  end
  opts = check_options(opts, BACKWARD_OPTS, 'backward')
  if grad_tensors == nil then grad_tensors = opts.grad_tensors end
  local outs, n = as_list(tensors, 'backward', 'tensors')
  local grads = grad_list(grad_tensors, n, 'backward', 'grad_tensors')
  local inputs, ninputs = nil, 0
  if opts.inputs ~= nil then
    inputs, ninputs = as_list(opts.inputs, 'backward', 'inputs')
    if ninputs == 0 then torch._error("[backward] 'inputs' argument to backward() cannot be empty") end
  end
  local create = opts.create_graph == true
  local retain = opts.retain_graph
  if retain == nil then retain = create end
  core.run_backward(outs, n, grads, inputs, ninputs, retain, create, true, false)
end

function Tensor.backward(x, gradient, opts)
  if opts == nil and type(gradient) == 'table' and not is_tensor(gradient) then
    opts, gradient = gradient, nil
  end
  autograd.backward({ x }, gradient and { gradient } or nil, opts)
end

local GRAD_OPTS = { grad_outputs = true, retain_graph = true, create_graph = true, allow_unused = true,
                    only_inputs = true }

-- Returns a table of gradients, one per input (nil where unused and allow_unused).
function autograd.grad(outputs, inputs, opts)
  opts = check_options(opts, GRAD_OPTS, 'grad')
  local outs, n = as_list(outputs, 'grad', 'outputs')
  local ins, ninputs = as_list(inputs, 'grad', 'inputs')
  if ninputs == 0 then torch._error('[grad] inputs cannot be empty') end
  local grads = grad_list(opts.grad_outputs, n, 'grad', 'grad_outputs')
  local create = opts.create_graph == true
  local retain = opts.retain_graph
  if retain == nil then retain = create end
  return core.run_backward(outs, n, grads, ins, ninputs, retain, create, false, opts.allow_unused == true)
end

-- ---------------------------------------------------------------------------- grad mode
-- LuaJIT has no table.pack: keep the results with their count.
local function pack(...) return { n = select('#', ...), ... } end
local function with_grad_mode(flag, fn, ...)
  if type(fn) ~= 'function' then
    torch._error('expected a function to run, got ' .. type(fn))
  end
  local prev = core.set_grad_enabled(flag)
  local res = pack(pcall(fn, ...))
  core.set_grad_enabled(prev)
  if not res[1] then error(res[2], 0) end
  return unpack(res, 2, res.n)
end

function torch.no_grad(fn, ...) return with_grad_mode(false, fn, ...) end
function torch.enable_grad(fn, ...) return with_grad_mode(true, fn, ...) end
function torch.is_grad_enabled() return core.is_grad_enabled() end
-- set_grad_enabled(flag) switches the mode; set_grad_enabled(flag, fn, ...) runs fn in it.
function torch.set_grad_enabled(flag, fn, ...)
  if type(flag) ~= 'boolean' then
    torch._error('[set_grad_enabled] expected a boolean, got ' .. type(flag))
  end
  if fn ~= nil then return with_grad_mode(flag, fn, ...) end
  core.set_grad_enabled(flag)
end
torch.inference_mode = torch.no_grad
autograd.no_grad = torch.no_grad
autograd.enable_grad = torch.enable_grad
autograd.set_grad_enabled = torch.set_grad_enabled

-- ---------------------------------------------------------------------------- tensor fields
local getters, setters = Tensor._getters, Tensor._setters
function getters.grad(x) return core.grad(x) end
function getters.grad_fn(x) return core.grad_fn(x) end
function getters.is_leaf(x) return core.is_leaf(x) end
function getters.retains_grad(x) return core.retains_grad(x) end
function getters.output_nr(x) return core.output_nr(x) end
function getters.data(x) return core.detach(x) end
function setters.grad(x, g)
  if g ~= nil and not is_tensor(g) then torch._error('assigned grad expected to be a Tensor or nil, got ' .. type(g)) end
  core.set_grad(x, g)
end

function Tensor.retain_grad(x) core.retain_grad(x) end
function Tensor.detach(x) return core.detach(x) end
function Tensor.detach_(x) return core.detach_(x) end

local Handle = {}
Handle.__index = Handle
function Handle:remove()
  if self.tensor then core.remove_hook(self.tensor, self.id) end
  self.tensor = nil
end

-- x:register_hook(fn): fn(grad) runs when x's gradient is computed; a returned tensor
-- replaces the gradient.  Returns a handle with :remove().
function Tensor.register_hook(x, fn)
  if type(fn) ~= 'function' then torch._error('[register_hook] expected a function, got ' .. type(fn)) end
  local id = core.register_hook(x, fn)
  return setmetatable({ tensor = x, id = id }, Handle)
end

-- ---------------------------------------------------------------------------- graph nodes
local Node = {}
local node_mt = core.node_mt
node_mt.__index = function(node, key)
  if key == 'next_functions' then
    local r = core.node_next(node)
    for _, e in ipairs(r) do if e[1] == false then e[1] = nil end end
    return r
  elseif key == 'variable' then
    return core.node_variable(node)
  end
  return Node[key]
end
function Node.name(node) return core.node_name(node) end
autograd.Node = Node

-- ---------------------------------------------------------------------------- Lua functions
-- local Exp = torch.autograd.Function:extend('Exp')
-- function Exp.forward(ctx, x) local y = x:exp(); ctx:save_for_backward(y); return y end
-- function Exp.backward(ctx, g) local y = table.unpack(ctx.saved_tensors); return g * y end
-- local y = Exp.apply(x)
local Function = {}
Function.__index = Function
autograd.Function = Function

local Ctx = {}

-- Saved tensors are kept without their history (so a function's outputs can be saved without
-- a reference cycle); a later in-place change to one is reported when backward reads it.
function Ctx:save_for_backward(...)
  local n = select('#', ...)
  local saved = { n = n }
  for i = 1, n do
    local t = select(i, ...)
    if t ~= nil and not is_tensor(t) then
      torch._error(string.format('[save_for_backward] argument %d must be a tensor or nil, got %s', i, type(t)))
    end
    if t ~= nil then saved[i] = { core.detach(t), core.version(t) } end
  end
  rawset(self, '_saved', saved)
end

function Ctx:mark_non_differentiable(...)
  local nd = rawget(self, '_non_diff') or {}
  for i = 1, select('#', ...) do nd[select(i, ...)] = true end
  rawset(self, '_non_diff', nd)
end

function Ctx:set_materialize_grads(flag) rawset(self, '_no_materialize', not flag) end

Ctx.__index = function(ctx, key)
  if key == 'saved_tensors' then
    local saved = rawget(ctx, '_saved')
    if not saved then return {} end
    local r = {}
    for i = 1, saved.n do
      local s = saved[i]
      if s then
        if core.version(s[1]) ~= s[2] then
          torch._error(string.format('one of the variables needed for gradient computation has been '
            .. 'modified by an inplace operation: saved tensor %d of %s is at version %d; expected '
            .. 'version %d instead.', i, rawget(ctx, '_name'), core.version(s[1]), s[2]))
        end
        r[i] = s[1]
      end
    end
    return r
  end
  return Ctx[key]
end

function Function:extend(name)
  if type(name) ~= 'string' then torch._error('[Function:extend] expected a class name, got ' .. type(name)) end
  local cls = setmetatable({ __name = name }, { __index = self })
  cls.apply = function(...) return Function._apply(cls, ...) end
  return cls
end

function Function.forward() torch._error('[autograd.Function] forward is not implemented') end
function Function.backward() torch._error('[autograd.Function] backward is not implemented') end

function Function._apply(cls, ...)
  local nargs = select('#', ...)
  local args = { ... }
  local needs, tensor_pos, tensor_inputs = {}, {}, {}
  local any = false
  for i = 1, nargs do
    local a = args[i]
    needs[i] = is_tensor(a) and a.requires_grad or false
    if is_tensor(a) then
      tensor_inputs[#tensor_inputs + 1] = a
      tensor_pos[#tensor_pos + 1] = i
      any = any or needs[i]
    end
  end
  local name = (cls.__name or 'Function') .. 'Backward'
  local ctx = setmetatable({ needs_input_grad = needs, _name = name }, Ctx)
  local outs = pack(torch.no_grad(cls.forward, ctx, ...))
  if not (any and core.is_grad_enabled()) then return unpack(outs, 1, outs.n) end
  local non_diff = rawget(ctx, '_non_diff') or {}
  local diff_outs, diff_pos = {}, {}
  for i = 1, outs.n do
    local o = outs[i]
    if is_tensor(o) and not non_diff[o] and o.dtype.is_floating_point then
      -- an input returned as is: its alias carries the new history
      for _, t in ipairs(tensor_inputs) do
        if rawequal(o, t) then o = core.detach(o); outs[i] = o; break end
      end
      diff_outs[#diff_outs + 1] = o
      diff_pos[#diff_pos + 1] = i
    end
  end
  local nin, nout = #tensor_inputs, #diff_outs
  local backward = cls.backward
  local function run_backward(...)
    local grads = pack(backward(ctx, ...))
    local r = {}
    if grads.n ~= nargs and not (grads.n > nargs and nargs == 0) then
      torch._error(string.format('function %s returned an incorrect number of gradients (expected %d, got %d)',
        name, nargs, grads.n))
    end
    for k, pos in ipairs(tensor_pos) do
      local g = grads[pos]
      if g ~= nil and not is_tensor(g) then
        torch._error(string.format('function %s returned a %s as gradient %d; expected a tensor or nil',
          name, type(g), pos))
      end
      if g ~= nil and not needs[pos] then g = nil end
      r[k] = g
    end
    return unpack(r, 1, nin)
  end
  if nout > 0 then core.record_function(name, tensor_inputs, nin, diff_outs, nout, run_backward) end
  return unpack(outs, 1, outs.n)
end

-- ---------------------------------------------------------------------------- gradcheck
-- Compares the gradients autograd computes for fn at inputs (float64 tensors that require
-- grad) with central finite differences, one Jacobian column per input element.
local GRADCHECK_OPTS = { eps = true, atol = true, rtol = true, raise_exception = true,
                         check_undefined_grad = true, nondet_tol = true }

local function outputs_of(fn, inputs)
  local r = pack(fn(unpack(inputs, 1, inputs.n or #inputs)))
  local outs = {}
  for i = 1, r.n do if is_tensor(r[i]) then outs[#outs + 1] = r[i] end end
  return outs
end

local function fail(msg, raise)
  if raise then torch._error(msg) end
  return false
end

-- A 0-dim view of element j (1-based, row-major order) of t, strided or not.
local function element(t, j)
  local nd = t:dim()
  local idx, rest = {}, j - 1
  for d = nd, 1, -1 do
    local s = t:size(d)
    idx[d] = rest % s
    rest = (rest - idx[d]) / s
  end
  for d = 1, nd do t = t:select(1, idx[d] + 1) end
  return t
end

function autograd.gradcheck(fn, inputs, opts)
  opts = check_options(opts, GRADCHECK_OPTS, 'gradcheck')
  local eps, atol, rtol = opts.eps or 1e-6, opts.atol or 1e-5, opts.rtol or 1e-3
  local raise = opts.raise_exception ~= false
  if is_tensor(inputs) then inputs = { inputs } end
  local n_in = inputs.n or #inputs
  local diff = {}
  for i = 1, n_in do
    local x = inputs[i]
    if is_tensor(x) and x.requires_grad then
      if x.dtype ~= torch.float64 then
        return fail(string.format('[gradcheck] input %d is %s; gradcheck needs float64 inputs for '
          .. 'accurate finite differences', i, tostring(x.dtype)), raise)
      end
      diff[#diff + 1] = i
    end
  end
  if #diff == 0 then return fail('[gradcheck] no input requires grad', raise) end
  local outs = outputs_of(fn, inputs)
  -- analytical, for every output first (the finite differences below write into the inputs,
  -- which a graph that saved them would report): one vector-Jacobian product per element
  local analytical = {}
  for oi, out in ipairs(outs) do
    local numel = out:numel()
    local jac = {}
    for k, i in ipairs(diff) do jac[k] = torch.zeros(numel, inputs[i]:numel(), { dtype = torch.float64 }) end
    if out.requires_grad then
      local flat_out = out:reshape(-1)
      local dins = {}
      for k, i in ipairs(diff) do dins[k] = inputs[i] end
      for e = 1, numel do
        local go = torch.zeros(numel, { dtype = out.dtype })
        go[e] = 1
        local gs = autograd.grad({ flat_out }, dins, { grad_outputs = { go }, retain_graph = true,
                                                       allow_unused = true })
        for k in ipairs(diff) do
          if gs[k] then jac[k][e]:copy_(gs[k]:reshape(-1)) end
        end
      end
    end
    analytical[oi] = jac
  end
  -- numerical: central differences, perturbing one input element at a time
  local function evaluate()
    local r = torch.no_grad(outputs_of, fn, inputs)
    for oi = 1, #r do r[oi] = r[oi]:detach():reshape(-1):clone():double() end
    return r
  end
  for k, i in ipairs(diff) do
    local data = inputs[i].data
    for j = 1, data:numel() do
      local e = element(data, j)
      local orig = e:item()
      e:fill_(orig + eps)
      local plus = evaluate()
      e:fill_(orig - eps)
      local minus = evaluate()
      e:fill_(orig)
      for oi = 1, #outs do
        local numeric = (plus[oi] - minus[oi]) / (2 * eps)
        local a = analytical[oi][k]:select(2, j)
        local bad = numeric:numel() > 0
          and ((a - numeric):abs() - (numeric:abs() * rtol + atol)):max():item() or 0
        if bad > 0 then
          return fail(string.format('[gradcheck] Jacobian mismatch for output %d with respect to input %d, '
            .. 'element %d:\nnumerical: %s\nanalytical: %s', oi, i, j, tostring(numeric), tostring(a)), raise)
        end
      end
    end
  end
  return true
end

-- Checks second derivatives: gradcheck of the function (inputs, grad_outputs) ->
-- autograd.grad(fn(inputs), inputs, grad_outputs, create_graph).
function autograd.gradgradcheck(fn, inputs, grad_outputs, opts)
  if opts == nil and type(grad_outputs) == 'table' and not is_tensor(grad_outputs) and grad_outputs[1] == nil then
    opts, grad_outputs = grad_outputs, nil
  end
  opts = check_options(opts, GRADCHECK_OPTS, 'gradgradcheck')
  if is_tensor(inputs) then inputs = { inputs } end
  local n_in = inputs.n or #inputs
  local outs = outputs_of(fn, inputs)
  if grad_outputs == nil then
    grad_outputs = {}
    for i, o in ipairs(outs) do
      grad_outputs[i] = torch.randn(o.shape, { dtype = o.dtype, requires_grad = true })
    end
  elseif is_tensor(grad_outputs) then
    grad_outputs = { grad_outputs }
  end
  local diff = {}
  for i = 1, n_in do if is_tensor(inputs[i]) and inputs[i].requires_grad then diff[#diff + 1] = i end end
  local all = { n = n_in + #grad_outputs }
  for i = 1, n_in do all[i] = inputs[i] end
  for k, g in ipairs(grad_outputs) do all[n_in + k] = g end
  local function first_grads(...)
    local args = pack(...)
    local ins = {}
    for i = 1, n_in do ins[i] = args[i] end
    local gos = {}
    for k = 1, #grad_outputs do gos[k] = args[n_in + k] end
    local o = outputs_of(fn, ins)
    local wrt = {}
    for k, i in ipairs(diff) do wrt[k] = ins[i] end
    local gs = autograd.grad(o, wrt, { grad_outputs = gos, create_graph = true, allow_unused = true })
    local r = {}
    for k = 1, #diff do r[k] = gs[k] or torch.zeros_like(wrt[k]) end
    return unpack(r, 1, #diff)
  end
  -- gradcheck runs the function under no_grad for its finite differences: the first
  -- derivatives need their graph all the same
  return autograd.gradcheck(function(...) return torch.enable_grad(first_grads, ...) end, all, opts)
end

return autograd
