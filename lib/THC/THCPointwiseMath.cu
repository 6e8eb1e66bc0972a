// THCPointwiseMath.cu: the CUDA kernels of THOps.def's floating functions (exp .. lgamma,
// logit, round with decimals, nan_to_num, digamma, polygamma, erfinv, div, pow, atan2, hypot,
// fmod, remainder, floor_divide, threshold_backward), for float32, float64, float16 and
// bfloat16 (the 16-bit ones computed in float and rounded once, as on the CPU).
//
// Each op is lib/TH's CPU formula (THCpuUnary.c, THCpuBinary.c, THCpuPointwise.c) with the
// CUDA math library in place of libm/SLEEF; digamma, polygamma and erfinv are the CPU's own
// algorithms, in double for every dtype as there.  Launch machinery: THCPointwise.cuh.
#include "THCPointwise.cuh"
#include "THSpecial.h"

using namespace thc;
using namespace thc::pw;

namespace {

// ---------------------------------------------------------------- float / double overloads

#define THC_MATH1(NAME)                                                            \
  __device__ __forceinline__ float m_##NAME(float x) { return NAME##f(x); }        \
  __device__ __forceinline__ double m_##NAME(double x) { return NAME(x); }
#define THC_MATH2(NAME)                                                            \
  __device__ __forceinline__ float m_##NAME(float x, float y) { return NAME##f(x, y); } \
  __device__ __forceinline__ double m_##NAME(double x, double y) { return NAME(x, y); }
THC_MATH1(exp) THC_MATH1(exp2) THC_MATH1(expm1) THC_MATH1(log) THC_MATH1(log2)
THC_MATH1(log10) THC_MATH1(log1p) THC_MATH1(sqrt) THC_MATH1(sin) THC_MATH1(cos)
THC_MATH1(tan) THC_MATH1(asin) THC_MATH1(acos) THC_MATH1(atan) THC_MATH1(sinh)
THC_MATH1(cosh) THC_MATH1(tanh) THC_MATH1(asinh) THC_MATH1(acosh) THC_MATH1(atanh)
THC_MATH1(erf) THC_MATH1(erfc) THC_MATH1(lgamma) THC_MATH1(floor) THC_MATH1(ceil)
THC_MATH1(trunc) THC_MATH1(rint)
THC_MATH2(atan2) THC_MATH2(hypot) THC_MATH2(fmod) THC_MATH2(pow) THC_MATH2(copysign)
#undef THC_MATH1
#undef THC_MATH2

// ---------------------------------------------------------------- one operand

template <typename S> struct FloatUnary {
  typedef typename Compute<S>::type T; // float or double
  int op;
  bool logit_clamps;    // logit: eps >= 0, z clamped to [lo, hi]
  T logit_lo, logit_hi;
  int64_t decimals;     // round
  T ten;                // round: 10^|decimals| in T
  T nan_to, posinf_to, neginf_to; // nan_to_num

  __device__ __forceinline__ T operator()(T x, T, T) const {
    switch (op) {
    case THC_OP_exp: return m_exp(x);
    case THC_OP_exp2: return m_exp2(x);
    case THC_OP_expm1: return m_expm1(x);
    case THC_OP_log: return m_log(x);
    case THC_OP_log2: return m_log2(x);
    case THC_OP_log10: return m_log10(x);
    case THC_OP_log1p: return m_log1p(x);
    case THC_OP_sqrt: return m_sqrt(x);
    case THC_OP_rsqrt: return (T)1 / m_sqrt(x); // divided exactly, as the CPU
    case THC_OP_reciprocal: return (T)1 / x;
    case THC_OP_sin: return m_sin(x);
    case THC_OP_cos: return m_cos(x);
    case THC_OP_tan: return m_tan(x);
    case THC_OP_asin: return m_asin(x);
    case THC_OP_acos: return m_acos(x);
    case THC_OP_atan: return m_atan(x);
    case THC_OP_sinh: return m_sinh(x);
    case THC_OP_cosh: return m_cosh(x);
    case THC_OP_tanh: return m_tanh(x);
    case THC_OP_asinh: return m_asinh(x);
    case THC_OP_acosh: return m_acosh(x);
    case THC_OP_atanh: return m_atanh(x);
    case THC_OP_erf: return m_erf(x);
    case THC_OP_erfc: return m_erfc(x);
    case THC_OP_lgamma: return m_lgamma(x);
    case THC_OP_sigmoid: return (T)1 / ((T)1 + m_exp(-x));
    case THC_OP_logit: { // log(z / (1 - z)); NaN fails both comparisons and stays NaN
      T z = logit_clamps ? (x < logit_lo ? logit_lo : (x > logit_hi ? logit_hi : x)) : x;
      return m_log(z / ((T)1 - z));
    }
    case THC_OP_floor: return m_floor(x);
    case THC_OP_ceil: return m_ceil(x);
    case THC_OP_trunc: return m_trunc(x);
    case THC_OP_frac: return x - m_trunc(x);
    case THC_OP_round: // half to even, at `decimals` digits as PyTorch's formula
      if (decimals == 0) return m_rint(x);
      return decimals > 0 ? m_rint(x * ten) / ten : m_rint(x / ten) * ten;
    default: // nan_to_num
      return x != x ? nan_to : (x == (T)INFINITY ? posinf_to : (x == -(T)INFINITY ? neginf_to : x));
    }
  }
};

template <typename S> FloatUnary<S> float_unary(int op, const THCParams &p) {
  typedef typename Compute<S>::type T;
  FloatUnary<S> f;
  memset(&f, 0, sizeof f);
  f.op = op;
  if (op == THC_OP_logit) { // alpha.f: eps, negative for none
    f.logit_clamps = p.alpha.f >= 0;
    f.logit_lo = (T)p.alpha.f;
    f.logit_hi = (T)1 - (T)p.alpha.f;
  } else if (op == THC_OP_round) { // alpha.i: decimals
    f.decimals = p.alpha.i;
    f.ten = (T)pow(10.0, (double)(p.alpha.i < 0 ? -p.alpha.i : p.alpha.i));
  } else if (op == THC_OP_nan_to_num) { // alpha.f, beta.f, gamma.f: the replacements
    f.nan_to = (T)p.alpha.f;
    f.posinf_to = (T)p.beta.f;
    f.neginf_to = (T)p.gamma.f;
  }
  return f;
}

}  // namespace

cudaError_t thc::pw::launch_float_unary(int op, const THCIter &it, const THCParams &p,
                                        cudaStream_t s) {
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_same<S, 1, 4>(it, s, float_unary<S>(op, p)))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// ---------------------------------------------------------------- digamma, polygamma, erfinv
// (lib/TH/THSpecial.h, shared with the CPU kernels)

template <typename S> struct FloatSpecial {
  typedef typename Compute<S>::type T;
  int op;
  int64_t n; // polygamma's order
  __device__ T operator()(T x, T, T) const {
    switch (op) {
    case THC_OP_digamma: return (T)th_digamma((double)x);
    case THC_OP_erfinv: return (T)th_erfinv((double)x);
    default: return (T)th_polygamma(n, (double)x);
    }
  }
};

}  // namespace

// These loop per element: the general kernel (scalar loads) keeps them out of the unrolled
// vector path, whose code would repeat them per element of a vector.
cudaError_t thc::pw::launch_float_special(int op, const THCIter &it, const THCParams &p,
                                          cudaStream_t s) {
  const int64_t n = (int64_t)p.alpha.f; /* polygamma: alpha holds n (alpha.f as the CPU reads it) */
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_general<S, S, S, S, 1>(it, s, FloatSpecial<S>{op, n}))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// ---------------------------------------------------------------- two operands

constexpr int kPowScalar = THC_NOPS; // pow with one exponent along the inner dim

template <typename S> struct FloatBinary {
  typedef typename Compute<S>::type T;
  int op;
  T threshold; // threshold_backward

  __device__ __forceinline__ T operator()(T a, T b, T) const {
    switch (op) {
    case THC_OP_div: return a / b;
    case THC_OP_atan2: return m_atan2(a, b);
    case THC_OP_hypot: return m_hypot(a, b);
    case THC_OP_fmod: return m_fmod(a, b);
    case THC_OP_remainder: { // Python's %: fmod moved into the divisor's sign
      T v = m_fmod(a, b);
      return (v != 0 && ((b < 0) != (v < 0))) ? v + b : v;
    }
    case THC_OP_floor_divide: { // from fmod, consistent with remainder (PyTorch's div_floor)
      T mod = m_fmod(a, b);
      T div = (a - mod) / b;
      if (mod != 0 && ((b < 0) != (mod < 0))) div = div - 1;
      if (b == 0) return a / b;
      if (div != 0) {
        T fl = m_floor(div);
        return (div - fl > (T)0.5) ? fl + 1 : fl;
      }
      return m_copysign((T)0, a / b);
    }
    case THC_OP_threshold_backward: return b <= threshold ? (T)0 : a;
    case THC_OP_pow: return m_pow(a, b);
    default: // kPowScalar: PyTorch's multiplications, roots and reciprocals for these exponents
      if (b == 2) return a * a;
      if (b == 3) return a * a * a;
      if (b == (T)0.5) return m_sqrt(a);
      if (b == (T)-0.5) return 1 / m_sqrt(a);
      if (b == -1) return 1 / a;
      if (b == -2) return 1 / (a * a);
      return m_pow(a, b);
    }
  }
};

}  // namespace

cudaError_t thc::pw::launch_float_binary(int op, const THCIter &it, const THCParams &p,
                                         cudaStream_t s) {
  /* the CPU takes the scalar-exponent formulas wherever the exponent's inner stride is 0 */
  if (op == THC_OP_pow && (!it.data[2] || it.strides[2][0] == 0)) op = kPowScalar;
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_same<S, 2, 4>(
        it, s, FloatBinary<S>{op, param_as<typename Compute<S>::type>(p.alpha)}))
  default: return THC_UNSUPPORTED;
  }
}
