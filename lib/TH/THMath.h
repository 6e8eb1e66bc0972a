/* THMath.h: the tensor operations of lib/TH, as C users call them.
 *
 * Operands of elementwise ops are THArg: a tensor or a number.  Results follow PyTorch's
 * type promotion (numbers count as "wrapped numbers"; 0-dim tensors rank below dimensioned
 * ones) and broadcasting.  `out` may be NULL (a new tensor is returned) or a tensor to write
 * into (resized as PyTorch resizes `out=`; returned with an extra reference); for in-place
 * forms pass the first operand as out.  NULL is returned on error, with TH_lastError() set.
 */
#ifndef TH_MATH_H
#define TH_MATH_H

#include "THDispatch.h"

typedef struct {
  const THTensor *t; /* NULL: the operand is the number s */
  THScalar s;
} THArg;

static inline THArg THArg_tensor(const THTensor *t) {
  THArg a = {t, {TH_KIND_INT, 0, 0}};
  return a;
}
static inline THArg THArg_number(double v) {
  THArg a = {NULL, THScalar_fromDouble(v)};
  return a;
}

/* The dtype PyTorch's result_type gives for these operands. */
TH_API THDtype THMath_resultType(int n, const THArg *args);

/* Generic entry for POINTWISE ops of THOps.def: n operands, in-place when inplace is set
 * (then args[0] must be a tensor, and it is the result). */
TH_API THTensor *THMath_pointwise(THOp op, THTensor *out, bool inplace, int n,
                                  const THArg *args, const THOpParams *p);

/* Convenience wrappers. */
TH_API THTensor *THTensor_add(THTensor *out, THArg a, THArg b, double alpha);
TH_API THTensor *THTensor_sub(THTensor *out, THArg a, THArg b, double alpha);
TH_API THTensor *THTensor_mul(THTensor *out, THArg a, THArg b);
TH_API THTensor *THTensor_div(THTensor *out, THArg a, THArg b);
TH_API THTensor *THTensor_pow(THTensor *out, THArg a, THArg b);
TH_API THTensor *THTensor_neg(THTensor *out, THArg a);

/* t[...] = value for every element. */
TH_API int THTensor_fill(THTensor *t, double value);
TH_API int THTensor_zero(THTensor *t);

/* ---- creation ---- */
TH_API THTensor *THTensor_full(THDtype dtype, THDevice device, int ndim, const int64_t *sizes,
                               double value);
/* [start, end) with step; dtype as given. */
TH_API THTensor *THTensor_arange(double start, double end, double step, THDtype dtype,
                                 THDevice device);
TH_API THTensor *THTensor_linspace(double start, double end, int64_t steps, THDtype dtype,
                                   THDevice device);
TH_API THTensor *THTensor_logspace(double start, double end, int64_t steps, double base,
                                   THDtype dtype, THDevice device);
TH_API THTensor *THTensor_eye(int64_t n, int64_t m, THDtype dtype, THDevice device);

#endif
