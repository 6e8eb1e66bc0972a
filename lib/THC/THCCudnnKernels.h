/* THCCudnnKernels.h: the plain-C boundary of THC's convolution, pooling and batch-norm kernels
 * (internal).
 *
 * THCCudnn.c (the glue, which runs cuDNN and cuBLAS itself) launches these for what the
 * libraries do not do the way lib/TH's CPU kernels do: pooling with PyTorch's flat argmax
 * indices and window rules, batch norm with double statistics, and the im2col / col2im / bias
 * steps of the convolution path that needs no cuDNN.  Every tensor is contiguous, of dtype
 * TH_F32 or TH_F64 (THNN.c computes float16/bfloat16 in float32), on the current device; each
 * launcher returns the launch status, or THC_UNSUPPORTED for another dtype.
 */
#ifndef THC_CUDNN_KERNELS_H
#define THC_CUDNN_KERNELS_H

#include <stdbool.h>
#include "THCKernels.h"
#include "THNNUnroll.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pooling (THCPool.cu): THNNPoolGeom's fields ---- */
typedef struct {
  int64_t planes;
  int64_t in_size[2], out_size[2];
  int64_t kernel[2], stride[2], padding[2], dilation[2];
  bool count_include_pad;
  int64_t divisor_override;
} THCPoolGeom;

/* out and indices (planes, out_size) from in (planes, in_size). */
cudaError_t THC_launchMaxPool2d(int dtype, const THCPoolGeom *g, const void *in, void *out,
                                int64_t *indices, cudaStream_t stream);
/* grad_in (planes, in_size) <- zeros, then grad_out summed at indices; an index outside its
 * plane is skipped and recorded in bad (device memory, zeroed by the caller): bad[0] = 1,
 * bad[1] = the index. */
cudaError_t THC_launchMaxPool2dBackward(int dtype, const THCPoolGeom *g, const void *grad_out,
                                        const int64_t *indices, void *grad_in, int64_t *bad,
                                        cudaStream_t stream);
cudaError_t THC_launchAvgPool2d(int dtype, const THCPoolGeom *g, const void *in, void *out,
                                cudaStream_t stream);
cudaError_t THC_launchAvgPool2dBackward(int dtype, const THCPoolGeom *g, const void *grad_out,
                                        void *grad_in, cudaStream_t stream);
cudaError_t THC_launchAdaptiveAvgPool2d(int dtype, const THCPoolGeom *g, const void *in,
                                        void *out, cudaStream_t stream);
cudaError_t THC_launchAdaptiveAvgPool2dBackward(int dtype, const THCPoolGeom *g,
                                                const void *grad_out, void *grad_in,
                                                cudaStream_t stream);

/* ---- convolution helpers (THCConv.cu) ---- */

/* col <- the image unrolled into columns (THNNUnroll.h), as THCpuNNConv.c does. */
cudaError_t THC_launchIm2col(int dtype, const THNNUnroll *u, const void *im, void *col,
                             cudaStream_t stream);
/* im (overwritten) <- the columns folded back, overlaps summed in kernel order. */
cudaError_t THC_launchCol2im(int dtype, const THNNUnroll *u, const void *col, void *im,
                             cudaStream_t stream);
/* y (N, C, L) += bias (C). */
cudaError_t THC_launchBiasAdd(int dtype, void *y, const void *bias, int64_t N, int64_t C,
                              int64_t L, cudaStream_t stream);
/* grad_bias (C) <- the sum of grad_out (N, C, L) over N and L. */
cudaError_t THC_launchBiasGrad(int dtype, void *grad_bias, const void *grad_out, int64_t N,
                               int64_t C, int64_t L, cudaStream_t stream);

/* ---- batch norm (THCBatchNorm.cu), input viewed as (N, C, S) ---- */
typedef struct {
  void *out;
  const void *x, *weight, *bias;           /* weight, bias may be NULL */
  void *running_mean, *running_var;        /* may be NULL in training */
  void *save_mean, *save_invstd;           /* training only */
  double *coef;                            /* scratch: 2 C doubles */
  int64_t N, C, S;
  bool training;
  double momentum, eps;
} THCBatchNormArgs;

typedef struct {
  void *grad_input, *grad_weight, *grad_bias; /* any may be NULL */
  const void *grad_out, *x, *weight;          /* weight may be NULL */
  const void *save_mean, *save_invstd;        /* training */
  const void *running_mean, *running_var;     /* evaluation */
  double *coef;                               /* scratch: 5 C doubles */
  int64_t N, C, S;
  bool training;
  double eps;
} THCBatchNormBackwardArgs;

cudaError_t THC_launchBatchNorm(int dtype, const THCBatchNormArgs *a, cudaStream_t stream);
cudaError_t THC_launchBatchNormBackward(int dtype, const THCBatchNormBackwardArgs *a,
                                        cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
