-- Helpers shared by the Lua side of the benchmark suite (bench/lua/<id>.lua).
--
--   local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
--   local t = bench.median(5, function() ... end)   -- seconds, median of 5 timed calls
--   bench.report(value)                             -- row <id> (the script's name)
--   bench.report(value, 'B12_rss')                  -- a named row
--   local step = bench.sgd_step(model, x, y)        -- one cross-entropy + SGD training step
--   bench.report_rss('B12_rss')                     -- the process's peak memory, MiB
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
