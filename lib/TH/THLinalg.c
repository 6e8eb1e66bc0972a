/* THLinalg.c: the device-independent half of torch.linalg: checks (square, floating, shapes
 * of A and B, options), batch broadcasting, column-major work copies for LAPACK, the kernel
 * call through the dispatch table, and LAPACK's status turned into PyTorch's messages
 * ("[linalg.inv] The diagonal element 2 is zero, ...").  Norms are here too: vector_norm
 * has its own kernel; matrix_norm is composed from it and the singular values.
 *
 * float16/bfloat16 inputs compute in float32 and their results are converted back.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "THLinalg.h"
#include "autograd/THAutogradViews.h"
#include "autograd/THDerivLinalg.h"

/* ======================================================================= helpers */

static THDtype compute_dtype(THDtype dt) { return dt == TH_F64 ? TH_F64 : TH_F32; }

static int check_floating(const char *op, const THTensor *a) {
  if (!THDtype_isFloating(a->dtype))
    return TH_setError("[%s] expected a floating point tensor as input, got %s", op,
                       THDtype_name(a->dtype));
  return TH_OK;
}

static int check_matrix(const char *op, const THTensor *a) {
  if (a->ndim < 2)
    return TH_setError("[%s] The input tensor A must have at least 2 dimensions.", op);
  return check_floating(op, a);
}

static int check_square(const char *op, const THTensor *a) {
  if (check_matrix(op, a) != TH_OK) return TH_ERROR;
  int64_t r = a->size[a->ndim - 2], c = a->size[a->ndim - 1];
  if (r != c)
    return TH_setError("[%s] A must be batches of square matrices, but they are %lld by %lld "
                       "matrices", op, (long long)r, (long long)c);
  return TH_OK;
}

static const char *dev_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

static int check_pair(const char *op, const THTensor *a, const THTensor *b) {
  char b1[32], b2[32];
  if (!THDevice_equal(THTensor_device(a), THTensor_device(b)))
    return TH_setError("[%s] expected A and B on the same device, but A is on %s and B on %s", op,
                       dev_name(THTensor_device(a), b1), dev_name(THTensor_device(b), b2));
  if (a->dtype != b->dtype)
    return TH_setError("[%s] expected A and B to have the same dtype, but found A of type %s and "
                       "B of type %s instead", op, THDtype_name(a->dtype), THDtype_name(b->dtype));
  return TH_OK;
}

static int64_t prod(int n, const int64_t *v) {
  int64_t p = 1;
  for (int i = 0; i < n; i++) p *= v[i];
  return p;
}

/* A new tensor of shape (batch..., r, c) whose matrices are column-major, one after another. */
static THTensor *colmajor_empty(THDtype dt, THDevice dev, int nb, const int64_t *batch, int64_t r,
                                int64_t c) {
  int64_t B = prod(nb, batch), total = B * r * c;
  THTensor *flat = THTensor_empty(dt, dev, 1, &total);
  if (!flat) return NULL;
  int64_t sz[TH_MAX_DIMS], st[TH_MAX_DIMS];
  int64_t s = r * c;
  for (int i = nb - 1; i >= 0; i--) {
    sz[i] = batch[i];
    st[i] = s;
    s *= batch[i] > 1 ? batch[i] : 1;
  }
  sz[nb] = r, sz[nb + 1] = c;
  st[nb] = 1, st[nb + 1] = r > 1 ? r : 1;
  THTensor *t = THTensor_newView(flat->storage, dt, 0, nb + 2, sz, st);
  THTensor_free(flat);
  return t;
}

/* The (B, r, c) view of a colmajor_empty tensor, as the kernels take it. */
static THTensor *as3d(const THTensor *t) {
  int nd = t->ndim;
  int64_t r = t->size[nd - 2], c = t->size[nd - 1];
  int64_t sz[3] = {prod(nd - 2, t->size), r, c}, st[3] = {r * c, 1, r > 1 ? r : 1};
  return THTensor_newView(t->storage, t->dtype, t->offset, 3, sz, st);
}

/* A column-major copy of src (broadcast to batch), in dtype. */
static THTensor *colmajor_copy(const THTensor *src, THDtype dt, int nb, const int64_t *batch) {
  int nd = src->ndim;
  THTensor *w = colmajor_empty(dt, THTensor_device(src), nb, batch, src->size[nd - 2],
                               src->size[nd - 1]);
  if (w && THTensor_copy(w, src) != TH_OK) {
    THTensor_free(w);
    return NULL;
  }
  return w;
}

static THTensor *int_tensor(THDtype dt, THDevice dev, int64_t n) {
  return THTensor_empty(dt, dev, 1, &n);
}

/* t itself (retained) when it is on the CPU, else a CPU copy (waits for the device). */
static THTensor *on_host(const THTensor *t) {
  if (THTensor_device(t).type == TH_DEVICE_CPU) {
    THTensor_retain((THTensor *)t);
    return (THTensor *)t;
  }
  THTensor *h = THTensor_empty(t->dtype, TH_CPU, t->ndim, t->size);
  if (h && THTensor_copy(h, t) != TH_OK) {
    THTensor_free(h);
    return NULL;
  }
  return h;
}

/* Reads info[] (int32, contiguous, on the CPU) and raises the op's message for the first
 * failure. */
typedef enum { INFO_INV, INFO_SOLVE, INFO_CHOLESKY, INFO_SVD, INFO_EIGH, INFO_LSTSQ } InfoKind;

static int info_message(const char *op, const THTensor *info, InfoKind kind) {
  int64_t B = info->size[0];
  const int *v = THTensor_data(info);
  for (int64_t b = 0; b < B; b++) {
    int i = v[b];
    if (i == 0) continue;
    char where[64] = "";
    if (B > 1) snprintf(where, sizeof where, "(Batch element %lld): ", (long long)b);
    if (i < 0)
      return TH_setError("[%s] %sargument %d has an illegal value (LAPACK)", op, where, -i);
    switch (kind) {
    case INFO_INV:
      return TH_setError("[%s] %sThe diagonal element %d is zero, the inversion could not be "
                         "completed because the input matrix is singular.", op, where, i);
    case INFO_SOLVE:
      return TH_setError("[%s] %sThe solver failed because the input matrix is singular.", op,
                         where);
    case INFO_CHOLESKY:
      return TH_setError("[%s] %sThe factorization could not be completed because the input is "
                         "not positive-definite (the leading minor of order %d is not "
                         "positive-definite).", op, where, i);
    case INFO_SVD:
      return TH_setError("[%s] %sThe algorithm failed to converge because the input matrix is "
                         "ill-conditioned or has too many repeated singular values (error "
                         "code: %d).", op, where, i);
    case INFO_EIGH:
      return TH_setError("[%s] %sThe algorithm failed to converge because the input matrix is "
                         "ill-conditioned or has too many repeated eigenvalues (error code: %d).",
                         op, where, i);
    case INFO_LSTSQ:
      return TH_setError("[%s] %sThe least squares solution could not be computed because the "
                         "input matrix does not have full rank (error code: %d).", op, where, i);
    }
  }
  return TH_OK;
}

/* The kernels' info[] (on the op's device) checked on the host. */
static int check_info(const char *op, const THTensor *info, InfoKind kind) {
  THTensor *h = on_host(info);
  if (!h) return TH_ERROR;
  int rc = info_message(op, h, kind);
  THTensor_free(h);
  return rc;
}

/* res (owned) converted to dtype dt; NULL on failure (res freed either way). */
static THTensor *to_dtype_owned(THTensor *res, THDtype dt) {
  if (!res || res->dtype == dt) return res;
  THTensor *r = THTensor_toDtype(res, dt);
  THTensor_free(res);
  return r;
}

/* The result (owned) handed out: written into out when given (same dtype required; resized
 * to the result's shape), else returned. */
static THTensor *give(const char *op, THTensor *out, THTensor *res) {
  if (!res || !out) return res;
  int rc = TH_OK;
  if (out->dtype != res->dtype)
    rc = TH_setError("[%s] expected out to have dtype %s, but got %s", op,
                     THDtype_name(res->dtype), THDtype_name(out->dtype));
  else if (!THDevice_equal(THTensor_device(out), THTensor_device(res))) {
    char b1[32], b2[32];
    rc = TH_setError("[%s] expected out on the input's device, %s, but it is on %s", op,
                     dev_name(THTensor_device(res), b1), dev_name(THTensor_device(out), b2));
  }
  else if (!THTensor_sameShape(out, res))
    rc = THTensor_resize(out, res->ndim, res->size);
  if (rc == TH_OK) rc = THTensor_copy(out, res);
  THTensor_free(res);
  if (rc != TH_OK) return NULL;
  THTensor_retain(out);
  return out;
}

/* Checks out's dtype before any work (so that a failed call leaves out untouched). */
static int check_out(const char *op, const THTensor *out, THDtype dt) {
  if (out && out->dtype != dt)
    return TH_setError("[%s] expected out to have dtype %s, but got %s", op, THDtype_name(dt),
                       THDtype_name(out->dtype));
  return TH_OK;
}

/* t with the size-1 dims flagged in drop removed (a recorded view). */
static THTensor *drop_dims(const THTensor *t, const bool *drop) {
  THTensor *r = (THTensor *)t;
  THTensor_retain(r);
  for (int d = t->ndim - 1; d >= 0 && r; d--) {
    if (!drop[d]) continue;
    THTensor *q = THAutograd_squeezeDim(r, d);
    THTensor_free(r);
    r = q;
  }
  return r;
}

/* The view of a contiguous (prod(batch)) tensor as shape batch. */
static THTensor *batch_view(THTensor *flat, int nb, const int64_t *batch) {
  THTensor *v = THTensor_view(flat, nb, batch);
  THTensor_free(flat);
  return v;
}

/* ======================================================================= inverse, det */

static THTensor *inv_impl(THTensor *out, const THTensor *a) {
  const char *op = "linalg.inv";
  if (check_square(op, a) != TH_OK || check_out(op, out, a->dtype) != TH_OK) return NULL;
  THDtype ct = compute_dtype(a->dtype);
  int nb = a->ndim - 2;
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_inv, THTensor_device(a), &k) != TH_OK) return NULL;
  THTensor *w = colmajor_copy(a, ct, nb, a->size), *w3 = NULL, *info = NULL, *res = NULL;
  if (!w || !(w3 = as3d(w)) || !(info = int_tensor(TH_I32, THTensor_device(a), w3->size[0])))
    goto done;
  if (((THLinalgInvFn)k.fn)(w3, info) != TH_OK || check_info(op, info, INFO_INV) != TH_OK)
    goto done;
  res = w;
  w = NULL;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(info);
  return give(op, out, to_dtype_owned(res, a->dtype));
}

/* det and/or (sign, logabsdet) of a's matrices. */
static int det_common(const char *op, THOp kop, const THTensor *a, THTensor **det,
                      THTensor **sign, THTensor **logabs) {
  if (check_square(op, a) != TH_OK) return TH_ERROR;
  THDtype ct = compute_dtype(a->dtype);
  THDevice dev = THTensor_device(a);
  int nb = a->ndim - 2;
  THKernel k;
  if (THDispatch_get(kop, dev, &k) != TH_OK) return TH_ERROR;
  THTensor *w = colmajor_copy(a, ct, nb, a->size), *w3 = NULL;
  THTensor *d = NULL, *s = NULL, *l = NULL;
  int rc = TH_ERROR;
  if (!w || !(w3 = as3d(w))) goto done;
  int64_t B = w3->size[0];
  if ((det && !(d = int_tensor(ct, dev, B))) || (sign && !(s = int_tensor(ct, dev, B))) ||
      (logabs && !(l = int_tensor(ct, dev, B))))
    goto done;
  if (((THLinalgDetFn)k.fn)(w3, d, s, l) != TH_OK) goto done;
  if (det && !(*det = to_dtype_owned(batch_view(d, nb, a->size), a->dtype))) {
    d = NULL;
    goto done;
  }
  d = NULL;
  if (sign) {
    *sign = to_dtype_owned(batch_view(s, nb, a->size), a->dtype);
    s = NULL;
    *logabs = to_dtype_owned(batch_view(l, nb, a->size), a->dtype);
    l = NULL;
    if (!*sign || !*logabs) {
      THTensor_free(*sign);
      THTensor_free(*logabs);
      *sign = *logabs = NULL;
      goto done;
    }
  }
  rc = TH_OK;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(d);
  THTensor_free(s);
  THTensor_free(l);
  return rc;
}

static THTensor *det_impl(THTensor *out, const THTensor *a) {
  THTensor *d = NULL;
  if (check_out("linalg.det", out, a->dtype) != TH_OK ||
      det_common("linalg.det", TH_OP_linalg_det, a, &d, NULL, NULL) != TH_OK)
    return NULL;
  return give("linalg.det", out, d);
}

static int slogdet_impl(const THTensor *a, THTensor **sign, THTensor **logabsdet) {
  *sign = *logabsdet = NULL;
  return det_common("linalg.slogdet", TH_OP_linalg_slogdet, a, NULL, sign, logabsdet);
}

/* ======================================================================= solve */

static THTensor *solve_impl(THTensor *out, const THTensor *a, const THTensor *b, bool left) {
  const char *op = "linalg.solve";
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  if (check_square(op, a) != TH_OK || check_floating(op, b) != TH_OK ||
      check_pair(op, a, b) != TH_OK || check_out(op, out, a->dtype) != TH_OK)
    return NULL;
  if (b->ndim == 0)
    return TH_setError("[%s] B must have at least 1 dimension", op), NULL;
  int na = a->ndim;
  int64_t n = a->size[na - 1];
  /* PyTorch's rule: B is a vector when 1-D, or when its shape is A's without the last dim */
  bool vec = b->ndim == 1 || (b->ndim == na - 1 && memcmp(b->size, a->size,
                                                          sizeof(int64_t) * (size_t)(na - 1)) == 0);
  THTensor *B2 = vec ? THTensor_unsqueeze(b, b->ndim) : THTensor_expand(b, b->ndim, b->size);
  THTensor *A1 = NULL, *B1 = NULL, *wa = NULL, *wb = NULL, *wa3 = NULL, *wb3 = NULL, *info = NULL;
  THTensor *res = NULL;
  if (!B2) return NULL;
  int nb2 = B2->ndim;
  int64_t brows = B2->size[nb2 - 2], bcols = B2->size[nb2 - 1];
  if ((left ? brows : bcols) != n) {
    TH_setError("[%s] Incompatible shapes of A and B for the equation %s (%lldx%lld and %lldx%lld)",
                op, left ? "AX = B" : "XA = B", (long long)n, (long long)n, (long long)brows,
                (long long)bcols);
    goto done;
  }
  /* X A = B  <=>  A^T X^T = B^T */
  A1 = left ? THTensor_expand(a, na, a->size) : THTensor_transpose(a, -2, -1);
  B1 = left ? THTensor_expand(B2, nb2, B2->size) : THTensor_transpose(B2, -2, -1);
  if (!A1 || !B1) goto done;
  int nbd;
  int64_t batch[TH_MAX_DIMS];
  if (THTensor_broadcastShape(op, na - 2, a->size, nb2 - 2, B2->size, &nbd, batch) != TH_OK) {
    TH_setError("[%s] the batch dimensions of A %s and B %s cannot be broadcast together", op,
                TH_formatShape(s1, na, a->size), TH_formatShape(s2, b->ndim, b->size));
    goto done;
  }
  THDtype ct = compute_dtype(a->dtype);
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_solve, THTensor_device(a), &k) != TH_OK) goto done;
  /* expand to the common batch, then copy */
  int64_t sa[TH_MAX_DIMS], sb[TH_MAX_DIMS];
  memcpy(sa, batch, sizeof(int64_t) * (size_t)nbd);
  memcpy(sb, batch, sizeof(int64_t) * (size_t)nbd);
  sa[nbd] = n, sa[nbd + 1] = n;
  sb[nbd] = n, sb[nbd + 1] = B1->size[B1->ndim - 1];
  THTensor *ea = THTensor_expand(A1, nbd + 2, sa), *eb = THTensor_expand(B1, nbd + 2, sb);
  if (ea) wa = colmajor_copy(ea, ct, nbd, batch);
  if (eb) wb = colmajor_copy(eb, ct, nbd, batch);
  THTensor_free(ea);
  THTensor_free(eb);
  if (!wa || !wb || !(wa3 = as3d(wa)) || !(wb3 = as3d(wb)) ||
      !(info = int_tensor(TH_I32, THTensor_device(a), wa3->size[0])))
    goto done;
  if (((THLinalgSolveFn)k.fn)(wa3, wb3, info) != TH_OK || check_info(op, info, INFO_SOLVE) != TH_OK)
    goto done;
  res = left ? THTensor_expand(wb, wb->ndim, wb->size) : THTensor_transpose(wb, -2, -1);
  if (res && vec) {
    THTensor *v = THTensor_squeezeDim(res, res->ndim - 1);
    THTensor_free(res);
    res = v;
  }
done:
  THTensor_free(B2);
  THTensor_free(A1);
  THTensor_free(B1);
  THTensor_free(wa);
  THTensor_free(wb);
  THTensor_free(wa3);
  THTensor_free(wb3);
  THTensor_free(info);
  return give(op, out, to_dtype_owned(res, a->dtype));
}

/* ======================================================================= Cholesky, QR */

static THTensor *cholesky_impl(THTensor *out, const THTensor *a, bool upper) {
  const char *op = "linalg.cholesky";
  if (check_square(op, a) != TH_OK || check_out(op, out, a->dtype) != TH_OK) return NULL;
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_cholesky, THTensor_device(a), &k) != TH_OK) return NULL;
  THTensor *w = colmajor_copy(a, compute_dtype(a->dtype), a->ndim - 2, a->size);
  THTensor *w3 = NULL, *info = NULL, *res = NULL;
  if (!w || !(w3 = as3d(w)) || !(info = int_tensor(TH_I32, THTensor_device(a), w3->size[0])))
    goto done;
  if (((THLinalgCholeskyFn)k.fn)(w3, upper, info) != TH_OK ||
      check_info(op, info, INFO_CHOLESKY) != TH_OK)
    goto done;
  res = w;
  w = NULL;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(info);
  return give(op, out, to_dtype_owned(res, a->dtype));
}

static int qr_impl(const THTensor *a, const char *mode, THTensor **q, THTensor **r) {
  const char *op = "linalg.qr";
  *q = *r = NULL;
  if (check_matrix(op, a) != TH_OK) return TH_ERROR;
  if (!mode) mode = "reduced";
  bool complete = strcmp(mode, "complete") == 0, ronly = strcmp(mode, "r") == 0;
  if (!complete && !ronly && strcmp(mode, "reduced") != 0)
    return TH_setError("[%s] qr received unrecognized mode '%s' but expected one of 'reduced' "
                       "(default), 'r', or 'complete'", op, mode);
  int nb = a->ndim - 2;
  int64_t m = a->size[nb], n = a->size[nb + 1], kk = m < n ? m : n;
  int64_t mq = complete ? m : kk;
  THDtype ct = compute_dtype(a->dtype);
  THDevice dev = THTensor_device(a);
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_qr, dev, &k) != TH_OK) return TH_ERROR;
  THTensor *w = colmajor_copy(a, ct, nb, a->size), *w3 = NULL, *Q = NULL, *R = NULL;
  THTensor *q3 = NULL, *r3 = NULL;
  int rc = TH_ERROR;
  if (!w || !(w3 = as3d(w))) goto done;
  if (!(R = colmajor_empty(ct, dev, nb, a->size, mq, n)) || !(r3 = as3d(R))) goto done;
  if (ronly) {
    int64_t zero = 0;
    Q = THTensor_empty(ct, dev, 1, &zero);
  } else if ((Q = colmajor_empty(ct, dev, nb, a->size, m, mq))) {
    q3 = as3d(Q);
  }
  if (!Q || (!ronly && !q3)) goto done;
  if (((THLinalgQrFn)k.fn)(w3, q3, r3) != TH_OK) goto done;
  *q = to_dtype_owned(Q, a->dtype);
  *r = to_dtype_owned(R, a->dtype);
  Q = R = NULL;
  if (!*q || !*r) {
    THTensor_free(*q);
    THTensor_free(*r);
    *q = *r = NULL;
    goto done;
  }
  rc = TH_OK;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(Q);
  THTensor_free(R);
  THTensor_free(q3);
  THTensor_free(r3);
  return rc;
}

/* ======================================================================= SVD, eigh */

/* op: the name errors give (svd computes U and Vh for svdvals when it records) */
static int svd_impl(const char *op, const THTensor *a, bool full_matrices, bool compute_uv,
                    THTensor **u, THTensor **s, THTensor **vh) {
  if (u) *u = NULL;
  if (vh) *vh = NULL;
  *s = NULL;
  if (check_matrix(op, a) != TH_OK) return TH_ERROR;
  int nb = a->ndim - 2;
  int64_t m = a->size[nb], n = a->size[nb + 1], kk = m < n ? m : n;
  THDtype ct = compute_dtype(a->dtype);
  THDevice dev = THTensor_device(a);
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_svd, dev, &k) != TH_OK) return TH_ERROR;
  THTensor *w = colmajor_copy(a, ct, nb, a->size), *w3 = NULL, *U = NULL, *S = NULL, *V = NULL;
  THTensor *u3 = NULL, *v3 = NULL, *s2 = NULL, *info = NULL;
  int rc = TH_ERROR;
  if (!w || !(w3 = as3d(w))) goto done;
  int64_t ss[TH_MAX_DIMS];
  memcpy(ss, a->size, sizeof(int64_t) * (size_t)nb);
  ss[nb] = kk;
  if (!(S = THTensor_empty(ct, dev, nb + 1, ss))) goto done;
  int64_t s2shape[2] = {w3->size[0], kk};
  if (!(s2 = THTensor_view(S, 2, s2shape))) goto done;
  if (compute_uv) {
    if (!(U = colmajor_empty(ct, dev, nb, a->size, m, full_matrices ? m : kk)) || !(u3 = as3d(U)))
      goto done;
    if (!(V = colmajor_empty(ct, dev, nb, a->size, full_matrices ? n : kk, n)) || !(v3 = as3d(V)))
      goto done;
  }
  if (!(info = int_tensor(TH_I32, dev, w3->size[0]))) goto done;
  if (((THLinalgSvdFn)k.fn)(w3, u3, s2, v3, full_matrices, info) != TH_OK ||
      check_info(op, info, INFO_SVD) != TH_OK)
    goto done;
  *s = to_dtype_owned(S, a->dtype);
  S = NULL;
  if (!*s) goto done;
  if (compute_uv) {
    *u = to_dtype_owned(U, a->dtype);
    *vh = to_dtype_owned(V, a->dtype);
    U = V = NULL;
    if (!*u || !*vh) {
      THTensor_free(*u);
      THTensor_free(*vh);
      THTensor_free(*s);
      *u = *vh = *s = NULL;
      goto done;
    }
  }
  rc = TH_OK;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(U);
  THTensor_free(S);
  THTensor_free(V);
  THTensor_free(u3);
  THTensor_free(v3);
  THTensor_free(s2);
  THTensor_free(info);
  return rc;
}

static int eigh_impl(const char *op, const THTensor *a, bool upper, THTensor **w_out,
                     THTensor **v_out) {
  *w_out = NULL;
  if (v_out) *v_out = NULL;
  if (check_square(op, a) != TH_OK) return TH_ERROR;
  int nb = a->ndim - 2;
  int64_t n = a->size[nb];
  THDtype ct = compute_dtype(a->dtype);
  THDevice dev = THTensor_device(a);
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_eigh, dev, &k) != TH_OK) return TH_ERROR;
  THTensor *w = colmajor_copy(a, ct, nb, a->size), *w3 = NULL, *W = NULL, *W2 = NULL, *info = NULL;
  int rc = TH_ERROR;
  if (!w || !(w3 = as3d(w))) goto done;
  int64_t ws[TH_MAX_DIMS];
  memcpy(ws, a->size, sizeof(int64_t) * (size_t)nb);
  ws[nb] = n;
  int64_t w2s[2] = {w3->size[0], n};
  if (!(W = THTensor_empty(ct, dev, nb + 1, ws)) || !(W2 = THTensor_view(W, 2, w2s)) ||
      !(info = int_tensor(TH_I32, dev, w3->size[0])))
    goto done;
  if (((THLinalgEighFn)k.fn)(w3, W2, upper, v_out != NULL, info) != TH_OK ||
      check_info(op, info, INFO_EIGH) != TH_OK)
    goto done;
  *w_out = to_dtype_owned(W, a->dtype);
  W = NULL;
  if (!*w_out) goto done;
  if (v_out) {
    *v_out = to_dtype_owned(w, a->dtype);
    w = NULL;
    if (!*v_out) {
      THTensor_free(*w_out);
      *w_out = NULL;
      goto done;
    }
  }
  rc = TH_OK;
done:
  THTensor_free(w);
  THTensor_free(w3);
  THTensor_free(W);
  THTensor_free(W2);
  THTensor_free(info);
  return rc;
}

/* ======================================================================= least squares */

static int lstsq_impl(const THTensor *a, const THTensor *b, double rcond, const char *driver,
                      THTensor **solution, THTensor **residuals, THTensor **rank,
                      THTensor **sv) {
  const char *op = "linalg.lstsq";
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  *solution = *residuals = *rank = *sv = NULL;
  if (check_matrix(op, a) != TH_OK || check_floating(op, b) != TH_OK ||
      check_pair(op, a, b) != TH_OK)
    return TH_ERROR;
  /* no driver: gelsy on the CPU, gels on CUDA (PyTorch's defaults) */
  THLstsqDriver drv;
  if (!driver && THTensor_device(a).type != TH_DEVICE_CPU) drv = TH_LSTSQ_GELS;
  else if (!driver || strcmp(driver, "gelsy") == 0) drv = TH_LSTSQ_GELSY;
  else if (strcmp(driver, "gels") == 0) drv = TH_LSTSQ_GELS;
  else if (strcmp(driver, "gelsd") == 0) drv = TH_LSTSQ_GELSD;
  else if (strcmp(driver, "gelss") == 0) drv = TH_LSTSQ_GELSS;
  else
    return TH_setError("[%s] parameter `driver` should be one of (gels, gelsy, gelsd, gelss), "
                       "got '%s'", op, driver);
  int na = a->ndim;
  if (b->ndim < 1 || b->ndim > na || na - b->ndim > 1)
    return TH_setError("[%s] B must have as many dimensions as A, or one less (a vector right "
                       "side), got shapes %s and %s", op, TH_formatShape(s1, na, a->size),
                       TH_formatShape(s2, b->ndim, b->size));
  bool vec = b->ndim == na - 1;
  int64_t m = a->size[na - 2], n = a->size[na - 1];
  int64_t bm = vec ? b->size[b->ndim - 1] : b->size[b->ndim - 2];
  if (bm != m)
    return TH_setError("[%s] A and B must have the same number of rows, got shapes %s and %s", op,
                       TH_formatShape(s1, na, a->size), TH_formatShape(s2, b->ndim, b->size));
  THTensor *B2 = vec ? THTensor_unsqueeze(b, b->ndim) : THTensor_expand(b, b->ndim, b->size);
  if (!B2) return TH_ERROR;
  int nbd;
  int64_t batch[TH_MAX_DIMS];
  if (THTensor_broadcastShape(op, na - 2, a->size, B2->ndim - 2, B2->size, &nbd, batch) != TH_OK) {
    THTensor_free(B2);
    return TH_setError("[%s] the batch dimensions of A %s and B %s cannot be broadcast together",
                       op, TH_formatShape(s1, na, a->size), TH_formatShape(s2, b->ndim, b->size));
  }
  int64_t nrhs = B2->size[B2->ndim - 1], ldb = m > n ? m : n, kk = m < n ? m : n;
  THDtype ct = compute_dtype(a->dtype);
  THDevice dev = THTensor_device(a);
  if (rcond < 0) rcond = (ct == TH_F64 ? DBL_EPSILON : FLT_EPSILON) * (double)(m > n ? m : n);
  THTensor *wa = NULL, *wb = NULL, *wa3 = NULL, *wb3 = NULL, *info = NULL, *ea = NULL, *eb = NULL;
  THTensor *top = NULL, *R = NULL, *S = NULL, *sol = NULL, *res = NULL;
  int rc = TH_ERROR;
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_lstsq, dev, &k) != TH_OK) goto done;
  int64_t sa[TH_MAX_DIMS], sb[TH_MAX_DIMS];
  memcpy(sa, batch, sizeof(int64_t) * (size_t)nbd);
  memcpy(sb, batch, sizeof(int64_t) * (size_t)nbd);
  sa[nbd] = m, sa[nbd + 1] = n;
  sb[nbd] = m, sb[nbd + 1] = nrhs;
  if (!(ea = THTensor_expand(a, nbd + 2, sa)) || !(eb = THTensor_expand(B2, nbd + 2, sb))) goto done;
  if (!(wa = colmajor_copy(ea, ct, nbd, batch)) || !(wa3 = as3d(wa))) goto done;
  /* b's work matrix has max(m, n) rows: b goes into the first m */
  if (!(wb = colmajor_empty(ct, dev, nbd, batch, ldb, nrhs)) || !(wb3 = as3d(wb))) goto done;
  if (THTensor_fill(wb, 0) != TH_OK || !(top = THTensor_narrow(wb, nbd, 0, m)) ||
      THTensor_copy(top, eb) != TH_OK)
    goto done;
  int64_t B = wa3->size[0];
  if (!(info = int_tensor(TH_I32, dev, B))) goto done;
  if (drv != TH_LSTSQ_GELS && !(R = THTensor_empty(TH_I64, dev, nbd, batch))) goto done;
  if (drv == TH_LSTSQ_GELSD || drv == TH_LSTSQ_GELSS) {
    int64_t ss[TH_MAX_DIMS];
    memcpy(ss, batch, sizeof(int64_t) * (size_t)nbd);
    ss[nbd] = kk;
    if (!(S = THTensor_empty(ct, dev, nbd + 1, ss))) goto done;
  }
  THTensor *R1 = NULL, *S2 = NULL;
  if (R) R1 = THTensor_view(R, 1, &B);
  if (S) {
    int64_t s2s[2] = {B, kk};
    S2 = THTensor_view(S, 2, s2s);
  }
  int krc = ((R && !R1) || (S && !S2))
                ? TH_ERROR
                : ((THLinalgLstsqFn)k.fn)(wa3, wb3, rcond, drv, R1, S2, info);
  THTensor_free(R1);
  THTensor_free(S2);
  if (krc != TH_OK ||
      check_info(op, info, drv == TH_LSTSQ_GELS ? INFO_LSTSQ : INFO_SVD) != TH_OK)
    goto done;
  /* the solution: the first n rows */
  if (!(sol = THTensor_narrow(wb, nbd, 0, n))) goto done;
  /* residuals: rows n.. of b, when m > n, the driver leaves them there, and A has full rank */
  bool want_res = m > n && drv != TH_LSTSQ_GELSY;
  if (want_res && R) {
    THTensor *hr = on_host(R);
    if (!hr) goto done;
    const int64_t *rk = THTensor_data(hr);
    for (int64_t i = 0; i < B && want_res; i++) want_res = rk[i] == n;
    THTensor_free(hr);
  }
  if (want_res) {
    THTensor *tail = THTensor_narrow(wb, nbd, n, m - n);
    int dim = nbd;
    THTensor *nrm = tail ? THLinalg_vectorNorm(NULL, tail, 2, 1, &dim, false, -1) : NULL;
    THTensor_free(tail);
    if (!nrm) goto done;
    res = THTensor_mul(NULL, THArg_tensor(nrm), THArg_tensor(nrm));
    THTensor_free(nrm);
  } else {
    int64_t zero = 0;
    res = THTensor_empty(ct, dev, 1, &zero);
  }
  if (!res) goto done;
  if (vec) {
    THTensor *v = THTensor_squeezeDim(sol, sol->ndim - 1);
    THTensor_free(sol);
    sol = v;
    if (!sol) goto done;
  }
  if (!R) {
    int64_t zero = 0;
    if (!(R = THTensor_empty(TH_I64, dev, 1, &zero))) goto done;
  }
  if (!S) {
    int64_t zero = 0;
    if (!(S = THTensor_empty(ct, dev, 1, &zero))) goto done;
  }
  *solution = to_dtype_owned(sol, a->dtype);
  *residuals = to_dtype_owned(res, a->dtype);
  *sv = to_dtype_owned(S, a->dtype);
  *rank = R;
  sol = res = S = R = NULL;
  if (!*solution || !*residuals || !*sv) {
    THTensor_free(*solution);
    THTensor_free(*residuals);
    THTensor_free(*sv);
    THTensor_free(*rank);
    *solution = *residuals = *sv = *rank = NULL;
    goto done;
  }
  rc = TH_OK;
done:
  THTensor_free(B2);
  THTensor_free(ea);
  THTensor_free(eb);
  THTensor_free(wa);
  THTensor_free(wb);
  THTensor_free(wa3);
  THTensor_free(wb3);
  THTensor_free(top);
  THTensor_free(info);
  THTensor_free(R);
  THTensor_free(S);
  THTensor_free(sol);
  THTensor_free(res);
  return rc;
}

/* ======================================================================= norms */

static void format_ord(char *buf, size_t n, double ord) {
  if (isinf(ord)) snprintf(buf, n, ord > 0 ? "inf" : "-inf");
  else snprintf(buf, n, "%g", ord);
}

static THTensor *vector_norm_impl(THTensor *out, const THTensor *x, double ord, int ndims,
                                  const int *dims, bool keepdim, int dtype) {
  const char *op = "linalg.vector_norm";
  if (check_floating(op, x) != TH_OK) return NULL;
  THDtype rt = x->dtype;
  if (dtype >= 0) {
    if (!THDtype_isFloating((THDtype)dtype) || (int)THDtype_promote(x->dtype, (THDtype)dtype) != dtype)
      return TH_setError("[%s] the dtype of the input (%s) should be convertible without "
                         "narrowing to the specified dtype (%s)", op, THDtype_name(x->dtype),
                         THDtype_name((THDtype)dtype)), NULL;
    rt = (THDtype)dtype;
  }
  if (check_out(op, out, rt) != TH_OK) return NULL;
  if (isnan(ord)) return TH_setError("[%s] ord must not be nan", op), NULL;
  int nd = x->ndim;
  bool red[TH_MAX_DIMS] = {0};
  if (ndims == 0) {
    for (int d = 0; d < nd; d++) red[d] = true;
  } else {
    for (int i = 0; i < ndims; i++) {
      int d;
      if (THTensor_wrapDim(op, dims[i], nd, &d) != TH_OK) return NULL;
      if (nd == 0) continue;
      if (red[d])
        return TH_setError("[%s] dim %d appears multiple times in the list of dims", op, d + 1),
               NULL;
      red[d] = true;
    }
  }
  /* kept dims first, reduced dims last */
  int perm[TH_MAX_DIMS], np = 0;
  int64_t R = 1, K = 1, oshape[TH_MAX_DIMS];
  int ond = 0;
  for (int d = 0; d < nd; d++)
    if (!red[d]) {
      perm[np++] = d;
      R *= x->size[d];
    }
  for (int d = 0; d < nd; d++)
    if (red[d]) {
      perm[np++] = d;
      K *= x->size[d];
    }
  for (int d = 0; d < nd; d++) {
    if (!red[d]) oshape[ond++] = x->size[d];
    else if (keepdim) oshape[ond++] = 1;
  }
  if (K == 0 && (ord < 0 || isinf(ord))) {
    char o[32];
    format_ord(o, sizeof o, ord);
    return TH_setError("[%s] cannot compute the %s norm on an empty tensor because the "
                       "operation does not have an identity", op, o), NULL;
  }
  THDtype ct = compute_dtype(rt);
  THDevice dev = THTensor_device(x);
  THKernel k;
  if (THDispatch_get(TH_OP_linalg_vector_norm, dev, &k) != TH_OK) return NULL;
  THTensor *p = THTensor_permute(x, perm), *c = NULL, *c2 = NULL, *r = NULL, *rv = NULL;
  int64_t s2[2] = {R, K};
  if (!p) goto done;
  /* the kernel reads any (R, K) strides: copy only when the dims do not merge or the dtype
   * differs */
  if (p->dtype == ct && !(c2 = THTensor_view(p, 2, s2))) TH_setError("%s", "");
  if (!c2 && (!(c = THTensor_toDtype(p, ct)) || !(c2 = THTensor_view(c, 2, s2)))) goto done;
  if (!(r = THTensor_empty(ct, dev, 1, &R))) goto done;
  if (R > 0 && ((THLinalgVectorNormFn)k.fn)(r, c2, ord) != TH_OK) goto done;
  rv = THTensor_view(r, ond, oshape);
done:
  THTensor_free(p);
  THTensor_free(c);
  THTensor_free(c2);
  THTensor_free(r);
  return give(op, out, to_dtype_owned(rv, rt));
}

/* Norms over the last dim of the singular values of x's (d0, d1) matrices. */
static THTensor *sv_norm(const THTensor *x, int d0, int d1, double ord, bool keepdim) {
  int nd = x->ndim, perm[TH_MAX_DIMS], np = 0;
  for (int d = 0; d < nd; d++)
    if (d != d0 && d != d1) perm[np++] = d;
  perm[np++] = d0;
  perm[np++] = d1;
  THTensor *p = THAutograd_permute(x, perm), *s = NULL, *r = NULL;
  if (!p || THLinalg_svd(p, false, false, NULL, &s, NULL) != TH_OK) goto done;
  int last = s->ndim - 1;
  r = THLinalg_vectorNorm(NULL, s, ord, 1, &last, false, -1);
  if (r && keepdim) { /* put size-1 dims back at d0 and d1 */
    int lo = d0 < d1 ? d0 : d1, hi = d0 < d1 ? d1 : d0;
    THTensor *a = THAutograd_unsqueeze(r, lo), *b = a ? THAutograd_unsqueeze(a, hi) : NULL;
    THTensor_free(a);
    THTensor_free(r);
    r = b;
  }
done:
  THTensor_free(p);
  THTensor_free(s);
  return r;
}

THTensor *THLinalg_matrixNorm(THTensor *out, const THTensor *x, const char *ord, double nord,
                              int dim0, int dim1, bool keepdim, int dtype) {
  const char *op = "linalg.matrix_norm";
  if (x->ndim < 2)
    return TH_setError("[%s] The input tensor A must have at least 2 dimensions.", op), NULL;
  if (check_floating(op, x) != TH_OK) return NULL;
  int d0, d1;
  if (THTensor_wrapDim(op, dim0, x->ndim, &d0) != TH_OK ||
      THTensor_wrapDim(op, dim1, x->ndim, &d1) != TH_OK)
    return NULL;
  if (d0 == d1)
    return TH_setError("[%s] dims must be different. Got (%d, %d)", op, d0 + 1, d1 + 1), NULL;
  bool fro = ord && strcmp(ord, "fro") == 0, nuc = ord && strcmp(ord, "nuc") == 0;
  if (ord && !fro && !nuc)
    return TH_setError("[%s] Order %s not supported.", op, ord), NULL;
  if (!ord && !(fabs(nord) == 1 || fabs(nord) == 2 || isinf(nord))) {
    char o[32];
    format_ord(o, sizeof o, nord);
    return TH_setError("[%s] Order %s not supported.", op, o), NULL;
  }
  THDtype rt = x->dtype;
  THTensor *xc = NULL, *r = NULL;
  if (dtype >= 0) {
    if (!THDtype_isFloating((THDtype)dtype) || (int)THDtype_promote(x->dtype, (THDtype)dtype) != dtype)
      return TH_setError("[%s] the dtype of the input (%s) should be convertible without "
                         "narrowing to the specified dtype (%s)", op, THDtype_name(x->dtype),
                         THDtype_name((THDtype)dtype)), NULL;
    rt = (THDtype)dtype;
  }
  if (check_out(op, out, rt) != TH_OK) return NULL;
  if (out && THAutograd_wanted(1, &x) && THAutograd_checkOut(op, out) != TH_OK) return NULL;
  if (!(xc = THTensor_to(x, rt))) return NULL;
  int dims[2] = {d0, d1};
  if (fro) {
    r = THLinalg_vectorNorm(NULL, xc, 2, 2, dims, keepdim, -1);
  } else if (nuc) {
    r = sv_norm(xc, d0, d1, 1, keepdim);
  } else if (fabs(nord) == 2) {
    r = sv_norm(xc, d0, d1, nord > 0 ? INFINITY : -INFINITY, keepdim);
  } else {
    /* 1: max over columns of the column sums of |x|; inf: the same over rows */
    int sum_dim = isinf(nord) ? d1 : d0, ext_dim = isinf(nord) ? d0 : d1;
    double ext = nord > 0 ? INFINITY : -INFINITY;
    THTensor *s = THLinalg_vectorNorm(NULL, xc, 1, 1, &sum_dim, true, -1);
    THTensor *e = s ? THLinalg_vectorNorm(NULL, s, ext, 1, &ext_dim, true, -1) : NULL;
    THTensor_free(s);
    if (e && !keepdim) {
      bool drop[TH_MAX_DIMS] = {0};
      drop[d0] = drop[d1] = true;
      r = drop_dims(e, drop);
      THTensor_free(e);
    } else {
      r = e;
    }
  }
  THTensor_free(xc);
  return give(op, out, r);
}

/* ======================================================================= recorded entry points */
/* Each op records its node (LinalgInvExBackward0, LinalgSvdBackward0, ...; formulas in
 * autograd/THDerivLinalg.c) when its input requires grad.  svdvals and eigvalsh compute the
 * vectors too when they record, as PyTorch does: the node keeps them for the formula.
 * slogdet records both outputs (the sign's gradient is zero); lstsq records the solution only.
 * matrix_norm above is a composition of recorded ops. */

THTensor *THLinalg_inv(THTensor *out, const THTensor *a) {
  THLinalgRec g;
  if (THLinalgRec_begin(&g, "linalg.inv", 1, &a, out, NULL) != TH_OK) return NULL;
  return THLinalgRec_end1(&g, inv_impl(out, a), TH_OP_linalg_inv, 1, &a, NULL);
}

THTensor *THLinalg_det(THTensor *out, const THTensor *a) {
  THLinalgRec g;
  if (THLinalgRec_begin(&g, "linalg.det", 1, &a, out, NULL) != TH_OK) return NULL;
  return THLinalgRec_end1(&g, det_impl(out, a), TH_OP_linalg_det, 1, &a, NULL);
}

int THLinalg_slogdet(const THTensor *a, THTensor **sign, THTensor **logabsdet) {
  THLinalgRec g;
  *sign = *logabsdet = NULL;
  if (THLinalgRec_begin(&g, "linalg.slogdet", 1, &a, NULL, NULL) != TH_OK) return TH_ERROR;
  if (slogdet_impl(a, sign, logabsdet) != TH_OK) {
    THLinalgRec_restore(&g);
    return TH_ERROR;
  }
  THTensor *outs[2] = {*sign, *logabsdet};
  if (THLinalgRec_record(&g, TH_OP_linalg_slogdet, 1, &a, 2, outs, NULL) != TH_OK) {
    THTensor_free(*sign);
    THTensor_free(*logabsdet);
    *sign = *logabsdet = NULL;
    return TH_ERROR;
  }
  return TH_OK;
}

THTensor *THLinalg_solve(THTensor *out, const THTensor *a, const THTensor *b, bool left) {
  const THTensor *in[2] = {a, b};
  THLinalgRec g;
  if (THLinalgRec_begin(&g, "linalg.solve", 2, in, out, NULL) != TH_OK) return NULL;
  THTensor *r = solve_impl(out, a, b, left);
  /* the vector rule of solve_impl */
  bool vec = r && (b->ndim == 1 ||
                   (b->ndim == a->ndim - 1 &&
                    memcmp(b->size, a->size, sizeof(int64_t) * (size_t)b->ndim) == 0));
  int64_t ints[2] = {left, vec};
  THRecordArgs ra = {.ints = ints, .nints = 2};
  return THLinalgRec_end1(&g, r, TH_OP_linalg_solve, 2, in, &ra);
}

THTensor *THLinalg_cholesky(THTensor *out, const THTensor *a, bool upper) {
  THLinalgRec g;
  if (THLinalgRec_begin(&g, "linalg.cholesky", 1, &a, out, NULL) != TH_OK) return NULL;
  int64_t ints[1] = {upper};
  THRecordArgs ra = {.ints = ints, .nints = 1};
  return THLinalgRec_end1(&g, cholesky_impl(out, a, upper), TH_OP_linalg_cholesky, 1, &a, &ra);
}

/* Records a decomposition's outputs; on failure frees them (NULLs them) and returns TH_ERROR. */
static int record_outputs(THLinalgRec *g, THOp op, int nin, const THTensor *const *in, int nout,
                          THTensor **outs, const THRecordArgs *ra) {
  if (THLinalgRec_record(g, op, nin, in, nout, outs, ra) == TH_OK) return TH_OK;
  for (int i = 0; i < nout; i++) {
    THTensor_free(outs[i]);
    outs[i] = NULL;
  }
  return TH_ERROR;
}

int THLinalg_qr(const THTensor *a, const char *mode, THTensor **q, THTensor **r) {
  THLinalgRec g;
  *q = *r = NULL;
  if (THLinalgRec_begin(&g, "linalg.qr", 1, &a, NULL, NULL) != TH_OK) return TH_ERROR;
  if (qr_impl(a, mode, q, r) != TH_OK) {
    THLinalgRec_restore(&g);
    return TH_ERROR;
  }
  int64_t ints[1] = {!mode || strcmp(mode, "reduced") == 0 ? 0
                     : strcmp(mode, "complete") == 0      ? 1
                                                          : 2};
  THRecordArgs ra = {.ints = ints, .nints = 1};
  THTensor *outs[2] = {*q, *r};
  int rc = record_outputs(&g, TH_OP_linalg_qr, 1, &a, 2, outs, &ra);
  *q = outs[0], *r = outs[1];
  return rc;
}

int THLinalg_svd(const THTensor *a, bool full_matrices, bool compute_uv, THTensor **u,
                 THTensor **s, THTensor **vh) {
  const char *op = compute_uv ? "linalg.svd" : "linalg.svdvals";
  THLinalgRec g;
  if (u) *u = NULL;
  if (vh) *vh = NULL;
  *s = NULL;
  if (THLinalgRec_begin(&g, op, 1, &a, NULL, NULL) != TH_OK) return TH_ERROR;
  if (!g.rec) return svd_impl(op, a, full_matrices, compute_uv, u, s, vh);
  bool full = compute_uv && full_matrices;
  THTensor *outs[3] = {NULL, NULL, NULL};
  if (svd_impl(op, a, full, true, &outs[0], &outs[1], &outs[2]) != TH_OK) {
    THLinalgRec_restore(&g);
    return TH_ERROR;
  }
  int64_t ints[1] = {full};
  THRecordArgs ra = {.ints = ints, .nints = 1};
  if (record_outputs(&g, TH_OP_linalg_svd, 1, &a, 3, outs, &ra) != TH_OK) return TH_ERROR;
  *s = outs[1];
  if (compute_uv) {
    *u = outs[0];
    *vh = outs[2];
  } else {
    THTensor_free(outs[0]);
    THTensor_free(outs[2]);
  }
  return TH_OK;
}

int THLinalg_eigh(const THTensor *a, bool upper, THTensor **w_out, THTensor **v_out) {
  const char *op = v_out ? "linalg.eigh" : "linalg.eigvalsh";
  THLinalgRec g;
  *w_out = NULL;
  if (v_out) *v_out = NULL;
  if (THLinalgRec_begin(&g, op, 1, &a, NULL, NULL) != TH_OK) return TH_ERROR;
  if (!g.rec) return eigh_impl(op, a, upper, w_out, v_out);
  THTensor *outs[2] = {NULL, NULL};
  if (eigh_impl(op, a, upper, &outs[0], &outs[1]) != TH_OK) {
    THLinalgRec_restore(&g);
    return TH_ERROR;
  }
  if (record_outputs(&g, TH_OP_linalg_eigh, 1, &a, 2, outs, NULL) != TH_OK) return TH_ERROR;
  *w_out = outs[0];
  if (v_out) *v_out = outs[1];
  else THTensor_free(outs[1]);
  return TH_OK;
}

int THLinalg_lstsq(const THTensor *a, const THTensor *b, double rcond, const char *driver,
                   THTensor **solution, THTensor **residuals, THTensor **rank, THTensor **sv) {
  const THTensor *in[2] = {a, b};
  THLinalgRec g;
  *solution = *residuals = *rank = *sv = NULL;
  if (THLinalgRec_begin(&g, "linalg.lstsq", 2, in, NULL, NULL) != TH_OK) return TH_ERROR;
  if (lstsq_impl(a, b, rcond, driver, solution, residuals, rank, sv) != TH_OK) {
    THLinalgRec_restore(&g);
    return TH_ERROR;
  }
  int64_t ints[1] = {b->ndim == a->ndim - 1};
  THRecordArgs ra = {.ints = ints, .nints = 1};
  if (THLinalgRec_record(&g, TH_OP_linalg_lstsq, 2, in, 1, solution, &ra) == TH_OK) return TH_OK;
  THTensor *all[4] = {*solution, *residuals, *rank, *sv};
  for (int i = 0; i < 4; i++) THTensor_free(all[i]);
  *solution = *residuals = *rank = *sv = NULL;
  return TH_ERROR;
}

THTensor *THLinalg_vectorNorm(THTensor *out, const THTensor *x, double ord, int ndims,
                              const int *dims, bool keepdim, int dtype) {
  THLinalgRec g;
  if (THLinalgRec_begin(&g, "linalg.vector_norm", 1, &x, out, NULL) != TH_OK) return NULL;
  THTensor *r = vector_norm_impl(out, x, ord, ndims, dims, keepdim, dtype);
  int64_t mask = ndims == 0 ? ((int64_t)1 << x->ndim) - 1 : 0;
  for (int i = 0; i < ndims && x->ndim > 0; i++)
    mask |= (int64_t)1 << (dims[i] < 0 ? dims[i] + x->ndim : dims[i]);
  int64_t ints[2] = {keepdim, mask};
  THOpParams prm = TH_OPPARAMS_DEFAULT;
  prm.alpha.kind = TH_KIND_FLOAT;
  prm.alpha.f = ord;
  THRecordArgs ra = {.params = &prm, .ints = ints, .nints = 2};
  return THLinalgRec_end1(&g, r, TH_OP_linalg_vector_norm, 1, &x, &ra);
}
