-- Loss modules: MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss,
-- CrossEntropyLoss, NLLLoss, KLDivLoss, CosineEmbeddingLoss.
--
-- Each takes PyTorch's options in a table (nn.CrossEntropyLoss({weight = w, ignore_index = 1,
-- label_smoothing = 0.1, reduction = 'sum'})), or the reduction as a string
-- (nn.MSELoss('sum')), and calls torch.nn.functional; errors name the module.  Class targets
-- are 1-based.  `weight` and `pos_weight` are buffers (they appear in state_dict), as in
-- PyTorch.
local torch = require 'torch'
local nn = require 'torch.nn'
local Module = nn.Module

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end

local function F() return nn.functional end

-- Calls f(...) (one result) and re-raises its error with the module's name in place of the
-- function's: "[mse_loss] ..." -> "[MSELoss] ...".
local function rename(name, e)
  if type(e) == 'string' then
    local pre, rest = e:match('^(.-)%[[%w_.]+%] (.*)$')
    if pre then e = pre .. '[' .. name .. '] ' .. rest end
  end
  error(e, 0)
end
local function named_call(name, f, ...)
  local ok, r = pcall(f, ...)
  if ok then return r end
  rename(name, r)
end
nn._named_call = named_call

local REDUCTIONS = { none = true, mean = true, sum = true }

-- Options: a table, or (for weighted losses) a weight tensor, or a reduction string.
local function loss_options(name, args, allowed, defaults)
  local a = args[1]
  local o = {}
  if type(a) == 'string' then
    o.reduction = a
  elseif is_tensor(a) and allowed.weight then
    o.weight = a
    if type(args[2]) == 'table' then a = args[2] else a = nil end
  end
  if type(a) == 'table' and not is_tensor(a) then
    for k, v in pairs(a) do
      if not allowed[k] and k ~= 'size_average' and k ~= 'reduce' then
        torch._error(string.format("[%s] unknown option '%s'", name, tostring(k)))
      end
      o[k] = v
    end
  elseif a ~= nil and not is_tensor(a) and type(a) ~= 'string' then
    torch._error(string.format('[%s] expected an options table, got %s', name, type(a)))
  end
  -- PyTorch's legacy size_average / reduce arguments
  if o.size_average ~= nil or o.reduce ~= nil then
    local sa, rd = o.size_average ~= false, o.reduce ~= false
    o.reduction = not rd and 'none' or (sa and 'mean' or 'sum')
    o.size_average, o.reduce = nil, nil
  end
  for k, v in pairs(defaults) do if o[k] == nil then o[k] = v end end
  if o.reduction == nil then o.reduction = 'mean' end
  if not (REDUCTIONS[o.reduction] or (allowed.log_target and o.reduction == 'batchmean')) then
    torch._error(string.format("[%s] reduction must be 'none', 'mean' or 'sum', got %s", name, tostring(o.reduction)))
  end
  if o.weight ~= nil and not is_tensor(o.weight) then
    torch._error(string.format('[%s] weight must be a Tensor, got %s', name, type(o.weight)))
  end
  if o.pos_weight ~= nil and not is_tensor(o.pos_weight) then
    torch._error(string.format('[%s] pos_weight must be a Tensor, got %s', name, type(o.pos_weight)))
  end
  return o
end

-- Defines nn.<name>: allowed option names with their defaults; buffers become module buffers;
-- call(self, input, target, ...) computes through F.
local function loss(name, defaults, buffers, call, nargs)
  local cls = torch.class('nn.' .. name, 'nn.Module', nn)
  local allowed = { reduction = true }
  for k in pairs(defaults) do allowed[k] = true end
  for _, k in ipairs(buffers) do allowed[k] = true end
  function cls:__init(...)
    Module.__init(self)
    local o = loss_options(name, { ... }, allowed, defaults)
    for _, k in ipairs(buffers) do self:register_buffer(k, o[k]) end
    self.reduction = o.reduction
    for k in pairs(defaults) do rawset(self, k, o[k]) end
  end
  local what = (nargs or 2) == 2 and { 'input', 'target' } or { 'input1', 'input2', 'target' }
  function cls:updateOutput(...)
    local a, b, c = ...
    if not is_tensor(a) or not is_tensor(b) or (c == nil) == (#what == 3) or (#what == 3 and not is_tensor(c)) then
      for i = 1, #what do
        local x = select(i, ...)
        if not is_tensor(x) then
          torch._error(string.format('[%s] expected a Tensor as %s, got %s', name, what[i], type(x)))
        end
      end
    end
    return named_call(name, call, self, ...)
  end
  return cls
end

loss('MSELoss', {}, {}, function(self, x, t)
  return F().mse_loss(x, t, { reduction = self.reduction })
end)

loss('L1Loss', {}, {}, function(self, x, t)
  return F().l1_loss(x, t, { reduction = self.reduction })
end)

loss('SmoothL1Loss', { beta = 1.0 }, {}, function(self, x, t)
  return F().smooth_l1_loss(x, t, { reduction = self.reduction, beta = self.beta })
end)

loss('HuberLoss', { delta = 1.0 }, {}, function(self, x, t)
  return F().huber_loss(x, t, { reduction = self.reduction, delta = self.delta })
end)

loss('BCELoss', {}, { 'weight' }, function(self, x, t)
  return F().binary_cross_entropy(x, t, { weight = rawget(self, 'weight'), reduction = self.reduction })
end)

loss('BCEWithLogitsLoss', {}, { 'weight', 'pos_weight' }, function(self, x, t)
  return F().binary_cross_entropy_with_logits(x, t, { weight = rawget(self, 'weight'),
    pos_weight = rawget(self, 'pos_weight'), reduction = self.reduction })
end)

loss('CrossEntropyLoss', { ignore_index = -100, label_smoothing = 0.0 }, { 'weight' }, function(self, x, t)
  return F().cross_entropy(x, t, { weight = rawget(self, 'weight'), ignore_index = self.ignore_index,
    reduction = self.reduction, label_smoothing = self.label_smoothing })
end)

loss('NLLLoss', { ignore_index = -100 }, { 'weight' }, function(self, x, t)
  return F().nll_loss(x, t, { weight = rawget(self, 'weight'), ignore_index = self.ignore_index,
    reduction = self.reduction })
end)

loss('KLDivLoss', { log_target = false }, {}, function(self, x, t)
  return F().kl_div(x, t, { reduction = self.reduction, log_target = self.log_target })
end)

loss('CosineEmbeddingLoss', { margin = 0.0 }, {}, function(self, x1, x2, y)
  return F().cosine_embedding_loss(x1, x2, y, { margin = self.margin, reduction = self.reduction })
end, 3)

return nn
