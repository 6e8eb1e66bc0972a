/* lb_autograd.c: the autograd engine's Lua face — tensor fields (grad, grad_fn, is_leaf), the
 * backward and grad entry points, grad mode, gradient hooks and functions defined in Lua.
 *
 * Hooks and Lua functions are Lua values that the C engine calls back during a backward pass.
 * They are kept in the registry; the engine calls them through a trampoline closure (which
 * has the tensor metatable as upvalue, so it can push tensors) under lua_pcall on the thread
 * that started the pass, so a Lua error becomes a TH error and unwinds no C frame.  Graph
 * nodes reach Lua as small userdata holding one node reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lb.h"
#include "autograd/THNode.h"

/* the thread running the current backward pass (callbacks run there) */
static _Thread_local lua_State *active_L;
/* the error value of a callback that failed during the current pass (a registry reference),
 * raised again as it is once the pass has unwound: a hook's error reaches the caller of
 * backward unchanged, with the position of the line that raised it */
static _Thread_local int callback_error = LUA_NOREF;

/* ======================================================================= callbacks */

typedef struct {
  lua_State *main;   /* for releasing the references from any thread of the state */
  int fn_ref;
  int trampoline_ref;
  char *name;        /* Lua functions: the node name */
} LBCallback;

typedef struct {
  LBCallback *cb;
  int nargs;
  THTensor **args;   /* tensors passed to the function (NULL: nil) */
  int nresults;
  THTensor **results;/* new references or NULL */
  bool exact;        /* results must be exactly nresults values */
} LBCall;

static void callback_free(void *p) {
  LBCallback *cb = p;
  if (!cb) return;
  luaL_unref(cb->main, LUA_REGISTRYINDEX, cb->fn_ref);
  free(cb->name);
  free(cb);
}

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static LBCallback *callback_new(lua_State *L, int fn_idx, const char *name) {
  LBCallback *cb = calloc(1, sizeof *cb);
  if (!cb) luaL_error(L, "out of memory");
  lua_getfield(L, LUA_REGISTRYINDEX, "torch.mainthread");
  cb->main = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!cb->main) cb->main = L;
  lua_getfield(L, LUA_REGISTRYINDEX, "torch.autograd.trampoline");
  cb->trampoline_ref = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  cb->name = name ? copy_string(name) : NULL;
  lua_pushvalue(L, fn_idx);
  cb->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return cb;
}

/* trampoline(call): runs the callback, collecting its tensor results. */
static int lb_trampoline(lua_State *L) {
  LBCall *c = lua_touserdata(L, 1);
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->cb->fn_ref);
  for (int i = 0; i < c->nargs; i++) {
    if (c->args[i]) {
      THTensor_retain(c->args[i]);
      lb_push(L, c->args[i]);
    } else {
      lua_pushnil(L);
    }
  }
  lua_call(L, c->nargs, LUA_MULTRET);
  int got = lua_gettop(L);
  if (c->exact && got != c->nresults)
    return luaL_error(L, "function %s returned an incorrect number of gradients (expected %d, got %d)",
                      c->cb->name ? c->cb->name : "backward", c->nresults, got);
  for (int i = 0; i < c->nresults && i < got; i++) {
    if (lua_isnil(L, i + 1)) continue;
    THTensor *t = lb_totensor(L, i + 1);
    if (!t)
      return luaL_error(L, "%s must return tensors or nil, got %s as value %d",
                        c->cb->name ? c->cb->name : "a gradient hook", luaL_typename(L, i + 1), i + 1);
    THTensor_retain(t);
    c->results[i] = t;
  }
  return 0;
}

static int run_callback(LBCall *c) {
  lua_State *L = active_L;
  if (!L)
    return TH_setError("a Lua hook or function was reached by a backward pass not started from Lua");
  for (int i = 0; i < c->nresults; i++) c->results[i] = NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->cb->trampoline_ref);
  lua_pushlightuserdata(L, c);
  if (lua_pcall(L, 1, 0, 0) == 0) return TH_OK;
  TH_setError("%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "error in a Lua callback");
  luaL_unref(L, LUA_REGISTRYINDEX, callback_error);
  callback_error = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the error value */
  for (int i = 0; i < c->nresults; i++) {
    THTensor_free(c->results[i]);
    c->results[i] = NULL;
  }
  return TH_ERROR;
}

static int hook_call(void *ctx, THTensor *grad, THTensor **replace) {
  LBCall c = {.cb = ctx, .nargs = 1, .args = &grad, .nresults = 1, .results = replace};
  return run_callback(&c);
}

/* ---- functions defined in Lua: their node calls backward(grads...) -> input grads ---- */
static int custom_apply(THNode *n, THTensor **grads_out, THTensor **grads_in) {
  THTensor *zeros[8] = {0};
  THTensor **args = grads_out;
  if (n->noutputs > 1 && n->noutputs <= 8) { /* missing gradients arrive as zeros */
    for (int j = 0; j < n->noutputs; j++) {
      const THInputMeta *m = &n->outmeta[j];
      zeros[j] = grads_out[j] ? NULL : THTensor_full(m->dtype, m->device, m->ndim, m->size, 0.0);
    }
    args = zeros;
    for (int j = 0; j < n->noutputs; j++)
      if (grads_out[j]) args[j] = grads_out[j];
  }
  LBCall c = {.cb = n->extra, .nargs = n->noutputs, .args = args, .nresults = n->ninputs,
              .results = grads_in, .exact = true};
  int rc = run_callback(&c);
  for (int j = 0; j < 8; j++)
    if (zeros[j] && zeros[j] != grads_out[j]) THTensor_free(zeros[j]);
  return rc;
}

static void custom_destroy(THNode *n) { callback_free(n->extra); }

static THDerivative custom_row = {TH_NODE_CUSTOM, "Function", 0, NULL, custom_apply,
                                  custom_destroy};

/* ======================================================================= nodes */

static const char lb_node_magic = 'N';
typedef struct {
  THNode *n;
  const void *magic;
} LBNodeBox;

static void push_node(lua_State *L, THNode *n) {
  if (!n) {
    lua_pushnil(L);
    return;
  }
  LBNodeBox *b = lua_newuserdata(L, sizeof *b);
  b->n = NULL;
  b->magic = &lb_node_magic;
  lua_getfield(L, LUA_REGISTRYINDEX, "torch.autograd.node_mt");
  lua_setmetatable(L, -2);
  THNode_retain(n);
  b->n = n;
}

static THNode *check_node(lua_State *L, int idx) {
  LBNodeBox *b = lua_touserdata(L, idx);
  if (!b || lua_objlen(L, idx) != sizeof *b || b->magic != &lb_node_magic)
    luaL_typerror(L, idx, "autograd node");
  return b->n;
}

static int lb_node_gc(lua_State *L) {
  LBNodeBox *b = lua_touserdata(L, 1);
  THNode_free(b->n);
  b->n = NULL;
  return 0;
}

static int lb_node_tostring(lua_State *L) {
  THNode *n = check_node(L, 1);
  lua_pushfstring(L, "<%s object at %p>", THNode_name(n), (void *)n);
  return 1;
}

static int lb_node_eq(lua_State *L) {
  lua_pushboolean(L, check_node(L, 1) == check_node(L, 2));
  return 1;
}

static int lb_node_name(lua_State *L) {
  lua_pushstring(L, THNode_name(check_node(L, 1)));
  return 1;
}

/* node_next(node) -> {{node or false, output number of that node (1-based)}, ...} */
static int lb_node_next(lua_State *L) {
  THNode *n = check_node(L, 1);
  int k = THNode_numInputs(n);
  lua_createtable(L, k, 0);
  for (int i = 0; i < k; i++) {
    int nr = 0;
    THNode *m = THNode_next(n, i, &nr);
    lua_createtable(L, 2, 0);
    if (m) push_node(L, m);
    else lua_pushboolean(L, 0);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, nr + 1);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

static int lb_node_variable(lua_State *L) {
  THTensor *t = THNode_variable(check_node(L, 1));
  if (!t) return 0;
  THTensor_retain(t);
  return lb_push(L, t);
}

/* ======================================================================= tensor fields */

static int push_borrowed(lua_State *L, THTensor *t) {
  if (!t) {
    lua_pushnil(L);
    return 1;
  }
  THTensor_retain(t);
  return lb_push(L, t);
}

static int lb_grad(lua_State *L) { return push_borrowed(L, THAutograd_grad(lb_checktensor(L, 1))); }

static int lb_set_grad(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THTensor *g = lua_isnoneornil(L, 2) ? NULL : lb_checktensor(L, 2);
  if (THAutograd_setGrad(t, g) != TH_OK) return lb_error(L);
  return 0;
}

static int lb_grad_fn(lua_State *L) {
  push_node(L, THAutograd_gradFn(lb_checktensor(L, 1)));
  return 1;
}

static int lb_is_leaf(lua_State *L) {
  lua_pushboolean(L, THAutograd_isLeaf(lb_checktensor(L, 1)));
  return 1;
}

static int lb_output_nr(lua_State *L) {
  lua_pushinteger(L, THAutograd_outputNr(lb_checktensor(L, 1)) + 1);
  return 1;
}

static int lb_retain_grad(lua_State *L) {
  if (THAutograd_retainGrad(lb_checktensor(L, 1)) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

static int lb_retains_grad(lua_State *L) {
  lua_pushboolean(L, THAutograd_retainsGrad(lb_checktensor(L, 1)));
  return 1;
}

static int lb_detach(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THTensor **slot = lb_newslot(L);
  THTensor *r = THAutograd_detach(t);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

static int lb_detach_(lua_State *L) {
  if (THAutograd_detachInplace(lb_checktensor(L, 1)) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

static int lb_is_grad_enabled(lua_State *L) {
  lua_pushboolean(L, THAutograd_isEnabled());
  return 1;
}

/* set_grad_enabled(flag) -> previous flag */
static int lb_set_grad_enabled(lua_State *L) {
  luaL_checktype(L, 1, LUA_TBOOLEAN);
  lua_pushboolean(L, THAutograd_isEnabled());
  THAutograd_setEnabled(lua_toboolean(L, 1));
  return 1;
}

/* register_hook(x, fn) -> handle */
static int lb_register_hook(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  LBCallback *cb = callback_new(L, 2, "a gradient hook");
  int handle = 0;
  if (THAutograd_registerHook(t, hook_call, cb, callback_free, &handle) != TH_OK) {
    callback_free(cb);
    return lb_error(L);
  }
  lua_pushinteger(L, handle);
  return 1;
}

static int lb_remove_hook(lua_State *L) {
  THAutograd_removeHook(lb_checktensor(L, 1), (int)luaL_checkinteger(L, 2));
  return 0;
}

/* ======================================================================= backward */

/* Reads n tensors (or nils when nil_ok) from the table at idx into a new array. */
static THTensor **tensor_list(lua_State *L, int idx, int n, bool nil_ok, const char *what) {
  THTensor **v = lua_newuserdata(L, (size_t)(n ? n : 1) * sizeof *v); /* freed by the GC */
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    v[i] = lb_totensor(L, -1);
    if (!v[i] && !(nil_ok && lua_isnil(L, -1)))
      luaL_error(L, "%s[%d] must be a tensor, got %s", what, i + 1, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  return v;
}

/* run_backward(outputs, n, grads, inputs, ninputs, retain_graph, create_graph, accumulate,
 *              allow_unused) -> results table (when not accumulating) */
static int lb_run_backward(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int n = (int)luaL_checkinteger(L, 2);
  int ninputs = (int)luaL_optinteger(L, 5, 0);
  THBackwardOptions o = {lua_toboolean(L, 6), lua_toboolean(L, 7), lua_toboolean(L, 8),
                         lua_toboolean(L, 9)};
  THTensor **outs = tensor_list(L, 1, n, false, "outputs");
  THTensor **grads = lua_istable(L, 3) ? tensor_list(L, 3, n, true, "grad_tensors") : NULL;
  THTensor **ins = ninputs ? tensor_list(L, 4, ninputs, false, "inputs") : NULL;
  THTensor **res = lua_newuserdata(L, (size_t)(ninputs ? ninputs : 1) * sizeof *res);
  lua_State *prev = active_L;
  int prev_error = callback_error;
  active_L = L;
  callback_error = LUA_NOREF;
  int rc = THAutograd_backward(n, outs, grads, ninputs, ins, res, &o);
  int err = callback_error;
  active_L = prev;
  callback_error = prev_error;
  if (err != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, err);
    luaL_unref(L, LUA_REGISTRYINDEX, err);
    if (rc != TH_OK) return lua_error(L);
    lua_pop(L, 1);
  }
  if (rc != TH_OK) return lb_error(L);
  if (o.accumulate) return 0;
  lua_createtable(L, ninputs, 0);
  for (int j = 0; j < ninputs; j++) {
    if (!res[j]) continue;
    lb_push(L, res[j]); /* takes the reference */
    lua_rawseti(L, -2, j + 1);
  }
  return 1;
}

/* record_function(name, inputs, ninputs, outputs, noutputs, backward) gives the outputs a
 * node whose backward calls the Lua function with one gradient per output and expects one
 * gradient (or nil) per input. */
static int lb_record_function(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  int nin = (int)luaL_checkinteger(L, 3);
  luaL_checktype(L, 4, LUA_TTABLE);
  int nout = (int)luaL_checkinteger(L, 5);
  luaL_checktype(L, 6, LUA_TFUNCTION);
  if (nout > 8) return luaL_error(L, "[autograd.Function] at most 8 tensor outputs, got %d", nout);
  THTensor **ins = tensor_list(L, 2, nin, false, "inputs");
  THTensor **outs = tensor_list(L, 4, nout, false, "outputs");
  LBCallback *cb = callback_new(L, 6, name);
  THRecordArgs a = {.extra = cb, .name = cb->name};
  if (THAutograd_record(&custom_row, nin, (const THTensor *const *)ins, nout, outs, &a) != TH_OK) {
    callback_free(cb);
    return lb_error(L);
  }
  return 0;
}

void lb_open_autograd(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"grad", lb_grad},
      {"set_grad", lb_set_grad},
      {"grad_fn", lb_grad_fn},
      {"is_leaf", lb_is_leaf},
      {"output_nr", lb_output_nr},
      {"retain_grad", lb_retain_grad},
      {"retains_grad", lb_retains_grad},
      {"detach", lb_detach},
      {"detach_", lb_detach_},
      {"is_grad_enabled", lb_is_grad_enabled},
      {"set_grad_enabled", lb_set_grad_enabled},
      {"register_hook", lb_register_hook},
      {"remove_hook", lb_remove_hook},
      {"run_backward", lb_run_backward},
      {"record_function", lb_record_function},
      {"node_name", lb_node_name},
      {"node_next", lb_node_next},
      {"node_variable", lb_node_variable},
      {NULL, NULL}};
  lb_register(L, funcs);
  /* the trampoline, with the tensor metatable as its upvalue, kept in the registry */
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, lb_trampoline, 1);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushinteger(L, ref);
  lua_setfield(L, LUA_REGISTRYINDEX, "torch.autograd.trampoline");
  /* the node metatable (methods are added in Lua) */
  lua_newtable(L);
  lua_pushcfunction(L, lb_node_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, lb_node_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, lb_node_eq);
  lua_setfield(L, -2, "__eq");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "torch.autograd.node_mt");
  lua_setfield(L, -3, "node_mt");
}
