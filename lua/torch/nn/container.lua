-- Containers: nn.Sequential, nn.ModuleList, nn.ModuleDict.
--
-- Sequential and ModuleList keep their children in the integer keys 1..n of the instance, so
-- `net[1]`, `#net` and `ipairs(net)` work; the children are named '1', '2', ... (state_dict
-- keys '1.weight', printed as "(1): Linear(...)").  Sequential also has Torch7's container
-- API (add, insert, remove, get, size, seq.modules).  ModuleDict keeps its children in string
-- keys of the instance (md.encoder, md['encoder']).
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module
local is_module = nn.is_module
local run_child = nn._run_child

local function check_module(where, m, what)
  if not is_module(m) then
    torch._error(string.format('[%s] %s must be a Module, got %s', where, what or 'argument',
      (require 'torch.torch7_class').typename(m) or type(m)))
  end
  return m
end

-- ---------------------------------------------------------------------------- shared list ops
local List = {}

local function list_len(self) return #self end

local function norm_index(self, where, i, n, allow_end)
  n = n or list_len(self)
  if type(i) ~= 'number' or i ~= math.floor(i) then
    torch._error(string.format('[%s] index must be an integer, got %s', where, tostring(i)))
  end
  if i < 0 then i = n + i + 1 end
  local hi = allow_end and n + 1 or n
  if i < 1 or i > hi then
    torch._error(string.format('[%s] index %d is out of range for %s of length %d', where, i, self:_get_name(), n))
  end
  return i
end

function List.append(self, m)
  check_module(self:_get_name() .. '.append', m, 'module')
  self[list_len(self) + 1] = m
  return self
end

function List.extend(self, mods)
  local listy = type(mods) == 'table' and (not is_module(mods) or rawget(mods, 1) ~= nil or #Module._own(mods, 'module') == 0)
  if not listy then
    torch._error(string.format('[%s.extend] expected a list of modules, got %s', self:_get_name(),
      is_module(mods) and mods:_get_name() or type(mods)))
  end
  for i = 1, #mods do List.append(self, mods[i]) end
  return self
end

-- insert(index, module): before position index (PyTorch's order)
function List.insert(self, index, m)
  local n = list_len(self)
  check_module(self:_get_name() .. '.insert', m, 'module')
  index = norm_index(self, self:_get_name() .. '.insert', index, n, true)
  for i = n, index, -1 do self[i + 1] = rawget(self, i) end
  self[index] = m
  return self
end

function List.pop(self, index)
  local n = list_len(self)
  index = norm_index(self, self:_get_name() .. '.pop', index or n, n)
  local m = rawget(self, index)
  for i = index, n - 1 do rawset(self, i, rawget(self, i + 1)) end
  rawset(self, n, nil)
  return m
end

function List.get(self, i) return rawget(self, norm_index(self, self:_get_name() .. '.get', i)) end
function List.size(self) return list_len(self) end
function List.len(self) return list_len(self) end

local function init_list(self, where, mods)
  for i = 1, #mods do
    check_module(where, mods[i], 'module ' .. i)
    self[i] = mods[i]
  end
end

-- ---------------------------------------------------------------------------- Sequential
-- nn.Sequential(m1, m2, ...) or nn.Sequential({m1, m2, ...}); Torch7: nn.Sequential():add(m)
local Sequential = torch.class('nn.Sequential', 'nn.Module', nn)

function Sequential:__init(...)
  Module.__init(self)
  rawset(self, 'modules', self) -- Torch7's seq.modules[i], #seq.modules
  local mods = { ... }
  if #mods == 1 and type(mods[1]) == 'table' and not is_module(mods[1]) then mods = mods[1] end
  init_list(self, 'Sequential', mods)
end

Sequential.append = List.append
Sequential.extend = List.extend
Sequential.pop = List.pop
Sequential.get = List.get
Sequential.size = List.size
Sequential.len = List.len

-- add(module [, index]) (Torch7): appends (or inserts at index); returns the container
function Sequential:add(m, index)
  check_module('Sequential.add', m, 'module')
  if index == nil then return List.append(self, m) end
  return List.insert(self, index, m)
end

-- insert(index, module) (PyTorch) or insert(module [, index]) (Torch7)
function Sequential:insert(a, b)
  if is_module(a) then return List.insert(self, b or list_len(self) + 1, a) end
  return List.insert(self, a, b)
end

-- remove([index = last]) (Torch7): removes and returns the module
function Sequential:remove(index) return List.pop(self, index) end

function Sequential:updateOutput(x, ...)
  local n = #self
  if n == 0 then return x end
  for i = 1, n do
    local m = rawget(self, i)
    local ok, y = pcall(run_child, m, x)
    if not ok then
      if type(y) == 'string' then
        error(string.format('%s\n    in module %d (%s) of Sequential', y, i, m:_get_name()), 0)
      end
      error(y, 0)
    end
    x = y
  end
  return x
end

-- ---------------------------------------------------------------------------- ModuleList
-- nn.ModuleList([{m1, m2, ...}])
local ModuleList = torch.class('nn.ModuleList', 'nn.Module', nn)

function ModuleList:__init(mods)
  Module.__init(self)
  if mods ~= nil then
    if type(mods) ~= 'table' or is_module(mods) then
      torch._error('[ModuleList] expected a list of modules, got ' .. ((require 'torch.torch7_class').typename(mods) or type(mods)))
    end
    init_list(self, 'ModuleList', mods)
  end
end

ModuleList.append = List.append
ModuleList.extend = List.extend
ModuleList.insert = List.insert
ModuleList.pop = List.pop
ModuleList.len = List.len

-- ---------------------------------------------------------------------------- ModuleDict
-- nn.ModuleDict([modules]): modules is {name = module} (added in name order) or a list of
-- {name, module} pairs (added in that order).
local ModuleDict = torch.class('nn.ModuleDict', 'nn.Module', nn)

local function is_dict(x)
  return is_module(x) and (require 'torch.torch7_class').typename(x) == 'nn.ModuleDict'
end

local function dict_pairs(where, t)
  if type(t) ~= 'table' or is_module(t) and not is_dict(t) then
    torch._error(string.format('[%s] expected a table of name -> module, got %s', where, type(t)))
  end
  local list = {}
  if is_dict(t) then
    for k, m in t:items() do list[#list + 1] = { k, m } end
  elseif #t > 0 then
    for i, kv in ipairs(t) do
      if type(kv) ~= 'table' or kv[2] == nil then
        torch._error(string.format('[%s] entry %d must be a {name, module} pair', where, i))
      end
      list[#list + 1] = { kv[1], kv[2] }
    end
  else
    for k, m in pairs(t) do list[#list + 1] = { k, m } end
    table.sort(list, function(a, b) return tostring(a[1]) < tostring(b[1]) end)
  end
  return list
end


function ModuleDict:__init(mods)
  Module.__init(self)
  if mods ~= nil then self:update(mods) end
end

local function set_entry(self, where, k, m)
  if type(k) ~= 'string' or k == '' or k:find('.', 1, true) then
    torch._error(string.format('[%s] keys must be non-empty strings without ".", got %s', where, tostring(k)))
  end
  check_module(where, m, "value of '" .. k .. "'")
  local cur = self[k]
  if cur ~= nil and not is_module(rawget(self, k)) then
    torch._error(string.format("[%s] key '%s' is the name of a method or attribute of ModuleDict", where, k))
  end
  self[k] = m
end

function ModuleDict:update(mods)
  for _, kv in ipairs(dict_pairs('ModuleDict.update', mods)) do set_entry(self, 'ModuleDict.update', kv[1], kv[2]) end
  return self
end

-- md:set(name, module) (PyTorch's md[name] = module; md[name] = module works too)
function ModuleDict:set(k, m) set_entry(self, 'ModuleDict.set', k, m); return self end

function ModuleDict:keys()
  local r = {}
  for _, e in ipairs(Module._own(self, 'module')) do r[#r + 1] = e[1] end
  return r
end

function ModuleDict:values()
  local r = {}
  for _, e in ipairs(Module._own(self, 'module')) do r[#r + 1] = e[2] end
  return r
end

function ModuleDict:items()
  local list, i = Module._own(self, 'module'), 0
  return function()
    i = i + 1
    local e = list[i]
    if e then return e[1], e[2] end
  end
end

function ModuleDict:contains(k) return is_module(rawget(self, k)) end
function ModuleDict:len() return #Module._own(self, 'module') end

function ModuleDict:pop(k)
  local m = rawget(self, k)
  if not is_module(m) then torch._error(string.format("[ModuleDict.pop] no module named '%s'", tostring(k))) end
  self:_unregister(k)
  return m
end

function ModuleDict:clear()
  for _, k in ipairs(self:keys()) do self:_unregister(k) end
  return self
end

return Sequential
