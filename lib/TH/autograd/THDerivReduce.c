/* THDerivReduce.c: backward formulas of the reductions and scans, after PyTorch's
 * derivatives.yaml / FunctionsManual.cpp.
 *
 * THReduce_run records every reduction with ints {keepdim, mask of reduced dims (0: all),
 * number of outputs} and params {alpha = p, beta = correction}; an index output (max/min/
 * median/mode along a dim) is saved as output 1.  THScan_run records the scans with ints
 * {dim}.  Gradients are built from recorded ops only, so they can be differentiated again;
 * sort-like picks go through THDerivSort.h.
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "THAutogradMeta.h"
#include "THAutogradViews.h"
#include "THDerivSort.h"
#include "../THIndex.h"
#include "../THReduce.h"

/* ======================================================================= helpers */

/* A scratch context for a long formula: its temporaries are freed when it closes, and only
 * the result moves to the caller's context.  Output gradients are read in the caller. */
static void scratch_open(THGradCtx *c, THGradCtx *s) {
  memset(s, 0, sizeof *s);
  s->node = c->node;
  s->gout = c->gout;
  s->failed = c->failed;
}

static THTensor *scratch_close(THGradCtx *c, THGradCtx *s, THTensor *r) {
  if (r && !s->failed) THTensor_retain(r);
  else r = NULL;
  for (int i = 0; i < s->ntmp; i++) THTensor_free(s->tmp[i]);
  return ag_keep(c, r); /* NULL: marks c failed */
}

/* The value of a one-element tensor (any device). */
static int item(const THTensor *t, double *v) {
  if (THTensor_device(t).type == TH_DEVICE_CPU) {
    int64_t zero[TH_MAX_DIMS] = {0};
    *v = THTensor_getDouble(t, zero);
    return TH_OK;
  }
  THTensor *h = THTensor_empty(t->dtype, TH_CPU, t->ndim, t->size);
  if (!h || THTensor_copy(h, t) != TH_OK) {
    THTensor_free(h);
    return TH_ERROR;
  }
  int64_t zero[TH_MAX_DIMS] = {0};
  *v = THTensor_getDouble(h, zero);
  THTensor_free(h);
  return TH_OK;
}

/* How many elements of x are zero (NaN is not); -1 on failure (c marked). */
static int64_t count_zeros(THGradCtx *c, const THTensor *x) {
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false);
  THTensor *nz = THTensor_countNonzero(NULL, x, 0, NULL);
  THAutograd_setEnabled(was);
  double v;
  if (!nz || item(nz, &v) != TH_OK) {
    THTensor_free(nz);
    ag_fail(c);
    return -1;
  }
  THTensor_free(nz);
  return THTensor_numel(x) - (int64_t)v;
}

static int64_t numel_of(const THInputMeta *m) {
  int64_t n = 1;
  for (int d = 0; d < m->ndim; d++) n *= m->size[d];
  return n;
}

/* ---- reductions: which dims were reduced ---- */

static int64_t red_mask(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  return INTS[1] ? INTS[1] : ((int64_t)1 << m->ndim) - 1;
}

/* true for a reduction over everything (no dims given, or a 0-dim input) */
static bool red_all(THGradCtx *c) { return INTS[1] == 0 || ag_meta(c, 0)->ndim == 0; }

/* The reduced dims as a list for the reduction ops (0 dims: all, for red_all). */
static int red_dims(THGradCtx *c, int *dims) {
  if (red_all(c)) return 0;
  const THInputMeta *m = ag_meta(c, 0);
  int64_t mask = red_mask(c);
  int n = 0;
  for (int d = 0; d < m->ndim; d++)
    if ((mask >> d) & 1) dims[n++] = d;
  return n;
}

/* The one reduced dim of a single-dim reduction. */
static int red_dim(THGradCtx *c) {
  int64_t mask = red_mask(c);
  for (int d = 0; d < TH_MAX_DIMS; d++)
    if ((mask >> d) & 1) return d;
  return 0;
}

/* t (of the reduction's output shape) brought back to the input's rank: reduced dims
 * reinserted as size 1 (unless keepdim). */
static THTensor *restore(THGradCtx *c, THTensor *t) {
  const THInputMeta *m = ag_meta(c, 0);
  if (!t || INTS[0] || m->ndim == 0) return t;
  int64_t mask = red_mask(c);
  int64_t sizes[TH_MAX_DIMS];
  for (int d = 0; d < m->ndim; d++) sizes[d] = (mask >> d) & 1 ? 1 : m->size[d];
  return ag_reshape(c, t, m->ndim, sizes);
}

/* number of elements each output element summarises */
static double reduced_count(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  int64_t mask = red_mask(c);
  double n = 1;
  for (int d = 0; d < m->ndim; d++)
    if ((mask >> d) & 1) n *= (double)m->size[d];
  return n;
}

/* sum over the reduced dims, kept as size 1 */
static THTensor *sum_kept(THGradCtx *c, THTensor *t) {
  int dims[TH_MAX_DIMS];
  int n = red_dims(c, dims);
  return ag_sum(c, t, n, dims, true);
}

static THTensor *expand_in(THGradCtx *c, THTensor *t) {
  const THInputMeta *m = ag_meta(c, 0);
  return ag_expand(c, t, m->ndim, m->size);
}

/* ---- flips and scans ---- */

static THTensor *flip(THGradCtx *c, THTensor *t, int dim) {
  if (!t || c->failed) return ag_keep(c, NULL);
  return ag_keep(c, THTensor_flip(t, 1, &dim));
}

static THTensor *scan(THGradCtx *c, THOp op, THTensor *t, int dim) {
  if (!t || c->failed) return ag_keep(c, NULL);
  THTensor *r[2] = {NULL, NULL};
  if (THScan_run(op, t, dim, -1, NULL, r) != TH_OK) return ag_keep(c, NULL);
  THTensor_free(r[1]);
  return ag_keep(c, r[0]);
}

/* sum_{j >= i} t_j along dim */
static THTensor *reversed_cumsum(THGradCtx *c, THTensor *t, int dim) {
  return flip(c, scan(c, TH_OP_cumsum, flip(c, t, dim), dim), dim);
}

/* ======================================================================= sums and means */

static void d_sum(THGradCtx *c) { SET(0, expand_in(c, restore(c, G(0)))); }

static void d_mean(THGradCtx *c) {
  SET(0, DIV(expand_in(c, restore(c, G(0))), reduced_count(c)));
}

/* NaNs are skipped, so they get no gradient */
static void d_nansum(THGradCtx *c) {
  THTensor *g = expand_in(c, restore(c, G(0)));
  SET(0, MUL(g, UNARY(logical_not, UNARY(isnan, SAVED(0)))));
}

/* ======================================================================= prod */

/* prod over the reduced dims of every element but the one at each position, kept as size 1
 * and correct to first order where x has zeros (so its own gradient is right too):
 * y = x with zeros as ones, P = prod(y), Q = P / y, nz zeros in the slice, Z their sum:
 *   nz = 0: Q;   nz = 1: Q at the zero, Z Q elsewhere;   nz = 2: (Z - x) Q at the zeros;
 *   more: 0. */
static THTensor *prod_of_others(THGradCtx *parent, THTensor *x) {
  THGradCtx scratch, *c = &scratch;
  scratch_open(parent, c);
  int dims[TH_MAX_DIMS];
  int nd = red_dims(c, dims);
  THTensor *isz = BINARY(eq, x, 0.0);
  THTensor *y = TERNARY(where, isz, 1.0, x);
  THTensor *P = y ? ag_keep(c, THTensor_prod(NULL, y, nd, dims, true, -1)) : ag_keep(c, NULL);
  THTensor *nz = ag_sum(c, isz, nd, dims, true);
  THTensor *Q = DIV(P, y);
  THTensor *Z = ag_sum(c, TERNARY(where, isz, x, 0.0), nd, dims, true);
  THTensor *one = TERNARY(where, isz, Q, MUL(Z, Q));
  THTensor *two = TERNARY(where, isz, MUL(SUB(Z, x), Q), 0.0);
  THTensor *e = TERNARY(where, BINARY(eq, nz, 2.0), two, 0.0);
  e = TERNARY(where, BINARY(eq, nz, 1.0), one, e);
  e = TERNARY(where, BINARY(eq, nz, 0.0), Q, e);
  return scratch_close(parent, c, e);
}

static void d_prod(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *g = G(0);
  if (m->ndim == 0) {
    SET(0, g);
    return;
  }
  g = restore(c, g);
  if (numel_of(m) == 0) {
    SET(0, expand_in(c, g));
    return;
  }
  THTensor *x = SAVED(0);
  int64_t zeros = x ? count_zeros(c, x) : -1;
  if (zeros == 0) SET(0, MUL(g, DIV(restore(c, RESULT(0)), x)));
  else if (zeros > 0) SET(0, MUL(g, prod_of_others(c, x)));
  else ag_fail(c);
}

/* ======================================================================= max, min, median, mode */

/* amax/amin: the gradient split evenly among the elements equal to the result */
static void d_amax(THGradCtx *c) {
  THTensor *mask = BINARY(eq, restore(c, RESULT(0)), SAVED(0));
  SET(0, MUL(DIV(restore(c, G(0)), sum_kept(c, mask)), mask));
}
#define d_amin d_amax

/* All-reduce max/min/median: split evenly among the elements equal to the result (the NaNs
 * when the result is NaN), PyTorch's evenly_distribute_backward. */
static THTensor *evenly_distribute(THGradCtx *c) {
  THTensor *x = SAVED(0), *r = RESULT(0);
  double v;
  if (!x || !r || item(r, &v) != TH_OK) return ag_keep(c, NULL);
  THTensor *mask = isnan(v) ? UNARY(isnan, x) : BINARY(eq, x, r);
  return MUL(mask, DIV(G(0), ag_sum(c, mask, 0, NULL, false)));
}

/* values + indices along a dim: the gradient goes to the indices */
static THTensor *to_indices(THGradCtx *c) {
  return THDeriv_valueSelecting(c, G(0), red_dim(c), THDeriv_indices(c, 1), INTS[0] != 0);
}

static void d_max(THGradCtx *c) { SET(0, INTS[2] == 1 ? evenly_distribute(c) : to_indices(c)); }
#define d_min d_max
#define d_median d_max
#define d_nanmedian d_max

static void d_mode(THGradCtx *c) { SET(0, to_indices(c)); }

/* ======================================================================= var, std, norm */

/* var's gradient for g of the kept shape: 2 / (n - correction) g (x - mean).  For a
 * reduction over everything with no degrees of freedom left, NaN where x is its mean and
 * inf elsewhere, as PyTorch. */
static THTensor *var_backward(THGradCtx *c, THTensor *g) {
  THTensor *x = SAVED(0);
  int dims[TH_MAX_DIMS];
  int nd = red_dims(c, dims);
  THTensor *mean = x ? ag_keep(c, THTensor_mean(NULL, x, nd, dims, true, -1)) : ag_keep(c, NULL);
  double dof = reduced_count(c) - ag_scalar(BETA);
  if (red_all(c) && dof == 0) return MUL(g, TERNARY(where, BINARY(eq, x, mean), (double)NAN, (double)INFINITY));
  return MUL(MUL(g, 2.0 / dof), SUB(x, mean));
}

/* std = sqrt(var): g / (2 std) into var's gradient, 0 where std is 0 */
static THTensor *std_backward(THGradCtx *c, THTensor *g) {
  THTensor *r = restore(c, RESULT(0));
  return var_backward(c, TERNARY(where, BINARY(eq, r, 0.0), 0.0, DIV(g, MUL(r, 2.0))));
}

static void d_var(THGradCtx *c) { SET(0, var_backward(c, restore(c, G(0)))); }
static void d_std(THGradCtx *c) { SET(0, std_backward(c, restore(c, G(0)))); }

/* var_mean / std_mean: the two outputs' gradients added (a missing one is zero) */
static void var_std_mean(THGradCtx *c, bool is_std) {
  THTensor *r = NULL;
  if (c->gout[0]) {
    THTensor *g = restore(c, c->gout[0]);
    r = is_std ? std_backward(c, g) : var_backward(c, g);
  }
  if (c->gout[1]) {
    THTensor *m = DIV(expand_in(c, restore(c, c->gout[1])), reduced_count(c));
    r = r ? ADD(r, m) : m;
  }
  if (r) SET(0, r);
}
static void d_var_mean(THGradCtx *c) { var_std_mean(c, false); }
static void d_std_mean(THGradCtx *c) { var_std_mean(c, true); }

/* PyTorch's norm_backward: by p.  p = 0 counts non-zeros: no gradient at all (as PyTorch:
 * x.grad stays unset); 0 wherever the norm is 0. */
static void d_norm(THGradCtx *c) {
  double p = ag_scalar(ALPHA);
  if (p == 0) return;
  THTensor *x = SAVED(0);
  THTensor *g = restore(c, G(0)), *r = restore(c, RESULT(0));
  THTensor *d;
  if (p == 1) {
    d = MUL(UNARY(sign, x), g);
  } else if (p == 2) {
    d = MUL(g, TERNARY(where, BINARY(eq, r, 0.0), 0.0, DIV(x, r)));
  } else if (isinf(p)) {
    THTensor *ax = UNARY(abs, x);
    THTensor *mask = BINARY(logical_or, BINARY(eq, ax, r), UNARY(isnan, ax));
    d = MUL(UNARY(sign, x), MUL(DIV(g, sum_kept(c, mask)), mask));
  } else if (p < 1) {
    THTensor *scaled = MUL(UNARY(sign, x), TERNARY(where, BINARY(eq, x, 0.0), 0.0,
                                                   POW(UNARY(abs, x), p - 1)));
    d = MUL(MUL(scaled, g), POW(r, 1 - p));
  } else {
    THTensor *scaled = p < 2 ? MUL(UNARY(sign, x), POW(UNARY(abs, x), p - 1))
                             : MUL(x, POW(UNARY(abs, x), p - 2));
    THTensor *scale = TERNARY(where, BINARY(eq, r, 0.0), 0.0, DIV(g, POW(r, p - 1)));
    d = MUL(scaled, scale);
  }
  SET(0, d);
}

/* d/dx log(sum(exp(x))) = exp(x - result) */
static void d_logsumexp(THGradCtx *c) {
  SET(0, MUL(restore(c, G(0)), UNARY(exp, SUB(SAVED(0), restore(c, RESULT(0))))));
}

/* ======================================================================= scans */

static bool trivial_scan(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  return m->ndim == 0 || numel_of(m) <= 1 || m->size[INTS[0]] == 1;
}

static void d_cumsum(THGradCtx *c) {
  THTensor *g = G(0);
  SET(0, trivial_scan(c) ? g : reversed_cumsum(c, g, (int)INTS[0]));
}

/* cumprod with zeros in x (w = output * grad).  Along the dim, with z1 the first zero:
 *   k < z1: reversed_cumsum(w)_k / x_k;
 *   k = z1: sum_{i >= z1} g_i prod_{j <= i, j != z1} x_j (the cumprod of x with x_z1 = 1);
 *   k > z1: 0 -- to first order x_z1 * B_k, with B the same gradient for x with x_z1 = 1,
 *           added (as a zero) only while a graph is being built, so that the second
 *           derivative with respect to x_z1 is right. */
static THTensor *cumprod_zeros(THGradCtx *parent, THTensor *x, THTensor *g, THTensor *w, int dim) {
  THGradCtx scratch, *c = &scratch;
  scratch_open(parent, c);
  THTensor *isz = BINARY(eq, x, 0.0);
  THTensor *cz = scan(c, TH_OP_cumsum, isz, dim);
  THTensor *before = BINARY(eq, cz, 0.0);
  THTensor *first = BINARY(logical_and, isz, BINARY(eq, cz, 1.0));
  THTensor *a = DIV(reversed_cumsum(c, w, dim), TERNARY(where, before, x, 1.0));
  THTensor *x1 = TERNARY(where, first, 1.0, x);
  THTensor *gy1 = MUL(g, scan(c, TH_OP_cumprod, x1, dim));
  THTensor *S = ag_sum(c, TERNARY(where, before, 0.0, gy1), 1, &dim, true);
  THTensor *r = TERNARY(where, before, a, TERNARY(where, first, S, 0.0));
  if (THAutograd_isEnabled() && !c->failed) {
    THTensor *Z1 = ag_sum(c, TERNARY(where, first, x, 0.0), 1, &dim, true);
    THAutograd_setEnabled(false); /* B is a constant of the new graph */
    THTensor *between = BINARY(logical_and, BINARY(eq, cz, 1.0), UNARY(logical_not, isz));
    THTensor *second = BINARY(logical_and, isz, BINARY(eq, cz, 2.0));
    THTensor *b1 = DIV(reversed_cumsum(c, gy1, dim), TERNARY(where, between, x, 1.0));
    THTensor *x2 = TERNARY(where, second, 1.0, x1);
    THTensor *gy2 = MUL(g, scan(c, TH_OP_cumprod, x2, dim));
    THTensor *S2 = ag_sum(c, TERNARY(where, BINARY(ge, cz, 2.0), gy2, 0.0), 1, &dim, true);
    THTensor *B = TERNARY(where, between, b1, TERNARY(where, second, S2, 0.0));
    THAutograd_setEnabled(true);
    r = ADD(r, MUL(Z1, B));
  }
  return scratch_close(parent, c, r);
}

static void d_cumprod(THGradCtx *c) {
  THTensor *g = G(0);
  if (trivial_scan(c)) {
    SET(0, g);
    return;
  }
  int dim = (int)INTS[0];
  THTensor *x = SAVED(0);
  THTensor *w = MUL(RESULT(0), g);
  int64_t zeros = x ? count_zeros(c, x) : -1;
  if (zeros == 0) SET(0, DIV(reversed_cumsum(c, w, dim), x));
  else if (zeros > 0) SET(0, cumprod_zeros(c, x, g, w, dim));
  else ag_fail(c);
}

/* cummax/cummin: each output's gradient added at the position it came from */
static void d_cummax(THGradCtx *c) {
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *g = G(0);
  if (m->ndim == 0) SET(0, g);
  else SET(0, THDeriv_scatterAddZeros(c, g, (int)INTS[0], THDeriv_indices(c, 1), m, true));
}
#define d_cummin d_cummax

/* PyTorch's logcumsumexp_backward: the positive and negative parts of the gradient carried
 * in log space, so that large inputs do not overflow. */
static THTensor *logcumsumexp_backward(THGradCtx *parent, THTensor *g, int dim) {
  double lowest = g->dtype == TH_F32 ? -FLT_MAX : g->dtype == TH_F16 ? -65504.0
                  : g->dtype == TH_BF16 ? -3.3895313892515355e38 : -DBL_MAX;
  THGradCtx scratch, *c = &scratch;
  scratch_open(parent, c);
  THTensor *x = SAVED(0), *r = RESULT(0);
  THTensor *lag = UNARY(log, UNARY(abs, g));
  THTensor *parts[2];
  for (int k = 0; k < 2; k++) {
    THTensor *lg = TERNARY(where, k == 0 ? BINARY(gt, g, 0.0) : BINARY(lt, g, 0.0), lag, lowest);
    THTensor *rev = flip(c, scan(c, TH_OP_logcumsumexp, flip(c, SUB(lg, r), dim), dim), dim);
    parts[k] = UNARY(exp, ADD(rev, x));
  }
  return scratch_close(parent, c, SUB(parts[0], parts[1]));
}

static void d_logcumsumexp(THGradCtx *c) {
  THTensor *g = G(0);
  const THInputMeta *m = ag_meta(c, 0);
  if (!g || m->ndim == 0 || numel_of(m) == 0) SET(0, g);
  else SET(0, logcumsumexp_backward(c, g, (int)INTS[0]));
}

static THDerivative rows[] = {
    TH_DERIV_ROW(sum, 0),
    TH_DERIV_ROW(mean, 0),
    TH_DERIV_ROW(nansum, TH_SAVE_IN(0)),
    TH_DERIV_ROW(prod, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(amax, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(amin, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(max, TH_SAVE_IN(0) | TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(min, TH_SAVE_IN(0) | TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(median, TH_SAVE_IN(0) | TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(nanmedian, TH_SAVE_IN(0) | TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(mode, TH_SAVE_OUT(1)),
    TH_DERIV_ROW(var, TH_SAVE_IN(0)),
    TH_DERIV_ROW(std, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(var_mean, TH_SAVE_IN(0)),
    TH_DERIV_ROW(std_mean, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(norm, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(logsumexp, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(cumsum, 0),
    TH_DERIV_ROW(cumprod, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(cummax, TH_SAVE_OUT(1)),
    TH_DERIV_ROW(cummin, TH_SAVE_OUT(1)),
    TH_DERIV_ROW(logcumsumexp, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
