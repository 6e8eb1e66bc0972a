-- torch.optim.lr_scheduler: learning-rate schedules, as PyTorch 1.13's.
--
-- A scheduler wraps an optimizer and rewrites the lr of each of its parameter groups when
-- step() is called (once per epoch or per batch, after optimizer:step()).  Building one
-- records each group's initial_lr and applies the schedule's value for epoch 0.  The
-- schedules use PyTorch's recursive (chainable) formulas, so they compose with other changes
-- of group.lr; step(epoch) with an explicit epoch uses the closed forms where PyTorch has one.
--
-- Classes: LRScheduler (the base), LambdaLR, StepLR, MultiStepLR, ExponentialLR,
-- CosineAnnealingLR, OneCycleLR, and ReduceLROnPlateau (driven by a metric: step(metric)).
-- state_dict() gives every field but the optimizer (and functions), load_state_dict() takes
-- it back.  Group numbers in verbose messages count from 1.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local fail, fmt = util.fail, util.fmt

local S = {}

local function is_optimizer(o)
  local mt = getmetatable(o)
  if type(o) ~= 'table' or type(mt) ~= 'table' then return false end
  return type(o.param_groups) == 'table' and type(o.step) == 'function'
end

local function check_optimizer(where, o)
  if not is_optimizer(o) then
    fail(where, 'expected an optimizer (with param_groups) as first argument, got ' .. type(o))
  end
end

local function copy(v)
  if type(v) == 'table' and getmetatable(v) == nil then
    local t = {}
    for k, x in pairs(v) do t[k] = copy(x) end
    return t
  end
  return v
end

-- a per-group value: a number for all groups, or a list with one per group
local function per_group(where, name, optimizer, v)
  local n = #optimizer.param_groups
  if type(v) == 'table' then
    if #v ~= n then fail(where, string.format('expected %d values for %s, got %d', n, name, #v)) end
    return copy(v)
  end
  local r = {}
  for i = 1, n do r[i] = v end
  return r
end

-- ---------------------------------------------------------------------------- LRScheduler
local LRScheduler = torch.class('optim.lr_scheduler.LRScheduler', S)
S._LRScheduler = LRScheduler

function LRScheduler:_name()
  return (rawget(getmetatable(self), '__typename'):gsub('^.*%.', ''))
end

-- LRScheduler.__init(self, optimizer, last_epoch = -1, verbose = false)
function LRScheduler:__init(optimizer, last_epoch, verbose)
  local where = self:_name()
  check_optimizer(where, optimizer)
  last_epoch = last_epoch or -1
  self.optimizer = optimizer
  if last_epoch == -1 then
    for _, group in ipairs(optimizer.param_groups) do
      if group.initial_lr == nil then group.initial_lr = group.lr end
    end
  else
    for i, group in ipairs(optimizer.param_groups) do
      if group.initial_lr == nil then
        fail(where, string.format("param 'initial_lr' is not specified in param_groups[%d] when resuming an optimizer", i))
      end
    end
  end
  self.base_lrs = {}
  for i, group in ipairs(optimizer.param_groups) do self.base_lrs[i] = group.initial_lr end
  self.last_epoch = last_epoch
  self.verbose = verbose or false
  self._step_count = 0
  self:step()
end

function LRScheduler:get_lr()
  fail(self:_name(), 'get_lr is not implemented')
end

-- get_last_lr(): the lr of each group as this scheduler last set it
function LRScheduler:get_last_lr() return copy(self._last_lr) end

-- an epoch as PyTorch prints it: 00005, or 2.50 when fractional
local function epoch_str(epoch)
  if epoch == math.floor(epoch) then return string.format('%05d', epoch) end
  return string.format('%.2f', epoch)
end

function LRScheduler:print_lr(is_verbose, group, lr, epoch)
  if is_verbose then
    if epoch == nil then
      print(string.format('Adjusting learning rate of group %d to %.4e.', group, lr))
    else
      print(string.format('Epoch %s: adjusting learning rate of group %d to %.4e.', epoch_str(epoch), group, lr))
    end
  end
end

-- step([epoch]): advances the schedule by one (or jumps to epoch) and sets each group's lr
function LRScheduler:step(epoch)
  self._step_count = self._step_count + 1
  local values
  self._get_lr_called_within_step = true
  if epoch == nil then
    self.last_epoch = self.last_epoch + 1
    values = self:get_lr()
  else
    if type(epoch) ~= 'number' then fail(self:_name(), 'step: epoch must be a number, got ' .. type(epoch)) end
    self.last_epoch = epoch
    if self._get_closed_form_lr then values = self:_get_closed_form_lr() else values = self:get_lr() end
  end
  self._get_lr_called_within_step = false
  for i, group in ipairs(self.optimizer.param_groups) do
    group.lr = values[i]
    self:print_lr(self.verbose, i, values[i], epoch)
  end
  local last = {}
  for i, group in ipairs(self.optimizer.param_groups) do last[i] = group.lr end
  self._last_lr = last
end

local skip_keys = { optimizer = true }
-- state_dict(): every field but the optimizer (functions are left out)
function LRScheduler:state_dict()
  local sd = {}
  for k, v in pairs(self) do
    if not skip_keys[k] and type(v) ~= 'function' then sd[k] = copy(v) end
  end
  return sd
end

function LRScheduler:load_state_dict(sd)
  if type(sd) ~= 'table' then fail(self:_name(), 'load_state_dict: expected a table, got ' .. type(sd)) end
  for k, v in pairs(sd) do
    if not skip_keys[k] then self[k] = copy(v) end
  end
end

-- optim.lr_scheduler.LRScheduler:extend('Name') -> constructor of a new scheduler class
-- (its __init calls LRScheduler.__init(self, optimizer, last_epoch, verbose) last; it
-- defines get_lr() returning the list of the groups' new learning rates).
local user_classes = {}
function LRScheduler.extend(cls, name)
  local mt = rawget(cls, '__typename') and cls or getmetatable(cls)
  local parent = type(mt) == 'table' and rawget(mt, '__typename')
  if not parent then torch._error('[extend] call it on a scheduler class: LRScheduler:extend(name)') end
  if type(name) ~= 'string' then torch._error('[extend] expected a class name (string), got ' .. type(name)) end
  torch.class(name, parent, user_classes)
  return torch.getconstructortable(name)
end

function LRScheduler:__tostring__()
  return string.format('%s(last_epoch=%s, last_lr=%s)', self:_name(), fmt(self.last_epoch), fmt(self._last_lr or {}))
end

local function group_lrs(self)
  local r = {}
  for i, group in ipairs(self.optimizer.param_groups) do r[i] = group.lr end
  return r
end

-- Constructor arguments: (optimizer, positional..., [options]) with the scheduler's names.
local function args(where, names, npos, defaults, ...)
  return util.options(where, names, npos, defaults, ...)
end

-- ---------------------------------------------------------------------------- LambdaLR
local LambdaLR = torch.class('optim.lr_scheduler.LambdaLR', 'optim.lr_scheduler.LRScheduler', S)

-- LambdaLR(optimizer, lr_lambda [, last_epoch, verbose] [, opts]): lr = initial_lr *
-- lr_lambda(epoch); lr_lambda is a function, or a list with one per group.
function LambdaLR:__init(optimizer, ...)
  check_optimizer('LambdaLR', optimizer)
  local o = args('LambdaLR', { 'lr_lambda', 'last_epoch', 'verbose' }, 3, { last_epoch = -1, verbose = false }, ...)
  local f = o.lr_lambda
  local n = #optimizer.param_groups
  if type(f) == 'table' and getmetatable(f) == nil then
    if #f ~= n then fail('LambdaLR', string.format('Expected %d lr_lambdas, but got %d', n, #f)) end
    self.lr_lambdas = copy(f)
  else
    self.lr_lambdas = {}
    for i = 1, n do self.lr_lambdas[i] = f end
  end
  for i, fn in ipairs(self.lr_lambdas) do
    local mt = getmetatable(fn)
    if type(fn) ~= 'function' and not (type(mt) == 'table' and mt.__call) then
      fail('LambdaLR', string.format('lr_lambda %d must be a function, got %s', i, type(fn)))
    end
  end
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

function LambdaLR:get_lr()
  local r = {}
  for i, base_lr in ipairs(self.base_lrs) do r[i] = base_lr * self.lr_lambdas[i](self.last_epoch) end
  return r
end

-- The lambdas are not saved unless they are callable tables (their fields are saved).
function LambdaLR:state_dict()
  local sd = {}
  for k, v in pairs(self) do
    if k ~= 'optimizer' and k ~= 'lr_lambdas' and type(v) ~= 'function' then sd[k] = copy(v) end
  end
  sd.lr_lambdas = {}
  for i, fn in ipairs(self.lr_lambdas) do
    if type(fn) == 'table' then sd.lr_lambdas[i] = copy(fn) end
  end
  return sd
end

function LambdaLR:load_state_dict(sd)
  for k, v in pairs(sd) do
    if k ~= 'optimizer' and k ~= 'lr_lambdas' then self[k] = copy(v) end
  end
  for i, fields in pairs(sd.lr_lambdas or {}) do
    local fn = self.lr_lambdas[i]
    if type(fn) == 'table' then
      for k, v in pairs(fields) do fn[k] = copy(v) end
    end
  end
end

-- ---------------------------------------------------------------------------- StepLR
local StepLR = torch.class('optim.lr_scheduler.StepLR', 'optim.lr_scheduler.LRScheduler', S)

-- StepLR(optimizer, step_size [, gamma = 0.1, last_epoch, verbose] [, opts]): lr is
-- multiplied by gamma every step_size epochs.
function StepLR:__init(optimizer, ...)
  check_optimizer('StepLR', optimizer)
  local o = args('StepLR', { 'step_size', 'gamma', 'last_epoch', 'verbose' }, 4,
    { gamma = 0.1, last_epoch = -1, verbose = false }, ...)
  if type(o.step_size) ~= 'number' or o.step_size < 1 then
    fail('StepLR', 'step_size must be a positive number, got ' .. tostring(o.step_size))
  end
  self.step_size, self.gamma = o.step_size, o.gamma
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

function StepLR:get_lr()
  if self.last_epoch == 0 or self.last_epoch % self.step_size ~= 0 then return group_lrs(self) end
  local r = group_lrs(self)
  for i = 1, #r do r[i] = r[i] * self.gamma end
  return r
end

function StepLR:_get_closed_form_lr()
  local r = {}
  for i, base_lr in ipairs(self.base_lrs) do
    r[i] = base_lr * util.pow(self.gamma, math.floor(self.last_epoch / self.step_size))
  end
  return r
end

-- ---------------------------------------------------------------------------- MultiStepLR
local MultiStepLR = torch.class('optim.lr_scheduler.MultiStepLR', 'optim.lr_scheduler.LRScheduler', S)

-- MultiStepLR(optimizer, milestones [, gamma = 0.1, last_epoch, verbose] [, opts]): lr is
-- multiplied by gamma at each milestone epoch (a milestone listed twice counts twice).
function MultiStepLR:__init(optimizer, ...)
  check_optimizer('MultiStepLR', optimizer)
  local o = args('MultiStepLR', { 'milestones', 'gamma', 'last_epoch', 'verbose' }, 4,
    { gamma = 0.1, last_epoch = -1, verbose = false }, ...)
  if type(o.milestones) ~= 'table' then
    fail('MultiStepLR', 'milestones must be a list of epochs, got ' .. type(o.milestones))
  end
  local counts = {}
  for _, m in ipairs(o.milestones) do counts[m] = (counts[m] or 0) + 1 end
  self.milestones, self.gamma = counts, o.gamma
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

function MultiStepLR:get_lr()
  local c = self.milestones[self.last_epoch]
  local r = group_lrs(self)
  if not c then return r end
  for i = 1, #r do r[i] = r[i] * util.pow(self.gamma, c) end
  return r
end

function MultiStepLR:_get_closed_form_lr()
  local passed = 0
  for m, c in pairs(self.milestones) do
    if m <= self.last_epoch then passed = passed + c end
  end
  local r = {}
  for i, base_lr in ipairs(self.base_lrs) do r[i] = base_lr * util.pow(self.gamma, passed) end
  return r
end

-- ---------------------------------------------------------------------------- ExponentialLR
local ExponentialLR = torch.class('optim.lr_scheduler.ExponentialLR', 'optim.lr_scheduler.LRScheduler', S)

-- ExponentialLR(optimizer, gamma [, last_epoch, verbose] [, opts]): lr is multiplied by
-- gamma every epoch.
function ExponentialLR:__init(optimizer, ...)
  check_optimizer('ExponentialLR', optimizer)
  local o = args('ExponentialLR', { 'gamma', 'last_epoch', 'verbose' }, 3, { last_epoch = -1, verbose = false }, ...)
  if type(o.gamma) ~= 'number' then fail('ExponentialLR', 'gamma must be a number, got ' .. type(o.gamma)) end
  self.gamma = o.gamma
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

function ExponentialLR:get_lr()
  local r = group_lrs(self)
  if self.last_epoch == 0 then return r end
  for i = 1, #r do r[i] = r[i] * self.gamma end
  return r
end

function ExponentialLR:_get_closed_form_lr()
  local r = {}
  for i, base_lr in ipairs(self.base_lrs) do r[i] = base_lr * util.pow(self.gamma, self.last_epoch) end
  return r
end

-- ---------------------------------------------------------------------------- CosineAnnealingLR
local CosineAnnealingLR = torch.class('optim.lr_scheduler.CosineAnnealingLR', 'optim.lr_scheduler.LRScheduler', S)

-- CosineAnnealingLR(optimizer, T_max [, eta_min = 0, last_epoch, verbose] [, opts]): lr
-- follows a cosine from initial_lr down to eta_min over T_max epochs (and back up).
function CosineAnnealingLR:__init(optimizer, ...)
  check_optimizer('CosineAnnealingLR', optimizer)
  local o = args('CosineAnnealingLR', { 'T_max', 'eta_min', 'last_epoch', 'verbose' }, 4,
    { eta_min = 0, last_epoch = -1, verbose = false }, ...)
  if type(o.T_max) ~= 'number' or o.T_max <= 0 then
    fail('CosineAnnealingLR', 'T_max must be a positive number, got ' .. tostring(o.T_max))
  end
  self.T_max, self.eta_min = o.T_max, o.eta_min
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

local pi, cos = math.pi, math.cos
-- (Lua's % takes the divisor's sign, as Python's)
function CosineAnnealingLR:get_lr()
  local e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
  local groups = self.optimizer.param_groups
  local r = {}
  if e == 0 then return group_lrs(self) end
  if self._step_count == 1 and e > 0 then
    for i, base_lr in ipairs(self.base_lrs) do
      r[i] = eta_min + (base_lr - eta_min) * (1 + cos(e * pi / T)) / 2
    end
  elseif (e - 1 - T) % (2 * T) == 0 then
    for i, base_lr in ipairs(self.base_lrs) do
      r[i] = groups[i].lr + (base_lr - eta_min) * (1 - cos(pi / T)) / 2
    end
  else
    for i, group in ipairs(groups) do
      r[i] = (1 + cos(pi * e / T)) / (1 + cos(pi * (e - 1) / T)) * (group.lr - eta_min) + eta_min
    end
  end
  return r
end

function CosineAnnealingLR:_get_closed_form_lr()
  local r = {}
  for i, base_lr in ipairs(self.base_lrs) do
    r[i] = self.eta_min + (base_lr - self.eta_min) * (1 + cos(pi * self.last_epoch / self.T_max)) / 2
  end
  return r
end

-- ---------------------------------------------------------------------------- OneCycleLR
local OneCycleLR = torch.class('optim.lr_scheduler.OneCycleLR', 'optim.lr_scheduler.LRScheduler', S)

local onecycle_names = {
  'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum',
  'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch', 'verbose',
}

-- OneCycleLR(optimizer, max_lr [, total_steps] [, opts]), opts: {total_steps =, epochs =,
-- steps_per_epoch =, pct_start = 0.3, anneal_strategy = 'cos' or 'linear',
-- cycle_momentum = true, base_momentum = 0.85, max_momentum = 0.95, div_factor = 25,
-- final_div_factor = 1e4, three_phase = false, last_epoch = -1, verbose = false}
function OneCycleLR:__init(optimizer, ...)
  local W = 'OneCycleLR'
  check_optimizer(W, optimizer)
  local o = args(W, onecycle_names, 2, {
    pct_start = 0.3, anneal_strategy = 'cos', cycle_momentum = true, base_momentum = 0.85,
    max_momentum = 0.95, div_factor = 25, final_div_factor = 1e4, three_phase = false,
    last_epoch = -1, verbose = false,
  }, ...)
  local function posint(x) return type(x) == 'number' and x > 0 and x == math.floor(x) end
  if o.total_steps == nil and o.epochs == nil and o.steps_per_epoch == nil then
    fail(W, 'You must define either total_steps OR (epochs AND steps_per_epoch)')
  elseif o.total_steps ~= nil then
    if not posint(o.total_steps) then fail(W, 'Expected positive integer total_steps, but got ' .. tostring(o.total_steps)) end
    self.total_steps = o.total_steps
  else
    if not posint(o.epochs) then fail(W, 'Expected positive integer epochs, but got ' .. tostring(o.epochs)) end
    if not posint(o.steps_per_epoch) then
      fail(W, 'Expected positive integer steps_per_epoch, but got ' .. tostring(o.steps_per_epoch))
    end
    self.total_steps = o.epochs * o.steps_per_epoch
  end
  local pct, total = o.pct_start, self.total_steps
  if type(pct) ~= 'number' or pct < 0 or pct > 1 then
    fail(W, 'Expected float between 0 and 1 pct_start, but got ' .. tostring(pct))
  end
  if o.three_phase then
    self._schedule_phases = {
      { end_step = pct * total - 1, start_lr = 'initial_lr', end_lr = 'max_lr',
        start_momentum = 'max_momentum', end_momentum = 'base_momentum' },
      { end_step = 2 * pct * total - 2, start_lr = 'max_lr', end_lr = 'initial_lr',
        start_momentum = 'base_momentum', end_momentum = 'max_momentum' },
      { end_step = total - 1, start_lr = 'initial_lr', end_lr = 'min_lr',
        start_momentum = 'max_momentum', end_momentum = 'max_momentum' },
    }
  else
    self._schedule_phases = {
      { end_step = pct * total - 1, start_lr = 'initial_lr', end_lr = 'max_lr',
        start_momentum = 'max_momentum', end_momentum = 'base_momentum' },
      { end_step = total - 1, start_lr = 'max_lr', end_lr = 'min_lr',
        start_momentum = 'base_momentum', end_momentum = 'max_momentum' },
    }
  end
  if o.anneal_strategy ~= 'cos' and o.anneal_strategy ~= 'linear' then
    fail(W, "anneal_strategy must by one of 'cos' or 'linear', instead got " .. tostring(o.anneal_strategy))
  end
  self.anneal_strategy = o.anneal_strategy
  if o.max_lr == nil then fail(W, 'max_lr is required') end
  local max_lrs = per_group(W, 'max_lr', optimizer, o.max_lr)
  if o.last_epoch == -1 then
    for i, group in ipairs(optimizer.param_groups) do
      group.initial_lr = max_lrs[i] / o.div_factor
      group.max_lr = max_lrs[i]
      group.min_lr = group.initial_lr / o.final_div_factor
    end
  end
  self.cycle_momentum = o.cycle_momentum
  if self.cycle_momentum then
    local defaults = optimizer.defaults or {}
    if defaults.momentum == nil and defaults.betas == nil then
      fail(W, 'optimizer must support momentum with `cycle_momentum` option enabled')
    end
    self.use_beta1 = defaults.betas ~= nil
    local max_m = per_group(W, 'max_momentum', optimizer, o.max_momentum)
    local base_m = per_group(W, 'base_momentum', optimizer, o.base_momentum)
    if o.last_epoch == -1 then
      for i, group in ipairs(optimizer.param_groups) do
        if self.use_beta1 then
          group.betas = { max_m[i], group.betas[2] }
        else
          group.momentum = max_m[i]
        end
        group.max_momentum = max_m[i]
        group.base_momentum = base_m[i]
      end
    end
  end
  LRScheduler.__init(self, optimizer, o.last_epoch, o.verbose)
end

local function anneal(strategy, start, stop, pct)
  if strategy == 'cos' then
    local cos_out = cos(pi * pct) + 1
    return stop + (start - stop) / 2.0 * cos_out
  end
  return (stop - start) * pct + start
end

function OneCycleLR:get_lr()
  local lrs = {}
  local step_num = self.last_epoch
  if step_num > self.total_steps then
    fail('OneCycleLR', string.format('Tried to step %d times. The specified number of total steps is %d',
      step_num + 1, self.total_steps))
  end
  local phases = self._schedule_phases
  for gi, group in ipairs(self.optimizer.param_groups) do
    local start_step = 0
    local computed_lr, computed_momentum
    for i, phase in ipairs(phases) do
      local end_step = phase.end_step
      if step_num <= end_step or i == #phases then
        local pct = (step_num - start_step) / (end_step - start_step)
        computed_lr = anneal(self.anneal_strategy, group[phase.start_lr], group[phase.end_lr], pct)
        if self.cycle_momentum then
          computed_momentum = anneal(self.anneal_strategy, group[phase.start_momentum], group[phase.end_momentum], pct)
        end
        break
      end
      start_step = phase.end_step
    end
    lrs[gi] = computed_lr
    if self.cycle_momentum then
      if self.use_beta1 then
        group.betas = { computed_momentum, group.betas[2] }
      else
        group.momentum = computed_momentum
      end
    end
  end
  return lrs
end

-- ---------------------------------------------------------------------------- ReduceLROnPlateau
local ReduceLROnPlateau = torch.class('optim.lr_scheduler.ReduceLROnPlateau', S)

local plateau_names = { 'mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps', 'verbose' }

-- ReduceLROnPlateau(optimizer [, mode] [, opts]), opts: {mode = 'min' or 'max', factor = 0.1,
-- patience = 10, threshold = 1e-4, threshold_mode = 'rel' or 'abs', cooldown = 0,
-- min_lr = 0 (or one per group), eps = 1e-8, verbose = false}
function ReduceLROnPlateau:__init(optimizer, ...)
  local W = 'ReduceLROnPlateau'
  local o = args(W, plateau_names, 9, {
    mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, threshold_mode = 'rel', cooldown = 0,
    eps = 1e-8, verbose = false,
  }, ...)
  if o.min_lr == nil then o.min_lr = 0 end
  if type(o.min_lr) ~= 'number' and type(o.min_lr) ~= 'table' then
    fail(W, "option 'min_lr' must be a number or a list of numbers, got " .. type(o.min_lr))
  end
  if o.factor >= 1.0 then fail(W, 'Factor should be < 1.0.') end
  self.factor = o.factor
  check_optimizer(W, optimizer)
  self.optimizer = optimizer
  if type(o.min_lr) == 'table' then
    if #o.min_lr ~= #optimizer.param_groups then
      fail(W, string.format('expected %d min_lrs, got %d', #optimizer.param_groups, #o.min_lr))
    end
    self.min_lrs = copy(o.min_lr)
  else
    self.min_lrs = per_group(W, 'min_lr', optimizer, o.min_lr)
  end
  self.patience, self.verbose, self.cooldown = o.patience, o.verbose, o.cooldown
  self.cooldown_counter = 0
  self.eps = o.eps
  self.last_epoch = 0
  self:_init_is_better(o.mode, o.threshold, o.threshold_mode)
  self:_reset()
  self._last_lr = group_lrs(self)
end

function ReduceLROnPlateau:_reset()
  self.best = self.mode_worse
  self.cooldown_counter = 0
  self.num_bad_epochs = 0
end

-- step(metric [, epoch]): metric is a number or a one-element tensor
function ReduceLROnPlateau:step(metrics, epoch)
  local current = metrics
  if util.is_tensor(current) then current = current:item() end
  if type(current) ~= 'number' then
    fail('ReduceLROnPlateau', 'step expects the metric (a number or a one-element tensor), got ' .. type(metrics))
  end
  if epoch == nil then epoch = self.last_epoch + 1 end
  self.last_epoch = epoch
  if self:is_better(current, self.best) then
    self.best = current
    self.num_bad_epochs = 0
  else
    self.num_bad_epochs = self.num_bad_epochs + 1
  end
  if self.cooldown_counter > 0 then
    self.cooldown_counter = self.cooldown_counter - 1
    self.num_bad_epochs = 0
  end
  if self.num_bad_epochs > self.patience then
    self:_reduce_lr(epoch)
    self.cooldown_counter = self.cooldown
    self.num_bad_epochs = 0
  end
  self._last_lr = group_lrs(self)
end

function ReduceLROnPlateau:_reduce_lr(epoch)
  for i, group in ipairs(self.optimizer.param_groups) do
    local old_lr = group.lr
    local new_lr = math.max(old_lr * self.factor, self.min_lrs[i])
    if old_lr - new_lr > self.eps then
      group.lr = new_lr
      if self.verbose then
        print(string.format('Epoch %s: reducing learning rate of group %d to %.4e.', epoch_str(epoch), i, new_lr))
      end
    end
  end
end

-- in_cooldown(): whether the scheduler is waiting after a reduction
function ReduceLROnPlateau:in_cooldown() return self.cooldown_counter > 0 end

function ReduceLROnPlateau:is_better(a, best)
  if self.mode == 'min' and self.threshold_mode == 'rel' then
    return a < best * (1 - self.threshold)
  elseif self.mode == 'min' and self.threshold_mode == 'abs' then
    return a < best - self.threshold
  elseif self.mode == 'max' and self.threshold_mode == 'rel' then
    return a > best * (self.threshold + 1)
  end
  return a > best + self.threshold
end

function ReduceLROnPlateau:_init_is_better(mode, threshold, threshold_mode)
  if mode ~= 'min' and mode ~= 'max' then fail('ReduceLROnPlateau', 'mode ' .. tostring(mode) .. ' is unknown!') end
  if threshold_mode ~= 'rel' and threshold_mode ~= 'abs' then
    fail('ReduceLROnPlateau', 'threshold mode ' .. tostring(threshold_mode) .. ' is unknown!')
  end
  self.mode_worse = mode == 'min' and math.huge or -math.huge
  self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
end

-- get_last_lr(): the lr of each group after the last step
function ReduceLROnPlateau:get_last_lr() return copy(self._last_lr) end

ReduceLROnPlateau.state_dict = LRScheduler.state_dict

function ReduceLROnPlateau:load_state_dict(sd)
  LRScheduler.load_state_dict(self, sd)
  self:_init_is_better(self.mode, self.threshold, self.threshold_mode)
end

function ReduceLROnPlateau:_name() return 'ReduceLROnPlateau' end

function ReduceLROnPlateau:__tostring__()
  return string.format('ReduceLROnPlateau(mode=%s, best=%s, num_bad_epochs=%d)', self.mode, fmt(self.best), self.num_bad_epochs)
end

return S
