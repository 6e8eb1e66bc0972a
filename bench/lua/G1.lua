-- G1 sgemm_4096: C = A @ B on 4096x4096 float32 CUDA tensors (TF32 off), TFLOP/s, median of
-- 10 after 2 warm-up.  G1_ref: a plain cublasSgemm of the same size in the same process, the
-- target's yardstick (G1 should reach 85% of it).
local bench = dofile((arg[0]:match('^(.*)/') or '.') .. '/bench.lua')
local torch = require 'torch'
local cuda = bench.need_cuda()

local N = 4096
local a = torch.randn(N, N, { device = 'cuda' })
local b = torch.randn(N, N, { device = 'cuda' })
local c
local t = bench.cuda_median(10, function() c = a:mm(b) end, 2)
bench.report(2 * N ^ 3 / t / 1e12)
bench.report(cuda._need('G1').reference_sgemm(N, 10), 'G1_ref')
bench.done()
