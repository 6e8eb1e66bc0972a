/* THDerivIndex.c: backward formulas of the joining and indexing ops (lib/TH/THIndex.h), and
 * the recording helpers their entry points call (THAutogradIndex.h).
 *
 * The formulas are PyTorch's (derivatives.yaml): a gradient read by index goes back by
 * adding into zeros at the same index (index_select -> index_add, gather -> scatter_add,
 * masked_select -> masked_scatter, take -> index_add over the flat input), a gradient of
 * written-over positions is zero (scatter, index_copy, index_fill, masked_fill), and the
 * rearranging ops undo their rearrangement (flip, roll, repeat, tril/triu, cat, stack,
 * split, unbind, diagonal).  Every step is a recorded op, so a backward pass with
 * create_graph can be differentiated again; the one step that is not (writing a gradient
 * into the diagonal of zeros) records an internal node of its own.
 *
 * Ops that are not rows of THOps.def (stack, split, split with sizes, unbind, diagonal, diag,
 * repeat_interleave) get rows of their own here, named as PyTorch names their nodes.
 */
#include <stdlib.h>
#include <string.h>
#include "THAutogradIndex.h"
#include "THAutogradViews.h"
#include "../THIndex.h"
#include "../THReduce.h"

/* ======================================================================= helpers */

static const THScalar ONE = {TH_KIND_INT, 1.0, 1};
static const THScalar ZERO = {TH_KIND_INT, 0.0, 0};

/* A step of a formula: expr runs only while nothing has failed; its result (a new
 * reference) is owned by the context. */
#define KEEP(expr) (c->failed ? NULL : ag_keep(c, (expr)))

static int wrap_dim(int64_t d, int ndim) {
  int n = ndim > 0 ? ndim : 1;
  return (int)(d < 0 ? d + n : d);
}

static int64_t numel_of(int ndim, const int64_t *size) {
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) n *= size[d];
  return n;
}

/* zeros of the given shape, with g's dtype and device */
static THTensor *zeros_as(THGradCtx *c, const THTensor *g, int ndim, const int64_t *size) {
  if (!g || c->failed) return NULL;
  return ag_keep(c, THTensor_full(g->dtype, THTensor_device(g), ndim, size, 0.0));
}

/* zeros of input i's shape, with g's dtype and device */
static THTensor *zeros_in(THGradCtx *c, const THTensor *g, int i) {
  const THInputMeta *m = ag_meta(c, i);
  return zeros_as(c, g, m->ndim, m->size);
}

/* Input i's gradient from a new reference (NULL: the step failed, its error is set). */
static void set_owned(THGradCtx *c, int i, THTensor *g) {
  if (!g) {
    ag_fail(c);
    return;
  }
  SET(i, g);
  THTensor_free(g);
}

/* Output j's gradient as a new reference, zeros when none came in. */
static THTensor *grad_or_zeros(THGradCtx *c, int j) {
  if (c->gout[j]) {
    THTensor_retain(c->gout[j]);
    return c->gout[j];
  }
  const THInputMeta *m = c->node->noutputs > 1 ? &c->node->outmeta[j] : NULL;
  if (!m) {
    TH_setError("[autograd] %s has no gradient for output %d", c->node->name, j + 1);
    return NULL;
  }
  return THTensor_full(m->dtype, m->device, m->ndim, m->size, 0.0);
}

/* A CPU int64 tensor moved to dev (a new reference; t is consumed). */
static THTensor *to_device(THTensor *t, THDevice dev) {
  if (!t || THDevice_equal(THTensor_device(t), dev)) return t;
  THTensor *r = THTensor_empty(TH_I64, dev, t->ndim, t->size);
  if (r && THTensor_copy(r, t) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(t);
  return r;
}

/* ======================================================================= selecting */

/* index_select(self, dim, index): zeros.index_add(dim, index, grad) */
static void d_index_select(THGradCtx *c) {
  THTensor *g = G(0), *index = SAVED(1);
  THTensor *z = zeros_in(c, g, 0);
  SET(0, KEEP(THTensor_indexAdd(NULL, z, (int)INTS[0], index, g, ONE)));
}

/* gather(self, dim, index): zeros.scatter_add(dim, index, grad) */
static void d_gather(THGradCtx *c) {
  THTensor *g = G(0), *index = SAVED(1);
  THTensor *z = zeros_in(c, g, 0);
  SET(0, KEEP(THTensor_scatterAdd(NULL, z, (int)INTS[0], index, g)));
}

/* take(self, index): the flat input's zeros with grad added at index, in self's shape */
static void d_take(THGradCtx *c) {
  THTensor *g = G(0), *index = SAVED(1);
  if (!g || !index) return;
  const THInputMeta *m = ag_meta(c, 0);
  int64_t n = numel_of(m->ndim, m->size), k = THTensor_numel(index);
  THTensor *flat_index = KEEP(THTensor_reshape(index, 1, &k));
  THTensor *z = zeros_as(c, g, 1, &n);
  THTensor *r = KEEP(THTensor_indexAdd(NULL, z, 0, flat_index, ag_reshape(c, g, 1, &k), ONE));
  SET(0, ag_reshape(c, r, m->ndim, m->size));
}

/* masked_select(self, mask): zeros of the broadcast shape with grad scattered at mask */
static void d_masked_select(THGradCtx *c) {
  THTensor *g = G(0), *mask = SAVED(1);
  if (!g || !mask) return;
  const THInputMeta *a = ag_meta(c, 0), *b = ag_meta(c, 1);
  int nd;
  int64_t shape[TH_MAX_DIMS];
  if (THTensor_broadcastShape("masked_select", a->ndim, a->size, b->ndim, b->size, &nd, shape) !=
      TH_OK) {
    ag_fail(c);
    return;
  }
  THTensor *z = zeros_as(c, g, nd, shape);
  SET(0, KEEP(THTensor_maskedScatter(z, mask, g)));
}

/* ======================================================================= writing */

/* g.gather(dim, index) grown with zeros to input i's shape (src may be larger than index
 * anywhere; the elements scatter never read get no gradient). */
static THTensor *gather_to_input(THGradCtx *c, THTensor *g, int dim, THTensor *index, int i) {
  THTensor *r = KEEP(THTensor_gather(NULL, g, dim, index));
  const THInputMeta *m = ag_meta(c, i);
  if (!r) return NULL;
  if (r->ndim == 0 && m->ndim > 0) {
    int64_t ones[TH_MAX_DIMS];
    for (int d = 0; d < m->ndim; d++) ones[d] = 1;
    r = ag_reshape(c, r, m->ndim, ones);
  }
  for (int d = 0; r && d < m->ndim && r->ndim == m->ndim; d++) {
    if (r->size[d] == m->size[d]) continue;
    int64_t sz[TH_MAX_DIMS];
    memcpy(sz, r->size, sizeof sz);
    sz[d] = m->size[d] - r->size[d];
    const THTensor *two[2] = {r, zeros_as(c, r, r->ndim, sz)};
    r = two[1] ? KEEP(THTensor_cat(NULL, 2, two, d)) : NULL;
  }
  return r;
}

/* scatter(self, dim, index, src | value): self gets grad with the written positions zeroed,
 * src the gradient of the positions it was written to.  ints {dim, reduce}. */
static void d_scatter(THGradCtx *c) {
  if (INTS[1] != TH_REDUCE_NONE) {
    TH_setError("[scatter] the derivative of scatter with reduce='%s' is not implemented",
                INTS[1] == TH_REDUCE_ADD ? "add" : "multiply");
    ag_fail(c);
    return;
  }
  THTensor *g = G(0), *index = SAVED(1);
  int dim = (int)INTS[0];
  if (NEEDS(0)) SET(0, KEEP(THTensor_scatter(NULL, g, dim, index, NULL, ZERO, TH_REDUCE_NONE)));
  if (c->node->ninputs > 2 && NEEDS(2)) SET(2, gather_to_input(c, g, dim, index, 2));
}

/* scatter_add(self, dim, index, src) */
static void d_scatter_add(THGradCtx *c) {
  THTensor *g = G(0);
  SET(0, g);
  if (NEEDS(2)) SET(2, gather_to_input(c, g, (int)INTS[0], SAVED(1), 2));
}

/* index_add(self, dim, index, source, alpha) */
static void d_index_add(THGradCtx *c) {
  THTensor *g = G(0);
  SET(0, g);
  if (!NEEDS(2)) return;
  THTensor *s = KEEP(THTensor_indexSelect(NULL, g, (int)INTS[0], SAVED(1)));
  double alpha = ag_scalar(ALPHA);
  SET(2, alpha == 1 ? s : MUL(s, alpha));
}

/* index_copy(self, dim, index, source) */
static void d_index_copy(THGradCtx *c) {
  THTensor *g = G(0), *index = SAVED(1);
  int dim = (int)INTS[0];
  if (NEEDS(0)) SET(0, KEEP(THTensor_indexFill(g, dim, index, ZERO)));
  if (NEEDS(2)) SET(2, KEEP(THTensor_indexSelect(NULL, g, dim, index)));
}

/* index_fill(self, dim, index, value): a value tensor (IndexFillBackward1) gets the sum of
 * the gradient over the filled positions, each counted once. */
static void d_index_fill(THGradCtx *c) {
  THTensor *g = G(0), *index = SAVED(1);
  int dim = (int)INTS[0];
  if (NEEDS(0)) SET(0, KEEP(THTensor_indexFill(g, dim, index, ZERO)));
  if (c->node->ninputs > 2 && NEEDS(2)) {
    THTensor *filled = g ? KEEP(THTensor_indexFill(zeros_as(c, g, g->ndim, g->size), dim, index, ONE)) : NULL;
    SET(2, ag_sum(c, MUL(g, filled), 0, NULL, false));
  }
}

/* masked_fill(self, mask, value): a value tensor (MaskedFillBackward1) gets the sum of the
 * gradient where mask is set. */
static void d_masked_fill(THGradCtx *c) {
  THTensor *g = G(0), *mask = SAVED(1);
  if (NEEDS(0)) SET(0, KEEP(THTensor_maskedFill(g, mask, ZERO)));
  if (c->node->ninputs > 2 && NEEDS(2))
    SET(2, ag_sum(c, KEEP(THTensor_maskedSelect(NULL, g, mask)), 0, NULL, false));
}

/* masked_scatter(self, mask, source): source gets the gradient at the set positions, in
 * order, then zeros for the elements it had left over, in its own shape. */
static void d_masked_scatter(THGradCtx *c) {
  THTensor *g = G(0), *mask = SAVED(1);
  if (NEEDS(0)) SET(0, KEEP(THTensor_maskedFill(g, mask, ZERO)));
  if (!NEEDS(2)) return;
  const THInputMeta *m = ag_meta(c, 2);
  THTensor *sel = KEEP(THTensor_maskedSelect(NULL, g, mask));
  if (!sel) return;
  int64_t n = numel_of(m->ndim, m->size), rest = n - THTensor_numel(sel);
  if (rest > 0) {
    const THTensor *two[2] = {sel, zeros_as(c, sel, 1, &rest)};
    sel = two[1] ? KEEP(THTensor_cat(NULL, 2, two, 0)) : NULL;
  }
  SET(2, ag_reshape(c, sel, m->ndim, m->size));
}

/* ======================================================================= rearranging */

/* flip(self, dims): ints {n, dims...} */
static void d_flip(THGradCtx *c) {
  THTensor *g = G(0);
  int dims[TH_MAX_DIMS], n = (int)INTS[0];
  for (int i = 0; i < n; i++) dims[i] = (int)INTS[1 + i];
  SET(0, KEEP(THTensor_flip(g, n, dims)));
}

/* roll(self, shifts, dims): rolled back.  ints {nshifts, ndims, shifts..., dims...} */
static void d_roll(THGradCtx *c) {
  THTensor *g = G(0);
  int ns = (int)INTS[0], nd = (int)INTS[1];
  int64_t shifts[TH_MAX_DIMS];
  int dims[TH_MAX_DIMS];
  for (int i = 0; i < ns; i++) shifts[i] = -INTS[2 + i];
  for (int i = 0; i < nd; i++) dims[i] = (int)INTS[2 + ns + i];
  SET(0, KEEP(THTensor_roll(g, ns, shifts, nd, dims)));
}

/* repeat(self, repeats): the tiles summed.  ints {n, repeats...}; leading new dims are summed
 * away, then each repeated dim (r * s) is split into (r, s) and summed over r. */
static void d_repeat(THGradCtx *c) {
  THTensor *g = G(0);
  const THInputMeta *m = ag_meta(c, 0);
  int n = (int)INTS[0], lead = n - m->ndim;
  for (int i = 0; i < n; i++)
    if (INTS[1 + i] == 0) {
      SET(0, zeros_in(c, g, 0));
      return;
    }
  if (lead > 0) {
    int dims[TH_MAX_DIMS];
    for (int i = 0; i < lead; i++) dims[i] = i;
    g = ag_sum(c, g, lead, dims, false);
  }
  for (int d = 0; d < m->ndim && g; d++) {
    int64_t r = INTS[1 + lead + d];
    if (r == 1) continue;
    int64_t sz[TH_MAX_DIMS + 1];
    for (int k = 0, j = 0; k < m->ndim; k++) {
      if (k == d) sz[j++] = r;
      sz[j++] = k == d ? m->size[k] : g->size[k];
    }
    int dd = d;
    g = ag_sum(c, ag_reshape(c, g, m->ndim + 1, sz), 1, &dd, false);
  }
  SET(0, g);
}

/* tril/triu(self, k): the same triangle of the gradient.  ints {k} */
static void d_tril(THGradCtx *c) { SET(0, KEEP(THTensor_tril(NULL, G(0), INTS[0]))); }
static void d_triu(THGradCtx *c) { SET(0, KEEP(THTensor_triu(NULL, G(0), INTS[0]))); }

/* ======================================================================= joining */

/* The shape an input is joined with: as is for cat (nd 0), or numpy's atleast_Nd for
 * hstack (1), vstack (2) and dstack (3). */
static int joined_shape(const THInputMeta *m, int nd, int64_t *out) {
  if (m->ndim >= nd) {
    memcpy(out, m->size, (size_t)m->ndim * sizeof(int64_t));
    return m->ndim;
  }
  int k = 0;
  if (m->ndim == 0) {
    for (; k < nd; k++) out[k] = 1;
  } else if (m->ndim == 1) {
    if (nd >= 2) out[k++] = 1;
    out[k++] = m->size[0];
    if (nd == 3) out[k++] = 1;
  } else {
    out[k++] = m->size[0];
    out[k++] = m->size[1];
    out[k++] = 1;
  }
  return k;
}

/* cat(tensors, dim): each input gets its slice of the gradient.  ints {dim, atleast}; 1-D
 * empty inputs were skipped by the forward and get empty gradients. */
static void d_cat(THGradCtx *c) {
  THTensor *g = G(0);
  if (!g) return;
  int d = wrap_dim(INTS[0], g->ndim), nd = (int)INTS[1];
  int64_t off = 0;
  for (int i = 0; i < c->node->ninputs && !c->failed; i++) {
    const THInputMeta *m = ag_meta(c, i);
    int64_t shape[TH_MAX_DIMS];
    int k = joined_shape(m, nd, shape);
    if (k == 1 && shape[0] == 0) {
      if (NEEDS(i)) SET(i, zeros_in(c, g, i));
      continue;
    }
    int64_t len = shape[d];
    if (NEEDS(i)) {
      THTensor *p = THAutograd_narrow(g, d, off, len);
      if (p && k != m->ndim) {
        THTensor *v = THAutograd_reshape(p, m->ndim, m->size);
        THTensor_free(p);
        p = v;
      }
      set_owned(c, i, p);
    }
    off += len;
  }
}

/* stack(tensors, dim): input i gets grad.select(dim, i).  ints {dim} */
static void d_stack(THGradCtx *c) {
  THTensor *g = G(0);
  if (!g) return;
  for (int i = 0; i < c->node->ninputs && !c->failed; i++)
    if (NEEDS(i)) set_owned(c, i, THAutograd_select(g, (int)INTS[0], i));
}

/* split / chunk / split with sizes: the outputs' gradients (zeros where none) joined back;
 * unbind: stacked back.  ints {dim} */
static void join_outputs(THGradCtx *c, bool stack) {
  int n = c->node->noutputs;
  THTensor **gs = calloc((size_t)n, sizeof *gs);
  if (!gs) {
    TH_setError("[autograd] out of memory in %s", c->node->name);
    ag_fail(c);
    return;
  }
  int j;
  for (j = 0; j < n; j++)
    if (!(gs[j] = grad_or_zeros(c, j))) break;
  THTensor *r = NULL;
  if (j == n)
    r = stack ? THTensor_stack(NULL, n, (const THTensor *const *)gs, (int)INTS[0])
              : THTensor_cat(NULL, n, (const THTensor *const *)gs, (int)INTS[0]);
  for (int k = 0; k < j; k++) THTensor_free(gs[k]);
  free(gs);
  set_owned(c, 0, r);
}
static void d_split(THGradCtx *c) { join_outputs(c, false); }
static void d_unbind(THGradCtx *c) { join_outputs(c, true); }

/* ======================================================================= diagonals */

static void d_diagonal_backward(THGradCtx *c) {
  SET(0, KEEP(THTensor_diagonal(G(0), INTS[0], (int)INTS[1], (int)INTS[2])));
}
static THDerivative diagonal_backward_row = {-3, "DiagonalBackwardBackward0", 0,
                                             d_diagonal_backward, NULL, NULL};

/* zeros of input 0's shape with g written into diagonal `offset` of the planes (d1, d2); a
 * node of its own when a graph is being built (its gradient: that diagonal again). */
static THTensor *diagonal_into_zeros(THGradCtx *c, THTensor *g, int64_t offset, int d1, int d2) {
  THTensor *z = zeros_in(c, g, 0);
  if (!z) return NULL;
  THTensor *v = THTensor_diagonal(z, offset, d1, d2);
  int rc = v ? THTensor_copy(v, g) : TH_ERROR;
  THTensor_free(v);
  if (rc == TH_OK && g->requires_grad && THAutograd_isEnabled()) {
    const int64_t ints[3] = {offset, d1, d2};
    THRecordArgs a = {.ints = ints, .nints = 3};
    const THTensor *in[1] = {g};
    rc = THAutograd_record(&diagonal_backward_row, 1, in, 1, &z, &a);
  }
  if (rc != TH_OK) {
    ag_fail(c);
    return NULL;
  }
  return z;
}

/* diagonal(self, offset, dim1, dim2).  ints {offset, dim1, dim2} (0-based) */
static void d_diagonal(THGradCtx *c) {
  SET(0, diagonal_into_zeros(c, G(0), INTS[0], (int)INTS[1], (int)INTS[2]));
}

/* diag(self, k): a 1-D input gets diagonal k of the gradient, a 2-D one the gradient written
 * into diagonal k of zeros.  ints {k} */
static void d_diag(THGradCtx *c) {
  THTensor *g = G(0);
  if (ag_meta(c, 0)->ndim == 1) SET(0, KEEP(THTensor_diagonal(g, INTS[0], 0, 1)));
  else SET(0, diagonal_into_zeros(c, g, INTS[0], 0, 1));
}

/* repeat_interleave(self, repeats, dim): the copies of each slice summed back.  Input 1 is
 * the repeats tensor (or a number).  ints {dim, flat, repeats (-1: the tensor)} */
static void d_repeat_interleave(THGradCtx *c) {
  THTensor *g = G(0);
  if (!g) return;
  const THInputMeta *m = ag_meta(c, 0);
  bool flat = INTS[1];
  int64_t xs[TH_MAX_DIMS + 1];
  int nd = flat || m->ndim == 0 ? 1 : m->ndim, d = flat ? 0 : wrap_dim(INTS[0], m->ndim);
  if (nd == 1 && (flat || m->ndim == 0)) xs[0] = numel_of(m->ndim, m->size);
  else memcpy(xs, m->size, (size_t)nd * sizeof(int64_t));
  THTensor *r;
  if (INTS[2] >= 0) { /* one count: (..., size, repeats, ...) summed over the repeats */
    if (INTS[2] == 0) {
      SET(0, zeros_in(c, g, 0));
      return;
    }
    int64_t sz[TH_MAX_DIMS + 1];
    for (int k = 0, j = 0; k < nd; k++) {
      sz[j++] = xs[k];
      if (k == d) sz[j++] = INTS[2];
    }
    int dd = d + 1;
    r = ag_sum(c, ag_reshape(c, g, nd + 1, sz), 1, &dd, false);
  } else {
    THTensor *repeats = SAVED(1);
    THTensor *index = repeats ? KEEP(to_device(THTensor_repeatInterleaveIndex(repeats, -1),
                                               THTensor_device(g)))
                              : NULL;
    r = KEEP(THTensor_indexAdd(NULL, zeros_as(c, g, nd, xs), d, index, g, ONE));
  }
  SET(0, ag_reshape(c, r, m->ndim, m->size));
}

/* ======================================================================= rows */

static THDerivative rows[] = {
    TH_DERIV_ROW(cat, 0),
    TH_DERIV_ROW(index_select, TH_SAVE_IN(1)),
    TH_DERIV_ROW(gather, TH_SAVE_IN(1)),
    TH_DERIV_ROW(scatter, TH_SAVE_IN(1)),
    TH_DERIV_ROW(scatter_add, TH_SAVE_IN(1)),
    TH_DERIV_ROW(index_add, TH_SAVE_IN(1)),
    TH_DERIV_ROW(index_copy, TH_SAVE_IN(1)),
    TH_DERIV_ROW(index_fill, TH_SAVE_IN(1)),
    TH_DERIV_ROW(masked_fill, TH_SAVE_IN(1)),
    TH_DERIV_ROW(masked_select, TH_SAVE_IN(1)),
    TH_DERIV_ROW(masked_scatter, TH_SAVE_IN(1)),
    TH_DERIV_ROW(take, TH_SAVE_IN(1)),
    TH_DERIV_ROW(flip, 0),
    TH_DERIV_ROW(roll, 0),
    TH_DERIV_ROW(repeat, 0),
    TH_DERIV_ROW(tril, 0),
    TH_DERIV_ROW(triu, 0),
};

/* nodes of ops without a THOps.def row */
static THDerivative stack_row = {-3, "StackBackward0", 0, d_stack, NULL, NULL};
static THDerivative split_row = {-3, "SplitBackward0", 0, d_split, NULL, NULL};
static THDerivative split_sizes_row = {-3, "SplitWithSizesBackward0", 0, d_split, NULL, NULL};
static THDerivative unbind_row = {-3, "UnbindBackward0", 0, d_unbind, NULL, NULL};
static THDerivative diagonal_row = {-3, "DiagonalBackward0", 0, d_diagonal, NULL, NULL};
static THDerivative diag_row = {-3, "DiagBackward0", 0, d_diag, NULL, NULL};
static THDerivative repeat_interleave_row = {-3, "IndexSelectBackward0", TH_SAVE_IN(1),
                                             d_repeat_interleave, NULL, NULL};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}

/* ======================================================================= recording */

THTensor *THAutograd_recordIndexOp(THOp op, int nin, const THTensor *const *in, THTensor *r,
                                   int nints, const int64_t *ints, const THOpParams *p,
                                   const char *name) {
  if (!r) return NULL;
  const THDerivative *row;
  THRecordArgs a = {.params = p, .ints = ints, .nints = nints, .name = name};
  if (THAutograd_rowFor(op, &row) != TH_OK ||
      (row && THAutograd_record(row, nin, in, 1, &r, &a) != TH_OK)) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

int THAutograd_recordIndexInplace(THOp op, int nin, const THTensor *const *in, int rc, int nints,
                                  const int64_t *ints, const THOpParams *p, const char *name) {
  if (rc != TH_OK) return rc;
  const THDerivative *row;
  if (THAutograd_rowFor(op, &row) != TH_OK) return TH_ERROR;
  if (!row) return TH_OK;
  THTensor *self = (THTensor *)in[0];
  THRecordArgs a = {.params = p, .ints = ints, .nints = nints, .name = name, .inplace = true};
  return THAutograd_record(row, nin, in, 1, &self, &a);
}

static THTensor *record_own(const THDerivative *row, int nin, const THTensor *const *in,
                            THTensor *r, int nints, const int64_t *ints) {
  if (!r) return NULL;
  THRecordArgs a = {.ints = ints, .nints = nints};
  if (THAutograd_record(row, nin, in, 1, &r, &a) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

THTensor *THAutograd_recordCat(int n, const THTensor *const *ts, THTensor *r, int dim,
                               int atleast) {
  const int64_t ints[2] = {dim, atleast};
  return THAutograd_recordIndexOp(TH_OP_cat, n, ts, r, 2, ints, NULL, NULL);
}

THTensor *THAutograd_recordStack(int n, const THTensor *const *ts, THTensor *r, int dim) {
  const int64_t ints[1] = {dim};
  return record_own(&stack_row, n, ts, r, 1, ints);
}

int THAutograd_recordSplit(const THTensor *t, THTensor **list, int64_t n, int dim,
                           THSplitKind kind) {
  if (n <= 0) return TH_OK;
  if (n > INT32_MAX) return TH_setError("[split] too many pieces to record for autograd");
  const THDerivative *row = kind == TH_AG_UNBIND ? &unbind_row
                            : kind == TH_AG_SPLIT ? &split_row : &split_sizes_row;
  const int64_t ints[1] = {dim};
  THRecordArgs a = {.ints = ints, .nints = 1};
  return THAutograd_record(row, 1, &t, (int)n, list, &a);
}

THTensor *THAutograd_recordDiagonal(const THTensor *t, THTensor *r, int64_t offset, int d1,
                                    int d2) {
  const int64_t ints[3] = {offset, d1, d2};
  return record_own(&diagonal_row, 1, &t, r, 3, ints);
}

THTensor *THAutograd_recordDiag(const THTensor *t, THTensor *r, int64_t k) {
  const int64_t ints[1] = {k};
  return record_own(&diag_row, 1, &t, r, 1, ints);
}

THTensor *THAutograd_recordNarrowCopy(const THTensor *t, THTensor *r, int dim, int64_t start,
                                      int64_t length) {
  const int64_t ints[3] = {dim, start, length};
  return THAutograd_recordUnary(TH_OP_narrow, t, r, 3, ints);
}

THTensor *THAutograd_recordRepeatInterleave(const THTensor *t, THTensor *r, int dim, bool flat,
                                            const THTensor *repeats_t, int64_t repeats) {
  const int64_t ints[3] = {dim, flat, repeats_t ? -1 : repeats};
  const THTensor *in[2] = {t, repeats_t};
  return record_own(&repeat_interleave_row, 2, in, r, 3, ints);
}

/* ---- masked_fill / index_fill with a value tensor ---- */

THTensor *THAutograd_maskedFillTensor(const THTensor *t, const THTensor *mask,
                                      const THTensor *value, THScalar v) {
  const THTensor *in[3] = {t, mask, value};
  if (!THAutograd_wanted(3, in)) return THTensor_maskedFill(t, mask, v);
  THTensor *r = TH_AG_PAUSED_T(THTensor_maskedFill(t, mask, v));
  return THAutograd_recordIndexOp(TH_OP_masked_fill, 3, in, r, 0, NULL, NULL,
                                  "MaskedFillBackward1");
}

int THAutograd_maskedFillTensor_(THTensor *t, const THTensor *mask, const THTensor *value,
                                 THScalar v) {
  const THTensor *in[3] = {t, mask, value};
  if (!THAutograd_wanted(3, in)) return THTensor_maskedFill_(t, mask, v);
  if (THAutograd_checkInplace("masked_fill_", t) != TH_OK) return TH_ERROR;
  int rc = TH_AG_PAUSED_I(THTensor_maskedFill_(t, mask, v));
  return THAutograd_recordIndexInplace(TH_OP_masked_fill, 3, in, rc, 0, NULL, NULL,
                                       "MaskedFillBackward1");
}

THTensor *THAutograd_indexFillTensor(const THTensor *t, int dim, const THTensor *index,
                                     const THTensor *value, THScalar v) {
  const THTensor *in[3] = {t, index, value};
  if (!THAutograd_wanted(3, in)) return THTensor_indexFill(t, dim, index, v);
  const int64_t ints[1] = {dim};
  THTensor *r = TH_AG_PAUSED_T(THTensor_indexFill(t, dim, index, v));
  return THAutograd_recordIndexOp(TH_OP_index_fill, 3, in, r, 1, ints, NULL,
                                  "IndexFillBackward1");
}

int THAutograd_indexFillTensor_(THTensor *t, int dim, const THTensor *index,
                                const THTensor *value, THScalar v) {
  const THTensor *in[3] = {t, index, value};
  if (!THAutograd_wanted(3, in)) return THTensor_indexFill_(t, dim, index, v);
  if (THAutograd_checkInplace("index_fill_", t) != TH_OK) return TH_ERROR;
  const int64_t ints[1] = {dim};
  int rc = TH_AG_PAUSED_I(THTensor_indexFill_(t, dim, index, v));
  return THAutograd_recordIndexInplace(TH_OP_index_fill, 3, in, rc, 1, ints, NULL,
                                       "IndexFillBackward1");
}
