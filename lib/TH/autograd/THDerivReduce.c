/* THDerivReduce.c: backward formulas of the reductions and scans.  THReduce_run records every
 * reduction with ints {keepdim, mask of reduced dims (0: all), number of outputs} and params
 * {alpha = p, beta = correction}. */
#include "THAutogradMeta.h"
#include "THAutogradViews.h"

/* g brought back to the input's rank: reduced dims reinserted as size 1 (unless keepdim). */
static THTensor *unsqueeze_reduced(THGradCtx *c, THTensor *g) {
  const THInputMeta *m = ag_meta(c, 0);
  if (!g || INTS[0] || m->ndim == 0) return g;
  int64_t mask = INTS[1] ? INTS[1] : ((int64_t)1 << m->ndim) - 1;
  int64_t sizes[TH_MAX_DIMS];
  for (int d = 0; d < m->ndim; d++) sizes[d] = (mask >> d) & 1 ? 1 : m->size[d];
  return ag_reshape(c, g, m->ndim, sizes);
}

/* number of elements each output element summarises */
static double reduced_count(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  int64_t mask = INTS[1] ? INTS[1] : ((int64_t)1 << m->ndim) - 1;
  double n = 1;
  for (int d = 0; d < m->ndim; d++)
    if ((mask >> d) & 1) n *= (double)m->size[d];
  return n;
}

static void d_sum(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  SET(0, ag_expand(c, unsqueeze_reduced(c, G(0)), m->ndim, m->size));
}

static void d_mean(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *g = ag_expand(c, unsqueeze_reduced(c, G(0)), m->ndim, m->size);
  SET(0, DIV(g, reduced_count(c)));
}

static THDerivative rows[] = {
    TH_DERIV_ROW(sum, 0),
    TH_DERIV_ROW(mean, 0),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
