-- B8 sum_large: s = a:sum() over 2^24 float32 elements. GB/s counting the 64 MiB read;
-- median of 20 ops after 3 warm-up ops.
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'

local N, REPEATS, WARMUP = 2 ^ 24, 20, 3
local a = torch.ones(N, { dtype = torch.float32 })

local s
local t = bench.median(REPEATS, function() s = a:sum() end, WARMUP)
assert(s:item() == N, 'B8: the sum of 2^24 ones must be exactly 2^24')
bench.report(N * 4 / t / 1e9)
bench.done()
