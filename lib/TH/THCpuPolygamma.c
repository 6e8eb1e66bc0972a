/* THCpuPolygamma.c: CPU loops of the polygamma row (the n-th derivative of digamma, n >= 1,
 * in alpha.i), which digamma's backward formula and polygamma's own formula are built from
 * (lib/TH/autograd/THDerivPointwise.c).  Computed in double for every floating dtype:
 *   n = 1: trigamma by reflection (x < 1/2), recurrence up to x >= 10, asymptotic series;
 *   n >= 2: (-1)^(n+1) n! zeta(n + 1, x), with the Hurwitz zeta function summed directly and
 *           finished with the Euler-Maclaurin tail (Bernoulli-number terms).
 * Poles (x = 0, -1, -2, ...) give inf (or -inf for even n, as PyTorch); NaN gives NaN. */
#include "THCpuLoops.h"

static const double th_pi = 3.14159265358979323846;

static double th_trigamma(double x) {
  if (isnan(x)) return x;
  if (x == INFINITY) return 0;
  if (x == -INFINITY) return NAN;
  if (x <= 0 && x == floor(x)) return INFINITY;
  double sign = 1, result = 0;
  if (x < 0.5) { /* psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x) */
    sign = -1;
    double s = sin(th_pi * x);
    result = -(th_pi * th_pi) / (s * s);
    x = 1 - x;
  }
  for (; x < 10; x += 1) result += 1 / (x * x);
  /* 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1), k = 1 .. 6 (error below 1e-16 for x >= 10) */
  static const double B[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730};
  double z = 1 / (x * x), poly = 0;
  for (int k = 5; k >= 0; k--) poly = poly * z + B[k];
  result += (1 + 1 / (2 * x) + z * poly) / x;
  return sign * result;
}

/* Hurwitz zeta(s, q) = sum_{k >= 0} (k + q)^-s for s > 1 (an integer here). */
static double th_zeta(double s, double q) {
  /* (2k)! / B_2k for k = 1 .. 12: the Euler-Maclaurin correction terms */
  static const double A[] = {12.0,
                             -720.0,
                             30240.0,
                             -1209600.0,
                             47900160.0,
                             -1.8924375803183791606e9,
                             7.47242496e10,
                             -2.950130727918164224e12,
                             1.1646782814350067249e14,
                             -4.5979787224074726105e15,
                             1.8152105401943546773e17,
                             -7.1661652561756670113e18};
  const double eps = 1.11022302462515654042e-16;
  if (isnan(q)) return q;
  if (q == INFINITY) return 0;
  if (q <= 0 && q == floor(q)) return INFINITY;
  if (q == -INFINITY) return NAN;
  double sum = pow(q, -s), a = q, b = 0;
  int i = 0;
  while (i < 9 || a <= 9.0) { /* direct terms until q + i > 9 */
    i++;
    a += 1;
    b = pow(a, -s);
    sum += b;
    if (fabs(b) < eps * fabs(sum)) return sum;
  }
  double w = a;
  sum += b * w / (s - 1) - 0.5 * b;
  double fac = 1, k = 0;
  for (int j = 0; j < 12; j++) {
    fac *= s + k;
    b /= w;
    double t = fac * b / A[j];
    sum += t;
    if (fabs(t / sum) < eps) break;
    k += 1;
    fac *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}

static double th_polygamma(int64_t n, double x) {
  if (n == 1) return th_trigamma(x);
  double z = th_zeta((double)n + 1, x);
  double f = tgamma((double)n + 1); /* n! (tgamma keeps no global state, unlike lgamma) */
  return (n % 2 ? 1.0 : -1.0) * f * z;
}

/* alpha holds n (both alpha.f and alpha.i are set by THTensor_polygamma) */
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  TH_DEFINE_UNARY_LOOP(polygamma, ID, CTYPE, double, (th_polygamma((int64_t)alpha, (double)a)))
TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X

__attribute__((constructor)) static void register_polygamma(void) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) THCpu_registerLoop(TH_OP_polygamma, TH_##ID, polygamma_##ID);
  TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X
}
