/* THCBlas.c: the CUDA kernels of THOps.def's LINALG rows (registration of the whole family),
 * the matrix products on cuBLAS, and vector norms.
 *
 * One batched GEMM (THLinalgGemmFn) serves mm, bmm, matmul, mv, dot, vdot, addmm, addmv,
 * baddbmm and addbmm, as on the CPU.  Operands are handed to cuBLAS in place whenever they
 * can be: cuBLAS is column-major, so a row-major result is computed as its transpose
 * (c^T = b^T a^T), each operand is read as is or transposed according to which of its
 * strides is 1, and a batch whose entries lie one stride apart becomes one strided-batched
 * call.  Only operands that fit none of these (no unit stride, or batch dims that do not
 * merge) are copied; contiguous operands never are, and nothing here waits for the device.
 * float32 runs in full precision unless THC_setAllowTF32(true) (PyTorch's
 * torch.backends.cuda.matmul.allow_tf32, off by default); float16 and bfloat16 run on tensor
 * cores with float32 accumulation; integer dtypes and empty inner dims use THCLinalg.cu's
 * simple kernel.  cuBLAS handles are made once per device and thread and bound to the
 * current stream on every call.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "THCGeneral.h"
#include "THCLinalgKernels.h"
#include "THLinalg.h"

/* ======================================================================= handles */

static _Thread_local cublasHandle_t blas_handles[THC_MAX_DEVICES];
static pthread_key_t blas_key;
static pthread_once_t blas_key_once = PTHREAD_ONCE_INIT;

/* A thread's handles go with it (the key's value is its handle array). */
static void destroy_blas_handles(void *p) {
  cublasHandle_t *h = p;
  int prev = -1;
  cudaGetDevice(&prev);
  for (int d = 0; d < THC_MAX_DEVICES; d++) {
    if (!h[d]) continue;
    if (cudaSetDevice(d) == cudaSuccess) cublasDestroy(h[d]);
    h[d] = NULL;
  }
  if (prev >= 0) cudaSetDevice(prev);
  (void)cudaGetLastError();
}

static void make_blas_key(void) { pthread_key_create(&blas_key, destroy_blas_handles); }

int THC_blasCheck(cublasStatus_t s, const char *call, const char *file, int line) {
  if (s == CUBLAS_STATUS_SUCCESS) return TH_OK;
  (void)cudaGetLastError();
  const char *base = strrchr(file, '/');
  return TH_setError("[cublas] %s (%s) in %s at %s:%d", cublasGetStatusString(s),
                     cublasGetStatusName(s), call, base ? base + 1 : file, line);
}

int THC_blasHandle(cublasHandle_t *out) {
  int dev = 0;
  if (THC_CHECK(cudaGetDevice(&dev)) != TH_OK) return TH_ERROR;
  if (dev < 0 || dev >= THC_MAX_DEVICES)
    return TH_setError("[cublas] device %d is beyond the %d devices THC handles", dev,
                       THC_MAX_DEVICES);
  if (!blas_handles[dev]) {
    pthread_once(&blas_key_once, make_blas_key);
    cublasHandle_t h = NULL;
    if (THC_BLAS_CHECK(cublasCreate(&h)) != TH_OK) return TH_ERROR;
    blas_handles[dev] = h;
    pthread_setspecific(blas_key, blas_handles);
  }
  if (THC_BLAS_CHECK(cublasSetStream(blas_handles[dev], THC_stream(dev))) != TH_OK)
    return TH_ERROR;
  *out = blas_handles[dev];
  return TH_OK;
}

/* ======================================================================= TF32 */

static atomic_bool allow_tf32 = false;

int THC_setAllowTF32(bool allow) {
  atomic_store(&allow_tf32, allow);
  return TH_OK;
}

bool THC_getAllowTF32(void) { return atomic_load(&allow_tf32); }

/* ======================================================================= products */

/* A matrix in cuBLAS's terms: rows x cols with element strides (rs, cs). */
typedef struct {
  int64_t rows, cols, rs, cs;
} Mat;

static int64_t max3(int64_t a, int64_t b, int64_t c) {
  int64_t m = a > b ? a : b;
  return m > c ? m : c;
}

/* How column-major cuBLAS reads x: as is (op N, ld = the column stride) when its rows are
 * adjacent, transposed (op T, ld = the row stride) when its columns are; false when neither.
 * A single row or column may have any stride along its length-1 dim. */
static bool blas_view(Mat x, cublasOperation_t *op, int64_t *ld) {
  if ((x.rs == 1 || x.rows == 1) && (x.cols == 1 || x.cs >= x.rows)) {
    *op = CUBLAS_OP_N;
    *ld = max3(x.cols == 1 ? x.rows : x.cs, x.rows, 1);
    return true;
  }
  if ((x.cs == 1 || x.cols == 1) && (x.rows == 1 || x.rs >= x.cols)) {
    *op = CUBLAS_OP_T;
    *ld = max3(x.rows == 1 ? x.cols : x.rs, x.cols, 1);
    return true;
  }
  return false;
}

/* The matrix of the last two dims of t. */
static Mat mat_of(const THTensor *t) {
  int nd = t->ndim;
  return (Mat){t->size[nd - 2], t->size[nd - 1], t->stride[nd - 2], t->stride[nd - 1]};
}

/* Mat of the transpose. */
static Mat transposed(Mat x) { return (Mat){x.cols, x.rows, x.cs, x.rs}; }

/* True when the first nb (batch) dims of t step by one stride: batch entry i (flattened)
 * starts i * *stride elements after the first.  Size-1 dims do not count; a broadcast batch
 * has stride 0. */
static bool flat_batch(const THTensor *t, int nb, int64_t *stride) {
  int64_t first = 0, span = -1;
  for (int d = nb - 1; d >= 0; d--) {
    if (t->size[d] == 1) continue;
    if (span < 0) {
      first = t->stride[d];
    } else if (t->stride[d] != span) {
      return false;
    }
    span = t->stride[d] * t->size[d];
  }
  *stride = first;
  return true;
}

static THTensor *dense_copy(const THTensor *t) {
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), t->ndim, t->size);
  if (r && THTensor_copy(r, t) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

/* The result's layouts cuBLAS can write: column-major (c itself) or row-major (c^T). */
static bool colmajor_result(Mat c) { return (c.rs == 1 || c.rows == 1) && (c.cols == 1 || c.cs >= c.rows); }
static bool rowmajor_result(Mat c) { return colmajor_result(transposed(c)); }

/* cuBLAS batches are ints; very large ones go in pieces. */
#define GEMM_BATCH_MAX 65535

/* z (M x N, ldz) = alpha op(x) op(y) + beta z for `batch` entries strided by sx, sy, sz. */
static int gemm_call(cublasHandle_t h, THDtype dt, cublasOperation_t opx, cublasOperation_t opy,
                     int M, int N, int K, double alpha, const void *x, int ldx, long long sx,
                     const void *y, int ldy, long long sy, double beta, void *z, int ldz,
                     long long sz, int batch) {
  bool tf32 = dt == TH_F32 && atomic_load(&allow_tf32);
  if (THC_BLAS_CHECK(cublasSetMathMode(h, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                                : CUBLAS_DEFAULT_MATH)) != TH_OK)
    return TH_ERROR;
  if (dt == TH_F32) {
    float al = (float)alpha, be = (float)beta;
    if (batch == 1)
      return THC_BLAS_CHECK(cublasSgemm(h, opx, opy, M, N, K, &al, x, ldx, y, ldy, &be, z, ldz));
    return THC_BLAS_CHECK(cublasSgemmStridedBatched(h, opx, opy, M, N, K, &al, x, ldx, sx, y,
                                                    ldy, sy, &be, z, ldz, sz, batch));
  }
  if (dt == TH_F64) {
    if (batch == 1)
      return THC_BLAS_CHECK(cublasDgemm(h, opx, opy, M, N, K, &alpha, x, ldx, y, ldy, &beta, z,
                                        ldz));
    return THC_BLAS_CHECK(cublasDgemmStridedBatched(h, opx, opy, M, N, K, &alpha, x, ldx, sx, y,
                                                    ldy, sy, &beta, z, ldz, sz, batch));
  }
  /* float16 / bfloat16: tensor cores, float accumulation and scalars */
  cudaDataType t = dt == TH_F16 ? CUDA_R_16F : CUDA_R_16BF;
  float al = (float)alpha, be = (float)beta;
  if (batch == 1)
    return THC_BLAS_CHECK(cublasGemmEx(h, opx, opy, M, N, K, &al, x, t, ldx, y, t, ldy, &be, z,
                                       t, ldz, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  return THC_BLAS_CHECK(cublasGemmStridedBatchedEx(h, opx, opy, M, N, K, &al, x, t, ldx, sx, y,
                                                   t, ldy, sy, &be, z, t, ldz, sz, batch,
                                                   CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

static bool fits_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

/* Floating c = beta c + alpha a @ b with k > 0 on the current device, through cuBLAS. */
static int gemm_blas(THTensor *c, const THTensor *a, const THTensor *b, double alpha,
                     double beta, int64_t nbatch) {
  int nb = c->ndim - 2;
  THTensor *a_copy = NULL, *b_copy = NULL, *c_work = NULL;
  int rc = TH_ERROR;
  cublasOperation_t op;
  int64_t ld, a_bs = 0, b_bs = 0, c_bs = 0;
  /* operands cuBLAS cannot read in place become dense copies */
  if (!flat_batch(a, nb, &a_bs) || !blas_view(mat_of(a), &op, &ld)) {
    if (!(a_copy = dense_copy(a))) goto done;
    a = a_copy;
    flat_batch(a, nb, &a_bs);
  }
  if (!flat_batch(b, nb, &b_bs) || !blas_view(mat_of(b), &op, &ld)) {
    if (!(b_copy = dense_copy(b))) goto done;
    b = b_copy;
    flat_batch(b, nb, &b_bs);
  }
  /* a result cuBLAS cannot write in place is computed in a dense one, copied back after */
  THTensor *z = c;
  if (!flat_batch(c, nb, &c_bs) || !(colmajor_result(mat_of(c)) || rowmajor_result(mat_of(c)))) {
    if (!(c_work = beta != 0 ? dense_copy(c)
                             : THTensor_empty(c->dtype, THTensor_device(c), c->ndim, c->size)))
      goto done;
    z = c_work;
    flat_batch(z, nb, &c_bs);
  }
  /* column-major z = a b, or row-major z computed as z^T = b^T a^T */
  Mat zm = mat_of(z), x, y;
  const char *xp, *yp;
  int64_t x_bs, y_bs, ldz;
  bool col = colmajor_result(zm);
  if (col) {
    x = mat_of(a), xp = THTensor_data(a), x_bs = a_bs;
    y = mat_of(b), yp = THTensor_data(b), y_bs = b_bs;
    ldz = max3(zm.cols == 1 ? zm.rows : zm.cs, zm.rows, 1);
  } else {
    x = transposed(mat_of(b)), xp = THTensor_data(b), x_bs = b_bs;
    y = transposed(mat_of(a)), yp = THTensor_data(a), y_bs = a_bs;
    zm = transposed(zm);
    ldz = max3(zm.cols == 1 ? zm.rows : zm.cs, zm.rows, 1);
  }
  cublasOperation_t opx, opy;
  int64_t ldx, ldy;
  if (!blas_view(x, &opx, &ldx) || !blas_view(y, &opy, &ldy)) {
    TH_setError("[gemm] internal error: an operand has no cuBLAS layout after copying");
    goto done;
  }
  int64_t M = zm.rows, N = zm.cols, K = x.cols;
  if (!fits_int(M) || !fits_int(N) || !fits_int(K) || !fits_int(ldx) || !fits_int(ldy) ||
      !fits_int(ldz)) {
    TH_setError("[gemm] matrix too large for cuBLAS (sizes and strides must fit in 32-bit "
                "integers)");
    goto done;
  }
  cublasHandle_t h;
  if (THC_blasHandle(&h) != TH_OK) goto done;
  size_t es = THDtype_size(c->dtype);
  char *zp = THTensor_data(z);
  for (int64_t start = 0; start < nbatch; start += GEMM_BATCH_MAX) {
    int64_t count = nbatch - start < GEMM_BATCH_MAX ? nbatch - start : GEMM_BATCH_MAX;
    if (gemm_call(h, c->dtype, opx, opy, (int)M, (int)N, (int)K, alpha,
                  xp + start * x_bs * (int64_t)es, (int)ldx, x_bs, yp + start * y_bs * (int64_t)es,
                  (int)ldy, y_bs, beta, zp + start * c_bs * (int64_t)es, (int)ldz, c_bs,
                  (int)count) != TH_OK)
      goto done;
  }
  if (c_work && THTensor_copy(c, c_work) != TH_OK) goto done;
  rc = TH_OK;
done:
  THTensor_free(a_copy);
  THTensor_free(b_copy);
  THTensor_free(c_work);
  return rc;
}

/* Integer products, and floating ones with k == 0, element by element. */
static int gemm_simple(THTensor *c, const THTensor *a, const THTensor *b, THScalar alpha,
                       THScalar beta) {
  THCGemmDesc d;
  memset(&d, 0, sizeof d);
  int nd = c->ndim;
  d.dtype = c->dtype;
  d.nb = nd - 2;
  memcpy(d.batch, c->size, sizeof(int64_t) * (size_t)d.nb);
  d.m = c->size[nd - 2];
  d.n = c->size[nd - 1];
  d.k = a->size[nd - 1];
  d.c = THTensor_data(c);
  d.a = THTensor_data(a);
  d.b = THTensor_data(b);
  memcpy(d.sc, c->stride, sizeof(int64_t) * (size_t)nd);
  memcpy(d.sa, a->stride, sizeof(int64_t) * (size_t)nd);
  memcpy(d.sb, b->stride, sizeof(int64_t) * (size_t)nd);
  d.alpha = alpha.kind == TH_KIND_FLOAT ? alpha.f : (double)alpha.i;
  d.beta = beta.kind == TH_KIND_FLOAT ? beta.f : (double)beta.i;
  d.ialpha = alpha.kind == TH_KIND_FLOAT ? (int64_t)alpha.f : alpha.i;
  d.ibeta = beta.kind == TH_KIND_FLOAT ? (int64_t)beta.f : beta.i;
  cudaError_t e = THC_launchGemmSimple(&d, THC_stream(-1));
  if (e == THC_UNSUPPORTED)
    return TH_setError("[gemm] not implemented for dtype %s on CUDA", THDtype_name(c->dtype));
  return THC_CHECK(e);
}

static const char *device_name(THDevice d, char *buf, size_t n) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, n, "cuda:%d", d.index);
  return buf;
}

/* TH_OK when every tensor is on dev; else an error naming both devices. */
static int check_devices(const char *op, THDevice dev, int n, const THTensor *const *t) {
  char b1[32], b2[32];
  for (int i = 0; i < n; i++) {
    THDevice d = THTensor_device(t[i]);
    if (!THDevice_equal(d, dev))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                         "two devices, %s and %s", op, device_name(dev, b1, sizeof b1),
                         device_name(d, b2, sizeof b2));
  }
  return TH_OK;
}

static int gemm_cuda(THTensor *c, const THTensor *a, const THTensor *b, THScalar alpha,
                     THScalar beta) {
  int nd = c->ndim;
  if (nd < 2 || a->ndim != nd || b->ndim != nd)
    return TH_setError("[gemm] operands must have the same number (>= 2) of dims");
  THDevice dev = THTensor_device(c);
  const THTensor *ops[2] = {a, b};
  if (check_devices("gemm", dev, 2, ops) != TH_OK) return TH_ERROR;
  if (a->dtype != c->dtype || b->dtype != c->dtype)
    return TH_setError("[gemm] expected operands of one dtype, got %s, %s and %s",
                       THDtype_name(a->dtype), THDtype_name(b->dtype), THDtype_name(c->dtype));
  int64_t nbatch = 1;
  for (int d = 0; d < nd - 2; d++) nbatch *= c->size[d];
  if (nbatch == 0 || c->size[nd - 2] == 0 || c->size[nd - 1] == 0) return TH_OK;
  THCGuard g;
  if (THC_guardEnter(&g, dev.index) != TH_OK) return TH_ERROR;
  int rc;
  bool blas = THDtype_isFloating(c->dtype) && a->size[nd - 1] > 0;
  if (blas) {
    double fa = alpha.kind == TH_KIND_FLOAT ? alpha.f : (double)alpha.i;
    double fb = beta.kind == TH_KIND_FLOAT ? beta.f : (double)beta.i;
    rc = gemm_blas(c, a, b, fa, fb, nbatch);
  } else {
    rc = gemm_simple(c, a, b, alpha, beta);
  }
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= vector norms */

static int vector_norm_cuda(THTensor *out, const THTensor *x, double ord) {
  if (x->dtype != TH_F32 && x->dtype != TH_F64)
    return TH_setError("[linalg.vector_norm] kernel expects float32 or float64");
  THDevice dev = THTensor_device(out);
  if (check_devices("linalg.vector_norm", dev, 1, &x) != TH_OK) return TH_ERROR;
  int64_t R = x->size[0], K = x->size[1];
  THCGuard g;
  if (THC_guardEnter(&g, dev.index) != TH_OK) return TH_ERROR;
  int64_t nscratch = THC_vectorNormScratch(R, K);
  THTensor *scratch = nscratch ? THTensor_empty(TH_F64, dev, 1, &nscratch) : NULL;
  int rc = TH_ERROR;
  if (!nscratch || scratch)
    rc = THC_CHECK(THC_launchVectorNorm(THTensor_data(out), THTensor_data(x), x->dtype, R, K,
                                        x->stride[0], x->stride[1], ord,
                                        scratch ? THTensor_data(scratch) : NULL, THC_stream(-1)));
  THTensor_free(scratch); /* stream-ordered reuse: safe while the kernel still reads it */
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= registration */

void THC_registerLinalg(void) {
  static const THOp products[] = {TH_OP_mm,    TH_OP_bmm,   TH_OP_matmul,  TH_OP_mv,
                                  TH_OP_dot,   TH_OP_vdot,  TH_OP_addmm,   TH_OP_addmv,
                                  TH_OP_baddbmm, TH_OP_addbmm};
  THKernel k;
  memset(&k, 0, sizeof k);
  k.fn = (void (*)(void))gemm_cuda;
  for (size_t i = 0; i < sizeof products / sizeof products[0]; i++)
    THDispatch_register(products[i], TH_DEVICE_CUDA, k);
  k.fn = (void (*)(void))vector_norm_cuda;
  THDispatch_register(TH_OP_linalg_vector_norm, TH_DEVICE_CUDA, k);
  THC_registerSolver();
}
