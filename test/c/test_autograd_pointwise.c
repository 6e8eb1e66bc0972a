/* test_autograd_pointwise.c: the C side of the elementwise ops' autograd
 * (lib/TH/autograd/THDerivPointwise.h): THTensor_polygamma's values, dtypes and errors, and
 * backward through digamma and through an in-place op on a non-leaf, from C alone.
 *
 * Expected values: mpmath at 30 digits (PyTorch 1.13's torch.polygamma agrees to ~1e-10). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"
#include "autograd/THAutograd.h"
#include "autograd/THDerivPointwise.h"

#include "th_check.h"

static const double X[4] = {0.5, 1, 2.5, -0.5};
static const double PSI[4][4] = {
    {-1.9635100260214235, -0.57721566490153287, 0.70315664064524319, 0.03648997397857652},
    {4.934802200544679, 1.6449340668482264, 0.49035775610023485, 8.934802200544679},
    {-16.82879664423432, -2.4041138063191885, -0.23620405164172739, -0.82879664423431998},
    {97.409091034002444, 6.4939394022668289, 0.22390584881725206, 193.40909103400244},
};

static THTensor *f64(int64_t n, const double *vals) {
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, 1, &n);
  memcpy(THTensor_data(t), vals, (size_t)n * sizeof(double));
  return t;
}

static bool near(const THTensor *t, int64_t n, const double *want, double rel) {
  if (!t || THTensor_numel(t) != n) return false;
  for (int64_t i = 0; i < n; i++) {
    double v = THTensor_getDouble(t, &i);
    if (!(fabs(v - want[i]) <= rel * fabs(want[i]))) {
      fprintf(stderr, "  element %lld: %.17g, expected %.17g\n", (long long)i, v, want[i]);
      return false;
    }
  }
  return true;
}

static void test_values(void) {
  THTensor *x = f64(4, X);
  for (int n = 0; n < 4; n++) {
    THTensor *y = THTensor_polygamma(NULL, false, n, THArg_tensor(x));
    CHECK(near(y, 4, PSI[n], 1e-14), "polygamma(%d, x)", n);
    THTensor_free(y);
  }
  /* float32 computes in double and rounds once */
  THTensor *xf = THTensor_toDtype(x, TH_F32);
  THTensor *yf = THTensor_polygamma(NULL, false, 1, THArg_tensor(xf));
  CHECK(yf && yf->dtype == TH_F32 && near(yf, 4, PSI[1], 1e-7), "float32 trigamma");
  THTensor_free(yf);
  /* integers give the default float dtype; poles give +-inf */
  int64_t four = 4;
  THTensor *xi = THTensor_arange(-1, 3, 1, TH_I64, TH_CPU); /* -1, 0, 1, 2 */
  THTensor *yi = THTensor_polygamma(NULL, false, 2, THArg_tensor(xi));
  CHECK(yi && yi->dtype == THDtype_getDefault() && THTensor_numel(yi) == four, "int64 input");
  if (yi) {
    int64_t i0 = 0, i1 = 1, i2 = 2;
    CHECK(THTensor_getDouble(yi, &i0) == -INFINITY && THTensor_getDouble(yi, &i1) == -INFINITY,
          "polygamma(2) at the poles");
    CHECK(fabs(THTensor_getDouble(yi, &i2) - PSI[2][1]) < 1e-6, "polygamma(2, 1)");
  }
  THTensor_free(yi);
  THTensor_free(xi);
  /* in place */
  THTensor *c = THTensor_clone(x);
  THTensor *r = THTensor_polygamma(NULL, true, 3, THArg_tensor(c));
  CHECK(r == c && near(c, 4, PSI[3], 1e-14), "polygamma_(3)");
  THTensor_free(r);
  THTensor_free(c);
  /* errors leave the input alone */
  CHECK(THTensor_polygamma(NULL, false, -1, THArg_tensor(x)) == NULL &&
            strcmp(TH_lastError(), "[polygamma] polygamma(n, x) does not support negative n, got -1") == 0,
        "negative n: %s", TH_lastError());
  CHECK(THTensor_polygamma(NULL, true, 1, THArg_number(0.5)) == NULL, "in place on a number");
  CHECK(near(x, 4, X, 0), "input unchanged");
  THTensor_free(xf);
  THTensor_free(x);
}

/* d/dx sum(digamma(x)) = polygamma(1, x); with create_graph, once more: polygamma(2, x) */
static void test_backward(void) {
  THTensor *x = f64(4, X);
  CHECK(THAutograd_setRequiresGrad(x, true) == TH_OK, "requires grad");
  THArg a[1] = {THArg_tensor(x)};
  THTensor *y = THMath_pointwise(TH_OP_digamma, NULL, false, 1, a, NULL);
  CHECK(y && strcmp(THNode_name(THAutograd_gradFn(y)), "DigammaBackward0") == 0, "node name");
  THTensor *ones = THTensor_full(TH_F64, TH_CPU, 1, (int64_t[]){4}, 1.0);
  THTensor *g = NULL;
  THBackwardOptions o = {.create_graph = true, .retain_graph = true};
  CHECK(THAutograd_backward(1, &y, &ones, 1, &x, &g, &o) == TH_OK, "backward: %s", TH_lastError());
  CHECK(near(g, 4, PSI[1], 1e-14), "first derivative");
  CHECK(g && strcmp(THNode_name(THAutograd_gradFn(g)), "MulBackward0") == 0, "recorded");
  THTensor *g2 = NULL;
  THBackwardOptions o2 = {0};
  CHECK(g && THAutograd_backward(1, &g, &ones, 1, &x, &g2, &o2) == TH_OK, "double backward: %s",
        TH_lastError());
  CHECK(near(g2, 4, PSI[2], 1e-13), "second derivative");
  THTensor_free(g2);
  THTensor_free(g);
  THTensor_free(y);

  /* sin_ on a non-leaf: the overwritten input is saved as a copy */
  THTensor *b = THMath_pointwise(TH_OP_mul, NULL, false, 2, (THArg[]){THArg_tensor(x), THArg_number(1)}, NULL);
  THTensor *s = THMath_pointwise(TH_OP_sin, NULL, true, 1, (THArg[]){THArg_tensor(b)}, NULL);
  CHECK(s == b && strcmp(THNode_name(THAutograd_gradFn(b)), "SinBackward0") == 0, "sin_ recorded");
  THTensor *gs = NULL;
  CHECK(THAutograd_backward(1, &b, &ones, 1, &x, &gs, &o2) == TH_OK, "sin_ backward: %s", TH_lastError());
  double cosx[4];
  for (int i = 0; i < 4; i++) cosx[i] = cos(X[i]);
  CHECK(near(gs, 4, cosx, 1e-15), "cos x");
  THTensor_free(gs);
  THTensor_free(s);
  THTensor_free(b);
  THTensor_free(ones);
  THTensor_free(x);
}

int main(void) {
  test_values();
  test_backward();
  printf("test_autograd_pointwise: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
