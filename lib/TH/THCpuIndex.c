/* THCpuIndex.c: the CPU kernels of the INDEX rows of THOps.def (see THIndex.h for their
 * signatures and preconditions), and their registration in the dispatch table.
 *
 * Most of these ops only move elements, so their loops are instantiated per element size
 * (1, 2, 4, 8 bytes: one loop serves every dtype of that size); the ones that do arithmetic
 * (index_add, scatter's reductions) or compare with zero (nonzero) are instantiated per dtype
 * from the dtype lists.  Arguments arrive validated: indices in range, shapes consistent.
 *
 * Sections: the gather/scatter engine; masks (masked_fill/select/scatter, nonzero); take;
 * cat; flip, roll, repeat (copies of strided views); tril/triu; registration.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#define TH_INDEX_INTERNAL
#include "THIndex.h"

/* Runs the statement(s) after `grain` with int64_t begin/end covering [0, n): split over the
 * OpenMP threads when n is above grain, in one piece otherwise. */
#define TH_PARALLEL_RANGE(n, grain, ...)                                                   \
  do {                                                                                     \
    int64_t n_ = (n), g_ = (grain);                                                        \
    int nt_ = (n_ > g_ && !omp_in_parallel()) ? omp_get_max_threads() : 1;                 \
    if (nt_ > 1 && (n_ + g_ - 1) / g_ < nt_) nt_ = (int)((n_ + g_ - 1) / g_);              \
    if (nt_ <= 1) {                                                                        \
      int64_t begin = 0, end = n_;                                                         \
      __VA_ARGS__;                                                                         \
    } else {                                                                               \
      _Pragma("omp parallel num_threads(nt_)") {                                           \
        int tid_ = omp_get_thread_num(), ntt_ = omp_get_num_threads();                     \
        int64_t per_ = (n_ + ntt_ - 1) / ntt_;                                             \
        int64_t begin = per_ * tid_, end = begin + per_ < n_ ? begin + per_ : n_;          \
        if (begin < end) __VA_ARGS__;                                                      \
      }                                                                                    \
    }                                                                                      \
  } while (0)

/* A value converted to the bytes of one element of dtype (scalars arrive normalised: .i holds
 * the truncated value of a float, 0 for NaN, saturated at the int64 range). */
static void scalar_bytes(THScalar v, THDtype dt, void *out) {
  switch (dt) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                \
  case TH_##ID: {                                                                      \
    CTYPE x = _Generic((ACC)0, int64_t: STORE_##ID(v.i),                              \
                       default: STORE_##ID(v.kind == TH_KIND_FLOAT ? v.f : (double)v.i)); \
    memcpy(out, &x, sizeof x);                                                         \
    break;                                                                             \
  }
    TH_FORALL_FLOAT_DTYPES(TH_X)
    TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  case TH_BOOL: {
    bool b = v.kind == TH_KIND_FLOAT ? v.f != 0 : v.i != 0;
    memcpy(out, &b, 1);
    break;
  }
  default: break;
  }
}

/* ======================================================================= gather/scatter */

/* A walk over up to three operands (0: a, with dim's stride 0; 1: b; 2: the index), row by
 * row: the last walk dim is the row. */
typedef struct {
  int nd;
  int64_t size[TH_MAX_DIMS];
  int64_t st[3][TH_MAX_DIMS];
} Walk;

typedef struct {
  char *a, *b;
  const int64_t *ix;
  int64_t adim;   /* a's stride along dim */
  int64_t in[3];  /* the operands' strides along the row */
  unsigned char value[16];
  THScalar scalar;
} RowCtx;

/* Processes positions [j0, j1) of the row whose operands start at off[0..2]. */
typedef void (*RowFn)(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1);

static void walk_range(const Walk *w, RowFn fn, const RowCtx *c, int64_t begin, int64_t end) {
  int nd = w->nd;
  int64_t inner = w->size[nd - 1];
  int64_t coord[TH_MAX_DIMS], off[3] = {0, 0, 0};
  int64_t rest = begin / inner, j = begin % inner;
  for (int d = nd - 2; d >= 0; d--) {
    coord[d] = rest % w->size[d];
    rest /= w->size[d];
    for (int k = 0; k < 3; k++) off[k] += coord[d] * w->st[k][d];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t j1 = inner - j < end - pos ? inner : j + (end - pos);
    fn(c, off, j, j1);
    pos += j1 - j;
    j = 0;
    for (int d = nd - 2; d >= 0; d--) {
      coord[d]++;
      for (int k = 0; k < 3; k++) off[k] += w->st[k][d];
      if (coord[d] < w->size[d]) break;
      for (int k = 0; k < 3; k++) off[k] -= w->size[d] * w->st[k][d];
      coord[d] = 0;
    }
  }
}

/* Runs the walk, in parallel above the grain.  whole_rows: threads split only between rows
 * (the writing modes put dim in the row, so that positions that may collide stay in order
 * on one thread). */
static void walk_run(const Walk *w, RowFn fn, const RowCtx *c, bool whole_rows) {
  int64_t total = 1;
  for (int d = 0; d < w->nd; d++) total *= w->size[d];
  if (total == 0) return;
  int64_t inner = w->size[w->nd - 1];
  if (!whole_rows || inner == total) {
    if (whole_rows) { /* one row: sequential */
      walk_range(w, fn, c, 0, total);
      return;
    }
    TH_PARALLEL_RANGE(total, TH_PARALLEL_GRAIN, walk_range(w, fn, c, begin, end));
    return;
  }
  int64_t rows = total / inner;
  int64_t grain_rows = TH_PARALLEL_GRAIN / inner + 1;
  TH_PARALLEL_RANGE(rows, grain_rows, walk_range(w, fn, c, begin * inner, end * inner));
}

/* ---- row loops that move elements: per element size ---- */
#define DEF_MOVE_ROWS(BITS)                                                                 \
  static void read_row_##BITS(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) { \
    typedef uint##BITS##_t T;                                                                \
    const T *a = (const T *)c->a;                                                            \
    T *b = (T *)c->b;                                                                        \
    const int64_t *ix = c->ix + off[2];                                                      \
    const int64_t ai = c->in[0], bi = c->in[1], ii = c->in[2], ad = c->adim;                 \
    a += off[0];                                                                             \
    b += off[1];                                                                             \
    if (ii == 0) { /* one index for the whole row */                                        \
      const T *src = a + ix[0] * ad;                                                         \
      if (ai == 1 && bi == 1) memcpy(b + j0, src + j0, (size_t)(j1 - j0) * sizeof(T));       \
      else for (int64_t j = j0; j < j1; j++) b[j * bi] = src[j * ai];                        \
    } else if (ai == 0 && bi == 1 && ii == 1 && ad == 1) { /* gather along a contiguous row */ \
      for (int64_t j = j0; j < j1; j++) b[j] = a[ix[j]];                                     \
    } else {                                                                                 \
      for (int64_t j = j0; j < j1; j++) b[j * bi] = a[j * ai + ix[j * ii] * ad];             \
    }                                                                                        \
  }                                                                                          \
  static void write_row_##BITS(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) { \
    typedef uint##BITS##_t T;                                                                \
    T *a = (T *)c->a + off[0];                                                               \
    const T *b = (const T *)c->b + off[1];                                                   \
    const int64_t *ix = c->ix + off[2];                                                      \
    const int64_t ai = c->in[0], bi = c->in[1], ii = c->in[2], ad = c->adim;                 \
    if (ii == 0) { /* one index for the whole row */                                        \
      T *dst = a + ix[0] * ad;                                                               \
      for (int64_t j = j0; j < j1; j++) dst[j * ai] = b[j * bi];                             \
    } else {                                                                                 \
      for (int64_t j = j0; j < j1; j++) a[j * ai + ix[j * ii] * ad] = b[j * bi];             \
    }                                                                                        \
  }                                                                                          \
  static void fill_row_##BITS(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) {  \
    typedef uint##BITS##_t T;                                                                \
    T v;                                                                                     \
    memcpy(&v, c->value, sizeof v);                                                          \
    T *a = (T *)c->a + off[0];                                                               \
    const int64_t *ix = c->ix + off[2];                                                      \
    const int64_t ai = c->in[0], ii = c->in[2], ad = c->adim;                                \
    for (int64_t j = j0; j < j1; j++) a[j * ai + ix[j * ii] * ad] = v;                       \
  }
DEF_MOVE_ROWS(8)
DEF_MOVE_ROWS(16)
DEF_MOVE_ROWS(32)
DEF_MOVE_ROWS(64)

/* ---- row loops that do arithmetic: per dtype ---- */
#define TH_SCALAR_AS(ACC, s) _Generic((ACC)0, int64_t: (ACC)(s).i, default: (ACC)(s).f)
#define DEF_ARITH_ROWS(ID, NAME, CTYPE, ACC, KIND)                                             \
  static void add_row_##ID(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) {      \
    const ACC alpha = TH_SCALAR_AS(ACC, c->scalar);                                            \
    CTYPE *a = (CTYPE *)c->a + off[0];                                                         \
    const CTYPE *b = (const CTYPE *)c->b + off[1];                                             \
    const int64_t *ix = c->ix + off[2];                                                        \
    const int64_t ai = c->in[0], bi = c->in[1], ii = c->in[2], ad = c->adim;                   \
    if (ii == 0) { /* one index for the whole row: a plain axpy */                            \
      CTYPE *dst = a + ix[0] * ad;                                                             \
      for (int64_t j = j0; j < j1; j++) {                                                      \
        ACC x = LOAD_##ID(dst[j * ai]), y = LOAD_##ID(b[j * bi]);                              \
        dst[j * ai] = STORE_##ID(TH_ADD(x, TH_MUL(alpha, y)));                                 \
      }                                                                                        \
      return;                                                                                  \
    }                                                                                          \
    for (int64_t j = j0; j < j1; j++) {                                                        \
      CTYPE *p = a + j * ai + ix[j * ii] * ad;                                                 \
      ACC x = LOAD_##ID(*p), y = LOAD_##ID(b[j * bi]);                                         \
      *p = STORE_##ID(TH_ADD(x, TH_MUL(alpha, y)));                                            \
    }                                                                                          \
  }                                                                                            \
  static void mul_row_##ID(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) {      \
    CTYPE *a = (CTYPE *)c->a + off[0];                                                         \
    const CTYPE *b = (const CTYPE *)c->b + off[1];                                             \
    const int64_t *ix = c->ix + off[2];                                                        \
    const int64_t ai = c->in[0], bi = c->in[1], ii = c->in[2], ad = c->adim;                   \
    for (int64_t j = j0; j < j1; j++) {                                                        \
      CTYPE *p = a + j * ai + ix[j * ii] * ad;                                                 \
      ACC x = LOAD_##ID(*p), y = LOAD_##ID(b[j * bi]);                                         \
      *p = STORE_##ID(TH_MUL(x, y));                                                           \
    }                                                                                          \
  }                                                                                            \
  static void addv_row_##ID(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) {     \
    const ACC v = TH_SCALAR_AS(ACC, c->scalar);                                                \
    CTYPE *a = (CTYPE *)c->a + off[0];                                                         \
    const int64_t *ix = c->ix + off[2];                                                        \
    const int64_t ai = c->in[0], ii = c->in[2], ad = c->adim;                                  \
    for (int64_t j = j0; j < j1; j++) {                                                        \
      CTYPE *p = a + j * ai + ix[j * ii] * ad;                                                 \
      *p = STORE_##ID(TH_ADD(LOAD_##ID(*p), v));                                               \
    }                                                                                          \
  }                                                                                            \
  static void mulv_row_##ID(const RowCtx *c, const int64_t *off, int64_t j0, int64_t j1) {     \
    const ACC v = TH_SCALAR_AS(ACC, c->scalar);                                                \
    CTYPE *a = (CTYPE *)c->a + off[0];                                                         \
    const int64_t *ix = c->ix + off[2];                                                        \
    const int64_t ai = c->in[0], ii = c->in[2], ad = c->adim;                                  \
    for (int64_t j = j0; j < j1; j++) {                                                        \
      CTYPE *p = a + j * ai + ix[j * ii] * ad;                                                 \
      *p = STORE_##ID(TH_MUL(LOAD_##ID(*p), v));                                               \
    }                                                                                          \
  }
TH_FORALL_DTYPES(DEF_ARITH_ROWS)

static const RowFn move_rows[4][3] = {
    {read_row_8, write_row_8, fill_row_8},
    {read_row_16, write_row_16, fill_row_16},
    {read_row_32, write_row_32, fill_row_32},
    {read_row_64, write_row_64, fill_row_64},
};
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = {add_row_##ID, mul_row_##ID, addv_row_##ID, mulv_row_##ID},
static const RowFn arith_rows[TH_NDTYPES][4] = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X

static int size_class(size_t es) { return es == 1 ? 0 : es == 2 ? 1 : es == 4 ? 2 : 3; }

/* index_select / index_copy with contiguous operands and one index per slice: whole rows of
 * `inner` elements move with memcpy.  Returns false when the case does not apply. */
static bool index_rows_fast(const THIndexWalk *w) {
  const THTensor *a = w->a, *b = w->b;
  if ((w->mode != TH_INDEX_READ && w->mode != TH_INDEX_WRITE) || a->ndim == 0 ||
      !THTensor_isContiguous(a) || !THTensor_isContiguous(b) || !THTensor_isContiguous(w->index))
    return false;
  int dim = w->dim;
  for (int d = 0; d < w->ndim; d++)
    if (d != dim && (w->i_strides[d] != 0 || w->shape[d] != a->size[d])) return false;
  if (w->i_strides[dim] != 1) return false;
  size_t es = THDtype_size(a->dtype);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < dim; d++) outer *= w->shape[d];
  for (int d = dim + 1; d < w->ndim; d++) inner *= w->shape[d];
  if (inner * (int64_t)es < 64) return false;
  int64_t m = w->shape[dim], n = a->size[dim];
  const int64_t *ix = (const int64_t *)THTensor_data(w->index);
  char *pa = THTensor_data(a), *pb = THTensor_data(b);
  size_t row = (size_t)inner * es;
  if (w->mode == TH_INDEX_READ) {
    TH_PARALLEL_RANGE(outer * m, TH_PARALLEL_GRAIN / inner + 1, {
      for (int64_t r = begin; r < end; r++) {
        int64_t o = r / m, j = r % m;
        memcpy(pb + (size_t)r * row, pa + (size_t)(o * n + ix[j]) * row, row);
      }
    });
  } else { /* duplicates: the last one wins, so each outer slice runs in order */
    TH_PARALLEL_RANGE(outer, TH_PARALLEL_GRAIN / (inner * m + 1) + 1, {
      for (int64_t o = begin; o < end; o++)
        for (int64_t j = 0; j < m; j++)
          memcpy(pa + (size_t)(o * n + ix[j]) * row, pb + (size_t)(o * m + j) * row, row);
    });
  }
  return true;
}

/* Collapses dims [from, to) of a walk into one run: *n elements with strides *sa / *sb in a and
 * b; false when they are not evenly strided in both. */
static bool collapse(const int64_t *shape, const int64_t *sa, const int64_t *sb, int from, int to,
                     int64_t *n, int64_t *oa, int64_t *ob) {
  int64_t cnt = 1, ea = 0, eb = 0;
  bool first = true;
  for (int d = to - 1; d >= from; d--) {
    if (shape[d] == 1) continue;
    if (first) {
      *oa = sa[d];
      *ob = sb[d];
      first = false;
    } else if (sa[d] != ea || sb[d] != eb) {
      return false;
    }
    ea = sa[d] * shape[d];
    eb = sb[d] * shape[d];
    cnt *= shape[d];
  }
  if (first) *oa = *ob = 0;
  *n = cnt;
  return true;
}

/* The index_* family (one index per slice along dim, the other dims those of a): blocks of
 * (outer position, run of inner elements), each going through every index in order, so that
 * repeated indices apply in order while threads split the blocks.  Rows of `inner` elements
 * keep the memory access sequential whatever dim is indexed.  False when it does not apply. */
static bool index_slices(const THIndexWalk *w, RowFn fn, RowCtx *c) {
  const THTensor *a = w->a;
  int nd = w->ndim, dim = w->dim;
  if (nd == 0) return false;
  for (int d = 0; d < nd; d++)
    if (d != dim && (w->i_strides[d] != 0 || w->shape[d] != a->size[d])) return false;
  int64_t outer, inner, ao, bo, ai, bi;
  if (!collapse(w->shape, w->a_strides, w->b_strides, 0, dim, &outer, &ao, &bo) ||
      !collapse(w->shape, w->a_strides, w->b_strides, dim + 1, nd, &inner, &ai, &bi) || inner < 16)
    return false;
  const int64_t m = w->shape[dim], is = w->i_strides[dim], bd = w->b_strides[dim];
  const int64_t KCH = 4096, nk = (inner + KCH - 1) / KCH, nblocks = outer * nk;
  c->in[0] = ai;
  c->in[1] = bi;
  c->in[2] = 0;
  const RowCtx *cc = c;
  int64_t per_block = m * (inner < KCH ? inner : KCH);
  TH_PARALLEL_RANGE(nblocks, TH_PARALLEL_GRAIN / (per_block + 1) + 1, {
    for (int64_t blk = begin; blk < end; blk++) {
      int64_t o = blk / nk, k0 = (blk % nk) * KCH, k1 = k0 + KCH < inner ? k0 + KCH : inner;
      for (int64_t j = 0; j < m; j++) {
        int64_t off[3] = {o * ao, o * bo + j * bd, j * is};
        fn(cc, off, k0, k1);
      }
    }
  });
  return true;
}

static int cpu_index(const THIndexWalk *w) {
  if (index_rows_fast(w)) return TH_OK;
  THDtype dt = w->a->dtype;
  RowFn fn;
  /* every writing mode (fill too: no two threads write one element) */
  bool writes = w->mode != TH_INDEX_READ;
  switch (w->mode) {
  case TH_INDEX_READ: fn = move_rows[size_class(THDtype_size(dt))][0]; break;
  case TH_INDEX_WRITE: fn = move_rows[size_class(THDtype_size(dt))][1]; break;
  case TH_INDEX_FILL: fn = move_rows[size_class(THDtype_size(dt))][2]; break;
  case TH_INDEX_ADD: fn = arith_rows[dt][0]; break;
  case TH_INDEX_MUL: fn = arith_rows[dt][1]; break;
  case TH_INDEX_ADD_VALUE: fn = arith_rows[dt][2]; break;
  case TH_INDEX_MUL_VALUE: fn = arith_rows[dt][3]; break;
  default: return TH_setError("[index] unknown mode %d", (int)w->mode);
  }
  RowCtx c;
  memset(&c, 0, sizeof c);
  c.a = THTensor_data(w->a);
  c.b = w->b ? THTensor_data(w->b) : NULL;
  c.ix = (const int64_t *)THTensor_data(w->index);
  c.adim = w->a->ndim ? w->a->stride[w->dim] : 0;
  c.scalar = w->value;
  scalar_bytes(w->value, dt, c.value);
  if (index_slices(w, fn, &c)) return TH_OK;
  /* walk order: natural, or (writing modes) with dim innermost */
  Walk wk;
  int order[TH_MAX_DIMS], n = 0;
  for (int d = 0; d < w->ndim; d++)
    if (!writes || d != w->dim) order[n++] = d;
  if (writes && w->ndim > 0) order[n++] = w->dim;
  wk.nd = n;
  for (int i = 0; i < n; i++) {
    int d = order[i];
    wk.size[i] = w->shape[d];
    wk.st[0][i] = w->a_strides[d];
    wk.st[1][i] = w->b ? w->b_strides[d] : 0;
    wk.st[2][i] = w->i_strides[d];
  }
  if (n == 0) { /* a single position */
    wk.nd = 1;
    wk.size[0] = 1;
    wk.st[0][0] = wk.st[1][0] = wk.st[2][0] = 0;
  }
  for (int k = 0; k < 3; k++) c.in[k] = wk.st[k][wk.nd - 1];
  walk_run(&wk, fn, &c, writes);
  return TH_OK;
}

/* ======================================================================= masks */

/* masked_fill: a THIter over (t, mask); the value's bytes come through the params pointer. */
#define DEF_MASKED_FILL(BITS)                                                                \
  static void mfill_##BITS(char **d, const int64_t *s, int64_t n, const THOpParams *p) {     \
    uint##BITS##_t v;                                                                        \
    memcpy(&v, (const void *)p, sizeof v);                                                   \
    char *po = d[0];                                                                         \
    const char *pm = d[1];                                                                   \
    for (int64_t i = 0; i < n; i++, po += s[0], pm += s[1])                                  \
      if (*(const uint8_t *)pm) *(uint##BITS##_t *)po = v;                                   \
  }
DEF_MASKED_FILL(8)
DEF_MASKED_FILL(16)
DEF_MASKED_FILL(32)
DEF_MASKED_FILL(64)
static const THLoop mfill_loops[4] = {mfill_8, mfill_16, mfill_32, mfill_64};

static int cpu_masked_fill(THTensor *t, const THTensor *mask, THScalar value) {
  _Alignas(16) unsigned char bytes[16] = {0};
  scalar_bytes(value, t->dtype, bytes);
  THTensor *ops[2] = {t, (THTensor *)mask};
  THIter it;
  THIter_init(&it, 2, ops);
  THIter_run(&it, mfill_loops[size_class(THDtype_size(t->dtype))],
             (const THOpParams *)(const void *)bytes);
  return TH_OK;
}

/* Positions where a byte mask is set, counted per chunk so that the chunks can be written in
 * parallel at their prefix offsets. */
#define SEL_CHUNK 65536
typedef struct {
  int64_t nchunks;
  int64_t *start; /* nchunks + 1 entries: start[c] = set positions before chunk c */
} Prefix;

static int prefix_count(const uint8_t *m, int64_t n, Prefix *p) {
  p->nchunks = (n + SEL_CHUNK - 1) / SEL_CHUNK;
  p->start = malloc((size_t)(p->nchunks + 1) * sizeof(int64_t));
  if (!p->start) return TH_setError("[index] out of memory");
  int64_t nc = p->nchunks;
  TH_PARALLEL_RANGE(nc, 4, {
    for (int64_t ch = begin; ch < end; ch++) {
      int64_t b = ch * SEL_CHUNK, e = b + SEL_CHUNK < n ? b + SEL_CHUNK : n, cnt = 0;
      for (int64_t i = b; i < e; i++) cnt += m[i] != 0;
      p->start[ch + 1] = cnt;
    }
  });
  p->start[0] = 0;
  for (int64_t ch = 0; ch < nc; ch++) p->start[ch + 1] += p->start[ch];
  return TH_OK;
}

#define DEF_SELECT(BITS)                                                                     \
  static void select_##BITS(void *out, const void *src, const uint8_t *m, int64_t n,         \
                            const Prefix *p) {                                               \
    typedef uint##BITS##_t T;                                                                \
    T *o = out;                                                                              \
    const T *s = src;                                                                        \
    TH_PARALLEL_RANGE(p->nchunks, 4, {                                                       \
      for (int64_t ch = begin; ch < end; ch++) {                                             \
        int64_t b = ch * SEL_CHUNK, e = b + SEL_CHUNK < n ? b + SEL_CHUNK : n;               \
        T *q = o + p->start[ch];                                                             \
        for (int64_t i = b; i < e; i++)                                                      \
          if (m[i]) *q++ = s[i];                                                             \
      }                                                                                      \
    });                                                                                      \
  }                                                                                          \
  static void mscatter_##BITS(void *dst, const void *src, const uint8_t *m, int64_t n,       \
                              const Prefix *p) {                                             \
    typedef uint##BITS##_t T;                                                                \
    T *o = dst;                                                                              \
    const T *s = src;                                                                        \
    TH_PARALLEL_RANGE(p->nchunks, 4, {                                                       \
      for (int64_t ch = begin; ch < end; ch++) {                                             \
        int64_t b = ch * SEL_CHUNK, e = b + SEL_CHUNK < n ? b + SEL_CHUNK : n;               \
        const T *q = s + p->start[ch];                                                       \
        for (int64_t i = b; i < e; i++)                                                      \
          if (m[i]) o[i] = *q++;                                                             \
      }                                                                                      \
    });                                                                                      \
  }
DEF_SELECT(8)
DEF_SELECT(16)
DEF_SELECT(32)
DEF_SELECT(64)
typedef void (*SelectFn)(void *, const void *, const uint8_t *, int64_t, const Prefix *);
static const SelectFn select_fns[4] = {select_8, select_16, select_32, select_64};
static const SelectFn mscatter_fns[4] = {mscatter_8, mscatter_16, mscatter_32, mscatter_64};

static THTensor *cpu_masked_select(const THTensor *src, const THTensor *mask) {
  int64_t n = THTensor_numel(src);
  Prefix p;
  const uint8_t *m = THTensor_data(mask);
  if (prefix_count(m, n, &p) != TH_OK) return NULL;
  int64_t count = p.start[p.nchunks];
  THTensor *r = THTensor_empty(src->dtype, TH_CPU, 1, &count);
  if (r && count > 0)
    select_fns[size_class(THDtype_size(src->dtype))](THTensor_data(r), THTensor_data(src), m, n, &p);
  free(p.start);
  return r;
}

static int cpu_masked_scatter(THTensor *t, const THTensor *mask, const THTensor *src) {
  int64_t n = THTensor_numel(t);
  Prefix p;
  const uint8_t *m = THTensor_data(mask);
  if (prefix_count(m, n, &p) != TH_OK) return TH_ERROR;
  int64_t count = p.start[p.nchunks], have = THTensor_numel(src);
  if (count > have) {
    free(p.start);
    return TH_setError("[masked_scatter] the source has %lld elements but the mask selects %lld",
                       (long long)have, (long long)count);
  }
  if (count > 0)
    mscatter_fns[size_class(THDtype_size(t->dtype))](THTensor_data(t), THTensor_data(src), m, n, &p);
  free(p.start);
  return TH_OK;
}

/* nonzero: a byte mask of t != 0 (per dtype; NaN counts as non-zero, -0.0 as zero), then the
 * positions, unravelled into coordinates. */
#define DEF_NZ(ID, NAME, CTYPE, ACC, KIND)                                                   \
  static void nzmask_##ID(const void *src, uint8_t *m, int64_t n) {                         \
    const CTYPE *s = src;                                                                    \
    TH_PARALLEL_RANGE(n, TH_PARALLEL_GRAIN, {                                                \
      for (int64_t i = begin; i < end; i++) m[i] = LOAD_##ID(s[i]) != 0;                     \
    });                                                                                      \
  }
TH_FORALL_DTYPES(DEF_NZ)
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = nzmask_##ID,
static void (*const nzmask_fns[TH_NDTYPES])(const void *, uint8_t *, int64_t) = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X

static THTensor *cpu_nonzero(const THTensor *t) {
  int64_t n = THTensor_numel(t);
  int nd = t->ndim;
  uint8_t *owned = NULL;
  const uint8_t *m;
  if (t->dtype == TH_BOOL || t->dtype == TH_U8) {
    m = THTensor_data(t);
  } else {
    owned = malloc(n > 0 ? (size_t)n : 1);
    if (!owned) {
      TH_setError("[nonzero] out of memory");
      return NULL;
    }
    nzmask_fns[t->dtype](THTensor_data(t), owned, n);
    m = owned;
  }
  Prefix p;
  if (prefix_count(m, n, &p) != TH_OK) {
    free(owned);
    return NULL;
  }
  int64_t sizes[2] = {p.start[p.nchunks], nd};
  THTensor *r = THTensor_empty(TH_I64, TH_CPU, 2, sizes);
  if (r && sizes[0] > 0 && nd > 0) {
    int64_t *o = THTensor_data(r);
    const int64_t *sz = t->size;
    TH_PARALLEL_RANGE(p.nchunks, 4, {
      for (int64_t ch = begin; ch < end; ch++) {
        int64_t b = ch * SEL_CHUNK, e = b + SEL_CHUNK < n ? b + SEL_CHUNK : n;
        int64_t coord[TH_MAX_DIMS], rest = b;
        for (int d = nd - 1; d >= 0; d--) {
          coord[d] = rest % sz[d];
          rest /= sz[d];
        }
        int64_t *q = o + p.start[ch] * nd;
        for (int64_t i = b; i < e; i++) {
          if (m[i]) {
            for (int d = 0; d < nd; d++) q[d] = coord[d];
            q += nd;
          }
          for (int d = nd - 1; d >= 0; d--) {
            if (++coord[d] < sz[d]) break;
            coord[d] = 0;
          }
        }
      }
    });
  }
  free(p.start);
  free(owned);
  return r;
}

/* ======================================================================= take */

#define DEF_TAKE(BITS)                                                                 \
  static void take_##BITS(void *out, const void *src, const int64_t *ix, int64_t n) { \
    uint##BITS##_t *o = out;                                                           \
    const uint##BITS##_t *s = src;                                                     \
    TH_PARALLEL_RANGE(n, TH_PARALLEL_GRAIN, {                                          \
      for (int64_t i = begin; i < end; i++) o[i] = s[ix[i]];                           \
    });                                                                                \
  }
DEF_TAKE(8)
DEF_TAKE(16)
DEF_TAKE(32)
DEF_TAKE(64)
static void (*const take_fns[4])(void *, const void *, const int64_t *, int64_t) = {
    take_8, take_16, take_32, take_64};

static int cpu_take(THTensor *out, const THTensor *src, const THTensor *index) {
  take_fns[size_class(THDtype_size(src->dtype))](THTensor_data(out), THTensor_data(src),
                                                 THTensor_data(index), THTensor_numel(out));
  return TH_OK;
}

/* ======================================================================= cat */

static int cpu_cat(THTensor *out, int n, const THTensor *const *ins, int dim) {
  bool fast = THTensor_isContiguous(out);
  for (int i = 0; i < n && fast; i++)
    fast = ins[i]->dtype == out->dtype && THTensor_isContiguous(ins[i]);
  if (fast) {
    size_t es = THDtype_size(out->dtype);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < dim; d++) outer *= out->size[d];
    for (int d = dim + 1; d < out->ndim; d++) inner *= out->size[d];
    size_t orow = (size_t)(out->size[dim] * inner) * es;
    char *po = THTensor_data(out);
    TH_PARALLEL_RANGE(outer, TH_PARALLEL_GRAIN / (out->size[dim] * inner + 1) + 1, {
      for (int64_t o = begin; o < end; o++) {
        char *dst = po + (size_t)o * orow;
        for (int i = 0; i < n; i++) {
          size_t row = (size_t)(ins[i]->size[dim] * inner) * es;
          if (row) memcpy(dst, (const char *)THTensor_data(ins[i]) + (size_t)o * row, row);
          dst += row;
        }
      }
    });
    return TH_OK;
  }
  int64_t pos = 0;
  for (int i = 0; i < n; i++) {
    int64_t len = ins[i]->size[dim];
    if (len == 0) continue;
    THTensor *part = THTensor_narrow(out, dim, pos, len);
    int rc = part ? THTensor_copy(part, ins[i]) : TH_ERROR;
    THTensor_free(part);
    if (rc != TH_OK) return TH_ERROR;
    pos += len;
  }
  return TH_OK;
}

/* ======================================================================= flip, roll, repeat */

/* flip: a copy of src seen through negative strides. */
static int cpu_flip(THTensor *out, const THTensor *src, const bool *flip) {
  int64_t st[TH_MAX_DIMS], off = src->offset;
  for (int d = 0; d < src->ndim; d++) {
    st[d] = src->stride[d];
    if (flip[d] && src->size[d] > 1) {
      off += (src->size[d] - 1) * st[d];
      st[d] = -st[d];
    }
  }
  THTensor *v = THTensor_newView(src->storage, src->dtype, off, src->ndim, src->size, st);
  int rc = v ? THTensor_copy(out, v) : TH_ERROR;
  THTensor_free(v);
  return rc;
}

/* roll: along each shifted dim the result is two blocks, [n - s, n) then [0, n - s) of src;
 * every combination of blocks is one strided copy. */
static int cpu_roll(THTensor *out, const THTensor *src, const int64_t *shifts) {
  int dims[TH_MAX_DIMS], k = 0;
  for (int d = 0; d < src->ndim; d++)
    if (shifts[d] != 0) dims[k++] = d;
  for (int64_t combo = 0; combo < ((int64_t)1 << k); combo++) {
    THTensor *o = THTensor_newView(out->storage, out->dtype, out->offset, out->ndim, out->size, out->stride);
    THTensor *s = THTensor_newView(src->storage, src->dtype, src->offset, src->ndim, src->size, src->stride);
    if (!o || !s) {
      THTensor_free(o);
      THTensor_free(s);
      return TH_ERROR;
    }
    for (int i = 0; i < k; i++) {
      int d = dims[i];
      int64_t n = src->size[d], sh = shifts[d];
      if (combo >> i & 1) { /* src [0, n - sh) -> out [sh, n) */
        o->offset += sh * o->stride[d];
        o->size[d] = n - sh;
        s->size[d] = n - sh;
      } else { /* src [n - sh, n) -> out [0, sh) */
        s->offset += (n - sh) * s->stride[d];
        s->size[d] = sh;
        o->size[d] = sh;
      }
    }
    int rc = THTensor_copy(o, s);
    THTensor_free(o);
    THTensor_free(s);
    if (rc != TH_OK) return TH_ERROR;
  }
  return TH_OK;
}

/* repeat: out viewed with each repeated dim split in two, (repeats, size), and src expanded
 * over the repeats (stride 0): one strided copy.  When that needs more than TH_MAX_DIMS dims,
 * the dims are repeated one at a time, block by block. */
static int cpu_repeat(THTensor *out, const THTensor *src) {
  int nd = src->ndim, n = 0;
  int64_t osz[TH_MAX_DIMS * 2], ost[TH_MAX_DIMS * 2], sst[TH_MAX_DIMS * 2];
  for (int d = 0; d < nd; d++) {
    int64_t s = src->size[d], r = s ? out->size[d] / s : 0;
    if (r != 1) {
      osz[n] = r;
      ost[n] = s * out->stride[d];
      sst[n] = 0;
      n++;
    }
    if (s != 1 || r == 1) {
      osz[n] = s;
      ost[n] = out->stride[d];
      sst[n] = src->stride[d];
      n++;
    }
  }
  if (n <= TH_MAX_DIMS) {
    THTensor *o = THTensor_newView(out->storage, out->dtype, out->offset, n, osz, ost);
    THTensor *s = THTensor_newView(src->storage, src->dtype, src->offset, n, osz, sst);
    int rc = o && s ? THTensor_copy(o, s) : TH_ERROR;
    THTensor_free(o);
    THTensor_free(s);
    return rc;
  }
  /* fallback: block copies, the first block from src, the others from the first */
  THTensor *first = THTensor_newView(out->storage, out->dtype, out->offset, nd, src->size, out->stride);
  if (!first || THTensor_copy(first, src) != TH_OK) {
    THTensor_free(first);
    return TH_ERROR;
  }
  int64_t cur[TH_MAX_DIMS];
  memcpy(cur, src->size, sizeof cur);
  int rc = TH_OK;
  for (int d = 0; d < nd && rc == TH_OK; d++) {
    int64_t s = src->size[d], r = s ? out->size[d] / s : 0;
    for (int64_t k = 1; k < r && rc == TH_OK; k++) {
      THTensor *blk = THTensor_newView(out->storage, out->dtype, out->offset + k * s * out->stride[d],
                                       nd, cur, out->stride);
      rc = blk ? THTensor_copy(blk, first) : TH_ERROR;
      THTensor_free(blk);
    }
    cur[d] = out->size[d];
    THTensor_free(first);
    first = THTensor_newView(out->storage, out->dtype, out->offset, nd, cur, out->stride);
    if (!first) rc = TH_ERROR;
  }
  THTensor_free(first);
  return rc;
}

/* ======================================================================= tril / triu */

static int cpu_tri(THTensor *out, const THTensor *src, int64_t k, bool upper) {
  int nd = out->ndim;
  int64_t R = out->size[nd - 2], C = out->size[nd - 1];
  int64_t rows = THTensor_numel(out) / (C ? C : 1);
  if (C == 0 || rows == 0) return TH_OK;
  size_t es = THDtype_size(out->dtype);
  char *po = THTensor_data(out);
  const char *ps = THTensor_data(src);
  bool same = po == ps;
  TH_PARALLEL_RANGE(rows, TH_PARALLEL_GRAIN / C + 1, {
    for (int64_t r = begin; r < end; r++) {
      int64_t i = r % R;
      /* the kept columns are [lo, hi) */
      int64_t lo = upper ? i + k : 0, hi = upper ? C : i + k + 1;
      if (lo < 0) lo = 0;
      if (lo > C) lo = C;
      if (hi < lo) hi = lo;
      if (hi > C) hi = C;
      char *o = po + (size_t)(r * C) * es;
      if (!same && hi > lo) memcpy(o + (size_t)lo * es, ps + (size_t)(r * C + lo) * es, (size_t)(hi - lo) * es);
      if (lo > 0) memset(o, 0, (size_t)lo * es);
      if (hi < C) memset(o + (size_t)hi * es, 0, (size_t)(C - hi) * es);
    }
  });
  return TH_OK;
}

/* ======================================================================= registration */

#define REG(OP, FN) THDispatch_register(TH_OP_##OP, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))(FN)})

__attribute__((constructor)) static void cpu_index_register(void) {
  THCatKernel cat = cpu_cat;
  THIndexKernel index = cpu_index;
  THMaskedFillKernel masked_fill = cpu_masked_fill;
  THMaskedSelectKernel masked_select = cpu_masked_select;
  THMaskedScatterKernel masked_scatter = cpu_masked_scatter;
  THNonzeroKernel nonzero = cpu_nonzero;
  THTakeKernel take = cpu_take;
  THFlipKernel flip = cpu_flip;
  THRollKernel roll = cpu_roll;
  THRepeatKernel repeat = cpu_repeat;
  THTriKernel tri = cpu_tri;
  REG(cat, cat);
  REG(index_select, index);
  REG(gather, index);
  REG(scatter, index);
  REG(scatter_add, index);
  REG(index_add, index);
  REG(index_copy, index);
  REG(index_fill, index);
  REG(masked_fill, masked_fill);
  REG(masked_select, masked_select);
  REG(masked_scatter, masked_scatter);
  REG(nonzero, nonzero);
  REG(take, take);
  REG(flip, flip);
  REG(roll, roll);
  REG(repeat, repeat);
  REG(tril, tri);
  REG(triu, tri);
}
