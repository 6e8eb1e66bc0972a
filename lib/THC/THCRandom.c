/* THCRandom.c: the CUDA rows of THOps.def's RANDOM kind.
 *
 * lib/TH's THRandom.c has checked the arguments, made the output and refused a CPU
 * torch.Generator for a CUDA tensor; what is left here is the device side: switch to the
 * output's device, reserve Philox counters from that device's generator (THCGenerator.c), and
 * launch on its current stream.  multinomial has to tell a bad distribution apart before it
 * draws, with the CPU kernel's messages: a kernel summarises each row into four flags and the
 * host reads those (one synchronisation), then reports the first bad row as the CPU would.
 */
#include <stdio.h>
#include <string.h>
#include "THCGeneral.h"
#include "THCRandomKernels.h"
#include "THRandom.h"

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* The Philox stream of the next launch on the current device. */
static int reserve(THCPhilox *ph) {
  return THC_philoxReserve(-1, THC_PHILOX_INCREMENT, &ph->seed, &ph->offset);
}

/* The kernels' description of an iteration over n operands, all on operand 0's device. */
static int to_thc_iter(const char *op, int n, THTensor **operands, THCIter *d) {
  char b1[32], b2[32];
  THDevice dev = THTensor_device(operands[0]);
  for (int k = 1; k < n; k++)
    if (!THDevice_equal(THTensor_device(operands[k]), dev))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                         "two devices, %s and %s", op, device_name(dev, b1),
                         device_name(THTensor_device(operands[k]), b2));
  THIter it;
  THIter_init(&it, n, operands);
  memset(d, 0, sizeof *d);
  d->noperands = it.noperands;
  d->ndim = it.ndim;
  d->numel = it.numel;
  memcpy(d->shape, it.shape, sizeof d->shape);
  for (int k = 0; k < n; k++) {
    memcpy(d->strides[k], it.strides[k], sizeof d->strides[k]);
    d->data[k] = it.data[k];
    d->dtypes[k] = it.dtypes[k];
  }
  return TH_OK;
}

static int check_launch(const char *op, cudaError_t e, THDtype dtype) {
  if (e == THC_UNSUPPORTED)
    return TH_setError("[%s] not implemented for '%s' on CUDA", op, THDtype_name(dtype));
  return THC_CHECK(e);
}

/* ======================================================================= in-place fills */

static int thc_fill(THOp op, THTensor *out, const THTensor *prob, const THRandomParams *p) {
  const char *name = THOp_info(op)->name;
  THTensor *operands[2] = {out, (THTensor *)prob};
  THCIter it;
  THCPhilox ph;
  if (to_thc_iter(name, prob ? 2 : 1, operands, &it) != TH_OK || reserve(&ph) != TH_OK)
    return TH_ERROR;
  cudaError_t e;
  if (prob) {
    e = THC_launchBernoulliTensor(&it, ph, THC_stream(-1));
  } else {
    THCRandomParams q = {.a = p->a, .b = p->b, .base = p->base, .range = p->range, .mode = p->mode};
    e = THC_launchRandomFill((int)op, &it, &q, ph, THC_stream(-1));
  }
  return check_launch(name, e, out->dtype);
}

/* ======================================================================= randperm */

/* A device workspace of `bytes` (a uint8 tensor from the caching allocator). */
static THTensor *workspace(size_t bytes, THDevice dev) {
  int64_t n = (int64_t)(bytes > 0 ? bytes : 1);
  return THTensor_empty(TH_U8, dev, 1, &n);
}

static int thc_randperm(THTensor *out) {
  THDevice dev = THTensor_device(out);
  int64_t n = THTensor_numel(out);
  bool direct = out->dtype == TH_I64 && THTensor_isContiguous(out);
  THTensor *perm = direct ? out : THTensor_empty(TH_I64, dev, 1, &n);
  if (!perm) return TH_ERROR;
  size_t bytes = 0;
  THTensor *ws = NULL;
  THCPhilox ph;
  int rc = THC_CHECK(THC_randpermWorkspace(n, &bytes));
  if (rc == TH_OK) rc = (ws = workspace(bytes, dev)) ? reserve(&ph) : TH_ERROR;
  if (rc == TH_OK)
    rc = THC_CHECK(THC_launchRandperm(THTensor_data(perm), n, THTensor_data(ws), bytes, ph,
                                      THC_stream(-1)));
  THTensor_free(ws); /* the allocator reuses it only for later work on this stream */
  if (!direct) {
    if (rc == TH_OK) rc = THTensor_copy(out, perm);
    THTensor_free(perm);
  }
  return rc;
}

/* ======================================================================= multinomial */

/* Reads the per-row flags of the distributions and reports the first bad row with the CPU
 * kernel's message (its checks run row by row, each row's weights before its sum). */
static int check_distributions(const THCProbs *d, bool replacement, THDevice dev) {
  int64_t nflags = d->rows * THC_MULTINOMIAL_NFLAGS;
  THTensor *flags = THTensor_empty(TH_I32, dev, 1, &nflags);
  THTensor *host = THTensor_empty(TH_I32, TH_CPU, 1, &nflags);
  int rc = flags && host ? TH_OK : TH_ERROR;
  if (rc == TH_OK)
    rc = THC_CHECK(THC_launchMultinomialCheck(d, THTensor_data(flags), THC_stream(-1)));
  if (rc == TH_OK) rc = THTensor_copy(host, flags); /* waits for the check */
  const int32_t *f = rc == TH_OK ? THTensor_data(host) : NULL;
  for (int64_t i = 0; f && i < d->rows; i++, f += THC_MULTINOMIAL_NFLAGS) {
    int64_t negative = f[THC_MULTINOMIAL_FIRST_NEGATIVE], inf = f[THC_MULTINOMIAL_FIRST_INF];
    bool positive = f[THC_MULTINOMIAL_ANY_POSITIVE] != 0;
    if (!replacement) {
      if (negative < d->ncat || inf < d->ncat)
        rc = TH_setError("[multinomial] probability tensor contains either `inf`, `nan` or element < 0");
      else if (!positive)
        rc = TH_setError("[multinomial] invalid multinomial distribution (sum of probabilities <= 0)");
    } else {
      /* the CPU sums float64 weights in double and the others in float */
      if (d->dtype != TH_F64) positive = f[THC_MULTINOMIAL_ANY_POSITIVE_FLOAT] != 0;
      if (negative < d->ncat && negative < inf)
        rc = TH_setError("[multinomial] invalid multinomial distribution (encountering probability entry < 0)");
      else if (inf < d->ncat)
        rc = TH_setError("[multinomial] invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      else if (!positive)
        rc = TH_setError("[multinomial] invalid multinomial distribution (sum of probabilities <= 0)");
    }
    if (rc != TH_OK) break;
  }
  THTensor_free(flags);
  THTensor_free(host);
  return rc;
}

static int thc_multinomial(THTensor *out, const THTensor *probs, const THRandomParams *p) {
  char b1[32], b2[32];
  THDevice dev = THTensor_device(out);
  if (!THDevice_equal(THTensor_device(probs), dev))
    return TH_setError("[multinomial] expected all tensors to be on the same device, but found at "
                       "least two devices, %s and %s", device_name(dev, b1),
                       device_name(THTensor_device(probs), b2));
  int nd = probs->ndim;
  THCProbs d = {
      .data = THTensor_data(probs),
      .dtype = probs->dtype,
      .rows = nd == 2 ? probs->size[0] : 1,
      .ncat = probs->size[nd - 1],
      .row_stride = nd == 2 ? probs->stride[0] : 0,
      .col_stride = probs->stride[nd - 1],
  };
  if (check_distributions(&d, p->replacement, dev) != TH_OK) return TH_ERROR;
  size_t bytes = 0;
  THTensor *ws = NULL;
  THCPhilox ph;
  int rc = check_launch("multinomial",
                        THC_multinomialWorkspace(&d, p->nsample, p->replacement, &bytes), probs->dtype);
  if (rc == TH_OK) rc = (ws = workspace(bytes, dev)) ? reserve(&ph) : TH_ERROR;
  if (rc == TH_OK)
    rc = check_launch("multinomial",
                      THC_launchMultinomial(&d, p->nsample, p->replacement, THTensor_data(out),
                                            THTensor_data(ws), bytes, ph, THC_stream(-1)),
                      probs->dtype);
  THTensor_free(ws);
  return rc;
}

/* ======================================================================= registration */

/* The RANDOM kernel (THRandomKernel): g is NULL, CUDA tensors draw from their device's
 * Philox generator. */
static int thc_random(THOp op, THTensor *out, const THTensor *in, const THRandomParams *p,
                      THGenerator *g) {
  (void)g;
  THCGuard guard;
  if (THC_guardEnter(&guard, THTensor_device(out).index) != TH_OK) return TH_ERROR;
  int rc;
  switch (op) {
  case TH_OP_randperm: rc = thc_randperm(out); break;
  case TH_OP_multinomial: rc = thc_multinomial(out, in, p); break;
  default: rc = thc_fill(op, out, op == TH_OP_bernoulli ? in : NULL, p); break;
  }
  THC_guardExit(&guard);
  return rc;
}

void THC_registerRandom(void) {
  static const THOp ops[] = {TH_OP_uniform,   TH_OP_normal,     TH_OP_exponential,
                             TH_OP_cauchy,    TH_OP_log_normal, TH_OP_geometric,
                             TH_OP_random,    TH_OP_bernoulli,  TH_OP_randperm,
                             TH_OP_multinomial};
  THKernel k = {.fn = (void (*)(void))thc_random};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    THDispatch_register(ops[i], TH_DEVICE_CUDA, k);
}
