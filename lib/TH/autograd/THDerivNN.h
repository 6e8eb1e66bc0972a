/* THDerivNN.h: recording for the neural-network entry points of lib/TH/THNN.c; their backward
 * formulas are in THDerivNN.c (not part of the public API).
 *
 * A forward op of THNN.h (convolution, the poolings, softmax/log_softmax, the norms,
 * embedding and the losses) records one node when grad mode is on and an input requires
 * grad.  Its entry point brackets the body with THNNRec_begin, which decides, refuses inputs
 * that are not differentiable (a loss's weight) and turns grad mode off for the body, and one
 * of the THNNRec_<op> functions below, which turn grad mode back on and record the node with
 * the arguments its formula needs.  Each takes the body's status and results, and on a
 * recording failure frees the results and returns TH_ERROR (NULL).
 *
 * The backward functions of THNN.h record nothing themselves: the formulas call them with
 * grad mode off, and while building a graph (create_graph) they record the nodes of the
 * backward ops (ConvolutionBackwardBackward0, ...) over their results, so gradients of any
 * order can be taken.
 */
#ifndef TH_DERIV_NN_H
#define TH_DERIV_NN_H

#include "../THNN.h"

typedef struct {
  bool rec; /* this call records */
  bool was; /* grad mode before the call */
} THNNRec;

/* op: the user-facing name for errors; nondiff: bits of the inputs that may not require grad
 * (names[i] names input i).  TH_ERROR when such an input requires grad. */
TH_API int THNNRec_begin(THNNRec *g, const char *op, int n, const THTensor *const *in,
                         unsigned nondiff, const char *const *names);

TH_API THTensor *THNNRec_convolution(THNNRec *g, THTensor *r, const THTensor *input,
                                     const THTensor *weight, const THTensor *bias,
                                     const THNNConvParams *p);
/* sd: spatial dims (1 or 2).  *output and *indices as the body left them (either pointer may
 * be NULL: then the result is only recorded, or freed). */
TH_API int THNNRec_maxPool(THNNRec *g, int rc, int sd, const THTensor *input, THTensor *out,
                           THTensor *ind, THTensor **output, THTensor **indices);
TH_API THTensor *THNNRec_avgPool(THNNRec *g, THTensor *r, int sd, const THTensor *input,
                                 const THNNPoolParams *p);
TH_API THTensor *THNNRec_adaptivePool(THNNRec *g, THTensor *r, int sd, const THTensor *input,
                                      const int64_t *output_size);
TH_API THTensor *THNNRec_softmax(THNNRec *g, THTensor *r, const THTensor *input, int dim,
                                 bool log);
TH_API int THNNRec_batchNorm(THNNRec *g, int rc, const THTensor *input, const THTensor *weight,
                             const THTensor *bias, const THTensor *running_mean,
                             const THTensor *running_var, bool training, double eps,
                             THTensor *out, THTensor *mean, THTensor *invstd, THTensor **output,
                             THTensor **save_mean, THTensor **save_invstd);
TH_API int THNNRec_layerNorm(THNNRec *g, int rc, const THTensor *input, int nnorm,
                             const int64_t *normalized_shape, const THTensor *weight,
                             const THTensor *bias, double eps, THTensor *out, THTensor *mean,
                             THTensor *rstd, THTensor **output, THTensor **mean_out,
                             THTensor **rstd_out);
TH_API int THNNRec_groupNorm(THNNRec *g, int rc, const THTensor *input, int64_t num_groups,
                             const THTensor *weight, const THTensor *bias, double eps,
                             THTensor *out, THTensor *mean, THTensor *rstd, THTensor **output,
                             THTensor **mean_out, THTensor **rstd_out);
TH_API THTensor *THNNRec_embedding(THNNRec *g, THTensor *r, const THTensor *weight,
                                   const THTensor *indices, int64_t padding_idx,
                                   bool scale_grad_by_freq);
TH_API int THNNRec_nllLoss(THNNRec *g, int rc, const THTensor *input, const THTensor *target,
                           const THTensor *weight, THReduction reduction, int64_t ignore_index,
                           THTensor *out, THTensor *total_weight, THTensor **output,
                           THTensor **total_weight_out);
/* logits: binary_cross_entropy_with_logits (pos_weight read), else binary_cross_entropy. */
TH_API THTensor *THNNRec_bce(THNNRec *g, THTensor *r, bool logits, const THTensor *input,
                             const THTensor *target, const THTensor *weight,
                             const THTensor *pos_weight, THReduction reduction);

#endif
