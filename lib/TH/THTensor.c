/* THTensor.c: tensor headers (pooled), resizing, and the views that only rearrange sizes,
 * strides and offsets.  Every error names the op and the shapes involved. */
#include <string.h>
#include "THPool.h"
#include "THTensor.h"

static _Thread_local TH_TLS_FAST THPool tensor_pool;

/* ======================================================================= life cycle */

static THTensor *tensor_header(THStorage *s, THDtype dtype, int64_t offset, int ndim) {
  THTensor *t = THPool_get(&tensor_pool, sizeof(THTensor));
  if (!t) {
    TH_setError("out of memory allocating a tensor header");
    return NULL;
  }
  t->storage = s;
  t->offset = offset;
  t->ndim = ndim;
  t->dtype = dtype;
  atomic_init(&t->refcount, 1);
  t->requires_grad = false;
  t->autograd = NULL;
  t->base = NULL;
  return t;
}

void THTensor_contiguousStrides(int ndim, const int64_t *sizes, int64_t *strides) {
  int64_t st = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    strides[d] = st;
    st *= sizes[d] > 1 ? sizes[d] : 1;
  }
}

static int check_sizes(const char *op, int ndim, const int64_t *sizes, int64_t *numel) {
  if (ndim < 0 || ndim > TH_MAX_DIMS)
    return TH_setError("[%s] tensors have at most %d dimensions, got %d", op, TH_MAX_DIMS, ndim);
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) {
    if (sizes[d] < 0) {
      char buf[TH_SHAPE_STRLEN];
      return TH_setError("[%s] negative size %lld in dimension %d of %s", op,
                         (long long)sizes[d], d + 1, TH_formatShape(buf, ndim, sizes));
    }
    if (__builtin_mul_overflow(n, sizes[d], &n) || n > INT64_MAX / 16)
      return TH_setError("[%s] too many elements", op);
  }
  *numel = n;
  return TH_OK;
}

THTensor *THTensor_empty(THDtype dtype, THDevice device, int ndim, const int64_t *sizes) {
  int64_t n;
  if (check_sizes("empty", ndim, sizes, &n) != TH_OK) return NULL;
  THStorage *s = THStorage_new(device, (size_t)n * THDtype_size(dtype));
  if (!s) return NULL;
  THTensor *t = tensor_header(s, dtype, 0, ndim);
  if (!t) {
    THStorage_release(s);
    return NULL;
  }
  int64_t st = 1;
  for (int d = ndim - 1; d >= 0; d--) { /* sizes and contiguous strides in one pass */
    t->size[d] = sizes[d];
    t->stride[d] = st;
    st *= sizes[d] > 1 ? sizes[d] : 1;
  }
  return t;
}

THTensor *THTensor_newView(THStorage *s, THDtype dtype, int64_t offset, int ndim,
                           const int64_t *sizes, const int64_t *strides) {
  THTensor *t = tensor_header(s, dtype, offset, ndim);
  if (!t) return NULL;
  THStorage_retain(s);
  if (ndim) {
    memcpy(t->size, sizes, (size_t)ndim * sizeof(int64_t));
    memcpy(t->stride, strides, (size_t)ndim * sizeof(int64_t));
  }
  return t;
}

THTensor *THTensor_wrap(void *data, THDtype dtype, THDevice device, int ndim,
                        const int64_t *sizes, const int64_t *strides, THReleaseFn release,
                        void *release_ctx) {
  int64_t n = 0, st[TH_MAX_DIMS];
  if (check_sizes("from_pointer", ndim, sizes, &n) != TH_OK) return NULL;
  if (!data && n > 0) {
    TH_setError("[from_pointer] NULL data pointer for %lld elements", (long long)n);
    return NULL;
  }
  if (!strides) {
    THTensor_contiguousStrides(ndim, sizes, st);
    strides = st;
  }
  int64_t extent = n > 0 ? 1 : 0;
  for (int d = 0; d < ndim && n > 0; d++) {
    if (strides[d] < 0) {
      TH_setError("[from_pointer] negative strides are not supported");
      return NULL;
    }
    extent += (sizes[d] - 1) * strides[d];
  }
  THStorage *s = THStorage_wrap(device, data, (size_t)extent * THDtype_size(dtype), release,
                                release_ctx);
  if (!s) return NULL;
  THTensor *t = THTensor_newView(s, dtype, 0, ndim, sizes, strides);
  THStorage_release(s);
  return t;
}

void THTensor_retain(THTensor *t) { atomic_fetch_add_explicit(&t->refcount, 1, memory_order_relaxed); }

/* Set by the autograd layer: frees t->autograd when a tensor dies. */
void (*THTensor_autogradFree)(void *) = NULL;

void THTensor_free(THTensor *t) {
  if (!t || atomic_fetch_sub_explicit(&t->refcount, 1, memory_order_acq_rel) != 1) return;
  if (t->autograd && THTensor_autogradFree) THTensor_autogradFree(t->autograd);
  THTensor *base = t->base;
  THStorage_release(t->storage);
  THPool_put(&tensor_pool, t);
  THTensor_free(base);
}

int THTensor_resize(THTensor *t, int ndim, const int64_t *sizes) {
  int64_t n;
  if (check_sizes("resize", ndim, sizes, &n) != TH_OK) return TH_ERROR;
  size_t need = (size_t)(t->offset + n) * THDtype_size(t->dtype);
  if (need > t->storage->nbytes && THStorage_resize(t->storage, need) != TH_OK) return TH_ERROR;
  t->ndim = ndim;
  if (ndim) memcpy(t->size, sizes, (size_t)ndim * sizeof(int64_t));
  THTensor_contiguousStrides(ndim, sizes, t->stride);
  return TH_OK;
}

void THTensor_set(THTensor *t, const THTensor *src) {
  if (t == src) return;
  THStorage_retain(src->storage);
  THStorage_release(t->storage);
  t->storage = src->storage;
  t->offset = src->offset;
  t->ndim = src->ndim;
  t->dtype = src->dtype;
  memcpy(t->size, src->size, sizeof t->size);
  memcpy(t->stride, src->stride, sizeof t->stride);
}

/* ======================================================================= queries */

int64_t THTensor_numel(const THTensor *t) {
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->size[d];
  return n;
}

bool THTensor_isContiguous(const THTensor *t) {
  int64_t expected = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->size[d] == 0) return true;
    if (t->size[d] != 1) {
      if (t->stride[d] != expected) return false;
      expected *= t->size[d];
    }
  }
  return true;
}

bool THTensor_sameShape(const THTensor *a, const THTensor *b) {
  if (a->ndim != b->ndim) return false;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] != b->size[d]) return false;
  return true;
}

bool THTensor_inBounds(const THTensor *t) {
  if (THTensor_numel(t) == 0) return true;
  int64_t lo = t->offset, hi = t->offset;
  for (int d = 0; d < t->ndim; d++) {
    int64_t span = (t->size[d] - 1) * t->stride[d];
    if (span < 0) lo += span; else hi += span;
  }
  return lo >= 0 && (size_t)(hi + 1) * THDtype_size(t->dtype) <= t->storage->nbytes;
}

/* The element's bytes: in place on the CPU, or copied into buf from another device. */
static const char *element_ptr(const THTensor *t, const int64_t *index, double *buf) {
  int64_t off = t->offset;
  for (int d = 0; d < t->ndim; d++) off += index[d] * t->stride[d];
  if (THTensor_device(t).type == TH_DEVICE_CPU)
    return (const char *)t->storage->data + off * (int64_t)THDtype_size(t->dtype);
  *buf = 0;
  THTensor *src = THTensor_newView(t->storage, t->dtype, off, 0, NULL, NULL);
  THTensor *dst = THTensor_wrap(buf, t->dtype, TH_CPU, 0, NULL, NULL, NULL, NULL);
  if (src && dst) THTensor_copy(dst, src); /* on failure the error stays set and buf reads 0 */
  THTensor_free(src);
  THTensor_free(dst);
  return (const char *)buf;
}

double THTensor_getDouble(const THTensor *t, const int64_t *index) {
  double buf;
  const void *p = element_ptr(t, index, &buf);
  switch (t->dtype) {
  case TH_F16: return th_half2float(*(const th_half *)p);
  case TH_BF16: return th_bfloat162float(*(const th_bfloat16 *)p);
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  case TH_##ID: return (double)*(const CTYPE *)p;
    TH_FORALL_FLOAT_DTYPES_NATIVE(TH_X)
    TH_FORALL_INT_DTYPES(TH_X)
#undef TH_X
  case TH_BOOL: return *(const bool *)p;
  default: return 0;
  }
}

int64_t THTensor_getInt64(const THTensor *t, const int64_t *index) {
  double buf;
  const void *p = element_ptr(t, index, &buf);
  switch (t->dtype) {
  case TH_F32: return (int64_t)*(const float *)p;
  case TH_F64: return (int64_t)*(const double *)p;
  case TH_F16: return (int64_t)th_half2float(*(const th_half *)p);
  case TH_BF16: return (int64_t)th_bfloat162float(*(const th_bfloat16 *)p);
  case TH_I8: return *(const int8_t *)p;
  case TH_I16: return *(const int16_t *)p;
  case TH_I32: return *(const int32_t *)p;
  case TH_I64: return *(const int64_t *)p;
  case TH_U8: return *(const uint8_t *)p;
  case TH_BOOL: return *(const bool *)p;
  default: return 0;
  }
}

/* ======================================================================= views */

/* Error messages number dimensions and indices from 1 (negative ones as given), the way the
 * Lua API that most users see counts them; TH_USER_POS turns a 0-based position into that. */
#define TH_USER_POS(i) ((long long)((i) >= 0 ? (i) + 1 : (i)))

int THTensor_wrapDim(const char *op, int dim, int ndim, int *out) {
  int n = ndim > 0 ? ndim : 1; /* a 0-dim tensor accepts dim 0 / -1 as PyTorch does */
  if (dim < -n || dim >= n)
    return TH_setError("[%s] dimension out of range (expected to be in range of [%d, %d], but got %lld)",
                       op, -n, n, TH_USER_POS(dim));
  *out = dim < 0 ? dim + n : dim;
  return TH_OK;
}

static THTensor *view_of(const THTensor *t, int ndim, const int64_t *sizes,
                         const int64_t *strides, int64_t offset) {
  return THTensor_newView(t->storage, t->dtype, offset, ndim, sizes, strides);
}

/* Resolves one -1 in sizes against numel; writes the result into out. */
static int infer_size(const char *op, const THTensor *t, int ndim, const int64_t *sizes,
                      int64_t *out) {
  int64_t numel = THTensor_numel(t), known = 1;
  int infer = -1;
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (ndim > TH_MAX_DIMS)
    return TH_setError("[%s] tensors have at most %d dimensions, got %d", op, TH_MAX_DIMS, ndim);
  for (int d = 0; d < ndim; d++) {
    if (sizes[d] == -1) {
      if (infer >= 0) return TH_setError("[%s] only one dimension can be inferred", op);
      infer = d;
    } else if (sizes[d] < 0) {
      return TH_setError("[%s] invalid shape dimension %lld", op, (long long)sizes[d]);
    } else {
      known *= sizes[d];
    }
    out[d] = sizes[d];
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      return TH_setError("[%s] shape %s is invalid for input of size %lld", op,
                         TH_formatShape(a, ndim, sizes), (long long)numel);
    out[infer] = numel / known;
  } else if (known != numel) {
    return TH_setError("[%s] shape %s is invalid for input of size %lld (input shape %s)", op,
                       TH_formatShape(a, ndim, sizes), (long long)numel,
                       TH_formatShape(b, t->ndim, t->size));
  }
  return TH_OK;
}

/* Strides for viewing t with new sizes without copying (PyTorch's computeStride): works
 * chunk by chunk over runs of t's dims that are contiguous with each other. */
static bool view_strides(const THTensor *t, int ndim, const int64_t *sizes, int64_t *strides) {
  int64_t numel = THTensor_numel(t);
  if (numel == 0) {
    THTensor_contiguousStrides(ndim, sizes, strides);
    return true;
  }
  int view_d = ndim - 1;
  int64_t chunk = 1, tensor_numel = 1;
  int64_t chunk_base_stride = t->ndim ? t->stride[t->ndim - 1] : 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    tensor_numel *= t->size[d];
    if (d == 0 || (t->size[d - 1] != 1 && t->stride[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (chunk < tensor_numel || sizes[view_d] == 1)) {
        strides[view_d] = chunk * chunk_base_stride;
        chunk *= sizes[view_d];
        view_d--;
      }
      if (chunk != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = t->stride[d - 1];
        tensor_numel = 1;
        chunk = 1;
      }
    }
  }
  if (view_d != -1) {
    /* remaining leading size-1 dims of the view */
    while (view_d >= 0) {
      if (sizes[view_d] != 1) return false;
      strides[view_d] = 1;
      view_d--;
    }
  }
  return true;
}

THTensor *THTensor_view(const THTensor *t, int ndim, const int64_t *sizes) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  if (infer_size("view", t, ndim, sizes, sz) != TH_OK) return NULL;
  if (!view_strides(t, ndim, sz, st)) {
    char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
    TH_setError("[view] size %s is not compatible with input of size %s and its strides "
                "(at least one dimension spans two contiguous subspaces); use reshape instead",
                TH_formatShape(a, ndim, sz), TH_formatShape(b, t->ndim, t->size));
    return NULL;
  }
  return view_of(t, ndim, sz, st, t->offset);
}

THTensor *THTensor_reshape(const THTensor *t, int ndim, const int64_t *sizes) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  if (infer_size("reshape", t, ndim, sizes, sz) != TH_OK) return NULL;
  if (view_strides(t, ndim, sz, st)) return view_of(t, ndim, sz, st, t->offset);
  THTensor *c = THTensor_clone(t);
  if (!c) return NULL;
  THTensor *v = THTensor_view(c, ndim, sz);
  THTensor_free(c);
  return v;
}

THTensor *THTensor_transpose(const THTensor *t, int d0, int d1) {
  int a, b;
  if (THTensor_wrapDim("transpose", d0, t->ndim, &a) || THTensor_wrapDim("transpose", d1, t->ndim, &b))
    return NULL;
  THTensor *v = view_of(t, t->ndim, t->size, t->stride, t->offset);
  if (!v || t->ndim == 0) return v;
  int64_t s = v->size[a]; v->size[a] = v->size[b]; v->size[b] = s;
  s = v->stride[a]; v->stride[a] = v->stride[b]; v->stride[b] = s;
  return v;
}

THTensor *THTensor_permute(const THTensor *t, const int *dims) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  bool seen[TH_MAX_DIMS] = {0};
  for (int i = 0; i < t->ndim; i++) {
    int d;
    if (THTensor_wrapDim("permute", dims[i], t->ndim, &d) != TH_OK) return NULL;
    if (seen[d]) {
      TH_setError("[permute] dimension %d repeats in the permutation", d + 1);
      return NULL;
    }
    seen[d] = true;
    sz[i] = t->size[d];
    st[i] = t->stride[d];
  }
  return view_of(t, t->ndim, sz, st, t->offset);
}

THTensor *THTensor_narrow(const THTensor *t, int dim, int64_t start, int64_t length) {
  int d;
  if (t->ndim == 0) {
    TH_setError("[narrow] cannot be applied to a 0-dim tensor");
    return NULL;
  }
  if (THTensor_wrapDim("narrow", dim, t->ndim, &d) != TH_OK) return NULL;
  int64_t given = start;
  if (start < 0) start += t->size[d];
  if (start < 0 || length < 0 || start > t->size[d] || start + length > t->size[d]) {
    TH_setError("[narrow] start %lld and length %lld are out of range for dimension %d of size %lld",
                TH_USER_POS(given), (long long)length, d + 1, (long long)t->size[d]);
    return NULL;
  }
  THTensor *v = view_of(t, t->ndim, t->size, t->stride, t->offset + start * t->stride[d]);
  if (v) v->size[d] = length;
  return v;
}

THTensor *THTensor_select(const THTensor *t, int dim, int64_t index) {
  int d;
  if (t->ndim == 0) {
    TH_setError("[select] cannot be applied to a 0-dim tensor");
    return NULL;
  }
  if (THTensor_wrapDim("select", dim, t->ndim, &d) != TH_OK) return NULL;
  int64_t n = t->size[d];
  if (index < -n || index >= n) {
    TH_setError("[select] index %lld is out of range for dimension %d of size %lld",
                TH_USER_POS(index), d + 1, (long long)n);
    return NULL;
  }
  if (index < 0) index += n;
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  for (int i = 0, j = 0; i < t->ndim; i++)
    if (i != d) { sz[j] = t->size[i]; st[j] = t->stride[i]; j++; }
  return view_of(t, t->ndim - 1, sz, st, t->offset + index * t->stride[d]);
}

THTensor *THTensor_squeeze(const THTensor *t) {
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  int n = 0;
  for (int i = 0; i < t->ndim; i++)
    if (t->size[i] != 1) { sz[n] = t->size[i]; st[n] = t->stride[i]; n++; }
  return view_of(t, n, sz, st, t->offset);
}

THTensor *THTensor_squeezeDim(const THTensor *t, int dim) {
  int d;
  if (THTensor_wrapDim("squeeze", dim, t->ndim, &d) != TH_OK) return NULL;
  if (t->ndim == 0 || t->size[d] != 1) return view_of(t, t->ndim, t->size, t->stride, t->offset);
  return THTensor_select(t, d, 0);
}

THTensor *THTensor_unsqueeze(const THTensor *t, int dim) {
  int d;
  if (THTensor_wrapDim("unsqueeze", dim, t->ndim + 1, &d) != TH_OK) return NULL;
  if (t->ndim >= TH_MAX_DIMS) {
    TH_setError("[unsqueeze] tensors have at most %d dimensions", TH_MAX_DIMS);
    return NULL;
  }
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  for (int i = 0, j = 0; i <= t->ndim; i++) {
    if (i == d) {
      sz[i] = 1;
      st[i] = d < t->ndim ? t->size[d] * t->stride[d] : 1;
    } else {
      sz[i] = t->size[j];
      st[i] = t->stride[j];
      j++;
    }
  }
  return view_of(t, t->ndim + 1, sz, st, t->offset);
}

THTensor *THTensor_expand(const THTensor *t, int ndim, const int64_t *sizes) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (ndim < t->ndim || ndim > TH_MAX_DIMS) {
    TH_setError("[expand] the number of sizes provided (%d) must be greater or equal to the "
                "number of dimensions in the tensor (%d)", ndim, t->ndim);
    return NULL;
  }
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  int lead = ndim - t->ndim;
  for (int i = ndim - 1; i >= 0; i--) {
    int j = i - lead;
    int64_t want = sizes[i];
    if (j < 0) {
      if (want < 0) {
        TH_setError("[expand] the expanded size %lld is not allowed in a leading, non-existing dimension %d",
                    (long long)want, i + 1);
        return NULL;
      }
      sz[i] = want;
      st[i] = 0;
    } else {
      if (want == -1) want = t->size[j];
      if (t->size[j] == want) {
        sz[i] = want;
        st[i] = t->stride[j];
      } else if (t->size[j] == 1 && want >= 0) {
        sz[i] = want;
        st[i] = 0;
      } else {
        TH_setError("[expand] the expanded size %s must match the existing size %s at non-singleton dimension %d",
                    TH_formatShape(a, ndim, sizes), TH_formatShape(b, t->ndim, t->size), i + 1);
        return NULL;
      }
    }
  }
  return view_of(t, ndim, sz, st, t->offset);
}

THTensor *THTensor_flatten(const THTensor *t, int start_dim, int end_dim) {
  int s, e;
  if (t->ndim == 0) {
    int64_t one = 1;
    return THTensor_reshape(t, 1, &one);
  }
  if (THTensor_wrapDim("flatten", start_dim, t->ndim, &s) || THTensor_wrapDim("flatten", end_dim, t->ndim, &e))
    return NULL;
  if (s > e) {
    TH_setError("[flatten] start_dim (%d) cannot come after end_dim (%d)", s + 1, e + 1);
    return NULL;
  }
  int64_t sz[TH_MAX_DIMS];
  int n = 0;
  for (int i = 0; i < s; i++) sz[n++] = t->size[i];
  int64_t prod = 1;
  for (int i = s; i <= e; i++) prod *= t->size[i];
  sz[n++] = prod;
  for (int i = e + 1; i < t->ndim; i++) sz[n++] = t->size[i];
  return THTensor_reshape(t, n, sz);
}

THTensor *THTensor_unfold(const THTensor *t, int dim, int64_t size, int64_t step) {
  int d;
  int nd = t->ndim ? t->ndim : 1;
  if (THTensor_wrapDim("unfold", dim, t->ndim, &d) != TH_OK) return NULL;
  int64_t len = t->ndim ? t->size[d] : 1, dstride = t->ndim ? t->stride[d] : 1;
  if (size < 0 || size > len) {
    TH_setError("[unfold] maximum size for tensor at dimension %d is %lld but size is %lld", d + 1,
                (long long)len, (long long)size);
    return NULL;
  }
  if (step <= 0) {
    TH_setError("[unfold] step is %lld but must be > 0", (long long)step);
    return NULL;
  }
  if (nd + 1 > TH_MAX_DIMS) {
    TH_setError("[unfold] tensors have at most %d dimensions", TH_MAX_DIMS);
    return NULL;
  }
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  for (int i = 0; i < t->ndim; i++) { sz[i] = t->size[i]; st[i] = t->stride[i]; }
  sz[d] = (len - size) / step + 1;
  st[d] = step * dstride;
  sz[nd] = size;
  st[nd] = dstride;
  if (t->ndim == 0) { /* PyTorch: a 0-dim tensor unfolds to shape (size) */
    sz[0] = size;
    st[0] = 1;
    return view_of(t, 1, sz, st, t->offset);
  }
  return view_of(t, nd + 1, sz, st, t->offset);
}

THTensor *THTensor_asStrided(const THTensor *t, int ndim, const int64_t *sizes,
                             const int64_t *strides, int64_t offset) {
  int64_t n;
  if (check_sizes("as_strided", ndim, sizes, &n) != TH_OK) return NULL;
  THTensor *v = view_of(t, ndim, sizes, strides, offset);
  if (v && !THTensor_inBounds(v)) {
    char a[TH_SHAPE_STRLEN];
    TH_setError("[as_strided] size %s with offset %lld reaches past the end of the storage (%zu bytes)",
                TH_formatShape(a, ndim, sizes), (long long)offset, t->storage->nbytes);
    THTensor_free(v);
    return NULL;
  }
  return v;
}

/* ======================================================================= shapes */

int THTensor_broadcastShape(const char *op, int na, const int64_t *a, int nb, const int64_t *b,
                            int *out_ndim, int64_t *out) {
  int n = na > nb ? na : nb;
  for (int i = n - 1, ia = na - 1, ib = nb - 1; i >= 0; i--, ia--, ib--) {
    int64_t x = ia >= 0 ? a[ia] : 1, y = ib >= 0 ? b[ib] : 1;
    if (x == y || y == 1) out[i] = x;
    else if (x == 1) out[i] = y;
    else {
      char sa[TH_SHAPE_STRLEN], sb[TH_SHAPE_STRLEN];
      return TH_setError("[%s] shapes %s and %s cannot be broadcast together (size %lld vs %lld at dimension %d)",
                         op, TH_formatShape(sa, na, a), TH_formatShape(sb, nb, b),
                         (long long)x, (long long)y, i + 1);
    }
  }
  *out_ndim = n;
  return TH_OK;
}
