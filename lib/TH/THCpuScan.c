/* THCpuScan.c: the CPU kernels of the SCAN rows of THOps.def: cumsum, cumprod, cummax,
 * cummin and logcumsumexp along one dim, and their registration.
 *
 * The op layer hands over a contiguous input already in the output dtype, seen here as
 * (outer, n, inner) around the scanned dim.  With inner == 1 each line is scanned on its own;
 * otherwise a line of inner columns is carried from one row to the next (the rows are read
 * in order, so the inner loops are contiguous and vectorise).  Accumulators follow PyTorch's
 * CPU kernels: double for float32/float64, float for float16/bfloat16, int64 for integers.
 * cummax/cummin take the later index on ties, and a NaN (and every NaN after it) wins.
 */
#include <math.h>
#include <omp.h>
#include "THCpuReduce.h"

#define SCAN_COLS 256

/* The accumulator type of a scan: double for the native floats, float for the 16-bit ones. */
#define SACC_F32 double
#define SACC_F64 double
#define SACC_F16 float
#define SACC_BF16 float
#define SACC_I8 int64_t
#define SACC_I16 int64_t
#define SACC_I32 int64_t
#define SACC_I64 int64_t
#define SACC_U8 int64_t
#define SACC_BOOL int64_t

/* PyTorch's log-add-exp: exact for equal infinities, NaN-propagating. */
static inline double log_add_exp(double x, double y) {
  double mn = y != y ? y : (y < x ? y : x); /* std::min / std::max: x when x is NaN */
  double mx = y != y ? y : (x < y ? y : x);
  if (mn != mx || isfinite(mn)) return mx + log1p(exp(mn - mx));
  return x;
}

/* cumsum / cumprod / logcumsumexp: acc = COMBINE(acc, v), starting from INIT. */
#define DEF_SCAN(OPN, ID, CTYPE, COMBINE, INIT)                                                \
  static void scan_##OPN##_##ID(const CTYPE *x, CTYPE *o, int64_t n, int64_t inner,            \
                                int64_t c0, int64_t c1) {                                      \
    typedef SACC_##ID acc_t;                                                                   \
    if (inner == 1) {                                                                          \
      acc_t acc = INIT;                                                                        \
      for (int64_t i = 0; i < n; i++) {                                                        \
        acc_t v = (acc_t)LOAD_##ID(x[i]);                                                      \
        acc = COMBINE(acc, v);                                                                 \
        o[i] = STORE_##ID(acc);                                                                \
      }                                                                                        \
      return;                                                                                  \
    }                                                                                          \
    acc_t acc[SCAN_COLS];                                                                      \
    int64_t m = c1 - c0;                                                                       \
    for (int64_t j = 0; j < m; j++) acc[j] = INIT;                                             \
    for (int64_t i = 0; i < n; i++) {                                                          \
      const CTYPE *xr = x + i * inner + c0;                                                    \
      CTYPE *orow = o + i * inner + c0;                                                        \
      for (int64_t j = 0; j < m; j++) {                                                        \
        acc_t v = (acc_t)LOAD_##ID(xr[j]);                                                     \
        acc[j] = COMBINE(acc[j], v);                                                           \
        orow[j] = STORE_##ID(acc[j]);                                                          \
      }                                                                                        \
    }                                                                                          \
  }
#define C_ADD(a, v) TH_ADD(a, v)
#define C_MUL(a, v) TH_MUL(a, v)
#define C_LSE(a, v) ((acc_t)log_add_exp((double)(a), (double)(v)))
#define DEF_SCAN_ALL(ID, NAME, CTYPE, ACC, KIND)           \
  DEF_SCAN(cumsum, ID, CTYPE, C_ADD, (acc_t)0)             \
  DEF_SCAN(cumprod, ID, CTYPE, C_MUL, (acc_t)1)
TH_FORALL_DTYPES(DEF_SCAN_ALL)
#define DEF_SCAN_FLOAT(ID, NAME, CTYPE, ACC, KIND) DEF_SCAN(logcumsumexp, ID, CTYPE, C_LSE, (acc_t)-INFINITY)
TH_FORALL_FLOAT_DTYPES(DEF_SCAN_FLOAT)

/* cummax / cummin: values and int64 indices; CMP is >= (max) or <= (min). */
#define DEF_CUMEXT(OPN, ID, CTYPE, ACC, CMP)                                                   \
  static void scan_##OPN##_##ID(const CTYPE *x, CTYPE *o, int64_t *io, int64_t n,              \
                                int64_t inner, int64_t c0, int64_t c1) {                       \
    ACC best[SCAN_COLS];                                                                       \
    int64_t bi[SCAN_COLS];                                                                     \
    int64_t m = inner == 1 ? 1 : c1 - c0;                                                      \
    if (inner == 1) c0 = 0;                                                                    \
    for (int64_t i = 0; i < n; i++) {                                                          \
      const CTYPE *xr = x + i * inner + c0;                                                    \
      for (int64_t j = 0; j < m; j++) {                                                        \
        ACC v = LOAD_##ID(xr[j]);                                                              \
        if (i == 0 || v != v || (best[j] == best[j] && v CMP best[j])) {                       \
          best[j] = v;                                                                         \
          bi[j] = i;                                                                           \
        }                                                                                      \
        o[i * inner + c0 + j] = STORE_##ID(best[j]);                                           \
        io[i * inner + c0 + j] = bi[j];                                                        \
      }                                                                                        \
    }                                                                                          \
  }
#define DEF_CUMEXT_ALL(ID, NAME, CTYPE, ACC, KIND) \
  DEF_CUMEXT(cummax, ID, CTYPE, ACC, >=)           \
  DEF_CUMEXT(cummin, ID, CTYPE, ACC, <=)
TH_FORALL_DTYPES(DEF_CUMEXT_ALL)

/* One (outer index, column chunk) piece of the scan. */
static void scan_piece(const THScanArgs *a, int64_t o, int64_t n, int64_t inner, int64_t c0,
                       int64_t c1) {
  THDtype dt = a->x->dtype;
  size_t es = THDtype_size(dt);
  const char *x = (const char *)THTensor_data(a->x) + (size_t)(o * n * inner) * es;
  char *out = (char *)THTensor_data(a->out[0]) + (size_t)(o * n * inner) * es;
  int64_t *idx = a->nout > 1 ? (int64_t *)THTensor_data(a->out[1]) + o * n * inner : NULL;
  switch (a->op) {
#define CASE_SUMPROD(ID, NAME, CTYPE, ACC, KIND)                                                   \
  case TH_##ID:                                                                                    \
    if (a->op == TH_OP_cumsum) scan_cumsum_##ID((const CTYPE *)x, (CTYPE *)out, n, inner, c0, c1); \
    else scan_cumprod_##ID((const CTYPE *)x, (CTYPE *)out, n, inner, c0, c1);                      \
    return;
  case TH_OP_cumsum:
  case TH_OP_cumprod:
    switch (dt) {
      TH_FORALL_DTYPES(CASE_SUMPROD)
    default: return;
    }
#define CASE_LSE(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: scan_logcumsumexp_##ID((const CTYPE *)x, (CTYPE *)out, n, inner, c0, c1); return;
  case TH_OP_logcumsumexp:
    switch (dt) {
      TH_FORALL_FLOAT_DTYPES(CASE_LSE)
    default: return;
    }
#define CASE_EXT(ID, NAME, CTYPE, ACC, KIND)                                                       \
  case TH_##ID:                                                                                    \
    if (a->op == TH_OP_cummax) scan_cummax_##ID((const CTYPE *)x, (CTYPE *)out, idx, n, inner, c0, c1); \
    else scan_cummin_##ID((const CTYPE *)x, (CTYPE *)out, idx, n, inner, c0, c1);                  \
    return;
  case TH_OP_cummax:
  case TH_OP_cummin:
    switch (dt) {
      TH_FORALL_DTYPES(CASE_EXT)
    default: return;
    }
  default: return;
  }
}

static int cpu_scan(const THScanArgs *a) {
  const THTensor *x = a->x;
  if (a->op == TH_OP_logcumsumexp && !THDtype_isFloating(x->dtype))
    return TH_setError("[logcumsumexp] not implemented for dtype %s", THDtype_name(x->dtype));
  int64_t outer = 1, n = 1, inner = 1;
  if (x->ndim > 0) {
    for (int d = 0; d < a->dim; d++) outer *= x->size[d];
    n = x->size[a->dim];
    for (int d = a->dim + 1; d < x->ndim; d++) inner *= x->size[d];
  }
  int64_t chunks = inner == 1 ? 1 : (inner + SCAN_COLS - 1) / SCAN_COLS;
  int64_t tasks = outer * chunks, total = outer * n * inner;
  int nt = omp_in_parallel() || total < 2 * TH_PARALLEL_GRAIN || tasks < 2 ? 1 : omp_get_max_threads();
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t o = t / chunks, c0 = (t % chunks) * SCAN_COLS;
      scan_piece(a, o, n, inner, c0, c0 + SCAN_COLS < inner ? c0 + SCAN_COLS : inner);
    }
  } else {
    for (int64_t t = 0; t < tasks; t++) {
      int64_t o = t / chunks, c0 = (t % chunks) * SCAN_COLS;
      scan_piece(a, o, n, inner, c0, c0 + SCAN_COLS < inner ? c0 + SCAN_COLS : inner);
    }
  }
  return TH_OK;
}

__attribute__((constructor)) static void cpu_scan_register(void) {
  static const THOp ops[] = {TH_OP_cumsum, TH_OP_cumprod, TH_OP_cummax, TH_OP_cummin,
                             TH_OP_logcumsumexp};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    THDispatch_register(ops[i], TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_scan});
}
