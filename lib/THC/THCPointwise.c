/* THCPointwise.c: the CUDA rows of the POINTWISE, FILL, RANGE and CAST kinds.
 *
 * The glue turns lib/TH's THIter into THCKernels.h's THCIter (numbers from the host travel by
 * value), switches to the operands' device, launches on its current stream and checks the
 * launch.  Copies between the host and a device, or between two devices, arrive here as one
 * contiguous block of one dtype (THTensor_copyAsync stages every other case) and become a
 * single cudaMemcpyAsync.
 */
#include <string.h>
#include "THCGeneral.h"
#include "THCKernels.h"

/* Fills d from it; TH_ERROR when a tensor operand lives on another device than operand 0. */
static int to_thc_iter(const char *op, const THIter *it, THCIter *d) {
  d->noperands = it->noperands;
  d->ndim = it->ndim;
  d->numel = it->numel;
  memcpy(d->shape, it->shape, sizeof d->shape);
  for (int k = 0; k < it->noperands; k++) {
    memcpy(d->strides[k], it->strides[k], sizeof d->strides[k]);
    d->dtypes[k] = it->dtypes[k];
    d->scalar[k] = 0;
    d->data[k] = it->data[k];
    THDevice dev = it->devices[k];
    if (dev.type == TH_DEVICE_CPU) {
      bool broadcast_number = true;
      for (int i = 0; i < it->ndim; i++) broadcast_number &= it->strides[k][i] == 0;
      if (!broadcast_number)
        return TH_setError("[%s] expected all tensors to be on cuda:%d, but operand %d is on "
                           "the cpu", op, it->device.index, k);
      memcpy(&d->scalar[k], it->data[k], THDtype_size(it->dtypes[k]));
      d->data[k] = NULL;
    } else if (!THDevice_equal(dev, it->device)) {
      return TH_setError("[%s] expected all tensors to be on cuda:%d, but operand %d is on "
                         "cuda:%d", op, it->device.index, k, dev.index);
    }
  }
  return TH_OK;
}

static int thc_pointwise(THOp op, const THIter *it, const THOpParams *p) {
  THCIter d;
  THCGuard g;
  const char *name = THOp_info(op)->name;
  if (to_thc_iter(name, it, &d) != TH_OK || THC_guardEnter(&g, it->device.index) != TH_OK)
    return TH_ERROR;
  THCParams params;
  memcpy(&params, p, sizeof params);
  cudaError_t e = THC_launchPointwise((int)op, &d, &params, THC_stream(-1));
  THC_guardExit(&g);
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] not implemented for dtype %s", name,
                       THDtype_name(it->dtypes[it->noperands > 1 ? 1 : 0]));
  return THC_CHECK(e);
}

static int thc_fill(THTensor *t, THScalar value) {
  THIter it;
  THCIter d;
  THCGuard g;
  THIter_init(&it, 1, &t);
  if (to_thc_iter("fill_", &it, &d) != TH_OK || THC_guardEnter(&g, it.device.index) != TH_OK)
    return TH_ERROR;
  cudaError_t e = THC_launchFill(&d, value, THC_stream(-1));
  THC_guardExit(&g);
  return THC_CHECK(e);
}

static int thc_range(THTensor *t, double start, double step, double base, int mode) {
  THCGuard g;
  if (THC_guardEnter(&g, THTensor_device(t).index) != TH_OK) return TH_ERROR;
  cudaError_t e = THC_launchRange(THTensor_data(t), t->dtype, THTensor_numel(t), start, step,
                                  base, mode, THC_stream(-1));
  THC_guardExit(&g);
  return THC_CHECK(e);
}

static bool is_flat(const THIter *it, int k) {
  return it->ndim == 0 || (it->ndim == 1 && it->strides[k][0] == (int64_t)THDtype_size(it->dtypes[k]));
}

/* One block of bytes between the host and a device or between devices, on the CUDA side's
 * current stream; waits for it unless the caller asked for non_blocking. */
static int transfer(const THIter *it) {
  THDevice dd = it->devices[0], sd = it->devices[1];
  if (it->dtypes[0] != it->dtypes[1] || !is_flat(it, 0) || !is_flat(it, 1))
    return TH_setError("[copy_] internal: a copy between devices must be contiguous and of one "
                       "dtype (THTensor_copyAsync stages the others)");
  int device = dd.type == TH_DEVICE_CUDA ? dd.index : sd.index;
  THCGuard g;
  if (THC_guardEnter(&g, device) != TH_OK) return TH_ERROR;
  cudaStream_t s = THC_stream(-1);
  size_t nbytes = (size_t)it->numel * THDtype_size(it->dtypes[0]);
  int rc = THC_CHECK(cudaMemcpyAsync(it->data[0], it->data[1], nbytes, cudaMemcpyDefault, s));
  /* a peer copy is waited for too: the other device's streams know nothing of it */
  bool peer = dd.type == TH_DEVICE_CUDA && sd.type == TH_DEVICE_CUDA && dd.index != sd.index;
  if (rc == TH_OK && (!it->non_blocking || peer)) rc = THC_CHECK(cudaStreamSynchronize(s));
  THC_guardExit(&g);
  return rc;
}

static int thc_cast(const THIter *it) {
  if (!THDevice_equal(it->devices[0], it->devices[1])) return transfer(it);
  THCIter d;
  THCGuard g;
  if (to_thc_iter("copy_", it, &d) != TH_OK || THC_guardEnter(&g, it->device.index) != TH_OK)
    return TH_ERROR;
  cudaError_t e = THC_launchCast(&d, THC_stream(-1));
  THC_guardExit(&g);
  if (e == THC_UNSUPPORTED)
    return TH_setError("[copy_] no CUDA conversion from %s to %s", THDtype_name(it->dtypes[1]),
                       THDtype_name(it->dtypes[0]));
  return THC_CHECK(e);
}

void THC_registerPointwise(void) {
  for (int op = 0; op < TH_NOPS; op++)
    if (THOp_info((THOp)op)->kind == TH_KIND_POINTWISE)
      THDispatch_register((THOp)op, TH_DEVICE_CUDA, (THKernel){.pointwise = thc_pointwise});
  THDispatch_register(TH_OP_fill, TH_DEVICE_CUDA, (THKernel){.fill = thc_fill});
  THDispatch_register(TH_OP_range, TH_DEVICE_CUDA, (THKernel){.range = thc_range});
  THDispatch_register(TH_OP_copy, TH_DEVICE_CUDA, (THKernel){.cast = thc_cast});
}
