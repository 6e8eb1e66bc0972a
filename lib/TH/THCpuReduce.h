/* THCpuReduce.h (internal): the CPU reduction engine shared by THCpuReduce*.c.
 *
 * A reduction is described by its accumulator (THRedOps): an acc_size-byte state per output,
 * set to the identity by init, fed a strided row of one output's elements by row, fed a block
 * of rows into m outputs at once by cols (the "accumulate rows" form for reductions over
 * non-innermost dims), combined with a later partial state by merge, and turned into output
 * elements by finish.  THCpuReduce_run walks any strided input with these: dims sorted by
 * stride and coalesced, the innermost dim either reduced (row mode) or kept (column mode),
 * OpenMP over outputs or, when there are few outputs, over chunks of the reduced elements.
 */
#ifndef TH_CPU_REDUCE_H
#define TH_CPU_REDUCE_H

#include "THCpuLoops.h"
#include "THReduce.h"

/* Most outputs a cols call is given at once: a whole row of up to this many columns is read
 * sequentially, with per-column state in the caller's buffers. */
#define TH_RED_COLS 4096

typedef struct {
  int acc_size;
  int scratch_size; /* bytes per column of the scratch buffer a cols call is given */
  /* m accumulators at acc <- identity */
  void (*init)(void *acc, int64_t m, const THReduceArgs *a);
  /* acc <- acc (+) x[0], x[stride], ... x[(n-1)*stride]; element k has index idx0 + k */
  void (*row)(void *acc, const char *x, int64_t stride, int64_t n, int64_t idx0,
              const THReduceArgs *a);
  /* for j < m (<= TH_RED_COLS): acc[j] <- acc[j] (+) x[i*rstride + j*cstride], i < nrows,
   * row i having index idx0 + i; scratch holds m * scratch_size bytes */
  void (*cols)(void *acc, const char *x, int64_t rstride, int64_t nrows, int64_t cstride,
               int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a);
  /* acc[j] <- acc[j] (+) other[j], other covering later elements */
  void (*merge)(void *acc, const void *other, int64_t m, const THReduceArgs *a);
  /* outputs k < a->nout: out[k] + j*ostride[k] <- result of acc[j], j < m */
  void (*finish)(char *const *out, const int64_t *ostride, const void *acc, int64_t m,
                 const THReduceArgs *a);
  /* the accumulator tracks indices: dims are never merged or reordered across reduced dims */
  bool indexed;
} THRedOps;

/* Runs a reduction (a->x, a->reduced, a->out) with the accumulator ops; TH_ERROR (out of
 * memory for its buffers) leaves the outputs unspecified. */
int THCpuReduce_run(const THReduceArgs *a, const THRedOps *ops);

/* The accumulators, per op and input dtype (THCpuReduceAcc.c); NULL when unsupported. */
const THRedOps *THCpuReduce_ops(const THReduceArgs *a);

/* median / nanmedian / mode (THCpuReduceSelect.c). */
int THCpuReduce_select(const THReduceArgs *a);

/* PyTorch's cascade level: max(4, ceil(log2(n)) / 4). */
static inline int th_cascade_level(int64_t n) {
  int c = 0;
  while (c < 63 && ((int64_t)1 << c) < n) c++;
  return c / 4 > 4 ? c / 4 : 4;
}

#endif
