/* THDerivLinalg.h: recording for the linear-algebra entry points (THMatmul.c, THLinalg.c,
 * THEinsum.c); their backward formulas are in THDerivLinalg.c.
 *
 * An entry point that records its own node brackets its body with THLinalgRec_begin/_end:
 * begin decides whether the call records (grad mode on and an input requires grad), refuses
 * out= and in-place on a leaf that requires grad when it does, and turns grad mode off so the
 * helper calls inside the body do not record; end turns it back on and records the node.
 * Composites (matmul, einsum, matrix_norm) record nothing themselves: they are built from
 * recorded ops, so their graph is that of the pieces.
 */
#ifndef TH_DERIV_LINALG_H
#define TH_DERIV_LINALG_H

#include "THNode.h"

typedef struct {
  bool rec; /* this call records */
  bool was; /* grad mode before the call */
} THLinalgRec;

/* name: the op's user-facing name, for the errors ("linalg.inv").  out: the out= tensor or
 * NULL; inplace_self: the tensor written in place or NULL. */
TH_API int THLinalgRec_begin(THLinalgRec *g, const char *name, int n, const THTensor *const *in,
                             const THTensor *out, const THTensor *inplace_self);
/* Grad mode back as it was (idempotent). */
TH_API void THLinalgRec_restore(THLinalgRec *g);
/* Restores grad mode, then records op's node over outs[0..nout) when the call records.
 * Returns TH_OK (nothing to record included) or TH_ERROR. */
TH_API int THLinalgRec_record(THLinalgRec *g, THOp op, int nin, const THTensor *const *in,
                              int nout, THTensor *const *outs, const THRecordArgs *a);
/* The one-output form: returns r, or NULL after freeing r when r is NULL or recording fails. */
TH_API THTensor *THLinalgRec_end1(THLinalgRec *g, THTensor *r, THOp op, int nin,
                                  const THTensor *const *in, const THRecordArgs *a);

/* t's dims merged as map says (dim d of t becomes dim map[d] of the result, nout dims;
 * dims mapped together must have one size and become their diagonal), as a view recorded as
 * DiagonalBackward0.  einsum takes the diagonal of a repeated label with it. */
TH_API THTensor *THAutograd_mergeDims(const THTensor *t, int nout, const int *map);

#endif
