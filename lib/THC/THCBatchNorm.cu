// THCBatchNorm.cu: the CUDA kernels of native_batch_norm and its backward (the glue is in
// THCCudnn.c).
//
// Each follows lib/TH's THCpuNNNorm.c: statistics in double, two passes (the mean, then the
// centred sum of squares), save_mean and save_invstd = 1 / sqrt(var + eps) in the input's
// dtype, running stats updated as r = (1 - momentum) r + momentum stat with the unbiased
// variance.  A first kernel reduces each channel (one block per channel) and leaves per-channel
// coefficients in a double scratch array; a second applies them elementwise over (N, C, S).
#include "THCCudnnKernels.h"
#include "THCDevice.cuh"

using namespace thc;

namespace {

#define GRID_STRIDE(i, n)                                                      \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); \
       i += (int64_t)blockDim.x * gridDim.x)

// Element i of channel ch's N * S values.
template <typename T>
__device__ __forceinline__ double at(const T *x, int64_t i, int64_t ch, int64_t C, int64_t S) {
  return (double)x[((i / S) * C + ch) * S + i % S];
}

// Forward, one block per channel: the statistics, the running-stat update and coef[2 ch ..]
// = (alpha, beta) with y = x alpha + beta.
template <typename T> __global__ void bn_stats_kernel(THCBatchNormArgs a) {
  const int64_t ch = blockIdx.x, C = a.C, S = a.S, count = a.N * a.S;
  double mean, invstd;
  if (a.training) {
    const T *x = (const T *)a.x;
    double s = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) s += at(x, i, ch, C, S);
    const double cnt = (double)count;
    mean = block_sum(s) / cnt;
    double sq = 0;
    for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const double d = at(x, i, ch, C, S) - mean;
      sq += d * d;
    }
    sq = block_sum(sq);
    invstd = 1.0 / sqrt(sq / cnt + a.eps);
    if (threadIdx.x == 0) {
      ((T *)a.save_mean)[ch] = (T)mean;
      ((T *)a.save_invstd)[ch] = (T)invstd;
      if (a.running_mean) {
        T *rm = (T *)a.running_mean, *rv = (T *)a.running_var;
        rm[ch] = (T)((1 - a.momentum) * rm[ch] + a.momentum * mean);
        rv[ch] = (T)((1 - a.momentum) * rv[ch] + a.momentum * (sq / (cnt - 1)));
      }
    }
  } else {
    mean = ((const T *)a.running_mean)[ch];
    invstd = 1.0 / sqrt((double)((const T *)a.running_var)[ch] + a.eps);
  }
  if (threadIdx.x == 0) {
    const double alpha = invstd * (a.weight ? (double)((const T *)a.weight)[ch] : 1.0);
    a.coef[2 * ch] = alpha;
    a.coef[2 * ch + 1] = (a.bias ? (double)((const T *)a.bias)[ch] : 0.0) - mean * alpha;
  }
}

template <typename T>
__global__ void bn_apply_kernel(T *y, const T *x, const double *coef, int64_t C, int64_t S,
                                int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t ch = (i / S) % C;
    y[i] = x[i] * (T)coef[2 * ch] + (T)coef[2 * ch + 1];
  }
}

// Backward, one block per channel: grad_weight, grad_bias and coef[5 ch ..] = (mean, k, gm,
// invstd, w) for the input gradient.
template <typename T> __global__ void bn_backward_reduce_kernel(THCBatchNormBackwardArgs a) {
  const int64_t ch = blockIdx.x, C = a.C, S = a.S, count = a.N * a.S;
  double mean, invstd;
  if (a.training) {
    mean = ((const T *)a.save_mean)[ch];
    invstd = ((const T *)a.save_invstd)[ch];
  } else {
    mean = ((const T *)a.running_mean)[ch];
    invstd = 1.0 / sqrt((double)((const T *)a.running_var)[ch] + a.eps);
  }
  const T *x = (const T *)a.x, *go = (const T *)a.grad_out;
  double sum = 0, dot = 0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) {
    const double g = at(go, i, ch, C, S);
    sum += g;
    dot += (at(x, i, ch, C, S) - mean) * g;
  }
  sum = block_sum(sum);
  dot = block_sum(dot);
  if (threadIdx.x != 0) return;
  if (a.grad_weight) ((T *)a.grad_weight)[ch] = (T)(dot * invstd);
  if (a.grad_bias) ((T *)a.grad_bias)[ch] = (T)sum;
  const double cnt = (double)count;
  double *c = a.coef + 5 * ch;
  c[0] = mean;
  c[1] = dot * invstd * invstd / cnt;
  c[2] = sum / cnt;
  c[3] = invstd;
  c[4] = a.weight ? (double)((const T *)a.weight)[ch] : 1.0;
}

template <typename T>
__global__ void bn_backward_apply_kernel(T *gi, const T *go, const T *x, const double *coef,
                                         bool training, int64_t C, int64_t S, int64_t n) {
  GRID_STRIDE(i, n) {
    const double *c = coef + 5 * ((i / S) % C);
    if (training)
      gi[i] = (T)(((double)go[i] - ((double)x[i] - c[0]) * c[1] - c[2]) * c[3] * c[4]);
    else
      gi[i] = go[i] * (T)(c[3] * c[4]);
  }
}

}  // namespace

extern "C" cudaError_t THC_launchBatchNorm(int dtype, const THCBatchNormArgs *a,
                                           cudaStream_t stream) {
  const int64_t n = a->N * a->C * a->S;
  if (a->C == 0) return cudaSuccess;
  if (a->C > INT32_MAX) return cudaErrorInvalidValue;
  THC_F32_F64_CASES(dtype, (bn_stats_kernel<T><<<(unsigned)a->C, kThreads, 0, stream>>>(*a)));
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess || n == 0) return e;
  THC_F32_F64_CASES(dtype, (bn_apply_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (T *)a->out, (const T *)a->x, a->coef, a->C, a->S, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchBatchNormBackward(int dtype, const THCBatchNormBackwardArgs *a,
                                                   cudaStream_t stream) {
  const int64_t n = a->N * a->C * a->S;
  if (a->C == 0) return cudaSuccess;
  if (a->C > INT32_MAX) return cudaErrorInvalidValue;
  THC_F32_F64_CASES(dtype,
                  (bn_backward_reduce_kernel<T><<<(unsigned)a->C, kThreads, 0, stream>>>(*a)));
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess || n == 0 || !a->grad_input) return e;
  THC_F32_F64_CASES(dtype, (bn_backward_apply_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (T *)a->grad_input, (const T *)a->grad_out, (const T *)a->x,
                             a->coef, a->training, a->C, a->S, n)));
  return cudaGetLastError();
}
