-- Torch7's class system: torch.class, torch.getmetatable, torch.getconstructortable,
-- torch.factory, torch.setmetatable.
--
-- local Foo, parent = torch.class('Foo' [, 'Parent'] [, module]) makes a class as Torch7's
-- luaT did: a metatable holding the methods (returned, filled by the caller), chained to the
-- parent's so that methods are inherited, and a constructor table installed as the global Foo
-- (in the caller's environment, normally _G), or as pkg.Foo for a name 'pkg.Foo' (pkg must
-- already be a table), or in the given module table.  Calling the constructor makes a table with the class metatable and
-- runs its __init(...).  Torch7's operator hooks work: a class (or a parent) defining
-- __tostring__, __add__, __sub__, __mul__, __div__, __mod__, __pow__, __unm__, __concat__,
-- __call__, __eq__, __lt__ or __le__ gets that operator.
local torch = require 'torch'

local M = {}

local classes = {}      -- name -> class metatable
local parents = {}      -- name -> parent name
local constructors = {} -- name -> constructor table
local ctor_names = {}   -- constructor table -> name
M.classes, M.ctor_names = classes, ctor_names

-- ---------------------------------------------------------------------------- operators
local function typename_of(x)
  local mt = getmetatable(x)
  return type(mt) == 'table' and rawget(mt, '__typename') or type(x)
end

local function hook(a, b, name)
  local h = type(a) == 'table' and a[name]
  if type(h) ~= 'function' and type(b) == 'table' then h = b[name] end
  return type(h) == 'function' and h or nil
end

local function binary(name, what)
  return function(a, b)
    local h = hook(a, b, name)
    if not h then
      torch._error(string.format('both %s and %s have no %s operator', typename_of(a), typename_of(b), what))
    end
    return h(a, b)
  end
end

local operators = {
  __add = binary('__add__', 'addition'),
  __sub = binary('__sub__', 'subtraction'),
  __mul = binary('__mul__', 'multiplication'),
  __div = binary('__div__', 'division'),
  __mod = binary('__mod__', 'modulo'),
  __pow = binary('__pow__', 'power'),
  __concat = binary('__concat__', 'concat'),
  __lt = binary('__lt__', 'less-than'),
  __le = binary('__le__', 'less-equal'),
  __eq = function(a, b)
    local h = hook(a, b, '__eq__')
    if h then return h(a, b) end
    return rawequal(a, b)
  end,
  __unm = function(a)
    local h = hook(a, nil, '__unm__')
    if not h then torch._error(string.format('%s has no negation operator', typename_of(a))) end
    return h(a)
  end,
  __call = function(a, ...)
    -- a subclass's metatable called as a function: its parent's __call lands here
    if M.classes[rawget(a, '__typename')] == a then return rawget(a, 'new')(...) end
    local h = hook(a, nil, '__call__')
    if not h then torch._error(string.format('%s has no call operator', typename_of(a))) end
    return h(a, ...)
  end,
  __tostring = function(a)
    local h = hook(a, nil, '__tostring__')
    if h then return h(a) end
    return typename_of(a)
  end,
}

local inherited_metamethods = {
  '__newindex', '__call', '__tostring', '__len', '__eq', '__lt', '__le', '__concat', '__unm',
  '__add', '__sub', '__mul', '__div', '__mod', '__pow',
}

-- ---------------------------------------------------------------------------- torch.class
-- The table that receives the constructor: module, else pkg for 'pkg.sub.Name' (looked up in
-- the caller's globals, then in package.loaded), else the caller's globals.
local function home_of(name, module, env)
  if module ~= nil then
    if type(module) ~= 'table' then
      torch._error(string.format('[class] module must be a table, got %s', type(module)))
    end
    return module
  end
  local path = name:match('^(.*)%.[^.]*$')
  if not path then return env end
  local t
  for part in path:gmatch('[^.]+') do
    if t == nil then
      t = env[part]
      if t == nil then t = package.loaded[part] end
    else
      t = type(t) == 'table' and rawget(t, part) or nil
    end
    if type(t) ~= 'table' then
      torch._error(string.format('[class] cannot create class %s: %s is not a loaded package (a table)',
        name, path))
    end
  end
  return t
end

-- torch.class(name [, parentName] [, module]) -> class metatable [, parent metatable]
function torch.class(name, parent, module)
  if type(name) ~= 'string' or name == '' or name:match('^%.') or name:match('%.$') then
    torch._error('[class] the class name must be a non-empty string like "Foo" or "pkg.Foo", got '
      .. (type(name) == 'string' and ('"' .. name .. '"') or type(name)))
  end
  if type(parent) == 'table' and module == nil then parent, module = nil, parent end
  if parent ~= nil and type(parent) ~= 'string' then
    torch._error(string.format('[class] the parent class must be given by its name, got %s', type(parent)))
  end
  local parent_mt
  if parent ~= nil then
    parent_mt = classes[parent]
    if not parent_mt then
      torch._error(string.format('[class] unknown parent class %s (create it with torch.class first)', parent))
    end
    if parent == name then torch._error(string.format('[class] class %s cannot be its own parent', name)) end
  end
  local home = home_of(name, module, getfenv(2))
  local mt = classes[name]
  if mt then -- a script run twice: the same class comes back (methods get redefined)
    if parent ~= parents[name] and parent ~= nil then
      torch._error(string.format('[class] class %s already exists with parent %s', name,
        tostring(parents[name] or 'none')))
    end
  else
    mt = { __typename = name, __version = 1 }
    mt.__index = mt
    for k, f in pairs(operators) do mt[k] = f end
    -- metamethods a parent class set directly in its metatable (nn.Module's __newindex and
    -- __call) are inherited, as methods are
    if parent_mt then
      for _, k in ipairs(inherited_metamethods) do
        local f = rawget(parent_mt, k)
        if f ~= nil and f ~= operators[k] then mt[k] = f end
      end
    end
    local function constructor(...)
      local self = setmetatable({}, mt)
      local init = self.__init
      if init then init(self, ...) end
      return self
    end
    mt.new = constructor
    mt.__factory = function() return setmetatable({}, mt) end
    -- the metatable is callable too (Foo(...) with the local Foo that torch.class returned)
    setmetatable(mt, parent_mt or { __call = function(_, ...) return constructor(...) end })
    local ctor = setmetatable({}, {
      __index = mt,
      __newindex = function(_, k, v) rawset(mt, k, v) end,
      __call = function(_, ...) return constructor(...) end,
      __tostring = function() return name end,
      __metatable = mt,
    })
    classes[name], parents[name], constructors[name], ctor_names[ctor] = mt, parent, ctor, name
  end
  home[name:match('([^.]*)$')] = constructors[name]
  return mt, parent_mt
end

-- The class name of a torch.class instance (nil for anything else, constructors included).
function M.typename(obj)
  if (type(obj) ~= 'table' and type(obj) ~= 'userdata') or ctor_names[obj] then return nil end
  local mt = getmetatable(obj)
  local name = type(mt) == 'table' and rawget(mt, '__typename')
  if name and classes[name] == mt then return name end
  return nil
end

-- The class names of obj, its class first, then its ancestors.
function M.lineage(obj)
  local names = {}
  local name = M.typename(obj)
  while name do
    names[#names + 1] = name
    name = parents[name]
  end
  return names
end

-- Hooks for the tensor and storage names (filled in by torch7.lua).
M.builtin_metatables = {}   -- name -> methods table
M.builtin_constructors = {} -- name -> constructor

-- torch.getmetatable(name): the methods table of a class (nil when there is none)
function torch.getmetatable(name)
  if type(name) ~= 'string' then
    torch._error(string.format('[getmetatable] expected a class name (string), got %s', type(name)))
  end
  return classes[name] or M.builtin_metatables[name]
end

-- torch.getconstructortable(name): what torch.class installed as the class's constructor
function torch.getconstructortable(name)
  if type(name) ~= 'string' then
    torch._error(string.format('[getconstructortable] expected a class name (string), got %s', type(name)))
  end
  return constructors[name] or M.builtin_constructors[name]
end

-- torch.factory(name): a function making an instance without running __init (nil if none)
function torch.factory(name)
  local mt = classes[name]
  return mt and mt.__factory or nil
end

-- torch.setmetatable(table, name): turns a plain table into an instance of the class
function torch.setmetatable(obj, name)
  if type(obj) ~= 'table' then
    torch._error(string.format('[setmetatable] expected a table, got %s', type(obj)))
  end
  local mt = classes[name]
  if not mt then torch._error(string.format('[setmetatable] unknown class %s', tostring(name))) end
  return setmetatable(obj, mt)
end

return M
