/* THDerivArith.c: backward formulas of the arithmetic rows (add, sub, mul, div, pow, neg,
 * square) and of fill_.  One function and one table row per op; gradients may come out in the broadcast
 * shape, the engine sums them back to each input. */
#include <math.h>
#include "THNode.h"

static void d_add(THGradCtx *c) {
  THTensor *g = G(0);
  SET(0, g);
  if (NEEDS(1)) SET(1, ag_scalar(ALPHA) == 1 ? g : MUL(g, ag_scalar(ALPHA)));
}

static void d_sub(THGradCtx *c) {
  THTensor *g = G(0);
  SET(0, g);
  if (NEEDS(1)) SET(1, MUL(g, -ag_scalar(ALPHA)));
}

static void d_mul(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, MUL(g, IN(1)));
  if (NEEDS(1)) SET(1, MUL(g, IN(0)));
}

static void d_div(THGradCtx *c) {
  THTensor *g = G(0);
  if (NEEDS(0)) SET(0, DIV(g, IN(1)));
  if (NEEDS(1)) SET(1, NEG(DIV(MUL(g, IN(0)), MUL(IN(1), IN(1)))));
}

static void d_neg(THGradCtx *c) { SET(0, NEG(G(0))); }

/* d/da a^b = b a^(b-1) (0 where b == 0); d/db a^b = a^b log a (0 where a == 0 and b >= 0). */
static void d_pow(THGradCtx *c) {
  THTensor *g = G(0);
  THArg a = IN(0), b = IN(1);
  if (NEEDS(0)) {
    THTensor *da;
    if (b.t) da = TERNARY(where, BINARY(eq, b, 0.0), 0.0, MUL(b, POW(a, SUB(b, 1.0))));
    else if (ag_scalar(b.s) == 0) da = MUL(a.t, 0.0);
    else da = MUL(POW(a, ag_scalar(b.s) - 1.0), ag_scalar(b.s));
    SET(0, MUL(g, da));
  }
  if (NEEDS(1)) {
    THTensor *db = a.t ? MUL(RESULT(0), UNARY(log, a)) : MUL(RESULT(0), log(ag_scalar(a.s)));
    if (a.t) db = TERNARY(where, BINARY(logical_and, BINARY(eq, a, 0.0), BINARY(ge, b, 0.0)), 0.0, db);
    SET(1, MUL(g, db));
  }
}

static void d_square(THGradCtx *c) { SET(0, MUL(G(0), MUL(IN(0), 2.0))); }

/* fill_ (and zero_): the old values are gone, so no gradient reaches them */
static void d_fill(THGradCtx *c) { SET(0, ag_zerosLike(c, ag_meta(c, 0))); }

static THDerivative rows[] = {
    TH_DERIV_ROW(add, 0),
    TH_DERIV_ROW(sub, 0),
    TH_DERIV_ROW(mul, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(div, TH_SAVE_IN(0) | TH_SAVE_IN(1)),
    TH_DERIV_ROW(neg, 0),
    TH_DERIV_ROW(pow, TH_SAVE_IN(0) | TH_SAVE_IN(1) | TH_SAVE_OUT(0)),
    TH_DERIV_ROW(square, TH_SAVE_IN(0)),
    TH_DERIV_ROW(fill, 0),
};

__attribute__((constructor)) static void register_rows(void) {
  THAutograd_registerRows(rows, (int)(sizeof rows / sizeof rows[0]));
}
