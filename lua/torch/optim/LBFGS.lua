-- optim.LBFGS: limited-memory BFGS with an optional strong-Wolfe line search, as PyTorch
-- 1.13's torch.optim.LBFGS (itself a port of Torch7's optim.lbfgs and minFunc).
--
-- step(closure) runs up to max_iter iterations, calling closure() (grad mode on; it must
-- zero the gradients, compute the loss, call backward and return the loss) whenever the
-- function has to be evaluated; it returns the loss of the first evaluation.
--
-- The scalars that PyTorch keeps as 0-dim tensors (dot products, the step t after the first
-- iteration, H_diag, ro, al, gtd, the interpolation results) are 0-dim tensors here too, and
-- mixed comparisons round the number to the tensor's dtype as PyTorch's do, so that float32
-- problems follow the same path as PyTorch's.  Only one parameter group is allowed.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local Optimizer = optim.Optimizer
local fail = util.fail
local core = torch._core
local is_tensor = util.is_tensor

local LBFGS = torch.class('optim.LBFGS', 'optim.Optimizer', optim)

local names = { 'lr', 'max_iter', 'max_eval', 'tolerance_grad', 'tolerance_change', 'history_size', 'line_search_fn' }

-- optim.LBFGS(params [, lr, max_iter, max_eval, tolerance_grad, tolerance_change,
--   history_size, line_search_fn] [, opts]), opts: {lr = 1, max_iter = 20,
--   max_eval = max_iter * 5 // 4, tolerance_grad = 1e-7, tolerance_change = 1e-9,
--   history_size = 100, line_search_fn = nil or 'strong_wolfe'}
function LBFGS:__init(params, ...)
  local o = util.options('LBFGS', names, 7, {
    lr = 1, max_iter = 20, tolerance_grad = 1e-7, tolerance_change = 1e-9, history_size = 100,
  }, ...)
  if o.max_eval == nil then o.max_eval = math.floor(o.max_iter * 5 / 4) end
  if type(o.max_eval) ~= 'number' then fail('LBFGS', "option 'max_eval' must be a number, got " .. type(o.max_eval)) end
  if o.line_search_fn ~= nil and o.line_search_fn ~= 'strong_wolfe' then
    fail('LBFGS', "line_search_fn must be nil or 'strong_wolfe', got " .. tostring(o.line_search_fn))
  end
  Optimizer.__init(self, params, o)
  if #self.param_groups ~= 1 then
    fail('LBFGS', "LBFGS doesn't support per-parameter options (parameter groups)")
  end
  self._params = self.param_groups[1].params
end

-- ---------------------------------------------------------------------------- Python scalars
-- A scalar is a Lua number (a Python float) or a 0-dim tensor (a PyTorch tensor).
local function val(x) if is_tensor(x) then return x:item() end return x end
local function round_to(x, dtype) return torch.tensor(x, { dtype = dtype }):item() end
-- the two operands of a comparison, as PyTorch compares them
local function operands(a, b)
  if is_tensor(a) or is_tensor(b) then
    local dt = is_tensor(a) and a.dtype or b.dtype
    return is_tensor(a) and a:item() or round_to(a, dt), is_tensor(b) and b:item() or round_to(b, dt)
  end
  return a, b
end
local function lt(a, b) local x, y = operands(a, b); return x < y end
local function le(a, b) local x, y = operands(a, b); return x <= y end
local function gt(a, b) local x, y = operands(a, b); return x > y end
local function ge(a, b) local x, y = operands(a, b); return x >= y end
-- Python's min/max of two values: the first unless the second is strictly smaller/larger
local function pymin(a, b) if lt(b, a) then return b end return a end
local function pymax(a, b) if gt(b, a) then return b end return a end
local function pyabs(x) if is_tensor(x) then return x:abs() end return math.abs(x) end
-- a / b; a number divided by a tensor is PyTorch's Tensor.__rtruediv__: b.reciprocal() * a
local function div(a, b)
  if type(a) == 'number' and is_tensor(b) then return b:reciprocal() * a end
  return a / b
end

-- ---------------------------------------------------------------------------- line search
local function cubic_interpolate(x1, f1, g1, x2, f2, g2, xmin_bound, xmax_bound)
  if xmin_bound == nil then
    if le(x1, x2) then xmin_bound, xmax_bound = x1, x2 else xmin_bound, xmax_bound = x2, x1 end
  end
  local d1 = g1 + g2 - div(3 * (f1 - f2), x1 - x2)
  local d2_square = d1 ^ 2 - g1 * g2
  if ge(d2_square, 0) then
    local d2 = d2_square:sqrt()
    local min_pos
    if le(x1, x2) then
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    end
    return pymin(pymax(min_pos, xmin_bound), xmax_bound)
  end
  return (xmin_bound + xmax_bound) / 2
end

local function listmax(b) return pymax(b[1], b[2]) end
local function listmin(b) return pymin(b[1], b[2]) end

local function strong_wolfe(obj_func, x, t, d, f, g, gtd)
  local c1, c2, tolerance_change, max_ls = 1e-4, 0.9, 1e-9, 25
  local d_norm = d:abs():max()
  g = g:clone()
  local f_new, g_new = obj_func(x, t, d)
  local ls_func_evals = 1
  local gtd_new = g_new:dot(d)
  local t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
  local done = false
  local ls_iter = 0
  local bracket, bracket_f, bracket_g, bracket_gtd
  while ls_iter < max_ls do
    if gt(f_new, f + c1 * t * gtd) or (ls_iter > 1 and ge(f_new, f_prev)) then
      bracket, bracket_f = { t_prev, t }, { f_prev, f_new }
      bracket_g, bracket_gtd = { g_prev, g_new:clone() }, { gtd_prev, gtd_new }
      break
    end
    if le(pyabs(gtd_new), -c2 * gtd) then
      bracket, bracket_f, bracket_g = { t }, { f_new }, { g_new }
      done = true
      break
    end
    if ge(gtd_new, 0) then
      bracket, bracket_f = { t_prev, t }, { f_prev, f_new }
      bracket_g, bracket_gtd = { g_prev, g_new:clone() }, { gtd_prev, gtd_new }
      break
    end
    -- interpolate
    local min_step = t + 0.01 * (t - t_prev)
    local max_step = t * 10
    local tmp = t
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, min_step, max_step)
    t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new:clone(), gtd_new
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = ls_func_evals + 1
    gtd_new = g_new:dot(d)
    ls_iter = ls_iter + 1
  end
  if ls_iter == max_ls then
    bracket, bracket_f, bracket_g = { 0, t }, { f, f_new }, { g, g_new }
  end

  -- zoom: shrink the bracket until a point satisfies the Wolfe conditions
  local insuf_progress = false
  local low_pos, high_pos = 1, 2
  if not (bracket_f[1] <= bracket_f[#bracket_f]) then low_pos, high_pos = 2, 1 end
  while not done and ls_iter < max_ls do
    if lt(pyabs(bracket[2] - bracket[1]) * d_norm, tolerance_change) then break end
    t = cubic_interpolate(bracket[1], bracket_f[1], bracket_gtd[1], bracket[2], bracket_f[2], bracket_gtd[2])
    local eps = 0.1 * (listmax(bracket) - listmin(bracket))
    if lt(pymin(listmax(bracket) - t, t - listmin(bracket)), eps) then
      if insuf_progress or ge(t, listmax(bracket)) or le(t, listmin(bracket)) then
        if lt(pyabs(t - listmax(bracket)), pyabs(t - listmin(bracket))) then
          t = listmax(bracket) - eps
        else
          t = listmin(bracket) + eps
        end
        insuf_progress = false
      else
        insuf_progress = true
      end
    else
      insuf_progress = false
    end
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = ls_func_evals + 1
    gtd_new = g_new:dot(d)
    ls_iter = ls_iter + 1
    if gt(f_new, f + c1 * t * gtd) or ge(f_new, bracket_f[low_pos]) then
      bracket[high_pos], bracket_f[high_pos] = t, f_new
      bracket_g[high_pos], bracket_gtd[high_pos] = g_new:clone(), gtd_new
      if bracket_f[1] <= bracket_f[2] then low_pos, high_pos = 1, 2 else low_pos, high_pos = 2, 1 end
    else
      if le(pyabs(gtd_new), -c2 * gtd) then
        done = true
      elseif ge(gtd_new * (bracket[high_pos] - bracket[low_pos]), 0) then
        bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
        bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
      end
      bracket[low_pos], bracket_f[low_pos] = t, f_new
      bracket_g[low_pos], bracket_gtd[low_pos] = g_new:clone(), gtd_new
    end
  end
  return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
end

-- ---------------------------------------------------------------------------- flat views
function LBFGS:_gather_flat_grad()
  local views = {}
  for i, p in ipairs(self._params) do
    local g = p.grad
    if g == nil then
      views[i] = torch.zeros(p:numel(), { dtype = p.dtype, device = p.device })
    else
      views[i] = g:reshape(-1)
    end
  end
  return torch.cat(views, 1)
end

function LBFGS:_add_grad(step_size, update)
  local offset = 0
  local alpha = { alpha = val(step_size) }
  for _, p in ipairs(self._params) do
    local n = p:numel()
    p:add_(update:narrow(1, offset + 1, n):view_as(p), alpha)
    offset = offset + n
  end
end

function LBFGS:_clone_param()
  local r = {}
  for i, p in ipairs(self._params) do r[i] = p:clone() end
  return r
end

function LBFGS:_set_param(data)
  for i, p in ipairs(self._params) do p:copy_(data[i]) end
end

function LBFGS:_directional_evaluate(closure, x, t, d)
  self:_add_grad(t, d)
  local loss = val(closure())
  local flat_grad = self:_gather_flat_grad()
  self:_set_param(x)
  return loss, flat_grad
end

-- ---------------------------------------------------------------------------- step
local function lbfgs_step(self, closure)
  local group = self.param_groups[1]
  local lr, max_iter, max_eval = group.lr, group.max_iter, group.max_eval
  local tolerance_grad, tolerance_change = group.tolerance_grad, group.tolerance_change
  local line_search_fn, history_size = group.line_search_fn, group.history_size

  local state = self.state[self._params[1]]
  state.func_evals = state.func_evals or 0
  state.n_iter = state.n_iter or 0

  local orig_loss = closure()
  local loss = val(orig_loss)
  local current_evals = 1
  state.func_evals = state.func_evals + 1

  local flat_grad = self:_gather_flat_grad()
  local opt_cond = le(flat_grad:abs():max(), tolerance_grad)
  if opt_cond then return orig_loss end

  local d, t = state.d, state.t
  local old_dirs, old_stps, ro = state.old_dirs, state.old_stps, state.ro
  local H_diag = state.H_diag
  local prev_flat_grad, prev_loss = state.prev_flat_grad, state.prev_loss

  local n_iter = 0
  while n_iter < max_iter do
    n_iter = n_iter + 1
    state.n_iter = state.n_iter + 1

    -- the descent direction
    if state.n_iter == 1 then
      d = -flat_grad
      old_dirs, old_stps, ro = {}, {}, {}
      H_diag = 1
    else
      local y = flat_grad:sub(prev_flat_grad)
      local s = d:mul(t)
      local ys = y:dot(s)
      if gt(ys, 1e-10) then
        if #old_dirs == history_size then
          table.remove(old_dirs, 1)
          table.remove(old_stps, 1)
          table.remove(ro, 1)
        end
        old_dirs[#old_dirs + 1] = y
        old_stps[#old_stps + 1] = s
        ro[#ro + 1] = div(1, ys)
        H_diag = ys / y:dot(y)
      end
      local num_old = #old_dirs
      if state.al == nil then state.al = {} end
      local al = state.al
      local q = -flat_grad
      for i = num_old, 1, -1 do
        al[i] = old_stps[i]:dot(q) * ro[i]
        q:add_(old_dirs[i], { alpha = -al[i]:item() })
      end
      d = torch.mul(q, H_diag)
      local r = d
      for i = 1, num_old do
        local be_i = old_dirs[i]:dot(r) * ro[i]
        r:add_(old_stps[i], { alpha = (al[i] - be_i):item() })
      end
    end

    if prev_flat_grad == nil then
      prev_flat_grad = flat_grad:clone()
    else
      prev_flat_grad:copy_(flat_grad)
    end
    prev_loss = loss

    -- the step length
    if state.n_iter == 1 then
      t = pymin(1.0, div(1, flat_grad:abs():sum())) * lr
    else
      t = lr
    end
    local gtd = flat_grad:dot(d)
    if gt(gtd, -tolerance_change) then break end

    local ls_func_evals = 0
    if line_search_fn ~= nil then
      local x_init = self:_clone_param()
      local function obj_func(x, tt, dd) return self:_directional_evaluate(closure, x, tt, dd) end
      loss, flat_grad, t, ls_func_evals = strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd)
      self:_add_grad(t, d)
      opt_cond = le(flat_grad:abs():max(), tolerance_grad)
    else
      self:_add_grad(t, d)
      if n_iter ~= max_iter then
        loss = val(closure())
        flat_grad = self:_gather_flat_grad()
        opt_cond = le(flat_grad:abs():max(), tolerance_grad)
        ls_func_evals = 1
      end
    end
    current_evals = current_evals + ls_func_evals
    state.func_evals = state.func_evals + ls_func_evals

    -- stopping conditions
    if n_iter == max_iter then break end
    if current_evals >= max_eval then break end
    if opt_cond then break end
    if le(d:mul(val(t)):abs():max(), tolerance_change) then break end
    if math.abs(loss - prev_loss) < tolerance_change then break end
  end

  state.d, state.t = d, t
  state.old_dirs, state.old_stps, state.ro = old_dirs, old_stps, ro
  state.H_diag = H_diag
  state.prev_flat_grad, state.prev_loss = prev_flat_grad, prev_loss
  return orig_loss
end

-- step(closure): up to max_iter L-BFGS iterations; closure() re-evaluates the model (zeroing
-- the gradients, computing the loss, calling backward) and returns the loss.
function LBFGS:step(closure)
  if type(closure) ~= 'function' then
    fail('LBFGS', 'step needs a closure that reevaluates the model and returns the loss, got ' .. type(closure))
  end
  if #self.param_groups ~= 1 then
    fail('LBFGS', "LBFGS doesn't support per-parameter options (parameter groups)")
  end
  local function with_grad() return torch.enable_grad(closure) end
  local prev = core.set_grad_enabled(false)
  local ok, res = pcall(lbfgs_step, self, with_grad)
  core.set_grad_enabled(prev)
  if not ok then error(res, 0) end
  return res
end

return LBFGS
