-- torch.cuda and CUDA tensors: devices, copies, pinned memory, streams, events, the caching
-- allocator, creation on a device, autograd and nn across devices, Torch7's cutorch names.
--
-- Without a GPU every test here is reported as pending with the reason (ctest: skipped), never
-- passed silently; cuda_available_spec.lua checks that case itself.
local torch = require 'torch'
local H = dofile('test/spec_helpers.lua')
local err = H.err

local available, reason = torch.cuda.is_available()

if not available then
  describe('torch.cuda on a GPU', function()
    pending('no CUDA device: ' .. tostring(reason))
  end)
  return
end

local function same(a, b) return torch.equal(a:cpu(), b:cpu()) end

describe('torch.cuda on a GPU', function()
  it('reports devices', function()
    local n = torch.cuda.device_count()
    assert.is_true(n >= 1)
    assert.are.equal(0, torch.cuda.current_device())
    local p = torch.cuda.get_device_properties(0)
    assert.are.equal('string', type(p.name))
    assert.is_true(p.total_memory > 0 and p.multi_processor_count > 0)
    local major = torch.cuda.get_device_capability()
    assert.is_true(major >= 8)
    assert.are.equal(p.name, torch.cuda.get_device_name(0))
    assert.are.equal(string.format('[zeros] invalid device cuda:%d: this machine has %d CUDA device%s', n, n,
      n == 1 and '' or 's'), err(function() return torch.zeros(1, { device = 'cuda:' .. n }) end))
  end)

  it('moves tensors both ways, across dtypes and layouts', function()
    local x = torch.arange(12, { dtype = torch.float64 }):reshape(3, 4)
    local g = x:cuda()
    assert.is_true(g.is_cuda)
    assert.are.equal('cuda:0', tostring(g.device))
    assert.are.equal(torch.float64, g.dtype)
    assert.is_true(torch.equal(x, g:cpu()))
    assert.is_true(torch.equal(x:t(), g:t():cpu()))                      -- non-contiguous device -> host
    assert.is_true(torch.equal(x:t():contiguous(), x:t():cuda():cpu()))   -- non-contiguous host -> device
    assert.is_true(torch.equal(x:float(), g:to(torch.float32):cpu()))     -- dtype on the device
    assert.is_true(torch.equal(x:int(), x:to({ device = 'cuda', dtype = torch.int32 }):cpu()))
    for _, dt in ipairs({ torch.float16, torch.bfloat16, torch.int8, torch.uint8, torch.int16, torch.int64, torch.bool }) do
      local h = x:to(dt)
      assert.is_true(torch.equal(h, h:cuda():cpu()), tostring(dt))
      assert.is_true(torch.equal(h, g:to(dt):cpu()), tostring(dt))
    end
    local dst = torch.zeros(4, 3, { device = 'cuda' })
    dst:copy_(x:t())                                                      -- host -> device copy_
    assert.is_true(torch.equal(x:t():float(), dst:cpu()))
    local back = torch.zeros(3, 4, { dtype = torch.int64 })
    back:copy_(g)                                                         -- device -> host with conversion
    assert.is_true(torch.equal(x:long(), back))
    assert.is_true(torch.equal(torch.ones(2, 3), torch.ones(3):cuda():expand(2, 3):cpu()))
    assert.are.equal(5, torch.tensor({ 5 }):cuda():item())
    assert.are.same({ { 0, 1, 2, 3 } }, g:narrow(1, 1, 1):tolist())
    assert.is_true(tostring(g):find("device='cuda:0'", 1, true) ~= nil)
    local empty = torch.zeros(0, 3):cuda()
    assert.are.same({ 0, 3 }, { empty.shape[1], empty.shape[2] })
  end)

  it('creates tensors on the device', function()
    assert.is_true(torch.zeros(2, 3, { device = 'cuda' }).is_cuda)
    assert.is_true(same(torch.full({ 2, 2 }, 7), torch.full({ 2, 2 }, 7, { device = 'cuda' })))
    assert.is_true(same(torch.arange(0, 10, 3), torch.arange(0, 10, 3, { device = 'cuda' })))
    assert.is_true(same(torch.linspace(0, 1, 5), torch.linspace(0, 1, 5, { device = 'cuda' })))
    assert.is_true(same(torch.eye(3), torch.eye(3, { device = 'cuda' })))
    local r = torch.rand(1000, { device = 'cuda' })
    assert.is_true(r.is_cuda and r:min():item() >= 0 and r:max():item() < 1)
  end)

  it('pins host memory and copies without blocking', function()
    local p = torch.arange(2 ^ 20, { dtype = torch.float32 }):pin_memory()
    assert.is_true(p:is_pinned())
    assert.is_true(torch.zeros(3, { pin_memory = true }):is_pinned())
    local g = p:cuda({ non_blocking = true })
    local back = torch.empty(2 ^ 20, { pin_memory = true })
    back:copy_(g)
    torch.cuda.synchronize()
    assert.is_true(torch.equal(p, back))
    assert.are.equal('[pin_memory] only CPU tensors can be pinned; this one is on cuda:0',
      err(function() return g:pin_memory() end))
  end)

  it('runs work on streams and times it with events', function()
    local s = torch.cuda.Stream()
    assert.is_true(s ~= torch.cuda.default_stream())
    local start, stop = torch.cuda.Event({ enable_timing = true }), torch.cuda.Event({ enable_timing = true })
    local y = torch.cuda.stream(s, function()
      assert.is_true(torch.cuda.current_stream() == s)
      start:record()
      local a = torch.ones(1000, 1000, { device = 'cuda' })
      local r = a * 2 + 1
      stop:record()
      return r
    end)
    assert.is_true(torch.cuda.current_stream() == torch.cuda.default_stream())
    torch.cuda.current_stream():wait_stream(s)
    stop:synchronize()
    assert.is_true(stop:query())
    assert.is_true(start:elapsed_time(stop) >= 0)
    assert.are.equal(3, y[1][1]:item())
    s:synchronize()
    assert.is_true(s:query())
    assert.are.equal('[cuda] elapsed_time needs both events created with enable_timing=true',
      err(function() return torch.cuda.Event():elapsed_time(stop) end))
  end)

  it('caches device memory and survives running out of it', function()
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    local base = torch.cuda.memory_allocated()
    local t = torch.empty(1024, 1024, { device = 'cuda' }) -- 4 MiB
    assert.is_true(torch.cuda.memory_allocated() >= base + 4 * 1024 * 1024)
    assert.is_true(torch.cuda.memory_reserved() >= torch.cuda.memory_allocated())
    t = nil
    collectgarbage(); collectgarbage()
    assert.are.equal(base, torch.cuda.memory_allocated())
    assert.is_true(torch.cuda.memory_reserved() >= 4 * 1024 * 1024) -- cached, not freed
    local mallocs = torch.cuda.memory_stats().num_cuda_mallocs
    local again = torch.empty(1024, 1024, { device = 'cuda' })
    assert.are.equal(mallocs, torch.cuda.memory_stats().num_cuda_mallocs) -- reused
    assert.is_true(torch.cuda.max_memory_allocated() >= 4 * 1024 * 1024)
    again = nil
    collectgarbage(); collectgarbage()
    torch.cuda.empty_cache()
    assert.are.equal(0, torch.cuda.memory_reserved() - torch.cuda.memory_allocated())
    local msg = err(function() return torch.empty(2 ^ 50, { device = 'cuda', dtype = torch.uint8 }) end)
    assert.is_true(msg:find('[cuda] out of memory: tried to allocate', 1, true) ~= nil, msg)
    assert.is_true(same(torch.ones(3), torch.ones(3, { device = 'cuda' }))) -- still usable
  end)

  it("runs Torch7's cutorch and cunn names", function()
    local cutorch = require 'cutorch'
    require 'cunn'
    assert.are.equal(torch.cuda.device_count(), cutorch.getDeviceCount())
    assert.are.equal(1, cutorch.getDevice())
    cutorch.setDevice(1)
    assert.are.equal(0, torch.cuda.current_device())
    assert.is_true(cutorch.getDeviceProperties(1).totalGlobalMem > 0)
    local x = torch.CudaTensor(2, 3):fill(1)
    assert.is_true(x.is_cuda)
    assert.are.equal('torch.CudaTensor', x:type())
    assert.are.equal('torch.CudaTensor', torch.typename(x))
    assert.are.equal('torch.CudaLongTensor', torch.CudaLongTensor({ 1, 2 }):type())
    assert.are.equal('torch.FloatTensor', x:type('torch.FloatTensor'):type())
    assert.are.equal('torch.CudaDoubleTensor', torch.ones(2):type('torch.CudaDoubleTensor'):type())
    local mlp = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh()):cuda()
    local crit = nn.MSECriterion():cuda()
    local out = mlp:forward(x)
    local loss = crit:forward(out, torch.CudaTensor(2, 2):zero())
    mlp:zeroGradParameters()
    mlp:backward(x, crit:backward(out, torch.CudaTensor(2, 2):zero()))
    mlp:updateParameters(0.1)
    assert.is_true(loss >= 0)
    cutorch.synchronize()
  end)

  it('refuses to mix devices in one op', function()
    local a, b = torch.ones(3), torch.ones(3, { device = 'cuda' })
    local msg = err(function() return a + b end)
    assert.is_true(msg:find('cuda:0', 1, true) ~= nil and msg:find('cpu', 1, true) ~= nil, msg)
    -- a 0-dim CPU tensor joins as a number does, but is no in-place target for GPU operands
    local two = torch.tensor(2.0)
    assert.is_true(same(torch.full({ 3 }, 2.0), b * two))
    assert.is_true(same(torch.full({ 3 }, 3.0), two + b))
    assert.is_true((b * two).is_cuda)
    msg = err(function() return two:add_(b) end)
    assert.is_true(msg:find('two devices', 1, true) ~= nil, msg)
  end)

  it('differentiates across devices', function()
    local x = torch.tensor({ 1.0, 2.0, 3.0 }, { requires_grad = true })
    local y = (x:cuda() * 2):sum()
    y:backward()
    assert.is_false(x.grad.is_cuda)
    assert.is_true(torch.equal(torch.tensor({ 2.0, 2.0, 2.0 }), x.grad))
    local w = torch.tensor({ 1.0, -1.0 }, { device = 'cuda', requires_grad = true })
    local z = (w:cpu() * torch.tensor({ 3.0, 4.0 })):sum()
    z:backward()
    assert.is_true(w.grad.is_cuda)
    assert.is_true(same(torch.tensor({ 3.0, 4.0 }), w.grad))
  end)

  it('trains a model on the GPU like on the CPU', function()
    local nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    local cpu_model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    local gpu_model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    gpu_model:load_state_dict(cpu_model:state_dict())
    gpu_model:cuda()
    assert.is_true(gpu_model[1].weight.is_cuda)
    local x, y = torch.randn(32, 4), torch.randn(32, 1)
    local gx, gy = x:cuda(), y:cuda()
    local o1 = optim.SGD(cpu_model:parameters(), { lr = 0.1, momentum = 0.9 })
    local o2 = optim.SGD(gpu_model:parameters(), { lr = 0.1, momentum = 0.9 })
    for _ = 1, 5 do
      o1:zero_grad(); o2:zero_grad()
      nn.functional.mse_loss(cpu_model(x), y):backward()
      nn.functional.mse_loss(gpu_model(gx), gy):backward()
      o1:step(); o2:step()
    end
    local a, b = cpu_model[1].weight, gpu_model[1].weight:cpu()
    assert.is_true(((a - b):abs():max()):item() < 1e-5)
    gpu_model:cpu()
    assert.is_false(gpu_model[1].weight.is_cuda)
  end)
end)
