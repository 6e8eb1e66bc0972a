/* THNode.h: graph nodes, derivative rows and the recording API, for the op entry points that
 * record and for the files of backward formulas.
 *
 * A node is made per recorded op call.  It owns one edge per differentiable input (the node
 * that made that input, or the leaf's AccumulateGrad), the inputs' shapes and dtypes (the
 * engine sums broadcast gradients back to them), the saved tensors its formula reads, and the
 * op's scalar and integer arguments.  The formula lives in a THDerivative row: one row per op,
 * naming the node and the tensors to save, plus a function that builds the input gradients
 * from the output gradients with the public ops (see THGradCtx and the macros below).
 */
#ifndef TH_NODE_H
#define TH_NODE_H

#include "THAutograd.h"

#define TH_NODE_MAX_INLINE 3   /* inputs stored in the node itself; more are allocated */
#define TH_NODE_MAX_SAVED 4
#define TH_NODE_MAX_INTS (2 * TH_MAX_DIMS + 4)

typedef struct THGradCtx THGradCtx;

/* Bits of THDerivative.save: which inputs and outputs the formula reads. */
#define TH_SAVE_IN(i) (1u << (i))
#define TH_SAVE_OUT(i) (1u << (8 + (i)))

typedef struct THDerivative {
  int op;                 /* the THOps.def row (THOp), or -1 for nodes that are not ops */
  const char *name;       /* "MulBackward0"; NULL: the BACKWARD column of the op's row */
  unsigned save;          /* TH_SAVE_IN / TH_SAVE_OUT bits */
  void (*formula)(THGradCtx *c);
  /* Nodes that are not formula rows (AccumulateGrad, Lua functions) run this instead;
   * grads_out has n->noutputs entries (NULL: zero), grads_in n->ninputs to fill. */
  int (*apply)(THNode *n, THTensor **grads_out, THTensor **grads_in);
  void (*destroy)(THNode *n); /* frees n->extra */
} THDerivative;

typedef struct {
  THNode *node;  /* NULL: this input needs no gradient */
  int input_nr;
} THEdge;

typedef struct {
  bool is_number;   /* a number operand of a pointwise op: value in s, no edge */
  THScalar s;
  THDtype dtype;
  THDevice device;
  int ndim;
  int64_t size[TH_MAX_DIMS];
} THInputMeta;

typedef struct {
  THTensor *t;         /* NULL: not saved, or released after backward */
  uint64_t version;    /* storage version when saved */
  int output_nr;       /* >= 0: an output of this node, saved without its history */
  bool was_saved;
} THSaved;

/* Pre-hooks per output slot, and retained-gradient slots (weak tensor pointers). */
typedef struct THHookEntry {
  struct THHookEntry *next;
  int slot;             /* output slot (non-leaf) */
  int handle;
  THGradHook fn;
  void *ctx;
  void (*free_ctx)(void *);
  THTensor *retain;     /* retain_grad entry: the tensor whose .grad receives the gradient */
} THHookEntry;

/* THDerivative.op of nodes that are not ops */
#define TH_NODE_ACCUMULATE (-1) /* AccumulateGrad: adds into a leaf's .grad */
#define TH_NODE_CUSTOM (-2)     /* a user-defined function (the Lua binding's) */

struct THNode {
  atomic_int refcount;
  const THDerivative *fn;
  const char *name;      /* fn->name, or a user function's name */
  uint64_t seq;          /* creation order: later nodes run first */
  int ninputs, noutputs;
  THEdge *edges;         /* [ninputs] */
  THInputMeta *in;       /* [ninputs] */
  THInputMeta *outmeta;  /* [noutputs] when noutputs > 1 (zeros for missing gradients) */
  THSaved saved[TH_NODE_MAX_SAVED];
  THOpParams params;
  int nints;
  int64_t ints[TH_NODE_MAX_INTS];
  THHookEntry *hooks;
  void *extra;           /* row-specific data, freed by fn->destroy */
  bool released;         /* saved tensors freed by a backward without retain_graph */
  /* engine bookkeeping for the current run */
  uint64_t run_id;
  int deps;
  int flags;
  THTensor **buffer;     /* [noutputs] gradients gathered so far */
  THNode *free_next;     /* the pending-free list */
  THEdge edges_inline[TH_NODE_MAX_INLINE];
  THInputMeta in_inline[TH_NODE_MAX_INLINE];
};

/* ---- derivative rows, keyed by op (filled by the THDeriv*.c files at load time) ---- */
extern const THDerivative *THAutograd_rows[TH_NOPS];
TH_API void THAutograd_registerRows(THDerivative *rows, int n);

/* ---- recording, for op entry points ---- */
/* True when a call with these inputs must be recorded: grad mode on and an input requires
 * grad.  Cheap when no input requires grad. */
TH_API bool THAutograd_gradEnabledTLS(void);
static inline bool THAutograd_wanted(int n, const THTensor *const *inputs) {
  bool any = false;
  for (int i = 0; i < n; i++) any |= inputs[i] && inputs[i]->requires_grad;
  return any && THAutograd_gradEnabledTLS();
}
static inline bool THAutograd_wantedArgs(int n, const THArg *args) {
  bool any = false;
  for (int i = 0; i < n; i++) any |= args[i].t && args[i].t->requires_grad;
  return any && THAutograd_gradEnabledTLS();
}

/* Records a call of `row` with inputs (NULL entries: number operands, given in numbers[i]
 * when numbers is not NULL) producing outputs[0..noutputs) (only floating outputs become
 * differentiable).  ints/params are copied into the node for the formula.  With inplace,
 * outputs[0] is inputs[0] modified in place: its history is replaced.  Returns TH_OK, or
 * TH_ERROR (then the outputs are unchanged). */
typedef struct {
  const THOpParams *params;
  const int64_t *ints;
  int nints;
  const THScalar *numbers;  /* [ninputs], read where inputs[i] is NULL */
  bool inplace;
  void *extra;              /* handed to the node (freed by row->destroy) */
  const char *name;         /* overrides row->name (must outlive the node) */
} THRecordArgs;
TH_API int THAutograd_record(const THDerivative *row, int ninputs, const THTensor *const *inputs,
                             int noutputs, THTensor *const *outputs, const THRecordArgs *a);
/* Records op (its THAutograd_rows entry) for r = op(t, ints) when t requires grad and grad
 * mode is on.  Returns r, or NULL after freeing r when recording fails (no formula for an op
 * whose BACKWARD column names one is an error: "derivative for op is not implemented"). */
TH_API THTensor *THAutograd_recordUnary(THOp op, const THTensor *t, THTensor *r, int nints,
                                        const int64_t *ints);
/* The row for op, or NULL with *differentiable false for ops marked `none`; an error when
 * the op is differentiable but has no formula yet. */
TH_API int THAutograd_rowFor(THOp op, const THDerivative **row);
/* Checks made before an op writes: in-place on a leaf that requires grad and out= with inputs
 * that require grad are errors while grad mode is on. */
TH_API int THAutograd_checkInplace(const char *op, const THTensor *self);
TH_API int THAutograd_checkOut(const char *op, const THTensor *out);
/* The node for THArg operands of a pointwise op (numbers become THInputMeta numbers). */
TH_API int THAutograd_recordPointwise(THOp op, int n, const THArg *args, THTensor *result,
                                      bool inplace, const THOpParams *p);

/* ---- formulas ----
 * A formula reads the output gradients and saved values through the context and sets the
 * input gradients.  Every tensor the helpers return is owned by the context (freed when the
 * formula ends); a helper given NULL returns NULL, so a failed step makes the rest no-ops and
 * the context reports the first error.  Gradients may be of the broadcast shape: the engine
 * sums them back to each input's shape and dtype. */
struct THGradCtx {
  THNode *node;
  THTensor **gout;      /* [noutputs], NULL: zero */
  THTensor **gin;       /* [ninputs] results */
  int ntmp;
  THTensor *tmp[48];
  bool failed;
};

TH_API THTensor *ag_keep(THGradCtx *c, THTensor *t); /* takes ownership of a new reference */
TH_API THTensor *ag_grad(THGradCtx *c, int i);       /* output i's gradient (zeros when none) */
TH_API THTensor *ag_saved(THGradCtx *c, int i);      /* saved input i (TH_SAVE_IN order) */
TH_API THTensor *ag_result(THGradCtx *c, int i);     /* saved output i */
TH_API THArg ag_input(THGradCtx *c, int i);          /* saved input i or its number */
TH_API bool ag_needs(THGradCtx *c, int i);           /* input i wants a gradient */
TH_API void ag_set(THGradCtx *c, int i, THTensor *g);
TH_API void ag_fail(THGradCtx *c);                    /* mark failed (error already set) */
TH_API const THInputMeta *ag_meta(THGradCtx *c, int i);

TH_API THTensor *ag_pointwise(THGradCtx *c, THOp op, int n, const THArg *args,
                              const THOpParams *p);
TH_API THTensor *ag_unary(THGradCtx *c, THOp op, THArg a);
TH_API THTensor *ag_binary(THGradCtx *c, THOp op, THArg a, THArg b);
TH_API THTensor *ag_ternary(THGradCtx *c, THOp op, THArg a, THArg b, THArg d);
TH_API THTensor *ag_scaled(THGradCtx *c, THOp op, THArg a, THArg b, double alpha); /* add/sub */
TH_API THTensor *ag_sumTo(THGradCtx *c, THTensor *g, int ndim, const int64_t *size);
TH_API THTensor *ag_sum(THGradCtx *c, THTensor *g, int ndims, const int *dims, bool keepdim);
TH_API THTensor *ag_expand(THGradCtx *c, THTensor *g, int ndim, const int64_t *size);
TH_API THTensor *ag_reshape(THGradCtx *c, THTensor *g, int ndim, const int64_t *size);
TH_API THTensor *ag_zerosLike(THGradCtx *c, const THInputMeta *m);
TH_API THTensor *ag_toDtype(THGradCtx *c, THTensor *g, THDtype dtype);

static inline double ag_scalar(THScalar s) { return s.kind == TH_KIND_FLOAT ? s.f : (double)s.i; }
#define AG_FAILED_KIND ((THDtypeKind)99) /* marks the operand of a failed step */
static inline THArg ag_argT(const THTensor *t) {
  THArg a = THArg_tensor(t);
  if (!t) a.s.kind = AG_FAILED_KIND;
  return a;
}
static inline THArg ag_argA(THArg a) { return a; }
static inline THArg ag_argD(double v) { return THArg_number(v); }
#define AG_ARG(x)                                                                             \
  _Generic((x), THArg: ag_argA, THTensor *: ag_argT, const THTensor *: ag_argT, double: ag_argD, \
           int: ag_argD)(x)

/* Shorthand for formula bodies (a THGradCtx *c is in scope). */
#define G(i) ag_grad(c, i)
#define IN(i) ag_input(c, i)
#define SAVED(i) ag_saved(c, i)
#define RESULT(i) ag_result(c, i)
#define NEEDS(i) ag_needs(c, i)
#define SET(i, g) ag_set(c, i, g)
#define UNARY(op, a) ag_unary(c, TH_OP_##op, AG_ARG(a))
#define BINARY(op, a, b) ag_binary(c, TH_OP_##op, AG_ARG(a), AG_ARG(b))
#define TERNARY(op, a, b, d) ag_ternary(c, TH_OP_##op, AG_ARG(a), AG_ARG(b), AG_ARG(d))
#define ADD(a, b) ag_scaled(c, TH_OP_add, AG_ARG(a), AG_ARG(b), 1.0)
#define SUB(a, b) ag_scaled(c, TH_OP_sub, AG_ARG(a), AG_ARG(b), 1.0)
#define MUL(a, b) BINARY(mul, a, b)
#define DIV(a, b) BINARY(div, a, b)
#define NEG(a) UNARY(neg, a)
#define POW(a, b) BINARY(pow, a, b)
#define ALPHA (c->node->params.alpha)
#define BETA (c->node->params.beta)
#define GAMMA (c->node->params.gamma)
#define INTS (c->node->ints)

/* Row table helper: `static THDerivative rows[] = {TH_DERIV_ROW(mul, TH_SAVE_IN(0) | ...), ...}`
 * with `static void d_mul(THGradCtx *c)` defined above it, registered at load time with
 * THAutograd_registerRows (which fills the names from THOps.def). */
#define TH_DERIV_ROW(op, save) {TH_OP_##op, NULL, save, d_##op, NULL, NULL}

#endif
