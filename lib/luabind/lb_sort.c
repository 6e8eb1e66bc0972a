/* lb_sort.c: bindings for sorting and searching (lib/TH/THSort.h): sort, argsort, topk,
 * kthvalue, unique, unique_consecutive, searchsorted, bucketize.
 *
 * These C functions take plain positional arguments (lua/torch/sort.lua reads the options
 * tables).  This is the one place where positions change base: dims arrive 1-based (or
 * negative) through lb_checkdim; index tensors coming back from lib/TH are 0-based and get 1
 * added here (sort/topk/kthvalue indices, unique's inverse, searchsorted/bucketize insertion
 * points, which become 1..n+1); searchsorted's sorter goes in 1-based and gets 1 taken off.
 */
#include <omp.h>
#include <string.h>
#include "THSort.h"
#include "lb.h"

/* ======================================================================= helpers */

/* Adds delta to every element of an int64 or int32 tensor, any strides (on a device through
 * the dispatch table's add). */
static int shift_indices(THTensor *t, int64_t delta) {
  int64_t n = THTensor_numel(t);
  if (n == 0) return TH_OK;
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    THTensor *r = THTensor_add(t, THArg_tensor(t), THArg_number((double)delta), 1.0);
    THTensor_free(r);
    return r ? TH_OK : TH_ERROR;
  }
  if (THTensor_isContiguous(t)) {
    /* (a parallel region is entered only when worth it: even an if(0) one costs a futex) */
    bool par = n > TH_PARALLEL_GRAIN && !omp_in_parallel();
    if (t->dtype == TH_I64) {
      int64_t *p = THTensor_data(t);
      if (par) {
#pragma omp parallel for
        for (int64_t i = 0; i < n; i++) p[i] += delta;
      } else {
        for (int64_t i = 0; i < n; i++) p[i] += delta;
      }
    } else {
      int32_t *p = THTensor_data(t);
      if (par) {
#pragma omp parallel for
        for (int64_t i = 0; i < n; i++) p[i] = (int32_t)(p[i] + delta);
      } else {
        for (int64_t i = 0; i < n; i++) p[i] = (int32_t)(p[i] + delta);
      }
    }
    return TH_OK;
  }
  int64_t idx[TH_MAX_DIMS] = {0};
  char *base = THTensor_data(t);
  for (int64_t k = 0; k < n; k++) {
    int64_t off = 0;
    for (int d = 0; d < t->ndim; d++) off += idx[d] * t->stride[d];
    if (t->dtype == TH_I64) ((int64_t *)(void *)base)[off] += delta;
    else ((int32_t *)(void *)base)[off] = (int32_t)(((int32_t *)(void *)base)[off] + delta);
    for (int d = t->ndim - 1; d >= 0; d--) {
      if (++idx[d] < t->size[d]) break;
      idx[d] = 0;
    }
  }
  return TH_OK;
}

static int opt_dim(lua_State *L, int idx) { return lua_isnoneornil(L, idx) ? -1 : lb_checkdim(L, idx); }

static THTensor *opt_tensor(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? NULL : lb_checktensor(L, idx);
}

/* Slots for the two results of a values+indices op, made before the op runs so that an
 * out-of-memory error from Lua cannot leak its results.  They sit at the top of the stack;
 * the results are pushed above them (lua_replace moves them down). */
typedef struct {
  THTensor **v, **i;
  int vpos, ipos;
} PairSlots;

static void pair_slots(lua_State *L, PairSlots *s) {
  s->v = lb_newslot(L);
  s->vpos = lua_gettop(L);
  s->i = lb_newslot(L);
  s->ipos = lua_gettop(L);
}

static int finish_pair(lua_State *L, PairSlots *s, THTensor *v, THTensor *i, int vi, int ii) {
  if (shift_indices(i, 1) != TH_OK) {
    THTensor_free(v);
    THTensor_free(i);
    return lb_error(L);
  }
  if (vi) {
    THTensor_free(v);
    lua_pushvalue(L, vi);
    lua_replace(L, s->vpos);
  } else {
    *s->v = v;
  }
  if (ii) {
    THTensor_free(i);
    lua_pushvalue(L, ii);
    lua_replace(L, s->ipos);
  } else {
    *s->i = i;
  }
  lua_settop(L, s->ipos);
  return 2;
}

/* ======================================================================= sort family */

/* sort(x, dim, descending, stable, out_values, out_indices) -> values, indices */
static int lb_sort(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int dim = opt_dim(L, 2);
  bool desc = lua_toboolean(L, 3), stable = lua_toboolean(L, 4);
  THTensor *ov = opt_tensor(L, 5), *oi = opt_tensor(L, 6);
  PairSlots s;
  pair_slots(L, &s);
  THTensor *v, *i;
  if (THTensor_sort(x, dim, desc, stable, ov, oi, &v, &i) != TH_OK) return lb_error(L);
  return finish_pair(L, &s, v, i, ov ? 5 : 0, oi ? 6 : 0);
}

/* argsort(x, dim, descending, stable) -> indices */
static int lb_argsort(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int dim = opt_dim(L, 2);
  bool desc = lua_toboolean(L, 3), stable = lua_toboolean(L, 4);
  THTensor **slot = lb_newslot(L);
  THTensor *i = THTensor_argsort(x, dim, desc, stable);
  if (!i) return lb_error(L);
  if (shift_indices(i, 1) != TH_OK) {
    THTensor_free(i);
    return lb_error(L);
  }
  lb_fill(L, slot, i);
  return 1;
}

/* topk(x, k, dim, largest, sorted, out_values, out_indices) -> values, indices */
static int lb_topk(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int64_t k = lb_checkint(L, 2);
  int dim = opt_dim(L, 3);
  bool largest = lua_isnoneornil(L, 4) ? true : lua_toboolean(L, 4);
  bool sorted = lua_isnoneornil(L, 5) ? true : lua_toboolean(L, 5);
  THTensor *ov = opt_tensor(L, 6), *oi = opt_tensor(L, 7);
  PairSlots s;
  pair_slots(L, &s);
  THTensor *v, *i;
  if (THTensor_topk(x, k, dim, largest, sorted, ov, oi, &v, &i) != TH_OK) return lb_error(L);
  return finish_pair(L, &s, v, i, ov ? 6 : 0, oi ? 7 : 0);
}

/* kthvalue(x, k, dim, keepdim, out_values, out_indices) -> values, indices */
static int lb_kthvalue(lua_State *L) {
  THTensor *x = lb_checktensor(L, 1);
  int64_t k = lb_checkint(L, 2);
  int dim = opt_dim(L, 3);
  bool keepdim = lua_toboolean(L, 4);
  THTensor *ov = opt_tensor(L, 5), *oi = opt_tensor(L, 6);
  PairSlots s;
  pair_slots(L, &s);
  THTensor *v, *i;
  if (THTensor_kthvalue(x, k, dim, keepdim, ov, oi, &v, &i) != TH_OK) return lb_error(L);
  return finish_pair(L, &s, v, i, ov ? 5 : 0, oi ? 6 : 0);
}

/* ======================================================================= unique */

/* unique(x, sorted, return_inverse, return_counts) and
 * unique_consecutive(x, return_inverse, return_counts): values [, inverse] [, counts] */
static int unique_common(lua_State *L, bool consecutive) {
  THTensor *x = lb_checktensor(L, 1);
  int a = consecutive ? 2 : 3;
  bool sorted = consecutive || lua_isnoneornil(L, 2) || lua_toboolean(L, 2);
  bool want_inv = lua_toboolean(L, a), want_cnt = lua_toboolean(L, a + 1);
  lua_settop(L, 1);
  THTensor **sv = lb_newslot(L);
  THTensor **si = want_inv ? lb_newslot(L) : NULL;
  THTensor **sc = want_cnt ? lb_newslot(L) : NULL;
  THTensor *v = NULL, *inv = NULL, *cnt = NULL;
  int rc = consecutive ? THTensor_uniqueConsecutive(x, &v, want_inv ? &inv : NULL, want_cnt ? &cnt : NULL)
                       : THTensor_unique(x, sorted, &v, want_inv ? &inv : NULL, want_cnt ? &cnt : NULL);
  if (rc != TH_OK) return lb_error(L);
  *sv = v; /* the slots own the results from here on, also when the shift fails */
  if (si) *si = inv;
  if (sc) *sc = cnt;
  if (si && shift_indices(inv, 1) != TH_OK) return lb_error(L);
  return 1 + want_inv + want_cnt;
}

static int lb_unique(lua_State *L) { return unique_common(L, false); }
static int lb_unique_consecutive(lua_State *L) { return unique_common(L, true); }

/* ======================================================================= searchsorted */

/* A 0-based copy of a 1-based int64 sorter (checked against seq's innermost size), on the
 * sorter's device: the entries are checked and shifted in a host copy. */
static THTensor *sorter_to_0based(THTensor *sorter, const THTensor *seq) {
  if (sorter->dtype != TH_I64) {
    TH_setError("[searchsorted] sorter must be an int64 tensor, got %s", THDtype_name(sorter->dtype));
    return NULL;
  }
  THTensor *c = THTensor_empty(TH_I64, TH_CPU, sorter->ndim, sorter->size);
  if (!c || THTensor_copy(c, sorter) != TH_OK) {
    THTensor_free(c);
    return NULL;
  }
  int64_t n = THTensor_numel(c), m = seq->ndim > 0 ? seq->size[seq->ndim - 1] : 0;
  bool shape_ok = sorter->ndim == seq->ndim &&
                  (seq->ndim == 0 || memcmp(sorter->size, seq->size, (size_t)seq->ndim * sizeof(int64_t)) == 0);
  int64_t *p = THTensor_data(c);
  for (int64_t i = 0; i < n; i++) {
    if (shape_ok && (p[i] < 1 || p[i] > m)) {
      TH_setError("[searchsorted] sorter index %lld is out of range 1..%lld (sorter indices are "
                  "1-based)", (long long)p[i], (long long)m);
      THTensor_free(c);
      return NULL;
    }
    p[i] -= 1;
  }
  THDevice dev = THTensor_device(sorter);
  if (dev.type == TH_DEVICE_CPU) return c;
  THTensor *d = THTensor_empty(TH_I64, dev, c->ndim, c->size);
  if (d && THTensor_copy(d, c) != TH_OK) {
    THTensor_free(d);
    d = NULL;
  }
  THTensor_free(c);
  return d;
}

/* searchsorted(seq, values, right, out_int32, sorter, out) -> 1-based insertion points */
static int lb_searchsorted(lua_State *L) {
  THTensor *seq = lb_checktensor(L, 1);
  THArg values = lb_checkarg(L, 2);
  bool right = lua_toboolean(L, 3), out_int32 = lua_toboolean(L, 4);
  THTensor *sorter = opt_tensor(L, 5), *out = opt_tensor(L, 6);
  THTensor **slot = out ? NULL : lb_newslot(L);
  THTensor *srt = NULL;
  if (sorter && !(srt = sorter_to_0based(sorter, seq))) return lb_error(L);
  THTensor *r = THTensor_searchsorted(out, seq, values, right, out_int32, srt);
  THTensor_free(srt);
  if (!r) return lb_error(L);
  if (shift_indices(r, 1) != TH_OK) {
    THTensor_free(r);
    return lb_error(L);
  }
  if (out) {
    THTensor_free(r);
    lua_pushvalue(L, 6);
  } else {
    lb_fill(L, slot, r);
  }
  return 1;
}

/* bucketize(input, boundaries, right, out_int32, out) -> 1-based bucket positions */
static int lb_bucketize(lua_State *L) {
  THArg input = lb_checkarg(L, 1);
  THTensor *b = lb_checktensor(L, 2);
  bool right = lua_toboolean(L, 3), out_int32 = lua_toboolean(L, 4);
  THTensor *out = opt_tensor(L, 5);
  THTensor **slot = out ? NULL : lb_newslot(L);
  THTensor *r = THTensor_bucketize(out, input, b, right, out_int32);
  if (!r) return lb_error(L);
  if (shift_indices(r, 1) != TH_OK) {
    THTensor_free(r);
    return lb_error(L);
  }
  if (out) {
    THTensor_free(r);
    lua_pushvalue(L, 5);
  } else {
    lb_fill(L, slot, r);
  }
  return 1;
}

void lb_open_sort(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"sort", lb_sort},
      {"argsort", lb_argsort},
      {"topk", lb_topk},
      {"kthvalue", lb_kthvalue},
      {"unique", lb_unique},
      {"unique_consecutive", lb_unique_consecutive},
      {"searchsorted", lb_searchsorted},
      {"bucketize", lb_bucketize},
      {NULL, NULL}};
  lb_register(L, funcs);
}
