/* THMatmul.c: the device-independent half of the matrix products (mm, bmm, matmul, mv, dot,
 * vdot, outer, addmm, addmv, baddbmm, addbmm): argument checks with both shapes in the
 * message, batch broadcasting, the output (new, out= or in place), then one call to the
 * GEMM kernel registered for the op (THLinalgGemmFn, see THLinalg.h).
 *
 * The kernel receives views, never copies: a 1-D operand becomes a 1 x k or k x 1 view, a
 * broadcast batch is an expanded (stride 0) view, and a batch of matrices times one matrix
 * is folded into one tall product when the batch dims allow it (as PyTorch does).
 */
#include <stdio.h>
#include <string.h>
#include "THLinalg.h"
#include "autograd/THAutogradViews.h"
#include "autograd/THDerivLinalg.h"

/* ======================================================================= checks */

static const char *dev_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

static int check_operands(const char *op, int n, const THTensor *const *t) {
  char b1[32], b2[32];
  for (int i = 1; i < n; i++) {
    if (!THDevice_equal(THTensor_device(t[0]), THTensor_device(t[i])))
      return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                         "two devices, %s and %s", op, dev_name(THTensor_device(t[0]), b1),
                         dev_name(THTensor_device(t[i]), b2));
    if (t[i]->dtype != t[0]->dtype)
      return TH_setError("[%s] expected operands of the same dtype, but got %s and %s", op,
                         THDtype_name(t[0]->dtype), THDtype_name(t[i]->dtype));
  }
  if (t[0]->dtype == TH_BOOL)
    return TH_setError("[%s] not implemented for dtype bool", op);
  return TH_OK;
}

static int size_mismatch(const char *op, const THTensor *a, const THTensor *b, const char *sep) {
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  return TH_setError("[%s] size mismatch: %s %s %s", op, TH_formatShape(s1, a->ndim, a->size),
                     sep, TH_formatShape(s2, b->ndim, b->size));
}

static int check_ndims(const char *op, const THTensor *a, int na, const THTensor *b, int nb,
                       const char *what) {
  if (a->ndim == na && b->ndim == nb) return TH_OK;
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  return TH_setError("[%s] expected %s, but got shapes %s and %s", op, what,
                     TH_formatShape(s1, a->ndim, a->size), TH_formatShape(s2, b->ndim, b->size));
}

static bool has_overlap(const THTensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1) return true;
  return false;
}

static bool shares(const THTensor *x, const THTensor *y) { return y && x->storage == y->storage; }

static bool is_zero(THScalar s) { return s.kind == TH_KIND_FLOAT ? s.f == 0 : s.i == 0; }

/* self must broadcast to shape (PyTorch's expand rule: trailing dims equal or 1). */
static int check_self(const char *op, const THTensor *self, const THTensor *ref, int nd,
                      const int64_t *shape, bool inplace) {
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  THDtype dt = ref->dtype;
  if (self->dtype != dt)
    return TH_setError("[%s] expected self to have the dtype of the matrices, %s, but got %s", op,
                       THDtype_name(dt), THDtype_name(self->dtype));
  if (!THDevice_equal(THTensor_device(self), THTensor_device(ref))) {
    char b1[32], b2[32];
    return TH_setError("[%s] expected all tensors to be on the same device, but found at least "
                       "two devices, %s and %s", op, dev_name(THTensor_device(ref), b1),
                       dev_name(THTensor_device(self), b2));
  }
  bool same = self->ndim == nd && memcmp(self->size, shape, sizeof(int64_t) * (size_t)nd) == 0;
  if (inplace && !same)
    return TH_setError("[%s] bad in-place call: self of shape %s doesn't match the result shape %s",
                       op, TH_formatShape(s1, self->ndim, self->size), TH_formatShape(s2, nd, shape));
  bool ok = self->ndim <= nd;
  for (int i = 0; ok && i < self->ndim; i++) {
    int64_t s = self->size[self->ndim - 1 - i], t = shape[nd - 1 - i];
    ok = s == t || s == 1;
  }
  if (!ok)
    return TH_setError("[%s] self of shape %s cannot be broadcast to the result shape %s", op,
                       TH_formatShape(s1, self->ndim, self->size), TH_formatShape(s2, nd, shape));
  return TH_OK;
}

/* ======================================================================= the common path */

typedef struct {
  const char *name;
  THOp op;
  THTensor *dest;       /* out= or, in place, self; may be NULL */
  bool inplace;
  const THTensor *self; /* added input (addmm & co.), NULL for plain products */
  THScalar alpha, beta;
  int nd;               /* result shape */
  int64_t shape[TH_MAX_DIMS];
  int knd;              /* the kernel's view of the result */
  int64_t kshape[TH_MAX_DIMS];
} Product;

/* The kernel's view of the result t (t itself, retained, when the shapes agree). */
static THTensor *kernel_view(THTensor *t, const Product *p) {
  if (p->knd == p->nd && memcmp(p->kshape, p->shape, sizeof(int64_t) * (size_t)p->nd) == 0) {
    THTensor_retain(t);
    return t;
  }
  return THTensor_view(t, p->knd, p->kshape);
}

/* Writes through the kernel into dest when dest has the result's dtype and shape and shares
 * no memory with the operands; otherwise into a new tensor, copied into dest at the end. */
static THTensor *run_product(Product *p, const THTensor *ka, const THTensor *kb,
                             const THTensor *a, const THTensor *b) {
  THDtype dt = a->dtype;
  THDevice dev = THTensor_device(a);
  THTensor *dest = p->dest, *target = NULL, *kc = NULL;
  if (dest && !p->inplace) {
    if (dest->dtype != dt)
      return TH_setError("[%s] expected out to have dtype %s, but got %s", p->name,
                         THDtype_name(dt), THDtype_name(dest->dtype)), NULL;
    if (!THDevice_equal(THTensor_device(dest), dev)) {
      char b1[32], b2[32];
      return TH_setError("[%s] expected out on the operands' device, %s, but it is on %s", p->name,
                         dev_name(dev, b1), dev_name(THTensor_device(dest), b2)), NULL;
    }
  }
  if (dest && has_overlap(dest) && THTensor_numel(dest) > 1)
    return TH_setError("[%s] unsupported operation: more than one element of the written-to "
                       "tensor refers to a single memory location; clone() the tensor first",
                       p->name), NULL;
  THKernel k;
  if (THDispatch_get(p->op, dev, &k) != TH_OK) return NULL;

  if (dest && dest->ndim == p->nd &&
      memcmp(dest->size, p->shape, sizeof(int64_t) * (size_t)p->nd) == 0 && !shares(dest, a) &&
      !shares(dest, b) && (p->inplace || !shares(dest, p->self))) {
    kc = kernel_view(dest, p);
    if (kc) {
      target = dest;
      THTensor_retain(target);
    }
  }
  if (!target) {
    target = THTensor_empty(dt, dev, p->nd, p->shape);
    if (!target) return NULL;
    kc = kernel_view(target, p);
    if (!kc) goto fail;
  }
  bool use_beta = p->self && !is_zero(p->beta);
  if (use_beta && target != p->self && THTensor_copy(target, p->self) != TH_OK) goto fail;
  THScalar beta = use_beta ? p->beta : (THScalar){TH_KIND_INT, 0, 0};
  if (((THLinalgGemmFn)k.fn)(kc, ka, kb, p->alpha, beta) != TH_OK) goto fail;
  THTensor_free(kc);
  kc = NULL;
  if (dest && target != dest) {
    if (!p->inplace && (dest->ndim != p->nd ||
                        memcmp(dest->size, p->shape, sizeof(int64_t) * (size_t)p->nd) != 0) &&
        THTensor_resize(dest, p->nd, p->shape) != TH_OK)
      goto fail;
    if (THTensor_copy(dest, target) != TH_OK) goto fail;
    THTensor_free(target);
    THTensor_retain(dest);
    return dest;
  }
  if (dest) THTensor_bumpVersion(dest);
  return target;
fail:
  THTensor_free(kc);
  THTensor_free(target);
  return NULL;
}

static void set_shape(Product *p, int nd, const int64_t *shape, int knd, const int64_t *kshape) {
  p->nd = nd;
  if (nd) memcpy(p->shape, shape, sizeof(int64_t) * (size_t)nd);
  p->knd = knd;
  memcpy(p->kshape, kshape, sizeof(int64_t) * (size_t)knd);
}

static Product product_of(const char *name, THOp op, THTensor *out) {
  Product p;
  memset(&p, 0, sizeof p);
  p.name = name;
  p.op = op;
  p.dest = out;
  p.alpha = (THScalar){TH_KIND_INT, 1, 1};
  p.beta = (THScalar){TH_KIND_INT, 0, 0};
  return p;
}

/* ======================================================================= plain products */

static THTensor *mm_impl(THTensor *out, const THTensor *a, const THTensor *b) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims("mm", a, 2, b, 2, "2-D matrices") != TH_OK ||
      check_operands("mm", 2, ops) != TH_OK)
    return NULL;
  if (a->size[1] != b->size[0]) return size_mismatch("mm", a, b, "@"), NULL;
  Product p = product_of("mm", TH_OP_mm, out);
  int64_t shape[2] = {a->size[0], b->size[1]};
  set_shape(&p, 2, shape, 2, shape);
  return run_product(&p, a, b, a, b);
}

static THTensor *bmm_impl(THTensor *out, const THTensor *a, const THTensor *b) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims("bmm", a, 3, b, 3, "3-D batches of matrices") != TH_OK ||
      check_operands("bmm", 2, ops) != TH_OK)
    return NULL;
  if (a->size[0] != b->size[0] || a->size[2] != b->size[1])
    return size_mismatch("bmm", a, b, "@"), NULL;
  Product p = product_of("bmm", TH_OP_bmm, out);
  int64_t shape[3] = {a->size[0], a->size[1], b->size[2]};
  set_shape(&p, 3, shape, 3, shape);
  return run_product(&p, a, b, a, b);
}

static THTensor *mv_impl(THTensor *out, const THTensor *a, const THTensor *v) {
  const THTensor *ops[2] = {a, v};
  if (check_ndims("mv", a, 2, v, 1, "a 2-D matrix and a 1-D vector") != TH_OK ||
      check_operands("mv", 2, ops) != TH_OK)
    return NULL;
  if (a->size[1] != v->size[0]) return size_mismatch("mv", a, v, "@"), NULL;
  Product p = product_of("mv", TH_OP_mv, out);
  int64_t shape[1] = {a->size[0]}, kshape[2] = {a->size[0], 1};
  set_shape(&p, 1, shape, 2, kshape);
  THTensor *vc = THTensor_unsqueeze(v, 1);
  THTensor *r = vc ? run_product(&p, a, vc, a, v) : NULL;
  THTensor_free(vc);
  return r;
}

static THTensor *dot_like(const char *name, THOp op, THTensor *out, const THTensor *a,
                          const THTensor *b) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims(name, a, 1, b, 1, "1-D tensors") != TH_OK ||
      check_operands(name, 2, ops) != TH_OK)
    return NULL;
  if (a->size[0] != b->size[0]) return size_mismatch(name, a, b, "and"), NULL;
  Product p = product_of(name, op, out);
  int64_t kshape[2] = {1, 1};
  set_shape(&p, 0, NULL, 2, kshape);
  THTensor *ar = THTensor_unsqueeze(a, 0), *bc = THTensor_unsqueeze(b, 1);
  THTensor *r = ar && bc ? run_product(&p, ar, bc, a, b) : NULL;
  THTensor_free(ar);
  THTensor_free(bc);
  return r;
}

THTensor *THTensor_outer(THTensor *out, const THTensor *a, const THTensor *b) {
  if (check_ndims("outer", a, 1, b, 1, "1-D tensors") != TH_OK) return NULL;
  THTensor *col = THAutograd_unsqueeze(a, 1); /* recorded: outer is differentiable */
  if (!col) return NULL;
  THTensor *r = THTensor_mul(out, THArg_tensor(col), THArg_tensor(b));
  THTensor_free(col);
  return r;
}

/* ======================================================================= matmul */

static THTensor *matmul_impl(THTensor *out, const THTensor *a, const THTensor *b) {
  const char *name = "matmul";
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  if (a->ndim == 0 || b->ndim == 0)
    return TH_setError("[matmul] both arguments need to be at least 1-D, but they are %d-D and "
                       "%d-D", a->ndim, b->ndim), NULL;
  const THTensor *ops[2] = {a, b};
  if (check_operands(name, 2, ops) != TH_OK) return NULL;
  int64_t ka = a->size[a->ndim - 1], kb = b->ndim == 1 ? b->size[0] : b->size[b->ndim - 2];
  if (ka != kb) return size_mismatch(name, a, b, "@"), NULL;

  Product p = product_of(name, TH_OP_matmul, out);
  THTensor *A = a->ndim == 1 ? THTensor_unsqueeze(a, 0) : THTensor_expand(a, a->ndim, a->size);
  THTensor *B = b->ndim == 1 ? THTensor_unsqueeze(b, 1) : THTensor_expand(b, b->ndim, b->size);
  THTensor *ka_ = NULL, *kb_ = NULL, *r = NULL;
  if (!A || !B) goto done;
  int64_t m = A->size[A->ndim - 2], n = B->size[B->ndim - 1], k = ka;
  int na = A->ndim - 2, nb = B->ndim - 2;
  /* the batch shape */
  int nbd = 0;
  int64_t batch[TH_MAX_DIMS];
  if (THTensor_broadcastShape(name, na, A->size, nb, B->size, &nbd, batch) != TH_OK) {
    TH_setError("[matmul] batch dimensions of %s and %s cannot be broadcast together",
                TH_formatShape(s1, a->ndim, a->size), TH_formatShape(s2, b->ndim, b->size));
    goto done;
  }
  int64_t shape[TH_MAX_DIMS];
  int nd = 0;
  for (int i = 0; i < nbd; i++) shape[nd++] = batch[i];
  if (a->ndim > 1) shape[nd++] = m;
  if (b->ndim > 1) shape[nd++] = n;
  if (nd > TH_MAX_DIMS) {
    TH_setError("[matmul] result would have more than %d dimensions", TH_MAX_DIMS);
    goto done;
  }
  int64_t rows = m;
  for (int i = 0; i < na; i++) rows *= A->size[i];
  /* a batch of matrices times one matrix: one tall product, when a's batch dims fold */
  if (nb == 0 && na > 0) {
    int64_t s2d[2] = {rows, k};
    ka_ = THTensor_view(A, 2, s2d);
    if (ka_) {
      int64_t ks[2] = {rows, n};
      set_shape(&p, nd, shape, 2, ks);
      r = run_product(&p, ka_, B, a, b);
      goto done;
    }
  }
  int64_t ash[TH_MAX_DIMS], bsh[TH_MAX_DIMS], csh[TH_MAX_DIMS];
  memcpy(ash, batch, sizeof(int64_t) * (size_t)nbd);
  memcpy(bsh, batch, sizeof(int64_t) * (size_t)nbd);
  memcpy(csh, batch, sizeof(int64_t) * (size_t)nbd);
  ash[nbd] = m, ash[nbd + 1] = k;
  bsh[nbd] = k, bsh[nbd + 1] = n;
  csh[nbd] = m, csh[nbd + 1] = n;
  if (nbd + 2 > TH_MAX_DIMS) {
    TH_setError("[matmul] too many dimensions");
    goto done;
  }
  ka_ = THTensor_expand(A, nbd + 2, ash);
  kb_ = THTensor_expand(B, nbd + 2, bsh);
  if (!ka_ || !kb_) goto done;
  set_shape(&p, nd, shape, nbd + 2, csh);
  r = run_product(&p, ka_, kb_, a, b);
done:
  THTensor_free(A);
  THTensor_free(B);
  THTensor_free(ka_);
  THTensor_free(kb_);
  return r;
}

/* ======================================================================= add*: beta self + alpha (a @ b) */

static THTensor *addmm_impl(THTensor *out, const THTensor *self, const THTensor *a,
                            const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims("addmm", a, 2, b, 2, "2-D matrices") != TH_OK ||
      check_operands("addmm", 2, ops) != TH_OK)
    return NULL;
  if (a->size[1] != b->size[0]) return size_mismatch("addmm", a, b, "@"), NULL;
  int64_t shape[2] = {a->size[0], b->size[1]};
  if (check_self("addmm", self, a, 2, shape, inplace) != TH_OK) return NULL;
  Product p = product_of("addmm", TH_OP_addmm, inplace ? (THTensor *)self : out);
  p.inplace = inplace;
  p.self = self;
  p.alpha = alpha;
  p.beta = beta;
  set_shape(&p, 2, shape, 2, shape);
  return run_product(&p, a, b, a, b);
}

static THTensor *addmv_impl(THTensor *out, const THTensor *self, const THTensor *a,
                            const THTensor *v, THScalar beta, THScalar alpha, bool inplace) {
  const THTensor *ops[2] = {a, v};
  if (check_ndims("addmv", a, 2, v, 1, "a 2-D matrix and a 1-D vector") != TH_OK ||
      check_operands("addmv", 2, ops) != TH_OK)
    return NULL;
  if (a->size[1] != v->size[0]) return size_mismatch("addmv", a, v, "@"), NULL;
  int64_t shape[1] = {a->size[0]}, kshape[2] = {a->size[0], 1};
  if (check_self("addmv", self, a, 1, shape, inplace) != TH_OK) return NULL;
  Product p = product_of("addmv", TH_OP_addmv, inplace ? (THTensor *)self : out);
  p.inplace = inplace;
  p.self = self;
  p.alpha = alpha;
  p.beta = beta;
  set_shape(&p, 1, shape, 2, kshape);
  THTensor *vc = THTensor_unsqueeze(v, 1);
  THTensor *r = vc ? run_product(&p, a, vc, a, v) : NULL;
  THTensor_free(vc);
  return r;
}

static THTensor *baddbmm_impl(THTensor *out, const THTensor *self, const THTensor *a,
                              const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims("baddbmm", a, 3, b, 3, "3-D batches of matrices") != TH_OK ||
      check_operands("baddbmm", 2, ops) != TH_OK)
    return NULL;
  if (a->size[0] != b->size[0] || a->size[2] != b->size[1])
    return size_mismatch("baddbmm", a, b, "@"), NULL;
  int64_t shape[3] = {a->size[0], a->size[1], b->size[2]};
  if (check_self("baddbmm", self, a, 3, shape, inplace) != TH_OK) return NULL;
  Product p = product_of("baddbmm", TH_OP_baddbmm, inplace ? (THTensor *)self : out);
  p.inplace = inplace;
  p.self = self;
  p.alpha = alpha;
  p.beta = beta;
  set_shape(&p, 3, shape, 3, shape);
  return run_product(&p, a, b, a, b);
}

/* addbmm: the batch is summed, as a[0] @ b[0] with beta, then each further product added
 * with beta = 1 (no (m, B*k) copy of a is needed). */
static THTensor *addbmm_impl(THTensor *out, const THTensor *self, const THTensor *a,
                             const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  const THTensor *ops[2] = {a, b};
  if (check_ndims("addbmm", a, 3, b, 3, "3-D batches of matrices") != TH_OK ||
      check_operands("addbmm", 2, ops) != TH_OK)
    return NULL;
  if (a->size[0] != b->size[0] || a->size[2] != b->size[1])
    return size_mismatch("addbmm", a, b, "@"), NULL;
  int64_t shape[2] = {a->size[1], b->size[2]};
  if (check_self("addbmm", self, a, 2, shape, inplace) != TH_OK) return NULL;
  int64_t nbatch = a->size[0];
  THTensor *a0 = NULL, *b0 = NULL, *r = NULL;
  if (nbatch == 0) {
    int64_t sa[2] = {a->size[1], 0}, sb[2] = {0, b->size[2]};
    a0 = THTensor_empty(a->dtype, THTensor_device(a), 2, sa);
    b0 = THTensor_empty(b->dtype, THTensor_device(b), 2, sb);
  } else {
    a0 = THTensor_select(a, 0, 0);
    b0 = THTensor_select(b, 0, 0);
  }
  if (!a0 || !b0) goto done;
  /* accumulating in place needs a destination that shares no memory with a or b */
  THTensor *dest = inplace ? (THTensor *)self : out;
  if (dest && !inplace && dest->dtype != a->dtype) {
    TH_setError("[addbmm] expected out to have dtype %s, but got %s", THDtype_name(a->dtype),
                THDtype_name(dest->dtype));
    goto done;
  }
  if (dest && has_overlap(dest) && THTensor_numel(dest) > 1) {
    TH_setError("[addbmm] unsupported operation: more than one element of the written-to tensor "
                "refers to a single memory location; clone() the tensor first");
    goto done;
  }
  bool alias = dest && nbatch > 1 && (shares(dest, a) || shares(dest, b));
  Product p = product_of("addbmm", TH_OP_addbmm, alias ? NULL : dest);
  p.inplace = inplace && !alias;
  p.self = self;
  p.alpha = alpha;
  p.beta = beta;
  set_shape(&p, 2, shape, 2, shape);
  r = run_product(&p, a0, b0, a, b);
  if (!r || nbatch <= 1) goto done;
  THKernel k;
  if (THDispatch_get(TH_OP_addbmm, THTensor_device(a), &k) != TH_OK) goto fail;
  for (int64_t i = 1; i < nbatch; i++) {
    THTensor *ai = THTensor_select(a, 0, i), *bi = THTensor_select(b, 0, i);
    int rc = ai && bi ? ((THLinalgGemmFn)k.fn)(r, ai, bi, alpha, (THScalar){TH_KIND_INT, 1, 1})
                      : TH_ERROR;
    THTensor_free(ai);
    THTensor_free(bi);
    if (rc != TH_OK) goto fail;
  }
  if (alias) {
    if (!inplace && (dest->ndim != 2 || dest->size[0] != shape[0] || dest->size[1] != shape[1]) &&
        THTensor_resize(dest, 2, shape) != TH_OK)
      goto fail;
    if (THTensor_copy(dest, r) != TH_OK) goto fail;
    THTensor_free(r);
    THTensor_retain(dest);
    r = dest;
  }
  goto done;
fail:
  THTensor_free(r);
  r = NULL;
done:
  THTensor_free(a0);
  THTensor_free(b0);
  return r;
}

/* ======================================================================= recorded entry points */
/* Each product records its node (MmBackward0, AddmmBackward0, ...; formulas in
 * autograd/THDerivLinalg.c) when an input requires grad; alpha and beta go to the node's
 * params.  matmul records no node of its own: it is composed from the recorded products and
 * views as PyTorch composes it, so its graph shows MmBackward0, MvBackward0, DotBackward0,
 * BmmBackward0 and the views around them. */

static THTensor *product2(THOp op, const char *name, THTensor *out, const THTensor *a,
                          const THTensor *b, THTensor *(*impl)(THTensor *, const THTensor *,
                                                               const THTensor *)) {
  const THTensor *in[2] = {a, b};
  THLinalgRec g;
  if (THLinalgRec_begin(&g, name, 2, in, out, NULL) != TH_OK) return NULL;
  return THLinalgRec_end1(&g, impl(out, a, b), op, 2, in, NULL);
}

static THTensor *dot_impl(THTensor *out, const THTensor *a, const THTensor *b) {
  return dot_like("dot", TH_OP_dot, out, a, b);
}

/* Real dtypes only, so vdot (which conjugates a) is dot. */
static THTensor *vdot_impl(THTensor *out, const THTensor *a, const THTensor *b) {
  return dot_like("vdot", TH_OP_vdot, out, a, b);
}

THTensor *THTensor_mm(THTensor *out, const THTensor *a, const THTensor *b) {
  return product2(TH_OP_mm, "mm", out, a, b, mm_impl);
}

THTensor *THTensor_bmm(THTensor *out, const THTensor *a, const THTensor *b) {
  return product2(TH_OP_bmm, "bmm", out, a, b, bmm_impl);
}

THTensor *THTensor_mv(THTensor *out, const THTensor *a, const THTensor *v) {
  return product2(TH_OP_mv, "mv", out, a, v, mv_impl);
}

THTensor *THTensor_dot(THTensor *out, const THTensor *a, const THTensor *b) {
  return product2(TH_OP_dot, "dot", out, a, b, dot_impl);
}

THTensor *THTensor_vdot(THTensor *out, const THTensor *a, const THTensor *b) {
  return product2(TH_OP_vdot, "vdot", out, a, b, vdot_impl);
}

typedef THTensor *(*AddProductFn)(THTensor *, const THTensor *, const THTensor *,
                                  const THTensor *, THScalar, THScalar, bool);

static THTensor *add_product(THOp op, const char *name, AddProductFn impl, THTensor *out,
                             const THTensor *self, const THTensor *a, const THTensor *b,
                             THScalar beta, THScalar alpha, bool inplace) {
  const THTensor *in[3] = {self, a, b};
  THLinalgRec g;
  if (THLinalgRec_begin(&g, name, 3, in, inplace ? NULL : out, inplace ? self : NULL) != TH_OK)
    return NULL;
  THOpParams prm = TH_OPPARAMS_DEFAULT;
  prm.alpha = alpha;
  prm.beta = beta;
  THRecordArgs ra = {.params = &prm, .inplace = inplace};
  return THLinalgRec_end1(&g, impl(out, self, a, b, beta, alpha, inplace), op, 3, in, &ra);
}

THTensor *THTensor_addmm(THTensor *out, const THTensor *self, const THTensor *a,
                         const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  return add_product(TH_OP_addmm, inplace ? "addmm_" : "addmm", addmm_impl, out, self, a, b,
                     beta, alpha, inplace);
}

THTensor *THTensor_addmv(THTensor *out, const THTensor *self, const THTensor *a,
                         const THTensor *v, THScalar beta, THScalar alpha, bool inplace) {
  return add_product(TH_OP_addmv, inplace ? "addmv_" : "addmv", addmv_impl, out, self, a, v,
                     beta, alpha, inplace);
}

THTensor *THTensor_baddbmm(THTensor *out, const THTensor *self, const THTensor *a,
                           const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  return add_product(TH_OP_baddbmm, inplace ? "baddbmm_" : "baddbmm", baddbmm_impl, out, self,
                     a, b, beta, alpha, inplace);
}

THTensor *THTensor_addbmm(THTensor *out, const THTensor *self, const THTensor *a,
                          const THTensor *b, THScalar beta, THScalar alpha, bool inplace) {
  return add_product(TH_OP_addbmm, inplace ? "addbmm_" : "addbmm", addbmm_impl, out, self, a,
                     b, beta, alpha, inplace);
}

static THTensor *retained(const THTensor *t) {
  THTensor_retain((THTensor *)t);
  return (THTensor *)t;
}

/* matmul of operands that require grad, from recorded pieces: dot, mv, mm, (1-D @ 2-D as
 * unsqueeze-mm-squeeze), a batch folded into the rows of one mm/mv, or expand-reshape-bmm-view
 * (the engine sums the gradient of a broadcast batch back through the expand). */
static THTensor *matmul_recorded(const THTensor *a, const THTensor *b) {
  char s1[TH_SHAPE_STRLEN], s2[TH_SHAPE_STRLEN];
  int da = a->ndim, db = b->ndim;
  if (da == 1 && db == 1) return THTensor_dot(NULL, a, b);
  if (da == 2 && db == 1) return THTensor_mv(NULL, a, b);
  if (da == 2 && db == 2) return THTensor_mm(NULL, a, b);
  THTensor *A = NULL, *B = NULL, *A3 = NULL, *B3 = NULL, *C = NULL, *r = NULL;
  if (da == 1 && db == 2) {
    if ((A = THAutograd_unsqueeze(a, 0)) && (C = THTensor_mm(NULL, A, b)))
      r = THAutograd_squeezeDim(C, 0);
    goto done;
  }
  int64_t k = a->size[da - 1];
  if (da >= 3 && db <= 2) { /* fold a's batch into the rows */
    int64_t rows = 1, shape[TH_MAX_DIMS];
    for (int i = 0; i < da - 1; i++) rows *= (shape[i] = a->size[i]);
    int nd = da - 1;
    if (db == 2) shape[nd++] = b->size[1];
    int64_t s2d[2] = {rows, k};
    if (!(A = THAutograd_reshape(a, 2, s2d))) goto done;
    if (!(C = db == 2 ? THTensor_mm(NULL, A, b) : THTensor_mv(NULL, A, b))) goto done;
    r = THAutograd_view(C, nd, shape);
    goto done;
  }
  /* batched: a (.., m, k) @ b (.., k, n) with broadcast batch dims */
  A = da == 1 ? THAutograd_unsqueeze(a, 0) : retained(a);
  B = db == 1 ? THAutograd_unsqueeze(b, 1) : retained(b);
  if (!A || !B) goto done;
  int na = A->ndim - 2, nb = B->ndim - 2, nbd;
  int64_t m = A->size[na], n = B->size[nb + 1], batch[TH_MAX_DIMS];
  if (THTensor_broadcastShape("matmul", na, A->size, nb, B->size, &nbd, batch) != TH_OK) {
    TH_setError("[matmul] batch dimensions of %s and %s cannot be broadcast together",
                TH_formatShape(s1, da, a->size), TH_formatShape(s2, db, b->size));
    goto done;
  }
  if (nbd + 2 > TH_MAX_DIMS) {
    TH_setError("[matmul] too many dimensions");
    goto done;
  }
  int64_t ash[TH_MAX_DIMS], bsh[TH_MAX_DIMS], shape[TH_MAX_DIMS], nbatch = 1;
  int nd = 0;
  for (int i = 0; i < nbd; i++) {
    ash[i] = bsh[i] = shape[nd++] = batch[i];
    nbatch *= batch[i];
  }
  ash[nbd] = m, ash[nbd + 1] = k;
  bsh[nbd] = k, bsh[nbd + 1] = n;
  if (da > 1) shape[nd++] = m;
  if (db > 1) shape[nd++] = n;
  THTensor *Ae = THAutograd_expand(A, nbd + 2, ash), *Be = THAutograd_expand(B, nbd + 2, bsh);
  int64_t sa[3] = {nbatch, m, k}, sb[3] = {nbatch, k, n};
  if (Ae && Be && (A3 = THAutograd_reshape(Ae, 3, sa)) && (B3 = THAutograd_reshape(Be, 3, sb)) &&
      (C = THTensor_bmm(NULL, A3, B3)))
    r = THAutograd_view(C, nd, shape);
  THTensor_free(Ae);
  THTensor_free(Be);
done:
  THTensor_free(A);
  THTensor_free(B);
  THTensor_free(A3);
  THTensor_free(B3);
  THTensor_free(C);
  return r;
}

THTensor *THTensor_matmul(THTensor *out, const THTensor *a, const THTensor *b) {
  const THTensor *ops[2] = {a, b};
  if (!THAutograd_wanted(2, ops)) return matmul_impl(out, a, b);
  if (out) return THAutograd_checkOut("matmul", out), NULL;
  /* the checks of matmul_impl, so the errors name matmul */
  if (a->ndim == 0 || b->ndim == 0)
    return TH_setError("[matmul] both arguments need to be at least 1-D, but they are %d-D and "
                       "%d-D", a->ndim, b->ndim), NULL;
  if (check_operands("matmul", 2, ops) != TH_OK) return NULL;
  int64_t ka = a->size[a->ndim - 1], kb = b->ndim == 1 ? b->size[0] : b->size[b->ndim - 2];
  if (ka != kb) return size_mismatch("matmul", a, b, "@"), NULL;
  return matmul_recorded(a, b);
}
