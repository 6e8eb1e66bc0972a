/* THCSort.c: the CUDA rows of the SORT kind (sort, topk, kthvalue, unique,
 * unique_consecutive, searchsorted, bucketize) and their registration.
 *
 * lib/TH/THSort.c has already checked the arguments, shaped the outputs and put every tensor
 * on one device; the glue here describes the tensors to THCSort.cu (THCSortKernels.h), makes
 * the scratch workspace through THC's caching allocator (freed right after the launch: a
 * cached block is reused only on the same stream, behind this work) and checks each launch.
 * sort, topk and kthvalue are one stable sort of every slice followed by a different window
 * of it; unique reads its number of groups back to the host once, to size its outputs.
 */
#include <string.h>
#include "THCGeneral.h"
#include "THCSortKernels.h"
#include "THSort.h"

/* ======================================================================= helpers */

/* TH_OK, or the error of a launcher's status (THC_UNSUPPORTED: no kernel for the dtype). */
static int launch_status(cudaError_t e, const char *op, THDtype dtype) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] not implemented for '%s' on CUDA", op, THDtype_name(dtype));
  return THC_CHECK(e);
}

/* A device scratch block of `bytes` (NULL and no error when bytes is 0). */
static int workspace_new(THDevice dev, size_t bytes, THTensor **ws) {
  *ws = NULL;
  if (bytes == 0) return TH_OK;
  int64_t n = (int64_t)bytes;
  *ws = THTensor_empty(TH_U8, dev, 1, &n);
  return *ws ? TH_OK : TH_ERROR;
}

/* One tensor's layout over the slices of x along dim (THCSlices' dim order). */
static void slice_operand(THCSliceOperand *o, const THTensor *t, const THTensor *x, int dim) {
  o->data = THTensor_data(t);
  o->dstride = t->ndim > 0 ? t->stride[dim] : 0;
  int nd = 0;
  for (int d = x->ndim - 1; d >= 0; d--) /* innermost first, as THCpuSort.c */
    if (d != dim && x->size[d] != 1) o->strides[nd++] = t->stride[d];
}

static void slices_init(THCSlices *s, THTensor *values, THTensor *indices, const THTensor *x,
                        int dim) {
  memset(s, 0, sizeof *s);
  s->n = x->ndim > 0 ? x->size[dim] : 1;
  s->nslices = 1;
  for (int d = x->ndim - 1; d >= 0; d--)
    if (d != dim && x->size[d] != 1) {
      s->sizes[s->nd++] = x->size[d];
      s->nslices *= x->size[d];
    }
  slice_operand(&s->x, x, x, dim);
  slice_operand(&s->values, values, x, dim);
  slice_operand(&s->indices, indices, x, dim);
  s->dtype = x->dtype;
  s->esize = (int)THDtype_size(x->dtype);
}

/* ======================================================================= sort, topk, kthvalue */

/* Sorts every slice of x along dim and writes positions [first, first + count) of each. */
static int sort_window(const char *op, THTensor *values, THTensor *indices, const THTensor *x,
                       int dim, bool descending, int64_t first, int64_t count) {
  THDevice dev = THTensor_device(x);
  THCSlices s;
  slices_init(&s, values, indices, x, dim);
  if (s.nslices == 0 || s.n == 0 || count == 0) return TH_OK;
  THCGuard g;
  if (THC_guardEnter(&g, dev.index) != TH_OK) return TH_ERROR;
  size_t bytes = 0;
  THTensor *ws = NULL;
  int rc = launch_status(THC_sortWorkspaceBytes(&s, &bytes), op, x->dtype);
  if (rc == TH_OK) rc = workspace_new(dev, bytes, &ws);
  if (rc == TH_OK)
    rc = launch_status(THC_launchSortSlices(&s, descending, first, count,
                                            ws ? THTensor_data(ws) : NULL, bytes, THC_stream(-1)),
                       op, x->dtype);
  THTensor_free(ws);
  THC_guardExit(&g);
  return rc;
}

static int thc_sort(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                    bool descending, bool stable) {
  (void)stable; /* always stable: ties keep their input order */
  int64_t n = x->ndim > 0 ? x->size[dim] : 1;
  return sort_window("sort", values, indices, x, dim, descending, 0, n);
}

/* Always sorted (sorted = false allows any order, so the sorted one too). */
static int thc_topk(THTensor *values, THTensor *indices, const THTensor *x, int dim, int64_t k,
                    bool largest, bool sorted) {
  (void)sorted;
  return sort_window("topk", values, indices, x, dim, largest, 0, k);
}

static int thc_kthvalue(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                        int64_t k) {
  return sort_window("kthvalue", values, indices, x, dim, false, k - 1, 1);
}

/* ======================================================================= unique */

static int unique_on_device(const THTensor *xc, THUniqueMode mode, THTensor **values,
                            THTensor *inverse, THTensor **counts) {
  const char *op = mode == TH_UNIQUE_CONSECUTIVE ? "unique_consecutive" : "unique";
  THDevice dev = THTensor_device(xc);
  int64_t n = THTensor_numel(xc), groups = 0;
  size_t bytes = 0;
  THTensor *ws = NULL, *v = NULL, *c = NULL;
  cudaStream_t stream = THC_stream(-1);
  int rc = launch_status(THC_uniqueWorkspaceBytes(xc->dtype, n, (int)mode, &bytes), op, xc->dtype);
  if (rc == TH_OK) rc = workspace_new(dev, bytes, &ws);
  void *w = ws ? THTensor_data(ws) : NULL;
  if (rc == TH_OK)
    rc = launch_status(THC_launchUniqueGroups(THTensor_data(xc), xc->dtype, n, (int)mode, w,
                                              bytes, &groups, stream), op, xc->dtype);
  if (rc == TH_OK && !(v = THTensor_empty(xc->dtype, dev, 1, &groups))) rc = TH_ERROR;
  if (rc == TH_OK && counts && !(c = THTensor_empty(TH_I64, dev, 1, &groups))) rc = TH_ERROR;
  if (rc == TH_OK)
    rc = launch_status(THC_launchUniqueOutputs(THTensor_data(xc), xc->dtype,
                                               (int)THDtype_size(xc->dtype), n, (int)mode, w,
                                               bytes, groups, THTensor_data(v),
                                               c ? THTensor_data(c) : NULL,
                                               inverse ? THTensor_data(inverse) : NULL, stream),
                       op, xc->dtype);
  THTensor_free(ws);
  if (rc != TH_OK) {
    THTensor_free(v);
    THTensor_free(c);
    return TH_ERROR;
  }
  *values = v;
  if (counts) *counts = c;
  return TH_OK;
}

static int thc_unique(const THTensor *x, THUniqueMode mode, THTensor **values, THTensor *inverse,
                      THTensor **counts) {
  THDevice dev = THTensor_device(x);
  int64_t zero = 0;
  if (THTensor_numel(x) == 0) { /* nothing to launch: empty values and counts */
    THTensor *v = THTensor_empty(x->dtype, dev, 1, &zero);
    THTensor *c = v && counts ? THTensor_empty(TH_I64, dev, 1, &zero) : NULL;
    if (!v || (counts && !c)) {
      THTensor_free(v);
      return TH_ERROR;
    }
    *values = v;
    if (counts) *counts = c;
    return TH_OK;
  }
  THCGuard g;
  if (THC_guardEnter(&g, dev.index) != TH_OK) return TH_ERROR;
  THTensor *xc = THTensor_contiguous(x);
  int rc = xc ? unique_on_device(xc, mode, values, inverse, counts) : TH_ERROR;
  THTensor_free(xc);
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= searchsorted */

static int thc_search(THTensor *out, const THTensor *seq, const THTensor *values,
                      const THTensor *sorter, bool right) {
  int64_t nval = THTensor_numel(values);
  if (nval == 0) return TH_OK;
  THCGuard g;
  if (THC_guardEnter(&g, THTensor_device(seq).index) != TH_OK) return TH_ERROR;
  int64_t m = seq->size[seq->ndim - 1];
  int64_t inner = values->ndim > 0 ? values->size[values->ndim - 1] : 1;
  cudaError_t e = THC_launchSearch(out->dtype == TH_I64 ? THTensor_data(out) : NULL,
                                   out->dtype == TH_I32 ? THTensor_data(out) : NULL,
                                   THTensor_data(seq), seq->dtype, m, seq->ndim == 1,
                                   sorter ? THTensor_data(sorter) : NULL, THTensor_data(values),
                                   nval, inner, right, THC_stream(-1));
  THC_guardExit(&g);
  return launch_status(e, "searchsorted", seq->dtype);
}

/* ======================================================================= registration */

void THC_registerSort(void) {
  THDispatch_register(TH_OP_sort, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))thc_sort});
  THDispatch_register(TH_OP_topk, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))thc_topk});
  THDispatch_register(TH_OP_kthvalue, TH_DEVICE_CUDA,
                      (THKernel){.fn = (void (*)(void))thc_kthvalue});
  THDispatch_register(TH_OP_unique, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))thc_unique});
  THDispatch_register(TH_OP_unique_consecutive, TH_DEVICE_CUDA,
                      (THKernel){.fn = (void (*)(void))thc_unique});
  THDispatch_register(TH_OP_searchsorted, TH_DEVICE_CUDA,
                      (THKernel){.fn = (void (*)(void))thc_search});
  THDispatch_register(TH_OP_bucketize, TH_DEVICE_CUDA,
                      (THKernel){.fn = (void (*)(void))thc_search});
}
