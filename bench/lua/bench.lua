-- Helpers shared by the Lua side of the benchmark suite (bench/lua/<id>.lua).
--
--   local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
--   local t = bench.median(5, function() ... end)   -- seconds, median of 5 timed calls
--   bench.report(value)                             -- row <id> (the script's name)
--   bench.report(value, 'B12_rss')                  -- a named row
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

-- Flush and leave without closing the Lua state: lua_close() unloads torch.core (and with it
-- libgomp) while OpenMP worker threads are still parked, which can crash at exit. Exiting
-- directly also keeps teardown time out of the process's measured run.
function M.done()
  io.stdout:flush()
  io.stderr:flush()
  os.exit(0)
end

return M
