/* lb_tensor.c: the tensor userdata, argument checking, and the methods that query or
 * rearrange a tensor without arithmetic (sizes, views, copies, item, raw values). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lb.h"

/* ======================================================================= userdata, GC */

/* The Lua GC sees only the small userdata; tensor bytes live in lib/TH.  When the bytes lib/TH
 * has handed out pass a threshold, run a full collection, then set the next threshold at what
 * survived plus the largest of: LB_GC_MIN, what survived, and the Lua heap's own size.  Loops
 * stay bounded without the user calling collectgarbage(), and since a collection costs time in
 * proportion to the Lua heap, a big heap is never collected more often than its size in tensor
 * bytes is allocated. */
#define LB_GC_MIN ((size_t)32 << 20)
static _Thread_local TH_TLS_FAST size_t gc_threshold = LB_GC_MIN;

/* Every tensor also owns headers outside the Lua heap (a tensor and often a storage header,
 * some 400 bytes beside a 40-byte userdata).  Lua's own pacing would let ten times more of
 * them pile up than it thinks; so part of their bytes is fed to the collector as steps, a
 * batch at a time, as if Lua had allocated them itself.  128 bytes a tensor keeps 100k small
 * ops within a few MiB of RSS while adding about a tenth to a 1-element op's cost (charging
 * the full 400 bytes costs twice that for little more gain). */
#define LB_HEADER_BYTES 128
#define LB_HEADER_BATCH ((size_t)256 << 10)
static _Thread_local TH_TLS_FAST size_t header_debt;

static void lb_gc_pressure(lua_State *L) {
  header_debt += LB_HEADER_BYTES;
  if (TH_UNLIKELY(header_debt >= LB_HEADER_BATCH)) {
    lua_gc(L, LUA_GCSTEP, (int)(header_debt >> 10));
    header_debt = 0;
  }
  size_t live = THAllocator_liveBytes();
  if (TH_LIKELY(live < gc_threshold)) return;
  lua_gc(L, LUA_GCCOLLECT, 0);
  live = THAllocator_liveBytes();
  size_t heap = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024, extra = LB_GC_MIN;
  if (live > extra) extra = live;
  if (heap > extra) extra = heap;
  gc_threshold = live + extra;
}

/* A tensor userdata is a box of two words: the tensor and the address of lb_tensor_magic.
 * Recognising a tensor then takes a type check, the pointer and the box size, with no
 * metatable fetch: the common argument check is the cheapest thing on every op's path. */
typedef struct {
  THTensor *t;
  const void *magic;
} LBTensorBox;
static const char lb_tensor_magic = 'T';

static LBTensorBox *new_box(lua_State *L) {
  LBTensorBox *box = lua_newuserdata(L, sizeof *box);
  box->t = NULL;
  box->magic = &lb_tensor_magic;
  lua_pushvalue(L, LB_TENSOR_MT);
  lua_setmetatable(L, -2);
  return box;
}

THTensor **lb_newslot(lua_State *L) { return &new_box(L)->t; }

void lb_fill(lua_State *L, THTensor **slot, THTensor *t) {
  *slot = t;
  lb_gc_pressure(L);
}

/* The source prefix ("@/path/lua/torch/") of the Lua half of the library, set by init.lua. */
static char package_prefix[1024];

static int lb_set_package_dir(lua_State *L) {
  snprintf(package_prefix, sizeof package_prefix, "@%s", luaL_checkstring(L, 1));
  return 0;
}

/* Pushes "source:line: " of the first Lua frame outside the library, or "". */
static void push_user_where(lua_State *L) {
  lua_Debug ar;
  size_t plen = strlen(package_prefix);
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) continue;
    if (plen > 1 && strncmp(ar.source, package_prefix, plen) == 0) continue;
    lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
    return;
  }
  lua_pushliteral(L, "");
}

/* Raises TH_lastError(), prefixed with the user's line that led to it. */
int lb_error(lua_State *L) {
  push_user_where(L);
  lua_pushstring(L, TH_lastError());
  lua_concat(L, 2);
  return lua_error(L);
}

int lb_push(lua_State *L, THTensor *t) {
  if (!t) return lb_error(L);
  LBTensorBox *box = lua_newuserdata(L, sizeof *box);
  box->t = t; /* the tensor is owned from here on, even if setmetatable fails */
  box->magic = &lb_tensor_magic;
  lua_pushvalue(L, LB_TENSOR_MT);
  lua_setmetatable(L, -2);
  lb_gc_pressure(L);
  return 1;
}

/* lua_touserdata is NULL for non-userdata, and lua_objlen is 0 for a light userdata, so two
 * calls tell a tensor box from anything else. */
static LBTensorBox *tobox(lua_State *L, int idx) {
  LBTensorBox *box = lua_touserdata(L, idx);
  if (!box || lua_objlen(L, idx) != sizeof(LBTensorBox)) return NULL;
  return box->magic == &lb_tensor_magic ? box : NULL;
}

THTensor *lb_totensor(lua_State *L, int idx) {
  LBTensorBox *box = tobox(L, idx);
  return box ? box->t : NULL;
}

THTensor *lb_checktensor(lua_State *L, int idx) {
  LBTensorBox *box = tobox(L, idx);
  if (!box) luaL_typerror(L, idx, "Tensor");
  if (!box->t) luaL_argerror(L, idx, "tensor has been freed");
  return box->t;
}

static int lb_gc(lua_State *L) {
  LBTensorBox *box = tobox(L, 1);
  if (box && box->t) {
    THTensor_free(box->t);
    box->t = NULL;
  }
  return 0;
}

/* ======================================================================= argument checks */

int64_t lb_checkint(lua_State *L, int idx) {
  lua_Number v = luaL_checknumber(L, idx);
  if (v != floor(v) || fabs(v) > 9.007199254740992e15)
    luaL_argerror(L, idx, lua_pushfstring(L, "integer expected, got %f", v));
  return (int64_t)v;
}

int lb_checkdim(lua_State *L, int idx) {
  int64_t d = lb_checkint(L, idx);
  if (d == 0)
    luaL_argerror(L, idx, "dimension 0 is invalid: dimensions are 1-based (use 1 for the first, -1 for the last)");
  if (d > TH_MAX_DIMS + 1 || d < -TH_MAX_DIMS - 1)
    luaL_argerror(L, idx, lua_pushfstring(L, "dimension %d out of range", (int)d));
  return d > 0 ? (int)d - 1 : (int)d;
}

int64_t lb_checkindex(lua_State *L, int idx) {
  int64_t i = lb_checkint(L, idx);
  if (i == 0)
    luaL_argerror(L, idx, "index 0 is invalid: indices are 1-based (use 1 for the first, -1 for the last)");
  return i > 0 ? i - 1 : i;
}

static int64_t checksize(lua_State *L, int argidx, lua_Number v) {
  if (v != floor(v) || fabs(v) > 9.007199254740992e15)
    luaL_argerror(L, argidx, lua_pushfstring(L, "sizes must be integers, got %f", v));
  return (int64_t)v;
}

int lb_checksizes(lua_State *L, int idx, int *ndim, int64_t *sizes) {
  if (lua_istable(L, idx)) {
    int n = (int)lua_objlen(L, idx);
    if (n > TH_MAX_DIMS)
      luaL_argerror(L, idx, lua_pushfstring(L, "at most %d dimensions, got %d", TH_MAX_DIMS, n));
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, idx, i + 1);
      if (!lua_isnumber(L, -1))
        luaL_argerror(L, idx, lua_pushfstring(L, "size %d is a %s, expected a number", i + 1,
                                               luaL_typename(L, -1)));
      sizes[i] = checksize(L, idx, lua_tonumber(L, -1));
      lua_pop(L, 1);
    }
    *ndim = n;
    return 1;
  }
  int n = 0, top = lua_gettop(L);
  while (idx + n <= top && lua_type(L, idx + n) == LUA_TNUMBER) {
    if (n >= TH_MAX_DIMS)
      luaL_argerror(L, idx + n, lua_pushfstring(L, "at most %d dimensions", TH_MAX_DIMS));
    sizes[n] = checksize(L, idx + n, lua_tonumber(L, idx + n));
    n++;
  }
  if (n == 0 && idx <= top && !lua_isnil(L, idx))
    luaL_argerror(L, idx, lua_pushfstring(L, "sizes expected (numbers or a table), got %s",
                                           luaL_typename(L, idx)));
  *ndim = n;
  return n;
}

THDtype lb_checkdtype(lua_State *L, int idx) {
  int64_t d = lb_checkint(L, idx);
  if (d < 0 || d >= TH_NDTYPES) luaL_argerror(L, idx, "invalid dtype");
  return (THDtype)d;
}

THDevice lb_checkdevice(lua_State *L, int idx_type, int idx_index) {
  THDevice d = {(int8_t)luaL_optinteger(L, idx_type, 0), (int8_t)luaL_optinteger(L, idx_index, 0)};
  if (d.type < 0 || d.type >= TH_NDEVICE_TYPES) luaL_argerror(L, idx_type, "invalid device");
  return d;
}

THArg lb_checkarg(lua_State *L, int idx) {
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER: return THArg_number(lua_tonumber(L, idx));
  case LUA_TBOOLEAN: {
    THArg a = {NULL, {TH_KIND_BOOL, lua_toboolean(L, idx), lua_toboolean(L, idx)}};
    return a;
  }
  default: return THArg_tensor(lb_checktensor(L, idx));
  }
}

void lb_register(lua_State *L, const luaL_Reg *funcs) {
  for (; funcs->name; funcs++) {
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, funcs->func, 1);
    lua_setfield(L, -3, funcs->name);
  }
}

/* ======================================================================= queries */

static int push_int64s(lua_State *L, int n, const int64_t *v) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushnumber(L, (lua_Number)v[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* size(x) / stride(x) -> table; size(x, dim) / stride(x, dim) -> number */
static int dims_query(lua_State *L, const char *op, bool strides) {
  THTensor *t = lb_checktensor(L, 1);
  const int64_t *v = strides ? t->stride : t->size;
  if (lua_isnoneornil(L, 2)) return push_int64s(L, t->ndim, v);
  int d;
  if (THTensor_wrapDim(op, lb_checkdim(L, 2), t->ndim, &d) != TH_OK) return lb_error(L);
  if (t->ndim == 0) return luaL_error(L, "[%s] a 0-dim tensor has no dimension %d", op, d + 1);
  lua_pushnumber(L, (lua_Number)v[d]);
  return 1;
}

static int lb_size(lua_State *L) { return dims_query(L, "size", false); }
static int lb_stride(lua_State *L) { return dims_query(L, "stride", true); }

static int lb_dim(lua_State *L) {
  lua_pushinteger(L, lb_checktensor(L, 1)->ndim);
  return 1;
}

static int lb_numel(lua_State *L) {
  lua_pushnumber(L, (lua_Number)THTensor_numel(lb_checktensor(L, 1)));
  return 1;
}

static int lb_dtype(lua_State *L) {
  lua_pushinteger(L, lb_checktensor(L, 1)->dtype);
  return 1;
}

/* device(x) -> type, index */
static int lb_device(lua_State *L) {
  THDevice d = THTensor_device(lb_checktensor(L, 1));
  lua_pushinteger(L, d.type);
  lua_pushinteger(L, d.index);
  return 2;
}

static int lb_is_contiguous(lua_State *L) {
  lua_pushboolean(L, THTensor_isContiguous(lb_checktensor(L, 1)));
  return 1;
}

static int lb_storage_offset(lua_State *L) {
  lua_pushnumber(L, (lua_Number)lb_checktensor(L, 1)->offset);
  return 1;
}

static int lb_data_ptr(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  lua_pushnumber(L, (lua_Number)(uintptr_t)THTensor_data(t));
  return 1;
}

/* Pushes one element as a Lua value: boolean for bool tensors, number otherwise. */
static void push_element(lua_State *L, const THTensor *t, const int64_t *index) {
  if (t->dtype == TH_BOOL)
    lua_pushboolean(L, THTensor_getInt64(t, index) != 0);
  else
    lua_pushnumber(L, THTensor_getDouble(t, index));
}

static int lb_item(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  int64_t n = THTensor_numel(t);
  if (n != 1) {
    char buf[TH_SHAPE_STRLEN];
    TH_setError("[item] a tensor with %lld elements (shape %s) cannot be converted to a number; "
                "item() needs exactly one element", (long long)n, TH_formatShape(buf, t->ndim, t->size));
    return lb_error(L);
  }
  if (THTensor_device(t).type != TH_DEVICE_CPU) return luaL_error(L, "[item] tensor is not on the CPU");
  int64_t zero[TH_MAX_DIMS] = {0};
  push_element(L, t, zero);
  return 1;
}

/* values(x) -> flat Lua array of all elements in row-major order (used by tostring, tolist). */
static int lb_values(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1), *host = NULL;
  int64_t n = THTensor_numel(t);
  if (n > 100000000) return luaL_error(L, "[values] tensor too large to convert to a Lua table");
  if (THTensor_device(t).type != TH_DEVICE_CPU) { /* one transfer, then read on the host */
    host = THTensor_empty(t->dtype, TH_CPU, t->ndim, t->size);
    if (!host || THTensor_copy(host, t) != TH_OK) {
      THTensor_free(host);
      return lb_error(L);
    }
    t = host;
    lb_push(L, host); /* owned by the stack from here on, so an error can't leak it */
  }
  lua_createtable(L, (int)n, 0);
  int64_t idx[TH_MAX_DIMS] = {0};
  for (int64_t k = 0; k < n; k++) {
    push_element(L, t, idx);
    lua_rawseti(L, -2, (int)k + 1);
    for (int d = t->ndim - 1; d >= 0; d--) {
      if (++idx[d] < t->size[d]) break;
      idx[d] = 0;
    }
  }
  return 1;
}

/* ======================================================================= views */

#define VIEW_PROLOGUE                    \
  THTensor *t = lb_checktensor(L, 1);   \
  THTensor **slot = lb_newslot(L);      \
  THTensor *r

#define VIEW_EPILOGUE             \
  if (!r) return lb_error(L);     \
  lb_fill(L, slot, r);            \
  return 1

static int lb_view(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS];
  int n;
  lb_checktensor(L, 1);
  lb_checksizes(L, 2, &n, sizes);
  VIEW_PROLOGUE = THAutograd_view(t, n, sizes);
  VIEW_EPILOGUE;
}

static int lb_reshape(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS];
  int n;
  lb_checktensor(L, 1);
  lb_checksizes(L, 2, &n, sizes);
  VIEW_PROLOGUE = THAutograd_reshape(t, n, sizes);
  VIEW_EPILOGUE;
}

static int lb_transpose(lua_State *L) {
  int d0 = lb_checkdim(L, 2), d1 = lb_checkdim(L, 3);
  VIEW_PROLOGUE = THAutograd_transpose(t, d0, d1);
  VIEW_EPILOGUE;
}

static int lb_t(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  if (x->ndim > 2) {
    char buf[TH_SHAPE_STRLEN];
    return luaL_error(L, "[t] expects a tensor with <= 2 dimensions, but got shape %s",
                      TH_formatShape(buf, x->ndim, x->size));
  }
  VIEW_PROLOGUE = x->ndim < 2 ? THAutograd_view(t, t->ndim, t->size)
                              : THAutograd_transpose(t, 0, 1);
  VIEW_EPILOGUE;
}

static int lb_permute(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int dims[TH_MAX_DIMS], n = 0;
  int64_t raw[TH_MAX_DIMS];
  lb_checksizes(L, 2, &n, raw);
  if (n != x->ndim)
    return luaL_error(L, "[permute] number of dims don't match: tensor has %d, permutation has %d",
                      x->ndim, n);
  for (int i = 0; i < n; i++) {
    if (raw[i] == 0) return luaL_error(L, "[permute] dimension 0 is invalid: dimensions are 1-based");
    dims[i] = raw[i] > 0 ? (int)raw[i] - 1 : (int)raw[i];
  }
  VIEW_PROLOGUE = THAutograd_permute(t, dims);
  VIEW_EPILOGUE;
}

static int lb_narrow(lua_State *L) {
  int d = lb_checkdim(L, 2);
  int64_t start = lb_checkindex(L, 3), len = lb_checkint(L, 4);
  VIEW_PROLOGUE = THAutograd_narrow(t, d, start, len);
  VIEW_EPILOGUE;
}

static int lb_select(lua_State *L) {
  int d = lb_checkdim(L, 2);
  int64_t i = lb_checkindex(L, 3);
  VIEW_PROLOGUE = THAutograd_select(t, d, i);
  VIEW_EPILOGUE;
}

static int lb_squeeze(lua_State *L) {
  bool all = lua_isnoneornil(L, 2);
  int d = all ? 0 : lb_checkdim(L, 2);
  VIEW_PROLOGUE = all ? THAutograd_squeeze(t) : THAutograd_squeezeDim(t, d);
  VIEW_EPILOGUE;
}

static int lb_unsqueeze(lua_State *L) {
  /* unsqueeze(x, d): the new dim has position d in the result (1-based, -1 = last) */
  int d = lb_checkdim(L, 2);
  VIEW_PROLOGUE = THAutograd_unsqueeze(t, d);
  VIEW_EPILOGUE;
}

static int lb_expand(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS];
  int n;
  THTensor *x = lb_checktensor(L, 1);
  if (lb_totensor(L, 2)) { /* expand_as */
    THTensor *o = lb_totensor(L, 2);
    n = o->ndim;
    memcpy(sizes, o->size, sizeof sizes);
  } else {
    lb_checksizes(L, 2, &n, sizes);
  }
  (void)x;
  VIEW_PROLOGUE = THAutograd_expand(t, n, sizes);
  VIEW_EPILOGUE;
}

static int lb_flatten(lua_State *L) {
  int s = lua_isnoneornil(L, 2) ? 0 : lb_checkdim(L, 2);
  int e = lua_isnoneornil(L, 3) ? -1 : lb_checkdim(L, 3);
  VIEW_PROLOGUE = THAutograd_flatten(t, s, e);
  VIEW_EPILOGUE;
}

static int lb_unfold(lua_State *L) {
  int d = lb_checkdim(L, 2);
  int64_t size = lb_checkint(L, 3), step = lb_checkint(L, 4);
  VIEW_PROLOGUE = THAutograd_unfold(t, d, size, step);
  VIEW_EPILOGUE;
}

static int lb_as_strided(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS], strides[TH_MAX_DIMS];
  int n, m;
  THTensor *x = lb_checktensor(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lb_checksizes(L, 2, &n, sizes);
  lb_checksizes(L, 3, &m, strides);
  if (n != m) return luaL_error(L, "[as_strided] %d sizes but %d strides", n, m);
  int64_t off = lua_isnoneornil(L, 4) ? x->offset : lb_checkint(L, 4);
  VIEW_PROLOGUE = THAutograd_asStrided(t, n, sizes, strides, off);
  VIEW_EPILOGUE;
}

static int lb_contiguous(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  if (THTensor_isContiguous(t)) {
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THAutograd_clone(t);
  VIEW_EPILOGUE;
}

static int lb_clone(lua_State *L) {
  VIEW_PROLOGUE = THAutograd_clone(t);
  VIEW_EPILOGUE;
}

/* to_dtype(x, dtype_id): x itself when the dtype already matches */
static int lb_to_dtype(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THDtype d = lb_checkdtype(L, 2);
  if (t->dtype == d) {
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_to(t, d);
  VIEW_EPILOGUE;
}

/* to_device(x, dtype_id, devtype, devindex, non_blocking): x itself when nothing changes */
static int lb_to_device(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THDtype d = lb_checkdtype(L, 2);
  THDevice dev = lb_checkdevice(L, 3, 4);
  if (t->dtype == d && THDevice_equal(THTensor_device(t), dev)) {
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_toDevice(t, dev, d, lua_toboolean(L, 5));
  VIEW_EPILOGUE;
}

/* pin_memory(x): x in page-locked host memory (x itself when it already is) */
static int lb_pin_memory(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  if (THTensor_device(t).type == TH_DEVICE_CPU && THStorage_isPinned(t->storage)) {
    lua_settop(L, 1);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_pinMemory(t);
  VIEW_EPILOGUE;
}

static int lb_is_pinned(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  lua_pushboolean(L, THTensor_device(t).type == TH_DEVICE_CPU && THStorage_isPinned(t->storage));
  return 1;
}

/* copy_(dst, src): src broadcast to dst, any dtypes; returns dst */
static int lb_copy_(lua_State *L) {
  THTensor *dst = lb_checktensor(L, 1), *src = lb_checktensor(L, 2);
  if (THAutograd_copy_(dst, src) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

/* resize_(x, sizes...): contiguous with the new sizes, storage grown as needed */
static int lb_resize_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  int64_t sizes[TH_MAX_DIMS];
  int n;
  if (lb_totensor(L, 2)) {
    THTensor *o = lb_totensor(L, 2);
    n = o->ndim;
    memcpy(sizes, o->size, sizeof sizes);
  } else {
    lb_checksizes(L, 2, &n, sizes);
  }
  if (THTensor_resize(t, n, sizes) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

/* set_(x, y): x becomes a view of y's storage with y's layout */
static int lb_set_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1), *src = lb_checktensor(L, 2);
  THTensor_set(t, src);
  lua_settop(L, 1);
  return 1;
}

static int lb_is_same(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2);
  lua_pushboolean(L, a == b);
  return 1;
}

static int lb_shares_storage(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2);
  lua_pushboolean(L, a->storage == b->storage);
  return 1;
}

/* requires_grad(x [, flag]): reads, or sets and returns x */
static int lb_requires_grad(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  if (lua_isnoneornil(L, 2)) {
    lua_pushboolean(L, t->requires_grad);
    return 1;
  }
  luaL_checktype(L, 2, LUA_TBOOLEAN);
  if (THAutograd_setRequiresGrad(t, lua_toboolean(L, 2)) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

static int lb_version(lua_State *L) {
  lua_pushnumber(L, lb_checktensor(L, 1)->storage->version);
  return 1;
}

void lb_open_tensor(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"__gc", lb_gc},          {"size", lb_size},
      {"stride", lb_stride},    {"dim", lb_dim},
      {"numel", lb_numel},      {"dtype_id", lb_dtype},
      {"device", lb_device},    {"is_contiguous", lb_is_contiguous},
      {"storage_offset", lb_storage_offset}, {"data_ptr", lb_data_ptr},
      {"item", lb_item},        {"values", lb_values},
      {"view", lb_view},        {"reshape", lb_reshape},
      {"transpose", lb_transpose}, {"t", lb_t},
      {"permute", lb_permute},  {"narrow", lb_narrow},
      {"select", lb_select},    {"squeeze", lb_squeeze},
      {"unsqueeze", lb_unsqueeze}, {"expand", lb_expand},
      {"flatten", lb_flatten},  {"unfold", lb_unfold},
      {"as_strided", lb_as_strided}, {"contiguous", lb_contiguous},
      {"clone", lb_clone},      {"to_dtype", lb_to_dtype},
      {"to_device", lb_to_device}, {"pin_memory", lb_pin_memory},
      {"is_pinned", lb_is_pinned},
      {"copy_", lb_copy_},      {"resize_", lb_resize_},
      {"set_", lb_set_},        {"is_same", lb_is_same},
      {"shares_storage", lb_shares_storage}, {"version", lb_version},
      {"requires_grad", lb_requires_grad}, {"set_package_dir", lb_set_package_dir},
      {NULL, NULL}};
  lb_register(L, funcs);
}
