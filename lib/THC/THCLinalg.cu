// THCLinalg.cu: the small CUDA kernels of the LINALG family (launchers in THCLinalgKernels.h).
//
// cuBLAS and cuSOLVER do the products and the factorisations; what remains is here, kept
// simple: the integer products (one thread per output element, int64 wrapping accumulation as
// on the CPU) and the k == 0 products, vector norms (a block per row or per piece of a long
// row, accumulating in double), determinants from LU factors, and element-wise fills, copies
// and checks of batched column-major matrices.  The decomposition helpers exist for float32
// and float64 only, the dtypes the LAPACK-style kernels take.
#include <math.h>
#include "THCDevice.cuh"
#include "THCLinalgKernels.h"

using namespace thc;

// Runs BODY with T = float or double for a floating work dtype.
#define THC_WORK_DTYPE_CASES(DT, BODY)            \
  switch (DT) {                                   \
  case TH_F32: { typedef float T; BODY; } break;  \
  case TH_F64: { typedef double T; BODY; } break; \
  default: return THC_UNSUPPORTED;                \
  }

namespace {

// A grid-stride loop over [0, n) with 64-bit indices.
#define THC_FOR_EACH(i, n)                                                     \
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n);    \
       i += (int64_t)blockDim.x * gridDim.x)

// ======================================================================= simple products

// Element offsets of the three operands for batch element `flat`.
__device__ __forceinline__ void batch_offsets(const THCGemmDesc &d, int64_t flat, int64_t *oc,
                                              int64_t *oa, int64_t *ob) {
  *oc = *oa = *ob = 0;
  for (int q = d.nb - 1; q >= 0; q--) {
    int64_t r = flat % d.batch[q];
    flat /= d.batch[q];
    *oc += r * d.sc[q];
    *oa += r * d.sa[q];
    *ob += r * d.sb[q];
  }
}

// Integers: products summed in uint64 (wrapping like int64), then alpha acc + beta c.
template <typename S> __global__ void gemm_int_kernel(THCGemmDesc d, int64_t total) {
  const int rm = d.nb, cm = d.nb + 1; // the row and column dims
  THC_FOR_EACH(idx, total) {
    int64_t j = idx % d.n, t = idx / d.n, i = t % d.m, oc, oa, ob;
    batch_offsets(d, t / d.m, &oc, &oa, &ob);
    const S *ap = (const S *)d.a + oa + i * d.sa[rm];
    const S *bp = (const S *)d.b + ob + j * d.sb[cm];
    uint64_t acc = 0;
    for (int64_t p = 0; p < d.k; p++)
      acc += (uint64_t)(int64_t)ap[p * d.sa[cm]] * (uint64_t)(int64_t)bp[p * d.sb[rm]];
    S *cp = (S *)d.c + oc + i * d.sc[rm] + j * d.sc[cm];
    uint64_t v = (uint64_t)d.ialpha * acc;
    if (d.ibeta != 0) v += (uint64_t)d.ibeta * (uint64_t)(int64_t)*cp;
    *cp = (S)(int64_t)v;
  }
}

// Floats with k == 0: c = beta c, or 0 when beta == 0 (c is not read then).
template <typename S> __global__ void gemm_empty_k_kernel(THCGemmDesc d, int64_t total) {
  typedef typename Acc<S>::type A;
  THC_FOR_EACH(idx, total) {
    int64_t j = idx % d.n, t = idx / d.n, i = t % d.m, oc, oa, ob;
    batch_offsets(d, t / d.m, &oc, &oa, &ob);
    S *cp = (S *)d.c + oc + i * d.sc[d.nb] + j * d.sc[d.nb + 1];
    *cp = d.beta == 0 ? Store<S>::from((A)0) : Store<S>::from((A)d.beta * to_acc(*cp));
  }
}

template <typename S> cudaError_t gemm_int(const THCGemmDesc &d, int64_t total, cudaStream_t s) {
  gemm_int_kernel<S><<<grid_for(total), kThreads, 0, s>>>(d, total);
  return cudaGetLastError();
}

template <typename S>
cudaError_t gemm_empty_k(const THCGemmDesc &d, int64_t total, cudaStream_t s) {
  gemm_empty_k_kernel<S><<<grid_for(total), kThreads, 0, s>>>(d, total);
  return cudaGetLastError();
}

// ======================================================================= vector norms

// lib/TH's rule (THBlas.c): the term each value adds, how partial results combine (a sum, or
// max/min of |x| with NaN winning for +-inf) and the end.
struct Norm {
  double ord;
  __device__ double init() const { return isinf(ord) && ord < 0 ? INFINITY : 0.0; }
  __device__ double term(double v) const {
    if (isinf(ord)) return fabs(v);
    return ord == 2 ? v * v : ord == 1 ? fabs(v) : ord == 0 ? (double)(v != 0) : pow(fabs(v), ord);
  }
  __device__ double combine(double a, double b) const {
    if (!isinf(ord)) return a + b;
    if (isnan(a) || isnan(b)) return NAN;
    return ord > 0 ? (a > b ? a : b) : (a < b ? a : b);
  }
  __device__ double finish(double s) const {
    if (ord == 2) return sqrt(s);
    if (ord == 1 || ord == 0 || isinf(ord)) return s;
    return pow(s, 1.0 / ord);
  }
};

// Rows of at most this many values get one thread each.
constexpr int64_t kShortRow = 32;
// Values a block takes from a long row, aimed at; and the most pieces a row is cut into.
constexpr int64_t kPieceTarget = 32768;
constexpr int64_t kMaxPieces = 1024;
// From this many rows on, one block per row fills the device: rows are not cut.
constexpr int64_t kManyRows = 512;

int64_t norm_pieces(int64_t R, int64_t K) {
  if (K <= kShortRow || R >= kManyRows) return 1;
  int64_t p = (K + kPieceTarget - 1) / kPieceTarget;
  return p < kMaxPieces ? p : kMaxPieces;
}

template <typename T>
__global__ void norm_short_kernel(T *out, const T *x, int64_t R, int64_t K, int64_t sr,
                                  int64_t sk, Norm f) {
  THC_FOR_EACH(r, R) {
    double acc = f.init();
    for (int64_t k = 0; k < K; k++) acc = f.combine(acc, f.term((double)x[r * sr + k * sk]));
    out[r] = (T)f.finish(acc);
  }
}

// Block (row r, piece c) of R * pieces tasks; with one piece the block writes the norm,
// otherwise its partial result goes to scratch[r * pieces + c].
template <typename T>
__global__ void norm_block_kernel(T *out, const T *x, int64_t R, int64_t K, int64_t sr,
                                  int64_t sk, Norm f, int64_t pieces, double *scratch) {
  __shared__ double part[kThreads];
  int64_t len = (K + pieces - 1) / pieces;
  for (int64_t task = blockIdx.x; task < R * pieces; task += gridDim.x) {
    int64_t r = task / pieces, c = task % pieces;
    int64_t lo = c * len, hi = lo + len < K ? lo + len : K;
    double acc = f.init();
    for (int64_t k = lo + threadIdx.x; k < hi; k += blockDim.x)
      acc = f.combine(acc, f.term((double)x[r * sr + k * sk]));
    part[threadIdx.x] = acc;
    __syncthreads();
    for (int w = kThreads / 2; w > 0; w /= 2) {
      if ((int)threadIdx.x < w) part[threadIdx.x] = f.combine(part[threadIdx.x], part[threadIdx.x + w]);
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      if (pieces == 1) out[r] = (T)f.finish(part[0]);
      else scratch[task] = part[0];
    }
    __syncthreads(); // part[] is reused by the next task
  }
}

template <typename T>
__global__ void norm_pieces_kernel(T *out, const double *scratch, int64_t R, int64_t pieces,
                                   Norm f) {
  THC_FOR_EACH(r, R) {
    double acc = f.init();
    for (int64_t c = 0; c < pieces; c++) acc = f.combine(acc, scratch[r * pieces + c]);
    out[r] = (T)f.finish(acc);
  }
}

template <typename T>
cudaError_t vector_norm(T *out, const T *x, int64_t R, int64_t K, int64_t sr, int64_t sk,
                        double ord, double *scratch, cudaStream_t s) {
  Norm f = {ord};
  if (K <= kShortRow) {
    norm_short_kernel<T><<<grid_for(R), kThreads, 0, s>>>(out, x, R, K, sr, sk, f);
    return cudaGetLastError();
  }
  int64_t pieces = norm_pieces(R, K), tasks = R * pieces;
  const int64_t max_blocks = 65535LL * 32;
  unsigned blocks = (unsigned)(tasks < max_blocks ? tasks : max_blocks);
  norm_block_kernel<T><<<blocks, kThreads, 0, s>>>(out, x, R, K, sr, sk, f, pieces, scratch);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess || pieces == 1) return e;
  norm_pieces_kernel<T><<<grid_for(R), kThreads, 0, s>>>(out, scratch, R, pieces, f);
  return cudaGetLastError();
}

// ======================================================================= LU determinants

// The CPU rule (generic/THLapack.c): det = (permutation sign) prod(diag U); sign and
// log|det| from the same factors.
template <typename T>
__global__ void det_kernel(const T *lu, const int *ipiv, int64_t B, int n, T *det, T *sign,
                           T *logabs) {
  THC_FOR_EACH(b, B) {
    const T *m = lu + b * (int64_t)n * n;
    const int *p = ipiv + b * (int64_t)n;
    T prod = 1;
    int psign = 1, neg = 0;
    bool zero = false, nan = false;
    double la = 0;
    for (int i = 0; i < n; i++) {
      T d = m[(int64_t)i * n + i];
      prod *= d;
      if (p[i] != i + 1) psign = -psign;
      if (d < 0) neg ^= 1;
      if (d == 0) zero = true;
      if (isnan(d)) nan = true;
      la += log(fabs((double)d));
    }
    if (det) det[b] = (T)psign * prod;
    if (sign) sign[b] = nan ? (T)NAN : zero ? (T)0 : (T)(neg ? -psign : psign);
    if (logabs) logabs[b] = (T)la;
  }
}

// ======================================================================= work matrices

template <typename T> __global__ void zero_triangle_kernel(T *a, int64_t B, int n, bool upper) {
  int64_t nn = (int64_t)n * n;
  THC_FOR_EACH(idx, B * nn) {
    int64_t e = idx % nn, j = e / n, i = e % n;
    if (upper ? i > j : i < j) a[idx] = 0;
  }
}

template <typename T> __global__ void eye_kernel(T *a, int64_t B, int rows, int cols) {
  int64_t rc = (int64_t)rows * cols;
  THC_FOR_EACH(idx, B * rc) {
    int64_t e = idx % rc;
    a[idx] = e / rows == e % rows ? (T)1 : (T)0;
  }
}

template <typename T>
__global__ void transpose_kernel(const T *in, int64_t B, int rows, int cols, T *out) {
  int64_t rc = (int64_t)rows * cols;
  THC_FOR_EACH(idx, B * rc) {
    int64_t b = idx / rc, e = idx % rc, j = e / rows, i = e % rows;
    out[b * rc + i * cols + j] = in[idx];
  }
}

template <typename T>
__global__ void qr_r_kernel(const T *a, int64_t B, int m, int n, T *r, int rr) {
  int64_t size = (int64_t)rr * n;
  THC_FOR_EACH(idx, B * size) {
    int64_t b = idx / size, e = idx % size, j = e / rr, i = e % rr;
    r[idx] = i <= j ? a[b * (int64_t)m * n + j * m + i] : (T)0;
  }
}

template <typename T>
__global__ void qr_q_kernel(const T *a, int64_t B, int m, int n, T *q, int mq) {
  int k = m < n ? m : n;
  int64_t size = (int64_t)m * mq;
  THC_FOR_EACH(idx, B * size) {
    int64_t b = idx / size, e = idx % size, j = e / m, i = e % m;
    q[idx] = j < k ? a[b * (int64_t)m * n + j * m + i] : (i == j ? (T)1 : (T)0);
  }
}

template <typename T>
__global__ void gels_check_kernel(const T *a, int64_t B, int m, int n, T *rhs, int ldb, int nrhs,
                                  int *info) {
  THC_FOR_EACH(b, B) {
    const T *r = a + b * (int64_t)m * n;
    int first = 0;
    bool all_zero = true;
    for (int j = 0; j < n; j++)
      for (int i = 0; i <= j; i++) {
        T v = r[(int64_t)j * m + i];
        if (v != 0) all_zero = false;
        if (i == j && v == 0 && !first) first = j + 1;
      }
    info[b] = all_zero ? 0 : first;
    if (all_zero) {
      T *x = rhs + b * (int64_t)ldb * nrhs;
      for (int64_t e = 0; e < (int64_t)ldb * nrhs; e++) x[e] = 0;
    }
  }
}

}  // namespace

// ======================================================================= launchers

extern "C" cudaError_t THC_launchGemmSimple(const THCGemmDesc *d, cudaStream_t stream) {
  int64_t total = d->m * d->n;
  for (int q = 0; q < d->nb; q++) total *= d->batch[q];
  if (total == 0) return cudaSuccess;
  if (d->k == 0) {
    switch (d->dtype) {
    case TH_F32: return gemm_empty_k<float>(*d, total, stream);
    case TH_F64: return gemm_empty_k<double>(*d, total, stream);
    case TH_F16: return gemm_empty_k<Half>(*d, total, stream);
    case TH_BF16: return gemm_empty_k<BFloat16>(*d, total, stream);
    default: break; // integers: the general kernel with k == 0
    }
  }
  switch (d->dtype) {
  case TH_I8: return gemm_int<int8_t>(*d, total, stream);
  case TH_I16: return gemm_int<int16_t>(*d, total, stream);
  case TH_I32: return gemm_int<int32_t>(*d, total, stream);
  case TH_I64: return gemm_int<int64_t>(*d, total, stream);
  case TH_U8: return gemm_int<uint8_t>(*d, total, stream);
  default: return THC_UNSUPPORTED;
  }
}

extern "C" int64_t THC_vectorNormScratch(int64_t R, int64_t K) {
  int64_t p = norm_pieces(R, K);
  return p > 1 ? R * p : 0;
}

extern "C" cudaError_t THC_launchVectorNorm(void *out, const void *x, int dtype, int64_t R,
                                            int64_t K, int64_t sr, int64_t sk, double ord,
                                            double *scratch, cudaStream_t stream) {
  if (R == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, return vector_norm<T>((T *)out, (const T *)x, R, K, sr, sk, ord,
                                                    scratch, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchDetFromLU(int dtype, const void *lu, const int *ipiv, int64_t B,
                                           int n, void *det, void *sign, void *logabs,
                                           cudaStream_t stream) {
  if (B == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, (det_kernel<T><<<grid_for(B), kThreads, 0, stream>>>(
                                  (const T *)lu, ipiv, B, n, (T *)det, (T *)sign, (T *)logabs)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchZeroTriangle(int dtype, void *a, int64_t B, int n, bool upper,
                                              cudaStream_t stream) {
  int64_t total = B * n * (int64_t)n;
  if (total == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, (zero_triangle_kernel<T><<<grid_for(total), kThreads, 0, stream>>>(
                                  (T *)a, B, n, upper)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchEye(int dtype, void *a, int64_t B, int rows, int cols,
                                     cudaStream_t stream) {
  int64_t total = B * rows * (int64_t)cols;
  if (total == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, (eye_kernel<T><<<grid_for(total), kThreads, 0, stream>>>(
                                  (T *)a, B, rows, cols)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchTranspose(int dtype, const void *in, int64_t B, int rows,
                                           int cols, void *out, cudaStream_t stream) {
  int64_t total = B * rows * (int64_t)cols;
  if (total == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, (transpose_kernel<T><<<grid_for(total), kThreads, 0, stream>>>(
                                  (const T *)in, B, rows, cols, (T *)out)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchQrFill(int dtype, const void *a, int64_t B, int m, int n,
                                        void *q, int mq, void *r, int rr, cudaStream_t stream) {
  int64_t rsize = B * rr * (int64_t)n, qsize = q ? B * m * (int64_t)mq : 0;
  if (rsize > 0) {
    THC_WORK_DTYPE_CASES(dtype, (qr_r_kernel<T><<<grid_for(rsize), kThreads, 0, stream>>>(
                                    (const T *)a, B, m, n, (T *)r, rr)));
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
  }
  if (qsize > 0) {
    THC_WORK_DTYPE_CASES(dtype, (qr_q_kernel<T><<<grid_for(qsize), kThreads, 0, stream>>>(
                                    (const T *)a, B, m, n, (T *)q, mq)));
    return cudaGetLastError();
  }
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchGelsCheck(int dtype, const void *a, int64_t B, int m, int n,
                                           void *b, int ldb, int nrhs, int *info,
                                           cudaStream_t stream) {
  if (B == 0) return cudaSuccess;
  THC_WORK_DTYPE_CASES(dtype, (gels_check_kernel<T><<<grid_for(B), kThreads, 0, stream>>>(
                                  (const T *)a, B, m, n, (T *)b, ldb, nrhs, info)));
  return cudaGetLastError();
}
