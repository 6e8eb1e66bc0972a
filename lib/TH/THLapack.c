/* THLapack.c: the CPU kernels of the decompositions (inverse, solve, determinants, Cholesky,
 * QR, SVD, symmetric eigendecomposition, least squares), on LAPACK as OpenBLAS exports it
 * (Fortran symbols: sgetrf_, dgesdd_, ...; no LAPACKE needed), and their registration.
 *
 * The op functions (THLinalg.c) hand over batched column-major work tensors (see THLinalg.h);
 * the per-type drivers are generated from generic/THLapack.c for float and double.
 */
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "THLinalg.h"

/* ======================================================================= LAPACK symbols */

/* Fortran calling convention: everything by pointer, and a trailing length for each
 * CHARACTER argument (gfortran passes it as size_t). */
#define TH_LAPACK_DECLS(P, T)                                                                   \
  void P##getrf_(const int *m, const int *n, T *a, const int *lda, int *ipiv, int *info);       \
  void P##getri_(const int *n, T *a, const int *lda, const int *ipiv, T *work,                  \
                 const int *lwork, int *info);                                                  \
  void P##gesv_(const int *n, const int *nrhs, T *a, const int *lda, int *ipiv, T *b,           \
                const int *ldb, int *info);                                                     \
  void P##potrf_(const char *uplo, const int *n, T *a, const int *lda, int *info, size_t);      \
  void P##geqrf_(const int *m, const int *n, T *a, const int *lda, T *tau, T *work,             \
                 const int *lwork, int *info);                                                  \
  void P##orgqr_(const int *m, const int *n, const int *k, T *a, const int *lda, const T *tau,  \
                 T *work, const int *lwork, int *info);                                         \
  void P##gesdd_(const char *jobz, const int *m, const int *n, T *a, const int *lda, T *s,      \
                 T *u, const int *ldu, T *vt, const int *ldvt, T *work, const int *lwork,       \
                 int *iwork, int *info, size_t);                                                \
  void P##syevd_(const char *jobz, const char *uplo, const int *n, T *a, const int *lda, T *w,  \
                 T *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t,   \
                 size_t);                                                                       \
  void P##gels_(const char *trans, const int *m, const int *n, const int *nrhs, T *a,           \
                const int *lda, T *b, const int *ldb, T *work, const int *lwork, int *info,     \
                size_t);                                                                        \
  void P##gelsy_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b,       \
                 const int *ldb, int *jpvt, const T *rcond, int *rank, T *work,                 \
                 const int *lwork, int *info);                                                  \
  void P##gelsd_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b,       \
                 const int *ldb, T *s, const T *rcond, int *rank, T *work, const int *lwork,    \
                 int *iwork, int *info);                                                        \
  void P##gelss_(const int *m, const int *n, const int *nrhs, T *a, const int *lda, T *b,       \
                 const int *ldb, T *s, const T *rcond, int *rank, T *work, const int *lwork,    \
                 int *info);
TH_LAPACK_DECLS(s, float)
TH_LAPACK_DECLS(d, double)

/* ======================================================================= per-type drivers */

#define T float
#define FN(x) x##_f32
#define LP(x) s##x##_
#include "generic/THLapack.c"
#undef T
#undef FN
#undef LP

#define T double
#define FN(x) x##_f64
#define LP(x) d##x##_
#include "generic/THLapack.c"
#undef T
#undef FN
#undef LP

/* ======================================================================= threads */

/* OpenBLAS (OpenMP build) threads its LAPACK and level-2 BLAS even for tiny matrices, and
 * with more than one thread a 3 x 3 solve costs ~100 us instead of ~0.6 us.  Below this size
 * the calling thread's OpenMP thread count is set to 1 for the call (OpenBLAS reads it on
 * every call; the setting is per thread, so other threads are not affected) and restored
 * after.  Larger matrices keep OpenBLAS's threads. */
#define LAPACK_SERIAL_MAX 192

static int serial_begin(int64_t size) {
  int saved = omp_get_max_threads();
  if (size <= LAPACK_SERIAL_MAX && saved > 1 && !omp_in_parallel()) {
    omp_set_num_threads(1);
    return saved;
  }
  return 0;
}

static void serial_end(int saved) {
  if (saved) omp_set_num_threads(saved);
}

/* ======================================================================= kernels */

/* The work tensors' layout is the op layer's promise; checked here in debug builds only. */
static bool colmajor(const THTensor *t) {
  if (t->ndim != 3) return false;
  int64_t r = t->size[1], c = t->size[2];
  return (t->stride[1] == 1 || r <= 1) && (t->stride[2] == (r > 1 ? r : 1) || c <= 1) &&
         (t->stride[0] == r * c || t->size[0] <= 1);
}

static int check_work(const char *op, const THTensor *a) {
  if (a->dtype != TH_F32 && a->dtype != TH_F64)
    return TH_setError("[%s] the LAPACK kernels take float32 or float64, got %s", op,
                       THDtype_name(a->dtype));
  if (!colmajor(a))
    return TH_setError("[%s] internal error: work matrices must be batched column-major", op);
  if (a->size[1] > INT_MAX / 8 || a->size[2] > INT_MAX / 8)
    return TH_setError("[%s] matrix too large for LAPACK (sizes must fit in 32-bit integers)", op);
  return TH_OK;
}

#define F32(t) ((float *)THTensor_data(t))
#define F64(t) ((double *)THTensor_data(t))
#define OPT(t, CT) ((t) ? (CT *)THTensor_data(t) : NULL)

static int inv_cpu_impl(THTensor *a, THTensor *info) {
  if (check_work("linalg.inv", a) != TH_OK) return TH_ERROR;
  int n = (int)a->size[1];
  int *inf = THTensor_data(info);
  return a->dtype == TH_F32 ? inv_f32(F32(a), a->size[0], n, inf)
                            : inv_f64(F64(a), a->size[0], n, inf);
}

static int inv_cpu(THTensor *a, THTensor *info) {
  int saved = serial_begin(a->size[1]);
  int rc = inv_cpu_impl(a, info);
  serial_end(saved);
  return rc;
}

static int solve_cpu_impl(THTensor *a, THTensor *b, THTensor *info) {
  if (check_work("linalg.solve", a) != TH_OK || check_work("linalg.solve", b) != TH_OK)
    return TH_ERROR;
  int n = (int)a->size[1], k = (int)b->size[2];
  int *inf = THTensor_data(info);
  return a->dtype == TH_F32 ? solve_f32(F32(a), F32(b), a->size[0], n, k, inf)
                            : solve_f64(F64(a), F64(b), a->size[0], n, k, inf);
}

static int solve_cpu(THTensor *a, THTensor *b, THTensor *info) {
  int saved = serial_begin(a->size[1]);
  int rc = solve_cpu_impl(a, b, info);
  serial_end(saved);
  return rc;
}

static int det_cpu_impl(THTensor *a, THTensor *det, THTensor *sign, THTensor *logabs) {
  if (check_work("linalg.det", a) != TH_OK) return TH_ERROR;
  int n = (int)a->size[1];
  if (a->dtype == TH_F32)
    return det_f32(F32(a), a->size[0], n, OPT(det, float), OPT(sign, float), OPT(logabs, float));
  return det_f64(F64(a), a->size[0], n, OPT(det, double), OPT(sign, double), OPT(logabs, double));
}

static int det_cpu(THTensor *a, THTensor *det, THTensor *sign, THTensor *logabs) {
  int saved = serial_begin(a->size[1]);
  int rc = det_cpu_impl(a, det, sign, logabs);
  serial_end(saved);
  return rc;
}

static int cholesky_cpu_impl(THTensor *a, bool upper, THTensor *info) {
  if (check_work("linalg.cholesky", a) != TH_OK) return TH_ERROR;
  int n = (int)a->size[1];
  int *inf = THTensor_data(info);
  return a->dtype == TH_F32 ? cholesky_f32(F32(a), a->size[0], n, upper, inf)
                            : cholesky_f64(F64(a), a->size[0], n, upper, inf);
}

static int cholesky_cpu(THTensor *a, bool upper, THTensor *info) {
  int saved = serial_begin(a->size[1]);
  int rc = cholesky_cpu_impl(a, upper, info);
  serial_end(saved);
  return rc;
}

static int qr_cpu_impl(THTensor *a, THTensor *q, THTensor *r) {
  if (check_work("linalg.qr", a) != TH_OK) return TH_ERROR;
  int m = (int)a->size[1], n = (int)a->size[2];
  int mq = q ? (int)q->size[2] : 0, rr = (int)r->size[1];
  return a->dtype == TH_F32 ? qr_f32(F32(a), a->size[0], m, n, OPT(q, float), mq, F32(r), rr)
                            : qr_f64(F64(a), a->size[0], m, n, OPT(q, double), mq, F64(r), rr);
}

static int qr_cpu(THTensor *a, THTensor *q, THTensor *r) {
  int saved = serial_begin((a->size[1] > a->size[2] ? a->size[1] : a->size[2]));
  int rc = qr_cpu_impl(a, q, r);
  serial_end(saved);
  return rc;
}

static int svd_cpu_impl(THTensor *a, THTensor *u, THTensor *s, THTensor *vh, bool full,
                   THTensor *info) {
  if (check_work("linalg.svd", a) != TH_OK) return TH_ERROR;
  int m = (int)a->size[1], n = (int)a->size[2];
  int *inf = THTensor_data(info);
  if (a->dtype == TH_F32)
    return svd_f32(F32(a), a->size[0], m, n, OPT(u, float), F32(s), OPT(vh, float), full, inf);
  return svd_f64(F64(a), a->size[0], m, n, OPT(u, double), F64(s), OPT(vh, double), full, inf);
}

static int svd_cpu(THTensor *a, THTensor *u, THTensor *s, THTensor *vh, bool full,
                   THTensor *info) {
  int saved = serial_begin((a->size[1] > a->size[2] ? a->size[1] : a->size[2]));
  int rc = svd_cpu_impl(a, u, s, vh, full, info);
  serial_end(saved);
  return rc;
}

static int eigh_cpu_impl(THTensor *a, THTensor *w, bool upper, bool compute_v, THTensor *info) {
  if (check_work("linalg.eigh", a) != TH_OK) return TH_ERROR;
  int n = (int)a->size[1];
  int *inf = THTensor_data(info);
  return a->dtype == TH_F32 ? eigh_f32(F32(a), a->size[0], n, F32(w), upper, compute_v, inf)
                            : eigh_f64(F64(a), a->size[0], n, F64(w), upper, compute_v, inf);
}

static int eigh_cpu(THTensor *a, THTensor *w, bool upper, bool compute_v, THTensor *info) {
  int saved = serial_begin(a->size[1]);
  int rc = eigh_cpu_impl(a, w, upper, compute_v, info);
  serial_end(saved);
  return rc;
}

static int lstsq_cpu_impl(THTensor *a, THTensor *b, double rcond, THLstsqDriver driver,
                     THTensor *rank, THTensor *sv, THTensor *info) {
  if (check_work("linalg.lstsq", a) != TH_OK || check_work("linalg.lstsq", b) != TH_OK)
    return TH_ERROR;
  int m = (int)a->size[1], n = (int)a->size[2], k = (int)b->size[2];
  int *inf = THTensor_data(info);
  int64_t *rk = rank ? THTensor_data(rank) : NULL;
  if (a->dtype == TH_F32)
    return lstsq_f32(F32(a), F32(b), a->size[0], m, n, k, (float)rcond, driver, rk,
                     OPT(sv, float), inf);
  return lstsq_f64(F64(a), F64(b), a->size[0], m, n, k, rcond, driver, rk, OPT(sv, double), inf);
}

static int lstsq_cpu(THTensor *a, THTensor *b, double rcond, THLstsqDriver driver,
                       THTensor *rank, THTensor *sv, THTensor *info) {
  int saved = serial_begin((a->size[1] > a->size[2] ? a->size[1] : a->size[2]));
  int rc = lstsq_cpu_impl(a, b, rcond, driver, rank, sv, info);
  serial_end(saved);
  return rc;
}

/* ======================================================================= registration */

__attribute__((constructor)) static void lapack_register(void) {
  THKernel k;
  memset(&k, 0, sizeof k);
  k.fn = (void (*)(void))inv_cpu;
  THDispatch_register(TH_OP_linalg_inv, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))solve_cpu;
  THDispatch_register(TH_OP_linalg_solve, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))det_cpu;
  THDispatch_register(TH_OP_linalg_det, TH_DEVICE_CPU, k);
  THDispatch_register(TH_OP_linalg_slogdet, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))cholesky_cpu;
  THDispatch_register(TH_OP_linalg_cholesky, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))qr_cpu;
  THDispatch_register(TH_OP_linalg_qr, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))svd_cpu;
  THDispatch_register(TH_OP_linalg_svd, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))eigh_cpu;
  THDispatch_register(TH_OP_linalg_eigh, TH_DEVICE_CPU, k);
  k.fn = (void (*)(void))lstsq_cpu;
  THDispatch_register(TH_OP_linalg_lstsq, TH_DEVICE_CPU, k);
}
