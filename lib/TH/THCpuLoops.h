/* THCpuLoops.h (internal): per-dtype load/store and the loop-writing macros that the CPU
 * kernel files share.  LOAD_<ID> turns a stored element into its arithmetic type (float for
 * the 16-bit floats, int64 for integers and bool); STORE_<ID> turns a result back. */
#ifndef TH_CPU_LOOPS_H
#define TH_CPU_LOOPS_H

#include <math.h>
#include "THDispatch.h"

/* Kernel files register their 1-D loops for POINTWISE ops here (from a constructor). */
void THCpu_registerLoop(THOp op, THDtype dtype, THLoop loop);

#define LOAD_F32(x) (x)
#define LOAD_F64(x) (x)
#define LOAD_F16(x) th_half2float(x)
#define LOAD_BF16(x) th_bfloat162float(x)
#define LOAD_I8(x) ((int64_t)(x))
#define LOAD_I16(x) ((int64_t)(x))
#define LOAD_I32(x) ((int64_t)(x))
#define LOAD_I64(x) ((int64_t)(x))
#define LOAD_U8(x) ((int64_t)(x))
#define LOAD_BOOL(x) ((int64_t)(x))

#define STORE_F32(v) ((float)(v))
#define STORE_F64(v) ((double)(v))
#define STORE_F16(v) th_float2half((float)(v))
#define STORE_BF16(v) th_float2bfloat16((float)(v))
#define STORE_I8(v) ((int8_t)(v))
#define STORE_I16(v) ((int16_t)(v))
#define STORE_I32(v) ((int32_t)(v))
#define STORE_I64(v) ((int64_t)(v))
#define STORE_U8(v) ((uint8_t)(v))
#define STORE_BOOL(v) ((v) != 0)

/* Integer arithmetic wraps (as in PyTorch) instead of being undefined on overflow. */
static inline int64_t th_wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t th_wsub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t th_wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline float th_faddf(float a, float b) { return a + b; }
static inline double th_fadd(double a, double b) { return a + b; }
static inline float th_fsubf(float a, float b) { return a - b; }
static inline double th_fsub(double a, double b) { return a - b; }
static inline float th_fmulf(float a, float b) { return a * b; }
static inline double th_fmul(double a, double b) { return a * b; }
#define TH_ADD(a, b) _Generic((a), int64_t: th_wadd, float: th_faddf, default: th_fadd)(a, b)
#define TH_SUB(a, b) _Generic((a), int64_t: th_wsub, float: th_fsubf, default: th_fsub)(a, b)
#define TH_MUL(a, b) _Generic((a), int64_t: th_wmul, float: th_fmulf, default: th_fmul)(a, b)

/* The alpha parameter in an op's arithmetic type. */
#define TH_PARAM_ALPHA(ACC, p) \
  _Generic((ACC)0, int64_t: (ACC)(p)->alpha.i, default: (ACC)(p)->alpha.f)

/* Defines a binary 1-D loop NAME_ID computing EXPR from ACC values a and b (and alpha).
 * Contiguous and scalar-operand cases get their own plain loops so they vectorise. */
#define TH_DEFINE_BINARY_LOOP(NAME, ID, CTYPE, ACC, EXPR)                                   \
  static void NAME##_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {     \
    const ACC alpha = TH_PARAM_ALPHA(ACC, p);                                               \
    (void)alpha;                                                                            \
    const int64_t es = (int64_t)sizeof(CTYPE);                                              \
    CTYPE *restrict o = (CTYPE *)d[0];                                                      \
    if (s[0] == es && s[1] == es && s[2] == es) {                                           \
      const CTYPE *x = (const CTYPE *)d[1], *y = (const CTYPE *)d[2];                       \
      for (int64_t i = 0; i < n; i++) {                                                     \
        ACC a = LOAD_##ID(x[i]), b = LOAD_##ID(y[i]);                                       \
        o[i] = STORE_##ID(EXPR);                                                            \
      }                                                                                     \
    } else if (s[0] == es && s[1] == es && s[2] == 0) {                                     \
      const CTYPE *x = (const CTYPE *)d[1];                                                 \
      const ACC b = LOAD_##ID(*(const CTYPE *)d[2]);                                        \
      for (int64_t i = 0; i < n; i++) {                                                     \
        ACC a = LOAD_##ID(x[i]);                                                            \
        o[i] = STORE_##ID(EXPR);                                                            \
      }                                                                                     \
    } else if (s[0] == es && s[1] == 0 && s[2] == es) {                                     \
      const CTYPE *y = (const CTYPE *)d[2];                                                 \
      const ACC a = LOAD_##ID(*(const CTYPE *)d[1]);                                        \
      for (int64_t i = 0; i < n; i++) {                                                     \
        ACC b = LOAD_##ID(y[i]);                                                            \
        o[i] = STORE_##ID(EXPR);                                                            \
      }                                                                                     \
    } else {                                                                                \
      char *po = d[0], *px = d[1], *py = d[2];                                              \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1], py += s[2]) {                 \
        ACC a = LOAD_##ID(*(const CTYPE *)px), b = LOAD_##ID(*(const CTYPE *)py);           \
        *(CTYPE *)po = STORE_##ID(EXPR);                                                    \
      }                                                                                     \
    }                                                                                       \
  }

/* Defines a unary 1-D loop NAME_ID computing EXPR from the ACC value a (and alpha). */
#define TH_DEFINE_UNARY_LOOP(NAME, ID, CTYPE, ACC, EXPR)                                    \
  static void NAME##_##ID(char **d, const int64_t *s, int64_t n, const THOpParams *p) {     \
    const ACC alpha = TH_PARAM_ALPHA(ACC, p);                                               \
    (void)alpha;                                                                            \
    const int64_t es = (int64_t)sizeof(CTYPE);                                              \
    if (s[0] == es && s[1] == es) {                                                         \
      CTYPE *restrict o = (CTYPE *)d[0];                                                    \
      const CTYPE *x = (const CTYPE *)d[1];                                                 \
      for (int64_t i = 0; i < n; i++) {                                                     \
        ACC a = LOAD_##ID(x[i]);                                                            \
        o[i] = STORE_##ID(EXPR);                                                            \
      }                                                                                     \
    } else {                                                                                \
      char *po = d[0], *px = d[1];                                                          \
      for (int64_t i = 0; i < n; i++, po += s[0], px += s[1]) {                             \
        ACC a = LOAD_##ID(*(const CTYPE *)px);                                              \
        *(CTYPE *)po = STORE_##ID(EXPR);                                                    \
      }                                                                                     \
    }                                                                                       \
  }

#endif
