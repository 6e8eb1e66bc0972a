/* lb_random.c: bindings for random numbers: torch.Generator userdata, seeds and states, the
 * in-place samplers, randperm, multinomial and normal with tensor arguments.
 *
 * Functions take plain positional arguments (lua/torch/random.lua parses options); a
 * generator argument may be nil for the default generator.  Index-valued results (randperm,
 * multinomial) leave here 1-based.  Every function has two upvalues: the tensor metatable
 * and the generator metatable, so both types are checked by identity.
 */
#include <math.h>
#include <string.h>
#include "lb.h"
#include "THRandom.h"

#define LB_GENERATOR_MT lua_upvalueindex(2)

typedef struct {
  THGenerator *g;
  bool owned; /* false for the process-wide default generator */
} LbGenerator;

/* nil or none: the default generator (NULL); otherwise a torch.Generator */
static THGenerator *optgen(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return NULL;
  LbGenerator *ud = lua_touserdata(L, idx);
  if (ud && lua_getmetatable(L, idx)) {
    int ok = lua_rawequal(L, -1, LB_GENERATOR_MT);
    lua_pop(L, 1);
    if (ok) return ud->g;
  }
  luaL_typerror(L, idx, "torch.Generator");
  return NULL;
}

static LbGenerator *newgen(lua_State *L, THGenerator *g, bool owned) {
  LbGenerator *ud = lua_newuserdata(L, sizeof *ud);
  ud->g = g;
  ud->owned = owned;
  lua_pushvalue(L, LB_GENERATOR_MT);
  lua_setmetatable(L, -2);
  return ud;
}

static int lb_gen_gc(lua_State *L) {
  LbGenerator *ud = lua_touserdata(L, 1);
  if (ud && ud->owned && ud->g) {
    THGenerator_free(ud->g);
    ud->g = NULL;
  }
  return 0;
}

/* A seed: an integer in [-2^63, 2^64); negative seeds wrap to 64 bits as in PyTorch. */
static uint64_t checkseed(lua_State *L, int idx) {
  lua_Number v = luaL_checknumber(L, idx);
  if (v != floor(v) || !(v >= -9.2233720368547758e18 && v < 1.8446744073709552e19))
    luaL_argerror(L, idx, lua_pushfstring(L, "seed must be an integer in [-2^63, 2^64), got %f", v));
  if (v < 0) return (uint64_t)(int64_t)v;
  return (uint64_t)v;
}

/* An integer in [-2^63, 2^63) (bounds of random_ / randint). */
static int64_t checki64(lua_State *L, int idx, const char *what) {
  lua_Number v = luaL_checknumber(L, idx);
  if (v != floor(v) || !(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18))
    luaL_argerror(L, idx, lua_pushfstring(L, "%s must be an integer in [-2^63, 2^63), got %f", what, v));
  return (int64_t)v;
}

/* generator_new([seed]) */
static int lb_generator_new(lua_State *L) {
  uint64_t seed = lua_isnoneornil(L, 1) ? TH_RNG_DEFAULT_SEED : checkseed(L, 1);
  LbGenerator *ud = newgen(L, NULL, true);
  if (!(ud->g = THGenerator_new(seed))) return lb_error(L);
  return 1;
}

/* gen_manual_seed(g or nil, seed) -> g */
static int lb_gen_manual_seed(lua_State *L) {
  THGenerator *g = optgen(L, 1);
  THGenerator_manualSeed(g, checkseed(L, 2));
  lua_settop(L, 1);
  return 1;
}

static int lb_gen_seed(lua_State *L) {
  lua_pushnumber(L, (lua_Number)THGenerator_seed(optgen(L, 1)));
  return 1;
}

static int lb_gen_initial_seed(lua_State *L) {
  lua_pushnumber(L, (lua_Number)THGenerator_initialSeed(optgen(L, 1)));
  return 1;
}

static int lb_gen_get_state(lua_State *L) {
  THGenerator *g = optgen(L, 1);
  THTensor **slot = lb_newslot(L);
  THTensor *t = THGenerator_getStateTensor(g);
  if (!t) return lb_error(L);
  lb_fill(L, slot, t);
  return 1;
}

static int lb_gen_set_state(lua_State *L) {
  THGenerator *g = optgen(L, 1);
  if (THGenerator_setStateTensor(g, lb_checktensor(L, 2)) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

/* ======================================================================= in-place samplers */

#define INPLACE_RETURN(call)              \
  do {                                    \
    if ((call) != TH_OK) return lb_error(L); \
    lua_settop(L, 1);                     \
    return 1;                             \
  } while (0)

/* uniform_(t, from, to, g) and the other two-parameter samplers */
static int lb_uniform_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
  INPLACE_RETURN(THTensor_uniform_(t, a, b, optgen(L, 4)));
}
static int lb_normal_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
  INPLACE_RETURN(THTensor_normal_(t, a, b, optgen(L, 4)));
}
static int lb_cauchy_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
  INPLACE_RETURN(THTensor_cauchy_(t, a, b, optgen(L, 4)));
}
static int lb_log_normal_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3);
  INPLACE_RETURN(THTensor_logNormal_(t, a, b, optgen(L, 4)));
}
static int lb_exponential_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2);
  INPLACE_RETURN(THTensor_exponential_(t, a, optgen(L, 3)));
}
static int lb_geometric_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double a = luaL_checknumber(L, 2);
  INPLACE_RETURN(THTensor_geometric_(t, a, optgen(L, 3)));
}

/* random_(t, from or nil, to or nil, has_to, g): from nil is random_(); has_to false with a
 * from is random_(from, None) */
static int lb_random_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THGenerator *g = optgen(L, 5);
  if (lua_isnoneornil(L, 2)) INPLACE_RETURN(THTensor_random_(t, g));
  int64_t from = checki64(L, 2, "from");
  bool has_to = lua_toboolean(L, 4);
  int64_t to = has_to ? checki64(L, 3, "to") : 0;
  INPLACE_RETURN(THTensor_randomFromTo_(t, from, to, has_to, g));
}

/* bernoulli_(t, p, g): p a number or a tensor of probabilities */
static int lb_bernoulli_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  THGenerator *g = optgen(L, 3);
  THTensor *p = lb_totensor(L, 2);
  if (p) INPLACE_RETURN(THTensor_bernoulliTensor_(t, p, g));
  INPLACE_RETURN(THTensor_bernoulli_(t, luaL_checknumber(L, 2), g));
}

/* ======================================================================= new tensors */

/* Makes the 0-based indices in t 1-based, in place (on t's device). */
static int one_based(THTensor *t) {
  if (t->dtype == TH_I64 && THTensor_isContiguous(t) && THTensor_device(t).type == TH_DEVICE_CPU) {
    int64_t *p = THTensor_data(t), n = THTensor_numel(t);
    for (int64_t i = 0; i < n; i++) p[i] += 1;
    THTensor_bumpVersion(t);
    return TH_OK;
  }
  THArg args[2] = {THArg_tensor(t), THArg_number(1)};
  THTensor *r = THMath_pointwise(TH_OP_add, t, true, 2, args, NULL);
  if (!r) return TH_ERROR;
  THTensor_free(r);
  return TH_OK;
}

/* randperm(n, dtype, devtype, devindex, g): a permutation of 1 .. n */
static int lb_randperm(lua_State *L) {
  int64_t n = lb_checkint(L, 1);
  THDtype dt = lb_checkdtype(L, 2);
  THDevice dev = lb_checkdevice(L, 3, 4);
  THGenerator *g = optgen(L, 5);
  /* 1-based values: n itself must be representable */
  double most = dt == TH_F32 ? 16777216.0 : dt == TH_F16 ? 2048.0 : dt == TH_BF16 ? 256.0
              : dt == TH_U8 ? 255.0 : dt == TH_I8 ? 127.0 : dt == TH_I16 ? 32767.0
              : dt == TH_I32 ? 2147483647.0 : 9.007199254740992e15;
  if (dt != TH_BOOL && (double)n > most)
    return luaL_error(L, "[randperm] n = %f is too large for %s: the values 1 .. n must be exact "
                      "(at most %f)", (double)n, THDtype_name(dt), most);
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_randperm(n, dt, dev, g);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  if (one_based(r) != TH_OK) return lb_error(L);
  return 1;
}

/* multinomial(probs, n, replacement, g, out or nil) -> 1-based int64 indices */
static int lb_multinomial(lua_State *L) {
  THTensor *p = lb_checktensor(L, 1);
  int64_t n = lb_checkint(L, 2);
  bool replacement = lua_toboolean(L, 3);
  THGenerator *g = optgen(L, 4);
  THTensor *out = lua_isnoneornil(L, 5) ? NULL : lb_checktensor(L, 5);
  if (out) {
    THTensor *r = THTensor_multinomial(out, p, n, replacement, g);
    if (!r) return lb_error(L);
    THTensor_free(r);
    if (one_based(out) != TH_OK) return lb_error(L);
    lua_settop(L, 5);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_multinomial(NULL, p, n, replacement, g);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  if (one_based(r) != TH_OK) return lb_error(L);
  return 1;
}

/* normal_tensor(mean, std, g, out or nil): mean and std numbers or tensors, one a tensor */
static int lb_normal_tensor(lua_State *L) {
  THArg mean = lb_checkarg(L, 1), std = lb_checkarg(L, 2);
  THGenerator *g = optgen(L, 3);
  THTensor *out = lua_isnoneornil(L, 4) ? NULL : lb_checktensor(L, 4);
  if (out) {
    THTensor *r = THTensor_normalTensor(out, mean, std, g);
    if (!r) return lb_error(L);
    THTensor_free(r);
    lua_settop(L, 4);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_normalTensor(NULL, mean, std, g);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

/* empty_like_dense(x, dtype): uninitialised, laid out in x's memory order */
static int lb_empty_like_dense(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  THDtype dt = lua_isnoneornil(L, 2) ? x->dtype : lb_checkdtype(L, 2);
  THTensor **slot = lb_newslot(L);
  THTensor *r = THTensor_emptyLikeDense(x, dt);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

static int lb_rng_state_size(lua_State *L) {
  lua_pushinteger(L, TH_RNG_STATE_SIZE);
  return 1;
}

void lb_open_random(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"generator_new", lb_generator_new},       {"gen_manual_seed", lb_gen_manual_seed},
      {"gen_seed", lb_gen_seed},                 {"gen_initial_seed", lb_gen_initial_seed},
      {"gen_get_state", lb_gen_get_state},       {"gen_set_state", lb_gen_set_state},
      {"uniform_", lb_uniform_},                 {"normal_", lb_normal_},
      {"cauchy_", lb_cauchy_},                   {"log_normal_", lb_log_normal_},
      {"exponential_", lb_exponential_},         {"geometric_", lb_geometric_},
      {"random_", lb_random_},                   {"bernoulli_", lb_bernoulli_},
      {"randperm", lb_randperm},                 {"multinomial", lb_multinomial},
      {"normal_tensor", lb_normal_tensor},       {"empty_like_dense", lb_empty_like_dense},
      {"rng_state_size", lb_rng_state_size},
      {NULL, NULL}};
  int mt = lua_gettop(L), mod = mt - 1;
  lua_newtable(L); /* the generator metatable */
  int gmt = lua_gettop(L);
  lua_pushstring(L, "torch.Generator");
  lua_setfield(L, gmt, "__name");
  for (const luaL_Reg *f = funcs; f->name; f++) {
    lua_pushvalue(L, mt);
    lua_pushvalue(L, gmt);
    lua_pushcclosure(L, f->func, 2);
    lua_setfield(L, mod, f->name);
  }
  lua_pushcfunction(L, lb_gen_gc);
  lua_setfield(L, gmt, "__gc");
  /* the default generator's userdata (one per Lua state, one generator per process) */
  LbGenerator *ud = lua_newuserdata(L, sizeof *ud);
  ud->g = THGenerator_default();
  ud->owned = false;
  lua_pushvalue(L, gmt);
  lua_setmetatable(L, -2);
  lua_setfield(L, mod, "default_generator");
  lua_setfield(L, mod, "Generator"); /* pops gmt */
}
