-- optim.Optimizer: the base class of the optimizers, as PyTorch's torch.optim.Optimizer.
--
-- An optimizer holds parameter groups (tables { params = {tensors...}, lr = ..., ... } whose
-- missing options come from the optimizer's defaults), and per-parameter state in
-- self.state[p] (a table keyed by the parameter tensor itself; reading a missing entry makes
-- an empty one, like PyTorch's defaultdict).  Subclasses parse their options with
-- optim._options, call Optimizer.__init(self, params, defaults) and implement step(closure)
-- through optim._run_step, which evaluates the closure with grad mode on and runs the update
-- with grad mode off (updates are in-place ops on the parameters themselves).
--
-- state_dict() follows PyTorch's layout with positions counted from 1: state is indexed by
-- the parameter's position over all groups, and each group's params is a list of positions.
local torch = require 'torch'
local optim = require 'torch.optim'
local core = torch._core

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end

-- ---------------------------------------------------------------------------- helpers
local util = {}
optim._util = util
util.is_tensor = is_tensor

-- Errors name the class: "[SGD] Invalid learning rate: -1"
function util.fail(where, msg) torch._error(string.format('[%s] %s', where, msg)) end
local fail = util.fail

-- Python's repr of a number: the shortest text that reads back to the same double.
function util.fmt(x)
  if type(x) ~= 'number' then
    if type(x) == 'table' and not is_tensor(x) then
      local parts = {}
      for i = 1, #x do parts[i] = util.fmt(x[i]) end
      return '(' .. table.concat(parts, ', ') .. ')'
    end
    return tostring(x)
  end
  if x ~= x then return 'nan' elseif x == math.huge then return 'inf' elseif x == -math.huge then return '-inf' end
  if x == math.floor(x) and math.abs(x) < 1e16 then return string.format('%d', x) end
  local s
  for p = 1, 17 do
    s = string.format('%.' .. p .. 'g', x)
    if tonumber(s) == x then break end
  end
  return s
end

-- x ^ y through the C library's pow, as Python's float ** float (bias corrections must
-- round as PyTorch's do).
do
  local ok, ffi = pcall(require, 'ffi')
  if ok and pcall(ffi.cdef, 'double pow(double x, double y);') then
    local C = ffi.C
    util.pow = function(x, y) return C.pow(x, y) end
  end
  if not util.pow or util.pow(2, 0.5) ~= math.sqrt(2) then util.pow = math.pow end
end

-- The marker of an option without a default (SGD's lr).
util.required = setmetatable({}, { __tostring = function() return '<required parameter>' end })
optim.required = util.required

-- Constructor arguments: (params, [positional values...], [options table]).  names lists
-- every option in PyTorch's order; the first npos may be given positionally.  The last
-- argument is the options table when it is a plain table that is not a list (Adam's betas
-- {0.9, 0.999} is a value).  Option types are checked against the defaults' types; keys in
-- `ignored` (PyTorch's foreach) are accepted and dropped.
local ignored = { foreach = true }
function util.options(where, names, npos, defaults, ...)
  local n = select('#', ...)
  local args = { ... }
  local opts
  local last = args[n]
  if n > 0 and type(last) == 'table' and getmetatable(last) == nil and last[1] == nil then
    opts, n = last, n - 1
  end
  if n > npos then
    fail(where, string.format('takes at most %d positional options (%s), got %d', npos,
      table.concat(names, ', ', 1, npos), n))
  end
  local known = {}
  for _, k in ipairs(names) do known[k] = true end
  local r, given = {}, {}
  for k, v in pairs(defaults) do r[k] = v end
  for i = 1, n do
    if args[i] ~= nil then r[names[i]], given[names[i]] = args[i], true end
  end
  if opts then
    for k, v in pairs(opts) do
      if ignored[k] then
        -- accepted for compatibility: the update is always the single-tensor loop
      elseif not known[k] then
        fail(where, string.format("unknown option '%s'", tostring(k)))
      elseif given[k] then
        fail(where, string.format("got multiple values for option '%s'", k))
      else
        r[k] = v
      end
    end
  end
  for k, v in pairs(r) do util.check_type(where, k, v, defaults[k]) end
  return r
end

-- An option value must have its default's type (numbers, booleans, strings).
function util.check_type(where, k, v, default)
  if default == nil or v == util.required then return end
  local want = default == util.required and 'number' or type(default)
  if want == 'table' then return end
  if type(v) ~= want then
    fail(where, string.format("option '%s' must be a %s, got %s", tostring(k), want,
      is_tensor(v) and 'Tensor' or type(v)))
  end
end

-- Runs update(self) with grad mode off after evaluating closure() with grad mode on; gives
-- the closure's result back.  The mode is restored when either raises.
function util.run_step(self, closure, update)
  local loss
  if closure ~= nil then
    if type(closure) ~= 'function' then
      fail(self:_name(), 'step: the closure must be a function, got ' .. type(closure))
    end
    loss = torch.enable_grad(closure)
  end
  local prev = core.set_grad_enabled(false)
  local ok, err = pcall(update, self)
  core.set_grad_enabled(prev)
  if not ok then error(err, 0) end
  return loss
end

-- A copy of a state value: tensors cloned (cast to the parameter's dtype when floating,
-- except the step counter, as PyTorch's load_state_dict), tables copied deeply.
local function copy_value(v, param, key)
  if is_tensor(v) then
    local c = v:detach():clone()
    if param and key ~= 'step' and param:is_floating_point() and c:is_floating_point()
        and c.dtype ~= param.dtype then
      c = c:to(param.dtype)
    end
    return c
  elseif type(v) == 'table' and getmetatable(v) == nil then
    local t = {}
    for k, x in pairs(v) do t[k] = copy_value(x, param, type(k) == 'string' and k or nil) end
    return t
  end
  return v
end
util.copy_value = copy_value

-- A state table: state[p] makes an empty entry on first read.
local state_mt = {
  __index = function(t, k)
    local v = {}
    rawset(t, k, v)
    return v
  end,
}
local function new_state() return setmetatable({}, state_mt) end
util.new_state = new_state

-- ---------------------------------------------------------------------------- the class
local Optimizer = torch.class('optim.Optimizer', optim)

-- The class name without its namespace ('SGD').
function Optimizer:_name()
  local mt = getmetatable(self)
  local name = type(mt) == 'table' and rawget(mt, '__typename') or 'Optimizer'
  return (name:gsub('^optim%.', ''))
end

-- Optimizer.__init(self, params, defaults): params is a list of tensors, or a list of
-- parameter groups (tables with a params entry and options of their own).
function Optimizer:__init(params, defaults)
  local where = self:_name()
  self.defaults = defaults or {}
  self.state = new_state()
  self.param_groups = {}
  if is_tensor(params) then
    fail(where, 'params argument given to the optimizer should be a list of Tensors or ' ..
      'parameter groups (tables), but got a Tensor (wrap it in a table: {t})')
  end
  if type(params) ~= 'table' then
    fail(where, 'params argument given to the optimizer should be a list of Tensors or ' ..
      'parameter groups (tables), but got ' .. type(params))
  end
  if params[1] == nil then fail(where, 'optimizer got an empty parameter list') end
  local groups = params
  if is_tensor(params[1]) then groups = { { params = params } } end
  for _, g in ipairs(groups) do self:add_param_group(g) end
end

-- The list of a group's params: a tensor alone or a list of tensors.
local function param_list(where, params)
  if is_tensor(params) then return { params } end
  if type(params) ~= 'table' then
    fail(where, "a parameter group needs a 'params' entry (a Tensor or a list of Tensors), got " .. type(params))
  end
  local list, count = {}, 0
  for _ in pairs(params) do count = count + 1 end
  for i = 1, count do
    local p = params[i]
    if not is_tensor(p) then
      fail(where, string.format('optimizer can only optimize Tensors, but parameter %d of the group is %s',
        i, p == nil and 'missing' or type(p)))
    end
    list[i] = p
  end
  return list
end

-- add_param_group(group): adds a group (a table with params and, optionally, its own
-- options); options it lacks are taken from the optimizer's defaults.
function Optimizer:add_param_group(group)
  local where = self:_name()
  if type(group) ~= 'table' or is_tensor(group) or getmetatable(group) ~= nil then
    fail(where, 'param group must be a table like {params = {...}, lr = ...}, got ' ..
      (is_tensor(group) and 'a Tensor' or type(group)))
  end
  local list = param_list(where, group.params)
  for i, p in ipairs(list) do
    if not (p.is_leaf or p.retains_grad) then
      fail(where, string.format("can't optimize a non-leaf Tensor (parameter %d of the group)", i))
    end
  end
  for name, default in pairs(self.defaults) do
    if group[name] == nil and default == util.required then
      fail(where, "parameter group didn't specify a value of required optimization parameter " .. name)
    end
  end
  for name, v in pairs(group) do
    if name ~= 'params' then util.check_type(where, name, v, self.defaults[name]) end
  end
  local seen, dup = {}, false
  for _, p in ipairs(list) do
    if seen[p] then dup = true end
    seen[p] = true
  end
  for _, g in ipairs(self.param_groups) do
    for _, p in ipairs(g.params) do
      if seen[p] then fail(where, 'some parameters appear in more than one parameter group') end
    end
  end
  if dup then
    io.stderr:write(string.format('warning: [%s] optimizer contains a parameter group with ' ..
      'duplicate parameters; they are updated once per appearance\n', where))
  end
  group.params = list
  for name, default in pairs(self.defaults) do
    if group[name] == nil then
      group[name] = type(default) == 'table' and copy_value(default) or default
    end
  end
  self.param_groups[#self.param_groups + 1] = group
end

-- zero_grad([set_to_none = false]) or zero_grad({set_to_none = }): zeroes the gradients of
-- every parameter (in place), or drops them.
function Optimizer:zero_grad(set_to_none)
  if type(set_to_none) == 'table' then
    for k in pairs(set_to_none) do
      if k ~= 'set_to_none' then fail('zero_grad', string.format("unknown option '%s'", tostring(k))) end
    end
    set_to_none = set_to_none.set_to_none
  end
  for _, group in ipairs(self.param_groups) do
    for _, p in ipairs(group.params) do
      local g = p.grad
      if g ~= nil then
        if set_to_none then
          p.grad = nil
        else
          if g.requires_grad then
            if g.grad_fn ~= nil then g:detach_() else g:requires_grad_(false) end
          end
          g:zero_()
        end
      end
    end
  end
end

-- step(closure): implemented by each optimizer.
function Optimizer:step()
  fail(self:_name(), 'step is not implemented')
end

-- state_dict(): { state = {[position] = {...}}, param_groups = {{lr = ..., params = {1, 2}}} }.
-- As in PyTorch the state tables are the optimizer's own (not copies).
function Optimizer:state_dict()
  local mapping, start = {}, 0
  local groups = {}
  for gi, group in ipairs(self.param_groups) do
    local packed = {}
    for k, v in pairs(group) do
      if k ~= 'params' then packed[k] = (type(v) == 'table' and not is_tensor(v)) and copy_value(v) or v end
    end
    for i, p in ipairs(group.params) do
      if mapping[p] == nil then mapping[p] = start + i end
    end
    local positions = {}
    for i, p in ipairs(group.params) do positions[i] = mapping[p] end
    packed.params = positions
    start = start + #group.params
    groups[gi] = packed
  end
  local state = {}
  for k, v in pairs(self.state) do
    state[mapping[k] or k] = v
  end
  return { state = state, param_groups = groups }
end

-- load_state_dict(sd): restores what state_dict() gave (from this or another optimizer of
-- the same shape).  The tensors are copied and cast to their parameter's dtype.
function Optimizer:load_state_dict(sd)
  local where = self:_name() .. '.load_state_dict'
  if type(sd) ~= 'table' or type(sd.state) ~= 'table' or type(sd.param_groups) ~= 'table' then
    fail(where, 'expected a table with entries state and param_groups, as state_dict() returns')
  end
  local groups, saved = self.param_groups, sd.param_groups
  if #groups ~= #saved then
    fail(where, string.format('loaded state dict has a different number of parameter groups ' ..
      '(%d, the optimizer has %d)', #saved, #groups))
  end
  for i, g in ipairs(groups) do
    if type(saved[i]) ~= 'table' then fail(where, string.format('param_groups[%d] must be a table, got %s', i, type(saved[i]))) end
    local sp = saved[i].params
    if type(sp) ~= 'table' or #sp ~= #g.params then
      fail(where, string.format("loaded state dict contains a parameter group that doesn't match " ..
        "the size of optimizer's group (group %d: %d parameters, the optimizer's has %d)", i,
        type(sp) == 'table' and #sp or 0, #g.params))
    end
  end
  local id_map = {}
  for i, g in ipairs(groups) do
    for j, pos in ipairs(saved[i].params) do id_map[pos] = g.params[j] end
  end
  local state = new_state()
  for k, v in pairs(sd.state) do
    local p = id_map[k]
    if p then state[p] = copy_value(v, p) else state[k] = copy_value(v) end
  end
  local new_groups = {}
  for i, g in ipairs(groups) do
    local ng = {}
    for k, v in pairs(saved[i]) do
      if k ~= 'params' then ng[k] = copy_value(v) end
    end
    ng.params = g.params
    new_groups[i] = ng
  end
  self.state = state
  self.param_groups = new_groups
end

-- tostring(opt): the class and each group's options, sorted by name.
function Optimizer:__tostring__()
  local lines = { self:_name() .. ' (' }
  for i, group in ipairs(self.param_groups) do
    lines[#lines + 1] = 'Parameter Group ' .. i
    local keys = {}
    for k in pairs(group) do if k ~= 'params' then keys[#keys + 1] = tostring(k) end end
    table.sort(keys)
    for _, k in ipairs(keys) do
      lines[#lines + 1] = string.format('    %s: %s', k, util.fmt(group[k]))
    end
  end
  lines[#lines + 1] = ')'
  return table.concat(lines, '\n')
end

-- optim.Optimizer:extend('Name') -> constructor of a new optimizer class (a Lua subclass
-- that calls optim.Optimizer.__init(self, params, defaults) and defines step).
local user_classes = {}
function Optimizer.extend(cls, name)
  local mt = rawget(cls, '__typename') and cls or getmetatable(cls)
  local parent = type(mt) == 'table' and rawget(mt, '__typename')
  if not parent then torch._error('[extend] call it on an optimizer class: optim.Optimizer:extend(name)') end
  if type(name) ~= 'string' then torch._error('[extend] expected a class name (string), got ' .. type(name)) end
  torch.class(name, parent, user_classes)
  return torch.getconstructortable(name)
end

return Optimizer
