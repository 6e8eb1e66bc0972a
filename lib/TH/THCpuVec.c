/* THCpuVec.c: elementwise math over contiguous float32/float64 arrays (see THCpuVec.h).
 *
 * libm's exp, log, sin, ... are scalar calls the compiler cannot vectorise.  SLEEF
 * (libsleef-dev) has vector versions with documented error bounds; the u10 variants used here
 * are within 1.0 ULP, the same ones PyTorch's CPU kernels call.  The instruction set is picked
 * once at load time: AVX-512 where the CPU and OS support it, else AVX2 + FMA, else plain
 * libm loops.  The environment variable TH_CPU_CAPABILITY=avx2 or =default forces a lower
 * level (for comparisons; an unsupported or unknown value is ignored).
 *
 * Array tails shorter than a vector go through the same vector function (masked or padded),
 * so an element's result does not depend on its position.
 */
#include "THCpuVec.h"
#include "THPointwise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(TH_HAVE_SLEEF) && defined(__x86_64__) && defined(__GNUC__)
#define TH_VEC_X86 1
#include <immintrin.h>
/* sleef.h declares its AVX2 / AVX-512 functions only when those ISAs are enabled */
#pragma GCC push_options
#pragma GCC target("avx2,fma,avx512f")
#include <sleef.h>
#pragma GCC pop_options
#endif

enum { VEC_DEFAULT = 0, VEC_AVX2 = 1, VEC_AVX512 = 2 };

/* Written once by the constructor below, before any kernel can run; read-only afterwards. */
static int vec_level = VEC_DEFAULT;

const char *THVec_capability(void) {
  return vec_level == VEC_AVX512 ? "avx512" : vec_level == VEC_AVX2 ? "avx2" : "default";
}
const char *TH_cpuCapability(void) { return THVec_capability(); }

__attribute__((constructor)) static void vec_init(void) {
#ifdef TH_VEC_X86
  __builtin_cpu_init();
  int best = VEC_DEFAULT;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = VEC_AVX2;
  if (best == VEC_AVX2 && __builtin_cpu_supports("avx512f")) best = VEC_AVX512;
  const char *want = getenv("TH_CPU_CAPABILITY");
  if (want && strcmp(want, "default") == 0)
    best = VEC_DEFAULT;
  else if (want && strcmp(want, "avx2") == 0 && best > VEC_AVX2)
    best = VEC_AVX2;
  vec_level = best;
#endif
}

/* ======================================================================= scalar loops */

#define SCALAR_UNARY(NAME, ULP, SF, SD)                                                            \
  static void NAME##_f32_scalar(float *y, const float *x, int64_t n) {                             \
    for (int64_t i = 0; i < n; i++) y[i] = SF(x[i]);                                               \
  }                                                                                                \
  static void NAME##_f64_scalar(double *y, const double *x, int64_t n) {                           \
    for (int64_t i = 0; i < n; i++) y[i] = SD(x[i]);                                               \
  }
TH_VEC_UNARY_FUNCS(SCALAR_UNARY)

#define SCALAR_BINARY(NAME, ULP, SF, SD)                                                           \
  static void NAME##_f32_scalar(float *y, const float *a, const float *b, int64_t n) {             \
    for (int64_t i = 0; i < n; i++) y[i] = SF(a[i], b[i]);                                         \
  }                                                                                                \
  static void NAME##_f64_scalar(double *y, const double *a, const double *b, int64_t n) {          \
    for (int64_t i = 0; i < n; i++) y[i] = SD(a[i], b[i]);                                         \
  }
TH_VEC_BINARY_FUNCS(SCALAR_BINARY)

/* ======================================================================= SLEEF loops */

#ifdef TH_VEC_X86
#define TGT512 __attribute__((target("avx2,fma,avx512f")))
#define TGT256 __attribute__((target("avx2,fma")))

/* AVX-512: 16 floats / 8 doubles per step, the tail through a masked load and store. */
#define AVX512_UNARY(NAME, ULP, SF, SD)                                                            \
  TGT512 static void NAME##_f32_avx512(float *y, const float *x, int64_t n) {                      \
    int64_t i = 0;                                                                                 \
    for (; i + 16 <= n; i += 16)                                                                   \
      _mm512_storeu_ps(y + i, Sleef_##NAME##f16_##ULP##avx512f(_mm512_loadu_ps(x + i)));           \
    if (i < n) {                                                                                   \
      __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                                              \
      __m512 v = Sleef_##NAME##f16_##ULP##avx512f(_mm512_maskz_loadu_ps(m, x + i));                \
      _mm512_mask_storeu_ps(y + i, m, v);                                                          \
    }                                                                                              \
  }                                                                                                \
  TGT512 static void NAME##_f64_avx512(double *y, const double *x, int64_t n) {                    \
    int64_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                     \
      _mm512_storeu_pd(y + i, Sleef_##NAME##d8_##ULP##avx512f(_mm512_loadu_pd(x + i)));            \
    if (i < n) {                                                                                   \
      __mmask8 m = (__mmask8)((1u << (n - i)) - 1);                                                \
      __m512d v = Sleef_##NAME##d8_##ULP##avx512f(_mm512_maskz_loadu_pd(m, x + i));                \
      _mm512_mask_storeu_pd(y + i, m, v);                                                          \
    }                                                                                              \
  }
TH_VEC_UNARY_FUNCS(AVX512_UNARY)

#define AVX512_BINARY(NAME, ULP, SF, SD)                                                           \
  TGT512 static void NAME##_f32_avx512(float *y, const float *a, const float *b, int64_t n) {      \
    int64_t i = 0;                                                                                 \
    for (; i + 16 <= n; i += 16)                                                                   \
      _mm512_storeu_ps(y + i, Sleef_##NAME##f16_##ULP##avx512f(_mm512_loadu_ps(a + i),             \
                                                               _mm512_loadu_ps(b + i)));           \
    if (i < n) {                                                                                   \
      __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                                              \
      __m512 v = Sleef_##NAME##f16_##ULP##avx512f(_mm512_maskz_loadu_ps(m, a + i),                 \
                                                  _mm512_maskz_loadu_ps(m, b + i));                \
      _mm512_mask_storeu_ps(y + i, m, v);                                                          \
    }                                                                                              \
  }                                                                                                \
  TGT512 static void NAME##_f64_avx512(double *y, const double *a, const double *b, int64_t n) {   \
    int64_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                     \
      _mm512_storeu_pd(                                                                            \
          y + i, Sleef_##NAME##d8_##ULP##avx512f(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i))); \
    if (i < n) {                                                                                   \
      __mmask8 m = (__mmask8)((1u << (n - i)) - 1);                                                \
      __m512d v = Sleef_##NAME##d8_##ULP##avx512f(_mm512_maskz_loadu_pd(m, a + i),                 \
                                                  _mm512_maskz_loadu_pd(m, b + i));                \
      _mm512_mask_storeu_pd(y + i, m, v);                                                          \
    }                                                                                              \
  }
TH_VEC_BINARY_FUNCS(AVX512_BINARY)

/* AVX2: 8 floats / 4 doubles per step, the tail through a padded buffer. */
#define AVX2_UNARY(NAME, ULP, SF, SD)                                                              \
  TGT256 static void NAME##_f32_avx2(float *y, const float *x, int64_t n) {                        \
    int64_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                     \
      _mm256_storeu_ps(y + i, Sleef_##NAME##f8_##ULP##avx2(_mm256_loadu_ps(x + i)));               \
    if (i < n) {                                                                                   \
      float buf[8] = {0};                                                                          \
      memcpy(buf, x + i, (size_t)(n - i) * sizeof(float));                                         \
      _mm256_storeu_ps(buf, Sleef_##NAME##f8_##ULP##avx2(_mm256_loadu_ps(buf)));                   \
      memcpy(y + i, buf, (size_t)(n - i) * sizeof(float));                                         \
    }                                                                                              \
  }                                                                                                \
  TGT256 static void NAME##_f64_avx2(double *y, const double *x, int64_t n) {                      \
    int64_t i = 0;                                                                                 \
    for (; i + 4 <= n; i += 4)                                                                     \
      _mm256_storeu_pd(y + i, Sleef_##NAME##d4_##ULP##avx2(_mm256_loadu_pd(x + i)));               \
    if (i < n) {                                                                                   \
      double buf[4] = {0};                                                                         \
      memcpy(buf, x + i, (size_t)(n - i) * sizeof(double));                                        \
      _mm256_storeu_pd(buf, Sleef_##NAME##d4_##ULP##avx2(_mm256_loadu_pd(buf)));                   \
      memcpy(y + i, buf, (size_t)(n - i) * sizeof(double));                                        \
    }                                                                                              \
  }
TH_VEC_UNARY_FUNCS(AVX2_UNARY)

#define AVX2_BINARY(NAME, ULP, SF, SD)                                                             \
  TGT256 static void NAME##_f32_avx2(float *y, const float *a, const float *b, int64_t n) {        \
    int64_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                     \
      _mm256_storeu_ps(                                                                            \
          y + i, Sleef_##NAME##f8_##ULP##avx2(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));    \
    if (i < n) {                                                                                   \
      float ba[8] = {0}, bb[8] = {0};                                                              \
      memcpy(ba, a + i, (size_t)(n - i) * sizeof(float));                                          \
      memcpy(bb, b + i, (size_t)(n - i) * sizeof(float));                                          \
      _mm256_storeu_ps(ba,                                                                         \
                       Sleef_##NAME##f8_##ULP##avx2(_mm256_loadu_ps(ba), _mm256_loadu_ps(bb)));    \
      memcpy(y + i, ba, (size_t)(n - i) * sizeof(float));                                          \
    }                                                                                              \
  }                                                                                                \
  TGT256 static void NAME##_f64_avx2(double *y, const double *a, const double *b, int64_t n) {     \
    int64_t i = 0;                                                                                 \
    for (; i + 4 <= n; i += 4)                                                                     \
      _mm256_storeu_pd(                                                                            \
          y + i, Sleef_##NAME##d4_##ULP##avx2(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i)));    \
    if (i < n) {                                                                                   \
      double ba[4] = {0}, bb[4] = {0};                                                             \
      memcpy(ba, a + i, (size_t)(n - i) * sizeof(double));                                         \
      memcpy(bb, b + i, (size_t)(n - i) * sizeof(double));                                         \
      _mm256_storeu_pd(ba,                                                                         \
                       Sleef_##NAME##d4_##ULP##avx2(_mm256_loadu_pd(ba), _mm256_loadu_pd(bb)));    \
      memcpy(y + i, ba, (size_t)(n - i) * sizeof(double));                                         \
    }                                                                                              \
  }
TH_VEC_BINARY_FUNCS(AVX2_BINARY)

#define PICK(NAME, SUFFIX, ...)                                                                    \
  switch (vec_level) {                                                                             \
  case VEC_AVX512: NAME##_##SUFFIX##_avx512(__VA_ARGS__); return;                                  \
  case VEC_AVX2: NAME##_##SUFFIX##_avx2(__VA_ARGS__); return;                                      \
  default: NAME##_##SUFFIX##_scalar(__VA_ARGS__); return;                                          \
  }
#else
#define PICK(NAME, SUFFIX, ...) NAME##_##SUFFIX##_scalar(__VA_ARGS__);
#endif

/* ======================================================================= entry points */

#define ENTRY_UNARY(NAME, ULP, SF, SD)                                                             \
  void THVec_##NAME##_f32(float *y, const float *x, int64_t n) { PICK(NAME, f32, y, x, n) }        \
  void THVec_##NAME##_f64(double *y, const double *x, int64_t n) { PICK(NAME, f64, y, x, n) }
TH_VEC_UNARY_FUNCS(ENTRY_UNARY)

#define ENTRY_BINARY(NAME, ULP, SF, SD)                                                            \
  void THVec_##NAME##_f32(float *y, const float *a, const float *b, int64_t n) {                   \
    PICK(NAME, f32, y, a, b, n)                                                                    \
  }                                                                                                \
  void THVec_##NAME##_f64(double *y, const double *a, const double *b, int64_t n) {                \
    PICK(NAME, f64, y, a, b, n)                                                                    \
  }
TH_VEC_BINARY_FUNCS(ENTRY_BINARY)
