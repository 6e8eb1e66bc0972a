/* THSort.c: the device-independent half of the sorting and searching ops (THSort.h):
 * argument checks, output shapes, out= handling, dtype conversion for searchsorted, then one
 * call through the dispatch table.  The kernels (THCpuSort.c for the CPU) never see a bad
 * argument.
 *
 * out= tensors are checked before anything is written; the result is computed straight into
 * an out tensor when it already has the right shape and shares no memory with an input or
 * with the other output, otherwise into a fresh tensor that is copied over at the end.
 */
#include <stdio.h>
#include <string.h>
#include "THSort.h"
#include "autograd/THNode.h"

/* ======================================================================= helpers */

/* Wraps a dim like THTensor_wrapDim, but the message names dims 1-based as users write them
 * (a 0-dim tensor accepts the first/last dim, as PyTorch does). */
static int wrap_dim(const char *op, int dim, int ndim, int *out) {
  int n = ndim > 0 ? ndim : 1;
  if (dim < -n || dim >= n)
    return TH_setError("[%s] dimension %d is out of range for a tensor with %d dimension%s "
                       "(expected 1..%d or -%d..-1)",
                       op, dim >= 0 ? dim + 1 : dim, ndim, ndim == 1 ? "" : "s", n, n);
  *out = dim < 0 ? dim + n : dim;
  return TH_OK;
}

static const char *device_str(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

static bool same_shape(const THTensor *t, int ndim, const int64_t *sizes) {
  return t->ndim == ndim && (ndim == 0 || memcmp(t->size, sizes, (size_t)ndim * sizeof(int64_t)) == 0);
}

static bool internal_overlap(const THTensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1) return true;
  return false;
}

/* Checks an out= tensor: dtype, device, no overlap with the other out= tensor. */
static int check_out(const char *op, const char *what, const THTensor *out, THDtype dtype,
                     THDevice dev, const THTensor *other) {
  char b1[32], b2[32];
  if (!out) return TH_OK;
  if (out->dtype != dtype)
    return TH_setError("[%s] expected the %s output to have dtype %s, but got %s", op, what,
                       THDtype_name(dtype), THDtype_name(out->dtype));
  if (!THDevice_equal(THTensor_device(out), dev))
    return TH_setError("[%s] expected the %s output on device %s, but got %s", op, what,
                       device_str(dev, b1), device_str(THTensor_device(out), b2));
  if (other && other->storage == out->storage)
    return TH_setError("[%s] the values and indices outputs must not share memory", op);
  return TH_OK;
}

/* The tensor a kernel writes for out= tensor `out` (NULL: none given): out itself when its
 * shape is right and it shares no memory with the input, else a fresh contiguous tensor. */
static THTensor *out_target(THTensor *out, THDtype dtype, THDevice dev, int ndim,
                            const int64_t *sizes, const THTensor *input) {
  if (out && same_shape(out, ndim, sizes) && !internal_overlap(out) &&
      (!input || out->storage != input->storage)) {
    THTensor_retain(out);
    return out;
  }
  return THTensor_empty(dtype, dev, ndim, sizes);
}

/* Moves a computed result into out= (when it was computed elsewhere); returns the tensor to
 * hand back (a new reference), or NULL on failure.  Takes over the reference to target. */
static THTensor *out_finish(THTensor *out, THTensor *target) {
  if (!out || target == out) {
    if (out) THTensor_bumpVersion(out);
    return target;
  }
  int rc = TH_OK;
  if (!same_shape(out, target->ndim, target->size)) rc = THTensor_resize(out, target->ndim, target->size);
  if (rc == TH_OK) rc = THTensor_copy(out, target);
  THTensor_free(target);
  if (rc != TH_OK) return NULL;
  THTensor_retain(out);
  return out;
}

/* Ends a values+indices op: on success moves the results into out= where given and hands
 * them to the caller (dropping unwanted ones); on failure (rc) frees both. */
static int give_pair(int rc, THTensor *values_out, THTensor *indices_out, THTensor *v,
                     THTensor *i, THTensor **values, THTensor **indices) {
  if (rc == TH_OK) {
    v = out_finish(values_out, v);
    i = v ? out_finish(indices_out, i) : (THTensor_free(i), NULL);
    if (!i) rc = TH_ERROR;
  }
  if (rc != TH_OK) {
    THTensor_free(v);
    THTensor_free(i);
    return TH_ERROR;
  }
  if (values) *values = v;
  else THTensor_free(v);
  if (indices) *indices = i;
  else THTensor_free(i);
  return TH_OK;
}

static int get_kernel(THOp op, THDevice dev, void (**fn)(void)) {
  THKernel k;
  if (THDispatch_get(op, dev, &k) != TH_OK) return TH_ERROR;
  *fn = k.fn;
  return TH_OK;
}

/* ======================================================================= sort */

static int sort_impl(const THTensor *x, int dim, bool descending, bool stable,
                     THTensor *values_out, THTensor *indices_out, THTensor **values,
                     THTensor **indices) {
  int d;
  THDevice dev = THTensor_device(x);
  void (*fn)(void);
  if (wrap_dim("sort", dim, x->ndim, &d) != TH_OK ||
      check_out("sort", "values", values_out, x->dtype, dev, NULL) != TH_OK ||
      check_out("sort", "indices", indices_out, TH_I64, dev, values_out) != TH_OK ||
      get_kernel(TH_OP_sort, dev, &fn) != TH_OK)
    return TH_ERROR;
  THTensor *v = out_target(values_out, x->dtype, dev, x->ndim, x->size, x);
  THTensor *i = v ? out_target(indices_out, TH_I64, dev, x->ndim, x->size, x) : NULL;
  int rc = !i ? TH_ERROR
           : THTensor_numel(x) > 0 ? ((THSortKernel)fn)(v, i, x, d, descending, stable) : TH_OK;
  return give_pair(rc, values_out, indices_out, v, i, values, indices);
}

THTensor *THTensor_argsort(const THTensor *x, int dim, bool descending, bool stable) {
  THTensor *i = NULL;
  if (THTensor_sort(x, dim, descending, stable, NULL, NULL, NULL, &i) != TH_OK) return NULL;
  return i;
}

/* ======================================================================= topk */

static int topk_impl(const THTensor *x, int64_t k, int dim, bool largest, bool sorted,
                     THTensor *values_out, THTensor *indices_out, THTensor **values,
                     THTensor **indices) {
  int d;
  THDevice dev = THTensor_device(x);
  void (*fn)(void);
  if (wrap_dim("topk", dim, x->ndim, &d) != TH_OK) return TH_ERROR;
  int64_t n = x->ndim > 0 ? x->size[d] : 1;
  if (k < 0) return TH_setError("[topk] k (%lld) must be non-negative", (long long)k);
  if (k > n)
    return TH_setError("[topk] k (%lld) is too big for dimension %d of size %lld", (long long)k,
                       d + 1, (long long)n);
  if (check_out("topk", "values", values_out, x->dtype, dev, NULL) != TH_OK ||
      check_out("topk", "indices", indices_out, TH_I64, dev, values_out) != TH_OK ||
      get_kernel(TH_OP_topk, dev, &fn) != TH_OK)
    return TH_ERROR;
  int64_t sizes[TH_MAX_DIMS];
  if (x->ndim) memcpy(sizes, x->size, (size_t)x->ndim * sizeof(int64_t));
  if (x->ndim) sizes[d] = k;
  else k = 1; /* a 0-dim tensor gives itself, as in PyTorch (even for k = 0) */
  THTensor *v = out_target(values_out, x->dtype, dev, x->ndim, sizes, x);
  THTensor *i = v ? out_target(indices_out, TH_I64, dev, x->ndim, sizes, x) : NULL;
  int rc = !i ? TH_ERROR
           : THTensor_numel(v) > 0 ? ((THTopkKernel)fn)(v, i, x, d, k, largest, sorted) : TH_OK;
  return give_pair(rc, values_out, indices_out, v, i, values, indices);
}

/* ======================================================================= kthvalue */

static int kthvalue_impl(const THTensor *x, int64_t k, int dim, bool keepdim,
                         THTensor *values_out, THTensor *indices_out, THTensor **values,
                         THTensor **indices) {
  int d;
  THDevice dev = THTensor_device(x);
  void (*fn)(void);
  if (wrap_dim("kthvalue", dim, x->ndim, &d) != TH_OK) return TH_ERROR;
  int64_t n = x->ndim > 0 ? x->size[d] : 1;
  if (k < 1 || k > n)
    return TH_setError("[kthvalue] k (%lld) is out of range for dimension %d of size %lld "
                       "(k counts from 1)", (long long)k, d + 1, (long long)n);
  if (check_out("kthvalue", "values", values_out, x->dtype, dev, NULL) != TH_OK ||
      check_out("kthvalue", "indices", indices_out, TH_I64, dev, values_out) != TH_OK ||
      get_kernel(TH_OP_kthvalue, dev, &fn) != TH_OK)
    return TH_ERROR;
  /* result shape: dim kept as size 1, or dropped */
  int64_t sizes[TH_MAX_DIMS];
  int nd = 0;
  for (int j = 0; j < x->ndim; j++) {
    if (j != d) sizes[nd++] = x->size[j];
    else if (keepdim) sizes[nd++] = 1;
  }
  THTensor *v = out_target(values_out, x->dtype, dev, nd, sizes, x);
  THTensor *i = v ? out_target(indices_out, TH_I64, dev, nd, sizes, x) : NULL;
  THTensor *kv = NULL, *ki = NULL; /* the kernel's views, with the dim as size 1 */
  int rc = i ? TH_OK : TH_ERROR;
  if (rc == TH_OK && THTensor_numel(v) > 0) {
    bool squeeze = !keepdim && x->ndim > 0;
    kv = squeeze ? THTensor_unsqueeze(v, d) : v;
    ki = squeeze ? THTensor_unsqueeze(i, d) : i;
    rc = kv && ki ? ((THKthvalueKernel)fn)(kv, ki, x, d, k) : TH_ERROR;
    if (squeeze) {
      THTensor_free(kv);
      THTensor_free(ki);
    }
  }
  return give_pair(rc, values_out, indices_out, v, i, values, indices);
}

/* ======================================================================= recording */

/* sort, topk and kthvalue as recorded ops: when x requires grad (and the values are wanted),
 * the body runs with grad mode off and the values get a node with ints {dim, keepdim} and the
 * indices saved (a copy: the binding makes the ones it hands out 1-based in place).  The
 * formulas are in autograd/THDerivSort.c. */
static bool recording(const THTensor *x, THTensor **values, const char *op, THTensor *vo,
                      THTensor *io, int *rc) {
  *rc = TH_OK;
  if (!values || !THAutograd_wanted(1, &x)) return false;
  if ((vo || io) && THAutograd_checkOut(op, x) != TH_OK) *rc = TH_ERROR;
  return true;
}

static int record_pair(THOp op, int rc, const THTensor *x, int dim, bool keepdim, THTensor *v,
                       THTensor *i, THTensor **values, THTensor **indices) {
  THAutograd_setEnabled(true);
  THTensor *saved = NULL;
  const THDerivative *row;
  if (rc == TH_OK) {
    int d = x->ndim == 0 ? 0 : dim < 0 ? dim + x->ndim : dim;
    int64_t ints[2] = {d, keepdim};
    THTensor *outs[2] = {v, saved = THTensor_clone(i)};
    THRecordArgs a = {.ints = ints, .nints = 2};
    rc = saved && THAutograd_rowFor(op, &row) == TH_OK &&
                 (!row || THAutograd_record(row, 1, &x, 2, outs, &a) == TH_OK)
             ? TH_OK : TH_ERROR;
  }
  THTensor_free(saved);
  if (rc != TH_OK) {
    THTensor_free(v);
    THTensor_free(i);
    return TH_ERROR;
  }
  *values = v;
  if (indices) *indices = i;
  else THTensor_free(i);
  return TH_OK;
}

int THTensor_sort(const THTensor *x, int dim, bool descending, bool stable, THTensor *values_out,
                  THTensor *indices_out, THTensor **values, THTensor **indices) {
  int rc;
  if (!recording(x, values, "sort", values_out, indices_out, &rc))
    return sort_impl(x, dim, descending, stable, values_out, indices_out, values, indices);
  if (rc != TH_OK) return TH_ERROR;
  THTensor *v = NULL, *i = NULL;
  THAutograd_setEnabled(false);
  rc = sort_impl(x, dim, descending, stable, NULL, NULL, &v, &i);
  return record_pair(TH_OP_sort, rc, x, dim, true, v, i, values, indices);
}

int THTensor_topk(const THTensor *x, int64_t k, int dim, bool largest, bool sorted,
                  THTensor *values_out, THTensor *indices_out, THTensor **values,
                  THTensor **indices) {
  int rc;
  if (!recording(x, values, "topk", values_out, indices_out, &rc))
    return topk_impl(x, k, dim, largest, sorted, values_out, indices_out, values, indices);
  if (rc != TH_OK) return TH_ERROR;
  THTensor *v = NULL, *i = NULL;
  THAutograd_setEnabled(false);
  rc = topk_impl(x, k, dim, largest, sorted, NULL, NULL, &v, &i);
  return record_pair(TH_OP_topk, rc, x, dim, true, v, i, values, indices);
}

int THTensor_kthvalue(const THTensor *x, int64_t k, int dim, bool keepdim, THTensor *values_out,
                      THTensor *indices_out, THTensor **values, THTensor **indices) {
  int rc;
  if (!recording(x, values, "kthvalue", values_out, indices_out, &rc))
    return kthvalue_impl(x, k, dim, keepdim, values_out, indices_out, values, indices);
  if (rc != TH_OK) return TH_ERROR;
  THTensor *v = NULL, *i = NULL;
  THAutograd_setEnabled(false);
  rc = kthvalue_impl(x, k, dim, keepdim, NULL, NULL, &v, &i);
  return record_pair(TH_OP_kthvalue, rc, x, dim, keepdim, v, i, values, indices);
}

/* ======================================================================= unique */

static int unique_impl(THOp op, const THTensor *x, THUniqueMode mode, THTensor **values,
                       THTensor **inverse, THTensor **counts) {
  THDevice dev = THTensor_device(x);
  void (*fn)(void);
  if (get_kernel(op, dev, &fn) != TH_OK) return TH_ERROR;
  THTensor *inv = NULL, *v = NULL, *c = NULL;
  if (inverse && !(inv = THTensor_empty(TH_I64, dev, x->ndim, x->size))) return TH_ERROR;
  if (((THUniqueKernel)fn)(x, mode, &v, inv, counts ? &c : NULL) != TH_OK) {
    THTensor_free(inv);
    return TH_ERROR;
  }
  *values = v;
  if (inverse) *inverse = inv;
  if (counts) *counts = c;
  return TH_OK;
}

int THTensor_unique(const THTensor *x, bool sorted, THTensor **values, THTensor **inverse,
                    THTensor **counts) {
  return unique_impl(TH_OP_unique, x, sorted ? TH_UNIQUE_SORTED : TH_UNIQUE_FIRST_SEEN, values,
                     inverse, counts);
}

int THTensor_uniqueConsecutive(const THTensor *x, THTensor **values, THTensor **inverse,
                               THTensor **counts) {
  return unique_impl(TH_OP_unique_consecutive, x, TH_UNIQUE_CONSECUTIVE, values, inverse, counts);
}

/* ======================================================================= searchsorted */

/* A 0-dim tensor holding the number s in dtype; integers wrap like a C cast, as PyTorch's
 * searchsorted(seq, number) does (-7 in a uint8 sequence is searched as 249). */
static THTensor *number_tensor(THScalar s, THDtype dtype, THDevice dev) {
  THTensor *t = THTensor_empty(dtype, TH_CPU, 0, NULL);
  if (!t) return NULL;
  void *p = THTensor_data(t);
  double f = s.kind == TH_KIND_FLOAT ? s.f : (double)s.i;
  uint64_t u = (uint64_t)(s.kind == TH_KIND_FLOAT ? (int64_t)s.f : s.i);
  switch (dtype) {
  case TH_F32: *(float *)p = (float)f; break;
  case TH_F64: *(double *)p = f; break;
  case TH_F16: *(th_half *)p = th_float2half((float)f); break;
  case TH_BF16: *(th_bfloat16 *)p = th_float2bfloat16((float)f); break;
  case TH_I8: *(int8_t *)p = (int8_t)(uint8_t)u; break;
  case TH_I16: *(int16_t *)p = (int16_t)(uint16_t)u; break;
  case TH_I32: *(int32_t *)p = (int32_t)(uint32_t)u; break;
  case TH_I64: *(int64_t *)p = (int64_t)u; break;
  case TH_U8: *(uint8_t *)p = (uint8_t)u; break;
  case TH_BOOL: *(bool *)p = f != 0; break;
  default: break;
  }
  if (dev.type == TH_DEVICE_CPU) return t;
  THTensor *d = THTensor_empty(dtype, dev, 0, NULL);
  if (d && THTensor_copy(d, t) != TH_OK) {
    THTensor_free(d);
    d = NULL;
  }
  THTensor_free(t);
  return d;
}

/* Checks that every entry of the contiguous int64 sorter is in [0, m); a device tensor is
 * read through a host copy. */
static int check_sorter(const char *name, const THTensor *srt, int64_t m) {
  THTensor *host = NULL;
  if (THTensor_device(srt).type != TH_DEVICE_CPU) {
    host = THTensor_empty(TH_I64, TH_CPU, srt->ndim, srt->size);
    if (!host || THTensor_copy(host, srt) != TH_OK) {
      THTensor_free(host);
      return TH_ERROR;
    }
  }
  const int64_t *p = THTensor_data(host ? host : srt);
  int64_t total = THTensor_numel(srt);
  int rc = TH_OK;
  for (int64_t j = 0; j < total && rc == TH_OK; j++)
    if (p[j] < 0 || p[j] >= m)
      rc = TH_setError("[%s] sorter index %lld is out of range for a sorted_sequence dimension "
                       "of size %lld", name, (long long)p[j], (long long)m);
  THTensor_free(host);
  return rc;
}

static THTensor *search_impl(THOp op, THTensor *out, const THTensor *seq, THArg values, bool right,
                             bool out_int32, const THTensor *sorter) {
  const char *name = THOp_info(op)->name;
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN], b1[32], b2[32];
  THDevice dev = THTensor_device(seq);
  if (seq->ndim == 0) {
    TH_setError("[%s] sorted_sequence must have at least one dimension, got a 0-dim tensor", name);
    return NULL;
  }
  if (values.t && !THDevice_equal(THTensor_device(values.t), dev)) {
    TH_setError("[%s] expected all tensors on one device, got %s and %s", name,
                device_str(dev, b1), device_str(THTensor_device(values.t), b2));
    return NULL;
  }
  if (seq->ndim > 1) {
    if (!values.t) {
      TH_setError("[%s] values can be a number only when sorted_sequence is 1-D, but "
                  "sorted_sequence has shape %s", name, TH_formatShape(a, seq->ndim, seq->size));
      return NULL;
    }
    const THTensor *vt = values.t;
    bool ok = vt->ndim == seq->ndim;
    for (int j = 0; ok && j < seq->ndim - 1; j++) ok = vt->size[j] == seq->size[j];
    if (!ok) {
      TH_setError("[%s] sorted_sequence of shape %s and values of shape %s must have the same "
                  "leading dimensions (or sorted_sequence must be 1-D)", name,
                  TH_formatShape(a, seq->ndim, seq->size), TH_formatShape(b, vt->ndim, vt->size));
      return NULL;
    }
  }
  if (sorter) {
    if (sorter->dtype != TH_I64) {
      TH_setError("[%s] sorter must be an int64 tensor, got %s", name, THDtype_name(sorter->dtype));
      return NULL;
    }
    if (!same_shape(sorter, seq->ndim, seq->size)) {
      TH_setError("[%s] sorter of shape %s must have the shape of sorted_sequence %s", name,
                  TH_formatShape(a, sorter->ndim, sorter->size),
                  TH_formatShape(b, seq->ndim, seq->size));
      return NULL;
    }
    if (!THDevice_equal(THTensor_device(sorter), dev)) {
      TH_setError("[%s] sorter is on device %s, but sorted_sequence on %s", name,
                  device_str(THTensor_device(sorter), b1), device_str(dev, b2));
      return NULL;
    }
  }
  THDtype odt = out_int32 ? TH_I32 : TH_I64;
  if (out) {
    if (out->dtype != odt) {
      TH_setError("[%s] expected the output to have dtype %s%s, but got %s", name, THDtype_name(odt),
                  out_int32 ? " (out_int32 is set)" : " (int32 needs out_int32)",
                  THDtype_name(out->dtype));
      return NULL;
    }
    if (!THDevice_equal(THTensor_device(out), dev)) {
      TH_setError("[%s] expected the output on device %s, but got %s", name, device_str(dev, b1),
                  device_str(THTensor_device(out), b2));
      return NULL;
    }
  }
  void (*fn)(void);
  if (get_kernel(op, dev, &fn) != TH_OK) return NULL;

  /* seq, values (and sorter) contiguous in one dtype (PyTorch's result_type of the two) */
  THArg args[2] = {THArg_tensor(seq), values};
  THDtype compute = THMath_resultType(2, args);
  THTensor *s = NULL, *v = NULL, *srt = NULL, *target = NULL, *result = NULL;
  if (!(s = THTensor_toDtype(seq, compute))) goto done;
  if (!THTensor_isContiguous(s)) {
    THTensor *c = THTensor_contiguous(s);
    THTensor_free(s);
    if (!(s = c)) goto done;
  }
  if (values.t) {
    if (!(v = THTensor_toDtype(values.t, compute))) goto done;
    if (!THTensor_isContiguous(v)) {
      THTensor *c = THTensor_contiguous(v);
      THTensor_free(v);
      if (!(v = c)) goto done;
    }
  } else {
    if (!(v = number_tensor(values.s, compute, dev))) goto done;
  }
  if (sorter) {
    if (!(srt = THTensor_contiguous(sorter))) goto done;
    if (check_sorter(name, srt, seq->size[seq->ndim - 1]) != TH_OK) goto done;
  }
  /* the kernel writes a contiguous result that no input shares */
  bool direct = out && same_shape(out, v->ndim, v->size) && THTensor_isContiguous(out) &&
                out->storage != seq->storage && !(values.t && out->storage == values.t->storage) &&
                !(sorter && out->storage == sorter->storage);
  if (direct) THTensor_retain(target = out);
  else if (!(target = THTensor_empty(odt, dev, v->ndim, v->size))) goto done;
  if (THTensor_numel(target) > 0 && ((THSearchKernel)fn)(target, s, v, srt, right) != TH_OK) goto done;
  result = out_finish(out, target);
  target = NULL;
done:
  THTensor_free(target);
  THTensor_free(s);
  THTensor_free(v);
  THTensor_free(srt);
  return result;
}

THTensor *THTensor_searchsorted(THTensor *out, const THTensor *seq, THArg values, bool right,
                                bool out_int32, const THTensor *sorter) {
  return search_impl(TH_OP_searchsorted, out, seq, values, right, out_int32, sorter);
}

THTensor *THTensor_bucketize(THTensor *out, THArg input, const THTensor *boundaries, bool right,
                             bool out_int32) {
  if (boundaries->ndim != 1) {
    char a[TH_SHAPE_STRLEN];
    TH_setError("[bucketize] boundaries must be 1-D, but got shape %s",
                TH_formatShape(a, boundaries->ndim, boundaries->size));
    return NULL;
  }
  return search_impl(TH_OP_bucketize, out, boundaries, input, right, out_int32, NULL);
}
