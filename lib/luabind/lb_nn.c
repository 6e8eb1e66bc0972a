/* lb_nn.c: bindings for the neural-network kernels (lib/TH/THNN.h), installed as torch._nn:
 * convolutions, poolings, softmax, batch/layer/group norm, embedding and losses, each with its
 * backward function.  These are the low-level functions the nn modules and autograd formulas
 * build on: plain tensors in, plain tensors out, no graph.
 *
 * Arguments: the fixed tensors first, then PyTorch's further arguments by position and/or a
 * trailing options table ({stride = 2, padding = {1, 0}, ...}); unknown options are errors.
 * Sizes (kernel_size, stride, ...) are a number or a table of one per spatial dim.
 *
 * This is the one place where positions change base: dims arrive 1-based (lb_checkdim);
 * class targets, embedding indices, padding_idx, ignore_index and max-pool indices arrive
 * 1-based and are checked and shifted here (lib/TH is 0-based); max-pool indices go back
 * 1-based.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "THNN.h"
#include "lb.h"

/* ======================================================================= errors */

/* Raises "[op] ..." prefixed with the user's line, like lib/TH's own errors. */
static int fail(lua_State *L, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  TH_setError("%s", buf);
  return lb_error(L);
}

/* ======================================================================= arguments */

/* The arguments after the fixed ones, gathered into one table (at stack index t): positional
 * values by name, then the keys of a trailing options table.  A trailing table is options
 * when it is not a tensor and has no element [1] (a size table like {2, 2} is positional). */
typedef struct {
  lua_State *L;
  int t;
  const char *op;
} Args;

static bool is_options(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || lb_totensor(L, idx)) return false;
  lua_rawgeti(L, idx, 1);
  bool r = lua_isnil(L, -1);
  lua_pop(L, 1);
  return r;
}

static bool in_list(const char *const *list, const char *s) {
  for (; list && *list; list++)
    if (strcmp(*list, s) == 0) return true;
  return false;
}

/* pos: names of the positional arguments from `first` on; extra: further option names. */
static void args_open(Args *a, lua_State *L, int first, const char *op, const char *const *pos,
                      const char *const *extra) {
  int top = lua_gettop(L), npos_max = 0;
  while (pos && pos[npos_max]) npos_max++;
  bool opts = top >= first && is_options(L, top);
  int last = opts ? top - 1 : top;
  if (last - first + 1 > npos_max)
    fail(L, "[%s] expected at most %d positional arguments, got %d", op, first - 1 + npos_max,
         last);
  lua_createtable(L, 0, 8);
  a->L = L;
  a->t = lua_gettop(L);
  a->op = op;
  for (int i = first; i <= last; i++) {
    if (lua_isnil(L, i)) continue;
    lua_pushvalue(L, i);
    lua_setfield(L, a->t, pos[i - first]);
  }
  if (!opts) return;
  lua_pushnil(L);
  while (lua_next(L, top)) {
    if (lua_type(L, -2) != LUA_TSTRING ||
        (!in_list(pos, lua_tostring(L, -2)) && !in_list(extra, lua_tostring(L, -2)))) {
      if (lua_type(L, -2) == LUA_TSTRING) fail(L, "[%s] unknown option \"%s\"", op, lua_tostring(L, -2));
      fail(L, "[%s] unknown option %s", op, luaL_typename(L, -2));
    }
    lua_pushvalue(L, -2);
    lua_rawget(L, a->t);
    if (!lua_isnil(L, -1))
      fail(L, "[%s] %s given both as an argument and as an option", op, lua_tostring(L, -3));
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, a->t);
  }
}

/* Pushes option `name`; false (nothing pushed) when absent. */
static bool opt_get(Args *a, const char *name) {
  lua_getfield(a->L, a->t, name);
  if (lua_isnil(a->L, -1)) {
    lua_pop(a->L, 1);
    return false;
  }
  return true;
}

static const char *type_of(lua_State *L, int idx) {
  return lb_totensor(L, idx) ? "a Tensor" : luaL_typename(L, idx);
}

static int64_t to_int(Args *a, int idx, const char *name) {
  lua_Number v = lua_tonumber(a->L, idx);
  if (v != floor(v) || fabs(v) > 9.007199254740992e15)
    fail(a->L, "[%s] %s must be an integer, got %g", a->op, name, v);
  return (int64_t)v;
}

/* n integers from a number (repeated) or a table of n numbers; def when absent or {}. */
static bool opt_ints(Args *a, const char *name, int n, int64_t *out, int64_t def) {
  lua_State *L = a->L;
  for (int i = 0; i < n; i++) out[i] = def;
  if (!opt_get(a, name)) return false;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    int64_t v = to_int(a, -1, name);
    for (int i = 0; i < n; i++) out[i] = v;
  } else if (lua_type(L, -1) == LUA_TTABLE && !lb_totensor(L, -1)) {
    int len = (int)lua_objlen(L, -1);
    if (len == 0) {
      lua_pop(L, 1);
      return false;
    }
    if (len != n) fail(L, "[%s] %s must have %d value%s, got %d", a->op, name, n, n == 1 ? "" : "s", len);
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, -1, i + 1);
      if (lua_type(L, -1) != LUA_TNUMBER)
        fail(L, "[%s] %s must hold numbers, got %s", a->op, name, luaL_typename(L, -1));
      out[i] = to_int(a, -1, name);
      lua_pop(L, 1);
    }
  } else {
    fail(L, "[%s] %s must be a number or a table of %d numbers, got %s", a->op, name, n,
         type_of(L, -1));
  }
  lua_pop(L, 1);
  return true;
}

static int64_t opt_int(Args *a, const char *name, int64_t def) {
  if (!opt_get(a, name)) return def;
  if (lua_type(a->L, -1) != LUA_TNUMBER)
    fail(a->L, "[%s] %s must be a number, got %s", a->op, name, type_of(a->L, -1));
  int64_t v = to_int(a, -1, name);
  lua_pop(a->L, 1);
  return v;
}

static double opt_num(Args *a, const char *name, double def) {
  if (!opt_get(a, name)) return def;
  if (lua_type(a->L, -1) != LUA_TNUMBER)
    fail(a->L, "[%s] %s must be a number, got %s", a->op, name, type_of(a->L, -1));
  double v = lua_tonumber(a->L, -1);
  lua_pop(a->L, 1);
  return v;
}

static bool opt_bool(Args *a, const char *name, bool def) {
  if (!opt_get(a, name)) return def;
  if (lua_type(a->L, -1) != LUA_TBOOLEAN)
    fail(a->L, "[%s] %s must be a boolean, got %s", a->op, name, type_of(a->L, -1));
  bool v = lua_toboolean(a->L, -1);
  lua_pop(a->L, 1);
  return v;
}

/* A tensor option (NULL when absent); the args table keeps it alive. */
static THTensor *opt_tensor(Args *a, const char *name) {
  if (!opt_get(a, name)) return NULL;
  THTensor *t = lb_totensor(a->L, -1);
  if (!t) fail(a->L, "[%s] %s must be a Tensor, got %s", a->op, name, type_of(a->L, -1));
  lua_pop(a->L, 1);
  return t;
}

/* output_mask = {bool, bool, bool}; all true by default. */
static void opt_mask(Args *a, bool mask[3]) {
  lua_State *L = a->L;
  mask[0] = mask[1] = mask[2] = true;
  if (!opt_get(a, "output_mask")) return;
  if (lua_type(L, -1) != LUA_TTABLE || lua_objlen(L, -1) != 3)
    fail(L, "[%s] output_mask must be a table of 3 booleans, got %s", a->op, type_of(L, -1));
  for (int i = 0; i < 3; i++) {
    lua_rawgeti(L, -1, i + 1);
    if (lua_type(L, -1) != LUA_TBOOLEAN)
      fail(L, "[%s] output_mask must be a table of 3 booleans", a->op);
    mask[i] = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static THReduction opt_reduction(Args *a) {
  if (!opt_get(a, "reduction")) return TH_REDUCTION_MEAN;
  const char *s = lua_type(a->L, -1) == LUA_TSTRING ? lua_tostring(a->L, -1) : NULL;
  THReduction r = !s ? (THReduction)-1
                  : strcmp(s, "none") == 0 ? TH_REDUCTION_NONE
                  : strcmp(s, "mean") == 0 ? TH_REDUCTION_MEAN
                  : strcmp(s, "sum") == 0  ? TH_REDUCTION_SUM
                                           : (THReduction)-1;
  if ((int)r < 0)
    fail(a->L, "[%s] reduction must be 'none', 'mean' or 'sum', got %s%s%s", a->op,
         s ? "'" : "", s ? s : type_of(a->L, -1), s ? "'" : "");
  lua_pop(a->L, 1);
  return r;
}

/* ======================================================================= results */

/* Puts t (a new reference, or NULL for "no result") into the slot at stack index pos, or nil
 * there. */
static void put(lua_State *L, int pos, THTensor *t) {
  if (!t) {
    lua_pushnil(L);
    lua_replace(L, pos);
    return;
  }
  THTensor **slot = lua_touserdata(L, pos);
  lb_fill(L, slot, t);
}

/* n result slots on top of the stack; returns the position of the first. */
static int slots(lua_State *L, int n) {
  for (int i = 0; i < n; i++) lb_newslot(L);
  return lua_gettop(L) - n + 1;
}

/* A tensor owned by a fresh slot on the stack (freed by the GC whatever happens next). */
static THTensor *owned(lua_State *L, THTensor *t) {
  THTensor **slot = lb_newslot(L);
  if (!t) lb_error(L);
  lb_fill(L, slot, t);
  return t;
}

/* A new contiguous int64 tensor holding t - 1, every value of t in [1, hi] unless it equals
 * skip (when has_skip); owned by a slot on the stack, on t's device.  The values are checked
 * and shifted on the host: a device tensor goes through a CPU copy (kept in a second slot),
 * which is then copied back. */
static THTensor *index_minus1(lua_State *L, const char *op, const char *what, THTensor *t,
                              int64_t hi, bool has_skip, int64_t skip) {
  if (THDtype_kind(t->dtype) != TH_KIND_INT)
    fail(L, "[%s] expected %s to have an integer dtype, got %s", op, what, THDtype_name(t->dtype));
  THTensor **slot = lb_newslot(L);
  THTensor *c = THTensor_empty(TH_I64, TH_CPU, t->ndim, t->size);
  if (!c) lb_error(L);
  lb_fill(L, slot, c);
  if (THTensor_copy(c, t) != TH_OK) lb_error(L);
  THTensor *result = c;
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    THTensor **dslot = lb_newslot(L);
    result = THTensor_empty(TH_I64, THTensor_device(t), t->ndim, t->size);
    if (!result) lb_error(L);
    lb_fill(L, dslot, result);
  }
  int64_t *p = THTensor_data(c), n = THTensor_numel(c);
  for (int64_t i = 0; i < n; i++) {
    int64_t v = p[i];
    if (has_skip && v == skip) {
      p[i] = v - 1;
      continue;
    }
    if (v < 1 || v > hi)
      fail(L, "[%s] %s %lld is out of range (expected 1..%lld)", op, what, (long long)v,
           (long long)hi);
    p[i] = v - 1;
  }
  if (result != c && THTensor_copy(result, c) != TH_OK) lb_error(L);
  return result;
}

/* Adds one to every element of a contiguous int64 tensor (0-based indices out to Lua); on a
 * device by the add kernel. */
static int plus1(THTensor *t) {
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    THTensor *r = THTensor_add(t, THArg_tensor(t), THArg_number(1), 1);
    THTensor_free(r);
    return r ? TH_OK : TH_ERROR;
  }
  int64_t *p = THTensor_data(t), n = THTensor_numel(t);
  for (int64_t i = 0; i < n; i++) p[i]++;
  return TH_OK;
}

/* ======================================================================= convolution */

static const char *const CONV_POS[] = {"bias", "stride", "padding", "dilation", "groups", NULL};
static const char *const CONVT_POS[] = {"bias", "stride", "padding", "output_padding", "groups",
                                        "dilation", NULL};

/* padding: a number, a table, 'valid' or 'same' (stride 1, even total padding). */
static void conv_padding(Args *a, int sd, const THTensor *w, THNNConvParams *p) {
  lua_State *L = a->L;
  bool has = opt_get(a, "padding");
  if (has && lua_type(L, -1) == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    if (strcmp(s, "valid") == 0) {
      p->padding[0] = p->padding[1] = 0;
    } else if (strcmp(s, "same") == 0) {
      for (int i = 0; i < sd; i++) {
        if (p->stride[i] != 1)
          fail(L, "[%s] padding='same' is not supported for strided convolutions", a->op);
        int64_t k = w->ndim == sd + 2 ? w->size[2 + i] : 1;
        int64_t total = p->dilation[i] * (k - 1);
        if (total % 2)
          fail(L, "[%s] padding='same' needs an even total padding dilation * (kernel_size - 1), "
                  "got %lld", a->op, (long long)total);
        p->padding[i] = total / 2;
      }
    } else {
      fail(L, "[%s] padding must be a number, a table, 'valid' or 'same', got '%s'", a->op, s);
    }
    lua_pop(L, 1);
    return;
  }
  if (has) lua_pop(L, 1);
  opt_ints(a, "padding", sd, p->padding, 0);
}

static int conv_common(lua_State *L, int sd, bool transposed) {
  static const char *names[2][2] = {{"conv1d", "conv2d"}, {"conv_transpose1d", "conv_transpose2d"}};
  const char *op = names[transposed][sd - 1];
  char b1[TH_SHAPE_STRLEN];
  THTensor *x = lb_checktensor(L, 1), *w = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, op, transposed ? CONVT_POS : CONV_POS, NULL);
  if (w->ndim != sd + 2)
    return fail(L, "[%s] expected a %d-D weight, got weight of shape %s", op, sd + 2,
                TH_formatShape(b1, w->ndim, w->size));
  THTensor *b = opt_tensor(&a, "bias");
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  p.transposed = transposed;
  opt_ints(&a, "stride", sd, p.stride, 1);
  opt_ints(&a, "dilation", sd, p.dilation, 1);
  conv_padding(&a, sd, w, &p);
  if (transposed) opt_ints(&a, "output_padding", sd, p.output_padding, 0);
  p.groups = opt_int(&a, "groups", 1);
  int r = slots(L, 1);
  THTensor *y = THNN_convolution(x, w, b, &p);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

static int lb_conv1d(lua_State *L) { return conv_common(L, 1, false); }
static int lb_conv2d(lua_State *L) { return conv_common(L, 2, false); }
static int lb_conv_transpose1d(lua_State *L) { return conv_common(L, 1, true); }
static int lb_conv_transpose2d(lua_State *L) { return conv_common(L, 2, true); }

/* convolution_backward(grad_output, input, weight, {stride, padding, dilation, groups,
 * transposed, output_padding, output_mask}) -> grad_input, grad_weight, grad_bias */
static int lb_convolution_backward(lua_State *L) {
  static const char *const known[] = {"stride", "padding", "dilation", "groups", "transposed",
                                      "output_padding", "output_mask", NULL};
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2), *w = lb_checktensor(L, 3);
  Args a;
  args_open(&a, L, 4, "convolution_backward", NULL, known);
  int sd = w->ndim == 3 ? 1 : 2;
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  p.transposed = opt_bool(&a, "transposed", false);
  opt_ints(&a, "stride", sd, p.stride, 1);
  opt_ints(&a, "dilation", sd, p.dilation, 1);
  conv_padding(&a, sd, w, &p);
  opt_ints(&a, "output_padding", sd, p.output_padding, 0);
  p.groups = opt_int(&a, "groups", 1);
  bool mask[3];
  opt_mask(&a, mask);
  int r = slots(L, 3);
  THTensor *gi, *gw, *gb;
  if (THNN_convolution_backward(go, x, w, &p, mask, &gi, &gw, &gb) != TH_OK) return lb_error(L);
  put(L, r, gi);
  put(L, r + 1, gw);
  put(L, r + 2, gb);
  return 3;
}

/* ======================================================================= pooling */

static const char *const MAXPOOL_POS[] = {"kernel_size", "stride", "padding", "dilation",
                                          "ceil_mode", NULL};
static const char *const AVGPOOL2_POS[] = {"kernel_size", "stride", "padding", "ceil_mode",
                                           "count_include_pad", "divisor_override", NULL};
static const char *const AVGPOOL1_POS[] = {"kernel_size", "stride", "padding", "ceil_mode",
                                           "count_include_pad", NULL};

static void pool_params(Args *a, int sd, bool max, THNNPoolParams *p) {
  *p = THNN_POOL_PARAMS_DEFAULT;
  if (!opt_ints(a, "kernel_size", sd, p->kernel, 1)) fail(a->L, "[%s] kernel_size is required", a->op);
  if (opt_ints(a, "stride", sd, p->stride, 0))
    for (int i = 0; i < sd; i++)
      if (p->stride[i] <= 0)
        fail(a->L, "[%s] stride must be positive, got %lld", a->op, (long long)p->stride[i]);
  opt_ints(a, "padding", sd, p->padding, 0);
  if (max) opt_ints(a, "dilation", sd, p->dilation, 1);
  p->ceil_mode = opt_bool(a, "ceil_mode", false);
  if (!max) {
    p->count_include_pad = opt_bool(a, "count_include_pad", true);
    if (opt_get(a, "divisor_override")) {
      lua_pop(a->L, 1);
      p->divisor_override = opt_int(a, "divisor_override", 0);
      if (p->divisor_override <= 0)
        fail(a->L, "[%s] divisor_override must be a positive integer, got %lld", a->op,
             (long long)p->divisor_override);
    }
  }
}

static int max_pool(lua_State *L, int sd) {
  const char *op = sd == 2 ? "max_pool2d" : "max_pool1d";
  THTensor *x = lb_checktensor(L, 1);
  Args a;
  args_open(&a, L, 2, op, MAXPOOL_POS, NULL);
  THNNPoolParams p;
  pool_params(&a, sd, true, &p);
  int r = slots(L, 2);
  THTensor *y, *ind;
  if ((sd == 2 ? THNN_max_pool2d : THNN_max_pool1d)(x, &p, &y, &ind) != TH_OK) return lb_error(L);
  put(L, r, y);
  put(L, r + 1, ind);
  if (plus1(ind) != TH_OK) return lb_error(L);
  return 2;
}

static int lb_max_pool1d(lua_State *L) { return max_pool(L, 1); }
static int lb_max_pool2d(lua_State *L) { return max_pool(L, 2); }

/* max_poolNd_backward(grad_output, input, indices (1-based)) -> grad_input */
static int max_pool_backward(lua_State *L, int sd) {
  const char *op = sd == 2 ? "max_pool2d_backward" : "max_pool1d_backward";
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2), *ind = lb_checktensor(L, 3);
  Args a;
  args_open(&a, L, 4, op, NULL, NULL);
  int64_t plane = 1;
  for (int d = x->ndim - sd; d < x->ndim; d++)
    if (d >= 0) plane *= x->size[d];
  THTensor *ind0 = index_minus1(L, op, "index", ind, plane, false, 0);
  int r = slots(L, 1);
  THTensor *gi = (sd == 2 ? THNN_max_pool2d_backward : THNN_max_pool1d_backward)(go, x, ind0);
  if (!gi) return lb_error(L);
  put(L, r, gi);
  return 1;
}

static int lb_max_pool1d_backward(lua_State *L) { return max_pool_backward(L, 1); }
static int lb_max_pool2d_backward(lua_State *L) { return max_pool_backward(L, 2); }

static int avg_pool(lua_State *L, int sd) {
  const char *op = sd == 2 ? "avg_pool2d" : "avg_pool1d";
  THTensor *x = lb_checktensor(L, 1);
  Args a;
  args_open(&a, L, 2, op, sd == 2 ? AVGPOOL2_POS : AVGPOOL1_POS, NULL);
  THNNPoolParams p;
  pool_params(&a, sd, false, &p);
  int r = slots(L, 1);
  THTensor *y = (sd == 2 ? THNN_avg_pool2d : THNN_avg_pool1d)(x, &p);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

static int lb_avg_pool1d(lua_State *L) { return avg_pool(L, 1); }
static int lb_avg_pool2d(lua_State *L) { return avg_pool(L, 2); }

/* avg_poolNd_backward(grad_output, input, kernel_size, ...same as the forward) */
static int avg_pool_backward(lua_State *L, int sd) {
  const char *op = sd == 2 ? "avg_pool2d_backward" : "avg_pool1d_backward";
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, op, sd == 2 ? AVGPOOL2_POS : AVGPOOL1_POS, NULL);
  THNNPoolParams p;
  pool_params(&a, sd, false, &p);
  int r = slots(L, 1);
  THTensor *gi = (sd == 2 ? THNN_avg_pool2d_backward : THNN_avg_pool1d_backward)(go, x, &p);
  if (!gi) return lb_error(L);
  put(L, r, gi);
  return 1;
}

static int lb_avg_pool1d_backward(lua_State *L) { return avg_pool_backward(L, 1); }
static int lb_avg_pool2d_backward(lua_State *L) { return avg_pool_backward(L, 2); }

static int adaptive_pool(lua_State *L, int sd) {
  static const char *const pos[] = {"output_size", NULL};
  const char *op = sd == 2 ? "adaptive_avg_pool2d" : "adaptive_avg_pool1d";
  THTensor *x = lb_checktensor(L, 1);
  Args a;
  args_open(&a, L, 2, op, pos, NULL);
  int64_t os[2];
  if (!opt_ints(&a, "output_size", sd, os, 1)) return fail(L, "[%s] output_size is required", op);
  int r = slots(L, 1);
  THTensor *y = sd == 2 ? THNN_adaptive_avg_pool2d(x, os) : THNN_adaptive_avg_pool1d(x, os[0]);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

static int lb_adaptive_avg_pool1d(lua_State *L) { return adaptive_pool(L, 1); }
static int lb_adaptive_avg_pool2d(lua_State *L) { return adaptive_pool(L, 2); }

static int adaptive_pool_backward(lua_State *L, int sd) {
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, sd == 2 ? "adaptive_avg_pool2d_backward" : "adaptive_avg_pool1d_backward",
            NULL, NULL);
  int r = slots(L, 1);
  THTensor *gi = sd == 2 ? THNN_adaptive_avg_pool2d_backward(go, x)
                         : THNN_adaptive_avg_pool1d_backward(go, x);
  if (!gi) return lb_error(L);
  put(L, r, gi);
  return 1;
}

static int lb_adaptive_avg_pool1d_backward(lua_State *L) { return adaptive_pool_backward(L, 1); }
static int lb_adaptive_avg_pool2d_backward(lua_State *L) { return adaptive_pool_backward(L, 2); }

/* ======================================================================= softmax */

/* The dim: argument 2 when it is a number, else the `dim` option (both 1-based). */
static int softmax_dim(Args *a, lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) return lb_checkdim(L, 2);
  if (!opt_get(a, "dim")) return fail(L, "[%s] dim is required", a->op);
  if (lua_type(L, -1) != LUA_TNUMBER)
    return fail(L, "[%s] dim must be a number, got %s", a->op, type_of(L, -1));
  int d = lb_checkdim(L, lua_gettop(L));
  lua_pop(L, 1);
  return d;
}

static int softmax_common(lua_State *L, bool log) {
  static const char *const pos[] = {"dim", NULL}, *const extra[] = {"dtype", NULL};
  const char *op = log ? "log_softmax" : "softmax";
  THTensor *x = lb_checktensor(L, 1);
  Args a;
  args_open(&a, L, 2, op, pos, extra);
  int dim = softmax_dim(&a, L);
  if (opt_get(&a, "dtype")) { /* the input is cast first, as PyTorch does */
    THDtype d = TH_F32;
    bool ok = false;
    if (lua_type(L, -1) == LUA_TTABLE) {
      lua_getfield(L, -1, "id");
      lua_Integer id = lua_tointeger(L, -1);
      ok = lua_type(L, -1) == LUA_TNUMBER && id >= 0 && id < TH_NDTYPES;
      d = (THDtype)id;
      lua_pop(L, 1);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      ok = THDtype_fromName(lua_tostring(L, -1), &d) == TH_OK;
    }
    if (!ok) return fail(L, "[%s] dtype must be a torch dtype, got %s", op, type_of(L, -1));
    lua_pop(L, 1);
    x = owned(L, THTensor_toDtype(x, d));
  }
  int r = slots(L, 1);
  THTensor *y = log ? THNN_log_softmax(x, dim) : THNN_softmax(x, dim);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

static int lb_softmax(lua_State *L) { return softmax_common(L, false); }
static int lb_log_softmax(lua_State *L) { return softmax_common(L, true); }

/* softmax_backward(grad_output, output, dim) -> grad_input */
static int softmax_backward_common(lua_State *L, bool log) {
  THTensor *go = lb_checktensor(L, 1), *y = lb_checktensor(L, 2);
  int dim = lb_checkdim(L, 3);
  int r = slots(L, 1);
  THTensor *gi = log ? THNN_log_softmax_backward(go, y, dim) : THNN_softmax_backward(go, y, dim);
  if (!gi) return lb_error(L);
  put(L, r, gi);
  return 1;
}

static int lb_softmax_backward(lua_State *L) { return softmax_backward_common(L, false); }
static int lb_log_softmax_backward(lua_State *L) { return softmax_backward_common(L, true); }

/* ======================================================================= normalisation */

/* batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
 * -> output, save_mean, save_invstd */
static int lb_batch_norm(lua_State *L) {
  static const char *const pos[] = {"running_mean", "running_var", "weight", "bias", "training",
                                    "momentum", "eps", NULL};
  THTensor *x = lb_checktensor(L, 1);
  Args a;
  args_open(&a, L, 2, "batch_norm", pos, NULL);
  THTensor *rm = opt_tensor(&a, "running_mean"), *rv = opt_tensor(&a, "running_var");
  THTensor *w = opt_tensor(&a, "weight"), *b = opt_tensor(&a, "bias");
  bool training = opt_bool(&a, "training", false);
  double momentum = opt_num(&a, "momentum", 0.1), eps = opt_num(&a, "eps", 1e-5);
  int r = slots(L, 3);
  THTensor *y, *sm, *si;
  if (THNN_batch_norm(x, w, b, rm, rv, training, momentum, eps, &y, &sm, &si) != TH_OK)
    return lb_error(L);
  put(L, r, y);
  put(L, r + 1, sm);
  put(L, r + 2, si);
  return 3;
}

/* batch_norm_backward(grad_output, input, {weight, running_mean, running_var, save_mean,
 * save_invstd, training, eps, output_mask}) -> grad_input, grad_weight, grad_bias */
static int lb_batch_norm_backward(lua_State *L) {
  static const char *const known[] = {"weight", "running_mean", "running_var", "save_mean",
                                      "save_invstd", "training", "eps", "output_mask", NULL};
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, "batch_norm_backward", NULL, known);
  THTensor *w = opt_tensor(&a, "weight");
  THTensor *rm = opt_tensor(&a, "running_mean"), *rv = opt_tensor(&a, "running_var");
  THTensor *sm = opt_tensor(&a, "save_mean"), *si = opt_tensor(&a, "save_invstd");
  bool training = opt_bool(&a, "training", sm != NULL);
  double eps = opt_num(&a, "eps", 1e-5);
  bool mask[3];
  opt_mask(&a, mask);
  int r = slots(L, 3);
  THTensor *gi, *gw, *gb;
  if (THNN_batch_norm_backward(go, x, w, rm, rv, sm, si, training, eps, mask, &gi, &gw, &gb) != TH_OK)
    return lb_error(L);
  put(L, r, gi);
  put(L, r + 1, gw);
  put(L, r + 2, gb);
  return 3;
}

/* normalized_shape: a number, a table of numbers or a torch.Size, at stack index idx */
static int norm_shape(lua_State *L, int idx, const char *op, int64_t *s) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    s[0] = lb_checkint(L, idx);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TTABLE || lb_totensor(L, idx))
    return fail(L, "[%s] normalized_shape must be a number or a table of sizes, got %s", op,
                type_of(L, idx));
  int n = (int)lua_objlen(L, idx);
  if (n > TH_MAX_DIMS) return fail(L, "[%s] normalized_shape has too many sizes (%d)", op, n);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    if (lua_type(L, -1) != LUA_TNUMBER)
      return fail(L, "[%s] normalized_shape must hold numbers", op);
    s[i] = (int64_t)lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return n;
}

/* layer_norm(input, normalized_shape, weight, bias, eps) -> output, mean, rstd */
static int lb_layer_norm(lua_State *L) {
  static const char *const pos[] = {"weight", "bias", "eps", NULL};
  THTensor *x = lb_checktensor(L, 1);
  int64_t ns[TH_MAX_DIMS];
  int nn = norm_shape(L, 2, "layer_norm", ns);
  Args a;
  args_open(&a, L, 3, "layer_norm", pos, NULL);
  THTensor *w = opt_tensor(&a, "weight"), *b = opt_tensor(&a, "bias");
  double eps = opt_num(&a, "eps", 1e-5);
  int r = slots(L, 3);
  THTensor *y, *m, *s;
  if (THNN_layer_norm(x, nn, ns, w, b, eps, &y, &m, &s) != TH_OK) return lb_error(L);
  put(L, r, y);
  put(L, r + 1, m);
  put(L, r + 2, s);
  return 3;
}

/* layer_norm_backward(grad_output, input, normalized_shape, mean, rstd, weight,
 * {output_mask}) -> grad_input, grad_weight, grad_bias */
static int lb_layer_norm_backward(lua_State *L) {
  static const char *const pos[] = {"weight", NULL}, *const extra[] = {"output_mask", NULL};
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2);
  int64_t ns[TH_MAX_DIMS];
  int nn = norm_shape(L, 3, "layer_norm_backward", ns);
  THTensor *m = lb_checktensor(L, 4), *s = lb_checktensor(L, 5);
  Args a;
  args_open(&a, L, 6, "layer_norm_backward", pos, extra);
  THTensor *w = opt_tensor(&a, "weight");
  bool mask[3];
  opt_mask(&a, mask);
  int r = slots(L, 3);
  THTensor *gi, *gw, *gb;
  if (THNN_layer_norm_backward(go, x, nn, ns, m, s, w, mask, &gi, &gw, &gb) != TH_OK)
    return lb_error(L);
  put(L, r, gi);
  put(L, r + 1, gw);
  put(L, r + 2, gb);
  return 3;
}

/* group_norm(input, num_groups, weight, bias, eps) -> output, mean, rstd */
static int lb_group_norm(lua_State *L) {
  static const char *const pos[] = {"weight", "bias", "eps", NULL};
  THTensor *x = lb_checktensor(L, 1);
  int64_t g = lb_checkint(L, 2);
  Args a;
  args_open(&a, L, 3, "group_norm", pos, NULL);
  THTensor *w = opt_tensor(&a, "weight"), *b = opt_tensor(&a, "bias");
  double eps = opt_num(&a, "eps", 1e-5);
  int r = slots(L, 3);
  THTensor *y, *m, *s;
  if (THNN_group_norm(x, g, w, b, eps, &y, &m, &s) != TH_OK) return lb_error(L);
  put(L, r, y);
  put(L, r + 1, m);
  put(L, r + 2, s);
  return 3;
}

/* group_norm_backward(grad_output, input, mean, rstd, num_groups, weight, {output_mask}) */
static int lb_group_norm_backward(lua_State *L) {
  static const char *const pos[] = {"weight", NULL}, *const extra[] = {"output_mask", NULL};
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2);
  THTensor *m = lb_checktensor(L, 3), *s = lb_checktensor(L, 4);
  int64_t g = lb_checkint(L, 5);
  Args a;
  args_open(&a, L, 6, "group_norm_backward", pos, extra);
  THTensor *w = opt_tensor(&a, "weight");
  bool mask[3];
  opt_mask(&a, mask);
  int r = slots(L, 3);
  THTensor *gi, *gw, *gb;
  if (THNN_group_norm_backward(go, x, m, s, w, g, mask, &gi, &gw, &gb) != TH_OK) return lb_error(L);
  put(L, r, gi);
  put(L, r + 1, gw);
  put(L, r + 2, gb);
  return 3;
}

/* ======================================================================= embedding */

/* padding_idx: 1-based, or negative from the end; -1 (none) when absent. */
static int64_t padding_idx(Args *a, int64_t V) {
  if (!opt_get(a, "padding_idx")) return -1;
  lua_pop(a->L, 1);
  int64_t p = opt_int(a, "padding_idx", 0);
  if (p == 0 || p > V || p < -V)
    fail(a->L, "[%s] padding_idx %lld is out of range (expected 1..%lld or -%lld..-1)", a->op,
         (long long)p, (long long)V, (long long)V);
  return p > 0 ? p - 1 : V + p;
}

/* embedding(indices, weight, padding_idx, {scale_grad_by_freq}) -> weight rows */
static int lb_embedding(lua_State *L) {
  static const char *const pos[] = {"padding_idx", NULL};
  static const char *const extra[] = {"scale_grad_by_freq", NULL};
  THTensor *ix = lb_checktensor(L, 1), *w = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, "embedding", pos, extra);
  int64_t V = w->ndim == 2 ? w->size[0] : 0;
  padding_idx(&a, V);
  (void)opt_bool(&a, "scale_grad_by_freq", false);
  THTensor *ix0 = index_minus1(L, "embedding", "index", ix, V, false, 0);
  int r = slots(L, 1);
  THTensor *y = THNN_embedding(w, ix0);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

/* embedding_backward(grad_output, indices, num_weights, padding_idx, {scale_grad_by_freq}) */
static int lb_embedding_backward(lua_State *L) {
  static const char *const pos[] = {"padding_idx", "scale_grad_by_freq", NULL};
  THTensor *go = lb_checktensor(L, 1), *ix = lb_checktensor(L, 2);
  int64_t V = lb_checkint(L, 3);
  Args a;
  args_open(&a, L, 4, "embedding_backward", pos, NULL);
  int64_t pad = padding_idx(&a, V);
  bool scale = opt_bool(&a, "scale_grad_by_freq", false);
  THTensor *ix0 = index_minus1(L, "embedding_backward", "index", ix, V, false, 0);
  int r = slots(L, 1);
  THTensor *gw = THNN_embedding_backward(go, ix0, V, pad, scale);
  if (!gw) return lb_error(L);
  put(L, r, gw);
  return 1;
}

/* ======================================================================= losses */

/* The number of classes of an nll_loss input (C) / (N, C, ...). */
static int64_t classes_of(const THTensor *x) {
  return x->ndim == 1 ? x->size[0] : x->ndim >= 2 ? x->size[1] : 0;
}

/* nll_loss(input, target, weight, {ignore_index, reduction}) -> loss, total_weight */
static int lb_nll_loss(lua_State *L) {
  static const char *const pos[] = {"weight", NULL};
  static const char *const extra[] = {"ignore_index", "reduction", NULL};
  THTensor *x = lb_checktensor(L, 1), *t = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, "nll_loss", pos, extra);
  THTensor *w = opt_tensor(&a, "weight");
  int64_t ignore = opt_int(&a, "ignore_index", -100);
  THReduction red = opt_reduction(&a);
  THTensor *t0 = index_minus1(L, "nll_loss", "target", t, classes_of(x), true, ignore);
  int r = slots(L, 2);
  THTensor *y, *tw;
  if (THNN_nll_loss(x, t0, w, red, ignore - 1, &y, &tw) != TH_OK) return lb_error(L);
  put(L, r, y);
  put(L, r + 1, tw);
  return 2;
}

/* nll_loss_backward(grad_output, input, target, {weight, ignore_index, reduction,
 * total_weight}) -> grad_input */
static int lb_nll_loss_backward(lua_State *L) {
  static const char *const known[] = {"weight", "ignore_index", "reduction", "total_weight", NULL};
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2), *t = lb_checktensor(L, 3);
  Args a;
  args_open(&a, L, 4, "nll_loss_backward", NULL, known);
  THTensor *w = opt_tensor(&a, "weight"), *tw = opt_tensor(&a, "total_weight");
  int64_t ignore = opt_int(&a, "ignore_index", -100);
  THReduction red = opt_reduction(&a);
  THTensor *t0 = index_minus1(L, "nll_loss_backward", "target", t, classes_of(x), true, ignore);
  int r = slots(L, 1);
  THTensor *gi = THNN_nll_loss_backward(go, x, t0, w, red, ignore - 1, tw);
  if (!gi) return lb_error(L);
  put(L, r, gi);
  return 1;
}

static int bce_common(lua_State *L, bool logits) {
  static const char *const pos[] = {"weight", NULL};
  static const char *const extra[] = {"reduction", NULL};
  static const char *const extra_l[] = {"reduction", "pos_weight", NULL};
  const char *op = logits ? "binary_cross_entropy_with_logits" : "binary_cross_entropy";
  THTensor *x = lb_checktensor(L, 1), *t = lb_checktensor(L, 2);
  Args a;
  args_open(&a, L, 3, op, pos, logits ? extra_l : extra);
  THTensor *w = opt_tensor(&a, "weight"), *pw = logits ? opt_tensor(&a, "pos_weight") : NULL;
  THReduction red = opt_reduction(&a);
  int r = slots(L, 1);
  THTensor *y = logits ? THNN_binary_cross_entropy_with_logits(x, t, w, pw, red)
                       : THNN_binary_cross_entropy(x, t, w, red);
  if (!y) return lb_error(L);
  put(L, r, y);
  return 1;
}

static int lb_binary_cross_entropy(lua_State *L) { return bce_common(L, false); }
static int lb_binary_cross_entropy_with_logits(lua_State *L) { return bce_common(L, true); }

/* ..._backward(grad_output, input, target, weight, {reduction, pos_weight}) -> grad_input,
 * grad_target */
static int bce_backward_common(lua_State *L, bool logits) {
  static const char *const pos[] = {"weight", NULL};
  static const char *const extra[] = {"reduction", NULL};
  static const char *const extra_l[] = {"reduction", "pos_weight", NULL};
  const char *op = logits ? "binary_cross_entropy_with_logits_backward"
                          : "binary_cross_entropy_backward";
  THTensor *go = lb_checktensor(L, 1), *x = lb_checktensor(L, 2), *t = lb_checktensor(L, 3);
  Args a;
  args_open(&a, L, 4, op, pos, logits ? extra_l : extra);
  THTensor *w = opt_tensor(&a, "weight"), *pw = logits ? opt_tensor(&a, "pos_weight") : NULL;
  THReduction red = opt_reduction(&a);
  int r = slots(L, 2);
  THTensor *gi, *gt;
  int rc = logits ? THNN_binary_cross_entropy_with_logits_backward(go, x, t, w, pw, red, &gi, &gt)
                  : THNN_binary_cross_entropy_backward(go, x, t, w, red, &gi, &gt);
  if (rc != TH_OK) return lb_error(L);
  put(L, r, gi);
  put(L, r + 1, gt);
  return 2;
}

static int lb_binary_cross_entropy_backward(lua_State *L) { return bce_backward_common(L, false); }
static int lb_binary_cross_entropy_with_logits_backward(lua_State *L) {
  return bce_backward_common(L, true);
}

/* ======================================================================= registration */

void lb_open_nn(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"conv1d", lb_conv1d},
      {"conv2d", lb_conv2d},
      {"conv_transpose1d", lb_conv_transpose1d},
      {"conv_transpose2d", lb_conv_transpose2d},
      {"convolution_backward", lb_convolution_backward},
      {"max_pool1d", lb_max_pool1d},
      {"max_pool2d", lb_max_pool2d},
      {"max_pool1d_backward", lb_max_pool1d_backward},
      {"max_pool2d_backward", lb_max_pool2d_backward},
      {"avg_pool1d", lb_avg_pool1d},
      {"avg_pool2d", lb_avg_pool2d},
      {"avg_pool1d_backward", lb_avg_pool1d_backward},
      {"avg_pool2d_backward", lb_avg_pool2d_backward},
      {"adaptive_avg_pool1d", lb_adaptive_avg_pool1d},
      {"adaptive_avg_pool2d", lb_adaptive_avg_pool2d},
      {"adaptive_avg_pool1d_backward", lb_adaptive_avg_pool1d_backward},
      {"adaptive_avg_pool2d_backward", lb_adaptive_avg_pool2d_backward},
      {"softmax", lb_softmax},
      {"log_softmax", lb_log_softmax},
      {"softmax_backward", lb_softmax_backward},
      {"log_softmax_backward", lb_log_softmax_backward},
      {"batch_norm", lb_batch_norm},
      {"batch_norm_backward", lb_batch_norm_backward},
      {"layer_norm", lb_layer_norm},
      {"layer_norm_backward", lb_layer_norm_backward},
      {"group_norm", lb_group_norm},
      {"group_norm_backward", lb_group_norm_backward},
      {"embedding", lb_embedding},
      {"embedding_backward", lb_embedding_backward},
      {"nll_loss", lb_nll_loss},
      {"nll_loss_backward", lb_nll_loss_backward},
      {"binary_cross_entropy", lb_binary_cross_entropy},
      {"binary_cross_entropy_backward", lb_binary_cross_entropy_backward},
      {"binary_cross_entropy_with_logits", lb_binary_cross_entropy_with_logits},
      {"binary_cross_entropy_with_logits_backward", lb_binary_cross_entropy_with_logits_backward},
      {NULL, NULL},
  };
  lua_newtable(L);      /* module, metatable, nn */
  lua_pushvalue(L, -2); /* module, metatable, nn, metatable */
  lb_register(L, funcs);
  lua_pop(L, 1);
  lua_setfield(L, -3, "nn");
}
