-- torch.nn: neural-network modules, as torch/nn and PyTorch's torch.nn.
--
-- This file makes the namespace table and loads one file per module family:
-- Module.lua (the base class, nn.Parameter), Module_util.lua (modes, conversions, printing,
-- clone), Module_torch7.lua (the Torch7 workflow:
-- forward/backward, getParameters, ...), Module_state.lua (state_dict / load_state_dict),
-- container.lua (Sequential, ModuleList, ModuleDict), Linear.lua (Identity, Linear,
-- Bilinear), flatten.lua, activation.lua, loss.lua, Criterion.lua (Torch7 criterions),
-- initializers.lua (nn.init), the layers: conv.lua, pooling.lua, batchnorm.lua,
-- normalization.lua, dropout.lua, Embedding.lua, rnn.lua, attention.lua, transformer.lua
-- (helpers in layer_args.lua).  torch.nn.functional (alias nn.F) loads on first use.
-- docs/nn.md is the reference.
local torch = require 'torch'

local nn = {}
package.loaded['torch.nn'] = nn
rawset(torch, 'nn', nn)

-- nn.functional / nn.F load when first read
setmetatable(nn, {
  __index = function(t, k)
    if k == 'functional' or k == 'F' then
      local F = require 'torch.nn.functional'
      rawset(t, 'functional', F)
      rawset(t, 'F', F)
      return F
    end
    return nil
  end,
})

require 'torch.nn.Module'
require 'torch.nn.Module_util'
require 'torch.nn.Module_state'
require 'torch.nn.Module_torch7'
require 'torch.nn.initializers'
require 'torch.nn.container'
require 'torch.nn.Linear'
require 'torch.nn.flatten'
require 'torch.nn.activation'
require 'torch.nn.loss'
require 'torch.nn.Criterion'
require 'torch.nn.conv'
require 'torch.nn.pooling'
require 'torch.nn.batchnorm'
require 'torch.nn.normalization'
require 'torch.nn.dropout'
require 'torch.nn.Embedding'
require 'torch.nn.rnn'
require 'torch.nn.attention'
require 'torch.nn.transformer'

return nn
