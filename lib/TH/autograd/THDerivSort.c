/* THDerivSort.c: backward formulas of sort, topk and kthvalue (THSort.c records them with
 * ints {dim, keepdim} and a copy of the indices as output 1), and the pick-by-index helpers
 * that the reductions and scans use too (THDerivSort.h).
 *
 * The gradient of an op that picks elements is the output gradient written back at the
 * picked positions, into zeros of the input's shape (PyTorch's
 * value_selecting_reduction_backward).  The scatter and the gather that undoes it are
 * recorded here as internal nodes whose formulas call each other, so double backward works.
 */
#include "THDerivSort.h"
#include "../THIndex.h"
#include "THAutogradViews.h"

/* ======================================================================= scatter / gather */

static void d_scatter_src(THGradCtx *c);
static void d_gather_src(THGradCtx *c);

/* input 0: the scattered (or gathered) tensor, input 1: the indices (saved); ints {dim} */
static THDerivative scatter_row = {-3, "ScatterBackward0", TH_SAVE_IN(1), d_scatter_src, NULL,
                                   NULL};
static THDerivative scatter_add_row = {-3, "ScatterAddBackward0", TH_SAVE_IN(1), d_scatter_src,
                                       NULL, NULL};
static THDerivative gather_row = {-3, "GatherBackward0", TH_SAVE_IN(1), d_gather_src, NULL, NULL};

/* Records r = op(t, idx) when t carries a graph being built. */
static THTensor *record_indexed(THGradCtx *c, const THDerivative *row, THTensor *t,
                                const THTensor *idx, int dim, THTensor *r) {
  if (!r) {
    ag_fail(c);
    return NULL;
  }
  if (t->requires_grad && THAutograd_isEnabled()) {
    int64_t ints[1] = {dim};
    const THTensor *in[2] = {t, idx};
    THRecordArgs a = {.ints = ints, .nints = 1};
    if (THAutograd_record(row, 2, in, 1, &r, &a) != TH_OK) {
      THTensor_free(r);
      ag_fail(c);
      return NULL;
    }
  }
  return ag_keep(c, r);
}

THTensor *THDeriv_scatterAddZeros(THGradCtx *c, THTensor *g, int dim, const THTensor *idx,
                                  const THInputMeta *m, bool add) {
  if (!g || !idx || c->failed) {
    ag_fail(c);
    return NULL;
  }
  THTensor *z = THTensor_full(g->dtype, THTensor_device(g), m->ndim, m->size, 0.0);
  if (!z) {
    ag_fail(c);
    return NULL;
  }
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false);
  int rc = THTensor_numel(g) > 0 ? THTensor_scatterAdd_(z, dim, idx, g) : TH_OK;
  THAutograd_setEnabled(was);
  if (rc != TH_OK) {
    THTensor_free(z);
    ag_fail(c);
    return NULL;
  }
  return record_indexed(c, add ? &scatter_add_row : &scatter_row, g, idx, dim, z);
}

THTensor *THDeriv_gather(THGradCtx *c, THTensor *t, int dim, const THTensor *idx) {
  if (!t || !idx || c->failed) {
    ag_fail(c);
    return NULL;
  }
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false);
  THTensor *r = THTensor_gather(NULL, t, dim, idx);
  THAutograd_setEnabled(was);
  return record_indexed(c, &gather_row, t, idx, dim, r);
}

/* d/dsrc of zeros.scatter_add(dim, idx, src) is grad.gather(dim, idx) */
static void d_scatter_src(THGradCtx *c) {
  SET(0, THDeriv_gather(c, G(0), (int)INTS[0], SAVED(1)));
}

/* d/dt of t.gather(dim, idx) is zeros(t).scatter_add(dim, idx, grad) */
static void d_gather_src(THGradCtx *c) {
  SET(0, THDeriv_scatterAddZeros(c, G(0), (int)INTS[0], SAVED(1), ag_meta(c, 0), true));
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
