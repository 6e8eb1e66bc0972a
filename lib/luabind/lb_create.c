/* lb_create.c: bindings that make new tensors (empty, full, ranges, eye, from Lua tables,
 * from external pointers) and the module-level settings (threads, default dtype, memory).
 * Option parsing (sizes as varargs, dtype names, devices) is done by lua/torch/init.lua; these
 * functions take plain positional arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lb.h"

static int push_or_error(lua_State *L, THTensor **slot, THTensor *t) {
  if (!t) return lb_error(L);
  lb_fill(L, slot, t);
  return 1;
}

/* empty(sizes, dtype, devtype, devindex) */
static int lb_empty(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS];
  int n;
  luaL_checktype(L, 1, LUA_TTABLE);
  lb_checksizes(L, 1, &n, sizes);
  THDtype dt = lb_checkdtype(L, 2);
  THDevice dev = lb_checkdevice(L, 3, 4);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_empty(dt, dev, n, sizes));
}

/* full(sizes, value, dtype, devtype, devindex) */
static int lb_full(lua_State *L) {
  int64_t sizes[TH_MAX_DIMS];
  int n;
  luaL_checktype(L, 1, LUA_TTABLE);
  lb_checksizes(L, 1, &n, sizes);
  double v = lua_isboolean(L, 2) ? lua_toboolean(L, 2) : luaL_checknumber(L, 2);
  THDtype dt = lb_checkdtype(L, 3);
  THDevice dev = lb_checkdevice(L, 4, 5);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_full(dt, dev, n, sizes, v));
}

/* arange(start, end, step, dtype, devtype, devindex) */
static int lb_arange(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2), s = luaL_checknumber(L, 3);
  THDtype dt = lb_checkdtype(L, 4);
  THDevice dev = lb_checkdevice(L, 5, 6);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_arange(a, b, s, dt, dev));
}

/* linspace(start, end, steps, dtype, devtype, devindex) */
static int lb_linspace(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  int64_t steps = lb_checkint(L, 3);
  THDtype dt = lb_checkdtype(L, 4);
  THDevice dev = lb_checkdevice(L, 5, 6);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_linspace(a, b, steps, dt, dev));
}

/* logspace(start, end, steps, base, dtype, devtype, devindex) */
static int lb_logspace(lua_State *L) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  int64_t steps = lb_checkint(L, 3);
  double base = luaL_checknumber(L, 4);
  THDtype dt = lb_checkdtype(L, 5);
  THDevice dev = lb_checkdevice(L, 6, 7);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_logspace(a, b, steps, base, dt, dev));
}

/* eye(n, m, dtype, devtype, devindex) */
static int lb_eye(lua_State *L) {
  int64_t n = lb_checkint(L, 1), m = lb_checkint(L, 2);
  THDtype dt = lb_checkdtype(L, 3);
  THDevice dev = lb_checkdevice(L, 4, 5);
  THTensor **slot = lb_newslot(L);
  return push_or_error(L, slot, THTensor_eye(n, m, dt, dev));
}

/* ======================================================================= from Lua tables */

typedef struct {
  int ndim;
  int64_t sizes[TH_MAX_DIMS];
  bool any_float, any_number, any_bool;
  double *out;
  int64_t pos;
} TableScan;

static void scan_shape(lua_State *L, int idx, TableScan *sc) {
  sc->ndim = 0;
  lua_pushvalue(L, idx);
  while (lua_istable(L, -1)) {
    if (sc->ndim >= TH_MAX_DIMS) luaL_error(L, "[tensor] nested more than %d levels deep", TH_MAX_DIMS);
    size_t len = lua_objlen(L, -1);
    sc->sizes[sc->ndim++] = (int64_t)len;
    if (len == 0) break;
    lua_rawgeti(L, -1, 1);
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
}

/* Checks the nesting at depth d matches the shape and collects leaves in row-major order. */
static void collect(lua_State *L, int idx, int d, TableScan *sc) {
  int t = lua_type(L, idx);
  if (d == sc->ndim) {
    if (t == LUA_TNUMBER) {
      double v = lua_tonumber(L, idx);
      sc->any_number = true;
      if (v != floor(v) || !(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18) ||
          (v == 0 && signbit(v)))
        sc->any_float = true; /* also inf, nan, -0.0 and integers beyond int64 */
      if (sc->out) sc->out[sc->pos] = v;
    } else if (t == LUA_TBOOLEAN) {
      sc->any_bool = true;
      if (sc->out) sc->out[sc->pos] = lua_toboolean(L, idx);
    } else if (t == LUA_TTABLE) {
      luaL_error(L, "[tensor] too many levels of nesting: expected %d dimensions", sc->ndim);
    } else {
      luaL_error(L, "[tensor] elements must be numbers or booleans, got %s at element %d",
                 lua_typename(L, t), (int)sc->pos + 1);
    }
    sc->pos++;
    return;
  }
  if (t != LUA_TTABLE)
    luaL_error(L, "[tensor] expected a sequence at dimension %d, got %s", d + 1, lua_typename(L, t));
  int64_t len = (int64_t)lua_objlen(L, idx);
  if (len != sc->sizes[d])
    luaL_error(L, "[tensor] expected sequence of length %d at dimension %d (got %d)",
               (int)sc->sizes[d], d + 1, (int)len);
  for (int64_t i = 1; i <= len; i++) {
    lua_rawgeti(L, idx, (int)i);
    collect(L, lua_gettop(L), d + 1, sc);
    lua_pop(L, 1);
  }
}

/* from_table(data, dtype or nil): numbers / booleans / nested tables; integers give int64,
 * other numbers the default float dtype, booleans bool. */
static int lb_from_table(lua_State *L) {
  TableScan sc;
  memset(&sc, 0, sizeof sc);
  if (lua_type(L, 1) != LUA_TTABLE && lua_type(L, 1) != LUA_TNUMBER && lua_type(L, 1) != LUA_TBOOLEAN)
    luaL_argerror(L, 1, lua_pushfstring(L, "number, boolean or table expected, got %s", luaL_typename(L, 1)));
  scan_shape(L, 1, &sc);
  collect(L, 1, 0, &sc); /* validate and infer the dtype before allocating */
  THDtype dt;
  if (!lua_isnoneornil(L, 2)) dt = lb_checkdtype(L, 2);
  else if (sc.any_float) dt = THDtype_getDefault();
  else if (sc.any_number) dt = TH_I64;
  else if (sc.any_bool) dt = TH_BOOL;
  else dt = THDtype_getDefault(); /* empty */
  THTensor **slot = lb_newslot(L);
  THTensor *f64 = THTensor_empty(TH_F64, TH_CPU, sc.ndim, sc.sizes);
  if (!f64) return lb_error(L);
  sc.out = THTensor_data(f64);
  sc.pos = 0;
  collect(L, 1, 0, &sc); /* cannot fail: validated above */
  THTensor *r = THTensor_toDtype(f64, dt);
  THTensor_free(f64);
  return push_or_error(L, slot, r);
}

/* ======================================================================= external memory */

typedef struct {
  lua_State *L;
  int ref;
} OwnerRef;

static void release_owner(void *ctx, void *data) {
  (void)data;
  OwnerRef *o = ctx;
  luaL_unref(o->L, LUA_REGISTRYINDEX, o->ref);
  free(o);
}

/* from_pointer(address, sizes, dtype, strides or nil, owner or nil): shares the memory; the
 * owner (any Lua value) is kept alive as long as the memory is viewed. */
static int lb_from_pointer(lua_State *L) {
  void *p;
  if (lua_type(L, 1) == LUA_TLIGHTUSERDATA) p = lua_touserdata(L, 1);
  else p = (void *)(uintptr_t)luaL_checknumber(L, 1);
  int64_t sizes[TH_MAX_DIMS], strides[TH_MAX_DIMS];
  int n, m = -1;
  luaL_checktype(L, 2, LUA_TTABLE);
  lb_checksizes(L, 2, &n, sizes);
  THDtype dt = lb_checkdtype(L, 3);
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lb_checksizes(L, 4, &m, strides);
    if (m != n) return luaL_error(L, "[from_pointer] %d sizes but %d strides", n, m);
  }
  THTensor **slot = lb_newslot(L);
  OwnerRef *o = NULL;
  if (!lua_isnoneornil(L, 5)) {
    o = malloc(sizeof *o);
    if (!o) return luaL_error(L, "[from_pointer] out of memory");
    /* release runs later, maybe after this coroutine died: use the main thread's state */
    lua_getfield(L, LUA_REGISTRYINDEX, "torch.mainthread");
    o->L = lua_touserdata(L, -1) ? (lua_State *)lua_touserdata(L, -1) : L;
    lua_pop(L, 1);
    lua_pushvalue(L, 5);
    o->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  THTensor *t = THTensor_wrap(p, dt, TH_CPU, n, sizes, m >= 0 ? strides : NULL,
                              o ? release_owner : NULL, o);
  if (!t && o) release_owner(o, NULL);
  return push_or_error(L, slot, t);
}

/* ======================================================================= settings */

static int lb_set_num_threads(lua_State *L) {
  TH_setNumThreads((int)luaL_checkinteger(L, 1));
  return 0;
}
static int lb_get_num_threads(lua_State *L) {
  lua_pushinteger(L, TH_getNumThreads());
  return 1;
}
static int lb_get_default_dtype(lua_State *L) {
  lua_pushinteger(L, THDtype_getDefault());
  return 1;
}
static int lb_set_default_dtype(lua_State *L) {
  if (THDtype_setDefault(lb_checkdtype(L, 1)) != TH_OK) return lb_error(L);
  return 0;
}
static int lb_memory_stats(lua_State *L) {
  lua_pushnumber(L, (lua_Number)THAllocator_liveBytes());
  lua_pushnumber(L, (lua_Number)THAllocator_cachedBytes());
  return 2;
}
static int lb_empty_cache(lua_State *L) {
  (void)L;
  THAllocator_emptyCache();
  return 0;
}
static int lb_dtype_names(lua_State *L) {
  lua_createtable(L, TH_NDTYPES, 0);
  for (int i = 0; i < TH_NDTYPES; i++) {
    lua_createtable(L, 0, 4);
    lua_pushstring(L, THDtype_name((THDtype)i));
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, i);
    lua_setfield(L, -2, "id");
    lua_pushinteger(L, (lua_Integer)THDtype_size((THDtype)i));
    lua_setfield(L, -2, "itemsize");
    lua_pushboolean(L, THDtype_isFloating((THDtype)i));
    lua_setfield(L, -2, "is_floating_point");
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}
static int lb_promote_types(lua_State *L) {
  lua_pushinteger(L, THDtype_promote(lb_checkdtype(L, 1), lb_checkdtype(L, 2)));
  return 1;
}
/* result_type(a, b): PyTorch's result type of an op on a and b (tensors or numbers) */
static int lb_device_available(lua_State *L) {
  lua_pushboolean(L, THStorage_deviceAvailable((THDeviceType)luaL_checkinteger(L, 1)));
  return 1;
}

static int lb_result_type(lua_State *L) {
  THArg args[2] = {lb_checkarg(L, 1), lb_checkarg(L, 2)};
  lua_pushinteger(L, THMath_resultType(2, args));
  return 1;
}

void lb_open_create(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"empty", lb_empty},         {"full", lb_full},
      {"arange", lb_arange},       {"linspace", lb_linspace},
      {"logspace", lb_logspace},   {"eye", lb_eye},
      {"from_table", lb_from_table}, {"from_pointer", lb_from_pointer},
      {"set_num_threads", lb_set_num_threads}, {"get_num_threads", lb_get_num_threads},
      {"get_default_dtype", lb_get_default_dtype}, {"set_default_dtype", lb_set_default_dtype},
      {"memory_stats", lb_memory_stats}, {"empty_cache", lb_empty_cache},
      {"dtypes", lb_dtype_names},  {"promote_types", lb_promote_types},
      {"result_type", lb_result_type}, {"device_available", lb_device_available},
      {NULL, NULL}};
  lb_register(L, funcs);
}
