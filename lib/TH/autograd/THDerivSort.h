/* THDerivSort.h: pieces the backward formulas of the reductions, scans and sorting ops share
 * (defined in THDerivSort.c; not part of the public API).
 *
 * Gradients of ops that pick elements (max/min/median/mode along a dim, kthvalue, sort, topk,
 * cummax/cummin) are the output gradient put back at the picked positions.  Until the index
 * family records gather and scatter_add as ops, these are computed with grad mode off and
 * recorded here as nodes of their own (ScatterBackward0 / ScatterAddBackward0, whose gradient
 * is a gather, and GatherBackward0, whose gradient is a scatter_add), so that gradients of
 * any order can be taken.
 */
#ifndef TH_DERIV_SORT_H
#define TH_DERIV_SORT_H

#include "THNode.h"

/* Zeros of shape m (g's dtype) with g added at idx along dim: z.scatter_add_(dim, idx, g).
 * g and idx have one shape, of m's ndim.  add: named ScatterAddBackward0 (else
 * ScatterBackward0) when recorded. */
THTensor *THDeriv_scatterAddZeros(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                  const THInputMeta *m, bool add);
/* gather(t, dim, idx), recorded as GatherBackward0 when t requires grad. */
THTensor *THDeriv_gather(THGradCtx *c, THTensor *t, int dim, const THTensor *idx);
/* PyTorch's value_selecting_reduction_backward: zeros of input 0's shape with g written at
 * idx along dim; g and idx lack dim unless keepdim. */
THTensor *THDeriv_valueSelecting(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                 bool keepdim);
/* Saved output k (an index tensor) as stored, without a history attached. */
THTensor *THDeriv_indices(THGradCtx *c, int k);

#endif
