/* THAutogradViews.h: the views and copies of THTensor.h as recorded ops.
 *
 * THTensor_view, THTensor_clone, THTensor_copy and friends are the raw primitives every
 * kernel uses internally; they never record.  These are the same operations as user-facing
 * ops: when grad mode is on and the input requires grad, the result gets a node (ViewBackward0,
 * TransposeBackward0, CloneBackward0, ...).  The Lua binding and the backward formulas call
 * these.  Same arguments and errors as the THTensor_ functions they wrap.
 */
#ifndef TH_AUTOGRAD_VIEWS_H
#define TH_AUTOGRAD_VIEWS_H

#include "THAutograd.h"

TH_API THTensor *THAutograd_view(const THTensor *t, int ndim, const int64_t *sizes);
TH_API THTensor *THAutograd_reshape(const THTensor *t, int ndim, const int64_t *sizes);
TH_API THTensor *THAutograd_transpose(const THTensor *t, int d0, int d1);
TH_API THTensor *THAutograd_permute(const THTensor *t, const int *dims);
TH_API THTensor *THAutograd_narrow(const THTensor *t, int dim, int64_t start, int64_t length);
TH_API THTensor *THAutograd_select(const THTensor *t, int dim, int64_t index);
TH_API THTensor *THAutograd_squeeze(const THTensor *t);
TH_API THTensor *THAutograd_squeezeDim(const THTensor *t, int dim);
TH_API THTensor *THAutograd_unsqueeze(const THTensor *t, int dim);
TH_API THTensor *THAutograd_expand(const THTensor *t, int ndim, const int64_t *sizes);
TH_API THTensor *THAutograd_flatten(const THTensor *t, int start_dim, int end_dim);
TH_API THTensor *THAutograd_unfold(const THTensor *t, int dim, int64_t size, int64_t step);
TH_API THTensor *THAutograd_asStrided(const THTensor *t, int ndim, const int64_t *sizes,
                                      const int64_t *strides, int64_t offset);
TH_API THTensor *THAutograd_clone(const THTensor *t);
/* t itself (retained) when contiguous, otherwise a recorded clone. */
TH_API THTensor *THAutograd_contiguous(const THTensor *t);
/* t itself (retained) when of that dtype, otherwise a recorded conversion (ToCopyBackward0). */
TH_API THTensor *THTensor_to(const THTensor *t, THDtype dtype);
/* The same across devices: t itself when already there in that dtype, otherwise a recorded
 * copy whose gradient flows back to t's device.  non_blocking as THTensor_copyAsync. */
TH_API THTensor *THTensor_toDevice(const THTensor *t, THDevice device, THDtype dtype,
                                   bool non_blocking);
/* dst <- src (broadcast, converted) as the in-place op copy_: records CopyBackwards. */
TH_API int THAutograd_copy_(THTensor *dst, const THTensor *src);
/* t[...] = value as the in-place op fill_ (zero_ is fill_ with 0): records FillBackward0,
 * whose gradient is zero, when t requires grad. */
TH_API int THAutograd_fill_(THTensor *t, double value);
TH_API int THAutograd_zero_(THTensor *t); /* the same, named ZeroBackward0 */

#endif
