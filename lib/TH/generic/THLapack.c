/* generic/THLapack.c: LAPACK drivers over a batch of column-major matrices, for one real
 * type.  Included by THLapack.c once per type with
 *   T       float or double
 *   FN(x)   x##_f32 / x##_f64   (the names defined here)
 *   LP(x)   s##x##_ / d##x##_   (the LAPACK routines)
 * Each function walks B matrices stored one after another (column-major, no padding) and
 * writes LAPACK's per-matrix status into info[] (0: fine).  The matrices are done one after
 * another: OpenBLAS's LAPACK slows down several times when called from many threads at once
 * (measured: 1000 inverses of 8 x 8 took 6x longer split over two OpenMP threads than in one
 * loop), so threading is left to OpenBLAS inside each call (THLapack.c keeps it to one
 * thread for small matrices).  Work arrays are sized by LAPACK's own workspace query, once
 * per call.
 */

/* A workspace query: LAPACK reports the optimal size in work[0]. */
static int FN(lwork_of)(T w) {
  double v = (double)w;
  return v < 1 ? 1 : v > 2147483647.0 ? 2147483647 : (int)v;
}

/* ------------------------------------------------------------------------- inverse */
static int FN(inv)(T *a, int64_t B, int n, int *info) {
  int failed = 0;
  if (n == 0) {
    for (int64_t b = 0; b < B; b++) info[b] = 0;
    return TH_OK;
  }
  {
    int lda = n, lwork = -1, qinfo = 0;
    T q;
    LP(getri)(&n, a, &lda, NULL, &q, &lwork, &qinfo);
    lwork = FN(lwork_of)(q);
    int *ipiv = malloc(sizeof(int) * (size_t)n);
    T *work = malloc(sizeof(T) * (size_t)lwork);
    if (!ipiv || !work) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        T *m = a + b * (int64_t)n * n;
        int inf = 0;
        LP(getrf)(&n, &n, m, &lda, ipiv, &inf);
        if (inf == 0) LP(getri)(&n, m, &lda, ipiv, work, &lwork, &inf);
        info[b] = inf;
      }
    }
    free(ipiv);
    free(work);
  }
  return failed ? TH_setError("[linalg.inv] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- solve */
static int FN(solve)(T *a, T *rhs, int64_t B, int n, int k, int *info) {
  int failed = 0;
  if (n == 0 || k == 0) {
    for (int64_t b = 0; b < B; b++) info[b] = 0;
    if (n == 0 || k == 0) return TH_OK;
  }
  {
    int lda = n, ldb = n;
    int *ipiv = malloc(sizeof(int) * (size_t)n);
    if (!ipiv) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        int inf = 0;
        LP(gesv)(&n, &k, a + b * (int64_t)n * n, &lda, ipiv, rhs + b * (int64_t)n * k, &ldb, &inf);
        info[b] = inf;
      }
    }
    free(ipiv);
  }
  return failed ? TH_setError("[linalg.solve] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- determinants */
/* det, sign and logabsdet may each be NULL. */
static int FN(det)(T *a, int64_t B, int n, T *det, T *sign, T *logabs) {
  int failed = 0;
  {
    int lda = n > 0 ? n : 1;
    int *ipiv = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!ipiv) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        T *m = a + b * (int64_t)n * n;
        int inf = 0;
        if (n > 0) LP(getrf)(&n, &n, m, &lda, ipiv, &inf);
        /* det = (permutation sign) * prod(diag U); slogdet from the same factors */
        T prod = 1;
        int psign = 1, neg = 0;
        bool zero = false, nan = false;
        double la = 0;
        for (int i = 0; i < n; i++) {
          T d = m[(int64_t)i * n + i];
          prod *= d;
          if (ipiv[i] != i + 1) psign = -psign;
          if (d < 0) neg ^= 1;
          if (d == 0) zero = true;
          if (isnan(d)) nan = true;
          la += log(fabs((double)d));
        }
        if (det) det[b] = (T)psign * prod;
        if (sign) sign[b] = nan ? (T)NAN : zero ? 0 : (T)(neg ? -psign : psign);
        if (logabs) logabs[b] = (T)la;
      }
    }
    free(ipiv);
  }
  return failed ? TH_setError("[linalg.det] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- Cholesky */
static int FN(cholesky)(T *a, int64_t B, int n, bool upper, int *info) {
  char uplo = upper ? 'U' : 'L';
  for (int64_t b = 0; b < B; b++) {
    T *m = a + b * (int64_t)n * n;
    int inf = 0, lda = n > 0 ? n : 1;
    if (n > 0) LP(potrf)(&uplo, &n, m, &lda, &inf, 1);
    info[b] = inf;
    /* zero the triangle LAPACK leaves untouched */
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        if (upper ? i > j : i < j) m[(int64_t)j * n + i] = 0;
  }
  return TH_OK;
}

/* ------------------------------------------------------------------------- QR */
/* a (m x n) per matrix; q (m x mq) or NULL; r (rr x n).  k = min(m, n) reflectors. */
static int FN(qr)(T *a, int64_t B, int m, int n, T *q, int mq, T *r, int rr) {
  int k = m < n ? m : n, failed = 0;
  {
    int lda = m > 0 ? m : 1, lwork = -1, inf = 0;
    T qw = 1, qw2 = 1;
    if (k > 0) {
      LP(geqrf)(&m, &n, a, &lda, NULL, &qw, &lwork, &inf);
      if (q) LP(orgqr)(&m, &mq, &k, q, &lda, NULL, &qw2, &lwork, &inf);
    }
    lwork = FN(lwork_of)(qw > qw2 ? qw : qw2);
    T *tau = malloc(sizeof(T) * (size_t)(k > 0 ? k : 1));
    T *work = malloc(sizeof(T) * (size_t)lwork);
    if (!tau || !work) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        T *am = a + b * (int64_t)m * n, *rm = r + b * (int64_t)rr * n;
        int i2 = 0;
        if (k > 0) LP(geqrf)(&m, &n, am, &lda, tau, work, &lwork, &i2);
        for (int j = 0; j < n; j++)
          for (int i = 0; i < rr; i++) rm[(int64_t)j * rr + i] = i <= j ? am[(int64_t)j * m + i] : 0;
        if (q) {
          T *qm = q + b * (int64_t)m * mq;
          /* the reflectors, then the identity's remaining columns for orgqr to transform */
          for (int j = 0; j < mq; j++)
            for (int i = 0; i < m; i++)
              qm[(int64_t)j * m + i] = j < k ? am[(int64_t)j * m + i] : (i == j ? 1 : 0);
          if (k > 0) LP(orgqr)(&m, &mq, &k, qm, &lda, tau, work, &lwork, &i2);
        }
      }
    }
    free(tau);
    free(work);
  }
  return failed ? TH_setError("[linalg.qr] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- SVD */
/* u (m x ucols), vh (vrows x n), both NULL for values only; s (k). */
static int FN(svd)(T *a, int64_t B, int m, int n, T *u, T *s, T *vh, bool full, int *info) {
  int k = m < n ? m : n, failed = 0;
  int ucols = full ? m : k, vrows = full ? n : k;
  char jobz = !u ? 'N' : full ? 'A' : 'S';
  if (k == 0) { /* nothing to decompose: identities where full matrices are asked for */
    for (int64_t b = 0; b < B; b++) {
      info[b] = 0;
      if (u)
        for (int j = 0; j < ucols; j++)
          for (int i = 0; i < m; i++) u[b * (int64_t)m * ucols + (int64_t)j * m + i] = i == j;
      if (vh)
        for (int j = 0; j < n; j++)
          for (int i = 0; i < vrows; i++)
            vh[b * (int64_t)vrows * n + (int64_t)j * vrows + i] = i == j;
    }
    return TH_OK;
  }
  {
    int lda = m, ldu = u ? m : 1, ldvt = vh ? vrows : 1, lwork = -1, inf = 0;
    T qw = 1, dummy[1];
    int *iwork = malloc(sizeof(int) * 8 * (size_t)k);
    LP(gesdd)(&jobz, &m, &n, a, &lda, s, u ? u : dummy, &ldu, vh ? vh : dummy, &ldvt, &qw,
              &lwork, iwork, &inf, 1);
    lwork = FN(lwork_of)(qw);
    T *work = malloc(sizeof(T) * (size_t)lwork);
    if (!iwork || !work) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        int i2 = 0;
        LP(gesdd)(&jobz, &m, &n, a + b * (int64_t)m * n, &lda, s + b * (int64_t)k,
                  u ? u + b * (int64_t)m * ucols : dummy, &ldu,
                  vh ? vh + b * (int64_t)vrows * n : dummy, &ldvt, work, &lwork, iwork, &i2, 1);
        info[b] = i2;
      }
    }
    free(iwork);
    free(work);
  }
  return failed ? TH_setError("[linalg.svd] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- symmetric eigen */
static int FN(eigh)(T *a, int64_t B, int n, T *w, bool upper, bool compute_v, int *info) {
  char jobz = compute_v ? 'V' : 'N', uplo = upper ? 'U' : 'L';
  int failed = 0;
  if (n == 0) {
    for (int64_t b = 0; b < B; b++) info[b] = 0;
    return TH_OK;
  }
  {
    int lda = n, lwork = -1, liwork = -1, inf = 0, qi = 1;
    T qw = 1;
    LP(syevd)(&jobz, &uplo, &n, a, &lda, w, &qw, &lwork, &qi, &liwork, &inf, 1, 1);
    lwork = FN(lwork_of)(qw);
    liwork = qi > 1 ? qi : 1;
    T *work = malloc(sizeof(T) * (size_t)lwork);
    int *iwork = malloc(sizeof(int) * (size_t)liwork);
    if (!work || !iwork) {
      failed = 1;
    } else {
      for (int64_t b = 0; b < B; b++) {
        int i2 = 0;
        LP(syevd)(&jobz, &uplo, &n, a + b * (int64_t)n * n, &lda, w + b * (int64_t)n, work,
                  &lwork, iwork, &liwork, &i2, 1, 1);
        info[b] = i2;
      }
    }
    free(work);
    free(iwork);
  }
  return failed ? TH_setError("[linalg.eigh] out of memory") : TH_OK;
}

/* ------------------------------------------------------------------------- least squares */
/* a (m x n), b (ldb x nrhs) with ldb = max(m, n); rank (int64) and sv (min(m, n)) may be NULL. */
static int FN(lstsq)(T *a, T *b, int64_t B, int m, int n, int nrhs, T rcond, int driver,
                     int64_t *rank, T *sv, int *info) {
  int k = m < n ? m : n, ldb = m > n ? m : n, failed = 0;
  if (ldb < 1) ldb = 1;
  if (m == 0 || n == 0) { /* x = 0, the minimum-norm solution; rank 0 */
    for (int64_t bi = 0; bi < B; bi++) {
      info[bi] = 0;
      if (rank) rank[bi] = 0;
      for (int64_t i = 0; i < (int64_t)ldb * nrhs; i++) b[bi * (int64_t)ldb * nrhs + i] = 0;
    }
    return TH_OK;
  }
  {
    int lda = m > 0 ? m : 1, lwork = -1, inf = 0, rk = 0, qi = 1;
    char trans = 'N';
    T qw = 1, dummy[1];
    int *iw = NULL;
    T *s = NULL;
    switch (driver) {
    case TH_LSTSQ_GELS: LP(gels)(&trans, &m, &n, &nrhs, a, &lda, b, &ldb, &qw, &lwork, &inf, 1); break;
    case TH_LSTSQ_GELSY:
      LP(gelsy)(&m, &n, &nrhs, a, &lda, b, &ldb, &qi, &rcond, &rk, &qw, &lwork, &inf);
      break;
    case TH_LSTSQ_GELSD:
      LP(gelsd)(&m, &n, &nrhs, a, &lda, b, &ldb, dummy, &rcond, &rk, &qw, &lwork, &qi, &inf);
      break;
    default: LP(gelss)(&m, &n, &nrhs, a, &lda, b, &ldb, dummy, &rcond, &rk, &qw, &lwork, &inf); break;
    }
    lwork = FN(lwork_of)(qw);
    int niw = driver == TH_LSTSQ_GELSY ? n : driver == TH_LSTSQ_GELSD ? (qi > 1 ? qi : 1) : 1;
    T *work = malloc(sizeof(T) * (size_t)lwork);
    iw = malloc(sizeof(int) * (size_t)(niw > 0 ? niw : 1));
    s = malloc(sizeof(T) * (size_t)(k > 0 ? k : 1));
    if (!work || !iw || !s) {
      failed = 1;
    } else {
      for (int64_t bi = 0; bi < B; bi++) {
        T *am = a + bi * (int64_t)m * n, *bm = b + bi * (int64_t)ldb * nrhs;
        int i2 = 0;
        rk = k;
        switch (driver) {
        case TH_LSTSQ_GELS:
          LP(gels)(&trans, &m, &n, &nrhs, am, &lda, bm, &ldb, work, &lwork, &i2, 1);
          break;
        case TH_LSTSQ_GELSY:
          for (int j = 0; j < n; j++) iw[j] = 0;
          LP(gelsy)(&m, &n, &nrhs, am, &lda, bm, &ldb, iw, &rcond, &rk, work, &lwork, &i2);
          break;
        case TH_LSTSQ_GELSD:
          LP(gelsd)(&m, &n, &nrhs, am, &lda, bm, &ldb, s, &rcond, &rk, work, &lwork, iw, &i2);
          break;
        default:
          LP(gelss)(&m, &n, &nrhs, am, &lda, bm, &ldb, s, &rcond, &rk, work, &lwork, &i2);
          break;
        }
        info[bi] = i2;
        if (rank) rank[bi] = rk;
        if (sv)
          for (int i = 0; i < k; i++) sv[bi * (int64_t)k + i] = s[i];
      }
    }
    free(work);
    free(iw);
    free(s);
  }
  return failed ? TH_setError("[linalg.lstsq] out of memory") : TH_OK;
}

