/* THDerivViews.c: backward formulas of the views and copies (THAutogradViews.c records them
 * with the integers read here).  A view's gradient is the gradient put back into the input's
 * shape: reshaped, transposed back, summed over expanded dims, or written into zeros at the
 * narrowed or selected place.  The last two are ops of their own when a graph is being built,
 * so that their gradients (narrow/select again) can be taken too. */
#include "THAutogradMeta.h"
#include "THAutogradViews.h"
#include "../THIndex.h"

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

/* ---- as_strided and unfold: overlapping windows, so gradients are added by index ---- */

/* The storage positions (minus base) of t's elements, row-major, into out. */
static void storage_positions(int ndim, const int64_t *size, const int64_t *stride,
                              int64_t offset, int64_t base, int64_t *out) {
  int64_t n = 1, idx[TH_MAX_DIMS] = {0};
  for (int d = 0; d < ndim; d++) n *= size[d];
  for (int64_t k = 0; k < n; k++) {
    int64_t pos = offset - base;
    for (int d = 0; d < ndim; d++) pos += idx[d] * stride[d];
    out[k] = pos;
    for (int d = ndim - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
}

/* The lowest and highest storage positions a geometry reaches (numel > 0). */
static void storage_range(int ndim, const int64_t *size, const int64_t *stride, int64_t offset,
                          int64_t *lo, int64_t *hi) {
  *lo = *hi = offset;
  for (int d = 0; d < ndim; d++) {
    int64_t span = (size[d] - 1) * stride[d];
    if (span < 0) *lo += span;
    else *hi += span;
  }
}

/* A new CPU int64 tensor of n positions, to fill through *data. */
static THTensor *index_tensor(int64_t n, int64_t **data) {
  THTensor *t = THTensor_empty(TH_I64, TH_CPU, 1, &n);
  if (t) *data = THTensor_data(t);
  return t;
}

/* t (consumed) on dev. */
static THTensor *index_on(THTensor *t, THDevice dev) {
  if (!t || THDevice_equal(THTensor_device(t), dev)) return t;
  THTensor *r = THTensor_empty(TH_I64, dev, t->ndim, t->size);
  if (r && THTensor_copy(r, t) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(t);
  return r;
}

/* as_strided(self, sizes, strides, offset): PyTorch's as_strided_backward over the storage
 * span both geometries reach.  The gradient is added into a flat buffer at the positions the
 * output reads (overlapping outputs add up), then read back at the input's positions (split
 * evenly between input elements sharing a position).  The input's geometry comes from the
 * saved input; its values are not read, so later in-place writes do not matter.
 * ints {ndim, offset, sizes..., strides...} */
static void d_as_strided(THGradCtx *c) {
  THTensor *g = G(0);
  if (!g) return;
  const THTensor *in = c->node->saved[0].t;
  if (!in) {
    ag_saved(c, 0); /* reports the freed graph */
    return;
  }
  const THInputMeta *m = ag_meta(c, 0);
  int nd = (int)INTS[0];
  const int64_t *osize = INTS + 2, *ostride = INTS + 2 + nd;
  int64_t on = 1, in_n = 1;
  for (int d = 0; d < nd; d++) on *= osize[d];
  for (int d = 0; d < in->ndim; d++) in_n *= in->size[d];
  if (on == 0 || in_n == 0) {
    SET(0, ag_zerosLike(c, m));
    return;
  }
  int64_t lo_o, hi_o, lo_i, hi_i;
  storage_range(nd, osize, ostride, INTS[1], &lo_o, &hi_o);
  storage_range(in->ndim, in->size, in->stride, in->offset, &lo_i, &hi_i);
  int64_t base = lo_o < lo_i ? lo_o : lo_i, span = (hi_o > hi_i ? hi_o : hi_i) - base + 1;
  int64_t *po, *pi;
  THDevice dev = THTensor_device(g);
  THTensor *io = index_tensor(on, &po), *ii = io ? index_tensor(in_n, &pi) : NULL;
  if (!ii) {
    THTensor_free(io);
    ag_fail(c);
    return;
  }
  storage_positions(nd, osize, ostride, INTS[1], base, po);
  storage_positions(in->ndim, in->size, in->stride, in->offset, base, pi);
  /* input elements sharing a storage position (an expanded input) */
  THTensor *count = NULL;
  int *seen = calloc((size_t)span, sizeof *seen);
  bool overlap = false, oom = !seen;
  if (seen) {
    for (int64_t k = 0; k < in_n; k++) overlap |= ++seen[pi[k]] > 1;
    if (overlap && (count = THTensor_empty(TH_F64, TH_CPU, in->ndim, in->size))) {
      double *q = THTensor_data(count);
      for (int64_t k = 0; k < in_n; k++) q[k] = seen[pi[k]];
    }
    free(seen);
  }
  io = ag_keep(c, index_on(io, dev));
  ii = ag_keep(c, index_on(ii, dev));
  if (oom || (overlap && !count)) {
    THTensor_free(count);
    if (oom) TH_setError("[as_strided] out of memory in backward");
    ag_fail(c);
    return;
  }
  THTensor *flat = ag_keep(c, THTensor_full(g->dtype, dev, 1, &span, 0.0));
  THScalar one = {TH_KIND_INT, 1.0, 1};
  THTensor *acc = flat && io && ii ? ag_keep(c, THTensor_indexAdd(NULL, flat, 0, io, ag_reshape(c, g, 1, &on),
                                                      one))
                       : NULL;
  THTensor *r = acc ? ag_keep(c, THTensor_indexSelect(NULL, acc, 0, ii)) : NULL;
  r = ag_reshape(c, r, in->ndim, in->size);
  if (count) {
    THTensor *cd = ag_keep(c, index_on(count, dev));
    r = DIV(r, ag_toDtype(c, cd, g->dtype));
  }
  SET(0, r);
}

/* unfold(self, dim, size, step): window w's element k came from position w * step + k along
 * dim; the gradient is added back there.  ints {dim, size, step} */
static void d_unfold(THGradCtx *c) {
  THTensor *g = G(0);
  if (!g) return;
  const THInputMeta *m = ag_meta(c, 0);
  int d = (int)INTS[0], nd = m->ndim ? m->ndim : 1;
  int64_t size = INTS[1], step = INTS[2], xs[TH_MAX_DIMS + 1];
  if (m->ndim) memcpy(xs, m->size, (size_t)nd * sizeof(int64_t));
  else xs[0] = 1;
  int64_t nwin = (xs[d] - size) / step + 1, n = nwin * size;
  /* g as (..., nwin, ..., size), the window elements moved next to their window, merged */
  int64_t gs[TH_MAX_DIMS + 1];
  memcpy(gs, xs, (size_t)nd * sizeof(int64_t));
  gs[d] = nwin;
  gs[nd] = size;
  int perm[TH_MAX_DIMS + 1];
  for (int k = 0, j = 0; k < nd; k++) {
    perm[j++] = k;
    if (k == d) perm[j++] = nd;
  }
  THTensor *gp = ag_reshape(c, g, nd + 1, gs);
  gp = gp ? ag_keep(c, THAutograd_permute(gp, perm)) : NULL;
  int64_t ms[TH_MAX_DIMS];
  memcpy(ms, xs, (size_t)nd * sizeof(int64_t));
  ms[d] = n;
  gp = ag_reshape(c, gp, nd, ms);
  int64_t *p;
  THTensor *ix = index_tensor(n, &p);
  if (!ix) {
    ag_fail(c);
    return;
  }
  for (int64_t w = 0; w < nwin; w++)
    for (int64_t k = 0; k < size; k++) p[w * size + k] = w * step + k;
  ix = ag_keep(c, index_on(ix, THTensor_device(g)));
  THTensor *zeros = gp ? ag_keep(c, THTensor_full(g->dtype, THTensor_device(g), nd, xs, 0.0)) : NULL;
  THScalar one = {TH_KIND_INT, 1.0, 1};
  THTensor *r = zeros && ix ? ag_keep(c, THTensor_indexAdd(NULL, zeros, d, ix, gp, one)) : NULL;
  SET(0, ag_reshape(c, r, m->ndim, m->size));
}

static THDerivative rows[] = {
    TH_DERIV_ROW(view, 0),        TH_DERIV_ROW(reshape_alias, 0), TH_DERIV_ROW(squeeze, 0),
    TH_DERIV_ROW(squeeze_dim, 0), TH_DERIV_ROW(unsqueeze, 0),     TH_DERIV_ROW(transpose, 0),
    TH_DERIV_ROW(permute, 0),     TH_DERIV_ROW(expand, 0),        TH_DERIV_ROW(clone, 0),
    TH_DERIV_ROW(to_copy, 0),     TH_DERIV_ROW(copy, 0),          TH_DERIV_ROW(narrow, 0),
    TH_DERIV_ROW(select, 0),      TH_DERIV_ROW(as_strided, TH_SAVE_IN(0)),
    TH_DERIV_ROW(unfold, 0),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
