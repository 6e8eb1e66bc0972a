/* THIndex.h: joining, splitting and indexing: cat/stack, split/chunk/unbind, index_select,
 * gather/scatter, the masked ops, the index_* family, nonzero, take, flip, roll, repeat,
 * repeat_interleave, tril/triu, diag/diagonal.
 *
 * Conventions (lib/TH is 0-based):
 *   - dims are 0-based, or negative to count from the end; messages number them from 1, as
 *     the rest of lib/TH does ("dimension 1" is dim 0);
 *   - index tensors are int64 or int32 and 0-based; take and index_fill also accept negative
 *     indices (counting from the end), as PyTorch does; every other op rejects them.  Every
 *     index is checked before anything is written: an out-of-range index fails the call with
 *     "[op] index 7 is out of bounds for dimension 1 with size 5" and nothing is modified;
 *   - masks are bool tensors (uint8 masks are accepted too, as Torch7's ByteTensor masks);
 *   - index tensors produced here (nonzero) are int64 and 0-based; the Lua binding adds 1.
 *
 * Results: functions returning THTensor * give a new tensor, or write into `out` when it is
 * not NULL (resized to the result's shape; the result dtype must be castable to out's) and
 * return it with an extra reference.  The `_` forms write into their first argument and
 * return TH_OK.  On failure: NULL / TH_ERROR with TH_lastError() set, and no tensor passed in
 * has been modified.  Non-contiguous inputs are accepted everywhere.
 *
 * Device kernels (INDEX rows of THOps.def) receive validated arguments and are stored in
 * THKernel.fn with the signatures below.
 */
#ifndef TH_INDEX_H
#define TH_INDEX_H

#include "THMath.h"

/* ---- kernel signatures (THKernel.fn of the INDEX rows) ---- */

/* cat: out (contiguous, shaped) <- the n inputs laid side by side along dim; the inputs have
 * out's shape apart from dim, any dtype (converted) and any strides; none is empty-skipped. */
typedef int (*THCatKernel)(THTensor *out, int n, const THTensor *const *ins, int dim);

/* The gather/scatter engine.  The walk runs over `shape` (ndim dims); at each position p the
 * element of `a` at offset a_off(p) + index[p] * a_dimstride is read or written, where
 * a_off(p) ignores dim (its stride is taken as 0), index[p] is the int64 element of `index`
 * at p (already checked to lie in [0, a->size[dim]) and made non-negative) and `b` is read or
 * written at p.  index and b are walked with their own strides (an index given along dim only
 * is broadcast over the other dims by the caller: stride 0).  Mode: see THIndexMode. */
typedef enum {
  TH_INDEX_READ,      /* b[p] = a[...]                (index_select, gather) */
  TH_INDEX_WRITE,     /* a[...] = b[p]                (index_copy, scatter) */
  TH_INDEX_FILL,      /* a[...] = value               (index_fill, scatter with a value) */
  TH_INDEX_ADD,       /* a[...] += value * b[p]       (index_add with alpha, scatter_add) */
  TH_INDEX_MUL,       /* a[...] *= b[p]               (scatter reduce='multiply') */
  TH_INDEX_ADD_VALUE, /* a[...] += value              (scatter value, reduce='add') */
  TH_INDEX_MUL_VALUE, /* a[...] *= value              (scatter value, reduce='multiply') */
} THIndexMode;
typedef struct {
  THTensor *a;           /* the tensor indexed along dim */
  THTensor *b;           /* walked with the index (NULL for the value modes) */
  const THTensor *index; /* int64, in range; strides as walked */
  int dim;               /* of a */
  int ndim;              /* walk dims */
  int64_t shape[TH_MAX_DIMS];
  int64_t a_strides[TH_MAX_DIMS]; /* a's element strides in walk order, 0 along dim */
  int64_t b_strides[TH_MAX_DIMS];
  int64_t i_strides[TH_MAX_DIMS];
  THIndexMode mode;
  THScalar value;
} THIndexWalk;
typedef int (*THIndexKernel)(const THIndexWalk *w);

/* masked_fill: t[mask] = value; mask (bool or uint8) already broadcast to t's shape. */
typedef int (*THMaskedFillKernel)(THTensor *t, const THTensor *mask, THScalar value);
/* masked_select: a new 1-D tensor of the elements of src where mask is set; src and mask
 * contiguous, of one shape. */
typedef THTensor *(*THMaskedSelectKernel)(const THTensor *src, const THTensor *mask);
/* masked_scatter: the set positions of mask (row-major), in order, get src's elements; t, mask
 * and src contiguous, src of t's dtype with at least as many elements as mask has set. */
typedef int (*THMaskedScatterKernel)(THTensor *t, const THTensor *mask, const THTensor *src);
/* nonzero: a new (N, ndim) int64 tensor of the 0-based positions of t's non-zero elements,
 * in row-major order; t contiguous. */
typedef THTensor *(*THNonzeroKernel)(const THTensor *t);
/* take: out[p] = src (contiguous, flat) [index[p]]; index int64 contiguous, in range. */
typedef int (*THTakeKernel)(THTensor *out, const THTensor *src, const THTensor *index);
/* flip: out (contiguous) <- src reversed along the dims where flip[d] is set. */
typedef int (*THFlipKernel)(THTensor *out, const THTensor *src, const bool *flip);
/* roll: out (contiguous) <- src shifted by shifts[d] (0 <= shifts[d] < size) along each dim. */
typedef int (*THRollKernel)(THTensor *out, const THTensor *src, const int64_t *shifts);
/* repeat: out (contiguous) <- src tiled; src has out's ndim and sizes that divide out's. */
typedef int (*THRepeatKernel)(THTensor *out, const THTensor *src);
/* tril/triu over the last two dims: out (contiguous, src's shape; may be src itself) keeps
 * the elements on and below (tril) / above (triu) diagonal k and zeroes the rest. */
typedef int (*THTriKernel)(THTensor *out, const THTensor *src, int64_t k, bool upper);

/* ---- index tensors on any device ----
 * out (contiguous int64, src's shape and device; may be src) gets each entry v of src
 * (contiguous int64) as a 0-based position: v - base when base <= v < base + n, v + n when
 * wrap_negative and -n <= v < 0, and INT64_MIN (out of range for every op) otherwise.  When
 * first_bad is not NULL it gets the flat position of the first out-of-range entry, or -1;
 * on a device that read is the call's one wait for the device.  CPU tensors are converted
 * here; a device backend registers the kernel for its tensors (THIndexConvertKernel, with
 * this contract and arguments already checked). */
typedef int (*THIndexConvertKernel)(THTensor *out, const THTensor *src, int64_t n, int64_t base,
                                    bool wrap_negative, int64_t *first_bad);
TH_API void THIndex_registerConvert(THDeviceType device, THIndexConvertKernel k);
TH_API int THIndex_convert(THTensor *out, const THTensor *src, int64_t n, int64_t base,
                           bool wrap_negative, int64_t *first_bad);

/* ---- joining ---- */

/* Concatenates n tensors along dim.  They must have one ndim and equal sizes except along dim;
 * 1-D tensors with no elements are skipped (PyTorch's legacy rule).  The result dtype is
 * PyTorch's promotion of the inputs' dtypes. */
TH_API THTensor *THTensor_cat(THTensor *out, int n, const THTensor *const *ts, int dim);
/* Joins n tensors of one shape along a new dim (0 <= dim <= ndim, or negative). */
TH_API THTensor *THTensor_stack(THTensor *out, int n, const THTensor *const *ts, int dim);
/* Column-wise (1-D inputs: along dim 0, else dim 1), row-wise (inputs as at least 2-D, along
 * dim 0) and depth-wise (as at least 3-D, along dim 2) concatenation. */
TH_API THTensor *THTensor_hstack(THTensor *out, int n, const THTensor *const *ts);
TH_API THTensor *THTensor_vstack(THTensor *out, int n, const THTensor *const *ts);
TH_API THTensor *THTensor_dstack(THTensor *out, int n, const THTensor *const *ts);

/* ---- splitting (views) ----
 * Each returns a malloc'ed array of *n new views (free with THTensor_freeList), or NULL. */
/* Pieces of split_size along dim, the last one smaller when the size does not divide. */
TH_API THTensor **THTensor_split(const THTensor *t, int64_t split_size, int dim, int64_t *n);
/* Pieces of the given sizes, which must add up to the size of dim. */
TH_API THTensor **THTensor_splitWithSizes(const THTensor *t, int64_t nsizes,
                                          const int64_t *sizes, int dim, int64_t *n);
/* At most `chunks` pieces of ceil(size / chunks) along dim, the last one smaller. */
TH_API THTensor **THTensor_chunk(const THTensor *t, int64_t chunks, int dim, int64_t *n);
/* Every slice along dim, with dim removed. */
TH_API THTensor **THTensor_unbind(const THTensor *t, int dim, int64_t *n);
TH_API void THTensor_freeList(THTensor **list, int64_t n);

/* ---- selecting by index ---- */

/* The slices of t at positions index (1-D, or 0-dim) along dim. */
TH_API THTensor *THTensor_indexSelect(THTensor *out, const THTensor *t, int dim,
                                      const THTensor *index);
/* out[i][j][k] = t[index[i][j][k]][j][k] (for dim 0); index has t's ndim and is no larger
 * than t apart from dim; the result has index's shape. */
TH_API THTensor *THTensor_gather(THTensor *out, const THTensor *t, int dim,
                                 const THTensor *index);
/* t flattened, at positions index (negative counts from the end); the result has index's
 * shape. */
TH_API THTensor *THTensor_take(THTensor *out, const THTensor *t, const THTensor *index);
/* The elements of t where mask (broadcast with t) is set, as a 1-D tensor. */
TH_API THTensor *THTensor_maskedSelect(THTensor *out, const THTensor *t, const THTensor *mask);
/* The positions of t's non-zero elements: an (N, ndim) int64 tensor, row-major order. */
TH_API THTensor *THTensor_nonzero(THTensor *out, const THTensor *t);

/* ---- writing by index: in place (`_`) and out-of-place forms ----
 * The out-of-place forms copy t (broadcast with the mask for the masked ones) and apply the
 * in-place form to the copy. */
/* t[mask] = value; mask broadcast to t's shape.  value is converted to t's dtype. */
TH_API int THTensor_maskedFill_(THTensor *t, const THTensor *mask, THScalar value);
TH_API THTensor *THTensor_maskedFill(const THTensor *t, const THTensor *mask, THScalar value);
/* The positions where mask is set get src's elements in order (src of t's dtype). */
TH_API int THTensor_maskedScatter_(THTensor *t, const THTensor *mask, const THTensor *src);
TH_API THTensor *THTensor_maskedScatter(const THTensor *t, const THTensor *mask,
                                        const THTensor *src);
/* reduce for scatter: */
typedef enum { TH_REDUCE_NONE, TH_REDUCE_ADD, TH_REDUCE_MULTIPLY } THReduce;
/* t[index[i][j]][j] = src[i][j] (for dim 0), or value when src is NULL; index has t's ndim,
 * is no larger than src, and no larger than t apart from dim. */
TH_API int THTensor_scatter_(THTensor *t, int dim, const THTensor *index, const THTensor *src,
                             THScalar value, THReduce reduce);
TH_API THTensor *THTensor_scatter(THTensor *out, const THTensor *t, int dim,
                                  const THTensor *index, const THTensor *src, THScalar value,
                                  THReduce reduce);
/* scatter with reduce add, src required. */
TH_API int THTensor_scatterAdd_(THTensor *t, int dim, const THTensor *index,
                                const THTensor *src);
TH_API THTensor *THTensor_scatterAdd(THTensor *out, const THTensor *t, int dim,
                                     const THTensor *index, const THTensor *src);
/* t.select(dim, index[i]) += alpha * src.select(dim, i); src has t's shape apart from dim,
 * where its size is the number of indices. */
TH_API int THTensor_indexAdd_(THTensor *t, int dim, const THTensor *index, const THTensor *src,
                              THScalar alpha);
TH_API THTensor *THTensor_indexAdd(THTensor *out, const THTensor *t, int dim,
                                   const THTensor *index, const THTensor *src, THScalar alpha);
/* t.select(dim, index[i]) = src.select(dim, i). */
TH_API int THTensor_indexCopy_(THTensor *t, int dim, const THTensor *index, const THTensor *src);
TH_API THTensor *THTensor_indexCopy(THTensor *out, const THTensor *t, int dim,
                                    const THTensor *index, const THTensor *src);
/* t.select(dim, index[i]) = value (negative indices count from the end). */
TH_API int THTensor_indexFill_(THTensor *t, int dim, const THTensor *index, THScalar value);
TH_API THTensor *THTensor_indexFill(const THTensor *t, int dim, const THTensor *index,
                                    THScalar value);

/* ---- rearranging ---- */

/* t reversed along each of the n dims. */
TH_API THTensor *THTensor_flip(const THTensor *t, int n, const int *dims);
/* t shifted circularly by shifts[i] along dims[i]; with n_dims 0, t is rolled as if flat
 * (then exactly one shift is allowed). */
TH_API THTensor *THTensor_roll(const THTensor *t, int n_shifts, const int64_t *shifts,
                               int n_dims, const int *dims);
/* t tiled repeats[i] times along each dim; n >= ndim, extra leading dims are added. */
TH_API THTensor *THTensor_repeat(const THTensor *t, int n, const int64_t *repeats);
/* repeat with fewer repeats than dims allowed (leading 1s assumed), as numpy's tile. */
TH_API THTensor *THTensor_tile(const THTensor *t, int n, const int64_t *repeats);
/* Each slice along dim (each element of flat t when flat) repeated `repeats` times. */
TH_API THTensor *THTensor_repeatInterleave(const THTensor *t, int64_t repeats, int dim,
                                           bool flat);
/* The same with a per-slice count: repeats is 1-D with one entry per slice (or one entry
 * for all), non-negative.  output_size < 0 means "compute it". */
TH_API THTensor *THTensor_repeatInterleaveTensor(const THTensor *t, const THTensor *repeats,
                                                 int dim, bool flat, int64_t output_size);
/* 0-based positions repeated: repeats = [2, 3] gives [0, 0, 1, 1, 1]. */
TH_API THTensor *THTensor_repeatInterleaveIndex(const THTensor *repeats, int64_t output_size);

/* ---- triangles and diagonals ---- */

/* The lower (tril) / upper (triu) triangle of the last two dims, from diagonal k on. */
TH_API THTensor *THTensor_tril(THTensor *out, const THTensor *t, int64_t k);
TH_API THTensor *THTensor_triu(THTensor *out, const THTensor *t, int64_t k);
TH_API int THTensor_tril_(THTensor *t, int64_t k);
TH_API int THTensor_triu_(THTensor *t, int64_t k);
/* 1-D t: a square matrix with t on diagonal k; 2-D t: diagonal k of t as a 1-D copy. */
TH_API THTensor *THTensor_diag(THTensor *out, const THTensor *t, int64_t k);
/* A view of diagonal `offset` of the planes (dim1, dim2), appended as the last dim. */
TH_API THTensor *THTensor_diagonal(const THTensor *t, int64_t offset, int dim1, int dim2);
/* A contiguous copy of narrow(t, dim, start, length) (start may be negative). */
TH_API THTensor *THTensor_narrowCopy(THTensor *out, const THTensor *t, int dim, int64_t start,
                                     int64_t length);

/* ---- shared by THIndex.c, THJoin.c and THCpuIndex.c (not part of the public API) ---- */
#ifdef TH_INDEX_INTERNAL
/* wrapDim with the message numbering dims from 1; ndim 0 accepts 0 and -1. */
int THIndex_wrapDim(const char *op, int dim, int ndim, int *out);
/* Resolves out=: r (owned) is returned as is when out is NULL, else copied into out. */
THTensor *THIndex_finishOut(const char *op, THTensor *out, THTensor *r);
/* Errors when t cannot be written in place (elements sharing memory). */
int THIndex_checkWritable(const char *op, const THTensor *t);
int THIndex_sameDevice(const char *op, const THTensor *a, const THTensor *b);
/* The kernel of an INDEX row (NULL with the error set when none). */
void (*THIndex_kernel(THOp op, THDevice dev))(void);
#endif

#endif
