/* THCpuNNPool.c: the CPU kernels of max, average and adaptive average pooling (forward and
 * backward), and their registration in the dispatch table.
 *
 * Every kernel walks planes (N * C of them, each in_size -> out_size, contiguous), in parallel
 * over planes when the work is large.  Window arithmetic follows PyTorch's CPU kernels: max
 * pooling starts each window at its first in-bounds position (by whole dilation steps) and
 * lets NaN win; average pooling clips windows to the padded input for count_include_pad and to
 * the input itself for the sum; adaptive windows are [floor(i in / out), ceil((i+1) in / out)).
 * Sums accumulate in double.
 */
#include <math.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THCpuNN.h"

/* ======================================================================= windows */

static int64_t adaptive_start(int64_t i, int64_t out, int64_t in) {
  return (i / out) * in + ((i % out) * in) / out;
}
static int64_t adaptive_end(int64_t i, int64_t out, int64_t in) {
  return 1 + ((i + 1) * in - 1) / out;
}

/* An average-pooling window: the clipped bounds and the divisor; false when empty. */
static bool avg_window(const THNNPoolGeom *g, int64_t oh, int64_t ow, int64_t *h0, int64_t *h1,
                       int64_t *w0, int64_t *w1, double *div) {
  int64_t H = g->in_size[0], W = g->in_size[1];
  int64_t ih0 = oh * g->stride[0] - g->padding[0], iw0 = ow * g->stride[1] - g->padding[1];
  int64_t ih1 = ih0 + g->kernel[0], iw1 = iw0 + g->kernel[1];
  if (ih1 > H + g->padding[0]) ih1 = H + g->padding[0];
  if (iw1 > W + g->padding[1]) iw1 = W + g->padding[1];
  int64_t pool_size = (ih1 - ih0) * (iw1 - iw0);
  if (ih0 < 0) ih0 = 0;
  if (iw0 < 0) iw0 = 0;
  if (ih1 > H) ih1 = H;
  if (iw1 > W) iw1 = W;
  if (ih0 >= ih1 || iw0 >= iw1) return false;
  *h0 = ih0;
  *h1 = ih1;
  *w0 = iw0;
  *w1 = iw1;
  *div = g->divisor_override ? (double)g->divisor_override
         : g->count_include_pad ? (double)pool_size
                                : (double)((ih1 - ih0) * (iw1 - iw0));
  return true;
}

/* ======================================================================= per dtype */

typedef struct {
  const THNNPoolGeom *g;
  const void *in;
  void *out;
  const int64_t *ind_in;
  int64_t *ind_out;
  int bad;          /* max_pool backward: an index out of range was found (atomic stores) */
  int64_t bad_value; /* one such index */
} PoolCtx;

#define DEFINE_POOL(SUF, T)                                                                    \
  static void max_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t H = g->in_size[0], W = g->in_size[1], oH = g->out_size[0], oW = g->out_size[1]; \
    const int64_t kH = g->kernel[0], kW = g->kernel[1], dH = g->dilation[0], dW = g->dilation[1]; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      const T *in = (const T *)c->in + p * H * W;                                              \
      T *out = (T *)c->out + p * oH * oW;                                                      \
      int64_t *ind = c->ind_out + p * oH * oW;                                                 \
      for (int64_t oh = 0; oh < oH; oh++) {                                                    \
        int64_t h0 = oh * g->stride[0] - g->padding[0];                                        \
        int64_t h1 = h0 + (kH - 1) * dH + 1;                                                   \
        if (h1 > H) h1 = H;                                                                    \
        while (h0 < 0) h0 += dH;                                                               \
        for (int64_t ow = 0; ow < oW; ow++) {                                                  \
          int64_t w0 = ow * g->stride[1] - g->padding[1];                                      \
          int64_t w1 = w0 + (kW - 1) * dW + 1;                                                 \
          if (w1 > W) w1 = W;                                                                  \
          while (w0 < 0) w0 += dW;                                                             \
          int64_t best = h0 * W + w0;                                                          \
          T m = -INFINITY;                                                                     \
          for (int64_t ih = h0; ih < h1; ih += dH)                                             \
            for (int64_t iw = w0; iw < w1; iw += dW) {                                         \
              T v = in[ih * W + iw];                                                           \
              if (v > m || isnan(v)) {                                                         \
                m = v;                                                                         \
                best = ih * W + iw;                                                            \
              }                                                                                \
            }                                                                                  \
          out[oh * oW + ow] = m;                                                               \
          ind[oh * oW + ow] = best;                                                            \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void max_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t HW = g->in_size[0] * g->in_size[1], oHW = g->out_size[0] * g->out_size[1];   \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      T *gi = (T *)c->out + p * HW;                                                            \
      const T *go = (const T *)c->in + p * oHW;                                                \
      const int64_t *ind = c->ind_in + p * oHW;                                                \
      memset(gi, 0, sizeof(T) * (size_t)HW);                                                   \
      for (int64_t i = 0; i < oHW; i++) {                                                      \
        int64_t j = ind[i];                                                                    \
        if (j < 0 || j >= HW) {                                                                \
          __atomic_store_n(&c->bad_value, j, __ATOMIC_RELAXED);                                \
          __atomic_store_n(&c->bad, 1, __ATOMIC_RELAXED);                                      \
          continue;                                                                            \
        }                                                                                      \
        gi[j] += go[i];                                                                        \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void avg_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t H = g->in_size[0], W = g->in_size[1], oH = g->out_size[0], oW = g->out_size[1]; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      const T *in = (const T *)c->in + p * H * W;                                              \
      T *out = (T *)c->out + p * oH * oW;                                                      \
      for (int64_t oh = 0; oh < oH; oh++)                                                      \
        for (int64_t ow = 0; ow < oW; ow++) {                                                  \
          int64_t h0, h1, w0, w1;                                                              \
          double div, s = 0;                                                                   \
          if (!avg_window(g, oh, ow, &h0, &h1, &w0, &w1, &div)) {                              \
            out[oh * oW + ow] = 0;                                                             \
            continue;                                                                          \
          }                                                                                    \
          for (int64_t ih = h0; ih < h1; ih++)                                                 \
            for (int64_t iw = w0; iw < w1; iw++) s += in[ih * W + iw];                         \
          out[oh * oW + ow] = (T)(s / div);                                                    \
        }                                                                                      \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void avg_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t H = g->in_size[0], W = g->in_size[1], oH = g->out_size[0], oW = g->out_size[1]; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      T *gi = (T *)c->out + p * H * W;                                                         \
      const T *go = (const T *)c->in + p * oH * oW;                                            \
      memset(gi, 0, sizeof(T) * (size_t)(H * W));                                              \
      for (int64_t oh = 0; oh < oH; oh++)                                                      \
        for (int64_t ow = 0; ow < oW; ow++) {                                                  \
          int64_t h0, h1, w0, w1;                                                              \
          double div;                                                                          \
          if (!avg_window(g, oh, ow, &h0, &h1, &w0, &w1, &div)) continue;                      \
          T v = (T)(go[oh * oW + ow] / div);                                                   \
          for (int64_t ih = h0; ih < h1; ih++)                                                 \
            for (int64_t iw = w0; iw < w1; iw++) gi[ih * W + iw] += v;                         \
        }                                                                                      \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void adaptive_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                           \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t H = g->in_size[0], W = g->in_size[1], oH = g->out_size[0], oW = g->out_size[1]; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      const T *in = (const T *)c->in + p * H * W;                                              \
      T *out = (T *)c->out + p * oH * oW;                                                      \
      for (int64_t oh = 0; oh < oH; oh++) {                                                    \
        int64_t h0 = adaptive_start(oh, oH, H), h1 = adaptive_end(oh, oH, H);                  \
        for (int64_t ow = 0; ow < oW; ow++) {                                                  \
          int64_t w0 = adaptive_start(ow, oW, W), w1 = adaptive_end(ow, oW, W);                \
          double s = 0;                                                                        \
          for (int64_t ih = h0; ih < h1; ih++)                                                 \
            for (int64_t iw = w0; iw < w1; iw++) s += in[ih * W + iw];                         \
          out[oh * oW + ow] = (T)(s / (double)((h1 - h0) * (w1 - w0)));                        \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void adaptive_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                           \
    PoolCtx *c = vc;                                                                           \
    const THNNPoolGeom *g = c->g;                                                              \
    const int64_t H = g->in_size[0], W = g->in_size[1], oH = g->out_size[0], oW = g->out_size[1]; \
    for (int64_t p = lo; p < hi; p++) {                                                        \
      T *gi = (T *)c->out + p * H * W;                                                         \
      const T *go = (const T *)c->in + p * oH * oW;                                            \
      memset(gi, 0, sizeof(T) * (size_t)(H * W));                                              \
      for (int64_t oh = 0; oh < oH; oh++) {                                                    \
        int64_t h0 = adaptive_start(oh, oH, H), h1 = adaptive_end(oh, oH, H);                  \
        for (int64_t ow = 0; ow < oW; ow++) {                                                  \
          int64_t w0 = adaptive_start(ow, oW, W), w1 = adaptive_end(ow, oW, W);                \
          T v = (T)(go[oh * oW + ow] / (double)((h1 - h0) * (w1 - w0)));                       \
          for (int64_t ih = h0; ih < h1; ih++)                                                 \
            for (int64_t iw = w0; iw < w1; iw++) gi[ih * W + iw] += v;                         \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

DEFINE_POOL(F32, float)
DEFINE_POOL(F64, double)

/* ======================================================================= dispatch */

/* The per-dtype range function, or NULL with an error. */
static THNNRangeFn pick(const char *op, THDtype d, THNNRangeFn f32, THNNRangeFn f64) {
  if (d == TH_F32) return f32;
  if (d == TH_F64) return f64;
  TH_setError("[%s] no CPU kernel for dtype %s", op, THDtype_name(d));
  return NULL;
}

static int64_t window_cost(const THNNPoolGeom *g) {
  return g->out_size[0] * g->out_size[1] * g->kernel[0] * g->kernel[1] +
         g->in_size[0] * g->in_size[1];
}

static int cpu_max_pool(THTensor *out, THTensor *indices, const THTensor *input,
                        const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("max_pool2d", input->dtype, max_fwd_F32, max_fwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(input), THTensor_data(out), NULL, THTensor_data(indices), 0, 0};
  THNN_parallel(g->planes, window_cost(g), fn, &c);
  return TH_OK;
}

static int cpu_max_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THTensor *indices, const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("max_pool2d_backward", grad_output->dtype, max_bwd_F32, max_bwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(grad_output), THTensor_data(grad_input), THTensor_data(indices),
               NULL, 0, 0};
  THNN_parallel(g->planes, g->in_size[0] * g->in_size[1] + g->out_size[0] * g->out_size[1], fn, &c);
  if (c.bad)
    return TH_setError("[max_pool2d_backward] index %lld is out of range for an input plane of "
                       "%lld elements", (long long)c.bad_value,
                       (long long)(g->in_size[0] * g->in_size[1]));
  return TH_OK;
}

static int cpu_avg_pool(THTensor *out, const THTensor *input, const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("avg_pool2d", input->dtype, avg_fwd_F32, avg_fwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(input), THTensor_data(out), NULL, NULL, 0, 0};
  THNN_parallel(g->planes, window_cost(g), fn, &c);
  return TH_OK;
}

static int cpu_avg_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("avg_pool2d_backward", grad_output->dtype, avg_bwd_F32, avg_bwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(grad_output), THTensor_data(grad_input), NULL, NULL, 0, 0};
  THNN_parallel(g->planes, window_cost(g), fn, &c);
  return TH_OK;
}

static int64_t adaptive_cost(const THNNPoolGeom *g) {
  return g->in_size[0] * g->in_size[1] * 2 + g->out_size[0] * g->out_size[1];
}

static int cpu_adaptive_pool(THTensor *out, const THTensor *input, const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("adaptive_avg_pool2d", input->dtype, adaptive_fwd_F32, adaptive_fwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(input), THTensor_data(out), NULL, NULL, 0, 0};
  THNN_parallel(g->planes, adaptive_cost(g), fn, &c);
  return TH_OK;
}

static int cpu_adaptive_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                      const THNNPoolGeom *g) {
  THNNRangeFn fn = pick("adaptive_avg_pool2d_backward", grad_output->dtype, adaptive_bwd_F32,
                        adaptive_bwd_F64);
  if (!fn) return TH_ERROR;
  PoolCtx c = {g, THTensor_data(grad_output), THTensor_data(grad_input), NULL, NULL, 0, 0};
  THNN_parallel(g->planes, adaptive_cost(g), fn, &c);
  return TH_OK;
}

__attribute__((constructor)) static void cpu_nn_pool_register(void) {
  /* assigned first so that the compiler checks the signatures of THNN.h */
  THNNMaxPoolKernel max_fwd = cpu_max_pool;
  THNNMaxPoolBackwardKernel max_bwd = cpu_max_pool_backward;
  THNNPoolKernel avg_fwd = cpu_avg_pool, ad_fwd = cpu_adaptive_pool;
  THNNPoolBackwardKernel avg_bwd = cpu_avg_pool_backward, ad_bwd = cpu_adaptive_pool_backward;
  THDispatch_register(TH_OP_max_pool2d_with_indices, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))max_fwd});
  THDispatch_register(TH_OP_max_pool2d_with_indices_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))max_bwd});
  THDispatch_register(TH_OP_avg_pool2d, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))avg_fwd});
  THDispatch_register(TH_OP_avg_pool2d_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))avg_bwd});
  THDispatch_register(TH_OP_adaptive_avg_pool2d, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))ad_fwd});
  THDispatch_register(TH_OP_adaptive_avg_pool2d_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))ad_bwd});
}
