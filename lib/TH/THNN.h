/* THNN.h: neural-network kernels, forward and backward, as plain tensor functions:
 * convolution (1-d/2-d, transposed too), max/avg/adaptive-avg pooling, softmax/log_softmax,
 * batch/layer/group normalisation, embedding, nll_loss, binary_cross_entropy (with logits).
 *
 * Each forward op has a backward function beside it, named like the forward op with
 * _backward, taking the gradient of the forward's output (grad_output) plus whatever the
 * forward saw or returned; the autograd layer calls these as the ops' backward formulas.
 *
 * Conventions (lib/TH is 0-based):
 *   - Inputs may have any strides; the results are new contiguous tensors.
 *   - Compute dtypes: float32 and float64 natively; float16 and bfloat16 inputs are computed
 *     in float32 and the results converted back.  Integer and bool inputs are rejected
 *     (except index/target tensors, which are int64 or another integer dtype).  Parameter
 *     tensors (weight, bias, running stats, ...) must have the input's dtype, or float32 when
 *     the input is float16/bfloat16.
 *   - Indices (max-pool argmax, embedding rows, nll_loss targets, padding_idx, ignore_index)
 *     are 0-based here; the Lua binding converts from/to 1-based.
 *   - Batched inputs (N, C, ...) and unbatched ones (C, ...) are both accepted where PyTorch
 *     accepts them; results keep the input's batching.
 *   - output_mask[3] says which of (grad_input, grad_weight, grad_bias) a backward computes;
 *     the pointers of unwanted results may be NULL and are set to NULL when not NULL.
 *   - On failure: TH_ERROR (or NULL) with TH_lastError() set to "[op] what is wrong, (shapes)",
 *     nothing returned, no argument modified (batch_norm's running stats included).
 *   - Autograd: the forward functions record their node (ConvolutionBackward0, ...) when grad
 *     mode is on and an input requires grad (formulas in autograd/THDerivNN.c); a loss's
 *     weight and pos_weight may not require grad.  The backward functions record nothing.
 *
 * Device kernels (NN rows of THOps.def) get validated, contiguous tensors of one compute
 * dtype (float32 or float64) and outputs already allocated; they are stored in THKernel.fn
 * with the signatures in the kernel section below.
 */
#ifndef TH_NN_H
#define TH_NN_H

#include "THMath.h"
#include "THNNUnroll.h"

/* ======================================================================= parameters */

/* How a loss is reduced over its elements (the numbering of PyTorch's at::Reduction). */
typedef enum { TH_REDUCTION_NONE = 0, TH_REDUCTION_MEAN = 1, TH_REDUCTION_SUM = 2 } THReduction;

/* Convolution parameters.  The number of spatial dims (1 or 2) is weight->ndim - 2; for one
 * spatial dim only element [0] of each array is read.  output_padding is read only when
 * transposed. */
typedef struct {
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];
  int64_t output_padding[2];
  int64_t groups;
  bool transposed;
} THNNConvParams;

#define THNN_CONV_PARAMS_DEFAULT \
  ((THNNConvParams){{1, 1}, {0, 0}, {1, 1}, {0, 0}, 1, false})

/* Pooling parameters ([0] is the height, [1] the width; the 1-d functions read [0] only).
 * A stride of 0 means "the kernel size" (PyTorch's stride=None).  dilation is read by max
 * pooling only; count_include_pad and divisor_override (0: none) by average pooling only. */
typedef struct {
  int64_t kernel[2];
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];
  bool ceil_mode;
  bool count_include_pad;
  int64_t divisor_override;
} THNNPoolParams;

#define THNN_POOL_PARAMS_DEFAULT \
  ((THNNPoolParams){{1, 1}, {0, 0}, {0, 0}, {1, 1}, false, true, 0})

/* ======================================================================= convolution */

/* Convolution (or transposed convolution when p->transposed) of input (N, C_in, [H,] W), or
 * unbatched (C_in, [H,] W), with weight (C_out, C_in / groups, [kH,] kW) — transposed:
 * (C_in, C_out / groups, [kH,] kW) — plus bias (C_out) when not NULL.  Returns (N, C_out,
 * [oH,] oW) where o = (i + 2 pad - dil (k - 1) - 1) / stride + 1, transposed:
 * o = (i - 1) stride - 2 pad + dil (k - 1) + output_padding + 1. */
TH_API THTensor *THNN_convolution(const THTensor *input, const THTensor *weight,
                                  const THTensor *bias, const THNNConvParams *p);
/* Gradients of THNN_convolution: grad_input (input's shape), grad_weight (weight's shape),
 * grad_bias (C_out), for grad_output of the forward output's shape. */
TH_API int THNN_convolution_backward(const THTensor *grad_output, const THTensor *input,
                                     const THTensor *weight, const THNNConvParams *p,
                                     const bool output_mask[3], THTensor **grad_input,
                                     THTensor **grad_weight, THTensor **grad_bias);

/* ======================================================================= pooling */

/* Max pooling of input (N, C, H, W) or (C, H, W): *output and *indices (int64, 0-based flat
 * positions h * W + w of each maximum in its input plane).  NaN counts as the maximum. */
TH_API int THNN_max_pool2d(const THTensor *input, const THNNPoolParams *p, THTensor **output,
                           THTensor **indices);
/* grad_input (input's shape): grad_output summed into the positions that indices name. */
TH_API THTensor *THNN_max_pool2d_backward(const THTensor *grad_output, const THTensor *input,
                                          const THTensor *indices);
/* The same over input (N, C, L) or (C, L); indices are positions in L. */
TH_API int THNN_max_pool1d(const THTensor *input, const THNNPoolParams *p, THTensor **output,
                           THTensor **indices);
TH_API THTensor *THNN_max_pool1d_backward(const THTensor *grad_output, const THTensor *input,
                                          const THTensor *indices);

/* Average pooling of input (N, C, H, W) or (C, H, W) (1-d: (N, C, L) or (C, L)). */
TH_API THTensor *THNN_avg_pool2d(const THTensor *input, const THNNPoolParams *p);
TH_API THTensor *THNN_avg_pool2d_backward(const THTensor *grad_output, const THTensor *input,
                                          const THNNPoolParams *p);
TH_API THTensor *THNN_avg_pool1d(const THTensor *input, const THNNPoolParams *p);
TH_API THTensor *THNN_avg_pool1d_backward(const THTensor *grad_output, const THTensor *input,
                                          const THNNPoolParams *p);

/* Adaptive average pooling to output_size[0] x output_size[1] (1-d: output_size[0]): output
 * cell i averages input rows floor(i * in / out) .. ceil((i + 1) * in / out) - 1. */
TH_API THTensor *THNN_adaptive_avg_pool2d(const THTensor *input, const int64_t output_size[2]);
TH_API THTensor *THNN_adaptive_avg_pool2d_backward(const THTensor *grad_output,
                                                   const THTensor *input);
TH_API THTensor *THNN_adaptive_avg_pool1d(const THTensor *input, int64_t output_size);
TH_API THTensor *THNN_adaptive_avg_pool1d_backward(const THTensor *grad_output,
                                                   const THTensor *input);

/* ======================================================================= softmax */

/* softmax / log_softmax of input along dim (0-based, negative from the end), computed with
 * the maximum subtracted first. */
TH_API THTensor *THNN_softmax(const THTensor *input, int dim);
TH_API THTensor *THNN_log_softmax(const THTensor *input, int dim);
/* From the forward's output y and grad_output g (same shape):
 * softmax: y * (g - sum(g * y)); log_softmax: g - exp(y) * sum(g), sums along dim. */
TH_API THTensor *THNN_softmax_backward(const THTensor *grad_output, const THTensor *output,
                                       int dim);
TH_API THTensor *THNN_log_softmax_backward(const THTensor *grad_output, const THTensor *output,
                                           int dim);

/* ======================================================================= normalisation */

/* Batch normalisation of input (N, C, *) over every dim but C.  weight/bias (C) may be NULL.
 * Training: normalises with the batch's mean and biased variance and returns them as
 * *save_mean and *save_invstd = 1 / sqrt(var + eps) (C); running_mean/running_var (C, may be
 * NULL) are updated in place: r = (1 - momentum) r + momentum * stat, with the unbiased
 * variance for running_var.  Evaluation: normalises with the running stats (required);
 * *save_mean and *save_invstd are empty (0) tensors, as in PyTorch. */
TH_API int THNN_batch_norm(const THTensor *input, const THTensor *weight, const THTensor *bias,
                           THTensor *running_mean, THTensor *running_var, bool training,
                           double momentum, double eps, THTensor **output,
                           THTensor **save_mean, THTensor **save_invstd);
/* Gradients of THNN_batch_norm (training: from save_mean/save_invstd; evaluation: from the
 * running stats and eps).  grad_weight/grad_bias are (C). */
TH_API int THNN_batch_norm_backward(const THTensor *grad_output, const THTensor *input,
                                    const THTensor *weight, const THTensor *running_mean,
                                    const THTensor *running_var, const THTensor *save_mean,
                                    const THTensor *save_invstd, bool training, double eps,
                                    const bool output_mask[3], THTensor **grad_input,
                                    THTensor **grad_weight, THTensor **grad_bias);

/* Layer normalisation over the trailing dims normalized_shape (nnorm dims, which must equal
 * input's last dims); weight/bias (normalized_shape) may be NULL.  *mean and *rstd have
 * input's leading dims followed by nnorm dims of size 1. */
TH_API int THNN_layer_norm(const THTensor *input, int nnorm, const int64_t *normalized_shape,
                           const THTensor *weight, const THTensor *bias, double eps,
                           THTensor **output, THTensor **mean, THTensor **rstd);
/* grad_weight/grad_bias have normalized_shape. */
TH_API int THNN_layer_norm_backward(const THTensor *grad_output, const THTensor *input,
                                    int nnorm, const int64_t *normalized_shape,
                                    const THTensor *mean, const THTensor *rstd,
                                    const THTensor *weight, const bool output_mask[3],
                                    THTensor **grad_input, THTensor **grad_weight,
                                    THTensor **grad_bias);

/* Group normalisation of input (N, C, *) in num_groups groups of C / num_groups channels;
 * weight/bias (C) may be NULL; *mean and *rstd are (N, num_groups). */
TH_API int THNN_group_norm(const THTensor *input, int64_t num_groups, const THTensor *weight,
                           const THTensor *bias, double eps, THTensor **output, THTensor **mean,
                           THTensor **rstd);
TH_API int THNN_group_norm_backward(const THTensor *grad_output, const THTensor *input,
                                    const THTensor *mean, const THTensor *rstd,
                                    const THTensor *weight, int64_t num_groups,
                                    const bool output_mask[3], THTensor **grad_input,
                                    THTensor **grad_weight, THTensor **grad_bias);

/* ======================================================================= embedding */

/* Rows of weight (V, D) picked by indices (any shape, integer, 0-based): (*indices, D). */
TH_API THTensor *THNN_embedding(const THTensor *weight, const THTensor *indices);
/* The same, telling autograd padding_idx (0-based, < 0: none; its row gets no gradient) and
 * scale_grad_by_freq, as the weight's gradient needs them (THNN_embedding: -1, false). */
TH_API THTensor *THNN_embedding_padded(const THTensor *weight, const THTensor *indices,
                                       int64_t padding_idx, bool scale_grad_by_freq);
/* grad_weight (num_weights, D): row i sums the rows of grad_output (*indices, D) whose index
 * is i, divided by i's count when scale_grad_by_freq; row padding_idx stays zero
 * (padding_idx < 0: none). */
TH_API THTensor *THNN_embedding_backward(const THTensor *grad_output, const THTensor *indices,
                                         int64_t num_weights, int64_t padding_idx,
                                         bool scale_grad_by_freq);

/* ======================================================================= losses */

/* Negative log likelihood of input (N, C, *) or (C) — log-probabilities — at target (N, *)
 * or () (integer class indices in [0, C), or ignore_index).  weight (C) may be NULL.
 * *output: per element (reduction none: target's shape), or the sum, or the sum divided by
 * *total_weight (0-dim: the sum of the weights of the targets not ignored; 0 for none). */
TH_API int THNN_nll_loss(const THTensor *input, const THTensor *target, const THTensor *weight,
                         THReduction reduction, int64_t ignore_index, THTensor **output,
                         THTensor **total_weight);
/* grad_input (input's shape); grad_output is 0-dim unless reduction is none. */
TH_API THTensor *THNN_nll_loss_backward(const THTensor *grad_output, const THTensor *input,
                                        const THTensor *target, const THTensor *weight,
                                        THReduction reduction, int64_t ignore_index,
                                        const THTensor *total_weight);

/* -weight * (target log(input) + (1 - target) log(1 - input)), logs clamped to >= -100;
 * input in [0, 1], target of input's shape, weight (may be NULL) broadcast to it. */
TH_API THTensor *THNN_binary_cross_entropy(const THTensor *input, const THTensor *target,
                                           const THTensor *weight, THReduction reduction);
/* *grad_input and/or *grad_target (either pointer may be NULL: not computed). */
TH_API int THNN_binary_cross_entropy_backward(const THTensor *grad_output, const THTensor *input,
                                              const THTensor *target, const THTensor *weight,
                                              THReduction reduction, THTensor **grad_input,
                                              THTensor **grad_target);
/* The same on logits x: -weight * (pos_weight target log sigmoid(x) + (1 - target)
 * log(1 - sigmoid(x))), computed stably; pos_weight (may be NULL) broadcast to input. */
TH_API THTensor *THNN_binary_cross_entropy_with_logits(const THTensor *input,
                                                       const THTensor *target,
                                                       const THTensor *weight,
                                                       const THTensor *pos_weight,
                                                       THReduction reduction);
TH_API int THNN_binary_cross_entropy_with_logits_backward(
    const THTensor *grad_output, const THTensor *input, const THTensor *target,
    const THTensor *weight, const THTensor *pos_weight, THReduction reduction,
    THTensor **grad_input, THTensor **grad_target);

/* ======================================================================= kernels
 * Every tensor a kernel gets is contiguous and of one dtype (float32 or float64; index
 * tensors int64); outputs are allocated with their final shapes; optional tensors may be
 * NULL.  Kernels return TH_OK, or TH_ERROR with a message (out of memory, a bad target or
 * index value found while reading). */

/* Geometry of a (transposed) convolution, one spatial dim given as height 1. */
typedef struct {
  int64_t batch, in_channels, out_channels, groups;
  int64_t in_size[2];  /* input H, W */
  int64_t out_size[2]; /* output H, W */
  int64_t kernel[2], stride[2], padding[2], dilation[2];
  bool transposed;
} THNNConvGeom;
/* The im2col unrolling of one sample of that convolution (THNNUnroll.h). */
TH_API THNNUnroll THNNUnroll_of(const THNNConvGeom *g);
/* out (N, C_out, oH, oW) from input (N, C_in, H, W), weight, bias (or NULL). */
typedef int (*THNNConvKernel)(THTensor *out, const THTensor *input, const THTensor *weight,
                              const THTensor *bias, const THNNConvGeom *g);
/* Any of grad_input/grad_weight/grad_bias may be NULL (not wanted). */
typedef int (*THNNConvBackwardKernel)(THTensor *grad_input, THTensor *grad_weight,
                                      THTensor *grad_bias, const THTensor *grad_output,
                                      const THTensor *input, const THTensor *weight,
                                      const THNNConvGeom *g);

/* Geometry of a pooling: planes (N * C) of in_size -> out_size; stride already defaulted;
 * 1-d pooling has height 1 (kernel 1, stride 1, padding 0, dilation 1). */
typedef struct {
  int64_t planes;
  int64_t in_size[2], out_size[2];
  int64_t kernel[2], stride[2], padding[2], dilation[2];
  bool count_include_pad;
  int64_t divisor_override;
} THNNPoolGeom;
/* Max pooling: out and indices (int64) of (planes, out_size). */
typedef int (*THNNMaxPoolKernel)(THTensor *out, THTensor *indices, const THTensor *input,
                                 const THNNPoolGeom *g);
/* grad_input (planes, in_size) <- zeros plus grad_output scattered by indices (in range). */
typedef int (*THNNMaxPoolBackwardKernel)(THTensor *grad_input, const THTensor *grad_output,
                                         const THTensor *indices, const THNNPoolGeom *g);
/* Average / adaptive average pooling and their backward (grad_input is overwritten). */
typedef int (*THNNPoolKernel)(THTensor *out, const THTensor *input, const THNNPoolGeom *g);
typedef int (*THNNPoolBackwardKernel)(THTensor *grad_input, const THTensor *grad_output,
                                      const THNNPoolGeom *g);

/* softmax over input viewed as (outer, dim, inner); log selects log_softmax. */
typedef int (*THNNSoftmaxKernel)(THTensor *out, const THTensor *input, int64_t outer,
                                 int64_t dim, int64_t inner, bool log);
typedef int (*THNNSoftmaxBackwardKernel)(THTensor *grad_input, const THTensor *grad_output,
                                         const THTensor *output, int64_t outer, int64_t dim,
                                         int64_t inner, bool log);

/* Batch norm over input viewed as (N, C, S).  Training: writes save_mean/save_invstd (C) and
 * updates running_mean/running_var (C, may be NULL) in place.  Evaluation: save_mean and
 * save_invstd are NULL and the running stats (given) normalise. */
typedef int (*THNNBatchNormKernel)(THTensor *out, THTensor *save_mean, THTensor *save_invstd,
                                   THTensor *running_mean, THTensor *running_var,
                                   const THTensor *input, const THTensor *weight,
                                   const THTensor *bias, int64_t N, int64_t C, int64_t S,
                                   bool training, double momentum, double eps);
/* Training: the full gradient through the batch statistics save_mean/save_invstd.
 * Evaluation: the running stats are constants (invstd = 1 / sqrt(running_var + eps)). */
typedef int (*THNNBatchNormBackwardKernel)(THTensor *grad_input, THTensor *grad_weight,
                                           THTensor *grad_bias, const THTensor *grad_output,
                                           const THTensor *input, const THTensor *weight,
                                           const THTensor *save_mean,
                                           const THTensor *save_invstd,
                                           const THTensor *running_mean,
                                           const THTensor *running_var, int64_t N, int64_t C,
                                           int64_t S, bool training, double eps);
/* Layer norm over input viewed as (M, D): mean/rstd (M); weight/bias (D). */
typedef int (*THNNLayerNormKernel)(THTensor *out, THTensor *mean, THTensor *rstd,
                                   const THTensor *input, const THTensor *weight,
                                   const THTensor *bias, int64_t M, int64_t D, double eps);
typedef int (*THNNLayerNormBackwardKernel)(THTensor *grad_input, THTensor *grad_weight,
                                           THTensor *grad_bias, const THTensor *grad_output,
                                           const THTensor *input, const THTensor *mean,
                                           const THTensor *rstd, const THTensor *weight,
                                           int64_t M, int64_t D);
/* Group norm over input viewed as (N, C, S) in G groups: mean/rstd (N, G); weight/bias (C). */
typedef int (*THNNGroupNormKernel)(THTensor *out, THTensor *mean, THTensor *rstd,
                                   const THTensor *input, const THTensor *weight,
                                   const THTensor *bias, int64_t N, int64_t C, int64_t S,
                                   int64_t G, double eps);
typedef int (*THNNGroupNormBackwardKernel)(THTensor *grad_input, THTensor *grad_weight,
                                           THTensor *grad_bias, const THTensor *grad_output,
                                           const THTensor *input, const THTensor *mean,
                                           const THTensor *rstd, const THTensor *weight,
                                           int64_t N, int64_t C, int64_t S, int64_t G);

/* out (n, D) <- rows of weight (V, D) at indices (n, int64; checked against V here). */
typedef int (*THNNEmbeddingKernel)(THTensor *out, const THTensor *weight,
                                   const THTensor *indices);
/* grad_weight (V, D, zeroed by the kernel) from grad_output (n, D) and indices (n, int64, in
 * range); padding_idx < 0: none. */
typedef int (*THNNEmbeddingBackwardKernel)(THTensor *grad_weight, const THTensor *grad_output,
                                           const THTensor *indices, int64_t padding_idx,
                                           bool scale_grad_by_freq);

/* nll_loss over input viewed as (N, C, S), target (N, S) int64 (checked here, ignore_index
 * excepted); out: (N, S) for none, else 0-dim; total_weight 0-dim. */
typedef int (*THNNNllLossKernel)(THTensor *out, THTensor *total_weight, const THTensor *input,
                                 const THTensor *target, const THTensor *weight, int64_t N,
                                 int64_t C, int64_t S, THReduction reduction,
                                 int64_t ignore_index);
typedef int (*THNNNllLossBackwardKernel)(THTensor *grad_input, const THTensor *grad_output,
                                         const THTensor *target, const THTensor *weight,
                                         const THTensor *total_weight, int64_t N, int64_t C,
                                         int64_t S, THReduction reduction,
                                         int64_t ignore_index);
/* Binary cross entropy over n elements (input, target, weight and pos_weight all of the
 * input's shape; weight/pos_weight may be NULL); out: input's shape for none, else 0-dim.
 * The plain form checks 0 <= input <= 1. */
typedef int (*THNNBceKernel)(THTensor *out, const THTensor *input, const THTensor *target,
                             const THTensor *weight, const THTensor *pos_weight,
                             THReduction reduction);
typedef int (*THNNBceBackwardKernel)(THTensor *grad_input, THTensor *grad_target,
                                     const THTensor *grad_output, const THTensor *input,
                                     const THTensor *target, const THTensor *weight,
                                     const THTensor *pos_weight, THReduction reduction);

#endif
