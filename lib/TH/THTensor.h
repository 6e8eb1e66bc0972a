/* THTensor.h: strided views of a storage, and the operations that only rearrange them.
 *
 * A tensor is (storage, offset, sizes, strides, dtype); offsets and strides count elements.
 * Dimensions are 0-based here; the Lua binding converts from 1-based in one place.  Tensors
 * are reference counted (THTensor_retain/free) and their headers are pooled per thread, so
 * creating a small tensor costs a few pointer moves.  Every view function returns a new
 * tensor sharing the storage, or NULL with TH_setError().
 */
#ifndef TH_TENSOR_H
#define TH_TENSOR_H

#include "THDtype.h"
#include "THStorage.h"

typedef struct THTensor {
  THStorage *storage;
  int64_t offset;
  int ndim;
  THDtype dtype;
  atomic_int refcount;
  bool requires_grad;
  void *autograd; /* graph metadata, owned by the autograd layer; NULL when none */
  struct THTensor *base; /* user-level views (THAutograd_view, ...): the tensor viewed, owned */
  int64_t size[TH_MAX_DIMS];
  int64_t stride[TH_MAX_DIMS];
} THTensor;

/* ---- life cycle ---- */
/* Uninitialised contiguous tensor; sizes may be NULL when ndim is 0. */
TH_API THTensor *THTensor_empty(THDtype dtype, THDevice device, int ndim, const int64_t *sizes);
/* A tensor header over an existing storage (retained); no bounds check beyond the storage. */
TH_API THTensor *THTensor_newView(THStorage *s, THDtype dtype, int64_t offset, int ndim,
                                  const int64_t *sizes, const int64_t *strides);
/* Wrap external memory (see THStorage_wrap); strides NULL means contiguous. */
TH_API THTensor *THTensor_wrap(void *data, THDtype dtype, THDevice device, int ndim,
                               const int64_t *sizes, const int64_t *strides,
                               THReleaseFn release, void *release_ctx);
TH_API void THTensor_retain(THTensor *t);
TH_API void THTensor_free(THTensor *t); /* drops one reference; NULL is fine */
/* Make t contiguous with the given sizes, reusing its storage when large enough
 * (PyTorch's resize_: contents are kept where they fit, new elements are uninitialised). */
TH_API int THTensor_resize(THTensor *t, int ndim, const int64_t *sizes);
/* Point t at src's storage/offset/sizes/strides/dtype (Torch7's set). */
TH_API void THTensor_set(THTensor *t, const THTensor *src);

/* ---- queries ---- */
TH_API int64_t THTensor_numel(const THTensor *t);
TH_API bool THTensor_isContiguous(const THTensor *t);
TH_API bool THTensor_sameShape(const THTensor *a, const THTensor *b);
static inline void *THTensor_data(const THTensor *t) {
  return (char *)t->storage->data + t->offset * (int64_t)THDtype_size(t->dtype);
}
static inline THDevice THTensor_device(const THTensor *t) { return t->storage->device; }
/* Element at a 0-based multi-index, converted to double / int64. */
TH_API double THTensor_getDouble(const THTensor *t, const int64_t *index);
TH_API int64_t THTensor_getInt64(const THTensor *t, const int64_t *index);
/* Index of the first element as a whole-tensor flat offset check: true when every element
 * the view can reach lies inside its storage. */
TH_API bool THTensor_inBounds(const THTensor *t);
/* Records an in-place write (for autograd's saved-tensor check). */
static inline void THTensor_bumpVersion(THTensor *t) { t->storage->version++; }

/* ---- views (share storage) ---- */
/* sizes may hold one -1 to infer; fails when the strides do not allow a view. */
TH_API THTensor *THTensor_view(const THTensor *t, int ndim, const int64_t *sizes);
/* A view when possible, otherwise a contiguous copy. */
TH_API THTensor *THTensor_reshape(const THTensor *t, int ndim, const int64_t *sizes);
TH_API THTensor *THTensor_transpose(const THTensor *t, int d0, int d1);
TH_API THTensor *THTensor_permute(const THTensor *t, const int *dims);
TH_API THTensor *THTensor_narrow(const THTensor *t, int dim, int64_t start, int64_t length);
TH_API THTensor *THTensor_select(const THTensor *t, int dim, int64_t index);
TH_API THTensor *THTensor_squeeze(const THTensor *t);            /* all size-1 dims */
TH_API THTensor *THTensor_squeezeDim(const THTensor *t, int dim);
TH_API THTensor *THTensor_unsqueeze(const THTensor *t, int dim); /* dim in [0, ndim] */
/* sizes of -1 keep the existing size; new leading dims may be added. */
TH_API THTensor *THTensor_expand(const THTensor *t, int ndim, const int64_t *sizes);
TH_API THTensor *THTensor_flatten(const THTensor *t, int start_dim, int end_dim);
TH_API THTensor *THTensor_unfold(const THTensor *t, int dim, int64_t size, int64_t step);
TH_API THTensor *THTensor_asStrided(const THTensor *t, int ndim, const int64_t *sizes,
                                    const int64_t *strides, int64_t offset);

/* ---- copies ---- */
TH_API THTensor *THTensor_contiguous(const THTensor *t); /* t itself (retained) if already */
TH_API THTensor *THTensor_clone(const THTensor *t);
/* dst <- src, any dtypes and layouts, src broadcast to dst's shape. */
TH_API int THTensor_copy(THTensor *dst, const THTensor *src);
/* copy_ with non_blocking: a transfer between pinned host memory and a device may still be
 * running when this returns (the device's stream orders it before later work there). */
TH_API int THTensor_copyAsync(THTensor *dst, const THTensor *src, bool non_blocking);
/* A copy of a CPU tensor in page-locked memory (t itself when it is already pinned). */
TH_API THTensor *THTensor_pinMemory(const THTensor *t);
/* A new contiguous tensor of dtype holding src's values (src itself, retained, when equal). */
TH_API THTensor *THTensor_toDtype(const THTensor *src, THDtype dtype);

/* ---- shape helpers ---- */
/* Normalise a possibly negative 0-based dim against ndim (dims in [-ndim, ndim-1]). */
TH_API int THTensor_wrapDim(const char *op, int dim, int ndim, int *out);
/* Broadcast shapes a and b into out (ndim returned in *out_ndim). */
TH_API int THTensor_broadcastShape(const char *op, int na, const int64_t *a, int nb,
                                   const int64_t *b, int *out_ndim, int64_t *out);
TH_API void THTensor_contiguousStrides(int ndim, const int64_t *sizes, int64_t *strides);

#endif
