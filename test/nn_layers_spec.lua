-- The layers: convolutions, poolings, batch/layer/group norm, dropout, embedding, recurrent
-- layers and cells, multi-head attention and the transformer encoder, against PyTorch 1.13.
--
-- Every case seeds the generator, builds the module (its default initialisation draws the
-- same numbers as PyTorch's), draws the input and the output gradient with torch.randn, and
-- compares weights, outputs and gradients with PyTorch's (the table E at the end of this
-- file, printed by PyTorch 1.13 from the same calls: the Python of each case is quoted next
-- to it).  1-based differences: max-pool indices are PyTorch's + 1, padding_idx is 1-based,
-- ModuleList children are named from 1.
local torch = require 'torch'
local nn = require 'nn'

local E -- expected values (end of file)

-- ---------------------------------------------------------------------------- helpers
local H = dofile('test/spec_helpers.lua')
local flat = H.values
-- a NaN fails; expected booleans are not compared
local close = H.close_within({ tol = 1e-5, digits = 10, nan_fails = true })
local err = H.err

local function keys(m) return m:state_dict():keys() end

local function shape(t) return t:size():totable() end

-- forward with a leaf copy of x, backward with a randn gradient drawn after the forward
local function fb(m, x)
  x = x:clone():requires_grad_(true)
  local y = m(x)
  y:backward(torch.randn(y:size()))
  return x, y
end

local randn = torch.randn

-- ---------------------------------------------------------------------------- convolution
describe('nn.Conv2d', function()
  it("has PyTorch's weights, output and gradients", function()
    -- torch.manual_seed(0); m = nn.Conv2d(2, 3, 3, stride=2, padding=1); x = torch.randn(2, 2, 5, 5)
    local e = E.conv2d
    torch.manual_seed(0)
    local m = nn.Conv2d(2, 3, 3, { stride = 2, padding = 1 })
    local x, y = fb(m, randn(2, 2, 5, 5))
    close(m.weight[1][1], e.w); close(m.bias, e.b)
    close(y, e.y); close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    assert.are.same({ 3, 2, 3, 3 }, shape(m.weight))
  end)

  it("padding 'same' with dilation and groups, no bias", function()
    -- torch.manual_seed(1); nn.Conv2d(4, 6, (3, 2), padding='same', dilation=(2, 1), groups=2, bias=False)
    local e = E.conv2d_same
    torch.manual_seed(1)
    local m = nn.Conv2d(4, 6, { 3, 2 }, { padding = 'same', dilation = { 2, 1 }, groups = 2, bias = false })
    local x, y = fb(m, randn(1, 4, 5, 4))
    close(m.weight[2][2], e.w); close(y, e.y); close(x.grad, e.gx); close(m.weight.grad, e.gw)
    assert.are.equal(e.repr, tostring(m))
    assert.is_nil(m.bias)
    assert.are.same({ 'weight' }, keys(m))
  end)

  it('padding modes reflect, replicate, circular', function()
    -- torch.manual_seed(2 + i); nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode=mode); x = torch.randn(1, 2, 4, 5)
    for i, mode in ipairs({ 'reflect', 'replicate', 'circular' }) do
      local e = E['conv2d_' .. mode]
      torch.manual_seed(1 + i)
      local m = nn.Conv2d(2, 2, 3, 1, { 1, 2 }, { padding_mode = mode })
      local x, y = fb(m, randn(1, 2, 4, 5))
      close(y, e.y); close(x.grad, e.gx)
      assert.are.equal(e.repr, tostring(m))
    end
    -- torch.manual_seed(5); nn.Conv2d(2, 2, 3, padding='same', padding_mode='reflect'); unbatched (2, 4, 4)
    torch.manual_seed(5)
    local m = nn.Conv2d(2, 2, 3, { padding = 'same', padding_mode = 'reflect' })
    local x, y = fb(m, randn(2, 4, 4))
    close(y, E.conv2d_same_reflect.y); close(x.grad, E.conv2d_same_reflect.gx)
  end)

  it("padding 'valid'", function()
    local m = nn.Conv2d(1, 1, 3, { padding = 'valid' })
    assert.are.equal('Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=valid)', tostring(m))
    assert.are.same({ 1, 3, 3 }, shape(m(torch.randn(1, 5, 5))))
  end)

  it('takes positional arguments, float64 and non-contiguous input', function()
    torch.manual_seed(0)
    local m = nn.Conv2d(2, 3, 3, 2, 1)
    local x = randn(2, 2, 5, 5)
    close(m(x), E.conv2d.y)
    close(m(x:transpose(3, 4):contiguous():transpose(3, 4)), E.conv2d.y)
    m:double()
    assert.are.equal(torch.float64, m(x:double()).dtype)
    close(m(x:double()), E.conv2d.y)
  end)

  it('refuses bad arguments and inputs, naming the module', function()
    assert.are.equal('[Conv2d] in_channels (3) must be divisible by groups (2)', err(nn.Conv2d, 3, 4, 3, { groups = 2 }))
    assert.are.equal('[Conv2d] out_channels (3) must be divisible by groups (2)', err(nn.Conv2d, 4, 3, 3, { groups = 2 }))
    assert.are.equal("[Conv2d] padding='same' is not supported for strided convolutions",
      err(nn.Conv2d, 1, 1, 3, { stride = 2, padding = 'same' }))
    assert.are.equal("[Conv2d] invalid padding string 'full', should be one of 'same', 'valid'",
      err(nn.Conv2d, 1, 1, 3, { padding = 'full' }))
    assert.are.equal("[Conv2d] padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got padding_mode='wrap'",
      err(nn.Conv2d, 1, 1, 3, { padding_mode = 'wrap' }))
    assert.are.equal("[Conv2d] unknown option 'strides'", err(nn.Conv2d, 1, 1, 3, { strides = 2 }))
    assert.are.equal('[Conv2d] kernel_size must be an integer or a table of 2 integers, got 3 values',
      err(nn.Conv2d, 1, 1, { 3, 3, 3 }))
    local m = nn.Conv2d(3, 4, 3)
    assert.are.equal('[Conv2d] expected input with 3 channels (dim 2), got shape (1, 2, 5, 5)', err(m, torch.zeros(1, 2, 5, 5)))
    assert.are.equal('[Conv2d] expected 3-D (unbatched) or 4-D (batched) input, got shape (3, 5)', err(m, torch.zeros(3, 5)))
    assert.are.equal('[Conv2d] expected input of dtype float32 (the dtype of the weight), got float64',
      err(m, torch.zeros(1, 3, 5, 5, { dtype = torch.float64 })))
    assert.are.equal('[Conv2d] expected a Tensor as input, got nil', err(m))
    assert.is_truthy(err(m, torch.zeros(1, 3, 2, 2)):match('^%[Conv2d%]'))
    local r = nn.Conv2d(1, 1, 3, { padding = 3, padding_mode = 'reflect' })
    assert.is_truthy(err(r, torch.zeros(1, 1, 3, 3)):match('^%[Conv2d%] padding size should be less than'))
  end)
end)

describe('nn.Conv1d', function()
  it("has PyTorch's weights, output and gradients", function()
    -- torch.manual_seed(6); nn.Conv1d(4, 2, 3, stride=2, padding=1, groups=2); x = torch.randn(2, 4, 7)
    local e = E.conv1d
    torch.manual_seed(6)
    local m = nn.Conv1d(4, 2, 3, { stride = 2, padding = 1, groups = 2 })
    local x, y = fb(m, randn(2, 4, 7))
    close(m.weight, e.w); close(m.bias, e.b); close(y, e.y)
    close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    assert.are.equal('[Conv1d] expected 2-D (unbatched) or 3-D (batched) input, got shape (4,)', err(m, torch.zeros(4)))
  end)
end)

describe('nn.ConvTranspose2d', function()
  it("has PyTorch's weights, output and gradients", function()
    -- torch.manual_seed(7); nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2)
    local e = E.convt2d
    torch.manual_seed(7)
    local m = nn.ConvTranspose2d(2, 4, 3, 2, 1, 1, 2)
    local x, y = fb(m, randn(1, 2, 3, 3))
    assert.are.same({ 2, 2, 3, 3 }, shape(m.weight))
    close(m.weight[2][1], e.w); close(m.bias, e.b); close(y, e.y)
    close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
  end)

  it('output_size picks the output padding; dilation', function()
    -- torch.manual_seed(8); m = nn.ConvTranspose2d(3, 2, (2, 3), stride=(2, 1), dilation=2, bias=False)
    -- x = torch.randn(3, 3, 4); m(x, output_size=[7, 8]); m(x)
    local e = E.convt2d_size
    torch.manual_seed(8)
    local m = nn.ConvTranspose2d(3, 2, { 2, 3 }, { stride = { 2, 1 }, dilation = 2, bias = false })
    local x = randn(3, 3, 4)
    local y = m(x, { 7, 8 })
    assert.are.same(e.shape, shape(y))
    close(y:sum(), e.s)
    assert.are.same(e.shape2, shape(m(x)))
    assert.are.equal(e.repr, tostring(m))
    assert.are.equal('[ConvTranspose2d] requested an output size of (9, 8), but valid sizes range from 7 to 8 (for an input of shape (3, 3, 4))',
      err(m, x, { 9, 8 }))
    assert.are.equal("[ConvTranspose2d] only 'zeros' padding mode is supported for ConvTranspose2d",
      err(nn.ConvTranspose2d, 1, 1, 3, { padding_mode = 'reflect' }))
  end)
end)

describe('nn.ConvTranspose1d', function()
  it("has PyTorch's output and gradients", function()
    -- torch.manual_seed(9); nn.ConvTranspose1d(2, 3, 3, stride=2); x = torch.randn(1, 2, 4)
    local e = E.convt1d
    torch.manual_seed(9)
    local m = nn.ConvTranspose1d(2, 3, 3, 2)
    local x, y = fb(m, randn(1, 2, 4))
    close(y, e.y); close(x.grad, e.gx); close(m.weight.grad, e.gw)
    assert.are.equal(e.repr, tostring(m))
  end)
end)

-- ---------------------------------------------------------------------------- pooling
describe('nn.MaxPool2d', function()
  it('returns 1-based indices with return_indices, ceil_mode, gradients', function()
    -- torch.manual_seed(10); x = torch.randn(1, 2, 5, 5)
    -- nn.MaxPool2d(2, stride=2, ceil_mode=True, return_indices=True)
    local e = E.maxpool2d
    torch.manual_seed(10)
    local x0 = randn(1, 2, 5, 5)
    local m = nn.MaxPool2d(2, { stride = 2, ceil_mode = true, return_indices = true })
    local x = x0:clone():requires_grad_(true)
    local y, idx = m(x)
    y:backward(randn(y:size()))
    close(y, e.y); assert.are.same(e.idx, flat(idx)); close(x.grad, e.gx)
    assert.are.equal(torch.int64, idx.dtype)
    assert.are.equal(e.repr, tostring(m))
    -- nn.MaxPool2d((3, 2), stride=(1, 2), padding=1, dilation=(1, 2))
    local m2 = nn.MaxPool2d({ 3, 2 }, { 1, 2 }, 1, { 1, 2 })
    local y2 = m2(x0)
    assert.are.same(E.maxpool2d_b.shape, shape(y2))
    close(y2, E.maxpool2d_b.y)
    assert.are.equal(E.maxpool2d_b.repr, tostring(m2))
    assert.is_nil(select(2, nn.MaxPool2d(2)(x0)))
  end)

  it('refuses bad inputs', function()
    local m = nn.MaxPool2d(2)
    assert.are.equal('[MaxPool2d] expected 3-D (unbatched) or 4-D (batched) input, got shape (4, 4)', err(m, torch.zeros(4, 4)))
    assert.are.equal('[MaxPool2d] expected a floating point input, got int64',
      err(m, torch.zeros(1, 4, 4, { dtype = torch.int64 })))
    assert.are.equal('[MaxPool2d] kernel_size must hold positive integers, got 0', err(nn.MaxPool2d, 0))
    assert.is_truthy(err(nn.MaxPool2d(4, { padding = 3 }), torch.zeros(1, 8, 8)):match('^%[MaxPool2d%]'))
  end)
end)

describe('nn.MaxPool1d', function()
  it("has PyTorch's output and gradient", function()
    -- torch.manual_seed(11); nn.MaxPool1d(3, stride=2, padding=1); x = torch.randn(2, 3, 7)
    torch.manual_seed(11)
    local m = nn.MaxPool1d(3, 2, 1)
    local x, y = fb(m, randn(2, 3, 7))
    close(y, E.maxpool1d.y); close(x.grad, E.maxpool1d.gx)
    assert.are.equal(E.maxpool1d.repr, tostring(m))
  end)
end)

describe('nn.AvgPool2d', function()
  it('count_include_pad = false, ceil_mode, divisor_override', function()
    -- torch.manual_seed(12); nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)
    -- x = torch.randn(1, 2, 6, 5); then nn.AvgPool2d((2, 3), divisor_override=2)(x)
    local e = E.avgpool2d
    torch.manual_seed(12)
    local m = nn.AvgPool2d(3, { stride = 2, padding = 1, count_include_pad = false, ceil_mode = true })
    local x, y = fb(m, randn(1, 2, 6, 5))
    close(y, e.y); close(x.grad, e.gx)
    assert.are.equal(e.repr, tostring(m))
    local m2 = nn.AvgPool2d({ 2, 3 }, { divisor_override = 2 })
    close(m2(x:detach()), E.avgpool2d_div.y)
    assert.are.equal(E.avgpool2d_div.repr, tostring(m2))
  end)
end)

describe('nn.AvgPool1d', function()
  it("has PyTorch's output, gradient and repr", function()
    -- torch.manual_seed(13); nn.AvgPool1d(2); x = torch.randn(2, 5)
    torch.manual_seed(13)
    local m = nn.AvgPool1d(2)
    local x, y = fb(m, randn(2, 5))
    close(y, E.avgpool1d.y); close(x.grad, E.avgpool1d.gx)
    assert.are.equal(E.avgpool1d.repr, tostring(m))
  end)
end)

describe('nn.AdaptiveAvgPool2d', function()
  it('output sizes, false keeps the input size (None)', function()
    -- torch.manual_seed(14); nn.AdaptiveAvgPool2d((2, 3)); x = torch.randn(2, 2, 5, 7)
    torch.manual_seed(14)
    local m = nn.AdaptiveAvgPool2d({ 2, 3 })
    local x, y = fb(m, randn(2, 2, 5, 7))
    close(y, E.adaptive2d.y); close(x.grad, E.adaptive2d.gx)
    assert.are.equal(E.adaptive2d.repr, tostring(m))
    local m2 = nn.AdaptiveAvgPool2d({ false, 2 })
    local y2 = m2(x:detach())
    assert.are.same(E.adaptive2d_none.shape, shape(y2))
    close(y2, E.adaptive2d_none.y)
    assert.are.equal(E.adaptive2d_none.repr, tostring(m2))
    -- nn.AdaptiveAvgPool1d(3)(x[0])
    local m3 = nn.AdaptiveAvgPool1d(3)
    close(m3(x:detach()[1]), E.adaptive1d.y)
    assert.are.equal(E.adaptive1d.repr, tostring(m3))
    assert.are.equal('[AdaptiveAvgPool2d] output_size must be an integer or a table of 2 values, got 3 values',
      err(nn.AdaptiveAvgPool2d, { 1, 2, 3 }))
  end)
end)

-- ---------------------------------------------------------------------------- normalisation
describe('nn.BatchNorm1d', function()
  it('train: batch statistics, running stats, counter; eval: running stats', function()
    -- torch.manual_seed(15); m = nn.BatchNorm1d(3); weight [1.5, -0.5, 2], bias [0.1, 0.2, -0.3]
    -- x1 = torch.randn(4, 3); x2 = torch.randn(4, 3, 2); y1 = m(x1), backward; y2 = m(x2);
    -- m.eval(); y3 = m(x1)
    local e = E.bn1d
    torch.manual_seed(15)
    local m = nn.BatchNorm1d(3)
    torch.no_grad(function()
      m.weight:copy_(torch.tensor({ 1.5, -0.5, 2.0 }))
      m.bias:copy_(torch.tensor({ 0.1, 0.2, -0.3 }))
    end)
    local x1, x2 = randn(4, 3), randn(4, 3, 2)
    local x = x1:clone():requires_grad_(true)
    local y1 = m(x)
    y1:backward(randn(4, 3))
    close(y1, e.y1); close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    close(m(x2), e.y2)
    close(m.running_mean, e.rm); close(m.running_var, e.rv)
    assert.are.equal(2, m.num_batches_tracked:item())
    assert.are.equal(torch.int64, m.num_batches_tracked.dtype)
    m:eval()
    close(m(x1), e.y3)
    assert.are.equal(2, m.num_batches_tracked:item())
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    assert.are.equal(3, #m:buffers())
  end)

  it('refuses bad inputs without changing the running stats', function()
    local m = nn.BatchNorm1d(3)
    assert.are.equal('[BatchNorm1d] expected 2-D or 3-D input, got shape (3,)', err(m, torch.zeros(3)))
    assert.are.equal('[BatchNorm1d] expected input with 3 features (dim 2), got shape (4, 2)', err(m, torch.zeros(4, 2)))
    assert.are.equal('[BatchNorm1d] expected more than 1 value per channel when training, got input of shape (1, 3)',
      err(m, torch.ones(1, 3)))
    assert.are.equal(0, m.num_batches_tracked:item())
    close(m.running_mean, { 0, 0, 0 })
    local na = nn.BatchNorm1d(2, { affine = false })
    assert.are.equal('[BatchNorm1d] expected input of dtype float32 (the dtype of the running stats), got float64',
      err(na, torch.randn(4, 2, { dtype = torch.float64 })))
    assert.are.equal(0, na.num_batches_tracked:item())
    m:eval()
    close(m(torch.ones(1, 3)), { 0.999995, 0.999995, 0.999995 })
  end)
end)

describe('nn.BatchNorm2d', function()
  it('momentum = nil (cumulative average), affine = false', function()
    -- torch.manual_seed(16); m = nn.BatchNorm2d(2, eps=1e-3, momentum=None, affine=False);
    -- three batches torch.randn(2, 2, 3, 3)
    local e = E.bn2d_cma
    torch.manual_seed(16)
    local m = nn.BatchNorm2d(2, { eps = 1e-3, momentum = false, affine = false })
    local xs = { randn(2, 2, 3, 3), randn(2, 2, 3, 3), randn(2, 2, 3, 3) }
    local y
    for _, xi in ipairs(xs) do y = m(xi) end
    close(y, e.y); close(m.running_mean, e.rm); close(m.running_var, e.rv)
    assert.are.equal(3, m.num_batches_tracked:item())
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    assert.are.same({}, m:parameters())
    -- nn.BatchNorm2d(2, track_running_stats=False, momentum=0.3).eval()(xs[0]): batch statistics
    local m2 = nn.BatchNorm2d(2, nil, 0.3, nil, false):eval()
    close(m2(xs[1]), E.bn2d_nostats.y)
    assert.are.equal(E.bn2d_nostats.repr, tostring(m2))
    assert.are.same(E.bn2d_nostats.keys, keys(m2))
    assert.is_nil(m2.running_mean)
    assert.are.equal('[BatchNorm2d] expected 4-D input, got shape (2, 2, 3)', err(m, torch.zeros(2, 2, 3)))
  end)

  it('reset_running_stats and train/eval', function()
    local m = nn.BatchNorm2d(1)
    m(torch.arange(8, { dtype = torch.float32 }):view(2, 1, 2, 2))
    close(m.running_mean, { 0.35 })
    m:reset_running_stats()
    close(m.running_mean, { 0 }); close(m.running_var, { 1 })
    assert.are.equal(0, m.num_batches_tracked:item())
  end)
end)

describe('nn.LayerNorm', function()
  it("has PyTorch's output and gradients", function()
    -- torch.manual_seed(17); m = nn.LayerNorm((3, 4), eps=1e-4); weight, bias normal_(); x = torch.randn(2, 3, 4)
    local e = E.layernorm
    torch.manual_seed(17)
    local m = nn.LayerNorm({ 3, 4 }, { eps = 1e-4 })
    torch.no_grad(function() m.weight:normal_(); m.bias:normal_() end)
    local x, y = fb(m, randn(2, 3, 4))
    close(y, e.y); close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    local m2 = nn.LayerNorm(4, { elementwise_affine = false })
    close(m2(x:detach()), E.layernorm_noaffine.y)
    assert.are.equal(E.layernorm_noaffine.repr, tostring(m2))
    assert.are.same({}, keys(m2))
    assert.are.equal('[LayerNorm] expected input with trailing dimensions (3, 4), got shape (2, 4, 3)',
      err(m, torch.zeros(2, 4, 3)))
    assert.are.equal(tostring(nn.LayerNorm(torch.Size({ 3, 4 }), 1e-4)), e.repr)
  end)
end)

describe('nn.GroupNorm', function()
  it("has PyTorch's output and gradients", function()
    -- torch.manual_seed(18); m = nn.GroupNorm(2, 4); weight, bias normal_(); x = torch.randn(2, 4, 3)
    local e = E.groupnorm
    torch.manual_seed(18)
    local m = nn.GroupNorm(2, 4)
    torch.no_grad(function() m.weight:normal_(); m.bias:normal_() end)
    local x, y = fb(m, randn(2, 4, 3))
    close(y, e.y); close(x.grad, e.gx); close(m.weight.grad, e.gw); close(m.bias.grad, e.gb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
    local m2 = nn.GroupNorm(1, 4, 1e-3, false)
    close(m2(x:detach()), E.groupnorm_noaffine.y)
    assert.are.equal(E.groupnorm_noaffine.repr, tostring(m2))
    assert.are.equal('[GroupNorm] num_channels (4) must be divisible by num_groups (3)', err(nn.GroupNorm, 3, 4))
    assert.are.equal('[GroupNorm] expected input of shape (N, 4, ...), got shape (2, 3, 3)', err(m, torch.zeros(2, 3, 3)))
  end)
end)

-- ---------------------------------------------------------------------------- dropout
describe('nn.Dropout', function()
  it("draws PyTorch's mask in training, is the identity in eval", function()
    -- torch.manual_seed(19); nn.Dropout(0.3)(torch.ones(4, 5))
    torch.manual_seed(19)
    local m = nn.Dropout(0.3)
    close(m(torch.ones(4, 5)), E.dropout.y)
    assert.are.equal(E.dropout.repr, tostring(m))
    assert.are.equal(E.dropout.repr2, tostring(nn.Dropout({ p = 0.2, inplace = true })))
    m:eval()
    local x = torch.ones(3)
    assert.is_true(rawequal(x, m(x)))
    m:train()
    local t = torch.ones(100)
    local z = nn.Dropout(0.5, true)(t)
    assert.is_true(rawequal(z, t))
    assert.is_true(t:eq(0):sum():item() > 0)
    assert.are.equal('[Dropout] dropout probability has to be between 0 and 1, but got 1.5', err(nn.Dropout, 1.5))
    close(nn.Dropout(1)(torch.ones(3)), { 0, 0, 0 })
  end)

  it('passes gradients through the kept elements', function()
    torch.manual_seed(3)
    local x = torch.ones(10, { requires_grad = true })
    local y = nn.Dropout(0.4)(x)
    y:sum():backward()
    close(x.grad, y:detach())
  end)
end)

-- ---------------------------------------------------------------------------- embedding
describe('nn.Embedding', function()
  it('N(0, 1) weights, a zero padding row without gradient, 1-based indices', function()
    -- torch.manual_seed(20); m = nn.Embedding(5, 3, padding_idx=1); m(torch.tensor([[0, 1, 4], [1, 3, 0]]))
    local e = E.embedding
    torch.manual_seed(20)
    local m = nn.Embedding(5, 3, 2)
    close(m.weight, e.w)
    local y = m(torch.tensor({ { 1, 2, 5 }, { 2, 4, 1 } }))
    y:backward(randn(y:size()))
    close(y, e.y); close(m.weight.grad, e.gw)
    assert.are.equal('Embedding(5, 3, padding_idx=2)', tostring(m)) -- PyTorch: padding_idx=1 (0-based)
    assert.are.same(e.keys, keys(m))
    -- PyTorch: nn.Embedding(6, 2, padding_idx=-2) prints padding_idx=4 (0-based)
    assert.are.equal('Embedding(6, 2, padding_idx=5)', tostring(nn.Embedding(6, 2, { padding_idx = -2 })))
  end)

  it('max_norm renormalises the looked-up rows in place', function()
    -- torch.manual_seed(21); m = nn.Embedding(4, 3, max_norm=1.0, norm_type=1.5, scale_grad_by_freq=True)
    -- m(torch.tensor([0, 2, 0]))
    local e = E.embedding_maxnorm
    torch.manual_seed(21)
    local m = nn.Embedding(4, 3, { max_norm = 1.0, norm_type = 1.5, scale_grad_by_freq = true })
    close(m(torch.tensor({ 1, 3, 1 })), e.y)
    close(m.weight, e.w)
    assert.are.equal(e.repr, tostring(m))
  end)

  it('from_pretrained shares the tensor and freezes it', function()
    local w = torch.tensor({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, { dtype = torch.float32 })
    local m = nn.Embedding.from_pretrained(w)
    close(m(torch.tensor({ 3, 1 })), { 5, 6, 1, 2 })
    assert.is_false(m.weight.requires_grad)
    assert.are.equal(w:data_ptr(), m.weight:data_ptr())
    local m2 = nn.Embedding.from_pretrained(w, { freeze = false, padding_idx = 1 })
    assert.is_true(m2.weight.requires_grad)
    assert.are.equal('Embedding(3, 2, padding_idx=1)', tostring(m2))
    assert.are.equal('[Embedding.from_pretrained] embeddings parameter is expected to be 2-dimensional, got (3,)',
      err(nn.Embedding.from_pretrained, torch.zeros(3)))
  end)

  it('refuses bad indices and arguments', function()
    local m = nn.Embedding(3, 2)
    assert.is_truthy(err(m, torch.tensor({ 4 })):match('^%[Embedding%]'))
    assert.is_truthy(err(m, torch.tensor({ 0 })):match('^%[Embedding%]'))
    assert.are.equal('[Embedding] expected indices of an integer dtype (int64 or int32), got float32',
      err(m, torch.zeros(2)))
    assert.are.equal('[Embedding] padding_idx must be within num_embeddings (1 .. 3, or -3 .. -1), got 4',
      err(nn.Embedding, 3, 2, 4))
    assert.are.equal('[Embedding] sparse gradients are not supported', err(nn.Embedding, 3, 2, { sparse = true }))
  end)
end)

-- ---------------------------------------------------------------------------- recurrent
-- out, h = m(x [, hx]); loss = (out * g).sum() + (h * gh).sum() with g, gh = randn after the forward
local function rnn_case(e, m, x, h0, c0)
  x = x:clone():requires_grad_(true)
  local out, h, c
  if c0 ~= nil then out, h, c = m(x, { h0, c0 })
  elseif h0 ~= nil then out, h, c = m(x, h0)
  else out, h, c = m(x) end
  local g = randn(out:size())
  local gh = randn(h:size())
  local loss = (out * g):sum() + (h * gh):sum()
  loss:backward()
  close(out, e.out); close(h, e.hn)
  if e.cn then close(c, e.cn) end
  close(x.grad, e.gx)
  local names = {}
  for n in m:named_parameters() do names[#names + 1] = n end
  assert.are.same(e.keys, names)
  assert.are.same(e.keys, keys(m))
  local ps = m:parameters()
  close(ps[1]:reshape(-1):narrow(1, 1, 4), e.w_first)
  local last = ps[#ps]:reshape(-1)
  close(last:narrow(1, last:numel() - 3, 4), e.w_last)
  close(ps[1].grad, e.gw_first); close(ps[#ps].grad, e.gb_last)
  assert.are.equal(e.repr, tostring(m))
end

describe('nn.RNN', function()
  it('tanh, two layers, bidirectional', function()
    -- torch.manual_seed(22); nn.RNN(3, 4, num_layers=2, bidirectional=True); x = torch.randn(5, 2, 3)
    torch.manual_seed(22)
    local m = nn.RNN(3, 4, 2, { bidirectional = true })
    rnn_case(E.rnn_tanh, m, randn(5, 2, 3))
  end)

  it('relu, no bias, batch_first, given h0', function()
    -- torch.manual_seed(23); nn.RNN(3, 4, nonlinearity='relu', bias=False, batch_first=True)
    -- x = torch.randn(2, 4, 3); h0 = torch.randn(1, 2, 4)
    torch.manual_seed(23)
    local m = nn.RNN(3, 4, { nonlinearity = 'relu', bias = false, batch_first = true })
    rnn_case(E.rnn_relu, m, randn(2, 4, 3), randn(1, 2, 4))
  end)

  it('refuses bad inputs and states', function()
    local m = nn.RNN(3, 4)
    assert.are.equal('[RNN] expected input with last dimension 3 (input_size), got shape (5, 2, 2)', err(m, torch.zeros(5, 2, 2)))
    assert.are.equal('[RNN] expected input of 2 (unbatched) or 3 (batched) dimensions, got shape (3,)', err(m, torch.zeros(3)))
    assert.are.equal('[RNN] expected h0 of shape (1, 2, 4), got (2, 2, 4)', err(m, torch.zeros(5, 2, 3), torch.zeros(2, 2, 4)))
    assert.are.equal('[RNN] for batched 3-D input, h0 should also be 3-D, got shape (2, 4)',
      err(m, torch.zeros(5, 2, 3), torch.zeros(2, 4)))
    assert.are.equal("[RNN] unknown nonlinearity 'sigmoid' (expected 'tanh' or 'relu')",
      err(nn.RNN, 3, 4, { nonlinearity = 'sigmoid' }))
    assert.are.equal('[RNN] proj_size argument is only supported for LSTM, not RNN or GRU', err(nn.RNN, 3, 4, { proj_size = 2 }))
    assert.are.equal('[RNN] dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got 2',
      err(nn.RNN, 3, 4, 2, true, false, 2))
  end)
end)

describe('nn.LSTM', function()
  it('two layers, batch_first, given h0 and c0', function()
    -- torch.manual_seed(24); nn.LSTM(3, 5, num_layers=2, batch_first=True)
    -- x = torch.randn(2, 4, 3); (h0, c0) = torch.randn(2, 2, 5), torch.randn(2, 2, 5)
    torch.manual_seed(24)
    local m = nn.LSTM(3, 5, 2, true, true)
    rnn_case(E.lstm, m, randn(2, 4, 3), randn(2, 2, 5), randn(2, 2, 5))
  end)

  it('unbatched input, bidirectional, proj_size', function()
    -- torch.manual_seed(25); nn.LSTM(3, 4, bidirectional=True, proj_size=2); x = torch.randn(4, 3)
    torch.manual_seed(25)
    local m = nn.LSTM(3, 4, { bidirectional = true, proj_size = 2 })
    rnn_case(E.lstm_proj, m, randn(4, 3))
  end)

  it('takes the state as two arguments too; refuses half a state', function()
    torch.manual_seed(24)
    local m = nn.LSTM(3, 5, 2, true, true)
    local x, h0, c0 = randn(2, 4, 3), randn(2, 2, 5), randn(2, 2, 5)
    local out = m(x, h0, c0)
    close(out, E.lstm.out)
    assert.are.equal('[LSTM] expected c0 of shape (2, 2, 5), got (2, 2, 4)', err(m, x, h0, torch.zeros(2, 2, 4)))
    assert.are.equal('[LSTM] expected both h0 and c0, or neither', err(m, x, h0))
    assert.are.equal('[LSTM] proj_size has to be smaller than hidden_size', err(nn.LSTM, 3, 4, { proj_size = 4 }))
  end)
end)

describe('nn.GRU', function()
  it('two layers, bidirectional, given h0', function()
    -- torch.manual_seed(26); nn.GRU(3, 4, num_layers=2, bidirectional=True)
    -- x = torch.randn(4, 2, 3); h0 = torch.randn(4, 2, 4)
    torch.manual_seed(26)
    local m = nn.GRU(3, 4, 2, { bidirectional = true })
    rnn_case(E.gru, m, randn(4, 2, 3), randn(4, 2, 4))
  end)

  it("dropout between layers draws PyTorch's masks in training only", function()
    -- torch.manual_seed(27); m = nn.GRU(2, 3, num_layers=3, dropout=0.5); x = torch.randn(4, 2, 2)
    -- out, h = m(x); m.eval(); out2 = m(x)
    local e = E.gru_dropout
    torch.manual_seed(27)
    local m = nn.GRU(2, 3, 3, { dropout = 0.5 })
    local x = randn(4, 2, 2)
    local out, h = m(x)
    close(out, e.out); close(h, e.hn)
    m:eval()
    close(m(x), e.out_eval)
    assert.are.equal(e.repr, tostring(m))
  end)

  it('float64 gradients check numerically', function()
    torch.manual_seed(4)
    local m = nn.GRU(2, 2, { bidirectional = true }):double()
    local x = randn(3, 1, 2, { dtype = torch.float64, requires_grad = true })
    assert.is_true(torch.autograd.gradcheck(function(t) return (m(t)) end, { x }))
    local l = nn.LSTM(2, 2):double()
    assert.is_true(torch.autograd.gradcheck(function(t) return (l(t)) end, { x }))
  end)
end)

describe('nn.LSTMCell, nn.GRUCell, nn.RNNCell', function()
  it("compute one step as PyTorch's", function()
    -- torch.manual_seed(28); c = nn.LSTMCell(3, 4); x = torch.randn(2, 3)
    -- h, c = c(x, (torch.randn(2, 4), torch.randn(2, 4))); (h.sum() + 2 * c.sum()).backward()
    torch.manual_seed(28)
    local cell = nn.LSTMCell(3, 4)
    local x = randn(2, 3):requires_grad_(true)
    local h, c = cell(x, { randn(2, 4), randn(2, 4) })
    local loss = h:sum() + c:sum() * 2
    loss:backward()
    close(h, E.lstmcell.h); close(c, E.lstmcell.c); close(x.grad, E.lstmcell.gx)
    assert.are.equal(E.lstmcell.repr, tostring(cell))
    assert.are.same(E.lstmcell.keys, keys(cell))
    -- torch.manual_seed(29); c = nn.GRUCell(3, 4, bias=False); x = torch.randn(3); h = c(x, torch.randn(4))
    torch.manual_seed(29)
    local g = nn.GRUCell(3, 4, false)
    local xg = randn(3):requires_grad_(true)
    local hg = g(xg, randn(4))
    hg:sum():backward()
    close(hg, E.grucell.h); close(xg.grad, E.grucell.gx)
    assert.are.equal(E.grucell.repr, tostring(g))
    -- torch.manual_seed(30); c = nn.RNNCell(3, 2, nonlinearity='relu'); c(torch.randn(4, 3))
    torch.manual_seed(30)
    local r = nn.RNNCell(3, 2, { nonlinearity = 'relu' })
    close(r(randn(4, 3)), E.rnncell.h)
    assert.are.equal(E.rnncell.repr, tostring(r))
    assert.are.equal('[RNNCell] expected input of shape (N, 3) or (3,), got (2, 2)', err(r, torch.zeros(2, 2)))
  end)
end)

-- ---------------------------------------------------------------------------- attention
describe('nn.MultiheadAttention', function()
  it("self-attention: PyTorch's weights, outputs and gradients", function()
    -- torch.manual_seed(31); m = nn.MultiheadAttention(4, 2); x = torch.randn(3, 2, 4)
    -- out, w = m(x, x, x); ((out * randn).sum() + (w * randn).sum()).backward()
    local e = E.mha
    torch.manual_seed(31)
    local m = nn.MultiheadAttention(4, 2)
    local x = randn(3, 2, 4):requires_grad_(true)
    local out, w = m(x, x, x)
    local g = randn(out:size())
    local loss = (out * g):sum() + (w * randn(w:size())):sum()
    loss:backward()
    close(m.in_proj_weight:reshape(-1):narrow(1, 1, 6), e.ipw)
    close(m.out_proj.weight:reshape(-1):narrow(1, 1, 4), e.opw)
    close(out, e.out); close(w, e.w); close(x.grad, e.gx)
    close(m.in_proj_weight.grad, e.gipw); close(m.out_proj.bias.grad, e.gopb)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
  end)

  it('batch_first, boolean key padding and attention masks, per-head weights, float masks', function()
    -- torch.manual_seed(32); m = nn.MultiheadAttention(4, 2, batch_first=True); q = torch.randn(2, 3, 4)
    -- kv = torch.randn(2, 5, 4); m(q, kv, kv, key_padding_mask=kpm, attn_mask=am, average_attn_weights=False)
    -- then m(q, kv, torch.randn(2, 5, 4), attn_mask=torch.randn(3, 5))  (fm drawn first)
    torch.manual_seed(32)
    local m = nn.MultiheadAttention(4, 2, { batch_first = true })
    local q, kv = randn(2, 3, 4), randn(2, 5, 4)
    local kpm = torch.tensor({ { false, false, true, false, true }, { false, false, false, false, false } })
    local am = torch.tensor({ { false, true, false, false, false }, { false, false, false, true, false },
      { false, false, false, false, false } })
    local out, w = m(q, kv, kv, { key_padding_mask = kpm, attn_mask = am, average_attn_weights = false })
    close(out, E.mha_masks.out); close(w, E.mha_masks.w)
    assert.are.same({ 2, 2, 3, 5 }, shape(w))
    local fm = randn(3, 5)
    out, w = m(q, kv, randn(2, 5, 4), { attn_mask = fm })
    close(out, E.mha_float_mask.out); close(w, E.mha_float_mask.w)
  end)

  it('kdim/vdim, add_bias_kv, add_zero_attn, no bias, unbatched', function()
    -- torch.manual_seed(33); m = nn.MultiheadAttention(4, 1, kdim=3, vdim=2, add_bias_kv=True,
    -- add_zero_attn=True, bias=False); q = torch.randn(3, 4); k = torch.randn(2, 3); v = torch.randn(2, 2)
    local e = E.mha_kv
    torch.manual_seed(33)
    local m = nn.MultiheadAttention(4, 1, { kdim = 3, vdim = 2, add_bias_kv = true, add_zero_attn = true, bias = false })
    local q, k, v = randn(3, 4):requires_grad_(true), randn(2, 3), randn(2, 2)
    local out, w = m(q, k, v)
    out:sum():backward()
    close(m.q_proj_weight:reshape(-1):narrow(1, 1, 4), e.qw); close(m.bias_k, e.bk)
    close(out, e.out); close(w, e.w); close(q.grad, e.gq); close(m.bias_v.grad, e.gbv)
    assert.are.same(e.keys, keys(m))
    assert.are.equal(e.repr, tostring(m))
    assert.is_nil(m.in_proj_weight)
  end)

  it('dropout on the attention weights in training; need_weights = false', function()
    -- torch.manual_seed(34); m = nn.MultiheadAttention(4, 2, dropout=0.5); x = torch.randn(3, 1, 4)
    -- out, w = m(x, x, x); out2, _ = m(x, x, x, need_weights=False)
    torch.manual_seed(34)
    local m = nn.MultiheadAttention(4, 2, 0.5)
    local x = randn(3, 1, 4)
    local out, w = m(x, x, x)
    local out2, w2 = m(x, x, x, { need_weights = false })
    close(out, E.mha_dropout.out); close(w, E.mha_dropout.w); close(out2, E.mha_dropout.out2)
    assert.is_nil(w2)
    m:eval()
    local a = m(x, x, x)
    close(a, m(x, x, x))
  end)

  it('refuses bad shapes and masks', function()
    local m = nn.MultiheadAttention(4, 2)
    local x = torch.zeros(3, 2, 4)
    assert.are.equal('[MultiheadAttention] embed_dim (4) must be divisible by num_heads (3)', err(nn.MultiheadAttention, 4, 3))
    assert.are.equal('[MultiheadAttention] expected query of shape (L, N, 4), (N, L, 4) with batch_first or (L, 4), got (3, 2, 5)',
      err(m, torch.zeros(3, 2, 5), x, x))
    assert.are.equal('[MultiheadAttention] the shape of the 2-D attn_mask is (3, 2), but should be (3, 3)',
      err(m, x, x, x, { attn_mask = torch.zeros(3, 2) }))
    assert.are.equal('[MultiheadAttention] expecting key_padding_mask of shape (2, 3), got (2, 4)',
      err(m, x, x, x, { key_padding_mask = torch.zeros(2, 4, { dtype = torch.bool }) }))
    assert.are.equal("[MultiheadAttention] unknown option 'mask'", err(m, x, x, x, { mask = 1 }))
  end)
end)

describe('nn.TransformerEncoderLayer', function()
  it("post-norm: PyTorch's weights, output, gradients, tree and keys", function()
    -- torch.manual_seed(35); m = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0)
    -- x = torch.randn(3, 2, 4)
    local e = E.tel
    torch.manual_seed(35)
    local m = nn.TransformerEncoderLayer(4, 2, 6, 0.0)
    local x, y = fb(m, randn(3, 2, 4))
    close(m.linear1.weight:reshape(-1):narrow(1, 1, 4), e.l1w); close(m.linear2.bias, e.l2b)
    close(y, e.y); close(x.grad, e.gx)
    close(m.self_attn.in_proj_weight.grad:reshape(-1):narrow(1, 1, 8), e.gipw)
    close(m.linear1.bias.grad, e.gl1b); close(m.norm1.weight.grad, e.gn1w)
    assert.are.equal(e.repr, tostring(m))
    assert.are.same(e.keys, keys(m))
  end)

  it('gelu, norm_first, batch_first, masks; dropout in training only', function()
    -- torch.manual_seed(36); m = nn.TransformerEncoderLayer(4, 2, 8, 0.1, activation='gelu',
    -- norm_first=True, batch_first=True, layer_norm_eps=1e-6); x = torch.randn(2, 3, 4)
    -- y = m(x, src_mask=mask, src_key_padding_mask=kpm); m.eval(); y2 = the same
    local e = E.tel_gelu
    torch.manual_seed(36)
    local m = nn.TransformerEncoderLayer(4, 2, 8, 0.1, { activation = 'gelu', norm_first = true, batch_first = true,
      layer_norm_eps = 1e-6 })
    local x = randn(2, 3, 4)
    local kpm = torch.tensor({ { false, false, true }, { false, false, false } })
    local mask = torch.tensor({ { 0, -1, 0 }, { 0, 0, -2 }, { 0.5, 0, 0 } }, { dtype = torch.float32 })
    close(m(x, mask, kpm), e.y)
    m:eval()
    close(m(x, { src_mask = mask, src_key_padding_mask = kpm }), e.y2)
    assert.are.equal(e.repr, tostring(m))
  end)

  it('accepts an activation module or function; refuses bad input', function()
    local m = nn.TransformerEncoderLayer(4, 2, 8, 0, nn.ReLU())
    assert.are.equal(1, m.activation_relu_or_gelu)
    assert.is_truthy(tostring(m):find('(activation): ReLU()', 1, true))
    local f = nn.TransformerEncoderLayer(4, 2, 8, 0, function(t) return t:tanh() end)
    assert.are.same({ 3, 4 }, shape(f(torch.zeros(3, 4))))
    assert.are.equal('[TransformerEncoderLayer] activation should be relu/gelu, not tanh',
      err(nn.TransformerEncoderLayer, 4, 2, 8, 0, 'tanh'))
    assert.are.equal('[TransformerEncoderLayer] expected src of shape (S, N, 4), (N, S, 4) with batch_first or (S, 4), got (3, 5)',
      err(m, torch.zeros(3, 5)))
  end)
end)

describe('nn.TransformerEncoder', function()
  it('stacks copies of the layer, then the norm', function()
    -- torch.manual_seed(37); layer = nn.TransformerEncoderLayer(4, 2, 6, 0.0)
    -- enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4)); x = torch.randn(3, 4)
    -- enc.layers[1].linear2.bias.fill_(0.5); enc(x)
    torch.manual_seed(37)
    local layer = nn.TransformerEncoderLayer(4, 2, 6, 0.0)
    local enc = nn.TransformerEncoder(layer, 2, nn.LayerNorm(4))
    local x = randn(3, 4)
    torch.no_grad(function() enc.layers[2].linear2.bias:fill_(0.5) end)
    close(enc(x), E.encoder.y)
    local want = {}
    for i, k in ipairs(E.encoder.keys) do
      want[i] = k:gsub('^layers%.(%d+)', function(d) return 'layers.' .. (tonumber(d) + 1) end)
    end
    assert.are.same(want, keys(enc))
    assert.are_not.equal(enc.layers[1].linear1.weight:data_ptr(), layer.linear1.weight:data_ptr())
  end)
end)

-- ---------------------------------------------------------------------------- functional
describe('nn.functional.pad', function()
  it('constant, reflect, replicate, circular, cropping', function()
    local F = nn.functional
    local x = torch.arange(1, 7, { dtype = torch.float32 }):view(2, 3)
    close(F.pad(x, { 1, 2 }), { 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0 })
    close(F.pad(x, { 0, 0, 1, 0 }, { value = 9 }), { 9, 9, 9, 1, 2, 3, 4, 5, 6 })
    close(F.pad(x, { -1, 1 }), { 2, 3, 0, 5, 6, 0 })
    close(F.pad(x:view(1, 2, 3), { 2, 1 }, 'reflect'), { 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5 })
    close(F.pad(x:view(1, 2, 3), { 1, 2 }, { mode = 'replicate' }), { 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6 })
    close(F.pad(x:view(1, 1, 2, 3), { 1, 1, 1, 0 }, 'circular'), { 6, 4, 5, 6, 4, 3, 1, 2, 3, 1, 6, 4, 5, 6, 4 })
    local t = torch.randn(1, 2, 3, { dtype = torch.float64, requires_grad = true })
    assert.is_true(torch.autograd.gradcheck(function(a) return F.pad(a, { 2, 1 }, 'reflect') end, { t }))
    assert.is_true(torch.autograd.gradcheck(function(a) return F.pad(a, { 1, 1, 1, 0 }, 'constant', 2) end, { t }))
    assert.are.equal('[pad] padding length must be divisible by 2, got 3', err(F.pad, x, { 1, 2, 3 }))
    assert.are.equal("[pad] mode must be 'constant', 'reflect', 'replicate' or 'circular', got wrap",
      err(F.pad, x, { 1, 1 }, 'wrap'))
  end)
end)

describe('nn.functional.scaled_dot_product_attention', function()
  it('softmax(q k^T / sqrt(E)) v with causal and boolean masks', function()
    local F = nn.functional
    local q = torch.tensor({ { { 1, 0 }, { 0, 1 } } }, { dtype = torch.float64 })
    local v = torch.tensor({ { { 1, 2 }, { 3, 4 } } }, { dtype = torch.float64 })
    local s = math.exp(1 / math.sqrt(2))
    local p = s / (s + 1)
    close(F.scaled_dot_product_attention(q, q, v), { p + 3 * (1 - p), 2 * p + 4 * (1 - p), (1 - p) + 3 * p, 2 * (1 - p) + 4 * p })
    close(F.scaled_dot_product_attention(q, q, v, { is_causal = true }), { 1, 2, (1 - p) + 3 * p, 2 * (1 - p) + 4 * p })
    local keep = torch.tensor({ { true, false }, { true, true } })
    close(F.scaled_dot_product_attention(q, q, v, keep), F.scaled_dot_product_attention(q, q, v, { is_causal = true }))
  end)
end)

-- ---------------------------------------------------------------------------- gradcheck
describe('float64 gradients of the layers (gradcheck, gradgradcheck)', function()
  local gc, ggc = torch.autograd.gradcheck, torch.autograd.gradgradcheck
  local function D(...) return torch.randn({ ... }, { dtype = torch.float64 }):requires_grad_(true) end
  local function first(f) return function(x) return (f(x)) end end

  it('convolutions, poolings, norms, embedding', function()
    torch.manual_seed(1)
    local c = nn.Conv2d(2, 2, 2, { padding = 1, padding_mode = 'reflect' }):double()
    assert.is_true(gc(first(c), { D(1, 2, 3, 3), c.weight, c.bias }))
    local ct = nn.ConvTranspose2d(2, 2, 2, 2, 0, 1):double()
    assert.is_true(gc(first(ct), { D(1, 2, 2, 2):transpose(3, 4), ct.weight }))
    local bn = nn.BatchNorm1d(2):double()
    assert.is_true(gc(first(bn), { D(4, 2), bn.weight }))
    local ln = nn.LayerNorm(3):double()
    assert.is_true(gc(first(ln), { D(3, 2):t(), ln.weight, ln.bias }))
    local gn = nn.GroupNorm(2, 4):double()
    assert.is_true(gc(first(gn), { D(1, 4, 2), gn.weight }))
    local emb = nn.Embedding(4, 2):double()
    assert.is_true(gc(function() return emb(torch.tensor({ 1, 2, 4, 1 })) end, { emb.weight }))
    assert.is_true(gc(first(nn.MaxPool2d(2, 1)), { D(1, 1, 3, 3) }))
    assert.is_true(gc(first(nn.AdaptiveAvgPool2d({ 2, false })), { D(1, 3, 3) }))
    assert.is_true(gc(first(nn.AvgPool1d(2, 1, 1)), { D(1, 2, 3) }))
  end)

  it('recurrent layers and cells, to second order', function()
    torch.manual_seed(2)
    local rnn = nn.RNN(2, 2, 2, { bidirectional = true }):double()
    assert.is_true(gc(first(rnn), { D(3, 1, 2), rnn.weight_hh_l1_reverse }))
    assert.is_true(ggc(first(rnn), { D(2, 1, 2) }))
    local lstm = nn.LSTM(2, 3, { proj_size = 2 }):double()
    assert.is_true(gc(function(x, h, c) return (lstm(x, { h, c })) end, { D(3, 2), D(1, 2), D(1, 3), lstm.weight_hr_l0 }))
    local gru = nn.GRU(2, 2):double()
    assert.is_true(ggc(first(gru), { D(2, 1, 2) }))
    local cell = nn.GRUCell(2, 2):double()
    assert.is_true(gc(function(x, h) return cell(x, h) end, { D(1, 2), D(1, 2), cell.bias_hh }))
  end)

  it('attention and the encoder layer, to second order', function()
    torch.manual_seed(3)
    local mha = nn.MultiheadAttention(4, 2, { add_bias_kv = true }):double()
    local kpm = torch.tensor({ { false, true } })
    assert.is_true(gc(function(q, k, v) return (mha(q, k, v, { key_padding_mask = kpm })) end,
      { D(2, 1, 4), D(2, 1, 4), D(2, 1, 4), mha.bias_k }))
    assert.is_true(ggc(function(q) return (mha(q, q, q)) end, { D(2, 1, 4) }))
    local tel = nn.TransformerEncoderLayer(4, 2, 4, 0, { norm_first = true }):double()
    assert.is_true(gc(first(tel), { D(2, 1, 4), tel.linear1.weight }))
  end)
end)

-- ---------------------------------------------------------------------------- Torch7 workflow
describe('the layers in a Torch7 script', function()
  it('train with forward/backward on a flat parameter vector, then evaluate', function()
    torch.manual_seed(0)
    local net = nn.Sequential():add(nn.Conv2d(1, 4, 3, { padding = 1 })):add(nn.BatchNorm2d(4)):add(nn.ReLU())
      :add(nn.MaxPool2d(2)):add(nn.Dropout(0.2)):add(nn.Flatten()):add(nn.Linear(16, 3))
    local crit = nn.CrossEntropyCriterion()
    local params, grads = net:getParameters()
    assert.are.equal(4 * 9 + 4 + 4 + 4 + 16 * 3 + 3, params:numel())
    local x = torch.randn(8, 1, 4, 4)
    local y = torch.tensor({ 1, 2, 3, 1, 2, 3, 1, 2 })
    local first_loss, loss
    for i = 1, 60 do
      grads:zero()
      local out = net:forward(x)
      loss = crit:forward(out, y)
      first_loss = first_loss or loss
      net:backward(x, crit:backward(out, y))
      params:add_(grads, { alpha = -0.1 })
    end
    assert.is_true(loss < first_loss / 4)
    assert.are.equal(60, net[2].num_batches_tracked:item())
    net:evaluate()
    local pred = net:forward(x):argmax(2)
    assert.are.same(flat(y), flat(pred))
    assert.are.same({ '1.weight', '1.bias', '2.weight', '2.bias', '2.running_mean', '2.running_var',
      '2.num_batches_tracked', '7.weight', '7.bias' }, keys(net))
  end)

  it('load_state_dict, clone and float() keep the buffers', function()
    torch.manual_seed(1)
    local a = nn.BatchNorm1d(2)
    a(torch.randn(4, 2))
    local b = nn.BatchNorm1d(2)
    b:load_state_dict(a:state_dict())
    close(b.running_mean, a.running_mean)
    assert.are.equal(1, b.num_batches_tracked:item())
    local c = a:clone():double()
    assert.are.equal(torch.float64, c.running_var.dtype)
    assert.are.equal(torch.int64, c.num_batches_tracked.dtype)
    local lstm = nn.LSTM(2, 3)
    local l2 = lstm:clone()
    assert.are_not.equal(lstm.weight_ih_l0:data_ptr(), l2.weight_ih_l0:data_ptr())
    close(l2(torch.ones(2, 1, 2)), lstm(torch.ones(2, 1, 2)))
  end)
end)

-- ---------------------------------------------------------------------------- expected
-- printed by PyTorch 1.13 from the calls quoted in each case
E = {
  conv2d = {
    w = {-0.0017646605, 0.12644097, -0.1939936, -0.1734625, -0.090781756, 0.063205294, -0.0046700113, 0.18688585, -0.020917172},
    b = {0.15803514, -0.13878204, 0.043921709},
    y = {0.54237002, 0.44615614, -0.19057296, -0.3766495, 0.55932951, -0.50834429, -0.56595546, -0.18501599, -0.12802146, -0.71076095, -0.39681941, -0.18844992, -0.028514542, 0.058528528, 0.057993487, -0.014304943, -1.2599646, -0.15658601, 0.16485128, -0.068678468, 0.43973675, 0.41905358, -0.56514424, 0.15479474, 0.19878632, 0.43226579, -0.79978389, 0.090127535, 0.18452507, 0.46726674, 0.25937325, 0.57316881, 0.53389519, 0.231851, 0.37815955, 0.33075505, -0.50413191, -0.28444332, -0.16747296, -0.7028268, -0.067014359, -0.13985439, -0.3189882, -0.49553221, -0.15054528, 0.28085384, 0.097764269, -0.29972163, 0.42022139, -0.13996175, 0.14691147, 0.036329966, 0.06411133, 0.02951622},
    gx = {0.096848592, -0.26274228, 0.043833315, -0.11551882, 0.1658162, 0.34016383, 0.034465954, 0.0083556874, 0.028913243, -0.55531901, 0.046018001, 0.2146057, -0.033921193, 0.53349853, 0.13051698, -0.5388934, -0.44426602, 0.51612699, 0.071325868, -0.24412845, -0.018853668, 0.16234, -0.033184472, -0.34356755, -0.11296655, 0.15269348, 0.0092464611, -0.31423628, 0.42118087, -0.040419318, -0.077877425, -0.44105986, 0.065047137, 0.35911649, 0.21366255, -0.13994636, 0.082216658, 0.35210633, 0.17797296, 0.29843554, -0.14746635, -0.14033999, 0.10859997, -0.18270107, -0.31501171, 0.20398141, -0.67591584, -0.35282138, 0.046971589, -0.01653284, -0.0098875538, 0.60504913, 0.063102186, -0.098183528, -0.065013655, 0.45998323, -0.11230988, -0.11780772, 0.36730546, -0.23558551, -0.036552906, 0.052309558, -0.076760463, 0.013358889, 0.12505645, -0.27596921, 0.11704075, -0.65769196, -0.4482272, 0.38872793, 0.13053662, -0.11994053, 0.19910643, 0.26962224, -0.17071564, 0.039640579, -0.085149571, 0.35935906, 0.058342181, 0.023721483, -0.0090133687, -0.11603163, -0.15016083, -0.31078327, -0.22461891, -0.12941921, -0.23743483, 0.016661992, 0.55246729, 0.18680689, 0.25297654, 0.53856379, 0.054230411, -0.99683464, -0.36559051, -0.12427725, 0.82924694, 0.20590198, -0.53918535, 0.15437733},
    gw = {5.6831555, 1.1263759, 4.2703304, 1.405748, -7.520916, 1.0607139, -4.2153454, 0.22331834, -1.6774491, -1.424634, -1.1154951, -3.6600924, 2.8916893, -0.66550624, -0.89089555, -2.7999828, 3.0446191, 1.814676, -1.6034777, -3.0962884, 2.4754152, -0.7937032, -4.9004974, 0.10101996, 3.4906578, 3.9732146, 1.8317064, 0.461748, -5.7779222, 0.74256283, 1.9142841, -1.2110065, -2.9570248, 1.4594496, 0.75450253, -2.2932432, 4.7306061, 5.1157432, 4.0872841, 0.77962434, -3.4789248, 1.0474744, 0.86604697, -3.2093086, 1.4943497, 2.7142441, 1.4761862, -4.0654902, 2.8149583, 4.3559165, -0.54715937, 1.136413, -0.28489307, 1.323626},
    gb = {-5.2834139, 0.15339839, -2.357059},
    repr = 'Conv2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))',
    keys = {'weight', 'bias'},
  },
  conv2d_same = {
    w = {0.25235018, 0.08983285, -0.10750442, -0.17434862, -0.048386469, -0.12451733},
    y = {-0.072289236, -0.52469468, 0.071219064, -0.19188052, 0.7546519, -0.51808906, -0.2617867, 0.36633927, -0.22487265, 0.76348376, 0.15290001, -0.050260089, 0.24463506, 0.31491929, -0.4340916, 0.24265736, 0.082187414, 0.05395228, -0.23734064, 0.21831019, -0.0048787929, 0.19579229, 0.18781289, 0.10861538, 0.12560138, 0.21483694, -0.23695534, -0.16231115, -0.057690457, -0.22108757, -0.04184597, -0.17354672, -0.43074724, 0.30106053, 0.46228632, 0.15634419, -0.15020569, 0.081368215, -0.6388045, -0.25196549, 0.63163263, -0.74836373, 0.10333633, -0.22213702, 0.70615381, -0.57340693, 0.71624696, 0.38972345, -0.73181444, 0.32497293, -0.16575643, -0.20017968, -0.29346231, 1.2903464, -0.67650974, -0.1214363, -0.14394362, -0.643601, -0.48679015, 0.069060415, -0.14476767, 0.32669088, 0.51630574, -0.35994858, 0.69546056, -0.27558678, -0.065972678, 0.45361975, -0.41672835, -0.44880384, 1.1145549, -0.78072244, -0.026211321, -0.79651642, 0.12411951, 0.47914499, -0.024438906, 0.11862416, 0.65739596, 0.1686355, 0.14422922, 0.27749386, 0.89470649, 0.44144768, 0.83333206, 0.41112083, -0.63870209, -0.3965359, -0.9734304, -1.0917298, -0.079100572, -0.11920685, -1.0175591, -0.30130467, -0.28902635, -0.35844976, 0.56095564, -0.53474861, -0.68980479, 0.58902842, 0.27281749, -0.18782, -0.54335171, 0.33726364, -0.70263904, 0.46323708, 0.58061886, 0.16771717, 0.29885167, -0.063865095, -0.55120516, -0.20255874, 0.50273037, 0.43883604, 0.44135791, -0.10727089, 0.39431441, 0.88322723, 0.1007982, 0.037473805},
    gx = {0.40990955, -0.14053534, 0.21431254, -0.084024094, -0.25360513, -0.70831138, 0.37964022, -0.18170562, -0.59913981, 0.29448175, -0.023625419, -0.78651828, 0.55334878, 0.73564398, 0.24511077, 0.3164404, 0.034833923, 0.11039133, 0.041890055, -0.37321293, 0.34695399, 0.036541801, 0.053001195, -0.17608473, -0.092238873, 0.25445926, 0.027806133, 0.81763512, -0.46339318, 0.1474179, -0.41323012, -0.48463169, 0.69499028, 0.2745111, 0.50313067, -0.4835557, 0.23175532, 0.001232136, 0.16596976, -0.041526802, -0.46001813, 0.76841229, 0.38734615, 0.67915916, -0.92147893, 0.80154479, -0.71748412, -0.40426683, -0.21122724, -1.3829632, 0.25781745, 0.48493525, -0.099663273, 0.20586345, -0.49705595, -0.16913877, 0.38261852, 0.61818177, 0.31222394, 0.57509834, 0.18909729, 0.14607769, -0.49085039, -0.1696396, -0.023375601, 0.65625358, 0.664922, -0.94250357, 0.49534023, -0.0093170702, -0.34886271, -1.1401473, -0.045052543, -0.71077001, 0.93741602, 0.28911251, 0.17522296, -0.47028667, -0.26117316, 0.48211145},
    gw = {2.3048682, 5.3811173, -3.1004162, -0.27821755, 2.0322886, 0.99009204, 3.0447245, -1.3527911, -1.8491571, 2.2240646, 0.19714451, 0.98256123, -3.6812458, -1.063913, -8.3005886, -1.4297315, -5.3188276, -1.6391582, 2.584285, -6.1374297, 1.1330584, 9.093092, 1.1491352, 1.1218257, 3.0582824, 2.1689038, -1.8787881, 1.4641222, 2.035346, 1.0726794, -1.0778065, 2.2997842, 1.2836461, -3.1305313, -4.7215967, -0.91863489, 0.69790745, 0.69578671, 1.4781971, 3.1981866, -2.8234506, 7.4688663, -0.0030966997, 1.8266068, 6.994381, -3.0581131, -3.6955898, 0.98678607, -0.71327066, 3.0237966, -1.5364189, 9.5397692, -4.5546722, 3.8251739, -1.9014165, -4.8092513, -0.92634201, -0.5977906, -6.6541901, 0.59601545, 0.26230514, -2.6397114, 3.8161035, 2.7529516, 1.771341, 2.9248509, 0.30208492, -0.58002412, -2.4681993, 3.238276, 3.092154, -0.00066488981},
    repr = 'Conv2d(4, 6, kernel_size=(3, 2), stride=(1, 1), padding=same, dilation=(2, 1), groups=2, bias=False)',
  },
  conv2d_reflect = {
    y = {0.56219923, -0.45401651, 0.4638446, -0.56102663, 0.24179831, -0.068077199, 0.23062021, 0.53213573, -0.26909775, 0.41767034, -0.2367098, 0.054226857, 0.54566002, 0.42926183, -0.069004484, 0.49062982, 0.082946032, -0.084653623, -0.42695141, 0.70101798, -0.82363468, -0.36177063, 0.4414877, -0.28503901, 0.90000099, -0.47654134, 0.46983472, -0.21481833, -0.39271471, -0.72353166, -0.5858621, -0.23211896, -0.37632391, 0.24045148, -0.43739337, -0.30071822, -0.49716991, -0.16750565, -0.88577461, -0.075700074, -0.12179938, 0.43971089, -0.14855644, -0.41125944, -0.37997323, 0.1758002, -0.16519532, -0.51602513, -1.1530038, -0.34085163, -0.2933253, 0.40444753, -0.24339092, -0.78280687, 0.386538, 0.6206367},
    gx = {0.15701458, -0.32402474, 0.21150956, -0.37014955, 0.38894257, 0.27492586, -1.1432092, 0.84705555, -1.1401311, 0.18621309, 0.48408651, -0.87766027, 0.23342031, 0.51415479, 0.24191558, 0.14390098, 0.72150773, -0.34035552, -0.48665917, 0.040735543, 0.67456913, 0.089098558, -0.13276544, 0.076519653, 0.098906495, 0.57913303, -0.055808097, -0.70942295, -0.59410733, -0.2704978, -0.17345133, -0.44480434, 0.70266801, 0.28782761, -0.073913172, -0.31640014, 0.53438443, 0.62338948, -0.045394626, 0.15801093},
    repr = 'Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 2), padding_mode=reflect)',
  },
  conv2d_replicate = {
    y = {-0.26772919, -0.4070636, -0.051425397, 0.20971313, 0.39612222, -0.33770117, 0.12773401, -1.186332, -0.53104168, -0.91817635, 0.71386969, -0.24243575, -0.33822405, -0.06267684, -0.60566443, -0.12061369, 0.32755941, 0.42498744, -0.44573441, -0.68212873, -0.62115085, 0.17093404, -0.23997752, 0.21108419, 0.2258141, -0.46537846, -0.62033027, -0.63340014, -0.28040865, -0.49168283, -0.5827105, -0.81948292, 0.093799025, -0.050826088, 0.04824689, -1.05961, -0.68542302, -1.5349241, -0.026976109, -0.05422245, -0.49146447, -0.55221689, -1.2651917, -0.76234388, -0.34197262, -1.1005176, 0.26805666, -0.63227803, -0.57178164, -0.65652347, -0.93988132, 0.42271194, -1.2325692, -0.75925517, -1.076781, -1.0775158},
    gx = {2.2494087, 0.71901464, 1.0379654, -0.18732861, -1.9365, -1.4857936, -2.1678596, -0.43996254, -0.73802125, -0.34073251, 0.37011078, -1.2010605, 0.24039982, 0.15876511, 0.84737515, -0.8350755, 0.36928752, 0.41256738, -0.16328087, -0.20366372, 0.041096464, -0.55252439, 0.26127076, -0.8037461, 1.3424737, -0.9768666, 0.061587036, -0.65279454, -0.78233421, -0.80852169, -1.1406379, -0.47395328, 0.99966007, -0.075780794, 0.32405561, -1.7873415, 1.4903646, -0.31970581, 0.15179136, -0.6419012},
    repr = 'Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 2), padding_mode=replicate)',
  },
  conv2d_circular = {
    y = {-1.6127716, 0.079892255, 0.061524875, 0.93846411, -0.38600686, -1.6127716, 0.079892255, -0.87653941, -0.1827006, 0.06068752, 0.41358647, 0.166684, -0.87653941, -0.1827006, -0.97706223, 0.26167953, -1.4627069, 0.22224769, 0.0243669, -0.97706223, 0.26167953, -0.29943252, -0.25901818, -0.32791984, 0.47807601, -0.28586838, -0.29943252, -0.25901818, -1.0554879, 0.1820147, 0.20991951, 0.80920768, 0.76436383, -1.0554879, 0.1820147, 0.015524194, -0.38456941, 1.1077716, 1.131407, -0.60500002, 0.015524194, -0.38456941, -0.60968292, 0.50535893, 0.16570249, 0.16217346, -0.094224304, -0.60968292, 0.50535893, 0.6836614, -0.041916266, 0.4702186, -0.1491476, -0.96713573, 0.6836614, -0.041916266},
    gx = {0.94713783, 1.0626395, -0.33942652, -0.87990278, -0.0023793876, -0.17696893, -0.38795549, 0.37152585, 0.95943761, 1.0180202, -1.3246133, -0.86982358, -0.37218553, -0.66239476, -0.96980917, -0.021686554, 0.24756466, 0.62007833, 1.3710396, 0.48730975, 1.3665872, -1.0171714, -0.016189367, -1.2778006, -0.56176257, -0.71196878, -0.52608949, -0.050507411, -0.29497808, -1.6865857, 0.56322253, -0.54853928, -0.54429328, -0.87683499, -0.10148731, 0.53324884, -0.51420701, 0.42729044, -0.55176705, -0.72857845},
    repr = 'Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 2), padding_mode=circular)',
  },
  conv2d_same_reflect = {
    y = {0.1783714, -0.086558685, 0.60945112, 0.32456407, 0.046556056, 1.436826, -0.58219522, 1.4839907, -1.1208445, -1.0134575, -1.1321238, -0.36384839, 1.3501139, 0.86040378, 1.5100793, 1.1770437, -0.27020088, 0.18553302, -0.32504836, -0.57054538, 0.53225267, -0.18261288, 0.66164768, -0.97224271, -0.63505793, -1.6775653, -0.2091902, -0.81648678, 0.89905018, 0.45713145, 0.26576307, -0.42022258},
    gx = {0.13752076, -0.58528453, 0.36150122, -0.11332197, -0.88246346, 0.91947252, 0.51418543, 0.19395989, -0.15808645, 0.64021236, -0.17974609, -0.27534491, 0.25442857, -1.1744329, -0.42398936, 0.47616118, 0.05700922, -0.34851092, 1.1239227, 0.0014460757, -0.71621263, -0.016587496, -1.6569909, -0.52692044, -0.96420562, -1.5756676, 0.27681714, 0.84564304, 1.2311411, 0.5837388, 0.0076345205, 0.18405451},
  },
  conv1d = {
    w = {0.058949061, 0.043989167, 0.397495, 0.088205807, -0.2166525, -0.04149479, 0.14234506, 0.20249721, 0.049078908, -0.27158526, -0.1360857, -0.028779663},
    b = {0.10879345, 0.21983838},
    y = {0.57410723, 0.09558478, -0.11912477, 0.35776889, 0.24894656, 0.70081723, 0.78330934, 0.69256079, -0.39290011, 0.32925606, 0.18473768, 0.23001374, 0.60969102, -0.59730434, 0.51170206, 0.55668831},
    gx = {0.027632538, 0.31631163, 0.049712211, 0.50146848, 0.038996812, 0.35159239, -0.00059002207, -0.13609393, 0.073615834, -0.24483925, 0.031301968, -0.19206449, -0.037968621, 0.0029059374, -0.17624886, -0.0043907203, 0.054522395, 0.047776908, 0.04916779, 0.0088598961, -0.0043485672, 0.11844584, -0.048075207, -0.036641087, -0.073691793, -0.033042595, -0.0011556982, 0.0029223999, 0.022681788, 0.20247969, -0.0018487845, -0.022154193, -0.0040655765, 0.020516098, 0.042723875, -0.11171082, -0.025102763, 0.0091055101, -0.0064082262, 0.020023506, 0.08950372, -0.21042077, 0.25750259, 0.2108033, 0.21110067, -0.15647644, -0.29538527, -0.22067602, -0.21208388, -0.17305137, -0.31972125, -0.14186755, 0.36616248, 0.19850996, 0.32642394, 0.1425283},
    gw = {1.0156956, -1.8102475, -1.0532488, 0.87843955, -1.0664611, -1.0754187, -1.4847602, -1.1221397, -2.1380351, 1.4758859, -0.96625638, 3.1610785},
    gb = {3.9837728, -0.57172716},
    repr = 'Conv1d(4, 2, kernel_size=(3,), stride=(2,), padding=(1,), groups=2)',
    keys = {'weight', 'bias'},
  },
  convt2d = {
    w = {0.22152224, -0.18489119, 0.18049023, -0.04093077, 0.12124263, 0.091852002, 0.0098665208, 0.043949611, 0.17899427},
    b = {-0.052447539, -0.1313114, -0.059301712, -0.14365669},
    y = {-0.035385549, 0.0075929128, -0.14656755, -0.051950902, -0.098249882, -0.06529136, -0.015914157, -0.17946066, 0.068792447, -0.18509492, -0.072685674, -0.05307965, -0.012683891, -0.080648988, 0.014582377, -0.011526946, -0.090132654, -0.063015141, 0.12993094, -0.068237007, -0.061780356, -0.070045665, -0.053070657, -0.061440166, 0.12649637, -0.014357284, -0.031855918, -0.036819015, -0.069232747, -0.057154421, -0.13931952, 0.060307305, -0.062444162, -0.060467575, -0.04429882, -0.06090701, -0.1125612, -0.20287988, -0.23474422, -0.1871843, -0.18164571, -0.14072247, -0.19819535, -0.24929699, -0.14272293, -0.26903856, -0.043487154, -0.19730386, -0.087613299, -0.06967514, -0.057649143, -0.14759797, -0.1727253, -0.13905461, -0.40177417, -0.093662128, -0.21393776, -0.025927082, -0.077940129, -0.18831903, 0.065338299, -0.078118794, -0.10868232, -0.14046903, -0.14975743, -0.13476028, -0.27887902, 0.16541721, -0.14829245, -0.10725185, -0.11746934, -0.15812795, -0.037169427, -0.10851686, 0.13614708, 0.02462443, 0.1307005, 0.084641747, 0.12230418, -0.45418915, 0.24025172, 0.0075866506, 0.021140926, 0.20991164, -0.17312905, -0.094905891, -0.20927504, -0.17035884, -0.06688755, -0.06504865, -0.18367365, -0.35464481, 0.050110094, -0.17604086, -0.28336969, 0.14554921, -0.0048020072, 0.018242992, -0.1666981, -0.18965885, 0.085827954, 0.050646827, -0.039545946, 0.012418158, -0.09823215, -0.20604393, -0.0066932179, 0.15495771, -0.12884834, 0.13773225, -0.012885123, 0.21554093, -0.016529337, -0.050093673, -0.2400858, 0.0445465, -0.11312222, 0.47808468, 0.028576583, 0.20699711, -0.21981667, -0.40726364, -0.24400136, -0.2280066, -0.14873224, -0.14739218, -0.19531453, -0.52282435, -0.39655036, -0.1794017, -0.0011568666, -0.37545294, -0.10719183, -0.26545, -0.21551383, 0.0043094158, -0.046552822, -0.072190315, -0.092009529, -0.075190924, -0.24543187, -0.29643491, -0.0061232001, 0.11547001},
    gx = {-0.24280834, 0.31876487, -0.374419, 0.65738684, 0.18337861, -0.26791474, 0.43853652, -0.5809328, 0.63643551, -0.51531768, 0.69649655, 0.47215846, -0.36055118, -0.91209275, 1.1493157, -0.33149299, -0.058124382, -1.0314279},
    gw = {-0.059566818, -0.98205358, -2.0053899, -1.484306, 1.2720331, 0.83552033, -0.18660222, 0.46647209, -1.3686231, -1.0941188, -2.0126348, -0.053199559, -1.1620214, -2.443634, 1.0527437, 1.3179682, -1.7980211, 0.78230608, 0.62108314, -3.0347817, -1.9953529, -0.7671181, -1.3854438, 0.9209851, 1.3131688, -0.86326993, 0.13243687, 0.94926369, 1.877739, -2.0863686, -1.0106385, 2.181139, -3.3302615, 4.7017002, 0.78050655, 3.7969747},
    gb = {0.20529914, -1.1147802, 0.3564837, -9.90874},
    repr = 'ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)',
    keys = {'weight', 'bias'},
  },
  convt2d_size = {
    shape = {2, 7, 8},
    shape2 = {2, 7, 8},
    s = {0.40433949},
    repr = 'ConvTranspose2d(3, 2, kernel_size=(2, 3), stride=(2, 1), dilation=(2, 2), bias=False)',
  },
  convt1d = {
    y = {-0.22500788, 0.23447819, -0.039132982, -0.19942854, -0.093512066, -0.16515417, -0.086702779, -0.045228127, -0.039000757, -0.26746154, -0.42670584, -0.35202533, 0.030350983, -0.11579125, 0.038846456, -0.13969693, 0.021367125, -0.022997506, 0.40968621, -0.40043697, 0.40275085, -0.1394996, 0.40978804, -0.088905215, 0.3228209, 0.012757123, 0.18051398},
    gx = {0.21393886, 0.83975393, -0.22624184, -0.1834137, -0.062181935, -0.20498438, -0.185049, -0.48048976},
    gw = {-0.19095249, -1.1358962, -0.29600334, -4.9180512, 1.3824443, -2.8338621, -1.7233214, 0.13610171, -0.28067106, -0.79471487, -0.32587439, 0.70380259, -1.6050043, -0.026442701, -0.69320214, 0.19739735, 0.0091984756, -0.47113514},
    repr = 'ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,))',
  },
  maxpool2d = {
    y = {-0.51329893, 2.6277847, 1.0050938, 0.82977319, 1.1209472, 1.1166945, 1.0762837, 0.1680934, 0.056165487, 0.9534983, 1.3290292, 0.31770331, 2.7470047, 1.3373314, 0.43009135, 0.14965299, -0.77558517, -0.25944236},
    idx = {7, 8, 10, 17, 18, 20, 21, 24, 25, 2, 8, 10, 11, 13, 20, 21, 24, 25},
    gx = {0, 0, 0, 0, 0, 0, 1.0045193, -0.57491088, 0, 0.23463961, 0, 0, 0, 0, 0, 0, -0.4360612, -0.21945974, 0, -1.7205534, -0.1052619, 0, 0, -0.47669813, 0.024170797, 0, 1.0271598, 0, 0, 0, 0, 0, -2.297786, 0, 0.7648387, 0.90815562, 0, -2.4758337, 0, 0, 0, 0, 0, 0, 0.18871087, -0.70371968, 0, 0, 0.64837265, 2.6227126},
    repr = 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)',
  },
  maxpool2d_b = {
    y = {-0.51329893, -0.51329893, -0.74649578, 0.47649285, 0.47649285, -0.36266556, 0.82977319, 0.99991328, 0.99991328, 0.82977319, 0.99991328, 0.99991328, 0.82977319, 0.99991328, 0.99991328, 0.9534983, 1.1973766, 1.1973766, 0.9534983, 1.1973766, 1.1973766, 1.0617527, 1.1973766, 1.1973766, 1.0617527, 1.0617527, -0.76655698, 1.0617527, 1.0617527, -0.76655698},
    shape = {1, 2, 5, 3},
    repr = 'MaxPool2d(kernel_size=(3, 2), stride=(1, 2), padding=1, dilation=(1, 2), ceil_mode=False)',
  },
  maxpool1d = {
    y = {1.0282718, 1.0282718, 0.12299132, 0.14210454, -0.24873711, 2.8922136, 2.8922136, 1.3118331, -0.0079922052, 1.5727035, 1.5727035, -0.15462512, 1.3665977, 1.3665977, 0.61710012, -0.1346657, -0.68711567, -0.3245033, -0.020517835, 0.057289418, 0.18639998, 1.0097872, 1.3265953, 1.3265953},
    gx = {0, 0.85235476, 0, -1.5889472, 0, 0, -0.19287914, 0, 0.40805104, 0, -0.66110843, 0, 0.55822611, 0, 0, -0.32316297, 0, -0.93918419, 0, 0, -2.5321956, 0, 1.4462934, 0, 0, 0.16136608, 0, 0.17040494, 0.85525882, 0, 0, -0.024889791, 2.2696486, 0, 0.86016989, 0, -1.6498924, -0.043485757, 0, 0, 1.1264516, 0},
    repr = 'MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)',
  },
  avgpool2d = {
    y = {-0.48684257, -0.35996863, -0.7923888, -0.3100971, -0.55434728, -0.61687398, 0.14731245, -0.14016141, -0.54909641, 1.201496, -0.2980248, -0.45344317, -0.40802276, -0.43281505, 0.20080379, -0.26316965, -0.18272942, 0.37207392, 0.072967589, -0.23313376, 0.15798527, 0.95941627, 0.71627885, -0.13786975},
    gx = {-0.11043973, -0.096016437, 0.014423289, -0.26104677, -0.27547005, 0.086295612, 0.033489674, -0.052805938, -0.29849842, -0.24569251, 0.19673534, 0.12950611, -0.067229226, -0.037451684, 0.029777544, -0.064937606, -0.10507802, -0.040140413, 0.11032452, 0.15046494, -0.26167294, -0.23458412, 0.027088813, 0.1477762, 0.12068739, -0.88054109, -1.2486641, -0.36812314, -0.60000491, -0.23188174, 0.43220928, 0.56657797, 0.13436869, 0.26742065, 0.13305195, 0.69152117, 0.70512313, 0.013601981, 0.20087835, 0.18727635, 0.25931188, 0.13854519, -0.12076671, -0.066542305, 0.054224402, 0.21089086, 0.03775188, -0.17313899, 0.051778391, 0.22491738, -0.048421029, -0.10079331, -0.052372281, 0.1183207, 0.17069298, 0.78609556, 0.67730445, -0.10879109, 0.19074436, 0.29953545},
    repr = 'AvgPool2d(kernel_size=3, stride=2, padding=1)',
  },
  avgpool2d_div = {
    y = {-0.54037577, -0.47193271, -0.19056632, -1.1784737, -0.12414169, 0.44570619},
    repr = 'AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0)',
  },
  avgpool1d = {
    y = {-0.62863457, 1.3878558, -0.65067291, 1.1264371},
    gx = {0.010742571, 0.010742571, -0.35639349, -0.35639349, 0, 0.19486566, 0.19486566, -0.33634782, -0.33634782, 0},
    repr = 'AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))',
  },
  adaptive2d = {
    y = {0.35149971, -0.21282041, -0.5299052, 0.32695889, -0.21855466, -0.0045866701, 0.045576438, -0.64456928, -0.51308709, -0.66717219, -0.23113014, 0.15384552, -0.41566953, 0.019532653, -0.59061718, 0.64847267, 0.58791333, -0.28707689, 0.22657156, -0.023422705, 0.085352175, 0.17488217, 0.41436598, -0.017450815},
    gx = {0.07639277, 0.07639277, 0.10466373, 0.02827096, 0.28369856, 0.2554276, 0.2554276, 0.07639277, 0.07639277, 0.10466373, 0.02827096, 0.28369856, 0.2554276, 0.2554276, -0.039389342, -0.039389342, 0.1197765, 0.15916584, 0.38271093, 0.22354507, 0.22354507, -0.11578211, -0.11578211, 0.015112773, 0.13089488, 0.099012353, -0.031882532, -0.031882532, -0.11578211, -0.11578211, 0.015112773, 0.13089488, 0.099012353, -0.031882532, -0.031882532, -0.029033281, -0.029033281, 0.031631432, 0.060664713, -0.032916576, -0.093581289, -0.093581289, -0.029033281, -0.029033281, 0.031631432, 0.060664713, -0.032916576, -0.093581289, -0.093581289, -0.060131215, -0.060131215, -0.17635229, -0.11622107, -0.093150437, 0.023070633, 0.023070633, -0.031097936, -0.031097936, -0.20798372, -0.17688578, -0.060233861, 0.11665192, 0.11665192, -0.031097936, -0.031097936, -0.20798372, -0.17688578, -0.060233861, 0.11665192, 0.11665192, 0.13268383, 0.13268383, 0.0069383085, -0.12574552, 0.013876617, 0.13962214, 0.13962214, 0.13268383, 0.13268383, 0.0069383085, -0.12574552, 0.013876617, 0.13962214, 0.13962214, 0.31065148, 0.31065148, 0.23318492, -0.077466562, 0.031756774, 0.10922334, 0.10922334, 0.17796765, 0.17796765, 0.22624661, 0.048278954, 0.017880155, -0.030398799, -0.030398799, 0.17796765, 0.17796765, 0.22624661, 0.048278954, 0.017880155, -0.030398799, -0.030398799, -0.036125857, -0.036125857, -0.13089438, -0.094768524, -0.14272684, -0.047958311, -0.047958311, -0.036125857, -0.036125857, -0.13089438, -0.094768524, -0.14272684, -0.047958311, -0.047958311, -0.00071117282, -0.00071117282, -0.012105681, -0.011394508, -0.055321332, -0.04392682, -0.04392682, 0.035414685, 0.035414685, 0.1187887, 0.083374016, 0.087405503, 0.0040314896, 0.0040314896, 0.035414685, 0.035414685, 0.1187887, 0.083374016, 0.087405503, 0.0040314896, 0.0040314896},
    repr = 'AdaptiveAvgPool2d(output_size=(2, 3))',
  },
  adaptive2d_none = {
    y = {0.4345575, -0.1260056, 0.79885942, 0.050690711, -0.3258473, -1.0002766, 0.40422487, 0.20950645, 0.24730946, 0.37047964, -0.17577064, -1.1907196, 0.5088957, -0.33505678, -0.39140064, 0.21050775, -0.39465305, 0.068791784, -0.7492758, 0.032660678, 0.0066122413, -0.50128156, -0.39853486, 0.40339735, -0.065870978, -0.75354159, 0.63739932, 0.15766507, 1.0084579, 0.070876293, -0.73173869, 0.2392932, 0.8347469, -0.17474514, 0.23511401, -0.044169426, 0.48171288, 0.040501669, -0.22979444, 0.057950959},
    shape = {2, 2, 5, 2},
    repr = 'AdaptiveAvgPool2d(output_size=(None, 2))',
  },
  adaptive1d = {
    y = {0.31969681, 0.33204806, -0.42772064, 0.45273089, 0.13743849, -0.5448274, 0.28207138, -1.1079478, -0.61716765, 0.56356406, 0.40404817, 0.30393949, 0.1352412, 0.048235852, 0.29946813, 0.047198612, -0.92388231, -1.3060666, 0.70923871, -0.59077018, -0.41603127, -0.619708, -0.41905534, 0.18283653, -0.1502105, 0.25700673, 0.46771595, -1.2315979, -0.53134185, -0.18901588},
    repr = 'AdaptiveAvgPool1d(output_size=3)',
  },
  bn1d = {
    y1 = {-0.016954215, -0.13319908, -2.6177974, 2.5799055, -0.38856789, -1.4162005, -0.93228173, 0.41827035, 0.096844032, -1.2306694, 0.90349656, 2.7371542},
    gx = {0.693178, 0.045204077, -0.31446913, -0.030540867, -0.12630135, 0.73308772, -2.429533, 0.23968643, -0.51539254, 1.7668958, -0.1585892, 0.096774004},
    gw = {-0.013909079, 4.4693084, -0.3602148},
    gb = {-1.1039126, -0.54546958, 3.4635372},
    y2 = {1.4507881, 0.18538828, -0.71741903, 0.39390671, 2.1625898, 0.14384352, 0.055686422, 1.727653, 0.27206436, 0.24495545, 1.6665366, -2.7988122, -0.056589741, 0.11134522, 0.48824441, -0.43410638, 2.1623771, -1.3932525, -3.5006094, 0.82633805, 0.38053063, 0.97182387, -1.3463271, -2.9969552},
    rm = {-0.066762857, 0.032167945, 0.082920127},
    rv = {0.99427056, 0.92775619, 1.0466655},
    nbt = {2},
    y3 = {-0.86107391, -0.13323638, -1.5282205, 1.5704393, -0.33780146, -0.18373625, -1.7181209, 0.30852228, 1.5092316, -1.9975098, 0.69721633, 4.4635134},
    repr = 'BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    keys = {'weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'},
  },
  bn2d_cma = {
    y = {-1.5805085, 0.60942149, -2.0963409, 1.7942097, 0.45526409, 0.62393439, -0.51165783, -1.566806, -0.26196063, 0.54004121, -0.87965709, -0.10958842, -0.12828106, -0.4715623, 0.80391228, -0.45127031, 0.64483809, -1.6634544, 0.79949409, 0.6620279, 1.2502964, -0.95521724, -0.23202942, 0.59935319, 0.27953672, -0.11712961, 0.24811225, -0.21351318, -1.3695155, 1.165403, 2.3018985, 0.29561612, -1.0855701, -0.51107043, 1.5390947, -0.40732113},
    rm = {-0.21016479, 0.1297362},
    rv = {1.1144136, 1.4207032},
    nbt = {3},
    repr = 'BatchNorm2d(2, eps=0.001, momentum=None, affine=False, track_running_stats=True)',
    keys = {'running_mean', 'running_var', 'num_batches_tracked'},
  },
  bn2d_nostats = {
    y = {-0.22943816, -0.60423017, 1.6223384, -0.47459954, -0.88265318, -0.0022635821, 1.1890935, -0.65452015, 0.49202698, 0.71607572, 1.0038962, 0.00080451748, 2.1178052, -0.37736022, -1.2136133, -1.6042174, -0.37288284, -0.90378666, -1.6492704, 0.89892119, 0.36083236, -0.555516, 0.51395804, -0.044383813, -1.995219, 0.10816797, 1.9067557, 0.79669011, -0.43068647, 1.50687, -1.2995005, -0.48099405, -0.88946033, 0.071403943, 0.43558553, 0.92337},
    repr = 'BatchNorm2d(2, eps=1e-05, momentum=0.3, affine=True, track_running_stats=False)',
    keys = {'weight', 'bias'},
  },
  layernorm = {
    y = {-0.83885849, -0.38369396, 0.3599914, -0.065847166, 1.5428011, 0.079866685, 0.25430417, 1.0967119, 0.56542504, -2.6512561, 0.25003028, 3.1470413, -4.9027057, -0.86148018, 0.32153147, -0.47632521, 1.5555164, 0.085092112, -0.7362842, 2.2364321, -1.4195007, -2.6371732, 0.43882912, 1.3094981},
    gx = {0.21344465, 0.7530936, 0.40466645, -0.10877898, 0.47303799, 0.28626215, 2.4349828, -2.7103195, -1.1086159, 0.48447943, 0.50918555, -1.631439, 1.0416197, 1.1311291, 0.076300725, 0.14863214, -0.27525353, 0.80660588, -0.43509299, -2.1880929, -0.47903913, -0.85904533, 1.0781746, -0.045938343},
    gw = {-4.4015594, 0.3487137, -0.9808979, -0.95058441, -0.71541053, 0.17658275, 0.29568642, -0.90507793, 0.20835751, -0.84327543, -0.76538289, -0.42867896},
    gb = {-1.679881, 0.63371003, -1.3354672, -0.56823468, -1.1445129, -0.49935549, -0.74549532, 2.6454401, -0.95580977, -1.0121132, 0.7073949, 0.50426543},
    repr = 'LayerNorm((3, 4), eps=0.0001, elementwise_affine=True)',
    keys = {'weight', 'bias'},
  },
  layernorm_noaffine = {
    y = {-1.6633009, 0.10770953, 0.70202124, 0.85357034, 1.6647353, -0.79099536, -0.76921433, -0.10452538, 1.1994435, 0.48949331, -1.5135407, -0.17539595, 1.5932559, -1.1711912, -0.2303824, -0.19168229, 0.90046853, -0.67645562, 1.0512331, -1.275246, -0.54218465, 1.6313885, -1.0196543, -0.069549486},
    repr = 'LayerNorm((4,), eps=1e-05, elementwise_affine=False)',
    keys = {},
  },
  groupnorm = {
    y = {-1.3306916, 0.074568413, -0.54562688, 0.3992947, 0.71615022, 0.59664577, -0.33703265, 0.32096884, 1.3211515, 0.84879035, 1.5924642, -0.21907462, 0.3967039, -0.7350207, -0.55613238, 0.6096043, 0.50280225, 0.7938239, -0.67416352, 0.80900836, -0.39921907, 0.92678547, 0.21799096, -0.47590756},
    gx = {-0.38270071, -0.85987854, 0.91982734, 0.26899314, -0.034589082, 0.088347785, -2.8160539, 1.4595215, 0.3979584, 0.039970279, 1.6397424, -0.72113907, -0.31993866, 0.51596117, 0.021884099, -0.021031246, 0.14218917, -0.33906466, -1.0049909, 1.2329874, -0.78764975, 1.99195, -0.06513989, -1.3671566},
    gw = {-3.8438039, 4.6564317, 6.127214, 5.7717905},
    gb = {-0.84330642, -1.8579681, 2.1634543, 0.98650384},
    repr = 'GroupNorm(2, 4, eps=1e-05, affine=True)',
    keys = {'weight', 'bias'},
  },
  groupnorm_noaffine = {
    y = {-1.9090711, 1.0619982, -0.249249, 1.4742566, -1.6565349, -0.47573325, 0.7328648, 0.28278807, -0.40134266, 0.45469251, 0.9686588, -0.28332803, 1.8075811, -0.40356237, -0.054053549, -0.36114579, 0.61405158, -2.0432341, 1.1488495, -0.47697043, 0.84746146, 0.41988477, -0.36515865, -1.1337036},
    repr = 'GroupNorm(1, 4, eps=0.001, affine=False)',
    keys = {},
  },
  dropout = {
    y = {0, 1.4285715, 0, 0, 0, 0, 1.4285715, 0, 1.4285715, 0, 1.4285715, 1.4285715, 1.4285715, 1.4285715, 0, 1.4285715, 1.4285715, 0, 1.4285715, 1.4285715},
    repr = 'Dropout(p=0.3, inplace=False)',
    repr2 = 'Dropout(p=0.2, inplace=True)',
  },
  embedding = {
    w = {-1.2060709, 0.061670728, 1.1631553, 0, 0, 0, -2.132488, -0.52700049, -0.10209554, 0.0099088978, -0.44543967, -1.497586, -0.94747525, -0.61303818, -0.12905961},
    y = {-1.2060709, 0.061670728, 1.1631553, 0, 0, 0, -0.94747525, -0.61303818, -0.12905961, 0, 0, 0, 0.0099088978, -0.44543967, -1.497586, -1.2060709, 0.061670728, 1.1631553},
    gw = {-3.3148634, -0.44375592, -2.517931, 0, 0, 0, 0, 0, 0, -0.58280939, 0.62128913, -1.3076298, -1.7716925, 1.1106616, 0.086759597},
    repr = 'Embedding(5, 3, padding_idx=1)',
    keys = {'weight'},
  },
  embedding_maxnorm = {
    y = {0.10808492, -0.43749037, -0.76956218, 0.76061493, 0.26218581, 0.3447181, 0.10808492, -0.43749037, -0.76956218},
    w = {0.10808492, -0.43749037, -0.76956218, -0.19291413, -0.36257565, -2.8451076, 0.76061493, 0.26218581, 0.3447181, 0.075435266, -1.0766978, 0.12694147},
    repr = 'Embedding(4, 3, max_norm=1.0, norm_type=1.5, scale_grad_by_freq=True)',
  },
  embedding_neg = {
    repr = 'Embedding(6, 2, padding_idx=4)',
  },
  rnn_tanh = {
    out = {0.27626327, 0.38048747, -0.4452672, -0.058326054, -0.59401304, -0.041957006, 0.43765628, 0.16187613, 0.40877265, 0.51363993, -0.58442914, 0.08981777, -0.58090883, -0.050051056, 0.76367354, 0.20269841, 0.212669, 0.35988769, -0.30631205, -0.12547643, -0.24082226, 0.16391963, 0.28607738, -0.093476065, -0.28805575, 0.35855338, -0.6435802, -0.16459648, -0.26005527, 0.10815753, -0.40120181, 0.20524372, 0.13652915, 0.093951069, -0.63804334, 0.12382377, -0.37736678, -0.43408743, 0.0037339155, 0.078606963, -0.1481345, 0.54443699, -0.85514867, 0.046831377, -0.63927609, -0.38595775, 0.38405877, 0.47111857, 0.41342703, 0.25209713, -0.59121311, 0.58501571, -0.44554996, 0.11062478, 0.62239307, -0.14925678, 0.21011554, 0.47416553, -0.80889028, 0.28284517, -0.47561991, -0.070166759, 0.58899969, -0.14943327, -0.099367566, 0.63029981, -0.41753146, 0.20108987, -0.497545, -0.41254157, 0.22052082, 0.54493409, -0.39142275, 0.59915429, -0.5630964, -0.20299788, -0.26372036, -0.51573163, 0.052020755, -0.015806908},
    hn = {0.19947569, -0.48997033, -0.099518478, -0.60051453, 0.46588916, 0.7751084, -0.90084612, -0.92662048, 0.63216484, 0.49526921, -0.46855363, -0.1482963, 0.14053239, 0.29755372, -0.93026328, -0.14418302, -0.099367566, 0.63029981, -0.41753146, 0.20108987, -0.39142275, 0.59915429, -0.5630964, -0.20299788, -0.59401304, -0.041957006, 0.43765628, 0.16187613, -0.58090883, -0.050051056, 0.76367354, 0.20269841},
    gx = {-0.64719033, 0.89792681, 0.95210505, 0.3931163, -0.76320982, 0.58299577, 1.1851194, 0.24238719, 1.3437045, 0.63001853, -0.085884847, -0.4583537, 0.16331525, 0.08403521, 0.15872055, -0.041983321, -0.16179915, 0.43957287, -0.61769605, -0.030751638, -0.16469988, -0.083963931, 0.4009352, -0.39792594, 1.1530583, -0.34270331, 0.15723734, 0.6297639, -0.63725919, -0.26845804},
    keys = {'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse'},
    w_first = {-0.13410252, 0.20252252, -0.18964887, -0.49029922},
    w_last = {-0.22830737, 0.032566071, 0.32653922, 0.29052788},
    gw_first = {0.28740507, -4.2177305, 1.6138904, -0.48765454, 1.9896622, 3.5384471, -2.5603311, 2.9869797, -3.4524491, 1.5564144, 0.35989395, 2.2150242},
    gb_last = {-2.2122312, 2.6525784, 4.2143817, 2.7516978},
    repr = 'RNN(3, 4, num_layers=2, bidirectional=True)',
  },
  rnn_relu = {
    out = {0, 0.9712854, 1.2057129, 1.9514747, 0, 0, 0, 0, 0, 0, 0.27955812, 0, 0.21708001, 0.98571187, 0.30668607, 1.5252123, 0.038707376, 0.088823572, 0, 1.5014586, 0, 0, 0.26110095, 0.07291612, 0, 0.58784884, 0.52182019, 0.90270782, 0.057847872, 0, 0, 0},
    hn = {0.21708001, 0.98571187, 0.30668607, 1.5252123, 0.057847872, 0, 0, 0},
    gx = {0.58421934, -0.016663618, -0.32273352, 0, 0, 0, 0.22514611, -0.4581579, -0.095448524, 0.27257538, 0.21564272, -0.072599716, 1.0690072, -0.77797723, 1.4521902, 0.46667439, 0.42541552, 1.1153102, -0.11873116, 0.029212248, 0.44075173, -0.079704493, -0.23457152, -0.086183146},
    keys = {'weight_ih_l0', 'weight_hh_l0'},
    w_first = {-0.071741879, -0.21113741, -0.077573299, -0.14294761},
    w_last = {0.046570539, -0.478728, 0.40487957, 0.34443909},
    gw_first = {0.70366091, -1.148422, 1.5859785, -3.2436724, 1.4560722, -1.1824849, 4.6546068, 3.3255224, 1.5364428, 6.3570585, -4.6365347, 1.0017427},
    gb_last = {-0.22275834, 1.3166509, 0.40131524, 0.15463424, -0.51068318, -2.5212078, -0.42665368, -0.60955995, 0.23566854, 2.948349, 0.39615256, 2.5369873, -0.48325983, 3.9636817, -0.47052872, -6.0888782},
    repr = 'RNN(3, 4, bias=False, batch_first=True)',
  },
  lstm = {
    out = {-0.31643692, 0.012216966, -0.030983936, 0.2290304, -0.31764802, -0.29029763, 0.0062622284, -0.10434172, 0.14531715, -0.32196337, -0.29873854, -0.020607894, -0.13998103, 0.085491292, -0.231566, -0.29965219, -0.057386022, -0.15925474, 0.062892504, -0.16466786, -0.078972429, -0.45846325, -0.19988848, -0.18059871, -0.076126322, -0.17193821, -0.22193252, -0.17347823, -0.044267852, -0.12335099, -0.2107143, -0.15064019, -0.19652122, 0.038888011, -0.12348671, -0.23915312, -0.1386836, -0.19572312, 0.068430431, -0.1119681},
    hn = {0.23279463, -0.13913013, 0.049258471, 0.27836788, 0.27373686, 0.15243684, -0.23316897, 0.023626007, 0.26463988, 0.15469535, -0.29965219, -0.057386022, -0.15925474, 0.062892504, -0.16466786, -0.23915312, -0.1386836, -0.19572312, 0.068430431, -0.1119681},
    cn = {0.48691285, -0.23444077, 0.084874578, 0.51678532, 0.69154012, 0.28638762, -0.37545264, 0.038325407, 0.46514374, 0.3548671, -0.83221614, -0.10593026, -0.3676123, 0.16348079, -0.28271371, -0.60361338, -0.26528919, -0.4607659, 0.16945583, -0.19827475},
    gx = {0.062713757, -0.03718638, -0.086753838, 0.13994305, -0.066647805, -0.14839315, 0.16685058, -0.022953983, -0.16423336, 0.035873745, 0.011308921, -0.0070837298, 0.056820229, 0.0065096333, 0.050478667, 0.071754456, -0.014209649, 0.062870473, 0.062593132, 0.054038599, 0.10385404, 0.12350803, 0.034783214, 0.16202384},
    keys = {'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'},
    w_first = {0.23651268, -0.11175547, -0.38005581, 0.027532404},
    w_last = {0.36314183, 0.14800327, -0.020009438, 0.28792423},
    gw_first = {0.018294344, -0.03592068, 0.00017599146, -0.058200825, -0.040285498, -0.039452877, 0.018736275, 0.06932082, 0.008791687, -0.062513836, -0.039268687, -0.042852301, -0.0087216254, -0.066439241, -0.031215807, 0.017552681, -0.02024271, -0.0019888715, 0.069896109, 0.00091490569, 0.028482459, 0.017312281, -0.062262647, 0.010555665, -0.026433272, 0.015086117, 0.0011577099, 0.015944138, 0.022950307, 0.018940546, 0.067163549, -0.23446696, -0.041894652, 0.33015803, -0.9042092, -0.22632779, -0.32030162, -0.27708563, -0.22850779, -0.12746809, -0.014431232, -0.080216177, 0.065799914, 0.084625214, 0.028408675, 0.037211455, -0.035499536, 0.01317719, 0.0061228257, -0.0040581757, -0.013359363, 0.0033590151, 0.025666138, 0.01115448, -0.048765525, -0.058979824, -0.041816138, 0.05931814, -0.050702285, -0.016674474},
    gb_last = {-0.22236806, 0.011347357, 0.13390368, 0.32412738, -0.13636141, -0.2198824, 0.073417477, 0.17274883, 0.3208738, -0.74556309, 0.40004668, 0.07042098, -0.44343948, 2.5863659, 2.2871571, -0.2891005, 0.13913098, 0.2113021, 0.61540598, -0.40567982},
    repr = 'LSTM(3, 5, num_layers=2, batch_first=True)',
  },
  lstm_proj = {
    out = {-0.037918448, -0.016128521, -0.19767655, -0.11711646, -0.12365414, 0.063561738, -0.15545411, -0.055629477, -0.088697262, 0.018076271, -0.064271159, 0.036509659, -0.036640573, 0.00060190156, -0.079675883, 0.053315252},
    hn = {-0.036640573, 0.00060190156, -0.19767655, -0.11711646},
    cn = {-0.08506836, -0.4233757, -0.058218408, -0.2273524, -0.47147214, 0.50111389, 0.70442021, -0.4652729},
    gx = {-0.10899875, -0.32583034, -0.090058893, 0.18473293, 0.10157154, -0.056616064, 0.13871618, 0.071066447, -0.021442695, 0.099754535, 0.1306365, 0.087107509},
    keys = {'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse'},
    w_first = {0.25177789, -0.30710995, -0.43710554, 0.41175169},
    w_last = {0.19270891, 0.288176, -0.14113057, 0.49291456},
    gw_first = {-0.0086196559, -0.029066384, 0.079748586, -0.052847989, 0.0013060267, -0.045070045, 0.010013836, 0.029296892, -0.0084716706, 0.014604188, 0.058500074, -0.062377665, 0.019422015, -0.0014495893, 0.0048440546, -0.071556635, 0.0077250213, -0.021286473, 0.00080346182, -0.0064490945, 0.0020843968, -0.0079480466, -0.0045078862, 0.014399488, 0.25957075, -0.18579035, -0.29567468, 0.14047952, 0.0291526, 0.032785561, -0.21858513, -0.055664659, 0.020240095, -0.013445256, 0.0015713836, -0.18730307, 0.0093606161, -0.052325316, 0.1452162, -0.083780944, -0.041554064, 0.027916264, 0.01234737, 0.019895151, -0.012539982, 0.0070333597, 0.021738274, -0.0079271225},
    gb_last = {0.68862981, 0.15313268, -0.1040228, 0.60387713, 0.069512919, -0.39794552, -0.46847719, 0.33965561},
    repr = 'LSTM(3, 4, proj_size=2, bidirectional=True)',
  },
  gru = {
    out = {-0.30580622, -0.13875005, 0.51227939, -0.25068179, 0.13173619, 0.60483325, -0.55394268, -0.20280789, -1.9481639, -0.38325, 0.63840032, -0.23495278, -0.25286227, 0.53073311, -0.4115034, -0.51511335, -0.45518985, -0.16246201, 0.5172317, 0.050525248, 0.11141646, 0.57035732, -0.42066118, -0.37414128, -1.3272641, -0.31342936, 0.59065294, -0.0055521131, -0.07740254, 0.59173584, -0.41449305, -0.40881228, -0.52791482, -0.36693177, 0.55707866, 0.28868037, -0.064684294, 0.46659011, -0.28322002, -0.40318704, -0.79553276, -0.20378733, 0.5153389, 0.11674225, -0.081757724, 0.6227898, -0.31380573, -0.20520377, -0.42650208, -0.4084754, 0.58293217, 0.40119082, -0.13367943, 0.31550199, 0.060569763, -0.62007588, -0.26560721, -0.15692849, 0.40258569, 0.18496373, 0.047096193, 0.63523269, -0.025574625, 0.16322654},
    hn = {0.52573252, 0.19143897, 0.51366502, -0.00039955974, 0.18612295, 0.56187767, -0.47002125, 0.51467419, 0.030872792, 0.30903301, -0.61965644, 0.23090434, 0.30262178, 0.18423538, -0.16261166, 0.31798071, -0.42650208, -0.4084754, 0.58293217, 0.40119082, -0.26560721, -0.15692849, 0.40258569, 0.18496373, 0.13173619, 0.60483325, -0.55394268, -0.20280789, -0.25286227, 0.53073311, -0.4115034, -0.51511335},
    gx = {-0.33110961, -0.27552032, 0.52145624, -0.4776032, -0.3697857, -0.16094622, -0.32088619, -0.11580124, 0.38100541, -0.16569164, -0.13075335, 0.043834001, -0.4283343, 0.45832485, 0.12266972, -0.13568179, -0.31901756, 0.16129914, -0.25555438, 0.51223111, 0.097441114, -0.17857581, 0.19544041, 0.052901596},
    keys = {'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse'},
    w_first = {0.33134776, 0.056476474, 0.4642185, -0.0013780594},
    w_last = {0.22584838, -0.011938512, 0.13774627, -0.056322694},
    gw_first = {-0.028932057, 0.012717245, -0.050373822, -0.035462294, -0.039398205, -0.16126055, -0.20602971, 0.21643531, -0.21469529, -0.011270096, 0.041501541, 0.11028598, 0.028295787, -0.12824614, 0.03518232, 0.057743203, -0.16694443, -0.14685832, 0.010003627, -0.24142718, 0.3569203, 0.41791233, 0.045621626, -0.69959944, -0.48899168, 0.60876071, 0.072632775, -0.48264766, -0.15462337, -1.3262568, -1.6455505, 2.0794218, -1.1425562, 0.42226848, -0.29624701, 0.89555693},
    gb_last = {-0.016799815, -0.070512332, -0.034408532, 0.029708747, -0.31217432, -0.17423022, 0.13099572, -0.3506431, -0.50315237, 0.45731854, 0.86152965, 0.41122705},
    repr = 'GRU(3, 4, num_layers=2, bidirectional=True)',
  },
  gru_dropout = {
    out = {-0.10921344, 0.14820252, -0.095117003, -0.2199491, 0.21223713, -0.044101998, -0.1590419, 0.30726361, -0.23998068, -0.32292736, 0.31078684, 0.0052662939, -0.12271262, 0.35069269, -0.41795969, -0.2881529, 0.36717647, -0.18415287, -0.24223986, 0.45262477, -0.30344489, -0.36325833, 0.37170875, -0.094498813},
    hn = {0.63136125, -0.067719132, -0.21100444, 0.19997725, -0.024780475, 0.2092354, -0.43961403, -0.46550405, 0.41456541, -0.41573632, -0.35839492, 0.38864037, -0.24223986, 0.45262477, -0.30344489, -0.36325833, 0.37170875, -0.094498813},
    out_eval = {-0.16196537, 0.16701199, -0.10462923, -0.16749457, 0.17502934, -0.090146691, -0.27280217, 0.1919205, -0.23751341, -0.29258406, 0.2445884, -0.14830013, -0.35146767, 0.20087397, -0.34634143, -0.38112247, 0.26519048, -0.21527913, -0.42238414, 0.24924853, -0.36264926, -0.44540995, 0.28505924, -0.2533496},
    repr = 'GRU(2, 3, num_layers=3, dropout=0.5)',
  },
  lstmcell = {
    h = {-0.030136142, 0.13396366, -0.12321904, 0.011337208, -0.46303946, -0.44171029, -0.13529502, -0.20353815},
    c = {-0.054715224, 0.2796765, -0.21924293, 0.022445515, -1.7863523, -0.77938575, -0.21385357, -0.41207793},
    gx = {0.79111832, 0.18736735, -0.93796426, 0.81832033, -0.23851641, -0.61906719},
    repr = 'LSTMCell(3, 4)',
    keys = {'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'},
  },
  grucell = {
    h = {-0.10575482, -1.6094524, -1.7778337, -0.2603153},
    gx = {0.13532698, -0.24545757, -0.10591736},
    repr = 'GRUCell(3, 4, bias=False)',
  },
  rnncell = {
    h = {0.59909403, 0, 0.6437335, 0, 0.18044925, 0, 0, 0},
    repr = 'RNNCell(3, 2, nonlinearity=relu)',
  },
  mha = {
    ipw = {0.47315183, 0.28681767, 0.480928, 0.47612873, -0.42685655, 0.16936186},
    opw = {-0.27022064, -0.078150332, -0.22497463, 0.017265201},
    out = {-0.025665035, 0.17037292, -0.061530933, -0.19544247, -0.0030414113, -0.013018449, -0.051123966, 0.15830435, 0.0060760169, 0.077898115, 0.0020157835, -0.035530329, 0.17237316, 0.10299392, 0.22681743, 0.29973659, -0.020088041, 0.015752168, 0.014433273, 0.077412292, -0.074515216, -0.14090341, -0.093802594, 0.043282669},
    w = {0.60216796, 0.22675271, 0.17107928, 0.42089221, 0.31148946, 0.2676183, 0.30014044, 0.39754528, 0.30231425, 0.36140496, 0.24973506, 0.38885999, 0.17378676, 0.46716207, 0.35905117, 0.6525861, 0.15314513, 0.19426878},
    gx = {0.041161526, 0.31561458, 0.4012841, 0.16510502, 0.036253169, -0.32900903, 0.28632611, 0.032092173, 0.010240027, 0.24893691, -0.1779653, 0.33907279, 0.078319788, -0.052471392, 0.1338513, -0.20430104, 0.32686651, -0.15693183, 0.01308412, 0.37663484, 0.082354635, -0.19420879, 0.52235991, -0.31585276},
    gipw = {0.94452178, -0.14230219, -0.73894554, -0.31187713, 0.35933065, -0.027017763, -0.26754791, -0.1129111, -0.048296012, -0.087335154, 0.10695564, -0.13453725, 0.17521909, -0.42904693, -0.1300178, -0.27233467, 0.74703556, 0.010466748, -1.1485717, -0.63336742, 1.914305, -0.38041568, -2.3861532, -0.54979199, -0.15634248, 0.76016814, -0.2512159, -0.30880508, 0.36114764, -0.031141929, -0.39949661, 0.016115937, 0.75858486, -0.070087582, -0.7619912, 0.19607277, 0.44258204, 1.4769759, -0.50455099, -0.86296058, 1.4460398, 0.20989786, -1.8222034, -1.770202, 0.2766484, -0.25764591, -0.4073509, -0.34888741},
    gopb = {-1.1206958, 1.346699, 3.3412046, 3.7823734},
    repr = 'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n)',
    keys = {'in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'},
  },
  mha_masks = {
    out = {-0.032316174, 0.21031886, 0.12194878, 0.30084682, -0.054279163, 0.15493715, -0.16003585, 0.51945478, -0.073446967, 0.20691241, -0.049577422, 0.26799783, 0.086518958, -0.048169378, 0.24529395, 0.012176673, 0.14468965, -0.27721021, 0.3889727, -0.07778696, -0.076599963, 0.14317694, -0.16844992, 0.20005105},
    w = {0.48765752, 0, 0, 0.51234239, 0, 0.5139026, 0.4860974, 0, 0, 0, 0.39493433, 0.30151513, 0, 0.3035506, 0, 0.5006125, 0, 0, 0.4993875, 0, 0.4256351, 0.57436496, 0, 0, 0, 0.35113195, 0.3179487, 0, 0.33091941, 0, 0.23780921, 0, 0.24383484, 0.25488779, 0.26346824, 0.25438473, 0.25767931, 0.30997634, 0, 0.17795964, 0.21027589, 0.2120101, 0.24167202, 0.17294791, 0.16309415, 0.41009912, 0, 0.18181801, 0.22880112, 0.17928176, 0.88344759, 0.031223204, 0.049918715, 0, 0.035410415, 0.02623548, 0.32343751, 0.24020672, 0.13546859, 0.27465162},
  },
  mha_float_mask = {
    out = {0.23784293, -0.12350393, 0.66441363, 0.18079732, 0.070486337, 0.021395979, 0.25523809, 0.16816324, 0.075220741, -0.019401303, 0.19661552, 0.012084224, 0.023445422, 0.17684436, 0.28297171, -0.0038404763, 0.17355247, -0.059873365, 0.089109406, 0.3360883, 0.088414073, -0.057390288, 0.14655542, 0.07928104},
    w = {0.022872094, 0.12524036, 0.045450013, 0.21972856, 0.58670896, 0.12595645, 0.084029533, 0.46348304, 0.12839741, 0.19813359, 0.19511199, 0.25804156, 0.082602099, 0.35833371, 0.10591064, 0.037803929, 0.14278069, 0.032076005, 0.2532295, 0.53410983, 0.40474719, 0.040321082, 0.38759154, 0.082086846, 0.085253403, 0.11142466, 0.4079043, 0.073399007, 0.31631023, 0.090961769},
  },
  mha_kv = {
    qw = {-0.52757221, 0.61239427, 0.11528648, -0.43056348},
    bk = {-0.069195427, -0.27862287, 0.45834672, -0.62489361},
    out = {-0.01173215, -0.089858189, 0.098001547, 0.0020791825, -0.0057995673, -0.12113915, 0.13957772, -0.020700524, -0.011165037, -0.11327004, 0.13091102, -0.02293353},
    w = {0.49579924, 0.21842194, 0.13329197, 0.15248686, 0.42028487, 0.36020255, 0.1307732, 0.088739425, 0.42668697, 0.34787542, 0.11319211, 0.11224542},
    gq = {-0.01703676, 0.028890021, 0.019844892, 0.0039125765, -0.013245201, 0.034433883, 0.016607624, 0.0027671293, -0.012061217, 0.030729124, 0.015169913, 0.0028272574},
    gbv = {-0.12296419, 0.079383224, -0.28929198, -0.13958502},
    keys = {'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'bias_k', 'bias_v', 'out_proj.weight'},
    repr = 'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=False)\n)',
  },
  mha_dropout = {
    out = {0.41334787, 0.12743334, 0.15380368, -0.24294749, 0.37916598, 0.24074988, -0.27449265, -0.33991221, 0.62914765, 0.1224022, 0.046833679, -0.32108551},
    w = {0.37229043, 0.35845253, 0.23542558, 0.36593065, 0.34390324, 0, 0.35730138, 0, 0.63257551},
    out2 = {0.64973968, -0.050866239, 0.13875887, -0.21372958, 0.63670838, 0.020893659, -0.15742905, -0.30232039, 0.30446663, 0.13802189, -0.03843376, -0.19292666},
  },
  tel = {
    l1w = {-0.34278142, -0.35816693, -0.47560477, 0.37859243},
    l2b = {-0.26894081, 0.14059752, 0.14830214, -0.15662064},
    y = {-1.4103754, 0.51075631, 1.2699584, -0.37033927, -1.6313556, -0.00081403641, 0.87380624, 0.75836343, -1.0315443, 1.3471029, -0.88969475, 0.57413608, -1.4538201, 1.3579198, -0.089590251, 0.18549064, 0.87597203, -1.0488369, 1.1154237, -0.94255877, -1.4044331, 1.3695532, 0.29244855, -0.25756863},
    gx = {-0.78453654, 0.5315696, -1.0412446, 1.1434119, 0.74311942, -0.24797703, -0.28252405, -0.74590135, -1.2152202, 0.60024625, 0.49269155, -0.16196729, 5.4397616, 6.769383, -3.1136355, -11.086117, 0.40749651, -0.80466485, 0.21919012, 0.64852542, 2.1169806, 1.9261997, -3.230643, -1.3314022},
    gipw = {0.14465541, -0.19589388, -0.061757382, 0.065740742, 0.027230024, 0.056679592, -0.022335617, 0.049092669},
    gl1b = {-0.17423972, 0, -0.21997863, 0, -0.23172024, -0.33316076},
    gn1w = {-0.18047975, 3.005538, -2.1481435, -0.20467174},
    repr = 'TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n  )\n  (linear1): Linear(in_features=4, out_features=6, bias=True)\n  (dropout): Dropout(p=0.0, inplace=False)\n  (linear2): Linear(in_features=6, out_features=4, bias=True)\n  (norm1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)\n  (norm2): LayerNorm((4,), eps=1e-05, elementwise_affine=True)\n  (dropout1): Dropout(p=0.0, inplace=False)\n  (dropout2): Dropout(p=0.0, inplace=False)\n)',
    keys = {'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias', 'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias'},
  },
  tel_gelu = {
    y = {-2.128752, 0.44609386, -2.1109934, -0.9014309, -0.69826096, 0.97714365, 1.0501146, -0.93351924, -0.76521754, 0.18962395, -2.5583963, -0.58228344, 1.0478569, 0.61433697, -1.9458091, -1.1449209, -0.14283195, -0.94933438, -0.49317095, -1.1868899, -1.8778901, -0.15436643, -0.28761864, 0.0149647},
    y2 = {-2.0267618, 0.95175344, -1.8645982, -0.66072458, -0.70122772, 0.90675229, 1.0202191, -0.99521506, -0.78197742, 0.17622755, -2.5006487, -0.64715827, 1.0615046, 0.68100518, -1.7321039, -1.2102274, -0.1396949, -0.91766423, -0.66619122, -1.0533655, -1.9068987, -0.17216083, -0.60139811, 0.1374771},
    repr = 'TransformerEncoderLayer(\n  (self_attn): MultiheadAttention(\n    (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n  )\n  (linear1): Linear(in_features=4, out_features=8, bias=True)\n  (dropout): Dropout(p=0.1, inplace=False)\n  (linear2): Linear(in_features=8, out_features=4, bias=True)\n  (norm1): LayerNorm((4,), eps=1e-06, elementwise_affine=True)\n  (norm2): LayerNorm((4,), eps=1e-06, elementwise_affine=True)\n  (dropout1): Dropout(p=0.1, inplace=False)\n  (dropout2): Dropout(p=0.1, inplace=False)\n)',
  },
  encoder = {
    y = {0.073961496, -0.34351179, 1.5204449, -1.2508944, 0.82888299, 0.12305955, 0.71664613, -1.6685888, -1.0923235, 1.624172, -0.14882734, -0.38302097},
    keys = {'layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias', 'layers.0.self_attn.out_proj.weight', 'layers.0.self_attn.out_proj.bias', 'layers.0.linear1.weight', 'layers.0.linear1.bias', 'layers.0.linear2.weight', 'layers.0.linear2.bias', 'layers.0.norm1.weight', 'layers.0.norm1.bias', 'layers.0.norm2.weight', 'layers.0.norm2.bias', 'layers.1.self_attn.in_proj_weight', 'layers.1.self_attn.in_proj_bias', 'layers.1.self_attn.out_proj.weight', 'layers.1.self_attn.out_proj.bias', 'layers.1.linear1.weight', 'layers.1.linear1.bias', 'layers.1.linear2.weight', 'layers.1.linear2.bias', 'layers.1.norm1.weight', 'layers.1.norm1.bias', 'layers.1.norm2.weight', 'layers.1.norm2.bias', 'norm.weight', 'norm.bias'},
  },
}
