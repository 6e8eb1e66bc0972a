-- nn.Module: the base class of every layer, loss and container, and of the user's models.
--
-- THE MODULE API (what layers are written against; docs/nn.md is the reference):
--
--   local Net = nn.Module:extend('Net')          -- or Torch7's torch.class('Net', 'nn.Module')
--   function Net:__init(n)
--     nn.Module.__init(self)                     -- (parent.__init(self) in Torch7 style)
--     self.fc = nn.Linear(n, 1)                  -- submodules, parameters (nn.Parameter) and
--     self:register_buffer('steps', torch.zeros(1))  -- buffers are registered on assignment,
--   end                                          -- in order: parameters() follows that order
--   function Net:forward(x) return self.fc(x) end  -- PyTorch style: net(x) calls it
--
-- * Library layers implement `updateOutput(input, ...)` (Torch7's name) and nothing else for
--   the forward pass: `net(x)` (__call) runs the forward pre-hooks, then `forward` if the class
--   overrides it (PyTorch-style user classes) or `updateOutput` directly, then the hooks.
--   `module:forward(input)` without an override is Torch7's: it stores module.output and
--   records the input so that `module:backward(input, gradOutput)` can return gradInput
--   (Module_torch7.lua).  Containers run children with `nn._run_child(m, x)`.
-- * State lives in raw fields of the instance (module.weight, module.fc, ...).  The first
--   assignment of a key goes through __newindex, which records it in self._order; what a key
--   is (submodule, parameter, buffer) is decided by its current value: a module instance, a
--   tensor made by nn.Parameter, or a tensor named in self._buffers (register_buffer).
--   Children of Sequential/ModuleList are the integer keys 1..n (named '1', '2', ...).
-- * Parameters are leaf tensors that require grad, marked by nn.Parameter (a weak set); their
--   gradient is p.grad.  Torch7's module.gradWeight / gradBias fields are set to p.grad by
--   the Torch7 methods (zeroGradParameters, backward, getParameters).
-- * Errors: torch._error('[Name] what is wrong ...') naming the module class and shapes.
-- * Helpers for layer files: nn._options(where, {...}, names) (positional arguments or one
--   options table, unknown keys refused), nn._factory_opts(where, bias, opts) ({bias =,
--   dtype =, device =}), nn._shape(t) -> '(2, 3)', nn._pyfloat / nn._pybool / nn._pytuple
--   (Python's repr for extra_repr), nn._named_call(name, f, ...) (re-raises f's error under
--   the module's name), self:reset_parameters() (called by Torch7's reset()).
--
-- Methods here: __init, __call, extend, register_parameter/buffer/module, add_module,
-- get_submodule, get_parameter, get_buffer, parameters, named_parameters, buffers,
-- named_buffers, children, named_children, modules, named_modules, register_forward_hook,
-- register_forward_pre_hook.  Module_util.lua: zero_grad, train, eval, requires_grad_, apply,
-- to, float/double/half/bfloat16/type, cuda/cpu, extra_repr, __tostring__, clone.
-- Module_state.lua: state_dict, load_state_dict.  Module_torch7.lua: the Torch7 workflow.
local torch = require 'torch'
local nn = require 'torch.nn'
local class = require 'torch.torch7_class'

local core = torch._core
local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end

local Module = torch.class('nn.Module', nn)
Module.__nn_module = true
Module.training = true -- the class default: modules whose __init skipped Module.__init train

-- ---------------------------------------------------------------------------- parameters
local param_set = setmetatable({}, { __mode = 'k' })
nn._param_set = param_set

-- nn.Parameter(data [, requires_grad = true]): a leaf sharing data's storage, marked as a
-- parameter (assigning it to a module field registers it).
function nn.Parameter(data, requires_grad)
  if data == nil then data = torch.empty(0) end
  if not is_tensor(data) then
    torch._error('[Parameter] expected a Tensor, got ' .. type(data))
  end
  local p = core.detach(data)
  if requires_grad ~= false then p:requires_grad_(true) end
  param_set[p] = true
  return p
end

function nn.is_parameter(x) return param_set[x] == true end

-- parameters that getParameters() made views of a flat tensor (their grads stay in place)
local flat_set = setmetatable({}, { __mode = 'k' })
nn._flat_set = flat_set

-- ---------------------------------------------------------------------------- registry
local function is_module(v)
  if type(v) ~= 'table' or rawget(v, '__typename') ~= nil or class.ctor_names[v] then return false end
  local mt = getmetatable(v)
  return type(mt) == 'table' and mt.__nn_module == true
end
nn.is_module = is_module

local function init_registry(self)
  rawset(self, '_order', {})
  rawset(self, '_seen', {})
  rawset(self, '_buffers', {})
  return rawget(self, '_order')
end

local function order_of(self) return rawget(self, '_order') or init_registry(self) end

-- First assignment of a key: remember its position.  (Assignments to class tables, i.e.
-- method definitions on a subclass's metatable, land here too and are stored as they are.)
function Module.__newindex(self, k, v)
  if v ~= nil and rawget(self, '__typename') == nil then
    local seen = rawget(self, '_seen')
    if seen == nil then init_registry(self); seen = rawget(self, '_seen') end
    if not seen[k] then
      seen[k] = true
      local order = rawget(self, '_order')
      order[#order + 1] = k
    end
  end
  rawset(self, k, v)
end

-- Forget a key (containers that delete entries); the next assignment appends it again.
function Module:_unregister(k)
  local order = order_of(self)
  for i = 1, #order do
    if order[i] == k then table.remove(order, i); break end
  end
  rawget(self, '_seen')[k] = nil
  rawget(self, '_buffers')[k] = nil
  rawset(self, k, nil)
end

function Module:__init()
  if rawget(self, '_order') == nil then init_registry(self) end
  rawset(self, 'training', true)
end

-- The class name as PyTorch prints it: 'nn.Linear' -> 'Linear'.
function Module:_get_name()
  local name = class.typename(self) or 'Module'
  return (name:match('([^.]+)$'))
end

local function keyname(k) return type(k) == 'number' and string.format('%d', k) or k end

-- Own entries, in registration order: list of {name, value} for one kind.
local function own(self, kind)
  local order = rawget(self, '_order')
  local out = {}
  if not order then return out end
  local bufs = rawget(self, '_buffers')
  for i = 1, #order do
    local k = order[i]
    local v = rawget(self, k)
    if v ~= nil then
      local ok
      if kind == 'module' then ok = is_module(v)
      elseif kind == 'param' then ok = param_set[v] == true
      else ok = bufs[k] ~= nil and is_tensor(v) and not param_set[v] end
      if ok then out[#out + 1] = { keyname(k), v, k } end
    end
  end
  return out
end
Module._own = own

-- Options: a trailing table, or PyTorch's positional arguments in order.
local function options(where, args, names)
  local opts = {}
  local first = args[1]
  if type(first) == 'table' and getmetatable(first) == nil then
    local allowed = {}
    for _, n in ipairs(names) do allowed[n] = true end
    for k, v in pairs(first) do
      if not allowed[k] then torch._error(string.format("[%s] unknown option '%s'", where, tostring(k))) end
      opts[k] = v
    end
  else
    for i, n in ipairs(names) do opts[n] = args[i] end
  end
  return opts
end
nn._options = options

local function iterate(list)
  local i = 0
  return function()
    i = i + 1
    local e = list[i]
    if e then return e[1], e[2] end
  end
end

local function walk_modules(m, prefix, out, memo)
  if memo then
    if memo[m] then return end
    memo[m] = true
  end
  out[#out + 1] = { prefix, m }
  for _, e in ipairs(own(m, 'module')) do
    walk_modules(e[2], prefix == '' and e[1] or (prefix .. '.' .. e[1]), out, memo)
  end
end

local function named_modules_list(self, prefix, remove_duplicate)
  local out = {}
  walk_modules(self, prefix or '', out, remove_duplicate ~= false and {} or nil)
  return out
end

local function named_members(self, kind, prefix, recurse, remove_duplicate)
  local mods = recurse ~= false and named_modules_list(self, prefix, remove_duplicate)
    or { { prefix or '', self } }
  local memo = {}
  local out = {}
  for _, me in ipairs(mods) do
    local mp = me[1]
    for _, e in ipairs(own(me[2], kind)) do
      local v = e[2]
      if remove_duplicate == false or not memo[v] then
        memo[v] = true
        out[#out + 1] = { mp == '' and e[1] or (mp .. '.' .. e[1]), v }
      end
    end
  end
  return out
end
Module._named_members = named_members

local function values(list)
  local r = {}
  for i, e in ipairs(list) do r[i] = e[2] end
  return r
end

-- ---------------------------------------------------------------------------- registration
local function check_name(where, what, name, self, allowed_existing)
  if type(name) ~= 'string' then
    torch._error(string.format('[%s] %s name should be a string, got %s', where, what, type(name)))
  end
  if name:find('.', 1, true) then
    torch._error(string.format('[%s] %s name can\'t contain ".", got: %s', where, what, name))
  end
  if name == '' then
    torch._error(string.format('[%s] %s name can\'t be empty string ""', where, what))
  end
  local raw = rawget(self, name)
  if self[name] ~= nil and (raw == nil or not allowed_existing(raw)) then
    torch._error(string.format("[%s] attribute '%s' already exists in %s", where, name, self:_get_name()))
  end
end

local function typename_of(v)
  if is_tensor(v) then return v:type() end
  return class.typename(v) or type(v)
end

-- register_parameter(name, param): param is an nn.Parameter or nil.
function Module:register_parameter(name, param)
  check_name('register_parameter', 'parameter', name, self, function(v) return v == nil or param_set[v] end)
  if param ~= nil then
    if not param_set[param] then
      torch._error(string.format("[register_parameter] cannot assign '%s' object to parameter '%s' (nn.Parameter or nil required)",
        typename_of(param), name))
    end
    if param.grad_fn ~= nil then
      torch._error(string.format("[register_parameter] cannot assign a non-leaf Tensor to parameter '%s'", name))
    end
  end
  order_of(self)
  self[name] = param
end

-- register_buffer(name, tensor [, persistent = true]) (or {persistent = false} as 3rd arg)
function Module:register_buffer(name, t, persistent)
  if type(persistent) == 'table' then persistent = options('register_buffer', { persistent }, { 'persistent' }).persistent end
  local bufs = rawget(self, '_buffers') or (init_registry(self) and rawget(self, '_buffers'))
  check_name('register_buffer', 'buffer', name, self, function() return bufs[name] ~= nil end)
  if t ~= nil and not is_tensor(t) then
    torch._error(string.format("[register_buffer] cannot assign '%s' object to buffer '%s' (Tensor or nil required)",
      typename_of(t), name))
  end
  bufs[name] = persistent ~= false
  self[name] = t
end

-- add_module(name, module) / register_module: module is an nn.Module or nil.
function Module:add_module(name, m)
  check_name('add_module', 'module', name, self, function(v) return v == nil or is_module(v) end)
  if m ~= nil and not is_module(m) then
    torch._error(string.format('[add_module] %s is not a Module subclass', typename_of(m)))
  end
  order_of(self)
  self[name] = m
end
Module.register_module = Module.add_module

local function get_path(self, target, where)
  if target == '' then return self end
  local m = self
  local names = {}
  for part in target:gmatch('[^.]+') do names[#names + 1] = part end
  for i = 1, #names - 1 do
    local n = names[i]
    local v = rawget(m, tonumber(n) or n) or rawget(m, n)
    if not is_module(v) then
      torch._error(string.format('[%s] %s has no submodule `%s`', where, m:_get_name(), n))
    end
    m = v
  end
  local last = names[#names]
  return m, last, rawget(m, tonumber(last) or last) or rawget(m, last)
end

function Module:get_submodule(target)
  if target == '' or target == nil then return self end
  local m, last, v = get_path(self, target, 'get_submodule')
  if not is_module(v) then
    torch._error(string.format('[get_submodule] %s has no submodule `%s`', m:_get_name(), last))
  end
  return v
end

function Module:get_parameter(target)
  local m, last, v = get_path(self, target, 'get_parameter')
  if not param_set[v] then
    torch._error(string.format('[get_parameter] %s has no parameter `%s`', m:_get_name(), last))
  end
  return v
end

function Module:get_buffer(target)
  local m, last, v = get_path(self, target, 'get_buffer')
  if not (is_tensor(v) and rawget(m, '_buffers')[last] ~= nil) then
    torch._error(string.format('[get_buffer] %s has no buffer `%s`', m:_get_name(), last))
  end
  return v
end

-- ---------------------------------------------------------------------------- iteration
-- parameters([recurse = true]) -> list; named_parameters([prefix, recurse]) -> iterator of
-- (name, parameter).  Options may come as a table: {prefix =, recurse =, remove_duplicate =}.
-- The parameters of m and (recursively) its submodules, in named_parameters' order.
local function collect_params(m, out, mods, seen)
  mods[m] = true
  local order = rawget(m, '_order')
  if not order then return end
  for i = 1, #order do
    local v = rawget(m, order[i])
    if param_set[v] and not seen[v] then seen[v] = true; out[#out + 1] = v end
  end
  for i = 1, #order do
    local v = rawget(m, order[i])
    if type(v) == 'table' and not mods[v] and is_module(v) then collect_params(v, out, mods, seen) end
  end
end

function Module:parameters(...)
  if select('#', ...) == 0 then
    local out = {}
    collect_params(self, out, {}, {})
    return out
  end
  local o = options('parameters', { ... }, { 'recurse' })
  return values(named_members(self, 'param', '', o.recurse))
end

function Module:named_parameters(...)
  local o = options('named_parameters', { ... }, { 'prefix', 'recurse', 'remove_duplicate' })
  return iterate(named_members(self, 'param', o.prefix, o.recurse, o.remove_duplicate))
end

function Module:buffers(...)
  local o = options('buffers', { ... }, { 'recurse' })
  return values(named_members(self, 'buffer', '', o.recurse))
end

function Module:named_buffers(...)
  local o = options('named_buffers', { ... }, { 'prefix', 'recurse', 'remove_duplicate' })
  return iterate(named_members(self, 'buffer', o.prefix, o.recurse, o.remove_duplicate))
end

function Module:children()
  local out, memo = {}, {}
  for _, e in ipairs(own(self, 'module')) do
    if not memo[e[2]] then memo[e[2]] = true; out[#out + 1] = e[2] end
  end
  return out
end

function Module:named_children()
  local out, memo = {}, {}
  for _, e in ipairs(own(self, 'module')) do
    if not memo[e[2]] then memo[e[2]] = true; out[#out + 1] = e end
  end
  return iterate(out)
end

function Module:modules()
  return values(named_modules_list(self, ''))
end

function Module:named_modules(...)
  local o = options('named_modules', { ... }, { 'memo', 'prefix', 'remove_duplicate' })
  return iterate(named_modules_list(self, o.prefix, o.remove_duplicate))
end

-- ---------------------------------------------------------------------------- hooks and call
local Handle = {}
Handle.__index = Handle
function Handle:remove()
  local m, field, list = self.module, self.field, rawget(self.module, self.field)
  if list then
    for i = 1, #list do
      if list[i] == self.entry then table.remove(list, i); break end
    end
    if #list == 0 then rawset(m, field, nil) end
  end
end

local function add_hook(self, field, fn, where)
  if type(fn) ~= 'function' then torch._error(string.format('[%s] expected a function, got %s', where, type(fn))) end
  local list = rawget(self, field)
  if not list then list = {}; rawset(self, field, list) end
  local entry = { fn = fn }
  list[#list + 1] = entry
  return setmetatable({ module = self, field = field, entry = entry }, Handle)
end

-- fn(module, input) before forward: input is the table of positional arguments; a returned
-- value replaces it (a tensor or other non-table value becomes the only argument).
function Module:register_forward_pre_hook(fn)
  return add_hook(self, '_forward_pre_hooks', fn, 'register_forward_pre_hook')
end

-- fn(module, input, output) after forward; a returned value replaces the output.
function Module:register_forward_hook(fn)
  return add_hook(self, '_forward_hooks', fn, 'register_forward_hook')
end

local Module_forward -- Module.forward (Module_torch7.lua), the "not overridden" marker

local function run_forward(self, ...)
  local f = self.forward
  if f == Module_forward then return self:updateOutput(...) end
  return f(self, ...)
end

local function call_hooked(self, ...)
  local args = { n = select('#', ...), ... }
  local pre = rawget(self, '_forward_pre_hooks')
  if pre then
    for _, e in ipairs({ unpack(pre) }) do
      local r = e.fn(self, args)
      if r ~= nil then
        if type(r) == 'table' and getmetatable(r) == nil then args = r; args.n = args.n or #r
        else args = { n = 1, r } end
      end
    end
  end
  -- every result is kept (recurrent layers return output, h_n[, c_n]); hooks see the first
  local outs = { n = 0 }
  local function keep(...) outs = { n = select('#', ...), ... } end
  keep(run_forward(self, unpack(args, 1, args.n)))
  local post = rawget(self, '_forward_hooks')
  if post then
    for _, e in ipairs({ unpack(post) }) do
      local r = e.fn(self, args, outs[1])
      if r ~= nil then outs[1] = r end
    end
  end
  return unpack(outs, 1, outs.n)
end

-- net(x, ...): PyTorch's call.  (Calling a subclass's metatable, as Torch7 code does with the
-- local that torch.class returned, constructs.)
function Module.__call(self, ...)
  if rawget(self, '__typename') ~= nil then return rawget(self, 'new')(...) end
  if rawequal((...), self) and rawget(self, 'modules') == self then
    return Module.modules(self) -- seq:modules() where seq.modules is seq (Torch7's field)
  end
  if rawget(self, '_forward_pre_hooks') or rawget(self, '_forward_hooks') then
    return call_hooked(self, ...)
  end
  local f = self.forward
  if f == Module_forward then return self:updateOutput(...) end
  return f(self, ...)
end

function Module._set_forward_marker(f) Module_forward = f end

-- nn.Module:extend('Name') -> constructor of a new subclass (PyTorch-style definition):
--   local Net = nn.Module:extend('Net'); function Net:__init() nn.Module.__init(self) ... end
local user_classes = {}
function Module.extend(cls, name)
  local mt = rawget(cls, '__typename') and cls or getmetatable(cls)
  local parent = type(mt) == 'table' and rawget(mt, '__typename')
  if not parent then torch._error('[extend] call it on a module class: nn.Module:extend(name)') end
  torch.class(name, parent, user_classes)
  return torch.getconstructortable(name)
end

return Module
