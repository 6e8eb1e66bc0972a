// THCPointwise.cuh: the launch machinery of THC's pointwise kernels (internal, CUDA C++),
// shared by THCPointwise.cu (the op router; arithmetic, integer and three-operand ops),
// THCPointwiseMath.cu (floating functions) and THCPointwiseCompare.cu (ops with bool results).
//
// An op family is one functor with the op id as a runtime field: one kernel per dtype serves
// every op of the family, which keeps template instantiations (and nvcc's time) few, and the
// switch on a value uniform across the grid costs nothing next to the memory traffic.  A
// family's functor is a template on the storage type S and computes in lib/TH's ACC type
// (Compute<S>: float for the 16-bit floats, int64 for integers and bool), so results are the
// CPU kernels' wherever the CUDA math library agrees with the CPU's.  Two kernels run them:
//  - vec_kernel: one flat dim, every operand of the output's dtype and contiguous (or one
//    broadcast value), every pointer aligned to the vector: vector loads and stores of up to
//    16 bytes, several elements per thread, a scalar tail;
//  - general_kernel: anything else (other layouts, broadcasting, a bool output or condition):
//    per-element byte offsets from OffsetCalc (no division for one dim) with 32-bit indices;
//    iterations beyond 2^31 - 1 elements are split on the host.
#ifndef THC_POINTWISE_CUH
#define THC_POINTWISE_CUH

#include <stdint.h>
#include <string.h>
#include <type_traits>
#include "THCDevice.cuh"

namespace thc {
namespace pw {

// ---------------------------------------------------------------- types and parameters

template <typename S> struct Compute { typedef int64_t type; }; // integers and bool
template <> struct Compute<float> { typedef float type; };
template <> struct Compute<double> { typedef double type; };
template <> struct Compute<Half> { typedef float type; };
template <> struct Compute<BFloat16> { typedef float type; };

template <typename S> __device__ __forceinline__ typename Compute<S>::type load_as(S v) {
  return (typename Compute<S>::type)to_acc(v);
}

// A parameter in the arithmetic type A, read as lib/TH's TH_PARAM_ALPHA reads it: the
// integer field for integer arithmetic, the floating one otherwise.
template <typename A> inline A param_as(const THScalar &s) {
  if constexpr (std::is_integral<A>::value) return (A)s.i;
  else return (A)s.f;
}

// Integer arithmetic wraps (through uint64, as lib/TH's th_wadd & co).  Floats round each
// operation on its own (the _rn intrinsics are never fused into an FMA, whatever -fmad says),
// as the CPU kernels do: add, sub, mul, addcmul give the CPU's bits.
template <typename A> __device__ __forceinline__ A wrap_add(A a, A b) {
  if constexpr (std::is_integral<A>::value) return (A)((uint64_t)a + (uint64_t)b);
  else if constexpr (std::is_same<A, float>::value) return __fadd_rn(a, b);
  else return __dadd_rn(a, b);
}
template <typename A> __device__ __forceinline__ A wrap_sub(A a, A b) {
  if constexpr (std::is_integral<A>::value) return (A)((uint64_t)a - (uint64_t)b);
  else if constexpr (std::is_same<A, float>::value) return __fsub_rn(a, b);
  else return __dsub_rn(a, b);
}
template <typename A> __device__ __forceinline__ A wrap_mul(A a, A b) {
  if constexpr (std::is_integral<A>::value) return (A)((uint64_t)a * (uint64_t)b);
  else if constexpr (std::is_same<A, float>::value) return __fmul_rn(a, b);
  else return __dmul_rn(a, b);
}

// ---------------------------------------------------------------- operands

// An input: device data (byte offsets from the kernel), or a number from the host by value.
// broadcast: the data is one element read for every index (stride 0; vec_kernel only).
template <typename S> struct Operand {
  const char *data;
  S value;
  bool broadcast;
};

template <typename S> inline Operand<S> operand(const THCIter &it, int k) {
  Operand<S> o;
  memset(&o, 0, sizeof o);
  if (k >= it.noperands) return o;
  o.data = it.data[k];
  memcpy(&o.value, &it.scalar[k], sizeof(S));
  o.broadcast = it.data[k] && it.strides[k][0] == 0;
  return o;
}

template <typename S> __device__ __forceinline__ S load(const Operand<S> &o, int64_t off) {
  return o.data ? *(const S *)(o.data + off) : o.value;
}

// ---------------------------------------------------------------- general kernel

template <typename SO, typename S1, typename S2, typename S3, int NIN, typename F>
__global__ void general_kernel(char *out, Operand<S1> a, Operand<S2> b, Operand<S3> c,
                               OffsetCalc<NIN + 1, uint32_t> calc, uint32_t n, F f) {
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    int64_t off[NIN + 1];
    if (calc.ndim == 1) {
#pragma unroll
      for (int k = 0; k <= NIN; k++) off[k] = (int64_t)i * calc.strides[k][0];
    } else {
      calc.get(i, off);
    }
    typename Compute<S2>::type y{};
    typename Compute<S3>::type z{};
    if constexpr (NIN > 1) y = load_as(load(b, off[NIN > 1 ? 2 : 0]));
    if constexpr (NIN > 2) z = load_as(load(c, off[NIN > 2 ? 3 : 0]));
    *(SO *)(out + off[0]) = Store<SO>::from(f(load_as(load(a, off[1])), y, z));
  }
}

// Runs general_kernel over it, in pieces of at most INT32_MAX elements cut from the
// outermost dim (or, when one slice of it is larger still, one slice at a time).
template <typename SO, typename S1, typename S2, typename S3, int NIN, typename F>
cudaError_t launch_general(const THCIter &it, cudaStream_t stream, const F &f) {
  if (it.numel <= INT32_MAX) {
    general_kernel<SO, S1, S2, S3, NIN, F><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], operand<S1>(it, 1), operand<S2>(it, 2), operand<S3>(it, 3),
        OffsetCalc<NIN + 1, uint32_t>(it), (uint32_t)it.numel, f);
    return cudaGetLastError();
  }
  const int d = it.ndim - 1;
  const int64_t inner = it.numel / it.shape[d];
  const int64_t rows = inner > INT32_MAX ? 1 : INT32_MAX / inner;
  THCIter part = it;
  if (inner > INT32_MAX) part.ndim = d; // a slice of the outermost dim, itself split further
  for (int64_t i = 0; i < it.shape[d]; i += rows) {
    const int64_t len = it.shape[d] - i < rows ? it.shape[d] - i : rows;
    part.shape[d] = len;
    part.numel = inner * len;
    for (int k = 0; k < it.noperands; k++)
      if (it.data[k]) part.data[k] = it.data[k] + i * it.strides[k][d];
    cudaError_t e = launch_general<SO, S1, S2, S3, NIN>(part, stream, f);
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}

// ---------------------------------------------------------------- vectorised kernel

// The unsigned type of N bytes that one load or store moves.
template <int N> struct Bits;
template <> struct Bits<1> { typedef uint8_t type; };
template <> struct Bits<2> { typedef uint16_t type; };
template <> struct Bits<4> { typedef uint32_t type; };
template <> struct Bits<8> { typedef uint2 type; };
template <> struct Bits<16> { typedef uint4 type; };

// Elements per vector: up to MAX_BYTES bytes, at most MAX_ELEMS elements (families with long
// functions cap the elements, since the compute is unrolled once per element).
template <typename S, int MAX_ELEMS> constexpr int vec_elems() {
  return (int)(16 / sizeof(S)) < MAX_ELEMS ? (int)(16 / sizeof(S)) : MAX_ELEMS;
}

template <typename S, int V>
__device__ __forceinline__ void load_vec(const Operand<S> &o, int64_t v,
                                         typename Compute<S>::type *x) {
  typedef typename Bits<V * sizeof(S)>::type B;
  if (o.data && !o.broadcast) {
    B bits = reinterpret_cast<const B *>(o.data)[v];
    S s[V];
    memcpy(s, &bits, sizeof bits);
#pragma unroll
    for (int j = 0; j < V; j++) x[j] = load_as(s[j]);
  } else {
    typename Compute<S>::type e = load_as(o.data ? *(const S *)o.data : o.value);
#pragma unroll
    for (int j = 0; j < V; j++) x[j] = e;
  }
}

template <typename S> __device__ __forceinline__ S load_flat(const Operand<S> &o, int64_t i) {
  return o.data ? ((const S *)o.data)[o.broadcast ? 0 : i] : o.value;
}

template <typename S, int NIN, int V, typename F>
__global__ void vec_kernel(S *out, Operand<S> a, Operand<S> b, Operand<S> c, int64_t n, F f) {
  typedef typename Compute<S>::type A;
  typedef typename Bits<V * sizeof(S)>::type B;
  static_assert(V <= kThreads, "the first block runs the tail");
  const int64_t nvec = n / V;
  const int64_t first = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  const int64_t step = (int64_t)gridDim.x * blockDim.x;
  for (int64_t v = first; v < nvec; v += step) {
    A x[V], y[V], z[V];
    load_vec<S, V>(a, v, x);
#pragma unroll
    for (int j = 0; j < V; j++) y[j] = z[j] = A();
    if constexpr (NIN > 1) load_vec<S, V>(b, v, y);
    if constexpr (NIN > 2) load_vec<S, V>(c, v, z);
    S r[V];
#pragma unroll
    for (int j = 0; j < V; j++) r[j] = Store<S>::from(f(x[j], y[j], z[j]));
    B bits;
    memcpy(&bits, r, sizeof bits);
    reinterpret_cast<B *>(out)[v] = bits;
  }
  const int64_t i = nvec * V + first; // the tail: fewer than V elements, one per thread
  if (i < n) {
    A y{}, z{};
    if constexpr (NIN > 1) y = load_as(load_flat(b, i));
    if constexpr (NIN > 2) z = load_as(load_flat(c, i));
    out[i] = Store<S>::from(f(load_as(load_flat(a, i)), y, z));
  }
}

inline bool aligned_to(const void *p, size_t bytes) { return ((uintptr_t)p % bytes) == 0; }

// True when vec_kernel can run it: one flat dim, the output and every tensor input contiguous
// (or a broadcast element) and aligned to the vector.
template <typename S, int NIN, int V> bool vec_fits(const THCIter &it) {
  const int64_t es = (int64_t)sizeof(S);
  if (it.ndim != 1 || it.strides[0][0] != es || !aligned_to(it.data[0], V * sizeof(S)))
    return false;
  for (int k = 1; k <= NIN; k++) {
    if (!it.data[k] || it.strides[k][0] == 0) continue;
    if (it.strides[k][0] != es || !aligned_to(it.data[k], V * sizeof(S))) return false;
  }
  return true;
}

// ---------------------------------------------------------------- entry points

// Output and inputs of dtype S (MAX_ELEMS: vec_elems's cap for this family).
template <typename S, int NIN, int MAX_ELEMS = 16, typename F>
cudaError_t launch_same(const THCIter &it, cudaStream_t stream, const F &f) {
  constexpr int V = vec_elems<S, MAX_ELEMS>();
  if (vec_fits<S, NIN, V>(it)) {
    const int64_t nvec = it.numel / V;
    vec_kernel<S, NIN, V, F><<<grid_for(nvec > 0 ? nvec : 1), kThreads, 0, stream>>>(
        (S *)it.data[0], operand<S>(it, 1), operand<S>(it, 2), operand<S>(it, 3), it.numel, f);
    return cudaGetLastError();
  }
  return launch_general<S, S, S, S, NIN>(it, stream, f);
}

// A bool output, inputs of dtype S.
template <typename S, int NIN, typename F>
cudaError_t launch_bool_out(const THCIter &it, cudaStream_t stream, const F &f) {
  return launch_general<bool, S, S, S, NIN>(it, stream, f);
}

// ---------------------------------------------------------------- dtype switches

// case labels running the statement(s) given with S typedef'd to each dtype's storage type
#define THC_PW_FLOAT_CASES(...)                          \
  case TH_F32: { typedef float S; __VA_ARGS__; }         \
  case TH_F64: { typedef double S; __VA_ARGS__; }        \
  case TH_F16: { typedef thc::Half S; __VA_ARGS__; }     \
  case TH_BF16: { typedef thc::BFloat16 S; __VA_ARGS__; }
#define THC_PW_INT_CASES(...)                            \
  case TH_I8: { typedef int8_t S; __VA_ARGS__; }         \
  case TH_I16: { typedef int16_t S; __VA_ARGS__; }       \
  case TH_I32: { typedef int32_t S; __VA_ARGS__; }       \
  case TH_I64: { typedef int64_t S; __VA_ARGS__; }       \
  case TH_U8: { typedef uint8_t S; __VA_ARGS__; }
#define THC_PW_BOOL_CASE(...) \
  case TH_BOOL: { typedef bool S; __VA_ARGS__; }

// ---------------------------------------------------------------- the families

// Each runs the ops of THOps.def that THCPointwise.cu's router sends it, for the dtype of
// operand 1; the router has already checked that the op supports that dtype.
cudaError_t launch_common_unary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_common_binary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_int_binary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_ternary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_where_select(const THCIter &it, cudaStream_t s);
cudaError_t launch_float_unary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_float_special(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_float_binary(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_predicate(int op, const THCIter &it, const THCParams &p, cudaStream_t s);
cudaError_t launch_compare(int op, const THCIter &it, const THCParams &p, cudaStream_t s);

} // namespace pw
} // namespace thc

#endif
