/* THLinalg.h: matrix products (BLAS) and linear algebra (LAPACK).
 *
 * Op functions (device independent) validate shapes and dtypes, broadcast batch dimensions,
 * allocate the results, then call the kernel that THOps.def's LINALG rows register in the
 * dispatch table.  The kernels' signatures are the THLinalg*Fn typedefs below; a device
 * backend registers its own functions of these types (CPU: THBlas.c, THLapack.c).
 *
 * Conventions of the op functions:
 *   - `out` may be NULL (a new tensor is returned) or a tensor of the result dtype, resized to
 *     the result shape and returned with an extra reference; NULL is returned on error, with
 *     TH_lastError() set, and no argument (out included) is changed.
 *   - Dims are 0-based (negative ones count from the end).
 *   - float32/float64 go through BLAS/LAPACK; float16/bfloat16 compute in float32; matrix
 *     products of integer dtypes use a plain loop with int64 accumulation (wrapping).
 *   - Decompositions return matrices in batched column-major layout (strides (.., 1, rows)),
 *     as PyTorch does; they are ordinary strided tensors.
 *   - Autograd: the products, decompositions and vector_norm record their nodes when an input
 *     requires grad (out= is then refused; formulas in autograd/THDerivLinalg.c); matmul,
 *     einsum, outer and matrix_norm are compositions of recorded ops.
 */
#ifndef TH_LINALG_H
#define TH_LINALG_H

#include "THMath.h"

/* ======================================================================= kernels */

/* Batched GEMM: c = beta * c + alpha * a @ b over leading batch dims.
 * c (*, m, n), a (*, m, k), b (*, k, n): the same number of dims (>= 2), batch sizes equal
 * (a and b may have stride 0 in batch dims), one dtype, any strides; c has no internal
 * overlap and shares no memory with a or b.  beta == 0: c is not read (NaNs do not leak).
 * alpha/beta are read as .f for floating dtypes and .i for integer ones. */
typedef int (*THLinalgGemmFn)(THTensor *c, const THTensor *a, const THTensor *b, THScalar alpha,
                              THScalar beta);

/* The LAPACK-backed kernels take batched column-major work tensors (B, rows, cols) with
 * strides (rows * cols, 1, rows), contiguous over the batch, of dtype float32 or float64,
 * and write a per-matrix status into info (int32, (B)): 0 for success, > 0 for LAPACK's
 * failure code (singular, not positive-definite, no convergence). */

/* a <- inverse of a (LU with partial pivoting). */
typedef int (*THLinalgInvFn)(THTensor *a, THTensor *info);
/* Solves a x = b: a (B, n, n) <- its LU factors, b (B, n, k) <- x. */
typedef int (*THLinalgSolveFn)(THTensor *a, THTensor *b, THTensor *info);
/* From an LU factorisation of a (B, n, n) (destroyed): det (B) and/or sign and logabsdet
 * (B); any output may be NULL.  Singular matrices give 0 / (0, -inf), not an error. */
typedef int (*THLinalgDetFn)(THTensor *a, THTensor *det, THTensor *sign, THTensor *logabsdet);
/* a (B, n, n) <- its Cholesky factor, lower (upper when `upper`), other triangle zeroed. */
typedef int (*THLinalgCholeskyFn)(THTensor *a, bool upper, THTensor *info);
/* QR of a (B, m, n) (destroyed): q (B, m, mq) with mq = min(m, n) or m (complete), may be
 * NULL (mode 'r'); r (B, rr, n) with rr = mq (upper triangular, zeros below). */
typedef int (*THLinalgQrFn)(THTensor *a, THTensor *q, THTensor *r);
/* SVD of a (B, m, n) (destroyed) by divide and conquer: s (B, k), k = min(m, n), descending;
 * u (B, m, m or k) and vh (B, n or k, n) by full_matrices, both NULL when only the values are
 * wanted. */
typedef int (*THLinalgSvdFn)(THTensor *a, THTensor *u, THTensor *s, THTensor *vh,
                             bool full_matrices, THTensor *info);
/* Symmetric eigendecomposition of a (B, n, n) reading the `upper` or lower triangle:
 * w (B, n) ascending; a <- eigenvectors (columns) when compute_v, else destroyed. */
typedef int (*THLinalgEighFn)(THTensor *a, THTensor *w, bool upper, bool compute_v,
                              THTensor *info);
/* Least squares min ||a x - b||: a (B, m, n) destroyed, b (B, max(m, n), k) <- x in its first
 * n rows (and, for gels with m > n, residual information below).  driver: TH_LSTSQ_*.
 * rank (int64, (B)) and sv (B, min(m, n)) are written when not NULL (drivers that give them). */
typedef enum { TH_LSTSQ_GELS, TH_LSTSQ_GELSY, TH_LSTSQ_GELSD, TH_LSTSQ_GELSS } THLstsqDriver;
typedef int (*THLinalgLstsqFn)(THTensor *a, THTensor *b, double rcond, THLstsqDriver driver,
                               THTensor *rank, THTensor *sv, THTensor *info);
/* Vector norms of the rows of x (R, K), any strides, float32 or float64, into out (R),
 * contiguous, same dtype.  ord: any p, 0 (count of non-zeros), +-INFINITY (max/min |x|). */
typedef int (*THLinalgVectorNormFn)(THTensor *out, const THTensor *x, double ord);

/* ======================================================================= products */

/* (m, k) @ (k, n) -> (m, n) */
TH_API THTensor *THTensor_mm(THTensor *out, const THTensor *a, const THTensor *b);
/* (B, m, k) @ (B, k, n) -> (B, m, n) */
TH_API THTensor *THTensor_bmm(THTensor *out, const THTensor *a, const THTensor *b);
/* PyTorch's matmul: dot, mv, mm, or a batched product with broadcast batch dims; a 1-D
 * first operand is treated as a row (the dim removed afterwards), a 1-D second as a column. */
TH_API THTensor *THTensor_matmul(THTensor *out, const THTensor *a, const THTensor *b);
/* (m, k) @ (k,) -> (m,) */
TH_API THTensor *THTensor_mv(THTensor *out, const THTensor *a, const THTensor *v);
/* 1-D . 1-D -> 0-dim; vdot is the same for real dtypes */
TH_API THTensor *THTensor_dot(THTensor *out, const THTensor *a, const THTensor *b);
TH_API THTensor *THTensor_vdot(THTensor *out, const THTensor *a, const THTensor *b);
/* a (n,) and b (m,) -> (n, m), a[i] * b[j], with type promotion (it is a broadcast mul) */
TH_API THTensor *THTensor_outer(THTensor *out, const THTensor *a, const THTensor *b);

/* beta * self + alpha * (a @ b), self broadcast to the product's shape.  inplace: the result
 * is written into self (whose shape must be the product's); `out` is ignored then. */
TH_API THTensor *THTensor_addmm(THTensor *out, const THTensor *self, const THTensor *a,
                                const THTensor *b, THScalar beta, THScalar alpha, bool inplace);
TH_API THTensor *THTensor_addmv(THTensor *out, const THTensor *self, const THTensor *a,
                                const THTensor *v, THScalar beta, THScalar alpha, bool inplace);
/* batched: self (B, m, n) after broadcasting, a (B, m, k), b (B, k, n) */
TH_API THTensor *THTensor_baddbmm(THTensor *out, const THTensor *self, const THTensor *a,
                                  const THTensor *b, THScalar beta, THScalar alpha, bool inplace);
/* summed over the batch: self (m, n) after broadcasting, a (B, m, k), b (B, k, n) */
TH_API THTensor *THTensor_addbmm(THTensor *out, const THTensor *self, const THTensor *a,
                                 const THTensor *b, THScalar beta, THScalar alpha, bool inplace);

/* Einstein summation: "ij,jk->ik", "bij,bjk->bik", "ii->i", "ii", "...ij->...ji", implicit
 * output (labels seen once, in alphabetical order, after the ellipsis dims); size-1 dims
 * broadcast.  Contracts left to right through batched matrix products. */
TH_API THTensor *THTensor_einsum(const char *equation, int n, const THTensor *const *operands);

/* ======================================================================= linalg */

TH_API THTensor *THLinalg_inv(THTensor *out, const THTensor *a);
/* Solves a x = b (left) or x a = b (!left); b may be a vector (see PyTorch's rule: b is 1-D,
 * or has one dim less than a and a's batch shape); batch dims broadcast. */
TH_API THTensor *THLinalg_solve(THTensor *out, const THTensor *a, const THTensor *b, bool left);
TH_API THTensor *THLinalg_det(THTensor *out, const THTensor *a);
/* sign and log|det|; both new tensors */
TH_API int THLinalg_slogdet(const THTensor *a, THTensor **sign, THTensor **logabsdet);
TH_API THTensor *THLinalg_cholesky(THTensor *out, const THTensor *a, bool upper);
/* mode: "reduced", "complete" or "r" (then *q is an empty tensor) */
TH_API int THLinalg_qr(const THTensor *a, const char *mode, THTensor **q, THTensor **r);
/* full_matrices: u (*, m, m), vh (*, n, n); otherwise k = min(m, n) columns/rows.
 * compute_uv false: *u and *vh are set to NULL, only *s is computed. */
TH_API int THLinalg_svd(const THTensor *a, bool full_matrices, bool compute_uv, THTensor **u,
                        THTensor **s, THTensor **vh);
/* eigenvalues ascending in *w; eigenvectors (columns) in *v unless v is NULL. */
TH_API int THLinalg_eigh(const THTensor *a, bool upper, THTensor **w, THTensor **v);
/* driver: NULL (gelsy on the CPU, gels on CUDA, as PyTorch) or "gels", "gelsy", "gelsd",
 * "gelss"; rcond < 0: eps * max(m, n).
 * b may be one dim short of a (a vector right side).  residuals: the squared residual norms of
 * each column when m > n, the driver is not gelsy and every matrix has full rank, else an
 * empty tensor (PyTorch's rule).  rank: int64, empty for gels.  sv: the singular values for
 * gelsd/gelss, else empty. */
TH_API int THLinalg_lstsq(const THTensor *a, const THTensor *b, double rcond, const char *driver,
                          THTensor **solution, THTensor **residuals, THTensor **rank,
                          THTensor **sv);
/* The ord-norm over dims (all dims when ndims == 0).  dtype: the dtype to compute in and
 * return (-1: the input's). */
TH_API THTensor *THLinalg_vectorNorm(THTensor *out, const THTensor *x, double ord, int ndims,
                                     const int *dims, bool keepdim, int dtype);
/* ord: "fro", "nuc", or NULL with the number nord (+-1, +-2, +-inf) */
TH_API THTensor *THLinalg_matrixNorm(THTensor *out, const THTensor *x, const char *ord,
                                     double nord, int dim0, int dim1, bool keepdim, int dtype);

#endif
