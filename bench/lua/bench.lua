-- Helpers shared by the Lua side of the benchmark suite (bench/lua/<id>.lua).
--
--   local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
--   local t = bench.median(5, function() ... end)   -- seconds, median of 5 timed calls
--   bench.report(value)                             -- row <id> (the script's name)
--   bench.report(value, 'B12_rss')                  -- a named row
--   local step = bench.sgd_step(model, x, y)        -- one cross-entropy + SGD training step
--   bench.report_rss('B12_rss')                     -- the process's peak memory, MiB
--   local model = bench.mlp() / bench.cnn()         -- the B10/G4 and B11/G5 models
--   local cuda = bench.need_cuda()                  -- torch.cuda, or exit quietly without a GPU
--   local t = bench.cuda_median(5, fn)              -- as median, waiting for the GPU each time
--   bench.done()                                    -- flush and exit
--
-- Protocol (read by bench/run): stdout carries only result lines, "<row> <number>".
local ffi = require 'ffi'

ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec_t;
int clock_gettime(int clk_id, bench_timespec_t *tp);
]]

local CLOCK_MONOTONIC = 1 -- Linux
local ts = ffi.new('bench_timespec_t')

local M = {}

M.id = (arg and arg[0] or 'B?'):match('([^/]+)%.lua$') or 'B?'

-- Monotonic wall clock in seconds.
function M.now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

function M.median_of(xs)
  local s = {}
  for i = 1, #xs do s[i] = xs[i] end
  table.sort(s)
  local n = #s
  if n % 2 == 1 then return s[(n + 1) / 2] end
  return (s[n / 2] + s[n / 2 + 1]) / 2
end

-- Calls fn() `warmup` times untimed, then `repeats` times timed; returns the median
-- duration in seconds.
function M.median(repeats, fn, warmup)
  for _ = 1, warmup or 1 do fn() end
  local ts_ = {}
  for r = 1, repeats do
    local t0 = M.now()
    fn()
    ts_[r] = M.now() - t0
  end
  return M.median_of(ts_)
end

function M.report(value, row)
  io.stdout:write(string.format('%s %.6g\n', row or M.id, value))
end

-- A training step of model on the batch (x, y): cross-entropy loss, SGD (lr 0.01), forward +
-- zero_grad + backward + step; returns the function doing one step (it returns the loss).
function M.sgd_step(model, x, y)
  local nn = require 'nn'
  local torch = require 'torch'
  local loss_fn = nn.CrossEntropyLoss()
  local optimizer = torch.optim.SGD(model:parameters(), { lr = 0.01 })
  return function()
    local loss = loss_fn(model(x), y)
    optimizer:zero_grad()
    loss:backward()
    optimizer:step()
    return loss
  end
end

-- The MLP of B10 and G4: 784-512-512-10 with ReLU.
function M.mlp()
  local nn = require 'nn'
  return nn.Sequential(
    nn.Linear(784, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 10))
end

-- The CNN of B11 and G5: conv(3->32, 3x3, pad 1)-ReLU-maxpool 2-conv(32->64, 3x3, pad 1)-ReLU-
-- maxpool 2-flatten-Linear(4096->10), for 3x32x32 inputs.
function M.cnn()
  local nn = require 'nn'
  return nn.Sequential(
    nn.Conv2d(3, 32, 3, { padding = 1 }), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, { padding = 1 }), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(4096, 10))
end

-- torch.cuda when a GPU is usable; otherwise says why on stderr and exits (no rows).
function M.need_cuda()
  local torch = require 'torch'
  local ok, why = torch.cuda.is_available()
  if not ok then
    io.stderr:write(M.id .. ': skipped: ' .. tostring(why) .. '\n')
    M.done()
  end
  return torch.cuda
end

-- median for GPU work: the device is drained before each timed call and waited for after it.
function M.cuda_median(repeats, fn, warmup)
  local cuda = require('torch').cuda
  return M.median(repeats, function()
    fn()
    cuda.synchronize()
  end, warmup)
end

-- The process's peak resident memory (VmHWM), MiB, or nil where /proc is missing.
function M.peak_rss_mib()
  local f = io.open('/proc/self/status')
  if not f then return nil end
  local s = f:read('*a')
  f:close()
  local kb = s:match('VmHWM:%s*(%d+)')
  return kb and tonumber(kb) / 1024
end

-- Reports the peak resident memory as the row `row`, where it is known.
function M.report_rss(row)
  local rss = M.peak_rss_mib()
  if rss then M.report(rss, row) end
end

-- Flush and leave without closing the Lua state: lua_close() unloads torch.core (and with it
-- libgomp) while OpenMP worker threads are still parked, which can crash at exit. Exiting
-- directly also keeps teardown time out of the process's measured run.
function M.done()
  io.stdout:flush()
  io.stderr:flush()
  os.exit(0)
end

return M
