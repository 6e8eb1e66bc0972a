/* lb_pointwise.c: Lua bindings for the elementwise rows of THOps.def flagged CUSTOMBIND —
 * those with parameters beyond their operands (logit's eps, round's decimals, clamp's
 * bounds, isclose's tolerances, ...) or with argument checks of their own (THPointwise.h).
 * The other elementwise rows (exp, sin, eq, bitwise_and, ...) get generated bindings in
 * lb_ops.c.
 *
 * Every function takes its operands first, then optional positional parameters, then an
 * optional options table ({out =, eps =, ...}); unknown options are errors.  NAME_ forms
 * write into their first argument and return it.
 */
#include <math.h>
#include <string.h>
#include "lb.h"
#include "THPointwise.h"

/* ======================================================================= options */

/* The options table: the last argument when it is a plain table (operands never are).
 * Returns its index, or 0; *nargs is set to the count of arguments before it. */
static int find_options(lua_State *L, int *nargs) {
  int top = lua_gettop(L);
  if (top > 0 && lua_type(L, top) == LUA_TTABLE) {
    *nargs = top - 1;
    return top;
  }
  *nargs = top;
  return 0;
}

/* Raises for any key of the options table at idx not in the NULL-terminated list. */
static void check_keys(lua_State *L, int idx, const char *op, const char *const *known) {
  if (!idx) return;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    bool ok = false;
    for (int i = 0; key && known[i] && !ok; i++) ok = strcmp(key, known[i]) == 0;
    if (!ok)
      luaL_argerror(
          L, idx,
          lua_pushfstring(L, "unknown option '%s' for %s", key ? key : luaL_typename(L, -2), op));
    lua_pop(L, 1);
  }
}

/* Pushes options[key] (nil when there is no options table). */
static int get_option(lua_State *L, int idx, const char *key) {
  if (!idx) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  lua_getfield(L, idx, key);
  return lua_type(L, -1);
}

/* A number from options[key], or from argument pos (when pos > 0 and present), or dflt. */
static double opt_number(lua_State *L, int opts, const char *key, int pos, int nargs, double dflt,
                         bool *given) {
  double v = dflt;
  bool have = false;
  if (pos > 0 && pos <= nargs && !lua_isnil(L, pos)) {
    if (lua_type(L, pos) != LUA_TNUMBER)
      luaL_argerror(L, pos,
                    lua_pushfstring(L, "%s must be a number, got %s", key, luaL_typename(L, pos)));
    v = lua_tonumber(L, pos);
    have = true;
  }
  int t = get_option(L, opts, key);
  if (t != LUA_TNIL) {
    if (t != LUA_TNUMBER)
      luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a number", key));
    if (have)
      luaL_argerror(L, opts,
                    lua_pushfstring(L, "'%s' given twice (as an argument and an option)", key));
    v = lua_tonumber(L, -1);
    have = true;
  }
  lua_pop(L, 1);
  if (given) *given = have;
  return v;
}

static bool opt_bool(lua_State *L, int opts, const char *key, int pos, int nargs, bool dflt) {
  bool v = dflt;
  if (pos > 0 && pos <= nargs && !lua_isnil(L, pos)) {
    if (!lua_isboolean(L, pos))
      luaL_argerror(L, pos,
                    lua_pushfstring(L, "%s must be a boolean, got %s", key, luaL_typename(L, pos)));
    v = lua_toboolean(L, pos);
  }
  int t = get_option(L, opts, key);
  if (t != LUA_TNIL) {
    if (t != LUA_TBOOLEAN)
      luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a boolean", key));
    v = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

/* options.out as a tensor (left on the stack at *out_idx), or NULL. */
static THTensor *opt_out(lua_State *L, int opts, int *out_idx) {
  *out_idx = 0;
  if (get_option(L, opts, "out") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  THTensor *out = lb_totensor(L, -1);
  if (!out) luaL_argerror(L, opts, "option 'out' must be a tensor");
  *out_idx = lua_gettop(L);
  return out;
}

/* ======================================================================= calls */

/* One call of a THPointwise.h function, parsed from the Lua arguments. */
typedef struct {
  THOp op;
  THArg a[3];
  const THArg *min, *max; /* clamp */
  double num[3];
  bool have[3];
  bool flag;
} Call;

static THTensor *invoke(const Call *c, THTensor *out, bool inplace) {
  switch (c->op) {
  case TH_OP_square: return THTensor_square(out, inplace, c->a[0]);
  case TH_OP_logit: return THTensor_logit(out, inplace, c->a[0], c->have[0] ? c->num[0] : -1);
  case TH_OP_round: return THTensor_round(out, inplace, c->a[0], (int64_t)c->num[0]);
  case TH_OP_nan_to_num:
    return THTensor_nanToNum(out, inplace, c->a[0], c->num[0], c->have[1] ? &c->num[1] : NULL,
                             c->have[2] ? &c->num[2] : NULL);
  case TH_OP_fmod: return THTensor_fmod(out, inplace, c->a[0], c->a[1]);
  case TH_OP_remainder: return THTensor_remainder(out, inplace, c->a[0], c->a[1]);
  case TH_OP_floor_divide: return THTensor_floorDivide(out, inplace, c->a[0], c->a[1]);
  case TH_OP_clamp: return THTensor_clamp(out, inplace, c->a[0], c->min, c->max);
  case TH_OP_where: return THTensor_where(out, c->a[0].t, c->a[1], c->a[2]);
  case TH_OP_lerp: return THTensor_lerp(out, inplace, c->a[0], c->a[1], c->a[2]);
  case TH_OP_addcmul: return THTensor_addcmul(out, inplace, c->a[0], c->a[1], c->a[2], c->num[0]);
  case TH_OP_addcdiv: return THTensor_addcdiv(out, inplace, c->a[0], c->a[1], c->a[2], c->num[0]);
  case TH_OP_isclose:
    return THTensor_isclose(out, c->a[0].t, c->a[1].t, c->num[0], c->num[1], c->flag);
  default: TH_setError("[pointwise] no binding for op %s", THOp_info(c->op)->name); return NULL;
  }
}

/* Runs the call: in place (returns argument 1), into out (returns it), or into a new tensor. */
static int finish(lua_State *L, const Call *c, bool inplace, int opts) {
  int out_idx = 0;
  THTensor *out = inplace ? NULL : opt_out(L, opts, &out_idx);
  if (inplace || out) {
    THTensor *r = invoke(c, out, inplace);
    if (!r) return lb_error(L);
    THTensor_free(r);
    lua_pushvalue(L, inplace ? 1 : out_idx);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = invoke(c, NULL, false);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

static Call new_call(THOp op) {
  Call c;
  memset(&c, 0, sizeof c);
  c.op = op;
  return c;
}

/* ======================================================================= unary */

static const char *const K_OUT[] = {"out", NULL};
static const char *const K_INPLACE[] = {NULL};

/* square(x [, {out =}]) */
static int square_impl(lua_State *L, bool inplace) {
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "square", inplace ? K_INPLACE : K_OUT);
  Call c = new_call(TH_OP_square);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  return finish(L, &c, inplace, opts);
}
static int lb_square(lua_State *L) { return square_impl(L, false); }
static int lb_square_(lua_State *L) { return square_impl(L, true); }

/* logit(x [, eps] [, {eps =, out =}]) */
static int logit_impl(lua_State *L, bool inplace) {
  static const char *const keys[] = {"eps", "out", NULL}, *const keys_[] = {"eps", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "logit", inplace ? keys_ : keys);
  Call c = new_call(TH_OP_logit);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  c.num[0] = opt_number(L, opts, "eps", 2, nargs, -1, &c.have[0]);
  return finish(L, &c, inplace, opts);
}
static int lb_logit(lua_State *L) { return logit_impl(L, false); }
static int lb_logit_(lua_State *L) { return logit_impl(L, true); }

/* round(x [, decimals] [, {decimals =, out =}]) */
static int round_impl(lua_State *L, bool inplace) {
  static const char *const keys[] = {"decimals", "out", NULL}, *const keys_[] = {"decimals", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "round", inplace ? keys_ : keys);
  Call c = new_call(TH_OP_round);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  c.num[0] = opt_number(L, opts, "decimals", 2, nargs, 0, NULL);
  if (c.num[0] != floor(c.num[0]) || fabs(c.num[0]) > 1e9)
    return luaL_error(L, "[round] decimals must be an integer, got %f", c.num[0]);
  return finish(L, &c, inplace, opts);
}
static int lb_round(lua_State *L) { return round_impl(L, false); }
static int lb_round_(lua_State *L) { return round_impl(L, true); }

/* nan_to_num(x [, nan [, posinf [, neginf]]] [, {nan =, posinf =, neginf =, out =}]) */
static int nan_to_num_impl(lua_State *L, bool inplace) {
  static const char *const keys[] = {"nan", "posinf", "neginf", "out", NULL};
  static const char *const keys_[] = {"nan", "posinf", "neginf", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "nan_to_num", inplace ? keys_ : keys);
  Call c = new_call(TH_OP_nan_to_num);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  c.num[0] = opt_number(L, opts, "nan", 2, nargs, 0, &c.have[0]);
  c.num[1] = opt_number(L, opts, "posinf", 3, nargs, 0, &c.have[1]);
  c.num[2] = opt_number(L, opts, "neginf", 4, nargs, 0, &c.have[2]);
  return finish(L, &c, inplace, opts);
}
static int lb_nan_to_num(lua_State *L) { return nan_to_num_impl(L, false); }
static int lb_nan_to_num_(lua_State *L) { return nan_to_num_impl(L, true); }

/* ======================================================================= division */

/* fmod / remainder / floor_divide (a, b [, {out =}]); a number may stand on either side. */
static int division_impl(lua_State *L, THOp op, bool inplace, bool with_options) {
  int nargs = lua_gettop(L), opts = 0;
  if (with_options) opts = find_options(L, &nargs);
  check_keys(L, opts, THOp_info(op)->name, inplace ? K_INPLACE : K_OUT);
  Call c = new_call(op);
  c.a[0] = lb_checkarg(L, 1);
  c.a[1] = lb_checkarg(L, 2);
  if (inplace && !c.a[0].t) luaL_typerror(L, 1, "Tensor");
  if (!c.a[0].t && !c.a[1].t) luaL_argerror(L, 1, "a Tensor is expected as one of the operands");
  return finish(L, &c, inplace, opts);
}
static int lb_fmod(lua_State *L) { return division_impl(L, TH_OP_fmod, false, true); }
static int lb_fmod_(lua_State *L) { return division_impl(L, TH_OP_fmod, true, true); }
static int lb_remainder(lua_State *L) { return division_impl(L, TH_OP_remainder, false, true); }
static int lb_remainder_(lua_State *L) { return division_impl(L, TH_OP_remainder, true, true); }
static int lb_meta_remainder(lua_State *L) {
  return division_impl(L, TH_OP_remainder, false, false);
}
static int lb_floor_divide(lua_State *L) {
  return division_impl(L, TH_OP_floor_divide, false, true);
}
static int lb_floor_divide_(lua_State *L) {
  return division_impl(L, TH_OP_floor_divide, true, true);
}

/* ======================================================================= three operands */

/* clamp(x [, min [, max]] [, {min =, max =, out =}]); min / max: numbers or tensors, nil to
 * leave that side open. */
static int clamp_impl(lua_State *L, bool inplace) {
  static const char *const keys[] = {"min", "max", "out", NULL}, *const keys_[] = {"min", "max",
                                                                                   NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "clamp", inplace ? keys_ : keys);
  Call c = new_call(TH_OP_clamp);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  for (int k = 0; k < 2; k++) {
    const char *key = k == 0 ? "min" : "max";
    int pos = 2 + k;
    bool have = false;
    if (pos <= nargs && !lua_isnil(L, pos)) {
      c.a[1 + k] = lb_checkarg(L, pos);
      have = true;
    }
    if (get_option(L, opts, key) != LUA_TNIL) {
      if (have)
        luaL_argerror(L, opts,
                      lua_pushfstring(L, "'%s' given twice (as an argument and an option)", key));
      if (!lua_isnumber(L, -1) && !lb_totensor(L, -1))
        luaL_argerror(L, opts, lua_pushfstring(L, "option '%s' must be a number or a tensor", key));
      c.a[1 + k] = lb_checkarg(L, lua_gettop(L)); /* the value stays on the stack */
      have = true;
    } else {
      lua_pop(L, 1);
    }
    if (have) *(k == 0 ? &c.min : &c.max) = &c.a[1 + k];
  }
  if (!c.min && !c.max)
    return luaL_error(L, "[clamp] at least one of 'min' or 'max' must be given");
  return finish(L, &c, inplace, opts);
}
static int lb_clamp(lua_State *L) { return clamp_impl(L, false); }
static int lb_clamp_(lua_State *L) { return clamp_impl(L, true); }

/* where(cond, x, y [, {out =}]) */
static int lb_where(lua_State *L) {
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "where", K_OUT);
  if (nargs < 3)
    return luaL_error(L, "[where] expected (condition, x, y), got %d argument%s", nargs,
                      nargs == 1 ? "" : "s");
  Call c = new_call(TH_OP_where);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  c.a[1] = lb_checkarg(L, 2);
  c.a[2] = lb_checkarg(L, 3);
  return finish(L, &c, false, opts);
}

/* lerp(start, end, weight [, {out =}]); weight a number or a tensor */
static int lerp_impl(lua_State *L, bool inplace) {
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "lerp", inplace ? K_INPLACE : K_OUT);
  Call c = new_call(TH_OP_lerp);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  c.a[1] = THArg_tensor(lb_checktensor(L, 2));
  if (lua_type(L, 3) != LUA_TNUMBER && !lb_totensor(L, 3)) luaL_typerror(L, 3, "number or Tensor");
  c.a[2] = lb_checkarg(L, 3);
  return finish(L, &c, inplace, opts);
}
static int lb_lerp(lua_State *L) { return lerp_impl(L, false); }
static int lb_lerp_(lua_State *L) { return lerp_impl(L, true); }

/* addcmul / addcdiv (self, t1, t2 [, {value =, out =}]); Torch7's (self, value, t1, t2)
 * is accepted too. */
static int addc_impl(lua_State *L, THOp op, bool inplace) {
  static const char *const keys[] = {"value", "out", NULL}, *const keys_[] = {"value", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, THOp_info(op)->name, inplace ? keys_ : keys);
  Call c = new_call(op);
  c.a[0] = THArg_tensor(lb_checktensor(L, 1));
  int t = 2;
  bool have = false;
  if (lua_type(L, 2) == LUA_TNUMBER && nargs >= 4) { /* Torch7 order */
    c.num[0] = lua_tonumber(L, 2);
    have = true;
    t = 3;
  }
  c.a[1] = THArg_tensor(lb_checktensor(L, t));
  c.a[2] = THArg_tensor(lb_checktensor(L, t + 1));
  bool opt_given;
  double v = opt_number(L, opts, "value", 0, nargs, 1, &opt_given);
  if (opt_given && have)
    luaL_argerror(L, opts, "'value' given twice (as an argument and an option)");
  if (!have) c.num[0] = v;
  return finish(L, &c, inplace, opts);
}
static int lb_addcmul(lua_State *L) { return addc_impl(L, TH_OP_addcmul, false); }
static int lb_addcmul_(lua_State *L) { return addc_impl(L, TH_OP_addcmul, true); }
static int lb_addcdiv(lua_State *L) { return addc_impl(L, TH_OP_addcdiv, false); }
static int lb_addcdiv_(lua_State *L) { return addc_impl(L, TH_OP_addcdiv, true); }

/* ======================================================================= closeness */

/* isclose(a, b [, rtol [, atol [, equal_nan]]] [, {rtol =, atol =, equal_nan =, out =}]) */
static void closeness_args(lua_State *L, Call *c, int opts, int nargs) {
  c->a[0] = THArg_tensor(lb_checktensor(L, 1));
  c->a[1] = THArg_tensor(lb_checktensor(L, 2));
  c->num[0] = opt_number(L, opts, "rtol", 3, nargs, 1e-5, NULL);
  c->num[1] = opt_number(L, opts, "atol", 4, nargs, 1e-8, NULL);
  c->flag = opt_bool(L, opts, "equal_nan", 5, nargs, false);
}

static int lb_isclose(lua_State *L) {
  static const char *const keys[] = {"rtol", "atol", "equal_nan", "out", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "isclose", keys);
  Call c = new_call(TH_OP_isclose);
  closeness_args(L, &c, opts, nargs);
  return finish(L, &c, false, opts);
}

/* allclose(a, b [, rtol [, atol [, equal_nan]]] [, {rtol =, atol =, equal_nan =}]) -> boolean */
static int lb_allclose(lua_State *L) {
  static const char *const keys[] = {"rtol", "atol", "equal_nan", NULL};
  int nargs, opts = find_options(L, &nargs);
  check_keys(L, opts, "allclose", keys);
  Call c = new_call(TH_OP_isclose);
  closeness_args(L, &c, opts, nargs);
  bool res;
  if (THTensor_allclose(c.a[0].t, c.a[1].t, c.num[0], c.num[1], c.flag, &res) != TH_OK)
    return lb_error(L);
  lua_pushboolean(L, res);
  return 1;
}

/* equal(a, b) -> boolean */
static int lb_equal(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2);
  bool res;
  if (THTensor_equal(a, b, &res) != TH_OK) return lb_error(L);
  lua_pushboolean(L, res);
  return 1;
}

static int lb_cpu_capability(lua_State *L) {
  lua_pushstring(L, TH_cpuCapability());
  return 1;
}

void lb_open_pointwise(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"square", lb_square},
      {"square_", lb_square_},
      {"logit", lb_logit},
      {"logit_", lb_logit_},
      {"round", lb_round},
      {"round_", lb_round_},
      {"nan_to_num", lb_nan_to_num},
      {"nan_to_num_", lb_nan_to_num_},
      {"fmod", lb_fmod},
      {"fmod_", lb_fmod_},
      {"remainder", lb_remainder},
      {"remainder_", lb_remainder_},
      {"__remainder", lb_meta_remainder},
      {"floor_divide", lb_floor_divide},
      {"floor_divide_", lb_floor_divide_},
      {"clamp", lb_clamp},
      {"clamp_", lb_clamp_},
      {"where", lb_where},
      {"lerp", lb_lerp},
      {"lerp_", lb_lerp_},
      {"addcmul", lb_addcmul},
      {"addcmul_", lb_addcmul_},
      {"addcdiv", lb_addcdiv},
      {"addcdiv_", lb_addcdiv_},
      {"isclose", lb_isclose},
      {"allclose", lb_allclose},
      {"equal", lb_equal},
      {"cpu_capability", lb_cpu_capability},
      {NULL, NULL},
  };
  lb_register(L, funcs);
}
