-- state_dict / load_state_dict on nn.Module.
--
-- A state dict is a table name -> tensor ('features.weight', '1.bias', ...) whose key order
-- (PyTorch's: each module's parameters, then its persistent buffers, then its children) is
-- kept beside it: sd:keys() lists the names in order, `for name, t in sd:items()` walks them
-- in order (pairs(sd) visits the same entries in no particular order).  load_state_dict takes
-- such a table or any plain table of name -> tensor.
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end
local own = Module._own

-- ---------------------------------------------------------------------------- ordered dict
local SD = {}

local function sd_keys(sd)
  local mt = getmetatable(sd)
  local order = type(mt) == 'table' and rawget(mt, '_keys') or {}
  local r, seen = {}, {}
  for _, k in ipairs(order) do
    if rawget(sd, k) ~= nil and not seen[k] then r[#r + 1] = k; seen[k] = true end
  end
  local extra = {}
  for k in pairs(sd) do
    if not seen[k] then extra[#extra + 1] = k end
  end
  table.sort(extra, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(extra) do r[#r + 1] = k end
  return r
end
SD.keys = sd_keys

function SD.values(sd)
  local r = {}
  for i, k in ipairs(sd_keys(sd)) do r[i] = sd[k] end
  return r
end

function SD.items(sd)
  local keys, i = sd_keys(sd), 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, sd[k] end
  end
end

function SD.__len(sd) return #sd_keys(sd) end

local function sd_tostring(sd)
  local parts = {}
  for _, k in ipairs(sd_keys(sd)) do
    parts[#parts + 1] = "('" .. tostring(k) .. "', " .. tostring(sd[k]) .. ')'
  end
  return 'OrderedDict([' .. table.concat(parts, ', ') .. '])'
end

-- nn.OrderedDict([{{key, value}, ...}]): an empty (or filled) state-dict table.
function nn.OrderedDict(pairs_list)
  local keys = {}
  local sd = setmetatable({}, { __index = SD, _keys = keys, __tostring = sd_tostring, __len = SD.__len })
  for _, kv in ipairs(pairs_list or {}) do
    if rawget(sd, kv[1]) == nil then keys[#keys + 1] = kv[1] end
    rawset(sd, kv[1], kv[2])
  end
  return sd
end

local function sd_set(sd, k, v)
  local mt = getmetatable(sd)
  if rawget(sd, k) == nil and type(mt) == 'table' and rawget(mt, '_keys') then
    local keys = rawget(mt, '_keys')
    keys[#keys + 1] = k
  end
  rawset(sd, k, v)
end

-- ---------------------------------------------------------------------------- state_dict
local function save(m, dest, prefix, keep_vars)
  for _, e in ipairs(own(m, 'param')) do
    sd_set(dest, prefix .. e[1], keep_vars and e[2] or e[2]:detach())
  end
  local bufs = rawget(m, '_buffers') or {}
  for _, e in ipairs(own(m, 'buffer')) do
    if bufs[e[3]] then sd_set(dest, prefix .. e[1], keep_vars and e[2] or e[2]:detach()) end
  end
  for _, e in ipairs(own(m, 'module')) do
    save(e[2], dest, prefix .. e[1] .. '.', keep_vars)
  end
end

-- state_dict([{destination =, prefix = '', keep_vars = false}]) -> ordered table name -> tensor
-- (tensors detached, sharing storage with the module's).
function Module:state_dict(...)
  local o = nn._options('state_dict', { ... }, { 'destination', 'prefix', 'keep_vars' })
  local dest = o.destination or nn.OrderedDict()
  save(self, dest, o.prefix or '', o.keep_vars == true)
  return dest
end

-- ---------------------------------------------------------------------------- load_state_dict
local function expected(m, prefix, out)
  for _, e in ipairs(own(m, 'param')) do out[#out + 1] = { prefix .. e[1], e[2] } end
  local bufs = rawget(m, '_buffers') or {}
  for _, e in ipairs(own(m, 'buffer')) do
    if bufs[e[3]] then out[#out + 1] = { prefix .. e[1], e[2] } end
  end
  for _, e in ipairs(own(m, 'module')) do expected(e[2], prefix .. e[1] .. '.', out) end
  return out
end

local function quoted(list)
  local r = {}
  for i, k in ipairs(list) do r[i] = '"' .. tostring(k) .. '"' end
  return table.concat(r, ', ')
end

-- load_state_dict(sd [, strict = true]) (or {strict = false}) -> {missing_keys =, unexpected_keys =}
-- Everything is checked before anything is copied: on an error no tensor has changed.
function Module:load_state_dict(sd, strict)
  if type(strict) == 'table' then strict = nn._options('load_state_dict', { strict }, { 'strict' }).strict end
  if strict == nil then strict = true end
  if type(sd) ~= 'table' or is_tensor(sd) then
    torch._error('[load_state_dict] expected a table of name -> Tensor, got ' .. type(sd))
  end
  local want = expected(self, '', {})
  local known, missing, unexpected, errors, copies = {}, {}, {}, {}, {}
  for _, e in ipairs(want) do
    local key, dst = e[1], e[2]
    known[key] = true
    local src = sd[key]
    if rawget(sd, key) == nil then
      missing[#missing + 1] = key
    elseif not is_tensor(src) then
      errors[#errors + 1] = string.format('While copying the parameter named "%s", expected a Tensor from checkpoint but received %s',
        key, type(src))
    elseif src:size() ~= dst:size() then
      errors[#errors + 1] = string.format('size mismatch for %s: copying a param with shape %s from checkpoint, the shape in current model is %s.',
        key, nn._shape(src), nn._shape(dst))
    else
      copies[#copies + 1] = { dst, src }
    end
  end
  for _, k in ipairs(sd_keys(sd)) do
    if not known[k] then unexpected[#unexpected + 1] = k end
  end
  if strict then
    local head = {}
    if #missing > 0 then head[#head + 1] = 'Missing key(s) in state_dict: ' .. quoted(missing) .. '. ' end
    if #unexpected > 0 then head[#head + 1] = 'Unexpected key(s) in state_dict: ' .. quoted(unexpected) .. '. ' end
    for i = #head, 1, -1 do table.insert(errors, 1, head[i]) end
  end
  if #errors > 0 then
    torch._error(string.format('[load_state_dict] Error(s) in loading state_dict for %s:\n\t%s',
      self:_get_name(), table.concat(errors, '\n\t')))
  end
  torch.no_grad(function()
    for _, c in ipairs(copies) do c[1]:copy_(c[2]) end
  end)
  return { missing_keys = missing, unexpected_keys = unexpected }
end

return Module
