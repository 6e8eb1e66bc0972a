/* THReduce.h: reductions (sum, mean, max, var, norm, median, ...) and scans (cumsum, cummax,
 * ...), as C users call them, and the kernel signatures of the REDUCE and SCAN families.
 *
 * Dimensions are 0-based and may be negative (counting from the end).  A reduction takes a
 * list of dims; ndims <= 0 (dims may be NULL) reduces every dim, as PyTorch does for sum(()).
 * keepdim keeps reduced dims with size 1.  `out` may be NULL (a new tensor is returned) or a
 * tensor to write into (resized to the result shape; returned with an extra reference).
 * Index results (argmax, max along a dim, median, mode, cummax, ...) are 0-based int64.
 * NULL / TH_ERROR is returned on error, with TH_lastError() set and every input unchanged.
 *
 * Numerics follow PyTorch's CPU kernels: float32 sums are cascaded (blocked pairwise) sums
 * accumulated in float, float16/bfloat16 accumulate in float, integer and bool sums and
 * products give int64, var/std accumulate in double, ties in max/min/argmax/argmin pick the
 * first occurrence, NaN propagates.
 */
#ifndef TH_REDUCE_H
#define TH_REDUCE_H

#include "THMath.h"

/* ---- the reduction family ---- */

/* What a REDUCE kernel is given.  The op layer (THReduce.c) has validated everything: x is in
 * the dtype the kernel reads (the kernel picks the accumulator from x's dtype and the op), the
 * outputs are fresh contiguous tensors with x's ndim where reduced dims have size 1, and no
 * reduced dim is empty for the ops that need an element (max, argmax, median, ...). */
typedef struct {
  THOp op;
  const THTensor *x;
  bool reduced[TH_MAX_DIMS]; /* per dim of x */
  int nout;                  /* 1, or 2 for values + indices and var_mean / std_mean */
  THTensor *out[2];          /* max/min/median/mode: values, indices; var_mean: var, mean */
  int64_t count;             /* elements reduced into each output */
  double p;                  /* norm: the order (INFINITY, -INFINITY, 0, 1, 2, ...) */
  double correction;         /* var/std: divide by max(0, count - correction) */
} THReduceArgs;
typedef int (*THReduceKernel)(const THReduceArgs *a);

/* Generic entry for every REDUCE row of THOps.def.  dtype: the result dtype for sum, nansum,
 * mean, prod and norm (the input is converted to it first), or -1.  outs[k] may be NULL;
 * results[k] receives a new reference for each of the op's outputs (2 for max/min/median/
 * nanmedian/mode along a dim and for var_mean/std_mean). */
TH_API int THReduce_run(THOp op, const THTensor *x, int ndims, const int *dims, bool keepdim,
                        int dtype, double p, double correction, THTensor *const *outs,
                        THTensor **results);

/* ---- named forms (results as THReduce_run) ---- */
TH_API THTensor *THTensor_sum(THTensor *out, const THTensor *x, int ndims, const int *dims,
                              bool keepdim, int dtype);
TH_API THTensor *THTensor_nansum(THTensor *out, const THTensor *x, int ndims, const int *dims,
                                 bool keepdim, int dtype);
/* Floating inputs only (or a floating dtype). */
TH_API THTensor *THTensor_mean(THTensor *out, const THTensor *x, int ndims, const int *dims,
                               bool keepdim, int dtype);
/* One dim or all (ndims 0 or 1). */
TH_API THTensor *THTensor_prod(THTensor *out, const THTensor *x, int ndims, const int *dims,
                               bool keepdim, int dtype);
TH_API THTensor *THTensor_amax(THTensor *out, const THTensor *x, int ndims, const int *dims,
                               bool keepdim);
TH_API THTensor *THTensor_amin(THTensor *out, const THTensor *x, int ndims, const int *dims,
                               bool keepdim);
/* Over everything: a 0-dim tensor; an error for an empty tensor. */
TH_API THTensor *THTensor_maxAll(THTensor *out, const THTensor *x);
TH_API THTensor *THTensor_minAll(THTensor *out, const THTensor *x);
/* Along one dim: values and 0-based int64 indices (first occurrence on ties, NaN wins). */
TH_API int THTensor_maxDim(THTensor **values, THTensor **indices, THTensor *out_values,
                           THTensor *out_indices, const THTensor *x, int dim, bool keepdim);
TH_API int THTensor_minDim(THTensor **values, THTensor **indices, THTensor *out_values,
                           THTensor *out_indices, const THTensor *x, int dim, bool keepdim);
/* ndims 0: the flat index over the (row-major) whole tensor; 1: along that dim. */
TH_API THTensor *THTensor_argmax(THTensor *out, const THTensor *x, int ndims, const int *dims,
                                 bool keepdim);
TH_API THTensor *THTensor_argmin(THTensor *out, const THTensor *x, int ndims, const int *dims,
                                 bool keepdim);
/* Floating inputs only. */
TH_API THTensor *THTensor_var(THTensor *out, const THTensor *x, int ndims, const int *dims,
                              bool keepdim, double correction);
TH_API THTensor *THTensor_std(THTensor *out, const THTensor *x, int ndims, const int *dims,
                              bool keepdim, double correction);
/* p: any number, INFINITY or -INFINITY (2 is the Frobenius / Euclidean norm). */
TH_API THTensor *THTensor_norm(THTensor *out, const THTensor *x, double p, int ndims,
                               const int *dims, bool keepdim, int dtype);
/* log(sum(exp(x))) computed stably; integer inputs give the default float dtype. */
TH_API THTensor *THTensor_logsumexp(THTensor *out, const THTensor *x, int ndims,
                                    const int *dims, bool keepdim);
/* bool results (uint8 for uint8 inputs, as PyTorch) */
TH_API THTensor *THTensor_all(THTensor *out, const THTensor *x, int ndims, const int *dims,
                              bool keepdim);
TH_API THTensor *THTensor_any(THTensor *out, const THTensor *x, int ndims, const int *dims,
                              bool keepdim);
TH_API THTensor *THTensor_countNonzero(THTensor *out, const THTensor *x, int ndims,
                                       const int *dims);
/* Lower median of everything (NaN if any element is NaN; NaN for an empty tensor). */
TH_API THTensor *THTensor_medianAll(THTensor *out, const THTensor *x);

/* ---- scans along one dim ---- */

/* What a SCAN kernel is given: x contiguous in the output dtype, outputs contiguous with x's
 * shape (cummax/cummin: values and int64 indices), dim already wrapped, numel > 0. */
typedef struct {
  THOp op;
  const THTensor *x;
  int dim;
  int nout;
  THTensor *out[2];
} THScanArgs;
typedef int (*THScanKernel)(const THScanArgs *a);

/* cumsum / cumprod / logcumsumexp: dtype as for sum (-1: int and bool give int64);
 * cummax / cummin: results[0] values, results[1] 0-based indices (the last occurrence on
 * ties, as PyTorch). */
TH_API int THScan_run(THOp op, const THTensor *x, int dim, int dtype, THTensor *const *outs,
                      THTensor **results);
TH_API THTensor *THTensor_cumsum(THTensor *out, const THTensor *x, int dim, int dtype);
TH_API THTensor *THTensor_cumprod(THTensor *out, const THTensor *x, int dim, int dtype);

#endif
