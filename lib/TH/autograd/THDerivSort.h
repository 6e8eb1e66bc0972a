/* THDerivSort.h: pieces the backward formulas of the reductions, scans and sorting ops share
 * (defined in THDerivSort.c; not part of the public API).
 *
 * Gradients of ops that pick elements (max/min/median/mode along a dim, kthvalue, sort, topk,
 * cummax/cummin) are the output gradient put back at the picked positions with the recorded
 * scatter / scatter_add of the index family (ScatterBackward0 / ScatterAddBackward0, whose
 * gradient is a gather), so that gradients of any order can be taken.
 */
#ifndef TH_DERIV_SORT_H
#define TH_DERIV_SORT_H

#include "THNode.h"

/* Zeros of shape m (g's dtype) with g put at idx along dim: zeros.scatter_add(dim, idx, g)
 * when add (ScatterAddBackward0 when recorded), else zeros.scatter(dim, idx, g)
 * (ScatterBackward0).  g and idx have one shape, of m's ndim. */
THTensor *THDeriv_scatterAddZeros(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                  const THInputMeta *m, bool add);
/* PyTorch's value_selecting_reduction_backward: zeros of input 0's shape with g written at
 * idx along dim; g and idx lack dim unless keepdim. */
THTensor *THDeriv_valueSelecting(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                 bool keepdim);
/* Saved output k (an index tensor) as stored, without a history attached. */
THTensor *THDeriv_indices(THGradCtx *c, int k);

#endif
