// THCPointwise.cu: the CUDA kernels of THOps.def's POINTWISE rows, part 1: the router that
// sends each (op, dtype) to its family, and the families of arithmetic, integer and
// three-operand ops.  THCPointwiseMath.cu has the floating functions, THCPointwiseCompare.cu
// the ops with bool results; THCPointwise.cuh the kernels all of them share.
//
// The router accepts exactly the dtypes lib/TH's CPU kernels register for each op
// (THCpuPointwise.c, THCpuUnary.c, THCpuBinary.c, THCpuPolygamma.c) and reports any other
// as unsupported.  Every expression below is the CPU kernel's, in the same arithmetic type.
// Integer division by zero cannot raise inside a kernel: lib/TH checks divisors that are
// numbers before launching, and a zero element of a CUDA divisor tensor gives 0 here, the
// value the CPU kernels give (as PyTorch's CUDA kernels, nothing is checked on the device).
#include "THCPointwise.cuh"

using namespace thc;
using namespace thc::pw;

namespace {

// ---------------------------------------------------------------- routing

enum Family {
  kNone,
  kCommonUnary,   // neg, sign, square, abs, relu, bitwise_not, integer floor/round/...
  kCommonBinary,  // add, sub, mul, maximum, minimum, clamp_min, clamp_max
  kIntBinary,     // integer fmod, remainder, floor_divide, pow; bitwise ops and shifts
  kTernary,       // where (non-bool condition), clamp, addcmul, addcdiv, lerp
  kWhereSelect,   // where with a bool condition: a selection of bytes
  kFloatUnary,    // exp .. lgamma, floating floor/round/nan_to_num (THCPointwiseMath.cu)
  kFloatSpecial,  // digamma, polygamma, erfinv (THCPointwiseMath.cu)
  kFloatBinary,   // div, pow, atan2, hypot, fmod, remainder, floor_divide, threshold_backward
  kPredicate,     // isnan, isinf, isfinite, logical_not (THCPointwiseCompare.cu)
  kCompare,       // eq .. ge, logical_and/or/xor, isclose (THCPointwiseCompare.cu)
};

// Tensor inputs each family's kernels read.
int family_arity(Family f) {
  switch (f) {
  case kCommonUnary: case kFloatUnary: case kFloatSpecial: case kPredicate: return 1;
  case kCommonBinary: case kIntBinary: case kFloatBinary: case kCompare: return 2;
  case kTernary: case kWhereSelect: return 3;
  default: return 0;
  }
}

// The family that runs op for inputs of dtype dt, or kNone where the CPU has no kernel.
Family route(int op, int dt) {
  const bool f = dt == TH_F32 || dt == TH_F64 || dt == TH_F16 || dt == TH_BF16;
  const bool b = dt == TH_BOOL;
  const bool i = dt == TH_I8 || dt == TH_I16 || dt == TH_I32 || dt == TH_I64 || dt == TH_U8;
  if (!f && !b && !i) return kNone;
  switch (op) {
  case THC_OP_add: case THC_OP_sub: case THC_OP_mul:
  case THC_OP_maximum: case THC_OP_minimum: case THC_OP_clamp_min: case THC_OP_clamp_max:
    return kCommonBinary;
  case THC_OP_neg: case THC_OP_sign: case THC_OP_square:
    return kCommonUnary;
  case THC_OP_abs: case THC_OP_relu:
    return b ? kNone : kCommonUnary;
  case THC_OP_floor: case THC_OP_ceil: case THC_OP_trunc: case THC_OP_round:
    return f ? kFloatUnary : i ? kCommonUnary : kNone;
  case THC_OP_nan_to_num:
    return f ? kFloatUnary : kCommonUnary;
  case THC_OP_bitwise_not:
    return f ? kNone : kCommonUnary;
  case THC_OP_exp: case THC_OP_exp2: case THC_OP_expm1: case THC_OP_log: case THC_OP_log2:
  case THC_OP_log10: case THC_OP_log1p: case THC_OP_sqrt: case THC_OP_rsqrt:
  case THC_OP_reciprocal: case THC_OP_sin: case THC_OP_cos: case THC_OP_tan: case THC_OP_asin:
  case THC_OP_acos: case THC_OP_atan: case THC_OP_sinh: case THC_OP_cosh: case THC_OP_tanh:
  case THC_OP_asinh: case THC_OP_acosh: case THC_OP_atanh: case THC_OP_sigmoid:
  case THC_OP_logit: case THC_OP_erf: case THC_OP_erfc: case THC_OP_lgamma: case THC_OP_frac:
    return f ? kFloatUnary : kNone;
  case THC_OP_digamma: case THC_OP_polygamma: case THC_OP_erfinv:
    return f ? kFloatSpecial : kNone;
  case THC_OP_div: case THC_OP_atan2: case THC_OP_hypot: case THC_OP_threshold_backward:
    return f ? kFloatBinary : kNone;
  case THC_OP_pow: case THC_OP_fmod: case THC_OP_remainder: case THC_OP_floor_divide:
    return f ? kFloatBinary : i ? kIntBinary : kNone;
  case THC_OP_bitwise_and: case THC_OP_bitwise_or: case THC_OP_bitwise_xor:
    return f ? kNone : kIntBinary;
  case THC_OP_bitwise_left_shift: case THC_OP_bitwise_right_shift:
    return i ? kIntBinary : kNone;
  case THC_OP_isnan: case THC_OP_isinf: case THC_OP_isfinite: case THC_OP_logical_not:
    return kPredicate;
  case THC_OP_eq: case THC_OP_ne: case THC_OP_lt: case THC_OP_le: case THC_OP_gt: case THC_OP_ge:
  case THC_OP_logical_and: case THC_OP_logical_or: case THC_OP_logical_xor: case THC_OP_isclose:
    return kCompare;
  case THC_OP_where:
    return b ? kWhereSelect : kTernary;
  case THC_OP_clamp:
    return kTernary;
  case THC_OP_addcmul:
    return b ? kNone : kTernary;
  case THC_OP_addcdiv: case THC_OP_lerp:
    return f ? kTernary : kNone;
  default:
    return kNone;
  }
}

// ---------------------------------------------------------------- one-operand ops of any dtype

template <typename S> struct CommonUnary {
  typedef typename Compute<S>::type A;
  int op;
  __device__ __forceinline__ A operator()(A a, A, A) const {
    switch (op) {
    case THC_OP_neg: // floats flip the sign bit (-(+0) = -0), integers wrap
      if constexpr (std::is_integral<A>::value) return wrap_sub(A(0), a);
      else return -a;
    case THC_OP_sign:
      return (A)((a > 0) - (a < 0));
    case THC_OP_square:
      return wrap_mul(a, a);
    case THC_OP_abs:
      if constexpr (std::is_integral<A>::value) return a < 0 ? wrap_sub(A(0), a) : a;
      else if constexpr (std::is_same<A, float>::value) return fabsf(a);
      else return fabs(a);
    case THC_OP_relu:
      return a < 0 ? A(0) : a;
    case THC_OP_bitwise_not:
      if constexpr (std::is_same<S, bool>::value) return !a;
      else if constexpr (std::is_integral<A>::value) return ~a;
      else return a;
    default: // floor, ceil, trunc, round, nan_to_num of an integer or bool: the value itself
      return a;
    }
  }
};

}  // namespace

cudaError_t thc::pw::launch_common_unary(int op, const THCIter &it, const THCParams &p,
                                         cudaStream_t s) {
  (void)p;
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_same<S, 1>(it, s, CommonUnary<S>{op}))
    THC_PW_INT_CASES(return launch_same<S, 1>(it, s, CommonUnary<S>{op}))
    THC_PW_BOOL_CASE(return launch_same<S, 1>(it, s, CommonUnary<S>{op}))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// ---------------------------------------------------------------- two operands of any dtype

template <typename S> struct CommonBinary {
  typedef typename Compute<S>::type A;
  int op;
  A alpha;
  __device__ __forceinline__ A operator()(A a, A b, A) const {
    switch (op) {
    case THC_OP_add: return wrap_add(a, wrap_mul(alpha, b));
    case THC_OP_sub: return wrap_sub(a, wrap_mul(alpha, b));
    case THC_OP_mul: return wrap_mul(a, b);
    case THC_OP_maximum: case THC_OP_clamp_min: return (a != a || a > b) ? a : b; // NaN wins
    default: return (a != a || a < b) ? a : b; // minimum, clamp_max
    }
  }
};

// add on its own: the hottest op gets a kernel without the switch.
template <typename S> struct AddOp {
  typedef typename Compute<S>::type A;
  A alpha;
  __device__ __forceinline__ A operator()(A a, A b, A) const {
    return wrap_add(a, wrap_mul(alpha, b));
  }
};

template <typename S>
cudaError_t common_binary(int op, const THCIter &it, const THCParams &p, cudaStream_t s) {
  typedef typename Compute<S>::type A;
  A alpha = param_as<A>(p.alpha);
  if (op == THC_OP_add) return launch_same<S, 2>(it, s, AddOp<S>{alpha});
  return launch_same<S, 2>(it, s, CommonBinary<S>{op, alpha});
}

}  // namespace

cudaError_t thc::pw::launch_common_binary(int op, const THCIter &it, const THCParams &p,
                                          cudaStream_t s) {
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return common_binary<S>(op, it, p, s))
    THC_PW_INT_CASES(return common_binary<S>(op, it, p, s))
    THC_PW_BOOL_CASE(return common_binary<S>(op, it, p, s))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// ---------------------------------------------------------------- integer-only binary ops

__device__ __forceinline__ int64_t imod(int64_t a, int64_t b) {
  return (b == 0 || b == -1) ? 0 : a % b;
}
__device__ __forceinline__ int64_t irem(int64_t a, int64_t b) {
  int64_t r = imod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
__device__ __forceinline__ int64_t ifloordiv(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int64_t)(0 - (uint64_t)a);
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
__device__ __forceinline__ int64_t ipow(int64_t a, int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
  uint64_t r = 1, x = (uint64_t)a;
  while (b) {
    if (b & 1) r *= x;
    x *= x;
    b >>= 1;
  }
  return (int64_t)r;
}

template <typename S> struct IntBinary {
  int op;
  __device__ __forceinline__ int64_t operator()(int64_t a, int64_t b, int64_t) const {
    const int64_t nbits = 8 * (int64_t)sizeof(S);
    switch (op) {
    case THC_OP_fmod: return imod(a, b);
    case THC_OP_remainder: return irem(a, b);
    case THC_OP_floor_divide: return ifloordiv(a, b);
    case THC_OP_pow: return ipow(a, b);
    case THC_OP_bitwise_and: return a & b;
    case THC_OP_bitwise_or: return a | b;
    case THC_OP_bitwise_xor: return a ^ b;
    // counts outside [0, bits of the dtype) shift everything out
    case THC_OP_bitwise_left_shift: return (b < 0 || b >= nbits) ? 0 : (int64_t)((uint64_t)a << b);
    default: return (b < 0 || b >= nbits) ? (a < 0 ? -1 : 0) : a >> b; // right shift
    }
  }
};

}  // namespace

cudaError_t thc::pw::launch_int_binary(int op, const THCIter &it, const THCParams &p,
                                       cudaStream_t s) {
  (void)p;
  switch (it.dtypes[1]) {
    THC_PW_INT_CASES(return launch_same<S, 2, 4>(it, s, IntBinary<S>{op}))
    THC_PW_BOOL_CASE(return launch_same<S, 2, 4>(it, s, IntBinary<S>{op}))
  default: return THC_UNSUPPORTED;
  }
}

namespace {

// ---------------------------------------------------------------- three operands

template <typename S> struct Ternary {
  typedef typename Compute<S>::type A;
  int op;
  A alpha;
  __device__ __forceinline__ A operator()(A a, A b, A c) const {
    switch (op) {
    case THC_OP_where:
      return a != 0 ? b : c;
    case THC_OP_clamp: { // max with the lower bound, then min with the upper (lo > hi gives hi)
      A t = (a != a || a > b) ? a : b;
      return (t != t || t < c) ? t : c;
    }
    case THC_OP_addcmul:
      return wrap_add(a, wrap_mul(wrap_mul(alpha, b), c));
    case THC_OP_addcdiv:
      if constexpr (std::is_floating_point<A>::value) return a + alpha * b / c;
      else return a;
    default: // lerp(start a, end b, weight c): two formulas, each exact at its own end
      if constexpr (std::is_floating_point<A>::value)
        return fabs((double)c) < 0.5 ? wrap_add(a, wrap_mul(c, wrap_sub(b, a)))
                                     : wrap_sub(b, wrap_mul(wrap_sub(b, a), wrap_sub((A)1, c)));
      else return a;
    }
  }
};

// where with a bool condition: the value operands' bytes, whatever their dtype.
struct SelectOp {
  __device__ __forceinline__ int64_t operator()(int64_t cond, int64_t x, int64_t y) const {
    return cond ? x : y;
  }
};

}  // namespace

cudaError_t thc::pw::launch_ternary(int op, const THCIter &it, const THCParams &p,
                                    cudaStream_t s) {
  switch (it.dtypes[1]) {
    THC_PW_FLOAT_CASES(return launch_same<S, 3, 8>(
        it, s, Ternary<S>{op, param_as<typename Compute<S>::type>(p.alpha)}))
    THC_PW_INT_CASES(return launch_same<S, 3, 8>(
        it, s, Ternary<S>{op, param_as<typename Compute<S>::type>(p.alpha)}))
    THC_PW_BOOL_CASE(return launch_same<S, 3, 8>(
        it, s, Ternary<S>{op, param_as<typename Compute<S>::type>(p.alpha)}))
  default: return THC_UNSUPPORTED;
  }
}

// (THDtype_size is lib/TH's, with C linkage that THDtype.h does not declare to C++.)
static int dtype_bytes(int dt) {
  switch (dt) {
  case TH_F64: case TH_I64: return 8;
  case TH_F32: case TH_I32: return 4;
  case TH_F16: case TH_BF16: case TH_I16: return 2;
  default: return 1;
  }
}

cudaError_t thc::pw::launch_where_select(const THCIter &it, cudaStream_t s) {
  switch (dtype_bytes(it.dtypes[0])) {
  case 1: return launch_general<uint8_t, bool, uint8_t, uint8_t, 3>(it, s, SelectOp());
  case 2: return launch_general<uint16_t, bool, uint16_t, uint16_t, 3>(it, s, SelectOp());
  case 4: return launch_general<uint32_t, bool, uint32_t, uint32_t, 3>(it, s, SelectOp());
  case 8: return launch_general<uint64_t, bool, uint64_t, uint64_t, 3>(it, s, SelectOp());
  default: return THC_UNSUPPORTED;
  }
}

// ---------------------------------------------------------------- the entry point

extern "C" cudaError_t THC_launchPointwise(int op, const THCIter *it, const THCParams *p,
                                           cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  /* kernels are chosen by the inputs' (compute) dtype, as lib/TH's cpu_pointwise */
  const int dt = it->dtypes[it->noperands > 1 ? 1 : 0];
  const Family f = route(op, dt);
  if (f == kNone || it->noperands != family_arity(f) + 1) return THC_UNSUPPORTED;
  switch (f) {
  case kCommonUnary: return launch_common_unary(op, *it, *p, stream);
  case kCommonBinary: return launch_common_binary(op, *it, *p, stream);
  case kIntBinary: return launch_int_binary(op, *it, *p, stream);
  case kTernary: return launch_ternary(op, *it, *p, stream);
  case kWhereSelect: return launch_where_select(*it, stream);
  case kFloatUnary: return launch_float_unary(op, *it, *p, stream);
  case kFloatSpecial: return launch_float_special(op, *it, *p, stream);
  case kFloatBinary: return launch_float_binary(op, *it, *p, stream);
  case kPredicate: return launch_predicate(op, *it, *p, stream);
  case kCompare: return launch_compare(op, *it, *p, stream);
  default: return THC_UNSUPPORTED;
  }
}
