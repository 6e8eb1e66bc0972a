/* THPointwise.c: the device-independent half of the elementwise ops of THPointwise.h —
 * argument checks and parameters — before THMath_pointwise promotes, broadcasts, allocates
 * and calls the kernel through the dispatch table. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "THPointwise.h"
#include "autograd/THDerivPointwise.h"
#include "autograd/THNode.h"

/* ======================================================================= helpers */

static THTensor *run(THOp op, THTensor *out, bool inplace, int n, const THArg *args,
                     const THOpParams *p) {
  if (inplace && !args[0].t) {
    TH_setError("[%s_] the first operand of an in-place op must be a tensor", THOp_info(op)->name);
    return NULL;
  }
  return THMath_pointwise(op, inplace ? NULL : out, inplace, n, args, p);
}

static bool arg_is_integral(THArg a) {
  return a.t ? !THDtype_isFloating(a.t->dtype) : a.s.kind != TH_KIND_FLOAT;
}

/* *res = every element of the contiguous bool tensor t is true; a device tensor is read
 * through a copy on the CPU. */
static int all_true(const THTensor *t, bool *res) {
  THTensor *host = NULL;
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    host = THTensor_empty(TH_BOOL, TH_CPU, t->ndim, t->size);
    if (!host || THTensor_copy(host, t) != TH_OK) {
      THTensor_free(host);
      return TH_ERROR;
    }
    t = host;
  }
  const bool *v = (const bool *)THTensor_data(t);
  int64_t n = THTensor_numel(t);
  bool all = true;
  for (int64_t i = 0; i < n && all; i++) all = v[i];
  *res = all;
  THTensor_free(host);
  return TH_OK;
}

/* ======================================================================= unary */

THTensor *THTensor_square(THTensor *out, bool inplace, THArg a) {
  THArg args[1] = {a};
  if (!(a.t && a.t->dtype == TH_BOOL)) return run(TH_OP_square, out, inplace, 1, args, NULL);
  /* bool squares as int64, like PyTorch's pow(x, 2) */
  if (inplace) {
    TH_setError("[square_] result type int64 can't be cast to the desired output type bool");
    return NULL;
  }
  THTensor *l = THTensor_toDtype(a.t, TH_I64);
  if (!l) return NULL;
  args[0] = THArg_tensor(l);
  THTensor *r = run(TH_OP_square, out, false, 1, args, NULL);
  THTensor_free(l);
  return r;
}

THTensor *THTensor_logit(THTensor *out, bool inplace, THArg a, double eps) {
  THArg args[1] = {a};
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = (THScalar){TH_KIND_FLOAT, eps >= 0 ? eps : -1, 0};
  return run(TH_OP_logit, out, inplace, 1, args, &p);
}

THTensor *THTensor_round(THTensor *out, bool inplace, THArg a, int64_t decimals) {
  THArg args[1] = {a};
  if (decimals != 0 && !THDtype_isFloating(THMath_resultType(1, args))) {
    TH_setError("[round] decimals are only supported for floating point tensors, got %s",
                THDtype_name(THMath_resultType(1, args)));
    return NULL;
  }
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = (THScalar){TH_KIND_INT, (double)decimals, decimals};
  return run(TH_OP_round, out, inplace, 1, args, &p);
}

THOpParams THPointwise_nanToNumParams(double nan, double posinf, double neginf) {
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = (THScalar){TH_KIND_FLOAT, nan, 0};
  p.beta = (THScalar){TH_KIND_FLOAT, posinf, 0};
  p.gamma = (THScalar){TH_KIND_FLOAT, neginf, 0};
  return p;
}

THTensor *THTensor_nanToNum(THTensor *out, bool inplace, THArg a, double nan, const double *posinf,
                            const double *neginf) {
  THArg args[1] = {a};
  double big;
  switch (THMath_resultType(1, args)) {
  case TH_F16: big = 65504.0; break;
  case TH_BF16: big = 3.3895313892515355e38; break;
  case TH_F32: big = FLT_MAX; break;
  default: big = DBL_MAX; break;
  }
  THOpParams p = THPointwise_nanToNumParams(nan, posinf ? *posinf : big, neginf ? *neginf : -big);
  return run(TH_OP_nan_to_num, out, inplace, 1, args, &p);
}

/* ======================================================================= division */

/* Integer division by zero is an error, found before any kernel runs.  A divisor tensor on
 * a GPU is not searched for zeros (that would wait for the device at every call): as in
 * PyTorch, its zero elements give no error there, and THC's kernels write 0 for them, the
 * CPU kernels' value.  A number divisor of 0 is an error on every device. */
static int check_divisor(THOp op, THArg a, THArg b) {
  THArg args[2] = {a, b};
  if (THDtype_isFloating(THMath_resultType(2, args))) return TH_OK;
  bool zero;
  if (!b.t) {
    zero = b.s.kind == TH_KIND_FLOAT ? b.s.f == 0 : b.s.i == 0;
  } else if (THTensor_device(b.t).type != TH_DEVICE_CPU) {
    zero = false;
  } else {
    THArg e[2] = {b, THArg_number(0)};
    THTensor *nz = THMath_pointwise(TH_OP_ne, NULL, false, 2, e, NULL);
    if (!nz) return TH_ERROR;
    bool all_nonzero;
    int rc = all_true(nz, &all_nonzero);
    THTensor_free(nz);
    if (rc != TH_OK) return rc;
    zero = !all_nonzero;
  }
  if (zero)
    return TH_setError("[%s] ZeroDivisionError: integer division by zero", THOp_info(op)->name);
  return TH_OK;
}

static THTensor *division(THOp op, THTensor *out, bool inplace, THArg a, THArg b) {
  if (check_divisor(op, a, b) != TH_OK) return NULL;
  THArg args[2] = {a, b};
  return run(op, out, inplace, 2, args, NULL);
}

THTensor *THTensor_fmod(THTensor *out, bool inplace, THArg a, THArg b) {
  return division(TH_OP_fmod, out, inplace, a, b);
}
THTensor *THTensor_remainder(THTensor *out, bool inplace, THArg a, THArg b) {
  return division(TH_OP_remainder, out, inplace, a, b);
}
THTensor *THTensor_floorDivide(THTensor *out, bool inplace, THArg a, THArg b) {
  return division(TH_OP_floor_divide, out, inplace, a, b);
}

/* ======================================================================= three operands */

THTensor *THTensor_clamp(THTensor *out, bool inplace, THArg x, const THArg *min, const THArg *max) {
  if (min && max) {
    THArg args[3] = {x, *min, *max};
    return run(TH_OP_clamp, out, inplace, 3, args, NULL);
  }
  if (!min && !max) {
    TH_setError("[clamp] at least one of 'min' or 'max' must be given");
    return NULL;
  }
  THArg args[2] = {x, min ? *min : *max};
  THOp op = min ? TH_OP_clamp_min : TH_OP_clamp_max;
  bool rec = THAutograd_wantedArgs(2, args);
  THTensor *r = run(op, out, inplace, 2, args, NULL);
  /* PyTorch records clamp with one bound as clamp, not clamp_min/clamp_max */
  if (r && rec) THAutograd_renamePointwiseNode(r, op, args[1].t ? "ClampBackward0" : "ClampBackward1");
  return r;
}

THTensor *THTensor_where(THTensor *out, const THTensor *cond, THArg x, THArg y) {
  if (cond->dtype != TH_BOOL && cond->dtype != TH_U8) {
    TH_setError("[where] expected condition to be a boolean tensor, but got a tensor with dtype %s",
                THDtype_name(cond->dtype));
    return NULL;
  }
  /* The common case — a bool condition, x and y tensors of one dtype, and no out= or a
   * contiguous out= of that dtype and shape that shares no memory with them — runs without
   * converting the condition: the kernel registered for bool then selects elements of
   * alpha.i bytes (THPointwise.h). */
  if (cond->dtype == TH_BOOL && x.t && y.t && x.t->dtype == y.t->dtype &&
      !THAutograd_wanted(2, (const THTensor *[]){x.t, y.t}) && /* recorded: the general path */
      THDevice_equal(THTensor_device(cond), THTensor_device(x.t)) &&
      THDevice_equal(THTensor_device(cond), THTensor_device(y.t))) {
    int ndim = 0;
    int64_t shape[TH_MAX_DIMS];
    const THTensor *ins[3] = {cond, x.t, y.t};
    for (int i = 0; i < 3; i++)
      if (THTensor_broadcastShape("where", ndim, shape, ins[i]->ndim, ins[i]->size, &ndim, shape) !=
          TH_OK)
        return NULL;
    THDevice dev = THTensor_device(cond);
    bool direct = !out;
    if (out) {
      direct = out->dtype == x.t->dtype && out->ndim == ndim && THTensor_isContiguous(out) &&
               THDevice_equal(THTensor_device(out), dev) &&
               memcmp(out->size, shape, (size_t)ndim * sizeof(int64_t)) == 0;
      for (int i = 0; i < 3 && direct; i++) direct = out->storage != ins[i]->storage;
    }
    if (direct) {
      THTensor *r = out ? out : THTensor_empty(x.t->dtype, dev, ndim, shape);
      if (!r) return NULL;
      if (out) THTensor_retain(out);
      if (THTensor_numel(r) > 0) {
        THKernel k;
        THTensor *ops[4] = {r, (THTensor *)cond, (THTensor *)x.t, (THTensor *)y.t};
        THIter it;
        THOpParams p = TH_OPPARAMS_DEFAULT;
        p.alpha.i = (int64_t)THDtype_size(x.t->dtype);
        if (THDispatch_get(TH_OP_where, dev, &k) != TH_OK) {
          THTensor_free(r);
          return NULL;
        }
        THIter_init(&it, 4, ops);
        if (k.pointwise(TH_OP_where, &it, &p) != TH_OK) {
          THTensor_free(r);
          return NULL;
        }
      }
      if (out) THTensor_bumpVersion(out);
      return r;
    }
  }
  THTensor *c = NULL;
  if (cond->dtype == TH_U8) { /* PyTorch's deprecated uint8 condition: nonzero is true */
    THArg e[2] = {THArg_tensor(cond), THArg_number(0)};
    if (!(c = THMath_pointwise(TH_OP_ne, NULL, false, 2, e, NULL))) return NULL;
  }
  THArg args[3] = {THArg_tensor(c ? c : cond), x, y};
  THTensor *r = THMath_pointwise(TH_OP_where, out, false, 3, args, NULL);
  THTensor_free(c);
  return r;
}

THTensor *THTensor_lerp(THTensor *out, bool inplace, THArg start, THArg end, THArg weight) {
  if (!start.t || !end.t) {
    TH_setError("[lerp] start and end must be tensors");
    return NULL;
  }
  THDtype dt = start.t->dtype;
  if (!THDtype_isFloating(dt)) {
    TH_setError("[lerp] not implemented for dtype %s", THDtype_name(dt));
    return NULL;
  }
  if (end.t->dtype != dt || (weight.t && weight.t->dtype != dt)) {
    TH_setError("[lerp] expected dtype %s for `%s` but got dtype %s", THDtype_name(dt),
                end.t->dtype != dt ? "end" : "weight",
                THDtype_name(end.t->dtype != dt ? end.t->dtype : weight.t->dtype));
    return NULL;
  }
  THArg args[3] = {start, end, weight};
  return run(TH_OP_lerp, out, inplace, 3, args, NULL);
}

static THOpParams value_params(double value) {
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = THScalar_fromDouble(value);
  if (p.alpha.kind != TH_KIND_INT) p.alpha.i = (int64_t)value;
  return p;
}

THTensor *THTensor_addcmul(THTensor *out, bool inplace, THArg self, THArg t1, THArg t2,
                           double value) {
  THArg args[3] = {self, t1, t2};
  THOpParams p = value_params(value);
  return run(TH_OP_addcmul, out, inplace, 3, args, &p);
}

THTensor *THTensor_addcdiv(THTensor *out, bool inplace, THArg self, THArg t1, THArg t2,
                           double value) {
  if (arg_is_integral(t1) && arg_is_integral(t2)) {
    TH_setError("[addcdiv] integer division with addcdiv is not supported: use "
                "(input + value * torch.trunc(tensor1 / tensor2)):to(input.dtype) for the old "
                "integer behaviour, or float tensors");
    return NULL;
  }
  THArg args[3] = {self, t1, t2};
  THOpParams p = value_params(value);
  return run(TH_OP_addcdiv, out, inplace, 3, args, &p);
}

/* ======================================================================= closeness */

THTensor *THTensor_isclose(THTensor *out, const THTensor *a, const THTensor *b, double rtol,
                           double atol, bool equal_nan) {
  if (a->dtype != b->dtype) {
    TH_setError("[isclose] expected both tensors to have the same dtype, but got %s and %s",
                THDtype_name(a->dtype), THDtype_name(b->dtype));
    return NULL;
  }
  if (!(rtol >= 0)) {
    TH_setError("[isclose] rtol must be greater than or equal to zero, but got %g", rtol);
    return NULL;
  }
  if (!(atol >= 0)) {
    TH_setError("[isclose] atol must be greater than or equal to zero, but got %g", atol);
    return NULL;
  }
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = (THScalar){TH_KIND_FLOAT, rtol, 0};
  p.gamma = (THScalar){TH_KIND_INT, equal_nan ? 1 : 0, equal_nan ? 1 : 0};
  p.beta = (THScalar){TH_KIND_FLOAT, atol, 0};
  THArg args[2] = {THArg_tensor(a), THArg_tensor(b)};
  return THMath_pointwise(TH_OP_isclose, out, false, 2, args, &p);
}

int THTensor_allclose(const THTensor *a, const THTensor *b, double rtol, double atol,
                      bool equal_nan, bool *res) {
  THTensor *c = THTensor_isclose(NULL, a, b, rtol, atol, equal_nan);
  if (!c) return TH_ERROR;
  int rc = all_true(c, res);
  THTensor_free(c);
  return rc;
}

int THTensor_equal(const THTensor *a, const THTensor *b, bool *res) {
  if (!THDevice_equal(THTensor_device(a), THTensor_device(b)))
    return TH_setError("[equal] expected both tensors to be on the same device");
  if (!THTensor_sameShape(a, b)) {
    *res = false;
    return TH_OK;
  }
  THArg args[2] = {THArg_tensor(a), THArg_tensor(b)};
  THTensor *e = THMath_pointwise(TH_OP_eq, NULL, false, 2, args, NULL);
  if (!e) return TH_ERROR;
  int rc = all_true(e, res);
  THTensor_free(e);
  return rc;
}
