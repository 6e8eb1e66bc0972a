/* THCpuUnary.c: CPU kernels of the one-operand elementwise rows of THOps.def (exp, log, sin,
 * sigmoid, floor, isnan, ...), registered per dtype with THCpu_registerLoop.
 *
 * Floating functions are written once as kernels over contiguous float / double arrays
 * (vectorised through THCpuVec.h where libm would be scalar).  A strided run, and every
 * float16 / bfloat16 run, is gathered into a small float buffer, computed there and
 * scattered back, so every layout and 16-bit dtype shares the one vectorised kernel.
 * Integer-valued ops (abs, sign, floor of an int, ...) use THCpuLoops.h's loop macros.
 * Rows flagged FLOATRESULT only ever see floating inputs: THMath_pointwise converts
 * integers to the default float dtype first.
 */
#define _GNU_SOURCE /* lgammaf_r, lgamma_r: lgamma without the global signgam */
#include <math.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THSpecial.h"
#include "THCpuVec.h"

/* ======================================================================= array runners */

#define CHUNK 256

typedef void (*ArrF32)(float *y, const float *x, int64_t n, const THOpParams *p);
typedef void (*ArrF64)(double *y, const double *x, int64_t n, const THOpParams *p);

static void run_f32(char **d, const int64_t *s, int64_t n, const THOpParams *p, ArrF32 f) {
  if (s[0] == sizeof(float) && s[1] == sizeof(float)) {
    f((float *)d[0], (const float *)d[1], n, p);
    return;
  }
  float buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    const char *px = d[1] + i * s[1];
    char *po = d[0] + i * s[0];
    for (int64_t j = 0; j < m; j++) buf[j] = *(const float *)(px + j * s[1]);
    f(buf, buf, m, p);
    for (int64_t j = 0; j < m; j++) *(float *)(po + j * s[0]) = buf[j];
  }
}

static void run_f64(char **d, const int64_t *s, int64_t n, const THOpParams *p, ArrF64 f) {
  if (s[0] == sizeof(double) && s[1] == sizeof(double)) {
    f((double *)d[0], (const double *)d[1], n, p);
    return;
  }
  double buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    const char *px = d[1] + i * s[1];
    char *po = d[0] + i * s[0];
    for (int64_t j = 0; j < m; j++) buf[j] = *(const double *)(px + j * s[1]);
    f(buf, buf, m, p);
    for (int64_t j = 0; j < m; j++) *(double *)(po + j * s[0]) = buf[j];
  }
}

/* float16 (bf = false) or bfloat16 (bf = true): computed in float, rounded once on store. */
static void run_h16(char **d, const int64_t *s, int64_t n, const THOpParams *p, ArrF32 f, bool bf) {
  float buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    const char *px = d[1] + i * s[1];
    char *po = d[0] + i * s[0];
    if (bf) {
      for (int64_t j = 0; j < m; j++)
        buf[j] = th_bfloat162float(*(const uint16_t *)(px + j * s[1]));
      f(buf, buf, m, p);
      for (int64_t j = 0; j < m; j++) *(uint16_t *)(po + j * s[0]) = th_float2bfloat16(buf[j]);
    } else {
      for (int64_t j = 0; j < m; j++) buf[j] = th_half2float(*(const uint16_t *)(px + j * s[1]));
      f(buf, buf, m, p);
      for (int64_t j = 0; j < m; j++) *(uint16_t *)(po + j * s[0]) = th_float2half(buf[j]);
    }
  }
}

/* The four floating loops NAME_F32 .. NAME_BF16 of an op with array kernels NAME_a32 and
 * NAME_a64. */
#define DEF_FLOAT_LOOPS(NAME)                                                                      \
  __attribute__((unused)) static void NAME##_F32(char **d, const int64_t *s, int64_t n,            \
                                                 const THOpParams *p) {                            \
    run_f32(d, s, n, p, NAME##_a32);                                                               \
  }                                                                                                \
  __attribute__((unused)) static void NAME##_F64(char **d, const int64_t *s, int64_t n,            \
                                                 const THOpParams *p) {                            \
    run_f64(d, s, n, p, NAME##_a64);                                                               \
  }                                                                                                \
  __attribute__((unused)) static void NAME##_F16(char **d, const int64_t *s, int64_t n,            \
                                                 const THOpParams *p) {                            \
    run_h16(d, s, n, p, NAME##_a32, false);                                                        \
  }                                                                                                \
  __attribute__((unused)) static void NAME##_BF16(char **d, const int64_t *s, int64_t n,           \
                                                  const THOpParams *p) {                           \
    run_h16(d, s, n, p, NAME##_a32, true);                                                         \
  }

#define REG_FLOAT_LOOPS(OP, NAME)                                                                  \
  THCpu_registerLoop(TH_OP_##OP, TH_F32, NAME##_F32);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_F64, NAME##_F64);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_F16, NAME##_F16);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_BF16, NAME##_BF16);

/* Array kernels straight from THCpuVec (exp, log, sin, ..., floor, rint). */
#define DEF_VEC_ARRAYS(NAME, ULP, SF, SD)                                                          \
  static void NAME##_a32(float *y, const float *x, int64_t n, const THOpParams *p) {               \
    (void)p;                                                                                       \
    THVec_##NAME##_f32(y, x, n);                                                                   \
  }                                                                                                \
  static void NAME##_a64(double *y, const double *x, int64_t n, const THOpParams *p) {             \
    (void)p;                                                                                       \
    THVec_##NAME##_f64(y, x, n);                                                                   \
  }                                                                                                \
  DEF_FLOAT_LOOPS(NAME)
TH_VEC_UNARY_FUNCS(DEF_VEC_ARRAYS)

/* Array kernels written out once for float and double: BODY sees T (the element type),
 * y, x, n, p, and VEC(fn) naming THVec_fn_f32 or THVec_fn_f64. */
#define DEF_ARRAYS(NAME, ...)                                                                      \
  static void NAME##_a32(float *y, const float *x, int64_t n, const THOpParams *p) {               \
    typedef float T;                                                                               \
    (void)sizeof(T);                                                                               \
    (void)p;                                                                                       \
    __VA_ARGS__                                                                                    \
  }                                                                                                \
  static void NAME##_a64(double *y, const double *x, int64_t n, const THOpParams *p) {             \
    typedef double T;                                                                              \
    (void)sizeof(T);                                                                               \
    (void)p;                                                                                       \
    __VA_ARGS__                                                                                    \
  }                                                                                                \
  DEF_FLOAT_LOOPS(NAME)

/* VEC(fn, y, x, n) -> THVec_fn_f32 or THVec_fn_f64 by the type of y. */
#define VEC(fn, y, x, n)                                                                           \
  _Generic((y), float * : THVec_##fn##_f32, double * : THVec_##fn##_f64)(y, x, n)

/* ======================================================================= floating functions */

/* 1 / sqrt(x), divided exactly (as PyTorch's vectorised rsqrt). */
DEF_ARRAYS(rsqrt, {
  VEC(sqrt, y, x, n);
  for (int64_t i = 0; i < n; i++) y[i] = (T)1 / y[i];
})

DEF_ARRAYS(reciprocal, {
  for (int64_t i = 0; i < n; i++) y[i] = (T)1 / x[i];
})

/* 1 / (1 + exp(-x)) */
DEF_ARRAYS(sigmoid, {
  for (int64_t i = 0; i < n; i++) y[i] = -x[i];
  VEC(exp, y, y, n);
  for (int64_t i = 0; i < n; i++) y[i] = (T)1 / ((T)1 + y[i]);
})

/* log(z / (1 - z)), z = x clamped to [eps, 1 - eps] when eps >= 0 (NaN stays NaN). */
DEF_ARRAYS(logit, {
  const double eps = p->alpha.f;
  if (eps >= 0) {
    const T lo = (T)eps, hi = (T)1 - (T)eps;
    for (int64_t i = 0; i < n; i++) {
      T z = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
      y[i] = z / ((T)1 - z);
    }
  } else {
    for (int64_t i = 0; i < n; i++) y[i] = x[i] / ((T)1 - x[i]);
  }
  VEC(log, y, y, n);
})

/* SLEEF's asinh and acosh overflow for |x| beyond ~1e19 (float) / ~1e154 (double), and its
 * double log1p beyond ~1e307; libm takes those elements. */
#define TH_BIG_ARG(T) _Generic((T)0, float : (T)1e18f, default : (T)1e150)
#define TH_LIBM(fn, v) _Generic((v), float : fn##f, default : fn)(v)
DEF_ARRAYS(asinh_safe, {
  T buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    VEC(asinh, buf, x + i, m);
    for (int64_t j = 0; j < m; j++)
      y[i + j] = fabs((double)x[i + j]) < TH_BIG_ARG(T) ? buf[j] : TH_LIBM(asinh, x[i + j]);
  }
})
DEF_ARRAYS(acosh_safe, {
  T buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    VEC(acosh, buf, x + i, m);
    for (int64_t j = 0; j < m; j++)
      y[i + j] = x[i + j] < TH_BIG_ARG(T) ? buf[j] : TH_LIBM(acosh, x[i + j]);
  }
})

DEF_ARRAYS(log1p_safe, {
  T buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    VEC(log1p, buf, x + i, m);
    for (int64_t j = 0; j < m; j++)
      y[i + j] = x[i + j] < TH_BIG_ARG(T) ? buf[j] : TH_LIBM(log1p, x[i + j]);
  }
})

/* x - trunc(x) */
DEF_ARRAYS(frac, {
  T buf[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    VEC(trunc, buf, x + i, m);
    for (int64_t j = 0; j < m; j++) y[i + j] = x[i + j] - buf[j];
  }
})

/* Round half to even at alpha.i decimal digits: nearbyint(x * 10^d) / 10^d, or for d < 0
 * nearbyint(x / 10^-d) * 10^-d (PyTorch's formula, in the element type). */
DEF_ARRAYS(round, {
  int64_t dec = p->alpha.i;
  if (dec == 0) {
    VEC(rint, y, x, n);
  } else {
    const T ten = (T)pow(10.0, (double)(dec < 0 ? -dec : dec));
    if (dec > 0) {
      for (int64_t i = 0; i < n; i++) y[i] = x[i] * ten;
      VEC(rint, y, y, n);
      for (int64_t i = 0; i < n; i++) y[i] = y[i] / ten;
    } else {
      for (int64_t i = 0; i < n; i++) y[i] = x[i] / ten;
      VEC(rint, y, y, n);
      for (int64_t i = 0; i < n; i++) y[i] = y[i] * ten;
    }
  }
})

/* NaN -> alpha.f, +inf -> beta.f, -inf -> gamma.f (THPointwise.h). */
DEF_ARRAYS(nan_to_num, {
  const T vnan = (T)p->alpha.f, vpos = (T)p->beta.f, vneg = (T)p->gamma.f;
  for (int64_t i = 0; i < n; i++) {
    T v = x[i];
    y[i] = v != v ? vnan : (v == (T)INFINITY ? vpos : (v == -(T)INFINITY ? vneg : v));
  }
})

/* lgamma without touching the global signgam (thread safe). */
DEF_ARRAYS(lgamma, {
  int sign;
  for (int64_t i = 0; i < n; i++)
    y[i] = _Generic((T)0, float
                    : lgammaf_r((float)x[i], &sign), default
                    : lgamma_r((double)x[i], &sign));
})

/* digamma, erfinv: THSpecial.h */
DEF_ARRAYS(digamma, {
  for (int64_t i = 0; i < n; i++) y[i] = (T)th_digamma((double)x[i]);
})

/* The same, a chunk at a time with the vectorised log, erf, erfc and exp: one step for every
 * element, and th_erfinv for the few that have not converged (and for the special values). */
static void erfinv_chunk(double *out, const double *y, int64_t m) {
  double ay[CHUNK], w[CHUNK], z[CHUNK], e[CHUNK], ex[CHUNK], zs[CHUNK];
  int64_t idx[CHUNK], nlo = 0, nhi = 0;
  for (int64_t j = 0; j < m; j++) {
    ay[j] = fabs(y[j]);
    w[j] = (1 - ay[j]) * (1 + ay[j]);
  }
  THVec_log_f64(w, w, m);
  for (int64_t j = 0; j < m; j++) z[j] = th_erfinv_guess(ay[j], -w[j]);
  /* erf for |y| <= 0.5 (packed at the front of zs), erfc for the rest (packed at the back) */
  for (int64_t j = 0; j < m; j++) {
    if (ay[j] > 0.5)
      idx[m - 1 - nhi++] = j;
    else
      idx[nlo++] = j;
  }
  for (int64_t k = 0; k < m; k++) zs[k] = z[idx[k]];
  THVec_erf_f64(w, zs, nlo);
  THVec_erfc_f64(w + nlo, zs + nlo, nhi);
  for (int64_t k = 0; k < m; k++) e[idx[k]] = w[k];
  for (int64_t j = 0; j < m; j++) ex[j] = -z[j] * z[j];
  THVec_exp_f64(ex, ex, m);
  for (int64_t j = 0; j < m; j++) {
    double step = th_erfinv_step(ay[j], z[j], e[j], ex[j]);
    double zz = z[j] - step;
    bool special = !(ay[j] < 1) || y[j] == 0; /* NaN, +-1, outside [-1, 1], +-0 */
    out[j] = (special || ex[j] == 0 || !(fabs(step) <= 1e-6 * zz)) ? th_erfinv(y[j])
                                                                   : copysign(zz, y[j]);
  }
}

DEF_ARRAYS(erfinv, {
  double yb[CHUNK], ob[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    for (int64_t j = 0; j < m; j++) yb[j] = (double)x[i + j];
    erfinv_chunk(ob, yb, m);
    for (int64_t j = 0; j < m; j++) y[i + j] = (T)ob[j];
  }
})

/* ======================================================================= integer-valued ops */

static inline int64_t th_iabs(int64_t a) { return a < 0 ? (int64_t)(0 - (uint64_t)a) : a; }
#define TH_ABS(a) _Generic((a), int64_t : th_iabs, float : fabsf, default : fabs)(a)

#define DEF_ALL_DTYPE_OPS(ID, NAME, CTYPE, ACC, KIND)                                              \
  TH_DEFINE_UNARY_LOOP(sign, ID, CTYPE, ACC, (ACC)((a > 0) - (a < 0)))                             \
  TH_DEFINE_UNARY_LOOP(square, ID, CTYPE, ACC, TH_MUL(a, a))
TH_FORALL_DTYPES(DEF_ALL_DTYPE_OPS)

#define DEF_NUMERIC_OPS(ID, NAME, CTYPE, ACC, KIND)                                                \
  TH_DEFINE_UNARY_LOOP(abs, ID, CTYPE, ACC, TH_ABS(a))                                             \
  TH_DEFINE_UNARY_LOOP(relu, ID, CTYPE, ACC, (a < 0 ? (ACC)0 : a))
TH_FORALL_FLOAT_DTYPES(DEF_NUMERIC_OPS)
TH_FORALL_INT_DTYPES(DEF_NUMERIC_OPS)

/* floor, ceil, trunc and round of an integer are the integer itself. */
#define DEF_INT_OPS(ID, NAME, CTYPE, ACC, KIND)                                                    \
  TH_DEFINE_UNARY_LOOP(identity, ID, CTYPE, ACC, a)                                                \
  TH_DEFINE_UNARY_LOOP(bitwise_not, ID, CTYPE, ACC, ~a)
TH_FORALL_INT_DTYPES(DEF_INT_OPS)
TH_DEFINE_UNARY_LOOP(bitwise_not, BOOL, bool, int64_t, !a)
TH_DEFINE_UNARY_LOOP(identity, BOOL, bool, int64_t, a)

/* ======================================================================= bool-valued ops */

/* A unary loop NAME_ID writing bool: EXPR of the ACC value a. */
#define DEF_PRED_LOOP(NAME, ID, CTYPE, ACC, EXPR)                                                  \
  static void NAME##_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {            \
    (void)p;                                                                                       \
    if (s[0] == sizeof(bool) && s[1] == sizeof(CTYPE)) {                                           \
      bool *restrict o = (bool *)d[0];                                                             \
      const CTYPE *x = (const CTYPE *)d[1];                                                        \
      for (int64_t i = 0; i < n; i++) {                                                            \
        ACC a = LOAD_##ID(x[i]);                                                                   \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      char *po = d[0], *px = d[1];                                                                 \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1]) {                                    \
        ACC a = LOAD_##ID(*(const CTYPE *)px);                                                     \
        *(bool *)po = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

#define DEF_FLOAT_PREDS(ID, NAME, CTYPE, ACC, KIND)                                                \
  DEF_PRED_LOOP(isnan, ID, CTYPE, ACC, a != a)                                                     \
  DEF_PRED_LOOP(isinf, ID, CTYPE, ACC, a == (ACC)INFINITY || a == -(ACC)INFINITY)                  \
  DEF_PRED_LOOP(isfinite, ID, CTYPE, ACC, a - a == 0)
TH_FORALL_FLOAT_DTYPES(DEF_FLOAT_PREDS)

/* integers and bool: never NaN or infinite */
#define DEF_INT_PREDS(ID, NAME, CTYPE, ACC, KIND)                                                  \
  DEF_PRED_LOOP(isnan, ID, CTYPE, ACC, ((void)a, false))                                           \
  DEF_PRED_LOOP(isinf, ID, CTYPE, ACC, ((void)a, false))                                           \
  DEF_PRED_LOOP(isfinite, ID, CTYPE, ACC, ((void)a, true))
TH_FORALL_INT_DTYPES(DEF_INT_PREDS)
DEF_INT_PREDS(BOOL, bool, bool, int64_t, 0)

#define DEF_LOGICAL_NOT(ID, NAME, CTYPE, ACC, KIND)                                                \
  DEF_PRED_LOOP(logical_not, ID, CTYPE, ACC, a == 0)
TH_FORALL_DTYPES(DEF_LOGICAL_NOT)

/* ======================================================================= registration */

__attribute__((constructor)) static void cpu_unary_register(void) {
  /* floating functions: float32, float64, float16, bfloat16 */
  REG_FLOAT_LOOPS(exp, exp)
  REG_FLOAT_LOOPS(exp2, exp2)
  REG_FLOAT_LOOPS(expm1, expm1)
  REG_FLOAT_LOOPS(log, log)
  REG_FLOAT_LOOPS(log2, log2)
  REG_FLOAT_LOOPS(log10, log10)
  REG_FLOAT_LOOPS(log1p, log1p_safe)
  REG_FLOAT_LOOPS(sin, sin)
  REG_FLOAT_LOOPS(cos, cos)
  REG_FLOAT_LOOPS(tan, tan)
  REG_FLOAT_LOOPS(asin, asin)
  REG_FLOAT_LOOPS(acos, acos)
  REG_FLOAT_LOOPS(atan, atan)
  REG_FLOAT_LOOPS(sinh, sinh)
  REG_FLOAT_LOOPS(cosh, cosh)
  REG_FLOAT_LOOPS(tanh, tanh)
  REG_FLOAT_LOOPS(asinh, asinh_safe)
  REG_FLOAT_LOOPS(acosh, acosh_safe)
  REG_FLOAT_LOOPS(atanh, atanh)
  REG_FLOAT_LOOPS(erf, erf)
  REG_FLOAT_LOOPS(erfc, erfc)
  REG_FLOAT_LOOPS(sqrt, sqrt)
  REG_FLOAT_LOOPS(floor, floor)
  REG_FLOAT_LOOPS(ceil, ceil)
  REG_FLOAT_LOOPS(trunc, trunc)
  REG_FLOAT_LOOPS(rsqrt, rsqrt)
  REG_FLOAT_LOOPS(reciprocal, reciprocal)
  REG_FLOAT_LOOPS(sigmoid, sigmoid)
  REG_FLOAT_LOOPS(logit, logit)
  REG_FLOAT_LOOPS(frac, frac)
  REG_FLOAT_LOOPS(round, round)
  REG_FLOAT_LOOPS(nan_to_num, nan_to_num)
  REG_FLOAT_LOOPS(lgamma, lgamma)
  REG_FLOAT_LOOPS(digamma, digamma)
  REG_FLOAT_LOOPS(erfinv, erfinv)

#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_sign, TH_##ID, sign_##ID);                                              \
  THCpu_registerLoop(TH_OP_square, TH_##ID, square_##ID);                                          \
  THCpu_registerLoop(TH_OP_isnan, TH_##ID, isnan_##ID);                                            \
  THCpu_registerLoop(TH_OP_isinf, TH_##ID, isinf_##ID);                                            \
  THCpu_registerLoop(TH_OP_isfinite, TH_##ID, isfinite_##ID);                                      \
  THCpu_registerLoop(TH_OP_logical_not, TH_##ID, logical_not_##ID);
  TH_FORALL_DTYPES(TH_X)
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_abs, TH_##ID, abs_##ID);                                                \
  THCpu_registerLoop(TH_OP_relu, TH_##ID, relu_##ID);
  TH_FORALL_FLOAT_DTYPES(TH_X)
  TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_floor, TH_##ID, identity_##ID);                                         \
  THCpu_registerLoop(TH_OP_ceil, TH_##ID, identity_##ID);                                          \
  THCpu_registerLoop(TH_OP_trunc, TH_##ID, identity_##ID);                                         \
  THCpu_registerLoop(TH_OP_round, TH_##ID, identity_##ID);                                         \
  THCpu_registerLoop(TH_OP_nan_to_num, TH_##ID, identity_##ID);                                    \
  THCpu_registerLoop(TH_OP_bitwise_not, TH_##ID, bitwise_not_##ID);
  TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  THCpu_registerLoop(TH_OP_bitwise_not, TH_BOOL, bitwise_not_BOOL);
  THCpu_registerLoop(TH_OP_nan_to_num, TH_BOOL, identity_BOOL);
}
