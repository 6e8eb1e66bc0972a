/* test_index.c: joining, splitting and indexing (THIndex.h) used from C alone: 0-based dims and
 * indices in and out, int32 and int64 index tensors, out= resizing, failures that name the
 * problem and write nothing, the views of split/chunk/unbind/diagonal, and four threads
 * indexing at once.
 *
 * Inputs are iota tensors (0, 1, 2, ... row-major), so every expected value follows from the
 * definition of the op; the Lua spec (test/index_spec.lua) checks the same ops against
 * PyTorch 1.13's values. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"
#include "THIndex.h"

#include "th_check.h"

/* 0, 1, 2, ... in a new tensor of dtype and shape */
static THTensor *iota(THDtype dt, int ndim, const int64_t *sizes) {
  THTensor *t = THTensor_empty(dt, TH_CPU, ndim, sizes);
  int64_t n = THTensor_numel(t);
  for (int64_t i = 0; i < n; i++) {
    if (dt == TH_F32) ((float *)THTensor_data(t))[i] = (float)i;
    else if (dt == TH_I64) ((int64_t *)THTensor_data(t))[i] = i;
    else if (dt == TH_I32) ((int32_t *)THTensor_data(t))[i] = (int32_t)i;
  }
  return t;
}

static THTensor *i64s(int n, const int64_t *v) {
  int64_t len = n;
  THTensor *t = THTensor_empty(TH_I64, TH_CPU, 1, &len);
  memcpy(THTensor_data(t), v, (size_t)n * sizeof(int64_t));
  return t;
}

/* the elements of t (any layout) as doubles, row-major */
static int values(const THTensor *t, double *out, int cap) {
  int64_t n = THTensor_numel(t), idx[TH_MAX_DIMS] = {0};
  for (int64_t k = 0; k < n && k < cap; k++) {
    out[k] = THTensor_getDouble(t, idx);
    for (int d = t->ndim - 1; d >= 0; d--) {
      if (++idx[d] < t->size[d]) break;
      idx[d] = 0;
    }
  }
  return (int)n;
}

static bool equals(const THTensor *t, int n, const double *want) {
  double got[256];
  if (!t || values(t, got, 256) != n) return false;
  for (int i = 0; i < n; i++)
    if (got[i] != want[i]) return false;
  return true;
}

/* the first n elements of t are want */
static bool starts(const THTensor *t, int n, const double *want) {
  double got[256];
  if (!t || values(t, got, 256) < n) return false;
  for (int i = 0; i < n; i++)
    if (got[i] != want[i]) return false;
  return true;
}

static bool shape_is(const THTensor *t, int ndim, const int64_t *sizes) {
  if (!t || t->ndim != ndim) return false;
  for (int d = 0; d < ndim; d++)
    if (t->size[d] != sizes[d]) return false;
  return true;
}

static const int64_t S34[2] = {3, 4};
#define D(...) ((const double[]){__VA_ARGS__})

/* ======================================================================= selecting */

static void test_select(void) {
  THTensor *x = iota(TH_F32, 2, S34);
  THTensor *ix = i64s(2, (const int64_t[]){2, 0});
  THTensor *r = THTensor_indexSelect(NULL, x, 0, ix);
  CHECK(equals(r, 8, D(8, 9, 10, 11, 0, 1, 2, 3)), "index_select dim 0");
  THTensor_free(r);
  r = THTensor_indexSelect(NULL, x, -1, ix);
  CHECK(equals(r, 6, D(2, 0, 6, 4, 10, 8)), "index_select dim -1");
  THTensor_free(r);

  /* int32 indices */
  int64_t two = 2;
  THTensor *i32 = THTensor_empty(TH_I32, TH_CPU, 1, &two);
  ((int32_t *)THTensor_data(i32))[0] = 1;
  ((int32_t *)THTensor_data(i32))[1] = 1;
  r = THTensor_indexSelect(NULL, x, 0, i32);
  CHECK(equals(r, 8, D(4, 5, 6, 7, 4, 5, 6, 7)), "index_select int32");
  THTensor_free(r);

  /* out= is resized and returned with a reference */
  int64_t one = 1;
  THTensor *out = THTensor_empty(TH_F64, TH_CPU, 1, &one);
  r = THTensor_indexSelect(out, x, 1, i32);
  CHECK(r == out && out->dtype == TH_F64 && shape_is(out, 2, (const int64_t[]){3, 2}), "out=");
  CHECK(equals(out, 6, D(1, 1, 5, 5, 9, 9)), "out= values");
  THTensor_free(r);
  THTensor_free(out);

  /* bad indices: NULL, a message with the 0-based index, 1-based dim */
  THTensor *bad = i64s(2, (const int64_t[]){0, 3});
  CHECK(THTensor_indexSelect(NULL, x, 0, bad) == NULL, "out of range");
  CHECK(strcmp(TH_lastError(), "[index_select] index 3 is out of bounds for dimension 1 with size 3") == 0,
        "%s", TH_lastError());
  THTensor *neg = i64s(1, (const int64_t[]){-1});
  CHECK(THTensor_indexSelect(NULL, x, 0, neg) == NULL, "negative rejected");

  /* gather / take */
  int64_t gs[2] = {2, 2};
  THTensor *g = THTensor_empty(TH_I64, TH_CPU, 2, gs);
  memcpy(THTensor_data(g), (const int64_t[]){3, 0, 1, 1}, sizeof(int64_t) * 4);
  r = THTensor_gather(NULL, x, 1, g);
  CHECK(equals(r, 4, D(3, 0, 5, 5)), "gather");
  THTensor_free(r);
  r = THTensor_take(NULL, x, neg);
  CHECK(equals(r, 1, D(11)), "take negative");
  THTensor_free(r);

  /* masks and nonzero (0-based positions) */
  THTensor *m = THTensor_empty(TH_BOOL, TH_CPU, 1, (const int64_t[]){4});
  memcpy(THTensor_data(m), (const bool[]){true, false, false, true}, 4);
  r = THTensor_maskedSelect(NULL, x, m);
  CHECK(equals(r, 6, D(0, 3, 4, 7, 8, 11)), "masked_select broadcast");
  THTensor_free(r);
  r = THTensor_nonzero(NULL, m);
  CHECK(r && r->dtype == TH_I64 && equals(r, 2, D(0, 3)), "nonzero 0-based");
  THTensor_free(r);

  THTensor_free(m);
  THTensor_free(g);
  THTensor_free(neg);
  THTensor_free(bad);
  THTensor_free(i32);
  THTensor_free(ix);
  THTensor_free(x);
}

/* ======================================================================= writing */

static void test_write(void) {
  THTensor *x = iota(TH_I64, 2, S34);
  THTensor *ix = i64s(3, (const int64_t[]){0, 2, 0});
  THTensor *src = iota(TH_I64, 2, (const int64_t[]){3, 4});
  CHECK(THTensor_indexAdd_(x, 0, ix, src, THScalar_fromDouble(10)) == TH_OK, "%s", TH_lastError());
  /* row 0 += 10*(row 0 + row 2 of src), row 2 += 10*row 1 */
  CHECK(equals(x, 12, D(80, 101, 122, 143, 4, 5, 6, 7, 48, 59, 70, 81)), "index_add_");

  /* a failed call writes nothing, even when the bad index comes last */
  THTensor *bad = i64s(3, (const int64_t[]){1, 1, 3});
  CHECK(THTensor_indexFill_(x, 0, bad, THScalar_fromDouble(-1)) == TH_ERROR, "index_fill_ bad");
  CHECK(equals(x, 12, D(80, 101, 122, 143, 4, 5, 6, 7, 48, 59, 70, 81)), "unchanged");
  THTensor *neg = i64s(1, (const int64_t[]){-1});
  CHECK(THTensor_indexFill_(x, 1, neg, THScalar_fromDouble(0)) == TH_OK, "index_fill_ negative");
  CHECK(equals(x, 12, D(80, 101, 122, 0, 4, 5, 6, 0, 48, 59, 70, 0)), "index_fill_ last column");

  /* scatter_ with a bad index among good ones: nothing written */
  THTensor *si = THTensor_empty(TH_I64, TH_CPU, 2, (const int64_t[]){1, 4});
  memcpy(THTensor_data(si), (const int64_t[]){0, 1, 2, 3}, sizeof(int64_t) * 4);
  CHECK(THTensor_scatter_(x, 0, si, NULL, THScalar_fromDouble(7), TH_REDUCE_NONE) == TH_ERROR, "scatter_ bad");
  CHECK(strcmp(TH_lastError(), "[scatter_] index 3 is out of bounds for dimension 1 with size 3") == 0, "%s",
        TH_lastError());
  CHECK(equals(x, 12, D(80, 101, 122, 0, 4, 5, 6, 0, 48, 59, 70, 0)), "unchanged after scatter_");
  ((int64_t *)THTensor_data(si))[3] = 0;
  CHECK(THTensor_scatter_(x, 0, si, NULL, THScalar_fromDouble(7), TH_REDUCE_ADD) == TH_OK, "scatter_ add");
  CHECK(equals(x, 12, D(87, 101, 122, 7, 4, 12, 6, 0, 48, 59, 77, 0)), "scatter_ add values");

  /* masked_fill_ on a transposed view writes through */
  THTensor *xt = THTensor_transpose(x, 0, 1);
  THTensor *m = THTensor_empty(TH_BOOL, TH_CPU, 1, (const int64_t[]){3});
  memcpy(THTensor_data(m), (const bool[]){false, true, false}, 3);
  CHECK(THTensor_maskedFill_(xt, m, THScalar_fromDouble(-5)) == TH_OK, "masked_fill_");
  CHECK(equals(x, 12, D(87, 101, 122, 7, -5, -5, -5, -5, 48, 59, 77, 0)), "masked_fill_ through a view");

  THTensor_free(m);
  THTensor_free(xt);
  THTensor_free(si);
  THTensor_free(neg);
  THTensor_free(bad);
  THTensor_free(src);
  THTensor_free(ix);
  THTensor_free(x);
}

/* ======================================================================= join, split */

static void test_join_split(void) {
  THTensor *x = iota(TH_F32, 2, S34);
  const THTensor *two[2] = {x, x};
  THTensor *r = THTensor_cat(NULL, 2, two, 1);
  CHECK(shape_is(r, 2, (const int64_t[]){3, 8}), "cat shape");
  THTensor_free(r);
  r = THTensor_stack(NULL, 2, two, 2);
  CHECK(shape_is(r, 3, (const int64_t[]){3, 4, 2}), "stack shape");
  THTensor_free(r);

  int64_t n = 0;
  THTensor **parts = THTensor_split(x, 3, 1, &n);
  CHECK(parts && n == 2 && parts[1]->size[1] == 1, "split: two pieces, the last smaller");
  THTensor_freeList(parts, n);
  parts = THTensor_chunk(x, 2, 0, &n);
  CHECK(parts && n == 2 && parts[0]->size[0] == 2 && parts[1]->size[0] == 1, "chunk");
  THTensor_freeList(parts, n);
  parts = THTensor_unbind(x, 1, &n);
  CHECK(parts && n == 4 && equals(parts[2], 3, D(2, 6, 10)), "unbind");
  THTensor_freeList(parts, n);
  CHECK(THTensor_splitWithSizes(x, 2, (const int64_t[]){1, 1}, 0, &n) == NULL, "split sizes must add up");

  /* diagonal is a view; narrow_copy copies */
  THTensor *dg = THTensor_diagonal(x, 1, 0, 1);
  CHECK(dg && dg->storage == x->storage && equals(dg, 3, D(1, 6, 11)), "diagonal");
  THTensor_free(dg);
  r = THTensor_narrowCopy(NULL, x, 1, -1, 1);
  CHECK(r && r->storage != x->storage && equals(r, 3, D(3, 7, 11)), "narrow_copy");
  THTensor_free(r);

  /* flip, roll, repeat, tril */
  r = THTensor_flip(x, 2, (const int[]){0, 1});
  CHECK(starts(r, 4, D(11, 10, 9, 8)), "flip");
  THTensor_free(r);
  r = THTensor_roll(x, 1, (const int64_t[]){1}, 0, NULL);
  CHECK(starts(r, 3, D(11, 0, 1)), "roll flat");
  THTensor_free(r);
  r = THTensor_repeat(x, 3, (const int64_t[]){2, 1, 1});
  CHECK(shape_is(r, 3, (const int64_t[]){2, 3, 4}), "repeat adds a dim");
  THTensor_free(r);
  r = THTensor_tril(NULL, x, 0);
  CHECK(starts(r, 8, D(0, 0, 0, 0, 4, 5, 0, 0)), "tril");
  THTensor_free(r);
  THTensor *reps = i64s(3, (const int64_t[]){2, 0, 1});
  r = THTensor_repeatInterleaveIndex(reps, -1);
  CHECK(equals(r, 3, D(0, 0, 2)), "repeat_interleave positions, 0-based");
  THTensor_free(r);
  THTensor_free(reps);
  THTensor_free(x);
}

/* ======================================================================= threads */

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  for (int it = 0; it < 200; it++) {
    int64_t sz[2] = {50, 40};
    THTensor *x = iota(TH_I64, 2, sz);
    int64_t v[3] = {49, id, 0};
    THTensor *ix = i64s(3, v);
    THTensor *r = THTensor_indexSelect(NULL, x, 0, ix);
    int64_t at[2] = {1, 5};
    CHECK(r && THTensor_getInt64(r, at) == id * 40 + 5, "thread %d", id);
    const THTensor *both[2] = {x, r};
    THTensor *c = THTensor_cat(NULL, 2, both, 0);
    CHECK(c && c->size[0] == 53, "thread cat");
    THTensor *bad = i64s(1, (const int64_t[]){50 + id});
    CHECK(THTensor_indexSelect(NULL, x, 0, bad) == NULL, "thread error");
    char want[128];
    snprintf(want, sizeof want, "[index_select] index %d is out of bounds for dimension 1 with size 50", 50 + id);
    CHECK(strcmp(TH_lastError(), want) == 0, "per-thread message: %s", TH_lastError());
    THTensor_free(bad);
    THTensor_free(c);
    THTensor_free(r);
    THTensor_free(ix);
    THTensor_free(x);
  }
  return NULL;
}

static void test_threads(void) {
  pthread_t th[4];
  for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
}

/* THIndex_convert: 1-based positions with negatives from the end, the first bad one found */
static void test_convert(void) {
  const int64_t v[6] = {1, 5, -1, -5, 3, 2};
  THTensor *src = i64s(6, v), *out = THTensor_empty(TH_I64, TH_CPU, 1, (int64_t[]){6});
  int64_t bad = 7;
  CHECK(THIndex_convert(out, src, 5, 1, true, &bad) == TH_OK, "%s", TH_lastError());
  const int64_t *o = THTensor_data(out);
  const int64_t want[6] = {0, 4, 4, 0, 2, 1};
  for (int i = 0; i < 6; i++) CHECK(o[i] == want[i], "entry %d: %lld", i, (long long)o[i]);
  CHECK(bad == -1, "bad %lld", (long long)bad);
  CHECK(THIndex_convert(out, src, 5, 0, false, &bad) == TH_OK, "%s", TH_lastError());
  CHECK(bad == 1 && o[1] == INT64_MIN && o[0] == 1 && o[4] == 3, "bad %lld", (long long)bad);
  CHECK(THIndex_convert(src, src, 4, 1, false, NULL) == TH_OK, "in place: %s", TH_lastError());
  CHECK(((int64_t *)THTensor_data(src))[2] == INT64_MIN, "in place");
  THTensor *f = THTensor_empty(TH_F32, TH_CPU, 1, (int64_t[]){6});
  CHECK(THIndex_convert(out, f, 5, 1, true, NULL) == TH_ERROR, "a float32 source");
  THTensor_free(f);
  THTensor_free(src);
  THTensor_free(out);
}

int main(void) {
  test_convert();
  test_select();
  test_write();
  test_join_split();
  test_threads();
  printf("test_index: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
