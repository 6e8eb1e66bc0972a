/* THCIndex.c: the CUDA rows of THOps.def's INDEX kind (cat, index_select, gather, scatter,
 * scatter_add, index_add, index_copy, index_fill, masked_fill, masked_select, masked_scatter,
 * nonzero, take, flip, roll, repeat, tril, triu) and the device half of THIndex_convert.
 *
 * lib/TH (THIndex.c, THJoin.c) has checked every argument, device and index before a kernel
 * here runs (signatures and preconditions in THIndex.h).  The glue turns tensors into device
 * pointers and element strides, makes the tensors' device current, launches on its current
 * stream and checks every launch.  masked_select, masked_scatter and nonzero read one count
 * back from the device, and THIndex_convert one position when asked to (each op's one wait);
 * everything else is queued without waiting.  Temporaries come from THC's caching allocator
 * (THTensor_empty), which reuses a block only on the stream that freed it, so they are
 * released as soon as their last kernel is queued.
 */
#include <string.h>
#include "THCGeneral.h"
#include "THCIndexKernels.h"
#define TH_INDEX_INTERNAL
#include "THIndex.h"

_Static_assert(THC_INDEX_READ == (int)TH_INDEX_READ && THC_INDEX_WRITE == (int)TH_INDEX_WRITE &&
                   THC_INDEX_FILL == (int)TH_INDEX_FILL && THC_INDEX_ADD == (int)TH_INDEX_ADD &&
                   THC_INDEX_MUL == (int)TH_INDEX_MUL &&
                   THC_INDEX_ADD_VALUE == (int)TH_INDEX_ADD_VALUE &&
                   THC_INDEX_MUL_VALUE == (int)TH_INDEX_MUL_VALUE,
               "THCIndexKernels.h's modes follow THIndexMode");

/* A launcher's status as lib/TH's: THC_UNSUPPORTED names the op and dtype. */
static int launched(cudaError_t e, const char *op, THDtype dt, const char *call, int line) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] not implemented for '%s' on CUDA", op, THDtype_name(dt));
  return THC_check(e, call, __FILE__, line);
}
#define LAUNCHED(op, dt, call) launched((call), (op), (dt), #call, __LINE__)

static int enter(THCGuard *g, const THTensor *t) {
  return THC_guardEnter(g, THTensor_device(t).index);
}

static int elem_size(const THTensor *t) { return (int)THDtype_size(t->dtype); }

/* ======================================================================= gather/scatter */

/* True when every index entry names a whole slice (the index varies along dim only), so
 * that repeated entries can be found by their value alone. */
static bool one_index_per_slice(const THIndexWalk *w) {
  for (int d = 0; d < w->ndim; d++)
    if (d != w->dim && w->i_strides[d] != 0 && w->shape[d] > 1) return false;
  return w->ndim > 0 && w->shape[w->dim] > 1;
}

static int thc_index(const THIndexWalk *w) {
  const THTensor *a = w->a;
  THCIndexWalk d;
  memset(&d, 0, sizeof d);
  d.a = THTensor_data(a);
  d.b = w->b ? THTensor_data(w->b) : NULL;
  d.index = THTensor_data(w->index);
  d.ndim = w->ndim;
  memcpy(d.shape, w->shape, sizeof d.shape);
  memcpy(d.a_strides, w->a_strides, sizeof d.a_strides);
  memcpy(d.b_strides, w->b_strides, sizeof d.b_strides);
  memcpy(d.i_strides, w->i_strides, sizeof d.i_strides);
  d.a_dimstride = a->ndim ? a->stride[w->dim] : 0;
  d.mode = (int)w->mode;
  d.dtype = a->dtype;
  d.value = w->value;
  THCGuard g;
  if (enter(&g, a) != TH_OK) return TH_ERROR;
  cudaStream_t s = THC_stream(-1);
  THTensor *last = NULL;
  int rc = TH_OK;
  if (w->mode == TH_INDEX_WRITE && one_index_per_slice(w)) {
    int64_t n = a->size[w->dim];
    last = THTensor_empty(TH_I64, THTensor_device(a), 1, &n);
    rc = last ? THC_CHECK(THC_launchLastOccurrence(d.index, w->shape[w->dim],
                                                   w->i_strides[w->dim], THTensor_data(last),
                                                   n, s))
              : TH_ERROR;
    d.last = last ? THTensor_data(last) : NULL;
  }
  if (rc == TH_OK) rc = LAUNCHED("index", a->dtype, THC_launchIndexWalk(&d, s));
  THTensor_free(last);
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= index conversion */

static int thc_convert(THTensor *out, const THTensor *src, int64_t n, int64_t base,
                       bool wrap_negative, int64_t *first_bad) {
  int64_t m = THTensor_numel(src), one = 1;
  if (first_bad) *first_bad = -1;
  if (m == 0) return TH_OK;
  THCGuard g;
  if (enter(&g, src) != TH_OK) return TH_ERROR;
  cudaStream_t s = THC_stream(-1);
  THTensor *bad = first_bad ? THTensor_empty(TH_I64, THTensor_device(src), 1, &one) : NULL;
  int rc = first_bad && !bad ? TH_ERROR : TH_OK;
  uint64_t *bad_dev = bad ? THTensor_data(bad) : NULL, pos = UINT64_MAX;
  if (rc == TH_OK)
    rc = THC_CHECK(THC_launchIndexConvert(THTensor_data(out), THTensor_data(src), m, n, base,
                                          wrap_negative, bad_dev, s));
  if (rc == TH_OK && bad_dev) {
    rc = THC_CHECK(cudaMemcpyAsync(&pos, bad_dev, sizeof pos, cudaMemcpyDeviceToHost, s));
    if (rc == TH_OK) rc = THC_CHECK(cudaStreamSynchronize(s));
    if (rc == TH_OK && pos != UINT64_MAX) *first_bad = (int64_t)pos;
  }
  THTensor_free(bad);
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= masks */

static int thc_masked_fill(THTensor *t, const THTensor *mask, THScalar value) {
  THCGuard g;
  if (enter(&g, t) != TH_OK) return TH_ERROR;
  int rc = LAUNCHED("masked_fill", t->dtype,
                    THC_launchMaskedFill(THTensor_data(t), t->stride, THTensor_data(mask),
                                         mask->stride, t->ndim, t->size, t->dtype, value,
                                         THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

/* The positions of the n flags that are set, as a new int64 tensor (*count entries, in
 * increasing order), after one wait for their count.  Runs on the current device. */
static int flagged_positions(const uint8_t *flags, int64_t n, THDevice dev, THTensor **positions,
                             int64_t *count) {
  cudaStream_t s = THC_stream(-1);
  *positions = NULL;
  *count = 0;
  int64_t two = 2;
  THTensor *counters = THTensor_empty(TH_I64, dev, 1, &two); /* set flags, cub's count */
  if (!counters) return TH_ERROR;
  int64_t *c = THTensor_data(counters);
  uint64_t total = 0;
  int rc = THC_CHECK(THC_launchCountFlags(flags, n, (uint64_t *)c, s));
  if (rc == TH_OK)
    rc = THC_CHECK(cudaMemcpyAsync(&total, c, sizeof total, cudaMemcpyDeviceToHost, s));
  if (rc == TH_OK) rc = THC_CHECK(cudaStreamSynchronize(s));
  if (rc == TH_OK) {
    *count = (int64_t)total;
    *positions = THTensor_empty(TH_I64, dev, 1, count);
    if (!*positions) rc = TH_ERROR;
  }
  if (rc == TH_OK && total > 0) {
    size_t bytes = 0;
    rc = THC_CHECK(THC_launchFlaggedPositions(NULL, &bytes, flags, n, NULL, c + 1, s));
    int64_t nbytes = bytes > 0 ? (int64_t)bytes : 1;
    THTensor *temp = rc == TH_OK ? THTensor_empty(TH_U8, dev, 1, &nbytes) : NULL;
    if (rc == TH_OK && !temp) rc = TH_ERROR;
    if (rc == TH_OK)
      rc = THC_CHECK(THC_launchFlaggedPositions(THTensor_data(temp), &bytes, flags, n,
                                                THTensor_data(*positions), c + 1, s));
    THTensor_free(temp);
  }
  THTensor_free(counters);
  if (rc != TH_OK) {
    THTensor_free(*positions);
    *positions = NULL;
  }
  return rc;
}

static THTensor *thc_masked_select(const THTensor *src, const THTensor *mask) {
  THCGuard g;
  if (enter(&g, src) != TH_OK) return NULL;
  THDevice dev = THTensor_device(src);
  THTensor *pos, *r = NULL;
  int64_t count;
  if (flagged_positions(THTensor_data(mask), THTensor_numel(src), dev, &pos, &count) == TH_OK) {
    r = THTensor_empty(src->dtype, dev, 1, &count);
    if (r && LAUNCHED("masked_select", src->dtype,
                      THC_launchGatherPositions(THTensor_data(r), THTensor_data(src),
                                                THTensor_data(pos), count, elem_size(src),
                                                THC_stream(-1))) != TH_OK) {
      THTensor_free(r);
      r = NULL;
    }
  }
  THTensor_free(pos);
  THC_guardExit(&g);
  return r;
}

static int thc_masked_scatter(THTensor *t, const THTensor *mask, const THTensor *src) {
  THCGuard g;
  if (enter(&g, t) != TH_OK) return TH_ERROR;
  THTensor *pos;
  int64_t count, have = THTensor_numel(src);
  int rc = flagged_positions(THTensor_data(mask), THTensor_numel(t), THTensor_device(t), &pos,
                             &count);
  if (rc == TH_OK && count > have)
    rc = TH_setError("[masked_scatter] the source has %lld elements but the mask selects %lld",
                     (long long)have, (long long)count);
  if (rc == TH_OK)
    rc = LAUNCHED("masked_scatter", t->dtype,
                  THC_launchScatterPositions(THTensor_data(t), THTensor_data(src),
                                             THTensor_data(pos), count, elem_size(t),
                                             THC_stream(-1)));
  THTensor_free(pos);
  THC_guardExit(&g);
  return rc;
}

static THTensor *thc_nonzero(const THTensor *t) {
  THCGuard g;
  if (enter(&g, t) != TH_OK) return NULL;
  THDevice dev = THTensor_device(t);
  int64_t n = THTensor_numel(t), count;
  int nd = t->ndim;
  cudaStream_t s = THC_stream(-1);
  THTensor *flags = NULL, *pos = NULL, *r = NULL;
  int rc = TH_OK;
  if (t->dtype != TH_BOOL && t->dtype != TH_U8) { /* bytes already are flags */
    flags = THTensor_empty(TH_U8, dev, 1, &n);
    rc = flags ? LAUNCHED("nonzero", t->dtype,
                          THC_launchNonzeroFlags(THTensor_data(t), t->dtype, n,
                                                 THTensor_data(flags), s))
               : TH_ERROR;
  }
  if (rc == TH_OK)
    rc = flagged_positions(THTensor_data(flags ? flags : t), n, dev, &pos, &count);
  if (rc == TH_OK) {
    int64_t sizes[2] = {count, nd};
    r = THTensor_empty(TH_I64, dev, 2, sizes);
    if (r && THC_CHECK(THC_launchUnravel(THTensor_data(r), THTensor_data(pos), count, nd,
                                         t->size, s)) != TH_OK) {
      THTensor_free(r);
      r = NULL;
    }
  }
  THTensor_free(pos);
  THTensor_free(flags);
  THC_guardExit(&g);
  return r;
}

/* ======================================================================= take */

static int thc_take(THTensor *out, const THTensor *src, const THTensor *index) {
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  int rc = LAUNCHED("take", out->dtype,
                    THC_launchGatherPositions(THTensor_data(out), THTensor_data(src),
                                              THTensor_data(index), THTensor_numel(out),
                                              elem_size(out), THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= cat */

/* Inputs of out's dtype that are contiguous go in batches of one kernel each; any other is
 * copied into its slice of out (a dtype-converting strided copy). */
static int thc_cat(THTensor *out, int n, const THTensor *const *ins, int dim) {
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  cudaStream_t s = THC_stream(-1);
  int64_t inner = 1, pos = 0;
  for (int d = dim + 1; d < out->ndim; d++) inner *= out->size[d];
  const int64_t out_row = out->size[dim] * inner;
  THCCatBatch b;
  b.count = 0;
  int rc = TH_OK;
  for (int i = 0; i < n && rc == TH_OK; i++) {
    const THTensor *in = ins[i];
    int64_t len = in->size[dim];
    if (THTensor_numel(in) == 0) {
      pos += len;
      continue;
    }
    if (in->dtype == out->dtype && THTensor_isContiguous(in)) {
      b.data[b.count] = THTensor_data(in);
      b.row[b.count] = len * inner;
      b.offset[b.count] = pos * inner;
      b.numel[b.count] = THTensor_numel(in);
      if (++b.count == THC_CAT_BATCH) {
        rc = LAUNCHED("cat", out->dtype,
                      THC_launchCatBatch(THTensor_data(out), out_row, elem_size(out), &b, s));
        b.count = 0;
      }
    } else {
      THTensor *part = THTensor_narrow(out, dim, pos, len);
      rc = part ? THTensor_copy(part, in) : TH_ERROR;
      THTensor_free(part);
    }
    pos += len;
  }
  if (rc == TH_OK && b.count > 0)
    rc = LAUNCHED("cat", out->dtype,
                  THC_launchCatBatch(THTensor_data(out), out_row, elem_size(out), &b, s));
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= flip, roll, repeat */

/* out (contiguous) <- src through m, whose sizes and strides come from src. */
static int remap(const char *op, THTensor *out, const THTensor *src, THCRemap *m) {
  m->ndim = src->ndim;
  for (int d = 0; d < src->ndim; d++) {
    m->out_sizes[d] = out->size[d];
    m->src_sizes[d] = src->size[d];
    m->src_strides[d] = src->stride[d];
  }
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  int rc = LAUNCHED(op, out->dtype,
                    THC_launchRemap(THTensor_data(out), THTensor_data(src), elem_size(out), m,
                                    THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

static int thc_flip(THTensor *out, const THTensor *src, const bool *flip) {
  THCRemap m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < src->ndim; d++) m.flip[d] = flip[d];
  return remap("flip", out, src, &m);
}

/* out[c] = src[c - shift] along each dim, i.e. src[(c + size - shift) mod size]. */
static int thc_roll(THTensor *out, const THTensor *src, const int64_t *shifts) {
  THCRemap m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < src->ndim; d++) m.shifts[d] = shifts[d] ? src->size[d] - shifts[d] : 0;
  return remap("roll", out, src, &m);
}

/* out[c] = src[c mod src_size] along each dim. */
static int thc_repeat(THTensor *out, const THTensor *src) {
  THCRemap m;
  memset(&m, 0, sizeof m);
  return remap("repeat", out, src, &m);
}

/* ======================================================================= tril / triu */

static int thc_tri(THTensor *out, const THTensor *src, int64_t k, bool upper) {
  int nd = out->ndim;
  THCGuard g;
  if (enter(&g, out) != TH_OK) return TH_ERROR;
  int rc = LAUNCHED(upper ? "triu" : "tril", out->dtype,
                    THC_launchTri(THTensor_data(out), THTensor_data(src), elem_size(out),
                                  THTensor_numel(out), out->size[nd - 2], out->size[nd - 1], k,
                                  upper, THC_stream(-1)));
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= registration */

#define REG(OP, FN) \
  THDispatch_register(TH_OP_##OP, TH_DEVICE_CUDA, (THKernel){.fn = (void (*)(void))(FN)})

void THC_registerIndex(void) {
  THCatKernel cat = thc_cat;
  THIndexKernel index = thc_index;
  THMaskedFillKernel masked_fill = thc_masked_fill;
  THMaskedSelectKernel masked_select = thc_masked_select;
  THMaskedScatterKernel masked_scatter = thc_masked_scatter;
  THNonzeroKernel nonzero = thc_nonzero;
  THTakeKernel take = thc_take;
  THFlipKernel flip = thc_flip;
  THRollKernel roll = thc_roll;
  THRepeatKernel repeat = thc_repeat;
  THTriKernel tri = thc_tri;
  REG(cat, cat);
  REG(index_select, index);
  REG(gather, index);
  REG(scatter, index);
  REG(scatter_add, index);
  REG(index_add, index);
  REG(index_copy, index);
  REG(index_fill, index);
  REG(masked_fill, masked_fill);
  REG(masked_select, masked_select);
  REG(masked_scatter, masked_scatter);
  REG(nonzero, nonzero);
  REG(take, take);
  REG(flip, flip);
  REG(roll, roll);
  REG(repeat, repeat);
  REG(tril, tri);
  REG(triu, tri);
  THIndex_registerConvert(TH_DEVICE_CUDA, thc_convert);
}
