/* THIndex.c: the device-independent half of the indexing ops (index_select, gather, take,
 * the masked ops, nonzero, scatter, the index_* family): argument checks, shapes, index
 * validation, allocation, then one call through the dispatch table.  Kernels never see a
 * bad argument, and nothing is written before every check has passed.
 *
 * In-place forms on a tensor whose layout a kernel cannot take (the masked scatter needs
 * row-major order) work on a contiguous copy that is copied back at the end.
 *
 * Autograd: each public function runs its body (a static *_raw function) with grad mode off
 * when an input requires grad, then records its node (autograd/THAutogradIndex.h; formulas in
 * autograd/THDerivIndex.c).  out= is refused then, and in-place forms on leaves.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#define TH_INDEX_INTERNAL
#include "THIndex.h"
#include "autograd/THAutogradIndex.h"

/* ======================================================================= shared helpers */

int THIndex_wrapDim(const char *op, int dim, int ndim, int *out) {
  int n = ndim > 0 ? ndim : 1;
  if (dim < -n || dim >= n)
    return TH_setError("[%s] dimension %d is out of range for a tensor with %d dimension%s "
                       "(expected 1 to %d, or -%d to -1)",
                       op, dim >= 0 ? dim + 1 : dim, ndim, ndim == 1 ? "" : "s", n, n);
  *out = dim < 0 ? dim + n : dim;
  return TH_OK;
}

static bool can_cast(THDtype from, THDtype to) {
  THDtypeKind a = THDtype_kind(from), b = THDtype_kind(to);
  return !(a == TH_KIND_FLOAT && b != TH_KIND_FLOAT) && !(a != TH_KIND_BOOL && b == TH_KIND_BOOL);
}

static bool has_internal_overlap(const THTensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1) return true;
  return false;
}

int THIndex_checkWritable(const char *op, const THTensor *t) {
  if (has_internal_overlap(t))
    return TH_setError("[%s] unsupported operation: more than one element of the written-to "
                       "tensor refers to a single memory location; clone() the tensor first", op);
  return TH_OK;
}

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

int THIndex_sameDevice(const char *op, const THTensor *a, const THTensor *b) {
  char b1[32], b2[32];
  if (b && !THDevice_equal(THTensor_device(a), THTensor_device(b)))
    return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                       "two devices, %s and %s", op, device_name(THTensor_device(a), b1),
                       device_name(THTensor_device(b), b2));
  return TH_OK;
}

THTensor *THIndex_finishOut(const char *op, THTensor *out, THTensor *r) {
  if (!out || !r) return r;
  char a[TH_SHAPE_STRLEN];
  if (!can_cast(r->dtype, out->dtype)) {
    TH_setError("[%s] result type %s can't be cast to the desired output type %s", op,
                THDtype_name(r->dtype), THDtype_name(out->dtype));
    goto fail;
  }
  if (!THDevice_equal(THTensor_device(out), THTensor_device(r))) {
    TH_setError("[%s] out= is on another device than the result", op);
    goto fail;
  }
  if (!(out->ndim == r->ndim && THTensor_sameShape(out, r))) {
    if (THTensor_resize(out, r->ndim, r->size) != TH_OK) goto fail;
  } else if (has_internal_overlap(out) && THTensor_numel(out) > 1) {
    TH_setError("[%s] out= of shape %s has elements sharing memory; clone() it first", op,
                TH_formatShape(a, out->ndim, out->size));
    goto fail;
  }
  if (THTensor_copy(out, r) != TH_OK) goto fail;
  THTensor_free(r);
  THTensor_retain(out);
  return out;
fail:
  THTensor_free(r);
  return NULL;
}

void (*THIndex_kernel(THOp op, THDevice dev))(void) {
  THKernel k;
  if (THDispatch_get(op, dev, &k) != TH_OK) return NULL;
  if (!k.fn) TH_setError("[%s] no kernel registered", THOp_info(op)->name);
  return k.fn;
}

/* A 0-dim tensor seen as 1-D of size 1 (a view); others retained as they are. */
static THTensor *at_least_1d(const THTensor *t) {
  if (t->ndim > 0) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  int64_t one = 1;
  return THTensor_newView(t->storage, t->dtype, t->offset, 1, &one, &one);
}

/* The index argument as a contiguous int64 tensor (a new reference): int64 or int32, at most
 * max_ndim dims (-1: any).  A copy is made when it shares memory with `target`. */
static THTensor *index_arg(const char *op, const THTensor *index, int max_ndim,
                           const THTensor *target) {
  char a[TH_SHAPE_STRLEN];
  if (index->dtype != TH_I64 && index->dtype != TH_I32) {
    TH_setError("[%s] expected an int64 or int32 index tensor, got %s", op,
                THDtype_name(index->dtype));
    return NULL;
  }
  if (max_ndim >= 0 && index->ndim > max_ndim) {
    TH_setError("[%s] index must be 1-D (or 0-dim), got shape %s", op,
                TH_formatShape(a, index->ndim, index->size));
    return NULL;
  }
  if (THIndex_sameDevice(op, target, index) != TH_OK) return NULL;
  if (index->dtype == TH_I64 && target && index->storage == target->storage)
    return THTensor_clone(index);
  return THTensor_toDtype(index, TH_I64);
}

/* ======================================================================= index tensors */

static THIndexConvertKernel convert_kernels[TH_NDEVICE_TYPES];

void THIndex_registerConvert(THDeviceType device, THIndexConvertKernel k) {
  if (device > TH_DEVICE_CPU && device < TH_NDEVICE_TYPES) convert_kernels[device] = k;
}

int THIndex_convert(THTensor *out, const THTensor *src, int64_t n, int64_t base,
                    bool wrap_negative, int64_t *first_bad) {
  char b1[32];
  THDevice dev = THTensor_device(src);
  if (src->dtype != TH_I64 || out->dtype != TH_I64 || !THTensor_isContiguous(src) ||
      !THTensor_isContiguous(out) || THTensor_numel(src) != THTensor_numel(out) ||
      !THDevice_equal(dev, THTensor_device(out)))
    return TH_setError("[index_convert] expected contiguous int64 tensors of one size on one "
                       "device");
  int64_t m = THTensor_numel(src);
  if (dev.type != TH_DEVICE_CPU) {
    THIndexConvertKernel k = convert_kernels[dev.type];
    if (!k) return TH_setError("[index] no index kernels for %s", device_name(dev, b1));
    return k(out, src, n, base, wrap_negative, first_bad);
  }
  const int64_t *p = THTensor_data(src);
  int64_t *q = THTensor_data(out), bad = -1;
  for (int64_t i = 0; i < m; i++) {
    int64_t v = p[i];
    if (v >= base && v - base < n) {
      q[i] = v - base;
    } else if (wrap_negative && v < 0 && v >= -n) {
      q[i] = v + n;
    } else {
      q[i] = INT64_MIN;
      if (bad < 0) bad = i;
    }
  }
  if (first_bad) *first_bad = bad;
  return TH_OK;
}

static void index_error(const char *op, int64_t v, int64_t n, int dim) {
  if (dim < 0)
    TH_setError("[%s] index %lld is out of bounds for a tensor with %lld elements", op,
                (long long)v, (long long)n);
  else
    TH_setError("[%s] index %lld is out of bounds for dimension %d with size %lld", op,
                (long long)v, dim + 1, (long long)n);
}

/* check_indices for an index on a device: one conversion kernel and one wait for the
 * position of the first bad entry; the result is a new tensor (ix is freed). */
static THTensor *check_device_indices(const char *op, THTensor *ix, int64_t n, int dim,
                                      bool allow_negative) {
  if (THTensor_numel(ix) == 0) return ix;
  int64_t bad = -1;
  THTensor *r = THTensor_empty(TH_I64, THTensor_device(ix), ix->ndim, ix->size);
  if (!r || THIndex_convert(r, ix, n, 0, allow_negative, &bad) != TH_OK) {
    THTensor_free(r);
    THTensor_free(ix);
    return NULL;
  }
  if (bad >= 0) { /* the value, for the message: one element read from the device */
    int64_t at[TH_MAX_DIMS];
    for (int d = ix->ndim - 1; d >= 0; d--) {
      at[d] = bad % ix->size[d];
      bad /= ix->size[d];
    }
    index_error(op, THTensor_getInt64(ix, at), n, dim);
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(ix);
  return r;
}

/* Checks that every entry of ix (contiguous int64, owned) lies in [0, n), or in [-n, n) when
 * negatives are allowed (then they are wrapped, in a copy when ix may be the caller's).
 * dim < 0: the message speaks of a flat tensor.  Returns ix, or NULL (ix freed). */
static THTensor *check_indices(const char *op, THTensor *ix, int64_t n, int dim,
                               bool allow_negative, bool may_be_callers) {
  if (THTensor_device(ix).type != TH_DEVICE_CPU)
    return check_device_indices(op, ix, n, dim, allow_negative);
  const int64_t *p = THTensor_data(ix);
  int64_t m = THTensor_numel(ix), lo = allow_negative ? -n : 0;
  bool bad = false, neg = false;
#pragma omp parallel for reduction(|| : bad, neg) if (m > TH_PARALLEL_GRAIN)
  for (int64_t i = 0; i < m; i++) {
    bad = bad || p[i] < lo || p[i] >= n;
    neg = neg || p[i] < 0;
  }
  if (bad) {
    int64_t v = 0;
    for (int64_t i = 0; i < m; i++)
      if (p[i] < lo || p[i] >= n) {
        v = p[i];
        break;
      }
    index_error(op, v, n, dim);
    THTensor_free(ix);
    return NULL;
  }
  if (neg) {
    if (may_be_callers) {
      THTensor *c = THTensor_clone(ix);
      THTensor_free(ix);
      if (!(ix = c)) return NULL;
    }
    int64_t *q = THTensor_data(ix);
    for (int64_t i = 0; i < m; i++)
      if (q[i] < 0) q[i] += n;
  }
  return ix;
}

static bool is_mask_dtype(THDtype d) { return d == TH_BOOL || d == TH_U8; }

static int check_mask(const char *op, const THTensor *mask) {
  if (!is_mask_dtype(mask->dtype))
    return TH_setError("[%s] expected a bool (or uint8) mask, got %s", op, THDtype_name(mask->dtype));
  return TH_OK;
}

/* Both fields of a scalar filled: .i truncates a float (0 for NaN, saturated at the int64
 * range, as converting a non-finite or huge float is undefined in C). */
static THScalar normal_scalar(THScalar v) {
  if (v.kind == TH_KIND_FLOAT) {
    if (v.f != v.f) v.i = 0;
    else if (v.f >= 9.2233720368547758e18) v.i = INT64_MAX;
    else if (v.f <= -9.2233720368547758e18) v.i = INT64_MIN;
    else v.i = (int64_t)v.f;
  } else {
    v.f = (double)v.i;
  }
  return v;
}

/* A fill value must fit the dtype it is written into (PyTorch's checked conversion): integers
 * take only values in their range (no NaN or infinity), floats any value short of a finite
 * overflow; bool takes anything. */
static int check_value(const char *op, THScalar v, THDtype dt) {
  double lo, hi;
  switch (dt) {
  case TH_BOOL: return TH_OK;
  case TH_I8: lo = -128; hi = 127; break;
  case TH_I16: lo = -32768; hi = 32767; break;
  case TH_I32: lo = -2147483648.0; hi = 2147483647.0; break;
  case TH_I64: lo = -9.2233720368547758e18; hi = 9.2233720368547758e18; break;
  case TH_U8: lo = 0; hi = 255; break;
  case TH_F16: lo = -65504; hi = 65504; break;
  case TH_BF16: lo = -3.3895313892515355e38; hi = 3.3895313892515355e38; break;
  case TH_F32: lo = -3.4028234663852886e38; hi = 3.4028234663852886e38; break;
  default: return TH_OK;
  }
  bool bad;
  if (v.kind == TH_KIND_FLOAT) {
    if (THDtype_isFloating(dt)) bad = isfinite(v.f) && (v.f < lo || v.f > hi);
    else bad = !isfinite(v.f) || v.f < lo || v.f >= hi + 1;
  } else {
    bad = dt != TH_I64 && ((double)v.i < lo || (double)v.i > hi);
  }
  if (bad) {
    char num[64];
    if (v.kind != TH_KIND_FLOAT) snprintf(num, sizeof num, "%lld", (long long)v.i);
    else if (v.f != v.f) snprintf(num, sizeof num, "nan");
    else snprintf(num, sizeof num, "%g", v.f);
    return TH_setError("[%s] value %s cannot be converted to %s without overflow", op, num,
                       THDtype_name(dt));
  }
  return TH_OK;
}

/* Fills the walk's shape and a's strides from `a` (dim's stride 0) over the walk dims. */
static void walk_from(THIndexWalk *w, THTensor *a, int dim, THIndexMode mode,
                      const int64_t *shape, int ndim) {
  w->a = a;
  w->dim = dim;
  w->ndim = ndim;
  w->mode = mode;
  w->b = NULL;
  for (int d = 0; d < ndim; d++) {
    w->shape[d] = shape[d];
    w->a_strides[d] = d == dim ? 0 : a->stride[d];
    w->b_strides[d] = 0;
    w->i_strides[d] = 0;
  }
  w->value = normal_scalar((THScalar){TH_KIND_INT, 1, 1});
}

static int run_walk(THOp op, const THIndexWalk *w) {
  int64_t n = 1;
  for (int d = 0; d < w->ndim; d++) n *= w->shape[d];
  THIndexKernel k = (THIndexKernel)THIndex_kernel(op, THTensor_device(w->a));
  if (!k) return TH_ERROR;
  if (n == 0) return TH_OK;
  return k(w);
}

/* ======================================================================= index_select */

static THTensor *index_select_raw(THTensor *out, const THTensor *t, int dim,
                                  const THTensor *index) {
  const char *op = "index_select";
  int d;
  if (THIndex_wrapDim(op, dim, t->ndim, &d) != TH_OK) return NULL;
  THTensor *ix = index_arg(op, index, 1, t);
  if (!ix) return NULL;
  int64_t n = t->ndim ? t->size[d] : 1, m = THTensor_numel(ix);
  if (!(ix = check_indices(op, ix, n, d, false, false))) return NULL;
  if (t->ndim == 0 && m != 1) {
    THTensor_free(ix);
    TH_setError("[index_select] index of a 0-dim tensor must have exactly one element, got %lld",
                (long long)m);
    return NULL;
  }
  int64_t shape[TH_MAX_DIMS];
  memcpy(shape, t->size, sizeof shape);
  if (t->ndim) shape[d] = m;
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), t->ndim, shape);
  THTensor *a = r ? at_least_1d(t) : NULL, *b = r ? at_least_1d(r) : NULL;
  int rc = a && b ? TH_OK : TH_ERROR;
  if (rc == TH_OK) {
    THIndexWalk w;
    walk_from(&w, a, d, TH_INDEX_READ, b->size, b->ndim);
    w.b = b;
    memcpy(w.b_strides, b->stride, sizeof w.b_strides);
    w.i_strides[d] = 1;
    w.index = ix;
    rc = run_walk(TH_OP_index_select, &w);
  }
  THTensor_free(a);
  THTensor_free(b);
  THTensor_free(ix);
  if (rc != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return THIndex_finishOut(op, out, r);
}

THTensor *THTensor_indexSelect(THTensor *out, const THTensor *t, int dim, const THTensor *index) {
  const THTensor *in[2] = {t, index};
  if (!THAutograd_wanted(1, in)) return index_select_raw(out, t, dim, index);
  if (out && THAutograd_checkOut("index_select", out) != TH_OK) return NULL;
  const int64_t ints[1] = {dim};
  return THAutograd_recordIndexOp(TH_OP_index_select, 2, in,
                                  TH_AG_PAUSED_T(index_select_raw(out, t, dim, index)), 1, ints,
                                  NULL, NULL);
}

/* ======================================================================= gather / scatter */

/* gather/scatter's shape rules: index has t's ndim (0-dim counting as 1-D), is no larger than
 * t apart from dim, and no larger than src (when given) anywhere. */
static int check_gather_shapes(const char *op, const THTensor *t, int dim, const THTensor *index,
                               const THTensor *src) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN], c[TH_SHAPE_STRLEN];
  int nt = t->ndim ? t->ndim : 1, ni = index->ndim ? index->ndim : 1;
  if (nt != ni)
    return TH_setError("[%s] index %s must have the same number of dimensions as the input %s",
                       op, TH_formatShape(a, index->ndim, index->size),
                       TH_formatShape(b, t->ndim, t->size));
  if (src && (src->ndim ? src->ndim : 1) != ni)
    return TH_setError("[%s] index %s must have the same number of dimensions as src %s", op,
                       TH_formatShape(a, index->ndim, index->size),
                       TH_formatShape(b, src->ndim, src->size));
  for (int d = 0; d < ni; d++) {
    int64_t is = index->ndim ? index->size[d] : 1, ts = t->ndim ? t->size[d] : 1;
    if (d != dim && is > ts)
      return TH_setError("[%s] index %s must be no larger than the input %s apart from dimension %d "
                         "(size %lld > %lld at dimension %d)", op,
                         TH_formatShape(a, index->ndim, index->size),
                         TH_formatShape(b, t->ndim, t->size), dim + 1, (long long)is,
                         (long long)ts, d + 1);
    if (src) {
      int64_t ss = src->ndim ? src->size[d] : 1;
      if (is > ss)
        return TH_setError("[%s] index %s must be no larger than src %s (size %lld > %lld at "
                           "dimension %d); input %s", op,
                           TH_formatShape(a, index->ndim, index->size),
                           TH_formatShape(b, src->ndim, src->size), (long long)is,
                           (long long)ss, d + 1, TH_formatShape(c, t->ndim, t->size));
    }
  }
  return TH_OK;
}

static THTensor *gather_raw(THTensor *out, const THTensor *t, int dim, const THTensor *index) {
  const char *op = "gather";
  int d;
  if (THIndex_wrapDim(op, dim, t->ndim, &d) != TH_OK) return NULL;
  if (check_gather_shapes(op, t, d, index, NULL) != TH_OK) return NULL;
  THTensor *ix = index_arg(op, index, -1, t);
  if (!ix) return NULL;
  if (!(ix = check_indices(op, ix, t->ndim ? t->size[d] : 1, d, false, false))) return NULL;
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), index->ndim, index->size);
  THTensor *a = r ? at_least_1d(t) : NULL, *b = r ? at_least_1d(r) : NULL;
  THTensor *i1 = r ? at_least_1d(ix) : NULL;
  int rc = a && b && i1 ? TH_OK : TH_ERROR;
  if (rc == TH_OK) {
    THIndexWalk w;
    walk_from(&w, a, d, TH_INDEX_READ, b->size, b->ndim);
    w.b = b;
    memcpy(w.b_strides, b->stride, sizeof w.b_strides);
    memcpy(w.i_strides, i1->stride, sizeof w.i_strides);
    w.index = i1;
    rc = run_walk(TH_OP_gather, &w);
  }
  THTensor_free(a);
  THTensor_free(b);
  THTensor_free(i1);
  THTensor_free(ix);
  if (rc != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return THIndex_finishOut(op, out, r);
}

THTensor *THTensor_gather(THTensor *out, const THTensor *t, int dim, const THTensor *index) {
  const THTensor *in[2] = {t, index};
  if (!THAutograd_wanted(1, in)) return gather_raw(out, t, dim, index);
  if (out && THAutograd_checkOut("gather", out) != TH_OK) return NULL;
  const int64_t ints[1] = {dim};
  return THAutograd_recordIndexOp(TH_OP_gather, 2, in, TH_AG_PAUSED_T(gather_raw(out, t, dim, index)),
                                  1, ints, NULL, NULL);
}

static int scatter_impl(const char *op, THOp row, THTensor *t, int dim, const THTensor *index,
                        const THTensor *src, THScalar value, THReduce reduce) {
  int d;
  if (THIndex_wrapDim(op, dim, t->ndim, &d) != TH_OK) return TH_ERROR;
  if (THIndex_checkWritable(op, t) != TH_OK) return TH_ERROR;
  if (!src && check_value(op, value, t->dtype) != TH_OK) return TH_ERROR;
  if (src && src->dtype != t->dtype)
    return TH_setError("[%s] expected self and src to have the same dtype, got %s and %s", op,
                       THDtype_name(t->dtype), THDtype_name(src->dtype));
  if (src && THIndex_sameDevice(op, t, src) != TH_OK) return TH_ERROR;
  if (check_gather_shapes(op, t, d, index, src) != TH_OK) return TH_ERROR;
  THTensor *ix = index_arg(op, index, -1, t);
  if (!ix) return TH_ERROR;
  if (!(ix = check_indices(op, ix, t->ndim ? t->size[d] : 1, d, false, false))) return TH_ERROR;
  THTensor *s = NULL;
  if (src) s = src->storage == t->storage ? THTensor_clone(src) : at_least_1d(src);
  THTensor *s1 = s ? at_least_1d(s) : NULL;
  THTensor *a = at_least_1d(t), *i1 = at_least_1d(ix);
  int rc = a && i1 && (!src || s1) ? TH_OK : TH_ERROR;
  if (rc == TH_OK) {
    THIndexMode mode = src ? (reduce == TH_REDUCE_ADD ? TH_INDEX_ADD
                              : reduce == TH_REDUCE_MULTIPLY ? TH_INDEX_MUL : TH_INDEX_WRITE)
                           : (reduce == TH_REDUCE_ADD ? TH_INDEX_ADD_VALUE
                              : reduce == TH_REDUCE_MULTIPLY ? TH_INDEX_MUL_VALUE : TH_INDEX_FILL);
    THIndexWalk w;
    walk_from(&w, a, d, mode, i1->size, i1->ndim);
    if (s1) {
      w.b = s1;
      memcpy(w.b_strides, s1->stride, sizeof w.b_strides);
    }
    memcpy(w.i_strides, i1->stride, sizeof w.i_strides);
    w.index = i1;
    w.value = normal_scalar(src ? (THScalar){TH_KIND_INT, 1, 1} : value);
    rc = run_walk(row, &w);
  }
  THTensor_free(a);
  THTensor_free(i1);
  THTensor_free(s1);
  THTensor_free(s);
  THTensor_free(ix);
  if (rc == TH_OK) THTensor_bumpVersion(t);
  return rc;
}

/* The nodes of the scatter family: inputs {t, index, src} (src left out for a value, as
 * PyTorch's ScatterBackward1), ints {dim, reduce}. */
static int scatter_record(const char *op, THOp row, THTensor *t, int dim, const THTensor *index,
                          const THTensor *src, THScalar value, THReduce reduce) {
  const THTensor *in[3] = {t, index, src};
  if (!THAutograd_wanted(3, in)) return scatter_impl(op, row, t, dim, index, src, value, reduce);
  if (THAutograd_checkInplace(op, t) != TH_OK) return TH_ERROR;
  const int64_t ints[2] = {dim, reduce};
  int rc = TH_AG_PAUSED_I(scatter_impl(op, row, t, dim, index, src, value, reduce));
  return THAutograd_recordIndexInplace(row, src ? 3 : 2, in, rc, 2, ints, NULL,
                                       src || row != TH_OP_scatter ? NULL : "ScatterBackward1");
}

static THTensor *scatter_copy(const char *op, THOp row, THTensor *out, const THTensor *t, int dim,
                              const THTensor *index, const THTensor *src, THScalar value,
                              THReduce reduce) {
  const THTensor *in[3] = {t, index, src};
  bool rec = THAutograd_wanted(3, in);
  if (rec && out && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  if (rec) THAutograd_setEnabled(false);
  THTensor *r = THTensor_clone(t);
  if (r && scatter_impl(op, row, r, dim, index, src, value, reduce) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  if (!rec) return THIndex_finishOut(op, out, r);
  THAutograd_setEnabled(true);
  const int64_t ints[2] = {dim, reduce};
  return THAutograd_recordIndexOp(row, src ? 3 : 2, in, r, 2, ints, NULL,
                                  src || row != TH_OP_scatter ? NULL : "ScatterBackward1");
}

int THTensor_scatter_(THTensor *t, int dim, const THTensor *index, const THTensor *src,
                      THScalar value, THReduce reduce) {
  return scatter_record("scatter_", TH_OP_scatter, t, dim, index, src, value, reduce);
}

THTensor *THTensor_scatter(THTensor *out, const THTensor *t, int dim, const THTensor *index,
                           const THTensor *src, THScalar value, THReduce reduce) {
  return scatter_copy("scatter", TH_OP_scatter, out, t, dim, index, src, value, reduce);
}

int THTensor_scatterAdd_(THTensor *t, int dim, const THTensor *index, const THTensor *src) {
  THScalar one = {TH_KIND_INT, 1, 1};
  return scatter_record("scatter_add_", TH_OP_scatter_add, t, dim, index, src, one, TH_REDUCE_ADD);
}

THTensor *THTensor_scatterAdd(THTensor *out, const THTensor *t, int dim, const THTensor *index,
                              const THTensor *src) {
  THScalar one = {TH_KIND_INT, 1, 1};
  return scatter_copy("scatter_add", TH_OP_scatter_add, out, t, dim, index, src, one,
                      TH_REDUCE_ADD);
}

/* ======================================================================= index_add/copy/fill */

/* The index_* family: t.select(dim, index[i]) (op) src.select(dim, i). */
static int index_put(const char *op, THOp row, THTensor *t, int dim, const THTensor *index,
                     const THTensor *src, THScalar value, THIndexMode mode) {
  char a1[TH_SHAPE_STRLEN], b1[TH_SHAPE_STRLEN];
  int d;
  if (THIndex_wrapDim(op, dim, t->ndim, &d) != TH_OK) return TH_ERROR;
  if (THIndex_checkWritable(op, t) != TH_OK) return TH_ERROR;
  if (mode == TH_INDEX_FILL && check_value(op, value, t->dtype) != TH_OK) return TH_ERROR;
  THTensor *ix = index_arg(op, index, 1, t);
  if (!ix) return TH_ERROR;
  int64_t m = THTensor_numel(ix), n = t->ndim ? t->size[d] : 1;
  if (src) {
    if (src->dtype != t->dtype) {
      THTensor_free(ix);
      return TH_setError("[%s] self (%s) and source (%s) must have the same dtype", op,
                         THDtype_name(t->dtype), THDtype_name(src->dtype));
    }
    if (THIndex_sameDevice(op, t, src) != TH_OK) {
      THTensor_free(ix);
      return TH_ERROR;
    }
    /* source: t's shape with m along dim (0-dim t and source count as 1-D of size 1) */
    int nt = t->ndim ? t->ndim : 1, ns = src->ndim ? src->ndim : 1;
    bool ok = nt == ns;
    for (int k = 0; ok && k < nt; k++) {
      int64_t want = k == d ? m : (t->ndim ? t->size[k] : 1);
      ok = (src->ndim ? src->size[k] : 1) == want;
    }
    if (!ok) {
      THTensor_free(ix);
      return TH_setError("[%s] source of shape %s doesn't match: expected the destination's "
                         "shape %s with size %lld (the number of indices) at dimension %d", op,
                         TH_formatShape(a1, src->ndim, src->size),
                         TH_formatShape(b1, t->ndim, t->size), (long long)m, d + 1);
    }
  }
  if (!(ix = check_indices(op, ix, n, d, mode == TH_INDEX_FILL, true))) return TH_ERROR;
  THTensor *s = NULL;
  if (src) s = src->storage == t->storage ? THTensor_clone(src) : at_least_1d(src);
  THTensor *s1 = s ? at_least_1d(s) : NULL;
  THTensor *a = at_least_1d(t);
  int rc = a && (!src || s1) ? TH_OK : TH_ERROR;
  if (rc == TH_OK) {
    THIndexWalk w;
    int64_t shape[TH_MAX_DIMS];
    memcpy(shape, a->size, sizeof shape);
    shape[d] = m;
    walk_from(&w, a, d, mode, shape, a->ndim);
    if (s1) {
      w.b = s1;
      memcpy(w.b_strides, s1->stride, sizeof w.b_strides);
    }
    w.i_strides[d] = 1;
    w.index = ix;
    w.value = normal_scalar(value);
    rc = run_walk(row, &w);
  }
  THTensor_free(a);
  THTensor_free(s1);
  THTensor_free(s);
  THTensor_free(ix);
  if (rc == TH_OK) THTensor_bumpVersion(t);
  return rc;
}

/* The nodes of the index_* family: inputs {t, index, src} ({t, index} for index_fill), ints
 * {dim}, index_add's alpha in params.alpha. */
static int index_put_record(const char *op, THOp row, THTensor *t, int dim, const THTensor *index,
                            const THTensor *src, THScalar value, THIndexMode mode) {
  const THTensor *in[3] = {t, index, src};
  if (!THAutograd_wanted(3, in)) return index_put(op, row, t, dim, index, src, value, mode);
  if (THAutograd_checkInplace(op, t) != TH_OK) return TH_ERROR;
  const int64_t ints[1] = {dim};
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = value;
  int rc = TH_AG_PAUSED_I(index_put(op, row, t, dim, index, src, value, mode));
  return THAutograd_recordIndexInplace(row, src ? 3 : 2, in, rc, 1, ints, &p, NULL);
}

static THTensor *index_put_copy(const char *op, THOp row, THTensor *out, const THTensor *t,
                                int dim, const THTensor *index, const THTensor *src,
                                THScalar value, THIndexMode mode) {
  const THTensor *in[3] = {t, index, src};
  bool rec = THAutograd_wanted(3, in);
  if (rec && out && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  if (rec) THAutograd_setEnabled(false);
  THTensor *r = THTensor_clone(t);
  if (r && index_put(op, row, r, dim, index, src, value, mode) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  if (!rec) return THIndex_finishOut(op, out, r);
  THAutograd_setEnabled(true);
  const int64_t ints[1] = {dim};
  THOpParams p = TH_OPPARAMS_DEFAULT;
  p.alpha = value;
  return THAutograd_recordIndexOp(row, src ? 3 : 2, in, r, 1, ints, &p, NULL);
}

int THTensor_indexAdd_(THTensor *t, int dim, const THTensor *index, const THTensor *src,
                       THScalar alpha) {
  if (alpha.kind == TH_KIND_FLOAT && !THDtype_isFloating(t->dtype))
    return TH_setError("[index_add_] for integral input tensors, argument alpha must not be a "
                       "floating point number");
  return index_put_record("index_add_", TH_OP_index_add, t, dim, index, src, alpha, TH_INDEX_ADD);
}

THTensor *THTensor_indexAdd(THTensor *out, const THTensor *t, int dim, const THTensor *index,
                            const THTensor *src, THScalar alpha) {
  if (alpha.kind == TH_KIND_FLOAT && !THDtype_isFloating(t->dtype)) {
    TH_setError("[index_add] for integral input tensors, argument alpha must not be a floating "
                "point number");
    return NULL;
  }
  return index_put_copy("index_add", TH_OP_index_add, out, t, dim, index, src, alpha,
                        TH_INDEX_ADD);
}

int THTensor_indexCopy_(THTensor *t, int dim, const THTensor *index, const THTensor *src) {
  THScalar one = {TH_KIND_INT, 1, 1};
  return index_put_record("index_copy_", TH_OP_index_copy, t, dim, index, src, one,
                          TH_INDEX_WRITE);
}

THTensor *THTensor_indexCopy(THTensor *out, const THTensor *t, int dim, const THTensor *index,
                             const THTensor *src) {
  THScalar one = {TH_KIND_INT, 1, 1};
  return index_put_copy("index_copy", TH_OP_index_copy, out, t, dim, index, src, one,
                        TH_INDEX_WRITE);
}

int THTensor_indexFill_(THTensor *t, int dim, const THTensor *index, THScalar value) {
  return index_put_record("index_fill_", TH_OP_index_fill, t, dim, index, NULL, value,
                          TH_INDEX_FILL);
}

THTensor *THTensor_indexFill(const THTensor *t, int dim, const THTensor *index, THScalar value) {
  return index_put_copy("index_fill", TH_OP_index_fill, NULL, t, dim, index, NULL, value,
                        TH_INDEX_FILL);
}

/* ======================================================================= take */

THTensor *THTensor_take(THTensor *out, const THTensor *t, const THTensor *index) {
  const char *op = "take";
  bool rec = THAutograd_wanted(1, &t);
  if (rec && out && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  THTensor *ix = index_arg(op, index, -1, t);
  if (!ix) return NULL;
  int64_t n = THTensor_numel(t);
  if (!(ix = check_indices(op, ix, n, -1, true, true))) return NULL;
  THTakeKernel k = (THTakeKernel)THIndex_kernel(TH_OP_take, THTensor_device(t));
  THTensor *c = k ? THTensor_contiguous(t) : NULL;
  THTensor *r = c ? THTensor_empty(t->dtype, THTensor_device(t), index->ndim, index->size) : NULL;
  if (r && THTensor_numel(r) > 0 && k(r, c, ix) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(c);
  if (rec) { /* the node keeps the checked, non-negative index */
    const THTensor *in[2] = {t, ix};
    r = THAutograd_recordIndexOp(TH_OP_take, 2, in, r, 0, NULL, NULL, NULL);
  }
  THTensor_free(ix);
  return THIndex_finishOut(op, out, r);
}

/* ======================================================================= masks */

/* mask expanded to t's shape (a view), with the error naming both shapes. */
static THTensor *mask_to(const char *op, const THTensor *mask, const THTensor *t) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (check_mask(op, mask) != TH_OK || THIndex_sameDevice(op, t, mask) != TH_OK) return NULL;
  int nd;
  int64_t shape[TH_MAX_DIMS];
  if (THTensor_broadcastShape(op, mask->ndim, mask->size, t->ndim, t->size, &nd, shape) != TH_OK ||
      nd != t->ndim || memcmp(shape, t->size, (size_t)nd * sizeof(int64_t)) != 0) {
    TH_setError("[%s] mask of shape %s cannot be broadcast to the tensor's shape %s", op,
                TH_formatShape(a, mask->ndim, mask->size), TH_formatShape(b, t->ndim, t->size));
    return NULL;
  }
  return THTensor_expand(mask, t->ndim, t->size);
}

/* A new contiguous tensor holding t broadcast with mask. */
static THTensor *broadcast_copy(const char *op, const THTensor *t, const THTensor *mask) {
  int nd;
  int64_t shape[TH_MAX_DIMS];
  if (check_mask(op, mask) != TH_OK) return NULL;
  if (THTensor_broadcastShape(op, t->ndim, t->size, mask->ndim, mask->size, &nd, shape) != TH_OK)
    return NULL;
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), nd, shape);
  if (r && THTensor_copy(r, t) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

static THTensor *masked_select_raw(THTensor *out, const THTensor *t, const THTensor *mask);

static int masked_fill_impl(const char *op, THTensor *t, const THTensor *mask, THScalar value) {
  if (THIndex_checkWritable(op, t) != TH_OK || check_value(op, value, t->dtype) != TH_OK)
    return TH_ERROR;
  THMaskedFillKernel k = (THMaskedFillKernel)THIndex_kernel(TH_OP_masked_fill, THTensor_device(t));
  if (!k) return TH_ERROR;
  THTensor *m = mask_to(op, mask, t);
  if (!m) return TH_ERROR;
  if (m->storage == t->storage) { /* the mask is (part of) t itself: read a copy */
    THTensor *c = THTensor_clone(m);
    THTensor_free(m);
    if (!(m = c)) return TH_ERROR;
  }
  int rc = THTensor_numel(t) > 0 ? k(t, m, normal_scalar(value)) : TH_OK;
  THTensor_free(m);
  if (rc == TH_OK) THTensor_bumpVersion(t);
  return rc;
}

int THTensor_maskedFill_(THTensor *t, const THTensor *mask, THScalar value) {
  if (!THAutograd_wanted(1, (const THTensor **)&t))
    return masked_fill_impl("masked_fill_", t, mask, value);
  if (THAutograd_checkInplace("masked_fill_", t) != TH_OK) return TH_ERROR;
  const THTensor *in[2] = {t, mask};
  int rc = TH_AG_PAUSED_I(masked_fill_impl("masked_fill_", t, mask, value));
  return THAutograd_recordIndexInplace(TH_OP_masked_fill, 2, in, rc, 0, NULL, NULL, NULL);
}

THTensor *THTensor_maskedFill(const THTensor *t, const THTensor *mask, THScalar value) {
  bool rec = THAutograd_wanted(1, &t);
  if (rec) THAutograd_setEnabled(false);
  THTensor *r = broadcast_copy("masked_fill", t, mask);
  if (r && masked_fill_impl("masked_fill", r, mask, value) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  if (!rec) return r;
  THAutograd_setEnabled(true);
  const THTensor *in[2] = {t, mask};
  return THAutograd_recordIndexOp(TH_OP_masked_fill, 2, in, r, 0, NULL, NULL, NULL);
}

/* A contiguous byte copy of mask broadcast to t's shape (or mask itself when it already is
 * and it does not share t's memory). */
static THTensor *mask_contiguous(const char *op, const THTensor *mask, const THTensor *t) {
  THTensor *m = mask_to(op, mask, t);
  if (!m) return NULL;
  THTensor *c = m->storage == t->storage ? THTensor_clone(m) : THTensor_contiguous(m);
  THTensor_free(m);
  return c;
}

static int masked_scatter_impl(const char *op, THTensor *t, const THTensor *mask,
                               const THTensor *src) {
  if (THIndex_checkWritable(op, t) != TH_OK) return TH_ERROR;
  if (src->dtype != t->dtype)
    return TH_setError("[%s] expected self and source to have the same dtype, got %s and %s", op,
                       THDtype_name(t->dtype), THDtype_name(src->dtype));
  if (THIndex_sameDevice(op, t, src) != TH_OK) return TH_ERROR;
  THMaskedScatterKernel k =
      (THMaskedScatterKernel)THIndex_kernel(TH_OP_masked_scatter, THTensor_device(t));
  if (!k) return TH_ERROR;
  THTensor *m = mask_contiguous(op, mask, t);
  if (!m) return TH_ERROR;
  THTensor *s = src->storage == t->storage ? THTensor_clone(src) : THTensor_contiguous(src);
  THTensor *work = s ? THTensor_contiguous(t) : NULL;
  int rc = work ? TH_OK : TH_ERROR;
  if (rc == TH_OK && THTensor_numel(t) > 0) rc = k(work, m, s);
  if (rc == TH_OK && work != t) rc = THTensor_copy(t, work);
  THTensor_free(work);
  THTensor_free(s);
  THTensor_free(m);
  if (rc == TH_OK) THTensor_bumpVersion(t);
  return rc;
}

int THTensor_maskedScatter_(THTensor *t, const THTensor *mask, const THTensor *src) {
  const THTensor *in[3] = {t, mask, src};
  if (!THAutograd_wanted(3, in)) return masked_scatter_impl("masked_scatter_", t, mask, src);
  if (THAutograd_checkInplace("masked_scatter_", t) != TH_OK) return TH_ERROR;
  int rc = TH_AG_PAUSED_I(masked_scatter_impl("masked_scatter_", t, mask, src));
  return THAutograd_recordIndexInplace(TH_OP_masked_scatter, 3, in, rc, 0, NULL, NULL, NULL);
}

THTensor *THTensor_maskedScatter(const THTensor *t, const THTensor *mask, const THTensor *src) {
  const THTensor *in[3] = {t, mask, src};
  bool rec = THAutograd_wanted(3, in);
  if (rec) THAutograd_setEnabled(false);
  THTensor *r = broadcast_copy("masked_scatter", t, mask);
  if (r && masked_scatter_impl("masked_scatter", r, mask, src) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  if (!rec) return r;
  THAutograd_setEnabled(true);
  return THAutograd_recordIndexOp(TH_OP_masked_scatter, 3, in, r, 0, NULL, NULL, NULL);
}

THTensor *THTensor_maskedSelect(THTensor *out, const THTensor *t, const THTensor *mask) {
  const THTensor *in[2] = {t, mask};
  if (!THAutograd_wanted(1, in)) return masked_select_raw(out, t, mask);
  if (out && THAutograd_checkOut("masked_select", out) != TH_OK) return NULL;
  return THAutograd_recordIndexOp(TH_OP_masked_select, 2, in,
                                  TH_AG_PAUSED_T(masked_select_raw(out, t, mask)), 0, NULL, NULL,
                                  NULL);
}

static THTensor *masked_select_raw(THTensor *out, const THTensor *t, const THTensor *mask) {
  const char *op = "masked_select";
  if (check_mask(op, mask) != TH_OK || THIndex_sameDevice(op, t, mask) != TH_OK) return NULL;
  THMaskedSelectKernel k =
      (THMaskedSelectKernel)THIndex_kernel(TH_OP_masked_select, THTensor_device(t));
  if (!k) return NULL;
  int nd;
  int64_t shape[TH_MAX_DIMS];
  if (THTensor_broadcastShape(op, t->ndim, t->size, mask->ndim, mask->size, &nd, shape) != TH_OK)
    return NULL;
  THTensor *te = THTensor_expand(t, nd, shape), *me = THTensor_expand(mask, nd, shape);
  THTensor *tc = te ? THTensor_contiguous(te) : NULL, *mc = me ? THTensor_contiguous(me) : NULL;
  THTensor *r = tc && mc ? k(tc, mc) : NULL;
  THTensor_free(te);
  THTensor_free(me);
  THTensor_free(tc);
  THTensor_free(mc);
  return THIndex_finishOut(op, out, r);
}

/* ======================================================================= nonzero */

THTensor *THTensor_nonzero(THTensor *out, const THTensor *t) {
  THNonzeroKernel k = (THNonzeroKernel)THIndex_kernel(TH_OP_nonzero, THTensor_device(t));
  if (!k) return NULL;
  if (out && out->dtype != TH_I64) {
    TH_setError("[nonzero] out= must be an int64 tensor, got %s", THDtype_name(out->dtype));
    return NULL;
  }
  THTensor *c = THTensor_contiguous(t);
  THTensor *r = c ? k(c) : NULL;
  THTensor_free(c);
  return THIndex_finishOut("nonzero", out, r);
}
