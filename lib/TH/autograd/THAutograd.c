/* THAutograd.c: grad mode, the per-tensor autograd state, nodes and recording.
 *
 * The state of a tensor (t->autograd) exists only once it is needed: for a leaf that has a
 * gradient or hooks, and for every output of a recorded op.  t->requires_grad is kept true for
 * every tensor that needs a gradient, leaf or not, so that the ops' "must I record?" test is a
 * byte load per input.  Nodes hold strong references along the graph's edges (towards the
 * leaves); a leaf's AccumulateGrad node is referenced weakly from the leaf, so no cycle forms.
 * Outputs saved for backward are kept as history-free aliases for the same reason, and given
 * their history back when a formula reads them while building a graph.  Freeing is iterative,
 * so a graph a million ops long does not overflow the C stack.
 */
#include <string.h>
#include "../THPool.h"
#include "THAutogradMeta.h"

/* ======================================================================= grad mode */

static _Thread_local TH_TLS_FAST bool grad_disabled;

bool THAutograd_isEnabled(void) { return !grad_disabled; }
bool THAutograd_gradEnabledTLS(void) { return !grad_disabled; }
void THAutograd_setEnabled(bool enabled) { grad_disabled = !enabled; }

/* ======================================================================= rows */

const THDerivative *THAutograd_rows[TH_NOPS];

void THAutograd_registerRows(THDerivative *rows, int n) {
  for (int i = 0; i < n; i++) {
    if (rows[i].op < 0) continue;
    if (!rows[i].name) rows[i].name = THOp_info((THOp)rows[i].op)->backward;
    THAutograd_rows[rows[i].op] = &rows[i];
  }
}

/* ======================================================================= tensor state */

static _Thread_local TH_TLS_FAST THPool meta_pool;

static void meta_free(void *p);

__attribute__((constructor)) static void autograd_init(void) {
  extern void (*THTensor_autogradFree)(void *);
  THTensor_autogradFree = meta_free;
}

THAutogradMeta *THAutograd_meta(THTensor *t) {
  if (t->autograd) return t->autograd;
  THAutogradMeta *m = THPool_get(&meta_pool, sizeof(THAutogradMeta));
  if (!m) {
    TH_setError("out of memory allocating autograd state");
    return NULL;
  }
  memset(m, 0, sizeof *m);
  m->owner = t;
  t->autograd = m;
  return m;
}

static void unlink_retain(THAutogradMeta *m) {
  if (!m->grad_fn) return;
  for (THHookEntry **p = &m->grad_fn->hooks; *p; p = &(*p)->next)
    if ((*p)->retain == m->owner) {
      THHookEntry *e = *p;
      *p = e->next;
      free(e);
      return;
    }
}

static void free_hooks(THHookEntry *h) {
  while (h) {
    THHookEntry *next = h->next;
    if (h->free_ctx) h->free_ctx(h->ctx);
    free(h);
    h = next;
  }
}

static void meta_free(void *p) {
  THAutogradMeta *m = p;
  if (m->retains_grad) unlink_retain(m);
  THTensor_free(m->grad);
  free_hooks(m->hooks);
  THNode *fn = m->grad_fn;
  THPool_put(&meta_pool, m);
  THNode_free(fn);
}

bool THAutograd_isLeaf(const THTensor *t) { return !THAutograd_gradFn(t); }

THTensor *THAutograd_grad(const THTensor *t) {
  const THAutogradMeta *m = t->autograd;
  return m ? m->grad : NULL;
}

THNode *THAutograd_gradFn(const THTensor *t) {
  const THAutogradMeta *m = t->autograd;
  return m ? m->grad_fn : NULL;
}

int THAutograd_outputNr(const THTensor *t) {
  const THAutogradMeta *m = t->autograd;
  return m ? m->output_nr : 0;
}

static bool can_require_grad(THDtype d) { return THDtype_isFloating(d); }

int THAutograd_setRequiresGrad(THTensor *t, bool flag) {
  if (!THAutograd_isLeaf(t)) {
    if (flag) return TH_OK;
    return TH_setError("you can only change requires_grad flags of leaf variables. If you want "
                       "to use a computed variable in a subgraph that doesn't require "
                       "differentiation use var_no_grad = var.detach().");
  }
  if (flag && !can_require_grad(t->dtype))
    return TH_setError("only Tensors of floating point dtype can require gradients, got %s",
                       THDtype_name(t->dtype));
  t->requires_grad = flag;
  return TH_OK;
}

int THAutograd_setGrad(THTensor *t, THTensor *g) {
  if (g) {
    char a[128], b[128];
    if (!THTensor_sameShape(g, t))
      return TH_setError("assigned grad has data of a different size: the tensor has shape %s, "
                         "the gradient %s", TH_formatShape(a, t->ndim, t->size),
                         TH_formatShape(b, g->ndim, g->size));
    if (g->dtype != t->dtype)
      return TH_setError("assigned grad has data of a different type: the tensor is %s, the "
                         "gradient %s", THDtype_name(t->dtype), THDtype_name(g->dtype));
    if (!THDevice_equal(THTensor_device(g), THTensor_device(t)))
      return TH_setError("assigned grad has data located on a different device");
  }
  if (!g && !t->autograd) return TH_OK;
  THAutogradMeta *m = THAutograd_meta(t);
  if (!m) return TH_ERROR;
  if (g) THTensor_retain(g);
  THTensor_free(m->grad);
  m->grad = g;
  return TH_OK;
}

int THAutograd_retainGrad(THTensor *t) {
  if (!t->requires_grad)
    return TH_setError("can't retain_grad on Tensor that has requires_grad=False");
  if (THAutograd_isLeaf(t)) return TH_OK;
  THAutogradMeta *m = t->autograd;
  if (m->retains_grad) return TH_OK;
  THHookEntry *e = calloc(1, sizeof *e);
  if (!e) return TH_setError("out of memory registering retain_grad");
  e->slot = m->output_nr;
  e->retain = t;
  e->handle = -1;
  /* retained gradients are stored after the user's hooks ran: append */
  THHookEntry **p = &m->grad_fn->hooks;
  while (*p) p = &(*p)->next;
  *p = e;
  m->retains_grad = true;
  return TH_OK;
}

bool THAutograd_retainsGrad(const THTensor *t) {
  const THAutogradMeta *m = t->autograd;
  return m && m->retains_grad;
}

THTensor *THAutograd_detach(const THTensor *t) {
  return THTensor_newView(t->storage, t->dtype, t->offset, t->ndim, t->size, t->stride);
}

int THAutograd_detachInplace(THTensor *t) {
  THAutogradMeta *m = t->autograd;
  if (m && m->grad_fn) {
    if (m->retains_grad) unlink_retain(m);
    m->retains_grad = false;
    THNode *fn = m->grad_fn;
    m->grad_fn = NULL;
    m->output_nr = 0;
    THNode_free(fn);
  }
  t->requires_grad = false;
  return TH_OK;
}

static _Atomic int next_handle = 1;

int THAutograd_registerHook(THTensor *t, THGradHook fn, void *ctx, void (*free_ctx)(void *),
                            int *handle) {
  if (!t->requires_grad)
    return TH_setError("cannot register a hook on a tensor that doesn't require gradient");
  THAutogradMeta *m = THAutograd_meta(t);
  if (!m) return TH_ERROR;
  THHookEntry *e = calloc(1, sizeof *e);
  if (!e) return TH_setError("out of memory registering a hook");
  e->fn = fn;
  e->ctx = ctx;
  e->free_ctx = free_ctx;
  e->handle = atomic_fetch_add(&next_handle, 1);
  e->slot = m->output_nr;
  *handle = e->handle;
  /* a non-leaf's hooks live on its node (they run on the gradient flowing into that output);
   * a leaf's in its own state (run by AccumulateGrad).  Hooks run in registration order,
   * before any retain_grad entry. */
  THHookEntry **p = m->grad_fn ? &m->grad_fn->hooks : &m->hooks;
  while (*p && !(*p)->retain) p = &(*p)->next;
  e->next = *p;
  *p = e;
  return TH_OK;
}

static bool remove_from(THHookEntry **p, int handle) {
  for (; *p; p = &(*p)->next)
    if ((*p)->handle == handle) {
      THHookEntry *e = *p;
      *p = e->next;
      e->next = NULL;
      free_hooks(e);
      return true;
    }
  return false;
}

void THAutograd_removeHook(THTensor *t, int handle) {
  THAutogradMeta *m = t->autograd;
  if (!m) return;
  if (!remove_from(&m->hooks, handle) && m->grad_fn) remove_from(&m->grad_fn->hooks, handle);
}

/* ======================================================================= nodes */

static _Atomic uint64_t next_seq = 1;
static _Thread_local TH_TLS_FAST THPool node_pool;

THNode *THNode_new(const THDerivative *fn, int ninputs, int noutputs) {
  THNode *n = THPool_get(&node_pool, sizeof(THNode));
  if (!n) goto oom;
  atomic_init(&n->refcount, 1);
  n->fn = fn;
  n->name = fn->name;
  n->seq = fn->op == TH_NODE_ACCUMULATE ? UINT64_MAX
                                        : atomic_fetch_add_explicit(&next_seq, 1, memory_order_relaxed);
  n->ninputs = ninputs;
  n->noutputs = noutputs;
  n->edges = n->edges_inline;
  n->in = n->in_inline;
  n->outmeta = NULL;
  if (ninputs > TH_NODE_MAX_INLINE) {
    n->edges = calloc((size_t)ninputs, sizeof(THEdge));
    n->in = calloc((size_t)ninputs, sizeof(THInputMeta));
    if (!n->edges || !n->in) {
      if (n->edges != n->edges_inline) free(n->edges);
      if (n->in != n->in_inline) free(n->in);
      THPool_put(&node_pool, n);
      goto oom;
    }
  }
  for (int i = 0; i < ninputs; i++) n->edges[i].node = NULL;
  for (int i = 0; i < TH_NODE_MAX_SAVED; i++) {
    n->saved[i].t = NULL;
    n->saved[i].was_saved = false;
  }
  n->params = TH_OPPARAMS_DEFAULT;
  n->nints = 0;
  n->hooks = NULL;
  n->extra = NULL;
  n->released = false;
  n->run_id = 0;
  n->buffer = NULL;
  n->free_next = NULL;
  return n;
oom:
  TH_setError("out of memory allocating a graph node");
  return NULL;
}

void THNode_retain(THNode *n) { atomic_fetch_add_explicit(&n->refcount, 1, memory_order_relaxed); }

void THNode_releaseSaved(THNode *n) {
  for (int i = 0; i < TH_NODE_MAX_SAVED; i++) {
    THTensor *t = n->saved[i].t;
    n->saved[i].t = NULL;
    THTensor_free(t);
  }
  n->released = true;
}

/* Nodes whose count dropped to zero wait here; the first THNode_free on the stack drains the
 * list, so freeing a long chain is a loop, not a recursion. */
static _Thread_local TH_TLS_FAST THNode *free_list;
static _Thread_local TH_TLS_FAST bool freeing;

static void node_destroy(THNode *n) {
  if (n->fn->destroy) n->fn->destroy(n);
  THNode_releaseSaved(n);
  free_hooks(n->hooks);
  for (int i = 0; i < n->ninputs; i++) THNode_free(n->edges[i].node);
  if (n->edges != n->edges_inline) free(n->edges);
  if (n->in != n->in_inline) free(n->in);
  free(n->outmeta);
  THPool_put(&node_pool, n);
}

void THNode_free(THNode *n) {
  if (!n || atomic_fetch_sub_explicit(&n->refcount, 1, memory_order_acq_rel) != 1) return;
  n->free_next = free_list;
  free_list = n;
  if (freeing) return;
  freeing = true;
  while (free_list) {
    THNode *d = free_list;
    free_list = d->free_next;
    node_destroy(d);
  }
  freeing = false;
}

const char *THNode_name(const THNode *n) { return n->name; }
int THNode_numInputs(const THNode *n) { return n->ninputs; }
THNode *THNode_next(const THNode *n, int i, int *input_nr) {
  if (i < 0 || i >= n->ninputs) return NULL;
  if (input_nr) *input_nr = n->edges[i].input_nr;
  return n->edges[i].node;
}
THTensor *THNode_variable(const THNode *n) {
  return n->fn->op == TH_NODE_ACCUMULATE ? (THTensor *)n->extra : NULL;
}

/* ======================================================================= edges */

static int accumulate_apply(THNode *n, THTensor **grads_out, THTensor **grads_in);
static void accumulate_destroy(THNode *n);
static THDerivative accumulate_row = {TH_NODE_ACCUMULATE, "AccumulateGrad", 0, NULL,
                                      accumulate_apply, accumulate_destroy};

/* A leaf's AccumulateGrad node, made on first use (a new reference). */
THNode *THAutograd_gradAccumulator(THTensor *leaf) {
  THAutogradMeta *m = THAutograd_meta(leaf);
  if (!m) return NULL;
  if (m->grad_acc) {
    THNode_retain(m->grad_acc);
    return m->grad_acc;
  }
  THNode *n = THNode_new(&accumulate_row, 0, 1);
  if (!n) return NULL;
  THTensor_retain(leaf);
  n->extra = leaf;
  m->grad_acc = n;
  return n;
}

static void accumulate_destroy(THNode *n) {
  THTensor *leaf = n->extra;
  THAutogradMeta *m = leaf->autograd;
  if (m && m->grad_acc == n) m->grad_acc = NULL;
  THTensor_free(leaf);
}

int THAutograd_gradientEdge(THTensor *t, THEdge *e) {
  THAutogradMeta *m = t->autograd;
  if (m && m->grad_fn) {
    THNode_retain(m->grad_fn);
    e->node = m->grad_fn;
    e->input_nr = m->output_nr;
    return TH_OK;
  }
  e->input_nr = 0;
  e->node = THAutograd_gradAccumulator(t);
  return e->node ? TH_OK : TH_ERROR;
}

/* The gradient a leaf accumulates: kept as is when nobody else can see it, otherwise copied,
 * so that later in-place accumulation never writes into a caller's tensor. */
static THTensor *own_grad(THTensor *g) {
  bool kept = THAutograd_isEnabled() || /* create_graph: the gradient keeps its history */
              (atomic_load(&g->refcount) == 1 && g->storage->refcount == 1 &&
               THTensor_isContiguous(g) && g->offset == 0 && !g->requires_grad);
  if (!kept) return THTensor_clone(g);
  THTensor_retain(g);
  return g;
}

static int accumulate_apply(THNode *n, THTensor **grads_out, THTensor **grads_in) {
  (void)grads_in;
  THTensor *leaf = n->extra;
  THTensor *g = grads_out[0];
  if (!g) return TH_OK;
  THAutogradMeta *m = THAutograd_meta(leaf);
  if (!m) return TH_ERROR;
  if (!m->grad) {
    m->grad = own_grad(g);
    return m->grad ? TH_OK : TH_ERROR;
  }
  if (THAutograd_isEnabled()) { /* create_graph: the sum is part of the new graph */
    THTensor *s = THTensor_add(NULL, THArg_tensor(m->grad), THArg_tensor(g), 1.0);
    if (!s) return TH_ERROR;
    THTensor_free(m->grad);
    m->grad = s;
    return TH_OK;
  }
  THTensor *s = THTensor_add(m->grad, THArg_tensor(m->grad), THArg_tensor(g), 1.0);
  THTensor_free(s);
  return s ? TH_OK : TH_ERROR;
}

/* ======================================================================= recording */

int THAutograd_checkInplace(const char *op, const THTensor *self) {
  if (!THAutograd_isEnabled()) return TH_OK;
  if (self->requires_grad && THAutograd_isLeaf(self))
    return TH_setError("[%s] a leaf Variable that requires grad is being used in an in-place "
                       "operation.", op);
  const THTensor *base = self->base;
  if (base && base->requires_grad && THAutograd_isLeaf(base))
    return TH_setError("[%s] a view of a leaf Variable that requires grad is being used in an "
                       "in-place operation.", op);
  return TH_OK;
}

int THAutograd_checkOut(const char *op, const THTensor *out) {
  (void)out;
  if (THAutograd_isEnabled())
    return TH_setError("[%s] functions with out=... arguments don't support automatic "
                       "differentiation, but one of the arguments requires grad.", op);
  return TH_OK;
}

void THInputMeta_fill(THInputMeta *m, const THTensor *t) {
  m->is_number = false;
  m->dtype = t->dtype;
  m->device = THTensor_device(t);
  m->ndim = t->ndim;
  memcpy(m->size, t->size, (size_t)t->ndim * sizeof(int64_t));
}

static int save_tensors(THNode *n, unsigned save, int nin, const THTensor *const *inputs,
                        int nout, THTensor *const *outputs, bool inplace) {
  if (!save) return TH_OK;
  int k = 0;
  for (int i = 0; i < 8 && k < TH_NODE_MAX_SAVED; i++) {
    if (!(save & TH_SAVE_IN(i))) continue;
    THSaved *s = &n->saved[k++];
    s->output_nr = -1;
    s->was_saved = true;
    if (i >= nin || !inputs[i]) continue; /* a number operand: nothing to save */
    const THTensor *t = inputs[i];
    s->version = t->storage->version;
    if (inplace && t->storage == outputs[0]->storage) {
      /* the op already overwrote it: saved at the version before the write, so a formula
       * that reads it reports the overwrite */
      s->version--;
      s->t = THAutograd_detach(t);
    } else {
      THTensor_retain((THTensor *)t);
      s->t = (THTensor *)t;
    }
    if (!s->t) return TH_ERROR;
  }
  for (int j = 0; j < 8 && k < TH_NODE_MAX_SAVED; j++) {
    if (!(save & TH_SAVE_OUT(j))) continue;
    THSaved *s = &n->saved[k++];
    s->output_nr = j;
    s->was_saved = true;
    if (j >= nout) continue;
    s->version = outputs[j]->storage->version;
    if (!(s->t = THAutograd_detach(outputs[j]))) return TH_ERROR;
  }
  return TH_OK;
}

int THAutograd_record(const THDerivative *row, int nin, const THTensor *const *inputs, int nout,
                      THTensor *const *outputs, const THRecordArgs *a) {
  THNode *n = THNode_new(row, nin, nout);
  if (!n) return TH_ERROR;
  bool inplace = a && a->inplace;
  for (int i = 0; i < nin; i++) {
    const THTensor *t = inputs[i];
    if (!t) {
      n->in[i].is_number = true;
      n->in[i].s = a && a->numbers ? a->numbers[i] : THScalar_fromDouble(0);
      n->in[i].ndim = 0;
      continue;
    }
    THInputMeta_fill(&n->in[i], t);
    if (t->requires_grad && THAutograd_gradientEdge((THTensor *)t, &n->edges[i]) != TH_OK)
      goto fail;
  }
  if (nout > 1) {
    if (!(n->outmeta = calloc((size_t)nout, sizeof(THInputMeta)))) goto fail;
    for (int j = 0; j < nout; j++) THInputMeta_fill(&n->outmeta[j], outputs[j]);
  }
  if (a) {
    if (a->params) n->params = *a->params;
    if (a->nints > TH_NODE_MAX_INTS) {
      TH_setError("[autograd] too many integer arguments for %s", row->name);
      goto fail;
    }
    if (a->nints) memcpy(n->ints, a->ints, (size_t)a->nints * sizeof(int64_t));
    n->nints = a->nints;
  }
  if (save_tensors(n, row->save, nin, inputs, nout, outputs, inplace) != TH_OK) goto fail;
  /* give each floating output its history */
  for (int j = 0; j < nout; j++) {
    THTensor *o = outputs[j];
    if (!o || !can_require_grad(o->dtype)) continue;
    THAutogradMeta *m = THAutograd_meta(o);
    if (!m) goto fail_outputs;
    if (m->retains_grad) unlink_retain(m);
    THNode *old = m->grad_fn;
    THNode_retain(n);
    m->grad_fn = n;
    m->output_nr = j;
    o->requires_grad = true;
    THNode_free(old);
    if (m->retains_grad) { /* keep retaining across in-place history changes */
      m->retains_grad = false;
      THAutograd_retainGrad(o);
    }
  }
  if (a) {
    n->extra = a->extra;
    if (a->name) n->name = a->name;
  }
  /* written through a view: the base's history learns of it */
  int rc = TH_OK;
  if (inplace && nout > 0 && outputs[0]->base && outputs[0]->requires_grad)
    rc = THAutograd_rebaseView(outputs[0], n);
  THNode_free(n);
  return rc;
fail_outputs:
fail:
  THNode_free(n);
  return TH_ERROR;
}

int THAutograd_rowFor(THOp op, const THDerivative **row) {
  *row = THAutograd_rows[op];
  if (*row || !THOp_info(op)->backward) return TH_OK;
  return TH_setError("the derivative for '%s' is not implemented", THOp_info(op)->name);
}

THTensor *THAutograd_recordUnary(THOp op, const THTensor *t, THTensor *r, int nints,
                                 const int64_t *ints) {
  if (!r || !t->requires_grad || !THAutograd_isEnabled()) return r;
  const THDerivative *row;
  THRecordArgs a = {.ints = ints, .nints = nints};
  if (THAutograd_rowFor(op, &row) != TH_OK ||
      (row && THAutograd_record(row, 1, &t, 1, &r, &a) != TH_OK)) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

int THAutograd_recordPointwise(THOp op, int nargs, const THArg *args, THTensor *result,
                               bool inplace, const THOpParams *p) {
  const THDerivative *row;
  if (THAutograd_rowFor(op, &row) != TH_OK) return TH_ERROR;
  if (!row) return TH_OK; /* not differentiable: the result has no history */
  const THTensor *inputs[TH_ITER_MAX_OPERANDS];
  THScalar numbers[TH_ITER_MAX_OPERANDS];
  for (int i = 0; i < nargs; i++) {
    inputs[i] = args[i].t;
    numbers[i] = args[i].s;
  }
  THRecordArgs a = {.params = p, .numbers = numbers, .inplace = inplace};
  return THAutograd_record(row, nargs, inputs, 1, &result, &a);
}
