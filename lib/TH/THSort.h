/* THSort.h: sorting and searching: sort, argsort, topk, kthvalue, unique, unique_consecutive,
 * searchsorted and bucketize.
 *
 * Conventions (lib/TH is 0-based):
 *   - dims are 0-based, or negative to count from the end; a 0-dim tensor accepts 0 and -1;
 *   - every index tensor produced or consumed here is int64 and 0-based (positions along the
 *     sorted dim, positions in unique's output, insertion points in [0, n]); the Lua binding
 *     adds or subtracts 1;
 *   - k of topk and kthvalue is a count, not a position: kthvalue(x, 1) is the smallest value.
 * Ties and NaN follow PyTorch's CPU kernels: NaN sorts as the largest value (first when
 * descending, taken first by topk(largest)), a stable sort keeps equal elements in input order,
 * and the non-stable sort, topk and kthvalue order ties exactly as PyTorch 1.13 does on CPU.
 *
 * Output arguments: each `*_out` parameter may be NULL (a new tensor is made) or a tensor to
 * write into (resized when its shape differs; its dtype must be the one the op produces).
 * The results are returned through the pointer arguments as new references (NULL pointers
 * for results the caller does not want).  On failure nothing is returned, TH_ERROR comes
 * back with TH_lastError() set, and no tensor passed in has been modified.
 *
 * Device kernels (SORT rows of THOps.def) receive validated arguments and outputs already
 * shaped; they are stored in THKernel.fn with the signatures below.
 */
#ifndef TH_SORT_H
#define TH_SORT_H

#include "THMath.h"

/* ---- kernel signatures (THKernel.fn of the SORT rows) ---- */

/* sort: values/indices have x's shape (any strides, no overlap with x); dim is valid. */
typedef int (*THSortKernel)(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                            bool descending, bool stable);
/* topk: values/indices have x's shape with size k along dim; 0 <= k <= size of dim. */
typedef int (*THTopkKernel)(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                            int64_t k, bool largest, bool sorted);
/* kthvalue: values/indices have x's shape with size 1 along dim; 1 <= k <= size of dim. */
typedef int (*THKthvalueKernel)(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                                int64_t k);
/* unique and unique_consecutive over all elements of x (row-major order).  mode: one of
 * THUniqueMode.  The kernel makes *values (1-D, x's dtype) and *counts (1-D int64, when counts
 * is not NULL); inverse, when not NULL, is a contiguous int64 tensor of x's shape to fill. */
typedef enum { TH_UNIQUE_SORTED, TH_UNIQUE_FIRST_SEEN, TH_UNIQUE_CONSECUTIVE } THUniqueMode;
typedef int (*THUniqueKernel)(const THTensor *x, THUniqueMode mode, THTensor **values,
                              THTensor *inverse, THTensor **counts);
/* searchsorted / bucketize: seq is contiguous, 1-D or with values' leading dims, and values
 * is contiguous, both in one dtype; sorter is NULL or a contiguous int64 tensor of seq's shape
 * whose entries are in range.  out is contiguous int64 or int32 of values' shape. */
typedef int (*THSearchKernel)(THTensor *out, const THTensor *seq, const THTensor *values,
                              const THTensor *sorter, bool right);

/* ---- operations ---- */

/* Sorts x along dim: *values (x's dtype) and *indices (int64) of x's shape. */
TH_API int THTensor_sort(const THTensor *x, int dim, bool descending, bool stable,
                         THTensor *values_out, THTensor *indices_out, THTensor **values,
                         THTensor **indices);
/* The indices of sort alone. */
TH_API THTensor *THTensor_argsort(const THTensor *x, int dim, bool descending, bool stable);

/* The k largest (or smallest) elements along dim, in order when sorted is set. */
TH_API int THTensor_topk(const THTensor *x, int64_t k, int dim, bool largest, bool sorted,
                         THTensor *values_out, THTensor *indices_out, THTensor **values,
                         THTensor **indices);

/* The k-th smallest element along dim (k counts from 1), and its position. */
TH_API int THTensor_kthvalue(const THTensor *x, int64_t k, int dim, bool keepdim,
                             THTensor *values_out, THTensor *indices_out, THTensor **values,
                             THTensor **indices);

/* The distinct elements of x (flattened): sorted ascending, or in order of first appearance
 * when sorted is false.  *inverse (x's shape, int64) maps each element to its position in
 * *values; *counts (int64) counts each value.  NaNs are all distinct. */
TH_API int THTensor_unique(const THTensor *x, bool sorted, THTensor **values,
                           THTensor **inverse, THTensor **counts);
/* Collapses runs of equal consecutive elements of x (flattened). */
TH_API int THTensor_uniqueConsecutive(const THTensor *x, THTensor **values, THTensor **inverse,
                                      THTensor **counts);

/* For each element of values, the position in [0, n] at which it would be inserted into the
 * innermost dim of seq (1-D, or with values' leading dims) to keep it sorted: before equal
 * elements, or after them when right is set.  sorter (may be NULL) holds the positions that
 * sort an unsorted seq.  The result is int64, or int32 when out_int32; values may be a number
 * (then the result is 0-dim). */
TH_API THTensor *THTensor_searchsorted(THTensor *out, const THTensor *seq, THArg values,
                                       bool right, bool out_int32, const THTensor *sorter);
/* searchsorted(boundaries, input) for a 1-D boundaries tensor. */
TH_API THTensor *THTensor_bucketize(THTensor *out, THArg input, const THTensor *boundaries,
                                    bool right, bool out_int32);

#endif
