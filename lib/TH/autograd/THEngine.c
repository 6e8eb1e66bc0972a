/* THEngine.c: runs a backward pass over the recorded graph.
 *
 * One pass: find every node reachable from the outputs (and, when only some inputs are asked
 * for, keep those on a path to them); count each node's incoming edges; then repeatedly run
 * a node whose gradients are all in, latest-created first as PyTorch does, summing what it
 * returns into the buffers of the nodes its edges point at.  Gradients are checked against
 * each input's recorded shape and dtype here, once for every op: broadcast gradients are
 * summed back and other dtypes and devices converted.  The per-run bookkeeping lives in the nodes (run_id,
 * deps, buffer), so a pass allocates one array of nodes and one heap.
 */
#include <string.h>
#include "THAutogradMeta.h"
#include "THAutogradViews.h"
#include "../THReduce.h"

enum { F_NEEDED = 1, F_APPLY = 2, F_CAPTURE = 4, F_QUEUED = 8 };

typedef struct {
  THNode **visited;      /* every node of the run, in discovery order */
  int nvisited, cap;
  THNode **nodes;        /* the same nodes, each after every node it points to */
  int n;
  THNode **heap;
  int nheap, heapcap;
  uint64_t run_id;
} Run;

static _Atomic uint64_t next_run = 1;
static _Thread_local int running;

/* Marks n as part of this run (retained; released when the run ends). */
static int visit(Run *r, THNode *n) {
  if (r->nvisited == r->cap) {
    int cap = r->cap ? 2 * r->cap : 64;
    THNode **p = realloc(r->visited, (size_t)cap * sizeof *p);
    THNode **q = p ? realloc(r->nodes, (size_t)cap * sizeof *q) : NULL;
    if (p) r->visited = p;
    if (q) r->nodes = q;
    if (!p || !q) return TH_setError("out of memory in backward");
    r->cap = cap;
  }
  THNode_retain(n);
  r->visited[r->nvisited++] = n;
  n->run_id = r->run_id;
  n->deps = 0;
  n->flags = 0;
  n->buffer = calloc((size_t)(n->noutputs ? n->noutputs : 1), sizeof(THTensor *));
  return n->buffer ? TH_OK : TH_setError("out of memory in backward");
}

/* ---- ready queue: a max-heap on creation order ---- */
static int heap_push(Run *r, THNode *n) {
  if (r->nheap == r->heapcap) {
    int cap = r->heapcap ? 2 * r->heapcap : 64;
    THNode **p = realloc(r->heap, (size_t)cap * sizeof *p);
    if (!p) return TH_setError("out of memory in backward");
    r->heap = p;
    r->heapcap = cap;
  }
  int i = r->nheap++;
  while (i > 0 && r->heap[(i - 1) / 2]->seq < n->seq) {
    r->heap[i] = r->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  r->heap[i] = n;
  return TH_OK;
}

static THNode *heap_pop(Run *r) {
  THNode *top = r->heap[0], *last = r->heap[--r->nheap];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= r->nheap) break;
    if (c + 1 < r->nheap && r->heap[c + 1]->seq > r->heap[c]->seq) c++;
    if (r->heap[c]->seq <= last->seq) break;
    r->heap[i] = r->heap[c];
    i = c;
  }
  if (r->nheap) r->heap[i] = last;
  return top;
}

/* ---- discovery: every node reachable from the roots, in an order where a node comes
 * after all nodes it points to (post-order), so "needed" flags propagate in one sweep ---- */
typedef struct { THNode *node; int next_edge; } Frame;

static int discover(Run *r, int nroots, const THEdge *roots) {
  int cap = 64, top = 0;
  Frame *stack = malloc((size_t)cap * sizeof *stack);
  if (!stack) return TH_setError("out of memory in backward");
  int rc = TH_OK;
  for (int k = 0; k < nroots && rc == TH_OK; k++) {
    THNode *root = roots[k].node;
    if (!root || root->run_id == r->run_id) continue;
    if ((rc = visit(r, root)) != TH_OK) break;
    stack[top++] = (Frame){root, 0};
    while (top && rc == TH_OK) {
      Frame *f = &stack[top - 1];
      if (f->next_edge < f->node->ninputs) {
        THNode *child = f->node->edges[f->next_edge++].node;
        if (!child || child->run_id == r->run_id) continue;
        if (top == cap) {
          Frame *p = realloc(stack, (size_t)(cap *= 2) * sizeof *p);
          if (!p) { rc = TH_setError("out of memory in backward"); break; }
          stack = p;
          f = &stack[top - 1];
        }
        if ((rc = visit(r, child)) != TH_OK) break;
        stack[top++] = (Frame){child, 0};
      } else {
        r->nodes[r->n++] = f->node;
        top--;
      }
    }
  }
  free(stack);
  return rc;
}

/* ---- gradients entering a node's input: checked, reduced, converted, summed ---- */
static bool broadcastable_to(const THTensor *g, const THInputMeta *m) {
  if (g->ndim < m->ndim) return false;
  int lead = g->ndim - m->ndim;
  for (int d = 0; d < m->ndim; d++)
    if (m->size[d] != g->size[d + lead] && m->size[d] != 1) return false;
  return true;
}

/* Takes a reference to g; returns the gradient fit for input i (new reference) or NULL. */
static THTensor *fit_gradient(THNode *n, int i, THTensor *g) {
  const THInputMeta *m = &n->in[i];
  if (!(g->ndim == m->ndim && !memcmp(g->size, m->size, (size_t)m->ndim * sizeof(int64_t)))) {
    char a[128], b[128];
    if (!broadcastable_to(g, m)) {
      TH_setError("Function %s returned an invalid gradient at index %d - got %s but expected "
                  "shape compatible with %s", n->name, i, TH_formatShape(a, g->ndim, g->size),
                  TH_formatShape(b, m->ndim, m->size));
      THTensor_free(g);
      return NULL;
    }
    THTensor *s = THAutograd_sumTo(g, m->ndim, m->size);
    THTensor_free(g);
    if (!(g = s)) return NULL;
  }
  if (g->dtype != m->dtype || !THDevice_equal(THTensor_device(g), m->device)) {
    THTensor *c = THTensor_toDevice(g, m->device, m->dtype, false);
    THTensor_free(g);
    g = c;
  }
  return g;
}

static int add_into(THTensor **slot, THTensor *g) {
  if (!*slot) {
    *slot = g;
    return TH_OK;
  }
  THTensor *s = THTensor_add(NULL, THArg_tensor(*slot), THArg_tensor(g), 1.0);
  THTensor_free(g);
  if (!s) return TH_ERROR;
  THTensor_free(*slot);
  *slot = s;
  return TH_OK;
}

/* ---- hooks on the gradients entering a node, then retain_grad ---- */
static int run_hooks(THHookEntry *h, int slot, THTensor **g) {
  for (; h; h = h->next) {
    if (h->slot != slot || !*g) continue;
    if (h->retain) {
      if (THAutograd_accumulateRetained(h->retain, *g) != TH_OK) return TH_ERROR;
      continue;
    }
    THTensor *repl = NULL;
    if (h->fn(h->ctx, *g, &repl) != TH_OK) {
      THTensor_free(repl);
      return TH_ERROR;
    }
    if (repl && (!THTensor_sameShape(repl, *g) || repl->dtype != (*g)->dtype)) {
      char a[128], b[128];
      TH_setError("a gradient hook changed the %s of the gradient: %s %s returned for %s %s",
                  THTensor_sameShape(repl, *g) ? "dtype" : "size", THDtype_name(repl->dtype),
                  TH_formatShape(a, repl->ndim, repl->size), THDtype_name((*g)->dtype),
                  TH_formatShape(b, (*g)->ndim, (*g)->size));
      THTensor_free(repl);
      return TH_ERROR;
    }
    if (repl) {
      THTensor_free(*g);
      *g = repl;
    }
  }
  return TH_OK;
}

/* ---- running one node ---- */
static int call_formula(THNode *n, THTensor **gout, THTensor **gin) {
  THGradCtx c; /* tmp[] is filled from ntmp = 0 on; no need to clear it */
  c.node = n;
  c.gout = gout;
  c.gin = gin;
  c.ntmp = 0;
  c.failed = false;
  n->fn->formula(&c);
  for (int i = 0; i < c.ntmp; i++) THTensor_free(c.tmp[i]);
  if (c.failed) {
    for (int i = 0; i < n->ninputs; i++) {
      THTensor_free(gin[i]);
      gin[i] = NULL;
    }
    return TH_ERROR;
  }
  return TH_OK;
}

/* Runs one node's backward outside a pass (CopySlices runs the op it wraps this way). */
int THNode_apply(THNode *n, THTensor **grads_out, THTensor **grads_in) {
  return n->fn->apply ? n->fn->apply(n, grads_out, grads_in) : call_formula(n, grads_out, grads_in);
}

static int apply_node(Run *r, THNode *n, bool keep_graph) {
  bool any = false;
  for (int j = 0; j < n->noutputs; j++) any |= n->buffer[j] != NULL;
  if (!any) return TH_OK; /* zero in, zero out */
  THTensor *gin_small[TH_NODE_MAX_INLINE] = {0};
  THTensor **gin = n->ninputs > TH_NODE_MAX_INLINE ? calloc((size_t)n->ninputs, sizeof *gin)
                                                    : gin_small;
  if (!gin) return TH_setError("out of memory in backward");
  int rc = THNode_apply(n, n->buffer, gin);
  if (!keep_graph && n->fn->op != TH_NODE_ACCUMULATE) THNode_releaseSaved(n);
  for (int i = 0; i < n->ninputs; i++) {
    THTensor *g = gin[i];
    gin[i] = NULL;
    THNode *child = n->edges[i].node;
    if (rc != TH_OK || !g || !child || child->run_id != r->run_id || !(child->flags & F_NEEDED)) {
      THTensor_free(g);
      continue;
    }
    if (!(g = fit_gradient(n, i, g)) || add_into(&child->buffer[n->edges[i].input_nr], g) != TH_OK)
      rc = TH_ERROR;
  }
  if (gin != gin_small) free(gin);
  return rc;
}

static int release_edges(Run *r, THNode *n) {
  for (int i = 0; i < n->ninputs; i++) {
    THNode *child = n->edges[i].node;
    if (!child || child->run_id != r->run_id || !(child->flags & F_NEEDED)) continue;
    if (--child->deps == 0 && heap_push(r, child) != TH_OK) return TH_ERROR;
  }
  return TH_OK;
}

/* ---- the pass ---- */
static int check_root(int i, THTensor *out, THTensor *grad, THTensor **seed) {
  char a[128], b[128];
  if (!out->requires_grad)
    return TH_setError("element %d of tensors does not require grad and does not have a grad_fn",
                       i + 1);
  if (!grad) {
    if (THTensor_numel(out) != 1)
      return TH_setError("grad can be implicitly created only for scalar outputs (the output has "
                         "shape %s)", TH_formatShape(a, out->ndim, out->size));
    *seed = THTensor_full(out->dtype, THTensor_device(out), out->ndim, out->size, 1.0);
    return *seed ? TH_OK : TH_ERROR;
  }
  if (!THTensor_sameShape(grad, out))
    return TH_setError("Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has "
                       "a shape of %s", i + 1, TH_formatShape(a, grad->ndim, grad->size), i + 1,
                       TH_formatShape(b, out->ndim, out->size));
  if (!THDevice_equal(THTensor_device(grad), THTensor_device(out)))
    return TH_setError("grad_output[%d] is on a different device from output[%d]", i + 1, i + 1);
  if (grad->dtype != out->dtype) {
    /* converted, integer gradients too: from Lua, torch.tensor({1., 2.}) is int64 (Lua
     * numbers do not tell 1 from 1.0), and a seed gradient carries no history */
    *seed = THTensor_toDtype(grad, out->dtype);
    return *seed ? TH_OK : TH_ERROR;
  }
  THTensor_retain(grad);
  *seed = grad;
  return TH_OK;
}

int THAutograd_backward(int n, THTensor *const *outputs, THTensor *const *grads, int ninputs,
                        THTensor *const *inputs, THTensor **results,
                        const THBackwardOptions *opts) {
  if (running)
    return TH_setError("backward called while another backward pass runs on this thread (from a "
                       "hook or a custom function's backward); this is not supported");
  Run r = {.run_id = atomic_fetch_add(&next_run, 1)};
  THEdge *roots = calloc((size_t)n + 1, sizeof *roots);
  THEdge *caps = calloc((size_t)ninputs + 1, sizeof *caps);
  THTensor **seeds = calloc((size_t)n + 1, sizeof *seeds);
  bool was_enabled = THAutograd_isEnabled();
  int rc = TH_OK;
  if (!roots || !caps || !seeds) {
    rc = TH_setError("out of memory in backward");
    goto done;
  }
  for (int j = 0; j < ninputs; j++) results[j] = NULL;
  for (int i = 0; i < n && rc == TH_OK; i++) {
    if ((rc = check_root(i, outputs[i], grads ? grads[i] : NULL, &seeds[i])) == TH_OK)
      rc = THAutograd_gradientEdge(outputs[i], &roots[i]);
  }
  for (int j = 0; j < ninputs && rc == TH_OK; j++) {
    if (!inputs[j]->requires_grad) {
      rc = TH_setError("One of the differentiated Tensors does not require grad (input %d)", j + 1);
      break;
    }
    rc = THAutograd_gradientEdge(inputs[j], &caps[j]);
  }
  if (rc != TH_OK || (rc = discover(&r, n, roots)) != TH_OK) goto done;

  /* which nodes run: all of them, or those on a path to a requested input */
  for (int j = 0; j < ninputs; j++)
    if (caps[j].node->run_id == r.run_id) caps[j].node->flags |= F_CAPTURE;
  for (int k = 0; k < r.n; k++) {
    THNode *nd = r.nodes[k];
    bool child_needed = false;
    for (int i = 0; i < nd->ninputs; i++) {
      THNode *ch = nd->edges[i].node;
      if (ch && ch->run_id == r.run_id && (ch->flags & F_NEEDED)) child_needed = true;
    }
    bool leaf_acc = nd->fn->op == TH_NODE_ACCUMULATE;
    if (ninputs == 0) nd->flags |= F_NEEDED | F_APPLY;
    else {
      if (child_needed || (nd->flags & F_CAPTURE)) nd->flags |= F_NEEDED;
      if (child_needed || (leaf_acc && opts->accumulate && (nd->flags & F_CAPTURE)))
        nd->flags |= F_APPLY;
    }
  }
  for (int k = 0; k < r.n; k++) {
    THNode *nd = r.nodes[k];
    if (!(nd->flags & F_NEEDED)) continue;
    for (int i = 0; i < nd->ninputs; i++) {
      THNode *ch = nd->edges[i].node;
      if (ch && ch->run_id == r.run_id && (ch->flags & F_NEEDED)) ch->deps++;
    }
  }
  for (int i = 0; i < n; i++) {
    THNode *rn = roots[i].node;
    if (!(rn->flags & F_NEEDED)) {
      THTensor_free(seeds[i]);
    } else if ((rc = add_into(&rn->buffer[roots[i].input_nr], seeds[i])) != TH_OK) {
      seeds[i] = NULL;
      goto done;
    }
    seeds[i] = NULL;
  }
  for (int i = 0; i < n; i++) {
    THNode *rn = roots[i].node;
    if ((rn->flags & F_NEEDED) && rn->deps == 0 && !(rn->flags & F_QUEUED)) {
      rn->flags |= F_QUEUED;
      if ((rc = heap_push(&r, rn)) != TH_OK) goto done;
    }
  }

  running = 1;
  THAutograd_setEnabled(opts->create_graph);
  while (r.nheap && rc == TH_OK) {
    THNode *nd = heap_pop(&r);
    /* hooks: a leaf's own (on its AccumulateGrad), or those on this node's outputs */
    THHookEntry *hooks = nd->hooks;
    if (nd->fn->op == TH_NODE_ACCUMULATE) {
      THAutogradMeta *m = ((THTensor *)nd->extra)->autograd;
      hooks = m ? m->hooks : NULL;
    }
    for (int j = 0; j < nd->noutputs && rc == TH_OK; j++) rc = run_hooks(hooks, j, &nd->buffer[j]);
    if (rc != TH_OK) break;
    if (nd->flags & F_CAPTURE) {
      for (int j = 0; j < ninputs; j++) {
        if (caps[j].node != nd || !nd->buffer[caps[j].input_nr]) continue;
        THTensor *g = nd->buffer[caps[j].input_nr];
        if (opts->accumulate) {
          if (nd->fn->op == TH_NODE_ACCUMULATE) continue; /* applied below */
          /* backward(inputs=) on a non-leaf: its .grad accumulates */
          if ((rc = THAutograd_accumulateRetained(inputs[j], g)) != TH_OK) break;
        } else if (!results[j]) {
          THTensor_retain(g);
          results[j] = g;
        }
      }
    }
    if (rc == TH_OK && (nd->flags & F_APPLY))
      rc = apply_node(&r, nd, opts->retain_graph || opts->create_graph);
    for (int j = 0; j < nd->noutputs; j++) {
      THTensor_free(nd->buffer[j]);
      nd->buffer[j] = NULL;
    }
    if (rc == TH_OK) rc = release_edges(&r, nd);
  }
  running = 0;
  THAutograd_setEnabled(was_enabled);

  if (rc == TH_OK && !opts->accumulate)
    for (int j = 0; j < ninputs; j++) {
      if (!results[j] && !opts->allow_unused) {
        rc = TH_setError("One of the differentiated Tensors appears to not have been used in the "
                         "graph. Set allow_unused=True if this is the desired behavior.");
        break;
      }
    }
done:
  for (int k = 0; k < r.nvisited; k++) {
    THNode *nd = r.visited[k];
    for (int j = 0; nd->buffer && j < nd->noutputs; j++) THTensor_free(nd->buffer[j]);
    free(nd->buffer);
    nd->buffer = NULL;
    nd->run_id = 0;
    THNode_free(nd);
  }
  free(r.visited);
  free(r.nodes);
  free(r.heap);
  if (roots) for (int i = 0; i < n; i++) THNode_free(roots[i].node);
  if (caps) for (int j = 0; j < ninputs; j++) THNode_free(caps[j].node);
  if (seeds) for (int i = 0; i < n; i++) THTensor_free(seeds[i]);
  free(roots);
  free(caps);
  free(seeds);
  if (rc != TH_OK && results)
    for (int j = 0; j < ninputs; j++) {
      THTensor_free(results[j]);
      results[j] = NULL;
    }
  return rc;
}
