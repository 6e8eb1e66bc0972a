-- Torch7's optim.lbfgs: L-BFGS with fixed steps or a user line search (from minFunc).
--
--   x, f_hist, nevals = optim.lbfgs(feval, x, config, state)
--
-- config: maxIter (20), maxEval (maxIter * 1.25), tolFun (1e-5, on the sum of |df/dx|),
-- tolX (1e-9), nCorrection (100, the history size), learningRate (1), lineSearch (a function
-- lineSearch(feval, x, t, d, f, g, gtd, lineSearchOptions) returning f, g, x, t, nevals),
-- lineSearchOptions, verbose.  f_hist lists f(x) at the start and after each iteration
-- (f_hist[1] before any update, f_hist[#f_hist] at the returned x).  state keeps the
-- history between calls (state.funcEval, state.nIter, ...).  Torch7's optim.lswolfe line
-- search is not provided.
local torch = require 'torch'
local optim = require 'torch.optim'
local util = optim._util
local core = torch._core
local is_tensor = util.is_tensor

local function num(v) if is_tensor(v) then return v:item() end return v end
-- a . b over all elements (Torch7's dot took tensors of any shape)
local function dot(a, b) return a:reshape(-1):dot(b:reshape(-1)):item() end

local function run(opfunc, x, config, state)
  local maxIter = tonumber(config.maxIter) or 20
  local maxEval = tonumber(config.maxEval) or maxIter * 1.25
  local tolFun = config.tolFun or 1e-5
  local tolX = config.tolX or 1e-9
  local nCorrection = config.nCorrection or 100
  local lineSearch = config.lineSearch
  local lineSearchOpts = config.lineSearchOptions
  local learningRate = config.learningRate or 1
  local verbose = config.verbose and function(...) print('<optim.lbfgs> ', ...) end or function() end

  state.funcEval = state.funcEval or 0
  state.nIter = state.nIter or 0

  -- feval runs with the caller's grad mode
  local function eval(xx)
    local prev = core.set_grad_enabled(state._grad_mode)
    local ok, f, g = pcall(opfunc, xx)
    core.set_grad_enabled(prev)
    if not ok then error(f, 0) end
    if not is_tensor(g) then util.fail('lbfgs', 'feval must return f(x) and df/dx (a tensor), got ' .. type(g)) end
    return num(f), g
  end

  local f, g = eval(x)
  local f_hist = { f }
  local currentFuncEval = 1
  state.funcEval = state.funcEval + 1

  if g:abs():sum():item() <= tolFun then
    verbose('optimality condition below tolFun')
    return x, f_hist, currentFuncEval
  end

  local d, t = state.d, state.t
  local old_dirs, old_stps = state.old_dirs, state.old_stps
  local Hdiag, g_old, f_old = state.Hdiag, state.g_old, state.f_old
  local ro, al = {}, {}

  local nIter = 0
  while nIter < maxIter do
    nIter = nIter + 1
    state.nIter = state.nIter + 1

    -- the descent direction
    if state.nIter == 1 then
      d = -g
      old_dirs, old_stps = {}, {}
      Hdiag = 1
    else
      local y = g - g_old
      local s = d * t
      local ys = dot(y, s)
      if ys > 1e-10 then
        if #old_dirs == nCorrection then
          table.remove(old_dirs, 1)
          table.remove(old_stps, 1)
        end
        old_dirs[#old_dirs + 1] = s
        old_stps[#old_stps + 1] = y
        Hdiag = ys / dot(y, y)
      end
      local k = #old_dirs
      for i = 1, k do ro[i] = 1 / dot(old_stps[i], old_dirs[i]) end
      local q = -g
      for i = k, 1, -1 do
        al[i] = dot(old_dirs[i], q) * ro[i]
        q:add_(old_stps[i], { alpha = -al[i] })
      end
      d = q:mul(Hdiag)
      for i = 1, k do
        local be_i = dot(old_stps[i], d) * ro[i]
        d:add_(old_dirs[i], { alpha = al[i] - be_i })
      end
    end
    g_old = g_old or g:clone()
    g_old:copy_(g)
    f_old = f

    -- the step length
    local gtd = dot(g, d)
    if gtd > -tolX then break end
    if state.nIter == 1 then
      t = math.min(1, 1 / g:abs():sum():item()) * learningRate
    else
      t = learningRate
    end

    local lsFuncEval = 0
    if type(lineSearch) == 'function' then
      local prev = core.set_grad_enabled(state._grad_mode)
      local ok, f1, g1, x1, t1, n1 = pcall(lineSearch, opfunc, x, t, d, f, g, gtd, lineSearchOpts)
      core.set_grad_enabled(prev)
      if not ok then error(f1, 0) end
      f, g, x, t, lsFuncEval = num(f1), g1, x1, t1, n1
      f_hist[#f_hist + 1] = f
    else
      x:add_(d:reshape(x.shape), { alpha = t })
      if nIter ~= maxIter then
        f, g = eval(x)
        lsFuncEval = 1
        f_hist[#f_hist + 1] = f
      end
    end
    currentFuncEval = currentFuncEval + lsFuncEval
    state.funcEval = state.funcEval + lsFuncEval

    -- stopping conditions
    if nIter == maxIter then verbose('reached max number of iterations'); break end
    if currentFuncEval >= maxEval then verbose('max nb of function evals'); break end
    if g:abs():sum():item() <= tolFun then verbose('optimality condition below tolFun'); break end
    if (d * t):abs():sum():item() <= tolX then verbose('step size below tolX'); break end
    if math.abs(f - f_old) < tolX then verbose('function value changing less than tolX'); break end
  end

  state.old_dirs, state.old_stps = old_dirs, old_stps
  state.Hdiag, state.g_old, state.f_old = Hdiag, g_old, f_old
  state.t, state.d = t, d
  return x, f_hist, currentFuncEval
end

function optim.lbfgs(opfunc, x, config, state)
  if type(opfunc) ~= 'function' then
    util.fail('lbfgs', 'expected a function feval(x) returning f(x) and df/dx as first argument, got ' .. type(opfunc))
  end
  if not is_tensor(x) then util.fail('lbfgs', 'expected the parameter tensor x as second argument, got ' .. type(x)) end
  config = config or {}
  state = state or config
  state._grad_mode = core.is_grad_enabled()
  local prev = core.set_grad_enabled(false)
  local ok, rx, hist, n = pcall(run, opfunc, x, config, state)
  core.set_grad_enabled(prev)
  state._grad_mode = nil
  if not ok then error(rx, 0) end
  return rx, hist, n
end

return optim
