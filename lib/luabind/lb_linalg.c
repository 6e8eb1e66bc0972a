/* lb_linalg.c: bindings for the matrix products and torch.linalg (lib/TH/THLinalg.h).
 *
 * Arguments are positional here; lua/torch/linalg.lua reads the options tables and calls
 * these with every argument in place (nil for "not given").  Dims arrive 1-based and are
 * converted by lb_checkdim.  An `out` tensor, when given, is the value returned (the same
 * Lua object); otherwise a new userdata slot is made before the C call, so nothing leaks if
 * Lua runs out of memory.  Several results are returned as several values.
 */
#include <math.h>
#include <string.h>
#include "lb.h"
#include "THLinalg.h"

/* ======================================================================= helpers */

static THTensor *opt_tensor(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? NULL : lb_checktensor(L, idx);
}

static bool opt_bool(lua_State *L, int idx, bool def) {
  if (lua_isnoneornil(L, idx)) return def;
  luaL_checktype(L, idx, LUA_TBOOLEAN);
  return lua_toboolean(L, idx);
}

static THScalar opt_scalar(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return (THScalar){TH_KIND_INT, 1, 1};
  THScalar s = THScalar_fromDouble(luaL_checknumber(L, idx));
  if (s.kind != TH_KIND_INT) s.i = (int64_t)s.f;
  return s;
}

static int opt_dtype(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? -1 : (int)lb_checkdtype(L, idx);
}

/* The slot for a new result, unless out is given (then the result is out itself). */
static THTensor **slot_for(lua_State *L, THTensor *out) { return out ? NULL : lb_newslot(L); }

static int finish(lua_State *L, THTensor **slot, THTensor *r, int out_idx) {
  if (!r) return lb_error(L);
  if (!slot) {
    THTensor_free(r);
    lua_pushvalue(L, out_idx);
    return 1;
  }
  lb_fill(L, slot, r);
  return 1;
}

/* ======================================================================= products */

/* NAME(a, b [, out]) */
#define BINARY(NAME, FN)                                       \
  static int lb_##NAME(lua_State *L) {                         \
    THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2); \
    THTensor *out = opt_tensor(L, 3);                          \
    THTensor **slot = slot_for(L, out);                        \
    return finish(L, slot, FN(out, a, b), 3);                  \
  }
BINARY(mm, THTensor_mm)
BINARY(bmm, THTensor_bmm)
BINARY(matmul, THTensor_matmul)
BINARY(mv, THTensor_mv)
BINARY(dot, THTensor_dot)
BINARY(vdot, THTensor_vdot)
BINARY(outer, THTensor_outer)

/* NAME(self, a, b [, beta, alpha, out]) and NAME_(self, a, b [, beta, alpha]) */
#define ADDPROD(NAME, FN)                                                            \
  static int lb_##NAME(lua_State *L) {                                               \
    THTensor *self = lb_checktensor(L, 1), *a = lb_checktensor(L, 2);                \
    THTensor *b = lb_checktensor(L, 3);                                              \
    THScalar beta = opt_scalar(L, 4), alpha = opt_scalar(L, 5);                      \
    THTensor *out = opt_tensor(L, 6);                                                \
    THTensor **slot = slot_for(L, out);                                              \
    return finish(L, slot, FN(out, self, a, b, beta, alpha, false), 6);              \
  }                                                                                  \
  static int lb_##NAME##_(lua_State *L) {                                            \
    THTensor *self = lb_checktensor(L, 1), *a = lb_checktensor(L, 2);                \
    THTensor *b = lb_checktensor(L, 3);                                              \
    THScalar beta = opt_scalar(L, 4), alpha = opt_scalar(L, 5);                      \
    THTensor *r = FN(NULL, self, a, b, beta, alpha, true);                           \
    if (!r) return lb_error(L);                                                      \
    THTensor_free(r);                                                                \
    lua_pushvalue(L, 1);                                                             \
    return 1;                                                                        \
  }
ADDPROD(addmm, THTensor_addmm)
ADDPROD(addmv, THTensor_addmv)
ADDPROD(baddbmm, THTensor_baddbmm)
ADDPROD(addbmm, THTensor_addbmm)

/* einsum(equation, {tensors}) */
static int lb_einsum(lua_State *L) {
  const char *eq = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  int n = (int)lua_objlen(L, 2);
  if (n < 1) return luaL_error(L, "[einsum] must provide at least one operand");
  if (n > 64) return luaL_error(L, "[einsum] at most 64 operands are supported");
  const THTensor *ops[64];
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, 2, i + 1);
    THTensor *t = lb_totensor(L, -1);
    lua_pop(L, 1);
    if (!t) return luaL_error(L, "[einsum] operand %d is not a Tensor", i + 1);
    ops[i] = t;
  }
  THTensor **slot = lb_newslot(L);
  return finish(L, slot, THTensor_einsum(eq, n, ops), 0);
}

/* ======================================================================= linalg */

static int lb_linalg_inv(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *out = opt_tensor(L, 2);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_inv(out, a), 2);
}

/* linalg_solve(a, b [, left, out]) */
static int lb_linalg_solve(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2);
  bool left = opt_bool(L, 3, true);
  THTensor *out = opt_tensor(L, 4);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_solve(out, a, b, left), 4);
}

static int lb_linalg_det(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *out = opt_tensor(L, 2);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_det(out, a), 2);
}

/* linalg_slogdet(a) -> sign, logabsdet */
static int lb_linalg_slogdet(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *sign, *logabs;
  THTensor **s1 = lb_newslot(L), **s2 = lb_newslot(L);
  if (THLinalg_slogdet(a, &sign, &logabs) != TH_OK) return lb_error(L);
  lb_fill(L, s1, sign);
  lb_fill(L, s2, logabs);
  return 2;
}

/* linalg_cholesky(a [, upper, out]) */
static int lb_linalg_cholesky(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1);
  bool upper = opt_bool(L, 2, false);
  THTensor *out = opt_tensor(L, 3);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_cholesky(out, a, upper), 3);
}

/* linalg_qr(a [, mode]) -> Q, R */
static int lb_linalg_qr(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *q, *r;
  const char *mode = luaL_optstring(L, 2, "reduced");
  THTensor **s1 = lb_newslot(L), **s2 = lb_newslot(L);
  if (THLinalg_qr(a, mode, &q, &r) != TH_OK) return lb_error(L);
  lb_fill(L, s1, q);
  lb_fill(L, s2, r);
  return 2;
}

/* linalg_svd(a [, full_matrices, compute_uv]) -> U, S, Vh (or S alone) */
static int lb_linalg_svd(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *u = NULL, *s = NULL, *vh = NULL;
  bool full = opt_bool(L, 2, true), uv = opt_bool(L, 3, true);
  if (!uv) {
    THTensor **slot = lb_newslot(L);
    if (THLinalg_svd(a, full, false, NULL, &s, NULL) != TH_OK) return lb_error(L);
    lb_fill(L, slot, s);
    return 1;
  }
  THTensor **s1 = lb_newslot(L), **s2 = lb_newslot(L), **s3 = lb_newslot(L);
  if (THLinalg_svd(a, full, true, &u, &s, &vh) != TH_OK) return lb_error(L);
  lb_fill(L, s1, u);
  lb_fill(L, s2, s);
  lb_fill(L, s3, vh);
  return 3;
}

/* linalg_eigh(a [, uplo, compute_v]) -> eigenvalues[, eigenvectors] */
static int lb_linalg_eigh(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *w = NULL, *v = NULL;
  const char *uplo = luaL_optstring(L, 2, "L");
  bool vecs = opt_bool(L, 3, true);
  if (strcmp(uplo, "L") != 0 && strcmp(uplo, "U") != 0)
    return luaL_error(L, "[%s] Expected UPLO argument to be 'L' or 'U', but got %s",
                      vecs ? "linalg.eigh" : "linalg.eigvalsh", uplo);
  bool upper = uplo[0] == 'U';
  THTensor **s1 = lb_newslot(L), **s2 = vecs ? lb_newslot(L) : NULL;
  if (THLinalg_eigh(a, upper, &w, vecs ? &v : NULL) != TH_OK) return lb_error(L);
  lb_fill(L, s1, w);
  if (!vecs) return 1;
  lb_fill(L, s2, v);
  return 2;
}

/* linalg_lstsq(a, b [, rcond, driver]) -> solution, residuals, rank, singular_values */
static int lb_linalg_lstsq(lua_State *L) {
  THTensor *a = lb_checktensor(L, 1), *b = lb_checktensor(L, 2);
  double rcond = lua_isnoneornil(L, 3) ? -1 : luaL_checknumber(L, 3);
  const char *driver = luaL_optstring(L, 4, NULL);
  THTensor *x, *res, *rank, *sv;
  THTensor **s1 = lb_newslot(L), **s2 = lb_newslot(L), **s3 = lb_newslot(L), **s4 = lb_newslot(L);
  if (THLinalg_lstsq(a, b, rcond, driver, &x, &res, &rank, &sv) != TH_OK) return lb_error(L);
  lb_fill(L, s1, x);
  lb_fill(L, s2, res);
  lb_fill(L, s3, rank);
  lb_fill(L, s4, sv);
  return 4;
}

/* linalg_vector_norm(x [, ord, dims, keepdim, dtype, out]); dims: nil, a number or a table */
static int lb_linalg_vector_norm(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  double ord = luaL_optnumber(L, 2, 2);
  int dims[TH_MAX_DIMS], nd = 0;
  if (lua_istable(L, 3)) {
    int n = (int)lua_objlen(L, 3);
    if (n > TH_MAX_DIMS) return luaL_argerror(L, 3, "too many dims");
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, 3, i + 1);
      dims[nd++] = lb_checkdim(L, lua_gettop(L));
      lua_pop(L, 1);
    }
    if (n == 0) return luaL_argerror(L, 3, "an empty table of dims; pass nil for all dims");
  } else if (!lua_isnoneornil(L, 3)) {
    dims[nd++] = lb_checkdim(L, 3);
  }
  bool keepdim = opt_bool(L, 4, false);
  int dtype = opt_dtype(L, 5);
  THTensor *out = opt_tensor(L, 6);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_vectorNorm(out, x, ord, nd, dims, keepdim, dtype), 6);
}

/* linalg_matrix_norm(x [, ord, dim1, dim2, keepdim, dtype, out]); ord: 'fro', 'nuc' or a number */
static int lb_linalg_matrix_norm(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  const char *ord = NULL;
  double nord = 0;
  if (lua_isnoneornil(L, 2)) ord = "fro";
  else if (lua_type(L, 2) == LUA_TSTRING) ord = lua_tostring(L, 2);
  else nord = luaL_checknumber(L, 2);
  int d0 = lua_isnoneornil(L, 3) ? -2 : lb_checkdim(L, 3);
  int d1 = lua_isnoneornil(L, 4) ? -1 : lb_checkdim(L, 4);
  bool keepdim = opt_bool(L, 5, false);
  int dtype = opt_dtype(L, 6);
  THTensor *out = opt_tensor(L, 7);
  THTensor **slot = slot_for(L, out);
  return finish(L, slot, THLinalg_matrixNorm(out, x, ord, nord, d0, d1, keepdim, dtype), 7);
}

/* ======================================================================= registration */

void lb_open_linalg(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"mm", lb_mm},
      {"bmm", lb_bmm},
      {"matmul", lb_matmul},
      {"mv", lb_mv},
      {"dot", lb_dot},
      {"vdot", lb_vdot},
      {"outer", lb_outer},
      {"addmm", lb_addmm},
      {"addmm_", lb_addmm_},
      {"addmv", lb_addmv},
      {"addmv_", lb_addmv_},
      {"baddbmm", lb_baddbmm},
      {"baddbmm_", lb_baddbmm_},
      {"addbmm", lb_addbmm},
      {"addbmm_", lb_addbmm_},
      {"einsum", lb_einsum},
      {"linalg_inv", lb_linalg_inv},
      {"linalg_solve", lb_linalg_solve},
      {"linalg_det", lb_linalg_det},
      {"linalg_slogdet", lb_linalg_slogdet},
      {"linalg_cholesky", lb_linalg_cholesky},
      {"linalg_qr", lb_linalg_qr},
      {"linalg_svd", lb_linalg_svd},
      {"linalg_eigh", lb_linalg_eigh},
      {"linalg_lstsq", lb_linalg_lstsq},
      {"linalg_vector_norm", lb_linalg_vector_norm},
      {"linalg_matrix_norm", lb_linalg_matrix_norm},
      {NULL, NULL},
  };
  lb_register(L, funcs);
}
