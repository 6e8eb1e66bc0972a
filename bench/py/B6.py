# B6 sgemm: C = A @ B for square float32 A, B of n = 256, 1024, 2048 (standard normal
# entries). GFLOP/s = 2 n^3 / t, t the median time of one product.
import torch
import bench

torch.manual_seed(0)
for n, repeats in ((256, 50), (1024, 15), (2048, 7)):
    a = torch.randn(n, n, dtype=torch.float32)
    b = torch.randn(n, n, dtype=torch.float32)
    t = bench.median(repeats, lambda: torch.mm(a, b), warmup=2)
    bench.report(2 * n ** 3 / t / 1e9, "B6_%d" % n)
