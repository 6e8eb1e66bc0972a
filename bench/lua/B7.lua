-- B7 add_large: c = a + b with 2^24 float32 elements (a fresh c each time, so the allocator's
-- caching counts). GB/s counting 3 * 64 MiB moved; median of 20 ops after 3 warm-up ops.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

local N, REPEATS, WARMUP = 2 ^ 24, 20, 3
local a = torch.ones(N, { dtype = torch.float32 })
local b = torch.ones(N, { dtype = torch.float32 })

local c
local t = bench.median(REPEATS, function() c = a + b end, WARMUP)
bench.report(3 * N * 4 / t / 1e9)
bench.done()
