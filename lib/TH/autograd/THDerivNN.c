/* THDerivNN.c: autograd for the neural-network ops of lib/TH/THNN.h: the recording called by
 * their entry points (THDerivNN.h) and one backward formula per op.
 *
 * A formula calls the op's backward function of THNN.h.  Without a graph being built that is
 * all.  While one is (create_graph), the backward function's results are recorded as a node
 * of the backward op (ConvolutionBackwardBackward0, MaxPool2DWithIndicesBackwardBackward0,
 * ...), whose formula is built from recorded ops again (a convolution's double backward is
 * made of convolutions and convolution backwards, a pooling's of the pooling or a gather, a
 * loss's of the loss), so gradients of any order can be taken.  The norms and the binary
 * cross entropies instead build their first gradient from recorded pointwise ops and
 * reductions while a graph is being built (PyTorch's infinitely differentiable forms).
 *
 * Integer arguments travel in the node's ints (documented per row), eps in params.alpha.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "THAutogradViews.h"
#include "THDerivNN.h"
#include "THDerivSort.h"
#include "../THIndex.h"

/* ======================================================================= rows */

static void d_convolution(THGradCtx *c);
static void d_convolution_backward(THGradCtx *c);
static void d_max_pool2d_with_indices(THGradCtx *c);
static void d_max_pool2d_with_indices_backward(THGradCtx *c);
static void d_avg_pool2d(THGradCtx *c);
static void d_avg_pool2d_backward(THGradCtx *c);
static void d_adaptive_avg_pool2d(THGradCtx *c);
static void d_adaptive_avg_pool2d_backward(THGradCtx *c);
static void d_softmax(THGradCtx *c);
static void d_softmax_backward_data(THGradCtx *c);
static void d_log_softmax(THGradCtx *c);
static void d_log_softmax_backward_data(THGradCtx *c);
static void d_native_batch_norm(THGradCtx *c);
static void d_native_layer_norm(THGradCtx *c);
static void d_native_group_norm(THGradCtx *c);
static void d_embedding(THGradCtx *c);
static void d_embedding_dense_backward(THGradCtx *c);
static void d_nll_loss(THGradCtx *c);
static void d_nll_loss_backward(THGradCtx *c);
static void d_binary_cross_entropy(THGradCtx *c);
static void d_binary_cross_entropy_with_logits(THGradCtx *c);

enum {
  R_CONV, R_CONV_BW, R_MAXPOOL, R_MAXPOOL_BW, R_AVGPOOL, R_AVGPOOL_BW, R_ADAPTIVE,
  R_ADAPTIVE_BW, R_SOFTMAX, R_SOFTMAX_BW, R_LOG_SOFTMAX, R_LOG_SOFTMAX_BW, R_BATCH_NORM,
  R_LAYER_NORM, R_GROUP_NORM, R_EMBEDDING, R_EMBEDDING_BW, R_NLL, R_NLL_BW, R_BCE, R_BCEL,
  R_COUNT
};

static THDerivative rows[R_COUNT] = {
    /* ints: stride[2], padding[2], dilation[2], output_padding[2], groups, transposed */
    [R_CONV] = TH_DERIV_ROW(convolution, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    /* inputs (grad_output, input, weight), outputs (grad_input, grad_weight, grad_bias) */
    [R_CONV_BW] = TH_DERIV_ROW(convolution_backward, TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    /* ints: spatial dims; output 1: the indices */
    [R_MAXPOOL] = TH_DERIV_ROW(max_pool2d_with_indices, TH_SAVE_IN(0) | TH_SAVE_OUT(1)),
    /* inputs (grad_output, indices, input) */
    [R_MAXPOOL_BW] = TH_DERIV_ROW(max_pool2d_with_indices_backward, TH_SAVE_IN(1)),
    /* ints: spatial dims, kernel[2], stride[2], padding[2], ceil_mode, count_include_pad,
     * divisor_override */
    [R_AVGPOOL] = TH_DERIV_ROW(avg_pool2d, TH_SAVE_IN(0)),
    /* inputs (grad_output, input): the input's gradient is zero, as in PyTorch */
    [R_AVGPOOL_BW] = TH_DERIV_ROW(avg_pool2d_backward, 0),
    /* ints: spatial dims, output_size[2] */
    [R_ADAPTIVE] = TH_DERIV_ROW(adaptive_avg_pool2d, TH_SAVE_IN(0)),
    [R_ADAPTIVE_BW] = TH_DERIV_ROW(adaptive_avg_pool2d_backward, 0),
    /* ints: dim (0-based, as given); the backward rows' inputs are (grad_output, output) */
    [R_SOFTMAX] = TH_DERIV_ROW(softmax, TH_SAVE_OUT(0)),
    [R_SOFTMAX_BW] = TH_DERIV_ROW(softmax_backward_data, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    [R_LOG_SOFTMAX] = TH_DERIV_ROW(log_softmax, TH_SAVE_OUT(0)),
    [R_LOG_SOFTMAX_BW] = TH_DERIV_ROW(log_softmax_backward_data, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    /* inputs (input, weight, bias, running_mean, running_var), outputs (output, save_mean,
     * save_invstd); ints: training (1 here; the evaluation row is below) */
    [R_BATCH_NORM] = TH_DERIV_ROW(native_batch_norm,
                                  TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_OUT(1) | TH_SAVE_OUT(2)),
    /* inputs (input, weight, bias), outputs (output, mean, rstd); ints: nnorm,
     * normalized_shape... */
    [R_LAYER_NORM] = TH_DERIV_ROW(native_layer_norm,
                                  TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_OUT(1) | TH_SAVE_OUT(2)),
    /* the same; ints: num_groups */
    [R_GROUP_NORM] = TH_DERIV_ROW(native_group_norm,
                                  TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_OUT(1) | TH_SAVE_OUT(2)),
    /* inputs (weight, indices); ints: num_weights, padding_idx (< 0: none),
     * scale_grad_by_freq */
    [R_EMBEDDING] = TH_DERIV_ROW(embedding, TH_SAVE_IN(1)),
    /* inputs (grad_output, indices) */
    [R_EMBEDDING_BW] = TH_DERIV_ROW(embedding_dense_backward, TH_SAVE_IN(1)),
    /* inputs (input, target, weight), outputs (loss, total_weight); ints: reduction,
     * ignore_index */
    [R_NLL] = TH_DERIV_ROW(nll_loss, TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_IN(2) | TH_SAVE_OUT(1)),
    /* inputs (grad_output, target, weight, input) */
    [R_NLL_BW] = TH_DERIV_ROW(nll_loss_backward, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    /* inputs (input, target, weight[, pos_weight]); ints: reduction */
    [R_BCE] = TH_DERIV_ROW(binary_cross_entropy, TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    [R_BCEL] = TH_DERIV_ROW(binary_cross_entropy_with_logits,
                            TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_IN(2) | TH_SAVE_IN(3)),
};

/* batch norm in evaluation mode saves the running stats instead of the batch's */
static THDerivative batch_norm_eval_row = {
    -3, "NativeBatchNormBackward0", TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_IN(3) | TH_SAVE_IN(4),
    d_native_batch_norm, NULL, NULL};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, R_COUNT);
}

/* ======================================================================= recording */

int THNNRec_begin(THNNRec *g, const char *op, int n, const THTensor *const *in, unsigned nondiff,
                  const char *const *names) {
  g->rec = THAutograd_wanted(n, in);
  g->was = false;
  if (!g->rec) return TH_OK;
  for (int i = 0; i < n; i++)
    if ((nondiff >> i & 1u) && in[i] && in[i]->requires_grad) {
      g->rec = false;
      return TH_setError("[%s] the function is not differentiable with respect to argument '%s': "
                         "this input cannot have requires_grad true", op, names[i]);
    }
  g->was = true;
  THAutograd_setEnabled(false);
  return TH_OK;
}

static void rec_restore(THNNRec *g) {
  if (g->was) THAutograd_setEnabled(true);
  g->was = false;
}

/* Restores grad mode, then records row over the results when the call records. */
static int rec_node(THNNRec *g, const THDerivative *row, int nin, const THTensor *const *in,
                    int nout, THTensor *const *outs, const int64_t *ints, int nints, double eps,
                    const char *name) {
  rec_restore(g);
  if (!g->rec) return TH_OK;
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = THScalar_fromDouble(eps);
  THRecordArgs a = {.params = &p, .ints = ints, .nints = nints, .name = name};
  return THAutograd_record(row, nin, in, nout, outs, &a);
}

/* The one-result form: r, or NULL after freeing r when recording fails. */
static THTensor *rec_one(THNNRec *g, THTensor *r, const THDerivative *row, int nin,
                         const THTensor *const *in, const int64_t *ints, int nints, double eps) {
  if (!r) {
    rec_restore(g);
    return NULL;
  }
  if (rec_node(g, row, nin, in, 1, &r, ints, nints, eps, NULL) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

/* Hands the results outs[0..n) of a multi-result call to the caller's pointers (freeing those
 * not asked for), or frees them all when rc says the call failed. */
static int hand_out(int rc, int n, THTensor **outs, THTensor **dst[]) {
  for (int i = 0; i < n; i++) {
    if (dst[i]) *dst[i] = NULL;
    if (rc == TH_OK && dst[i]) *dst[i] = outs[i];
    else THTensor_free(outs[i]);
  }
  return rc;
}

static void pack_conv(const THNNConvParams *p, int64_t *ints) {
  for (int i = 0; i < 2; i++) {
    ints[i] = p->stride[i];
    ints[2 + i] = p->padding[i];
    ints[4 + i] = p->dilation[i];
    ints[6 + i] = p->output_padding[i];
  }
  ints[8] = p->groups;
  ints[9] = p->transposed;
}

static THNNConvParams unpack_conv(const int64_t *ints) {
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  for (int i = 0; i < 2; i++) {
    p.stride[i] = ints[i];
    p.padding[i] = ints[2 + i];
    p.dilation[i] = ints[4 + i];
    p.output_padding[i] = ints[6 + i];
  }
  p.groups = ints[8];
  p.transposed = ints[9] != 0;
  return p;
}

THTensor *THNNRec_convolution(THNNRec *g, THTensor *r, const THTensor *input,
                              const THTensor *weight, const THTensor *bias,
                              const THNNConvParams *p) {
  int64_t ints[10];
  pack_conv(p, ints);
  const THTensor *in[3] = {input, weight, bias};
  return rec_one(g, r, &rows[R_CONV], 3, in, ints, 10, 0);
}

int THNNRec_maxPool(THNNRec *g, int rc, int sd, const THTensor *input, THTensor *out,
                    THTensor *ind, THTensor **output, THTensor **indices) {
  THTensor *outs[2] = {out, ind};
  int64_t ints[1] = {sd};
  bool rec = g->rec;
  if (rc == TH_OK) rc = rec_node(g, &rows[R_MAXPOOL], 1, &input, 2, outs, ints, 1, 0, NULL);
  else rec_restore(g);
  if (rc == TH_OK && rec && indices) {
    /* the node keeps the indices it saved: the caller gets its own copy (the Lua binding
     * turns them 1-based in place) */
    THTensor *copy = THTensor_clone(ind);
    THTensor_free(ind);
    if (!copy) rc = TH_ERROR;
    outs[1] = copy;
  }
  THTensor **dst[2] = {output, indices};
  return hand_out(rc, 2, outs, dst);
}

static void pack_pool(int sd, const THNNPoolParams *p, int64_t *ints) {
  ints[0] = sd;
  for (int i = 0; i < 2; i++) {
    ints[1 + i] = p->kernel[i];
    ints[3 + i] = p->stride[i];
    ints[5 + i] = p->padding[i];
  }
  ints[7] = p->ceil_mode;
  ints[8] = p->count_include_pad;
  ints[9] = p->divisor_override;
}

static THNNPoolParams unpack_pool(const int64_t *ints) {
  THNNPoolParams p = THNN_POOL_PARAMS_DEFAULT;
  for (int i = 0; i < 2; i++) {
    p.kernel[i] = ints[1 + i];
    p.stride[i] = ints[3 + i];
    p.padding[i] = ints[5 + i];
  }
  p.ceil_mode = ints[7] != 0;
  p.count_include_pad = ints[8] != 0;
  p.divisor_override = ints[9];
  return p;
}

THTensor *THNNRec_avgPool(THNNRec *g, THTensor *r, int sd, const THTensor *input,
                          const THNNPoolParams *p) {
  int64_t ints[10];
  pack_pool(sd, p, ints);
  return rec_one(g, r, &rows[R_AVGPOOL], 1, &input, ints, 10, 0);
}

THTensor *THNNRec_adaptivePool(THNNRec *g, THTensor *r, int sd, const THTensor *input,
                               const int64_t *output_size) {
  int64_t ints[3] = {sd, output_size[0], sd == 2 ? output_size[1] : 0};
  return rec_one(g, r, &rows[R_ADAPTIVE], 1, &input, ints, 3, 0);
}

THTensor *THNNRec_softmax(THNNRec *g, THTensor *r, const THTensor *input, int dim, bool log) {
  int64_t ints[1] = {dim};
  return rec_one(g, r, &rows[log ? R_LOG_SOFTMAX : R_SOFTMAX], 1, &input, ints, 1, 0);
}

int THNNRec_batchNorm(THNNRec *g, int rc, const THTensor *input, const THTensor *weight,
                      const THTensor *bias, const THTensor *running_mean,
                      const THTensor *running_var, bool training, double eps, THTensor *out,
                      THTensor *mean, THTensor *invstd, THTensor **output, THTensor **save_mean,
                      THTensor **save_invstd) {
  THTensor *outs[3] = {out, mean, invstd};
  const THTensor *in[5] = {input, weight, bias, running_mean, running_var};
  int64_t ints[1] = {training};
  if (rc == TH_OK)
    rc = rec_node(g, training ? &rows[R_BATCH_NORM] : &batch_norm_eval_row, 5, in, 3, outs, ints,
                  1, eps, NULL);
  else rec_restore(g);
  THTensor **dst[3] = {output, save_mean, save_invstd};
  return hand_out(rc, 3, outs, dst);
}

int THNNRec_layerNorm(THNNRec *g, int rc, const THTensor *input, int nnorm,
                      const int64_t *normalized_shape, const THTensor *weight,
                      const THTensor *bias, double eps, THTensor *out, THTensor *mean,
                      THTensor *rstd, THTensor **output, THTensor **mean_out,
                      THTensor **rstd_out) {
  THTensor *outs[3] = {out, mean, rstd};
  const THTensor *in[3] = {input, weight, bias};
  int64_t ints[TH_MAX_DIMS + 1];
  ints[0] = nnorm;
  for (int i = 0; i < nnorm && i < TH_MAX_DIMS; i++) ints[1 + i] = normalized_shape[i];
  if (rc == TH_OK)
    rc = rec_node(g, &rows[R_LAYER_NORM], 3, in, 3, outs, ints, 1 + nnorm, eps, NULL);
  else rec_restore(g);
  THTensor **dst[3] = {output, mean_out, rstd_out};
  return hand_out(rc, 3, outs, dst);
}

int THNNRec_groupNorm(THNNRec *g, int rc, const THTensor *input, int64_t num_groups,
                      const THTensor *weight, const THTensor *bias, double eps, THTensor *out,
                      THTensor *mean, THTensor *rstd, THTensor **output, THTensor **mean_out,
                      THTensor **rstd_out) {
  THTensor *outs[3] = {out, mean, rstd};
  const THTensor *in[3] = {input, weight, bias};
  int64_t ints[1] = {num_groups};
  if (rc == TH_OK) rc = rec_node(g, &rows[R_GROUP_NORM], 3, in, 3, outs, ints, 1, eps, NULL);
  else rec_restore(g);
  THTensor **dst[3] = {output, mean_out, rstd_out};
  return hand_out(rc, 3, outs, dst);
}

THTensor *THNNRec_embedding(THNNRec *g, THTensor *r, const THTensor *weight,
                            const THTensor *indices, int64_t padding_idx, bool scale_grad_by_freq) {
  int64_t ints[3] = {weight->ndim == 2 ? weight->size[0] : 0, padding_idx, scale_grad_by_freq};
  const THTensor *in[2] = {weight, indices};
  return rec_one(g, r, &rows[R_EMBEDDING], 2, in, ints, 3, 0);
}

int THNNRec_nllLoss(THNNRec *g, int rc, const THTensor *input, const THTensor *target,
                    const THTensor *weight, THReduction reduction, int64_t ignore_index,
                    THTensor *out, THTensor *total_weight, THTensor **output,
                    THTensor **total_weight_out) {
  THTensor *outs[2] = {out, total_weight};
  const THTensor *in[3] = {input, target, weight};
  int64_t ints[2] = {reduction, ignore_index};
  /* PyTorch names the node of an input with spatial dims after nll_loss2d */
  const char *name = input->ndim >= 3 ? "NllLoss2DBackward0" : NULL;
  if (rc == TH_OK) rc = rec_node(g, &rows[R_NLL], 3, in, 2, outs, ints, 2, 0, name);
  else rec_restore(g);
  THTensor **dst[2] = {output, total_weight_out};
  return hand_out(rc, 2, outs, dst);
}

THTensor *THNNRec_bce(THNNRec *g, THTensor *r, bool logits, const THTensor *input,
                      const THTensor *target, const THTensor *weight, const THTensor *pos_weight,
                      THReduction reduction) {
  const THTensor *in[4] = {input, target, weight, pos_weight};
  int64_t ints[1] = {reduction};
  return rec_one(g, r, &rows[logits ? R_BCEL : R_BCE], logits ? 4 : 3, in, ints, 1, 0);
}

/* ======================================================================= formula helpers */

/* Saved input i, or NULL when the op was called without it (an optional weight or bias). */
static THTensor *opt_saved(THGradCtx *c, int i) {
  if (c->failed || ag_meta(c, i)->is_number) return NULL;
  return SAVED(i);
}

/* The gradient of output i, or NULL when none flowed into it. */
static THTensor *opt_grad(THGradCtx *c, int i) { return c->failed ? NULL : c->gout[i]; }

/* Zeros for input i when it wants a gradient: the backward ops below do not depend on the
 * forward's input values (PyTorch's zeros_like(self)). */
static void set_zero(THGradCtx *c, int i) {
  if (NEEDS(i)) SET(i, ag_zerosLike(c, ag_meta(c, i)));
}

/* Keeps a result that may legitimately be NULL (not computed). */
static THTensor *keep_opt(THGradCtx *c, THTensor *t) { return t ? ag_keep(c, t) : NULL; }

/* Records `row` over the results of a backward function computed with grad mode off, when a
 * graph is being built and an input requires grad (rec).  Marks c failed on error. */
static void rec_backward(THGradCtx *c, bool rec, const THDerivative *row, int nin,
                         const THTensor *const *in, int nout, THTensor *const *outs,
                         const int64_t *ints, int nints) {
  if (!rec || c->failed) return;
  for (int i = 0; i < nout; i++)
    if (!outs[i]) {
      ag_fail(c);
      return;
    }
  THRecordArgs a = {.ints = ints, .nints = nints};
  if (THAutograd_record(row, nin, in, nout, outs, &a) != TH_OK) ag_fail(c);
}

/* Whether a backward call records (wanted), with grad mode turned off for its body. */
static bool bw_begin(int n, const THTensor *const *in) {
  bool rec = THAutograd_wanted(n, in);
  if (rec) THAutograd_setEnabled(false);
  return rec;
}
static void bw_end(bool rec) {
  if (rec) THAutograd_setEnabled(true);
}

static bool all_present(THGradCtx *c, int n, THTensor *const *t) {
  for (int i = 0; i < n; i++)
    if (!t[i]) {
      ag_fail(c);
      return false;
    }
  return !c->failed;
}

/* t summed over dims[0..nd) (t itself when nd is 0: no dims, not all of them). */
static THTensor *sum_dims(THGradCtx *c, THTensor *t, int nd, const int *dims, bool keepdim) {
  if (!t || c->failed) return ag_keep(c, NULL);
  if (nd == 0) return t;
  return ag_sum(c, t, nd, dims, keepdim);
}

/* t summed along dim (0-based, negative from the end), kept; a 0-dim t is its own sum. */
static THTensor *sum_dim(THGradCtx *c, THTensor *t, int64_t dim) {
  if (!t || c->failed) return ag_keep(c, NULL);
  if (t->ndim == 0) return t;
  int d = (int)(dim < 0 ? dim + t->ndim : dim);
  return ag_sum(c, t, 1, &d, true);
}

/* ======================================================================= convolution */

/* Gradients of convolution(x, w) for g into r[i] where mask[i].  While a graph is being
 * built, all three are computed and recorded as ConvolutionBackwardBackward0. */
static void conv_bw(THGradCtx *c, THTensor *g, THTensor *x, THTensor *w, const int64_t *ints,
                    const bool mask[3], THTensor *r[3]) {
  r[0] = r[1] = r[2] = NULL;
  THTensor *args[3] = {g, x, w};
  if (!all_present(c, 3, args)) return;
  THNNConvParams p = unpack_conv(ints);
  const THTensor *in[3] = {g, x, w};
  bool rec = bw_begin(3, in);
  static const bool all[3] = {true, true, true};
  THTensor *o[3] = {NULL, NULL, NULL};
  int rc = THNN_convolution_backward(g, x, w, &p, rec ? all : mask, &o[0], &o[1], &o[2]);
  bw_end(rec);
  if (rc != TH_OK) {
    ag_fail(c);
    return;
  }
  for (int i = 0; i < 3; i++) o[i] = keep_opt(c, o[i]);
  rec_backward(c, rec, &rows[R_CONV_BW], 3, in, 3, o, ints, 10);
  for (int i = 0; i < 3; i++) r[i] = mask[i] ? o[i] : NULL;
}

static void d_convolution(THGradCtx *c) {
  bool mask[3] = {NEEDS(0), NEEDS(1), NEEDS(2)};
  THTensor *r[3];
  conv_bw(c, G(0), SAVED(0), SAVED(1), INTS, mask, r);
  for (int i = 0; i < 3; i++)
    if (mask[i]) SET(i, r[i]);
}

/* The gradient (gi, gw, gb) of a convolution B(x, w) (+ b) is linear in g: gi = B_x*(g; w),
 * gw = B_w*(g; x), gb = sum(g).  So for incoming ggi, ggw, ggb:
 *   d/dg = B(ggi, w) + B(x, ggw) + ggb (expanded),
 *   d/dx = B_x*(g; ggw) (grad_input of convolution_backward(g, x, ggw)),
 *   d/dw = B_w*(g; ggi) (grad_weight of convolution_backward(g, ggi, w)). */
static void d_convolution_backward(THGradCtx *c) {
  THTensor *ggi = opt_grad(c, 0), *ggw = opt_grad(c, 1), *ggb = opt_grad(c, 2);
  THTensor *g = SAVED(0), *x = SAVED(1), *w = SAVED(2);
  if (c->failed) return;
  THNNConvParams p = unpack_conv(INTS);
  if (NEEDS(0)) {
    THTensor *acc = NULL;
    if (ggi) acc = ag_keep(c, THNN_convolution(ggi, w, NULL, &p));
    if (ggw) {
      THTensor *t = ag_keep(c, THNN_convolution(x, ggw, NULL, &p));
      acc = acc ? ADD(acc, t) : t;
    }
    if (ggb) {
      const THInputMeta *m = ag_meta(c, 0);
      int64_t s[TH_MAX_DIMS];
      for (int d = 0; d < m->ndim; d++) s[d] = 1;
      s[m->ndim == w->ndim ? 1 : 0] = ggb->size[0];
      THTensor *t = ag_expand(c, ag_reshape(c, ggb, m->ndim, s), m->ndim, m->size);
      acc = acc ? ADD(acc, t) : t;
    }
    if (acc) SET(0, acc);
  }
  THTensor *r[3];
  if (NEEDS(1) && ggw) {
    static const bool m[3] = {true, false, false};
    conv_bw(c, g, x, ggw, INTS, m, r);
    SET(1, r[0]);
  }
  if (NEEDS(2) && ggi) {
    static const bool m[3] = {false, true, false};
    conv_bw(c, g, ggi, w, INTS, m, r);
    SET(2, r[1]);
  }
}

/* ======================================================================= pooling */

/* max pooling: the gradient goes to the positions the indices name */
static THTensor *max_pool_bw(THGradCtx *c, THTensor *g, THTensor *x, THTensor *ind, int sd) {
  THTensor *args[3] = {g, x, ind};
  if (!all_present(c, 3, args)) return NULL;
  const THTensor *in[3] = {g, ind, x};
  bool rec = bw_begin(3, in);
  THTensor *r = ag_keep(c, sd == 2 ? THNN_max_pool2d_backward(g, x, ind)
                                   : THNN_max_pool1d_backward(g, x, ind));
  bw_end(rec);
  int64_t ints[1] = {sd};
  rec_backward(c, rec, &rows[R_MAXPOOL_BW], 3, in, 1, &r, ints, 1);
  return r;
}

static void d_max_pool2d_with_indices(THGradCtx *c) {
  SET(0, max_pool_bw(c, G(0), SAVED(0), THDeriv_indices(c, 1), (int)INTS[0]));
}

/* The backward scatters g by the indices, so its gradient gathers: ggi's planes read at the
 * indices. */
static void d_max_pool2d_with_indices_backward(THGradCtx *c) {
  set_zero(c, 2);
  if (!NEEDS(0)) return;
  THTensor *ggi = G(0), *ind = SAVED(1);
  if (c->failed) return;
  int sd = (int)INTS[0], lead = ggi->ndim - sd;
  int64_t gs[TH_MAX_DIMS], is[TH_MAX_DIMS];
  for (int d = 0; d < lead; d++) gs[d] = is[d] = ggi->size[d];
  gs[lead] = is[lead] = 1;
  for (int d = lead; d < ggi->ndim; d++) {
    gs[lead] *= ggi->size[d];
    is[lead] *= ind->size[d];
  }
  THTensor *gf = ag_reshape(c, ggi, lead + 1, gs);
  THTensor *idf = ag_keep(c, THTensor_reshape(ind, lead + 1, is));
  THTensor *r = gf && idf ? ag_keep(c, THTensor_gather(NULL, gf, lead, idf)) : NULL;
  SET(0, ag_reshape(c, r, ind->ndim, ind->size));
}

static THTensor *pool_call(int sd, const THTensor *t, const THNNPoolParams *p) {
  return sd == 2 ? THNN_avg_pool2d(t, p) : THNN_avg_pool1d(t, p);
}

static void d_avg_pool2d(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0);
  if (c->failed) return;
  int sd = (int)INTS[0];
  THNNPoolParams p = unpack_pool(INTS);
  const THTensor *in[2] = {g, x};
  bool rec = bw_begin(2, in);
  THTensor *r = ag_keep(c, sd == 2 ? THNN_avg_pool2d_backward(g, x, &p)
                                   : THNN_avg_pool1d_backward(g, x, &p));
  bw_end(rec);
  rec_backward(c, rec, &rows[R_AVGPOOL_BW], 2, in, 1, &r, INTS, c->node->nints);
  SET(0, r);
}

/* the backward is the pooling's transpose, so its gradient is the pooling again */
static void d_avg_pool2d_backward(THGradCtx *c) {
  set_zero(c, 1);
  if (!NEEDS(0)) return;
  THTensor *ggi = G(0);
  if (c->failed) return;
  THNNPoolParams p = unpack_pool(INTS);
  SET(0, ag_keep(c, pool_call((int)INTS[0], ggi, &p)));
}

static void d_adaptive_avg_pool2d(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0);
  if (c->failed) return;
  const THTensor *in[2] = {g, x};
  bool rec = bw_begin(2, in);
  THTensor *r = ag_keep(c, INTS[0] == 2 ? THNN_adaptive_avg_pool2d_backward(g, x)
                                        : THNN_adaptive_avg_pool1d_backward(g, x));
  bw_end(rec);
  rec_backward(c, rec, &rows[R_ADAPTIVE_BW], 2, in, 1, &r, INTS, 3);
  SET(0, r);
}

static void d_adaptive_avg_pool2d_backward(THGradCtx *c) {
  set_zero(c, 1);
  if (!NEEDS(0)) return;
  THTensor *ggi = G(0);
  if (c->failed) return;
  SET(0, ag_keep(c, INTS[0] == 2 ? THNN_adaptive_avg_pool2d(ggi, INTS + 1)
                                 : THNN_adaptive_avg_pool1d(ggi, INTS[1])));
}

/* ======================================================================= softmax */

static THTensor *softmax_bw(THGradCtx *c, THTensor *g, THTensor *y, int64_t dim, bool log) {
  THTensor *args[2] = {g, y};
  if (!all_present(c, 2, args)) return NULL;
  const THTensor *in[2] = {g, y};
  bool rec = bw_begin(2, in);
  THTensor *r = ag_keep(c, log ? THNN_log_softmax_backward(g, y, (int)dim)
                               : THNN_softmax_backward(g, y, (int)dim));
  bw_end(rec);
  int64_t ints[1] = {dim};
  rec_backward(c, rec, &rows[log ? R_LOG_SOFTMAX_BW : R_SOFTMAX_BW], 2, in, 1, &r, ints, 1);
  return r;
}

static void d_softmax(THGradCtx *c) { SET(0, softmax_bw(c, G(0), RESULT(0), INTS[0], false)); }
static void d_log_softmax(THGradCtx *c) { SET(0, softmax_bw(c, G(0), RESULT(0), INTS[0], true)); }

/* gi = y (g - sum(g y)):  d/dg = y (ggi - sum(ggi y)), the same backward of ggi;
 * d/dy = g (ggi - sum(ggi y)) - ggi sum(g y) */
static void d_softmax_backward_data(THGradCtx *c) {
  THTensor *ggi = G(0), *g = SAVED(0), *y = SAVED(1);
  int64_t dim = INTS[0];
  if (NEEDS(0)) SET(0, softmax_bw(c, ggi, y, dim, false));
  if (NEEDS(1)) {
    THTensor *a = MUL(g, SUB(ggi, sum_dim(c, MUL(ggi, y), dim)));
    SET(1, SUB(a, MUL(ggi, sum_dim(c, MUL(g, y), dim))));
  }
}

/* gi = g - exp(y) sum(g):  d/dg = ggi - sum(ggi exp(y));  d/dy = -ggi exp(y) sum(g) */
static void d_log_softmax_backward_data(THGradCtx *c) {
  THTensor *ggi = G(0), *g = SAVED(0), *y = SAVED(1);
  int64_t dim = INTS[0];
  THTensor *e = UNARY(exp, y);
  if (NEEDS(0)) SET(0, SUB(ggi, sum_dim(c, MUL(ggi, e), dim)));
  if (NEEDS(1)) SET(1, NEG(MUL(MUL(ggi, e), sum_dim(c, g, dim))));
}

/* ======================================================================= normalisation */

/* The input gradient of a normalisation over the groups `dims` reduces (n elements each):
 * rstd (gx - mean(gx) - xhat mean(gx xhat)), gx the gradient of xhat. */
static THTensor *norm_input_grad(THGradCtx *c, THTensor *gx, THTensor *xhat, THTensor *rstd,
                                 int nd, const int *dims, double n) {
  THTensor *m1 = MUL(sum_dims(c, gx, nd, dims, true), 1.0 / n);
  THTensor *m2 = MUL(sum_dims(c, MUL(gx, xhat), nd, dims, true), 1.0 / n);
  return MUL(rstd, SUB(SUB(gx, m1), MUL(xhat, m2)));
}

/* mean and 1 / sqrt(var + eps) of x over dims (kept), recomputed from recorded ops so that
 * their dependence on x is part of the graph; *xhat the normalised x. */
static void norm_stats(THGradCtx *c, THTensor *x, int nd, const int *dims, double n, double eps,
                       THTensor **xhat, THTensor **rstd) {
  THTensor *mu = MUL(sum_dims(c, x, nd, dims, true), 1.0 / n);
  THTensor *xc = SUB(x, mu);
  THTensor *var = MUL(sum_dims(c, MUL(xc, xc), nd, dims, true), 1.0 / n);
  *rstd = UNARY(rsqrt, ADD(var, eps));
  *xhat = MUL(xc, *rstd);
}

/* ints {training}; eps in alpha.  Inputs (input, weight, bias, running_mean, running_var). */
static void d_native_batch_norm(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *w = opt_saved(c, 1);
  if (c->failed) return;
  bool training = INTS[0] != 0;
  double eps = ag_scalar(ALPHA);
  bool mask[3] = {NEEDS(0), NEEDS(1), NEEDS(2)};
  if (!THAutograd_isEnabled()) {
    THTensor *sm = NULL, *si = NULL, *rm = NULL, *rv = NULL;
    if (training) {
      sm = RESULT(1);
      si = RESULT(2);
    } else {
      rm = SAVED(3);
      rv = SAVED(4);
    }
    if (c->failed) return;
    THTensor *r[3] = {NULL, NULL, NULL};
    if (THNN_batch_norm_backward(g, x, w, rm, rv, sm, si, training, eps, mask, &r[0], &r[1],
                                 &r[2]) != TH_OK) {
      ag_fail(c);
      return;
    }
    for (int i = 0; i < 3; i++)
      if (mask[i]) SET(i, ag_keep(c, r[i]));
    return;
  }
  /* building a graph: the gradient from recorded ops */
  int dims[TH_MAX_DIMS], nd = 0;
  double n = 1;
  int64_t bs[TH_MAX_DIMS];
  for (int d = 0; d < x->ndim; d++) {
    bs[d] = d == 1 ? x->size[1] : 1;
    if (d != 1) {
      dims[nd++] = d;
      n *= (double)x->size[d];
    }
  }
  THTensor *xhat, *rstd;
  if (training) {
    norm_stats(c, x, nd, dims, n, eps, &xhat, &rstd);
  } else {
    THTensor *rm = SAVED(3), *rv = SAVED(4);
    rstd = UNARY(rsqrt, ADD(ag_reshape(c, rv, x->ndim, bs), eps));
    xhat = MUL(SUB(x, ag_reshape(c, rm, x->ndim, bs)), rstd);
  }
  if (mask[0]) {
    THTensor *gx = w ? MUL(g, ag_reshape(c, w, x->ndim, bs)) : g;
    SET(0, training ? norm_input_grad(c, gx, xhat, rstd, nd, dims, n) : MUL(gx, rstd));
  }
  if (mask[1]) SET(1, sum_dims(c, MUL(g, xhat), nd, dims, false));
  if (mask[2]) SET(2, sum_dims(c, g, nd, dims, false));
}

/* ints {nnorm, normalized_shape...}; eps in alpha.  Inputs (input, weight, bias). */
static void d_native_layer_norm(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *w = opt_saved(c, 1);
  if (c->failed) return;
  int nnorm = (int)INTS[0];
  const int64_t *ns = INTS + 1;
  bool mask[3] = {NEEDS(0), NEEDS(1), NEEDS(2)};
  if (!THAutograd_isEnabled()) {
    THTensor *mean = RESULT(1), *rstd = RESULT(2);
    if (c->failed) return;
    THTensor *r[3] = {NULL, NULL, NULL};
    if (THNN_layer_norm_backward(g, x, nnorm, ns, mean, rstd, w, mask, &r[0], &r[1], &r[2]) !=
        TH_OK) {
      ag_fail(c);
      return;
    }
    for (int i = 0; i < 3; i++)
      if (mask[i]) SET(i, ag_keep(c, r[i]));
    return;
  }
  int lead = x->ndim - nnorm, ndims[TH_MAX_DIMS], ldims[TH_MAX_DIMS];
  double n = 1;
  for (int i = 0; i < nnorm; i++) {
    ndims[i] = lead + i;
    n *= (double)ns[i];
  }
  for (int i = 0; i < lead; i++) ldims[i] = i;
  THTensor *xhat, *rstd;
  norm_stats(c, x, nnorm, ndims, n, ag_scalar(ALPHA), &xhat, &rstd);
  if (mask[0]) {
    THTensor *gx = w ? MUL(g, w) : g;
    SET(0, norm_input_grad(c, gx, xhat, rstd, nnorm, ndims, n));
  }
  if (mask[1]) SET(1, sum_dims(c, MUL(g, xhat), lead, ldims, false));
  if (mask[2]) SET(2, sum_dims(c, g, lead, ldims, false));
}

/* ints {num_groups}; eps in alpha.  Inputs (input, weight, bias). */
static void d_native_group_norm(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *w = opt_saved(c, 1);
  if (c->failed) return;
  int64_t G_ = INTS[0];
  bool mask[3] = {NEEDS(0), NEEDS(1), NEEDS(2)};
  if (!THAutograd_isEnabled()) {
    THTensor *mean = RESULT(1), *rstd = RESULT(2);
    if (c->failed) return;
    THTensor *r[3] = {NULL, NULL, NULL};
    if (THNN_group_norm_backward(g, x, mean, rstd, w, G_, mask, &r[0], &r[1], &r[2]) != TH_OK) {
      ag_fail(c);
      return;
    }
    for (int i = 0; i < 3; i++)
      if (mask[i]) SET(i, ag_keep(c, r[i]));
    return;
  }
  /* x as (N, G, C / G * S): a layer norm over the last dim, per-channel weight */
  int64_t N = x->size[0], C = x->size[1], rs[3] = {N, G_, 0};
  rs[2] = G_ > 0 && N > 0 ? THTensor_numel(x) / (N * G_) : 0;
  int64_t bs[TH_MAX_DIMS];
  int cdims[TH_MAX_DIMS], ncd = 0, last = 2;
  for (int d = 0; d < x->ndim; d++) {
    bs[d] = d == 1 ? C : 1;
    if (d != 1) cdims[ncd++] = d;
  }
  THTensor *xr = ag_reshape(c, x, 3, rs), *xhat_r, *rstd;
  norm_stats(c, xr, 1, &last, (double)rs[2], ag_scalar(ALPHA), &xhat_r, &rstd);
  THTensor *xhat = ag_reshape(c, xhat_r, x->ndim, x->size);
  if (mask[0]) {
    THTensor *gx = w ? MUL(g, ag_reshape(c, w, x->ndim, bs)) : g;
    THTensor *gi = norm_input_grad(c, ag_reshape(c, gx, 3, rs), xhat_r, rstd, 1, &last,
                                   (double)rs[2]);
    SET(0, ag_reshape(c, gi, x->ndim, x->size));
  }
  if (mask[1]) SET(1, sum_dims(c, MUL(g, xhat), ncd, cdims, false));
  if (mask[2]) SET(2, sum_dims(c, g, ncd, cdims, false));
}

/* ======================================================================= embedding */

/* ints {num_weights, padding_idx, scale_grad_by_freq} */
static THTensor *embedding_bw(THGradCtx *c, THTensor *g, THTensor *idx, const int64_t *ints) {
  THTensor *args[2] = {g, idx};
  if (!all_present(c, 2, args)) return NULL;
  const THTensor *in[2] = {g, idx};
  bool rec = bw_begin(1, in);
  THTensor *r = ag_keep(c, THNN_embedding_backward(g, idx, ints[0], ints[1], ints[2] != 0));
  bw_end(rec);
  rec_backward(c, rec, &rows[R_EMBEDDING_BW], 2, in, 1, &r, ints, 3);
  return r;
}

static void d_embedding(THGradCtx *c) { SET(0, embedding_bw(c, G(0), SAVED(1), INTS)); }

/* Per index: 0 at padding_idx, else 1 / (its count when scale_grad_by_freq, else 1), shaped
 * (*indices, 1) in dtype d on idx's device (computed on the host from a CPU copy). */
static THTensor *row_factors(const THTensor *idx, int64_t V, int64_t pad, bool scale,
                             THDtype d) {
  THTensor *ixc = THTensor_empty(TH_I64, TH_CPU, idx->ndim, idx->size);
  if (!ixc) return NULL;
  if (THTensor_copy(ixc, idx) != TH_OK) {
    THTensor_free(ixc);
    return NULL;
  }
  int64_t n = THTensor_numel(ixc), fs[TH_MAX_DIMS + 1];
  memcpy(fs, ixc->size, (size_t)ixc->ndim * sizeof(int64_t));
  fs[ixc->ndim] = 1;
  THTensor *f = THTensor_empty(TH_F64, TH_CPU, ixc->ndim + 1, fs);
  int64_t *count = scale ? calloc((size_t)(V > 0 ? V : 1), sizeof *count) : NULL;
  if (!f || (scale && !count)) {
    if (f && scale) TH_setError("[embedding_backward] out of memory");
    THTensor_free(f);
    THTensor_free(ixc);
    free(count);
    return NULL;
  }
  const int64_t *p = THTensor_data(ixc);
  double *q = THTensor_data(f);
  if (count)
    for (int64_t i = 0; i < n; i++)
      if (p[i] >= 0 && p[i] < V) count[p[i]]++;
  for (int64_t i = 0; i < n; i++)
    q[i] = p[i] == pad ? 0.0 : count && p[i] >= 0 && p[i] < V ? 1.0 / (double)count[p[i]] : 1.0;
  free(count);
  THTensor_free(ixc);
  THTensor *r = THTensor_empty(d, THTensor_device(idx), f->ndim, f->size);
  if (r && THTensor_copy(r, f) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(f);
  return r;
}

/* The backward adds rows of g into the weight's rows, so its gradient reads ggw's rows back
 * (zero at padding_idx, divided by the counts when scale_grad_by_freq). */
static void d_embedding_dense_backward(THGradCtx *c) {
  THTensor *ggw = G(0), *idx = SAVED(1);
  if (c->failed) return;
  THTensor *e = ag_keep(c, THNN_embedding(ggw, idx));
  if (INTS[1] >= 0 || INTS[2]) e = MUL(e, ag_keep(c, row_factors(idx, INTS[0], INTS[1],
                                                                INTS[2] != 0, ggw->dtype)));
  SET(0, e);
}

/* ======================================================================= losses */

/* ints {reduction, ignore_index} */
static void d_nll_loss(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *t = SAVED(1), *w = opt_saved(c, 2);
  THTensor *tw = THDeriv_indices(c, 1); /* the saved total weight, without a history */
  if (c->failed) return;
  const THTensor *in[4] = {g, t, w, x};
  bool rec = bw_begin(4, in);
  THTensor *r = ag_keep(c, THNN_nll_loss_backward(g, x, t, w, (THReduction)INTS[0], INTS[1], tw));
  bw_end(rec);
  rec_backward(c, rec, &rows[R_NLL_BW], 4, in, 1, &r, INTS, 2);
  SET(0, r);
}

/* The backward is linear in g with the loss's own coefficients: its gradient is the loss of
 * ggi. */
static void d_nll_loss_backward(THGradCtx *c) {
  set_zero(c, 3);
  if (!NEEDS(0)) return;
  THTensor *ggi = G(0), *t = SAVED(1), *w = opt_saved(c, 2);
  if (c->failed) return;
  THTensor *out = NULL, *tw = NULL;
  if (THNN_nll_loss(ggi, t, w, (THReduction)INTS[0], INTS[1], &out, &tw) != TH_OK) {
    ag_fail(c);
    return;
  }
  ag_keep(c, tw);
  SET(0, ag_keep(c, out));
}

/* g * w / n: the gradient's common factor (n: the element count for mean). */
static THTensor *loss_scale(THGradCtx *c, THTensor *v, THTensor *g, THTensor *w) {
  v = MUL(v, g);
  if (w) v = MUL(v, w);
  if (INTS[0] == TH_REDUCTION_MEAN) {
    const THInputMeta *m = ag_meta(c, 0);
    double n = 1;
    for (int d = 0; d < m->ndim; d++) n *= (double)m->size[d];
    v = MUL(v, 1.0 / n);
  }
  return v;
}

/* ints {reduction}.  While a graph is being built, PyTorch's formulas from recorded ops:
 * d/dx = g w (x - t) / max(x (1 - x), 1e-12), d/dt = g w (log(1 - x) - log(x)). */
static void d_binary_cross_entropy(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *t = SAVED(1), *w = opt_saved(c, 2);
  if (c->failed) return;
  if (!THAutograd_isEnabled()) {
    THTensor *gi = NULL, *gt = NULL;
    if (THNN_binary_cross_entropy_backward(g, x, t, w, (THReduction)INTS[0],
                                           NEEDS(0) ? &gi : NULL, NEEDS(1) ? &gt : NULL) != TH_OK) {
      ag_fail(c);
      return;
    }
    if (NEEDS(0)) SET(0, ag_keep(c, gi));
    if (NEEDS(1)) SET(1, ag_keep(c, gt));
    return;
  }
  if (NEEDS(0)) {
    THTensor *den = BINARY(clamp_min, MUL(x, SUB(1.0, x)), 1e-12);
    SET(0, loss_scale(c, DIV(SUB(x, t), den), g, w));
  }
  if (NEEDS(1)) SET(1, loss_scale(c, SUB(UNARY(log1p, NEG(x)), UNARY(log, x)), g, w));
}

/* log(sigmoid(v)) = -(max(-v, 0) + log1p(exp(-|v|))) */
static THTensor *log_sigmoid(THGradCtx *c, THTensor *v) {
  THTensor *sp = ADD(UNARY(relu, NEG(v)), UNARY(log1p, UNARY(exp, NEG(UNARY(abs, v)))));
  return NEG(sp);
}

/* ints {reduction}; inputs (input, target, weight, pos_weight). */
static void d_binary_cross_entropy_with_logits(THGradCtx *c) {
  THTensor *g = G(0), *x = SAVED(0), *t = SAVED(1), *w = opt_saved(c, 2), *pw = opt_saved(c, 3);
  if (c->failed) return;
  if (!THAutograd_isEnabled()) {
    THTensor *gi = NULL, *gt = NULL;
    if (THNN_binary_cross_entropy_with_logits_backward(g, x, t, w, pw, (THReduction)INTS[0],
                                                       NEEDS(0) ? &gi : NULL,
                                                       NEEDS(1) ? &gt : NULL) != TH_OK) {
      ag_fail(c);
      return;
    }
    if (NEEDS(0)) SET(0, ag_keep(c, gi));
    if (NEEDS(1)) SET(1, ag_keep(c, gt));
    return;
  }
  if (NEEDS(0)) {
    THTensor *s = UNARY(sigmoid, x), *v;
    if (pw) {
      THTensor *tt = MUL(pw, t);
      v = SUB(MUL(SUB(ADD(tt, 1.0), t), s), tt);
    } else {
      v = SUB(s, t);
    }
    SET(0, loss_scale(c, v, g, w));
  }
  if (NEEDS(1)) {
    THTensor *v = pw ? SUB(log_sigmoid(c, NEG(x)), MUL(log_sigmoid(c, x), pw)) : NEG(x);
    SET(1, loss_scale(c, v, g, w));
  }
}
