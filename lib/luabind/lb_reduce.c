/* lb_reduce.c: bindings for the reductions and scans of lib/TH/THReduce.h.
 *
 * Every function takes the tensor first, then the positional forms PyTorch allows, then an
 * optional trailing options table:
 *   sum(x [, dim or {dims}] [, keepdim] [, {dim =, keepdim =, dtype =, out =}])
 *   var(x [, dims] [, unbiased] [, keepdim] [, {correction =, unbiased =, ...}])
 *   norm(x [, p] [, dims] [, keepdim] [, {p =, dtype =, ...}])
 *   max(x [, dim] [, keepdim] [, {out = {values, indices}}]) -> values, indices
 * Dims arrive 1-based (negative from the end) and are converted here, once; index results
 * (argmax, max/min/median/mode along a dim, cummax/cummin) leave 1-based.  Everything is
 * checked before lib/TH is called, which itself leaves its inputs untouched on failure.
 */
#include <math.h>
#include <string.h>
#include "lb.h"
#include "THReduce.h"

enum {
  S_DIMS = 1,      /* a dim or a table of dims */
  S_DIM1 = 2,      /* at most one dim */
  S_DIM_REQ = 4,   /* the dim must be given */
  S_KEEPDIM = 8,   /* positional keepdim after the dims, option keepdim */
  S_DTYPE = 16,    /* option dtype */
  S_OUT = 32,      /* option out = tensor */
  S_OUT2 = 64,     /* option out = {values, indices} (when a dim is given) */
  S_UNBIASED = 128, /* positional unbiased after the dims, options unbiased / correction */
  S_P = 256,       /* positional p before the dims, option p */
};

typedef struct {
  const char *name;
  THOp op;
  unsigned flags;
  int ndims;
  int dims[TH_MAX_DIMS];
  bool have_dims, keepdim;
  int dtype;
  double correction, p;
  THTensor *out[2];
  int out_idx[2]; /* stack slots of the out= tensors (to return them as given) */
} Call;

/* ======================================================================= argument parsing */

static int to_dim(lua_State *L, const Call *c, lua_Number v) {
  if (v != floor(v) || fabs(v) > 1e9)
    luaL_error(L, "[%s] dimensions must be integers, got %f", c->name, v);
  if (v == 0)
    luaL_error(L, "[%s] dimension 0 is invalid: dimensions are 1-based (use 1 for the first, "
                  "-1 for the last)", c->name);
  return v > 0 ? (int)v - 1 : (int)v;
}

/* A dim (number) or a list of dims (table) at idx. */
static void read_dims(lua_State *L, Call *c, int idx) {
  if (c->have_dims) luaL_error(L, "[%s] dim given twice", c->name);
  c->have_dims = true;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    c->ndims = 1;
    c->dims[0] = to_dim(L, c, lua_tonumber(L, idx));
    return;
  }
  if (!lua_istable(L, idx) || lb_totensor(L, idx))
    luaL_error(L, "[%s] dim must be a number%s, got %s", c->name,
               (c->flags & S_DIMS) ? " or a table of numbers" : "", luaL_typename(L, idx));
  int n = (int)lua_objlen(L, idx);
  if (n > TH_MAX_DIMS) luaL_error(L, "[%s] too many dims (%d)", c->name, n);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, idx, i + 1);
    if (lua_type(L, -1) != LUA_TNUMBER)
      luaL_error(L, "[%s] dims must be numbers, got %s at position %d", c->name,
                 luaL_typename(L, -1), i + 1);
    c->dims[i] = to_dim(L, c, lua_tonumber(L, -1));
    lua_pop(L, 1);
  }
  c->ndims = n;
}

/* A dtype object ({id = n, ...}) or a name ('float64', 'torch.float', ...). */
static int read_dtype(lua_State *L, Call *c, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) { /* resolve names and aliases through torch._todtype */
    lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
    lua_getfield(L, -1, "torch");
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "_todtype");
      lua_pushvalue(L, idx);
      lua_pushstring(L, c->name);
      lua_call(L, 2, 1);
      lua_replace(L, idx);
    }
    lua_pop(L, 2);
  }
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, "id");
    if (lua_type(L, -1) == LUA_TNUMBER) {
      int id = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
      if (id >= 0 && id < TH_NDTYPES) return id;
    } else {
      lua_pop(L, 1);
    }
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    THDtype d;
    if (THDtype_fromName(lua_tostring(L, idx), &d) == TH_OK) return (int)d;
  }
  return luaL_error(L, "[%s] dtype must be a torch dtype (torch.float64, ...), got %s", c->name,
                    luaL_typename(L, idx));
}

static double read_p(lua_State *L, Call *c, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char *s = lua_tostring(L, idx);
    if (strcmp(s, "fro") == 0) return 2;
    if (strcmp(s, "nuc") == 0)
      luaL_error(L, "[%s] the nuclear norm ('nuc') is not supported", c->name);
    luaL_error(L, "[%s] unknown norm '%s' (expected a number or 'fro')", c->name, s);
  }
  return luaL_error(L, "[%s] p must be a number or 'fro', got %s", c->name, luaL_typename(L, idx));
}

static bool is_options(lua_State *L, int idx) {
  if (!lua_istable(L, idx) || lb_totensor(L, idx)) return false;
  if (lua_getmetatable(L, idx)) {
    lua_pop(L, 1);
    return false;
  }
  lua_rawgeti(L, idx, 1);
  bool list = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return !list;
}

/* Reads the options table at idx in one pass; the out= tensors are left on the stack. */
static void read_options(lua_State *L, Call *c, int idx) {
  unsigned f = c->flags;
  int out_at = 0, unbiased_at = 0, correction_at = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int v = lua_gettop(L);
    bool known = false;
    if (k) {
      if (strcmp(k, "dim") == 0 && (f & (S_DIMS | S_DIM1))) {
        read_dims(L, c, v);
        known = true;
      } else if (strcmp(k, "keepdim") == 0 && (f & S_KEEPDIM)) {
        if (!lua_isboolean(L, v)) luaL_error(L, "[%s] keepdim must be a boolean", c->name);
        c->keepdim = lua_toboolean(L, v);
        known = true;
      } else if (strcmp(k, "dtype") == 0 && (f & S_DTYPE)) {
        lua_pushvalue(L, v);
        c->dtype = read_dtype(L, c, lua_gettop(L));
        lua_pop(L, 1);
        known = true;
      } else if (strcmp(k, "p") == 0 && (f & S_P)) {
        c->p = read_p(L, c, v);
        known = true;
      } else if (strcmp(k, "out") == 0 && (f & (S_OUT | S_OUT2))) {
        out_at = 1;
        known = true;
      } else if (strcmp(k, "unbiased") == 0 && (f & S_UNBIASED)) {
        if (!lua_isboolean(L, v)) luaL_error(L, "[%s] unbiased must be a boolean", c->name);
        unbiased_at = lua_toboolean(L, v) ? 2 : 1;
        known = true;
      } else if (strcmp(k, "correction") == 0 && (f & S_UNBIASED)) {
        if (lua_type(L, v) != LUA_TNUMBER) luaL_error(L, "[%s] correction must be a number", c->name);
        c->correction = lua_tonumber(L, v);
        correction_at = 1;
        known = true;
      }
    }
    if (!known)
      luaL_error(L, "[%s] unknown option '%s'", c->name, k ? k : luaL_typename(L, -2));
    lua_pop(L, 1);
  }
  if (unbiased_at && correction_at)
    luaL_error(L, "[%s] give correction or unbiased, not both", c->name);
  if (unbiased_at) c->correction = unbiased_at == 2 ? 1 : 0;
  if (!out_at) return;
  /* out stays on the stack */
  lua_getfield(L, idx, "out");
  bool two = (f & S_OUT2) && (c->have_dims || (f & S_DIM_REQ) || c->op == TH_OP_mode);
  if (!two) {
    if (!(f & S_OUT)) luaL_error(L, "[%s] out= is only supported along a dim", c->name);
    c->out[0] = lb_totensor(L, -1);
    if (!c->out[0]) luaL_error(L, "[%s] out must be a Tensor, got %s", c->name, luaL_typename(L, -1));
    c->out_idx[0] = lua_gettop(L);
    return;
  }
  int t = lua_gettop(L);
  if (!lua_istable(L, t) || lb_totensor(L, t))
    luaL_error(L, "[%s] out must be a table of two tensors {values, indices}", c->name);
  for (int k = 0; k < 2; k++) {
    lua_rawgeti(L, t, k + 1);
    c->out[k] = lb_totensor(L, -1);
    if (!c->out[k])
      luaL_error(L, "[%s] out must be a table of two tensors {values, indices}", c->name);
    c->out_idx[k] = lua_gettop(L);
  }
  if (c->out[0] == c->out[1])
    luaL_error(L, "[%s] the values and indices out= tensors must be different tensors", c->name);
}

/* Parses (x, ...) into c; returns x. */
static THTensor *parse(lua_State *L, Call *c, const char *name, THOp op, unsigned flags) {
  memset(c, 0, sizeof *c);
  c->name = name;
  c->op = op;
  c->flags = flags;
  c->dtype = -1;
  c->correction = 1;
  c->p = 2;
  THTensor *x = lb_checktensor(L, 1);
  int top = lua_gettop(L), opts = 0;
  if (top >= 2 && is_options(L, top)) opts = top--;
  int pos = 2;
  if ((flags & S_P) && pos <= top && (lua_type(L, pos) == LUA_TNUMBER || lua_type(L, pos) == LUA_TSTRING)) {
    c->p = read_p(L, c, pos);
    pos++;
  } else if ((flags & S_P) && pos <= top && lua_isnil(L, pos)) {
    pos++;
  }
  if ((flags & (S_DIMS | S_DIM1)) && pos <= top) {
    int t = lua_type(L, pos);
    if (t == LUA_TNUMBER || (t == LUA_TTABLE && !lb_totensor(L, pos))) {
      read_dims(L, c, pos);
      pos++;
    } else if (t == LUA_TNIL) {
      pos++;
    }
  }
  if ((flags & S_UNBIASED) && pos <= top && lua_isboolean(L, pos)) {
    c->correction = lua_toboolean(L, pos) ? 1 : 0;
    pos++;
  }
  if ((flags & S_KEEPDIM) && pos <= top && (lua_isboolean(L, pos) || lua_isnil(L, pos))) {
    c->keepdim = lua_toboolean(L, pos);
    pos++;
  }
  if (pos <= top)
    luaL_error(L, "[%s] unexpected argument #%d (%s)", name, pos, luaL_typename(L, pos));
  if (opts) read_options(L, c, opts);
  if ((flags & S_DIM_REQ) && !(c->have_dims && c->ndims == 1))
    luaL_error(L, "[%s] a dim is required", name);
  if ((flags & S_DIM1) && c->ndims > 1)
    luaL_error(L, "[%s] expects a single dim, got a list of %d", name, c->ndims);
  return x;
}

/* ======================================================================= results */

/* 0-based -> 1-based indices, in place (t is owned by a Lua value by now). */
static void add_one(lua_State *L, THTensor *t) {
  if (t->dtype == TH_I64 && THTensor_isContiguous(t) && THTensor_device(t).type == TH_DEVICE_CPU) {
    int64_t *p = THTensor_data(t), n = THTensor_numel(t);
    for (int64_t i = 0; i < n; i++) p[i] += 1;
    return;
  }
  THArg args[2] = {THArg_tensor(t), THArg_number(1)};
  THTensor *r = THMath_pointwise(TH_OP_add, t, true, 2, args, NULL);
  if (!r) lb_error(L);
  THTensor_free(r);
}

/* Hands the results to the slots made at base..base+n-1 (an out= tensor is returned as the
 * Lua value given), then makes result `index` (or none, -1) 1-based.  Returns n. */
static int push_results(lua_State *L, const Call *c, int base, THTensor ***slots, THTensor **r,
                        int n, int index) {
  for (int k = 0; k < n; k++) {
    if (c->out[k] && r[k] == c->out[k]) {
      THTensor_free(r[k]);
      lua_pushvalue(L, c->out_idx[k]);
      lua_replace(L, base + k);
    } else {
      lb_fill(L, slots[k], r[k]);
    }
  }
  if (index >= 0) add_one(L, r[index]);
  return n;
}

/* Runs a reduction and pushes its results. */
static int run_reduce(lua_State *L, Call *c, THTensor *x) {
  bool all = c->ndims == 0 && c->op != TH_OP_mode;
  int nout = 1, index = -1;
  switch (c->op) {
  case TH_OP_var_mean: case TH_OP_std_mean: nout = 2; break;
  case TH_OP_mode: nout = 2; index = 1; break;
  case TH_OP_max: case TH_OP_min: case TH_OP_median: case TH_OP_nanmedian:
    if (!all) { nout = 2; index = 1; }
    break;
  case TH_OP_argmax: case TH_OP_argmin: index = 0; break;
  default: break;
  }
  if (c->out[1] && nout < 2) luaL_error(L, "[%s] out= takes one tensor here", c->name);
  int base = lua_gettop(L) + 1;
  THTensor **slots[2];
  for (int k = 0; k < nout; k++) slots[k] = lb_newslot(L);
  THTensor *r[2] = {NULL, NULL};
  if (THReduce_run(c->op, x, c->ndims, c->dims, c->keepdim, c->dtype, c->p, c->correction, c->out,
                   r) != TH_OK)
    return lb_error(L);
  return push_results(L, c, base, slots, r, nout, index);
}

#define DEF_RED(NAME, FLAGS)                                              \
  static int lb_##NAME(lua_State *L) {                                    \
    Call c;                                                               \
    THTensor *x = parse(L, &c, #NAME, TH_OP_##NAME, FLAGS);               \
    return run_reduce(L, &c, x);                                          \
  }

#define F_SUM (S_DIMS | S_KEEPDIM | S_DTYPE | S_OUT)
DEF_RED(sum, F_SUM)
DEF_RED(nansum, F_SUM)
DEF_RED(mean, F_SUM)
DEF_RED(prod, S_DIM1 | S_KEEPDIM | S_DTYPE | S_OUT)
DEF_RED(amax, S_DIMS | S_KEEPDIM | S_OUT)
DEF_RED(amin, S_DIMS | S_KEEPDIM | S_OUT)
DEF_RED(argmax, S_DIM1 | S_KEEPDIM | S_OUT)
DEF_RED(argmin, S_DIM1 | S_KEEPDIM | S_OUT)
DEF_RED(var, S_DIMS | S_UNBIASED | S_KEEPDIM | S_OUT)
DEF_RED(std, S_DIMS | S_UNBIASED | S_KEEPDIM | S_OUT)
DEF_RED(var_mean, S_DIMS | S_UNBIASED | S_KEEPDIM)
DEF_RED(std_mean, S_DIMS | S_UNBIASED | S_KEEPDIM)
DEF_RED(norm, S_P | S_DIMS | S_KEEPDIM | S_DTYPE | S_OUT)
DEF_RED(logsumexp, S_DIMS | S_KEEPDIM | S_OUT)
DEF_RED(all, S_DIMS | S_KEEPDIM | S_OUT)
DEF_RED(any, S_DIMS | S_KEEPDIM | S_OUT)
DEF_RED(count_nonzero, S_DIMS)
DEF_RED(median, S_DIM1 | S_KEEPDIM | S_OUT | S_OUT2)
DEF_RED(nanmedian, S_DIM1 | S_KEEPDIM | S_OUT | S_OUT2)
DEF_RED(mode, S_DIM1 | S_KEEPDIM | S_OUT2)

/* max / min: x:max() -> 0-dim; x:max(dim) -> values, indices; x:max(other) -> maximum */
static int extremum(lua_State *L, const char *name, THOp op, const char *binary) {
  if (lb_totensor(L, 2)) {
    lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
    lua_getfield(L, -1, "torch");
    if (lua_istable(L, -1)) lua_getfield(L, -1, binary);
    else lua_pushnil(L);
    if (!lua_isfunction(L, -1))
      return luaL_error(L, "[%s] %s(x, other) is the elementwise %s, which needs torch.%s "
                           "(not available in this build)", name, name, binary, binary);
    lua_replace(L, -3);
    lua_pop(L, 1);
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
  }
  Call c;
  THTensor *x = parse(L, &c, name, op, S_DIM1 | S_KEEPDIM | S_OUT | S_OUT2);
  return run_reduce(L, &c, x);
}
static int lb_max(lua_State *L) { return extremum(L, "max", TH_OP_max, "maximum"); }
static int lb_min(lua_State *L) { return extremum(L, "min", TH_OP_min, "minimum"); }

/* ======================================================================= scans */

static int run_scan(lua_State *L, const char *name, THOp op, unsigned flags) {
  Call c;
  THTensor *x = parse(L, &c, name, op, flags);
  int nout = (op == TH_OP_cummax || op == TH_OP_cummin) ? 2 : 1;
  int base = lua_gettop(L) + 1;
  THTensor **slots[2];
  for (int k = 0; k < nout; k++) slots[k] = lb_newslot(L);
  THTensor *r[2] = {NULL, NULL};
  if (THScan_run(op, x, c.dims[0], c.dtype, c.out, r) != TH_OK) return lb_error(L);
  return push_results(L, &c, base, slots, r, nout, nout == 2 ? 1 : -1);
}
static int lb_cumsum(lua_State *L) {
  return run_scan(L, "cumsum", TH_OP_cumsum, S_DIM1 | S_DIM_REQ | S_DTYPE | S_OUT);
}
static int lb_cumprod(lua_State *L) {
  return run_scan(L, "cumprod", TH_OP_cumprod, S_DIM1 | S_DIM_REQ | S_DTYPE | S_OUT);
}
static int lb_logcumsumexp(lua_State *L) {
  return run_scan(L, "logcumsumexp", TH_OP_logcumsumexp, S_DIM1 | S_DIM_REQ | S_OUT);
}
static int lb_cummax(lua_State *L) {
  return run_scan(L, "cummax", TH_OP_cummax, S_DIM1 | S_DIM_REQ | S_OUT2);
}
static int lb_cummin(lua_State *L) {
  return run_scan(L, "cummin", TH_OP_cummin, S_DIM1 | S_DIM_REQ | S_OUT2);
}

void lb_open_reduce(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"sum", lb_sum},           {"nansum", lb_nansum},   {"mean", lb_mean},
      {"prod", lb_prod},         {"amax", lb_amax},       {"amin", lb_amin},
      {"max", lb_max},           {"min", lb_min},         {"argmax", lb_argmax},
      {"argmin", lb_argmin},     {"var", lb_var},         {"std", lb_std},
      {"var_mean", lb_var_mean}, {"std_mean", lb_std_mean}, {"norm", lb_norm},
      {"logsumexp", lb_logsumexp}, {"all", lb_all},       {"any", lb_any},
      {"count_nonzero", lb_count_nonzero}, {"median", lb_median}, {"nanmedian", lb_nanmedian},
      {"mode", lb_mode},         {"cumsum", lb_cumsum},   {"cumprod", lb_cumprod},
      {"cummax", lb_cummax},     {"cummin", lb_cummin},   {"logcumsumexp", lb_logcumsumexp},
      {NULL, NULL}};
  lb_register(L, funcs);
}
