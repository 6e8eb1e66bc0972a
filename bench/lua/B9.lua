-- B9 exp_large: c = exp(a) with 2^24 float32 elements (a fresh c each time, so the allocator's
-- caching counts). GB/s counting 2 * 64 MiB moved; median of 20 ops after 3 warm-up ops.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

local N, REPEATS, WARMUP = 2 ^ 24, 20, 3
-- values in [-10, 10): exp stays finite and every element takes the general code path
local a = torch.arange(N, { dtype = torch.float32 }):mul(20 / N):sub(10)

local c
local t = bench.median(REPEATS, function() c = torch.exp(a) end, WARMUP)
bench.report(2 * N * 4 / t / 1e9)
bench.done()
