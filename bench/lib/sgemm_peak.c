/* sgemm_peak.c: the machine's float32 GEMM throughput through OpenBLAS alone, the ceiling for
 * bench row B6 (torch.mm).  Square n x n products for n = 256, 1024, 2048 with OpenBLAS's
 * default thread count (OMP_NUM_THREADS), best and median of repeated runs.
 *
 *   cc -O2 -fopenmp bench/lib/sgemm_peak.c -o /tmp/sgemm_peak \
 *      -I/usr/include/x86_64-linux-gnu/openblas-openmp \
 *      -L/usr/lib/x86_64-linux-gnu/openblas-openmp -lopenblas \
 *      -Wl,-rpath,/usr/lib/x86_64-linux-gnu/openblas-openmp && /tmp/sgemm_peak
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  const int sizes[3] = {256, 1024, 2048}, reps[3] = {50, 15, 7};
  printf("# %s, %d threads\n", openblas_get_config(), openblas_get_num_threads());
  for (int s = 0; s < 3; s++) {
    int n = sizes[s];
    size_t nn = (size_t)n * n;
    float *a = malloc(sizeof(float) * nn), *b = malloc(sizeof(float) * nn), *c = malloc(sizeof(float) * nn);
    for (size_t i = 0; i < nn; i++) {
      a[i] = (float)((i * 7919) % 1000) / 1000.f - 0.5f;
      b[i] = (float)((i * 104729) % 1000) / 1000.f - 0.5f;
    }
    double t[64];
    for (int r = -2; r < reps[s]; r++) {
      double t0 = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      if (r >= 0) t[r] = now() - t0;
    }
    qsort(t, (size_t)reps[s], sizeof(double), cmp);
    double flop = 2.0 * n * n * n;
    printf("sgemm_peak_%d best %.1f GFLOP/s, median %.1f GFLOP/s\n", n, flop / t[0] / 1e9,
           flop / t[reps[s] / 2] / 1e9);
    free(a), free(b), free(c);
  }
  return 0;
}
