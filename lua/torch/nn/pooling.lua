-- Pooling modules (PyTorch's torch/nn/modules/pooling.py) over the native kernels:
-- nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool1d,
-- nn.AdaptiveAvgPool2d.
--
-- MaxPool2d(kernel_size [, stride = kernel_size, padding = 0, dilation = 1,
--   return_indices = false, ceil_mode = false]); with return_indices the module returns the
--   output and the 1-based flat positions of the maxima in each input plane.
-- AvgPool2d(kernel_size [, stride, padding = 0, ceil_mode = false, count_include_pad = true,
--   divisor_override]).
-- AdaptiveAvgPool2d(output_size): a size, or a table {h, w} where `false` keeps the input's
--   size in that dim (PyTorch's None).
-- Arguments by position and/or in a trailing options table; sizes are a number or a table.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local nnk = torch._nn

local fail, pybool = A.fail, nn._pybool

-- Python's str() of an int or a tuple of ints
local function pyval(v)
  if type(v) == 'table' then
    local t = {}
    for i = 1, #v do t[i] = v[i] == false and 'None' or v[i] end
    return A.tuple(t)
  end
  if v == nil or v == false then return 'None' end
  if v == math.floor(v) then return string.format('%d', v) end
  return nn._pyfloat(v)
end

-- checks a size argument (a number or a table of nd numbers) and returns it as given
local function size_arg(name, what, v, nd, min)
  A.ntuple(name, what, v, nd, min)
  return v
end

local function check_input(name, x, nd)
  A.check_input(name, x)
  A.check_dims(name, x, nd + 1)
  if not x:is_floating_point() then
    fail('[%s] expected a floating point input, got %s', name, x.dtype.name)
  end
end

-- ---------------------------------------------------------------------------- max pooling
local MAX_NAMES = { 'kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode' }

local function define_max(name, nd, kernel)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...)
    Module.__init(self)
    local a = A.args(name, MAX_NAMES, nil, ...)
    if a.kernel_size == nil then fail('[%s] kernel_size is required', name) end
    self.kernel_size = size_arg(name, 'kernel_size', a.kernel_size, nd, 1)
    self.stride = size_arg(name, 'stride', a.stride == nil and a.kernel_size or a.stride, nd, 1)
    self.padding = size_arg(name, 'padding', a.padding or 0, nd, 0)
    self.dilation = size_arg(name, 'dilation', a.dilation or 1, nd, 1)
    self.return_indices = a.return_indices == true
    self.ceil_mode = a.ceil_mode == true
    if a.return_indices ~= nil then A.bool(name, 'return_indices', a.return_indices) end
    if a.ceil_mode ~= nil then A.bool(name, 'ceil_mode', a.ceil_mode) end
  end
  function cls:updateOutput(x)
    check_input(name, x, nd)
    local y, idx = A.call(name, kernel, x, self.kernel_size, self.stride, self.padding, self.dilation,
      self.ceil_mode)
    if self.return_indices then return y, idx end
    return y
  end
  function cls:extra_repr()
    return string.format('kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s', pyval(self.kernel_size),
      pyval(self.stride), pyval(self.padding), pyval(self.dilation), pybool(self.ceil_mode))
  end
  return cls
end

define_max('MaxPool1d', 1, nnk.max_pool1d)
define_max('MaxPool2d', 2, nnk.max_pool2d)

-- ---------------------------------------------------------------------------- average pooling
local AVG1_NAMES = { 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad' }
local AVG2_NAMES = { 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override' }

local function define_avg(name, nd, kernel)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...)
    Module.__init(self)
    local a = A.args(name, nd == 1 and AVG1_NAMES or AVG2_NAMES, nil, ...)
    if a.kernel_size == nil then fail('[%s] kernel_size is required', name) end
    local k = size_arg(name, 'kernel_size', a.kernel_size, nd, 1)
    local s = size_arg(name, 'stride', a.stride == nil and a.kernel_size or a.stride, nd, 1)
    local p = size_arg(name, 'padding', a.padding or 0, nd, 0)
    if nd == 1 then -- AvgPool1d keeps 1-tuples (PyTorch's _single)
      k, s, p = A.ntuple(name, 'kernel_size', k, 1), A.ntuple(name, 'stride', s, 1), A.ntuple(name, 'padding', p, 1)
    end
    self.kernel_size, self.stride, self.padding = k, s, p
    self.ceil_mode = a.ceil_mode == true
    if a.ceil_mode ~= nil then A.bool(name, 'ceil_mode', a.ceil_mode) end
    self.count_include_pad = a.count_include_pad ~= false
    if a.count_include_pad ~= nil then A.bool(name, 'count_include_pad', a.count_include_pad) end
    if a.divisor_override ~= nil then
      rawset(self, 'divisor_override', A.int(name, 'divisor_override', a.divisor_override, 1))
    end
  end
  function cls:updateOutput(x)
    check_input(name, x, nd)
    if nd == 1 then
      return A.call(name, kernel, x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
        self.count_include_pad)
    end
    return A.call(name, kernel, x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
      self.count_include_pad, rawget(self, 'divisor_override'))
  end
  function cls:extra_repr()
    return string.format('kernel_size=%s, stride=%s, padding=%s', pyval(self.kernel_size), pyval(self.stride),
      pyval(self.padding))
  end
  return cls
end

define_avg('AvgPool1d', 1, nnk.avg_pool1d)
define_avg('AvgPool2d', 2, nnk.avg_pool2d)

-- ---------------------------------------------------------------------------- adaptive
local function define_adaptive(name, nd, kernel)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  function cls:__init(...)
    Module.__init(self)
    local a = A.args(name, { 'output_size' }, nil, ...)
    local o = a.output_size
    if o == nil then fail('[%s] output_size is required', name) end
    if type(o) == 'table' then
      if getmetatable(o) ~= nil and o.totable then o = o:totable() end
      if #o ~= nd then fail('[%s] output_size must be an integer or a table of %d values, got %d values', name, nd, #o) end
      for i = 1, nd do
        if o[i] ~= false then A.int(name, 'output_size', o[i], 0) end
      end
    else
      A.int(name, 'output_size', o, 0)
    end
    self.output_size = o
  end
  function cls:updateOutput(x)
    check_input(name, x, nd)
    local o = self.output_size
    if type(o) == 'table' then
      local r = {}
      for i = 1, nd do
        r[i] = o[i] == false and x:size(x:dim() - nd + i) or o[i]
      end
      o = r
    end
    return A.call(name, kernel, x, o)
  end
  function cls:extra_repr() return 'output_size=' .. pyval(self.output_size) end
  return cls
end

define_adaptive('AdaptiveAvgPool1d', 1, nnk.adaptive_avg_pool1d)
define_adaptive('AdaptiveAvgPool2d', 2, nnk.adaptive_avg_pool2d)

return nn
