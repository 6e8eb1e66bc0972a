/* THIter.c: walks several equally-shaped (broadcast) operands element by element.
 *
 * Init orders the dims so that the output's smallest stride is innermost and merges dims
 * that are contiguous with each other in every operand, so a contiguous or scalar-broadcast
 * op becomes one long 1-D loop that the compiler can vectorise.  Run splits the flat index
 * range over OpenMP threads above TH_PARALLEL_GRAIN elements; each thread walks its part
 * with a multi-index, calling the 1-D inner loop once per row.
 */
#include <omp.h>
#include "THDispatch.h"

void THIter_init(THIter *it, int noperands, THTensor *const *ops) {
  const THTensor *out = ops[0];
  int nd = out->ndim;
  it->noperands = noperands;
  it->device = THTensor_device(out);
  it->non_blocking = false;
  it->numel = THTensor_numel(out);
  for (int k = 0; k < noperands; k++) {
    it->data[k] = THTensor_data(ops[k]);
    it->dtypes[k] = ops[k]->dtype;
    it->devices[k] = THTensor_device(ops[k]);
  }
  /* perm[0] is the innermost dim: sort by output stride, ascending (insertion sort) */
  int perm[TH_MAX_DIMS];
  int n = 0;
  for (int d = nd - 1; d >= 0; d--) {
    if (out->size[d] == 1) continue; /* size-1 dims never move a pointer */
    perm[n++] = d;
  }
  for (int i = 1; i < n; i++) {
    int p = perm[i], j = i - 1;
    int64_t sp = out->stride[p];
    while (j >= 0 && out->stride[perm[j]] > sp && sp != 0) {
      perm[j + 1] = perm[j];
      j--;
    }
    perm[j + 1] = p;
  }
  /* byte strides in iteration order; an operand with fewer dims is right-aligned */
  int64_t shape[TH_MAX_DIMS], strides[TH_ITER_MAX_OPERANDS][TH_MAX_DIMS];
  for (int i = 0; i < n; i++) {
    int d = perm[i];
    shape[i] = out->size[d];
    for (int k = 0; k < noperands; k++) {
      const THTensor *t = ops[k];
      int td = d - (nd - t->ndim);
      int64_t es = (int64_t)THDtype_size(t->dtype);
      strides[k][i] = (td >= 0 && t->size[td] != 1) ? t->stride[td] * es : 0;
    }
  }
  /* merge dim i+1 into dim i when every operand steps over it contiguously */
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (m > 0) {
      bool merge = true;
      for (int k = 0; k < noperands && merge; k++)
        merge = strides[k][i] == strides[k][m - 1] * it->shape[m - 1];
      if (merge) {
        it->shape[m - 1] *= shape[i];
        continue;
      }
    }
    it->shape[m] = shape[i];
    for (int k = 0; k < noperands; k++) it->strides[k][m] = strides[k][i];
    m++;
  }
  if (m == 0) { /* a single element */
    it->shape[0] = 1;
    for (int k = 0; k < noperands; k++) it->strides[k][0] = 0;
    m = 1;
  }
  it->ndim = m;
}

/* Runs the elements [begin, end) of the flat iteration space. */
static void iter_range(const THIter *it, THLoop loop, const THOpParams *p, int64_t begin,
                       int64_t end) {
  int64_t idx[TH_MAX_DIMS];
  char *ptr[TH_ITER_MAX_OPERANDS];
  int64_t inner[TH_ITER_MAX_OPERANDS];
  int nd = it->ndim, nop = it->noperands;
  int64_t rest = begin;
  for (int d = 0; d < nd; d++) {
    idx[d] = rest % it->shape[d];
    rest /= it->shape[d];
  }
  for (int k = 0; k < nop; k++) {
    ptr[k] = it->data[k];
    for (int d = 0; d < nd; d++) ptr[k] += idx[d] * it->strides[k][d];
    inner[k] = it->strides[k][0];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = it->shape[0] - idx[0];
    if (n > end - pos) n = end - pos;
    loop(ptr, inner, n, p);
    pos += n;
    if (pos >= end) break;
    /* advance the multi-index by n along dim 0, carrying */
    for (int k = 0; k < nop; k++) ptr[k] += n * it->strides[k][0];
    idx[0] += n;
    for (int d = 0; d < nd - 1 && idx[d] == it->shape[d]; d++) {
      idx[d] = 0;
      idx[d + 1]++;
      for (int k = 0; k < nop; k++)
        ptr[k] += it->strides[k][d + 1] - it->shape[d] * it->strides[k][d];
    }
  }
}

void THIter_run(const THIter *it, THLoop loop, const THOpParams *p) {
  int64_t total = it->numel;
  if (total <= 0) return;
  if (it->ndim == 1 && total <= TH_PARALLEL_GRAIN) { /* one row: no index arithmetic */
    char *ptr[TH_ITER_MAX_OPERANDS];
    int64_t inner[TH_ITER_MAX_OPERANDS];
    for (int k = 0; k < it->noperands; k++) {
      ptr[k] = it->data[k];
      inner[k] = it->strides[k][0];
    }
    loop(ptr, inner, total, p);
    return;
  }
  int nthreads = total > TH_PARALLEL_GRAIN ? omp_get_max_threads() : 1;
  if (nthreads <= 1 || omp_in_parallel()) {
    iter_range(it, loop, p, 0, total);
    return;
  }
  int64_t chunks = (total + TH_PARALLEL_GRAIN - 1) / TH_PARALLEL_GRAIN;
  if (chunks < nthreads) nthreads = (int)chunks;
#pragma omp parallel num_threads(nthreads)
  {
    int tid = omp_get_thread_num(), nt = omp_get_num_threads();
    /* split on 64-element boundaries so threads do not share cache lines */
    int64_t per = ((total + nt - 1) / nt + 63) & ~(int64_t)63;
    int64_t b = per * tid, e = b + per < total ? b + per : total;
    if (b < e) iter_range(it, loop, p, b, e);
  }
}
