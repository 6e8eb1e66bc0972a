-- nn.Module, continued: modes and gradients (train/eval, zero_grad, requires_grad_, apply),
-- conversions (to, float/double/half/bfloat16, type, cuda/cpu), printing (PyTorch's repr,
-- extra_repr, the Python-style number formatting used by layers' extra_repr) and clone.
local torch = require 'torch'
local nn = require 'torch.nn'
local class = require 'torch.torch7_class'
local Module = nn.Module

local core = torch._core
local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end
local param_set, flat_set = nn._param_set, nn._flat_set
local own, options = Module._own, nn._options

-- ---------------------------------------------------------------------------- modes and grads
function Module:train(mode)
  if mode == nil then mode = true end
  if type(mode) ~= 'boolean' then
    torch._error('[train] training mode is expected to be boolean, got ' .. type(mode))
  end
  rawset(self, 'training', mode)
  for _, m in ipairs(self:children()) do m:train(mode) end
  return self
end

function Module:eval() return self:train(false) end

function Module:requires_grad_(flag)
  if flag == nil then flag = true end
  for _, p in ipairs(self:parameters()) do p:requires_grad_(flag) end
  return self
end

-- zero_grad([set_to_none = false]) (PyTorch 1.13's default).  Gradients of parameters that
-- getParameters() flattened are always zeroed in place.
function Module:zero_grad(set_to_none)
  if type(set_to_none) == 'table' then set_to_none = options('zero_grad', { set_to_none }, { 'set_to_none' }).set_to_none end
  for _, p in ipairs(self:parameters()) do
    local g = p.grad
    if g ~= nil then
      if set_to_none and not flat_set[p] then
        p.grad = nil
      else
        if g.requires_grad then g:detach_() end
        g:zero_()
      end
    end
  end
end

function Module:apply(fn)
  if type(fn) ~= 'function' then torch._error('[apply] expected a function, got ' .. type(fn)) end
  for _, m in ipairs(self:children()) do m:apply(fn) end
  fn(self)
  return self
end

-- ---------------------------------------------------------------------------- conversions
-- _apply(fn): fn(tensor) -> tensor for every parameter (in place: the parameter keeps its
-- identity and stays a leaf), its gradient, and every buffer; children first.
function Module:_apply(fn)
  for _, m in ipairs(self:children()) do m:_apply(fn) end
  torch.no_grad(function()
    for _, e in ipairs(own(self, 'param')) do
      local p = e[2]
      local np = fn(p)
      local g = p.grad
      if not rawequal(np, p) then p.data = np end
      if g ~= nil then
        local ng = fn(g)
        if not rawequal(ng, g) then g.data = ng end
      end
    end
    for _, e in ipairs(own(self, 'buffer')) do
      local b = e[2]
      local nb = fn(b)
      if not rawequal(nb, b) then rawset(self, e[3], nb) end
    end
  end)
  return self
end

local function floating_to(dtype)
  return function(t)
    if t:is_floating_point() and t.dtype ~= dtype then return t:to(dtype) end
    return t
  end
end

function Module:float() return self:_apply(floating_to(torch.float32)) end
function Module:double() return self:_apply(floating_to(torch.float64)) end
function Module:half() return self:_apply(floating_to(torch.float16)) end
function Module:bfloat16() return self:_apply(floating_to(torch.bfloat16)) end

local function check_device(self, where, dev)
  dev = torch.device(dev)
  if dev.type == 'cuda' then
    local ok, why = torch.cuda.is_available()
    if not ok then
      torch._error(string.format('[%s] cannot move %s to %s: CUDA is not available: %s',
        where, self:_get_name(), tostring(dev), why))
    end
  end
  return dev
end

-- to(dtype), to(device), to(tensor), to(device, dtype), to({dtype =, device =, non_blocking =})
function Module:to(a, b)
  local dtype, device
  local function take(x)
    if x == nil then return end
    if is_tensor(x) then dtype, device = x.dtype, x.device
    elseif type(x) == 'table' and getmetatable(x) == nil then
      for k, v in pairs(x) do
        if k == 'dtype' then dtype = v
        elseif k == 'device' then device = v
        elseif k ~= 'non_blocking' and k ~= 'memory_format' then
          torch._error(string.format("[to] unknown option '%s'", tostring(k)))
        end
      end
    else
      local ok, d = pcall(torch._todtype, x)
      if ok then dtype = d else device = x end
    end
  end
  take(a); take(b)
  if dtype ~= nil then
    dtype = torch._todtype(dtype, 'to')
    if not dtype.is_floating_point then
      torch._error('[to] nn.Module.to only accepts floating point dtypes, but got desired dtype=' .. tostring(dtype))
    end
  end
  if device ~= nil then device = check_device(self, 'to', device) end
  return self:_apply(function(t)
    if dtype and t:is_floating_point() and t.dtype ~= dtype then t = t:to(dtype) end
    if device and t.device ~= device then t = t:to(device) end
    return t
  end)
end

function Module:cuda(index)
  local dev = check_device(self, 'cuda', index and ('cuda:' .. index) or 'cuda')
  return self:_apply(function(t) return t:to(dev) end)
end

function Module:cpu() return self:_apply(function(t) return t:to('cpu') end) end

-- type(): the class name (Torch7: 'nn.Linear'); type(dtype or 'torch.FloatTensor'): casts every
-- parameter and buffer (integer buffers too, as PyTorch's Module.type).
function Module:type(t)
  if t == nil then return class.typename(self) end
  return self:_apply(function(x)
    local r = x:type(t)
    return r
  end)
end

-- ---------------------------------------------------------------------------- printing
-- Python's repr of a float ('1.0', '0.01', '1e-05') and of a bool.
function nn._pyfloat(x)
  if x == math.huge then return 'inf' elseif x == -math.huge then return '-inf' elseif x ~= x then return 'nan' end
  if x == math.floor(x) and math.abs(x) < 1e16 then return string.format('%.1f', x) end
  local s
  for p = 15, 17 do
    s = string.format('%.' .. p .. 'g', x)
    if tonumber(s) == x then break end
  end
  s = s:gsub('e([-+])0*(%d%d)', 'e%1%2')
  return s
end
function nn._pybool(b) return b and 'True' or 'False' end
function nn._pytuple(t)
  local parts = {}
  for i = 1, #t do parts[i] = tostring(t[i]) end
  if #t == 1 then return '(' .. parts[1] .. ',)' end
  return '(' .. table.concat(parts, ', ') .. ')'
end

function Module:extra_repr() return '' end

local function addindent(s, n)
  local pad = string.rep(' ', n)
  local first, rest = s:match('^([^\n]*)\n(.*)$')
  if not first then return s end
  return first .. '\n' .. pad .. rest:gsub('\n', '\n' .. pad)
end

function Module:__tostring__()
  local extra = self:extra_repr()
  local extra_lines = {}
  if extra ~= nil and extra ~= '' then
    for line in (extra .. '\n'):gmatch('([^\n]*)\n') do extra_lines[#extra_lines + 1] = line end
  end
  local child_lines = {}
  for _, e in ipairs(own(self, 'module')) do
    child_lines[#child_lines + 1] = '(' .. e[1] .. '): ' .. addindent(tostring(e[2]), 2)
  end
  local lines = {}
  for _, l in ipairs(extra_lines) do lines[#lines + 1] = l end
  for _, l in ipairs(child_lines) do lines[#lines + 1] = l end
  local s = self:_get_name() .. '('
  if #lines > 0 then
    if #extra_lines == 1 and #child_lines == 0 then
      s = s .. extra_lines[1]
    else
      s = s .. '\n  ' .. table.concat(lines, '\n  ') .. '\n'
    end
  end
  return s .. ')'
end

-- ---------------------------------------------------------------------------- clone
-- module:clone(): a deep copy (Torch7's clone, PyTorch's copy.deepcopy): tensors are copied
-- (parameters stay parameters), tensors shared inside the module stay shared in the copy.
local function deepcopy(v, memo)
  if type(v) ~= 'table' and not is_tensor(v) then return v end
  local c = memo[v]
  if c ~= nil then return c end
  if is_tensor(v) then
    c = core.detach(v):clone()
    if v.requires_grad and v.is_leaf then c:requires_grad_(true) end
    if param_set[v] then param_set[c] = true end
    memo[v] = c
    local g = v.is_leaf and v.grad or nil
    if g ~= nil then c.grad = deepcopy(g, memo) end
    return c
  end
  if class.ctor_names[v] or rawget(v, '__typename') ~= nil then return v end -- classes are shared
  c = {}
  memo[v] = c
  for k, x in pairs(v) do rawset(c, deepcopy(k, memo), deepcopy(x, memo)) end
  return setmetatable(c, getmetatable(v))
end

function Module:clone()
  return deepcopy(self, {})
end


return Module
