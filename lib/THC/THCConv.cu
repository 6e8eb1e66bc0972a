// THCConv.cu: the CUDA kernels of THC's own convolution steps (the glue is THCCudnn.c).
//
// Without cuDNN, or for a geometry cuDNN rejects, a convolution runs as THCpuNNConv.c does:
// im2col unrolls an image into columns, cuBLAS multiplies them with the weight, and col2im
// folds columns back.  col2im gathers, for each image element, the columns that overlap it in
// the CPU's (kernel row, kernel column) order, so the sums match the CPU's without atomics.
// The bias is added and its gradient summed here on both paths (sums in double).
#include "THCCudnnKernels.h"
#include "THCDevice.cuh"

using namespace thc;

namespace {

#define GRID_STRIDE(i, n)                                                      \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); \
       i += (int64_t)blockDim.x * gridDim.x)

// One thread per column element (c, kh, kw, oh, ow).
template <typename T> __global__ void im2col_kernel(const T *im, T *col, THNNUnroll u, int64_t n) {
  GRID_STRIDE(i, n) {
    int64_t r = i;
    const int64_t ow = r % u.oW;
    r /= u.oW;
    const int64_t oh = r % u.oH;
    r /= u.oH;
    const int64_t kw = r % u.kW;
    r /= u.kW;
    const int64_t kh = r % u.kH, c = r / u.kH;
    const int64_t ih = oh * u.sH - u.pH + kh * u.dH, iw = ow * u.sW - u.pW + kw * u.dW;
    col[i] = ih >= 0 && ih < u.H && iw >= 0 && iw < u.W ? im[(c * u.H + ih) * u.W + iw] : T(0);
  }
}

// One thread per image element (c, ih, iw): the sum of the column entries that read it.
template <typename T> __global__ void col2im_kernel(const T *col, T *im, THNNUnroll u, int64_t n) {
  const int64_t L = u.oH * u.oW;
  GRID_STRIDE(i, n) {
    const int64_t iw = i % u.W, ih = (i / u.W) % u.H, c = i / (u.W * u.H);
    T acc = 0;
    for (int64_t kh = 0; kh < u.kH; kh++) {
      const int64_t h = ih + u.pH - kh * u.dH;
      if (h < 0 || h % u.sH != 0 || h / u.sH >= u.oH) continue;
      const int64_t oh = h / u.sH;
      for (int64_t kw = 0; kw < u.kW; kw++) {
        const int64_t w = iw + u.pW - kw * u.dW;
        if (w < 0 || w % u.sW != 0 || w / u.sW >= u.oW) continue;
        acc += col[((c * u.kH + kh) * u.kW + kw) * L + oh * u.oW + w / u.sW];
      }
    }
    im[i] = acc;
  }
}

template <typename T>
__global__ void bias_add_kernel(T *y, const T *bias, int64_t C, int64_t L, int64_t n) {
  GRID_STRIDE(i, n) y[i] += bias[(i / L) % C];
}

// One block per channel.
template <typename T>
__global__ void bias_grad_kernel(T *grad_bias, const T *grad_out, int64_t N, int64_t C,
                                 int64_t L) {
  const int64_t c = blockIdx.x;
  double s = 0;
  for (int64_t i = threadIdx.x; i < N * L; i += blockDim.x)
    s += grad_out[((i / L) * C + c) * L + i % L];
  s = block_sum(s);
  if (threadIdx.x == 0) grad_bias[c] = (T)s;
}

}  // namespace

extern "C" cudaError_t THC_launchIm2col(int dtype, const THNNUnroll *u, const void *im, void *col,
                                        cudaStream_t stream) {
  const int64_t n = u->C * u->kH * u->kW * u->oH * u->oW;
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (im2col_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)im, (T *)col, *u, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchCol2im(int dtype, const THNNUnroll *u, const void *col, void *im,
                                        cudaStream_t stream) {
  const int64_t n = u->C * u->H * u->W;
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (col2im_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)col, (T *)im, *u, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchBiasAdd(int dtype, void *y, const void *bias, int64_t N,
                                         int64_t C, int64_t L, cudaStream_t stream) {
  const int64_t n = N * C * L;
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (bias_add_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (T *)y, (const T *)bias, C, L, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchBiasGrad(int dtype, void *grad_bias, const void *grad_out,
                                          int64_t N, int64_t C, int64_t L, cudaStream_t stream) {
  if (C == 0) return cudaSuccess;
  if (C > INT32_MAX) return cudaErrorInvalidValue;
  THC_F32_F64_CASES(dtype, (bias_grad_kernel<T><<<(unsigned)C, kThreads, 0, stream>>>(
                             (T *)grad_bias, (const T *)grad_out, N, C, L)));
  return cudaGetLastError();
}
