/* THCKernels.h: the plain-C boundary between THC's C glue and its CUDA kernels (internal).
 *
 * lib/TH's headers are C11 (stdatomic) and are not compiled by nvcc, so the .cu files see
 * only what is declared here: POD descriptions of the operands and extern "C" launchers that
 * return a cudaError_t (the launch status) for the glue to check.  Op ids are THOps.def's, in
 * the same order as lib/TH's THOp enum.
 */
#ifndef THC_KERNELS_H
#define THC_KERNELS_H

#include <cuda_runtime_api.h>
#include <stdint.h>
#include "THDtype.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD) THC_OP_##NAME,
#include "THOps.def"
#undef TH_OP
  THC_NOPS
};

#define THC_MAX_OPERANDS 4

/* THIter's description of a broadcast iteration, with device pointers.  An operand whose
 * data is NULL is a number from the host: its bytes (in its dtype) are in scalar[k]. */
typedef struct {
  int noperands; /* operand 0 is the output */
  int ndim;
  int64_t numel;
  int64_t shape[TH_MAX_DIMS];
  int64_t strides[THC_MAX_OPERANDS][TH_MAX_DIMS]; /* bytes; iteration dim 0 is innermost */
  char *data[THC_MAX_OPERANDS];
  int dtypes[THC_MAX_OPERANDS];
  uint64_t scalar[THC_MAX_OPERANDS];
} THCIter;

/* THOpParams with the same layout. */
typedef struct {
  THScalar alpha, beta, gamma;
} THCParams;

/* Statuses of a launcher beyond cudaError_t: the op has no kernel for these dtypes. */
#define THC_UNSUPPORTED ((cudaError_t)-1)

/* An empty kernel: proves that this build's code runs on the current device. */
cudaError_t THC_probeKernel(void);

/* operand 0 <- operand 1, converting dtypes; both on the current device. */
cudaError_t THC_launchCast(const THCIter *it, cudaStream_t stream);
/* Every element of the one-operand iteration set to v. */
cudaError_t THC_launchFill(const THCIter *it, THScalar v, cudaStream_t stream);
/* THKernel.range's contract over a contiguous vector of n elements. */
cudaError_t THC_launchRange(void *data, int dtype, int64_t n, double start, double step,
                            double base, int mode, cudaStream_t stream);
/* A POINTWISE row of THOps.def over it; THC_UNSUPPORTED when the dtypes have no kernel. */
cudaError_t THC_launchPointwise(int op, const THCIter *it, const THCParams *p,
                                cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
