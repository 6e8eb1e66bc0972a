-- G2 add_large: c = a + b on 2^26 float32 CUDA elements (a fresh c each time, from the caching
-- allocator), GB/s counting 3 * 256 MiB moved; median of 20 after 3 warm-up.
-- G2_ref: a device-to-device cudaMemcpy of 256 MiB (read + write), the target's yardstick
-- (G2 should reach 80% of it).
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
local cuda = bench.need_cuda()

local N = 2 ^ 26
local a = torch.ones(N, { device = 'cuda' })
local b = torch.ones(N, { device = 'cuda' })
local c
local t = bench.cuda_median(20, function() c = a + b end, 3)
bench.report(3 * N * 4 / t / 1e9)
bench.report(cuda._need('G2').reference_copy(N * 4, 20), 'G2_ref')
bench.done()
