/* test_reduce.c: the reductions and scans of lib/TH (THReduce.h) used from C alone: 0-based
 * dims and indices, keepdim, out=, dtype rules, failures that leave out= untouched, the
 * exact float32 sum of 2^24 ones, and four threads reducing at once.
 *
 * Expected values were checked against PyTorch 1.13 (torch.sum, torch.max, torch.cummax...). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"
#include "THReduce.h"

#include "th_check.h"

/* A float32 tensor of the given shape holding vals (row-major). */
static THTensor *f32(int ndim, const int64_t *sizes, const float *vals) {
  THTensor *t = THTensor_empty(TH_F32, TH_CPU, ndim, sizes);
  memcpy(THTensor_data(t), vals, (size_t)THTensor_numel(t) * sizeof(float));
  return t;
}

static double at(const THTensor *t, int64_t i) { /* flat (row-major) element i */
  int64_t idx[TH_MAX_DIMS] = {0};
  for (int d = t->ndim - 1; d >= 0; d--) {
    idx[d] = i % t->size[d];
    i /= t->size[d];
  }
  return THTensor_getDouble(t, idx);
}

static bool values(const THTensor *t, int n, const double *want) {
  if (!t || THTensor_numel(t) != n) return false;
  for (int i = 0; i < n; i++)
    if (!(at(t, i) == want[i] || (isnan(at(t, i)) && isnan(want[i])))) return false;
  return true;
}

/* x = [[3, 1, 4], [1, 5, 9]] */
static const int64_t X_SIZES[2] = {2, 3};
static const float X_VALS[6] = {3, 1, 4, 1, 5, 9};

static void test_sums(void) {
  THTensor *x = f32(2, X_SIZES, X_VALS);
  int d0 = 0, dneg = -1;
  THTensor *s = THTensor_sum(NULL, x, 0, NULL, false, -1);
  CHECK(s && s->ndim == 0 && at(s, 0) == 23 && s->dtype == TH_F32, "sum of everything");
  THTensor_free(s);
  s = THTensor_sum(NULL, x, 1, &d0, false, -1);
  CHECK(values(s, 3, (double[]){4, 6, 13}) && s->ndim == 1, "sum over dim 0");
  THTensor_free(s);
  s = THTensor_sum(NULL, x, 1, &dneg, true, TH_F64);
  CHECK(values(s, 2, (double[]){8, 15}) && s->ndim == 2 && s->size[1] == 1 && s->dtype == TH_F64,
        "sum over dim -1, keepdim, float64");
  THTensor_free(s);
  s = THTensor_mean(NULL, x, 1, &d0, false, -1);
  CHECK(values(s, 3, (double[]){2, 3, 6.5}), "mean over dim 0");
  THTensor_free(s);
  THTensor *xi = THTensor_toDtype(x, TH_I32);
  s = THTensor_sum(NULL, xi, 0, NULL, false, -1);
  CHECK(s && s->dtype == TH_I64 && at(s, 0) == 23, "int32 sums to int64");
  THTensor_free(s);
  s = THTensor_mean(NULL, xi, 0, NULL, false, -1);
  CHECK(!s && strstr(TH_lastError(), "Input dtype must be either a floating point"), "%s",
        TH_lastError());
  THTensor_free(xi);
  s = THTensor_prod(NULL, x, 1, &d0, false, -1);
  CHECK(values(s, 3, (double[]){3, 5, 36}), "prod over dim 0");
  THTensor_free(s);
  /* 2^24 float32 ones sum exactly */
  int64_t n = (int64_t)1 << 24;
  THTensor *ones = THTensor_full(TH_F32, TH_CPU, 1, &n, 1.0);
  s = THTensor_sum(NULL, ones, 0, NULL, false, -1);
  CHECK(s && at(s, 0) == 16777216.0, "2^24 ones: %f", s ? at(s, 0) : -1);
  THTensor_free(s);
  THTensor_free(ones);
  THTensor_free(x);
}

static void test_indexed(void) {
  THTensor *x = f32(2, X_SIZES, X_VALS);
  THTensor *v = NULL, *i = NULL;
  CHECK(THTensor_maxDim(&v, &i, NULL, NULL, x, 1, false) == TH_OK, "%s", TH_lastError());
  CHECK(values(v, 2, (double[]){4, 9}) && values(i, 2, (double[]){2, 2}) && i->dtype == TH_I64,
        "max along dim 1: 0-based indices");
  THTensor_free(v);
  THTensor_free(i);
  CHECK(THTensor_minDim(&v, &i, NULL, NULL, x, 0, true) == TH_OK, "%s", TH_lastError());
  CHECK(values(v, 3, (double[]){1, 1, 4}) && values(i, 3, (double[]){1, 0, 0}) && v->ndim == 2,
        "min along dim 0, keepdim");
  THTensor_free(v);
  THTensor_free(i);
  THTensor *a = THTensor_argmax(NULL, x, 0, NULL, false);
  CHECK(a && a->ndim == 0 && at(a, 0) == 5, "argmax of everything: flat 0-based index");
  THTensor_free(a);
  int d = 1;
  a = THTensor_argmin(NULL, x, 1, &d, false);
  CHECK(values(a, 2, (double[]){1, 0}), "argmin along dim 1");
  THTensor_free(a);
  THTensor *m = THTensor_maxAll(NULL, x);
  CHECK(m && m->ndim == 0 && at(m, 0) == 9, "max of everything");
  THTensor_free(m);
  m = THTensor_medianAll(NULL, x);
  CHECK(m && at(m, 0) == 3, "lower median");
  THTensor_free(m);

  /* out= tensors are resized and filled; a failure leaves them untouched */
  int64_t one = 1;
  THTensor *ov = THTensor_full(TH_F32, TH_CPU, 1, &one, 7), *oi = THTensor_full(TH_I32, TH_CPU, 1, &one, 7);
  CHECK(THTensor_maxDim(&v, &i, ov, oi, x, 1, false) == TH_ERROR, "int32 indices out= refused");
  CHECK(strstr(TH_lastError(), "for the indices to have dtype int64"), "%s", TH_lastError());
  CHECK(values(ov, 1, (double[]){7}) && values(oi, 1, (double[]){7}), "out= untouched");
  THTensor_free(oi);
  oi = THTensor_full(TH_I64, TH_CPU, 1, &one, 7);
  CHECK(THTensor_maxDim(&v, &i, ov, oi, x, 1, false) == TH_OK && v == ov && i == oi, "out=");
  CHECK(values(ov, 2, (double[]){4, 9}) && values(oi, 2, (double[]){2, 2}), "out= filled");
  THTensor_free(v);
  THTensor_free(i);
  THTensor_free(ov);
  THTensor_free(oi);

  /* errors name the op, the dims (1-based, as the Lua API counts) and the shape */
  int bad = 2;
  THTensor *r = THTensor_amax(NULL, x, 1, &bad, false);
  CHECK(!r && strstr(TH_lastError(), "[amax] dimension out of range"), "%s", TH_lastError());
  int64_t ez[2] = {0, 3};
  THTensor *e = THTensor_empty(TH_F32, TH_CPU, 2, ez);
  int z = 0;
  r = THTensor_amax(NULL, e, 1, &z, false);
  CHECK(!r && strstr(TH_lastError(), "expected reduction dim 1 to have non-zero size (input shape (0, 3))"),
        "%s", TH_lastError());
  r = THTensor_sum(NULL, e, 1, &z, false, -1);
  CHECK(values(r, 3, (double[]){0, 0, 0}), "empty sums are 0");
  THTensor_free(r);
  THTensor_free(e);
  THTensor_free(x);
}

static void test_scans(void) {
  int64_t n = 5;
  THTensor *x = f32(1, &n, (const float[]){1, 3, 3, 2, 5});
  THTensor *outs[2] = {NULL, NULL}, *r[2] = {NULL, NULL};
  CHECK(THScan_run(TH_OP_cummax, x, 0, -1, outs, r) == TH_OK, "%s", TH_lastError());
  CHECK(values(r[0], 5, (double[]){1, 3, 3, 3, 5}) && values(r[1], 5, (double[]){0, 1, 2, 2, 4}),
        "cummax: 0-based, latest index on ties");
  THTensor_free(r[0]);
  THTensor_free(r[1]);
  THTensor *c = THTensor_cumsum(NULL, x, -1, -1);
  CHECK(values(c, 5, (double[]){1, 4, 7, 9, 14}), "cumsum");
  THTensor_free(c);
  THTensor *xi = THTensor_toDtype(x, TH_I8);
  c = THTensor_cumprod(NULL, xi, 0, -1);
  CHECK(c && c->dtype == TH_I64 && values(c, 5, (double[]){1, 3, 9, 18, 90}), "int8 cumprod is int64");
  THTensor_free(c);
  THTensor_free(xi);
  THTensor_free(x);
}

/* Four threads reducing their own tensors at once (thread-safe, no shared state). */
static void *worker(void *arg) {
  int k = (int)(intptr_t)arg;
  int64_t sz[2] = {300, 1000};
  THTensor *x = THTensor_full(TH_F64, TH_CPU, 2, sz, (double)k);
  for (int it = 0; it < 20; it++) {
    int d = it % 2;
    THTensor *s = THTensor_sum(NULL, x, 1, &d, false, -1);
    CHECK(s && at(s, 0) == (double)k * (double)sz[d], "thread %d sum", k);
    THTensor_free(s);
    THTensor *v = THTensor_var(NULL, x, 0, NULL, false, 1);
    CHECK(v && at(v, 0) == 0, "thread %d var", k);
    THTensor_free(v);
  }
  THTensor_free(x);
  return NULL;
}

static void test_threads(void) {
  pthread_t th[4];
  for (int k = 0; k < 4; k++) pthread_create(&th[k], NULL, worker, (void *)(intptr_t)(k + 1));
  for (int k = 0; k < 4; k++) pthread_join(th[k], NULL);
}

int main(void) {
  test_sums();
  test_indexed();
  test_scans();
  test_threads();
  printf("test_reduce: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
