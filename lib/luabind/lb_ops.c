/* lb_ops.c: bindings for the POINTWISE rows of THOps.def, generated from the table.
 *
 * Each op gets three Lua functions: NAME(a, b, {alpha =, out =}) returning a new tensor (or
 * out), NAME_(a, b, {alpha =}) writing into a and returning it, and a metamethod form
 * __NAME(a, b) for the operators, where a number may stand on either side.
 */
#include <stdio.h>
#include <string.h>
#include "lb.h"

/* Reads {alpha =, out =} from the options table at idx (if any); out stays on the stack
 * at *out_idx. */
static THTensor *read_options(lua_State *L, int idx, const THOpInfo *info, THOpParams *p,
                              int *out_idx) {
  *out_idx = 0;
  if (lua_isnoneornil(L, idx)) return NULL;
  if (!lua_istable(L, idx))
    luaL_argerror(L, idx, lua_pushfstring(L, "options table expected, got %s", luaL_typename(L, idx)));
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    bool known = key && (strcmp(key, "out") == 0 ||
                         (strcmp(key, "alpha") == 0 && (info->flags & TH_OPF_ALPHA)));
    if (!known)
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown option '%s' for %s",
                                             key ? key : luaL_typename(L, -2), info->name));
    lua_pop(L, 1);
  }
  lua_getfield(L, idx, "alpha");
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TNUMBER) luaL_argerror(L, idx, "option 'alpha' must be a number");
    p->alpha = THScalar_fromDouble(lua_tonumber(L, -1));
    if (p->alpha.kind != TH_KIND_INT) p->alpha.i = (int64_t)p->alpha.f;
  }
  lua_pop(L, 1);
  lua_getfield(L, idx, "out");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return NULL;
  }
  THTensor *out = lb_totensor(L, -1);
  if (!out) luaL_argerror(L, idx, "option 'out' must be a tensor");
  *out_idx = lua_gettop(L);
  return out;
}

static int pointwise(lua_State *L, THOp op, bool inplace, bool with_options) {
  const THOpInfo *info = THOp_info(op);
  int n = info->arity;
  THArg args[TH_ITER_MAX_OPERANDS];
  for (int i = 0; i < n; i++) args[i] = lb_checkarg(L, i + 1);
  if (inplace && !args[0].t) luaL_typerror(L, 1, "Tensor");
  if (!inplace && !with_options && !args[0].t && (n < 2 || !args[1].t))
    luaL_argerror(L, 1, "a Tensor is expected on one side of the operator");
  THOpParams p = TH_OPPARAMS_DEFAULT;
  THTensor *out = NULL;
  int out_idx = 0;
  if (with_options) {
    out = read_options(L, n + 1, info, &p, &out_idx);
    if (!inplace && !out && !args[0].t && (n < 2 || !args[1].t))
      luaL_argerror(L, 1, "a Tensor is expected as one of the operands");
  }
  if (p.alpha.kind == TH_KIND_FLOAT && !THDtype_isFloating(THMath_resultType(n, args)))
    return luaL_error(L, "[%s] for integral input tensors, argument alpha must not be a floating point number",
                      info->name);
  if (inplace || out) {
    THTensor *r = THMath_pointwise(op, out, inplace, n, args, &p);
    if (!r) return lb_error(L);
    THTensor_free(r);
    lua_pushvalue(L, inplace ? 1 : out_idx);
    return 1;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *r = THMath_pointwise(op, NULL, false, n, args, &p);
  if (!r) return lb_error(L);
  lb_fill(L, slot, r);
  return 1;
}

#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD)                                              \
  __attribute__((unused)) static int lb_op_##NAME(lua_State *L) { return pointwise(L, TH_OP_##NAME, false, true); } \
  __attribute__((unused)) static int lb_op_##NAME##_(lua_State *L) { return pointwise(L, TH_OP_##NAME, true, true); } \
  __attribute__((unused)) static int lb_meta_##NAME(lua_State *L) { return pointwise(L, TH_OP_##NAME, false, false); }
#include "THOps.def"
#undef TH_OP

/* fill_(x, value) and zero_(x) */
static int lb_fill_(lua_State *L) {
  THTensor *t = lb_checktensor(L, 1);
  double v;
  if (lua_isboolean(L, 2)) v = lua_toboolean(L, 2);
  else if (lb_totensor(L, 2)) {
    THTensor *s = lb_totensor(L, 2);
    if (THTensor_numel(s) != 1 || s->ndim != 0)
      return luaL_error(L, "[fill_] only supports a 0-dimension value tensor, but got one with %d dimensions", s->ndim);
    int64_t zero[1] = {0};
    v = THTensor_getDouble(s, zero);
  } else v = luaL_checknumber(L, 2);
  if (THAutograd_fill_(t, v) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

static int lb_zero_(lua_State *L) {
  if (THAutograd_zero_(lb_checktensor(L, 1)) != TH_OK) return lb_error(L);
  lua_settop(L, 1);
  return 1;
}

void lb_open_ops(lua_State *L) {
  luaL_Reg funcs[3 * TH_NOPS + 3];
  static char names[TH_NOPS][2][40];
  int k = 0;
#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD)                          \
  if (TH_KIND_##KIND == TH_KIND_POINTWISE && !((FLAGS) & TH_OPF_CUSTOMBIND)) { \
    funcs[k++] = (luaL_Reg){#NAME, lb_op_##NAME};                          \
    if ((FLAGS) & TH_OPF_INPLACE) funcs[k++] = (luaL_Reg){#NAME "_", lb_op_##NAME##_}; \
    snprintf(names[TH_OP_##NAME][0], 40, "__%s", #NAME);                  \
    funcs[k++] = (luaL_Reg){names[TH_OP_##NAME][0], lb_meta_##NAME};       \
  }
#include "THOps.def"
#undef TH_OP
  /* pointwise_ops: {name = has_inplace} for every generated binding (Tensor.lua installs them) */
  lua_newtable(L);
#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD)                          \
  if (TH_KIND_##KIND == TH_KIND_POINTWISE && !((FLAGS) & TH_OPF_CUSTOMBIND)) { \
    lua_pushboolean(L, ((FLAGS) & TH_OPF_INPLACE) != 0);                    \
    lua_setfield(L, -2, #NAME);                                            \
  }
#include "THOps.def"
#undef TH_OP
  lua_setfield(L, -3, "pointwise_ops");
  funcs[k++] = (luaL_Reg){"fill_", lb_fill_};
  funcs[k++] = (luaL_Reg){"zero_", lb_zero_};
  funcs[k] = (luaL_Reg){NULL, NULL};
  lb_register(L, funcs);
}
