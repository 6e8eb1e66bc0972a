/* THDerivPointwise.h: what the pointwise family's entry points need from its backward
 * formulas (THDerivPointwise.c) — the recording step of THMath_pointwise, node names that
 * depend on the operands, and the polygamma op that digamma's derivative is made of. */
#ifndef TH_DERIV_POINTWISE_H
#define TH_DERIV_POINTWISE_H

#include "../THMath.h"

/* polygamma(n, x): the n-th derivative of digamma (n = 0 is digamma itself), elementwise;
 * integer inputs give the default float dtype.  Kernel parameter: alpha.i = alpha.f = n. */
TH_API THTensor *THTensor_polygamma(THTensor *out, bool inplace, int64_t n, THArg x);

/* For an in-place call about to be recorded (grad mode on, an operand requires grad) whose
 * formula reads the first operand: *original receives a copy of it taken before the write,
 * carrying its history, to record in its place (PyTorch saves `original_self` the same way).
 * *original is NULL when no copy is needed.  Returns TH_OK or TH_ERROR. */
TH_API int THAutograd_pointwiseOriginal(THOp op, const THArg *args, THTensor **original);

/* Records the call THMath_pointwise just made (result = op(args)), with `original` (from
 * THAutograd_pointwiseOriginal, may be NULL) standing for the overwritten first operand, and
 * the node named as PyTorch names it for these operands (ClampMinBackward0 for a number
 * bound, PowBackward1 for a tensor exponent, ...). */
TH_API int THAutograd_recordPointwiseCall(THOp op, int n, const THArg *args, THTensor *result,
                                          bool inplace, const THOpParams *p,
                                          const THTensor *original);

/* Renames the node that made t (its grad_fn) when it is a node of op: for entry points that
 * reach a row PyTorch names differently (clamp with one bound records clamp_min/clamp_max as
 * ClampBackward0/1).  name must be a string constant. */
TH_API void THAutograd_renamePointwiseNode(THTensor *t, THOp op, const char *name);

#endif
