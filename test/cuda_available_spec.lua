-- torch.cuda where the machine may have no GPU: the backend (when built) loads, and without a
-- usable GPU is_available() is false with a reason and every CUDA request fails with it.  The
-- GPU tests are in cuda_spec.lua and the other cuda_*_spec.lua files (skipped without a GPU).
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err

local available, reason = torch.cuda.is_available()

describe('torch.cuda without a usable GPU', function()
  it('loads the backend when the build has one', function()
    if os.getenv('TORCH_BUILT_WITH_CUDA') == '1' then
      local ok, core = pcall(require, 'torch.cuda_core')
      assert.is_true(ok, tostring(core))
      assert.are.equal('function', type(core.init))
    end
  end)

  it('keeps torch.backends.cuda.matmul.allow_tf32', function()
    local m = torch.backends.cuda.matmul
    assert.is_false(m.allow_tf32)
    m.allow_tf32 = true
    assert.is_true(m.allow_tf32)
    m.allow_tf32 = false
    assert.is_false(m.allow_tf32)
    assert.are.equal('[backends.cuda.matmul] allow_tf32 must be a boolean, got number', err(function() m.allow_tf32 = 1 end))
    assert.are.equal('[backends.cuda.matmul] unknown setting "allow_fp16"', err(function() m.allow_fp16 = true end))
  end)

  it('says why CUDA is unavailable', function()
    if available then return end
    assert.is_false(available)
    assert.are.equal('string', type(reason))
    assert.is_true(#reason > 10, reason)
    assert.are.equal(0, torch.cuda.device_count())
    assert.are.equal('[to] cannot move a tensor from cpu to cuda:0: CUDA is not available: ' .. reason,
      err(function() return torch.zeros(2):to('cuda') end))
    assert.are.equal('[zeros] CUDA is not available: ' .. reason,
      err(function() return torch.zeros(2, { device = 'cuda' }) end))
    assert.are.equal('[ones] pin_memory=true needs CUDA, which is not available: ' .. reason,
      err(function() return torch.ones(2, { pin_memory = true }) end))
    assert.are.equal('[pin_memory] CUDA is not available: ' .. reason,
      err(function() return torch.ones(2):pin_memory() end))
    assert.are.equal('[Stream] CUDA is not available: ' .. reason, err(function() return torch.cuda.Stream() end))
    assert.is_false(torch.ones(2):is_pinned())
    package.loaded.cutorch = nil
    local ok, msg = pcall(require, 'cutorch')
    assert.is_false(ok)
    assert.is_true(msg:find('cutorch: CUDA is not available: ' .. reason, 1, true) ~= nil, msg)
    torch.cuda.manual_seed_all(1) -- a no-op without CUDA, as in PyTorch
  end)
end)
