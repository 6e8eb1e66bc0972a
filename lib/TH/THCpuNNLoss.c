/* THCpuNNLoss.c: the CPU kernels of embedding (forward and dense backward), nll_loss and
 * binary_cross_entropy (plain and with logits), forward and backward, and their registration
 * in the dispatch table.
 *
 * Reductions run over fixed chunks of elements whose partial sums (in double) are added in
 * chunk order, so a loss does not depend on the thread count.  Values found bad while reading
 * (an index or target out of range, a probability outside [0, 1]) are reported after the
 * parallel part; only the kernel's own outputs have been written by then.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THCpuNN.h"

/* Elements per chunk of a loss reduction. */
#define LOSS_CHUNK 4096

typedef struct {
  const void *x, *t, *w, *pw, *go, *tw;
  void *out, *gi, *gt;
  const int64_t *ix;
  int64_t n, N, C, S, D, V;
  THReduction reduction;
  int64_t ignore_index, padding_idx;
  double *part, *part_w; /* per-chunk partial sums */
  const int64_t *counts;
  int bad;        /* a bad value was found (atomic stores from any thread) */
  int64_t bad_at; /* the position of one */
} LossCtx;

/* Records a bad position (any one of them when several threads find some). */
#define NOTE_BAD(c, pos)                                       \
  (__atomic_store_n(&(c)->bad_at, (pos), __ATOMIC_RELAXED),    \
   __atomic_store_n(&(c)->bad, 1, __ATOMIC_RELAXED))

/* log and log1p in the precision of the element type T */
#define LOG_T(T, v) _Generic((T)0, float: logf, default: log)(v)
#define LOG1P_T(T, v) _Generic((T)0, float: log1pf, default: log1p)(v)

static double log_sigmoid(double x) { /* log(1 / (1 + exp(-x))), stably */
  return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

#define DEFINE_LOSS(SUF, T)                                                                    \
  /* ---- nll_loss: items are chunks of the N * S positions ---- */                           \
  static void nll_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    LossCtx *c = vc;                                                                           \
    const T *x = c->x, *w = c->w;                                                              \
    const int64_t *t = c->t, NS = c->N * c->S;                                                 \
    for (int64_t ch = lo; ch < hi; ch++) {                                                     \
      double s = 0, sw = 0;                                                                    \
      int64_t e = (ch + 1) * LOSS_CHUNK < NS ? (ch + 1) * LOSS_CHUNK : NS;                     \
      for (int64_t p = ch * LOSS_CHUNK; p < e; p++) {                                          \
        int64_t k = t[p], n = p / c->S, sp = p % c->S;                                         \
        double v = 0;                                                                          \
        if (k != c->ignore_index) {                                                            \
          if (k < 0 || k >= c->C) {                                                            \
            NOTE_BAD(c, p);                                                                    \
          } else {                                                                             \
            double wt = w ? (double)w[k] : 1.0;                                                \
            v = -(double)x[(n * c->C + k) * c->S + sp] * wt;                                   \
            s += v;                                                                            \
            sw += wt;                                                                          \
          }                                                                                    \
        }                                                                                      \
        if (c->reduction == TH_REDUCTION_NONE) ((T *)c->out)[p] = (T)v;                        \
      }                                                                                        \
      c->part[ch] = s;                                                                         \
      c->part_w[ch] = sw;                                                                      \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void nll_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    LossCtx *c = vc;                                                                           \
    const T *w = c->w, *go = c->go;                                                            \
    const int64_t *t = c->t;                                                                   \
    T *gi = c->gi;                                                                             \
    double scale = c->reduction == TH_REDUCTION_MEAN ? 1.0 / (double)((const T *)c->tw)[0] : 1.0; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      int64_t k = t[p], n = p / c->S, sp = p % c->S;                                           \
      if (k == c->ignore_index) continue;                                                      \
      if (k < 0 || k >= c->C) {                                                                \
        NOTE_BAD(c, p);                                                                        \
        continue;                                                                              \
      }                                                                                        \
      double g = c->reduction == TH_REDUCTION_NONE ? (double)go[p] : (double)go[0] * scale;    \
      gi[(n * c->C + k) * c->S + sp] = (T)(-(w ? (double)w[k] : 1.0) * g);                     \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* ---- binary cross entropy: items are chunks of the n elements ---- */                    \
  static void bce_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    LossCtx *c = vc;                                                                           \
    const T *x = c->x, *t = c->t, *w = c->w;                                                   \
    for (int64_t ch = lo; ch < hi; ch++) {                                                     \
      double s = 0;                                                                            \
      int64_t e = (ch + 1) * LOSS_CHUNK < c->n ? (ch + 1) * LOSS_CHUNK : c->n;                 \
      for (int64_t i = ch * LOSS_CHUNK; i < e; i++) {                                          \
        double xv = x[i], tv = t[i];                                                           \
        if (!(xv >= 0 && xv <= 1)) {                                                           \
          NOTE_BAD(c, i);                                                                      \
          continue;                                                                            \
        }                                                                                      \
        /* the logs in T's own precision, as PyTorch computes them (float: logf) */            \
        double lx = LOG_T(T, x[i]), l1x = LOG1P_T(T, -x[i]);                                   \
        double v = (tv - 1) * (l1x > -100 ? l1x : -100) - tv * (lx > -100 ? lx : -100);        \
        if (w) v *= w[i];                                                                      \
        if (c->reduction == TH_REDUCTION_NONE) ((T *)c->out)[i] = (T)v;                        \
        s += v;                                                                                \
      }                                                                                        \
      c->part[ch] = s;                                                                         \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void bce_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    LossCtx *c = vc;                                                                           \
    const T *x = c->x, *t = c->t, *w = c->w, *go = c->go;                                      \
    T *gi = c->gi, *gt = c->gt;                                                                \
    const double scale = c->reduction == TH_REDUCTION_MEAN ? 1.0 / (double)c->n : 1.0;         \
    for (int64_t i = lo; i < hi; i++) {                                                        \
      double xv = x[i], tv = t[i];                                                             \
      double g = (c->reduction == TH_REDUCTION_NONE ? (double)go[i] : (double)go[0]) * scale;  \
      if (w) g *= w[i];                                                                        \
      if (gi) {                                                                                \
        double den = (1 - xv) * xv;                                                            \
        gi[i] = (T)(g * (xv - tv) / (den > 1e-12 ? den : 1e-12));                              \
      }                                                                                        \
      if (gt) gt[i] = (T)(g * (log1p(-xv) - log(xv)));                                         \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void bcel_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                               \
    LossCtx *c = vc;                                                                           \
    const T *x = c->x, *t = c->t, *w = c->w, *pw = c->pw;                                      \
    for (int64_t ch = lo; ch < hi; ch++) {                                                     \
      double s = 0;                                                                            \
      int64_t e = (ch + 1) * LOSS_CHUNK < c->n ? (ch + 1) * LOSS_CHUNK : c->n;                 \
      for (int64_t i = ch * LOSS_CHUNK; i < e; i++) {                                          \
        double xv = x[i], tv = t[i];                                                           \
        double m = -xv > 0 ? -xv : 0;                                                          \
        double sp = log(exp(-m) + exp(-xv - m)) + m; /* softplus(-x) */                        \
        double v = pw ? (1 - tv) * xv + ((pw[i] - 1) * tv + 1) * sp : (1 - tv) * xv + sp;      \
        if (w) v *= w[i];                                                                      \
        if (c->reduction == TH_REDUCTION_NONE) ((T *)c->out)[i] = (T)v;                        \
        s += v;                                                                                \
      }                                                                                        \
      c->part[ch] = s;                                                                         \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void bcel_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                               \
    LossCtx *c = vc;                                                                           \
    const T *x = c->x, *t = c->t, *w = c->w, *pw = c->pw, *go = c->go;                         \
    T *gi = c->gi, *gt = c->gt;                                                                \
    const double scale = c->reduction == TH_REDUCTION_MEAN ? 1.0 / (double)c->n : 1.0;         \
    for (int64_t i = lo; i < hi; i++) {                                                        \
      double xv = x[i], tv = t[i];                                                             \
      double g = (c->reduction == TH_REDUCTION_NONE ? (double)go[i] : (double)go[0]) * scale;  \
      if (w) g *= w[i];                                                                        \
      double sig = 1.0 / (1.0 + exp(-xv));                                                     \
      if (gi) {                                                                                \
        if (pw) {                                                                              \
          double tt = pw[i] * tv;                                                              \
          gi[i] = (T)(((tt + 1 - tv) * sig - tt) * g);                                         \
        } else {                                                                               \
          gi[i] = (T)((sig - tv) * g);                                                         \
        }                                                                                      \
      }                                                                                        \
      if (gt)                                                                                  \
        gt[i] = (T)(pw ? (log_sigmoid(-xv) - pw[i] * log_sigmoid(xv)) * g : -xv * g);          \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* ---- embedding backward: items are columns of the (V, D) gradient ---- */                \
  static void emb_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    LossCtx *c = vc;                                                                           \
    const T *go = c->go;                                                                       \
    T *gw = c->gi;                                                                             \
    const int64_t D = c->D;                                                                    \
    for (int64_t r = 0; r < c->V; r++)                                                         \
      for (int64_t j = lo; j < hi; j++) gw[r * D + j] = 0;                                     \
    for (int64_t i = 0; i < c->n; i++) {                                                       \
      int64_t k = c->ix[i];                                                                    \
      if (k == c->padding_idx) continue;                                                       \
      const T *g = go + i * D;                                                                 \
      T *q = gw + k * D;                                                                       \
      if (c->counts) {                                                                         \
        T s = (T)(1.0 / (double)c->counts[k]);                                                 \
        for (int64_t j = lo; j < hi; j++) q[j] += g[j] * s;                                    \
      } else {                                                                                 \
        for (int64_t j = lo; j < hi; j++) q[j] += g[j];                                        \
      }                                                                                        \
    }                                                                                          \
  }

DEFINE_LOSS(F32, float)
DEFINE_LOSS(F64, double)

/* ======================================================================= dispatch */

#define PICK(d, name) ((d) == TH_F32 ? name##_F32 : (d) == TH_F64 ? name##_F64 : NULL)

static int no_kernel(const char *op, THDtype d) {
  return TH_setError("[%s] no CPU kernel for dtype %s", op, THDtype_name(d));
}

static const void *data_or_null(const THTensor *t) { return t ? THTensor_data(t) : NULL; }

/* Stores a reduced loss (sum of the chunk partials, divided by div) into the 0-dim out. */
static void store_reduced(THTensor *out, const double *part, int64_t nchunks, double div) {
  double s = 0;
  for (int64_t i = 0; i < nchunks; i++) s += part[i];
  s /= div;
  if (out->dtype == TH_F32) *(float *)THTensor_data(out) = (float)s;
  else *(double *)THTensor_data(out) = s;
}

/* ---- embedding ---- */

typedef struct {
  const char *w;
  char *out;
  const int64_t *ix;
  size_t row;
} EmbCtx;

static void emb_rows(void *vc, int64_t lo, int64_t hi) {
  EmbCtx *c = vc;
  for (int64_t i = lo; i < hi; i++) memcpy(c->out + i * c->row, c->w + c->ix[i] * c->row, c->row);
}

static int cpu_embedding(THTensor *out, const THTensor *weight, const THTensor *indices) {
  const int64_t *ix = THTensor_data(indices), n = THTensor_numel(indices), V = weight->size[0];
  for (int64_t i = 0; i < n; i++)
    if (ix[i] < 0 || ix[i] >= V)
      return TH_setError("[embedding] index %lld is out of range for a weight with %lld rows",
                         (long long)ix[i], (long long)V);
  EmbCtx c = {THTensor_data(weight), THTensor_data(out), ix,
              (size_t)weight->size[1] * THDtype_size(weight->dtype)};
  THNN_parallel(n, weight->size[1], emb_rows, &c);
  return TH_OK;
}

static int cpu_embedding_backward(THTensor *grad_weight, const THTensor *grad_output,
                                  const THTensor *indices, int64_t padding_idx,
                                  bool scale_grad_by_freq) {
  THNNRangeFn fn = PICK(grad_output->dtype, emb_bwd);
  if (!fn) return no_kernel("embedding_backward", grad_output->dtype);
  const int64_t *ix = THTensor_data(indices), n = THTensor_numel(indices);
  const int64_t V = grad_weight->size[0], D = grad_weight->size[1];
  for (int64_t i = 0; i < n; i++)
    if (ix[i] < 0 || ix[i] >= V)
      return TH_setError("[embedding_backward] index %lld is out of range for %lld weights",
                         (long long)ix[i], (long long)V);
  int64_t *counts = NULL;
  if (scale_grad_by_freq) {
    if (!(counts = calloc((size_t)(V > 0 ? V : 1), sizeof(int64_t))))
      return TH_setError("[embedding_backward] out of memory");
    for (int64_t i = 0; i < n; i++) counts[ix[i]]++;
  }
  LossCtx c = {0};
  c.go = THTensor_data(grad_output);
  c.gi = THTensor_data(grad_weight);
  c.ix = ix;
  c.n = n;
  c.V = V;
  c.D = D;
  c.padding_idx = padding_idx;
  c.counts = counts;
  if (D > 0) THNN_parallel(D, n + V, fn, &c);
  free(counts);
  return TH_OK;
}

/* ---- nll_loss ---- */

static int cpu_nll_loss(THTensor *out, THTensor *total_weight, const THTensor *input,
                        const THTensor *target, const THTensor *weight, int64_t N, int64_t C,
                        int64_t S, THReduction reduction, int64_t ignore_index) {
  THNNRangeFn fn = PICK(input->dtype, nll_fwd);
  if (!fn) return no_kernel("nll_loss", input->dtype);
  LossCtx c = {0};
  c.x = THTensor_data(input);
  c.t = THTensor_data(target);
  c.w = data_or_null(weight);
  c.out = THTensor_data(out);
  c.N = N;
  c.C = C;
  c.S = S;
  c.reduction = reduction;
  c.ignore_index = ignore_index;
  int64_t nchunks = (N * S + LOSS_CHUNK - 1) / LOSS_CHUNK;
  if (!(c.part = malloc(sizeof(double) * 2 * (size_t)(nchunks > 0 ? nchunks : 1))))
    return TH_setError("[nll_loss] out of memory");
  c.part_w = c.part + nchunks;
  THNN_parallel(nchunks, LOSS_CHUNK, fn, &c);
  int rc = TH_OK;
  if (c.bad) {
    const int64_t *t = c.t;
    rc = TH_setError("[nll_loss] target %lld is out of bounds for %lld classes",
                     (long long)t[c.bad_at], (long long)C);
  } else {
    double tw = 0;
    for (int64_t i = 0; i < nchunks; i++) tw += c.part_w[i];
    if (reduction != TH_REDUCTION_NONE)
      store_reduced(out, c.part, nchunks, reduction == TH_REDUCTION_MEAN ? tw : 1.0);
    if (reduction == TH_REDUCTION_NONE) tw = 0;
    if (total_weight->dtype == TH_F32) *(float *)THTensor_data(total_weight) = (float)tw;
    else *(double *)THTensor_data(total_weight) = tw;
  }
  free(c.part);
  return rc;
}

static int cpu_nll_loss_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THTensor *target, const THTensor *weight,
                                 const THTensor *total_weight, int64_t N, int64_t C, int64_t S,
                                 THReduction reduction, int64_t ignore_index) {
  THNNRangeFn fn = PICK(grad_input->dtype, nll_bwd);
  if (!fn) return no_kernel("nll_loss_backward", grad_input->dtype);
  memset(THTensor_data(grad_input), 0, (size_t)THTensor_numel(grad_input) * THDtype_size(grad_input->dtype));
  LossCtx c = {0};
  c.t = THTensor_data(target);
  c.w = data_or_null(weight);
  c.go = THTensor_data(grad_output);
  c.tw = data_or_null(total_weight);
  c.gi = THTensor_data(grad_input);
  c.N = N;
  c.C = C;
  c.S = S;
  c.reduction = reduction;
  c.ignore_index = ignore_index;
  THNN_parallel(N * S, 4, fn, &c);
  if (c.bad)
    return TH_setError("[nll_loss_backward] target %lld is out of bounds for %lld classes",
                       (long long)((const int64_t *)c.t)[c.bad_at], (long long)C);
  return TH_OK;
}

/* ---- binary cross entropy ---- */

static int bce_forward(const char *op, THNNRangeFn fn, THTensor *out, const THTensor *input,
                       const THTensor *target, const THTensor *weight,
                       const THTensor *pos_weight, THReduction reduction) {
  if (!fn) return no_kernel(op, input->dtype);
  LossCtx c = {0};
  c.x = THTensor_data(input);
  c.t = THTensor_data(target);
  c.w = data_or_null(weight);
  c.pw = data_or_null(pos_weight);
  c.out = THTensor_data(out);
  c.n = THTensor_numel(input);
  c.reduction = reduction;
  int64_t nchunks = (c.n + LOSS_CHUNK - 1) / LOSS_CHUNK;
  if (!(c.part = malloc(sizeof(double) * (size_t)(nchunks > 0 ? nchunks : 1))))
    return TH_setError("[%s] out of memory", op);
  THNN_parallel(nchunks, 4 * LOSS_CHUNK, fn, &c);
  int rc = TH_OK;
  if (c.bad)
    rc = TH_setError("[%s] all elements of input should be between 0 and 1, got %g", op,
                     input->dtype == TH_F32 ? (double)((const float *)c.x)[c.bad_at]
                                            : ((const double *)c.x)[c.bad_at]);
  else if (reduction != TH_REDUCTION_NONE)
    store_reduced(out, c.part, nchunks, reduction == TH_REDUCTION_MEAN ? (double)c.n : 1.0);
  free(c.part);
  return rc;
}

static int cpu_bce(THTensor *out, const THTensor *input, const THTensor *target,
                   const THTensor *weight, const THTensor *pos_weight, THReduction reduction) {
  return bce_forward("binary_cross_entropy", PICK(input->dtype, bce_fwd), out, input, target,
                     weight, pos_weight, reduction);
}

static int cpu_bce_logits(THTensor *out, const THTensor *input, const THTensor *target,
                          const THTensor *weight, const THTensor *pos_weight,
                          THReduction reduction) {
  return bce_forward("binary_cross_entropy_with_logits", PICK(input->dtype, bcel_fwd), out,
                     input, target, weight, pos_weight, reduction);
}

static int bce_backward(const char *op, THNNRangeFn fn, THTensor *grad_input,
                        THTensor *grad_target, const THTensor *grad_output,
                        const THTensor *input, const THTensor *target, const THTensor *weight,
                        const THTensor *pos_weight, THReduction reduction) {
  if (!fn) return no_kernel(op, input->dtype);
  LossCtx c = {0};
  c.x = THTensor_data(input);
  c.t = THTensor_data(target);
  c.w = data_or_null(weight);
  c.pw = data_or_null(pos_weight);
  c.go = THTensor_data(grad_output);
  c.gi = grad_input ? THTensor_data(grad_input) : NULL;
  c.gt = grad_target ? THTensor_data(grad_target) : NULL;
  c.n = THTensor_numel(input);
  c.reduction = reduction;
  THNN_parallel(c.n, 16, fn, &c);
  return TH_OK;
}

static int cpu_bce_backward(THTensor *grad_input, THTensor *grad_target,
                            const THTensor *grad_output, const THTensor *input,
                            const THTensor *target, const THTensor *weight,
                            const THTensor *pos_weight, THReduction reduction) {
  return bce_backward("binary_cross_entropy_backward", PICK(input->dtype, bce_bwd), grad_input,
                      grad_target, grad_output, input, target, weight, pos_weight, reduction);
}

static int cpu_bce_logits_backward(THTensor *grad_input, THTensor *grad_target,
                                   const THTensor *grad_output, const THTensor *input,
                                   const THTensor *target, const THTensor *weight,
                                   const THTensor *pos_weight, THReduction reduction) {
  return bce_backward("binary_cross_entropy_with_logits_backward", PICK(input->dtype, bcel_bwd),
                      grad_input, grad_target, grad_output, input, target, weight, pos_weight,
                      reduction);
}

__attribute__((constructor)) static void cpu_nn_loss_register(void) {
  /* assigned first so that the compiler checks the signatures of THNN.h */
  THNNEmbeddingKernel emb = cpu_embedding;
  THNNEmbeddingBackwardKernel embb = cpu_embedding_backward;
  THNNNllLossKernel nll = cpu_nll_loss;
  THNNNllLossBackwardKernel nllb = cpu_nll_loss_backward;
  THNNBceKernel bce = cpu_bce, bcel = cpu_bce_logits;
  THNNBceBackwardKernel bceb = cpu_bce_backward, bcelb = cpu_bce_logits_backward;
  THDispatch_register(TH_OP_embedding, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))emb});
  THDispatch_register(TH_OP_embedding_dense_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))embb});
  THDispatch_register(TH_OP_nll_loss, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))nll});
  THDispatch_register(TH_OP_nll_loss_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))nllb});
  THDispatch_register(TH_OP_binary_cross_entropy, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bce});
  THDispatch_register(TH_OP_binary_cross_entropy_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bceb});
  THDispatch_register(TH_OP_binary_cross_entropy_with_logits, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bcel});
  THDispatch_register(TH_OP_binary_cross_entropy_with_logits_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bcelb});
}
