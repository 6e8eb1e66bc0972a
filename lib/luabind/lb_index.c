/* lb_index.c: bindings for joining, splitting and indexing (lib/TH/THIndex.h): cat, stack,
 * hstack/vstack/dstack, split/chunk/unbind, index_select, gather, take, the masked ops,
 * nonzero, scatter, the index_* family, flip, roll, repeat, tile, repeat_interleave,
 * tril/triu, diag, diagonal, narrow_copy.
 *
 * These C functions take plain positional arguments (lua/torch/index.lua reads the options
 * tables) and are registered with an `idx_` prefix.  This is the one place where positions
 * change base: dims arrive 1-based (or negative) through lb_checkdim; index tensors arrive
 * 1-based and are converted here, in one pass that also checks their range, into 0-based
 * int64 tensors (so an out-of-range index is reported as the user wrote it); index tensors
 * coming back (nonzero, repeat_interleave's positions) get 1 added here.
 */
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "THIndex.h"
#include "autograd/THAutogradIndex.h"
#include "lb.h"

/* ======================================================================= helpers */

/* luaL_error with printf's formats (lua_pushfstring has no %lld). */
static int fail(lua_State *L, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return luaL_error(L, "%s", buf);
}

static THTensor *opt_tensor(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? NULL : lb_checktensor(L, idx);
}

/* The size of dim d (0-based or negative) of t, when d is valid. */
static bool dim_size(const THTensor *t, int d, int64_t *size) {
  int n = t->ndim ? t->ndim : 1;
  if (d < -n || d >= n) return false;
  if (d < 0) d += n;
  *size = t->ndim ? t->size[d] : 1;
  return true;
}

/* An index argument as the binding received it.  A device's index is converted on the
 * device without waiting for it and its range is left to the op, which checks it anyway (the
 * op's one wait); only when the op fails is the index checked here, on the host, so that an
 * out-of-range index is reported as the user wrote it (1-based). */
typedef struct {
  int idx;        /* the index argument's stack position */
  int pos;        /* the converted tensor's stack position */
  const char *op;
  bool check;     /* the range is known: size and dim are valid */
  int64_t size;
  int dim;        /* 0-based, or -1 for a flat tensor */
  bool negatives; /* -size..-1 count from the end */
  bool deferred;  /* converted on a device, range left to the op */
} IndexArg;

/* Converts ix (int64 or int32, any device) on the host as index_arg describes, into r (int64,
 * ix's shape, any device) when r is not NULL; raises the error for the first bad entry. */
static void convert_on_host(lua_State *L, const IndexArg *a, const THTensor *ix, THTensor *r) {
  bool ix_host = THTensor_device(ix).type == TH_DEVICE_CPU;
  bool r_host = !r || THTensor_device(r).type == TH_DEVICE_CPU;
  THTensor *src = ix_host ? THTensor_toDtype(ix, TH_I64)
                          : THTensor_empty(TH_I64, TH_CPU, ix->ndim, ix->size);
  THTensor *q_t = r_host ? r : THTensor_empty(TH_I64, TH_CPU, ix->ndim, ix->size);
  int rc = src && (r_host || q_t) ? TH_OK : TH_ERROR;
  if (rc == TH_OK && !ix_host) rc = THTensor_copy(src, ix); /* one read of the device */
  if (rc != TH_OK) {
    THTensor_free(src);
    if (q_t != r) THTensor_free(q_t);
    lb_error(L);
    return;
  }
  const int64_t *p = THTensor_data(src);
  int64_t *q = q_t ? THTensor_data(q_t) : NULL, n = THTensor_numel(src), bad = -1;
  const int64_t size = a->size;
  if (a->check) {
    for (int64_t i = 0; i < n; i++) {
      int64_t v = p[i], w;
      if (v >= 1 && v <= size) w = v - 1;
      else if (a->negatives && v < 0 && v >= -size) w = v + size;
      else {
        bad = i;
        break;
      }
      if (q) q[i] = w;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      int64_t v = p[i];
      if (v == 0) {
        bad = i;
        break;
      }
      if (q) q[i] = v > 0 ? v - 1 : v;
    }
  }
  int64_t v = bad >= 0 ? p[bad] : 0;
  if (bad < 0 && q_t != r) /* from pageable memory: staged before this returns */
    rc = THTensor_copyAsync(r, q_t, true);
  THTensor_free(src);
  if (q_t != r) THTensor_free(q_t);
  if (rc != TH_OK) {
    lb_error(L);
    return;
  }
  if (bad >= 0) {
    const char *hint = v == 0 ? " (indices are 1-based)" : "";
    if (a->dim < 0)
      fail(L, "[%s] index %lld is out of bounds for a tensor with %lld elements%s", a->op,
           (long long)v, (long long)size, hint);
    else if (a->check)
      fail(L, "[%s] index %lld is out of bounds for dimension %d with size %lld%s", a->op,
           (long long)v, a->dim + 1, (long long)size, hint);
    else
      luaL_error(L, "[%s] index 0 is invalid: indices are 1-based", a->op);
  }
}

/* The 1-based index tensor at idx as a new 0-based contiguous int64 tensor, left on the stack
 * (owned by the GC) and returned.  With check set, every entry must lie in 1..size (or, with
 * negatives, -size..-1, which count from the end and are wrapped); dim (0-based, or -1 for a
 * flat tensor) names the dimension in the message.  A device's index is converted there:
 * with defer, its range is left to the op (see IndexArg); without, it is checked at once. */
static THTensor *index_arg(lua_State *L, IndexArg *a, int idx, const char *op, bool check,
                           int64_t size, int dim, bool negatives, bool defer) {
  THTensor *ix = lb_checktensor(L, idx);
  if (ix->dtype != TH_I64 && ix->dtype != TH_I32) {
    luaL_error(L, "[%s] expected an int64 or int32 index tensor, got %s", op, THDtype_name(ix->dtype));
    return NULL;
  }
  *a = (IndexArg){idx, 0, op, check, size, dim, negatives, false};
  THTensor **slot = lb_newslot(L);
  a->pos = lua_gettop(L);
  THTensor *r = THTensor_empty(TH_I64, THTensor_device(ix), ix->ndim, ix->size);
  if (!r) {
    lb_error(L);
    return NULL;
  }
  *slot = r;
  if (THTensor_device(ix).type == TH_DEVICE_CPU || !check) {
    convert_on_host(L, a, ix, r);
    return r;
  }
  THTensor *src = THTensor_toDtype(ix, TH_I64);
  int64_t bad = -1;
  int rc = src ? THIndex_convert(r, src, size, 1, negatives, defer ? NULL : &bad) : TH_ERROR;
  THTensor_free(src);
  if (rc != TH_OK) {
    lb_error(L);
    return NULL;
  }
  a->deferred = defer;
  if (bad >= 0) convert_on_host(L, a, ix, NULL); /* raises the message */
  return r;
}

/* An index tensor for dim `dimarg` (a 0-based or negative dim) of t. */
static THTensor *dim_index_arg(lua_State *L, IndexArg *a, int idx, const char *op,
                               const THTensor *t, int dimarg, bool negatives) {
  int64_t size = 0;
  bool ok = dim_size(t, dimarg, &size);
  int d = dimarg < 0 ? dimarg + (t->ndim ? t->ndim : 1) : dimarg;
  return index_arg(L, a, idx, op, ok, size, d, negatives, true);
}

/* Adds 1 to every element of a contiguous int64 tensor (a result of ours, owned by a slot). */
static void to_one_based(lua_State *L, THTensor *t) {
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    THArg args[2] = {THArg_tensor(t), THArg_number(1)};
    THOpParams p = TH_OPPARAMS_DEFAULT;
    THTensor *r = THMath_pointwise(TH_OP_add, NULL, true, 2, args, &p);
    if (!r) lb_error(L);
    THTensor_free(r);
    return;
  }
  int64_t n = THTensor_numel(t), *p = THTensor_data(t);
#pragma omp parallel for if (n > TH_PARALLEL_GRAIN && !omp_in_parallel())
  for (int64_t i = 0; i < n; i++) p[i] += 1;
}

/* A number, boolean or 0-dim tensor as a scalar. */
static THScalar check_scalar(lua_State *L, int idx, const char *op) {
  THScalar s;
  if (lua_isboolean(L, idx)) {
    s.kind = TH_KIND_BOOL;
    s.i = lua_toboolean(L, idx);
    s.f = (double)s.i;
    return s;
  }
  THTensor *t = lb_totensor(L, idx);
  if (t) {
    if (t->ndim != 0)
      luaL_error(L, "[%s] only supports a 0-dim value tensor, but got one with %d dimension%s", op,
                 t->ndim, t->ndim == 1 ? "" : "s");
    int64_t zero[1] = {0};
    if (t->dtype == TH_BOOL) {
      s.kind = TH_KIND_BOOL;
      s.i = THTensor_getInt64(t, zero);
      s.f = (double)s.i;
    } else if (THDtype_isFloating(t->dtype)) {
      s.kind = TH_KIND_FLOAT;
      s.f = THTensor_getDouble(t, zero);
      s.i = 0;
    } else {
      s.kind = TH_KIND_INT;
      s.i = THTensor_getInt64(t, zero);
      s.f = (double)s.i;
    }
    return s;
  }
  if (lua_type(L, idx) != LUA_TNUMBER)
    luaL_error(L, "[%s] value must be a number, a boolean or a 0-dim tensor, got %s", op,
               luaL_typename(L, idx));
  return THScalar_fromDouble(lua_tonumber(L, idx));
}

/* Returns r (new) or out (at stack index out_idx) to Lua.  Every binding function first sets the
 * stack to its full argument count, so that what it pushes never looks like an argument. */
static int push_result(lua_State *L, THTensor **slot, THTensor *r, int out_idx) {
  if (!r) return lb_error(L);
  if (out_idx) {
    THTensor_free(r);
    lua_pushvalue(L, out_idx);
    return 1;
  }
  lb_fill(L, slot, r);
  return 1;
}

/* The converted index tensor at stack position pos is freed as soon as the op is done (not at
 * the next garbage collection), so that its memory is reused by the next call. */
static void release(lua_State *L, int pos) {
  THTensor **p = lua_touserdata(L, pos);
  if (p && *p) {
    THTensor_free(*p);
    *p = NULL;
  }
}

/* Raises the op's error; for a deferred index, the index's own error first when it has an
 * out-of-range entry (which the op rejected). */
static int op_failed(lua_State *L, const IndexArg *a) {
  if (a->deferred) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", TH_lastError());
    convert_on_host(L, a, lb_checktensor(L, a->idx), NULL);
    TH_setError("%s", msg);
  }
  return lb_error(L);
}

static int done(lua_State *L, const IndexArg *a, THTensor **slot, THTensor *r, int out_idx) {
  release(L, a->pos);
  if (!r) return op_failed(L, a);
  return push_result(L, slot, r, out_idx);
}

static int done_inplace(lua_State *L, const IndexArg *a, int rc) {
  release(L, a->pos);
  if (rc != TH_OK) return op_failed(L, a);
  lua_settop(L, 1);
  return 1;
}

/* The tensors of the Lua table at idx, in a userdata-owned array (freed by the GC). */
static const THTensor **check_list(lua_State *L, int idx, const char *op, int *n) {
  if (!lua_istable(L, idx))
    luaL_error(L, "[%s] expected a table of tensors, got %s", op, luaL_typename(L, idx));
  int len = (int)lua_objlen(L, idx);
  const THTensor **list = lua_newuserdata(L, (len > 0 ? (size_t)len : 1) * sizeof *list);
  for (int i = 0; i < len; i++) {
    lua_rawgeti(L, idx, i + 1);
    THTensor *t = lb_totensor(L, -1);
    if (!t)
      luaL_error(L, "[%s] expected a table of tensors, but entry %d is a %s", op, i + 1,
                 luaL_typename(L, -1));
    list[i] = t; /* the table keeps it alive */
    lua_pop(L, 1);
  }
  *n = len;
  return list;
}

/* A list of views owned by a userdata until each is handed to Lua (so an error from Lua in
 * between frees them). */
typedef struct {
  THTensor **list;
  int64_t n;
} ListHolder;

static int list_gc(lua_State *L) {
  ListHolder *h = lua_touserdata(L, 1);
  if (h && h->list) {
    THTensor_freeList(h->list, h->n);
    h->list = NULL;
  }
  return 0;
}

static ListHolder *new_holder(lua_State *L) {
  ListHolder *h = lua_newuserdata(L, sizeof *h);
  h->list = NULL;
  h->n = 0;
  luaL_getmetatable(L, "torch.index.list");
  lua_setmetatable(L, -2);
  return h;
}

/* Pushes a Lua table of the holder's tensors (the holder is at the top of the stack). */
static int push_list(lua_State *L, ListHolder *h, bool one_based) {
  if (!h->list) return lb_error(L);
  lua_createtable(L, h->n > 0 && h->n < (1 << 30) ? (int)h->n : 0, 0);
  for (int64_t i = 0; i < h->n; i++) {
    THTensor **slot = lb_newslot(L);
    if (one_based) to_one_based(L, h->list[i]);
    *slot = h->list[i];
    h->list[i] = NULL;
    lua_rawseti(L, -2, (int)(i + 1));
  }
  THTensor_freeList(h->list, h->n);
  h->list = NULL;
  return 1;
}

/* ======================================================================= joining */

/* cat(list, dim, out) stack(list, dim, out) */
static int lb_cat(lua_State *L) {
  int n;
  lua_settop(L, 3);
  const THTensor **list = check_list(L, 1, "cat", &n);
  int d = lua_isnoneornil(L, 2) ? 0 : lb_checkdim(L, 2);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return push_result(L, slot, THTensor_cat(out, n, list, d), out ? 3 : 0);
}

static int lb_stack(lua_State *L) {
  int n;
  lua_settop(L, 3);
  const THTensor **list = check_list(L, 1, "stack", &n);
  int d = lua_isnoneornil(L, 2) ? 0 : lb_checkdim(L, 2);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return push_result(L, slot, THTensor_stack(out, n, list, d), out ? 3 : 0);
}

/* hstack / vstack / dstack (list, out) */
static int stack_like(lua_State *L, const char *op,
                      THTensor *(*fn)(THTensor *, int, const THTensor *const *)) {
  int n;
  lua_settop(L, 2);
  const THTensor **list = check_list(L, 1, op, &n);
  THTensor *out = opt_tensor(L, 2);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return push_result(L, slot, fn(out, n, list), out ? 2 : 0);
}
static int lb_hstack(lua_State *L) { return stack_like(L, "hstack", THTensor_hstack); }
static int lb_vstack(lua_State *L) { return stack_like(L, "vstack", THTensor_vstack); }
static int lb_dstack(lua_State *L) { return stack_like(L, "dstack", THTensor_dstack); }

/* ======================================================================= splitting */

/* split(t, size | {sizes}, dim) */
static int lb_split(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1);
  int d = lua_isnoneornil(L, 3) ? 0 : lb_checkdim(L, 3);
  ListHolder *h = new_holder(L);
  if (lua_istable(L, 2)) {
    int64_t nsz = (int64_t)lua_objlen(L, 2);
    int64_t *sizes = lua_newuserdata(L, (size_t)(nsz > 0 ? nsz : 1) * sizeof(int64_t));
    for (int64_t i = 0; i < nsz; i++) {
      lua_rawgeti(L, 2, (int)(i + 1));
      if (lua_type(L, -1) != LUA_TNUMBER)
        return luaL_error(L, "[split] split sizes must be numbers, entry %d is a %s", (int)i + 1,
                          luaL_typename(L, -1));
      sizes[i] = lb_checkint(L, -1);
      lua_pop(L, 1);
    }
    h->list = THTensor_splitWithSizes(t, nsz, sizes, d, &h->n);
  } else {
    int64_t size = lb_checkint(L, 2);
    h->list = THTensor_split(t, size, d, &h->n);
  }
  return push_list(L, h, false);
}

/* chunk(t, chunks, dim) */
static int lb_chunk(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1);
  int64_t chunks = lb_checkint(L, 2);
  int d = lua_isnoneornil(L, 3) ? 0 : lb_checkdim(L, 3);
  ListHolder *h = new_holder(L);
  h->list = THTensor_chunk(t, chunks, d, &h->n);
  return push_list(L, h, false);
}

/* unbind(t, dim) */
static int lb_unbind(lua_State *L) {
  lua_settop(L, 2);
  THTensor *t = lb_checktensor(L, 1);
  int d = lua_isnoneornil(L, 2) ? 0 : lb_checkdim(L, 2);
  ListHolder *h = new_holder(L);
  h->list = THTensor_unbind(t, d, &h->n);
  return push_list(L, h, false);
}

/* ======================================================================= selecting */

/* index_select(t, dim, index, out) */
static int lb_index_select(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, "index_select", t, d, false);
  THTensor *out = opt_tensor(L, 4);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_indexSelect(out, t, d, ix), out ? 4 : 0);
}

/* gather(t, dim, index, out) */
static int lb_gather(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, "gather", t, d, false);
  THTensor *out = opt_tensor(L, 4);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_gather(out, t, d, ix), out ? 4 : 0);
}

/* take(t, index, out) */
static int lb_take(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1);
  IndexArg ia;
  THTensor *ix = index_arg(L, &ia, 2, "take", true, THTensor_numel(t), -1, true, true);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_take(out, t, ix), out ? 3 : 0);
}

/* masked_select(t, mask, out) */
static int lb_masked_select(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1), *mask = lb_checktensor(L, 2);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return push_result(L, slot, THTensor_maskedSelect(out, t, mask), out ? 3 : 0);
}

/* nonzero(t, out) -> (N, ndim) 1-based positions */
static int lb_nonzero(lua_State *L) {
  lua_settop(L, 2);
  THTensor *t = lb_checktensor(L, 1);
  THTensor *out = opt_tensor(L, 2);
  if (out && out->dtype != TH_I64)
    return luaL_error(L, "[nonzero] out= must be an int64 tensor, got %s", THDtype_name(out->dtype));
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_nonzero(NULL, t);
  if (!r) return lb_error(L);
  *slot = r;
  to_one_based(L, r);
  if (out) {
    if (!THTensor_sameShape(out, r) && THTensor_resize(out, r->ndim, r->size) != TH_OK)
      return lb_error(L);
    if (THTensor_copy(out, r) != TH_OK) return lb_error(L);
    THTensor_free(r); /* now, rather than at the next collection */
    *slot = NULL;
    lua_pushvalue(L, 2);
    return 1;
  }
  lb_fill(L, slot, r);
  return 1;
}

/* nonzero_tuple(t) -> table of ndim 1-D tensors (one per dim; one for a 0-dim t) */
static int lb_nonzero_tuple(lua_State *L) {
  lua_settop(L, 1);
  THTensor *t = lb_checktensor(L, 1);
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_nonzero(NULL, t);
  if (!r) return lb_error(L);
  *slot = r;
  to_one_based(L, r);
  int nd = t->ndim ? t->ndim : 1;
  lua_createtable(L, nd, 0);
  for (int d = 0; d < nd; d++) {
    THTensor **s = lb_newslot(L);
    THTensor *col;
    if (t->ndim == 0) { /* PyTorch: one tensor of zeros (here ones) per non-zero element */
      int64_t n = r->size[0];
      col = THTensor_full(TH_I64, THTensor_device(t), 1, &n, 1);
    } else {
      THTensor *v = THTensor_select(r, 1, d);
      col = v ? THTensor_clone(v) : NULL;
      THTensor_free(v);
    }
    if (!col) return lb_error(L);
    lb_fill(L, s, col);
    lua_rawseti(L, -2, d + 1);
  }
  return 1;
}

/* ======================================================================= writing */

/* masked_fill(t, mask, value, inplace) */
static int lb_masked_fill(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1), *mask = lb_checktensor(L, 2);
  bool inplace = lua_toboolean(L, 4);
  THScalar v = check_scalar(L, 3, inplace ? "masked_fill_" : "masked_fill");
  THTensor *vt = lb_totensor(L, 3); /* a value tensor that requires grad gets a gradient */
  if (vt && !vt->requires_grad) vt = NULL;
  if (inplace) {
    if ((vt ? THAutograd_maskedFillTensor_(t, mask, vt, v) : THTensor_maskedFill_(t, mask, v)) != TH_OK)
      return lb_error(L);
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, vt ? THAutograd_maskedFillTensor(t, mask, vt, v)
                                 : THTensor_maskedFill(t, mask, v), 0);
}

/* masked_scatter(t, mask, source, inplace) */
static int lb_masked_scatter(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1), *mask = lb_checktensor(L, 2), *src = lb_checktensor(L, 3);
  if (lua_toboolean(L, 4)) {
    if (THTensor_maskedScatter_(t, mask, src) != TH_OK) return lb_error(L);
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_maskedScatter(t, mask, src), 0);
}

/* scatter(t, dim, index, src | value, reduce, inplace, out); reduce nil, 'add' or 'multiply' */
static int lb_scatter(lua_State *L) {
  lua_settop(L, 7);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  bool inplace = lua_toboolean(L, 6);
  const char *op = inplace ? "scatter_" : "scatter";
  THReduce reduce = TH_REDUCE_NONE;
  if (!lua_isnoneornil(L, 5)) {
    const char *r = luaL_checkstring(L, 5);
    if (strcmp(r, "add") == 0) reduce = TH_REDUCE_ADD;
    else if (strcmp(r, "multiply") == 0) reduce = TH_REDUCE_MULTIPLY;
    else return luaL_error(L, "[%s] reduce must be 'add' or 'multiply', got '%s'", op, r);
  }
  THTensor *src = lb_totensor(L, 4);
  THScalar v = {TH_KIND_INT, 0, 0};
  if (!src) v = check_scalar(L, 4, op);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, op, t, d, false);
  if (inplace) {
    return done_inplace(L, &ia, THTensor_scatter_(t, d, ix, src, v, reduce));
  }
  THTensor *out = opt_tensor(L, 7);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_scatter(out, t, d, ix, src, v, reduce), out ? 7 : 0);
}

/* scatter_add(t, dim, index, src, inplace, out) */
static int lb_scatter_add(lua_State *L) {
  lua_settop(L, 6);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  bool inplace = lua_toboolean(L, 5);
  THTensor *src = lb_checktensor(L, 4);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, inplace ? "scatter_add_" : "scatter_add", t, d, false);
  if (inplace) {
    return done_inplace(L, &ia, THTensor_scatterAdd_(t, d, ix, src));
  }
  THTensor *out = opt_tensor(L, 6);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_scatterAdd(out, t, d, ix, src), out ? 6 : 0);
}

/* index_add(t, dim, index, src, alpha, inplace, out) */
static int lb_index_add(lua_State *L) {
  lua_settop(L, 7);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  THTensor *src = lb_checktensor(L, 4);
  bool inplace = lua_toboolean(L, 6);
  const char *op = inplace ? "index_add_" : "index_add";
  THScalar alpha = lua_isnoneornil(L, 5) ? (THScalar){TH_KIND_INT, 1, 1} : check_scalar(L, 5, op);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, op, t, d, false);
  if (inplace) {
    return done_inplace(L, &ia, THTensor_indexAdd_(t, d, ix, src, alpha));
  }
  THTensor *out = opt_tensor(L, 7);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_indexAdd(out, t, d, ix, src, alpha), out ? 7 : 0);
}

/* index_copy(t, dim, index, src, inplace, out) */
static int lb_index_copy(lua_State *L) {
  lua_settop(L, 6);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  THTensor *src = lb_checktensor(L, 4);
  bool inplace = lua_toboolean(L, 5);
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, inplace ? "index_copy_" : "index_copy", t, d, false);
  if (inplace) {
    return done_inplace(L, &ia, THTensor_indexCopy_(t, d, ix, src));
  }
  THTensor *out = opt_tensor(L, 6);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return done(L, &ia, slot, THTensor_indexCopy(out, t, d, ix, src), out ? 6 : 0);
}

/* index_fill(t, dim, index, value, inplace) */
static int lb_index_fill(lua_State *L) {
  lua_settop(L, 5);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  bool inplace = lua_toboolean(L, 5);
  const char *op = inplace ? "index_fill_" : "index_fill";
  THScalar v = check_scalar(L, 4, op);
  THTensor *vt = lb_totensor(L, 4); /* a value tensor that requires grad gets a gradient */
  if (vt && !vt->requires_grad) vt = NULL;
  IndexArg ia;
  THTensor *ix = dim_index_arg(L, &ia, 3, op, t, d, true);
  if (inplace) {
    return done_inplace(L, &ia, vt ? THAutograd_indexFillTensor_(t, d, ix, vt, v)
                              : THTensor_indexFill_(t, d, ix, v));
  }
  THTensor **slot = lb_newslot(L);
  return done(L, &ia, slot, vt ? THAutograd_indexFillTensor(t, d, ix, vt, v)
                          : THTensor_indexFill(t, d, ix, v), 0);
}

/* ======================================================================= rearranging */

/* dims from a table (1-based or negative) into 0-based ints */
static int check_dims(lua_State *L, int idx, const char *op, int *dims) {
  luaL_checktype(L, idx, LUA_TTABLE);
  int n = (int)lua_objlen(L, idx);
  if (n > TH_MAX_DIMS) luaL_error(L, "[%s] at most %d dims, got %d", op, TH_MAX_DIMS, n);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    dims[i] = lb_checkdim(L, lua_gettop(L));
    lua_pop(L, 1);
  }
  return n;
}

static int check_ints(lua_State *L, int idx, const char *op, int64_t *v) {
  luaL_checktype(L, idx, LUA_TTABLE);
  int n = (int)lua_objlen(L, idx);
  if (n > TH_MAX_DIMS) luaL_error(L, "[%s] at most %d values, got %d", op, TH_MAX_DIMS, n);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    if (lua_type(L, -1) != LUA_TNUMBER)
      luaL_error(L, "[%s] expected numbers, entry %d is a %s", op, i + 1, luaL_typename(L, -1));
    v[i] = lb_checkint(L, lua_gettop(L));
    lua_pop(L, 1);
  }
  return n;
}

/* flip(t, {dims}) */
static int lb_flip(lua_State *L) {
  lua_settop(L, 2);
  THTensor *t = lb_checktensor(L, 1);
  int dims[TH_MAX_DIMS];
  int n = check_dims(L, 2, "flip", dims);
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_flip(t, n, dims), 0);
}

/* roll(t, {shifts}, {dims}) */
static int lb_roll(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1);
  int64_t shifts[TH_MAX_DIMS];
  int dims[TH_MAX_DIMS];
  int ns = check_ints(L, 2, "roll", shifts);
  int nd = lua_isnoneornil(L, 3) ? 0 : check_dims(L, 3, "roll", dims);
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_roll(t, ns, shifts, nd, dims), 0);
}

/* repeat(t, {repeats}) / tile(t, {repeats}) */
static int lb_repeat(lua_State *L) {
  lua_settop(L, 2);
  THTensor *t = lb_checktensor(L, 1);
  int64_t reps[TH_MAX_DIMS];
  int n = check_ints(L, 2, "repeat", reps);
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_repeat(t, n, reps), 0);
}

static int lb_tile(lua_State *L) {
  lua_settop(L, 2);
  THTensor *t = lb_checktensor(L, 1);
  int64_t reps[TH_MAX_DIMS];
  int n = check_ints(L, 2, "tile", reps);
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_tile(t, n, reps), 0);
}

/* repeat_interleave(t, repeats (number | tensor), dim | nil, output_size | nil) */
static int lb_repeat_interleave(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1);
  bool flat = lua_isnoneornil(L, 3);
  int d = flat ? 0 : lb_checkdim(L, 3);
  int64_t osize = lua_isnoneornil(L, 4) ? -1 : lb_checkint(L, 4);
  THTensor *reps = lb_totensor(L, 2);
  THTensor **slot = lb_newslot(L);
  THTensor *r;
  if (reps) r = THTensor_repeatInterleaveTensor(t, reps, d, flat, osize);
  else r = THTensor_repeatInterleave(t, lb_checkint(L, 2), d, flat);
  return push_result(L, slot, r, 0);
}

/* repeat_interleave_index(repeats, output_size | nil): 1-based positions repeated */
static int lb_repeat_interleave_index(lua_State *L) {
  lua_settop(L, 2);
  THTensor *reps = lb_checktensor(L, 1);
  int64_t osize = lua_isnoneornil(L, 2) ? -1 : lb_checkint(L, 2);
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_repeatInterleaveIndex(reps, osize);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  to_one_based(L, r);
  return 1;
}

/* tri(t, k, upper, inplace, out) */
static int lb_tri(lua_State *L) {
  lua_settop(L, 5);
  THTensor *t = lb_checktensor(L, 1);
  int64_t k = lua_isnoneornil(L, 2) ? 0 : lb_checkint(L, 2);
  bool upper = lua_toboolean(L, 3), inplace = lua_toboolean(L, 4);
  if (inplace) {
    if ((upper ? THTensor_triu_(t, k) : THTensor_tril_(t, k)) != TH_OK) return lb_error(L);
    lua_settop(L, 1);
    return 1;
  }
  THTensor *out = opt_tensor(L, 5);
  THTensor **slot = out ? NULL : lb_newslot(L);
  THTensor *r = upper ? THTensor_triu(out, t, k) : THTensor_tril(out, t, k);
  return push_result(L, slot, r, out ? 5 : 0);
}

/* diag(t, k, out) */
static int lb_diag(lua_State *L) {
  lua_settop(L, 3);
  THTensor *t = lb_checktensor(L, 1);
  int64_t k = lua_isnoneornil(L, 2) ? 0 : lb_checkint(L, 2);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = out ? NULL : lb_newslot(L);
  return push_result(L, slot, THTensor_diag(out, t, k), out ? 3 : 0);
}

/* diagonal(t, offset, dim1, dim2) */
static int lb_diagonal(lua_State *L) {
  lua_settop(L, 4);
  THTensor *t = lb_checktensor(L, 1);
  int64_t off = lua_isnoneornil(L, 2) ? 0 : lb_checkint(L, 2);
  int d1 = lua_isnoneornil(L, 3) ? 0 : lb_checkdim(L, 3);
  int d2 = lua_isnoneornil(L, 4) ? 1 : lb_checkdim(L, 4);
  THTensor **slot = lb_newslot(L);
  return push_result(L, slot, THTensor_diagonal(t, off, d1, d2), 0);
}

/* narrow_copy(t, dim, start, length, out); start 1-based (negative from the end) */
static int lb_narrow_copy(lua_State *L) {
  lua_settop(L, 5);
  THTensor *t = lb_checktensor(L, 1);
  int d = lb_checkdim(L, 2);
  int64_t start = lb_checkint(L, 3), length = lb_checkint(L, 4), size;
  if (start == 0)
    return luaL_error(L, "[narrow_copy] start 0 is invalid: positions are 1-based");
  if (t->ndim > 0 && dim_size(t, d, &size) && (start > size + 1 || start < -size)) {
    int dd = d < 0 ? d + t->ndim : d;
    return fail(L, "[narrow_copy] start %lld is out of range for dimension %d of size %lld",
                      (long long)start, dd + 1, (long long)size);
  }
  THTensor *out = opt_tensor(L, 5);
  THTensor **slot = out ? NULL : lb_newslot(L);
  int64_t s0 = start > 0 ? start - 1 : start;
  if (t->ndim > 0 && dim_size(t, d, &size) && length >= 0 && (s0 < 0 ? s0 + size : s0) + length > size) {
    int dd = d < 0 ? d + t->ndim : d;
    return fail(L, "[narrow_copy] start %lld and length %lld are out of range for dimension %d of size %lld",
                      (long long)start, (long long)length, dd + 1, (long long)size);
  }
  return push_result(L, slot, THTensor_narrowCopy(out, t, d, s0, length), out ? 5 : 0);
}

/* wrap_index(index, size): 1-based positions (negative from the end) checked against 1..size
 * along dim 1, as a new contiguous int64 tensor of positive 1-based positions */
static int lb_wrap_index(lua_State *L) {
  lua_settop(L, 2);
  int64_t size = lb_checkint(L, 2);
  IndexArg ia;
  THTensor *r = index_arg(L, &ia, 1, "index", true, size, 0, true, false);
  to_one_based(L, r);
  return 1;
}

void lb_open_index(lua_State *L) {
  if (luaL_newmetatable(L, "torch.index.list")) {
    lua_pushcfunction(L, list_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {
      {"idx_cat", lb_cat},
      {"idx_stack", lb_stack},
      {"idx_hstack", lb_hstack},
      {"idx_vstack", lb_vstack},
      {"idx_dstack", lb_dstack},
      {"idx_split", lb_split},
      {"idx_chunk", lb_chunk},
      {"idx_unbind", lb_unbind},
      {"idx_index_select", lb_index_select},
      {"idx_gather", lb_gather},
      {"idx_take", lb_take},
      {"idx_masked_select", lb_masked_select},
      {"idx_nonzero", lb_nonzero},
      {"idx_nonzero_tuple", lb_nonzero_tuple},
      {"idx_masked_fill", lb_masked_fill},
      {"idx_masked_scatter", lb_masked_scatter},
      {"idx_scatter", lb_scatter},
      {"idx_scatter_add", lb_scatter_add},
      {"idx_index_add", lb_index_add},
      {"idx_index_copy", lb_index_copy},
      {"idx_index_fill", lb_index_fill},
      {"idx_flip", lb_flip},
      {"idx_roll", lb_roll},
      {"idx_repeat", lb_repeat},
      {"idx_tile", lb_tile},
      {"idx_repeat_interleave", lb_repeat_interleave},
      {"idx_repeat_interleave_index", lb_repeat_interleave_index},
      {"idx_tri", lb_tri},
      {"idx_diag", lb_diag},
      {"idx_diagonal", lb_diagonal},
      {"idx_narrow_copy", lb_narrow_copy},
      {"idx_wrap_index", lb_wrap_index},
      {NULL, NULL}};
  lb_register(L, funcs);
}
