/* THCpuNNNorm.c: the CPU kernels of softmax/log_softmax and of batch, layer and group
 * normalisation (forward and backward), and their registration in the dispatch table.
 *
 * softmax runs over rows of the softmax dim: contiguous rows (inner == 1) with vectorised exp,
 * strided ones a block of inner columns at a time.  The norms compute statistics in double
 * (two passes: the mean, then the centred sum of squares) and parallelise over channels
 * (batch norm), rows (layer norm) or (sample, group) pairs (group norm); parameter gradients
 * that sum over rows are computed per column range, so results do not depend on the thread
 * count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THCpuNN.h"
#include "THCpuVec.h"

/* Inner columns handled together by the strided softmax. */
#define SOFTMAX_BLOCK 256

typedef struct {
  const void *x, *y, *go, *w, *b, *mean, *invstd;
  void *out, *gi, *gw, *gb, *rm, *rv, *smean, *sinvstd;
  int64_t outer, n, inner, nblocks;
  int64_t N, C, S, G, M, D;
  bool log, training;
  double momentum, eps;
  double *ds, *db; /* group norm backward: per (n, c) sums */
} NormCtx;

static double expd(double v) { return exp(v); }
static float expff(float v) { return expf(v); }
#define EXP_OF(T) _Generic((T)0, float: expff, default: expd)

#define DEFINE_NORM(SUF, T, VEXP)                                                              \
  /* ---- softmax ---- */                                                                      \
  static void softmax_rows_##SUF(void *vc, int64_t lo, int64_t hi) {                           \
    NormCtx *c = vc;                                                                           \
    const int64_t n = c->n;                                                                    \
    for (int64_t r = lo; r < hi; r++) {                                                        \
      const T *x = (const T *)c->x + r * n;                                                    \
      T *y = (T *)c->out + r * n;                                                              \
      T m = x[0];                                                                              \
      for (int64_t i = 1; i < n; i++) m = x[i] > m ? x[i] : m;                                 \
      for (int64_t i = 0; i < n; i++) y[i] = x[i] - m;                                         \
      VEXP(y, y, n);                                                                           \
      double s = 0;                                                                            \
      for (int64_t i = 0; i < n; i++) s += y[i];                                               \
      if (c->log) {                                                                            \
        T ls = (T)log(s);                                                                      \
        for (int64_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;                                \
      } else {                                                                                 \
        T inv = (T)(1.0 / s);                                                                  \
        for (int64_t i = 0; i < n; i++) y[i] *= inv;                                           \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* items: (outer index, block of inner columns) */                                           \
  static void softmax_cols_##SUF(void *vc, int64_t lo, int64_t hi) {                           \
    NormCtx *c = vc;                                                                           \
    const int64_t n = c->n, inner = c->inner;                                                  \
    T m[SOFTMAX_BLOCK];                                                                        \
    double s[SOFTMAX_BLOCK];                                                                   \
    for (int64_t it = lo; it < hi; it++) {                                                     \
      int64_t o = it / c->nblocks, j0 = (it % c->nblocks) * SOFTMAX_BLOCK;                     \
      int64_t nb = inner - j0 < SOFTMAX_BLOCK ? inner - j0 : SOFTMAX_BLOCK;                    \
      const T *x = (const T *)c->x + o * n * inner + j0;                                       \
      T *y = (T *)c->out + o * n * inner + j0;                                                 \
      for (int64_t j = 0; j < nb; j++) {                                                       \
        m[j] = x[j];                                                                           \
        s[j] = 0;                                                                              \
      }                                                                                        \
      for (int64_t d = 1; d < n; d++)                                                          \
        for (int64_t j = 0; j < nb; j++) {                                                     \
          T v = x[d * inner + j];                                                              \
          m[j] = v > m[j] ? v : m[j];                                                          \
        }                                                                                      \
      for (int64_t d = 0; d < n; d++)                                                          \
        for (int64_t j = 0; j < nb; j++) {                                                     \
          T e = EXP_OF(T)(x[d * inner + j] - m[j]);                                            \
          y[d * inner + j] = e;                                                                \
          s[j] += e;                                                                           \
        }                                                                                      \
      if (c->log) {                                                                            \
        for (int64_t j = 0; j < nb; j++) s[j] = log(s[j]);                                     \
        for (int64_t d = 0; d < n; d++)                                                        \
          for (int64_t j = 0; j < nb; j++)                                                     \
            y[d * inner + j] = (x[d * inner + j] - m[j]) - (T)s[j];                            \
      } else {                                                                                 \
        for (int64_t j = 0; j < nb; j++) s[j] = 1.0 / s[j];                                    \
        for (int64_t d = 0; d < n; d++)                                                        \
          for (int64_t j = 0; j < nb; j++) y[d * inner + j] *= (T)s[j];                        \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void softmax_bwd_rows_##SUF(void *vc, int64_t lo, int64_t hi) {                       \
    NormCtx *c = vc;                                                                           \
    const int64_t n = c->n;                                                                    \
    for (int64_t r = lo; r < hi; r++) {                                                        \
      const T *y = (const T *)c->y + r * n, *go = (const T *)c->go + r * n;                    \
      T *gi = (T *)c->gi + r * n;                                                              \
      double s = 0;                                                                            \
      if (c->log) {                                                                            \
        for (int64_t i = 0; i < n; i++) s += go[i];                                            \
        VEXP(gi, y, n);                                                                        \
        for (int64_t i = 0; i < n; i++) gi[i] = go[i] - gi[i] * (T)s;                          \
      } else {                                                                                 \
        for (int64_t i = 0; i < n; i++) s += (double)go[i] * y[i];                             \
        for (int64_t i = 0; i < n; i++) gi[i] = y[i] * (go[i] - (T)s);                         \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void softmax_bwd_cols_##SUF(void *vc, int64_t lo, int64_t hi) {                       \
    NormCtx *c = vc;                                                                           \
    const int64_t n = c->n, inner = c->inner;                                                  \
    double s[SOFTMAX_BLOCK];                                                                   \
    for (int64_t it = lo; it < hi; it++) {                                                     \
      int64_t o = it / c->nblocks, j0 = (it % c->nblocks) * SOFTMAX_BLOCK;                     \
      int64_t nb = inner - j0 < SOFTMAX_BLOCK ? inner - j0 : SOFTMAX_BLOCK;                    \
      const T *y = (const T *)c->y + o * n * inner + j0;                                       \
      const T *go = (const T *)c->go + o * n * inner + j0;                                     \
      T *gi = (T *)c->gi + o * n * inner + j0;                                                 \
      for (int64_t j = 0; j < nb; j++) s[j] = 0;                                               \
      for (int64_t d = 0; d < n; d++)                                                          \
        for (int64_t j = 0; j < nb; j++)                                                       \
          s[j] += c->log ? (double)go[d * inner + j]                                           \
                         : (double)go[d * inner + j] * y[d * inner + j];                       \
      for (int64_t d = 0; d < n; d++)                                                          \
        for (int64_t j = 0; j < nb; j++) {                                                     \
          int64_t k = d * inner + j;                                                           \
          gi[k] = c->log ? go[k] - EXP_OF(T)(y[k]) * (T)s[j] : y[k] * (go[k] - (T)s[j]);       \
        }                                                                                      \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* ---- batch norm: one item per channel ---- */                                             \
  static void bn_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                 \
    NormCtx *c = vc;                                                                           \
    const int64_t N = c->N, C = c->C, S = c->S;                                                \
    const T *x = c->x, *w = c->w, *b = c->b;                                                   \
    T *y = c->out;                                                                             \
    for (int64_t ch = lo; ch < hi; ch++) {                                                     \
      double mean, invstd;                                                                     \
      if (c->training) {                                                                       \
        double sum = 0, sq = 0;                                                                \
        for (int64_t n = 0; n < N; n++) {                                                      \
          const T *p = x + (n * C + ch) * S;                                                   \
          for (int64_t i = 0; i < S; i++) sum += p[i];                                         \
        }                                                                                      \
        const double cnt = (double)(N * S);                                                    \
        mean = sum / cnt;                                                                      \
        for (int64_t n = 0; n < N; n++) {                                                      \
          const T *p = x + (n * C + ch) * S;                                                   \
          for (int64_t i = 0; i < S; i++) {                                                    \
            double d = p[i] - mean;                                                            \
            sq += d * d;                                                                       \
          }                                                                                    \
        }                                                                                      \
        invstd = 1.0 / sqrt(sq / cnt + c->eps);                                                \
        ((T *)c->smean)[ch] = (T)mean;                                                         \
        ((T *)c->sinvstd)[ch] = (T)invstd;                                                     \
        if (c->rm) {                                                                           \
          T *rm = c->rm, *rv = c->rv;                                                          \
          rm[ch] = (T)((1 - c->momentum) * rm[ch] + c->momentum * mean);                       \
          rv[ch] = (T)((1 - c->momentum) * rv[ch] + c->momentum * (sq / (cnt - 1)));           \
        }                                                                                      \
      } else {                                                                                 \
        mean = ((const T *)c->rm)[ch];                                                         \
        invstd = 1.0 / sqrt((double)((const T *)c->rv)[ch] + c->eps);                          \
      }                                                                                        \
      double alpha = invstd * (w ? (double)w[ch] : 1.0);                                       \
      double beta = (b ? (double)b[ch] : 0.0) - mean * alpha;                                  \
      const T a = (T)alpha, be = (T)beta;                                                      \
      for (int64_t n = 0; n < N; n++) {                                                        \
        const T *p = x + (n * C + ch) * S;                                                     \
        T *q = y + (n * C + ch) * S;                                                           \
        for (int64_t i = 0; i < S; i++) q[i] = p[i] * a + be;                                  \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void bn_bwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                 \
    NormCtx *c = vc;                                                                           \
    const int64_t N = c->N, C = c->C, S = c->S;                                                \
    const T *x = c->x, *go = c->go, *w = c->w;                                                 \
    for (int64_t ch = lo; ch < hi; ch++) {                                                     \
      double mean, invstd;                                                                     \
      if (c->training) {                                                                       \
        mean = ((const T *)c->mean)[ch];                                                       \
        invstd = ((const T *)c->invstd)[ch];                                                   \
      } else {                                                                                 \
        mean = ((const T *)c->rm)[ch];                                                         \
        invstd = 1.0 / sqrt((double)((const T *)c->rv)[ch] + c->eps);                          \
      }                                                                                        \
      double sum = 0, dot = 0;                                                                 \
      for (int64_t n = 0; n < N; n++) {                                                        \
        const T *p = x + (n * C + ch) * S, *g = go + (n * C + ch) * S;                         \
        for (int64_t i = 0; i < S; i++) {                                                      \
          sum += g[i];                                                                         \
          dot += (p[i] - mean) * g[i];                                                         \
        }                                                                                      \
      }                                                                                        \
      if (c->gw) ((T *)c->gw)[ch] = (T)(dot * invstd);                                         \
      if (c->gb) ((T *)c->gb)[ch] = (T)sum;                                                    \
      if (!c->gi) continue;                                                                    \
      const double wv = w ? (double)w[ch] : 1.0, cnt = (double)(N * S);                        \
      for (int64_t n = 0; n < N; n++) {                                                        \
        const T *p = x + (n * C + ch) * S, *g = go + (n * C + ch) * S;                         \
        T *q = (T *)c->gi + (n * C + ch) * S;                                                  \
        if (c->training) {                                                                     \
          const double k = dot * invstd * invstd / cnt, gm = sum / cnt;                        \
          for (int64_t i = 0; i < S; i++)                                                      \
            q[i] = (T)((g[i] - (p[i] - mean) * k - gm) * invstd * wv);                         \
        } else {                                                                               \
          const T a = (T)(invstd * wv);                                                        \
          for (int64_t i = 0; i < S; i++) q[i] = g[i] * a;                                     \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* ---- layer norm: one item per row ---- */                                                 \
  static void ln_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                 \
    NormCtx *c = vc;                                                                           \
    const int64_t D = c->D;                                                                    \
    const T *w = c->w, *b = c->b;                                                              \
    for (int64_t r = lo; r < hi; r++) {                                                        \
      const T *x = (const T *)c->x + r * D;                                                    \
      T *y = (T *)c->out + r * D;                                                              \
      double sum = 0, sq = 0;                                                                  \
      for (int64_t j = 0; j < D; j++) sum += x[j];                                             \
      double mean = sum / (double)D;                                                           \
      for (int64_t j = 0; j < D; j++) {                                                        \
        double d = x[j] - mean;                                                                \
        sq += d * d;                                                                           \
      }                                                                                        \
      double rstd = 1.0 / sqrt(sq / (double)D + c->eps);                                       \
      ((T *)c->smean)[r] = (T)mean;                                                            \
      ((T *)c->sinvstd)[r] = (T)rstd;                                                          \
      for (int64_t j = 0; j < D; j++) {                                                        \
        double v = (x[j] - mean) * rstd;                                                       \
        if (w) v *= w[j];                                                                      \
        if (b) v += b[j];                                                                      \
        y[j] = (T)v;                                                                           \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void ln_bwd_input_##SUF(void *vc, int64_t lo, int64_t hi) {                          \
    NormCtx *c = vc;                                                                           \
    const int64_t D = c->D;                                                                    \
    const T *w = c->w;                                                                         \
    for (int64_t r = lo; r < hi; r++) {                                                        \
      const T *x = (const T *)c->x + r * D, *g = (const T *)c->go + r * D;                     \
      T *q = (T *)c->gi + r * D;                                                               \
      const double mean = ((const T *)c->mean)[r], a = ((const T *)c->invstd)[r];              \
      double ds = 0, db = 0;                                                                   \
      for (int64_t j = 0; j < D; j++) {                                                        \
        double gw = w ? (double)g[j] * w[j] : (double)g[j];                                    \
        ds += gw * x[j];                                                                       \
        db += gw;                                                                              \
      }                                                                                        \
      const double bb = (db * mean - ds) * a * a * a / (double)D;                              \
      const double cc = -bb * mean - db * a / (double)D;                                       \
      for (int64_t j = 0; j < D; j++) {                                                        \
        double gw = w ? (double)g[j] * w[j] : (double)g[j];                                    \
        q[j] = (T)(a * gw + bb * x[j] + cc);                                                   \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* items: columns of the (M, D) view; sums over all rows */                                  \
  static void ln_bwd_params_##SUF(void *vc, int64_t lo, int64_t hi) {                          \
    NormCtx *c = vc;                                                                           \
    const int64_t D = c->D, M = c->M;                                                          \
    T *gw = c->gw, *gb = c->gb;                                                                \
    for (int64_t j = lo; j < hi; j++) {                                                        \
      if (gw) gw[j] = 0;                                                                       \
      if (gb) gb[j] = 0;                                                                       \
    }                                                                                          \
    for (int64_t r = 0; r < M; r++) {                                                          \
      const T *x = (const T *)c->x + r * D, *g = (const T *)c->go + r * D;                     \
      const T mean = ((const T *)c->mean)[r], a = ((const T *)c->invstd)[r];                   \
      for (int64_t j = lo; j < hi; j++) {                                                      \
        if (gw) gw[j] += g[j] * (x[j] - mean) * a;                                             \
        if (gb) gb[j] += g[j];                                                                 \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* ---- group norm: one item per (sample, group) ---- */                                     \
  static void gn_fwd_##SUF(void *vc, int64_t lo, int64_t hi) {                                 \
    NormCtx *c = vc;                                                                           \
    const int64_t C = c->C, S = c->S, G = c->G, Cg = C / G, D = Cg * S;                        \
    const T *w = c->w, *b = c->b;                                                              \
    for (int64_t it = lo; it < hi; it++) {                                                     \
      const T *x = (const T *)c->x + it * D;                                                   \
      T *y = (T *)c->out + it * D;                                                             \
      double sum = 0, sq = 0;                                                                  \
      for (int64_t j = 0; j < D; j++) sum += x[j];                                             \
      double mean = D ? sum / (double)D : 0;                                                   \
      for (int64_t j = 0; j < D; j++) {                                                        \
        double d = x[j] - mean;                                                                \
        sq += d * d;                                                                           \
      }                                                                                        \
      double rstd = 1.0 / sqrt((D ? sq / (double)D : 0) + c->eps);                             \
      ((T *)c->smean)[it] = (T)mean;                                                           \
      ((T *)c->sinvstd)[it] = (T)rstd;                                                         \
      int64_t g = it % G;                                                                      \
      for (int64_t k = 0; k < Cg; k++) {                                                       \
        int64_t ch = g * Cg + k;                                                               \
        double alpha = rstd * (w ? (double)w[ch] : 1.0);                                       \
        double beta = (b ? (double)b[ch] : 0.0) - mean * alpha;                                \
        const T a = (T)alpha, be = (T)beta;                                                    \
        for (int64_t i = 0; i < S; i++) y[k * S + i] = x[k * S + i] * a + be;                  \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  /* items: (sample, group); fills ds/db for their channels and grad_input */                  \
  static void gn_bwd_input_##SUF(void *vc, int64_t lo, int64_t hi) {                          \
    NormCtx *c = vc;                                                                           \
    const int64_t C = c->C, S = c->S, G = c->G, Cg = C / G;                                    \
    const T *w = c->w;                                                                         \
    for (int64_t it = lo; it < hi; it++) {                                                     \
      int64_t n = it / G, g = it % G;                                                          \
      double sum1 = 0, sum2 = 0;                                                               \
      for (int64_t k = 0; k < Cg; k++) {                                                       \
        int64_t ch = g * Cg + k;                                                               \
        const T *x = (const T *)c->x + (n * C + ch) * S, *go = (const T *)c->go + (n * C + ch) * S; \
        double ds = 0, db = 0;                                                                 \
        for (int64_t i = 0; i < S; i++) {                                                      \
          ds += (double)go[i] * x[i];                                                          \
          db += go[i];                                                                         \
        }                                                                                      \
        c->ds[n * C + ch] = ds;                                                                \
        c->db[n * C + ch] = db;                                                                \
        double wv = w ? (double)w[ch] : 1.0;                                                   \
        sum1 += ds * wv;                                                                       \
        sum2 += db * wv;                                                                       \
      }                                                                                        \
      if (!c->gi) continue;                                                                    \
      const double mean = ((const T *)c->mean)[it], rstd = ((const T *)c->invstd)[it];         \
      const double s = 1.0 / (double)(Cg * S);                                                 \
      const double bb = (sum2 * mean - sum1) * rstd * rstd * rstd * s;                         \
      const double cc = -bb * mean - sum2 * rstd * s;                                          \
      for (int64_t k = 0; k < Cg; k++) {                                                       \
        int64_t ch = g * Cg + k;                                                               \
        const T *x = (const T *)c->x + (n * C + ch) * S, *go = (const T *)c->go + (n * C + ch) * S; \
        T *q = (T *)c->gi + (n * C + ch) * S;                                                  \
        const double a = rstd * (w ? (double)w[ch] : 1.0);                                     \
        for (int64_t i = 0; i < S; i++) q[i] = (T)(a * go[i] + bb * x[i] + cc);                \
      }                                                                                        \
    }                                                                                          \
  }                                                                                            \
                                                                                               \
  static void gn_bwd_params_##SUF(NormCtx *c) {                                                \
    const int64_t N = c->N, C = c->C, G = c->G, Cg = C / G;                                    \
    for (int64_t ch = 0; ch < C; ch++) {                                                       \
      double sw = 0, sb = 0;                                                                   \
      for (int64_t n = 0; n < N; n++) {                                                        \
        int64_t it = n * G + ch / Cg;                                                          \
        double mean = ((const T *)c->mean)[it], rstd = ((const T *)c->invstd)[it];             \
        sw += (c->ds[n * C + ch] - c->db[n * C + ch] * mean) * rstd;                           \
        sb += c->db[n * C + ch];                                                               \
      }                                                                                        \
      if (c->gw) ((T *)c->gw)[ch] = (T)sw;                                                     \
      if (c->gb) ((T *)c->gb)[ch] = (T)sb;                                                     \
    }                                                                                          \
  }

DEFINE_NORM(F32, float, THVec_exp_f32)
DEFINE_NORM(F64, double, THVec_exp_f64)

/* ======================================================================= dispatch */

#define PICK(d, name) ((d) == TH_F32 ? name##_F32 : (d) == TH_F64 ? name##_F64 : NULL)

static int no_kernel(const char *op, THDtype d) {
  return TH_setError("[%s] no CPU kernel for dtype %s", op, THDtype_name(d));
}

static const void *data_or_null(const THTensor *t) { return t ? THTensor_data(t) : NULL; }

static int cpu_softmax(THTensor *out, const THTensor *input, int64_t outer, int64_t n,
                       int64_t inner, bool log) {
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.out = THTensor_data(out);
  c.outer = outer;
  c.n = n;
  c.inner = inner;
  c.log = log;
  if (input->dtype != TH_F32 && input->dtype != TH_F64) return no_kernel("softmax", input->dtype);
  if (inner == 1) {
    THNN_parallel(outer, 4 * n, PICK(input->dtype, softmax_rows), &c);
  } else {
    c.nblocks = (inner + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK;
    THNN_parallel(outer * c.nblocks, 4 * n * (inner < SOFTMAX_BLOCK ? inner : SOFTMAX_BLOCK),
                  PICK(input->dtype, softmax_cols), &c);
  }
  return TH_OK;
}

static int cpu_softmax_backward(THTensor *grad_input, const THTensor *grad_output,
                                const THTensor *output, int64_t outer, int64_t n, int64_t inner,
                                bool log) {
  NormCtx c = {0};
  c.y = THTensor_data(output);
  c.go = THTensor_data(grad_output);
  c.gi = THTensor_data(grad_input);
  c.outer = outer;
  c.n = n;
  c.inner = inner;
  c.log = log;
  if (output->dtype != TH_F32 && output->dtype != TH_F64)
    return no_kernel("softmax_backward", output->dtype);
  if (inner == 1) {
    THNN_parallel(outer, 4 * n, PICK(output->dtype, softmax_bwd_rows), &c);
  } else {
    c.nblocks = (inner + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK;
    THNN_parallel(outer * c.nblocks, 4 * n * (inner < SOFTMAX_BLOCK ? inner : SOFTMAX_BLOCK),
                  PICK(output->dtype, softmax_bwd_cols), &c);
  }
  return TH_OK;
}

static int cpu_batch_norm(THTensor *out, THTensor *save_mean, THTensor *save_invstd,
                          THTensor *running_mean, THTensor *running_var, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t N, int64_t C,
                          int64_t S, bool training, double momentum, double eps) {
  THNNRangeFn fn = PICK(input->dtype, bn_fwd);
  if (!fn) return no_kernel("batch_norm", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.out = THTensor_data(out);
  c.w = data_or_null(weight);
  c.b = data_or_null(bias);
  c.smean = save_mean ? THTensor_data(save_mean) : NULL;
  c.sinvstd = save_invstd ? THTensor_data(save_invstd) : NULL;
  c.rm = running_mean ? THTensor_data(running_mean) : NULL;
  c.rv = running_var ? THTensor_data(running_var) : NULL;
  c.N = N;
  c.C = C;
  c.S = S;
  c.training = training;
  c.momentum = momentum;
  c.eps = eps;
  THNN_parallel(C, 3 * N * S, fn, &c);
  return TH_OK;
}

static int cpu_batch_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *weight,
                                   const THTensor *save_mean, const THTensor *save_invstd,
                                   const THTensor *running_mean, const THTensor *running_var,
                                   int64_t N, int64_t C, int64_t S, bool training, double eps) {
  THNNRangeFn fn = PICK(input->dtype, bn_bwd);
  if (!fn) return no_kernel("batch_norm_backward", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.go = THTensor_data(grad_output);
  c.w = data_or_null(weight);
  c.mean = data_or_null(save_mean);
  c.invstd = data_or_null(save_invstd);
  c.rm = (void *)data_or_null(running_mean);
  c.rv = (void *)data_or_null(running_var);
  c.gi = grad_input ? THTensor_data(grad_input) : NULL;
  c.gw = grad_weight ? THTensor_data(grad_weight) : NULL;
  c.gb = grad_bias ? THTensor_data(grad_bias) : NULL;
  c.N = N;
  c.C = C;
  c.S = S;
  c.training = training;
  c.eps = eps;
  THNN_parallel(C, 4 * N * S, fn, &c);
  return TH_OK;
}

static int cpu_layer_norm(THTensor *out, THTensor *mean, THTensor *rstd, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t M, int64_t D,
                          double eps) {
  THNNRangeFn fn = PICK(input->dtype, ln_fwd);
  if (!fn) return no_kernel("layer_norm", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.out = THTensor_data(out);
  c.w = data_or_null(weight);
  c.b = data_or_null(bias);
  c.smean = THTensor_data(mean);
  c.sinvstd = THTensor_data(rstd);
  c.M = M;
  c.D = D;
  c.eps = eps;
  THNN_parallel(M, 4 * D, fn, &c);
  return TH_OK;
}

static int cpu_layer_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *mean,
                                   const THTensor *rstd, const THTensor *weight, int64_t M,
                                   int64_t D) {
  if (input->dtype != TH_F32 && input->dtype != TH_F64)
    return no_kernel("layer_norm_backward", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.go = THTensor_data(grad_output);
  c.w = data_or_null(weight);
  c.mean = THTensor_data(mean);
  c.invstd = THTensor_data(rstd);
  c.gi = grad_input ? THTensor_data(grad_input) : NULL;
  c.gw = grad_weight ? THTensor_data(grad_weight) : NULL;
  c.gb = grad_bias ? THTensor_data(grad_bias) : NULL;
  c.M = M;
  c.D = D;
  if (c.gi) THNN_parallel(M, 6 * D, PICK(input->dtype, ln_bwd_input), &c);
  if (c.gw || c.gb) THNN_parallel(D, 3 * M, PICK(input->dtype, ln_bwd_params), &c);
  return TH_OK;
}

static int cpu_group_norm(THTensor *out, THTensor *mean, THTensor *rstd, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t N, int64_t C,
                          int64_t S, int64_t G, double eps) {
  THNNRangeFn fn = PICK(input->dtype, gn_fwd);
  if (!fn) return no_kernel("group_norm", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.out = THTensor_data(out);
  c.w = data_or_null(weight);
  c.b = data_or_null(bias);
  c.smean = THTensor_data(mean);
  c.sinvstd = THTensor_data(rstd);
  c.N = N;
  c.C = C;
  c.S = S;
  c.G = G;
  c.eps = eps;
  THNN_parallel(N * G, 4 * (C / G) * S, fn, &c);
  return TH_OK;
}

static int cpu_group_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *mean,
                                   const THTensor *rstd, const THTensor *weight, int64_t N,
                                   int64_t C, int64_t S, int64_t G) {
  THNNRangeFn fn = PICK(input->dtype, gn_bwd_input);
  if (!fn) return no_kernel("group_norm_backward", input->dtype);
  NormCtx c = {0};
  c.x = THTensor_data(input);
  c.go = THTensor_data(grad_output);
  c.w = data_or_null(weight);
  c.mean = THTensor_data(mean);
  c.invstd = THTensor_data(rstd);
  c.gi = grad_input ? THTensor_data(grad_input) : NULL;
  c.gw = grad_weight ? THTensor_data(grad_weight) : NULL;
  c.gb = grad_bias ? THTensor_data(grad_bias) : NULL;
  c.N = N;
  c.C = C;
  c.S = S;
  c.G = G;
  size_t nc = (size_t)(N * C > 0 ? N * C : 1);
  c.ds = malloc(sizeof(double) * nc * 2);
  if (!c.ds) return TH_setError("[group_norm_backward] out of memory");
  c.db = c.ds + nc;
  THNN_parallel(N * G, 5 * (C / G) * S, fn, &c);
  if (c.gw || c.gb) {
    if (input->dtype == TH_F32) gn_bwd_params_F32(&c);
    else gn_bwd_params_F64(&c);
  }
  free(c.ds);
  return TH_OK;
}

__attribute__((constructor)) static void cpu_nn_norm_register(void) {
  /* assigned first so that the compiler checks the signatures of THNN.h */
  THNNSoftmaxKernel sm = cpu_softmax;
  THNNSoftmaxBackwardKernel smb = cpu_softmax_backward;
  THNNBatchNormKernel bn = cpu_batch_norm;
  THNNBatchNormBackwardKernel bnb = cpu_batch_norm_backward;
  THNNLayerNormKernel ln = cpu_layer_norm;
  THNNLayerNormBackwardKernel lnb = cpu_layer_norm_backward;
  THNNGroupNormKernel gn = cpu_group_norm;
  THNNGroupNormBackwardKernel gnb = cpu_group_norm_backward;
  THDispatch_register(TH_OP_softmax, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))sm});
  THDispatch_register(TH_OP_log_softmax, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))sm});
  THDispatch_register(TH_OP_softmax_backward_data, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))smb});
  THDispatch_register(TH_OP_log_softmax_backward_data, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))smb});
  THDispatch_register(TH_OP_native_batch_norm, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))bn});
  THDispatch_register(TH_OP_native_batch_norm_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))bnb});
  THDispatch_register(TH_OP_native_layer_norm, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))ln});
  THDispatch_register(TH_OP_native_layer_norm_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))lnb});
  THDispatch_register(TH_OP_native_group_norm, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))gn});
  THDispatch_register(TH_OP_native_group_norm_backward, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))gnb});
}
