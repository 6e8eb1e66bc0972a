/* test_linalg.c: the matrix products and torch.linalg from C (lib/TH/THLinalg.h): 0-based
 * dims, NULL/TH_ERROR with a message on bad input, out= semantics, in-place addmm, einsum,
 * LAPACK results on small matrices, and several threads multiplying at once.
 *
 * Expected values were checked against PyTorch 1.13. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"
#include "THLinalg.h"

#include "th_check.h"

/* a new float64 tensor of the given shape holding vals (row-major) */
static THTensor *from(int ndim, const int64_t *sizes, const double *vals) {
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, ndim, sizes);
  memcpy(THTensor_data(t), vals, sizeof(double) * (size_t)THTensor_numel(t));
  return t;
}

static double at(const THTensor *t, int64_t i, int64_t j) {
  int64_t idx[2] = {i, j};
  return THTensor_getDouble(t, idx);
}

static bool near(double a, double b) { return fabs(a - b) <= 1e-10 * (1 + fabs(b)); }

static void test_products(void) {
  int64_t s23[2] = {2, 3}, s32[2] = {3, 2};
  double av[6] = {1, 2, 3, 4, 5, 6}, bv[6] = {7, 8, 9, 10, 11, 12};
  THTensor *a = from(2, s23, av), *b = from(2, s32, bv);
  THTensor *c = THTensor_mm(NULL, a, b);
  CHECK(c && at(c, 0, 0) == 58 && at(c, 1, 1) == 154, "mm");
  /* a transposed view goes to BLAS as is */
  THTensor *at_ = THTensor_transpose(a, 0, 1);
  THTensor *g = THTensor_mm(NULL, at_, a);
  CHECK(g && g->size[0] == 3 && at(g, 2, 2) == 45 && at(g, 0, 1) == 22, "gram");
  /* errors: NULL, a message with both shapes, out untouched */
  THTensor *bad = THTensor_mm(NULL, a, a);
  CHECK(!bad && strcmp(TH_lastError(), "[mm] size mismatch: (2, 3) @ (2, 3)") == 0, "%s", TH_lastError());
  int64_t s22[2] = {2, 2};
  THTensor *out = THTensor_empty(TH_F32, TH_CPU, 2, s22);
  CHECK(!THTensor_mm(out, a, b), "out dtype");
  CHECK(strcmp(TH_lastError(), "[mm] expected out to have dtype float64, but got float32") == 0, "%s",
        TH_lastError());
  /* in place: c = 0.5 c + 2 a b */
  THScalar half = THScalar_fromDouble(0.5), two = THScalar_fromDouble(2);
  THTensor *r = THTensor_addmm(NULL, c, a, b, half, two, true);
  CHECK(r == c && at(c, 0, 0) == 58 * 2.5, "addmm_");
  /* matmul with a broadcast batch: (2, 1, 2, 3) @ (3, 2) */
  int64_t s4[4] = {2, 1, 2, 3};
  double v12[12] = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6};
  THTensor *a4 = from(4, s4, v12);
  THTensor *m = THTensor_matmul(NULL, a4, b);
  CHECK(m && m->ndim == 4 && m->size[0] == 2 && m->size[3] == 2, "matmul shape");
  /* einsum trace */
  int64_t s33[2] = {3, 3};
  double sq[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  THTensor *q = from(2, s33, sq);
  const THTensor *ops[1] = {q};
  THTensor *tr = THTensor_einsum("ii", 1, ops);
  CHECK(tr && tr->ndim == 0 && THTensor_getDouble(tr, NULL) == 15, "einsum trace");
  THTensor *none = THTensor_einsum("ij,jk", 1, ops);
  CHECK(!none && strstr(TH_lastError(), "[einsum]"), "%s", TH_lastError());
  THTensor_free(a), THTensor_free(b), THTensor_free(c), THTensor_free(at_), THTensor_free(g);
  THTensor_free(out), THTensor_free(r), THTensor_free(a4), THTensor_free(m), THTensor_free(q);
  THTensor_free(tr);
}

static void test_linalg(void) {
  int64_t s33[2] = {3, 3};
  double sv[9] = {4, 7, 2, 3, 6, 1, 2, 5, 3};
  THTensor *S = from(2, s33, sv);
  THTensor *inv = THLinalg_inv(NULL, S);
  CHECK(inv && near(at(inv, 0, 0), 13.0 / 9) && near(at(inv, 2, 1), -6.0 / 9), "inv");
  THTensor *det = THLinalg_det(NULL, S);
  CHECK(det && near(THTensor_getDouble(det, NULL), 9), "det");
  THTensor *z = THTensor_full(TH_F64, TH_CPU, 2, s33, 0);
  CHECK(!THLinalg_inv(NULL, z) && strstr(TH_lastError(), "singular"), "%s", TH_lastError());
  THTensor *sign, *logabs;
  CHECK(THLinalg_slogdet(z, &sign, &logabs) == TH_OK && THTensor_getDouble(sign, NULL) == 0 &&
            isinf(THTensor_getDouble(logabs, NULL)), "slogdet of a singular matrix");
  THTensor *U, *Sv, *Vh;
  CHECK(THLinalg_svd(S, true, true, &U, &Sv, &Vh) == TH_OK && U->size[1] == 3, "svd");
  /* vector norm over dim 0 (0-based here) */
  int dim0 = 0;
  THTensor *n = THLinalg_vectorNorm(NULL, S, 1, 1, &dim0, false, -1);
  CHECK(n && n->ndim == 1 && THTensor_getDouble(n, (int64_t[]){1}) == 18, "vector_norm");
  THTensor *mn = THLinalg_matrixNorm(NULL, S, NULL, INFINITY, -2, -1, false, -1);
  CHECK(mn && THTensor_getDouble(mn, NULL) == 13, "matrix_norm inf");
  THTensor_free(S), THTensor_free(inv), THTensor_free(det), THTensor_free(z);
  THTensor_free(sign), THTensor_free(logabs), THTensor_free(U), THTensor_free(Sv), THTensor_free(Vh);
  THTensor_free(n), THTensor_free(mn);
}

/* Several threads, each with its own products (BLAS called from many threads at once). */
static void *worker(void *arg) {
  (void)arg;
  int64_t s[2] = {64, 64};
  THTensor *a = THTensor_full(TH_F32, TH_CPU, 2, s, 1);
  for (int i = 0; i < 50; i++) {
    THTensor *c = THTensor_mm(NULL, a, a);
    CHECK(c && at(c, 5, 7) == 64, "threaded mm");
    THTensor_free(c);
  }
  THTensor_free(a);
  return NULL;
}

int main(void) {
  test_products();
  test_linalg();
  pthread_t th[4];
  for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, worker, NULL);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  printf("%d checks, %d failures\n", checks, failures);
  return failures != 0;
}
