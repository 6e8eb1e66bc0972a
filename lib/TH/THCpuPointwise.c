/* THCpuPointwise.c: the CPU kernels for the POINTWISE, FILL, RANGE and CAST rows of
 * THOps.def, and their registration in the dispatch table.
 *
 * Each pointwise op has one 1-D loop per dtype it supports, generated from the dtype lists;
 * a missing entry means "not implemented for this dtype" and is reported as such.
 */
#include <omp.h>
#include <string.h>
#include "THCpuLoops.h"

static THLoop cpu_loops[TH_NOPS][TH_NDTYPES];

void THCpu_registerLoop(THOp op, THDtype dtype, THLoop loop) { cpu_loops[op][dtype] = loop; }

/* ======================================================================= arithmetic */

static inline int64_t th_ipow(int64_t a, int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
  uint64_t r = 1, x = (uint64_t)a;
  while (b) {
    if (b & 1) r *= x;
    x *= x;
    b >>= 1;
  }
  return (int64_t)r;
}
#define TH_POW(a, b) _Generic((a), int64_t: th_ipow, float: powf, default: pow)(a, b)

/* A number as the exponent: PyTorch computes these exponents with multiplications, square
 * roots and reciprocals instead of pow, which decides results like (-inf)^0.5 = nan and
 * (-0)^0.5 = -0; tensor exponents always use pow. */
#define DEF_POW_SCALAR(T, SQRT, POW)                                   \
  static inline T th_pow_scalar_##T(T a, T b) {                       \
    if (b == 2) return a * a;                                          \
    if (b == 3) return a * a * a;                                      \
    if (b == (T)0.5) return SQRT(a);                                   \
    if (b == (T)-0.5) return 1 / SQRT(a);                              \
    if (b == -1) return 1 / a;                                         \
    if (b == -2) return 1 / (a * a);                                   \
    return POW(a, b);                                                  \
  }
DEF_POW_SCALAR(float, sqrtf, powf)
DEF_POW_SCALAR(double, sqrt, pow)
#define TH_POW_SCALAR(a, b) _Generic((a), float: th_pow_scalar_float, default: th_pow_scalar_double)(a, b)

/* pow for floating dtypes: the scalar-exponent case gets its own loop. */
#define DEF_FLOAT_POW(ID, NAME, CTYPE, ACC, KIND)                                            \
  TH_DEFINE_BINARY_LOOP(pow_tensor, ID, CTYPE, ACC, TH_POW(a, b))                            \
  static void pow_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {         \
    const int64_t es = (int64_t)sizeof(CTYPE);                                               \
    if (s[2] != 0) {                                                                         \
      pow_tensor_##ID(d, s, n, p);                                                           \
      return;                                                                                \
    }                                                                                        \
    const ACC b = LOAD_##ID(*(const CTYPE *)d[2]);                                           \
    if (s[0] == es && s[1] == es) {                                                          \
      CTYPE *restrict o = (CTYPE *)d[0];                                                     \
      const CTYPE *x = (const CTYPE *)d[1];                                                  \
      for (int64_t i = 0; i < n; i++) o[i] = STORE_##ID(TH_POW_SCALAR(LOAD_##ID(x[i]), b)); \
    } else {                                                                                 \
      char *po = d[0], *px = d[1];                                                           \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1])                                \
        *(CTYPE *)po = STORE_##ID(TH_POW_SCALAR(LOAD_##ID(*(const CTYPE *)px), b));          \
    }                                                                                        \
  }

/* Negation: -a for floats keeps the sign of zero; integers wrap. */
static inline int64_t th_ineg(int64_t a) { return th_wsub(0, a); }
static inline float th_fnegf(float a) { return -a; }
static inline double th_fneg(double a) { return -a; }
#define TH_NEG(a) _Generic((a), int64_t: th_ineg, float: th_fnegf, default: th_fneg)(a)

#define DEF_ARITH(ID, NAME, CTYPE, ACC, KIND)                                   \
  TH_DEFINE_BINARY_LOOP(add, ID, CTYPE, ACC, TH_ADD(a, TH_MUL(alpha, b)))       \
  TH_DEFINE_BINARY_LOOP(sub, ID, CTYPE, ACC, TH_SUB(a, TH_MUL(alpha, b)))       \
  TH_DEFINE_BINARY_LOOP(mul, ID, CTYPE, ACC, TH_MUL(a, b))                      \
  TH_DEFINE_UNARY_LOOP(neg, ID, CTYPE, ACC, TH_NEG(a))
TH_FORALL_DTYPES(DEF_ARITH)

#define DEF_FLOAT_ONLY(ID, NAME, CTYPE, ACC, KIND)                              \
  TH_DEFINE_BINARY_LOOP(div, ID, CTYPE, ACC, a / b)
TH_FORALL_FLOAT_DTYPES(DEF_FLOAT_ONLY)

#define DEF_INT_POW(ID, NAME, CTYPE, ACC, KIND)                                 \
  TH_DEFINE_BINARY_LOOP(pow, ID, CTYPE, ACC, TH_POW(a, b))
TH_FORALL_FLOAT_DTYPES(DEF_FLOAT_POW)
TH_FORALL_INT_DTYPES(DEF_INT_POW)

static int cpu_pointwise(THOp op, const THIter *it, const THOpParams *p) {
  /* loops are keyed by the inputs' (compute) dtype; the output may differ (bool results) */
  THDtype dt = it->dtypes[it->noperands > 1 ? 1 : 0];
  THLoop loop = cpu_loops[op][dt];
  if (!loop)
    return TH_setError("[%s] not implemented for dtype %s", THOp_info(op)->name, THDtype_name(dt));
  THIter_run(it, loop, p);
  return TH_OK;
}

/* ======================================================================= fill */

#define DEF_FILL(ID, NAME, CTYPE, ACC, KIND)                                          \
  static void fill_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {  \
    const CTYPE v = STORE_##ID(TH_PARAM_ALPHA(ACC, p));                               \
    if (s[0] == (int64_t)sizeof(CTYPE)) {                                             \
      CTYPE *restrict o = (CTYPE *)d[0];                                              \
      for (int64_t i = 0; i < n; i++) o[i] = v;                                       \
    } else {                                                                          \
      char *po = d[0];                                                                \
      for (int64_t i = 0; i < n; i++, po += s[0]) *(CTYPE *)po = v;                   \
    }                                                                                 \
  }
TH_FORALL_DTYPES(DEF_FILL)

static const THLoop fill_loops[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = fill_##ID,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};

static int cpu_fill(THTensor *t, THScalar value) {
  THIter it;
  THIter_init(&it, 1, &t);
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = value;
  if (value.kind != TH_KIND_INT) p.alpha.i = (int64_t)value.f; /* integer dtypes truncate */
  THIter_run(&it, fill_loops[t->dtype], &p);
  return TH_OK;
}

/* ======================================================================= ranges */

/* arange works in double (PyTorch's CPU accumulate type); linspace/logspace step in the
 * element's own arithmetic type for floats and in double for integers, as PyTorch does. */
#define DEF_RANGE(ID, NAME, CTYPE, ACC, KIND)                                          \
  static void range_##ID(CTYPE *o, int64_t n, double start, double step, double base, \
                         int mode) {                                                   \
    typedef __typeof__(_Generic((ACC)0, int64_t: (double)0, default: (ACC)0)) step_t; \
    const step_t st = (step_t)step, s0 = (step_t)start;                               \
    const step_t s1 = (step_t)(start + step * (double)(n - 1));                       \
    const int64_t half = n / 2;                                                        \
    _Pragma("omp parallel for if (n > TH_PARALLEL_GRAIN)")                           \
    for (int64_t i = 0; i < n; i++) {                                                  \
      if (mode == 0) {                                                                 \
        o[i] = STORE_##ID(start + step * (double)i);                                   \
      } else {                                                                         \
        step_t v = i < half ? s0 + st * (step_t)i : s1 - st * (step_t)(n - 1 - i);    \
        o[i] = mode == 1 ? STORE_##ID(v) : STORE_##ID(pow(base, (double)v));          \
      }                                                                                \
    }                                                                                  \
  }
TH_FORALL_DTYPES(DEF_RANGE)

static int cpu_range(THTensor *t, double start, double step, double base, int mode) {
  int64_t n = THTensor_numel(t);
  void *o = THTensor_data(t);
  switch (t->dtype) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: range_##ID((CTYPE *)o, n, start, step, base, mode); return TH_OK;
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
  default: return TH_setError("[range] unsupported dtype");
  }
}

/* ======================================================================= casts */

/* Converting copies go through a small buffer of double (or int64, when both sides are
 * integers, so large integers stay exact): one loop per dtype on each side. */
#define CAST_CHUNK 256
#define DEF_CAST(ID, NAME, CTYPE, ACC, KIND)                                                  \
  static void load_f64_##ID(const char *p, int64_t s, int64_t n, double *out) {               \
    for (int64_t i = 0; i < n; i++) out[i] = (double)LOAD_##ID(*(const CTYPE *)(p + i * s));  \
  }                                                                                           \
  static void load_i64_##ID(const char *p, int64_t s, int64_t n, int64_t *out) {              \
    for (int64_t i = 0; i < n; i++) out[i] = (int64_t)LOAD_##ID(*(const CTYPE *)(p + i * s)); \
  }                                                                                           \
  static void store_f64_##ID(char *p, int64_t s, int64_t n, const double *in) {               \
    for (int64_t i = 0; i < n; i++) *(CTYPE *)(p + i * s) = STORE_##ID(in[i]);                \
  }                                                                                           \
  static void store_i64_##ID(char *p, int64_t s, int64_t n, const int64_t *in) {              \
    for (int64_t i = 0; i < n; i++) *(CTYPE *)(p + i * s) = STORE_##ID(in[i]);                \
  }
TH_FORALL_DTYPES(DEF_CAST)

typedef void (*LoadF64)(const char *, int64_t, int64_t, double *);
typedef void (*LoadI64)(const char *, int64_t, int64_t, int64_t *);
typedef void (*StoreF64)(char *, int64_t, int64_t, const double *);
typedef void (*StoreI64)(char *, int64_t, int64_t, const int64_t *);
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = load_f64_##ID,
static const LoadF64 load_f64[TH_NDTYPES] = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = load_i64_##ID,
static const LoadI64 load_i64[TH_NDTYPES] = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = store_f64_##ID,
static const StoreF64 store_f64[TH_NDTYPES] = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = store_i64_##ID,
static const StoreI64 store_i64[TH_NDTYPES] = {TH_FORALL_DTYPES(TH_X)};
#undef TH_X

typedef struct {
  THDtype dst, src;
} CastParams;

static void cast_loop(char **d, const int64_t *s, int64_t n, const THOpParams *p) {
  const CastParams *cp = (const CastParams *)(const void *)p;
  bool ints = THDtype_kind(cp->dst) != TH_KIND_FLOAT && THDtype_kind(cp->src) != TH_KIND_FLOAT;
  for (int64_t i = 0; i < n; i += CAST_CHUNK) {
    int64_t m = n - i < CAST_CHUNK ? n - i : CAST_CHUNK;
    if (ints) {
      int64_t buf[CAST_CHUNK];
      load_i64[cp->src](d[1] + i * s[1], s[1], m, buf);
      store_i64[cp->dst](d[0] + i * s[0], s[0], m, buf);
    } else {
      double buf[CAST_CHUNK];
      load_f64[cp->src](d[1] + i * s[1], s[1], m, buf);
      store_f64[cp->dst](d[0] + i * s[0], s[0], m, buf);
    }
  }
}

/* Same dtype: a byte copy, contiguous runs through memcpy. */
#define DEF_MOVE(BITS)                                                                  \
  static void move_##BITS(char **d, const int64_t *s, int64_t n, const THOpParams *p) { \
    (void)p;                                                                            \
    if (s[0] == BITS / 8 && s[1] == BITS / 8) {                                         \
      memcpy(d[0], d[1], (size_t)n * (BITS / 8));                                       \
      return;                                                                           \
    }                                                                                   \
    char *po = d[0], *pi = d[1];                                                        \
    for (int64_t i = 0; i < n; i++, po += s[0], pi += s[1])                             \
      *(uint##BITS##_t *)po = *(const uint##BITS##_t *)pi;                              \
  }
DEF_MOVE(8)
DEF_MOVE(16)
DEF_MOVE(32)
DEF_MOVE(64)

static int cpu_cast(const THIter *it) {
  THDtype dst = it->dtypes[0], src = it->dtypes[1];
  if (dst == src) {
    static const THLoop moves[9] = {[1] = move_8, [2] = move_16, [4] = move_32, [8] = move_64};
    THIter_run(it, moves[THDtype_size(dst)], NULL);
    return TH_OK;
  }
  /* the loop reads its dtypes through the params pointer */
  CastParams cp = {dst, src};
  THIter_run(it, cast_loop, (const THOpParams *)(const void *)&cp);
  return TH_OK;
}

/* ======================================================================= registration */

__attribute__((constructor)) static void cpu_register(void) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND)   \
  cpu_loops[TH_OP_add][TH_##ID] = add_##ID; \
  cpu_loops[TH_OP_sub][TH_##ID] = sub_##ID; \
  cpu_loops[TH_OP_mul][TH_##ID] = mul_##ID; \
  cpu_loops[TH_OP_neg][TH_##ID] = neg_##ID;
  TH_FORALL_DTYPES(TH_X)
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND) cpu_loops[TH_OP_div][TH_##ID] = div_##ID;
  TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND) cpu_loops[TH_OP_pow][TH_##ID] = pow_##ID;
  TH_FORALL_FLOAT_DTYPES(TH_X)
  TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  for (int op = 0; op < TH_NOPS; op++)
    if (THOp_info((THOp)op)->kind == TH_KIND_POINTWISE)
      THDispatch_register((THOp)op, TH_DEVICE_CPU, (THKernel){.pointwise = cpu_pointwise});
  THDispatch_register(TH_OP_fill, TH_DEVICE_CPU, (THKernel){.fill = cpu_fill});
  THDispatch_register(TH_OP_range, TH_DEVICE_CPU, (THKernel){.range = cpu_range});
  THDispatch_register(TH_OP_copy, TH_DEVICE_CPU, (THKernel){.cast = cpu_cast});
}
