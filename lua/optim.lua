-- `require 'optim'` (Torch7 scripts): the same table as torch.optim.
return require('torch').optim
