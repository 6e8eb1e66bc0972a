/* THCpuBinary.c: CPU kernels of the two- and three-operand elementwise rows of THOps.def
 * (maximum, fmod, remainder, atan2, comparisons, bitwise and logical ops, isclose, clamp,
 * where, lerp, addcmul, addcdiv), registered per dtype with THCpu_registerLoop.
 *
 * As in THCpuUnary.c, the floating functions libm would compute one element at a time
 * (atan2, hypot, fmod and the ops built on fmod) are array kernels over float / double
 * buffers, vectorised through THCpuVec.h; strided and 16-bit runs are gathered into small
 * buffers first.  Everything else is a plain expression in THCpuLoops.h's loop macros, which
 * the compiler vectorises on contiguous data.  Integer division never traps: division by 0
 * gives 0 here (the op functions of THPointwise.c report it as an error before any kernel
 * runs) and INT_MIN / -1 wraps.
 */
#include <math.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THCpuVec.h"

/* ======================================================================= array runners */

#define CHUNK 256

typedef void (*Arr2F32)(float *y, const float *a, const float *b, int64_t n, const THOpParams *p);
typedef void (*Arr2F64)(double *y, const double *a, const double *b, int64_t n,
                        const THOpParams *p);

/* Contiguous operands are used in place, broadcast scalars (stride 0) are spread over a
 * buffer once, other strided operands are gathered a chunk at a time. */
#define DEF_RUN2(SUFFIX, T, ARR)                                                                   \
  static void run2_##SUFFIX(char **d, const int64_t *s, int64_t n, const THOpParams *p, ARR f) {   \
    const int64_t es = (int64_t)sizeof(T);                                                         \
    if (s[0] == es && s[1] == es && s[2] == es) {                                                  \
      f((T *)d[0], (const T *)d[1], (const T *)d[2], n, p);                                        \
      return;                                                                                      \
    }                                                                                              \
    T ba[CHUNK], bb[CHUNK], bo[CHUNK];                                                             \
    const int64_t fill = n < CHUNK ? n : CHUNK;                                                    \
    if (s[1] == 0)                                                                                 \
      for (int64_t j = 0; j < fill; j++) ba[j] = *(const T *)d[1];                                 \
    if (s[2] == 0)                                                                                 \
      for (int64_t j = 0; j < fill; j++) bb[j] = *(const T *)d[2];                                 \
    for (int64_t i = 0; i < n; i += CHUNK) {                                                       \
      int64_t m = n - i < CHUNK ? n - i : CHUNK;                                                   \
      const T *pa = ba, *pb = bb;                                                                  \
      if (s[1] == es)                                                                              \
        pa = (const T *)d[1] + i;                                                                  \
      else if (s[1] != 0)                                                                          \
        for (int64_t j = 0; j < m; j++) ba[j] = *(const T *)(d[1] + (i + j) * s[1]);               \
      if (s[2] == es)                                                                              \
        pb = (const T *)d[2] + i;                                                                  \
      else if (s[2] != 0)                                                                          \
        for (int64_t j = 0; j < m; j++) bb[j] = *(const T *)(d[2] + (i + j) * s[2]);               \
      if (s[0] == es) {                                                                            \
        f((T *)d[0] + i, pa, pb, m, p);                                                            \
      } else {                                                                                     \
        f(bo, pa, pb, m, p);                                                                       \
        for (int64_t j = 0; j < m; j++) *(T *)(d[0] + (i + j) * s[0]) = bo[j];                     \
      }                                                                                            \
    }                                                                                              \
  }
DEF_RUN2(f32, float, Arr2F32)
DEF_RUN2(f64, double, Arr2F64)

/* float16 / bfloat16 through float buffers, rounded once on store */
static void run2_h16(char **d, const int64_t *s, int64_t n, const THOpParams *p, Arr2F32 f,
                     bool bf) {
  float ba[CHUNK], bb[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    const char *pa = d[1] + i * s[1], *pb = d[2] + i * s[2];
    char *po = d[0] + i * s[0];
    for (int64_t j = 0; j < m; j++) {
      uint16_t x = *(const uint16_t *)(pa + j * s[1]), y = *(const uint16_t *)(pb + j * s[2]);
      ba[j] = bf ? th_bfloat162float(x) : th_half2float(x);
      bb[j] = bf ? th_bfloat162float(y) : th_half2float(y);
    }
    f(ba, ba, bb, m, p);
    for (int64_t j = 0; j < m; j++)
      *(uint16_t *)(po + j * s[0]) = bf ? th_float2bfloat16(ba[j]) : th_float2half(ba[j]);
  }
}

#define DEF_FLOAT_LOOPS2(NAME)                                                                     \
  static void NAME##_F32(char **d, const int64_t *s, int64_t n, const THOpParams *p) {             \
    run2_f32(d, s, n, p, NAME##_a32);                                                              \
  }                                                                                                \
  static void NAME##_F64(char **d, const int64_t *s, int64_t n, const THOpParams *p) {             \
    run2_f64(d, s, n, p, NAME##_a64);                                                              \
  }                                                                                                \
  static void NAME##_F16(char **d, const int64_t *s, int64_t n, const THOpParams *p) {             \
    run2_h16(d, s, n, p, NAME##_a32, false);                                                       \
  }                                                                                                \
  static void NAME##_BF16(char **d, const int64_t *s, int64_t n, const THOpParams *p) {            \
    run2_h16(d, s, n, p, NAME##_a32, true);                                                        \
  }

/* Array kernels written once for float and double: BODY sees T, y, a, b, n, p. */
#define DEF_ARRAYS2(NAME, ...)                                                                     \
  static void NAME##_a32(float *y, const float *a, const float *b, int64_t n,                      \
                         const THOpParams *p) {                                                    \
    typedef float T;                                                                               \
    (void)sizeof(T);                                                                               \
    (void)p;                                                                                       \
    __VA_ARGS__                                                                                    \
  }                                                                                                \
  static void NAME##_a64(double *y, const double *a, const double *b, int64_t n,                   \
                         const THOpParams *p) {                                                    \
    typedef double T;                                                                              \
    (void)sizeof(T);                                                                               \
    (void)p;                                                                                       \
    __VA_ARGS__                                                                                    \
  }                                                                                                \
  DEF_FLOAT_LOOPS2(NAME)

#define VEC2(fn, y, a, b, n)                                                                       \
  _Generic((y), float * : THVec_##fn##_f32, double * : THVec_##fn##_f64)(y, a, b, n)
#define VEC(fn, y, x, n)                                                                           \
  _Generic((y), float * : THVec_##fn##_f32, double * : THVec_##fn##_f64)(y, x, n)

/* ======================================================================= floating functions */

DEF_ARRAYS2(atan2, { VEC2(atan2, y, a, b, n); })
DEF_ARRAYS2(hypot, { VEC2(hypot, y, a, b, n); })
/* r = fmod(a, b) for m <= CHUNK elements.  SLEEF's fmod gives NaN when a / b overflows
 * (a huge, b tiny); libm takes those elements. */
#define TH_LIBM_FMOD(x, y) _Generic((x), float : fmodf, default : fmod)(x, y)
#define FMOD_CHUNK(r, a, b, m)                                                                     \
  do {                                                                                             \
    VEC2(fmod, r, a, b, m);                                                                        \
    for (int64_t k_ = 0; k_ < (m); k_++)                                                           \
      if (r[k_] != r[k_] && isfinite(a[k_]) && b[k_] == b[k_] && b[k_] != 0)                       \
        r[k_] = TH_LIBM_FMOD(a[k_], b[k_]);                                                        \
  } while (0)

DEF_ARRAYS2(fmod, {
  T r[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    FMOD_CHUNK(r, (a + i), (b + i), m);
    memcpy(y + i, r, (size_t)m * sizeof(T));
  }
})

/* Python's %: fmod, then moved into the divisor's sign.  (y may share memory with b, so the
 * fmod goes to a buffer and each y[i] is written after b[i] is read.) */
DEF_ARRAYS2(remainder, {
  T r[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    FMOD_CHUNK(r, (a + i), (b + i), m);
    for (int64_t j = 0; j < m; j++) {
      T bv = b[i + j], v = r[j];
      y[i + j] = (v != 0 && ((bv < 0) != (v < 0))) ? v + bv : v;
    }
  }
})

/* Division rounded toward -inf, computed as PyTorch does from fmod so that the result is
 * consistent with remainder: a = floor_divide(a, b) * b + remainder(a, b). */
DEF_ARRAYS2(floor_divide, {
  T r[CHUNK], q[CHUNK], fl[CHUNK];
  for (int64_t i = 0; i < n; i += CHUNK) {
    int64_t m = n - i < CHUNK ? n - i : CHUNK;
    FMOD_CHUNK(r, (a + i), (b + i), m);
    for (int64_t j = 0; j < m; j++) {
      T av = a[i + j], bv = b[i + j], mod = r[j];
      T div = (av - mod) / bv;
      q[j] = (mod != 0 && ((bv < 0) != (mod < 0))) ? div - 1 : div;
    }
    VEC(floor, fl, q, m);
    for (int64_t j = 0; j < m; j++) {
      T av = a[i + j], bv = b[i + j], div = q[j], res;
      if (bv == 0)
        res = av / bv;
      else if (div != 0)
        res = (div - fl[j] > (T)0.5) ? fl[j] + 1 : fl[j];
      else
        res = copysign((T)0, av / bv);
      y[i + j] = res;
    }
  }
})

/* ======================================================================= integer division */

static inline int64_t th_imod(int64_t a, int64_t b) { return (b == 0 || b == -1) ? 0 : a % b; }
static inline int64_t th_irem(int64_t a, int64_t b) {
  int64_t r = th_imod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
static inline int64_t th_ifloordiv(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int64_t)(0 - (uint64_t)a);
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

#define DEF_INT_DIV(ID, NAME, CTYPE, ACC, KIND)                                                    \
  TH_DEFINE_BINARY_LOOP(fmod, ID, CTYPE, ACC, th_imod(a, b))                                       \
  TH_DEFINE_BINARY_LOOP(remainder, ID, CTYPE, ACC, th_irem(a, b))                                  \
  TH_DEFINE_BINARY_LOOP(floor_divide, ID, CTYPE, ACC, th_ifloordiv(a, b))
TH_FORALL_INT_DTYPES(DEF_INT_DIV)

/* ======================================================================= max, min, bits */

/* NaN-propagating max / min (a NaN on either side gives NaN). */
#define DEF_MINMAX(ID, NAME, CTYPE, ACC, KIND)                                                     \
  TH_DEFINE_BINARY_LOOP(maximum, ID, CTYPE, ACC, (a != a || a > b) ? a : b)                        \
  TH_DEFINE_BINARY_LOOP(minimum, ID, CTYPE, ACC, (a != a || a < b) ? a : b)
TH_FORALL_DTYPES(DEF_MINMAX)

/* relu's gradient in one pass: a is the incoming gradient, b the forward's input or result,
 * alpha the threshold (PyTorch's threshold_backward: 0 where b <= threshold). */
#define DEF_THRESHOLD_BACKWARD(ID, NAME, CTYPE, ACC, KIND)                                         \
  TH_DEFINE_BINARY_LOOP(threshold_backward, ID, CTYPE, ACC, b <= alpha ? (ACC)0 : a)
TH_FORALL_FLOAT_DTYPES(DEF_THRESHOLD_BACKWARD)

#define DEF_BITS(ID, NAME, CTYPE, ACC, KIND)                                                       \
  TH_DEFINE_BINARY_LOOP(bitwise_and, ID, CTYPE, ACC, a &b)                                         \
  TH_DEFINE_BINARY_LOOP(bitwise_or, ID, CTYPE, ACC, a | b)                                         \
  TH_DEFINE_BINARY_LOOP(bitwise_xor, ID, CTYPE, ACC, a ^ b)
TH_FORALL_INT_DTYPES(DEF_BITS)
DEF_BITS(BOOL, bool, bool, int64_t, 0)

/* Shift counts outside [0, bits of the dtype) shift everything out: 0, or the sign bits for
 * a right shift. */
#define TH_NBITS(CTYPE) ((int64_t)(8 * sizeof(CTYPE)))
#define DEF_SHIFTS(ID, NAME, CTYPE, ACC, KIND)                                                     \
  TH_DEFINE_BINARY_LOOP(bitwise_left_shift, ID, CTYPE, ACC,                                        \
                        (b < 0 || b >= TH_NBITS(CTYPE)) ? 0 : (int64_t)((uint64_t)a << b))         \
  TH_DEFINE_BINARY_LOOP(bitwise_right_shift, ID, CTYPE, ACC,                                       \
                        (b < 0 || b >= TH_NBITS(CTYPE)) ? (a < 0 ? -1 : 0) : a >> b)
TH_FORALL_INT_DTYPES(DEF_SHIFTS)

/* ======================================================================= bool results */

/* A binary loop NAME_ID writing bool: EXPR of the ACC values a and b. */
#define DEF_PRED2_LOOP(NAME, ID, CTYPE, ACC, EXPR)                                                 \
  static void NAME##_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {            \
    (void)p;                                                                                       \
    const int64_t es = (int64_t)sizeof(CTYPE);                                                     \
    if (s[0] == 1 && s[1] == es && s[2] == es) {                                                   \
      bool *restrict o = (bool *)d[0];                                                             \
      const CTYPE *x = (const CTYPE *)d[1], *z = (const CTYPE *)d[2];                              \
      for (int64_t i = 0; i < n; i++) {                                                            \
        ACC a = LOAD_##ID(x[i]), b = LOAD_##ID(z[i]);                                              \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else if (s[0] == 1 && s[1] == es && s[2] == 0) {                                             \
      bool *restrict o = (bool *)d[0];                                                             \
      const CTYPE *x = (const CTYPE *)d[1];                                                        \
      const ACC b = LOAD_##ID(*(const CTYPE *)d[2]);                                               \
      for (int64_t i = 0; i < n; i++) {                                                            \
        ACC a = LOAD_##ID(x[i]);                                                                   \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      char *po = d[0], *px = d[1], *pz = d[2];                                                     \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1], pz += s[2]) {                        \
        ACC a = LOAD_##ID(*(const CTYPE *)px), b = LOAD_##ID(*(const CTYPE *)pz);                  \
        *(bool *)po = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

/* isclose: equal, or both NaN (equal_nan), or a finite |a - b| <= atol + |rtol * b|.
 * Integers compare in double. */
static inline bool th_isclose(double a, double b, const THOpParams *p) {
  if (a == b) return true;
  if (p->gamma.i && a != a && b != b) return true;
  double diff = fabs(a - b);
  return isfinite(diff) && diff <= p->beta.f + fabs(p->alpha.f * b);
}
static inline bool th_isclosef(float a, float b, const THOpParams *p) {
  if (a == b) return true;
  if (p->gamma.i && a != a && b != b) return true;
  float diff = fabsf(a - b);
  return isfinite(diff) && diff <= (float)p->beta.f + fabsf((float)p->alpha.f * b);
}
#define TH_ISCLOSE(a, b, p) _Generic((a), float : th_isclosef, default : th_isclose)(a, b, p)

#define DEF_PREDS2(ID, NAME, CTYPE, ACC, KIND)                                                     \
  DEF_PRED2_LOOP(eq, ID, CTYPE, ACC, a == b)                                                       \
  DEF_PRED2_LOOP(ne, ID, CTYPE, ACC, a != b)                                                       \
  DEF_PRED2_LOOP(lt, ID, CTYPE, ACC, a < b)                                                        \
  DEF_PRED2_LOOP(le, ID, CTYPE, ACC, a <= b)                                                       \
  DEF_PRED2_LOOP(gt, ID, CTYPE, ACC, a > b)                                                        \
  DEF_PRED2_LOOP(ge, ID, CTYPE, ACC, a >= b)                                                       \
  DEF_PRED2_LOOP(logical_and, ID, CTYPE, ACC, (a != 0) & (b != 0))                                 \
  DEF_PRED2_LOOP(logical_or, ID, CTYPE, ACC, (a != 0) | (b != 0))                                  \
  DEF_PRED2_LOOP(logical_xor, ID, CTYPE, ACC, (a != 0) != (b != 0))                                \
  DEF_PRED2_LOOP(isclose, ID, CTYPE, ACC, TH_ISCLOSE(a, b, p))
TH_FORALL_DTYPES(DEF_PREDS2)

/* ======================================================================= three operands */

/* A ternary loop NAME_ID computing EXPR from the ACC values a, b, c (and alpha), with plain
 * loops for the contiguous case and for a contiguous first operand with two scalars. */
#define DEF_TERNARY_LOOP(NAME, ID, CTYPE, ACC, EXPR)                                               \
  static void NAME##_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {            \
    const ACC alpha = TH_PARAM_ALPHA(ACC, p);                                                      \
    (void)alpha;                                                                                   \
    const int64_t es = (int64_t)sizeof(CTYPE);                                                     \
    if (s[0] == es && s[1] == es && s[2] == es && s[3] == es) {                                    \
      CTYPE *restrict o = (CTYPE *)d[0];                                                           \
      const CTYPE *x = (const CTYPE *)d[1], *y = (const CTYPE *)d[2];                              \
      const CTYPE *z = (const CTYPE *)d[3];                                                        \
      for (int64_t i = 0; i < n; i++) {                                                            \
        ACC a = LOAD_##ID(x[i]), b = LOAD_##ID(y[i]), c = LOAD_##ID(z[i]);                         \
        o[i] = STORE_##ID(EXPR);                                                                   \
      }                                                                                            \
    } else if (s[0] == es && s[1] == es && s[2] == 0 && s[3] == 0) {                               \
      CTYPE *restrict o = (CTYPE *)d[0];                                                           \
      const CTYPE *x = (const CTYPE *)d[1];                                                        \
      const ACC b = LOAD_##ID(*(const CTYPE *)d[2]), c = LOAD_##ID(*(const CTYPE *)d[3]);          \
      for (int64_t i = 0; i < n; i++) {                                                            \
        ACC a = LOAD_##ID(x[i]);                                                                   \
        o[i] = STORE_##ID(EXPR);                                                                   \
      }                                                                                            \
    } else {                                                                                       \
      char *po = d[0], *px = d[1], *py = d[2], *pz = d[3];                                         \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1], py += s[2], pz += s[3]) {            \
        ACC a = LOAD_##ID(*(const CTYPE *)px), b = LOAD_##ID(*(const CTYPE *)py);                  \
        ACC c = LOAD_##ID(*(const CTYPE *)pz);                                                     \
        *(CTYPE *)po = STORE_##ID(EXPR);                                                           \
      }                                                                                            \
    }                                                                                              \
  }

/* where with a bool condition and values of any dtype of alpha.i bytes (THPointwise.h): a
 * selection of bytes. */
#define WHERE_SELECT(U)                                                                            \
  do {                                                                                             \
    const int64_t es = (int64_t)sizeof(U);                                                         \
    if (s[0] == es && s[1] == 1 && s[2] == es && s[3] == es) {                                     \
      U *restrict o = (U *)d[0];                                                                   \
      const bool *c = (const bool *)d[1];                                                          \
      const U *x = (const U *)d[2], *y = (const U *)d[3];                                          \
      for (int64_t i = 0; i < n; i++) o[i] = c[i] ? x[i] : y[i];                                   \
    } else {                                                                                       \
      char *po = d[0], *pc = d[1], *px = d[2], *py = d[3];                                         \
      for (int64_t i = 0; i < n; i++, po += s[0], pc += s[1], px += s[2], py += s[3])              \
        *(U *)po = *(const bool *)pc ? *(const U *)px : *(const U *)py;                            \
    }                                                                                              \
  } while (0)

static void where_bytes(char **d, const int64_t *s, int64_t n, const THOpParams *p) {
  switch (p->alpha.i) {
  case 2: WHERE_SELECT(uint16_t); break;
  case 4: WHERE_SELECT(uint32_t); break;
  case 8: WHERE_SELECT(uint64_t); break;
  default: WHERE_SELECT(uint8_t); break;
  }
}

/* clamp: NaN-propagating max with the lower bound, then min with the upper one (so lo > hi
 * gives hi). */
static inline double th_clampd(double a, double lo, double hi) {
  double t = (a != a || a > lo) ? a : lo;
  return (t != t || t < hi) ? t : hi;
}
static inline float th_clampf(float a, float lo, float hi) {
  float t = (a != a || a > lo) ? a : lo;
  return (t != t || t < hi) ? t : hi;
}
static inline int64_t th_clampi(int64_t a, int64_t lo, int64_t hi) {
  int64_t t = a > lo ? a : lo;
  return t < hi ? t : hi;
}
#define TH_CLAMP(a, lo, hi)                                                                        \
  _Generic((a), int64_t : th_clampi, float : th_clampf, default : th_clampd)(a, lo, hi)

/* PyTorch's lerp: two formulas, each exact at its own end. */
#define TH_LERP(s, e, w)                                                                           \
  (fabs((double)(w)) < 0.5 ? (s) + (w) * ((e) - (s)) : (e) - ((e) - (s)) * (1 - (w)))

#define DEF_TERNARY_ALL(ID, NAME, CTYPE, ACC, KIND)                                                \
  DEF_TERNARY_LOOP(where, ID, CTYPE, ACC, a != 0 ? b : c)                                          \
  DEF_TERNARY_LOOP(clamp, ID, CTYPE, ACC, TH_CLAMP(a, b, c))
TH_FORALL_DTYPES(DEF_TERNARY_ALL)

#define DEF_TERNARY_NUMERIC(ID, NAME, CTYPE, ACC, KIND)                                            \
  DEF_TERNARY_LOOP(addcmul, ID, CTYPE, ACC, TH_ADD(a, TH_MUL(TH_MUL(alpha, b), c)))
TH_FORALL_FLOAT_DTYPES(DEF_TERNARY_NUMERIC)
TH_FORALL_INT_DTYPES(DEF_TERNARY_NUMERIC)

#define DEF_TERNARY_FLOAT(ID, NAME, CTYPE, ACC, KIND)                                              \
  DEF_TERNARY_LOOP(addcdiv, ID, CTYPE, ACC, a + alpha * b / c)                                     \
  DEF_TERNARY_LOOP(lerp, ID, CTYPE, ACC, TH_LERP(a, b, c))
TH_FORALL_FLOAT_DTYPES(DEF_TERNARY_FLOAT)

/* ======================================================================= registration */

#define REG_FLOAT_LOOPS(OP, NAME)                                                                  \
  THCpu_registerLoop(TH_OP_##OP, TH_F32, NAME##_F32);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_F64, NAME##_F64);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_F16, NAME##_F16);                                              \
  THCpu_registerLoop(TH_OP_##OP, TH_BF16, NAME##_BF16);

__attribute__((constructor)) static void cpu_binary_register(void) {
  REG_FLOAT_LOOPS(atan2, atan2)
  REG_FLOAT_LOOPS(hypot, hypot)
  REG_FLOAT_LOOPS(fmod, fmod)
  REG_FLOAT_LOOPS(remainder, remainder)
  REG_FLOAT_LOOPS(floor_divide, floor_divide)
  REG_FLOAT_LOOPS(threshold_backward, threshold_backward)
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_fmod, TH_##ID, fmod_##ID);                                              \
  THCpu_registerLoop(TH_OP_remainder, TH_##ID, remainder_##ID);                                    \
  THCpu_registerLoop(TH_OP_floor_divide, TH_##ID, floor_divide_##ID);                              \
  THCpu_registerLoop(TH_OP_bitwise_and, TH_##ID, bitwise_and_##ID);                                \
  THCpu_registerLoop(TH_OP_bitwise_or, TH_##ID, bitwise_or_##ID);                                  \
  THCpu_registerLoop(TH_OP_bitwise_xor, TH_##ID, bitwise_xor_##ID);                                \
  THCpu_registerLoop(TH_OP_bitwise_left_shift, TH_##ID, bitwise_left_shift_##ID);                  \
  THCpu_registerLoop(TH_OP_bitwise_right_shift, TH_##ID, bitwise_right_shift_##ID);
  TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  THCpu_registerLoop(TH_OP_bitwise_and, TH_BOOL, bitwise_and_BOOL);
  THCpu_registerLoop(TH_OP_bitwise_or, TH_BOOL, bitwise_or_BOOL);
  THCpu_registerLoop(TH_OP_bitwise_xor, TH_BOOL, bitwise_xor_BOOL);
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_maximum, TH_##ID, maximum_##ID);                                        \
  THCpu_registerLoop(TH_OP_minimum, TH_##ID, minimum_##ID);                                        \
  THCpu_registerLoop(TH_OP_clamp_min, TH_##ID, maximum_##ID);                                      \
  THCpu_registerLoop(TH_OP_clamp_max, TH_##ID, minimum_##ID);                                      \
  THCpu_registerLoop(TH_OP_eq, TH_##ID, eq_##ID);                                                  \
  THCpu_registerLoop(TH_OP_ne, TH_##ID, ne_##ID);                                                  \
  THCpu_registerLoop(TH_OP_lt, TH_##ID, lt_##ID);                                                  \
  THCpu_registerLoop(TH_OP_le, TH_##ID, le_##ID);                                                  \
  THCpu_registerLoop(TH_OP_gt, TH_##ID, gt_##ID);                                                  \
  THCpu_registerLoop(TH_OP_ge, TH_##ID, ge_##ID);                                                  \
  THCpu_registerLoop(TH_OP_logical_and, TH_##ID, logical_and_##ID);                                \
  THCpu_registerLoop(TH_OP_logical_or, TH_##ID, logical_or_##ID);                                  \
  THCpu_registerLoop(TH_OP_logical_xor, TH_##ID, logical_xor_##ID);                                \
  THCpu_registerLoop(TH_OP_isclose, TH_##ID, isclose_##ID);                                        \
  THCpu_registerLoop(TH_OP_where, TH_##ID, where_##ID);                                            \
  THCpu_registerLoop(TH_OP_clamp, TH_##ID, clamp_##ID);
  TH_FORALL_DTYPES(TH_X)
#undef TH_X
  THCpu_registerLoop(TH_OP_where, TH_BOOL, where_bytes);
#define TH_X(ID, NAME, CTYPE, ACC, KIND) THCpu_registerLoop(TH_OP_addcmul, TH_##ID, addcmul_##ID);
  TH_FORALL_FLOAT_DTYPES(TH_X)
  TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                           \
  THCpu_registerLoop(TH_OP_addcdiv, TH_##ID, addcdiv_##ID);                                        \
  THCpu_registerLoop(TH_OP_lerp, TH_##ID, lerp_##ID);
  TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X
}
