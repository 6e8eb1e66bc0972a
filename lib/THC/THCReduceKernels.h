/* THCReduceKernels.h: the plain-C boundary of THC's REDUCE and SCAN kernels (internal).
 *
 * THCReduce.c turns lib/TH's THReduceArgs / THScanArgs into the POD descriptions below and
 * calls the launchers of THCReduce.cu (accumulating reductions), THCReduceSelect.cu (median,
 * nanmedian, mode) and THCScan.cu (cumulative ops).  A launcher that needs scratch memory
 * says how much first (the *Workspace calls plan the launch exactly as the launch will); the
 * glue allocates it as a device tensor through THC's caching allocator and frees it right
 * after the launch (the allocator reuses a block only on the stream it was used on).
 */
#ifndef THC_REDUCE_KERNELS_H
#define THC_REDUCE_KERNELS_H

#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The reduction has more elements than this kernel can index (median/mode: 2^31 - 1). */
#define THC_TOO_LARGE ((cudaError_t)-2)

/* A REDUCE row over x on the current device.  Outputs are fresh contiguous tensors of x's
 * rank in which reduced dims have size 1, as lib/TH's THReduceArgs promises. */
typedef struct {
  int op;    /* THC_OP_* */
  int dtype; /* x's dtype: the kernel picks its accumulator from it and the op */
  int nout;  /* 1, or 2 (values + int64 indices; var + mean) */
  const char *x;
  char *out[2];
  int ndim;
  int64_t size[TH_MAX_DIMS];
  int64_t stride[TH_MAX_DIMS]; /* elements */
  uint8_t reduced[TH_MAX_DIMS];
  int64_t count;     /* elements reduced into each output */
  double p;          /* norm: the order */
  double correction; /* var/std: divide by max(0, count - correction) */
} THCReduceDesc;

/* Every REDUCE row but median/nanmedian/mode.  THC_UNSUPPORTED: no kernel for the dtype. */
cudaError_t THC_reduceWorkspace(const THCReduceDesc *d, size_t *bytes);
cudaError_t THC_launchReduce(const THCReduceDesc *d, void *workspace, cudaStream_t stream);

/* median / nanmedian / mode: rows sorted with cub, then picked.  THC_TOO_LARGE above
 * 2^31 - 1 elements. */
cudaError_t THC_selectWorkspace(const THCReduceDesc *d, size_t *bytes);
cudaError_t THC_launchSelect(const THCReduceDesc *d, void *workspace, size_t bytes,
                             cudaStream_t stream);

/* A SCAN row along the middle dim of a contiguous (outer, n, inner) input, in place of x's
 * shape; out has x's dtype, indices (cummax/cummin) are int64. */
typedef struct {
  int op;
  int dtype;
  const char *x;
  char *out;
  int64_t *indices;
  int64_t outer, n, inner;
} THCScanDesc;

cudaError_t THC_scanWorkspace(const THCScanDesc *d, size_t *bytes);
cudaError_t THC_launchScan(const THCScanDesc *d, void *workspace, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
