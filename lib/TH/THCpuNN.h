/* THCpuNN.h (internal): what the CPU kernels of the neural-network ops (THCpuNN*.c) share. */
#ifndef TH_CPU_NN_H
#define TH_CPU_NN_H

#include <omp.h>
#include "THNN.h"

/* Runs fn(ctx, lo, hi) over [0, n) split into one contiguous range per thread when the total
 * work (n * cost) is large enough to pay for a parallel region, else once over everything. */
typedef void (*THNNRangeFn)(void *ctx, int64_t lo, int64_t hi);
static inline void THNN_parallel(int64_t n, int64_t cost, THNNRangeFn fn, void *ctx) {
  if (n > 1 && n * (cost > 0 ? cost : 1) > TH_PARALLEL_GRAIN && !omp_in_parallel() &&
      omp_get_max_threads() > 1) {
#pragma omp parallel
    {
      int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t lo = n * t / nt, hi = n * (t + 1) / nt;
      if (lo < hi) fn(ctx, lo, hi);
    }
  } else if (n > 0) {
    fn(ctx, 0, n);
  }
}

#endif
