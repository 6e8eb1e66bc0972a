/* THCpuRandom.c: the CPU kernels of the RANDOM rows of THOps.def and their registration.
 *
 * Each kernel reproduces the arithmetic of PyTorch 1.13's CPU kernel for the same op as its
 * AVX2 build compiles it (GCC contracts `a * b + c` there into fused multiply-adds, so the
 * fma() calls below are deliberate: leaving one out changes the last bit of some samples).
 * Draws happen in the order PyTorch's TensorIterator visits elements: the output's smallest
 * stride innermost, so an in-place fill of a transposed tensor runs in memory order.  The
 * generator's lock is held for the whole op.  Transform work that does not draw (the
 * Box-Muller blocks of normal_) runs on OpenMP threads for large tensors.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off") /* only the explicit fma() calls may fuse */
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THRandom.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define TH_RANDOM_AVX2 1
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ======================================================================= draws */

static inline float uniform24(THGenerator *g) {
  return (float)(THGenerator_next32(g) & 0xffffffu) * 0x1p-24f;
}
static inline double uniform53(THGenerator *g) {
  return (double)(THGenerator_next64(g) & ((UINT64_C(1) << 53) - 1)) * 0x1p-53;
}
/* float16 / bfloat16 uniforms keep 11 / 8 bits */
static inline float uniform_bits(THGenerator *g, int bits) {
  return (float)(THGenerator_next32(g) & ((1u << bits) - 1)) * (1.0f / (float)(1u << bits));
}

/* PyTorch's normal_distribution<double>: Box-Muller on two 64-bit uniforms, the second value
 * cached in the generator for the next sample. */
static double normal_double(THGenerator *g, double mean, double std) {
  double ret;
  if (g->has_normal) {
    g->has_normal = false;
    ret = g->next_normal;
  } else {
    double u1 = uniform53(g), u2 = uniform53(g);
    double r = sqrt(-2.0 * log(1.0 - u2));
    double theta = 2.0 * M_PI * u1;
    g->next_normal = r * sin(theta);
    g->has_normal = true;
    ret = r * cos(theta);
  }
  return fma(ret, std, mean);
}

/* ======================================================================= element access */

static inline double load_d(const char *p, THDtype dt) {
  switch (dt) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: return (double)LOAD_##ID(*(const CTYPE *)p);
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
  default: return 0;
  }
}

/* static_cast<T>(double) as PyTorch does it (16-bit floats via float). */
static inline void store_d(char *p, THDtype dt, double v) {
  switch (dt) {
  case TH_F32: *(float *)p = (float)v; break;
  case TH_F64: *(double *)p = v; break;
  case TH_F16: *(th_half *)p = th_float2half((float)v); break;
  case TH_BF16: *(th_bfloat16 *)p = th_float2bfloat16((float)v); break;
  case TH_BOOL: *(bool *)p = v != 0; break;
  case TH_I8: *(int8_t *)p = (int8_t)(int64_t)v; break;
  case TH_I16: *(int16_t *)p = (int16_t)(int64_t)v; break;
  case TH_I32: *(int32_t *)p = (int32_t)(int64_t)v; break;
  case TH_I64: *(int64_t *)p = (int64_t)v; break;
  case TH_U8: *(uint8_t *)p = (uint8_t)(int64_t)v; break;
  default: break;
  }
}

/* static_cast<T>(int64_t) */
static inline void store_i(char *p, THDtype dt, int64_t v) {
  switch (dt) {
  case TH_F32: *(float *)p = (float)v; break;
  case TH_F64: *(double *)p = (double)v; break;
  case TH_F16: *(th_half *)p = th_float2half((float)v); break;
  case TH_BF16: *(th_bfloat16 *)p = th_float2bfloat16((float)v); break;
  case TH_BOOL: *(bool *)p = v != 0; break;
  case TH_I8: *(int8_t *)p = (int8_t)v; break;
  case TH_I16: *(int16_t *)p = (int16_t)v; break;
  case TH_I32: *(int32_t *)p = (int32_t)v; break;
  case TH_I64: *(int64_t *)p = v; break;
  case TH_U8: *(uint8_t *)p = (uint8_t)v; break;
  default: break;
  }
}

/* A float rounded to the 16-bit dtype and back (c10::Half / BFloat16 arithmetic results). */
static inline float round16(float v, THDtype dt) {
  return dt == TH_F16 ? th_half2float(th_float2half(v)) : th_bfloat162float(th_float2bfloat16(v));
}

/* ======================================================================= serial walk */

/* One row of an iteration: n elements, operand k at data[k] stepping strides[k] bytes. */
typedef void (*RowFn)(void *ctx, char **data, const int64_t *strides, int64_t n);

/* Visits every element of the iterator in its order, on this thread (draws are sequential). */
static void serial_walk(const THIter *it, RowFn row, void *ctx) {
  int nd = it->ndim, nop = it->noperands;
  int64_t idx[TH_MAX_DIMS] = {0};
  char *ptr[TH_ITER_MAX_OPERANDS];
  int64_t inner[TH_ITER_MAX_OPERANDS];
  for (int k = 0; k < nop; k++) {
    ptr[k] = it->data[k];
    inner[k] = it->strides[k][0];
  }
  int64_t rows = it->numel / it->shape[0];
  for (int64_t r = 0; r < rows; r++) {
    row(ctx, ptr, inner, it->shape[0]);
    for (int d = 1; d < nd; d++) {
      for (int k = 0; k < nop; k++) ptr[k] += it->strides[k][d];
      if (++idx[d] < it->shape[d]) break;
      for (int k = 0; k < nop; k++) ptr[k] -= it->shape[d] * it->strides[k][d];
      idx[d] = 0;
    }
  }
}

static void walk1(THTensor *t, RowFn row, void *ctx) {
  THIter it;
  THIter_init(&it, 1, &t);
  serial_walk(&it, row, ctx);
}

typedef struct {
  THGenerator *g;
  THDtype dt;
  double a, b;
  float fa, fb;
  int bits;
  const THRandomParams *p;
} Ctx;

/* ======================================================================= uniform */

static void uniform_row_f32(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) *(float *)o = fmaf(uniform24(x->g), x->fb, x->fa);
}
static void uniform_row_f64(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) *(double *)o = fma(uniform53(x->g), x->b, x->a);
}
static void uniform_row_16(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0])
    store_d(o, x->dt, fmaf(uniform_bits(x->g, x->bits), x->fb, x->fa));
}

static void cpu_uniform(THTensor *t, const THRandomParams *p, THGenerator *g) {
  Ctx c = {.g = g, .dt = t->dtype};
  RowFn row;
  if (t->dtype == TH_F32) {
    c.fa = (float)p->a;
    c.fb = (float)p->b - c.fa; /* to - from in the element type */
    row = uniform_row_f32;
  } else if (t->dtype == TH_F64) {
    c.a = p->a;
    c.b = p->b - p->a;
    row = uniform_row_f64;
  } else {
    c.fa = round16((float)p->a, t->dtype);
    c.fb = round16(round16((float)p->b, t->dtype) - c.fa, t->dtype);
    c.bits = t->dtype == TH_F16 ? 11 : 8;
    row = uniform_row_16;
  }
  walk1(t, row, &c);
}

/* ======================================================================= normal */

/* ---- float32 blocks of 16: PyTorch's AVX2 kernel (Cephes single-precision log and sincos,
 * as GCC fuses them), first as portable scalar code, then with AVX2 intrinsics ---- */

#define C_SQRTHF ((float)0.707106781186547524)
#define C_LOG_P0 ((float)7.0376836292E-2)
#define C_LOG_P1 ((float)-1.1514610310E-1)
#define C_LOG_P2 ((float)1.1676998740E-1)
#define C_LOG_P3 ((float)-1.2420140846E-1)
#define C_LOG_P4 ((float)1.4249322787E-1)
#define C_LOG_P5 ((float)-1.6668057665E-1)
#define C_LOG_P6 ((float)2.0000714765E-1)
#define C_LOG_P7 ((float)-2.4999993993E-1)
#define C_LOG_P8 ((float)3.3333331174E-1)
#define C_LOG_Q1 ((float)-2.12194440e-4)
#define C_LOG_Q2 ((float)0.693359375)
#define C_DP1 ((float)-0.78515625)
#define C_DP2 ((float)-2.4187564849853515625e-4)
#define C_DP3 ((float)-3.77489497744594108e-8)
#define C_SIN_P0 ((float)-1.9515295891E-4)
#define C_SIN_P1 ((float)8.3321608736E-3)
#define C_SIN_P2 ((float)-1.6666654611E-1)
#define C_COS_P0 ((float)2.443315711809948E-005)
#define C_COS_P1 ((float)-1.388731625493765E-003)
#define C_COS_P2 ((float)4.166664568298827E-002)
#define C_FOPI ((float)1.27323954473516)
#define C_TWO_PI ((float)(2.0 * M_PI))

static inline uint32_t fbits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}
static inline float bitsf(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}

static float cephes_logf(float x) {
  bool invalid = x <= 0.0f;
  float mn = bitsf(0x00800000u);
  x = x > mn ? x : mn;
  uint32_t bx = fbits(x);
  int32_t ex = (int32_t)(bx >> 23) - 0x7f;
  x = bitsf((bx & ~0x7f800000u) | fbits(0.5f));
  float e = (float)ex + 1.0f;
  bool small = x < C_SQRTHF;
  float tmp = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + tmp;
  float z = x * x;
  float y = fmaf(C_LOG_P0, x, C_LOG_P1);
  y = fmaf(y, x, C_LOG_P2);
  y = fmaf(y, x, C_LOG_P3);
  y = fmaf(y, x, C_LOG_P4);
  y = fmaf(y, x, C_LOG_P5);
  y = fmaf(y, x, C_LOG_P6);
  y = fmaf(y, x, C_LOG_P7);
  y = fmaf(y, x, C_LOG_P8);
  y = y * x;
  y = fmaf(y, z, e * C_LOG_Q1);
  y = fmaf(-z, 0.5f, y);
  x = x + y;
  x = fmaf(e, C_LOG_Q2, x);
  return invalid ? bitsf(0xffffffffu) : x;
}

static void cephes_sincosf(float v, float *s, float *c) {
  uint32_t sign_sin = fbits(v) & 0x80000000u;
  float x = bitsf(fbits(v) & 0x7fffffffu);
  int32_t j = (int32_t)(x * C_FOPI);
  j = (j + 1) & ~1;
  float y = (float)j;
  sign_sin ^= (uint32_t)(j & 4) << 29;
  bool poly = (j & 2) == 0;
  uint32_t sign_cos = (uint32_t)(~(j - 2) & 4) << 29;
  x = fmaf(y, C_DP1, x);
  x = fmaf(C_DP2, y, x);
  x = fmaf(y, C_DP3, x);
  float z = x * x;
  float half_z = z * 0.5f;
  float yc = fmaf(C_COS_P0, z, C_COS_P1);
  yc = fmaf(yc, z, C_COS_P2);
  yc = z * yc;
  yc = fmaf(z, yc, -half_z);
  yc = yc + 1.0f;
  float ys = fmaf(C_SIN_P0, z, C_SIN_P1);
  ys = fmaf(ys, z, C_SIN_P2);
  ys = z * ys;
  ys = fmaf(x, ys, x);
  float sin2 = poly ? ys : 0.0f, sin1 = poly ? 0.0f : yc;
  yc = yc - sin1;
  ys = ys - sin2;
  *s = bitsf(fbits(sin1 + sin2) ^ sign_sin);
  *c = bitsf(fbits(ys + yc) ^ sign_cos);
}

static void normal16_f32_scalar(float *d, float mean, float std) {
  for (int j = 0; j < 8; j++) {
    float radius = sqrtf(-2.0f * cephes_logf(1.0f - d[j]));
    float s, c;
    cephes_sincosf(C_TWO_PI * d[j + 8], &s, &c);
    d[j] = fmaf(radius * c, std, mean);
    d[j + 8] = fmaf(radius * s, std, mean);
  }
}

#if TH_RANDOM_AVX2
#define AVX2_FN __attribute__((target("avx2,fma")))
#define PS(v) _mm256_set1_ps(v)
#define PI32(v) _mm256_set1_epi32(v)

AVX2_FN static inline __m256 avx_logf(__m256 x) {
  __m256 invalid = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LE_OS);
  x = _mm256_max_ps(x, _mm256_castsi256_ps(PI32(0x00800000)));
  __m256i ex = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, _mm256_castsi256_ps(PI32(~0x7f800000)));
  x = _mm256_or_ps(x, PS(0.5f));
  ex = _mm256_sub_epi32(ex, PI32(0x7f));
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(ex), PS(1.0f));
  __m256 small = _mm256_cmp_ps(x, PS(C_SQRTHF), _CMP_LT_OS);
  __m256 tmp = _mm256_and_ps(x, small);
  x = _mm256_sub_ps(x, PS(1.0f));
  e = _mm256_sub_ps(e, _mm256_and_ps(PS(1.0f), small));
  x = _mm256_add_ps(x, tmp);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_fmadd_ps(PS(C_LOG_P0), x, PS(C_LOG_P1));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P2));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P3));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P4));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P5));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P6));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P7));
  y = _mm256_fmadd_ps(y, x, PS(C_LOG_P8));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, PS(C_LOG_Q1)));
  y = _mm256_fnmadd_ps(z, PS(0.5f), y);
  x = _mm256_add_ps(x, y);
  x = _mm256_fmadd_ps(e, PS(C_LOG_Q2), x);
  return _mm256_or_ps(x, invalid);
}

AVX2_FN static inline void avx_sincosf(__m256 v, __m256 *s, __m256 *c) {
  __m256 sign_sin = _mm256_and_ps(v, _mm256_castsi256_ps(PI32((int)0x80000000u)));
  __m256 x = _mm256_and_ps(v, _mm256_castsi256_ps(PI32(0x7fffffff)));
  __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(x, PS(C_FOPI)));
  j = _mm256_and_si256(_mm256_add_epi32(j, PI32(1)), PI32(~1));
  __m256 y = _mm256_cvtepi32_ps(j);
  sign_sin = _mm256_xor_ps(sign_sin,
                           _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, PI32(4)), 29)));
  __m256 poly = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(j, PI32(2)), _mm256_setzero_si256()));
  __m256 sign_cos = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_andnot_si256(_mm256_sub_epi32(j, PI32(2)), PI32(4)), 29));
  x = _mm256_fmadd_ps(y, PS(C_DP1), x);
  x = _mm256_fmadd_ps(PS(C_DP2), y, x);
  x = _mm256_fmadd_ps(y, PS(C_DP3), x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 half_z = _mm256_mul_ps(z, PS(0.5f));
  __m256 yc = _mm256_fmadd_ps(PS(C_COS_P0), z, PS(C_COS_P1));
  yc = _mm256_fmadd_ps(yc, z, PS(C_COS_P2));
  yc = _mm256_mul_ps(z, yc);
  yc = _mm256_fmsub_ps(z, yc, half_z);
  yc = _mm256_add_ps(yc, PS(1.0f));
  __m256 ys = _mm256_fmadd_ps(PS(C_SIN_P0), z, PS(C_SIN_P1));
  ys = _mm256_fmadd_ps(ys, z, PS(C_SIN_P2));
  ys = _mm256_mul_ps(z, ys);
  ys = _mm256_fmadd_ps(x, ys, x);
  __m256 sin2 = _mm256_and_ps(poly, ys), sin1 = _mm256_andnot_ps(poly, yc);
  yc = _mm256_sub_ps(yc, sin1);
  ys = _mm256_sub_ps(ys, sin2);
  *s = _mm256_xor_ps(_mm256_add_ps(sin1, sin2), sign_sin);
  *c = _mm256_xor_ps(_mm256_add_ps(ys, yc), sign_cos);
}

AVX2_FN static void normal16_f32_avx2(float *d, float mean, float std) {
  __m256 u1 = _mm256_sub_ps(PS(1.0f), _mm256_loadu_ps(d));
  __m256 u2 = _mm256_loadu_ps(d + 8);
  __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(PS(-2.0f), avx_logf(u1)));
  __m256 s, c;
  avx_sincosf(_mm256_mul_ps(PS(C_TWO_PI), u2), &s, &c);
  _mm256_storeu_ps(d, _mm256_fmadd_ps(_mm256_mul_ps(radius, c), PS(std), PS(mean)));
  _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, s), PS(std), PS(mean)));
}

static int have_avx2(void) {
  static int cached = -1; /* benign race: every thread computes the same value */
  int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (v < 0) {
    __builtin_cpu_init();
    v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
  }
  return v;
}
#endif

static int force_scalar = 0;
void THRandom_forceScalar(int on) { __atomic_store_n(&force_scalar, on != 0, __ATOMIC_RELAXED); }

typedef void (*Normal16F32)(float *, float, float);

static Normal16F32 pick_normal16_f32(void) {
#if TH_RANDOM_AVX2
  if (!__atomic_load_n(&force_scalar, __ATOMIC_RELAXED) && have_avx2()) return normal16_f32_avx2;
#endif
  return normal16_f32_scalar;
}

/* ---- float64 and 16-bit blocks of 16 (PyTorch's normal_fill_16 with libm) ---- */

static void normal16_f64(double *d, double mean, double std) {
  for (int j = 0; j < 8; j++) {
    double u1 = 1.0 - d[j], u2 = d[j + 8];
    double radius = sqrt(-2.0 * log(u1));
    double theta = 2.0 * M_PI * u2;
    d[j] = fma(radius * cos(theta), std, mean);
    d[j + 8] = fma(radius * sin(theta), std, mean);
  }
}

/* c10::Half / BFloat16 arithmetic: every intermediate that PyTorch stores in the 16-bit type
 * is rounded to it.  For float16, libm runs in float and the products mix in float (fused);
 * bfloat16 has std::log/cos/sin overloads returning bfloat16, and bfloat16 times bfloat16 is
 * bfloat16, so there every step rounds. */
static void normal16_16(void *data, THDtype dt, float mean, float std) {
  float v[16];
  for (int j = 0; j < 16; j++)
    v[j] = dt == TH_F16 ? th_half2float(((th_half *)data)[j]) : th_bfloat162float(((th_bfloat16 *)data)[j]);
  for (int j = 0; j < 8; j++) {
    float u1 = round16(1.0f - v[j], dt), u2 = v[j + 8];
    float theta = round16((float)(2.0 * M_PI * (double)u2), dt);
    if (dt == TH_F16) {
      float radius = round16(sqrtf(-2.0f * logf(u1)), dt);
      v[j] = fmaf(radius * cosf(theta), std, mean);
      v[j + 8] = fmaf(radius * sinf(theta), std, mean);
    } else {
      float radius = round16(sqrtf(-2.0f * round16(logf(u1), dt)), dt);
      float c = round16(cosf(theta), dt), s = round16(sinf(theta), dt);
      v[j] = round16(round16(round16(radius * c, dt) * std, dt) + mean, dt);
      v[j + 8] = round16(round16(round16(radius * s, dt) * std, dt) + mean, dt);
    }
  }
  for (int j = 0; j < 16; j++) {
    if (dt == TH_F16) ((th_half *)data)[j] = th_float2half(v[j]);
    else ((th_bfloat16 *)data)[j] = th_float2bfloat16(v[j]);
  }
}

/* Draws the uniforms of elements [from, to) of a contiguous block. */
static void fill_uniform01(char *data, THDtype dt, int64_t from, int64_t to, THGenerator *g) {
  switch (dt) {
  case TH_F32:
    for (int64_t i = from; i < to; i++) ((float *)data)[i] = uniform24(g);
    break;
  case TH_F64:
    for (int64_t i = from; i < to; i++) ((double *)data)[i] = uniform53(g);
    break;
  case TH_F16:
    for (int64_t i = from; i < to; i++) ((th_half *)data)[i] = th_float2half(uniform_bits(g, 11));
    break;
  default:
    for (int64_t i = from; i < to; i++) ((th_bfloat16 *)data)[i] = th_float2bfloat16(uniform_bits(g, 8));
    break;
  }
}

static void normal16(char *data, int64_t at, THDtype dt, const THRandomParams *p, Normal16F32 f32) {
  switch (dt) {
  case TH_F32: f32((float *)data + at, (float)p->a, (float)p->b); break;
  case TH_F64: normal16_f64((double *)data + at, p->a, p->b); break;
  default: {
    size_t es = THDtype_size(dt);
    normal16_16(data + at * (int64_t)es, dt, round16((float)p->a, dt), round16((float)p->b, dt));
  }
  }
}

/* PyTorch's normal_fill: uniforms for every element, Box-Muller on each block of 16, and a
 * ragged end handled by redrawing the last 16 elements. */
static void normal_fill(THTensor *t, const THRandomParams *p, THGenerator *g) {
  char *data = THTensor_data(t);
  THDtype dt = t->dtype;
  int64_t n = THTensor_numel(t);
  Normal16F32 f32 = pick_normal16_f32();
  fill_uniform01(data, dt, 0, n, g);
  int64_t blocks = n / 16;
#pragma omp parallel for if (n > TH_PARALLEL_GRAIN)
  for (int64_t b = 0; b < blocks; b++) normal16(data, b * 16, dt, p, f32);
  if (n % 16 != 0) {
    fill_uniform01(data, dt, n - 16, n, g);
    normal16(data, n - 16, dt, p, f32);
  }
}

static void normal_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) store_d(o, x->dt, normal_double(x->g, x->a, x->b));
}

static void cpu_normal(THTensor *t, const THRandomParams *p, THGenerator *g) {
  if (THTensor_numel(t) >= 16 && THTensor_isContiguous(t)) {
    normal_fill(t, p, g);
    return;
  }
  Ctx c = {.g = g, .dt = t->dtype, .a = p->a, .b = p->b};
  walk1(t, normal_row, &c);
}

/* ======================================================================= other distributions */

static void exponential_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  const double k = -1.0 / x->a;
  for (int64_t i = 0; i < n; i++, o += s[0]) store_d(o, x->dt, k * log(1.0 - uniform53(x->g)));
}

static void cauchy_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0])
    store_d(o, x->dt, fma(x->b, tan(M_PI * (uniform53(x->g) - 0.5)), x->a));
}

static void log_normal_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) store_d(o, x->dt, exp(normal_double(x->g, x->a, x->b)));
}

static void geometric_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  const double lq = log(1.0 - x->a);
  for (int64_t i = 0; i < n; i++, o += s[0]) store_d(o, x->dt, ceil(log(uniform53(x->g)) / lq));
}

static void bernoulli_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) store_i(o, x->dt, uniform53(x->g) < x->a);
}

/* bernoulli_(p tensor): float64 probabilities compare with 53-bit uniforms, the others (as
 * float) with 24-bit ones */
static void bernoulli_tensor_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0], *pp = d[1];
  THDtype pdt = (THDtype)x->bits;
  for (int64_t i = 0; i < n; i++, o += s[0], pp += s[1]) {
    bool b = pdt == TH_F64 ? uniform53(x->g) < *(const double *)pp
                           : uniform24(x->g) < (float)load_d(pp, pdt);
    store_i(o, x->dt, b);
  }
}

/* ======================================================================= random_ */

static bool wide_dtype(THDtype dt) {
  return dt == TH_I64 || dt == TH_F64 || dt == TH_F32 || dt == TH_BF16;
}

static void random_range_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  const uint64_t range = x->p->range, base = (uint64_t)x->p->base;
  const bool wide = range >= (UINT64_C(1) << 32) && wide_dtype(x->dt);
  for (int64_t i = 0; i < n; i++, o += s[0]) {
    uint64_t v = wide ? THGenerator_next64(x->g) : THGenerator_next32(x->g);
    store_i(o, x->dt, (int64_t)(v % range + base));
  }
}

static void random_full_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  for (int64_t i = 0; i < n; i++, o += s[0]) store_i(o, x->dt, (int64_t)THGenerator_next64(x->g));
}

/* random_() with no bounds: PyTorch's uniform_int_distribution */
static void random_default_row(void *c, char **d, const int64_t *s, int64_t n) {
  Ctx *x = c;
  char *o = d[0];
  THDtype dt = x->dt;
  for (int64_t i = 0; i < n; i++, o += s[0]) {
    uint64_t v;
    switch (dt) {
    case TH_F64: v = THGenerator_next64(x->g) % ((UINT64_C(1) << 53) + 1); break;
    case TH_I64: v = THGenerator_next64(x->g) & (uint64_t)INT64_MAX; break;
    case TH_F32: v = THGenerator_next32(x->g) % ((1u << 24) + 1); break;
    case TH_F16: v = THGenerator_next32(x->g) % ((1u << 11) + 1); break;
    case TH_BF16: v = THGenerator_next32(x->g) % ((1u << 8) + 1); break;
    case TH_I32: v = THGenerator_next32(x->g) % (UINT64_C(1) << 31); break;
    case TH_I16: v = THGenerator_next32(x->g) % (1u << 15); break;
    case TH_I8: v = THGenerator_next32(x->g) % (1u << 7); break;
    case TH_U8: v = THGenerator_next32(x->g) % (1u << 8); break;
    default: v = THGenerator_next32(x->g) & 1u; break;
    }
    store_i(o, dt, (int64_t)v);
  }
}

/* ======================================================================= randperm */

static int cpu_randperm(THTensor *t, THGenerator *g) {
  int64_t n = THTensor_numel(t);
  int64_t *r = t->dtype == TH_I64 && THTensor_isContiguous(t) ? THTensor_data(t) : malloc((size_t)n * 8);
  if (!r) return TH_setError("[randperm] out of memory for %lld elements", (long long)n);
  for (int64_t i = 0; i < n; i++) r[i] = i;
  for (int64_t i = 0; i < n - 1; i++) {
    int64_t z = (int64_t)(THGenerator_next32(g) % (uint64_t)(n - i));
    int64_t v = r[i];
    r[i] = r[z + i];
    r[z + i] = v;
  }
  if (r != THTensor_data(t)) {
    char *o = THTensor_data(t);
    size_t es = THDtype_size(t->dtype);
    for (int64_t i = 0; i < n; i++) store_i(o + i * t->stride[0] * (int64_t)es, t->dtype, r[i]);
    free(r);
  }
  return TH_OK;
}

/* ======================================================================= multinomial */

typedef struct {
  double v;
  int64_t i;
} Ranked;

static int ranked_desc(const void *a, const void *b) {
  const Ranked *x = a, *y = b;
  if (x->v > y->v) return -1;
  if (x->v < y->v) return 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* p[i, j] of a 1-D (one row) or 2-D distribution */
static inline double prob_at(const THTensor *p, int64_t i, int64_t j) {
  int64_t off = p->offset + j * p->stride[p->ndim - 1] + (p->ndim == 2 ? i * p->stride[0] : 0);
  return load_d((const char *)p->storage->data + off * (int64_t)THDtype_size(p->dtype), p->dtype);
}

/* Without replacement (or one sample): PyTorch's exponential trick, top-k of p / q with
 * q ~ Exp(1) drawn into a tensor laid out like p. */
static int multinomial_topk(THTensor *out, const THTensor *p, int64_t ns, THGenerator *g) {
  int64_t rows = p->ndim == 2 ? p->size[0] : 1, ncat = p->size[p->ndim - 1];
  for (int64_t i = 0; i < rows; i++) {
    double sum = 0;
    for (int64_t j = 0; j < ncat; j++) {
      double v = prob_at(p, i, j);
      if (!(v >= 0 && v < INFINITY))
        return TH_setError("[multinomial] probability tensor contains either `inf`, `nan` or element < 0");
      sum += v;
    }
    if (!(sum > 0)) return TH_setError("[multinomial] invalid multinomial distribution (sum of probabilities <= 0)");
  }
  THTensor *q = THTensor_emptyLikeDense(p, p->dtype);
  Ranked *rank = malloc((size_t)ncat * sizeof(Ranked));
  if (!q || !rank) {
    THTensor_free(q);
    free(rank);
    return TH_setError("[multinomial] out of memory");
  }
  Ctx c = {.g = g, .dt = q->dtype, .a = 1.0};
  walk1(q, exponential_row, &c);
  int64_t *o = THTensor_data(out);
  THDtype dt = p->dtype;
  for (int64_t i = 0; i < rows; i++) {
    for (int64_t j = 0; j < ncat; j++) {
      double pv = prob_at(p, i, j), qv = prob_at(q, i, j), v;
      if (dt == TH_F64) v = pv / qv;
      else if (dt == TH_F32) v = (float)pv / (float)qv;
      else v = round16((float)pv / (float)qv, dt);
      rank[j] = (Ranked){v, j};
    }
    if (ns == 1) {
      int64_t best = 0;
      for (int64_t j = 1; j < ncat; j++)
        if (rank[j].v > rank[best].v || (isnan(rank[j].v) && !isnan(rank[best].v))) best = j;
      o[i] = best;
    } else {
      qsort(rank, (size_t)ncat, sizeof(Ranked), ranked_desc);
      for (int64_t k = 0; k < ns; k++) o[i * ns + k] = rank[k].i;
    }
  }
  free(rank);
  THTensor_free(q);
  return TH_OK;
}

/* With replacement: inverse-CDF sampling with a binary search, the cumulative sums in the
 * element type (float for the 16-bit ones) compared with 53-bit uniforms. */
static int multinomial_cdf(THTensor *out, const THTensor *p, int64_t ns, THGenerator *g) {
  int64_t rows = p->ndim == 2 ? p->size[0] : 1, ncat = p->size[p->ndim - 1];
  bool dbl = p->dtype == TH_F64;
  for (int64_t i = 0; i < rows; i++) { /* check every row before drawing anything */
    double sum = 0;
    float fsum = 0;
    for (int64_t j = 0; j < ncat; j++) {
      double v = prob_at(p, i, j);
      if (!(v >= 0))
        return TH_setError("[multinomial] invalid multinomial distribution (encountering probability entry < 0)");
      if (!isfinite(v))
        return TH_setError("[multinomial] invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum += v;
      fsum += (float)v;
    }
    if (!(dbl ? sum > 0 : fsum > 0))
      return TH_setError("[multinomial] invalid multinomial distribution (sum of probabilities <= 0)");
  }
  double *cum = malloc((size_t)ncat * sizeof(double));
  if (!cum) return TH_setError("[multinomial] out of memory");
  int64_t *o = THTensor_data(out);
  for (int64_t i = 0; i < rows; i++) {
    if (dbl) {
      double sum = 0;
      for (int64_t j = 0; j < ncat; j++) cum[j] = sum += prob_at(p, i, j);
      for (int64_t j = 0; j < ncat; j++) cum[j] /= sum;
    } else {
      float sum = 0;
      for (int64_t j = 0; j < ncat; j++) cum[j] = sum += (float)prob_at(p, i, j);
      for (int64_t j = 0; j < ncat; j++) cum[j] = (float)cum[j] / sum;
    }
    cum[ncat - 1] = 1;
    for (int64_t k = 0; k < ns; k++) {
      double u = uniform53(g);
      int64_t lo = 0, hi = ncat;
      while (hi - lo > 0) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      o[i * ns + k] = lo;
    }
  }
  free(cum);
  return TH_OK;
}

/* ======================================================================= the kernel */

static int cpu_random(THOp op, THTensor *out, const THTensor *in, const THRandomParams *p,
                      THGenerator *g) {
  Ctx c = {.g = g, .dt = out->dtype, .a = p->a, .b = p->b, .p = p};
  int rc = TH_OK;
  pthread_mutex_lock(&g->mutex);
  switch (op) {
  case TH_OP_uniform: cpu_uniform(out, p, g); break;
  case TH_OP_normal: cpu_normal(out, p, g); break;
  case TH_OP_exponential: walk1(out, exponential_row, &c); break;
  case TH_OP_cauchy: walk1(out, cauchy_row, &c); break;
  case TH_OP_log_normal: walk1(out, log_normal_row, &c); break;
  case TH_OP_geometric: walk1(out, geometric_row, &c); break;
  case TH_OP_random:
    walk1(out, p->mode == 0 ? random_range_row : p->mode == 1 ? random_default_row : random_full_row, &c);
    break;
  case TH_OP_bernoulli:
    if (in) {
      THTensor *ops[2] = {out, (THTensor *)in};
      THIter it;
      THIter_init(&it, 2, ops);
      c.bits = (int)in->dtype;
      serial_walk(&it, bernoulli_tensor_row, &c);
    } else {
      walk1(out, bernoulli_row, &c);
    }
    break;
  case TH_OP_randperm: rc = cpu_randperm(out, g); break;
  case TH_OP_multinomial:
    rc = !p->replacement ? multinomial_topk(out, in, p->nsample, g)
                                              : multinomial_cdf(out, in, p->nsample, g);
    break;
  default: rc = TH_setError("[%s] is not a random op", THOp_info(op)->name);
  }
  pthread_mutex_unlock(&g->mutex);
  return rc;
}

__attribute__((constructor)) static void cpu_random_register(void) {
  static const THOp ops[] = {TH_OP_uniform,   TH_OP_normal,    TH_OP_exponential,
                             TH_OP_cauchy,    TH_OP_log_normal, TH_OP_geometric,
                             TH_OP_random,    TH_OP_bernoulli, TH_OP_randperm,
                             TH_OP_multinomial};
  THKernel k = {.fn = (void (*)(void))cpu_random};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) THDispatch_register(ops[i], TH_DEVICE_CPU, k);
}
