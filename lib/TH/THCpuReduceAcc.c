/* THCpuReduceAcc.c: the accumulators of the CPU reductions (see THCpuReduce.h), one set of
 * functions per op family and dtype, generated from the dtype lists.
 *
 * Sums follow PyTorch's cascade sum: a contiguous float row is read as 8-wide (4-wide for
 * float64) vectors into four accumulators, and every 2^k blocks the partial sums move up one
 * of four levels, so only numbers of similar magnitude are ever added; strided rows and
 * column blocks use the same cascade one element at a time.  float16/bfloat16 are summed in
 * float, integers and bool in int64 (wrapping).  var/std and logsumexp accumulate in double
 * (two passes per row or block: mean then squared deviations, max then exp-sums) and merge
 * partial states exactly.  Max/min propagate NaN; the indexed forms keep the first index on
 * ties and the first NaN.
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "THCpuReduce.h"


/* The hot vector loops are compiled twice, for AVX2 and for the baseline, and picked at load
 * time.  Both clones add the same lanes in the same order, so their results are identical. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(TH_NO_CLONES)
#define TH_VEC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TH_VEC_CLONES
#endif

typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef int64_t v4l __attribute__((vector_size(32)));
/* 16-byte vectors for compare-and-select loops (one SSE register each) */
typedef float v4f __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef int64_t v2l __attribute__((vector_size(16)));

/* ======================================================================= loads */

static inline void ldv_F32(v8f *v, const float *p) { memcpy(v, p, sizeof *v); }
static inline void ldv_F64(v4d *v, const double *p) { memcpy(v, p, sizeof *v); }
static inline void ldv_F16(v8f *v, const th_half *p) {
  for (int k = 0; k < 8; k++) (*v)[k] = th_half2float(p[k]);
}
static inline void ldv_BF16(v8f *v, const th_bfloat16 *p) {
  uint32_t u[8];
  for (int k = 0; k < 8; k++) u[k] = (uint32_t)p[k] << 16;
  memcpy(v, u, sizeof *v);
}

static inline void ldq_F32(v4f *v, const float *p) { memcpy(v, p, sizeof *v); }
static inline void ldq_F64(v2d *v, const double *p) { memcpy(v, p, sizeof *v); }
static inline void ldq_F16(v4f *v, const th_half *p) {
  for (int k = 0; k < 4; k++) (*v)[k] = th_half2float(p[k]);
}
static inline void ldq_BF16(v4f *v, const th_bfloat16 *p) {
  uint32_t u[4];
  for (int k = 0; k < 4; k++) u[k] = (uint32_t)p[k] << 16;
  memcpy(v, u, sizeof *v);
}

/* Element transforms of the sum family, vector (TV_) and scalar (TS_) forms:
 * SUM x, NAN0 x with NaN as 0 (nansum), ABS |x| (1-norm), SQ x*x (2-norm), NZ x != 0 (0-norm). */
#define TV_SUM_v8f(v) (v)
#define TV_SUM_v4d(v) (v)
#define TS_SUM(v) (v)
#define TV_NAN0_v8f(v) ((v8f)((v8i)(v) & ((v) == (v))))
#define TV_NAN0_v4d(v) ((v4d)((v4l)(v) & ((v) == (v))))
#define TS_NAN0(v) ((v) != (v) ? 0 : (v))
#define TV_ABS_v8f(v) ((v8f)((v8i)(v) & 0x7fffffff))
#define TV_ABS_v4d(v) ((v4d)((v4l)(v) & 0x7fffffffffffffffLL))
#define TS_ABS(v) _Generic((v), float: fabsf, default: fabs)(v)
#define TV_SQ_v8f(v) ((v) * (v))
#define TV_SQ_v4d(v) ((v) * (v))
#define TS_SQ(v) ((v) * (v))
#define TV_NZ_v8f(v) ((v8f)(((v) != 0) & 0x3f800000))
#define TV_NZ_v4d(v) ((v4d)(((v) != 0) & 0x3ff0000000000000LL))
#define TS_NZ(v) ((v) != 0 ? 1 : 0)

/* ======================================================================= cascade sums */

/* A contiguous row: W-wide vectors, four accumulators, four cascade levels (PyTorch's
 * vectorized inner sum), then the scalar tail and the lanes. */
#define DEF_CASCADE_ROWV(FN, CTYPE, ACC, VT, W, LDV, LDS, TV, TS)                     \
  TH_VEC_CLONES static ACC FN(const CTYPE *x, int64_t n) {                                          \
    const int64_t nv = n / W, nq = nv / 4;                                            \
    VT acc[4][4];                                                                     \
    memset(acc, 0, sizeof acc);                                                       \
    const int lp = th_cascade_level(nq);                                              \
    const int64_t step = (int64_t)1 << lp, mask = step - 1;                           \
    int64_t i = 0;                                                                    \
    while (i + step <= nq) {                                                          \
      for (int64_t j = 0; j < step; j++, i++) {                                       \
        const CTYPE *p = x + i * 4 * W;                                               \
        for (int k = 0; k < 4; k++) {                                                 \
          VT t;                                                                       \
          LDV(&t, p + k * W);                                                         \
          acc[0][k] += TV(t);                                                         \
        }                                                                             \
      }                                                                               \
      for (int l = 1; l < 4; l++) {                                                   \
        for (int k = 0; k < 4; k++) {                                                 \
          acc[l][k] += acc[l - 1][k];                                                 \
          acc[l - 1][k] = (VT){0};                                                    \
        }                                                                             \
        if ((i & (mask << (l * lp))) != 0) break;                                     \
      }                                                                               \
    }                                                                                 \
    for (; i < nq; i++) {                                                             \
      const CTYPE *p = x + i * 4 * W;                                                 \
      for (int k = 0; k < 4; k++) {                                                   \
        VT t;                                                                         \
        LDV(&t, p + k * W);                                                           \
        acc[0][k] += TV(t);                                                           \
      }                                                                               \
    }                                                                                 \
    for (int l = 1; l < 4; l++)                                                       \
      for (int k = 0; k < 4; k++) acc[0][k] += acc[l][k];                             \
    for (int64_t v = nq * 4; v < nv; v++) {                                           \
      VT t;                                                                           \
      LDV(&t, x + v * W);                                                             \
      acc[0][0] += TV(t);                                                             \
    }                                                                                 \
    for (int k = 1; k < 4; k++) acc[0][0] += acc[0][k];                               \
    ACC r = 0;                                                                        \
    for (int64_t k = nv * W; k < n; k++) {                                            \
      ACC e = LDS(x[k]);                                                              \
      r += TS(e);                                                                     \
    }                                                                                 \
    for (int k = 0; k < W; k++) r += acc[0][0][k];                                    \
    return r;                                                                         \
  }

/* The same cascade, leaving the W lane sums (lane k: elements k mod W), for column sums of
 * densely packed rows whose width divides W. */
#define DEF_CASCADE_LANES(FN, CTYPE, ACC, VT, W, LDV, LDS, TV, TS)                     \
  TH_VEC_CLONES static void FN(const CTYPE *x, int64_t n, ACC *lanes) {                                          \
    const int64_t nv = n / W, nq = nv / 4;                                            \
    VT acc[4][4];                                                                     \
    memset(acc, 0, sizeof acc);                                                       \
    const int lp = th_cascade_level(nq);                                              \
    const int64_t step = (int64_t)1 << lp, mask = step - 1;                           \
    int64_t i = 0;                                                                    \
    while (i + step <= nq) {                                                          \
      for (int64_t j = 0; j < step; j++, i++) {                                       \
        const CTYPE *p = x + i * 4 * W;                                               \
        for (int k = 0; k < 4; k++) {                                                 \
          VT t;                                                                       \
          LDV(&t, p + k * W);                                                         \
          acc[0][k] += TV(t);                                                         \
        }                                                                             \
      }                                                                               \
      for (int l = 1; l < 4; l++) {                                                   \
        for (int k = 0; k < 4; k++) {                                                 \
          acc[l][k] += acc[l - 1][k];                                                 \
          acc[l - 1][k] = (VT){0};                                                    \
        }                                                                             \
        if ((i & (mask << (l * lp))) != 0) break;                                     \
      }                                                                               \
    }                                                                                 \
    for (; i < nq; i++) {                                                             \
      const CTYPE *p = x + i * 4 * W;                                                 \
      for (int k = 0; k < 4; k++) {                                                   \
        VT t;                                                                         \
        LDV(&t, p + k * W);                                                           \
        acc[0][k] += TV(t);                                                           \
      }                                                                               \
    }                                                                                 \
    for (int l = 1; l < 4; l++)                                                       \
      for (int k = 0; k < 4; k++) acc[0][k] += acc[l][k];                             \
    for (int64_t v = nq * 4; v < nv; v++) {                                           \
      VT t;                                                                           \
      LDV(&t, x + v * W);                                                             \
      acc[0][0] += TV(t);                                                             \
    }                                                                                 \
    for (int k = 1; k < 4; k++) acc[0][0] += acc[0][k];                               \
    for (int k = 0; k < W; k++) lanes[k] = acc[0][0][k];                              \
    for (int64_t k = nv * W; k < n; k++) {                                            \
      ACC e = LDS(x[k]);                                                              \
      lanes[k % W] += TS(e);                                                          \
    }                                                                                 \
  }

/* A strided row, one element at a time: four interleaved accumulators, cascaded. */
#define DEF_CASCADE_ROWS(FN, CTYPE, ACC, LDS, TS)                                     \
  static ACC FN(const char *x, int64_t s, int64_t n) {                                \
    const int64_t nq = n / 4;                                                         \
    ACC acc[4][4];                                                                    \
    memset(acc, 0, sizeof acc);                                                       \
    const int lp = th_cascade_level(nq);                                              \
    const int64_t step = (int64_t)1 << lp, mask = step - 1;                           \
    int64_t i = 0;                                                                    \
    while (i + step <= nq) {                                                          \
      for (int64_t j = 0; j < step; j++, i++)                                         \
        for (int k = 0; k < 4; k++) {                                                 \
          ACC e = LDS(*(const CTYPE *)(x + (i * 4 + k) * s));                         \
          acc[0][k] += TS(e);                                                         \
        }                                                                             \
      for (int l = 1; l < 4; l++) {                                                   \
        for (int k = 0; k < 4; k++) {                                                 \
          acc[l][k] += acc[l - 1][k];                                                 \
          acc[l - 1][k] = 0;                                                          \
        }                                                                             \
        if ((i & (mask << (l * lp))) != 0) break;                                     \
      }                                                                               \
    }                                                                                 \
    for (; i < nq; i++)                                                               \
      for (int k = 0; k < 4; k++) {                                                   \
        ACC e = LDS(*(const CTYPE *)(x + (i * 4 + k) * s));                           \
        acc[0][k] += TS(e);                                                           \
      }                                                                               \
    for (int l = 1; l < 4; l++)                                                       \
      for (int k = 0; k < 4; k++) acc[0][k] += acc[l][k];                             \
    for (int64_t v = nq * 4; v < n; v++) {                                            \
      ACC e = LDS(*(const CTYPE *)(x + v * s));                                       \
      acc[0][0] += TS(e);                                                             \
    }                                                                                 \
    for (int k = 1; k < 4; k++) acc[0][0] += acc[0][k];                               \
    return acc[0][0];                                                                 \
  }

/* A block of nrows rows into m <= TH_RED_COLS column sums, cascaded along the rows (PyTorch's
 * vectorized outer sum); contiguous columns vectorise as plain elementwise adds. */
#define DEF_CASCADE_COLS(FN, CTYPE, ACC, LDS, TS)                                     \
  TH_VEC_CLONES static void FN(ACC *out, const char *x, int64_t rs, int64_t nrows,    \
                               int64_t cs, int64_t m, ACC *scratch) {                                           \
    ACC *lv[4] = {scratch, scratch + m, scratch + 2 * m, scratch + 3 * m};            \
    for (int l = 0; l < 4; l++)                                                       \
      for (int64_t j = 0; j < m; j++) lv[l][j] = 0;                                   \
    const int lp = th_cascade_level(nrows);                                           \
    const int64_t step = (int64_t)1 << lp, mask = step - 1;                           \
    const bool contig = cs == (int64_t)sizeof(CTYPE);                                 \
    int64_t i = 0;                                                                    \
    for (;;) {                                                                        \
      int64_t stop = i + step <= nrows ? i + step : nrows;                            \
      bool full = i + step <= nrows;                                                  \
      for (; i < stop; i++) {                                                         \
        const char *r = x + i * rs;                                                   \
        if (contig) {                                                                 \
          const CTYPE *p = (const CTYPE *)r;                                          \
          for (int64_t j = 0; j < m; j++) {                                           \
            ACC e = LDS(p[j]);                                                        \
            lv[0][j] += TS(e);                                                        \
          }                                                                           \
        } else {                                                                      \
          for (int64_t j = 0; j < m; j++) {                                           \
            ACC e = LDS(*(const CTYPE *)(r + j * cs));                                \
            lv[0][j] += TS(e);                                                        \
          }                                                                           \
        }                                                                             \
      }                                                                               \
      if (!full) break;                                                               \
      for (int l = 1; l < 4; l++) {                                                   \
        for (int64_t j = 0; j < m; j++) {                                             \
          lv[l][j] += lv[l - 1][j];                                                   \
          lv[l - 1][j] = 0;                                                           \
        }                                                                             \
        if ((i & (mask << (l * lp))) != 0) break;                                     \
      }                                                                               \
    }                                                                                 \
    for (int l = 1; l < 4; l++)                                                       \
      for (int64_t j = 0; j < m; j++) lv[0][j] += lv[l][j];                           \
    for (int64_t j = 0; j < m; j++) out[j] += lv[0][j];                               \
  }

/* The float family: (ID, CTYPE, VT, W) with ACC float/double, per transform. */
#define DEF_SUMT_FLOAT(T, ID, CTYPE, ACC, VT, W)                                              \
  DEF_CASCADE_ROWV(rowv_##T##_##ID, CTYPE, ACC, VT, W, ldv_##ID, LOAD_##ID, TV_##T##_##VT, TS_##T)   \
  DEF_CASCADE_LANES(rowl_##T##_##ID, CTYPE, ACC, VT, W, ldv_##ID, LOAD_##ID, TV_##T##_##VT, TS_##T)  \
  DEF_CASCADE_ROWS(rows_##T##_##ID, CTYPE, ACC, LOAD_##ID, TS_##T)                            \
  DEF_CASCADE_COLS(colsk_##T##_##ID, CTYPE, ACC, LOAD_##ID, TS_##T)                           \
  static void row_##T##_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,    \
                             const THReduceArgs *a) {                                         \
    (void)idx0; (void)a;                                                                      \
    *(ACC *)acc += s == (int64_t)sizeof(CTYPE) ? rowv_##T##_##ID((const CTYPE *)x, n)         \
                                               : rows_##T##_##ID(x, s, n);                    \
  }                                                                                           \
  static void cols_##T##_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs, \
                              int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {               \
    (void)idx0; (void)a;                                                                      \
    const int64_t es = (int64_t)sizeof(CTYPE);                                                \
    if (cs == es && rs == m * es && W % m == 0 && nrows * m >= 8 * W) {                       \
      ACC lanes[W];                                                                           \
      rowl_##T##_##ID((const CTYPE *)x, nrows * m, lanes);                                    \
      for (int l = 0; l < W; l++) ((ACC *)acc)[l % m] += lanes[l];                            \
      return;                                                                                 \
    }                                                                                         \
    colsk_##T##_##ID((ACC *)acc, x, rs, nrows, cs, m, (ACC *)scratch);                        \
  }

#define DEF_SUM_FLOAT(ID, CTYPE, ACC, VT, W)                                                  \
  DEF_SUMT_FLOAT(SUM, ID, CTYPE, ACC, VT, W)                                                  \
  DEF_SUMT_FLOAT(NAN0, ID, CTYPE, ACC, VT, W)                                                 \
  DEF_SUMT_FLOAT(ABS, ID, CTYPE, ACC, VT, W)                                                  \
  DEF_SUMT_FLOAT(SQ, ID, CTYPE, ACC, VT, W)                                                   \
  DEF_SUMT_FLOAT(NZ, ID, CTYPE, ACC, VT, W)
DEF_SUM_FLOAT(F32, float, float, v8f, 8)
DEF_SUM_FLOAT(F64, double, double, v4d, 4)
DEF_SUM_FLOAT(F16, th_half, float, v8f, 8)
DEF_SUM_FLOAT(BF16, th_bfloat16, float, v8f, 8)

/* Integers and bool: int64 with wrapping (order does not matter, so plain loops). */
#define DEF_SUM_INT(ID, NAME, CTYPE, ACC, KIND)                                               \
  static void row_SUM_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,      \
                           const THReduceArgs *a) {                                           \
    (void)idx0; (void)a;                                                                      \
    uint64_t r = 0;                                                                           \
    if (s == (int64_t)sizeof(CTYPE)) {                                                        \
      const CTYPE *p = (const CTYPE *)x;                                                      \
      for (int64_t k = 0; k < n; k++) r += (uint64_t)LOAD_##ID(p[k]);                         \
    } else {                                                                                  \
      for (int64_t k = 0; k < n; k++) r += (uint64_t)LOAD_##ID(*(const CTYPE *)(x + k * s));  \
    }                                                                                         \
    *(int64_t *)acc = (int64_t)((uint64_t) * (int64_t *)acc + r);                             \
  }                                                                                           \
  static void cols_SUM_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs,  \
                            int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {                 \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    uint64_t *o = acc;                                                                        \
    for (int64_t i = 0; i < nrows; i++) {                                                     \
      const char *r = x + i * rs;                                                             \
      if (cs == (int64_t)sizeof(CTYPE))                                                       \
        for (int64_t j = 0; j < m; j++) o[j] += (uint64_t)LOAD_##ID(((const CTYPE *)r)[j]);   \
      else                                                                                    \
        for (int64_t j = 0; j < m; j++) o[j] += (uint64_t)LOAD_##ID(*(const CTYPE *)(r + j * cs)); \
    }                                                                                         \
  }
TH_FORALL_INT_DTYPES(DEF_SUM_INT)
DEF_SUM_INT(BOOL, bool, bool, int64_t, 0)

/* ---- init / merge / finish of the sum family */

static void init_zero_f(void *acc, int64_t m, const THReduceArgs *a) {
  (void)a;
  memset(acc, 0, (size_t)m * sizeof(float));
}
static void init_zero_d(void *acc, int64_t m, const THReduceArgs *a) {
  (void)a;
  memset(acc, 0, (size_t)m * sizeof(double));
}
static void merge_add_f(void *acc, const void *o, int64_t m, const THReduceArgs *a) {
  (void)a;
  for (int64_t j = 0; j < m; j++) ((float *)acc)[j] += ((const float *)o)[j];
}
static void merge_add_d(void *acc, const void *o, int64_t m, const THReduceArgs *a) {
  (void)a;
  for (int64_t j = 0; j < m; j++) ((double *)acc)[j] += ((const double *)o)[j];
}
static void merge_add_i(void *acc, const void *o, int64_t m, const THReduceArgs *a) {
  (void)a;
  for (int64_t j = 0; j < m; j++) ((uint64_t *)acc)[j] += ((const uint64_t *)o)[j];
}

/* finish_<F>_<ID>: F = STORE (sum, nansum, 1-norm, 0-norm), SQRT (2-norm), MEAN (sum / count in
 * the accumulator type, rounded once: float16/bfloat16 means of large tensors do not overflow). */
#define FIN_STORE(ACC, v, a) (v)
#define FIN_SQRT(ACC, v, a) _Generic((ACC)0, float: sqrtf, default: sqrt)(v)
#define DEF_FINISH_SUM(F, ID, CTYPE, ACC)                                                     \
  static void finish_##F##_##ID(char *const *out, const int64_t *os, const void *acc,         \
                                int64_t m, const THReduceArgs *a) {                           \
    (void)a;                                                                                  \
    const ACC *v = acc;                                                                       \
    for (int64_t j = 0; j < m; j++) *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(FIN_##F(ACC, v[j], a)); \
  }
#define DEF_FINISH_MEAN(ID, CTYPE, ACC)                                                       \
  static void finish_MEAN_##ID(char *const *out, const int64_t *os, const void *acc,          \
                               int64_t m, const THReduceArgs *a) {                            \
    const ACC *v = acc;                                                                       \
    const ACC n = (ACC)a->count;                                                              \
    for (int64_t j = 0; j < m; j++) *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(v[j] / n);   \
  }
#define DEF_FINISH_FLOAT(ID, NAME, CTYPE, ACC, KIND)                                          \
  DEF_FINISH_SUM(STORE, ID, CTYPE, ACC)                                                       \
  DEF_FINISH_SUM(SQRT, ID, CTYPE, ACC)                                                        \
  DEF_FINISH_MEAN(ID, CTYPE, ACC)
TH_FORALL_FLOAT_DTYPES(DEF_FINISH_FLOAT)

static void finish_I64(char *const *out, const int64_t *os, const void *acc, int64_t m,
                       const THReduceArgs *a) {
  (void)a;
  for (int64_t j = 0; j < m; j++) *(int64_t *)(out[0] + j * os[0]) = ((const int64_t *)acc)[j];
}

/* ======================================================================= prod */

#define DEF_PROD(ID, NAME, CTYPE, ACC, KIND)                                                  \
  static void init_PROD_##ID(void *acc, int64_t m, const THReduceArgs *a) {                   \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) ((ACC *)acc)[j] = 1;                                      \
  }                                                                                           \
  static void row_PROD_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,     \
                            const THReduceArgs *a) {                                          \
    (void)idx0; (void)a;                                                                      \
    ACC r = *(ACC *)acc;                                                                      \
    for (int64_t k = 0; k < n; k++) r = TH_MUL(r, (ACC)LOAD_##ID(*(const CTYPE *)(x + k * s))); \
    *(ACC *)acc = r;                                                                          \
  }                                                                                           \
  static void cols_PROD_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs, \
                             int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {                \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    ACC *o = acc;                                                                             \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++)                                                         \
        o[j] = TH_MUL(o[j], (ACC)LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs)));           \
  }                                                                                           \
  static void merge_PROD_##ID(void *acc, const void *o, int64_t m, const THReduceArgs *a) {   \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) ((ACC *)acc)[j] = TH_MUL(((ACC *)acc)[j], ((const ACC *)o)[j]); \
  }
TH_FORALL_DTYPES(DEF_PROD)

/* ======================================================================= max / min values */

/* MAXV/MINV: max and min (NaN propagates); AMAXV/AMINV: of |x| (the inf and -inf norms). */
#define ABS_NONE(v) (v)
#define ABS_ABS(v) TS_ABS(v)
#define VABS_NONE_v4f(v) (v)
#define VABS_NONE_v2d(v) (v)
#define VABS_ABS_v4f(v) ((v4f)((v4i)(v) & 0x7fffffff))
#define VABS_ABS_v2d(v) ((v2d)((v2l)(v) & 0x7fffffffffffffffLL))
#define OP_GT >
#define OP_LT <

/* A contiguous float row: vector compare-and-blend, NaN tracked in a mask. */
#define DEF_EXT_ROWV(FN, CTYPE, ACC, VT, IT, W, LDV, LDS, VA, SA, CMP)                        \
  TH_VEC_CLONES static ACC FN(const CTYPE *x, int64_t n, ACC r) {                                           \
    VT b0, b1;                                                                                \
    for (int k = 0; k < W; k++) b0[k] = b1[k] = r;                                            \
    IT nanm = {0};                                                                            \
    int64_t k = 0;                                                                            \
    for (; k + 2 * W <= n; k += 2 * W) {                                                      \
      VT v0, v1;                                                                              \
      LDV(&v0, x + k);                                                                        \
      LDV(&v1, x + k + W);                                                                    \
      v0 = VA(v0);                                                                            \
      v1 = VA(v1);                                                                            \
      nanm |= (v0 != v0) | (v1 != v1);                                                        \
      IT c0 = v0 CMP b0, c1 = v1 CMP b1;                                                      \
      b0 = (VT)(((IT)v0 & c0) | ((IT)b0 & ~c0));                                              \
      b1 = (VT)(((IT)v1 & c1) | ((IT)b1 & ~c1));                                              \
    }                                                                                         \
    bool nan = false;                                                                         \
    for (int l = 0; l < W; l++) {                                                             \
      nan |= nanm[l] != 0;                                                                    \
      if (b0[l] CMP r) r = b0[l];                                                             \
      if (b1[l] CMP r) r = b1[l];                                                             \
    }                                                                                         \
    for (; k < n; k++) {                                                                      \
      ACC v = LDS(x[k]);                                                                      \
      v = SA(v);                                                                              \
      nan |= v != v;                                                                          \
      if (v CMP r) r = v;                                                                     \
    }                                                                                         \
    return nan ? (ACC)NAN : r;                                                                \
  }

#define DEF_EXT_FLOAT(V, ID, CTYPE, ACC, VT, IT, W, A, CMP, IDENT)                            \
  DEF_EXT_ROWV(rowv_##V##_##ID, CTYPE, ACC, VT, IT, W, ldq_##ID, LOAD_##ID, VABS_##A##_##VT, ABS_##A, CMP) \
  static void init_##V##_##ID(void *acc, int64_t m, const THReduceArgs *a) {                  \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) ((ACC *)acc)[j] = IDENT;                                  \
  }                                                                                           \
  static inline ACC comb_##V##_##ID(ACC r, ACC v) {                                           \
    return (v CMP r || v != v) && r == r ? v : r;                                             \
  }                                                                                           \
  static void row_##V##_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,    \
                             const THReduceArgs *a) {                                         \
    (void)idx0; (void)a;                                                                      \
    ACC r = *(ACC *)acc;                                                                      \
    if (r != r) return;                                                                       \
    if (s == (int64_t)sizeof(CTYPE)) {                                                        \
      *(ACC *)acc = rowv_##V##_##ID((const CTYPE *)x, n, r);                                  \
      return;                                                                                 \
    }                                                                                         \
    for (int64_t k = 0; k < n; k++) {                                                         \
      ACC v = LOAD_##ID(*(const CTYPE *)(x + k * s));                                         \
      r = comb_##V##_##ID(r, ABS_##A(v));                                                     \
    }                                                                                         \
    *(ACC *)acc = r;                                                                          \
  }                                                                                           \
  static void cols_##V##_##ID(void *acc, const char *x, int64_t rs, int64_t nrows,            \
                              int64_t cs, int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {   \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    ACC *o = acc;                                                                             \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++) {                                                       \
        ACC v = LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs));                             \
        o[j] = comb_##V##_##ID(o[j], ABS_##A(v));                                             \
      }                                                                                       \
  }                                                                                           \
  static void merge_##V##_##ID(void *acc, const void *o, int64_t m, const THReduceArgs *a) {  \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++)                                                           \
      ((ACC *)acc)[j] = comb_##V##_##ID(((ACC *)acc)[j], ((const ACC *)o)[j]);                \
  }                                                                                           \
  static void finish_##V##_##ID(char *const *out, const int64_t *os, const void *acc,         \
                                int64_t m, const THReduceArgs *a) {                           \
    for (int64_t j = 0; j < m; j++) {                                                         \
      ACC v = ((const ACC *)acc)[j];                                                          \
      if (a->count == 0) v = 0; /* norms of nothing are 0 */                                  \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(v);                                         \
    }                                                                                         \
  }
#define DEF_EXT_FLOAT_ALL(ID, CTYPE, ACC, VT, IT, W)                                          \
  DEF_EXT_FLOAT(MAXV, ID, CTYPE, ACC, VT, IT, W, NONE, OP_GT, -(ACC)INFINITY)                 \
  DEF_EXT_FLOAT(MINV, ID, CTYPE, ACC, VT, IT, W, NONE, OP_LT, (ACC)INFINITY)                  \
  DEF_EXT_FLOAT(AMAXV, ID, CTYPE, ACC, VT, IT, W, ABS, OP_GT, (ACC)0)                         \
  DEF_EXT_FLOAT(AMINV, ID, CTYPE, ACC, VT, IT, W, ABS, OP_LT, (ACC)INFINITY)
DEF_EXT_FLOAT_ALL(F32, float, float, v4f, v4i, 4)
DEF_EXT_FLOAT_ALL(F64, double, double, v2d, v2l, 2)
DEF_EXT_FLOAT_ALL(F16, th_half, float, v4f, v4i, 4)
DEF_EXT_FLOAT_ALL(BF16, th_bfloat16, float, v4f, v4i, 4)

/* Integers and bool: plain compares in int64. */
#define DEF_EXT_INT(V, ID, CTYPE, CMP, IDENT)                                                 \
  static void init_##V##_##ID(void *acc, int64_t m, const THReduceArgs *a) {                  \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) ((int64_t *)acc)[j] = IDENT;                              \
  }                                                                                           \
  static void row_##V##_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,    \
                             const THReduceArgs *a) {                                         \
    (void)idx0; (void)a;                                                                      \
    int64_t r = *(int64_t *)acc;                                                              \
    if (s == (int64_t)sizeof(CTYPE)) {                                                        \
      const CTYPE *p = (const CTYPE *)x;                                                      \
      for (int64_t k = 0; k < n; k++) {                                                       \
        int64_t v = LOAD_##ID(p[k]);                                                          \
        r = v CMP r ? v : r;                                                                  \
      }                                                                                       \
    } else {                                                                                  \
      for (int64_t k = 0; k < n; k++) {                                                       \
        int64_t v = LOAD_##ID(*(const CTYPE *)(x + k * s));                                   \
        r = v CMP r ? v : r;                                                                  \
      }                                                                                       \
    }                                                                                         \
    *(int64_t *)acc = r;                                                                      \
  }                                                                                           \
  static void cols_##V##_##ID(void *acc, const char *x, int64_t rs, int64_t nrows,            \
                              int64_t cs, int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {   \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    int64_t *o = acc;                                                                         \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++) {                                                       \
        int64_t v = LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs));                         \
        o[j] = v CMP o[j] ? v : o[j];                                                         \
      }                                                                                       \
  }                                                                                           \
  static void merge_##V##_##ID(void *acc, const void *o, int64_t m, const THReduceArgs *a) {  \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) {                                                         \
      int64_t v = ((const int64_t *)o)[j];                                                    \
      if (v CMP((int64_t *)acc)[j]) ((int64_t *)acc)[j] = v;                                  \
    }                                                                                         \
  }                                                                                           \
  static void finish_##V##_##ID(char *const *out, const int64_t *os, const void *acc,         \
                                int64_t m, const THReduceArgs *a) {                           \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++)                                                           \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(((const int64_t *)acc)[j]);                 \
  }
#define DEF_EXT_INT_ALL(ID, NAME, CTYPE, ACC, KIND)                                           \
  DEF_EXT_INT(MAXV, ID, CTYPE, OP_GT, INT64_MIN)                                              \
  DEF_EXT_INT(MINV, ID, CTYPE, OP_LT, INT64_MAX)
TH_FORALL_INT_DTYPES(DEF_EXT_INT_ALL)
DEF_EXT_INT_ALL(BOOL, bool, bool, int64_t, 0)

/* ======================================================================= indexed max / min */

/* Contiguous float rows: the extreme by the vectorised max/min, then its first position (or
 * the first NaN's). */
#define DEF_ARGFAST(V, ID, CTYPE, ACC, EXT, IDENT)                                            \
  static bool argfast_##V##_##ID(const CTYPE *x, int64_t n, ACC *v, int64_t *i) {             \
    ACC m = rowv_##EXT##_##ID(x, n, IDENT);                                                   \
    for (int64_t k = 0; k < n; k++) {                                                         \
      ACC e = LOAD_##ID(x[k]);                                                                \
      if (m != m ? e != e : e == m) {                                                         \
        *v = e;                                                                               \
        *i = k;                                                                               \
        return true;                                                                          \
      }                                                                                       \
    }                                                                                         \
    return false;                                                                             \
  }
#define DEF_ARGFAST_FLOAT(ID, NAME, CTYPE, ACC, KIND)                                         \
  DEF_ARGFAST(ARGMAX, ID, CTYPE, ACC, MAXV, -(ACC)INFINITY)                                   \
  DEF_ARGFAST(ARGMIN, ID, CTYPE, ACC, MINV, (ACC)INFINITY)
TH_FORALL_FLOAT_DTYPES(DEF_ARGFAST_FLOAT)
#define DEF_ARGFAST_NONE(ID, NAME, CTYPE, ACC, KIND)                                          \
  static bool argfast_ARGMAX_##ID(const CTYPE *x, int64_t n, ACC *v, int64_t *i) {            \
    (void)x; (void)n; (void)v; (void)i;                                                       \
    return false;                                                                             \
  }                                                                                           \
  static bool argfast_ARGMIN_##ID(const CTYPE *x, int64_t n, ACC *v, int64_t *i) {            \
    (void)x; (void)n; (void)v; (void)i;                                                       \
    return false;                                                                             \
  }
TH_FORALL_INT_DTYPES(DEF_ARGFAST_NONE)
DEF_ARGFAST_NONE(BOOL, bool, bool, int64_t, 0)

/* state: the best value so far and its index (-1: nothing seen yet) */
#define DEF_ARG(V, ID, CTYPE, ACC, CMP)                                                       \
  typedef struct {                                                                            \
    ACC v;                                                                                    \
    int64_t i;                                                                                \
  } V##_##ID##_t;                                                                             \
  /* does (v, i) beat the state s?  NaN beats numbers; ties go to the smaller index */        \
  static inline bool beats_##V##_##ID(const V##_##ID##_t *s, ACC v, int64_t i) {              \
    if (s->i < 0) return true;                                                                \
    bool vn = v != v, sn = s->v != s->v;                                                      \
    if (vn || sn) return vn && (!sn || i < s->i);                                             \
    return v CMP s->v || (v == s->v && i < s->i);                                             \
  }                                                                                           \
  static void init_##V##_##ID(void *acc, int64_t m, const THReduceArgs *a) {                  \
    (void)a;                                                                                  \
    for (int64_t j = 0; j < m; j++) {                                                         \
      ((V##_##ID##_t *)acc)[j].v = 0;                                                         \
      ((V##_##ID##_t *)acc)[j].i = -1;                                                        \
    }                                                                                         \
  }                                                                                           \
  static void row_##V##_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,    \
                             const THReduceArgs *a) {                                         \
    (void)a;                                                                                  \
    V##_##ID##_t st = *(V##_##ID##_t *)acc;                                                   \
    ACC fv;                                                                                   \
    int64_t fi;                                                                               \
    if (s == (int64_t)sizeof(CTYPE) && n >= 16 && argfast_##V##_##ID((const CTYPE *)x, n, &fv, &fi)) { \
      if (beats_##V##_##ID(&st, fv, idx0 + fi)) {                                             \
        st.v = fv;                                                                            \
        st.i = idx0 + fi;                                                                     \
        *(V##_##ID##_t *)acc = st;                                                            \
      }                                                                                       \
      return;                                                                                 \
    }                                                                                         \
    int64_t k = 0;                                                                            \
    if (st.i < 0 && n > 0) {                                                                  \
      st.v = LOAD_##ID(*(const CTYPE *)x);                                                    \
      st.i = idx0;                                                                            \
      k = 1;                                                                                  \
    }                                                                                         \
    ACC best = st.v;                                                                          \
    int64_t bi = st.i;                                                                        \
    if (best == best) {                                                                       \
      for (; k < n; k++) {                                                                    \
        ACC v = LOAD_##ID(*(const CTYPE *)(x + k * s));                                       \
        if (v CMP best || v != v) {                                                           \
          best = v;                                                                           \
          bi = idx0 + k;                                                                      \
          if (v != v) break;                                                                  \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
    st.v = best;                                                                              \
    st.i = bi;                                                                                \
    *(V##_##ID##_t *)acc = st;                                                                \
  }                                                                                           \
  static void cols_##V##_##ID(void *acc, const char *x, int64_t rs, int64_t nrows,            \
                              int64_t cs, int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {   \
    (void)a; (void)scratch;                                                                   \
    V##_##ID##_t *o = acc;                                                                    \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++) {                                                       \
        ACC v = LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs));                             \
        ACC b = o[j].v;                                                                       \
        if (o[j].i < 0 || ((v CMP b || v != v) && b == b)) {                                  \
          o[j].v = v;                                                                         \
          o[j].i = idx0 + i;                                                                  \
        }                                                                                     \
      }                                                                                       \
  }                                                                                           \
  static void merge_##V##_##ID(void *acc, const void *other, int64_t m,                       \
                               const THReduceArgs *a) {                                       \
    (void)a;                                                                                  \
    V##_##ID##_t *o = acc;                                                                    \
    const V##_##ID##_t *p = other;                                                            \
    for (int64_t j = 0; j < m; j++)                                                           \
      if (p[j].i >= 0 && beats_##V##_##ID(&o[j], p[j].v, p[j].i)) o[j] = p[j];               \
  }                                                                                           \
  /* values and indices (max/min along a dim) */                                              \
  static void finish_##V##_##ID(char *const *out, const int64_t *os, const void *acc,         \
                                int64_t m, const THReduceArgs *a) {                           \
    (void)a;                                                                                  \
    const V##_##ID##_t *o = acc;                                                              \
    for (int64_t j = 0; j < m; j++) {                                                         \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(o[j].v);                                    \
      *(int64_t *)(out[1] + j * os[1]) = o[j].i;                                              \
    }                                                                                         \
  }                                                                                           \
  /* indices only (argmax/argmin) */                                                          \
  static void finishi_##V##_##ID(char *const *out, const int64_t *os, const void *acc,        \
                                 int64_t m, const THReduceArgs *a) {                          \
    (void)a;                                                                                  \
    const V##_##ID##_t *o = acc;                                                              \
    for (int64_t j = 0; j < m; j++) *(int64_t *)(out[0] + j * os[0]) = o[j].i;                \
  }
#define DEF_ARG_ALL(ID, NAME, CTYPE, ACC, KIND)                                               \
  DEF_ARG(ARGMAX, ID, CTYPE, ACC, OP_GT)                                                      \
  DEF_ARG(ARGMIN, ID, CTYPE, ACC, OP_LT)
TH_FORALL_DTYPES(DEF_ARG_ALL)

/* ======================================================================= var / std */

typedef struct {
  double n, mean, m2;
} Welford;

/* Chan et al.'s merge of two (count, mean, sum of squared deviations) states. */
static inline void welford_merge(Welford *a, double n, double mean, double m2) {
  if (n == 0) return;
  if (a->n == 0) {
    a->n = n;
    a->mean = mean;
    a->m2 = m2;
    return;
  }
  double t = a->n + n, d = mean - a->mean;
  a->mean += d * (n / t);
  a->m2 += m2 + d * d * (a->n * n / t);
  a->n = t;
}

static void init_VAR(void *acc, int64_t m, const THReduceArgs *a) {
  (void)a;
  memset(acc, 0, (size_t)m * sizeof(Welford));
}
static void merge_VAR(void *acc, const void *o, int64_t m, const THReduceArgs *a) {
  (void)a;
  const Welford *p = o;
  for (int64_t j = 0; j < m; j++) welford_merge((Welford *)acc + j, p[j].n, p[j].mean, p[j].m2);
}

/* Rows and column blocks go in pieces of VAR_BLOCK elements (two passes each, in double),
 * merged exactly: the rounding error stays that of VAR_BLOCK-long sums. */
#define VAR_BLOCK 2048
#define DEF_VAR(ID, NAME, CTYPE, ACC, KIND)                                                   \
  static void row_VAR_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,      \
                           const THReduceArgs *a) {                                           \
    (void)idx0; (void)a;                                                                      \
    for (int64_t b = 0; b < n; b += VAR_BLOCK) {                                              \
      int64_t len = n - b < VAR_BLOCK ? n - b : VAR_BLOCK;                                    \
      const char *xb = x + b * s;                                                             \
      double sum = 0, m2 = 0;                                                                 \
      for (int64_t k = 0; k < len; k++) sum += (double)LOAD_##ID(*(const CTYPE *)(xb + k * s)); \
      double mean = sum / (double)len;                                                        \
      for (int64_t k = 0; k < len; k++) {                                                     \
        double d = (double)LOAD_##ID(*(const CTYPE *)(xb + k * s)) - mean;                    \
        m2 += d * d;                                                                          \
      }                                                                                       \
      welford_merge(acc, (double)len, mean, m2);                                              \
    }                                                                                         \
  }                                                                                           \
  static void cols_VAR_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs,  \
                            int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {                 \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    double *mean = scratch, *m2 = mean + m;                                                   \
    for (int64_t b = 0; b < nrows; b += VAR_BLOCK) {                                          \
      int64_t len = nrows - b < VAR_BLOCK ? nrows - b : VAR_BLOCK;                            \
      const char *xb = x + b * rs;                                                            \
      for (int64_t j = 0; j < m; j++) mean[j] = m2[j] = 0;                                    \
      for (int64_t i = 0; i < len; i++)                                                       \
        for (int64_t j = 0; j < m; j++)                                                       \
          mean[j] += (double)LOAD_##ID(*(const CTYPE *)(xb + i * rs + j * cs));               \
      for (int64_t j = 0; j < m; j++) mean[j] /= (double)len;                                 \
      for (int64_t i = 0; i < len; i++)                                                       \
        for (int64_t j = 0; j < m; j++) {                                                     \
          double d = (double)LOAD_##ID(*(const CTYPE *)(xb + i * rs + j * cs)) - mean[j];     \
          m2[j] += d * d;                                                                     \
        }                                                                                     \
      for (int64_t j = 0; j < m; j++) welford_merge((Welford *)acc + j, (double)len, mean[j], m2[j]); \
    }                                                                                         \
  }                                                                                           \
  /* out[0] <- var or std; out[1] <- mean for var_mean / std_mean */                          \
  static void finish_VAR_##ID(char *const *out, const int64_t *os, const void *acc,           \
                              int64_t m, const THReduceArgs *a) {                             \
    const Welford *w = acc;                                                                   \
    bool take_sqrt = a->op == TH_OP_std || a->op == TH_OP_std_mean;                           \
    for (int64_t j = 0; j < m; j++) {                                                         \
      double dof = w[j].n - a->correction;                                                    \
      double v = w[j].m2 / (dof > 0 ? dof : 0);                                               \
      if (take_sqrt) v = sqrt(v);                                                             \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(v);                                         \
      if (a->nout > 1) *(CTYPE *)(out[1] + j * os[1]) = STORE_##ID(w[j].n > 0 ? w[j].mean : NAN); \
    }                                                                                         \
  }
TH_FORALL_FLOAT_DTYPES(DEF_VAR)

/* ======================================================================= logsumexp */

/* state: sum of exp(x - shift); a state with s == 0 holds nothing (or only -inf) */
typedef struct {
  double shift, s;
} LSE;

static inline void lse_merge(LSE *a, double shift, double s) {
  if (a->shift != a->shift || a->s != a->s) return; /* NaN stays */
  if (shift != shift || s != s) {
    a->shift = a->s = NAN;
    return;
  }
  if (s == 0) return;
  if (a->s == 0) {
    a->shift = shift;
    a->s = s;
    return;
  }
  double m = a->shift > shift ? a->shift : shift;
  a->s = a->s * exp(a->shift - m) + s * exp(shift - m);
  a->shift = m;
}
static void init_LSE(void *acc, int64_t m, const THReduceArgs *a) {
  (void)a;
  memset(acc, 0, (size_t)m * sizeof(LSE));
}
static void merge_LSE(void *acc, const void *o, int64_t m, const THReduceArgs *a) {
  (void)a;
  const LSE *p = o;
  for (int64_t j = 0; j < m; j++) lse_merge((LSE *)acc + j, p[j].shift, p[j].s);
}
/* PyTorch's shift: the max, or 0 when the max is infinite (so that inf - inf never happens) */
static inline double lse_shift(double mx) { return isinf(mx) ? 0 : mx; }

/* exp of 4 floats (Cephes' expf: x = n ln2 + r, a degree-6 polynomial in r, 2^n through the
 * exponent bits); about 1 ulp; 0 below -88.4 (so -inf gives 0), inf above 88.7. */
static inline v4f vexp4(v4f x) {
  const v4f hi = {88.72283935546875f, 88.72283935546875f, 88.72283935546875f, 88.72283935546875f};
  const v4f lo = {-88.37626647949219f, -88.37626647949219f, -88.37626647949219f, -88.37626647949219f};
  v4i over = x > hi, under = x < lo;
  v4i cl = (x > hi) | (x < lo);
  x = (v4f)(((v4i)x & ~cl) | ((v4i)(v4f){0, 0, 0, 0} & cl));
  v4f fx = x * 1.44269504088896341f + 0.5f;
  v4i n = __builtin_convertvector(fx, v4i);
  v4f fn = __builtin_convertvector(n, v4f);
  n -= (v4i)(fn > fx) & 1; /* floor */
  fn = __builtin_convertvector(n, v4f);
  x = x - fn * 0.693359375f + fn * 2.12194440e-4f;
  v4f z = x * x;
  v4f y = ((((1.9875691500e-4f * x + 1.3981999507e-3f) * x + 8.3334519073e-3f) * x +
            4.1665795894e-2f) * x + 1.6666665459e-1f) * x + 5.0000001201e-1f;
  y = y * z + x + 1.0f;
  v4f scale = (v4f)((n + 127) << 23);
  y = y * scale;
  const v4f inf = {INFINITY, INFINITY, INFINITY, INFINITY};
  y = (v4f)(((v4i)y & ~under) & ~over) ;
  y = (v4f)((v4i)y | ((v4i)inf & over));
  return y;
}

/* A contiguous row of float-accumulated dtypes: vector max, then vector exp sums per block. */
#define DEF_LSE_FAST(ID, CTYPE)                                                               \
  TH_VEC_CLONES static void lsefast_##ID(void *acc, const CTYPE *x, int64_t n) {                            \
    for (int64_t b = 0; b < n; b += VAR_BLOCK) {                                              \
      int64_t len = n - b < VAR_BLOCK ? n - b : VAR_BLOCK;                                    \
      const CTYPE *xb = x + b;                                                                \
      float mx = rowv_MAXV_##ID(xb, len, -INFINITY);                                          \
      if (mx != mx) {                                                                         \
        lse_merge(acc, NAN, NAN);                                                             \
        return;                                                                               \
      }                                                                                       \
      float sh = (float)lse_shift(mx);                                                        \
      v4f s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};                                               \
      int64_t k = 0;                                                                          \
      for (; k + 8 <= len; k += 8) {                                                          \
        v4f v0, v1;                                                                           \
        ldq_##ID(&v0, xb + k);                                                                \
        ldq_##ID(&v1, xb + k + 4);                                                            \
        s0 += vexp4(v0 - sh);                                                                 \
        s1 += vexp4(v1 - sh);                                                                 \
      }                                                                                       \
      double sum = 0;                                                                         \
      for (int l = 0; l < 4; l++) sum += (double)s0[l] + (double)s1[l];                       \
      for (; k < len; k++) sum += exp((double)LOAD_##ID(xb[k]) - sh);                         \
      lse_merge(acc, sh, sum);                                                                \
    }                                                                                         \
  }
#define DEF_LSE(ID, NAME, CTYPE, ACC, KIND)                                                   \
  static void row_LSE_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,      \
                           const THReduceArgs *a) {                                           \
    (void)idx0; (void)a;                                                                      \
    if (LSEFAST_##ID && s == (int64_t)sizeof(CTYPE)) {                                        \
      LSEFAST_CALL_##ID(acc, (const CTYPE *)x, n);                                            \
      return;                                                                                 \
    }                                                                                         \
    for (int64_t b = 0; b < n; b += VAR_BLOCK) {                                              \
      int64_t len = n - b < VAR_BLOCK ? n - b : VAR_BLOCK;                                    \
      const char *xb = x + b * s;                                                             \
      double mx = -INFINITY;                                                                  \
      bool nan = false;                                                                       \
      for (int64_t k = 0; k < len; k++) {                                                     \
        double v = LOAD_##ID(*(const CTYPE *)(xb + k * s));                                   \
        nan |= v != v;                                                                        \
        mx = v > mx ? v : mx;                                                                 \
      }                                                                                       \
      if (nan) {                                                                              \
        lse_merge(acc, NAN, NAN);                                                             \
        return;                                                                               \
      }                                                                                       \
      double sh = lse_shift(mx), sum = 0;                                                     \
      for (int64_t k = 0; k < len; k++)                                                       \
        sum += exp((double)LOAD_##ID(*(const CTYPE *)(xb + k * s)) - sh);                     \
      lse_merge(acc, sh, sum);                                                                \
    }                                                                                         \
  }                                                                                           \
  static void cols_LSE_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs,  \
                            int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {                 \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    double *mx = scratch, *sum = mx + m;                                                      \
    for (int64_t b = 0; b < nrows; b += VAR_BLOCK) {                                          \
      int64_t len = nrows - b < VAR_BLOCK ? nrows - b : VAR_BLOCK;                            \
      const char *xb = x + b * rs;                                                            \
      for (int64_t j = 0; j < m; j++) {                                                       \
        mx[j] = -INFINITY;                                                                    \
        sum[j] = 0;                                                                           \
      }                                                                                       \
      for (int64_t i = 0; i < len; i++)                                                       \
        for (int64_t j = 0; j < m; j++) {                                                     \
          double v = LOAD_##ID(*(const CTYPE *)(xb + i * rs + j * cs));                       \
          mx[j] = (v > mx[j] || v != v) && mx[j] == mx[j] ? v : mx[j];                        \
        }                                                                                     \
      for (int64_t j = 0; j < m; j++) mx[j] = lse_shift(mx[j]);                               \
      for (int64_t i = 0; i < len; i++)                                                       \
        for (int64_t j = 0; j < m; j++)                                                       \
          sum[j] += exp((double)LOAD_##ID(*(const CTYPE *)(xb + i * rs + j * cs)) - mx[j]);   \
      for (int64_t j = 0; j < m; j++) lse_merge((LSE *)acc + j, mx[j], sum[j]);               \
    }                                                                                         \
  }                                                                                           \
  static void finish_LSE_##ID(char *const *out, const int64_t *os, const void *acc,           \
                              int64_t m, const THReduceArgs *a) {                             \
    (void)a;                                                                                  \
    const LSE *l = acc;                                                                       \
    for (int64_t j = 0; j < m; j++)                                                           \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(log(l[j].s) + l[j].shift);                  \
  }
DEF_LSE_FAST(F32, float)
DEF_LSE_FAST(F16, th_half)
DEF_LSE_FAST(BF16, th_bfloat16)
#define LSEFAST_F32 1
#define LSEFAST_F16 1
#define LSEFAST_BF16 1
#define LSEFAST_F64 0
#define LSEFAST_CALL_F32 lsefast_F32
#define LSEFAST_CALL_F16 lsefast_F16
#define LSEFAST_CALL_BF16 lsefast_BF16
#define LSEFAST_CALL_F64(acc, x, n) ((void)(acc), (void)(x), (void)(n))
TH_FORALL_FLOAT_DTYPES(DEF_LSE)

/* ======================================================================= p-norms */

#define DEF_NORMP(ID, NAME, CTYPE, ACC, KIND)                                                 \
  static void row_NORMP_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,    \
                             const THReduceArgs *a) {                                         \
    (void)idx0;                                                                               \
    const ACC p = (ACC)a->p;                                                                  \
    ACC r = *(ACC *)acc;                                                                      \
    for (int64_t k = 0; k < n; k++) {                                                         \
      ACC v = LOAD_##ID(*(const CTYPE *)(x + k * s));                                         \
      r += _Generic(r, float: powf, default: pow)(TS_ABS(v), p);                             \
    }                                                                                         \
    *(ACC *)acc = r;                                                                          \
  }                                                                                           \
  static void cols_NORMP_##ID(void *acc, const char *x, int64_t rs, int64_t nrows,            \
                              int64_t cs, int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {   \
    (void)idx0; (void)scratch;                                                                               \
    const ACC p = (ACC)a->p;                                                                  \
    ACC *o = acc;                                                                             \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++) {                                                       \
        ACC v = LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs));                             \
        o[j] += _Generic(v, float: powf, default: pow)(TS_ABS(v), p);                        \
      }                                                                                       \
  }                                                                                           \
  static void finish_NORMP_##ID(char *const *out, const int64_t *os, const void *acc,         \
                                int64_t m, const THReduceArgs *a) {                           \
    const ACC ip = (ACC)(1.0 / a->p);                                                         \
    for (int64_t j = 0; j < m; j++) {                                                         \
      ACC v = ((const ACC *)acc)[j];                                                          \
      v = a->count == 0 ? 0 : _Generic(v, float: powf, default: pow)(v, ip);                 \
      *(CTYPE *)(out[0] + j * os[0]) = STORE_##ID(v);                                         \
    }                                                                                         \
  }
TH_FORALL_FLOAT_DTYPES(DEF_NORMP)

/* ======================================================================= all / any / count */

#define DEF_COUNT(ID, NAME, CTYPE, ACC, KIND)                                                 \
  static void row_CNT_##ID(void *acc, const char *x, int64_t s, int64_t n, int64_t idx0,      \
                           const THReduceArgs *a) {                                           \
    (void)idx0; (void)a;                                                                      \
    int64_t c = 0;                                                                            \
    if (s == (int64_t)sizeof(CTYPE)) {                                                        \
      const CTYPE *p = (const CTYPE *)x;                                                      \
      for (int64_t k = 0; k < n; k++) c += LOAD_##ID(p[k]) != 0;                              \
    } else {                                                                                  \
      for (int64_t k = 0; k < n; k++) c += LOAD_##ID(*(const CTYPE *)(x + k * s)) != 0;       \
    }                                                                                         \
    *(int64_t *)acc += c;                                                                     \
  }                                                                                           \
  static void cols_CNT_##ID(void *acc, const char *x, int64_t rs, int64_t nrows, int64_t cs,  \
                            int64_t m, int64_t idx0, void *scratch, const THReduceArgs *a) {                 \
    (void)idx0; (void)scratch; (void)a;                                                                      \
    int64_t *o = acc;                                                                         \
    for (int64_t i = 0; i < nrows; i++)                                                       \
      for (int64_t j = 0; j < m; j++) o[j] += LOAD_##ID(*(const CTYPE *)(x + i * rs + j * cs)) != 0; \
  }
TH_FORALL_DTYPES(DEF_COUNT)

static void finish_ALL(char *const *out, const int64_t *os, const void *acc, int64_t m,
                       const THReduceArgs *a) {
  for (int64_t j = 0; j < m; j++)
    *(uint8_t *)(out[0] + j * os[0]) = ((const int64_t *)acc)[j] == a->count;
}
static void finish_ANY(char *const *out, const int64_t *os, const void *acc, int64_t m,
                       const THReduceArgs *a) {
  (void)a;
  for (int64_t j = 0; j < m; j++) *(uint8_t *)(out[0] + j * os[0]) = ((const int64_t *)acc)[j] > 0;
}

/* ======================================================================= the tables */

enum {
  V_SUM, V_NANSUM, V_MEAN, V_PROD, V_MAX, V_MIN, V_ARGMAX_V, V_ARGMIN_V, V_ARGMAX_I, V_ARGMIN_I,
  V_VAR, V_LSE, V_NORM0, V_NORM1, V_NORM2, V_NORMINF, V_NORMNINF, V_NORMP, V_ALL, V_ANY, V_CNT,
  V_COUNT
};

static THRedOps table[V_COUNT][TH_NDTYPES];

#define ACCSZ(ACC) ((int)sizeof(ACC))
#define SCR_NONE 0
#define SCR_CASCADE(ACC) (4 * (int)sizeof(ACC))
#define SCR_TWO_DOUBLES (2 * (int)sizeof(double))
#define OPS(ACC, SCR, INIT, ROW, COLS, MERGE, FINISH, INDEXED) \
  ((THRedOps){ACCSZ(ACC), SCR, INIT, ROW, COLS, MERGE, FINISH, INDEXED})

/* float dtypes: the sum family with float (or double) accumulators */
#define REG_FLOAT(ID, ACC, Z, ADD)                                                                  \
  table[V_SUM][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_SUM_##ID, cols_SUM_##ID, ADD, finish_STORE_##ID, false);  \
  table[V_NANSUM][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_NAN0_##ID, cols_NAN0_##ID, ADD, finish_STORE_##ID, false); \
  table[V_MEAN][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_SUM_##ID, cols_SUM_##ID, ADD, finish_MEAN_##ID, false);  \
  table[V_NORM0][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_NZ_##ID, cols_NZ_##ID, ADD, finish_STORE_##ID, false);  \
  table[V_NORM1][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_ABS_##ID, cols_ABS_##ID, ADD, finish_STORE_##ID, false); \
  table[V_NORM2][TH_##ID] = OPS(ACC, SCR_CASCADE(ACC), Z, row_SQ_##ID, cols_SQ_##ID, ADD, finish_SQRT_##ID, false);   \
  table[V_NORMP][TH_##ID] = OPS(ACC, SCR_NONE, Z, row_NORMP_##ID, cols_NORMP_##ID, ADD, finish_NORMP_##ID, false); \
  table[V_MAX][TH_##ID] = OPS(ACC, SCR_NONE, init_MAXV_##ID, row_MAXV_##ID, cols_MAXV_##ID, merge_MAXV_##ID, finish_MAXV_##ID, false); \
  table[V_MIN][TH_##ID] = OPS(ACC, SCR_NONE, init_MINV_##ID, row_MINV_##ID, cols_MINV_##ID, merge_MINV_##ID, finish_MINV_##ID, false); \
  table[V_NORMINF][TH_##ID] = OPS(ACC, SCR_NONE, init_AMAXV_##ID, row_AMAXV_##ID, cols_AMAXV_##ID, merge_AMAXV_##ID, finish_AMAXV_##ID, false); \
  table[V_NORMNINF][TH_##ID] = OPS(ACC, SCR_NONE, init_AMINV_##ID, row_AMINV_##ID, cols_AMINV_##ID, merge_AMINV_##ID, finish_AMINV_##ID, false); \
  table[V_VAR][TH_##ID] = OPS(Welford, SCR_TWO_DOUBLES, init_VAR, row_VAR_##ID, cols_VAR_##ID, merge_VAR, finish_VAR_##ID, false); \
  table[V_LSE][TH_##ID] = OPS(LSE, SCR_TWO_DOUBLES, init_LSE, row_LSE_##ID, cols_LSE_##ID, merge_LSE, finish_LSE_##ID, false);

/* integer and bool dtypes */
#define REG_INT(ID, NAME, CTYPE, ACC, KIND)                                                          \
  table[V_SUM][TH_##ID] = OPS(int64_t, SCR_NONE, init_zero_d, row_SUM_##ID, cols_SUM_##ID, merge_add_i, finish_I64, false); \
  table[V_NANSUM][TH_##ID] = table[V_SUM][TH_##ID];                                                  \
  table[V_MAX][TH_##ID] = OPS(int64_t, SCR_NONE, init_MAXV_##ID, row_MAXV_##ID, cols_MAXV_##ID, merge_MAXV_##ID, finish_MAXV_##ID, false); \
  table[V_MIN][TH_##ID] = OPS(int64_t, SCR_NONE, init_MINV_##ID, row_MINV_##ID, cols_MINV_##ID, merge_MINV_##ID, finish_MINV_##ID, false); \
  table[V_PROD][TH_##ID] = OPS(int64_t, SCR_NONE, init_PROD_##ID, row_PROD_##ID, cols_PROD_##ID, merge_PROD_##ID, finish_I64, false);

/* every dtype */
#define REG_ALL(ID, NAME, CTYPE, ACC, KIND)                                                          \
  table[V_ARGMAX_V][TH_##ID] = OPS(ARGMAX_##ID##_t, SCR_NONE, init_ARGMAX_##ID, row_ARGMAX_##ID, cols_ARGMAX_##ID, merge_ARGMAX_##ID, finish_ARGMAX_##ID, true); \
  table[V_ARGMIN_V][TH_##ID] = OPS(ARGMIN_##ID##_t, SCR_NONE, init_ARGMIN_##ID, row_ARGMIN_##ID, cols_ARGMIN_##ID, merge_ARGMIN_##ID, finish_ARGMIN_##ID, true); \
  table[V_ARGMAX_I][TH_##ID] = OPS(ARGMAX_##ID##_t, SCR_NONE, init_ARGMAX_##ID, row_ARGMAX_##ID, cols_ARGMAX_##ID, merge_ARGMAX_##ID, finishi_ARGMAX_##ID, true); \
  table[V_ARGMIN_I][TH_##ID] = OPS(ARGMIN_##ID##_t, SCR_NONE, init_ARGMIN_##ID, row_ARGMIN_##ID, cols_ARGMIN_##ID, merge_ARGMIN_##ID, finishi_ARGMIN_##ID, true); \
  table[V_ALL][TH_##ID] = OPS(int64_t, SCR_NONE, init_zero_d, row_CNT_##ID, cols_CNT_##ID, merge_add_i, finish_ALL, false); \
  table[V_ANY][TH_##ID] = OPS(int64_t, SCR_NONE, init_zero_d, row_CNT_##ID, cols_CNT_##ID, merge_add_i, finish_ANY, false); \
  table[V_CNT][TH_##ID] = OPS(int64_t, SCR_NONE, init_zero_d, row_CNT_##ID, cols_CNT_##ID, merge_add_i, finish_I64, false);

__attribute__((constructor)) static void reduce_tables_init(void) {
  REG_FLOAT(F32, float, init_zero_f, merge_add_f)
  REG_FLOAT(F16, float, init_zero_f, merge_add_f)
  REG_FLOAT(BF16, float, init_zero_f, merge_add_f)
  REG_FLOAT(F64, double, init_zero_d, merge_add_d)
  table[V_PROD][TH_F32] = OPS(float, SCR_NONE, init_PROD_F32, row_PROD_F32, cols_PROD_F32, merge_PROD_F32, finish_STORE_F32, false);
  table[V_PROD][TH_F16] = OPS(float, SCR_NONE, init_PROD_F16, row_PROD_F16, cols_PROD_F16, merge_PROD_F16, finish_STORE_F16, false);
  table[V_PROD][TH_BF16] = OPS(float, SCR_NONE, init_PROD_BF16, row_PROD_BF16, cols_PROD_BF16, merge_PROD_BF16, finish_STORE_BF16, false);
  table[V_PROD][TH_F64] = OPS(double, SCR_NONE, init_PROD_F64, row_PROD_F64, cols_PROD_F64, merge_PROD_F64, finish_STORE_F64, false);
  TH_FORALL_INT_DTYPES(REG_INT)
  REG_INT(BOOL, bool, bool, int64_t, 0)
  TH_FORALL_DTYPES(REG_ALL)
}

const THRedOps *THCpuReduce_ops(const THReduceArgs *a) {
  int v;
  switch (a->op) {
  case TH_OP_sum: v = V_SUM; break;
  case TH_OP_nansum: v = V_NANSUM; break;
  case TH_OP_mean: v = V_MEAN; break;
  case TH_OP_prod: v = V_PROD; break;
  case TH_OP_amax: v = V_MAX; break;
  case TH_OP_amin: v = V_MIN; break;
  case TH_OP_max: v = a->nout == 2 ? V_ARGMAX_V : V_MAX; break;
  case TH_OP_min: v = a->nout == 2 ? V_ARGMIN_V : V_MIN; break;
  case TH_OP_argmax: v = V_ARGMAX_I; break;
  case TH_OP_argmin: v = V_ARGMIN_I; break;
  case TH_OP_var: case TH_OP_std: case TH_OP_var_mean: case TH_OP_std_mean: v = V_VAR; break;
  case TH_OP_logsumexp: v = V_LSE; break;
  case TH_OP_all: v = V_ALL; break;
  case TH_OP_any: v = V_ANY; break;
  case TH_OP_count_nonzero: v = V_CNT; break;
  case TH_OP_norm:
    v = a->p == 2 ? V_NORM2 : a->p == 1 ? V_NORM1 : a->p == 0 ? V_NORM0
      : a->p == INFINITY ? V_NORMINF : a->p == -INFINITY ? V_NORMNINF : V_NORMP;
    break;
  default: return NULL;
  }
  if ((unsigned)a->x->dtype >= TH_NDTYPES || !table[v][a->x->dtype].row) return NULL;
  return &table[v][a->x->dtype];
}
