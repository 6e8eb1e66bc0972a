/* THCLinalgKernels.h: the plain-C boundary of the LINALG family (internal).
 *
 * cuBLAS and cuSOLVER do the heavy work from the C glue (THCBlas.c: products and vector norms,
 * THCLinalg.c: the decompositions); the small kernels they need around those calls live in
 * THCLinalg.cu and are declared here: the integer (and k == 0) products, vector norms,
 * determinants from LU factors, and the fills, copies and checks of batched column-major
 * work matrices.  Matrices are column-major, one after another (THLinalg.h's work layout).
 * Every launcher returns the launch status, or THC_UNSUPPORTED for a dtype it has no kernel
 * for.  The handle getters at the end are shared by the two C files.
 */
#ifndef THC_LINALG_KERNELS_H
#define THC_LINALG_KERNELS_H

#include <cublas_v2.h>
#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A batched product c = beta c + alpha a @ b described element by element: nb batch dims of
 * sizes batch[], then the matrix dims; strides count elements, for all nb + 2 dims. */
typedef struct {
  int dtype;
  int nb;
  int64_t batch[TH_MAX_DIMS];
  int64_t m, n, k;
  char *c;
  const char *a, *b;
  int64_t sc[TH_MAX_DIMS], sa[TH_MAX_DIMS], sb[TH_MAX_DIMS];
  double alpha, beta;         /* floating dtypes */
  int64_t ialpha, ibeta;      /* integer dtypes */
} THCGemmDesc;

/* One thread per output element, any dtype but bool: integers accumulate in int64 and wrap
 * (lib/TH's rule); floats are only sent here when k == 0 (c = beta c, or 0 when beta == 0). */
cudaError_t THC_launchGemmSimple(const THCGemmDesc *d, cudaStream_t stream);

/* Vector norms of the R rows of x (K values each, element strides sr, sk), float32 or
 * float64, into out (R, contiguous, same dtype); THLinalgVectorNormFn's ord.  Long rows are
 * split over blocks whose partial results go to a scratch buffer of
 * THC_vectorNormScratch(R, K) doubles (0: none needed, scratch may be NULL). */
int64_t THC_vectorNormScratch(int64_t R, int64_t K);
cudaError_t THC_launchVectorNorm(void *out, const void *x, int dtype, int64_t R, int64_t K,
                                 int64_t sr, int64_t sk, double ord, double *scratch,
                                 cudaStream_t stream);

/* From B LU factorisations (n x n each) and their 1-based pivots (n per matrix): det, sign
 * and logabsdet, each may be NULL; lib/TH's CPU rule (THLapack.c). */
cudaError_t THC_launchDetFromLU(int dtype, const void *lu, const int *ipiv, int64_t B, int n,
                                void *det, void *sign, void *logabs, cudaStream_t stream);

/* Zeroes the triangle of B n x n matrices that is not the Cholesky factor's: the one below
 * the diagonal when `upper`, the one above it otherwise. */
cudaError_t THC_launchZeroTriangle(int dtype, void *a, int64_t B, int n, bool upper,
                                   cudaStream_t stream);

/* B identity-like matrices (rows x cols, 1 where i == j). */
cudaError_t THC_launchEye(int dtype, void *a, int64_t B, int rows, int cols,
                          cudaStream_t stream);

/* out (B, cols, rows) <- the transposes of in (B, rows, cols); out and in do not overlap. */
cudaError_t THC_launchTranspose(int dtype, const void *in, int64_t B, int rows, int cols,
                                void *out, cudaStream_t stream);

/* After geqrf of B m x n matrices a (k = min(m, n) reflectors): r (B, rr, n) <- the upper
 * triangle of a's first rr rows, zeros below; q (B, m, mq) <- a's first k columns, then the
 * identity's remaining ones (orgqr's input); q may be NULL. */
cudaError_t THC_launchQrFill(int dtype, const void *a, int64_t B, int m, int n, void *q, int mq,
                             void *r, int rr, cudaStream_t stream);

/* LAPACK gels' checks after the QR of B m x n matrices a (m >= n, leading dimension m, one
 * after another) and the solve into b (B, ldb, nrhs): info[b] <- 1 + the first i with
 * R(i, i) == 0, or 0; a matrix whose R is all zeros (A == 0) gets info 0 and b <- 0, the
 * zero solution LAPACK returns for it. */
cudaError_t THC_launchGelsCheck(int dtype, const void *a, int64_t B, int m, int n, void *b,
                                int ldb, int nrhs, int *info, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

/* ---- shared by the C glue (THCBlas.c defines them) ---- */
#ifndef __CUDACC__
/* This thread's cuBLAS handle for the current device, bound to its current stream. */
int THC_blasHandle(cublasHandle_t *out);
/* TH_OK when s is CUBLAS_STATUS_SUCCESS, else TH's error naming the call. */
int THC_blasCheck(cublasStatus_t s, const char *call, const char *file, int line);
#define THC_BLAS_CHECK(call) THC_blasCheck((call), #call, __FILE__, __LINE__)
/* THCLinalg.c: the cuSOLVER kernels' registration, called by THC_registerLinalg. */
void THC_registerSolver(void);
#endif

#endif
