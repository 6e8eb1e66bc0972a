// THCPointwiseCompare.cu: the CUDA kernels of THOps.def's rows with bool results: isnan,
// isinf, isfinite, logical_not, the comparisons eq .. ge, logical_and/or/xor and isclose.
// Inputs are in the compute dtype (every dtype), the output is bool, as lib/TH's
// THMath_pointwise builds the iteration for BOOLRESULT rows.  Expressions are the CPU
// kernels' (THCpuUnary.c, THCpuBinary.c).  Launch machinery: THCPointwise.cuh.
#include "THCPointwise.cuh"

using namespace thc;
using namespace thc::pw;

namespace {

template <typename S> struct Predicate {
  typedef typename Compute<S>::type A;
  int op;
  __device__ __forceinline__ bool operator()(A a, A, A) const {
    if (op == THC_OP_logical_not) return a == 0;
    if constexpr (std::is_floating_point<A>::value) {
      switch (op) {
      case THC_OP_isnan: return a != a;
      case THC_OP_isinf: return a == (A)INFINITY || a == -(A)INFINITY;
      default: return a - a == 0; // isfinite
      }
    } else { // integers and bool: never NaN or infinite
      return op == THC_OP_isfinite;
    }
  }
};

}  // namespace

cudaError_t thc::pw::launch_predicate(int op, const THCIter &it, const THCParams &p,
                                      cudaStream_t s) {
  (void)p;
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_bool_out<S, 1>(it, s, Predicate<S>{op}))
    THC_PW_INT_CASES(return launch_bool_out<S, 1>(it, s, Predicate<S>{op}))
    THC_PW_BOOL_CASE(return launch_bool_out<S, 1>(it, s, Predicate<S>{op}))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// isclose: equal, or both NaN (equal_nan), or a finite |a - b| <= atol + |rtol * b|; in
// float for float32 and the 16-bit floats, in double for float64 and the integers.
template <typename T>
__device__ __forceinline__ bool isclose(T a, T b, T rtol, T atol, bool equal_nan) {
  if (a == b) return true;
  if (equal_nan && a != a && b != b) return true;
  T diff = a > b ? a - b : b - a;
  T tol = rtol * b;
  return isfinite(diff) && diff <= atol + (tol < 0 ? -tol : tol);
}

template <typename S> struct Compare {
  typedef typename Compute<S>::type A;
  typedef typename std::conditional<std::is_same<A, float>::value, float, double>::type T;
  int op;
  T rtol, atol;
  bool equal_nan;
  __device__ __forceinline__ bool operator()(A a, A b, A) const {
    switch (op) {
    case THC_OP_eq: return a == b;
    case THC_OP_ne: return a != b;
    case THC_OP_lt: return a < b;
    case THC_OP_le: return a <= b;
    case THC_OP_gt: return a > b;
    case THC_OP_ge: return a >= b;
    case THC_OP_logical_and: return (a != 0) & (b != 0);
    case THC_OP_logical_or: return (a != 0) | (b != 0);
    case THC_OP_logical_xor: return (a != 0) != (b != 0);
    default: return isclose<T>((T)a, (T)b, rtol, atol, equal_nan);
    }
  }
};

template <typename S> Compare<S> compare(int op, const THCParams &p) {
  typedef typename Compare<S>::T T;
  /* isclose's params (THPointwise.c): alpha.f rtol, beta.f atol, gamma.i equal_nan */
  return Compare<S>{op, (T)p.alpha.f, (T)p.beta.f, p.gamma.i != 0};
}

}  // namespace

cudaError_t thc::pw::launch_compare(int op, const THCIter &it, const THCParams &p,
                                    cudaStream_t s) {
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_bool_out<S, 2>(it, s, compare<S>(op, p)))
    THC_PW_INT_CASES(return launch_bool_out<S, 2>(it, s, compare<S>(op, p)))
    THC_PW_BOOL_CASE(return launch_bool_out<S, 2>(it, s, compare<S>(op, p)))
  default: return THC_UNSUPPORTED;
  }
}
