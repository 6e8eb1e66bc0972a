/* THPointwise.h: elementwise math beyond + - * / ^ — the op functions of the rows of THOps.def
 * whose arguments need checking or parameters beyond plain operands (the other rows, such as
 * exp, sin, eq or bitwise_and, are called through THMath_pointwise directly).
 *
 * Conventions (as THMath.h): operands are THArg (a tensor or a number, where PyTorch allows
 * a number); `out` may be NULL (a new tensor is returned) or a tensor to write the result
 * into (resized like PyTorch's out=; returned with an extra reference); `inplace` writes into
 * the first operand, which must then be a tensor, and returns it with an extra reference.
 * NULL is returned on error, with TH_lastError() set and every argument unchanged.
 *
 * Kernel parameters (THOpParams) of these rows, for backends that implement them:
 *   logit       alpha.f = eps (< 0: no clamping)
 *   round       alpha.i = decimals
 *   nan_to_num  alpha.f = replacement for NaN, beta.f = for +inf, gamma.f = for -inf
 *   isclose     alpha.f = rtol, beta.f = atol, gamma.i = equal_nan (0 or 1)
 *   addcmul / addcdiv   alpha = value (.f, and .i truncated for integer dtypes)
 *   where       operand 1 is the condition.  When it is bool and x, y and the output share
 *               another dtype, the kernel registered for bool is called with alpha.i = that
 *               dtype's element size in bytes (a selection of bytes); otherwise all operands
 *               have one dtype (alpha.i = 1, the default, for bool).
 *   clamp, lerp, fmod, remainder, floor_divide, square: none
 */
#ifndef TH_POINTWISE_H
#define TH_POINTWISE_H

#include "THMath.h"

/* x * x; bool inputs give int64, as PyTorch's pow(x, 2). */
TH_API THTensor *THTensor_square(THTensor *out, bool inplace, THArg a);
/* log(x / (1 - x)) with x first clamped to [eps, 1 - eps] when eps >= 0. */
TH_API THTensor *THTensor_logit(THTensor *out, bool inplace, THArg a, double eps);
/* Round half to even at `decimals` decimal digits (negative: to tens, hundreds, ...);
 * integer inputs only with decimals = 0. */
TH_API THTensor *THTensor_round(THTensor *out, bool inplace, THArg a, int64_t decimals);
/* NaN -> nan, +inf -> *posinf, -inf -> *neginf; a NULL pointer means the dtype's largest
 * (smallest) finite value.  Integer inputs are copied unchanged. */
TH_API THTensor *THTensor_nanToNum(THTensor *out, bool inplace, THArg a, double nan,
                                   const double *posinf, const double *neginf);
TH_API THOpParams THPointwise_nanToNumParams(double nan, double posinf, double neginf);

/* C's fmod (sign of the dividend), Python's % (sign of the divisor), and division rounded
 * toward -inf.  Integer division by zero is an error ("ZeroDivisionError"). */
TH_API THTensor *THTensor_fmod(THTensor *out, bool inplace, THArg a, THArg b);
TH_API THTensor *THTensor_remainder(THTensor *out, bool inplace, THArg a, THArg b);
TH_API THTensor *THTensor_floorDivide(THTensor *out, bool inplace, THArg a, THArg b);

/* min(max(x, lo), hi); min or max may be NULL (not both).  A NaN in x or in a bound gives
 * NaN; lo > hi gives hi.  The bounds take part in type promotion. */
TH_API THTensor *THTensor_clamp(THTensor *out, bool inplace, THArg x, const THArg *min,
                                const THArg *max);
/* cond ? x : y elementwise; cond is a bool (or uint8) tensor; x and y are promoted together. */
TH_API THTensor *THTensor_where(THTensor *out, const THTensor *cond, THArg x, THArg y);
/* start + weight * (end - start); start, end (and a tensor weight) share one floating dtype. */
TH_API THTensor *THTensor_lerp(THTensor *out, bool inplace, THArg start, THArg end, THArg weight);
/* self + value * t1 * t2, and self + value * t1 / t2 (floating dtypes only). */
TH_API THTensor *THTensor_addcmul(THTensor *out, bool inplace, THArg self, THArg t1, THArg t2,
                                  double value);
TH_API THTensor *THTensor_addcdiv(THTensor *out, bool inplace, THArg self, THArg t1, THArg t2,
                                  double value);

/* |a - b| <= atol + rtol * |b| (or a == b, or both NaN when equal_nan), elementwise, as a bool
 * tensor; a and b must have one dtype. */
TH_API THTensor *THTensor_isclose(THTensor *out, const THTensor *a, const THTensor *b,
                                  double rtol, double atol, bool equal_nan);
/* Whether isclose holds everywhere (a and b broadcast). TH_OK / TH_ERROR; result in *res. */
TH_API int THTensor_allclose(const THTensor *a, const THTensor *b, double rtol, double atol,
                             bool equal_nan, bool *res);
/* Same shape and equal values (after promotion; NaN is never equal). */
TH_API int THTensor_equal(const THTensor *a, const THTensor *b, bool *res);

/* The CPU instruction set the vectorised math uses: "avx512", "avx2" or "default". */
TH_API const char *TH_cpuCapability(void);

#endif
