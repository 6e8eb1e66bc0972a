-- G3 sum_large: s = a:sum() over 2^26 float32 CUDA elements, GB/s counting 256 MiB read;
-- median of 20 after 3 warm-up.  G3_ref: as G2_ref (G3 should reach 80% of it).
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
local cuda = bench.need_cuda()

local N = 2 ^ 26
local a = torch.ones(N, { device = 'cuda' })
local s
local t = bench.cuda_median(20, function() s = a:sum() end, 3)
bench.report(N * 4 / t / 1e9)
bench.report(cuda._need('G3').reference_copy(N * 4, 20), 'G3_ref')
bench.done()
