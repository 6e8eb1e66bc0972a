-- `require 'cutorch'` (Torch7 scripts): Torch7's CUDA package, on top of torch.cuda.
--
-- As in Torch7, requiring it without a usable GPU is an error (saying why), and it sets the
-- global `cutorch`.  Device numbers are 1-based here, as they were in cutorch; torch.cuda's
-- are 0-based.  It adds the typed constructors torch.CudaTensor (float32),
-- torch.CudaDoubleTensor, torch.CudaLongTensor, ...: the CPU constructors' forms, on the GPU.
local torch = require 'torch'
local cuda = torch.cuda

local ok, why = cuda.is_available()
if not ok then error('cutorch: CUDA is not available: ' .. tostring(why), 2) end

local cutorch = {}

function cutorch.getDeviceCount() return cuda.device_count() end
function cutorch.getDevice() return cuda.current_device() + 1 end
function cutorch.setDevice(i) cuda.set_device(i - 1) end
function cutorch.synchronize() cuda.synchronize() end
function cutorch.synchronizeAll()
  for d = 0, cuda.device_count() - 1 do cuda.synchronize(d) end
end
function cutorch.manualSeed(seed) cuda.manual_seed(seed) end
function cutorch.manualSeedAll(seed) cuda.manual_seed_all(seed) end
function cutorch.initialSeed() return cuda.initial_seed() end

-- cutorch.getDeviceProperties(i): cutorch's field names
function cutorch.getDeviceProperties(i)
  local p = cuda.get_device_properties(i - 1)
  return { name = p.name, major = p.major, minor = p.minor, totalGlobalMem = p.total_memory,
    multiProcessorCount = p.multi_processor_count }
end

-- torch.CudaTensor(...) & co: the CPU constructor's result, moved to the current GPU
for dname, cuda_name in pairs(torch._cuda_legacy_names) do
  local short = cuda_name:match('^torch%.(.*)$')
  local cpu_ctor = torch[(torch.zeros(0, { dtype = torch[dname] }):type()):match('^torch%.(.*)$')]
  torch[short] = setmetatable({}, {
    __call = function(_, ...) return cpu_ctor(...):cuda() end,
    __index = torch.Tensor,
    __tostring = function() return cuda_name end,
  })
end

rawset(_G, 'cutorch', cutorch)
if rawget(_G, 'torch') == nil then rawset(_G, 'torch', torch) end
return cutorch
