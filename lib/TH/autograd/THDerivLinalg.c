/* THDerivLinalg.c: backward formulas of the linear-algebra family: the matrix products (mm,
 * bmm, mv, dot, vdot, addmm, addmv, baddbmm, addbmm), linalg.vector_norm, and the
 * decompositions (inv, solve, det, slogdet, cholesky, qr, svd, eigh, lstsq); the recording
 * helpers the entry points share (THDerivLinalg.h); the recorded diagonal view einsum uses.
 *
 * Formulas are PyTorch's (derivatives.yaml / FunctionsManual.cpp) for real dtypes.  Every step
 * is a recorded op (products, views, pointwise arithmetic), so a backward pass run with
 * create_graph can be differentiated again.
 */
#include <math.h>
#include "THAutogradMeta.h"
#include "THAutogradViews.h"
#include "THDerivLinalg.h"
#include "../THLinalg.h"
#include "../THReduce.h"

/* ======================================================================= recording helpers */

int THLinalgRec_begin(THLinalgRec *g, const char *name, int n, const THTensor *const *in,
                      const THTensor *out, const THTensor *inplace_self) {
  g->rec = THAutograd_wanted(n, in);
  g->was = false;
  if (!g->rec) return TH_OK;
  if ((out && THAutograd_checkOut(name, out) != TH_OK) ||
      (inplace_self && THAutograd_checkInplace(name, inplace_self) != TH_OK)) {
    g->rec = false;
    return TH_ERROR;
  }
  g->was = true;
  THAutograd_setEnabled(false);
  return TH_OK;
}

void THLinalgRec_restore(THLinalgRec *g) {
  if (g->was) THAutograd_setEnabled(true);
  g->was = false;
}

int THLinalgRec_record(THLinalgRec *g, THOp op, int nin, const THTensor *const *in, int nout,
                       THTensor *const *outs, const THRecordArgs *a) {
  THLinalgRec_restore(g);
  if (!g->rec) return TH_OK;
  const THDerivative *row;
  if (THAutograd_rowFor(op, &row) != TH_OK) return TH_ERROR;
  return row ? THAutograd_record(row, nin, in, nout, outs, a) : TH_OK;
}

THTensor *THLinalgRec_end1(THLinalgRec *g, THTensor *r, THOp op, int nin,
                           const THTensor *const *in, const THRecordArgs *a) {
  if (!r) {
    THLinalgRec_restore(g);
    return NULL;
  }
  if (THLinalgRec_record(g, op, nin, in, 1, &r, a) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

/* ======================================================================= formula vocabulary */
/* Each helper returns a tensor owned by the context, or NULL once a step failed. */

#define OK1(x) ((x) && !c->failed)

/* x with its last two dims swapped */
static THTensor *mT(THGradCtx *c, THTensor *x) {
  if (!OK1(x)) return NULL;
  return ag_keep(c, THAutograd_transpose(x, x->ndim - 2, x->ndim - 1));
}

static THTensor *mm(THGradCtx *c, THTensor *a, THTensor *b) {
  if (!OK1(a) || !b) return NULL;
  return ag_keep(c, THTensor_mm(NULL, a, b));
}

static THTensor *bmm(THGradCtx *c, THTensor *a, THTensor *b) {
  if (!OK1(a) || !b) return NULL;
  return ag_keep(c, THTensor_bmm(NULL, a, b));
}

static THTensor *mv(THGradCtx *c, THTensor *a, THTensor *v) {
  if (!OK1(a) || !v) return NULL;
  return ag_keep(c, THTensor_mv(NULL, a, v));
}

static THTensor *outer(THGradCtx *c, THTensor *a, THTensor *b) {
  if (!OK1(a) || !b) return NULL;
  return ag_keep(c, THTensor_outer(NULL, a, b));
}

/* t, or t * s when s is not 1 (PyTorch's maybe_multiply) */
static THTensor *scaled(THGradCtx *c, THTensor *t, THScalar s) {
  double v = ag_scalar(s);
  return v == 1 ? t : MUL(t, v);
}

/* ======================================================================= products */

static void d_mm(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, mm(c, g, mT(c, SAVED(1))));
  if (NEEDS(1)) SET(1, mm(c, mT(c, SAVED(0)), g));
}

static void d_bmm(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, bmm(c, g, mT(c, SAVED(1))));
  if (NEEDS(1)) SET(1, bmm(c, mT(c, SAVED(0)), g));
}

static void d_mv(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, outer(c, g, SAVED(1)));
  if (NEEDS(1)) SET(1, mv(c, mT(c, SAVED(0)), g));
}

static void d_dot(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, MUL(g, IN(1)));
  if (NEEDS(1)) SET(1, MUL(g, IN(0)));
}
#define d_vdot d_dot /* real dtypes: no conjugation */

/* beta * self + alpha * (a @ b): self gets beta * g, the factors alpha times mm's */
static void d_addmm(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, scaled(c, g, BETA));
  if (NEEDS(1)) SET(1, scaled(c, mm(c, g, mT(c, SAVED(2))), ALPHA));
  if (NEEDS(2)) SET(2, scaled(c, mm(c, mT(c, SAVED(1)), g), ALPHA));
}

static void d_addmv(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, scaled(c, g, BETA));
  if (NEEDS(1)) SET(1, scaled(c, outer(c, g, SAVED(2)), ALPHA));
  if (NEEDS(2)) SET(2, scaled(c, mv(c, mT(c, SAVED(1)), g), ALPHA));
}

static void d_baddbmm(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, scaled(c, g, BETA));
  if (NEEDS(1)) SET(1, scaled(c, bmm(c, g, mT(c, SAVED(2))), ALPHA));
  if (NEEDS(2)) SET(2, scaled(c, bmm(c, mT(c, SAVED(1)), g), ALPHA));
}

/* addbmm sums the batch: each product sees the same g (expanded over the batch) */
static void d_addbmm(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, scaled(c, g, BETA));
  if (!NEEDS(1) && !NEEDS(2)) return;
  const THInputMeta *a = ag_meta(c, 1), *b = ag_meta(c, 2);
  int64_t gs[3] = {a->size[0], a->size[1], b->size[2]};
  THTensor *ge = OK1(g) ? ag_expand(c, ag_keep(c, THAutograd_unsqueeze(g, 0)), 3, gs) : NULL;
  if (NEEDS(1)) SET(1, scaled(c, bmm(c, ge, mT(c, SAVED(2))), ALPHA));
  if (NEEDS(2)) SET(2, scaled(c, bmm(c, mT(c, SAVED(1)), ge), ALPHA));
}

/* ======================================================================= vector_norm */
/* Recorded by THLinalg_vectorNorm with ints {keepdim, mask of reduced dims} and
 * params.alpha.f = ord.  PyTorch's norm_backward: 0 has no gradient, 1 is sign(x) g, 2 is
 * g x / norm (0 where the norm is 0), +-inf splits g evenly between the elements where |x|
 * reaches the norm, other p use |x|^(p-1) / norm^(p-1). */

/* t reshaped to the keepdim shape of the reduction */
static THTensor *keep_reduced(THGradCtx *c, THTensor *t) {
  const THInputMeta *m = ag_meta(c, 0);
  if (!OK1(t) || INTS[0] || m->ndim == 0) return t;
  int64_t sizes[TH_MAX_DIMS];
  for (int d = 0; d < m->ndim; d++) sizes[d] = (INTS[1] >> d) & 1 ? 1 : m->size[d];
  return ag_reshape(c, t, m->ndim, sizes);
}

/* x where cond is false, 0 where it is true (masked_fill(cond, 0)) */
static THTensor *zero_where(THGradCtx *c, THTensor *cond, THTensor *x) {
  return TERNARY(where, cond, 0.0, x);
}

static void d_linalg_vector_norm(THGradCtx *c) {
  double p = c->node->params.alpha.f;
  if (p == 0) return; /* no gradient, as in PyTorch */
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *x = SAVED(0);
  THTensor *g = keep_reduced(c, G(0)), *norm = keep_reduced(c, RESULT(0));
  if (!OK1(x) || !g || !norm) return;
  THTensor *r;
  if (p == 1) {
    r = MUL(UNARY(sign, x), g);
  } else if (p == 2) {
    r = MUL(g, zero_where(c, BINARY(eq, norm, 0.0), DIV(x, norm)));
  } else if (isinf(p)) {
    THTensor *ax = UNARY(abs, x);
    THTensor *mask = BINARY(logical_or, BINARY(eq, ax, norm), UNARY(isnan, ax));
    int dims[TH_MAX_DIMS], nd = 0;
    for (int d = 0; d < m->ndim; d++)
      if ((INTS[1] >> d) & 1) dims[nd++] = d;
    THTensor *count = m->ndim == 0 ? ag_toDtype(c, mask, x->dtype)
                                   : ag_sum(c, mask, nd, dims, true);
    r = MUL(UNARY(sign, x), MUL(DIV(g, count), mask));
  } else if (p < 1) {
    THTensor *xs = MUL(UNARY(sign, x), POW(UNARY(abs, x), p - 1));
    xs = zero_where(c, BINARY(eq, x, 0.0), xs);
    r = MUL(MUL(xs, g), POW(norm, 1 - p));
  } else {
    THTensor *xs = p < 2 ? MUL(UNARY(sign, x), POW(UNARY(abs, x), p - 1))
                         : MUL(x, POW(UNARY(abs, x), p - 2));
    r = MUL(xs, zero_where(c, BINARY(eq, norm, 0.0), DIV(g, POW(norm, p - 1))));
  }
  SET(0, r);
}

/* ======================================================================= decompositions */
/* The formulas read their saved outputs (RESULT) and build everything from matmul, solve,
 * views and arithmetic.  Triangular parts are products with constant 0/1 masks; a triangular
 * solve is a general solve (the matrices are triangular, so the result is the same). */

static THTensor *matmul(THGradCtx *c, THTensor *a, THTensor *b) {
  if (!OK1(a) || !b) return NULL;
  return ag_keep(c, THTensor_matmul(NULL, a, b));
}

/* left: A X = B; otherwise X A = B */
static THTensor *solve(THGradCtx *c, THTensor *A, THTensor *B, bool left) {
  if (!OK1(A) || !B) return NULL;
  return ag_keep(c, THLinalg_solve(NULL, A, B, left));
}

static THTensor *unsq(THGradCtx *c, THTensor *x, int d) {
  if (!OK1(x)) return NULL;
  return ag_keep(c, THAutograd_unsqueeze(x, d < 0 ? d + x->ndim + 1 : d));
}

static THTensor *sqz(THGradCtx *c, THTensor *x, int d) {
  if (!OK1(x)) return NULL;
  return ag_keep(c, THAutograd_squeezeDim(x, d < 0 ? d + x->ndim : d));
}

static THTensor *narrow(THGradCtx *c, THTensor *x, int d, int64_t start, int64_t len) {
  if (!OK1(x)) return NULL;
  return ag_keep(c, THAutograd_narrow(x, d < 0 ? d + x->ndim : d, start, len));
}

/* The n x m identity (ones on the main diagonal) of ref's dtype and device: a constant. */
static THTensor *eye(THGradCtx *c, int64_t n, int64_t m, const THTensor *ref) {
  if (!OK1(ref)) return NULL;
  return ag_keep(c, THTensor_eye(n, m, ref->dtype, THTensor_device(ref)));
}

/* The constant n x n mask of tril(diagonal k) (lower) or triu(diagonal k), in ref's dtype. */
static THTensor *tri_mask(THGradCtx *c, int64_t n, int k, bool lower, const THTensor *ref) {
  if (!OK1(ref)) return NULL;
  THDevice dev = THTensor_device(ref);
  THTensor *i = ag_keep(c, THTensor_arange(0, (double)n, 1, TH_F64, dev));
  THTensor *rows = unsq(c, i, 1), *cols = unsq(c, i, 0);
  THTensor *diff = SUB(cols, rows); /* j - i */
  THTensor *m = lower ? BINARY(le, diff, (double)k) : BINARY(ge, diff, (double)k);
  return ag_toDtype(c, m, ref->dtype);
}

static THTensor *tril(THGradCtx *c, THTensor *x, int k) {
  if (!OK1(x)) return NULL;
  return MUL(x, tri_mask(c, x->size[x->ndim - 1], k, true, x));
}

static THTensor *triu(THGradCtx *c, THTensor *x, int k) {
  if (!OK1(x)) return NULL;
  return MUL(x, tri_mask(c, x->size[x->ndim - 1], k, false, x));
}

static void fail_with(THGradCtx *c, const char *msg) {
  TH_setError("%s", msg);
  ag_fail(c);
}

/* inv: -A^{-T} g A^{-T} */
static void d_linalg_inv(THGradCtx *c) {
  THTensor *invT = mT(c, RESULT(0));
  SET(0, NEG(matmul(c, invT, matmul(c, G(0), invT))));
}

/* solve: gB = A^{-T} gX (left) or gX A^{-T}; gA = -gB X^T (left) or -X^T gB.  ints {left,
 * vector right side}. */
static void d_linalg_solve(THGradCtx *c) {
  bool left = INTS[0], vec = INTS[1];
  THTensor *gX = G(0), *X = RESULT(0), *A = SAVED(0);
  if (vec) {
    gX = unsq(c, gX, -1);
    X = unsq(c, X, -1);
  }
  THTensor *gB = solve(c, mT(c, A), gX, left);
  if (NEEDS(0)) SET(0, NEG(left ? matmul(c, gB, mT(c, X)) : matmul(c, mT(c, X), gB)));
  if (NEEDS(1)) SET(1, vec ? sqz(c, gB, -1) : gB);
}

static double eps_of(THDtype dt) {
  switch (dt) {
  case TH_F64: return 2.220446049250313e-16;
  case TH_F16: return 9.765625e-04;
  case TH_BF16: return 7.8125e-03;
  default: return 1.1920928955078125e-07;
  }
}

/* true when some |det| < 100 eps (read without recording) */
static bool any_singular(THGradCtx *c, THTensor *det) {
  if (!OK1(det)) return false;
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false);
  THArg x[1] = {THArg_tensor(det)};
  THTensor *a = THMath_pointwise(TH_OP_abs, NULL, false, 1, x, NULL), *m = NULL, *any = NULL;
  if (a) {
    THArg y[2] = {THArg_tensor(a), THArg_number(100 * eps_of(det->dtype))};
    m = THMath_pointwise(TH_OP_lt, NULL, false, 2, y, NULL);
  }
  if (m) any = THTensor_any(NULL, m, 0, NULL, false);
  bool r = any && THTensor_getDouble(any, NULL) != 0;
  if (!any) ag_fail(c);
  THTensor_free(a);
  THTensor_free(m);
  THTensor_free(any);
  THAutograd_setEnabled(was);
  return r;
}

/* The product of all the other entries of the last dim, for each entry (zeros allowed). */
static THTensor *prod_others(THGradCtx *c, THTensor *s) {
  if (!OK1(s)) return NULL;
  int64_t k = s->size[s->ndim - 1];
  THTensor *I = eye(c, k, k, s);
  /* row i of M: s with s_i replaced by 1 */
  THTensor *M = ADD(MUL(unsq(c, s, -2), SUB(1.0, I)), I);
  int last = s->ndim; /* M has one dim more */
  if (!OK1(M)) return NULL;
  return ag_keep(c, THTensor_prod(NULL, M, 1, &last, false, -1));
}

/* det: g det A^{-T} for invertible matrices; when a matrix is (nearly) singular, the adjugate
 * from the SVD, U diag(prod of the other singular values) Vh det(U) det(Vh) g, for the whole
 * batch (PyTorch takes that path for those matrices under create_graph; its plain backward
 * gives 0 for exactly singular inputs, the adjugate is the derivative). */
static void d_linalg_det(THGradCtx *c) {
  THTensor *A = SAVED(0), *det = RESULT(0), *g = G(0);
  if (!OK1(A) || !det || !g) return;
  if (THTensor_numel(A) == 0) return;
  int64_t n = A->size[A->ndim - 1];
  if (!any_singular(c, det)) {
    THTensor *d = MUL(g, det);
    THTensor *D = MUL(unsq(c, unsq(c, d, -1), -1), eye(c, n, n, A));
    SET(0, solve(c, mT(c, A), D, true));
    return;
  }
  THTensor *U = NULL, *S = NULL, *Vh = NULL;
  if (c->failed || THLinalg_svd(A, false, true, &U, &S, &Vh) != TH_OK) {
    ag_fail(c);
    return;
  }
  ag_keep(c, U), ag_keep(c, S), ag_keep(c, Vh);
  THTensor *du = ag_keep(c, OK1(U) ? THLinalg_det(NULL, U) : NULL);
  THTensor *dv = OK1(du) ? ag_keep(c, THLinalg_det(NULL, Vh)) : NULL;
  THTensor *alpha = MUL(MUL(du, dv), g);
  THTensor *D = MUL(unsq(c, alpha, -1), prod_others(c, S));
  SET(0, matmul(c, MUL(U, unsq(c, D, -2)), Vh));
}

/* slogdet: only logabsdet carries a gradient for real inputs: g_logabsdet A^{-T} */
static void d_linalg_slogdet(THGradCtx *c) {
  THTensor *g = c->gout[1];
  if (!g) return;
  THTensor *A = SAVED(0);
  if (!OK1(A)) return;
  int64_t n = A->size[A->ndim - 1];
  THTensor *D = MUL(unsq(c, unsq(c, g, -1), -1), eye(c, n, n, A));
  SET(0, solve(c, mT(c, A), D, true));
}

/* cholesky (A = L L^T): gA = L^{-T} phi L^{-1}, phi = 0.5 (P + tril(P, -1)^T),
 * P = tril(L^T gL).  ints {upper} (then U = L^T). */
static void d_linalg_cholesky(THGradCtx *c) {
  bool upper = INTS[0];
  THTensor *L = RESULT(0), *gL = G(0);
  if (upper) {
    L = mT(c, L);
    gL = mT(c, gL);
  }
  THTensor *P = tril(c, matmul(c, mT(c, L), gL), 0);
  THTensor *phi = MUL(ADD(P, mT(c, tril(c, P, -1))), 0.5);
  SET(0, solve(c, L, solve(c, mT(c, L), phi, true), false));
}

/* qr: PyTorch's linalg_qr_backward.  ints {mode: 0 reduced, 1 complete, 2 r}. */
static void d_linalg_qr(THGradCtx *c) {
  if (INTS[0] == 2) {
    fail_with(c, "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                 "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                 "through linalg.qr.");
    return;
  }
  THTensor *gQ = c->gout[0], *gR = c->gout[1];
  const THInputMeta *a = ag_meta(c, 0);
  int64_t m = a->size[a->ndim - 2], n = a->size[a->ndim - 1];
  if (INTS[0] == 1 && m > n) {
    fail_with(c, "The QR decomposition is not differentiable when mode='complete' and nrows > "
                 "ncols.");
    return;
  }
  if (!gQ && !gR) return;
  THTensor *Q = RESULT(0), *R = RESULT(1), *gA;
  if (gQ && gR) gA = SUB(matmul(c, gR, mT(c, R)), matmul(c, mT(c, Q), gQ));
  else if (gQ) gA = NEG(matmul(c, mT(c, Q), gQ));
  else gA = matmul(c, gR, mT(c, R));
  if (m >= n) {
    /* gA = (gQ + Q syminvadj(triu(gA))) R^{-T}, syminvadj(X) = X + X^T with the diagonal
     * halved */
    THTensor *X = triu(c, gA, 0), *I = eye(c, n, n, R);
    THTensor *sym = ADD(X, mT(c, X));
    sym = SUB(sym, MUL(MUL(sym, I), 0.5));
    gA = matmul(c, Q, sym);
    if (gQ) gA = ADD(gA, gQ);
    SET(0, solve(c, mT(c, R), gA, false));
  } else {
    /* gA = [Q tril(X - X^T) R1^{-T} | 0] + Q gR, X = -gA, R1 = R[:, :m] */
    THTensor *X = NEG(gA);
    gA = matmul(c, Q, tril(c, SUB(X, mT(c, X)), 0));
    gA = solve(c, mT(c, narrow(c, R, -1, 0, m)), gA, false);
    gA = matmul(c, gA, eye(c, m, n, R)); /* pad the columns m.. with zeros */
    if (gR) gA = ADD(gA, matmul(c, Q, gR));
    SET(0, gA);
  }
}

/* svd: PyTorch's svd_backward (real case; distinct singular values, full rank when not
 * square).  With full_matrices the extra columns of U / rows of Vh get no gradient (PyTorch
 * narrows them away).  ints {full_matrices}. */
static void d_linalg_svd(THGradCtx *c) {
  THTensor *gU = c->gout[0], *gS = c->gout[1], *gVh = c->gout[2];
  if (!gU && !gS && !gVh) return;
  THTensor *U = RESULT(0), *S = RESULT(1), *Vh = RESULT(2);
  if (!OK1(U) || !S || !Vh) return;
  int64_t m = U->size[U->ndim - 2], n = Vh->size[Vh->ndim - 1], k = S->size[S->ndim - 1];
  if (INTS[0]) {
    U = narrow(c, U, -1, 0, k);
    Vh = narrow(c, Vh, -2, 0, k);
    if (gU) gU = narrow(c, gU, -1, 0, k);
    if (gVh) gVh = narrow(c, gVh, -2, 0, k);
  }
  if (!gU && !gVh) {
    SET(0, m >= n ? matmul(c, U, MUL(unsq(c, gS, -1), Vh))
                  : matmul(c, MUL(U, unsq(c, gS, -2)), Vh));
    return;
  }
  THTensor *UhgU = NULL, *VhgV = NULL, *I = eye(c, k, k, S);
  if (gU) {
    UhgU = matmul(c, mT(c, U), gU);
    UhgU = SUB(UhgU, mT(c, UhgU));
  }
  if (gVh) {
    VhgV = matmul(c, Vh, mT(c, gVh));
    VhgV = SUB(VhgV, mT(c, VhgV));
  }
  /* E_jk = S_k^2 - S_j^2 off the diagonal, 1 on it */
  THTensor *S2 = MUL(S, S);
  THTensor *E = ADD(SUB(unsq(c, S2, -2), unsq(c, S2, -1)), I);
  THTensor *gA;
  if (gU && gVh) gA = DIV(ADD(MUL(UhgU, unsq(c, S, -2)), MUL(unsq(c, S, -1), VhgV)), E);
  else if (gU) gA = MUL(DIV(UhgU, E), unsq(c, S, -2));
  else gA = MUL(unsq(c, S, -1), DIV(VhgV, E));
  if (gS) gA = ADD(gA, MUL(unsq(c, gS, -1), I));
  if (m > n && gU) {
    /* [U gA + (I_m - U U^T) gU S^{-1}] Vh */
    gA = matmul(c, U, gA);
    THTensor *gUSinv = DIV(gU, unsq(c, S, -2));
    gA = SUB(ADD(gA, gUSinv), matmul(c, U, matmul(c, mT(c, U), gUSinv)));
    gA = matmul(c, gA, Vh);
  } else if (m < n && gVh) {
    /* U [gA Vh + S^{-1} gVh (I_n - V Vh)] */
    gA = matmul(c, gA, Vh);
    THTensor *SinvgVh = DIV(gVh, unsq(c, S, -1));
    gA = SUB(ADD(gA, SinvgVh), matmul(c, matmul(c, SinvgVh, mT(c, Vh)), Vh));
    gA = matmul(c, U, gA);
  } else {
    gA = m >= n ? matmul(c, U, matmul(c, gA, Vh)) : matmul(c, matmul(c, U, gA), Vh);
  }
  SET(0, gA);
}

/* eigh: V (diag(gL) + skew(V^T gV) / 2E) V^T, E_ij = L_j - L_i (1 on the diagonal). */
static void d_linalg_eigh(THGradCtx *c) {
  THTensor *gL = c->gout[0], *gV = c->gout[1];
  if (!gL && !gV) return;
  THTensor *L = RESULT(0), *V = RESULT(1);
  if (!gV) {
    SET(0, matmul(c, MUL(V, unsq(c, gL, -2)), mT(c, V)));
    return;
  }
  if (!OK1(L)) return;
  int64_t n = L->size[L->ndim - 1];
  THTensor *I = eye(c, n, n, L);
  THTensor *VhgV = matmul(c, mT(c, V), gV);
  VhgV = MUL(SUB(VhgV, mT(c, VhgV)), 0.5);
  THTensor *E = ADD(SUB(unsq(c, L, -2), unsq(c, L, -1)), I);
  THTensor *gA = DIV(VhgV, E);
  if (gL) gA = ADD(gA, MUL(unsq(c, gL, -1), I));
  SET(0, matmul(c, V, matmul(c, gA, mT(c, V))));
}

/* The pseudo-inverse V diag(1/s) U^T, singular values below eps * max(m, n) * s_max dropped
 * (linalg.pinv's default tolerance). */
static THTensor *pinv(THGradCtx *c, THTensor *A) {
  if (!OK1(A)) return NULL;
  THTensor *U = NULL, *S = NULL, *Vh = NULL;
  if (THLinalg_svd(A, false, true, &U, &S, &Vh) != TH_OK) {
    ag_fail(c);
    return NULL;
  }
  ag_keep(c, U), ag_keep(c, S), ag_keep(c, Vh);
  int64_t m = A->size[A->ndim - 2], n = A->size[A->ndim - 1];
  /* the kept singular values: a constant mask */
  bool was = THAutograd_isEnabled();
  THAutograd_setEnabled(false);
  int last = S->ndim - 1;
  THTensor *smax = S->size[last] ? ag_keep(c, THTensor_amax(NULL, S, 1, &last, true)) : NULL;
  THTensor *keep;
  if (smax)
    keep = BINARY(gt, S, MUL(smax, eps_of(A->dtype) * (double)(m > n ? m : n)));
  else
    keep = ag_keep(c, THTensor_full(TH_BOOL, THTensor_device(S), S->ndim, S->size, 0));
  THTensor *mask = ag_toDtype(c, keep, S->dtype);
  THAutograd_setEnabled(was);
  THTensor *sinv = MUL(DIV(1.0, ADD(S, SUB(1.0, mask))), mask);
  return matmul(c, MUL(mT(c, Vh), unsq(c, sinv, -2)), mT(c, U));
}

/* PyTorch's pinv_backward */
static THTensor *pinv_backward(THGradCtx *c, THTensor *grad, THTensor *pinvA, THTensor *A) {
  if (!OK1(A) || !grad || !pinvA) return NULL;
  int64_t m = A->size[A->ndim - 2], n = A->size[A->ndim - 1];
  THTensor *pinvAh = mT(c, pinvA), *gradh = mT(c, grad);
  if (m <= n) {
    THTensor *K = matmul(c, gradh, pinvA);
    THTensor *KpinvAh = matmul(c, K, pinvAh);
    THTensor *r = ADD(NEG(mT(c, matmul(c, pinvA, K))), KpinvAh);
    r = SUB(r, matmul(c, matmul(c, A, pinvA), KpinvAh));
    return ADD(r, matmul(c, matmul(c, pinvAh, pinvA), SUB(gradh, matmul(c, K, A))));
  }
  THTensor *K = matmul(c, pinvA, gradh);
  THTensor *pinvAhK = matmul(c, pinvAh, K);
  THTensor *r = NEG(mT(c, matmul(c, K, pinvA)));
  r = ADD(r, matmul(c, matmul(c, SUB(gradh, matmul(c, A, K)), pinvA), pinvAh));
  r = ADD(r, pinvAhK);
  return SUB(r, matmul(c, matmul(c, pinvAhK, pinvA), A));
}

/* lstsq (the solution only): X = pinv(A) B.  ints {vector right side}. */
static void d_linalg_lstsq(THGradCtx *c) {
  bool vec = INTS[0];
  THTensor *gX = G(0), *A = SAVED(0), *B = SAVED(1);
  if (vec) {
    gX = unsq(c, gX, -1);
    B = unsq(c, B, -1);
  }
  THTensor *pinvA = pinv(c, A);
  if (NEEDS(0)) SET(0, pinv_backward(c, matmul(c, gX, mT(c, B)), pinvA, A));
  if (NEEDS(1)) {
    THTensor *gB = matmul(c, mT(c, pinvA), gX);
    SET(1, vec ? sqz(c, gB, -1) : gB);
  }
}

/* ======================================================================= merged dims (einsum) */

/* The raw view: dims of t mapped onto nout dims, strides summed. */
static THTensor *merge_view(const THTensor *t, int nout, const int *map) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  for (int o = 0; o < nout; o++) sz[o] = -1, st[o] = 0;
  for (int d = 0; d < t->ndim; d++) {
    int o = map[d];
    if (o < 0 || o >= nout || (sz[o] >= 0 && sz[o] != t->size[d]))
      return TH_setError("[diagonal] dims mapped together must have one size"), NULL;
    sz[o] = t->size[d];
    st[o] += t->stride[d];
  }
  for (int o = 0; o < nout; o++)
    if (sz[o] < 0) return TH_setError("[diagonal] output dim %d has no input dim", o), NULL;
  return THTensor_newView(t->storage, t->dtype, t->offset, nout, sz, st);
}

static void ints_to_map(THGradCtx *c, int *map, int n) {
  for (int d = 0; d < n; d++) map[d] = (int)INTS[1 + d];
}

static void d_diagonal_backward(THGradCtx *c) {
  int map[TH_MAX_DIMS];
  ints_to_map(c, map, c->node->nints - 1);
  SET(0, ag_keep(c, THAutograd_mergeDims(G(0), (int)INTS[0], map)));
}

static THDerivative diagonal_backward_row = {-3, "DiagonalBackwardBackward0", 0,
                                             d_diagonal_backward, NULL, NULL};

/* zeros of the input's shape with g written onto the diagonal */
static void d_diagonal(THGradCtx *c) {
  THTensor *g = G(0);
  const THInputMeta *m = ag_meta(c, 0);
  THTensor *z = ag_zerosLike(c, m);
  if (!OK1(g) || !z) return;
  int map[TH_MAX_DIMS];
  ints_to_map(c, map, m->ndim);
  THTensor *part = merge_view(z, (int)INTS[0], map);
  int rc = part ? THTensor_copy(part, g) : TH_ERROR;
  THTensor_free(part);
  if (rc != TH_OK) {
    ag_fail(c);
    return;
  }
  if (g->requires_grad && THAutograd_isEnabled()) {
    THRecordArgs a = {.ints = INTS, .nints = c->node->nints};
    const THTensor *in[1] = {g};
    if (THAutograd_record(&diagonal_backward_row, 1, in, 1, &z, &a) != TH_OK) {
      ag_fail(c);
      return;
    }
  }
  SET(0, z);
}

static THDerivative diagonal_row = {-3, "DiagonalBackward0", 0, d_diagonal, NULL, NULL};

THTensor *THAutograd_mergeDims(const THTensor *t, int nout, const int *map) {
  THTensor *r = merge_view(t, nout, map);
  if (!r || !t->requires_grad || !THAutograd_isEnabled()) return r;
  int64_t ints[1 + TH_MAX_DIMS];
  ints[0] = nout;
  for (int d = 0; d < t->ndim; d++) ints[1 + d] = map[d];
  THRecordArgs a = {.ints = ints, .nints = 1 + t->ndim};
  if (THAutograd_record(&diagonal_row, 1, &t, 1, &r, &a) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

/* ======================================================================= rows */

static THDerivative rows[] = {
    TH_DERIV_ROW(mm, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(bmm, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(mv, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(dot, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(vdot, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(addmm, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(addmv, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(baddbmm, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(addbmm, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(linalg_vector_norm, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(linalg_inv, TH_SAVE_OUT(0)),
    TH_DERIV_ROW(linalg_solve, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(linalg_det, TH_SAVE_IN(0) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(linalg_slogdet, TH_SAVE_IN(0)),
    TH_DERIV_ROW(linalg_cholesky, TH_SAVE_OUT(0)),
    TH_DERIV_ROW(linalg_qr, TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(linalg_svd, TH_SAVE_OUT(0) | TH_SAVE_OUT(1) | TH_SAVE_OUT(2)),
    TH_DERIV_ROW(linalg_eigh, TH_SAVE_OUT(0) | TH_SAVE_OUT(1)),
    TH_DERIV_ROW(linalg_lstsq, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
