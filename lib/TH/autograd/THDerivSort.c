/* THDerivSort.c: backward formulas of sort, topk and kthvalue (THSort.c records them with
 * ints {dim, keepdim} and a copy of the indices as output 1), and the pick-by-index helpers
 * that the reductions and scans use too (THDerivSort.h).
 *
 * The gradient of an op that picks elements is the output gradient written back at the
 * picked positions, into zeros of the input's shape (PyTorch's
 * value_selecting_reduction_backward): a recorded scatter, so double backward works.
 */
#include "THDerivSort.h"
#include "../THIndex.h"
#include "THAutogradViews.h"

/* ======================================================================= helpers */

THTensor *THDeriv_scatterAddZeros(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                  const THInputMeta *m, bool add) {
  if (!g || !idx || c->failed) return ag_keep(c, NULL);
  THTensor *z = THTensor_full(g->dtype, THTensor_device(g), m->ndim, m->size, 0.0);
  if (!z) return ag_keep(c, NULL);
  THTensor *r = add ? THTensor_scatterAdd(NULL, z, dim, idx, g)
                    : THTensor_scatter(NULL, z, dim, idx, g, THScalar_fromDouble(0), TH_REDUCE_NONE);
  THTensor_free(z);
  return ag_keep(c, r);
}

THTensor *THDeriv_indices(THGradCtx *c, int k) {
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false); /* the saved tensor itself, no alias with a history */
  THTensor *r = RESULT(k);
  THAutograd_setEnabled(was);
  return r;
}

THTensor *THDeriv_valueSelecting(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                 bool keepdim) {
  const THInputMeta *m = ag_meta(c, 0);
  if (!g || !idx || c->failed) {
    ag_fail(c);
    return NULL;
  }
  if (m->ndim == 0) return g; /* the one element was picked */
  if (!keepdim) {
    g = ag_keep(c, THAutograd_unsqueeze(g, dim));
    idx = ag_keep(c, THTensor_unsqueeze(idx, dim));
  }
  return THDeriv_scatterAddZeros(c, g, dim, idx, m, false);
}

/* ======================================================================= formulas */

/* ints {dim, keepdim}; output 1: the indices */
static void d_sort(THGradCtx *c) {
  SET(0, THDeriv_valueSelecting(c, G(0), (int)INTS[0], THDeriv_indices(c, 1), INTS[1] != 0));
}
#define d_topk d_sort
#define d_kthvalue d_sort

static THDerivative rows[] = {
    TH_DERIV_ROW(sort, TH_SAVE_OUT(1)),
    TH_DERIV_ROW(topk, TH_SAVE_OUT(1)),
    TH_DERIV_ROW(kthvalue, TH_SAVE_OUT(1)),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
