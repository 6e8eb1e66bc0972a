/* THCpuVec.h (internal): elementwise math over contiguous float32 / float64 arrays, vectorised
 * with SLEEF where the CPU allows it (see THCpuVec.c).  The pointwise kernels of THCpuUnary.c
 * and THCpuBinary.c call these on contiguous runs, or on small gathered buffers otherwise.
 *
 * THVec_NAME_f32(y, x, n) computes y[i] = NAME(x[i]) for i < n (y may equal x); the binary
 * ones THVec_NAME_f32(y, a, b, n) compute y[i] = NAME(a[i], b[i]).  Every element goes
 * through the same code path wherever it sits in the array, so results don't depend on
 * alignment or length.
 */
#ifndef TH_CPU_VEC_H
#define TH_CPU_VEC_H

#include <stdint.h>

/* _(NAME, ULP, LIBM_F32, LIBM_F64): ULP is SLEEF's accuracy suffix (u10: within 1.0 ULP, as
 * PyTorch's CPU kernels use; empty for exact functions); the libm functions are the scalar
 * fallback on CPUs without AVX2. */
#define TH_VEC_UNARY_FUNCS(_)            \
  _(exp, u10, expf, exp)                 \
  _(exp2, u10, exp2f, exp2)              \
  _(expm1, u10, expm1f, expm1)           \
  _(log, u10, logf, log)                 \
  _(log2, u10, log2f, log2)              \
  _(log10, u10, log10f, log10)           \
  _(log1p, u10, log1pf, log1p)           \
  _(sin, u10, sinf, sin)                 \
  _(cos, u10, cosf, cos)                 \
  _(tan, u10, tanf, tan)                 \
  _(asin, u10, asinf, asin)              \
  _(acos, u10, acosf, acos)              \
  _(atan, u10, atanf, atan)              \
  _(sinh, u10, sinhf, sinh)              \
  _(cosh, u10, coshf, cosh)              \
  _(tanh, u10, tanhf, tanh)              \
  _(asinh, u10, asinhf, asinh)           \
  _(acosh, u10, acoshf, acosh)           \
  _(atanh, u10, atanhf, atanh)           \
  _(erf, u10, erff, erf)                 \
  _(erfc, u15, erfcf, erfc)              \
  _(sqrt, , sqrtf, sqrt)                 \
  _(floor, , floorf, floor)              \
  _(ceil, , ceilf, ceil)                 \
  _(trunc, , truncf, trunc)              \
  _(rint, , nearbyintf, nearbyint)

#define TH_VEC_BINARY_FUNCS(_)           \
  _(atan2, u10, atan2f, atan2)           \
  _(pow, u10, powf, pow)                 \
  _(hypot, u05, hypotf, hypot)           \
  _(fmod, , fmodf, fmod)

#define TH_VEC_DECLARE_UNARY(NAME, ULP, SF, SD)                   \
  void THVec_##NAME##_f32(float *y, const float *x, int64_t n);   \
  void THVec_##NAME##_f64(double *y, const double *x, int64_t n);
TH_VEC_UNARY_FUNCS(TH_VEC_DECLARE_UNARY)
#undef TH_VEC_DECLARE_UNARY

#define TH_VEC_DECLARE_BINARY(NAME, ULP, SF, SD)                                    \
  void THVec_##NAME##_f32(float *y, const float *a, const float *b, int64_t n);     \
  void THVec_##NAME##_f64(double *y, const double *a, const double *b, int64_t n);
TH_VEC_BINARY_FUNCS(TH_VEC_DECLARE_BINARY)
#undef TH_VEC_DECLARE_BINARY

/* The instruction set in use: "avx512", "avx2" or "default" (scalar libm). */
const char *THVec_capability(void);

#endif
