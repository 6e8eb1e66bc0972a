-- Random numbers: seeds, generators and sampling.
--
-- torch.manual_seed / seed / initial_seed / get_rng_state / set_rng_state, torch.Generator
-- objects, the sampling functions (rand, randn, randint, randperm, normal, bernoulli,
-- multinomial and the _like forms) and the in-place samplers on tensors (uniform_, normal_,
-- random_, bernoulli_, exponential_, cauchy_, log_normal_, geometric_).  Every one takes
-- {generator = g} in its trailing options table.  The generator and the way each sample is
-- drawn are PyTorch's CPU ones, so the same seed gives the same numbers as PyTorch 1.13 (see
-- docs/random.md for the few calls whose streams differ).  randperm and multinomial return
-- 1-based indices.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor

-- ---------------------------------------------------------------------------- generators
local gen_mt = core.Generator
local Generator = {}
local function is_generator(g) return type(g) == 'userdata' and getmetatable(g) == gen_mt end

function Generator.manual_seed(g, seed) return core.gen_manual_seed(g, seed) end
function Generator.seed(g) return core.gen_seed(g) end
function Generator.initial_seed(g) return core.gen_initial_seed(g) end
function Generator.get_state(g) return core.gen_get_state(g) end
function Generator.set_state(g, state)
  if not is_tensor(state) then torch._error('[set_state] expected a uint8 Tensor, got ' .. type(state)) end
  return core.gen_set_state(g, state)
end
gen_mt.__index = function(g, k)
  local m = Generator[k]
  if m ~= nil then return m end
  if k == 'device' then return torch.device('cpu') end
  return nil
end
gen_mt.__tostring = function(g)
  return string.format('torch.Generator(device=cpu, initial_seed=%.17g)', core.gen_initial_seed(g))
end

-- torch.Generator([device]): a new generator with PyTorch's default seed 67280421310721.
function torch.Generator(device)
  if type(device) == 'table' and not getmetatable(device) then device = device.device end
  if device ~= nil and torch.device(device).type ~= 'cpu' then
    torch._error(string.format('[Generator] no generator objects for device %s: CUDA tensors draw from '
      .. 'their device\'s generator (seed it with torch.cuda.manual_seed)', tostring(device)))
  end
  return core.generator_new()
end
torch.default_generator = core.default_generator

function torch.manual_seed(seed)
  core.gen_manual_seed(nil, seed)
  torch.cuda._seed_all_when_loaded(seed) -- the GPUs' generators too, as in PyTorch
  return torch.default_generator
end
torch.manualSeed = torch.manual_seed -- Torch7
function torch.seed()
  local seed = core.gen_seed(nil)
  torch.cuda._seed_all_when_loaded(seed)
  return seed
end
function torch.initial_seed() return core.gen_initial_seed(nil) end
function torch.get_rng_state() return core.gen_get_state(nil) end
function torch.set_rng_state(state)
  if not is_tensor(state) then torch._error('[set_rng_state] expected a uint8 Tensor, got ' .. type(state)) end
  core.gen_set_state(nil, state)
end
torch.getRNGState = torch.get_rng_state -- Torch7
torch.setRNGState = torch.set_rng_state

-- ---------------------------------------------------------------------------- options
local OPTS_NEW = { dtype = true, device = true, requires_grad = true, out = true, generator = true,
  layout = true, pin_memory = true }
local OPTS_LIKE = { dtype = true, device = true, requires_grad = true, generator = true,
  layout = true, pin_memory = true, memory_format = true }
local OPTS_GEN = { generator = true }
local OPTS_GEN_OUT = { generator = true, out = true }

local function is_options(t)
  return type(t) == 'table' and not is_tensor(t) and getmetatable(t) == nil and t[1] == nil
end

local function check_options(fname, opts, allowed)
  if opts == nil then return {} end
  if not is_options(opts) then
    torch._error(string.format('[%s] options table expected, got %s', fname, type(opts)))
  end
  for k in pairs(opts) do
    if not allowed[k] then torch._error(string.format('[%s] unknown option "%s"', fname, tostring(k))) end
  end
  if opts.generator ~= nil and not is_generator(opts.generator) then
    torch._error(string.format('[%s] generator must be a torch.Generator, got %s', fname, type(opts.generator)))
  end
  if opts.out ~= nil and not is_tensor(opts.out) then
    torch._error(string.format('[%s] out must be a Tensor', fname))
  end
  if opts.requires_grad ~= nil and type(opts.requires_grad) ~= 'boolean' then
    torch._error(string.format('[%s] requires_grad must be a boolean', fname))
  end
  if opts.layout ~= nil and opts.layout ~= torch.strided then
    torch._error(string.format('[%s] only the torch.strided layout is supported', fname))
  end
  if opts.pin_memory then torch.cuda._need(fname, 'pin_memory=true') end -- page-locked memory comes from CUDA
  return opts
end

-- dtype (object), device type and index for a new tensor
local function resolve(fname, opts, default)
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, fname)
    or (opts.out and opts.out.dtype) or default or torch.get_default_dtype()
  if opts.out and opts.dtype ~= nil and opts.out.dtype ~= dtype then
    torch._error(string.format('[%s] dtype %s does not match the dtype of out= (%s)', fname,
      tostring(dtype), tostring(opts.out.dtype)))
  end
  local dev = opts.device ~= nil and torch.device(opts.device) or nil
  if dev and not core.device_available(dev._type) then
    torch._error(string.format('[%s] device %s is not available: this build has no %s backend',
      fname, tostring(dev), dev.type:upper()))
  end
  return dtype, dev and dev._type or 0, dev and dev._index or 0
end

local function need_float(fname, dtype)
  if not dtype.is_floating_point then
    torch._error(string.format('[%s] expected a floating point dtype, got %s', fname, tostring(dtype)))
  end
end

local function finish(fname, t, opts)
  if opts.requires_grad then
    if not t.dtype.is_floating_point then
      torch._error(string.format('[%s] only Tensors of floating point dtype can require gradients, got %s',
        fname, t.dtype.name))
    end
    core.requires_grad(t, true)
  end
  if opts.pin_memory then t = core.pin_memory(t) end
  return t
end

local function sizes_and_options(fname, allowed, ...)
  local sizes, opts = torch._split_sizes(fname, ...)
  return sizes, check_options(fname, opts, allowed)
end

-- A new tensor (or out=, resized) of the given sizes and dtype.
local function new_tensor(sizes, dtype, dt, di, opts)
  if opts.out then
    core.resize_(opts.out, sizes)
    return opts.out
  end
  return core.empty(sizes, dtype.id, dt, di)
end

-- A tensor shaped like x for the _like functions (x's memory order unless told otherwise).
local function like(fname, x, opts)
  if not is_tensor(x) then torch._error(string.format('[%s] expected a Tensor, got %s', fname, type(x))) end
  local dtype = opts.dtype ~= nil and torch._todtype(opts.dtype, fname) or x.dtype
  local dev = opts.device ~= nil and torch.device(opts.device) or x.device
  if dev ~= x.device or (opts.memory_format ~= nil and opts.memory_format ~= torch.preserve_format) then
    return core.empty(core.size(x), dtype.id, dev._type, dev._index or 0), dtype
  end
  return core.empty_like_dense(x, dtype.id), dtype
end

local function is_int(v) return type(v) == 'number' and v == math.floor(v) and v - v == 0 end
-- an integer that int64 holds (bounds of randint and random_)
local function is_int64(v) return is_int(v) and v >= -2 ^ 63 and v < 2 ^ 63 end

-- ---------------------------------------------------------------------------- rand, randn
-- torch.rand(sizes..., opts): uniform on [0, 1)
function torch.rand(...)
  local sizes, opts = sizes_and_options('rand', OPTS_NEW, ...)
  local dtype, dt, di = resolve('rand', opts)
  need_float('rand', dtype)
  local t = new_tensor(sizes, dtype, dt, di, opts)
  return finish('rand', core.uniform_(t, 0, 1, opts.generator), opts)
end

-- torch.randn(sizes..., opts): standard normal
function torch.randn(...)
  local sizes, opts = sizes_and_options('randn', OPTS_NEW, ...)
  local dtype, dt, di = resolve('randn', opts)
  need_float('randn', dtype)
  local t = new_tensor(sizes, dtype, dt, di, opts)
  return finish('randn', core.normal_(t, 0, 1, opts.generator), opts)
end

function torch.rand_like(x, opts)
  opts = check_options('rand_like', opts, OPTS_LIKE)
  local t, dtype = like('rand_like', x, opts)
  need_float('rand_like', dtype)
  return finish('rand_like', core.uniform_(t, 0, 1, opts.generator), opts)
end

function torch.randn_like(x, opts)
  opts = check_options('randn_like', opts, OPTS_LIKE)
  local t, dtype = like('randn_like', x, opts)
  need_float('randn_like', dtype)
  return finish('randn_like', core.normal_(t, 0, 1, opts.generator), opts)
end

-- ---------------------------------------------------------------------------- randint
-- (low, high) from randint's numbers: (high) or (low, high)
local function int_bounds(fname, nums)
  local low, high
  if #nums == 1 then low, high = 0, nums[1]
  elseif #nums == 2 then low, high = nums[1], nums[2]
  else torch._error(string.format('[%s] expected high, or low and high, before the size', fname)) end
  if not is_int64(low) then
    torch._error(string.format('[%s] low must be an integer in [-2^63, 2^63), got %s', fname, tostring(low)))
  end
  if not is_int64(high) then
    torch._error(string.format('[%s] high must be an integer in [-2^63, 2^63), got %s', fname, tostring(high)))
  end
  return low, high
end

-- torch.randint([low = 0,] high, size, opts): integers in [low, high), int64 unless told
function torch.randint(...)
  local args, n = { ... }, select('#', ...)
  local opts
  if n > 0 and is_options(args[n]) then opts = args[n]; n = n - 1 end
  opts = check_options('randint', opts, OPTS_NEW)
  local size = args[n]
  if type(size) ~= 'table' or is_tensor(size) then
    torch._error('[randint] size must be a table or a torch.Size (as in randint(0, 10, {3}))')
  end
  local nums = {}
  for i = 1, n - 1 do nums[i] = args[i] end
  local low, high = int_bounds('randint', nums)
  local dtype, dt, di = resolve('randint', opts, torch.int64)
  local t = new_tensor(size, dtype, dt, di, opts)
  return finish('randint', core.random_(t, low, high, true, opts.generator), opts)
end

-- torch.randint_like(x, [low = 0,] high, opts)
function torch.randint_like(x, a, b, c)
  local nums, opts = { a }, b
  if type(b) == 'number' then nums[2], opts = b, c end
  opts = check_options('randint_like', opts, OPTS_LIKE)
  local low, high = int_bounds('randint_like', nums)
  local t = like('randint_like', x, opts)
  return finish('randint_like', core.random_(t, low, high, true, opts.generator), opts)
end

-- ---------------------------------------------------------------------------- randperm
-- torch.randperm(n, opts): a random permutation of 1 .. n (int64 unless told)
function torch.randperm(n, opts)
  opts = check_options('randperm', opts, OPTS_NEW)
  if not is_int(n) then torch._error('[randperm] n must be an integer, got ' .. tostring(n)) end
  local dtype, dt, di = resolve('randperm', opts, torch.int64)
  local t = core.randperm(n, dtype.id, dt, di, opts.generator)
  if opts.out then
    core.resize_(opts.out, { n })
    core.copy_(opts.out, t)
    t = opts.out
  end
  return finish('randperm', t, opts)
end

-- ---------------------------------------------------------------------------- normal
-- torch.normal(mean, std [, size], opts):
--   normal(mean_tensor, std_tensor), normal(mean_tensor [, std = 1]), normal(mean, std_tensor),
--   normal(mean, std, size)
function torch.normal(mean, std, size, opts)
  if is_tensor(mean) or is_tensor(std) then
    if is_options(std) then std, opts = nil, std
    elseif size ~= nil then opts = size end
    opts = check_options('normal', opts, OPTS_GEN_OUT)
    if std == nil then std = 1 end
    if type(mean) ~= 'number' and not is_tensor(mean) then
      torch._error('[normal] mean must be a number or a Tensor, got ' .. type(mean))
    end
    if type(std) ~= 'number' and not is_tensor(std) then
      torch._error('[normal] std must be a number or a Tensor, got ' .. type(std))
    end
    return core.normal_tensor(mean, std, opts.generator, opts.out)
  end
  opts = check_options('normal', opts, OPTS_NEW)
  if type(mean) ~= 'number' or type(std) ~= 'number' then
    torch._error('[normal] expected mean and std as numbers or Tensors')
  end
  if type(size) ~= 'table' or is_tensor(size) then
    torch._error('[normal] with numbers for mean and std, the size is needed (normal(0, 1, {2, 3}))')
  end
  local dtype, dt, di = resolve('normal', opts)
  need_float('normal', dtype)
  local t = new_tensor(size, dtype, dt, di, opts)
  return finish('normal', core.normal_(t, mean, std, opts.generator), opts)
end

-- ---------------------------------------------------------------------------- bernoulli, multinomial
-- torch.bernoulli(input [, p], opts): 0/1 with probability input (or p), input's dtype
function torch.bernoulli(input, p, opts)
  if is_options(p) then p, opts = nil, p end
  opts = check_options('bernoulli', opts, OPTS_GEN_OUT)
  if not is_tensor(input) then torch._error('[bernoulli] expected a Tensor, got ' .. type(input)) end
  if p ~= nil and type(p) ~= 'number' then torch._error('[bernoulli] p must be a number, got ' .. type(p)) end
  local t
  if opts.out then
    t = opts.out
    core.resize_(t, core.size(input))
  else
    t = core.empty(core.size(input), core.dtype_id(input), core.device(input))
  end
  return core.bernoulli_(t, p == nil and input or p, opts.generator)
end

-- torch.multinomial(input, num_samples [, replacement = false], opts): 1-based int64 indices
function torch.multinomial(input, n, replacement, opts)
  if is_options(replacement) then replacement, opts = nil, replacement end
  opts = check_options('multinomial', opts, { generator = true, out = true, replacement = true })
  if not is_tensor(input) then torch._error('[multinomial] expected a Tensor, got ' .. type(input)) end
  if not is_int(n) then torch._error('[multinomial] num_samples must be an integer, got ' .. tostring(n)) end
  if replacement == nil then replacement = opts.replacement or false end
  if type(replacement) ~= 'boolean' then
    torch._error('[multinomial] replacement must be a boolean, got ' .. type(replacement))
  end
  return core.multinomial(input, n, replacement, opts.generator, opts.out)
end

-- ---------------------------------------------------------------------------- in-place samplers
local function num_or(fname, what, v, default)
  if v == nil then return default end
  if type(v) ~= 'number' then
    torch._error(string.format('[%s] %s must be a number, got %s', fname, what, type(v)))
  end
  return v
end

-- Reads (a, b, opts) or (a, opts) or (opts) for a two-parameter sampler.
local function two_params(fname, a, b, opts, da, db, an, bn)
  if is_options(a) then a, b, opts = nil, nil, a
  elseif is_options(b) then b, opts = nil, b end
  opts = check_options(fname, opts, OPTS_GEN)
  return num_or(fname, an, a, da), num_or(fname, bn, b, db), opts.generator
end

function Tensor.uniform_(x, from, to, opts)
  local a, b, g = two_params('uniform_', from, to, opts, 0, 1, 'from', 'to')
  return core.uniform_(x, a, b, g)
end

function Tensor.normal_(x, mean, std, opts)
  local a, b, g = two_params('normal_', mean, std, opts, 0, 1, 'mean', 'std')
  return core.normal_(x, a, b, g)
end

function Tensor.cauchy_(x, median, sigma, opts)
  local a, b, g = two_params('cauchy_', median, sigma, opts, 0, 1, 'median', 'sigma')
  return core.cauchy_(x, a, b, g)
end

function Tensor.log_normal_(x, mean, std, opts)
  local a, b, g = two_params('log_normal_', mean, std, opts, 1, 2, 'mean', 'std')
  return core.log_normal_(x, a, b, g)
end

function Tensor.exponential_(x, lambd, opts)
  if is_options(lambd) then lambd, opts = nil, lambd end
  opts = check_options('exponential_', opts, OPTS_GEN)
  return core.exponential_(x, num_or('exponential_', 'lambd', lambd, 1), opts.generator)
end

function Tensor.geometric_(x, p, opts)
  opts = check_options('geometric_', opts, OPTS_GEN)
  if type(p) ~= 'number' then torch._error('[geometric_] p must be a number, got ' .. type(p)) end
  return core.geometric_(x, p, opts.generator)
end

-- x:random_(), x:random_(to), x:random_(from, to), x:random_(from, nil) (up to the dtype's
-- largest value), each with an optional trailing options table
function Tensor.random_(x, ...)
  local n = select('#', ...)
  local args = { ... }
  local opts
  if n > 0 and is_options(args[n]) then opts = args[n]; n = n - 1 end
  opts = check_options('random_', opts, OPTS_GEN)
  for i = 1, n do
    if args[i] ~= nil and not is_int64(args[i]) then
      torch._error(string.format('[random_] bounds must be integers in [-2^63, 2^63), got %s', tostring(args[i])))
    end
  end
  if n == 0 then return core.random_(x, nil, nil, false, opts.generator) end
  if n == 1 then
    if args[1] == nil then return core.random_(x, nil, nil, false, opts.generator) end
    return core.random_(x, 0, args[1], true, opts.generator)
  end
  if args[1] == nil then torch._error('[random_] from must be an integer, got nil') end
  return core.random_(x, args[1], args[2], args[2] ~= nil, opts.generator)
end

-- x:bernoulli_([p = 0.5], opts): p a number or a Tensor of probabilities (broadcast to x)
function Tensor.bernoulli_(x, p, opts)
  if is_options(p) then p, opts = nil, p end
  opts = check_options('bernoulli_', opts, OPTS_GEN)
  if p == nil then p = 0.5 end
  if type(p) ~= 'number' and not is_tensor(p) then
    torch._error('[bernoulli_] p must be a number or a Tensor, got ' .. type(p))
  end
  return core.bernoulli_(x, p, opts.generator)
end

Tensor.bernoulli = torch.bernoulli
Tensor.multinomial = torch.multinomial

return torch
