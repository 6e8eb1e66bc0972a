/* THNN.c: the device-independent half of the neural-network ops (THNN.h): argument checks,
 * output shapes, conversion to a contiguous compute dtype, allocation, then one call through
 * the dispatch table.  The kernels (THCpuNN*.c for the CPU) never see a bad argument, except
 * for values they find while reading (an index or target out of range, a probability outside
 * [0, 1]), which they report themselves before anything the caller owns is written.
 *
 * float16/bfloat16 inputs are computed in float32: the tensors handed to a kernel are float32
 * copies and the results are converted back at the end (the statistics that norms return stay
 * float32).
 *
 * The forward ops record their autograd node (autograd/THDerivNN.h): each public forward
 * function brackets its body (a static *_raw function, or a shared helper) with THNNRec_begin
 * and a THNNRec_<op> call.  The backward functions record nothing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "THNN.h"
#include "autograd/THDerivNN.h"

/* ======================================================================= helpers */

/* Temporaries of one call, freed together at the end (success or failure). */
typedef struct {
  THTensor *t[24];
  int n;
} Temps;

static THTensor *keep(Temps *k, THTensor *t) {
  if (t) k->t[k->n++] = t;
  return t;
}

static void drop(Temps *k) {
  for (int i = 0; i < k->n; i++) THTensor_free(k->t[i]);
  k->n = 0;
}

static const char *shp(const THTensor *t, char *buf) {
  return TH_formatShape(buf, t->ndim, t->size);
}

static bool is_half(THDtype d) { return d == TH_F16 || d == TH_BF16; }

/* The dtype kernels compute in for this input, or an error naming the op. */
static int compute_dtype(const char *op, const THTensor *input, THDtype *cd) {
  switch (input->dtype) {
  case TH_F32:
  case TH_F64: *cd = input->dtype; return TH_OK;
  case TH_F16:
  case TH_BF16: *cd = TH_F32; return TH_OK;
  default:
    return TH_setError("[%s] expected a floating point input, got %s", op,
                       THDtype_name(input->dtype));
  }
}

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

/* t must be on the input's device; the error names both. */
static int check_device(const char *op, const char *what, const THTensor *t,
                        const THTensor *input) {
  char b1[32], b2[32];
  THDevice td = THTensor_device(t), id = THTensor_device(input);
  if (THDevice_equal(td, id)) return TH_OK;
  return TH_setError("[%s] expected %s on the input's device %s, got %s", op, what,
                     device_name(id, b1), device_name(td, b2));
}

/* A parameter tensor (NULL: absent) must share the input's device and dtype (float32 is
 * also fine for float16/bfloat16 inputs). */
static int check_param(const char *op, const char *what, const THTensor *t,
                       const THTensor *input) {
  if (!t) return TH_OK;
  if (t->dtype != input->dtype && !(is_half(input->dtype) && t->dtype == TH_F32))
    return TH_setError("[%s] expected %s to have the input's dtype %s, got %s", op, what,
                       THDtype_name(input->dtype), THDtype_name(t->dtype));
  return check_device(op, what, t, input);
}

/* A 1-D parameter of n elements (NULL passes). */
static int check_vec(const char *op, const char *what, const THTensor *t, int64_t n,
                     const THTensor *input) {
  char b1[TH_SHAPE_STRLEN];
  if (!t) return TH_OK;
  char b2[TH_SHAPE_STRLEN];
  if (t->ndim != 1 || t->size[0] != n)
    return TH_setError("[%s] expected %s of shape %s, got %s", op, what,
                       TH_formatShape(b2, 1, &n), shp(t, b1));
  return check_param(op, what, t, input);
}

/* An integer index tensor (targets, embedding indices) on the input's device. */
static int check_index(const char *op, const char *what, const THTensor *t,
                       const THTensor *input) {
  if (THDtype_kind(t->dtype) != TH_KIND_INT)
    return TH_setError("[%s] expected %s to have an integer dtype, got %s", op, what,
                       THDtype_name(t->dtype));
  return check_device(op, what, t, input);
}

/* t as a contiguous tensor of dtype d (t itself, retained, when it already is), kept in k.
 * NULL in, NULL out; *ok is cleared on failure. */
static THTensor *prep(Temps *k, const THTensor *t, THDtype d, bool *ok) {
  if (!t || !*ok) return NULL;
  THTensor *r = THTensor_toDtype(t, d);
  if (!r) *ok = false;
  return keep(k, r);
}

/* A new contiguous tensor of the compute dtype, kept in k. */
static THTensor *alloc(Temps *k, THDtype d, THDevice dev, int ndim, const int64_t *sizes,
                       bool *ok) {
  if (!*ok) return NULL;
  THTensor *r = THTensor_empty(d, dev, ndim, sizes);
  if (!r) *ok = false;
  return keep(k, r);
}

/* The result r (kept in k) handed out in dtype d: a new reference. */
static THTensor *give(THTensor *r, THDtype d) {
  if (!r) return NULL;
  if (r->dtype == d) {
    THTensor_retain(r);
    return r;
  }
  return THTensor_toDtype(r, d);
}

/* *dst = give(r, d) when dst is not NULL; clears *ok on failure. */
static void give_to(THTensor **dst, THTensor *r, THDtype d, bool *ok) {
  if (!dst) return;
  *dst = NULL;
  if (!*ok || !r) return;
  if (!(*dst = give(r, d))) *ok = false;
}

static void free_outs(THTensor **a, THTensor **b, THTensor **c) {
  if (a && *a) { THTensor_free(*a); *a = NULL; }
  if (b && *b) { THTensor_free(*b); *b = NULL; }
  if (c && *c) { THTensor_free(*c); *c = NULL; }
}

static int get_kernel(THOp op, const THTensor *t, void (**fn)(void)) {
  THKernel k;
  if (THDispatch_get(op, THTensor_device(t), &k) != TH_OK) return TH_ERROR;
  *fn = k.fn;
  return TH_OK;
}

static int64_t prod(int n, const int64_t *s) {
  int64_t r = 1;
  for (int i = 0; i < n; i++) r *= s[i];
  return r;
}

static bool same_sizes(const THTensor *t, int ndim, const int64_t *sizes) {
  return t->ndim == ndim && (ndim == 0 || memcmp(t->size, sizes, (size_t)ndim * 8) == 0);
}

/* Wraps a 0-based dim; the message numbers dims from 1, as users write them. */
static int wrap_dim(const char *op, int dim, int ndim, int *out) {
  int n = ndim > 0 ? ndim : 1;
  if (dim < -n || dim >= n)
    return TH_setError("[%s] dimension %d is out of range for a tensor with %d dimension%s "
                       "(expected 1..%d or -%d..-1)",
                       op, dim >= 0 ? dim + 1 : dim, ndim, ndim == 1 ? "" : "s", n, n);
  *out = dim < 0 ? dim + n : dim;
  return TH_OK;
}

/* ======================================================================= convolution */

static const char *conv_name(int sd, bool transposed) {
  static const char *names[2][2] = {{"conv1d", "conv2d"}, {"conv_transpose1d", "conv_transpose2d"}};
  return names[transposed][sd - 1];
}

/* Checks a convolution's arguments and fills its geometry; *batched tells whether input has
 * the batch dim; out_sizes gets the output's shape (out_ndim = input->ndim). */
static int conv_setup(const char *suffix, const THTensor *input, const THTensor *weight,
                      const THTensor *bias, const THNNConvParams *p, THNNConvGeom *g,
                      bool *batched, int64_t *out_sizes, char *op) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  if (weight->ndim != 3 && weight->ndim != 4) {
    snprintf(op, 48, "convolution%s", suffix);
    return TH_setError("[%s] expected a 3-D (1-d convolution) or 4-D (2-d convolution) weight, "
                       "got weight of shape %s", op, shp(weight, b1));
  }
  int sd = weight->ndim - 2;
  snprintf(op, 48, "%s%s", conv_name(sd, p->transposed), suffix);
  if (input->ndim != sd + 1 && input->ndim != sd + 2)
    return TH_setError("[%s] expected a %d-D (unbatched) or %d-D (batched) input, got input of "
                       "shape %s", op, sd + 1, sd + 2, shp(input, b1));
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK) return TH_ERROR;
  if (weight->dtype != input->dtype)
    return TH_setError("[%s] expected weight to have the input's dtype %s, got %s", op,
                       THDtype_name(input->dtype), THDtype_name(weight->dtype));
  if (bias && bias->dtype != input->dtype)
    return TH_setError("[%s] expected bias to have the input's dtype %s, got %s", op,
                       THDtype_name(input->dtype), THDtype_name(bias->dtype));
  if (check_param(op, "weight", weight, input) != TH_OK ||
      check_param(op, "bias", bias, input) != TH_OK)
    return TH_ERROR;
  *batched = input->ndim == sd + 2;
  int off = *batched ? 1 : 0;
  int64_t G = p->groups;
  if (G <= 0) return TH_setError("[%s] groups must be positive, got %lld", op, (long long)G);
  for (int i = 0; i < sd; i++) {
    if (p->stride[i] <= 0)
      return TH_setError("[%s] stride must be positive, got %lld", op, (long long)p->stride[i]);
    if (p->dilation[i] <= 0)
      return TH_setError("[%s] dilation must be positive, got %lld", op,
                         (long long)p->dilation[i]);
    if (p->padding[i] < 0)
      return TH_setError("[%s] padding must be non-negative, got %lld", op,
                         (long long)p->padding[i]);
    if (p->transposed && (p->output_padding[i] < 0 ||
                          (p->output_padding[i] >= p->stride[i] &&
                           p->output_padding[i] >= p->dilation[i])))
      return TH_setError("[%s] output_padding (%lld) must be non-negative and smaller than "
                         "either stride (%lld) or dilation (%lld)", op,
                         (long long)p->output_padding[i], (long long)p->stride[i],
                         (long long)p->dilation[i]);
  }
  int64_t cin = input->size[off], cout;
  if (!p->transposed) {
    if (weight->size[0] % G != 0)
      return TH_setError("[%s] out_channels (%lld, the first size of weight) must be divisible "
                         "by groups (%lld)", op, (long long)weight->size[0], (long long)G);
    if (cin != weight->size[1] * G)
      return TH_setError("[%s] weight of shape %s with groups=%lld expects input with %lld "
                         "channels, got input of shape %s", op, shp(weight, b1), (long long)G,
                         (long long)(weight->size[1] * G), shp(input, b2));
    cout = weight->size[0];
  } else {
    if (cin != weight->size[0])
      return TH_setError("[%s] weight of shape %s expects input with %lld channels, got input "
                         "of shape %s", op, shp(weight, b1), (long long)weight->size[0],
                         shp(input, b2));
    if (weight->size[0] % G != 0)
      return TH_setError("[%s] in_channels (%lld, the first size of weight) must be divisible "
                         "by groups (%lld)", op, (long long)weight->size[0], (long long)G);
    cout = weight->size[1] * G;
  }
  if (bias && (bias->ndim != 1 || bias->size[0] != cout))
    return TH_setError("[%s] expected bias of shape %s, got %s", op,
                       TH_formatShape(b2, 1, &cout), shp(bias, b1));
  memset(g, 0, sizeof *g);
  g->batch = *batched ? input->size[0] : 1;
  g->in_channels = cin;
  g->out_channels = cout;
  g->groups = G;
  g->transposed = p->transposed;
  /* one spatial dim runs as height 1 */
  for (int i = 0; i < 2; i++) {
    int j = i - (2 - sd); /* index into p's arrays, < 0 for the dummy height */
    if (j < 0) {
      g->in_size[i] = 1;
      g->kernel[i] = g->stride[i] = g->dilation[i] = 1;
      g->padding[i] = 0;
      g->out_size[i] = 1;
      continue;
    }
    g->in_size[i] = input->size[off + 1 + j];
    g->kernel[i] = weight->size[2 + j];
    g->stride[i] = p->stride[j];
    g->padding[i] = p->padding[j];
    g->dilation[i] = p->dilation[j];
    int64_t ek = g->dilation[i] * (g->kernel[i] - 1) + 1;
    if (!p->transposed) {
      int64_t padded = g->in_size[i] + 2 * g->padding[i];
      if (ek > padded) {
        int64_t ks[2], ps[2];
        for (int d = 0; d < sd; d++) {
          ks[d] = p->dilation[d] * (weight->size[2 + d] - 1) + 1;
          ps[d] = input->size[off + 1 + d] + 2 * p->padding[d];
        }
        char b3[TH_SHAPE_STRLEN];
        return TH_setError("[%s] kernel size %s (dilated) is larger than the padded input size "
                           "%s, for input of shape %s", op, TH_formatShape(b1, sd, ks),
                           TH_formatShape(b2, sd, ps), shp(input, b3));
      }
      g->out_size[i] = (padded - ek) / g->stride[i] + 1;
    } else {
      g->out_size[i] = (g->in_size[i] - 1) * g->stride[i] - 2 * g->padding[i] + ek +
                       p->output_padding[j];
      if (g->out_size[i] <= 0 || g->in_size[i] <= 0)
        return TH_setError("[%s] input of shape %s gives a non-positive output size %lld",
                           op, shp(input, b1), (long long)g->out_size[i]);
    }
  }
  int k = 0;
  if (*batched) out_sizes[k++] = g->batch;
  out_sizes[k++] = cout;
  if (sd == 2) out_sizes[k++] = g->out_size[0];
  out_sizes[k++] = g->out_size[1];
  return TH_OK;
}

static THTensor *convolution_raw(const THTensor *input, const THTensor *weight,
                                 const THTensor *bias, const THNNConvParams *p) {
  THNNConvGeom g;
  bool batched;
  int64_t osz[4];
  char op[48];
  THDtype cd;
  void (*fn)(void);
  if (conv_setup("", input, weight, bias, p, &g, &batched, osz, op) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || get_kernel(TH_OP_convolution, input, &fn) != TH_OK)
    return NULL;
  Temps k = {0};
  bool ok = true;
  THTensor *x = prep(&k, input, cd, &ok), *w = prep(&k, weight, cd, &ok);
  THTensor *b = prep(&k, bias, cd, &ok);
  THTensor *out = alloc(&k, cd, THTensor_device(input), input->ndim, osz, &ok);
  if (ok && ((THNNConvKernel)fn)(out, x, w, b, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(out, input->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_convolution(const THTensor *input, const THTensor *weight, const THTensor *bias,
                           const THNNConvParams *p) {
  const THTensor *in[3] = {input, weight, bias};
  THNNRec rec;
  if (THNNRec_begin(&rec, "convolution", 3, in, 0, NULL) != TH_OK) return NULL;
  return THNNRec_convolution(&rec, convolution_raw(input, weight, bias, p), input, weight, bias,
                             p);
}

int THNN_convolution_backward(const THTensor *grad_output, const THTensor *input,
                              const THTensor *weight, const THNNConvParams *p,
                              const bool output_mask[3], THTensor **grad_input,
                              THTensor **grad_weight, THTensor **grad_bias) {
  THNNConvGeom g;
  bool batched;
  int64_t osz[4];
  char op[48], b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  THDtype cd;
  void (*fn)(void);
  if (grad_input) *grad_input = NULL;
  if (grad_weight) *grad_weight = NULL;
  if (grad_bias) *grad_bias = NULL;
  if (conv_setup("_backward", input, weight, NULL, p, &g, &batched, osz, op) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      get_kernel(TH_OP_convolution_backward, input, &fn) != TH_OK)
    return TH_ERROR;
  if (!same_sizes(grad_output, input->ndim, osz))
    return TH_setError("[%s] expected grad_output of shape %s, got %s", op,
                       TH_formatShape(b1, input->ndim, osz), shp(grad_output, b2));
  if (check_param(op, "grad_output", grad_output, input) != TH_OK) return TH_ERROR;
  Temps k = {0};
  bool ok = true;
  bool want[3];
  for (int i = 0; i < 3; i++) want[i] = output_mask ? output_mask[i] : true;
  THTensor *go = prep(&k, grad_output, cd, &ok), *x = prep(&k, input, cd, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THDevice dev = THTensor_device(input);
  THTensor *gi = want[0] ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  THTensor *gw = want[1] ? alloc(&k, cd, dev, weight->ndim, weight->size, &ok) : NULL;
  THTensor *gb = want[2] ? alloc(&k, cd, dev, 1, &g.out_channels, &ok) : NULL;
  if (ok && (gi || gw || gb) && ((THNNConvBackwardKernel)fn)(gi, gw, gb, go, x, w, &g) != TH_OK)
    ok = false;
  give_to(grad_input, gi, input->dtype, &ok);
  give_to(grad_weight, gw, input->dtype, &ok);
  give_to(grad_bias, gb, input->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(grad_input, grad_weight, grad_bias);
    return TH_ERROR;
  }
  return TH_OK;
}

/* ======================================================================= pooling */

/* Output size of one pooled dim, as PyTorch's pooling_output_shape. */
static int64_t pool_out_size(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t dil,
                             bool ceil_mode) {
  int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t q = num >= 0 ? num / s : -((-num + s - 1) / s); /* floor division */
  int64_t out = q + 1;
  if (ceil_mode && (out - 1) * s >= in + pad) out--;
  return out;
}

typedef enum { POOL_MAX, POOL_AVG, POOL_ADAPTIVE } PoolKind;

/* Checks a pooling input of sd spatial dims: (N, C, spatial) or (C, spatial), every dim but
 * the batch non-empty; sets planes and in_size (height 1 for sd == 1). */
static int pool_input(const char *op, const THTensor *input, int sd, THNNPoolGeom *g) {
  char b1[TH_SHAPE_STRLEN];
  if (input->ndim != sd + 1 && input->ndim != sd + 2)
    return TH_setError("[%s] expected a %d-D (unbatched) or %d-D (batched) input, got input of "
                       "shape %s", op, sd + 1, sd + 2, shp(input, b1));
  int first = input->ndim == sd + 2 ? 1 : 0;
  for (int d = first; d < input->ndim; d++)
    if (input->size[d] == 0)
      return TH_setError("[%s] expected an input with non-zero sizes (but for the batch), got "
                         "input of shape %s", op, shp(input, b1));
  memset(g, 0, sizeof *g);
  g->planes = prod(input->ndim - sd, input->size);
  g->in_size[0] = sd == 2 ? input->size[input->ndim - 2] : 1;
  g->in_size[1] = input->size[input->ndim - 1];
  for (int i = 0; i < 2; i++) g->kernel[i] = g->stride[i] = g->dilation[i] = 1;
  return TH_OK;
}

/* The output shape of a pooling: input's leading dims, then out_size. */
static void pool_out_shape(const THTensor *input, int sd, const THNNPoolGeom *g, int64_t *s) {
  for (int d = 0; d < input->ndim - sd; d++) s[d] = input->size[d];
  if (sd == 2) s[input->ndim - 2] = g->out_size[0];
  s[input->ndim - 1] = g->out_size[1];
}

static int pool_setup(const char *op, const THTensor *input, const THNNPoolParams *p, int sd,
                      PoolKind kind, THNNPoolGeom *g, int64_t *out_sizes) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK || pool_input(op, input, sd, g) != TH_OK)
    return TH_ERROR;
  int64_t ks[2], ss[2], ps[2], ds[2], os[2];
  for (int j = 0; j < sd; j++) {
    int i = j + 2 - sd;
    ks[j] = p->kernel[j];
    ss[j] = p->stride[j] == 0 ? p->kernel[j] : p->stride[j];
    ps[j] = p->padding[j];
    ds[j] = kind == POOL_MAX ? p->dilation[j] : 1;
    if (ks[j] <= 0)
      return TH_setError("[%s] kernel_size must be positive, got %s", op,
                         TH_formatShape(b1, sd, p->kernel));
    if (ss[j] < 0 || p->stride[j] < 0)
      return TH_setError("[%s] stride must be positive, got %s", op,
                         TH_formatShape(b1, sd, p->stride));
    if (ds[j] <= 0)
      return TH_setError("[%s] dilation must be positive, got %s", op,
                         TH_formatShape(b1, sd, p->dilation));
    if (ps[j] < 0 || ps[j] > ks[j] / 2)
      return TH_setError("[%s] padding %s must be non-negative and at most half the kernel "
                         "size %s", op, TH_formatShape(b1, sd, p->padding),
                         TH_formatShape(b2, sd, p->kernel));
    g->kernel[i] = ks[j];
    g->stride[i] = ss[j];
    g->padding[i] = ps[j];
    g->dilation[i] = ds[j];
    g->out_size[i] = os[j] = pool_out_size(g->in_size[i], ks[j], ps[j], ss[j], ds[j], p->ceil_mode);
  }
  if (sd == 1) g->out_size[0] = 1;
  for (int j = 0; j < sd; j++)
    if (os[j] <= 0)
    {
      char b3[TH_SHAPE_STRLEN], b4[TH_SHAPE_STRLEN], b5[TH_SHAPE_STRLEN];
      return TH_setError("[%s] input of shape %s is too small for kernel_size %s (dilation %s, "
                         "padding %s): the output size would be %s", op, shp(input, b1),
                         TH_formatShape(b2, sd, ks), TH_formatShape(b3, sd, ds),
                         TH_formatShape(b4, sd, ps), TH_formatShape(b5, sd, os));
    }
  if (kind == POOL_AVG && p->divisor_override < 0)
    return TH_setError("[%s] divisor_override must be positive, got %lld", op,
                       (long long)p->divisor_override);
  g->count_include_pad = p->count_include_pad;
  g->divisor_override = p->divisor_override;
  pool_out_shape(input, sd, g, out_sizes);
  return TH_OK;
}

static int max_pool(const char *op, int sd, const THTensor *input, const THNNPoolParams *p,
                    THTensor **output, THTensor **indices) {
  THNNPoolGeom g;
  int64_t osz[4];
  THDtype cd;
  void (*fn)(void);
  if (output) *output = NULL;
  if (indices) *indices = NULL;
  if (pool_setup(op, input, p, sd, POOL_MAX, &g, osz) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      get_kernel(TH_OP_max_pool2d_with_indices, input, &fn) != TH_OK)
    return TH_ERROR;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *x = prep(&k, input, cd, &ok);
  THTensor *out = alloc(&k, cd, dev, input->ndim, osz, &ok);
  THTensor *ind = alloc(&k, TH_I64, dev, input->ndim, osz, &ok);
  if (ok && ((THNNMaxPoolKernel)fn)(out, ind, x, &g) != TH_OK) ok = false;
  give_to(output, out, input->dtype, &ok);
  give_to(indices, ind, TH_I64, &ok);
  drop(&k);
  if (!ok) {
    free_outs(output, indices, NULL);
    return TH_ERROR;
  }
  return TH_OK;
}

static int max_pool_rec(const char *op, int sd, const THTensor *input, const THNNPoolParams *p,
                        THTensor **output, THTensor **indices) {
  THNNRec rec;
  THTensor *out = NULL, *ind = NULL;
  if (THNNRec_begin(&rec, op, 1, &input, 0, NULL) != TH_OK) return TH_ERROR;
  int rc = max_pool(op, sd, input, p, &out, &ind);
  return THNNRec_maxPool(&rec, rc, sd, input, out, ind, output, indices);
}

int THNN_max_pool2d(const THTensor *input, const THNNPoolParams *p, THTensor **output,
                    THTensor **indices) {
  return max_pool_rec("max_pool2d", 2, input, p, output, indices);
}

int THNN_max_pool1d(const THTensor *input, const THNNPoolParams *p, THTensor **output,
                    THTensor **indices) {
  return max_pool_rec("max_pool1d", 1, input, p, output, indices);
}

/* Checks grad_output (and indices) against input for the pooling backward functions: the
 * leading dims must match input's, and out_size is taken from grad_output. */
static int pool_grad_setup(const char *op, int sd, const THTensor *grad_output,
                           const THTensor *input, const THTensor *indices, THNNPoolGeom *g) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK || pool_input(op, input, sd, g) != TH_OK ||
      check_param(op, "grad_output", grad_output, input) != TH_OK)
    return TH_ERROR;
  bool good = grad_output->ndim == input->ndim;
  for (int d = 0; good && d < input->ndim - sd; d++) good = grad_output->size[d] == input->size[d];
  if (!good)
    return TH_setError("[%s] grad_output of shape %s does not match input of shape %s", op,
                       shp(grad_output, b1), shp(input, b2));
  g->out_size[0] = sd == 2 ? grad_output->size[input->ndim - 2] : 1;
  g->out_size[1] = grad_output->size[input->ndim - 1];
  if (indices) {
    if (indices->dtype != TH_I64)
      return TH_setError("[%s] expected int64 indices, got %s", op, THDtype_name(indices->dtype));
    if (check_index(op, "indices", indices, input) != TH_OK) return TH_ERROR;
    if (!THTensor_sameShape(indices, grad_output))
      return TH_setError("[%s] indices of shape %s do not match grad_output of shape %s", op,
                         shp(indices, b1), shp(grad_output, b2));
  }
  return TH_OK;
}

static THTensor *max_pool_backward(const char *op, int sd, const THTensor *grad_output,
                                   const THTensor *input, const THTensor *indices) {
  THNNPoolGeom g;
  THDtype cd;
  void (*fn)(void);
  if (pool_grad_setup(op, sd, grad_output, input, indices, &g) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      get_kernel(TH_OP_max_pool2d_with_indices_backward, input, &fn) != TH_OK)
    return NULL;
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok), *ind = prep(&k, indices, TH_I64, &ok);
  THTensor *gi = alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok);
  if (ok && ((THNNMaxPoolBackwardKernel)fn)(gi, go, ind, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(gi, input->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_max_pool2d_backward(const THTensor *grad_output, const THTensor *input,
                                   const THTensor *indices) {
  return max_pool_backward("max_pool2d_backward", 2, grad_output, input, indices);
}

THTensor *THNN_max_pool1d_backward(const THTensor *grad_output, const THTensor *input,
                                   const THTensor *indices) {
  return max_pool_backward("max_pool1d_backward", 1, grad_output, input, indices);
}

static THTensor *avg_pool(const char *op, int sd, const THTensor *input,
                          const THNNPoolParams *p) {
  THNNPoolGeom g;
  int64_t osz[4];
  THDtype cd;
  void (*fn)(void);
  if (pool_setup(op, input, p, sd, POOL_AVG, &g, osz) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || get_kernel(TH_OP_avg_pool2d, input, &fn) != TH_OK)
    return NULL;
  Temps k = {0};
  bool ok = true;
  THTensor *x = prep(&k, input, cd, &ok);
  THTensor *out = alloc(&k, cd, THTensor_device(input), input->ndim, osz, &ok);
  if (ok && ((THNNPoolKernel)fn)(out, x, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(out, input->dtype) : NULL;
  drop(&k);
  return r;
}

static THTensor *avg_pool_rec(const char *op, int sd, const THTensor *input,
                              const THNNPoolParams *p) {
  THNNRec rec;
  if (THNNRec_begin(&rec, op, 1, &input, 0, NULL) != TH_OK) return NULL;
  return THNNRec_avgPool(&rec, avg_pool(op, sd, input, p), sd, input, p);
}

THTensor *THNN_avg_pool2d(const THTensor *input, const THNNPoolParams *p) {
  return avg_pool_rec("avg_pool2d", 2, input, p);
}

THTensor *THNN_avg_pool1d(const THTensor *input, const THNNPoolParams *p) {
  return avg_pool_rec("avg_pool1d", 1, input, p);
}

static THTensor *avg_pool_backward(const char *op, int sd, const THTensor *grad_output,
                                   const THTensor *input, const THNNPoolParams *p) {
  THNNPoolGeom g;
  int64_t osz[4];
  THDtype cd;
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  void (*fn)(void);
  if (pool_setup(op, input, p, sd, POOL_AVG, &g, osz) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      check_param(op, "grad_output", grad_output, input) != TH_OK ||
      get_kernel(TH_OP_avg_pool2d_backward, input, &fn) != TH_OK)
    return NULL;
  if (!same_sizes(grad_output, input->ndim, osz)) {
    TH_setError("[%s] expected grad_output of shape %s, got %s", op,
                TH_formatShape(b1, input->ndim, osz), shp(grad_output, b2));
    return NULL;
  }
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok);
  THTensor *gi = alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok);
  if (ok && ((THNNPoolBackwardKernel)fn)(gi, go, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(gi, input->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_avg_pool2d_backward(const THTensor *grad_output, const THTensor *input,
                                   const THNNPoolParams *p) {
  return avg_pool_backward("avg_pool2d_backward", 2, grad_output, input, p);
}

THTensor *THNN_avg_pool1d_backward(const THTensor *grad_output, const THTensor *input,
                                   const THNNPoolParams *p) {
  return avg_pool_backward("avg_pool1d_backward", 1, grad_output, input, p);
}

static THTensor *adaptive_pool(const char *op, int sd, const THTensor *input,
                               const int64_t *output_size) {
  THNNPoolGeom g;
  int64_t osz[4];
  THDtype cd;
  char b1[TH_SHAPE_STRLEN];
  void (*fn)(void);
  if (compute_dtype(op, input, &cd) != TH_OK || pool_input(op, input, sd, &g) != TH_OK ||
      get_kernel(TH_OP_adaptive_avg_pool2d, input, &fn) != TH_OK)
    return NULL;
  for (int j = 0; j < sd; j++)
    if (output_size[j] < 0) {
      TH_setError("[%s] output_size must be non-negative, got %s", op,
                  TH_formatShape(b1, sd, output_size));
      return NULL;
    }
  g.out_size[0] = sd == 2 ? output_size[0] : 1;
  g.out_size[1] = output_size[sd - 1];
  pool_out_shape(input, sd, &g, osz);
  Temps k = {0};
  bool ok = true;
  THTensor *x = prep(&k, input, cd, &ok);
  THTensor *out = alloc(&k, cd, THTensor_device(input), input->ndim, osz, &ok);
  if (ok && ((THNNPoolKernel)fn)(out, x, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(out, input->dtype) : NULL;
  drop(&k);
  return r;
}

static THTensor *adaptive_pool_rec(const char *op, int sd, const THTensor *input,
                                   const int64_t *output_size) {
  THNNRec rec;
  if (THNNRec_begin(&rec, op, 1, &input, 0, NULL) != TH_OK) return NULL;
  return THNNRec_adaptivePool(&rec, adaptive_pool(op, sd, input, output_size), sd, input,
                              output_size);
}

THTensor *THNN_adaptive_avg_pool2d(const THTensor *input, const int64_t output_size[2]) {
  return adaptive_pool_rec("adaptive_avg_pool2d", 2, input, output_size);
}

THTensor *THNN_adaptive_avg_pool1d(const THTensor *input, int64_t output_size) {
  return adaptive_pool_rec("adaptive_avg_pool1d", 1, input, &output_size);
}

static THTensor *adaptive_pool_backward(const char *op, int sd, const THTensor *grad_output,
                                        const THTensor *input) {
  THNNPoolGeom g;
  THDtype cd;
  void (*fn)(void);
  if (pool_grad_setup(op, sd, grad_output, input, NULL, &g) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      get_kernel(TH_OP_adaptive_avg_pool2d_backward, input, &fn) != TH_OK)
    return NULL;
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok);
  THTensor *gi = alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok);
  if (ok && ((THNNPoolBackwardKernel)fn)(gi, go, &g) != TH_OK) ok = false;
  THTensor *r = ok ? give(gi, input->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_adaptive_avg_pool2d_backward(const THTensor *grad_output, const THTensor *input) {
  return adaptive_pool_backward("adaptive_avg_pool2d_backward", 2, grad_output, input);
}

THTensor *THNN_adaptive_avg_pool1d_backward(const THTensor *grad_output, const THTensor *input) {
  return adaptive_pool_backward("adaptive_avg_pool1d_backward", 1, grad_output, input);
}

/* ======================================================================= softmax */

/* input viewed as (outer, dim, inner) around dim d. */
static void split_dim(const THTensor *t, int d, int64_t *outer, int64_t *n, int64_t *inner) {
  if (t->ndim == 0) {
    *outer = *n = *inner = 1;
    return;
  }
  *outer = prod(d, t->size);
  *n = t->size[d];
  *inner = prod(t->ndim - d - 1, t->size + d + 1);
}

static THTensor *softmax(const char *op, THOp row, const THTensor *input, int dim, bool log) {
  THDtype cd;
  int d;
  void (*fn)(void);
  if (compute_dtype(op, input, &cd) != TH_OK || wrap_dim(op, dim, input->ndim, &d) != TH_OK ||
      get_kernel(row, input, &fn) != TH_OK)
    return NULL;
  int64_t outer, n, inner;
  split_dim(input, d, &outer, &n, &inner);
  Temps k = {0};
  bool ok = true;
  THTensor *x = prep(&k, input, cd, &ok);
  THTensor *out = alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok);
  if (ok && THTensor_numel(input) > 0 &&
      ((THNNSoftmaxKernel)fn)(out, x, outer, n, inner, log) != TH_OK)
    ok = false;
  THTensor *r = ok ? give(out, input->dtype) : NULL;
  drop(&k);
  return r;
}

static THTensor *softmax_rec(const char *op, THOp row, const THTensor *input, int dim, bool log) {
  THNNRec rec;
  if (THNNRec_begin(&rec, op, 1, &input, 0, NULL) != TH_OK) return NULL;
  return THNNRec_softmax(&rec, softmax(op, row, input, dim, log), input, dim, log);
}

THTensor *THNN_softmax(const THTensor *input, int dim) {
  return softmax_rec("softmax", TH_OP_softmax, input, dim, false);
}

THTensor *THNN_log_softmax(const THTensor *input, int dim) {
  return softmax_rec("log_softmax", TH_OP_log_softmax, input, dim, true);
}

static THTensor *softmax_backward(const char *op, THOp row, const THTensor *grad_output,
                                  const THTensor *output, int dim, bool log) {
  THDtype cd;
  int d;
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  void (*fn)(void);
  if (compute_dtype(op, output, &cd) != TH_OK || wrap_dim(op, dim, output->ndim, &d) != TH_OK ||
      check_param(op, "grad_output", grad_output, output) != TH_OK ||
      get_kernel(row, output, &fn) != TH_OK)
    return NULL;
  if (!THTensor_sameShape(grad_output, output)) {
    TH_setError("[%s] grad_output of shape %s does not match output of shape %s", op,
                shp(grad_output, b1), shp(output, b2));
    return NULL;
  }
  int64_t outer, n, inner;
  split_dim(output, d, &outer, &n, &inner);
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok), *y = prep(&k, output, cd, &ok);
  THTensor *gi = alloc(&k, cd, THTensor_device(output), output->ndim, output->size, &ok);
  if (ok && THTensor_numel(output) > 0 &&
      ((THNNSoftmaxBackwardKernel)fn)(gi, go, y, outer, n, inner, log) != TH_OK)
    ok = false;
  THTensor *r = ok ? give(gi, output->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_softmax_backward(const THTensor *grad_output, const THTensor *output, int dim) {
  return softmax_backward("softmax_backward", TH_OP_softmax_backward_data, grad_output, output,
                          dim, false);
}

THTensor *THNN_log_softmax_backward(const THTensor *grad_output, const THTensor *output,
                                    int dim) {
  return softmax_backward("log_softmax_backward", TH_OP_log_softmax_backward_data, grad_output,
                          output, dim, true);
}

/* ======================================================================= normalisation */

/* Checks a norm input (N, C, *) and returns N, C and S (the product of the rest). */
static int nc_input(const char *op, const THTensor *input, int64_t *N, int64_t *C, int64_t *S) {
  char b1[TH_SHAPE_STRLEN];
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK) return TH_ERROR;
  if (input->ndim < 2)
    return TH_setError("[%s] expected an input of shape (N, C, ...) with at least 2 dims, got "
                       "shape %s", op, shp(input, b1));
  *N = input->size[0];
  *C = input->size[1];
  *S = prod(input->ndim - 2, input->size + 2);
  return TH_OK;
}

/* grad_output must have the input's shape. */
static int check_grad(const char *op, const THTensor *grad_output, const THTensor *input) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  if (!THTensor_sameShape(grad_output, input))
    return TH_setError("[%s] expected grad_output of shape %s (the input's), got %s", op,
                       shp(input, b1), shp(grad_output, b2));
  return check_param(op, "grad_output", grad_output, input);
}

static int batch_norm_raw(const THTensor *input, const THTensor *weight, const THTensor *bias,
                          THTensor *running_mean, THTensor *running_var, bool training,
                          double momentum, double eps, THTensor **output, THTensor **save_mean,
                          THTensor **save_invstd) {
  const char *op = "batch_norm";
  char b1[TH_SHAPE_STRLEN];
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (output) *output = NULL;
  if (save_mean) *save_mean = NULL;
  if (save_invstd) *save_invstd = NULL;
  if (nc_input(op, input, &N, &C, &S) != TH_OK || compute_dtype(op, input, &cd) != TH_OK ||
      check_vec(op, "weight", weight, C, input) != TH_OK ||
      check_vec(op, "bias", bias, C, input) != TH_OK ||
      check_vec(op, "running_mean", running_mean, C, input) != TH_OK ||
      check_vec(op, "running_var", running_var, C, input) != TH_OK ||
      get_kernel(TH_OP_native_batch_norm, input, &fn) != TH_OK)
    return TH_ERROR;
  if (!training && (!running_mean || !running_var))
    return TH_setError("[%s] running_mean and running_var are required in evaluation mode", op);
  if (!running_mean != !running_var)
    return TH_setError("[%s] running_mean and running_var must be given together", op);
  if (training && N * S == 1)
    return TH_setError("[%s] expected more than 1 value per channel when training, got input of "
                       "shape %s", op, shp(input, b1));
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *x = prep(&k, input, cd, &ok), *w = prep(&k, weight, cd, &ok);
  THTensor *b = prep(&k, bias, cd, &ok);
  bool update = training && running_mean && running_var && N * S > 0;
  THTensor *rm = NULL, *rv = NULL;
  if (update || !training) {
    rm = prep(&k, running_mean, cd, &ok);
    rv = prep(&k, running_var, cd, &ok);
  }
  THTensor *out = alloc(&k, cd, dev, input->ndim, input->size, &ok);
  int64_t statn = training ? C : 0;
  THTensor *sm = alloc(&k, cd, dev, 1, &statn, &ok), *si = alloc(&k, cd, dev, 1, &statn, &ok);
  if (ok && training && N * S == 0) { /* nothing to normalise: zero statistics, no update */
    if (THTensor_zero(sm) != TH_OK || THTensor_zero(si) != TH_OK) ok = false;
  } else if (ok && ((THNNBatchNormKernel)fn)(out, training ? sm : NULL, training ? si : NULL,
                                             rm, rv, x, w, b,
                                             N, C, S, training, momentum, eps) != TH_OK) {
    ok = false;
  }
  if (ok && update) { /* the running stats were updated in a copy: write them back */
    if (rm != running_mean && THTensor_copy(running_mean, rm) != TH_OK) ok = false;
    if (ok && rv != running_var && THTensor_copy(running_var, rv) != TH_OK) ok = false;
    THTensor_bumpVersion(running_mean);
    THTensor_bumpVersion(running_var);
  }
  give_to(output, out, input->dtype, &ok);
  give_to(save_mean, sm, cd, &ok);
  give_to(save_invstd, si, cd, &ok);
  drop(&k);
  if (!ok) {
    free_outs(output, save_mean, save_invstd);
    return TH_ERROR;
  }
  return TH_OK;
}

int THNN_batch_norm(const THTensor *input, const THTensor *weight, const THTensor *bias,
                    THTensor *running_mean, THTensor *running_var, bool training,
                    double momentum, double eps, THTensor **output, THTensor **save_mean,
                    THTensor **save_invstd) {
  const THTensor *in[5] = {input, weight, bias, running_mean, running_var};
  THNNRec rec;
  THTensor *o = NULL, *m = NULL, *s = NULL;
  if (THNNRec_begin(&rec, "batch_norm", 5, in, 0, NULL) != TH_OK) return TH_ERROR;
  int rc = batch_norm_raw(input, weight, bias, running_mean, running_var, training, momentum,
                          eps, &o, &m, &s);
  return THNNRec_batchNorm(&rec, rc, input, weight, bias, running_mean, running_var, training,
                           eps, o, m, s, output, save_mean, save_invstd);
}

int THNN_batch_norm_backward(const THTensor *grad_output, const THTensor *input,
                             const THTensor *weight, const THTensor *running_mean,
                             const THTensor *running_var, const THTensor *save_mean,
                             const THTensor *save_invstd, bool training, double eps,
                             const bool output_mask[3], THTensor **grad_input,
                             THTensor **grad_weight, THTensor **grad_bias) {
  const char *op = "batch_norm_backward";
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (grad_input) *grad_input = NULL;
  if (grad_weight) *grad_weight = NULL;
  if (grad_bias) *grad_bias = NULL;
  if (nc_input(op, input, &N, &C, &S) != TH_OK || compute_dtype(op, input, &cd) != TH_OK ||
      check_grad(op, grad_output, input) != TH_OK ||
      check_vec(op, "weight", weight, C, input) != TH_OK ||
      get_kernel(TH_OP_native_batch_norm_backward, input, &fn) != TH_OK)
    return TH_ERROR;
  if (training) {
    if (!save_mean || !save_invstd)
      return TH_setError("[%s] save_mean and save_invstd are required in training mode", op);
    if (check_vec(op, "save_mean", save_mean, C, input) != TH_OK ||
        check_vec(op, "save_invstd", save_invstd, C, input) != TH_OK)
      return TH_ERROR;
  } else {
    if (!running_mean || !running_var)
      return TH_setError("[%s] running_mean and running_var are required in evaluation mode", op);
    if (check_vec(op, "running_mean", running_mean, C, input) != TH_OK ||
        check_vec(op, "running_var", running_var, C, input) != TH_OK)
      return TH_ERROR;
  }
  bool want[3];
  for (int i = 0; i < 3; i++) want[i] = output_mask ? output_mask[i] : true;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *go = prep(&k, grad_output, cd, &ok), *x = prep(&k, input, cd, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THTensor *sm = training ? prep(&k, save_mean, cd, &ok) : NULL;
  THTensor *si = training ? prep(&k, save_invstd, cd, &ok) : NULL;
  THTensor *rm = training ? NULL : prep(&k, running_mean, cd, &ok);
  THTensor *rv = training ? NULL : prep(&k, running_var, cd, &ok);
  THTensor *gi = want[0] ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  THTensor *gw = want[1] ? alloc(&k, cd, dev, 1, &C, &ok) : NULL;
  THTensor *gb = want[2] ? alloc(&k, cd, dev, 1, &C, &ok) : NULL;
  if (ok && (gi || gw || gb) &&
      ((THNNBatchNormBackwardKernel)fn)(gi, gw, gb, go, x, w, sm, si, rm, rv, N, C, S, training,
                                        eps) != TH_OK)
    ok = false;
  give_to(grad_input, gi, input->dtype, &ok);
  give_to(grad_weight, gw, weight ? weight->dtype : input->dtype, &ok);
  give_to(grad_bias, gb, weight ? weight->dtype : input->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(grad_input, grad_weight, grad_bias);
    return TH_ERROR;
  }
  return TH_OK;
}

/* Checks layer_norm's input against normalized_shape; M rows of D elements; stat_sizes gets
 * the shape of mean/rstd. */
static int ln_setup(const char *op, const THTensor *input, int nnorm, const int64_t *nshape,
                    int64_t *M, int64_t *D, int64_t *stat_sizes) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK) return TH_ERROR;
  if (nnorm < 1 || nnorm > TH_MAX_DIMS)
    return TH_setError("[%s] normalized_shape must have between 1 and %d sizes, got %d", op,
                       TH_MAX_DIMS, nnorm);
  bool good = input->ndim >= nnorm;
  for (int i = 0; good && i < nnorm; i++) good = input->size[input->ndim - nnorm + i] == nshape[i];
  if (!good)
    return TH_setError("[%s] normalized_shape %s does not match the last dims of input of shape "
                       "%s", op, TH_formatShape(b1, nnorm, nshape), shp(input, b2));
  int lead = input->ndim - nnorm;
  *M = prod(lead, input->size);
  *D = prod(nnorm, nshape);
  for (int i = 0; i < input->ndim; i++) stat_sizes[i] = i < lead ? input->size[i] : 1;
  return TH_OK;
}

/* weight/bias of layer_norm: normalized_shape exactly. */
static int ln_param(const char *op, const char *what, const THTensor *t, int nnorm,
                    const int64_t *nshape, const THTensor *input) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  if (!t) return TH_OK;
  if (!same_sizes(t, nnorm, nshape))
    return TH_setError("[%s] expected %s of shape %s (normalized_shape), got %s", op, what,
                       TH_formatShape(b1, nnorm, nshape), shp(t, b2));
  return check_param(op, what, t, input);
}

/* mean/rstd given to a backward: `count` elements of a floating dtype. */
static int check_stat(const char *op, const char *what, const THTensor *t, int64_t count,
                      const THTensor *input) {
  if (!t) return TH_setError("[%s] %s is required", op, what);
  if (THTensor_numel(t) != count)
    return TH_setError("[%s] expected %s with %lld elements, got %lld", op, what,
                       (long long)count, (long long)THTensor_numel(t));
  return check_param(op, what, t, input);
}

static int layer_norm_raw(const THTensor *input, int nnorm, const int64_t *normalized_shape,
                          const THTensor *weight, const THTensor *bias, double eps,
                          THTensor **output, THTensor **mean, THTensor **rstd) {
  const char *op = "layer_norm";
  int64_t M, D, ssz[TH_MAX_DIMS];
  THDtype cd;
  void (*fn)(void);
  if (output) *output = NULL;
  if (mean) *mean = NULL;
  if (rstd) *rstd = NULL;
  if (ln_setup(op, input, nnorm, normalized_shape, &M, &D, ssz) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      ln_param(op, "weight", weight, nnorm, normalized_shape, input) != TH_OK ||
      ln_param(op, "bias", bias, nnorm, normalized_shape, input) != TH_OK ||
      get_kernel(TH_OP_native_layer_norm, input, &fn) != TH_OK)
    return TH_ERROR;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *x = prep(&k, input, cd, &ok), *w = prep(&k, weight, cd, &ok);
  THTensor *b = prep(&k, bias, cd, &ok);
  THTensor *out = alloc(&k, cd, dev, input->ndim, input->size, &ok);
  THTensor *mu = alloc(&k, cd, dev, input->ndim, ssz, &ok);
  THTensor *rs = alloc(&k, cd, dev, input->ndim, ssz, &ok);
  if (ok && ((THNNLayerNormKernel)fn)(out, mu, rs, x, w, b, M, D, eps) != TH_OK) ok = false;
  give_to(output, out, input->dtype, &ok);
  give_to(mean, mu, cd, &ok);
  give_to(rstd, rs, cd, &ok);
  drop(&k);
  if (!ok) {
    free_outs(output, mean, rstd);
    return TH_ERROR;
  }
  return TH_OK;
}

int THNN_layer_norm(const THTensor *input, int nnorm, const int64_t *normalized_shape,
                    const THTensor *weight, const THTensor *bias, double eps, THTensor **output,
                    THTensor **mean, THTensor **rstd) {
  const THTensor *in[3] = {input, weight, bias};
  THNNRec rec;
  THTensor *o = NULL, *m = NULL, *s = NULL;
  if (THNNRec_begin(&rec, "layer_norm", 3, in, 0, NULL) != TH_OK) return TH_ERROR;
  int rc = layer_norm_raw(input, nnorm, normalized_shape, weight, bias, eps, &o, &m, &s);
  return THNNRec_layerNorm(&rec, rc, input, nnorm, normalized_shape, weight, bias, eps, o, m, s,
                           output, mean, rstd);
}

int THNN_layer_norm_backward(const THTensor *grad_output, const THTensor *input, int nnorm,
                             const int64_t *normalized_shape, const THTensor *mean,
                             const THTensor *rstd, const THTensor *weight,
                             const bool output_mask[3], THTensor **grad_input,
                             THTensor **grad_weight, THTensor **grad_bias) {
  const char *op = "layer_norm_backward";
  int64_t M, D, ssz[TH_MAX_DIMS];
  THDtype cd;
  void (*fn)(void);
  if (grad_input) *grad_input = NULL;
  if (grad_weight) *grad_weight = NULL;
  if (grad_bias) *grad_bias = NULL;
  if (ln_setup(op, input, nnorm, normalized_shape, &M, &D, ssz) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || check_grad(op, grad_output, input) != TH_OK ||
      check_stat(op, "mean", mean, M, input) != TH_OK ||
      check_stat(op, "rstd", rstd, M, input) != TH_OK ||
      ln_param(op, "weight", weight, nnorm, normalized_shape, input) != TH_OK ||
      get_kernel(TH_OP_native_layer_norm_backward, input, &fn) != TH_OK)
    return TH_ERROR;
  bool want[3];
  for (int i = 0; i < 3; i++) want[i] = output_mask ? output_mask[i] : true;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *go = prep(&k, grad_output, cd, &ok), *x = prep(&k, input, cd, &ok);
  THTensor *mu = prep(&k, mean, cd, &ok), *rs = prep(&k, rstd, cd, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THTensor *gi = want[0] ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  THTensor *gw = want[1] ? alloc(&k, cd, dev, nnorm, normalized_shape, &ok) : NULL;
  THTensor *gb = want[2] ? alloc(&k, cd, dev, nnorm, normalized_shape, &ok) : NULL;
  if (ok && (gi || gw || gb) &&
      ((THNNLayerNormBackwardKernel)fn)(gi, gw, gb, go, x, mu, rs, w, M, D) != TH_OK)
    ok = false;
  give_to(grad_input, gi, input->dtype, &ok);
  give_to(grad_weight, gw, weight ? weight->dtype : input->dtype, &ok);
  give_to(grad_bias, gb, weight ? weight->dtype : input->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(grad_input, grad_weight, grad_bias);
    return TH_ERROR;
  }
  return TH_OK;
}

static int gn_setup(const char *op, const THTensor *input, int64_t G, int64_t *N, int64_t *C,
                    int64_t *S) {
  char b1[TH_SHAPE_STRLEN];
  if (nc_input(op, input, N, C, S) != TH_OK) return TH_ERROR;
  if (G <= 0) return TH_setError("[%s] num_groups must be positive, got %lld", op, (long long)G);
  if (*C % G != 0)
    return TH_setError("[%s] expected the number of channels (%lld) to be divisible by "
                       "num_groups (%lld), got input of shape %s", op, (long long)*C,
                       (long long)G, shp(input, b1));
  return TH_OK;
}

static int group_norm_raw(const THTensor *input, int64_t num_groups, const THTensor *weight,
                          const THTensor *bias, double eps, THTensor **output, THTensor **mean,
                          THTensor **rstd) {
  const char *op = "group_norm";
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (output) *output = NULL;
  if (mean) *mean = NULL;
  if (rstd) *rstd = NULL;
  if (gn_setup(op, input, num_groups, &N, &C, &S) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || check_vec(op, "weight", weight, C, input) != TH_OK ||
      check_vec(op, "bias", bias, C, input) != TH_OK ||
      get_kernel(TH_OP_native_group_norm, input, &fn) != TH_OK)
    return TH_ERROR;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  int64_t ssz[2] = {N, num_groups};
  THTensor *x = prep(&k, input, cd, &ok), *w = prep(&k, weight, cd, &ok);
  THTensor *b = prep(&k, bias, cd, &ok);
  THTensor *out = alloc(&k, cd, dev, input->ndim, input->size, &ok);
  THTensor *mu = alloc(&k, cd, dev, 2, ssz, &ok), *rs = alloc(&k, cd, dev, 2, ssz, &ok);
  if (ok && ((THNNGroupNormKernel)fn)(out, mu, rs, x, w, b, N, C, S, num_groups, eps) != TH_OK)
    ok = false;
  give_to(output, out, input->dtype, &ok);
  give_to(mean, mu, cd, &ok);
  give_to(rstd, rs, cd, &ok);
  drop(&k);
  if (!ok) {
    free_outs(output, mean, rstd);
    return TH_ERROR;
  }
  return TH_OK;
}

int THNN_group_norm(const THTensor *input, int64_t num_groups, const THTensor *weight,
                    const THTensor *bias, double eps, THTensor **output, THTensor **mean,
                    THTensor **rstd) {
  const THTensor *in[3] = {input, weight, bias};
  THNNRec rec;
  THTensor *o = NULL, *m = NULL, *s = NULL;
  if (THNNRec_begin(&rec, "group_norm", 3, in, 0, NULL) != TH_OK) return TH_ERROR;
  int rc = group_norm_raw(input, num_groups, weight, bias, eps, &o, &m, &s);
  return THNNRec_groupNorm(&rec, rc, input, num_groups, weight, bias, eps, o, m, s, output, mean,
                           rstd);
}

int THNN_group_norm_backward(const THTensor *grad_output, const THTensor *input,
                             const THTensor *mean, const THTensor *rstd, const THTensor *weight,
                             int64_t num_groups, const bool output_mask[3],
                             THTensor **grad_input, THTensor **grad_weight,
                             THTensor **grad_bias) {
  const char *op = "group_norm_backward";
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (grad_input) *grad_input = NULL;
  if (grad_weight) *grad_weight = NULL;
  if (grad_bias) *grad_bias = NULL;
  if (gn_setup(op, input, num_groups, &N, &C, &S) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || check_grad(op, grad_output, input) != TH_OK ||
      check_stat(op, "mean", mean, N * num_groups, input) != TH_OK ||
      check_stat(op, "rstd", rstd, N * num_groups, input) != TH_OK ||
      check_vec(op, "weight", weight, C, input) != TH_OK ||
      get_kernel(TH_OP_native_group_norm_backward, input, &fn) != TH_OK)
    return TH_ERROR;
  bool want[3];
  for (int i = 0; i < 3; i++) want[i] = output_mask ? output_mask[i] : true;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *go = prep(&k, grad_output, cd, &ok), *x = prep(&k, input, cd, &ok);
  THTensor *mu = prep(&k, mean, cd, &ok), *rs = prep(&k, rstd, cd, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THTensor *gi = want[0] ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  THTensor *gw = want[1] ? alloc(&k, cd, dev, 1, &C, &ok) : NULL;
  THTensor *gb = want[2] ? alloc(&k, cd, dev, 1, &C, &ok) : NULL;
  if (ok && (gi || gw || gb) &&
      ((THNNGroupNormBackwardKernel)fn)(gi, gw, gb, go, x, mu, rs, w, N, C, S, num_groups) != TH_OK)
    ok = false;
  give_to(grad_input, gi, input->dtype, &ok);
  give_to(grad_weight, gw, weight ? weight->dtype : input->dtype, &ok);
  give_to(grad_bias, gb, weight ? weight->dtype : input->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(grad_input, grad_weight, grad_bias);
    return TH_ERROR;
  }
  return TH_OK;
}

/* ======================================================================= embedding */

static THTensor *embedding_raw(const THTensor *weight, const THTensor *indices) {
  const char *op = "embedding";
  char b1[TH_SHAPE_STRLEN];
  void (*fn)(void);
  if (weight->ndim != 2) {
    TH_setError("[%s] expected a 2-D weight (num_embeddings, embedding_dim), got shape %s", op,
                shp(weight, b1));
    return NULL;
  }
  if (check_index(op, "indices", indices, weight) != TH_OK ||
      get_kernel(TH_OP_embedding, weight, &fn) != TH_OK)
    return NULL;
  if (indices->ndim >= TH_MAX_DIMS) {
    TH_setError("[%s] indices have too many dims (%d)", op, indices->ndim);
    return NULL;
  }
  int64_t osz[TH_MAX_DIMS];
  memcpy(osz, indices->size, (size_t)indices->ndim * 8);
  osz[indices->ndim] = weight->size[1];
  Temps k = {0};
  bool ok = true;
  THTensor *w = prep(&k, weight, weight->dtype, &ok), *ix = prep(&k, indices, TH_I64, &ok);
  THTensor *out = alloc(&k, weight->dtype, THTensor_device(weight), indices->ndim + 1, osz, &ok);
  if (ok && ((THNNEmbeddingKernel)fn)(out, w, ix) != TH_OK) ok = false;
  THTensor *r = ok ? give(out, weight->dtype) : NULL;
  drop(&k);
  return r;
}

THTensor *THNN_embedding_padded(const THTensor *weight, const THTensor *indices,
                                int64_t padding_idx, bool scale_grad_by_freq) {
  const THTensor *in[2] = {weight, indices};
  THNNRec rec;
  if (THNNRec_begin(&rec, "embedding", 2, in, 0, NULL) != TH_OK) return NULL;
  return THNNRec_embedding(&rec, embedding_raw(weight, indices), weight, indices, padding_idx,
                           scale_grad_by_freq);
}

THTensor *THNN_embedding(const THTensor *weight, const THTensor *indices) {
  return THNN_embedding_padded(weight, indices, -1, false);
}

THTensor *THNN_embedding_backward(const THTensor *grad_output, const THTensor *indices,
                                  int64_t num_weights, int64_t padding_idx,
                                  bool scale_grad_by_freq) {
  const char *op = "embedding_backward";
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  THDtype cd;
  void (*fn)(void);
  if (compute_dtype(op, grad_output, &cd) != TH_OK ||
      check_index(op, "indices", indices, grad_output) != TH_OK ||
      get_kernel(TH_OP_embedding_dense_backward, grad_output, &fn) != TH_OK)
    return NULL;
  bool good = grad_output->ndim == indices->ndim + 1;
  for (int d = 0; good && d < indices->ndim; d++) good = grad_output->size[d] == indices->size[d];
  if (!good) {
    TH_setError("[%s] expected grad_output of shape (*indices.shape, embedding_dim), got %s for "
                "indices of shape %s", op, shp(grad_output, b1), shp(indices, b2));
    return NULL;
  }
  if (num_weights < 0 || padding_idx >= num_weights) {
    TH_setError("[%s] padding_idx %lld is out of range for %lld weights", op,
                (long long)padding_idx, (long long)num_weights);
    return NULL;
  }
  int64_t n = THTensor_numel(indices), D = grad_output->size[grad_output->ndim - 1];
  int64_t gsz[2] = {num_weights, D}, fsz[2] = {n, D};
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok), *ix = prep(&k, indices, TH_I64, &ok);
  THTensor *go2 = ok ? keep(&k, THTensor_view(go, 2, fsz)) : NULL;
  THTensor *ix1 = ok ? keep(&k, THTensor_view(ix, 1, &n)) : NULL;
  if (ok && (!go2 || !ix1)) ok = false;
  THTensor *gw = alloc(&k, cd, THTensor_device(grad_output), 2, gsz, &ok);
  if (ok && ((THNNEmbeddingBackwardKernel)fn)(gw, go2, ix1, padding_idx, scale_grad_by_freq) != TH_OK)
    ok = false;
  THTensor *r = ok ? give(gw, grad_output->dtype) : NULL;
  drop(&k);
  return r;
}

/* ======================================================================= losses */

static int check_reduction(const char *op, THReduction r) {
  if ((unsigned)r > 2)
    return TH_setError("[%s] invalid reduction %d (expected none, mean or sum)", op, (int)r);
  return TH_OK;
}

/* nll_loss shapes: input (C), (N, C) or (N, C, d...) and its target; out_sizes gets the
 * target's shape (the output's for reduction none). */
static int nll_setup(const char *op, const THTensor *input, const THTensor *target,
                     const THTensor *weight, THReduction reduction, int64_t *N, int64_t *C,
                     int64_t *S) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN], b3[TH_SHAPE_STRLEN];
  THDtype cd;
  if (compute_dtype(op, input, &cd) != TH_OK || check_reduction(op, reduction) != TH_OK ||
      check_index(op, "target", target, input) != TH_OK)
    return TH_ERROR;
  if (input->ndim < 1)
    return TH_setError("[%s] expected input of shape (C), (N, C) or (N, C, d1, ...), got shape %s",
                       op, shp(input, b1));
  int64_t tsz[TH_MAX_DIMS];
  int tn = 0;
  if (input->ndim == 1) {
    *N = 1;
    *C = input->size[0];
    *S = 1;
  } else {
    *N = input->size[0];
    *C = input->size[1];
    *S = prod(input->ndim - 2, input->size + 2);
    tsz[tn++] = *N;
    for (int d = 2; d < input->ndim; d++) tsz[tn++] = input->size[d];
  }
  if (!same_sizes(target, tn, tsz))
    return TH_setError("[%s] expected target of shape %s for input of shape %s, got %s", op,
                       TH_formatShape(b1, tn, tsz), shp(input, b2), shp(target, b3));
  return check_vec(op, "weight", weight, *C, input);
}

static int nll_loss_raw(const THTensor *input, const THTensor *target, const THTensor *weight,
                        THReduction reduction, int64_t ignore_index, THTensor **output,
                        THTensor **total_weight) {
  const char *op = "nll_loss";
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (output) *output = NULL;
  if (total_weight) *total_weight = NULL;
  if (nll_setup(op, input, target, weight, reduction, &N, &C, &S) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK || get_kernel(TH_OP_nll_loss, input, &fn) != TH_OK)
    return TH_ERROR;
  Temps k = {0};
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *x = prep(&k, input, cd, &ok), *t = prep(&k, target, TH_I64, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THTensor *out = reduction == TH_REDUCTION_NONE ? alloc(&k, cd, dev, target->ndim, target->size, &ok)
                                                 : alloc(&k, cd, dev, 0, NULL, &ok);
  THTensor *tw = alloc(&k, cd, dev, 0, NULL, &ok);
  if (ok && ((THNNNllLossKernel)fn)(out, tw, x, t, w, N, C, S, reduction, ignore_index) != TH_OK)
    ok = false;
  give_to(output, out, input->dtype, &ok);
  give_to(total_weight, tw, input->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(output, total_weight, NULL);
    return TH_ERROR;
  }
  return TH_OK;
}

int THNN_nll_loss(const THTensor *input, const THTensor *target, const THTensor *weight,
                  THReduction reduction, int64_t ignore_index, THTensor **output,
                  THTensor **total_weight) {
  static const char *const names[] = {"input", "target", "weight"};
  const THTensor *in[3] = {input, target, weight};
  THNNRec rec;
  THTensor *o = NULL, *tw = NULL;
  if (THNNRec_begin(&rec, "nll_loss", 3, in, 1u << 2, names) != TH_OK) return TH_ERROR;
  int rc = nll_loss_raw(input, target, weight, reduction, ignore_index, &o, &tw);
  return THNNRec_nllLoss(&rec, rc, input, target, weight, reduction, ignore_index, o, tw, output,
                         total_weight);
}

/* grad_output of a loss: the per-element shape for none, one element otherwise. */
static int check_loss_grad(const char *op, const THTensor *grad_output, THReduction reduction,
                           int ndim, const int64_t *sizes, const THTensor *input) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  if (reduction == TH_REDUCTION_NONE ? !same_sizes(grad_output, ndim, sizes)
                                     : THTensor_numel(grad_output) != 1)
    return TH_setError("[%s] expected grad_output of shape %s, got %s", op,
                       reduction == TH_REDUCTION_NONE ? TH_formatShape(b1, ndim, sizes) : "()",
                       shp(grad_output, b2));
  return check_param(op, "grad_output", grad_output, input);
}

THTensor *THNN_nll_loss_backward(const THTensor *grad_output, const THTensor *input,
                                 const THTensor *target, const THTensor *weight,
                                 THReduction reduction, int64_t ignore_index,
                                 const THTensor *total_weight) {
  const char *op = "nll_loss_backward";
  int64_t N, C, S;
  THDtype cd;
  void (*fn)(void);
  if (nll_setup(op, input, target, weight, reduction, &N, &C, &S) != TH_OK ||
      compute_dtype(op, input, &cd) != TH_OK ||
      check_loss_grad(op, grad_output, reduction, target->ndim, target->size, input) != TH_OK ||
      get_kernel(TH_OP_nll_loss_backward, input, &fn) != TH_OK)
    return NULL;
  if (reduction == TH_REDUCTION_MEAN && check_stat(op, "total_weight", total_weight, 1, input) != TH_OK)
    return NULL;
  Temps k = {0};
  bool ok = true;
  THTensor *go = prep(&k, grad_output, cd, &ok), *t = prep(&k, target, TH_I64, &ok);
  THTensor *w = prep(&k, weight, cd, &ok);
  THTensor *tw = reduction == TH_REDUCTION_MEAN ? prep(&k, total_weight, cd, &ok) : NULL;
  THTensor *gi = alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok);
  if (ok && ((THNNNllLossBackwardKernel)fn)(gi, go, t, w, tw, N, C, S, reduction, ignore_index) != TH_OK)
    ok = false;
  THTensor *r = ok ? give(gi, input->dtype) : NULL;
  drop(&k);
  return r;
}

/* Binary cross entropy: target of the input's shape (floating), weight/pos_weight
 * broadcastable to it.  *view gets the expanded view (kept in k) of t, or NULL. */
static int bce_operand(const char *op, const char *what, const THTensor *t,
                       const THTensor *input, bool exact, Temps *k, THTensor **view) {
  char b1[TH_SHAPE_STRLEN], b2[TH_SHAPE_STRLEN];
  *view = NULL;
  if (!t) return TH_OK;
  if (!THDtype_isFloating(t->dtype))
    return TH_setError("[%s] expected a floating point %s, got %s", op, what,
                       THDtype_name(t->dtype));
  if (check_device(op, what, t, input) != TH_OK) return TH_ERROR;
  bool good = exact ? THTensor_sameShape(t, input) : t->ndim <= input->ndim;
  for (int d = 0; good && !exact && d < t->ndim; d++) {
    int64_t s = t->size[t->ndim - 1 - d];
    good = s == 1 || s == input->size[input->ndim - 1 - d];
  }
  if (!good)
    return TH_setError(exact ? "[%s] expected %s of shape %s (the input's), got %s"
                             : "[%s] %s of shape %s cannot be broadcast to the input's shape %s",
                       op, what, exact ? shp(input, b1) : shp(t, b1),
                       exact ? shp(t, b2) : shp(input, b2));
  if (!(*view = keep(k, THTensor_expand(t, input->ndim, input->size)))) return TH_ERROR;
  return TH_OK;
}

static THTensor *bce(const char *op, THOp row, const THTensor *input, const THTensor *target,
                     const THTensor *weight, const THTensor *pos_weight, THReduction reduction) {
  THDtype cd;
  void (*fn)(void);
  Temps k = {0};
  THTensor *tv, *wv, *pv;
  if (compute_dtype(op, input, &cd) != TH_OK || check_reduction(op, reduction) != TH_OK ||
      bce_operand(op, "target", target, input, true, &k, &tv) != TH_OK ||
      bce_operand(op, "weight", weight, input, false, &k, &wv) != TH_OK ||
      bce_operand(op, "pos_weight", pos_weight, input, false, &k, &pv) != TH_OK ||
      get_kernel(row, input, &fn) != TH_OK) {
    drop(&k);
    return NULL;
  }
  bool ok = true;
  THTensor *x = prep(&k, input, cd, &ok), *t = prep(&k, tv, cd, &ok);
  THTensor *w = prep(&k, wv, cd, &ok), *pw = prep(&k, pv, cd, &ok);
  THTensor *out = reduction == TH_REDUCTION_NONE
                      ? alloc(&k, cd, THTensor_device(input), input->ndim, input->size, &ok)
                      : alloc(&k, cd, THTensor_device(input), 0, NULL, &ok);
  if (ok && ((THNNBceKernel)fn)(out, x, t, w, pw, reduction) != TH_OK) ok = false;
  THTensor *r = ok ? give(out, input->dtype) : NULL;
  drop(&k);
  return r;
}

/* bce recorded: weight and pos_weight are not differentiable. */
static THTensor *bce_rec(const char *op, THOp row, const THTensor *input, const THTensor *target,
                         const THTensor *weight, const THTensor *pos_weight,
                         THReduction reduction) {
  static const char *const names[] = {"input", "target", "weight", "pos_weight"};
  const THTensor *in[4] = {input, target, weight, pos_weight};
  THNNRec rec;
  if (THNNRec_begin(&rec, op, 4, in, 3u << 2, names) != TH_OK) return NULL;
  return THNNRec_bce(&rec, bce(op, row, input, target, weight, pos_weight, reduction),
                     row == TH_OP_binary_cross_entropy_with_logits, input, target, weight,
                     pos_weight, reduction);
}

THTensor *THNN_binary_cross_entropy(const THTensor *input, const THTensor *target,
                                    const THTensor *weight, THReduction reduction) {
  return bce_rec("binary_cross_entropy", TH_OP_binary_cross_entropy, input, target, weight, NULL,
                 reduction);
}

THTensor *THNN_binary_cross_entropy_with_logits(const THTensor *input, const THTensor *target,
                                                const THTensor *weight,
                                                const THTensor *pos_weight,
                                                THReduction reduction) {
  return bce_rec("binary_cross_entropy_with_logits", TH_OP_binary_cross_entropy_with_logits,
                 input, target, weight, pos_weight, reduction);
}

static int bce_backward(const char *op, THOp row, const THTensor *grad_output,
                        const THTensor *input, const THTensor *target, const THTensor *weight,
                        const THTensor *pos_weight, THReduction reduction,
                        THTensor **grad_input, THTensor **grad_target) {
  THDtype cd;
  void (*fn)(void);
  Temps k = {0};
  THTensor *tv, *wv, *pv;
  if (grad_input) *grad_input = NULL;
  if (grad_target) *grad_target = NULL;
  if (compute_dtype(op, input, &cd) != TH_OK || check_reduction(op, reduction) != TH_OK ||
      check_loss_grad(op, grad_output, reduction, input->ndim, input->size, input) != TH_OK ||
      bce_operand(op, "target", target, input, true, &k, &tv) != TH_OK ||
      bce_operand(op, "weight", weight, input, false, &k, &wv) != TH_OK ||
      bce_operand(op, "pos_weight", pos_weight, input, false, &k, &pv) != TH_OK ||
      get_kernel(row, input, &fn) != TH_OK) {
    drop(&k);
    return TH_ERROR;
  }
  bool ok = true;
  THDevice dev = THTensor_device(input);
  THTensor *go = prep(&k, grad_output, cd, &ok);
  THTensor *x = prep(&k, input, cd, &ok), *t = prep(&k, tv, cd, &ok);
  THTensor *w = prep(&k, wv, cd, &ok), *pw = prep(&k, pv, cd, &ok);
  THTensor *gi = grad_input ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  THTensor *gt = grad_target ? alloc(&k, cd, dev, input->ndim, input->size, &ok) : NULL;
  if (ok && (gi || gt) && ((THNNBceBackwardKernel)fn)(gi, gt, go, x, t, w, pw, reduction) != TH_OK)
    ok = false;
  give_to(grad_input, gi, input->dtype, &ok);
  give_to(grad_target, gt, target->dtype, &ok);
  drop(&k);
  if (!ok) {
    free_outs(grad_input, grad_target, NULL);
    return TH_ERROR;
  }
  return TH_OK;
}

int THNN_binary_cross_entropy_backward(const THTensor *grad_output, const THTensor *input,
                                       const THTensor *target, const THTensor *weight,
                                       THReduction reduction, THTensor **grad_input,
                                       THTensor **grad_target) {
  return bce_backward("binary_cross_entropy_backward", TH_OP_binary_cross_entropy_backward,
                      grad_output, input, target, weight, NULL, reduction, grad_input,
                      grad_target);
}

int THNN_binary_cross_entropy_with_logits_backward(const THTensor *grad_output,
                                                   const THTensor *input, const THTensor *target,
                                                   const THTensor *weight,
                                                   const THTensor *pos_weight,
                                                   THReduction reduction, THTensor **grad_input,
                                                   THTensor **grad_target) {
  return bce_backward("binary_cross_entropy_with_logits_backward",
                      TH_OP_binary_cross_entropy_with_logits_backward, grad_output, input, target,
                      weight, pos_weight, reduction, grad_input, grad_target);
}
