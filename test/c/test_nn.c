/* test_nn.c: the neural-network kernels of lib/TH (THNN.h) from C: every forward op against a
 * naive reference loop written here from the definition, every backward function against
 * central finite differences of its forward in float64, float32 and bfloat16 against float64,
 * non-contiguous inputs, batches run in parallel against one sample at a time, and failures
 * that return TH_ERROR with a message and leave every argument (running stats included) as
 * it was. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "TH.h"
#include "THNN.h"

#include "th_check.h"

/* ======================================================================= helpers */

static uint64_t rng_state = 88172645463325252ull;
static double urand(void) { /* xorshift64, uniform in [-1, 1) */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 9007199254740992.0 * 2 - 1;
}

#define SIZES(...) ((const int64_t[]){__VA_ARGS__}), (int)(sizeof((int64_t[]){__VA_ARGS__}) / 8)

/* A new contiguous float64 tensor of uniform values in [lo, hi). */
static THTensor *rnd_(const int64_t *sizes, int ndim, double lo, double hi) {
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, ndim, sizes);
  double *p = THTensor_data(t);
  for (int64_t i = 0; i < THTensor_numel(t); i++) p[i] = lo + (urand() + 1) / 2 * (hi - lo);
  return t;
}
#define RND(...) rnd_(SIZES(__VA_ARGS__), -1, 1)

static double *D(const THTensor *t) { return THTensor_data(t); }

/* max |a - b| / (1 + |b|) over all elements (any dtypes, any strides); inf on shape mismatch */
static double maxdiff(const THTensor *a, const THTensor *b) {
  if (!a || !b || !THTensor_sameShape(a, b)) return INFINITY;
  THTensor *x = THTensor_toDtype(a, TH_F64), *y = THTensor_toDtype(b, TH_F64);
  double m = 0;
  for (int64_t i = 0; i < THTensor_numel(x); i++) {
    double d = fabs(D(x)[i] - D(y)[i]) / (1 + fabs(D(y)[i]));
    if (d > m || d != d) m = d != d ? INFINITY : d;
  }
  THTensor_free(x);
  THTensor_free(y);
  return m;
}

/* A float64 tensor of the given shape wrapping values computed by a reference. */
static THTensor *from(const int64_t *sizes, int ndim, const double *v) {
  THTensor *t = THTensor_empty(TH_F64, TH_CPU, ndim, sizes);
  memcpy(THTensor_data(t), v, sizeof(double) * (size_t)THTensor_numel(t));
  return t;
}

static double dot(const THTensor *a, const THTensor *b) {
  THTensor *x = THTensor_toDtype(a, TH_F64), *y = THTensor_toDtype(b, TH_F64);
  double s = 0;
  for (int64_t i = 0; i < THTensor_numel(x); i++) s += D(x)[i] * D(y)[i];
  THTensor_free(x);
  THTensor_free(y);
  return s;
}

/* Central finite differences: f(ctx) is a scalar function of the float64 tensor x (changed in
 * place and restored); returns max |numeric - analytic| / (1 + |numeric|). */
typedef double (*Objective)(void *ctx);
static double fd_check(Objective f, void *ctx, THTensor *x, const THTensor *analytic) {
  if (!analytic || THTensor_numel(analytic) != THTensor_numel(x)) return INFINITY;
  THTensor *a = THTensor_toDtype(analytic, TH_F64);
  double worst = 0, h = 1e-6;
  for (int64_t i = 0; i < THTensor_numel(x); i++) {
    double v = D(x)[i];
    D(x)[i] = v + h;
    double fp = f(ctx);
    D(x)[i] = v - h;
    double fm = f(ctx);
    D(x)[i] = v;
    double num = (fp - fm) / (2 * h), d = fabs(num - D(a)[i]) / (1 + fabs(num));
    if (d > worst || d != d) worst = d != d ? INFINITY : d;
  }
  THTensor_free(a);
  return worst;
}

/* A non-contiguous copy of t: the same values viewed through a transposed buffer. */
static THTensor *noncontig(const THTensor *t) {
  int n = t->ndim;
  int64_t sz[TH_MAX_DIMS];
  memcpy(sz, t->size, sizeof(int64_t) * (size_t)n);
  int64_t tmp = sz[0];
  sz[0] = sz[n - 1];
  sz[n - 1] = tmp;
  THTensor *buf = THTensor_empty(t->dtype, TH_CPU, n, sz);
  THTensor *v = THTensor_transpose(buf, 0, n - 1);
  THTensor_copy(v, t);
  THTensor_free(buf);
  return v;
}

static const bool ALL3[3] = {true, true, true};

/* ======================================================================= convolution */

typedef struct {
  int64_t N, Cin, Cout, G, H, W, kH, kW, s[2], p[2], d[2], op[2];
  bool transposed;
} ConvCase;

static int64_t conv_out(const ConvCase *c, int i) {
  int64_t in = i ? c->W : c->H, k = i ? c->kW : c->kH;
  if (c->transposed) return (in - 1) * c->s[i] - 2 * c->p[i] + c->d[i] * (k - 1) + c->op[i] + 1;
  return (in + 2 * c->p[i] - c->d[i] * (k - 1) - 1) / c->s[i] + 1;
}

/* The convolution by its definition. */
static THTensor *ref_conv(const ConvCase *c, const THTensor *x, const THTensor *w,
                          const THTensor *b) {
  int64_t oH = conv_out(c, 0), oW = conv_out(c, 1);
  size_t n = (size_t)(c->N * c->Cout * oH * oW);
  double *y = calloc(n, sizeof(double));
  const double *X = D(x), *Wt = D(w);
  int64_t Cg = c->Cin / c->G, Og = c->Cout / c->G;
  for (int64_t s = 0; s < c->N; s++)
    for (int64_t co = 0; co < c->Cout; co++)
      for (int64_t i = 0; i < oH * oW; i++) y[(s * c->Cout + co) * oH * oW + i] = b ? D(b)[co] : 0;
  for (int64_t s = 0; s < c->N; s++)
    for (int64_t g = 0; g < c->G; g++)
      for (int64_t ci = 0; ci < Cg; ci++)
        for (int64_t co = 0; co < Og; co++)
          for (int64_t kh = 0; kh < c->kH; kh++)
            for (int64_t kw = 0; kw < c->kW; kw++) {
              if (!c->transposed) {
                double wv = Wt[(((g * Og + co) * Cg + ci) * c->kH + kh) * c->kW + kw];
                for (int64_t oh = 0; oh < oH; oh++)
                  for (int64_t ow = 0; ow < oW; ow++) {
                    int64_t ih = oh * c->s[0] - c->p[0] + kh * c->d[0];
                    int64_t iw = ow * c->s[1] - c->p[1] + kw * c->d[1];
                    if (ih < 0 || ih >= c->H || iw < 0 || iw >= c->W) continue;
                    y[((s * c->Cout + g * Og + co) * oH + oh) * oW + ow] +=
                        wv * X[((s * c->Cin + g * Cg + ci) * c->H + ih) * c->W + iw];
                  }
              } else {
                double wv = Wt[(((g * Cg + ci) * Og + co) * c->kH + kh) * c->kW + kw];
                for (int64_t ih = 0; ih < c->H; ih++)
                  for (int64_t iw = 0; iw < c->W; iw++) {
                    int64_t oh = ih * c->s[0] - c->p[0] + kh * c->d[0];
                    int64_t ow = iw * c->s[1] - c->p[1] + kw * c->d[1];
                    if (oh < 0 || oh >= oH || ow < 0 || ow >= oW) continue;
                    y[((s * c->Cout + g * Og + co) * oH + oh) * oW + ow] +=
                        wv * X[((s * c->Cin + g * Cg + ci) * c->H + ih) * c->W + iw];
                  }
              }
            }
  THTensor *r = from(SIZES(c->N, c->Cout, oH, oW), y);
  free(y);
  return r;
}

static THNNConvParams params_of(const ConvCase *c) {
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  for (int i = 0; i < 2; i++) {
    p.stride[i] = c->s[i];
    p.padding[i] = c->p[i];
    p.dilation[i] = c->d[i];
    p.output_padding[i] = c->op[i];
  }
  p.groups = c->G;
  p.transposed = c->transposed;
  return p;
}

typedef struct {
  THTensor *x, *w, *b, *R;
  THNNConvParams p;
} ConvObj;

static double conv_objective(void *vc) {
  ConvObj *o = vc;
  THTensor *y = THNN_convolution(o->x, o->w, o->b, &o->p);
  double r = y ? dot(y, o->R) : NAN;
  THTensor_free(y);
  return r;
}

static void conv_case(const char *name, ConvCase c) {
  THTensor *x = RND(c.N, c.Cin, c.H, c.W);
  THTensor *w = c.transposed ? RND(c.Cin, c.Cout / c.G, c.kH, c.kW)
                             : RND(c.Cout, c.Cin / c.G, c.kH, c.kW);
  THTensor *b = RND(c.Cout);
  THNNConvParams p = params_of(&c);
  THTensor *ref = ref_conv(&c, x, w, b);
  THTensor *y = THNN_convolution(x, w, b, &p);
  CHECK(maxdiff(y, ref) < 1e-12, "%s: float64 forward (%s)", name, y ? "" : TH_lastError());
  /* float32, non-contiguous input */
  THTensor *x32 = THTensor_toDtype(x, TH_F32), *w32 = THTensor_toDtype(w, TH_F32);
  THTensor *b32 = THTensor_toDtype(b, TH_F32), *xn = noncontig(x32);
  THTensor *y32 = THNN_convolution(xn, w32, b32, &p);
  CHECK(y32 && y32->dtype == TH_F32 && maxdiff(y32, ref) < 1e-5, "%s: float32 forward", name);
  /* one sample at a time (the sequential path) gives the batch's rows */
  THTensor *x0 = THTensor_narrow(x, 0, 0, 1), *y0 = THNN_convolution(x0, w, b, &p);
  THTensor *r0 = THTensor_narrow(ref, 0, 0, 1);
  CHECK(maxdiff(y0, r0) < 1e-12, "%s: single sample", name);
  /* backward against finite differences */
  THTensor *R = RND(ref->size[0], ref->size[1], ref->size[2], ref->size[3]);
  THTensor *gi, *gw, *gb;
  int rc = THNN_convolution_backward(R, x, w, &p, ALL3, &gi, &gw, &gb);
  CHECK(rc == TH_OK, "%s: backward: %s", name, TH_lastError());
  if (rc == TH_OK) {
    ConvObj o = {x, w, b, R, p};
    CHECK(fd_check(conv_objective, &o, x, gi) < 1e-6, "%s: grad_input", name);
    CHECK(fd_check(conv_objective, &o, w, gw) < 1e-6, "%s: grad_weight", name);
    CHECK(fd_check(conv_objective, &o, b, gb) < 1e-6, "%s: grad_bias", name);
    /* float32 backward agrees; a partial mask gives NULL for the rest */
    THTensor *R32 = THTensor_toDtype(R, TH_F32), *gi32, *gw32 = (THTensor *)1, *gb32;
    bool mask[3] = {true, false, true};
    rc = THNN_convolution_backward(R32, xn, w32, &p, mask, &gi32, &gw32, &gb32);
    CHECK(rc == TH_OK && gw32 == NULL && maxdiff(gi32, gi) < 1e-5 && maxdiff(gb32, gb) < 1e-5,
          "%s: float32 backward", name);
    if (rc == TH_OK) THTensor_free(gi32), THTensor_free(gb32);
    THTensor_free(R32);
    THTensor_free(gi), THTensor_free(gw), THTensor_free(gb);
  }
  THTensor_free(x), THTensor_free(w), THTensor_free(b), THTensor_free(ref), THTensor_free(y);
  THTensor_free(x32), THTensor_free(w32), THTensor_free(b32), THTensor_free(xn);
  THTensor_free(y32), THTensor_free(x0), THTensor_free(y0), THTensor_free(r0), THTensor_free(R);
}

static void test_conv(void) {
  conv_case("conv2d", (ConvCase){2, 4, 6, 2, 7, 6, 3, 2, {2, 1}, {1, 1}, {1, 2}, {0, 0}, false});
  conv_case("conv2d 1x1", (ConvCase){3, 3, 5, 1, 4, 5, 1, 1, {1, 1}, {0, 0}, {1, 1}, {0, 0}, false});
  conv_case("conv2d depthwise", (ConvCase){2, 4, 8, 4, 5, 5, 3, 3, {1, 1}, {1, 1}, {1, 1}, {0, 0}, false});
  conv_case("conv1d", (ConvCase){2, 3, 4, 1, 1, 9, 1, 3, {1, 2}, {0, 1}, {1, 1}, {0, 0}, false});
  conv_case("conv_transpose2d",
            (ConvCase){2, 4, 6, 2, 4, 3, 3, 3, {2, 3}, {1, 0}, {1, 1}, {1, 2}, true});
  conv_case("conv_transpose2d dilated",
            (ConvCase){3, 2, 3, 1, 3, 4, 2, 3, {1, 2}, {0, 1}, {2, 1}, {1, 1}, true});
  conv_case("conv_transpose 1x1", (ConvCase){2, 3, 2, 1, 3, 3, 1, 1, {1, 1}, {0, 0}, {1, 1}, {0, 0}, true});

  /* 1-d weights take 3-D inputs; unbatched inputs give unbatched outputs */
  THTensor *x = RND(3, 10), *w = RND(5, 3, 4);
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  p.stride[0] = 2;
  p.padding[0] = 1;
  THTensor *y = THNN_convolution(x, w, NULL, &p);
  CHECK(y && y->ndim == 2 && y->size[0] == 5 && y->size[1] == 5, "unbatched conv1d shape");
  THTensor_free(y);

  /* bfloat16 computes in float32 and rounds once */
  THTensor *x4 = RND(2, 3, 5, 5), *w4 = RND(4, 3, 3, 3);
  THTensor *xb = THTensor_toDtype(x4, TH_BF16), *wb = THTensor_toDtype(w4, TH_BF16);
  THTensor *xf = THTensor_toDtype(xb, TH_F32), *wf = THTensor_toDtype(wb, TH_F32);
  THNNConvParams q = THNN_CONV_PARAMS_DEFAULT;
  THTensor *yb = THNN_convolution(xb, wb, NULL, &q), *yf = THNN_convolution(xf, wf, NULL, &q);
  THTensor *yfb = yf ? THTensor_toDtype(yf, TH_BF16) : NULL;
  CHECK(yb && yb->dtype == TH_BF16 && maxdiff(yb, yfb) == 0, "bfloat16 conv");
  THTensor_free(xb), THTensor_free(wb), THTensor_free(xf), THTensor_free(wf);
  THTensor_free(yb), THTensor_free(yf), THTensor_free(yfb);

  /* errors: a message naming the shapes, nothing returned */
  THTensor *bad = THNN_convolution(x4, w, NULL, &q);
  CHECK(!bad && strcmp(TH_lastError(), "[conv1d] expected a 2-D (unbatched) or 3-D (batched) "
                                       "input, got input of shape (2, 3, 5, 5)") == 0,
        "%s", TH_lastError());
  THTensor *w5 = RND(4, 2, 3, 3);
  bad = THNN_convolution(x4, w5, NULL, &q);
  CHECK(!bad && strcmp(TH_lastError(), "[conv2d] weight of shape (4, 2, 3, 3) with groups=1 "
                                       "expects input with 2 channels, got input of shape "
                                       "(2, 3, 5, 5)") == 0, "%s", TH_lastError());
  THTensor *wbig = RND(4, 3, 7, 3);
  bad = THNN_convolution(x4, wbig, NULL, &q);
  CHECK(!bad && strstr(TH_lastError(), "kernel size (7, 3) (dilated) is larger than the padded "
                                       "input size (5, 5)"), "%s", TH_lastError());
  THTensor *xi = THTensor_toDtype(x4, TH_I64);
  bad = THNN_convolution(xi, w4, NULL, &q);
  CHECK(!bad && strcmp(TH_lastError(), "[conv2d] expected a floating point input, got int64") == 0,
        "%s", TH_lastError());
  THTensor *bias3 = RND(3);
  bad = THNN_convolution(x4, w4, bias3, &q);
  CHECK(!bad && strcmp(TH_lastError(), "[conv2d] expected bias of shape (4,), got (3,)") == 0,
        "%s", TH_lastError());
  q.groups = 2;
  bad = THNN_convolution(x4, w4, NULL, &q);
  CHECK(!bad && strstr(TH_lastError(), "with groups=2 expects input with 6 channels"), "%s",
        TH_lastError());
  THTensor *gi = (THTensor *)1, *go = RND(2, 4, 2, 2);
  q.groups = 1;
  CHECK(THNN_convolution_backward(go, x4, w4, &q, ALL3, &gi, NULL, NULL) == TH_ERROR && !gi &&
            strcmp(TH_lastError(), "[conv2d_backward] expected grad_output of shape (2, 4, 3, 3), "
                                   "got (2, 4, 2, 2)") == 0,
        "%s", TH_lastError());
  THTensor_free(x), THTensor_free(w), THTensor_free(x4), THTensor_free(w4), THTensor_free(w5);
  THTensor_free(wbig), THTensor_free(xi), THTensor_free(bias3), THTensor_free(go);
}

/* ======================================================================= pooling */

typedef struct {
  THTensor *x, *R;
  THNNPoolParams p;
  int kind; /* 0 max2d, 1 avg2d, 2 adaptive2d, 3 max1d */
  int64_t osize[2];
} PoolObj;

static THTensor *pool_fwd(PoolObj *o) {
  THTensor *y = NULL, *ind = NULL;
  switch (o->kind) {
  case 0: THNN_max_pool2d(o->x, &o->p, &y, &ind); break;
  case 1: y = THNN_avg_pool2d(o->x, &o->p); break;
  case 2: y = THNN_adaptive_avg_pool2d(o->x, o->osize); break;
  case 3: THNN_max_pool1d(o->x, &o->p, &y, &ind); break;
  }
  THTensor_free(ind);
  return y;
}

static double pool_objective(void *vc) {
  PoolObj *o = vc;
  THTensor *y = pool_fwd(o);
  double r = y ? dot(y, o->R) : NAN;
  THTensor_free(y);
  return r;
}

/* max pooling by its definition: (planes, H, W) -> values and first argmax */
static void ref_max(const THTensor *x, const THNNPoolParams *p, int64_t oH, int64_t oW,
                    double *val, int64_t *arg) {
  int64_t P = x->size[0] * x->size[1], H = x->size[2], W = x->size[3];
  int64_t sH = p->stride[0] ? p->stride[0] : p->kernel[0];
  int64_t sW = p->stride[1] ? p->stride[1] : p->kernel[1];
  for (int64_t q = 0; q < P; q++)
    for (int64_t oh = 0; oh < oH; oh++)
      for (int64_t ow = 0; ow < oW; ow++) {
        double m = -INFINITY;
        int64_t a = -1;
        for (int64_t kh = 0; kh < p->kernel[0]; kh++)
          for (int64_t kw = 0; kw < p->kernel[1]; kw++) {
            int64_t ih = oh * sH - p->padding[0] + kh * p->dilation[0];
            int64_t iw = ow * sW - p->padding[1] + kw * p->dilation[1];
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            double v = D(x)[(q * H + ih) * W + iw];
            if (v > m) m = v, a = ih * W + iw;
          }
        val[(q * oH + oh) * oW + ow] = m;
        arg[(q * oH + oh) * oW + ow] = a;
      }
}

/* average pooling by its definition */
static void ref_avg(const THTensor *x, const THNNPoolParams *p, int64_t oH, int64_t oW,
                    double *val) {
  int64_t P = x->size[0] * x->size[1], H = x->size[2], W = x->size[3];
  int64_t sH = p->stride[0] ? p->stride[0] : p->kernel[0];
  int64_t sW = p->stride[1] ? p->stride[1] : p->kernel[1];
  for (int64_t q = 0; q < P; q++)
    for (int64_t oh = 0; oh < oH; oh++)
      for (int64_t ow = 0; ow < oW; ow++) {
        double s = 0;
        int64_t inside = 0, padded = 0;
        for (int64_t kh = 0; kh < p->kernel[0]; kh++)
          for (int64_t kw = 0; kw < p->kernel[1]; kw++) {
            int64_t ih = oh * sH - p->padding[0] + kh, iw = ow * sW - p->padding[1] + kw;
            if (ih < H + p->padding[0] && iw < W + p->padding[1]) padded++;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            s += D(x)[(q * H + ih) * W + iw];
            inside++;
          }
        double div = p->divisor_override ? p->divisor_override : p->count_include_pad ? padded : inside;
        val[(q * oH + oh) * oW + ow] = inside ? s / div : 0;
      }
}

static void test_pool(void) {
  /* max pooling with padding, dilation and ceil_mode */
  THTensor *x = RND(2, 3, 7, 8);
  THNNPoolParams p = {{3, 2}, {2, 1}, {1, 1}, {1, 2}, true, true, 0};
  THTensor *y, *ind;
  int rc = THNN_max_pool2d(x, &p, &y, &ind);
  int64_t oH = 4, oW = 7; /* ceil((7 + 2 - 3) / 2) + 1 = 4; (8 + 2 - 2 - 1) + 1 = 8 - 1 */
  oW = (8 + 2 - 2 * 1 - 1) / 1 + 1;
  CHECK(rc == TH_OK && y->size[2] == oH && y->size[3] == oW && ind->dtype == TH_I64,
        "max_pool2d shape: %s", TH_lastError());
  if (rc == TH_OK) {
    double *val = malloc(sizeof(double) * (size_t)THTensor_numel(y));
    int64_t *arg = malloc(sizeof(int64_t) * (size_t)THTensor_numel(y));
    ref_max(x, &p, oH, oW, val, arg);
    THTensor *r = from(y->size, 4, val);
    CHECK(maxdiff(y, r) == 0 && memcmp(THTensor_data(ind), arg, 8 * (size_t)THTensor_numel(y)) == 0,
          "max_pool2d values and indices");
    /* backward: finite differences (no ties in random data) */
    PoolObj o = {x, RND(2, 3, oH, oW), p, 0, {0, 0}};
    THTensor *gi = THNN_max_pool2d_backward(o.R, x, ind);
    CHECK(fd_check(pool_objective, &o, x, gi) < 1e-6, "max_pool2d backward");
    /* float32 and non-contiguous */
    THTensor *xf = THTensor_toDtype(x, TH_F32), *xn = noncontig(xf), *yf, *indf;
    CHECK(THNN_max_pool2d(xn, &p, &yf, &indf) == TH_OK && maxdiff(yf, y) < 1e-7 &&
              maxdiff(indf, ind) == 0, "max_pool2d float32 non-contiguous");
    THTensor_free(yf), THTensor_free(indf), THTensor_free(xf), THTensor_free(xn);
    THTensor_free(o.R), THTensor_free(gi), THTensor_free(r), free(val), free(arg);
    THTensor_free(y), THTensor_free(ind);
  }

  /* NaN wins, with its own position */
  THTensor *xn = RND(1, 1, 2, 2);
  D(xn)[2] = NAN;
  THNNPoolParams p2 = {{2, 2}, {0, 0}, {0, 0}, {1, 1}, false, true, 0};
  rc = THNN_max_pool2d(xn, &p2, &y, &ind);
  CHECK(rc == TH_OK && isnan(D(y)[0]) && ((int64_t *)THTensor_data(ind))[0] == 2, "NaN max");
  if (rc == TH_OK) THTensor_free(y), THTensor_free(ind);
  THTensor_free(xn);

  /* max_pool1d over (N, C, L) */
  THTensor *x1 = RND(2, 3, 9);
  THNNPoolParams p1 = {{3, 0}, {2, 0}, {1, 0}, {1, 0}, false, true, 0};
  rc = THNN_max_pool1d(x1, &p1, &y, &ind);
  CHECK(rc == TH_OK && y->ndim == 3 && y->size[2] == 5, "max_pool1d shape");
  if (rc == TH_OK) {
    PoolObj o = {x1, RND(2, 3, 5), p1, 3, {0, 0}};
    THTensor *gi = THNN_max_pool1d_backward(o.R, x1, ind);
    CHECK(fd_check(pool_objective, &o, x1, gi) < 1e-6, "max_pool1d backward");
    THTensor_free(o.R), THTensor_free(gi), THTensor_free(y), THTensor_free(ind);
  }
  THTensor_free(x1);

  /* average pooling: the padding counted or not, a divisor, ceil_mode */
  for (int v = 0; v < 3; v++) {
    THNNPoolParams pa = {{3, 2}, {2, 2}, {1, 1}, {1, 1}, v == 2, v != 1, v == 2 ? 5 : 0};
    THTensor *ya = THNN_avg_pool2d(x, &pa);
    CHECK(ya != NULL, "avg_pool2d %d: %s", v, TH_lastError());
    if (!ya) continue;
    double *val = malloc(sizeof(double) * (size_t)THTensor_numel(ya));
    ref_avg(x, &pa, ya->size[2], ya->size[3], val);
    THTensor *r = from(ya->size, 4, val);
    CHECK(maxdiff(ya, r) < 1e-12, "avg_pool2d %d values", v);
    PoolObj o = {x, RND(ya->size[0], ya->size[1], ya->size[2], ya->size[3]), pa, 1, {0, 0}};
    THTensor *gi = THNN_avg_pool2d_backward(o.R, x, &pa);
    CHECK(fd_check(pool_objective, &o, x, gi) < 1e-6, "avg_pool2d %d backward", v);
    THTensor_free(o.R), THTensor_free(gi), THTensor_free(r), THTensor_free(ya), free(val);
  }

  /* adaptive average pooling: 7 x 8 -> 3 x 5 (overlapping windows) */
  int64_t os[2] = {3, 5};
  THTensor *yd = THNN_adaptive_avg_pool2d(x, os);
  CHECK(yd && yd->size[2] == 3 && yd->size[3] == 5, "adaptive shape");
  if (yd) {
    /* cell (1, 2): rows floor(7/3)=2 .. ceil(14/3)=5 (exclusive), cols floor(16/5)=3 .. ceil(24/5)=5 */
    double s = 0;
    for (int ih = 2; ih < 5; ih++)
      for (int iw = 3; iw < 5; iw++) s += D(x)[ih * 8 + iw];
    CHECK(fabs(D(yd)[1 * 5 + 2] - s / 6) < 1e-12, "adaptive cell");
    PoolObj o = {x, RND(2, 3, 3, 5), p, 2, {3, 5}};
    THTensor *gi = THNN_adaptive_avg_pool2d_backward(o.R, x);
    CHECK(fd_check(pool_objective, &o, x, gi) < 1e-6, "adaptive backward");
    THTensor_free(o.R), THTensor_free(gi), THTensor_free(yd);
  }

  /* errors */
  THNNPoolParams pb = {{2, 2}, {0, 0}, {2, 0}, {1, 1}, false, true, 0};
  CHECK(THNN_max_pool2d(x, &pb, &y, &ind) == TH_ERROR &&
            strcmp(TH_lastError(), "[max_pool2d] padding (2, 0) must be non-negative and at "
                                   "most half the kernel size (2, 2)") == 0,
        "%s", TH_lastError());
  THNNPoolParams pk = {{9, 2}, {0, 0}, {0, 0}, {1, 1}, false, true, 0};
  CHECK(!THNN_avg_pool2d(x, &pk) &&
            strcmp(TH_lastError(), "[avg_pool2d] input of shape (2, 3, 7, 8) is too small for "
                                   "kernel_size (9, 2) (dilation (1, 1), padding (0, 0)): the "
                                   "output size would be (0, 4)") == 0,
        "%s", TH_lastError());
  THTensor *x2 = RND(3, 4);
  CHECK(!THNN_avg_pool2d(x2, &p2) &&
            strcmp(TH_lastError(), "[avg_pool2d] expected a 3-D (unbatched) or 4-D (batched) "
                                   "input, got input of shape (3, 4)") == 0,
        "%s", TH_lastError());
  THTensor_free(x2), THTensor_free(x);
}

/* ======================================================================= softmax */

typedef struct {
  THTensor *x, *R;
  int dim;
  bool log;
} SmObj;

static double softmax_objective(void *vc) {
  SmObj *o = vc;
  THTensor *y = o->log ? THNN_log_softmax(o->x, o->dim) : THNN_softmax(o->x, o->dim);
  double r = y ? dot(y, o->R) : NAN;
  THTensor_free(y);
  return r;
}

static void test_softmax(void) {
  THTensor *x = RND(3, 5, 4);
  for (int dim = -1; dim < 3; dim++)
    for (int lg = 0; lg < 2; lg++) {
      THTensor *y = lg ? THNN_log_softmax(x, dim) : THNN_softmax(x, dim);
      CHECK(y != NULL, "softmax: %s", TH_lastError());
      if (!y) continue;
      /* reference: along d */
      int d = dim < 0 ? 2 : dim;
      int64_t outer = 1, inner = 1, n = x->size[d];
      for (int k = 0; k < d; k++) outer *= x->size[k];
      for (int k = d + 1; k < 3; k++) inner *= x->size[k];
      double worst = 0;
      for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
          double s = 0;
          for (int64_t j = 0; j < n; j++) s += exp(D(x)[(o * n + j) * inner + i]);
          for (int64_t j = 0; j < n; j++) {
            double v = D(x)[(o * n + j) * inner + i];
            double want = lg ? v - log(s) : exp(v) / s;
            double e = fabs(D(y)[(o * n + j) * inner + i] - want);
            if (e > worst) worst = e;
          }
        }
      CHECK(worst < 1e-13, "softmax dim %d log %d: %g", dim, lg, worst);
      SmObj ob = {x, RND(3, 5, 4), dim, lg};
      THTensor *gi = lg ? THNN_log_softmax_backward(ob.R, y, dim) : THNN_softmax_backward(ob.R, y, dim);
      CHECK(fd_check(softmax_objective, &ob, x, gi) < 1e-6, "softmax backward dim %d log %d", dim, lg);
      /* float32 non-contiguous */
      THTensor *xf = THTensor_toDtype(x, TH_F32), *xn = noncontig(xf);
      THTensor *yf = lg ? THNN_log_softmax(xn, dim) : THNN_softmax(xn, dim);
      CHECK(maxdiff(yf, y) < 1e-6, "softmax float32 dim %d", dim);
      THTensor_free(xf), THTensor_free(xn), THTensor_free(yf);
      THTensor_free(ob.R), THTensor_free(gi), THTensor_free(y);
    }
  /* large values stay finite; a 0-dim input gives 1 (0 for log) */
  THTensor *big = RND(4);
  D(big)[0] = 1000, D(big)[1] = 999;
  THTensor *yb = THNN_softmax(big, 0);
  CHECK(yb && fabs(D(yb)[0] - 1 / (1 + exp(-1.0))) < 1e-12, "stable softmax");
  THTensor *s0 = THTensor_empty(TH_F64, TH_CPU, 0, NULL);
  D(s0)[0] = 3;
  THTensor *y0 = THNN_log_softmax(s0, -1);
  CHECK(y0 && y0->ndim == 0 && D(y0)[0] == 0, "0-dim log_softmax");
  CHECK(!THNN_softmax(x, 3) && strcmp(TH_lastError(), "[softmax] dimension 4 is out of range "
                                                      "for a tensor with 3 dimensions (expected "
                                                      "1..3 or -3..-1)") == 0,
        "%s", TH_lastError());
  THTensor_free(big), THTensor_free(yb), THTensor_free(s0), THTensor_free(y0), THTensor_free(x);
}

/* ======================================================================= normalisation */

typedef struct {
  THTensor *x, *w, *b, *R;
  int kind; /* 0 batch norm training, 1 batch norm eval, 2 layer norm, 3 group norm */
  THTensor *rm, *rv;
} NormObj;

static THTensor *norm_fwd(NormObj *o) {
  THTensor *y = NULL, *m = NULL, *s = NULL;
  int64_t ns[2] = {o->x->size[o->x->ndim - 2], o->x->size[o->x->ndim - 1]};
  switch (o->kind) {
  case 0: THNN_batch_norm(o->x, o->w, o->b, NULL, NULL, true, 0.1, 1e-5, &y, &m, &s); break;
  case 1: THNN_batch_norm(o->x, o->w, o->b, o->rm, o->rv, false, 0.1, 1e-5, &y, &m, &s); break;
  case 2: THNN_layer_norm(o->x, 2, ns, o->w, o->b, 1e-5, &y, &m, &s); break;
  case 3: THNN_group_norm(o->x, 3, o->w, o->b, 1e-5, &y, &m, &s); break;
  }
  THTensor_free(m);
  THTensor_free(s);
  return y;
}

static double norm_objective(void *vc) {
  NormObj *o = vc;
  THTensor *y = norm_fwd(o);
  double r = y ? dot(y, o->R) : NAN;
  THTensor_free(y);
  return r;
}

static void test_batch_norm(void) {
  THTensor *x = RND(4, 3, 5), *w = RND(3), *b = RND(3), *rm = RND(3), *rv = rnd_(SIZES(3), 0.5, 2);
  THTensor *rm0 = THTensor_clone(rm), *rv0 = THTensor_clone(rv);
  THTensor *y, *sm, *si;
  int rc = THNN_batch_norm(x, w, b, rm, rv, true, 0.1, 1e-5, &y, &sm, &si);
  CHECK(rc == TH_OK, "batch_norm: %s", TH_lastError());
  if (rc != TH_OK) return;
  double worst = 0;
  for (int c = 0; c < 3; c++) {
    double s = 0, q = 0;
    for (int n = 0; n < 4; n++)
      for (int i = 0; i < 5; i++) s += D(x)[(n * 3 + c) * 5 + i];
    double mean = s / 20;
    for (int n = 0; n < 4; n++)
      for (int i = 0; i < 5; i++) q += pow(D(x)[(n * 3 + c) * 5 + i] - mean, 2);
    double var = q / 20, inv = 1 / sqrt(var + 1e-5);
    worst = fmax(worst, fabs(D(sm)[c] - mean) + fabs(D(si)[c] - inv));
    worst = fmax(worst, fabs(D(rm)[c] - (0.9 * D(rm0)[c] + 0.1 * mean)));
    worst = fmax(worst, fabs(D(rv)[c] - (0.9 * D(rv0)[c] + 0.1 * q / 19)));
    for (int n = 0; n < 4; n++)
      for (int i = 0; i < 5; i++) {
        int k = (n * 3 + c) * 5 + i;
        worst = fmax(worst, fabs(D(y)[k] - ((D(x)[k] - mean) * inv * D(w)[c] + D(b)[c])));
      }
  }
  CHECK(worst < 1e-12, "batch_norm values: %g", worst);
  NormObj o = {x, w, b, RND(4, 3, 5), 0, NULL, NULL};
  THTensor *gi, *gw, *gb;
  rc = THNN_batch_norm_backward(o.R, x, w, NULL, NULL, sm, si, true, 1e-5, ALL3, &gi, &gw, &gb);
  CHECK(rc == TH_OK, "batch_norm_backward: %s", TH_lastError());
  if (rc == TH_OK) {
    CHECK(fd_check(norm_objective, &o, x, gi) < 1e-6, "batch_norm grad_input");
    CHECK(fd_check(norm_objective, &o, w, gw) < 1e-6, "batch_norm grad_weight");
    CHECK(fd_check(norm_objective, &o, b, gb) < 1e-6, "batch_norm grad_bias");
    THTensor_free(gi), THTensor_free(gw), THTensor_free(gb);
  }
  /* evaluation mode: the running stats normalise; empty saved stats */
  THTensor *ye, *sme, *sie;
  rc = THNN_batch_norm(x, w, b, rm, rv, false, 0.1, 1e-5, &ye, &sme, &sie);
  CHECK(rc == TH_OK && THTensor_numel(sme) == 0 && sme->ndim == 1, "batch_norm eval");
  if (rc == TH_OK) {
    int k = (2 * 3 + 1) * 5 + 3;
    CHECK(fabs(D(ye)[k] - ((D(x)[k] - D(rm)[1]) / sqrt(D(rv)[1] + 1e-5) * D(w)[1] + D(b)[1])) < 1e-12,
          "batch_norm eval value");
    NormObj oe = {x, w, b, o.R, 1, rm, rv};
    rc = THNN_batch_norm_backward(o.R, x, w, rm, rv, NULL, NULL, false, 1e-5, ALL3, &gi, &gw, &gb);
    CHECK(rc == TH_OK && fd_check(norm_objective, &oe, x, gi) < 1e-6 &&
              fd_check(norm_objective, &oe, w, gw) < 1e-6 &&
              fd_check(norm_objective, &oe, b, gb) < 1e-6, "batch_norm eval backward");
    if (rc == TH_OK) THTensor_free(gi), THTensor_free(gw), THTensor_free(gb);
    THTensor_free(ye), THTensor_free(sme), THTensor_free(sie);
  }
  /* float32 running stats of a non-contiguous layout are updated through a copy */
  THTensor *xf = THTensor_toDtype(x, TH_F32), *rm32 = THTensor_toDtype(rm0, TH_F32);
  THTensor *rmf = noncontig(rm32), *rvf = THTensor_toDtype(rv0, TH_F32), *yf, *smf, *sif;
  THTensor_free(rm32);
  rc = THNN_batch_norm(xf, NULL, NULL, rmf, rvf, true, 0.1, 1e-5, &yf, &smf, &sif);
  CHECK(rc == TH_OK && maxdiff(smf, sm) < 1e-6 && maxdiff(rmf, rm) < 1e-6 && maxdiff(rvf, rv) < 1e-6,
        "batch_norm float32");
  if (rc == TH_OK) THTensor_free(yf), THTensor_free(smf), THTensor_free(sif);
  /* errors leave the running stats alone */
  THTensor *rm_before = THTensor_clone(rm);
  THTensor *x1 = RND(1, 3);
  rc = THNN_batch_norm(x1, w, b, rm, rv, true, 0.1, 1e-5, &ye, &sme, &sie);
  CHECK(rc == TH_ERROR && strcmp(TH_lastError(), "[batch_norm] expected more than 1 value per "
                                                 "channel when training, got input of shape "
                                                 "(1, 3)") == 0 && maxdiff(rm, rm_before) == 0,
        "%s", TH_lastError());
  THTensor *w4 = RND(4);
  rc = THNN_batch_norm(x, w4, b, rm, rv, true, 0.1, 1e-5, &ye, &sme, &sie);
  CHECK(rc == TH_ERROR && strcmp(TH_lastError(), "[batch_norm] expected weight of shape (3,), "
                                                 "got (4,)") == 0 && maxdiff(rm, rm_before) == 0,
        "%s", TH_lastError());
  rc = THNN_batch_norm(x, w, b, NULL, rv, false, 0.1, 1e-5, &ye, &sme, &sie);
  CHECK(rc == TH_ERROR && strstr(TH_lastError(), "required in evaluation mode"), "%s", TH_lastError());
  THTensor_free(x), THTensor_free(w), THTensor_free(b), THTensor_free(rm), THTensor_free(rv);
  THTensor_free(rm0), THTensor_free(rv0), THTensor_free(y), THTensor_free(sm), THTensor_free(si);
  THTensor_free(o.R), THTensor_free(xf), THTensor_free(rmf), THTensor_free(rvf);
  THTensor_free(rm_before), THTensor_free(x1), THTensor_free(w4);
}

static void test_layer_group_norm(void) {
  /* layer norm over the last two dims of (4, 2, 3) */
  THTensor *x = RND(4, 2, 3), *w = RND(2, 3), *b = RND(2, 3), *y, *m, *s;
  int64_t ns[2] = {2, 3};
  int rc = THNN_layer_norm(x, 2, ns, w, b, 1e-5, &y, &m, &s);
  CHECK(rc == TH_OK && m->ndim == 3 && m->size[0] == 4 && m->size[1] == 1 && m->size[2] == 1,
        "layer_norm: %s", TH_lastError());
  if (rc == TH_OK) {
    double worst = 0;
    for (int r = 0; r < 4; r++) {
      double sum = 0, q = 0;
      for (int j = 0; j < 6; j++) sum += D(x)[r * 6 + j];
      double mean = sum / 6;
      for (int j = 0; j < 6; j++) q += pow(D(x)[r * 6 + j] - mean, 2);
      double rs = 1 / sqrt(q / 6 + 1e-5);
      for (int j = 0; j < 6; j++)
        worst = fmax(worst, fabs(D(y)[r * 6 + j] - ((D(x)[r * 6 + j] - mean) * rs * D(w)[j] + D(b)[j])));
      worst = fmax(worst, fabs(D(m)[r] - mean) + fabs(D(s)[r] - rs));
    }
    CHECK(worst < 1e-12, "layer_norm values %g", worst);
    NormObj o = {x, w, b, RND(4, 2, 3), 2, NULL, NULL};
    THTensor *gi, *gw, *gb;
    rc = THNN_layer_norm_backward(o.R, x, 2, ns, m, s, w, ALL3, &gi, &gw, &gb);
    CHECK(rc == TH_OK && fd_check(norm_objective, &o, x, gi) < 1e-6 &&
              fd_check(norm_objective, &o, w, gw) < 1e-6 && fd_check(norm_objective, &o, b, gb) < 1e-6,
          "layer_norm backward");
    if (rc == TH_OK) THTensor_free(gi), THTensor_free(gw), THTensor_free(gb);
    /* without weight and bias */
    NormObj o2 = {x, NULL, NULL, o.R, 2, NULL, NULL};
    rc = THNN_layer_norm_backward(o.R, x, 2, ns, m, s, NULL, ALL3, &gi, NULL, NULL);
    CHECK(rc == TH_OK && fd_check(norm_objective, &o2, x, gi) < 1e-6, "layer_norm no weight");
    if (rc == TH_OK) THTensor_free(gi);
    THTensor_free(o.R), THTensor_free(y), THTensor_free(m), THTensor_free(s);
  }
  int64_t bad[1] = {2};
  rc = THNN_layer_norm(x, 1, bad, NULL, NULL, 1e-5, &y, &m, &s);
  CHECK(rc == TH_ERROR && strcmp(TH_lastError(), "[layer_norm] normalized_shape (2,) does not "
                                                 "match the last dims of input of shape "
                                                 "(4, 2, 3)") == 0, "%s", TH_lastError());
  THTensor_free(x), THTensor_free(w), THTensor_free(b);

  /* group norm: (2, 6, 5) in 3 groups */
  x = RND(2, 6, 5), w = RND(6), b = RND(6);
  rc = THNN_group_norm(x, 3, w, b, 1e-5, &y, &m, &s);
  CHECK(rc == TH_OK && m->ndim == 2 && m->size[1] == 3, "group_norm: %s", TH_lastError());
  if (rc == TH_OK) {
    /* sample 1, group 2: channels 4, 5 */
    double sum = 0, q = 0;
    for (int k = 0; k < 10; k++) sum += D(x)[(1 * 6 + 4) * 5 + k];
    double mean = sum / 10;
    for (int k = 0; k < 10; k++) q += pow(D(x)[(1 * 6 + 4) * 5 + k] - mean, 2);
    double rs = 1 / sqrt(q / 10 + 1e-5);
    int k = (1 * 6 + 5) * 5 + 2;
    CHECK(fabs(D(m)[5] - mean) < 1e-12 && fabs(D(y)[k] - ((D(x)[k] - mean) * rs * D(w)[5] + D(b)[5])) < 1e-12,
          "group_norm values");
    NormObj o = {x, w, b, RND(2, 6, 5), 3, NULL, NULL};
    THTensor *gi, *gw, *gb;
    rc = THNN_group_norm_backward(o.R, x, m, s, w, 3, ALL3, &gi, &gw, &gb);
    CHECK(rc == TH_OK && fd_check(norm_objective, &o, x, gi) < 1e-6 &&
              fd_check(norm_objective, &o, w, gw) < 1e-6 && fd_check(norm_objective, &o, b, gb) < 1e-6,
          "group_norm backward");
    if (rc == TH_OK) THTensor_free(gi), THTensor_free(gw), THTensor_free(gb);
    THTensor_free(o.R), THTensor_free(y), THTensor_free(m), THTensor_free(s);
  }
  rc = THNN_group_norm(x, 4, w, b, 1e-5, &y, &m, &s);
  CHECK(rc == TH_ERROR && strcmp(TH_lastError(), "[group_norm] expected the number of channels "
                                                 "(6) to be divisible by num_groups (4), got "
                                                 "input of shape (2, 6, 5)") == 0,
        "%s", TH_lastError());
  THTensor_free(x), THTensor_free(w), THTensor_free(b);
}

/* ======================================================================= embedding, losses */

static THTensor *idx(const int64_t *sizes, int ndim, const int64_t *v) {
  THTensor *t = THTensor_empty(TH_I64, TH_CPU, ndim, sizes);
  memcpy(THTensor_data(t), v, sizeof(int64_t) * (size_t)THTensor_numel(t));
  return t;
}

static void test_embedding(void) {
  THTensor *w = RND(5, 3), *ix = idx(SIZES(2, 3), (const int64_t[]){4, 0, 4, 2, 2, 2});
  THTensor *y = THNN_embedding(w, ix);
  CHECK(y && y->ndim == 3 && y->size[2] == 3 && D(y)[0] == D(w)[12] && D(y)[5 * 3 + 1] == D(w)[7],
        "embedding");
  THTensor *g = RND(2, 3, 3);
  THTensor *gw = THNN_embedding_backward(g, ix, 5, 2, false);
  CHECK(gw && fabs(D(gw)[4 * 3 + 1] - (D(g)[1] + D(g)[2 * 3 + 1])) < 1e-15 && D(gw)[2 * 3] == 0 &&
            D(gw)[3 * 3] == 0, "embedding_backward with padding_idx");
  THTensor *gs = THNN_embedding_backward(g, ix, 5, -1, true);
  CHECK(gs && fabs(D(gs)[2 * 3] - (D(g)[9] + D(g)[12] + D(g)[15]) / 3) < 1e-15,
        "embedding_backward scale_grad_by_freq");
  THTensor *bad = idx(SIZES(1), (const int64_t[]){5});
  CHECK(!THNN_embedding(w, bad) && strcmp(TH_lastError(), "[embedding] index 5 is out of range "
                                                          "for a weight with 5 rows") == 0,
        "%s", TH_lastError());
  THTensor_free(w), THTensor_free(ix), THTensor_free(y), THTensor_free(g), THTensor_free(gw);
  THTensor_free(gs), THTensor_free(bad);
}

typedef struct {
  THTensor *x, *t, *w, *pw, *R;
  THReduction red;
  int kind; /* 0 nll, 1 bce, 2 bce with logits */
  int64_t ignore;
} LossObj;

static double loss_objective(void *vc) {
  LossObj *o = vc;
  THTensor *y = NULL, *tw = NULL;
  if (o->kind == 0) THNN_nll_loss(o->x, o->t, o->w, o->red, o->ignore, &y, &tw);
  else if (o->kind == 1) y = THNN_binary_cross_entropy(o->x, o->t, o->w, o->red);
  else y = THNN_binary_cross_entropy_with_logits(o->x, o->t, o->w, o->pw, o->red);
  double r = y ? dot(y, o->R) : NAN;
  THTensor_free(y);
  THTensor_free(tw);
  return r;
}

static void test_losses(void) {
  /* nll_loss over (N, C, d) with weights and an ignored target */
  THTensor *x = RND(3, 4, 2), *w = rnd_(SIZES(4), 0.5, 1.5);
  THTensor *t = idx(SIZES(3, 2), (const int64_t[]){1, 3, -100, 0, 2, 1});
  for (int red = 0; red < 3; red++) {
    THTensor *y, *tw;
    int rc = THNN_nll_loss(x, t, w, (THReduction)red, -100, &y, &tw);
    CHECK(rc == TH_OK, "nll_loss: %s", TH_lastError());
    if (rc != TH_OK) continue;
    const int64_t *tv = THTensor_data(t);
    double s = 0, sw = 0;
    for (int p = 0; p < 6; p++) {
      if (tv[p] == -100) continue;
      int n = p / 2, sp = p % 2;
      double v = -D(x)[(n * 4 + tv[p]) * 2 + sp] * D(w)[tv[p]];
      if (red == 0) CHECK(fabs(D(y)[p] - v) < 1e-15, "nll none %d", p);
      s += v, sw += D(w)[tv[p]];
    }
    if (red == 1) CHECK(fabs(D(y)[0] - s / sw) < 1e-14 && fabs(D(tw)[0] - sw) < 1e-14, "nll mean");
    if (red == 2) CHECK(fabs(D(y)[0] - s) < 1e-14, "nll sum");
    LossObj o = {x, t, w, NULL, red == 0 ? RND(3, 2) : RND(1), (THReduction)red, 0, -100};
    THTensor *R0 = red == 0 ? NULL : THTensor_squeeze(o.R);
    THTensor *gi = THNN_nll_loss_backward(R0 ? R0 : o.R, x, t, w, (THReduction)red, -100, tw);
    CHECK(fd_check(loss_objective, &o, x, gi) < 1e-6, "nll_loss backward %d", red);
    THTensor_free(gi), THTensor_free(R0), THTensor_free(o.R), THTensor_free(y), THTensor_free(tw);
  }
  THTensor *tbad = idx(SIZES(3, 2), (const int64_t[]){1, 4, 0, 0, 2, 1}), *y, *tw;
  CHECK(THNN_nll_loss(x, tbad, w, TH_REDUCTION_MEAN, -100, &y, &tw) == TH_ERROR &&
            strcmp(TH_lastError(), "[nll_loss] target 4 is out of bounds for 4 classes") == 0,
        "%s", TH_lastError());
  THTensor *t1 = idx(SIZES(3), (const int64_t[]){1, 2, 3});
  CHECK(THNN_nll_loss(x, t1, w, TH_REDUCTION_MEAN, -100, &y, &tw) == TH_ERROR &&
            strcmp(TH_lastError(), "[nll_loss] expected target of shape (3, 2) for input of shape "
                                   "(3, 4, 2), got (3,)") == 0, "%s", TH_lastError());
  THTensor_free(x), THTensor_free(w), THTensor_free(t), THTensor_free(tbad), THTensor_free(t1);

  /* binary cross entropy, plain and with logits, with weights broadcast */
  THTensor *p = rnd_(SIZES(3, 4), 0.05, 0.95), *tg = rnd_(SIZES(3, 4), 0, 1), *bw = rnd_(SIZES(4), 0.5, 2);
  THTensor *lg = RND(3, 4), *pw = rnd_(SIZES(4), 0.5, 3);
  for (int kind = 1; kind <= 2; kind++)
    for (int red = 0; red < 3; red++) {
      THTensor *in = kind == 1 ? p : lg;
      LossObj o = {in, tg, bw, kind == 2 ? pw : NULL, red == 0 ? RND(3, 4) : RND(1),
                   (THReduction)red, kind, 0};
      THTensor *R0 = red == 0 ? NULL : THTensor_squeeze(o.R);
      THTensor *yy = kind == 1 ? THNN_binary_cross_entropy(in, tg, bw, (THReduction)red)
                               : THNN_binary_cross_entropy_with_logits(in, tg, bw, pw, (THReduction)red);
      /* reference value of element (1, 2) */
      double xv = D(in)[6], tv = D(tg)[6], wv = D(bw)[2], ref;
      if (kind == 1) ref = -wv * (tv * log(xv) + (1 - tv) * log(1 - xv));
      else {
        double sg = 1 / (1 + exp(-xv));
        ref = -wv * (D(pw)[2] * tv * log(sg) + (1 - tv) * log(1 - sg));
      }
      if (red == 0) CHECK(yy && fabs(D(yy)[6] - ref) < 1e-14, "bce %d value", kind);
      THTensor *gi, *gt;
      int rc = kind == 1 ? THNN_binary_cross_entropy_backward(R0 ? R0 : o.R, in, tg, bw, (THReduction)red, &gi, &gt)
                         : THNN_binary_cross_entropy_with_logits_backward(R0 ? R0 : o.R, in, tg, bw, pw, (THReduction)red, &gi, &gt);
      CHECK(rc == TH_OK && fd_check(loss_objective, &o, in, gi) < 1e-6 &&
                fd_check(loss_objective, &o, tg, gt) < 1e-6, "bce %d backward %d", kind, red);
      if (rc == TH_OK) THTensor_free(gi), THTensor_free(gt);
      THTensor_free(R0), THTensor_free(o.R), THTensor_free(yy);
    }
  D(p)[3] = 1.5;
  CHECK(!THNN_binary_cross_entropy(p, tg, NULL, TH_REDUCTION_MEAN) &&
            strcmp(TH_lastError(), "[binary_cross_entropy] all elements of input should be "
                                   "between 0 and 1, got 1.5") == 0, "%s", TH_lastError());
  THTensor *bw3 = RND(3);
  CHECK(!THNN_binary_cross_entropy_with_logits(lg, tg, bw3, NULL, TH_REDUCTION_MEAN) &&
            strcmp(TH_lastError(), "[binary_cross_entropy_with_logits] weight of shape (3,) "
                                   "cannot be broadcast to the input's shape (3, 4)") == 0,
        "%s", TH_lastError());
  THTensor_free(p), THTensor_free(tg), THTensor_free(bw), THTensor_free(lg), THTensor_free(pw);
  THTensor_free(bw3);
}

/* ======================================================================= threads */

/* Losses reduce over fixed chunks: the same bits with 1 and 2 threads; conv's weight gradient
 * sums per-thread parts, equal up to rounding. */
static void test_threads(void) {
  int saved = TH_getNumThreads();
  THTensor *lg = RND(300, 100), *tg = rnd_(SIZES(300, 100), 0, 1), *r[2];
  THTensor *x = RND(8, 3, 12, 12), *w = RND(5, 3, 3, 3), *go = RND(8, 5, 10, 10), *gw[2];
  THNNConvParams p = THNN_CONV_PARAMS_DEFAULT;
  for (int k = 0; k < 2; k++) {
    TH_setNumThreads(k + 1);
    r[k] = THNN_binary_cross_entropy_with_logits(lg, tg, NULL, NULL, TH_REDUCTION_MEAN);
    THNN_convolution_backward(go, x, w, &p, (const bool[3]){false, true, false}, NULL, &gw[k], NULL);
  }
  TH_setNumThreads(saved);
  CHECK(r[0] && r[1] && D(r[0])[0] == D(r[1])[0], "loss independent of threads");
  CHECK(maxdiff(gw[0], gw[1]) < 1e-12, "conv grad_weight with 1 and 2 threads");
  THTensor_free(lg), THTensor_free(tg), THTensor_free(r[0]), THTensor_free(r[1]);
  THTensor_free(x), THTensor_free(w), THTensor_free(go), THTensor_free(gw[0]), THTensor_free(gw[1]);
}

int main(void) {
  test_conv();
  test_pool();
  test_softmax();
  test_batch_norm();
  test_layer_group_norm();
  test_embedding();
  test_losses();
  test_threads();
  printf("test_nn: %d checks, %d failures\n", checks, failures);
  return failures != 0;
}
