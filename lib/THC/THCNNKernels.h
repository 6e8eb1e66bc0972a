/* THCNNKernels.h: the plain-C boundary of the NN kernels (THCNN.c <-> THCNNNorm.cu and
 * THCNNLoss.cu): softmax/log_softmax, layer and group norm, embedding, nll_loss and the binary
 * cross entropies, forward and backward.
 *
 * The glue hands over what lib/TH's THNN.c hands to every device kernel: contiguous tensors
 * of one compute dtype (TH_F32 or TH_F64; index tensors int64), outputs already allocated,
 * optional operands NULL.  The argument structs mirror the CPU kernels' contexts
 * (THCpuNNNorm.c's NormCtx, THCpuNNLoss.c's LossCtx) so the two read side by side.  Scratch
 * space (partial sums, per-channel sums, counts, the bad-value marker) is allocated by the
 * glue through THC's caching allocator.
 *
 * Bad values found while reading (an index or target out of range, a probability outside
 * [0, 1]) are never dereferenced: the kernel lowers *bad to the smallest such position (the
 * glue sets it to UINT64_MAX first, reads it back once and reports the CPU's message).
 */
#ifndef THC_NN_KERNELS_H
#define THC_NN_KERNELS_H

#include <stdbool.h>
#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No bad position was found. */
#define THC_NO_BAD UINT64_MAX

/* ---- softmax over input viewed as (outer, n, inner) ---- */
cudaError_t THC_launchSoftmax(void *out, const void *x, int dtype, int64_t outer, int64_t n,
                              int64_t inner, bool log, cudaStream_t stream);
cudaError_t THC_launchSoftmaxBackward(void *grad_input, const void *grad_output,
                                      const void *output, int dtype, int64_t outer, int64_t n,
                                      int64_t inner, bool log, cudaStream_t stream);

/* ---- layer norm (M rows of D) and group norm ((N, C, S) in G groups) ---- */
typedef struct {
  int dtype;
  const void *x, *w, *b, *go; /* w, b: NULL when absent */
  const void *mean, *rstd;    /* backward: the forward's statistics */
  void *out, *smean, *srstd;  /* forward: output and statistics */
  void *gi, *gw, *gb;         /* backward: NULL when not wanted */
  int64_t M, D;               /* layer norm */
  int64_t N, C, S, G;         /* group norm */
  double eps;
  double *ds, *db; /* group norm backward: N * C sums each (scratch) */
} THCNormArgs;

cudaError_t THC_launchLayerNorm(const THCNormArgs *a, cudaStream_t stream);
cudaError_t THC_launchLayerNormBackward(const THCNormArgs *a, cudaStream_t stream);
cudaError_t THC_launchGroupNorm(const THCNormArgs *a, cudaStream_t stream);
cudaError_t THC_launchGroupNormBackward(const THCNormArgs *a, cudaStream_t stream);

/* ---- embedding ---- */
/* out (n, D) <- rows of weight (V, D) at ix (n); elem_size: bytes of one element (any
 * dtype); a bad index lowers *bad to its position and its row is not written. */
cudaError_t THC_launchEmbedding(void *out, const void *weight, const int64_t *ix, int64_t n,
                                int64_t V, int64_t D, int elem_size, uint64_t *bad,
                                cudaStream_t stream);
/* Checks ix (n) against V (lowering *bad) and, when counts (V, zeroed) is not NULL, counts
 * each index. */
cudaError_t THC_launchEmbeddingCheck(const int64_t *ix, int64_t n, int64_t V, int64_t *counts,
                                     uint64_t *bad, cudaStream_t stream);
/* grad_weight (V, D, already zeroed) += rows of grad_output (n, D) at ix (in range), but for
 * padding_idx (< 0: none); divided by counts[ix] when counts is not NULL. */
cudaError_t THC_launchEmbeddingBackward(void *grad_weight, const void *grad_output,
                                        const int64_t *ix, const int64_t *counts, int dtype,
                                        int64_t n, int64_t D, int64_t padding_idx,
                                        cudaStream_t stream);

/* ---- losses ---- */
typedef struct {
  int dtype;
  const void *x, *t, *w, *pw, *go; /* t: int64 targets (nll) or the input's dtype (bce) */
  const void *tw;                  /* nll backward, mean: the 0-dim total weight */
  void *out, *total_weight;        /* forward */
  void *gi, *gt;                   /* backward: NULL when not wanted */
  int64_t n;                       /* bce: elements */
  int64_t N, C, S;                 /* nll: input viewed as (N, C, S) */
  int reduction;                   /* THReduction: 0 none, 1 mean, 2 sum */
  int64_t ignore_index;
  double *part;  /* forward: 2 * THC_LOSS_PARTS partial sums (scratch) */
  uint64_t *bad; /* the smallest bad position, or THC_NO_BAD */
} THCLossArgs;

/* THReduction's numbering (THNN.h; THCNN.c checks that they agree). */
enum { THC_REDUCTION_NONE = 0, THC_REDUCTION_MEAN = 1, THC_REDUCTION_SUM = 2 };

/* Blocks of a loss's first reduction stage: as many partial sums of each kind. */
#define THC_LOSS_PARTS 512

cudaError_t THC_launchNllLoss(const THCLossArgs *a, cudaStream_t stream);
cudaError_t THC_launchNllLossBackward(const THCLossArgs *a, cudaStream_t stream);
/* logits: binary_cross_entropy_with_logits; else the plain form (which checks 0 <= x <= 1) */
cudaError_t THC_launchBce(const THCLossArgs *a, bool logits, cudaStream_t stream);
cudaError_t THC_launchBceBackward(const THCLossArgs *a, bool logits, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
