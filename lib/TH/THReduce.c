/* THReduce.c: the device-independent half of the reductions and scans: dims and dtype
 * checks, PyTorch's result-dtype rules, output allocation, out= handling, then one call
 * through the dispatch table (REDUCE and SCAN families; kernels in THCpuReduce*.c and
 * THCpuScan.c).  Kernels always write fresh contiguous outputs; out= tensors are filled by a
 * copy afterwards, so a failed op leaves them untouched. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "THReduce.h"
#include "autograd/THNode.h"

/* ======================================================================= helpers */

static bool is_int_or_bool(THDtype t) { return THDtype_kind(t) != TH_KIND_FLOAT; }

/* A view of t without the dims flagged in drop (t contiguous, keepdim shape). */
static THTensor *squeeze_dims(THTensor *t, const bool *drop) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++)
    if (!drop[d]) {
      sz[n] = t->size[d];
      st[n] = t->stride[d];
      n++;
    }
  THTensor *v = THTensor_newView(t->storage, t->dtype, t->offset, n, sz, st);
  THTensor_free(t);
  return v;
}

/* x as a 1-D contiguous tensor (a copy when x is not contiguous). */
static THTensor *flat_contiguous(const THTensor *x) {
  THTensor *c = THTensor_contiguous(x);
  if (!c) return NULL;
  int64_t n = THTensor_numel(c), one = 1;
  THTensor *v = THTensor_newView(c->storage, c->dtype, c->offset, 1, &n, &one);
  THTensor_free(c);
  return v;
}

/* x converted to dtype (x itself, retained, when it already has it). */
static THTensor *as_dtype(const THTensor *x, THDtype dtype) {
  if (x->dtype == dtype) {
    THTensor_retain((THTensor *)x);
    return (THTensor *)x;
  }
  return THTensor_toDtype(x, dtype);
}

/* Copies r into out (resized to r's shape); out's dtype has been checked. */
static THTensor *into_out(THTensor *out, THTensor *r) {
  if (THTensor_resize(out, r->ndim, r->size) != TH_OK || THTensor_copy(out, r) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  THTensor_free(r);
  THTensor_retain(out);
  return out;
}

/* How out= relates to the result dtype. */
typedef enum {
  OUT_SETS_DTYPE, /* out's dtype becomes the computation dtype (sum, prod, cumsum, ...) */
  OUT_CAST,       /* any dtype: the result is converted into it (norm, var, std) */
  OUT_FLOAT,      /* any floating dtype (logsumexp, logcumsumexp) */
  OUT_EXACT,      /* exactly the result's dtype (max, argmax, median, all, ...) */
} OutRule;

static int check_out(const char *name, const THTensor *out, THDtype result, OutRule rule,
                     const char *what) {
  if (!out) return TH_OK;
  if (rule == OUT_FLOAT && !THDtype_isFloating(out->dtype))
    return TH_setError("[%s] expected a floating point dtype for the out= tensor, got %s", name,
                       THDtype_name(out->dtype));
  if (rule == OUT_EXACT && out->dtype != result)
    return TH_setError("[%s] expected the out= tensor%s to have dtype %s, got %s", name, what,
                       THDtype_name(result), THDtype_name(out->dtype));
  if (THTensor_device(out).type != TH_DEVICE_CPU && THTensor_device(out).type != TH_DEVICE_CUDA)
    return TH_setError("[%s] unknown device of the out= tensor", name);
  return TH_OK;
}

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* The out= tensors (any may be NULL) on x's device. */
static int check_out_devices(const char *name, const THTensor *x, THTensor *const *outs, int n) {
  char b1[32], b2[32];
  for (int k = 0; k < n && outs; k++)
    if (outs[k] && !THDevice_equal(THTensor_device(outs[k]), THTensor_device(x)))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at "
                         "least two devices, %s and %s", name, device_name(THTensor_device(x), b1),
                         device_name(THTensor_device(outs[k]), b2));
  return TH_OK;
}

/* ======================================================================= reductions */

typedef struct {
  bool single_dim;   /* takes one dim at most (prod, argmax, max/min/median/mode along a dim) */
  bool needs_elem;   /* an empty reduced dim is an error (max, argmax, median, mode, ...) */
  OutRule out_rule;
} RedInfo;

static RedInfo red_info(THOp op) {
  switch (op) {
  case TH_OP_sum: case TH_OP_nansum: case TH_OP_mean:
    return (RedInfo){false, false, OUT_SETS_DTYPE};
  case TH_OP_prod: return (RedInfo){true, false, OUT_SETS_DTYPE};
  case TH_OP_amax: case TH_OP_amin: return (RedInfo){false, true, OUT_EXACT};
  case TH_OP_max: case TH_OP_min: case TH_OP_argmax: case TH_OP_argmin:
  case TH_OP_median: case TH_OP_nanmedian: case TH_OP_mode:
    return (RedInfo){true, true, OUT_EXACT};
  case TH_OP_var: case TH_OP_std: case TH_OP_var_mean: case TH_OP_std_mean: case TH_OP_norm:
    return (RedInfo){false, false, OUT_CAST};
  case TH_OP_logsumexp: return (RedInfo){false, false, OUT_FLOAT};
  default: return (RedInfo){false, false, OUT_EXACT}; /* all, any, count_nonzero */
  }
}

/* The dtype the kernel writes for op on input dtype in (before any conversion to the
 * requested dtype). */
static THDtype kernel_out_dtype(THOp op, THDtype in, int k) {
  switch (op) {
  case TH_OP_sum: case TH_OP_nansum: case TH_OP_prod:
    return is_int_or_bool(in) ? TH_I64 : in;
  case TH_OP_argmax: case TH_OP_argmin: case TH_OP_count_nonzero: return TH_I64;
  case TH_OP_all: case TH_OP_any: return in == TH_U8 ? TH_U8 : TH_BOOL;
  case TH_OP_max: case TH_OP_min: case TH_OP_median: case TH_OP_nanmedian: case TH_OP_mode:
    return k == 1 ? TH_I64 : in;
  default: return in;
  }
}

static int n_outputs(THOp op, bool all) {
  switch (op) {
  case TH_OP_var_mean: case TH_OP_std_mean: return 2;
  case TH_OP_max: case TH_OP_min: case TH_OP_median: case TH_OP_nanmedian:
    return all ? 1 : 2;
  case TH_OP_mode: return 2;
  default: return 1;
  }
}

static int reduce_run(THOp op, const THTensor *x, int ndims, const int *dims, bool keepdim,
                      int dtype, double p, double correction, THTensor *const *outs,
                      THTensor **results) {
  const THOpInfo *info = THOp_info(op);
  const char *name = info->name;
  char sbuf[TH_SHAPE_STRLEN];
  if (info->kind != TH_KIND_REDUCE) return TH_setError("[%s] is not a reduction", name);
  RedInfo ri = red_info(op);
  int nd = x->ndim;
  if (ndims < 0) ndims = 0;
  if (ndims > TH_MAX_DIMS) return TH_setError("[%s] too many dims (%d)", name, ndims);

  /* ---- dims */
  bool mask[TH_MAX_DIMS] = {0};
  bool all = ndims == 0;
  if (op == TH_OP_mode && all) { /* mode reduces the last dim by default */
    all = false;
    if (nd > 0) mask[nd - 1] = true;
  }
  if (ri.single_dim && ndims > 1)
    return TH_setError("[%s] expects a single dimension, got a list of %d", name, ndims);
  for (int i = 0; i < ndims; i++) {
    int d;
    if (THTensor_wrapDim(name, dims[i], nd, &d) != TH_OK) return TH_ERROR;
    if (nd == 0) continue; /* a 0-dim tensor reduces to itself */
    if (mask[d])
      return TH_setError("[%s] dim %d appears multiple times in the list of dims", name, d + 1);
    mask[d] = true;
  }
  if (all)
    for (int d = 0; d < nd; d++) mask[d] = true;
  int64_t numel = THTensor_numel(x);

  /* ---- dtypes */
  THDtype in = x->dtype;
  int want = dtype; /* requested result dtype, or -1 */
  if (dtype >= 0 && dtype >= TH_NDTYPES) return TH_setError("[%s] invalid dtype", name);
  if (dtype >= 0 && op != TH_OP_sum && op != TH_OP_nansum && op != TH_OP_mean &&
      op != TH_OP_prod && op != TH_OP_norm)
    return TH_setError("[%s] does not take a dtype", name);
  if (ri.out_rule == OUT_SETS_DTYPE && outs && outs[0]) {
    if (dtype >= 0 && (THDtype)dtype != outs[0]->dtype)
      return TH_setError("[%s] dtype %s does not match the dtype of out= (%s)", name,
                         THDtype_name((THDtype)dtype), THDtype_name(outs[0]->dtype));
    want = outs[0]->dtype;
  }
  THDtype compute = in; /* the dtype the kernel reads */
  switch (op) {
  case TH_OP_sum: case TH_OP_nansum: case TH_OP_prod:
    if (want >= 0 && want != (int)in && !(is_int_or_bool(in) && want == TH_I64)) compute = (THDtype)want;
    break;
  case TH_OP_mean:
    if (want >= 0) {
      if (!THDtype_isFloating((THDtype)want)) {
        if (dtype < 0) /* from out= */
          return TH_setError("[mean] result type %s can't be cast to the desired output type %s",
                             THDtype_name(THDtype_isFloating(in) ? in : THDtype_getDefault()),
                             THDtype_name((THDtype)want));
        return TH_setError("[mean] could not infer output dtype. Optional dtype must be either a "
                           "floating point or complex dtype. Got: %s", THDtype_name((THDtype)want));
      }
      if (dtype < 0 && !THDtype_isFloating(in))
        return TH_setError("[mean] could not infer output dtype. Input dtype must be either a "
                           "floating point or complex dtype. Got: %s", THDtype_name(in));
      compute = (THDtype)want;
    } else if (!THDtype_isFloating(in)) {
      return TH_setError("[mean] could not infer output dtype. Input dtype must be either a "
                         "floating point or complex dtype. Got: %s", THDtype_name(in));
    }
    break;
  case TH_OP_var: case TH_OP_std: case TH_OP_var_mean: case TH_OP_std_mean:
    if (!THDtype_isFloating(in))
      return TH_setError("[%s] std and var only support floating point dtypes, got %s", name,
                         THDtype_name(in));
    if (isnan(correction)) return TH_setError("[%s] correction must be a number, got nan", name);
    break;
  case TH_OP_norm:
    if (dtype >= 0) {
      if (!THDtype_isFloating((THDtype)dtype))
        return TH_setError("[norm] dtype should be floating point, got %s",
                           THDtype_name((THDtype)dtype));
      compute = (THDtype)dtype;
    } else if (!THDtype_isFloating(in)) {
      return TH_setError("[norm] input dtype should be floating point, got %s", THDtype_name(in));
    }
    if (isnan(p)) return TH_setError("[norm] the order p must be a number, got nan");
    break;
  case TH_OP_logsumexp:
    if (!THDtype_isFloating(in)) compute = THDtype_getDefault();
    break;
  case TH_OP_median: case TH_OP_nanmedian:
    if (in == TH_BOOL) return TH_setError("[%s] not implemented for dtype bool", name);
    break;
  default: break;
  }
  int nout = n_outputs(op, all);
  THDtype result_dt[2];
  for (int k = 0; k < nout; k++) {
    result_dt[k] = kernel_out_dtype(op, compute, k);
    if (k == 0 && (op == TH_OP_sum || op == TH_OP_nansum || op == TH_OP_prod) && want >= 0)
      result_dt[k] = (THDtype)want;
  }
  /* out= checks come before anything is written */
  if (check_out_devices(name, x, outs, nout) != TH_OK) return TH_ERROR;
  for (int k = 0; k < nout && outs; k++) {
    OutRule rule = k == 1 && nout == 2 && op != TH_OP_var_mean && op != TH_OP_std_mean
                     ? OUT_EXACT : ri.out_rule;
    if (rule == OUT_SETS_DTYPE) continue;
    const char *what = nout == 1 ? "" : k == 0 ? " for the values" : " for the indices";
    if (op == TH_OP_var_mean || op == TH_OP_std_mean) what = k == 0 ? " for the var/std" : " for the mean";
    if (check_out(name, outs[k], result_dt[k], rule, what) != TH_OK) return TH_ERROR;
  }

  /* ---- empty inputs */
  if (ri.needs_elem) {
    if (all && numel == 0 && op != TH_OP_median && op != TH_OP_nanmedian)
      return TH_setError("[%s] expected a non-empty tensor when no dim is given (input shape %s); "
                         "specify the reduction dim", name, TH_formatShape(sbuf, nd, x->size));
    if (!all && numel == 0)
      for (int d = 0; d < nd; d++)
        if (mask[d] && x->size[d] == 0)
          return TH_setError("[%s] expected reduction dim %d to have non-zero size (input shape %s)",
                             name, d + 1, TH_formatShape(sbuf, nd, x->size));
  }
  if ((op == TH_OP_median || op == TH_OP_nanmedian) && all && numel == 0 && !THDtype_isFloating(in))
    return TH_setError("[%s] cannot take the median of an empty %s tensor", name, THDtype_name(in));

  /* ---- the input the kernel reads */
  THTensor *xc = NULL, *tmp[2] = {0};
  int rc = TH_ERROR;
  bool flattened = false;
  if (all && (op == TH_OP_argmax || op == TH_OP_argmin || op == TH_OP_median ||
              op == TH_OP_nanmedian)) {
    /* a flat index over the row-major tensor: reduce a 1-D contiguous copy */
    THTensor *c = as_dtype(x, compute);
    xc = c ? flat_contiguous(c) : NULL;
    THTensor_free(c);
    flattened = true;
  } else {
    xc = as_dtype(x, compute);
  }
  if (!xc) return TH_ERROR;

  THReduceArgs a;
  memset(&a, 0, sizeof a);
  a.op = op;
  a.x = xc;
  a.nout = nout;
  a.p = p;
  a.correction = correction;
  a.count = 1;
  int64_t osz[TH_MAX_DIMS];
  for (int d = 0; d < xc->ndim; d++) {
    a.reduced[d] = flattened ? true : mask[d];
    osz[d] = a.reduced[d] ? 1 : xc->size[d];
    if (a.reduced[d]) a.count *= xc->size[d];
  }
  for (int k = 0; k < nout; k++) {
    a.out[k] = THTensor_empty(kernel_out_dtype(op, compute, k), THTensor_device(xc), xc->ndim, osz);
    if (!a.out[k]) goto done;
  }
  if (THTensor_numel(a.out[0]) > 0) {
    THKernel kern;
    if (THDispatch_get(op, THTensor_device(xc), &kern) != TH_OK) goto done;
    if (((THReduceKernel)kern.fn)(&a) != TH_OK) goto done;
  }

  /* ---- shape the results: keepdim, flattened inputs, requested dtypes */
  for (int k = 0; k < nout; k++) {
    THTensor *r = a.out[k];
    a.out[k] = NULL;
    if (flattened) { /* back to x's rank */
      int64_t ones[TH_MAX_DIMS], st[TH_MAX_DIMS];
      for (int d = 0; d < nd; d++) ones[d] = st[d] = 1;
      THTensor *v = THTensor_newView(r->storage, r->dtype, r->offset, keepdim ? nd : 0, ones, st);
      THTensor_free(r);
      r = v;
    } else if (!keepdim) {
      r = squeeze_dims(r, mask);
    }
    if (r && r->dtype != result_dt[k]) {
      THTensor *c = THTensor_toDtype(r, result_dt[k]);
      THTensor_free(r);
      r = c;
    }
    if (r && outs && outs[k]) r = into_out(outs[k], r);
    if (!r) goto done;
    tmp[k] = r;
  }
  for (int k = 0; k < nout; k++) {
    results[k] = tmp[k];
    tmp[k] = NULL;
  }
  rc = TH_OK;
done:
  for (int k = 0; k < 2; k++) {
    THTensor_free(a.out[k]);
    THTensor_free(tmp[k]);
  }
  THTensor_free(xc);
  return rc;
}

/* PyTorch's node name where it depends on the form of the call (sum() is SumBackward0,
 * sum(dim) SumBackward1, max() MaxBackward1, max(dim) MaxBackward0, ...); NULL: the row's. */
static const char *node_name(THOp op, bool all) {
  switch (op) {
  case TH_OP_sum: return all ? "SumBackward0" : "SumBackward1";
  case TH_OP_mean: return all ? "MeanBackward0" : "MeanBackward1";
  case TH_OP_prod: return all ? "ProdBackward0" : "ProdBackward1";
  case TH_OP_max: return all ? "MaxBackward1" : "MaxBackward0";
  case TH_OP_min: return all ? "MinBackward1" : "MinBackward0";
  case TH_OP_median: return all ? "MedianBackward0" : "MedianBackward1";
  case TH_OP_nanmedian: return all ? "NanmedianBackward0" : "NanmedianBackward1";
  default: return NULL;
  }
}

/* The recorded entry: the node gets ints {keepdim, mask of reduced dims (0: all), nout} and
 * params {alpha = p, beta = correction}; the formulas are in autograd/THDerivReduce.c.  An
 * index output is recorded as a copy, so that the binding may turn the indices it hands out
 * 1-based in place without touching the ones the formula reads. */
int THReduce_run(THOp op, const THTensor *x, int ndims, const int *dims, bool keepdim, int dtype,
                 double p, double correction, THTensor *const *outs, THTensor **results) {
  bool rec = THAutograd_wanted(1, &x) && THOp_info(op)->backward; /* argmax, all, ...: never */
  if (rec && outs && (outs[0] || outs[1]) && THAutograd_checkOut(THOp_info(op)->name, x) != TH_OK)
    return TH_ERROR;
  if (!rec) return reduce_run(op, x, ndims, dims, keepdim, dtype, p, correction, outs, results);
  THAutograd_setEnabled(false);
  int rc = reduce_run(op, x, ndims, dims, keepdim, dtype, p, correction, outs, results);
  THAutograd_setEnabled(true);
  if (rc != TH_OK) return TH_ERROR;
  const THDerivative *row;
  bool all = ndims <= 0;
  int nout = n_outputs(op, all);
  int64_t mask = 0;
  for (int i = 0; i < ndims; i++) {
    int d = dims[i] < 0 ? dims[i] + (x->ndim ? x->ndim : 1) : dims[i];
    mask |= (int64_t)1 << d;
  }
  if (op == TH_OP_mode && all && x->ndim > 0) mask = (int64_t)1 << (x->ndim - 1);
  int64_t ints[3] = {keepdim, mask, nout};
  THOpParams prm = TH_OPPARAMS_DEFAULT;
  prm.alpha.kind = prm.beta.kind = TH_KIND_FLOAT;
  prm.alpha.f = p;
  prm.beta.f = correction;
  THRecordArgs a = {.params = &prm, .ints = ints, .nints = 3, .name = node_name(op, all)};
  THTensor *recorded[2] = {results[0], nout > 1 ? results[1] : NULL};
  bool indices = nout > 1 && results[1]->dtype == TH_I64;
  if (indices && !(recorded[1] = THTensor_clone(results[1]))) rc = TH_ERROR;
  if (rc == TH_OK && THAutograd_rowFor(op, &row) == TH_OK &&
      (!row || THAutograd_record(row, 1, &x, nout, recorded, &a) == TH_OK)) {
    if (indices) THTensor_free(recorded[1]);
    return TH_OK;
  }
  if (indices) THTensor_free(recorded[1]);
  for (int k = 0; k < nout; k++) {
    THTensor_free(results[k]);
    results[k] = NULL;
  }
  return TH_ERROR;
}

/* ======================================================================= named forms */

static THTensor *one(THOp op, THTensor *out, const THTensor *x, int ndims, const int *dims,
                     bool keepdim, int dtype, double p, double correction) {
  THTensor *outs[2] = {out, NULL}, *r[2] = {NULL, NULL};
  if (THReduce_run(op, x, ndims, dims, keepdim, dtype, p, correction, outs, r) != TH_OK)
    return NULL;
  THTensor_free(r[1]);
  return r[0];
}

THTensor *THTensor_sum(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim,
                       int dtype) {
  return one(TH_OP_sum, out, x, ndims, dims, keepdim, dtype, 0, 0);
}
THTensor *THTensor_nansum(THTensor *out, const THTensor *x, int ndims, const int *dims,
                          bool keepdim, int dtype) {
  return one(TH_OP_nansum, out, x, ndims, dims, keepdim, dtype, 0, 0);
}
THTensor *THTensor_mean(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim,
                        int dtype) {
  return one(TH_OP_mean, out, x, ndims, dims, keepdim, dtype, 0, 0);
}
THTensor *THTensor_prod(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim,
                        int dtype) {
  return one(TH_OP_prod, out, x, ndims, dims, keepdim, dtype, 0, 0);
}
THTensor *THTensor_amax(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim) {
  return one(TH_OP_amax, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_amin(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim) {
  return one(TH_OP_amin, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_maxAll(THTensor *out, const THTensor *x) {
  return one(TH_OP_max, out, x, 0, NULL, false, -1, 0, 0);
}
THTensor *THTensor_minAll(THTensor *out, const THTensor *x) {
  return one(TH_OP_min, out, x, 0, NULL, false, -1, 0, 0);
}

static int two(THOp op, THTensor **v, THTensor **i, THTensor *ov, THTensor *oi, const THTensor *x,
               int dim, bool keepdim) {
  THTensor *outs[2] = {ov, oi}, *r[2] = {NULL, NULL};
  if (THReduce_run(op, x, 1, &dim, keepdim, -1, 0, 0, outs, r) != TH_OK) return TH_ERROR;
  *v = r[0];
  *i = r[1];
  return TH_OK;
}
int THTensor_maxDim(THTensor **values, THTensor **indices, THTensor *out_values,
                    THTensor *out_indices, const THTensor *x, int dim, bool keepdim) {
  return two(TH_OP_max, values, indices, out_values, out_indices, x, dim, keepdim);
}
int THTensor_minDim(THTensor **values, THTensor **indices, THTensor *out_values,
                    THTensor *out_indices, const THTensor *x, int dim, bool keepdim) {
  return two(TH_OP_min, values, indices, out_values, out_indices, x, dim, keepdim);
}
THTensor *THTensor_argmax(THTensor *out, const THTensor *x, int ndims, const int *dims,
                          bool keepdim) {
  return one(TH_OP_argmax, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_argmin(THTensor *out, const THTensor *x, int ndims, const int *dims,
                          bool keepdim) {
  return one(TH_OP_argmin, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_var(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim,
                       double correction) {
  return one(TH_OP_var, out, x, ndims, dims, keepdim, -1, 0, correction);
}
THTensor *THTensor_std(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim,
                       double correction) {
  return one(TH_OP_std, out, x, ndims, dims, keepdim, -1, 0, correction);
}
THTensor *THTensor_norm(THTensor *out, const THTensor *x, double p, int ndims, const int *dims,
                        bool keepdim, int dtype) {
  return one(TH_OP_norm, out, x, ndims, dims, keepdim, dtype, p, 0);
}
THTensor *THTensor_logsumexp(THTensor *out, const THTensor *x, int ndims, const int *dims,
                             bool keepdim) {
  return one(TH_OP_logsumexp, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_all(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim) {
  return one(TH_OP_all, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_any(THTensor *out, const THTensor *x, int ndims, const int *dims, bool keepdim) {
  return one(TH_OP_any, out, x, ndims, dims, keepdim, -1, 0, 0);
}
THTensor *THTensor_countNonzero(THTensor *out, const THTensor *x, int ndims, const int *dims) {
  return one(TH_OP_count_nonzero, out, x, ndims, dims, false, -1, 0, 0);
}
THTensor *THTensor_medianAll(THTensor *out, const THTensor *x) {
  return one(TH_OP_median, out, x, 0, NULL, false, -1, 0, 0);
}

/* ======================================================================= scans */

static int scan_run(THOp op, const THTensor *x, int dim, int dtype, THTensor *const *outs,
                    THTensor **results) {
  const THOpInfo *info = THOp_info(op);
  const char *name = info->name;
  if (info->kind != TH_KIND_SCAN) return TH_setError("[%s] is not a scan", name);
  int d;
  if (THTensor_wrapDim(name, dim, x->ndim, &d) != TH_OK) return TH_ERROR;
  bool values_indices = op == TH_OP_cummax || op == TH_OP_cummin;
  int nout = values_indices ? 2 : 1;
  if (dtype >= TH_NDTYPES) return TH_setError("[%s] invalid dtype", name);
  if (dtype >= 0 && op != TH_OP_cumsum && op != TH_OP_cumprod)
    return TH_setError("[%s] does not take a dtype", name);
  int want = dtype;
  if ((op == TH_OP_cumsum || op == TH_OP_cumprod) && outs && outs[0]) {
    if (dtype >= 0 && (THDtype)dtype != outs[0]->dtype)
      return TH_setError("[%s] dtype %s does not match the dtype of out= (%s)", name,
                         THDtype_name((THDtype)dtype), THDtype_name(outs[0]->dtype));
    want = outs[0]->dtype;
  }
  THDtype rd = x->dtype;
  if (op == TH_OP_cumsum || op == TH_OP_cumprod)
    rd = want >= 0 ? (THDtype)want : is_int_or_bool(x->dtype) ? TH_I64 : x->dtype;
  if (op == TH_OP_logcumsumexp && !THDtype_isFloating(rd))
    return TH_setError("[logcumsumexp] not implemented for dtype %s", THDtype_name(rd));
  if (outs) {
    if (check_out_devices(name, x, outs, nout) != TH_OK) return TH_ERROR;
    if (op == TH_OP_logcumsumexp && check_out(name, outs[0], rd, OUT_FLOAT, "") != TH_OK)
      return TH_ERROR;
    if (values_indices && (check_out(name, outs[0], rd, OUT_EXACT, " for the values") != TH_OK ||
                           check_out(name, outs[1], TH_I64, OUT_EXACT, " for the indices") != TH_OK))
      return TH_ERROR;
  }
  THScanArgs a;
  memset(&a, 0, sizeof a);
  a.op = op;
  a.dim = x->ndim == 0 ? 0 : d;
  a.nout = nout;
  THTensor *xc = THTensor_toDtype(x, rd); /* contiguous, in the result dtype */
  THTensor *tmp[2] = {0};
  int rc = TH_ERROR;
  if (!xc) return TH_ERROR;
  a.x = xc;
  for (int k = 0; k < nout; k++)
    if (!(a.out[k] = THTensor_empty(k ? TH_I64 : rd, THTensor_device(xc), xc->ndim, xc->size)))
      goto done;
  if (THTensor_numel(xc) > 0) {
    THKernel kern;
    if (THDispatch_get(op, THTensor_device(xc), &kern) != TH_OK) goto done;
    if (((THScanKernel)kern.fn)(&a) != TH_OK) goto done;
  }
  for (int k = 0; k < nout; k++) {
    THTensor *r = a.out[k];
    a.out[k] = NULL;
    if (outs && outs[k]) r = into_out(outs[k], r);
    if (!r) goto done;
    tmp[k] = r;
  }
  for (int k = 0; k < nout; k++) {
    results[k] = tmp[k];
    tmp[k] = NULL;
  }
  rc = TH_OK;
done:
  for (int k = 0; k < 2; k++) {
    THTensor_free(a.out[k]);
    THTensor_free(tmp[k]);
  }
  THTensor_free(xc);
  return rc;
}

/* The recorded entry: the node gets ints {dim} (wrapped; 0 for a 0-dim input); cummax/cummin
 * record a copy of their indices (see THReduce_run).  Formulas in autograd/THDerivReduce.c. */
int THScan_run(THOp op, const THTensor *x, int dim, int dtype, THTensor *const *outs,
               THTensor **results) {
  bool rec = THAutograd_wanted(1, &x) && THOp_info(op)->backward;
  if (rec && outs && (outs[0] || outs[1]) && THAutograd_checkOut(THOp_info(op)->name, x) != TH_OK)
    return TH_ERROR;
  if (!rec) return scan_run(op, x, dim, dtype, outs, results);
  THAutograd_setEnabled(false);
  int rc = scan_run(op, x, dim, dtype, outs, results);
  THAutograd_setEnabled(true);
  if (rc != TH_OK) return TH_ERROR;
  int nout = op == TH_OP_cummax || op == TH_OP_cummin ? 2 : 1;
  int64_t ints[1] = {x->ndim == 0 ? 0 : dim < 0 ? dim + x->ndim : dim};
  THRecordArgs a = {.ints = ints, .nints = 1};
  THTensor *recorded[2] = {results[0], nout > 1 ? THTensor_clone(results[1]) : NULL};
  const THDerivative *row;
  if (nout > 1 && !recorded[1]) rc = TH_ERROR;
  if (rc == TH_OK && THAutograd_rowFor(op, &row) == TH_OK &&
      (!row || THAutograd_record(row, 1, &x, nout, recorded, &a) == TH_OK)) {
    THTensor_free(recorded[1]);
    return TH_OK;
  }
  THTensor_free(recorded[1]);
  for (int k = 0; k < nout; k++) {
    THTensor_free(results[k]);
    results[k] = NULL;
  }
  return TH_ERROR;
}

THTensor *THTensor_cumsum(THTensor *out, const THTensor *x, int dim, int dtype) {
  THTensor *outs[2] = {out, NULL}, *r[2] = {NULL, NULL};
  return THScan_run(TH_OP_cumsum, x, dim, dtype, outs, r) == TH_OK ? r[0] : NULL;
}
THTensor *THTensor_cumprod(THTensor *out, const THTensor *x, int dim, int dtype) {
  THTensor *outs[2] = {out, NULL}, *r[2] = {NULL, NULL};
  return THScan_run(TH_OP_cumprod, x, dim, dtype, outs, r) == TH_OK ? r[0] : NULL;
}
