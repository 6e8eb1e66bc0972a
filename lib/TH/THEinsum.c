/* THEinsum.c: Einstein summation, reduced to views and batched matrix products.
 *
 * The equation is parsed into labels (a-z, A-Z, and one label per dim covered by "..."),
 * each operand becomes a view with one dim per distinct label (a repeated label takes the
 * diagonal, as a strided view), labels seen in only one operand and not in the output are
 * summed out at once, and the operands are contracted left to right: for two operands the
 * labels split into batch (in both, still needed), contracted (in both, no longer needed) and
 * the labels of only one side, which permute/reshape into (batch, M, K) @ (batch, K, N) for
 * THTensor_bmm.  Sums are products with a vector of ones, so every step goes through the
 * GEMM kernel.  Size-1 dims broadcast against the other operands' sizes.  Every step is a
 * recorded op (views, the diagonal of a repeated label, mm/bmm), so einsum is differentiable
 * through its pieces.
 */
#include <stdio.h>
#include <string.h>
#include "THLinalg.h"
#include "autograd/THAutogradViews.h"
#include "autograd/THDerivLinalg.h"

#define NLETTERS 52
#define NLABELS (NLETTERS + TH_MAX_DIMS)

static int label_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

static char label_char(int l) { return (char)(l < 26 ? 'A' + l : 'a' + (l - 26)); }

/* One operand (or the output) as written: labels in order, the ellipsis position. */
typedef struct {
  int n;                   /* letters */
  int letters[TH_MAX_DIMS * 2];
  int ell;                 /* index in letters where "..." stands, -1 if none */
} Term;

/* A tensor whose dims carry labels. */
typedef struct {
  THTensor *t;
  int labels[TH_MAX_DIMS];
} Lab;

static int parse_term(const char *s, int len, Term *term, int which, bool output) {
  term->n = 0;
  term->ell = -1;
  for (int i = 0; i < len; i++) {
    char c = s[i];
    if (c == '.') {
      if (i + 2 >= len || s[i + 1] != '.' || s[i + 2] != '.')
        return TH_setError("[einsum] found '.' for %s that is not part of any ellipsis ('...')",
                           output ? "the output" : "an operand");
      if (term->ell >= 0) {
        if (output) return TH_setError("[einsum] found more than one ellipsis ('...') in the output");
        return TH_setError("[einsum] found more than one ellipsis ('...') for operand %d", which);
      }
      term->ell = term->n;
      i += 2;
      continue;
    }
    int l = label_of(c);
    if (l < 0)
      return TH_setError("[einsum] invalid subscript '%c' given in the equation string, "
                         "subscripts must be in [a-zA-Z]", c);
    if (term->n >= TH_MAX_DIMS * 2) return TH_setError("[einsum] too many subscripts");
    term->letters[term->n++] = l;
  }
  return TH_OK;
}

/* Recorded permute / expand that skip the identity (no node for a no-op). */
static THTensor *permuted(const THTensor *t, const int *perm) {
  bool same = true;
  for (int d = 0; d < t->ndim; d++) same &= perm[d] == d;
  if (!same) return THAutograd_permute(t, perm);
  THTensor_retain((THTensor *)t);
  return (THTensor *)t;
}

static THTensor *expanded(const THTensor *t, int nd, const int64_t *sizes) {
  if (nd != t->ndim || memcmp(sizes, t->size, sizeof(int64_t) * (size_t)nd) != 0)
    return THAutograd_expand(t, nd, sizes);
  THTensor_retain((THTensor *)t);
  return (THTensor *)t;
}

/* Sums t over the dims flagged in sum (a product with ones); returns a new Lab. */
static int sum_dims(Lab *x, int nd, const bool *sum, bool promote_int) {
  THTensor *t = x->t;
  int perm[TH_MAX_DIMS], np = 0, nkeep = 0;
  int64_t R = 1, K = 1, keep_sizes[TH_MAX_DIMS];
  int keep_labels[TH_MAX_DIMS];
  for (int d = 0; d < nd; d++)
    if (!sum[d]) {
      perm[np++] = d;
      R *= t->size[d];
      keep_sizes[nkeep] = t->size[d];
      keep_labels[nkeep++] = x->labels[d];
    }
  for (int d = 0; d < nd; d++)
    if (sum[d]) {
      perm[np++] = d;
      K *= t->size[d];
    }
  if (nkeep == nd) return TH_OK;
  THDtype dt = t->dtype;
  if (promote_int && !THDtype_isFloating(dt)) dt = TH_I64; /* as torch.sum does */
  THTensor *p = permuted(t, perm), *c = NULL, *m = NULL, *ones = NULL, *o2 = NULL;
  THTensor *r = NULL, *rv = NULL;
  int rc = TH_ERROR;
  int64_t s2[2] = {R, K}, os[2] = {K, 1};
  if (!p || !(c = THTensor_to(p, dt)) || !(m = THAutograd_reshape(c, 2, s2))) goto done;
  if (!(ones = THTensor_full(dt, THTensor_device(t), 1, &K, 1)) || !(o2 = THTensor_view(ones, 2, os)))
    goto done;
  if (!(r = THTensor_mm(NULL, m, o2)) || !(rv = THAutograd_view(r, nkeep, keep_sizes))) goto done;
  THTensor_free(x->t);
  x->t = rv;
  rv = NULL;
  memcpy(x->labels, keep_labels, sizeof(int) * (size_t)nkeep);
  rc = TH_OK;
done:
  THTensor_free(p);
  THTensor_free(c);
  THTensor_free(m);
  THTensor_free(ones);
  THTensor_free(o2);
  THTensor_free(r);
  THTensor_free(rv);
  return rc;
}

static int find(const int *labels, int n, int l) {
  for (int i = 0; i < n; i++)
    if (labels[i] == l) return i;
  return -1;
}

/* a <- a (x) b contracted over the labels not in keep. */
static int contract(Lab *a, Lab *b, const bool *keep, const int64_t *lsize) {
  int na = a->t->ndim, nb = b->t->ndim;
  int batch[TH_MAX_DIMS], con[TH_MAX_DIMS], ao[TH_MAX_DIMS], bo[TH_MAX_DIMS];
  int nbat = 0, ncon = 0, nao = 0, nbo = 0;
  for (int i = 0; i < na; i++) {
    int l = a->labels[i];
    if (find(b->labels, nb, l) >= 0) {
      if (keep[l]) batch[nbat++] = l;
      else con[ncon++] = l;
    } else {
      ao[nao++] = l;
    }
  }
  for (int i = 0; i < nb; i++)
    if (find(a->labels, na, b->labels[i]) < 0) bo[nbo++] = b->labels[i];
  if (nbat + nao + nbo > TH_MAX_DIMS) return TH_setError("[einsum] too many dimensions");

  /* a -> [batch, ao, con] -> (Bt, M, K);  b -> [batch, con, bo] -> (Bt, K, N) */
  int pa[TH_MAX_DIMS], pb[TH_MAX_DIMS], k = 0;
  int64_t ea[TH_MAX_DIMS], eb[TH_MAX_DIMS], Bt = 1, M = 1, K = 1, N = 1;
  for (int i = 0; i < nbat; i++, k++) {
    pa[k] = find(a->labels, na, batch[i]);
    ea[k] = lsize[batch[i]];
    Bt *= ea[k];
  }
  for (int i = 0; i < nao; i++, k++) {
    pa[k] = find(a->labels, na, ao[i]);
    ea[k] = a->t->size[pa[k]];
    M *= ea[k];
  }
  for (int i = 0; i < ncon; i++, k++) {
    pa[k] = find(a->labels, na, con[i]);
    ea[k] = lsize[con[i]];
    K *= ea[k];
  }
  k = 0;
  for (int i = 0; i < nbat; i++, k++) {
    pb[k] = find(b->labels, nb, batch[i]);
    eb[k] = lsize[batch[i]];
  }
  for (int i = 0; i < ncon; i++, k++) {
    pb[k] = find(b->labels, nb, con[i]);
    eb[k] = lsize[con[i]];
  }
  for (int i = 0; i < nbo; i++, k++) {
    pb[k] = find(b->labels, nb, bo[i]);
    eb[k] = b->t->size[pb[k]];
    N *= eb[k];
  }
  THTensor *A = permuted(a->t, pa), *B = permuted(b->t, pb);
  THTensor *Ae = NULL, *Be = NULL, *A3 = NULL, *B3 = NULL, *C = NULL, *Cv = NULL;
  int rc = TH_ERROR;
  int64_t sa[3] = {Bt, M, K}, sb[3] = {Bt, K, N}, cs[TH_MAX_DIMS];
  if (!A || !B || !(Ae = expanded(A, na, ea)) || !(Be = expanded(B, nb, eb)))
    goto done;
  if (!(A3 = THAutograd_reshape(Ae, 3, sa)) || !(B3 = THAutograd_reshape(Be, 3, sb))) goto done;
  if (!(C = THTensor_bmm(NULL, A3, B3))) goto done;
  int nc = 0, cl[TH_MAX_DIMS];
  for (int i = 0; i < nbat; i++) cs[nc] = lsize[batch[i]], cl[nc++] = batch[i];
  for (int i = 0; i < nao; i++) cs[nc] = a->t->size[find(a->labels, na, ao[i])], cl[nc++] = ao[i];
  for (int i = 0; i < nbo; i++) cs[nc] = b->t->size[find(b->labels, nb, bo[i])], cl[nc++] = bo[i];
  if (!(Cv = THAutograd_view(C, nc, cs))) goto done;
  THTensor_free(a->t);
  a->t = Cv;
  Cv = NULL;
  memcpy(a->labels, cl, sizeof(int) * (size_t)nc);
  rc = TH_OK;
done:
  THTensor_free(A);
  THTensor_free(B);
  THTensor_free(Ae);
  THTensor_free(Be);
  THTensor_free(A3);
  THTensor_free(B3);
  THTensor_free(C);
  THTensor_free(Cv);
  return rc;
}

THTensor *THTensor_einsum(const char *equation, int n, const THTensor *const *ops) {
  if (n < 1) return TH_setError("[einsum] must provide at least one operand"), NULL;
  if (n > 64) return TH_setError("[einsum] at most 64 operands are supported"), NULL;
  /* strip spaces */
  char eq[1024];
  size_t len = 0;
  for (const char *p = equation; *p; p++)
    if (*p != ' ') {
      if (len + 1 >= sizeof eq) return TH_setError("[einsum] equation too long"), NULL;
      eq[len++] = *p;
    }
  eq[len] = 0;
  char *arrow = strstr(eq, "->");
  int lhs_len = arrow ? (int)(arrow - eq) : (int)len;
  for (int i = 1; i < n; i++) {
    if (!THDevice_equal(THTensor_device(ops[0]), THTensor_device(ops[i])))
      return TH_setError("[einsum] expected all operands on the same device"), NULL;
    if (ops[i]->dtype != ops[0]->dtype)
      return TH_setError("[einsum] expected operands of the same dtype, but got %s and %s",
                         THDtype_name(ops[0]->dtype), THDtype_name(ops[i]->dtype)), NULL;
  }

  /* ---- the operands' terms */
  Term terms[64];
  int nterms = 0, start = 0;
  for (int i = 0; i <= lhs_len; i++) {
    if (i == lhs_len || eq[i] == ',') {
      if (nterms >= n)
        return TH_setError("[einsum] more operands were specified in the equation than were "
                           "provided (%d)", n), NULL;
      if (parse_term(eq + start, i - start, &terms[nterms], nterms, false) != TH_OK) return NULL;
      nterms++;
      start = i + 1;
    }
  }
  if (nterms < n)
    return TH_setError("[einsum] more operands were provided (%d) than specified in the "
                       "equation (%d)", n, nterms), NULL;

  /* ---- ellipsis dims and label sizes */
  int ell_nd = 0, ecov[64];
  for (int i = 0; i < n; i++) {
    int nd = ops[i]->ndim, nl = terms[i].n;
    if (terms[i].ell < 0 && nl != nd)
      return TH_setError("[einsum] the number of subscripts in the equation (%d) does not match "
                         "the number of dimensions (%d) for operand %d and no ellipsis was given",
                         nl, nd, i), NULL;
    if (terms[i].ell >= 0 && nl > nd)
      return TH_setError("[einsum] the number of subscripts in the equation (%d) is more than "
                         "the number of dimensions (%d) for operand %d", nl, nd, i), NULL;
    ecov[i] = terms[i].ell >= 0 ? nd - nl : 0;
    if (ecov[i] > ell_nd) ell_nd = ecov[i];
  }
  int64_t lsize[NLABELS];
  int count[NLABELS] = {0};
  bool seen[NLABELS] = {0};
  for (int l = 0; l < NLABELS; l++) lsize[l] = 1;
  Lab x[64];
  memset(x, 0, sizeof x);
  THTensor *result = NULL;
  int i;
  for (i = 0; i < n; i++) {
    /* dim d of operand i -> its label */
    int dl[TH_MAX_DIMS], nd = ops[i]->ndim, d = 0;
    for (int j = 0; j <= terms[i].n; j++) {
      if (j == terms[i].ell)
        for (int e = 0; e < ecov[i]; e++) dl[d++] = NLETTERS + (ell_nd - ecov[i]) + e;
      if (j < terms[i].n) dl[d++] = terms[i].letters[j];
    }
    /* take diagonals of repeated labels; record sizes */
    int64_t sz[TH_MAX_DIMS];
    int nu = 0, dmap[TH_MAX_DIMS];
    for (d = 0; d < nd; d++) {
      int l = dl[d];
      int64_t s = ops[i]->size[d];
      int prev = find(x[i].labels, nu, l);
      if (prev >= 0) {
        if (sz[prev] != s) {
          TH_setError("[einsum] subscript %c is repeated for operand %d but the sizes don't "
                      "match, %lld != %lld", label_char(l), i, (long long)s, (long long)sz[prev]);
          goto fail;
        }
        dmap[d] = prev;
        continue;
      }
      x[i].labels[nu] = l;
      dmap[d] = nu;
      sz[nu++] = s;
      count[l]++;
      seen[l] = true;
      if (s != 1) {
        if (lsize[l] != 1 && lsize[l] != s) {
          if (l < NLETTERS)
            TH_setError("[einsum] subscript %c has size %lld for operand %d which does not "
                        "broadcast with previously seen size %lld", label_char(l), (long long)s,
                        i, (long long)lsize[l]);
          else
            TH_setError("[einsum] the ellipsis dims of operand %d (size %lld) do not broadcast "
                        "with previously seen size %lld", i, (long long)s, (long long)lsize[l]);
          goto fail;
        }
        lsize[l] = s;
      }
    }
    /* letters repeated within one operand still count once per occurrence (ii -> trace) */
    for (int j = 0; j < terms[i].n; j++) {
      int l = terms[i].letters[j];
      if (find(terms[i].letters, j, l) >= 0) count[l]++;
    }
    if (nu == nd) { /* no repeated label: the operand itself */
      THTensor_retain((THTensor *)ops[i]);
      x[i].t = (THTensor *)ops[i];
    } else if (!(x[i].t = THAutograd_mergeDims(ops[i], nu, dmap))) {
      goto fail;
    }
  }

  /* ---- the output labels */
  int out[TH_MAX_DIMS * 2], nout = 0;
  bool in_out[NLABELS] = {0};
  if (arrow) {
    Term ot;
    if (parse_term(arrow + 2, (int)strlen(arrow + 2), &ot, 0, true) != TH_OK) goto fail;
    for (int j = 0; j <= ot.n; j++) {
      if (j == ot.ell)
        for (int e = 0; e < ell_nd; e++) out[nout++] = NLETTERS + e;
      if (j == ot.n) break;
      int l = ot.letters[j];
      if (!seen[l]) {
        TH_setError("[einsum] output subscript %c does not appear in the equation for any input "
                    "operand", label_char(l));
        goto fail;
      }
      if (in_out[l]) {
        TH_setError("[einsum] output subscript %c appears more than once in the output",
                    label_char(l));
        goto fail;
      }
      in_out[l] = true;
      out[nout++] = l;
    }
    for (int j = 0; j < nout; j++) in_out[out[j]] = true;
  } else { /* implicit: the ellipsis dims, then the letters seen once, alphabetically */
    for (int e = 0; e < ell_nd; e++) out[nout++] = NLETTERS + e;
    for (int l = 0; l < NLETTERS; l++)
      if (count[l] == 1) out[nout++] = l;
    for (int j = 0; j < nout; j++) in_out[out[j]] = true;
  }
  if (nout > TH_MAX_DIMS) {
    TH_setError("[einsum] the output would have more than %d dimensions", TH_MAX_DIMS);
    goto fail;
  }

  /* ---- contract left to right */
  for (i = 0; i < n; i++) {
    /* labels needed after this step: the output's and those of the operands still to come */
    bool keep[NLABELS];
    memcpy(keep, in_out, sizeof keep);
    for (int j = i + 1; j < n; j++)
      for (int d = 0; d < x[j].t->ndim; d++) keep[x[j].labels[d]] = true;
    /* sum out what only this operand has */
    bool sum[TH_MAX_DIMS] = {0}, any = false;
    for (int d = 0; d < x[i].t->ndim; d++) {
      int l = x[i].labels[d];
      bool in_acc = i > 0 && find(x[0].labels, x[0].t->ndim, l) >= 0;
      if (!keep[l] && !in_acc) sum[d] = any = true;
    }
    if (any && sum_dims(&x[i], x[i].t->ndim, sum, n == 1) != TH_OK) goto fail;
    if (i == 0) continue;
    /* the accumulator's own labels that are no longer needed and not in operand i */
    any = false;
    memset(sum, 0, sizeof sum);
    for (int d = 0; d < x[0].t->ndim; d++) {
      int l = x[0].labels[d];
      if (!keep[l] && find(x[i].labels, x[i].t->ndim, l) < 0) sum[d] = any = true;
    }
    if (any && sum_dims(&x[0], x[0].t->ndim, sum, false) != TH_OK) goto fail;
    if (contract(&x[0], &x[i], keep, lsize) != TH_OK) goto fail;
  }

  /* ---- the output order (labels of size-1 broadcast dims are expanded) */
  int perm[TH_MAX_DIMS];
  int64_t fs[TH_MAX_DIMS];
  for (int j = 0; j < nout; j++) {
    perm[j] = find(x[0].labels, x[0].t->ndim, out[j]);
    fs[j] = lsize[out[j]];
    if (perm[j] < 0) {
      TH_setError("[einsum] internal error: output label lost");
      goto fail;
    }
  }
  if (x[0].t->ndim != nout) {
    TH_setError("[einsum] internal error: %d dims left for %d outputs", x[0].t->ndim, nout);
    goto fail;
  }
  THTensor *pr = permuted(x[0].t, perm);
  if (!pr) goto fail;
  result = expanded(pr, nout, fs);
  THTensor_free(pr);
fail:
  for (int j = 0; j < n; j++) THTensor_free(x[j].t);
  return result;
}
