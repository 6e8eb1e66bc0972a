/* THAutogradMeta.h (internal to lib/TH/autograd): the per-tensor state and the node helpers
 * shared by recording (THAutograd.c), the engine (THEngine.c) and the formula helpers. */
#ifndef TH_AUTOGRAD_META_H
#define TH_AUTOGRAD_META_H

#include <stdlib.h>
#include "THNode.h"

typedef struct THAutogradMeta {
  THTensor *owner;      /* the tensor this state belongs to (weak) */
  THTensor *grad;       /* accumulated gradient */
  THNode *grad_fn;      /* the node that made the tensor (strong); NULL for leaves */
  THNode *grad_acc;     /* a leaf's AccumulateGrad node (weak: the node clears it) */
  int output_nr;
  bool retains_grad;
  THHookEntry *hooks;   /* a leaf's gradient hooks */
} THAutogradMeta;

/* The tensor's state, made when missing (NULL only when out of memory). */
THAutogradMeta *THAutograd_meta(THTensor *t);
THNode *THNode_new(const THDerivative *fn, int ninputs, int noutputs);
void THNode_releaseSaved(THNode *n);
/* The edge gradients of t flow along (a new reference in e->node). */
int THAutograd_gradientEdge(THTensor *t, THEdge *e);
THNode *THAutograd_gradAccumulator(THTensor *leaf);
/* m describes t (shape, dtype, device). */
void THInputMeta_fill(THInputMeta *m, const THTensor *t);
/* g summed over the dims that broadcasting added to (ndim, size), with recorded ops (a new
 * reference; g itself, retained, when nothing is summed). */
THTensor *THAutograd_sumTo(THTensor *g, int ndim, const int64_t *size);
/* t.grad += g out of place (retain_grad and backward(inputs=) on non-leaves). */
int THAutograd_accumulateRetained(THTensor *t, THTensor *g);
/* After in-place op node n wrote into view (view->base set): CopySlices on the base. */
int THAutograd_rebaseView(THTensor *view, THNode *n);

#endif
