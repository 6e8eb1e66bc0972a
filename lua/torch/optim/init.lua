-- torch.optim: optimizers, learning-rate schedulers and Torch7's functional optimizers.
--
-- This file makes the namespace table and loads one file per optimizer: Optimizer.lua (the
-- base class: parameter groups, state, zero_grad, state_dict), SGD.lua, Adam.lua (Adam and
-- AdamW), RMSprop.lua, Adagrad.lua, Adadelta.lua, LBFGS.lua, lr_scheduler.lua
-- (torch.optim.lr_scheduler) and torch7.lua / torch7_lbfgs.lua (Torch7's optim.sgd, adam,
-- rmsprop, adagrad, lbfgs).  The classes (optim.SGD) and Torch7's functions (optim.sgd) live
-- side by side: the names differ in case.  `require 'optim'` gives this table too.
-- docs/optim.md is the reference.
local torch = require 'torch'

local optim = {}
package.loaded['torch.optim'] = optim
rawset(torch, 'optim', optim)

require 'torch.optim.Optimizer'
require 'torch.optim.SGD'
require 'torch.optim.Adam'
require 'torch.optim.RMSprop'
require 'torch.optim.Adagrad'
require 'torch.optim.Adadelta'
require 'torch.optim.LBFGS'
optim.lr_scheduler = require 'torch.optim.lr_scheduler'
require 'torch.optim.torch7'
require 'torch.optim.torch7_lbfgs'

return optim
