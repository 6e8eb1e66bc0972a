/* THCopySlices.c: in-place ops on views.
 *
 * Writing into a view changes its base too, so the base's history must learn of the write.
 * After an in-place op records its node N on a view, the base gets a CopySlices node: its
 * backward takes the gradient of the whole base, hands the viewed region to N, writes N's
 * gradient for the view's old values back into that region (the rest of the base was not
 * touched, so its gradient passes through) and sends the result on along the base's old
 * history; N's other inputs get their gradients directly.  The view's own history becomes a
 * node that puts its gradient into zeros of the base's shape at the viewed place, followed
 * by the base's CopySlices.  Bases are contiguous (views of views keep their root as base),
 * so a view is (sizes, strides, offset) in the base's flat element order.  Other views of
 * the same base taken before the write keep their old history (PyTorch regenerates them).
 */
#include <string.h>
#include "THAutogradMeta.h"
#include "THAutogradViews.h"

int THNode_apply(THNode *n, THTensor **grads_out, THTensor **grads_in);

/* ints: ndim, offset in the base, sizes[ndim], strides[ndim].  The region is a recorded view
 * and the writes below are recorded in-place ops, so under create_graph these backward
 * passes are themselves differentiable (the writes then go through CopySlices again). */
static THTensor *region(THNode *n, THTensor *whole) {
  int nd = (int)n->ints[0];
  return THAutograd_asStrided(whole, nd, n->ints + 2, n->ints + 2 + nd, whole->offset + n->ints[1]);
}

static int copy_slices_apply(THNode *n, THTensor **grads_out, THTensor **grads_in) {
  THNode *inner = n->extra;
  THTensor *res = THAutograd_clone(grads_out[0]);
  THTensor *slice = res ? region(n, res) : NULL;
  THTensor *g_view = slice ? THAutograd_clone(slice) : NULL;
  THTensor *small[TH_NODE_MAX_INLINE] = {0};
  THTensor **gin = inner->ninputs > TH_NODE_MAX_INLINE ? calloc((size_t)inner->ninputs, sizeof *gin)
                                                       : small;
  int rc = g_view && gin ? TH_OK : TH_ERROR;
  if (rc == TH_OK) rc = THNode_apply(inner, &g_view, gin);
  if (rc == TH_OK) rc = gin[0] ? THAutograd_copy_(slice, gin[0]) : THAutograd_zero_(slice);
  if (rc == TH_OK) {
    grads_in[0] = res;
    res = NULL;
    for (int i = 1; i < inner->ninputs; i++) {
      grads_in[i] = gin[i];
      gin[i] = NULL;
    }
  }
  for (int i = 0; gin && i < inner->ninputs; i++) THTensor_free(gin[i]);
  if (gin != small) free(gin);
  THTensor_free(g_view);
  THTensor_free(slice);
  THTensor_free(res);
  return rc == TH_OK ? TH_OK : TH_ERROR;
}

static void copy_slices_destroy(THNode *n) { THNode_free(n->extra); }

/* the view's new history: its gradient placed into zeros of the base's shape */
static int view_of_base_apply(THNode *n, THTensor **grads_out, THTensor **grads_in) {
  const THInputMeta *m = &n->in[0];
  THTensor *z = THTensor_full(m->dtype, m->device, m->ndim, m->size, 0.0);
  THTensor *slice = z ? region(n, z) : NULL;
  if (!slice || THAutograd_copy_(slice, grads_out[0]) != TH_OK) {
    THTensor_free(slice);
    THTensor_free(z);
    return TH_ERROR;
  }
  THTensor_free(slice);
  grads_in[0] = z;
  return TH_OK;
}

static THDerivative copy_slices_row = {TH_NODE_CUSTOM, "CopySlices", 0, NULL, copy_slices_apply,
                                       copy_slices_destroy};
static THDerivative view_of_base_row = {TH_NODE_CUSTOM, "AsStridedBackward0", 0, NULL,
                                        view_of_base_apply, NULL};

static void set_history(THTensor *t, THNode *n) {
  THAutogradMeta *m = t->autograd; /* exists: the caller made it */
  THNode *old = m->grad_fn;
  THNode_retain(n);
  m->grad_fn = n;
  m->output_nr = 0;
  t->requires_grad = true;
  THNode_free(old);
}

static void geometry(const THTensor *view, const THTensor *base, int64_t *ints, int *nints) {
  ints[0] = view->ndim;
  ints[1] = view->offset - base->offset;
  for (int d = 0; d < view->ndim; d++) {
    ints[2 + d] = view->size[d];
    ints[2 + view->ndim + d] = view->stride[d];
  }
  *nints = 2 + 2 * view->ndim;
}

int THAutograd_rebaseView(THTensor *view, THNode *inner) {
  THTensor *base = view->base;
  if (!THTensor_isContiguous(base))
    return TH_setError("[%s] in-place operation on a view of a non-contiguous tensor is not "
                       "supported by autograd; clone() the tensor first", inner->name);
  if (!THAutograd_meta(base) || !THAutograd_meta(view)) return TH_ERROR;
  THNode *cs = THNode_new(&copy_slices_row, inner->ninputs, 1);
  THNode *vb = cs ? THNode_new(&view_of_base_row, 1, 1) : NULL;
  if (!vb) {
    THNode_free(cs);
    return TH_ERROR;
  }
  int nints;
  geometry(view, base, cs->ints, &nints);
  cs->nints = vb->nints = nints;
  memcpy(vb->ints, cs->ints, (size_t)nints * sizeof(int64_t));
  THInputMeta_fill(&cs->in[0], base);
  vb->in[0] = cs->in[0];
  if (base->requires_grad && THAutograd_gradientEdge(base, &cs->edges[0]) != TH_OK) {
    THNode_free(cs);
    THNode_free(vb);
    return TH_ERROR;
  }
  for (int i = 1; i < inner->ninputs; i++) {
    cs->in[i] = inner->in[i];
    cs->edges[i] = inner->edges[i];
    if (cs->edges[i].node) THNode_retain(cs->edges[i].node);
  }
  THNode_retain(inner);
  cs->extra = inner;
  THNode_retain(cs);
  vb->edges[0].node = cs;
  vb->edges[0].input_nr = 0;
  set_history(base, cs);
  set_history(view, vb);
  THNode_free(cs);
  THNode_free(vb);
  return TH_OK;
}
