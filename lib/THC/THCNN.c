/* THCNN.c: the CUDA rows of THOps.def's NN kind other than cuDNN's (THCCudnn.c): softmax and
 * log_softmax, layer and group norm, embedding, nll_loss and the binary cross entropies,
 * forward and backward, with the signatures of THNN.h's kernel section (kernels: THCNN.cu).
 *
 * lib/TH's THNN.c has already checked the arguments, put every operand on one device, made
 * them contiguous float32/float64 (indices int64) and allocated the outputs; the glue switches
 * to that device, allocates scratch space through THC's caching allocator and launches on the
 * current stream.  Values the CPU kernels reject while reading (an index or target out of
 * range, a probability outside [0, 1]) are found on the device: the kernels never dereference
 * them and record the first position, which the glue reads back (waiting for the stream) to
 * raise the CPU's message.  Only the ops that can find such a value wait; the others return
 * as soon as their kernels are queued.
 */
#include <string.h>
#include "THCGeneral.h"
#include "THCNNKernels.h"
#include "THNN.h"

_Static_assert(THC_REDUCTION_NONE == (int)TH_REDUCTION_NONE &&
                   THC_REDUCTION_MEAN == (int)TH_REDUCTION_MEAN &&
                   THC_REDUCTION_SUM == (int)TH_REDUCTION_SUM,
               "THCNNKernels.h numbers reductions as THNN.h does");

/* ======================================================================= helpers */

static void *data_or_null(const THTensor *t) { return t ? THTensor_data(t) : NULL; }

static int enter(THCGuard *g, const THTensor *t) {
  return THC_guardEnter(g, THTensor_device(t).index);
}

/* A launcher's status as TH's (THC_UNSUPPORTED: no kernel for this dtype). */
static int launched(const char *op, THDtype dtype, cudaError_t e) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] no CUDA kernel for dtype %s", op, THDtype_name(dtype));
  return THC_CHECK(e);
}

static bool is_compute_dtype(THDtype d) { return d == TH_F32 || d == TH_F64; }

static int no_kernel(const char *op, THDtype d) {
  return launched(op, d, THC_UNSUPPORTED);
}

/* n elements of dtype d on like's device (current), for the length of one op. */
static THTensor *scratch(THDtype d, const THTensor *like, int64_t n) {
  return THTensor_empty(d, THTensor_device(like), 1, &n);
}

/* Zeroes a contiguous device tensor on the current stream. */
static int zero(THTensor *t) {
  size_t bytes = (size_t)THTensor_numel(t) * THDtype_size(t->dtype);
  if (bytes == 0) return TH_OK;
  return THC_CHECK(cudaMemsetAsync(THTensor_data(t), 0, bytes, THC_stream(-1)));
}

/* The marker kernels lower to the first bad position they find: THC_NO_BAD until then. */
static THTensor *bad_marker(const THTensor *like) {
  THTensor *m = scratch(TH_I64, like, 1);
  if (m && THC_CHECK(cudaMemsetAsync(THTensor_data(m), 0xFF, sizeof(uint64_t),
                                     THC_stream(-1))) != TH_OK) {
    THTensor_free(m);
    return NULL;
  }
  return m;
}

/* Copies n bytes from the device and waits for them, so for everything queued before. */
static int read_back(void *dst, const void *src, size_t n) {
  cudaStream_t s = THC_stream(-1);
  if (THC_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, s)) != TH_OK) return TH_ERROR;
  return THC_CHECK(cudaStreamSynchronize(s));
}

/* The first position a kernel marked (THC_NO_BAD: none) and, when there is one, element
 * `pos` of the contiguous tensor t (its dtype's bytes into *value, which must be 8 bytes). */
static int read_bad(const THTensor *marker, const THTensor *t, uint64_t *pos, void *value) {
  if (read_back(pos, THTensor_data(marker), sizeof *pos) != TH_OK) return TH_ERROR;
  if (*pos == THC_NO_BAD) return TH_OK;
  size_t es = THDtype_size(t->dtype);
  return read_back(value, (const char *)THTensor_data(t) + *pos * es, es);
}

/* ======================================================================= softmax */

static int thc_softmax(THTensor *out, const THTensor *input, int64_t outer, int64_t n,
                       int64_t inner, bool log) {
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  int rc = launched(log ? "log_softmax" : "softmax", input->dtype,
                    THC_launchSoftmax(THTensor_data(out), THTensor_data(input), input->dtype,
                                      outer, n, inner, log, THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

static int thc_softmax_backward(THTensor *grad_input, const THTensor *grad_output,
                                const THTensor *output, int64_t outer, int64_t n, int64_t inner,
                                bool log) {
  THCGuard g;
  if (enter(&g, grad_input) != TH_OK) return TH_ERROR;
  int rc = launched(log ? "log_softmax_backward" : "softmax_backward", output->dtype,
                    THC_launchSoftmaxBackward(THTensor_data(grad_input),
                                              THTensor_data(grad_output), THTensor_data(output),
                                              output->dtype, outer, n, inner, log,
                                              THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= norms */

typedef cudaError_t (*NormLauncher)(const THCNormArgs *a, cudaStream_t stream);

static int run_norm(const char *op, const THTensor *on, const THCNormArgs *a,
                    NormLauncher launch) {
  THCGuard g;
  if (enter(&g, on) != TH_OK) return TH_ERROR;
  int rc = launched(op, (THDtype)a->dtype, launch(a, THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

static int thc_layer_norm(THTensor *out, THTensor *mean, THTensor *rstd, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t M, int64_t D,
                          double eps) {
  THCNormArgs a = {0};
  a.dtype = input->dtype;
  a.x = THTensor_data(input);
  a.w = data_or_null(weight);
  a.b = data_or_null(bias);
  a.out = THTensor_data(out);
  a.smean = THTensor_data(mean);
  a.srstd = THTensor_data(rstd);
  a.M = M;
  a.D = D;
  a.eps = eps;
  return run_norm("layer_norm", out, &a, THC_launchLayerNorm);
}

static int thc_layer_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *mean,
                                   const THTensor *rstd, const THTensor *weight, int64_t M,
                                   int64_t D) {
  THCNormArgs a = {0};
  a.dtype = input->dtype;
  a.x = THTensor_data(input);
  a.go = THTensor_data(grad_output);
  a.w = data_or_null(weight);
  a.mean = THTensor_data(mean);
  a.rstd = THTensor_data(rstd);
  a.gi = data_or_null(grad_input);
  a.gw = data_or_null(grad_weight);
  a.gb = data_or_null(grad_bias);
  a.M = M;
  a.D = D;
  return run_norm("layer_norm_backward", input, &a, THC_launchLayerNormBackward);
}

static int thc_group_norm(THTensor *out, THTensor *mean, THTensor *rstd, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t N, int64_t C,
                          int64_t S, int64_t G, double eps) {
  THCNormArgs a = {0};
  a.dtype = input->dtype;
  a.x = THTensor_data(input);
  a.w = data_or_null(weight);
  a.b = data_or_null(bias);
  a.out = THTensor_data(out);
  a.smean = THTensor_data(mean);
  a.srstd = THTensor_data(rstd);
  a.N = N;
  a.C = C;
  a.S = S;
  a.G = G;
  a.eps = eps;
  return run_norm("group_norm", out, &a, THC_launchGroupNorm);
}

static int thc_group_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *mean,
                                   const THTensor *rstd, const THTensor *weight, int64_t N,
                                   int64_t C, int64_t S, int64_t G) {
  const char *op = "group_norm_backward";
  if (!is_compute_dtype(input->dtype)) return no_kernel(op, input->dtype);
  THCGuard g;
  if (enter(&g, input) != TH_OK) return TH_ERROR;
  THTensor *sums = scratch(TH_F64, input, 2 * N * C); /* ds then db, per (sample, channel) */
  int rc = TH_ERROR;
  if (sums) {
    THCNormArgs a = {0};
    a.dtype = input->dtype;
    a.x = THTensor_data(input);
    a.go = THTensor_data(grad_output);
    a.w = data_or_null(weight);
    a.mean = THTensor_data(mean);
    a.rstd = THTensor_data(rstd);
    a.gi = data_or_null(grad_input);
    a.gw = data_or_null(grad_weight);
    a.gb = data_or_null(grad_bias);
    a.N = N;
    a.C = C;
    a.S = S;
    a.G = G;
    a.ds = THTensor_data(sums);
    a.db = a.ds + N * C;
    rc = launched(op, input->dtype, THC_launchGroupNormBackward(&a, THC_stream(-1)));
  }
  THTensor_free(sums); /* the allocator hands it out again only after this stream's work */
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= embedding */

static int thc_embedding(THTensor *out, const THTensor *weight, const THTensor *indices) {
  const int64_t n = THTensor_numel(indices), V = weight->size[0], D = weight->size[1];
  if (n == 0) return TH_OK;
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  THTensor *marker = bad_marker(out);
  int rc = marker ? launched("embedding", weight->dtype,
                             THC_launchEmbedding(THTensor_data(out), THTensor_data(weight),
                                                 THTensor_data(indices), n, V, D,
                                                 (int)THDtype_size(weight->dtype),
                                                 THTensor_data(marker), THC_stream(-1)))
                  : TH_ERROR;
  uint64_t pos = THC_NO_BAD;
  int64_t index = 0;
  if (rc == TH_OK) rc = read_bad(marker, indices, &pos, &index);
  if (rc == TH_OK && pos != THC_NO_BAD)
    rc = TH_setError("[embedding] index %lld is out of range for a weight with %lld rows",
                     (long long)index, (long long)V);
  THTensor_free(marker);
  THC_guardExit(&g);
  return rc;
}

/* Checks the indices (counting them when scale_grad_by_freq), then scatters. */
static int embedding_backward(THTensor *grad_weight, const THTensor *grad_output,
                              const THTensor *indices, int64_t padding_idx, bool scale,
                              THTensor **marker, THTensor **counts) {
  const char *op = "embedding_backward";
  const int64_t n = THTensor_numel(indices), V = grad_weight->size[0], D = grad_weight->size[1];
  cudaStream_t s = THC_stream(-1);
  if (zero(grad_weight) != TH_OK) return TH_ERROR;
  if (n == 0) return TH_OK;
  if (!(*marker = bad_marker(grad_weight))) return TH_ERROR;
  if (scale && (!(*counts = scratch(TH_I64, grad_weight, V)) || zero(*counts) != TH_OK))
    return TH_ERROR;
  int64_t *cnt = *counts ? THTensor_data(*counts) : NULL;
  if (launched(op, grad_output->dtype,
               THC_launchEmbeddingCheck(THTensor_data(indices), n, V, cnt,
                                        THTensor_data(*marker), s)) != TH_OK)
    return TH_ERROR;
  uint64_t pos;
  int64_t index = 0;
  if (read_bad(*marker, indices, &pos, &index) != TH_OK) return TH_ERROR;
  if (pos != THC_NO_BAD)
    return TH_setError("[embedding_backward] index %lld is out of range for %lld weights",
                       (long long)index, (long long)V);
  return launched(op, grad_output->dtype,
                  THC_launchEmbeddingBackward(THTensor_data(grad_weight),
                                              THTensor_data(grad_output),
                                              THTensor_data(indices), cnt, grad_output->dtype,
                                              n, D, padding_idx, s));
}

static int thc_embedding_backward(THTensor *grad_weight, const THTensor *grad_output,
                                  const THTensor *indices, int64_t padding_idx,
                                  bool scale_grad_by_freq) {
  if (!is_compute_dtype(grad_output->dtype))
    return no_kernel("embedding_backward", grad_output->dtype);
  THCGuard g;
  if (enter(&g, grad_weight) != TH_OK) return TH_ERROR;
  THTensor *marker = NULL, *counts = NULL;
  int rc = embedding_backward(grad_weight, grad_output, indices, padding_idx,
                              scale_grad_by_freq, &marker, &counts);
  THTensor_free(marker);
  THTensor_free(counts);
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= losses */

/* Checks for a target marked out of range; sets the CPU's message for op. */
static int check_targets(const char *op, const THTensor *marker, const THTensor *target,
                         int64_t C) {
  uint64_t pos;
  int64_t value = 0;
  if (read_bad(marker, target, &pos, &value) != TH_OK) return TH_ERROR;
  if (pos != THC_NO_BAD)
    return TH_setError("[%s] target %lld is out of bounds for %lld classes", op,
                       (long long)value, (long long)C);
  return TH_OK;
}

static int thc_nll_loss(THTensor *out, THTensor *total_weight, const THTensor *input,
                        const THTensor *target, const THTensor *weight, int64_t N, int64_t C,
                        int64_t S, THReduction reduction, int64_t ignore_index) {
  const char *op = "nll_loss";
  if (!is_compute_dtype(input->dtype)) return no_kernel(op, input->dtype);
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  THTensor *part = scratch(TH_F64, out, 2 * THC_LOSS_PARTS), *marker = bad_marker(out);
  int rc = part && marker ? TH_OK : TH_ERROR;
  if (rc == TH_OK && reduction == TH_REDUCTION_NONE) rc = zero(total_weight);
  if (rc == TH_OK) {
    THCLossArgs a = {0};
    a.dtype = input->dtype;
    a.x = THTensor_data(input);
    a.t = THTensor_data(target);
    a.w = data_or_null(weight);
    a.out = THTensor_data(out);
    a.total_weight = THTensor_data(total_weight);
    a.N = N;
    a.C = C;
    a.S = S;
    a.reduction = (int)reduction;
    a.ignore_index = ignore_index;
    a.part = THTensor_data(part);
    a.bad = THTensor_data(marker);
    rc = launched(op, input->dtype, THC_launchNllLoss(&a, THC_stream(-1)));
  }
  if (rc == TH_OK) rc = check_targets(op, marker, target, C);
  THTensor_free(part);
  THTensor_free(marker);
  THC_guardExit(&g);
  return rc;
}

static int thc_nll_loss_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THTensor *target, const THTensor *weight,
                                 const THTensor *total_weight, int64_t N, int64_t C, int64_t S,
                                 THReduction reduction, int64_t ignore_index) {
  const char *op = "nll_loss_backward";
  if (!is_compute_dtype(grad_input->dtype)) return no_kernel(op, grad_input->dtype);
  THCGuard g;
  if (enter(&g, grad_input) != TH_OK) return TH_ERROR;
  THTensor *marker = bad_marker(grad_input);
  int rc = marker ? zero(grad_input) : TH_ERROR;
  if (rc == TH_OK) {
    THCLossArgs a = {0};
    a.dtype = grad_input->dtype;
    a.t = THTensor_data(target);
    a.w = data_or_null(weight);
    a.go = THTensor_data(grad_output);
    a.tw = data_or_null(total_weight);
    a.gi = THTensor_data(grad_input);
    a.N = N;
    a.C = C;
    a.S = S;
    a.reduction = (int)reduction;
    a.ignore_index = ignore_index;
    a.bad = THTensor_data(marker);
    rc = launched(op, grad_input->dtype, THC_launchNllLossBackward(&a, THC_stream(-1)));
  }
  if (rc == TH_OK) rc = check_targets(op, marker, target, C);
  THTensor_free(marker);
  THC_guardExit(&g);
  return rc;
}

/* The plain form checks its input's range (and waits to report it); the logits form does
 * not. */
static int bce_forward(const char *op, bool logits, THTensor *out, const THTensor *input,
                       const THTensor *target, const THTensor *weight,
                       const THTensor *pos_weight, THReduction reduction) {
  if (!is_compute_dtype(input->dtype)) return no_kernel(op, input->dtype);
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  THTensor *part = scratch(TH_F64, out, 2 * THC_LOSS_PARTS);
  THTensor *marker = logits ? NULL : bad_marker(out);
  int rc = part && (logits || marker) ? TH_OK : TH_ERROR;
  if (rc == TH_OK) {
    THCLossArgs a = {0};
    a.dtype = input->dtype;
    a.x = THTensor_data(input);
    a.t = THTensor_data(target);
    a.w = data_or_null(weight);
    a.pw = data_or_null(pos_weight);
    a.out = THTensor_data(out);
    a.n = THTensor_numel(input);
    a.reduction = (int)reduction;
    a.part = THTensor_data(part);
    a.bad = marker ? THTensor_data(marker) : NULL;
    rc = launched(op, input->dtype, THC_launchBce(&a, logits, THC_stream(-1)));
  }
  if (rc == TH_OK && marker) {
    uint64_t pos;
    union { float f; double d; } value = {0};
    rc = read_bad(marker, input, &pos, &value);
    if (rc == TH_OK && pos != THC_NO_BAD)
      rc = TH_setError("[%s] all elements of input should be between 0 and 1, got %g", op,
                       input->dtype == TH_F32 ? (double)value.f : value.d);
  }
  THTensor_free(part);
  THTensor_free(marker);
  THC_guardExit(&g);
  return rc;
}

static int thc_bce(THTensor *out, const THTensor *input, const THTensor *target,
                   const THTensor *weight, const THTensor *pos_weight, THReduction reduction) {
  return bce_forward("binary_cross_entropy", false, out, input, target, weight, pos_weight,
                     reduction);
}

static int thc_bce_logits(THTensor *out, const THTensor *input, const THTensor *target,
                          const THTensor *weight, const THTensor *pos_weight,
                          THReduction reduction) {
  return bce_forward("binary_cross_entropy_with_logits", true, out, input, target, weight,
                     pos_weight, reduction);
}

static int bce_backward(const char *op, bool logits, THTensor *grad_input,
                        THTensor *grad_target, const THTensor *grad_output,
                        const THTensor *input, const THTensor *target, const THTensor *weight,
                        const THTensor *pos_weight, THReduction reduction) {
  THCGuard g;
  if (enter(&g, input) != TH_OK) return TH_ERROR;
  THCLossArgs a = {0};
  a.dtype = input->dtype;
  a.x = THTensor_data(input);
  a.t = THTensor_data(target);
  a.w = data_or_null(weight);
  a.pw = data_or_null(pos_weight);
  a.go = THTensor_data(grad_output);
  a.gi = data_or_null(grad_input);
  a.gt = data_or_null(grad_target);
  a.n = THTensor_numel(input);
  a.reduction = (int)reduction;
  int rc = launched(op, input->dtype, THC_launchBceBackward(&a, logits, THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

static int thc_bce_backward(THTensor *grad_input, THTensor *grad_target,
                            const THTensor *grad_output, const THTensor *input,
                            const THTensor *target, const THTensor *weight,
                            const THTensor *pos_weight, THReduction reduction) {
  return bce_backward("binary_cross_entropy_backward", false, grad_input, grad_target,
                      grad_output, input, target, weight, pos_weight, reduction);
}

static int thc_bce_logits_backward(THTensor *grad_input, THTensor *grad_target,
                                   const THTensor *grad_output, const THTensor *input,
                                   const THTensor *target, const THTensor *weight,
                                   const THTensor *pos_weight, THReduction reduction) {
  return bce_backward("binary_cross_entropy_with_logits_backward", true, grad_input,
                      grad_target, grad_output, input, target, weight, pos_weight, reduction);
}

/* ======================================================================= registration */

#define REGISTER(OP, FN) \
  THDispatch_register(TH_OP_##OP, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))(FN)})

void THC_registerNN(void) {
  /* assigned first so that the compiler checks the signatures of THNN.h */
  THNNSoftmaxKernel sm = thc_softmax;
  THNNSoftmaxBackwardKernel smb = thc_softmax_backward;
  THNNLayerNormKernel ln = thc_layer_norm;
  THNNLayerNormBackwardKernel lnb = thc_layer_norm_backward;
  THNNGroupNormKernel gn = thc_group_norm;
  THNNGroupNormBackwardKernel gnb = thc_group_norm_backward;
  THNNEmbeddingKernel emb = thc_embedding;
  THNNEmbeddingBackwardKernel embb = thc_embedding_backward;
  THNNNllLossKernel nll = thc_nll_loss;
  THNNNllLossBackwardKernel nllb = thc_nll_loss_backward;
  THNNBceKernel bce = thc_bce, bcel = thc_bce_logits;
  THNNBceBackwardKernel bceb = thc_bce_backward, bcelb = thc_bce_logits_backward;
  REGISTER(softmax, sm);
  REGISTER(log_softmax, sm);
  REGISTER(softmax_backward_data, smb);
  REGISTER(log_softmax_backward_data, smb);
  REGISTER(native_layer_norm, ln);
  REGISTER(native_layer_norm_backward, lnb);
  REGISTER(native_group_norm, gn);
  REGISTER(native_group_norm_backward, gnb);
  REGISTER(embedding, emb);
  REGISTER(embedding_dense_backward, embb);
  REGISTER(nll_loss, nll);
  REGISTER(nll_loss_backward, nllb);
  REGISTER(binary_cross_entropy, bce);
  REGISTER(binary_cross_entropy_backward, bceb);
  REGISTER(binary_cross_entropy_with_logits, bcel);
  REGISTER(binary_cross_entropy_with_logits_backward, bcelb);
}
