// THCReduce.cu: the CUDA kernels of THOps.def's accumulating REDUCE rows: sum, nansum, mean,
// prod, amax/amin, max/min (everything, or values + indices along a dim), argmax/argmin,
// var/std and their _mean forms, norm, logsumexp, all, any, count_nonzero.  (median,
// nanmedian and mode sort their rows: THCReduceSelect.cu.)
//
// One engine runs them all.  The input's dims are split into kept dims (one output each) and
// reduced dims; size-1 dims are dropped, dims are ordered by stride and neighbours that walk
// memory as one dim are merged.  Then a block takes one of two shapes:
//   inner  the reduced elements are the closest in memory (x:sum(-1), a whole-tensor sum):
//          threadIdx.x walks the reduction, with 16-byte vector loads when it is contiguous
//          and aligned, and threadIdx.y picks the output;
//   outer  a kept dim is the closest (x:sum(1) of a matrix): threadIdx.x picks the output, so
//          every thread walks a column and a warp reads along rows; threadIdx.y splits the
//          reduction.
// The threads of one output meet in shared memory.  When the outputs alone cannot fill the
// device, blockIdx.y cuts the reduction into slices whose partial accumulators go to a
// workspace, and a second kernel combines them per output: deterministic, no atomics.
//
// Accumulators follow the CPU's (THCpuReduceAcc.c): float for float32 and the 16-bit floats,
// double for float64, int64 (wrapping) for integer and bool sums and products, double for
// var/std (Welford's update, partial states merged with Chan's formula) and logsumexp (a
// running maximum and a sum of exponentials).  max/min propagate NaN; the indexed forms keep
// the first index on ties and the first NaN.
#include <algorithm>
#include <atomic>
#include <cmath>
#include "THCReduceDevice.cuh"

using namespace thc;

namespace {

constexpr int kMaxThreads = 512;   // threads of a reduce block
constexpr int kFinalThreads = 256; // threads of a block combining slices
constexpr int kUnroll = 4;         // independent loads in flight per thread
constexpr int64_t kMinWork = 4;    // loads per thread a slice leaves at least

// ======================================================================= arithmetic

__device__ __forceinline__ float powval(float a, float b) { return powf(a, b); }
__device__ __forceinline__ double powval(double a, double b) { return pow(a, b); }
__device__ __forceinline__ float sqrtval(float v) { return sqrtf(v); }
__device__ __forceinline__ double sqrtval(double v) { return sqrt(v); }

// 16 bytes of elements, loaded at once.
template <typename S> struct alignas(16) Vec16 {
  S v[16 / sizeof(S)];
};

// ======================================================================= the accumulators
//
// Each one: in_t (the stored element), acc_t (the state), kIndexed (the state tracks element
// indices, so reduced dims keep their row-major order), kVector (cheap enough per element
// that 16-byte loads pay), identity(), reduce(acc, element, index), combine(acc, acc),
// finish(acc, out0, out1, output offset).

enum { T_NONE, T_NAN0, T_ABS, T_SQ, T_NZ, T_POW }; // what a float sum adds per element
enum { F_STORE, F_MEAN, F_SQRT, F_ROOT };          // what it does with the total

// sum, nansum, mean and the finite norms of the float dtypes; kPlain: no transform.
template <typename S, bool kPlain> struct FloatSum {
  typedef S in_t;
  typedef typename Wide<S>::type acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = true;
  int transform, finish_kind;
  acc_t p, inv_p, count;

  __device__ acc_t identity() const { return 0; }
  __device__ acc_t element(acc_t v) const {
    if (kPlain) return v;
    switch (transform) {
    case T_NAN0: return v != v ? acc_t(0) : v;
    case T_ABS: return absval(v);
    case T_SQ: return v * v;
    case T_NZ: return v != acc_t(0) ? acc_t(1) : acc_t(0);
    case T_POW: return powval(absval(v), p);
    default: return v;
    }
  }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const { return a + element((acc_t)to_acc(s)); }
  __device__ acc_t combine(acc_t a, acc_t b) const { return a + b; }
  __device__ void finish(acc_t a, char *o0, char *, int64_t oo) const {
    switch (finish_kind) {
    case F_MEAN: a = a / count; break;
    case F_SQRT: a = sqrtval(a); break;
    case F_ROOT: a = count == acc_t(0) ? acc_t(0) : powval(a, inv_p); break;
    default: break;
    }
    ((S *)o0)[oo] = Store<S>::from(a);
  }
};

enum { C_SUM, C_NONZERO };            // what an int64 count adds per element
enum { C_INT64, C_ALL, C_ANY };       // what it writes

// Integer and bool sums (int64 results), count_nonzero, all and any (every dtype).
template <typename S> struct IntCount {
  typedef S in_t;
  typedef int64_t acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = true;
  int mode, finish_kind;
  int64_t count;

  __device__ acc_t identity() const { return 0; }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const {
    auto v = to_acc(s);
    return plus(a, mode == C_NONZERO ? (int64_t)(v != 0) : (int64_t)v);
  }
  __device__ acc_t combine(acc_t a, acc_t b) const { return plus(a, b); }
  __device__ void finish(acc_t a, char *o0, char *, int64_t oo) const {
    if (finish_kind == C_INT64) ((int64_t *)o0)[oo] = a;
    else ((uint8_t *)o0)[oo] = finish_kind == C_ALL ? a == count : a > 0;
  }
};

// prod: float / double for the floats (stored back in the input dtype), wrapping int64 else.
template <typename S> struct Prod {
  typedef S in_t;
  typedef typename Wide<S>::type acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = true;

  __device__ acc_t identity() const { return 1; }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const { return times(a, (acc_t)to_acc(s)); }
  __device__ acc_t combine(acc_t a, acc_t b) const { return times(a, b); }
  __device__ void finish(acc_t a, char *o0, char *, int64_t oo) const {
    if constexpr (is_floating<S>()) ((S *)o0)[oo] = Store<S>::from(a);
    else ((int64_t *)o0)[oo] = a;
  }
};

// amax/amin, max/min of everything, and the inf / -inf norms (of |x|, 0 when empty).
template <typename S> struct Ext {
  typedef S in_t;
  typedef typename Wide<S>::type acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = true;
  bool is_min, is_abs, zero_if_empty;
  int64_t count;

  __device__ acc_t identity() const {
    if constexpr (is_floating<S>()) return is_min ? acc_t(INFINITY) : acc_t(-INFINITY);
    else return is_min ? INT64_MAX : INT64_MIN;
  }
  // r after seeing v: NaN wins and stays
  __device__ acc_t pick(acc_t r, acc_t v) const {
    bool better = is_min ? v < r : v > r;
    if constexpr (is_floating<S>()) return (better || v != v) && r == r ? v : r;
    else return better ? v : r;
  }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const {
    acc_t v = (acc_t)to_acc(s);
    if constexpr (is_floating<S>())
      if (is_abs) v = absval(v);
    return pick(a, v);
  }
  __device__ acc_t combine(acc_t a, acc_t b) const { return pick(a, b); }
  __device__ void finish(acc_t a, char *o0, char *, int64_t oo) const {
    if (zero_if_empty && count == 0) a = 0;
    ((S *)o0)[oo] = Store<S>::from(a);
  }
};

template <typename W> struct ArgState {
  W v;
  int64_t i; // -1: nothing seen yet
};

// argmax/argmin, and max/min along a dim (values + indices).
template <typename S> struct Arg {
  typedef S in_t;
  typedef typename Wide<S>::type W;
  typedef ArgState<W> acc_t;
  static constexpr bool kIndexed = true;
  static constexpr bool kVector = false;
  bool is_min, values_too;

  __device__ acc_t identity() const { return acc_t{W(0), -1}; }
  // does c beat s?  NaN beats numbers; ties go to the smaller index (a total order)
  __device__ bool beats(const acc_t &s, const acc_t &c) const {
    bool sn = s.v != s.v, cn = c.v != c.v;
    if (sn || cn) return cn && (!sn || c.i < s.i);
    return (is_min ? c.v < s.v : c.v > s.v) || (c.v == s.v && c.i < s.i);
  }
  __device__ acc_t combine(acc_t a, acc_t b) const {
    if (b.i < 0) return a;
    if (a.i < 0) return b;
    return beats(a, b) ? b : a;
  }
  __device__ acc_t reduce(acc_t a, S s, int64_t i) const {
    return combine(a, acc_t{(W)to_acc(s), i});
  }
  __device__ void finish(acc_t a, char *o0, char *o1, int64_t oo) const {
    if (values_too) {
      ((S *)o0)[oo] = Store<S>::from(a.v);
      ((int64_t *)o1)[oo] = a.i;
    } else {
      ((int64_t *)o0)[oo] = a.i;
    }
  }
};

struct Welford {
  double n, mean, m2;
};

// var/std (and the mean for var_mean/std_mean), in double.
template <typename S> struct Var {
  typedef S in_t;
  typedef Welford acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = false;
  bool take_sqrt, with_mean;
  double correction;

  __device__ acc_t identity() const { return Welford{0, 0, 0}; }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const {
    double v = (double)to_acc(s), n = a.n + 1, d = v - a.mean;
    double mean = a.mean + d / n;
    return Welford{n, mean, a.m2 + d * (v - mean)};
  }
  __device__ acc_t combine(acc_t a, acc_t b) const {
    if (b.n == 0) return a;
    if (a.n == 0) return b;
    double n = a.n + b.n, d = b.mean - a.mean;
    return Welford{n, a.mean + d * (b.n / n), a.m2 + b.m2 + d * d * (a.n * b.n / n)};
  }
  __device__ void finish(acc_t a, char *o0, char *o1, int64_t oo) const {
    double dof = a.n - correction;
    double v = a.m2 / (dof > 0 ? dof : 0);
    if (take_sqrt) v = sqrt(v);
    ((S *)o0)[oo] = Store<S>::from(v);
    if (with_mean) ((S *)o1)[oo] = Store<S>::from(a.n > 0 ? a.mean : (double)NAN);
  }
};

// logsumexp's state: s = sum of exp(x - m) over the finite elements, m their maximum; m NaN
// once a NaN was seen, m = inf once +inf was (s unused then); s == 0: nothing finite yet.
struct LseState {
  double m, s;
};

template <typename S> struct Lse {
  typedef S in_t;
  typedef LseState acc_t;
  static constexpr bool kIndexed = false;
  static constexpr bool kVector = false;

  __device__ acc_t identity() const { return LseState{0, 0}; }
  __device__ acc_t reduce(acc_t a, S s, int64_t) const {
    double v = (double)to_acc(s);
    if (a.m != a.m) return a;
    if (v != v) return LseState{v, 0};
    if (a.m == INFINITY) return a;
    if (v == INFINITY) return LseState{v, 0};
    if (v == -INFINITY) return a;
    if (a.s == 0) return LseState{v, 1};
    if (v > a.m) return LseState{v, a.s * exp(a.m - v) + 1};
    return LseState{a.m, a.s + exp(v - a.m)};
  }
  __device__ acc_t combine(acc_t a, acc_t b) const {
    if (a.m != a.m) return a;
    if (b.m != b.m) return b;
    if (a.m == INFINITY) return a;
    if (b.m == INFINITY) return b;
    if (b.s == 0) return a;
    if (a.s == 0) return b;
    double m = a.m > b.m ? a.m : b.m;
    return LseState{m, a.s * exp(a.m - m) + b.s * exp(b.m - m)};
  }
  __device__ void finish(acc_t a, char *o0, char *, int64_t oo) const {
    double r = a.m != a.m || a.m == INFINITY ? a.m : a.s == 0 ? -INFINITY : log(a.s) + a.m;
    ((S *)o0)[oo] = Store<S>::from(r);
  }
};

// ======================================================================= index arithmetic

// A group of dims walked by one flat index, the last dim fastest; strides in elements.
struct Dims {
  int n;
  bool small; // every flat index fits 32 bits: cheaper divisions
  int64_t size[TH_MAX_DIMS];
  int64_t xs[TH_MAX_DIMS]; // in x
  int64_t os[TH_MAX_DIMS]; // in the outputs (0 for reduced dims)
};

// The offset in x of flat index i of g, and in the outputs (when oo is given).
__device__ __forceinline__ int64_t dims_offset(const Dims &g, int64_t i, int64_t *oo) {
  int64_t x = 0, o = 0;
  if (g.small) {
    uint32_t k = (uint32_t)i;
    for (int d = g.n - 1; d > 0; d--) {
      uint32_t sz = (uint32_t)g.size[d], q = k / sz, r = k - q * sz;
      x += (int64_t)r * g.xs[d];
      o += (int64_t)r * g.os[d];
      k = q;
    }
    i = k;
  } else {
    for (int d = g.n - 1; d > 0; d--) {
      int64_t q = i / g.size[d], r = i - q * g.size[d];
      x += r * g.xs[d];
      o += r * g.os[d];
      i = q;
    }
  }
  if (g.n > 0) {
    x += i * g.xs[0];
    o += i * g.os[0];
  }
  if (oo) *oo = o;
  return x;
}

// How a reduction is launched (made on the host by make_plan, read by both kernels).
struct Plan {
  Dims K, R;          // kept dims (one output per flat index), reduced dims
  int64_t O, N;       // outputs; elements reduced into each
  int64_t units;      // loads along a reduction: N / vector width when vec, else N
  int64_t chunk;      // units per slice
  int splits;         // slices of every reduction (gridDim.y)
  bool inner, vec;    // the block's shape; 16-byte loads of a contiguous reduction
  dim3 block, grid;   // the reduce kernel
  dim3 fblock, fgrid; // the combine kernel (splits > 1)
  size_t smem, fsmem;
  size_t ws_bytes;    // partial accumulators: splits * O
};

template <typename T> __device__ __forceinline__ T *shared_buffer() {
  extern __shared__ __align__(16) unsigned char thc_reduce_smem[];
  return reinterpret_cast<T *>(thc_reduce_smem);
}

// Combines the nl accumulators of each output, lane j at buf[tid + j * lane_step]; every
// thread of the block must call it.  Lane 0 ends up with the total.
template <class Op>
__device__ __forceinline__ typename Op::acc_t block_combine(const Op &op, typename Op::acc_t acc,
                                                            int lane, int nl, int lane_step) {
  typedef typename Op::acc_t T;
  T *buf = shared_buffer<T>();
  const int tid = threadIdx.y * blockDim.x + threadIdx.x;
  buf[tid] = acc;
  __syncthreads();
  for (int off = nl / 2; off > 0; off >>= 1) {
    if (lane < off) buf[tid] = op.combine(buf[tid], buf[tid + off * lane_step]);
    __syncthreads();
  }
  return buf[tid];
}

// Units r, r + nl, ... below end of one reduction whose elements lie at R's offsets.
template <class Op>
__device__ __forceinline__ typename Op::acc_t reduce_scalars(const Op &op,
                                                             const typename Op::in_t *x,
                                                             const Dims &R, int64_t r,
                                                             int64_t end, int nl) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t S;
  T a[kUnroll];
#pragma unroll
  for (int u = 0; u < kUnroll; u++) a[u] = op.identity();
  if (R.n == 1) {
    const int64_t s = R.xs[0];
    for (; r + (kUnroll - 1) * (int64_t)nl < end; r += kUnroll * (int64_t)nl) {
      S v[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; u++) v[u] = x[(r + u * nl) * s];
#pragma unroll
      for (int u = 0; u < kUnroll; u++) a[u] = op.reduce(a[u], v[u], r + u * nl);
    }
    for (; r < end; r += nl) a[0] = op.reduce(a[0], x[r * s], r);
  } else { /* reduced dims that cannot merge: the offsets cost more than the loads */
    for (; r < end; r += nl) a[0] = op.reduce(a[0], x[dims_offset(R, r, nullptr)], r);
  }
#pragma unroll
  for (int u = 1; u < kUnroll; u++) a[0] = op.combine(a[0], a[u]);
  return a[0];
}

// Vectors q, q + nl, ... below end of a contiguous, 16-byte aligned reduction.
template <class Op>
__device__ __forceinline__ typename Op::acc_t reduce_vectors(const Op &op,
                                                             const typename Op::in_t *x,
                                                             int64_t q, int64_t end, int nl) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t S;
  constexpr int V = 16 / sizeof(S);
  constexpr int U = V <= 4 ? kUnroll : 16 / V; /* at most 16 elements per round */
  const Vec16<S> *xv = reinterpret_cast<const Vec16<S> *>(x);
  T a[U];
#pragma unroll
  for (int u = 0; u < U; u++) a[u] = op.identity();
  for (; q + (U - 1) * (int64_t)nl < end; q += U * (int64_t)nl) {
    Vec16<S> v[U];
#pragma unroll
    for (int u = 0; u < U; u++) v[u] = xv[q + u * nl];
#pragma unroll
    for (int u = 0; u < U; u++)
#pragma unroll
      for (int e = 0; e < V; e++) a[u] = op.reduce(a[u], v[u].v[e], (q + u * nl) * V + e);
  }
  for (; q < end; q += nl) {
    Vec16<S> v = xv[q];
#pragma unroll
    for (int e = 0; e < V; e++) a[0] = op.reduce(a[0], v.v[e], q * V + e);
  }
#pragma unroll
  for (int u = 1; u < U; u++) a[0] = op.combine(a[0], a[u]);
  return a[0];
}

template <class Op>
__global__ void __launch_bounds__(kMaxThreads)
    reduce_kernel(const typename Op::in_t *__restrict__ x, char *out0, char *out1,
                  typename Op::acc_t *ws, const Plan P, const Op op) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t S;
  int64_t o;
  int lane, nl, lane_step;
  if (P.inner) {
    o = (int64_t)blockIdx.x * blockDim.y + threadIdx.y;
    lane = threadIdx.x;
    nl = blockDim.x;
    lane_step = 1;
  } else {
    o = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    lane = threadIdx.y;
    nl = blockDim.y;
    lane_step = blockDim.x;
  }
  T acc = op.identity();
  if (o < P.O) {
    const S *xo = x + dims_offset(P.K, o, nullptr);
    const int64_t begin = (int64_t)blockIdx.y * P.chunk;
    const int64_t end = begin + P.chunk < P.units ? begin + P.chunk : P.units;
    bool done = false;
    if constexpr (Op::kVector) {
      if (P.vec) {
        acc = reduce_vectors(op, xo, begin + lane, end, nl);
        if (blockIdx.y == gridDim.y - 1) /* the elements after the last whole vector */
          for (int64_t r = P.units * (16 / sizeof(S)) + lane; r < P.N; r += nl)
            acc = op.reduce(acc, xo[r], r);
        done = true;
      }
    }
    if (!done) acc = reduce_scalars(op, xo, P.R, begin + lane, end, nl);
  }
  acc = block_combine(op, acc, lane, nl, lane_step);
  if (lane == 0 && o < P.O) {
    if (P.splits == 1) {
      int64_t oo;
      dims_offset(P.K, o, &oo);
      op.finish(acc, out0, out1, oo);
    } else {
      ws[(int64_t)blockIdx.y * P.O + o] = acc;
    }
  }
}

// The slices' partial accumulators ws[slice * O + o] of each output, combined and finished.
template <class Op>
__global__ void __launch_bounds__(kFinalThreads)
    combine_kernel(char *out0, char *out1, const typename Op::acc_t *ws, const Plan P,
                   const Op op) {
  typedef typename Op::acc_t T;
  const int64_t o = (int64_t)blockIdx.x * blockDim.y + threadIdx.y;
  T acc = op.identity();
  if (o < P.O)
    for (int s = threadIdx.x; s < P.splits; s += blockDim.x)
      acc = op.combine(acc, ws[(int64_t)s * P.O + o]);
  acc = block_combine(op, acc, threadIdx.x, blockDim.x, 1);
  if (threadIdx.x == 0 && o < P.O) {
    int64_t oo;
    dims_offset(P.K, o, &oo);
    op.finish(acc, out0, out1, oo);
  }
}

// ======================================================================= planning

int64_t pow2_ceil(int64_t v) {
  int64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}
// Blocks of reduce_kernel<Op> with `threads` threads (a power of two) that fit on one
// multiprocessor of the current device; asked of the runtime once per device and size.
template <class Op> cudaError_t blocks_per_sm(int threads, int *per_sm) {
  typedef typename Op::acc_t T;
  constexpr int kDevices = 16, kSizes = 10; /* 1 .. 512 threads */
  static std::atomic<int> cache[kDevices][kSizes];
  int dev, size = 0;
  while ((1 << size) < threads) size++;
  cudaError_t e = cudaGetDevice(&dev);
  if (e != cudaSuccess) return e;
  int n = dev < kDevices ? cache[dev][size].load(std::memory_order_relaxed) : 0;
  if (n == 0) {
    e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, reduce_kernel<Op>, threads,
                                                      (size_t)threads * sizeof(T));
    if (e != cudaSuccess) return e;
    n = std::max(n, 1);
    if (dev < kDevices) cache[dev][size].store(n, std::memory_order_relaxed);
  }
  *per_sm = n;
  return cudaSuccess;
}

void dims_append(Dims &g, int64_t size, int64_t xs, int64_t os) {
  g.size[g.n] = size;
  g.xs[g.n] = xs;
  g.os[g.n] = os;
  g.n++;
}

// Larger x strides first (stable).
void dims_sort(Dims &g) {
  for (int i = 1; i < g.n; i++)
    for (int j = i; j > 0 && g.xs[j - 1] < g.xs[j]; j--) {
      std::swap(g.size[j - 1], g.size[j]);
      std::swap(g.xs[j - 1], g.xs[j]);
      std::swap(g.os[j - 1], g.os[j]);
    }
}

// Merges each dim into the one before it when the two walk x and the outputs as one dim;
// returns the number of elements.
int64_t dims_merge(Dims &g) {
  int m = 0;
  for (int i = 1; i < g.n; i++) {
    if (g.xs[m] == g.xs[i] * g.size[i] && g.os[m] == g.os[i] * g.size[i]) {
      g.size[m] *= g.size[i];
      g.xs[m] = g.xs[i];
      g.os[m] = g.os[i];
    } else {
      m++;
      g.size[m] = g.size[i];
      g.xs[m] = g.xs[i];
      g.os[m] = g.os[i];
    }
  }
  if (g.n > 0) g.n = m + 1;
  int64_t total = 1;
  for (int i = 0; i < g.n; i++) total *= g.size[i];
  g.small = total <= (int64_t)UINT32_MAX;
  return total;
}

template <class Op> cudaError_t make_plan(const THCReduceDesc &d, Plan *P) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t S;
  constexpr int V = 16 / sizeof(S);
  *P = Plan();
  Dims &K = P->K, &R = P->R;
  K.n = R.n = 0;
  int64_t ostride[TH_MAX_DIMS], run = 1;
  for (int i = d.ndim - 1; i >= 0; i--) {
    ostride[i] = run;
    run *= d.reduced[i] ? 1 : d.size[i];
  }
  for (int i = 0; i < d.ndim; i++) {
    if (d.size[i] == 1) continue;
    if (d.reduced[i]) dims_append(R, d.size[i], d.stride[i], 0);
    else dims_append(K, d.size[i], d.stride[i], ostride[i]);
  }
  dims_sort(K);
  if (!Op::kIndexed) dims_sort(R); /* indexed: the flat index stays row-major */
  P->O = dims_merge(K);
  P->N = dims_merge(R);
  if (R.n == 0) dims_append(R, 1, 0, 0);
  if (P->O == 0) return cudaSuccess; /* nothing to launch */

  bool aligned = (uintptr_t)d.x % 16 == 0;
  for (int i = 0; i < K.n; i++) aligned &= K.xs[i] % V == 0;
  P->vec = Op::kVector && R.n == 1 && R.xs[0] == 1 && P->N >= 2 * V && aligned;
  P->units = P->vec ? P->N / V : P->N;
  const int64_t rs = R.xs[R.n - 1], ks = K.n ? K.xs[K.n - 1] : INT64_MAX;
  P->inner = P->O == 1 || (P->N > 1 && rs <= ks);
  const int64_t units = std::max<int64_t>(P->units, 1);
  int64_t bx, by;
  if (P->inner) {
    bx = std::min<int64_t>(pow2_ceil(units), kMaxThreads);
    by = std::min<int64_t>(pow2_ceil(P->O), kMaxThreads / bx);
  } else {
    bx = std::min<int64_t>(pow2_ceil(P->O), 32);
    by = std::min<int64_t>(pow2_ceil(units), kMaxThreads / bx);
    bx = std::min<int64_t>(pow2_ceil(P->O), kMaxThreads / by);
  }
  P->block = dim3((unsigned)bx, (unsigned)by);
  const int64_t blocks = ceil_div(P->O, P->inner ? by : bx);
  P->smem = (size_t)(bx * by) * sizeof(T);

  // slices, when the outputs leave much of the device idle and each thread has work to share
  const int64_t per_lane = ceil_div(units, P->inner ? bx : by);
  int64_t splits = 1;
  if (per_lane >= 2 * kMinWork) {
    int sms, per_sm = 1;
    cudaError_t e = multiprocessors(&sms);
    if (e == cudaSuccess && blocks < 4 * (int64_t)sms)
      e = blocks_per_sm<Op>((int)(bx * by), &per_sm);
    if (e != cudaSuccess) return e;
    const int64_t target = (int64_t)sms * per_sm;
    if (blocks < target)
      splits = std::min<int64_t>({ceil_div(target, blocks), per_lane / kMinWork, 65535});
  }
  P->chunk = ceil_div(units, splits);
  P->splits = (int)ceil_div(units, P->chunk);
  P->grid = dim3((unsigned)blocks, (unsigned)P->splits);
  if (P->splits > 1) {
    int64_t fx = std::min<int64_t>(pow2_ceil(P->splits), kFinalThreads);
    int64_t fy = std::min<int64_t>(pow2_ceil(P->O), kFinalThreads / fx);
    P->fblock = dim3((unsigned)fx, (unsigned)fy);
    P->fgrid = dim3((unsigned)ceil_div(P->O, fy));
    P->fsmem = (size_t)(fx * fy) * sizeof(T);
    P->ws_bytes = (size_t)P->splits * (size_t)P->O * sizeof(T);
  }
  if (blocks > INT32_MAX) return cudaErrorInvalidConfiguration;
  return cudaSuccess;
}

// Plans the reduction; then either reports its workspace (ws_bytes given) or launches it.
template <class Op>
cudaError_t run(const THCReduceDesc &d, const Op &op, void *ws, size_t *ws_bytes,
                cudaStream_t stream) {
  typedef typename Op::acc_t T;
  typedef typename Op::in_t S;
  Plan P;
  cudaError_t e = make_plan<Op>(d, &P);
  if (e != cudaSuccess) return e;
  if (ws_bytes) {
    *ws_bytes = P.ws_bytes;
    return cudaSuccess;
  }
  if (P.O == 0) return cudaSuccess;
  reduce_kernel<Op><<<P.grid, P.block, P.smem, stream>>>((const S *)d.x, d.out[0], d.out[1],
                                                         (T *)ws, P, op);
  if ((e = cudaGetLastError()) != cudaSuccess || P.splits == 1) return e;
  combine_kernel<Op><<<P.fgrid, P.fblock, P.fsmem, stream>>>(d.out[0], d.out[1], (const T *)ws,
                                                             P, op);
  return cudaGetLastError();
}

bool is_float_dtype(int dt) {
  return dt == TH_F32 || dt == TH_F64 || dt == TH_F16 || dt == TH_BF16;
}

// Calls f with the accumulator of d's op and dtype.
template <class F> cudaError_t with_op(const THCReduceDesc &d, F &&f) {
  const int dt = d.dtype;
  const bool is_min = d.op == THC_OP_amin || d.op == THC_OP_min || d.op == THC_OP_argmin;
  switch (d.op) {
  case THC_OP_sum:
  case THC_OP_nansum:
    if (!is_float_dtype(dt)) {
      THC_DTYPE_CASES(dt, return f(IntCount<S>{C_SUM, C_INT64, d.count}));
    } else if (d.op == THC_OP_sum) {
      THC_FLOAT_DTYPE_CASES(dt, return f(FloatSum<S, true>{T_NONE, F_STORE, 0, 0, 0}));
    } else {
      THC_FLOAT_DTYPE_CASES(dt, return f(FloatSum<S, false>{T_NAN0, F_STORE, 0, 0, 0}));
    }
    break;
  case THC_OP_mean:
    THC_FLOAT_DTYPE_CASES(dt, typedef typename Wide<S>::type A;
                return f(FloatSum<S, true>{T_NONE, F_MEAN, 0, 0, (A)d.count}));
    break;
  case THC_OP_norm:
    if (d.p == INFINITY || d.p == -INFINITY) {
      THC_FLOAT_DTYPE_CASES(dt, return f(Ext<S>{d.p < 0, true, true, d.count}));
    } else {
      const int tr = d.p == 2 ? T_SQ : d.p == 1 ? T_ABS : d.p == 0 ? T_NZ : T_POW;
      const int fin = d.p == 2 ? F_SQRT : tr == T_POW ? F_ROOT : F_STORE;
      THC_FLOAT_DTYPE_CASES(dt, typedef typename Wide<S>::type A;
                  return f(FloatSum<S, false>{tr, fin, (A)d.p, (A)(1.0 / d.p), (A)d.count}));
    }
    break;
  case THC_OP_prod: THC_DTYPE_CASES(dt, return f(Prod<S>{})); break;
  case THC_OP_amax:
  case THC_OP_amin: THC_DTYPE_CASES(dt, return f(Ext<S>{is_min, false, false, d.count})); break;
  case THC_OP_max:
  case THC_OP_min:
    if (d.nout == 2) {
      THC_DTYPE_CASES(dt, return f(Arg<S>{is_min, true}));
    } else {
      THC_DTYPE_CASES(dt, return f(Ext<S>{is_min, false, false, d.count}));
    }
    break;
  case THC_OP_argmax:
  case THC_OP_argmin: THC_DTYPE_CASES(dt, return f(Arg<S>{is_min, false})); break;
  case THC_OP_var:
  case THC_OP_std:
  case THC_OP_var_mean:
  case THC_OP_std_mean: {
    const bool take_sqrt = d.op == THC_OP_std || d.op == THC_OP_std_mean;
    THC_FLOAT_DTYPE_CASES(dt, return f(Var<S>{take_sqrt, d.nout > 1, d.correction}));
    break;
  }
  case THC_OP_logsumexp: THC_FLOAT_DTYPE_CASES(dt, return f(Lse<S>{})); break;
  case THC_OP_all:
  case THC_OP_any:
  case THC_OP_count_nonzero: {
    const int fin = d.op == THC_OP_all ? C_ALL : d.op == THC_OP_any ? C_ANY : C_INT64;
    THC_DTYPE_CASES(dt, return f(IntCount<S>{C_NONZERO, fin, d.count}));
    break;
  }
  default: break;
  }
  return THC_UNSUPPORTED;
}

}  // namespace

extern "C" cudaError_t THC_reduceWorkspace(const THCReduceDesc *d, size_t *bytes) {
  *bytes = 0;
  return with_op(*d, [&](const auto &op) { return run(*d, op, nullptr, bytes, nullptr); });
}

extern "C" cudaError_t THC_launchReduce(const THCReduceDesc *d, void *workspace,
                                        cudaStream_t stream) {
  return with_op(*d, [&](const auto &op) { return run(*d, op, workspace, nullptr, stream); });
}
