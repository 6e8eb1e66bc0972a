/* THCLinalg.c: the CUDA kernels of the decompositions (inverse, solve, determinants,
 * Cholesky, QR, SVD, symmetric eigendecomposition, least squares) on cuSOLVER.
 *
 * They take THLinalg.h's work tensors (batched column-major float32/float64 matrices, one
 * after another) and walk the batch with cuSOLVER's one-matrix routines on the current stream,
 * each matrix writing its status straight into the device info array; THLinalg.c reads that
 * array (one copy to the host) and raises the CPU's messages.  Scratch (workspace, pivots,
 * tau) comes from the caching allocator.  cuSOLVER's gesvd needs rows >= columns, so wider
 * matrices are decomposed transposed (A^T = U S V^T gives A = V S U^T).  Least squares with
 * the gels driver runs on the device as LAPACK does it (QR, Q^T b, a triangular solve);
 * the other drivers, and underdetermined systems, run the CPU's LAPACK kernel on host copies
 * of the work tensors, so their results are exactly the CPU's.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <cusolverDn.h>
#include "THCGeneral.h"
#include "THCLinalgKernels.h"
#include "THLinalg.h"

/* ======================================================================= handles, statuses */

static _Thread_local cusolverDnHandle_t solver_handles[THC_MAX_DEVICES];
static pthread_key_t solver_key;
static pthread_once_t solver_key_once = PTHREAD_ONCE_INIT;

static void destroy_solver_handles(void *p) {
  cusolverDnHandle_t *h = p;
  int prev = -1;
  cudaGetDevice(&prev);
  for (int d = 0; d < THC_MAX_DEVICES; d++) {
    if (!h[d]) continue;
    if (cudaSetDevice(d) == cudaSuccess) cusolverDnDestroy(h[d]);
    h[d] = NULL;
  }
  if (prev >= 0) cudaSetDevice(prev);
  (void)cudaGetLastError();
}

static void make_solver_key(void) { pthread_key_create(&solver_key, destroy_solver_handles); }

static const char *solver_status_name(cusolverStatus_t s) {
  switch (s) {
  case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
  case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
  case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
  case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
  case CUSOLVER_STATUS_MAPPING_ERROR: return "CUSOLVER_STATUS_MAPPING_ERROR";
  case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
  case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
  case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED: return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
  case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
  case CUSOLVER_STATUS_INVALID_WORKSPACE: return "CUSOLVER_STATUS_INVALID_WORKSPACE";
  default: return "CUSOLVER_STATUS_UNKNOWN";
  }
}

static int solver_check(cusolverStatus_t s, const char *call, const char *file, int line) {
  if (s == CUSOLVER_STATUS_SUCCESS) return TH_OK;
  (void)cudaGetLastError();
  const char *base = strrchr(file, '/');
  return TH_setError("[cusolver] %s (status %d) in %s at %s:%d", solver_status_name(s), (int)s,
                     call, base ? base + 1 : file, line);
}
#define SOLVER_CHECK(call) solver_check((call), #call, __FILE__, __LINE__)

/* This thread's cuSOLVER handle for the current device, bound to its current stream. */
static int solver_handle(cusolverDnHandle_t *out) {
  int dev = 0;
  if (THC_CHECK(cudaGetDevice(&dev)) != TH_OK) return TH_ERROR;
  if (dev < 0 || dev >= THC_MAX_DEVICES)
    return TH_setError("[cusolver] device %d is beyond the %d devices THC handles", dev,
                       THC_MAX_DEVICES);
  if (!solver_handles[dev]) {
    pthread_once(&solver_key_once, make_solver_key);
    cusolverDnHandle_t h = NULL;
    if (SOLVER_CHECK(cusolverDnCreate(&h)) != TH_OK) return TH_ERROR;
    solver_handles[dev] = h;
    pthread_setspecific(solver_key, solver_handles);
  }
  if (SOLVER_CHECK(cusolverDnSetStream(solver_handles[dev], THC_stream(dev))) != TH_OK)
    return TH_ERROR;
  *out = solver_handles[dev];
  return TH_OK;
}

/* The float64 or float32 routine of a cuSOLVER pair; matrix arguments are void pointers. */
#define SD(F64, NAME, ...) ((F64) ? cusolverDnD##NAME(__VA_ARGS__) : cusolverDnS##NAME(__VA_ARGS__))

/* ======================================================================= a kernel's frame */

/* What every kernel sets up: the device of its work tensors made current, the handle, the
 * stream, and the element type. */
typedef struct {
  const char *op;
  THCGuard guard;
  cusolverDnHandle_t h;
  cudaStream_t stream;
  THDevice dev;
  THDtype dt;
  bool f64;
  size_t es;
} Frame;

static int frame_begin(Frame *f, const char *op, const THTensor *a) {
  f->op = op;
  f->dev = THTensor_device(a);
  f->dt = a->dtype;
  f->f64 = a->dtype == TH_F64;
  f->es = THDtype_size(a->dtype);
  if (a->dtype != TH_F32 && a->dtype != TH_F64)
    return TH_setError("[%s] the cuSOLVER kernels take float32 or float64, got %s", op,
                       THDtype_name(a->dtype));
  if (a->ndim != 3 || a->size[1] > INT_MAX / 8 || a->size[2] > INT_MAX / 8)
    return TH_setError("[%s] matrix too large for cuSOLVER (sizes must fit in 32-bit integers)",
                       op);
  if (f->dev.type != TH_DEVICE_CUDA)
    return TH_setError("[%s] internal error: a CUDA kernel got a tensor on the cpu", op);
  if (THC_guardEnter(&f->guard, f->dev.index) != TH_OK) return TH_ERROR;
  if (solver_handle(&f->h) != TH_OK) {
    THC_guardExit(&f->guard);
    return TH_ERROR;
  }
  f->stream = THC_stream(-1);
  return TH_OK;
}

static int frame_end(Frame *f, int rc) {
  THC_guardExit(&f->guard);
  return rc;
}

/* n (at least 1) elements of dt on the frame's device. */
static THTensor *scratch(const Frame *f, THDtype dt, int64_t n) {
  if (n < 1) n = 1;
  return THTensor_empty(dt, f->dev, 1, &n);
}

/* Matrix b of a batched column-major work tensor (or of a flat scratch tensor holding
 * `size` elements per entry). */
static void *entry(const THTensor *t, int64_t b, int64_t size) {
  return (char *)THTensor_data(t) + b * size * (int64_t)THDtype_size(t->dtype);
}

static int zero_info(const Frame *f, THTensor *info) {
  size_t nbytes = (size_t)THTensor_numel(info) * sizeof(int);
  return nbytes ? THC_CHECK(cudaMemsetAsync(THTensor_data(info), 0, nbytes, f->stream)) : TH_OK;
}

static int launched(const Frame *f, cudaError_t e) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] no CUDA kernel for %s", f->op, THDtype_name(f->dt));
  return THC_CHECK(e);
}

/* ======================================================================= LU: inverse, solve, det */

/* LU of matrix b of a (n x n) into place, pivots in ipiv, status in *info. */
static int lu_factor(const Frame *f, const THTensor *a, int64_t b, int n, THTensor *work,
                     int *ipiv, int *info) {
  return SOLVER_CHECK(SD(f->f64, getrf, f->h, n, n, entry(a, b, (int64_t)n * n), n,
                         THTensor_data(work), ipiv, info));
}

static int lu_workspace(const Frame *f, const THTensor *a, int n, THTensor **work) {
  int lwork = 0;
  if (SOLVER_CHECK(SD(f->f64, getrf_bufferSize, f->h, n, n, THTensor_data(a), n, &lwork)) != TH_OK)
    return TH_ERROR;
  return (*work = scratch(f, f->dt, lwork)) ? TH_OK : TH_ERROR;
}

/* a <- a^-1: LU, then the identity solved for (getrs) and copied back. */
static int inv_cuda(THTensor *a, THTensor *info) {
  Frame f;
  if (frame_begin(&f, "linalg.inv", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int n = (int)a->size[1];
  if (n == 0 || B == 0) return frame_end(&f, zero_info(&f, info));
  THTensor *work = NULL, *ipiv = NULL, *rhs = NULL, *status = NULL;
  int rc = TH_ERROR;
  int64_t nn = (int64_t)n * n;
  if (lu_workspace(&f, a, n, &work) != TH_OK || !(ipiv = scratch(&f, TH_I32, n)) ||
      !(rhs = scratch(&f, f.dt, B * nn)) || !(status = scratch(&f, TH_I32, 1)))
    goto done;
  if (launched(&f, THC_launchEye(f.dt, THTensor_data(rhs), B, n, n, f.stream)) != TH_OK) goto done;
  for (int64_t b = 0; b < B; b++) {
    if (lu_factor(&f, a, b, n, work, THTensor_data(ipiv), (int *)THTensor_data(info) + b) != TH_OK)
      goto done;
    /* getrs's own status only reports bad arguments: it must not overwrite getrf's */
    if (SOLVER_CHECK(SD(f.f64, getrs, f.h, CUBLAS_OP_N, n, n, entry(a, b, nn), n,
                        THTensor_data(ipiv), entry(rhs, b, nn), n, THTensor_data(status))) != TH_OK)
      goto done;
  }
  if (THC_CHECK(cudaMemcpyAsync(THTensor_data(a), THTensor_data(rhs), (size_t)(B * nn) * f.es,
                                cudaMemcpyDeviceToDevice, f.stream)) != TH_OK)
    goto done;
  rc = TH_OK;
done:
  THTensor_free(work);
  THTensor_free(ipiv);
  THTensor_free(rhs);
  THTensor_free(status);
  return frame_end(&f, rc);
}

/* a x = rhs: a <- its LU factors, rhs <- x. */
static int solve_cuda(THTensor *a, THTensor *rhs, THTensor *info) {
  Frame f;
  if (frame_begin(&f, "linalg.solve", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int n = (int)a->size[1], k = (int)rhs->size[2];
  if (n == 0 || k == 0 || B == 0) return frame_end(&f, zero_info(&f, info));
  THTensor *work = NULL, *ipiv = NULL, *status = NULL;
  int rc = TH_ERROR;
  int64_t nn = (int64_t)n * n;
  if (lu_workspace(&f, a, n, &work) != TH_OK || !(ipiv = scratch(&f, TH_I32, n)) ||
      !(status = scratch(&f, TH_I32, 1)))
    goto done;
  for (int64_t b = 0; b < B; b++) {
    if (lu_factor(&f, a, b, n, work, THTensor_data(ipiv), (int *)THTensor_data(info) + b) != TH_OK ||
        SOLVER_CHECK(SD(f.f64, getrs, f.h, CUBLAS_OP_N, n, k, entry(a, b, nn), n,
                        THTensor_data(ipiv), entry(rhs, b, (int64_t)n * k), n,
                        THTensor_data(status))) != TH_OK)
      goto done;
  }
  rc = TH_OK;
done:
  THTensor_free(work);
  THTensor_free(ipiv);
  THTensor_free(status);
  return frame_end(&f, rc);
}

/* det and/or (sign, logabsdet) from LU factors; singular matrices are not an error. */
static int det_cuda(THTensor *a, THTensor *det, THTensor *sign, THTensor *logabs) {
  Frame f;
  if (frame_begin(&f, "linalg.det", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int n = (int)a->size[1];
  THTensor *work = NULL, *ipiv = NULL, *status = NULL;
  int rc = TH_ERROR;
  if (!(ipiv = scratch(&f, TH_I32, B * n)) || !(status = scratch(&f, TH_I32, B))) goto done;
  if (n > 0 && B > 0) {
    if (lu_workspace(&f, a, n, &work) != TH_OK) goto done;
    for (int64_t b = 0; b < B; b++)
      if (lu_factor(&f, a, b, n, work, (int *)THTensor_data(ipiv) + b * n,
                    (int *)THTensor_data(status) + b) != TH_OK)
        goto done;
  }
  rc = launched(&f, THC_launchDetFromLU(f.dt, THTensor_data(a), THTensor_data(ipiv), B, n,
                                        det ? THTensor_data(det) : NULL,
                                        sign ? THTensor_data(sign) : NULL,
                                        logabs ? THTensor_data(logabs) : NULL, f.stream));
done:
  THTensor_free(work);
  THTensor_free(ipiv);
  THTensor_free(status);
  return frame_end(&f, rc);
}

/* ======================================================================= Cholesky, QR */

static int cholesky_cuda(THTensor *a, bool upper, THTensor *info) {
  Frame f;
  if (frame_begin(&f, "linalg.cholesky", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int n = (int)a->size[1];
  if (n == 0 || B == 0) return frame_end(&f, zero_info(&f, info));
  cublasFillMode_t uplo = upper ? CUBLAS_FILL_MODE_UPPER : CUBLAS_FILL_MODE_LOWER;
  THTensor *work = NULL;
  int rc = TH_ERROR, lwork = 0;
  int64_t nn = (int64_t)n * n;
  if (SOLVER_CHECK(SD(f.f64, potrf_bufferSize, f.h, uplo, n, THTensor_data(a), n, &lwork)) != TH_OK ||
      !(work = scratch(&f, f.dt, lwork)))
    goto done;
  for (int64_t b = 0; b < B; b++)
    if (SOLVER_CHECK(SD(f.f64, potrf, f.h, uplo, n, entry(a, b, nn), n, THTensor_data(work), lwork,
                        (int *)THTensor_data(info) + b)) != TH_OK)
      goto done;
  rc = launched(&f, THC_launchZeroTriangle(f.dt, THTensor_data(a), B, n, upper, f.stream));
done:
  THTensor_free(work);
  return frame_end(&f, rc);
}

/* geqrf on each matrix; r from the upper triangle; q (when wanted) from orgqr on the
 * reflectors padded with the identity's columns. */
static int qr_cuda(THTensor *a, THTensor *q, THTensor *r) {
  Frame f;
  if (frame_begin(&f, "linalg.qr", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int m = (int)a->size[1], n = (int)a->size[2], k = m < n ? m : n;
  int mq = q ? (int)q->size[2] : 0, rr = (int)r->size[1];
  int64_t mn = (int64_t)m * n, mmq = (int64_t)m * mq;
  THTensor *work = NULL, *tau = NULL, *status = NULL;
  int rc = TH_ERROR, lwork = 1;
  if (!(tau = scratch(&f, f.dt, B * k)) || !(status = scratch(&f, TH_I32, 1))) goto done;
  if (k > 0 && B > 0) {
    int lq = 0, lo = 0;
    if (SOLVER_CHECK(SD(f.f64, geqrf_bufferSize, f.h, m, n, THTensor_data(a), m, &lq)) != TH_OK)
      goto done;
    if (q && SOLVER_CHECK(SD(f.f64, orgqr_bufferSize, f.h, m, mq, k, THTensor_data(q), m,
                             THTensor_data(tau), &lo)) != TH_OK)
      goto done;
    lwork = lq > lo ? lq : lo;
    if (!(work = scratch(&f, f.dt, lwork))) goto done;
    for (int64_t b = 0; b < B; b++)
      if (SOLVER_CHECK(SD(f.f64, geqrf, f.h, m, n, entry(a, b, mn), m, entry(tau, b, k),
                          THTensor_data(work), lwork, THTensor_data(status))) != TH_OK)
        goto done;
  }
  if (launched(&f, THC_launchQrFill(f.dt, THTensor_data(a), B, m, n, q ? THTensor_data(q) : NULL,
                                    mq, THTensor_data(r), rr, f.stream)) != TH_OK)
    goto done;
  if (q && k > 0)
    for (int64_t b = 0; b < B; b++)
      if (SOLVER_CHECK(SD(f.f64, orgqr, f.h, m, mq, k, entry(q, b, mmq), m, entry(tau, b, k),
                          THTensor_data(work), lwork, THTensor_data(status))) != TH_OK)
        goto done;
  rc = TH_OK;
done:
  THTensor_free(work);
  THTensor_free(tau);
  THTensor_free(status);
  return frame_end(&f, rc);
}

/* ======================================================================= SVD, eigh */

/* gesvd of B rows x cols matrices (rows >= cols) at x: s (B, cols); when vectors, U into ux
 * (rows x ucols, ucols = rows if full else cols) and V^T into vtx (cols x cols). */
static int gesvd_batch(const Frame *f, const THTensor *x, int64_t B, int rows, int cols,
                       bool vectors, bool full, THTensor *s, THTensor *ux, THTensor *vtx,
                       THTensor *info) {
  signed char job = !vectors ? 'N' : full ? 'A' : 'S';
  int ucols = full ? rows : cols, lwork = 0, rc = TH_ERROR;
  THTensor *work = NULL, *rwork = NULL;
  if (SOLVER_CHECK(SD(f->f64, gesvd_bufferSize, f->h, rows, cols, &lwork)) != TH_OK ||
      !(work = scratch(f, f->dt, lwork)) || !(rwork = scratch(f, f->dt, cols)))
    goto done;
  for (int64_t b = 0; b < B; b++)
    if (SOLVER_CHECK(SD(f->f64, gesvd, f->h, job, job, rows, cols,
                        entry(x, b, (int64_t)rows * cols), rows, entry(s, b, cols),
                        vectors ? entry(ux, b, (int64_t)rows * ucols) : NULL, rows,
                        vectors ? entry(vtx, b, (int64_t)cols * cols) : NULL, cols,
                        THTensor_data(work), lwork, THTensor_data(rwork),
                        (int *)THTensor_data(info) + b)) != TH_OK)
      goto done;
  rc = TH_OK;
done:
  THTensor_free(work);
  THTensor_free(rwork);
  return rc;
}

static int svd_cuda(THTensor *a, THTensor *u, THTensor *s, THTensor *vh, bool full,
                    THTensor *info) {
  Frame f;
  if (frame_begin(&f, "linalg.svd", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int m = (int)a->size[1], n = (int)a->size[2], k = m < n ? m : n;
  int ucols = full ? m : k, vrows = full ? n : k;
  bool vectors = u != NULL;
  THTensor *at = NULL, *ut = NULL, *vt = NULL;
  int rc = TH_ERROR;
  if (k == 0 || B == 0) { /* nothing to decompose: identities where full matrices are asked */
    rc = zero_info(&f, info);
    if (rc == TH_OK && vectors)
      rc = launched(&f, THC_launchEye(f.dt, THTensor_data(u), B, m, ucols, f.stream));
    if (rc == TH_OK && vectors)
      rc = launched(&f, THC_launchEye(f.dt, THTensor_data(vh), B, vrows, n, f.stream));
    return frame_end(&f, rc);
  }
  if (m >= n) {
    rc = gesvd_batch(&f, a, B, m, n, vectors, full, s, u, vh, info);
    return frame_end(&f, rc);
  }
  /* wide: A^T (n x m) = U' S V'^T, so u = V' and vh = U'^T */
  int ucols_t = full ? n : m;
  if (!(at = scratch(&f, f.dt, B * (int64_t)n * m)) ||
      (vectors && (!(ut = scratch(&f, f.dt, B * (int64_t)n * ucols_t)) ||
                   !(vt = scratch(&f, f.dt, B * (int64_t)m * m)))))
    goto done;
  if (launched(&f, THC_launchTranspose(f.dt, THTensor_data(a), B, m, n, THTensor_data(at),
                                       f.stream)) != TH_OK ||
      gesvd_batch(&f, at, B, n, m, vectors, full, s, ut, vt, info) != TH_OK)
    goto done;
  if (vectors &&
      (launched(&f, THC_launchTranspose(f.dt, THTensor_data(vt), B, m, m, THTensor_data(u),
                                        f.stream)) != TH_OK ||
       launched(&f, THC_launchTranspose(f.dt, THTensor_data(ut), B, n, ucols_t,
                                        THTensor_data(vh), f.stream)) != TH_OK))
    goto done;
  rc = TH_OK;
done:
  THTensor_free(at);
  THTensor_free(ut);
  THTensor_free(vt);
  return frame_end(&f, rc);
}

static int eigh_cuda(THTensor *a, THTensor *w, bool upper, bool compute_v, THTensor *info) {
  Frame f;
  if (frame_begin(&f, "linalg.eigh", a) != TH_OK) return TH_ERROR;
  int64_t B = a->size[0];
  int n = (int)a->size[1];
  if (n == 0 || B == 0) return frame_end(&f, zero_info(&f, info));
  cusolverEigMode_t jobz = compute_v ? CUSOLVER_EIG_MODE_VECTOR : CUSOLVER_EIG_MODE_NOVECTOR;
  cublasFillMode_t uplo = upper ? CUBLAS_FILL_MODE_UPPER : CUBLAS_FILL_MODE_LOWER;
  THTensor *work = NULL;
  int rc = TH_ERROR, lwork = 0;
  if (SOLVER_CHECK(SD(f.f64, syevd_bufferSize, f.h, jobz, uplo, n, THTensor_data(a), n,
                      THTensor_data(w), &lwork)) != TH_OK ||
      !(work = scratch(&f, f.dt, lwork)))
    goto done;
  for (int64_t b = 0; b < B; b++)
    if (SOLVER_CHECK(SD(f.f64, syevd, f.h, jobz, uplo, n, entry(a, b, (int64_t)n * n), n,
                        entry(w, b, n), THTensor_data(work), lwork,
                        (int *)THTensor_data(info) + b)) != TH_OK)
      goto done;
  rc = TH_OK;
done:
  THTensor_free(work);
  return frame_end(&f, rc);
}

/* ======================================================================= least squares */

/* A CPU tensor with t's sizes and strides (over a storage just large enough), holding t's
 * values when `fill`. */
static THTensor *host_like(const THTensor *t, bool fill) {
  int64_t extent = 1;
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 0) extent = 0;
    if (extent) extent += (t->size[d] - 1) * t->stride[d];
  }
  THTensor *flat = THTensor_empty(t->dtype, TH_CPU, 1, &extent);
  if (!flat) return NULL;
  THTensor *h = THTensor_newView(flat->storage, t->dtype, 0, t->ndim, t->size, t->stride);
  THTensor_free(flat);
  if (h && fill && THTensor_copy(h, t) != TH_OK) {
    THTensor_free(h);
    return NULL;
  }
  return h;
}

/* The CPU's LAPACK kernel on host copies; b, rank, sv and info are copied back. */
static int lstsq_on_host(THTensor *a, THTensor *b, double rcond, THLstsqDriver driver,
                         THTensor *rank, THTensor *sv, THTensor *info) {
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_lstsq, TH_CPU, &k) != TH_OK) return TH_ERROR;
  THTensor *ha = host_like(a, true), *hb = host_like(b, true), *hinfo = host_like(info, false);
  THTensor *hrank = rank ? host_like(rank, false) : NULL, *hsv = sv ? host_like(sv, false) : NULL;
  int rc = TH_ERROR;
  if (!ha || !hb || !hinfo || (rank && !hrank) || (sv && !hsv)) goto done;
  if (((THLinalgLstsqFn)k.fn)(ha, hb, rcond, driver, hrank, hsv, hinfo) != TH_OK ||
      THTensor_copy(b, hb) != TH_OK || THTensor_copy(info, hinfo) != TH_OK ||
      (rank && THTensor_copy(rank, hrank) != TH_OK) || (sv && THTensor_copy(sv, hsv) != TH_OK))
    goto done;
  rc = TH_OK;
done:
  THTensor_free(ha);
  THTensor_free(hb);
  THTensor_free(hinfo);
  THTensor_free(hrank);
  THTensor_free(hsv);
  return rc;
}

/* gels for m >= n on the device: a = QR, b <- Q^T b, then R x = (Q^T b)[:n] by trsm; rows
 * n.. of b keep the residual's components, as LAPACK leaves them.  Then LAPACK's checks: an
 * exactly zero diagonal of R is info > 0, and A == 0 gives x = 0 (THC_launchGelsCheck). */
static int gels_cuda(Frame *f, THTensor *a, THTensor *b, THTensor *info) {
  int64_t B = a->size[0];
  int m = (int)a->size[1], n = (int)a->size[2], nrhs = (int)b->size[2], ldb = (int)b->size[1];
  int64_t mn = (int64_t)m * n, bsize = (int64_t)ldb * nrhs;
  THTensor *work = NULL, *tau = NULL, *status = NULL;
  int rc = TH_ERROR, lq = 0, lo = 0;
  cublasHandle_t blas;
  if (!(tau = scratch(f, f->dt, B * n)) || !(status = scratch(f, TH_I32, 1)) ||
      THC_blasHandle(&blas) != TH_OK ||
      THC_BLAS_CHECK(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH)) != TH_OK)
    goto done;
  if (SOLVER_CHECK(SD(f->f64, geqrf_bufferSize, f->h, m, n, THTensor_data(a), m, &lq)) != TH_OK ||
      SOLVER_CHECK(SD(f->f64, ormqr_bufferSize, f->h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, nrhs, n,
                      THTensor_data(a), m, THTensor_data(tau), THTensor_data(b), ldb, &lo)) != TH_OK ||
      !(work = scratch(f, f->dt, lq > lo ? lq : lo)))
    goto done;
  int lwork = lq > lo ? lq : lo;
  const float one_f = 1;
  const double one_d = 1;
  for (int64_t i = 0; i < B; i++) {
    void *ai = entry(a, i, mn), *bi = entry(b, i, bsize), *ti = entry(tau, i, n);
    if (SOLVER_CHECK(SD(f->f64, geqrf, f->h, m, n, ai, m, ti, THTensor_data(work), lwork,
                        THTensor_data(status))) != TH_OK ||
        SOLVER_CHECK(SD(f->f64, ormqr, f->h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, nrhs, n, ai, m, ti,
                        bi, ldb, THTensor_data(work), lwork, THTensor_data(status))) != TH_OK)
      goto done;
    cublasStatus_t st =
        f->f64 ? cublasDtrsm(blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                             CUBLAS_DIAG_NON_UNIT, n, nrhs, &one_d, ai, m, bi, ldb)
               : cublasStrsm(blas, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                             CUBLAS_DIAG_NON_UNIT, n, nrhs, &one_f, ai, m, bi, ldb);
    if (THC_BLAS_CHECK(st) != TH_OK) goto done;
  }
  rc = launched(f, THC_launchGelsCheck(f->dt, THTensor_data(a), B, m, n, THTensor_data(b), ldb,
                                       nrhs, THTensor_data(info), f->stream));
done:
  THTensor_free(work);
  THTensor_free(tau);
  THTensor_free(status);
  return rc;
}

static int lstsq_cuda(THTensor *a, THTensor *b, double rcond, THLstsqDriver driver,
                      THTensor *rank, THTensor *sv, THTensor *info) {
  int64_t m = a->size[1], n = a->size[2], nrhs = b->size[2];
  /* LAPACK quick-returns when a size is 0 (x = 0, no rank check): the host does the same */
  if (driver != TH_LSTSQ_GELS || m < n || n == 0 || nrhs == 0 || a->size[0] == 0)
    return lstsq_on_host(a, b, rcond, driver, rank, sv, info);
  Frame f;
  if (frame_begin(&f, "linalg.lstsq", a) != TH_OK) return TH_ERROR;
  return frame_end(&f, gels_cuda(&f, a, b, info));
}

/* ======================================================================= registration */

void THC_registerSolver(void) {
  THKernel k;
  memset(&k, 0, sizeof k);
  k.fn = (void (*)(void))inv_cuda;
  THDispatch_register(TH_OP_linalg_inv, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))solve_cuda;
  THDispatch_register(TH_OP_linalg_solve, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))det_cuda;
  THDispatch_register(TH_OP_linalg_det, TH_DEVICE_CUDA, k);
  THDispatch_register(TH_OP_linalg_slogdet, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))cholesky_cuda;
  THDispatch_register(TH_OP_linalg_cholesky, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))qr_cuda;
  THDispatch_register(TH_OP_linalg_qr, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))svd_cuda;
  THDispatch_register(TH_OP_linalg_svd, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))eigh_cuda;
  THDispatch_register(TH_OP_linalg_eigh, TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))lstsq_cuda;
  THDispatch_register(TH_OP_linalg_lstsq, TH_DEVICE_CUDA, k);
}
