/* THBlas.c: the CPU kernels behind the matrix products (one batched GEMM serves mm, bmm,
 * matmul, mv, dot, vdot, addmm, addmv, baddbmm and addbmm) and behind vector norms, and their
 * registration in the dispatch table.
 *
 * float32/float64 go to OpenBLAS: each matrix is handed over in place whenever one of its
 * strides is 1 (BLAS transposes and leading dimensions cover transposed and narrowed views);
 * only matrices with no unit stride are copied.  Matrix-vector and vector-vector shapes use
 * gemv/dot.  Batches of small matrices run in parallel over the batch (OpenBLAS, built for
 * OpenMP, runs single-threaded inside our parallel region, so nothing is oversubscribed);
 * large matrices run one after another with OpenBLAS threading each.  float16/bfloat16
 * compute through float32 copies; integer dtypes use a plain loop accumulating in int64.
 */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuLoops.h"
#include "THLinalg.h"

/* Per-matrix work below this many multiply-adds runs in parallel over the batch. */
#define GEMM_BATCH_PARALLEL_MAX ((int64_t)192 * 192 * 192)

/* ======================================================================= batch walking */

/* Byte or element offsets of batch element `flat` of a tensor with nb leading batch dims. */
static int64_t batch_offset(const THTensor *t, int nb, int64_t flat) {
  int64_t off = 0;
  for (int d = nb - 1; d >= 0; d--) {
    int64_t sz = t->size[d];
    off += (flat % sz) * t->stride[d];
    flat /= sz;
  }
  return off;
}

/* ======================================================================= float GEMM */

/* A matrix operand in BLAS terms: rows x cols with element strides (rs, cs). */
typedef struct {
  int64_t rows, cols, rs, cs;
} Mat;

/* How BLAS (column-major) can read m: as is (ld = column stride) or transposed (ld = row
 * stride).  Returns false when neither stride is usable. */
static bool blas_view(Mat m, bool *trans, int64_t *ld) {
  int64_t r = m.rows, c = m.cols;
  if ((m.rs == 1 || r == 1) && (c == 1 || m.cs >= (r > 1 ? r : 1))) {
    *trans = false;
    *ld = c == 1 ? (r > 1 ? r : 1) : m.cs;
    if (*ld < r) *ld = r;
    return true;
  }
  if ((m.cs == 1 || c == 1) && (r == 1 || m.rs >= (c > 1 ? c : 1))) {
    *trans = true;
    *ld = r == 1 ? (c > 1 ? c : 1) : m.rs;
    if (*ld < c) *ld = c;
    return true;
  }
  return false;
}

static inline bool fits_int(int64_t v) { return v <= INT_MAX; }

#define DEFINE_FLOAT_GEMM(SUF, T, GEMM, GEMV, DOT)                                              \
  /* z (M x N) = beta z + alpha x (M x K) y (K x N), all column-major-normalised Mats. */    \
  static int gemm_one_##SUF(Mat x, const T *xp, Mat y, const T *yp, Mat z, T *zp, T alpha,  \
                            T beta) {                                                        \
    int64_t M = z.rows, N = z.cols, K = x.cols;                                              \
    /* a row of output: transpose the problem so that the output is a column */             \
    if (M == 1 && N > 1) {                                                                   \
      Mat xt = {y.cols, y.rows, y.cs, y.rs}, yt = {x.cols, x.rows, x.cs, x.rs};             \
      Mat zt = {z.cols, z.rows, z.cs, z.rs};                                                 \
      const T *tp = xp;                                                                      \
      xp = yp;                                                                               \
      yp = tp;                                                                               \
      x = xt;                                                                                \
      y = yt;                                                                                \
      z = zt;                                                                                \
      M = z.rows;                                                                            \
      N = z.cols;                                                                            \
    }                                                                                        \
    if (N == 1 && M == 1) {                                                                  \
      T r;                                                                                   \
      if (K > 0 && fits_int(K) && (x.cs != 0 || K == 1) && (y.rs != 0 || K == 1))            \
        r = DOT((int)K, xp, K == 1 ? 1 : (int)x.cs, yp, K == 1 ? 1 : (int)y.rs);             \
      else {                                                                                 \
        r = 0;                                                                               \
        for (int64_t p = 0; p < K; p++) r += xp[p * x.cs] * yp[p * y.rs];                    \
      }                                                                                      \
      *zp = beta == 0 ? alpha * r : beta * *zp + alpha * r;                                  \
      return TH_OK;                                                                          \
    }                                                                                        \
    if (N == 1) {                                                                            \
      bool tr;                                                                               \
      int64_t ld, incy = K == 1 ? 1 : y.rs, incz = z.rs;                                     \
      if (blas_view(x, &tr, &ld) && incy != 0 && incz != 0 && fits_int(M) && fits_int(K) && \
          fits_int(ld) && fits_int(llabs(incy)) && fits_int(llabs(incz))) {                  \
        if (beta == 0)                                                                       \
          for (int64_t i = 0; i < M; i++) zp[i * incz] = 0;                                  \
        /* column-major x (M x K), or its transpose stored as K x M */                       \
        GEMV(CblasColMajor, tr ? CblasTrans : CblasNoTrans, tr ? (int)K : (int)M,            \
             tr ? (int)M : (int)K, alpha, xp, (int)ld, yp, (int)incy, beta, zp, (int)incz);  \
        return TH_OK;                                                                        \
      }                                                                                      \
    }                                                                                        \
    bool ta, tb;                                                                             \
    int64_t lda, ldb;                                                                        \
    T *xc = NULL, *yc = NULL;                                                                \
    if (!blas_view(x, &ta, &lda)) { /* no unit stride: a compact column-major copy */        \
      if (!(xc = malloc(sizeof(T) * (size_t)(M * K > 0 ? M * K : 1)))) goto oom;             \
      for (int64_t j = 0; j < K; j++)                                                        \
        for (int64_t i = 0; i < M; i++) xc[j * M + i] = xp[i * x.rs + j * x.cs];             \
      xp = xc;                                                                               \
      ta = false;                                                                            \
      lda = M > 0 ? M : 1;                                                                   \
    }                                                                                        \
    if (!blas_view(y, &tb, &ldb)) {                                                          \
      if (!(yc = malloc(sizeof(T) * (size_t)(K * N > 0 ? K * N : 1)))) goto oom;             \
      for (int64_t j = 0; j < N; j++)                                                        \
        for (int64_t i = 0; i < K; i++) yc[j * K + i] = yp[i * y.rs + j * y.cs];             \
      yp = yc;                                                                               \
      tb = false;                                                                            \
      ldb = K > 0 ? K : 1;                                                                   \
    }                                                                                        \
    /* BLAS writes z column-major; any other layout goes through a compact copy */          \
    T *zc = NULL, *zw = zp;                                                                  \
    int64_t ldc = N == 1 ? M : z.cs;                                                         \
    if (!(z.rs == 1 && (N == 1 || z.cs >= M))) {                                             \
      if (!(zc = malloc(sizeof(T) * (size_t)(M * N)))) goto oom;                             \
      for (int64_t j = 0; j < N; j++)                                                        \
        for (int64_t i = 0; i < M; i++) zc[j * M + i] = beta == 0 ? 0 : zp[i * z.rs + j * z.cs]; \
      zw = zc;                                                                               \
      ldc = M;                                                                               \
    }                                                                                        \
    if (!fits_int(M) || !fits_int(N) || !fits_int(K) || !fits_int(lda) || !fits_int(ldb) ||  \
        !fits_int(ldc)) {                                                                    \
      free(xc);                                                                              \
      free(yc);                                                                              \
      free(zc);                                                                              \
      return TH_setError("[gemm] matrix too large for BLAS (sizes and strides must fit in "  \
                         "32-bit integers)");                                                \
    }                                                                                        \
    GEMM(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,      \
         (int)M, (int)N, (int)K, alpha, xp, (int)(lda > 0 ? lda : 1), yp,                    \
         (int)(ldb > 0 ? ldb : 1), beta, zw, (int)(ldc > 0 ? ldc : 1));                      \
    if (zc)                                                                                  \
      for (int64_t j = 0; j < N; j++)                                                        \
        for (int64_t i = 0; i < M; i++) zp[i * z.rs + j * z.cs] = zc[j * M + i];             \
    free(xc);                                                                                \
    free(yc);                                                                                \
    free(zc);                                                                                \
    return TH_OK;                                                                            \
  oom:                                                                                       \
    free(xc);                                                                                \
    free(yc);                                                                                \
    return TH_setError("[gemm] out of memory");                                              \
  }                                                                                          \
                                                                                             \
  /* One product c = beta c + alpha a b with a (m x k), b (k x n), c (m x n) given by their  \
   * row-major strides.  The output decides the orientation: BLAS writes column-major, so a  \
   * row-major c is computed as c^T = b^T a^T. */                                           \
  static int gemm_mat_##SUF(int64_t m, int64_t n, int64_t k, const T *a, int64_t sam,        \
                            int64_t sak, const T *b, int64_t sbk, int64_t sbn, T *c,         \
                            int64_t scm, int64_t scn, T alpha, T beta) {                     \
    Mat A = {m, k, sam, sak}, B = {k, n, sbk, sbn}, C = {m, n, scm, scn};                    \
    if (k == 0) {                                                                            \
      for (int64_t i = 0; i < m; i++)                                                        \
        for (int64_t j = 0; j < n; j++) {                                                    \
          T *p = c + i * scm + j * scn;                                                      \
          *p = beta == 0 ? 0 : beta * *p;                                                    \
        }                                                                                    \
      return TH_OK;                                                                          \
    }                                                                                        \
    bool col = (scm == 1 || m == 1) && (n == 1 || scn >= m);                                 \
    bool row = (scn == 1 || n == 1) && (m == 1 || scm >= n);                                 \
    if (col) return gemm_one_##SUF(A, a, B, b, C, c, alpha, beta);                           \
    if (row) {                                                                               \
      Mat At = {k, m, sak, sam}, Bt = {n, k, sbn, sbk}, Ct = {n, m, scn, scm};               \
      return gemm_one_##SUF(Bt, b, At, a, Ct, c, alpha, beta);                               \
    }                                                                                        \
    return gemm_one_##SUF(A, a, B, b, C, c, alpha, beta);                                    \
  }

DEFINE_FLOAT_GEMM(f32, float, cblas_sgemm, cblas_sgemv, cblas_sdot)
DEFINE_FLOAT_GEMM(f64, double, cblas_dgemm, cblas_dgemv, cblas_ddot)

/* ======================================================================= integer GEMM */

#define DEFINE_INT_GEMM(ID, NAME, CTYPE, ACC, KIND)                                         \
  static void gemm_rows_##ID(int64_t r0, int64_t r1, int64_t m, int64_t n, int64_t k,        \
                             const char *a, const int64_t *sa, const char *b,                \
                             const int64_t *sb, char *c, const int64_t *sc, int nb,          \
                             const THTensor *ta, const THTensor *tb, const THTensor *tc,     \
                             int64_t alpha, int64_t beta, uint64_t *acc) {                   \
    for (int64_t r = r0; r < r1; r++) {                                                      \
      int64_t bi = r / m, i = r % m;                                                         \
      const CTYPE *ap = (const CTYPE *)a + batch_offset(ta, nb, bi) + i * sa[0];             \
      const CTYPE *bp = (const CTYPE *)b + batch_offset(tb, nb, bi);                         \
      CTYPE *cp = (CTYPE *)c + batch_offset(tc, nb, bi) + i * sc[0];                         \
      for (int64_t j = 0; j < n; j++) acc[j] = 0;                                            \
      for (int64_t p = 0; p < k; p++) {                                                      \
        uint64_t av = (uint64_t)(int64_t)ap[p * sa[1]];                                      \
        if (!av) continue;                                                                   \
        const CTYPE *brow = bp + p * sb[0];                                                  \
        if (sb[1] == 1)                                                                      \
          for (int64_t j = 0; j < n; j++) acc[j] += av * (uint64_t)(int64_t)brow[j];         \
        else                                                                                 \
          for (int64_t j = 0; j < n; j++) acc[j] += av * (uint64_t)(int64_t)brow[j * sb[1]]; \
      }                                                                                      \
      for (int64_t j = 0; j < n; j++) {                                                      \
        uint64_t v = (uint64_t)alpha * acc[j];                                               \
        CTYPE *o = cp + j * sc[1];                                                           \
        if (beta != 0) v += (uint64_t)beta * (uint64_t)(int64_t)*o;                          \
        *o = (CTYPE)(int64_t)v;                                                              \
      }                                                                                      \
    }                                                                                        \
  }
TH_FORALL_INT_DTYPES(DEFINE_INT_GEMM)

typedef void (*IntGemmRows)(int64_t, int64_t, int64_t, int64_t, int64_t, const char *,
                            const int64_t *, const char *, const int64_t *, char *,
                            const int64_t *, int, const THTensor *, const THTensor *,
                            const THTensor *, int64_t, int64_t, uint64_t *);

static int gemm_int(THTensor *c, const THTensor *a, const THTensor *b, int64_t alpha,
                    int64_t beta, int64_t nbatch) {
  static const IntGemmRows fns[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = gemm_rows_##ID,
      TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  };
  IntGemmRows fn = fns[c->dtype];
  if (!fn) return TH_setError("[gemm] not implemented for dtype %s", THDtype_name(c->dtype));
  int nd = c->ndim, nb = nd - 2;
  int64_t m = c->size[nd - 2], n = c->size[nd - 1], k = a->size[nd - 1];
  int64_t rows = nbatch * m;
  const int64_t sa[2] = {a->stride[nd - 2], a->stride[nd - 1]};
  const int64_t sb[2] = {b->stride[nd - 2], b->stride[nd - 1]};
  const int64_t sc[2] = {c->stride[nd - 2], c->stride[nd - 1]};
  const char *ap = THTensor_data(a), *bp = THTensor_data(b);
  char *cp = THTensor_data(c);
  int failed = 0;
  bool par = rows > 1 && rows * n * (k > 0 ? k : 1) >= TH_PARALLEL_GRAIN &&
             omp_get_max_threads() > 1 && !omp_in_parallel();
  if (!par) { /* no parallel region at all: even an if(0) region costs about a microsecond */
    uint64_t *acc = malloc(sizeof(uint64_t) * (size_t)(n > 0 ? n : 1));
    if (!acc) return TH_setError("[gemm] out of memory");
    fn(0, rows, m, n, k, ap, sa, bp, sb, cp, sc, nb, a, b, c, alpha, beta, acc);
    free(acc);
    return TH_OK;
  }
#pragma omp parallel
  {
    int nt = omp_get_num_threads(), id = omp_get_thread_num();
    int64_t chunk = (rows + nt - 1) / nt, r0 = id * chunk, r1 = r0 + chunk < rows ? r0 + chunk : rows;
    if (r0 < r1) {
      uint64_t *acc = malloc(sizeof(uint64_t) * (size_t)(n > 0 ? n : 1));
      if (!acc) {
#pragma omp atomic write
        failed = 1;
      } else {
        fn(r0, r1, m, n, k, ap, sa, bp, sb, cp, sc, nb, a, b, c, alpha, beta, acc);
        free(acc);
      }
    }
  }
  return failed ? TH_setError("[gemm] out of memory") : TH_OK;
}

/* ======================================================================= the kernel */

static int gemm_float(THTensor *c, const THTensor *a, const THTensor *b, double alpha,
                      double beta, int64_t nbatch) {
  int nd = c->ndim, nb = nd - 2;
  int64_t m = c->size[nd - 2], n = c->size[nd - 1], k = a->size[nd - 1];
  int64_t sam = a->stride[nd - 2], sak = a->stride[nd - 1];
  int64_t sbk = b->stride[nd - 2], sbn = b->stride[nd - 1];
  int64_t scm = c->stride[nd - 2], scn = c->stride[nd - 1];
  bool f64 = c->dtype == TH_F64;
  const char *ap = THTensor_data(a), *bp = THTensor_data(b);
  char *cp = THTensor_data(c);
  size_t es = f64 ? 8 : 4;
  int failed = 0;
  bool par = nbatch > 1 && m * n * k <= GEMM_BATCH_PARALLEL_MAX &&
             nbatch * m * n * (k > 0 ? k : 1) >= TH_PARALLEL_GRAIN && omp_get_max_threads() > 1 &&
             !omp_in_parallel();
#define GEMM_BATCH_ELEMENT(bi)                                                                   \
  do {                                                                                           \
    const char *pa = ap + batch_offset(a, nb, bi) * (int64_t)es;                                 \
    const char *pb = bp + batch_offset(b, nb, bi) * (int64_t)es;                                 \
    char *pc = cp + batch_offset(c, nb, bi) * (int64_t)es;                                       \
    int rc = f64 ? gemm_mat_f64(m, n, k, (const double *)pa, sam, sak, (const double *)pb, sbk,  \
                                sbn, (double *)pc, scm, scn, alpha, beta)                        \
                 : gemm_mat_f32(m, n, k, (const float *)pa, sam, sak, (const float *)pb, sbk,    \
                                sbn, (float *)pc, scm, scn, (float)alpha, (float)beta);          \
    if (rc != TH_OK) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);                             \
  } while (0)
  if (!par) {
    /* one after another, each product threaded by OpenBLAS; no parallel region of ours (even an
     * if(0) region costs about a microsecond, as much as a small product) */
    for (int64_t bi = 0; bi < nbatch && !failed; bi++) GEMM_BATCH_ELEMENT(bi);
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t bi = 0; bi < nbatch; bi++) GEMM_BATCH_ELEMENT(bi);
  }
#undef GEMM_BATCH_ELEMENT
  return failed ? TH_ERROR : TH_OK;
}

/* float16/bfloat16: float32 copies in, one float32 product, converted back. */
static int gemm_half(THTensor *c, const THTensor *a, const THTensor *b, double alpha,
                     double beta, int64_t nbatch) {
  THTensor *a32 = THTensor_toDtype(a, TH_F32), *b32 = THTensor_toDtype(b, TH_F32), *c32 = NULL;
  int rc = TH_ERROR;
  if (!a32 || !b32) goto done;
  c32 = beta != 0 ? THTensor_toDtype(c, TH_F32) : THTensor_empty(TH_F32, TH_CPU, c->ndim, c->size);
  if (!c32) goto done;
  if (c32 == c) { /* cannot happen (dtypes differ), but keep ownership simple */
    rc = TH_setError("[gemm] internal error");
    goto done;
  }
  rc = gemm_float(c32, a32, b32, alpha, beta, nbatch);
  if (rc == TH_OK) rc = THTensor_copy(c, c32);
done:
  THTensor_free(a32);
  THTensor_free(b32);
  THTensor_free(c32);
  return rc;
}

static int gemm_cpu(THTensor *c, const THTensor *a, const THTensor *b, THScalar alpha,
                    THScalar beta) {
  int nd = c->ndim;
  if (nd < 2 || a->ndim != nd || b->ndim != nd)
    return TH_setError("[gemm] operands must have the same number (>= 2) of dims");
  int64_t nbatch = 1;
  for (int d = 0; d < nd - 2; d++) nbatch *= c->size[d];
  if (nbatch == 0 || c->size[nd - 2] == 0 || c->size[nd - 1] == 0) return TH_OK;
  double fa = alpha.kind == TH_KIND_FLOAT ? alpha.f : (double)alpha.i;
  double fb = beta.kind == TH_KIND_FLOAT ? beta.f : (double)beta.i;
  switch (c->dtype) {
  case TH_F32:
  case TH_F64: return gemm_float(c, a, b, fa, fb, nbatch);
  case TH_F16:
  case TH_BF16: return gemm_half(c, a, b, fa, fb, nbatch);
  default: {
    int64_t ia = alpha.kind == TH_KIND_FLOAT ? (int64_t)alpha.f : alpha.i;
    int64_t ib = beta.kind == TH_KIND_FLOAT ? (int64_t)beta.f : beta.i;
    return gemm_int(c, a, b, ia, ib, nbatch);
  }
  }
}

/* ======================================================================= vector norms */

/* One term of a p-norm's sum, and the sum's end. */
static inline double norm_term(double v, double ord) {
  return ord == 2 ? v * v : ord == 1 ? fabs(v) : ord == 0 ? (double)(v != 0) : pow(fabs(v), ord);
}

static double norm_finish(double s, double ord) {
  if (ord == 2) return sqrt(s);
  if (ord == 1 || ord == 0 || isinf(ord)) return s;
  return pow(s, 1.0 / ord);
}

static double norm_combine(double a, double b, double ord) {
  if (!isinf(ord)) return a + b;
  if (isnan(a) || isnan(b)) return NAN;
  return ord > 0 ? (a > b ? a : b) : (a < b ? a : b);
}

/* The partial result over K values at stride 1: the additive part of a p-norm (sum x^2,
 * sum |x|, count of non-zeros, sum |x|^p), or max/min |x| for p = +-inf (NaN if any is).
 * float32 squares and absolute values add up in 16 float lanes over blocks of 512 values,
 * each block's total then in double (a short cascade: vectorises, and keeps the error
 * near double's); float64 uses 8 double lanes. */
static double psum_f32(const float *x, int64_t K, double ord) {
  double total = 0;
  int64_t i = 0;
  if (ord == 2 || ord == 1) {
    bool sq = ord == 2;
    while (i < K) {
      int64_t end = i + 512 < K ? i + 512 : K;
      float acc[16] = {0};
      if (sq)
        for (; i + 16 <= end; i += 16)
          for (int l = 0; l < 16; l++) acc[l] += x[i + l] * x[i + l];
      else
        for (; i + 16 <= end; i += 16)
          for (int l = 0; l < 16; l++) acc[l] += fabsf(x[i + l]);
      double blk = 0;
      for (int l = 0; l < 16; l++) blk += acc[l];
      for (; i < end; i++) blk += sq ? (double)x[i] * x[i] : fabs((double)x[i]);
      total += blk;
    }
    return total;
  }
  for (; i < K; i++) total += norm_term(x[i], ord);
  return total;
}

static double psum_f64(const double *x, int64_t K, double ord) {
  double acc[8] = {0};
  int64_t i = 0;
  if (ord == 2)
    for (; i + 8 <= K; i += 8)
      for (int l = 0; l < 8; l++) acc[l] += x[i + l] * x[i + l];
  else if (ord == 1)
    for (; i + 8 <= K; i += 8)
      for (int l = 0; l < 8; l++) acc[l] += fabs(x[i + l]);
  for (; i < K; i++) acc[0] += norm_term(x[i], ord);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* The partial result of one row of K values at element stride sk. */
static double norm_part(const char *x, bool f64, int64_t K, int64_t sk, double ord) {
  if (isinf(ord)) {
    bool max = ord > 0;
    double r = max ? 0 : INFINITY;
    for (int64_t i = 0; i < K; i++) {
      double v = fabs(f64 ? ((const double *)x)[i * sk] : (double)((const float *)x)[i * sk]);
      if (isnan(v)) return v;
      if (max ? v > r : v < r) r = v;
    }
    return r;
  }
  if (sk == 1) return f64 ? psum_f64((const double *)x, K, ord) : psum_f32((const float *)x, K, ord);
  double s = 0;
  for (int64_t i = 0; i < K; i++)
    s += norm_term(f64 ? ((const double *)x)[i * sk] : (double)((const float *)x)[i * sk], ord);
  return s;
}

/* Rows r0..r1 of x (R, K) whose rows lie next to each other (stride 1 across rows): walk K
 * outer, the rows inner, with a double accumulator per row. */
static void norm_columns(const char *xp, bool f64, int64_t r0, int64_t r1, int64_t K, int64_t sk,
                         double ord, char *op) {
  enum { BLK = 256 };
  double acc[BLK];
  size_t es = f64 ? 8 : 4;
  for (int64_t b0 = r0; b0 < r1; b0 += BLK) {
    int64_t nb = r1 - b0 < BLK ? r1 - b0 : BLK;
    double init = isinf(ord) && ord < 0 ? INFINITY : 0;
    for (int64_t j = 0; j < nb; j++) acc[j] = init;
    for (int64_t k = 0; k < K; k++) {
      const char *row = xp + (k * sk + b0) * (int64_t)es;
      if (isinf(ord)) {
        for (int64_t j = 0; j < nb; j++) {
          double v = fabs(f64 ? ((const double *)row)[j] : (double)((const float *)row)[j]);
          acc[j] = norm_combine(acc[j], v, ord);
        }
      } else if (ord == 2 && !f64) {
        const float *f = (const float *)row;
        for (int64_t j = 0; j < nb; j++) acc[j] += (double)f[j] * f[j];
      } else {
        for (int64_t j = 0; j < nb; j++)
          acc[j] += norm_term(f64 ? ((const double *)row)[j] : (double)((const float *)row)[j], ord);
      }
    }
    for (int64_t j = 0; j < nb; j++) {
      double v = norm_finish(acc[j], ord);
      if (f64) ((double *)op)[b0 + j] = v;
      else ((float *)op)[b0 + j] = (float)v;
    }
  }
}

/* x (R, K) with any strides; out (R) contiguous. */
static int vector_norm_cpu(THTensor *out, const THTensor *x, double ord) {
  int64_t R = x->size[0], K = x->size[1], sr = x->stride[0], sk = x->stride[1];
  bool f64 = x->dtype == TH_F64;
  if (x->dtype != TH_F32 && !f64)
    return TH_setError("[linalg.vector_norm] kernel expects float32 or float64");
  if (K == 1) sk = 1;
  if (R == 1) sr = 1;
  size_t es = f64 ? 8 : 4;
  const char *xp = THTensor_data(x);
  char *op = THTensor_data(out);
  bool par = R * K >= TH_PARALLEL_GRAIN && omp_get_max_threads() > 1 && !omp_in_parallel();
  if (R == 1 && K >= 4 * TH_PARALLEL_GRAIN && par) {
    /* one long row: fixed chunks (the result does not depend on the thread count) */
    enum { NCHUNK = 64 };
    double part[NCHUNK];
    int64_t chunk = (K + NCHUNK - 1) / NCHUNK;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < NCHUNK; c++) {
      int64_t lo = c * chunk, hi = lo + chunk < K ? lo + chunk : K;
      part[c] = lo < hi ? norm_part(xp + lo * sk * (int64_t)es, f64, hi - lo, sk, ord)
                        : (isinf(ord) && ord < 0 ? INFINITY : 0);
    }
    double r = part[0];
    for (int c = 1; c < NCHUNK; c++) r = norm_combine(r, part[c], ord);
    r = norm_finish(r, ord);
    if (f64) *(double *)op = r;
    else *(float *)op = (float)r;
    return TH_OK;
  }
  if (sr == 1 && sk != 1) { /* reducing over an outer dim: rows side by side */
    if (par && R >= 512) {
      int64_t nblk = (R + 255) / 256;
#pragma omp parallel for schedule(static)
      for (int64_t bi = 0; bi < nblk; bi++) {
        int64_t lo = bi * 256, hi = lo + 256 < R ? lo + 256 : R;
        norm_columns(xp, f64, lo, hi, K, sk, ord, op);
      }
    } else {
      norm_columns(xp, f64, 0, R, K, sk, ord, op);
    }
    return TH_OK;
  }
#define NORM_ROW(r)                                                                              \
  do {                                                                                           \
    double v = norm_finish(norm_part(xp + (r) * sr * (int64_t)es, f64, K, sk, ord), ord);        \
    if (f64) ((double *)op)[r] = v;                                                              \
    else ((float *)op)[r] = (float)v;                                                            \
  } while (0)
  if (R > 1 && par) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < R; r++) NORM_ROW(r);
  } else {
    for (int64_t r = 0; r < R; r++) NORM_ROW(r);
  }
#undef NORM_ROW
  return TH_OK;
}

/* ======================================================================= registration */

__attribute__((constructor)) static void blas_register(void) {
  THKernel k;
  memset(&k, 0, sizeof k);
  k.fn = (void (*)(void))gemm_cpu;
  THDispatch_register(TH_OP_mm, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_bmm, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_matmul, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_mv, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_dot, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_vdot, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_addmm, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_addmv, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_baddbmm, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_addbmm, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))vector_norm_cpu;
  THDispatch_register(TH_OP_linalg_vector_norm, TH_DEVICE_CPU, k);
}
