/* THDerivPointwise.c: backward formulas of the elementwise math rows of THOps.def (abs, exp,
 * sin, sigmoid, maximum, clamp, where, lerp, addcmul, ...) beyond the arithmetic ones of
 * THDerivArith.c, following PyTorch's derivatives.yaml, edge cases included (abs at 0 -> 0,
 * clamp at a bound passes the gradient, maximum ties split it, sqrt at 0 -> inf).
 *
 * Every formula is built from recorded pointwise ops, so a backward pass with create_graph is
 * itself differentiable.  Gradients may come out in the broadcast shape; the engine sums them
 * back to each input.  Numbers among the operands arrive through IN(i) as numbers.
 *
 * Also here: the recording step of THMath_pointwise (a copy of an in-place op's first operand
 * for the formulas that read it, and PyTorch's node names for number/tensor variants), and the
 * polygamma op that digamma's derivative needs (kernel in lib/TH/THCpuPolygamma.c). */
#include <math.h>
#include "THAutogradMeta.h"
#include "THDerivPointwise.h"

#define LN2 0.69314718055994530942
#define LN10 2.30258509299404568402
#define SQRT_PI 1.77245385090551602730

#define ZERO_LIKE(i) ag_zerosLike(c, ag_meta(c, i))
#define WHERE(cond, a, b) TERNARY(where, cond, a, b)

/* ======================================================================= polygamma */

THTensor *THTensor_polygamma(THTensor *out, bool inplace, int64_t n, THArg x) {
  if (n < 0) {
    TH_setError("[polygamma] polygamma(n, x) does not support negative n, got %lld", (long long)n);
    return NULL;
  }
  if (inplace && !x.t) {
    TH_setError("[polygamma_] the first operand of an in-place op must be a tensor");
    return NULL;
  }
  THArg args[1] = {x};
  if (n == 0) return THMath_pointwise(TH_OP_digamma, inplace ? NULL : out, inplace, 1, args, NULL);
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = (THScalar){TH_KIND_INT, (double)n, n};
  return THMath_pointwise(TH_OP_polygamma, inplace ? NULL : out, inplace, 1, args, &p);
}

/* polygamma(n, x) as a recorded step of a formula */
static THTensor *ag_polygamma(THGradCtx *c, int64_t n, THArg x) {
  if (c->failed || (!x.t && x.s.kind == AG_FAILED_KIND)) {
    c->failed = true;
    return NULL;
  }
  return ag_keep(c, THTensor_polygamma(NULL, false, n, x));
}

/* ======================================================================= unary */

static void d_abs(THGradCtx *c) { SET(0, MUL(G(0), UNARY(sign, IN(0)))); }

/* piecewise constant: zero gradients (of the input's shape, without history, as PyTorch) */
static void d_zero(THGradCtx *c) { SET(0, ZERO_LIKE(0)); }
#define d_sign d_zero
#define d_floor d_zero
#define d_ceil d_zero
#define d_round d_zero
#define d_trunc d_zero

static void d_frac(THGradCtx *c) { SET(0, G(0)); }

static void d_exp(THGradCtx *c) { SET(0, MUL(G(0), RESULT(0))); }
static void d_exp2(THGradCtx *c) { SET(0, MUL(G(0), MUL(RESULT(0), LN2))); }
static void d_expm1(THGradCtx *c) { SET(0, MUL(G(0), ADD(RESULT(0), 1.0))); }

static void d_log(THGradCtx *c) { SET(0, DIV(G(0), IN(0))); }
static void d_log2(THGradCtx *c) { SET(0, DIV(G(0), MUL(IN(0), LN2))); }
static void d_log10(THGradCtx *c) { SET(0, DIV(G(0), MUL(IN(0), LN10))); }
static void d_log1p(THGradCtx *c) { SET(0, DIV(G(0), ADD(IN(0), 1.0))); }

static void d_sqrt(THGradCtx *c) { SET(0, DIV(G(0), MUL(RESULT(0), 2.0))); }
static void d_rsqrt(THGradCtx *c) { SET(0, MUL(MUL(G(0), -0.5), POW(RESULT(0), 3.0))); }
static void d_reciprocal(THGradCtx *c) {
  THTensor *r = RESULT(0);
  SET(0, MUL(NEG(G(0)), MUL(r, r)));
}

static void d_sin(THGradCtx *c) { SET(0, MUL(G(0), UNARY(cos, IN(0)))); }
static void d_cos(THGradCtx *c) { SET(0, MUL(G(0), NEG(UNARY(sin, IN(0))))); }
static void d_tan(THGradCtx *c) { SET(0, MUL(G(0), ADD(POW(RESULT(0), 2.0), 1.0))); }

/* 1 / sqrt(1 - x^2), written (-x * x + 1).rsqrt() as PyTorch */
static THTensor *inv_sqrt_one_minus_sq(THGradCtx *c) {
  THArg x = IN(0);
  return UNARY(rsqrt, ADD(NEG(MUL(x, x)), 1.0));
}
static void d_asin(THGradCtx *c) { SET(0, MUL(G(0), inv_sqrt_one_minus_sq(c))); }
static void d_acos(THGradCtx *c) { SET(0, MUL(G(0), NEG(inv_sqrt_one_minus_sq(c)))); }
static void d_atan(THGradCtx *c) {
  THArg x = IN(0);
  SET(0, DIV(G(0), ADD(MUL(x, x), 1.0)));
}

static void d_sinh(THGradCtx *c) { SET(0, MUL(G(0), UNARY(cosh, IN(0)))); }
static void d_cosh(THGradCtx *c) { SET(0, MUL(G(0), UNARY(sinh, IN(0)))); }
static void d_tanh(THGradCtx *c) {
  THTensor *r = RESULT(0);
  SET(0, MUL(G(0), SUB(1.0, MUL(r, r))));
}
static void d_asinh(THGradCtx *c) { SET(0, MUL(G(0), UNARY(rsqrt, ADD(POW(IN(0), 2.0), 1.0)))); }
static void d_acosh(THGradCtx *c) { SET(0, MUL(G(0), UNARY(rsqrt, SUB(POW(IN(0), 2.0), 1.0)))); }
static void d_atanh(THGradCtx *c) { SET(0, DIV(G(0), SUB(1.0, POW(IN(0), 2.0)))); }

static void d_sigmoid(THGradCtx *c) {
  THTensor *r = RESULT(0);
  SET(0, MUL(G(0), MUL(SUB(1.0, r), r)));
}

/* g / (x (1 - x)); outside [eps, 1 - eps] zero, or without eps (alpha.f < 0) NaN outside
 * [0, 1] */
static void d_logit(THGradCtx *c) {
  THArg x = IN(0);
  double eps = ag_scalar(ALPHA);
  THTensor *g = DIV(G(0), MUL(x, SUB(1.0, x)));
  double lo = eps < 0 ? 0 : eps, hi = eps < 0 ? 1 : 1 - eps;
  THTensor *outside = BINARY(logical_or, BINARY(lt, x, lo), BINARY(gt, x, hi));
  SET(0, WHERE(outside, eps < 0 ? NAN : 0.0, g));
}

/* the mask comes from the result: relu(x) <= 0 passes nothing (a NaN result passes) */
/* threshold_backward(g, r, t) = r <= t ? 0 : g, one fused pass (alpha = t) */
static THTensor *threshold_backward(THGradCtx *c, THTensor *g, THTensor *r, double t) {
  THArg args[2] = {ag_argT(g), ag_argT(r)};
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha.kind = TH_KIND_FLOAT;
  p.alpha.f = t;
  return ag_pointwise(c, TH_OP_threshold_backward, 2, args, &p);
}
static void d_relu(THGradCtx *c) { SET(0, threshold_backward(c, G(0), RESULT(0), 0.0)); }
/* its own gradient: the same mask on the incoming gradient; none for the mask's input */
static void d_threshold_backward(THGradCtx *c) {
  SET(0, threshold_backward(c, G(0), SAVED(1), ag_scalar(ALPHA)));
}

static void d_erf(THGradCtx *c) {
  SET(0, MUL(G(0), MUL(UNARY(exp, NEG(POW(IN(0), 2.0))), 2.0 / SQRT_PI)));
}
static void d_erfc(THGradCtx *c) {
  SET(0, MUL(G(0), MUL(UNARY(exp, NEG(POW(IN(0), 2.0))), -2.0 / SQRT_PI)));
}
/* sqrt(pi) / 2 * exp(erfinv(x)^2), from the saved result */
static void d_erfinv(THGradCtx *c) {
  SET(0, MUL(G(0), MUL(UNARY(exp, POW(RESULT(0), 2.0)), 0.5 * SQRT_PI)));
}

static void d_lgamma(THGradCtx *c) { SET(0, MUL(G(0), UNARY(digamma, IN(0)))); }
static void d_digamma(THGradCtx *c) { SET(0, MUL(G(0), ag_polygamma(c, 1, IN(0)))); }
static void d_polygamma(THGradCtx *c) { SET(0, MUL(G(0), ag_polygamma(c, ALPHA.i + 1, IN(0)))); }

/* NaN and +-inf were replaced by constants: no gradient there */
static void d_nan_to_num(THGradCtx *c) { SET(0, MUL(G(0), UNARY(isfinite, IN(0)))); }

/* ======================================================================= binary */

/* maximum/minimum: the gradient goes to the larger (smaller) operand, half to each on ties */
static void minmax(THGradCtx *c, THOp loses0, THOp loses1) {
  THArg a = IN(0), b = IN(1);
  THTensor *g = G(0);
  THTensor *split = WHERE(BINARY(eq, a, b), MUL(g, 0.5), g);
  if (NEEDS(0)) SET(0, WHERE(ag_binary(c, loses0, a, b), 0.0, split));
  if (NEEDS(1)) SET(1, WHERE(ag_binary(c, loses1, a, b), 0.0, split));
}
static void d_maximum(THGradCtx *c) { minmax(c, TH_OP_lt, TH_OP_gt); }
static void d_minimum(THGradCtx *c) { minmax(c, TH_OP_gt, TH_OP_lt); }

/* clamp_min(x, m): x gets the gradient where x >= m, m where x < m (NaN: neither) */
static void d_clamp_min(THGradCtx *c) {
  THArg x = IN(0), m = IN(1);
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, WHERE(BINARY(ge, x, m), g, 0.0));
  if (NEEDS(1)) SET(1, WHERE(BINARY(lt, x, m), g, 0.0));
}
static void d_clamp_max(THGradCtx *c) {
  THArg x = IN(0), m = IN(1);
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, WHERE(BINARY(le, x, m), g, 0.0));
  if (NEEDS(1)) SET(1, WHERE(BINARY(gt, x, m), g, 0.0));
}

/* fmod(a, b) = a - trunc(a / b) b, remainder(a, b) = a - floor(a / b) b */
static void d_fmod(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, g);
  if (NEEDS(1)) SET(1, MUL(NEG(g), UNARY(trunc, DIV(IN(0), IN(1)))));
}
static void d_remainder(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, g);
  if (NEEDS(1)) SET(1, MUL(NEG(g), BINARY(floor_divide, IN(0), IN(1))));
}

static void d_atan2(THGradCtx *c) {
  THArg a = IN(0), b = IN(1);
  THTensor *g = G(0);
  THTensor *recip = UNARY(reciprocal, ADD(MUL(a, a), MUL(b, b)));
  if (NEEDS(0)) SET(0, MUL(MUL(g, b), recip));
  if (NEEDS(1)) SET(1, MUL(MUL(g, NEG(a)), recip));
}

static void d_hypot(THGradCtx *c) {
  THTensor *g = G(0), *r = RESULT(0);
  if (NEEDS(0)) SET(0, DIV(MUL(g, IN(0)), r));
  if (NEEDS(1)) SET(1, DIV(MUL(g, IN(1)), r));
}

/* ======================================================================= three operands */

/* clamp(x, lo, hi) = min(max(x, lo), hi): x gets the gradient inside [lo, hi], lo where
 * x < lo < hi, hi where x > hi or hi < lo (the result is hi there) */
static void d_clamp(THGradCtx *c) {
  THArg x = IN(0), lo = IN(1), hi = IN(2);
  THTensor *g = G(0);
  if (NEEDS(0))
    SET(0, WHERE(BINARY(logical_and, BINARY(ge, x, lo), BINARY(le, x, hi)), g, 0.0));
  if (NEEDS(1))
    SET(1, WHERE(BINARY(logical_and, BINARY(lt, x, lo), BINARY(lt, lo, hi)), g, 0.0));
  if (NEEDS(2))
    SET(2, WHERE(BINARY(logical_or, BINARY(gt, x, hi), BINARY(lt, hi, lo)), g, 0.0));
}

/* where(cond, x, y): operand 0 is the condition (no gradient) */
static void d_where(THGradCtx *c) {
  THArg cond = IN(0);
  THTensor *g = G(0);
  if (NEEDS(1)) SET(1, WHERE(cond, g, 0.0));
  if (NEEDS(2)) SET(2, WHERE(cond, 0.0, g));
}

/* lerp(a, b, w) = a + w (b - a) */
static void d_lerp(THGradCtx *c) {
  THArg w = IN(2);
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, MUL(g, SUB(1.0, w)));
  if (NEEDS(1)) SET(1, MUL(g, w));
  if (NEEDS(2)) SET(2, MUL(g, SUB(IN(1), IN(0)))); /* the only reader of start (see reads_first) */
}

/* addcmul(s, t1, t2, value) = s + value t1 t2; addcdiv = s + value t1 / t2 */
static void d_addcmul(THGradCtx *c) {
  double v = ag_scalar(ALPHA);
  THTensor *g = G(0);
  SET(0, g);
  if (NEEDS(1)) SET(1, MUL(g, MUL(IN(2), v)));
  if (NEEDS(2)) SET(2, MUL(g, MUL(IN(1), v)));
}
static void d_addcdiv(THGradCtx *c) {
  double v = ag_scalar(ALPHA);
  THArg t1 = IN(1), t2 = IN(2);
  THTensor *g = G(0);
  SET(0, g);
  if (NEEDS(1)) SET(1, MUL(g, DIV(v, t2)));
  if (NEEDS(2)) SET(2, MUL(NEG(g), DIV(MUL(t1, v), MUL(t2, t2))));
}

/* ======================================================================= rows */

#define IN0 TH_SAVE_IN(0)
#define OUT0 TH_SAVE_OUT(0)
static THDerivative rows[] = {
    TH_DERIV_ROW(abs, IN0),
    TH_DERIV_ROW(sign, 0),
    TH_DERIV_ROW(exp, OUT0),
    TH_DERIV_ROW(exp2, OUT0),
    TH_DERIV_ROW(expm1, OUT0),
    TH_DERIV_ROW(log, IN0),
    TH_DERIV_ROW(log2, IN0),
    TH_DERIV_ROW(log10, IN0),
    TH_DERIV_ROW(log1p, IN0),
    TH_DERIV_ROW(sqrt, OUT0),
    TH_DERIV_ROW(rsqrt, OUT0),
    TH_DERIV_ROW(reciprocal, OUT0),
    TH_DERIV_ROW(sin, IN0),
    TH_DERIV_ROW(cos, IN0),
    TH_DERIV_ROW(tan, OUT0),
    TH_DERIV_ROW(asin, IN0),
    TH_DERIV_ROW(acos, IN0),
    TH_DERIV_ROW(atan, IN0),
    TH_DERIV_ROW(sinh, IN0),
    TH_DERIV_ROW(cosh, IN0),
    TH_DERIV_ROW(tanh, OUT0),
    TH_DERIV_ROW(asinh, IN0),
    TH_DERIV_ROW(acosh, IN0),
    TH_DERIV_ROW(atanh, IN0),
    TH_DERIV_ROW(sigmoid, OUT0),
    TH_DERIV_ROW(logit, IN0),
    TH_DERIV_ROW(relu, OUT0),
    TH_DERIV_ROW(threshold_backward, TH_SAVE_IN(1)),
    TH_DERIV_ROW(erf, IN0),
    TH_DERIV_ROW(erfc, IN0),
    TH_DERIV_ROW(erfinv, OUT0),
    TH_DERIV_ROW(lgamma, IN0),
    TH_DERIV_ROW(digamma, IN0),
    TH_DERIV_ROW(polygamma, IN0),
    TH_DERIV_ROW(floor, 0),
    TH_DERIV_ROW(ceil, 0),
    TH_DERIV_ROW(round, 0),
    TH_DERIV_ROW(trunc, 0),
    TH_DERIV_ROW(frac, 0),
    TH_DERIV_ROW(nan_to_num, IN0),
    TH_DERIV_ROW(maximum, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(minimum, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(clamp_min, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(clamp_max, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(fmod, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(remainder, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(atan2, IN0 | TH_SAVE_IN(1)),
    TH_DERIV_ROW(hypot, IN0 | TH_SAVE_IN(1) | OUT0),
    TH_DERIV_ROW(clamp, IN0 | TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(where, IN0),
    TH_DERIV_ROW(lerp, IN0 | TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(addcmul, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
    TH_DERIV_ROW(addcdiv, TH_SAVE_IN(1) | TH_SAVE_IN(2)),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}

/* ======================================================================= recording */

/* Whether the formula of op reads its first operand for these operands: some read it only for
 * another operand's gradient (x:mul_(2) needs no copy of x). */
static bool reads_first(THOp op, const THArg *args) {
  switch (op) {
  case TH_OP_mul:
  case TH_OP_div:
  case TH_OP_fmod:
  case TH_OP_remainder: return args[1].t && args[1].t->requires_grad;
  case TH_OP_lerp: return args[2].t && args[2].t->requires_grad;
  default: return true;
  }
}

int THAutograd_pointwiseOriginal(THOp op, const THArg *args, THTensor **original) {
  *original = NULL;
  const THDerivative *row = THAutograd_rows[op];
  const THTensor *self = args[0].t;
  if (!row || !(row->save & TH_SAVE_IN(0)) || !self || !reads_first(op, args)) return TH_OK;
  THTensor *copy = THTensor_clone(self);
  if (!copy) return TH_ERROR;
  THAutogradMeta *sm = self->autograd;
  if (self->requires_grad && sm && sm->grad_fn) { /* the copy continues self's history */
    THAutogradMeta *m = THAutograd_meta(copy);
    if (!m) {
      THTensor_free(copy);
      return TH_ERROR;
    }
    THNode_retain(sm->grad_fn);
    m->grad_fn = sm->grad_fn;
    m->output_nr = sm->output_nr;
    copy->requires_grad = true;
  }
  *original = copy;
  return TH_OK;
}

static bool is_number(const THArg *a) { return a->t == NULL; }

/* PyTorch's node name for this call when it differs from the row's (NULL: the row's) */
static const char *variant_name(THOp op, int n, const THArg *args, const THOpParams *p) {
  switch (op) {
  case TH_OP_pow:
    return is_number(&args[0]) ? "PowBackward2" : n > 1 && !is_number(&args[1]) ? "PowBackward1" : NULL;
  case TH_OP_sub: return is_number(&args[0]) ? "RsubBackward1" : NULL;
  case TH_OP_clamp_min: return is_number(&args[1]) ? "ClampMinBackward0" : NULL;
  case TH_OP_clamp_max: return is_number(&args[1]) ? "ClampMaxBackward0" : NULL;
  case TH_OP_clamp: return is_number(&args[1]) && is_number(&args[2]) ? "ClampBackward1" : NULL;
  case TH_OP_fmod: return is_number(&args[1]) ? "FmodBackward0" : NULL;
  case TH_OP_remainder: return is_number(&args[1]) ? "RemainderBackward0" : NULL;
  case TH_OP_lerp: return is_number(&args[2]) ? "LerpBackward0" : NULL;
  case TH_OP_round: return p && p->alpha.i != 0 ? "RoundBackward1" : NULL;
  default: return NULL;
  }
}

int THAutograd_recordPointwiseCall(THOp op, int n, const THArg *args, THTensor *result,
                                   bool inplace, const THOpParams *p, const THTensor *original) {
  const THDerivative *row;
  if (THAutograd_rowFor(op, &row) != TH_OK) return TH_ERROR;
  if (!row) return TH_OK; /* not differentiable: the result has no history */
  const THTensor *inputs[TH_ITER_MAX_OPERANDS];
  THScalar numbers[TH_ITER_MAX_OPERANDS];
  for (int i = 0; i < n; i++) {
    inputs[i] = args[i].t;
    numbers[i] = args[i].s;
  }
  if (original) inputs[0] = original;
  THRecordArgs a = {.params = p, .numbers = numbers, .inplace = inplace,
                    .name = variant_name(op, n, args, p)};
  return THAutograd_record(row, n, inputs, 1, &result, &a);
}

void THAutograd_renamePointwiseNode(THTensor *t, THOp op, const char *name) {
  THNode *node = THAutograd_gradFn(t);
  if (node && node->fn && node->fn->op == (int)op) node->name = name;
}
