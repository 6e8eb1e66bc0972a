/* THCSortKernels.h: the plain-C boundary of the SORT kernels (THCSort.c <-> THCSort.cu).
 *
 * Sorting along a dim works on "slices": the 1-D runs of a tensor along that dim, one per
 * index of the other dims.  THCSlices describes the input and the two outputs with element
 * strides, so the kernels read and write any layout without a transposing copy.  Scratch
 * space (keys, positions, cub's temporary storage) is one workspace block that the glue
 * allocates through THC's caching allocator after asking the launcher for its size.
 */
#ifndef THC_SORT_KERNELS_H
#define THC_SORT_KERNELS_H

#include <stdbool.h>
#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tensor's layout over the slices: its data, its stride along the sorted dim and its
 * strides over the other dims (THCSlices.sizes' order), all in elements. */
typedef struct {
  char *data;
  int64_t dstride;
  int64_t strides[TH_MAX_DIMS];
} THCSliceOperand;

typedef struct {
  int64_t n;       /* the input's size along the sorted dim */
  int64_t nslices; /* product of sizes */
  int nd;          /* the other dims with size > 1, innermost first */
  int64_t sizes[TH_MAX_DIMS];
  THCSliceOperand x, values, indices; /* values: x's dtype; indices: int64 */
  int dtype;                          /* x's */
  int esize;                          /* bytes of one element of x */
} THCSlices;

/* Bytes of workspace THC_launchSortSlices needs for these slices. */
cudaError_t THC_sortWorkspaceBytes(const THCSlices *s, size_t *bytes);
/* Sorts every slice of x (stably; ascending, or descending when `descending`), then writes
 * the sorted elements [first, first + count) of each slice into values and their positions
 * along the dim into indices: sort is (0, n), topk (0, k), kthvalue (k - 1, 1). */
cudaError_t THC_launchSortSlices(const THCSlices *s, bool descending, int64_t first,
                                 int64_t count, void *workspace, size_t workspace_bytes,
                                 cudaStream_t stream);

/* unique over the n elements of a contiguous x; mode is THUniqueMode (0 sorted, 1 in order
 * of first appearance, 2 consecutive runs).  Two steps around one host read: the groups
 * (returns their number in *groups, waiting for the stream), then the outputs. */
cudaError_t THC_uniqueWorkspaceBytes(int dtype, int64_t n, int mode, size_t *bytes);
cudaError_t THC_launchUniqueGroups(const void *x, int dtype, int64_t n, int mode,
                                   void *workspace, size_t workspace_bytes, int64_t *groups,
                                   cudaStream_t stream);
/* values: groups elements of x's dtype (esize bytes each); counts (may be NULL): groups
 * int64; inverse (may be NULL): n int64. */
cudaError_t THC_launchUniqueOutputs(const void *x, int dtype, int esize, int64_t n, int mode,
                                    void *workspace, size_t workspace_bytes, int64_t groups,
                                    void *values, int64_t *counts, int64_t *inverse,
                                    cudaStream_t stream);

/* searchsorted/bucketize: for each of the nval values, its insertion point in row
 * (seq1d ? 0 : j / inner) of the contiguous seq (rows of m elements, read through sorter
 * when it is not NULL).  Exactly one of out64/out32 is non-NULL. */
cudaError_t THC_launchSearch(int64_t *out64, int32_t *out32, const void *seq, int dtype,
                             int64_t m, bool seq1d, const int64_t *sorter, const void *values,
                             int64_t nval, int64_t inner, bool right, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
