-- nn.init: in-place initialisation of tensors (PyTorch's torch.nn.init).
--
-- Every function fills its tensor under no_grad and returns it, drawing random numbers in the
-- same order as PyTorch (the generator is PyTorch's, bit for bit: docs/random.md), so that
-- `torch.manual_seed(s)` followed by the same layers gives PyTorch's initial weights.
local torch = require 'torch'
local nn = require 'torch.nn'

local init = {}
nn.init = init

local tensor_mt = torch._tensor_mt
local function check(where, t)
  if getmetatable(t) ~= tensor_mt then
    torch._error(string.format('[init.%s] expected a Tensor, got %s', where, type(t)))
  end
end

local function no_grad(f) return torch.no_grad(f) end

-- calculate_gain(nonlinearity [, param]): the recommended gain for a nonlinearity.
function init.calculate_gain(nonlinearity, param)
  local linear = { linear = true, conv1d = true, conv2d = true, conv3d = true, conv_transpose1d = true,
                   conv_transpose2d = true, conv_transpose3d = true, sigmoid = true }
  if linear[nonlinearity] then return 1 end
  if nonlinearity == 'tanh' then return 5.0 / 3 end
  if nonlinearity == 'relu' then return math.sqrt(2.0) end
  if nonlinearity == 'leaky_relu' then
    local slope
    if param == nil then slope = 0.01
    elseif type(param) == 'number' then slope = param
    else torch._error(string.format('[init.calculate_gain] negative_slope %s not a valid number', tostring(param))) end
    return math.sqrt(2.0 / (1 + slope * slope))
  end
  if nonlinearity == 'selu' then return 3.0 / 4 end
  torch._error(string.format('[init.calculate_gain] Unsupported nonlinearity %s', tostring(nonlinearity)))
end

-- _calculate_fan_in_and_fan_out(t) -> fan_in, fan_out (dim 2 is the input, dim 1 the output;
-- the dims after them are the receptive field)
function init._calculate_fan_in_and_fan_out(t)
  check('_calculate_fan_in_and_fan_out', t)
  local nd = t:dim()
  if nd < 2 then
    torch._error('[init] Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape '
      .. nn._shape(t))
  end
  local rf = 1
  for d = 3, nd do rf = rf * t:size(d) end
  return t:size(2) * rf, t:size(1) * rf
end

local function correct_fan(t, mode, where)
  local m = type(mode) == 'string' and mode:lower() or mode
  if m ~= 'fan_in' and m ~= 'fan_out' then
    torch._error(string.format("[init.%s] Mode %s not supported, please use one of fan_in, fan_out", where, tostring(mode)))
  end
  local fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
  return m == 'fan_in' and fan_in or fan_out
end

-- Options: positional as PyTorch, or a trailing table.
local function opts(where, args, names, defaults)
  local o = nn._options('init.' .. where, args, names)
  for k, v in pairs(defaults) do if o[k] == nil then o[k] = v end end
  return o
end

function init.uniform_(t, ...)
  check('uniform_', t)
  local o = opts('uniform_', { ... }, { 'a', 'b' }, { a = 0, b = 1 })
  return no_grad(function() return t:uniform_(o.a, o.b) end)
end

function init.normal_(t, ...)
  check('normal_', t)
  local o = opts('normal_', { ... }, { 'mean', 'std' }, { mean = 0, std = 1 })
  return no_grad(function() return t:normal_(o.mean, o.std) end)
end

function init.constant_(t, val)
  check('constant_', t)
  if type(val) ~= 'number' then torch._error('[init.constant_] expected a number, got ' .. type(val)) end
  return no_grad(function() return t:fill_(val) end)
end

function init.ones_(t) check('ones_', t); return init.constant_(t, 1) end
function init.zeros_(t) check('zeros_', t); return no_grad(function() return t:zero_() end) end

-- eye_(t): the identity in a 2-D tensor (ones on the diagonal of a rectangular one).
function init.eye_(t)
  check('eye_', t)
  if t:dim() ~= 2 then
    torch._error('[init.eye_] Only tensors with 2 dimensions are supported, got shape ' .. nn._shape(t))
  end
  return no_grad(function()
    t:zero_()
    local n = math.min(t:size(1), t:size(2))
    if n > 0 then t:diagonal():fill_(1) end
    return t
  end)
end

function init.xavier_uniform_(t, ...)
  check('xavier_uniform_', t)
  local o = opts('xavier_uniform_', { ... }, { 'gain' }, { gain = 1 })
  local fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
  local std = o.gain * math.sqrt(2.0 / (fan_in + fan_out))
  local a = math.sqrt(3.0) * std
  return no_grad(function() return t:uniform_(-a, a) end)
end

function init.xavier_normal_(t, ...)
  check('xavier_normal_', t)
  local o = opts('xavier_normal_', { ... }, { 'gain' }, { gain = 1 })
  local fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
  local std = o.gain * math.sqrt(2.0 / (fan_in + fan_out))
  return no_grad(function() return t:normal_(0, std) end)
end

local function kaiming_std(t, o, where)
  local fan = correct_fan(t, o.mode, where)
  local gain = init.calculate_gain(o.nonlinearity, o.a)
  return gain / math.sqrt(fan)
end

-- kaiming_uniform_(t [, a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu'])
function init.kaiming_uniform_(t, ...)
  check('kaiming_uniform_', t)
  local o = opts('kaiming_uniform_', { ... }, { 'a', 'mode', 'nonlinearity' },
    { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' })
  if t:numel() == 0 then return t end -- PyTorch warns: initializing zero-element tensors is a no-op
  local bound = math.sqrt(3.0) * kaiming_std(t, o, 'kaiming_uniform_')
  return no_grad(function() return t:uniform_(-bound, bound) end)
end

function init.kaiming_normal_(t, ...)
  check('kaiming_normal_', t)
  local o = opts('kaiming_normal_', { ... }, { 'a', 'mode', 'nonlinearity' },
    { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' })
  if t:numel() == 0 then return t end
  local std = kaiming_std(t, o, 'kaiming_normal_')
  return no_grad(function() return t:normal_(0, std) end)
end

-- orthogonal_(t [, gain = 1]): a (semi-)orthogonal matrix from the QR decomposition of a
-- normal sample, signs fixed by the diagonal of R (PyTorch's algorithm and draws).
function init.orthogonal_(t, ...)
  check('orthogonal_', t)
  local o = opts('orthogonal_', { ... }, { 'gain' }, { gain = 1 })
  if t:dim() < 2 then
    torch._error('[init.orthogonal_] Only tensors with 2 or more dimensions are supported, got shape ' .. nn._shape(t))
  end
  if t:numel() == 0 then return t end
  local rows = t:size(1)
  local cols = t:numel() / rows
  return no_grad(function()
    local flat = torch.empty(rows, cols, { dtype = t.dtype }):normal_(0, 1)
    if rows < cols then flat = flat:t() end
    local q, r = torch.linalg.qr(flat)
    local ph = r:diagonal():sign()
    q = q * ph
    if rows < cols then q = q:t() end
    t:view_as(q):copy_(q)
    t:mul_(o.gain)
    return t
  end)
end

-- trunc_normal_(t [, mean = 0, std = 1, a = -2, b = 2]): normal values redrawn into [a, b]
-- by the inverse CDF (PyTorch's method: uniform draws, then erfinv).
function init.trunc_normal_(t, ...)
  check('trunc_normal_', t)
  local o = opts('trunc_normal_', { ... }, { 'mean', 'std', 'a', 'b' }, { mean = 0, std = 1, a = -2, b = 2 })
  local function erf(x) return torch.tensor(x, { dtype = torch.float64 }):erf():item() end
  local function cdf(x) return (1 + erf(x / math.sqrt(2))) / 2 end
  return no_grad(function()
    local l = cdf((o.a - o.mean) / o.std)
    local u = cdf((o.b - o.mean) / o.std)
    t:uniform_(2 * l - 1, 2 * u - 1)
    t:erfinv_()
    t:mul_(o.std * math.sqrt(2))
    t:add_(o.mean)
    t:clamp_(o.a, o.b)
    return t
  end)
end

return init
