/* THAutogradIndex.h: recording for the joining and indexing ops (lib/TH/THIndex.h).
 *
 * The entry points of THIndex.c and THJoin.c call these after running their body with grad
 * mode off; the formulas are in THDerivIndex.c.  Ops with a row in THOps.def record through
 * THAutograd_recordIndexOp / THAutograd_recordIndexInplace; the rest (stack, split, unbind,
 * diagonal, diag) get nodes of their own, named as in PyTorch (StackBackward0,
 * SplitBackward0, UnbindBackward0, DiagonalBackward0, DiagBackward0).  The *Tensor functions
 * are masked_fill / index_fill with a 0-dim value tensor that receives a gradient
 * (MaskedFillBackward1, IndexFillBackward1); the Lua binding calls them when the value
 * requires grad.
 */
#ifndef TH_AUTOGRAD_INDEX_H
#define TH_AUTOGRAD_INDEX_H

#include "THNode.h"

/* Runs expr (a THTensor * or an int status) with grad mode off, then turns it back on (the
 * callers only pause when recording, that is when it was on). */
static inline THTensor *THAutograd_resumeT(THTensor *r) {
  THAutograd_setEnabled(true);
  return r;
}
static inline int THAutograd_resumeI(int rc) {
  THAutograd_setEnabled(true);
  return rc;
}
#define TH_AG_PAUSED_T(expr) (THAutograd_setEnabled(false), THAutograd_resumeT(expr))
#define TH_AG_PAUSED_I(expr) (THAutograd_setEnabled(false), THAutograd_resumeI(expr))

/* Gives r (the result of op on inputs in[0..nin)) its node; ints and params are copied for
 * the formula, name (may be NULL) overrides the row's node name.  Returns r, or NULL after
 * freeing r when r is NULL or recording fails. */
TH_API THTensor *THAutograd_recordIndexOp(THOp op, int nin, const THTensor *const *in, THTensor *r,
                                          int nints, const int64_t *ints, const THOpParams *p,
                                          const char *name);
/* The same for an in-place op that wrote into in[0] and returned rc: records when rc is
 * TH_OK and passes rc on. */
TH_API int THAutograd_recordIndexInplace(THOp op, int nin, const THTensor *const *in, int rc,
                                         int nints, const int64_t *ints, const THOpParams *p,
                                         const char *name);

/* cat / hstack / vstack / dstack: r = the n tensors (seen as at least `atleast`-D, 0 for
 * cat) joined along dim (as given: negative counts from r's end).  CatBackward0. */
TH_API THTensor *THAutograd_recordCat(int n, const THTensor *const *ts, THTensor *r, int dim,
                                      int atleast);
/* stack along dim (0 <= dim <= ndim).  StackBackward0. */
TH_API THTensor *THAutograd_recordStack(int n, const THTensor *const *ts, THTensor *r, int dim);
/* The views list[0..n) of t made by split (sizes: false), split with sizes (true) or unbind:
 * one node with n outputs.  Returns TH_OK or TH_ERROR (the list is left to the caller). */
typedef enum { TH_AG_SPLIT, TH_AG_SPLIT_WITH_SIZES, TH_AG_UNBIND } THSplitKind;
TH_API int THAutograd_recordSplit(const THTensor *t, THTensor **list, int64_t n, int dim,
                                  THSplitKind kind);
/* r = diagonal(t, offset, d1, d2) (d1, d2 0-based) and r = diag(t, k). */
TH_API THTensor *THAutograd_recordDiagonal(const THTensor *t, THTensor *r, int64_t offset, int d1,
                                           int d2);
TH_API THTensor *THAutograd_recordDiag(const THTensor *t, THTensor *r, int64_t k);
/* r = narrow_copy(t, dim, start, length) (dim and start already wrapped). */
TH_API THTensor *THAutograd_recordNarrowCopy(const THTensor *t, THTensor *r, int dim,
                                             int64_t start, int64_t length);
/* r = repeat_interleave(t, repeats, dim) (of t flattened when flat): each slice along dim
 * repeated `repeats` times, or repeats_t[i] times when repeats_t (int64/int32, 1-D) is
 * given.  IndexSelectBackward0, as PyTorch's composite. */
TH_API THTensor *THAutograd_recordRepeatInterleave(const THTensor *t, THTensor *r, int dim,
                                                   bool flat, const THTensor *repeats_t,
                                                   int64_t repeats);

/* masked_fill and index_fill with a 0-dim value tensor whose value is v (already read). */
TH_API THTensor *THAutograd_maskedFillTensor(const THTensor *t, const THTensor *mask,
                                             const THTensor *value, THScalar v);
TH_API int THAutograd_maskedFillTensor_(THTensor *t, const THTensor *mask, const THTensor *value,
                                        THScalar v);
TH_API THTensor *THAutograd_indexFillTensor(const THTensor *t, int dim, const THTensor *index,
                                            const THTensor *value, THScalar v);
TH_API int THAutograd_indexFillTensor_(THTensor *t, int dim, const THTensor *index,
                                       const THTensor *value, THScalar v);

#endif
