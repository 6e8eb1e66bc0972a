/* THCpuReduceSelect.c: the reductions that need a whole row at once: median, nanmedian
 * (quickselect) and mode (sort and count runs), on the CPU.
 *
 * Each output's row is gathered into (value, index) pairs and ordered by value then index,
 * with NaN above every number; so among equal values the median is the one with the k-th
 * smallest index, and the mode's index is the last occurrence of the most frequent value (the
 * smallest such value on frequency ties), which is what PyTorch's CPU kernels give.  Floats
 * are compared as double, integers as int64.  Rows are processed in parallel.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include "THCpuReduce.h"

typedef struct {
  double v;
  int64_t i;
} PairD;
typedef struct {
  int64_t v;
  int64_t i;
} PairI;

/* NaN is larger than every number; ties broken by index */
static inline bool less_d(const PairD *a, const PairD *b) {
  bool an = a->v != a->v, bn = b->v != b->v;
  if (an || bn) return an && bn ? a->i < b->i : bn;
  return a->v < b->v || (a->v == b->v && a->i < b->i);
}
static inline bool less_i(const PairI *a, const PairI *b) {
  return a->v < b->v || (a->v == b->v && a->i < b->i);
}
static int cmp_d(const void *a, const void *b) { return less_d(a, b) ? -1 : less_d(b, a) ? 1 : 0; }
static int cmp_i(const void *a, const void *b) { return less_i(a, b) ? -1 : less_i(b, a) ? 1 : 0; }

/* Puts the k-th smallest pair at p[k] (Hoare partitioning, median-of-three pivots). */
#define DEF_SELECT(FN, T, LESS)                                                    \
  static void FN(T *p, int64_t n, int64_t k) {                                     \
    int64_t lo = 0, hi = n - 1;                                                    \
    while (hi > lo) {                                                              \
      int64_t mid = lo + (hi - lo) / 2;                                            \
      T t;                                                                         \
      if (LESS(&p[mid], &p[lo])) { t = p[mid]; p[mid] = p[lo]; p[lo] = t; }        \
      if (LESS(&p[hi], &p[lo])) { t = p[hi]; p[hi] = p[lo]; p[lo] = t; }           \
      if (LESS(&p[hi], &p[mid])) { t = p[hi]; p[hi] = p[mid]; p[mid] = t; }        \
      T pivot = p[mid];                                                            \
      int64_t i = lo, j = hi;                                                      \
      while (i <= j) {                                                             \
        while (LESS(&p[i], &pivot)) i++;                                           \
        while (LESS(&pivot, &p[j])) j--;                                           \
        if (i <= j) {                                                              \
          t = p[i]; p[i] = p[j]; p[j] = t;                                         \
          i++;                                                                     \
          j--;                                                                     \
        }                                                                          \
      }                                                                            \
      if (k <= j) hi = j;                                                          \
      else if (k >= i) lo = i;                                                     \
      else return;                                                                 \
    }                                                                              \
  }
DEF_SELECT(select_d, PairD, less_d)
DEF_SELECT(select_i, PairI, less_i)

/* Gathers a strided row of dtype ID into pairs; returns the number of NaNs and the first
 * NaN's index in *first_nan. */
#define DEF_GATHER(ID, NAME, CTYPE, ACC, KIND)                                               \
  static int64_t gather_##ID(void *pairs, const char *x, int64_t s, int64_t n,               \
                             int64_t *first_nan) {                                           \
    int64_t nn = 0;                                                                          \
    *first_nan = -1;                                                                         \
    for (int64_t k = 0; k < n; k++) {                                                        \
      ACC v = LOAD_##ID(*(const CTYPE *)(x + k * s));                                        \
      if (KIND == 2) {                                                                       \
        PairD *p = (PairD *)pairs + k;                                                       \
        p->v = (double)v;                                                                    \
        p->i = k;                                                                            \
        if (v != v) {                                                                        \
          if (nn++ == 0) *first_nan = k;                                                     \
        }                                                                                    \
      } else {                                                                               \
        PairI *p = (PairI *)pairs + k;                                                       \
        p->v = (int64_t)v;                                                                   \
        p->i = k;                                                                            \
      }                                                                                      \
    }                                                                                        \
    return nn;                                                                               \
  }                                                                                          \
  static void put_##ID(char *o, const void *pair) {                                          \
    if (KIND == 2) *(CTYPE *)o = STORE_##ID((ACC)((const PairD *)pair)->v);                  \
    else *(CTYPE *)o = STORE_##ID((ACC)((const PairI *)pair)->v);                            \
  }
TH_FORALL_DTYPES(DEF_GATHER)

typedef int64_t (*GatherFn)(void *, const char *, int64_t, int64_t, int64_t *);
typedef void (*PutFn)(char *, const void *);
static const GatherFn gathers[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = gather_##ID,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};
static const PutFn puts_[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = put_##ID,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};

/* One row: writes the value to vo and (when io) the index to io. */
static void select_row(const THReduceArgs *a, void *pairs, const char *x, int64_t s, int64_t n,
                       char *vo, char *io) {
  THDtype dt = a->x->dtype;
  bool fl = THDtype_isFloating(dt);
  size_t psz = fl ? sizeof(PairD) : sizeof(PairI);
  int64_t first_nan;
  if (n == 0) { /* only the whole-tensor median of an empty float tensor gets here */
    PairD nan = {NAN, 0};
    puts_[dt](vo, &nan);
    if (io) *(int64_t *)io = 0;
    return;
  }
  int64_t nn = gathers[dt](pairs, x, s, n, &first_nan);
  const void *res;
  if (a->op == TH_OP_mode) {
    qsort(pairs, (size_t)n, psz, fl ? cmp_d : cmp_i);
    int64_t best = 0, best_end = 0, run = 0;
    for (int64_t k = 0; k < n; k++) {
      run++;
      bool last = k == n - 1;
      if (!last) {
        last = fl ? ((PairD *)pairs)[k].v != ((PairD *)pairs)[k + 1].v
                  : ((PairI *)pairs)[k].v != ((PairI *)pairs)[k + 1].v;
      }
      if (last) {
        if (run > best) {
          best = run;
          best_end = k;
        }
        run = 0;
      }
    }
    res = (const char *)pairs + best_end * psz;
  } else if (a->op == TH_OP_median && nn > 0) {
    PairD *p = pairs;
    p[0].v = NAN;
    p[0].i = first_nan;
    res = p;
  } else {
    int64_t valid = n - nn;
    int64_t k = valid > 0 ? (valid - 1) / 2 : 0;
    if (fl) select_d(pairs, n, k);
    else select_i(pairs, n, k);
    res = (const char *)pairs + k * psz;
  }
  puts_[dt](vo, res);
  if (io) *(int64_t *)io = fl ? ((const PairD *)res)->i : ((const PairI *)res)->i;
}

/* Output o: its row's offset from the kept dims (row-major), then select_row. */
static void select_one(const THReduceArgs *a, void *pairs, int64_t o, int nk, const int64_t *ksz,
                       const int64_t *kxs, const char *xd, int64_t s, int64_t n, char *vd,
                       char *id) {
  int64_t rest = o, off = 0;
  for (int d = nk - 1; d >= 0; d--) {
    off += (rest % ksz[d]) * kxs[d];
    rest /= ksz[d];
  }
  int64_t es = (int64_t)THDtype_size(a->x->dtype);
  select_row(a, pairs, xd + off, s, n, vd + o * es, id ? id + o * 8 : NULL);
}

int THCpuReduce_select(const THReduceArgs *a) {
  const THTensor *x = a->x;
  int64_t es = (int64_t)THDtype_size(x->dtype);
  int rd = -1;
  for (int d = 0; d < x->ndim; d++)
    if (a->reduced[d]) rd = d;
  int64_t n = rd >= 0 ? x->size[rd] : 1, s = rd >= 0 ? x->stride[rd] * es : 0;
  /* the kept dims, walked in the outputs' (row-major) order */
  int nk = 0;
  int64_t ksz[TH_MAX_DIMS], kxs[TH_MAX_DIMS];
  for (int d = 0; d < x->ndim; d++)
    if (d != rd) {
      ksz[nk] = x->size[d];
      kxs[nk] = x->stride[d] * es;
      nk++;
    }
  int64_t total = THTensor_numel(a->out[0]);
  const char *xd = THTensor_data(x);
  char *vd = THTensor_data(a->out[0]);
  char *id = a->nout > 1 ? THTensor_data(a->out[1]) : NULL;
  size_t psz = THDtype_isFloating(x->dtype) ? sizeof(PairD) : sizeof(PairI);
  int nt = omp_in_parallel() || total < 2 || total * n < TH_PARALLEL_GRAIN ? 1 : omp_get_max_threads();
  if (nt > total) nt = (int)total;
  size_t row_bytes = (size_t)(n > 0 ? n : 1) * psz;
  char *buf = malloc((size_t)nt * row_bytes);
  if (!buf)
    return TH_setError("[%s] out of memory for %d rows of %lld elements", THOp_info(a->op)->name,
                       nt, (long long)n);
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16)
    for (int64_t o = 0; o < total; o++)
      select_one(a, buf + (size_t)omp_get_thread_num() * row_bytes, o, nk, ksz, kxs, xd, s, n, vd, id);
  } else {
    for (int64_t o = 0; o < total; o++) select_one(a, buf, o, nk, ksz, kxs, xd, s, n, vd, id);
  }
  free(buf);
  return TH_OK;
}
