-- `require 'nn'` (Torch7 scripts): the same table as torch.nn.  As in Torch7, it also makes
-- the globals `nn` (and `torch`, when not already set), so scripts that write `require 'nn'`
-- without keeping the result work unchanged.
local torch = require 'torch'
local nn = torch.nn
rawset(_G, 'nn', nn)
if rawget(_G, 'torch') == nil then rawset(_G, 'torch', torch) end
return nn
