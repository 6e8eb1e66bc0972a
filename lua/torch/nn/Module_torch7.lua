-- The original Torch7 workflow on nn.Module, built on autograd:
--
--   local out = model:forward(input)          -- stores model.output, records the graph
--   model:zeroGradParameters()
--   local gradInput = model:backward(input, gradOutput)   -- accumulates into p.grad
--   model:updateParameters(lr)
--   local params, gradParams = model:getParameters()       -- flat views, shared
--
-- forward records the input (a leaf copy that requires grad when the input itself does not)
-- so that backward can return gradInput; backward runs autograd from the recorded output with
-- gradOutput and adds the parameters' gradients into p.grad (module.gradWeight, gradBias, ...
-- are set to those tensors).  A Torch7 class that writes its own updateGradInput /
-- accGradParameters gets them called instead.
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module
local class = require 'torch.torch7_class'

local core = torch._core
local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end
local param_set, flat_set = nn._param_set, nn._flat_set

-- depth > 0 while a Torch7 forward runs: containers then keep their children's outputs
local T7 = { depth = 0 }
nn._t7 = T7

local function pack(...) return { n = select('#', ...), ... } end

-- Containers run a child with this: net(x) plus, under a Torch7 forward, child.output.
function nn._run_child(m, x)
  local y = m(x)
  if T7.depth > 0 then
    rawset(m, 'output', y)
    rawset(m, '_t7_input', x)
  end
  return y
end

-- Input recorded for backward: a floating tensor that does not require grad is replaced by a
-- leaf copy that does (so the graph reaches it); a table of tensors is handled entry by entry.
local function track(x)
  if is_tensor(x) then
    if not x.requires_grad and x:is_floating_point() then return core.detach(x):requires_grad_(true) end
    return x
  end
  if type(x) == 'table' and getmetatable(x) == nil then
    local r = {}
    for i, v in ipairs(x) do r[i] = track(v) end
    return r
  end
  return x
end

-- module:forward(input, ...): Torch7's forward (a class overriding forward replaces it).
function Module:forward(input, ...)
  local x = input
  if torch.is_grad_enabled() then x = track(input) end
  T7.depth = T7.depth + 1
  local r = pack(pcall(self.updateOutput, self, x, ...))
  T7.depth = T7.depth - 1
  if not r[1] then error(r[2], 0) end
  rawset(self, 'output', r[2])
  rawset(self, '_t7_input', x)
  return unpack(r, 2, r.n)
end
Module._set_forward_marker(Module.forward)

-- module:updateOutput(input): the forward computation.  Library layers implement it; for a
-- class that overrides forward (PyTorch style), it is that forward.
function Module:updateOutput(...)
  local f = self.forward
  if f ~= Module.forward then return f(self, ...) end
  torch._error(string.format('[%s] forward is not implemented: define %s:forward(input) (or updateOutput)',
    self:_get_name(), self:_get_name()))
end

-- ---------------------------------------------------------------------------- gradients
local function grad_field(name) return 'grad' .. name:sub(1, 1):upper() .. name:sub(2) end

-- module.gradWeight etc. := weight.grad for every module of the tree
local function sync_grad_fields(root)
  for _, m in ipairs(root:modules()) do
    for _, e in ipairs(Module._own(m, 'param')) do
      if type(e[3]) == 'string' then rawset(m, grad_field(e[3]), e[2].grad) end
    end
  end
end
nn._sync_grad_fields = sync_grad_fields

local function as_list(x)
  if is_tensor(x) then return { x } end
  if type(x) == 'table' then return x end
  return {}
end

local function recorded(self, where)
  local out = rawget(self, 'output')
  if out == nil or rawget(self, '_t7_input') == nil then
    torch._error(string.format('[%s] %s: no forward to differentiate: call module:forward(input) first',
      self:_get_name(), where))
  end
  return out, rawget(self, '_t7_input')
end

-- One autograd pass from the recorded output: gradients of the tracked input (if want_input)
-- and of the parameters (if want_params, scaled and added into p.grad).
local function run(self, gradOutput, scale, want_input, want_params, where)
  local out, xin = recorded(self, where)
  local outs, gos = as_list(out), as_list(gradOutput)
  local roots, grads = {}, {}
  for i, o in ipairs(outs) do
    if is_tensor(o) and o.requires_grad then
      roots[#roots + 1] = o
      local g = gos[i]
      if not is_tensor(g) then
        torch._error(string.format('[%s] %s: gradOutput must be a Tensor%s, got %s', self:_get_name(), where,
          #outs > 1 and (' for output ' .. i) or '', type(g)))
      end
      if g:size() ~= o:size() then
        torch._error(string.format('[%s] %s: gradOutput has shape %s but the output has shape %s', self:_get_name(),
          where, nn._shape(g), nn._shape(o)))
      end
      grads[#grads + 1] = g
    end
  end
  local ins = as_list(xin)
  local targets, nin = {}, 0
  if want_input then
    for _, x in ipairs(ins) do
      if is_tensor(x) and x.requires_grad then targets[#targets + 1] = x end
    end
    nin = #targets
  end
  local params = {}
  if want_params then
    for _, p in ipairs(self:parameters()) do
      if p.requires_grad then targets[#targets + 1] = p; params[#params + 1] = p end
    end
  end
  local res = {}
  if #roots > 0 and #targets > 0 then
    res = torch.autograd.grad(roots, targets, { grad_outputs = grads, retain_graph = true, allow_unused = true })
  end
  if want_params then
    torch.no_grad(function()
      for i, p in ipairs(params) do
        local g = res[nin + i]
        if g ~= nil then
          if scale ~= 1 then g = g * scale end
          local pg = p.grad
          if pg == nil then p.grad = g else pg:add_(g) end
        end
      end
    end)
    sync_grad_fields(self)
  end
  if want_input then
    local gi, k = {}, 0
    for i, x in ipairs(ins) do
      if is_tensor(x) and x.requires_grad then
        k = k + 1
        gi[i] = res[k] or torch.zeros_like(x)
      elseif is_tensor(x) and x:is_floating_point() then
        gi[i] = torch.zeros_like(x)
      end
    end
    local r = is_tensor(xin) and gi[1] or gi
    rawset(self, 'gradInput', r)
    return r
  end
end

local function custom(self, name) return self[name] ~= Module[name] end

-- module:backward(input, gradOutput [, scale = 1]) -> gradInput
function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  if custom(self, 'updateGradInput') or custom(self, 'accGradParameters') then
    self:updateGradInput(input, gradOutput)
    self:accGradParameters(input, gradOutput, scale)
    return self.gradInput
  end
  return run(self, gradOutput, scale, true, true, 'backward')
end

function Module:updateGradInput(input, gradOutput)
  return run(self, gradOutput, 1, true, false, 'updateGradInput')
end

function Module:accGradParameters(input, gradOutput, scale)
  run(self, gradOutput, scale or 1, false, true, 'accGradParameters')
end

-- zeroGradParameters(): every parameter gets a zero gradient (allocated if it had none).
function Module:zeroGradParameters()
  for _, p in ipairs(self:parameters()) do
    local g = p.grad
    if g == nil then
      p.grad = torch.zeros_like(p)
    else
      if g.requires_grad then g:detach_() end
      g:zero_()
    end
  end
  sync_grad_fields(self)
end

-- updateParameters(lr): p := p - lr * p.grad
function Module:updateParameters(lr)
  if type(lr) ~= 'number' then
    torch._error('[updateParameters] expected a learning rate (number), got ' .. type(lr))
  end
  for _, p in ipairs(self:parameters()) do
    local g = p.grad
    if g ~= nil then core.detach(p):add_(g, { alpha = -lr }) end
  end
end

-- getParameters() -> flatParameters, flatGradParameters: every parameter (and its gradient)
-- becomes a view into one 1-D tensor.  Calling it again returns the same tensors while the
-- parameters are still those views.
local function still_flat(self, params)
  local flat, gflat = rawget(self, '_flat_params'), rawget(self, '_flat_grads')
  if not flat then return false end
  local n = 0
  for _, p in ipairs(params) do
    local g = p.grad
    if not (flat_set[p] and core.shares_storage(p, flat) and g ~= nil and core.shares_storage(g, gflat)) then
      return false
    end
    n = n + p:numel()
  end
  return n == flat:numel()
end

function Module:getParameters()
  local params = self:parameters()
  if still_flat(self, params) then return rawget(self, '_flat_params'), rawget(self, '_flat_grads') end
  local dtype, n = nil, 0
  for _, p in ipairs(params) do
    if dtype and p.dtype ~= dtype then
      torch._error(string.format('[getParameters] the parameters of %s have different dtypes (%s and %s)',
        self:_get_name(), dtype.name, p.dtype.name))
    end
    if p.device ~= params[1].device then
      torch._error(string.format('[getParameters] the parameters of %s are on different devices (%s and %s)',
        self:_get_name(), tostring(params[1].device), tostring(p.device)))
    end
    dtype = p.dtype
    n = n + p:numel()
  end
  dtype = dtype or torch.get_default_dtype()
  local device = params[1] and params[1].device or nil
  local flat = torch.zeros(n, { dtype = dtype, device = device })
  local gflat = torch.zeros(n, { dtype = dtype, device = device })
  local off = 0
  torch.no_grad(function()
    for _, p in ipairs(params) do
      local k, shape = p:numel(), p:size()
      local pv = flat:narrow(1, off + 1, k):view(shape)
      local gv = gflat:narrow(1, off + 1, k):view(shape)
      pv:copy_(p)
      local g = p.grad
      if g ~= nil then gv:copy_(g) end
      p.grad = nil
      p.data = pv
      p.grad = gv
      flat_set[p] = true
      off = off + k
    end
  end)
  rawset(self, '_flat_params', flat)
  rawset(self, '_flat_grads', gflat)
  sync_grad_fields(self)
  return flat, gflat
end

-- ---------------------------------------------------------------------------- Torch7 names
function Module:evaluate() return self:train(false) end

-- clearState(): drops output, gradInput and the recorded graph of every module.
function Module:clearState()
  for _, m in ipairs(self:modules()) do
    rawset(m, 'output', nil)
    rawset(m, 'gradInput', nil)
    rawset(m, '_t7_input', nil)
  end
  return self
end

-- reset(): re-initialises the parameters (reset_parameters of each module that has one).
function Module:reset()
  for _, m in ipairs(self:modules()) do
    local f = m.reset_parameters
    if f then f(m) end
  end
  return self
end

function Module:listModules() return self:modules() end

-- findModules(typename) -> list of the modules of that class ('nn.Linear')
function Module:findModules(name)
  local r = {}
  for _, m in ipairs(self:modules()) do
    if class.typename(m) == name then r[#r + 1] = m end
  end
  return r
end

-- shapes as the error messages print them: (2, 3)
function nn._shape(x)
  if not is_tensor(x) then return type(x) end
  local s = core.size(x)
  if #s == 1 then return '(' .. s[1] .. ',)' end
  return '(' .. table.concat(s, ', ') .. ')'
end

return Module
