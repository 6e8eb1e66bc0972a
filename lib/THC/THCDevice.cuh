/* THCDevice.cuh: device-side helpers every THC kernel file shares (internal, CUDA C++).
 *
 * - the storage and arithmetic types per dtype, and loads/stores that convert float16 and
 *   bfloat16 with round-to-nearest-even (as lib/TH does on the CPU);
 * - OffsetCalc: byte offsets of every operand of a THCIter from a flat index;
 * - launch geometry for grid-stride loops.
 */
#ifndef THC_DEVICE_CUH
#define THC_DEVICE_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>
#include "THCKernels.h"

namespace thc {

struct Half {
  uint16_t x;
};
struct BFloat16 {
  uint16_t x;
};

/* Storage type S of each dtype and the type A arithmetic runs in (as THDtype.h's ACC column,
 * except that integers keep their own width where that cannot change a result). */
template <typename S> struct Acc { typedef S type; };
template <> struct Acc<Half> { typedef float type; };
template <> struct Acc<BFloat16> { typedef float type; };

__device__ __forceinline__ float to_acc(Half h) { return __half2float(__ushort_as_half(h.x)); }
__device__ __forceinline__ float to_acc(BFloat16 b) {
  return __bfloat162float(__ushort_as_bfloat16(b.x));
}
template <typename S> __device__ __forceinline__ S to_acc(S v) { return v; }

template <typename S> struct Store {
  template <typename A> __device__ __forceinline__ static S from(A v) { return (S)v; }
};
template <> struct Store<Half> {
  template <typename A> __device__ __forceinline__ static Half from(A v) {
    return Half{__half_as_ushort(__float2half_rn((float)v))};
  }
};
template <> struct Store<BFloat16> {
  template <typename A> __device__ __forceinline__ static BFloat16 from(A v) {
    return BFloat16{__bfloat16_as_ushort(__float2bfloat16_rn((float)v))};
  }
};
template <> struct Store<bool> {
  template <typename A> __device__ __forceinline__ static bool from(A v) { return v != 0; }
};

/* Runs F with the storage type of a dtype id: F::template run<S>(args...). */
#define THC_DTYPE_CASES(DT, BODY)                       \
  switch (DT) {                                         \
  case TH_F32: { typedef float S; BODY; } break;        \
  case TH_F64: { typedef double S; BODY; } break;       \
  case TH_F16: { typedef thc::Half S; BODY; } break;    \
  case TH_BF16: { typedef thc::BFloat16 S; BODY; } break; \
  case TH_I8: { typedef int8_t S; BODY; } break;        \
  case TH_I16: { typedef int16_t S; BODY; } break;      \
  case TH_I32: { typedef int32_t S; BODY; } break;      \
  case TH_I64: { typedef int64_t S; BODY; } break;      \
  case TH_U8: { typedef uint8_t S; BODY; } break;       \
  case TH_BOOL: { typedef bool S; BODY; } break;        \
  default: return THC_UNSUPPORTED;                      \
  }

/* Runs BODY with T = float or double for TH_F32 / TH_F64, the dtypes lib/TH's NN kernels
 * compute in (THNN.c hands float16/bfloat16 over as float32). */
#define THC_F32_F64_CASES(DT, BODY)              \
  switch (DT) {                                  \
  case TH_F32: { typedef float T; BODY; } break;  \
  case TH_F64: { typedef double T; BODY; } break; \
  default: return THC_UNSUPPORTED;                \
  }

/* Byte offsets of up to N operands for a flat index over the iteration shape (dim 0
 * innermost).  Index type I is uint32_t when numel fits, which makes the divisions cheap. */
template <int N, typename I> struct OffsetCalc {
  int ndim;
  I shape[TH_MAX_DIMS];
  int64_t strides[N][TH_MAX_DIMS];

  __host__ explicit OffsetCalc(const THCIter &it) {
    ndim = it.ndim;
    for (int d = 0; d < it.ndim; d++) {
      shape[d] = (I)it.shape[d];
      for (int k = 0; k < N; k++) strides[k][d] = k < it.noperands ? it.strides[k][d] : 0;
    }
  }
  __device__ __forceinline__ void get(I linear, int64_t *off) const {
#pragma unroll
    for (int k = 0; k < N; k++) off[k] = 0;
    for (int d = 0; d < ndim; d++) {
      I q = linear / shape[d], r = linear - q * shape[d];
      linear = q;
#pragma unroll
      for (int k = 0; k < N; k++) off[k] += (int64_t)r * strides[k][d];
    }
  }
};

constexpr int kThreads = 256;

/* Blocks for a grid-stride loop over n elements: enough to fill the device several times. */
inline unsigned grid_for(int64_t n, int per_thread = 1) {
  int64_t blocks = (n + (int64_t)kThreads * per_thread - 1) / ((int64_t)kThreads * per_thread);
  const int64_t cap = 65535LL * 32;
  return (unsigned)(blocks < 1 ? 1 : blocks > cap ? cap : blocks);
}

/* The sum of v over the block, returned to every thread.  blockDim.x must be a multiple of
 * 32 (at most 1024) and every thread of the block must call it; calls may follow each other. */
template <typename A> __device__ A block_sum(A v) {
  __shared__ A partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  __syncthreads(); /* a previous call may still be reading partial[0] */
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    A r = lane < nwarps ? partial[lane] : A(0);
    for (int o = 16; o > 0; o >>= 1) r += __shfl_down_sync(0xffffffffu, r, o);
    if (lane == 0) partial[0] = r;
  }
  __syncthreads();
  return partial[0];
}

}  // namespace thc

#endif
