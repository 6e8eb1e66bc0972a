-- torch._nn: the low-level neural-network functions (lib/luabind/lb_nn.c over lib/TH/THNN.h):
-- convolutions, poolings, softmax, batch/layer/group norm, embedding and losses, each with its
-- backward function.  Tensors in, tensors out, no autograd graph: the nn modules and the
-- autograd formulas are built on these.  Dims, class targets and indices are 1-based here, as
-- everywhere in the Lua API (docs/nn_kernels.md).
local torch = require 'torch'

torch._nn = torch._core.nn

return torch._nn
