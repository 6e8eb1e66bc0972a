/* THCCudnn.c: the CUDA rows of convolution, pooling and batch norm (THOps.def's NN rows
 * convolution, convolution_backward, max_pool2d_with_indices, avg_pool2d, adaptive_avg_pool2d,
 * native_batch_norm and their backwards), with THNN.h's kernel signatures.
 *
 * Convolutions (1-d as height 1, transposed, grouped, dilated) run through cuDNN's legacy API
 * when the build has cuDNN: the algorithm comes from cuDNN's heuristics (the _v7 queries),
 * cached per shape, with its workspace from THC's caching allocator; float32 runs with
 * CUDNN_FMA_MATH (CUDNN_DEFAULT_MATH would allow TF32 on Ampere and later), float64 with the
 * default.  A transposed convolution is the adjoint of a convolution: its forward is cuDNN's
 * backward-data and its input gradient cuDNN's forward.  Without cuDNN, with THC_CUDNN=0 in the
 * environment, when cuDNN cannot be initialised, or for a geometry it rejects (an
 * output_padding that only dilation allows, more than 2^31 elements), the convolution runs as
 * lib/TH's CPU kernel does: im2col, a cuBLAS GEMM per sample batched over the groups, col2im.
 *
 * Pooling and batch norm use THC's own kernels (THCPool.cu, THCBatchNorm.cu), which follow the
 * CPU kernels' arithmetic.  max_pool2d_backward reports an index outside its plane as the CPU
 * does, which costs one wait for the stream.  THNN.c has already checked shapes and dtypes and
 * made every tensor contiguous; the glue checks that all of them are on one device, makes that
 * device current and runs on its current stream.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cublas_v2.h>
#ifdef THC_HAVE_CUDNN
#include <cudnn.h>
#endif
#include "THCCudnnKernels.h"
#include "THCLinalgKernels.h"
#include "THCGeneral.h"
#include "THNN.h"

/* ======================================================================= helpers */

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* Checks that every tensor of t (NULL entries are absent) is on t[0]'s device, then makes that
 * device current. */
static int enter(const char *op, THCGuard *guard, int n, const THTensor *const *t) {
  THDevice dev = THTensor_device(t[0]);
  char b1[32], b2[32];
  for (int i = 1; i < n; i++)
    if (t[i] && !THDevice_equal(THTensor_device(t[i]), dev))
      return TH_setError("[%s] expected all tensors to be on %s, but one is on %s", op,
                         device_name(dev, b1), device_name(THTensor_device(t[i]), b2));
  if (dev.type != TH_DEVICE_CUDA)
    return TH_setError("[%s] internal: a CUDA kernel got tensors on %s", op, device_name(dev, b1));
  return THC_guardEnter(guard, dev.index);
}

/* The status of a launcher from THCCudnnKernels.h. */
static int launched(const char *op, cudaError_t e, THDtype dtype, int line) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] no CUDA kernel for dtype %s", op, THDtype_name(dtype));
  return THC_check(e, op, __FILE__, line);
}
#define LAUNCHED(op, call, dtype) launched((op), (call), (dtype), __LINE__)

static int zero(THTensor *t) {
  size_t nbytes = (size_t)THTensor_numel(t) * THDtype_size(t->dtype);
  return nbytes ? THC_CHECK(cudaMemsetAsync(THTensor_data(t), 0, nbytes, THC_stream(-1))) : TH_OK;
}

static bool fits_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

static char *bytes(const THTensor *t) { return t ? (char *)THTensor_data(t) : NULL; }

/* ======================================================================= cuBLAS */

/* This thread's cuBLAS handle for the current device (THCBlas.c's), bound to its current
 * stream, with the math mode set for each use: full float32 precision, no TF32. */
#define BLAS_CHECK(call) THC_BLAS_CHECK(call)

static cublasHandle_t blas_handle(void) {
  cublasHandle_t h = NULL;
  if (THC_blasHandle(&h) != TH_OK) return NULL;
  if (BLAS_CHECK(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH)) != TH_OK) return NULL;
  return h;
}

/* Row-major c = op(a) op(b) + beta c for `batch` matrices at element strides sa, sb, sc;
 * op(a) is m x k (a stored k x m when ta), op(b) k x n, c m x n with leading dimension n.
 * cuBLAS being column-major, it computes c^T = op(b)^T op(a)^T. */
static int gemm(cublasHandle_t h, THDtype dt, bool ta, bool tb, int64_t m, int64_t n,
                int64_t k, const void *a, int64_t lda, int64_t sa, const void *b, int64_t ldb,
                int64_t sb, double beta, void *c, int64_t sc, int64_t batch) {
  if (m == 0 || n == 0 || batch == 0) return TH_OK;
  if (k == 0) { /* no terms: c = beta c, with c the contiguous block of the batch */
    size_t nbytes = (size_t)(m * n * batch) * THDtype_size(dt);
    if (beta == 1) return TH_OK;
    if (beta != 0 || sc != m * n) return TH_setError("[convolution] internal: empty GEMM");
    return THC_CHECK(cudaMemsetAsync(c, 0, nbytes, THC_stream(-1)));
  }
  if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(lda) || !fits_int(ldb) ||
      !fits_int(batch))
    return TH_setError("[convolution] a matrix product of (%lld x %lld) @ (%lld x %lld) is too "
                       "large for cuBLAS", (long long)m, (long long)k, (long long)k,
                       (long long)n);
  cublasOperation_t opa = ta ? CUBLAS_OP_T : CUBLAS_OP_N, opb = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (dt == TH_F32) {
    const float one = 1, bf = (float)beta;
    return BLAS_CHECK(cublasSgemmStridedBatched(h, opb, opa, (int)n, (int)m, (int)k, &one, b,
                                                (int)ldb, sb, a, (int)lda, sa, &bf, c, (int)n,
                                                sc, (int)batch));
  }
  if (dt == TH_F64) {
    const double one = 1;
    return BLAS_CHECK(cublasDgemmStridedBatched(h, opb, opa, (int)n, (int)m, (int)k, &one, b,
                                                (int)ldb, sb, a, (int)lda, sa, &beta, c, (int)n,
                                                sc, (int)batch));
  }
  return TH_setError("[convolution] no CUDA kernel for dtype %s", THDtype_name(dt));
}

/* ======================================================================= convolution: im2col */

/* What the im2col path needs: per-sample sizes, a column buffer and a cuBLAS handle. */
typedef struct {
  const char *op;
  const THNNConvGeom *g;
  THDtype dt;
  size_t es;
  THNNUnroll u;
  bool direct;
  int64_t Lin, Lout, in_n, out_n;
  THTensor *col;
  cublasHandle_t blas;
  cudaStream_t stream;
} Unrolled;

static int unrolled_open(Unrolled *c, const char *op, const THNNConvGeom *g, THDtype dt,
                         THDevice dev) {
  memset(c, 0, sizeof *c);
  c->op = op;
  c->g = g;
  c->dt = dt;
  c->es = THDtype_size(dt);
  c->u = THNNUnroll_of(g);
  c->direct = THNNUnroll_isDirect(&c->u);
  c->Lin = g->in_size[0] * g->in_size[1];
  c->Lout = g->out_size[0] * g->out_size[1];
  c->in_n = g->in_channels * c->Lin;
  c->out_n = g->out_channels * c->Lout;
  int64_t col_n = c->direct ? 0 : c->u.C * c->u.kH * c->u.kW * c->u.oH * c->u.oW;
  if (!fits_int(col_n) || !fits_int(c->in_n) || !fits_int(c->out_n))
    return TH_setError("[%s] the problem is too large for cuBLAS (more than 2^31 elements per "
                       "sample)", op);
  c->stream = THC_stream(-1);
  if (!(c->blas = blas_handle())) return TH_ERROR;
  if (col_n && !(c->col = THTensor_empty(dt, dev, 1, &col_n))) return TH_ERROR;
  return TH_OK;
}

static void unrolled_close(Unrolled *c) { THTensor_free(c->col); }

/* The columns of image im (the column buffer), or im itself for a direct convolution. */
static const char *columns(Unrolled *c, const char *im, int *rc) {
  if (c->direct) return im;
  *rc = LAUNCHED(c->op, THC_launchIm2col(c->dt, &c->u, im, bytes(c->col), c->stream), c->dt);
  return bytes(c->col);
}

/* Where a product that col2im folds into im is written: the buffer, or im when direct. */
static char *fold_target(Unrolled *c, char *im) { return c->direct ? im : bytes(c->col); }

static int fold(Unrolled *c, char *im) {
  if (c->direct) return TH_OK;
  return LAUNCHED(c->op, THC_launchCol2im(c->dt, &c->u, bytes(c->col), im, c->stream), c->dt);
}

static int own_forward(THTensor *out, const THTensor *input, const THTensor *weight,
                       const THNNConvGeom *g) {
  Unrolled c;
  int rc = unrolled_open(&c, "convolution", g, input->dtype, THTensor_device(input));
  const int64_t G = g->groups, kk = g->kernel[0] * g->kernel[1];
  const char *x = bytes(input), *w = bytes(weight);
  char *y = bytes(out);
  for (int64_t n = 0; n < g->batch && rc == TH_OK; n++) {
    const char *xn = x + (size_t)(n * c.in_n) * c.es;
    char *yn = y + (size_t)(n * c.out_n) * c.es;
    if (!g->transposed) {
      const int64_t Og = g->out_channels / G, Kg = g->in_channels / G * kk;
      const char *cols = columns(&c, xn, &rc);
      if (rc == TH_OK)
        rc = gemm(c.blas, c.dt, false, false, Og, c.Lout, Kg, w, Kg, Og * Kg, cols, c.Lout,
                  Kg * c.Lout, 0, yn, Og * c.Lout, G);
    } else {
      const int64_t Cg = g->in_channels / G, Kg = g->out_channels / G * kk;
      rc = gemm(c.blas, c.dt, true, false, Kg, c.Lin, Cg, w, Kg, Cg * Kg, xn, c.Lin, Cg * c.Lin,
                0, fold_target(&c, yn), Kg * c.Lin, G);
      if (rc == TH_OK) rc = fold(&c, yn);
    }
  }
  unrolled_close(&c);
  return rc;
}

/* grad_input and/or grad_weight (either may be NULL). */
static int own_backward(THTensor *grad_input, THTensor *grad_weight, const THTensor *grad_output,
                        const THTensor *input, const THTensor *weight, const THNNConvGeom *g) {
  Unrolled c;
  int rc = unrolled_open(&c, "convolution_backward", g, input->dtype, THTensor_device(input));
  if (rc == TH_OK && grad_weight) rc = zero(grad_weight);
  const int64_t G = g->groups, kk = g->kernel[0] * g->kernel[1];
  const char *x = bytes(input), *w = bytes(weight), *gy = bytes(grad_output);
  char *gx = bytes(grad_input), *gw = bytes(grad_weight);
  for (int64_t n = 0; n < g->batch && rc == TH_OK; n++) {
    const char *xn = x + (size_t)(n * c.in_n) * c.es, *gyn = gy + (size_t)(n * c.out_n) * c.es;
    char *gxn = gx ? gx + (size_t)(n * c.in_n) * c.es : NULL;
    if (!g->transposed) {
      const int64_t Og = g->out_channels / G, Kg = g->in_channels / G * kk;
      if (gw) {
        const char *cols = columns(&c, xn, &rc);
        if (rc == TH_OK)
          rc = gemm(c.blas, c.dt, false, true, Og, Kg, c.Lout, gyn, c.Lout, Og * c.Lout, cols,
                    c.Lout, Kg * c.Lout, 1, gw, Og * Kg, G);
      }
      if (gxn && rc == TH_OK) { /* the stream runs the products in order: one buffer serves */
        rc = gemm(c.blas, c.dt, true, false, Kg, c.Lout, Og, w, Kg, Og * Kg, gyn, c.Lout,
                  Og * c.Lout, 0, fold_target(&c, gxn), Kg * c.Lout, G);
        if (rc == TH_OK) rc = fold(&c, gxn);
      }
    } else {
      const int64_t Cg = g->in_channels / G, Kg = g->out_channels / G * kk;
      const char *cols = columns(&c, gyn, &rc);
      if (gxn && rc == TH_OK)
        rc = gemm(c.blas, c.dt, false, false, Cg, c.Lin, Kg, w, Kg, Cg * Kg, cols, c.Lin,
                  Kg * c.Lin, 0, gxn, Cg * c.Lin, G);
      if (gw && rc == TH_OK)
        rc = gemm(c.blas, c.dt, false, true, Cg, Kg, c.Lin, xn, c.Lin, Cg * c.Lin, cols, c.Lin,
                  Kg * c.Lin, 1, gw, Cg * Kg, G);
    }
  }
  unrolled_close(&c);
  return rc;
}

/* ======================================================================= convolution: cuDNN */

/* What a cuDNN call did: ran, left the work to the im2col path, or failed (error set). */
typedef enum { DNN_RAN, DNN_FALLBACK, DNN_FAILED } DnnResult;

/* Which of cuDNN's three convolution routines. */
typedef enum { DNN_FWD, DNN_BWD_DATA, DNN_BWD_FILTER } DnnKind;

/* THC_CUDNN=0 in the environment: never use cuDNN (read at each call, so a test can switch). */
static bool cudnn_wanted(void) {
  const char *v = getenv("THC_CUDNN");
  return !(v && strcmp(v, "0") == 0);
}

#ifdef THC_HAVE_CUDNN

/* A cuDNN (forward) convolution: conv input (n, c, h, w) -> conv output (n, k, p, q), filter
 * (k, c / groups, r, s).  For a transposed convolution the conv input is its output. */
typedef struct {
  int n, c, h, w, k, p, q, r, s, groups, pad[2], stride[2], dil[2];
} DnnShape;

static bool dnn_shape(const THNNConvGeom *g, DnnShape *s) {
  const int64_t C = g->transposed ? g->out_channels : g->in_channels;
  const int64_t K = g->transposed ? g->in_channels : g->out_channels;
  const int64_t *in = g->transposed ? g->out_size : g->in_size;
  const int64_t *out = g->transposed ? g->in_size : g->out_size;
  const int64_t v[] = {g->batch, C, in[0], in[1], K, out[0], out[1], g->kernel[0], g->kernel[1],
                       g->groups, g->padding[0], g->padding[1], g->stride[0], g->stride[1],
                       g->dilation[0], g->dilation[1]};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if (!fits_int(v[i])) return false;
  if (!fits_int(g->batch * C * in[0] * in[1]) || !fits_int(g->batch * K * out[0] * out[1]) ||
      !fits_int(K * (C / g->groups) * g->kernel[0] * g->kernel[1]))
    return false;
  *s = (DnnShape){(int)v[0],  (int)v[1],  (int)v[2],  (int)v[3],  (int)v[4],  (int)v[5],
                  (int)v[6],  (int)v[7],  (int)v[8],  (int)v[9],  {(int)v[10], (int)v[11]},
                  {(int)v[12], (int)v[13]}, {(int)v[14], (int)v[15]}};
  return true;
}

static int dnn_error(cudnnStatus_t st, const char *call, int line) {
  return TH_setError("[cudnn] %s (status %d) in %s at THCCudnn.c:%d", cudnnGetErrorString(st),
                     (int)st, call, line);
}

/* Statuses that mean "cuDNN cannot do this here" (bad or unsupported parameters, a library
 * that cannot load) rather than a failure of the device. */
static bool dnn_declined(cudnnStatus_t st) {
  int cat = CUDNN_STATUS_CATEGORY(st);
  return cat == CUDNN_STATUS_NOT_INITIALIZED / 1000 * 1000 || cat == CUDNN_STATUS_BAD_PARAM ||
         cat == CUDNN_STATUS_NOT_SUPPORTED;
}

/* Runs a cuDNN call of the set-up phase: on a decline, returns DNN_FALLBACK from the caller;
 * on another failure, DNN_FAILED with the error set. */
#define DNN_SETUP(call)                                                   \
  do {                                                                    \
    cudnnStatus_t st_ = (call);                                           \
    if (st_ != CUDNN_STATUS_SUCCESS) {                                    \
      if (dnn_declined(st_)) return DNN_FALLBACK;                         \
      dnn_error(st_, #call, __LINE__);                                    \
      return DNN_FAILED;                                                  \
    }                                                                     \
  } while (0)

static _Thread_local cudnnHandle_t dnn_handles[THC_MAX_DEVICES];
static _Thread_local bool dnn_unusable[THC_MAX_DEVICES];

/* The current device's handle bound to its current stream, or NULL when cuDNN cannot be
 * initialised there (said once on stderr; the im2col path then serves). */
static cudnnHandle_t dnn_handle(void) {
  static atomic_bool warned;
  int dev;
  if (cudaGetDevice(&dev) != cudaSuccess || dev < 0 || dev >= THC_MAX_DEVICES) {
    (void)cudaGetLastError();
    return NULL;
  }
  if (dnn_unusable[dev]) return NULL;
  if (!dnn_handles[dev]) {
    cudnnStatus_t st = cudnnCreate(&dnn_handles[dev]);
    if (st != CUDNN_STATUS_SUCCESS) {
      dnn_handles[dev] = NULL;
      dnn_unusable[dev] = true;
      if (!atomic_exchange(&warned, true))
        fprintf(stderr, "THC: cuDNN cannot be initialised on cuda:%d (%s); convolutions use "
                        "THC's own kernels\n", dev, cudnnGetErrorString(st));
      return NULL;
    }
  }
  if (cudnnSetStream(dnn_handles[dev], THC_stream(-1)) != CUDNN_STATUS_SUCCESS) return NULL;
  return dnn_handles[dev];
}

typedef struct {
  cudnnTensorDescriptor_t in, out;
  cudnnFilterDescriptor_t filter;
  cudnnConvolutionDescriptor_t conv;
  cudnnDataType_t type;
} DnnDescs;

static void descs_free(DnnDescs *d) {
  if (d->in) cudnnDestroyTensorDescriptor(d->in);
  if (d->out) cudnnDestroyTensorDescriptor(d->out);
  if (d->filter) cudnnDestroyFilterDescriptor(d->filter);
  if (d->conv) cudnnDestroyConvolutionDescriptor(d->conv);
}

/* The descriptors of s (d zeroed by the caller; freed by descs_free whatever happens).  A
 * geometry whose output cuDNN computes otherwise (output_padding >= stride) falls back. */
static DnnResult descs_make(DnnDescs *d, const DnnShape *s, THDtype dt) {
  d->type = dt == TH_F32 ? CUDNN_DATA_FLOAT : CUDNN_DATA_DOUBLE;
  DNN_SETUP(cudnnCreateTensorDescriptor(&d->in));
  DNN_SETUP(cudnnCreateTensorDescriptor(&d->out));
  DNN_SETUP(cudnnCreateFilterDescriptor(&d->filter));
  DNN_SETUP(cudnnCreateConvolutionDescriptor(&d->conv));
  DNN_SETUP(cudnnSetTensor4dDescriptor(d->in, CUDNN_TENSOR_NCHW, d->type, s->n, s->c, s->h, s->w));
  DNN_SETUP(cudnnSetTensor4dDescriptor(d->out, CUDNN_TENSOR_NCHW, d->type, s->n, s->k, s->p, s->q));
  DNN_SETUP(cudnnSetFilter4dDescriptor(d->filter, d->type, CUDNN_TENSOR_NCHW, s->k,
                                       s->c / s->groups, s->r, s->s));
  DNN_SETUP(cudnnSetConvolution2dDescriptor(d->conv, s->pad[0], s->pad[1], s->stride[0],
                                            s->stride[1], s->dil[0], s->dil[1],
                                            CUDNN_CROSS_CORRELATION, d->type));
  DNN_SETUP(cudnnSetConvolutionGroupCount(d->conv, s->groups));
  DNN_SETUP(cudnnSetConvolutionMathType(d->conv, dt == TH_F32 ? CUDNN_FMA_MATH
                                                              : CUDNN_DEFAULT_MATH));
  int n, k, p, q;
  DNN_SETUP(cudnnGetConvolution2dForwardOutputDim(d->conv, d->in, d->filter, &n, &k, &p, &q));
  if (n != s->n || k != s->k || p != s->p || q != s->q) return DNN_FALLBACK;
  return DNN_RAN;
}

/* ---- the algorithm cache: direct-mapped on the shape, shared by the threads ---- */
typedef struct {
  int kind, dtype, device;
  DnnShape shape;
} AlgoKey;

typedef struct {
  AlgoKey key;
  int algo;
  bool used;
} AlgoSlot;

#define ALGO_SLOTS 512
static AlgoSlot algo_cache[ALGO_SLOTS];
static pthread_mutex_t algo_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t algo_slot(const AlgoKey *k) {
  const unsigned char *p = (const unsigned char *)k;
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (size_t i = 0; i < sizeof *k; i++) h = (h ^ p[i]) * 1099511628211ull;
  return (size_t)(h % ALGO_SLOTS);
}

static int algo_get(const AlgoKey *k) {
  int algo = -1;
  pthread_mutex_lock(&algo_lock);
  AlgoSlot *s = &algo_cache[algo_slot(k)];
  if (s->used && memcmp(&s->key, k, sizeof *k) == 0) algo = s->algo;
  pthread_mutex_unlock(&algo_lock);
  return algo;
}

static void algo_put(const AlgoKey *k, int algo) {
  pthread_mutex_lock(&algo_lock);
  AlgoSlot *s = &algo_cache[algo_slot(k)];
  s->key = *k;
  s->algo = algo;
  s->used = true;
  pthread_mutex_unlock(&algo_lock);
}

/* Operands of one call: fwd (conv input, filter -> conv output), backward data (filter, conv
 * output grad -> conv input grad), backward filter (conv input, conv output grad -> filter
 * grad). */
typedef struct {
  cudnnHandle_t h;
  DnnKind kind;
  const DnnDescs *d;
  THDtype dt;
  THDevice dev;
  const void *a, *b;
  void *out;
} DnnCall;

/* An algorithm that cannot run here (no workspace, unsupported) is skipped. */
#define DNN_SKIP ((DnnResult)(DNN_FAILED + 1))

/* Workspaces above this are not worth trying: another algorithm or the im2col path serves. */
#define MAX_WORKSPACE ((size_t)1 << 30)

static DnnResult dnn_try(const DnnCall *c, int algo) {
  const DnnDescs *d = c->d;
  size_t nbytes = 0;
  cudnnStatus_t st;
  switch (c->kind) {
  case DNN_FWD:
    st = cudnnGetConvolutionForwardWorkspaceSize(c->h, d->in, d->filter, d->conv, d->out,
                                                 (cudnnConvolutionFwdAlgo_t)algo, &nbytes);
    break;
  case DNN_BWD_DATA:
    st = cudnnGetConvolutionBackwardDataWorkspaceSize(c->h, d->filter, d->out, d->conv, d->in,
                                                      (cudnnConvolutionBwdDataAlgo_t)algo, &nbytes);
    break;
  default:
    st = cudnnGetConvolutionBackwardFilterWorkspaceSize(
        c->h, d->in, d->out, d->conv, d->filter, (cudnnConvolutionBwdFilterAlgo_t)algo, &nbytes);
    break;
  }
  if (st != CUDNN_STATUS_SUCCESS || nbytes > MAX_WORKSPACE) return DNN_SKIP;
  int64_t n = (int64_t)nbytes;
  THTensor *ws = THTensor_empty(TH_U8, c->dev, 1, &n);
  if (!ws) return DNN_SKIP;
  const float f1 = 1, f0 = 0;
  const double d1 = 1, d0 = 0;
  const void *one = c->dt == TH_F32 ? (const void *)&f1 : (const void *)&d1;
  const void *zero_ = c->dt == TH_F32 ? (const void *)&f0 : (const void *)&d0;
  void *wp = bytes(ws);
  switch (c->kind) {
  case DNN_FWD:
    st = cudnnConvolutionForward(c->h, one, d->in, c->a, d->filter, c->b, d->conv,
                                 (cudnnConvolutionFwdAlgo_t)algo, wp, nbytes, zero_, d->out,
                                 c->out);
    break;
  case DNN_BWD_DATA:
    st = cudnnConvolutionBackwardData(c->h, one, d->filter, c->a, d->out, c->b, d->conv,
                                      (cudnnConvolutionBwdDataAlgo_t)algo, wp, nbytes, zero_,
                                      d->in, c->out);
    break;
  default:
    st = cudnnConvolutionBackwardFilter(c->h, one, d->in, c->a, d->out, c->b, d->conv,
                                        (cudnnConvolutionBwdFilterAlgo_t)algo, wp, nbytes, zero_,
                                        d->filter, c->out);
    break;
  }
  THTensor_free(ws); /* the allocator hands it out again only behind this stream's work */
  if (st == CUDNN_STATUS_SUCCESS) return DNN_RAN;
  if (dnn_declined(st)) return DNN_SKIP;
  dnn_error(st, "a cuDNN convolution", __LINE__);
  return DNN_FAILED;
}

/* An algorithm of cuDNN's ranking that may run: no tensor-op math for float32 (TF32). */
static bool usable(THDtype dt, cudnnStatus_t status, cudnnMathType_t math) {
  return status == CUDNN_STATUS_SUCCESS &&
         (dt != TH_F32 || (math != CUDNN_TENSOR_OP_MATH &&
                           math != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION));
}

/* cuDNN's ranked algorithms for the call: algos[i] with ok[i] when usable (status success and,
 * for float32, no tensor-op math). */
static DnnResult dnn_candidates(const DnnCall *c, int *algos, bool *ok, int *count) {
  const DnnDescs *d = c->d;
  int n = 0;
  if (c->kind == DNN_FWD) {
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    DNN_SETUP(cudnnGetConvolutionForwardAlgorithm_v7(c->h, d->in, d->filter, d->conv, d->out,
                                                     CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &n, perf));
    for (int i = 0; i < n; i++) {
      algos[i] = (int)perf[i].algo;
      ok[i] = usable(c->dt, perf[i].status, perf[i].mathType);
    }
  } else if (c->kind == DNN_BWD_DATA) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    DNN_SETUP(cudnnGetConvolutionBackwardDataAlgorithm_v7(
        c->h, d->filter, d->out, d->conv, d->in, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &n, perf));
    for (int i = 0; i < n; i++) {
      algos[i] = (int)perf[i].algo;
      ok[i] = usable(c->dt, perf[i].status, perf[i].mathType);
    }
  } else {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    DNN_SETUP(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
        c->h, d->in, d->out, d->conv, d->filter, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &n,
        perf));
    for (int i = 0; i < n; i++) {
      algos[i] = (int)perf[i].algo;
      ok[i] = usable(c->dt, perf[i].status, perf[i].mathType);
    }
  }
  *count = n;
  return DNN_RAN;
}

/* Runs the call with the cached algorithm, else with the first of cuDNN's ranking that runs
 * (then cached); DNN_FALLBACK when none does. */
static DnnResult dnn_run(const DnnCall *c, const DnnShape *s) {
  AlgoKey key;
  memset(&key, 0, sizeof key);
  key.kind = (int)c->kind;
  key.dtype = (int)c->dt;
  key.device = c->dev.index;
  key.shape = *s;
  const int cached = algo_get(&key);
  if (cached >= 0) {
    DnnResult r = dnn_try(c, cached);
    if (r != DNN_SKIP) return r;
  }
  int algos[16], n = 0;
  bool ok[16];
  DnnResult r = dnn_candidates(c, algos, ok, &n);
  if (r != DNN_RAN) return r;
  for (int i = 0; i < n; i++) {
    if (!ok[i] || algos[i] == cached) continue;
    r = dnn_try(c, algos[i]);
    if (r == DNN_SKIP) continue;
    if (r == DNN_RAN) algo_put(&key, algos[i]);
    return r;
  }
  return DNN_FALLBACK;
}

/* One cuDNN routine over the convolution g: a, b -> out as DnnCall describes. */
static DnnResult dnn_conv(DnnKind kind, const THNNConvGeom *g, THDtype dt, THDevice dev,
                          const void *a, const void *b, void *out) {
  DnnShape s;
  if (!cudnn_wanted() || !dnn_shape(g, &s)) return DNN_FALLBACK;
  cudnnHandle_t h = dnn_handle();
  if (!h) return DNN_FALLBACK;
  DnnDescs d;
  memset(&d, 0, sizeof d);
  DnnResult r = descs_make(&d, &s, dt);
  if (r == DNN_RAN) {
    DnnCall c = {h, kind, &d, dt, dev, a, b, out};
    r = dnn_run(&c, &s);
  }
  descs_free(&d);
  return r;
}

#else /* no cuDNN in this build */

static DnnResult dnn_conv(DnnKind kind, const THNNConvGeom *g, THDtype dt, THDevice dev,
                          const void *a, const void *b, void *out) {
  (void)kind, (void)g, (void)dt, (void)dev, (void)a, (void)b, (void)out;
  (void)cudnn_wanted;
  return DNN_FALLBACK;
}

#endif

/* ======================================================================= convolution rows */

static bool empty(const THTensor *t) { return THTensor_numel(t) == 0; }

static int thc_conv(THTensor *out, const THTensor *input, const THTensor *weight,
                    const THTensor *bias, const THNNConvGeom *g) {
  const char *op = "convolution";
  const THTensor *all[] = {input, out, weight, bias};
  THCGuard guard;
  if (enter(op, &guard, 4, all) != TH_OK) return TH_ERROR;
  const THDtype dt = input->dtype;
  const THDevice dev = THTensor_device(input);
  int rc = TH_OK;
  if (empty(out)) {
    /* nothing to compute */
  } else if (empty(input) || empty(weight)) {
    rc = zero(out);
  } else {
    /* transposed: cuDNN's backward data with the input as the conv output's gradient */
    DnnResult r = g->transposed
                      ? dnn_conv(DNN_BWD_DATA, g, dt, dev, bytes(weight), bytes(input), bytes(out))
                      : dnn_conv(DNN_FWD, g, dt, dev, bytes(input), bytes(weight), bytes(out));
    rc = r == DNN_RAN ? TH_OK : r == DNN_FAILED ? TH_ERROR : own_forward(out, input, weight, g);
  }
  if (rc == TH_OK && bias && !empty(out))
    rc = LAUNCHED(op, THC_launchBiasAdd(dt, bytes(out), bytes(bias), g->batch, g->out_channels,
                                        g->out_size[0] * g->out_size[1], THC_stream(-1)), dt);
  THC_guardExit(&guard);
  return rc;
}

static int thc_conv_backward(THTensor *grad_input, THTensor *grad_weight, THTensor *grad_bias,
                             const THTensor *grad_output, const THTensor *input,
                             const THTensor *weight, const THNNConvGeom *g) {
  const char *op = "convolution_backward";
  const THTensor *all[] = {input, grad_input, grad_weight, grad_bias, grad_output, weight};
  THCGuard guard;
  if (enter(op, &guard, 6, all) != TH_OK) return TH_ERROR;
  const THDtype dt = input->dtype;
  const THDevice dev = THTensor_device(input);
  int rc = TH_OK;
  if (grad_bias)
    rc = LAUNCHED(op, THC_launchBiasGrad(dt, bytes(grad_bias), bytes(grad_output), g->batch,
                                         g->out_channels, g->out_size[0] * g->out_size[1],
                                         THC_stream(-1)), dt);
  if (rc == TH_OK && (empty(grad_output) || empty(input) || empty(weight))) {
    if (grad_input) rc = zero(grad_input);
    if (rc == TH_OK && grad_weight) rc = zero(grad_weight);
    grad_input = grad_weight = NULL;
  }
  /* each gradient through cuDNN where it can; the rest through the im2col path */
  THTensor *own_gi = NULL, *own_gw = NULL;
  if (rc == TH_OK && grad_input) {
    DnnResult r = g->transposed ? dnn_conv(DNN_FWD, g, dt, dev, bytes(grad_output),
                                           bytes(weight), bytes(grad_input))
                                : dnn_conv(DNN_BWD_DATA, g, dt, dev, bytes(weight),
                                           bytes(grad_output), bytes(grad_input));
    if (r == DNN_FAILED) rc = TH_ERROR;
    if (r == DNN_FALLBACK) own_gi = grad_input;
  }
  if (rc == TH_OK && grad_weight) {
    DnnResult r = g->transposed ? dnn_conv(DNN_BWD_FILTER, g, dt, dev, bytes(grad_output),
                                           bytes(input), bytes(grad_weight))
                                : dnn_conv(DNN_BWD_FILTER, g, dt, dev, bytes(input),
                                           bytes(grad_output), bytes(grad_weight));
    if (r == DNN_FAILED) rc = TH_ERROR;
    if (r == DNN_FALLBACK) own_gw = grad_weight;
  }
  if (rc == TH_OK && (own_gi || own_gw))
    rc = own_backward(own_gi, own_gw, grad_output, input, weight, g);
  THC_guardExit(&guard);
  return rc;
}

/* ======================================================================= pooling rows */

static THCPoolGeom pool_geom(const THNNPoolGeom *g) {
  THCPoolGeom p;
  p.planes = g->planes;
  for (int i = 0; i < 2; i++) {
    p.in_size[i] = g->in_size[i];
    p.out_size[i] = g->out_size[i];
    p.kernel[i] = g->kernel[i];
    p.stride[i] = g->stride[i];
    p.padding[i] = g->padding[i];
    p.dilation[i] = g->dilation[i];
  }
  p.count_include_pad = g->count_include_pad;
  p.divisor_override = g->divisor_override;
  return p;
}

static int thc_max_pool(THTensor *out, THTensor *indices, const THTensor *input,
                        const THNNPoolGeom *g) {
  const char *op = "max_pool2d";
  const THTensor *all[] = {input, out, indices};
  THCGuard guard;
  if (enter(op, &guard, 3, all) != TH_OK) return TH_ERROR;
  THCPoolGeom p = pool_geom(g);
  int rc = LAUNCHED(op, THC_launchMaxPool2d(input->dtype, &p, bytes(input), bytes(out),
                                            THTensor_data(indices), THC_stream(-1)), input->dtype);
  THC_guardExit(&guard);
  return rc;
}

static int thc_max_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THTensor *indices, const THNNPoolGeom *g) {
  const char *op = "max_pool2d_backward";
  const THTensor *all[] = {grad_output, grad_input, indices};
  THCGuard guard;
  if (enter(op, &guard, 3, all) != TH_OK) return TH_ERROR;
  const int64_t two = 2;
  THTensor *flag = THTensor_empty(TH_I64, THTensor_device(grad_output), 1, &two);
  cudaStream_t stream = THC_stream(-1);
  int64_t bad[2] = {0, 0};
  THCPoolGeom p = pool_geom(g);
  int rc = flag ? THC_CHECK(cudaMemsetAsync(THTensor_data(flag), 0, sizeof bad, stream)) : TH_ERROR;
  if (rc == TH_OK)
    rc = LAUNCHED(op, THC_launchMaxPool2dBackward(grad_output->dtype, &p, bytes(grad_output),
                                                  THTensor_data(indices), bytes(grad_input),
                                                  THTensor_data(flag), stream),
                  grad_output->dtype);
  /* the CPU kernel reports an index outside its plane: so does this one, after a wait */
  if (rc == TH_OK)
    rc = THC_CHECK(cudaMemcpyAsync(bad, THTensor_data(flag), sizeof bad, cudaMemcpyDeviceToHost,
                                   stream));
  if (rc == TH_OK) rc = THC_CHECK(cudaStreamSynchronize(stream));
  if (rc == TH_OK && bad[0])
    rc = TH_setError("[max_pool2d_backward] index %lld is out of range for an input plane of "
                     "%lld elements", (long long)bad[1],
                     (long long)(g->in_size[0] * g->in_size[1]));
  THTensor_free(flag);
  THC_guardExit(&guard);
  return rc;
}

/* The four average-pooling launchers share one shape. */
typedef cudaError_t (*PoolLauncher)(int dtype, const THCPoolGeom *g, const void *in, void *out,
                                    cudaStream_t stream);

static int run_pool(const char *op, PoolLauncher launch, THTensor *out, const THTensor *in,
                    const THNNPoolGeom *g) {
  const THTensor *all[] = {in, out};
  THCGuard guard;
  if (enter(op, &guard, 2, all) != TH_OK) return TH_ERROR;
  THCPoolGeom p = pool_geom(g);
  int rc = LAUNCHED(op, launch(in->dtype, &p, bytes(in), bytes(out), THC_stream(-1)), in->dtype);
  THC_guardExit(&guard);
  return rc;
}

static int thc_avg_pool(THTensor *out, const THTensor *input, const THNNPoolGeom *g) {
  return run_pool("avg_pool2d", THC_launchAvgPool2d, out, input, g);
}

static int thc_avg_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                 const THNNPoolGeom *g) {
  return run_pool("avg_pool2d_backward", THC_launchAvgPool2dBackward, grad_input, grad_output, g);
}

static int thc_adaptive_pool(THTensor *out, const THTensor *input, const THNNPoolGeom *g) {
  return run_pool("adaptive_avg_pool2d", THC_launchAdaptiveAvgPool2d, out, input, g);
}

static int thc_adaptive_pool_backward(THTensor *grad_input, const THTensor *grad_output,
                                      const THNNPoolGeom *g) {
  return run_pool("adaptive_avg_pool2d_backward", THC_launchAdaptiveAvgPool2dBackward,
                  grad_input, grad_output, g);
}

/* ======================================================================= batch norm rows */

/* Scratch of per doubles per channel on the current device, or NULL. */
static THTensor *coef_scratch(THDevice dev, int64_t C, int per) {
  int64_t n = C * per;
  return THTensor_empty(TH_F64, dev, 1, &n);
}

static int thc_batch_norm(THTensor *out, THTensor *save_mean, THTensor *save_invstd,
                          THTensor *running_mean, THTensor *running_var, const THTensor *input,
                          const THTensor *weight, const THTensor *bias, int64_t N, int64_t C,
                          int64_t S, bool training, double momentum, double eps) {
  const char *op = "batch_norm";
  const THTensor *all[] = {input, out, save_mean, save_invstd, running_mean, running_var,
                           weight, bias};
  THCGuard guard;
  if (enter(op, &guard, 8, all) != TH_OK) return TH_ERROR;
  THTensor *coef = coef_scratch(THTensor_device(input), C, 2);
  int rc = TH_ERROR;
  if (coef) {
    THCBatchNormArgs a = {bytes(out), bytes(input), bytes(weight), bytes(bias),
                          bytes(running_mean), bytes(running_var), bytes(save_mean),
                          bytes(save_invstd), THTensor_data(coef), N, C, S, training, momentum,
                          eps};
    rc = LAUNCHED(op, THC_launchBatchNorm(input->dtype, &a, THC_stream(-1)), input->dtype);
  }
  THTensor_free(coef);
  THC_guardExit(&guard);
  return rc;
}

static int thc_batch_norm_backward(THTensor *grad_input, THTensor *grad_weight,
                                   THTensor *grad_bias, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *weight,
                                   const THTensor *save_mean, const THTensor *save_invstd,
                                   const THTensor *running_mean, const THTensor *running_var,
                                   int64_t N, int64_t C, int64_t S, bool training, double eps) {
  const char *op = "batch_norm_backward";
  const THTensor *all[] = {input, grad_input, grad_weight, grad_bias, grad_output, weight,
                           save_mean, save_invstd, running_mean, running_var};
  THCGuard guard;
  if (enter(op, &guard, 10, all) != TH_OK) return TH_ERROR;
  THTensor *coef = coef_scratch(THTensor_device(input), C, 5);
  int rc = TH_ERROR;
  if (coef) {
    THCBatchNormBackwardArgs a = {bytes(grad_input), bytes(grad_weight), bytes(grad_bias),
                                  bytes(grad_output), bytes(input), bytes(weight),
                                  bytes(save_mean), bytes(save_invstd), bytes(running_mean),
                                  bytes(running_var), THTensor_data(coef), N, C, S, training,
                                  eps};
    rc = LAUNCHED(op, THC_launchBatchNormBackward(input->dtype, &a, THC_stream(-1)),
                  input->dtype);
  }
  THTensor_free(coef);
  THC_guardExit(&guard);
  return rc;
}

/* ======================================================================= registration */

void THC_registerCudnn(void) {
  /* assigned first so that the compiler checks the signatures of THNN.h */
  THNNConvKernel conv = thc_conv;
  THNNConvBackwardKernel conv_bw = thc_conv_backward;
  THNNMaxPoolKernel max_fwd = thc_max_pool;
  THNNMaxPoolBackwardKernel max_bw = thc_max_pool_backward;
  THNNPoolKernel avg_fwd = thc_avg_pool, ad_fwd = thc_adaptive_pool;
  THNNPoolBackwardKernel avg_bw = thc_avg_pool_backward, ad_bw = thc_adaptive_pool_backward;
  THNNBatchNormKernel bn = thc_batch_norm;
  THNNBatchNormBackwardKernel bn_bw = thc_batch_norm_backward;
  const struct {
    THOp op;
    void (*fn)(void);
  } rows[] = {
      {TH_OP_convolution, (void (*)(void))conv},
      {TH_OP_convolution_backward, (void (*)(void))conv_bw},
      {TH_OP_max_pool2d_with_indices, (void (*)(void))max_fwd},
      {TH_OP_max_pool2d_with_indices_backward, (void (*)(void))max_bw},
      {TH_OP_avg_pool2d, (void (*)(void))avg_fwd},
      {TH_OP_avg_pool2d_backward, (void (*)(void))avg_bw},
      {TH_OP_adaptive_avg_pool2d, (void (*)(void))ad_fwd},
      {TH_OP_adaptive_avg_pool2d_backward, (void (*)(void))ad_bw},
      {TH_OP_native_batch_norm, (void (*)(void))bn},
      {TH_OP_native_batch_norm_backward, (void (*)(void))bn_bw},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    THDispatch_register(rows[i].op, TH_DEVICE_CUDA, (THKernel){.fn = rows[i].fn});
}
