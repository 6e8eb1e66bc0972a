// THCCopy.cu: the CUDA kernels behind copy_ (dtype conversion within a device), fill_ and
// arange/linspace/logspace, plus the probe kernel THC_init launches.
//
// Copies between devices never reach these kernels: lib/TH stages them so that the bytes
// cross as one contiguous block of one dtype (a cudaMemcpyAsync in THCPointwise.c).
#include "THCDevice.cuh"

using namespace thc;

static __global__ void probe_kernel() {}

extern "C" cudaError_t THC_probeKernel(void) {
  probe_kernel<<<1, 1>>>();
  cudaError_t e = cudaGetLastError();
  return e != cudaSuccess ? e : cudaDeviceSynchronize();
}

template <typename D, typename S, typename I>
static __global__ void cast_kernel(char *out, const char *in, OffsetCalc<2, I> calc, I n) {
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)blockDim.x * gridDim.x) {
    int64_t off[2];
    calc.get(i, off);
    *(D *)(out + off[0]) = Store<D>::from(to_acc(*(const S *)(in + off[1])));
  }
}

template <typename D, typename S>
static cudaError_t cast_typed(const THCIter &it, cudaStream_t stream) {
  if (it.numel <= INT32_MAX) {
    cast_kernel<D, S, uint32_t><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], it.data[1], OffsetCalc<2, uint32_t>(it), (uint32_t)it.numel);
  } else {
    cast_kernel<D, S, uint64_t><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], it.data[1], OffsetCalc<2, uint64_t>(it), (uint64_t)it.numel);
  }
  return cudaGetLastError();
}

template <typename D> static cudaError_t cast_to(const THCIter &it, cudaStream_t stream) {
  THC_DTYPE_CASES(it.dtypes[1], return (cast_typed<D, S>(it, stream)));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchCast(const THCIter *it, cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  THC_DTYPE_CASES(it->dtypes[0], return cast_to<S>(*it, stream));
  return cudaSuccess;
}

template <typename S, typename I>
static __global__ void fill_kernel(char *out, OffsetCalc<1, I> calc, I n, S v) {
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < n; i += (I)blockDim.x * gridDim.x) {
    int64_t off[1];
    calc.get(i, off);
    *(S *)(out + off[0]) = v;
  }
}

/* The value in the storage type, converted on the host exactly as a store would. */
template <typename S> static S host_value(THScalar v) {
  return v.kind == TH_KIND_INT ? (S)v.i : (S)v.f;
}
template <> Half host_value<Half>(THScalar v) {
  return Half{th_float2half((float)(v.kind == TH_KIND_INT ? (double)v.i : v.f))};
}
template <> BFloat16 host_value<BFloat16>(THScalar v) {
  return BFloat16{th_float2bfloat16((float)(v.kind == TH_KIND_INT ? (double)v.i : v.f))};
}
template <> bool host_value<bool>(THScalar v) {
  return v.kind == TH_KIND_INT ? v.i != 0 : v.f != 0;
}

template <typename S> static cudaError_t fill_typed(const THCIter &it, THScalar v, cudaStream_t stream) {
  S value = host_value<S>(v);
  if (it.numel <= INT32_MAX)
    fill_kernel<S, uint32_t><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], OffsetCalc<1, uint32_t>(it), (uint32_t)it.numel, value);
  else
    fill_kernel<S, uint64_t><<<grid_for(it.numel), kThreads, 0, stream>>>(
        it.data[0], OffsetCalc<1, uint64_t>(it), (uint64_t)it.numel, value);
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchFill(const THCIter *it, THScalar v, cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  THC_DTYPE_CASES(it->dtypes[0], return fill_typed<S>(*it, v, stream));
  return cudaSuccess;
}

/* linspace/logspace step in the element's own arithmetic type for floats and in double for
 * integers, as lib/TH and PyTorch do. */
template <typename S> struct RangeStep { typedef double type; };
template <> struct RangeStep<float> { typedef float type; };
template <> struct RangeStep<Half> { typedef float type; };
template <> struct RangeStep<BFloat16> { typedef float type; };

/* mode 0: start + i*step in double (arange); 1: linspace, the first half stepping up from
 * start and the second half down from the end; 2: logspace, base to the linspace value. */
template <typename S>
static __global__ void range_kernel(S *out, int64_t n, double start, double step, double base,
                                    int mode) {
  typedef typename RangeStep<S>::type T;
  const T st = (T)step, s0 = (T)start, s1 = (T)(start + step * (double)(n - 1));
  const int64_t half = n / 2;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)blockDim.x * gridDim.x) {
    if (mode == 0) {
      out[i] = Store<S>::from(start + step * (double)i);
    } else {
      T v = i < half ? s0 + st * (T)i : s1 - st * (T)(n - 1 - i);
      out[i] = mode == 1 ? Store<S>::from(v) : Store<S>::from(pow(base, (double)v));
    }
  }
}

extern "C" cudaError_t THC_launchRange(void *data, int dtype, int64_t n, double start,
                                       double step, double base, int mode, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  THC_DTYPE_CASES(dtype, (range_kernel<S><<<grid_for(n), kThreads, 0, stream>>>(
                              (S *)data, n, start, step, base, mode)));
  return cudaGetLastError();
}
