/* THCReduce.c: the CUDA rows of the REDUCE and SCAN kinds.
 *
 * lib/TH's op layer (THReduce.c) has checked dims and dtypes and allocated fresh contiguous
 * outputs on the input's device.  This glue describes the operands as device pointers, sizes
 * and strides (THCReduceKernels.h), switches to their device, asks the launcher how much
 * scratch memory it needs, takes that as a byte tensor from THC's caching allocator, and
 * launches on the device's current stream.  The scratch tensor is freed right after the
 * launch: the allocator hands a block out again only on the stream that used it, behind the
 * kernels already queued there.
 */
#include <stdio.h>
#include <string.h>
#include "THCGeneral.h"
#include "THCReduceKernels.h"
#include "THReduce.h"

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* Every tensor of the op on x's device (the op layer allocated them there). */
static int check_devices(const char *name, const THTensor *x, THTensor *const *outs, int nout) {
  char b1[32], b2[32];
  THDevice dev = THTensor_device(x);
  for (int k = 0; k < nout; k++)
    if (!THDevice_equal(THTensor_device(outs[k]), dev))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at "
                         "least two devices, %s and %s", name, device_name(dev, b1),
                         device_name(THTensor_device(outs[k]), b2));
  return TH_OK;
}

static int launch_status(const char *name, THDtype dtype, cudaError_t e) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] not implemented for '%s' on CUDA", name, THDtype_name(dtype));
  if (e == THC_TOO_LARGE)
    return TH_setError("[%s] more than 2^31 - 1 elements at once are not supported on CUDA", name);
  return THC_check(e, name, __FILE__, __LINE__);
}

/* A device byte tensor of `bytes` (NULL with *failed false when none is needed). */
static THTensor *workspace(size_t bytes, THDevice dev, bool *failed) {
  *failed = false;
  if (bytes == 0) return NULL;
  int64_t n = (int64_t)bytes;
  THTensor *t = THTensor_empty(TH_U8, dev, 1, &n);
  *failed = t == NULL;
  return t;
}

static bool is_select(THOp op) {
  return op == TH_OP_median || op == TH_OP_nanmedian || op == TH_OP_mode;
}

/* The REDUCE kernel of every row. */
static int thc_reduce(const THReduceArgs *a) {
  const char *name = THOp_info(a->op)->name;
  const THTensor *x = a->x;
  if (check_devices(name, x, a->out, a->nout) != TH_OK) return TH_ERROR;
  THCReduceDesc d;
  memset(&d, 0, sizeof d);
  d.op = (int)a->op;
  d.dtype = (int)x->dtype;
  d.nout = a->nout;
  d.x = THTensor_data(x);
  for (int k = 0; k < a->nout; k++) d.out[k] = THTensor_data(a->out[k]);
  d.ndim = x->ndim;
  for (int i = 0; i < x->ndim; i++) {
    d.size[i] = x->size[i];
    d.stride[i] = x->stride[i];
    d.reduced[i] = a->reduced[i];
  }
  d.count = a->count;
  d.p = a->p;
  d.correction = a->correction;

  THCGuard g;
  if (THC_guardEnter(&g, THTensor_device(x).index) != TH_OK) return TH_ERROR;
  bool select = is_select(a->op), failed;
  size_t bytes = 0;
  cudaError_t e = select ? THC_selectWorkspace(&d, &bytes) : THC_reduceWorkspace(&d, &bytes);
  int rc = launch_status(name, x->dtype, e);
  THTensor *ws = rc == TH_OK ? workspace(bytes, THTensor_device(x), &failed) : NULL;
  if (rc == TH_OK && failed) rc = TH_ERROR;
  if (rc == TH_OK) {
    void *w = ws ? THTensor_data(ws) : NULL;
    e = select ? THC_launchSelect(&d, w, bytes, THC_stream(-1))
               : THC_launchReduce(&d, w, THC_stream(-1));
    rc = launch_status(name, x->dtype, e);
  }
  THTensor_free(ws);
  THC_guardExit(&g);
  return rc;
}

/* The SCAN kernel of every row: x is contiguous, dim wrapped, numel > 0. */
static int thc_scan(const THScanArgs *a) {
  const char *name = THOp_info(a->op)->name;
  const THTensor *x = a->x;
  if (check_devices(name, x, a->out, a->nout) != TH_OK) return TH_ERROR;
  THCScanDesc d;
  memset(&d, 0, sizeof d);
  d.op = (int)a->op;
  d.dtype = (int)x->dtype;
  d.x = THTensor_data(x);
  d.out = THTensor_data(a->out[0]);
  d.indices = a->nout > 1 ? (int64_t *)THTensor_data(a->out[1]) : NULL;
  d.outer = d.n = d.inner = 1;
  if (x->ndim > 0) {
    for (int i = 0; i < a->dim; i++) d.outer *= x->size[i];
    d.n = x->size[a->dim];
    for (int i = a->dim + 1; i < x->ndim; i++) d.inner *= x->size[i];
  }

  THCGuard g;
  if (THC_guardEnter(&g, THTensor_device(x).index) != TH_OK) return TH_ERROR;
  bool failed;
  size_t bytes = 0;
  int rc = launch_status(name, x->dtype, THC_scanWorkspace(&d, &bytes));
  THTensor *ws = rc == TH_OK ? workspace(bytes, THTensor_device(x), &failed) : NULL;
  if (rc == TH_OK && failed) rc = TH_ERROR;
  if (rc == TH_OK)
    rc = launch_status(name, x->dtype,
                       THC_launchScan(&d, ws ? THTensor_data(ws) : NULL, THC_stream(-1)));
  THTensor_free(ws);
  THC_guardExit(&g);
  return rc;
}

void THC_registerReduce(void) {
  for (int op = 0; op < TH_NOPS; op++) {
    THOpKind kind = THOp_info((THOp)op)->kind;
    if (kind == TH_KIND_REDUCE)
      THDispatch_register((THOp)op, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))thc_reduce});
    else if (kind == TH_KIND_SCAN)
      THDispatch_register((THOp)op, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))thc_scan});
  }
}
