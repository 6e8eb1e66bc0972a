/* test_tensor.c: tensors of lib/TH, used from C alone: creation, views and their strides
 * (the view cases of PyTorch's computeStride), broadcasting, arithmetic on strided operands,
 * wrapping external memory with a release callback, the allocator's byte counts, and four
 * threads creating, adding and freeing tensors at once.
 *
 * Expected strides and shapes were checked against PyTorch 1.13 (x.as_strided(...).view(...)). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"

#include "th_check.h"

static bool same_i64(int n, const int64_t *a, const int64_t *b) {
  for (int i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

static const char *fmt(int n, const int64_t *v) {
  static _Thread_local char buf[8][TH_SHAPE_STRLEN];
  static _Thread_local int k;
  k = (k + 1) % 8;
  return TH_formatShape(buf[k], n, v);
}

/* 0, 1, 2, ... in a new float32 tensor of the given shape */
static THTensor *iota(int ndim, const int64_t *sizes) {
  THTensor *t = THTensor_empty(TH_F32, TH_CPU, ndim, sizes);
  float *p = THTensor_data(t);
  for (int64_t i = 0; i < THTensor_numel(t); i++) p[i] = (float)i;
  return t;
}

static float at2(const THTensor *t, int64_t i, int64_t j) {
  int64_t idx[2] = {i, j};
  return (float)THTensor_getDouble(t, idx);
}

/* ======================================================================= creation */

static void test_creation(void) {
  int64_t sz[3] = {2, 3, 4}, st[3] = {12, 4, 1};
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, 3, sz);
  CHECK(t != NULL, "empty");
  CHECK(t->ndim == 3 && same_i64(3, t->size, sz) && same_i64(3, t->stride, st),
        "sizes %s strides %s", fmt(t->ndim, t->size), fmt(t->ndim, t->stride));
  CHECK(THTensor_numel(t) == 24, "numel");
  CHECK(THTensor_isContiguous(t), "contiguous");
  CHECK(t->storage->nbytes >= 24 * 8, "storage holds 24 doubles");
  CHECK(t->refcount == 1 && t->storage->refcount == 1, "refcounts start at 1");
  THTensor_free(t);

  /* 0-dim: one element */
  t = THTensor_full(TH_I32, TH_CPU, 0, NULL, 7);
  CHECK(t && t->ndim == 0 && THTensor_numel(t) == 1, "0-dim has one element");
  CHECK(t && *(int32_t *)THTensor_data(t) == 7, "0-dim value");
  THTensor_free(t);

  /* empty: (0, 3) */
  int64_t e[2] = {0, 3};
  t = THTensor_full(TH_F32, TH_CPU, 2, e, 1);
  CHECK(t && THTensor_numel(t) == 0 && THTensor_isContiguous(t), "(0, 3) is empty");
  THTensor_free(t);

  /* negative size: NULL and a message naming the size */
  int64_t neg[2] = {2, -3};
  t = THTensor_empty(TH_F32, TH_CPU, 2, neg);
  CHECK(t == NULL, "negative size fails");
  CHECK(strstr(TH_lastError(), "-3") != NULL, "message: %s", TH_lastError());

  /* too many dims */
  int64_t many[TH_MAX_DIMS + 1];
  for (int i = 0; i <= TH_MAX_DIMS; i++) many[i] = 1;
  t = THTensor_empty(TH_F32, TH_CPU, TH_MAX_DIMS + 1, many);
  CHECK(t == NULL, "17 dims fail");

  /* ranges */
  t = THTensor_arange(0, 10, 3, TH_I64, TH_CPU);
  CHECK(t && THTensor_numel(t) == 4, "arange(0, 10, 3) has 4 elements");
  if (t) {
    int64_t *p = THTensor_data(t);
    CHECK(p[0] == 0 && p[1] == 3 && p[2] == 6 && p[3] == 9, "arange values");
  }
  THTensor_free(t);
  t = THTensor_linspace(0, 1, 5, TH_F64, TH_CPU);
  if (t) {
    double *p = THTensor_data(t);
    CHECK(p[0] == 0 && p[1] == 0.25 && p[2] == 0.5 && p[3] == 0.75 && p[4] == 1, "linspace values");
  }
  THTensor_free(t);
  t = THTensor_eye(2, 3, TH_F32, TH_CPU);
  if (t) {
    CHECK(at2(t, 0, 0) == 1 && at2(t, 1, 1) == 1 && at2(t, 0, 1) == 0 && at2(t, 1, 2) == 0 &&
              at2(t, 1, 0) == 0,
          "eye(2, 3)");
  }
  THTensor_free(t);
  CHECK(THTensor_arange(0, 1, 0, TH_F32, TH_CPU) == NULL, "arange step 0 fails");
  CHECK(strstr(TH_lastError(), "step") != NULL, "message: %s", TH_lastError());
}

/* ======================================================================= views */

typedef struct {
  int nd;
  int64_t sizes[4], strides[4];
  int nt;
  int64_t target[4];
  bool ok;
  int64_t expect[4];
} ViewCase;

static const ViewCase view_cases[] = {
    {3, {2, 3, 4}, {12, 4, 1}, 2, {6, 4}, true, {4, 1}},
    {3, {2, 3, 4}, {12, 4, 1}, 2, {4, 6}, true, {6, 1}},
    {2, {4, 3}, {1, 4}, 1, {12}, false, {0}},
    {2, {4, 3}, {1, 4}, 3, {4, 3, 1}, true, {1, 4, 4}},
    {2, {4, 3}, {1, 4}, 3, {1, 4, 3}, true, {4, 1, 4}},
    {3, {3, 2, 4}, {4, 12, 1}, 2, {3, 8}, false, {0}},
    {3, {3, 2, 4}, {4, 12, 1}, 4, {3, 2, 2, 2}, true, {4, 12, 2, 1}},
    {2, {4, 3}, {6, 1}, 3, {2, 2, 3}, true, {12, 6, 1}},
    {2, {4, 3}, {6, 1}, 1, {12}, false, {0}},
    {2, {3, 4}, {1, 0}, 3, {3, 2, 2}, true, {1, 0, 0}},
    {2, {3, 4}, {1, 0}, 1, {12}, false, {0}},
    {2, {1, 4}, {100, 1}, 1, {4}, true, {1}},
    {2, {1, 4}, {100, 1}, 2, {2, 2}, true, {2, 1}},
    {2, {0, 3}, {3, 1}, 2, {3, 0}, true, {1, 1}},
    {0, {0}, {0}, 2, {1, 1}, true, {1, 1}},
    {1, {4}, {2}, 2, {2, 2}, true, {4, 2}},
    {3, {2, 1, 3}, {3, 7, 1}, 1, {6}, true, {1}},
    {2, {2, 3}, {1, 2}, 2, {3, 2}, false, {0}},
};

static void test_view_strides(void) {
  int64_t n = 2000;
  THTensor *base = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  for (size_t i = 0; i < sizeof view_cases / sizeof *view_cases; i++) {
    const ViewCase *c = &view_cases[i];
    THTensor *x = THTensor_asStrided(base, c->nd, c->sizes, c->strides, 5);
    CHECK(x != NULL, "case %zu: as_strided: %s", i, TH_lastError());
    if (!x) continue;
    THTensor *v = THTensor_view(x, c->nt, c->target);
    if (c->ok) {
      CHECK(v != NULL, "case %zu: view %s of %s strides %s failed: %s", i, fmt(c->nt, c->target),
            fmt(c->nd, c->sizes), fmt(c->nd, c->strides), TH_lastError());
      if (v) {
        CHECK(v->ndim == c->nt && same_i64(c->nt, v->size, c->target), "case %zu: sizes", i);
        CHECK(same_i64(c->nt, v->stride, c->expect), "case %zu: view %s of %s strides %s: got strides %s, expected %s",
              i, fmt(c->nt, c->target), fmt(c->nd, c->sizes), fmt(c->nd, c->strides),
              fmt(v->ndim, v->stride), fmt(c->nt, c->expect));
        CHECK(v->offset == 5 && v->storage == base->storage, "case %zu: shares storage", i);
      }
    } else {
      CHECK(v == NULL, "case %zu: view %s of %s strides %s should fail", i, fmt(c->nt, c->target),
            fmt(c->nd, c->sizes), fmt(c->nd, c->strides));
      CHECK(strstr(TH_lastError(), "view") && strstr(TH_lastError(), fmt(c->nd, c->sizes)),
            "case %zu: message names view and the input shape: %s", i, TH_lastError());
      /* reshape copies instead */
      THTensor *r = THTensor_reshape(x, c->nt, c->target);
      CHECK(r && r->storage != base->storage && THTensor_isContiguous(r),
            "case %zu: reshape copies", i);
      THTensor_free(r);
    }
    THTensor_free(v);
    THTensor_free(x);
  }
  CHECK(base->refcount == 1 && base->storage->refcount == 1, "views released the storage");
  THTensor_free(base);
}

static void test_views(void) {
  int64_t sz[3] = {2, 3, 4};
  THTensor *x = iota(3, sz);

  /* -1 is inferred */
  int64_t inf[2] = {-1, 6};
  THTensor *v = THTensor_view(x, 2, inf);
  CHECK(v && v->size[0] == 4 && v->size[1] == 6, "view(-1, 6) of 24 elements is (4, 6)");
  THTensor_free(v);
  int64_t two_inf[2] = {-1, -1};
  CHECK(THTensor_view(x, 2, two_inf) == NULL, "two -1 fail");
  CHECK(strstr(TH_lastError(), "only one dimension can be inferred"), "msg: %s", TH_lastError());
  int64_t bad[2] = {5, 5};
  CHECK(THTensor_view(x, 2, bad) == NULL, "view(5, 5) of 24 elements fails");
  CHECK(strstr(TH_lastError(), "(5, 5)") && strstr(TH_lastError(), "24"), "msg: %s", TH_lastError());

  /* transpose: sizes and strides swap, data shared */
  v = THTensor_transpose(x, 0, 2);
  CHECK(v && v->size[0] == 4 && v->size[2] == 2 && v->stride[0] == 1 && v->stride[2] == 12,
        "transpose(0, 2): %s %s", fmt(v->ndim, v->size), fmt(v->ndim, v->stride));
  CHECK(v && !THTensor_isContiguous(v), "transposed is not contiguous");
  int64_t idx[3] = {3, 1, 1}; /* v[3][1][1] = x[1][1][3] = 12 + 4 + 3 */
  CHECK(v && THTensor_getDouble(v, idx) == 19, "transposed element");
  THTensor *c = THTensor_contiguous(v);
  CHECK(c && c != v && THTensor_isContiguous(c) && THTensor_getDouble(c, idx) == 19,
        "contiguous() copies a transposed tensor");
  THTensor_free(c);
  c = THTensor_contiguous(x);
  CHECK(c == x && x->refcount == 2, "contiguous() of a contiguous tensor is itself, retained");
  THTensor_free(c);
  THTensor_free(v);

  /* negative dims wrap */
  v = THTensor_transpose(x, -1, -3);
  CHECK(v && v->size[0] == 4 && v->size[2] == 2, "transpose(-1, -3)");
  THTensor_free(v);
  CHECK(THTensor_transpose(x, 0, 3) == NULL, "transpose dim 3 of 3-D fails");
  CHECK(strstr(TH_lastError(), "dimension out of range"), "msg: %s", TH_lastError());

  /* permute */
  int perm[3] = {2, 0, 1};
  v = THTensor_permute(x, perm);
  int64_t psz[3] = {4, 2, 3}, pst[3] = {1, 12, 4};
  CHECK(v && same_i64(3, v->size, psz) && same_i64(3, v->stride, pst), "permute(2, 0, 1)");
  THTensor_free(v);
  int rep[3] = {0, 0, 1};
  CHECK(THTensor_permute(x, rep) == NULL, "repeated dim in permute fails");

  /* narrow / select */
  v = THTensor_narrow(x, 2, 1, 2);
  CHECK(v && v->size[2] == 2 && v->offset == 1 && v->stride[2] == 1, "narrow(2, 1, 2)");
  int64_t i0[3] = {1, 2, 1}; /* x[1][2][2] = 12 + 8 + 2 */
  CHECK(v && THTensor_getDouble(v, i0) == 22, "narrowed element");
  THTensor_free(v);
  CHECK(THTensor_narrow(x, 2, 3, 2) == NULL, "narrow past the end fails");
  v = THTensor_select(x, 1, 2);
  int64_t ssz[2] = {2, 4}, sst[2] = {12, 1};
  CHECK(v && v->ndim == 2 && same_i64(2, v->size, ssz) && same_i64(2, v->stride, sst) && v->offset == 8,
        "select(1, 2)");
  THTensor_free(v);
  v = THTensor_select(x, 0, -1);
  CHECK(v && v->offset == 12, "select(0, -1) is the last");
  THTensor_free(v);
  CHECK(THTensor_select(x, 1, 3) == NULL, "select past the end fails");

  /* unsqueeze / squeeze */
  v = THTensor_unsqueeze(x, 1);
  int64_t usz[4] = {2, 1, 3, 4}, ust[4] = {12, 12, 4, 1};
  CHECK(v && same_i64(4, v->size, usz) && same_i64(4, v->stride, ust), "unsqueeze(1): %s %s",
        fmt(v->ndim, v->size), fmt(v->ndim, v->stride));
  THTensor *s = THTensor_squeeze(v);
  CHECK(s && s->ndim == 3 && same_i64(3, s->size, sz), "squeeze");
  THTensor_free(s);
  s = THTensor_squeezeDim(v, 0); /* size 2: unchanged */
  CHECK(s && s->ndim == 4, "squeeze of a non-1 dim keeps it");
  THTensor_free(s);
  THTensor_free(v);
  v = THTensor_unsqueeze(x, 3);
  CHECK(v && v->ndim == 4 && v->size[3] == 1 && v->stride[3] == 1, "unsqueeze at the end");
  THTensor_free(v);

  /* expand */
  int64_t col[2] = {3, 1};
  THTensor *y = iota(2, col);
  int64_t esz[3] = {2, 3, 4}, est[3] = {0, 1, 0};
  v = THTensor_expand(y, 3, esz);
  CHECK(v && same_i64(3, v->size, esz) && same_i64(3, v->stride, est), "expand (3,1) to (2,3,4): %s",
        v ? fmt(3, v->stride) : TH_lastError());
  THTensor_free(v);
  int64_t bad_e[2] = {4, 4};
  CHECK(THTensor_expand(y, 2, bad_e) == NULL, "expand (3, 1) to (4, 4) fails");
  CHECK(strstr(TH_lastError(), "(4, 4)") && strstr(TH_lastError(), "(3, 1)"), "msg: %s", TH_lastError());
  THTensor_free(y);

  /* flatten / unfold */
  v = THTensor_flatten(x, 1, 2);
  CHECK(v && v->ndim == 2 && v->size[1] == 12 && v->storage == x->storage, "flatten(1, 2) is a view");
  THTensor_free(v);
  int64_t n8 = 8;
  THTensor *line = iota(1, &n8);
  v = THTensor_unfold(line, 0, 3, 2);
  int64_t fsz[2] = {3, 3}, fst[2] = {2, 1};
  CHECK(v && same_i64(2, v->size, fsz) && same_i64(2, v->stride, fst), "unfold(0, 3, 2) of 8");
  THTensor_free(v);
  THTensor_free(line);

  /* as_strided past the end of the storage fails */
  int64_t big = 25, one = 1;
  CHECK(THTensor_asStrided(x, 1, &big, &one, 0) == NULL, "as_strided past the end fails");

  CHECK(x->refcount == 1 && x->storage->refcount == 1, "all views released");
  THTensor_free(x);
}

/* ======================================================================= broadcasting */

static void test_broadcast_shapes(void) {
  struct {
    int na; int64_t a[4]; int nb; int64_t b[4]; int nr; int64_t r[4];
  } ok[] = {
      {2, {3, 1}, 2, {1, 4}, 2, {3, 4}},
      {2, {2, 3}, 1, {3}, 2, {2, 3}},
      {3, {5, 1, 4}, 2, {3, 1}, 3, {5, 3, 4}},
      {0, {0}, 1, {2}, 1, {2}},
      {1, {0}, 1, {1}, 1, {0}},
      {2, {1, 0}, 2, {3, 1}, 2, {3, 0}},
      {4, {8, 1, 6, 1}, 3, {7, 1, 5}, 4, {8, 7, 6, 5}},
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int nd = -1;
    int64_t out[TH_MAX_DIMS];
    int rc = THTensor_broadcastShape("test", ok[i].na, ok[i].a, ok[i].nb, ok[i].b, &nd, out);
    CHECK(rc == TH_OK && nd == ok[i].nr && same_i64(nd, out, ok[i].r), "broadcast %s %s -> %s",
          fmt(ok[i].na, ok[i].a), fmt(ok[i].nb, ok[i].b), rc == TH_OK ? fmt(nd, out) : TH_lastError());
    /* symmetric */
    rc = THTensor_broadcastShape("test", ok[i].nb, ok[i].b, ok[i].na, ok[i].a, &nd, out);
    CHECK(rc == TH_OK && nd == ok[i].nr && same_i64(nd, out, ok[i].r), "broadcast (swapped) case %zu", i);
  }
  int64_t a[2] = {2, 3}, b[1] = {4}, out[TH_MAX_DIMS];
  int nd;
  CHECK(THTensor_broadcastShape("add", 2, a, 1, b, &nd, out) == TH_ERROR, "(2, 3) vs (4,) fails");
  CHECK(strstr(TH_lastError(), "(2, 3)") && strstr(TH_lastError(), "(4,)") && strstr(TH_lastError(), "add"),
        "message names op and both shapes: %s", TH_lastError());
  int64_t c[2] = {0, 2}, d[1] = {3};
  CHECK(THTensor_broadcastShape("mul", 2, c, 1, d, &nd, out) == TH_ERROR, "(0, 2) vs (3,) fails");
}

static void test_arithmetic(void) {
  /* (3, 1) + (1, 4): r[i][j] = i + 10 j */
  int64_t s31[2] = {3, 1}, s14[2] = {1, 4};
  THTensor *a = iota(2, s31), *b = iota(2, s14);
  THTensor *r = THTensor_mul(NULL, THArg_tensor(b), THArg_number(10));
  THTensor *sum = THTensor_add(NULL, THArg_tensor(a), THArg_tensor(r), 1);
  CHECK(sum && sum->ndim == 2 && sum->size[0] == 3 && sum->size[1] == 4, "broadcast add shape");
  bool good = sum != NULL;
  for (int i = 0; good && i < 3; i++)
    for (int j = 0; j < 4; j++)
      if (at2(sum, i, j) != (float)(i + 10 * j)) good = false;
  CHECK(good, "broadcast add values");
  THTensor_free(sum);

  /* alpha: a - 2 * b */
  sum = THTensor_sub(NULL, THArg_tensor(a), THArg_tensor(r), 2);
  CHECK(sum && at2(sum, 2, 3) == 2 - 60, "sub alpha");
  THTensor_free(sum);
  THTensor_free(r);

  /* non-contiguous operands: x^T + x, x = iota(3, 4) */
  int64_t s34[2] = {3, 4}, s43[2] = {4, 3};
  THTensor *x = iota(2, s34);
  THTensor *xt = THTensor_transpose(x, 0, 1);
  THTensor *y = iota(2, s43);
  sum = THTensor_add(NULL, THArg_tensor(xt), THArg_tensor(y), 1);
  good = sum && THTensor_isContiguous(sum);
  for (int i = 0; good && i < 4; i++)
    for (int j = 0; j < 3; j++)
      if (at2(sum, i, j) != (float)(j * 4 + i) + (float)(i * 3 + j)) good = false;
  CHECK(good, "transposed + contiguous");
  THTensor_free(sum);

  /* in-place into a strided view writes through to the base */
  r = THMath_pointwise(TH_OP_add, xt, true, 2, (THArg[]){THArg_tensor(xt), THArg_number(100)}, NULL);
  CHECK(r == xt && xt->refcount == 2, "in-place returns its first operand, retained");
  THTensor_free(r);
  CHECK(at2(x, 2, 3) == 111 && at2(x, 0, 0) == 100, "in-place through a transposed view");

  /* out= of another dtype: float64, resized */
  int64_t one = 1;
  THTensor *out = THTensor_empty(TH_F64, TH_CPU, 1, &one);
  r = THTensor_add(out, THArg_tensor(a), THArg_tensor(b), 1);
  CHECK(r == out && out->ndim == 2 && out->size[0] == 3 && out->size[1] == 4 && out->dtype == TH_F64,
        "out= resized to (3, 4)");
  CHECK(out->ndim == 2 && at2(out, 2, 3) == 5, "out= values");
  THTensor_free(r);
  /* out= of a dtype the result can't be cast to fails and leaves out as it was */
  THTensor *iout = THTensor_empty(TH_I64, TH_CPU, 1, &one);
  *(int64_t *)THTensor_data(iout) = 42;
  r = THTensor_div(iout, THArg_tensor(a), THArg_tensor(b));
  CHECK(r == NULL && strstr(TH_lastError(), "float32") && strstr(TH_lastError(), "int64"),
        "div into int64 out= fails: %s", TH_lastError());
  CHECK(iout->ndim == 1 && iout->size[0] == 1 && *(int64_t *)THTensor_data(iout) == 42,
        "failed out= is unchanged: shape %s", fmt(iout->ndim, iout->size));
  THTensor_free(iout);
  THTensor_free(out);

  /* integer division gives the default float dtype */
  THTensor *seven = THTensor_full(TH_I32, TH_CPU, 1, &one, 7);
  r = THTensor_div(NULL, THArg_tensor(seven), THArg_number(2));
  CHECK(r && r->dtype == TH_F32 && *(float *)THTensor_data(r) == 3.5f, "int32 7 / 2 = 3.5 float32");
  THTensor_free(r);
  /* integer pow with a negative exponent fails */
  CHECK(THTensor_pow(NULL, THArg_tensor(seven), THArg_number(-1)) == NULL, "int ^ -1 fails");
  CHECK(strstr(TH_lastError(), "negative"), "msg: %s", TH_lastError());
  /* int32 wraps around like PyTorch */
  THTensor_fill(seven, 2147483647);
  r = THTensor_add(NULL, THArg_tensor(seven), THArg_number(1), 1);
  CHECK(r && r->dtype == TH_I32 && *(int32_t *)THTensor_data(r) == INT32_MIN, "int32 max + 1 wraps");
  THTensor_free(r);
  THTensor_free(seven);

  /* copy between dtypes, broadcasting the source */
  THTensor *u8 = THTensor_empty(TH_U8, TH_CPU, 2, s34);
  CHECK(THTensor_copy(u8, b) == TH_OK, "copy (1, 4) float32 into (3, 4) uint8");
  CHECK(at2(u8, 2, 3) == 3 && at2(u8, 0, 1) == 1, "copied values");
  CHECK(THTensor_copy(u8, a) == TH_OK && at2(u8, 2, 3) == 2 && at2(u8, 2, 0) == 2,
        "copy (3, 1) into (3, 4) broadcasts");
  THTensor_free(u8);
  u8 = THTensor_empty(TH_U8, TH_CPU, 2, s31);
  CHECK(THTensor_copy(u8, b) == TH_ERROR && strstr(TH_lastError(), "(1, 4)") && strstr(TH_lastError(), "(3, 1)"),
        "copy (1, 4) into (3, 1) fails naming both shapes: %s", TH_lastError());
  THTensor_free(u8);

  THTensor_free(y);
  THTensor_free(xt);
  THTensor_free(x);
  THTensor_free(a);
  THTensor_free(b);
}

/* ======================================================================= external memory */

static int release_calls;
static void *released_ptr;
static void *released_ctx;
static void count_release(void *ctx, void *data) {
  release_calls++;
  released_ctx = ctx;
  released_ptr = data;
}

static void test_wrap(void) {
  double buf[12];
  for (int i = 0; i < 12; i++) buf[i] = i;
  int64_t sz[2] = {3, 4};
  int ctx_token;
  release_calls = 0;
  THTensor *t = THTensor_wrap(buf, TH_F64, TH_CPU, 2, sz, NULL, count_release, &ctx_token);
  CHECK(t != NULL, "wrap");
  CHECK(THTensor_data(t) == (void *)buf, "no copy");
  CHECK(at2(t, 2, 3) == 11, "reads the buffer");
  buf[5] = -5;
  CHECK(at2(t, 1, 1) == -5, "sees writes to the buffer");
  THTensor_fill(t, 2);
  CHECK(buf[0] == 2 && buf[11] == 2, "writes reach the buffer");

  /* views keep the memory alive; the callback runs once, when the last one goes */
  THTensor *v1 = THTensor_transpose(t, 0, 1);
  THTensor *v2 = THTensor_select(t, 0, 1);
  THTensor *v3 = THTensor_view(v2, 2, (int64_t[]){2, 2});
  THTensor_free(t);
  CHECK(release_calls == 0, "views alive: not released");
  THTensor_free(v2);
  THTensor_free(v1);
  CHECK(release_calls == 0, "one view alive: not released");
  THTensor_free(v3);
  CHECK(release_calls == 1, "released exactly once, got %d", release_calls);
  CHECK(released_ptr == buf && released_ctx == &ctx_token, "callback gets the data and context");

  /* strided wrap: every other element */
  release_calls = 0;
  int64_t n = 4, st = 2;
  t = THTensor_wrap(buf, TH_F64, TH_CPU, 1, &n, &st, NULL, NULL);
  for (int i = 0; i < 12; i++) buf[i] = i;
  int64_t k = 3;
  CHECK(t && THTensor_getDouble(t, &k) == 6, "strided wrap reads buf[6]");
  /* wrapped memory cannot grow */
  int64_t grow = 100;
  CHECK(t && THTensor_resize(t, 1, &grow) == TH_ERROR, "resize beyond wrapped memory fails");
  CHECK(strstr(TH_lastError(), "external memory"), "msg: %s", TH_lastError());
  THTensor_free(t);
  CHECK(release_calls == 0, "no callback given: none called");

  /* errors: NULL data, negative stride; the callback is not called for a failed wrap */
  release_calls = 0;
  CHECK(THTensor_wrap(NULL, TH_F32, TH_CPU, 2, sz, NULL, count_release, NULL) == NULL, "NULL data fails");
  int64_t negst[2] = {-4, 1};
  CHECK(THTensor_wrap(buf, TH_F32, TH_CPU, 2, sz, negst, count_release, NULL) == NULL, "negative stride fails");
  CHECK(release_calls == 0, "no release for failed wraps");
  /* zero elements: NULL is fine */
  int64_t z = 0;
  t = THTensor_wrap(NULL, TH_F32, TH_CPU, 1, &z, NULL, count_release, NULL);
  CHECK(t != NULL, "empty wrap of NULL");
  THTensor_free(t);
  CHECK(release_calls == 1, "empty wrap released once");
}

/* ======================================================================= allocator */

static void test_allocator(void) {
  size_t base = THAllocator_liveBytes();
  static const int64_t sizes[] = {0, 1, 8, 9, 33, 1000, 4096, 100000, (1 << 20) / 4, (1 << 20) / 4 + 1,
                                  3 << 20};
  enum { N = sizeof sizes / sizeof *sizes };
  THTensor *ts[N];
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < N; i++) ts[i] = THTensor_full(TH_F32, TH_CPU, 1, &sizes[i], 1);
    size_t live = THAllocator_liveBytes();
    size_t want = 0;
    for (int i = 0; i < N; i++) want += (size_t)sizes[i] * 4 > TH_STORAGE_INLINE ? (size_t)sizes[i] * 4 : 0;
    CHECK(live >= base + want, "round %d: live %zu >= base %zu + %zu", round, live, base, want);
    CHECK(live <= base + want + want / 4 + 64 * N, "round %d: live %zu not far above %zu", round, live, base + want);
    /* views share: no new bytes */
    THTensor *v = THTensor_transpose(ts[N - 1], 0, 0);
    CHECK(THAllocator_liveBytes() == live, "a view allocates no tensor bytes");
    THTensor_free(v);
    for (int i = 0; i < N; i++) THTensor_free(ts[i]);
    CHECK(THAllocator_liveBytes() == base, "round %d: live bytes back to baseline: %zu vs %zu", round,
          THAllocator_liveBytes(), base);
  }
  /* resize grows the storage, and frees the old block */
  int64_t n = 10;
  THTensor *t = THTensor_full(TH_F64, TH_CPU, 1, &n, 3);
  int64_t m = 5000;
  CHECK(THTensor_resize(t, 1, &m) == TH_OK, "resize to 5000");
  CHECK(*(double *)THTensor_data(t) == 3, "resize keeps the contents");
  THTensor_free(t);
  CHECK(THAllocator_liveBytes() == base, "live bytes back after resize: %zu vs %zu",
        THAllocator_liveBytes(), base);
  /* the cache is kept, and emptied on request */
  CHECK(THAllocator_cachedBytes() > 0, "freed blocks are cached");
  THAllocator_emptyCache();
  CHECK(THAllocator_cachedBytes() == 0, "emptyCache leaves %zu cached bytes", THAllocator_cachedBytes());
  /* raw blocks are 64-byte aligned */
  void *p = THAlloc(100), *q = THAlloc(5 << 20);
  CHECK(((uintptr_t)p & 63) == 0 && ((uintptr_t)q & 63) == 0, "aligned blocks");
  THFree(p, 100);
  THFree(q, 5 << 20);
  CHECK(THAllocator_liveBytes() == base, "raw blocks returned");
}

/* ======================================================================= threads */

#define NTHREADS 4
#define ITERS 20000

typedef struct {
  int id;
  THTensor *shared; /* read by every thread */
  int errors;
} Worker;

static void *worker(void *arg) {
  Worker *w = arg;
  static const int64_t lens[] = {1, 7, 100, 3000, 40000};
  for (int it = 0; it < ITERS; it++) {
    int64_t n = lens[it % 5 == 4 ? (it % 40 == 4 ? 4 : 3) : it % 4];
    double va = w->id + 1, vb = it % 13;
    THTensor *a = THTensor_full(TH_F64, TH_CPU, 1, &n, va);
    THTensor *b = THTensor_full(TH_I32, TH_CPU, 1, &n, vb);
    THTensor *c = a && b ? THTensor_add(NULL, THArg_tensor(a), THArg_tensor(b), 2) : NULL;
    if (!c || c->dtype != TH_F64 || THTensor_numel(c) != n) {
      w->errors++;
    } else {
      const double *p = THTensor_data(c);
      for (int64_t i = 0; i < n; i += 1 + n / 17)
        if (p[i] != va + 2 * vb) { w->errors++; break; }
      if (p[n - 1] != va + 2 * vb) w->errors++;
    }
    /* the shared tensor: retained and released from every thread, used as an operand */
    THTensor_retain(w->shared);
    THTensor *d = THTensor_mul(NULL, THArg_tensor(w->shared), THArg_number(w->id));
    if (!d || *(float *)THTensor_data(d) != 3.0f * w->id) w->errors++;
    THTensor_free(d);
    THTensor_free(w->shared);
    /* an in-place op and a view */
    if (c) {
      THTensor *r = THMath_pointwise(TH_OP_mul, c, true, 2, (THArg[]){THArg_tensor(c), THArg_number(0.5)}, NULL);
      if (r != c) w->errors++;
      THTensor_free(r);
      THTensor *v = THTensor_narrow(c, 0, n - 1, 1);
      if (!v || *(double *)THTensor_data(v) != (va + 2 * vb) * 0.5) w->errors++;
      THTensor_free(v);
    }
    THTensor_free(c);
    THTensor_free(b);
    THTensor_free(a);
  }
  return NULL;
}

static void test_threads(void) {
  size_t base = THAllocator_liveBytes();
  int64_t four = 4;
  THTensor *shared = THTensor_full(TH_F32, TH_CPU, 1, &four, 3);
  pthread_t th[NTHREADS];
  Worker w[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    w[i] = (Worker){i + 1, shared, 0};
    CHECK(pthread_create(&th[i], NULL, worker, &w[i]) == 0, "pthread_create");
  }
  for (int i = 0; i < NTHREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK(w[i].errors == 0, "thread %d: %d wrong results", i + 1, w[i].errors);
  }
  CHECK(shared->refcount == 1 && shared->storage->refcount == 1, "shared refcounts back to 1: %d, %d",
        (int)shared->refcount, (int)shared->storage->refcount);
  THTensor_free(shared);
  CHECK(THAllocator_liveBytes() == base, "live bytes after the threads: %zu vs %zu",
        THAllocator_liveBytes(), base);
}

/* error messages are per thread */
static void *error_thread(void *arg) {
  (void)arg;
  TH_setError("[thread] failure on the other thread");
  return NULL;
}

static void test_thread_errors(void) {
  TH_setError("[main] failure on the main thread");
  pthread_t th;
  CHECK(pthread_create(&th, NULL, error_thread, NULL) == 0, "pthread_create");
  pthread_join(th, NULL);
  CHECK(strcmp(TH_lastError(), "[main] failure on the main thread") == 0, "main thread's message: %s",
        TH_lastError());
}

int main(void) {
  test_creation();
  test_view_strides();
  test_views();
  test_broadcast_shapes();
  test_arithmetic();
  test_wrap();
  test_allocator();
  test_threads();
  test_thread_errors();
  if (failures) {
    fprintf(stderr, "test_tensor: %d of %d checks failed\n", failures, checks);
    return 1;
  }
  printf("test_tensor: all %d checks passed\n", checks);
  return 0;
}
