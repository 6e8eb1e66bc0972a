/* THCpuNNConv.c: the CPU kernels of convolution and transposed convolution (forward and
 * backward) by im2col + GEMM, and their registration in the dispatch table.
 *
 * A sample's input (C, H, W) is unrolled into columns (C kH kW, oH oW) (im2col) so that the
 * convolution of each group is one matrix product with the weight (C_out/G, C/G kH kW); the
 * input gradient multiplies by the transposed weight and folds the columns back (col2im,
 * summing overlaps).  A transposed convolution is the adjoint: its forward is conv's input
 * gradient and its input gradient is conv's forward.  1x1 kernels with stride 1 and no padding
 * skip the unrolling.
 *
 * Batches of two or more samples run in parallel over the samples, each thread with its own
 * column buffer and (for the weight gradient) its own accumulator, with OpenBLAS single-
 * threaded inside; a single sample runs with OpenBLAS's own threads.
 */
#include <cblas.h>
#include <limits.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THNN.h"

/* ======================================================================= geometry */

THNNUnroll THNNUnroll_of(const THNNConvGeom *g) {
  THNNUnroll u;
  /* transposed: the image is the output, the columns span the input */
  u.C = g->transposed ? g->out_channels : g->in_channels;
  u.H = g->transposed ? g->out_size[0] : g->in_size[0];
  u.W = g->transposed ? g->out_size[1] : g->in_size[1];
  u.oH = g->transposed ? g->in_size[0] : g->out_size[0];
  u.oW = g->transposed ? g->in_size[1] : g->out_size[1];
  u.kH = g->kernel[0];
  u.kW = g->kernel[1];
  u.sH = g->stride[0];
  u.sW = g->stride[1];
  u.pH = g->padding[0];
  u.pW = g->padding[1];
  u.dH = g->dilation[0];
  u.dW = g->dilation[1];
  return u;
}

/* The range [lo, hi) of output columns ow whose input column ow * s + off lies in [0, W). */
static void valid_range(int64_t off, int64_t s, int64_t W, int64_t oW, int64_t *lo, int64_t *hi) {
  int64_t l = off >= 0 ? 0 : (-off + s - 1) / s;
  int64_t h = W - off <= 0 ? 0 : (W - off + s - 1) / s;
  if (l > oW) l = oW;
  if (h > oW) h = oW;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

static bool fits_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

/* ======================================================================= per dtype */

#define DEFINE_CONV(SUF, T, GEMM)                                                              \
  static void im2col_##SUF(const T *restrict im, const THNNUnroll *u, T *restrict col) {           \
    const int64_t L = u->oH * u->oW;                                                           \
    for (int64_t c = 0; c < u->C; c++)                                                         \
      for (int64_t kh = 0; kh < u->kH; kh++)                                                   \
        for (int64_t kw = 0; kw < u->kW; kw++) {                                               \
          T *dst = col + ((c * u->kH + kh) * u->kW + kw) * L;                                  \
          int64_t off = kw * u->dW - u->pW, lo, hi;                                            \
          valid_range(off, u->sW, u->W, u->oW, &lo, &hi);                                      \
          for (int64_t oh = 0; oh < u->oH; oh++) {                                             \
            T *d = dst + oh * u->oW;                                                           \
            int64_t ih = oh * u->sH - u->pH + kh * u->dH;                                      \
            if (ih < 0 || ih >= u->H) {                                                        \
              memset(d, 0, sizeof(T) * (size_t)u->oW);                                         \
              continue;                                                                        \
            }                                                                                  \
            const T *s = im + (c * u->H + ih) * u->W + off;                                    \
            for (int64_t ow = 0; ow < lo; ow++) d[ow] = 0;                                     \
            if (u->sW == 1)                                                                    \
              memcpy(d + lo, s + lo, sizeof(T) * (size_t)(hi - lo));                           \
            else                                                                               \
              for (int64_t ow = lo; ow < hi; ow++) d[ow] = s[ow * u->sW];                      \
            for (int64_t ow = hi; ow < u->oW; ow++) d[ow] = 0;                                 \
          }                                                                                    \
        }                                                                                      \
  }                                                                                            \
                                                                                               \
  /* im (zeroed here) <- the columns folded back, overlaps summed */                          \
  static void col2im_##SUF(const T *restrict col, const THNNUnroll *u, T *restrict im) {           \
    const int64_t L = u->oH * u->oW;                                                           \
    memset(im, 0, sizeof(T) * (size_t)(u->C * u->H * u->W));                                   \
    for (int64_t c = 0; c < u->C; c++)                                                         \
      for (int64_t kh = 0; kh < u->kH; kh++)                                                   \
        for (int64_t kw = 0; kw < u->kW; kw++) {                                               \
          const T *src = col + ((c * u->kH + kh) * u->kW + kw) * L;                            \
          int64_t off = kw * u->dW - u->pW, lo, hi;                                            \
          valid_range(off, u->sW, u->W, u->oW, &lo, &hi);                                      \
          for (int64_t oh = 0; oh < u->oH; oh++) {                                             \
            int64_t ih = oh * u->sH - u->pH + kh * u->dH;                                      \
            if (ih < 0 || ih >= u->H) continue;                                                \
            const T *s = src + oh * u->oW;                                                     \
            T *d = im + (c * u->H + ih) * u->W + off;                                          \
            if (u->sW == 1)                                                                    \
              for (int64_t ow = lo; ow < hi; ow++) d[ow] += s[ow];                             \
            else                                                                               \
              for (int64_t ow = lo; ow < hi; ow++) d[ow * u->sW] += s[ow];                     \
          }                                                                                    \
        }                                                                                      \
  }                                                                                            \
                                                                                               \
  /* c (m x n) = alpha a (m x k, or its transpose) b (k x n, or transposed) + beta c,          \
   * row-major; an empty k leaves beta c */                                                    \
  static void gemm_##SUF(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T *a,        \
                         int64_t lda, const T *b, int64_t ldb, T beta, T *c, int64_t ldc) {    \
    if (m == 0 || n == 0) return;                                                              \
    if (k == 0) {                                                                              \
      for (int64_t i = 0; i < m; i++)                                                          \
        for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j]; \
      return;                                                                                  \
    }                                                                                          \
    GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, \
         (int)n, (int)k, 1, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);                      \
  }                                                                                            \
                                                                                               \
  /* One sample's forward: y (C_out, out) from x (C_in, in); col is scratch. */                \
  static void conv_sample_##SUF(const THNNConvGeom *g, const THNNUnroll *u, const T *x,            \
                                const T *w, const T *b, T *y, T *col) {                        \
    const int64_t G = g->groups, Lin = g->in_size[0] * g->in_size[1];                          \
    const int64_t Lout = g->out_size[0] * g->out_size[1];                                      \
    const bool direct = THNNUnroll_isDirect(u);                                                          \
    if (!g->transposed) {                                                                      \
      const int64_t Og = g->out_channels / G, Kg = (g->in_channels / G) * u->kH * u->kW;       \
      const T *cols = x;                                                                       \
      if (!direct) {                                                                           \
        im2col_##SUF(x, u, col);                                                               \
        cols = col;                                                                            \
      }                                                                                        \
      for (int64_t gi = 0; gi < G; gi++)                                                       \
        gemm_##SUF(false, false, Og, Lout, Kg, w + gi * Og * Kg, Kg, cols + gi * Kg * Lout,    \
                   Lout, 0, y + gi * Og * Lout, Lout);                                         \
    } else {                                                                                   \
      const int64_t Cg = g->in_channels / G, Kg = (g->out_channels / G) * u->kH * u->kW;       \
      T *cols = direct ? y : col;                                                              \
      for (int64_t gi = 0; gi < G; gi++)                                                       \
        gemm_##SUF(true, false, Kg, Lin, Cg, w + gi * Cg * Kg, Kg, x + gi * Cg * Lin, Lin, 0,  \
                   cols + gi * Kg * Lin, Lin);                                                 \
      if (!direct) col2im_##SUF(col, u, y);                                                    \
    }                                                                                          \
    if (b)                                                                                     \
      for (int64_t o = 0; o < g->out_channels; o++) {                                          \
        T bo = b[o], *yo = y + o * Lout;                                                       \
        for (int64_t i = 0; i < Lout; i++) yo[i] += bo;                                        \
      }                                                                                        \
  }                                                                                            \
                                                                                               \
  /* One sample's gradients: gx (C_in, in) and/or gw += (accumulated), from gy (C_out, out).  \
   * col and col2 are scratch. */                                                              \
  static void conv_sample_backward_##SUF(const THNNConvGeom *g, const THNNUnroll *u, const T *x,   \
                                         const T *w, const T *gy, T *gx, T *gw, T *col,         \
                                         T *col2) {                                            \
    const int64_t G = g->groups, Lin = g->in_size[0] * g->in_size[1];                          \
    const int64_t Lout = g->out_size[0] * g->out_size[1];                                      \
    const bool direct = THNNUnroll_isDirect(u);                                                          \
    if (!g->transposed) {                                                                      \
      const int64_t Og = g->out_channels / G, Kg = (g->in_channels / G) * u->kH * u->kW;       \
      if (gw) {                                                                                \
        const T *cols = x;                                                                     \
        if (!direct) {                                                                         \
          im2col_##SUF(x, u, col);                                                             \
          cols = col;                                                                          \
        }                                                                                      \
        for (int64_t gi = 0; gi < G; gi++)                                                     \
          gemm_##SUF(false, true, Og, Kg, Lout, gy + gi * Og * Lout, Lout,                     \
                     cols + gi * Kg * Lout, Lout, 1, gw + gi * Og * Kg, Kg);                   \
      }                                                                                        \
      if (gx) {                                                                                \
        T *cols = direct ? gx : col2;                                                          \
        for (int64_t gi = 0; gi < G; gi++)                                                     \
          gemm_##SUF(true, false, Kg, Lout, Og, w + gi * Og * Kg, Kg, gy + gi * Og * Lout,     \
                     Lout, 0, cols + gi * Kg * Lout, Lout);                                    \
        if (!direct) col2im_##SUF(col2, u, gx);                                                \
      }                                                                                        \
    } else {                                                                                   \
      const int64_t Cg = g->in_channels / G, Kg = (g->out_channels / G) * u->kH * u->kW;       \
      const T *cols = gy;                                                                      \
      if (!direct) {                                                                           \
        im2col_##SUF(gy, u, col);                                                              \
        cols = col;                                                                            \
      }                                                                                        \
      for (int64_t gi = 0; gi < G; gi++) {                                                     \
        if (gx)                                                                                \
          gemm_##SUF(false, false, Cg, Lin, Kg, w + gi * Cg * Kg, Kg, cols + gi * Kg * Lin,    \
                     Lin, 0, gx + gi * Cg * Lin, Lin);                                         \
        if (gw)                                                                                \
          gemm_##SUF(false, true, Cg, Kg, Lin, x + gi * Cg * Lin, Lin, cols + gi * Kg * Lin,   \
                     Lin, 1, gw + gi * Cg * Kg, Kg);                                           \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static int conv_forward_##SUF(THTensor *out, const THTensor *input, const THTensor *weight,  \
                                const THTensor *bias, const THNNConvGeom *g) {                 \
    THNNUnroll u = THNNUnroll_of(g);                                                                   \
    const int64_t N = g->batch, in_n = g->in_channels * g->in_size[0] * g->in_size[1];        \
    const int64_t out_n = g->out_channels * g->out_size[0] * g->out_size[1];                   \
    const int64_t col_n = THNNUnroll_isDirect(&u) ? 0 : u.C * u.kH * u.kW * u.oH * u.oW;                 \
    if (!fits_int(col_n) || !fits_int(in_n) || !fits_int(out_n))                              \
      return TH_setError("[convolution] the problem is too large for BLAS (more than 2^31 "    \
                         "elements per sample)");                                              \
    const T *x = THTensor_data(input), *w = THTensor_data(weight);                             \
    const T *b = bias ? THTensor_data(bias) : NULL;                                            \
    T *y = THTensor_data(out);                                                                 \
    int nt = (N > 1 && !omp_in_parallel()) ? omp_get_max_threads() : 1;                        \
    if (nt > N) nt = (int)N;                                                                   \
    if (nt < 1) nt = 1;                                                                        \
    T *cols = col_n ? malloc(sizeof(T) * (size_t)col_n * (size_t)nt) : NULL;                   \
    if (col_n && !cols) return TH_setError("[convolution] out of memory for the column buffer"); \
    if (nt > 1) {                                                                              \
      _Pragma("omp parallel for num_threads(nt) schedule(static)")                             \
      for (int64_t n = 0; n < N; n++)                                                          \
        conv_sample_##SUF(g, &u, x + n * in_n, w, b, y + n * out_n,                            \
                          cols ? cols + col_n * omp_get_thread_num() : NULL);                  \
    } else {                                                                                   \
      for (int64_t n = 0; n < N; n++)                                                          \
        conv_sample_##SUF(g, &u, x + n * in_n, w, b, y + n * out_n, cols);                     \
    }                                                                                          \
    free(cols);                                                                                \
    return TH_OK;                                                                              \
  }                                                                                            \
                                                                                               \
  static int conv_backward_##SUF(THTensor *grad_input, THTensor *grad_weight,                  \
                                 THTensor *grad_bias, const THTensor *grad_output,             \
                                 const THTensor *input, const THTensor *weight,                \
                                 const THNNConvGeom *g) {                                      \
    THNNUnroll u = THNNUnroll_of(g);                                                                   \
    const int64_t N = g->batch, in_n = g->in_channels * g->in_size[0] * g->in_size[1];        \
    const int64_t out_n = g->out_channels * g->out_size[0] * g->out_size[1];                   \
    const int64_t col_n = THNNUnroll_isDirect(&u) ? 0 : u.C * u.kH * u.kW * u.oH * u.oW;                 \
    const int64_t w_n = THTensor_numel(weight);                                                \
    if (!fits_int(col_n) || !fits_int(in_n) || !fits_int(out_n))                              \
      return TH_setError("[convolution_backward] the problem is too large for BLAS (more than " \
                         "2^31 elements per sample)");                                         \
    const T *x = THTensor_data(input), *w = THTensor_data(weight);                             \
    const T *gy = THTensor_data(grad_output);                                                  \
    T *gx = grad_input ? THTensor_data(grad_input) : NULL;                                     \
    T *gw = grad_weight ? THTensor_data(grad_weight) : NULL;                                   \
    if (grad_bias) {                                                                           \
      T *gb = THTensor_data(grad_bias);                                                        \
      const int64_t L = g->out_size[0] * g->out_size[1];                                       \
      for (int64_t o = 0; o < g->out_channels; o++) {                                          \
        double s = 0;                                                                          \
        for (int64_t n = 0; n < N; n++) {                                                      \
          const T *p = gy + n * out_n + o * L;                                                 \
          T part = 0;                                                                          \
          for (int64_t i = 0; i < L; i++) part += p[i];                                        \
          s += part;                                                                           \
        }                                                                                      \
        gb[o] = (T)s;                                                                          \
      }                                                                                        \
    }                                                                                          \
    if (!gx && !gw) return TH_OK;                                                              \
    if (gw) memset(gw, 0, sizeof(T) * (size_t)w_n);                                            \
    int nt = (N > 1 && !omp_in_parallel()) ? omp_get_max_threads() : 1;                        \
    if (nt > N) nt = (int)N;                                                                   \
    if (nt < 1) nt = 1;                                                                        \
    /* per thread: two column buffers, and a weight accumulator for threads after the first */ \
    const int64_t per = 2 * col_n + (gw ? w_n : 0);                                            \
    T *scratch = per ? malloc(sizeof(T) * (size_t)per * (size_t)nt) : NULL;                    \
    if (per && !scratch)                                                                       \
      return TH_setError("[convolution_backward] out of memory for the column buffers");       \
    if (nt > 1) {                                                                              \
      _Pragma("omp parallel num_threads(nt)")                                                  \
      {                                                                                        \
        int t = omp_get_thread_num();                                                          \
        T *mine = scratch + per * t;                                                           \
        T *acc = !gw ? NULL : t == 0 ? gw : mine + 2 * col_n;                                  \
        if (acc && t > 0) memset(acc, 0, sizeof(T) * (size_t)w_n);                             \
        _Pragma("omp for schedule(static)")                                                    \
        for (int64_t n = 0; n < N; n++)                                                        \
          conv_sample_backward_##SUF(g, &u, x + n * in_n, w, gy + n * out_n,                  \
                                     gx ? gx + n * in_n : NULL, acc, mine, mine + col_n);      \
      }                                                                                        \
      if (gw)                                                                                  \
        for (int t = 1; t < nt; t++) {                                                         \
          const T *acc = scratch + per * t + 2 * col_n;                                        \
          for (int64_t i = 0; i < w_n; i++) gw[i] += acc[i];                                   \
        }                                                                                      \
    } else {                                                                                   \
      for (int64_t n = 0; n < N; n++)                                                          \
        conv_sample_backward_##SUF(g, &u, x + n * in_n, w, gy + n * out_n,                    \
                                   gx ? gx + n * in_n : NULL, gw, scratch,                     \
                                   scratch ? scratch + col_n : NULL);                          \
    }                                                                                          \
    free(scratch);                                                                             \
    return TH_OK;                                                                              \
  }

DEFINE_CONV(F32, float, cblas_sgemm)
DEFINE_CONV(F64, double, cblas_dgemm)

/* ======================================================================= dispatch */

static int cpu_conv(THTensor *out, const THTensor *input, const THTensor *weight,
                    const THTensor *bias, const THNNConvGeom *g) {
  switch (input->dtype) {
  case TH_F32: return conv_forward_F32(out, input, weight, bias, g);
  case TH_F64: return conv_forward_F64(out, input, weight, bias, g);
  default: return TH_setError("[convolution] no CPU kernel for dtype %s", THDtype_name(input->dtype));
  }
}

static int cpu_conv_backward(THTensor *grad_input, THTensor *grad_weight, THTensor *grad_bias,
                             const THTensor *grad_output, const THTensor *input,
                             const THTensor *weight, const THNNConvGeom *g) {
  switch (input->dtype) {
  case TH_F32:
    return conv_backward_F32(grad_input, grad_weight, grad_bias, grad_output, input, weight, g);
  case TH_F64:
    return conv_backward_F64(grad_input, grad_weight, grad_bias, grad_output, input, weight, g);
  default:
    return TH_setError("[convolution_backward] no CPU kernel for dtype %s",
                       THDtype_name(input->dtype));
  }
}

__attribute__((constructor)) static void cpu_nn_conv_register(void) {
  THNNConvKernel fwd = cpu_conv; /* the signatures of THNN.h */
  THNNConvBackwardKernel bwd = cpu_conv_backward;
  THDispatch_register(TH_OP_convolution, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))fwd});
  THDispatch_register(TH_OP_convolution_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bwd});
}
