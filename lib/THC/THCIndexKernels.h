/* THCIndexKernels.h: the plain-C boundary of the INDEX kernels (THCIndex.c <-> THCIndex.cu).
 *
 * The glue describes each op's operands with device pointers and element strides (never
 * bytes), so one kernel per element size serves every dtype of that size wherever an op only
 * moves elements; the ops that do arithmetic (index_add, scatter's reductions) or compare
 * with zero (nonzero) are instantiated per dtype.  Ops whose result size depends on the data
 * (masked_select, masked_scatter, nonzero) run in two steps around one read of a count:
 * THC_launchCountFlags, then THC_launchFlaggedPositions (cub's DeviceSelect), whose scratch
 * space the glue allocates through THC's caching allocator after asking for its size.
 */
#ifndef THC_INDEX_KERNELS_H
#define THC_INDEX_KERNELS_H

#include <stdbool.h>
#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* THIndex.h's THIndexMode, in the same order (THCIndex.c asserts it). */
enum {
  THC_INDEX_READ,
  THC_INDEX_WRITE,
  THC_INDEX_FILL,
  THC_INDEX_ADD,
  THC_INDEX_MUL,
  THC_INDEX_ADD_VALUE,
  THC_INDEX_MUL_VALUE
};

/* THIndex.h's THIndexWalk with device pointers: at each position p of shape (row-major), the
 * element of a at a_off(p) + index[i_off(p)] * a_dimstride is read or written, with b at
 * b_off(p).  Strides in elements; a's is 0 along the indexed dim. */
typedef struct {
  char *a;
  char *b; /* NULL for FILL and the *_VALUE modes */
  const int64_t *index;
  int ndim;
  int64_t shape[TH_MAX_DIMS];
  int64_t a_strides[TH_MAX_DIMS];
  int64_t b_strides[TH_MAX_DIMS];
  int64_t i_strides[TH_MAX_DIMS];
  int64_t a_dimstride;
  int mode;      /* THC_INDEX_* */
  int dtype;     /* a's and b's */
  THScalar value; /* FILL: the value; ADD: alpha; *_VALUE: the operand (normalised: .f and .i) */
  /* WRITE: when not NULL, only the index entry at offset last[k] writes slice k (the last
   * entry naming k), so that repeated indices keep the CPU's "last one wins". */
  const int64_t *last;
} THCIndexWalk;

cudaError_t THC_launchIndexWalk(const THCIndexWalk *w, cudaStream_t stream);
/* last[k] <- the largest offset j * stride (j < m) with index[j * stride] == k, or -1; last has
 * n entries and every index is in [0, n). */
cudaError_t THC_launchLastOccurrence(const int64_t *index, int64_t m, int64_t stride,
                                     int64_t *last, int64_t n, cudaStream_t stream);

/* THIndex_convert's contract (THIndex.h) over m contiguous int64 (out may be src).  When
 * first_bad is not NULL it ends holding the smallest position of an out-of-range entry, or
 * UINT64_MAX when there is none (the launcher initialises it). */
cudaError_t THC_launchIndexConvert(int64_t *out, const int64_t *src, int64_t m, int64_t n,
                                   int64_t base, bool wrap_negative, uint64_t *first_bad,
                                   cudaStream_t stream);

/* t[p] = value where mask[p] is non-zero, over shape (row-major); strides in elements. */
cudaError_t THC_launchMaskedFill(char *t, const int64_t *t_strides, const uint8_t *mask,
                                 const int64_t *mask_strides, int ndim, const int64_t *shape,
                                 int dtype, THScalar value, cudaStream_t stream);

/* flags[i] = (src[i] != 0) over n contiguous elements of dtype (NaN counts, -0.0 does not). */
cudaError_t THC_launchNonzeroFlags(const void *src, int dtype, int64_t n, uint8_t *flags,
                                   cudaStream_t stream);
/* *count <- the number of non-zero bytes among flags[0, n). */
cudaError_t THC_launchCountFlags(const uint8_t *flags, int64_t n, uint64_t *count,
                                 cudaStream_t stream);
/* positions <- the i with flags[i] != 0, in increasing order (*num_selected of them).  With
 * temp NULL only *temp_bytes is set: the scratch space the call needs. */
cudaError_t THC_launchFlaggedPositions(void *temp, size_t *temp_bytes, const uint8_t *flags,
                                       int64_t n, int64_t *positions, int64_t *num_selected,
                                       cudaStream_t stream);
/* out[k] = src[positions[k]] / dst[positions[k]] = src[k], for k < n; elements of elem_size
 * bytes, contiguous. */
cudaError_t THC_launchGatherPositions(void *out, const void *src, const int64_t *positions,
                                      int64_t n, int elem_size, cudaStream_t stream);
cudaError_t THC_launchScatterPositions(void *dst, const void *src, const int64_t *positions,
                                       int64_t n, int elem_size, cudaStream_t stream);
/* out (count x ndim, row-major) <- the coordinates of each flat position over sizes. */
cudaError_t THC_launchUnravel(int64_t *out, const int64_t *positions, int64_t count, int ndim,
                              const int64_t *sizes, cudaStream_t stream);

/* cat of contiguous inputs of out's dtype into contiguous out: input i is numel[i] elements
 * in rows of row[i]; row r of input i lands at out[r * out_row + offset[i]]. */
#define THC_CAT_BATCH 32
typedef struct {
  const void *data[THC_CAT_BATCH];
  int64_t row[THC_CAT_BATCH];
  int64_t offset[THC_CAT_BATCH];
  int64_t numel[THC_CAT_BATCH];
  int count;
} THCCatBatch;
cudaError_t THC_launchCatBatch(void *out, int64_t out_row, int elem_size, const THCCatBatch *b,
                               cudaStream_t stream);

/* flip, roll and repeat: out (contiguous, out_sizes) at coordinates c reads src at c' with,
 * per dim, c' = ((flip ? out_size - 1 - c : c) + shift) mod src_size. */
typedef struct {
  int ndim;
  int64_t out_sizes[TH_MAX_DIMS];
  int64_t src_sizes[TH_MAX_DIMS];
  int64_t src_strides[TH_MAX_DIMS]; /* elements */
  int64_t shifts[TH_MAX_DIMS];
  bool flip[TH_MAX_DIMS];
} THCRemap;
cudaError_t THC_launchRemap(void *out, const void *src, int elem_size, const THCRemap *m,
                            cudaStream_t stream);

/* tril/triu over n contiguous elements in planes of rows x cols (out may be src): keeps the
 * elements with col - row >= k (upper) or <= k (lower), zeroes the rest. */
cudaError_t THC_launchTri(void *out, const void *src, int elem_size, int64_t n, int64_t rows,
                          int64_t cols, int64_t k, bool upper, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
