-- `require 'nn'` (Torch7 scripts): the same table as torch.nn.
return require('torch').nn
