/* THCpuSort.c: the CPU kernels of the SORT rows of THOps.def (sort, topk, kthvalue, unique,
 * unique_consecutive, searchsorted, bucketize) and their registration.
 *
 * Every element is first turned into an unsigned integer key whose order is the order PyTorch
 * compares in: floats by the usual sign-flip of their bits (with -0.0 folded onto +0.0 so the
 * two tie, and every NaN mapped to the largest key), signed integers with their sign bit
 * flipped.  Descending orders complement the key.  The kernels then sort (key, position) pairs
 * with one plain `<` on the key, and copy the values out of the input by position, so the
 * result keeps every bit of the input values (NaN payloads, the sign of zero).
 *
 * Tie order: a stable sort is an LSD radix sort (insertion sort for short slices); the
 * non-stable sort, topk and kthvalue use the same algorithms as PyTorch's CPU kernels (the
 * GNU C++ library's introsort, nth_element and partial_sort; Torch7's quickselect), so equal
 * elements come out in the same order as there.
 *
 * Slices along the sorted dim run in parallel (OpenMP) when the tensor is large; each thread
 * has its own scratch buffers.
 */
#include <omp.h>
#include <stdatomic.h>
#include <string.h>
#include "THAllocator.h"
#include "THCpuLoops.h"
#include "THSort.h"

/* ======================================================================= keys */

typedef struct {
  uint64_t k; /* order key: compare with < */
  int64_t i;  /* position along the slice */
} SortPair;

static inline uint64_t key_f32(float f) {
  if (f != f) return 0xFFFFFFFFu;
  if (f == 0) f = 0; /* -0.0 ties with +0.0 */
  uint32_t b;
  memcpy(&b, &f, 4);
  return (b & 0x80000000u) ? (uint32_t)~b : (b | 0x80000000u);
}

static inline uint64_t key_f64(double f) {
  if (f != f) return UINT64_MAX;
  if (f == 0) f = 0;
  uint64_t b;
  memcpy(&b, &f, 8);
  return (b & 0x8000000000000000u) ? ~b : (b | 0x8000000000000000u);
}

/* Per dtype: the key of an element (KEY), the key width in bits (KEYBITS), and whether NaN
 * exists (a NaN key is then all ones, which no other value of a float dtype reaches). */
#define KEY_F32(x) key_f32(x)
#define KEY_F64(x) key_f64(x)
#define KEY_F16(x) key_f32(th_half2float(x))
#define KEY_BF16(x) key_f32(th_bfloat162float(x))
#define KEY_I8(x) ((uint64_t)(uint8_t)((uint8_t)(x) ^ 0x80u))
#define KEY_I16(x) ((uint64_t)(uint16_t)((uint16_t)(x) ^ 0x8000u))
#define KEY_I32(x) ((uint64_t)((uint32_t)(x) ^ 0x80000000u))
#define KEY_I64(x) ((uint64_t)(x) ^ 0x8000000000000000u)
#define KEY_U8(x) ((uint64_t)(x))
#define KEY_BOOL(x) ((uint64_t)(x))

static const int key_bits[TH_NDTYPES] = {
    [TH_F32] = 32, [TH_F64] = 64, [TH_F16] = 32, [TH_BF16] = 32, [TH_I8] = 8,
    [TH_I16] = 16, [TH_I32] = 32, [TH_I64] = 64, [TH_U8] = 8,    [TH_BOOL] = 8,
};

static inline uint64_t key_mask(int bits) { return bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1; }

/* The inverse of the keys: the element a key came from.  Exact for integers and bools, and
 * for floats other than NaN (whose payload the key drops) and -0.0 (folded onto +0.0). */
static inline float unkey_f32(uint64_t k) {
  uint32_t u = (uint32_t)k, b = (u & 0x80000000u) ? (u ^ 0x80000000u) : ~u;
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static inline double unkey_f64(uint64_t k) {
  uint64_t b = (k & 0x8000000000000000u) ? (k ^ 0x8000000000000000u) : ~k;
  double f;
  memcpy(&f, &b, 8);
  return f;
}
#define UNKEY_F32(k) unkey_f32(k)
#define UNKEY_F64(k) unkey_f64(k)
#define UNKEY_F16(k) th_float2half(unkey_f32(k))
#define UNKEY_BF16(k) th_float2bfloat16(unkey_f32(k))
#define UNKEY_I8(k) ((int8_t)(uint8_t)((k) ^ 0x80u))
#define UNKEY_I16(k) ((int16_t)(uint16_t)((k) ^ 0x8000u))
#define UNKEY_I32(k) ((int32_t)(uint32_t)((k) ^ 0x80000000u))
#define UNKEY_I64(k) ((int64_t)((k) ^ 0x8000000000000000u))
#define UNKEY_U8(k) ((uint8_t)(k))
#define UNKEY_BOOL(k) ((bool)(k))
/* Whether the key of the (loaded) value v gives v back. */
#define EXACT_FLOAT(v) (!((v) != (v)) && !((v) == 0 && signbit(v)))
#define EXACT_F32(x) EXACT_FLOAT(x)
#define EXACT_F64(x) EXACT_FLOAT(x)
#define EXACT_F16(x) EXACT_FLOAT(th_half2float(x))
#define EXACT_BF16(x) EXACT_FLOAT(th_bfloat162float(x))
#define EXACT_I8(x) true
#define EXACT_I16(x) true
#define EXACT_I32(x) true
#define EXACT_I64(x) true
#define EXACT_U8(x) true
#define EXACT_BOOL(x) true

/* Fills buf[j] = {key of src[j * stride] (complemented when flip), j} for j < n; returns
 * whether every element can be rebuilt from its key (then PutFn writes the sorted values
 * without going back to the input in random order). */
typedef bool (*GatherFn)(const char *src, int64_t stride, int64_t n, uint64_t flip, SortPair *buf);
/* dst[j * stride] = the element of key buf[j].k ^ flip, for j < k. */
typedef void (*PutFn)(char *dst, int64_t stride, const SortPair *buf, int64_t k, uint64_t flip);
#define DEF_GATHER(ID, NAME, CTYPE, ACC, KIND)                                                   \
  static bool gather_##ID(const char *src, int64_t stride, int64_t n, uint64_t flip,           \
                          SortPair *buf) {                                                     \
    const CTYPE *p = (const CTYPE *)(const void *)src;                                         \
    bool exact = true;                                                                         \
    for (int64_t j = 0; j < n; j++) {                                                          \
      CTYPE v = p[j * stride];                                                                 \
      exact &= EXACT_##ID(v);                                                                  \
      buf[j] = (SortPair){KEY_##ID(v) ^ flip, j};                                              \
    }                                                                                          \
    return exact;                                                                              \
  }                                                                                            \
  static void put_##ID(char *dst, int64_t stride, const SortPair *buf, int64_t k,              \
                       uint64_t flip) {                                                        \
    CTYPE *o = (CTYPE *)(void *)dst;                                                           \
    for (int64_t j = 0; j < k; j++) o[j * stride] = UNKEY_##ID(buf[j].k ^ flip);               \
  }
TH_FORALL_DTYPES(DEF_GATHER)
#undef DEF_GATHER

static const GatherFn gather_fns[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = gather_##ID,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};
static const PutFn put_fns[TH_NDTYPES] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) [TH_##ID] = put_##ID,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};

/* ======================================================================= algorithms */
/* The GNU C++ library's std::sort, std::nth_element and std::partial_sort, on SortPair with
 * key-only comparison: PyTorch's CPU kernels call these, so ties land where they do there. */

static inline void pair_swap(SortPair *a, SortPair *b) {
  SortPair t = *a;
  *a = *b;
  *b = t;
}

static void unguarded_linear_insert(SortPair *last) {
  SortPair val = *last;
  SortPair *next = last - 1;
  while (val.k < next->k) {
    *last = *next;
    last = next;
    --next;
  }
  *last = val;
}

/* Stable: an element moves only past strictly greater ones. */
static void insertion_sort(SortPair *first, SortPair *last) {
  if (first == last) return;
  for (SortPair *i = first + 1; i != last; ++i) {
    if (i->k < first->k) {
      SortPair val = *i;
      memmove(first + 1, first, (size_t)(i - first) * sizeof(SortPair));
      *first = val;
    } else {
      unguarded_linear_insert(i);
    }
  }
}

#define SORT_THRESHOLD 16

static void final_insertion_sort(SortPair *first, SortPair *last) {
  if (last - first > SORT_THRESHOLD) {
    insertion_sort(first, first + SORT_THRESHOLD);
    for (SortPair *i = first + SORT_THRESHOLD; i != last; ++i) unguarded_linear_insert(i);
  } else {
    insertion_sort(first, last);
  }
}

/* ---- binary heap (max at the front) ---- */
static void push_heap(SortPair *first, ptrdiff_t hole, ptrdiff_t top, SortPair value) {
  ptrdiff_t parent = (hole - 1) / 2;
  while (hole > top && first[parent].k < value.k) {
    first[hole] = first[parent];
    hole = parent;
    parent = (hole - 1) / 2;
  }
  first[hole] = value;
}

static void adjust_heap(SortPair *first, ptrdiff_t hole, ptrdiff_t len, SortPair value) {
  const ptrdiff_t top = hole;
  ptrdiff_t child = hole;
  while (child < (len - 1) / 2) {
    child = 2 * (child + 1);
    if (first[child].k < first[child - 1].k) child--;
    first[hole] = first[child];
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) / 2) {
    child = 2 * (child + 1);
    first[hole] = first[child - 1];
    hole = child - 1;
  }
  push_heap(first, hole, top, value);
}

static void make_heap(SortPair *first, SortPair *last) {
  ptrdiff_t len = last - first;
  if (len < 2) return;
  for (ptrdiff_t parent = (len - 2) / 2;; parent--) {
    adjust_heap(first, parent, len, first[parent]);
    if (parent == 0) return;
  }
}

static inline void pop_heap(SortPair *first, SortPair *last, SortPair *result) {
  SortPair value = *result;
  *result = *first;
  adjust_heap(first, 0, last - first, value);
}

static void heap_select(SortPair *first, SortPair *middle, SortPair *last) {
  make_heap(first, middle);
  for (SortPair *i = middle; i < last; ++i)
    if (i->k < first->k) pop_heap(first, middle, i);
}

static void partial_sort(SortPair *first, SortPair *middle, SortPair *last) {
  heap_select(first, middle, last);
  while (middle - first > 1) { /* sort_heap */
    --middle;
    pop_heap(first, middle, middle);
  }
}

/* ---- quicksort partition with a median-of-three pivot moved to the front ---- */
static void move_median_to_first(SortPair *result, SortPair *a, SortPair *b, SortPair *c) {
  if (a->k < b->k) {
    if (b->k < c->k) pair_swap(result, b);
    else if (a->k < c->k) pair_swap(result, c);
    else pair_swap(result, a);
  } else if (a->k < c->k) {
    pair_swap(result, a);
  } else if (b->k < c->k) {
    pair_swap(result, c);
  } else {
    pair_swap(result, b);
  }
}

static SortPair *unguarded_partition(SortPair *first, SortPair *last, const SortPair *pivot) {
  for (;;) {
    while (first->k < pivot->k) ++first;
    --last;
    while (pivot->k < last->k) --last;
    if (!(first < last)) return first;
    pair_swap(first, last);
    ++first;
  }
}

static SortPair *partition_pivot(SortPair *first, SortPair *last) {
  SortPair *mid = first + (last - first) / 2;
  move_median_to_first(first, first + 1, mid, last - 1);
  return unguarded_partition(first + 1, last, first);
}

static inline int floor_log2(ptrdiff_t n) { return 63 - __builtin_clzll((unsigned long long)n); }

static void introsort_loop(SortPair *first, SortPair *last, int depth) {
  while (last - first > SORT_THRESHOLD) {
    if (depth == 0) {
      partial_sort(first, last, last); /* heapsort */
      return;
    }
    --depth;
    SortPair *cut = partition_pivot(first, last);
    introsort_loop(cut, last, depth);
    last = cut;
  }
}

/* Non-stable sort of [first, last) by key (introsort). */
static void pair_sort(SortPair *first, SortPair *last) {
  if (first == last) return;
  introsort_loop(first, last, floor_log2(last - first) * 2);
  final_insertion_sort(first, last);
}

/* Puts the element of rank nth - first at nth, smaller-or-equal ones before it. */
static void nth_element(SortPair *first, SortPair *nth, SortPair *last) {
  if (first == last || nth == last) return;
  int depth = floor_log2(last - first) * 2;
  while (last - first > 3) {
    if (depth == 0) {
      heap_select(first, nth + 1, last);
      pair_swap(first, nth);
      return;
    }
    --depth;
    SortPair *cut = partition_pivot(first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertion_sort(first, last);
}

/* Torch7's quickselect (Sedgewick's partitioning), as PyTorch's kthvalue runs it: a[k] gets the
 * element of rank k. */
static void quickselect(SortPair *a, int64_t n, int64_t k) {
  int64_t L = 0, R = n - 1;
  for (;;) {
    if (R <= L) return;
    if (R == L + 1) {
      if (a[L].k > a[R].k) pair_swap(&a[L], &a[R]);
      return;
    }
    int64_t P = (L + R) >> 1;
    pair_swap(&a[P], &a[L + 1]);
    if (a[L + 1].k > a[R].k) pair_swap(&a[L + 1], &a[R]);
    if (a[L].k > a[R].k) pair_swap(&a[L], &a[R]);
    if (a[L + 1].k > a[L].k) pair_swap(&a[L + 1], &a[L]);
    int64_t i = L + 1, j = R;
    uint64_t piv = a[L].k;
    for (;;) {
      do i++;
      while (piv > a[i].k);
      do j--;
      while (a[j].k > piv);
      if (j < i) break;
      pair_swap(&a[i], &a[j]);
    }
    pair_swap(&a[L], &a[j]);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}

/* Stable sort by key: LSD radix sort over the key's bytes (a byte every key shares is
 * skipped), insertion sort for short arrays.  tmp holds n pairs. */
static void stable_sort(SortPair *a, SortPair *tmp, int64_t n, int bits) {
  if (n <= 64) {
    insertion_sort(a, a + n);
    return;
  }
  int nbytes = bits / 8;
  int64_t counts[8][256];
  memset(counts, 0, sizeof(int64_t) * 256 * (size_t)nbytes);
  for (int64_t j = 0; j < n; j++) {
    uint64_t k = a[j].k;
    for (int b = 0; b < nbytes; b++) counts[b][(k >> (8 * b)) & 255]++;
  }
  SortPair *src = a, *dst = tmp;
  for (int b = 0; b < nbytes; b++) {
    int64_t *c = counts[b];
    if (c[(src[0].k >> (8 * b)) & 255] == n) continue; /* every key has this byte */
    int64_t sum = 0;
    for (int v = 0; v < 256; v++) {
      int64_t t = c[v];
      c[v] = sum;
      sum += t;
    }
    for (int64_t j = 0; j < n; j++) dst[c[(src[j].k >> (8 * b)) & 255]++] = src[j];
    SortPair *t = src;
    src = dst;
    dst = t;
  }
  if (src != a) memcpy(a, src, (size_t)n * sizeof(SortPair));
}

/* ======================================================================= slices */

/* The slices of up to three tensors along dim (all of one shape apart from that dim). */
typedef struct {
  int64_t n;       /* size of the first tensor along dim */
  int64_t nslices;
  int nd;          /* the other dims */
  int64_t sizes[TH_MAX_DIMS];
  int64_t strides[3][TH_MAX_DIMS]; /* elements */
  int64_t dstride[3];              /* elements, along dim */
  char *base[3];
  int64_t esize[3];
} Slices;

static void slices_init(Slices *g, int nt, const THTensor *const *ts, int dim) {
  const THTensor *x = ts[0];
  g->n = x->ndim > 0 ? x->size[dim] : 1;
  g->nslices = 1;
  g->nd = 0;
  for (int t = 0; t < nt; t++) {
    g->base[t] = THTensor_data(ts[t]);
    g->esize[t] = (int64_t)THDtype_size(ts[t]->dtype);
    g->dstride[t] = ts[t]->ndim > 0 ? ts[t]->stride[dim] : 0;
  }
  for (int d = x->ndim - 1; d >= 0; d--) { /* innermost first */
    if (d == dim || x->size[d] == 1) continue;
    g->sizes[g->nd] = x->size[d];
    for (int t = 0; t < nt; t++) g->strides[t][g->nd] = ts[t]->stride[d];
    g->nslices *= x->size[d];
    g->nd++;
  }
}

/* Pointers to the start of slice s in each tensor. */
static inline void slice_ptrs(const Slices *g, int nt, int64_t s, char **p) {
  for (int t = 0; t < nt; t++) p[t] = g->base[t];
  for (int d = 0; d < g->nd; d++) {
    int64_t i = s % g->sizes[d];
    s /= g->sizes[d];
    for (int t = 0; t < nt; t++) p[t] += i * g->strides[t][d] * g->esize[t];
  }
}

static inline void copy_elem(char *dst, const char *src, int64_t es) {
  switch (es) {
  case 1: memcpy(dst, src, 1); break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  default: memcpy(dst, src, 8); break;
  }
}

/* values[j] = x[buf[j].i], indices[j] = buf[j].i for j < k (pointers at the slice start).
 * With put, the values are rebuilt from the keys (sequential writes, no random reads). */
static void write_out(const Slices *g, char *const *p, const SortPair *buf, int64_t k, PutFn put,
                      uint64_t flip) {
  const int64_t es = g->esize[0], xs = g->dstride[0] * es, vs = g->dstride[1] * es;
  const int64_t is = g->dstride[2];
  int64_t *ind = (int64_t *)(void *)p[2];
  if (put) {
    put(p[1], g->dstride[1], buf, k, flip);
    for (int64_t j = 0; j < k; j++) ind[j * is] = buf[j].i;
    return;
  }
  for (int64_t j = 0; j < k; j++) {
    int64_t i = buf[j].i;
    copy_elem(p[1] + j * vs, p[0] + i * xs, es);
    ind[j * is] = i;
  }
}

/* Threads to use for nslices slices of n elements each. */
static int slice_threads(const Slices *g) {
  if (g->nslices < 2 || g->n * g->nslices <= TH_PARALLEL_GRAIN || omp_in_parallel()) return 1;
  int nt = omp_get_max_threads();
  return g->nslices < nt ? (int)g->nslices : nt;
}

/* Runs body(slice pointers, buf, tmp) over every slice, in parallel; buf (and tmp, when
 * want_tmp) hold n pairs per thread.  Returns TH_ERROR when scratch memory ran out. */
typedef enum { JOB_SORT, JOB_TOPK, JOB_KTH } JobKind;
typedef struct {
  JobKind kind;
  bool flag_a; /* sort: descending; topk: largest */
  bool flag_b; /* sort: stable; topk: sorted */
  int64_t k;
} Job;

static void run_slice(const Job *job, const Slices *g, THDtype dtype, char *const *p,
                      SortPair *buf, SortPair *tmp) {
  const int64_t n = g->n;
  const int bits = key_bits[dtype];
  const uint64_t flip = job->kind != JOB_KTH && job->flag_a ? key_mask(bits) : 0;
  bool exact = gather_fns[dtype](p[0], g->dstride[0], n, flip, buf);
  PutFn put = exact ? put_fns[dtype] : NULL;
  switch (job->kind) {
  case JOB_SORT:
    if (job->flag_b) stable_sort(buf, tmp, n, bits);
    else pair_sort(buf, buf + n);
    write_out(g, p, buf, n, put, flip);
    break;
  case JOB_TOPK: {
    int64_t k = job->k;
    if (k * 64 <= n) {
      partial_sort(buf, buf + k, buf + n);
    } else {
      nth_element(buf, buf + k - 1, buf + n);
      if (job->flag_b) pair_sort(buf, buf + k - 1);
    }
    write_out(g, p, buf, k, put, flip);
    break;
  }
  case JOB_KTH:
    quickselect(buf, n, job->k - 1);
    write_out(g, p, buf + job->k - 1, 1, put, flip);
    break;
  }
}

static int run_slices(const char *op, const Job *job, THTensor *values, THTensor *indices,
                      const THTensor *x, int dim) {
  const THTensor *ts[3] = {x, values, indices};
  Slices g;
  slices_init(&g, 3, ts, dim);
  if (g.n == 0 || g.nslices == 0) return TH_OK;
  const bool want_tmp = job->kind == JOB_SORT && job->flag_b;
  const size_t bytes = (size_t)g.n * sizeof(SortPair);
  atomic_int failed = 0;
  int nthreads = slice_threads(&g);
  if (nthreads == 1) { /* no parallel region at all: entering one costs more than a small sort */
    SortPair *buf = THAlloc(bytes), *tmp = want_tmp ? THAlloc(bytes) : NULL;
    if (buf && (!want_tmp || tmp)) {
      for (int64_t s = 0; s < g.nslices; s++) {
        char *p[3];
        slice_ptrs(&g, 3, s, p);
        run_slice(job, &g, x->dtype, p, buf, tmp);
      }
    } else {
      failed = 1;
    }
    if (buf) THFree(buf, bytes);
    if (tmp) THFree(tmp, bytes);
  } else {
#pragma omp parallel num_threads(nthreads)
    {
      SortPair *buf = THAlloc(bytes), *tmp = want_tmp ? THAlloc(bytes) : NULL;
      bool ok = buf && (!want_tmp || tmp);
      if (!ok) atomic_store(&failed, 1);
#pragma omp for schedule(static)
      for (int64_t s = 0; s < g.nslices; s++) {
        if (!ok) continue;
        char *p[3];
        slice_ptrs(&g, 3, s, p);
        run_slice(job, &g, x->dtype, p, buf, tmp);
      }
      if (buf) THFree(buf, bytes);
      if (tmp) THFree(tmp, bytes);
    }
  }
  if (atomic_load(&failed))
    return TH_setError("[%s] out of memory allocating %zu bytes of scratch space", op, bytes);
  return TH_OK;
}

/* ======================================================================= sort, topk, kthvalue */

static int cpu_sort(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                    bool descending, bool stable) {
  Job job = {JOB_SORT, descending, stable, 0};
  return run_slices("sort", &job, values, indices, x, dim);
}

static int cpu_topk(THTensor *values, THTensor *indices, const THTensor *x, int dim, int64_t k,
                    bool largest, bool sorted) {
  if (k == 0) return TH_OK;
  Job job = {JOB_TOPK, largest, sorted, k};
  return run_slices("topk", &job, values, indices, x, dim);
}

static int cpu_kthvalue(THTensor *values, THTensor *indices, const THTensor *x, int dim,
                        int64_t k) {
  Job job = {JOB_KTH, false, false, k};
  return run_slices("kthvalue", &job, values, indices, x, dim);
}

/* ======================================================================= unique */

/* Group boundaries: a new group starts where the key changes, and at every NaN (NaN != NaN). */
static inline bool new_group(uint64_t k, uint64_t prev, bool has_nan, uint64_t nan_key) {
  return k != prev || (has_nan && k == nan_key);
}

/* unique for keys in [kmin, kmin + range): one counter and one first position per key.
 * Sorted: groups in key order; otherwise in order of first appearance (a group is made
 * when the scan meets its first element). */
static int unique_by_counting(const THTensor *x, THUniqueMode mode, const char *data,
                              const SortPair *buf, int64_t n, uint64_t kmin, uint64_t range,
                              int64_t *inv, THTensor **values, THTensor **counts) {
  const int64_t es = (int64_t)THDtype_size(x->dtype);
  const size_t abytes = (size_t)range * sizeof(int64_t);
  int64_t *cnt = THAlloc(abytes), *first = cnt ? THAlloc(abytes) : NULL;
  THTensor *v = NULL, *c = NULL;
  int64_t G = 0;
  if (!first) goto fail;
  memset(cnt, 0, abytes);
  for (int64_t j = 0; j < n; j++) {
    uint64_t r = buf[j].k - kmin;
    if (cnt[r]++ == 0) {
      first[r] = j;
      G++;
    }
  }
  if (!(v = THTensor_empty(x->dtype, THTensor_device(x), 1, &G))) goto fail;
  if (counts && !(c = THTensor_empty(TH_I64, THTensor_device(x), 1, &G))) goto fail;
  char *vd = THTensor_data(v);
  int64_t *cd = c ? THTensor_data(c) : NULL;
  if (mode == TH_UNIQUE_SORTED) {
    for (uint64_t r = 0, g = 0; r < range; r++) {
      if (!cnt[r]) continue;
      copy_elem(vd + (int64_t)g * es, data + first[r] * es, es);
      if (cd) cd[g] = cnt[r];
      cnt[r] = (int64_t)g++; /* from here on: the key's output position */
    }
    if (inv)
      for (int64_t j = 0; j < n; j++) inv[j] = cnt[buf[j].k - kmin];
  } else {
    for (int64_t j = 0, g = 0; j < n; j++) {
      uint64_t r = buf[j].k - kmin;
      if (first[r] == j) {
        copy_elem(vd + g * es, data + j * es, es);
        if (cd) cd[g] = cnt[r];
        cnt[r] = g++;
      }
      if (inv) inv[j] = cnt[r];
    }
  }
  THFree(cnt, abytes);
  THFree(first, abytes);
  *values = v;
  if (counts) *counts = c;
  return TH_OK;
fail:
  if (cnt) THFree(cnt, abytes);
  if (first) THFree(first, abytes);
  THTensor_free(v);
  THTensor_free(c);
  return TH_ERROR;
}

static int cpu_unique(const THTensor *x, THUniqueMode mode, THTensor **values, THTensor *inverse,
                      THTensor **counts) {
  const int64_t n = THTensor_numel(x);
  const int bits = key_bits[x->dtype];
  const bool has_nan = THDtype_isFloating(x->dtype);
  const uint64_t nan_key = key_mask(bits);
  const int64_t es = (int64_t)THDtype_size(x->dtype);
  THTensor *xc = NULL, *v = NULL, *c = NULL;
  SortPair *buf = NULL, *tmp = NULL;
  int64_t *groups = NULL; /* G group starts (in buf order) + n, then G first positions in x */
  const size_t bytes = (size_t)n * sizeof(SortPair);
  size_t gbytes = 0;
  int rc = TH_ERROR;
  int64_t G = 0;
  if (!(xc = THTensor_contiguous(x))) goto done;
  const char *data = THTensor_data(xc);
  int64_t *inv = inverse ? THTensor_data(inverse) : NULL;
  if (n > 0 && !(buf = THAlloc(bytes))) goto done;
  gather_fns[x->dtype](data, 1, n, 0, buf);
  if (mode != TH_UNIQUE_CONSECUTIVE && n > 0) {
    uint64_t kmin = UINT64_MAX, kmax = 0;
    for (int64_t j = 0; j < n; j++) {
      kmin = buf[j].k < kmin ? buf[j].k : kmin;
      kmax = buf[j].k > kmax ? buf[j].k : kmax;
    }
    /* keys in a narrow range (small integers, labels): count instead of sorting */
    if (!(has_nan && kmax == nan_key) && kmax - kmin < (uint64_t)n + 65536) {
      rc = unique_by_counting(x, mode, data, buf, n, kmin, kmax - kmin + 1, inv, &v, counts ? &c : NULL);
      goto done;
    }
    if (n > 0 && !(tmp = THAlloc(bytes))) goto done;
    stable_sort(buf, tmp, n, bits);
  }
  /* groups of equal keys in buf: start, size, smallest position in x (the first one, as the
   * sort is stable), and each element's group */
  for (int64_t j = 0; j < n; j++)
    if (j == 0 || new_group(buf[j].k, buf[j - 1].k, has_nan, nan_key)) G++;
  gbytes = (size_t)(2 * G + 1) * sizeof(int64_t);
  if (!(groups = THAlloc(gbytes))) goto done;
  int64_t *start = groups, *pos = groups + G + 1;
  for (int64_t j = 0, g = -1; j < n; j++) {
    if (j == 0 || new_group(buf[j].k, buf[j - 1].k, has_nan, nan_key)) {
      start[++g] = j;
      pos[g] = buf[j].i;
    }
    if (inv) inv[buf[j].i] = g;
  }
  start[G] = n;
  /* sorted or consecutive: output position p holds group p.  In order of first appearance:
   * sort the groups by pos (buf is free now and serves as the radix scratch) */
  SortPair *order = NULL;
  if (mode == TH_UNIQUE_FIRST_SEEN && G > 1) {
    order = tmp;
    for (int64_t g = 0; g < G; g++) order[g] = (SortPair){(uint64_t)pos[g], g};
    stable_sort(order, buf, G, 64);
    for (int64_t p = 0; p < G; p++) buf[order[p].i].i = p; /* group -> output position */
    if (inv)
      for (int64_t j = 0; j < n; j++) inv[j] = buf[inv[j]].i;
  }
  if (!(v = THTensor_empty(x->dtype, THTensor_device(x), 1, &G))) goto done;
  if (counts && !(c = THTensor_empty(TH_I64, THTensor_device(x), 1, &G))) goto done;
  char *vd = THTensor_data(v);
  int64_t *cd = c ? THTensor_data(c) : NULL;
  for (int64_t p = 0; p < G; p++) {
    int64_t g = order ? order[p].i : p;
    copy_elem(vd + p * es, data + pos[g] * es, es);
    if (cd) cd[p] = start[g + 1] - start[g];
  }
  rc = TH_OK;
done:
  if (buf) THFree(buf, bytes);
  if (tmp) THFree(tmp, bytes);
  if (groups) THFree(groups, gbytes);
  THTensor_free(xc);
  if (rc != TH_OK) {
    THTensor_free(v);
    THTensor_free(c);
    return TH_ERROR;
  }
  *values = v;
  if (counts) *counts = c;
  return TH_OK;
}

/* ======================================================================= searchsorted */

/* out[j] = insertion point of values[j] in row j / inner of seq (row 0 when seq is 1-D), with
 * PyTorch's comparisons: left finds the first element not < v, right the first element > v
 * (so a NaN value goes to the end).  Runs values [begin, end). */
#define DEF_SEARCH(ID, NAME, CTYPE, ACC, KIND)                                                  \
  static void search_##ID(const CTYPE *seq, int64_t m, bool seq1d, const int64_t *sorter,      \
                          const CTYPE *val, int64_t begin, int64_t end, int64_t inner,         \
                          bool right, int64_t *o64, int32_t *o32) {                            \
    for (int64_t j = begin; j < end; j++) {                                                    \
      int64_t row = seq1d ? 0 : j / inner;                                                     \
      const CTYPE *b = seq + row * m;                                                          \
      const int64_t *srt = sorter ? sorter + row * m : NULL;                                   \
      const ACC v = LOAD_##ID(val[j]);                                                         \
      int64_t lo = 0, hi = m;                                                                  \
      while (lo < hi) {                                                                        \
        int64_t mid = lo + ((hi - lo) >> 1);                                                   \
        ACC mv = LOAD_##ID(b[srt ? srt[mid] : mid]);                                           \
        if (right ? !(mv > v) : !(mv >= v)) lo = mid + 1;                                      \
        else hi = mid;                                                                         \
      }                                                                                        \
      if (o64) o64[j] = lo;                                                                    \
      else o32[j] = (int32_t)lo;                                                               \
    }                                                                                          \
  }
TH_FORALL_DTYPES(DEF_SEARCH)
#undef DEF_SEARCH

static void search_range(const THTensor *seq, const THTensor *values, const int64_t *srt,
                         int64_t begin, int64_t end, bool right, int64_t *o64, int32_t *o32) {
  int64_t m = seq->size[seq->ndim - 1];
  bool seq1d = seq->ndim == 1;
  int64_t inner = values->ndim > 0 ? values->size[values->ndim - 1] : 1;
  switch (seq->dtype) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND)                                                       \
  case TH_##ID:                                                                                \
    search_##ID(THTensor_data(seq), m, seq1d, srt, THTensor_data(values), begin, end, inner,   \
                right, o64, o32);                                                              \
    break;
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
  default: break;
  }
}

static int cpu_search(THTensor *out, const THTensor *seq, const THTensor *values,
                      const THTensor *sorter, bool right) {
  int64_t nval = THTensor_numel(values);
  const int64_t *srt = sorter ? THTensor_data(sorter) : NULL;
  int64_t *o64 = out->dtype == TH_I64 ? THTensor_data(out) : NULL;
  int32_t *o32 = out->dtype == TH_I32 ? THTensor_data(out) : NULL;
  /* a binary search costs about as much as 8 elements of a pointwise op */
  if (nval * 8 <= TH_PARALLEL_GRAIN || omp_in_parallel() || omp_get_max_threads() == 1) {
    search_range(seq, values, srt, 0, nval, right, o64, o32);
    return TH_OK;
  }
#pragma omp parallel
  {
    int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
    int64_t per = (nval + nt - 1) / nt, b = t * per, e = b + per < nval ? b + per : nval;
    if (b < e) search_range(seq, values, srt, b, e, right, o64, o32);
  }
  return TH_OK;
}

/* ======================================================================= registration */

__attribute__((constructor)) static void cpu_sort_register(void) {
  THDispatch_register(TH_OP_sort, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_sort});
  THDispatch_register(TH_OP_topk, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_topk});
  THDispatch_register(TH_OP_kthvalue, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_kthvalue});
  THDispatch_register(TH_OP_unique, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_unique});
  THDispatch_register(TH_OP_unique_consecutive, TH_DEVICE_CPU,
                      (THKernel){.fn = (void (*)(void))cpu_unique});
  THDispatch_register(TH_OP_searchsorted, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_search});
  THDispatch_register(TH_OP_bucketize, TH_DEVICE_CPU, (THKernel){.fn = (void (*)(void))cpu_search});
}
