-- `require 'cunn'` (Torch7 scripts): nn with CUDA.  Every nn module already runs on a GPU after
-- module:cuda(), so this is `require 'nn'` plus `require 'cutorch'` (an error without a GPU).
require 'cutorch'
return require 'nn'
