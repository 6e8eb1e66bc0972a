/* THSpecial.h: scalar special functions in double (digamma, trigamma, the Hurwitz zeta,
 * polygamma, erfinv), shared by the CPU kernels and the CUDA backend's kernels, so both
 * devices compute them with one algorithm.  Written in the common subset of C11 and CUDA C++;
 * TH_HOSTDEV makes each function callable on the GPU when nvcc reads this file.
 *
 *   digamma: reflection for x < 0, recurrence up to x >= 10, then the asymptotic series
 *            ln x - 1/(2x) - sum B_2k / (2k x^2k); psi(+-0) = -+inf, psi(negative integer) = NaN.
 *   polygamma(n, x), n >= 1: n = 1 is trigamma (reflection for x < 1/2, recurrence, series);
 *            n >= 2 is (-1)^(n+1) n! zeta(n + 1, x), the Hurwitz zeta summed directly and
 *            finished with the Euler-Maclaurin tail.  Poles give inf (-inf for even n).
 *   erfinv:  Giles' single-precision polynomial ("Approximating the erfinv function", 2010) as
 *            the first guess, then Halley steps on erf(z) = y (on erfc(z) = 1 - |y| for
 *            |y| > 0.5, where 1 - |y| is exact), until a step is below 1e-6 of z.
 */
#ifndef TH_SPECIAL_H
#define TH_SPECIAL_H

#include <math.h>
#include <stdint.h>

#ifdef __CUDACC__
#define TH_HOSTDEV __host__ __device__
#else
#define TH_HOSTDEV
#endif

#define TH_SPECIAL_PI 3.14159265358979323846
#define TH_SPECIAL_TWO_OVER_SQRTPI 1.12837916709551257390

/* digamma for x > 0, NaN or +inf */
static inline TH_HOSTDEV double th_digamma_positive(double x) {
  if (isnan(x) || isinf(x)) return x;
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  /* B_2k / (2k) for k = 7 .. 1, highest power first */
  const double c[7] = {1.0 / 12,  -691.0 / 32760, 1.0 / 132, -1.0 / 240,
                       1.0 / 252, -1.0 / 120,     1.0 / 12};
  double y = 0;
  if (x < 1e17) {
    double z = 1 / (x * x), poly = 0;
    for (int k = 0; k < 7; k++) poly = poly * z + c[k];
    y = z * poly;
  }
  return result + log(x) - 0.5 / x - y;
}

static inline TH_HOSTDEV double th_digamma(double x) {
  if (x == 0) return copysign(INFINITY, -x);
  if (x < 0) {
    if (x == trunc(x)) return NAN;
    double r = x - trunc(x); /* the fractional part */
    return th_digamma_positive(1 - x) - TH_SPECIAL_PI / tan(TH_SPECIAL_PI * r);
  }
  return th_digamma_positive(x);
}

static inline TH_HOSTDEV double th_trigamma(double x) {
  if (isnan(x)) return x;
  if (x == INFINITY) return 0;
  if (x == -INFINITY) return NAN;
  if (x <= 0 && x == floor(x)) return INFINITY;
  double sign = 1, result = 0;
  if (x < 0.5) { /* psi'(1 - x) + psi'(x) = pi^2 / sin^2(pi x) */
    sign = -1;
    double s = sin(TH_SPECIAL_PI * x);
    result = -(TH_SPECIAL_PI * TH_SPECIAL_PI) / (s * s);
    x = 1 - x;
  }
  for (; x < 10; x += 1) result += 1 / (x * x);
  /* 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1), k = 1 .. 6 (error below 1e-16 for x >= 10) */
  const double B[6] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730};
  double z = 1 / (x * x), poly = 0;
  for (int k = 5; k >= 0; k--) poly = poly * z + B[k];
  result += (1 + 1 / (2 * x) + z * poly) / x;
  return sign * result;
}

/* Hurwitz zeta(s, q) = sum_{k >= 0} (k + q)^-s for s > 1 (an integer here). */
static inline TH_HOSTDEV double th_hurwitz_zeta(double s, double q) {
  /* (2k)! / B_2k for k = 1 .. 12: the Euler-Maclaurin correction terms */
  const double A[12] = {12.0,
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

/* the n-th derivative of digamma, n >= 1 (tgamma for n!: it keeps no global state) */
static inline TH_HOSTDEV double th_polygamma(int64_t n, double x) {
  if (n == 1) return th_trigamma(x);
  double z = th_hurwitz_zeta((double)n + 1, x);
  return (n % 2 ? 1.0 : -1.0) * tgamma((double)n + 1) * z;
}

/* erfinv's first guess for |y| = ay, given w = -log(1 - ay^2): within ~1e-7 except in the far
 * tails of float64, so one Halley step (cubic convergence) reaches double precision. */
static inline TH_HOSTDEV double th_erfinv_guess(double ay, double w) {
  double p;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  return p * ay;
}

/* The Halley step for erfinv at z, given erf(z) (or erfc(z) when ay > 0.5) and exp(-z^2). */
static inline TH_HOSTDEV double th_erfinv_step(double ay, double z, double e, double ex) {
  double f = ay > 0.5 ? e - (1 - ay) : e - ay;
  double fp = (ay > 0.5 ? -TH_SPECIAL_TWO_OVER_SQRTPI : TH_SPECIAL_TWO_OVER_SQRTPI) * ex;
  double t = f / fp;
  return t / (1 + z * t);
}

static inline TH_HOSTDEV double th_erfinv(double y) {
  if (y != y || y < -1 || y > 1) return NAN;
  if (y == 1) return INFINITY;
  if (y == -1) return -INFINITY;
  if (y == 0) return y;
  double ay = fabs(y);
  double z = th_erfinv_guess(ay, -log((1 - ay) * (1 + ay)));
  for (int it = 0; it < 8; it++) {
    double ex = exp(-z * z);
    if (ex == 0) break;
    double step = th_erfinv_step(ay, z, ay > 0.5 ? erfc(z) : erf(z), ex);
    z -= step;
    if (fabs(step) <= 1e-6 * z) break;
  }
  return copysign(z, y);
}

#endif
