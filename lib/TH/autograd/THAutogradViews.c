/* THAutogradViews.c: views and copies as recorded ops (see THAutogradViews.h).  Each wrapper
 * calls the raw THTensor_ primitive and records the node with the integers its formula needs
 * (THDerivViews.c reads them in the same order). */
#include "THAutogradViews.h"
#include "THNode.h"

/* Notes which tensor a view views (its root), for in-place ops on views, then records. */
static THTensor *view_rec(THOp op, const THTensor *t, THTensor *r, int nints, const int64_t *ints) {
  if (r && r != t && r->storage == t->storage && !r->base) {
    THTensor *root = t->base ? t->base : (THTensor *)t;
    THTensor_retain(root);
    r->base = root;
  }
  return THAutograd_recordUnary(op, t, r, nints, ints);
}

#define REC(op, t, r, ...)                                                        \
  do {                                                                            \
    const int64_t ints_[] = {__VA_ARGS__};                                        \
    return view_rec(TH_OP_##op, t, r, (int)(sizeof ints_ / sizeof ints_[0]), ints_); \
  } while (0)

THTensor *THAutograd_view(const THTensor *t, int ndim, const int64_t *sizes) {
  return view_rec(TH_OP_view, t, THTensor_view(t, ndim, sizes), 0, NULL);
}

/* A view when the strides allow, else a copy; either way the gradient is reshaped back. */
THTensor *THAutograd_reshape(const THTensor *t, int ndim, const int64_t *sizes) {
  return view_rec(TH_OP_reshape_alias, t, THTensor_reshape(t, ndim, sizes), 0, NULL);
}

THTensor *THAutograd_transpose(const THTensor *t, int d0, int d1) {
  THTensor *r = THTensor_transpose(t, d0, d1);
  if (!r) return NULL;
  int n = t->ndim ? t->ndim : 1;
  REC(transpose, t, r, d0 < 0 ? d0 + n : d0, d1 < 0 ? d1 + n : d1);
}

THTensor *THAutograd_permute(const THTensor *t, const int *dims) {
  THTensor *r = THTensor_permute(t, dims);
  int64_t ints[TH_MAX_DIMS];
  for (int i = 0; i < t->ndim; i++) ints[i] = dims[i] < 0 ? dims[i] + t->ndim : dims[i];
  return view_rec(TH_OP_permute, t, r, t->ndim, ints);
}

THTensor *THAutograd_narrow(const THTensor *t, int dim, int64_t start, int64_t length) {
  THTensor *r = THTensor_narrow(t, dim, start, length);
  if (!r) return NULL;
  int d = dim < 0 ? dim + t->ndim : dim;
  if (start < 0) start += t->size[d];
  REC(narrow, t, r, d, start, length);
}

THTensor *THAutograd_select(const THTensor *t, int dim, int64_t index) {
  THTensor *r = THTensor_select(t, dim, index);
  if (!r) return NULL;
  int d = dim < 0 ? dim + t->ndim : dim;
  if (index < 0) index += t->size[d];
  REC(select, t, r, d, index);
}

THTensor *THAutograd_squeeze(const THTensor *t) {
  return view_rec(TH_OP_squeeze, t, THTensor_squeeze(t), 0, NULL);
}

THTensor *THAutograd_squeezeDim(const THTensor *t, int dim) {
  return view_rec(TH_OP_squeeze_dim, t, THTensor_squeezeDim(t, dim), 0, NULL);
}

THTensor *THAutograd_unsqueeze(const THTensor *t, int dim) {
  return view_rec(TH_OP_unsqueeze, t, THTensor_unsqueeze(t, dim), 0, NULL);
}

THTensor *THAutograd_expand(const THTensor *t, int ndim, const int64_t *sizes) {
  return view_rec(TH_OP_expand, t, THTensor_expand(t, ndim, sizes), 0, NULL);
}

THTensor *THAutograd_flatten(const THTensor *t, int start_dim, int end_dim) {
  return view_rec(TH_OP_reshape_alias, t, THTensor_flatten(t, start_dim, end_dim), 0,
                                NULL);
}

THTensor *THAutograd_unfold(const THTensor *t, int dim, int64_t size, int64_t step) {
  THTensor *r = THTensor_unfold(t, dim, size, step);
  if (!r) return NULL;
  int d = dim < 0 ? dim + (t->ndim ? t->ndim : 1) : dim;
  REC(unfold, t, r, d, size, step);
}

THTensor *THAutograd_asStrided(const THTensor *t, int ndim, const int64_t *sizes,
                               const int64_t *strides, int64_t offset) {
  THTensor *r = THTensor_asStrided(t, ndim, sizes, strides, offset);
  int64_t ints[2 * TH_MAX_DIMS + 2];
  ints[0] = ndim;
  ints[1] = offset;
  for (int i = 0; i < ndim; i++) {
    ints[2 + i] = sizes[i];
    ints[2 + ndim + i] = strides[i];
  }
  return view_rec(TH_OP_as_strided, t, r, 2 + 2 * ndim, ints);
}

THTensor *THAutograd_clone(const THTensor *t) {
  return view_rec(TH_OP_clone, t, THTensor_clone(t), 0, NULL);
}

THTensor *THAutograd_contiguous(const THTensor *t) {
  if (THTensor_isContiguous(t)) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  return THAutograd_clone(t);
}

THTensor *THTensor_toDevice(const THTensor *t, THDevice device, THDtype dtype, bool non_blocking) {
  if (t->dtype == dtype && THDevice_equal(THTensor_device(t), device)) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  THTensor *r = THTensor_empty(dtype, device, t->ndim, t->size);
  if (r && THTensor_copyAsync(r, t, non_blocking) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return view_rec(TH_OP_to_copy, t, r, 0, NULL);
}

THTensor *THTensor_to(const THTensor *t, THDtype dtype) {
  return THTensor_toDevice(t, THTensor_device(t), dtype, false);
}

int THAutograd_copy_(THTensor *dst, const THTensor *src) {
  bool rec = (dst->requires_grad || src->requires_grad) && THAutograd_isEnabled();
  if (rec && THAutograd_checkInplace("copy_", dst) != TH_OK) return TH_ERROR;
  if (THTensor_copy(dst, src) != TH_OK) return TH_ERROR;
  if (!rec) return TH_OK;
  const THDerivative *row;
  const THTensor *in[2] = {dst, src};
  THRecordArgs a = {.inplace = true};
  if (THAutograd_rowFor(TH_OP_copy, &row) != TH_OK) return TH_ERROR;
  return THAutograd_record(row, 2, in, 1, &dst, &a);
}

static int fill_recorded(THTensor *t, double value, const char *name) {
  bool rec = t->requires_grad && THAutograd_isEnabled();
  if (rec && THAutograd_checkInplace("fill_", t) != TH_OK) return TH_ERROR;
  if (THTensor_fill(t, value) != TH_OK) return TH_ERROR;
  if (!rec) return TH_OK;
  const THDerivative *row;
  const THTensor *in[1] = {t};
  THRecordArgs a = {.inplace = true, .name = name};
  if (THAutograd_rowFor(TH_OP_fill, &row) != TH_OK) return TH_ERROR;
  return THAutograd_record(row, 1, in, 1, &t, &a);
}

int THAutograd_fill_(THTensor *t, double value) { return fill_recorded(t, value, NULL); }
int THAutograd_zero_(THTensor *t) { return fill_recorded(t, 0, "ZeroBackward0"); }
