/* THMath.c: the device-independent half of every op: argument checks, PyTorch's type
 * promotion, broadcasting, allocating or resizing the output, then one call through the
 * dispatch table.  Kernels never see a bad argument. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "THMath.h"
#include "autograd/THNode.h"
#include "autograd/THDerivPointwise.h"

/* ======================================================================= promotion */

static THDtype promote_defined(int a, THDtype b) { return a < 0 ? b : THDtype_promote((THDtype)a, b); }

/* PyTorch's combine_categories: the higher-priority operand group wins unless a lower one
 * brings a higher category (bool < integer < floating). */
static int combine(int higher, int lower) {
  if (higher >= 0 && THDtype_isFloating((THDtype)higher)) return higher;
  if (higher == TH_BOOL || (lower >= 0 && THDtype_isFloating((THDtype)lower)))
    return lower < 0 ? higher : (higher < 0 ? lower : (int)THDtype_promote((THDtype)higher, (THDtype)lower));
  return higher >= 0 ? higher : lower;
}

THDtype THMath_resultType(int n, const THArg *args) {
  int dim = -1, zero = -1, wrapped = -1;
  for (int i = 0; i < n; i++) {
    if (args[i].t) {
      if (args[i].t->ndim > 0) dim = promote_defined(dim, args[i].t->dtype);
      else zero = promote_defined(zero, args[i].t->dtype);
    } else {
      THDtype d = args[i].s.kind == TH_KIND_FLOAT ? THDtype_getDefault()
                : args[i].s.kind == TH_KIND_BOOL ? TH_BOOL : TH_I64;
      wrapped = promote_defined(wrapped, d);
    }
  }
  int r = combine(dim, combine(zero, wrapped));
  return r < 0 ? THDtype_getDefault() : (THDtype)r;
}

/* PyTorch's canCast: no float -> integer, no non-bool -> bool. */
static bool can_cast(THDtype from, THDtype to) {
  THDtypeKind a = THDtype_kind(from), b = THDtype_kind(to);
  return !(a == TH_KIND_FLOAT && b != TH_KIND_FLOAT) && !(a != TH_KIND_BOOL && b == TH_KIND_BOOL);
}

/* ======================================================================= helpers */

/* A 0-dim tensor on the stack holding a number in dtype (no allocation). */
typedef struct {
  THTensor t;
  THStorage s;
  union { double f64; int64_t i64; unsigned char bytes[16]; } value;
} StackScalar;

static void stack_scalar(StackScalar *ss, THScalar v, THDtype dtype) {
  memset(&ss->s, 0, sizeof ss->s);
  ss->s.data = ss->value.bytes;
  ss->s.nbytes = sizeof ss->value;
  ss->s.device = TH_CPU;
  atomic_init(&ss->s.refcount, 1);
  ss->t.storage = &ss->s;
  ss->t.offset = 0;
  ss->t.ndim = 0;
  ss->t.dtype = dtype;
  void *p = ss->value.bytes;
  switch (dtype) {
  case TH_F32: *(float *)p = (float)v.f; break;
  case TH_F64: *(double *)p = v.f; break;
  case TH_F16: *(th_half *)p = th_float2half((float)v.f); break;
  case TH_BF16: *(th_bfloat16 *)p = th_float2bfloat16((float)v.f); break;
  case TH_I8: *(int8_t *)p = (int8_t)v.i; break;
  case TH_I16: *(int16_t *)p = (int16_t)v.i; break;
  case TH_I32: *(int32_t *)p = (int32_t)v.i; break;
  case TH_I64: *(int64_t *)p = v.i; break;
  case TH_U8: *(uint8_t *)p = (uint8_t)v.i; break;
  case TH_BOOL: *(bool *)p = v.kind == TH_KIND_FLOAT ? v.f != 0 : v.i != 0; break;
  default: break;
  }
}

static bool has_internal_overlap(const THTensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1) return true;
  return false;
}

static bool same_layout(const THTensor *a, const THTensor *b) {
  if (a->storage != b->storage || a->offset != b->offset || a->dtype != b->dtype ||
      !THTensor_sameShape(a, b))
    return false;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] > 1 && a->stride[d] != b->stride[d]) return false;
  return true;
}

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* Checks out= / in-place targets and resizes out= to the result shape. */
static int prepare_out(const char *op, THTensor *out, bool inplace, int ndim, const int64_t *shape,
                       THDtype result) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  bool same = out->ndim == ndim && memcmp(out->size, shape, (size_t)ndim * sizeof(int64_t)) == 0;
  if (!same && inplace)
    return TH_setError("[%s] output with shape %s doesn't match the broadcast shape %s", op,
                       TH_formatShape(a, out->ndim, out->size), TH_formatShape(b, ndim, shape));
  if (!can_cast(result, out->dtype))
    return TH_setError("[%s] result type %s can't be cast to the desired output type %s", op,
                       THDtype_name(result), THDtype_name(out->dtype));
  if (same && has_internal_overlap(out))
    return TH_setError("[%s] unsupported operation: more than one element of the written-to "
                       "tensor refers to a single memory location; clone() the tensor first", op);
  /* resizing comes last, so that a failed call leaves out= as it was */
  if (!same && THTensor_resize(out, ndim, shape) != TH_OK) return TH_ERROR;
  return TH_OK;
}

/* ======================================================================= pointwise */

/* A 0-dim CPU tensor may take part in an op on another device, as a number does (PyTorch's
 * rule); not as the target of an in-place op. */
static bool cpu_scalar(const THTensor *t) {
  return t->ndim == 0 && THTensor_device(t).type == TH_DEVICE_CPU;
}

static int check_pointwise(THOp op, int n, const THArg *args, bool inplace, THDtype compute,
                           THDevice *dev) {
  const char *name = THOp_info(op)->name;
  char b1[32], b2[32];
  bool have = false; /* *dev starts as the CPU: the device when all tensors are such numbers */
  for (int i = 0; i < n; i++) {
    if (!args[i].t || ((i > 0 || !inplace) && cpu_scalar(args[i].t))) continue;
    THDevice d = THTensor_device(args[i].t);
    if (have && !THDevice_equal(d, *dev))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                         "two devices, %s and %s", name, device_name(*dev, b1), device_name(d, b2));
    *dev = d;
    have = true;
  }
  if (op == TH_OP_sub) {
    int nbool = 0;
    for (int i = 0; i < n; i++)
      nbool += args[i].t ? args[i].t->dtype == TH_BOOL : args[i].s.kind == TH_KIND_BOOL;
    if (nbool == 2)
      return TH_setError("[sub] subtraction, the `-` operator, with two bool tensors is not "
                         "supported; use logical_xor() instead");
    if (nbool == 1)
      return TH_setError("[sub] subtraction, the `-` operator, with a bool tensor is not "
                         "supported; to invert a mask, use logical_not() instead");
  }
  if (op == TH_OP_neg && compute == TH_BOOL)
    return TH_setError("[neg] negation, the `-` operator, on a bool tensor is not supported; "
                       "use logical_not() instead");
  if (op == TH_OP_pow && THDtype_kind(compute) != TH_KIND_FLOAT && n == 2 && !args[1].t &&
      args[1].s.kind == TH_KIND_INT && args[1].s.i < 0)
    return TH_setError("[pow] integers to negative integer powers are not allowed");
  return TH_OK;
}

/* The common case, taken before any general machinery: CPU operands that are contiguous,
 * of one shape and already in the compute dtype (numbers may stand for any of them), with no
 * out= and no odd overlap.  It runs the kernel over one flat 1-D iteration.  Returns NULL
 * (and sets no error) when the case does not apply. */
static THTensor *pointwise_fast(THOp op, THTensor *out, bool inplace, int n, const THArg *args,
                                const THOpParams *params, THDtype compute, THDtype result) {
  const THTensor *ref = NULL;
  if (out && !inplace) return NULL;
  for (int i = 0; i < n; i++) {
    const THTensor *t = args[i].t;
    if (!t) continue;
    if (t->dtype != compute || t->storage->device.type != TH_DEVICE_CPU || !THTensor_isContiguous(t))
      return NULL;
    if (!ref) ref = t;
    else if (!THTensor_sameShape(t, ref) || (t->storage == ref->storage && !same_layout(t, ref)))
      return NULL;
  }
  if (!ref || (inplace && args[0].t != ref) || (inplace && result != compute)) return NULL;
  StackScalar scalars[TH_ITER_MAX_OPERANDS];
  THIter it;
  THTensor *target = inplace ? (THTensor *)ref : THTensor_empty(result, TH_CPU, ref->ndim, ref->size);
  if (!target) return NULL;
  int64_t es = (int64_t)THDtype_size(compute);
  it.noperands = n + 1;
  it.ndim = 1;
  it.numel = it.shape[0] = THTensor_numel(ref);
  it.device = TH_CPU;
  it.non_blocking = false;
  for (int i = 0; i <= n; i++) it.devices[i] = TH_CPU;
  it.data[0] = THTensor_data(target);
  it.strides[0][0] = (int64_t)THDtype_size(result);
  it.dtypes[0] = result;
  for (int i = 0; i < n; i++) {
    if (args[i].t) {
      it.data[i + 1] = THTensor_data(args[i].t);
      it.strides[i + 1][0] = es;
    } else {
      stack_scalar(&scalars[i], args[i].s, compute);
      it.data[i + 1] = (char *)scalars[i].value.bytes;
      it.strides[i + 1][0] = 0;
    }
    it.dtypes[i + 1] = compute;
  }
  THKernel k;
  THOpParams p = params ? *params : TH_OPPARAMS_DEFAULT;
  if (it.numel > 0 && (THDispatch_get(op, TH_CPU, &k) != TH_OK || k.pointwise(op, &it, &p) != TH_OK)) {
    if (!inplace) THTensor_free(target);
    return NULL;
  }
  if (inplace) {
    THTensor_bumpVersion(target);
    THTensor_retain(target);
  }
  return target;
}

/* The result dtype without the general rules when all tensors share a dtype that every
 * number fits (the usual case); -1 otherwise. */
static int quick_result_type(int n, const THArg *args) {
  int dt = -1;
  for (int i = 0; i < n; i++)
    if (args[i].t) {
      if (dt >= 0 && dt != (int)args[i].t->dtype) return -1;
      dt = args[i].t->dtype;
    }
  if (dt < 0) return -1;
  THDtypeKind kind = THDtype_kind((THDtype)dt);
  for (int i = 0; i < n; i++)
    if (!args[i].t && (args[i].s.kind > kind || (kind == TH_KIND_BOOL && args[i].s.kind != TH_KIND_BOOL)))
      return -1;
  return dt;
}

static THTensor *pointwise_run(THOp op, THTensor *out, bool inplace, int n, const THArg *args,
                               const THOpParams *params) {
  const THOpInfo *info = THOp_info(op);
  int quick = quick_result_type(n, args);
  THDtype result = quick >= 0 ? (THDtype)quick : THMath_resultType(n, args);
  if ((info->flags & TH_OPF_FLOATRESULT) && !THDtype_isFloating(result))
    result = THDtype_getDefault();
  THDtype compute = result;
  if (info->flags & TH_OPF_BOOLRESULT) result = TH_BOOL;
  THDevice dev = TH_CPU;
  if (check_pointwise(op, n, args, inplace, compute, &dev) != TH_OK) return NULL;
  if (!out || inplace) {
    THTensor *r = pointwise_fast(op, out, inplace, n, args, params, compute, result);
    if (r) return r;
  }
  if (inplace) out = (THTensor *)args[0].t;

  /* result shape */
  int ndim = 0;
  int64_t shape[TH_MAX_DIMS];
  for (int i = 0; i < n; i++)
    if (args[i].t && THTensor_broadcastShape(info->name, ndim, shape, args[i].t->ndim,
                                             args[i].t->size, &ndim, shape) != TH_OK)
      return NULL;

  /* operands in the compute dtype: numbers on the stack, other dtypes converted */
  StackScalar scalars[TH_ITER_MAX_OPERANDS];
  THTensor *ops[TH_ITER_MAX_OPERANDS] = {0}, *owned[TH_ITER_MAX_OPERANDS] = {0};
  THTensor *result_t = NULL, *target = NULL;
  for (int i = 0; i < n; i++) {
    if (!args[i].t) {
      stack_scalar(&scalars[i], args[i].s, compute);
      ops[i + 1] = &scalars[i].t;
    } else if (args[i].t->dtype != compute) {
      if (!(owned[i] = THTensor_toDtype(args[i].t, compute))) goto fail;
      ops[i + 1] = owned[i];
    } else {
      ops[i + 1] = (THTensor *)args[i].t;
    }
  }

  if (out) {
    if (prepare_out(info->name, out, inplace, ndim, shape, result) != TH_OK) goto fail;
    /* compute straight into out unless its dtype differs or an input overlaps it oddly */
    bool direct = out->dtype == result && THDevice_equal(THTensor_device(out), dev);
    for (int i = 1; i <= n && direct; i++)
      if (ops[i]->storage == out->storage && !same_layout(ops[i], out)) direct = false;
    if (direct) {
      target = out;
      THTensor_retain(target);
    }
  }
  if (!target && !(target = THTensor_empty(result, dev, ndim, shape))) goto fail;
  ops[0] = target;

  THKernel k;
  if (THTensor_numel(target) > 0) {
    if (THDispatch_get(op, dev, &k) != TH_OK) goto fail;
    THIter it;
    THIter_init(&it, n + 1, ops);
    THOpParams p = params ? *params : TH_OPPARAMS_DEFAULT;
    if (k.pointwise(op, &it, &p) != TH_OK) goto fail;
  }
  if (out && target != out) {
    if (THTensor_copy(out, target) != TH_OK) goto fail;
    THTensor_free(target);
    THTensor_retain(out);
    target = out;
  } else if (out) {
    THTensor_bumpVersion(out);
  }
  result_t = target;
  target = NULL;
fail:
  THTensor_free(target);
  for (int i = 0; i < n; i++) THTensor_free(owned[i]);
  return result_t;
}

/* The recorded entry: checks autograd's rules for in-place and out= before writing, then
 * gives the result its node (formulas in autograd/THDerivPointwise.c). */
THTensor *THMath_pointwise(THOp op, THTensor *out, bool inplace, int n, const THArg *args,
                           const THOpParams *params) {
  if (TH_LIKELY(!THAutograd_wantedArgs(n, args))) return pointwise_run(op, out, inplace, n, args, params);
  const char *name = THOp_info(op)->name;
  if (inplace && THAutograd_checkInplace(name, args[0].t) != TH_OK) return NULL;
  if (out && !inplace && THAutograd_checkOut(name, out) != TH_OK) return NULL;
  THTensor *orig = NULL; /* the first operand before an in-place write, when the formula reads it */
  if (inplace && THAutograd_pointwiseOriginal(op, args, &orig) != TH_OK) return NULL;
  THTensor *r = pointwise_run(op, out, inplace, n, args, params);
  if (r && THAutograd_recordPointwiseCall(op, n, args, r, inplace, params, orig) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(orig);
  return r;
}

static THOpParams alpha_params(double alpha) {
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = THScalar_fromDouble(alpha);
  if (p.alpha.kind != TH_KIND_INT) p.alpha.i = (int64_t)alpha;
  return p;
}

static THTensor *alpha_op(THOp op, THTensor *out, THArg a, THArg b, double alpha) {
  THArg args[2] = {a, b};
  THOpParams p = alpha_params(alpha);
  if (p.alpha.kind == TH_KIND_FLOAT) {
    THDtype r = THMath_resultType(2, args);
    if (!THDtype_isFloating(r)) {
      TH_setError("[%s] for integral input tensors, argument alpha must not be a floating point "
                  "number", THOp_info(op)->name);
      return NULL;
    }
  }
  return THMath_pointwise(op, out, false, 2, args, &p);
}

THTensor *THTensor_add(THTensor *out, THArg a, THArg b, double alpha) {
  return alpha_op(TH_OP_add, out, a, b, alpha);
}
THTensor *THTensor_sub(THTensor *out, THArg a, THArg b, double alpha) {
  return alpha_op(TH_OP_sub, out, a, b, alpha);
}

static THTensor *plain_op(THOp op, THTensor *out, int n, THArg a, THArg b) {
  THArg args[2] = {a, b};
  return THMath_pointwise(op, out, false, n, args, NULL);
}
THTensor *THTensor_mul(THTensor *out, THArg a, THArg b) { return plain_op(TH_OP_mul, out, 2, a, b); }
THTensor *THTensor_div(THTensor *out, THArg a, THArg b) { return plain_op(TH_OP_div, out, 2, a, b); }
THTensor *THTensor_pow(THTensor *out, THArg a, THArg b) { return plain_op(TH_OP_pow, out, 2, a, b); }
THTensor *THTensor_neg(THTensor *out, THArg a) { return plain_op(TH_OP_neg, out, 1, a, a); }

/* ======================================================================= fill, copy */

/* PyTorch refuses values a dtype can't hold ("value cannot be converted ... without overflow"). */
static int check_fits(const char *op, THDtype dtype, double v) {
  double lo, hi;
  switch (dtype) {
  case TH_I8: lo = -128, hi = 127; break;
  case TH_I16: lo = -32768, hi = 32767; break;
  case TH_I32: lo = -2147483648.0, hi = 2147483647.0; break;
  case TH_I64: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
  case TH_U8: lo = 0, hi = 255; break;
  case TH_F16: lo = -65504, hi = 65504; break;
  case TH_F32: case TH_BF16: lo = -3.4028234663852886e38, hi = 3.4028234663852886e38; break;
  default: return TH_OK;
  }
  if (THDtype_isFloating(dtype) && !isfinite(v)) return TH_OK; /* inf and nan are floats */
  /* for integers nan fails every comparison, so test the in-range case; int64's upper bound
   * is 2^63 as a double, itself out of range */
  if (!(v >= lo && v <= hi) || (dtype == TH_I64 && v >= 9223372036854775808.0))
    return TH_setError("[%s] value %g cannot be converted to type %s without overflow", op, v,
                       THDtype_name(dtype));
  return TH_OK;
}

int THTensor_fill(THTensor *t, double value) {
  THKernel k;
  if (check_fits("fill_", t->dtype, value) != TH_OK) return TH_ERROR;
  if (THDispatch_get(TH_OP_fill, THTensor_device(t), &k) != TH_OK) return TH_ERROR;
  THScalar s = THScalar_fromDouble(value);
  if (s.kind != TH_KIND_INT) s.i = (int64_t)value;
  if (THTensor_numel(t) > 0 && k.fill(t, s) != TH_OK) return TH_ERROR;
  THTensor_bumpVersion(t);
  return TH_OK;
}

int THTensor_zero(THTensor *t) { return THTensor_fill(t, 0); }

int THTensor_copy(THTensor *dst, const THTensor *src) { return THTensor_copyAsync(dst, src, false); }

/* A copy between devices whose layouts or dtypes differ: converted and made contiguous on the
 * source's device, moved as one block, then scattered into dst's layout on its own device.
 * Devices then only ever move contiguous blocks of one dtype between each other. */
static int copy_staged(THTensor *dst, const THTensor *src, bool non_blocking) {
  THTensor *packed = THTensor_toDtype(src, dst->dtype), *landed = NULL;
  if (!packed) return TH_ERROR;
  int rc;
  if (THTensor_isContiguous(dst)) {
    rc = THTensor_copyAsync(dst, packed, non_blocking);
  } else if ((landed = THTensor_empty(dst->dtype, THTensor_device(dst), dst->ndim, dst->size))) {
    rc = THTensor_copyAsync(landed, packed, false);
    if (rc == TH_OK) rc = THTensor_copy(dst, landed);
  } else {
    rc = TH_ERROR;
  }
  THTensor_free(packed);
  THTensor_free(landed);
  return rc;
}

int THTensor_copyAsync(THTensor *dst, const THTensor *src, bool non_blocking) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  THTensor *ex = THTensor_expand(src, dst->ndim, dst->size);
  if (!ex) {
    TH_setError("[copy_] source of shape %s cannot be broadcast to destination shape %s",
                TH_formatShape(a, src->ndim, src->size), TH_formatShape(b, dst->ndim, dst->size));
    return TH_ERROR;
  }
  if (has_internal_overlap(dst) && THTensor_numel(dst) > 1) {
    THTensor_free(ex);
    return TH_setError("[copy_] unsupported operation: more than one element of the written-to "
                       "tensor refers to a single memory location; clone() the tensor first");
  }
  /* overlapping source and destination: go through a temporary */
  THTensor *tmp = NULL;
  if (ex->storage == dst->storage && !same_layout(ex, dst)) {
    tmp = THTensor_clone(ex);
    THTensor_free(ex);
    if (!tmp) return TH_ERROR;
    ex = tmp;
  }
  int rc = TH_OK;
  THDevice dd = THTensor_device(dst), sd = THTensor_device(ex);
  if (THTensor_numel(dst) > 0 && !THDevice_equal(dd, sd) &&
      (ex->dtype != dst->dtype || !THTensor_isContiguous(ex) || !THTensor_isContiguous(dst))) {
    rc = copy_staged(dst, ex, non_blocking);
  } else if (THTensor_numel(dst) > 0 && !same_layout(ex, dst)) {
    THKernel k;
    /* cross-device copies are handled by the non-CPU side's kernel */
    THDevice kd = dd.type != TH_DEVICE_CPU ? dd : sd;
    rc = THDispatch_get(TH_OP_copy, kd, &k);
    if (rc == TH_OK) {
      THTensor *ops[2] = {dst, ex};
      THIter it;
      THIter_init(&it, 2, ops);
      it.non_blocking = non_blocking;
      rc = k.cast(&it);
    }
  }
  THTensor_free(ex);
  if (rc == TH_OK) THTensor_bumpVersion(dst);
  return rc;
}

THTensor *THTensor_toDtype(const THTensor *src, THDtype dtype) {
  if (src->dtype == dtype && THTensor_isContiguous(src)) {
    THTensor_retain((THTensor *)src);
    return (THTensor *)src;
  }
  THTensor *t = THTensor_empty(dtype, THTensor_device(src), src->ndim, src->size);
  if (t && THTensor_copy(t, src) != TH_OK) {
    THTensor_free(t);
    return NULL;
  }
  return t;
}

THTensor *THTensor_pinMemory(const THTensor *t) {
  if (THTensor_device(t).type != TH_DEVICE_CPU) {
    TH_setError("[pin_memory] only CPU tensors can be pinned; this one is on cuda:%d",
                THTensor_device(t).index);
    return NULL;
  }
  if (THStorage_isPinned(t->storage)) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  size_t nbytes = (size_t)THTensor_numel(t) * THDtype_size(t->dtype);
  THStorage *s = THStorage_newPinned(nbytes);
  if (!s) return NULL;
  int64_t strides[TH_MAX_DIMS];
  THTensor_contiguousStrides(t->ndim, t->size, strides);
  THTensor *p = THTensor_newView(s, t->dtype, 0, t->ndim, t->size, strides);
  THStorage_release(s);
  if (p && THTensor_copy(p, t) != TH_OK) {
    THTensor_free(p);
    return NULL;
  }
  return p;
}

THTensor *THTensor_clone(const THTensor *t) {
  THTensor *c = THTensor_empty(t->dtype, THTensor_device(t), t->ndim, t->size);
  if (c && THTensor_copy(c, t) != TH_OK) {
    THTensor_free(c);
    return NULL;
  }
  return c;
}

THTensor *THTensor_contiguous(const THTensor *t) {
  if (THTensor_isContiguous(t)) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  return THTensor_clone(t);
}

/* ======================================================================= creation */

THTensor *THTensor_full(THDtype dtype, THDevice device, int ndim, const int64_t *sizes,
                        double value) {
  THTensor *t = THTensor_empty(dtype, device, ndim, sizes);
  if (t && THTensor_fill(t, value) != TH_OK) {
    THTensor_free(t);
    return NULL;
  }
  return t;
}

static THTensor *range_tensor(const char *op, int64_t n, double start, double step,
                              double base, int mode, THDtype dtype, THDevice device) {
  THTensor *t = THTensor_empty(dtype, device, 1, &n);
  if (!t) return NULL;
  THKernel k;
  if (n > 0 && (THDispatch_get(TH_OP_range, device, &k) != TH_OK ||
                k.range(t, start, step, base, mode) != TH_OK)) {
    THTensor_free(t);
    return NULL;
  }
  (void)op;
  return t;
}

THTensor *THTensor_arange(double start, double end, double step, THDtype dtype, THDevice device) {
  if (step == 0) {
    TH_setError("[arange] step must be nonzero");
    return NULL;
  }
  if (!isfinite(start) || !isfinite(end)) {
    TH_setError("[arange] unsupported range: %g -> %g", start, end);
    return NULL;
  }
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    TH_setError("[arange] upper bound and larger bound inconsistent with step sign "
                "(start %g, end %g, step %g)", start, end, step);
    return NULL;
  }
  double n = ceil((end - start) / step);
  if (n > 9e15) {
    TH_setError("[arange] too many elements (%g)", n);
    return NULL;
  }
  return range_tensor("arange", (int64_t)n, start, step, 0, 0, dtype, device);
}

static THTensor *spaced(const char *op, double start, double end, int64_t steps, double base,
                        int mode, THDtype dtype, THDevice device) {
  if (steps < 0) {
    TH_setError("[%s] number of steps must be non-negative, got %lld", op, (long long)steps);
    return NULL;
  }
  double step = steps > 1 ? (end - start) / (double)(steps - 1) : 0;
  return range_tensor(op, steps, start, step, base, mode, dtype, device);
}

THTensor *THTensor_linspace(double start, double end, int64_t steps, THDtype dtype,
                            THDevice device) {
  return spaced("linspace", start, end, steps, 0, 1, dtype, device);
}

THTensor *THTensor_logspace(double start, double end, int64_t steps, double base, THDtype dtype,
                            THDevice device) {
  return spaced("logspace", start, end, steps, base, 2, dtype, device);
}

THTensor *THTensor_eye(int64_t n, int64_t m, THDtype dtype, THDevice device) {
  if (n < 0 || m < 0) {
    TH_setError("[eye] n and m must be non-negative, got n = %lld, m = %lld", (long long)n,
                (long long)m);
    return NULL;
  }
  int64_t sizes[2] = {n, m};
  THTensor *t = THTensor_full(dtype, device, 2, sizes, 0);
  if (!t) return NULL;
  int64_t k = n < m ? n : m, stride = m + 1;
  THTensor *diag = THTensor_newView(t->storage, dtype, 0, 1, &k, &stride);
  int rc = diag ? THTensor_fill(diag, 1) : TH_ERROR;
  THTensor_free(diag);
  if (rc != TH_OK) {
    THTensor_free(t);
    return NULL;
  }
  return t;
}
