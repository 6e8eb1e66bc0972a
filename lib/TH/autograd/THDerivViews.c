/* THDerivViews.c: backward formulas of the views and copies (THAutogradViews.c records them
 * with the integers read here).  A view's gradient is the gradient put back into the input's
 * shape: reshaped, transposed back, summed over expanded dims, or written into zeros at the
 * narrowed or selected place.  The last two are ops of their own when a graph is being built,
 * so that their gradients (narrow/select again) can be taken too. */
#include "THAutogradMeta.h"
#include "THAutogradViews.h"

static void d_reshape_like(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  SET(0, ag_reshape(c, G(0), m->ndim, m->size));
}
#define d_view d_reshape_like
#define d_reshape_alias d_reshape_like
#define d_squeeze d_reshape_like
#define d_squeeze_dim d_reshape_like
#define d_unsqueeze d_reshape_like

static void d_transpose(THGradCtx *c) {
  SET(0, ag_keep(c, THAutograd_transpose(G(0), (int)INTS[0], (int)INTS[1])));
}

static void d_permute(THGradCtx *c) {
  int inverse[TH_MAX_DIMS];
  for (int i = 0; i < c->node->nints; i++) inverse[INTS[i]] = i;
  SET(0, ag_keep(c, THAutograd_permute(G(0), inverse)));
}

static void d_expand(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  SET(0, ag_sumTo(c, G(0), m->ndim, m->size));
}

static void d_clone(THGradCtx *c) { SET(0, G(0)); }
#define d_to_copy d_clone

/* copy_(dst, src): dst's old values are gone (zero gradient); src gets the gradient. */
static void d_copy(THGradCtx *c) {
  if (NEEDS(0)) SET(0, ag_zerosLike(c, ag_meta(c, 0)));
  if (NEEDS(1)) SET(1, G(0));
}

/* ---- narrow and select: zeros with the gradient written in ---- */
static void d_narrow_backward(THGradCtx *c) {
  SET(0, ag_keep(c, THAutograd_narrow(G(0), (int)INTS[0], INTS[1], INTS[2])));
}
static void d_select_backward(THGradCtx *c) {
  SET(0, ag_keep(c, THAutograd_select(G(0), (int)INTS[0], INTS[1])));
}
static THDerivative narrow_backward_row = {-3, "SliceBackwardBackward0", 0, d_narrow_backward,
                                           NULL, NULL};
static THDerivative select_backward_row = {-3, "SelectBackwardBackward0", 0, d_select_backward,
                                           NULL, NULL};

/* zeros of the input's shape with g written into the part `part` selects */
static THTensor *scatter_into_zeros(THGradCtx *c, THTensor *g, bool narrow) {
  if (!g) return NULL;
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *z = ag_zerosLike(c, m);
  if (!z) return NULL;
  THTensor *part = narrow ? THTensor_narrow(z, (int)INTS[0], INTS[1], INTS[2])
                          : THTensor_select(z, (int)INTS[0], INTS[1]);
  int rc = part ? THTensor_copy(part, g) : TH_ERROR;
  THTensor_free(part);
  if (rc != TH_OK) {
    ag_fail(c);
    return NULL;
  }
  if (g->requires_grad && THAutograd_isEnabled()) {
    THRecordArgs a = {.ints = INTS, .nints = c->node->nints};
    const THTensor *in[1] = {g};
    if (THAutograd_record(narrow ? &narrow_backward_row : &select_backward_row, 1, in, 1, &z,
                          &a) != TH_OK) {
      ag_fail(c);
      return NULL;
    }
  }
  return z;
}

static void d_narrow(THGradCtx *c) { SET(0, scatter_into_zeros(c, G(0), true)); }
static void d_select(THGradCtx *c) { SET(0, scatter_into_zeros(c, G(0), false)); }

static THDerivative rows[] = {
    TH_DERIV_ROW(view, 0),        TH_DERIV_ROW(reshape_alias, 0), TH_DERIV_ROW(squeeze, 0),
    TH_DERIV_ROW(squeeze_dim, 0), TH_DERIV_ROW(unsqueeze, 0),     TH_DERIV_ROW(transpose, 0),
    TH_DERIV_ROW(permute, 0),     TH_DERIV_ROW(expand, 0),        TH_DERIV_ROW(clone, 0),
    TH_DERIV_ROW(to_copy, 0),     TH_DERIV_ROW(copy, 0),          TH_DERIV_ROW(narrow, 0),
    TH_DERIV_ROW(select, 0),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
