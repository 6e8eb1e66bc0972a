-- torch.backends: switches of the compute libraries.  torch.backends.cuda.matmul.allow_tf32
-- lets float32 matrix products on a GPU use TF32 tensor cores (faster, about 10 bits of
-- mantissa); off by default, as in PyTorch.  Setting it without CUDA is allowed and remembered.
local torch = require 'torch'

local matmul_state = { allow_tf32 = false }

local matmul = setmetatable({}, {
  __index = function(_, k)
    if k ~= 'allow_tf32' then return nil end
    -- the backend's own value once it is loaded; reading never loads it
    if torch.cuda.is_initialized() then return torch.cuda._need('allow_tf32').allow_tf32_get() end
    return matmul_state.allow_tf32
  end,
  __newindex = function(_, k, v)
    if k ~= 'allow_tf32' then
      torch._error(string.format('[backends.cuda.matmul] unknown setting "%s"', tostring(k)))
    end
    if type(v) ~= 'boolean' then
      torch._error('[backends.cuda.matmul] allow_tf32 must be a boolean, got ' .. type(v))
    end
    matmul_state.allow_tf32 = v
    torch.cuda._apply_when_loaded('allow_tf32', function(core) core.allow_tf32_set(v) end)
  end,
})

return { cuda = { matmul = matmul } }
