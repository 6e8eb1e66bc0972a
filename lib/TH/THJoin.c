/* THJoin.c: joining (cat, stack, hstack/vstack/dstack), splitting into views (split, chunk,
 * unbind), rearranging copies (flip, roll, repeat, tile, repeat_interleave), triangles and
 * diagonals (tril, triu, diag, diagonal) and narrow_copy.  Argument checks and shapes here;
 * the copies go through the INDEX rows of the dispatch table (kernels in THCpuIndex.c).
 *
 * Autograd: when an input requires grad, a function runs its body with grad mode off and
 * records its node afterwards (autograd/THAutogradIndex.h; formulas in
 * autograd/THDerivIndex.c); the views made by split, chunk and unbind share one node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define TH_INDEX_INTERNAL
#include "THIndex.h"
#include "autograd/THAutogradIndex.h"

/* A view of t made here remembers t's root, as the recorded views do, so that an in-place
 * op on it updates the history of the tensor it views (autograd's CopySlices). */
static THTensor *view_of(const THTensor *t, THTensor *v) {
  if (v && v != t && v->storage == t->storage && !v->base) {
    THTensor *root = t->base ? t->base : (THTensor *)t;
    THTensor_retain(root);
    v->base = root;
  }
  return v;
}

/* ======================================================================= cat / stack */

static bool legacy_empty(const THTensor *t) { return t->ndim == 1 && t->size[0] == 0; }

static THTensor *cat_impl(const char *op, THTensor *out, int n, const THTensor *const *ts, int dim) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (n <= 0) {
    TH_setError("[%s] expected a non-empty list of tensors", op);
    return NULL;
  }
  const THTensor *ref = NULL;
  THDtype dtype = ts[0]->dtype;
  for (int i = 0; i < n; i++) {
    if (ts[i]->ndim == 0) {
      TH_setError("[%s] zero-dimensional tensor (at position %d) cannot be concatenated", op, i + 1);
      return NULL;
    }
    if (THIndex_sameDevice(op, ts[0], ts[i]) != TH_OK) return NULL;
    dtype = THDtype_promote(dtype, ts[i]->dtype);
    if (!ref && !legacy_empty(ts[i])) ref = ts[i];
  }
  THCatKernel k = (THCatKernel)THIndex_kernel(TH_OP_cat, THTensor_device(ts[0]));
  if (!k) return NULL;
  if (!ref) { /* only empty 1-D tensors */
    int64_t zero = 0;
    return THIndex_finishOut(op, out, THTensor_empty(dtype, THTensor_device(ts[0]), 1, &zero));
  }
  int d;
  if (THIndex_wrapDim(op, dim, ref->ndim, &d) != TH_OK) return NULL;
  const THTensor **kept = malloc((size_t)n * sizeof *kept);
  if (!kept) {
    TH_setError("[%s] out of memory", op);
    return NULL;
  }
  int nk = 0;
  int64_t shape[TH_MAX_DIMS];
  memcpy(shape, ref->size, sizeof shape);
  shape[d] = 0;
  for (int i = 0; i < n; i++) {
    const THTensor *t = ts[i];
    if (legacy_empty(t)) continue;
    if (t->ndim != ref->ndim) {
      TH_setError("[%s] tensors must have the same number of dimensions: got %d and %d "
                  "(shapes %s and %s, tensor %d in the list)", op, ref->ndim, t->ndim,
                  TH_formatShape(a, ref->ndim, ref->size), TH_formatShape(b, t->ndim, t->size), i + 1);
      free(kept);
      return NULL;
    }
    for (int j = 0; j < t->ndim; j++)
      if (j != d && t->size[j] != ref->size[j]) {
        TH_setError("[%s] sizes of tensors must match except in dimension %d: expected size %lld "
                    "but got size %lld at dimension %d for tensor %d in the list (shapes %s and %s)",
                    op, d + 1, (long long)ref->size[j], (long long)t->size[j], j + 1, i + 1,
                    TH_formatShape(a, ref->ndim, ref->size), TH_formatShape(b, t->ndim, t->size));
        free(kept);
        return NULL;
      }
    shape[d] += t->size[d];
    kept[nk++] = t;
  }
  THTensor *r = THTensor_empty(dtype, THTensor_device(ref), ref->ndim, shape);
  if (r && THTensor_numel(r) > 0 && k(r, nk, kept, d) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  free(kept);
  return r ? THIndex_finishOut(op, out, r) : NULL;
}

THTensor *THTensor_cat(THTensor *out, int n, const THTensor *const *ts, int dim) {
  if (n <= 0 || !THAutograd_wanted(n, ts)) return cat_impl("cat", out, n, ts, dim);
  if (out && THAutograd_checkOut("cat", out) != TH_OK) return NULL;
  return THAutograd_recordCat(n, ts, TH_AG_PAUSED_T(cat_impl("cat", out, n, ts, dim)), dim, 0);
}

static THTensor *unsqueeze_view(const THTensor *t, int dim) { return THTensor_unsqueeze(t, dim); }

/* Applies view(t) to each tensor, then cats them along dim (stack: unsqueeze_view; the h/v/d
 * stacks: at_least with arg 1, 2 or 3). */
static THTensor *cat_views(const char *op, THTensor *out, int n, const THTensor *const *ts,
                           THTensor *(*view)(const THTensor *, int), int arg, int dim) {
  if (n <= 0) {
    TH_setError("[%s] expected a non-empty list of tensors", op);
    return NULL;
  }
  bool rec = THAutograd_wanted(n, ts);
  if (rec && out && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  THTensor **vs = calloc((size_t)n, sizeof *vs);
  if (!vs) {
    TH_setError("[%s] out of memory", op);
    return NULL;
  }
  THTensor *r = NULL;
  int i;
  for (i = 0; i < n; i++)
    if (!(vs[i] = view(ts[i], arg))) break;
  if (i == n) {
    if (dim == -100) dim = vs[0]->ndim == 1 ? 0 : 1; /* hstack's rule */
    r = rec ? TH_AG_PAUSED_T(cat_impl(op, out, n, (const THTensor *const *)vs, dim))
            : cat_impl(op, out, n, (const THTensor *const *)vs, dim);
  }
  for (i = 0; i < n; i++) THTensor_free(vs[i]);
  free(vs);
  if (!rec || !r) return r;
  return view == unsqueeze_view ? THAutograd_recordStack(n, ts, r, dim)
                                : THAutograd_recordCat(n, ts, r, dim, arg);
}

THTensor *THTensor_stack(THTensor *out, int n, const THTensor *const *ts, int dim) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (n <= 0) {
    TH_setError("[stack] expected a non-empty list of tensors");
    return NULL;
  }
  for (int i = 1; i < n; i++)
    if (!THTensor_sameShape(ts[0], ts[i])) {
      TH_setError("[stack] expects each tensor to be equal size, but got %s at entry 1 and %s at "
                  "entry %d", TH_formatShape(a, ts[0]->ndim, ts[0]->size),
                  TH_formatShape(b, ts[i]->ndim, ts[i]->size), i + 1);
      return NULL;
    }
  int d;
  if (THIndex_wrapDim("stack", dim, ts[0]->ndim + 1, &d) != TH_OK) return NULL;
  return cat_views("stack", out, n, ts, unsqueeze_view, d, d);
}

/* t seen with at least `nd` dims (1, 2 or 3), numpy's atleast_Nd: a 1-D (n) becomes (1, n) and
 * (1, n, 1), a 2-D (m, n) becomes (m, n, 1). */
static THTensor *at_least(const THTensor *t, int nd) {
  int64_t sz[3], st[3];
  if (t->ndim >= nd)
    return THTensor_newView(t->storage, t->dtype, t->offset, t->ndim, t->size, t->stride);
  int k = 0;
  if (t->ndim == 0) {
    for (k = 0; k < nd; k++) { sz[k] = 1; st[k] = 1; }
  } else if (t->ndim == 1) {
    if (nd >= 2) { sz[k] = 1; st[k] = t->size[0] * t->stride[0]; k++; }
    sz[k] = t->size[0]; st[k] = t->stride[0]; k++;
    if (nd == 3) { sz[k] = 1; st[k] = 1; k++; }
  } else { /* 2-D, nd 3 */
    sz[0] = t->size[0]; st[0] = t->stride[0];
    sz[1] = t->size[1]; st[1] = t->stride[1];
    sz[2] = 1; st[2] = 1;
    k = 3;
  }
  return THTensor_newView(t->storage, t->dtype, t->offset, k, sz, st);
}

THTensor *THTensor_hstack(THTensor *out, int n, const THTensor *const *ts) {
  return cat_views("hstack", out, n, ts, at_least, 1, -100);
}
THTensor *THTensor_vstack(THTensor *out, int n, const THTensor *const *ts) {
  return cat_views("vstack", out, n, ts, at_least, 2, 0);
}
THTensor *THTensor_dstack(THTensor *out, int n, const THTensor *const *ts) {
  return cat_views("dstack", out, n, ts, at_least, 3, 2);
}

/* ======================================================================= splitting */

void THTensor_freeList(THTensor **list, int64_t n) {
  if (!list) return;
  for (int64_t i = 0; i < n; i++) THTensor_free(list[i]);
  free(list);
}

/* count views along d: piece i has sizes[i] elements (or split_size, the last one what is left). */
static THTensor **narrow_list(const char *op, const THTensor *t, int d, int64_t count,
                              const int64_t *sizes, int64_t split_size, int64_t *n) {
  THTensor **list = calloc(count > 0 ? (size_t)count : 1, sizeof *list);
  if (!list) {
    TH_setError("[%s] out of memory", op);
    return NULL;
  }
  int64_t pos = 0, len = t->size[d];
  for (int64_t i = 0; i < count; i++) {
    int64_t l = sizes ? sizes[i] : (len - pos < split_size ? len - pos : split_size);
    if (!(list[i] = view_of(t, THTensor_narrow(t, d, pos, l)))) {
      THTensor_freeList(list, i);
      return NULL;
    }
    pos += l;
  }
  *n = count;
  return list;
}

/* list (of *n views of t) given one node when t requires grad; NULL (list freed) on failure. */
static THTensor **record_list(const THTensor *t, THTensor **list, int64_t *n, int d,
                              THSplitKind kind) {
  if (!list || !THAutograd_wanted(1, &t)) return list;
  if (THAutograd_recordSplit(t, list, *n, d, kind) == TH_OK) return list;
  THTensor_freeList(list, *n);
  return NULL;
}

static int split_dim(const char *op, const THTensor *t, int dim, int *d) {
  if (t->ndim == 0)
    return TH_setError("[%s] expects at least a 1-dimensional tensor", op);
  return THIndex_wrapDim(op, dim, t->ndim, d);
}

THTensor **THTensor_split(const THTensor *t, int64_t split_size, int dim, int64_t *n) {
  int d;
  if (split_dim("split", t, dim, &d) != TH_OK) return NULL;
  int64_t len = t->size[d];
  if (split_size < 0) {
    TH_setError("[split] split_size must be non-negative, got %lld", (long long)split_size);
    return NULL;
  }
  if (split_size == 0 && len != 0) {
    TH_setError("[split] split_size can only be 0 if the dimension size is 0, but got "
                "dimension size %lld", (long long)len);
    return NULL;
  }
  int64_t count = split_size == 0 ? 1 : (len + split_size - 1) / split_size;
  if (count == 0) count = 1;
  return record_list(t, narrow_list("split", t, d, count, NULL, split_size, n), n, d, TH_AG_SPLIT);
}

THTensor **THTensor_splitWithSizes(const THTensor *t, int64_t nsizes, const int64_t *sizes,
                                   int dim, int64_t *n) {
  int d;
  if (split_dim("split", t, dim, &d) != TH_OK) return NULL;
  int64_t sum = 0;
  for (int64_t i = 0; i < nsizes; i++) {
    if (sizes[i] < 0) {
      TH_setError("[split] split sizes must be non-negative, got %lld at position %lld",
                  (long long)sizes[i], (long long)i + 1);
      return NULL;
    }
    sum += sizes[i];
  }
  if (sum != t->size[d]) {
    TH_setError("[split] split sizes must add up to %lld (the size of dimension %d), but they "
                "add up to %lld", (long long)t->size[d], d + 1, (long long)sum);
    return NULL;
  }
  return record_list(t, narrow_list("split", t, d, nsizes, sizes, 0, n), n, d,
                     TH_AG_SPLIT_WITH_SIZES);
}

THTensor **THTensor_chunk(const THTensor *t, int64_t chunks, int dim, int64_t *n) {
  int d;
  if (split_dim("chunk", t, dim, &d) != TH_OK) return NULL;
  if (chunks <= 0) {
    TH_setError("[chunk] chunks must be greater than 0, got %lld", (long long)chunks);
    return NULL;
  }
  int64_t len = t->size[d], size = (len + chunks - 1) / chunks;
  if (size == 0) /* an empty dim: `chunks` empty pieces, as PyTorch */
    return record_list(t, narrow_list("chunk", t, d, chunks, NULL, 0, n), n, d, TH_AG_SPLIT);
  return record_list(t, narrow_list("chunk", t, d, (len + size - 1) / size, NULL, size, n), n, d,
                     TH_AG_SPLIT);
}

THTensor **THTensor_unbind(const THTensor *t, int dim, int64_t *n) {
  int d;
  if (t->ndim == 0) {
    TH_setError("[unbind] a 0-dim tensor has no dimension to unbind");
    return NULL;
  }
  if (THIndex_wrapDim("unbind", dim, t->ndim, &d) != TH_OK) return NULL;
  int64_t count = t->size[d];
  THTensor **list = calloc(count > 0 ? (size_t)count : 1, sizeof *list);
  if (!list) {
    TH_setError("[unbind] out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < count; i++)
    if (!(list[i] = view_of(t, THTensor_select(t, d, i)))) {
      THTensor_freeList(list, i);
      return NULL;
    }
  *n = count;
  return record_list(t, list, n, d, TH_AG_UNBIND);
}

/* ======================================================================= flip / roll */

static THTensor *flip_raw(const THTensor *t, int n, const int *dims) {
  bool flip[TH_MAX_DIMS] = {0};
  for (int i = 0; i < n; i++) {
    int d;
    if (THIndex_wrapDim("flip", dims[i], t->ndim, &d) != TH_OK) return NULL;
    if (flip[d]) {
      TH_setError("[flip] dimension %d appears multiple times in the list of dims", d + 1);
      return NULL;
    }
    flip[d] = true;
  }
  THFlipKernel k = (THFlipKernel)THIndex_kernel(TH_OP_flip, THTensor_device(t));
  if (!k) return NULL;
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), t->ndim, t->size);
  if (r && THTensor_numel(r) > 0 && k(r, t, flip) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

THTensor *THTensor_flip(const THTensor *t, int n, const int *dims) {
  if (!THAutograd_wanted(1, &t)) return flip_raw(t, n, dims);
  int64_t ints[TH_MAX_DIMS + 1];
  if (n > TH_MAX_DIMS) return flip_raw(t, n, dims); /* fails: a dim repeats */
  ints[0] = n;
  for (int i = 0; i < n; i++) ints[1 + i] = dims[i];
  return THAutograd_recordIndexOp(TH_OP_flip, 1, &t, TH_AG_PAUSED_T(flip_raw(t, n, dims)), n + 1,
                                  ints, NULL, NULL);
}

static THTensor *roll_raw(const THTensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                          const int *dims) {
  if (n_dims == 0) { /* roll t as if flat, then restore the shape */
    if (n_shifts != 1) {
      TH_setError("[roll] expected exactly one shift when no dims are given, got %d", n_shifts);
      return NULL;
    }
    int64_t numel = THTensor_numel(t);
    int zero = 0;
    THTensor *flat = THTensor_reshape(t, 1, &numel);
    THTensor *r = flat ? roll_raw(flat, 1, shifts, 1, &zero) : NULL;
    THTensor *v = r ? THTensor_view(r, t->ndim, t->size) : NULL;
    THTensor_free(flat);
    THTensor_free(r);
    return v;
  }
  if (n_shifts != n_dims) {
    TH_setError("[roll] shifts and dims must have the same length, got %d shifts and %d dims",
                n_shifts, n_dims);
    return NULL;
  }
  THRollKernel k = (THRollKernel)THIndex_kernel(TH_OP_roll, THTensor_device(t));
  if (!k) return NULL;
  int64_t sh[TH_MAX_DIMS] = {0};
  THTensor *src = NULL;
  int64_t one = 1;
  src = t->ndim ? THTensor_newView(t->storage, t->dtype, t->offset, t->ndim, t->size, t->stride)
                : THTensor_newView(t->storage, t->dtype, t->offset, 1, &one, &one);
  if (!src) return NULL;
  for (int i = 0; i < n_dims; i++) {
    int d;
    if (THIndex_wrapDim("roll", dims[i], t->ndim, &d) != TH_OK) {
      THTensor_free(src);
      return NULL;
    }
    int64_t size = src->size[d];
    if (size > 0) sh[d] = ((sh[d] + shifts[i]) % size + size) % size;
  }
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), src->ndim, src->size);
  if (r && THTensor_numel(r) > 0 && k(r, src, sh) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(src);
  if (r && t->ndim == 0) {
    THTensor *v = THTensor_view(r, 0, NULL);
    THTensor_free(r);
    r = v;
  }
  return r;
}

THTensor *THTensor_roll(const THTensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                        const int *dims) {
  if (!THAutograd_wanted(1, &t) || n_shifts > TH_MAX_DIMS || n_dims > TH_MAX_DIMS)
    return roll_raw(t, n_shifts, shifts, n_dims, dims);
  int64_t ints[2 + 2 * TH_MAX_DIMS];
  ints[0] = n_shifts;
  ints[1] = n_dims;
  for (int i = 0; i < n_shifts; i++) ints[2 + i] = shifts[i];
  for (int i = 0; i < n_dims; i++) ints[2 + n_shifts + i] = dims[i];
  return THAutograd_recordIndexOp(TH_OP_roll, 1, &t,
                                  TH_AG_PAUSED_T(roll_raw(t, n_shifts, shifts, n_dims, dims)),
                                  2 + n_shifts + n_dims, ints, NULL, NULL);
}

/* ======================================================================= repeat */

static THTensor *repeat_raw(const THTensor *t, int n, const int64_t *repeats) {
  if (n < t->ndim) {
    TH_setError("[repeat] the number of repeats (%d) can not be smaller than the number of "
                "dimensions of the tensor (%d)", n, t->ndim);
    return NULL;
  }
  if (n > TH_MAX_DIMS) {
    TH_setError("[repeat] tensors have at most %d dimensions, got %d repeats", TH_MAX_DIMS, n);
    return NULL;
  }
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS], osz[TH_MAX_DIMS];
  int lead = n - t->ndim;
  for (int d = 0; d < n; d++) {
    if (repeats[d] < 0) {
      TH_setError("[repeat] repeats must be non-negative, got %lld at position %d",
                  (long long)repeats[d], d + 1);
      return NULL;
    }
    sz[d] = d < lead ? 1 : t->size[d - lead];
    st[d] = d < lead ? 0 : t->stride[d - lead];
    if (sz[d] && repeats[d] > INT64_MAX / sz[d]) {
      TH_setError("[repeat] the result is too large");
      return NULL;
    }
    osz[d] = sz[d] * repeats[d];
  }
  THRepeatKernel k = (THRepeatKernel)THIndex_kernel(TH_OP_repeat, THTensor_device(t));
  if (!k) return NULL;
  THTensor *src = THTensor_newView(t->storage, t->dtype, t->offset, n, sz, st);
  THTensor *r = src ? THTensor_empty(t->dtype, THTensor_device(t), n, osz) : NULL;
  if (r && THTensor_numel(r) > 0 && k(r, src) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(src);
  return r;
}

THTensor *THTensor_repeat(const THTensor *t, int n, const int64_t *repeats) {
  if (!THAutograd_wanted(1, &t) || n > TH_MAX_DIMS) return repeat_raw(t, n, repeats);
  int64_t ints[TH_MAX_DIMS + 1];
  ints[0] = n;
  for (int i = 0; i < n; i++) ints[1 + i] = repeats[i];
  return THAutograd_recordIndexOp(TH_OP_repeat, 1, &t, TH_AG_PAUSED_T(repeat_raw(t, n, repeats)),
                                  n + 1, ints, NULL, NULL);
}

THTensor *THTensor_tile(const THTensor *t, int n, const int64_t *repeats) {
  int64_t reps[TH_MAX_DIMS];
  if (n > TH_MAX_DIMS) {
    TH_setError("[tile] tensors have at most %d dimensions, got %d repeats", TH_MAX_DIMS, n);
    return NULL;
  }
  int lead = t->ndim > n ? t->ndim - n : 0;
  for (int d = 0; d < lead; d++) reps[d] = 1;
  for (int d = 0; d < n; d++) reps[lead + d] = repeats[d];
  return THTensor_repeat(t, lead + n, reps);
}

/* ======================================================================= repeat_interleave */

/* t flattened (flat) or as at least 1-D, with dim resolved into *d. */
static THTensor *interleave_input(const THTensor *t, int dim, bool flat, int *d) {
  if (flat) {
    int64_t numel = THTensor_numel(t);
    *d = 0;
    return THTensor_reshape(t, 1, &numel);
  }
  if (THIndex_wrapDim("repeat_interleave", dim, t->ndim, d) != TH_OK) return NULL;
  int64_t one = 1;
  return t->ndim ? THTensor_newView(t->storage, t->dtype, t->offset, t->ndim, t->size, t->stride)
                 : THTensor_newView(t->storage, t->dtype, t->offset, 1, &one, &one);
}

static THTensor *repeat_interleave_raw(const THTensor *t, int64_t repeats, int dim, bool flat) {
  if (repeats < 0) {
    TH_setError("[repeat_interleave] repeats must be non-negative, got %lld", (long long)repeats);
    return NULL;
  }
  int d;
  THTensor *x = interleave_input(t, dim, flat, &d);
  if (!x) return NULL;
  if (x->ndim + 1 > TH_MAX_DIMS) {
    THTensor_free(x);
    TH_setError("[repeat_interleave] tensors have at most %d dimensions", TH_MAX_DIMS);
    return NULL;
  }
  /* r viewed as (..., size, repeats, ...) <- x expanded along a new dim after d */
  int64_t rsz[TH_MAX_DIMS], vsz[TH_MAX_DIMS + 1];
  int nd = x->ndim;
  for (int i = 0, j = 0; i < nd; i++) {
    rsz[i] = x->size[i] * (i == d ? repeats : 1);
    vsz[j++] = x->size[i];
    if (i == d) vsz[j++] = repeats;
  }
  THTensor *r = THTensor_empty(t->dtype, THTensor_device(t), nd, rsz);
  THTensor *rv = r ? THTensor_view(r, nd + 1, vsz) : NULL;
  THTensor *xu = rv ? THTensor_unsqueeze(x, d + 1) : NULL;
  THTensor *xe = xu ? THTensor_expand(xu, nd + 1, vsz) : NULL;
  int rc = xe ? (THTensor_numel(r) > 0 ? THTensor_copy(rv, xe) : TH_OK) : TH_ERROR;
  THTensor_free(xe);
  THTensor_free(xu);
  THTensor_free(rv);
  THTensor_free(x);
  if (rc != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

THTensor *THTensor_repeatInterleave(const THTensor *t, int64_t repeats, int dim, bool flat) {
  if (!THAutograd_wanted(1, &t)) return repeat_interleave_raw(t, repeats, dim, flat);
  return THAutograd_recordRepeatInterleave(
      t, TH_AG_PAUSED_T(repeat_interleave_raw(t, repeats, dim, flat)), dim, flat, NULL, repeats);
}

THTensor *THTensor_repeatInterleaveIndex(const THTensor *repeats, int64_t output_size) {
  const char *op = "repeat_interleave";
  char a[TH_SHAPE_STRLEN];
  if (repeats->dtype != TH_I64 && repeats->dtype != TH_I32) {
    TH_setError("[%s] repeats must be an int64 or int32 tensor, got %s", op,
                THDtype_name(repeats->dtype));
    return NULL;
  }
  if (repeats->ndim > 1) {
    TH_setError("[%s] repeats must be a 1-D tensor, got shape %s", op,
                TH_formatShape(a, repeats->ndim, repeats->size));
    return NULL;
  }
  /* counted on the host: a device's repeats are read back once, the positions go back */
  THDevice dev = THTensor_device(repeats);
  THTensor *rp;
  if (dev.type == TH_DEVICE_CPU) {
    rp = THTensor_toDtype(repeats, TH_I64);
  } else {
    rp = THTensor_empty(TH_I64, TH_CPU, repeats->ndim, repeats->size);
    if (rp && THTensor_copy(rp, repeats) != TH_OK) {
      THTensor_free(rp);
      rp = NULL;
    }
  }
  if (!rp) return NULL;
  const int64_t *p = THTensor_data(rp);
  int64_t n = THTensor_numel(rp), total = 0;
  for (int64_t i = 0; i < n; i++) {
    if (p[i] < 0) {
      TH_setError("[%s] repeats must be non-negative, got %lld at position %lld", op,
                  (long long)p[i], (long long)i + 1);
      THTensor_free(rp);
      return NULL;
    }
    total += p[i];
  }
  if (output_size >= 0 && output_size != total) {
    TH_setError("[%s] output_size (%lld) doesn't match the sum of repeats (%lld)", op,
                (long long)output_size, (long long)total);
    THTensor_free(rp);
    return NULL;
  }
  THTensor *r = THTensor_empty(TH_I64, TH_CPU, 1, &total);
  if (r) {
    int64_t *o = THTensor_data(r);
    for (int64_t i = 0, k = 0; i < n; i++)
      for (int64_t j = 0; j < p[i]; j++) o[k++] = i;
  }
  THTensor_free(rp);
  if (r && dev.type != TH_DEVICE_CPU) { /* from pageable memory: staged before this returns */
    THTensor *d = THTensor_empty(TH_I64, dev, 1, &total);
    if (d && THTensor_copyAsync(d, r, true) != TH_OK) {
      THTensor_free(d);
      d = NULL;
    }
    THTensor_free(r);
    r = d;
  }
  return r;
}

THTensor *THTensor_repeatInterleaveTensor(const THTensor *t, const THTensor *repeats, int dim,
                                          bool flat, int64_t output_size) {
  const char *op = "repeat_interleave";
  if (THTensor_numel(repeats) == 1 && repeats->ndim <= 1 &&
      (repeats->dtype == TH_I64 || repeats->dtype == TH_I32)) {
    int64_t zero[1] = {0};
    int64_t r = THTensor_getInt64(repeats, zero);
    if (output_size >= 0) { /* checked against the size along dim */
      int d;
      THTensor *x = interleave_input(t, dim, flat, &d);
      if (!x) return NULL;
      int64_t want = x->size[d] * r;
      THTensor_free(x);
      if (r >= 0 && output_size != want) {
        TH_setError("[%s] output_size (%lld) doesn't match the sum of repeats (%lld)", op,
                    (long long)output_size, (long long)want);
        return NULL;
      }
    }
    return THTensor_repeatInterleave(t, r, dim, flat);
  }
  int d;
  THTensor *x = interleave_input(t, dim, flat, &d);
  if (!x) return NULL;
  if (repeats->ndim == 1 && repeats->size[0] != x->size[d]) {
    TH_setError("[%s] repeats must have the same size as the input along dim: got %lld repeats "
                "for size %lld (dimension %d)", op, (long long)repeats->size[0],
                (long long)x->size[d], d + 1);
    THTensor_free(x);
    return NULL;
  }
  THTensor *ix = THTensor_repeatInterleaveIndex(repeats, output_size);
  THTensor *r = ix ? THTensor_indexSelect(NULL, x, d, ix) : NULL;
  THTensor_free(ix);
  THTensor_free(x);
  if (!THAutograd_wanted(1, &t)) return r;
  return THAutograd_recordRepeatInterleave(t, r, dim, flat, repeats, -1);
}

/* ======================================================================= tril / triu */

static THTensor *tri(const char *op, THTensor *out, const THTensor *t, int64_t k, bool upper) {
  char a[TH_SHAPE_STRLEN];
  if (t->ndim < 2) {
    TH_setError("[%s] expected a tensor with at least 2 dimensions, got shape %s", op,
                TH_formatShape(a, t->ndim, t->size));
    return NULL;
  }
  THTriKernel kern = (THTriKernel)THIndex_kernel(upper ? TH_OP_triu : TH_OP_tril, THTensor_device(t));
  if (!kern) return NULL;
  THTensor *c = THTensor_contiguous(t);
  THTensor *r = c ? THTensor_empty(t->dtype, THTensor_device(t), t->ndim, t->size) : NULL;
  if (r && THTensor_numel(r) > 0 && kern(r, c, k, upper) != TH_OK) {
    THTensor_free(r);
    r = NULL;
  }
  THTensor_free(c);
  return THIndex_finishOut(op, out, r);
}

static THTensor *tri_record(const char *op, THTensor *out, const THTensor *t, int64_t k,
                            bool upper) {
  if (!THAutograd_wanted(1, &t)) return tri(op, out, t, k, upper);
  if (out && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  const int64_t ints[1] = {k};
  return THAutograd_recordIndexOp(upper ? TH_OP_triu : TH_OP_tril, 1, &t,
                                  TH_AG_PAUSED_T(tri(op, out, t, k, upper)), 1, ints, NULL, NULL);
}

THTensor *THTensor_tril(THTensor *out, const THTensor *t, int64_t k) { return tri_record("tril", out, t, k, false); }
THTensor *THTensor_triu(THTensor *out, const THTensor *t, int64_t k) { return tri_record("triu", out, t, k, true); }

static int tri_(const char *op, THTensor *t, int64_t k, bool upper) {
  char a[TH_SHAPE_STRLEN];
  if (t->ndim < 2)
    return TH_setError("[%s] expected a tensor with at least 2 dimensions, got shape %s", op,
                       TH_formatShape(a, t->ndim, t->size));
  if (THIndex_checkWritable(op, t) != TH_OK) return TH_ERROR;
  THTriKernel kern = (THTriKernel)THIndex_kernel(upper ? TH_OP_triu : TH_OP_tril, THTensor_device(t));
  if (!kern) return TH_ERROR;
  THTensor *work = THTensor_contiguous(t);
  if (!work) return TH_ERROR;
  int rc = THTensor_numel(t) > 0 ? kern(work, work, k, upper) : TH_OK;
  if (rc == TH_OK && work != t) rc = THTensor_copy(t, work);
  THTensor_free(work);
  if (rc == TH_OK) THTensor_bumpVersion(t);
  return rc;
}

static int tri_record_(const char *op, THTensor *t, int64_t k, bool upper) {
  if (!THAutograd_wanted(1, (const THTensor **)&t)) return tri_(op, t, k, upper);
  if (THAutograd_checkInplace(op, t) != TH_OK) return TH_ERROR;
  const int64_t ints[1] = {k};
  const THTensor *in[1] = {t};
  return THAutograd_recordIndexInplace(upper ? TH_OP_triu : TH_OP_tril, 1, in,
                                       TH_AG_PAUSED_I(tri_(op, t, k, upper)), 1, ints, NULL, NULL);
}

int THTensor_tril_(THTensor *t, int64_t k) { return tri_record_("tril_", t, k, false); }
int THTensor_triu_(THTensor *t, int64_t k) { return tri_record_("triu_", t, k, true); }

/* ======================================================================= diagonals */

THTensor *THTensor_diagonal(const THTensor *t, int64_t offset, int dim1, int dim2) {
  int d1, d2;
  if (t->ndim < 2) {
    char a[TH_SHAPE_STRLEN];
    TH_setError("[diagonal] expected a tensor with at least 2 dimensions, got shape %s",
                TH_formatShape(a, t->ndim, t->size));
    return NULL;
  }
  if (THIndex_wrapDim("diagonal", dim1, t->ndim, &d1) != TH_OK ||
      THIndex_wrapDim("diagonal", dim2, t->ndim, &d2) != TH_OK)
    return NULL;
  if (d1 == d2) {
    TH_setError("[diagonal] dim1 and dim2 must differ, both are dimension %d", d1 + 1);
    return NULL;
  }
  int64_t n1 = t->size[d1], n2 = t->size[d2], len;
  if (offset >= 0) len = n1 < n2 - offset ? n1 : n2 - offset;
  else len = n1 + offset < n2 ? n1 + offset : n2;
  if (len < 0) len = 0;
  int64_t off = t->offset;
  if (len > 0) off += offset >= 0 ? offset * t->stride[d2] : -offset * t->stride[d1];
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < t->ndim; d++)
    if (d != d1 && d != d2) {
      sz[n] = t->size[d];
      st[n] = t->stride[d];
      n++;
    }
  sz[n] = len;
  st[n] = t->stride[d1] + t->stride[d2];
  THTensor *r = view_of(t, THTensor_newView(t->storage, t->dtype, off, n + 1, sz, st));
  if (!THAutograd_wanted(1, &t)) return r;
  return THAutograd_recordDiagonal(t, r, offset, d1, d2);
}

static THTensor *diag_raw(THTensor *out, const THTensor *t, int64_t k) {
  char a[TH_SHAPE_STRLEN];
  THTensor *r = NULL;
  if (t->ndim == 1) {
    int64_t n = t->size[0] + (k < 0 ? -k : k), sizes[2] = {n, n};
    r = THTensor_full(t->dtype, THTensor_device(t), 2, sizes, 0);
    THTensor *dg = r ? THTensor_diagonal(r, k, 0, 1) : NULL;
    int rc = dg ? THTensor_copy(dg, t) : TH_ERROR;
    THTensor_free(dg);
    if (rc != TH_OK) {
      THTensor_free(r);
      return NULL;
    }
  } else if (t->ndim == 2) {
    THTensor *dg = THTensor_diagonal(t, k, 0, 1);
    r = dg ? THTensor_clone(dg) : NULL;
    THTensor_free(dg);
    if (!r) return NULL;
  } else {
    TH_setError("[diag] expected a 1-D or 2-D tensor, got shape %s",
                TH_formatShape(a, t->ndim, t->size));
    return NULL;
  }
  return THIndex_finishOut("diag", out, r);
}

THTensor *THTensor_diag(THTensor *out, const THTensor *t, int64_t k) {
  if (!THAutograd_wanted(1, &t)) return diag_raw(out, t, k);
  if (out && THAutograd_checkOut("diag", out) != TH_OK) return NULL;
  return THAutograd_recordDiag(t, TH_AG_PAUSED_T(diag_raw(out, t, k)), k);
}

THTensor *THTensor_narrowCopy(THTensor *out, const THTensor *t, int dim, int64_t start,
                              int64_t length) {
  int d;
  if (t->ndim == 0) {
    TH_setError("[narrow_copy] cannot be applied to a 0-dim tensor");
    return NULL;
  }
  if (THIndex_wrapDim("narrow_copy", dim, t->ndim, &d) != TH_OK) return NULL;
  int64_t n = t->size[d];
  if (start < -n || start > n) {
    TH_setError("[narrow_copy] start %lld is out of range for dimension %d of size %lld",
                (long long)start, d + 1, (long long)n);
    return NULL;
  }
  if (start < 0) start += n;
  if (length < 0 || start + length > n) {
    TH_setError("[narrow_copy] start %lld and length %lld are out of range for dimension %d of "
                "size %lld", (long long)start, (long long)length, d + 1, (long long)n);
    return NULL;
  }
  bool rec = THAutograd_wanted(1, &t);
  if (rec && out && THAutograd_checkOut("narrow_copy", out) != TH_OK) return NULL;
  THTensor *v = THTensor_narrow(t, d, start, length);
  THTensor *r = v ? THTensor_clone(v) : NULL;
  THTensor_free(v);
  if (rec) return THAutograd_recordNarrowCopy(t, r, d, start, length);
  return THIndex_finishOut("narrow_copy", out, r);
}
