/* test_sort.c: the sorting and searching ops of lib/TH (THSort.h) used from C alone: 0-based
 * indices and insertion points, NULL for unwanted results, out= tensors, failures that
 * return TH_ERROR with a message and leave every tensor as it was, and several threads
 * sorting at once (each with OpenMP inside).
 *
 * Expected values are PyTorch 1.13's (0-based, as here). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"
#include "THSort.h"

#include "th_check.h"

static THTensor *f32(int64_t n, const float *v) {
  THTensor *t = THTensor_empty(TH_F32, TH_CPU, 1, &n);
  memcpy(THTensor_data(t), v, (size_t)n * sizeof(float));
  return t;
}

static THTensor *i64(int64_t n, const int64_t *v) {
  THTensor *t = THTensor_empty(TH_I64, TH_CPU, 1, &n);
  memcpy(THTensor_data(t), v, (size_t)n * sizeof(int64_t));
  return t;
}

static bool eq_i64(const THTensor *t, int64_t n, const int64_t *v) {
  if (!t || t->dtype != TH_I64 || THTensor_numel(t) != n) return false;
  THTensor *c = THTensor_contiguous(t);
  bool ok = memcmp(THTensor_data(c), v, (size_t)n * sizeof(int64_t)) == 0;
  THTensor_free(c);
  return ok;
}

static bool eq_f32(const THTensor *t, int64_t n, const float *v) {
  if (!t || t->dtype != TH_F32 || THTensor_numel(t) != n) return false;
  THTensor *c = THTensor_contiguous(t);
  bool ok = memcmp(THTensor_data(c), v, (size_t)n * sizeof(float)) == 0;
  THTensor_free(c);
  return ok;
}

/* ======================================================================= sort, topk, kthvalue */

static void test_sort(void) {
  const float xv[] = {4, 4, 1, 4, 9, 9, 0, 4, 2, 9};
  THTensor *x = f32(10, xv), *v = NULL, *i = NULL;
  CHECK(THTensor_sort(x, 0, false, true, NULL, NULL, &v, &i) == TH_OK, "%s", TH_lastError());
  CHECK(eq_f32(v, 10, (const float[]){0, 1, 2, 4, 4, 4, 4, 9, 9, 9}), "stable values");
  CHECK(eq_i64(i, 10, (const int64_t[]){6, 2, 8, 0, 1, 3, 7, 4, 5, 9}), "stable indices");
  THTensor_free(v);
  THTensor_free(i);

  /* only the indices */
  i = THTensor_argsort(x, -1, true, false);
  CHECK(eq_i64(i, 10, (const int64_t[]){4, 5, 9, 0, 1, 3, 7, 8, 2, 6}), "argsort descending");
  THTensor_free(i);

  /* topk and kthvalue, ties as in PyTorch */
  CHECK(THTensor_topk(x, 4, 0, true, true, NULL, NULL, &v, &i) == TH_OK, "%s", TH_lastError());
  CHECK(eq_f32(v, 4, (const float[]){9, 9, 9, 4}), "topk values");
  CHECK(eq_i64(i, 4, (const int64_t[]){5, 9, 4, 3}), "topk indices");
  THTensor_free(v);
  THTensor_free(i);
  CHECK(THTensor_kthvalue(x, 5, 0, false, NULL, NULL, &v, &i) == TH_OK, "%s", TH_lastError());
  CHECK(v && v->ndim == 0 && eq_f32(v, 1, (const float[]){4}), "kthvalue value");
  CHECK(eq_i64(i, 1, (const int64_t[]){1}), "kthvalue index");
  THTensor_free(v);
  THTensor_free(i);

  /* out= tensors are resized and handed back */
  int64_t one = 1;
  THTensor *ov = THTensor_empty(TH_F32, TH_CPU, 1, &one), *oi = THTensor_empty(TH_I64, TH_CPU, 1, &one);
  CHECK(THTensor_topk(x, 2, 0, false, true, ov, oi, &v, &i) == TH_OK, "%s", TH_lastError());
  CHECK(v == ov && i == oi, "out= tensors come back");
  CHECK(eq_f32(ov, 2, (const float[]){0, 1}) && eq_i64(oi, 2, (const int64_t[]){6, 2}), "topk smallest");
  THTensor_free(v);
  THTensor_free(i);

  /* failures: TH_ERROR, a message, nothing written */
  v = i = NULL;
  CHECK(THTensor_topk(x, 11, 0, true, true, ov, oi, &v, &i) == TH_ERROR && !v && !i, "k too big");
  CHECK(strstr(TH_lastError(), "[topk] k (11) is too big for dimension 1 of size 10"), "%s", TH_lastError());
  CHECK(ov->size[0] == 2 && oi->size[0] == 2, "out= untouched");
  CHECK(THTensor_kthvalue(x, 0, 0, false, NULL, NULL, &v, &i) == TH_ERROR, "k = 0");
  CHECK(strstr(TH_lastError(), "[kthvalue] k (0) is out of range"), "%s", TH_lastError());
  CHECK(THTensor_sort(x, 1, false, false, NULL, NULL, &v, &i) == TH_ERROR, "dim 1 of a 1-D tensor");
  CHECK(strstr(TH_lastError(), "dimension 2 is out of range"), "%s", TH_lastError());
  THTensor *bad = THTensor_empty(TH_I32, TH_CPU, 1, &one);
  CHECK(THTensor_sort(x, 0, false, false, ov, bad, &v, &i) == TH_ERROR, "int32 indices out=");
  CHECK(strstr(TH_lastError(), "indices output to have dtype int64, but got int32"), "%s", TH_lastError());
  CHECK(eq_f32(ov, 2, (const float[]){0, 1}) && eq_f32(x, 10, xv), "nothing written");
  THTensor_free(bad);
  THTensor_free(ov);
  THTensor_free(oi);
  THTensor_free(x);
}

/* ======================================================================= unique */

static void test_unique(void) {
  const int64_t xv[] = {3, 1, 3, 2, 1, 7};
  THTensor *x = i64(6, xv), *u = NULL, *inv = NULL, *cnt = NULL;
  CHECK(THTensor_unique(x, true, &u, &inv, &cnt) == TH_OK, "%s", TH_lastError());
  CHECK(eq_i64(u, 4, (const int64_t[]){1, 2, 3, 7}), "sorted values");
  CHECK(eq_i64(inv, 6, (const int64_t[]){2, 0, 2, 1, 0, 3}), "inverse");
  CHECK(eq_i64(cnt, 4, (const int64_t[]){2, 1, 2, 1}), "counts");
  THTensor_free(u);
  THTensor_free(inv);
  THTensor_free(cnt);
  CHECK(THTensor_unique(x, false, &u, NULL, NULL) == TH_OK, "%s", TH_lastError());
  CHECK(eq_i64(u, 4, (const int64_t[]){3, 1, 2, 7}), "first-seen order");
  THTensor_free(u);
  CHECK(THTensor_uniqueConsecutive(x, &u, NULL, &cnt) == TH_OK, "%s", TH_lastError());
  CHECK(eq_i64(u, 6, xv) && eq_i64(cnt, 6, (const int64_t[]){1, 1, 1, 1, 1, 1}), "no runs");
  THTensor_free(u);
  THTensor_free(cnt);
  THTensor_free(x);
}

/* ======================================================================= searchsorted */

static void test_search(void) {
  const int64_t sv[] = {1, 3, 5, 7, 9};
  const float vv[] = {3, 6, 9, 0};
  THTensor *seq = i64(5, sv), *vals = f32(4, vv);
  THTensor *r = THTensor_searchsorted(NULL, seq, THArg_tensor(vals), false, false, NULL);
  CHECK(eq_i64(r, 4, (const int64_t[]){1, 3, 4, 0}), "left, 0-based in [0, n]");
  THTensor_free(r);
  r = THTensor_searchsorted(NULL, seq, THArg_tensor(vals), true, true, NULL);
  CHECK(r && r->dtype == TH_I32 && ((int32_t *)THTensor_data(r))[2] == 5, "right, int32");
  THTensor_free(r);
  r = THTensor_bucketize(NULL, THArg_number(4), seq, false, false);
  CHECK(r && r->ndim == 0 && eq_i64(r, 1, (const int64_t[]){2}), "bucketize a number");
  THTensor_free(r);
  /* a sorter (0-based here) for an unsorted sequence */
  const int64_t uv[] = {5, 1, 3}, srt[] = {1, 2, 0};
  THTensor *u = i64(3, uv), *s = i64(3, srt);
  r = THTensor_searchsorted(NULL, u, THArg_number(4), false, false, s);
  CHECK(eq_i64(r, 1, (const int64_t[]){2}), "with sorter");
  THTensor_free(r);
  ((int64_t *)THTensor_data(s))[1] = 3;
  r = THTensor_searchsorted(NULL, u, THArg_number(4), false, false, s);
  CHECK(!r && strstr(TH_lastError(), "sorter index 3 is out of range"), "%s", TH_lastError());
  int64_t sz2[2] = {1, 5};
  THTensor *b2 = THTensor_empty(TH_I64, TH_CPU, 2, sz2);
  r = THTensor_bucketize(NULL, THArg_tensor(vals), b2, false, false);
  CHECK(!r && strstr(TH_lastError(), "[bucketize] boundaries must be 1-D, but got shape (1, 5)"), "%s",
        TH_lastError());
  THTensor_free(b2);
  THTensor_free(u);
  THTensor_free(s);
  THTensor_free(seq);
  THTensor_free(vals);
}

/* ======================================================================= threads */

/* Each thread sorts its own (64, 4096) tensor along both dims (OpenMP inside) and checks the
 * result is ordered. */
static void *sort_worker(void *arg) {
  int seed = (int)(intptr_t)arg;
  int64_t sz[2] = {64, 4096};
  THTensor *x = THTensor_empty(TH_F64, TH_CPU, 2, sz);
  double *p = THTensor_data(x);
  uint32_t s = (uint32_t)seed * 2654435761u + 1;
  for (int64_t k = 0; k < sz[0] * sz[1]; k++) {
    s = s * 1664525u + 1013904223u;
    p[k] = (double)(s >> 20);
  }
  for (int rep = 0; rep < 3; rep++) {
    for (int dim = 0; dim < 2; dim++) {
      THTensor *v = NULL, *i = NULL;
      int rc = THTensor_sort(x, dim, rep == 1, rep == 2, NULL, NULL, &v, &i);
      CHECK(rc == TH_OK, "thread %d: %s", seed, TH_lastError());
      if (rc != TH_OK) continue;
      bool ordered = true;
      int64_t n = sz[dim], other = sz[1 - dim];
      for (int64_t o = 0; o < other && ordered; o++)
        for (int64_t k = 1; k < n && ordered; k++) {
          int64_t a[2], b[2];
          a[dim] = k - 1, b[dim] = k, a[1 - dim] = b[1 - dim] = o;
          double va = THTensor_getDouble(v, a), vb = THTensor_getDouble(v, b);
          ordered = rep == 1 ? va >= vb : va <= vb;
          int64_t ib[2] = {b[0], b[1]};
          int64_t src = THTensor_getInt64(i, ib), xs[2] = {b[0], b[1]};
          xs[dim] = src;
          ordered = ordered && THTensor_getDouble(x, xs) == vb;
        }
      CHECK(ordered, "thread %d rep %d dim %d ordered", seed, rep, dim);
      THTensor_free(v);
      THTensor_free(i);
    }
  }
  THTensor_free(x);
  return NULL;
}

static void test_threads(void) {
  pthread_t th[4];
  for (int t = 0; t < 4; t++) pthread_create(&th[t], NULL, sort_worker, (void *)(intptr_t)t);
  for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
}

int main(void) {
  test_sort();
  test_unique();
  test_search();
  test_threads();
  if (failures) {
    fprintf(stderr, "test_sort: %d of %d checks failed\n", failures, checks);
    return 1;
  }
  printf("test_sort: all %d checks passed\n", checks);
  return 0;
}
