// THCReduceDevice.cuh: what the REDUCE and SCAN kernel files (THCReduce.cu,
// THCReduceSelect.cu, THCScan.cu) share beyond THCDevice.cuh: the wide arithmetic type of a
// dtype, integer arithmetic that wraps as lib/TH's does, the float-dtype switch, and the
// device's multiprocessor count for sizing grids.
#ifndef THC_REDUCE_DEVICE_CUH
#define THC_REDUCE_DEVICE_CUH

#include <type_traits>
#include "THCDevice.cuh"
#include "THCReduceKernels.h"

namespace thc {

// The type reductions compare and accumulate a dtype in: float for float32 and the 16-bit
// floats, double for float64, int64 for integers and bool.
template <typename S> struct Wide { typedef int64_t type; };
template <> struct Wide<float> { typedef float type; };
template <> struct Wide<double> { typedef double type; };
template <> struct Wide<Half> { typedef float type; };
template <> struct Wide<BFloat16> { typedef float type; };
template <typename S> constexpr bool is_floating() {
  return std::is_floating_point<typename Wide<S>::type>::value;
}

__device__ __forceinline__ float absval(float v) { return fabsf(v); }
__device__ __forceinline__ double absval(double v) { return fabs(v); }
// integer arithmetic wraps (as THCpuLoops.h's TH_ADD / TH_MUL); floats as usual
__device__ __forceinline__ int64_t plus(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}
__device__ __forceinline__ float plus(float a, float b) { return a + b; }
__device__ __forceinline__ double plus(double a, double b) { return a + b; }
__device__ __forceinline__ int64_t times(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a * (uint64_t)b);
}
__device__ __forceinline__ float times(float a, float b) { return a * b; }
__device__ __forceinline__ double times(double a, double b) { return a * b; }

/* Runs BODY with S the storage type of a floating dtype. */
#define THC_FLOAT_DTYPE_CASES(DT, BODY)                     \
  switch (DT) {                                             \
  case TH_F32: { typedef float S; BODY; } break;            \
  case TH_F64: { typedef double S; BODY; } break;           \
  case TH_F16: { typedef thc::Half S; BODY; } break;        \
  case TH_BF16: { typedef thc::BFloat16 S; BODY; } break;   \
  default: return THC_UNSUPPORTED;                          \
  }

// Multiprocessors of the current device.
inline cudaError_t multiprocessors(int *count) {
  int dev;
  cudaError_t e = cudaGetDevice(&dev);
  return e != cudaSuccess ? e : cudaDeviceGetAttribute(count, cudaDevAttrMultiProcessorCount, dev);
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace thc

#endif
