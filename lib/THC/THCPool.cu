// THCPool.cu: the CUDA kernels of max, average and adaptive average pooling, forward and
// backward (THOps.def's pooling rows; the glue is in THCCudnn.c).
//
// cuDNN's pooling returns no argmax and clips windows its own way, so these kernels follow
// lib/TH's THCpuNNPool.c line by line: max pooling starts each window at its first in-bounds
// position by whole dilation steps, lets NaN win and records the flat index h * W + w in the
// plane; average pooling clips windows to the padded input for count_include_pad and to the
// input for the sum; adaptive windows are [floor(i in / out), ceil((i + 1) in / out)); sums
// accumulate in double.  One thread per output element (forward) or per input element
// (average backward, which gathers the windows covering it in the CPU's order, so results
// match it bit for bit); max-pool backward scatters with atomicAdd, as indices may repeat.
#include "THCCudnnKernels.h"
#include "THCDevice.cuh"

using namespace thc;

namespace {

// THNNPoolGeom's numbers in device registers.
struct Geom {
  int64_t planes, H, W, oH, oW, kH, kW, sH, sW, pH, pW, dH, dW, divisor_override;
  bool count_include_pad;
};

Geom geom_of(const THCPoolGeom &g) {
  return Geom{g.planes,     g.in_size[0],  g.in_size[1],  g.out_size[0], g.out_size[1],
              g.kernel[0],  g.kernel[1],   g.stride[0],   g.stride[1],   g.padding[0],
              g.padding[1], g.dilation[0], g.dilation[1], g.divisor_override,
              g.count_include_pad};
}

#define GRID_STRIDE(i, n)                                                      \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); \
       i += (int64_t)blockDim.x * gridDim.x)

// ---- max pooling ----

template <typename T>
__global__ void max_pool_kernel(const T *in, T *out, int64_t *indices, Geom g, int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t ow = i % g.oW, oh = (i / g.oW) % g.oH, p = i / (g.oW * g.oH);
    const T *plane = in + p * g.H * g.W;
    int64_t h0 = oh * g.sH - g.pH, w0 = ow * g.sW - g.pW;
    const int64_t h1 = min(h0 + (g.kH - 1) * g.dH + 1, g.H);
    const int64_t w1 = min(w0 + (g.kW - 1) * g.dW + 1, g.W);
    while (h0 < 0) h0 += g.dH;
    while (w0 < 0) w0 += g.dW;
    int64_t best = h0 * g.W + w0;
    T m = -INFINITY;
    for (int64_t ih = h0; ih < h1; ih += g.dH)
      for (int64_t iw = w0; iw < w1; iw += g.dW) {
        const T v = plane[ih * g.W + iw];
        if (v > m || isnan(v)) {
          m = v;
          best = ih * g.W + iw;
        }
      }
    out[i] = m;
    indices[i] = best;
  }
}

template <typename T>
__global__ void max_pool_backward_kernel(const T *grad_out, const int64_t *indices, T *grad_in,
                                         int64_t plane_in, int64_t plane_out, int64_t n,
                                         int64_t *bad) {
  GRID_STRIDE(i, n) {
    const int64_t j = indices[i];
    if (j < 0 || j >= plane_in) {
      bad[1] = j;
      bad[0] = 1;
      continue;
    }
    atomicAdd(grad_in + (i / plane_out) * plane_in + j, grad_out[i]);
  }
}

// ---- average pooling ----

// The clipped window of output (oh, ow) and its divisor; false when it is empty.
__device__ bool avg_window(const Geom &g, int64_t oh, int64_t ow, int64_t &h0, int64_t &h1,
                           int64_t &w0, int64_t &w1, double &div) {
  h0 = oh * g.sH - g.pH;
  w0 = ow * g.sW - g.pW;
  h1 = min(h0 + g.kH, g.H + g.pH);
  w1 = min(w0 + g.kW, g.W + g.pW);
  const int64_t pool_size = (h1 - h0) * (w1 - w0);
  h0 = max(h0, (int64_t)0);
  w0 = max(w0, (int64_t)0);
  h1 = min(h1, g.H);
  w1 = min(w1, g.W);
  if (h0 >= h1 || w0 >= w1) return false;
  div = g.divisor_override ? (double)g.divisor_override
        : g.count_include_pad ? (double)pool_size
                              : (double)((h1 - h0) * (w1 - w0));
  return true;
}

template <typename T>
__global__ void avg_pool_kernel(const T *in, T *out, Geom g, int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t ow = i % g.oW, oh = (i / g.oW) % g.oH, p = i / (g.oW * g.oH);
    int64_t h0, h1, w0, w1;
    double div, s = 0;
    if (!avg_window(g, oh, ow, h0, h1, w0, w1, div)) {
      out[i] = 0;
      continue;
    }
    const T *plane = in + p * g.H * g.W;
    for (int64_t ih = h0; ih < h1; ih++)
      for (int64_t iw = w0; iw < w1; iw++) s += plane[ih * g.W + iw];
    out[i] = (T)(s / div);
  }
}

// Outputs o in [lo, hi) of stride s, padding pad and window k whose window may hold input
// position x (callers check each one exactly).
__device__ void covering(int64_t x, int64_t k, int64_t s, int64_t pad, int64_t nout,
                         int64_t &lo, int64_t &hi) {
  lo = x + pad < k ? 0 : (x + pad - k) / s + 1;
  hi = min((x + pad) / s + 1, nout);
}

template <typename T>
__global__ void avg_pool_backward_kernel(const T *grad_out, T *grad_in, Geom g, int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t iw = i % g.W, ih = (i / g.W) % g.H, p = i / (g.W * g.H);
    const T *go = grad_out + p * g.oH * g.oW;
    int64_t oh0, oh1, ow0, ow1;
    covering(ih, g.kH, g.sH, g.pH, g.oH, oh0, oh1);
    covering(iw, g.kW, g.sW, g.pW, g.oW, ow0, ow1);
    T acc = 0;
    for (int64_t oh = oh0; oh < oh1; oh++)
      for (int64_t ow = ow0; ow < ow1; ow++) {
        int64_t h0, h1, w0, w1;
        double div;
        if (!avg_window(g, oh, ow, h0, h1, w0, w1, div)) continue;
        if (ih < h0 || ih >= h1 || iw < w0 || iw >= w1) continue;
        acc += (T)(go[oh * g.oW + ow] / div);
      }
    grad_in[i] = acc;
  }
}

// ---- adaptive average pooling ----

__device__ __forceinline__ int64_t adaptive_start(int64_t i, int64_t out, int64_t in) {
  return (i / out) * in + ((i % out) * in) / out;
}
__device__ __forceinline__ int64_t adaptive_end(int64_t i, int64_t out, int64_t in) {
  return 1 + ((i + 1) * in - 1) / out;
}

template <typename T>
__global__ void adaptive_pool_kernel(const T *in, T *out, Geom g, int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t ow = i % g.oW, oh = (i / g.oW) % g.oH, p = i / (g.oW * g.oH);
    const int64_t h0 = adaptive_start(oh, g.oH, g.H), h1 = adaptive_end(oh, g.oH, g.H);
    const int64_t w0 = adaptive_start(ow, g.oW, g.W), w1 = adaptive_end(ow, g.oW, g.W);
    const T *plane = in + p * g.H * g.W;
    double s = 0;
    for (int64_t ih = h0; ih < h1; ih++)
      for (int64_t iw = w0; iw < w1; iw++) s += plane[ih * g.W + iw];
    out[i] = (T)(s / (double)((h1 - h0) * (w1 - w0)));
  }
}

// Adaptive outputs [lo, hi) whose window may hold input position x: [floor(x out / in),
// ceil((x + 1) out / in)), widened by one on each side (callers check each one exactly).
__device__ void adaptive_covering(int64_t x, int64_t in, int64_t out, int64_t &lo, int64_t &hi) {
  lo = max(x * out / in - 1, (int64_t)0);
  hi = min(((x + 1) * out + in - 1) / in + 1, out);
}

template <typename T>
__global__ void adaptive_pool_backward_kernel(const T *grad_out, T *grad_in, Geom g, int64_t n) {
  GRID_STRIDE(i, n) {
    const int64_t iw = i % g.W, ih = (i / g.W) % g.H, p = i / (g.W * g.H);
    const T *go = grad_out + p * g.oH * g.oW;
    int64_t oh0, oh1, ow0, ow1;
    adaptive_covering(ih, g.H, g.oH, oh0, oh1);
    adaptive_covering(iw, g.W, g.oW, ow0, ow1);
    T acc = 0;
    for (int64_t oh = oh0; oh < oh1; oh++) {
      const int64_t h0 = adaptive_start(oh, g.oH, g.H), h1 = adaptive_end(oh, g.oH, g.H);
      if (ih < h0 || ih >= h1) continue;
      for (int64_t ow = ow0; ow < ow1; ow++) {
        const int64_t w0 = adaptive_start(ow, g.oW, g.W), w1 = adaptive_end(ow, g.oW, g.W);
        if (iw < w0 || iw >= w1) continue;
        acc += (T)(go[oh * g.oW + ow] / (double)((h1 - h0) * (w1 - w0)));
      }
    }
    grad_in[i] = acc;
  }
}

int64_t out_count(const Geom &g) { return g.planes * g.oH * g.oW; }
int64_t in_count(const Geom &g) { return g.planes * g.H * g.W; }

}  // namespace

extern "C" cudaError_t THC_launchMaxPool2d(int dtype, const THCPoolGeom *pg, const void *in,
                                           void *out, int64_t *indices, cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = out_count(g);
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (max_pool_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)in, (T *)out, indices, g, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchMaxPool2dBackward(int dtype, const THCPoolGeom *pg,
                                                   const void *grad_out, const int64_t *indices,
                                                   void *grad_in, int64_t *bad,
                                                   cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = out_count(g), plane_in = g.H * g.W, plane_out = g.oH * g.oW;
  if (dtype != TH_F32 && dtype != TH_F64) return THC_UNSUPPORTED;
  const size_t esize = dtype == TH_F32 ? sizeof(float) : sizeof(double);
  cudaError_t e = cudaMemsetAsync(grad_in, 0, (size_t)in_count(g) * esize, stream);
  if (e != cudaSuccess || n == 0) return e;
  THC_F32_F64_CASES(dtype, (max_pool_backward_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)grad_out, indices, (T *)grad_in, plane_in, plane_out,
                             n, bad)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchAvgPool2d(int dtype, const THCPoolGeom *pg, const void *in,
                                           void *out, cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = out_count(g);
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (avg_pool_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)in, (T *)out, g, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchAvgPool2dBackward(int dtype, const THCPoolGeom *pg,
                                                   const void *grad_out, void *grad_in,
                                                   cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = in_count(g);
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (avg_pool_backward_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)grad_out, (T *)grad_in, g, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchAdaptiveAvgPool2d(int dtype, const THCPoolGeom *pg,
                                                   const void *in, void *out,
                                                   cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = out_count(g);
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (adaptive_pool_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)in, (T *)out, g, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchAdaptiveAvgPool2dBackward(int dtype, const THCPoolGeom *pg,
                                                           const void *grad_out, void *grad_in,
                                                           cudaStream_t stream) {
  const Geom g = geom_of(*pg);
  const int64_t n = in_count(g);
  if (n == 0) return cudaSuccess;
  THC_F32_F64_CASES(dtype, (adaptive_pool_backward_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                             (const T *)grad_out, (T *)grad_in, g, n)));
  return cudaGetLastError();
}
