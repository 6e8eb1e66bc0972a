/* THCpuReduce.c: the CPU reduction engine (see THCpuReduce.h) and the REDUCE kernels'
 * registration in the dispatch table.
 *
 * The input's dims (size-1 dims dropped) are sorted by stride, outermost first, and adjacent
 * dims of the same kind (both reduced or both kept) that are contiguous with each other are
 * merged.  Then:
 *   row mode     the innermost dim is reduced: each output is fed whole rows (contiguous rows
 *                reach the vectorised row kernels), outputs in batches along the innermost
 *                kept dim;
 *   column mode  the innermost dim is kept: blocks of rows along the innermost reduced dim
 *                are accumulated into up to TH_RED_COLS outputs at once (sum over dim 1 of an
 *                (N, M) matrix reads it row by row, never with strided gathers).
 * Work is split over OpenMP threads by outputs; when there are fewer outputs than threads
 * (a whole-tensor sum), each thread reduces a chunk of the reduced elements into private
 * accumulators that are merged in order afterwards.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "THCpuReduce.h"

/* Task buffers (accumulators + cols scratch) up to this size live on the stack. */
#define STACK_BUF 8192

/* A group of dims walked through one flat index (the last dim fastest). */
typedef struct {
  int n;
  int64_t size[TH_MAX_DIMS];
  int64_t xs[TH_MAX_DIMS];    /* byte strides in x */
  int64_t os[2][TH_MAX_DIMS]; /* byte strides in the outputs (0 in reduced groups) */
  int64_t total;
} Group;

static void group_add(Group *g, int64_t size, int64_t xs, const int64_t *os) {
  g->size[g->n] = size;
  g->xs[g->n] = xs;
  g->os[0][g->n] = os[0];
  g->os[1][g->n] = os[1];
  g->n++;
  g->total *= size;
}

/* Offsets of the flat index i of g: in x and in the two outputs. */
static inline int64_t group_off(const Group *g, int64_t i, int64_t *o0, int64_t *o1) {
  int64_t x = 0, a = 0, b = 0;
  for (int d = g->n - 1; d >= 0 && i > 0; d--) {
    int64_t k = i % g->size[d];
    i /= g->size[d];
    x += k * g->xs[d];
    a += k * g->os[0][d];
    b += k * g->os[1][d];
  }
  if (o0) *o0 = a;
  if (o1) *o1 = b;
  return x;
}

static int num_threads(int64_t work) {
  if (omp_in_parallel() || work < 2 * (int64_t)TH_PARALLEL_GRAIN) return 1;
  int nt = omp_get_max_threads();
  int64_t most = work / TH_PARALLEL_GRAIN;
  return most < nt ? (int)most : nt;
}

/* A buffer of n bytes: the caller's stack buffer when it fits, else the heap (NULL: none). */
static char *buf_get(char *stack, size_t n) { return n <= STACK_BUF ? stack : malloc(n); }
static void buf_put(char *stack, char *b) {
  if (b != stack) free(b);
}

/* Reductions with fewer outputs than this (and enough elements) are split into chunks. */
#define SPLIT_OUTPUTS 16
/* Elements per chunk of a split reduction (grown for huge inputs, see split_chunks). */
#define SPLIT_CHUNK ((int64_t)1 << 16)
/* Partial accumulators of a split reduction stay under this many bytes. */
#define SPLIT_BYTES ((int64_t)8 << 20)

/* Chunks of a split over `space` units (elements or rows) of `unit` elements each, about
 * `target` elements per chunk, with `outs` accumulators of asz bytes per chunk: sized from the
 * shape alone, so that results do not depend on the thread count. */
static int64_t split_chunks(int64_t space, int64_t unit, int64_t outs, int64_t asz, int64_t target,
                            int64_t *chunk) {
  int64_t per = target / unit;
  if (per < 1) per = 1;
  int64_t n = (space + per - 1) / per;
  int64_t most = SPLIT_BYTES / (outs * asz);
  if (most > 4096) most = 4096;
  if (most < 1) most = 1;
  if (n > most) n = most;
  *chunk = (space + n - 1) / n;
  return (space + *chunk - 1) / *chunk;
}

/* part[0] <- the merge of part[0..n) (each holding m accumulators), pairwise in order. */
static void merge_tree(const THRedOps *ops, char *part, int64_t n, int64_t m, const THReduceArgs *a) {
  size_t stride = (size_t)m * (size_t)ops->acc_size;
  for (int64_t step = 1; step < n; step *= 2)
    for (int64_t c = 0; c + step < n; c += 2 * step)
      ops->merge(part + (size_t)c * stride, part + (size_t)(c + step) * stride, m, a);
}

/* Every output is the identity (an empty reduced dim): init + finish over the flat outputs. */
static int fill_identity(const THReduceArgs *a, const THRedOps *ops) {
  int64_t total = THTensor_numel(a->out[0]);
  int64_t m = total < TH_RED_COLS ? total : TH_RED_COLS;
  char stack[STACK_BUF];
  char *acc = buf_get(stack, (size_t)m * (size_t)ops->acc_size);
  if (!acc) return TH_ERROR;
  char *out[2] = {0};
  int64_t es[2] = {0};
  for (int k = 0; k < a->nout; k++) {
    out[k] = THTensor_data(a->out[k]);
    es[k] = (int64_t)THDtype_size(a->out[k]->dtype);
  }
  for (int64_t j = 0; j < total; j += m) {
    int64_t mj = total - j < m ? total - j : m;
    char *o[2] = {out[0] + j * es[0], out[1] ? out[1] + j * es[1] : NULL};
    ops->init(acc, mj, a);
    ops->finish(o, es, acc, mj, a);
  }
  buf_put(stack, acc);
  return TH_OK;
}

/* ======================================================================= layout */

typedef struct {
  int n;
  int64_t size[TH_MAX_DIMS], xs[TH_MAX_DIMS], os[2][TH_MAX_DIMS];
  bool red[TH_MAX_DIMS];
} Layout;

static void build_layout(const THReduceArgs *a, const THRedOps *ops, Layout *L) {
  const THTensor *x = a->x;
  int64_t xes = (int64_t)THDtype_size(x->dtype);
  int64_t oes[2] = {0, 0};
  for (int k = 0; k < a->nout; k++) oes[k] = (int64_t)THDtype_size(a->out[k]->dtype);
  L->n = 0;
  for (int d = 0; d < x->ndim; d++) {
    if (x->size[d] == 1) continue;
    int i = L->n++;
    L->size[i] = x->size[d];
    L->xs[i] = x->stride[d] * xes;
    L->red[i] = a->reduced[d];
    for (int k = 0; k < 2; k++)
      L->os[k][i] = (k < a->nout && !a->reduced[d]) ? a->out[k]->stride[d] * oes[k] : 0;
  }
  if (L->n == 0) { /* one element */
    L->n = 1;
    L->size[0] = 1;
    L->xs[0] = 0;
    L->red[0] = true;
    L->os[0][0] = L->os[1][0] = 0;
    return;
  }
  /* memory order: larger strides outside (stable insertion sort) */
  for (int i = 1; i < L->n; i++) {
    int j = i;
    while (j > 0 && L->xs[j - 1] < L->xs[j]) {
#define SWAP(T, A, B) do { T t_ = (A); (A) = (B); (B) = t_; } while (0)
      SWAP(int64_t, L->size[j - 1], L->size[j]);
      SWAP(int64_t, L->xs[j - 1], L->xs[j]);
      SWAP(int64_t, L->os[0][j - 1], L->os[0][j]);
      SWAP(int64_t, L->os[1][j - 1], L->os[1][j]);
      SWAP(bool, L->red[j - 1], L->red[j]);
#undef SWAP
      j--;
    }
  }
  /* merge an inner dim into the one outside it when they walk memory as one */
  int m = 0;
  for (int i = 1; i < L->n; i++) {
    bool merge = L->red[m] == L->red[i] && L->xs[m] == L->xs[i] * L->size[i] &&
                 L->os[0][m] == L->os[0][i] * L->size[i] &&
                 L->os[1][m] == L->os[1][i] * L->size[i] && !(ops->indexed && L->red[i]);
    if (merge) {
      L->size[m] *= L->size[i];
      L->xs[m] = L->xs[i];
      L->os[0][m] = L->os[0][i];
      L->os[1][m] = L->os[1][i];
    } else {
      m++;
      L->size[m] = L->size[i];
      L->xs[m] = L->xs[i];
      L->os[0][m] = L->os[0][i];
      L->os[1][m] = L->os[1][i];
      L->red[m] = L->red[i];
    }
  }
  L->n = m + 1;
}

/* ======================================================================= row mode */

/* Rows shorter than this are reduced a batch of outputs at a time through cols. */
#define SHORT_ROW 16

typedef struct {
  const THReduceArgs *a;
  const THRedOps *ops;
  const char *x;
  char *out[2];
  int64_t rn, rs;    /* the innermost (reduced) row */
  Group R;           /* the other reduced dims */
  Group KO;          /* kept dims but the batch dim */
  int64_t mb, xsb, osb[2]; /* the batch dim: innermost kept dim */
} RowPlan;

static bool row_task(const RowPlan *P, int64_t ko, int64_t j0, int64_t j1) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size;
  int64_t m = j1 - j0;
  bool short_rows = P->rn < SHORT_ROW && ops->cols;
  char stack[STACK_BUF];
  char *acc = buf_get(stack, (size_t)m * (asz + (short_rows ? (size_t)ops->scratch_size : 0)));
  if (!acc) return false;
  int64_t o0, o1;
  int64_t xb = group_off(&P->KO, ko, &o0, &o1) + j0 * P->xsb;
  ops->init(acc, m, P->a);
  if (short_rows) { /* the batch's rows side by side: element i of every row at once */
    for (int64_t r = 0; r < P->R.total; r++)
      ops->cols(acc, P->x + xb + group_off(&P->R, r, NULL, NULL), P->rs, P->rn, P->xsb, m, 0,
                acc + (size_t)m * asz, P->a);
  } else {
    for (int64_t j = 0; j < m; j++) {
      char *aj = acc + (size_t)j * asz;
      const char *xj = P->x + xb + j * P->xsb;
      for (int64_t r = 0; r < P->R.total; r++)
        ops->row(aj, xj + group_off(&P->R, r, NULL, NULL), P->rs, P->rn, 0, P->a);
    }
  }
  char *o[2] = {P->out[0] + o0 + j0 * P->osb[0], P->out[1] ? P->out[1] + o1 + j0 * P->osb[1] : NULL};
  ops->finish(o, P->osb, acc, m, P->a);
  buf_put(stack, acc);
  return true;
}

/* Chunk c (elements [c*chunk, (c+1)*chunk) of every output) of a row split. */
static void row_chunk(const RowPlan *P, char *part, int64_t c, int64_t chunk, int64_t space) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size;
  int64_t O = P->KO.total * P->mb;
  int64_t b = c * chunk, e = b + chunk < space ? b + chunk : space;
  char *mine = part + (size_t)c * (size_t)O * asz;
  ops->init(mine, O, P->a);
  for (int64_t o = 0; o < O; o++) {
    int64_t ko = o / P->mb, j = o % P->mb;
    const char *xo = P->x + group_off(&P->KO, ko, NULL, NULL) + j * P->xsb;
    for (int64_t pos = b; pos < e;) {
      int64_t r = pos / P->rn, i = pos % P->rn;
      int64_t len = P->rn - i < e - pos ? P->rn - i : e - pos;
      ops->row(mine + o * asz, xo + group_off(&P->R, r, NULL, NULL) + i * P->rs, P->rs, len, i,
               P->a);
      pos += len;
    }
  }
}

/* Few outputs: the reduced elements of every output are cut into chunks, threads take chunks
 * as they come free, and the chunks' partial accumulators are merged pairwise, in order. */
static int row_split(const RowPlan *P, int nt) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size;
  int64_t O = P->KO.total * P->mb;
  int64_t space = P->R.total * P->rn, chunk;
  int64_t nch = split_chunks(space, 1, O, (int64_t)asz, SPLIT_CHUNK, &chunk);
  char *part = malloc((size_t)nch * (size_t)O * asz);
  if (!part) return TH_ERROR;
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(guided)
    for (int64_t c = 0; c < nch; c++) row_chunk(P, part, c, chunk, space);
  } else {
    for (int64_t c = 0; c < nch; c++) row_chunk(P, part, c, chunk, space);
  }
  merge_tree(ops, part, nch, O, P->a);
  for (int64_t o = 0; o < O; o++) {
    int64_t ko = o / P->mb, j = o % P->mb, o0, o1;
    group_off(&P->KO, ko, &o0, &o1);
    char *out[2] = {P->out[0] + o0 + j * P->osb[0], P->out[1] ? P->out[1] + o1 + j * P->osb[1] : NULL};
    ops->finish(out, P->osb, part + o * asz, 1, P->a);
  }
  free(part);
  return TH_OK;
}

static int run_rows(const THReduceArgs *a, const THRedOps *ops, const Layout *L, char **out) {
  RowPlan P;
  memset(&P, 0, sizeof P);
  P.a = a;
  P.ops = ops;
  P.x = THTensor_data(a->x);
  P.out[0] = out[0];
  P.out[1] = out[1];
  P.rn = L->size[L->n - 1];
  P.rs = L->xs[L->n - 1];
  P.R.total = P.KO.total = 1;
  int last_kept = -1;
  for (int i = 0; i < L->n - 1; i++)
    if (!L->red[i]) last_kept = i;
  P.mb = 1;
  for (int i = 0; i < L->n - 1; i++) {
    int64_t os[2] = {L->os[0][i], L->os[1][i]};
    if (L->red[i]) group_add(&P.R, L->size[i], L->xs[i], os);
    else if (i == last_kept) {
      P.mb = L->size[i];
      P.xsb = L->xs[i];
      P.osb[0] = L->os[0][i];
      P.osb[1] = L->os[1][i];
    } else {
      group_add(&P.KO, L->size[i], L->xs[i], os);
    }
  }
  int64_t O = P.KO.total * P.mb;
  int nt = num_threads(O * P.R.total * P.rn);
  if (O < SPLIT_OUTPUTS && P.R.total * P.rn >= 2 * SPLIT_CHUNK) return row_split(&P, nt);
  /* batches of outputs along the batch dim; short rows take wide batches */
  int64_t width = P.rn < SHORT_ROW ? TH_RED_COLS : 256;
  int64_t chunks = (P.mb + width - 1) / width;
  int64_t tasks = P.KO.total * chunks;
  bool failed = false;
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t ko = t / chunks, j0 = (t % chunks) * width;
      int64_t j1 = j0 + width < P.mb ? j0 + width : P.mb;
      if (!row_task(&P, ko, j0, j1)) {
#pragma omp atomic write
        failed = true;
      }
    }
  } else {
    for (int64_t t = 0; t < tasks && !failed; t++) {
      int64_t ko = t / chunks, j0 = (t % chunks) * width;
      failed = !row_task(&P, ko, j0, j0 + width < P.mb ? j0 + width : P.mb);
    }
  }
  return failed ? TH_ERROR : TH_OK;
}

/* ======================================================================= column mode */

typedef struct {
  const THReduceArgs *a;
  const THRedOps *ops;
  const char *x;
  char *out[2];
  int64_t m, xsb, osb[2]; /* the innermost (kept) dim */
  int64_t nrows, rstride; /* the innermost reduced dim: a block of rows */
  Group R;                /* the other reduced dims */
  Group KO;               /* the other kept dims */
} ColPlan;

static bool col_task(const ColPlan *P, int64_t ko, int64_t j0, int64_t j1) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size;
  int64_t m = j1 - j0;
  char stack[STACK_BUF];
  char *acc = buf_get(stack, (size_t)m * (asz + (size_t)ops->scratch_size));
  if (!acc) return false;
  int64_t o0, o1;
  int64_t xb = group_off(&P->KO, ko, &o0, &o1) + j0 * P->xsb;
  ops->init(acc, m, P->a);
  for (int64_t r = 0; r < P->R.total; r++)
    ops->cols(acc, P->x + xb + group_off(&P->R, r, NULL, NULL), P->rstride, P->nrows, P->xsb, m,
              0, acc + (size_t)m * asz, P->a);
  char *o[2] = {P->out[0] + o0 + j0 * P->osb[0], P->out[1] ? P->out[1] + o1 + j0 * P->osb[1] : NULL};
  ops->finish(o, P->osb, acc, m, P->a);
  buf_put(stack, acc);
  return true;
}

/* Chunk c (rows [c*chunk, (c+1)*chunk) of the reduced space) of a column split. */
static void col_chunk(const ColPlan *P, char *part, char *scr, int64_t c, int64_t chunk,
                      int64_t space) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size;
  int64_t O = P->KO.total * P->m;
  int64_t b = c * chunk, e = b + chunk < space ? b + chunk : space;
  char *mine = part + (size_t)c * (size_t)O * asz;
  ops->init(mine, O, P->a);
  for (int64_t ko = 0; ko < P->KO.total; ko++) {
    const char *xk = P->x + group_off(&P->KO, ko, NULL, NULL);
    char *acc = mine + (size_t)(ko * P->m) * asz;
    for (int64_t pos = b; pos < e;) {
      int64_t r = pos / P->nrows, i = pos % P->nrows;
      int64_t len = P->nrows - i < e - pos ? P->nrows - i : e - pos;
      ops->cols(acc, xk + group_off(&P->R, r, NULL, NULL) + i * P->rstride, P->rstride, len,
                P->xsb, P->m, i, scr, P->a);
      pos += len;
    }
  }
}

/* Up to TH_RED_COLS outputs: chunks of whole rows (read sequentially), partial accumulators
 * merged pairwise in order, as in row_split. */
static int col_split(const ColPlan *P, int nt) {
  const THRedOps *ops = P->ops;
  size_t asz = (size_t)ops->acc_size, ssz = (size_t)ops->scratch_size;
  int64_t O = P->KO.total * P->m;
  int64_t space = P->R.total * P->nrows, chunk;
  int64_t nch = split_chunks(space, O, O, (int64_t)asz, 4 * SPLIT_CHUNK, &chunk);
  char *part = malloc((size_t)nch * (size_t)O * asz);
  char *scratch = malloc((size_t)nt * (size_t)P->m * ssz + 1);
  if (!part || !scratch) {
    free(part);
    free(scratch);
    return TH_ERROR;
  }
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(guided)
    for (int64_t c = 0; c < nch; c++)
      col_chunk(P, part, scratch + (size_t)omp_get_thread_num() * (size_t)P->m * ssz, c, chunk,
                space);
  } else {
    for (int64_t c = 0; c < nch; c++) col_chunk(P, part, scratch, c, chunk, space);
  }
  merge_tree(ops, part, nch, O, P->a);
  for (int64_t ko = 0; ko < P->KO.total; ko++) {
    int64_t o0, o1;
    group_off(&P->KO, ko, &o0, &o1);
    char *o[2] = {P->out[0] + o0, P->out[1] ? P->out[1] + o1 : NULL};
    ops->finish(o, P->osb, part + (size_t)(ko * P->m) * asz, P->m, P->a);
  }
  free(part);
  free(scratch);
  return TH_OK;
}

static int run_cols(const THReduceArgs *a, const THRedOps *ops, const Layout *L, char **out) {
  ColPlan P;
  memset(&P, 0, sizeof P);
  P.a = a;
  P.ops = ops;
  P.x = THTensor_data(a->x);
  P.out[0] = out[0];
  P.out[1] = out[1];
  int in = L->n - 1;
  P.m = L->size[in];
  P.xsb = L->xs[in];
  P.osb[0] = L->os[0][in];
  P.osb[1] = L->os[1][in];
  P.R.total = P.KO.total = 1;
  int block = -1;
  for (int i = 0; i < in; i++)
    if (L->red[i]) block = i;
  P.nrows = 1;
  P.rstride = 0;
  for (int i = 0; i < in; i++) {
    int64_t os[2] = {L->os[0][i], L->os[1][i]};
    if (i == block) {
      P.nrows = L->size[i];
      P.rstride = L->xs[i];
    } else if (L->red[i]) {
      group_add(&P.R, L->size[i], L->xs[i], os);
    } else {
      group_add(&P.KO, L->size[i], L->xs[i], os);
    }
  }
  int64_t O = P.KO.total * P.m;
  int64_t rows = P.R.total * P.nrows;
  int nt = num_threads(O * rows);
  if (P.m <= TH_RED_COLS && O <= TH_RED_COLS && rows * O >= 2 * SPLIT_CHUNK && rows >= 4)
    return col_split(&P, nt);
  int64_t ch = P.m < TH_RED_COLS ? P.m : TH_RED_COLS;
  int64_t tasks = P.KO.total * ((P.m + ch - 1) / ch);
  if (nt > 1 && tasks < 2 * nt) { /* narrower column chunks to feed every thread */
    int64_t per_ko = (2 * nt + P.KO.total - 1) / P.KO.total;
    ch = (P.m + per_ko - 1) / per_ko;
    ch = (ch + 15) & ~(int64_t)15;
    if (ch < 64) ch = 64;
    if (ch > TH_RED_COLS) ch = TH_RED_COLS;
    tasks = P.KO.total * ((P.m + ch - 1) / ch);
  }
  int64_t chunks = (P.m + ch - 1) / ch;
  bool failed = false;
  if (nt > 1) {
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t ko = t / chunks, j0 = (t % chunks) * ch;
      int64_t j1 = j0 + ch < P.m ? j0 + ch : P.m;
      if (!col_task(&P, ko, j0, j1)) {
#pragma omp atomic write
        failed = true;
      }
    }
  } else {
    for (int64_t t = 0; t < tasks && !failed; t++) {
      int64_t ko = t / chunks, j0 = (t % chunks) * ch;
      failed = !col_task(&P, ko, j0, j0 + ch < P.m ? j0 + ch : P.m);
    }
  }
  return failed ? TH_ERROR : TH_OK;
}

/* ======================================================================= entry */

int THCpuReduce_run(const THReduceArgs *a, const THRedOps *ops) {
  if (a->count == 0) return fill_identity(a, ops);
  Layout L;
  build_layout(a, ops, &L);
  char *out[2] = {THTensor_data(a->out[0]), a->nout > 1 ? THTensor_data(a->out[1]) : NULL};
  return L.red[L.n - 1] ? run_rows(a, ops, &L, out) : run_cols(a, ops, &L, out);
}

/* The REDUCE kernel of every row: the accumulator for (op, dtype), or the selection kernels. */
static int cpu_reduce(const THReduceArgs *a) {
  if (a->op == TH_OP_median || a->op == TH_OP_nanmedian || a->op == TH_OP_mode)
    return THCpuReduce_select(a);
  const THRedOps *ops = THCpuReduce_ops(a);
  if (!ops)
    return TH_setError("[%s] not implemented for dtype %s", THOp_info(a->op)->name,
                       THDtype_name(a->x->dtype));
  if (THCpuReduce_run(a, ops) != TH_OK)
    return TH_setError("[%s] out of memory for the reduction's buffers", THOp_info(a->op)->name);
  return TH_OK;
}

__attribute__((constructor)) static void cpu_reduce_register(void) {
  static const THOp ops[] = {
      TH_OP_sum,  TH_OP_nansum, TH_OP_mean,     TH_OP_prod,     TH_OP_amax,      TH_OP_amin,
      TH_OP_max,  TH_OP_min,    TH_OP_argmax,   TH_OP_argmin,   TH_OP_var,       TH_OP_std,
      TH_OP_var_mean, TH_OP_std_mean, TH_OP_norm, TH_OP_logsumexp, TH_OP_all,     TH_OP_any,
      TH_OP_count_nonzero, TH_OP_median, TH_OP_nanmedian, TH_OP_mode};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    THDispatch_register(ops[i], TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_reduce});
}
