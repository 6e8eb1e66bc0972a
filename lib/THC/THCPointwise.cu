// THCPointwise.cu: the CUDA kernels of THOps.def's POINTWISE rows.
//
// One kernel template per arity runs any op functor over a THCIter.  Two shapes of launch:
// "flat" (one dim, every operand contiguous or a broadcast number: plain index arithmetic,
// several elements per thread) and general (per-element offsets from OffsetCalc).  Results
// follow lib/TH's CPU kernels: integers wrap, float16/bfloat16 compute in float, and ops
// whose result is bool (comparisons, predicates) store bool.
#include "THCDevice.cuh"

using namespace thc;

namespace {

// The op's scalar parameter in the arithmetic type A.
template <typename A> __device__ __forceinline__ A param(const THScalar &s) {
  return s.kind == TH_KIND_FLOAT ? (A)s.f : (A)s.i;
}
template <> __device__ __forceinline__ float param<float>(const THScalar &s) {
  return s.kind == TH_KIND_FLOAT ? (float)s.f : (float)s.i;
}
template <> __device__ __forceinline__ double param<double>(const THScalar &s) {
  return s.kind == TH_KIND_FLOAT ? s.f : (double)s.i;
}

// An input operand: device data with a byte stride, or a number carried by value.
template <typename S> struct In {
  const char *data;
  S value;
};

template <typename S> __device__ __forceinline__ S load(const In<S> &in, int64_t off) {
  return in.data ? *(const S *)(in.data + off) : in.value;
}

template <typename S> static In<S> make_in(const THCIter &it, int k) {
  In<S> in;
  in.data = it.data[k];
  memcpy(&in.value, &it.scalar[k], sizeof(S));
  return in;
}

template <int N> struct Ins;
template <typename SO, typename SI, typename F, typename I, int N>
__global__ void pointwise_kernel(char *out, In<SI> a, In<SI> b, In<SI> c, OffsetCalc<N, I> calc,
                                 I n, F f, THCParams p) {
  typedef typename Acc<SI>::type A;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)blockDim.x * gridDim.x) {
    int64_t off[N];
    calc.get(i, off);
    A x = to_acc(load(a, off[1]));
    A y = N > 2 ? (A)to_acc(load(b, off[2 % N])) : A();
    A z = N > 3 ? (A)to_acc(load(c, off[3 % N])) : A();
    *(SO *)(out + off[0]) = Store<SO>::from(f(x, y, z, p));
  }
}

// Flat: element i of operand k lives at i * stride_k (its element size, or 0 for a number).
template <typename SO, typename SI, typename F, int N>
__global__ void pointwise_flat_kernel(SO *out, In<SI> a, In<SI> b, In<SI> c, int64_t sa,
                                      int64_t sb, int64_t sc, int64_t n, F f, THCParams p) {
  typedef typename Acc<SI>::type A;
  constexpr int kUnroll = 4;
  int64_t base = ((int64_t)blockIdx.x * blockDim.x) * kUnroll + threadIdx.x;
  int64_t step = (int64_t)gridDim.x * blockDim.x * kUnroll;
  for (; base < n; base += step) {
#pragma unroll
    for (int u = 0; u < kUnroll; u++) {
      int64_t i = base + (int64_t)u * blockDim.x;
      if (i < n) {
        A x = to_acc(load(a, i * sa));
        A y = N > 2 ? (A)to_acc(load(b, i * sb)) : A();
        A z = N > 3 ? (A)to_acc(load(c, i * sc)) : A();
        out[i] = Store<SO>::from(f(x, y, z, p));
      }
    }
  }
}

template <typename SO, typename SI, int N, typename F>
cudaError_t launch(const THCIter &it, const THCParams &p, cudaStream_t stream, F f) {
  In<SI> a = make_in<SI>(it, 1);
  In<SI> b = N > 2 ? make_in<SI>(it, 2) : a;
  In<SI> c = N > 3 ? make_in<SI>(it, 3) : a;
  bool flat = it.ndim <= 1 && (it.ndim == 0 || it.strides[0][0] == (int64_t)sizeof(SO));
  for (int k = 1; k < N && flat; k++)
    flat = it.ndim == 0 || !it.data[k] || it.strides[k][0] == (int64_t)sizeof(SI) ||
           it.strides[k][0] == 0;
  if (flat) {
    int64_t s[4] = {0, 0, 0, 0};
    for (int k = 1; k < N; k++) s[k] = it.ndim == 0 || !it.data[k] ? 0 : it.strides[k][0];
    pointwise_flat_kernel<SO, SI, F, N><<<grid_for(it.numel, 4), kThreads, 0, stream>>>(
        (SO *)it.data[0], a, b, c, s[1], s[2], s[3], it.numel, f, p);
  } else if (it.numel <= INT32_MAX) {
    pointwise_kernel<SO, SI, F, uint32_t, N><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], a, b, c, OffsetCalc<N, uint32_t>(it), (uint32_t)it.numel, f, p);
  } else {
    pointwise_kernel<SO, SI, F, uint64_t, N><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], a, b, c, OffsetCalc<N, uint64_t>(it), (uint64_t)it.numel, f, p);
  }
  return cudaGetLastError();
}

// ---- dtype sets: F runs for the compute dtype of operand 1 ----
enum Set { kFloat = 1, kInt = 2, kBool = 4, kAll = 7, kNumeric = 3 };

template <int SET, int N, bool BOOL_OUT, typename F>
cudaError_t run(const THCIter &it, const THCParams &p, cudaStream_t stream, F f) {
  int dt = it.dtypes[N > 1 ? 1 : 0];
#define THC_CASE(ID, S, KIND)                                                     \
  case ID:                                                                        \
    if (SET & KIND) {                                                             \
      if (BOOL_OUT) return launch<bool, S, N>(it, p, stream, f);                 \
      return launch<S, S, N>(it, p, stream, f);                                   \
    }                                                                             \
    break;
  switch (dt) {
    THC_CASE(TH_F32, float, kFloat)
    THC_CASE(TH_F64, double, kFloat)
    THC_CASE(TH_F16, Half, kFloat)
    THC_CASE(TH_BF16, BFloat16, kFloat)
    THC_CASE(TH_I8, int8_t, kInt)
    THC_CASE(TH_I16, int16_t, kInt)
    THC_CASE(TH_I32, int32_t, kInt)
    THC_CASE(TH_I64, int64_t, kInt)
    THC_CASE(TH_U8, uint8_t, kInt)
    THC_CASE(TH_BOOL, bool, kBool)
  default: break;
  }
#undef THC_CASE
  return THC_UNSUPPORTED;
}

// ---- op functors: (x, y, z, params) in the arithmetic type ----
#define THC_OP2(NAME, EXPR)                                                          \
  struct NAME {                                                                      \
    template <typename A> __device__ __forceinline__ A operator()(A a, A b, A, const THCParams &p) const { \
      (void)p;                                                                       \
      return EXPR;                                                                   \
    }                                                                                \
  };

THC_OP2(AddOp, a + param<A>(p.alpha) * b)
THC_OP2(SubOp, a - param<A>(p.alpha) * b)
THC_OP2(MulOp, a * b)
THC_OP2(DivOp, a / b)

}  // namespace

extern "C" cudaError_t THC_launchPointwise(int op, const THCIter *it, const THCParams *p,
                                           cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  switch (op) {
  case THC_OP_add: return run<kNumeric, 3, false>(*it, *p, stream, AddOp());
  case THC_OP_sub: return run<kNumeric, 3, false>(*it, *p, stream, SubOp());
  case THC_OP_mul: return run<kAll, 3, false>(*it, *p, stream, MulOp());
  case THC_OP_div: return run<kFloat, 3, false>(*it, *p, stream, DivOp());
  default: return THC_UNSUPPORTED;
  }
}
