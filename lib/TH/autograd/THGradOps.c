/* THGradOps.c: the vocabulary backward formulas are written in (see THNode.h).
 *
 * Each helper calls a public op, so under create_graph the backward pass records itself, and
 * hands the result to the formula's context, which frees it when the formula ends.  A NULL
 * operand (an earlier step failed) makes a helper return NULL at once; the first failure
 * marks the context, and the engine reports its error.
 */
#include <string.h>
#include "THAutogradMeta.h"
#include "../THReduce.h"
#include "THAutogradViews.h"

THTensor *ag_keep(THGradCtx *c, THTensor *t) {
  if (!t) {
    c->failed = true;
    return NULL;
  }
  if (c->ntmp == (int)(sizeof c->tmp / sizeof c->tmp[0])) {
    THTensor_free(t);
    TH_setError("[autograd] formula of %s uses too many temporaries", c->node->name);
    c->failed = true;
    return NULL;
  }
  c->tmp[c->ntmp++] = t;
  return t;
}

void ag_fail(THGradCtx *c) { c->failed = true; }

const THInputMeta *ag_meta(THGradCtx *c, int i) { return &c->node->in[i]; }

bool ag_needs(THGradCtx *c, int i) {
  return i < c->node->ninputs && c->node->edges[i].node != NULL;
}

void ag_set(THGradCtx *c, int i, THTensor *g) {
  if (!g || c->failed) {
    c->failed = true;
    return;
  }
  if (!ag_needs(c, i)) return;
  THTensor_retain(g);
  THTensor_free(c->gin[i]);
  c->gin[i] = g;
}

THTensor *ag_zerosLike(THGradCtx *c, const THInputMeta *m) {
  if (c->failed) return NULL;
  return ag_keep(c, THTensor_full(m->dtype, m->device, m->ndim, m->size, 0.0));
}

THTensor *ag_grad(THGradCtx *c, int i) {
  if (c->failed) return NULL;
  if (c->gout[i]) return c->gout[i];
  if (c->node->noutputs > 1) return ag_zerosLike(c, &c->node->outmeta[i]);
  TH_setError("[autograd] %s has no gradient for output %d", c->node->name, i + 1);
  c->failed = true;
  return NULL;
}

/* The input whose value saved slot k holds (slots are numbered in bit order of the mask). */
static int input_of_slot(const THNode *n, int k) {
  for (int i = 0; i < 8; i++)
    if ((n->fn->save & TH_SAVE_IN(i)) && k-- == 0) return i;
  return -1;
}

/* The k-th saved slot, checked against in-place writes since it was saved. */
static THTensor *unpack(THGradCtx *c, int k) {
  if (c->failed) return NULL;
  THNode *n = c->node;
  THSaved *s = &n->saved[k];
  if (!s->t) {
    if (n->released && s->was_saved)
      TH_setError("Trying to backward through the graph a second time (or directly access saved "
                  "tensors after they have already been freed). Saved intermediate values of the "
                  "graph are freed when you call .backward() or autograd.grad(). Specify "
                  "retain_graph=True if you need to backward through the graph a second time or "
                  "if you need to access saved tensors after calling backward.");
    else
      TH_setError("[autograd] %s: saved tensor %d is missing", n->name, k + 1);
    c->failed = true;
    return NULL;
  }
  if (s->t->storage->version != s->version) {
    char shape[128];
    TH_setError("one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [%s %s], which is %s %d of %s, is at version %llu; expected "
                "version %llu instead.", THDtype_name(s->t->dtype),
                TH_formatShape(shape, s->t->ndim, s->t->size),
                s->output_nr >= 0 ? "output" : "input",
                s->output_nr >= 0 ? s->output_nr : input_of_slot(n, k),
                n->name, (unsigned long long)s->t->storage->version,
                (unsigned long long)s->version);
    c->failed = true;
    return NULL;
  }
  if (s->output_nr < 0 || !THAutograd_isEnabled()) return s->t;
  /* an output read while building a graph: an alias carrying this node as its history */
  THTensor *a = ag_keep(c, THAutograd_detach(s->t));
  if (!a) return NULL;
  THAutogradMeta *m = THAutograd_meta(a);
  if (!m) {
    c->failed = true;
    return NULL;
  }
  THNode_retain(n);
  m->grad_fn = n;
  m->output_nr = s->output_nr;
  a->requires_grad = true;
  return a;
}

/* Saved slots are numbered inputs first, then outputs, in bit order of the row's mask. */
static int slot_of(THGradCtx *c, unsigned bit) {
  unsigned save = c->node->fn->save;
  int k = 0;
  for (unsigned b = 1; b < bit; b <<= 1) k += (save & b) != 0;
  return k;
}

THTensor *ag_saved(THGradCtx *c, int i) { return unpack(c, slot_of(c, TH_SAVE_IN(i))); }
THTensor *ag_result(THGradCtx *c, int i) { return unpack(c, slot_of(c, TH_SAVE_OUT(i))); }

THArg ag_input(THGradCtx *c, int i) {
  const THInputMeta *m = &c->node->in[i];
  if (m->is_number) {
    THArg a = {NULL, m->s};
    return a;
  }
  return ag_argT(ag_saved(c, i));
}

/* A tensor operand from a failed step arrives as AG_ARG(NULL), marked by ag_argT. */
static bool args_ok(THGradCtx *c, int n, const THArg *args) {
  if (c->failed) return false;
  for (int i = 0; i < n; i++)
    if (!args[i].t && args[i].s.kind == AG_FAILED_KIND) {
      c->failed = true;
      return false;
    }
  return true;
}

THTensor *ag_pointwise(THGradCtx *c, THOp op, int n, const THArg *args, const THOpParams *p) {
  if (!args_ok(c, n, args)) return NULL;
  return ag_keep(c, THMath_pointwise(op, NULL, false, n, args, p));
}

THTensor *ag_unary(THGradCtx *c, THOp op, THArg a) {
  THArg args[1] = {a};
  return ag_pointwise(c, op, 1, args, NULL);
}

THTensor *ag_binary(THGradCtx *c, THOp op, THArg a, THArg b) {
  THArg args[2] = {a, b};
  return ag_pointwise(c, op, 2, args, NULL);
}

THTensor *ag_ternary(THGradCtx *c, THOp op, THArg a, THArg b, THArg d) {
  THArg args[3] = {a, b, d};
  return ag_pointwise(c, op, 3, args, NULL);
}

THTensor *ag_scaled(THGradCtx *c, THOp op, THArg a, THArg b, double alpha) {
  THArg args[2] = {a, b};
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = THScalar_fromDouble(alpha);
  return ag_pointwise(c, op, 2, args, &p);
}

THTensor *ag_sum(THGradCtx *c, THTensor *g, int ndims, const int *dims, bool keepdim) {
  if (!g || c->failed) return NULL;
  return ag_keep(c, THTensor_sum(NULL, g, ndims, dims, keepdim, -1));
}

THTensor *ag_reshape(THGradCtx *c, THTensor *g, int ndim, const int64_t *size) {
  if (!g || c->failed) return NULL;
  return ag_keep(c, THAutograd_reshape(g, ndim, size));
}

THTensor *ag_expand(THGradCtx *c, THTensor *g, int ndim, const int64_t *size) {
  if (!g || c->failed) return NULL;
  return ag_keep(c, THAutograd_expand(g, ndim, size));
}

THTensor *THAutograd_sumTo(THTensor *g, int ndim, const int64_t *size) {
  int lead = g->ndim - ndim, nd = 0;
  int dims[TH_MAX_DIMS];
  for (int d = 0; d < g->ndim; d++)
    if (d < lead || (size[d - lead] == 1 && g->size[d] != 1)) dims[nd++] = d;
  if (nd == 0) {
    THTensor_retain(g);
    return g;
  }
  THTensor *s = THTensor_sum(NULL, g, nd, dims, true, -1);
  if (!s) return NULL;
  THTensor *v = THAutograd_reshape(s, ndim, size);
  THTensor_free(s);
  return v;
}

THTensor *ag_sumTo(THGradCtx *c, THTensor *g, int ndim, const int64_t *size) {
  if (!g || c->failed) return NULL;
  THTensor *r = THAutograd_sumTo(g, ndim, size);
  if (r == g) { /* nothing summed: g is already owned by the context or the caller */
    THTensor_free(r);
    return g;
  }
  return ag_keep(c, r);
}

int THAutograd_accumulateRetained(THTensor *t, THTensor *g) {
  THAutogradMeta *m = THAutograd_meta(t);
  if (!m) return TH_ERROR;
  THTensor *v = m->grad ? THTensor_add(NULL, THArg_tensor(m->grad), THArg_tensor(g), 1.0)
                        : THTensor_clone(g);
  if (!v) return TH_ERROR;
  THTensor_free(m->grad);
  m->grad = v;
  return TH_OK;
}

THTensor *ag_toDtype(THGradCtx *c, THTensor *g, THDtype dtype) {
  if (!g || c->failed) return NULL;
  if (g->dtype == dtype) return g;
  return ag_keep(c, THTensor_to(g, dtype));
}
