-- torch: the Lua face of the tensor library.
--
-- `local torch = require 'torch'` loads the C core (torch.core) and assembles the public API
-- from the files beside this one: dtypes and devices here, the tensor methods and fields in
-- Tensor.lua, the creation functions in creation.lua, printing in print.lua.  Conventions (see
-- README): dimensions and indices are 1-based, `_` marks in-place methods, keyword arguments
-- go in a trailing options table.
-- OpenMP workers that wait by spinning for long (libgomp's default) stall whole time slices
-- when another process shares the cores; a short spin costs nothing measurable on an idle
-- machine.  Set before libgomp loads (with torch.core), unless the user chose a policy.
if os.getenv('OMP_WAIT_POLICY') == nil and os.getenv('GOMP_SPINCOUNT') == nil then
  local ok, ffi = pcall(require, 'ffi')
  if ok then
    pcall(ffi.cdef, 'int setenv(const char *name, const char *value, int overwrite);')
    pcall(function() ffi.C.setenv('GOMP_SPINCOUNT', '2000', 0) end)
  end
end
local core = require 'torch.core'

local torch = {}
package.loaded.torch = torch
torch._core = core

-- Errors raised by the Lua half of the library point at the user's line: the first stack
-- frame that is neither C nor a file of this package.
local package_dir = debug.getinfo(1, 'S').source:match('^@(.*[/\\])') or ''
core.set_package_dir(package_dir)
local function in_package(source)
  return source:sub(1, 1) == '@' and source:sub(2, #package_dir + 1) == package_dir
end
function torch._error(msg)
  local level = 2
  while true do
    local info = debug.getinfo(level + 1, 'S')
    if not info then break end
    if info.what ~= 'C' and not in_package(info.source) then break end
    level = level + 1
  end
  error(msg, level + 1)
end

-- ---------------------------------------------------------------------------- dtypes
local dtype_mt = {
  __tostring = function(d) return 'torch.' .. d.name end,
}
dtype_mt.__index = dtype_mt
torch._dtypes = {}     -- by id (0-based, as in lib/TH)
torch._dtype_by_name = {}
for _, info in ipairs(core.dtypes()) do
  local d = setmetatable(info, dtype_mt)
  torch._dtypes[info.id] = d
  torch[info.name] = d
  torch._dtype_by_name[info.name] = d
end
-- PyTorch's aliases
local aliases = {
  float = 'float32', double = 'float64', half = 'float16', long = 'int64', int = 'int32',
  short = 'int16', char = 'int8', byte = 'uint8',
}
for alias, name in pairs(aliases) do
  torch[alias] = torch[name]
  torch._dtype_by_name[alias] = torch[name]
end

-- A dtype from a dtype object or a name ('float32', 'float', 'torch.int64', ...).
function torch._todtype(d, where)
  if getmetatable(d) == dtype_mt then return d end
  if type(d) == 'string' then
    local r = torch._dtype_by_name[d:gsub('^torch%.', '')]
    if r then return r end
  end
  torch._error(string.format('%sunknown dtype %s', where and ('[' .. where .. '] ') or '', tostring(d)))
end

function torch.get_default_dtype() return torch._dtypes[core.get_default_dtype()] end
function torch.set_default_dtype(d)
  core.set_default_dtype(torch._todtype(d, 'set_default_dtype').id)
end
function torch.promote_types(a, b)
  return torch._dtypes[core.promote_types(torch._todtype(a).id, torch._todtype(b).id)]
end
function torch.result_type(a, b) return torch._dtypes[core.result_type(a, b)] end

-- ---------------------------------------------------------------------------- devices
local device_mt = {}
device_mt.__index = device_mt
device_mt.__tostring = function(d)
  if d.type == 'cpu' then return 'cpu' end
  return d.type .. ':' .. d.index
end
device_mt.__eq = function(a, b) return a.type == b.type and a.index == b.index end
local device_types = { cpu = 0, cuda = 1 }
local device_names = { [0] = 'cpu', [1] = 'cuda' }
local device_cache = {}

-- torch.device('cuda:1'), torch.device('cuda', 1), torch.device('cpu')
function torch.device(spec, index)
  if getmetatable(spec) == device_mt then return spec end
  if type(spec) ~= 'string' then
    torch._error('[device] expected a device string like "cpu" or "cuda:0", got ' .. type(spec))
  end
  local typ, idx = spec:match('^(%a+):(%d+)$')
  if not typ then typ, idx = spec, index or 0 end
  if not device_types[typ] then
    torch._error(string.format('[device] unknown device type "%s" (expected cpu or cuda)', spec))
  end
  idx = tonumber(idx)
  local key = typ .. ':' .. idx
  local d = device_cache[key]
  if not d then
    d = setmetatable({ type = typ, index = typ == 'cpu' and nil or idx, _type = device_types[typ], _index = idx }, device_mt)
    device_cache[key] = d
  end
  return d
end
torch._device_mt = device_mt
function torch._device_of(typ, index)
  if typ == 0 then return torch.device('cpu') end
  return torch.device(device_names[typ] .. ':' .. index)
end

torch.strided = setmetatable({ name = 'strided' }, { __tostring = function() return 'torch.strided' end })
torch.sparse_coo = setmetatable({ name = 'sparse_coo' }, { __tostring = function() return 'torch.sparse_coo' end })

-- ---------------------------------------------------------------------------- settings
torch.set_num_threads = core.set_num_threads
torch.get_num_threads = core.get_num_threads

-- Bytes of tensor memory in use and kept for reuse by the CPU allocator.
function torch.memory_stats()
  local live, cached = core.memory_stats()
  return { allocated = live, cached = cached }
end
torch.empty_cache = core.empty_cache

require 'torch.Tensor'
require 'torch.creation'
require 'torch.sort'
require 'torch.random'
require 'torch.pointwise'
require 'torch.linalg'
require 'torch.index'
require 'torch.reduce'
require 'torch.autograd'
require 'torch.torch7'
require 'torch.nn_kernels'

-- torch.set_printoptions{precision =, threshold =, edgeitems =, linewidth =, profile =, sci_mode =}
function torch.set_printoptions(opts) return require('torch.print').set_printoptions(opts) end

-- torch.nn, torch.optim, torch.cuda and torch.backends load on first use, so `require 'torch'`
-- stays quick.
local lazy = { nn = 'torch.nn', optim = 'torch.optim', cuda = 'torch.cuda', backends = 'torch.backends' }
setmetatable(torch, {
  __index = function(t, k)
    local m = lazy[k]
    if not m then return nil end
    local v = require(m)
    rawset(t, k, v)
    return v
  end,
})

return torch
