/* lb_torch7.c: the C half of the Torch7 compatibility layer (lua/torch/torch7*.lua).
 *
 *   torch7_clock()            -> real, user, sys: a monotonic wall clock and the process's CPU
 *                                times in seconds (torch.Timer)
 *   torch7_storage(x)         -> a 1-D tensor over the whole storage of x, from its first
 *                                element (x:storage())
 *   torch7_apply(x, fn [, y [, z]])
 *                             -> x, after x[i] = fn(x[i] [, y[i] [, z[i]]]) for every element
 *                                in row-major order (x:apply, x:map, x:map2)
 *
 * apply works on a contiguous copy of x and writes it back only when every call succeeded, so
 * an error raised by fn (or a value x's dtype cannot hold) leaves x unchanged.  The copy is
 * owned by a tensor userdata, so a Lua error thrown by fn leaks nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <sys/resource.h>
#include <time.h>
#include "lb.h"

/* ======================================================================= clock */

static double timeval_seconds(struct timeval tv) { return (double)tv.tv_sec + tv.tv_usec * 1e-6; }

static int lb_t7_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  lua_pushnumber(L, (double)ts.tv_sec + ts.tv_nsec * 1e-9);
  lua_pushnumber(L, timeval_seconds(ru.ru_utime));
  lua_pushnumber(L, timeval_seconds(ru.ru_stime));
  return 3;
}

/* ======================================================================= storage */

static int lb_t7_storage(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int64_t n = (int64_t)(x->storage->nbytes / THDtype_size(x->dtype)), one = 1;
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_newView(x->storage, x->dtype, 0, 1, &n, &one);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

/* ======================================================================= apply */

/* Element k of a contiguous tensor as a double. */
static double get_flat(const THTensor *t, int64_t k) {
  const void *p = THTensor_data(t);
  switch (t->dtype) {
  case TH_F16: return th_half2float(((const th_half *)p)[k]);
  case TH_BF16: return th_bfloat162float(((const th_bfloat16 *)p)[k]);
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: return (double)((const CTYPE *)p)[k];
    TH_FORALL_FLOAT_DTYPES_NATIVE(TH_X)
    TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  case TH_BOOL: return ((const bool *)p)[k];
  default: return 0;
  }
}

static void push_flat(lua_State *L, const THTensor *t, int64_t k) {
  if (t->dtype == TH_BOOL) lua_pushboolean(L, ((const bool *)THTensor_data(t))[k]);
  else lua_pushnumber(L, get_flat(t, k));
}

/* Whether v can be stored in dtype (PyTorch's "cannot be converted without overflow"). */
static bool fits(THDtype dtype, double v) {
  double lo, hi;
  switch (dtype) {
  case TH_I8: lo = -128, hi = 127; break;
  case TH_I16: lo = -32768, hi = 32767; break;
  case TH_I32: lo = -2147483648.0, hi = 2147483647.0; break;
  case TH_I64: return v >= -9223372036854775808.0 && v < 9223372036854775808.0;
  case TH_U8: lo = 0, hi = 255; break;
  case TH_F16: lo = -65504, hi = 65504; break;
  case TH_F32: case TH_BF16: lo = -3.4028234663852886e38, hi = 3.4028234663852886e38; break;
  default: return true;
  }
  if (THDtype_isFloating(dtype) && !isfinite(v)) return true;
  return v >= lo && v <= hi; /* false for nan */
}

/* Element k of a contiguous tensor <- v (checked by fits); integers truncate toward zero. */
static void set_flat(THTensor *t, int64_t k, double v) {
  void *p = THTensor_data(t);
  switch (t->dtype) {
  case TH_F16: ((th_half *)p)[k] = th_float2half((float)v); break;
  case TH_BF16: ((th_bfloat16 *)p)[k] = th_float2bfloat16((float)v); break;
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: ((CTYPE *)p)[k] = (CTYPE)v; break;
    TH_FORALL_FLOAT_DTYPES_NATIVE(TH_X)
    TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  case TH_BOOL: ((bool *)p)[k] = v != 0; break;
  default: break;
  }
}

/* Pushes a contiguous version of the tensor at idx (itself when already contiguous) and
 * returns it; the new userdata owns any copy. */
static THTensor *push_contiguous(lua_State *L, int idx) {
  THTensor *t = lb_checktensor(L, idx);
  if (THTensor_isContiguous(t)) {
    lua_pushvalue(L, idx);
    return t;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *c = THTensor_clone(t);
  if (!c) lb_error(L);
  lb_fill(L, slot, c);
  return c;
}

static int lb_t7_apply(lua_State *L) {
  const char *op = luaL_optstring(L, 5, "apply");
  THTensor *x = lb_checktensor(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  int nextra = lua_isnoneornil(L, 3) ? 0 : lua_isnoneornil(L, 4) ? 1 : 2;
  THTensor *others[2] = {NULL, NULL};
  int64_t n = THTensor_numel(x);
  lua_settop(L, 5);
  for (int i = 0; i < nextra; i++) {
    THTensor *o = lb_checktensor(L, 3 + i);
    if (THTensor_numel(o) != n) {
      char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
      TH_setError("[%s] the tensors must have the same number of elements: %s has %lld, "
                  "%s has %lld", op, TH_formatShape(a, x->ndim, x->size), (long long)n,
                  TH_formatShape(b, o->ndim, o->size), (long long)THTensor_numel(o));
      return lb_error(L);
    }
    if (THTensor_device(o).type != TH_DEVICE_CPU) return luaL_error(L, "[%s] tensors must be on the CPU", op);
  }
  if (THTensor_device(x).type != TH_DEVICE_CPU) return luaL_error(L, "[%s] tensors must be on the CPU", op);
  /* stack: 6 = the working copy of x, 7.. = contiguous others */
  THTensor **slot = lb_newslot(L);
  THTensor *work = THTensor_clone(x);
  if (!work) return lb_error(L);
  lb_fill(L, slot, work);
  for (int i = 0; i < nextra; i++) others[i] = push_contiguous(L, 3 + i);
  for (int64_t k = 0; k < n; k++) {
    lua_pushvalue(L, 2);
    push_flat(L, work, k);
    for (int i = 0; i < nextra; i++) push_flat(L, others[i], k);
    lua_call(L, 1 + nextra, 1);
    int type = lua_type(L, -1);
    if (type == LUA_TNUMBER || type == LUA_TBOOLEAN) {
      double v = type == LUA_TBOOLEAN ? lua_toboolean(L, -1) : lua_tonumber(L, -1);
      if (!fits(work->dtype, v)) {
        TH_setError("[%s] the function returned %.17g for element %lld, which cannot be converted "
                    "to type %s without overflow", op, v, (long long)k + 1, THDtype_name(work->dtype));
        return lb_error(L);
      }
      set_flat(work, k, v);
    } else if (type != LUA_TNIL) {
      TH_setError("[%s] the function must return a number, a boolean or nothing, got a %s for "
                  "element %lld", op, lua_typename(L, type), (long long)k + 1);
      return lb_error(L);
    }
    lua_pop(L, 1);
  }
  if (n > 0 && THTensor_copy(x, work) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

/* ======================================================================= open */

void lb_open_torch7(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"torch7_clock", lb_t7_clock},
      {"torch7_storage", lb_t7_storage},
      {"torch7_apply", lb_t7_apply},
      {NULL, NULL},
  };
  lb_register(L, funcs);
}
