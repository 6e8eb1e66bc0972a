/* THAutograd.h: reverse-mode automatic differentiation over lib/TH's ops, as C users see it.
 *
 * A tensor that requires grad is either a leaf (made by the user, t->requires_grad set) or the
 * output of a recorded op, in which case its metadata points at the graph node (grad_fn) that
 * made it.  Op entry points record a node when grad mode is on and an input requires grad;
 * the engine (THEngine.c) walks the nodes backwards from the outputs, calling each op's backward
 * formula (one row per op in the derivative tables, lib/TH/autograd/THDeriv*.c).  Formulas
 * are built from the same public ops, so a backward pass run with create_graph is itself
 * recorded and can be differentiated again.  Nothing here depends on the device: the formulas
 * call the dispatching ops.
 */
#ifndef TH_AUTOGRAD_H
#define TH_AUTOGRAD_H

#include "../THMath.h"

typedef struct THNode THNode;

/* ---- grad mode (per thread; on by default) ---- */
TH_API bool THAutograd_isEnabled(void);
TH_API void THAutograd_setEnabled(bool enabled);

/* ---- per-tensor state ---- */
/* Marks a leaf as requiring grad (or not).  Fails for non-floating dtypes and for non-leaves
 * asked to stop requiring grad. */
TH_API int THAutograd_setRequiresGrad(THTensor *t, bool flag);
TH_API bool THAutograd_isLeaf(const THTensor *t);
/* The accumulated gradient (borrowed; NULL when none). */
TH_API THTensor *THAutograd_grad(const THTensor *t);
/* Replaces the gradient (g may be NULL; it is retained).  Checks shape, dtype and device. */
TH_API int THAutograd_setGrad(THTensor *t, THTensor *g);
/* The node that made t (borrowed; NULL for leaves), and which of its outputs t is. */
TH_API THNode *THAutograd_gradFn(const THTensor *t);
TH_API int THAutograd_outputNr(const THTensor *t);
/* Keep the gradient of a non-leaf in .grad during backward (no-op for leaves). */
TH_API int THAutograd_retainGrad(THTensor *t);
TH_API bool THAutograd_retainsGrad(const THTensor *t);
/* A new tensor sharing t's storage with no history (detach), or cut t's own history. */
TH_API THTensor *THAutograd_detach(const THTensor *t);
TH_API int THAutograd_detachInplace(THTensor *t);

/* A gradient hook: called with the gradient flowing into t; may set *replace to a new
 * gradient (a new reference) or leave it NULL to keep the gradient.  Returns TH_OK or
 * TH_ERROR.  free_ctx (may be NULL) releases ctx when the hook is dropped. */
typedef int (*THGradHook)(void *ctx, THTensor *grad, THTensor **replace);
TH_API int THAutograd_registerHook(THTensor *t, THGradHook fn, void *ctx, void (*free_ctx)(void *),
                                   int *handle);
TH_API void THAutograd_removeHook(THTensor *t, int handle);

/* ---- running backward ---- */
typedef struct {
  bool retain_graph;
  bool create_graph;
  bool accumulate;  /* true: add into leaves' .grad (backward); false: return grads (grad) */
  bool allow_unused;
} THBackwardOptions;

/* Differentiates outputs[0..n) weighted by grads[i] (NULL: ones, allowed for one-element
 * outputs).  With accumulate, gradients go into the .grad of the leaves (or only of
 * inputs[0..ninputs) when ninputs > 0); otherwise results[j] receives the gradient of
 * inputs[j] (a new reference, or NULL when unused and allow_unused). */
TH_API int THAutograd_backward(int n, THTensor *const *outputs, THTensor *const *grads,
                               int ninputs, THTensor *const *inputs, THTensor **results,
                               const THBackwardOptions *opts);

/* ---- graph inspection ---- */
TH_API const char *THNode_name(const THNode *n);
TH_API void THNode_retain(THNode *n);
TH_API void THNode_free(THNode *n);
TH_API int THNode_numInputs(const THNode *n);
/* The i-th next edge: the node gradients flow to (borrowed; NULL when that input needs no
 * grad) and which of its inputs. */
TH_API THNode *THNode_next(const THNode *n, int i, int *input_nr);
/* AccumulateGrad nodes: the leaf they accumulate into (borrowed). */
TH_API THTensor *THNode_variable(const THNode *n);

#endif
