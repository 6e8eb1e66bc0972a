-- nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d (PyTorch's
-- torch/nn/modules/conv.py) over the native convolution kernels (torch._nn, im2col + GEMM).
--
-- Conv2d(in_channels, out_channels, kernel_size [, stride = 1, padding = 0, dilation = 1,
--   groups = 1, bias = true, padding_mode = 'zeros'] [, {..., dtype =, device =}])
-- ConvTranspose2d(in_channels, out_channels, kernel_size [, stride = 1, padding = 0,
--   output_padding = 0, groups = 1, bias = true, dilation = 1, padding_mode = 'zeros'])
-- Sizes are a number or a table per spatial dim; padding may be 'same' or 'valid' for the
-- convolutions.  padding_mode 'reflect', 'replicate' and 'circular' pad with F.pad first.
-- Initialisation is PyTorch's (kaiming_uniform_ with a = sqrt(5), bias uniform in
-- +-1/sqrt(fan_in)), drawing the same random numbers.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init
local nnk = torch._nn

local fail, tuple = A.fail, A.tuple

local PADDING_MODES = { zeros = true, reflect = true, replicate = true, circular = true }

local CONV_NAMES = { 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation',
  'groups', 'bias', 'padding_mode' }
local TRANSPOSED_NAMES = { 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding',
  'output_padding', 'groups', 'bias', 'dilation', 'padding_mode' }
local FACTORY = { 'dtype', 'device' }

-- the shared constructor (PyTorch's _ConvNd.__init__)
local function conv_init(self, name, nd, transposed, ...)
  Module.__init(self)
  local a = A.args(name, transposed and TRANSPOSED_NAMES or CONV_NAMES, FACTORY, ...)
  local in_c = A.int(name, 'in_channels', a.in_channels, 1)
  local out_c = A.int(name, 'out_channels', a.out_channels, 1)
  if a.kernel_size == nil then fail('[%s] kernel_size is required', name) end
  local k = A.ntuple(name, 'kernel_size', a.kernel_size, nd, 1)
  local stride = A.ntuple(name, 'stride', a.stride or 1, nd, 1)
  local dilation = A.ntuple(name, 'dilation', a.dilation or 1, nd, 1)
  local groups = a.groups or 1
  if type(groups) ~= 'number' or groups ~= math.floor(groups) or groups <= 0 then
    fail('[%s] groups must be a positive integer, got %s', name, tostring(groups))
  end
  if in_c % groups ~= 0 then fail('[%s] in_channels (%d) must be divisible by groups (%d)', name, in_c, groups) end
  if out_c % groups ~= 0 then fail('[%s] out_channels (%d) must be divisible by groups (%d)', name, out_c, groups) end
  local padding = a.padding or 0
  if type(padding) == 'string' then
    if transposed then fail('[%s] padding must be an integer or a table of integers, got \'%s\'', name, padding) end
    if padding ~= 'same' and padding ~= 'valid' then
      fail("[%s] invalid padding string '%s', should be one of 'same', 'valid'", name, padding)
    end
    for i = 1, nd do
      if padding == 'same' and stride[i] ~= 1 then
        fail("[%s] padding='same' is not supported for strided convolutions", name)
      end
    end
  else
    padding = A.ntuple(name, 'padding', padding, nd, 0)
  end
  local output_padding = A.ntuple(name, 'output_padding', a.output_padding or 0, nd, 0)
  local padding_mode = a.padding_mode or 'zeros'
  if not PADDING_MODES[padding_mode] then
    fail("[%s] padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got padding_mode='%s'",
      name, tostring(padding_mode))
  end
  if transposed and padding_mode ~= 'zeros' then
    fail("[%s] only 'zeros' padding mode is supported for %s", name, name)
  end
  local bias = a.bias
  if bias == nil then bias = true end
  A.bool(name, 'bias', bias)
  local f = A.factory(name, a)

  self.in_channels, self.out_channels = in_c, out_c
  self.kernel_size, self.stride, self.padding, self.dilation = k, stride, padding, dilation
  self.transposed, self.output_padding, self.groups, self.padding_mode = transposed, output_padding, groups,
    padding_mode
  -- F.pad's amounts for the non-zero padding modes: last dim first, (left, right) each
  local rp = {}
  for i = 1, nd do
    local d = nd - i + 1
    local l, r
    if padding == 'valid' then l, r = 0, 0
    elseif padding == 'same' then
      local total = dilation[d] * (k[d] - 1)
      l = math.floor(total / 2); r = total - l
    else l, r = padding[d], padding[d] end
    rp[2 * i - 1], rp[2 * i] = l, r
  end
  rawset(self, '_reversed_padding_repeated_twice', rp)
  -- 'same' with an odd total padding in some dim: the kernel pads symmetrically, so the
  -- input is padded first (the extra element on the right, as PyTorch)
  local uneven = false
  for i = 1, nd do if rp[2 * i - 1] ~= rp[2 * i] then uneven = true end end
  rawset(self, '_pad_first', uneven or padding_mode ~= 'zeros')
  local wshape
  if transposed then wshape = { in_c, out_c / groups } else wshape = { out_c, in_c / groups } end
  for i = 1, nd do wshape[#wshape + 1] = k[i] end
  self.weight = nn.Parameter(torch.empty(wshape, f))
  if bias then
    self.bias = nn.Parameter(torch.empty(out_c, f))
  else
    self:register_parameter('bias', nil)
  end
  self:reset_parameters()
end

local function reset_parameters(self)
  init.kaiming_uniform_(self.weight, { a = math.sqrt(5) })
  local b = rawget(self, 'bias')
  if b ~= nil then
    local fan_in = init._calculate_fan_in_and_fan_out(self.weight)
    if fan_in ~= 0 then
      local bound = 1 / math.sqrt(fan_in)
      init.uniform_(b, -bound, bound)
    end
  end
end

local function all_equal(t, v)
  for i = 1, #t do if t[i] ~= v then return false end end
  return true
end

local function extra_repr(self)
  local s = string.format('%d, %d, kernel_size=%s, stride=%s', self.in_channels, self.out_channels,
    tuple(self.kernel_size), tuple(self.stride))
  local p = self.padding
  if type(p) == 'string' then s = s .. ', padding=' .. p
  elseif not all_equal(p, 0) then s = s .. ', padding=' .. tuple(p) end
  if not all_equal(self.dilation, 1) then s = s .. ', dilation=' .. tuple(self.dilation) end
  if not all_equal(self.output_padding, 0) then s = s .. ', output_padding=' .. tuple(self.output_padding) end
  if self.groups ~= 1 then s = s .. ', groups=' .. self.groups end
  if rawget(self, 'bias') == nil then s = s .. ', bias=False' end
  if self.padding_mode ~= 'zeros' then s = s .. ', padding_mode=' .. self.padding_mode end
  return s
end

-- input checks shared by the four: (C, *spatial) or (N, C, *spatial), C = in_channels
local function check_input(self, name, x, nd)
  A.check_input(name, x)
  local batched = A.check_dims(name, x, nd + 1)
  local c = x:size(batched and 2 or 1)
  if c ~= self.in_channels then
    fail('[%s] expected input with %d channels (dim %d), got shape %s', name, self.in_channels,
      batched and 2 or 1, nn._shape(x))
  end
  A.check_dtype(name, x, rawget(self, 'weight'))
end

-- ---------------------------------------------------------------------------- Conv1d/2d
local function define_conv(name, nd, kernel)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...) conv_init(self, name, nd, false, ...) end
  cls.reset_parameters = reset_parameters
  cls.extra_repr = extra_repr
  function cls:_conv_forward(x, w, b)
    if rawget(self, '_pad_first') then
      local mode = self.padding_mode == 'zeros' and 'constant' or self.padding_mode
      x = A.call(name, nn.functional.pad, x, rawget(self, '_reversed_padding_repeated_twice'), { mode = mode })
      return A.call(name, kernel, x, w, b, self.stride, 0, self.dilation, self.groups)
    end
    return A.call(name, kernel, x, w, b, self.stride, self.padding, self.dilation, self.groups)
  end
  function cls:updateOutput(x)
    check_input(self, name, x, nd)
    return self:_conv_forward(x, rawget(self, 'weight'), rawget(self, 'bias'))
  end
  return cls
end

define_conv('Conv1d', 1, nnk.conv1d)
define_conv('Conv2d', 2, nnk.conv2d)

-- ---------------------------------------------------------------------------- transposed
-- forward(input [, output_size]): output_size (the spatial sizes, or with the leading N, C
-- dims) picks the output_padding that gives it, as PyTorch's _output_padding.
local function define_transposed(name, nd, kernel)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...) conv_init(self, name, nd, true, ...) end
  cls.reset_parameters = reset_parameters
  cls.extra_repr = extra_repr

  function cls:_output_padding(x, output_size)
    if output_size == nil then return self.output_padding end
    local sizes = output_size
    if A.is_tensor(sizes) or type(sizes) ~= 'table' then
      fail('[%s] output_size must be a table of sizes, got %s', name, A.is_tensor(sizes) and 'Tensor' or type(sizes))
    end
    if getmetatable(sizes) ~= nil and sizes.totable then sizes = sizes:totable() end
    for i = 1, #sizes do A.int(name, 'output_size', sizes[i], 0) end
    local batched = x:dim() == nd + 2
    local s = {}
    if #sizes == nd + (batched and 2 or 1) then
      for i = 1, nd do s[i] = sizes[#sizes - nd + i] end
    elseif #sizes == nd then
      s = sizes
    else
      fail('[%s] output_size must have %d or %d elements (got %d)', name, nd, nd + (batched and 2 or 1), #sizes)
    end
    local ret = {}
    for d = 1, nd do
      local in_d = x:size(x:dim() - nd + d)
      local min = (in_d - 1) * self.stride[d] - 2 * self.padding[d] + self.dilation[d] * (self.kernel_size[d] - 1) + 1
      local max = min + self.stride[d] - 1
      if s[d] < min or s[d] > max then
        fail('[%s] requested an output size of %s, but valid sizes range from %d to %d (for an input of shape %s)',
          name, tuple(s), min, max, nn._shape(x))
      end
      ret[d] = s[d] - min
    end
    return ret
  end

  function cls:updateOutput(x, output_size)
    check_input(self, name, x, nd)
    local op = self:_output_padding(x, output_size)
    return A.call(name, kernel, x, rawget(self, 'weight'), rawget(self, 'bias'), self.stride, self.padding, op,
      self.groups, self.dilation)
  end
  return cls
end

define_transposed('ConvTranspose1d', 1, nnk.conv_transpose1d)
define_transposed('ConvTranspose2d', 2, nnk.conv_transpose2d)

return nn
