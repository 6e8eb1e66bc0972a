-- nn.Flatten and nn.Unflatten.  Dims are 1-based like the rest of the API: Flatten() keeps
-- dim 1 (the batch) and flattens dims 2..-1 (PyTorch's start_dim=1 counts from 0).
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module

local tensor_mt = torch._tensor_mt
local core = torch._core

local function check_dim(where, what, d)
  if type(d) ~= 'number' or d ~= math.floor(d) or d == 0 then
    torch._error(string.format('[%s] %s must be a nonzero integer (1-based, negative from the end), got %s',
      where, what, tostring(d)))
  end
end

-- ---------------------------------------------------------------------------- Flatten
-- Flatten([start_dim = 2, end_dim = -1]) or Flatten({start_dim =, end_dim =})
local Flatten = torch.class('nn.Flatten', 'nn.Module', nn)

function Flatten:__init(...)
  Module.__init(self)
  local o = nn._options('Flatten', { ... }, { 'start_dim', 'end_dim' })
  self.start_dim = o.start_dim or 2
  self.end_dim = o.end_dim or -1
  check_dim('Flatten', 'start_dim', self.start_dim)
  check_dim('Flatten', 'end_dim', self.end_dim)
end

function Flatten:updateOutput(x)
  if getmetatable(x) ~= tensor_mt then
    torch._error('[Flatten] expected a Tensor as input, got ' .. type(x))
  end
  local nd = core.dim(x)
  local n = math.max(nd, 1)
  local s, e = self.start_dim, self.end_dim
  local s0, e0 = s < 0 and n + s + 1 or s, e < 0 and n + e + 1 or e
  if s0 < 1 or s0 > n or e0 < 1 or e0 > n then
    torch._error(string.format('[Flatten] start_dim %d / end_dim %d out of range for an input of shape %s',
      s, e, nn._shape(x)))
  end
  if s0 > e0 then
    torch._error(string.format('[Flatten] start_dim %d comes after end_dim %d for an input of shape %s',
      s, e, nn._shape(x)))
  end
  return core.flatten(x, s, e)
end

function Flatten:extra_repr()
  return string.format('start_dim=%d, end_dim=%d', self.start_dim, self.end_dim)
end

-- ---------------------------------------------------------------------------- Unflatten
-- Unflatten(dim, unflattened_size): dim (1-based) becomes the sizes in unflattened_size
-- (a table or torch.Size; one entry may be -1).
local Unflatten = torch.class('nn.Unflatten', 'nn.Module', nn)

function Unflatten:__init(dim, sizes)
  Module.__init(self)
  check_dim('Unflatten', 'dim', dim)
  if type(sizes) ~= 'table' or #sizes == 0 then
    torch._error('[Unflatten] unflattened_size must be a non-empty table of sizes, got ' .. type(sizes))
  end
  local copy = {}
  for i = 1, #sizes do
    local v = sizes[i]
    if type(v) ~= 'number' or v ~= math.floor(v) or (v < 0 and v ~= -1) then
      torch._error(string.format('[Unflatten] unflattened_size entries must be sizes (or -1), got %s', tostring(v)))
    end
    copy[i] = v
  end
  self.dim = dim
  self.unflattened_size = copy
end

function Unflatten:updateOutput(x)
  if getmetatable(x) ~= tensor_mt then
    torch._error('[Unflatten] expected a Tensor as input, got ' .. type(x))
  end
  local shape = core.size(x)
  local nd = #shape
  local d = self.dim < 0 and nd + self.dim + 1 or self.dim
  if d < 1 or d > nd then
    torch._error(string.format('[Unflatten] dim %d out of range for an input of shape %s', self.dim, nn._shape(x)))
  end
  local n, known, free = shape[d], 1, nil
  for i, v in ipairs(self.unflattened_size) do
    if v == -1 then free = i else known = known * v end
  end
  local sizes = {}
  for i, v in ipairs(self.unflattened_size) do sizes[i] = v end
  if free then
    if known == 0 or n % known ~= 0 then
      torch._error(string.format('[Unflatten] cannot unflatten dim %d of size %d into %s', self.dim, n,
        nn._pytuple(self.unflattened_size)))
    end
    sizes[free] = n / known
  elseif known ~= n then
    torch._error(string.format('[Unflatten] unflattened_size %s does not multiply to the size %d of dim %d (input shape %s)',
      nn._pytuple(self.unflattened_size), n, self.dim, nn._shape(x)))
  end
  local new = {}
  for i = 1, d - 1 do new[#new + 1] = shape[i] end
  for _, v in ipairs(sizes) do new[#new + 1] = v end
  for i = d + 1, nd do new[#new + 1] = shape[i] end
  return x:reshape(new)
end

function Unflatten:extra_repr()
  return string.format('dim=%d, unflattened_size=%s', self.dim, nn._pytuple(self.unflattened_size))
end

return Flatten
