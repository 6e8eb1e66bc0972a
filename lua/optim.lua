-- `require 'optim'` (Torch7 scripts): the same table as torch.optim.  As in Torch7, it also
-- makes the globals `optim` (and `torch`, when not already set), so scripts that write
-- `require 'optim'` without keeping the result work unchanged.
local torch = require 'torch'
local optim = torch.optim
rawset(_G, 'optim', optim)
if rawget(_G, 'torch') == nil then rawset(_G, 'torch', torch) end
return optim
