-- Reductions and scans: sum, mean, prod, max/min, argmax/argmin, amax/amin, var/std and
-- their _mean forms, norm, logsumexp, all/any, count_nonzero, median/nanmedian, mode, and the
-- cumulative cumsum, cumprod, cummax, cummin, logcumsumexp.
--
-- The C binding (lib/luabind/lb_reduce.c) parses the arguments: dims are 1-based (negative
-- count from the end) and may be a table where PyTorch takes a tuple; keyword arguments go in
-- a trailing options table ({dim =, keepdim =, dtype =, out =, correction =, p =}).  Functions
-- that PyTorch gives two results (max/min/median/mode along a dim, cummax/cummin, var_mean,
-- std_mean) return two Lua values; indices are 1-based int64 tensors.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor

-- x:name(...) and torch.name(x, ...)
local both = {
  'sum', 'nansum', 'mean', 'prod', 'amax', 'amin', 'max', 'min', 'argmax', 'argmin', 'var',
  'std', 'norm', 'logsumexp', 'all', 'any', 'count_nonzero', 'median', 'nanmedian', 'mode',
  'cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp',
}
for _, name in ipairs(both) do
  local f = assert(core[name], name)
  Tensor[name] = f
  torch[name] = f
end

-- functions only (PyTorch has no method form of these)
torch.var_mean = core.var_mean
torch.std_mean = core.std_mean

return torch
